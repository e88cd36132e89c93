"""How the decisions pages put the engine's names in words: positions, statuses, conditions, a stance, and an
outcome's counts as rows. Every page, form and template tag that shows one of these uses the helpers here, so a
stance reads the same on the proposal page, in its history and in facilitator mode.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from accord.decisions.models import Status
from accord.governance import POSITIONS, GovernanceError, Outcome, Rule
from accord.governance.numbers import parse_fraction
from accord.governance.rules import FIST_MAX, POSITION_METHODS

POSITION_WORDS: dict[str, tuple[str, str]] = {
    "agree": ("Agree", "I support this proposal."),
    "disagree": ("Disagree", "I do not support it; it counts against."),
    "abstain": ("Abstain", "I take part but give no preference; I still count towards the quorum."),
    "stand_aside": ("Stand aside", "I have concerns and will not help carry it out, but I will not stop it."),
    "block": ("Block", "A fundamental objection: it should not go ahead. Say why, so the others can try to meet it."),
}
CONDITION_WORDS = {
    "quorum": "Quorum",
    "blocks": "Blocks",
    "stand_asides": "Stand asides",
    "concerns": "Concerns",
    "agreement": "Someone agrees",
    "majority": "Majority",
    "threshold": "Threshold",
}
NOT_RECORDED = "Not recorded yet"
RECORDED = "Recorded"
HIDDEN_UNTIL_CLOSE = "Who said what is shown when the round closes."
SECRET = "Stances are secret; only the totals are shown."


def position_words(position: str) -> str:
    """A position's label: "Stand aside"."""
    return POSITION_WORDS.get(position, (position.replace("_", " ").capitalize(), ""))[0]


def position_help(position: str) -> str:
    """A position's one-line explanation, shown beside its radio button."""
    return POSITION_WORDS.get(position, ("", ""))[1]


def status_words(status: str) -> str:
    """A proposal's or round's status in words: "No quorum"."""
    return Status(status).label if status in Status.values else status.replace("_", " ").capitalize()


def condition_words(name: str) -> str:
    return CONDITION_WORDS.get(name, name.replace("_", " ").capitalize())


def hidden_words(secret: bool) -> str:
    """Why who said what is not shown: secret stances, or results shown only once the round closes."""
    return SECRET if secret else HIDDEN_UNTIL_CLOSE


def stance_words(
    position: str | None = "",
    score: int | None = None,
    choice: Mapping[str, Any] | None = None,
    *,
    recorded: bool = True,
    hidden: bool = False,
) -> str:
    """A stance in words: "Stand aside", "Score 3 of 5", "Ranking: Leeds, York", "Dots: Buses 4".

    `recorded=False` says there is none yet; `hidden` (secret stances, or results shown after closing) says only
    that there is one. A stance known only by its position and score (facilitator mode's rows) whose choice over
    the options is not at hand reads "Choice recorded".
    """
    if not recorded:
        return NOT_RECORDED
    if hidden:
        return RECORDED
    choice = choice or {}
    if "ranking" in choice:
        return "Ranking: " + (", ".join(choice["ranking"]) or "none ranked")
    if "approve" in choice:
        return "Approves: " + (", ".join(choice["approve"]) or "none of the options")
    for name, words in (("scores", "Scores"), ("dots", "Dots")):
        if name in choice:
            given = ", ".join(f"{option} {value}" for option, value in choice[name].items())
            return f"{words}: {given or 'none given'}"
    if score is not None:
        return f"Score {score} of {FIST_MAX}"
    if position:
        return position_words(position)
    return "Choice recorded"


def stance_of(stance: Any, *, hidden: bool = False) -> str:
    """A recorded Stance row in words (see stance_words)."""
    return stance_words(stance.position, stance.score, stance.choice, hidden=hidden)


def lower_first(words: str) -> str:
    """For words inside a sentence: "Your stance is recorded: stand aside."."""
    return words[:1].lower() + words[1:]


# --- an outcome's counts ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountRow:
    """One count of an outcome: its label, the units (or an option's total), their weight when the rule weighs
    units (else None), and `value` out of `maximum` for a <progress> bar."""

    label: str
    units: str
    weight: str | None
    value: str
    maximum: str


def _number(text: Any) -> Fraction:
    try:
        return parse_fraction(str(text), path="", what="a number")
    except GovernanceError:  # a total the kernel wrote is always readable; an outcome stored by hand may not be
        return Fraction(0)


def _decimal(number: Fraction) -> str:
    return f"{float(number):.4f}".rstrip("0").rstrip(".") or "0"


def count_rows(outcome: Outcome | None, rule: Rule, *, eligible: int) -> list[CountRow]:
    """The outcome's counts in a fixed order: each position the rule accepts (and any other found), fist-to-five's
    scores 0-5 and abstentions, or each option's total (first preferences under instant runoff)."""
    if outcome is None:
        return []
    counts = outcome.counts
    weighted = rule.weighting != "equal"
    most = _decimal(Fraction(max(int(counts.get("eligible") or eligible or 1), 1)))

    def row(label: str, entry: Mapping[str, Any] | None) -> CountRow:
        units = int((entry or {}).get("units", 0))
        weight = str((entry or {}).get("weight", "0")) if weighted else None
        return CountRow(label, str(units), weight, str(units), most)

    positions = counts.get("positions") or {}
    if rule.method in POSITION_METHODS:
        accepted = rule.accepted_positions()
        others = [position for position in POSITIONS if position in positions and position not in accepted]
        others += sorted(set(positions) - set(POSITIONS))
        return [row(position_words(position), positions.get(position)) for position in [*accepted, *others]]
    if rule.method == "fist_to_five":
        scores = counts.get("scores") or {}
        return [row(f"Score {score}", scores.get(str(score))) for score in range(FIST_MAX + 1)] + [
            row(position_words("abstain"), positions.get("abstain"))
        ]
    options = counts.get("options")
    if options is None and counts.get("rounds"):
        options = counts["rounds"][0]  # instant runoff: first preferences
    if not options:
        return []
    totals = {option: _number(total) for option, total in options.items()}
    top = _decimal(max([*totals.values(), Fraction(1)]))
    return [CountRow(option, str(options[option]), None, _decimal(total), top) for option, total in totals.items()]
