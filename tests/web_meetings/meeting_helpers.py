"""Helpers for engineer A's meetings page tests: scheduling a meeting through the action, and reading the error
shown beside a field."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from accord.meetings import actions
from accord.meetings.models import Meeting
from tests.decisions.conftest import World

NEXT_YEAR = timezone.now().year + 1
# 1 July next year, 18:00 in London (summer time, UTC+1) is 17:00 UTC.
LONDON_EVENING = {"starts_at": f"{NEXT_YEAR}-07-01T18:00", "ends_at": f"{NEXT_YEAR}-07-01T20:00", "tz": "Europe/London"}
LONDON_STARTS_UTC = datetime(NEXT_YEAR, 7, 1, 17, 0, tzinfo=UTC)


def schedule(world: World, *, actor: Any = None, days: float = 3, hours: float = 2, **values: Any) -> Meeting:
    """A general meeting scheduled by Mo (a member) unless told otherwise, `days` from now."""
    starts = timezone.now() + timedelta(days=days)
    arguments: dict[str, Any] = {
        "kind": "general",
        "title": "June general meeting",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=hours),
        "place": "Leeds Central Library, room 2",
        "invite": False,
    }
    arguments.update(values)
    return actions.schedule_meeting(actor=actor or world.member, coalition=world.coalition, **arguments)


def url(name: str, meeting: Meeting, *extra: Any) -> str:
    return reverse(f"web:{name}", args=[meeting.coalition.slug, meeting.pk, *extra])


def field_error(html: str, field_id: str) -> str:
    """The text of the error shown beside the field with this id ("" when there is none)."""
    found = re.search(rf'<p class="field-error" id="{re.escape(field_id)}_error">(.*?)</p>', html, re.S)
    if not found:
        return ""
    return re.sub(r"<[^>]+>", "", found.group(1)).replace("Error: ", "", 1).strip()
