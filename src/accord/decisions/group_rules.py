"""A member group's own rule in a spokescouncil, and closing a spokescouncil round once every group has spoken.

A group may settle its spokescouncil position by its own rule (counted by its members) rather than by its delegate
alone: its members each give their view for the group in the round (`give_member_view`), then a delegate, or any
member once every member has given a view, settles the group's position (`settle_group_position`). The kernel
tallies the members' views under the group's rule, each mapped as in `spokescouncil.counted_position`:

    passed          -> agree (with concerns, collected from the members who had them, when there are any)
    blocked         -> block (with the members' reasons)
    anything else   -> agree with amendments (the members' amendments joined)

The result is recorded as the group's stance, by the settling person, with a note saying where it came from.
Groups without a rule (or with it switched off) give their position through a delegate, as any stance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from accord.atomic import atomic_action
from accord.coalitions import queries as coalition_queries
from accord.coalitions.models import MemberGroup
from accord.coalitions.permissions import Actor, Role, Standing
from accord.errors import Conflict, Invalid, NotAllowed, NotFound
from accord.governance import Outcome, describe_rule, rule_to_json, tally
from accord.governance import Stance as KernelStance
from accord.governance import Unit as KernelUnit

from . import actions, queries, spokescouncil
from .models import GroupMemberView, GroupRule, Proposal, Round, SpokesPosition, Stance, Status
from .permissions import (
    may_facilitate,
    may_give_member_view,
    may_manage_proposal,
    may_set_group_rule,
    may_settle_group_position,
)

JOINED_MAX = 4000


def _member_standing(actor: Actor, member_group: MemberGroup) -> Standing:
    standing = actions._standing(actor, member_group.coalition)
    if standing.person is None or standing.role < Role.MEMBER:
        raise NotAllowed("Only members of this coalition can do this.")
    return standing


# --- reads ----------------------------------------------------------------------------------------------------------


def group_rule(actor: Actor, member_group: MemberGroup) -> GroupRule | None:
    """The group's internal rule, if it has one (members of the coalition may read it)."""
    queries.decision_kinds(actor, member_group.coalition)  # the member check
    return GroupRule.objects.filter(member_group=member_group).first()


def active_rule(member_group: MemberGroup) -> GroupRule | None:
    return GroupRule.objects.filter(member_group=member_group, enabled=True).first()


@dataclass
class GroupViews:
    member_group: MemberGroup
    rule: GroupRule
    views: list[GroupMemberView]
    members: int
    settled: Stance | None

    @property
    def everyone_responded(self) -> bool:
        return self.members > 0 and len(self.views) >= self.members


def member_views(
    actor: Actor, proposal: Proposal, member_group: MemberGroup, round_: Round | None = None
) -> GroupViews:
    """The views a group's members gave in a round (the current one by default), for the group's own members."""
    standing = _member_standing(actor, member_group)
    if member_group.pk not in standing.member_of and member_group.pk not in standing.delegate_of:
        raise NotAllowed(f"Only members of {member_group.name} can see its members' views.")
    rule = active_rule(member_group)
    if rule is None:
        raise NotFound(f"{member_group.name} has no internal rule; its delegates give its position.")
    round_ = round_ or queries.current_round(proposal)
    members = coalition_queries.current_people(member_group.coalition, in_groups=[member_group.pk])
    member_ids = set(members.values_list("pk", flat=True))
    views = [
        view
        for view in GroupMemberView.objects.filter(round=round_, member_group=member_group).select_related("person")
        if view.person_id in member_ids
    ]
    settled = (
        Stance.objects.filter(round=round_, unit_key=f"g{member_group.pk}", is_current=True)
        .select_related("recorded_by")
        .first()
    )
    return GroupViews(member_group, rule, views, len(member_ids), settled)


# --- writes ---------------------------------------------------------------------------------------------------------


@atomic_action
def set_group_rule(*, actor: Actor, member_group: MemberGroup, rule: Any, enabled: bool = True) -> GroupRule:
    """A group's delegates set the rule its members' views are counted by (or switch it off)."""
    standing = _member_standing(actor, member_group)
    if not may_set_group_rule(standing, member_group):
        raise NotAllowed(f"Only {member_group.name}'s delegates can set its internal rule.")
    if not isinstance(enabled, bool):
        raise Invalid("Say whether the rule is in use: true or false.", field="enabled")
    parsed = spokescouncil.parse_group_rule(rule)
    found, _created = GroupRule.objects.update_or_create(
        member_group=member_group,
        defaults={
            "rule": rule_to_json(parsed),
            "enabled": enabled,
            "updated_at": timezone.now(),
            "updated_by": standing.person,
        },
    )
    state = "" if enabled else " (switched off: its delegates give its position)"
    actions._audit(
        coalition=member_group.coalition,
        actor=actor,
        standing=standing,
        verb="group_rule.set",
        summary=f"set {member_group.name}'s internal rule for spokescouncils: {describe_rule(parsed)}{state}"[:500],
        target=member_group,
        data={"rule": found.rule, "enabled": enabled},
    )
    return found


def _open_spokes_round(proposal: Proposal, member_group: MemberGroup) -> Round:
    if proposal.process != Proposal.Process.SPOKESCOUNCIL:
        raise Conflict("This proposal does not run as a spokescouncil.")
    round_ = Round.objects.select_for_update().filter(proposal=proposal, number=proposal.round_number).first()
    if round_ is None:
        raise NotFound("This proposal has no round.")
    now = timezone.now()
    if proposal.status != Status.OPEN or not round_.accepts_stances(now):
        raise Conflict("This round is not open for positions now.")
    if not round_.eligible_units.filter(key=f"g{member_group.pk}").exists():
        raise Invalid(f"{member_group.name} takes no part in this round.", field="member_group")
    return round_


@atomic_action
def give_member_view(
    *,
    actor: Actor,
    proposal: Proposal,
    member_group: MemberGroup,
    spokes_position: Any,
    amendment: Any = "",
    reason: Any = "",
) -> GroupMemberView:
    """A member's view of what their group's position should be, in the open round; a new view replaces theirs."""
    standing = _member_standing(actor, member_group)
    if member_group.coalition_id != proposal.coalition_id:
        raise NotFound("There is no such member group in this coalition.")
    if not may_give_member_view(standing, member_group):
        raise NotAllowed(f"Only members of {member_group.name} can give a view for it.")
    rule = active_rule(member_group)
    if rule is None:
        raise Conflict(f"{member_group.name} has no internal rule in use; its delegates give its position.")
    round_ = _open_spokes_round(proposal, member_group)
    # The members' rule weighs the mapped position, so check it as that rule counts it.
    checked = spokescouncil.check_position(
        spokescouncil.parse_group_rule(rule.rule), spokes_position, amendment=amendment, reason=reason
    )
    view, _created = GroupMemberView.objects.update_or_create(
        round=round_,
        member_group=member_group,
        person=standing.person,
        defaults={
            "spokes_position": checked.spokes_position,
            "amendment": checked.amendment,
            "reason": checked.reason,
            "updated_at": timezone.now(),
        },
    )
    actions._audit(
        coalition=proposal.coalition,
        actor=actor,
        standing=standing,
        verb="group_view.given",
        summary=f"gave a view for {member_group.name} on “{proposal.title}”",
        target=proposal,
        data={"round": round_.number, "member_group": member_group.pk},
    )
    return view


def _joined(texts: list[str]) -> str:
    return "\n\n".join(text for text in texts if text)[:JOINED_MAX]


@dataclass(frozen=True)
class Settled:
    spokes_position: str
    amendment: str
    reason: str
    outcome: Outcome


def settle(rule_data: Any, views: list[GroupMemberView], member_ids: list[int]) -> Settled:
    """The group's position from its members' views under its rule (pure: no database)."""
    rule = spokescouncil.parse_group_rule(rule_data)
    eligible = [KernelUnit(f"p{person_id}") for person_id in member_ids]
    stances = [
        KernelStance(
            f"p{view.person_id}",
            position=spokescouncil.counted_position(rule, view.spokes_position),
            reason=view.reason,
        )
        for view in views
    ]
    outcome = tally(rule, eligible=eligible, stances=stances, checked=True)
    concerns = _joined([view.reason for view in views if view.spokes_position == SpokesPosition.CONCERNS])
    amending = [view for view in views if view.spokes_position == SpokesPosition.AMEND]
    blocking = [view for view in views if view.spokes_position == SpokesPosition.BLOCK]
    if outcome.status == Status.PASSED:
        if amending:
            # Passed with members asking for amendments (counted as standing aside): the group carries them, so
            # the spokes can take them into the next text rather than losing them.
            amendments = _joined([view.amendment for view in amending])
            return Settled(SpokesPosition.AMEND, amendments, concerns, outcome)
        position = SpokesPosition.CONCERNS if concerns else SpokesPosition.AGREE
        return Settled(position, "", concerns, outcome)
    reasons = _joined([view.reason for view in blocking])
    # Blocked under the rule, or not passed with most members blocking (under a rule with no block allowance a
    # block counts as disagreeing): the group blocks, rather than passing its members' block off as an amendment.
    if outcome.status == Status.BLOCKED or 2 * len(blocking) > len(views):
        return Settled(SpokesPosition.BLOCK, "", reasons, outcome)
    amendments = _joined([view.amendment for view in amending])
    if not amendments:
        amendments = f"The members did not agree under the group's rule: {outcome.summary}"[:JOINED_MAX]
    return Settled(SpokesPosition.AMEND, amendments, concerns, outcome)


@atomic_action
def settle_group_position(*, actor: Actor, proposal: Proposal, member_group: MemberGroup) -> Stance:
    """Count the members' views under the group's rule and record the result as the group's position."""
    standing = _member_standing(actor, member_group)
    if member_group.coalition_id != proposal.coalition_id:
        raise NotFound("There is no such member group in this coalition.")
    if not may_settle_group_position(standing, member_group, everyone_gave_a_view=True):
        raise NotAllowed(f"Only {member_group.name}'s delegates or members can settle its position.")
    rule = active_rule(member_group)
    if rule is None:
        raise Conflict(f"{member_group.name} has no internal rule in use; its delegates give its position.")
    key = f"g{member_group.pk}"
    round_, units = actions._locked_round_and_units(standing, proposal, key)
    round_.proposal = proposal
    now = timezone.now()
    if proposal.process != Proposal.Process.SPOKESCOUNCIL:
        raise Conflict("This proposal does not run as a spokescouncil.")
    if proposal.status != Status.OPEN or not round_.accepts_stances(now):
        raise Conflict("This round is not open for positions now.")
    if not units:
        raise Invalid(f"{member_group.name} takes no part in this round.", field="member_group")
    unit = units[0]
    member_ids = list(
        coalition_queries.current_people(member_group.coalition, in_groups=[member_group.pk]).values_list(
            "pk", flat=True
        )
    )
    views = list(
        GroupMemberView.objects.filter(round=round_, member_group=member_group, person_id__in=member_ids).order_by(
            "updated_at", "id"
        )
    )
    if not views:
        raise Conflict(f"No member of {member_group.name} has given a view in this round yet.")
    if not may_settle_group_position(standing, member_group, everyone_gave_a_view=len(views) >= len(member_ids)):
        raise NotAllowed(
            f"Until every member has given a view ({len(views)} of {len(member_ids)} so far), only "
            f"{member_group.name}'s delegates can settle its position."
        )
    settled = settle(rule.rule, views, member_ids)
    counted = spokescouncil.counted_position(queries.applied_rule(proposal, round_), settled.spokes_position)
    if unit.has_stance:
        Stance.objects.filter(round=round_, unit_key=key, is_current=True).update(is_current=False)
    note = f"Settled by {member_group.name}'s internal rule from {len(views)} of {len(member_ids)} members' views: {settled.outcome.summary}"
    record = Stance.objects.create(
        round=round_,
        unit=unit,
        unit_key=key,
        recorded_by=standing.person,
        position=counted,
        reason=settled.reason,
        spokes_position=settled.spokes_position,
        amendment=settled.amendment,
        note=note[:500],
        on_behalf=False,
        size=unit.size,
        weight=unit.weight,
        created_at=now,
    )
    actions._audit(
        coalition=proposal.coalition,
        actor=actor,
        standing=standing,
        verb="stance.recorded",
        summary=(
            f"settled {member_group.name}'s position on “{proposal.title}” by its internal rule"
            + (
                ""  # who said what stays hidden while the round hides positions, in the audit log too
                if queries.positions_hidden(proposal, round_)
                else f": {spokescouncil.WORDS[settled.spokes_position].lower()}"
            )
        )[:500],
        target=proposal,
        data={"round": round_.number, "unit": key, "internal_rule": True},
    )
    if proposal.close_when_all_responded:
        responded = Stance.objects.filter(round=round_, is_current=True).count()
        if responded >= round_.eligible_count:
            actions._close(proposal, round_, now=now, reason="everyone eligible has responded")
    return record


@atomic_action
def close_when_everyone_responded(*, actor: Actor, proposal: Proposal) -> Round:
    """A facilitator (or the proposer, or a coordinator) closes a spokescouncil round early once every unit has
    responded, rather than waiting for the deadline."""
    standing = actions._standing(actor, proposal.coalition)
    facilitators = set(proposal.facilitators.values_list("pk", flat=True))
    if not (may_facilitate(standing, proposal, facilitators) or may_manage_proposal(standing, proposal)):
        raise NotAllowed("Only a facilitator, the proposer or a coordinator can close the round early.")
    if proposal.process != Proposal.Process.SPOKESCOUNCIL:
        raise Conflict("Only a spokescouncil round closes early; this proposal closes at its deadline.")
    round_ = Round.objects.select_for_update().filter(proposal=proposal, number=proposal.round_number).first()
    proposal = Proposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)
    if round_ is None or proposal.status != Status.OPEN or not round_.is_open:
        raise Conflict(f"This round is already {(round_ or proposal).get_status_display().lower()}.")
    responded = Stance.objects.filter(round=round_, is_current=True).count()
    if responded < round_.eligible_count:
        raise Conflict(
            f"{round_.eligible_count - responded} of {round_.eligible_count} have not given a position yet; the "
            "round can close early once everyone has."
        )
    return actions._close(proposal, round_, now=timezone.now(), reason="closed early: everyone had responded")
