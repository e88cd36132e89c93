"""The home page: what Accord is, or the signed-in person's coalitions and applications."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accord.coalitions import queries


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "web/home/welcome.html")
    return render(
        request,
        "web/home/dashboard.html",
        {
            "memberships": list(queries.memberships_of(request.user)),
            "applications": list(queries.my_applications(request.user)[:20]),
        },
    )
