"""The decision-kind table (and its rule editor), agreed weights, and the rule simulator.

Coordinators change the table (set_decision_kind); every member reads it. Proposals already open keep the rule
they opened under, so editing a kind never changes a decision under way.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accord.coalitions import queries as coalition_queries
from accord.coalitions.permissions import Role
from accord.decisions import actions, queries
from accord.decisions.models import DecisionKind, Proposal
from accord.decisions.permissions import may_edit_decision_kinds
from accord.errors import ActionError, NotAllowed
from accord.governance import GovernanceError

from ..action_forms import attempt
from ..context import coalition_context
from ..decision_forms import EXAMPLE_BALLOTS, AgreedWeightForm, DecisionKindForm, SimulatorForm, kind_rule_words
from ..decision_words import condition_words

PER_PAGE = 50
PAST_PROPOSALS = 100


def _require_editor(standing: Any) -> None:
    if not may_edit_decision_kinds(standing):
        raise NotAllowed("Only a coordinator of this coalition can change the decision kinds.")


@require_http_methods(["GET", "POST"])
def decision_kinds(request: HttpRequest, slug: str) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition, standing = context["coalition"], context["standing"]
    kinds = list(queries.decision_kinds(request.user, coalition))
    if request.method == "POST":  # the one button on this page: adopt the default table
        _require_editor(standing)
        try:
            adopted = actions.adopt_default_decision_kinds(actor=request.user, coalition=coalition)
        except ActionError as error:
            if error.status != 409:
                raise
            messages.error(request, error.message)
        else:
            messages.success(request, f"Adopted the default table of {len(adopted)} decision kinds.")
        return redirect("web:decision_kinds", coalition.slug)
    context |= {
        "kinds": [
            {
                "kind": kind,
                "rule_words": kind_rule_words(kind),
                "rule_json": json.dumps(kind.rule, indent=2),
                "scope": kind.get_scope_display(),
            }
            for kind in kinds
        ],
        "may_edit": may_edit_decision_kinds(standing) and coalition.constitution_adopted_at is None,
        "adopted": coalition.constitution_adopted_at is not None,
        "reserved_keys": list(actions.RESERVED_KINDS),
    }
    return render(request, "web/decisions/kinds.html", context)


def _kind_form(request: HttpRequest, slug: str, kind_id: int | None) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition, standing = context["coalition"], context["standing"]
    kind = queries.decision_kind(request.user, coalition, kind_id) if kind_id is not None else None
    if kind is None:
        queries.decision_kinds(request.user, coalition)  # members only, before saying who may edit
    if coalition.constitution_adopted_at is not None:  # the table is the constitution's now: amend it
        messages.error(
            request,
            f"The decision table is part of the constitution the coalition adopted on "
            f"{coalition.constitution_adopted_at:%d %B %Y}: propose an amendment to change it.",
        )
        target = f"?target=decision_kind&kind={kind.pk}" if kind is not None else "?target=new_decision_kind"
        return redirect(reverse("web:amendment_create", args=[coalition.slug]) + target)
    _require_editor(standing)
    form = DecisionKindForm(
        request.POST if request.method == "POST" else None,
        initial=DecisionKindForm.initial_for(kind),
        editing=kind is not None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = attempt(
            form,
            actions.set_decision_kind,
            actor=request.user,
            coalition=coalition,
            kind=kind,
            key=data.get("key", ""),
            name=data["name"],
            description=data["description"],
            rule=form.rule(),
            scope=data["scope"],
        )
        if saved is not None:
            verb = "Saved" if kind is not None else "Added"
            messages.success(
                request,
                f"{verb} the decision kind {saved.name}. Proposals already open keep the rule they opened under.",
            )
            return redirect("web:decision_kinds", coalition.slug)
    context |= {"form": form, "kind": kind}
    return render(request, "web/decisions/kind_form.html", context, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def decision_kind_create(request: HttpRequest, slug: str) -> HttpResponse:
    return _kind_form(request, slug, None)


@require_http_methods(["GET", "POST"])
def decision_kind_edit(request: HttpRequest, slug: str, kind_id: int) -> HttpResponse:
    return _kind_form(request, slug, kind_id)


# --- agreed weights ------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def agreed_weights(request: HttpRequest, slug: str) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition, standing = context["coalition"], context["standing"]
    weights = queries.agreed_weights(request.user, coalition)  # members only
    adopted = coalition.constitution_adopted_at is not None
    may_edit = may_edit_decision_kinds(standing) and not adopted
    failed: tuple[int, AgreedWeightForm] | None = None
    if request.method == "POST" and adopted:
        messages.error(
            request,
            f"Agreed weights are part of the constitution the coalition adopted on "
            f"{coalition.constitution_adopted_at:%d %B %Y}: propose an amendment to change one.",
        )
        return redirect("web:agreed_weights", coalition.slug)
    if request.method == "POST":
        if not may_edit:
            raise NotAllowed("Only a coordinator of this coalition can change agreed weights.")
        given = str(request.POST.get("member_group", ""))
        # Anything but ASCII digits names no group ("²".isdigit() is True, yet int("²") fails).
        group_id = int(given) if given.isascii() and given.isdecimal() and len(given) < 19 else 0
        group = coalition_queries.member_group(request.user, coalition, group_id)
        form = AgreedWeightForm(request.POST, auto_id=f"weight-{group.pk}-%s")
        if form.is_valid():
            saved = attempt(
                form,
                actions.set_agreed_weight,
                actor=request.user,
                member_group=group,
                weight=form.cleaned_data["weight"],
            )
            if not form.errors:
                shown = saved.weight if saved is not None else "1"
                messages.success(request, f"{group.name}'s agreed weight is now {shown}.")
                return redirect(f"{request.path}?page={request.GET.get('page', '1')}#group-{group.pk}")
        failed = (group.pk, form)
    groups = coalition_queries.member_groups(request.user, coalition).prefetch_related(None)
    page = Paginator(groups, PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for group in page.object_list:
        weight = weights.get(group.pk, "")
        if failed is not None and failed[0] == group.pk:
            form = failed[1]
        elif may_edit:
            form = AgreedWeightForm(initial={"weight": weight}, auto_id=f"weight-{group.pk}-%s")
        else:
            form = None
        rows.append({"group": group, "weight": weight or "1", "agreed": bool(weight), "form": form})
    context |= {
        "page": page,
        "rows": rows,
        "may_edit": may_edit,
        "adopted": adopted,
        "may_amend": adopted and standing.role >= Role.MEMBER,
        "failed_form": failed[1] if failed else None,
    }
    return render(request, "web/decisions/weights.html", context, status=422 if failed else 200)


# --- the rule simulator -------------------------------------------------------------------------------------------------


def _past_proposals(request: HttpRequest, coalition: Any) -> list[Proposal]:
    return list(
        queries.proposals(request.user, coalition, status="closed").exclude(
            stance_visibility=Proposal.StanceVisibility.SECRET
        )[:PAST_PROPOSALS]
    )


@require_http_methods(["GET", "POST"])
def rule_simulator(request: HttpRequest, slug: str) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition = context["coalition"]
    kinds = list(queries.decision_kinds(request.user, coalition))  # members only
    past = _past_proposals(request, coalition)
    outcome = None
    source = ""
    if request.method == "POST":
        form = SimulatorForm(request.POST, past=past)
        if form.is_valid():
            outcome, source = _simulate(request, coalition, form)
    else:
        chosen: DecisionKind | None = None
        kind_id = request.GET.get("kind", "")
        if kind_id:
            chosen = queries.decision_kind(request.user, coalition, kind_id)
        rule = chosen.rule if chosen is not None else {"method": "consensus", "unit": "groups", "blocks_allowed": 1}
        form = SimulatorForm(
            initial={"rule": json.dumps(rule, indent=2), "ballots": json.dumps(EXAMPLE_BALLOTS, indent=2)}, past=past
        )
        context["chosen_kind"] = chosen
    context |= {
        "form": form,
        "kinds": kinds,
        "outcome": outcome,
        "source": source,
        "conditions": [
            {"condition": condition, "label": condition_words(condition.name)}
            for condition in (outcome.conditions if outcome else ())
        ],
    }
    return render(request, "web/decisions/simulator.html", context, status=422 if form.errors else 200)


def _simulate(request: HttpRequest, coalition: Any, form: SimulatorForm) -> tuple[Any, str]:
    data = form.cleaned_data
    proposal: Proposal | None = None
    ballots: Any = None
    if data["proposal"]:
        proposal = queries.proposal(request.user, coalition, data["proposal"])
        try:
            ballots = queries.ballots_for_simulation(request.user, proposal, queries.current_round(proposal))
        except ActionError as error:
            form.add_error("proposal", error.message)
            return None, ""
    elif not data["ballots"].strip():
        form.add_error("ballots", "Give the ballots as JSON, or choose a past proposal.")
    else:
        ballots = form.parse_json("ballots")
    if data["rule"].strip():
        rule_data = form.parse_json("rule")
    elif proposal is not None:
        rule_data = proposal.rule
    else:
        form.add_error("rule", "Give a rule as JSON.")
        rule_data = None
    if form.errors:
        return None, ""
    try:
        outcome = queries.simulate(rule_data, ballots)
    except GovernanceError as error:
        path = error.path or ""
        if path.startswith("rule"):
            field = "rule"
        else:
            field = "proposal" if proposal is not None else "ballots"
            if path and not path.startswith("ballots"):
                path = f"ballots.{path}"
        form.add_error(field, f"{error.message} (at {path})" if path else error.message)
        return None, ""
    source = f"the ballots of “{proposal.title}”, round {proposal.round_number}" if proposal else "the ballots above"
    return outcome, source
