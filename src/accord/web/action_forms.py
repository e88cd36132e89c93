"""How a page hands a form's input to an action and shows the action's refusal beside the right field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms

from accord.errors import ActionError, Invalid

Result = TypeVar("Result")


def show_error(form: forms.Form, error: ActionError) -> None:
    """Put the action's message on the field it names (mapping dotted API names like `answers.0`), else on top.
    A form with `place_error` (decision_forms.PlacesErrors) says itself which of its fields that is."""
    place = getattr(form, "place_error", None)
    if place is not None:
        form.add_error(*place(error))
        return
    field = (error.field or "").replace(".", "_")
    if field in form.fields:
        form.add_error(field, error.message)
    else:
        form.add_error(None, error.message)


def attempt(form: forms.Form, action: Callable[..., Result], /, **arguments: Any) -> Result | None:
    """Run the action; on refusal, attach the message to the form and return None.

    Only refusals that concern the input (invalid, conflict) are shown in the form; a refusal of permission or a
    missing object propagates to ActionErrorPageMiddleware, which renders the refused page with its status.
    """
    try:
        return action(**arguments)
    except ActionError as error:
        if error.status in (Invalid.status, 400, 409):
            show_error(form, error)
            return None
        raise


def form_status(*forms: Any) -> int:
    """422 when a form comes back with errors (what to change is beside each field), else 200."""
    return 422 if any(form is not None and form.is_bound and form.errors for form in forms) else 200
