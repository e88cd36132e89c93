"""Spokescouncils: member groups give positions in the guide's words, round after round, counted by the rule.

In a spokescouncil round each member group (and, under "groups and individuals", each individual member) gives
one of four positions (Anarchic Agreements guide, section 2.4): agree; agree with amendments (the amendment is
required); agree with concerns (the concerns are required, as the reason); block (the reason is required). The
coalition's rule counts them through the governance kernel unchanged, by `counted_position`:

    agree     -> agree
    concerns  -> agree (consent with concerns)
    amend     -> stand_aside where the rule accepts stand asides (consensus methods), disagree otherwise
    block     -> block where the rule accepts blocks, disagree otherwise (a majority without a block allowance)

A stance keeps both: `spokes_position` (what the group said, always what pages and the API show) and `position`
(what the rule counted). This module holds the mapping, its checks and the reads the spokes' meeting needs; the
writes are in `actions` (record_stance) and `group_rules` (a member group's internal rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from accord.coalitions.permissions import Actor
from accord.errors import Invalid, NotFound
from accord.governance import GovernanceError, Rule, parse_rule
from accord.text import clean_text

from . import queries
from .models import EligibleUnit, Proposal, Round, SpokesPosition, Stance

POSITIONS = tuple(SpokesPosition.values)  # agree, amend, concerns, block
WORDS = dict(SpokesPosition.choices)
GROUP_UNITS = ("groups", "groups_and_individuals")
TEXT_MAX = 4000


def counted_position(rule: Rule, spokes_position: str) -> str:
    """The position the rule counts for a spokescouncil position (see the module's table)."""
    accepted = rule.accepted_positions()
    if spokes_position in (SpokesPosition.AGREE, SpokesPosition.CONCERNS):
        return "agree"
    if spokes_position == SpokesPosition.AMEND:
        return "stand_aside" if "stand_aside" in accepted else "disagree"
    if spokes_position == SpokesPosition.BLOCK:
        return "block" if "block" in accepted else "disagree"
    raise ValueError(f"Not a spokescouncil position: {spokes_position!r}")


def check_process(process: Any, rule: Rule, *, kind_name: str) -> str:
    """The process a proposal runs as, or Invalid on "process": a spokescouncil needs a rule (and every fallback)
    counted by member groups and deciding by positions."""
    if process in (None, ""):
        return Proposal.Process.STANDARD
    if process not in Proposal.Process.values:
        raise Invalid('Choose the process "standard" or "spokescouncil".', field="process")
    if process == Proposal.Process.SPOKESCOUNCIL:
        current: Rule | None = rule
        while current is not None:
            if current.unit not in GROUP_UNITS:
                raise Invalid(
                    f"{kind_name} is counted by people, so it cannot run as a spokescouncil: choose a kind counted "
                    "by member groups.",
                    field="process",
                )
            if current.method not in ("consensus", "majority", "supermajority"):
                raise Invalid(
                    f"{kind_name} is decided by {current.method.replace('_', ' ')}, and a spokescouncil gathers "
                    "positions: choose a kind decided by consent, a majority or a super-majority.",
                    field="process",
                )
            current = current.fallback.rule if current.fallback else None
    return str(process)


@dataclass(frozen=True)
class CheckedPosition:
    spokes_position: str
    position: str  # what the rule counts
    amendment: str
    reason: str


def check_position(rule: Rule, spokes_position: Any, *, amendment: Any = "", reason: Any = "") -> CheckedPosition:
    """A spokescouncil position with the text it needs, or Invalid naming the field to fill in."""
    if spokes_position in (None, ""):
        raise Invalid(
            "Choose the group's position: agree, agree with amendments, concerns or block.", field="spokes_position"
        )
    if not isinstance(spokes_position, str) or spokes_position not in POSITIONS:
        raise Invalid(
            'Give the position as "agree", "amend" (agree with amendments), "concerns" or "block".',
            field="spokes_position",
        )
    amendment = clean_text(
        amendment or "", field="amendment", label="the amendment", max_length=TEXT_MAX, required=False
    )
    reason = clean_text(reason or "", field="reason", label="the reason", max_length=TEXT_MAX, required=False)
    if spokes_position == SpokesPosition.AMEND:
        if not amendment:
            raise Invalid("Write the amendment the group asks for.", field="amendment")
    elif amendment:
        raise Invalid(
            'An amendment goes with the position "agree with amendments"; choose it, or clear the amendment.',
            field="amendment",
        )
    if spokes_position == SpokesPosition.CONCERNS and not reason:
        raise Invalid("Write the group's concerns.", field="reason")
    if spokes_position == SpokesPosition.BLOCK and not reason:
        raise Invalid("A block needs a reason: say why the group cannot let this go ahead.", field="reason")
    return CheckedPosition(str(spokes_position), counted_position(rule, spokes_position), amendment, reason)


def parse_group_rule(data: Any) -> Rule:
    """A member group's internal rule: counted by people, deciding by positions; Invalid on "rule" otherwise."""
    try:
        rule = parse_rule(data, path="rule")
    except GovernanceError as error:
        raise Invalid(error.message, field=error.path or "rule") from error
    if rule.unit != "people":
        raise Invalid('A group\'s internal rule counts its members: give "unit": "people".', field="rule.unit")
    if rule.method not in ("consensus", "majority", "supermajority") or rule.fallback is not None:
        raise Invalid(
            "A group's internal rule decides by consent, a majority or a super-majority, without a fallback.",
            field="rule.method" if rule.fallback is None else "rule.fallback",
        )
    return rule


# --- what the spokes' meeting sees --------------------------------------------------------------------------------


@dataclass
class GroupPosition:
    unit: EligibleUnit
    stance: Stance | None

    @property
    def spokes_position(self) -> str:
        return self.stance.spokes_position if self.stance else ""

    @property
    def words(self) -> str:
        return WORDS.get(self.spokes_position, "No position yet") if self.stance else "No position yet"

    @property
    def amendment(self) -> str:
        return self.stance.amendment if self.stance else ""

    @property
    def concerns(self) -> str:
        """The concerns or the block's reason (a reason given with agree or an amendment shows too)."""
        return self.stance.reason if self.stance else ""


def spokes_positions(actor: Actor, proposal: Proposal, round_: Round | None = None) -> list[GroupPosition]:
    """Every eligible unit of a round (the current one by default) with its position, amendment, concerns and who
    recorded it, side by side. Positions stay hidden while they are (secret stances, results after closing)."""
    queries.rounds(actor, proposal)  # the member check
    if round_ is None:
        round_ = queries.current_round(proposal)
    elif round_.proposal_id != proposal.pk:
        raise NotFound("There is no such round of this proposal.")
    units = list(EligibleUnit.objects.filter(round=round_).order_by("label", "id"))
    stances: dict[str, Stance] = {}
    if not queries.positions_hidden(proposal, round_):
        stances = {
            stance.unit_key: stance
            for stance in Stance.objects.filter(round=round_, is_current=True).select_related("recorded_by")
        }
    return [GroupPosition(unit, stances.get(unit.key)) for unit in units]


def round_of(actor: Actor, proposal: Proposal, number: Any) -> Round:
    """One round of the proposal by its number (the current one when not given)."""
    queries.rounds(actor, proposal)
    if number in (None, ""):
        return queries.current_round(proposal)
    try:
        wanted = int(number)
    except (TypeError, ValueError):
        raise Invalid("Give the round as a number, like 2.", field="round") from None
    found = Round.objects.filter(proposal=proposal, number=wanted).first()
    if found is None:
        raise NotFound(f"This proposal has no round {wanted}.")
    return found


@dataclass
class RoundPositions:
    round: Round
    positions: list[GroupPosition]
    hidden: bool


def spokes_history(actor: Actor, proposal: Proposal) -> list[RoundPositions]:
    """Every round, newest first, with its text and the positions given in it."""
    all_rounds = queries.rounds(actor, proposal)
    units: dict[int, list[EligibleUnit]] = {}
    for unit in EligibleUnit.objects.filter(round__proposal=proposal).order_by("label", "id"):
        units.setdefault(unit.round_id, []).append(unit)
    stances: dict[tuple[int, str], Stance] = {}
    for stance in Stance.objects.filter(round__proposal=proposal, is_current=True).select_related("recorded_by"):
        stances[(stance.round_id, stance.unit_key)] = stance
    history = []
    for round_ in reversed(all_rounds):
        hidden = queries.positions_hidden(proposal, round_)
        positions = [
            GroupPosition(unit, None if hidden else stances.get((round_.pk, unit.key)))
            for unit in units.get(round_.pk, [])
        ]
        history.append(RoundPositions(round_, positions, hidden))
    return history
