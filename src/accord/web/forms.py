"""The forms of the core pages (coalitions, member groups, people).

Forms only parse input into the types an action takes; the action checks the content and its refusal is shown
beside the field it names (accord.web.action_forms.attempt). "Required" messages say what to enter, like the
actions' own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from accord.coalitions.models import MemberGroup

# The largest key a row can have: a 64-bit signed integer on every database Accord runs on. A larger number (or
# anything but digits) names no row; asking SQLite about it would fail instead of finding nothing.
LARGEST_KEY = 2**63 - 1


def _required(message: str) -> dict[str, str]:
    return {"required": message}


class CoalitionForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=120,
        error_messages=_required("Enter the coalition's name."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    purpose = forms.CharField(
        label="Purpose",
        max_length=2000,
        help_text="A short statement of what the coalition is for. Anyone can read it, including people thinking of joining.",
        error_messages=_required("Enter the coalition's purpose."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    membership_questions = forms.CharField(
        label="Membership questions",
        required=False,
        max_length=4000,
        help_text="Questions a group or person answers when applying to join, one per line.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


SIZE_ERRORS = {
    "required": "Enter how many people the group represents, a whole number of 1 or more.",
    "invalid": "Enter how many people the group represents as a whole number, like 12.",
    "min_value": "Enter a number of people between 1 and 10,000,000.",
    "max_value": "Enter a number of people between 1 and 10,000,000.",
}


class MemberGroupForm(forms.Form):
    name = forms.CharField(
        label="Name of the group",
        max_length=120,
        error_messages=_required("Enter the group's name."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    size = forms.IntegerField(
        label="Size",
        min_value=1,
        max_value=10_000_000,
        help_text="How many people the group represents, as a whole number.",
        error_messages=SIZE_ERRORS,
        # A text box with a numeric keyboard, not type=number (which hides typos and misreads scroll-wheel turns).
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input--short", "autocomplete": "off"}),
    )
    description = forms.CharField(
        label="Description", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    contact_name = forms.CharField(
        label="Contact person",
        required=False,
        max_length=200,
        help_text="Who to contact about the group. Only members of the coalition see this.",
    )
    contact_email = forms.EmailField(
        label="Contact email address",
        required=False,
        error_messages={"invalid": "Enter a valid email address, like name@example.org."},
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class GroupChoiceField(forms.ModelMultipleChoiceField):
    """Member groups ticked in a list. A value that cannot be a group's key (not digits, or out of range) is a
    choice not in the list, refused with the same message as any other (never a database error)."""

    default_error_messages = {
        "invalid_choice": "Choose only member groups in the list.",
        "invalid_pk_value": "Choose only member groups in the list.",
        "invalid_list": "Choose only member groups in the list.",
    }

    def label_from_instance(self, obj: MemberGroup) -> str:
        return obj.name

    def _check_values(self, value: Sequence[Any]) -> Any:
        for given in value:
            text = str(given).strip()
            # (Length first: Python refuses to read an integer of thousands of digits.)
            if not (
                len(text) <= len(str(LARGEST_KEY))
                and text.isascii()
                and text.isdigit()
                and 1 <= int(text) <= LARGEST_KEY
            ):
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": given}
                )
        return super()._check_values(value)


class PersonDetailsForm(forms.Form):
    """A person's own details, as recorded and as edited later."""

    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages=_required("Enter the person's name."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        help_text="Kept for contact; signing in uses the account's own address.",
        error_messages={"invalid": "Enter a valid email address, like name@example.org."},
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    is_individual_member = forms.BooleanField(
        label="An individual member",
        required=False,
        help_text="A member in their own right, not only through a member group.",
    )


class PersonForm(PersonDetailsForm):
    """Record a person, who may have no account."""

    member_groups = GroupChoiceField(
        label="Member groups they belong to",
        queryset=MemberGroup.objects.none(),
        required=False,
        help_text="Choose at least one, or record them as an individual member below.",
        widget=forms.CheckboxSelectMultiple,
    )
    delegate_of = GroupChoiceField(
        label="Member groups they are a delegate of",
        queryset=MemberGroup.objects.none(),
        required=False,
        help_text="A delegate carries their group's positions. Choosing a group here also makes them a member of it.",
        widget=forms.CheckboxSelectMultiple,
    )
    field_order = ["name", "email", "member_groups", "delegate_of", "is_individual_member"]

    def __init__(self, *args: object, groups: Iterable[MemberGroup], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["email"].help_text = "Kept for contact, and used if you invite them to claim this record."
        self.fields["member_groups"].queryset = groups  # type: ignore[attr-defined]
        self.fields["delegate_of"].queryset = groups  # type: ignore[attr-defined]


class PersonEditForm(PersonDetailsForm):
    """A person edits their own details; only coordinators see whether they are an individual member."""

    def __init__(self, *args: object, coordinator: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not coordinator:
            del self.fields["is_individual_member"]


class GroupSelectField(forms.ModelChoiceField):
    def label_from_instance(self, obj: MemberGroup) -> str:
        return obj.name


class AddToGroupForm(forms.Form):
    member_group = GroupSelectField(
        label="Member group",
        queryset=MemberGroup.objects.none(),
        empty_label="Choose a member group",
        error_messages={
            "required": "Choose the member group to add them to.",
            "invalid_choice": "Choose one of the member groups in the list.",
        },
    )
    is_delegate = forms.BooleanField(label="As a delegate of this group", required=False)

    def __init__(self, *args: object, groups: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["member_group"].queryset = groups  # type: ignore[attr-defined]


class SwitchForm(forms.Form):
    """A yes/no switch posted by one button: `value` is "1" to turn on, "0" to turn off."""

    value = forms.TypedChoiceField(
        choices=[("1", "On"), ("0", "Off")],
        coerce=lambda value: value == "1",
        error_messages={"required": "Choose on or off.", "invalid_choice": "Choose on or off."},
    )


class SearchForm(forms.Form):
    q = forms.CharField(label="Search by name", required=False, max_length=120)
    former = forms.BooleanField(label="Include former members", required=False)
