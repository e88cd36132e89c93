"""A meeting in a room: facilitator mode (recording many units' stances quickly), the projector view, and the
live tally fragment both of them (and the proposal page) show.

Facilitator mode lists the eligible units (`decisions.queries.eligible_units`, which refuses anyone but a
coordinator or a named facilitator), at most MAX_ROWS of them: a search narrows a 14,000-person list to the one
being recorded. Each row is a real form that posts to the same page; with htmx only the row is swapped, and the
counter, the tally summary and an announcement follow out of band. accord.js adds the keyboard: type to filter,
arrows to a row, a letter or digit records.

The projector is a page of its own (no navigation, large type) that polls `proposal_tally` every few seconds;
without JavaScript it refreshes itself with a <noscript> meta refresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods

from accord.decisions import actions, queries
from accord.decisions.models import EligibleUnit, Proposal, Status
from accord.decisions.queries import ProposalView
from accord.errors import Conflict, Invalid, NotAllowed
from accord.governance import describe_rule
from accord.governance.rules import FIST_MAX, POSITION_METHODS, noun

from ..decision_forms import UnreadableStance, stance_arguments, unit_key_from
from ..decision_words import count_rows, hidden_words, lower_first, position_words, stance_words, status_words
from ..middleware import htmx_refusal
from .decisions import load_proposal

MAX_ROWS = 100
SEARCH_MAX = 100
PROJECTOR_REFRESH_SECONDS = 5
FACILITATORS_ONLY = "Only a coordinator or a facilitator named on this proposal can record others' stances."

# The key that records each position for the focused row (accord.js), besides its number in the row.
POSITION_KEYS = {"agree": "a", "disagree": "d", "stand_aside": "s", "abstain": "x", "block": "b"}


# --- what a row offers ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One button in a row: it posts `name=value`; `keys` record it from the keyboard (aria-keyshortcuts)."""

    name: str
    value: str
    label: str
    hidden_prefix: str
    keys: tuple[str, ...]
    needs_reason: bool
    danger: bool = False

    @property
    def data_keys(self) -> str:
        return " ".join(self.keys)

    @property
    def shortcuts(self) -> str:
        return " ".join(key.upper() for key in self.keys)


def _choices(proposal: Proposal, view: ProposalView) -> list[Choice]:
    """The row's buttons under the rule that decides this round: positions, or scores 0-5 and abstain."""
    rule = view.applied
    if rule.method in POSITION_METHODS:
        return [
            Choice(
                "position",
                position,
                position_words(position),
                "",
                (POSITION_KEYS[position], str(index)),
                needs_reason=position == "block",
                danger=position == "block",
            )
            for index, position in enumerate(rule.accepted_positions(), start=1)
        ]
    if rule.method == "fist_to_five":
        block_at = rule.fist_to_five.block_at_or_below
        scores = [
            Choice("score", str(score), str(score), "Score ", (str(score),), score <= block_at, score <= block_at)
            for score in range(FIST_MAX + 1)
        ]
        return [*scores, Choice("position", "abstain", "Abstain", "", ("x",), False)]
    return [Choice("position", "abstain", "Abstain", "", ("x",), False)]


def _option_inputs(proposal: Proposal, view: ProposalView) -> dict[str, Any] | None:
    """For option methods, the quick form: one input per option (a checkbox to approve, a number otherwise)."""
    rule = view.applied
    if not rule.takes_options:
        return None
    method = rule.method
    if method == "approval":
        return {"kind": "approve", "label": "Approve", "options": proposal.options, "min": 0, "max": 1}
    if method in ("ranked_irv", "ranked_schulze"):
        return {
            "kind": "rank",
            "label": "Rank",
            "help": "1 for the first choice; leave an option empty to leave it unranked.",
            "options": proposal.options,
            "min": 1,
            "max": len(proposal.options),
        }
    if method == "score":
        return {
            "kind": "score",
            "label": "Score",
            "help": f"0 to {rule.max_score} for each option.",
            "options": proposal.options,
            "min": 0,
            "max": rule.max_score,
        }
    return {
        "kind": "dots",
        "label": "Dots",
        "help": f"Up to {rule.dots} dots in all.",
        "options": proposal.options,
        "min": 0,
        "max": rule.dots,
    }


# --- the live tally -----------------------------------------------------------------------------------------------


def tally_context(view: ProposalView) -> dict[str, Any]:
    """What web/facilitation/_tally.html shows for a proposal: include it with this context on any page."""
    proposal, round_ = view.proposal, view.round
    closed = not round_.is_open
    status = round_.status if closed else Status.OPEN
    return {
        "proposal": proposal,
        "round": round_,
        "outcome": view.outcome,
        "closed": closed,
        "withdrawn": round_.status == Status.WITHDRAWN,
        "status": status,
        "status_words": status_words(status),
        "results_hidden": view.results_hidden,
        "responded": view.responded,
        "eligible": round_.eligible_count,
        "unit_plural": noun(view.applied.unit),
        "bars": count_rows(view.outcome, view.applied, eligible=round_.eligible_count),
        "rule_words": describe_rule(view.applied),
        "fallback": round_.rule_applied == "fallback",
    }


# --- loading ----------------------------------------------------------------------------------------------------


def _search(request: HttpRequest) -> str:
    """The search typed, its spaces tidied; a NUL character (which PostgreSQL refuses) is dropped."""
    data = request.POST if request.method == "POST" else request.GET
    return " ".join(str(data.get("q", "")).replace("\x00", "").split())[:SEARCH_MAX]


def _facilitate_url(slug: str, proposal: Proposal, search: str, anchor: str = "") -> str:
    url = reverse("web:proposal_facilitate", args=[slug, proposal.pk])
    if search:
        url += "?" + urlencode({"q": search})
    return url + (f"#{anchor}" if anchor else "")


def _rows(request: HttpRequest, view: ProposalView, search: str) -> dict[str, Any]:
    units = queries.eligible_units(request.user, view.proposal, view.round, search=search)
    rows = list(units[: MAX_ROWS + 1])
    more = len(rows) > MAX_ROWS
    rows = rows[:MAX_ROWS]
    matching = units.count() if more else len(rows)
    hidden = queries.positions_hidden(view.proposal, view.round)
    for row in rows:
        _describe(row, hidden=hidden)
    return {"rows": rows, "matching": matching, "more": more, "search": search, "max_rows": MAX_ROWS}


def _describe(unit: EligibleUnit, *, hidden: bool, error: str = "", kept_reason: str = "") -> EligibleUnit:
    """What a row shows besides the unit: its stance in words (only "Recorded" while who said what is hidden), and
    a refusal with the reason as it was typed."""
    unit.stance_words = stance_words(  # type: ignore[attr-defined]
        getattr(unit, "current_position", ""),
        getattr(unit, "current_score", None),
        recorded=getattr(unit, "has_stance", False),
        hidden=hidden,
    )
    unit.error = error  # type: ignore[attr-defined]
    unit.kept_reason = kept_reason  # type: ignore[attr-defined]
    return unit


def _row_context(proposal: Proposal, view: ProposalView) -> dict[str, Any]:
    hidden = queries.positions_hidden(proposal, view.round)
    return {
        "proposal": proposal,
        "facilitate_url": reverse("web:proposal_facilitate", args=[proposal.coalition.slug, proposal.pk]),
        "choices": _choices(proposal, view),
        "option_inputs": _option_inputs(proposal, view),
        "positions_hidden": hidden,
        "hidden_words": hidden_words(proposal.is_secret) if hidden else "",
        "round_open": view.round.is_open and proposal.is_open,
    }


# --- facilitator mode ----------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def facilitate(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    """The facilitator's page: search, the eligible units and their stances, a button for each position."""
    context, proposal = load_proposal(request, slug, proposal_id)
    view = queries.proposal_view(request.user, proposal)
    if not view.may_facilitate:  # also for a delegate posting their own group's stance here: not this page's door
        raise NotAllowed(FACILITATORS_ONLY)
    search = _search(request)
    if request.method == "POST":
        return _record(request, context, view, search)
    context |= (
        {"view": view, "tally": tally_context(view)} | _row_context(proposal, view) | _rows(request, view, search)
    )
    if request.htmx and request.htmx.target == "facilitate-units":
        response = render(request, "web/facilitation/_units.html", context | {"oob": True})
    else:
        response = render(request, "web/facilitation/facilitate.html", context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


class _Unreadable(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _recorded(arguments: dict[str, Any], label: str, *, hidden: bool) -> str:
    """The announcement of what was recorded: "Recorded for Leeds: stand aside."; while who said what is hidden,
    only that a stance was recorded."""
    if hidden:
        return f"Recorded the stance for {label}."
    choice = {name: arguments[name] for name in ("ranking", "approve", "scores", "dots") if name in arguments}
    said = stance_words(arguments.get("position", ""), arguments.get("score"), choice)
    return f"Recorded for {label}: {lower_first(said)}."


def _record(request: HttpRequest, context: dict[str, Any], view: ProposalView, search: str) -> HttpResponse:
    """Record one unit's stance for the facilitator; answer with the row (htmx) or back to the list."""
    proposal = view.proposal
    given = request.POST.get("unit", "")
    unit_key = unit_key_from(given)  # never a NUL or a stray string in a query
    error: str = ""
    status = 200
    arguments: dict[str, Any] = {}
    try:
        if not given:  # without a unit, the action would record the facilitator's own stance
            raise _Unreadable("Choose whose stance to record: use the buttons in that person's or group's row.")
        if not unit_key:
            raise _Unreadable("There is no such person or group in this round: use the buttons in their row.")
        try:
            arguments = stance_arguments(request.POST, rule=view.applied, options=proposal.options)
        except UnreadableStance as unreadable:
            raise _Unreadable(unreadable.message) from None
        actions.record_stance(actor=request.user, proposal=proposal, unit_key=unit_key, **arguments)
    except _Unreadable as unreadable:
        error, status = unreadable.message, Invalid.status
    except (Invalid, Conflict) as refused:
        error, status = refused.message, refused.status
    proposal.refresh_from_db()
    view = queries.proposal_view(request.user, proposal)
    hidden = queries.positions_hidden(proposal, view.round)
    units = queries.eligible_units(request.user, proposal, view.round)
    unit = units.filter(key=unit_key).first() if unit_key else None
    label = unit.label if unit is not None else unit_key
    if error:
        announcement = f"Not recorded for {label}: {error}" if unit is not None else error
    else:
        announcement = _recorded(arguments, label, hidden=hidden)
        if not view.round.is_open:
            announcement += f" The round has closed: {status_words(view.round.status)}."

    kept_reason = str(request.POST.get("reason", "")).replace("\x00", "") if error else ""
    if not request.htmx:
        if not error:
            messages.success(request, announcement)
            return redirect(_facilitate_url(context["coalition"].slug, proposal, search, f"unit-{unit_key}"))
        messages.error(request, announcement)
        if unit is None:
            return redirect(_facilitate_url(context["coalition"].slug, proposal, search))
        # The whole page again, with the error in the unit's row and the reason as it was typed.
        listed = _rows(request, view, search)
        for row in listed["rows"]:
            if row.key == unit_key:
                _describe(row, hidden=hidden, error=error, kept_reason=kept_reason)
        context |= {"view": view, "tally": tally_context(view)} | _row_context(proposal, view) | listed
        return render(request, "web/facilitation/facilitate.html", context, status=status)

    if unit is None:
        return htmx_refusal(request, error or f"{unit_key!r} is not eligible in this round.", status)
    _describe(unit, hidden=hidden, error=error, kept_reason=kept_reason)
    context |= {
        "view": view,
        "tally": tally_context(view),
        "unit": unit,
        "search": search,
        "announcement": announcement,
        "failed": bool(error),
    } | _row_context(proposal, view)
    response = render(request, "web/facilitation/_row_response.html", context, status=status)
    # The row is swapped where it is, whether recorded or refused (ActionErrorPageMiddleware leaves alone a
    # refusal that names its own target).
    response["HX-Retarget"] = f"#unit-{unit.key}"
    response["HX-Reswap"] = "outerHTML"
    return response


# --- the projector and the tally fragment ----------------------------------------------------------------------------


def _tally_context(request: HttpRequest, slug: str, proposal_id: int) -> dict[str, Any]:
    context, proposal = load_proposal(request, slug, proposal_id)
    view = queries.proposal_view(request.user, proposal)
    return context | {"proposal": proposal, "view": view, "tally": tally_context(view)}


@require_GET
def projector(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    """The proposal for a room's screen: the title, the rule, the live tally; any member may open it."""
    context = _tally_context(request, slug, proposal_id) | {"refresh_seconds": PROJECTOR_REFRESH_SECONDS}
    return render(request, "web/facilitation/projector.html", context)


@require_GET
def tally(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    """The live tally alone, for the projector's polling (and any page that wants it fresh)."""
    context = _tally_context(request, slug, proposal_id) | {"large": request.GET.get("style") == "projector"}
    response = render(request, "web/facilitation/_tally.html", context)
    response["Cache-Control"] = "no-store"
    return response
