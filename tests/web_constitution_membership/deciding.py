"""Drive a decision to its end the way members do: every eligible unit that has someone to speak for it records a
stance, then the round closes at its closing time. Used by the joining pages' tests (here and in
tests/web_membership) now that admission is a decision of the coalition, not a coordinator's choice."""

from __future__ import annotations

from datetime import timedelta

from accord.coalitions.queries import delegates_of
from accord.decisions import actions as decision_actions
from accord.decisions.models import EligibleUnit, Proposal, Round


def current_round(proposal: Proposal) -> Round:
    return Round.objects.get(proposal=proposal, number=proposal.round_number)


def record_all(proposal: Proposal, position: str, reason: str = "") -> int:
    """Every eligible unit with an account to speak for it records `position`; returns how many did."""
    round_ = current_round(proposal)
    recorded = 0
    for unit in EligibleUnit.objects.filter(round=round_).select_related("person", "member_group"):
        if unit.member_group_id:
            speaker = delegates_of([unit.member_group_id]).filter(user__isnull=False).first()
            user = speaker.user if speaker else None
        else:
            user = unit.person.user if unit.person and unit.person.user_id else None
        if user is None:
            continue
        decision_actions.record_stance(
            actor=user, proposal=proposal, unit_key=unit.key, position=position, reason=reason
        )
        recorded += 1
    return recorded


def close(proposal: Proposal) -> Proposal:
    """Close the current round at its closing time, as the worker does; the decision's effect then runs."""
    proposal.refresh_from_db()
    if proposal.status == "open":
        round_ = current_round(proposal)
        decision_actions.close_round_if_due(round_id=round_.pk, now=round_.closes_at + timedelta(seconds=1))
    proposal.refresh_from_db()
    return proposal


def decide(proposal: Proposal, position: str = "agree", reason: str = "") -> Proposal:
    """Everyone who can records `position`, then the round closes."""
    proposal.refresh_from_db()
    if proposal.status == "open":
        record_all(proposal, position, reason)
    return close(proposal)
