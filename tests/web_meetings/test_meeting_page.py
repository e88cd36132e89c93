"""A meeting's page: details in the reader's zone, replies with access needs (summed up for the organisers, never
named), roles with rotation suggestions, cancelling, and who may see and do what."""

from __future__ import annotations

from accord.meetings import actions
from accord.meetings.models import Meeting, MeetingRole, Reply

from .meeting_helpers import LONDON_STARTS_UTC, field_error, schedule, url

NEEDS = {
    "reply-answer": "yes",
    "reply-childcare": "2",
    "reply-travel_cost": "on",
    "reply-interpretation": "polish",
    "reply-step_free": "on",
    "reply-other_needs": "A large-print agenda",
}


def test_members_see_the_details_in_their_zone_with_links(world, client_for) -> None:
    meeting = schedule(
        world, starts_at=LONDON_STARTS_UTC, ends_at=LONDON_STARTS_UTC.replace(hour=19),
        online_link="https://meet.example.org/river", languages="English, Polish", audience="Everyone",
    )  # fmt: skip
    response = client_for(world.facilitator).get(url("meeting", meeting))
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<time datetime="' + LONDON_STARTS_UTC.strftime("%Y-%m-%dT%H:%M:%SZ") + '" data-local-time="datetime">' in html
    )
    assert "Leeds Central Library, room 2; also online:" in html
    assert "<dd>English, Polish</dd>" in html
    assert f'href="{url("meeting_ics", meeting)}"' in html
    assert f'href="{url("meeting_notes", meeting)}"' in html
    assert url("meeting_public_notes", meeting) not in html  # not published


def test_outsiders_are_refused_and_another_coalitions_meeting_is_not_found(world, client_for) -> None:
    meeting = schedule(world)
    for user in (world.outsider, world.former):
        assert client_for(user).get(url("meeting", meeting)).status_code == 403
    elsewhere = actions.schedule_meeting(
        actor=world.elsewhere_owner, coalition=world.elsewhere, kind="social", title="Far away",
        starts_at=meeting.starts_at, ends_at=meeting.ends_at, place="Far", invite=False,
    )  # fmt: skip
    response = client_for(world.member).get(f"/c/{world.coalition.slug}/meetings/{elsewhere.pk}/")
    assert response.status_code == 404


def test_a_reply_with_needs_is_saved_and_organisers_see_it_only_summed_up(world, client_for) -> None:
    meeting = schedule(world, actor=world.coordinator)
    response = client_for(world.member).post(url("meeting_reply", meeting), NEEDS)
    assert response.status_code == 302
    reply = Reply.objects.get(meeting=meeting, person=world.person(world.member))
    assert (reply.answer, reply.childcare, reply.travel_cost, reply.interpretation, reply.step_free, reply.quiet_room) == (
        "yes", 2, True, "polish", True, False,
    )  # fmt: skip
    actions.reply_to_meeting(actor=world.delegate, meeting=meeting, answer="maybe", interpretation="Polish")
    actions.reply_to_meeting(actor=world.facilitator, meeting=meeting, answer="no", step_free=True)
    organiser = client_for(world.coordinator).get(url("meeting", meeting)).content.decode()
    assert "2 coming, 1 maybe, 1 not coming." not in organiser  # sanity: only Mo said yes
    assert "1 coming, 1 maybe, 1 not coming." in organiser
    summary = organiser[organiser.index('id="needs-summary"') : organiser.index('id="agenda"')]
    assert "<li>2 children to look after, from 1 family</li>" in summary
    assert "<li>1 person needs help with travel costs</li>" in summary
    assert "<li>Interpretation into Polish for 2 people</li>" in summary
    assert "<li>1 person needs step-free access</li>" in summary  # Fay is not coming: her need is not counted
    assert "<li>A large-print agenda</li>" in summary
    assert "Mo" not in summary and "Dev" not in summary
    # Other members see how many come, never the needs.
    member = client_for(world.other_delegate).get(url("meeting", meeting)).content.decode()
    assert "1 coming, 1 maybe, 1 not coming." in member
    assert "needs-summary" not in member and "large-print" not in member
    # The replier sees their own reply in the form, and the privacy note.
    own = client_for(world.member).get(url("meeting", meeting)).content.decode()
    assert "You replied: <strong>I&#x27;m coming</strong>" in own
    assert "never with your name" in own
    assert 'name="reply-childcare" value="2"' in own


def test_a_bad_reply_is_shown_beside_the_field_and_nothing_is_saved(world, client_for) -> None:
    meeting = schedule(world)
    client = client_for(world.member)
    response = client.post(url("meeting_reply", meeting), {**NEEDS, "reply-childcare": "lots"})
    assert response.status_code == 422
    html = response.content.decode()
    assert (
        field_error(html, "id_reply-childcare") == "Give the number of children to look after, as a number such as 2."
    )
    assert "<title>Error: " in html
    response = client.post(url("meeting_reply", meeting), {"reply-childcare": "1"})
    assert field_error(response.content.decode(), "id_reply-answer") == "Say whether you are coming: yes, maybe or no."
    response = client.post(url("meeting_reply", meeting), {**NEEDS, "reply-childcare": "25"})
    assert field_error(response.content.decode(), "id_reply-childcare") == (
        "Give the number of children to look after, between 0 and 20."
    )
    assert not Reply.objects.filter(meeting=meeting).exists()
    assert client_for(world.outsider).post(url("meeting_reply", meeting), NEEDS).status_code == 403
    assert not Reply.objects.filter(meeting=meeting).exists()


def test_organisers_assign_roles_from_suggestions_then_every_member(world, client_for) -> None:
    earlier = schedule(world, title="May general meeting", days=-10, actor=world.coordinator)
    actions.assign_role(
        actor=world.coordinator, meeting=earlier, role="facilitator", person=world.person(world.delegate)
    )
    meeting = schedule(world)  # Mo scheduled it, so Mo organises it
    html = client_for(world.member).get(url("meeting", meeting)).content.decode()
    roles = html[html.index('id="roles"') :]
    assert '<optgroup label="Suggested (rotation)">' in roles and '<optgroup label="Every member">' in roles
    assert roles.index("Suggested (rotation)") < roles.index("Every member")
    assert "Ana: held it 0 times; an individual member" in roles
    assert "Mo: held it 0 times; their group (Leeds Action) 1 time" in roles
    fay = world.person(world.facilitator)
    response = client_for(world.member).post(
        url("meeting_role_assign", meeting, "facilitator"), {"role-facilitator-person": str(fay.pk)}
    )
    assert response.status_code == 302
    held = MeetingRole.objects.get(meeting=meeting, role="facilitator")
    assert (held.person, held.member_group) == (fay, world.other_group)
    page = client_for(world.delegate).get(url("meeting", meeting)).content.decode()
    assert "<dt>Facilitator</dt>\n        <dd>Fay (Hull Heat)</dd>" in page
    assert "role-facilitator-person" not in page  # Dev does not organise this meeting


def test_non_organisers_and_unknown_people_cannot_assign_roles(world, client_for) -> None:
    meeting = schedule(world)
    fay = world.person(world.facilitator)
    response = client_for(world.delegate).post(
        url("meeting_role_assign", meeting, "note_taker"), {"role-note_taker-person": str(fay.pk)}
    )
    assert response.status_code == 403
    response = client_for(world.member).post(
        url("meeting_role_assign", meeting, "note_taker"), {"role-note_taker-person": "999999"}
    )
    assert response.status_code == 422
    assert field_error(response.content.decode(), "id_role-note_taker-person") == (
        "Choose a current member of this coalition from the list."
    )
    assert not MeetingRole.objects.filter(meeting=meeting).exists()


def test_organisers_cancel_with_a_reason_and_others_cannot(world, client_for) -> None:
    meeting = schedule(world)
    assert client_for(world.delegate).post(url("meeting_cancel", meeting), {"cancel-reason": "No"}).status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED
    response = client_for(world.coordinator).post(
        url("meeting_cancel", meeting), {"cancel-reason": "The hall flooded."}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancelled_reason) == ("cancelled", "The hall flooded.")
    html = client_for(world.member).get(url("meeting", meeting)).content.decode()
    assert "<strong>This meeting is cancelled.</strong> Reason: The hall flooded." in html
    assert 'name="reply-answer"' not in html and "Cancel the meeting" not in html
