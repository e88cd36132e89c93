"""Replies with access needs: every value checked, needs summed up with no one named, shown only to organisers."""

from __future__ import annotations

import pytest

from accord.coalitions.models import AuditEvent
from accord.errors import Conflict, Invalid
from accord.meetings import actions, queries
from accord.meetings.models import Reply
from accord.meetings.queries import NeedsSummary

from .conftest import World, ended, schedule, snapshot


def test_a_reply_is_stored_cleaned_and_replaced_by_the_next(world: World) -> None:
    meeting = schedule(world)
    reply = actions.reply_to_meeting(
        actor=world.delegate,
        meeting=meeting,
        answer="yes",
        childcare="2",
        travel_cost=True,
        interpretation="  Polish ",
        step_free=True,
        quiet_room=False,
        other_needs="  A chair with arms ",
    )
    reply.refresh_from_db()
    assert (reply.answer, reply.childcare, reply.travel_cost, reply.interpretation, reply.step_free) == (
        "yes",
        2,
        True,
        "Polish",
        True,
    )
    assert (reply.quiet_room, reply.other_needs, reply.person) == (
        False,
        "A chair with arms",
        world.person(world.delegate),
    )
    again = actions.reply_to_meeting(actor=world.delegate, meeting=meeting, answer="maybe")
    assert again.pk == reply.pk and Reply.objects.filter(meeting=meeting).count() == 1
    again.refresh_from_db()
    assert (again.answer, again.childcare, again.interpretation, again.other_needs) == ("maybe", 0, "", "")
    assert queries.my_reply(world.delegate, meeting) == again
    assert queries.my_reply(world.member, meeting) is None
    events = AuditEvent.objects.filter(coalition=world.coalition, verb="meeting.replied").order_by("id")
    assert [event.summary for event in events] == [
        "replied “I'm coming” to “General meeting”",
        "replied “Maybe” to “General meeting”",
    ]
    assert all("Polish" not in str(event.data) and "chair" not in event.summary for event in events)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"answer": "perhaps"}, "answer", "Say whether you are coming: yes, maybe or no."),
        ({"answer": ""}, "answer", "Say whether you are coming: yes, maybe or no."),
        ({"childcare": -1}, "childcare", "Give the number of children to look after, between 0 and 20."),
        ({"childcare": 21}, "childcare", "Give the number of children to look after, between 0 and 20."),
        ({"childcare": "two"}, "childcare", "Give the number of children to look after, as a number such as 2."),
        ({"childcare": True}, "childcare", "Give the number of children to look after, or 0."),
        ({"childcare": 1.5}, "childcare", "Give the number of children to look after, or 0."),
        ({"travel_cost": "yes"}, "travel_cost", "Answer with yes or no."),
        ({"step_free": 1}, "step_free", "Answer with yes or no."),
        ({"quiet_room": None}, "quiet_room", "Answer with yes or no."),
        ({"interpretation": "x" * 61}, "interpretation", None),
        ({"other_needs": "x" * 1001}, "other_needs", None),
    ],
)
def test_bad_reply_values_are_refused_naming_the_field(
    world: World, values: dict, field: str, message: str | None
) -> None:
    meeting = schedule(world)
    before = snapshot()
    with pytest.raises(Invalid) as error:
        actions.reply_to_meeting(actor=world.member, meeting=meeting, **({"answer": "yes"} | values))
    assert error.value.field == field
    if message:
        assert str(error.value) == message
    assert snapshot() == before


def test_childcare_bounds_are_inclusive(world: World) -> None:
    meeting = schedule(world)
    assert actions.reply_to_meeting(actor=world.member, meeting=meeting, answer="yes", childcare=20).childcare == 20
    assert actions.reply_to_meeting(actor=world.member, meeting=meeting, answer="yes", childcare=" ").childcare == 0


def reply_all(world: World, meeting) -> None:
    actions.reply_to_meeting(
        actor=world.delegate, meeting=meeting, answer="yes", childcare=2, interpretation="polish", step_free=True
    )
    actions.reply_to_meeting(
        actor=world.facilitator,
        meeting=meeting,
        answer="maybe",
        childcare=1,
        interpretation="POLISH ",
        travel_cost=True,
        other_needs="large print agenda",
    )
    actions.reply_to_meeting(
        actor=world.other_delegate, meeting=meeting, answer="yes", interpretation="Urdu", quiet_room=True
    )
    actions.reply_to_meeting(
        actor=world.coordinator,
        meeting=meeting,
        answer="no",
        childcare=3,
        travel_cost=True,
        interpretation="Welsh",
        other_needs="Anything",
    )


def test_organisers_see_needs_summed_up_without_names(world: World) -> None:
    meeting = schedule(world, actor=world.member)
    reply_all(world, meeting)
    summary = queries.needs_summary(world.member, meeting)  # the creator organises it
    assert summary == NeedsSummary(
        shown=True,
        coming=2,
        maybe=1,
        not_coming=1,
        children=3,
        families=2,
        travel_cost=1,
        step_free=1,
        quiet_room=1,
        interpretation={"Polish": 2, "Urdu": 1},
        other=["large print agenda"],
    )
    assert summary.any
    assert queries.needs_summary(world.coordinator, meeting) == summary
    names = {"Ana", "Dev", "Mo", "Pat", "Fay"}
    assert not any(name in repr(summary) for name in names)


def test_plain_members_see_only_counts(world: World) -> None:
    meeting = schedule(world, actor=world.member)
    reply_all(world, meeting)
    assert queries.needs_summary(world.delegate, meeting) == NeedsSummary(coming=2, maybe=1, not_coming=1)
    assert not queries.needs_summary(world.delegate, meeting).any


def test_replies_are_refused_after_the_meeting_ended_or_when_cancelled(world: World) -> None:
    past = ended(schedule(world, title="Past"))
    cancelled = schedule(world, title="Off", days=4)
    actions.cancel_meeting(actor=world.member, meeting=cancelled)
    before = snapshot()
    with pytest.raises(Conflict) as error:
        actions.reply_to_meeting(actor=world.delegate, meeting=past, answer="yes")
    assert str(error.value) == "This meeting has already happened."
    with pytest.raises(Conflict) as error:
        actions.reply_to_meeting(actor=world.delegate, meeting=cancelled, answer="yes")
    assert str(error.value) == "“Off” was cancelled, so replies can no longer change."
    assert snapshot() == before
