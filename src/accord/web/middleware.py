"""The pages' middleware: refusals shown as pages (or, to htmx, as a message), and the pages' Content-Security-Policy."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from accord.coalitions.permissions import remembering_standings
from accord.errors import ActionError, NotSignedIn

# What an htmx request is told when something other than an action refused it (a stale CSRF token, a page that is
# gone, a method not allowed), so it never fails silently.
HTMX_REFUSALS = {
    403: "This was refused. Reload the page and try again.",
    404: "What you acted on is no longer here. Reload the page to see it as it is now.",
}
HTMX_REFUSAL_OTHERWISE = "This could not be done (error {status}). Reload the page and try again."


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def htmx_refusal(request: HttpRequest, message: str, status: int) -> HttpResponse:
    """The refusal as a message swapped into the page's live region (#messages), whatever element the request
    targeted; the status stays, so htmx still treats it as an error. base.html's htmx-config swaps 4xx answers."""
    response = HttpResponse(
        render_to_string("web/partials/refusal_message.html", {"message": message, "status": status}, request),
        status=status,
    )
    response["HX-Retarget"] = "#messages"
    response["HX-Reswap"] = "innerHTML"
    response["HX-Push-Url"] = "false"  # a refused search must not leave a refused page in the history
    return response


class ActionErrorPageMiddleware:
    """Turns an action's refusal that a view did not handle into a page that says what happened and what to do.

    To htmx, the refusal is a message in #messages instead (the page stays as it was); so is any other 4xx answer
    except 422 (a form with its errors, which the request swaps in as usual).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            _is_htmx(request)
            and 400 <= response.status_code < 500
            and response.status_code != 422
            and not response.has_header("HX-Retarget")
            and not request.path.startswith("/api/")
        ):
            status = response.status_code
            message = HTMX_REFUSALS.get(status, HTMX_REFUSAL_OTHERWISE.format(status=status))
            return htmx_refusal(request, message, status)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ActionError) or request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotSignedIn):
            redirect = redirect_to_login(request.get_full_path())
            if _is_htmx(request):
                # htmx would follow the redirect and swap the sign-in page into a fragment; send the whole
                # window there instead.
                response = HttpResponse(status=204)
                response["HX-Redirect"] = redirect["Location"]
                return response
            return redirect
        if _is_htmx(request):
            return htmx_refusal(request, exception.message, exception.status)
        return render(
            request,
            "web/refused.html",
            {"message": exception.message, "status": exception.status},
            status=exception.status,
        )


# The pages load only their own scripts and styles (web/accord.js, web/accord.css, htmx): no inline script or
# style, no other origin. Not sent under /api/ (Swagger UI at /api/v1/docs loads from a CDN, and JSON needs none)
# nor /admin/ (Django 5.2's admin still has inline styles), nor on server errors (500.html carries its own inline
# style so that it shows even when static files are broken).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
CSP_EXEMPT_PREFIXES = ("/api/", "/admin/")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not request.path.startswith(CSP_EXEMPT_PREFIXES)
            and response.status_code < 500
            and not response.has_header("Content-Security-Policy")
        ):
            response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response


class RememberStandingsMiddleware:
    """Look an actor's standing in a coalition up once per request, however many checks ask for it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with remembering_standings():
            return self.get_response(request)
