"""A coalition's own pages: founding one, its home page, and its settings."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accord.agreements import actions as agreement_actions
from accord.coalitions import actions, queries
from accord.coalitions.models import Application
from accord.decisions import queries as decision_queries
from accord.errors import NotSignedIn

from ..action_forms import attempt
from ..context import coalition_context
from ..forms import CoalitionForm
from .induction import induction_until

RECENT_EVENTS = 10
GROUPS_ON_HOME = 12


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        raise NotSignedIn("Sign in to start a coalition.")
    form = CoalitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        coalition = attempt(form, agreement_actions.found_coalition, actor=request.user, **form.cleaned_data)
        if coalition is not None:
            messages.success(request, f"You started {coalition.name}. You are its first coordinator.")
            return redirect("web:coalition", coalition.slug)
    return render(request, "web/coalitions/create.html", {"form": form}, status=422 if form.errors else 200)


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition, standing = context["coalition"], context["standing"]
    actor = request.user
    context["group_count"] = queries.active_group_count(actor, coalition)
    if standing.can("view_members"):
        groups = queries.member_groups(actor, coalition)
        context["groups"] = list(groups[:GROUPS_ON_HOME])
        context["people_count"] = queries.people(actor, coalition).count()
        context["events"] = list(queries.audit_events(actor, coalition)[:RECENT_EVENTS])
        context["my_affiliations"] = list(queries.current_affiliations(actor, standing.person))
        # The "Decisions open" box: two counts, whatever the number of proposals.
        context["open_proposals"] = decision_queries.proposals(actor, coalition, status="open").count()
        context["awaiting_count"] = decision_queries.awaiting(actor, coalition).count()
        context["induction_until"] = induction_until(standing, coalition)
    if standing.can("decide_applications"):
        context["pending_count"] = queries.applications(actor, coalition, status=Application.Status.PENDING).count()
    else:
        context["my_pending"] = queries.pending_application(actor, coalition)
    return render(request, "web/coalitions/detail.html", context)


@require_http_methods(["GET", "POST"])
def settings(request: HttpRequest, slug: str) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition = context["coalition"]
    queries.require_ability(request.user, coalition, "manage_coalition")
    initial = {
        "name": coalition.name,
        "purpose": coalition.purpose,
        "membership_questions": coalition.membership_questions,
    }
    form = CoalitionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if attempt(form, actions.update_coalition, actor=request.user, coalition=coalition, **form.cleaned_data):
            messages.success(request, "Saved the coalition's settings.")
            return redirect("web:coalition", coalition.slug)
    context["form"] = form
    return render(request, "web/coalitions/settings.html", context, status=422 if form.errors else 200)
