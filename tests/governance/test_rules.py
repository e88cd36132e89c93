"""Decision rules: every valid JSON form reads, reads back from its canonical form, and every malformed one is
refused with the exact field at fault and a message saying what to change."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.governance import (
    METHODS,
    OPTION_METHODS,
    Fallback,
    FistToFive,
    GovernanceError,
    Rule,
    describe_rule,
    parse_rule,
    rule_to_json,
)

ALL_METHODS = '"majority", "supermajority", "consensus", "fist_to_five", "approval", "score", "dots", "ranked_irv", "ranked_schulze"'

# --- valid forms ------------------------------------------------------------------------------------------------

VALID = [
    pytest.param({"method": "majority"}, Rule("majority"), id="majority-defaults"),
    pytest.param(
        {"method": "majority", "unit": "groups", "weighting": "size", "base": "cast"},
        Rule("majority", unit="groups", weighting="size", base="cast"),
        id="majority-groups-size-cast",
    ),
    pytest.param(
        {"method": "majority", "base": "eligible", "blocks_allowed": 0},
        Rule("majority", base="eligible", blocks_allowed=0),
        id="majority-eligible-zero-blocks",
    ),
    pytest.param(
        {"method": "supermajority", "threshold": "2/3"},
        Rule("supermajority", threshold=Fraction(2, 3)),
        id="supermajority-fraction",
    ),
    pytest.param(
        {"method": "supermajority", "threshold": "0.9"},
        Rule("supermajority", threshold=Fraction(9, 10)),
        id="supermajority-decimal-text",
    ),
    pytest.param(
        {"method": "supermajority", "threshold": "90%"},
        Rule("supermajority", threshold=Fraction(9, 10)),
        id="supermajority-percent",
    ),
    pytest.param(
        {"method": "supermajority", "threshold": 0.9},
        Rule("supermajority", threshold=Fraction(9, 10)),
        id="supermajority-json-float-read-as-written",
    ),
    pytest.param(
        {"method": "supermajority", "threshold": 1}, Rule("supermajority", threshold=Fraction(1)), id="unanimity-int"
    ),
    pytest.param(
        {"method": "supermajority", "threshold": " 3 / 4 "},
        Rule("supermajority", threshold=Fraction(3, 4)),
        id="supermajority-spaces",
    ),
    pytest.param(
        {"method": "supermajority", "threshold": "2/3", "blocks_per_units": 12, "base": "decided"},
        Rule("supermajority", threshold=Fraction(2, 3), blocks_per_units=12),
        id="supermajority-with-blocks",
    ),
    pytest.param({"method": "consensus"}, Rule("consensus"), id="consensus-defaults"),
    pytest.param(
        {"method": "consensus", "unit": "groups", "blocks_per_units": 12, "quorum": "1/2"},
        Rule("consensus", unit="groups", blocks_per_units=12, quorum=Fraction(1, 2)),
        id="consensus-issue-example",
    ),
    pytest.param(
        {"method": "consensus", "blocks_allowed": 1, "max_stand_asides": 2},
        Rule("consensus", blocks_allowed=1, max_stand_asides=2),
        id="consensus-minus-one",
    ),
    pytest.param(
        {"method": "consensus", "quorum": "2/3", "quorum_by": "weight", "weighting": "sqrt_size"},
        Rule("consensus", quorum=Fraction(2, 3), quorum_by="weight", weighting="sqrt_size"),
        id="consensus-quorum-by-weight",
    ),
    pytest.param(
        {"method": "consensus", "unit": "groups_and_individuals", "weighting": "custom", "blocks_per_units": 12.0},
        Rule("consensus", unit="groups_and_individuals", weighting="custom", blocks_per_units=12),
        id="whole-float-count",
    ),
    pytest.param({"method": "fist_to_five"}, Rule("fist_to_five"), id="fist-defaults"),
    pytest.param(
        {
            "method": "fist_to_five",
            "fist_to_five": {"block_at_or_below": 1, "concern_at_or_below": 3, "max_concerns": 2},
        },
        Rule("fist_to_five", fist_to_five=FistToFive(1, 3, 2)),
        id="fist-levels",
    ),
    pytest.param(
        {"method": "fist_to_five", "fist_to_five": {"block_at_or_below": None, "max_concerns": None}},
        Rule("fist_to_five", fist_to_five=FistToFive(-1, 2, None)),
        id="fist-no-blocks-no-cap",
    ),
    pytest.param(
        {"method": "fist_to_five", "fist_to_five": {"block_at_or_below": 3}},
        Rule("fist_to_five", fist_to_five=FistToFive(3, 3, 0)),
        id="fist-concern-level-follows-block-level",
    ),
    pytest.param({"method": "approval"}, Rule("approval"), id="approval"),
    pytest.param({"method": "score", "max_score": 10}, Rule("score", max_score=10), id="score"),
    pytest.param({"method": "dots", "dots": 8}, Rule("dots", dots=8), id="dots"),
    pytest.param({"method": "ranked_irv", "quorum": "1/3"}, Rule("ranked_irv", quorum=Fraction(1, 3)), id="irv"),
    pytest.param({"method": "ranked_schulze"}, Rule("ranked_schulze"), id="schulze"),
    pytest.param(
        {
            "method": "consensus",
            "unit": "groups",
            "blocks_per_units": 12,
            "fallback": {
                "after_failed_rounds": 3,
                "rule": {
                    "method": "supermajority",
                    "threshold": "9/10",
                    "fallback": {"after_failed_rounds": 5, "rule": {"method": "majority"}},
                },
            },
        },
        Rule(
            "consensus",
            unit="groups",
            blocks_per_units=12,
            fallback=Fallback(
                3, Rule("supermajority", threshold=Fraction(9, 10), fallback=Fallback(5, Rule("majority")))
            ),
        ),
        id="nested-fallbacks",
    ),
    pytest.param(
        {"method": "ranked_schulze", "fallback": {"after_failed_rounds": 1, "rule": {"method": "approval"}}},
        Rule("ranked_schulze", fallback=Fallback(1, Rule("approval"))),
        id="option-fallback",
    ),
]


@pytest.mark.parametrize(("data", "expected"), VALID)
def test_valid_rules_parse(data: dict[str, Any], expected: Rule) -> None:
    rule = parse_rule(data)
    assert rule == expected
    assert parse_rule(rule_to_json(rule)) == rule
    assert parse_rule(json.loads(json.dumps(rule_to_json(rule)))) == rule


def test_canonical_form_spells_everything_out() -> None:
    rule = parse_rule({"method": "supermajority", "threshold": "90%", "quorum": 0.5})
    assert rule_to_json(rule) == {
        "method": "supermajority",
        "unit": "people",
        "weighting": "equal",
        "base": "decided",
        "threshold": "9/10",
        "quorum": "1/2",
        "quorum_by": "count",
    }
    assert rule_to_json(parse_rule({"method": "fist_to_five"})) == {
        "method": "fist_to_five",
        "unit": "people",
        "weighting": "equal",
        "fist_to_five": {"block_at_or_below": 0, "concern_at_or_below": 2, "max_concerns": 0},
    }
    assert rule_to_json(parse_rule({"method": "dots"}))["dots"] == 10
    assert rule_to_json(parse_rule({"method": "score"}))["max_score"] == 5


def test_applied_rule_follows_failed_rounds() -> None:
    rule = parse_rule(
        {
            "method": "consensus",
            "fallback": {
                "after_failed_rounds": 3,
                "rule": {
                    "method": "supermajority",
                    "threshold": "3/4",
                    "fallback": {"after_failed_rounds": 5, "rule": {"method": "majority"}},
                },
            },
        }
    )
    assert [(applied.method, depth) for applied, depth in map(rule.applied, range(7))] == [
        ("consensus", 0),
        ("consensus", 0),
        ("consensus", 0),
        ("supermajority", 1),
        ("supermajority", 1),
        ("majority", 2),
        ("majority", 2),
    ]


# --- the canonical form reads back to the same rule ---------------------------------------------------------------

POSITION_KIND = ("majority", "supermajority", "consensus", "fist_to_five")


@st.composite
def shares(draw: st.DrawFn, *, above_half: bool) -> tuple[str | float, Fraction]:
    denominator = draw(st.integers(1, 100))
    low = denominator // 2 + 1 if above_half else 1
    numerator = draw(st.integers(low, denominator)) if low <= denominator else denominator
    value = Fraction(numerator, denominator)
    if above_half and value <= Fraction(1, 2):
        value = Fraction(1)
    forms: list[str | float] = [f"{value.numerator}/{value.denominator}"]
    if (value * 100).denominator == 1:
        forms += [f"{value * 100}%", str(float(value)), float(value)]
    return draw(st.sampled_from(forms)), value


@st.composite
def rule_data(draw: st.DrawFn, *, kind: tuple[str, ...] = METHODS, floor: int = 0, depth: int = 0) -> dict[str, Any]:
    method = draw(st.sampled_from(kind))
    data: dict[str, Any] = {"method": method}
    if draw(st.booleans()):
        data["unit"] = draw(st.sampled_from(["people", "groups", "groups_and_individuals"]))
    if draw(st.booleans()):
        data["weighting"] = draw(st.sampled_from(["equal", "size", "sqrt_size", "custom"]))
    if method in ("majority", "supermajority") and draw(st.booleans()):
        data["base"] = draw(st.sampled_from(["decided", "cast", "eligible"]))
    if method == "supermajority":
        data["threshold"] = draw(shares(above_half=True))[0]
    if draw(st.booleans()):
        data["quorum"] = draw(shares(above_half=False))[0]
        if draw(st.booleans()):
            data["quorum_by"] = draw(st.sampled_from(["count", "weight"]))
    if method in POSITION_KIND:
        blocks = draw(st.sampled_from(["none", "allowed", "per_units"]))
        if blocks == "allowed":
            data["blocks_allowed"] = draw(st.integers(0, 20))
        elif blocks == "per_units":
            data["blocks_per_units"] = draw(st.integers(1, 50))
    if method == "consensus" and draw(st.booleans()):
        data["max_stand_asides"] = draw(st.integers(0, 20))
    if method == "fist_to_five" and draw(st.booleans()):
        block = draw(st.integers(-1, 4))
        fist: dict[str, Any] = {"block_at_or_below": None if block == -1 and draw(st.booleans()) else block}
        if draw(st.booleans()):
            fist["concern_at_or_below"] = draw(st.integers(max(block, -1), 4))
        elif block > 2:
            fist["concern_at_or_below"] = block
        if draw(st.booleans()):
            fist["max_concerns"] = draw(st.none() | st.integers(0, 10))
        data["fist_to_five"] = fist
    if method == "dots" and draw(st.booleans()):
        data["dots"] = draw(st.integers(1, 100))
    if method == "score" and draw(st.booleans()):
        data["max_score"] = draw(st.integers(1, 10))
    if depth < 2 and draw(st.booleans()):
        after = draw(st.integers(floor + 1, floor + 5))
        same_kind = OPTION_METHODS if method in OPTION_METHODS else POSITION_KIND
        data["fallback"] = {
            "after_failed_rounds": after,
            "rule": draw(rule_data(kind=same_kind, floor=after, depth=depth + 1)),
        }
    return data


@settings(max_examples=300, deadline=None)
@given(data=rule_data())
def test_canonical_form_round_trips(data: dict[str, Any]) -> None:
    rule = parse_rule(data)
    canonical = rule_to_json(rule)
    assert parse_rule(json.loads(json.dumps(canonical))) == rule
    assert rule_to_json(parse_rule(canonical)) == canonical
    assert rule.method == data["method"]
    assert rule.unit == data.get("unit", "people")
    assert rule.weighting == data.get("weighting", "equal")
    assert (rule.fallback is None) == ("fallback" not in data)
    description = describe_rule(rule)
    assert description.endswith(".")
    assert description.count("After ") == json.dumps(data).count("after_failed_rounds")


# --- malformed rules ----------------------------------------------------------------------------------------------

CONSENSUS_KEYS = (
    '"blocks_allowed", "blocks_per_units", "fallback", "max_stand_asides", "method", "quorum", "quorum_by", '
    '"unit", "weighting"'
)
FRACTION_FORMS = 'like "2/3", a decimal like "0.9" or a percentage like "90%".'
BOTH_BLOCK_KEYS = (
    'Set either a fixed number of blocks ("blocks_allowed") or one block per so many units ("blocks_per_units"), '
    "not both."
)
NO_QUORUM = 'A quorum is a share of eligible units above 0 and at most 1, like "1/2"; for no quorum leave it out.'


def fallback_to(rule: dict[str, Any], after: int = 3) -> dict[str, Any]:
    return {"after_failed_rounds": after, "rule": rule}


MALFORMED = [
    # the rule itself and its method
    pytest.param("majority", "rule", 'Give the rule as a JSON object, like {"method": "majority"}.', id="not-object"),
    pytest.param({}, "rule.method", f"Say which method decides: one of {ALL_METHODS}.", id="no-method"),
    pytest.param(
        {"method": "plurality"},
        "rule.method",
        f"Unknown method 'plurality': use one of {ALL_METHODS}.",
        id="unknown-method",
    ),
    pytest.param(
        {"method": "Majority"}, "rule.method", f"Unknown method 'Majority': use one of {ALL_METHODS}.", id="method-case"
    ),
    # keys
    pytest.param(
        {"method": "consensus", "colour": "red"},
        "rule.colour",
        f'Unknown field "colour"; the consensus method takes {CONSENSUS_KEYS}.',
        id="unknown-key",
    ),
    pytest.param(
        {"method": "majority", "threshold": "2/3"},
        "rule.threshold",
        '"threshold" does not apply to the majority method; remove it.',
        id="threshold-on-majority",
    ),
    pytest.param(
        {"method": "consensus", "base": "cast"},
        "rule.base",
        '"base" does not apply to the consensus method; remove it.',
        id="base-on-consensus",
    ),
    pytest.param(
        {"method": "approval", "blocks_allowed": 1},
        "rule.blocks_allowed",
        '"blocks_allowed" does not apply to the approval method; remove it.',
        id="blocks-on-approval",
    ),
    pytest.param(
        {"method": "majority", "max_stand_asides": 1},
        "rule.max_stand_asides",
        '"max_stand_asides" does not apply to the majority method; remove it.',
        id="stand-asides-on-majority",
    ),
    pytest.param(
        {"method": "dots", "max_score": 5},
        "rule.max_score",
        '"max_score" does not apply to the dots method; remove it.',
        id="max-score-on-dots",
    ),
    pytest.param(
        {"method": "consensus", "fist_to_five": {}},
        "rule.fist_to_five",
        '"fist_to_five" does not apply to the consensus method; remove it.',
        id="fist-levels-on-consensus",
    ),
    pytest.param(
        {"method": "consensus", "blocks_allowed": 1, "blocks_per_units": 12},
        "rule.blocks_per_units",
        BOTH_BLOCK_KEYS,
        id="both-block-keys",
    ),
    # choices
    pytest.param(
        {"method": "majority", "unit": "nations"},
        "rule.unit",
        'Unknown unit \'nations\': use one of "people", "groups", "groups_and_individuals".',
        id="unknown-unit",
    ),
    pytest.param(
        {"method": "majority", "weighting": "votes"},
        "rule.weighting",
        'Unknown weighting \'votes\': use one of "equal", "size", "sqrt_size", "custom".',
        id="unknown-weighting",
    ),
    pytest.param(
        {"method": "majority", "base": "all"},
        "rule.base",
        'Unknown base \'all\': use one of "decided", "cast", "eligible".',
        id="unknown-base",
    ),
    # threshold
    pytest.param(
        {"method": "supermajority"},
        "rule.threshold",
        'A super-majority needs a threshold, like "2/3" or "0.9".',
        id="threshold-missing",
    ),
    pytest.param(
        {"method": "supermajority", "threshold": "1/2"},
        "rule.threshold",
        "A super-majority threshold must be more than one half and at most 1 (it is 50%); for one half use the "
        "majority method.",
        id="threshold-half",
    ),
    pytest.param(
        {"method": "supermajority", "threshold": 0.4},
        "rule.threshold",
        "A super-majority threshold must be more than one half and at most 1 (it is 40%); for one half use the "
        "majority method.",
        id="threshold-below-half",
    ),
    pytest.param(
        {"method": "supermajority", "threshold": "101%"},
        "rule.threshold",
        "A super-majority threshold must be more than one half and at most 1 (it is 101%); for one half use the "
        "majority method.",
        id="threshold-above-one",
    ),
    pytest.param(
        {"method": "supermajority", "threshold": "two thirds"},
        "rule.threshold",
        f"Give the threshold as a fraction {FRACTION_FORMS}",
        id="threshold-words",
    ),
    pytest.param(
        {"method": "supermajority", "threshold": "-2/3"},
        "rule.threshold",
        f"Give the threshold as a fraction {FRACTION_FORMS}",
        id="threshold-negative",
    ),
    pytest.param(
        {"method": "supermajority", "threshold": ["2/3"]},
        "rule.threshold",
        f"Give the threshold as a fraction {FRACTION_FORMS}",
        id="threshold-list",
    ),
    pytest.param(
        {"method": "supermajority", "threshold": True},
        "rule.threshold",
        'Give the threshold as a fraction like "2/3" or a decimal like "0.9", not true or false.',
        id="threshold-bool",
    ),
    pytest.param(
        {"method": "supermajority", "threshold": "2/0"},
        "rule.threshold",
        'The threshold "2/0" divides by zero.',
        id="threshold-divides-by-zero",
    ),
    pytest.param(
        {"method": "supermajority", "threshold": float("nan")},
        "rule.threshold",
        "Give the threshold as a finite number.",
        id="threshold-nan",
    ),
    # quorum
    pytest.param({"method": "majority", "quorum": 0}, "rule.quorum", NO_QUORUM, id="quorum-zero"),
    pytest.param({"method": "majority", "quorum": "0%"}, "rule.quorum", NO_QUORUM, id="quorum-zero-percent"),
    pytest.param({"method": "approval", "quorum": "3/2"}, "rule.quorum", NO_QUORUM, id="quorum-above-one"),
    pytest.param(
        {"method": "majority", "quorum": False},
        "rule.quorum",
        'Give the quorum as a fraction like "2/3" or a decimal like "0.9", not true or false.',
        id="quorum-bool",
    ),
    pytest.param(
        {"method": "majority", "quorum_by": "weight"},
        "rule.quorum_by",
        '"quorum_by" needs a quorum to apply to; set "quorum" or remove it.',
        id="quorum-by-without-quorum",
    ),
    pytest.param(
        {"method": "majority", "quorum": "1/2", "quorum_by": "people"},
        "rule.quorum_by",
        'Unknown quorum_by \'people\': use one of "count", "weight".',
        id="quorum-by-unknown",
    ),
    # counts
    pytest.param(
        {"method": "consensus", "blocks_allowed": -1},
        "rule.blocks_allowed",
        "The number of blocks allowed must be at least 0.",
        id="negative-blocks",
    ),
    pytest.param(
        {"method": "consensus", "blocks_per_units": 0},
        "rule.blocks_per_units",
        "The number of units per allowed block must be at least 1.",
        id="zero-blocks-per-units",
    ),
    pytest.param(
        {"method": "consensus", "max_stand_asides": -2},
        "rule.max_stand_asides",
        "The most stand asides must be at least 0.",
        id="negative-stand-asides",
    ),
    pytest.param({"method": "dots", "dots": 0}, "rule.dots", "The number of dots must be at least 1.", id="zero-dots"),
    pytest.param(
        {"method": "dots", "dots": 2_000_000},
        "rule.dots",
        "The number of dots must be at most 1,000,000.",
        id="too-many-dots",
    ),
    pytest.param(
        {"method": "score", "max_score": -1},
        "rule.max_score",
        "The highest score must be at least 1.",
        id="negative-score",
    ),
    pytest.param(
        {"method": "consensus", "blocks_allowed": 1.5},
        "rule.blocks_allowed",
        "Give the number of blocks allowed as a whole number.",
        id="fractional-blocks",
    ),
    pytest.param(
        {"method": "consensus", "blocks_allowed": True},
        "rule.blocks_allowed",
        "Give the number of blocks allowed as a whole number.",
        id="bool-blocks",
    ),
    pytest.param(
        {"method": "consensus", "blocks_allowed": "1"},
        "rule.blocks_allowed",
        "Give the number of blocks allowed as a whole number.",
        id="text-blocks",
    ),
    # fist-to-five levels
    pytest.param(
        {"method": "fist_to_five", "fist_to_five": {"block_at_or_below": 2, "concern_at_or_below": 1}},
        "rule.fist_to_five.concern_at_or_below",
        "The concern level (1) must be at or above the block level (2).",
        id="fist-levels-out-of-order",
    ),
    pytest.param(
        {"method": "fist_to_five", "fist_to_five": {"block_at_or_below": 5}},
        "rule.fist_to_five.block_at_or_below",
        "The block level must be below 5, or every score would block.",
        id="fist-block-level-5",
    ),
    pytest.param(
        {"method": "fist_to_five", "fist_to_five": {"concern_at_or_below": 5}},
        "rule.fist_to_five.concern_at_or_below",
        "The concern level must be below 5, or no score would support.",
        id="fist-concern-level-5",
    ),
    pytest.param(
        {"method": "fist_to_five", "fist_to_five": {"block_at_or_below": -2}},
        "rule.fist_to_five.block_at_or_below",
        "The block level must be at least -1.",
        id="fist-block-level-negative",
    ),
    pytest.param(
        {"method": "fist_to_five", "fist_to_five": {"max_concerns": -1}},
        "rule.fist_to_five.max_concerns",
        "The most concerns must be at least 0.",
        id="fist-negative-concerns",
    ),
    pytest.param(
        {"method": "fist_to_five", "fist_to_five": {"support_above": 3}},
        "rule.fist_to_five.support_above",
        'Unknown field "support_above"; fist-to-five takes "block_at_or_below", "concern_at_or_below", "max_concerns".',
        id="fist-unknown-key",
    ),
    pytest.param(
        {"method": "fist_to_five", "fist_to_five": [0, 2]},
        "rule.fist_to_five",
        'Give the fist-to-five levels as {"block_at_or_below": 0, "concern_at_or_below": 2, "max_concerns": 0}.',
        id="fist-not-object",
    ),
    # fallbacks
    pytest.param(
        {"method": "consensus", "fallback": "majority"},
        "rule.fallback",
        'Give the fallback as {"after_failed_rounds": 3, "rule": {...}}.',
        id="fallback-not-object",
    ),
    pytest.param(
        {"method": "consensus", "fallback": {"rule": {"method": "majority"}}},
        "rule.fallback.after_failed_rounds",
        "Say after how many failed rounds the fallback applies.",
        id="fallback-without-rounds",
    ),
    pytest.param(
        {"method": "consensus", "fallback": {"after_failed_rounds": 3}},
        "rule.fallback.rule",
        "Give the rule that applies after the failed rounds.",
        id="fallback-without-rule",
    ),
    pytest.param(
        {"method": "consensus", "fallback": {"after_failed_rounds": 3, "rule": {"method": "majority"}, "when": "x"}},
        "rule.fallback.when",
        'Unknown field "when"; a fallback takes "after_failed_rounds" and "rule".',
        id="fallback-unknown-key",
    ),
    pytest.param(
        {"method": "consensus", "fallback": fallback_to({"method": "majority"}, after=0)},
        "rule.fallback.after_failed_rounds",
        "The number of failed rounds must be at least 1.",
        id="fallback-after-zero",
    ),
    pytest.param(
        {"method": "consensus", "fallback": fallback_to({"method": "supermajority", "threshold": "1/2"})},
        "rule.fallback.rule.threshold",
        "A super-majority threshold must be more than one half and at most 1 (it is 50%); for one half use the "
        "majority method.",
        id="fallback-threshold",
    ),
    pytest.param(
        {"method": "consensus", "fallback": fallback_to({"method": "supermajority", "threshold": True})},
        "rule.fallback.rule.threshold",
        'Give the threshold as a fraction like "2/3" or a decimal like "0.9", not true or false.',
        id="fallback-threshold-bool",
    ),
    pytest.param(
        {"method": "consensus", "fallback": fallback_to({"method": "approval"})},
        "rule.fallback.rule.method",
        "The fallback must also accept or refuse one proposal, since the ballots of a round are the same kind.",
        id="fallback-position-to-option",
    ),
    pytest.param(
        {"method": "ranked_irv", "fallback": fallback_to({"method": "majority"})},
        "rule.fallback.rule.method",
        "The fallback must also choose between options, since the ballots of a round are the same kind.",
        id="fallback-option-to-position",
    ),
    pytest.param(
        {
            "method": "consensus",
            "fallback": fallback_to(
                {"method": "supermajority", "threshold": "9/10", "fallback": fallback_to({"method": "majority"}, 3)}, 3
            ),
        },
        "rule.fallback.rule.fallback.after_failed_rounds",
        "This fallback must wait for more failed rounds than the one before it (3).",
        id="nested-fallback-not-later",
    ),
    pytest.param(
        {
            "method": "consensus",
            "fallback": fallback_to(
                {"method": "supermajority", "threshold": "9/10", "fallback": fallback_to({"method": "majority"}, 2)}, 4
            ),
        },
        "rule.fallback.rule.fallback.after_failed_rounds",
        "This fallback must wait for more failed rounds than the one before it (4).",
        id="nested-fallback-earlier",
    ),
    pytest.param(
        {
            "method": "consensus",
            "fallback": fallback_to(
                {"method": "supermajority", "threshold": "9/10", "fallback": fallback_to({"method": "score"}, 5)}
            ),
        },
        "rule.fallback.rule.fallback.rule.method",
        "The fallback must also accept or refuse one proposal, since the ballots of a round are the same kind.",
        id="nested-fallback-kind",
    ),
    pytest.param(
        {"method": "consensus", "fallback": fallback_to({"method": "majority", "stand_asides": 1})},
        "rule.fallback.rule.stand_asides",
        'Unknown field "stand_asides"; the majority method takes "base", "blocks_allowed", "blocks_per_units", '
        '"fallback", "method", "quorum", "quorum_by", "unit", "weighting".',
        id="fallback-unknown-key-inside",
    ),
]


@pytest.mark.parametrize(("data", "path", "message"), MALFORMED)
def test_malformed_rules_name_the_field(data: object, path: str, message: str) -> None:
    with pytest.raises(GovernanceError) as refusal:
        parse_rule(data)
    assert refusal.value.path == path
    assert refusal.value.message == message
    assert str(refusal.value) == f"{path}: {message}"


def test_path_prefix_is_the_callers() -> None:
    with pytest.raises(GovernanceError) as refusal:
        parse_rule({"method": "consensus", "fallback": fallback_to({"method": "x"})}, path="constitution.decide")
    assert refusal.value.path == "constitution.decide.fallback.rule.method"


# --- the rule in plain words ------------------------------------------------------------------------------------

DESCRIBED = [
    pytest.param(
        {"method": "majority"},
        "Simple majority of people: passes with more than half of those who agree or disagree.",
        id="majority",
    ),
    pytest.param(
        {"method": "majority", "unit": "groups_and_individuals", "weighting": "sqrt_size", "base": "eligible"},
        "Simple majority of member groups and individual members (each group gives one position), weighted by "
        "the square root of group size: passes with more than half of everyone eligible (not responding counts "
        "against).",
        id="majority-eligible-sqrt",
    ),
    pytest.param(
        {"method": "supermajority", "threshold": "0.9", "base": "cast"},
        "Super-majority of people: passes with at least 90% of all stances given (abstentions count against).",
        id="supermajority-90",
    ),
    pytest.param(
        # 66.6% would not pass a 2/3 threshold, so the sentence says 2/3, as the tally's conditions do.
        {"method": "supermajority", "threshold": "2/3", "unit": "groups", "weighting": "size"},
        "Super-majority of member groups (each group gives one position), weighted by group size: passes with "
        "at least 2/3 of those who agree or disagree.",
        id="supermajority-two-thirds",
    ),
    pytest.param(
        {"method": "consensus"},
        "Consensus of people: passes when at least one agrees and no one blocks.",
        id="consensus",
    ),
    pytest.param(
        {"method": "consensus", "blocks_allowed": 1},
        "Consensus of people: passes when at least one agrees and no more than 1 block (one person each).",
        id="consensus-minus-one",
    ),
    pytest.param(
        {"method": "consensus", "unit": "groups", "blocks_per_units": 12},
        "Consensus of member groups (each group gives one position): passes when at least one agrees and there "
        "is no more than one block per 12 eligible member groups.",
        id="one-block-per-12",
    ),
    pytest.param(
        {"method": "consensus", "blocks_allowed": 2, "max_stand_asides": 2, "quorum": "1/2"},
        "Consensus of people: passes when at least one agrees and no more than 2 blocks (one person each), with at "
        "most 2 standing aside. Quorum: at least 50% of eligible people must take part.",
        id="consensus-stand-asides-quorum",
    ),
    pytest.param(
        {"method": "consensus", "unit": "groups", "quorum": "1/3", "quorum_by": "weight", "weighting": "size"},
        "Consensus of member groups (each group gives one position), weighted by group size: passes when at "
        "least one agrees and no one blocks. Quorum: those taking part must carry at least 1/3 of the eligible "
        "member groups' combined weight.",
        id="consensus-quorum-by-weight",
    ),
    pytest.param(
        {"method": "fist_to_five"},
        "Fist-to-five of people: each shows 0 to 5; 0 is a block; 1 to 2 is a concern; passes when no one blocks "
        "and there are no concerns (otherwise it needs discussion).",
        id="fist",
    ),
    pytest.param(
        {
            "method": "fist_to_five",
            "fist_to_five": {"block_at_or_below": 1, "concern_at_or_below": 3, "max_concerns": 2},
            "blocks_allowed": 1,
        },
        "Fist-to-five of people: each shows 0 to 5; 0 to 1 is a block; 2 to 3 is a concern; passes when no more "
        "than 1 block (one person each) and there are at most 2 concerns (otherwise it needs discussion).",
        id="fist-levels",
    ),
    pytest.param(
        {"method": "fist_to_five", "fist_to_five": {"block_at_or_below": None, "max_concerns": None}},
        "Fist-to-five of people: each shows 0 to 5; 0 to 2 is a concern; passes when at least one shows more than 2 "
        "(no score is a block).",
        id="fist-no-blocking-score",
    ),
    pytest.param(
        {"method": "approval", "weighting": "custom"},
        "Approval vote of people, weighted by the coalition's agreed weights: each approves any number of options; "
        "the most approved option is chosen.",
        id="approval",
    ),
    pytest.param(
        {"method": "score", "max_score": 10},
        "Score vote of people: each scores options 0 to 10; the highest total is chosen.",
        id="score",
    ),
    pytest.param(
        {"method": "dots", "dots": 8},
        "Dot vote of people: each spreads up to 8 dots; the option with most dots is chosen.",
        id="dots",
    ),
    pytest.param(
        {"method": "ranked_irv"},
        "Ranked choice (instant runoff) of people: the option with fewest first preferences is dropped and its "
        "ballots move to their next choice, until one option has more than half.",
        id="irv",
    ),
    pytest.param(
        # A Schulze winner need not beat or tie every other option head to head (see the Condorcet cycle in
        # test_tally_table.py), so the sentence speaks of chains of head-to-head wins, as the tally does.
        {"method": "ranked_schulze"},
        "Ranked choice (Schulze) of people: the option that beats or ties every other along the strongest chains "
        "of head-to-head wins is chosen.",
        id="schulze",
    ),
    pytest.param(
        {
            "method": "majority",
            "blocks_allowed": 1,
            "fallback": {"after_failed_rounds": 1, "rule": {"method": "majority", "base": "cast"}},
        },
        "Simple majority of people: passes with more than half of those who agree or disagree; no more than 1 block "
        "(one person each). After 1 failed round: Simple majority of people: passes with more than half of all "
        "stances given (abstentions count against).",
        id="majority-blocks-fallback-after-one",
    ),
    pytest.param(
        {
            "method": "consensus",
            "unit": "groups",
            "blocks_per_units": 12,
            "quorum": "1/2",
            "fallback": {"after_failed_rounds": 3, "rule": {"method": "supermajority", "threshold": "9/10"}},
        },
        "Consensus of member groups (each group gives one position): passes when at least one agrees and there "
        "is no more than one block per 12 eligible member groups. Quorum: at least 50% of eligible member groups "
        "must take part. After 3 failed rounds: Super-majority of people: passes with at least 90% of those who "
        "agree or disagree.",
        id="issue-example-with-fallback",
    ),
]


@pytest.mark.parametrize(("data", "sentence"), DESCRIBED)
def test_rule_in_plain_words(data: dict[str, Any], sentence: str) -> None:
    assert describe_rule(parse_rule(data)) == sentence
