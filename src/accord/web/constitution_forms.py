"""The forms of the constitution pages: editing the draft, the founding decision, proposing and rebasing an
amendment, comparing two versions, and flagging a red line on a proposal.

As everywhere, forms only parse what was typed; the agreements actions check it and say what to change. An
amendment page shows two forms in one <form>: `AmendmentForm` (title, why, closing time) and the change itself
(`AgreementChangeForm`, `NewAgreementForm`, the decision-kind editor `DecisionKindForm`, `TermsForm` or
`WeightForm`); `place_amendment_error` puts an action's refusal beside the field of whichever form it belongs to
(the actions name the change's fields `change.text`, `change.rule.quorum`, ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from accord.agreements.models import Agreement
from accord.errors import ActionError, Invalid

from .decision_forms import (
    TEXT_MAX,
    DecisionKindForm,
    LocalMomentField,
    PlacesErrors,
    TimeZoneFields,
    moment_help,
)

TITLE_MAX = 200
NOTE_MAX = 2000
MARKDOWN_HELP = (
    "Markdown works: ## for a heading, **bold**, *italics*, lists starting with “- ”, links as [words](https://…)."
)


def _textarea(rows: int, **attrs: Any) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


def _days_field(label: str, help_text: str) -> forms.CharField:
    # Typed as text: the action reads the number and says what to change (“between 0 and 3650 days”).
    return forms.CharField(
        label=label,
        max_length=12,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input--short", "autocomplete": "off"}),
        error_messages={"required": "Enter a whole number of days, like 14."},
    )


# --- the draft --------------------------------------------------------------------------------------------------------


class AgreementTextForm(PlacesErrors, forms.Form):
    """An agreement's title and text: the draft's editor, and the change an amendment proposes."""

    title = forms.CharField(label="Title", max_length=TITLE_MAX, error_messages={"required": "Enter a title."})
    text = forms.CharField(
        label="Text",
        max_length=TEXT_MAX,
        help_text=MARKDOWN_HELP,
        widget=_textarea(16),
        error_messages={"required": "Enter the agreement's text."},
    )


class NewAgreementForm(AgreementTextForm):
    category = forms.ChoiceField(
        label="What kind of agreement it is",
        choices=Agreement.Category.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of agreement it is."},
    )
    members_confirm = forms.BooleanField(
        label="Members sign on to it when they join, and re-confirm it whenever it changes",
        required=False,
    )


class TermsForm(PlacesErrors, forms.Form):
    induction_days = _days_field(
        "Induction period (days)",
        "How long a newly admitted member spends in induction before counting in decisions. 0 for none.",
    )
    admission_days = _days_field("Admission decisions stay open (days)", "How long the coalition has to decide.")
    red_line_review_days = _days_field(
        "Red lines are re-confirmed every (days)", "Member groups are reminded when theirs are due."
    )
    concerned_member_takes_part = forms.BooleanField(
        label="A member asked to leave takes part in that decision", required=False
    )

    def terms(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}

    @classmethod
    def initial_for(cls, terms: Any) -> dict[str, Any]:
        return {name: getattr(terms, name) for name in cls.base_fields}


class FoundingForm(PlacesErrors, TimeZoneFields):
    closes_at = LocalMomentField(
        label="The founding decision closes at",
        what="the closing time",
        error_messages={"required": "Enter when the founding decision closes."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["closes_at"].help_text = moment_help(
            "Give the founding member groups time to read the whole draft and talk it over. "
        )


# --- amendments -------------------------------------------------------------------------------------------------------


class AmendmentForm(PlacesErrors, TimeZoneFields):
    """What every amendment has besides its change: a title, why, and when the decision closes."""

    title = forms.CharField(
        label="Title",
        max_length=TITLE_MAX,
        help_text="A short statement of the change, like “Budget decisions by a 3/4 majority”.",
        error_messages={"required": "Enter a title."},
    )
    explanation = forms.CharField(
        label="Why",
        required=False,
        max_length=4000,
        help_text="Why the coalition should make this change. Everyone deciding reads it above the change.",
        widget=_textarea(5),
    )
    closes_at = LocalMomentField(
        label="Closes at", what="the closing time", error_messages={"required": "Enter the closing time."}
    )
    field_order = ["title", "explanation", "closes_at"]

    def __init__(self, *args: Any, rebase: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["closes_at"].help_text = moment_help()
        if rebase:
            del self.fields["title"]
            self.fields["closes_at"].label = "The new round closes at"


class AgreementChangeForm(AgreementTextForm):
    """An amendment to an agreement: the whole new text, prefilled with the text in force."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].label = "The agreement's title"
        self.fields["text"].label = "The agreement's text, as amended"
        self.fields["text"].help_text = "Change the text in force below. " + MARKDOWN_HELP

    def change(self) -> dict[str, Any]:
        return {"title": self.cleaned_data["title"], "text": self.cleaned_data["text"]}


class NewAgreementChangeForm(NewAgreementForm):
    def change(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("title", "text", "category", "members_confirm")}


class KindChangeForm(DecisionKindForm):
    """A decision kind's name, description, scope and rule, as the amendment proposes them."""

    def change(self) -> dict[str, Any]:
        data = self.cleaned_data
        change = {"name": data["name"], "description": data["description"], "rule": self.rule(), "scope": data["scope"]}
        if "key" in self.fields and data.get("key"):
            change["key"] = data["key"]
        return change


class TermsChangeForm(TermsForm):
    def change(self) -> dict[str, Any]:
        return self.terms()


class WeightForm(PlacesErrors, forms.Form):
    weight = forms.CharField(
        label="Agreed weight",
        required=False,
        max_length=40,
        help_text="An exact number such as 2, 1.5 or 2/3; leave it empty to return to 1 (no agreed weight).",
        widget=forms.TextInput(attrs={"class": "input--short", "autocomplete": "off"}),
    )

    def change(self) -> dict[str, Any]:
        return {"weight": self.cleaned_data["weight"]}


def place_amendment_error(form: forms.Form, change_form: Any, error: ActionError) -> None:
    """Put an action's refusal beside the field it names, in the amendment form or in the change's form."""
    name = error.field or ""
    if name == "change" or name.startswith("change."):
        inner = name[len("change.") :] if name.startswith("change.") else ""
        if inner in ("", "rule") and not (inner == "rule" and change_form.cleaned_data.get("use_json")):
            change_form.add_error(None, error.message)
            return
        field, message = change_form.place_error(Invalid(error.message, field=inner))
        change_form.add_error(field, message)
        return
    field, message = form.place_error(error)  # type: ignore[attr-defined]
    form.add_error(field, message)


# --- comparing versions ---------------------------------------------------------------------------------------------


class CompareForm(forms.Form):
    """Two versions of an agreement to put side by side (a GET form; it changes nothing)."""

    def __init__(self, *args: Any, numbers: Sequence[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(number), f"Version {number}") for number in numbers]
        for name, label in (("from", "Compare version"), ("to", "with version")):
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=choices,
                error_messages={
                    "required": "Choose a version.",
                    "invalid_choice": "Choose one of the versions in the list.",
                },
            )


# --- red-line flags -----------------------------------------------------------------------------------------------


class RedLineFlagForm(PlacesErrors, forms.Form):
    red_line = forms.ChoiceField(
        label="The red line it touches",
        error_messages={
            "required": "Choose the red line this proposal touches.",
            "invalid_choice": "Choose one of the red lines in the list.",
        },
    )
    note = forms.CharField(
        label="How it touches it",
        required=False,
        max_length=NOTE_MAX,
        help_text="Optional. The group is told, and everyone sees the note beside the tally.",
        widget=_textarea(3),
    )

    def __init__(self, *args: Any, red_lines: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.red_lines = {str(row.red_line.pk): row.red_line for row in red_lines}
        grouped: dict[str, list[tuple[str, str]]] = {}
        for row in red_lines:
            text = row.red_line.text
            grouped.setdefault(row.red_line.member_group.name, []).append(
                (str(row.red_line.pk), text if len(text) <= 120 else text[:117] + "…")
            )
        self.fields["red_line"].choices = [("", "Choose a red line"), *grouped.items()]

    def chosen(self) -> Any:
        return self.red_lines[self.cleaned_data["red_line"]]
