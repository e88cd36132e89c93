"""What a screen reader needs from the decisions pages' forms and lists: radio buttons linked to their group's error
and marked invalid, a hint kept beside an error, an error summary on every page that refuses input, headings in
order, and page links that keep the page's other lists where they were."""

from __future__ import annotations

import re
from datetime import timedelta

from accord.decisions import actions
from accord.decisions.models import Round
from accord.web.views import decisions
from tests.web.markup import parse

from .conftest import kind


def url(demo, path: str = "") -> str:
    return f"/c/{demo.coalition.slug}/{path}"


def heading_levels(document) -> list[int]:
    return [int(element.tag[1]) for element in document.find("main").iter() if re.fullmatch(r"h[1-6]", element.tag)]


def test_position_radios_are_linked_to_the_groups_error_and_marked_invalid(demo, client_for, open_proposal) -> None:
    proposal = open_proposal()
    key = f"p{demo.member_person.pk}"
    client = client_for(demo.member)
    fresh = parse(client.get(url(demo, f"decisions/{proposal.pk}/")).content)
    radios = fresh.find("form", class_="stance-form").find_all("input", type="radio")
    assert [radio.attrs["value"] for radio in radios] == ["agree", "disagree", "abstain"]
    assert all("aria-invalid" not in radio.attrs and "aria-describedby" not in radio.attrs for radio in radios)

    response = client.post(url(demo, f"decisions/{proposal.pk}/stance/"), {"unit": key, f"{key}-reason": ""})
    assert response.status_code == 422
    document = parse(response.content)
    fieldset = document.find("form", class_="stance-form").find("fieldset")
    assert fieldset.find("legend").text == "Your stance"
    assert fieldset.find(id=f"id_{key}-position_error").text == "Error: Choose your stance."
    radios = fieldset.find_all("input", type="radio")
    assert len(radios) == 3
    for radio in radios:
        assert radio.attrs["aria-invalid"] == "true"
        assert radio.attrs["aria-describedby"] == f"id_{key}-position_error"
    summary = document.find("div", class_="error-summary")
    assert summary.find("a", href=f"#id_{key}-position_legend").text == "Choose your stance."


def test_fist_to_five_radios_are_linked_to_the_groups_error(demo, draft_table, client_for, open_proposal) -> None:
    actions.set_decision_kind(
        actor=demo.coordinator, coalition=demo.coalition, key="fist", name="Fist to five",
        rule={"method": "fist_to_five", "unit": "people"},
    )  # fmt: skip
    proposal = open_proposal(key="fist")
    key = f"p{demo.member_person.pk}"
    response = client_for(demo.member).post(url(demo, f"decisions/{proposal.pk}/stance/"), {"unit": key})
    assert response.status_code == 422
    fieldset = parse(response.content).find("form", class_="stance-form").find("fieldset")
    radios = fieldset.find_all("input", type="radio")
    assert [radio.attrs["value"] for radio in radios] == ["0", "1", "2", "3", "4", "5", "abstain"]
    assert {(radio.attrs["aria-invalid"], radio.attrs["aria-describedby"]) for radio in radios} == {
        ("true", f"id_{key}-score_error")
    }
    assert fieldset.find(id=f"id_{key}-score_error").text == "Error: Choose a score."


def test_the_stance_forms_error_summary_heading_sits_below_the_forms_heading(demo, client_for, open_proposal) -> None:
    # Counted by people, the member answers only for themself: the form sits under the section's <h2>.
    proposal = open_proposal()
    key = f"p{demo.member_person.pk}"
    response = client_for(demo.member).post(url(demo, f"decisions/{proposal.pk}/stance/"), {"unit": key})
    document = parse(response.content)
    assert document.find("div", class_="error-summary").find("h3").text == "There is a problem"
    levels = heading_levels(document)
    assert all(later <= earlier + 1 for earlier, later in zip(levels, levels[1:], strict=False)), levels

    # Counted by member groups, the delegate answers under "For Leeds Climate Action, as its delegate" (<h3>).
    groups = open_proposal(key="budget_and_strategy", actor=demo.coordinator)
    group_key = f"g{demo.delegate_group.pk}"
    response = client_for(demo.delegate).post(
        url(demo, f"decisions/{groups.pk}/stance/"), {"unit": group_key, f"{group_key}-position": "block"}
    )
    assert response.status_code == 422
    document = parse(response.content)
    unit = document.find(id=f"unit-{group_key}")
    assert unit.find("h3").text == "For Leeds Climate Action, as its delegate"
    assert unit.find("div", class_="error-summary").find("h4").text == "There is a problem"
    levels = heading_levels(document)
    assert all(later <= earlier + 1 for earlier, later in zip(levels, levels[1:], strict=False)), levels


def test_a_refused_weight_has_an_error_summary_and_keeps_the_tables_hint(demo, draft_table, client_for) -> None:
    group = demo.delegate_group
    response = client_for(demo.coordinator).post(
        url(demo, "decision-kinds/weights/"), {"member_group": group.pk, "weight": "lots"}
    )
    assert response.status_code == 422
    document = parse(response.content)
    assert document.find("title").text.startswith("Error: ")
    summary = document.find("div", class_="error-summary")
    assert "autofocus" in summary.attrs
    link = summary.find("a", href=f"#weight-{group.pk}-weight")
    weight = document.find("input", id=f"weight-{group.pk}-weight")
    assert weight.attrs["aria-describedby"] == f"weight-help weight-{group.pk}-weight_error"
    assert weight.attrs["aria-invalid"] == "true"
    assert link.text == document.find(id=f"weight-{group.pk}-weight_error").text.removeprefix("Error: ")
    # Rows without an error keep the hint alone.
    other = [element for element in document.find_all("input", name="weight") if element is not weight][0]
    assert other.attrs["aria-describedby"] == "weight-help"


def test_page_links_keep_the_other_lists_page(demo, client_for, open_proposal, monkeypatch) -> None:
    monkeypatch.setattr(decisions, "PER_PAGE", 1)
    proposal = open_proposal()
    actions.record_stance(actor=demo.member, proposal=proposal, position="agree")
    actions.record_stance(actor=demo.delegate, proposal=proposal, position="agree")
    assert Round.objects.get(proposal=proposal).eligible_count > 3
    document = parse(client_for(demo.member).get(url(demo, f"decisions/{proposal.pk}/?waiting=3")).content)
    responded = document.find("nav", aria_label="Pages of those who responded")
    assert responded.find("a", rel="next").attrs["href"] == "?waiting=3&responded=2"
    waiting = document.find("nav", aria_label="Pages of those who have not responded")
    assert waiting.find("a", rel="next").attrs["href"] == "?waiting=4"
    assert waiting.find("a", rel="prev").attrs["href"] == "?waiting=2"

    for title in ("Closed one", "Closed two"):
        closed = open_proposal(title=title)
        round_ = Round.objects.get(proposal=closed)
        actions.close_round_if_due(round_id=round_.pk, now=round_.closes_at + timedelta(seconds=1))
    open_proposal(title="Another open one")
    listing = parse(client_for(demo.member).get(url(demo, "decisions/?page=2&open_page=1")).content)
    hrefs = [
        link.attrs["href"]
        for nav in listing.find_all("nav", aria_label="Pages of proposals")
        for link in nav.find_all("a")
    ]
    assert "?page=2&open_page=2" in hrefs  # the open list's next page keeps the closed list on page 2
    assert "?page=1&open_page=1" in hrefs  # the closed list's previous page keeps the open list's page


def test_a_widget_without_ids_of_its_own_is_described_by_its_hint_alone(demo, client_for) -> None:
    response = client_for(demo.member).get(url(demo, f"decisions/new/?kind={kind(demo, 'admit_member').pk}"))
    document = parse(response.content)
    closes = document.find("input", name="closes_at")
    assert closes.attrs["aria-describedby"] == "id_closes_at_help"
