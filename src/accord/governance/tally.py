"""Counting a round: which rule applies, what each condition required and found, and the verdict.

Two doors lead to the same verdict. `tally` takes every stance (the simulator, option methods); `tally_totals`
takes the sums a position method depends on, which the application reads with one GROUP BY query.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .ballots import Stance, Unit, check_stance
from .errors import GovernanceError
from .numbers import percent, show, show_share, sqrt_weight
from .rules import Rule, noun

PASSED, REJECTED, BLOCKED, NO_QUORUM, NEEDS_DISCUSSION = (
    "passed",
    "rejected",
    "blocked",
    "no_quorum",
    "needs_discussion",
)
CHOSEN, TIE = "chosen", "tie"
FAILED_STATUSES = frozenset({REJECTED, BLOCKED, NO_QUORUM, NEEDS_DISCUSSION, TIE})
STATUS_WORDS = {
    PASSED: "Passed",
    REJECTED: "Rejected",
    BLOCKED: "Blocked",
    NO_QUORUM: "No quorum",
    NEEDS_DISCUSSION: "Needs discussion",
    CHOSEN: "Chosen",
    TIE: "Tie",
}


@dataclass(frozen=True, slots=True)
class Condition:
    name: str
    required: str
    found: str
    met: bool
    explanation: str

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "required": self.required,
            "found": self.found,
            "met": self.met,
            "explanation": self.explanation,
        }


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str
    rule_applied: str
    conditions: tuple[Condition, ...]
    counts: dict[str, Any]
    summary: str
    winner: str | None = None
    tied: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return self.status in FAILED_STATUSES

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "rule_applied": self.rule_applied,
            "winner": self.winner,
            "tied": list(self.tied),
            "counts": self.counts,
            "conditions": [condition.to_json() for condition in self.conditions],
            "summary": self.summary,
        }


@dataclass(slots=True)
class Totals:
    """What a position or fist-to-five verdict depends on: per position (or score), units and their weight."""

    eligible_units: int
    eligible_weight: Fraction
    positions: dict[str, tuple[int, Fraction]] = field(default_factory=dict)
    scores: dict[int, tuple[int, Fraction]] = field(default_factory=dict)

    @property
    def responded_units(self) -> int:
        return sum(units for units, _ in self.positions.values()) + sum(units for units, _ in self.scores.values())

    @property
    def responded_weight(self) -> Fraction:
        return sum((weight for _, weight in self.positions.values()), Fraction(0)) + sum(
            (weight for _, weight in self.scores.values()), Fraction(0)
        )

    def units(self, position: str) -> int:
        return self.positions.get(position, (0, Fraction(0)))[0]

    def weight(self, position: str) -> Fraction:
        return self.positions.get(position, (0, Fraction(0)))[1]


# --- weights ---------------------------------------------------------------------------------------------------


def unit_weight(rule: Rule, unit: Unit) -> Fraction:
    return Fraction(_weigher(rule)(_weight_key(rule, unit)))


def _weight_key(rule: Rule, unit: Unit) -> Any:
    """A cheap hashable stand-in for the weight, so a million stances are summed per distinct weight."""
    if rule.weighting == "equal":
        return 1
    if rule.weighting == "custom":
        if unit.weight is None:
            raise GovernanceError(f"Custom weighting needs a weight for {unit.id!r}.", path="eligible.weight")
        return unit.weight
    return unit.size


def _weigher(rule: Rule) -> Any:
    if rule.weighting == "sqrt_size":
        cache: dict[int, Fraction] = {}

        def sqrt_of(size: int) -> Fraction:
            if size not in cache:
                cache[size] = sqrt_weight(size)
            return cache[size]

        return sqrt_of
    return Fraction


def _summed(rule: Rule, keyed: Counter[Any]) -> Fraction:
    weigh = _weigher(rule)
    return sum((weigh(key) * count for key, count in keyed.items()), Fraction(0))


# --- the door for every stance --------------------------------------------------------------------------------


def tally(
    rule: Rule,
    *,
    eligible: Sequence[Unit],
    stances: Iterable[Stance],
    options: Sequence[str] = (),
    failed_rounds: int = 0,
    checked: bool = False,
) -> Outcome:
    """The outcome of a round. Stances are in time order; a unit's latest stance counts.

    `checked=True` skips the per-stance check for stances already checked when they were recorded; a stance from
    a unit not among `eligible` is refused either way (the unit may have been eligible when it was recorded).
    """
    if not eligible:
        raise GovernanceError("There must be at least one eligible unit.", path="eligible")
    applied, depth = rule.applied(failed_rounds)
    units = {unit.id: unit for unit in eligible}
    if len(units) != len(eligible):
        raise GovernanceError("Each eligible unit must be listed once.", path="eligible")
    latest: dict[str, Stance] = {}
    for index, stance in enumerate(stances):
        if stance.unit not in units:
            raise GovernanceError(f"{stance.unit!r} is not among the eligible units.", path=f"stances[{index}].unit")
        if not checked:
            check_stance(applied, stance, options=options, path=f"stances[{index}]")
        latest[stance.unit] = stance
    if applied.takes_options:
        return _choose(applied, depth, failed_rounds, units, latest, options)

    eligible_keys = Counter(_weight_key(applied, unit) for unit in eligible)
    position_keys: dict[str, Counter[Any]] = defaultdict(Counter)
    score_keys: dict[int, Counter[Any]] = defaultdict(Counter)
    for unit_id, stance in latest.items():
        key = _weight_key(applied, units[unit_id])
        if stance.score is not None:
            score_keys[stance.score][key] += 1
        else:
            position_keys[stance.position or "abstain"][key] += 1
    totals = Totals(
        eligible_units=len(eligible),
        eligible_weight=_summed(applied, eligible_keys),
        positions={position: (sum(keys.values()), _summed(applied, keys)) for position, keys in position_keys.items()},
        scores={score: (sum(keys.values()), _summed(applied, keys)) for score, keys in score_keys.items()},
    )
    return _decide(applied, depth, failed_rounds, totals)


def tally_totals(rule: Rule, totals: Totals, *, failed_rounds: int = 0) -> Outcome:
    """The outcome of a round under a position or fist-to-five method, from its totals."""
    applied, depth = rule.applied(failed_rounds)
    if applied.takes_options:
        raise GovernanceError(f"The {applied.method} method needs every ballot, not totals.", path="rule.method")
    if totals.eligible_units < 1:
        raise GovernanceError("There must be at least one eligible unit.", path="eligible")
    return _decide(applied, depth, failed_rounds, totals)


# --- accepting or refusing one proposal --------------------------------------------------------------------------


def _decide(rule: Rule, depth: int, failed_rounds: int, totals: Totals) -> Outcome:
    conditions: list[Condition] = []
    quorum = _quorum(
        rule, totals.eligible_units, totals.eligible_weight, totals.responded_units, totals.responded_weight
    )
    if quorum:
        conditions.append(quorum)
    counts: dict[str, Any] = {
        "eligible": totals.eligible_units,
        "responded": totals.responded_units,
        "eligible_weight": show(totals.eligible_weight),
        "responded_weight": show(totals.responded_weight),
        "positions": {
            position: {"units": units, "weight": show(weight)}
            for position, (units, weight) in sorted(totals.positions.items())
        },
    }
    if rule.method == "fist_to_five":
        fist = rule.fist_to_five
        blocks = concerns = supports = 0
        for score, (units, _weight) in totals.scores.items():
            if score <= fist.block_at_or_below:
                blocks += units
            elif score <= fist.concern_at_or_below:
                concerns += units
            else:
                supports += units
        counts["scores"] = {
            str(score): {"units": units, "weight": show(weight)}
            for score, (units, weight) in sorted(totals.scores.items())
        }
        counts.update(blocks=blocks, concerns=concerns, supports=supports)
        conditions.append(_blocks(rule, totals.eligible_units, blocks))
        if fist.max_concerns is not None:
            conditions.append(_capped("concerns", "concern", "concerns", concerns, fist.max_concerns))
        conditions.append(_someone_agrees(rule, supports, f"showing more than {fist.concern_at_or_below}"))
    elif rule.method == "consensus":
        blocks = totals.units("block")
        counts["blocks"] = blocks
        conditions.append(_blocks(rule, totals.eligible_units, blocks))
        if rule.max_stand_asides is not None:
            conditions.append(
                _capped(
                    "stand_asides", "stand aside", "stand asides", totals.units("stand_aside"), rule.max_stand_asides
                )
            )
        conditions.append(_someone_agrees(rule, totals.units("agree"), "agreeing"))
    else:
        if rule.block_allowance_set:
            blocks = totals.units("block")
            counts["blocks"] = blocks
            conditions.append(_blocks(rule, totals.eligible_units, blocks))
        conditions.append(_share(rule, totals))

    met = {condition.name: condition.met for condition in conditions}
    if not met.get("quorum", True):
        status = NO_QUORUM
    elif not met.get("blocks", True):
        status = BLOCKED
    elif not (met.get("stand_asides", True) and met.get("concerns", True)):
        status = NEEDS_DISCUSSION
    elif not all(met.values()):
        status = REJECTED
    else:
        status = PASSED
    return _outcome(status, depth, failed_rounds, conditions, counts)


def _quorum(
    rule: Rule, eligible_units: int, eligible_weight: Fraction, responded_units: int, responded_weight: Fraction
) -> Condition | None:
    if rule.quorum is None:
        return None
    plural = noun(rule.unit)
    share = show_share(rule.quorum)
    if rule.quorum_by == "weight":
        met = responded_weight >= rule.quorum * eligible_weight
        needed = rule.quorum * eligible_weight
        required = f"at least {share} of the eligible weight ({show(needed)} of {show(eligible_weight)})"
        found = f"{show(responded_weight)} of {show(eligible_weight)}"
        explanation = (
            f"{responded_units} of {eligible_units} {plural} took part, carrying {show(responded_weight)} of "
            f"{show(eligible_weight)} weight ({percent(_ratio(responded_weight, eligible_weight))}; quorum {share}, {show(needed)})"
        )
    else:
        needed_units = _at_least(rule.quorum, eligible_units)
        met = responded_units >= needed_units
        required = f"at least {share} of {eligible_units} {plural} ({needed_units})"
        found = f"{responded_units} of {eligible_units}"
        explanation = f"{responded_units} of {eligible_units} {plural} took part (quorum {needed_units})"
    if not met:
        explanation += ", too few"
    return Condition("quorum", required, found, met, explanation)


def _at_least(share: Fraction, whole: int) -> int:
    """The smallest count that reaches `share` of `whole`."""
    product = share * whole
    return -(-product.numerator // product.denominator)


def _ratio(part: Fraction, whole: Fraction) -> Fraction:
    return part / whole if whole else Fraction(0)


def _blocks(rule: Rule, eligible_units: int, blocks: int) -> Condition:
    allowance = rule.block_allowance(eligible_units)
    plural = noun(rule.unit)
    if rule.blocks_per_units is not None:
        basis = f"one block per {rule.blocks_per_units} {plural}, {eligible_units} eligible"
    else:
        basis = "no blocks allowed" if allowance == 0 else f"{allowance} allowed"
    met = blocks <= allowance
    said = "No blocks" if blocks == 0 else f"{blocks} {'block' if blocks == 1 else 'blocks'}"
    if rule.blocks_per_units is not None:
        explanation = f"{said}, allowed {allowance} under {basis}"
    elif allowance == 0:
        explanation = f"{said} (none allowed)" if met else f"{said}, where none is allowed"
    else:
        explanation = f"{said}, allowed {allowance}"
    if not met and allowance:
        explanation += f": {blocks - allowance} more than allowed"
    return Condition("blocks", f"at most {allowance}", str(blocks), met, explanation)


def _capped(name: str, singular: str, plural: str, found: int, cap: int) -> Condition:
    met = found <= cap
    said = f"No {plural}" if found == 0 else f"{found} {singular if found == 1 else plural}"
    allowed = "none allowed" if cap == 0 else f"at most {cap}"
    explanation = f"{said} ({allowed})" if met else f"{said}, {allowed}: talk it through before deciding"
    return Condition(name, f"at most {cap}", str(found), met, explanation)


def _someone_agrees(rule: Rule, agreeing: int, what: str) -> Condition:
    plural = noun(rule.unit)
    met = agreeing >= 1
    explanation = (
        f"{agreeing} {noun(rule.unit, agreeing)} {what}" if met else f"No {plural} {what}, so there is nothing to pass"
    )
    return Condition("agreement", "at least 1", str(agreeing), met, explanation)


def _share(rule: Rule, totals: Totals) -> Condition:
    agree_weight = totals.weight("agree")
    agree_units = totals.units("agree")
    if rule.base == "decided":
        base = agree_weight + totals.weight("disagree") + totals.weight("block")
        base_units = agree_units + totals.units("disagree") + totals.units("block")
        of_what = f"decided {noun(rule.unit)}"
    elif rule.base == "cast":
        base, base_units = totals.responded_weight, totals.responded_units
        of_what = f"{noun(rule.unit)} who responded"
    else:
        base, base_units = totals.eligible_weight, totals.eligible_units
        of_what = f"eligible {noun(rule.unit)}"
    name = "majority" if rule.method == "majority" else "threshold"
    if rule.method == "majority":
        required = "more than 1/2"
        needed_words = "needed more than half"
    else:
        threshold = rule.threshold or Fraction(1)
        required = f"at least {show_share(threshold)}"
        needed_words = f"needed {show_share(threshold)}"
    if base == 0:
        return Condition(
            name,
            required,
            "no one agreed or disagreed",
            False,
            "No one agreed or disagreed, so there is nothing to pass",
        )
    share = agree_weight / base
    met = share * 2 > 1 if rule.method == "majority" else share >= (rule.threshold or 1)
    if rule.weighting == "equal":
        found = f"{agree_units} of {base_units} ({percent(share)})"
        verb = "agrees" if agree_units == 1 else "agree"
        explanation = f"{agree_units} of {base_units} {of_what} {verb} ({percent(share)}, {needed_words})"
    else:
        found = f"{show(agree_weight)} of {show(base)} ({percent(share)})"
        explanation = (
            f"{agree_units} {noun(rule.unit, agree_units)} {'agrees' if agree_units == 1 else 'agree'}, carrying {show(agree_weight)} of the {show(base)} weight "
            f"of {of_what} ({percent(share)}, {needed_words})"
        )
    return Condition(name, required, found, met, explanation)


def _clause(sentence: str) -> str:
    """A condition's sentence as a clause of the summary: "No blocks" reads "no blocks" after a semicolon."""
    if len(sentence) > 1 and sentence[0].isupper() and sentence[1].islower():
        return sentence[0].lower() + sentence[1:]
    return sentence


def _outcome(
    status: str,
    depth: int,
    failed_rounds: int,
    conditions: Sequence[Condition],
    counts: dict[str, Any],
    *,
    winner: str | None = None,
    tied: Sequence[str] = (),
) -> Outcome:
    summary = f"{STATUS_WORDS[status]}: " + "; ".join(_clause(condition.explanation) for condition in conditions) + "."
    if depth:
        rounds = "round" if failed_rounds == 1 else "rounds"
        summary = f"Decided under the fallback rule after {failed_rounds} failed {rounds}. {summary}"
    return Outcome(
        status=status,
        rule_applied="fallback" if depth else "main",
        conditions=tuple(conditions),
        counts=counts,
        summary=summary,
        winner=winner,
        tied=tuple(tied),
    )


# --- choosing between options ----------------------------------------------------------------------------------


def _choose(
    rule: Rule,
    depth: int,
    failed_rounds: int,
    units: dict[str, Unit],
    latest: dict[str, Stance],
    options: Sequence[str],
) -> Outcome:
    if len(options) < 2:
        raise GovernanceError(f"The {rule.method} method chooses between options: list at least two.", path="options")
    weigh = _weigher(rule)
    weights = {unit_id: weigh(_weight_key(rule, unit)) for unit_id, unit in units.items()}
    responded = [unit_id for unit_id in latest]
    eligible_weight = sum(weights.values(), Fraction(0))
    responded_weight = sum((weights[unit_id] for unit_id in responded), Fraction(0))
    conditions: list[Condition] = []
    quorum = _quorum(rule, len(units), eligible_weight, len(responded), responded_weight)
    counts: dict[str, Any] = {
        "eligible": len(units),
        "responded": len(responded),
        "eligible_weight": show(eligible_weight),
        "responded_weight": show(responded_weight),
        "abstained": sum(1 for stance in latest.values() if stance.position == "abstain"),
    }
    if quorum:
        conditions.append(quorum)
    ballots = [(weights[unit_id], stance) for unit_id, stance in latest.items() if stance.position != "abstain"]

    if rule.method in ("ranked_irv", "ranked_schulze"):
        grouped: Counter[tuple[str, ...]] = Counter()
        grouped_weight: dict[tuple[str, ...], Fraction] = defaultdict(Fraction)
        for weight, stance in ballots:
            ranking = tuple(stance.ranking or ())
            grouped[ranking] += 1
            grouped_weight[ranking] += weight
        if rule.method == "ranked_irv":
            winners, condition, rounds = _instant_runoff(rule, options, grouped_weight)
            counts["rounds"] = rounds
        else:
            winners, condition, pairwise = _schulze(options, grouped_weight)
            counts["pairwise"] = pairwise
    else:
        totals = {option: Fraction(0) for option in options}
        for weight, stance in ballots:
            if rule.method == "approval":
                for option in stance.approve or ():
                    totals[option] += weight
            else:
                given = (stance.scores if rule.method == "score" else stance.dots) or {}
                for option, value in given.items():
                    totals[option] += weight * value
        counts["options"] = {option: show(total) for option, total in totals.items()}
        winners, condition = _most(rule, options, totals)
    conditions.append(condition)

    if quorum and not quorum.met:
        return _outcome(NO_QUORUM, depth, failed_rounds, conditions, counts)
    if len(winners) == 1:
        return _outcome(CHOSEN, depth, failed_rounds, conditions, counts, winner=winners[0])
    return _outcome(TIE, depth, failed_rounds, conditions, counts, tied=winners)


_TOTAL_WORDS = {"approval": "approval", "score": "total score", "dots": "dots"}


def _most(rule: Rule, options: Sequence[str], totals: dict[str, Fraction]) -> tuple[list[str], Condition]:
    top = max(totals.values())
    winners = [option for option in options if totals[option] == top]
    ranked = sorted(options, key=lambda option: -totals[option])
    found = ", ".join(f"{option} {show(totals[option])}" for option in ranked)
    what = _TOTAL_WORDS[rule.method]
    if len(winners) == 1:
        runner_up = next((totals[option] for option in ranked[1:]), Fraction(0))
        explanation = f"{winners[0]} has the most {what} ({show(top)}, next {show(runner_up)})"
    elif top == 0:
        explanation = f"No option received any {what}, so all {len(winners)} are tied"
    else:
        explanation = f"{_joined(winners)} are tied at {show(top)} each ({what}); no draw is made, so the coalition decides how to break the tie"
    return winners, Condition("winner", "one option ahead of all others", found, len(winners) == 1, explanation)


def _instant_runoff(
    rule: Rule, options: Sequence[str], ballots: dict[tuple[str, ...], Fraction]
) -> tuple[list[str], Condition, list[dict[str, str]]]:
    """Eliminate the fewest first preferences (all tied lowest at once) until one option has more than half
    of the continuing ballots; when every continuing option is tied, they are all tied winners."""
    continuing = list(options)
    rounds: list[dict[str, str]] = []
    steps: list[str] = []
    while True:
        firsts = {option: Fraction(0) for option in continuing}
        alive = set(continuing)
        for ranking, weight in ballots.items():
            for option in ranking:
                if option in alive:
                    firsts[option] += weight
                    break
        rounds.append({option: show(firsts[option]) for option in continuing})
        total = sum(firsts.values(), Fraction(0))
        number = len(rounds)
        leader = max(continuing, key=lambda option: firsts[option])
        if total and firsts[leader] * 2 > total:
            steps.append(
                f"round {number}: {leader} has {show(firsts[leader])} of {show(total)} continuing, more than half"
            )
            found = "; ".join(steps)
            return (
                [leader],
                Condition("winner", "more than half of the continuing ballots", found, True, f"{leader} wins: {found}"),
                rounds,
            )
        lowest_count = min(firsts.values())
        lowest = [option for option in continuing if firsts[option] == lowest_count]
        if len(lowest) == len(continuing):
            steps.append(f"round {number}: {_joined(continuing)} are tied with {show(lowest_count)} each")
            found = "; ".join(steps)
            return (
                continuing,
                Condition(
                    "winner",
                    "more than half of the continuing ballots",
                    found,
                    False,
                    f"No option has more than half: {found}; no draw is made",
                ),
                rounds,
            )
        steps.append(f"round {number}: {_joined(lowest)} dropped with {show(lowest_count)}")
        continuing = [option for option in continuing if option not in lowest]


def _schulze(
    options: Sequence[str], ballots: dict[tuple[str, ...], Fraction]
) -> tuple[list[str], Condition, dict[str, dict[str, str]]]:
    """Schulze's beatpath method on margins; an unranked option counts below every ranked one."""
    preferred: dict[str, dict[str, Fraction]] = {a: {b: Fraction(0) for b in options if b != a} for a in options}
    for ranking, weight in ballots.items():
        ranked = set(ranking)
        for position, higher in enumerate(ranking):
            for lower in ranking[position + 1 :]:
                preferred[higher][lower] += weight
            for lower in options:
                if lower not in ranked:
                    preferred[higher][lower] += weight
    strength = {a: {b: max(preferred[a][b] - preferred[b][a], Fraction(0)) for b in options if b != a} for a in options}
    for middle in options:
        for start in options:
            if start == middle:
                continue
            for end in options:
                if end in (start, middle):
                    continue
                through = min(strength[start][middle], strength[middle][end])
                if through > strength[start][end]:
                    strength[start][end] = through
    winners = [a for a in options if all(strength[a][b] >= strength[b][a] for b in options if b != a)]
    pairwise = {a: {b: show(preferred[a][b]) for b in options if b != a} for a in options}
    if len(winners) == 1:
        winner = winners[0]
        beaten = [b for b in options if b != winner and preferred[winner][b] > preferred[b][winner]]
        explanation = f"{winner} beats or ties every other option along the strongest chains of head-to-head wins"
        if len(beaten) == len(options) - 1:
            explanation = f"{winner} beats every other option head to head"
        found = f"{winner} is the Schulze winner"
        return (
            winners,
            Condition("winner", "one option unbeaten along the strongest paths", found, True, explanation),
            pairwise,
        )
    explanation = f"{_joined(winners)} are tied along the strongest chains of head-to-head wins; no draw is made"
    return (
        winners,
        Condition(
            "winner", "one option unbeaten along the strongest paths", f"{_joined(winners)} tied", False, explanation
        ),
        pairwise,
    )


def _joined(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
