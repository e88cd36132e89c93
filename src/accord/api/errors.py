"""The API's one JSON error shape, and the handlers that turn every refusal into it.

Every 4xx answer has the same body, so a client needs one code path for all of them::

    {"status": 422, "code": "invalid", "message": "Enter the group's name.",
     "errors": [{"field": "name", "message": "Enter the group's name."}]}

`message` says what to change, in words a person can act on; `errors` names the inputs at fault (empty when the
problem is not about one input). `code` is stable and meant for programs: invalid, bad_request, not_signed_in,
not_allowed, csrf_failed, not_found, method_not_allowed, conflict, too_many_requests, server_error.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from accord.errors import ActionError

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("accord.api")

SIGN_IN_MESSAGE = "Sign in, or send a personal API token as `Authorization: Bearer <token>`."
INVALID_TOKEN_MESSAGE = (
    "This API token is not valid: it may be mistyped or revoked. Create a new one on the Account → API tokens "
    "page, and send it as `Authorization: Bearer <token>`."
)
CSRF_MESSAGE = (
    "The CSRF check failed. When you use the session cookie, send the `csrftoken` cookie's value in the "
    "`X-CSRFToken` header; or send a personal API token as `Authorization: Bearer <token>` instead."
)
BAD_JSON_MESSAGE = (
    "The request body is not valid JSON. Check its quotes, commas and brackets, and send it with "
    "`Content-Type: application/json`."
)
SERVER_ERROR_MESSAGE = (
    "Something went wrong on the server. Check whether the change was made before trying again; if it keeps "
    "happening, tell the people who run this site (the error is in their log)."
)

CODES_BY_STATUS = {
    400: "bad_request",
    401: "not_signed_in",
    403: "not_allowed",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "too_many_requests",
}


class ApiFieldError(Schema):
    """One input at fault: `field` is the body field or query parameter, dotted when nested (`answers.1`)."""

    field: str
    message: str


class ApiError(Schema):
    """The body of every error response."""

    status: int
    code: str
    message: str
    errors: list[ApiFieldError]


class InvalidToken(AuthenticationError):
    """A bearer token was sent but matches no active token."""

    def __init__(self) -> None:
        super().__init__(401, INVALID_TOKEN_MESSAGE)


class CsrfFailed(HttpError):
    """A session-authenticated unsafe request came without a valid CSRF token."""

    def __init__(self) -> None:
        super().__init__(403, CSRF_MESSAGE)


def error_body(status: int, code: str, message: str, errors: Iterable[tuple[str, str]] = ()) -> dict[str, Any]:
    return {
        "status": status,
        "code": code,
        "message": message,
        "errors": [{"field": field, "message": text} for field, text in errors],
    }


# --- pydantic's input errors, in words that say what to change ----------------------------------------------

_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}


def _field_name(loc: Sequence[Any], body_params: frozenset[str]) -> str:
    parts = list(loc)
    if parts and parts[0] in _LOCATIONS:
        source = parts.pop(0)
        # A body schema is passed to the view as one named argument ("payload"); that name is ours, not the client's.
        if source == "body" and parts and parts[0] in body_params:
            parts.pop(0)
    return ".".join(str(part) for part in parts)


def _plural(count: Any, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def describe_input_error(error: dict[str, Any], field: str) -> str:
    """One pydantic error as an instruction."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        if not field:
            return "Send a JSON object as the request body, with this request's fields."
        return f"This field is required: give {field}."
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return "Give a whole number."
    if kind in {"float_parsing", "float_type", "decimal_parsing", "decimal_type"}:
        return "Give a number."
    if kind in {"bool_parsing", "bool_type"}:
        return "Give true or false."
    if kind in {"string_type", "string_unicode"}:
        return "Give text (a JSON string)."
    if kind in {"list_type", "tuple_type", "set_type"}:
        return "Give a list (a JSON array)."
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return "Send a JSON object with this request's fields."
    if kind in {"datetime_parsing", "datetime_type", "datetime_from_date_parsing"}:
        return "Give a date and time like 2025-03-01T18:30:00Z."
    if kind in {"date_parsing", "date_type", "date_from_datetime_parsing"}:
        return "Give a date like 2025-03-01."
    if kind == "greater_than_equal":
        return f"Give a number of {ctx.get('ge')} or more."
    if kind == "greater_than":
        return f"Give a number greater than {ctx.get('gt')}."
    if kind == "less_than_equal":
        return f"Give a number of {ctx.get('le')} or less."
    if kind == "less_than":
        return f"Give a number less than {ctx.get('lt')}."
    if kind == "string_too_long":
        return f"Shorten this to {_plural(ctx.get('max_length'), 'character')} or fewer."
    if kind == "string_too_short":
        return f"Enter at least {_plural(ctx.get('min_length'), 'character')}."
    if kind == "too_long":
        return f"Give at most {_plural(ctx.get('max_length'), 'item')}."
    if kind == "too_short":
        return f"Give at least {_plural(ctx.get('min_length'), 'item')}."
    if kind in {"literal_error", "enum"}:
        return f"Choose one of {ctx.get('expected')}."
    if kind == "extra_forbidden":
        return f"Remove {field}: this request does not take it."
    if kind in {"json_invalid", "json_type"}:
        return BAD_JSON_MESSAGE
    message = str(error.get("msg") or "This value cannot be used.")
    return message if message.endswith(".") else message + "."


def input_errors(errors: list[dict[str, Any]], body_params: frozenset[str] = frozenset()) -> dict[str, Any]:
    described = []
    for error in errors:
        field = _field_name(error.get("loc", ()), body_params)
        described.append((field, describe_input_error(error, field)))
    if len(described) == 1:
        message = described[0][1]
    else:
        fields = ", ".join(dict.fromkeys(field or "the request body" for field, _ in described))
        message = f"Correct {len(described)} problems, in {fields}: " + " ".join(text for _, text in described)
    # A problem with the body as a whole (not an object at all) names no field.
    return error_body(422, "invalid", message, [(field, text) for field, text in described if field])


# --- the handlers ----------------------------------------------------------------------------------------------


def install_error_handlers(api: NinjaAPI, *, body_params: Iterable[str] = ("payload",)) -> None:
    """Replace ninja's default handlers so that every error response has the one shape."""
    body_names = frozenset(body_params)

    def respond(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=body["status"])

    def on_action_error(request: HttpRequest, exc: ActionError) -> HttpResponse:
        errors = [(exc.field, exc.message)] if exc.field else []
        return respond(request, error_body(exc.status, exc.code, exc.message, errors))

    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return respond(request, input_errors(list(exc.errors), body_names))

    def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = exc.message if isinstance(exc, InvalidToken) else SIGN_IN_MESSAGE
        return respond(request, error_body(401, "not_signed_in", message))

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code
        if isinstance(exc, CsrfFailed):
            return respond(request, error_body(403, "csrf_failed", CSRF_MESSAGE))
        if status == 400:
            # The only 400 ninja raises is for a body it cannot parse.
            return respond(request, error_body(400, "bad_request", BAD_JSON_MESSAGE))
        message = str(exc) or "This request cannot be answered."
        if not message.endswith("."):
            message += "."
        return respond(request, error_body(status, CODES_BY_STATUS.get(status, "error"), message))

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(
            request,
            error_body(
                404,
                "not_found",
                f"There is nothing at {request.path}. Check the address; the endpoints are listed at "
                f"{api.get_root_path({})}{(api.docs_url or '').lstrip('/')}.",
            ),
        )

    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, error_body(403, "not_allowed", str(exc) or "You may not do this."))

    def on_integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        # A database constraint caught what the action's own checks let through: two requests at the same moment.
        logger.warning("Integrity error answered as a conflict: %s", exc)
        return respond(
            request,
            error_body(409, "conflict", "This clashes with a change made at the same moment. Reload and try again."),
        )

    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        return respond(
            request,
            error_body(
                413,
                "too_large",
                f"The request body is larger than this server accepts ({limit / 1_000_000:.1f} MB); send less at once.",
            ),
        )

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        if settings.DEBUG or getattr(settings, "TESTING", False):
            raise exc  # show the traceback to whoever is developing
        logger.exception("Unexpected error in %s %s", request.method, request.path)
        return respond(request, error_body(500, "server_error", SERVER_ERROR_MESSAGE))

    api.add_exception_handler(ActionError, on_action_error)
    api.add_exception_handler(ValidationError, on_validation_error)
    api.add_exception_handler(AuthenticationError, on_authentication_error)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(PermissionDenied, on_permission_denied)
    api.add_exception_handler(IntegrityError, on_integrity_error)
    api.add_exception_handler(RequestDataTooBig, on_too_big)
    api.add_exception_handler(Exception, on_unexpected)


def json_answers(api: NinjaAPI, view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wraps one of ninja's URL views so that the answers ninja makes outside its exception handlers (a method the
    address does not take; the bare /api/v1/ address) have the error shape too."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            response = view(request, *args, **kwargs)
        except Http404 as exc:
            return api.on_exception(request, exc)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        allowed = response["Allow"]
        answer = api.create_response(
            request,
            error_body(
                405,
                "method_not_allowed",
                f"{request.method} is not possible here; use "
                + " or ".join(sorted(method.strip() for method in allowed.split(",")))
                + ".",
            ),
            status=405,
        )
        answer["Allow"] = allowed
        return answer

    return wrapped


# --- the OpenAPI side ------------------------------------------------------------------------------------------

ERROR_RESPONSES = {
    400: "Bad request: the body is not valid JSON.",
    401: "Not signed in, or the API token is not valid.",
    403: "Not allowed: the caller's role in the coalition does not permit this, or the CSRF check failed.",
    404: "Not found: no such object in this coalition, or the caller may not know it exists.",
    409: "Conflict: the request does not fit the current state (already done, a duplicate).",
    422: "Invalid input: `message` says what to change; `errors` names each field at fault.",
}


def add_error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Put the error shape in the OpenAPI document, as the response of every operation's 4xx statuses."""
    definition = ApiError.model_json_schema(ref_template="#/components/schemas/{model}")
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, nested in definition.pop("$defs", {}).items():
        components[name] = nested
    components["ApiError"] = definition
    reference = {"$ref": "#/components/schemas/ApiError"}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_RESPONSES.items():
                responses.setdefault(
                    status, {"description": description, "content": {"application/json": {"schema": reference}}}
                )
    return schema
