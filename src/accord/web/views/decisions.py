"""Decisions: the proposals list, opening a proposal, a proposal's page (the rule, the text, the viewer's stance
forms, the tally, who responded, participation and rounds), giving a stance, withdrawing, the next round and a
unit's stance history.

Thin views: read through accord.decisions.queries, write through accord.decisions.actions. The proposal page
costs the same number of queries however many stances there are (the lists on it are paginated).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accord.coalitions import queries as coalition_queries
from accord.decisions import actions, queries
from accord.decisions.models import FAILED, Proposal, Status
from accord.decisions.permissions import (
    may_open_proposal,
    may_start_next_round,
    may_view_decisions,
    may_withdraw,
    why_not_eligible,
)
from accord.errors import Conflict, NotAllowed
from accord.governance import describe_rule, percent

from ..action_forms import attempt, form_status
from ..context import coalition_context
from ..decision_forms import NextRoundForm, ProposalForm, StanceForm, WithdrawForm, kind_rule_words, unit_key_from
from ..decision_words import condition_words, count_rows, hidden_words, lower_first, stance_of, status_words

PER_PAGE = 50
AWAITING_SHOWN = 20
STATUS_TABS = [("", "All"), ("open", "Open"), ("closed", "Closed")]


_status = form_status


# --- the list ----------------------------------------------------------------------------------------------------------


def proposals(request: HttpRequest, slug: str) -> HttpResponse:
    """Open proposals first, then closed ones (two paged lists), or one status; and what waits for the viewer."""
    context = coalition_context(request, slug)
    coalition, standing = context["coalition"], context["standing"]
    status = request.GET.get("status", "")
    if status not in dict(STATUS_TABS) and status not in Status.values:
        status = ""
    if may_view_decisions(standing):
        actions.close_due_rounds(coalition=coalition)
    sections = []
    for shown, parameter, heading in (
        [("open", "open_page", "Open"), ("closed", "page", "Closed")] if status == "" else [(status, "page", "")]
    ):
        rows = queries.proposals(request.user, coalition, status=shown)
        page = Paginator(rows, PER_PAGE).get_page(request.GET.get(parameter))
        sections.append({"page": page, "parameter": parameter, "heading": heading, "status": shown})
    waiting = list(queries.awaiting(request.user, coalition)[: AWAITING_SHOWN + 1])
    label = dict(STATUS_TABS).get(status) or status_words(status)
    context |= {
        "sections": sections,
        "status": status,
        "status_label": label,
        "tabs": [{"value": value, "label": text, "current": value == status} for value, text in STATUS_TABS],
        "awaiting": waiting[:AWAITING_SHOWN],
        "more_awaiting": len(waiting) > AWAITING_SHOWN,
        "may_open": may_open_proposal(standing),
        "now": timezone.now(),
    }
    return render(request, "web/decisions/proposals.html", context)


# --- opening a proposal ----------------------------------------------------------------------------------------------


def _facilitators(request: HttpRequest, coalition: Any, form: ProposalForm) -> list[int] | None:
    """The people named as facilitators (by name or email address), or None with the error on the form."""
    found: list[int] = []
    people = coalition_queries.people(request.user, coalition)
    for name in form.facilitator_names():
        matches = list(people.filter(name__iexact=name).values_list("pk", flat=True)[:2]) or list(
            people.filter(email__iexact=name).values_list("pk", flat=True)[:2]
        )
        if not matches:
            form.add_error("facilitators", f"No current member is called “{name}”; check the spelling.")
            return None
        if len(matches) > 1:
            form.add_error("facilitators", f"More than one member is called “{name}”; give their email address.")
            return None
        found.append(matches[0])
    return found


@require_http_methods(["GET", "POST"])
def proposal_create(request: HttpRequest, slug: str) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition, standing = context["coalition"], context["standing"]
    kinds = list(queries.decision_kinds(request.user, coalition))  # refuses anyone but members
    if not may_open_proposal(standing):
        raise NotAllowed("Only members of this coalition can put a proposal to decision.")
    groups = coalition_queries.member_groups(request.user, coalition).prefetch_related(None)
    initial = {"kind": request.GET.get("kind", "")}
    # The reserved kinds (amendments, admissions, requests to leave) are opened from the pages for that change.
    reserved = [kind for kind in kinds if kind.key in actions.RESERVED_KINDS]
    offered = [kind for kind in kinds if kind.key not in actions.RESERVED_KINDS]
    form = ProposalForm(request.POST or None, kinds=offered, groups=groups, initial=initial)
    if request.method == "POST" and form.is_valid():
        facilitators = _facilitators(request, coalition, form)
        if facilitators is not None:
            opened = attempt(
                form,
                actions.open_proposal,
                actor=request.user,
                coalition=coalition,
                facilitators=facilitators,
                **form.arguments(),
            )
            if opened is not None:
                messages.success(request, f"“{opened.title}” is open for decision.")
                return redirect("web:proposal", coalition.slug, opened.pk)
    chosen = form.chosen_kind()
    context |= {
        "form": form,
        "kinds": kinds,
        "reserved_kinds": reserved,
        "chosen_kind": chosen,
        "chosen_rule": kind_rule_words(chosen) if chosen else "",
    }
    return render(request, "web/decisions/proposal_create.html", context, status=_status(form))


# --- a proposal's page ---------------------------------------------------------------------------------------------


def load_proposal(request: HttpRequest, slug: str, proposal_id: int) -> tuple[dict[str, Any], Proposal]:
    """The coalition's context and the proposal, its overdue round closed first (the worker may have been down at
    the deadline): every decisions page and facilitator mode load a proposal this way."""
    context = coalition_context(request, slug)
    found = queries.proposal(request.user, context["coalition"], proposal_id)
    if actions.close_due_rounds(proposal=found):
        found.refresh_from_db()
    return context, found


def _rounds(view: queries.ProposalView) -> list[dict[str, Any]]:
    listed = []
    for round_ in view.rounds:
        outcome = queries.outcome_from_json(round_.outcome) if round_.outcome else None
        listed.append({"round": round_, "outcome": outcome, "status": round_.get_status_display()})
    return listed


def _proposal_page(
    request: HttpRequest,
    slug: str,
    proposal_id: int,
    *,
    bound: StanceForm | None = None,
    flag_form: Any = None,
    status: int = 200,
) -> HttpResponse:
    from .constitution import proposal_panel  # the constitution's parts of the page: its views import this module

    context, found = load_proposal(request, slug, proposal_id)
    view = queries.proposal_view(request.user, found)
    round_ = view.round
    now = timezone.now()
    accepting = found.is_open and round_.accepts_stances(now)
    units = []
    for unit, stance in view.my_units:
        form = None
        if bound is not None and bound.unit_key == unit.key:
            form = bound  # shown with its errors, even if the round closed meanwhile
        elif accepting:
            form = StanceForm(rule=view.applied, options=found.options, unit_key=unit.key, stance=stance)
        is_self = unit.person_id is not None
        # Each unit's own <h3> when the viewer answers for more than themself; the form's error summary sits below.
        headed = len(view.my_units) > 1 or not is_self
        units.append(
            {
                "unit": unit,
                "stance": stance,
                "form": form,
                "is_self": is_self,
                "headed": headed,
                "level": 4 if headed else 3,
            }
        )
    responses_page = waiting_page = None
    positions_hidden = queries.positions_hidden(found, round_)
    if not positions_hidden:
        responses_page = Paginator(queries.responses(request.user, found, round_), PER_PAGE).get_page(
            request.GET.get("responded")
        )
    if not found.is_secret:
        waiting_page = Paginator(queries.not_responded(request.user, found, round_), PER_PAGE).get_page(
            request.GET.get("waiting")
        )
    participation = queries.participation(request.user, found, round_, responded=view.responded)
    next_rule, next_depth = view.rule.applied(found.round_number)
    slug_id = (context["coalition"].slug, found.pk)
    context |= {
        "proposal": found,
        "view": view,
        "round": round_,
        "rule_words": describe_rule(view.rule),
        "applied_words": describe_rule(view.applied),
        "outcome": view.outcome,
        "conditions": [
            {"condition": condition, "label": condition_words(condition.name)}
            for condition in (view.outcome.conditions if view.outcome else ())
        ],
        "tally_rows": count_rows(view.outcome, view.applied, eligible=round_.eligible_count),
        "weighted": view.applied.weighting != "equal",
        "units": units,
        "accepting": accepting,
        "has_errors": bound is not None and bool(bound.errors),
        "not_yet_open": found.is_open and round_.is_open and now < round_.opens_at,
        "positions_hidden": positions_hidden,
        "hidden_words": hidden_words(found.is_secret),
        "responses_page": responses_page,
        "waiting_page": waiting_page,
        "participation": participation,
        "participation_share": percent(participation.share),
        "average_share": percent(participation.average_share) if participation.average_share is not None else None,
        "rounds": _rounds(view),
        "may_withdraw": may_withdraw(view.standing, found),
        "may_start_next_round": may_start_next_round(view.standing, found),
        "next_round_fallback": next_depth > 0,
        "next_rule_words": describe_rule(next_rule),
        "facilitate_url": reverse("web:proposal_facilitate", args=slug_id) if view.may_facilitate else "",
        # The projector shows what every member may see: anyone can put it on a screen.
        "projector_url": reverse("web:proposal_projector", args=slug_id),
    }
    context |= proposal_panel(request, found, flag_form=flag_form)
    return render(request, "web/decisions/proposal.html", context, status=status)


def proposal(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    return _proposal_page(request, slug, proposal_id)


@require_POST
def proposal_stance(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    context, found = load_proposal(request, slug, proposal_id)
    view = queries.proposal_view(request.user, found)
    key = unit_key_from(request.POST.get("unit"))
    mine = dict(view.my_units)
    unit = next((unit for unit in mine if unit.key == key), None)
    if unit is None:
        if not view.my_units:
            raise NotAllowed(why_not_eligible(view.standing, view.applied.unit))
        raise NotAllowed("You can give a stance only for yourself or for a member group you are a delegate of.")
    now = timezone.now()
    round_ = view.round
    if not (found.is_open and round_.accepts_stances(now)):
        if found.is_open and round_.is_open and now < round_.opens_at:
            messages.error(request, "This round has not opened yet; stances can be given once it opens.")
        else:
            messages.error(
                request,
                f"This round has closed ({found.get_status_display().lower()}); stances can no longer change.",
            )
        return redirect("web:proposal", context["coalition"].slug, found.pk)
    form = StanceForm(request.POST, rule=view.applied, options=found.options, unit_key=unit.key, stance=mine[unit])
    if form.is_valid():
        recorded = attempt(
            form, actions.record_stance, actor=request.user, proposal=found, unit_key=unit.key, **form.arguments()
        )
        if recorded is not None:
            whose = "Your stance" if unit.person_id is not None else f"{unit.label}'s position"
            notice = f"{whose} is recorded: {lower_first(stance_of(recorded))}."
            if mine[unit] is not None:
                notice += " The earlier one is kept in the history."
            messages.success(request, notice)
            return redirect(f"{reverse('web:proposal', args=[context['coalition'].slug, found.pk])}#unit-{unit.key}")
    return _proposal_page(request, slug, proposal_id, bound=form, status=422)


# --- withdrawing, the next round, history ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def proposal_withdraw(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    context, found = load_proposal(request, slug, proposal_id)
    standing = context["standing"]
    if not found.is_open:
        messages.error(request, f"This proposal is already {found.get_status_display().lower()}.")
        return redirect("web:proposal", context["coalition"].slug, found.pk)
    if not may_withdraw(standing, found):
        raise NotAllowed("Only the person who proposed it, or a coordinator, can withdraw it.")
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        withdrawn = attempt(
            form, actions.withdraw_proposal, actor=request.user, proposal=found, reason=form.cleaned_data["reason"]
        )
        if withdrawn is not None:
            messages.success(request, f"You withdrew “{withdrawn.title}”. Its stances and history stay on its page.")
            return redirect("web:proposal", context["coalition"].slug, found.pk)
    context |= {"proposal": found, "form": form}
    return render(request, "web/decisions/proposal_withdraw.html", context, status=_status(form))


@require_http_methods(["GET", "POST"])
def proposal_next_round(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    context, found = load_proposal(request, slug, proposal_id)
    standing = context["standing"]
    if found.is_open:
        raise Conflict("This round is still open; a new round can start once it has closed without agreement.")
    if found.status not in FAILED:
        raise Conflict(
            f"This proposal is {found.get_status_display().lower()}; only a failed round can be tried again."
        )
    if not may_start_next_round(standing, found):
        raise NotAllowed("Only the person who proposed it, or a coordinator, can start a new round.")
    previous = queries.current_round(found)
    rule = queries.frozen_rule(found)
    next_rule, depth = rule.applied(found.round_number)
    initial = {"text": previous.text, "options": "\n".join(found.options)}
    form = NextRoundForm(request.POST or None, initial=initial, takes_options=next_rule.takes_options)
    if request.method == "POST" and form.is_valid():
        started = attempt(form, actions.start_next_round, actor=request.user, proposal=found, **form.arguments())
        if started is not None:
            messages.success(request, f"Round {started.number} of “{found.title}” is open.")
            return redirect("web:proposal", context["coalition"].slug, found.pk)
    context |= {
        "proposal": found,
        "form": form,
        "previous": previous,
        "next_number": found.round_number + 1,
        "uses_fallback": depth > 0,
        "next_rule_words": describe_rule(next_rule),
    }
    return render(request, "web/decisions/proposal_next_round.html", context, status=_status(form))


def proposal_history(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    context, found = load_proposal(request, slug, proposal_id)
    given = request.GET.get("unit", "")
    unit_key = unit_key_from(given)  # anything but p12 or g3 (a NUL, a typo) names no unit, and is not looked up
    rows: Any = queries.stance_history(request.user, found, unit_key) if unit_key else []
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page")) if given else None
    label = next((stance.unit.label for stance in page.object_list), "") if page is not None else ""
    current = queries.current_round(found)
    context |= {
        "proposal": found,
        "unit_key": unit_key,
        "page": page,
        "unit_label": label,
        "positions_hidden": queries.positions_hidden(found, current),
    }
    return render(request, "web/decisions/proposal_history.html", context)
