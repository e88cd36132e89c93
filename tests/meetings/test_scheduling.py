"""Scheduling, changing and cancelling meetings: every field cleaned, impossible times refused on the right field,
coalition-wide meetings never overlapping, and invitations mailed (with an .ics) once the transaction commits."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from accord.coalitions.models import AuditEvent
from accord.errors import Conflict, Invalid, NotAllowed
from accord.meetings import actions
from accord.meetings.models import Meeting

from .conftest import World, at, ended, schedule, snapshot, verbs


def test_a_member_schedules_a_meeting_with_every_field_cleaned(world: World) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    starts = at(3).astimezone(berlin)
    meeting = actions.schedule_meeting(
        actor=world.member,
        coalition=world.coalition,
        kind="general",
        title="  Spring general meeting  ",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="  Friends Meeting House  ",
        online_link=" https://meet.example.org/river ",
        languages="English; Polish, english, ,Urdu",
        audience="  Everyone  ",
        description="  Bring snacks.  ",
        invite=False,
    )
    meeting.refresh_from_db()
    assert meeting.title == "Spring general meeting"
    assert meeting.place == "Friends Meeting House"
    assert meeting.online_link == "https://meet.example.org/river"
    assert meeting.languages == ["English", "Polish", "Urdu"]
    assert meeting.audience == "Everyone"
    assert meeting.description == "Bring snacks."
    assert meeting.starts_at == at(3) and meeting.ends_at == at(3, 2)
    assert meeting.starts_at.utcoffset() == timedelta(0)
    assert (meeting.status, meeting.created_by, meeting.kind) == ("scheduled", world.person(world.member), "general")
    event = AuditEvent.objects.filter(coalition=world.coalition, verb="meeting.scheduled").get()
    assert event.summary == f"scheduled the general meeting “Spring general meeting” on {at(3):%d %B %Y %H:%M} UTC"
    assert event.data == {"follow_ups": 0}


def test_languages_as_a_list_are_cleaned_and_deduplicated(world: World) -> None:
    meeting = schedule(world, languages=[" BSL ", "bsl", "", "Welsh"])
    assert meeting.languages == ["BSL", "Welsh"]
    with pytest.raises(Invalid) as error:
        schedule(world, languages=[f"Language {n}" for n in range(13)])
    assert (error.value.field, str(error.value)) == ("languages", "List at most 12 languages.")
    with pytest.raises(Invalid) as error:
        schedule(world, languages=["English", 3])
    assert error.value.field == "languages.1"
    with pytest.raises(Invalid) as error:
        schedule(world, languages=7)
    assert error.value.field == "languages"


@pytest.mark.parametrize(
    ("starts", "ends", "field", "message"),
    [
        (at(2), at(2, -1), "ends_at", "A meeting must end after it starts: check the end time (and its date)."),
        (at(2), at(2), "ends_at", "A meeting must end after it starts: check the end time (and its date)."),
        (at(2), at(9, 1), "ends_at", "A meeting lasts at most 7 days; for longer gatherings schedule each day."),
        (at(3 * 366 + 2), at(3 * 366 + 2, 2), "starts_at", "Schedule meetings at most three years ahead."),
        (at(-370), at(-370, 2), "starts_at", "A meeting that ended over a year ago cannot be scheduled now."),
        (datetime(2030, 1, 1, 18), at(2), "starts_at", "Give when it starts with its time zone."),
        (at(2), datetime(2030, 1, 1, 18), "ends_at", "Give when it ends with its time zone."),
        ("2030-01-01T18:00Z", at(2), "starts_at", "Give when it starts as a date and time."),
        (at(2), None, "ends_at", "Give when it ends as a date and time."),
    ],
)
def test_impossible_times_are_refused_on_the_right_field(
    world: World, starts: object, ends: object, field: str, message: str
) -> None:
    before = snapshot()
    with pytest.raises(Invalid) as error:
        actions.schedule_meeting(
            actor=world.member,
            coalition=world.coalition,
            kind="general",
            title="Impossible",
            starts_at=starts,
            ends_at=ends,
            place="Hall",
        )
    assert (error.value.field, str(error.value)) == (field, message)
    assert snapshot() == before


def test_a_meeting_that_ended_recently_may_be_recorded(world: World) -> None:
    meeting = schedule(world, days=-300)
    assert meeting.has_ended()


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"kind": "party"}, "kind", None),
        ({"title": "   "}, "title", "Enter a title."),
        ({"title": "Two\nlines"}, "title", "Keep the title on one line."),
        ({"title": "x" * 201}, "title", None),
        ({"place": "", "online_link": ""}, "place", "Say where it happens: a place, an online link, or both."),
        (
            {"online_link": "meet.example.org"},
            "online_link",
            "Give the online link as a full address starting with https://.",
        ),
        ({"online_link": "javascript:alert(1)"}, "online_link", None),
        ({"audience": "x" * 301}, "audience", None),
        ({"description": "x" * 4001}, "description", None),
        ({"place": 12}, "place", "Enter the place as text."),
    ],
)
def test_bad_fields_are_refused_naming_the_field(world: World, values: dict, field: str, message: str | None) -> None:
    before = snapshot()
    arguments = {"kind": "general", "title": "Meeting", "place": "Hall"} | values
    with pytest.raises(Invalid) as error:
        actions.schedule_meeting(
            actor=world.member, coalition=world.coalition, starts_at=at(2), ends_at=at(2, 2), **arguments
        )
    assert error.value.field == field
    if message is not None:
        assert str(error.value) == message
    assert snapshot() == before


def test_an_online_link_alone_is_enough(world: World) -> None:
    meeting = schedule(world, place="", online_link="https://meet.example.org/x")
    assert (meeting.place, meeting.online_link) == ("", "https://meet.example.org/x")


@pytest.mark.parametrize("second_kind", ["general", "spokescouncil"])
def test_coalition_wide_meetings_may_not_overlap(world: World, second_kind: str) -> None:
    first = schedule(world, kind="spokescouncil", title="Spokes", days=2, hours=2)
    before = snapshot()
    with pytest.raises(Invalid) as error:
        schedule(world, kind=second_kind, title="Clash", days=2, hours=1)  # starts with it
    assert error.value.field == "starts_at"
    assert str(error.value) == (
        f"This overlaps “Spokes” ({first.starts_at:%d %B %Y %H:%M}–{first.ends_at:%H:%M} UTC): meetings of the whole "
        "coalition cannot run at the same time. Choose another time."
    )
    assert snapshot() == before
    # Back to back is not an overlap.
    assert schedule(world, kind=second_kind, title="After", starts_at=at(2, 2), ends_at=at(2, 3)).title == "After"


def test_working_group_and_social_meetings_may_overlap(world: World) -> None:
    schedule(world, kind="general", title="General")
    assert schedule(world, kind="working_group", title="Press group").kind == "working_group"
    assert schedule(world, kind="social", title="Picnic").kind == "social"
    assert schedule(world, kind="working_group", title="Another group").kind == "working_group"
    assert Meeting.objects.filter(coalition=world.coalition).count() == 4


def test_a_cancelled_meeting_does_not_block_the_time(world: World) -> None:
    first = schedule(world, title="Called off")
    actions.cancel_meeting(actor=world.member, meeting=first, reason="Hall flooded")
    second = schedule(world, title="Instead")
    assert second.starts_at == first.starts_at


def test_moving_a_meeting_onto_another_is_refused_but_not_onto_itself(world: World) -> None:
    schedule(world, title="First", days=2)
    second = schedule(world, title="Second", days=3)
    actions.update_meeting(actor=world.member, meeting=second, starts_at=at(3, 1), ends_at=at(3, 3))
    before = snapshot()
    with pytest.raises(Invalid) as error:
        actions.update_meeting(actor=world.member, meeting=second, starts_at=at(2, 1), ends_at=at(2, 3))
    assert error.value.field == "starts_at" and "“First”" in str(error.value)
    assert snapshot() == before


def test_invitations_are_mailed_on_commit_with_an_ics(world: World, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        meeting = schedule(world, title="Spring meeting", invite=True)
        assert mail.outbox == []  # nothing before the commit
    assert len(callbacks) == 1
    people = ["ana@example.org", "dev@example.org", "fay@example.org", "mo@example.org", "pat@example.org"]
    assert sorted(message.to[0] for message in mail.outbox) == people
    message = mail.outbox[0]
    assert message.subject == f"Invitation: Spring meeting, {meeting.starts_at:%d %B %Y} (River Towns)"
    (name, content, mimetype) = message.attachments[0]
    assert (name, mimetype) == ("meeting.ics", "text/calendar; method=PUBLISH")
    assert "BEGIN:VEVENT" in content and "SUMMARY:Spring meeting" in content
    assert f"/c/{world.coalition.slug}/meetings/{meeting.pk}/" in message.body


def test_a_spokescouncil_invites_delegates_only(world: World, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        schedule(world, kind="spokescouncil", title="Spokes", invite=True)
    assert sorted(message.to[0] for message in mail.outbox) == ["dev@example.org", "pat@example.org"]


def test_no_invitations_when_not_asked_or_cancelled_before_sending(
    world: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        schedule(world, invite=False)
    assert mail.outbox == []


def test_update_meeting_by_creator_facilitator_and_coordinator(world: World) -> None:
    meeting = schedule(world, actor=world.member)
    actions.update_meeting(actor=world.member, meeting=meeting, title="  Renamed  ")
    actions.assign_role(actor=world.member, meeting=meeting, role="facilitator", person=world.person(world.facilitator))
    actions.update_meeting(actor=world.facilitator, meeting=meeting, place="Town hall", languages="Polish")
    actions.update_meeting(actor=world.coordinator, meeting=meeting, audience="Delegates")
    meeting.refresh_from_db()
    assert (meeting.title, meeting.place, meeting.languages, meeting.audience) == (
        "Renamed",
        "Town hall",
        ["Polish"],
        "Delegates",
    )
    changes = AuditEvent.objects.filter(coalition=world.coalition, verb="meeting.changed").order_by("id")
    assert [event.data["changed"] for event in changes] == [["title"], ["languages", "place"], ["audience"]]
    assert changes[0].summary == "changed title of “Renamed”"
    # Nothing changed: no write, no audit event.
    before = snapshot()
    actions.update_meeting(actor=world.member, meeting=meeting, title="Renamed")
    assert snapshot() == before


def test_update_refusals_change_nothing(world: World) -> None:
    meeting = schedule(world, actor=world.member)
    before = snapshot()
    for actor in (world.delegate, world.other_delegate):
        with pytest.raises(NotAllowed) as error:
            actions.update_meeting(actor=actor, meeting=meeting, title="Mine now")
        assert str(error.value) == (
            "Only whoever scheduled this meeting, its facilitator or a coordinator can change it."
        )
    with pytest.raises(Invalid) as error:
        actions.update_meeting(actor=world.member, meeting=meeting, colour="red")
    assert (error.value.field, str(error.value)) == ("colour", "A meeting has no field called 'colour'.")
    with pytest.raises(Invalid) as error:
        actions.update_meeting(actor=world.member, meeting=meeting, ends_at=at(1))
    assert error.value.field == "ends_at"
    assert snapshot() == before


def test_cancel_meeting_permissions_and_refusals(world: World) -> None:
    meeting = schedule(world, actor=world.member)
    before = snapshot()
    with pytest.raises(NotAllowed) as error:
        actions.cancel_meeting(actor=world.delegate, meeting=meeting)
    assert str(error.value) == "Only whoever scheduled this meeting, its facilitator or a coordinator can cancel it."
    assert snapshot() == before
    actions.cancel_meeting(actor=world.coordinator, meeting=meeting, reason="  Hall flooded ")
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancelled_reason) == ("cancelled", "Hall flooded")
    assert (
        AuditEvent.objects.get(coalition=world.coalition, verb="meeting.cancelled").summary
        == "cancelled “General meeting”: Hall flooded"
    )
    past = ended(schedule(world, title="Done", days=5))
    before = snapshot()
    with pytest.raises(Conflict) as error:
        actions.cancel_meeting(actor=world.member, meeting=meeting)
    assert str(error.value) == "“General meeting” was cancelled, so it can no longer change."
    with pytest.raises(Conflict):
        actions.update_meeting(actor=world.member, meeting=meeting, title="Back on")
    with pytest.raises(Conflict) as error:
        actions.cancel_meeting(actor=world.member, meeting=past)
    assert str(error.value) == "This meeting has already happened; it cannot be cancelled."
    assert verbs(world)[-1] == "meeting.scheduled"
    assert snapshot() == before


def test_the_facilitator_of_one_meeting_does_not_organise_another(world: World) -> None:
    one = schedule(world, title="One", days=2)
    other = schedule(world, title="Other", days=4)
    actions.assign_role(actor=world.member, meeting=one, role="facilitator", person=world.person(world.delegate))
    with pytest.raises(NotAllowed):
        actions.cancel_meeting(actor=world.delegate, meeting=other)
    actions.cancel_meeting(actor=world.delegate, meeting=one)
