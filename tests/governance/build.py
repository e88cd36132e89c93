"""Small builders for the governance kernel's tests: eligible units, stances and a shortcut to a tally.

Nothing here touches Django or a database; the kernel takes plain values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from accord.governance import Outcome, Stance, Unit, parse_rule, tally

REASON = "It breaks our agreement on safety."


def people(count: int, prefix: str = "u") -> list[Unit]:
    """`count` equal units named u1, u2, ..."""
    return [Unit(f"{prefix}{index}") for index in range(1, count + 1)]


def sized(*sizes: int, prefix: str = "g") -> list[Unit]:
    """Units g1, g2, ... with the given sizes."""
    return [Unit(f"{prefix}{index}", size) for index, size in enumerate(sizes, start=1)]


def positions(*spec: tuple[str, int], prefix: str = "u", start: int = 1) -> list[Stance]:
    """Stances in order for u1, u2, ...: positions(("agree", 2), ("disagree", 1)) -> u1, u2 agree; u3 disagrees.

    A block carries a reason, as it must.
    """
    stances: list[Stance] = []
    index = start
    for position, count in spec:
        for _ in range(count):
            reason = REASON if position == "block" else ""
            stances.append(Stance(f"{prefix}{index}", position=position, reason=reason))
            index += 1
    return stances


def fists(*scores: int, prefix: str = "u") -> list[Stance]:
    """Fist-to-five scores in order for u1, u2, ...; a blocking score carries a reason."""
    return [Stance(f"{prefix}{index}", score=score, reason=REASON) for index, score in enumerate(scores, start=1)]


def rankings(*spec: tuple[str, int], prefix: str = "u") -> list[Stance]:
    """Rankings written as strings, "abc" meaning a > b > c; ("abc", 4) gives four units that ballot."""
    stances: list[Stance] = []
    index = 1
    for ranking, count in spec:
        for _ in range(count):
            stances.append(Stance(f"{prefix}{index}", ranking=tuple(ranking)))
            index += 1
    return stances


def run(
    rule: Mapping[str, Any],
    eligible: Sequence[Unit],
    stances: Sequence[Stance],
    *,
    options: Sequence[str] = (),
    failed_rounds: int = 0,
) -> Outcome:
    return tally(parse_rule(rule), eligible=eligible, stances=stances, options=options, failed_rounds=failed_rounds)
