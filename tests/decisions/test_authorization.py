"""An authorization test for every decisions action, over anonymous, outsider, member, delegate, coordinator, a
named facilitator and a former member: the right roles succeed with exactly the writes expected, and every refusal
says why and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from accord.decisions import actions, queries
from accord.decisions.models import DecisionKind, Proposal
from accord.errors import NotAllowed, NotFound, NotSignedIn

from .conftest import World, close, counts, current_round, group_key, in_days, open_proposal, snapshot

ROLES = ("anonymous", "outsider", "member", "delegate", "coordinator", "facilitator", "former")
MEMBERS = {"member", "delegate", "coordinator", "facilitator"}


def actor_for(world: World, role: str) -> Any:
    return AnonymousUser() if role == "anonymous" else getattr(world, role)


def people_proposal(world: World) -> Proposal:
    """Counted by people, proposed by Mo, with Fay named as facilitator."""
    return open_proposal(world, facilitators=[world.person(world.facilitator)])


def groups_proposal(world: World) -> Proposal:
    """Counted by member groups, proposed by Mo, with Fay named as facilitator."""
    return open_proposal(
        world, kind="name_and_shared_accounts", title="Rename us", facilitators=[world.person(world.facilitator)]
    )


def failed_proposal(world: World) -> Proposal:
    proposal = people_proposal(world)
    close(proposal)  # nobody responded: no quorum
    assert proposal.status == "no_quorum"
    return proposal


def no_kinds_yet(world: World) -> None:
    DecisionKind.objects.filter(coalition=world.coalition).delete()


@dataclass
class Case:
    name: str
    act: Callable[[World, Any, Any], Any]
    allowed: set[str]
    refusal: str  # what a signed-in actor who may not do it is told
    writes: dict[str, int]  # how the row counts grow when an allowed actor does it
    prepare: Callable[[World], Any] | None = None
    refusals: dict[str, str] = field(default_factory=dict)  # a different message for some roles


KIND_REFUSAL = "Only a coordinator of this coalition can change the decision kinds."
RESPOND_REFUSAL = "Only members of this coalition can respond."

CASES = [
    Case(
        "found_coalition",
        lambda w, a, _: actions.found_coalition(actor=a, name="Tees Valley", purpose="Act together"),
        {"outsider", "member", "delegate", "coordinator", "facilitator", "former"},
        "",
        {"kinds": 8, "audit": 2},  # the coalition founded, and the default decision kinds adopted
    ),
    Case(
        "adopt_default_decision_kinds",
        lambda w, a, _: actions.adopt_default_decision_kinds(actor=a, coalition=w.coalition),
        {"coordinator"},
        KIND_REFUSAL,
        {"kinds": 8, "audit": 1},
        prepare=no_kinds_yet,
    ),
    Case(
        "set_decision_kind (add)",
        lambda w, a, _: actions.set_decision_kind(
            actor=a, coalition=w.coalition, key="treasury", name="Treasury", rule={"method": "majority"}
        ),
        {"coordinator"},
        KIND_REFUSAL,
        {"kinds": 1, "audit": 1},
    ),
    Case(
        "set_decision_kind (change)",
        lambda w, a, _: actions.set_decision_kind(
            actor=a,
            coalition=w.coalition,
            kind=w.kind("meeting_conduct"),
            name="Meeting conduct",
            rule={"method": "majority", "unit": "people", "quorum": "1/3"},
        ),
        {"coordinator"},
        KIND_REFUSAL,
        {"audit": 1},
    ),
    Case(
        "set_agreed_weight",
        lambda w, a, _: actions.set_agreed_weight(actor=a, member_group=w.group, weight="3/2"),
        {"coordinator"},
        "Only a coordinator of this coalition can change agreed weights.",
        {"weights": 1, "audit": 1},
    ),
    Case(
        "open_proposal",
        lambda w, a, _: open_proposal(w, actor=a),
        MEMBERS,
        "Only members of this coalition can put a proposal to decision.",
        {"proposals": 1, "rounds": 1, "eligible": 5, "audit": 1},
    ),
    Case(
        "withdraw_proposal",
        lambda w, a, proposal: actions.withdraw_proposal(actor=a, proposal=proposal, reason="Not now"),
        {"member", "coordinator"},
        "Only the person who proposed it, or a coordinator, can withdraw it.",
        {"audit": 1},
        prepare=people_proposal,
    ),
    Case(
        "start_next_round",
        lambda w, a, proposal: actions.start_next_round(actor=a, proposal=proposal, closes_at=in_days(3)),
        {"member", "coordinator"},
        "Only the person who proposed it, or a coordinator, can start a new round.",
        {"rounds": 1, "eligible": 5, "audit": 1},
        prepare=failed_proposal,
    ),
    Case(
        "record_stance (own)",
        lambda w, a, proposal: actions.record_stance(actor=a, proposal=proposal, position="agree"),
        MEMBERS,
        RESPOND_REFUSAL,
        {"stances": 1, "audit": 1},
        prepare=people_proposal,
    ),
    Case(
        "record_stance (for Mo, by unit key)",
        lambda w, a, proposal: actions.record_stance(
            actor=a, proposal=proposal, unit_key=w.key(w.member), position="disagree"
        ),
        {"member", "coordinator", "facilitator"},
        "Only that person (or a facilitator) can give their stance.",
        {"stances": 1, "audit": 1},
        prepare=people_proposal,
        refusals={"outsider": RESPOND_REFUSAL, "former": RESPOND_REFUSAL},
    ),
    Case(
        "record_stance (for Leeds Action, by unit key)",
        lambda w, a, proposal: actions.record_stance(
            actor=a, proposal=proposal, unit_key=group_key(w.group), position="agree"
        ),
        {"delegate", "coordinator", "facilitator"},
        "Only Leeds Action's delegates (or a facilitator) can give its position.",
        {"stances": 1, "audit": 1},
        prepare=groups_proposal,
        refusals={"outsider": RESPOND_REFUSAL, "former": RESPOND_REFUSAL},
    ),
]


def _counts_with_weights() -> dict[str, int]:
    from accord.decisions.models import AgreedWeight

    return {**counts(), "weights": AgreedWeight.objects.count()}


PAIRS = [(case, role) for case in CASES for role in ROLES]


@pytest.mark.parametrize(("case", "role"), PAIRS, ids=[f"{case.name}-{role}" for case, role in PAIRS])
def test_only_the_right_roles_may_act(world: World, case: Case, role: str) -> None:
    context = case.prepare(world) if case.prepare else None
    before, before_counts = snapshot(), _counts_with_weights()
    actor = actor_for(world, role)
    if role in case.allowed:
        case.act(world, actor, context)
        after = _counts_with_weights()
        grown = {name: after[name] - before_counts[name] for name in after if after[name] != before_counts[name]}
        assert grown == case.writes
        assert snapshot() != before
        return
    expected = NotSignedIn if role == "anonymous" else NotAllowed
    with pytest.raises(expected) as refusal:
        case.act(world, actor, context)
    message = "Sign in to do this." if role == "anonymous" else case.refusals.get(role, case.refusal)
    assert refusal.value.message == message
    assert refusal.value.field is None
    assert snapshot() == before, f"{case.name} refused for {role} must change nothing"
    assert _counts_with_weights() == before_counts


def test_a_facilitator_named_on_one_proposal_cannot_record_on_another(world: World) -> None:
    named = people_proposal(world)
    unnamed = open_proposal(world, title="Meet on Thursdays")
    before = snapshot()
    with pytest.raises(NotAllowed) as refusal:
        actions.record_stance(
            actor=world.facilitator, proposal=unnamed, unit_key=world.key(world.member), position="agree"
        )
    assert refusal.value.message == "Only that person (or a facilitator) can give their stance."
    assert snapshot() == before
    stance = actions.record_stance(
        actor=world.facilitator, proposal=named, unit_key=world.key(world.member), position="agree"
    )
    assert (stance.unit_key, stance.recorded_by, stance.position) == (
        world.key(world.member),
        world.person(world.facilitator),
        "agree",
    )


def test_a_coordinator_cannot_reach_into_another_coalition(world: World) -> None:
    other_kind = world.kind("meeting_conduct", coalition=world.elsewhere)
    before = snapshot()
    with pytest.raises(NotAllowed) as refusal:
        actions.set_decision_kind(
            actor=world.coordinator, coalition=world.elsewhere, key="sneaky", name="Sneaky", rule={"method": "majority"}
        )
    assert refusal.value.message == KIND_REFUSAL
    with pytest.raises(NotFound) as wrong_kind:
        actions.set_decision_kind(
            actor=world.coordinator,
            coalition=world.coalition,
            kind=other_kind,
            name="Mine now",
            rule={"method": "majority"},
        )
    assert wrong_kind.value.message == "There is no such decision kind in this coalition."
    with pytest.raises(NotAllowed):
        actions.set_agreed_weight(actor=world.coordinator, member_group=world.elsewhere_group, weight=2)
    with pytest.raises(NotAllowed):
        actions.adopt_default_decision_kinds(actor=world.coordinator, coalition=world.elsewhere)
    assert snapshot() == before


def test_the_facilitator_of_a_proposal_may_list_its_eligible_units_and_no_one_else_below_coordinator(
    world: World,
) -> None:
    proposal = people_proposal(world)
    round_ = current_round(proposal)
    for role in ("facilitator", "coordinator"):
        listed = queries.eligible_units(actor_for(world, role), proposal, round_)
        assert [unit.label for unit in listed] == ["Ana", "Dev", "Fay", "Mo", "Pat"]
    for role in ("member", "delegate"):
        with pytest.raises(NotAllowed) as refusal:
            queries.eligible_units(actor_for(world, role), proposal, round_)
        assert refusal.value.message == (
            "Only a coordinator or a facilitator named on this proposal can record others' stances."
        )


QUERIES: list[tuple[str, Callable[[Any, Proposal], Any]]] = [
    ("decision_kinds", lambda actor, p: list(queries.decision_kinds(actor, p.coalition))),
    ("decision_kind", lambda actor, p: queries.decision_kind(actor, p.coalition, p.kind_id)),
    ("agreed_weights", lambda actor, p: queries.agreed_weights(actor, p.coalition)),
    ("proposals", lambda actor, p: list(queries.proposals(actor, p.coalition))),
    ("proposal", lambda actor, p: queries.proposal(actor, p.coalition, p.pk)),
    ("rounds", lambda actor, p: queries.rounds(actor, p)),
    ("proposal_view", lambda actor, p: queries.proposal_view(actor, p)),
    ("responses", lambda actor, p: list(queries.responses(actor, p, queries.current_round(p)))),
    ("not_responded", lambda actor, p: list(queries.not_responded(actor, p, queries.current_round(p)))),
    ("eligible_units", lambda actor, p: list(queries.eligible_units(actor, p, queries.current_round(p)))),
    ("stance_history", lambda actor, p: list(queries.stance_history(actor, p, "p1"))),
    ("participation", lambda actor, p: queries.participation(actor, p, queries.current_round(p))),
]


@pytest.mark.parametrize(("name", "read"), QUERIES, ids=[name for name, _ in QUERIES])
@pytest.mark.parametrize("role", ["anonymous", "outsider", "former"])
def test_only_members_may_read_decisions(
    world: World, name: str, read: Callable[[Any, Proposal], Any], role: str
) -> None:
    proposal = people_proposal(world)
    if role == "anonymous":
        with pytest.raises(NotSignedIn) as refusal:
            read(AnonymousUser(), proposal)
        assert refusal.value.message == "Sign in to see this coalition's decisions."
    else:
        with pytest.raises(NotAllowed) as refusal:
            read(actor_for(world, role), proposal)
        assert refusal.value.message == "Only members of this coalition can see its decisions."


def test_awaiting_is_empty_for_those_without_a_place(world: World) -> None:
    people_proposal(world)
    for role in ("anonymous", "outsider", "former"):
        assert list(queries.awaiting(actor_for(world, role), world.coalition)) == []


def test_queries_never_return_another_coalitions_rows(world: World) -> None:
    proposal = people_proposal(world)
    owner = world.elsewhere_owner
    with pytest.raises(NotAllowed):
        queries.proposals(owner, world.coalition)
    with pytest.raises(NotFound) as missing:
        queries.proposal(owner, world.elsewhere, proposal.pk)
    assert missing.value.message == "There is no such proposal in this coalition."
    with pytest.raises(NotFound):
        queries.decision_kind(owner, world.elsewhere, world.kind("meeting_conduct").pk)
    assert list(queries.proposals(owner, world.elsewhere)) == []
