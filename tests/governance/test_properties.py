"""Properties every tally keeps, on random rules and rounds: more agreement never hurts, names and order of arrival
never matter, a block too many always blocks, the two doors (every stance, or totals) agree, and option order
decides nothing."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from accord.governance import (
    BLOCKED,
    CHOSEN,
    NO_QUORUM,
    OPTION_METHODS,
    PASSED,
    POSITION_METHODS,
    TIE,
    Outcome,
    Rule,
    Stance,
    Totals,
    Unit,
    parse_rule,
    rule_to_json,
    tally,
    tally_totals,
    unit_weight,
)

from .build import REASON

DECIDING = ("majority", "supermajority", "consensus", "fist_to_five")
PROPERTY = settings(max_examples=250, deadline=None)
Round = tuple[Rule, list[Unit], list[Stance], tuple[str, ...]]


# --- strategies -------------------------------------------------------------------------------------------------------


@st.composite
def rule_json(draw: st.DrawFn, method: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "method": method,
        "unit": draw(st.sampled_from(["people", "groups", "groups_and_individuals"])),
        "weighting": draw(st.sampled_from(["equal", "size", "sqrt_size", "custom"])),
    }
    if method in ("majority", "supermajority"):
        data["base"] = draw(st.sampled_from(["decided", "cast", "eligible"]))
    if method == "supermajority":
        data["threshold"] = draw(st.sampled_from(["51%", "0.6", "2/3", "3/4", "9/10", "1"]))
    if draw(st.booleans()):
        data["quorum"] = draw(st.sampled_from(["1/3", "1/2", "2/3", "1"]))
        data["quorum_by"] = draw(st.sampled_from(["count", "weight"]))
    if method in DECIDING:
        blocks = draw(st.sampled_from(["unset", "allowed", "per_units"]))
        if blocks == "allowed":
            data["blocks_allowed"] = draw(st.integers(0, 3))
        elif blocks == "per_units":
            data["blocks_per_units"] = draw(st.integers(1, 6))
    if method == "consensus" and draw(st.booleans()):
        data["max_stand_asides"] = draw(st.integers(0, 3))
    if method == "fist_to_five":
        block = draw(st.integers(-1, 2))
        data["fist_to_five"] = {
            "block_at_or_below": block,
            "concern_at_or_below": draw(st.integers(max(block, 0), 4)),
            "max_concerns": draw(st.none() | st.integers(0, 3)),
        }
    if method == "dots":
        data["dots"] = draw(st.integers(1, 10))
    if method == "score":
        data["max_score"] = draw(st.integers(1, 10))
    return data


@st.composite
def units(draw: st.DrawFn, min_size: int = 1, max_size: int = 10) -> list[Unit]:
    count = draw(st.integers(min_size, max_size))
    return [
        Unit(f"u{index}", draw(st.integers(1, 60)), Fraction(draw(st.integers(1, 20)), draw(st.integers(1, 4))))
        for index in range(count)
    ]


def stance_for(draw: st.DrawFn, rule: Rule, unit: str, options: Sequence[str], *, agreeable: bool = False) -> Stance:
    """A stance the rule accepts, drawn from everything it accepts (mostly "agree" when `agreeable`)."""
    if rule.method in POSITION_METHODS:
        leaning = ("agree",) * 2 * len(rule.accepted_positions()) if agreeable else ()
        position = draw(st.sampled_from((*rule.accepted_positions(), *leaning)))
        return Stance(unit, position=position, reason=REASON if position == "block" else "")
    if draw(st.integers(0, 9)) == 0:
        return Stance(unit, position="abstain")
    if rule.method == "fist_to_five":
        return Stance(unit, score=draw(st.integers(0, 5)), reason=REASON)
    order = draw(st.permutations(options))
    if rule.method == "approval":
        return Stance(unit, approve=tuple(order[: draw(st.integers(0, len(order)))]))
    if rule.method in ("ranked_irv", "ranked_schulze"):
        return Stance(unit, ranking=tuple(order[: draw(st.integers(1, len(order)))]))
    if rule.method == "score":
        given = order[: draw(st.integers(0, len(order)))]
        return Stance(unit, scores={option: draw(st.integers(0, rule.max_score)) for option in given})
    left, spread = rule.dots, {}
    for option in order:
        spread[option] = draw(st.integers(0, left))
        left -= spread[option]
    return Stance(unit, dots=spread)


@st.composite
def rounds(
    draw: st.DrawFn,
    methods: Sequence[str] = (*DECIDING, *OPTION_METHODS),
    distinct: bool = False,
    agreeable: bool = False,
) -> Round:
    """A rule, its eligible units, stances in time order (a unit may change its mind unless `distinct`), options.

    `agreeable` rounds lean towards agreement and wide participation, so that many of them pass."""
    rule = parse_rule(draw(rule_json(draw(st.sampled_from(methods)))))
    eligible = draw(units())
    options = tuple(f"opt{index}" for index in range(draw(st.integers(2, 4)))) if rule.takes_options else ()
    ids = [unit.id for unit in eligible]
    responders = draw(st.permutations(ids))[: draw(st.integers(len(ids) // 2 if agreeable else 0, len(ids)))]
    stances = [stance_for(draw, rule, unit, options, agreeable=agreeable) for unit in responders]
    if not distinct and responders:
        for unit in draw(st.lists(st.sampled_from(responders), max_size=3)):
            stances.append(stance_for(draw, rule, unit, options, agreeable=agreeable))
    return rule, eligible, stances, options


def outcome_of(found: Round, **changes: Any) -> Outcome:
    rule, eligible, stances, options = found
    values: dict[str, Any] = {"eligible": eligible, "stances": stances, "options": options, **changes}
    return tally(rule, **values)


def winners(outcome: Outcome) -> set[str]:
    return {outcome.winner} if outcome.winner else set(outcome.tied)


# --- more agreement never hurts ---------------------------------------------------------------------------------------


@PROPERTY
@given(found=rounds(methods=("majority", "supermajority"), agreeable=True), data=st.data())
def test_an_added_agree_keeps_a_passed_proposal_passed(found: Round, data: st.DataObject) -> None:
    rule, eligible, stances, options = found
    before = outcome_of(found)
    assume(before.status == PASSED)
    unit = data.draw(st.sampled_from(eligible)).id  # silent, or changing its mind to agree
    after = outcome_of(found, stances=[*stances, Stance(unit, position="agree")])
    assert after.status == PASSED


@PROPERTY
@given(found=rounds(methods=("majority", "supermajority"), agreeable=True), data=st.data())
def test_a_withdrawn_agree_never_turns_a_failure_into_a_pass(found: Round, data: st.DataObject) -> None:
    rule, eligible, stances, options = found
    agreeing = sorted(unit for unit, stance in {s.unit: s for s in stances}.items() if stance.position == "agree")
    assume(agreeing)
    unit = data.draw(st.sampled_from(agreeing))  # changes its mind
    position = data.draw(st.sampled_from([p for p in rule.accepted_positions() if p != "agree"]))
    before = outcome_of(found)
    after = outcome_of(found, stances=[*stances, Stance(unit, position=position, reason=REASON)])
    if before.status != PASSED:
        assert after.status != PASSED


# --- names and order of arrival decide nothing ------------------------------------------------------------------------


@PROPERTY
@given(found=rounds(), data=st.data())
def test_relabelling_units_changes_nothing(found: Round, data: st.DataObject) -> None:
    rule, eligible, stances, options = found
    names = data.draw(st.permutations([f"member-{index}" for index in range(len(eligible))]))
    renamed = {unit.id: name for unit, name in zip(eligible, names, strict=True)}
    relabelled = [Unit(renamed[unit.id], unit.size, unit.weight) for unit in data.draw(st.permutations(eligible))]
    restanced = [
        Stance(
            renamed[stance.unit],
            position=stance.position,
            reason=stance.reason,
            score=stance.score,
            ranking=stance.ranking,
            approve=stance.approve,
            scores=stance.scores,
            dots=stance.dots,
        )
        for stance in stances
    ]
    assert outcome_of(found, eligible=relabelled, stances=restanced).to_json() == outcome_of(found).to_json()


@PROPERTY
@given(found=rounds(distinct=True), data=st.data())
def test_the_order_of_stances_from_different_units_changes_nothing(found: Round, data: st.DataObject) -> None:
    rule, eligible, stances, options = found
    shuffled = data.draw(st.permutations(stances))
    assert outcome_of(found, stances=shuffled).to_json() == outcome_of(found).to_json()


@PROPERTY
@given(found=rounds(methods=OPTION_METHODS), data=st.data())
def test_the_order_of_options_changes_no_winner(found: Round, data: st.DataObject) -> None:
    rule, eligible, stances, options = found
    before = outcome_of(found)
    after = outcome_of(found, options=tuple(data.draw(st.permutations(options))))
    assert after.status == before.status
    assert winners(after) == winners(before)
    assert before.status in (CHOSEN, TIE, NO_QUORUM)
    assert (before.status == CHOSEN) == (before.winner is not None and not before.tied)


# --- a block too many always blocks -----------------------------------------------------------------------------------


@PROPERTY
@given(data=st.data())
def test_a_block_beyond_the_allowance_blocks_once_quorum_is_met(data: st.DataObject) -> None:
    method = data.draw(st.sampled_from(DECIDING))
    rule_data = data.draw(rule_json(method))
    eligible = data.draw(units(max_size=14))
    count = len(eligible)
    rule_data.pop("blocks_allowed", None)
    rule_data.pop("blocks_per_units", None)
    if data.draw(st.booleans()):
        allowance = data.draw(st.integers(0, count - 1))
        rule_data["blocks_allowed"] = allowance
    elif count >= 2:
        per_units = data.draw(st.integers(2, count + 3))
        rule_data["blocks_per_units"] = per_units
        allowance = count // per_units
    elif method in ("consensus", "fist_to_five"):
        allowance = 0  # the default: no blocks
    else:
        rule_data["blocks_allowed"] = allowance = 0
    if method == "fist_to_five" and rule_data["fist_to_five"]["block_at_or_below"] < 0:
        rule_data["fist_to_five"]["block_at_or_below"] = 0
    rule = parse_rule(rule_data)
    assert rule.block_allowance(count) == allowance

    order = data.draw(st.permutations(eligible))
    blockers = order[: allowance + 1]
    others = order[allowance + 1 :]
    block_level = rule.fist_to_five.block_at_or_below
    stances = [
        Stance(unit.id, score=data.draw(st.integers(0, block_level)), reason=REASON)
        if method == "fist_to_five"
        else Stance(unit.id, position="block", reason=REASON)
        for unit in blockers
    ]
    for unit in others:
        if data.draw(st.booleans()):
            stance = stance_for(data.draw, rule, unit.id, ())
            if stance.position == "block" or (stance.score is not None and stance.score <= block_level):
                stance = Stance(unit.id, position="abstain")
            stances.append(stance)
    stances = data.draw(st.permutations(stances))

    outcome = tally(rule, eligible=eligible, stances=stances)
    responded = {stance.unit for stance in stances}
    if rule.quorum is None:
        quorum_met = True
    elif rule.quorum_by == "count":
        quorum_met = len(responded) >= rule.quorum * count
    else:
        weight = {unit.id: unit_weight(rule, unit) for unit in eligible}
        quorum_met = sum(weight[unit] for unit in responded) >= rule.quorum * sum(weight.values())
    assert outcome.status == (BLOCKED if quorum_met else NO_QUORUM)
    assert outcome.counts["blocks"] == allowance + 1


# --- both doors give the same verdict -----------------------------------------------------------------------------


def totals_by_hand(rule: Rule, eligible: Sequence[Unit], stances: Sequence[Stance]) -> Totals:
    """What the application's GROUP BY reads: per position (or score) the units and their weight, latest stances."""
    by_id = {unit.id: unit for unit in eligible}
    latest = {stance.unit: stance for stance in stances}
    positions: dict[str, tuple[int, Fraction]] = {}
    scores: dict[int, tuple[int, Fraction]] = {}
    for unit, stance in latest.items():
        weight = unit_weight(rule, by_id[unit])
        if stance.score is not None:
            units_so_far, weight_so_far = scores.get(stance.score, (0, Fraction(0)))
            scores[stance.score] = (units_so_far + 1, weight_so_far + weight)
        else:
            position = stance.position or "abstain"
            units_so_far, weight_so_far = positions.get(position, (0, Fraction(0)))
            positions[position] = (units_so_far + 1, weight_so_far + weight)
    return Totals(
        eligible_units=len(eligible),
        eligible_weight=sum((unit_weight(rule, unit) for unit in eligible), Fraction(0)),
        positions=positions,
        scores=scores,
    )


@PROPERTY
@given(found=rounds(methods=DECIDING), behind=st.booleans(), data=st.data())
def test_tally_and_tally_totals_agree(found: Round, behind: bool, data: st.DataObject) -> None:
    inner, eligible, stances, options = found
    rule, failed_rounds = inner, 0
    if behind:  # the drawn rule as the fallback of another, applied after enough failed rounds
        after = data.draw(st.integers(1, 4))
        rule = parse_rule(
            {"method": "consensus", "fallback": {"after_failed_rounds": after, "rule": rule_to_json(inner)}}
        )
        failed_rounds = data.draw(st.integers(after, after + 3))
    by_stance = tally(rule, eligible=eligible, stances=stances, failed_rounds=failed_rounds)
    by_totals = tally_totals(rule, totals_by_hand(inner, eligible, stances), failed_rounds=failed_rounds)
    assert by_totals == by_stance
    assert by_stance.rule_applied == ("fallback" if behind else "main")


# --- ranked methods against what they promise --------------------------------------------------------------------------


@PROPERTY
@given(found=rounds(methods=("ranked_schulze", "ranked_irv")))
def test_a_condorcet_winner_wins_schulze_and_a_first_round_majority_wins_irv(found: Round) -> None:
    rule, eligible, stances, options = found
    rule = parse_rule({"method": "ranked_schulze", "weighting": rule.weighting})
    weights = {unit.id: unit_weight(rule, unit) for unit in eligible}
    latest = {stance.unit: stance for stance in stances}  # the last stance of each unit
    latest = {unit: stance for unit, stance in latest.items() if stance.ranking is not None}  # abstentions left out

    def prefers(a: str, b: str) -> Fraction:
        total = Fraction(0)
        for unit, stance in latest.items():
            ranking = stance.ranking or ()
            if a in ranking and (b not in ranking or ranking.index(a) < ranking.index(b)):
                total += weights[unit]
        return total

    condorcet = [a for a in options if all(prefers(a, b) > prefers(b, a) for b in options if b != a)]
    schulze = tally(rule, eligible=eligible, stances=stances, options=options)
    if condorcet:
        assert schulze.winner == condorcet[0]

    firsts = {option: Fraction(0) for option in options}
    for unit, stance in latest.items():
        firsts[(stance.ranking or ())[0]] += weights[unit]
    leader = max(options, key=lambda option: firsts[option])
    irv = tally(
        parse_rule({"method": "ranked_irv", "weighting": rule.weighting}),
        eligible=eligible,
        stances=stances,
        options=options,
    )
    if firsts[leader] * 2 > sum(firsts.values()):
        assert irv.winner == leader
