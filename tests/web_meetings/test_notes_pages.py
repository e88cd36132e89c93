"""The notes page: autosave per item with optimistic revisions, conflicts shown with both texts (htmx and without
JavaScript), attendance, decisions, tasks (an owner is required), publishing, and the public notes."""

from __future__ import annotations

import pytest

from accord.coalitions.models import AuditEvent
from accord.meetings.models import AgendaItem, Attendance, MeetingDecision, Task

from .conftest import HTMX
from .notes_helpers import end, items, meeting_now, url

pytestmark = pytest.mark.django_db


def test_members_read_the_notes_and_only_note_writers_get_editors(world, client_for):
    meeting = meeting_now(world)
    member_page = client_for(world.member).get(url("meeting_notes", meeting))
    assert member_page.status_code == 200
    assert b"<textarea" not in member_page.content
    assert "No notes on this item yet." in member_page.content.decode()
    writer_page = client_for(world.facilitator).get(url("meeting_notes", meeting)).content.decode()
    assert 'hx-trigger="keyup changed delay:1500ms, blur"' in writer_page
    assert "Note-taker: Fay." in writer_page
    assert client_for(world.outsider).get(url("meeting_notes", meeting)).status_code == 403
    assert client_for(None).get(url("meeting_notes", meeting)).status_code == 302


def test_autosave_by_htmx_returns_the_status_and_the_new_revision(world, client_for):
    meeting = meeting_now(world)
    first = items(meeting)[0]
    client = client_for(world.facilitator)
    response = client.post(
        url("meeting_notes_item", meeting, first.pk), {"notes": "Hall is booked.", "base_revision": "0"}, headers=HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith("Saved <time")
    assert f'id="notes-rev-{first.pk}" value="1" hx-swap-oob="true"' in body
    first.refresh_from_db()
    assert (first.notes, first.notes_revision) == ("Hall is booked.", 1)
    # The same text again (a blur after the save) makes no new revision.
    client.post(
        url("meeting_notes_item", meeting, first.pk), {"notes": "Hall is booked.", "base_revision": "1"}, headers=HTMX
    )
    first.refresh_from_db()
    assert first.notes_revision == 1


def test_a_member_who_does_not_take_notes_cannot_save(world, client_for):
    meeting = meeting_now(world)
    first = items(meeting)[0]
    response = client_for(world.member).post(
        url("meeting_notes_item", meeting, first.pk), {"notes": "Mine", "base_revision": "0"}
    )
    assert response.status_code == 403
    first.refresh_from_db()
    assert (first.notes, first.notes_revision) == ("", 0)


def test_two_editors_on_different_items_never_conflict(world, client_for):
    meeting = meeting_now(world)
    one, two = items(meeting)
    fay, ana = client_for(world.facilitator), client_for(world.coordinator)
    assert (
        fay.post(
            url("meeting_notes_item", meeting, one.pk), {"notes": "A", "base_revision": "0"}, headers=HTMX
        ).status_code
        == 200
    )
    assert (
        ana.post(
            url("meeting_notes_item", meeting, two.pk), {"notes": "B", "base_revision": "0"}, headers=HTMX
        ).status_code
        == 200
    )
    assert [(i.notes, i.notes_revision) for i in items(meeting)] == [("A", 1), ("B", 1)]


def test_a_stale_save_by_htmx_is_refused_with_both_texts_and_a_merge_saves(world, client_for):
    meeting = meeting_now(world)
    one = items(meeting)[0]
    client_for(world.coordinator).post(
        url("meeting_notes_item", meeting, one.pk), {"notes": "Text by Ana", "base_revision": "0"}
    )
    fay = client_for(world.facilitator)
    response = fay.post(
        url("meeting_notes_item", meeting, one.pk), {"notes": "Text by Fay", "base_revision": "0"}, headers=HTMX
    )
    assert response.status_code == 409
    assert response["HX-Retarget"] == f"#notes-item-{one.pk}"
    body = response.content.decode()
    assert "Text by Ana" in body and "Text by Fay" in body
    assert "Saved by Ana" in body
    assert f'id="notes-rev-{one.pk}" value="1"' in body
    assert "keyup changed" not in body  # the merge is saved with its button, not as one types
    one.refresh_from_db()
    assert (one.notes, one.notes_revision) == ("Text by Ana", 1)  # never overwritten
    merged = fay.post(
        url("meeting_notes_item", meeting, one.pk),
        {"notes": "Text by Ana\nText by Fay", "base_revision": "1"},
        headers=HTMX | {"HX-Target": f"notes-item-{one.pk}"},
    )
    assert merged.status_code == 200
    assert "Saved the merged notes." in merged.content.decode()
    one.refresh_from_db()
    assert (one.notes, one.notes_revision) == ("Text by Ana\nText by Fay", 2)


def test_a_stale_save_without_javascript_shows_the_page_with_both_texts(world, client_for):
    meeting = meeting_now(world)
    one = items(meeting)[0]
    client_for(world.coordinator).post(
        url("meeting_notes_item", meeting, one.pk), {"notes": "Text by Ana", "base_revision": "0"}
    )
    response = client_for(world.facilitator).post(
        url("meeting_notes_item", meeting, one.pk), {"notes": "Text by Fay", "base_revision": "0"}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "<h1>Notes: March general meeting</h1>" in body
    assert "Text by Ana" in body and "Text by Fay" in body
    one.refresh_from_db()
    assert one.notes == "Text by Ana"


def test_a_save_without_javascript_redirects_back_to_the_item(world, client_for):
    meeting = meeting_now(world)
    one = items(meeting)[0]
    response = client_for(world.facilitator).post(
        url("meeting_notes_item", meeting, one.pk), {"notes": "Booked", "base_revision": "0"}, follow=True
    )
    assert response.redirect_chain[-1][0].endswith(f"#notes-item-{one.pk}")
    assert "Saved the notes on “Hall booking”." in response.content.decode()


def test_notes_too_long_are_refused_beside_the_item(world, client_for):
    meeting = meeting_now(world)
    one = items(meeting)[0]
    response = client_for(world.facilitator).post(
        url("meeting_notes_item", meeting, one.pk), {"notes": "x" * 50001, "base_revision": "0"}
    )
    assert response.status_code == 422
    assert "Keep the notes on one item under 50,000 characters" in response.content.decode()
    one.refresh_from_db()
    assert one.notes_revision == 0


def test_attendance_decision_and_task_are_recorded(world, client_for):
    meeting = meeting_now(world)
    one = items(meeting)[0]
    fay = client_for(world.facilitator)
    present = [world.person(u).pk for u in (world.coordinator, world.facilitator, world.delegate)]
    response = fay.post(url("meeting_notes", meeting), {"what": "attendance", "attendance-present": present})
    assert response.status_code == 302
    assert set(Attendance.objects.filter(meeting=meeting).values_list("person_id", flat=True)) == set(present)
    response = fay.post(
        url("meeting_notes", meeting),
        {"what": "decision", "decision-text": "We book the hall.", "decision-item": one.pk, "decision-proposal": ""},
    )
    assert response.status_code == 302
    decision = MeetingDecision.objects.get(meeting=meeting)
    assert (decision.text, decision.agenda_item_id) == ("We book the hall.", one.pk)
    response = fay.post(
        url("meeting_notes", meeting),
        {
            "what": "task",
            "task-title": "Pay the deposit",
            "task-owner": f"g{world.group.pk}",
            "task-due_on": "2030-01-15",
            "task-item": one.pk,
        },
    )
    assert response.status_code == 302
    task = Task.objects.get(meeting=meeting)
    assert (task.title, task.owner_group, task.agenda_item_id, str(task.due_on)) == (
        "Pay the deposit",
        world.group,
        one.pk,
        "2030-01-15",
    )


def test_a_task_without_an_owner_is_refused_beside_the_field(world, client_for):
    meeting = meeting_now(world)
    before = (Task.objects.count(), AuditEvent.objects.count())
    response = client_for(world.facilitator).post(
        url("meeting_notes", meeting), {"what": "task", "task-title": "Pay the deposit", "task-owner": ""}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Say who will do it: choose a person or a member group." in body
    assert 'id="id_task-owner_error"' in body
    assert (Task.objects.count(), AuditEvent.objects.count()) == before


def test_a_member_cannot_record_attendance(world, client_for):
    meeting = meeting_now(world)
    response = client_for(world.member).post(
        url("meeting_notes", meeting), {"what": "attendance", "attendance-present": [world.person(world.member).pk]}
    )
    assert response.status_code == 403
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_public_notes_are_a_404_until_published_then_name_no_one(world, client_for):
    meeting = meeting_now(world)
    one = items(meeting)[0]
    fay = client_for(world.facilitator)
    fay.post(url("meeting_notes_item", meeting, one.pk), {"notes": "Mo said the hall is free.", "base_revision": "0"})
    fay.post(
        url("meeting_notes", meeting), {"what": "attendance", "attendance-present": [world.person(world.member).pk]}
    )
    fay.post(
        url("meeting_notes", meeting),
        {"what": "task", "task-title": "Book it", "task-owner": f"p{world.person(world.member).pk}"},
    )
    assert client_for(None).get(url("meeting_public_notes", meeting)).status_code == 404
    end(meeting)
    page = fay.get(url("meeting_notes", meeting)).content.decode()
    assert "It names no one" in page
    assert fay.post(url("meeting_notes", meeting), {"what": "publish"}).status_code == 302
    public = client_for(None).get(url("meeting_public_notes", meeting))
    assert public.status_code == 200
    body = public.content.decode()
    assert "[a member of Leeds Action] said the hall is free." in body
    assert "Book it – a member of Leeds Action" in body
    assert "1 person present" in body
    assert "Mo" not in body.replace("Mon", "")
    assert AgendaItem.objects.get(pk=one.pk).notes == "Mo said the hall is free."
