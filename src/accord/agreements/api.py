"""The JSON API for the constitution: its agreements and their versions, the terms and decision table, the draft
and the founding decision, amendments, the public joining page, sign-on, induction, requests to leave, red lines
and red-line flags. Mounted under /api/v1/ by `accord.api.root`.

Each endpoint parses its input with a schema, calls one action (or the queries it reads), and returns a schema.
Who may do what is decided in `actions.py` and `queries.py`; their refusals become the API's error shape in
`accord.api.errors`. Coalitions are addressed by slug; everything inside one by its integer id, looked up within
that coalition only, so another coalition's ids answer 404. An amendment's change is checked by the constitution
(and a rule by the governance kernel), whose errors name the field at fault (`change.rule.threshold`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from accord.api.auth import ANYONE, PUBLIC_OPENAPI
from accord.api.inputs import Id
from accord.api.pagination import PageQuery, page_of, paginate
from accord.coalitions import queries as coalition_queries
from accord.coalitions.models import Coalition, MemberGroup, Person
from accord.decisions import actions as decision_actions
from accord.decisions import queries as decision_queries
from accord.decisions.models import DecisionKind, Proposal
from accord.errors import ActionError, NotFound
from accord.governance import describe_rule, parse_rule

from . import actions, queries
from .models import Agreement, AgreementVersion, Amendment, RedLine, RedLineFlag, RemovalRequest, SignOn
from .permissions import may_keep_red_lines
from .schemas import (
    AgreementCreateIn,
    AgreementOut,
    AmendmentCreateIn,
    AmendmentListQuery,
    AmendmentOut,
    CompareOut,
    CompareQuery,
    ConstitutionOut,
    DraftAgreementIn,
    FoundingIn,
    FoundingOut,
    InductionOut,
    JoiningOut,
    LeaveRequestIn,
    LeaveRequestOut,
    RebaseIn,
    RedLineCreateIn,
    RedLineFlagIn,
    RedLineFlagOut,
    RedLineListQuery,
    RedLineOut,
    RedLinesConfirmedOut,
    RedLineUpdateIn,
    SignOnIn,
    SignOnOut,
    SignOnStatusOut,
    TermsIn,
    TermsOut,
    VersionOut,
)

router = Router()

CONSTITUTION = ["Constitution"]
AMENDMENTS = ["Amendments"]
MEMBERSHIP = ["Joining and membership"]
RED_LINES = ["Red lines"]


# --- turning rows into the output shapes -----------------------------------------------------------------------


def _version_out(version: AgreementVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "title": version.title,
        "text": version.text,
        "took_effect_at": version.took_effect_at,
        "adopted_by": version.adopted_by_id,
        "created_at": version.created_at,
    }


def _agreement_out(row: queries.AgreementRow) -> dict[str, Any]:
    agreement, version = row.agreement, row.version
    return {
        "id": agreement.pk,
        "key": agreement.key,
        "title": version.title,
        "category": agreement.category,
        "position": agreement.position,
        "members_confirm": agreement.members_confirm,
        "version": version.number,
        "text": version.text,
        "took_effect_at": version.took_effect_at,
        "adopted_by": version.adopted_by_id,
        "open_amendments": row.open_amendments,
    }


def _agreement_row(agreement: Agreement) -> queries.AgreementRow:
    rows = [row for row in queries.agreement_rows(agreement.coalition) if row.agreement.pk == agreement.pk]
    if not rows:
        raise NotFound("This agreement has no text yet.")
    return rows[0]


def _terms_out(terms: Any) -> dict[str, Any]:
    return {
        "induction_days": terms.induction_days,
        "admission_days": terms.admission_days,
        "red_line_review_days": terms.red_line_review_days,
        "concerned_member_takes_part": terms.concerned_member_takes_part,
        "revision": terms.revision,
    }


def _kind_out(kind: DecisionKind) -> dict[str, Any]:
    return {
        "id": kind.pk,
        "key": kind.key,
        "name": kind.name,
        "description": kind.description,
        "rule": kind.rule,
        "rule_text": describe_rule(parse_rule(kind.rule))
        + (" Decided by the member groups it affects." if kind.scope == "affected_groups" else ""),
        "scope": kind.scope,
        "revision": kind.revision,
    }


def _amendment_out(amendment: Amendment, *, open_ones: list[Amendment] | None = None) -> dict[str, Any]:
    """`open_ones`: every open amendment of the coalition, when the caller has them, so conflicts cost no query."""
    proposal = amendment.proposal
    if amendment.applied_at:
        conflicts: list[Amendment] = []
    elif open_ones is not None:
        conflicts = [o for o in open_ones if o.target_key == amendment.target_key and o.pk != amendment.pk]
    else:
        conflicts = queries.conflicting_amendments(amendment)
    return {
        "id": amendment.pk,
        "title": proposal.title,
        "target": amendment.target,
        "target_key": amendment.target_key,
        "agreement_id": amendment.agreement_id,
        "decision_kind_id": amendment.decision_kind_id,
        "member_group_id": amendment.member_group_id,
        "change": amendment.change,
        "base_revision": amendment.base_revision,
        "proposal_id": proposal.pk,
        "proposal_status": proposal.status,
        "author_name": proposal.author.name if proposal.author else None,
        "created_at": proposal.created_at,
        "stale_since": amendment.stale_since,
        "stale_because": amendment.stale_because,
        "applied_at": amendment.applied_at,
        "adopted_version": amendment.adopted_version.number if amendment.adopted_version else None,
        "conflicts": sorted(other.pk for other in conflicts),
        "effect_note": proposal.effect_note,
    }


def _group_ref(group: MemberGroup) -> dict[str, Any]:
    return {"id": group.pk, "name": group.name}


def _status_out(row: queries.SignOnStatus) -> dict[str, Any]:
    return {
        "label": row.label,
        "member_group_id": row.member_group.pk if row.member_group else None,
        "person_id": row.person.pk if row.person else None,
        "missing": [
            {"agreement_id": version.agreement_id, "title": version.title, "number": version.number}
            for version in row.missing
        ],
        "may_sign": row.may_sign,
        "may_record": row.may_record,
        "last_signed_at": row.last_signed_at,
        "last_signed_by_name": row.last_signed_by_name,
        "last_on_behalf": row.last_on_behalf,
    }


def _sign_on_out(sign_on: SignOn) -> dict[str, Any]:
    return {
        "id": sign_on.pk,
        "agreement_id": sign_on.version.agreement_id,
        "title": sign_on.version.title,
        "number": sign_on.version.number,
        "member_group_id": sign_on.member_group_id,
        "person_id": sign_on.person_id,
        "signed_by_name": sign_on.signed_by_name,
        "signed_at": sign_on.signed_at,
        "on_behalf": sign_on.on_behalf,
    }


def _red_line_out(line: RedLine, *, due_at: Any, overdue: bool, may_keep: bool) -> dict[str, Any]:
    return {
        "id": line.pk,
        "member_group": _group_ref(line.member_group),
        "text": line.text,
        "stated_at": line.stated_at,
        "confirmed_at": line.confirmed_at,
        "confirmed_by_name": line.confirmed_by_name,
        "due_at": due_at,
        "overdue": overdue,
        "withdrawn_at": line.withdrawn_at,
        "may_keep": may_keep,
    }


def _red_line_row_out(row: queries.RedLineRow) -> dict[str, Any]:
    return _red_line_out(row.red_line, due_at=row.due_at, overdue=row.overdue, may_keep=row.may_keep)


def _changed_red_line_out(request: HttpRequest, line: RedLine) -> dict[str, Any]:
    """A red line just stated, changed or withdrawn, as the list would show it (the caller keeps it)."""
    line.refresh_from_db()
    due_at = line.confirmed_at + timedelta(days=actions.constitution_of(line.coalition).red_line_review_days)
    standing = coalition_queries.standing(request.auth, line.coalition)
    return _red_line_out(
        line,
        due_at=due_at,
        overdue=line.withdrawn_at is None and due_at <= timezone.now(),
        may_keep=may_keep_red_lines(standing, line.member_group),
    )


def _flag_out(flag: RedLineFlag) -> dict[str, Any]:
    return {
        "id": flag.pk,
        "proposal_id": flag.proposal_id,
        "red_line_id": flag.red_line_id,
        "red_line_text": flag.red_line.text,
        "member_group": _group_ref(flag.red_line.member_group),
        "flagged_by_name": flag.flagged_by_name,
        "note": flag.note,
        "created_at": flag.created_at,
        "withdrawn_at": flag.withdrawn_at,
    }


def _leave_out(request_: RemovalRequest) -> dict[str, Any]:
    version = request_.rests_on
    return {
        "proposal_id": request_.proposal_id,
        "proposal_status": request_.proposal.status,
        "member_group_id": request_.member_group_id,
        "person_id": request_.person_id,
        "subject": request_.subject_label,
        "rests_on": {"agreement_id": version.agreement_id, "title": version.title, "number": version.number},
        "concerned_takes_part": request_.concerned_takes_part,
    }


def _public(row: queries.AgreementRow | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "key": row.agreement.key,
        "title": row.version.title,
        "text": row.version.text,
        "version": row.version.number,
        "took_effect_at": row.version.took_effect_at,
    }


# --- looking up the objects a request names, within its coalition -------------------------------------------


def _coalition(request: HttpRequest, slug: str) -> Coalition:
    return coalition_queries.coalition_by_slug(request.auth, slug)


def _named(error: NotFound, field: str) -> NotFound:
    return NotFound(error.message, field=field)


def _renamed(error: ActionError, *fields: str) -> ActionError:
    """The action's error, naming the field as the API's input names it (`agreement_id` for `agreement`)."""
    if error.field in fields:
        error.field = "agreement_id" if error.field == "rests_on" else f"{error.field}_id"
    return error


def _agreement_named(actor: Any, coalition: Coalition, agreement_id: int, *, field: str) -> Agreement:
    try:
        return queries.agreement(actor, coalition, agreement_id)
    except NotFound as error:
        raise _named(error, field) from None


def _kind_named(actor: Any, coalition: Coalition, kind_id: int, *, field: str) -> DecisionKind:
    try:
        return decision_queries.decision_kind(actor, coalition, kind_id)
    except NotFound as error:
        raise _named(error, field) from None


def _group_named(actor: Any, coalition: Coalition, group_id: int, *, field: str) -> MemberGroup:
    try:
        return coalition_queries.member_group(actor, coalition, group_id)
    except NotFound as error:
        raise _named(error, field) from None


def _person_named(actor: Any, coalition: Coalition, person_id: int, *, field: str) -> Person:
    try:
        return coalition_queries.person(actor, coalition, person_id)
    except NotFound as error:
        raise _named(error, field) from None


def _amendment(request: HttpRequest, slug: str, amendment_id: int) -> Amendment:
    coalition = _coalition(request, slug)
    amendment = queries.amendment(request.auth, coalition, amendment_id)
    if decision_actions.close_due_rounds(proposal=amendment.proposal):  # no reader sees a stale "open"
        amendment = queries.amendment(request.auth, coalition, amendment_id)
    return amendment


def _proposal(request: HttpRequest, slug: str, proposal_id: int) -> Proposal:
    return decision_queries.proposal(request.auth, _coalition(request, slug), proposal_id)


# --- the constitution and its agreements ----------------------------------------------------------------------


@router.get(
    "/coalitions/{slug}/constitution",
    response=ConstitutionOut,
    tags=CONSTITUTION,
    summary="Get the constitution",
    description=(
        "Members read the whole constitution: when it was adopted and by which founding decision, its terms, "
        "every agreement in force (or the draft), the table of decision kinds with each rule in JSON and in plain "
        "words, the agreed weights, the open amendments, and warnings where the coalition depends on one member "
        "group or person."
    ),
)
def get_constitution(request: HttpRequest, slug: str) -> dict[str, Any]:
    view = queries.constitution(request.auth, _coalition(request, slug))
    groups = {group.pk: group for group in MemberGroup.objects.filter(pk__in=view.weights)}
    return {
        "adopted": view.adopted,
        "adopted_at": view.coalition.constitution_adopted_at,
        "founding_proposal_id": view.founding.pk if view.founding else None,
        "founding_status": view.founding.status if view.founding else None,
        "terms": _terms_out(view.terms),
        "agreements": [_agreement_out(row) for row in view.agreements],
        "decision_kinds": [_kind_out(kind) for kind in view.kinds],
        "agreed_weights": [
            {"member_group": _group_ref(groups[group_id]), "weight": weight}
            for group_id, weight in sorted(view.weights.items(), key=lambda item: groups[item[0]].name)
        ],
        "open_amendments": [
            _amendment_out(amendment, open_ones=view.open_amendments) for amendment in view.open_amendments
        ],
        "dependence": [
            {"kind": warning.kind, "subject": warning.subject, "message": warning.message}
            for warning in view.dependence
        ],
    }


@router.get(
    "/coalitions/{slug}/agreements",
    response=page_of(AgreementOut),
    tags=CONSTITUTION,
    summary="List agreements",
    description="Members read every agreement in the constitution's order, each with the version in force.",
)
def list_agreements(request: HttpRequest, slug: str, query: Query[PageQuery]) -> dict[str, Any]:
    return paginate(queries.agreements(request.auth, _coalition(request, slug)), query, transform=_agreement_out)


@router.get(
    "/coalitions/{slug}/agreements/{int:agreement_id}",
    response=AgreementOut,
    tags=CONSTITUTION,
    summary="Get an agreement",
    description="One agreement with the version in force: its text, when it took effect and the decision adopting it.",
)
def get_agreement(request: HttpRequest, slug: str, agreement_id: Id) -> dict[str, Any]:
    return _agreement_out(_agreement_row(queries.agreement(request.auth, _coalition(request, slug), agreement_id)))


@router.get(
    "/coalitions/{slug}/agreements/{int:agreement_id}/versions",
    response=page_of(VersionOut),
    tags=CONSTITUTION,
    summary="List an agreement's versions",
    description="Every version, newest first, with when it took effect and the proposal that adopted it.",
)
def list_agreement_versions(
    request: HttpRequest, slug: str, agreement_id: Id, query: Query[PageQuery]
) -> dict[str, Any]:
    agreement = queries.agreement(request.auth, _coalition(request, slug), agreement_id)
    return paginate(queries.versions(request.auth, agreement), query, transform=_version_out)


@router.get(
    "/coalitions/{slug}/agreements/{int:agreement_id}/versions/{int:number}",
    response=VersionOut,
    tags=CONSTITUTION,
    summary="Get one version of an agreement",
    description="One version by its number (1 is the first).",
)
def get_agreement_version(request: HttpRequest, slug: str, agreement_id: Id, number: Id) -> dict[str, Any]:
    agreement = queries.agreement(request.auth, _coalition(request, slug), agreement_id)
    return _version_out(queries.version(request.auth, agreement, number))


@router.get(
    "/coalitions/{slug}/agreements/{int:agreement_id}/compare",
    response=CompareOut,
    tags=CONSTITUTION,
    summary="Compare two versions",
    description=(
        "Two versions side by side (`?from=1&to=3`), line against line, each row saying whether the line is the "
        "same, changed, added or removed. A changed title is the first row."
    ),
)
def compare_agreement_versions(
    request: HttpRequest, slug: str, agreement_id: Id, query: Query[CompareQuery]
) -> dict[str, Any]:
    agreement = queries.agreement(request.auth, _coalition(request, slug), agreement_id)
    try:
        left, right, rows = queries.compare(request.auth, agreement, query.from_number, query.to_number)
    except NotFound as error:
        field = "from" if not agreement.versions.filter(number=query.from_number).exists() else "to"
        raise _named(error, field) from None
    return {
        "agreement_id": agreement.pk,
        "left": _version_out(left),
        "right": _version_out(right),
        "rows": [{"left": row.left, "right": row.right, "change": row.change} for row in rows],
    }


# --- the draft and the founding decision -------------------------------------------------------------------------


@router.put(
    "/coalitions/{slug}/agreements/{int:agreement_id}/draft",
    response=AgreementOut,
    tags=CONSTITUTION,
    summary="Edit a draft agreement",
    description=(
        "Coordinators edit the draft before the founding decision. Once the constitution is adopted, or while "
        "the founding decision is open, it answers 409: change an adopted agreement by amendment."
    ),
)
def edit_draft_agreement(
    request: HttpRequest, slug: str, agreement_id: Id, payload: DraftAgreementIn
) -> dict[str, Any]:
    agreement = queries.agreement(request.auth, _coalition(request, slug), agreement_id)
    actions.edit_draft_agreement(actor=request.auth, agreement=agreement, title=payload.title, text=payload.text)
    return _agreement_out(_agreement_row(agreement))


@router.post(
    "/coalitions/{slug}/agreements",
    response={201: AgreementOut},
    tags=CONSTITUTION,
    summary="Add an agreement to the draft",
    description=(
        "Coordinators add an agreement to the draft constitution. After adoption, add one by amendment "
        "(`target: new_agreement`)."
    ),
)
def add_draft_agreement(request: HttpRequest, slug: str, payload: AgreementCreateIn) -> dict[str, Any]:
    agreement = actions.add_draft_agreement(
        actor=request.auth,
        coalition=_coalition(request, slug),
        title=payload.title,
        text=payload.text,
        category=payload.category,
        members_confirm=payload.members_confirm,
    )
    return _agreement_out(_agreement_row(agreement))


@router.put(
    "/coalitions/{slug}/constitution/terms",
    response=TermsOut,
    tags=CONSTITUTION,
    summary="Set the draft terms",
    description=(
        "Coordinators set the draft's terms: the induction period, how long an admission decision stays open, "
        "how often red lines are re-confirmed, and whether a member asked to leave takes part. Terms left out "
        "stay. After adoption, change them by amendment (`target: terms`)."
    ),
)
def set_draft_terms(request: HttpRequest, slug: str, payload: TermsIn) -> dict[str, Any]:
    terms = {name: value for name, value in payload.model_dump().items() if value is not None}
    return _terms_out(actions.set_draft_terms(actor=request.auth, coalition=_coalition(request, slug), **terms))


@router.post(
    "/coalitions/{slug}/constitution/founding",
    response={201: FoundingOut},
    tags=CONSTITUTION,
    summary="Put the draft to the founding decision",
    description=(
        "Coordinators put the draft constitution to the founding member groups, to adopt by consensus: even the "
        "first rules are consented. When it passes, the constitution is adopted and every member group has "
        "signed on. While it is open, the draft cannot be edited."
    ),
)
def propose_founding(request: HttpRequest, slug: str, payload: FoundingIn) -> dict[str, Any]:
    proposal = actions.propose_founding(
        actor=request.auth, coalition=_coalition(request, slug), closes_at=payload.closes_at
    )
    round_ = proposal.rounds.get(number=proposal.round_number)
    return {
        "proposal_id": proposal.pk,
        "title": proposal.title,
        "status": proposal.status,
        "closes_at": round_.closes_at,
    }


# --- amendments ------------------------------------------------------------------------------------------------


@router.get(
    "/coalitions/{slug}/amendments",
    response=page_of(AmendmentOut),
    tags=AMENDMENTS,
    summary="List amendments",
    description=(
        "Members see every amendment, newest first, with its proposal's status; `status` narrows to one (`open`, "
        "`passed`, `not_applied`, ...). An open one shows the other open amendments it conflicts with."
    ),
)
def list_amendments(request: HttpRequest, slug: str, query: Query[AmendmentListQuery]) -> dict[str, Any]:
    coalition = _coalition(request, slug)
    queries.amendments(request.auth, coalition)  # the permission check first
    decision_actions.close_due_rounds(coalition=coalition)
    rows = queries.amendments(request.auth, coalition, status=query.status or "").select_related("proposal__author")
    return paginate(rows, query, transform=_amendment_out)


@router.post(
    "/coalitions/{slug}/amendments",
    response={201: AmendmentOut},
    tags=AMENDMENTS,
    summary="Propose an amendment",
    description=(
        "Any member proposes a structured change to the adopted constitution: an agreement's text, a new "
        "agreement, a decision kind's rule or scope, a new decision kind, the terms, or a group's agreed weight. "
        'It is decided under the "amend the constitution" rule in force now and takes effect when it passes. '
        "Name the agreement, decision kind or member group the target needs; errors name the field at fault, "
        "such as `change.rule.threshold`. While the constitution is a draft it answers 409."
    ),
)
def propose_amendment(request: HttpRequest, slug: str, payload: AmendmentCreateIn) -> dict[str, Any]:
    coalition = _coalition(request, slug)
    actor = request.auth
    agreement = kind = group = None
    if payload.agreement_id is not None:
        agreement = _agreement_named(actor, coalition, payload.agreement_id, field="agreement_id")
    if payload.decision_kind_id is not None:
        kind = _kind_named(actor, coalition, payload.decision_kind_id, field="decision_kind_id")
    if payload.member_group_id is not None:
        group = _group_named(actor, coalition, payload.member_group_id, field="member_group_id")
    try:
        amendment = actions.propose_amendment(
            actor=actor,
            coalition=coalition,
            target=payload.target,
            change=payload.change,
            title=payload.title,
            explanation=payload.explanation,
            closes_at=payload.closes_at,
            agreement=agreement,
            decision_kind=kind,
            member_group=group,
        )
    except ActionError as error:
        raise _renamed(error, "agreement", "decision_kind", "member_group") from None
    return _amendment_out(queries.amendment(actor, coalition, amendment.pk))


@router.get(
    "/coalitions/{slug}/amendments/{int:amendment_id}",
    response=AmendmentOut,
    tags=AMENDMENTS,
    summary="Get an amendment",
    description=(
        "One amendment: the change it carries, its proposal and status, whether it is stale (another amendment "
        "changed the same thing first) and why, the open amendments it conflicts with, and, for a passed one that "
        "took no effect, the note saying why. A round past its closing time is closed before answering."
    ),
)
def get_amendment(request: HttpRequest, slug: str, amendment_id: Id) -> dict[str, Any]:
    return _amendment_out(_amendment(request, slug, amendment_id))


@router.post(
    "/coalitions/{slug}/amendments/{int:amendment_id}/rebase",
    response=AmendmentOut,
    tags=AMENDMENTS,
    summary="Rebase a stale amendment",
    description=(
        "The person who proposed it, or a coordinator, redrafts a stale amendment on what is in force now; it "
        "goes to a new round, which everyone answers again. An amendment that is not stale answers 409."
    ),
)
def rebase_amendment(request: HttpRequest, slug: str, amendment_id: Id, payload: RebaseIn) -> dict[str, Any]:
    amendment = _amendment(request, slug, amendment_id)
    actions.rebase_amendment(
        actor=request.auth,
        amendment=amendment,
        change=payload.change,
        closes_at=payload.closes_at,
        explanation=payload.explanation,
    )
    return _amendment_out(queries.amendment(request.auth, amendment.coalition, amendment.pk))


# --- joining, sign-on, induction and leaving ------------------------------------------------------------------


@router.get(
    "/coalitions/{slug}/joining",
    response=JoiningOut,
    auth=ANYONE,
    openapi_extra=PUBLIC_OPENAPI,
    tags=MEMBERSHIP,
    summary="Read what joining means",
    description=(
        "Anyone, signed in or not, reads what an applicant signs on to: the coalition's purpose, its unity "
        "statement, purpose and goals, membership criteria and expectations, and the membership questions an "
        "application answers. `adopted` is false while the constitution is still a draft."
    ),
)
def get_joining(request: HttpRequest, slug: str) -> dict[str, Any]:
    view = queries.joining(request.auth, _coalition(request, slug))
    by_key = {row.agreement.key: row for row in view.agreements}
    return {
        "slug": view.coalition.slug,
        "name": view.coalition.name,
        "purpose": view.coalition.purpose,
        "adopted": view.adopted,
        "unity_statement": _public(by_key.get("unity_statement")),
        "purpose_and_goals": _public(by_key.get("purpose")),
        "membership_criteria": _public(by_key.get("membership_criteria")),
        "membership_expectations": _public(by_key.get("membership_expectations")),
        "membership_questions": view.questions,
    }


@router.get(
    "/coalitions/{slug}/sign-ons",
    response=page_of(SignOnStatusOut),
    tags=MEMBERSHIP,
    summary="List who has signed on",
    description=(
        "Every current member (each member group, each individual member) with the versions in force of the "
        "agreements members sign on to that it has not signed yet: after a change, who has not re-confirmed. "
        "`may_sign` says whether the caller may sign for it, `may_record` whether the caller (a coordinator) may "
        "record on its behalf that it confirmed; `last_signed_at`, `last_signed_by_name` and `last_on_behalf` say "
        "when it last signed on to a version in force, by whom, and whether a coordinator recorded that on its behalf."
    ),
)
def list_sign_ons(request: HttpRequest, slug: str, query: Query[PageQuery]) -> dict[str, Any]:
    return paginate(queries.sign_on_status(request.auth, _coalition(request, slug)), query, transform=_status_out)


@router.post(
    "/coalitions/{slug}/sign-ons",
    response={201: list[SignOnOut]},
    tags=MEMBERSHIP,
    summary="Sign on to the agreements in force",
    description=(
        "A delegate signs on (or re-confirms) for their member group (`member_group_id`); an individual member "
        "signs for themselves (leave both ids out). A coordinator records, with `on_behalf: true`, that a member "
        "group (`member_group_id`, through its delegate at a meeting) or an individual member (`person_id`) "
        "confirmed the versions in force: the sign-ons name the coordinator and are marked `on_behalf`. Answers "
        "what was signed now: empty if all was signed already."
    ),
)
def sign_on(request: HttpRequest, slug: str, payload: SignOnIn) -> list[dict[str, Any]]:
    coalition = _coalition(request, slug)
    group = (
        _group_named(request.auth, coalition, payload.member_group_id, field="member_group_id")
        if payload.member_group_id is not None
        else None
    )
    person = (
        _person_named(request.auth, coalition, payload.person_id, field="person_id")
        if payload.person_id is not None
        else None
    )
    try:
        signed = actions.sign_on(
            actor=request.auth, coalition=coalition, member_group=group, person=person, on_behalf=payload.on_behalf
        )
    except ActionError as error:
        raise _renamed(error, "member_group", "person") from None
    return [_sign_on_out(row) for row in signed]


@router.get(
    "/coalitions/{slug}/induction",
    response=InductionOut,
    tags=MEMBERSHIP,
    summary="Get the induction pack",
    description=(
        "What a new member reads, generated from the constitution in force: when the caller starts counting in "
        "decisions, what we agreed, how we decide (each rule in plain words), who coordinates, each group's "
        "delegates, what is expected of members, and what the caller may still sign."
    ),
)
def get_induction(request: HttpRequest, slug: str) -> dict[str, Any]:
    view = queries.induction(request.auth, _coalition(request, slug))
    return {
        "counts_from": view.counts_from,
        "induction_days": view.terms.induction_days,
        "agreements": [_agreement_out(row) for row in view.agreements],
        "decision_kinds": [_kind_out(kind) for kind in view.kinds],
        "coordinators": [{"id": person.pk, "name": person.name} for person in view.coordinators],
        "delegates": [
            {"member_group": _group_ref(group), "delegates": [{"id": p.pk, "name": p.name} for p in people]}
            for group, people in view.delegates
        ],
        "expectations": _agreement_out(view.expectations) if view.expectations else None,
        "to_sign": [_status_out(row) for row in view.to_sign],
    }


@router.post(
    "/coalitions/{slug}/leave-requests",
    response={201: LeaveRequestOut},
    tags=MEMBERSHIP,
    summary="Ask a member to leave",
    description=(
        "Any member asks the coalition to decide that a member group (`member_group_id`) or an individual member "
        "(`person_id`) leave, naming the agreement the request rests on (`agreement_id`). It is decided under the "
        '"ask a member to leave" rule; the constitution\'s terms say whether the member concerned takes part. '
        "Follow it as a proposal (`proposal_id`)."
    ),
)
def ask_member_to_leave(request: HttpRequest, slug: str, payload: LeaveRequestIn) -> dict[str, Any]:
    coalition = _coalition(request, slug)
    actor = request.auth
    agreement = _agreement_named(actor, coalition, payload.agreement_id, field="agreement_id")
    group = (
        _group_named(actor, coalition, payload.member_group_id, field="member_group_id")
        if payload.member_group_id is not None
        else None
    )
    person = (
        _person_named(actor, coalition, payload.person_id, field="person_id") if payload.person_id is not None else None
    )
    try:
        removal = actions.ask_member_to_leave(
            actor=actor,
            coalition=coalition,
            rests_on=agreement,
            title=payload.title,
            text=payload.text,
            closes_at=payload.closes_at,
            member_group=group,
            person=person,
        )
    except ActionError as error:
        raise _renamed(error, "member_group", "person", "rests_on") from None
    return _leave_out(
        RemovalRequest.objects.select_related("proposal", "member_group", "person", "rests_on").get(pk=removal.pk)
    )


# --- red lines and flags ---------------------------------------------------------------------------------------


@router.get(
    "/coalitions/{slug}/red-lines",
    response=page_of(RedLineOut),
    tags=RED_LINES,
    summary="List red lines",
    description=(
        "Members see every member group's red lines (what it cannot accept), by group, with when each was last "
        "confirmed and when it is due again; `overdue` once that date has passed. `member_group` narrows to one."
    ),
)
def list_red_lines(request: HttpRequest, slug: str, query: Query[RedLineListQuery]) -> dict[str, Any]:
    coalition = _coalition(request, slug)
    group = (
        _group_named(request.auth, coalition, query.member_group, field="member_group")
        if query.member_group is not None
        else None
    )
    rows = queries.red_lines(request.auth, coalition, member_group=group)
    return paginate(rows, query, transform=_red_line_row_out)


@router.post(
    "/coalitions/{slug}/red-lines",
    response={201: RedLineOut},
    tags=RED_LINES,
    summary="State a red line",
    description="A delegate states a red line for their member group; the coalition sees it at once.",
)
def state_red_line(request: HttpRequest, slug: str, payload: RedLineCreateIn) -> dict[str, Any]:
    coalition = _coalition(request, slug)
    group = _group_named(request.auth, coalition, payload.member_group_id, field="member_group_id")
    line = actions.state_red_line(actor=request.auth, member_group=group, text=payload.text)
    return _changed_red_line_out(request, line)


@router.put(
    "/coalitions/{slug}/red-lines/{int:red_line_id}",
    response=RedLineOut,
    tags=RED_LINES,
    summary="Change a red line",
    description="A delegate of the group rewrites one of its red lines; that counts as confirming it.",
)
def change_red_line(request: HttpRequest, slug: str, red_line_id: Id, payload: RedLineUpdateIn) -> dict[str, Any]:
    line = queries.red_line(request.auth, _coalition(request, slug), red_line_id)
    line = actions.change_red_line(actor=request.auth, red_line=line, text=payload.text)
    return _changed_red_line_out(request, line)


@router.post(
    "/coalitions/{slug}/red-lines/{int:red_line_id}/withdraw",
    response=RedLineOut,
    tags=RED_LINES,
    summary="Withdraw a red line",
    description="A delegate of the group withdraws one of its red lines. One already withdrawn answers 409.",
)
def withdraw_red_line(request: HttpRequest, slug: str, red_line_id: Id) -> dict[str, Any]:
    line = queries.red_line(request.auth, _coalition(request, slug), red_line_id)
    line = actions.withdraw_red_line(actor=request.auth, red_line=line)
    return _changed_red_line_out(request, line)


@router.post(
    "/coalitions/{slug}/member-groups/{int:group_id}/red-lines/confirm",
    response=RedLinesConfirmedOut,
    tags=RED_LINES,
    summary="Confirm a group's red lines",
    description=(
        "A delegate confirms that all their group's red lines still stand, as the constitution asks every so "
        "many days. A group without red lines answers 409."
    ),
)
def confirm_red_lines(request: HttpRequest, slug: str, group_id: Id) -> dict[str, Any]:
    group = coalition_queries.member_group(request.auth, _coalition(request, slug), group_id)
    confirmed = actions.confirm_red_lines(actor=request.auth, member_group=group)
    return {"member_group_id": group.pk, "confirmed": confirmed}


@router.get(
    "/coalitions/{slug}/proposals/{int:proposal_id}/red-line-flags",
    response=page_of(RedLineFlagOut),
    tags=RED_LINES,
    summary="List a proposal's red-line flags",
    description="The flags standing on a proposal: which group's red line it touches, who flagged it, and why.",
)
def list_red_line_flags(request: HttpRequest, slug: str, proposal_id: Id, query: Query[PageQuery]) -> dict[str, Any]:
    proposal = _proposal(request, slug, proposal_id)
    return paginate(queries.red_line_flags(request.auth, proposal), query, transform=_flag_out)


@router.post(
    "/coalitions/{slug}/proposals/{int:proposal_id}/red-line-flags",
    response={201: RedLineFlagOut},
    tags=RED_LINES,
    summary="Flag a proposal as touching a red line",
    description=(
        "Any member flags an open proposal as touching a member group's red line (`red_line_id`); the group's "
        "delegates are told, and the flag shows on the proposal next to the tally. The same flag twice answers 409."
    ),
)
def flag_red_line(request: HttpRequest, slug: str, proposal_id: Id, payload: RedLineFlagIn) -> dict[str, Any]:
    coalition = _coalition(request, slug)
    proposal = decision_queries.proposal(request.auth, coalition, proposal_id)
    try:
        line = queries.red_line(request.auth, coalition, payload.red_line_id)
    except NotFound as error:
        raise _named(error, "red_line_id") from None
    try:
        flag = actions.flag_red_line(actor=request.auth, proposal=proposal, red_line=line, note=payload.note)
    except ActionError as error:
        raise _renamed(error, "red_line") from None
    return _flag_out(flag)


@router.post(
    "/coalitions/{slug}/proposals/{int:proposal_id}/red-line-flags/{int:flag_id}/withdraw",
    response=RedLineFlagOut,
    tags=RED_LINES,
    summary="Withdraw a red-line flag",
    description=(
        "The person who flagged it, a delegate of the group whose red line it is, or a coordinator withdraws a "
        "flag. One already withdrawn answers 409."
    ),
)
def withdraw_red_line_flag(request: HttpRequest, slug: str, proposal_id: Id, flag_id: Id) -> dict[str, Any]:
    proposal = _proposal(request, slug, proposal_id)
    flag = queries.red_line_flag(request.auth, proposal, flag_id)
    flag = actions.withdraw_red_line_flag(actor=request.auth, flag=flag)
    return _flag_out(flag)
