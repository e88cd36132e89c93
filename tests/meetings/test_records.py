"""Attendance, decisions recorded in the room, and the public notes in which no one is named."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accord.coalitions.models import Affiliation, AuditEvent, Person
from accord.errors import Conflict, Invalid, NotFound
from accord.meetings import actions, queries
from tests.decisions.conftest import open_proposal

from .conftest import World, ended, schedule, snapshot


def test_attendance_replaces_the_previous_list(world: World) -> None:
    meeting = schedule(world)
    dev, mo, pat = (world.person(user) for user in (world.delegate, world.member, world.other_delegate))
    assert actions.record_attendance(actor=world.coordinator, meeting=meeting, present=[dev, mo.pk, str(pat.pk)]) == 3
    assert actions.record_attendance(actor=world.coordinator, meeting=meeting, present=[dev, pat]) == 2
    assert [person.name for person in queries.attendance(world.member, meeting)] == ["Dev", "Pat"]
    assert AuditEvent.objects.filter(coalition=world.coalition, verb="meeting.attendance").order_by(
        "id"
    ).last().summary == ("recorded 2 people present at “General meeting”")
    former = Person.objects.get(user=world.former, coalition=world.coalition)
    stranger = Person.objects.get(user=world.elsewhere_owner)
    before = snapshot()
    for present in ([dev, former], [stranger], ["Dev"], [999999]):
        with pytest.raises(Invalid) as error:
            actions.record_attendance(actor=world.coordinator, meeting=meeting, present=present)
        assert error.value.field == "present"
    assert snapshot() == before


def test_decisions_are_recorded_with_this_coalitions_proposals_only(world: World) -> None:
    meeting = schedule(world)
    other_meeting = schedule(world, kind="working_group", title="Other")
    item = actions.propose_agenda_item(actor=world.member, meeting=meeting, title="Tuesdays")
    foreign_item = actions.propose_agenda_item(actor=world.member, meeting=other_meeting, title="Elsewhere")
    proposal = open_proposal(world)
    decision = actions.record_decision(
        actor=world.coordinator, meeting=meeting, text=" We meet on Tuesdays. ", item=item, proposal=proposal
    )
    assert (decision.text, decision.agenda_item, decision.proposal, decision.recorded_by) == (
        "We meet on Tuesdays.",
        item,
        proposal,
        world.person(world.coordinator),
    )
    assert [row.text for row in queries.decisions(world.member, meeting)] == ["We meet on Tuesdays."]
    from accord.decisions import actions as decision_actions

    foreign = decision_actions.open_proposal(
        actor=world.elsewhere_owner,
        coalition=world.elsewhere,
        kind=world.kind("meeting_conduct", world.elsewhere),
        title="Theirs",
        text="Theirs",
        closes_at=timezone.now() + timezone.timedelta(days=7),
    )
    before = snapshot()
    with pytest.raises(Invalid) as error:
        actions.record_decision(actor=world.coordinator, meeting=meeting, text="Theirs", proposal=foreign)
    assert (error.value.field, str(error.value)) == ("proposal", "Choose a proposal of this coalition.")
    with pytest.raises(Invalid) as error:
        actions.record_decision(actor=world.coordinator, meeting=meeting, text="Wrong item", item=foreign_item)
    assert error.value.field == "item"
    with pytest.raises(Invalid) as error:
        actions.record_decision(actor=world.coordinator, meeting=meeting, text="  ")
    assert error.value.field == "text"
    assert snapshot() == before


def test_public_notes_are_published_only_after_the_end(world: World) -> None:
    meeting = schedule(world)
    before = snapshot()
    with pytest.raises(Conflict) as error:
        actions.publish_public_notes(actor=world.coordinator, meeting=meeting)
    assert str(error.value) == "Publish the notes once the meeting has ended."
    with pytest.raises(NotFound):
        queries.public_notes(meeting)
    with pytest.raises(NotFound):
        queries.published(world.coalition, meeting.pk)
    assert snapshot() == before
    ended(meeting)
    actions.publish_public_notes(actor=world.coordinator, meeting=meeting)
    assert queries.published(world.coalition, meeting.pk) == meeting
    with pytest.raises(NotFound):
        queries.published(world.elsewhere, meeting.pk)
    assert AuditEvent.objects.filter(coalition=world.coalition, verb="meeting.notes_published").get().summary == (
        "published the public notes of “General meeting”, with no one named"
    )


def test_the_public_notes_title_names_no_one_either(world: World) -> None:
    meeting = schedule(world, title="Planning with Dev and Mo")
    ended(meeting)
    meeting = actions.publish_public_notes(actor=world.coordinator, meeting=meeting)
    assert (
        queries.public_notes(meeting).title == "Planning with [a member of Leeds Action] and [a member of Leeds Action]"
    )


def test_public_notes_name_no_one(world: World) -> None:
    Person.objects.create(
        coalition=world.coalition, name="Ana Lima", email="lima@example.org", is_individual_member=True
    )
    meeting = schedule(world)
    actions.assign_role(
        actor=world.coordinator, meeting=meeting, role="note_taker", person=world.person(world.facilitator)
    )
    actions.assign_role(
        actor=world.coordinator, meeting=meeting, role="facilitator", person=world.person(world.coordinator)
    )
    item = actions.propose_agenda_item(actor=world.member, meeting=meeting, title="Mo's banner")
    actions.save_notes(
        actor=world.facilitator,
        item=item,
        notes="ana LIMA and Ana spoke; Mo agreed on Monday with Dev. Pat said Fay and Fred know. Anabel, mo, Moment.",
        base_revision=0,
    )
    actions.record_decision(actor=world.coordinator, meeting=meeting, text="Dev prints the banner.")
    actions.create_task(
        actor=world.coordinator,
        coalition=world.coalition,
        title="Ask Pat",
        owner_person=world.person(world.member),
        meeting=meeting,
    )
    actions.create_task(
        actor=world.coordinator,
        coalition=world.coalition,
        title="Hall",
        owner_person=world.person(world.facilitator),
        meeting=meeting,
    )
    actions.create_task(
        actor=world.coordinator,
        coalition=world.coalition,
        title="Leaflets",
        owner_group=world.other_group,
        meeting=meeting,
    )
    actions.record_attendance(
        actor=world.coordinator, meeting=meeting, present=[world.person(world.member), world.person(world.delegate)]
    )
    # Fay once belonged to Leeds Action too: her current group is the one that names her.
    Affiliation.objects.create(
        person=world.person(world.facilitator), member_group=world.group, ended_at=timezone.now(), end_reason="moved"
    )
    ended(meeting)
    notes = queries.public_notes(actions.publish_public_notes(actor=world.coordinator, meeting=meeting))
    assert notes.items == [
        (
            "[a member of Leeds Action]'s banner",
            # Full names whatever their case; a first name alone with its capital (so "mo" the word stays), and a
            # first name two people share ("Ana", "Ana Lima") names neither.
            "[an individual member] and [a member] spoke; [a member of Leeds Action] agreed on Monday with "
            "[a member of Leeds Action]. [a member of Hull Heat] said [the note-taker] and [a member of Leeds Action] "
            "know. Anabel, mo, Moment.",
        )
    ]
    assert notes.decisions == ["[a member of Leeds Action] prints the banner."]
    assert notes.tasks == [
        ("Ask [a member of Hull Heat]", "a member of Leeds Action"),
        ("Hall", "the note-taker"),
        ("Leaflets", "Hull Heat"),
    ]
    assert notes.present == 2
