"""The issue's browser test, in Chromium through Playwright against the live server: a meeting run end to end
(agenda, note-taker, notes saved as typed, attendance with one member absent, a decision and a task with an owner;
the next meeting follows the task up; the absent member catches up), and two note-takers editing at once."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accord.coalitions.models import Person
from accord.meetings import actions, queries
from accord.meetings.models import AgendaItem, Attendance, MeetingDecision, Task
from tests.decisions.conftest import World, build_world

from .notes_helpers import end, items, meeting_now, url

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(live_server: Any, transactional_db: None) -> World:
    world = build_world()
    # Everyone joined a month ago (the meetings in these tests happened hours ago).
    Person.objects.filter(coalition=world.coalition).update(joined_at=timezone.now() - timedelta(days=30))
    return world


@pytest.fixture
def open_as(browser: Browser, live_server: Any) -> Callable[[Any], Page]:
    """`open_as(user)`: a page in a browser context of its own, signed in as `user` (two people at once)."""
    contexts = []

    def make(user: Any) -> Page:
        context = browser.new_context(base_url=str(live_server.url))
        contexts.append(context)
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": str(live_server.url)}]
        )
        return context.new_page()

    yield make  # type: ignore[misc]
    for context in contexts:
        context.close()


def test_a_meeting_end_to_end_and_the_absent_member_catches_up(live_world: World, open_as) -> None:
    world = live_world
    meeting = meeting_now(world)  # scheduled by Ana; Mo and Dev put items on the agenda; Fay takes the notes
    actions.propose_agenda_item(actor=world.member, meeting=meeting, title="Leaflets for the march")
    hall = items(meeting)[0]

    fay = open_as(world.facilitator)
    fay.goto(url("meeting_notes", meeting))
    expect(fay.get_by_role("heading", level=1)).to_have_text("Notes: March general meeting")
    notes = fay.get_by_label("Notes on Hall booking")
    notes.press_sequentially("The hall is free on the 12th. Deposit 50.")
    expect(fay.locator(f"#notes-status-{hall.pk}")).to_have_text(re.compile(r"^Saved \d"))
    hall.refresh_from_db()
    assert hall.notes == "The hall is free on the 12th. Deposit 50." and hall.notes_revision >= 1

    # Attendance: everyone but Mo.
    attendance = fay.get_by_role("group", name="Who was there")
    for name in ("Ana", "Dev", "Fay", "Pat"):
        attendance.get_by_label(name, exact=True).check()
    fay.get_by_role("button", name="Record attendance").click()
    expect(fay.locator("#messages")).to_contain_text("Recorded 4 people present.")
    assert not Attendance.objects.filter(meeting=meeting, person=world.person(world.member)).exists()

    # A decision on the item.
    fay.get_by_label("What was decided").fill("We book the hall for the 12th.")
    fay.locator("#id_decision-item").select_option(label="1. Hall booking")
    fay.get_by_role("button", name="Record the decision").click()
    expect(fay.locator("#messages")).to_contain_text("Recorded the decision.")
    assert MeetingDecision.objects.get(meeting=meeting).agenda_item_id == hall.pk

    # A task: first without an owner (refused, beside the field), then for Leeds Action.
    fay.get_by_label("Task", exact=True).fill("Pay the hall deposit")
    fay.get_by_role("button", name="Record the task").click()
    expect(fay.get_by_role("alert")).to_contain_text("Say who will do it")
    expect(fay.get_by_label("Who will do it")).to_have_attribute("aria-invalid", "true")
    assert not Task.objects.filter(meeting=meeting).exists()
    fay.get_by_label("Who will do it").select_option(label="Leeds Action")
    fay.get_by_label("Due by").fill("2030-01-15")
    fay.locator("#id_task-item").select_option(label="1. Hall booking")
    fay.get_by_role("button", name="Record the task").click()
    expect(fay.locator("#messages")).to_contain_text("Recorded the task “Pay the hall deposit” for Leeds Action.")
    task = Task.objects.get(meeting=meeting)
    assert (task.owner_group, task.agenda_item_id) == (world.group, hall.pk)

    # The meeting ends; the next one is scheduled and opens with the task's follow-up.
    end(meeting)
    start = timezone.now() + timedelta(days=14)
    following = actions.schedule_meeting(
        actor=world.coordinator,
        coalition=world.coalition,
        kind="general",
        title="April general meeting",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Hall",
        invite=False,
    )
    agenda = queries.agenda(world.coordinator, following)
    assert [(item.title, item.follow_up_of_id) for item in agenda] == [("Follow up: Pay the hall deposit", task.pk)]
    fay.goto(url("meeting_notes", following))
    expect(fay.get_by_role("heading", name="1. Follow up: Pay the hall deposit")).to_be_visible()
    expect(fay.locator("main")).to_contain_text(
        "Follow-up of the task “Pay the hall deposit” (Leeds Action, due 15 Jan 2030)."
    )

    # Mo, who was absent, catches up.
    mo = open_as(world.member)
    mo.goto(f"/c/{world.coalition.slug}/")
    mo.get_by_role("link", name="Catch up").click()
    expect(mo.get_by_role("heading", level=1)).to_have_text("What happened since you last took part")
    expect(mo.get_by_role("region", name="Decided in meetings")).to_contain_text("We book the hall for the 12th.")
    expect(mo.get_by_role("region", name="Meetings held")).to_contain_text("March general meeting")
    expect(mo.get_by_role("region", name="Your tasks")).to_contain_text("Pay the hall deposit – for Leeds Action")
    expect(mo.get_by_role("region", name="Coming up")).to_contain_text("April general meeting")
    mo.get_by_role("region", name="Meetings held").get_by_role("link", name="March general meeting").click()
    expect(mo.locator("main")).to_contain_text("The hall is free on the 12th. Deposit 50.")
    expect(mo.locator("textarea")).to_have_count(0)  # members read the notes; they do not edit them


def test_two_note_takers_at_once_different_items_then_the_same_item(live_world: World, open_as) -> None:
    world = live_world
    meeting = meeting_now(world)
    one, two = items(meeting)
    fay = open_as(world.facilitator)
    ana = open_as(world.coordinator)
    fay.goto(url("meeting_notes", meeting))
    ana.goto(url("meeting_notes", meeting))

    fay.get_by_label("Notes on Hall booking").press_sequentially("Fay: hall is free.")
    ana.get_by_label("Notes on Spring march").press_sequentially("Ana: route agreed.")
    expect(fay.locator(f"#notes-status-{one.pk}")).to_have_text(re.compile(r"^Saved \d"))
    expect(ana.locator(f"#notes-status-{two.pk}")).to_have_text(re.compile(r"^Saved \d"))
    assert [item.notes for item in items(meeting)] == ["Fay: hall is free.", "Ana: route agreed."]

    # Ana's page still has the hall item as it was before Fay saved: her save is refused and shows both texts.
    ana.get_by_label("Notes on Hall booking").press_sequentially("Ana: the hall costs 50.")
    conflict = ana.locator(f"#notes-item-{one.pk}")
    expect(conflict.get_by_role("alert")).to_contain_text("Fay saved these notes since you loaded them")
    expect(conflict.locator(f"#notes-theirs-{one.pk}")).to_have_text("Fay: hall is free.")
    yours = conflict.get_by_label(re.compile("Your text"))
    expect(yours).to_have_value("Ana: the hall costs 50.")
    expect(yours).to_be_focused()
    assert AgendaItem.objects.get(pk=one.pk).notes == "Fay: hall is free."  # not overwritten

    yours.fill("Fay: hall is free.\nAna: the hall costs 50.")
    conflict.get_by_role("button", name=re.compile("Save the merged notes")).click()
    expect(ana.locator(f"#notes-status-{one.pk}")).to_have_text("Saved the merged notes.")
    assert AgendaItem.objects.get(pk=one.pk).notes == "Fay: hall is free.\nAna: the hall costs 50."
    # And she goes on typing, saved against the new revision.
    again = ana.get_by_label("Notes on Hall booking")
    again.focus()
    again.press("Control+End")
    again.press_sequentially(" Paid.")
    expect(ana.locator(f"#notes-status-{one.pk}")).to_have_text(re.compile(r"^Saved \d"))
    assert AgendaItem.objects.get(pk=one.pk).notes.endswith("Paid.")
