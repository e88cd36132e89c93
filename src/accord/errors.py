"""The errors actions raise. Pages show them beside the field; the API turns them into its one JSON error shape."""

from __future__ import annotations


class ActionError(Exception):
    """A refused action: `message` says what to change, `field` names the input at fault when there is one."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class Invalid(ActionError):
    """The input cannot be used as given."""

    status = 422
    code = "invalid"


class NotAllowed(ActionError):
    """The actor may not do this."""

    status = 403
    code = "not_allowed"


class NotSignedIn(ActionError):
    """The action needs a signed-in person."""

    status = 401
    code = "not_signed_in"


class NotFound(ActionError):
    """There is no such thing, or the actor may not know that it exists."""

    status = 404
    code = "not_found"


class Conflict(ActionError):
    """The action does not fit the current state (already done, already decided, a duplicate)."""

    status = 409
    code = "conflict"
