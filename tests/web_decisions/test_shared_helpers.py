"""One way to do each thing across the decisions pages and facilitator mode: one parser from a stance form's data to
record_stance's arguments (decision_forms.stance_arguments), one way to put a stance in words and one way to turn
an outcome's counts into rows (accord.web.decision_words), one way to load a proposal (closing an overdue round
first), and the simulator's counting done by accord.decisions.queries.simulate."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from accord.decisions import actions, queries
from accord.decisions.models import Round
from accord.governance import parse_rule
from accord.web.decision_forms import UnreadableStance, stance_arguments
from accord.web.decision_words import count_rows, stance_words, status_words
from tests.web.markup import parse

OPTIONS = ["Leeds", "York", "Hull"]


def data(prefix: str = "", **values: str | list[str]) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in values.items():
        query.setlist(prefix + name, value if isinstance(value, list) else [value])
    return query


def rule(method: str, **more: object) -> object:
    return parse_rule({"method": method, "unit": "people", **more})


# --- the stance parser ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "p12-"])
@pytest.mark.parametrize(
    ("method", "values", "expected"),
    [
        ("consensus", {"position": "block", "reason": "Unsafe"}, {"position": "block", "reason": "Unsafe"}),
        ("consensus", {"abstain": "1", "position": "agree"}, {"position": "abstain", "reason": ""}),
        ("fist_to_five", {"score": "4"}, {"score": 4, "reason": ""}),
        ("fist_to_five", {"score": "abstain"}, {"position": "abstain", "reason": ""}),
        ("approval", {"approve": ["2", "0", "2"]}, {"approve": ["Leeds", "Hull"], "reason": ""}),
        ("score", {"score_0": "3", "score_1": "0", "score_2": ""}, {"scores": {"Leeds": 3}, "reason": ""}),
        ("dots", {"dots_1": " 2 ", "dots_2": "5"}, {"dots": {"York": 2, "Hull": 5}, "reason": ""}),
        ("ranked_irv", {"ranking_0": "2", "ranking_1": "", "ranking_2": "0"}, {"ranking": ["Hull", "Leeds"], "reason": ""}),
        ("ranked_schulze", {"rank_0": "2", "rank_1": "", "rank_2": "1"}, {"ranking": ["Hull", "Leeds"], "reason": ""}),
        ("ranked_irv", {"position": "abstain", "rank_0": "1"}, {"position": "abstain", "reason": ""}),
    ],
)  # fmt: skip
def test_both_forms_fields_read_into_the_actions_arguments(prefix, method, values, expected) -> None:
    given = data(prefix, **values)
    assert stance_arguments(given, rule=rule(method), options=OPTIONS, prefix=prefix) == expected


def test_only_the_fields_with_the_units_prefix_are_read() -> None:
    given = QueryDict("g3-position=block&g3-reason=Unsafe&p12-position=agree")
    assert stance_arguments(given, rule=rule("consensus"), options=OPTIONS, prefix="p12-") == {
        "position": "agree",
        "reason": "",
    }
    with pytest.raises(UnreadableStance):
        stance_arguments(given, rule=rule("consensus"), options=OPTIONS, prefix="g4-")


@pytest.mark.parametrize(
    ("method", "values", "field", "message"),
    [
        ("fist_to_five", {"score": "²"}, "score", "Give a whole-number score from 0 to 5."),
        ("fist_to_five", {}, "score", "Choose a stance."),
        ("consensus", {}, "position", "Choose a stance."),
        ("consensus", {"position": "agree", "reason": "a\x00b"}, "reason", "Remove the invisible NUL characters"),
        ("approval", {"approve": ["3"]}, "approve", "Choose only options in the list."),
        ("approval", {"approve": ["Leeds"]}, "approve", "Choose only options in the list."),
        ("dots", {"dots_0": "٣"}, "dots_0", "Give a whole number for Leeds, or leave it empty."),
        ("ranked_irv", {"ranking_0": "7"}, "ranking_0", "Choose only options in the list."),
        ("ranked_irv", {"rank_0": "1", "rank_2": "1"}, "rank_0", "Give each ranked option a different number"),
    ],
)  # fmt: skip
def test_what_cannot_be_read_is_refused_with_the_field(method, values, field, message) -> None:
    with pytest.raises(UnreadableStance) as refused:
        stance_arguments(data(**values), rule=rule(method), options=OPTIONS)
    assert refused.value.field == field
    assert refused.value.message.startswith(message)


# --- words and rows ------------------------------------------------------------------------------------------------


def test_a_stance_in_words() -> None:
    assert stance_words("stand_aside") == "Stand aside"
    assert stance_words("", 3) == "Score 3 of 5"
    assert stance_words("", None, {"ranking": ["Leeds", "York"]}) == "Ranking: Leeds, York"
    assert stance_words("", None, {"approve": []}) == "Approves: none of the options"
    assert stance_words("", None, {"dots": {"Buses": 4}}) == "Dots: Buses 4"
    assert stance_words("agree", hidden=True) == "Recorded"
    assert stance_words(None, None, recorded=False) == "Not recorded yet"
    assert status_words("no_quorum") == "No quorum"
    assert status_words("needs_discussion") == "Needs discussion"


def test_one_stance_reads_the_same_on_every_page(demo, draft_table, client_for, open_proposal) -> None:
    actions.set_decision_kind(
        actor=demo.coordinator, coalition=demo.coalition, key="fist", name="Fist to five",
        rule={"method": "fist_to_five", "unit": "people"},
    )  # fmt: skip
    proposal = open_proposal(key="fist", actor=demo.coordinator)
    slug = demo.coalition.slug
    key = f"p{demo.member_person.pk}"
    member = client_for(demo.member)
    given = member.post(f"/c/{slug}/decisions/{proposal.pk}/stance/", {"unit": key, f"{key}-score": "4"})
    assert parse(member.get(given["Location"]).content).find(id="messages").text == (
        "Your stance is recorded: score 4 of 5."
    )
    coordinator = client_for(demo.coordinator)
    recorded = coordinator.post(
        f"/c/{slug}/decisions/{proposal.pk}/facilitate/",
        {"unit": f"p{demo.delegate_person.pk}", "score": "3"},
        headers={"HX-Request": "true"},
    )
    document = parse(recorded.content)
    assert document.find("div", hx_swap_oob="innerHTML:#facilitate-announce").text == (
        "Recorded for Priya Shah: score 3 of 5."
    )
    assert document.find("span", id=f"unit-p{demo.delegate_person.pk}-stance").text == "Score 3 of 5"
    page = parse(member.get(f"/c/{slug}/decisions/{proposal.pk}/").content)
    shown = {
        row.find("th").text: row.find("td", data_label="Stance").text
        for row in page.find("section", aria_labelledby="responses-heading").find("tbody").find_all("tr")
    }
    assert shown == {"Daniel Murphy": "Score 4 of 5", "Priya Shah": "Score 3 of 5"}
    history = parse(member.get(f"/c/{slug}/decisions/{proposal.pk}/history/?unit={key}").content)
    assert history.find("ol", class_="plain-list history").find("strong").text == "Score 4 of 5"


def test_the_proposal_page_and_the_projector_count_the_same_rows(demo, draft_table, client_for, open_proposal) -> None:
    actions.set_decision_kind(
        actor=demo.coordinator, coalition=demo.coalition, key="fist", name="Fist to five",
        rule={"method": "fist_to_five", "unit": "people"},
    )  # fmt: skip
    proposal = open_proposal(key="fist", actor=demo.coordinator)
    actions.record_stance(actor=demo.member, proposal=proposal, score=4)
    actions.record_stance(actor=demo.delegate, proposal=proposal, position="abstain")
    client = client_for(demo.member)
    page = parse(client.get(f"/c/{demo.coalition.slug}/decisions/{proposal.pk}/").content)
    table = [
        (row.find("th").text, row.find("td").text)
        for row in page.find("table", class_="counts").find("tbody").find_all("tr")
    ]
    projector = parse(client.get(f"/c/{demo.coalition.slug}/decisions/{proposal.pk}/projector/").content)
    bars = [
        (bar.find("span", class_="tally__label").text, bar.find("span", class_="tally__count").text)
        for bar in projector.find_all("li", class_="tally__bar")
    ]
    expected = [(f"Score {score}", "1" if score == 4 else "0") for score in range(6)] + [("Abstain", "1")]
    assert table == bars == expected


def test_count_rows_show_weights_only_under_weighted_rules(demo, open_proposal) -> None:
    proposal = open_proposal(key="budget_and_strategy", actor=demo.coordinator)
    round_ = Round.objects.get(proposal=proposal)
    outcome = queries.tally_round(proposal, round_)
    equal = count_rows(outcome, queries.frozen_rule(proposal), eligible=round_.eligible_count)
    assert [(row.label, row.units, row.weight) for row in equal] == [
        ("Agree", "0", None), ("Stand aside", "0", None), ("Abstain", "0", None), ("Block", "0", None),
    ]  # fmt: skip
    weighted = count_rows(
        outcome, parse_rule({"method": "consensus", "unit": "groups", "weighting": "size"}), eligible=3
    )
    assert {row.weight for row in weighted} == {"0"}


# --- loading a proposal, and the simulator ---------------------------------------------------------------------------


def test_the_history_page_closes_an_overdue_round_as_every_page_does(
    demo, client_for, open_proposal, monkeypatch
) -> None:
    proposal = open_proposal()
    later = timezone.now() + timedelta(days=8)
    monkeypatch.setattr(timezone, "now", lambda: later)
    key = f"p{demo.member_person.pk}"
    assert (
        client_for(demo.member).get(f"/c/{demo.coalition.slug}/decisions/{proposal.pk}/history/?unit={key}").status_code
        == 200
    )
    proposal.refresh_from_db()
    assert proposal.status == "no_quorum"


def test_the_simulator_counts_with_the_decisions_apps_simulate(demo, client_for, monkeypatch) -> None:
    calls = []
    real = queries.simulate

    def spy(rule_data, ballots_data):
        calls.append((rule_data, ballots_data))
        return real(rule_data, ballots_data)

    monkeypatch.setattr(queries, "simulate", spy)
    rule_data = {"method": "majority", "unit": "people"}
    ballots = {"eligible": [{"unit": "a"}, {"unit": "b"}], "stances": [{"unit": "a", "position": "agree"}]}
    response = client_for(demo.member).post(
        f"/c/{demo.coalition.slug}/decision-kinds/simulate/",
        {"rule": json.dumps(rule_data), "ballots": json.dumps(ballots)},
    )
    assert response.status_code == 200
    assert calls == [(rule_data, ballots)]
    summary = parse(response.content).find("section", id="result").find("p", class_="outcome-summary").text
    assert summary.startswith("Passed")
