"""What the member-group and people lists share: reading the search form, paging, and the htmx partial."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from ..forms import SearchForm

PER_PAGE = 50


def search_terms(request: HttpRequest) -> tuple[SearchForm, str, bool]:
    form = SearchForm(request.GET)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    return form, (data.get("q") or "").strip(), bool(data.get("former"))


def page_of(request: HttpRequest, rows: QuerySet[Any]) -> Page:
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))


def render_list(request: HttpRequest, template: str, results_template: str, context: dict[str, Any]) -> HttpResponse:
    """The whole page, or only the results region when htmx asks for it (the search box as one types)."""
    if request.htmx and request.htmx.target == "results":
        response = render(request, results_template, context | {"oob": True})
    else:
        response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response
