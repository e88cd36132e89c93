"""The agenda: any member proposes, organisers arrange, and open tasks of earlier meetings come first as
follow-ups, once each."""

from __future__ import annotations

import pytest

from accord.coalitions.models import AuditEvent
from accord.errors import Conflict, Invalid, NotAllowed
from accord.meetings import actions, queries
from accord.meetings.models import AgendaItem

from .conftest import World, ended, schedule, snapshot, verbs


def test_any_member_proposes_an_item(world: World) -> None:
    meeting = schedule(world, actor=world.coordinator)
    first = actions.propose_agenda_item(actor=world.member, meeting=meeting, title=" Banner ", description=" Big ")
    second = actions.propose_agenda_item(actor=world.other_delegate, meeting=meeting, title="Budget", minutes="15")
    assert (first.title, first.description, first.minutes, first.position, first.proposed_by) == (
        "Banner",
        "Big",
        None,
        1,
        world.person(world.member),
    )
    assert (second.minutes, second.position) == (15, 2)
    assert [item.title for item in queries.agenda(world.delegate, meeting)] == ["Banner", "Budget"]
    assert AuditEvent.objects.filter(coalition=world.coalition, verb="agenda.item_proposed").order_by(
        "id"
    ).first().summary == ("put “Banner” on the agenda of “General meeting”")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": ""}, "title"),
        ({"minutes": 0}, "minutes"),
        ({"minutes": 601}, "minutes"),
        ({"minutes": "ten"}, "minutes"),
    ],
)
def test_bad_items_are_refused(world: World, values: dict, field: str) -> None:
    meeting = schedule(world)
    before = snapshot()
    with pytest.raises(Invalid) as error:
        actions.propose_agenda_item(actor=world.member, meeting=meeting, **({"title": "Item"} | values))
    assert error.value.field == field
    assert snapshot() == before


def test_agenda_items_on_closed_meetings_are_refused(world: World) -> None:
    past = ended(schedule(world, title="Past"))
    cancelled = schedule(world, title="Off", days=4)
    actions.cancel_meeting(actor=world.member, meeting=cancelled)
    before = snapshot()
    with pytest.raises(Conflict) as error:
        actions.propose_agenda_item(actor=world.member, meeting=past, title="Late")
    assert str(error.value) == "“Past” has ended, so its agenda is closed. Propose the item for the next meeting."
    with pytest.raises(Conflict) as error:
        actions.propose_agenda_item(actor=world.member, meeting=cancelled, title="Late")
    assert str(error.value) == "“Off” was cancelled, so its agenda can no longer change."
    assert snapshot() == before


def test_arrange_agenda_needs_every_item_once(world: World) -> None:
    meeting = schedule(world, actor=world.member)
    a, b, c = (actions.propose_agenda_item(actor=world.delegate, meeting=meeting, title=t) for t in "ABC")
    before = snapshot()
    for order in ([a.pk, b.pk], [a.pk, b.pk, c.pk, c.pk], [a.pk, b.pk, c.pk, 999999], ["x"]):
        with pytest.raises(Invalid) as error:
            actions.arrange_agenda(actor=world.member, meeting=meeting, order=order)
        assert error.value.field == "order"
    for minutes, field in (
        ({a.pk: 0}, f"minutes.{a.pk}"),
        ({a.pk: 601}, f"minutes.{a.pk}"),
        ({999999: 5}, "minutes"),
        ({"x": 5}, "minutes"),
    ):
        with pytest.raises(Invalid) as error:
            actions.arrange_agenda(actor=world.member, meeting=meeting, order=[a.pk, b.pk, c.pk], minutes=minutes)
        assert error.value.field == field
    with pytest.raises(NotAllowed):
        actions.arrange_agenda(actor=world.delegate, meeting=meeting, order=[c.pk, b.pk, a.pk])
    assert snapshot() == before
    arranged = actions.arrange_agenda(
        actor=world.member, meeting=meeting, order=[c.pk, a.pk, b.pk], minutes={str(c.pk): "10", a.pk: 600}
    )
    assert [(item.title, item.position, item.minutes) for item in arranged] == [
        ("C", 0, 10),
        ("A", 1, 600),
        ("B", 2, None),
    ]
    assert [item.title for item in queries.agenda(world.member, meeting)] == ["C", "A", "B"]
    assert AuditEvent.objects.filter(coalition=world.coalition, verb="agenda.arranged").get().summary == (
        "arranged the agenda of “General meeting” (3 items, 610 minutes)"
    )


def test_remove_only_by_proposer_or_organisers_and_not_once_notes_exist(world: World) -> None:
    meeting = schedule(world, actor=world.member)
    mine = actions.propose_agenda_item(actor=world.delegate, meeting=meeting, title="Mine")
    theirs = actions.propose_agenda_item(actor=world.other_delegate, meeting=meeting, title="Theirs")
    noted = actions.propose_agenda_item(actor=world.delegate, meeting=meeting, title="Noted")
    actions.save_notes(actor=world.coordinator, item=noted, notes="We talked.", base_revision=0)
    before = snapshot()
    with pytest.raises(NotAllowed) as error:
        actions.remove_agenda_item(actor=world.delegate, item=theirs)
    assert (
        str(error.value) == "Only whoever proposed the item, or the meeting's organisers, can take it off the agenda."
    )
    with pytest.raises(Conflict) as error:
        actions.remove_agenda_item(actor=world.member, item=AgendaItem.objects.get(pk=noted.pk))
    assert str(error.value) == "Notes or decisions were recorded on this item, so it stays on the agenda."
    assert snapshot() == before
    actions.remove_agenda_item(actor=world.delegate, item=mine)
    actions.remove_agenda_item(actor=world.member, item=theirs)  # the creator organises
    assert list(AgendaItem.objects.filter(meeting=meeting).values_list("title", flat=True)) == ["Noted"]
    assert verbs(world)[-2:] == ["agenda.item_removed", "agenda.item_removed"]


def test_an_item_with_a_decision_stays(world: World) -> None:
    meeting = schedule(world, actor=world.member)
    item = actions.propose_agenda_item(actor=world.member, meeting=meeting, title="Decided")
    actions.record_decision(actor=world.coordinator, meeting=meeting, text="Yes", item=item)
    with pytest.raises(Conflict):
        actions.remove_agenda_item(actor=world.member, item=item)


def task_at(world: World, meeting, title: str):
    return actions.create_task(
        actor=world.coordinator, coalition=world.coalition, title=title, owner_group=world.group, meeting=meeting
    )


def test_tasks_of_a_meeting_come_first_on_the_next_agenda_once_each(world: World) -> None:
    first = schedule(world, title="First", days=1)
    early = schedule(world, title="Second", days=8)  # scheduled before the tasks exist
    actions.propose_agenda_item(actor=world.member, meeting=early, title="Usual business")
    leaflets = task_at(world, first, "Print leaflets")
    hall = task_at(world, first, "Book the hall")
    late = schedule(world, title="Third", days=15)  # scheduled after
    for meeting in (early, late):
        agenda = queries.agenda(world.member, meeting)
        follow_ups = [(item.title, item.follow_up_of_id) for item in agenda if item.follow_up_of_id]
        assert sorted(follow_ups) == [("Follow up: Book the hall", hall.pk), ("Follow up: Print leaflets", leaflets.pk)]
        assert all(item.follow_up_of_id for item in agenda[:2])
    assert queries.agenda(world.member, early)[-1].title == "Usual business"
    # A task recorded at the second meeting is added to the third, and no earlier follow-up is added twice.
    task_at(world, early, "Write to the council")
    assert AgendaItem.objects.filter(meeting=late, follow_up_of=leaflets).count() == 1
    assert sorted(item.title for item in queries.agenda(world.member, late)) == [
        "Follow up: Book the hall",
        "Follow up: Print leaflets",
        "Follow up: Write to the council",
    ]
    assert AgendaItem.objects.filter(meeting=first).count() == 0  # never backwards


def test_done_tasks_are_not_followed_up_later_and_socials_get_none(world: World) -> None:
    first = schedule(world, title="First", days=1)
    done = task_at(world, first, "Done already")
    task_at(world, first, "Still open")
    actions.complete_task(actor=world.coordinator, task=done)
    later = schedule(world, title="Later", days=8)
    assert [item.title for item in queries.agenda(world.member, later)] == ["Follow up: Still open"]
    assert AuditEvent.objects.filter(coalition=world.coalition, verb="meeting.scheduled").order_by(
        "id"
    ).last().data == {"follow_ups": 1}
    social = schedule(world, kind="social", title="Picnic", days=9)
    working = schedule(world, kind="working_group", title="Press group", days=9)
    assert AgendaItem.objects.filter(meeting__in=[social, working]).count() == 0  # other kinds, none


def test_a_follow_up_an_organiser_took_off_stays_off(world: World) -> None:
    first = schedule(world, title="First", days=1)
    second = schedule(world, title="Second", days=8)
    leaflets = task_at(world, first, "Print leaflets")
    item = AgendaItem.objects.get(meeting=second, follow_up_of=leaflets)
    actions.remove_agenda_item(actor=world.member, item=item)  # Mo scheduled it: an organiser
    task_at(world, first, "Book the hall")  # another task of the first meeting puts only itself on the agenda
    assert sorted(AgendaItem.objects.filter(meeting=second).values_list("title", flat=True)) == [
        "Follow up: Book the hall"
    ]
