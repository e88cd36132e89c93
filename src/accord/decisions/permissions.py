"""Who may do what with decisions, declared in one place.

Members open proposals and respond; a member group responds through its delegates; coordinators keep the
decision-kind table (until the constitution makes that a decision of its own) and may facilitate any proposal,
as may the facilitators a proposer names for a meeting in a room.
"""

from __future__ import annotations

from collections.abc import Collection

from accord.coalitions.models import MemberGroup
from accord.coalitions.permissions import Role, Standing

from .models import FAILED, EligibleUnit, Proposal


def may_view_decisions(standing: Standing) -> bool:
    return standing.role >= Role.MEMBER


def may_open_proposal(standing: Standing) -> bool:
    return standing.role >= Role.MEMBER


def may_edit_decision_kinds(standing: Standing) -> bool:
    return standing.role >= Role.COORDINATOR


def may_manage_proposal(standing: Standing, proposal: Proposal) -> bool:
    """The proposer or a coordinator; asked before the proposal's state, so others learn nothing of it."""
    if standing.role < Role.MEMBER:
        return False
    is_author = standing.person is not None and proposal.author_id == standing.person.pk
    return is_author or standing.role >= Role.COORDINATOR


def may_withdraw(standing: Standing, proposal: Proposal) -> bool:
    return proposal.is_open and may_manage_proposal(standing, proposal)


def may_start_next_round(standing: Standing, proposal: Proposal) -> bool:
    return proposal.status in FAILED and may_manage_proposal(standing, proposal)


def why_not_eligible(standing: Standing, counted_by: str) -> str:
    """What to tell someone who has no unit in a round counted by `counted_by` (people, groups, or both)."""
    if counted_by == "groups":
        return (
            "This decision is counted by member groups, and you are not a delegate of an eligible group: "
            "ask your group's delegate to give its position."
        )
    if counted_by == "groups_and_individuals" and standing.member_of:
        return (
            "This decision is counted by member groups and individual members, and you take part through your "
            "member group: ask its delegate to give its position."
        )
    return (
        "You are not eligible in this round: it counts those who were members, past their induction period, when "
        "it opened (and not the member a request to leave concerns, where the constitution says so)."
    )


def may_facilitate(standing: Standing, proposal: Proposal, facilitator_ids: Collection[int]) -> bool:
    """Record others' stances in a meeting: coordinators, and the facilitators named on the proposal."""
    if standing.role < Role.MEMBER:
        return False
    if standing.role >= Role.COORDINATOR:
        return True
    return standing.person is not None and standing.person.pk in facilitator_ids


def may_respond_for(standing: Standing, unit: EligibleUnit) -> bool:
    """A person responds for themself; a member group through its current delegates."""
    if standing.role < Role.MEMBER or standing.person is None:
        return False
    if unit.person_id is not None:
        return unit.person_id == standing.person.pk
    return unit.member_group_id in standing.delegate_of


def own_unit_keys(standing: Standing) -> list[str]:
    """The units the actor may respond for without facilitating: themself and the groups they are delegate of."""
    if standing.person is None or standing.role < Role.MEMBER:
        return []
    return [f"p{standing.person.pk}", *(f"g{group_id}" for group_id in sorted(standing.delegate_of))]


# --- spokescouncils: a member group's internal rule --------------------------------------------------------------


def may_set_group_rule(standing: Standing, member_group: MemberGroup) -> bool:
    """A group's delegates set (or switch off) the rule its members' views are counted by; coordinating the
    coalition gives no say in a group's own rule."""
    if standing.role < Role.MEMBER or standing.person is None:
        return False
    return member_group.pk in standing.delegate_of


def may_give_member_view(standing: Standing, member_group: MemberGroup) -> bool:
    """Each member of a group (its delegates among them) gives their own view of the group's position."""
    if standing.role < Role.MEMBER or standing.person is None:
        return False
    return member_group.pk in standing.member_of


def may_settle_group_position(standing: Standing, member_group: MemberGroup, *, everyone_gave_a_view: bool) -> bool:
    """A group's delegates settle its position by its rule at any time; any of its members may once every member
    has given a view (`everyone_gave_a_view`; pass True to ask whether they could at all)."""
    if standing.role < Role.MEMBER or standing.person is None:
        return False
    if member_group.pk in standing.delegate_of:
        return True
    return everyone_gave_a_view and member_group.pk in standing.member_of
