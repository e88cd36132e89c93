"""Bad input, nothing stored: every malformed rule, proposal and stance is refused with a message that says what
to change and names the field at fault (the kernel's path, such as `rule.fallback.rule.threshold`), and no row is
written."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accord.accounts.actions import create_user
from accord.decisions import actions
from accord.errors import Conflict, Invalid, NotAllowed

from .conftest import (
    NOT_ELIGIBLE,
    REASON,
    World,
    add_kind,
    current_round,
    in_days,
    join_group,
    open_proposal,
    snapshot,
    travel,
)

METHODS = '"majority", "supermajority", "consensus", "fist_to_five", "approval", "score", "dots", "ranked_irv", "ranked_schulze"'

BAD_RULES: list[tuple[Any, str, str]] = [
    ("not a rule", "rule", 'Give the rule as a JSON object, like {"method": "majority"}.'),
    ({}, "rule.method", f"Say which method decides: one of {METHODS}."),
    ({"method": "vote"}, "rule.method", f"Unknown method 'vote': use one of {METHODS}."),
    ({"method": "majority", "dots": 5}, "rule.dots", '"dots" does not apply to the majority method; remove it.'),
    (
        {"method": "majority", "colour": "red"},
        "rule.colour",
        'Unknown field "colour"; the majority method takes "base", "blocks_allowed", "blocks_per_units", "fallback", "method", "quorum", "quorum_by", "unit", "weighting".',
    ),
    (
        {"method": "majority", "unit": "households"},
        "rule.unit",
        'Unknown unit \'households\': use one of "people", "groups", "groups_and_individuals".',
    ),
    (
        {"method": "majority", "weighting": "wealth"},
        "rule.weighting",
        'Unknown weighting \'wealth\': use one of "equal", "size", "sqrt_size", "custom".',
    ),
    (
        {"method": "majority", "base": "all"},
        "rule.base",
        'Unknown base \'all\': use one of "decided", "cast", "eligible".',
    ),
    ({"method": "supermajority"}, "rule.threshold", 'A super-majority needs a threshold, like "2/3" or "0.9".'),
    (
        {"method": "supermajority", "threshold": "1/2"},
        "rule.threshold",
        "A super-majority threshold must be more than one half and at most 1 (it is 50%); for one half use the majority method.",
    ),
    (
        {"method": "supermajority", "threshold": "most"},
        "rule.threshold",
        'Give the threshold as a fraction like "2/3", a decimal like "0.9" or a percentage like "90%".',
    ),
    ({"method": "supermajority", "threshold": "2/0"}, "rule.threshold", 'The threshold "2/0" divides by zero.'),
    (
        {"method": "supermajority", "threshold": True},
        "rule.threshold",
        'Give the threshold as a fraction like "2/3" or a decimal like "0.9", not true or false.',
    ),
    (
        {"method": "majority", "quorum": 0},
        "rule.quorum",
        'A quorum is a share of eligible units above 0 and at most 1, like "1/2"; for no quorum leave it out.',
    ),
    (
        {"method": "majority", "quorum": "3/2"},
        "rule.quorum",
        'A quorum is a share of eligible units above 0 and at most 1, like "1/2"; for no quorum leave it out.',
    ),
    (
        {"method": "majority", "quorum_by": "weight"},
        "rule.quorum_by",
        '"quorum_by" needs a quorum to apply to; set "quorum" or remove it.',
    ),
    (
        {"method": "majority", "quorum": "1/2", "quorum_by": "wealth"},
        "rule.quorum_by",
        'Unknown quorum_by \'wealth\': use one of "count", "weight".',
    ),
    (
        {"method": "consensus", "blocks_allowed": 1, "blocks_per_units": 12},
        "rule.blocks_per_units",
        'Set either a fixed number of blocks ("blocks_allowed") or one block per so many units ("blocks_per_units"), not both.',
    ),
    (
        {"method": "consensus", "blocks_allowed": -1},
        "rule.blocks_allowed",
        "The number of blocks allowed must be at least 0.",
    ),
    (
        {"method": "consensus", "blocks_allowed": 1.5},
        "rule.blocks_allowed",
        "Give the number of blocks allowed as a whole number.",
    ),
    (
        {"method": "consensus", "blocks_per_units": 0},
        "rule.blocks_per_units",
        "The number of units per allowed block must be at least 1.",
    ),
    (
        {"method": "consensus", "max_stand_asides": "two"},
        "rule.max_stand_asides",
        "Give the most stand asides as a whole number.",
    ),
    (
        {"method": "fist_to_five", "fist_to_five": 3},
        "rule.fist_to_five",
        'Give the fist-to-five levels as {"block_at_or_below": 0, "concern_at_or_below": 2, "max_concerns": 0}.',
    ),
    (
        {"method": "fist_to_five", "fist_to_five": {"hands": 2}},
        "rule.fist_to_five.hands",
        'Unknown field "hands"; fist-to-five takes "block_at_or_below", "concern_at_or_below", "max_concerns".',
    ),
    (
        {"method": "fist_to_five", "fist_to_five": {"block_at_or_below": 5}},
        "rule.fist_to_five.block_at_or_below",
        "The block level must be below 5, or every score would block.",
    ),
    (
        {"method": "fist_to_five", "fist_to_five": {"block_at_or_below": 2, "concern_at_or_below": 1}},
        "rule.fist_to_five.concern_at_or_below",
        "The concern level (1) must be at or above the block level (2).",
    ),
    (
        {"method": "fist_to_five", "fist_to_five": {"concern_at_or_below": 5}},
        "rule.fist_to_five.concern_at_or_below",
        "The concern level must be below 5, or no score would support.",
    ),
    ({"method": "dots", "dots": 0}, "rule.dots", "The number of dots must be at least 1."),
    ({"method": "score", "max_score": 2000000}, "rule.max_score", "The highest score must be at most 1,000,000."),
    (
        {"method": "consensus", "fallback": 3},
        "rule.fallback",
        'Give the fallback as {"after_failed_rounds": 3, "rule": {...}}.',
    ),
    (
        {"method": "consensus", "fallback": {"after_failed_rounds": 2, "rule": {"method": "majority"}, "then": 1}},
        "rule.fallback.then",
        'Unknown field "then"; a fallback takes "after_failed_rounds" and "rule".',
    ),
    (
        {"method": "consensus", "fallback": {"rule": {"method": "majority"}}},
        "rule.fallback.after_failed_rounds",
        "Say after how many failed rounds the fallback applies.",
    ),
    (
        {"method": "consensus", "fallback": {"after_failed_rounds": 2}},
        "rule.fallback.rule",
        "Give the rule that applies after the failed rounds.",
    ),
    (
        {"method": "consensus", "fallback": {"after_failed_rounds": 0, "rule": {"method": "majority"}}},
        "rule.fallback.after_failed_rounds",
        "The number of failed rounds must be at least 1.",
    ),
    (
        {
            "method": "consensus",
            "fallback": {"after_failed_rounds": 2, "rule": {"method": "supermajority", "threshold": "1/3"}},
        },
        "rule.fallback.rule.threshold",
        "A super-majority threshold must be more than one half and at most 1 (it is 33.3%); for one half use the majority method.",
    ),
    (
        {"method": "consensus", "fallback": {"after_failed_rounds": 2, "rule": {"method": "approval"}}},
        "rule.fallback.rule.method",
        "The fallback must also accept or refuse one proposal, since the ballots of a round are the same kind.",
    ),
    (
        {
            "method": "consensus",
            "fallback": {
                "after_failed_rounds": 2,
                "rule": {
                    "method": "supermajority",
                    "threshold": "3/4",
                    "fallback": {"after_failed_rounds": 2, "rule": {"method": "majority"}},
                },
            },
        },
        "rule.fallback.rule.fallback.after_failed_rounds",
        "This fallback must wait for more failed rounds than the one before it (2).",
    ),
]


@pytest.mark.parametrize(
    ("rule", "field", "message"), BAD_RULES, ids=[row[1] + ":" + str(index) for index, row in enumerate(BAD_RULES)]
)
def test_a_malformed_rule_is_refused_at_its_path(world: World, rule: Any, field: str, message: str) -> None:
    before = snapshot()
    with pytest.raises(Invalid) as refusal:
        actions.set_decision_kind(
            actor=world.coordinator, coalition=world.coalition, key="treasury", name="Treasury", rule=rule
        )
    assert (refusal.value.field, refusal.value.message) == (field, message)
    with pytest.raises(Invalid) as change_refused:
        actions.set_decision_kind(
            actor=world.coordinator,
            coalition=world.coalition,
            kind=world.kind("meeting_conduct"),
            name="Meeting conduct",
            rule=rule,
        )
    assert (change_refused.value.field, change_refused.value.message) == (field, message)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("arguments", "field", "message"),
    [
        ({"name": "  "}, "name", "Enter a name."),
        ({"name": "N" * 201}, "name", "Shorten a name to 200 characters or fewer (it has 201)."),
        (
            {"description": "D" * 2001},
            "description",
            "Shorten the description to 2000 characters or fewer (it has 2001).",
        ),
        ({"scope": "everyone"}, "scope", "Choose who decides: the whole coalition, or the member groups it affects."),
        (
            {"key": "meeting-conduct"},
            "key",
            "There is already a decision kind with the key 'meeting_conduct'; choose another.",
        ),
        ({"key": "!!!"}, "key", "Give a key made of letters or digits, like budget."),
    ],
)
def test_a_decision_kind_with_bad_fields_is_refused(
    world: World, arguments: dict[str, Any], field: str, message: str
) -> None:
    values = {"key": "treasury", "name": "Treasury", "rule": {"method": "majority"}, **arguments}
    before = snapshot()
    with pytest.raises(Invalid) as refusal:
        actions.set_decision_kind(actor=world.coordinator, coalition=world.coalition, **values)
    assert (refusal.value.field, refusal.value.message) == (field, message)
    assert snapshot() == before


def test_adopting_the_defaults_twice_is_a_conflict(world: World) -> None:
    before = snapshot()
    with pytest.raises(Conflict) as refusal:
        actions.adopt_default_decision_kinds(actor=world.coordinator, coalition=world.coalition)
    assert refusal.value.message == "This coalition already has decision kinds; change them one by one."
    assert snapshot() == before


@pytest.mark.parametrize(
    ("weight", "message"),
    [
        ("heavy", 'Give the weight as a fraction like "2/3", a decimal like "0.9" or a percentage like "90%".'),
        ("1/0", 'The weight "1/0" divides by zero.'),
        (True, 'Give the weight as a fraction like "2/3" or a decimal like "0.9", not true or false.'),
        (0, "A weight must be more than 0."),
        ("1000001", "A weight must be at most 1,000,000."),
        (-2, "A weight must be more than 0."),
        ("-2", 'Give the weight as a fraction like "2/3", a decimal like "0.9" or a percentage like "90%".'),
    ],
)
def test_a_bad_agreed_weight_is_refused(world: World, weight: Any, message: str) -> None:
    before = snapshot()
    with pytest.raises(Invalid) as refusal:
        actions.set_agreed_weight(actor=world.coordinator, member_group=world.group, weight=weight)
    assert (refusal.value.field, refusal.value.message) == ("weight", message)
    assert snapshot() == before


# --- proposals ------------------------------------------------------------------------------------------------------


def _bad_proposals(world: World) -> list[tuple[str, dict[str, Any], str, str]]:
    """(case, arguments to open_proposal, field, message)"""
    now = timezone.now()
    london = ZoneInfo("Europe/London")
    affected = world.kind("affected_groups")
    options_kind = "choose_between_options"
    return [
        ("empty title", {"title": "   "}, "title", "Enter a title."),
        ("long title", {"title": "T" * 201}, "title", "Shorten a title to 200 characters or fewer (it has 201)."),
        ("title not text", {"title": 12}, "title", "Enter a title as text."),
        ("NUL in title", {"title": "A\x00B"}, "title", "Remove the invisible NUL characters from a title."),
        ("empty text", {"text": ""}, "text", "Enter the proposal's text."),
        (
            "long text",
            {"text": "x" * 20001},
            "text",
            "Shorten the proposal's text to 20000 characters or fewer (it has 20001).",
        ),
        (
            "kind of another coalition",
            {"kind": world.kind("meeting_conduct", coalition=world.elsewhere)},
            "kind",
            "Choose a decision kind of this coalition.",
        ),
        ("no kind", {"kind": None}, "kind", "Choose a decision kind of this coalition."),
        (
            "options on a kind without options",
            {"options": ["Tuesday", "Thursday"]},
            "options",
            "This kind of decision accepts or refuses one proposal, so it takes no options; choose a kind that "
            "chooses between options, or remove them.",
        ),
        (
            "one option",
            {"kind": options_kind, "options": ["Tuesday", " "]},
            "options",
            "This kind of decision chooses between options: give at least two.",
        ),
        (
            "no options",
            {"kind": options_kind},
            "options",
            "This kind of decision chooses between options: give at least two.",
        ),
        (
            "duplicate options",
            {"kind": options_kind, "options": ["Tuesday", "Thursday", " tuesday "]},
            "options[2]",
            "The option 'tuesday' is listed twice.",
        ),
        (
            "too many options",
            {"kind": options_kind, "options": [f"Day {n}" for n in range(21)]},
            "options",
            "Give at most 20 options.",
        ),
        (
            "options as text",
            {"kind": options_kind, "options": "Tuesday, Thursday"},
            "options",
            "Give the options as a list.",
        ),
        (
            "an option not text",
            {"kind": options_kind, "options": ["Tuesday", 7]},
            "options[1]",
            "Enter each option as text.",
        ),
        (
            "a long option",
            {"kind": options_kind, "options": ["Tuesday", "O" * 201]},
            "options[1]",
            "Shorten each option to 200 characters or fewer (it has 201).",
        ),
        (
            "scope groups for a coalition kind",
            {"scope_groups": [world.group]},
            "scope_groups",
            "Meeting conduct is decided by the whole coalition, so it takes no list of affected groups.",
        ),
        (
            "no scope groups for an affected kind",
            {"kind": affected},
            "scope_groups",
            "Matters for the groups they affect is decided by the member groups it affects: choose at least one.",
        ),
        (
            "another coalition's group",
            {"kind": affected, "scope_groups": [world.group, world.elsewhere_group]},
            "scope_groups",
            "Choose only current member groups of this coalition.",
        ),
        (
            "an unknown group id",
            {"kind": affected, "scope_groups": [987654]},
            "scope_groups",
            "Choose only current member groups of this coalition.",
        ),
        (
            "closing in the past",
            {"closes_at": now - timedelta(hours=1)},
            "closes_at",
            "Choose a closing time after the opening time, leaving people time to respond.",
        ),
        (
            "closing now",
            {"closes_at": now},
            "closes_at",
            "Choose a closing time after the opening time, leaving people time to respond.",
        ),
        (
            "closing without a time zone",
            {"closes_at": (now + timedelta(days=1)).replace(tzinfo=None)},
            "closes_at",
            "Give the closing time with its time zone.",
        ),
        ("closing as text", {"closes_at": "next Tuesday"}, "closes_at", "Give the closing time as a date and time."),
        (
            "closing before opening",
            {"opens_at": now + timedelta(days=3), "closes_at": now + timedelta(days=2)},
            "closes_at",
            "Choose a closing time after the opening time, leaving people time to respond.",
        ),
        (
            "closing over a year after opening",
            {"closes_at": now + timedelta(days=367)},
            "closes_at",
            "Close it within a year of opening.",
        ),
        (
            "closing over a year after a later opening",
            {"opens_at": now + timedelta(days=30), "closes_at": now + timedelta(days=30 + 367)},
            "closes_at",
            "Close it within a year of opening.",
        ),
        (
            "opening in the past",
            {"opens_at": now - timedelta(hours=1)},
            "opens_at",
            "The opening time has passed; choose a time from now on, or leave it empty to open now.",
        ),
        (
            "opening over a year ahead",
            {"opens_at": now + timedelta(days=400), "closes_at": now + timedelta(days=401)},
            "opens_at",
            "Open it within a year.",
        ),
        (
            "opening without a time zone",
            {"opens_at": (now + timedelta(days=1)).replace(tzinfo=None)},
            "opens_at",
            "Give the opening time with its time zone.",
        ),
        (
            "opening in another zone, naive closing",
            {"opens_at": (now + timedelta(days=1)).astimezone(london), "closes_at": now.replace(tzinfo=None)},
            "closes_at",
            "Give the closing time with its time zone.",
        ),
        (
            "a facilitator who left",
            {"facilitators": [world.person(world.former)]},
            "facilitators",
            "Choose facilitators among the coalition's current members.",
        ),
        (
            "a facilitator from elsewhere",
            {"facilitators": [world.person(world.facilitator), _elsewhere_person(world)]},
            "facilitators",
            "Choose facilitators among the coalition's current members.",
        ),
        (
            "results visibility",
            {"results_visibility": "never"},
            "results_visibility",
            "Choose whether results show live or only after closing.",
        ),
        (
            "stance visibility",
            {"stance_visibility": "hidden"},
            "stance_visibility",
            "Choose whether stances are open or secret.",
        ),
    ]


def _elsewhere_person(world: World) -> Any:
    from accord.coalitions.models import Person

    return Person.objects.get(coalition=world.elsewhere, user=world.elsewhere_owner)


BAD_PROPOSAL_CASES = [
    "empty title",
    "long title",
    "title not text",
    "NUL in title",
    "empty text",
    "long text",
    "kind of another coalition",
    "no kind",
    "options on a kind without options",
    "one option",
    "no options",
    "duplicate options",
    "too many options",
    "options as text",
    "an option not text",
    "a long option",
    "scope groups for a coalition kind",
    "no scope groups for an affected kind",
    "another coalition's group",
    "an unknown group id",
    "closing in the past",
    "closing now",
    "closing without a time zone",
    "closing as text",
    "closing before opening",
    "closing over a year after opening",
    "closing over a year after a later opening",
    "opening in the past",
    "opening over a year ahead",
    "opening without a time zone",
    "opening in another zone, naive closing",
    "a facilitator who left",
    "a facilitator from elsewhere",
    "results visibility",
    "stance visibility",
]


@pytest.mark.parametrize("case", BAD_PROPOSAL_CASES)
def test_a_bad_proposal_is_refused_and_nothing_is_stored(world: World, case: str) -> None:
    cases = {name: (arguments, field, message) for name, arguments, field, message in _bad_proposals(world)}
    assert sorted(cases) == sorted(BAD_PROPOSAL_CASES)
    arguments, field, message = cases[case]
    before = snapshot()
    with pytest.raises(Invalid) as refusal:
        if "kind" in arguments and arguments["kind"] is None:
            arguments = {key: value for key, value in arguments.items() if key != "kind"}
            actions.open_proposal(
                actor=world.member,
                coalition=world.coalition,
                kind=None,
                title="T",
                text="T",
                closes_at=in_days(7),
                **arguments,
            )
        else:
            open_proposal(world, **arguments)
    assert (refusal.value.field, refusal.value.message) == (field, message)
    assert snapshot() == before


def test_a_kind_no_one_can_take_part_in_cannot_open(world: World) -> None:
    """A kind counted by member groups, in a coalition that has no member group yet, has no one to decide."""
    owner = world.elsewhere_owner
    empty = actions.found_coalition(actor=owner, name="Empty Hall", purpose="Nothing yet")
    from accord.decisions.models import DecisionKind

    before = snapshot()
    with pytest.raises(Invalid) as refusal:
        actions.open_proposal(
            actor=owner,
            coalition=empty,
            kind=DecisionKind.objects.get(coalition=empty, key="name_and_shared_accounts"),
            title="Rename",
            text="Rename us",
            closes_at=in_days(3),
        )
    assert (refusal.value.field, refusal.value.message) == (
        "kind",
        "No member groups can take part in this decision yet, so it cannot open.",
    )
    assert snapshot() == before


# --- stances --------------------------------------------------------------------------------------------------------


def _kinds(world: World) -> dict[str, Any]:
    return {
        "majority": world.kind("meeting_conduct"),
        "consensus": add_kind(world, "room_consensus", {"method": "consensus"}),
        "fist": add_kind(world, "fist", {"method": "fist_to_five"}),
        "ranked": world.kind("choose_between_options"),
        "dots": add_kind(world, "dots", {"method": "dots", "dots": 10}),
        "score": add_kind(world, "score", {"method": "score", "max_score": 3}),
    }


OPTIONS = ["Monday", "Tuesday"]
LISTED = "'Monday', 'Tuesday'"

BAD_STANCES: list[tuple[str, str, dict[str, Any], str, str]] = [
    (
        "majority block",
        "majority",
        {"position": "block", "reason": REASON},
        "position",
        "Position 'block' is not accepted by the majority method (this rule allows no blocks): use \"agree\", "
        '"disagree", "abstain".',
    ),
    (
        "majority stand aside",
        "majority",
        {"position": "stand_aside"},
        "position",
        'Position \'stand_aside\' is not accepted by the majority method: use "agree", "disagree", "abstain".',
    ),
    (
        "consensus disagree",
        "consensus",
        {"position": "disagree"},
        "position",
        'Position \'disagree\' is not accepted by the consensus method: use "agree", "stand_aside", "abstain", '
        '"block".',
    ),
    (
        "unknown position",
        "consensus",
        {"position": "maybe"},
        "position",
        'Position \'maybe\' is not accepted by the consensus method: use "agree", "stand_aside", "abstain", "block".',
    ),
    ("position not text", "majority", {"position": 1}, "position", "Give the position as text, like agree."),
    ("nothing given", "majority", {}, "position", 'Give a position ("position") for the majority method.'),
    (
        "block without reason",
        "consensus",
        {"position": "block", "reason": "   "},
        "reason",
        "A block: say why, so the others can try to meet the concern.",
    ),
    (
        "score on a position method",
        "majority",
        {"score": 3},
        "score",
        'The majority method takes a position ("position"), not a score from 0 to 5.',
    ),
    ("fist score too high", "fist", {"score": 6}, "score", "Give a whole-number score from 0 to 5."),
    ("fist score negative", "fist", {"score": -1}, "score", "Give a whole-number score from 0 to 5."),
    ("fist score as text", "fist", {"score": "4"}, "score", "Give a whole-number score from 0 to 5."),
    ("fist score true", "fist", {"score": True}, "score", "Give a whole-number score from 0 to 5."),
    (
        "fist block without reason",
        "fist",
        {"score": 0},
        "reason",
        "A score of 0 is a block: say why, so the others can try to meet the concern.",
    ),
    (
        "fist position agree",
        "fist",
        {"position": "agree"},
        "position",
        'The fist_to_five method takes a score from 0 to 5 ("score"), or the position "abstain".',
    ),
    (
        "ranking an unknown option",
        "ranked",
        {"ranking": ["Monday", "Friday"]},
        "ranking[1]",
        f"'Friday' is not one of the options: {LISTED}.",
    ),
    (
        "ranking an option twice",
        "ranked",
        {"ranking": ["Monday", "Monday"]},
        "ranking[1]",
        "'Monday' appears twice; list each option once.",
    ),
    ("empty ranking", "ranked", {"ranking": []}, "ranking", "Rank at least one option, or abstain."),
    ("ranking as text", "ranked", {"ranking": "Monday"}, "ranking", "Give a list of options."),
    (
        "both position and ranking",
        "ranked",
        {"position": "agree", "ranking": ["Monday"]},
        "ranking",
        "Give only one of position, ranking; the ranked_irv method takes a ranking of options.",
    ),
    (
        "both ranking and dots",
        "ranked",
        {"ranking": ["Monday"], "dots": {"Monday": 1}},
        "dots",
        "Give only one of ranking, dots.",
    ),
    (
        "approve on a ranked method",
        "ranked",
        {"approve": ["Monday"]},
        "approve",
        'The ranked_irv method takes a ranking of options ("ranking"), not a list of approved options.',
    ),
    (
        "dots over the limit",
        "dots",
        {"dots": {"Monday": 6, "Tuesday": 5}},
        "dots",
        "Spread at most 10 dots (this stance spreads 11).",
    ),
    (
        "dots on an unknown option",
        "dots",
        {"dots": {"Sunday": 1}},
        "dots.Sunday",
        f"'Sunday' is not one of the options: {LISTED}.",
    ),
    ("negative dots", "dots", {"dots": {"Monday": -1}}, "dots.Monday", "Give a whole number of 0 or more."),
    ("dots as a list", "dots", {"dots": ["Monday"]}, "dots", "Give a number for each option."),
    ("score above the highest", "score", {"scores": {"Monday": 4}}, "scores.Monday", "Scores go from 0 to 3."),
    ("score as text", "score", {"scores": {"Monday": "3"}}, "scores.Monday", "Give a whole number of 0 or more."),
    (
        "reason too long",
        "majority",
        {"position": "agree", "reason": "r" * 4001},
        "reason",
        "Shorten the reason to 4000 characters or fewer (it has 4001).",
    ),
    (
        "unit that is not eligible",
        "majority",
        {"position": "agree", "unit_key": "p987654"},
        "unit",
        "'p987654' is not eligible in this round.",
    ),
]


@pytest.mark.parametrize(
    ("case", "kind", "arguments", "field", "message"), BAD_STANCES, ids=[row[0] for row in BAD_STANCES]
)
def test_a_bad_stance_is_refused_and_nothing_is_stored(
    world: World, case: str, kind: str, arguments: dict[str, Any], field: str, message: str
) -> None:
    chosen = _kinds(world)[kind]
    options = OPTIONS if chosen.rule["method"] in ("ranked_irv", "dots", "score") else None
    proposal = open_proposal(world, kind=chosen, options=options)
    before = snapshot()
    with pytest.raises(Invalid) as refusal:
        actions.record_stance(actor=world.coordinator, proposal=proposal, **arguments)
    assert (refusal.value.field, refusal.value.message) == (field, message)
    assert snapshot() == before


def test_a_stance_before_opening_after_closing_or_on_a_withdrawn_proposal_is_a_conflict(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    opens = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    later = open_proposal(world, opens_at=opens, closes_at=opens + timedelta(days=2))
    soon = open_proposal(world, title="Meet on Fridays", closes_at=timezone.now() + timedelta(minutes=10))
    withdrawn = open_proposal(world, title="Meet on Sundays")
    actions.withdraw_proposal(actor=world.member, proposal=withdrawn)
    closes = current_round(soon).closes_at
    before = snapshot()
    with pytest.raises(Conflict) as early:
        actions.record_stance(actor=world.member, proposal=later, position="agree")
    assert early.value.message == f"This round opens at {opens:%Y-%m-%d %H:%M} UTC."
    with travel(monkeypatch, closes), pytest.raises(Conflict) as late:
        actions.record_stance(actor=world.member, proposal=soon, position="agree")
    assert late.value.message == (f"This round closed at {closes:%Y-%m-%d %H:%M} UTC; the outcome is being counted.")
    withdrawn.refresh_from_db()
    with pytest.raises(Conflict) as gone:
        actions.record_stance(actor=world.member, proposal=withdrawn, position="agree")
    assert gone.value.message == "This proposal is withdrawn; stances can no longer change."
    assert snapshot() == before


def test_someone_who_joined_after_opening_is_not_eligible(world: World) -> None:
    proposal = open_proposal(world)
    newcomer = create_user(email="nia@example.org", password=None, name="Nia")
    join_group(world.coordinator, newcomer, world.group)
    before = snapshot()
    with pytest.raises(NotAllowed) as refusal:
        actions.record_stance(actor=newcomer, proposal=proposal, position="agree")
    assert refusal.value.message == NOT_ELIGIBLE
    assert snapshot() == before
