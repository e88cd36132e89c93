"""The issue's story in a real browser (Chromium through Playwright, against the live server): a proposal under
consensus minus one of member groups, two delegates respond, one blocks with a reason, and the page explains the
outcome; then facilitator mode with the keyboard only, and the projector following stances recorded elsewhere.

Screenshots of facilitator mode and the projector go to $ACCORD_SCREENSHOTS when it is set, else to tmp_path.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accord.accounts.models import User
from accord.decisions import actions
from accord.decisions.models import Proposal, Round

from .conftest import add_kind, consensus_minus_one, current_stances, group_key, open_proposal, page_url

pytestmark = pytest.mark.browser

# Consensus minus one of member groups, with a small quorum so that the page can show all three verdicts: no
# quorum after one response, passed with one block, blocked with two.
RULE = {"method": "consensus", "unit": "groups", "blocks_allowed": 1, "quorum": "1/10"}
RULE_WORDS = (
    "Consensus of member groups (each group gives one position): passes when at least one agrees and no more than "
    "1 block (one member group each). Quorum: at least 10% of eligible member groups must take part."
)
CHLOE = "chloe.thompson@demo.example"  # delegate of Manchester Climate Network
JADE = "jade.robinson@demo.example"  # delegate of Hull Heat Justice
BLOCK_REASON = "It commits our members to a march on the day of our AGM, which our constitution fixes."
SECOND_BLOCK_REASON = "Our tenants cannot march: we asked for a vigil instead."


def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("ACCORD_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def give_stance(page: Page, position: str, reason: str = "") -> None:
    stance = page.locator("#your-stance")
    stance.get_by_role("radio", name=re.compile(rf"^{position}\b")).check()
    if reason:
        stance.get_by_role("textbox", name=re.compile(r"^Reason")).fill(reason)
    stance.get_by_role("button", name="Give the stance").click()


def condition_row(page: Page, name: str):
    return page.locator("table.conditions tbody tr").filter(has=page.get_by_role("rowheader", name=name, exact=True))


def test_two_delegates_respond_one_blocks_with_a_reason_and_the_page_explains_the_outcome(
    page: Page, live_server, demo, sign_in, tmp_path: Path
) -> None:
    add_kind(demo, "consensus_minus_one", "Consensus minus one", RULE)
    chloe = User.objects.get(email=CHLOE)
    jade = User.objects.get(email=JADE)
    slug = demo.coalition.slug

    # The coordinator opens the proposal through the new-proposal page.
    sign_in(demo.coordinator)
    page.goto(f"/c/{slug}/decisions/new/")
    page.get_by_label("Title").fill("Join the regional climate march")
    page.get_by_label("The proposal").fill("We march together with the regional alliance on **12 September**.")
    page.get_by_label("Decision kind").select_option(label="Consensus minus one")
    expect(page.locator("#kind-rule")).to_contain_text(RULE_WORDS)
    closes = timezone.localtime(timezone.now() + timedelta(days=7))
    page.get_by_label("Closes at").fill(closes.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Open the proposal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Join the regional climate march")
    expect(page.locator("#messages")).to_have_text("“Join the regional climate march” is open for decision.")
    expect(page.get_by_role("region", name="How this is decided")).to_contain_text(RULE_WORDS)
    proposal = Proposal.objects.get(coalition=demo.coalition, title="Join the regional climate march")
    assert proposal.rule == {**RULE, "weighting": "equal", "quorum_by": "count"}
    assert (
        Round.objects.get(proposal=proposal).eligible_count == 19
    )  # Durham Climate Students are still in their induction period
    proposal_path = page_url(proposal, "proposal")

    # Priya Shah, signing in with her password, agrees for Leeds Climate Action.
    page.context.clear_cookies()
    page.goto(f"/accounts/login/?next={proposal_path}")
    page.get_by_label("Email").fill(demo.delegate.email)
    page.get_by_label("Password", exact=True).fill(demo.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Join the regional climate march")
    expect(page.locator("#your-stance")).to_contain_text("For Leeds Climate Action, as its delegate")
    give_stance(page, "Agree")
    expect(page.locator("#messages")).to_have_text("Leeds Climate Action's position is recorded: agree.")
    expect(page.get_by_text("If it closed now:")).to_contain_text(
        "No quorum: 1 of 19 member groups took part (quorum 2), too few; no blocks, allowed 1; 1 member group agreeing."
    )
    expect(condition_row(page, "Quorum")).to_contain_text("Not met")

    # Chloe Thompson blocks for Manchester Climate Network: first without a reason, which is refused.
    sign_in(chloe)
    page.goto(proposal_path)
    give_stance(page, "Block")
    expect(page.get_by_role("alert")).to_contain_text("A block: say why, so the others can try to meet the concern.")
    give_stance(page, "Block", BLOCK_REASON)
    expect(page.locator("#messages")).to_have_text("Manchester Climate Network's position is recorded: block.")

    # The page shows the block's reason and explains the outcome in plain words.
    responses = page.get_by_role("region", name="Who has responded")
    expect(responses.get_by_role("row", name=re.compile("^Manchester Climate Network"))).to_contain_text(
        f"“{BLOCK_REASON}”"
    )
    expect(responses.get_by_role("row", name=re.compile("^Leeds Climate Action"))).to_contain_text("Agree")
    expect(page.get_by_text("If it closed now:")).to_contain_text(
        "Passed: 2 of 19 member groups took part (quorum 2); 1 block, allowed 1; 1 member group agreeing."
    )
    expect(condition_row(page, "Quorum")).to_contain_text("2 of 19 member groups took part (quorum 2)")
    expect(condition_row(page, "Quorum")).to_contain_text("Met")
    expect(condition_row(page, "Blocks")).to_contain_text("1 block, allowed 1")
    expect(condition_row(page, "Blocks")).not_to_contain_text("Not met")
    expect(condition_row(page, "Someone agrees")).to_contain_text("1 member group agreeing")

    # A second block (Jade Robinson for Hull Heat Justice) is one more than allowed.
    sign_in(jade)
    page.goto(proposal_path)
    give_stance(page, "Block", SECOND_BLOCK_REASON)
    expect(page.locator("#messages")).to_have_text("Hull Heat Justice's position is recorded: block.")
    blocked = (
        "Blocked: 3 of 19 member groups took part (quorum 2); 2 blocks, allowed 1: 1 more than allowed; "
        "1 member group agreeing."
    )
    expect(page.get_by_text("If it closed now:")).to_contain_text(blocked)
    expect(condition_row(page, "Blocks")).to_contain_text("Not met")
    expect(condition_row(page, "Blocks")).to_contain_text("2 blocks, allowed 1: 1 more than allowed")

    # The deadline passes: the page closes the round and states the outcome as decided.
    Round.objects.filter(proposal=proposal).update(closes_at=timezone.now() - timedelta(seconds=1))
    page.goto(proposal_path)
    expect(page.get_by_role("heading", name="The outcome")).to_be_visible()
    expect(page.locator(".outcome-summary")).to_have_text(blocked)
    proposal.refresh_from_db()
    assert proposal.status == "blocked"
    assert current_stances(proposal) == {
        group_key(demo, "Leeds Climate Action"): ("agree", None, ""),
        group_key(demo, "Manchester Climate Network"): ("block", None, BLOCK_REASON),
        group_key(demo, "Hull Heat Justice"): ("block", None, SECOND_BLOCK_REASON),
    }

    # The projector says the same, large.
    page.goto(page_url(proposal, "proposal_projector"))
    expect(page.locator(".tally__verdict")).to_have_text("Blocked")
    expect(page.locator(".tally__summary")).to_have_text(blocked)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=str(screenshots(tmp_path) / "projector-blocked-1280.png"), full_page=True)


def test_facilitator_mode_with_the_keyboard_only(page: Page, live_server, demo, sign_in, tmp_path: Path) -> None:
    proposal = open_proposal(demo, consensus_minus_one(demo))
    sign_in(demo.coordinator)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(page_url(proposal, "proposal_facilitate"))
    expect(page.locator("#facilitate-count")).to_have_text("0 of 19 recorded")
    announce = page.locator("#facilitate-announce")
    search = page.get_by_label("Find by name")

    # "/" goes to the search box; typing filters the list as one types.
    page.keyboard.press("/")
    expect(search).to_be_focused()
    page.keyboard.type("leeds", delay=20)
    expect(page.locator("#facilitate-results-status")).to_have_text("1 whose name contains “leeds”.")
    rows = page.locator("[data-facilitate-row]")
    expect(rows).to_have_count(1)

    # Down to the row, "a" records agree; the announcement, the counter and the row follow; focus goes back to
    # the search box with its text selected, so typing starts the next search.
    page.keyboard.press("ArrowDown")
    leeds = page.locator(f"#unit-{group_key(demo, 'Leeds Climate Action')}")
    expect(leeds).to_be_focused()
    page.keyboard.press("a")
    expect(announce).to_have_text("Recorded for Leeds Climate Action: agree.")
    expect(page.locator("#facilitate-count")).to_have_text("1 of 19 recorded")
    expect(leeds.locator(".facilitate-row__stance")).to_have_text("Agree")
    expect(search).to_be_focused()
    assert page.evaluate("document.activeElement.selectionStart") == 0
    assert page.evaluate("document.activeElement.selectionEnd") == len("leeds")

    # A block asks for its reason in the row; Enter records it.
    page.keyboard.type("manch", delay=20)
    expect(page.locator("#facilitate-results-status")).to_have_text("1 whose name contains “manch”.")
    manchester = page.locator(f"#unit-{group_key(demo, 'Manchester Climate Network')}")
    page.keyboard.press("ArrowDown")
    expect(manchester).to_be_focused()
    page.keyboard.press("b")
    reason = manchester.get_by_role("textbox", name=re.compile("^Reason for Manchester Climate Network"))
    expect(reason).to_be_focused()
    expect(announce).to_have_text(
        "A block needs a reason: type why Manchester Climate Network blocks, then press Enter."
    )
    page.keyboard.type("Not on our AGM day.")
    page.keyboard.press("Enter")
    expect(announce).to_have_text("Recorded for Manchester Climate Network: block.")
    expect(page.locator("#facilitate-count")).to_have_text("2 of 19 recorded")
    expect(manchester.locator(".facilitate-row__stance")).to_have_text("Block")
    expect(page.locator("#facilitate-tally")).to_have_text(
        "So far: Passed: 1 block, allowed 1; 1 member group agreeing."
    )

    # Without a search, arrows walk the list and focus moves on to the next row after recording.
    search.press("Control+a")
    page.keyboard.press("Backspace")
    expect(rows).to_have_count(19)
    page.keyboard.press("ArrowDown")
    first, second = rows.nth(0), rows.nth(1)
    expect(first).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(second).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(first).to_be_focused()
    page.keyboard.press("s")  # stand aside, for Bolton Climate Choir (the first by name)
    expect(announce).to_have_text("Recorded for Bolton Climate Choir: stand aside.")
    expect(second).to_be_focused()
    page.keyboard.press("3")  # the third button: abstain
    expect(announce).to_have_text("Recorded for Bradford Clean Air Campaign: abstain.")
    expect(page.locator("#facilitate-count")).to_have_text("4 of 19 recorded")
    expect(rows.nth(2)).to_be_focused()  # Carlisle Community Energy, next in line
    page.screenshot(path=str(screenshots(tmp_path) / "facilitate-1280.png"), full_page=False)

    # Typing a name from a row (letters that are no shortcut) starts a new search.
    page.keyboard.type("york", delay=20)
    expect(search).to_have_value("york")
    expect(page.locator("#facilitate-results-status")).to_have_text("1 whose name contains “york”.")

    assert current_stances(proposal) == {
        group_key(demo, "Leeds Climate Action"): ("agree", None, ""),
        group_key(demo, "Manchester Climate Network"): ("block", None, "Not on our AGM day."),
        group_key(demo, "Bolton Climate Choir"): ("stand_aside", None, ""),
        group_key(demo, "Bradford Clean Air Campaign"): ("abstain", None, ""),
    }


def test_facilitator_mode_fits_a_phone(page: Page, live_server, demo, sign_in, tmp_path: Path) -> None:
    proposal = open_proposal(demo, consensus_minus_one(demo))
    sign_in(demo.coordinator)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(page_url(proposal, "proposal_facilitate") + "?q=leeds")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    agree = page.get_by_role("button", name="Agree for Leeds Climate Action")
    box = agree.bounding_box()
    assert box is not None and box["height"] >= 44
    agree.click()
    expect(page.locator("#facilitate-announce")).to_have_text("Recorded for Leeds Climate Action: agree.")
    page.screenshot(path=str(screenshots(tmp_path) / "facilitate-360.png"), full_page=True)


def test_a_block_clicked_without_a_reason_asks_for_it_before_sending(page: Page, live_server, demo, sign_in) -> None:
    proposal = open_proposal(demo, consensus_minus_one(demo))
    sign_in(demo.coordinator)
    page.goto(page_url(proposal, "proposal_facilitate") + "?q=hull")
    page.get_by_role("button", name="Block for Hull Heat Justice").click()
    reason = page.get_by_role("textbox", name=re.compile("^Reason for Hull Heat Justice"))
    expect(reason).to_be_focused()
    assert current_stances(proposal) == {}
    reason.fill("The route passes the estate we organise on without asking us.")
    page.get_by_role("button", name="Block for Hull Heat Justice").click()
    expect(page.locator("#facilitate-announce")).to_have_text("Recorded for Hull Heat Justice: block.")
    assert current_stances(proposal) == {
        group_key(demo, "Hull Heat Justice"): (
            "block",
            None,
            "The route passes the estate we organise on without asking us.",
        )
    }


def test_the_projector_follows_stances_recorded_elsewhere(
    page: Page, live_server, demo, sign_in, tmp_path: Path
) -> None:
    proposal = open_proposal(demo, consensus_minus_one(demo))
    sign_in(demo.member)  # any member may put the projector up
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(page_url(proposal, "proposal_projector"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Join the regional climate march")
    expect(page.locator(".tally__responded")).to_have_text("0 of 19 member groups responded")
    page.evaluate("window.notReloaded = true")

    actions.record_stance(
        actor=demo.delegate, proposal=proposal, unit_key=group_key(demo, "Leeds Climate Action"), position="agree"
    )
    # The projector polls every 5 seconds: the new stance shows without reloading the page.
    expect(page.locator(".tally__responded")).to_have_text("1 of 19 member groups responded", timeout=12_000)
    agree = page.locator(".tally__bar").filter(has_text="Agree")
    expect(agree.locator(".tally__count")).to_have_text("1")
    expect(agree.locator("progress")).to_have_attribute("value", "1")
    expect(page.locator(".tally__summary")).to_have_text("Passed: no blocks, allowed 1; 1 member group agreeing.")
    assert page.evaluate("window.notReloaded") is True
    page.screenshot(path=str(screenshots(tmp_path) / "projector-open-1280.png"), full_page=True)


def test_facilitator_mode_and_the_projector_work_without_javascript(browser, live_server, demo) -> None:
    from django.conf import settings
    from django.test import Client

    proposal = open_proposal(demo, consensus_minus_one(demo))
    client = Client()
    client.force_login(demo.coordinator)
    context = browser.new_context(java_script_enabled=False, base_url=str(live_server.url))
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": str(live_server.url),
            }
        ]
    )
    page = context.new_page()
    try:
        page.goto(page_url(proposal, "proposal_facilitate"))
        page.get_by_label("Find by name").fill("hull")
        page.get_by_role("button", name="Search").click()
        expect(page).to_have_url(re.compile(r"\?q=hull$"))
        expect(page.locator("[data-facilitate-row]")).to_have_count(1)

        # Enter in the reason box presses no position (the row's first submit button is a disabled one).
        reason = page.get_by_label("Reason for Hull Heat Justice (needed to block)")
        reason.fill("Not this year.")
        reason.press("Enter")
        page.wait_for_timeout(300)
        assert current_stances(proposal) == {}

        # A block without a reason comes back with the error in the row.
        reason.fill("")
        page.get_by_role("button", name="Block for Hull Heat Justice").click()
        row = page.locator(f"#unit-{group_key(demo, 'Hull Heat Justice')}")
        expect(row.locator(".field-error")).to_have_text(
            "Error: A block: say why, so the others can try to meet the concern."
        )
        page.get_by_label("Reason for Hull Heat Justice (needed to block)").fill("Not this year.")
        page.get_by_role("button", name="Block for Hull Heat Justice").click()
        expect(page.locator("#messages")).to_have_text("Recorded for Hull Heat Justice: block.")
        expect(page).to_have_url(re.compile(r"\?q=hull#unit-g\d+$"))
        expect(page.locator("#facilitate-count")).to_have_text("1 of 19 recorded")
        assert current_stances(proposal) == {group_key(demo, "Hull Heat Justice"): ("block", None, "Not this year.")}

        page.goto(page_url(proposal, "proposal_projector"))
        expect(page.locator("noscript meta[http-equiv='refresh']")).to_have_count(1)
        expect(page.get_by_role("link", name="Refresh")).to_be_visible()
        expect(page.get_by_role("button", name="Full screen")).to_be_hidden()
        expect(page.locator(".tally__responded")).to_have_text("1 of 19 member groups responded")
    finally:
        context.close()
