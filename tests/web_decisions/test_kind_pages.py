"""The decision-kind table and its rule editor, agreed weights and the rule simulator, through the test client."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from accord.coalitions import actions as coalition_actions
from accord.coalitions.models import AuditEvent
from accord.decisions import actions
from accord.decisions.models import AgreedWeight, DecisionKind, Round
from accord.governance import parse_rule, rule_to_json
from tests.web.markup import labelled_inputs_problems, parse

from .conftest import kind


def url(demo, path: str = "") -> str:
    return f"/c/{demo.coalition.slug}/{path}"


def field_error(document, field_id: str) -> str:
    return document.find(id=f"{field_id}_error").text.removeprefix("Error: ")


def table() -> tuple:
    return (
        tuple(DecisionKind.objects.order_by("pk").values_list("pk", "key", "name", "rule", "scope", "updated_at")),
        tuple(AgreedWeight.objects.order_by("pk").values_list("member_group_id", "weight")),
        AuditEvent.objects.count(),
    )


# --- the table -------------------------------------------------------------------------------------------------


def test_every_member_reads_each_kind_with_its_rule_in_plain_words(demo, client_for) -> None:
    document = parse(client_for(demo.member).get(url(demo, "decision-kinds/")).content)
    item = document.find(id=f"kind-{kind(demo, 'name_and_shared_accounts').pk}")
    assert item.find("h2").text == "The coalition's name and shared accounts"
    assert "Renaming the coalition or changing who holds its bank and social-media accounts." in item.text
    rule = item.find("dl").find_all("dd")[1].text
    assert rule.startswith("Super-majority of member groups")
    assert "90%" in rule
    assert json.loads(item.find("pre").text)["threshold"] == "9/10"
    assert "Change" not in [link.text for link in item.find_all("a")]  # members read; coordinators change
    assert "Proposals already open keep" not in document.text  # said on the editor, where it matters


def test_a_coordinator_changes_a_kind_from_the_fields_and_open_proposals_keep_their_rule(
    demo, draft_table, client_for, open_proposal
) -> None:
    target = kind(demo, "name_and_shared_accounts")
    proposal = open_proposal(key="name_and_shared_accounts", actor=demo.coordinator)
    client = client_for(demo.coordinator)
    path = url(demo, f"decision-kinds/{target.pk}/edit/")
    form = parse(client.get(path).content)
    assert "Proposals already open keep their rule." in form.find("main").text
    assert labelled_inputs_problems(form) == []
    assert form.find("input", name="threshold").attrs["value"] == "9/10"
    assert "checked" not in form.find("input", name="use_json").attrs  # the fields can show this rule
    data = {
        "name": target.name,
        "description": target.description,
        "scope": "coalition",
        "method": "supermajority",
        "unit": "groups",
        "weighting": "equal",
        "base": "decided",
        "threshold": "3/4",
        "quorum": "2/3",
        "quorum_by": "count",
        "blocks": "none",
        "rule_json": "",
    }
    response = client.post(path, data)
    assert response.status_code == 302
    target.refresh_from_db()
    assert parse_rule(target.rule).threshold == parse_rule({"method": "supermajority", "threshold": "3/4"}).threshold
    proposal.refresh_from_db()
    assert proposal.rule["threshold"] == "9/10"


def test_a_nested_rule_error_is_shown_with_its_path_and_nothing_changes(demo, draft_table, client_for) -> None:
    target = kind(demo, "amend_constitution")
    client = client_for(demo.coordinator)
    path = url(demo, f"decision-kinds/{target.pk}/edit/")
    form = parse(client.get(path).content)
    assert form.find("input", name="fallback_threshold").attrs["value"] == "9/10"
    before = table()
    rule = {
        "method": "consensus",
        "unit": "groups",
        "fallback": {"after_failed_rounds": 3, "rule": {"method": "supermajority", "threshold": "1/3"}},
    }
    as_json = {"name": target.name, "scope": "coalition", "use_json": "on", "rule_json": json.dumps(rule),
               "method": "consensus", "unit": "groups", "weighting": "equal", "base": "decided", "blocks": "none",
               "quorum_by": "count"}  # fmt: skip
    response = client.post(path, as_json)
    assert response.status_code == 422
    message = field_error(parse(response.content), "id_rule_json")
    assert message.startswith("A super-majority threshold must be more than one half")
    assert message.endswith("(at rule.fallback.rule.threshold)")
    # The same mistake made in the fields is shown beside the fallback threshold.
    fields = {**as_json, "use_json": "", "fallback_after": "3", "fallback_method": "supermajority",
              "fallback_threshold": "1/3", "blocks": "per_units", "blocks_per_units": "12"}  # fmt: skip
    response = client.post(path, fields)
    assert response.status_code == 422
    assert field_error(parse(response.content), "id_fallback_threshold").startswith("A super-majority threshold")
    # JSON that does not parse says where.
    broken = client.post(path, {**as_json, "rule_json": '{"method": "consensus",'})
    assert field_error(parse(broken.content), "id_rule_json").startswith("This is not valid JSON:")
    assert table() == before


def test_a_coordinator_adds_a_kind_as_json(demo, draft_table, client_for) -> None:
    rule = {"method": "fist_to_five", "unit": "people", "fist_to_five": {"block_at_or_below": 0}}
    response = client_for(demo.coordinator).post(
        url(demo, "decision-kinds/new/"),
        {"name": "Working-group business", "key": "", "scope": "coalition", "use_json": "on",
         "rule_json": json.dumps(rule), "method": "consensus", "unit": "people", "weighting": "equal",
         "base": "decided", "blocks": "none", "quorum_by": "count"},
    )  # fmt: skip
    assert response.status_code == 302
    added = DecisionKind.objects.get(coalition=demo.coalition, key="working_group_business")
    assert added.rule == rule_to_json(parse_rule(rule))


def test_only_coordinators_change_the_table(demo, draft_table, client_for) -> None:
    target = kind(demo, "meeting_conduct")
    before = table()
    for user in (demo.member, demo.delegate):
        client = client_for(user)
        assert client.get(url(demo, "decision-kinds/new/")).status_code == 403
        refused = client.post(url(demo, f"decision-kinds/{target.pk}/edit/"), {"name": "Taken over"})
        assert refused.status_code == 403
        assert parse(refused.content).find("p", class_="refusal").text == (
            "Only a coordinator of this coalition can change the decision kinds."
        )
        assert client.post(url(demo, "decision-kinds/"), {}).status_code == 403
    assert table() == before


def test_an_empty_table_offers_coordinators_the_default_one(db, demo, client_for) -> None:
    coalition = coalition_actions.create_coalition(actor=demo.coordinator, name="Bare", purpose="No kinds yet")
    path = f"/c/{coalition.slug}/decision-kinds/"
    client = client_for(demo.coordinator)
    page = parse(client.get(path).content)
    assert page.find("main").find("form").find("button").text == "Adopt the default table"
    response = client.post(path, {})
    assert response.status_code == 302
    assert DecisionKind.objects.filter(coalition=coalition).count() == 8
    again = client.post(path, {})
    assert "already has decision kinds" in parse(client.get(again["Location"]).content).find(id="messages").text


# --- agreed weights -----------------------------------------------------------------------------------------------


def test_coordinators_set_agreed_weights_and_members_read_them(demo, draft_table, client_for) -> None:
    client = client_for(demo.coordinator)
    path = url(demo, "decision-kinds/weights/")
    group = demo.delegate_group
    response = client.post(path, {"member_group": group.pk, "weight": "3/2"})
    assert response.status_code == 302
    assert AgreedWeight.objects.get(member_group=group).weight == "3/2"
    bad = client.post(path, {"member_group": group.pk, "weight": "lots"})
    assert bad.status_code == 422
    assert field_error(parse(bad.content), f"weight-{group.pk}-weight")
    assert AgreedWeight.objects.get(member_group=group).weight == "3/2"

    member_page = parse(client_for(demo.member).get(path).content)
    row = member_page.find(id=f"group-{group.pk}")
    assert row.find("td", data_label="Agreed weight").text == "3/2"
    assert not member_page.find_all("form", class_="inline-field-form")
    before = table()
    assert client_for(demo.member).post(path, {"member_group": group.pk, "weight": "9"}).status_code == 403
    assert table() == before


# --- the rule simulator --------------------------------------------------------------------------------------------


def test_the_simulator_counts_example_ballots_under_a_rule(demo, client_for) -> None:
    client = client_for(demo.member)
    start = parse(client.get(url(demo, f"decision-kinds/simulate/?kind={kind(demo, 'admit_member').pk}")).content)
    assert "try a rule on hypothetical or past ballots before adopting it" in start.find("main").text.lower()
    assert json.loads(start.find("textarea", name="rule").text)["blocks_allowed"] == 1
    ballots = json.loads(start.find("textarea", name="ballots").text)
    response = client.post(
        url(demo, "decision-kinds/simulate/"),
        {"rule": json.dumps({"method": "consensus", "unit": "groups"}), "ballots": json.dumps(ballots)},
    )
    assert response.status_code == 200
    result = parse(response.content).find("section", id="result")
    assert result.find("p", class_="outcome-summary").text.startswith("Blocked: 1 block")
    blocks = [row for row in result.find("tbody").find_all("tr") if row.find("th").text == "Blocks"][0]
    assert blocks.find("td", data_label="Met?").text == "✗ Not met"


@pytest.mark.parametrize(
    ("rule", "ballots", "field", "message"),
    [
        ({"method": "vote"}, None, "id_rule", "(at rule.method)"),
        ({"method": "majority"}, {"eligible": [{"unit": "a"}], "stances": [{"unit": "a", "position": "block"}]},
         "id_ballots", "(at ballots.stances[0].position)"),
    ],
)  # fmt: skip
def test_the_simulator_says_where_the_mistake_is(demo, client_for, rule, ballots, field, message) -> None:
    data = {"rule": json.dumps(rule), "ballots": json.dumps(ballots or {"eligible": [{"unit": "a"}]})}
    response = client_for(demo.member).post(url(demo, "decision-kinds/simulate/"), data)
    assert response.status_code == 422
    assert field_error(parse(response.content), field).endswith(message)


def test_the_simulator_replays_a_past_proposal_anonymised(demo, client_for, open_proposal) -> None:
    proposal = open_proposal(title="Past one")
    actions.record_stance(actor=demo.member, proposal=proposal, position="agree")
    actions.record_stance(actor=demo.delegate, proposal=proposal, position="disagree", reason="Not Tuesdays")
    round_ = Round.objects.get(proposal=proposal)
    actions.close_round_if_due(round_id=round_.pk, now=round_.closes_at + timedelta(seconds=1))
    secret = open_proposal(title="Secret one", stance_visibility="secret")
    secret_round = Round.objects.get(proposal=secret)
    actions.close_round_if_due(round_id=secret_round.pk, now=secret_round.closes_at + timedelta(seconds=1))
    client = client_for(demo.member)
    options = parse(client.get(url(demo, "decision-kinds/simulate/")).content).find("select", name="proposal")
    listed = [option.text for option in options.find_all("option")]
    assert "Past one (No quorum)" in listed and not any(text.startswith("Secret one") for text in listed)
    rule = {"method": "majority", "unit": "people"}  # the same ballots without the quorum
    response = client.post(url(demo, "decision-kinds/simulate/"), {"rule": json.dumps(rule), "proposal": proposal.pk})
    result = parse(response.content).find("section", id="result")
    assert "Counting the ballots of “Past one”, round 1:" in result.text
    assert result.find("p", class_="outcome-summary").text.startswith("Rejected: 1 of 2 decided people agrees (50%")
    assert "Daniel Murphy" not in result.text


def test_ballots_for_simulation_are_anonymised_and_never_secret(demo, open_proposal) -> None:
    from accord.decisions import queries
    from accord.errors import Conflict, NotAllowed

    proposal = open_proposal(key="budget_and_strategy", actor=demo.coordinator)
    actions.record_stance(actor=demo.delegate, proposal=proposal, position="block", reason="Leeds says no")
    round_ = Round.objects.get(proposal=proposal)
    with pytest.raises(Conflict):
        queries.ballots_for_simulation(demo.member, proposal, round_)
    actions.close_round_if_due(round_id=round_.pk, now=round_.closes_at + timedelta(seconds=1))
    round_.refresh_from_db()
    ballots = queries.ballots_for_simulation(demo.member, proposal, round_)
    assert [unit["unit"] for unit in ballots["eligible"]] == [f"u{n}" for n in range(1, round_.eligible_count + 1)]
    assert ballots["eligible"][0]["size"] >= 1 and "weight" not in ballots["eligible"][0]
    assert ballots["failed_rounds"] == 0 and ballots["options"] == []
    (stance,) = ballots["stances"]
    assert stance["position"] == "block" and stance["reason"] == "(a reason was given)"
    assert stance["unit"].startswith("u")
    assert "Leeds" not in json.dumps(ballots)
    secret = open_proposal(title="Secret", stance_visibility="secret")
    with pytest.raises(NotAllowed):
        queries.ballots_for_simulation(demo.member, secret, Round.objects.get(proposal=secret))
