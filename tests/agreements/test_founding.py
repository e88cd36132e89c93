"""The draft constitution and the founding decision: coordinators prepare the draft, the founding member groups
adopt it by consensus, and from then on nothing changes it but an amendment."""

from __future__ import annotations

import pytest

from accord.agreements import actions
from accord.agreements.models import AgreementVersion, Constitution, SignOn
from accord.coalitions import actions as coalition_actions
from accord.coalitions.models import AuditEvent
from accord.decisions import actions as decision_actions
from accord.decisions.models import Status
from accord.errors import Conflict, NotAllowed
from tests.coalitions.conftest import make_user

from .conftest import World, agreement, decide, group_key, in_days, snapshot

SIGNED_KEYS = ("unity_statement", "principles", "membership_criteria", "membership_expectations")


def test_the_draft_holds_the_template_agreements_with_no_version_in_force(world: World) -> None:
    versions = AgreementVersion.objects.filter(agreement__coalition=world.coalition)
    assert versions.count() == versions.filter(number=1, took_effect_at__isnull=True, adopted_by=None).count() > 0
    world.coalition.refresh_from_db()
    assert world.coalition.constitution_adopted_at is None


def test_a_coordinator_edits_the_draft_in_place(world: World) -> None:
    unity = agreement(world, "unity_statement")
    version = actions.edit_draft_agreement(
        actor=world.coordinator, agreement=unity, title="What unites us", text="Clean rivers for all."
    )
    assert (version.number, version.title, version.text, version.took_effect_at) == (
        1,
        "What unites us",
        "Clean rivers for all.",
        None,
    )
    assert AgreementVersion.objects.filter(agreement=unity).count() == 1
    assert AuditEvent.objects.filter(coalition=world.coalition, verb="agreement.drafted").count() == 1


@pytest.mark.parametrize("who", ["delegate", "member", "outsider", "former"])
def test_only_a_coordinator_edits_the_draft(world: World, who: str) -> None:
    before = snapshot()
    with pytest.raises(NotAllowed):
        actions.edit_draft_agreement(
            actor=getattr(world, who), agreement=agreement(world, "purpose"), title="Ours", text="Our purpose."
        )
    with pytest.raises(NotAllowed):
        actions.set_draft_terms(actor=getattr(world, who), coalition=world.coalition, induction_days=3)
    with pytest.raises(NotAllowed):
        actions.propose_founding(actor=getattr(world, who), coalition=world.coalition, closes_at=in_days(3))
    assert snapshot() == before


def test_the_draft_cannot_be_edited_while_the_founding_decision_is_open(world: World) -> None:
    founding = actions.propose_founding(actor=world.coordinator, coalition=world.coalition, closes_at=in_days(3))
    assert founding.effect == "founding"
    assert founding.rule["method"] == "consensus" and founding.rule["unit"] == "groups"
    before = snapshot()
    with pytest.raises(Conflict, match="Withdraw that proposal"):
        actions.edit_draft_agreement(
            actor=world.coordinator, agreement=agreement(world, "purpose"), title="Ours", text="Changed under them."
        )
    with pytest.raises(Conflict):
        actions.set_draft_terms(actor=world.coordinator, coalition=world.coalition, induction_days=3)
    with pytest.raises(Conflict, match="already open"):
        actions.propose_founding(actor=world.coordinator, coalition=world.coalition, closes_at=in_days(3))
    assert snapshot() == before
    decision_actions.withdraw_proposal(actor=world.coordinator, proposal=founding)
    version = actions.edit_draft_agreement(
        actor=world.coordinator, agreement=agreement(world, "purpose"), title="Ours", text="Edited once withdrawn."
    )
    assert version.text == "Edited once withdrawn."


def test_founding_needs_member_groups(db: None) -> None:
    founder = make_user("Solo")
    coalition = actions.found_coalition(actor=founder, name="Just Me", purpose="Testing")
    assert AuditEvent.objects.filter(coalition=coalition, verb="constitution.drafted").count() == 1
    before = snapshot()
    with pytest.raises(Conflict, match="founding member groups"):
        actions.propose_founding(actor=founder, coalition=coalition, closes_at=in_days(3))
    assert snapshot() == before
    coalition_actions.add_member_group(actor=founder, coalition=coalition, name="First Group", size=5)
    proposal = actions.propose_founding(actor=founder, coalition=coalition, closes_at=in_days(3))
    assert proposal.status == Status.OPEN


def test_a_founding_decision_blocked_by_one_group_leaves_the_constitution_a_draft(world: World) -> None:
    founding = actions.propose_founding(actor=world.coordinator, coalition=world.coalition, closes_at=in_days(3))
    decide(world, founding, positions={group_key(world.other_group): "block"})
    assert founding.status == Status.BLOCKED
    world.coalition.refresh_from_db()
    assert world.coalition.constitution_adopted_at is None
    assert not AgreementVersion.objects.filter(
        agreement__coalition=world.coalition, took_effect_at__isnull=False
    ).exists()
    assert SignOn.objects.filter(coalition=world.coalition).count() == 0
    assert not AuditEvent.objects.filter(coalition=world.coalition, verb="constitution.adopted").exists()
    version = actions.edit_draft_agreement(
        actor=world.coordinator, agreement=agreement(world, "purpose"), title="Purpose", text="Redrafted."
    )
    assert version.text == "Redrafted."


def test_passing_the_founding_decision_adopts_every_version_and_signs_on_the_groups_that_agreed(world: World) -> None:
    founding = actions.propose_founding(actor=world.coordinator, coalition=world.coalition, closes_at=in_days(3))
    assert Constitution.objects.get(coalition=world.coalition).founding_proposal == founding
    decide(world, founding, positions={group_key(world.other_group): "stand_aside"})
    assert founding.status == Status.PASSED
    world.coalition.refresh_from_db()
    adopted_at = world.coalition.constitution_adopted_at
    assert adopted_at is not None
    versions = AgreementVersion.objects.filter(agreement__coalition=world.coalition)
    assert versions.count() == versions.filter(took_effect_at=adopted_at, adopted_by=founding, number=1).count()
    # Leeds Action agreed, so it signed on to each agreement members confirm; Hull Heat stood aside and signs itself.
    signed = SignOn.objects.filter(member_group=world.group)
    assert sorted(signed.values_list("version__agreement__key", flat=True)) == sorted(SIGNED_KEYS)
    assert set(signed.values_list("signed_by_name", flat=True)) == {"the founding decision"}
    assert SignOn.objects.filter(member_group=world.other_group).count() == 0
    assert SignOn.objects.filter(coalition=world.coalition).count() == len(SIGNED_KEYS)
    assert AuditEvent.objects.filter(coalition=world.coalition, verb="constitution.adopted").count() == 1


def test_once_adopted_the_table_weights_and_draft_are_refused_and_unchanged(adopted: World) -> None:
    world = adopted
    kind = world.kind("budget_and_strategy")
    before = snapshot()
    with pytest.raises(Conflict, match="propose an amendment"):
        decision_actions.set_decision_kind(
            actor=world.coordinator,
            coalition=world.coalition,
            kind=kind,
            name=kind.name,
            rule={"method": "majority", "unit": "people"},
        )
    with pytest.raises(Conflict, match="propose an amendment"):
        decision_actions.set_decision_kind(
            actor=world.coordinator,
            coalition=world.coalition,
            key="new_thing",
            name="New thing",
            rule={"method": "majority", "unit": "people"},
        )
    with pytest.raises(Conflict, match="propose an amendment"):
        decision_actions.set_agreed_weight(actor=world.coordinator, member_group=world.group, weight="2")
    with pytest.raises(Conflict, match="propose an amendment"):
        actions.edit_draft_agreement(
            actor=world.coordinator, agreement=agreement(world, "purpose"), title="Purpose", text="Sneaky."
        )
    with pytest.raises(Conflict, match="propose an amendment"):
        actions.add_draft_agreement(
            actor=world.coordinator, coalition=world.coalition, title="Sneaky", text="Sneaky.", category="policy"
        )
    with pytest.raises(Conflict, match="propose an amendment"):
        actions.set_draft_terms(actor=world.coordinator, coalition=world.coalition, induction_days=0)
    with pytest.raises(Conflict, match="already adopted"):
        actions.propose_founding(actor=world.coordinator, coalition=world.coalition, closes_at=in_days(3))
    assert snapshot() == before


def test_a_coordinator_sets_the_draft_terms(world: World) -> None:
    constitution = actions.set_draft_terms(
        actor=world.coordinator, coalition=world.coalition, induction_days=0, concerned_member_takes_part="yes"
    )
    assert (constitution.induction_days, constitution.concerned_member_takes_part, constitution.revision) == (
        0,
        True,
        1,
    )
    assert AuditEvent.objects.filter(coalition=world.coalition, verb="constitution.terms_drafted").count() == 1
