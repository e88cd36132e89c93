"""Every meetings action over anonymous, outsider, former member, plain member, organiser and coordinator: the right
people succeed, and every refusal says why and changes nothing.

The organiser is Mo, who scheduled the meeting (or set the task); the plain member is Dev."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from accord.errors import NotAllowed, NotSignedIn
from accord.meetings import actions, queries

from .conftest import World, at, ended, schedule, snapshot

ROLES = ("anonymous", "outsider", "former", "member", "organiser", "coordinator")
MEMBERS = {"member", "organiser", "coordinator"}
ORGANISERS = {"organiser", "coordinator"}
COORDINATOR = {"coordinator"}

counter = iter(range(10_000))


def actor(world: World, role: str) -> Any:
    return {
        "anonymous": AnonymousUser(),
        "outsider": world.outsider,
        "former": world.former,
        "member": world.delegate,
        "organiser": world.member,
        "coordinator": world.coordinator,
    }[role]


def meeting(world: World) -> Any:
    """A fresh working-group meeting scheduled by Mo (working-group meetings may overlap)."""
    return schedule(world, kind="working_group", title=f"Group {next(counter)}")


def task(world: World, *, done: bool = False) -> Any:
    made = actions.create_task(
        actor=world.member, coalition=world.coalition, title="Leaflets", owner_group=world.other_group
    )
    return actions.complete_task(actor=world.member, task=made) if done else made


def item_by_pat(world: World) -> Any:
    return actions.propose_agenda_item(actor=world.other_delegate, meeting=meeting(world), title="Pat's item")


CASES: dict[str, tuple[set[str], Callable[[World], Callable[[Any], Any]]]] = {
    "schedule_meeting": (
        MEMBERS,
        lambda w: (
            lambda a: actions.schedule_meeting(
                actor=a,
                coalition=w.coalition,
                kind="social",
                title="Picnic",
                starts_at=at(3),
                ends_at=at(3, 2),
                place="Park",
                invite=False,
            )
        ),
    ),
    "update_meeting": (
        ORGANISERS,
        lambda w: (lambda m: lambda a: actions.update_meeting(actor=a, meeting=m, title="New"))(meeting(w)),
    ),
    "cancel_meeting": (
        ORGANISERS,
        lambda w: (lambda m: lambda a: actions.cancel_meeting(actor=a, meeting=m))(meeting(w)),
    ),
    "reply_to_meeting": (
        MEMBERS,
        lambda w: (lambda m: lambda a: actions.reply_to_meeting(actor=a, meeting=m, answer="yes"))(meeting(w)),
    ),
    "propose_agenda_item": (
        MEMBERS,
        lambda w: (lambda m: lambda a: actions.propose_agenda_item(actor=a, meeting=m, title="Item"))(meeting(w)),
    ),
    "arrange_agenda": (
        ORGANISERS,
        lambda w: (
            lambda i: lambda a: actions.arrange_agenda(actor=a, meeting=i.meeting, order=[i.pk], minutes={i.pk: 5})
        )(item_by_pat(w)),
    ),
    "remove_agenda_item": (
        ORGANISERS,
        lambda w: (lambda i: lambda a: actions.remove_agenda_item(actor=a, item=i))(item_by_pat(w)),
    ),
    "assign_role": (
        ORGANISERS,
        lambda w: (
            lambda m: lambda a: actions.assign_role(actor=a, meeting=m, role="timekeeper", person=w.person(w.delegate))
        )(meeting(w)),
    ),
    "save_notes": (
        COORDINATOR,
        lambda w: (lambda i: lambda a: actions.save_notes(actor=a, item=i, notes="Notes", base_revision=0))(
            item_by_pat(w)
        ),
    ),
    "record_attendance": (
        COORDINATOR,
        lambda w: (lambda m: lambda a: actions.record_attendance(actor=a, meeting=m, present=[w.person(w.delegate)]))(
            meeting(w)
        ),
    ),
    "record_decision": (
        COORDINATOR,
        lambda w: (lambda m: lambda a: actions.record_decision(actor=a, meeting=m, text="Agreed"))(meeting(w)),
    ),
    "publish_public_notes": (
        COORDINATOR,
        lambda w: (lambda m: lambda a: actions.publish_public_notes(actor=a, meeting=m))(ended(meeting(w))),
    ),
    "create_task": (
        MEMBERS,
        lambda w: lambda a: actions.create_task(actor=a, coalition=w.coalition, title="Banner", owner_group=w.group),
    ),
    "create_task_at_a_meeting": (
        COORDINATOR,
        lambda w: (
            lambda m: (
                lambda a: actions.create_task(
                    actor=a, coalition=w.coalition, title="Banner", owner_group=w.group, meeting=m
                )
            )
        )(meeting(w)),
    ),
    "complete_task": (ORGANISERS, lambda w: (lambda t: lambda a: actions.complete_task(actor=a, task=t))(task(w))),
    "reopen_task": (
        ORGANISERS,
        lambda w: (lambda t: lambda a: actions.reopen_task(actor=a, task=t))(task(w, done=True)),
    ),
    "set_digest_frequency": (
        MEMBERS,
        lambda w: lambda a: actions.set_digest_frequency(actor=a, coalition=w.coalition, frequency="daily"),
    ),
    "calendar_feed": (MEMBERS, lambda w: lambda a: actions.calendar_feed(actor=a, coalition=w.coalition)),
    "renew_coalition_calendar": (
        COORDINATOR,
        lambda w: lambda a: actions.calendar_feed(actor=a, coalition=w.coalition, mine=False, renew=True),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_action_is_refused_to_those_who_may_not(world: World, name: str) -> None:
    allowed, prepare = CASES[name]
    for role in ROLES:
        call = prepare(world)
        if role in allowed:
            call(actor(world, role))
            continue
        before = snapshot()
        expected = NotSignedIn if role == "anonymous" else NotAllowed
        with pytest.raises(expected) as error:
            call(actor(world, role))
        assert str(error.value), f"{name} refused {role} without saying why"
        assert snapshot() == before, f"{name} refused to {role} changed something"


READS: dict[str, Callable[[World, Any], Any]] = {
    "meetings": lambda w, a: list(queries.meetings(a, w.coalition)),
    "meeting": lambda w, a: queries.meeting(a, w.coalition, meeting(w).pk),
    "agenda": lambda w, a: queries.agenda(a, meeting(w)),
    "needs_summary": lambda w, a: queries.needs_summary(a, meeting(w)),
    "role_suggestions": lambda w, a: queries.role_suggestions(a, meeting(w), "facilitator"),
    "role_spread": lambda w, a: queries.role_spread(a, w.coalition),
    "tasks": lambda w, a: list(queries.tasks(a, w.coalition, scope="all")),
    "catch_up": lambda w, a: queries.catch_up(a, w.coalition),
    "attendance": lambda w, a: queries.attendance(a, meeting(w)),
    "decisions": lambda w, a: queries.decisions(a, meeting(w)),
}


@pytest.mark.parametrize("name", sorted(READS))
def test_only_members_read_meetings(world: World, name: str) -> None:
    for role in ROLES:
        if role in MEMBERS:
            READS[name](world, actor(world, role))
            continue
        expected = NotSignedIn if role == "anonymous" else NotAllowed
        with pytest.raises(expected):
            READS[name](world, actor(world, role))
