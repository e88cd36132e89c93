"""Where a coalition depends on one member: the guides' "make sure the coalition isn't too dependent on any one
sub-group or individual" (Anarchic Agreements 2.6), checked against the rules it actually agreed.

Pure: the agreements app hands in the units each rule counts and the rules themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from .ballots import Unit
from .numbers import percent, show_share
from .rules import Rule, noun
from .tally import _at_least, unit_weight


@dataclass(frozen=True, slots=True)
class Dependence:
    """One warning: `subject` is the unit or holder it is about ("" when it is about the coalition as a whole)."""

    kind: str  # quorum | majority | sole_holder
    subject: str
    message: str


def quorum_dependence(name: str, rule: Rule, units: Sequence[Unit], labels: dict[str, str]) -> list[Dependence]:
    """Units without whom a decision of this kind can never reach its quorum: if one of them does not take part,
    or leaves, nothing of the kind can be decided."""
    if rule.quorum is None or not units:
        return []
    plural = noun(rule.unit)
    if rule.quorum_by == "weight":
        weights = {unit.id: unit_weight(rule, unit) for unit in units}
        total = sum(weights.values(), Fraction(0))
        needed = rule.quorum * total
        return [
            Dependence(
                "quorum",
                labels.get(unit_id, unit_id),
                f"{name}: without {labels.get(unit_id, unit_id)} ({percent(weight / total)} of the weight) the "
                f"quorum of {show_share(rule.quorum)} of the weight cannot be reached.",
            )
            for unit_id, weight in sorted(weights.items(), key=lambda item: (-item[1], item[0]))
            if total - weight < needed
        ]
    count = len(units)
    if count - 1 < _at_least(rule.quorum, count):
        return [
            Dependence(
                "quorum",
                "",
                f"{name}: the quorum is {_at_least(rule.quorum, count)} of {count} {plural}, so if any one of them "
                "does not take part nothing of this kind can be decided.",
            )
        ]
    return []


def majority_dependence(name: str, rule: Rule, units: Sequence[Unit], labels: dict[str, str]) -> list[Dependence]:
    """Units that alone carry the share a decision of this kind needs: one member could decide for everyone."""
    if rule.method not in ("majority", "supermajority") or len(units) < 2:
        return []
    weights = {unit.id: unit_weight(rule, unit) for unit in units}
    total = sum(weights.values(), Fraction(0))
    needed = rule.threshold if rule.method == "supermajority" and rule.threshold is not None else Fraction(1, 2)
    bar = needed * total
    # Only units at or above the bar can qualify: filter first, so a 14,000-person kind costs one pass.
    heavy = [(unit_id, weight) for unit_id, weight in weights.items() if weight >= bar]
    found = []
    for unit_id, weight in sorted(heavy, key=lambda item: (-item[1], item[0])):
        if weight > bar or (rule.method == "supermajority" and weight >= bar):
            found.append(
                Dependence(
                    "majority",
                    labels.get(unit_id, unit_id),
                    f"{name}: {labels.get(unit_id, unit_id)} carries {percent(weight / total)} of the weight, "
                    "enough to pass it alone if everyone takes part.",
                )
            )
    return found


def sole_holders(role: str, holders: Sequence[str]) -> list[Dependence]:
    """A role held by one person only: if they leave or step back, no one can do it."""
    if len(holders) != 1:
        return []
    return [
        Dependence(
            "sole_holder",
            holders[0],
            f"{holders[0]} is the only {role}: if they leave or step back, no one can do what a {role} does.",
        )
    ]
