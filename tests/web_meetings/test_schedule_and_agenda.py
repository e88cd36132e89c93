"""The meetings list, scheduling a meeting, and the agenda: proposing, arranging and removing items."""

from __future__ import annotations

from django.urls import reverse

from accord.meetings import actions
from accord.meetings.models import AgendaItem, Meeting

from .meeting_helpers import LONDON_EVENING, LONDON_STARTS_UTC, NEXT_YEAR, field_error, schedule, url


def create_url(world) -> str:
    return reverse("web:meeting_create", args=[world.coalition.slug])


def form_data(**changes):
    data = {
        "kind": "general",
        "title": "July general meeting",
        "place": "Hull Community Hall",
        "online_link": "",
        "languages": "English, Polish",
        "audience": "Everyone",
        "description": "Our summer plans.",
        **LONDON_EVENING,
    }
    data.update(changes)
    return data


# --- the list ------------------------------------------------------------------------------------------------------


def test_members_see_upcoming_and_past_meetings_with_times_in_their_zone(world, client_for) -> None:
    upcoming = schedule(world, title="June general meeting", days=3)
    past = schedule(world, title="May social", kind="social", days=-20)
    actions.reply_to_meeting(actor=world.delegate, meeting=upcoming, answer="yes")
    actions.propose_agenda_item(actor=world.delegate, meeting=upcoming, title="Summer march")
    response = client_for(world.other_delegate).get(reverse("web:meetings", args=[world.coalition.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    upcoming_part, past_part = html.split('id="past-heading"')
    assert "June general meeting" in upcoming_part and "May social" not in upcoming_part
    assert "May social" in past_part
    stamp = upcoming.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert f'<time datetime="{stamp}" data-local-time="datetime">' in upcoming_part
    assert '<td data-label="Coming" class="number">1</td>' in upcoming_part
    assert '<td data-label="Agenda items" class="number">1</td>' in upcoming_part
    assert f'href="{url("meeting", past)}"' in past_part
    assert reverse("web:meeting_create", args=[world.coalition.slug]) in html
    assert reverse("web:meeting_roles", args=[world.coalition.slug]) in html


def test_outsiders_and_former_members_are_refused_the_list(world, client_for) -> None:
    schedule(world)
    for user in (world.outsider, world.former):
        response = client_for(user).get(reverse("web:meetings", args=[world.coalition.slug]))
        assert response.status_code == 403
        assert "June general meeting" not in response.content.decode()


# --- scheduling --------------------------------------------------------------------------------------------------


def test_scheduling_reads_the_times_in_the_browsers_zone(world, client_for) -> None:
    response = client_for(world.member).post(create_url(world), form_data())
    meeting = Meeting.objects.get(coalition=world.coalition, title="July general meeting")
    assert response.status_code == 302
    assert response["Location"] == url("meeting", meeting)
    assert meeting.starts_at == LONDON_STARTS_UTC
    assert meeting.ends_at == LONDON_STARTS_UTC.replace(hour=19)
    assert meeting.languages == ["English", "Polish"]
    assert (meeting.kind, meeting.place, meeting.audience) == ("general", "Hull Community Hall", "Everyone")
    assert meeting.created_by == world.person(world.member)


def test_the_form_shows_its_fields(world, client_for) -> None:
    response = client_for(world.member).get(create_url(world))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'type="datetime-local"' in html and 'name="starts_at"' in html and 'name="ends_at"' in html
    assert "data-time-zone" in html
    for label in ("Kind of meeting", "Title", "Place", "Online link", "Languages spoken", "Who it is for"):
        assert label in html


def test_an_end_before_the_start_is_shown_beside_the_end_and_nothing_is_scheduled(world, client_for) -> None:
    response = client_for(world.member).post(create_url(world), form_data(ends_at=f"{NEXT_YEAR}-07-01T17:00"))
    assert response.status_code == 422
    html = response.content.decode()
    assert field_error(html, "id_ends_at") == ("A meeting must end after it starts: check the end time (and its date).")
    assert "<title>Error: " in html
    assert not Meeting.objects.filter(coalition=world.coalition).exists()


def test_an_overlapping_general_meeting_is_refused_beside_the_start(world, client_for) -> None:
    client = client_for(world.member)
    assert client.post(create_url(world), form_data(title="First")).status_code == 302
    response = client.post(
        create_url(world),
        form_data(title="Second", kind="spokescouncil", starts_at=f"{NEXT_YEAR}-07-01T19:00",
                  ends_at=f"{NEXT_YEAR}-07-01T21:00"),
    )  # fmt: skip
    assert response.status_code == 422
    error = field_error(response.content.decode(), "id_starts_at")
    assert error.startswith("This overlaps “First”")
    assert error.endswith("meetings of the whole coalition cannot run at the same time. Choose another time.")
    assert list(Meeting.objects.filter(coalition=world.coalition).values_list("title", flat=True)) == ["First"]


def test_nonsense_times_and_a_missing_place_are_shown_beside_their_fields(world, client_for) -> None:
    client = client_for(world.member)
    response = client.post(create_url(world), form_data(starts_at="next tuesday", title=""))
    html = response.content.decode()
    assert response.status_code == 422
    assert field_error(html, "id_starts_at") == "Enter when it starts as a date and time, like 2026-06-30 18:00."
    assert field_error(html, "id_title") == "Enter a title."
    response = client.post(create_url(world), form_data(place="", online_link=""))
    assert field_error(response.content.decode(), "id_place") == (
        "Say where it happens: a place, an online link, or both."
    )
    response = client.post(create_url(world), form_data(online_link="zoom meeting"))
    assert field_error(response.content.decode(), "id_online_link") == (
        "Give the online link as a full address starting with https://."
    )
    assert not Meeting.objects.filter(coalition=world.coalition).exists()


def test_outsiders_cannot_schedule(world, client_for) -> None:
    assert client_for(world.outsider).get(create_url(world)).status_code == 403
    assert client_for(world.outsider).post(create_url(world), form_data()).status_code == 403
    assert not Meeting.objects.filter(coalition=world.coalition).exists()


# --- the agenda ----------------------------------------------------------------------------------------------------


def test_any_member_proposes_an_item_shown_with_its_proposer_and_time(world, client_for) -> None:
    meeting = schedule(world)
    response = client_for(world.other_delegate).post(
        url("meeting_item_propose", meeting),
        {"item-title": "Coach to the march", "item-description": "Who books it?", "item-minutes": "15"},
    )
    item = AgendaItem.objects.get(meeting=meeting)
    assert response.status_code == 302
    assert response["Location"] == url("meeting", meeting) + f"#item-{item.pk}"
    assert (item.title, item.minutes, item.proposed_by) == (
        "Coach to the march",
        15,
        world.person(world.other_delegate),
    )
    html = client_for(world.member).get(url("meeting", meeting)).content.decode()
    assert "1. Coach to the march" in html
    assert "Proposed by Pat" in html and "Time: 15 minutes" in html
    assert "Any member can put an item on the agenda" in html


def test_a_bad_item_is_shown_beside_its_field_and_nothing_is_added(world, client_for) -> None:
    meeting = schedule(world)
    client = client_for(world.member)
    response = client.post(url("meeting_item_propose", meeting), {"item-title": "", "item-minutes": "lots"})
    html = response.content.decode()
    assert response.status_code == 422
    assert field_error(html, "id_item-title") == "Enter the item, in a few words."
    response = client.post(url("meeting_item_propose", meeting), {"item-title": "Budget", "item-minutes": "lots"})
    assert response.status_code == 422
    assert field_error(response.content.decode(), "id_item-minutes") == (
        "Give the time as a number of minutes, such as 15."
    )
    assert not AgendaItem.objects.filter(meeting__coalition=world.coalition).exists()


def test_no_items_on_a_cancelled_or_ended_meeting_and_none_from_outsiders(world, client_for) -> None:
    ended = schedule(world, title="Last month", days=-30)
    cancelled = schedule(world, title="Called off", days=10)
    actions.cancel_meeting(actor=world.member, meeting=cancelled, reason="The hall flooded.")
    for meeting, message in (
        (ended, "“Last month” has ended, so its agenda is closed. Propose the item for the next meeting."),
        (cancelled, "“Called off” was cancelled, so its agenda can no longer change."),
    ):
        page = client_for(world.member).get(url("meeting", meeting)).content.decode()
        assert "Propose an item" not in page
        response = client_for(world.member).post(url("meeting_item_propose", meeting), {"item-title": "Late item"})
        assert response.status_code == 422
        assert f"<li>{message}</li>" in response.content.decode()
    response = client_for(world.outsider).post(url("meeting_item_propose", cancelled), {"item-title": "Spam"})
    assert response.status_code == 403
    assert not AgendaItem.objects.filter(meeting__coalition=world.coalition).exists()


def test_follow_ups_of_open_tasks_open_the_next_agenda_labelled_with_owner_and_due_date(world, client_for) -> None:
    first = schedule(world, title="June general meeting", days=1, actor=world.coordinator)
    actions.create_task(
        actor=world.coordinator, coalition=world.coalition, title="Book the coach", owner_person=world.person(world.member),
        due_on=f"{NEXT_YEAR}-01-15", meeting=first,
    )  # fmt: skip
    second = schedule(world, title="July general meeting", days=8)
    actions.propose_agenda_item(actor=world.delegate, meeting=second, title="Newsletter")
    html = client_for(world.delegate).get(url("meeting", second)).content.decode()
    follow_up = html.index("Follow-up of an open task")
    assert follow_up < html.index("1. Follow up: Book the coach") < html.index("2. Newsletter")
    assert f"Task owner: Mo;\n                due 15 Jan {NEXT_YEAR}." in html


def test_organisers_arrange_the_agenda_with_up_and_down_buttons_and_minutes(world, client_for) -> None:
    meeting = schedule(world)  # scheduled by Mo, so Mo organises it
    first = actions.propose_agenda_item(actor=world.delegate, meeting=meeting, title="Budget")
    second = actions.propose_agenda_item(actor=world.delegate, meeting=meeting, title="March")
    data = {f"arrange-position_{first.pk}": "1", f"arrange-position_{second.pk}": "2",
            f"arrange-minutes_{first.pk}": "20", f"arrange-minutes_{second.pk}": ""}  # fmt: skip
    response = client_for(world.member).post(
        url("meeting_agenda_arrange", meeting), {**data, "move": f"{second.pk}:up"}
    )
    assert response.status_code == 302
    assert list(AgendaItem.objects.filter(meeting=meeting).values_list("title", "minutes")) == [
        ("March", None),
        ("Budget", 20),
    ]
    # Typed positions work too.
    data |= {f"arrange-position_{first.pk}": "1", f"arrange-position_{second.pk}": "2"}
    assert client_for(world.member).post(url("meeting_agenda_arrange", meeting), data).status_code == 302
    assert list(AgendaItem.objects.filter(meeting=meeting).values_list("title", flat=True)) == ["Budget", "March"]
    # A move naming no item (odd digits, a huge number) moves nothing, and is never a server error.
    for junk in ("²:up", "9" * 5000 + ":up", "x:down"):
        assert (
            client_for(world.member).post(url("meeting_agenda_arrange", meeting), {**data, "move": junk}).status_code
            == 302
        )
        assert list(AgendaItem.objects.filter(meeting=meeting).values_list("title", flat=True)) == ["Budget", "March"]


def test_bad_minutes_and_non_organisers_change_nothing(world, client_for) -> None:
    meeting = schedule(world)
    first = actions.propose_agenda_item(actor=world.delegate, meeting=meeting, title="Budget")
    second = actions.propose_agenda_item(actor=world.delegate, meeting=meeting, title="March")
    data = {f"arrange-position_{first.pk}": "2", f"arrange-position_{second.pk}": "1",
            f"arrange-minutes_{first.pk}": "700", f"arrange-minutes_{second.pk}": ""}  # fmt: skip
    response = client_for(world.member).post(url("meeting_agenda_arrange", meeting), data)
    assert response.status_code == 422
    assert field_error(response.content.decode(), f"id_arrange-minutes_{first.pk}") == "Give between 1 and 600 minutes."
    data[f"arrange-minutes_{first.pk}"] = "10"
    response = client_for(world.facilitator).post(url("meeting_agenda_arrange", meeting), data)
    assert response.status_code == 403
    assert list(AgendaItem.objects.filter(meeting=meeting).values_list("title", "minutes")) == [
        ("Budget", None),
        ("March", None),
    ]


def test_the_proposer_or_an_organiser_removes_an_item_and_no_one_else(world, client_for) -> None:
    meeting = schedule(world)
    item = actions.propose_agenda_item(actor=world.delegate, meeting=meeting, title="Budget")
    assert client_for(world.facilitator).post(url("meeting_item_remove", meeting, item.pk)).status_code == 403
    assert AgendaItem.objects.filter(pk=item.pk).exists()
    response = client_for(world.delegate).post(url("meeting_item_remove", meeting, item.pk))
    assert response.status_code == 302
    assert not AgendaItem.objects.filter(pk=item.pk).exists()
