"""Changing a meeting's details (issue 6): only its organisers, prefilled with the meeting as it is (times in UTC
for accord.js to say in the browser's zone), each refusal beside its field with nothing changed, and cancelled
meetings left as they were."""

from __future__ import annotations

from datetime import timedelta

from accord.coalitions.models import AuditEvent
from accord.meetings import actions
from accord.meetings.models import Meeting

from .meeting_helpers import LONDON_EVENING, LONDON_STARTS_UTC, NEXT_YEAR, field_error, schedule, url


def snapshot(meeting: Meeting) -> dict:
    row = Meeting.objects.get(pk=meeting.pk)
    return {name: getattr(row, name) for name in ("kind", "title", "starts_at", "ends_at", "place", "online_link",
                                                   "languages", "audience", "description", "status")}  # fmt: skip


def form_data(**changes) -> dict:
    data = {
        "kind": "general",
        "title": "July general meeting",
        "place": "Hull Community Hall",
        "online_link": "https://meet.example.org/july",
        "languages": "English, Polish",
        "audience": "Everyone",
        "description": "Our summer plans.",
        **LONDON_EVENING,
    }
    data.update(changes)
    return data


def test_the_form_is_prefilled_with_the_meeting_as_it_is(world, client_for) -> None:
    meeting = schedule(world, starts_at=LONDON_STARTS_UTC, ends_at=LONDON_STARTS_UTC + timedelta(hours=2),
                       languages=["English", "Polish"], audience="Everyone", description="Our plans.")  # fmt: skip
    response = client_for(world.member).get(url("meeting_edit", meeting))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Change the details of June general meeting" in html
    assert 'value="June general meeting"' in html and 'value="Leeds Central Library, room 2"' in html
    assert 'value="English, Polish"' in html and 'value="Everyone"' in html and ">\nOur plans.</textarea>" in html
    assert 'value="general" id="id_kind_0" checked' in html or 'id="id_kind_0" checked' in html
    starts = f"{NEXT_YEAR}-07-01T17:00"
    assert f'data-utc-value="{starts}"' in html and f'value="{starts}"' in html
    assert f'data-utc-value="{NEXT_YEAR}-07-01T19:00"' in html
    assert 'data-time-zone=""' in html  # the browser's zone comes back with the form

    # The meeting page links to it for organisers only.
    assert url("meeting_edit", meeting) in client_for(world.member).get(url("meeting", meeting)).content.decode()
    assert url("meeting_edit", meeting) in client_for(world.coordinator).get(url("meeting", meeting)).content.decode()
    assert url("meeting_edit", meeting) not in client_for(world.delegate).get(url("meeting", meeting)).content.decode()


def test_an_organiser_changes_the_details_in_their_own_zone(world, client_for) -> None:
    meeting = schedule(world)
    client = client_for(world.coordinator)
    response = client.post(url("meeting_edit", meeting), form_data())
    assert response.status_code == 302 and response["Location"] == url("meeting", meeting)
    changed = Meeting.objects.get(pk=meeting.pk)
    assert changed.title == "July general meeting"
    assert changed.starts_at == LONDON_STARTS_UTC and changed.ends_at == LONDON_STARTS_UTC + timedelta(hours=2)
    assert changed.place == "Hull Community Hall" and changed.online_link == "https://meet.example.org/july"
    assert changed.languages == ["English", "Polish"] and changed.audience == "Everyone"
    page = client.get(url("meeting", meeting)).content.decode()
    assert "The details of “July general meeting” are saved." in page
    assert AuditEvent.objects.filter(coalition=world.coalition, verb="meeting.changed").count() == 1


def test_impossible_times_and_an_overlap_are_refused_beside_the_field(world, client_for) -> None:
    meeting = schedule(world)
    other = schedule(world, title="Spokescouncil", kind="spokescouncil", starts_at=LONDON_STARTS_UTC,
                     ends_at=LONDON_STARTS_UTC + timedelta(hours=1), actor=world.coordinator)  # fmt: skip
    before = snapshot(meeting)
    client = client_for(world.member)
    cases = [
        (form_data(ends_at=f"{NEXT_YEAR}-07-01T17:00"), "id_ends_at", "A meeting must end after it starts"),
        (form_data(starts_at="the first of July"), "id_starts_at", "Enter when it starts as a date and time"),
        (form_data(), "id_starts_at", f"This overlaps “{other.title}”"),
        (form_data(place="", online_link=""), "id_place", "Say where it happens"),
        (form_data(online_link="meet.example.org"), "id_online_link", "Give the online link as a full address"),
        (form_data(title=""), "id_title", "Enter a title."),
    ]
    for data, field, message in cases:
        response = client.post(url("meeting_edit", meeting), data)
        assert response.status_code == 422, message
        html = response.content.decode()
        assert field_error(html, field).startswith(message), (field, field_error(html, field))
        assert "<title>Error: Change the details" in html
        assert f'aria-describedby="{field}_help {field}_error"' in html or f'aria-describedby="{field}_error"' in html
        assert "data-utc-value" not in html  # what was typed stays as typed
        assert snapshot(meeting) == before
    assert not AuditEvent.objects.filter(coalition=world.coalition, verb="meeting.changed").exists()


def test_only_organisers_change_the_details(world, client_for) -> None:
    meeting = schedule(world)
    before = snapshot(meeting)
    for user in (world.delegate, world.other_delegate, world.outsider, world.former):
        assert client_for(user).get(url("meeting_edit", meeting)).status_code == 403
        assert client_for(user).post(url("meeting_edit", meeting), form_data()).status_code == 403
    anonymous = client_for(None).post(url("meeting_edit", meeting), form_data())
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert snapshot(meeting) == before
    # The facilitator of the meeting is an organiser.
    actions.assign_role(actor=world.coordinator, meeting=meeting, role="facilitator",
                        person=world.person(world.other_delegate))  # fmt: skip
    assert client_for(world.other_delegate).post(url("meeting_edit", meeting), form_data()).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).title == "July general meeting"


def test_a_cancelled_meeting_is_not_changed(world, client_for) -> None:
    meeting = schedule(world)
    actions.cancel_meeting(actor=world.member, meeting=meeting, reason="Hall flooded.")
    before = snapshot(meeting)
    client = client_for(world.member)
    for response in (client.get(url("meeting_edit", meeting)), client.post(url("meeting_edit", meeting), form_data())):
        assert response.status_code == 302 and response["Location"] == url("meeting", meeting)
    assert snapshot(meeting) == before
    page = client.get(url("meeting", meeting)).content.decode()
    assert "“June general meeting” was cancelled, so its details can no longer change." in page
    assert url("meeting_edit", meeting) not in page
