"""The small coalition of tests/decisions/conftest.py with a constitution: a draft (`world`), or adopted by a
founding decision both member groups agreed to (`adopted`).

    Ana   coordinator, an individual member       Dev  delegate of Leeds Action (40)   Mo   member of Leeds Action
    Pat   delegate of Hull Heat (3)               Fay  member of Hull Heat             Fred former member, Olu outsider

Under the default table, amending the constitution is consensus of the 2 member groups (quorum 1/2); admitting a
member is consensus minus one of the 2 groups and Ana (quorum 1/3); asking a member to leave is 9/10 of the groups
and Ana (quorum 2/3). `decide` answers for every eligible unit and closes the round as the worker would.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accord.accounts.models import User
from accord.agreements import actions
from accord.agreements.models import (
    Admission,
    Agreement,
    AgreementVersion,
    Amendment,
    Constitution,
    RedLine,
    RedLineFlag,
    RemovalRequest,
    SignOn,
)
from accord.coalitions.models import Affiliation, Coalition, MemberGroup, Person
from accord.decisions import actions as decision_actions
from accord.decisions.models import DecisionKind, EligibleUnit, Proposal, Round
from tests.coalitions.conftest import snapshot as coalitions_snapshot
from tests.decisions.conftest import World, build_world, close, current_round, in_days
from tests.decisions.conftest import snapshot as decisions_snapshot

__all__ = ["World", "build_world", "close", "current_round", "in_days"]

REASON = "It crosses our red line on policing."


@pytest.fixture
def world(db: None) -> World:
    """The small coalition with the template constitution as a draft."""
    built = build_world()
    actions.seed_draft(built.coalition)
    return built


@pytest.fixture
def adopted(world: World) -> World:
    """The small coalition whose constitution the founding decision adopted (both groups agreed)."""
    found(world)
    return world


def found(world: World) -> Proposal:
    proposal = actions.propose_founding(actor=world.coordinator, coalition=world.coalition, closes_at=in_days(3))
    decide(world, proposal)
    assert proposal.status == "passed", proposal.effect_note
    world.coalition.refresh_from_db()
    return proposal


def agreement(world: World, key: str) -> Agreement:
    return Agreement.objects.get(coalition=world.coalition, key=key)


def delegate_user(member_group_id: int) -> User:
    affiliation = Affiliation.objects.filter(
        member_group_id=member_group_id, is_delegate=True, ended_at__isnull=True
    ).first()
    assert affiliation is not None and affiliation.person.user is not None
    return affiliation.person.user


def actor_for(unit: EligibleUnit) -> User:
    """Who answers for an eligible unit: the group's delegate, or the person."""
    if unit.member_group_id is not None:
        return delegate_user(unit.member_group_id)
    user = Person.objects.get(pk=unit.person_id).user
    assert user is not None
    return user


def respond(
    world: World, proposal: Proposal, position: str = "agree", *, positions: dict[str, str] | None = None
) -> None:
    """Every eligible unit of the current round answers `position`, except those `positions` (unit key ->
    position) names otherwise; a unit mapped to "" does not answer."""
    round_ = current_round(proposal)
    for unit in EligibleUnit.objects.filter(round=round_).order_by("key"):
        chosen = (positions or {}).get(unit.key, position)
        if not chosen:
            continue
        decision_actions.record_stance(
            actor=actor_for(unit),
            proposal=proposal,
            unit_key=unit.key,
            position=chosen,
            reason=REASON if chosen in ("block", "disagree") else "",
        )


def decide(
    world: World, proposal: Proposal, position: str = "agree", *, positions: dict[str, str] | None = None
) -> Round:
    """Everyone answers, then the round closes just after its deadline; returns the closed round."""
    respond(world, proposal, position, positions=positions)
    closed = close(proposal)
    proposal.refresh_from_db()
    return closed


def eligible_keys(proposal: Proposal) -> list[str]:
    return sorted(EligibleUnit.objects.filter(round=current_round(proposal)).values_list("key", flat=True))


def group_key(group: MemberGroup) -> str:
    return f"g{group.pk}"


def later(days: float) -> Any:
    return timezone.now() + timedelta(days=days)


def snapshot() -> tuple[Any, ...]:
    """Everything a constitution action could write (with the coalitions' and decisions' rows), to assert that a
    refused action changed nothing."""
    return (
        decisions_snapshot(),
        coalitions_snapshot(),
        tuple(Coalition.objects.order_by("pk").values_list("pk", "constitution_adopted_at")),
        tuple(MemberGroup.objects.order_by("pk").values_list("pk", "counts_from", "left_at")),
        tuple(Person.objects.order_by("pk").values_list("pk", "counts_from", "left_at")),
        tuple(
            Constitution.objects.order_by("pk").values_list(
                "pk",
                "induction_days",
                "admission_days",
                "red_line_review_days",
                "concerned_member_takes_part",
                "revision",
                "founding_proposal_id",
            )
        ),
        tuple(Agreement.objects.order_by("pk").values_list("pk", "key", "category", "members_confirm")),
        tuple(
            AgreementVersion.objects.order_by("pk").values_list(
                "pk", "number", "title", "text", "took_effect_at", "adopted_by_id"
            )
        ),
        tuple(
            Amendment.objects.order_by("pk").values_list(
                "pk", "change", "target_key", "base_revision", "stale_since", "applied_at"
            )
        ),
        tuple(SignOn.objects.order_by("pk").values_list("pk", "version_id", "member_group_id", "person_id")),
        tuple(Admission.objects.order_by("pk").values_list("pk", "proposal_id")),
        tuple(RemovalRequest.objects.order_by("pk").values_list("pk", "proposal_id")),
        tuple(
            RedLine.objects.order_by("pk").values_list(
                "pk", "text", "confirmed_at", "confirmed_by_name", "reminded_at", "withdrawn_at"
            )
        ),
        tuple(RedLineFlag.objects.order_by("pk").values_list("pk", "withdrawn_at")),
        tuple(Proposal.objects.order_by("pk").values_list("pk", "effect_note", "excluded_units")),
        tuple(DecisionKind.objects.order_by("pk").values_list("pk", "revision")),
    )
