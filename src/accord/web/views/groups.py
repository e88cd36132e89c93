"""Member groups: the list, adding one, a group's page, and editing it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accord.agreements import queries as agreement_queries
from accord.coalitions import actions, queries
from accord.coalitions.permissions import may_edit_group
from accord.errors import NotAllowed

from ..action_forms import attempt
from ..context import coalition_context
from ..forms import MemberGroupForm
from ._listing import searchable_list


def index(request: HttpRequest, slug: str) -> HttpResponse:
    return searchable_list(request, slug, queries.member_groups, "web/groups/index.html", "web/groups/_results.html")


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, slug: str) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition = context["coalition"]
    queries.require_ability(request.user, coalition, "manage_members")
    form = MemberGroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        group = attempt(form, actions.add_member_group, actor=request.user, coalition=coalition, **form.cleaned_data)
        if group is not None:
            messages.success(request, f"Added {group.name} to the coalition.")
            return redirect("web:group", coalition.slug, group.pk)
    context["form"] = form
    return render(request, "web/groups/create.html", context, status=422 if form.errors else 200)


def detail(request: HttpRequest, slug: str, group_id: int) -> HttpResponse:
    context = coalition_context(request, slug)
    group = queries.member_group(request.user, context["coalition"], group_id)
    affiliations = list(queries.group_affiliations(request.user, group, include_former=True))
    context |= {
        "group": group,
        "current": [a for a in affiliations if a.is_active],
        "former": [a for a in affiliations if not a.is_active],
        "red_lines": agreement_queries.red_lines(request.user, context["coalition"], member_group=group),
    }
    return render(request, "web/groups/detail.html", context)


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str, group_id: int) -> HttpResponse:
    context = coalition_context(request, slug)
    group = queries.member_group(request.user, context["coalition"], group_id)
    if not may_edit_group(context["standing"], group):
        raise NotAllowed(f"Only a coordinator or a delegate of {group.name} can do this.")
    initial = {field: getattr(group, field) for field in MemberGroupForm.base_fields}
    form = MemberGroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if attempt(form, actions.update_member_group, actor=request.user, member_group=group, **form.cleaned_data):
            messages.success(request, f"Saved the changes to {form.cleaned_data['name']}.")
            return redirect("web:group", slug, group.pk)
    context |= {"group": group, "form": form}
    return render(request, "web/groups/edit.html", context, status=422 if form.errors else 200)
