"""What a screen reader, a keyboard and a 360 px phone need from the meetings pages (issue 6): the list, scheduling
and changing a meeting, a meeting's page (as an organiser with every form, as a member, cancelled), its notes (read,
written, and after a conflicting save), the public notes, tasks, the catch-up and how the roles were spread.

The same checks as the constitution's pages (tests/web_constitution/test_accessibility.py): one <h1> and headings in
order, the landmarks, every control labelled, tables with captions and scoped headers, ids unique and every
aria-describedby pointing at something; on refused input an error summary that takes the focus and links to each
field at fault, "Error: " before the title, and the fields marked invalid and described by their error. States are
said in words (overdue, cancelled, a conflict). One browser test goes through every page at 360 px."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from accord.meetings import actions
from accord.meetings.models import Meeting, Task
from tests.decisions.conftest import World, build_world
from tests.web.markup import parse
from tests.web_constitution.test_accessibility import (
    PHONE,
    error_problems,
    phone_problems,
    report,
    structure_problems,
)

from .meeting_helpers import LONDON_EVENING, schedule
from .notes_helpers import items, meeting_now

pytestmark = pytest.mark.django_db


@dataclass
class Scene:
    world: World
    planned: Meeting
    cancelled: Meeting
    live: Meeting
    held: Meeting
    overdue: Task

    def url(self, name: str, *args: Any) -> str:
        return reverse(f"web:{name}", args=[self.world.coalition.slug, *args])

    def pages(self) -> list[tuple[str, Any, str]]:
        """(what, who, address) for every meetings page, as someone who may see it."""
        world = self.world
        return [
            ("meetings", world.member, self.url("meetings")),
            ("schedule a meeting", world.member, self.url("meeting_create")),
            ("meeting, organiser", world.member, self.url("meeting", self.planned.pk)),
            ("meeting, member", world.delegate, self.url("meeting", self.planned.pk)),
            ("meeting, cancelled", world.member, self.url("meeting", self.cancelled.pk)),
            ("meeting, held", world.coordinator, self.url("meeting", self.held.pk)),
            ("change a meeting", world.member, self.url("meeting_edit", self.planned.pk)),
            ("notes, read", world.delegate, self.url("meeting_notes", self.live.pk)),
            ("notes, written", world.facilitator, self.url("meeting_notes", self.live.pk)),
            ("notes, cancelled", world.coordinator, self.url("meeting_notes", self.cancelled.pk)),
            ("public notes", None, self.url("meeting_public_notes", self.held.pk)),
            ("tasks, all", world.member, self.url("tasks") + "?scope=all&status=open"),
            ("tasks, done", world.member, self.url("tasks") + "?scope=all&status=done"),
            ("catch-up", world.member, self.url("catch_up")),
            ("roles", world.member, self.url("meeting_roles")),
        ]


def build_scene() -> Scene:
    world = build_world()
    # A general meeting held last month left a task, now overdue, that the next one follows up.
    held = schedule(world, title="May general meeting", days=-30, actor=world.coordinator)
    overdue = actions.create_task(
        actor=world.coordinator, coalition=world.coalition, title="Book the hall", owner_person=world.person(world.member),
        due_on=timezone.localdate() + timedelta(days=3), meeting=held,
    )  # fmt: skip
    Task.objects.filter(pk=overdue.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    actions.record_attendance(actor=world.coordinator, meeting=held, present=[world.person(world.member)])
    actions.publish_public_notes(actor=world.coordinator, meeting=held)
    done = actions.create_task(
        actor=world.coordinator,
        coalition=world.coalition,
        title="Print leaflets",
        owner_group=world.group,
        meeting=held,
    )
    actions.complete_task(actor=world.coordinator, task=done, note="500 printed.")
    for meeting, role, user in ((held, "facilitator", world.delegate), (held, "note_taker", world.coordinator)):
        actions.assign_role(actor=world.coordinator, meeting=meeting, role=role, person=world.person(user))

    planned = schedule(world, title="June general meeting", days=10, languages=["English", "Polish"])
    actions.propose_agenda_item(actor=world.delegate, meeting=planned, title="Summer march", minutes=20)
    actions.reply_to_meeting(actor=world.delegate, meeting=planned, answer="yes", childcare=2, step_free=True)
    cancelled = schedule(world, title="Summer social", kind="social", days=20)
    actions.cancel_meeting(actor=world.member, meeting=cancelled, reason="The park is closed.")
    live = meeting_now(world, kind="working_group", title="Press working group")
    return Scene(world=world, planned=planned, cancelled=cancelled, live=live, held=held, overdue=overdue)


@pytest.fixture
def scene(db: None) -> Scene:
    return build_scene()


def test_every_page_has_one_h1_ordered_headings_landmarks_labels_and_described_tables(scene, client_for) -> None:
    problems = {}
    for what, who, address in scene.pages():
        response = client_for(who).get(address)
        found = [f"status {response.status_code}"] if response.status_code != 200 else []
        found += structure_problems(parse(response.content)) if not found else []
        if found:
            problems[what] = found
    assert not problems, report(problems)


def test_every_refused_form_has_a_focused_summary_and_fields_marked_invalid(scene, client_for) -> None:
    world, planned, live = scene.world, scene.planned, scene.live
    item = items(planned)[0]
    cases = [
        ("schedule", world.member, scene.url("meeting_create"), {"kind": "general", "title": "", **LONDON_EVENING}),
        ("schedule: overlap", world.member, scene.url("meeting_create"),
         {"kind": "general", "title": "Again", "place": "Hall", "tz": "UTC",
          "starts_at": planned.starts_at.strftime("%Y-%m-%dT%H:%M"),
          "ends_at": planned.ends_at.strftime("%Y-%m-%dT%H:%M")}),
        ("change", world.member, scene.url("meeting_edit", planned.pk),
         {"kind": "general", "title": "June", "place": "Hall", **LONDON_EVENING,
          "ends_at": LONDON_EVENING["starts_at"]}),
        ("reply", world.delegate, scene.url("meeting_reply", planned.pk), {"reply-childcare": "-1"}),
        ("propose an item", world.delegate, scene.url("meeting_item_propose", planned.pk), {"item-title": ""}),
        ("arrange", world.member, scene.url("meeting_agenda_arrange", planned.pk),
         {f"arrange-position_{one.pk}": "first" for one in items(planned)}),
        ("arrange: minutes", world.member, scene.url("meeting_agenda_arrange", planned.pk),
         {**{f"arrange-position_{one.pk}": "1" for one in items(planned)}, f"arrange-minutes_{item.pk}": "lots"}),
        ("assign a role", world.member, scene.url("meeting_role_assign", planned.pk, "facilitator"),
         {"role-facilitator-person": "999999"}),
        ("cancel", world.member, scene.url("meeting_cancel", planned.pk), {"cancel-reason": "x" * 2001}),
        ("notes: attendance", world.facilitator, scene.url("meeting_notes", live.pk),
         {"what": "attendance", "attendance-present": ["999999"]}),
        ("notes: decision", world.facilitator, scene.url("meeting_notes", live.pk),
         {"what": "decision", "decision-text": ""}),
        ("notes: task", world.facilitator, scene.url("meeting_notes", live.pk), {"what": "task", "task-title": ""}),
        ("notes: an item", world.facilitator, scene.url("meeting_notes_item", live.pk, items(live)[0].pk),
         {"notes": "x" * 50001, "base_revision": "0"}),
        ("catch-up: email", world.member, scene.url("catch_up"), {"frequency": "hourly"}),
    ]  # fmt: skip
    problems = {}
    before = list(Meeting.objects.order_by("pk").values())
    for what, who, address, data in cases:
        found = error_problems(client_for(who).post(address, data))
        if found:
            problems[what] = found
    catch_up = client_for(world.member).get(scene.url("catch_up") + "?since=yesterday")
    if found := error_problems(catch_up):
        problems["catch-up: since"] = found
    assert not problems, report(problems)
    assert list(Meeting.objects.order_by("pk").values()) == before


def test_a_conflicting_save_says_so_in_words_with_both_texts_labelled(scene, client_for) -> None:
    world, live = scene.world, scene.live
    item = items(live)[0]
    actions.save_notes(
        actor=world.coordinator, item=item, notes="Hall booked for May.", base_revision=str(item.notes_revision)
    )
    response = client_for(world.facilitator).post(
        scene.url("meeting_notes_item", live.pk, item.pk), {"notes": "Hall: ask the church.", "base_revision": "0"}
    )
    assert response.status_code == 409
    document = parse(response.content)
    assert not structure_problems(document), structure_problems(document)
    assert document.find("title").text.startswith("Error: ")
    alert = document.find("div", class_="message message--warning")
    assert alert.attrs.get("role") == "alert" and alert.text.startswith("Not saved:")
    theirs = document.find("pre", class_="notes-conflict__text")
    assert theirs.text == "Hall booked for May."
    assert document.find("textarea", id=f"notes-{item.pk}").text == "Hall: ask the church."


def test_overdue_cancelled_and_done_are_said_in_words(scene, client_for) -> None:
    world = scene.world
    client = client_for(world.member)
    tasks = parse(client.get(scene.url("tasks") + "?scope=all").content)
    overdue = tasks.find("li", id=f"task-{scene.overdue.pk}")
    assert overdue.find("strong", class_="overdue").text.startswith("Overdue since ")
    done = parse(client.get(scene.url("tasks") + "?scope=all&status=done").content)
    assert "Done " in done.find("main").text and "500 printed." in done.find("main").text

    planned = parse(client.get(scene.url("meeting", scene.planned.pk)).content)
    follow_up = [
        li for li in planned.find_all("li") if "Book the hall" in li.text and li.attrs.get("id", "").startswith("item-")
    ]
    assert follow_up and "(overdue)" in follow_up[0].text

    listing = parse(client.get(scene.url("meetings")).content)
    assert [badge.text for badge in listing.find_all("strong", class_="badge")] == ["Cancelled"]
    cancelled = parse(client.get(scene.url("meeting", scene.cancelled.pk)).content)
    assert cancelled.find("div", id="cancelled").text.startswith(
        "This meeting is cancelled. Reason: The park is closed."
    )


# --- in a browser, on a 360 px phone --------------------------------------------------------------------------------


@pytest.mark.browser
def test_every_page_fits_a_phone_and_shows_the_keyboard_focus(scene, sign_in) -> None:
    page = None
    problems = {}
    for what, who, address in scene.pages():
        if who is None:
            page.context.clear_cookies()  # type: ignore[union-attr]
        else:
            page = sign_in(who)
        page.set_viewport_size(PHONE)
        found = phone_problems(page, address)
        if found:
            problems[what] = found
    assert not problems, report(problems)


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False])
def test_the_edit_form_shows_the_times_in_the_browsers_zone_and_saves_them_unchanged(
    world, browser, live_server, javascript
) -> None:
    """In London in summer (UTC+1), a meeting at 17:00 UTC shows as 18:00 and saving it keeps it at 17:00 UTC;
    without JavaScript the form shows and reads UTC."""
    from django.conf import settings
    from django.test import Client

    from .meeting_helpers import LONDON_STARTS_UTC, NEXT_YEAR

    meeting = schedule(world, starts_at=LONDON_STARTS_UTC, ends_at=LONDON_STARTS_UTC + timedelta(hours=2))
    client = Client()
    client.force_login(world.member)
    context = browser.new_context(
        base_url=str(live_server.url), java_script_enabled=javascript, viewport=PHONE, timezone_id="Europe/London"
    )
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
          "url": str(live_server.url)}]
    )  # fmt: skip
    page = context.new_page()
    try:
        page.goto(reverse("web:meeting_edit", args=[world.coalition.slug, meeting.pk]))
        shown = "18:00" if javascript else "17:00"
        assert page.locator("#id_starts_at").input_value() == f"{NEXT_YEAR}-07-01T{shown}"
        page.locator("#id_title").fill("July general meeting")
        with page.expect_navigation():
            page.get_by_role("button", name="Save the details").click()
        saved = Meeting.objects.get(pk=meeting.pk)
        assert saved.title == "July general meeting"
        assert (saved.starts_at, saved.ends_at) == (LONDON_STARTS_UTC, LONDON_STARTS_UTC + timedelta(hours=2))
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()
