"""The induction pack and signing on: what a new member reads first, and who has (re-)confirmed the agreements.

Thin views: read through `accord.agreements.queries`, write through one action, redirect with a message.
"""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accord.agreements import actions as agreement_actions
from accord.agreements import queries as agreement_queries
from accord.coalitions import queries
from accord.coalitions.models import Coalition
from accord.coalitions.permissions import Standing
from accord.errors import NotAllowed
from accord.web.action_forms import attempt
from accord.web.context import coalition_context


def induction_until(standing: Standing, coalition: Coalition) -> datetime | None:
    """When the viewer starts to count in decisions, if that is still ahead (they are in their induction period).

    Reads only what the standing already holds: the person's own date, and their groups' dates when they belong
    through a group admitted recently (one small query, only for members of groups)."""
    person = standing.person
    if person is None:
        return None
    until = person.counts_from
    if standing.member_of:
        for group_counts in (
            queries.current_groups(coalition)
            .filter(pk__in=standing.member_of, counts_from__isnull=False)
            .values_list("counts_from", flat=True)
        ):
            if until is None or group_counts > until:
                until = group_counts
    if until is None or until <= timezone.now():
        return None
    return until


@login_required
def induction(request: HttpRequest, slug: str) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition = context["coalition"]
    view = agreement_queries.induction(request.user, coalition)
    categories: dict[str, list[agreement_queries.AgreementRow]] = {}
    for row in view.agreements:
        categories.setdefault(row.agreement.category, []).append(row)
    return render(
        request,
        "web/induction/induction.html",
        context
        | {
            "view": view,
            "unity": categories.get("unity", []),
            "purpose": categories.get("purpose", []),
            "values": categories.get("values", []),
            "policies": categories.get("policy", []),
            "membership": categories.get("membership", []),
            "adopted": coalition.constitution_adopted_at is not None,
        },
    )


class RecordSignOnForm(forms.Form):
    """A coordinator records that a member who does not sign on here confirmed the versions in force."""

    confirmed = forms.BooleanField(required=True)

    def __init__(self, *args: object, row: agreement_queries.SignOnStatus, **kwargs: object) -> None:
        super().__init__(*args, prefix=row.key, **kwargs)  # type: ignore[arg-type]
        via = " through its delegate" if row.member_group is not None else ""
        field = self.fields["confirmed"]
        field.label = f"{row.label} confirmed{via} the version{'s' if len(row.missing) != 1 else ''} listed"
        field.help_text = (
            "For example at a meeting, or in writing. The record names you and says it was on their behalf."
        )
        field.error_messages["required"] = (
            f"Tick to say that {row.label} confirmed the versions listed, or leave it until they have."
        )


@login_required
@require_http_methods(["GET", "POST"])
def sign_on(request: HttpRequest, slug: str) -> HttpResponse:
    """Who has not (re-)confirmed the agreements in force, a button for each member the viewer signs for, and for
    coordinators a form to record, on their behalf, that a member who does not sign on here confirmed."""
    context = coalition_context(request, slug)
    coalition = context["coalition"]
    if request.method == "POST":
        rows = agreement_queries.sign_on_status(request.user, coalition)
        unit = request.POST.get("unit", "")
        row = next((row for row in rows if row.key == unit), None)
        if row is None:
            messages.error(request, "That member is not a current member of this coalition: choose one from the table.")
            return redirect("web:sign_on", coalition.slug)
        if request.POST.get("record"):
            return _record(request, context, rows, row)
        if not row.may_sign:
            if row.member_group is not None:
                raise NotAllowed(f"Only a delegate of {row.label} can sign on for it.")
            raise NotAllowed(f"Only {row.label} can sign on for themself.")
        form = forms.Form(request.POST)
        signed = attempt(
            form,
            agreement_actions.sign_on,
            actor=request.user,
            coalition=coalition,
            member_group=row.member_group,
        )
        if signed is None:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        elif signed:
            who = row.label if row.member_group is not None else "yourself"
            names = "; ".join(f"{s.version.title} (version {s.version.number})" for s in signed)
            messages.success(request, f"Signed on for {who} to {names}.")
        else:
            messages.info(request, f"{row.label} had already signed on to every agreement in force.")
        return redirect("web:sign_on", coalition.slug)
    return _sign_on_page(request, context, agreement_queries.sign_on_status(request.user, coalition))


def _record(
    request: HttpRequest,
    context: dict,
    rows: list[agreement_queries.SignOnStatus],
    row: agreement_queries.SignOnStatus,
) -> HttpResponse:
    coalition = context["coalition"]
    if not row.may_record:
        if row.may_sign:
            raise NotAllowed(f"You sign on for {row.label} yourself: use the sign-on button, not a record.")
        raise NotAllowed("Only a coordinator can record that a member confirmed the agreements on their behalf.")
    form = RecordSignOnForm(request.POST, row=row)
    signed = None
    if form.is_valid():
        signed = attempt(
            form,
            agreement_actions.sign_on,
            actor=request.user,
            coalition=coalition,
            member_group=row.member_group,
            person=row.person,
            on_behalf=True,
        )
    if signed is None:
        return _sign_on_page(request, context, rows, failed=form, status=422)
    if signed:
        names = "; ".join(f"{s.version.title} (version {s.version.number})" for s in signed)
        messages.success(request, f"Recorded, on their behalf, that {row.label} confirmed {names}.")
    else:
        messages.info(request, f"{row.label} had already signed on to every agreement in force.")
    return redirect("web:sign_on", coalition.slug)


def _sign_on_page(
    request: HttpRequest,
    context: dict,
    rows: list[agreement_queries.SignOnStatus],
    *,
    failed: RecordSignOnForm | None = None,
    status: int = 200,
) -> HttpResponse:
    coalition = context["coalition"]
    mine = [row for row in rows if row.may_sign and row.missing]
    records = [
        (row, failed if failed is not None and failed.prefix == row.key else RecordSignOnForm(row=row))
        for row in rows
        if row.may_record and row.missing
    ]
    return render(
        request,
        "web/induction/sign_on.html",
        context
        | {
            "rows": rows,
            "mine": mine,
            "records": records,
            "waiting": sum(1 for row in rows if row.missing),
            "adopted": coalition.constitution_adopted_at is not None,
        },
        status=status,
    )
