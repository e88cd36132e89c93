"""Meeting roles: assigned and cleared by organisers, held by current members, suggested to rotate."""

from __future__ import annotations

import pytest

from accord.coalitions.models import AuditEvent, Person
from accord.errors import Invalid, NotAllowed
from accord.meetings import actions, queries
from accord.meetings.models import MeetingRole

from .conftest import World, ended, schedule, snapshot


def test_organisers_assign_and_clear_roles(world: World) -> None:
    meeting = schedule(world, actor=world.member)
    dev = world.person(world.delegate)
    held = actions.assign_role(actor=world.member, meeting=meeting, role="note_taker", person=dev)
    assert (held.role, held.person, held.member_group) == ("note_taker", dev, world.group)
    ana = world.person(world.coordinator)
    replaced = actions.assign_role(actor=world.coordinator, meeting=meeting, role="note_taker", person=ana)
    assert (replaced.pk, replaced.person, replaced.member_group) == (held.pk, ana, None)
    assert set(queries.roles(meeting)) == {"note_taker"}
    assert actions.assign_role(actor=world.member, meeting=meeting, role="note_taker", person=None) is None
    assert MeetingRole.objects.filter(meeting=meeting).count() == 0
    # Clearing an empty role writes nothing.
    before = snapshot()
    actions.assign_role(actor=world.member, meeting=meeting, role="timekeeper", person=None)
    assert snapshot() == before
    events = AuditEvent.objects.filter(coalition=world.coalition, verb__startswith="meeting.role").order_by("id")
    assert [(event.verb, event.summary) for event in events] == [
        ("meeting.role_assigned", "asked Dev to be the note-taker of “General meeting”"),
        ("meeting.role_assigned", "asked Ana to be the note-taker of “General meeting”"),
        ("meeting.role_cleared", "left the note-taker of “General meeting” open"),
    ]


def test_role_refusals_change_nothing(world: World) -> None:
    meeting = schedule(world, actor=world.member)
    former = Person.objects.get(coalition=world.coalition, user=world.former)
    stranger = Person.objects.get(coalition=world.elsewhere, user=world.elsewhere_owner)
    before = snapshot()
    with pytest.raises(NotAllowed):
        actions.assign_role(
            actor=world.delegate, meeting=meeting, role="facilitator", person=world.person(world.delegate)
        )
    for person in (former, stranger):
        with pytest.raises(Invalid) as error:
            actions.assign_role(actor=world.member, meeting=meeting, role="facilitator", person=person)
        assert (error.value.field, str(error.value)) == ("person", "Choose a current member of this coalition.")
    with pytest.raises(Invalid) as error:
        actions.assign_role(actor=world.member, meeting=meeting, role="chair", person=world.person(world.member))
    assert error.value.field == "role"
    assert snapshot() == before


def hold(world: World, role: str, users, *, start: int = 20) -> None:
    """Past working-group meetings at which `users` held `role`, one each."""
    for index, user in enumerate(users):
        meeting = ended(
            schedule(world, actor=world.coordinator, kind="working_group", title=f"Past {index}", days=start + index)
        )
        actions.assign_role(actor=world.coordinator, meeting=meeting, role=role, person=world.person(user))


def test_suggestions_favour_those_who_held_it_least_and_people_coming(world: World) -> None:
    hold(world, "facilitator", [world.delegate, world.delegate, world.other_delegate])
    hold(world, "note_taker", [world.member], start=40)  # another role does not count
    meeting = schedule(world)
    names = [
        (c.person.name, c.group.name if c.group else None, c.times_held, c.group_times_held, c.replied)
        for c in queries.role_suggestions(world.member, meeting, "facilitator")
    ]
    assert names == [
        ("Ana", None, 0, 0, ""),
        ("Fay", "Hull Heat", 0, 1, ""),
        ("Pat", "Hull Heat", 1, 1, ""),
        ("Mo", "Leeds Action", 0, 2, ""),
        ("Dev", "Leeds Action", 2, 2, ""),
    ]
    actions.reply_to_meeting(actor=world.member, meeting=meeting, answer="yes")
    actions.reply_to_meeting(actor=world.other_delegate, meeting=meeting, answer="maybe")
    actions.reply_to_meeting(actor=world.coordinator, meeting=meeting, answer="no")
    assert [(c.person.name, c.replied) for c in queries.role_suggestions(world.member, meeting, "facilitator")] == [
        ("Mo", "yes"),
        ("Pat", "maybe"),
        ("Fay", ""),
        ("Dev", ""),
    ]


def test_role_spread_counts_people_groups_and_meetings(world: World) -> None:
    hold(world, "facilitator", [world.delegate, world.delegate, world.other_delegate, world.coordinator])
    spread = {row.role: row for row in queries.role_spread(world.member, world.coalition)}
    assert list(spread) == ["facilitator", "note_taker", "timekeeper"]
    facilitator = spread["facilitator"]
    assert (facilitator.label, facilitator.meetings) == ("Facilitator", 4)
    assert facilitator.by_person == [("Dev", 2), ("Pat", 1), ("Ana", 1)]
    assert facilitator.by_group == [("Leeds Action", 2), ("Hull Heat", 1), ("No member group", 1)]
    assert (spread["note_taker"].meetings, spread["note_taker"].by_person) == (0, [])
