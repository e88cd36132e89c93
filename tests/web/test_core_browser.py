"""The core pages in a real browser (Chromium through Playwright, against pytest-django's live server).

Run with the others, or alone: `pytest tests/web -m browser`. Screenshots of the coalition home at 360px and
1280px go to $ACCORD_SCREENSHOTS when it is set (to look at the design), else to the test's tmp_path.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accord.coalitions.models import Affiliation, Coalition, MemberGroup, Person

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def sign_in_through_the_form(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your coalitions")


def no_horizontal_scroll(page: Page) -> None:
    width = page.viewport_size["width"]  # type: ignore[index]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_sign_up_then_start_a_coalition_add_a_group_and_record_a_person(page: Page, live_server) -> None:
    base = live_server.url
    page.goto(base + "/")
    page.get_by_role("link", name="Sign up").first.click()
    expect(page).to_have_title("Sign up – Accord")
    page.get_by_label("Email").fill("rosa@example.org")
    page.get_by_label("Your name").fill("Rosa Parkes")
    page.get_by_label("Password", exact=True).fill("a-long-walk-together")
    page.get_by_label("Password (again)").fill("a-long-walk-together")
    page.get_by_role("button", name="Create your account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your coalitions")
    expect(page.get_by_role("navigation", name="Your account")).to_contain_text("Signed in as Rosa Parkes")
    page.get_by_role("link", name="Start a coalition").click()
    page.get_by_label("Name").fill("Valley Water Alliance")
    page.get_by_label("Purpose").fill("Clean rivers for every town in the valley.")
    page.get_by_label("Membership questions").fill("Why do you want to join?\nHow many people do you represent?")
    page.get_by_role("button", name="Start the coalition").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Valley Water Alliance")
    expect(page.locator("#messages")).to_have_text(re.compile("You started Valley Water Alliance"))
    expect(page.locator("main")).to_contain_text("You are a coordinator of Valley Water Alliance.")

    page.get_by_role("link", name="Add a member group").click()
    page.get_by_label("Name of the group").fill("Riverside Anglers")
    page.get_by_label("Size").fill("twelve")
    page.get_by_role("button", name="Add the member group").click()
    # The error is shown beside the field, and the summary links to it.
    expect(page.get_by_role("alert")).to_contain_text("Enter how many people the group represents as a whole number")
    expect(page.get_by_label("Size")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Size").fill("12")
    page.get_by_role("button", name="Add the member group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside Anglers")

    page.get_by_role("link", name="Record a person in this group").click()
    expect(
        page.get_by_role("group", name="Member groups they belong to").get_by_label("Riverside Anglers")
    ).to_be_checked()
    page.get_by_label("Name", exact=True).fill("Tomasz Nowak")
    page.get_by_role("group", name="Member groups they are a delegate of").get_by_label("Riverside Anglers").check()
    page.get_by_role("button", name="Record the person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tomasz Nowak")
    expect(page.locator("main")).to_contain_text("Recorded without an account")
    expect(page.get_by_role("link", name="Invite them to claim this record")).to_be_visible()

    coalition = Coalition.objects.get(name="Valley Water Alliance")
    person = Person.objects.get(coalition=coalition, name="Tomasz Nowak")
    assert person.user is None
    assert list(Affiliation.objects.filter(person=person).values_list("member_group__name", "is_delegate")) == [
        ("Riverside Anglers", True)
    ]
    assert MemberGroup.objects.get(coalition=coalition).size == 12


def test_the_first_tab_reaches_the_skip_link_which_moves_focus_to_main(page: Page, live_server, demo) -> None:
    sign_in_through_the_form(page, live_server.url, demo.coordinator.email, demo.password)
    page.goto(f"{live_server.url}/c/{demo.coalition.slug}/groups/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    expect(page.get_by_role("link", name="Skip to main content")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab goes on from the main content, not back to the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_keyboard_only_adds_a_member_group(page: Page, live_server, demo, sign_in) -> None:
    sign_in(demo.coordinator)
    page.goto(f"{live_server.url}/c/{demo.coalition.slug}/groups/new/")
    page.get_by_label("Name of the group").focus()
    page.keyboard.type("Goole Green Streets")
    page.keyboard.press("Tab")
    page.keyboard.type("30")
    page.keyboard.press("Enter")  # submits the form from the field
    expect(page.get_by_role("heading", level=1)).to_have_text("Goole Green Streets")
    assert MemberGroup.objects.filter(coalition=demo.coalition, name="Goole Green Streets", size=30).exists()


def test_search_updates_the_results_as_one_types(page: Page, live_server, demo, sign_in) -> None:
    sign_in(demo.coordinator)
    page.goto(f"{live_server.url}/c/{demo.coalition.slug}/groups/")
    expect(page.locator("#results-status")).to_have_text("20 member groups.")
    page.get_by_label("Search member groups by name").press_sequentially("leeds", delay=30)
    expect(page.locator("#results-status")).to_have_text("1 member group matching “leeds”.")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=leeds"))
    page.get_by_label("Search member groups by name").fill("")
    page.get_by_label("Include former members").check()
    expect(page.locator("#results-status")).to_have_text("21 member groups, former members included.")
    expect(page.locator("#results")).to_contain_text("Scarborough Coastal Watch (former member)")


def test_delegate_switch_swaps_only_its_row_and_keeps_focus(page: Page, live_server, demo, sign_in) -> None:
    sign_in(demo.coordinator)
    person = demo.member_person
    affiliation = Affiliation.objects.get(person=person, ended_at__isnull=True)
    page.goto(f"{live_server.url}/c/{demo.coalition.slug}/people/{person.pk}/")
    page.evaluate("window.notReloaded = true")
    button = page.locator(f"#delegate-switch-{affiliation.pk}")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#messages")).to_have_text(f"{person.name} is now a delegate of {demo.delegate_group.name}.")
    expect(page.locator(f"#affiliation-{affiliation.pk}")).to_contain_text("Delegate")
    expect(button).to_contain_text("End delegate role")
    assert page.evaluate("window.notReloaded") is True
    assert page.evaluate("document.activeElement.id") == f"delegate-switch-{affiliation.pk}"
    affiliation.refresh_from_db()
    assert affiliation.is_delegate is True


def test_on_a_phone_the_nav_and_a_form_are_usable(page: Page, live_server, demo, sign_in) -> None:
    page.set_viewport_size(PHONE)
    sign_in(demo.coordinator)
    for path in (
        "",
        "groups/",
        "people/",
        f"people/{demo.member_person.pk}/",
        f"groups/{demo.delegate_group.pk}/",
        "groups/new/",
    ):
        page.goto(f"{live_server.url}/c/{demo.coalition.slug}/{path}")
        no_horizontal_scroll(page)
    page.goto(f"{live_server.url}/c/{demo.coalition.slug}/")
    nav = page.get_by_role("navigation", name=demo.coalition.name)
    for name in ("Home", "Member groups", "People", "Applications", "Invitations", "Audit log"):
        link = nav.get_by_role("link", name=name)
        expect(link).to_be_in_viewport()
        box = link.bounding_box()
        assert box is not None and box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 360
    nav.get_by_role("link", name="Member groups").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Member groups")
    page.get_by_role("link", name="Add a member group").click()
    page.get_by_label("Name of the group").fill("Selby Seed Library")
    page.get_by_label("Size").fill("9")
    submit = page.get_by_role("button", name="Add the member group")
    box = submit.bounding_box()
    assert box is not None and box["height"] >= 44 and box["x"] + box["width"] <= 360
    submit.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Selby Seed Library")
    no_horizontal_scroll(page)


def test_screenshots_of_the_coalition_home(page: Page, live_server, demo, sign_in, tmp_path: Path) -> None:
    folder = Path(os.environ.get("ACCORD_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    sign_in(demo.coordinator)
    for name, size in (("phone-360", PHONE), ("desktop-1280", DESKTOP)):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/c/{demo.coalition.slug}/")
        no_horizontal_scroll(page)
        page.screenshot(path=str(folder / f"coalition-home-{name}.png"), full_page=True)
        page.screenshot(path=str(folder / f"coalition-home-{name}-first-screen.png"))
        assert (folder / f"coalition-home-{name}.png").stat().st_size > 10_000
