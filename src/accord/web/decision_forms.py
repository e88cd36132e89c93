"""The forms of the decisions pages: opening a proposal, giving a stance, the next round, the decision-kind table
(with its rule editor), agreed weights and the rule simulator.

As elsewhere, forms only parse what was typed into the types an action takes; the action (or the governance
kernel) checks it and says what to change. Each form's `place_error(error)` says which field an action's refusal
belongs beside: the actions name fields the API's way (`closes_at`, `ranking[1]`, `rule.fallback.rule.threshold`).
A stance is read by one parser, `stance_arguments`, for the proposal page's form and facilitator mode's rows alike;
JSON by `read_json`, and a unit's key (p12, g3) by `unit_key_from`, so odd input never reaches Python's int() or
the database unread.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.safestring import SafeString, mark_safe

from accord.coalitions.models import MemberGroup
from accord.decisions.models import DecisionKind, Proposal, Scope
from accord.errors import ActionError
from accord.governance import (
    POSITION_METHODS,
    POSITIONS,
    GovernanceError,
    Rule,
    parse_rule,
    rule_to_json,
)
from accord.governance.rules import FIST_MAX as FIST_MAX_SCORE
from accord.web.decision_words import position_help, position_words, status_words
from accord.web.forms import GroupChoiceField
from accord.web.templatetags.accord import choice_inputs, rule_words

TEXT_MAX = 20000
REASON_MAX = 4000
RULE_JSON_MAX = 20000
BALLOTS_JSON_MAX = 1_000_000

# --- the rule editor's words for the kernel's names (positions, statuses, conditions: accord.web.decision_words) --

METHOD_WORDS = {
    "majority": "Simple majority",
    "supermajority": "Super-majority",
    "consensus": "Consensus",
    "fist_to_five": "Fist-to-five",
    "approval": "Approval vote (choosing between options)",
    "score": "Score vote (choosing between options)",
    "dots": "Dot vote (choosing between options)",
    "ranked_irv": "Ranked choice, instant runoff (choosing between options)",
    "ranked_schulze": "Ranked choice, Schulze (choosing between options)",
}
UNIT_WORDS = {
    "people": "People: each person responds for themself",
    "groups": "Member groups: each group's position is one vote, given by its delegates",
    "groups_and_individuals": "Member groups and individual members",
}
WEIGHTING_WORDS = {
    "equal": "Equal: every unit counts the same",
    "size": "By group size",
    "sqrt_size": "By the square root of group size (bigger groups count more, but less than in proportion)",
    "custom": "By the coalition's agreed weights",
}
BASE_WORDS = {
    "decided": "Of those who agree or disagree",
    "cast": "Of all stances given (abstentions count against)",
    "eligible": "Of everyone eligible (not responding counts against)",
}


# --- shared pieces -------------------------------------------------------------------------------------------------


class PlacesErrors:
    """Puts an action's refusal beside the field it names; `error_fields` maps the action's names to the form's."""

    error_fields: dict[str, str] = {}

    def place_error(self, error: ActionError) -> tuple[str | None, str]:
        name = error.field or ""
        fields = self.fields  # type: ignore[attr-defined]
        for candidate in (self.error_fields.get(name), name, name.replace(".", "_")):
            if candidate and candidate in fields:
                return candidate, error.message
        return None, error.message


def _textarea(rows: int, **attrs: Any) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


MOMENT_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")


class LocalMomentField(forms.CharField):
    """A date and time typed in a datetime-local input: a naive datetime, given its zone by the form."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local", "class": "input--moment"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, *, what: str, **kwargs: Any) -> None:
        self.what = what
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        if len(text) > 40:
            raise ValidationError(f"Enter {self.what} as a date and time, like 2026-06-30 18:00.", code="invalid")
        for pattern in MOMENT_FORMATS:
            try:
                return datetime.strptime(text, pattern)
            except ValueError:
                continue
        raise ValidationError(f"Enter {self.what} as a date and time, like 2026-06-30 18:00.", code="invalid")

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%dT%H:%M")
        return value


def zone_from(name: str, offset: str) -> tuple[Any, str]:
    """The time zone the browser said (accord.js fills both fields), else UTC; and how to say it."""
    if name and len(name) <= 60 and re.fullmatch(r"[A-Za-z0-9_+\-/]+", name):
        try:
            return ZoneInfo(name), name
        except (ZoneInfoNotFoundError, ValueError):
            pass
    if re.fullmatch(r"-?[0-9]{1,4}", offset or "") and abs(int(offset)) <= 14 * 60:
        minutes = int(offset)
        sign = "+" if minutes >= 0 else "-"
        return timezone(timedelta(minutes=minutes)), f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return UTC, "UTC"


class TimeZoneFields(forms.Form):
    """Hidden fields accord.js fills with the browser's time zone, so datetime-local inputs mean local time."""

    tz = forms.CharField(required=False, max_length=60, widget=forms.HiddenInput(attrs={"data-time-zone": ""}))
    tz_offset = forms.CharField(
        required=False, max_length=6, widget=forms.HiddenInput(attrs={"data-time-zone-offset": ""})
    )

    def aware(self, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        zone, _name = zone_from(self.cleaned_data.get("tz") or "", self.cleaned_data.get("tz_offset") or "")
        return value.replace(tzinfo=zone)


MOMENT_HELP = "In <span data-time-zone-name>UTC</span> (with JavaScript off, times are read as UTC)."


def moment_help(before: str = "") -> SafeString:
    """The hint under a date-and-time input; accord.js names the browser's zone in the span."""
    return mark_safe(before + MOMENT_HELP)  # noqa: S308  (constant text)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def read_json(text: str) -> Any:
    """The JSON typed in a field, or a ValidationError saying what to change: not JSON at all, nested deeper than
    Python reads (thousands of brackets), or holding an integer longer than Python converts (4,300 digits)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError(
            f"This is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno}).", code="invalid"
        ) from None
    except RecursionError:
        raise ValidationError(
            "This JSON is nested too deeply: a rule or ballots need only a few levels of brackets.", code="invalid"
        ) from None
    except ValueError:  # int("9" * 5000): Python refuses to read integers of more than 4,300 digits
        raise ValidationError(
            f"A number in it is too long: use numbers of at most {sys.get_int_max_str_digits():,} digits.",
            code="invalid",
        ) from None


UNIT_KEY = re.compile(r"[pg][0-9]{1,18}")


def unit_key_from(value: Any) -> str:
    """A unit's key as the pages name units (p12 for a person, g3 for a member group), or "" for anything else: a
    typo, a long string, a NUL character (which PostgreSQL refuses) never reaches a query."""
    text = value if isinstance(value, str) else ""
    return text if UNIT_KEY.fullmatch(text) else ""


def whole_number(text: str) -> int | None:
    """A whole number typed as ASCII digits (at most 7), else None: "²".isdigit() is True but int("²") fails."""
    text = text.strip()
    if not (text.isascii() and text.isdecimal()) or len(text) > 7:
        return None
    return int(text)


# --- opening a proposal ----------------------------------------------------------------------------------------------


class KindSelect(forms.Select):
    """The decision-kind select: each option carries its rule in plain words, shown beside it by accord.js."""

    def __init__(self, *args: Any, rules: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rules = rules or {}

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        rule = self.rules.get(str(value))
        if rule:
            option["attrs"]["data-rule"] = rule
        return option


class ProposalForm(PlacesErrors, TimeZoneFields):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="A short question or statement, like “Meet on Tuesdays from June”.",
        error_messages={"required": "Enter a title."},
    )
    text = forms.CharField(
        label="The proposal",
        max_length=TEXT_MAX,
        help_text=(
            "What you propose and why. Markdown works: **bold**, *italics*, lists starting with “- ”, "
            "links as [words](https://…)."
        ),
        error_messages={"required": "Enter the proposal's text."},
        widget=_textarea(10),
    )
    kind = forms.ChoiceField(
        label="Decision kind",
        help_text="The kind decides the rule and who responds; the rule is fixed when the proposal opens.",
        error_messages={
            "required": "Choose a decision kind.",
            "invalid_choice": "Choose one of the decision kinds in the list.",
        },
    )
    options = forms.CharField(
        label="Options",
        required=False,
        max_length=20 * 210,
        help_text="Only for kinds that choose between options (a vote): one option per line, at least two.",
        widget=_textarea(4),
    )
    scope_groups = GroupChoiceField(
        label="Member groups it affects",
        queryset=MemberGroup.objects.none(),
        required=False,
        help_text="Only for kinds decided by the member groups they affect: those groups respond, no others.",
        widget=forms.CheckboxSelectMultiple,
    )
    opens_at = LocalMomentField(label="Opens at", what="the opening time", required=False)
    closes_at = LocalMomentField(
        label="Closes at", what="the closing time", error_messages={"required": "Enter the closing time."}
    )
    results_visibility = forms.ChoiceField(
        label="Results",
        widget=forms.RadioSelect,
        choices=[
            (Proposal.ResultsVisibility.LIVE, "Show the tally live, while it is open"),
            (Proposal.ResultsVisibility.AFTER_CLOSE, "Show the tally only after it closes"),
        ],
        initial=Proposal.ResultsVisibility.LIVE,
        error_messages={"required": "Choose when the results show."},
    )
    stance_visibility = forms.ChoiceField(
        label="Stances",
        widget=forms.RadioSelect,
        choices=[
            (Proposal.StanceVisibility.OPEN, "Open: everyone sees who said what"),
            (Proposal.StanceVisibility.SECRET, "Secret: only the totals are shown"),
        ],
        initial=Proposal.StanceVisibility.OPEN,
        error_messages={"required": "Choose whether stances are open or secret."},
    )
    spokescouncil = forms.BooleanField(
        label="Run as a spokescouncil",
        required=False,
        help_text=(
            "Only for kinds counted by member groups: each group discusses and gives a position (agree, agree with "
            "amendments, concerns or block); the spokes meet, amend the text and send it back, round after round. "
            "It closes as soon as every group has responded."
        ),
    )
    close_when_all_responded = forms.BooleanField(label="Close as soon as everyone has responded", required=False)
    facilitators = forms.CharField(
        label="Facilitators",
        required=False,
        max_length=2000,
        help_text=(
            "People who may record others' stances in a meeting, besides the coordinators: one name or email "
            "address per line."
        ),
        widget=_textarea(2),
    )
    field_order = [
        "title", "text", "kind", "options", "scope_groups", "opens_at", "closes_at", "results_visibility",
        "stance_visibility", "spokescouncil", "close_when_all_responded", "facilitators",
    ]  # fmt: skip
    error_fields = {"unit": "kind", "process": "spokescouncil"}

    def __init__(self, *args: Any, kinds: Sequence[DecisionKind], groups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = {str(kind.pk): kind for kind in kinds}
        rules = {key: kind_rule_words(kind) for key, kind in self.kinds.items()}
        field = self.fields["kind"]
        field.choices = [("", "Choose a decision kind"), *((key, kind.name) for key, kind in self.kinds.items())]
        field.widget = KindSelect(rules=rules, attrs={"data-kind-select": "kind-rule"})
        field.widget.choices = field.choices
        self.fields["scope_groups"].queryset = groups  # type: ignore[attr-defined]
        self.fields["opens_at"].help_text = moment_help("Leave empty to open now. ")
        self.fields["closes_at"].help_text = moment_help()

    def chosen_kind(self) -> DecisionKind | None:
        key = self.data.get(self.add_prefix("kind")) if self.is_bound else self.initial.get("kind")
        return self.kinds.get(str(key or ""))

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": self.kinds[data["kind"]],
            "title": data["title"],
            "text": data["text"],
            "options": _lines(data["options"]),
            "scope_groups": list(data["scope_groups"]),
            "opens_at": self.aware(data["opens_at"]),
            "closes_at": self.aware(data["closes_at"]),
            "results_visibility": data["results_visibility"],
            "stance_visibility": data["stance_visibility"],
            "close_when_all_responded": data["close_when_all_responded"] or (None if data["spokescouncil"] else False),
            "process": Proposal.Process.SPOKESCOUNCIL if data["spokescouncil"] else Proposal.Process.STANDARD,
        }

    def facilitator_names(self) -> list[str]:
        return _lines(self.cleaned_data.get("facilitators", ""))


def kind_rule_words(kind: DecisionKind) -> str:
    words = rule_words(kind.rule)
    if kind.scope == Scope.AFFECTED_GROUPS:
        words += " Decided by the member groups it affects."
    return words


# --- a stance ----------------------------------------------------------------------------------------------------


FIST_WORDS = {0: "0: a fist", 1: "1 finger", 2: "2 fingers", 3: "3 fingers", 4: "4 fingers", 5: "5: a full hand"}


class UnreadableStance(Exception):
    """What was sent cannot be read as a stance; `field` names the input at fault (without a form's prefix)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def stance_arguments(data: QueryDict, *, rule: Rule, options: Sequence[str], prefix: str = "") -> dict[str, Any]:
    """record_stance's keyword arguments from a stance form's data, every input's name starting with `prefix`.

    The proposal page's StanceForm (prefix "<unit key>-") and facilitator mode's rows (no prefix) both post:
    `position` (or `abstain`, or a `score` of "abstain": an abstention), `score` (fist-to-five), `approve` (the
    indexes of the options approved), `score_<i>` / `dots_<i>` (option i's score or dots; empty or 0 for none),
    and a ranking either as `ranking_<n>` (the index of the option ranked n+1th: one select per rank) or as
    `rank_<i>` (option i's rank number: facilitator mode's one number per option), and `reason`. Only what cannot
    be read at all is refused here (UnreadableStance); the action checks what the rule accepts.
    """

    def given(name: str) -> str:
        value = data.get(prefix + name, "")
        return value.strip() if isinstance(value, str) else ""

    def number(name: str, message: str) -> int:
        value = whole_number(given(name))
        if value is None:
            raise UnreadableStance(message, name)
        return value

    def option_index(text: str, name: str) -> int:
        index = whole_number(text)
        if index is None or index >= len(options):
            raise UnreadableStance("Choose only options in the list.", name)
        return index

    reason = data.get(prefix + "reason", "")
    reason = reason if isinstance(reason, str) else ""
    if "\x00" in reason:
        raise UnreadableStance("Remove the invisible NUL characters from the reason.", "reason")
    arguments: dict[str, Any] = {"reason": reason}
    position = given("position")
    if given("abstain") or position == "abstain" or given("score") == "abstain":
        return arguments | {"position": "abstain"}
    if position:
        return arguments | {"position": position}
    if given("score"):
        return arguments | {"score": number("score", f"Give a whole-number score from 0 to {FIST_MAX_SCORE}.")}
    if rule.method == "approval":
        chosen = {option_index(text, "approve") for text in data.getlist(prefix + "approve")}
        return arguments | {"approve": [option for index, option in enumerate(options) if index in chosen]}
    if rule.method in ("score", "dots"):
        totals: dict[str, int] = {}
        for index, option in enumerate(options):
            name = f"{rule.method}_{index}"
            if given(name):
                value = number(name, f"Give a whole number for {option}, or leave it empty.")
                if value:
                    totals[option] = value
        return arguments | {"scores" if rule.method == "score" else "dots": totals}
    if rule.method in ("ranked_irv", "ranked_schulze"):
        slots = [(f"ranking_{rank}", given(f"ranking_{rank}")) for rank in range(len(options))]
        if any(text for _name, text in slots):
            return arguments | {"ranking": [options[option_index(text, name)] for name, text in slots if text]}
        ranks = {
            option: number(f"rank_{index}", f"Give a whole number for {option}, or leave it empty.")
            for index, option in enumerate(options)
            if given(f"rank_{index}")
        }
        if len(set(ranks.values())) != len(ranks):
            raise UnreadableStance(
                "Give each ranked option a different number: 1 for the first choice, 2 for the next.", "rank_0"
            )
        return arguments | {"ranking": sorted(ranks, key=ranks.__getitem__)}
    raise UnreadableStance("Choose a stance.", "score" if rule.method == "fist_to_five" else "position")


class StanceForm(PlacesErrors, forms.Form):
    """One unit's stance under the rule that decides the round: positions, a fist-to-five score, approvals,
    scores, dots or a ranking, each as plain inputs that work without JavaScript. The fields check and show the
    inputs; `stance_arguments` reads them into the action's arguments (`arguments()`)."""

    def __init__(
        self,
        *args: Any,
        rule: Rule,
        options: Sequence[str],
        unit_key: str,
        stance: Any = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", unit_key)
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {**kwargs["initial"], **self._initial(rule, options, stance)}
        super().__init__(*args, **kwargs)
        self.rule = rule
        self.options = list(options)
        self.unit_key = unit_key
        self.method = rule.method
        self.option_fields: list[str] = []
        self.error_fields = {}
        self.parsed: dict[str, Any] = {}
        self.abstaining = bool(self.is_bound and self.data.get(self.add_prefix("abstain")))
        if rule.method in POSITION_METHODS:
            accepted = rule.accepted_positions()
            self.fields["position"] = forms.ChoiceField(
                label="Your stance",
                widget=forms.RadioSelect,
                choices=[(position, position_words(position)) for position in POSITIONS if position in accepted],
                error_messages={
                    "required": "Choose your stance.",
                    "invalid_choice": "Choose one of the stances listed.",
                },
            )
            self._reason(blocking=["block"] if "block" in accepted else [], for_field="position")
        elif rule.method == "fist_to_five":
            fist = rule.fist_to_five
            choices = []
            for score in range(FIST_MAX_SCORE + 1):
                if score <= fist.block_at_or_below:
                    meaning = "a block (say why below)"
                elif score <= fist.concern_at_or_below:
                    meaning = "a concern"
                else:
                    meaning = "support"
                choices.append((str(score), f"{FIST_WORDS[score]}, counts as {meaning}"))
            choices.append(("abstain", "Abstain: I take part but give no score"))
            self.fields["score"] = forms.ChoiceField(
                label="Your score, from 0 (a fist) to 5 (a full hand)",
                widget=forms.RadioSelect,
                choices=choices,
                error_messages={"required": "Choose a score.", "invalid_choice": "Choose one of the scores listed."},
            )
            self.error_fields["position"] = "score"
            blocking = [str(score) for score in range(0, fist.block_at_or_below + 1)]
            self._reason(blocking=blocking, for_field="score")
        elif rule.method == "approval":
            self.fields["approve"] = forms.MultipleChoiceField(
                label="The options you approve of",
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(str(index), option) for index, option in enumerate(self.options)],
                help_text="Tick every option you could live with; the most approved option is chosen.",
                error_messages={"invalid_choice": "Choose only options in the list."},
            )
            self.error_fields["position"] = "approve"
        elif rule.method in ("score", "dots"):
            top = rule.max_score if rule.method == "score" else rule.dots
            for index, option in enumerate(self.options):
                name = f"{rule.method}_{index}"
                self.fields[name] = forms.IntegerField(
                    label=option,
                    required=False,
                    min_value=0,
                    max_value=top,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input--short"}),
                    error_messages={
                        "invalid": "Enter a whole number.",
                        "min_value": f"Enter a number from 0 to {top}.",
                        "max_value": f"Enter a number from 0 to {top}.",
                    },
                )
                self.option_fields.append(name)
                self.error_fields[f"{'scores' if rule.method == 'score' else 'dots'}.{option}"] = name
        elif rule.method in ("ranked_irv", "ranked_schulze"):
            choices = [("", "No choice"), *((str(index), option) for index, option in enumerate(self.options))]
            for index in range(len(self.options)):
                name = f"ranking_{index}"
                self.fields[name] = forms.ChoiceField(
                    label=f"{_ordinal(index + 1)} choice",
                    required=False,
                    choices=choices,
                    error_messages={"invalid_choice": "Choose one of the options in the list."},
                )
                self.option_fields.append(name)
            self.error_fields["position"] = "ranking_0"
            self.error_fields["ranking"] = "ranking_0"

    def _reason(self, *, blocking: list[str], for_field: str) -> None:
        attrs: dict[str, Any] = {"rows": 3}
        if blocking:
            attrs |= {"data-reason-for": self.add_prefix(for_field), "data-blocking": " ".join(blocking)}
        self.fields["reason"] = forms.CharField(
            label="Reason",
            required=False,
            max_length=REASON_MAX,
            help_text="Needed for a block, welcome for any stance. Everyone who can see stances reads it.",
            widget=forms.Textarea(attrs=attrs),
        )

    @staticmethod
    def _initial(rule: Rule, options: Sequence[str], stance: Any) -> dict[str, Any]:
        if stance is None:
            return {}
        initial: dict[str, Any] = {"reason": stance.reason}
        if rule.method in POSITION_METHODS:
            initial["position"] = stance.position
        elif rule.method == "fist_to_five":
            initial["score"] = "abstain" if stance.score is None else str(stance.score)
        choice = stance.choice or {}
        index = {option: str(number) for number, option in enumerate(options)}
        if "approve" in choice:
            initial["approve"] = [index[option] for option in choice["approve"] if option in index]
        for name in ("scores", "dots"):
            if name in choice:
                prefix = "score" if name == "scores" else "dots"
                for option, value in choice[name].items():
                    if option in index:
                        initial[f"{prefix}_{index[option]}"] = value
        if "ranking" in choice:
            for rank, option in enumerate(choice["ranking"]):
                if option in index:
                    initial[f"ranking_{rank}"] = index[option]
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.abstaining:
            for name in ("position", "score"):
                if name in self._errors and name in self.fields:
                    del self._errors[name]
        if not self._errors:
            try:
                self.parsed = stance_arguments(
                    self.data, rule=self.rule, options=self.options, prefix=self.add_prefix("")
                )
            except UnreadableStance as error:
                self.add_error(error.field if error.field in self.fields else None, error.message)
            # The action names a ranking's mistakes by their place in it (ranking[1]): the second rank given.
            filled = [name for name in self.option_fields if name.startswith("ranking_") and data.get(name)]
            for place, name in enumerate(filled):
                self.error_fields[f"ranking[{place}]"] = name
        return data

    def arguments(self) -> dict[str, Any]:
        """record_stance's keyword arguments for what was chosen (read by `stance_arguments` when validating)."""
        return self.parsed

    def position_choices(self) -> list[dict[str, Any]]:
        """The position radios (linked to the group's error), each with its one-line explanation."""
        return [
            {"radio": radio, "help": position_help(str(radio.data["value"]))}
            for radio in choice_inputs(self["position"])
        ]

    def option_inputs(self) -> list[forms.BoundField]:
        return [self[name] for name in self.option_fields]


def _ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


# --- withdrawing and the next round ----------------------------------------------------------------------------------


class WithdrawForm(PlacesErrors, forms.Form):
    reason = forms.CharField(
        label="Why are you withdrawing it?",
        required=False,
        max_length=REASON_MAX,
        help_text="Optional. Everyone who can see the proposal reads it, and it goes in the audit log.",
        widget=_textarea(3),
    )


class NextRoundForm(PlacesErrors, TimeZoneFields):
    text = forms.CharField(
        label="The proposal, amended",
        max_length=TEXT_MAX,
        help_text="Change what the last round showed was needed. Markdown works, as before.",
        error_messages={"required": "Enter the proposal's text."},
        widget=_textarea(10),
    )
    options = forms.CharField(
        label="Options",
        required=False,
        max_length=20 * 210,
        help_text="One option per line.",
        widget=_textarea(4),
    )
    opens_at = LocalMomentField(label="Opens at", what="the opening time", required=False)
    closes_at = LocalMomentField(
        label="Closes at", what="the closing time", error_messages={"required": "Enter the closing time."}
    )
    field_order = ["text", "options", "opens_at", "closes_at"]

    def __init__(self, *args: Any, takes_options: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not takes_options:
            del self.fields["options"]
        self.fields["opens_at"].help_text = moment_help("Leave empty to open now. ")
        self.fields["closes_at"].help_text = moment_help()

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        arguments = {
            "text": data["text"],
            "opens_at": self.aware(data["opens_at"]),
            "closes_at": self.aware(data["closes_at"]),
        }
        if "options" in self.fields:
            arguments["options"] = _lines(data["options"])
        return arguments


# --- the decision-kind table and its rule editor --------------------------------------------------------------------


def _choices(words: dict[str, str]) -> list[tuple[str, str]]:
    return list(words.items())


def _count_field(label: str, help_text: str = "", minimum: int = 0) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=minimum,
        max_value=1_000_000,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input--short", "autocomplete": "off"}),
        error_messages={
            "invalid": "Enter a whole number, like 2.",
            "min_value": f"Enter a whole number of at least {minimum}.",
            "max_value": "Enter a whole number of at most 1,000,000.",
        },
    )


def _share_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=40,
        help_text=help_text,
        widget=forms.TextInput(attrs={"class": "input--short", "autocomplete": "off"}),
    )


RULE_FIELD_FOR_PATH = {
    "rule.method": "method",
    "rule.unit": "unit",
    "rule.weighting": "weighting",
    "rule.base": "base",
    "rule.threshold": "threshold",
    "rule.quorum": "quorum",
    "rule.quorum_by": "quorum_by",
    "rule.blocks_allowed": "blocks_allowed",
    "rule.blocks_per_units": "blocks_per_units",
    "rule.max_stand_asides": "max_stand_asides",
    "rule.fist_to_five.block_at_or_below": "fist_block",
    "rule.fist_to_five.concern_at_or_below": "fist_concern",
    "rule.fist_to_five.max_concerns": "fist_max_concerns",
    "rule.dots": "dots",
    "rule.max_score": "max_score",
    "rule.fallback.after_failed_rounds": "fallback_after",
    "rule.fallback.rule.method": "fallback_method",
    "rule.fallback.rule.unit": "fallback_unit",
    "rule.fallback.rule.threshold": "fallback_threshold",
    "rule.fallback.rule.quorum": "fallback_quorum",
}


class DecisionKindForm(PlacesErrors, forms.Form):
    """A decision kind: its name, description and scope, and its rule, from the fields or as JSON."""

    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter a name."})
    key = forms.CharField(
        label="Key",
        required=False,
        max_length=60,
        help_text="A short stable name for the API and exports, like budget. Leave empty to make one from the name.",
        widget=forms.TextInput(attrs={"class": "input--short", "autocomplete": "off"}),
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=2000,
        help_text="Which decisions are of this kind, in a sentence or two.",
        widget=_textarea(3),
    )
    scope = forms.ChoiceField(
        label="Who decides",
        widget=forms.RadioSelect,
        choices=[
            (Scope.COALITION, "The whole coalition"),
            (Scope.AFFECTED_GROUPS, "Only the member groups it affects (chosen on each proposal)"),
        ],
        initial=Scope.COALITION,
        error_messages={"required": "Choose who decides."},
    )
    # The rule, from fields.
    method = forms.ChoiceField(label="Method", choices=_choices(METHOD_WORDS), initial="consensus")
    unit = forms.ChoiceField(label="Who responds", choices=_choices(UNIT_WORDS), initial="people")
    weighting = forms.ChoiceField(label="Weighting", choices=_choices(WEIGHTING_WORDS), initial="equal")
    base = forms.ChoiceField(
        label="Share counted",
        choices=_choices(BASE_WORDS),
        initial="decided",
        help_text="Majority and super-majority only.",
    )
    threshold = _share_field("Threshold", "Super-majority only: the share needed, like 2/3, 75% or 0.9.")
    quorum = _share_field("Quorum", "The share of those eligible who must take part, like 1/2. Leave empty for none.")
    quorum_by = forms.ChoiceField(
        label="Quorum counted by",
        choices=[("count", "Number of units"), ("weight", "Their weight")],
        initial="count",
    )
    blocks = forms.ChoiceField(
        label="Blocks that can be overruled",
        widget=forms.RadioSelect,
        choices=[
            ("none", "None: under consensus or fist-to-five any block stops it; majority votes take no blocks"),
            ("fixed", "A fixed number (consensus minus one: 1)"),
            ("per_units", "One per so many eligible units (Radical Routes: one per 12 member groups)"),
        ],
        initial="none",
    )
    blocks_allowed = _count_field("How many blocks can be overruled")
    blocks_per_units = _count_field("One block overruled per how many units", minimum=1)
    max_stand_asides = _count_field(
        "Most stand asides", "Consensus only: with more, it needs discussion. Leave empty for no limit."
    )
    fist_block = _count_field("A block at or below", "Fist-to-five only: default 0 (a fist).")
    fist_concern = _count_field("A concern at or below", "Fist-to-five only: default 2.")
    fist_max_concerns = _count_field("Most concerns", "Fist-to-five only: default 0; with more, it needs discussion.")
    dots = _count_field("Dots each", "Dot vote only: default 10.", minimum=1)
    max_score = _count_field("Highest score", "Score vote only: default 5.", minimum=1)
    fallback_after = _count_field(
        "Fallback after how many failed rounds", "Leave empty for no fallback rule.", minimum=1
    )
    fallback_method = forms.ChoiceField(
        label="Fallback method", choices=[("", "No fallback"), *_choices(METHOD_WORDS)], required=False
    )
    fallback_unit = forms.ChoiceField(
        label="Fallback: who responds",
        choices=[("", "The same as the main rule"), *_choices(UNIT_WORDS)],
        required=False,
    )
    fallback_threshold = _share_field("Fallback threshold", "For a super-majority fallback, like 9/10.")
    fallback_quorum = _share_field("Fallback quorum", "Leave empty for none.")
    # The rule as JSON.
    use_json = forms.BooleanField(
        label="Use the rule as JSON below instead of the fields above",
        required=False,
        help_text="For rules the fields cannot express; see the decision rules reference.",
    )
    rule_json = forms.CharField(
        label="Advanced: the rule as JSON",
        required=False,
        max_length=RULE_JSON_MAX,
        widget=_textarea(8, spellcheck="false", **{"class": "code"}),
    )
    error_fields = {"rule": "rule_json"}

    STRUCTURED = (
        "method", "unit", "weighting", "base", "threshold", "quorum", "quorum_by", "blocks", "blocks_allowed",
        "blocks_per_units", "max_stand_asides", "fist_block", "fist_concern", "fist_max_concerns", "dots",
        "max_score", "fallback_after", "fallback_method", "fallback_unit", "fallback_threshold", "fallback_quorum",
    )  # fmt: skip

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["key"]

    @classmethod
    def initial_for(cls, kind: DecisionKind | None) -> dict[str, Any]:
        if kind is None:
            rule = {"method": "consensus", "unit": "people"}
            initial: dict[str, Any] = {"scope": Scope.COALITION}
        else:
            rule = kind.rule
            initial = {"name": kind.name, "description": kind.description, "scope": kind.scope}
        initial["rule_json"] = json.dumps(rule, indent=2)
        fields = fields_from_rule(rule)
        initial |= fields
        initial["use_json"] = not _same_rule(rule_from_fields(fields), rule)
        return initial

    def rule(self) -> Any:
        """The rule as typed: the JSON (parsed, or the text itself when it is not JSON) or built from the fields."""
        data = self.cleaned_data
        if data.get("use_json"):
            return read_json(data["rule_json"])  # read once already by clean(), so it can be read
        return rule_from_fields(data)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("use_json"):
            text = (data.get("rule_json") or "").strip()
            if not text:
                self.add_error(
                    "rule_json", "Give the rule as JSON, or untick “use the rule as JSON” to use the fields."
                )
            else:
                try:
                    read_json(text)
                except ValidationError as error:
                    self.add_error("rule_json", error)
        else:
            if data.get("blocks") == "fixed" and data.get("blocks_allowed") is None:
                self.add_error("blocks_allowed", "Enter how many blocks can be overruled, like 1.")
            if data.get("blocks") == "per_units" and data.get("blocks_per_units") is None:
                self.add_error("blocks_per_units", "Enter the number of units per block overruled, like 12.")
            if data.get("fallback_after") is not None and not data.get("fallback_method"):
                self.add_error("fallback_method", "Choose the method of the fallback rule.")
            if data.get("fallback_method") and data.get("fallback_after") is None:
                self.add_error("fallback_after", "Enter after how many failed rounds the fallback applies, like 3.")
        return data

    def place_error(self, error: ActionError) -> tuple[str | None, str]:
        path = error.field or ""
        if path.startswith("rule"):
            if not self.cleaned_data.get("use_json"):
                field = RULE_FIELD_FOR_PATH.get(path)
                if field is None and path.startswith("rule.fallback"):
                    field = "fallback_after"
                if field is not None:
                    return field, error.message
            return "rule_json", f"{error.message} (at {path})"
        return super().place_error(error)


def rule_from_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The rule JSON the structured fields describe; only the keys that the method takes, or that were typed."""
    method = data.get("method") or "consensus"
    rule: dict[str, Any] = {"method": method, "unit": data.get("unit") or "people"}
    rule["weighting"] = data.get("weighting") or "equal"
    if method in ("majority", "supermajority"):
        rule["base"] = data.get("base") or "decided"
    if (data.get("threshold") or "").strip():
        rule["threshold"] = data["threshold"].strip()
    if (data.get("quorum") or "").strip():
        rule["quorum"] = data["quorum"].strip()
        rule["quorum_by"] = data.get("quorum_by") or "count"
    if data.get("blocks") == "fixed" and data.get("blocks_allowed") is not None:
        rule["blocks_allowed"] = data["blocks_allowed"]
    elif data.get("blocks") == "per_units" and data.get("blocks_per_units") is not None:
        rule["blocks_per_units"] = data["blocks_per_units"]
    if data.get("max_stand_asides") is not None:
        rule["max_stand_asides"] = data["max_stand_asides"]
    fist = {
        key: data.get(name)
        for key, name in (
            ("block_at_or_below", "fist_block"),
            ("concern_at_or_below", "fist_concern"),
            ("max_concerns", "fist_max_concerns"),
        )
        if data.get(name) is not None
    }
    if fist:
        rule["fist_to_five"] = fist
    if data.get("dots") is not None:
        rule["dots"] = data["dots"]
    if data.get("max_score") is not None:
        rule["max_score"] = data["max_score"]
    if data.get("fallback_method"):
        fallback: dict[str, Any] = {
            "method": data["fallback_method"],
            "unit": data.get("fallback_unit") or rule["unit"],
        }
        if (data.get("fallback_threshold") or "").strip():
            fallback["threshold"] = data["fallback_threshold"].strip()
        if (data.get("fallback_quorum") or "").strip():
            fallback["quorum"] = data["fallback_quorum"].strip()
        rule["fallback"] = {"after_failed_rounds": data.get("fallback_after"), "rule": fallback}
    return rule


def fields_from_rule(rule_json: Any) -> dict[str, Any]:
    """The structured fields' initial values for a rule (what they cannot show stays in the JSON)."""
    try:
        rule = parse_rule(rule_json)
    except GovernanceError:
        return {}
    data = rule_to_json(rule)
    fields: dict[str, Any] = {
        "method": rule.method,
        "unit": rule.unit,
        "weighting": rule.weighting,
        "base": rule.base,
        "threshold": data.get("threshold", ""),
        "quorum": data.get("quorum", ""),
        "quorum_by": rule.quorum_by,
        "blocks": "fixed" if rule.blocks_allowed is not None else "per_units" if rule.blocks_per_units else "none",
        "blocks_allowed": rule.blocks_allowed,
        "blocks_per_units": rule.blocks_per_units,
        "max_stand_asides": rule.max_stand_asides,
    }
    if rule.method == "fist_to_five":
        fields |= {
            "fist_block": rule.fist_to_five.block_at_or_below,
            "fist_concern": rule.fist_to_five.concern_at_or_below,
            "fist_max_concerns": rule.fist_to_five.max_concerns,
        }
    if rule.method == "dots":
        fields["dots"] = rule.dots
    if rule.method == "score":
        fields["max_score"] = rule.max_score
    if rule.fallback is not None:
        inner = rule_to_json(rule.fallback.rule)
        fields |= {
            "fallback_after": rule.fallback.after_failed_rounds,
            "fallback_method": inner["method"],
            "fallback_unit": inner["unit"],
            "fallback_threshold": inner.get("threshold", ""),
            "fallback_quorum": inner.get("quorum", ""),
        }
    return fields


def _same_rule(first: Any, second: Any) -> bool:
    try:
        return rule_to_json(parse_rule(first)) == rule_to_json(parse_rule(second))
    except GovernanceError:
        return False


class AgreedWeightForm(PlacesErrors, forms.Form):
    weight = forms.CharField(
        label="Agreed weight",
        required=False,
        max_length=40,
        # The hint is said once above the table (#weight-help), not in each row.
        widget=forms.TextInput(
            attrs={"class": "input--short", "autocomplete": "off", "aria-describedby": "weight-help"}
        ),
    )


# --- the rule simulator ------------------------------------------------------------------------------------------------

EXAMPLE_BALLOTS = {
    "eligible": [
        {"unit": "g1", "size": 40},
        {"unit": "g2", "size": 12},
        {"unit": "g3", "size": 3},
        {"unit": "g4", "size": 25},
    ],
    "stances": [
        {"unit": "g1", "position": "agree"},
        {"unit": "g2", "position": "agree"},
        {"unit": "g3", "position": "stand_aside"},
        {"unit": "g4", "position": "block", "reason": "It breaks our agreement on safety."},
    ],
}


class SimulatorForm(forms.Form):
    rule = forms.CharField(
        label="The rule, as JSON",
        required=False,
        max_length=RULE_JSON_MAX,
        help_text='Like {"method": "consensus", "unit": "groups", "blocks_allowed": 1}.',
        widget=_textarea(8, spellcheck="false", **{"class": "code"}),
    )
    ballots = forms.CharField(
        label="Ballots, as JSON",
        required=False,
        max_length=BALLOTS_JSON_MAX,
        help_text=(
            "Who is eligible (with their size, and weight under agreed weights), the options if any, the number of "
            "failed rounds so far, and the stances in the order given."
        ),
        widget=_textarea(12, spellcheck="false", **{"class": "code"}),
    )
    proposal = forms.ChoiceField(
        label="Or use the ballots of a past proposal",
        required=False,
        help_text=(
            "Its stances, with names replaced by u1, u2…; sizes and weights kept. Leave the rule empty to use the "
            "rule the proposal was decided under."
        ),
        error_messages={"invalid_choice": "Choose one of the proposals in the list."},
    )

    def __init__(self, *args: Any, past: Iterable[Proposal] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposal"].choices = [
            ("", "No: use the ballots typed above"),
            *((str(proposal.pk), f"{proposal.title} ({status_words(proposal.status)})") for proposal in past),
        ]

    def parse_json(self, field: str) -> Any:
        """The field's JSON, or None with the reason beside the field."""
        try:
            return read_json(self.cleaned_data[field])
        except ValidationError as error:
            self.add_error(field, error)
            return None
