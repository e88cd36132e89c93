"""A meeting in the `world` coalition for the notes, tasks and catch-up pages, made through the actions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from accord.meetings import actions
from accord.meetings.models import AgendaItem, Meeting


def meeting_now(
    world: Any, *, title: str = "March general meeting", hours_ago: float = 1, kind: str = "general"
) -> Meeting:
    """A general meeting that started `hours_ago` and ends in an hour, Fay (the facilitator user) taking notes,
    with two agenda items."""
    start = timezone.now() - timedelta(hours=hours_ago)
    meeting = actions.schedule_meeting(
        actor=world.coordinator,
        coalition=world.coalition,
        kind=kind,
        title=title,
        starts_at=start,
        ends_at=start + timedelta(hours=hours_ago + 1),
        place="Hall",
        invite=False,
    )
    actions.propose_agenda_item(actor=world.member, meeting=meeting, title="Hall booking")
    actions.propose_agenda_item(actor=world.delegate, meeting=meeting, title="Spring march")
    actions.assign_role(
        actor=world.coordinator, meeting=meeting, role="note_taker", person=world.person(world.facilitator)
    )
    return meeting


def items(meeting: Meeting) -> list[AgendaItem]:
    return list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "id"))


def end(meeting: Meeting) -> None:
    """Move the meeting into the past (test set-up, as if time had passed)."""
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    meeting.refresh_from_db()


def url(name: str, meeting: Meeting, *extra: Any) -> str:
    return reverse(f"web:{name}", args=[meeting.coalition.slug, meeting.pk, *extra])
