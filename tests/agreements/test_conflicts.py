"""Two open amendments changing the same text: the first to pass makes the other stale; a stale amendment that
passes does not take effect, and rebasing it on the text in force puts it to a new round."""

from __future__ import annotations

import pytest

from accord.agreements import actions, queries
from accord.agreements.models import AgreementVersion, Amendment
from accord.coalitions.models import AuditEvent
from accord.decisions.models import Round, Status
from accord.errors import Conflict, NotAllowed

from .conftest import World, agreement, decide, in_days, snapshot


def amend_unity(world: World, text: str, *, actor=None, title: str = "Unity") -> Amendment:
    return actions.propose_amendment(
        actor=actor or world.member,
        coalition=world.coalition,
        target="agreement",
        agreement=agreement(world, "unity_statement"),
        change={"text": text},
        title=title,
        closes_at=in_days(7),
    )


@pytest.fixture
def rivals(adopted: World) -> tuple[Amendment, Amendment]:
    first = amend_unity(adopted, "Rivers first.", title="Rivers first")
    second = amend_unity(adopted, "People first.", actor=adopted.delegate, title="People first")
    return first, second


def test_two_open_amendments_to_the_same_agreement_list_each_other(rivals: tuple[Amendment, Amendment]) -> None:
    first, second = rivals
    assert [row.pk for row in queries.conflicting_amendments(first)] == [second.pk]
    assert [row.pk for row in queries.conflicting_amendments(second)] == [first.pk]


def test_amendments_to_different_agreements_do_not_conflict(adopted: World) -> None:
    world = adopted
    unity = amend_unity(world, "Rivers first.")
    purpose = actions.propose_amendment(
        actor=world.member,
        coalition=world.coalition,
        target="agreement",
        agreement=agreement(world, "purpose"),
        change={"text": "A new purpose."},
        title="Purpose",
        closes_at=in_days(7),
    )
    assert queries.conflicting_amendments(unity) == []
    assert queries.conflicting_amendments(purpose) == []
    decide(world, unity.proposal)
    purpose.refresh_from_db()
    assert purpose.stale_since is None
    decide(world, purpose.proposal)
    assert purpose.proposal.status == Status.PASSED
    assert actions.current_version(agreement(world, "purpose")).number == 2


def test_when_one_passes_the_other_becomes_stale_and_cannot_take_effect(
    adopted: World, rivals: tuple[Amendment, Amendment]
) -> None:
    world = adopted
    first, second = rivals
    decide(world, first.proposal)
    assert first.proposal.status == Status.PASSED
    second.refresh_from_db()
    assert second.is_stale
    assert second.stale_because == "“Rivers first” changed it first"
    event = AuditEvent.objects.get(coalition=world.coalition, verb="amendment.stale")
    assert event.summary == "“People first” became stale: “Rivers first” changed it first"
    assert queries.conflicting_amendments(second) == []  # the one that passed is no longer open

    decide(world, second.proposal)
    assert second.proposal.status == Status.NOT_APPLIED
    assert second.proposal.effect_note.startswith("What it changes was changed by another amendment")
    assert "Rebase it" in second.proposal.effect_note
    unity = agreement(world, "unity_statement")
    assert actions.current_version(unity).text == "Rivers first."
    assert AgreementVersion.objects.filter(agreement=unity).count() == 2
    assert AuditEvent.objects.filter(coalition=world.coalition, verb="proposal.not_applied").count() == 1


def test_rebasing_puts_the_stale_amendment_to_a_new_round_that_can_pass(
    adopted: World, rivals: tuple[Amendment, Amendment]
) -> None:
    world = adopted
    first, second = rivals
    decide(world, first.proposal)
    second.refresh_from_db()
    failed_before = Round.objects.filter(proposal=second.proposal, status__in=["rejected", "blocked"]).count()
    rebased = actions.rebase_amendment(
        actor=world.delegate, amendment=second, change={"text": "Rivers first, people always."}, closes_at=in_days(5)
    )
    assert (rebased.stale_since, rebased.stale_because, rebased.base_revision) == (None, "", 2)
    proposal = rebased.proposal
    proposal.refresh_from_db()
    assert (proposal.status, proposal.round_number) == (Status.OPEN, 2)
    rounds = list(Round.objects.filter(proposal=proposal).order_by("number").values_list("status", flat=True))
    assert rounds == [Status.SUPERSEDED, Status.OPEN]
    new_round = Round.objects.get(proposal=proposal, number=2)
    assert new_round.failed_rounds_before == failed_before == 0
    assert "Rivers first, people always." in new_round.text

    decide(world, proposal)
    assert proposal.status == Status.PASSED
    version = actions.current_version(agreement(world, "unity_statement"))
    assert (version.number, version.text, version.adopted_by) == (3, "Rivers first, people always.", proposal)


def test_a_not_applied_amendment_is_rebased_too(adopted: World, rivals: tuple[Amendment, Amendment]) -> None:
    world = adopted
    first, second = rivals
    decide(world, first.proposal)
    decide(world, second.proposal)
    assert second.proposal.status == Status.NOT_APPLIED
    second.refresh_from_db()
    actions.rebase_amendment(
        actor=world.coordinator, amendment=second, change={"text": "People and rivers."}, closes_at=in_days(5)
    )
    second.proposal.refresh_from_db()
    assert (second.proposal.status, second.proposal.round_number, second.proposal.effect_note) == (Status.OPEN, 2, "")
    decide(world, second.proposal)
    assert actions.current_version(agreement(world, "unity_statement")).number == 3


@pytest.mark.parametrize("who", ["member", "other_delegate", "outsider", "former"])
def test_only_the_author_or_a_coordinator_rebases(
    adopted: World, rivals: tuple[Amendment, Amendment], who: str
) -> None:
    world = adopted
    first, second = rivals  # second was proposed by Dev (world.delegate)
    decide(world, first.proposal)
    second.refresh_from_db()
    before = snapshot()
    with pytest.raises(NotAllowed):
        actions.rebase_amendment(
            actor=getattr(world, who), amendment=second, change={"text": "Mine."}, closes_at=in_days(5)
        )
    assert snapshot() == before


def test_an_amendment_that_is_not_stale_cannot_be_rebased(adopted: World, rivals: tuple[Amendment, Amendment]) -> None:
    world = adopted
    first, _second = rivals
    before = snapshot()
    with pytest.raises(Conflict, match="not stale"):
        actions.rebase_amendment(actor=world.member, amendment=first, change={"text": "Again."}, closes_at=in_days(5))
    assert snapshot() == before
    decide(world, first.proposal)
    first.refresh_from_db()
    with pytest.raises(Conflict, match="already taken effect"):
        actions.rebase_amendment(actor=world.member, amendment=first, change={"text": "Again."}, closes_at=in_days(5))
