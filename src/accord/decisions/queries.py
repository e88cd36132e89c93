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

from django.db.models import CharField, Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accord.coalitions import queries as coalition_queries
from accord.coalitions.models import Coalition
from accord.coalitions.permissions import Actor, Standing
from accord.errors import Conflict, NotAllowed, NotFound, NotSignedIn
from accord.governance import (
    Condition,
    GovernanceError,
    Outcome,
    Rule,
    Totals,
    parse_ballots,
    parse_rule,
    tally,
    tally_totals,
    unit_weight,
)
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
        responded_count=Coalesce(Subquery(responded[:1]), Value(0)),  # 0, not None, before anyone responds
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


_PROPOSAL_AT = """
SELECT p.*, c.name AS coalition_name
FROM {proposal} p JOIN {coalition} c ON c.id = p.coalition_id
WHERE c.slug = %s AND p.id = %s
"""


def proposal_at(actor: Actor, slug: str, proposal_id: Any) -> Proposal:
    """The proposal at a coalition's address, with its coalition, in one query: giving a stance is the busiest
    request a coalition sends, so it pays to save the separate coalition lookup."""
    found = None
    if coalition_queries.SLUG_PATTERN.fullmatch(slug or ""):
        sql = _PROPOSAL_AT.format(proposal=Proposal._meta.db_table, coalition=Coalition._meta.db_table)
        found = next(iter(Proposal.objects.raw(sql, [slug, _id(proposal_id)])), None)
    if found is not None:
        # The coalition's other fields load if something asks for them; a stance needs only these.
        annotated: Any = found
        found.coalition = Coalition.from_db(
            Proposal.objects.db, ["id", "name", "slug"], [found.coalition_id, annotated.coalition_name, slug]
        )
    if found is None:
        _member_standing(actor, coalition_queries.coalition_by_slug(actor, slug))  # which of the two is missing
        raise NotFound("There is no such proposal in this coalition.")
    _member_standing(actor, found.coalition)
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
    applied = applied_rule(proposal, round_)
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
    # Only fist-to-five stances have a score: grouping the others by position alone, and counting rows (*) rather
    # than ids, lets the database answer from the (round, is_current, position) index without reading each row
    # (an index-only scan on PostgreSQL; bench/decisions.py, tally_db).
    scored = ("score",) if applied.method == "fist_to_five" else ()
    rows = (
        Stance.objects.filter(round=round_, is_current=True)
        .order_by()
        .values("position", *scored, *fields)
        .annotate(units=Count("*"))
    )
    for row in rows:
        weight = _weight(applied, row) * row["units"] if fields else Fraction(row["units"])
        bucket = (
            scores.setdefault(row["score"], [0, Fraction(0)])
            if row.get("score") is not None
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


def positions_hidden(proposal: Proposal, round_: Round) -> bool:
    """Whether who-said-what is hidden: always for secret stances; while the round is open when the results
    show only after closing, so early stances do not sway later ones."""
    hidden_until_close = proposal.results_visibility == Proposal.ResultsVisibility.AFTER_CLOSE and round_.is_open
    return proposal.is_secret or hidden_until_close


def responses(actor: Actor, proposal: Proposal, round_: Round) -> QuerySet[Stance]:
    """Who said what (current stances), unless positions are hidden (`positions_hidden`); paginate the result."""
    _member_standing(actor, proposal.coalition)
    if positions_hidden(proposal, round_):
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
    search = search.replace("\x00", "").strip()[:100]
    if search:
        rows = rows.filter(label__icontains=search)
    if positions_hidden(proposal, round_):
        # A facilitator sees who has been recorded, not what they said.
        rows = rows.annotate(current_position=Value(None, CharField()), current_score=Value(None, IntegerField()))
    else:
        rows = rows.annotate(
            current_position=Subquery(current.values("position")[:1]),
            current_score=Subquery(current.values("score")[:1]),
        )
    return rows.annotate(has_stance=Exists(current)).order_by("label", "id")


def stance_history(actor: Actor, proposal: Proposal, unit_key: str) -> QuerySet[Stance]:
    """Every stance a unit gave on this proposal, oldest first: changes are kept, never overwritten."""
    member = _member_standing(actor, proposal.coalition)
    unit_key = str(unit_key).replace("\x00", "")[:20]
    rows = Stance.objects.filter(round__proposal=proposal, unit_key=unit_key)
    if unit_key not in own_unit_keys(member):
        if proposal.is_secret:
            return Stance.objects.none()
        if proposal.results_visibility == Proposal.ResultsVisibility.AFTER_CLOSE and proposal.is_open:
            rows = rows.exclude(round__number=proposal.round_number)  # the open round's stances show at closing
    return rows.select_related("round", "recorded_by", "unit").order_by("created_at", "id")


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


def ballots_for_simulation(actor: Actor, proposal: Proposal, round_: Round) -> dict[str, Any]:
    """A closed round's ballots in the rule simulator's JSON form (see governance.parse_ballots), anonymised.

    Units are named u1, u2... in the order they became eligible, keeping their size and agreed weight; a stance's
    reason becomes a placeholder (a block still needs one to count). Secret stances are never replayed.
    """
    _member_standing(actor, proposal.coalition)
    if round_.proposal_id != proposal.pk:
        raise NotFound("There is no such round of this proposal.")
    if proposal.is_secret:
        raise NotAllowed("Stances on this proposal are secret, so its ballots cannot be replayed.")
    if round_.is_open:
        raise Conflict("This round is still open; its ballots can be replayed once it has closed.")
    names: dict[str, str] = {}
    eligible: list[dict[str, Any]] = []
    for key, size, weight in (
        EligibleUnit.objects.filter(round=round_).order_by("id").values_list("key", "size", "weight")
    ):
        names[key] = f"u{len(names) + 1}"
        unit: dict[str, Any] = {"unit": names[key], "size": size}
        if weight:
            unit["weight"] = weight
        eligible.append(unit)
    stances: list[dict[str, Any]] = []
    for key, position, score, choice, reason in (
        Stance.objects.filter(round=round_, is_current=True)
        .order_by("created_at", "id")
        .values_list("unit_key", "position", "score", "choice", "reason")
    ):
        stance: dict[str, Any] = {"unit": names[key]}
        if choice:
            name, value = next(iter(choice.items()))
            stance[name] = value
        elif score is not None:
            stance["score"] = score
        else:
            stance["position"] = position or "abstain"
        if reason:
            stance["reason"] = "(a reason was given)"
        stances.append(stance)
    return {
        "eligible": eligible,
        "options": list(proposal.options),
        "failed_rounds": round_.failed_rounds_before,
        "stances": stances,
    }


SIMULATOR_MAX = 100_000


def simulate(rule_data: Any, ballots_data: Any) -> Outcome:
    """Count hypothetical or past ballots under a rule, as `accord tally` does; GovernanceError names the field.

    Reads and writes nothing: anyone signed in may try a rule before their coalition adopts it.
    """
    rule = parse_rule(rule_data, path="rule")
    if isinstance(ballots_data, dict):
        for field in ("eligible", "stances"):
            given = ballots_data.get(field)
            if isinstance(given, list) and len(given) > SIMULATOR_MAX:
                raise GovernanceError(
                    f"The simulator counts at most {SIMULATOR_MAX:,} {'eligible units' if field == 'eligible' else 'stances'} "
                    f"at a time (this has {len(given):,}); try the rule on a smaller sample.",
                    path=f"ballots.{field}",
                )
    ballots = parse_ballots(ballots_data, rule=rule, path="ballots")
    try:
        return tally(
            rule,
            eligible=ballots.eligible,
            stances=ballots.stances,
            options=ballots.options,
            failed_rounds=ballots.failed_rounds,
            checked=True,
        )
    except GovernanceError as error:  # tally() names fields from the ballots' top
        raise GovernanceError(error.message, path=f"ballots.{error.path}" if error.path else "ballots") from None
