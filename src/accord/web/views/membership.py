"""Joining and leaving: applying (the coalition then decides under its "admit a member" rule), invitations, leaving
a group or the coalition, and asking the coalition to decide that a member leave.

Thin views: parse a form, call one action through `attempt`, redirect with a message; read only through the
coalitions and accounts queries. Refusals of permission propagate to ActionErrorPageMiddleware.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.agreements import actions as agreement_actions
from accord.agreements import queries as agreement_queries
from accord.coalitions import actions, queries
from accord.coalitions.models import Application
from accord.coalitions.permissions import may_act_for_group, may_end_affiliation, may_invite_to
from accord.decisions import queries as decision_queries
from accord.decisions.models import DecisionKind, Status
from accord.errors import NotAllowed
from accord.web.action_forms import attempt, form_status
from accord.web.context import coalition_context
from accord.web.membership_forms import ApplicationForm, AskToLeaveForm, InvitationForm, ReasonForm

PER_PAGE = 50
STATUS_TABS = [
    ("pending", "Waiting for a decision"),
    ("admitted", "Admitted"),
    ("declined", "Declined"),
    ("withdrawn", "Withdrawn"),
    ("", "All"),
]


def _int_param(request: HttpRequest, name: str) -> int | None:
    try:
        return int(request.GET.get(name, ""))
    except ValueError:
        return None


_status = form_status


# --- applying to join --------------------------------------------------------------------------------------


def _admit_kind(coalition: Any) -> DecisionKind | None:
    """The "admit a member" kind, whose rule (public, like the unity statement) the join page states."""
    return DecisionKind.objects.filter(coalition=coalition, key="admit_member").first()


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, slug: str) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition, standing = context["coalition"], context["standing"]
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    joining = agreement_queries.joining(request.user, coalition)
    versions = agreement_actions.versions_to_sign(coalition)
    is_member = standing.can("view_members")
    pending = queries.pending_application(request.user, coalition)
    form = None
    if request.user.is_authenticated and pending is None:
        options = {"questions": coalition.question_list, "group_only": is_member, "versions": versions}
        if request.method == "POST":
            form = ApplicationForm(request.POST, **options)
            if form.is_valid():
                data = form.cleaned_data
                application = attempt(
                    form,
                    agreement_actions.apply_to_join,
                    actor=request.user,
                    coalition=coalition,
                    kind=data["kind"],
                    signs_on=data["signs_on"],
                    answers=form.answers(),
                    group_name=data["group_name"],
                    group_description=data["group_description"],
                    group_size=data["group_size"],
                    contact_email=data["contact_email"],
                )
                if application is not None:
                    messages.success(
                        request,
                        f"Your application to {coalition.name} has been sent. The coalition now decides on it under "
                        "its “admit a member” rule; you will find the answer here and by email.",
                    )
                    return redirect("web:application", coalition.slug, application.pk)
        else:
            form = ApplicationForm(
                initial={"contact_email": request.user.email, "kind": "group" if is_member else None}, **options
            )
    elif request.method == "POST":
        messages.error(request, "You already have an application waiting for a decision; withdraw it to send another.")
        return redirect("web:join", coalition.slug)
    return render(
        request,
        "web/membership/join.html",
        context
        | {
            "form": form,
            "pending": pending,
            "is_member": is_member,
            "joining": joining,
            "versions": versions,
            "admit_kind": _admit_kind(coalition),
            "questions": coalition.question_list,
            "login_url": f"{reverse('account_login')}?next={request.path}",
            "signup_url": f"{reverse('account_signup')}?next={request.path}",
        },
        status=_status(form),
    )


@login_required
def applications(request: HttpRequest, slug: str) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition, standing = context["coalition"], context["standing"]
    is_coordinator = standing.can("decide_applications")
    status = request.GET.get("status", "pending") if is_coordinator else ""
    tabs: list[dict[str, Any]] = []
    if is_coordinator:
        counts = queries.application_counts(request.user, coalition)
        for value, label in STATUS_TABS:
            count = sum(counts.values()) if value == "" else counts.get(value, 0)
            tabs.append({"value": value, "label": label, "count": count, "current": value == status})
    if is_coordinator and status == "":
        rows = queries.applications_pending_first(request.user, coalition)
    else:
        rows = queries.applications(request.user, coalition, status=status)
    page = Paginator(rows.select_related("admission__proposal"), PER_PAGE).get_page(request.GET.get("page"))
    current_label = next((label for value, label in STATUS_TABS if value == status), "All")
    admissions_open = []
    if standing.can("view_members") and not is_coordinator:
        # Every member decides on applications: the admission decisions still open, whoever applied.
        admissions_open = list(
            decision_queries.proposals(request.user, coalition, status=Status.OPEN).filter(effect="admission")
        )
    return render(
        request,
        "web/membership/applications.html",
        context
        | {
            "page": page,
            "tabs": tabs,
            "status": status,
            "status_label": current_label,
            "is_coordinator": is_coordinator,
            "admissions_open": admissions_open,
            "admit_kind": _admit_kind(coalition),
        },
    )


@login_required
@require_GET
def application(request: HttpRequest, slug: str, application_id: int) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition, standing = context["coalition"], context["standing"]
    found = queries.application(request.user, coalition, application_id)
    admission = agreement_queries.admission_of(request.user, found)
    counts_from = None
    if found.status == Application.Status.ADMITTED:
        joined = found.member_group if found.kind == Application.Kind.GROUP else found.person
        counts_from = getattr(joined, "counts_from", None)
    return render(
        request,
        "web/membership/application.html",
        context
        | {
            "application": found,
            "admission": admission,
            "proposal": admission.proposal if admission else None,
            "round": decision_queries.current_round(admission.proposal) if admission else None,
            "counts_from": counts_from,
            "in_induction": counts_from is not None and counts_from > timezone.now(),
            "is_coordinator": standing.can("decide_applications"),
            "is_member": standing.can("view_members"),
            "is_applicant": found.applicant_id == request.user.pk,
        },
    )


def _button_action(request: HttpRequest, action: Any, /, **arguments: Any) -> Any:
    """Run an action behind a plain button; a refusal about the state becomes an error message."""
    form = forms.Form(request.POST)
    result = attempt(form, action, **arguments)
    if result is None:
        for error in form.non_field_errors():
            messages.error(request, error)
        for field_errors in form.errors.values():
            for error in field_errors:
                if error not in form.non_field_errors():
                    messages.error(request, error)
    return result


@login_required
@require_POST
def application_withdraw(request: HttpRequest, slug: str, application_id: int) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition = context["coalition"]
    found = queries.application(request.user, coalition, application_id)
    withdrawn = _button_action(request, agreement_actions.withdraw_application, actor=request.user, application=found)
    if withdrawn is not None:
        messages.success(
            request, f"You withdrew your application to {coalition.name}. You can apply again at any time."
        )
    return redirect("web:application", coalition.slug, found.pk)


# --- invitations -------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def invitations(request: HttpRequest, slug: str) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition = context["coalition"]
    standing = queries.require_ability(request.user, coalition, "view_members")
    is_coordinator = may_invite_to(standing, None)  # invites anyone, to any group or to none
    groups = list(queries.groups_to_invite_to(request.user, coalition))  # where may_invite_to holds
    if not (is_coordinator or groups):
        raise NotAllowed("Only a coordinator, or a delegate for their own member group, can invite people.")
    person_id = _int_param(request, "person") if request.method == "GET" else None
    if request.method == "POST":
        try:
            person_id = int(request.POST.get("person") or "") or None
        except ValueError:
            person_id = None
    claim_person = queries.person(request.user, coalition, person_id) if person_id else None
    if claim_person is not None and request.method == "GET" and not is_coordinator:
        raise NotAllowed("Only a coordinator can invite someone to claim a recorded person.")
    options = {
        "groups": groups,
        "individual_allowed": is_coordinator,
        "claim_name": claim_person.name if claim_person else "",
    }
    if request.method == "POST":
        form = InvitationForm(request.POST, **options)
        if form.is_valid():
            data = form.cleaned_data
            group_id = data.get("member_group")
            member_group = queries.member_group(request.user, coalition, group_id) if group_id else None
            invitation = attempt(
                form,
                actions.create_invitation,
                actor=request.user,
                coalition=coalition,
                email=data["email"],
                member_group=member_group,
                as_delegate=bool(data.get("as_delegate")),
                person=claim_person,
                valid_days=actions.INVITATION_DAYS_DEFAULT if data["valid_days"] is None else data["valid_days"],
            )
            if invitation is not None:
                messages.success(request, "Invitation created.")
                return redirect(f"{reverse('web:invitations', args=[coalition.slug])}?created={invitation.pk}")
    else:
        initial: dict[str, Any] = {"valid_days": actions.INVITATION_DAYS_DEFAULT}
        if claim_person is not None:
            initial["person"] = claim_person.pk
            initial["email"] = claim_person.email
        group_id = _int_param(request, "member_group")
        if group_id is not None:
            initial["member_group"] = group_id
        elif not is_coordinator and len(groups) == 1:
            initial["member_group"] = groups[0].pk
        form = InvitationForm(initial=initial, **options)
    created = None
    created_id = _int_param(request, "created") if request.method == "GET" else None
    if created_id:
        created = queries.invitation(request.user, coalition, created_id)
    earlier = queries.closed_invitations(request.user, coalition)
    page = Paginator(earlier, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/membership/invitations.html",
        context
        | {
            "form": form,
            "claim_person": claim_person,
            "is_coordinator": is_coordinator,
            "invitable_groups": groups,
            "created": created,
            "open_invitations": queries.invitations(request.user, coalition, open_only=True),
            "page": page,
        },
        status=_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation_revoke(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition = context["coalition"]
    found = queries.invitation(request.user, coalition, invitation_id)
    form = forms.Form(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        revoked = attempt(form, actions.revoke_invitation, actor=request.user, invitation=found)
        if revoked is not None:
            messages.success(request, "Invitation revoked: its link no longer works.")
            return redirect("web:invitations", coalition.slug)
    return render(
        request,
        "web/membership/invitation_revoke.html",
        context | {"invitation": found, "form": form},
        status=_status(form),
    )


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    found = queries.invitation_by_token(token)
    coalition = found.coalition
    standing = queries.standing_in(request.user, coalition)
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = forms.Form(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        person = attempt(form, actions.accept_invitation, actor=request.user, token=token)
        if person is not None:
            if found.person_id:
                welcome = f"Welcome to {coalition.name}, {person.name}. Your account is now linked to your record."
            elif found.member_group_id:
                welcome = f"Welcome to {coalition.name}. You are now in {found.member_group.name}" + (
                    " as a delegate." if found.as_delegate else "."
                )
            else:
                welcome = f"Welcome to {coalition.name}. You are now an individual member."
            messages.success(request, welcome)
            return redirect("web:coalition", coalition.slug)
    return render(
        request,
        "web/membership/invitation.html",
        {
            "coalition": coalition,
            "standing": standing,
            "invitation": found,
            "form": form,
            "inviter": found.created_by.display_name if found.created_by else "A coordinator",
            "login_url": f"{reverse('account_login')}?next={request.path}",
            "signup_url": f"{reverse('account_signup')}?next={request.path}",
        },
        status=_status(form),
    )


# --- leaving -----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition = context["coalition"]
    standing = queries.require_ability(request.user, coalition, "leave_coalition")
    form = ReasonForm(
        request.POST if request.method == "POST" else None,
        label="Why are you leaving?",
        help_text="Other members can read it in the audit log.",
    )
    if request.method == "POST" and form.is_valid():
        left = attempt(
            form, actions.leave_coalition, actor=request.user, coalition=coalition, reason=form.cleaned_data["reason"]
        )
        if left is not None:
            messages.success(
                request,
                f"You have left {coalition.name}. What you contributed stays, shown as a former member's. "
                "To come back, ask a coordinator for an invitation.",
            )
            return redirect("web:coalition", coalition.slug)
    memberships = queries.current_affiliations(request.user, standing.person)
    return render(
        request,
        "web/membership/leave.html",
        context
        | {
            "form": form,
            "person": standing.person,
            "memberships": memberships,
        },
        status=_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_leave(request: HttpRequest, slug: str, group_id: int) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition, standing = context["coalition"], context["standing"]
    group = queries.member_group(request.user, coalition, group_id)
    if request.method == "GET" and group.is_active and not may_act_for_group(standing, group):
        raise NotAllowed(f"Only a delegate of {group.name} can take it out of the coalition.")
    form = ReasonForm(
        request.POST if request.method == "POST" else None,
        label=f"Why is {group.name} leaving?",
        help_text="Other members can read it in the audit log.",
    )
    if request.method == "POST" and form.is_valid():
        withdrawn = attempt(
            form,
            actions.withdraw_member_group,
            actor=request.user,
            member_group=group,
            reason=form.cleaned_data["reason"],
        )
        if withdrawn is not None:
            messages.success(
                request,
                f"{group.name} has left {coalition.name}. Its record and history stay, shown as a former member group.",
            )
            return redirect("web:group", coalition.slug, group.pk)
    leaving, staying = queries.people_leaving_with_group(request.user, group) if group.is_active else ([], [])
    return render(
        request,
        "web/membership/group_leave.html",
        context
        | {
            "form": form,
            "group": group,
            "leaving": leaving,
            "staying": staying,
        },
        status=_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def affiliation_end(request: HttpRequest, slug: str, affiliation_id: int) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition, standing = context["coalition"], context["standing"]
    found = queries.affiliation(request.user, coalition, affiliation_id)
    person, group = found.person, found.member_group
    is_self = standing.person is not None and standing.person.pk == person.pk  # for the wording only
    if request.method == "GET" and found.is_active and not may_end_affiliation(standing, found):
        raise NotAllowed(f"Only {person.name}, a coordinator or a delegate of {group.name} can do this.")
    form = ReasonForm(
        request.POST if request.method == "POST" else None,
        label=f"Why are you leaving {group.name}?" if is_self else f"Why did {person.name} leave {group.name}?",
    )
    if request.method == "POST" and form.is_valid():
        ended = attempt(
            form, actions.end_affiliation, actor=request.user, affiliation=found, reason=form.cleaned_data["reason"]
        )
        if ended is not None:
            messages.success(
                request,
                f"You have left {group.name}." if is_self else f"Recorded that {person.name} left {group.name}.",
            )
            return redirect("web:person", coalition.slug, person.pk)
    others = [a.member_group for a in queries.current_affiliations(request.user, person) if a.pk != found.pk]
    return render(
        request,
        "web/membership/affiliation_end.html",
        context
        | {
            "form": form,
            "affiliation": found,
            "person": person,
            "group": group,
            "is_self": is_self,
            "other_groups": others,
            "only_membership": not (others or person.is_individual_member or person.is_coordinator),
        },
        status=_status(form),
    )


# --- asking a member to leave ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def ask_to_leave(request: HttpRequest, slug: str) -> HttpResponse:
    """Any member asks the coalition to decide that a member group or an individual member leave."""
    context = coalition_context(request, slug)
    coalition = context["coalition"]
    queries.require_ability(request.user, coalition, "view_members")
    groups = list(queries.current_groups(coalition).order_by("name"))
    individuals = list(queries.individual_members(coalition).order_by("name"))
    agreements = agreement_queries.agreements(request.user, coalition)
    options = {"groups": groups, "individuals": individuals, "agreements": agreements}
    if request.method == "POST":
        form = AskToLeaveForm(request.POST, **options)
        if form.is_valid():
            data = form.cleaned_data
            member = data["member"]
            member_group = next((g for g in groups if f"g{g.pk}" == member), None)
            person = next((p for p in individuals if f"p{p.pk}" == member), None)
            rests_on = next(row.agreement for row in agreements if str(row.agreement.pk) == data["rests_on"])
            subject = member_group.name if member_group is not None else person.name  # type: ignore[union-attr]
            request_made = attempt(
                form,
                agreement_actions.ask_member_to_leave,
                actor=request.user,
                coalition=coalition,
                rests_on=rests_on,
                title=f"Should {subject} leave {coalition.name}?",
                text=data["text"],
                closes_at=form.closing(),
                member_group=member_group,
                person=person,
            )
            if request_made is not None:
                messages.success(
                    request,
                    f"The coalition now decides whether {subject} should leave, under its “ask a member to leave” "
                    "rule.",
                )
                return redirect("web:proposal", coalition.slug, request_made.proposal_id)
    else:
        initial = {}
        member = request.GET.get("member", "")
        if any(f"g{g.pk}" == member for g in groups) or any(f"p{p.pk}" == member for p in individuals):
            initial["member"] = member
        form = AskToLeaveForm(initial=initial, **options)
    return render(
        request,
        "web/membership/ask_to_leave.html",
        context
        | {
            "form": form,
            "kind": decision_queries.decision_kinds(request.user, coalition).filter(key="ask_member_to_leave").first(),
            "terms": agreement_actions.constitution_of(coalition),
            "adopted": coalition.constitution_adopted_at is not None,
        },
        status=_status(form),
    )
