"""A meeting's page in a real browser at 360 px wide, with the keyboard only: reply with access needs, then propose
an agenda item."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from accord.meetings.models import AgendaItem, Reply

from .meeting_helpers import schedule, url

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 780}


def test_reply_with_needs_and_propose_an_item_with_the_keyboard_at_360px(
    page: Page, live_server, world, sign_in
) -> None:
    meeting = schedule(world, actor=world.coordinator)
    page.set_viewport_size(PHONE)
    sign_in(world.member)
    page.goto(url("meeting", meeting))

    def tab_to(selector: str) -> None:
        for _ in range(300):
            page.keyboard.press("Tab")
            if page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    tab_to("input[name='reply-answer'][value='yes']")
    page.keyboard.press("Space")
    tab_to("input[name='reply-childcare']")
    page.keyboard.type("1")
    tab_to("input[name='reply-interpretation']")
    page.keyboard.type("Polish")
    tab_to("input[name='reply-step_free']")
    page.keyboard.press("Space")
    tab_to("form[action$='/reply/'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#messages").inner_text() == "Your reply is saved: you are coming."
    reply = Reply.objects.get(meeting=meeting, person=world.person(world.member))
    assert (reply.answer, reply.childcare, reply.interpretation, reply.step_free, reply.travel_cost) == (
        "yes", 1, "Polish", True, False,
    )  # fmt: skip

    tab_to("input[name='item-title']")
    page.keyboard.type("Coach to the march")
    tab_to("input[name='item-minutes']")
    page.keyboard.type("10")
    tab_to("form[action$='/agenda/'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    item = AgendaItem.objects.get(meeting=meeting)
    assert (item.title, item.minutes, item.proposed_by) == ("Coach to the march", 10, world.person(world.member))
    assert page.locator(f"#item-{item.pk} h3").inner_text() == "1. Coach to the march"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
