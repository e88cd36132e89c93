"""What a screen reader, a keyboard and a 360 px phone need from the constitution's pages (issue 5): the
constitution and its agreements, versions and comparisons, the draft editors, amendments (every target) and their
rebase, joining, applications, the induction pack, red lines, asking a member to leave, and the proposal pages of an
amendment (stale, with conflicts), an admission and a request to leave, with red-line flags.

Static checks through the Django client: one <h1> and headings in order, the landmarks, every control labelled,
tables with captions and scoped headers, ids unique and every aria-describedby pointing at something, the compare
table saying in each cell which version it belongs to, changes and states in words; and on refused input an error
summary that takes the focus, links to each field at fault, and fields marked invalid and described by their error.
One browser test goes through every page at 360 px: no horizontal scrolling, and the first form control shows its
focus when reached with the keyboard."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accord.agreements import actions as agreement_actions
from accord.agreements.models import Amendment, RedLine
from accord.coalitions.models import Application
from accord.decisions.models import Proposal
from tests.coalitions.conftest import make_user
from tests.decisions.conftest import World, build_world
from tests.web.markup import Element, labelled_inputs_problems, parse

from .conftest import adopt, agreement, both_groups_agree, close, kind, later

pytestmark = pytest.mark.django_db


@dataclass
class Scene:
    adopted: World
    stale: Amendment
    conflicting: Amendment
    admission: Proposal
    removal: Proposal
    red_line: RedLine

    def pages(self) -> list[tuple[str, Any, str]]:
        """(what, who, address) for every page the issue added, as someone who may see it."""
        world, slug = self.adopted, self.adopted.coalition.slug
        unity = agreement(world)
        base = f"/c/{slug}/constitution/"
        amend = f"{base}amend/"
        return [
            ("constitution", world.member, base),
            ("agreement", world.member, f"{base}agreements/{unity.pk}/"),
            ("agreement version", world.member, f"{base}agreements/{unity.pk}/versions/1/"),
            ("agreement compare", world.member, f"{base}agreements/{unity.pk}/compare/"),
            ("amendment chooser", world.member, amend),
            ("amend an agreement", world.member, f"{amend}?target=agreement&agreement={unity.pk}"),
            ("amend: new agreement", world.member, f"{amend}?target=new_agreement"),
            (
                "amend a decision kind",
                world.member,
                f"{amend}?target=decision_kind&kind={kind(world, 'budget_and_strategy').pk}",
            ),
            ("amend: new decision kind", world.member, f"{amend}?target=new_decision_kind"),
            ("amend the terms", world.member, f"{amend}?target=terms"),
            ("amend an agreed weight", world.member, f"{amend}?target=agreed_weight&group={world.group.pk}"),
            ("amendments", world.member, f"{base}amendments/"),
            ("amendments, decided", world.member, f"{base}amendments/?status=decided"),
            ("amendment rebase", world.delegate, f"{base}amendments/{self.stale.pk}/rebase/"),
            ("join, signed out", None, f"/c/{slug}/join/"),
            ("join, signed in", world.outsider, f"/c/{slug}/join/"),
            ("join, a member", world.member, f"/c/{slug}/join/"),
            ("application", world.outsider, f"/c/{slug}/applications/{self.admission.admission.application_id}/"),
            ("applications", world.member, f"/c/{slug}/applications/"),
            ("induction", world.member, f"/c/{slug}/induction/"),
            ("red lines", world.delegate, f"/c/{slug}/red-lines/"),
            ("red line edit", world.delegate, f"/c/{slug}/red-lines/{self.red_line.pk}/edit/"),
            ("ask to leave", world.member, f"/c/{slug}/leave-requests/new/"),
            ("proposal: stale amendment", world.delegate, f"/c/{slug}/decisions/{self.stale.proposal_id}/"),
            ("proposal: admission", world.member, f"/c/{slug}/decisions/{self.admission.pk}/"),
            ("proposal: request to leave", world.member, f"/c/{slug}/decisions/{self.removal.pk}/"),
        ]


def build_scene() -> Scene:
    world = build_world()
    agreement_actions.seed_draft(world.coalition)
    adopt(world)
    unity = agreement(world)
    soon = timezone.now() + timedelta(days=5)

    def propose(text: str, actor: Any, title: str) -> Amendment:
        return agreement_actions.propose_amendment(
            actor=actor, coalition=world.coalition, target="agreement", agreement=unity,
            change={"text": text}, title=title, closes_at=soon,
        )  # fmt: skip

    first = propose("We come together for clean rivers.\n\nWe share what we have.", world.member, "Sharpen unity")
    stale = propose("Second wording.", world.delegate, "Other unity")
    both_groups_agree(world, first.proposal)
    assert close(first.proposal).status == "passed"
    conflicting = propose("Third wording.", world.member, "Third unity")
    stale.refresh_from_db()
    assert stale.is_stale

    red_line = agreement_actions.state_red_line(actor=world.delegate, member_group=world.group, text="No fracking.")
    RedLine.objects.filter(pk=red_line.pk).update(
        confirmed_at=timezone.now()
        - timedelta(days=agreement_actions.constitution_of(world.coalition).red_line_review_days + 3)
    )
    agreement_actions.flag_red_line(actor=world.member, proposal=stale.proposal, red_line=red_line, note="Gas.")
    application = agreement_actions.apply_to_join(
        actor=world.outsider, coalition=world.coalition, kind="individual", signs_on=True,
        answers=["Rivers."] * len(world.coalition.membership_questions or []),
    )  # fmt: skip
    removal = agreement_actions.ask_member_to_leave(
        actor=world.member, coalition=world.coalition,
        rests_on=agreement(world, "membership_criteria"), title="Should Hull Heat leave?",
        text="Hull Heat took money from a gas supplier.", closes_at=soon, member_group=world.other_group,
    )  # fmt: skip

    return Scene(
        adopted=world,
        stale=stale,
        conflicting=conflicting,
        admission=Application.objects.get(pk=application.pk).admission.proposal,
        removal=removal.proposal,
        red_line=red_line,
    )


def draft_pages(world: World) -> list[tuple[str, Any, str]]:
    """The pages of a constitution still a draft, as its coordinator."""
    base = f"/c/{world.coalition.slug}/constitution/"
    return [
        ("constitution, draft", world.coordinator, base),
        ("agreement draft edit", world.coordinator, f"{base}agreements/{agreement(world).pk}/draft/"),
        ("agreement draft create", world.coordinator, f"{base}draft/new/"),
        ("terms draft edit", world.coordinator, f"{base}draft/terms/"),
    ]


@pytest.fixture
def scene(db: None) -> Scene:
    return build_scene()


@pytest.fixture
def draft(db: None) -> World:
    world = build_world()
    agreement_actions.seed_draft(world.coalition)
    return world


# --- what every page needs ------------------------------------------------------------------------------------------


def headings(document: Element) -> list[int]:
    return [int(element.tag[1]) for element in document.find("main").iter() if re.fullmatch(r"h[1-6]", element.tag)]


def structure_problems(document: Element) -> list[str]:
    problems: list[str] = []
    main = document.find_all("main")
    if len(main) != 1:
        return [f"{len(main)} <main> elements"]
    for landmark in ("header", "footer"):
        if not document.find_all(landmark):
            problems.append(f"no <{landmark}>")
    if not document.find_all("nav"):
        problems.append("no <nav>")
    levels = headings(document)
    if levels.count(1) != 1 or levels[0] != 1:
        problems.append(f"headings {levels}: want exactly one h1, first")
    problems += [
        f"heading h{later} after h{earlier}"
        for earlier, later in zip(levels, levels[1:], strict=False)
        if later > earlier + 1
    ]
    problems += labelled_inputs_problems(document)
    ids = [element.attrs["id"] for element in document.iter() if "id" in element.attrs]
    problems += [f"id {one!r} is used twice" for one in sorted({one for one in ids if ids.count(one) > 1})]
    known = set(ids)
    for element in document.iter():
        for attribute in ("aria-describedby", "aria-labelledby"):
            for one in element.attrs.get(attribute, "").split():
                if one not in known:
                    problems.append(f"<{element.tag}> {attribute} {one!r} names no element")
        if element.tag == "a" and element.attrs.get("href", "").startswith("#") and len(element.attrs["href"]) > 1:
            if element.attrs["href"][1:] not in known:
                problems.append(f"link to {element.attrs['href']} goes nowhere")
    for table in document.find("main").find_all("table"):
        if not table.find_all("caption") or not table.find_all("caption")[0].text:
            problems.append("a table without a caption")
        problems += [
            f"<th>{header.text}</th> without scope" for header in table.find_all("th") if "scope" not in header.attrs
        ]
    return problems


def report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{what}: {'; '.join(found)}" for what, found in problems.items())


def page_problems(client: Any, address: str) -> list[str]:
    response = client.get(address)
    if response.status_code != 200:
        return [f"status {response.status_code}"]
    return structure_problems(parse(response.content))


def test_every_page_has_one_h1_ordered_headings_landmarks_labels_and_described_tables(scene, client_for) -> None:
    problems = {}
    for what, who, address in scene.pages():
        found = page_problems(client_for(who), address)
        if found:
            problems[what] = found
    assert not problems, report(problems)


def test_every_draft_page_has_the_same(draft, client_for) -> None:
    problems = {}
    for what, who, address in draft_pages(draft):
        found = page_problems(client_for(who), address)
        if found:
            problems[what] = found
    assert not problems, report(problems)


# --- refused input: the error summary and the fields at fault -------------------------------------------------------


def error_problems(response: Any) -> list[str]:
    """A page that refuses input: 422, "Error: " in its title, one focused summary whose links reach the fields at
    fault, and each field at fault marked invalid and described by its error."""
    if response.status_code != 422:
        return [f"status {response.status_code}"]
    document = parse(response.content)
    problems = structure_problems(document)
    if not document.find("title").text.startswith("Error: "):
        problems.append(f"title {document.find('title').text!r} does not start with 'Error: '")
    summaries = document.find_all("div", class_="error-summary")
    if len(summaries) != 1:
        return [*problems, f"{len(summaries)} error summaries"]
    summary = summaries[0]
    if "autofocus" not in summary.attrs or summary.attrs.get("role") != "alert":
        problems.append("the error summary does not take the focus as an alert")
    if not summary.find_all("li"):
        problems.append("the error summary lists nothing")
    for error in document.find_all("p", class_="field-error"):
        if "id" not in error.attrs:
            continue
        described = [
            element
            for element in document.iter()
            if error.attrs["id"] in element.attrs.get("aria-describedby", "").split()
        ]
        if not described:
            problems.append(f"no field is described by {error.attrs['id']}")
        problems += [
            f"<{element.tag} name={element.attrs.get('name')}> has an error but no aria-invalid"
            for element in described
            if element.tag in {"input", "select", "textarea"} and element.attrs.get("aria-invalid") != "true"
        ]
    return problems


def test_every_refused_form_has_a_focused_summary_and_fields_marked_invalid(scene, client_for) -> None:
    world, slug = scene.adopted, scene.adopted.coalition.slug
    base = f"/c/{slug}/constitution/"
    unity = agreement(world)
    budget = kind(world, "budget_and_strategy")
    cases = [
        ("compare", world.member, "get", f"{base}agreements/{unity.pk}/compare/?from=9&to=1", {}),
        ("amend an agreement", world.member, "post", f"{base}amend/?target=agreement&agreement={unity.pk}",
         {"title": "", "closes_at": "", "tz": "UTC", "change-text": ""}),
        ("amend: new agreement", world.member, "post", f"{base}amend/?target=new_agreement",
         {"title": "New", "closes_at": later(), "tz": "UTC", "change-title": "", "change-text": ""}),
        ("amend a decision kind", world.member, "post", f"{base}amend/?target=decision_kind&kind={budget.pk}",
         {"title": "Faster", "closes_at": later(), "tz": "UTC", "change-method": "majority", "change-unit": "",
          "change-threshold": "lots"}),
        ("amend: new decision kind", world.member, "post", f"{base}amend/?target=new_decision_kind",
         {"title": "New kind", "closes_at": later(), "tz": "UTC", "change-name": ""}),
        ("amend the terms", world.member, "post", f"{base}amend/?target=terms",
         {"title": "Terms", "closes_at": later(), "tz": "UTC", "change-induction_days": "soon"}),
        ("amend an agreed weight", world.member, "post", f"{base}amend/?target=agreed_weight&group={world.group.pk}",
         {"title": "Weight", "closes_at": later(), "tz": "UTC", "change-weight": "heavy"}),
        ("rebase", world.delegate, "post", f"{base}amendments/{scene.stale.pk}/rebase/",
         {"closes_at": "", "tz": "UTC", "change-text": ""}),
        ("join", make_user("Una"), "post", f"/c/{slug}/join/", {"kind": "individual"}),
        ("ask to leave", world.member, "post", f"/c/{slug}/leave-requests/new/", {"text": ""}),
        ("state a red line", world.delegate, "post", f"/c/{slug}/red-lines/new/", {"text": ""}),
        ("change a red line", world.delegate, "post", f"/c/{slug}/red-lines/{scene.red_line.pk}/edit/", {"text": ""}),
        ("flag a red line", world.member, "post", f"/c/{slug}/decisions/{scene.conflicting.proposal_id}/red-line-flags/",
         {"red_line": "", "note": ""}),
    ]  # fmt: skip
    problems = {}
    for what, who, method, address, data in cases:
        client = client_for(who)
        response = client.get(address) if method == "get" else client.post(address, data)
        found = error_problems(response)
        if found:
            problems[what] = found
    assert not problems, report(problems)


def test_every_refused_draft_form_has_the_same(draft, client_for) -> None:
    base = f"/c/{draft.coalition.slug}/constitution/"
    cases = [
        ("draft edit", f"{base}agreements/{agreement(draft).pk}/draft/", {"title": "", "text": ""}),
        ("draft create", f"{base}draft/new/", {"title": "", "text": ""}),
        ("terms", f"{base}draft/terms/", {"induction_days": "soon"}),
        ("founding", f"{base}founding/", {"closes_at": "", "tz": "UTC"}),
    ]
    client = client_for(draft.coordinator)
    problems = {what: found for what, address, data in cases if (found := error_problems(client.post(address, data)))}
    assert not problems, report(problems)


# --- what the constitution's pages say in words -------------------------------------------------------------------


def test_each_compare_cell_names_its_version_and_each_row_its_change_in_words(scene, client_for) -> None:
    world = scene.adopted
    address = f"/c/{world.coalition.slug}/constitution/agreements/{agreement(world).pk}/compare/?from=1&to=2"
    table = parse(client_for(world.member).get(address).content).find("table", class_="table--stack compare")
    assert table.find("caption").text == "Version 1 and version 2 side by side"
    rows = table.find("tbody").find_all("tr")
    assert rows
    for row in rows:
        assert row.find("th").attrs["scope"] == "row"
        assert row.find("th").text in {"Unchanged", "Changed", "Added", "Removed"}
        left, right = row.find_all("td")
        assert left.text.startswith("Version 1:") and right.text.startswith("Version 2:")
    changes = [row.find("th").text for row in rows]
    assert "Changed" in changes

    # On the proposal page of an amendment, the same with the text in force and the text proposed.
    page = parse(
        client_for(world.member).get(f"/c/{world.coalition.slug}/decisions/{scene.conflicting.proposal_id}/").content
    )
    for row in page.find("table", class_="table--stack compare").find("tbody").find_all("tr"):
        left, right = row.find_all("td")
        assert left.text.startswith("In force:") and right.text.startswith("Proposed:")


def test_stale_overdue_and_red_line_states_are_said_in_words(scene, client_for) -> None:
    world, slug = scene.adopted, scene.adopted.coalition.slug
    stale_page = parse(client_for(world.delegate).get(f"/c/{slug}/decisions/{scene.stale.proposal_id}/").content)
    banner = stale_page.find("div", class_="message message--warning stale-banner")
    assert banner.text.startswith("Stale: what this amendment changes was changed after it was drafted")
    conflicts = [
        element
        for element in stale_page.find_all("div", class_="message message--warning")
        if element.text.startswith("Other open amendments change the same thing.")
    ]
    assert len(conflicts) == 1 and conflicts[0].find("a").text == "Third unity"
    flags = stale_page.find("section", id="red-lines")
    assert flags.find("strong", class_="badge badge--red-line").text == "Red line"
    assert "Leeds Action: “No fracking.”" in flags.text

    listing = parse(client_for(world.member).get(f"/c/{slug}/constitution/amendments/").content)
    assert [badge.text for badge in listing.find_all("strong", class_="badge badge--stale")] == [
        "Stale: needs a rebase"
    ]

    red_lines = parse(client_for(world.member).get(f"/c/{slug}/red-lines/").content)
    item = red_lines.find("li", id=f"red-line-{scene.red_line.pk}")
    assert item.find("strong", class_="badge badge--status-blocked").text == "Overdue"
    assert "Was due for re-confirmation on" in item.text


# --- in a browser, on a 360 px phone --------------------------------------------------------------------------------

PHONE = {"width": 360, "height": 740}

MARK_FIRST_CONTROL = """() => {
  const controls = [...document.querySelectorAll(
    'main input:not([type=hidden]), main select, main textarea, main button, main summary')];
  const first = controls.find((element) => element.checkVisibility() && !element.disabled);
  if (!first) return false;
  first.setAttribute('data-first-control', '');
  return true;
}"""

FOCUS_SHOWN = """() => {
  const element = document.activeElement;
  if (!element || !element.matches('[data-first-control]') || !element.matches(':focus-visible')) return false;
  const style = getComputedStyle(element);
  return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 || style.boxShadow !== 'none';
}"""


def phone_problems(page: Any, address: str) -> list[str]:
    page.goto(address)
    problems = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('main *')]
                 .filter((element) => element.getBoundingClientRect().right > innerWidth + 1)
                 .slice(0, 3).map((element) => element.tagName + '.' + element.className)"""
        )
        problems.append(f"scrolls sideways: {width} px wide ({wide})")
    if page.evaluate(MARK_FIRST_CONTROL):
        for _ in range(200):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.matches('[data-first-control]')"):
                break
        else:
            return [*problems, "the keyboard never reaches the first form control"]
        if not page.evaluate(FOCUS_SHOWN):
            problems.append("the first form control shows no focus")
    return problems


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
def test_every_draft_page_fits_a_phone_and_shows_the_keyboard_focus(draft, sign_in) -> None:
    problems = {}
    for what, who, address in draft_pages(draft):
        page = sign_in(who)
        page.set_viewport_size(PHONE)
        found = phone_problems(page, address)
        if found:
            problems[what] = found
    assert not problems, report(problems)


@pytest.mark.browser
def test_a_delegate_states_and_changes_a_red_line_by_keyboard_alone_without_javascript(
    scene, browser, live_server
) -> None:
    from django.conf import settings
    from django.test import Client

    world = scene.adopted
    client = Client()
    client.force_login(world.delegate)
    context = browser.new_context(base_url=str(live_server.url), java_script_enabled=False, viewport=PHONE)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
          "url": str(live_server.url)}]
    )  # fmt: skip
    page = context.new_page()
    try:
        page.goto(f"/c/{world.coalition.slug}/red-lines/")

        def tab_to(selector: str) -> None:
            for _ in range(200):
                page.keyboard.press("Tab")
                if page.evaluate("(s) => document.activeElement.matches(s)", selector):
                    return
            raise AssertionError(f"Tab never reached {selector}")

        # An empty red line first: refused, the summary and the field say why.
        tab_to("form[action$='/red-lines/new/'] button[type=submit]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.title().startswith("Error: ")
        assert page.locator(".error-summary").count() == 1
        assert page.locator("textarea[name=text]").get_attribute("aria-invalid") == "true"
        assert RedLine.objects.filter(member_group=world.group, withdrawn_at__isnull=True).count() == 1

        tab_to("textarea[name=text]")
        page.keyboard.type("No new roads through the wetlands.")
        tab_to("form[action$='/red-lines/new/'] button[type=submit]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator("main").get_by_text("No new roads through the wetlands.").count() == 1
        assert RedLine.objects.filter(member_group=world.group, withdrawn_at__isnull=True).count() == 2
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()
