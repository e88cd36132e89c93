"""Joining and leaving in a real browser (Chromium through Playwright, against pytest-django's live server).

Run alone with `pytest tests/web_membership -m browser`. Screenshots of the join page at 360px and of the
application decision page at 1280px go to $ACCORD_SCREENSHOTS when it is set, else to the test's tmp_path.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, expect

from accord.coalitions.models import Affiliation, Application, MemberGroup, Person
from tests.web_constitution_membership.deciding import decide

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
NCAN = "Northern Climate Action Network"


def no_horizontal_scroll(page: Page) -> None:
    width = page.viewport_size["width"]  # type: ignore[index]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def context_for(browser: Browser, live_server: Any, user: Any) -> BrowserContext:
    """A second browser (its own cookies) signed in as `user`, the way tests/conftest.py's `sign_in` does."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=str(live_server.url))
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": str(live_server.url),
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )
    return context


def fill_answers(page: Page) -> None:
    page.get_by_label("Where are you based, and what climate work do you do there?").fill("Otley, solar roofs.")
    page.get_by_label("Why do you want to join the network, and what can you bring to it?").fill("Installer skills.")
    page.get_by_label(re.compile("Do you accept the network's principles")).fill("Yes.")


def test_an_outsider_applies_as_a_group_is_admitted_and_sees_the_group_as_its_delegate(
    page: Page, browser: Browser, live_server, demo, sign_in
) -> None:
    slug = demo.coalition.slug
    sign_in(demo.outsider)
    page.goto(f"/c/{slug}/join/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Apply to join {NCAN}")
    page.get_by_role("radio", name=re.compile("As a member group")).check()
    page.get_by_label("The group's name").fill("Otley Energy Co-op")
    page.get_by_label("What the group does").fill("Community solar on Otley's roofs.")
    page.get_by_label("How many people the group represents").fill("27")
    fill_answers(page)
    page.get_by_role("checkbox", name=re.compile("We sign on to the unity statement")).check()
    page.get_by_role("button", name="Send my application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Application from Otley Energy Co-op")
    expect(page.get_by_role("status").first).to_contain_text(f"Your application to {NCAN} has been sent.")
    application = Application.objects.get(group_name="Otley Energy Co-op")

    expect(page.locator("#application-status")).to_contain_text("now decides on your application")

    coordinator_context = context_for(browser, live_server, demo.coordinator)
    try:
        coordinator = coordinator_context.new_page()
        coordinator.goto(f"/c/{slug}/applications/")
        coordinator.get_by_role("link", name="Otley Energy Co-op").click()
        expect(coordinator.get_by_role("heading", level=1)).to_have_text("Application from Otley Energy Co-op")
        coordinator.get_by_role("link", name="Go to the admission decision").click()
        expect(coordinator.get_by_role("heading", level=1)).to_contain_text("Admit Otley Energy Co-op")
    finally:
        coordinator_context.close()
    # The members decide under the "admit a member" rule, and the round closes.
    assert decide(application.admission.proposal, "agree").status == "passed"

    application.refresh_from_db()
    assert application.status == "admitted"
    page.reload()
    expect(page.locator("#application-status")).to_contain_text("Status: Admitted")
    expect(page.locator("#counts-from")).to_contain_text("You count in decisions from")
    page.get_by_role("link", name="Go to Otley Energy Co-op’s page").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Otley Energy Co-op")
    expect(page.locator("main")).to_contain_text("Sam Taylor")
    expect(page.get_by_role("link", name="Take this group out of the coalition")).to_be_visible()
    group = MemberGroup.objects.get(name="Otley Energy Co-op")
    person = Person.objects.get(coalition=demo.coalition, user=demo.outsider)
    assert Affiliation.objects.get(person=person, member_group=group).is_delegate is True


def test_a_member_leaves_and_the_audit_log_shows_them_as_a_former_member(
    page: Page, browser: Browser, live_server, demo, sign_in
) -> None:
    slug = demo.coalition.slug
    sign_in(demo.member)
    page.goto(f"/c/{slug}/leave/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Leave {NCAN}")
    expect(page.locator("main")).to_contain_text("shown as “Daniel Murphy (former member)”")
    page.get_by_label("Why are you leaving?").fill("Moving to Cardiff.")
    page.get_by_role("button", name=f"Leave {NCAN}").click()
    expect(page.get_by_role("status").first).to_contain_text(f"You have left {NCAN}.")
    demo.member_person.refresh_from_db()
    assert demo.member_person.left_at is not None

    coordinator_context = context_for(browser, live_server, demo.coordinator)
    try:
        coordinator = coordinator_context.new_page()
        coordinator.goto(f"/c/{slug}/audit/")
        results = coordinator.locator("#audit-results")
        expect(results.locator("li").first).to_contain_text(
            "Daniel Murphy (former member) left the coalition: “Moving to Cardiff.”"
        )
        # The filter swaps only the list (htmx), and the address follows so the view can be shared.
        coordinator.evaluate("window.notReloaded = true")
        coordinator.get_by_label("Show changes to").select_option("application")
        expect(results.get_by_role("heading", level=2)).to_contain_text("Applications:")
        expect(coordinator).to_have_url(re.compile(r"kind=application"))
        expect(coordinator.locator("#audit-status")).to_have_text(re.compile(r"^Showing applications: \d+ changes\.$"))
        assert coordinator.evaluate("window.notReloaded") is True
        expect(results).not_to_contain_text("left the coalition")
        coordinator.get_by_label("Show changes to").select_option("person")
        expect(results.locator("li").first).to_contain_text("Daniel Murphy (former member) left the coalition")
    finally:
        coordinator_context.close()


def _tab_until(page: Page, selector: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_the_copy_link_button_copies_the_invitation_link(page: Page, live_server, demo, sign_in) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(demo.delegate)
    page.goto(f"/c/{demo.coalition.slug}/invitations/")
    page.get_by_label("As a delegate of the group").check()
    page.get_by_role("button", name="Make the invitation link").click()
    link = page.get_by_role("textbox", name="Invitation link").first
    expect(link).to_have_value(re.compile(r"/invite/[\w-]+/$"))
    expect(page.locator("main")).to_contain_text("No email was sent.")
    page.get_by_role("button", name="Copy link").first.click()
    expect(page.locator("#created-link_status")).to_have_text(re.compile("Link copied"))
    assert page.evaluate("navigator.clipboard.readText()") == link.input_value()


def test_screenshots_of_the_join_page_on_a_phone_and_the_decision_page_on_a_desktop(
    page: Page, live_server, demo, sign_in, tmp_path: Path
) -> None:
    folder = Path(os.environ.get("ACCORD_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    sign_in(demo.outsider)
    page.set_viewport_size(PHONE)
    page.goto(f"/c/{demo.coalition.slug}/join/")
    no_horizontal_scroll(page)
    for button in (page.get_by_role("button", name="Send my application"),):
        box = button.bounding_box()
        assert box is not None and box["height"] >= 44 and box["x"] + box["width"] <= 360
    page.screenshot(path=str(folder / "join-phone-360.png"), full_page=True)
    # The same page after a failed submit: errors summarised at the top and beside each field.
    page.get_by_role("button", name="Send my application").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose whether you apply as a member group or as an individual.")
    no_horizontal_scroll(page)
    page.screenshot(path=str(folder / "join-phone-360-errors.png"), full_page=True)

    sign_in(demo.coordinator)
    page.set_viewport_size(DESKTOP)
    page.goto(f"/c/{demo.coalition.slug}/applications/{demo.pending_group_application.pk}/")
    no_horizontal_scroll(page)
    page.screenshot(path=str(folder / "application-decision-1280.png"), full_page=True)
    for name in ("join-phone-360.png", "application-decision-1280.png"):
        assert (folder / name).stat().st_size > 10_000


def test_every_membership_page_fits_a_phone(page: Page, live_server, demo, sign_in, tmp_path: Path) -> None:
    folder = Path(os.environ.get("ACCORD_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    slug = demo.coalition.slug
    page.set_viewport_size(PHONE)
    sign_in(demo.delegate)
    affiliation = Affiliation.objects.get(person=demo.delegate_person, ended_at__isnull=True)
    for path in (
        f"/c/{slug}/leave/",
        f"/c/{slug}/groups/{demo.delegate_group.pk}/leave/",
        f"/c/{slug}/affiliations/{affiliation.pk}/end/",
        f"/c/{slug}/audit/",
        f"/c/{slug}/applications/",
    ):
        page.goto(path)
        no_horizontal_scroll(page)
    page.goto(f"/c/{slug}/invitations/")
    page.get_by_label("Email address").fill("a.very.long.address.for.a.new.member@example.org")
    page.get_by_role("button", name="Make the invitation link").click()
    expect(page.locator("main")).to_contain_text("We sent this link by email to")
    no_horizontal_scroll(page)
    page.screenshot(path=str(folder / "invitation-created-phone-360.png"), full_page=True)
    page.goto("/account/tokens/")
    page.get_by_label("Name").fill("Spreadsheet sync")
    page.get_by_role("button", name="Make a token").click()
    expect(page.locator("main")).to_contain_text("it is shown only this once")
    no_horizontal_scroll(page)
    page.screenshot(path=str(folder / "token-created-phone-360.png"), full_page=True)

    sign_in(demo.coordinator)
    page.goto(f"/c/{slug}/audit/")
    no_horizontal_scroll(page)
    page.screenshot(path=str(folder / "audit-phone-360.png"), full_page=False)
    page.goto(f"/c/{slug}/applications/{demo.pending_group_application.pk}/")
    no_horizontal_scroll(page)
    page.goto("/invite/" + demo.unclaimed_person.claim_invitations.get().token + "/")
    no_horizontal_scroll(page)
    page.screenshot(path=str(folder / "invitation-claim-phone-360.png"), full_page=True)
