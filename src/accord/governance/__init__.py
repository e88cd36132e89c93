"""The governance kernel: decision rules, tallies and explained outcomes, in pure Python with exact arithmetic.

Nothing here imports Django or the apps: the constitution stores rules as JSON, the decisions app reads stances
from the database, and both hand plain values to this package.

    rule = parse_rule({"method": "consensus", "unit": "groups", "blocks_per_units": 12})
    outcome = tally(rule, eligible=[Unit("g1", 40), ...], stances=[Stance("g1", position="agree"), ...])
    outcome.status, outcome.summary, outcome.conditions
"""

from .ballots import Ballots, Stance, Unit, check_stance, expected_field, parse_ballots, stance_from_json
from .errors import GovernanceError
from .numbers import percent, show, sqrt_weight
from .rules import (
    METHODS,
    OPTION_METHODS,
    POSITION_METHODS,
    POSITIONS,
    UNITS,
    WEIGHTINGS,
    Fallback,
    FistToFive,
    Rule,
    describe_rule,
    noun,
    parse_rule,
    rule_to_json,
)
from .tally import (  # noqa: F401  (statuses)
    BLOCKED,
    CHOSEN,
    FAILED_STATUSES,
    NEEDS_DISCUSSION,
    NO_QUORUM,
    PASSED,
    REJECTED,
    STATUS_WORDS,
    TIE,
    Condition,
    Outcome,
    Totals,
    tally,
    tally_totals,
    unit_weight,
)

__all__ = [
    "BLOCKED",
    "CHOSEN",
    "FAILED_STATUSES",
    "METHODS",
    "NEEDS_DISCUSSION",
    "NO_QUORUM",
    "OPTION_METHODS",
    "PASSED",
    "POSITIONS",
    "POSITION_METHODS",
    "REJECTED",
    "STATUS_WORDS",
    "TIE",
    "UNITS",
    "WEIGHTINGS",
    "Ballots",
    "Condition",
    "Fallback",
    "FistToFive",
    "GovernanceError",
    "Outcome",
    "Rule",
    "Stance",
    "Totals",
    "Unit",
    "check_stance",
    "describe_rule",
    "expected_field",
    "noun",
    "parse_ballots",
    "parse_rule",
    "percent",
    "rule_to_json",
    "show",
    "sqrt_weight",
    "stance_from_json",
    "tally",
    "tally_totals",
    "unit_weight",
]
