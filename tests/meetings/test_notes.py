"""Live notes per agenda item: optimistic saves that never overwrite another person's text."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from accord.coalitions.models import AuditEvent
from accord.errors import Conflict, Invalid, NotAllowed
from accord.meetings import actions
from accord.meetings.actions import NotesConflict
from accord.meetings.models import AgendaItem

from .conftest import World, schedule, snapshot


def meeting_with_item(world: World):
    meeting = schedule(world, actor=world.member)
    actions.assign_role(actor=world.member, meeting=meeting, role="note_taker", person=world.person(world.facilitator))
    item = actions.propose_agenda_item(actor=world.member, meeting=meeting, title="Banner")
    return meeting, item


def test_each_save_increments_the_revision(world: World) -> None:
    meeting, item = meeting_with_item(world)
    first = actions.save_notes(actor=world.facilitator, item=item, notes="  Agreed to paint it. ", base_revision=0)
    assert (first.notes, first.notes_revision, first.notes_updated_by) == (
        "Agreed to paint it.",
        1,
        world.person(world.facilitator),
    )
    second = actions.save_notes(actor=world.coordinator, item=item, notes="Agreed to paint it red.", base_revision="1")
    assert (second.notes, second.notes_revision) == ("Agreed to paint it red.", 2)
    assert (
        AuditEvent.objects.filter(coalition=world.coalition, verb="meeting.notes_started").count() == 1
    )  # only the first save is audited


def test_a_stale_base_is_refused_with_the_other_text(world: World) -> None:
    meeting, item = meeting_with_item(world)
    actions.save_notes(actor=world.facilitator, item=item, notes="Fay's text", base_revision=0)
    before = snapshot()
    with pytest.raises(NotesConflict) as error:
        actions.save_notes(actor=world.coordinator, item=item, notes="Ana's text", base_revision=0)
    assert isinstance(error.value, Conflict) and error.value.field == "notes"
    assert (error.value.current.notes, error.value.current.notes_revision) == ("Fay's text", 1)
    assert str(error.value) == (
        "Fay saved these notes since you loaded them. Your text is kept below theirs: merge the two and save again."
    )
    assert snapshot() == before
    # The same text sent again (a retried request) is accepted as it stands.
    again = actions.save_notes(actor=world.facilitator, item=item, notes="Fay's text", base_revision=0)
    assert (again.notes, again.notes_revision) == ("Fay's text", 1)
    assert snapshot() == before


def test_two_items_edited_at_once_never_conflict(world: World) -> None:
    meeting, item = meeting_with_item(world)
    other = actions.propose_agenda_item(actor=world.member, meeting=meeting, title="Budget")
    actions.save_notes(actor=world.facilitator, item=item, notes="One", base_revision=0)
    actions.save_notes(actor=world.coordinator, item=other, notes="Two", base_revision=0)
    assert list(AgendaItem.objects.filter(meeting=meeting).order_by("pk").values_list("notes", "notes_revision")) == [
        ("One", 1),
        ("Two", 1),
    ]


def test_only_note_writers_on_open_meetings(world: World) -> None:
    meeting, item = meeting_with_item(world)
    before = snapshot()
    for actor in (world.member, world.delegate):  # the creator organises but does not take notes
        with pytest.raises(NotAllowed) as error:
            actions.save_notes(actor=actor, item=item, notes="Mine", base_revision=0)
        assert (
            str(error.value) == "Only the meeting's note-taker, its facilitator or a coordinator can write its notes."
        )
    with pytest.raises(Invalid) as error:
        actions.save_notes(actor=world.facilitator, item=item, notes="x", base_revision="latest")
    assert error.value.field == "base_revision"
    with pytest.raises(Invalid) as error:
        actions.save_notes(actor=world.facilitator, item=item, notes="x" * 50001, base_revision=0)
    assert error.value.field == "notes"
    assert snapshot() == before
    actions.assign_role(actor=world.member, meeting=meeting, role="facilitator", person=world.person(world.delegate))
    assert (
        actions.save_notes(actor=world.delegate, item=item, notes="By the facilitator", base_revision=0).notes_revision
        == 1
    )
    actions.cancel_meeting(actor=world.member, meeting=meeting)
    before = snapshot()
    with pytest.raises(Conflict) as error:
        actions.save_notes(actor=world.facilitator, item=item, notes="After", base_revision=1)
    assert str(error.value) == "“General meeting” was cancelled, so its notes can no longer change."
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_two_people_saving_the_same_item_at_once_on_postgresql(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (scripts/test.sh runs it there)")
    meeting, item = meeting_with_item(world)
    for round_ in range(5):
        base = AgendaItem.objects.get(pk=item.pk).notes_revision
        start = threading.Barrier(2)
        outcomes: dict[str, object] = {}

        def save(
            user, text: str, base: int = base, start: threading.Barrier = start, outcomes: dict = outcomes
        ) -> None:
            try:
                start.wait()
                loaded = AgendaItem.objects.get(pk=item.pk)
                outcomes[text] = actions.save_notes(actor=user, item=loaded, notes=text, base_revision=base)
            except BaseException as error:  # noqa: BLE001  (checked below)
                outcomes[text] = error
            finally:
                connection.close()

        texts = (f"Fay's notes {round_}", f"Ana's notes {round_}")
        threads = [
            threading.Thread(target=save, args=(world.facilitator, texts[0])),
            threading.Thread(target=save, args=(world.coordinator, texts[1])),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        close_old_connections()
        won = [text for text, outcome in outcomes.items() if isinstance(outcome, AgendaItem)]
        lost = [outcome for outcome in outcomes.values() if isinstance(outcome, NotesConflict)]
        assert len(won) == 1 and len(lost) == 1, outcomes
        saved = AgendaItem.objects.get(pk=item.pk)
        assert (saved.notes, saved.notes_revision) == (won[0], base + 1)
        assert lost[0].current.notes == won[0]  # the loser is shown the winner's text: nothing lost unseen
