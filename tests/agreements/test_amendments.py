"""Amendments of every kind: decided under the "amend the constitution" rule in force, taking effect when they
pass, and refused with the field to change when malformed."""

from __future__ import annotations

import pytest

from accord.agreements import actions
from accord.agreements.models import Agreement, AgreementVersion, Amendment, Constitution
from accord.coalitions.models import AuditEvent
from accord.decisions import actions as decision_actions
from accord.decisions.models import AgreedWeight, DecisionKind, Status
from accord.errors import Conflict, Invalid, NotAllowed

from .conftest import World, agreement, decide, eligible_keys, group_key, in_days, snapshot

MAJORITY_OF_PEOPLE = {"method": "majority", "unit": "people"}


def amend(world: World, target: str, change: dict, *, actor=None, title: str = "An amendment", **about) -> Amendment:
    return actions.propose_amendment(
        actor=actor or world.member,
        coalition=world.coalition,
        target=target,
        change=change,
        title=title,
        closes_at=in_days(7),
        **about,
    )


def test_an_amendment_to_an_agreement_passes_into_version_2(adopted: World) -> None:
    world = adopted
    unity = agreement(world, "unity_statement")
    first = actions.current_version(unity)
    amendment = amend(world, "agreement", {"text": "Rivers clean enough to swim in."}, agreement=unity)
    proposal = amendment.proposal
    assert (proposal.effect, proposal.kind.key, amendment.target_key, amendment.base_revision) == (
        "amendment",
        "amend_constitution",
        f"agreement:{unity.pk}",
        1,
    )
    assert proposal.rule == world.kind("amend_constitution").rule
    assert "Rivers clean enough to swim in." in proposal.rounds.get().text
    decide(world, proposal)
    assert proposal.status == Status.PASSED
    version = actions.current_version(unity)
    assert (version.number, version.title, version.text, version.adopted_by) == (
        2,
        first.title,
        "Rivers clean enough to swim in.",
        proposal,
    )
    assert version.took_effect_at is not None
    amendment.refresh_from_db()
    assert amendment.adopted_version == version and amendment.applied_at is not None
    first.refresh_from_db()
    assert first.text != version.text  # the earlier version is kept as it was
    event = AuditEvent.objects.get(coalition=world.coalition, verb="agreement.amended")
    assert event.data == {"version": 2}


def test_a_rejected_amendment_changes_nothing(adopted: World) -> None:
    world = adopted
    unity = agreement(world, "unity_statement")
    amendment = amend(world, "agreement", {"text": "Something else."}, agreement=unity)
    decide(world, amendment.proposal, positions={group_key(world.group): "block"})
    assert amendment.proposal.status == Status.BLOCKED
    assert actions.current_version(unity).number == 1
    amendment.refresh_from_db()
    assert amendment.applied_at is None


def test_a_new_agreement_is_added_when_its_amendment_passes(adopted: World) -> None:
    world = adopted
    change = {"title": "Care policy", "text": "We look after each other.", "category": "policy"}
    amendment = amend(world, "new_agreement", change)
    assert amendment.target_key == "new_agreement:care_policy"
    assert not Agreement.objects.filter(coalition=world.coalition, key="care_policy").exists()
    decide(world, amendment.proposal)
    added = Agreement.objects.get(coalition=world.coalition, key="care_policy")
    version = actions.current_version(added)
    assert (added.category, added.members_confirm, version.number, version.text, version.adopted_by) == (
        "policy",
        False,
        1,
        "We look after each other.",
        amendment.proposal,
    )
    assert AuditEvent.objects.filter(coalition=world.coalition, verb="agreement.added").count() == 1


def test_a_changed_rule_applies_to_proposals_opened_after_it_and_not_before(adopted: World) -> None:
    world = adopted
    budget = world.kind("budget_and_strategy")
    old_rule, revision = budget.rule, budget.revision
    before = decision_actions.open_proposal(
        actor=world.member, coalition=world.coalition, kind=budget, title="Budget 1", text="x", closes_at=in_days(7)
    )
    amendment = amend(world, "decision_kind", {"rule": MAJORITY_OF_PEOPLE}, decision_kind=budget)
    assert (amendment.target_key, amendment.base_revision) == (f"decision_kind:{budget.pk}", revision)
    decide(world, amendment.proposal)
    assert amendment.proposal.status == Status.PASSED
    budget.refresh_from_db()
    assert budget.rule["method"] == "majority" and budget.rule["unit"] == "people"
    assert budget.revision == revision + 1
    after = decision_actions.open_proposal(
        actor=world.member, coalition=world.coalition, kind=budget, title="Budget 2", text="x", closes_at=in_days(7)
    )
    before.refresh_from_db()
    assert before.rule == old_rule
    assert after.rule == budget.rule
    assert len(eligible_keys(before)) == 2 and len(eligible_keys(after)) == 5
    assert AuditEvent.objects.filter(coalition=world.coalition, verb="decision_kind.changed").count() == 1


def test_a_changed_scope_takes_effect(adopted: World) -> None:
    world = adopted
    budget = world.kind("budget_and_strategy")
    amendment = amend(world, "decision_kind", {"scope": "affected_groups"}, decision_kind=budget)
    decide(world, amendment.proposal)
    budget.refresh_from_db()
    assert (budget.scope, budget.revision) == ("affected_groups", 2)


def test_a_new_decision_kind_is_added(adopted: World) -> None:
    world = adopted
    change = {"key": "campaigns", "name": "Campaigns", "description": "Which campaigns", "rule": MAJORITY_OF_PEOPLE}
    amendment = amend(world, "new_decision_kind", {**change, "scope": "coalition"})
    assert amendment.target_key == "new_decision_kind:campaigns"
    decide(world, amendment.proposal)
    kind = world.kind("campaigns")
    assert (kind.name, kind.description, kind.rule["method"], kind.scope, kind.revision) == (
        "Campaigns",
        "Which campaigns",
        "majority",
        "coalition",
        1,
    )
    assert AuditEvent.objects.filter(coalition=world.coalition, verb="decision_kind.added").count() == 1


def test_terms_change_and_the_revision_moves_on(adopted: World) -> None:
    world = adopted
    amendment = amend(world, "terms", {"induction_days": "7", "concerned_member_takes_part": True})
    assert amendment.change == {"induction_days": 7, "concerned_member_takes_part": True}
    assert (amendment.target_key, amendment.base_revision) == ("terms", 1)
    decide(world, amendment.proposal)
    constitution = Constitution.objects.get(coalition=world.coalition)
    assert (constitution.induction_days, constitution.concerned_member_takes_part, constitution.revision) == (
        7,
        True,
        2,
    )
    assert AuditEvent.objects.get(coalition=world.coalition, verb="constitution.terms_amended").data == amendment.change


def test_an_agreed_weight_changes_and_returns_to_one(adopted: World) -> None:
    world = adopted
    amendment = amend(world, "agreed_weight", {"weight": "2"}, member_group=world.group)
    assert amendment.target_key == f"agreed_weight:{world.group.pk}"
    decide(world, amendment.proposal)
    assert AgreedWeight.objects.get(member_group=world.group).weight == "2"
    back = amend(world, "agreed_weight", {"weight": ""}, member_group=world.group)
    decide(world, back.proposal)
    assert not AgreedWeight.objects.filter(member_group=world.group).exists()
    assert AuditEvent.objects.filter(coalition=world.coalition, verb="agreed_weight.changed").count() == 2


def test_amending_the_amendment_rule_changes_how_the_next_amendment_is_decided(adopted: World) -> None:
    world = adopted
    amend_kind = world.kind("amend_constitution")
    change_rule = amend(world, "decision_kind", {"rule": MAJORITY_OF_PEOPLE}, decision_kind=amend_kind)
    assert change_rule.proposal.rule["unit"] == "groups"
    decide(world, change_rule.proposal)
    assert change_rule.proposal.status == Status.PASSED
    amend_kind.refresh_from_db()
    assert amend_kind.rule["method"] == "majority"
    nxt = amend(world, "agreement", {"text": "A simpler purpose."}, agreement=agreement(world, "purpose"))
    assert nxt.proposal.rule == amend_kind.rule
    assert len(eligible_keys(nxt.proposal)) == 5  # people now, not groups
    # 3 of 5 people agree, 2 disagree: a majority of people passes it (consensus of groups would not).
    decide(
        world,
        nxt.proposal,
        positions={world.key(world.other_delegate): "disagree", world.key(world.facilitator): "disagree"},
    )
    assert nxt.proposal.status == Status.PASSED
    assert actions.current_version(agreement(world, "purpose")).text == "A simpler purpose."


@pytest.mark.parametrize("key", ["amend_constitution", "admit_member", "ask_member_to_leave"])
def test_the_effect_kinds_cannot_become_a_choice_between_options(adopted: World, key: str) -> None:
    world = adopted
    before = snapshot()
    with pytest.raises(Invalid) as refused:
        amend(world, "decision_kind", {"rule": {"method": "approval", "unit": "people"}}, decision_kind=world.kind(key))
    assert refused.value.field == "change.rule"
    assert snapshot() == before


def test_other_kinds_may_become_a_choice_between_options(adopted: World) -> None:
    world = adopted
    amendment = amend(
        world,
        "decision_kind",
        {"rule": {"method": "approval", "unit": "people"}},
        decision_kind=world.kind("meeting_conduct"),
    )
    assert amendment.change["rule"]["method"] == "approval"


@pytest.mark.parametrize(
    ("target", "change", "about", "field"),
    [
        ("agreement", {"text": ""}, "unity", "change.text"),
        ("agreement", {"text": "x", "title": "two\nlines"}, "unity", "change.title"),
        ("agreement", {"text": "x"}, None, "agreement"),
        ("agreement", "just text", "unity", "change"),
        ("new_agreement", {"title": "Care", "text": "x", "category": "other"}, None, "category"),
        ("new_agreement", {"title": "Unity statement", "text": "x", "category": "unity"}, None, "title"),
        ("decision_kind", {"rule": {"method": "majority", "unit": "people", "threshold": "2"}}, "kind", None),
        ("decision_kind", {"rule": {"method": "supermajority", "unit": "groups", "threshold": "x"}}, "kind", None),
        ("decision_kind", {"rule": {"method": "vote", "unit": "people"}}, "kind", None),
        ("decision_kind", {"scope": "everyone"}, "kind", "change.scope"),
        ("decision_kind", {"rule": MAJORITY_OF_PEOPLE}, None, "decision_kind"),
        ("new_decision_kind", {"name": "", "rule": MAJORITY_OF_PEOPLE}, None, "change.name"),
        (
            "new_decision_kind",
            {"key": "budget_and_strategy", "name": "B", "rule": MAJORITY_OF_PEOPLE},
            None,
            "change.key",
        ),
        ("terms", {"induction_days": "soon"}, None, "induction_days"),
        ("terms", {"induction_days": -1}, None, "induction_days"),
        ("terms", {"admission_days": 0}, None, "admission_days"),
        ("terms", {"quorum": 3}, None, "change.quorum"),
        ("terms", {"concerned_member_takes_part": "perhaps"}, None, "concerned_member_takes_part"),
        ("agreed_weight", {"weight": "-1"}, "group", "change.weight"),
        ("agreed_weight", {"weight": "heavy"}, "group", "change.weight"),
        ("agreed_weight", {"weight": "2"}, None, "member_group"),
        ("constitution", {"text": "x"}, None, "target"),
    ],
)
def test_malformed_changes_are_refused_naming_the_field(
    adopted: World, target: str, change: object, about: str | None, field: str | None
) -> None:
    world = adopted
    subjects = {
        "unity": {"agreement": agreement(world, "unity_statement")},
        "kind": {"decision_kind": world.kind("budget_and_strategy")},
        "group": {"member_group": world.group},
        None: {},
    }
    before = snapshot()
    with pytest.raises(Invalid) as refused:
        amend(world, target, change, **subjects[about])  # type: ignore[arg-type]
    if field is None:  # a malformed rule: the path inside the rule is named
        assert refused.value.field.startswith("change.rule"), refused.value.field
    else:
        assert refused.value.field == field
    assert snapshot() == before


def test_a_malformed_threshold_is_named_by_its_path(adopted: World) -> None:
    world = adopted
    with pytest.raises(Invalid) as refused:
        amend(
            world,
            "decision_kind",
            {"rule": {"method": "supermajority", "unit": "groups", "threshold": "7/5"}},
            decision_kind=world.kind("budget_and_strategy"),
        )
    assert refused.value.field == "change.rule.threshold"


@pytest.mark.parametrize(
    ("target", "change", "about"),
    [
        ("agreement", {"text": "SAME"}, "unity"),
        ("decision_kind", {"rule": "SAME"}, "kind"),
        ("terms", {"induction_days": 14, "admission_days": 14}, None),
    ],
)
def test_a_change_identical_to_what_is_in_force_is_refused(
    adopted: World, target: str, change: dict, about: str | None
) -> None:
    world = adopted
    unity = agreement(world, "unity_statement")
    kind = world.kind("budget_and_strategy")
    if change.get("text") == "SAME":
        change = {"text": actions.current_version(unity).text}
    if change.get("rule") == "SAME":
        change = {"rule": kind.rule}
    subjects = {"unity": {"agreement": unity}, "kind": {"decision_kind": kind}, None: {}}
    before = snapshot()
    with pytest.raises(Invalid, match="(same|already)"):
        amend(world, target, change, **subjects[about])  # type: ignore[arg-type]
    assert snapshot() == before


def test_amendments_wait_for_the_founding_decision(world: World) -> None:
    before = snapshot()
    with pytest.raises(Conflict, match="still a draft"):
        amend(world, "agreement", {"text": "x"}, agreement=agreement(world, "unity_statement"))
    assert snapshot() == before


@pytest.mark.parametrize("key", ["amend_constitution", "admit_member", "ask_member_to_leave"])
def test_open_proposal_refuses_the_reserved_kinds(adopted: World, key: str) -> None:
    world = adopted
    before = snapshot()
    with pytest.raises(Invalid) as refused:
        decision_actions.open_proposal(
            actor=world.coordinator,
            coalition=world.coalition,
            kind=world.kind(key),
            title="Bare",
            text="Bare proposal",
            closes_at=in_days(3),
        )
    assert refused.value.field == "kind"
    assert snapshot() == before


def test_outsiders_and_former_members_cannot_propose_amendments(adopted: World) -> None:
    world = adopted
    before = snapshot()
    for user in (world.outsider, world.former):
        with pytest.raises(NotAllowed):
            amend(world, "agreement", {"text": "x"}, actor=user, agreement=agreement(world, "unity_statement"))
    actions.seed_draft(world.elsewhere)
    before = snapshot()
    elsewhere_unity = Agreement.objects.get(coalition=world.elsewhere, key="unity_statement")
    with pytest.raises(Invalid) as refused:
        amend(world, "agreement", {"text": "x"}, agreement=elsewhere_unity)
    assert refused.value.field == "agreement"
    assert snapshot() == before
    assert AgreementVersion.objects.filter(agreement__coalition=world.coalition, number=2).count() == 0
    assert DecisionKind.objects.filter(coalition=world.coalition).count() == 8
