"""Forms of the meeting notes page, the tasks page and the catch-up: each checks what it can itself and says what to
change; the actions (accord.meetings.actions) check the rest, and `place_error` puts their refusal beside the field
it names.

A task's owner is one choice among people and member groups (keys p12 and g3, as the decisions pages name units),
so "a person or a member group" is one required field with one clear error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from accord.coalitions.models import MemberGroup, Person
from accord.decisions.models import Proposal
from accord.meetings.models import AgendaItem, DigestPreference

from .decision_forms import PlacesErrors, unit_key_from

OWNER_REQUIRED = "Say who will do it: choose a person or a member group. A task without an owner is not done."


def _textarea(rows: int, **attrs: Any) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


class NotesForm(PlacesErrors, forms.Form):
    """One agenda item's notes, saved against the revision they were loaded at."""

    notes = forms.CharField(
        required=False,
        strip=False,
        max_length=50000,
        widget=_textarea(8),
        error_messages={"max_length": "Keep the notes on one item under 50,000 characters: split them up."},
    )
    base_revision = forms.CharField(required=False, max_length=12, widget=forms.HiddenInput)

    def revision(self) -> str:
        return str(self.cleaned_data.get("base_revision") or "").strip()


class AttendanceForm(PlacesErrors, forms.Form):
    present = forms.MultipleChoiceField(
        label="Who was there",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick everyone present. Those not ticked are recorded as absent, and their catch-up page shows "
        "them what they missed.",
    )

    def __init__(self, *args: Any, people: Iterable[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(str(person.pk), person.name) for person in people]
        self.fields["present"].error_messages["invalid_choice"] = (
            "Tick only current members of this coalition; reload the page if someone just joined or left."
        )


def _item_choices(items: Sequence[AgendaItem]) -> list[tuple[str, str]]:
    return [("", "No particular item")] + [
        (str(item.pk), f"{index}. {item.title}") for index, item in enumerate(items, start=1)
    ]


class DecisionForm(PlacesErrors, forms.Form):
    text = forms.CharField(
        label="What was decided",
        max_length=4000,
        widget=_textarea(3),
        error_messages={"required": "Write what was decided, in a sentence or two."},
    )
    item = forms.ChoiceField(label="On agenda item", required=False)
    proposal = forms.ChoiceField(
        label="Proposal decided",
        required=False,
        help_text="If the room decided one of the coalition's proposals, link it: its page shows the outcome.",
    )

    error_fields = {"item": "item", "proposal": "proposal"}

    def __init__(self, *args: Any, items: Sequence[AgendaItem], proposals: Iterable[Proposal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = _item_choices(items)
        self.fields["proposal"].choices = [("", "None")] + [(str(p.pk), p.title) for p in proposals]
        message = "Choose from the list; reload the page if it has changed."
        self.fields["item"].error_messages["invalid_choice"] = message
        self.fields["proposal"].error_messages["invalid_choice"] = message


class TaskForm(PlacesErrors, forms.Form):
    title = forms.CharField(
        label="Task",
        max_length=200,
        error_messages={"required": "Say what is to be done, such as “Book the hall for March”."},
    )
    owner = forms.ChoiceField(
        label="Who will do it",
        help_text="A person, or a member group that decides who among them does it.",
        error_messages={"required": OWNER_REQUIRED},
    )
    due_on = forms.DateField(
        label="Due by",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Give the due date as a date, such as 2026-12-01."},
    )
    item = forms.ChoiceField(label="On agenda item", required=False)

    error_fields = {"owner_person": "owner", "owner_group": "owner"}

    def __init__(
        self,
        *args: Any,
        people: Iterable[Person],
        groups: Iterable[MemberGroup],
        items: Sequence[AgendaItem] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.people = {person.pk: person for person in people}
        self.groups = {group.pk: group for group in groups}
        self.fields["owner"].choices = [
            ("", "Choose…"),
            ("People", [(f"p{pk}", person.name) for pk, person in self.people.items()]),
            ("Member groups", [(f"g{pk}", group.name) for pk, group in self.groups.items()]),
        ]
        self.fields["owner"].error_messages["invalid_choice"] = (
            "Choose a current member or member group from the list; reload the page if it has changed."
        )
        self.fields["item"].choices = _item_choices(items)
        self.fields["item"].error_messages["invalid_choice"] = "Choose from the list; reload the page if it changed."

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if "\n" in title or "\r" in title:
            raise ValidationError("Keep the task on one line; details go in the notes.")
        return title

    def clean_due_on(self) -> date | None:
        value = self.cleaned_data.get("due_on")
        if value is not None and not 2000 <= value.year <= 2100:
            raise ValidationError("Give a due date between 2000 and 2100.")
        return value

    def owners(self) -> dict[str, Any]:
        key = unit_key_from(self.cleaned_data.get("owner", ""))
        if key.startswith("p"):
            return {"owner_person": self.people.get(int(key[1:]))}
        if key.startswith("g"):
            return {"owner_group": self.groups.get(int(key[1:]))}
        return {}


class CompleteTaskForm(PlacesErrors, forms.Form):
    note = forms.CharField(
        label="A note on how it went",
        required=False,
        max_length=2000,
        widget=_textarea(2),
        help_text="Such as where to find what was made, or what is left to do.",
    )


class ReopenTaskForm(PlacesErrors, forms.Form):
    reason = forms.CharField(label="Why it is reopened", required=False, max_length=2000, widget=_textarea(2))


class DigestForm(PlacesErrors, forms.Form):
    frequency = forms.ChoiceField(
        label="Email me this catch-up",
        choices=[
            (DigestPreference.Frequency.NEVER, "Never"),
            (DigestPreference.Frequency.DAILY, "Every day (when something happened)"),
            (DigestPreference.Frequency.WEEKLY, "Every week"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how often: never, every day or every week."},
    )


class SinceForm(forms.Form):
    since = forms.DateField(
        label="Show what happened since",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Give a date, such as 2026-03-01."},
    )

    def clean_since(self) -> date | None:
        value = self.cleaned_data.get("since")
        if value is not None and not 2000 <= value.year <= 2100:
            raise ValidationError("Give a date between 2000 and 2100.")
        return value
