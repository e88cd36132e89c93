"""The constitution pages: the whole constitution, each agreement with its versions and a side-by-side compare,
the draft's editor and the founding decision, amendments (proposing, the list, rebasing a stale one), and what the
constitution adds to a proposal's page (the change it carries, red-line flags).

Thin views: read through accord.agreements.queries (and decisions/coalitions queries), write through
accord.agreements.actions. Members read everything; before the founding decision coordinators edit the draft;
after it, every change is an amendment any member proposes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accord.agreements import actions, queries
from accord.agreements.models import Agreement, Amendment
from accord.agreements.permissions import (
    may_edit_draft,
    may_propose_amendment,
    may_propose_founding,
    may_rebase,
    may_withdraw_flag,
)
from accord.coalitions import queries as coalition_queries
from accord.coalitions.permissions import Role
from accord.decisions import queries as decision_queries
from accord.decisions.models import Proposal, Status
from accord.errors import ActionError, NotAllowed, NotFound

from ..action_forms import attempt, form_status
from ..constitution_forms import (
    AgreementChangeForm,
    AgreementTextForm,
    AmendmentForm,
    CompareForm,
    FoundingForm,
    KindChangeForm,
    NewAgreementChangeForm,
    NewAgreementForm,
    RedLineFlagForm,
    TermsChangeForm,
    TermsForm,
    WeightForm,
    place_amendment_error,
)
from ..context import coalition_context
from ..decision_forms import DecisionKindForm, kind_rule_words

PER_PAGE = 50
AMENDMENT_TABS = [("open", "Open"), ("past", "Decided and withdrawn")]


def _number(value: Any) -> int:
    """A positive id typed as ASCII digits, else 0 (which names nothing)."""
    text = value if isinstance(value, str) else ""
    return int(text) if text.isascii() and text.isdecimal() and 0 < len(text) < 19 and int(text) > 0 else 0


_status = form_status


def _conflict_message(request: HttpRequest, error: ActionError) -> None:
    if error.status not in (409, 422):
        raise error
    messages.error(request, error.message)


# --- the whole constitution ----------------------------------------------------------------------------------------


def _constitution_page(
    request: HttpRequest, slug: str, *, founding_form: FoundingForm | None = None, status: int = 200
) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition, standing = context["coalition"], context["standing"]
    view = queries.constitution(request.user, coalition)
    adopted_by_ids = {row.version.adopted_by_id for row in view.agreements if row.version.adopted_by_id}
    adopted_by = {
        proposal.pk: proposal for proposal in Proposal.objects.filter(coalition=coalition, pk__in=adopted_by_ids)
    }
    groups = {
        group.pk: group
        for group in coalition_queries.member_groups(request.user, coalition)
        .filter(pk__in=list(view.weights))
        .prefetch_related(None)
    }
    open_amendments = [amendment for amendment in view.open_amendments if amendment.proposal.status == Status.OPEN]
    by_agreement: dict[int, list[Amendment]] = {}
    by_kind: dict[int, list[Amendment]] = {}
    for amendment in open_amendments:
        if amendment.agreement_id:
            by_agreement.setdefault(amendment.agreement_id, []).append(amendment)
        if amendment.decision_kind_id:
            by_kind.setdefault(amendment.decision_kind_id, []).append(amendment)
    founding_open = view.founding is not None and view.founding.status == Status.OPEN
    may_edit = may_edit_draft(standing, coalition) and not founding_open
    if founding_form is None and may_propose_founding(standing, coalition) and not founding_open:
        founding_form = FoundingForm()
    context |= {
        "view": view,
        "adopted": view.adopted,
        "agreements": [
            {
                "row": row,
                "adopted_by": adopted_by.get(row.version.adopted_by_id or 0),
                "amendments": by_agreement.get(row.agreement.pk, []),
            }
            for row in view.agreements
        ],
        "kinds": [
            {"kind": kind, "words": kind_rule_words(kind), "amendments": by_kind.get(kind.pk, [])}
            for kind in view.kinds
        ],
        "weights": sorted(
            ((groups[pk], weight) for pk, weight in view.weights.items() if pk in groups),
            key=lambda item: item[0].name,
        ),
        "open_amendments": open_amendments,
        "founding_open": founding_open,
        "may_edit": may_edit,
        "may_amend": may_propose_amendment(standing, coalition),
        "founding_form": founding_form if not founding_open else None,
    }
    return render(request, "web/constitution/constitution.html", context, status=status)


def constitution(request: HttpRequest, slug: str) -> HttpResponse:
    return _constitution_page(request, slug)


@require_POST
def constitution_founding(request: HttpRequest, slug: str) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition, standing = context["coalition"], context["standing"]
    queries.agreements(request.user, coalition)  # members only, before saying who may do this
    if coalition.constitution_adopted_at is not None:
        messages.error(
            request, f"The constitution was already adopted, on {coalition.constitution_adopted_at:%d %B %Y}."
        )
        return redirect("web:constitution", coalition.slug)
    if not may_propose_founding(standing, coalition):
        raise NotAllowed("Only a coordinator can put the draft constitution to the founding decision.")
    form = FoundingForm(request.POST)
    if form.is_valid():
        proposal = attempt(
            form,
            actions.propose_founding,
            actor=request.user,
            coalition=coalition,
            closes_at=form.aware(form.cleaned_data["closes_at"]),
        )
        if proposal is not None:
            messages.success(
                request,
                "The draft constitution is put to the founding member groups. It takes effect if they all consent.",
            )
            return redirect("web:proposal", coalition.slug, proposal.pk)
    return _constitution_page(request, slug, founding_form=form, status=422)


# --- an agreement, its versions, and a compare ------------------------------------------------------------------


def _agreement(request: HttpRequest, slug: str, agreement_id: int) -> tuple[dict[str, Any], Agreement]:
    context = coalition_context(request, slug)
    return context, queries.agreement(request.user, context["coalition"], agreement_id)


def agreement(request: HttpRequest, slug: str, agreement_id: int) -> HttpResponse:
    context, found = _agreement(request, slug, agreement_id)
    coalition, standing = context["coalition"], context["standing"]
    versions = queries.versions(request.user, found)
    amendments = [
        amendment
        for amendment in queries.open_amendments(coalition).filter(agreement=found)
        if amendment.proposal.status == Status.OPEN
    ]
    context |= {
        "agreement": found,
        "current": versions[0],
        "versions": versions,
        "amendments": amendments,
        "may_edit": may_edit_draft(standing, coalition),
        "may_amend": may_propose_amendment(standing, coalition),
    }
    return render(request, "web/constitution/agreement.html", context)


def agreement_version(request: HttpRequest, slug: str, agreement_id: int, number: int) -> HttpResponse:
    context, found = _agreement(request, slug, agreement_id)
    shown = queries.version(request.user, found, number)
    latest = queries.versions(request.user, found)[0]
    context |= {"agreement": found, "version": shown, "latest": latest, "is_current": shown.pk == latest.pk}
    return render(request, "web/constitution/agreement_version.html", context)


def agreement_compare(request: HttpRequest, slug: str, agreement_id: int) -> HttpResponse:
    context, found = _agreement(request, slug, agreement_id)
    versions = queries.versions(request.user, found)
    numbers = [version.number for version in versions]
    given = "from" in request.GET or "to" in request.GET
    defaults = {"from": str(numbers[1] if len(numbers) > 1 else numbers[0]), "to": str(numbers[0])}
    form = CompareForm(request.GET if given else defaults, numbers=numbers)
    left = right = None
    rows: list[Any] = []
    if form.is_valid():
        left, right, rows = queries.compare(
            request.user, found, int(form.cleaned_data["from"]), int(form.cleaned_data["to"])
        )
    context |= {
        "agreement": found,
        "versions": versions,
        "form": form,
        "left": left,
        "right": right,
        "rows": rows,
        "changes": sum(1 for row in rows if row.change != "same"),
    }
    return render(request, "web/constitution/agreement_compare.html", context, status=422 if form.errors else 200)


# --- the draft -----------------------------------------------------------------------------------------------------


def _draft_refused(request: HttpRequest, context: dict[str, Any]) -> HttpResponse | None:
    """After adoption the draft pages send the viewer back with a message; before it, only coordinators edit."""
    coalition, standing = context["coalition"], context["standing"]
    if coalition.constitution_adopted_at is not None:
        messages.error(
            request,
            f"The constitution was adopted on {coalition.constitution_adopted_at:%d %B %Y}: propose an amendment "
            "to change it.",
        )
        return redirect("web:constitution", coalition.slug)
    if not may_edit_draft(standing, coalition):
        raise NotAllowed("Only a coordinator can edit the draft constitution.")
    return None


@require_http_methods(["GET", "POST"])
def agreement_draft_edit(request: HttpRequest, slug: str, agreement_id: int) -> HttpResponse:
    context, found = _agreement(request, slug, agreement_id)
    refused = _draft_refused(request, context)
    if refused is not None:
        return refused
    current = actions.current_version(found)
    form = AgreementTextForm(request.POST or None, initial={"title": current.title, "text": current.text})
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            actions.edit_draft_agreement,
            actor=request.user,
            agreement=found,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
        )
        if saved is not None:
            messages.success(request, f"Saved the draft of {saved.title}.")
            return redirect(f"{reverse('web:constitution', args=[context['coalition'].slug])}#agreement-{found.pk}")
    context |= {"agreement": found, "current": current, "form": form}
    return render(request, "web/constitution/draft_edit.html", context, status=_status(form))


@require_http_methods(["GET", "POST"])
def agreement_draft_create(request: HttpRequest, slug: str) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition = context["coalition"]
    queries.agreements(request.user, coalition)  # members only
    refused = _draft_refused(request, context)
    if refused is not None:
        return refused
    form = NewAgreementForm(request.POST or None, initial={"category": Agreement.Category.POLICY})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        added = attempt(
            form,
            actions.add_draft_agreement,
            actor=request.user,
            coalition=coalition,
            title=data["title"],
            text=data["text"],
            category=data["category"],
            members_confirm=data["members_confirm"],
        )
        if added is not None:
            messages.success(request, f"Added {data['title']} to the draft constitution.")
            return redirect(f"{reverse('web:constitution', args=[coalition.slug])}#agreement-{added.pk}")
    context |= {"form": form}
    return render(request, "web/constitution/draft_create.html", context, status=_status(form))


@require_http_methods(["GET", "POST"])
def terms_draft_edit(request: HttpRequest, slug: str) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition = context["coalition"]
    queries.agreements(request.user, coalition)  # members only
    refused = _draft_refused(request, context)
    if refused is not None:
        return refused
    form = TermsForm(request.POST or None, initial=TermsForm.initial_for(actions.constitution_of(coalition)))
    if request.method == "POST" and form.is_valid():
        saved = attempt(form, actions.set_draft_terms, actor=request.user, coalition=coalition, **form.terms())
        if saved is not None:
            messages.success(request, "Saved the draft terms.")
            return redirect(f"{reverse('web:constitution', args=[coalition.slug])}#terms")
    context |= {"form": form}
    return render(request, "web/constitution/terms_edit.html", context, status=_status(form))


# --- amendments ------------------------------------------------------------------------------------------------------


TARGET_WORDS = {
    "agreement": "Change an agreement",
    "new_agreement": "Add an agreement",
    "decision_kind": "Change a decision kind's rule",
    "new_decision_kind": "Add a decision kind",
    "terms": "Change the terms",
    "agreed_weight": "Change a member group's agreed weight",
}


def _change_form(
    target: str,
    data: Any,
    *,
    coalition: Any,
    agreement: Agreement | None = None,
    kind: Any = None,
    group: Any = None,
    change: dict[str, Any] | None = None,
) -> Any:
    """The form for the change an amendment of `target` proposes, prefilled with what is in force (or `change`)."""
    if target == "agreement":
        current = actions.current_version(agreement)  # type: ignore[arg-type]
        initial = {"title": current.title, "text": current.text} | (change or {})
        return AgreementChangeForm(data, initial=initial, prefix="change")
    if target == "new_agreement":
        initial = {"category": Agreement.Category.POLICY} | (change or {})
        return NewAgreementChangeForm(data, initial=initial, prefix="change")
    if target in ("decision_kind", "new_decision_kind"):
        initial = DecisionKindForm.initial_for(kind)
        if change:
            shown = type("Proposed", (), {"name": "", "description": "", "scope": "coalition", "rule": {}})()
            for name in ("name", "description", "scope", "rule"):
                setattr(shown, name, change.get(name, getattr(kind, name, "")))
            initial = DecisionKindForm.initial_for(shown)  # type: ignore[arg-type]
        return KindChangeForm(data, initial=initial, editing=target == "decision_kind", prefix="change")
    if target == "terms":
        initial = TermsForm.initial_for(actions.constitution_of(coalition)) | (change or {})
        return TermsChangeForm(data, initial=initial, prefix="change")
    return WeightForm(data, initial=change or {}, prefix="change")


def _target_key(target: str, agreement: Any, kind: Any, group: Any) -> str:
    if target == "agreement":
        return f"agreement:{agreement.pk}"
    if target == "decision_kind":
        return f"decision_kind:{kind.pk}"
    if target == "agreed_weight":
        return f"agreed_weight:{group.pk}"
    return "terms" if target == "terms" else ""


def _amend_rule(request: HttpRequest, coalition: Any) -> str:
    kind = decision_queries.decision_kinds(request.user, coalition).filter(key="amend_constitution").first()
    return kind_rule_words(kind) if kind is not None else ""


def _in_force(target: str, *, coalition: Any, agreement: Any, kind: Any, group: Any, weights: dict[int, str]) -> str:
    if target == "decision_kind":
        return kind_rule_words(kind)
    if target == "agreed_weight":
        return weights.get(group.pk) or "1 (no agreed weight)"
    return ""


@require_http_methods(["GET", "POST"])
def amendment_create(request: HttpRequest, slug: str) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition, standing = context["coalition"], context["standing"]
    queries.agreements(request.user, coalition)  # members only
    if coalition.constitution_adopted_at is None:
        messages.error(
            request,
            "The constitution is still a draft: its coordinators edit it until the founding decision adopts it; "
            "amendments start after that.",
        )
        return redirect("web:constitution", coalition.slug)
    if not may_propose_amendment(standing, coalition):
        raise NotAllowed("Only members of this coalition can propose an amendment.")
    target = request.GET.get("target", "")
    if target not in TARGET_WORDS:
        context |= {
            "rows": queries.agreements(request.user, coalition),
            "kinds": list(decision_queries.decision_kinds(request.user, coalition)),
            "amend_rule": _amend_rule(request, coalition),
        }
        return render(request, "web/constitution/amendment_choose.html", context)
    agreement = kind = group = None
    if target == "agreement":
        agreement = queries.agreement(request.user, coalition, _number(request.GET.get("agreement")))
    elif target == "decision_kind":
        kind = decision_queries.decision_kind(request.user, coalition, _number(request.GET.get("kind")))
    elif target == "agreed_weight":
        group = coalition_queries.member_group(request.user, coalition, _number(request.GET.get("group")))
        if not group.is_active:
            raise NotFound(f"{group.name} has left the coalition.")
    weights = decision_queries.agreed_weights(request.user, coalition)
    data = request.POST if request.method == "POST" else None
    form = AmendmentForm(data)
    change_form = _change_form(
        target,
        data,
        coalition=coalition,
        agreement=agreement,
        kind=kind,
        group=group,
        change={"weight": weights.get(group.pk, "")} if group is not None else None,
    )
    if request.method == "POST":
        valid = form.is_valid()
        if change_form.is_valid() and valid:
            try:
                amendment = actions.propose_amendment(
                    actor=request.user,
                    coalition=coalition,
                    target=target,
                    change=change_form.change(),
                    title=form.cleaned_data["title"],
                    explanation=form.cleaned_data["explanation"],
                    closes_at=form.aware(form.cleaned_data["closes_at"]),
                    agreement=agreement,
                    decision_kind=kind,
                    member_group=group,
                )
            except ActionError as error:
                if error.status not in (400, 409, 422):
                    raise
                place_amendment_error(form, change_form, error)
            else:
                messages.success(
                    request,
                    f"“{amendment.proposal.title}” is open for decision under the rule for amending the constitution.",
                )
                return redirect("web:proposal", coalition.slug, amendment.proposal_id)
    key = _target_key(target, agreement, kind, group)
    others = (
        list(queries.open_amendments(coalition).filter(target_key=key, proposal__status=Status.OPEN)) if key else []
    )
    context |= {
        "target": target,
        "target_words": TARGET_WORDS[target],
        "agreement": agreement,
        "current": actions.current_version(agreement) if agreement is not None else None,
        "kind": kind,
        "group": group,
        "in_force": _in_force(
            target, coalition=coalition, agreement=agreement, kind=kind, group=group, weights=weights
        ),
        "form": form,
        "change_form": change_form,
        "amend_rule": _amend_rule(request, coalition),
        "others": others,
        "form_list": [form, change_form],
        "has_errors": bool(form.errors or change_form.errors),
    }
    return render(request, "web/constitution/amendment_form.html", context, status=_status(form, change_form))


def amendments(request: HttpRequest, slug: str) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition = context["coalition"]
    shown = request.GET.get("status", "open")
    if shown not in dict(AMENDMENT_TABS):
        shown = "open"
    rows = queries.amendments(request.user, coalition)
    rows = rows.filter(proposal__status=Status.OPEN) if shown == "open" else rows.exclude(proposal__status=Status.OPEN)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context |= {
        "page": page,
        "status": shown,
        "tabs": [{"value": value, "label": label, "current": value == shown} for value, label in AMENDMENT_TABS],
        "may_amend": may_propose_amendment(context["standing"], coalition),
    }
    return render(request, "web/constitution/amendments.html", context)


@require_http_methods(["GET", "POST"])
def amendment_rebase(request: HttpRequest, slug: str, amendment_id: int) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition, standing = context["coalition"], context["standing"]
    found = queries.amendment(request.user, coalition, amendment_id)
    proposal_url = reverse("web:proposal", args=[coalition.slug, found.proposal_id])
    if found.applied_at is not None or found.proposal.status not in (Status.OPEN, Status.NOT_APPLIED):
        messages.error(
            request, f"This amendment is {found.proposal.get_status_display().lower()}; it cannot be rebased."
        )
        return redirect(proposal_url)
    if not found.is_stale:
        messages.error(request, "This amendment is not stale: what it changes has not changed since it was proposed.")
        return redirect(proposal_url)
    if not may_rebase(standing, found):
        raise NotAllowed("Only the person who proposed the amendment, or a coordinator, can rebase it.")
    if found.target == Amendment.Target.DECISION_KIND and found.decision_kind is None:
        messages.error(request, "The decision kind this amendment changed no longer exists.")
        return redirect(proposal_url)
    data = request.POST if request.method == "POST" else None
    form = AmendmentForm(data, rebase=True)
    change_form = _change_form(
        found.target,
        data,
        coalition=coalition,
        agreement=found.agreement,
        kind=found.decision_kind,
        group=found.member_group,
        change=found.change,
    )
    if request.method == "POST":
        valid = form.is_valid()
        if change_form.is_valid() and valid:
            try:
                actions.rebase_amendment(
                    actor=request.user,
                    amendment=found,
                    change=change_form.change(),
                    closes_at=form.aware(form.cleaned_data["closes_at"]),
                    explanation=form.cleaned_data["explanation"],
                )
            except ActionError as error:
                if error.status not in (400, 409, 422):
                    raise
                place_amendment_error(form, change_form, error)
            else:
                messages.success(
                    request, "The amendment is rebased on the constitution now in force; a new round is open."
                )
                return redirect(proposal_url)
    current = actions.current_version(found.agreement) if found.agreement is not None else None
    weights = decision_queries.agreed_weights(request.user, coalition)
    context |= {
        "amendment": found,
        "proposal": found.proposal,
        "current": current,
        "in_force": _in_force(
            found.target,
            coalition=coalition,
            agreement=found.agreement,
            kind=found.decision_kind,
            group=found.member_group,
            weights=weights,
        ),
        "terms": actions.constitution_of(coalition),
        "form": form,
        "change_form": change_form,
        "form_list": [form, change_form],
        "has_errors": bool(form.errors or change_form.errors),
    }
    return render(request, "web/constitution/amendment_rebase.html", context, status=_status(form, change_form))


# --- what the constitution adds to a proposal's page ------------------------------------------------------------


def proposal_panel(
    request: HttpRequest, proposal: Proposal, *, flag_form: RedLineFlagForm | None = None
) -> dict[str, Any]:
    """The proposal page's constitution parts: the change an amendment carries (with a compare for text), the
    founding, admission or request to leave it decides, and red-line flags with the form to add one."""
    panel = queries.for_proposal(request.user, proposal)
    standing = coalition_queries.standing_in(request.user, proposal.coalition)
    rows: list[Any] = []
    amendment = panel.amendment
    if amendment is not None and amendment.target == Amendment.Target.AGREEMENT and amendment.agreement is not None:
        if amendment.adopted_version is not None:
            before = (
                queries.version(request.user, amendment.agreement, amendment.adopted_version.number - 1)
                if amendment.adopted_version.number > 1
                else None
            )
            rows = queries.compare_texts(before.text if before else "", amendment.adopted_version.text)
        else:
            rows = queries.compare_texts(
                actions.current_version(amendment.agreement).text, amendment.change.get("text", "")
            )
    red_lines: list[Any] = []
    may_flag = proposal.status == Status.OPEN and standing.role >= Role.MEMBER
    if may_flag:
        flagged = {flag.red_line_id for flag in panel.flags}
        red_lines = [
            row for row in queries.red_lines(request.user, proposal.coalition) if row.red_line.pk not in flagged
        ]
        if flag_form is None:
            flag_form = RedLineFlagForm(red_lines=red_lines, auto_id="flag-%s")
    return {
        "constitution": panel,
        "amendment": amendment,
        "amendment_rows": rows,
        "amendment_kind_words": (
            kind_rule_words(amendment.decision_kind)
            if amendment is not None and amendment.decision_kind is not None
            else ""
        ),
        "may_rebase": amendment is not None and amendment.is_stale and may_rebase(standing, amendment),
        "flags": [
            {
                "flag": flag,
                "may_withdraw": may_withdraw_flag(standing, flag),
            }
            for flag in panel.flags
        ],
        "flag_form": flag_form if may_flag else None,
        "has_red_lines": bool(red_lines),
    }


@require_POST
def proposal_flag_red_line(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    from .decisions import _proposal_page, load_proposal

    context, found = load_proposal(request, slug, proposal_id)
    coalition = context["coalition"]
    url = f"{reverse('web:proposal', args=[coalition.slug, found.pk])}#red-lines"
    if found.status != Status.OPEN:
        messages.error(request, f"This proposal is {found.get_status_display().lower()}; flag proposals still open.")
        return redirect(url)
    flagged = set(found.red_line_flags.filter(withdrawn_at__isnull=True).values_list("red_line_id", flat=True))
    rows = [row for row in queries.red_lines(request.user, coalition) if row.red_line.pk not in flagged]
    form = RedLineFlagForm(request.POST, red_lines=rows, auto_id="flag-%s")
    if form.is_valid():
        flag = attempt(
            form,
            actions.flag_red_line,
            actor=request.user,
            proposal=found,
            red_line=form.chosen(),
            note=form.cleaned_data["note"],
        )
        if flag is not None:
            messages.success(
                request, f"Flagged as touching a red line of {flag.red_line.member_group.name}; its delegates are told."
            )
            return redirect(url)
    return _proposal_page(request, slug, proposal_id, flag_form=form, status=422)


@require_POST
def red_line_flag_withdraw(request: HttpRequest, slug: str, proposal_id: int, flag_id: int) -> HttpResponse:
    from .decisions import load_proposal

    context, found = load_proposal(request, slug, proposal_id)
    flag = queries.red_line_flag(request.user, found, flag_id)
    url = f"{reverse('web:proposal', args=[context['coalition'].slug, found.pk])}#red-lines"
    try:
        actions.withdraw_red_line_flag(actor=request.user, flag=flag)
    except ActionError as error:
        _conflict_message(request, error)
    else:
        messages.success(request, f"Withdrew the flag on a red line of {flag.red_line.member_group.name}.")
    return redirect(url)
