"""The .ics download, the calendar feeds (no sign-in; secret addresses that can be renewed) and how the meeting
roles were spread."""

from __future__ import annotations

from django.urls import reverse

from accord.meetings import actions
from accord.meetings.models import CalendarFeed

from .meeting_helpers import LONDON_STARTS_UTC, schedule, url


def test_the_ics_file_holds_the_meeting_in_utc(world, client_for) -> None:
    meeting = schedule(world, title="July general meeting", starts_at=LONDON_STARTS_UTC,
                       ends_at=LONDON_STARTS_UTC.replace(hour=19))  # fmt: skip
    response = client_for(world.delegate).get(url("meeting_ics", meeting))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="meeting.ics"'
    lines = response.content.decode().split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines.count("BEGIN:VEVENT") == 1
    assert "SUMMARY:July general meeting" in lines
    assert f"DTSTART:{LONDON_STARTS_UTC:%Y}0701T170000Z" in lines
    assert f"DTEND:{LONDON_STARTS_UTC:%Y}0701T190000Z" in lines
    assert client_for(world.outsider).get(url("meeting_ics", meeting)).status_code == 403


def test_the_list_shows_both_secret_addresses_and_the_feed_needs_no_sign_in(world, client_for) -> None:
    meeting = schedule(world, title="June general meeting")
    skipped = schedule(world, title="Summer social", kind="social", days=12)
    actions.reply_to_meeting(actor=world.member, meeting=skipped, answer="no")
    member = client_for(world.member)
    listing = reverse("web:meetings", args=[world.coalition.slug])
    create = reverse("web:meeting_feed_create", args=[world.coalition.slug])
    assert member.post(create, {"which": "mine"})["Location"] == listing + "#calendar-feeds"
    assert member.post(create, {"which": "coalition"}).status_code == 302
    html = member.get(listing).content.decode()
    mine = CalendarFeed.objects.get(coalition=world.coalition, person=world.person(world.member))
    shared = CalendarFeed.objects.get(coalition=world.coalition, person=None)
    mine_url = "http://testserver" + reverse("web:calendar_feed", args=[mine.token])
    shared_url = "http://testserver" + reverse("web:calendar_feed", args=[shared.token])
    assert f'value="{mine_url}" readonly' in html and f'value="{shared_url}" readonly' in html
    assert "Renew your address" in html and "Renew the coalition&#x27;s address" not in html  # Mo is no coordinator
    anonymous = client_for(None)
    own = anonymous.get(reverse("web:calendar_feed", args=[mine.token]))
    assert own.status_code == 200 and own["Content-Type"] == "text/calendar; charset=utf-8"
    text = own.content.decode()
    assert text.count("BEGIN:VEVENT") == 1 and "SUMMARY:June general meeting" in text
    assert f"DTSTART:{meeting.starts_at:%Y%m%dT%H%M%S}Z" in text
    everything = anonymous.get(reverse("web:calendar_feed", args=[shared.token])).content.decode()
    assert everything.count("BEGIN:VEVENT") == 2 and "SUMMARY:Summer social" in everything


def test_reading_the_list_makes_no_address_and_a_button_makes_each_once(world, client_for) -> None:
    listing = reverse("web:meetings", args=[world.coalition.slug])
    create = reverse("web:meeting_feed_create", args=[world.coalition.slug])
    member = client_for(world.member)
    html = member.get(listing).content.decode()
    assert CalendarFeed.objects.count() == 0
    assert "Create my calendar address" in html and "Create the coalition&#x27;s calendar address" in html
    assert 'id="feed-mine"' not in html and "Renew your address" not in html
    assert client_for(world.outsider).post(create, {"which": "mine"}).status_code == 403
    assert member.get(create).status_code == 405
    assert CalendarFeed.objects.count() == 0

    assert member.post(create, {"which": "mine"}).status_code == 302
    mine = CalendarFeed.objects.get(coalition=world.coalition, person=world.person(world.member))
    html = member.get(listing).content.decode()
    assert 'id="feed-mine"' in html and "Renew your address" in html
    assert "Create my calendar address" not in html and "Create the coalition&#x27;s calendar address" in html
    # Pressing it again (another tab) keeps the address already given to calendar apps.
    assert member.post(create, {"which": "mine"}).status_code == 302
    assert CalendarFeed.objects.get(pk=mine.pk).token == mine.token
    assert CalendarFeed.objects.count() == 1
    # Anyone's own address is theirs alone: the coordinator sees none made for them.
    coordinator = client_for(world.coordinator).get(listing).content.decode()
    assert "Create my calendar address" in coordinator and mine.token not in coordinator

    assert member.post(create, {"which": "coalition"}).status_code == 302
    shared = CalendarFeed.objects.get(coalition=world.coalition, person=None)
    coordinator = client_for(world.coordinator).get(listing).content.decode()
    assert shared.token in coordinator and "Renew the coalition&#x27;s address" in coordinator
    assert CalendarFeed.objects.count() == 2


def test_a_bad_or_renewed_token_finds_nothing(world, client_for) -> None:
    schedule(world)
    anonymous = client_for(None)
    assert anonymous.get("/calendar/not-a-real-token-at-all.ics").status_code == 404
    assert anonymous.get("/calendar/x.ics").status_code == 404
    old = actions.calendar_feed(actor=world.member, coalition=world.coalition).token
    response = client_for(world.member).post(
        reverse("web:meeting_feed_renew", args=[world.coalition.slug]), {"which": "mine"}
    )
    assert response.status_code == 302
    new = CalendarFeed.objects.get(coalition=world.coalition, person=world.person(world.member)).token
    assert new != old
    assert anonymous.get(f"/calendar/{old}.ics").status_code == 404
    assert anonymous.get(f"/calendar/{new}.ics").status_code == 200


def test_only_a_coordinator_renews_the_coalitions_address(world, client_for) -> None:
    shared = actions.calendar_feed(actor=world.coordinator, coalition=world.coalition, mine=False).token
    renew = reverse("web:meeting_feed_renew", args=[world.coalition.slug])
    assert client_for(world.member).post(renew, {"which": "coalition"}).status_code == 403
    assert client_for(world.outsider).post(renew, {"which": "coalition"}).status_code == 403
    assert CalendarFeed.objects.get(coalition=world.coalition, person=None).token == shared
    assert client_for(world.coordinator).post(renew, {"which": "coalition"}).status_code == 302
    assert CalendarFeed.objects.get(coalition=world.coalition, person=None).token != shared


def test_the_role_spread_shows_people_and_groups_with_numbers_in_text(world, client_for) -> None:
    first = schedule(world, title="April", days=-40, actor=world.coordinator)
    second = schedule(world, title="May", days=-20, actor=world.coordinator)
    for meeting in (first, second):
        actions.assign_role(
            actor=world.coordinator, meeting=meeting, role="facilitator", person=world.person(world.delegate)
        )
    actions.assign_role(
        actor=world.coordinator, meeting=second, role="note_taker", person=world.person(world.coordinator)
    )
    response = client_for(world.facilitator).get(reverse("web:meeting_roles", args=[world.coalition.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    facilitator = html[html.index('id="spread-facilitator"') : html.index('id="spread-note_taker"')]
    assert "Held at 2 meetings." in facilitator
    assert "<caption>Facilitator: by person</caption>" in facilitator
    assert '<th scope="row">Dev</th>' in facilitator and "2 of 2 (100%)" in facilitator
    assert '<th scope="row">Leeds Action</th>' in facilitator
    note_taker = html[html.index('id="spread-note_taker"') : html.index('id="spread-timekeeper"')]
    assert '<th scope="row">No member group</th>' in note_taker and "1 of 1 (100%)" in note_taker
    assert "No one has been the timekeeper of a meeting yet." in html
    assert client_for(world.outsider).get(reverse("web:meeting_roles", args=[world.coalition.slug])).status_code == 403
