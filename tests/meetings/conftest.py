"""The small coalition of tests/decisions/conftest.py, with helpers to schedule meetings and to check that a refused
meetings action changed nothing.

    Ana   coordinator, an individual member       Dev  delegate of Leeds Action   Mo   member of Leeds Action
    Pat   delegate of Hull Heat                   Fay  member of Hull Heat        Fred former member, Olu outsider
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from accord.accounts.models import User
from accord.coalitions.models import AuditEvent
from accord.meetings import actions
from accord.meetings.models import (
    AgendaItem,
    Attendance,
    CalendarFeed,
    DigestPreference,
    Meeting,
    MeetingDecision,
    MeetingRole,
    Reply,
    Task,
)
from tests.decisions.conftest import World, build_world

__all__ = ["World", "at", "ended", "schedule", "snapshot", "verbs"]


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def at(days: float, hours: float = 0) -> datetime:
    """A moment `days` (and `hours`) from now, on the hour, in UTC."""
    base = timezone.now().replace(minute=0, second=0, microsecond=0)
    return base + timedelta(days=days, hours=hours)


def schedule(
    world: World,
    *,
    actor: User | None = None,
    kind: str = "general",
    title: str = "General meeting",
    days: float = 2,
    hours: float = 2,
    **values: Any,
) -> Meeting:
    """A meeting scheduled by Mo (a plain member) unless told otherwise, `days` from now, lasting `hours`."""
    arguments: dict[str, Any] = {
        "starts_at": at(days),
        "ends_at": at(days, hours),
        "place": "Friends Meeting House",
        "invite": False,
    }
    arguments.update(values)
    return actions.schedule_meeting(
        actor=actor or world.member, coalition=world.coalition, kind=kind, title=title, **arguments
    )


def ended(meeting: Meeting, *, days_ago: float = 1) -> Meeting:
    """Move a meeting into the past (setup: the actions refuse most changes to ended meetings)."""
    starts = at(-days_ago)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=starts, ends_at=starts + timedelta(hours=2))
    meeting.refresh_from_db()
    return meeting


def verbs(world: World) -> list[str]:
    """The meetings and tasks audit verbs of the coalition, oldest first."""
    return list(
        AuditEvent.objects.filter(coalition=world.coalition, verb__regex=r"^(meeting|agenda|task|calendar)\.")
        .order_by("id")
        .values_list("verb", flat=True)
    )


def snapshot() -> tuple[Any, ...]:
    """Everything a meetings action could write, to assert that a refused action changed nothing."""
    return (
        tuple(
            Meeting.objects.order_by("pk").values_list(
                "pk",
                "kind",
                "title",
                "description",
                "starts_at",
                "ends_at",
                "place",
                "online_link",
                "languages",
                "audience",
                "status",
                "cancelled_reason",
                "notes_published_at",
            )
        ),
        tuple(MeetingRole.objects.order_by("pk").values_list("pk", "role", "person_id", "member_group_id")),
        tuple(Reply.objects.order_by("pk").values_list("pk", "answer", "childcare", "interpretation", "other_needs")),
        tuple(Attendance.objects.order_by("pk").values_list("pk", "person_id")),
        tuple(
            Task.objects.order_by("pk").values_list(
                "pk", "title", "status", "owner_person_id", "owner_group_id", "due_on", "done_at", "done_note"
            )
        ),
        tuple(
            AgendaItem.objects.order_by("pk").values_list(
                "pk", "title", "position", "minutes", "notes", "notes_revision", "follow_up_of_id"
            )
        ),
        tuple(MeetingDecision.objects.order_by("pk").values_list("pk", "text", "proposal_id")),
        tuple(DigestPreference.objects.order_by("pk").values_list("pk", "frequency", "last_sent_at")),
        tuple(CalendarFeed.objects.order_by("pk").values_list("pk", "person_id", "token")),
        AuditEvent.objects.count(),
    )
