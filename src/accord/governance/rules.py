"""Decision rules: their JSON form, its validation, and the rule in plain words.

The JSON form is the one the constitution stores, exports and imports (see docs/decision-rules.md):

    {"method": "consensus", "unit": "groups", "blocks_per_units": 12, "quorum": "1/2",
     "fallback": {"after_failed_rounds": 3, "rule": {"method": "supermajority", "threshold": "9/10"}}}

Every key a method does not use is refused rather than ignored, so a rule never says more than it does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .errors import GovernanceError
from .numbers import parse_fraction, percent, show_exact, show_share

POSITION_METHODS = ("majority", "supermajority", "consensus")
OPTION_METHODS = ("approval", "score", "dots", "ranked_irv", "ranked_schulze")
METHODS = (*POSITION_METHODS, "fist_to_five", *OPTION_METHODS)
UNITS = ("people", "groups", "groups_and_individuals")
WEIGHTINGS = ("equal", "size", "sqrt_size", "custom")
BASES = ("decided", "cast", "eligible")
QUORUM_BY = ("count", "weight")
POSITIONS = ("agree", "disagree", "abstain", "stand_aside", "block")
FIST_MAX = 5

_COMMON_KEYS = {"method", "unit", "weighting", "quorum", "quorum_by", "fallback"}
_BLOCK_KEYS = {"blocks_allowed", "blocks_per_units"}
_METHOD_KEYS: dict[str, set[str]] = {
    "majority": {"base"} | _BLOCK_KEYS,
    "supermajority": {"base", "threshold"} | _BLOCK_KEYS,
    "consensus": {"max_stand_asides"} | _BLOCK_KEYS,
    "fist_to_five": {"fist_to_five"} | _BLOCK_KEYS,
    "approval": set(),
    "score": {"max_score"},
    "dots": {"dots"},
    "ranked_irv": set(),
    "ranked_schulze": set(),
}
DEFAULT_DOTS = 10
DEFAULT_MAX_SCORE = 5
LIMIT = 1_000_000  # no count in a rule needs to be larger; bigger numbers are typing mistakes


@dataclass(frozen=True, slots=True)
class FistToFive:
    """Where fist-to-five scores turn into blocks and concerns."""

    block_at_or_below: int = 0
    concern_at_or_below: int = 2
    max_concerns: int | None = 0


@dataclass(frozen=True, slots=True)
class Fallback:
    after_failed_rounds: int
    rule: Rule


@dataclass(frozen=True, slots=True)
class Rule:
    method: str
    unit: str = "people"
    weighting: str = "equal"
    base: str = "decided"
    threshold: Fraction | None = None
    quorum: Fraction | None = None
    quorum_by: str = "count"
    blocks_allowed: int | None = None
    blocks_per_units: int | None = None
    max_stand_asides: int | None = None
    fist_to_five: FistToFive = field(default_factory=FistToFive)
    dots: int = DEFAULT_DOTS
    max_score: int = DEFAULT_MAX_SCORE
    fallback: Fallback | None = None
    # Worked out once: a tally asks for it with every stance.
    _accepted: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_accepted", _accepted_positions(self))

    @property
    def takes_options(self) -> bool:
        return self.method in OPTION_METHODS

    @property
    def allows_blocks(self) -> bool:
        return self.method in ("consensus", "fist_to_five") or self.block_allowance_set

    @property
    def block_allowance_set(self) -> bool:
        return self.blocks_allowed is not None or self.blocks_per_units is not None

    def accepted_positions(self) -> tuple[str, ...]:
        """The positions a stance may take under this rule (option methods and fist-to-five: abstain only)."""
        return self._accepted

    def block_allowance(self, eligible_units: int) -> int:
        if self.blocks_allowed is not None:
            return self.blocks_allowed
        if self.blocks_per_units is not None:
            return eligible_units // self.blocks_per_units
        return 0

    def applied(self, failed_rounds: int) -> tuple[Rule, int]:
        """The rule that decides a round after `failed_rounds` failed ones, and how many fallbacks deep it is."""
        rule, depth = self, 0
        while rule.fallback is not None and failed_rounds >= rule.fallback.after_failed_rounds:
            rule, depth = rule.fallback.rule, depth + 1
        return rule, depth


def _accepted_positions(rule: Rule) -> tuple[str, ...]:
    if rule.method == "consensus":
        return ("agree", "stand_aside", "abstain", "block")
    if rule.method in ("majority", "supermajority"):
        if rule.block_allowance_set:
            return ("agree", "disagree", "abstain", "block")
        return ("agree", "disagree", "abstain")
    return ("abstain",)


# --- reading the JSON form ----------------------------------------------------------------------------------


def parse_rule(data: object, *, path: str = "rule") -> Rule:
    """A validated Rule from its JSON form, or a GovernanceError naming the field at fault."""
    return _parse(data, path=path, floor=0)


def _parse(data: object, *, path: str, floor: int) -> Rule:
    if not isinstance(data, Mapping):
        raise GovernanceError('Give the rule as a JSON object, like {"method": "majority"}.', path=path)
    method = data.get("method")
    if method is None:
        raise GovernanceError(f"Say which method decides: one of {_listed(METHODS)}.", path=f"{path}.method")
    if method not in METHODS:
        raise GovernanceError(f"Unknown method {method!r}: use one of {_listed(METHODS)}.", path=f"{path}.method")
    allowed = _COMMON_KEYS | _METHOD_KEYS[method]
    for key in data:
        if key not in allowed:
            if key in _all_keys():
                raise GovernanceError(
                    f'"{key}" does not apply to the {method} method; remove it.', path=f"{path}.{key}"
                )
            raise GovernanceError(
                f'Unknown field "{key}"; the {method} method takes {_listed(sorted(allowed))}.', path=f"{path}.{key}"
            )

    values: dict[str, Any] = {"method": method}
    values["unit"] = _choice(data, "unit", UNITS, "people", path)
    values["weighting"] = _choice(data, "weighting", WEIGHTINGS, "equal", path)
    if "base" in data:
        values["base"] = _choice(data, "base", BASES, "decided", path)

    if method == "supermajority":
        if "threshold" not in data:
            raise GovernanceError('A super-majority needs a threshold, like "2/3" or "0.9".', path=f"{path}.threshold")
        threshold = parse_fraction(data["threshold"], path=f"{path}.threshold", what="the threshold")
        if not Fraction(1, 2) < threshold <= 1:
            raise GovernanceError(
                f"A super-majority threshold must be more than one half and at most 1 (it is {percent(threshold)}); "
                "for one half use the majority method.",
                path=f"{path}.threshold",
            )
        values["threshold"] = threshold

    if "quorum" in data:
        quorum = parse_fraction(data["quorum"], path=f"{path}.quorum", what="the quorum")
        if not 0 < quorum <= 1:
            raise GovernanceError(
                'A quorum is a share of eligible units above 0 and at most 1, like "1/2"; for no quorum leave it out.',
                path=f"{path}.quorum",
            )
        values["quorum"] = quorum
    if "quorum_by" in data:
        if "quorum" not in data:
            raise GovernanceError(
                '"quorum_by" needs a quorum to apply to; set "quorum" or remove it.', path=f"{path}.quorum_by"
            )
        values["quorum_by"] = _choice(data, "quorum_by", QUORUM_BY, "count", path)

    if "blocks_allowed" in data and "blocks_per_units" in data:
        raise GovernanceError(
            'Set either a fixed number of blocks ("blocks_allowed") or one block per so many units '
            '("blocks_per_units"), not both.',
            path=f"{path}.blocks_per_units",
        )
    if "blocks_allowed" in data:
        values["blocks_allowed"] = _count(
            data["blocks_allowed"], path=f"{path}.blocks_allowed", minimum=0, what="the number of blocks allowed"
        )
    if "blocks_per_units" in data:
        values["blocks_per_units"] = _count(
            data["blocks_per_units"],
            path=f"{path}.blocks_per_units",
            minimum=1,
            what="the number of units per allowed block",
        )
    if "max_stand_asides" in data:
        values["max_stand_asides"] = _count(
            data["max_stand_asides"], path=f"{path}.max_stand_asides", minimum=0, what="the most stand asides"
        )
    if "fist_to_five" in data:
        values["fist_to_five"] = _fist(data["fist_to_five"], path=f"{path}.fist_to_five")
    if "dots" in data:
        values["dots"] = _count(data["dots"], path=f"{path}.dots", minimum=1, what="the number of dots")
    if "max_score" in data:
        values["max_score"] = _count(data["max_score"], path=f"{path}.max_score", minimum=1, what="the highest score")

    rule = Rule(**values)
    if "fallback" in data:
        rule = Rule(**values, fallback=_fallback(data["fallback"], path=f"{path}.fallback", outer=rule, floor=floor))
    return rule


def _fallback(data: object, *, path: str, outer: Rule, floor: int) -> Fallback:
    if not isinstance(data, Mapping):
        raise GovernanceError('Give the fallback as {"after_failed_rounds": 3, "rule": {...}}.', path=path)
    for key in data:
        if key not in ("after_failed_rounds", "rule"):
            raise GovernanceError(
                f'Unknown field "{key}"; a fallback takes "after_failed_rounds" and "rule".', path=f"{path}.{key}"
            )
    if "after_failed_rounds" not in data:
        raise GovernanceError(
            "Say after how many failed rounds the fallback applies.", path=f"{path}.after_failed_rounds"
        )
    after = _count(
        data["after_failed_rounds"], path=f"{path}.after_failed_rounds", minimum=1, what="the number of failed rounds"
    )
    if "rule" not in data:
        raise GovernanceError("Give the rule that applies after the failed rounds.", path=f"{path}.rule")
    inner_path = f"{path}.rule"
    # Failed rounds are counted from the first round: a fallback of a fallback waits for more than its parent.
    if after <= floor:
        raise GovernanceError(
            f"This fallback must wait for more failed rounds than the one before it ({floor}).",
            path=f"{path}.after_failed_rounds",
        )
    inner = _parse(data["rule"], path=inner_path, floor=after)
    if inner.takes_options != outer.takes_options:
        kind = "choose between options" if outer.takes_options else "accept or refuse one proposal"
        raise GovernanceError(
            f"The fallback must also {kind}, since the ballots of a round are the same kind.",
            path=f"{inner_path}.method",
        )
    return Fallback(after, inner)


def _choice(data: Mapping[str, Any], key: str, choices: tuple[str, ...], default: str, path: str) -> str:
    value = data.get(key, default)
    if value not in choices:
        raise GovernanceError(f"Unknown {key} {value!r}: use one of {_listed(choices)}.", path=f"{path}.{key}")
    return str(value)


def _count(value: object, *, path: str, minimum: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise GovernanceError(f"Give {what} as a whole number.", path=path)
    if value < minimum:
        raise GovernanceError(f"{what.capitalize()} must be at least {minimum}.", path=path)
    if value > LIMIT:
        raise GovernanceError(f"{what.capitalize()} must be at most {LIMIT:,}.", path=path)
    return value


def _fist(data: object, *, path: str) -> FistToFive:
    if not isinstance(data, Mapping):
        raise GovernanceError(
            'Give the fist-to-five levels as {"block_at_or_below": 0, "concern_at_or_below": 2, "max_concerns": 0}.',
            path=path,
        )
    known = ("block_at_or_below", "concern_at_or_below", "max_concerns")
    for key in data:
        if key not in known:
            raise GovernanceError(f'Unknown field "{key}"; fist-to-five takes {_listed(known)}.', path=f"{path}.{key}")
    defaults = FistToFive()
    block = data.get("block_at_or_below", defaults.block_at_or_below)
    if block is None:
        block = -1
    block = _count(block, path=f"{path}.block_at_or_below", minimum=-1, what="the block level")
    if block > FIST_MAX - 1:
        raise GovernanceError(
            f"The block level must be below {FIST_MAX}, or every score would block.", path=f"{path}.block_at_or_below"
        )
    concern = _count(
        data.get("concern_at_or_below", max(defaults.concern_at_or_below, block)),
        path=f"{path}.concern_at_or_below",
        minimum=-1,
        what="the concern level",
    )
    if concern < block:
        raise GovernanceError(
            f"The concern level ({concern}) must be at or above the block level ({block}).",
            path=f"{path}.concern_at_or_below",
        )
    if concern > FIST_MAX - 1:
        raise GovernanceError(
            f"The concern level must be below {FIST_MAX}, or no score would support.",
            path=f"{path}.concern_at_or_below",
        )
    max_concerns = data.get("max_concerns", defaults.max_concerns)
    if max_concerns is not None:
        max_concerns = _count(max_concerns, path=f"{path}.max_concerns", minimum=0, what="the most concerns")
    return FistToFive(block, concern, max_concerns)


def _all_keys() -> set[str]:
    return set().union(_COMMON_KEYS, *_METHOD_KEYS.values())


def _listed(items: Any) -> str:
    return ", ".join(f'"{item}"' for item in items)


# --- writing the JSON form ----------------------------------------------------------------------------------


def rule_to_json(rule: Rule) -> dict[str, Any]:
    """The canonical JSON form: what parse_rule reads back to the same rule."""
    data: dict[str, Any] = {"method": rule.method, "unit": rule.unit, "weighting": rule.weighting}
    if rule.method in ("majority", "supermajority"):
        data["base"] = rule.base
    if rule.threshold is not None:
        data["threshold"] = show_exact(rule.threshold)
    if rule.quorum is not None:
        data["quorum"] = show_exact(rule.quorum)
        data["quorum_by"] = rule.quorum_by
    if rule.blocks_allowed is not None:
        data["blocks_allowed"] = rule.blocks_allowed
    if rule.blocks_per_units is not None:
        data["blocks_per_units"] = rule.blocks_per_units
    if rule.max_stand_asides is not None:
        data["max_stand_asides"] = rule.max_stand_asides
    if rule.method == "fist_to_five":
        fist = rule.fist_to_five
        data["fist_to_five"] = {
            "block_at_or_below": fist.block_at_or_below,
            "concern_at_or_below": fist.concern_at_or_below,
            "max_concerns": fist.max_concerns,
        }
    if rule.method == "dots":
        data["dots"] = rule.dots
    if rule.method == "score":
        data["max_score"] = rule.max_score
    if rule.fallback is not None:
        data["fallback"] = {
            "after_failed_rounds": rule.fallback.after_failed_rounds,
            "rule": rule_to_json(rule.fallback.rule),
        }
    return data


# --- the rule in plain words ----------------------------------------------------------------------------------

UNIT_NOUNS = {
    "people": ("person", "people"),
    "groups": ("member group", "member groups"),
    "groups_and_individuals": ("member", "members"),
}
UNIT_PHRASES = {
    "people": "people",
    "groups": "member groups (each group gives one position)",
    "groups_and_individuals": "member groups and individual members (each group gives one position)",
}
WEIGHTING_PHRASES = {
    "equal": "",
    "size": ", weighted by group size",
    "sqrt_size": ", weighted by the square root of group size",
    "custom": ", weighted by the coalition's agreed weights",
}
BASE_PHRASES = {
    "decided": "of those who agree or disagree",
    "cast": "of all stances given (abstentions count against)",
    "eligible": "of everyone eligible (not responding counts against)",
}


def noun(unit: str, count: int | None = None) -> str:
    singular, plural = UNIT_NOUNS[unit]
    return singular if count == 1 else plural


def describe_rule(rule: Rule) -> str:
    """The rule in one or two plain sentences, for the page before anyone responds."""
    plural = noun(rule.unit)
    who = UNIT_PHRASES[rule.unit] + WEIGHTING_PHRASES[rule.weighting]
    if rule.method == "majority":
        text = f"Simple majority of {who}: passes with more than half {BASE_PHRASES[rule.base]}"
    elif rule.method == "supermajority":
        threshold = rule.threshold or Fraction(1)
        text = f"Super-majority of {who}: passes with at least {show_share(threshold)} {BASE_PHRASES[rule.base]}"
    elif rule.method == "consensus":
        text = f"Consensus of {who}: passes when at least one agrees and {_blocks_phrase(rule)}"
        if rule.max_stand_asides is not None:
            text += f", with at most {rule.max_stand_asides} standing aside"
    elif rule.method == "fist_to_five":
        fist = rule.fist_to_five
        text = f"Fist-to-five of {who}: each shows 0 to 5"
        if fist.block_at_or_below >= 0:
            text += f"; {_score_range(0, fist.block_at_or_below)} is a block"
        if fist.concern_at_or_below > fist.block_at_or_below:
            text += f"; {_score_range(fist.block_at_or_below + 1, fist.concern_at_or_below)} is a concern"
        text += f"; passes when {_blocks_phrase(rule)}"
        if fist.max_concerns is not None:
            text += (
                " and there are no concerns"
                if fist.max_concerns == 0
                else f" and there are at most {fist.max_concerns} concerns"
            ) + " (otherwise it needs discussion)"
    elif rule.method == "approval":
        text = f"Approval vote of {who}: each approves any number of options; the most approved option is chosen"
    elif rule.method == "score":
        text = f"Score vote of {who}: each scores options 0 to {rule.max_score}; the highest total is chosen"
    elif rule.method == "dots":
        text = f"Dot vote of {who}: each spreads up to {rule.dots} dots; the option with most dots is chosen"
    elif rule.method == "ranked_irv":
        text = (
            f"Ranked choice (instant runoff) of {who}: the option with fewest first preferences is dropped and its "
            "ballots move to their next choice, until one option has more than half"
        )
    else:
        text = (
            f"Ranked choice (Schulze) of {who}: the option that beats or ties every other along the strongest "
            "chains of head-to-head wins is chosen"
        )
    if rule.block_allowance_set and rule.method in ("majority", "supermajority"):
        text += f"; {_blocks_phrase(rule)}"
    if rule.quorum is not None:
        if rule.quorum_by == "weight":
            text += (
                f". Quorum: those taking part must carry at least {show_share(rule.quorum)} of the eligible "
                f"{plural}' combined weight"
            )
        else:
            text += f". Quorum: at least {show_share(rule.quorum)} of eligible {plural} must take part"
    text += "."
    if rule.fallback is not None:
        rounds = rule.fallback.after_failed_rounds
        text += f" After {rounds} failed {'round' if rounds == 1 else 'rounds'}: " + describe_rule(rule.fallback.rule)
    return text


def _score_range(low: int, high: int) -> str:
    return str(low) if low == high else f"{low} to {high}"


def _blocks_phrase(rule: Rule) -> str:
    singular = noun(rule.unit, 1)
    if rule.blocks_per_units is not None:
        return f"there is no more than one block per {rule.blocks_per_units} eligible {noun(rule.unit)}"
    allowed = rule.blocks_allowed or 0
    if rule.method == "fist_to_five" and rule.fist_to_five.block_at_or_below < 0:
        return f"at least one shows more than {rule.fist_to_five.concern_at_or_below} (no score is a block)"
    if allowed == 0:
        return "no one blocks"
    return f"no more than {allowed} {'block' if allowed == 1 else 'blocks'} (one {singular} each)"
