"""Joining and red lines in a real browser (Chromium through Playwright, against pytest-django's live server).

Run alone with `pytest tests/web_constitution_membership -m browser`. A screenshot of the red-lines page at 360px
goes to $ACCORD_SCREENSHOTS when it is set, else to the test's tmp_path.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accord.agreements import actions as agreement_actions
from accord.coalitions.models import Application

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def no_horizontal_scroll(page: Page) -> None:
    width = page.viewport_size["width"]  # type: ignore[index]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def tab_until(page: Page, selector: str, limit: int = 250) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_an_outsider_reads_the_join_page_and_applies_with_the_keyboard_only(
    page: Page, live_server, adopted, sign_in
) -> None:
    slug = adopted.coalition.slug
    page.goto(f"/c/{slug}/join/")  # not signed in: the page is public
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply to join River Towns")
    expect(page.get_by_role("heading", name=re.compile(r"^Unity statement \(version 1"))).to_be_visible()
    expect(page.locator("main")).to_contain_text("We are a coalition of groups and individuals")
    expect(page.get_by_role("link", name="Sign in to apply")).to_be_visible()

    sign_in(adopted.outsider)
    page.goto(f"/c/{slug}/join/")
    # As an individual: the first radio takes the focus, the arrow key moves to (and checks) the second.
    tab_until(page, 'input[name="kind"]')
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == "individual"
    # Send it without the sign-on box: refused, the message at the top and beside the box.
    tab_until(page, "button[type=submit].button:not(.link-button)")
    expect(page.locator(":focus")).to_have_text("Send my application")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("To apply, sign on to the unity statement")
    expect(page.locator("#id_signs_on_error")).to_contain_text("To apply, sign on to the unity statement")
    assert not Application.objects.filter(coalition=adopted.coalition).exists()

    # Now with the box, by Space, and Enter on the button.
    page.locator("body").focus()
    tab_until(page, 'input[name="signs_on"]')
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked") is True
    tab_until(page, "button[type=submit].button:not(.link-button)")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Application from Olu")
    expect(page.locator("#application-status")).to_contain_text("River Towns now decides on your application")
    application = Application.objects.get(coalition=adopted.coalition)
    assert (application.kind, application.status) == ("individual", "pending")
    assert application.admission.proposal.status == "open"


def test_the_red_lines_page_fits_a_phone(page: Page, live_server, adopted, sign_in, tmp_path: Path) -> None:
    folder = Path(os.environ.get("ACCORD_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    agreement_actions.state_red_line(
        actor=adopted.delegate,
        member_group=adopted.group,
        text="No money from fossil-fuel companies or their foundations, directly or through intermediaries.",
    )
    page.set_viewport_size(PHONE)
    sign_in(adopted.delegate)
    page.goto(f"/c/{adopted.coalition.slug}/red-lines/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Red lines")
    expect(page.get_by_role("link", name="Red lines")).to_have_attribute("aria-current", "page")
    no_horizontal_scroll(page)
    for button in (
        page.get_by_role("button", name="Confirm that all Leeds Action’s red lines still stand"),
        page.get_by_role("button", name="State the red line"),
    ):
        box = button.bounding_box()
        assert box is not None and box["height"] >= 44 and box["x"] + box["width"] <= 360
    page.get_by_label("The red line").fill("")
    page.get_by_role("button", name="State the red line").click()
    expect(page.get_by_role("alert")).to_be_visible()
    no_horizontal_scroll(page)
    page.screenshot(path=str(folder / "red-lines-phone-360.png"), full_page=True)
