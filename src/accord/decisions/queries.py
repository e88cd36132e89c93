"""Every read of decisions that leaves this app, scoped to what the actor may see, and the tally from the database.

A position method's tally is one GROUP BY over the current stances (plus one over the eligible units when
weights differ), so counting 14,000 stances costs about what reading their totals costs. Option methods need
every ballot and read them in one query.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from accord.coalitions import queries as coalition_queries
from accord.coalitions.models import Coalition
from accord.coalitions.permissions import Actor, Standing
from accord.errors import NotAllowed, NotFound, NotSignedIn
from accord.governance import Condition, Outcome, Rule, Totals, parse_rule, tally, tally_totals, unit_weight
from accord.governance import Stance as KernelStance
from accord.governance import Unit as KernelUnit
from accord.governance.numbers import parse_fraction

from .models import AgreedWeight, DecisionKind, EligibleUnit, Proposal, Round, Stance, Status
from .permissions import may_facilitate, may_view_decisions, own_unit_keys

RECENT_DECISIONS = 5


def _member_standing(actor: Actor, coalition: Coalition) -> Standing:
    standing = coalition_queries.standing(actor, coalition)
    if may_view_decisions(standing):
        return standing
    if not getattr(actor, "is_authenticated", False):
        raise NotSignedIn("Sign in to see this coalition's decisions.")
    raise NotAllowed("Only members of this coalition can see its decisions.")


def standing(actor: Actor, coalition: Coalition) -> Standing:
    return coalition_queries.standing(actor, coalition)


# --- the decision-kind table ------------------------------------------------------------------------------------------


def decision_kinds(actor: Actor, coalition: Coalition) -> QuerySet[DecisionKind]:
    _member_standing(actor, coalition)
    return DecisionKind.objects.filter(coalition=coalition).order_by("position", "name")


def decision_kind(actor: Actor, coalition: Coalition, kind_id: Any) -> DecisionKind:
    _member_standing(actor, coalition)
    kind = DecisionKind.objects.filter(coalition=coalition, pk=_id(kind_id)).first()
    if kind is None:
        raise NotFound("There is no such decision kind in this coalition.")
    return kind


def agreed_weights(actor: Actor, coalition: Coalition) -> dict[int, str]:
    _member_standing(actor, coalition)
    return dict(AgreedWeight.objects.filter(coalition=coalition).values_list("member_group_id", "weight"))


def _id(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return number if 0 < number < 2**63 else 0


# --- proposals ------------------------------------------------------------------------------------------------------------


def proposals(actor: Actor, coalition: Coalition, *, status: str = "") -> QuerySet[Proposal]:
    """The coalition's proposals, newest first, each with its current round's deadline and response count."""
    _member_standing(actor, coalition)
    current = Round.objects.filter(proposal=OuterRef("pk"), number=OuterRef("round_number"))
    responded = (
        Stance.objects.filter(round__proposal=OuterRef("pk"), round__number=OuterRef("round_number"), is_current=True)
        .order_by()
        .values("round")
        .annotate(count=Count("id"))
        .values("count")
    )
    rows = Proposal.objects.filter(coalition=coalition).select_related("kind", "author")
    if status == "open":
        rows = rows.filter(status=Status.OPEN)
    elif status == "closed":
        rows = rows.exclude(status=Status.OPEN)
    elif status in Status.values:
        rows = rows.filter(status=status)
    return rows.annotate(
        closes_at=Subquery(current.values("closes_at")[:1]),
        eligible_count=Subquery(current.values("eligible_count")[:1]),
        responded_count=Subquery(responded[:1]),
    ).order_by("-created_at", "-id")


def proposal(actor: Actor, coalition: Coalition, proposal_id: Any) -> Proposal:
    _member_standing(actor, coalition)
    found = (
        Proposal.objects.filter(coalition=coalition, pk=_id(proposal_id))
        .select_related("kind", "author", "coalition")
        .first()
    )
    if found is None:
        raise NotFound("There is no such proposal in this coalition.")
    return found


def rounds(actor: Actor, proposal: Proposal) -> list[Round]:
    _member_standing(actor, proposal.coalition)
    return list(Round.objects.filter(proposal=proposal).order_by("number"))


def current_round(proposal: Proposal) -> Round:
    found = Round.objects.filter(proposal=proposal, number=proposal.round_number).first()
    if found is None:
        raise NotFound("This proposal has no round.")
    return found


def frozen_rule(proposal: Proposal) -> Rule:
    return parse_rule(proposal.rule)


def applied_rule(proposal: Proposal, round_: Round) -> Rule:
    return frozen_rule(proposal).applied(round_.failed_rounds_before)[0]


# --- tallying from the database -------------------------------------------------------------------------------------------


def _weight_fields(rule: Rule) -> list[str]:
    if rule.weighting in ("size", "sqrt_size"):
        return ["size"]
    if rule.weighting == "custom":
        return ["weight"]
    return []


def _weight(rule: Rule, row: dict[str, Any]) -> Fraction:
    custom = parse_fraction(row["weight"] or "1", path="weight", what="the weight") if "weight" in row else None
    return unit_weight(rule, KernelUnit("", row.get("size", 1), custom))


def tally_round(proposal: Proposal, round_: Round) -> Outcome:
    """The round's outcome from its current stances, under the rule frozen when the proposal opened."""
    rule = frozen_rule(proposal)
    applied = rule.applied(round_.failed_rounds_before)[0]
    if applied.takes_options:
        eligible = [
            KernelUnit(key, size, parse_fraction(weight or "1", path="weight", what="the weight"))
            for key, size, weight in EligibleUnit.objects.filter(round=round_).values_list("key", "size", "weight")
        ]
        stances = [
            _kernel_stance(key, position, choice)
            for key, position, choice in Stance.objects.filter(round=round_, is_current=True)
            .order_by()
            .values_list("unit_key", "position", "choice")
        ]
        return tally(
            rule,
            eligible=eligible,
            stances=stances,
            options=proposal.options,
            failed_rounds=round_.failed_rounds_before,
            checked=True,
        )
    fields = _weight_fields(applied)
    if fields:
        eligible_weight = sum(
            (
                _weight(applied, row) * row["units"]
                for row in EligibleUnit.objects.filter(round=round_)
                .order_by()
                .values(*fields)
                .annotate(units=Count("id"))
            ),
            Fraction(0),
        )
    else:
        eligible_weight = Fraction(round_.eligible_count)
    totals = Totals(eligible_units=round_.eligible_count, eligible_weight=eligible_weight)
    positions: dict[str, list[Any]] = {}
    scores: dict[int, list[Any]] = {}
    rows = (
        Stance.objects.filter(round=round_, is_current=True)
        .order_by()
        .values("position", "score", *fields)
        .annotate(units=Count("id"))
    )
    for row in rows:
        weight = _weight(applied, row) * row["units"] if fields else Fraction(row["units"])
        bucket = (
            scores.setdefault(row["score"], [0, Fraction(0)])
            if row["score"] is not None
            else positions.setdefault(row["position"] or "abstain", [0, Fraction(0)])
        )
        bucket[0] += row["units"]
        bucket[1] += weight
    totals.positions = {key: (units, weight) for key, (units, weight) in positions.items()}
    totals.scores = {key: (units, weight) for key, (units, weight) in scores.items()}
    return tally_totals(rule, totals, failed_rounds=round_.failed_rounds_before)


def _kernel_stance(key: str, position: str, choice: dict[str, Any] | None) -> KernelStance:
    if not choice:
        return KernelStance(key, position=position or "abstain")
    name, value = next(iter(choice.items()))
    if name in ("ranking", "approve"):
        return KernelStance(key, **{name: tuple(value)})
    return KernelStance(key, **{name: dict(value)})


# --- what a proposal's page shows -------------------------------------------------------------------------------------------


@dataclass
class ProposalView:
    proposal: Proposal
    round: Round
    rounds: list[Round]
    standing: Standing
    rule: Rule
    applied: Rule
    outcome: Outcome | None  # None while results are hidden until closing
    results_hidden: bool
    responded: int
    my_units: list[tuple[EligibleUnit, Stance | None]]
    may_facilitate: bool
    facilitator_ids: set[int]


def proposal_view(actor: Actor, proposal: Proposal) -> ProposalView:
    """What the proposal page needs, in a fixed number of queries however many stances there are."""
    member = _member_standing(actor, proposal.coalition)
    all_rounds = list(Round.objects.filter(proposal=proposal).order_by("number"))
    round_ = next((r for r in all_rounds if r.number == proposal.round_number), None)
    if round_ is None:
        raise NotFound("This proposal has no round.")
    rule = frozen_rule(proposal)
    applied = rule.applied(round_.failed_rounds_before)[0]
    hidden = round_.is_open and proposal.results_visibility == Proposal.ResultsVisibility.AFTER_CLOSE
    outcome: Outcome | None = None
    if round_.outcome is not None:
        outcome = outcome_from_json(round_.outcome)
    elif not hidden and round_.status == Status.OPEN:
        outcome = tally_round(proposal, round_)
    responded = Stance.objects.filter(round=round_, is_current=True).count()
    keys = own_unit_keys(member)
    units = list(EligibleUnit.objects.filter(round=round_, key__in=keys).order_by("key"))
    current = {s.unit_key: s for s in Stance.objects.filter(round=round_, is_current=True, unit_key__in=keys)}
    facilitator_ids = set(proposal.facilitators.values_list("pk", flat=True))
    return ProposalView(
        proposal=proposal,
        round=round_,
        rounds=all_rounds,
        standing=member,
        rule=rule,
        applied=applied,
        outcome=outcome,
        results_hidden=hidden,
        responded=responded,
        my_units=[(unit, current.get(unit.key)) for unit in units],
        may_facilitate=may_facilitate(member, proposal, facilitator_ids),
        facilitator_ids=facilitator_ids,
    )


def outcome_from_json(data: dict[str, Any]) -> Outcome:
    return Outcome(
        status=data["status"],
        rule_applied=data["rule_applied"],
        conditions=tuple(Condition(**condition) for condition in data["conditions"]),
        counts=data["counts"],
        summary=data["summary"],
        winner=data.get("winner"),
        tied=tuple(data.get("tied") or ()),
    )


def responses(actor: Actor, proposal: Proposal, round_: Round) -> QuerySet[Stance]:
    """Who said what (current stances), unless stances are secret; paginate the result."""
    _member_standing(actor, proposal.coalition)
    if proposal.is_secret:
        return Stance.objects.none()
    return (
        Stance.objects.filter(round=round_, is_current=True)
        .select_related("unit", "recorded_by")
        .order_by("unit__label", "unit_id")
    )


def not_responded(actor: Actor, proposal: Proposal, round_: Round) -> QuerySet[EligibleUnit]:
    """Eligible units without a stance yet, unless stances are secret; paginate the result."""
    _member_standing(actor, proposal.coalition)
    if proposal.is_secret:
        return EligibleUnit.objects.none()
    answered = Stance.objects.filter(round=round_, unit_key=OuterRef("key"), is_current=True)
    return EligibleUnit.objects.filter(round=round_).exclude(Exists(answered)).order_by("label", "id")


def eligible_units(actor: Actor, proposal: Proposal, round_: Round, *, search: str = "") -> QuerySet[EligibleUnit]:
    """Every eligible unit with its current stance's position, for facilitators recording a room's stances."""
    member = _member_standing(actor, proposal.coalition)
    if not may_facilitate(member, proposal, set(proposal.facilitators.values_list("pk", flat=True))):
        raise NotAllowed("Only a coordinator or a facilitator named on this proposal can record others' stances.")
    current = Stance.objects.filter(round=round_, unit_key=OuterRef("key"), is_current=True)
    rows = EligibleUnit.objects.filter(round=round_)
    if search:
        rows = rows.filter(label__icontains=search.strip()[:100])
    return rows.annotate(
        current_position=Subquery(current.values("position")[:1]),
        current_score=Subquery(current.values("score")[:1]),
        has_stance=Exists(current),
    ).order_by("label", "id")


def stance_history(actor: Actor, proposal: Proposal, unit_key: str) -> QuerySet[Stance]:
    """Every stance a unit gave on this proposal, oldest first: changes are kept, never overwritten."""
    member = _member_standing(actor, proposal.coalition)
    if proposal.is_secret and unit_key not in own_unit_keys(member):
        return Stance.objects.none()
    return (
        Stance.objects.filter(round__proposal=proposal, unit_key=str(unit_key)[:20])
        .select_related("round", "recorded_by", "unit")
        .order_by("created_at", "id")
    )


@dataclass
class Participation:
    eligible: int
    responded: int
    recent: int  # earlier closed decisions compared
    took_part_in_any: int
    took_part_in_all: int
    average_share: Fraction | None

    @property
    def share(self) -> Fraction:
        return Fraction(self.responded, self.eligible) if self.eligible else Fraction(0)

    @property
    def same_people(self) -> bool:
        """Whether it is mostly the same few who take part, the pattern the guides warn about."""
        if self.recent < 2 or not self.took_part_in_any or self.average_share is None:
            return False
        return self.average_share < Fraction(1, 2) and Fraction(
            self.took_part_in_all, self.took_part_in_any
        ) >= Fraction(2, 3)


def participation(actor: Actor, proposal: Proposal, round_: Round, *, responded: int | None = None) -> Participation:
    """How many took part here, and whether the same units take part across the coalition's recent decisions."""
    _member_standing(actor, proposal.coalition)
    unit = proposal.rule.get("unit", "people")
    recent = list(
        Round.objects.filter(proposal__coalition=proposal.coalition, closed_at__isnull=False, proposal__rule__unit=unit)
        .exclude(status=Status.WITHDRAWN)
        .exclude(pk=round_.pk)
        .order_by("-closed_at")
        .values_list("pk", "eligible_count")[:RECENT_DECISIONS]
    )
    if responded is None:
        responded = Stance.objects.filter(round=round_, is_current=True).count()
    if not recent:
        return Participation(round_.eligible_count, responded, 0, 0, 0, None)
    round_ids = [pk for pk, _ in recent]
    per_unit = Counter(
        dict(
            Stance.objects.filter(round_id__in=round_ids, is_current=True)
            .order_by()
            .values("unit_key")
            .annotate(rounds=Count("round_id", distinct=True))
            .values_list("unit_key", "rounds")
        )
    )
    per_round = dict(
        Stance.objects.filter(round_id__in=round_ids, is_current=True)
        .order_by()
        .values("round_id")
        .annotate(n=Count("id"))
        .values_list("round_id", "n")
    )
    shares = [Fraction(per_round.get(pk, 0), eligible) for pk, eligible in recent if eligible]
    average = sum(shares, Fraction(0)) / len(shares) if shares else None
    return Participation(
        eligible=round_.eligible_count,
        responded=responded,
        recent=len(recent),
        took_part_in_any=len(per_unit),
        took_part_in_all=sum(1 for count in per_unit.values() if count == len(recent)),
        average_share=average,
    )


def awaiting(actor: Actor, coalition: Coalition) -> QuerySet[Proposal]:
    """Open proposals in which one of the actor's own units has not responded yet."""
    member = coalition_queries.standing(actor, coalition)
    keys = own_unit_keys(member)
    if not keys:
        return Proposal.objects.none()
    now = timezone.now()
    waiting = EligibleUnit.objects.filter(
        round__proposal=OuterRef("pk"),
        round__number=OuterRef("round_number"),
        key__in=keys,
    ).exclude(Exists(Stance.objects.filter(round_id=OuterRef("round_id"), unit_key=OuterRef("key"), is_current=True)))
    return (
        Proposal.objects.filter(coalition=coalition, status=Status.OPEN)
        .filter(Exists(waiting))
        .filter(
            Exists(Round.objects.filter(proposal=OuterRef("pk"), number=OuterRef("round_number"), opens_at__lte=now))
        )
        .order_by("-created_at")
    )


def overdue_round_ids(proposal: Proposal) -> list[int]:
    return list(
        Round.objects.filter(proposal=proposal, status=Status.OPEN, closes_at__lte=timezone.now()).values_list(
            "pk", flat=True
        )
    )


def addresses_not_responded(round_: Round) -> list[str]:
    """Email addresses of those who have not responded: people themselves, and the delegates of silent groups."""
    silent = EligibleUnit.objects.filter(round=round_).exclude(
        Exists(Stance.objects.filter(round=round_, unit_key=OuterRef("key"), is_current=True))
    )
    people = silent.filter(person__isnull=False, person__user__isnull=False).values_list(
        "person__user__email", flat=True
    )
    group_ids = list(silent.filter(member_group__isnull=False).values_list("member_group_id", flat=True))
    delegates = (
        coalition_queries.delegates_of(group_ids).filter(user__isnull=False).values_list("user__email", flat=True)
    )
    return sorted({address for address in [*people, *delegates] if address})


def open_rounds_count(coalition: Coalition) -> int:
    return Round.objects.filter(proposal__coalition=coalition, status=Status.OPEN).count()
