"""The tally read from the database (`queries.tally_round`: one GROUP BY over current stances for position methods,
every ballot for option methods) equals the kernel's `tally` over the same stances, for every method and weighting.

The stances are recorded through `actions.record_stance`, some units changing their minds, and the kernel is given
the stances as the test gave them (in order; the kernel keeps each unit's latest), not as the database holds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.coalitions import actions as coalition_actions
from accord.decisions import actions, queries
from accord.decisions.models import DecisionKind, Proposal
from accord.governance import Stance, Unit, parse_rule, tally

from .conftest import REASON, World, add_kind, current_round, group_key, open_proposal

WEIGHTINGS = ("equal", "size", "sqrt_size", "custom")
POSITION_RULES: dict[str, dict[str, Any]] = {
    "majority": {"method": "majority", "quorum": "1/2", "quorum_by": "weight", "blocks_allowed": 1},
    "supermajority": {"method": "supermajority", "threshold": "2/3", "base": "cast"},
    "supermajority_of_eligible": {"method": "supermajority", "threshold": "3/5", "base": "eligible", "quorum": "1/3"},
    "consensus": {"method": "consensus", "blocks_per_units": 4, "max_stand_asides": 2, "quorum": "1/2"},
    "fist_to_five": {
        "method": "fist_to_five",
        "fist_to_five": {"block_at_or_below": 0, "concern_at_or_below": 2, "max_concerns": 1},
    },
}
OPTION_RULES: dict[str, dict[str, Any]] = {
    "ranked_irv": {"method": "ranked_irv"},
    "ranked_schulze": {"method": "ranked_schulze"},
    "approval": {"method": "approval"},
    "dots": {"method": "dots", "dots": 5},
    "score": {"method": "score", "max_score": 4},
}
OPTIONS = ["Bus", "Train", "Bike"]
EXTRA_GROUPS = [
    ("York Rising", 3, "2"),
    ("Selby Floods", 7, "1/3"),
    ("Hebden Water", 12, ""),
    ("Wakefield", 12, ""),
    ("Bradford Heat", 100, "4"),
    ("Ripon Ring", 1, ""),
]


@dataclass
class Tallying:
    world: World
    units: list[tuple[str, int, Fraction]]  # key, size, agreed weight: the eligible units, in the order they are listed
    kinds: dict[tuple[str, str], DecisionKind]


@pytest.fixture
def tallying(world: World) -> Tallying:
    """Eight member groups of sizes 40, 3, 3, 7, 12, 12, 100, 1 (some sharing a size, so the GROUP BY sums rows),
    three with agreed weights, plus Ana as an individual member; a kind for every rule and weighting."""
    actions.set_agreed_weight(actor=world.coordinator, member_group=world.group, weight="3/2")
    units = [(group_key(world.group), 40, Fraction(3, 2)), (group_key(world.other_group), 3, Fraction(1))]
    for name, size, weight in EXTRA_GROUPS:
        group = coalition_actions.add_member_group(
            actor=world.coordinator, coalition=world.coalition, name=name, size=size
        )
        if weight:
            actions.set_agreed_weight(actor=world.coordinator, member_group=group, weight=weight)
        units.append((group_key(group), size, Fraction(weight or 1)))
    units.append((world.key(world.coordinator), 1, Fraction(1)))
    kinds = {}
    for name, rule in {**POSITION_RULES, **OPTION_RULES}.items():
        for weighting in WEIGHTINGS:
            kinds[(name, weighting)] = add_kind(
                world, f"{name}_{weighting}", {**rule, "unit": "groups_and_individuals", "weighting": weighting}
            )
    return Tallying(world, units, kinds)


def record_and_compare(tallying: Tallying, name: str, weighting: str, given: list[tuple[int, dict[str, Any]]]) -> Any:
    """Open a proposal of that kind, record `given` (unit index, stance fields) in order through the actions, and
    check the database's tally against the kernel's. Returns the outcome."""
    world = tallying.world
    kind = tallying.kinds[(name, weighting)]
    options = OPTIONS if name in OPTION_RULES else None
    proposal = open_proposal(world, kind=kind, title=f"{name} by {weighting}", options=options)
    kernel_stances = []
    for index, fields in given:
        key = tallying.units[index][0]
        actions.record_stance(actor=world.coordinator, proposal=proposal, unit_key=key, **fields)
        kernel_stances.append(_kernel(key, fields))
    rule = parse_rule(kind.rule)
    eligible = [Unit(key, size, weight if weighting == "custom" else None) for key, size, weight in tallying.units]
    expected = tally(rule, eligible=eligible, stances=kernel_stances, options=options or ())
    round_ = current_round(proposal)
    found = queries.tally_round(Proposal.objects.get(pk=proposal.pk), round_)
    assert found.to_json() == expected.to_json()
    return found


def _kernel(key: str, fields: dict[str, Any]) -> Stance:
    values = {name: tuple(value) if isinstance(value, list) else value for name, value in fields.items()}
    return Stance(key, **values)


def position(value: str) -> dict[str, Any]:
    return {"position": value, "reason": REASON if value == "block" else ""}


def score(value: int) -> dict[str, Any]:
    return {"score": value, "reason": REASON}


# A fixed table of stances, with changes of mind, for every position method and weighting.
FIXED_POSITIONS = [
    (0, "agree"),
    (1, "disagree"),
    (2, "agree"),
    (3, "abstain"),
    (4, "block"),
    (5, "agree"),
    (6, "disagree"),
    (1, "agree"),
    (6, "agree"),
    (8, "disagree"),
    (4, "abstain"),
]
FIXED_CONSENSUS = [
    (0, "agree"),
    (1, "stand_aside"),
    (2, "agree"),
    (3, "block"),
    (4, "stand_aside"),
    (6, "agree"),
    (3, "agree"),
    (8, "abstain"),
    (5, "stand_aside"),
]
FIXED_SCORES = [(0, 5), (1, 2), (2, 4), (3, 0), (4, 3), (6, 1), (3, 4), (7, 5)]


@pytest.mark.parametrize("weighting", WEIGHTINGS)
@pytest.mark.parametrize("name", list(POSITION_RULES))
def test_position_methods_tally_the_same_from_the_database_as_in_the_kernel(
    tallying: Tallying, name: str, weighting: str
) -> None:
    if name == "fist_to_five":
        given = [(index, score(value)) for index, value in FIXED_SCORES] + [(5, {"position": "abstain"})]
    elif name == "consensus":
        given = [(index, position(value)) for index, value in FIXED_CONSENSUS]
    else:
        table = [(i, v) for i, v in FIXED_POSITIONS if name == "majority" or v != "block"]
        given = [(index, position(value)) for index, value in table]
    outcome = record_and_compare(tallying, name, weighting, given)
    assert outcome.counts["eligible"] == 9


def test_the_weights_come_out_as_the_rule_says(tallying: Tallying) -> None:
    given = [(0, position("agree")), (1, position("disagree")), (6, position("disagree"))]
    by_size = record_and_compare(tallying, "supermajority", "size", given)
    assert (by_size.counts["eligible_weight"], by_size.counts["positions"]) == (
        "179",
        {"agree": {"units": 1, "weight": "40"}, "disagree": {"units": 2, "weight": "103"}},
    )
    by_agreement = record_and_compare(tallying, "supermajority", "custom", given)
    assert (by_agreement.counts["eligible_weight"], by_agreement.counts["positions"]) == (
        "12.833333",
        {"agree": {"units": 1, "weight": "1.5"}, "disagree": {"units": 2, "weight": "5"}},
    )
    by_root = record_and_compare(tallying, "supermajority", "sqrt_size", given)
    assert by_root.counts["positions"]["agree"] == {"units": 1, "weight": "6.324555"}
    assert by_root.status == "rejected"


@pytest.mark.parametrize("weighting", WEIGHTINGS)
def test_option_methods_tally_the_same_from_the_database_as_in_the_kernel(tallying: Tallying, weighting: str) -> None:
    rankings = [
        (0, ["Bus", "Train"]),
        (1, ["Train", "Bike", "Bus"]),
        (2, ["Bike"]),
        (3, ["Bike", "Train"]),
        (4, ["Train"]),
        (6, ["Bus", "Bike"]),
        (2, ["Train", "Bike"]),
        (8, ["Bike", "Bus", "Train"]),
        (5, {"position": "abstain"}),
    ]
    for name in ("ranked_irv", "ranked_schulze"):
        record_and_compare(
            tallying,
            name,
            weighting,
            [(index, ranking if isinstance(ranking, dict) else {"ranking": ranking}) for index, ranking in rankings],
        )
    record_and_compare(
        tallying,
        "approval",
        weighting,
        [
            (0, {"approve": ["Bus", "Bike"]}),
            (1, {"approve": ["Train"]}),
            (4, {"approve": []}),
            (6, {"approve": ["Bus"]}),
            (1, {"approve": ["Bike", "Train"]}),
            (8, {"position": "abstain"}),
        ],
    )
    record_and_compare(
        tallying,
        "dots",
        weighting,
        [
            (0, {"dots": {"Bus": 3, "Bike": 2}}),
            (1, {"dots": {"Train": 5}}),
            (6, {"dots": {"Bike": 1}}),
            (7, {"dots": {"Bus": 1, "Train": 1, "Bike": 0}}),
        ],
    )
    record_and_compare(
        tallying,
        "score",
        weighting,
        [
            (0, {"scores": {"Bus": 4, "Train": 1}}),
            (1, {"scores": {"Train": 4, "Bike": 3}}),
            (6, {"scores": {"Bike": 2}}),
            (3, {"scores": {"Bus": 0}}),
        ],
    )


def test_option_winners_from_the_database(tallying: Tallying) -> None:
    """Hand-counted: equal weights."""
    irv = record_and_compare(
        tallying,
        "ranked_irv",
        "equal",
        [
            (0, {"ranking": ["Bus", "Train"]}),
            (1, {"ranking": ["Train"]}),
            (2, {"ranking": ["Bike", "Train"]}),
            (3, {"ranking": ["Bus"]}),
            (4, {"ranking": ["Train", "Bus"]}),
        ],
    )  # firsts Bus 2, Train 2, Bike 1: Bike drops, its ballot goes to Train: Train 3 of 5
    assert (irv.status, irv.winner, irv.counts["rounds"]) == (
        "chosen",
        "Train",
        [{"Bus": "2", "Train": "2", "Bike": "1"}, {"Bus": "2", "Train": "3"}],
    )
    approval = record_and_compare(
        tallying,
        "approval",
        "equal",
        [
            (0, {"approve": ["Bus", "Bike"]}),
            (1, {"approve": ["Bike"]}),
            (2, {"approve": ["Train", "Bus"]}),
        ],
    )
    assert (approval.status, approval.tied, approval.counts["options"]) == (
        "tie",
        ("Bus", "Bike"),
        {"Bus": "2", "Train": "1", "Bike": "2"},
    )
    dots = record_and_compare(
        tallying,
        "dots",
        "size",
        [
            (1, {"dots": {"Bike": 5}}),
            (2, {"dots": {"Bike": 5}}),
            (0, {"dots": {"Bus": 1}}),
        ],
    )  # 3 * 5 + 3 * 5 = 30 for Bike against 40 * 1 for Bus
    assert (dots.status, dots.winner, dots.counts["options"]) == (
        "chosen",
        "Bus",
        {"Bus": "40", "Train": "0", "Bike": "30"},
    )
    scores = record_and_compare(
        tallying,
        "score",
        "custom",
        [
            (0, {"scores": {"Train": 2}}),
            (2, {"scores": {"Bike": 2}}),
        ],
    )  # Leeds weighs 3/2, York Rising 2
    assert (scores.winner, scores.counts["options"]) == ("Bike", {"Bus": "0", "Train": "3", "Bike": "4"})


# --- hypothesis: any stances, any rule ---------------------------------------------------------------------------------


def _stance_fields(name: str) -> st.SearchStrategy[dict[str, Any]]:
    if name == "fist_to_five":
        return st.one_of(st.integers(0, 5).map(score), st.just({"position": "abstain"}))
    accepted = {
        "majority": ["agree", "disagree", "abstain", "block"],
        "consensus": ["agree", "stand_aside", "abstain", "block"],
    }.get(name, ["agree", "disagree", "abstain"])
    return st.sampled_from(accepted).map(position)


@st.composite
def rounds_of_stances(draw: st.DrawFn) -> tuple[str, str, list[tuple[int, dict[str, Any]]]]:
    name = draw(st.sampled_from(list(POSITION_RULES)))
    weighting = draw(st.sampled_from(WEIGHTINGS))
    given = draw(st.lists(st.tuples(st.integers(0, 8), _stance_fields(name)), max_size=14))
    return name, weighting, given


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=rounds_of_stances())
def test_any_stances_tally_the_same_from_the_database_as_in_the_kernel(
    tallying: Tallying, case: tuple[str, str, list[tuple[int, dict[str, Any]]]]
) -> None:
    name, weighting, given = case
    record_and_compare(tallying, name, weighting, given)
