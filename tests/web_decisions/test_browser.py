"""The new-proposal form and giving a stance with the keyboard, in a real browser (Chromium through Playwright).

Checks what only a browser shows: accord.js names the chosen kind's rule and the time zone, fills the hidden zone
field, marks a block's reason as required, and rewrites UTC times in local time; the pages work at 360px wide.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accord.decisions import actions
from accord.decisions.models import Proposal, Round

from .conftest import kind

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def no_horizontal_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]  # type: ignore[index]


def test_a_member_opens_a_proposal_then_changes_their_stance_with_the_keyboard(demo, sign_in) -> None:
    page = sign_in(demo.member)
    page.set_viewport_size(PHONE)
    page.goto(f"/c/{demo.coalition.slug}/decisions/new/")
    expect(page.locator("#kind-rule")).to_have_text("Choose a kind to see its rule here.")
    page.get_by_label("Title").fill("Meet on Wednesdays")
    page.get_by_label("The proposal").fill("From June we meet on **Wednesdays**.")
    page.get_by_label("Decision kind").select_option(label="Meeting conduct")
    expect(page.locator("#kind-rule")).to_have_text(re.compile(r"^Rule: Simple majority of people"))
    expect(page.locator("#id_closes_at_help")).to_contain_text("your time zone (")
    assert page.locator('input[name="tz"]').input_value() != ""
    closes = (timezone.now() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Closes at").fill(closes)
    no_horizontal_scroll(page)
    page.get_by_role("button", name="Open the proposal").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Meet on Wednesdays")
    expect(page.locator("#messages")).to_have_text("“Meet on Wednesdays” is open for decision.")
    proposal = Proposal.objects.get(title="Meet on Wednesdays")
    assert Round.objects.get(proposal=proposal).closes_at.strftime("%Y-%m-%dT%H:%M") == closes  # the browser: UTC
    # accord.js rewrote the closing time in the viewer's zone (UTC in this browser), keeping the exact moment.
    closing = page.locator(".proposal-status time")
    expect(closing).to_have_attribute("title", closing.get_attribute("datetime") or "")

    # Keyboard only: to the first stance, arrow to "Disagree", tab to the reason, type, tab to the button.
    page.get_by_role("radio", name=re.compile("^Agree")).focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name=re.compile("^Disagree"))).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_label(re.compile("^Reason"))).to_be_focused()
    page.keyboard.type("Wednesdays clash with the tenants' meeting.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Give the stance")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#messages")).to_have_text("Your stance is recorded: disagree.")
    expect(page.locator("#your-stance")).to_contain_text("Your current stance: Disagree")
    no_horizontal_scroll(page)


def test_choosing_block_marks_the_reason_as_required(demo, sign_in) -> None:
    proposal = actions.open_proposal(
        actor=demo.coordinator,
        coalition=demo.coalition,
        kind=kind(demo, "budget_and_strategy"),  # consensus of member groups: a block needs a reason
        title="Rotate the spokes",
        text="Spokes rotate every year.",
        closes_at=timezone.now() + timedelta(days=7),
    )
    page = sign_in(demo.delegate)
    page.goto(f"/c/{demo.coalition.slug}/decisions/{proposal.pk}/")
    reason = page.locator(f'textarea[name="g{demo.delegate_group.pk}-reason"]')
    expect(reason).not_to_have_attribute("required", "")
    page.get_by_role("radio", name=re.compile("^Block")).check()
    expect(reason).to_have_attribute("required", "")
    expect(page.get_by_text("(needed for a block)")).to_be_visible()
    page.get_by_role("radio", name=re.compile("^Agree")).check()
    expect(reason).not_to_have_attribute("required", "")


def test_the_rule_pages_fit_a_phone(demo, sign_in) -> None:
    page = sign_in(demo.coordinator)
    page.set_viewport_size(PHONE)
    target = kind(demo, "amend_constitution")
    for path in ("decision-kinds/", f"decision-kinds/{target.pk}/edit/", "decision-kinds/simulate/", "decisions/"):
        page.goto(f"/c/{demo.coalition.slug}/{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        no_horizontal_scroll(page)
    page.get_by_role("link", name="Put a proposal to decision").click()
    no_horizontal_scroll(page)
