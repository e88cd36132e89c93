"""Who may call each decisions endpoint: anonymous, outsider, member, delegate and coordinator, every one of them.

Writes: every refusal is answered with the right status, code and message, and changes nothing (whole rows
compared, the decisions tables included); then each persona who may call succeeds, each from the same starting
point (its call is rolled back afterwards), and `expect` asserts exactly what it did. Reads: every GET endpoint as
every persona, and no read changes anything. Guards check that these tables cover every decisions endpoint in the
OpenAPI document (tests/api/test_authorization.py counts them as covered).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction

from accord.coalitions import queries as coalition_queries
from accord.coalitions.models import AuditEvent
from accord.decisions import group_rules
from accord.decisions.models import AgreedWeight, DecisionKind, GroupMemberView, GroupRule, Proposal, Round, Stance
from accord.demo import Demo
from accord.governance import describe_rule, parse_rule

from .conftest import assert_error, snapshot
from .test_authorization import persona
from .test_decisions_api import (  # noqa: F401  (no_demo_proposals: a fixture, used here too)
    COUNTED_GROUPS,
    COUNTED_PEOPLE,
    GROUPS,
    as_draft,
    base,
    blocked_proposal,
    iso,
    key_of,
    kind,
    later,
    no_demo_proposals,
    open_proposal,
    respond,
)

PERSONAS = ("anonymous", "outsider", "member", "delegate", "coordinator")
SIGN_IN = (401, "not_signed_in", "Sign in, or send a personal API token as `Authorization: Bearer <token>`.")
MEMBERS_ONLY = (403, "not_allowed", "Only members of this coalition can see its decisions.")
COORDINATORS_ONLY = (403, "not_allowed", "Only a coordinator of this coalition can change the decision kinds.")
AUTHOR_OR_COORDINATOR = "Only the person who proposed it, or a coordinator, can {}."
NOT_A_DELEGATE = (
    403,
    "not_allowed",
    "This decision is counted by member groups, and you are not a delegate of an eligible group: ask your group's "
    "delegate to give its position.",
)

Answer = int | tuple[int, str, str]  # a success status, or the error's (status, code, message)


def person_of(demo: Demo, who: str) -> Any:
    return {"member": demo.member_person, "delegate": demo.delegate_person, "coordinator": demo.coordinator_person}[who]


def name_of(who: str) -> str:
    return {"member": "Daniel Murphy", "delegate": "Priya Shah", "coordinator": "Amara Okafor"}[who]


def last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-pk").first()


# --- writes --------------------------------------------------------------------------------------------------


@dataclass
class Write:
    name: str
    route: str  # as in the OpenAPI document: "POST /coalitions/{slug}/proposals"
    request: Callable[[Demo, Any], tuple[str, Any]]  # (demo, what `prepare` returned) -> path, body
    answers: dict[str, Answer]
    # (demo, persona, what `prepare` returned, the JSON answer): asserts exactly what the call did
    expect: Callable[[Demo, str, Any, Any], None]
    prepare: Callable[[Demo], Any] = field(default=lambda demo: None)

    @property
    def method(self) -> str:
        return self.route.split()[0]


def kind_added(demo: Demo, who: str, _: Any, body: dict[str, Any]) -> None:
    row = DecisionKind.objects.get(coalition=demo.coalition, key="working_group_budgets")
    assert (body["id"], row.rule) == (
        row.pk,
        {"method": "majority", "unit": "people", "weighting": "equal", "base": "decided"},
    )
    assert (last_event().verb, last_event().actor_user_id) == ("decision_kind.added", demo.coordinator.pk)


def kind_changed(demo: Demo, who: str, row: DecisionKind, body: dict[str, Any]) -> None:
    row.refresh_from_db()
    assert row.rule == body["rule"] == {"method": "consensus", "unit": "people", "weighting": "equal"}
    assert last_event().verb == "decision_kind.changed"


def no_kinds(demo: Demo) -> None:
    """A coalition from before decisions existed: no kinds, and a constitution not yet adopted."""
    as_draft(demo)
    DecisionKind.objects.filter(coalition=demo.coalition).delete()  # its proposals are gone: no_demo_proposals


def defaults_adopted(demo: Demo, who: str, _: Any, body: list[dict[str, Any]]) -> None:
    assert [item["key"] for item in body] == list(
        DecisionKind.objects.filter(coalition=demo.coalition).order_by("position").values_list("key", flat=True)
    )
    assert len(body) == 8


def weight_set(demo: Demo, who: str, _: Any, body: dict[str, Any]) -> None:
    assert AgreedWeight.objects.get(member_group=demo.delegate_group).weight == body["weight"] == "2"


def proposal_opened(demo: Demo, who: str, _: Any, body: dict[str, Any]) -> None:
    proposal = Proposal.objects.get(pk=body["id"])
    assert (proposal.author, proposal.title, proposal.status) == (person_of(demo, who), "Meet on Tuesdays", "open")
    assert (body["author_name"], body["round"]["eligible_count"]) == (name_of(who), COUNTED_PEOPLE)
    assert body["my_units"] == [
        {"unit": key_of(person_of(demo, who)), "label": name_of(who), "kind": "person", "stance": None}
    ]


def withdrawn(demo: Demo, who: str, proposal: Proposal, body: dict[str, Any]) -> None:
    proposal.refresh_from_db()
    assert (proposal.status, body["status"], body["withdrawn_reason"]) == ("withdrawn", "withdrawn", "Out of date.")
    assert (last_event().verb, last_event().actor_user_id) == ("proposal.withdrawn", persona(demo, who).pk)


def next_round(demo: Demo, who: str, proposal: Proposal, body: dict[str, Any]) -> None:
    proposal.refresh_from_db()
    assert (proposal.round_number, proposal.status, body["number"], body["eligible_count"]) == (
        2,
        "open",
        2,
        COUNTED_GROUPS,
    )
    assert Round.objects.get(proposal=proposal, number=2).opened_by == person_of(demo, who)


def stance_for(unit: Callable[[Demo, str], Any], recorder: Callable[[str], str] = name_of) -> Callable[..., None]:
    def expect(demo: Demo, who: str, proposal: Proposal, body: dict[str, Any]) -> None:
        stance = Stance.objects.get(round__proposal=proposal, is_current=True)
        assert (stance.unit_key, stance.position, stance.recorded_by) == (
            key_of(unit(demo, who)),
            "agree",
            person_of(demo, who),
        )
        assert (body["id"], body["unit"], body["recorded_by"]) == (stance.pk, key_of(unit(demo, who)), recorder(who))

    return expect


def tallied(demo: Demo, who: str, _: Any, body: dict[str, Any]) -> None:
    assert (body["status"], body["counts"]["eligible"], body["counts"]["responded"]) == ("passed", 2, 1)


def meeting_proposal(demo: Demo) -> Proposal:
    return open_proposal(demo)


def groups_proposal(demo: Demo) -> Proposal:
    return open_proposal(demo, "budget_and_strategy", title="Set next year's budget")


def draft_kind(demo: Demo) -> DecisionKind:
    """The meeting-conduct kind, with the demo's constitution back to a draft so that kinds may change directly."""
    as_draft(demo)
    return kind(demo, "meeting_conduct")


def proposal_path(tail: str) -> Callable[[Demo, Proposal], str]:
    return lambda demo, proposal: f"{base(demo)}/proposals/{proposal.pk}{tail}"


# --- spokescouncils: a member group's internal rule, its members' views, settling its position ------------------

MEMBERS_RULE = {"method": "majority", "unit": "people"}  # as sent
STORED_MEMBERS_RULE = {"method": "majority", "unit": "people", "weighting": "equal", "base": "decided"}
LEEDS_DELEGATES_ONLY = (403, "not_allowed", "Only Leeds Climate Action's delegates can set its internal rule.")
LEEDS_MEMBERS_ONLY = (403, "not_allowed", "Only members of Leeds Climate Action can give a view for it.")
MEMBERS_MAY = (403, "not_allowed", "Only members of this coalition can do this.")
LEEDS_PEOPLE = 6  # Leeds Climate Action's current people in the demo, the member and the delegate among them


def leeds_people(demo: Demo) -> list[Any]:
    """Leeds Climate Action's current people (the member and the delegate among them)."""
    people = list(coalition_queries.current_people(demo.coalition, in_groups=[demo.delegate_group.pk]).order_by("pk"))
    assert len(people) == LEEDS_PEOPLE
    return people


def with_leeds_rule(demo: Demo) -> None:
    """Leeds Climate Action settles its spokescouncil positions by a majority of its members, set by its delegate."""
    group_rules.set_group_rule(actor=demo.delegate, member_group=demo.delegate_group, rule=MEMBERS_RULE)


def spokes_proposal(demo: Demo) -> Proposal:
    """The budget (counted by member groups) put to a spokescouncil, Leeds Climate Action having its own rule."""
    with_leeds_rule(demo)
    return open_proposal(demo, "budget_and_strategy", title="Set next year's budget", process="spokescouncil")


def spokes_proposal_with_a_view(demo: Demo) -> Proposal:
    """The spokescouncil proposal, with the member's view (agree) the only one Leeds Climate Action has given."""
    proposal = spokes_proposal(demo)
    group_rules.give_member_view(
        actor=demo.member, proposal=proposal, member_group=demo.delegate_group, spokes_position="agree"
    )
    return proposal


def spokes_proposal_with_every_view(demo: Demo) -> Proposal:
    """The spokescouncil proposal, every current person of Leeds Climate Action having given a view (agree)."""
    proposal = spokes_proposal(demo)
    round_ = Round.objects.get(proposal=proposal, number=1)
    GroupMemberView.objects.bulk_create(
        GroupMemberView(round=round_, member_group=demo.delegate_group, person=person, spokes_position="agree")
        for person in leeds_people(demo)
    )
    return proposal


def rule_set(demo: Demo, who: str, _: Any, body: dict[str, Any]) -> None:
    row = GroupRule.objects.get(member_group=demo.delegate_group)
    assert (row.rule, row.enabled, row.updated_by) == (STORED_MEMBERS_RULE, True, demo.delegate_person)
    assert body == {
        "member_group": demo.delegate_group.pk,
        "rule": STORED_MEMBERS_RULE,
        "rule_text": describe_rule(parse_rule(STORED_MEMBERS_RULE)),
        "enabled": True,
    }
    assert (last_event().verb, last_event().actor_user_id) == ("group_rule.set", demo.delegate.pk)


def view_given(demo: Demo, who: str, proposal: Proposal, body: dict[str, Any]) -> None:
    (view,) = GroupMemberView.objects.filter(round__proposal=proposal)
    assert (view.member_group, view.person, view.spokes_position, view.amendment, view.reason) == (
        demo.delegate_group,
        person_of(demo, who),
        "amend",
        "Half the budget for the spring campaign.",
        "",
    )
    assert body == {
        "member_group": demo.delegate_group.pk,
        "round": 1,
        "spokes_position": "amend",
        "amendment": "Half the budget for the spring campaign.",
        "reason": "",
        "updated_at": iso(view.updated_at),
    }
    assert not Stance.objects.filter(round__proposal=proposal).exists()  # a view is not yet the group's position
    assert (last_event().verb, last_event().actor_user_id) == ("group_view.given", persona(demo, who).pk)


def settled_from(views: int) -> Callable[..., None]:
    """The group's position, settled by its rule from `views` views, all of them agreeing."""

    def expect(demo: Demo, who: str, proposal: Proposal, body: dict[str, Any]) -> None:
        stance = Stance.objects.get(round__proposal=proposal, is_current=True)
        assert (stance.unit_key, stance.spokes_position, stance.position, stance.recorded_by) == (
            key_of(demo.delegate_group),
            "agree",
            "agree",
            person_of(demo, who),
        )
        assert stance.note.startswith(
            f"Settled by Leeds Climate Action's internal rule from {views} of {LEEDS_PEOPLE} members' views: "
        )
        assert (body["id"], body["unit"], body["spokes_position"], body["note"], body["recorded_by"]) == (
            stance.pk,
            key_of(demo.delegate_group),
            "agree",
            stance.note,
            name_of(who),
        )
        assert (last_event().verb, last_event().actor_user_id) == ("stance.recorded", persona(demo, who).pk)

    return expect


WRITES = [
    Write(
        "add_decision_kind",
        "POST /coalitions/{slug}/decision-kinds",
        lambda demo, _: (
            f"{base(demo)}/decision-kinds",
            {"name": "Working-group budgets", "rule": {"method": "majority"}},
        ),
        {
            "anonymous": SIGN_IN,
            "outsider": COORDINATORS_ONLY,
            "member": COORDINATORS_ONLY,
            "delegate": COORDINATORS_ONLY,
            "coordinator": 201,
        },
        kind_added,
        prepare=as_draft,
    ),
    Write(
        "update_decision_kind",
        "PUT /coalitions/{slug}/decision-kinds/{kind_id}",
        lambda demo, row: (
            f"{base(demo)}/decision-kinds/{row.pk}",
            {"name": "Meeting conduct", "rule": {"method": "consensus"}, "scope": "coalition"},
        ),
        {
            "anonymous": SIGN_IN,
            "outsider": MEMBERS_ONLY,  # the kind is looked up first, and only members may see it
            "member": COORDINATORS_ONLY,
            "delegate": COORDINATORS_ONLY,
            "coordinator": 200,
        },
        kind_changed,
        prepare=draft_kind,
    ),
    Write(
        "adopt_default_decision_kinds",
        "POST /coalitions/{slug}/decision-kinds/adopt-defaults",
        lambda demo, _: (f"{base(demo)}/decision-kinds/adopt-defaults", None),
        {
            "anonymous": SIGN_IN,
            "outsider": COORDINATORS_ONLY,
            "member": COORDINATORS_ONLY,
            "delegate": COORDINATORS_ONLY,
            "coordinator": 201,
        },
        defaults_adopted,
        prepare=no_kinds,
    ),
    Write(
        "set_agreed_weight",
        "PUT /coalitions/{slug}/agreed-weights/{group_id}",
        lambda demo, _: (f"{base(demo)}/agreed-weights/{demo.delegate_group.pk}", {"weight": "2"}),
        {
            "anonymous": SIGN_IN,
            "outsider": (403, "not_allowed", "Only members of this coalition can do this."),
            "member": (403, "not_allowed", "Only a coordinator of this coalition can change agreed weights."),
            "delegate": (403, "not_allowed", "Only a coordinator of this coalition can change agreed weights."),
            "coordinator": 200,
        },
        weight_set,
        prepare=as_draft,
    ),
    Write(
        "open_proposal",
        "POST /coalitions/{slug}/proposals",
        lambda demo, _: (
            f"{base(demo)}/proposals",
            {
                "kind": kind(demo, "meeting_conduct").pk,
                "title": "Meet on Tuesdays",
                "text": "We meet on Tuesdays from now on.",
                "closes_at": iso(later(days=3)),
            },
        ),
        {"anonymous": SIGN_IN, "outsider": MEMBERS_ONLY, "member": 201, "delegate": 201, "coordinator": 201},
        proposal_opened,
    ),
    Write(
        "withdraw_proposal",
        "POST /coalitions/{slug}/proposals/{proposal_id}/withdraw",
        lambda demo, proposal: (proposal_path("/withdraw")(demo, proposal), {"reason": "Out of date."}),
        {
            "anonymous": SIGN_IN,
            "outsider": MEMBERS_ONLY,
            "member": 200,  # who proposed it
            "delegate": (403, "not_allowed", AUTHOR_OR_COORDINATOR.format("withdraw it")),
            "coordinator": 200,
        },
        withdrawn,
        prepare=meeting_proposal,
    ),
    Write(
        "start_next_round",
        "POST /coalitions/{slug}/proposals/{proposal_id}/rounds",
        lambda demo, proposal: (proposal_path("/rounds")(demo, proposal), {"closes_at": iso(later(days=5))}),
        {
            "anonymous": SIGN_IN,
            "outsider": MEMBERS_ONLY,
            "member": 201,  # who proposed it
            "delegate": (403, "not_allowed", AUTHOR_OR_COORDINATOR.format("start a new round")),
            "coordinator": 201,
        },
        next_round,
        prepare=blocked_proposal,
    ),
    Write(
        "record_stance_for_oneself",
        "POST /coalitions/{slug}/proposals/{proposal_id}/stances",
        lambda demo, proposal: (proposal_path("/stances")(demo, proposal), {"position": "agree"}),
        {"anonymous": SIGN_IN, "outsider": MEMBERS_ONLY, "member": 201, "delegate": 201, "coordinator": 201},
        stance_for(person_of),
        prepare=meeting_proposal,
    ),
    Write(
        "record_stance_counted_by_groups",
        "POST /coalitions/{slug}/proposals/{proposal_id}/stances",
        lambda demo, proposal: (proposal_path("/stances")(demo, proposal), {"position": "agree"}),
        {
            "anonymous": SIGN_IN,
            "outsider": MEMBERS_ONLY,
            "member": NOT_A_DELEGATE,
            "delegate": 201,
            "coordinator": NOT_A_DELEGATE,  # an individual member, in no group: she would facilitate, naming a unit
        },
        stance_for(lambda demo, who: demo.delegate_group),
        prepare=groups_proposal,
    ),
    Write(
        "record_stance_for_a_named_group",
        "POST /coalitions/{slug}/proposals/{proposal_id}/stances",
        lambda demo, proposal: (
            proposal_path("/stances")(demo, proposal),
            {"unit": key_of(demo.delegate_group), "position": "agree"},
        ),
        {
            "anonymous": SIGN_IN,
            "outsider": MEMBERS_ONLY,
            "member": (
                403,
                "not_allowed",
                "Only Leeds Climate Action's delegates (or a facilitator) can give its position.",
            ),
            "delegate": 201,
            "coordinator": 201,  # facilitating
        },
        stance_for(lambda demo, who: demo.delegate_group),
        prepare=groups_proposal,
    ),
    Write(
        "set_group_rule",
        "PUT /coalitions/{slug}/member-groups/{group_id}/rule",
        lambda demo, _: (f"{base(demo)}/member-groups/{demo.delegate_group.pk}/rule", {"rule": MEMBERS_RULE}),
        {
            "anonymous": SIGN_IN,
            "outsider": MEMBERS_MAY,  # the group is looked up first, and only members may see it
            "member": LEEDS_DELEGATES_ONLY,  # a member of the group, not its delegate
            "delegate": 200,
            "coordinator": LEEDS_DELEGATES_ONLY,  # coordinating the coalition is no say in a group's own rule
        },
        rule_set,
    ),
    Write(
        "give_member_view",
        "POST /coalitions/{slug}/proposals/{proposal_id}/member-views",
        lambda demo, proposal: (
            proposal_path("/member-views")(demo, proposal),
            {
                "member_group": demo.delegate_group.pk,
                "spokes_position": "amend",
                "amendment": "Half the budget for the spring campaign.",
            },
        ),
        {
            "anonymous": SIGN_IN,
            "outsider": MEMBERS_ONLY,
            "member": 201,
            "delegate": 201,  # a delegate is a member of the group too
            "coordinator": LEEDS_MEMBERS_ONLY,  # an individual member, in no group
        },
        view_given,
        prepare=spokes_proposal,
    ),
    Write(
        "settle_group_position_before_every_view",
        "POST /coalitions/{slug}/proposals/{proposal_id}/settle-group-position",
        lambda demo, proposal: (
            proposal_path("/settle-group-position")(demo, proposal),
            {"member_group": demo.delegate_group.pk},
        ),
        {
            "anonymous": SIGN_IN,
            "outsider": MEMBERS_ONLY,
            "member": (
                403,
                "not_allowed",
                f"Until every member has given a view (1 of {LEEDS_PEOPLE} so far), only Leeds Climate Action's "
                "delegates can settle its position.",
            ),
            "delegate": 201,
            "coordinator": (
                403,
                "not_allowed",
                "Only Leeds Climate Action's delegates or members can settle its position.",
            ),
        },
        settled_from(1),
        prepare=spokes_proposal_with_a_view,
    ),
    Write(
        "settle_group_position_once_every_member_gave_a_view",
        "POST /coalitions/{slug}/proposals/{proposal_id}/settle-group-position",
        lambda demo, proposal: (
            proposal_path("/settle-group-position")(demo, proposal),
            {"member_group": demo.delegate_group.pk},
        ),
        {
            "anonymous": SIGN_IN,
            "outsider": MEMBERS_ONLY,
            "member": 201,  # any member, now that every member has given a view
            "delegate": 201,
            "coordinator": (
                403,
                "not_allowed",
                "Only Leeds Climate Action's delegates or members can settle its position.",
            ),
        },
        settled_from(LEEDS_PEOPLE),
        prepare=spokes_proposal_with_every_view,
    ),
    Write(
        "tally_ballots",
        "POST /tally",
        lambda demo, _: (
            "/tally",
            {
                "rule": {"method": "majority"},
                "ballots": {
                    "eligible": [{"unit": "a"}, {"unit": "b"}],
                    "stances": [{"unit": "a", "position": "agree"}],
                },
            },
        ),
        {"anonymous": SIGN_IN, "outsider": 200, "member": 200, "delegate": 200, "coordinator": 200},
        tallied,
    ),
]


@pytest.mark.parametrize("case", [pytest.param(case, id=case.name) for case in WRITES])
def test_only_the_right_roles_may(api, demo, case: Write):
    prepared = case.prepare(demo)
    path, body = case.request(demo, prepared)
    callers = {who: api(persona(demo, who)) for who in PERSONAS}  # tokens made up front
    before = snapshot()

    for who, expected in case.answers.items():
        if isinstance(expected, int):
            continue
        response = callers[who].send(case.method, path, body)
        error = assert_error(response, expected[0], expected[1])
        assert error["message"] == expected[2], f"{case.name} as {who}"
        assert snapshot() == before, f"{case.name} as {who} changed something although refused"

    for who, expected in case.answers.items():
        if not isinstance(expected, int):
            continue
        with transaction.atomic():  # each allowed persona starts from the same point
            response = callers[who].send(case.method, path, body)
            assert response.status_code == expected, f"{case.name} as {who}: {response.content!r}"
            case.expect(demo, who, prepared, response.json())
            transaction.set_rollback(True)


# --- reads ---------------------------------------------------------------------------------------------------

OK = 200
MEMBERS = {"anonymous": SIGN_IN, "outsider": MEMBERS_ONLY, "member": OK, "delegate": OK, "coordinator": OK}


def answered_by_two(demo: Demo) -> Proposal:
    """The meeting-conduct proposal, the member agreeing and the delegate disagreeing."""
    proposal = open_proposal(demo)
    respond(proposal, demo.member, position="agree")
    respond(proposal, demo.delegate, position="disagree")
    return proposal


def spokes_answered_by_leeds(demo: Demo) -> Proposal:
    """The budget at a spokescouncil, Leeds Climate Action's delegate asking for an amendment."""
    proposal = spokes_proposal(demo)
    respond(proposal, demo.delegate, spokes_position="amend", amendment="Half the budget for the spring campaign.")
    return proposal


@dataclass
class Read:
    route: str
    path: Callable[[Demo, Proposal], str]
    answers: dict[str, Answer]
    sees: Callable[[Demo, str, Proposal, dict[str, Any]], None]
    setup: Callable[[Demo], Proposal] = answered_by_two


def sees_the_kinds(demo: Demo, who: str, proposal: Proposal, body: dict[str, Any]) -> None:
    assert body["count"] == 8


def sees_a_kind(demo: Demo, who: str, proposal: Proposal, body: dict[str, Any]) -> None:
    assert (body["key"], body["rule"]["method"]) == ("meeting_conduct", "majority")


def sees_the_weights(demo: Demo, who: str, proposal: Proposal, body: dict[str, Any]) -> None:
    assert body["count"] == GROUPS


def sees_the_proposals(demo: Demo, who: str, proposal: Proposal, body: dict[str, Any]) -> None:
    assert [(item["id"], item["responded_count"]) for item in body["items"]] == [(proposal.pk, 2)]


def sees_the_proposal(demo: Demo, who: str, proposal: Proposal, body: dict[str, Any]) -> None:
    position = {"member": "agree", "delegate": "disagree", "coordinator": None}[who]
    (mine,) = body["my_units"]
    assert (mine["unit"], mine["stance"] and mine["stance"]["position"]) == (key_of(person_of(demo, who)), position)
    assert (body["may_facilitate"], body["may_withdraw"]) == (who == "coordinator", who in ("member", "coordinator"))


def sees_the_rounds(demo: Demo, who: str, proposal: Proposal, body: dict[str, Any]) -> None:
    assert [item["number"] for item in body["items"]] == [1]


def sees_the_outcome(demo: Demo, who: str, proposal: Proposal, body: dict[str, Any]) -> None:
    assert (body["outcome"]["status"], body["outcome"]["counts"]["responded"]) == ("no_quorum", 2)


def sees_the_stances(demo: Demo, who: str, proposal: Proposal, body: dict[str, Any]) -> None:
    assert [item["unit_label"] for item in body["items"]] == ["Daniel Murphy", "Priya Shah"]


def sees_the_history(demo: Demo, who: str, proposal: Proposal, body: dict[str, Any]) -> None:
    assert [item["position"] for item in body["items"]] == ["agree"]


def sees_who_has_not_responded(demo: Demo, who: str, proposal: Proposal, body: dict[str, Any]) -> None:
    assert body["count"] == COUNTED_PEOPLE - 2


def sees_every_eligible_unit(demo: Demo, who: str, proposal: Proposal, body: dict[str, Any]) -> None:
    assert body["count"] == COUNTED_PEOPLE


def sees_the_positions_side_by_side(demo: Demo, who: str, proposal: Proposal, body: dict[str, Any]) -> None:
    stance = Stance.objects.get(round__proposal=proposal, is_current=True)
    assert (body["round"], body["status"], body["hidden"], len(body["positions"])) == (1, "open", False, COUNTED_GROUPS)
    (given,) = [row for row in body["positions"] if row["spokes_position"]]
    assert given == {
        "unit": key_of(demo.delegate_group),
        "unit_label": "Leeds Climate Action",
        "spokes_position": "amend",
        "position_words": "Agree with amendments",
        "amendment": "Half the budget for the spring campaign.",
        "concerns": "",
        "note": "",
        "recorded_by": "Priya Shah",
        "recorded_at": iso(stance.created_at),
    }


def sees_the_groups_rule(demo: Demo, who: str, proposal: Proposal, body: dict[str, Any]) -> None:
    assert body == {
        "member_group": demo.delegate_group.pk,
        "rule": STORED_MEMBERS_RULE,
        "rule_text": describe_rule(parse_rule(STORED_MEMBERS_RULE)),
        "enabled": True,
    }


READS = [
    Read(
        "GET /coalitions/{slug}/decision-kinds", lambda demo, _: f"{base(demo)}/decision-kinds", MEMBERS, sees_the_kinds
    ),
    Read(
        "GET /coalitions/{slug}/decision-kinds/{kind_id}",
        lambda demo, _: f"{base(demo)}/decision-kinds/{kind(demo, 'meeting_conduct').pk}",
        MEMBERS,
        sees_a_kind,
    ),
    Read(
        "GET /coalitions/{slug}/agreed-weights",
        lambda demo, _: f"{base(demo)}/agreed-weights",
        MEMBERS,
        sees_the_weights,
    ),
    Read("GET /coalitions/{slug}/proposals", lambda demo, _: f"{base(demo)}/proposals", MEMBERS, sees_the_proposals),
    Read("GET /coalitions/{slug}/proposals/{proposal_id}", proposal_path(""), MEMBERS, sees_the_proposal),
    Read("GET /coalitions/{slug}/proposals/{proposal_id}/rounds", proposal_path("/rounds"), MEMBERS, sees_the_rounds),
    Read(
        "GET /coalitions/{slug}/proposals/{proposal_id}/outcome", proposal_path("/outcome"), MEMBERS, sees_the_outcome
    ),
    Read(
        "GET /coalitions/{slug}/proposals/{proposal_id}/stances", proposal_path("/stances"), MEMBERS, sees_the_stances
    ),
    Read(
        "GET /coalitions/{slug}/proposals/{proposal_id}/stances/history",
        lambda demo, proposal: f"{proposal_path('/stances/history')(demo, proposal)}?unit={key_of(demo.member_person)}",
        MEMBERS,
        sees_the_history,
    ),
    Read(
        "GET /coalitions/{slug}/proposals/{proposal_id}/not-responded",
        proposal_path("/not-responded"),
        MEMBERS,
        sees_who_has_not_responded,
    ),
    Read(
        "GET /coalitions/{slug}/proposals/{proposal_id}/eligible",
        proposal_path("/eligible"),
        {
            **MEMBERS,
            "member": (
                403,
                "not_allowed",
                "Only a coordinator or a facilitator named on this proposal can record others' stances.",
            ),
            "delegate": (
                403,
                "not_allowed",
                "Only a coordinator or a facilitator named on this proposal can record others' stances.",
            ),
        },
        sees_every_eligible_unit,
    ),
    Read(
        "GET /coalitions/{slug}/proposals/{proposal_id}/spokes-positions",
        proposal_path("/spokes-positions"),
        MEMBERS,
        sees_the_positions_side_by_side,
        setup=spokes_answered_by_leeds,
    ),
    Read(
        "GET /coalitions/{slug}/member-groups/{group_id}/rule",
        lambda demo, _: f"{base(demo)}/member-groups/{demo.delegate_group.pk}/rule",
        {**MEMBERS, "outsider": MEMBERS_MAY},  # the group is looked up first, and only members may see it
        sees_the_groups_rule,
        setup=spokes_proposal,  # with Leeds Climate Action's rule set
    ),
]


@pytest.mark.parametrize("read", [pytest.param(read, id=read.route) for read in READS])
def test_who_may_read_what(api, demo, read: Read):
    proposal = read.setup(demo)
    path = read.path(demo, proposal)
    callers = {who: api(persona(demo, who)) for who in PERSONAS}
    before = snapshot()

    for who in PERSONAS:
        response = callers[who].get(path)
        expected = read.answers[who]
        if expected == OK:
            assert response.status_code == 200, f"{read.route} as {who}: {response.content!r}"
            read.sees(demo, who, proposal, response.json())
        else:
            assert isinstance(expected, tuple)
            error = assert_error(response, expected[0], expected[1])
            assert error["message"] == expected[2], f"{read.route} as {who}"

    assert snapshot() == before, f"reading {read.route} changed something"


# --- guards --------------------------------------------------------------------------------------------------

DECISION_WRITE_ROUTES = {case.route for case in WRITES}
DECISION_READ_ROUTES = {read.route for read in READS}


def decision_routes(*, reads: bool) -> set[str]:
    """The decisions router's routes, as the OpenAPI document names them ("/x/{int:kind_id}" -> "/x/{kind_id}")."""
    from accord.api.root import api
    from accord.decisions.api import router

    ours = {re.sub(r"\{(?:\w+:)?(\w+)\}", r"{\1}", path) for path in router.path_operations}
    return {
        f"{method.upper()} {path.removeprefix('/api/v1')}"
        for path, operations in api.get_openapi_schema()["paths"].items()
        if path.removeprefix("/api/v1") in ours
        for method in operations
        if (method == "get") == reads
    }


def test_every_decisions_endpoint_has_a_row_for_every_persona():
    assert DECISION_WRITE_ROUTES == decision_routes(reads=False)
    assert DECISION_READ_ROUTES == decision_routes(reads=True)
    for case in WRITES:
        assert set(case.answers) == set(PERSONAS), case.name
    for read in READS:
        assert set(read.answers) == set(PERSONAS), read.route
