"""The coalition's audit log, readable by its members: who changed what, and when."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accord.coalitions import queries
from accord.web.context import coalition_context
from accord.web.membership_forms import AuditFilterForm

PER_PAGE = 50


@require_GET
def index(request: HttpRequest, slug: str) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition = context["coalition"]
    form = AuditFilterForm(request.GET)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    events = queries.audit_events(request.user, coalition, verb_prefix=f"{kind}." if kind else "")
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    kind_label = dict(form.fields["kind"].choices).get(kind, "Everything")
    context |= {"form": form, "page": page, "kind": kind, "kind_label": kind_label}
    if getattr(request, "htmx", False) and request.htmx.target == "audit-results":
        return render(request, "web/audit/_results.html", context)
    return render(request, "web/audit/index.html", context)
