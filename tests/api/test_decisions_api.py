"""The decisions API: the table of decision kinds, agreed weights, proposals, rounds, stances, outcomes and the rule
simulator. Happy paths with exact answers; bad input field by field (status, field, message, and nothing changed);
tenancy; the OpenAPI document. Who may call what is in test_decisions_authorization.py.

The demo coalition has the default decision kinds, 57 current people (4 of them individual members) and 20
current member groups. Durham Climate Students are in their induction period, so a proposal opened now counts 19
member groups and 55 people (Durham's two people wait too). The member (Daniel Murphy) and the delegate (Priya Shah)
are in Leeds Climate Action, whose delegates are Priya Shah and Joseph Kamara. Its proposals are set aside for these
tests (`no_demo_proposals`), so that every count is the test's own; test_decisions_demo.py reads them through the API.

The demo adopted its constitution by a founding decision, so its decision kinds and agreed weights change only by
amendment: the endpoints that change them answer 409 there (tested below). Tests of what those endpoints do when
they may act ask for `draft_constitution`: the demo as it stood before its founding decision passed.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.test import override_settings
from django.utils import timezone

from accord.coalitions.models import AuditEvent, Coalition, MemberGroup, Person
from accord.decisions import actions
from accord.decisions.models import AgreedWeight, DecisionKind, EligibleUnit, Proposal, Round, Stance
from accord.demo import Demo
from accord.governance import describe_rule, parse_rule

from .conftest import assert_error, snapshot

PEOPLE = 57  # current members, Durham's two people among them
GROUPS = 20  # current member groups, Durham among them
COUNTED_PEOPLE = 55  # eligible in a proposal opened now: not those in their induction period
COUNTED_GROUPS = 19
ADOPTED_KINDS = "The decision kinds are part of the constitution the coalition adopted on {:%d %B %Y}: propose an amendment to change it."
ADOPTED_WEIGHTS = "Agreed weights are part of the constitution the coalition adopted on {:%d %B %Y}: propose an amendment to change it."


@pytest.fixture(autouse=True)
def no_demo_proposals(request: pytest.FixtureRequest) -> None:
    """The demo without its proposals, for tests that use the demo (rolled back with the test, like all it does)."""
    if "demo" in request.fixturenames:
        coalition = request.getfixturevalue("demo").coalition
        # Children first, so that each is one DELETE rather than Django collecting every row to cascade.
        Stance.objects.filter(round__proposal__coalition=coalition).delete()
        EligibleUnit.objects.filter(round__proposal__coalition=coalition).delete()
        Round.objects.filter(proposal__coalition=coalition).delete()
        Proposal.scope_groups.through.objects.filter(proposal__coalition=coalition).delete()
        Proposal.facilitators.through.objects.filter(proposal__coalition=coalition).delete()
        Proposal.objects.filter(coalition=coalition).delete()


@pytest.fixture
def draft_constitution(demo: Demo) -> None:
    """The demo as it stood before its founding decision passed: decision kinds and weights may still change."""
    as_draft(demo)


# --- helpers (also used by test_decisions_authorization.py) -----------------------------------------------------


def as_draft(demo: Demo) -> None:
    """Put the demo's constitution back to a draft (rolled back with the test), so that the coordinator may change
    decision kinds and agreed weights directly, as before a founding decision."""
    Coalition.objects.filter(pk=demo.coalition.pk).update(constitution_adopted_at=None)
    demo.coalition.constitution_adopted_at = None


def base(demo: Demo) -> str:
    return f"/coalitions/{demo.coalition.slug}"


def kind(demo: Demo, key: str) -> DecisionKind:
    return DecisionKind.objects.get(coalition=demo.coalition, key=key)


def later(**delta: float) -> datetime:
    return timezone.now() + timedelta(**delta)


def iso(moment: datetime) -> str:
    """A time as the API writes it."""
    return DjangoJSONEncoder().default(moment)


def key_of(row: Person | MemberGroup) -> str:
    return f"{'p' if isinstance(row, Person) else 'g'}{row.pk}"


def open_proposal(
    demo: Demo, key: str = "meeting_conduct", *, by: Any = None, title: str = "Meet on Tuesdays", **options: Any
) -> Proposal:
    """A proposal opened through the action, by the member unless `by` says otherwise, closing in three days."""
    options.setdefault("closes_at", later(days=3))
    options.setdefault("text", "We meet on Tuesdays from now on.")
    return actions.open_proposal(
        actor=by or demo.member, coalition=demo.coalition, kind=kind(demo, key), title=title, **options
    )


def respond(proposal: Proposal, user: Any, **stance: Any) -> Stance:
    return actions.record_stance(actor=user, proposal=proposal, **stance)


def current_round(proposal: Proposal) -> Round:
    proposal.refresh_from_db()
    return Round.objects.get(proposal=proposal, number=proposal.round_number)


def close(proposal: Proposal) -> Round:
    """Close the current round as the worker would at its deadline."""
    round_ = current_round(proposal)
    actions.close_round_if_due(round_id=round_.pk, now=round_.closes_at + timedelta(seconds=1))
    proposal.refresh_from_db()
    round_.refresh_from_db()
    return round_


def blocked_proposal(demo: Demo) -> Proposal:
    """A strict consensus of member groups (no block allowed, no quorum), blocked in its first round by Leeds. The kind
    is added while the constitution is a draft."""
    as_draft(demo)
    actions.set_decision_kind(
        actor=demo.coordinator,
        coalition=demo.coalition,
        key="strict_consensus",
        name="Strict consensus",
        rule={"method": "consensus", "unit": "groups"},
    )
    proposal = open_proposal(demo, "strict_consensus", title="Add a safeguarding policy")
    respond(proposal, demo.delegate, position="block", reason="Not before the groups have read it.")
    close(proposal)
    assert proposal.status == "blocked"
    return proposal


def proposal_body(demo: Demo, **changes: Any) -> dict[str, Any]:
    """A body for POST .../proposals: the member's meeting-conduct proposal, closing in three days."""
    return {
        "kind": kind(demo, "meeting_conduct").pk,
        "title": "Meet on Tuesdays",
        "text": "We meet on Tuesdays from now on.",
        "closes_at": iso(later(days=3)),
        **changes,
    }


# --- decision kinds --------------------------------------------------------------------------------------------


def kind_json(row: DecisionKind) -> dict[str, Any]:
    return {
        "id": row.pk,
        "key": row.key,
        "name": row.name,
        "description": row.description,
        "rule": row.rule,
        "rule_text": describe_rule(parse_rule(row.rule)),
        "scope": row.scope,
        "position": row.position,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
    }


def test_members_read_the_table_of_decision_kinds_in_its_order(api, demo):
    response = api(demo.member).get(f"{base(demo)}/decision-kinds")

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["page_size"]) == (8, 1, 50)
    assert [item["key"] for item in body["items"]] == [
        "amend_constitution",
        "admit_member",
        "ask_member_to_leave",
        "name_and_shared_accounts",
        "budget_and_strategy",
        "meeting_conduct",
        "affected_groups",
        "choose_between_options",
    ]
    assert body["items"][0] == kind_json(kind(demo, "amend_constitution"))
    assert body["items"][0]["rule"] == {
        "method": "consensus",
        "unit": "groups",
        "weighting": "equal",
        "quorum": "1/2",
        "quorum_by": "count",
        "blocks_per_units": 12,
        "fallback": {
            "after_failed_rounds": 3,
            "rule": {
                "method": "supermajority",
                "unit": "groups",
                "weighting": "equal",
                "base": "decided",
                "threshold": "9/10",
            },
        },
    }


def test_a_decision_kind_is_read_by_id(api, demo):
    row = kind(demo, "choose_between_options")
    response = api(demo.delegate).get(f"{base(demo)}/decision-kinds/{row.pk}")

    assert response.status_code == 200
    assert response.json() == kind_json(row)
    assert response.json()["rule"] == {"method": "ranked_irv", "unit": "people", "weighting": "equal"}


def test_a_coordinator_adds_a_decision_kind_and_its_rule_is_stored_in_canonical_form(api, demo, draft_constitution):
    response = api(demo.coordinator).post(
        f"{base(demo)}/decision-kinds",
        {
            "name": "Working-group budgets",
            "description": "Spending from a working group's budget.",
            "rule": {"method": "supermajority", "threshold": "75%", "unit": "groups", "weighting": "size"},
            "scope": "affected_groups",
        },
    )

    assert response.status_code == 201, response.content
    row = DecisionKind.objects.get(coalition=demo.coalition, key="working_group_budgets")
    assert row.rule == {
        "method": "supermajority",
        "unit": "groups",
        "weighting": "size",
        "base": "decided",
        "threshold": "3/4",
    }
    assert (row.name, row.scope, row.position) == ("Working-group budgets", "affected_groups", 8)
    assert response.json() == kind_json(row)
    event = AuditEvent.objects.order_by("-pk").first()
    assert (event.verb, event.data) == ("decision_kind.added", {"rule": row.rule, "scope": "affected_groups"})


def test_changing_a_kinds_rule_leaves_the_rule_frozen_on_an_open_proposal(api, demo, draft_constitution):
    proposal = open_proposal(demo)  # meeting conduct: a simple majority of people, quorum 1/4
    row = kind(demo, "meeting_conduct")

    response = api(demo.coordinator).put(
        f"{base(demo)}/decision-kinds/{row.pk}",
        {"name": "Meeting conduct", "rule": {"method": "consensus", "blocks_allowed": 1}, "scope": "coalition"},
    )

    assert response.status_code == 200, response.content
    row.refresh_from_db()
    assert row.rule == {"method": "consensus", "unit": "people", "weighting": "equal", "blocks_allowed": 1}
    assert row.description == ""  # PUT replaces: a description left out is emptied
    assert response.json() == kind_json(row)
    frozen = api(demo.member).get(f"{base(demo)}/proposals/{proposal.pk}").json()
    assert frozen["rule"] == {
        "method": "majority",
        "unit": "people",
        "weighting": "equal",
        "base": "decided",
        "quorum": "1/4",
        "quorum_by": "count",
    }
    assert (AuditEvent.objects.order_by("-pk").first().verb) == "decision_kind.changed"


def test_a_rule_read_from_the_api_can_be_sent_back_unchanged(api, demo, draft_constitution):
    caller = api(demo.coordinator)
    for row in DecisionKind.objects.filter(coalition=demo.coalition):
        read = caller.get(f"{base(demo)}/decision-kinds/{row.pk}").json()
        response = caller.put(
            f"{base(demo)}/decision-kinds/{row.pk}",
            {key: read[key] for key in ("name", "description", "rule", "scope")},
        )
        assert response.status_code == 200, (row.key, response.content)
        assert response.json() == read  # nothing changed, not even the time of the change


BAD_RULES = [
    pytest.param(
        "majority",
        "rule",
        'Give the rule as a JSON object, like {"method": "majority"}.',
        id="not-an-object",
    ),
    pytest.param(
        {"method": "vote"},
        "rule.method",
        'Unknown method \'vote\': use one of "majority", "supermajority", "consensus", "fist_to_five", "approval", '
        '"score", "dots", "ranked_irv", "ranked_schulze".',
        id="unknown-method",
    ),
    pytest.param(
        {"method": "consensus", "base": "cast"},
        "rule.base",
        '"base" does not apply to the consensus method; remove it.',
        id="key-of-another-method",
    ),
    pytest.param(
        {"method": "supermajority", "threshold": [2, 3]},
        "rule.threshold",
        'Give the threshold as a fraction like "2/3", a decimal like "0.9" or a percentage like "90%".',
        id="threshold-not-a-number",
    ),
    pytest.param(
        {
            "method": "consensus",
            "fallback": {"after_failed_rounds": 3, "rule": {"method": "supermajority", "threshold": "2/5"}},
        },
        "rule.fallback.rule.threshold",
        "A super-majority threshold must be more than one half and at most 1 (it is 40%); for one half use the "
        "majority method.",
        id="nested-threshold",
    ),
    pytest.param(
        {
            "method": "consensus",
            "fallback": {
                "after_failed_rounds": 3,
                "rule": {"method": "supermajority", "threshold": "9/10", "colour": 1},
            },
        },
        "rule.fallback.rule.colour",
        'Unknown field "colour"; the supermajority method takes "base", "blocks_allowed", "blocks_per_units", '
        '"fallback", "method", "quorum", "quorum_by", "threshold", "unit", "weighting".',
        id="nested-unknown-key",
    ),
    pytest.param(
        {"method": "consensus", "fallback": {"after": 3, "rule": {"method": "majority"}}},
        "rule.fallback.after",
        'Unknown field "after"; a fallback takes "after_failed_rounds" and "rule".',
        id="unknown-key-in-fallback",
    ),
    pytest.param(
        {"method": "fist_to_five", "fist_to_five": {"block_at_or_below": 0, "shade": 2}},
        "rule.fist_to_five.shade",
        'Unknown field "shade"; fist-to-five takes "block_at_or_below", "concern_at_or_below", "max_concerns".',
        id="unknown-key-in-fist-to-five",
    ),
    pytest.param(
        {"method": "consensus", "blocks_allowed": True},
        "rule.blocks_allowed",
        "Give the number of blocks allowed as a whole number.",
        id="blocks-as-a-flag",
    ),
    pytest.param(
        {"method": "majority", "fallback": {"after_failed_rounds": 2, "rule": {"method": "approval"}}},
        "rule.fallback.rule.method",
        "The fallback must also accept or refuse one proposal, since the ballots of a round are the same kind.",
        id="fallback-of-another-kind",
    ),
]


@pytest.mark.parametrize(("rule", "field", "message"), BAD_RULES)
def test_a_bad_rule_in_a_kinds_put_is_refused_with_the_engines_path_and_message(
    api, demo, draft_constitution, rule, field, message
):
    row = kind(demo, "meeting_conduct")
    caller = api(demo.coordinator)
    before = snapshot()

    response = caller.put(
        f"{base(demo)}/decision-kinds/{row.pk}", {"name": "Meeting conduct", "rule": rule, "scope": "coalition"}
    )

    body = assert_error(response, 422, "invalid", field)
    assert body["message"] == message
    assert snapshot() == before


@pytest.mark.parametrize(("rule", "field", "message"), BAD_RULES[:3])
def test_a_bad_rule_in_a_new_kind_is_refused_the_same_way(api, demo, draft_constitution, rule, field, message):
    caller = api(demo.coordinator)
    before = snapshot()

    response = caller.post(f"{base(demo)}/decision-kinds", {"name": "Budgets", "rule": rule})

    assert assert_error(response, 422, "invalid", field)["message"] == message
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"name": "Budgets"}, "rule", "This field is required: give rule."),
        ({"rule": {"method": "majority"}}, "name", "This field is required: give name."),
        ({"name": "  ", "rule": {"method": "majority"}}, "name", "Enter a name."),
        (
            {"name": "Budgets", "rule": {"method": "majority"}, "scope": "everyone"},
            "scope",
            "Choose one of 'coalition' or 'affected_groups'.",
        ),
        (
            {"name": "Meeting conduct", "rule": {"method": "majority"}},
            "key",
            "There is already a decision kind with the key 'meeting_conduct'; choose another.",
        ),
        (
            {"name": "Budgets", "rule": {"method": "majority"}, "colour": "red"},
            "colour",
            "Remove colour: this request does not take it.",
        ),
        (
            {"name": "Budgets", "rule": {"method": "majority"}, "description": "x" * 2001},
            "description",
            "Shorten the description to 2000 characters or fewer (it has 2001).",
        ),
    ],
    ids=["no-rule", "no-name", "blank-name", "unknown-scope", "duplicate-key", "unknown-field", "long-description"],
)
def test_bad_input_for_a_new_kind(api, demo, draft_constitution, body, field, message):
    caller = api(demo.coordinator)
    before = snapshot()

    response = caller.post(f"{base(demo)}/decision-kinds", body)

    assert assert_error(response, 422, "invalid", field)["message"] == message
    assert snapshot() == before


def test_adopting_the_defaults_when_the_table_has_kinds_is_a_conflict(api, demo, draft_constitution):
    caller = api(demo.coordinator)
    before = snapshot()

    response = caller.post(f"{base(demo)}/decision-kinds/adopt-defaults")

    body = assert_error(response, 409, "conflict")
    assert body["message"] == "This coalition already has decision kinds; change them one by one."
    assert snapshot() == before


def test_adopting_the_defaults_once_the_constitution_is_adopted_is_a_conflict(api, demo):
    DecisionKind.objects.filter(coalition=demo.coalition).delete()
    caller = api(demo.coordinator)
    before = snapshot()

    response = caller.post(f"{base(demo)}/decision-kinds/adopt-defaults")

    body = assert_error(response, 409, "conflict")
    assert body["message"].startswith("The decision kinds are part of the constitution the coalition adopted on ")
    assert body["message"].endswith(": propose an amendment to change it.")
    assert snapshot() == before


def test_a_coalition_with_no_kinds_adopts_the_defaults(api, demo, draft_constitution):
    DecisionKind.objects.filter(coalition=demo.coalition).delete()

    response = api(demo.coordinator).post(f"{base(demo)}/decision-kinds/adopt-defaults")

    assert response.status_code == 201, response.content
    rows = list(DecisionKind.objects.filter(coalition=demo.coalition).order_by("position"))
    assert len(rows) == 8
    assert response.json() == [kind_json(row) for row in rows]
    assert AuditEvent.objects.order_by("-pk").first().verb == "decision_kind.adopted_defaults"


def test_once_the_constitution_is_adopted_the_decision_kinds_change_only_by_amendment(api, demo):
    caller = api(demo.coordinator)
    row = kind(demo, "meeting_conduct")
    message = ADOPTED_KINDS.format(demo.coalition.constitution_adopted_at)
    before = snapshot()

    added = caller.post(
        f"{base(demo)}/decision-kinds", {"name": "Working-group budgets", "rule": {"method": "majority"}}
    )
    changed = caller.put(
        f"{base(demo)}/decision-kinds/{row.pk}",
        {"name": "Meeting conduct", "rule": {"method": "consensus"}, "scope": "coalition"},
    )

    assert assert_error(added, 409, "conflict")["message"] == message
    assert assert_error(changed, 409, "conflict")["message"] == message
    assert snapshot() == before
    assert not DecisionKind.objects.filter(coalition=demo.coalition, key="working_group_budgets").exists()


# --- agreed weights --------------------------------------------------------------------------------------------


def test_agreed_weights_list_every_current_group_with_its_weight(api, demo, draft_constitution):
    actions.set_agreed_weight(actor=demo.coordinator, member_group=demo.big_group, weight="5/2")

    response = api(demo.member).get(f"{base(demo)}/agreed-weights", {"page_size": 200})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == GROUPS
    weights = {item["member_group"]["name"]: (item["weight"], item["is_agreed"]) for item in body["items"]}
    assert weights["Manchester Climate Network"] == ("5/2", True)
    assert weights["Leeds Climate Action"] == ("1", False)
    assert sum(agreed for _, agreed in weights.values()) == 1
    assert body["items"][0]["member_group"] == {
        "id": MemberGroup.objects.get(name="Bolton Climate Choir").pk,
        "name": "Bolton Climate Choir",
        "label": "Bolton Climate Choir",
        "is_active": True,
    }


@pytest.mark.parametrize(
    ("weight", "stored"), [("1.5", "3/2"), (2, "2"), (0.25, "1/4"), ("2/3", "2/3"), ("150%", "3/2")]
)
def test_a_coordinator_sets_an_agreed_weight_exactly(api, demo, draft_constitution, weight, stored):
    response = api(demo.coordinator).put(f"{base(demo)}/agreed-weights/{demo.delegate_group.pk}", {"weight": weight})

    assert response.status_code == 200, response.content
    assert response.json() == {
        "member_group": {
            "id": demo.delegate_group.pk,
            "name": "Leeds Climate Action",
            "label": "Leeds Climate Action",
            "is_active": True,
        },
        "weight": stored,
        "is_agreed": True,
    }
    assert AgreedWeight.objects.get(member_group=demo.delegate_group).weight == stored


@pytest.mark.parametrize("weight", [None, ""])
def test_an_empty_weight_returns_the_group_to_one(api, demo, draft_constitution, weight):
    actions.set_agreed_weight(actor=demo.coordinator, member_group=demo.delegate_group, weight="3")

    response = api(demo.coordinator).put(f"{base(demo)}/agreed-weights/{demo.delegate_group.pk}", {"weight": weight})

    assert response.status_code == 200
    assert (response.json()["weight"], response.json()["is_agreed"]) == ("1", False)
    assert not AgreedWeight.objects.filter(member_group=demo.delegate_group).exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"weight": "heavy"},
            'Give the weight as a fraction like "2/3", a decimal like "0.9" or a percentage like "90%".',
        ),
        ({"weight": True}, 'Give the weight as a fraction like "2/3" or a decimal like "0.9", not true or false.'),
        ({"weight": 0}, "A weight must be more than 0."),
        ({"weight": "1000001"}, "A weight must be at most 1,000,000."),
        ({}, "This field is required: give weight."),
    ],
    ids=["text", "flag", "zero", "too-big", "missing"],
)
def test_bad_weights_are_refused(api, demo, draft_constitution, body, message):
    caller = api(demo.coordinator)
    before = snapshot()

    response = caller.put(f"{base(demo)}/agreed-weights/{demo.delegate_group.pk}", body)

    assert assert_error(response, 422, "invalid", "weight")["message"] == message
    assert snapshot() == before


def test_once_the_constitution_is_adopted_agreed_weights_change_only_by_amendment(api, demo):
    caller = api(demo.coordinator)
    before = snapshot()

    response = caller.put(f"{base(demo)}/agreed-weights/{demo.delegate_group.pk}", {"weight": "2"})

    body = assert_error(response, 409, "conflict")
    assert body["message"] == ADOPTED_WEIGHTS.format(demo.coalition.constitution_adopted_at)
    assert snapshot() == before
    assert not AgreedWeight.objects.filter(member_group=demo.delegate_group).exists()


# --- proposals -------------------------------------------------------------------------------------------------


def test_a_member_puts_a_proposal_to_decision(api, demo):
    closes = later(days=3)

    response = api(demo.member).post(
        f"{base(demo)}/proposals", proposal_body(demo, closes_at=iso(closes), results_visibility="after_close")
    )

    assert response.status_code == 201, response.content
    proposal = Proposal.objects.get(title="Meet on Tuesdays")
    round_ = current_round(proposal)
    body = response.json()
    assert body == {
        "id": proposal.pk,
        "title": "Meet on Tuesdays",
        "kind": {"id": kind(demo, "meeting_conduct").pk, "key": "meeting_conduct", "name": "Meeting conduct"},
        "kind_name": "Meeting conduct",
        "author_name": "Daniel Murphy",
        "status": "open",
        "withdrawn_reason": "",
        "effect": "",
        "effect_note": "",
        "created_at": iso(proposal.created_at),
        "options": [],
        "scope_groups": [],
        "facilitators": [],
        "results_visibility": "after_close",
        "stance_visibility": "open",
        "close_when_all_responded": False,
        "process": "standard",
        "rule": {
            "method": "majority",
            "unit": "people",
            "weighting": "equal",
            "base": "decided",
            "quorum": "1/4",
            "quorum_by": "count",
        },
        "rule_text": describe_rule(parse_rule(proposal.rule)),
        "applied_rule_text": describe_rule(parse_rule(proposal.rule)),
        "round_number": 1,
        "round": {
            "number": 1,
            "text": "We meet on Tuesdays from now on.",
            "opens_at": iso(round_.opens_at),
            "closes_at": iso(round_.closes_at),
            "closed_at": None,
            "status": "open",
            "rule_applied": "main",
            "failed_rounds_before": 0,
            "eligible_count": COUNTED_PEOPLE,
            "responded": 0,
        },
        "accepting_stances": True,
        "next_round_rule_text": describe_rule(parse_rule(proposal.rule)),
        "next_round_uses_fallback": False,
        "results_hidden": True,
        "outcome": None,
        "participation": {
            "eligible": COUNTED_PEOPLE,
            "responded": 0,
            "share": "0%",
            "recent": 0,
            "took_part_in_any": 0,
            "took_part_in_all": 0,
            "recent_average_share": None,
            "same_people": False,
        },
        "my_units": [{"unit": key_of(demo.member_person), "label": "Daniel Murphy", "kind": "person", "stance": None}],
        "may_facilitate": False,
        "may_withdraw": True,
        "may_start_next_round": False,
        "links": {
            "self": f"/api/v1{base(demo)}/proposals/{proposal.pk}",
            "page": f"/c/{demo.coalition.slug}/decisions/{proposal.pk}/",
            "stances": f"/api/v1{base(demo)}/proposals/{proposal.pk}/stances",
            "outcome": f"/api/v1{base(demo)}/proposals/{proposal.pk}/outcome",
            "rounds": f"/api/v1{base(demo)}/proposals/{proposal.pk}/rounds",
        },
    }
    assert round_.closes_at == closes.replace(microsecond=closes.microsecond // 1000 * 1000)  # sent to the millisecond
    assert round_.eligible_units.count() == COUNTED_PEOPLE
    event = AuditEvent.objects.order_by("-pk").first()
    assert (event.verb, event.data) == (
        "proposal.opened",
        {"rule": proposal.rule, "eligible": COUNTED_PEOPLE, "effect": ""},
    )


def test_a_time_with_an_offset_is_read_as_that_moment(api, demo):
    day = (timezone.now() + timedelta(days=10)).date()
    body = proposal_body(demo, opens_at=f"{day}T09:00:00+01:00", closes_at=f"{day + timedelta(days=5)}T19:30:00+01:00")

    response = api(demo.member).post(f"{base(demo)}/proposals", body)

    assert response.status_code == 201, response.content
    assert (response.json()["round"]["opens_at"], response.json()["round"]["closes_at"]) == (
        f"{day}T08:00:00Z",
        f"{day + timedelta(days=5)}T18:30:00Z",
    )
    assert (response.json()["round"]["status"], response.json()["accepting_stances"]) == ("open", False)  # not yet


def test_a_proposal_choosing_between_options_is_counted_by_ranked_choice(api, demo):
    body = proposal_body(
        demo,
        kind=kind(demo, "choose_between_options").pk,
        title="Day of the assembly",
        options=["Tuesday", "Thursday", "Saturday"],
    )
    response = api(demo.member).post(f"{base(demo)}/proposals", body)
    assert response.status_code == 201, response.content
    proposal_id = response.json()["id"]
    assert response.json()["options"] == ["Tuesday", "Thursday", "Saturday"]

    answer = api(demo.member).post(
        f"{base(demo)}/proposals/{proposal_id}/stances", {"ranking": ["Saturday", "Tuesday"]}
    )

    assert answer.status_code == 201, answer.content
    assert answer.json()["choice"] == {"ranking": ["Saturday", "Tuesday"]}
    outcome = api(demo.member).get(f"{base(demo)}/proposals/{proposal_id}/outcome").json()["outcome"]
    assert (outcome["status"], outcome["winner"]) == ("chosen", "Saturday")


def test_a_proposal_for_the_groups_it_affects_is_decided_by_them_only(api, demo):
    body = proposal_body(
        demo,
        kind=kind(demo, "affected_groups").pk,
        title="Share a van",
        scope_groups=[demo.delegate_group.pk, demo.big_group.pk],
        facilitators=[demo.second_coordinator_person.pk],
    )

    response = api(demo.member).post(f"{base(demo)}/proposals", body)

    assert response.status_code == 201, response.content
    body = response.json()
    assert [group["name"] for group in body["scope_groups"]] == ["Leeds Climate Action", "Manchester Climate Network"]
    assert [person["name"] for person in body["facilitators"]] == ["Niamh Gallagher"]
    assert body["round"]["eligible_count"] == 2
    assert body["my_units"] == []  # the member is not a delegate: Leeds speaks through Priya Shah and Joseph Kamara


@pytest.mark.parametrize(
    ("changes", "status", "field", "message"),
    [
        (lambda demo: {"title": None}, 422, "title", "Give text (a JSON string)."),
        (lambda demo: {"title": "   "}, 422, "title", "Enter a title."),
        (lambda demo: {"title": "x" * 201}, 422, "title", "Shorten a title to 200 characters or fewer (it has 201)."),
        (lambda demo: {"text": ""}, 422, "text", "Enter the proposal's text."),
        (lambda demo: {"kind": 999_999}, 404, "kind", "There is no such decision kind in this coalition."),
        (lambda demo: {"kind": 0}, 422, "kind", "Give a number of 1 or more."),
        (lambda demo: {"kind": str(kind(demo, "meeting_conduct").pk)}, 422, "kind", "Give a whole number."),
        (
            lambda demo: {"options": ["Tuesday", "Thursday"]},
            422,
            "options",
            "This kind of decision accepts or refuses one proposal, so it takes no options; choose a kind that "
            "chooses between options, or remove them.",
        ),
        (
            lambda demo: {"kind": kind(demo, "choose_between_options").pk, "options": ["Tuesday"]},
            422,
            "options",
            "This kind of decision chooses between options: give at least two.",
        ),
        (
            lambda demo: {"kind": kind(demo, "choose_between_options").pk},
            422,
            "options",
            "This kind of decision chooses between options: give at least two.",
        ),
        (
            lambda demo: {"kind": kind(demo, "choose_between_options").pk, "options": ["Tuesday", "tuesday"]},
            422,
            "options[1]",
            "The option 'tuesday' is listed twice.",
        ),
        (
            lambda demo: {"closes_at": iso(later(hours=-1))},
            422,
            "closes_at",
            "Choose a closing time after the opening time, leaving people time to respond.",
        ),
        (
            lambda demo: {"opens_at": iso(later(days=5)), "closes_at": iso(later(days=4))},
            422,
            "closes_at",
            "Choose a closing time after the opening time, leaving people time to respond.",
        ),
        (
            lambda demo: {"opens_at": iso(later(days=-1))},
            422,
            "opens_at",
            "The opening time has passed; choose a time from now on, or leave it empty to open now.",
        ),
        (
            lambda demo: {"closes_at": "2031-05-01T18:30:00"},
            422,
            "closes_at",
            "Give the closing time with its time zone.",
        ),
        (
            lambda demo: {"opens_at": "2031-04-01T18:30:00"},
            422,
            "opens_at",
            "Give the opening time with its time zone.",
        ),
        (
            lambda demo: {"closes_at": "next Tuesday"},
            422,
            "closes_at",
            "Give a date and time like 2025-03-01T18:30:00Z.",
        ),
        (
            lambda demo: {"closes_at": 1_900_000_000},
            422,
            "closes_at",
            "Give a date and time like 2025-03-01T18:30:00Z.",
        ),
        (lambda demo: {"closes_at": iso(later(days=400))}, 422, "closes_at", "Close it within a year of opening."),
        (
            lambda demo: {"results_visibility": "sometimes"},
            422,
            "results_visibility",
            "Choose one of 'live' or 'after_close'.",
        ),
        (
            lambda demo: {"scope_groups": [demo.delegate_group.pk]},
            422,
            "scope_groups",
            "Meeting conduct is decided by the whole coalition, so it takes no list of affected groups.",
        ),
        (
            lambda demo: {"kind": kind(demo, "affected_groups").pk},
            422,
            "scope_groups",
            "Matters for the groups they affect is decided by the member groups it affects: choose at least one.",
        ),
        (
            lambda demo: {"kind": kind(demo, "affected_groups").pk, "scope_groups": [demo.left_group.pk]},
            422,
            "scope_groups",
            "Choose only current member groups of this coalition.",
        ),
        (
            lambda demo: {"facilitators": [Person.objects.get(name="Oliver Bennett").pk]},
            422,
            "facilitators",
            "Choose facilitators among the coalition's current members.",
        ),
        (lambda demo: {"colour": "red"}, 422, "colour", "Remove colour: this request does not take it."),
    ],
    ids=[
        "title-null",
        "title-blank",
        "title-too-long",
        "text-blank",
        "kind-unknown",
        "kind-zero",
        "kind-as-text",
        "options-on-a-non-option-kind",
        "one-option",
        "no-options",
        "option-twice",
        "closes-in-the-past",
        "closes-before-it-opens",
        "opens-in-the-past",
        "closes-naive",
        "opens-naive",
        "closes-not-a-time",
        "closes-a-number",
        "closes-too-late",
        "results-visibility-unknown",
        "scope-groups-on-a-coalition-kind",
        "no-scope-groups",
        "a-former-group",
        "a-former-member-facilitates",
        "unknown-field",
    ],
)
def test_bad_input_when_opening_a_proposal(api, demo, changes, status, field, message):
    body = proposal_body(demo, **changes(demo))
    caller = api(demo.member)
    before = snapshot()

    response = caller.post(f"{base(demo)}/proposals", body)

    error = assert_error(response, status, {404: "not_found", 422: "invalid"}[status], field)
    assert error["message"] == message
    assert snapshot() == before


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (
            "amend_constitution",
            "Amendments to the constitution are proposed from the constitution's page, as a change to an agreement "
            "or to the decision table.",
        ),
        (
            "admit_member",
            "Admission decisions open when someone applies to join, from the coalition's joining page.",
        ),
        (
            "ask_member_to_leave",
            "A request for a member to leave is made from the constitution's page, naming the member and the "
            "agreement it rests on.",
        ),
    ],
)
def test_a_kind_the_constitution_opens_is_not_a_plain_proposal(api, demo, key, message):
    caller = api(demo.coordinator)
    before = snapshot()

    response = caller.post(f"{base(demo)}/proposals", proposal_body(demo, kind=kind(demo, key).pk))

    assert assert_error(response, 422, "invalid", "kind")["message"] == message
    assert snapshot() == before
    assert not Proposal.objects.filter(title="Meet on Tuesdays").exists()


def test_a_proposal_without_a_title_names_the_field(api, demo):
    body = {
        "kind": kind(demo, "meeting_conduct").pk,
        "text": "We meet on Tuesdays.",
        "closes_at": iso(later(days=3)),
    }
    caller = api(demo.member)
    before = snapshot()

    response = caller.post(f"{base(demo)}/proposals", body)

    assert assert_error(response, 422, "invalid", "title")["message"] == "This field is required: give title."
    assert snapshot() == before


def test_the_list_of_proposals_filters_by_status_and_counts_responses(api, demo):
    tuesday = open_proposal(demo)
    respond(tuesday, demo.member, position="agree")
    respond(tuesday, demo.delegate, position="disagree")
    withdrawn = open_proposal(demo, title="Meet on Mondays")
    actions.withdraw_proposal(actor=demo.member, proposal=withdrawn)
    caller = api(demo.delegate)

    everything = caller.get(f"{base(demo)}/proposals").json()
    open_only = caller.get(f"{base(demo)}/proposals", {"status": "open"}).json()
    closed = caller.get(f"{base(demo)}/proposals", {"status": "closed"}).json()
    by_status = caller.get(f"{base(demo)}/proposals", {"status": "withdrawn"}).json()

    assert [item["id"] for item in everything["items"]] == [withdrawn.pk, tuesday.pk]
    assert [item["id"] for item in open_only["items"]] == [tuesday.pk]
    assert [item["id"] for item in closed["items"]] == [withdrawn.pk]
    assert [item["id"] for item in by_status["items"]] == [withdrawn.pk]
    assert open_only["items"][0] == {
        "id": tuesday.pk,
        "title": "Meet on Tuesdays",
        "kind": {"id": kind(demo, "meeting_conduct").pk, "key": "meeting_conduct", "name": "Meeting conduct"},
        "kind_name": "Meeting conduct",
        "author_name": "Daniel Murphy",
        "status": "open",
        "created_at": iso(tuesday.created_at),
        "round_number": 1,
        "closes_at": iso(current_round(tuesday).closes_at),
        "eligible_count": COUNTED_PEOPLE,
        "responded_count": 2,
    }
    assert everything["items"][0]["responded_count"] == 0


def test_a_bad_status_filter_is_refused(api, demo):
    response = api(demo.member).get(f"{base(demo)}/proposals", {"status": "finished"})

    assert assert_error(response, 422, "invalid", "status")["message"] == (
        "Choose one of 'open', 'closed', 'passed', 'rejected', 'blocked', 'no_quorum', 'needs_discussion', "
        "'chosen', 'tie', 'withdrawn', 'not_applied' or 'superseded'."
    )


def test_a_proposal_read_after_its_deadline_is_closed_first(api, demo):
    proposal = open_proposal(demo)
    for user in (demo.member, demo.delegate, demo.coordinator):
        respond(proposal, user, position="agree")
    Round.objects.filter(proposal=proposal).update(closes_at=later(minutes=-1))

    body = api(demo.member).get(f"{base(demo)}/proposals/{proposal.pk}").json()

    round_ = current_round(proposal)
    assert (proposal.status, round_.status) == ("no_quorum", "no_quorum")  # 3 of 55, quorum 14
    assert body["status"] == "no_quorum"
    assert body["round"]["status"] == "no_quorum"
    assert body["round"]["closed_at"] == iso(round_.closed_at)
    assert body["outcome"] == round_.outcome
    assert body["outcome"]["summary"] == (
        "No quorum: 3 of 55 people took part (quorum 14), too few; 3 of 3 decided people agree (100%, needed more "
        "than half)."
    )
    assert body["may_start_next_round"] is True
    assert AuditEvent.objects.order_by("-pk").first().verb == "proposal.closed"


def test_results_shown_only_after_closing_are_hidden_while_open(api, demo):
    proposal = open_proposal(demo, results_visibility="after_close")
    respond(proposal, demo.member, position="agree")
    path = f"{base(demo)}/proposals/{proposal.pk}"

    while_open = api(demo.member).get(f"{path}/outcome").json()
    close(proposal)
    after = api(demo.member).get(f"{path}/outcome").json()

    assert while_open == {
        "proposal_id": proposal.pk,
        "round": 1,
        "round_status": "open",
        "applied_rule_text": describe_rule(parse_rule(proposal.rule)),
        "results_hidden": True,
        "outcome": None,
    }
    assert (after["results_hidden"], after["round_status"], after["outcome"]) == (
        False,
        "no_quorum",
        current_round(proposal).outcome,
    )


def test_the_live_outcome_explains_every_condition(api, demo):
    proposal = open_proposal(demo)
    respond(proposal, demo.member, position="agree")
    respond(proposal, demo.delegate, position="disagree")

    body = api(demo.coordinator).get(f"{base(demo)}/proposals/{proposal.pk}/outcome").json()

    assert body["outcome"] == {
        "status": "no_quorum",
        "rule_applied": "main",
        "winner": None,
        "tied": [],
        "counts": {
            "eligible": 55,
            "responded": 2,
            "eligible_weight": "55",
            "responded_weight": "2",
            "positions": {"agree": {"units": 1, "weight": "1"}, "disagree": {"units": 1, "weight": "1"}},
        },
        "conditions": [
            {
                "name": "quorum",
                "required": "at least 25% of 55 people (14)",
                "found": "2 of 55",
                "met": False,
                "explanation": "2 of 55 people took part (quorum 14), too few",
            },
            {
                "name": "majority",
                "required": "more than 1/2",
                "found": "1 of 2 (50%)",
                "met": False,
                "explanation": "1 of 2 decided people agrees (50%, needed more than half)",
            },
        ],
        "summary": "No quorum: 2 of 55 people took part (quorum 14), too few; 1 of 2 decided people agrees (50%, "
        "needed more than half).",
    }


def test_the_author_withdraws_a_proposal_once(api, demo):
    proposal = open_proposal(demo)
    caller = api(demo.member)

    response = caller.post(f"{base(demo)}/proposals/{proposal.pk}/withdraw", {"reason": "We found a room for Mondays."})

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["withdrawn_reason"]) == (
        "withdrawn",
        "We found a room for Mondays.",
    )
    assert (response.json()["round"]["status"], response.json()["may_withdraw"]) == ("withdrawn", False)
    before = snapshot()
    again = caller.post(f"{base(demo)}/proposals/{proposal.pk}/withdraw")
    assert assert_error(again, 409, "conflict")["message"] == "This proposal is already withdrawn."
    assert snapshot() == before


def test_withdrawing_takes_no_body_at_all(api, demo):
    proposal = open_proposal(demo)

    response = api(demo.coordinator).send("POST", f"{base(demo)}/proposals/{proposal.pk}/withdraw", raw="")

    assert response.status_code == 200, response.content
    assert response.json()["withdrawn_reason"] == ""


# --- rounds --------------------------------------------------------------------------------------------------


def test_after_a_blocked_round_the_author_starts_the_next_with_amended_text(api, demo):
    proposal = blocked_proposal(demo)
    closes = later(days=7)

    response = api(demo.member).post(
        f"{base(demo)}/proposals/{proposal.pk}/rounds",
        {"closes_at": iso(closes), "text": "Add a safeguarding policy, after every group has read it."},
    )

    assert response.status_code == 201, response.content
    round_ = current_round(proposal)
    assert response.json() == {
        "number": 2,
        "text": "Add a safeguarding policy, after every group has read it.",
        "opens_at": iso(round_.opens_at),
        "closes_at": iso(round_.closes_at),
        "closed_at": None,
        "status": "open",
        "rule_applied": "main",
        "failed_rounds_before": 1,
        "eligible_count": COUNTED_GROUPS,
        "outcome": None,
    }
    rounds = api(demo.member).get(f"{base(demo)}/proposals/{proposal.pk}/rounds").json()
    assert [(item["number"], item["status"]) for item in rounds["items"]] == [(1, "blocked"), (2, "open")]
    assert rounds["items"][0]["outcome"] == Round.objects.get(proposal=proposal, number=1).outcome
    assert rounds["items"][0]["outcome"]["status"] == "blocked"


def test_after_the_failed_rounds_the_fallback_rule_decides(api, demo):
    proposal = open_proposal(demo, "budget_and_strategy", title="The annual budget")  # fallback after 2 failed
    for number in (1, 2):
        close(proposal)  # no one responded: no quorum, a failed round
        assert proposal.status == "no_quorum"
        if number == 1:
            actions.start_next_round(actor=demo.member, proposal=proposal, closes_at=later(days=3))

    response = api(demo.coordinator).post(
        f"{base(demo)}/proposals/{proposal.pk}/rounds", {"closes_at": iso(later(days=3))}
    )

    assert response.status_code == 201, response.content
    assert (response.json()["number"], response.json()["rule_applied"], response.json()["failed_rounds_before"]) == (
        3,
        "fallback",
        2,
    )
    body = api(demo.member).get(f"{base(demo)}/proposals/{proposal.pk}").json()
    assert body["applied_rule_text"] == describe_rule(parse_rule(proposal.rule).fallback.rule)
    assert (body["next_round_uses_fallback"], body["accepting_stances"]) == (True, True)
    assert body["rule_text"] == describe_rule(parse_rule(proposal.rule))
    block = api(demo.delegate).post(
        f"{base(demo)}/proposals/{proposal.pk}/stances", {"position": "block", "reason": "Still too much."}
    )
    assert assert_error(block, 422, "invalid", "position")["message"] == (
        "Position 'block' is not accepted by the supermajority method (this rule allows no blocks): use \"agree\", "
        '"disagree", "abstain".'
    )


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("open", "This round is still open; a new round can start once it has closed without agreement."),
        ("passed", "This proposal is passed; only a failed round can be tried again."),
        ("withdrawn", "This proposal is withdrawn; only a failed round can be tried again."),
    ],
)
def test_a_next_round_needs_a_failed_one(api, demo, state, message):
    proposal = open_proposal(demo, "affected_groups", scope_groups=[demo.delegate_group])
    if state == "passed":
        respond(proposal, demo.delegate, position="agree")
        close(proposal)
    elif state == "withdrawn":
        actions.withdraw_proposal(actor=demo.member, proposal=proposal)
    caller = api(demo.member)
    before = snapshot()

    response = caller.post(f"{base(demo)}/proposals/{proposal.pk}/rounds", {"closes_at": iso(later(days=3))})

    assert assert_error(response, 409, "conflict")["message"] == message
    assert snapshot() == before


def test_a_next_round_needs_a_closing_time_with_a_zone(api, demo):
    proposal = blocked_proposal(demo)
    caller = api(demo.member)
    before = snapshot()

    missing = caller.post(f"{base(demo)}/proposals/{proposal.pk}/rounds", {})
    naive = caller.post(f"{base(demo)}/proposals/{proposal.pk}/rounds", {"closes_at": "2031-01-01T12:00:00"})

    assert assert_error(missing, 422, "invalid", "closes_at")["message"] == "This field is required: give closes_at."
    assert assert_error(naive, 422, "invalid", "closes_at")["message"] == "Give the closing time with its time zone."
    assert snapshot() == before


# --- stances ---------------------------------------------------------------------------------------------------


def test_a_member_gives_a_stance_and_changes_it(api, demo):
    proposal = open_proposal(demo)
    caller = api(demo.member)
    path = f"{base(demo)}/proposals/{proposal.pk}/stances"

    first = caller.post(path, {"position": "agree"})
    second = caller.post(path, {"position": "disagree", "reason": "Tuesdays clash with the tenants' meetings."})

    assert (first.status_code, second.status_code) == (201, 201)
    stance = Stance.objects.get(pk=second.json()["id"])
    assert second.json() == {
        "id": stance.pk,
        "round": 1,
        "unit": key_of(demo.member_person),
        "unit_label": "Daniel Murphy",
        "position": "disagree",
        "score": None,
        "choice": None,
        "reason": "Tuesdays clash with the tenants' meetings.",
        "spokes_position": "",  # a standard proposal: no spokescouncil position, amendment or note
        "amendment": "",
        "note": "",
        "recorded_by": "Daniel Murphy",
        "created_at": iso(stance.created_at),
        "is_current": True,
    }
    assert Stance.objects.get(pk=first.json()["id"]).is_current is False
    history = caller.get(f"{path}/history", {"unit": key_of(demo.member_person)}).json()
    assert [(item["position"], item["is_current"]) for item in history["items"]] == [
        ("agree", False),
        ("disagree", True),
    ]
    assert (history["count"], history["secret"], history["note"]) == (2, False, None)
    current = caller.get(path).json()
    assert [item["id"] for item in current["items"]] == [stance.pk]
    mine = caller.get(f"{base(demo)}/proposals/{proposal.pk}").json()["my_units"]
    assert mine == [
        {"unit": key_of(demo.member_person), "label": "Daniel Murphy", "kind": "person", "stance": second.json()}
    ]
    event = AuditEvent.objects.order_by("-pk").first()
    assert (event.verb, event.summary) == ("stance.recorded", "gave the stance disagree on “Meet on Tuesdays”")


def test_the_history_needs_a_unit(api, demo):
    proposal = open_proposal(demo)

    response = api(demo.member).get(f"{base(demo)}/proposals/{proposal.pk}/stances/history")

    assert assert_error(response, 422, "invalid", "unit")["message"] == "This field is required: give unit."


def test_a_delegate_gives_the_groups_position(api, demo):
    proposal = open_proposal(demo, "budget_and_strategy", title="Set next year's budget")

    response = api(demo.delegate).post(f"{base(demo)}/proposals/{proposal.pk}/stances", {"position": "agree"})

    assert response.status_code == 201, response.content
    assert (response.json()["unit"], response.json()["unit_label"], response.json()["recorded_by"]) == (
        key_of(demo.delegate_group),
        "Leeds Climate Action",
        "Priya Shah",
    )


def test_a_member_cannot_give_a_position_for_a_decision_counted_by_groups(api, demo):
    proposal = open_proposal(demo, "budget_and_strategy", title="Set next year's budget")
    caller = api(demo.member)
    before = snapshot()

    response = caller.post(f"{base(demo)}/proposals/{proposal.pk}/stances", {"position": "agree"})

    assert assert_error(response, 403, "not_allowed")["message"] == (
        "This decision is counted by member groups, and you are not a delegate of an eligible group: ask your "
        "group's delegate to give its position."
    )
    assert snapshot() == before


def test_a_coordinator_records_a_stance_for_a_unit_as_facilitator(api, demo):
    proposal = open_proposal(demo)

    response = api(demo.coordinator).post(
        f"{base(demo)}/proposals/{proposal.pk}/stances", {"unit": key_of(demo.member_person), "position": "agree"}
    )

    assert response.status_code == 201, response.content
    assert (response.json()["unit"], response.json()["recorded_by"]) == (key_of(demo.member_person), "Amara Okafor")
    event = AuditEvent.objects.order_by("-pk").first()
    assert event.summary == "gave the stance agree on behalf of Daniel Murphy on “Meet on Tuesdays”"


def test_a_facilitator_named_on_the_proposal_records_for_others_and_no_one_else_may(api, demo):
    proposal = open_proposal(demo, facilitators=[demo.member_person])
    body = {"unit": key_of(demo.delegate_person), "position": "disagree"}
    path = f"{base(demo)}/proposals/{proposal.pk}/stances"

    by_facilitator = api(demo.member).post(path, body)

    assert by_facilitator.status_code == 201, by_facilitator.content
    assert by_facilitator.json()["recorded_by"] == "Daniel Murphy"
    second_coordinators_unit = {"unit": key_of(demo.second_coordinator_person), "position": "agree"}
    caller = api(demo.delegate)
    before = snapshot()
    refused = caller.post(path, second_coordinators_unit)
    assert (
        assert_error(refused, 403, "not_allowed")["message"]
        == "Only that person (or a facilitator) can give their stance."
    )
    assert snapshot() == before


@pytest.mark.parametrize(
    ("key", "body", "field", "message"),
    [
        (
            "budget_and_strategy",
            {"position": "maybe"},
            "position",
            'Position \'maybe\' is not accepted by the consensus method: use "agree", "stand_aside", "abstain", "block".',
        ),
        (
            "meeting_conduct",
            {"position": "block", "reason": "No."},
            "position",
            "Position 'block' is not accepted by the majority method (this rule allows no blocks): use \"agree\", "
            '"disagree", "abstain".',
        ),
        (
            "budget_and_strategy",
            {"position": "block"},
            "reason",
            "A block: say why, so the others can try to meet the concern.",
        ),
        ("budget_and_strategy", {}, "position", 'Give a position ("position") for the consensus method.'),
        ("budget_and_strategy", {"position": 1}, "position", "Give text (a JSON string)."),
        (
            "budget_and_strategy",
            {"score": 4},
            "score",
            'The consensus method takes a position ("position"), not a score from 0 to 5.',
        ),
        (
            "budget_and_strategy",
            {"unit": "g999999", "position": "agree"},
            "unit",
            "'g999999' is not eligible in this round.",
        ),
        (
            "choose_between_options",
            {"ranking": ["Tuesday", "Sunday"]},
            "ranking[1]",
            "'Sunday' is not one of the options: 'Tuesday', 'Thursday'.",
        ),
        (
            "choose_between_options",
            {"ranking": ["Tuesday"], "approve": ["Tuesday"]},
            "approve",
            "Give only one of ranking, approve.",
        ),
        (
            "budget_and_strategy",
            {"position": "agree", "reason": "x" * 4001},
            "reason",
            "Shorten the reason to 4000 characters or fewer (it has 4001).",
        ),
        (
            "budget_and_strategy",
            {"position": "agree", "mood": "happy"},
            "mood",
            "Remove mood: this request does not take it.",
        ),
    ],
    ids=[
        "unknown-position",
        "block-under-a-majority",
        "block-without-reason",
        "nothing-given",
        "position-not-text",
        "score-under-consensus",
        "unit-not-eligible",
        "not-an-option",
        "two-kinds-of-choice",
        "reason-too-long",
        "unknown-field",
    ],
)
def test_bad_stances_are_refused_naming_the_field(api, demo, key, body, field, message):
    options = {"options": ["Tuesday", "Thursday"]} if key == "choose_between_options" else {}
    proposal = open_proposal(demo, key, **options)
    user = demo.member if key != "budget_and_strategy" else demo.delegate
    caller = api(user)
    before = snapshot()

    response = caller.post(f"{base(demo)}/proposals/{proposal.pk}/stances", body)

    assert assert_error(response, 422, "invalid", field)["message"] == message
    assert snapshot() == before


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("passed", "This proposal is passed; stances can no longer change."),
        ("withdrawn", "This proposal is withdrawn; stances can no longer change."),
        ("overdue", "This round closed at {closes}; the outcome is being counted."),
    ],
)
def test_no_stance_once_a_proposal_is_closed_or_withdrawn(api, demo, state, message):
    proposal = open_proposal(demo, "affected_groups", scope_groups=[demo.delegate_group])
    if state == "passed":
        respond(proposal, demo.delegate, position="agree")
        close(proposal)
    elif state == "withdrawn":
        actions.withdraw_proposal(actor=demo.member, proposal=proposal)
    else:
        Round.objects.filter(proposal=proposal).update(closes_at=later(minutes=-1))
    closes = f"{current_round(proposal).closes_at:%Y-%m-%d %H:%M} UTC"
    caller = api(demo.delegate)
    before = snapshot()

    response = caller.post(f"{base(demo)}/proposals/{proposal.pk}/stances", {"position": "agree"})

    assert assert_error(response, 409, "conflict")["message"] == message.format(closes=closes)
    assert snapshot() == before


def test_the_proposal_closes_when_everyone_has_responded_if_asked(api, demo):
    proposal = open_proposal(demo, "affected_groups", scope_groups=[demo.delegate_group], close_when_all_responded=True)

    response = api(demo.delegate).post(f"{base(demo)}/proposals/{proposal.pk}/stances", {"position": "agree"})

    assert response.status_code == 201
    proposal.refresh_from_db()
    assert proposal.status == "passed"


def test_secret_stances_are_not_listed_and_a_note_says_why(api, demo):
    proposal = open_proposal(demo, stance_visibility="secret")
    respond(proposal, demo.member, position="agree")
    respond(proposal, demo.delegate, position="disagree")
    caller = api(demo.coordinator)
    path = f"{base(demo)}/proposals/{proposal.pk}"
    note = "Stances on this proposal are secret: only the totals are shown, in its outcome."

    stances = caller.get(f"{path}/stances").json()
    silent = caller.get(f"{path}/not-responded").json()
    others = caller.get(f"{path}/stances/history", {"unit": key_of(demo.member_person)}).json()
    own = api(demo.member).get(f"{path}/stances/history", {"unit": key_of(demo.member_person)}).json()
    outcome = caller.get(f"{path}/outcome").json()["outcome"]

    empty = {"count": 0, "page": 1, "page_size": 50, "items": [], "secret": True, "note": note}
    assert (stances, silent, others) == (empty, empty, empty)
    assert [item["position"] for item in own["items"]] == ["agree"]  # one's own stance stays visible to oneself
    assert outcome["counts"]["positions"] == {
        "agree": {"units": 1, "weight": "1"},
        "disagree": {"units": 1, "weight": "1"},
    }


def test_who_has_not_responded(api, demo):
    proposal = open_proposal(demo, "budget_and_strategy", title="Set next year's budget")
    respond(proposal, demo.delegate, position="agree")

    body = api(demo.member).get(f"{base(demo)}/proposals/{proposal.pk}/not-responded", {"page_size": 200}).json()

    assert (body["count"], body["secret"], body["note"]) == (COUNTED_GROUPS - 1, False, None)
    assert "Leeds Climate Action" not in [item["label"] for item in body["items"]]
    assert body["items"][0] == {
        "unit": key_of(MemberGroup.objects.get(name="Bolton Climate Choir")),
        "label": "Bolton Climate Choir",
        "kind": "member_group",
        "size": 24,
    }


def test_a_facilitator_lists_the_eligible_units_with_their_positions(api, demo):
    proposal = open_proposal(demo)
    respond(proposal, demo.member, position="agree")
    caller = api(demo.coordinator)
    path = f"{base(demo)}/proposals/{proposal.pk}/eligible"

    everyone = caller.get(path, {"page_size": 200}).json()
    found = caller.get(path, {"search": "murphy"}).json()

    assert everyone["count"] == COUNTED_PEOPLE
    assert sum(item["has_stance"] for item in everyone["items"]) == 1
    assert found == {
        "count": 1,
        "page": 1,
        "page_size": 50,
        "items": [
            {
                "unit": key_of(demo.member_person),
                "label": "Daniel Murphy",
                "kind": "person",
                "size": 1,
                "has_stance": True,
                "current_position": "agree",
                "current_score": None,
            }
        ],
    }


def test_the_stances_list_is_by_unit_name_and_paginated(api, demo):
    proposal = open_proposal(demo)
    for user in (demo.member, demo.delegate, demo.coordinator):
        respond(proposal, user, position="agree")

    body = api(demo.member).get(f"{base(demo)}/proposals/{proposal.pk}/stances", {"page_size": 2}).json()

    assert (body["count"], body["page_size"], body["secret"]) == (3, 2, False)
    assert [item["unit_label"] for item in body["items"]] == ["Amara Okafor", "Daniel Murphy"]


# --- the rule simulator ----------------------------------------------------------------------------------------

RADICAL_ROUTES = {
    "method": "consensus",
    "unit": "groups",
    "blocks_per_units": 12,
    "fallback": {"after_failed_rounds": 3, "rule": {"method": "supermajority", "unit": "groups", "threshold": "90%"}},
}


def ballots(count: int, *, against: int = 0, position: str = "block", failed_rounds: int = 0) -> dict[str, Any]:
    """`count` groups, all responding: the first `against` of them with `position` (and a reason), the rest agree."""
    return {
        "eligible": [{"unit": f"g{number}"} for number in range(count)],
        "failed_rounds": failed_rounds,
        "stances": [
            {"unit": f"g{number}", "position": position, "reason": "No."}
            if number < against
            else {"unit": f"g{number}", "position": "agree"}
            for number in range(count)
        ],
    }


def test_the_simulator_counts_as_accord_tally_does(api, demo):
    from accord.governance import parse_ballots, tally

    caller = api(demo.outsider)  # anyone signed in: it touches no coalition
    before = snapshot()

    response = caller.post("/tally", {"rule": RADICAL_ROUTES, "ballots": ballots(24, against=2)})

    assert response.status_code == 200, response.content
    rule = parse_rule(RADICAL_ROUTES)
    kernel = parse_ballots(ballots(24, against=2), rule=rule)
    expected = tally(rule, eligible=kernel.eligible, stances=kernel.stances, checked=True).to_json()
    assert response.json() == json.loads(json.dumps(expected))
    assert response.json()["status"] == "passed"  # two blocks allowed among 24 groups
    assert snapshot() == before


def test_the_simulator_applies_the_fallback_after_failed_rounds(api, demo):
    response = api(demo.member).post(
        "/tally", {"rule": RADICAL_ROUTES, "ballots": ballots(10, against=1, position="disagree", failed_rounds=3)}
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["rule_applied"]) == ("passed", "fallback")
    assert response.json()["summary"].startswith("Decided under the fallback rule after 3 failed rounds.")


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"ballots": ballots(2)}, "rule", "This field is required: give rule."),
        ({"rule": {"method": "majority"}}, "ballots", "This field is required: give ballots."),
        (
            {
                "rule": {**RADICAL_ROUTES, "fallback": {"after_failed_rounds": 0, "rule": {"method": "majority"}}},
                "ballots": ballots(2),
            },
            "rule.fallback.after_failed_rounds",
            "The number of failed rounds must be at least 1.",
        ),
        (
            {"rule": {"method": "majority"}, "ballots": []},
            "ballots",
            'Give the ballots as a JSON object with "eligible" and "stances".',
        ),
        (
            {"rule": {"method": "majority"}, "ballots": {"eligible": []}},
            "ballots.eligible",
            'List the eligible units, like [{"unit": "g1", "size": 40}].',
        ),
        (
            {
                "rule": {"method": "majority"},
                "ballots": {
                    "eligible": [{"unit": "a"}, {"unit": "b"}],
                    "stances": [{"unit": "a", "position": "agree"}, {"unit": "b", "position": "yes"}],
                },
            },
            "ballots.stances[1].position",
            'Position \'yes\' is not accepted by the majority method: use "agree", "disagree", "abstain".',
        ),
        (
            {"rule": {"method": "majority"}, "ballots": {"eligible": [{"unit": "a", "votes": 3}]}},
            "ballots.eligible[0].votes",
            'Unknown field "votes"; a unit takes "unit", "size" and "weight".',
        ),
        (
            {"rule": {"method": "approval"}, "ballots": {"eligible": [{"unit": "a"}], "options": ["x"]}},
            "ballots.options",
            "The approval method chooses between options: list at least two.",
        ),
        (
            {
                "rule": {"method": "majority"},
                "ballots": {"eligible": [{"unit": "a"}], "stances": [{"unit": "z", "position": "agree"}]},
            },
            "ballots.stances[0].unit",
            "'z' is not among the eligible units.",
        ),
    ],
    ids=[
        "no-rule",
        "no-ballots",
        "nested-rule-error",
        "ballots-not-an-object",
        "no-one-eligible",
        "bad-position",
        "unknown-key-in-a-unit",
        "too-few-options",
        "unknown-unit",
    ],
)
def test_the_simulator_names_the_field_at_fault(api, demo, body, field, message):
    response = api(demo.member).post("/tally", body)

    assert assert_error(response, 422, "invalid", field)["message"] == message


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=None)  # Django's own 2.5 MB cap would refuse the body first
def test_the_simulator_counts_at_most_100000_stances(api, demo):
    stances = [{"unit": "a", "position": "agree"}] * 100_001

    response = api(demo.member).post(
        "/tally", {"rule": {"method": "majority"}, "ballots": {"eligible": [{"unit": "a"}], "stances": stances}}
    )

    assert assert_error(response, 422, "invalid", "ballots.stances")["message"] == (
        "The simulator counts at most 100,000 stances at a time (this has 100,001); try the rule on a smaller sample."
    )


def test_the_simulator_needs_a_signed_in_caller(api, demo):
    response = api(None).post("/tally", {"rule": {"method": "majority"}, "ballots": ballots(2)})

    assert_error(response, 401, "not_signed_in")


# --- tenancy ---------------------------------------------------------------------------------------------------


@pytest.fixture
def far_proposal(elsewhere) -> Proposal:
    """A proposal in the other coalition (which has the default kinds too)."""
    from accord.decisions.actions import adopt_default_decision_kinds

    adopt_default_decision_kinds(actor=elsewhere.coordinator, coalition=elsewhere.coalition)
    return actions.open_proposal(
        actor=elsewhere.coordinator,
        coalition=elsewhere.coalition,
        kind=DecisionKind.objects.get(coalition=elsewhere.coalition, key="meeting_conduct"),
        title="Far away",
        text="Elsewhere.",
        closes_at=later(days=3),
    )


@pytest.mark.parametrize(
    "tail",
    ["", "/stances", "/stances/history?unit=p1", "/not-responded", "/eligible", "/outcome", "/rounds"],
)
def test_another_coalitions_proposal_is_not_found_through_ones_own_slug(api, demo, far_proposal, tail):
    response = api(demo.coordinator).get(f"{base(demo)}/proposals/{far_proposal.pk}{tail}")

    assert assert_error(response, 404, "not_found")["message"] == "There is no such proposal in this coalition."


@pytest.mark.parametrize(
    ("tail", "body"),
    [
        ("/stances", {"position": "agree"}),
        ("/withdraw", {}),
        ("/rounds", {"closes_at": "2031-01-01T12:00:00Z"}),
    ],
)
def test_another_coalitions_proposal_cannot_be_written_through_ones_own_slug(api, demo, far_proposal, tail, body):
    caller = api(demo.coordinator)
    before = snapshot()

    response = caller.post(f"{base(demo)}/proposals/{far_proposal.pk}{tail}", body)

    assert assert_error(response, 404, "not_found")["message"] == "There is no such proposal in this coalition."
    assert snapshot() == before


def test_another_coalitions_kinds_and_groups_are_not_found(api, demo, elsewhere, far_proposal):
    far_kind = DecisionKind.objects.get(coalition=elsewhere.coalition, key="meeting_conduct")
    caller = api(demo.coordinator)
    before = snapshot()

    read = caller.get(f"{base(demo)}/decision-kinds/{far_kind.pk}")
    change = caller.put(
        f"{base(demo)}/decision-kinds/{far_kind.pk}",
        {"name": "x", "rule": {"method": "majority"}, "scope": "coalition"},
    )
    weight = caller.put(f"{base(demo)}/agreed-weights/{elsewhere.group.pk}", {"weight": "2"})
    opened = caller.post(f"{base(demo)}/proposals", proposal_body(demo, kind=far_kind.pk))
    scoped = caller.post(
        f"{base(demo)}/proposals",
        proposal_body(demo, kind=kind(demo, "affected_groups").pk, scope_groups=[elsewhere.group.pk]),
    )

    for response in (read, change):
        assert (
            assert_error(response, 404, "not_found")["message"] == "There is no such decision kind in this coalition."
        )
    assert assert_error(weight, 404, "not_found")["message"] == "There is no such member group in this coalition."
    assert (
        assert_error(opened, 404, "not_found", "kind")["message"] == "There is no such decision kind in this coalition."
    )
    assert assert_error(scoped, 422, "invalid", "scope_groups")["message"] == (
        "Choose only current member groups of this coalition."
    )
    assert snapshot() == before


def test_the_other_coalitions_list_holds_only_its_own(api, demo, elsewhere, far_proposal):
    open_proposal(demo)

    ours = api(demo.coordinator).get(f"{base(demo)}/proposals").json()
    theirs = api(elsewhere.coordinator).get(f"/coalitions/{elsewhere.coalition.slug}/proposals").json()

    assert [item["title"] for item in ours["items"]] == ["Meet on Tuesdays"]
    assert [item["id"] for item in theirs["items"]] == [far_proposal.pk]


# --- the OpenAPI document --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def document(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_document_lists_the_decision_endpoints(document):
    paths = {path.removeprefix("/api/v1"): set(methods) for path, methods in document["paths"].items()}
    assert {
        path: methods
        for path, methods in paths.items()
        if path.startswith(("/coalitions/{slug}/decision-kinds", "/coalitions/{slug}/agreed-weights"))
        or path == "/coalitions/{slug}/member-groups/{group_id}/rule"
        or path.startswith(("/coalitions/{slug}/proposals", "/tally"))
        and "/red-line-flags" not in path  # the constitution's, in test_constitution_api.py
    } == {
        "/coalitions/{slug}/decision-kinds": {"get", "post"},
        "/coalitions/{slug}/decision-kinds/adopt-defaults": {"post"},
        "/coalitions/{slug}/decision-kinds/{kind_id}": {"get", "put"},
        "/coalitions/{slug}/agreed-weights": {"get"},
        "/coalitions/{slug}/agreed-weights/{group_id}": {"put"},
        "/coalitions/{slug}/proposals": {"get", "post"},
        "/coalitions/{slug}/proposals/{proposal_id}": {"get"},
        "/coalitions/{slug}/proposals/{proposal_id}/withdraw": {"post"},
        "/coalitions/{slug}/proposals/{proposal_id}/rounds": {"get", "post"},
        "/coalitions/{slug}/proposals/{proposal_id}/outcome": {"get"},
        "/coalitions/{slug}/proposals/{proposal_id}/stances": {"get", "post"},
        "/coalitions/{slug}/proposals/{proposal_id}/stances/history": {"get"},
        "/coalitions/{slug}/proposals/{proposal_id}/not-responded": {"get"},
        "/coalitions/{slug}/proposals/{proposal_id}/eligible": {"get"},
        "/coalitions/{slug}/proposals/{proposal_id}/spokes-positions": {"get"},
        "/coalitions/{slug}/proposals/{proposal_id}/member-views": {"post"},
        "/coalitions/{slug}/proposals/{proposal_id}/settle-group-position": {"post"},
        "/coalitions/{slug}/member-groups/{group_id}/rule": {"get", "put"},
        "/tally": {"post"},
    }


def test_the_rule_ballots_and_outcome_are_documented_field_by_field(document):
    schemas = document["components"]["schemas"]
    rule = schemas["Rule"]
    assert set(rule["properties"]) == {
        "method",
        "unit",
        "weighting",
        "base",
        "threshold",
        "quorum",
        "quorum_by",
        "blocks_allowed",
        "blocks_per_units",
        "max_stand_asides",
        "fist_to_five",
        "dots",
        "max_score",
        "fallback",
    }
    assert rule["required"] == ["method"]
    assert rule["properties"]["method"]["enum"] == [
        "majority",
        "supermajority",
        "consensus",
        "fist_to_five",
        "approval",
        "score",
        "dots",
        "ranked_irv",
        "ranked_schulze",
    ]
    assert rule["properties"]["threshold"]["anyOf"] == [{"type": "string"}, {"type": "number"}]
    assert rule["properties"]["fist_to_five"]["allOf"] == [{"$ref": "#/components/schemas/FistToFive"}]
    assert rule["properties"]["fallback"]["allOf"] == [{"$ref": "#/components/schemas/RuleFallback"}]
    assert set(schemas["FistToFive"]["properties"]) == {"block_at_or_below", "concern_at_or_below", "max_concerns"}
    assert set(schemas["RuleFallback"]["properties"]) == {"after_failed_rounds", "rule"}
    assert schemas["RuleFallback"]["properties"]["rule"]["$ref"] == "#/components/schemas/Rule"
    assert set(schemas["Ballots"]["properties"]) == {"eligible", "options", "failed_rounds", "stances"}
    assert set(schemas["BallotStance"]["properties"]) == {
        "unit",
        "position",
        "score",
        "ranking",
        "approve",
        "scores",
        "dots",
        "reason",
    }
    outcome = schemas["Outcome"]
    assert set(outcome["properties"]) == {"status", "rule_applied", "winner", "tied", "counts", "conditions", "summary"}
    assert outcome["properties"]["status"]["enum"] == [
        "passed",
        "rejected",
        "blocked",
        "no_quorum",
        "needs_discussion",
        "chosen",
        "tie",
    ]
    assert set(schemas["Condition"]["properties"]) == {"name", "required", "found", "met", "explanation"}
    tally_body = schemas["TallyIn"]["properties"]
    assert (tally_body["rule"]["$ref"], tally_body["ballots"]["$ref"]) == (
        "#/components/schemas/Rule",
        "#/components/schemas/Ballots",
    )
    assert schemas["DecisionKindUpdateIn"]["properties"]["rule"]["$ref"] == "#/components/schemas/Rule"
    assert schemas["ProposalOut"]["properties"]["rule"]["$ref"] == "#/components/schemas/Rule"
    tally = document["paths"]["/api/v1/tally"]["post"]
    assert tally["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Outcome"
    }
    assert tally["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ApiError"
    }


# --- cost ----------------------------------------------------------------------------------------------------


def queries_for(caller: Any, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert caller.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("tail", ["", "/stances", "/not-responded", "/outcome", "/eligible", "/rounds"])
def test_reading_a_proposal_costs_the_same_however_many_have_responded(api, demo, tail):
    few, many = open_proposal(demo), open_proposal(demo, title="Meet on Thursdays")
    respond(few, demo.coordinator, position="agree")  # the caller's own stance is in both
    people = Person.objects.filter(coalition=demo.coalition, left_at=None).order_by("pk")[:30]
    assert demo.coordinator_person in people
    for person in people:  # the coordinator records the room's stances
        respond(many, demo.coordinator, unit_key=key_of(person), position="agree", reason=f"Said by {person.name}")
    caller = api(demo.coordinator)
    caller.get("/me")  # the token's first use is recorded once

    assert queries_for(caller, f"{base(demo)}/proposals/{few.pk}{tail}") == queries_for(
        caller, f"{base(demo)}/proposals/{many.pk}{tail}"
    )


def test_participation_is_shown_as_a_share_rounded_down(api, demo):
    proposal = open_proposal(
        demo,
        "affected_groups",
        scope_groups=[demo.delegate_group, demo.big_group, MemberGroup.objects.get(name="Hull Heat Justice")],
    )
    respond(proposal, demo.delegate, position="agree")
    respond(proposal, demo.coordinator, unit_key=key_of(demo.big_group), position="agree")

    body = api(demo.member).get(f"{base(demo)}/proposals/{proposal.pk}").json()

    assert body["participation"] == {
        "eligible": 3,
        "responded": 2,
        "share": "66.6%",  # never "67%" for two thirds
        "recent": 0,
        "took_part_in_any": 0,
        "took_part_in_all": 0,
        "recent_average_share": None,
        "same_people": False,
    }
    close(proposal)
    later_one = open_proposal(demo, "affected_groups", title="Share a van", scope_groups=[demo.delegate_group])
    after = api(demo.member).get(f"{base(demo)}/proposals/{later_one.pk}").json()["participation"]
    assert (after["recent"], after["took_part_in_any"], after["took_part_in_all"], after["recent_average_share"]) == (
        1,
        2,
        2,
        "66.6%",
    )


def test_listing_proposals_costs_the_same_however_many_there_are(api, demo):
    caller = api(demo.member)
    caller.get("/me")
    open_proposal(demo)
    one = queries_for(caller, f"{base(demo)}/proposals")
    for title in ("Meet on Mondays", "Meet on Fridays", "Meet on Sundays"):
        respond(open_proposal(demo, title=title, by=demo.delegate), demo.member, position="agree")

    assert queries_for(caller, f"{base(demo)}/proposals") == one
