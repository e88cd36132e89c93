"""What every coalition page puts in its template context, so the layout can show the coalition's sections."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accord.coalitions import queries


def coalition_context(request: HttpRequest, slug: str) -> dict[str, Any]:
    """The coalition at `slug` and the viewer's standing in it.

    Raises NotFound (shown by the middleware as a 404 page) when there is no such coalition. Views add their own
    keys: `context = coalition_context(request, slug) | {"form": form}`.
    """
    coalition = queries.coalition_by_slug(request.user, slug)
    return {"coalition": coalition, "standing": queries.standing_in(request.user, coalition)}
