"""The issue's browser test, in Chromium through Playwright: a member proposes an amendment to the decision table
through the pages, the delegates decide it on the proposal page, the constitution shows the new rule, a new
proposal uses it while one opened earlier keeps the old rule. And the compare page on a 360 px phone."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accord.agreements import actions as agreement_actions
from accord.agreements.models import Amendment
from accord.decisions import actions as decision_actions
from accord.decisions.models import DecisionKind, Proposal

from .conftest import agreement, both_groups_agree, close, kind

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def no_horizontal_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]  # type: ignore[index]


def give_agree_for_group(page: Page, sign_in, user, proposal_url: str) -> None:
    page = sign_in(user)
    page.goto(proposal_url)
    page.get_by_role("radio", name=re.compile("^Agree")).check()
    page.get_by_role("button", name="Give the stance").click()
    expect(page.locator("#messages")).to_contain_text("position is recorded: agree")


def test_an_amendment_to_the_decision_table_applies_to_the_next_proposal_not_to_an_open_one(adopted, sign_in) -> None:
    world = adopted
    slug = world.coalition.slug
    budget = kind(world, "budget_and_strategy")
    earlier = decision_actions.open_proposal(
        actor=world.member,
        coalition=world.coalition,
        kind=budget,
        title="Budget for spring",
        text="Spend £500 on banners.",
        closes_at=timezone.now() + timedelta(days=20),
    )

    page = sign_in(world.member)
    page.goto(f"/c/{slug}/constitution/")
    row = page.locator(f"#kind-{budget.pk}")
    expect(row).to_contain_text("Consensus of member groups")
    row.get_by_role("link", name="Propose an amendment to Budget and strategy").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("“Budget and strategy”")
    expect(page.locator(".in-force")).to_contain_text("Consensus of member groups")
    page.get_by_label("Title", exact=True).fill("Budget by simple majority of people")
    page.get_by_label("Why").fill("Consensus of groups is too slow for the budget.")
    page.get_by_label("Method", exact=True).select_option(label="Simple majority")
    page.get_by_label("Who responds", exact=True).select_option(value="people")
    page.get_by_role("radio", name=re.compile("^None: under consensus")).check()
    page.get_by_label("Fallback after how many failed rounds").fill("")
    page.get_by_label("Fallback method").select_option(label="No fallback")
    page.get_by_label("Closes at").fill((timezone.now() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Propose the amendment").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Budget by simple majority of people")
    changes = page.locator("#what-this-changes dd")
    expect(changes.nth(0)).to_contain_text("Consensus of member groups")
    expect(changes.nth(1)).to_have_text(re.compile("^Simple majority of people"))
    amendment = Amendment.objects.get(coalition=world.coalition, decision_kind=budget)
    proposal_url = f"/c/{slug}/decisions/{amendment.proposal_id}/"

    give_agree_for_group(page, sign_in, world.delegate, proposal_url)
    give_agree_for_group(page, sign_in, world.other_delegate, proposal_url)
    assert close(amendment.proposal).status == "passed"
    budget.refresh_from_db()
    assert budget.rule["method"] == "majority" and budget.rule["unit"] == "people"

    page = sign_in(world.member)
    page.goto(f"/c/{slug}/constitution/")
    expect(page.locator(f"#kind-{budget.pk}")).to_contain_text("Simple majority of people")
    expect(page.locator(f"#kind-{budget.pk}")).not_to_contain_text("Consensus")

    page.goto(f"/c/{slug}/decisions/new/")
    page.get_by_label("Title").fill("Budget for summer")
    page.get_by_label("The proposal").fill("Spend £300 on a festival stall.")
    page.get_by_label("Decision kind").select_option(label="Budget and strategy")
    expect(page.locator("#kind-rule")).to_contain_text("Simple majority of people")
    page.get_by_label("Closes at").fill((timezone.now() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Open the proposal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Budget for summer")
    expect(page.locator(".rule-panel")).to_contain_text("Simple majority of people")

    page.goto(f"/c/{slug}/decisions/{earlier.pk}/")
    expect(page.locator(".rule-panel")).to_contain_text("Consensus of member groups")
    expect(page.locator(".rule-panel")).not_to_contain_text("Simple majority")
    assert Proposal.objects.get(title="Budget for summer", coalition=world.coalition).rule["method"] == "majority"
    earlier.refresh_from_db()
    assert earlier.rule["method"] == "consensus"
    assert DecisionKind.objects.get(pk=budget.pk).revision == budget.revision


def test_the_compare_page_stacks_on_a_phone(adopted, sign_in) -> None:
    world = adopted
    unity = agreement(world)
    current = agreement_actions.current_version(unity)
    amendment = agreement_actions.propose_amendment(
        actor=world.member,
        coalition=world.coalition,
        target="agreement",
        agreement=unity,
        change={"text": current.text.replace("come together", "join forces") + "\n\nWe share what we have."},
        title="Join forces",
        closes_at=timezone.now() + timedelta(days=5),
    )
    both_groups_agree(world, amendment.proposal)
    assert close(amendment.proposal).status == "passed"

    page = sign_in(world.member)
    page.set_viewport_size(PHONE)
    page.goto(f"/c/{world.coalition.slug}/constitution/agreements/{unity.pk}/compare/")
    expect(page.get_by_label("Compare version")).to_have_value("1")
    expect(page.get_by_label("with version")).to_have_value("2")
    table = page.locator("table.compare")
    expect(table.locator("tr.compare__row--changed th")).to_have_text("Changed")
    expect(table.locator("tr.compare__row--added th").last).to_have_text("Added")
    # Stacked: each cell is a block under the other, labelled by its column.
    cells = table.locator("tr.compare__row--changed td")
    first, second = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
    assert first is not None and second is not None and second["y"] >= first["y"] + first["height"] - 1
    no_horizontal_scroll(page)
    page.set_viewport_size({"width": 1200, "height": 800})
    first, second = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
    assert first is not None and second is not None and abs(first["y"] - second["y"]) < 2  # side by side
