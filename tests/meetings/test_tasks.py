"""Tasks: always owned, owned by current members or groups, due dates checked, done and reopened by those
responsible."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from accord.coalitions.models import AuditEvent, Person
from accord.errors import Conflict, Invalid, NotAllowed
from accord.meetings import actions, queries

from .conftest import World, schedule, snapshot


def test_a_task_needs_an_owner_of_this_coalition(world: World) -> None:
    former = Person.objects.get(coalition=world.coalition, user=world.former)
    stranger = Person.objects.get(coalition=world.elsewhere, user=world.elsewhere_owner)
    before = snapshot()
    cases = [
        ({}, "owner", "Say who will do it: a person or a member group. A task without an owner is not done."),
        ({"owner_person": former}, "owner_person", "Choose a current member of this coalition."),
        ({"owner_person": stranger}, "owner_person", "Choose a current member of this coalition."),
        ({"owner_group": world.elsewhere_group}, "owner_group", "Choose a current member group of this coalition."),
        ({"owner_group": world.group, "title": " "}, "title", "Enter a title."),
        (
            {"owner_group": world.group, "due_on": "next week"},
            "due_on",
            "Give the due date as a date, such as 2026-12-01.",
        ),
        ({"owner_group": world.group, "due_on": "1999-12-31"}, "due_on", "Give a due date between 2000 and 2100."),
        ({"owner_group": world.group, "due_on": date(2101, 1, 1)}, "due_on", "Give a due date between 2000 and 2100."),
    ]
    for values, field, message in cases:
        with pytest.raises(Invalid) as error:
            actions.create_task(actor=world.member, coalition=world.coalition, **({"title": "Leaflets"} | values))
        assert (error.value.field, str(error.value)) == (field, message)
    assert snapshot() == before


def test_due_dates_are_parsed(world: World) -> None:
    made = [
        actions.create_task(
            actor=world.member, coalition=world.coalition, title="T", owner_group=world.group, due_on=value
        )
        for value in ("2027-03-01", date(2027, 3, 1), datetime(2027, 3, 1, 12, tzinfo=UTC), "", None)
    ]
    assert [task.due_on for task in made] == [date(2027, 3, 1)] * 3 + [None, None]


def test_a_task_is_created_with_its_audit_event(world: World) -> None:
    task = actions.create_task(
        actor=world.member,
        coalition=world.coalition,
        title=" Print leaflets ",
        owner_person=world.person(world.delegate),
    )
    assert (task.title, task.status, task.created_by, task.owner_person) == (
        "Print leaflets",
        "open",
        world.person(world.member),
        world.person(world.delegate),
    )
    event = AuditEvent.objects.filter(coalition=world.coalition, verb="task.created").get()
    assert event.summary == "asked Dev to “Print leaflets”"
    assert list(queries.tasks(world.delegate, world.coalition)) == [task]
    assert list(queries.tasks(world.member, world.coalition)) == []
    assert list(queries.tasks(world.member, world.coalition, scope="all")) == [task]


def test_tasks_of_a_meeting_are_recorded_by_its_note_writers(world: World) -> None:
    meeting = schedule(world)
    before = snapshot()
    with pytest.raises(NotAllowed):
        actions.create_task(
            actor=world.member, coalition=world.coalition, title="T", owner_group=world.group, meeting=meeting
        )
    other = schedule(world, kind="working_group", title="Other")
    item = actions.propose_agenda_item(actor=world.member, meeting=other, title="Item")
    before = snapshot()
    with pytest.raises(Invalid) as error:
        actions.create_task(
            actor=world.coordinator,
            coalition=world.coalition,
            title="T",
            owner_group=world.group,
            meeting=meeting,
            item=item,
        )
    assert error.value.field == "item"
    assert snapshot() == before


@pytest.mark.parametrize("who", ["owner", "group_member", "creator", "coordinator"])
def test_complete_and_reopen_by_those_responsible(world: World, who: str) -> None:
    owned = actions.create_task(
        actor=world.other_delegate,
        coalition=world.coalition,
        title="Owned",
        owner_person=world.person(world.facilitator),
    )
    grouped = actions.create_task(
        actor=world.other_delegate, coalition=world.coalition, title="Grouped", owner_group=world.group
    )
    task = grouped if who == "group_member" else owned
    actor = {
        "owner": world.facilitator,
        "group_member": world.member,
        "creator": world.other_delegate,
        "coordinator": world.coordinator,
    }[who]
    done = actions.complete_task(actor=actor, task=task, note=" Printed 500 ")
    assert (done.status, done.done_note, done.done_by) == (
        "done",
        "Printed 500",
        Person.objects.get(coalition=world.coalition, user=actor),
    )
    before = snapshot()
    with pytest.raises(Conflict) as error:
        actions.complete_task(actor=actor, task=task)
    assert str(error.value) == "This task is already done."
    assert snapshot() == before
    reopened = actions.reopen_task(actor=actor, task=task, reason="Ran out")
    assert (reopened.status, reopened.done_at, reopened.done_by) == ("open", None, None)
    before = snapshot()
    with pytest.raises(Conflict) as error:
        actions.reopen_task(actor=actor, task=task)
    assert str(error.value) == "This task is still open."
    assert snapshot() == before
    events = AuditEvent.objects.filter(coalition=world.coalition, verb__in=["task.done", "task.reopened"]).order_by(
        "id"
    )
    assert [(e.verb, e.summary) for e in events] == [
        ("task.done", f"marked “{task.title}” done: Printed 500"),
        ("task.reopened", f"reopened “{task.title}”: Ran out"),
    ]


def test_others_cannot_complete_or_reopen(world: World) -> None:
    task = actions.create_task(
        actor=world.other_delegate, coalition=world.coalition, title="Owned", owner_group=world.other_group
    )
    before = snapshot()
    for actor in (world.member, world.delegate):  # not owner, not in Hull Heat, not creator
        with pytest.raises(NotAllowed) as error:
            actions.complete_task(actor=actor, task=task)
        assert str(error.value) == (
            "Only the task's owner (or a member of its group), whoever set it, or a coordinator can mark it done."
        )
    assert snapshot() == before
    actions.complete_task(actor=world.facilitator, task=task)  # Fay is in Hull Heat
    before = snapshot()
    with pytest.raises(NotAllowed):
        actions.reopen_task(actor=world.member, task=task)
    assert snapshot() == before


def test_is_overdue(world: World) -> None:
    task = actions.create_task(
        actor=world.member, coalition=world.coalition, title="T", owner_group=world.group, due_on=date(2027, 3, 1)
    )
    assert queries.is_overdue(task, today=date(2027, 3, 2))
    assert not queries.is_overdue(task, today=date(2027, 3, 1))
    undated = actions.create_task(actor=world.member, coalition=world.coalition, title="U", owner_group=world.group)
    assert not queries.is_overdue(undated, today=date(2099, 1, 1))
    done = actions.complete_task(actor=world.member, task=task)
    assert not queries.is_overdue(done, today=date(2027, 3, 2))
    assert queries.is_overdue(
        actions.create_task(
            actor=world.member,
            coalition=world.coalition,
            title="V",
            owner_group=world.group,
            due_on=timezone.localdate() - timedelta(days=1),
        )
    )
