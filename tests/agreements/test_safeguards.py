"""What a review of the constitution core found, each pinned by a test: changes carried by proposals stay the
changes members consented to, no amendment can lock the constitution, overtaken amendments can be rebased, and
induction counts only those who are new."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accord.agreements import actions
from accord.agreements.models import Amendment
from accord.coalitions import actions as coalition_actions
from accord.coalitions.models import Person
from accord.decisions import actions as decision_actions
from accord.decisions.models import DecisionKind, Status
from accord.errors import Conflict, Invalid
from tests.coalitions.conftest import make_user

from .conftest import World, agreement, decide, eligible_keys, group_key, in_days, snapshot


def amend_unity(world: World, text: str, *, actor=None) -> Amendment:
    return actions.propose_amendment(
        actor=actor or world.member,
        coalition=world.coalition,
        target="agreement",
        agreement=agreement(world, "unity_statement"),
        change={"text": text},
        title=f"Unity: {text}",
        closes_at=in_days(3),
    )


def test_a_next_round_cannot_change_the_text_of_a_proposal_that_carries_a_change(adopted: World) -> None:
    world = adopted
    amendment = amend_unity(world, "We act together.")
    decide(world, amendment.proposal, positions={group_key(world.group): "block"})
    assert amendment.proposal.status == Status.BLOCKED
    before = snapshot()
    with pytest.raises(Conflict, match="its text stays as it is") as refused:
        decision_actions.start_next_round(
            actor=world.member, proposal=amendment.proposal, closes_at=in_days(3), text="Something else entirely."
        )
    assert refused.value.field == "text"
    assert snapshot() == before
    # The same text may be put again, and what passes is still the change members read.
    decision_actions.start_next_round(actor=world.member, proposal=amendment.proposal, closes_at=in_days(3))
    decide(world, amendment.proposal)
    assert actions.current_version(agreement(world, "unity_statement")).text == "We act together."


@pytest.mark.parametrize("key", ["amend_constitution", "admit_member", "ask_member_to_leave"])
def test_the_kinds_that_carry_changes_stay_decided_by_the_whole_coalition(adopted: World, key: str) -> None:
    world = adopted
    kind = DecisionKind.objects.get(coalition=world.coalition, key=key)
    before = snapshot()
    with pytest.raises(Invalid, match="decided by the whole coalition") as refused:
        actions.propose_amendment(
            actor=world.member,
            coalition=world.coalition,
            target="decision_kind",
            decision_kind=kind,
            change={"scope": "affected_groups"},
            title="Only the groups affected",
            closes_at=in_days(3),
        )
    assert refused.value.field == "change.scope"
    assert snapshot() == before


def test_a_failed_amendment_overtaken_by_another_is_stale_and_can_be_rebased(adopted: World) -> None:
    world = adopted
    first = amend_unity(world, "First wording.")
    second = amend_unity(world, "Second wording.", actor=world.delegate)
    decide(world, first.proposal, positions={group_key(world.group): "block"})
    assert first.proposal.status == Status.BLOCKED
    decide(world, second.proposal)
    assert second.proposal.status == Status.PASSED
    first.refresh_from_db()
    assert first.is_stale and first.stale_because == "“Unity: Second wording.” changed it first"
    # Tried again unchanged, it passes but cannot take effect on a text no longer in force...
    decision_actions.start_next_round(actor=world.member, proposal=first.proposal, closes_at=in_days(3))
    decide(world, first.proposal)
    assert first.proposal.status == Status.NOT_APPLIED
    assert actions.current_version(agreement(world, "unity_statement")).text == "Second wording."
    # ...and its author can rebase it on version 2, after which it can pass.
    actions.rebase_amendment(
        actor=world.member, amendment=first, change={"text": "Second wording, and first."}, closes_at=in_days(3)
    )
    decide(world, first.proposal)
    assert first.proposal.status == Status.PASSED
    version = actions.current_version(agreement(world, "unity_statement"))
    assert (version.number, version.text) == (3, "Second wording, and first.")


def test_an_open_proposal_keeps_the_groups_it_was_scoped_to_when_its_kind_changes_scope(adopted: World) -> None:
    world = adopted
    kind = DecisionKind.objects.get(coalition=world.coalition, key="affected_groups")
    scoped = decision_actions.open_proposal(
        actor=world.member,
        coalition=world.coalition,
        kind=kind,
        title="Share the Leeds van",
        text="Leeds lends its van.",
        closes_at=in_days(3),
        scope_groups=[world.group],
    )
    change = actions.propose_amendment(
        actor=world.member,
        coalition=world.coalition,
        target="decision_kind",
        decision_kind=kind,
        change={"scope": "coalition"},
        title="Everyone decides",
        closes_at=in_days(3),
    )
    decide(world, change.proposal)
    kind.refresh_from_db()
    assert kind.scope == "coalition"
    decide(world, scoped, positions={group_key(world.group): "block"})
    decision_actions.start_next_round(actor=world.member, proposal=scoped, closes_at=in_days(3))
    assert eligible_keys(scoped) == [group_key(world.group)]


def test_a_member_who_joined_meanwhile_keeps_counting_when_their_application_passes(adopted: World) -> None:
    world = adopted
    applicant = make_user("Sam")
    application = actions.apply_to_join(
        actor=applicant, coalition=world.coalition, kind="group", signs_on=True, group_name="Selby", group_size=4
    )
    invitation = coalition_actions.create_invitation(
        actor=world.delegate, coalition=world.coalition, member_group=world.group
    )
    coalition_actions.accept_invitation(actor=applicant, token=invitation.token)
    decide(world, application.admission.proposal)
    application.refresh_from_db()
    assert application.status == "admitted"
    assert application.member_group.counts_from > timezone.now()  # the new group is in induction
    assert Person.objects.get(coalition=world.coalition, user=applicant).counts_from is None  # she already counted


def test_people_joining_a_group_in_induction_are_counted_when_it_is(adopted: World) -> None:
    world = adopted
    founder = make_user("Sam")
    application = actions.apply_to_join(
        actor=founder, coalition=world.coalition, kind="group", signs_on=True, group_name="Selby", group_size=4
    )
    decide(world, application.admission.proposal)
    application.refresh_from_db()
    group = application.member_group
    invitation = coalition_actions.create_invitation(actor=founder, coalition=world.coalition, member_group=group)
    joined = coalition_actions.accept_invitation(actor=make_user("Kit"), token=invitation.token)
    recorded = coalition_actions.record_person(
        actor=world.coordinator, coalition=world.coalition, name="Lou", member_groups=[group]
    )
    assert joined.counts_from == recorded.counts_from == group.counts_from
    both = coalition_actions.record_person(
        actor=world.coordinator, coalition=world.coalition, name="Ray", member_groups=[group, world.group]
    )
    assert both.counts_from is None  # also in a group that counts already
