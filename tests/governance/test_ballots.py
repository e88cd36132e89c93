"""Ballots and stances: every malformed one is refused with the exact field at fault and what to give instead."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from accord.governance import (
    GovernanceError,
    Stance,
    Totals,
    Unit,
    check_stance,
    parse_ballots,
    parse_rule,
    tally,
    tally_totals,
)

from .build import REASON

MAJORITY = {"method": "majority"}
CONSENSUS = {"method": "consensus"}
FIST = {"method": "fist_to_five"}
IRV = {"method": "ranked_irv"}
TWO = [{"unit": "u1"}, {"unit": "u2"}]
OPTIONS = ["a", "b"]
FRACTION_FORMS = 'like "2/3", a decimal like "0.9" or a percentage like "90%".'


def ballots(*stances: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """Two eligible people (u1, u2) and the given stances; `extra` replaces or adds top-level fields."""
    return {"eligible": TWO, "stances": list(stances), **extra}


def with_options(*stances: dict[str, Any]) -> dict[str, Any]:
    return ballots(*stances, options=OPTIONS)


MALFORMED = [
    # --- the ballots object -----------------------------------------------------------------------------------------
    pytest.param(
        MAJORITY, [], "ballots", 'Give the ballots as a JSON object with "eligible" and "stances".', id="not-object"
    ),
    pytest.param(
        MAJORITY,
        ballots(votes=[]),
        "ballots.votes",
        'Unknown field "votes"; ballots take "eligible", "options", "failed_rounds" and "stances".',
        id="unknown-key",
    ),
    pytest.param(
        MAJORITY,
        ballots(failed_rounds=-1),
        "ballots.failed_rounds",
        "Give the number of failed rounds so far as a whole number, 0 or more.",
        id="negative-failed-rounds",
    ),
    pytest.param(
        MAJORITY,
        ballots(failed_rounds=True),
        "ballots.failed_rounds",
        "Give the number of failed rounds so far as a whole number, 0 or more.",
        id="bool-failed-rounds",
    ),
    pytest.param(
        MAJORITY,
        ballots(failed_rounds="2"),
        "ballots.failed_rounds",
        "Give the number of failed rounds so far as a whole number, 0 or more.",
        id="text-failed-rounds",
    ),
    pytest.param(
        MAJORITY,
        {"stances": []},
        "ballots.eligible",
        'List the eligible units, like [{"unit": "g1", "size": 40}].',
        id="no-eligible",
    ),
    pytest.param(
        MAJORITY,
        ballots(eligible=[]),
        "ballots.eligible",
        'List the eligible units, like [{"unit": "g1", "size": 40}].',
        id="empty-eligible",
    ),
    pytest.param(
        MAJORITY,
        ballots(stances={"u1": "agree"}),
        "ballots.stances",
        "Give the stances as a list, in the order they were given.",
        id="stances-not-list",
    ),
    # --- eligible units -------------------------------------------------------------------------------------------
    pytest.param(
        MAJORITY,
        ballots(eligible=["g1"]),
        "ballots.eligible[0]",
        'Give each eligible unit as an object like {"unit": "g1", "size": 40}.',
        id="unit-not-object",
    ),
    pytest.param(
        MAJORITY,
        ballots(eligible=[{"unit": "g1", "members": 3}]),
        "ballots.eligible[0].members",
        'Unknown field "members"; a unit takes "unit", "size" and "weight".',
        id="unit-unknown-key",
    ),
    pytest.param(
        MAJORITY,
        ballots(eligible=[{"size": 3}]),
        "ballots.eligible[0].unit",
        'Name the unit, like "g1".',
        id="unit-unnamed",
    ),
    pytest.param(
        MAJORITY,
        ballots(eligible=[{"unit": "g1"}, {"unit": "  "}]),
        "ballots.eligible[1].unit",
        'Name the unit, like "g1".',
        id="unit-blank-name",
    ),
    pytest.param(
        MAJORITY,
        ballots(eligible=[{"unit": 7}]),
        "ballots.eligible[0].unit",
        'Name the unit, like "g1".',
        id="unit-number",
    ),
    pytest.param(
        MAJORITY,
        ballots(eligible=[{"unit": "g" * 201}]),
        "ballots.eligible[0].unit",
        "Keep unit names to 200 characters.",
        id="unit-name-too-long",
    ),
    pytest.param(
        MAJORITY,
        ballots(eligible=[{"unit": "g1"}, {"unit": "g2"}, {"unit": "g1"}]),
        "ballots.eligible[2].unit",
        "'g1' is listed twice.",
        id="duplicate-eligible-unit",
    ),
    pytest.param(
        MAJORITY,
        ballots(eligible=[{"unit": "g1", "size": 0}]),
        "ballots.eligible[0].size",
        "Give the size as a whole number, 1 or more.",
        id="size-zero",
    ),
    pytest.param(
        MAJORITY,
        ballots(eligible=[{"unit": "g1", "size": True}]),
        "ballots.eligible[0].size",
        "Give the size as a whole number, 1 or more.",
        id="size-bool",
    ),
    pytest.param(
        MAJORITY,
        ballots(eligible=[{"unit": "g1", "size": 2.5}]),
        "ballots.eligible[0].size",
        "Give the size as a whole number, 1 or more.",
        id="size-fraction",
    ),
    pytest.param(
        {**MAJORITY, "weighting": "custom"},
        ballots(eligible=[{"unit": "g1", "weight": 0}]),
        "ballots.eligible[0].weight",
        "A weight must be more than 0.",
        id="weight-zero",
    ),
    pytest.param(
        {**MAJORITY, "weighting": "custom"},
        ballots(eligible=[{"unit": "g1", "weight": "heavy"}]),
        "ballots.eligible[0].weight",
        f"Give the weight as a fraction {FRACTION_FORMS}",
        id="weight-words",
    ),
    pytest.param(
        {**MAJORITY, "weighting": "custom"},
        ballots(eligible=[{"unit": "g1", "weight": 2}, {"unit": "g2"}]),
        "ballots.eligible[1].weight",
        "Custom weighting needs a weight for every unit.",
        id="custom-weighting-missing-weight",
    ),
    pytest.param(
        # From the third failed round a custom-weighted fallback decides: its units need weights.
        {**MAJORITY, "fallback": {"after_failed_rounds": 3, "rule": {**MAJORITY, "weighting": "custom"}}},
        ballots(failed_rounds=3),
        "ballots.eligible[0].weight",
        "Custom weighting needs a weight for every unit.",
        id="custom-weighted-fallback-missing-weight",
    ),
    # --- options ----------------------------------------------------------------------------------------------------
    pytest.param(
        IRV,
        ballots(options="a,b"),
        "ballots.options",
        'Give the options as a list of names, like ["a", "b"].',
        id="options-not-list",
    ),
    pytest.param(
        IRV,
        ballots(options=["a", " "]),
        "ballots.options",
        'Give the options as a list of names, like ["a", "b"].',
        id="options-blank-name",
    ),
    pytest.param(
        IRV,
        ballots(options=["a", 2]),
        "ballots.options",
        'Give the options as a list of names, like ["a", "b"].',
        id="options-number",
    ),
    pytest.param(
        IRV,
        ballots(options=["a", "b" * 201]),
        "ballots.options[1]",
        "Keep option names to 200 characters.",
        id="option-name-too-long",
    ),
    pytest.param(
        IRV, ballots(options=["a", "b", "a"]), "ballots.options[2]", "'a' is listed twice.", id="duplicate-option"
    ),
    pytest.param(
        {"method": "approval"},
        ballots(options=["a"]),
        "ballots.options",
        "The approval method chooses between options: list at least two.",
        id="one-option",
    ),
    pytest.param(
        IRV,
        ballots(),
        "ballots.options",
        "The ranked_irv method chooses between options: list at least two.",
        id="no-options",
    ),
    # --- stances: their shape -------------------------------------------------------------------------------------
    pytest.param(
        MAJORITY,
        ballots("u1 agrees"),
        "ballots.stances[0]",
        'Give each stance as an object like {"unit": "g1", "position": "agree"}.',
        id="stance-not-object",
    ),
    pytest.param(
        MAJORITY,
        ballots({"unit": "u1", "vote": "agree"}),
        "ballots.stances[0].vote",
        'Unknown field "vote"; a stance takes "unit", one of position, score, ranking, approve, scores, dots, and '
        '"reason".',
        id="stance-unknown-key",
    ),
    pytest.param(
        MAJORITY,
        ballots({"position": "agree"}),
        "ballots.stances[0].unit",
        'Name the unit, like "g1".',
        id="stance-without-unit",
    ),
    pytest.param(
        MAJORITY,
        ballots({"unit": "u1", "position": "agree"}, {"unit": "zz", "position": "agree"}),
        "ballots.stances[1].unit",
        "'zz' is not among the eligible units.",
        id="stance-from-unit-not-eligible",
    ),
    pytest.param(
        MAJORITY,
        ballots({"unit": "u1", "position": 1}),
        "ballots.stances[0].position",
        'Give the position as text, like "agree".',
        id="position-not-text",
    ),
    pytest.param(
        MAJORITY,
        ballots({"unit": "u1", "position": "block", "reason": 5}),
        "ballots.stances[0].reason",
        "Give the reason as text.",
        id="reason-not-text",
    ),
    pytest.param(
        MAJORITY,
        ballots({"unit": "u1", "position": "agree", "reason": "x" * 4001}),
        "ballots.stances[0].reason",
        "Shorten the reason to 4000 characters or fewer.",
        id="reason-too-long",
    ),
    pytest.param(
        MAJORITY,
        ballots({"unit": "u1"}),
        "ballots.stances[0].position",
        'Give a position ("position") for the majority method.',
        id="no-position",
    ),
    pytest.param(
        {"method": "score"},
        with_options({"unit": "u1"}),
        "ballots.stances[0].scores",
        'Give scores per option ("scores") for the score method.',
        id="no-scores",
    ),
    pytest.param(
        MAJORITY,
        ballots({"unit": "u1", "position": "agree", "score": 3}),
        "ballots.stances[0].score",
        "Give only one of position, score; the majority method takes a position.",
        id="two-fields",
    ),
    pytest.param(
        MAJORITY,
        ballots({"unit": "u1", "ranking": ["a"]}),
        "ballots.stances[0].ranking",
        'The majority method takes a position ("position"), not a ranking of options.',
        id="ranking-for-majority",
    ),
    pytest.param(
        {"method": "approval"},
        with_options({"unit": "u1", "ranking": ["a"]}),
        "ballots.stances[0].ranking",
        'The approval method takes a list of approved options ("approve"), not a ranking of options.',
        id="ranking-for-approval",
    ),
    # --- positions ------------------------------------------------------------------------------------------------
    pytest.param(
        MAJORITY,
        ballots({"unit": "u1", "position": "stand_aside"}),
        "ballots.stances[0].position",
        'Position \'stand_aside\' is not accepted by the majority method: use "agree", "disagree", "abstain".',
        id="stand-aside-under-majority",
    ),
    pytest.param(
        {"method": "supermajority", "threshold": "2/3"},
        ballots({"unit": "u1", "position": "block", "reason": REASON}),
        "ballots.stances[0].position",
        "Position 'block' is not accepted by the supermajority method (this rule allows no blocks): use \"agree\", "
        '"disagree", "abstain".',
        id="block-without-allowance",
    ),
    pytest.param(
        {**MAJORITY, "blocks_allowed": 1},
        ballots({"unit": "u1", "position": "stand_aside"}),
        "ballots.stances[0].position",
        'Position \'stand_aside\' is not accepted by the majority method: use "agree", "disagree", "abstain", "block".',
        id="stand-aside-under-majority-with-blocks",
    ),
    pytest.param(
        CONSENSUS,
        ballots({"unit": "u1", "position": "disagree"}),
        "ballots.stances[0].position",
        'Position \'disagree\' is not accepted by the consensus method: use "agree", "stand_aside", "abstain", "block".',
        id="disagree-under-consensus",
    ),
    pytest.param(
        CONSENSUS,
        ballots({"unit": "u1", "position": "yes"}),
        "ballots.stances[0].position",
        'Position \'yes\' is not accepted by the consensus method: use "agree", "stand_aside", "abstain", "block".',
        id="unknown-position",
    ),
    pytest.param(
        CONSENSUS,
        ballots({"unit": "u1", "position": "block"}),
        "ballots.stances[0].reason",
        "A block: say why, so the others can try to meet the concern.",
        id="block-without-reason",
    ),
    pytest.param(
        CONSENSUS,
        ballots({"unit": "u1", "position": "block", "reason": "  \n "}),
        "ballots.stances[0].reason",
        "A block: say why, so the others can try to meet the concern.",
        id="block-with-blank-reason",
    ),
    pytest.param(
        FIST,
        ballots({"unit": "u1", "position": "agree"}),
        "ballots.stances[0].position",
        'The fist_to_five method takes a score from 0 to 5 ("score"), or the position "abstain".',
        id="position-under-fist",
    ),
    pytest.param(
        {"method": "approval"},
        with_options({"unit": "u1", "position": "agree"}),
        "ballots.stances[0].position",
        'The approval method takes a list of approved options ("approve"), or the position "abstain".',
        id="position-under-approval",
    ),
    # --- fist-to-five scores --------------------------------------------------------------------------------------
    pytest.param(
        FIST,
        ballots({"unit": "u1", "score": 6}),
        "ballots.stances[0].score",
        "Give a whole-number score from 0 to 5.",
        id="fist-score-6",
    ),
    pytest.param(
        FIST,
        ballots({"unit": "u1", "score": -1, "reason": REASON}),
        "ballots.stances[0].score",
        "Give a whole-number score from 0 to 5.",
        id="fist-score-negative",
    ),
    pytest.param(
        FIST,
        ballots({"unit": "u1", "score": True}),
        "ballots.stances[0].score",
        "Give a whole-number score from 0 to 5.",
        id="fist-score-bool",
    ),
    pytest.param(
        FIST,
        ballots({"unit": "u1", "score": 2.5}),
        "ballots.stances[0].score",
        "Give a whole-number score from 0 to 5.",
        id="fist-score-fraction",
    ),
    pytest.param(
        FIST,
        ballots({"unit": "u1", "score": "3"}),
        "ballots.stances[0].score",
        "Give a whole-number score from 0 to 5.",
        id="fist-score-text",
    ),
    pytest.param(
        FIST,
        ballots({"unit": "u1", "score": 0}),
        "ballots.stances[0].reason",
        "A score of 0 is a block: say why, so the others can try to meet the concern.",
        id="fist-block-without-reason",
    ),
    pytest.param(
        {**FIST, "fist_to_five": {"block_at_or_below": 1, "concern_at_or_below": 2}},
        ballots({"unit": "u1", "score": 1}),
        "ballots.stances[0].reason",
        "A score of 1 is a block: say why, so the others can try to meet the concern.",
        id="fist-block-level-1-without-reason",
    ),
    # --- rankings and approvals -------------------------------------------------------------------------------------
    pytest.param(
        IRV,
        with_options({"unit": "u1", "ranking": ["a", "z"]}),
        "ballots.stances[0].ranking[1]",
        "'z' is not one of the options: 'a', 'b'.",
        id="ranking-unknown-option",
    ),
    pytest.param(
        {"method": "ranked_schulze"},
        with_options({"unit": "u1", "ranking": ["a", "b", "a"]}),
        "ballots.stances[0].ranking[2]",
        "'a' appears twice; list each option once.",
        id="ranking-duplicate-option",
    ),
    pytest.param(
        IRV,
        with_options({"unit": "u1", "ranking": []}),
        "ballots.stances[0].ranking",
        "Rank at least one option, or abstain.",
        id="ranking-empty",
    ),
    pytest.param(
        IRV,
        with_options({"unit": "u1", "ranking": "ab"}),
        "ballots.stances[0].ranking",
        "Give a list of option names.",
        id="ranking-not-list",
    ),
    pytest.param(
        IRV,
        with_options({"unit": "u1", "ranking": ["a", 2]}),
        "ballots.stances[0].ranking",
        "Give a list of option names.",
        id="ranking-with-number",
    ),
    pytest.param(
        {"method": "approval"},
        with_options({"unit": "u1", "approve": ["c"]}),
        "ballots.stances[0].approve[0]",
        "'c' is not one of the options: 'a', 'b'.",
        id="approve-unknown-option",
    ),
    pytest.param(
        {"method": "approval"},
        with_options({"unit": "u1", "approve": ["b", "b"]}),
        "ballots.stances[0].approve[1]",
        "'b' appears twice; list each option once.",
        id="approve-duplicate-option",
    ),
    # --- scores and dots --------------------------------------------------------------------------------------------
    pytest.param(
        {"method": "score"},
        with_options({"unit": "u1", "scores": {"a": 6}}),
        "ballots.stances[0].scores.a",
        "Scores go from 0 to 5.",
        id="score-over-max",
    ),
    pytest.param(
        {"method": "score", "max_score": 3},
        with_options({"unit": "u1", "scores": {"a": 3, "b": 4}}),
        "ballots.stances[0].scores.b",
        "Scores go from 0 to 3.",
        id="score-over-custom-max",
    ),
    pytest.param(
        {"method": "score"},
        with_options({"unit": "u1", "scores": {"a": -1}}),
        "ballots.stances[0].scores.a",
        "Give a whole number of 0 or more.",
        id="score-negative",
    ),
    pytest.param(
        {"method": "score"},
        with_options({"unit": "u1", "scores": {"a": 2.5}}),
        "ballots.stances[0].scores.a",
        "Give a whole number of 0 or more.",
        id="score-fraction",
    ),
    pytest.param(
        {"method": "score"},
        with_options({"unit": "u1", "scores": {"z": 1}}),
        "ballots.stances[0].scores.z",
        "'z' is not one of the options: 'a', 'b'.",
        id="score-unknown-option",
    ),
    pytest.param(
        {"method": "score"},
        with_options({"unit": "u1", "scores": [5, 0]}),
        "ballots.stances[0].scores",
        "Give an object from option name to a whole number.",
        id="scores-not-object",
    ),
    pytest.param(
        {"method": "dots", "dots": 8},
        with_options({"unit": "u1", "dots": {"a": 5, "b": 4}}),
        "ballots.stances[0].dots",
        "Spread at most 8 dots (this stance spreads 9).",
        id="dots-over-limit",
    ),
    pytest.param(
        {"method": "dots"},
        with_options({"unit": "u1", "dots": {"a": True}}),
        "ballots.stances[0].dots.a",
        "Give a whole number of 0 or more.",
        id="dots-bool",
    ),
    pytest.param(
        {"method": "dots"},
        with_options({"unit": "u1", "dots": {"a": 2, "c": 1}}),
        "ballots.stances[0].dots.c",
        "'c' is not one of the options: 'a', 'b'.",
        id="dots-unknown-option",
    ),
    # --- the rule that decides the round is the one that checks -------------------------------------------------------
    pytest.param(
        {**MAJORITY, "fallback": {"after_failed_rounds": 2, "rule": CONSENSUS}},
        ballots({"unit": "u1", "position": "stand_aside"}, failed_rounds=1),
        "ballots.stances[0].position",
        'Position \'stand_aside\' is not accepted by the majority method: use "agree", "disagree", "abstain".',
        id="main-rule-checks-before-fallback",
    ),
    pytest.param(
        {**MAJORITY, "fallback": {"after_failed_rounds": 2, "rule": CONSENSUS}},
        ballots({"unit": "u1", "position": "disagree"}, failed_rounds=2),
        "ballots.stances[0].position",
        'Position \'disagree\' is not accepted by the consensus method: use "agree", "stand_aside", "abstain", "block".',
        id="fallback-rule-checks-after",
    ),
]


@pytest.mark.parametrize(("rule", "data", "path", "message"), MALFORMED)
def test_malformed_ballots_name_the_field(rule: dict[str, Any], data: object, path: str, message: str) -> None:
    with pytest.raises(GovernanceError) as refusal:
        parse_ballots(data, rule=parse_rule(rule))
    assert refusal.value.path == path
    assert refusal.value.message == message


def test_well_formed_ballots_read_as_given() -> None:
    rule = parse_rule(
        {"method": "consensus", "weighting": "custom", "fallback": {"after_failed_rounds": 2, "rule": MAJORITY}}
    )
    read = parse_ballots(
        {
            "eligible": [{"unit": "g1", "size": 40, "weight": "2/3"}, {"unit": "g2", "weight": 1.5}],
            "failed_rounds": 1,
            "stances": [
                {"unit": "g1", "position": "block", "reason": REASON},
                {"unit": "g2", "position": "stand_aside"},
                {"unit": "g1", "position": "agree"},
            ],
        },
        rule=rule,
    )
    assert read.eligible == (Unit("g1", 40, Fraction(2, 3)), Unit("g2", 1, Fraction(3, 2)))
    assert read.options == ()
    assert read.failed_rounds == 1
    assert read.stances == (
        Stance("g1", position="block", reason=REASON),
        Stance("g2", position="stand_aside"),
        Stance("g1", position="agree"),
    )
    # The same ballots two failed rounds in: the majority fallback decides, and it takes no stand aside.
    with pytest.raises(GovernanceError) as refusal:
        parse_ballots(
            {"eligible": [{"unit": "g1"}], "failed_rounds": 2, "stances": [{"unit": "g1", "position": "stand_aside"}]},
            rule=rule,
        )
    assert refusal.value.path == "ballots.stances[0].position"


def test_option_ballots_read_as_given() -> None:
    read = parse_ballots(
        {
            "eligible": TWO,
            "options": ["a", "b", "c"],
            "stances": [
                {"unit": "u1", "dots": {"a": 3, "c": 0}},
                {"unit": "u2", "position": "abstain"},
            ],
        },
        rule=parse_rule({"method": "dots", "dots": 3}),
    )
    assert read.options == ("a", "b", "c")
    assert read.stances == (Stance("u1", dots={"a": 3, "c": 0}), Stance("u2", position="abstain"))


@pytest.mark.parametrize(
    ("rule", "stance"),
    [
        (MAJORITY, Stance("u", position="abstain")),
        ({**MAJORITY, "blocks_allowed": 1}, Stance("u", position="block", reason=REASON)),
        (CONSENSUS, Stance("u", position="stand_aside")),
        (FIST, Stance("u", score=5)),
        (FIST, Stance("u", score=0, reason=REASON)),
        (FIST, Stance("u", position="abstain")),
        ({**FIST, "fist_to_five": {"block_at_or_below": None}}, Stance("u", score=0)),
        ({"method": "approval"}, Stance("u", approve=())),
        ({"method": "score"}, Stance("u", scores={"a": 5, "b": 0})),
        ({"method": "dots", "dots": 3}, Stance("u", dots={"a": 3})),
        (IRV, Stance("u", ranking=("b",))),
        ({"method": "ranked_schulze"}, Stance("u", position="abstain")),
    ],
    ids=[
        "abstain",
        "block-allowed",
        "stand-aside",
        "fist-5",
        "fist-0-with-reason",
        "fist-abstain",
        "fist-0-when-nothing-blocks",
        "approve-nothing",
        "scores",
        "dots-at-limit",
        "partial-ranking",
        "ranked-abstain",
    ],
)
def test_acceptable_stances_pass_the_check(rule: dict[str, Any], stance: Stance) -> None:
    assert check_stance(parse_rule(rule), stance, options=OPTIONS) is None


def test_check_stance_names_the_field_under_the_callers_path() -> None:
    rule = parse_rule(MAJORITY)
    with pytest.raises(GovernanceError) as refusal:
        check_stance(rule, Stance("u1", position="maybe"))
    assert refusal.value.path == "stance.position"
    assert refusal.value.message == (
        'Position \'maybe\' is not accepted by the majority method: use "agree", "disagree", "abstain".'
    )
    with pytest.raises(GovernanceError) as refusal:
        check_stance(parse_rule(IRV), Stance("u1", ranking=("a", "q")), options=OPTIONS, path="form")
    assert refusal.value.path == "form.ranking[1]"
    with pytest.raises(GovernanceError) as refusal:
        check_stance(parse_rule(IRV), Stance("u1", ranking=("a",)))
    assert refusal.value.message == "'a' is not one of the options: (none are set)."


# --- tally() and tally_totals() refuse what they cannot count ----------------------------------------------------------


@pytest.mark.parametrize("checked", [False, True], ids=["unchecked", "checked"])
def test_tally_refuses_a_stance_from_a_unit_not_eligible(checked: bool) -> None:
    # Even stances checked when recorded are refused by name, not with a KeyError, if their unit is not eligible.
    for rule, stance, options in [
        (MAJORITY, Stance("zz", position="agree"), ()),
        (IRV, Stance("zz", ranking=("a",)), ("a", "b")),
    ]:
        with pytest.raises(GovernanceError) as refusal:
            tally(
                parse_rule(rule),
                eligible=[Unit("u1")],
                stances=[Stance("u1", position="abstain"), stance],
                options=options,
                checked=checked,
            )
        assert refusal.value.path == "stances[1].unit"
        assert refusal.value.message == "'zz' is not among the eligible units."


@pytest.mark.parametrize(
    ("rule", "eligible", "stances", "options", "path", "message"),
    [
        pytest.param(MAJORITY, [], [], (), "eligible", "There must be at least one eligible unit.", id="no-eligible"),
        pytest.param(
            MAJORITY,
            [Unit("u1"), Unit("u1")],
            [],
            (),
            "eligible",
            "Each eligible unit must be listed once.",
            id="duplicate-eligible",
        ),
        pytest.param(
            MAJORITY,
            [Unit("u1")],
            [Stance("u1", position="stand_aside")],
            (),
            "stances[0].position",
            'Position \'stand_aside\' is not accepted by the majority method: use "agree", "disagree", "abstain".',
            id="unchecked-stance",
        ),
        pytest.param(
            {"method": "approval"},
            [Unit("u1")],
            [],
            ("a",),
            "options",
            "The approval method chooses between options: list at least two.",
            id="one-option",
        ),
        pytest.param(
            {**MAJORITY, "weighting": "custom"},
            [Unit("u1", weight=Fraction(2)), Unit("u2")],
            [],
            (),
            "eligible.weight",
            "Custom weighting needs a weight for 'u2'.",
            id="custom-weight-missing",
        ),
    ],
)
def test_tally_refuses(
    rule: dict[str, Any], eligible: list[Unit], stances: list[Stance], options: tuple[str, ...], path: str, message: str
) -> None:
    with pytest.raises(GovernanceError) as refusal:
        tally(parse_rule(rule), eligible=eligible, stances=stances, options=options)
    assert (refusal.value.path, refusal.value.message) == (path, message)


def test_tally_totals_refuses_option_methods_and_empty_rounds() -> None:
    with pytest.raises(GovernanceError) as refusal:
        tally_totals(parse_rule({"method": "approval"}), Totals(eligible_units=3, eligible_weight=Fraction(3)))
    assert (refusal.value.path, refusal.value.message) == (
        "rule.method",
        "The approval method needs every ballot, not totals.",
    )
    # A round with no eligible unit is refused whichever rule applies.
    rule = parse_rule({**MAJORITY, "fallback": {"after_failed_rounds": 1, "rule": {**MAJORITY, "base": "cast"}}})
    with pytest.raises(GovernanceError) as refusal:
        tally_totals(rule, Totals(eligible_units=0, eligible_weight=Fraction(0)), failed_rounds=1)
    assert (refusal.value.path, refusal.value.message) == ("eligible", "There must be at least one eligible unit.")
