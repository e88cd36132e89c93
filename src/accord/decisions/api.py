"""The JSON API for decisions: the table of decision kinds and agreed weights, proposals and their rounds, stances,
outcomes, and the rule simulator. Mounted under /api/v1/ by `accord.api.root`.

Each endpoint parses its input with a schema, calls one action (or the queries it reads), and returns a schema.
Who may do what is decided in `actions.py` and `queries.py`; their refusals become the API's error shape in
`accord.api.errors`. Coalitions are addressed by slug; everything inside one by its integer id, looked up within
that coalition only, so another coalition's ids answer 404. Rules and ballots are checked by the governance
kernel, whose errors name the field at fault (`rule.fallback.rule.threshold`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from ninja import Query, Router

from accord.api.inputs import Id
from accord.api.pagination import PageQuery, page_of, paginate
from accord.coalitions import queries as coalition_queries
from accord.coalitions.models import Coalition, MemberGroup
from accord.errors import Invalid, NotFound
from accord.governance import GovernanceError, describe_rule, parse_rule, percent

from . import actions, group_rules, queries, spokescouncil
from .models import DecisionKind, EligibleUnit, Proposal, Round, Stance
from .permissions import may_start_next_round, may_withdraw
from .schemas import (
    AgreedWeightIn,
    AgreedWeightOut,
    DecisionKindCreateIn,
    DecisionKindOut,
    DecisionKindUpdateIn,
    EligibleQuery,
    FacilitationUnitOut,
    GroupRuleIn,
    GroupRuleOut,
    MemberViewIn,
    MemberViewOut,
    NextRoundIn,
    Outcome,
    ProposalCreateIn,
    ProposalListQuery,
    ProposalOut,
    ProposalOutcomeOut,
    ProposalSummaryOut,
    RoundSummaryOut,
    SettleIn,
    SpokesPositionsOut,
    StanceHistoryQuery,
    StanceIn,
    StanceListOut,
    StanceOut,
    TallyIn,
    UnitListOut,
    WithdrawIn,
)

router = Router()

KINDS = ["Decision kinds"]
WEIGHTS = ["Agreed weights"]
PROPOSALS = ["Proposals"]
STANCES = ["Stances"]
SIMULATOR = ["Rule simulator"]

# The simulator counts at most this many stances (and eligible units) in one request.
SIMULATOR_MAX = queries.SIMULATOR_MAX
SECRET_NOTE = "Stances on this proposal are secret: only the totals are shown, in its outcome."
NO_WITHDRAW_REASON = WithdrawIn()


# --- turning rows into the output shapes -----------------------------------------------------------------------


def _kind_out(kind: DecisionKind) -> dict[str, Any]:
    return {
        "id": kind.pk,
        "key": kind.key,
        "name": kind.name,
        "description": kind.description,
        "rule": kind.rule,
        "rule_text": describe_rule(parse_rule(kind.rule)),
        "scope": kind.scope,
        "position": kind.position,
        "created_at": kind.created_at,
        "updated_at": kind.updated_at,
    }


def _kind_ref(kind: DecisionKind) -> dict[str, Any]:
    return {"id": kind.pk, "key": kind.key, "name": kind.name}


def _weight_out(group: MemberGroup, weights: Mapping[int, str]) -> dict[str, Any]:
    return {"member_group": group, "weight": weights.get(group.pk, "1"), "is_agreed": group.pk in weights}


def _round_fields(round_: Round) -> dict[str, Any]:
    return {
        "number": round_.number,
        "text": round_.text,
        "opens_at": round_.opens_at,
        "closes_at": round_.closes_at,
        "closed_at": round_.closed_at,
        "status": round_.status,
        "rule_applied": round_.rule_applied,
        "failed_rounds_before": round_.failed_rounds_before,
        "eligible_count": round_.eligible_count,
    }


def _round_summary(round_: Round) -> dict[str, Any]:
    return {**_round_fields(round_), "outcome": round_.outcome}


def _stance_out(stance: Stance, *, round_number: int, unit: EligibleUnit | None = None) -> dict[str, Any]:
    """A stance. Lists hand rows whose unit and recorder the query fetched up front; `unit` spares that query."""
    unit = unit or stance.unit
    return {
        "id": stance.pk,
        "round": round_number,
        "unit": stance.unit_key,
        "unit_label": unit.label,
        "position": stance.position,
        "score": stance.score,
        "choice": stance.choice,
        "reason": stance.reason,
        "spokes_position": stance.spokes_position,
        "amendment": stance.amendment,
        "note": stance.note,
        "recorded_by": stance.recorded_by.name if stance.recorded_by else None,
        "created_at": stance.created_at,
        "is_current": stance.is_current,
    }


def _unit_kind(unit: EligibleUnit) -> str:
    return "person" if unit.person_id is not None else "member_group"


def _unit_out(unit: EligibleUnit) -> dict[str, Any]:
    return {"unit": unit.key, "label": unit.label, "kind": _unit_kind(unit), "size": unit.size}


def _facilitation_unit_out(unit: EligibleUnit) -> dict[str, Any]:
    return {
        **_unit_out(unit),
        "has_stance": unit.has_stance,  # type: ignore[attr-defined]
        "current_position": unit.current_position,  # type: ignore[attr-defined]
        "current_score": unit.current_score,  # type: ignore[attr-defined]
    }


def _summary_out(proposal: Proposal) -> dict[str, Any]:
    return {
        "id": proposal.pk,
        "title": proposal.title,
        "kind": _kind_ref(proposal.kind),
        "kind_name": proposal.kind_name,
        "author_name": proposal.author.name if proposal.author else None,
        "status": proposal.status,
        "created_at": proposal.created_at,
        "round_number": proposal.round_number,
        "closes_at": proposal.closes_at,  # type: ignore[attr-defined]
        "eligible_count": proposal.eligible_count or 0,  # type: ignore[attr-defined]
        "responded_count": proposal.responded_count or 0,  # type: ignore[attr-defined]
    }


def _api_path(coalition: Coalition, proposal: Proposal, tail: str = "") -> str:
    return f"{reverse('api-v1:api-root')}coalitions/{coalition.slug}/proposals/{proposal.pk}{tail}"


def _page_path(coalition: Coalition, proposal: Proposal) -> str | None:
    try:
        return reverse("web:proposal", kwargs={"slug": coalition.slug, "proposal_id": proposal.pk})
    except NoReverseMatch:  # the pages are not installed
        return None


def _proposal_out(actor: Any, proposal: Proposal) -> dict[str, Any]:
    """The proposal as its page shows it: the same view, the same facts."""
    view = queries.proposal_view(actor, proposal)
    round_ = view.round
    participation = queries.participation(actor, proposal, round_, responded=view.responded)
    next_rule, next_depth = view.rule.applied(proposal.round_number)  # a next round follows this many failed ones
    coalition = proposal.coalition
    now = timezone.now()
    return {
        "id": proposal.pk,
        "title": proposal.title,
        "kind": _kind_ref(proposal.kind),
        "kind_name": proposal.kind_name,
        "author_name": proposal.author.name if proposal.author else None,
        "status": proposal.status,
        "withdrawn_reason": proposal.withdrawn_reason,
        "effect": proposal.effect,
        "effect_note": proposal.effect_note,
        "created_at": proposal.created_at,
        "options": proposal.options,
        "scope_groups": list(proposal.scope_groups.order_by("name", "pk")),
        "facilitators": list(proposal.facilitators.order_by("name", "pk")),
        "results_visibility": proposal.results_visibility,
        "stance_visibility": proposal.stance_visibility,
        "close_when_all_responded": proposal.close_when_all_responded,
        "process": proposal.process,
        "rule": proposal.rule,
        "rule_text": describe_rule(view.rule),
        "applied_rule_text": describe_rule(view.applied),
        "round_number": proposal.round_number,
        "round": {**_round_fields(round_), "responded": view.responded},
        "accepting_stances": proposal.is_open and round_.accepts_stances(now),
        "next_round_rule_text": describe_rule(next_rule),
        "next_round_uses_fallback": next_depth > 0,
        "results_hidden": view.results_hidden,
        "outcome": view.outcome.to_json() if view.outcome is not None else None,
        "participation": {
            "eligible": participation.eligible,
            "responded": participation.responded,
            "share": percent(participation.share),
            "recent": participation.recent,
            "took_part_in_any": participation.took_part_in_any,
            "took_part_in_all": participation.took_part_in_all,
            "recent_average_share": (
                percent(participation.average_share) if participation.average_share is not None else None
            ),
            "same_people": participation.same_people,
        },
        "my_units": [
            {
                "unit": unit.key,
                "label": unit.label,
                "kind": _unit_kind(unit),
                "stance": _stance_out(stance, round_number=round_.number, unit=unit) if stance else None,
            }
            for unit, stance in view.my_units
        ],
        "may_facilitate": view.may_facilitate,
        "may_withdraw": may_withdraw(view.standing, proposal),
        "may_start_next_round": may_start_next_round(view.standing, proposal),
        "links": {
            "self": _api_path(coalition, proposal),
            "page": _page_path(coalition, proposal),
            "stances": _api_path(coalition, proposal, "/stances"),
            "outcome": _api_path(coalition, proposal, "/outcome"),
            "rounds": _api_path(coalition, proposal, "/rounds"),
        },
    }


def _noted_page(rows: Any, query: PageQuery, proposal: Proposal, transform: Any) -> dict[str, Any]:
    page = paginate(rows, query, transform=transform)
    return {**page, "secret": proposal.is_secret, "note": SECRET_NOTE if proposal.is_secret else None}


# --- looking up the objects a request names, within its coalition -------------------------------------------


def _coalition(request: HttpRequest, slug: str) -> Coalition:
    return coalition_queries.coalition_by_slug(request.auth, slug)


def _proposal(request: HttpRequest, slug: str, proposal_id: int, *, settle: bool = False) -> Proposal:
    """The proposal; with `settle`, a round whose deadline has passed is closed first, so no reader sees a stale
    "open" (the worker closes it at the deadline, but may be down or late)."""
    coalition = _coalition(request, slug)
    proposal = queries.proposal(request.auth, coalition, proposal_id)
    if settle and actions.close_due_rounds(proposal=proposal):
        proposal = queries.proposal(request.auth, coalition, proposal_id)
    return proposal


def _kind_named(actor: Any, coalition: Coalition, kind_id: int) -> DecisionKind:
    try:
        return queries.decision_kind(actor, coalition, kind_id)
    except NotFound as error:
        raise NotFound(error.message, field="kind") from None


# --- decision kinds --------------------------------------------------------------------------------------------


@router.get(
    "/coalitions/{slug}/decision-kinds",
    response=page_of(DecisionKindOut),
    tags=KINDS,
    summary="List decision kinds",
    description=(
        "Members read the coalition's table of decision kinds, in its order: each kind's rule, in JSON and in "
        "plain words, and who decides (the whole coalition, or the groups a matter affects)."
    ),
)
def list_decision_kinds(request: HttpRequest, slug: str, query: Query[PageQuery]) -> dict[str, Any]:
    return paginate(queries.decision_kinds(request.auth, _coalition(request, slug)), query, transform=_kind_out)


@router.post(
    "/coalitions/{slug}/decision-kinds",
    response={201: DecisionKindOut},
    tags=KINDS,
    summary="Add a decision kind",
    description=(
        "Coordinators add a row to the table. The rule is checked by the decision engine: an error names the "
        "field at fault as a path, such as `rule.fallback.rule.threshold`. The key is made from the name when "
        "left out."
    ),
)
def add_decision_kind(request: HttpRequest, slug: str, payload: DecisionKindCreateIn) -> dict[str, Any]:
    kind = actions.set_decision_kind(
        actor=request.auth,
        coalition=_coalition(request, slug),
        key=payload.key,
        name=payload.name,
        description=payload.description,
        rule=payload.rule,
        scope=payload.scope,
    )
    return _kind_out(kind)


@router.post(
    "/coalitions/{slug}/decision-kinds/adopt-defaults",
    response={201: list[DecisionKindOut]},
    tags=KINDS,
    summary="Adopt the default decision kinds",
    description=(
        "Coordinators of a coalition with no decision kinds start from the default table drawn from the guides "
        "(new coalitions already have it). With any kind in the table it answers 409: change them one by one."
    ),
)
def adopt_default_decision_kinds(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    kinds = actions.adopt_default_decision_kinds(actor=request.auth, coalition=_coalition(request, slug))
    return [_kind_out(kind) for kind in kinds]


@router.get(
    "/coalitions/{slug}/decision-kinds/{int:kind_id}",
    response=DecisionKindOut,
    tags=KINDS,
    summary="Get a decision kind",
    description="One decision kind with its rule, in JSON and in plain words.",
)
def get_decision_kind(request: HttpRequest, slug: str, kind_id: Id) -> dict[str, Any]:
    return _kind_out(queries.decision_kind(request.auth, _coalition(request, slug), kind_id))


@router.put(
    "/coalitions/{slug}/decision-kinds/{int:kind_id}",
    response=DecisionKindOut,
    tags=KINDS,
    summary="Change a decision kind",
    description=(
        "Coordinators replace a kind's name, description, rule and scope (its key stays). Proposals already "
        "opened keep the rule they opened under; only later ones use the new rule."
    ),
)
def update_decision_kind(request: HttpRequest, slug: str, kind_id: Id, payload: DecisionKindUpdateIn) -> dict[str, Any]:
    coalition = _coalition(request, slug)
    kind = queries.decision_kind(request.auth, coalition, kind_id)
    kind = actions.set_decision_kind(
        actor=request.auth,
        coalition=coalition,
        kind=kind,
        name=payload.name,
        description=payload.description,
        rule=payload.rule,
        scope=payload.scope,
    )
    return _kind_out(kind)


# --- agreed weights ------------------------------------------------------------------------------------------


@router.get(
    "/coalitions/{slug}/agreed-weights",
    response=page_of(AgreedWeightOut),
    tags=WEIGHTS,
    summary="List agreed weights",
    description=(
        "Every current member group with the weight it carries under rules with `custom` weighting: the weight "
        "the coalition agreed, or 1."
    ),
)
def list_agreed_weights(request: HttpRequest, slug: str, query: Query[PageQuery]) -> dict[str, Any]:
    coalition = _coalition(request, slug)
    weights = queries.agreed_weights(request.auth, coalition)
    groups = coalition_queries.member_groups(request.auth, coalition).prefetch_related(None)  # names and sizes only
    return paginate(groups, query, transform=lambda group: _weight_out(group, weights))


@router.put(
    "/coalitions/{slug}/agreed-weights/{int:group_id}",
    response=AgreedWeightOut,
    tags=WEIGHTS,
    summary="Set a member group's agreed weight",
    description=(
        'Coordinators set the weight ("2", "1.5", "2/3"; more than 0, at most 1,000,000); null or "" returns '
        "it to 1. Proposals already open keep the weights they opened with."
    ),
)
def set_agreed_weight(request: HttpRequest, slug: str, group_id: Id, payload: AgreedWeightIn) -> dict[str, Any]:
    coalition = _coalition(request, slug)
    group = coalition_queries.member_group(request.auth, coalition, group_id)
    agreed = actions.set_agreed_weight(actor=request.auth, member_group=group, weight=payload.weight)
    return _weight_out(group, {group.pk: agreed.weight} if agreed is not None else {})


# --- proposals -----------------------------------------------------------------------------------------------


@router.get(
    "/coalitions/{slug}/proposals",
    response=page_of(ProposalSummaryOut),
    tags=PROPOSALS,
    summary="List proposals",
    description=(
        "Members see the coalition's proposals, newest first, each with its current round's closing time and "
        "how many have responded; `status` filters (`open`, `closed`, or one status)."
    ),
)
def list_proposals(request: HttpRequest, slug: str, query: Query[ProposalListQuery]) -> dict[str, Any]:
    coalition = _coalition(request, slug)
    rows = queries.proposals(request.auth, coalition, status=query.status or "")
    actions.close_due_rounds(coalition=coalition)  # after the permission check; so no stale "open" is listed
    return paginate(rows, query, transform=_summary_out)


@router.post(
    "/coalitions/{slug}/proposals",
    response={201: ProposalOut},
    tags=PROPOSALS,
    summary="Put a proposal to decision",
    description=(
        "Any member opens a proposal under a decision kind, whose rule is frozen on it now. Who may respond is "
        "fixed when the round opens. Give `options` only for a kind that chooses between options, and "
        "`scope_groups` only for one decided by the groups it affects. Times need a time zone."
    ),
)
def open_proposal(request: HttpRequest, slug: str, payload: ProposalCreateIn) -> dict[str, Any]:
    coalition = _coalition(request, slug)
    proposal = actions.open_proposal(
        actor=request.auth,
        coalition=coalition,
        kind=_kind_named(request.auth, coalition, payload.kind),
        title=payload.title,
        text=payload.text,
        closes_at=payload.closes_at,
        opens_at=payload.opens_at,
        options=payload.options,
        scope_groups=payload.scope_groups,
        results_visibility=payload.results_visibility,
        stance_visibility=payload.stance_visibility,
        close_when_all_responded=payload.close_when_all_responded,
        facilitators=payload.facilitators,
        process=payload.process,
    )
    return _proposal_out(request.auth, queries.proposal(request.auth, coalition, proposal.pk))


@router.get(
    "/coalitions/{slug}/proposals/{int:proposal_id}",
    response=ProposalOut,
    tags=PROPOSALS,
    summary="Get a proposal",
    description=(
        "A proposal as its page shows it: the frozen rule in JSON and in plain words, the current round, the "
        "outcome (live while open, unless results are shown only after closing), participation, and the "
        "caller's own units with their stances. A round past its closing time is closed before answering."
    ),
)
def get_proposal(request: HttpRequest, slug: str, proposal_id: Id) -> dict[str, Any]:
    return _proposal_out(request.auth, _proposal(request, slug, proposal_id, settle=True))


@router.post(
    "/coalitions/{slug}/proposals/{int:proposal_id}/withdraw",
    response=ProposalOut,
    tags=PROPOSALS,
    summary="Withdraw a proposal",
    description=(
        "The person who proposed it, or a coordinator, withdraws an open proposal; the reason is optional. A "
        "proposal no longer open answers 409."
    ),
)
def withdraw_proposal(
    request: HttpRequest, slug: str, proposal_id: Id, payload: WithdrawIn = NO_WITHDRAW_REASON
) -> dict[str, Any]:
    proposal = _proposal(request, slug, proposal_id, settle=True)  # a round past its deadline is counted instead
    proposal = actions.withdraw_proposal(actor=request.auth, proposal=proposal, reason=payload.reason)
    return _proposal_out(request.auth, _proposal(request, slug, proposal.pk))


@router.get(
    "/coalitions/{slug}/proposals/{int:proposal_id}/rounds",
    response=page_of(RoundSummaryOut),
    tags=PROPOSALS,
    summary="List a proposal's rounds",
    description="Every round, first to last, with its text, window, status and the outcome stored when it closed.",
)
def list_rounds(request: HttpRequest, slug: str, proposal_id: Id, query: Query[PageQuery]) -> dict[str, Any]:
    proposal = _proposal(request, slug, proposal_id, settle=True)
    return paginate(queries.rounds(request.auth, proposal), query, transform=_round_summary)


@router.post(
    "/coalitions/{slug}/proposals/{int:proposal_id}/rounds",
    response={201: RoundSummaryOut},
    tags=PROPOSALS,
    summary="Start the next round",
    description=(
        "After a round failed (rejected, blocked, no quorum, needs discussion, tie), the person who proposed it "
        "or a coordinator puts it again, amended or not. Once the rule's count of failed rounds is reached, its "
        "fallback rule decides. While the round is open, or once the proposal passed, it answers 409."
    ),
)
def start_next_round(request: HttpRequest, slug: str, proposal_id: Id, payload: NextRoundIn) -> dict[str, Any]:
    proposal = _proposal(request, slug, proposal_id, settle=True)
    round_ = actions.start_next_round(
        actor=request.auth,
        proposal=proposal,
        closes_at=payload.closes_at,
        text=payload.text,
        opens_at=payload.opens_at,
        options=payload.options,
    )
    return _round_summary(round_)


@router.get(
    "/coalitions/{slug}/proposals/{int:proposal_id}/outcome",
    response=ProposalOutcomeOut,
    tags=PROPOSALS,
    summary="Get the outcome",
    description=(
        "The current round's outcome with every condition explained: live while the round is open, final once "
        "it closed. Null, with `results_hidden`, while the results are shown only after closing."
    ),
)
def get_outcome(request: HttpRequest, slug: str, proposal_id: Id) -> dict[str, Any]:
    proposal = _proposal(request, slug, proposal_id, settle=True)
    view = queries.proposal_view(request.auth, proposal)
    return {
        "proposal_id": proposal.pk,
        "round": view.round.number,
        "round_status": view.round.status,
        "applied_rule_text": describe_rule(view.applied),
        "results_hidden": view.results_hidden,
        "outcome": view.outcome.to_json() if view.outcome is not None else None,
    }


# --- stances -------------------------------------------------------------------------------------------------


@router.post(
    "/coalitions/{slug}/proposals/{int:proposal_id}/stances",
    response={201: StanceOut},
    tags=STANCES,
    summary="Give a stance",
    description=(
        "A member responds in the open round, for themselves; a member group responds through its delegates "
        "(a delegate of several eligible groups names the `unit`). A coordinator or a facilitator named on the "
        "proposal records a stance for any eligible `unit`. Give what the rule takes: a position (a block needs a "
        "reason), a fist-to-five score, or a ranking, approvals, scores or dots over the options. A changed "
        "stance is a new record; the latest counts. A closed or withdrawn proposal answers 409."
    ),
)
def record_stance(request: HttpRequest, slug: str, proposal_id: Id, payload: StanceIn) -> dict[str, Any]:
    proposal = queries.proposal_at(request.auth, slug, proposal_id)
    stance = actions.record_stance(
        actor=request.auth,
        proposal=proposal,
        unit_key=payload.unit,
        position=payload.position,
        reason=payload.reason,
        score=payload.score,
        ranking=payload.ranking,
        approve=payload.approve,
        scores=payload.scores,
        dots=payload.dots,
        spokes_position=payload.spokes_position,
        amendment=payload.amendment,
    )
    return _stance_out(stance, round_number=stance.round.number)


@router.get(
    "/coalitions/{slug}/proposals/{int:proposal_id}/stances",
    response=StanceListOut,
    tags=STANCES,
    summary="List the current stances",
    description=(
        "Who said what in the current round: each unit's current stance, by unit name. When stances are secret "
        "the list is empty, `secret` is true and `note` says so: only the totals are shown, in the outcome."
    ),
)
def list_stances(request: HttpRequest, slug: str, proposal_id: Id, query: Query[PageQuery]) -> dict[str, Any]:
    proposal = _proposal(request, slug, proposal_id)
    round_ = queries.current_round(proposal)
    rows = queries.responses(request.auth, proposal, round_)
    return _noted_page(rows, query, proposal, lambda stance: _stance_out(stance, round_number=round_.number))


@router.get(
    "/coalitions/{slug}/proposals/{int:proposal_id}/stances/history",
    response=StanceListOut,
    tags=STANCES,
    summary="A unit's stance history",
    description=(
        "Every stance one unit gave on this proposal, in every round, oldest first: changes are kept, never "
        "overwritten. When stances are secret, members see only their own units' history."
    ),
)
def stance_history(
    request: HttpRequest, slug: str, proposal_id: Id, query: Query[StanceHistoryQuery]
) -> dict[str, Any]:
    proposal = _proposal(request, slug, proposal_id)
    rows = queries.stance_history(request.auth, proposal, query.unit)
    return _noted_page(rows, query, proposal, lambda stance: _stance_out(stance, round_number=stance.round.number))


@router.get(
    "/coalitions/{slug}/proposals/{int:proposal_id}/not-responded",
    response=UnitListOut,
    tags=STANCES,
    summary="List who has not responded",
    description=(
        "The eligible units without a stance in the current round, by name. When stances are secret the list "
        "is empty, `secret` is true and `note` says so."
    ),
)
def list_not_responded(request: HttpRequest, slug: str, proposal_id: Id, query: Query[PageQuery]) -> dict[str, Any]:
    proposal = _proposal(request, slug, proposal_id)
    rows = queries.not_responded(request.auth, proposal, queries.current_round(proposal))
    return _noted_page(rows, query, proposal, _unit_out)


@router.get(
    "/coalitions/{slug}/proposals/{int:proposal_id}/eligible",
    response=page_of(FacilitationUnitOut),
    tags=STANCES,
    summary="List the eligible units, for a facilitator",
    description=(
        "For a coordinator or a facilitator named on the proposal, recording a room's stances: every eligible "
        "unit of the current round with its current position or score, by name; `search` narrows by name. "
        "Anyone else is refused (403)."
    ),
)
def list_eligible(request: HttpRequest, slug: str, proposal_id: Id, query: Query[EligibleQuery]) -> dict[str, Any]:
    proposal = _proposal(request, slug, proposal_id)
    rows = queries.eligible_units(request.auth, proposal, queries.current_round(proposal), search=query.search)
    return paginate(rows, query, transform=_facilitation_unit_out)


# --- the rule simulator ----------------------------------------------------------------------------------------


def _simulate(rule_data: Any, ballots_data: Any) -> dict[str, Any]:
    """The outcome of a rule on a set of ballots, as `accord tally` prints it. Touches no coalition data."""
    try:
        return queries.simulate(rule_data, ballots_data).to_json()
    except GovernanceError as error:
        raise Invalid(error.message, field=error.path or "ballots") from None


@router.post(
    "/tally",
    response=Outcome,
    tags=SIMULATOR,
    summary="Try a rule on ballots",
    description=(
        "The rule simulator, as `accord tally`: counts the ballots under the rule and returns the outcome with "
        "every condition explained. It reads and writes no coalition's data; any signed-in person may use it. "
        f"At most {SIMULATOR_MAX:,} stances and {SIMULATOR_MAX:,} eligible units. Errors name the field at fault "
        "as a path: `rule.threshold`, `ballots.stances[3].position`."
    ),
)
def tally_ballots(request: HttpRequest, payload: TallyIn) -> dict[str, Any]:
    return _simulate(payload.rule, payload.ballots)


# --- spokescouncils ---------------------------------------------------------------------------------------------

SPOKES = ["Spokescouncils"]


def _spokes_out(actor: Any, proposal: Proposal, round_: Round) -> dict[str, Any]:
    rows = spokescouncil.spokes_positions(actor, proposal, round_)
    return {
        "round": round_.number,
        "text": round_.text,
        "status": round_.status,
        "hidden": queries.positions_hidden(proposal, round_),
        "positions": [
            {
                "unit": row.unit.key,
                "unit_label": row.unit.label,
                "spokes_position": row.spokes_position,
                "position_words": row.words,
                "amendment": row.amendment,
                "concerns": row.concerns,
                "note": row.stance.note if row.stance else "",
                "recorded_by": row.stance.recorded_by.name if row.stance and row.stance.recorded_by else None,
                "recorded_at": row.stance.created_at if row.stance else None,
            }
            for row in rows
        ],
    }


@router.get(
    "/coalitions/{slug}/proposals/{int:proposal_id}/spokes-positions",
    response=SpokesPositionsOut,
    tags=SPOKES,
    summary="Positions side by side",
    description=(
        "Every eligible member group in a round (the current one unless `round` names another) with its "
        "spokescouncil position, amendment, concerns and who recorded it: what the spokes' meeting sees."
    ),
)
def spokes_positions(request: HttpRequest, slug: str, proposal_id: Id, round: str = "") -> dict[str, Any]:  # noqa: A002
    proposal = _proposal(request, slug, proposal_id, settle=True)
    round_ = spokescouncil.round_of(request.auth, proposal, round or None)
    return _spokes_out(request.auth, proposal, round_)


def _member_group(
    request: HttpRequest, coalition: Coalition, group_id: int, *, field: str = "member_group"
) -> MemberGroup:
    try:
        return coalition_queries.member_group(request.auth, coalition, group_id)
    except NotFound as error:
        raise Invalid("Choose a member group of this coalition.", field=field) from error


def _group_rule_out(member_group: MemberGroup, found: Any) -> dict[str, Any]:
    return {
        "member_group": member_group.pk,
        "rule": found.rule if found else None,
        "rule_text": describe_rule(parse_rule(found.rule)) if found else None,
        "enabled": bool(found and found.enabled),
    }


@router.get(
    "/coalitions/{slug}/member-groups/{int:group_id}/rule",
    response=GroupRuleOut,
    tags=SPOKES,
    summary="A member group's internal rule",
    description="The rule by which a group's members' views settle its spokescouncil position (`rule` null: none).",
)
def get_group_rule(request: HttpRequest, slug: str, group_id: Id) -> dict[str, Any]:
    coalition = _coalition(request, slug)
    member_group = coalition_queries.member_group(request.auth, coalition, group_id)
    return _group_rule_out(member_group, group_rules.group_rule(request.auth, member_group))


@router.put(
    "/coalitions/{slug}/member-groups/{int:group_id}/rule",
    response=GroupRuleOut,
    tags=SPOKES,
    summary="Set a member group's internal rule",
    description=(
        'The group\'s delegates set a rule counted by its members (`"unit": "people"`; consent, majority or '
        "super-majority); with `enabled` false the delegates give the group's position themselves."
    ),
)
def set_group_rule(request: HttpRequest, slug: str, group_id: Id, payload: GroupRuleIn) -> dict[str, Any]:
    coalition = _coalition(request, slug)
    member_group = coalition_queries.member_group(request.auth, coalition, group_id)
    found = group_rules.set_group_rule(
        actor=request.auth, member_group=member_group, rule=payload.rule, enabled=payload.enabled
    )
    return _group_rule_out(member_group, found)


@router.post(
    "/coalitions/{slug}/proposals/{int:proposal_id}/member-views",
    response={201: MemberViewOut},
    tags=SPOKES,
    summary="Give a view for your group",
    description=(
        "In a spokescouncil round, a member of a group with an internal rule gives their view of the group's "
        "position; a new view replaces their earlier one in the round."
    ),
)
def give_member_view(request: HttpRequest, slug: str, proposal_id: Id, payload: MemberViewIn) -> dict[str, Any]:
    proposal = _proposal(request, slug, proposal_id, settle=True)
    member_group = _member_group(request, proposal.coalition, payload.member_group)
    view = group_rules.give_member_view(
        actor=request.auth,
        proposal=proposal,
        member_group=member_group,
        spokes_position=payload.spokes_position,
        amendment=payload.amendment,
        reason=payload.reason,
    )
    return {
        "member_group": member_group.pk,
        "round": view.round.number,
        "spokes_position": view.spokes_position,
        "amendment": view.amendment,
        "reason": view.reason,
        "updated_at": view.updated_at,
    }


@router.post(
    "/coalitions/{slug}/proposals/{int:proposal_id}/settle-group-position",
    response={201: StanceOut},
    tags=SPOKES,
    summary="Settle a group's position by its internal rule",
    description=(
        "A delegate (or any member, once every member has given a view) counts the members' views under the "
        "group's rule and records the result as the group's position."
    ),
)
def settle_group_position(request: HttpRequest, slug: str, proposal_id: Id, payload: SettleIn) -> dict[str, Any]:
    proposal = _proposal(request, slug, proposal_id, settle=True)
    member_group = _member_group(request, proposal.coalition, payload.member_group)
    stance = group_rules.settle_group_position(actor=request.auth, proposal=proposal, member_group=member_group)
    return _stance_out(stance, round_number=stance.round.number)
