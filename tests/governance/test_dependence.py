"""The dependence check (governance/dependence.py): pure, no database. Examples with exact messages, and
properties on random coalitions checked against the tally itself."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from accord.governance import NO_QUORUM, Stance, Unit, parse_rule, tally
from accord.governance.dependence import Dependence, majority_dependence, quorum_dependence, sole_holders

LABELS = {"g1": "Leeds", "g2": "Hull", "g3": "York"}


def test_the_only_holder_of_a_role() -> None:
    assert sole_holders("coordinator", ["Ana"]) == [
        Dependence(
            "sole_holder",
            "Ana",
            "Ana is the only coordinator: if they leave or step back, no one can do what a coordinator does.",
        )
    ]
    assert sole_holders("coordinator", ["Ana", "Dev"]) == []
    assert sole_holders("coordinator", []) == []


def test_a_group_holding_the_weight_quorum() -> None:
    rule = parse_rule(
        {"method": "majority", "unit": "groups", "weighting": "size", "quorum": "1/2", "quorum_by": "weight"}
    )
    units = [Unit("g1", 40), Unit("g2", 3), Unit("g3", 7)]
    assert quorum_dependence("Budget", rule, units, LABELS) == [
        Dependence(
            "quorum",
            "Leeds",
            "Budget: without Leeds (80% of the weight) the quorum of 50% of the weight cannot be reached.",
        )
    ]


def test_a_count_quorum_every_unit_holds() -> None:
    rule = parse_rule({"method": "supermajority", "unit": "groups", "threshold": "9/10", "quorum": "2/3"})
    found = quorum_dependence("Name", rule, [Unit("g1"), Unit("g2")], LABELS)
    assert [(row.kind, row.subject) for row in found] == [("quorum", "")]
    assert found[0].message == (
        "Name: the quorum is 2 of 2 member groups, so if any one of them does not take part nothing of this kind can "
        "be decided."
    )
    assert quorum_dependence("Name", rule, [Unit("g1"), Unit("g2"), Unit("g3")], LABELS) == []


def test_a_group_carrying_a_majority_alone_and_none_when_balanced() -> None:
    rule = parse_rule({"method": "majority", "unit": "groups", "weighting": "size"})
    found = majority_dependence("Budget", rule, [Unit("g1", 40), Unit("g2", 3)], LABELS)
    assert found == [
        Dependence(
            "majority",
            "Leeds",
            "Budget: Leeds carries 93.0% of the weight, enough to pass it alone if everyone takes part.",
        )
    ]
    assert majority_dependence("Budget", rule, [Unit("g1", 5), Unit("g2", 5), Unit("g3", 5)], LABELS) == []
    # Exactly half is not a majority; exactly the super-majority threshold is enough.
    assert majority_dependence("Budget", rule, [Unit("g1", 5), Unit("g2", 5)], LABELS) == []
    two_thirds = parse_rule({"method": "supermajority", "unit": "groups", "weighting": "size", "threshold": "2/3"})
    assert [row.subject for row in majority_dependence("B", two_thirds, [Unit("g1", 2), Unit("g2", 1)], LABELS)] == [
        "Leeds"
    ]
    consensus = parse_rule({"method": "consensus", "unit": "groups"})
    assert majority_dependence("B", consensus, [Unit("g1", 40), Unit("g2", 1)], LABELS) == []


def test_no_rule_quorum_or_no_units_means_no_quorum_warning() -> None:
    rule = parse_rule({"method": "majority", "unit": "people"})
    assert quorum_dependence("M", rule, [Unit("p1")], {}) == []
    with_quorum = parse_rule({"method": "majority", "unit": "people", "quorum": "1/2"})
    assert quorum_dependence("M", with_quorum, [], {}) == []


sizes = st.lists(st.integers(min_value=1, max_value=60), min_size=1, max_size=8)
quorums = st.sampled_from(["1/4", "1/3", "1/2", "2/3", "3/4", "9/10", "1"])


def weighted_rule(quorum: str):
    return parse_rule(
        {"method": "majority", "unit": "groups", "weighting": "size", "quorum": quorum, "quorum_by": "weight"}
    )


@settings(max_examples=150, deadline=None)
@given(sizes, quorums)
def test_a_flagged_unit_really_holds_the_quorum_and_an_unflagged_one_does_not(
    group_sizes: list[int], quorum: str
) -> None:
    rule = weighted_rule(quorum)
    units = [Unit(f"g{index}", size) for index, size in enumerate(group_sizes)]
    flagged = {row.subject for row in quorum_dependence("K", rule, units, {})}
    for unit in units:
        others = [Stance(other.id, position="agree") for other in units if other.id != unit.id]
        outcome = tally(rule, eligible=units, stances=others)
        assert (outcome.status == NO_QUORUM) == (unit.id in flagged), (unit, outcome.summary)


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=1, max_value=12), quorums)
def test_a_count_quorum_warning_means_any_one_absence_loses_it(count: int, quorum: str) -> None:
    rule = parse_rule({"method": "majority", "unit": "people", "quorum": quorum})
    units = [Unit(f"p{index}") for index in range(count)]
    warned = quorum_dependence("K", rule, units, {}) != []
    others = [Stance(unit.id, position="agree") for unit in units[1:]]
    assert (tally(rule, eligible=units, stances=others).status == NO_QUORUM) == warned


@settings(max_examples=150, deadline=None)
@given(sizes, quorums, st.randoms(use_true_random=False))
def test_relabelling_and_reordering_units_changes_nothing(group_sizes: list[int], quorum: str, random) -> None:
    rule = weighted_rule(quorum)
    units = [Unit(f"g{index}", size) for index, size in enumerate(group_sizes)]
    renamed = {unit.id: f"x{len(units) - index}" for index, unit in enumerate(units)}
    shuffled = [Unit(renamed[unit.id], unit.size) for unit in units]
    random.shuffle(shuffled)
    labels = {unit.id: f"Group {unit.id}" for unit in units}
    relabels = {renamed[key]: value for key, value in labels.items()}
    for check in (quorum_dependence, majority_dependence):
        first = check("K", rule, units, labels)
        second = check("K", rule, shuffled, relabels)
        assert sorted((row.kind, row.message) for row in first) == sorted((row.kind, row.message) for row in second)


@settings(max_examples=150, deadline=None)
@given(sizes)
def test_a_majority_warning_means_the_unit_passes_it_alone(group_sizes: list[int]) -> None:
    rule = parse_rule({"method": "majority", "unit": "groups", "weighting": "size"})
    units = [Unit(f"g{index}", size) for index, size in enumerate(group_sizes)]
    flagged = {row.subject for row in majority_dependence("K", rule, units, {})}
    total = sum(group_sizes)
    for unit in units:
        stances = [Stance(other.id, position="agree" if other.id == unit.id else "disagree") for other in units]
        passes = tally(rule, eligible=units, stances=stances).status == "passed"
        assert (unit.id in flagged) == (passes and len(units) > 1), (unit, Fraction(unit.size, total))
