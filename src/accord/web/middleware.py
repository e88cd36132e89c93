"""Turns an action's refusal that a view did not handle into a page that says what happened and what to do."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accord.errors import ActionError, NotSignedIn


class ActionErrorPageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ActionError) or request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotSignedIn):
            redirect = redirect_to_login(request.get_full_path())
            if request.headers.get("HX-Request"):
                # htmx would follow the redirect and swap the sign-in page into a fragment; send the whole
                # window there instead.
                response = HttpResponse(status=204)
                response["HX-Redirect"] = redirect["Location"]
                return response
            return redirect
        return render(
            request,
            "web/refused.html",
            {"message": exception.message, "status": exception.status},
            status=exception.status,
        )
