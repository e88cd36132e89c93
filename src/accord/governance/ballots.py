"""Eligible units and stances: their JSON form for the simulator, and the check every stance passes.

The same `check_stance` guards the simulator and the application's stance recording, so a stance that could not
be counted is refused when it is given, not when the round closes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .errors import GovernanceError
from .numbers import check_weight, parse_fraction
from .rules import FIST_MAX, Rule

REASON_MAX = 4000
OPTION_MAX = 200
UNIT_ID_MAX = 200


@dataclass(frozen=True, slots=True)
class Unit:
    """One eligible unit: a person, a member group, or an individual member; `weight` is for custom weighting."""

    id: str
    size: int = 1
    weight: Fraction | None = None


@dataclass(frozen=True, slots=True)
class Stance:
    """One unit's response. Exactly one of position / score / ranking / approve / scores / dots is given,
    except that any method also takes the position "abstain" (took part, no preference)."""

    unit: str
    position: str | None = None
    reason: str = ""
    score: int | None = None
    ranking: tuple[str, ...] | None = None
    approve: tuple[str, ...] | None = None
    scores: Mapping[str, int] | None = None
    dots: Mapping[str, int] | None = None


@dataclass(frozen=True, slots=True)
class Ballots:
    eligible: tuple[Unit, ...]
    options: tuple[str, ...]
    failed_rounds: int
    stances: tuple[Stance, ...]


_STANCE_FIELDS = ("position", "score", "ranking", "approve", "scores", "dots")
_FIELD_FOR_METHOD = {
    "majority": "position",
    "supermajority": "position",
    "consensus": "position",
    "fist_to_five": "score",
    "approval": "approve",
    "score": "scores",
    "dots": "dots",
    "ranked_irv": "ranking",
    "ranked_schulze": "ranking",
}
_WHAT_FIELD_MEANS = {
    "position": "a position",
    "score": "a score from 0 to 5",
    "ranking": "a ranking of options",
    "approve": "a list of approved options",
    "scores": "scores per option",
    "dots": "dots per option",
}


def expected_field(rule: Rule) -> str:
    return _FIELD_FOR_METHOD[rule.method]


def check_stance(rule: Rule, stance: Stance, *, options: Sequence[str] = (), path: str = "stance") -> None:
    """Refuse a stance the rule cannot count, saying what to give instead."""
    if (
        stance.position in rule.accepted_positions()
        and stance.position != "block"
        and stance.score is None
        and stance.ranking is None
        and stance.approve is None
        and stance.scores is None
        and stance.dots is None
    ):
        return  # the common case, answered without building anything: a plain accepted position
    expected = _FIELD_FOR_METHOD[rule.method]
    given = [name for name in _STANCE_FIELDS if getattr(stance, name) is not None]
    if not given:
        raise GovernanceError(
            f'Give {_WHAT_FIELD_MEANS[expected]} ("{expected}") for the {rule.method} method.',
            path=f"{path}.{expected}",
        )
    if len(given) > 1:
        raise GovernanceError(
            f"Give only one of {', '.join(given)}; the {rule.method} method takes {_WHAT_FIELD_MEANS[expected]}.",
            path=f"{path}.{given[1]}",
        )
    field = given[0]
    if field == "position":
        accepted = rule.accepted_positions()
        if stance.position not in accepted:
            if expected != "position":
                raise GovernanceError(
                    f'The {rule.method} method takes {_WHAT_FIELD_MEANS[expected]} ("{expected}"), or the position "abstain".',
                    path=f"{path}.position",
                )
            allowed = ", ".join(f'"{position}"' for position in accepted)
            extra = ""
            if stance.position == "block" and rule.method in ("majority", "supermajority"):
                extra = " (this rule allows no blocks)"
            raise GovernanceError(
                f"Position {stance.position!r} is not accepted by the {rule.method} method{extra}: use {allowed}.",
                path=f"{path}.position",
            )
        if stance.position == "block":
            _require_reason(stance, path)
        return
    if field != expected:
        raise GovernanceError(
            f'The {rule.method} method takes {_WHAT_FIELD_MEANS[expected]} ("{expected}"), not {_WHAT_FIELD_MEANS[field]}.',
            path=f"{path}.{field}",
        )
    if field == "score":
        score = stance.score
        if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= FIST_MAX:
            raise GovernanceError(f"Give a whole-number score from 0 to {FIST_MAX}.", path=f"{path}.score")
        if score <= rule.fist_to_five.block_at_or_below:
            _require_reason(stance, path, f"A score of {score} is a block")
        return
    known = set(options)
    if field in ("ranking", "approve"):
        chosen = (stance.ranking if field == "ranking" else stance.approve) or ()
        seen: set[str] = set()
        for index, option in enumerate(chosen):
            if option not in known:
                raise GovernanceError(
                    f"{option!r} is not one of the options: {_options(options)}.", path=f"{path}.{field}[{index}]"
                )
            if option in seen:
                raise GovernanceError(
                    f"{option!r} appears twice; list each option once.", path=f"{path}.{field}[{index}]"
                )
            seen.add(option)
        if field == "ranking" and not chosen:
            raise GovernanceError("Rank at least one option, or abstain.", path=f"{path}.ranking")
        return
    given_map = (stance.scores if field == "scores" else stance.dots) or {}
    total = 0
    for option, value in given_map.items():
        if option not in known:
            raise GovernanceError(
                f"{option!r} is not one of the options: {_options(options)}.", path=f"{path}.{field}.{option}"
            )
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise GovernanceError("Give a whole number of 0 or more.", path=f"{path}.{field}.{option}")
        if field == "scores" and value > rule.max_score:
            raise GovernanceError(f"Scores go from 0 to {rule.max_score}.", path=f"{path}.{field}.{option}")
        total += value
    if field == "dots" and total > rule.dots:
        raise GovernanceError(f"Spread at most {rule.dots} dots (this stance spreads {total}).", path=f"{path}.dots")


def _require_reason(stance: Stance, path: str, what: str = "A block") -> None:
    if not stance.reason.strip():
        raise GovernanceError(f"{what}: say why, so the others can try to meet the concern.", path=f"{path}.reason")


def _options(options: Sequence[str]) -> str:
    return ", ".join(repr(option) for option in options) if options else "(none are set)"


# --- the simulator's ballots file ---------------------------------------------------------------------------


def parse_ballots(data: object, *, rule: Rule, path: str = "ballots") -> Ballots:
    """Ballots from the simulator's JSON form, each stance checked against the rule that decides the round."""
    if not isinstance(data, Mapping):
        raise GovernanceError('Give the ballots as a JSON object with "eligible" and "stances".', path=path)
    for key in data:
        if key not in ("eligible", "options", "failed_rounds", "stances"):
            raise GovernanceError(
                f'Unknown field "{key}"; ballots take "eligible", "options", "failed_rounds" and "stances".',
                path=f"{path}.{key}",
            )
    failed_rounds = data.get("failed_rounds", 0)
    if isinstance(failed_rounds, bool) or not isinstance(failed_rounds, int) or failed_rounds < 0:
        raise GovernanceError(
            "Give the number of failed rounds so far as a whole number, 0 or more.", path=f"{path}.failed_rounds"
        )
    applied, _depth = rule.applied(failed_rounds)
    eligible = _eligible(data.get("eligible"), rule=applied, path=f"{path}.eligible")
    options = _option_list(data.get("options", []), rule=applied, path=f"{path}.options")
    raw_stances = data.get("stances", [])
    if not isinstance(raw_stances, list):
        raise GovernanceError("Give the stances as a list, in the order they were given.", path=f"{path}.stances")
    unit_ids = {unit.id for unit in eligible}
    stances = []
    for index, raw in enumerate(raw_stances):
        stance = stance_from_json(raw, path=f"{path}.stances[{index}]")
        if stance.unit not in unit_ids:
            raise GovernanceError(
                f"{stance.unit!r} is not among the eligible units.", path=f"{path}.stances[{index}].unit"
            )
        check_stance(applied, stance, options=options, path=f"{path}.stances[{index}]")
        stances.append(stance)
    return Ballots(tuple(eligible), tuple(options), failed_rounds, tuple(stances))


def _eligible(raw: object, *, rule: Rule, path: str) -> list[Unit]:
    if not isinstance(raw, list) or not raw:
        raise GovernanceError('List the eligible units, like [{"unit": "g1", "size": 40}].', path=path)
    units: list[Unit] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        item_path = f"{path}[{index}]"
        if not isinstance(item, Mapping):
            raise GovernanceError(
                'Give each eligible unit as an object like {"unit": "g1", "size": 40}.', path=item_path
            )
        for key in item:
            if key not in ("unit", "size", "weight"):
                raise GovernanceError(
                    f'Unknown field "{key}"; a unit takes "unit", "size" and "weight".', path=f"{item_path}.{key}"
                )
        unit_id = _unit_id(item.get("unit"), path=f"{item_path}.unit")
        if unit_id in seen:
            raise GovernanceError(f"{unit_id!r} is listed twice.", path=f"{item_path}.unit")
        seen.add(unit_id)
        size = item.get("size", 1)
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise GovernanceError("Give the size as a whole number, 1 or more.", path=f"{item_path}.size")
        weight = None
        if "weight" in item:
            weight = parse_fraction(item["weight"], path=f"{item_path}.weight", what="the weight")
            check_weight(weight, path=f"{item_path}.weight")
        elif rule.weighting == "custom":
            raise GovernanceError("Custom weighting needs a weight for every unit.", path=f"{item_path}.weight")
        units.append(Unit(unit_id, size, weight))
    return units


def _unit_id(value: object, *, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise GovernanceError('Name the unit, like "g1".', path=path)
    if len(value) > UNIT_ID_MAX:
        raise GovernanceError(f"Keep unit names to {UNIT_ID_MAX} characters.", path=path)
    return value


def _option_list(raw: object, *, rule: Rule, path: str) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(option, str) and option.strip() for option in raw):
        raise GovernanceError('Give the options as a list of names, like ["a", "b"].', path=path)
    for index, option in enumerate(raw):
        if len(option) > OPTION_MAX:
            raise GovernanceError(f"Keep option names to {OPTION_MAX} characters.", path=f"{path}[{index}]")
        if raw.index(option) != index:
            raise GovernanceError(f"{option!r} is listed twice.", path=f"{path}[{index}]")
    if rule.takes_options and len(raw) < 2:
        raise GovernanceError(f"The {rule.method} method chooses between options: list at least two.", path=path)
    return list(raw)


def stance_from_json(raw: object, *, path: str) -> Stance:
    """A Stance from its JSON form, types checked; what the rule accepts is check_stance's job."""
    if not isinstance(raw, Mapping):
        raise GovernanceError('Give each stance as an object like {"unit": "g1", "position": "agree"}.', path=path)
    for key in raw:
        if key not in ("unit", *_STANCE_FIELDS, "reason"):
            raise GovernanceError(
                f'Unknown field "{key}"; a stance takes "unit", one of {", ".join(_STANCE_FIELDS)}, and "reason".',
                path=f"{path}.{key}",
            )
    values: dict[str, Any] = {"unit": _unit_id(raw.get("unit"), path=f"{path}.unit")}
    reason = raw.get("reason", "")
    if not isinstance(reason, str):
        raise GovernanceError("Give the reason as text.", path=f"{path}.reason")
    if len(reason) > REASON_MAX:
        raise GovernanceError(f"Shorten the reason to {REASON_MAX} characters or fewer.", path=f"{path}.reason")
    values["reason"] = reason
    if "position" in raw:
        if not isinstance(raw["position"], str):
            raise GovernanceError('Give the position as text, like "agree".', path=f"{path}.position")
        values["position"] = raw["position"]
    if "score" in raw:
        values["score"] = raw["score"]
    for name in ("ranking", "approve"):
        if name in raw:
            if not isinstance(raw[name], list) or not all(isinstance(option, str) for option in raw[name]):
                raise GovernanceError("Give a list of option names.", path=f"{path}.{name}")
            values[name] = tuple(raw[name])
    for name in ("scores", "dots"):
        if name in raw:
            if not isinstance(raw[name], Mapping):
                raise GovernanceError("Give an object from option name to a whole number.", path=f"{path}.{name}")
            values[name] = dict(raw[name])
    return Stance(**values)
