"""The forms of the red-lines page: stating a red line, changing one. The actions check the text and say what to
change; `accord.web.action_forms.attempt` puts that message beside the field."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from accord.web.forms import LARGEST_KEY
from accord.web.membership_forms import CheckedByAction

RED_LINE_MAX = 2000
RED_LINE_HELP = (
    "What your group cannot accept, in a sentence or two, so that anyone proposing something can see it. "
    f"At most {RED_LINE_MAX:,} characters."
)


class RedLineForm(forms.Form):
    """A red line's text; when stating one, the member group it belongs to (hidden when there is only one)."""

    member_group = forms.IntegerField(
        label="For the member group",
        required=False,
        min_value=1,
        max_value=LARGEST_KEY,
        widget=forms.Select,
        error_messages={
            "invalid": "Choose a member group from the list.",
            "min_value": "Choose a member group from the list.",
            "max_value": "Choose a member group from the list.",
        },
    )
    text = CheckedByAction(label="The red line", max_length=RED_LINE_MAX, help_text=RED_LINE_HELP)

    def __init__(self, *args: Any, groups: Iterable[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].widget = forms.Textarea(attrs={"rows": 3})
        if groups is None:
            del self.fields["member_group"]
            return
        choices = [(group.pk, group.name) for group in groups]
        field = self.fields["member_group"]
        field.required = True
        field.error_messages["required"] = "Choose the member group whose red line this is."
        if len(choices) == 1:
            field.widget = forms.HiddenInput()
            field.initial = choices[0][0]
        else:
            field.widget.choices = [("", "Choose a group")] + choices
