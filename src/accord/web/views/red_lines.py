"""Red lines: what each member group cannot accept, when each was last confirmed, and when it is due again.

Every member sees every group's red lines; a group's delegates state, change, withdraw and confirm them. Thin
views: read through `accord.agreements.queries`, write through one action, redirect with a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accord.agreements import actions as agreement_actions
from accord.agreements import queries as agreement_queries
from accord.agreements.permissions import may_keep_red_lines
from accord.agreements.tasks import REMIND_BEFORE
from accord.coalitions import queries
from accord.coalitions.models import Coalition
from accord.coalitions.permissions import Standing
from accord.errors import NotAllowed
from accord.web.action_forms import attempt
from accord.web.context import coalition_context
from accord.web.red_line_forms import RedLineForm


def _kept_groups(standing: Standing, coalition: Coalition) -> list[Any]:
    """The current member groups whose red lines the viewer keeps: those they are a delegate of."""
    if standing.person is None:
        return []
    return [
        group for group in queries.current_groups(coalition).order_by("name") if may_keep_red_lines(standing, group)
    ]


def _by_group(rows: list[agreement_queries.RedLineRow], kept: list[Any]) -> list[dict[str, Any]]:
    """The rows grouped by member group, each group with whether it is overdue; kept groups with none show too."""
    now = timezone.now()
    groups: dict[int, dict[str, Any]] = {}
    for row in rows:
        group = row.red_line.member_group
        entry = groups.setdefault(group.pk, {"group": group, "rows": [], "may_keep": row.may_keep})
        row.due_soon = not row.overdue and row.due_at - REMIND_BEFORE <= now  # type: ignore[attr-defined]
        entry["rows"].append(row)
    for group in kept:
        groups.setdefault(group.pk, {"group": group, "rows": [], "may_keep": True})
    return sorted(groups.values(), key=lambda entry: entry["group"].name.lower())


def _page(request: HttpRequest, context: dict[str, Any], form: RedLineForm | None = None) -> HttpResponse:
    coalition, standing = context["coalition"], context["standing"]
    rows = agreement_queries.red_lines(request.user, coalition)
    kept = _kept_groups(standing, coalition)
    if form is None and kept:
        form = RedLineForm(groups=kept)
    return render(
        request,
        "web/red_lines/index.html",
        context
        | {
            "groups": _by_group(rows, kept),
            "kept": kept,
            "form": form,
            "review_days": agreement_actions.constitution_of(coalition).red_line_review_days,
            "overdue_count": sum(1 for row in rows if row.overdue),
        },
        status=422 if form is not None and form.errors else 200,
    )


@login_required
def red_lines(request: HttpRequest, slug: str) -> HttpResponse:
    context = coalition_context(request, slug)
    return _page(request, context)


@login_required
@require_POST
def red_line_create(request: HttpRequest, slug: str) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition, standing = context["coalition"], context["standing"]
    queries.require_ability(request.user, coalition, "view_members")
    kept = _kept_groups(standing, coalition)
    if not kept:
        raise NotAllowed("Only a delegate of a member group can state its red lines.")
    form = RedLineForm(request.POST, groups=kept)
    if form.is_valid():
        group = next((group for group in kept if group.pk == form.cleaned_data["member_group"]), None)
        if group is None:
            # A group the viewer is no delegate of (or no group of this coalition): refuse, as the action would.
            found = queries.member_group(request.user, coalition, form.cleaned_data["member_group"])
            raise NotAllowed(f"Only a delegate of {found.name} can state or change its red lines.")
        stated = attempt(
            form,
            agreement_actions.state_red_line,
            actor=request.user,
            member_group=group,
            text=form.cleaned_data["text"],
        )
        if stated is not None:
            messages.success(request, f"Stated a red line for {group.name}. Every member can now see it.")
            return redirect(f"{_url(coalition)}#red-line-{stated.pk}")
    return _page(request, context, form)


def _url(coalition: Coalition) -> str:
    return reverse("web:red_lines", args=[coalition.slug])


@login_required
@require_http_methods(["GET", "POST"])
def red_line_edit(request: HttpRequest, slug: str, red_line_id: int) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition, standing = context["coalition"], context["standing"]
    found = agreement_queries.red_line(request.user, coalition, red_line_id)
    if not may_keep_red_lines(standing, found.member_group):
        raise NotAllowed(f"Only a delegate of {found.member_group.name} can state or change its red lines.")
    form = RedLineForm(request.POST if request.method == "POST" else None, initial={"text": found.text})
    if request.method == "POST" and form.is_valid():
        changed = attempt(
            form, agreement_actions.change_red_line, actor=request.user, red_line=found, **form.cleaned_data
        )
        if changed is not None:
            messages.success(
                request, f"Changed the red line of {found.member_group.name}; it counts as confirmed today."
            )
            return redirect(f"{_url(coalition)}#red-line-{changed.pk}")
    return render(
        request,
        "web/red_lines/edit.html",
        context | {"red_line": found, "form": form},
        status=422 if form.errors else 200,
    )


def _button(request: HttpRequest, action: Callable[..., Any], /, **arguments: Any) -> Any:
    """Run an action behind a plain button; a refusal about the state becomes an error message."""
    form = forms.Form(request.POST)
    result = attempt(form, action, **arguments)
    if result is None:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return result


@login_required
@require_POST
def red_line_withdraw(request: HttpRequest, slug: str, red_line_id: int) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition = context["coalition"]
    found = agreement_queries.red_line(request.user, coalition, red_line_id)
    if _button(request, agreement_actions.withdraw_red_line, actor=request.user, red_line=found) is not None:
        messages.success(request, f"Withdrew the red line of {found.member_group.name}: “{found.text}”.")
    return redirect("web:red_lines", coalition.slug)


@login_required
@require_POST
def red_lines_confirm(request: HttpRequest, slug: str, group_id: int) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition = context["coalition"]
    group = queries.member_group(request.user, coalition, group_id)
    count = _button(request, agreement_actions.confirm_red_lines, actor=request.user, member_group=group)
    if count is not None:
        messages.success(
            request,
            f"Confirmed that {group.name}’s {count} red line{'s' if count != 1 else ''} still "
            f"stand{'s' if count == 1 else ''}.",
        )
    return redirect(f"{_url(coalition)}#group-{group.pk}")
