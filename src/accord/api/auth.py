"""Who is calling: a personal API token, the browser's session, or (for a few public reads) anyone.

Operations list the ways they accept, in order. `SIGNED_IN` is the API's default; `ANYONE` adds anonymous
callers for the reads the public may make. Either way the action or query called decides what the caller may do:
authentication here only says who they are.

A bearer token is tried first; a request that carries one is exempt from CSRF (a browser never adds the header by
itself). A session-authenticated request that changes something must carry the CSRF token, as a form would.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.utils import check_csrf

from accord.accounts.actions import touch_api_token
from accord.accounts.queries import user_for_token

from .errors import CsrfFailed, InvalidToken

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class PersonalToken(HttpBearer):
    """A personal API token: `Authorization: Bearer acc_...`."""

    openapi_bearerFormat = "acc_…"
    openapi_description = (
        "A personal API token, sent as `Authorization: Bearer acc_…`. Create one with `accord token create "
        "--email E`, on the Account → API tokens page, or with `POST /api/v1/me/tokens`. Token requests need no "
        "CSRF token."
    )

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = user_for_token(token.strip())
        if found is None:
            # A token that was sent but does not work is an error, never a silent fall-back to anonymous.
            raise InvalidToken()
        user, api_token = found
        touch_api_token(token=api_token)
        request.user = user
        return user


class SessionCookie(NinjaSessionAuth):
    """The signed-in browser session, as the pages use; unsafe methods must carry the CSRF token.

    Unlike ninja's `SessionAuth(csrf=True)`, the CSRF check runs only once the session is known to be signed in,
    so an anonymous request is answered "sign in" (401) rather than "CSRF failed" (403).
    """

    openapi_description = (
        "The browser session of someone signed in to the site. POST, PUT, PATCH and DELETE must send the "
        "`csrftoken` cookie's value in the `X-CSRFToken` header."
    )

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and not getattr(request, "_ninja_csrf_exempt", False):
            if check_csrf(request) is not None:
                raise CsrfFailed()
        return user


def anyone(request: HttpRequest) -> Any:
    """Lets an anonymous caller through (as Django's AnonymousUser); tried after the other ways have not matched."""
    user = getattr(request, "user", None)
    return user if user is not None and not user.is_authenticated else AnonymousUser()


SIGNED_IN = [PersonalToken(), SessionCookie()]
ANYONE = [*SIGNED_IN, anyone]
# Marks an operation's security as optional in the OpenAPI document.
PUBLIC_OPENAPI = {"security": [{}]}
