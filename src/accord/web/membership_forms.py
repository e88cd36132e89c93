"""The forms of the joining and leaving pages, the audit log filter and the API token page.

They only parse what the person typed: the actions check it and say what to change, and
`accord.web.action_forms.show_error` puts that message beside the field. So most fields are `required=False`
here, and the field names match the actions' argument names (`answers.0` -> `answers_0`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms

from accord.web.decision_forms import LocalMomentField, PlacesErrors, TimeZoneFields, moment_help
from accord.web.forms import LARGEST_KEY

REASON_MAX = 4000
SIGN_ON_REQUIRED = (
    "To apply, sign on to the unity statement, the principles and what it means to be in, as every member has."
)


def _textarea(rows: int = 4, **attrs: Any) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


def _never_required(initial: Any) -> bool:
    return False


class CheckedByAction(forms.CharField):
    """Text the action requires and checks, with its own message: the page shows no "(optional)" beside it.

    `conditional=True` is for text needed only in some cases (the group's name when applying as a group, the
    reason when declining): the input then carries no `required` attribute either.
    """

    def __init__(self, *, conditional: bool = False, **kwargs: Any) -> None:
        super().__init__(required=True, **kwargs)
        if conditional:
            self.widget.use_required_attribute = _never_required  # type: ignore[method-assign]

    def validate(self, value: Any) -> None:
        """Leave the emptiness check to the action, so its message is the one shown."""


class ApplicationForm(forms.Form):
    """Apply to join, as a member group or as an individual, answering the coalition's membership questions."""

    kind = forms.ChoiceField(
        label="You apply",
        widget=forms.RadioSelect,
        choices=[
            ("group", "As a member group: an organisation or group that joins and sends delegates"),
            ("individual", "As an individual member, in your own right"),
        ],
        error_messages={"required": "Choose whether you apply as a member group or as an individual."},
    )
    group_name = CheckedByAction(
        label="The group's name",
        conditional=True,
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    group_description = forms.CharField(
        label="What the group does",
        required=False,
        max_length=4000,
        help_text="A few sentences other members will read.",
        widget=_textarea(3),
    )
    group_size = CheckedByAction(
        label="How many people the group represents",
        conditional=True,
        max_length=12,
        help_text="A whole number, like 12.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input--short"}),
    )
    contact_email = forms.CharField(
        label="Contact email",
        required=False,
        max_length=254,
        help_text="Where the coalition writes to you about this application.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    signs_on = forms.BooleanField(
        label="We sign on to the unity statement, the principles and what it means to be in",
        required=True,
        error_messages={"required": SIGN_ON_REQUIRED},
    )

    def __init__(
        self,
        *args: Any,
        questions: Sequence[str] = (),
        group_only: bool = False,
        versions: Sequence[Any] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if versions:
            self.fields["signs_on"].label = (
                "We sign on to the unity statement, the principles and what it means to be in (versions: "
                + "; ".join(f"{version.title}, version {version.number}" for version in versions)
                + ")"
            )
        if group_only:
            # A member applies only to bring a new member group in; the action refuses "individual" for members.
            self.fields["kind"].widget = forms.HiddenInput()
            self.fields["kind"].initial = "group"
        self.question_names: list[str] = []
        for index, question in enumerate(questions):
            name = f"answers_{index}"
            self.fields[name] = CheckedByAction(label=question, max_length=4000, widget=_textarea(4))
            self.question_names.append(name)

    def group_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("group_name", "group_description", "group_size")]

    def answer_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.question_names]

    def answers(self) -> list[str]:
        return [self.cleaned_data.get(name, "") for name in self.question_names]


class ReasonForm(forms.Form):
    """An optional reason, for leaving the coalition, taking a group out, or leaving a member group."""

    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=REASON_MAX,
        widget=_textarea(4),
        help_text="Other members can read it in the audit log.",
    )

    def __init__(self, *args: Any, label: str = "", help_text: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label
        if help_text:
            self.fields["reason"].help_text = help_text


class InvitationForm(forms.Form):
    """Make an invitation link, optionally sent by email, to a member group, as an individual, or to claim a record."""

    email = forms.CharField(
        label="Email address",
        required=False,
        max_length=254,
        help_text="We send the link there. Leave it empty to copy the link and send it yourself.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    # An integer with a select widget, not a choice field: the view looks the group up in the coalition and the
    # action says who may invite to it, so a delegate choosing another group is refused (403), not "invalid".
    member_group = forms.IntegerField(
        label="Member group",
        required=False,
        min_value=1,
        max_value=LARGEST_KEY,  # a larger number names no group (and SQLite could not even look for it)
        widget=forms.Select,
        help_text="The group the person joins.",
        error_messages={
            "invalid": "Choose a member group from the list.",
            "min_value": "Choose a member group from the list.",
            "max_value": "Choose a member group from the list.",
        },
    )
    as_delegate = forms.BooleanField(
        label="As a delegate of the group",
        required=False,
        help_text="Delegates carry the group's positions and can act for it.",
    )
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    valid_days = forms.IntegerField(
        label="Valid for how many days",
        initial=14,
        required=False,
        help_text="From 1 to 90 days. After that the link stops working.",
        error_messages={"invalid": "Enter the number of days as a whole number, like 14."},
        widget=forms.NumberInput(attrs={"class": "input--short", "inputmode": "numeric"}),
    )

    def __init__(
        self,
        *args: Any,
        groups: Iterable[Any] = (),
        individual_allowed: bool = True,
        claim_name: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[Any, str]] = [(group.pk, group.name) for group in groups]
        field = self.fields["member_group"]
        if individual_allowed:
            choices.insert(0, ("", "No group: they join as an individual member"))
        else:
            field.required = True
            field.error_messages["required"] = "Choose the member group to invite them to."
            field.help_text = "Delegates invite people to their own groups."
        field.widget.choices = choices
        if claim_name:
            # A claim invitation neither adds to a group nor makes a delegate: the record already says where they are.
            del self.fields["member_group"]
            del self.fields["as_delegate"]
            self.fields["email"].help_text = (
                f"We send the link there; leave it empty to use {claim_name}'s recorded address, if any, "
                "or to copy the link and send it yourself."
            )


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("", "Everything"),
            ("coalition", "The coalition's settings"),
            ("member_group", "Member groups"),
            ("person", "People"),
            ("affiliation", "Group memberships"),
            ("invitation", "Invitations"),
            ("application", "Applications"),
            ("proposal", "Proposals and their rounds"),
            ("stance", "Stances given"),
            ("decision_kind", "Decision kinds and their rules"),
            ("agreed_weight", "Agreed weights"),
        ],
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        required=False,
        max_length=100,
        help_text="What the token is for, like “Spreadsheet sync”. Leave empty for a dated name.",
    )


class AskToLeaveForm(PlacesErrors, TimeZoneFields):
    """Ask the coalition to decide that a member group or an individual member leave, naming the agreement at stake.

    `member` holds a unit key (g<id> for a member group, p<id> for an individual member); the view looks it up in
    the coalition, so a made-up or another coalition's key is refused beside the field.
    """

    error_fields = {"member_group": "member", "person": "member", "text": "text", "rests_on": "rests_on"}

    member = forms.ChoiceField(
        label="Which member",
        help_text="A member group, or an individual member. People in a member group leave with it.",
        error_messages={
            "required": "Choose the member group or individual member the coalition should decide on.",
            "invalid_choice": "Choose a current member group or individual member from the list.",
        },
    )
    rests_on = forms.ChoiceField(
        label="The agreement this rests on",
        help_text="The agreed rule you believe is at stake. Its text in force goes into the proposal.",
        error_messages={
            "required": "Choose the agreement the request rests on.",
            "invalid_choice": "Choose one of this coalition's agreements from the list.",
        },
    )
    text = CheckedByAction(
        label="What happened, and why the agreement is at stake",
        max_length=REASON_MAX,
        help_text="Everyone deciding reads it, including the member concerned. Markdown works.",
        widget=_textarea(8),
    )
    closes_at = LocalMomentField(
        label="Closes at",
        what="the closing time",
        error_messages={"required": "Enter when the decision closes."},
    )
    field_order = ["member", "rests_on", "text", "closes_at"]

    def __init__(
        self,
        *args: Any,
        groups: Iterable[Any] = (),
        individuals: Iterable[Any] = (),
        agreements: Iterable[Any] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        group_choices = [(f"g{group.pk}", group.name) for group in groups]
        person_choices = [(f"p{person.pk}", person.name) for person in individuals]
        choices: list[Any] = [("", "Choose a member")]
        if group_choices:
            choices.append(("Member groups", group_choices))
        if person_choices:
            choices.append(("Individual members", person_choices))
        self.fields["member"].choices = choices
        self.fields["rests_on"].choices = [("", "Choose an agreement")] + [
            (str(row.agreement.pk), f"{row.version.title} (version {row.version.number})") for row in agreements
        ]
        self.fields["closes_at"].help_text = moment_help()

    def closing(self) -> Any:
        return self.aware(self.cleaned_data["closes_at"])
