"""What the member-group and people lists share: reading the search form, paging, and the htmx partial."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from ..context import coalition_context
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


def searchable_list(
    request: HttpRequest, slug: str, read: Callable[..., QuerySet[Any]], template: str, results_template: str
) -> HttpResponse:
    """A coalition's searchable, paged list: `read(actor, coalition, include_former=, search=)` is the scoped query."""
    context = coalition_context(request, slug)
    search_form, search, include_former = search_terms(request)
    rows = read(request.user, context["coalition"], include_former=include_former, search=search)
    context |= {
        "search_form": search_form,
        "search": search,
        "include_former": include_former,
        "page": page_of(request, rows),
    }
    return render_list(request, template, results_template, context)
