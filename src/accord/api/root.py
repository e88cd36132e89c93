"""The JSON API's root, mounted at /api/v1/: authentication, the one error shape, and each app's endpoints.

The OpenAPI document is at /api/v1/openapi.json and browsable at /api/v1/docs. How to use the API is in
docs/api.md.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.urls import URLPattern
from ninja import NinjaAPI, Router

from accord.accounts.api import router as accounts_router
from accord.agreements.api import router as agreements_router
from accord.coalitions.api import router as coalitions_router
from accord.decisions.api import router as decisions_router
from accord.meetings.api import router as meetings_router

from .auth import SIGNED_IN
from .errors import add_error_responses, install_error_handlers, json_answers

DESCRIPTION = """\
Everything a page of Accord can do, the API can do: the same actions, the same permission checks.

**Authentication.** Send a personal API token as `Authorization: Bearer acc_…` (create one with
`accord token create --email E`, on the Account → API tokens page, or with `POST /api/v1/me/tokens`), or use the
browser's session cookie; with the session, requests that change something must send the CSRF token in the
`X-CSRFToken` header. A coalition's public basics (`GET /coalitions/{slug}`) and an invitation's preview
(`GET /invitations/{token}`) need no authentication.

**Errors.** Every error has one shape: `{"status": 422, "code": "invalid", "message": "Enter the group's name.",
"errors": [{"field": "name", "message": "Enter the group's name."}]}`. `message` says what to change.

**Lists** are paginated: `?page=1&page_size=50` (at most 200), answered as `{count, page, page_size, items}`.
"""


class AccordAPI(NinjaAPI):
    """Ninja's API with the error shape in its OpenAPI document and on every answer, and short operation ids."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        return add_error_responses(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))

    def get_openapi_operation_id(self, operation: Any) -> str:
        """Short, stable ids (`list_member_groups`) for generated clients; the view functions' names are unique."""
        return str(operation.view_func.__name__)

    def _get_urls(self) -> list[Any]:
        # Ninja answers a method an address does not take, and the bare /api/v1/ address, outside its exception
        # handlers; wrapping its URL views gives those answers the error shape too. (`_get_urls` is ninja's own;
        # django-ninja is pinned below 2.)
        patterns = super()._get_urls()
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = json_answers(self, pattern.callback)
        return patterns


api = AccordAPI(
    title="Accord API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=SIGNED_IN,
)
install_error_handlers(api)

api.add_router("", coalitions_router)
api.add_router("", accounts_router)
api.add_router("", decisions_router)
api.add_router("", agreements_router)
api.add_router("", meetings_router)

# Last, so it only answers what nothing above matched: an unknown address under /api/v1/ gets the JSON error
# shape rather than the site's HTML 404 page.
unknown = Router()


@unknown.api_operation(["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False)
def unknown_address(request: HttpRequest, rest: str) -> None:
    raise Http404(rest)


api.add_router("", unknown)
