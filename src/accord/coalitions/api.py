"""The JSON API for coalitions: member groups, people and their groups, joining (invitations, applications),
leaving, and the audit log. Mounted under /api/v1/ by `accord.api.root`.

Each endpoint parses its input with a schema, calls one action (or the queries it reads), and returns a schema.
Who may do what is decided in `actions.py` and `queries.py`; their refusals become the API's error shape in
`accord.api.errors`. Coalitions are addressed by slug; everything inside one by its integer id, looked up within
that coalition only, so another coalition's ids answer 404.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from ninja import Query, Router

from accord.agreements import actions as agreement_actions
from accord.api.auth import ANYONE, PUBLIC_OPENAPI
from accord.api.inputs import Id
from accord.api.pagination import PageQuery, page_of, paginate
from accord.errors import NotFound

from . import actions, queries
from .models import Affiliation, Coalition, Invitation, MemberGroup, Person
from .permissions import Role, may_see_contact_details, role_of_member
from .schemas import (
    AffiliationCreateIn,
    AffiliationOut,
    ApplicationCreateIn,
    ApplicationListQuery,
    ApplicationOut,
    AuditEventListQuery,
    AuditEventOut,
    CoalitionCreateIn,
    CoalitionOut,
    CoalitionUpdateIn,
    CoordinatorIn,
    DelegateIn,
    InvitationAcceptedOut,
    InvitationCreateIn,
    InvitationListQuery,
    InvitationOut,
    InvitationPreviewOut,
    MemberGroupCreateIn,
    MemberGroupDetailOut,
    MemberGroupOut,
    MemberGroupUpdateIn,
    MemberListQuery,
    MeOut,
    MyCoalitionOut,
    PersonCreateIn,
    PersonDetailOut,
    PersonOut,
    PersonUpdateIn,
    ReasonIn,
)

router = Router()

ME = ["Me"]
COALITIONS = ["Coalitions"]
GROUPS = ["Member groups"]
PEOPLE = ["People"]
AFFILIATIONS = ["Affiliations"]
INVITATIONS = ["Invitations"]
APPLICATIONS = ["Applications"]
AUDIT = ["Audit events"]

ROLE_NAMES = {
    Role.ANONYMOUS: "anonymous",
    Role.OUTSIDER: "outsider",
    Role.MEMBER: "member",
    Role.COORDINATOR: "coordinator",
}
# A reason is optional, and so is a body that would hold only it: `POST .../leave` with no body at all works.
NO_REASON = ReasonIn()


# --- turning rows into the output shapes -----------------------------------------------------------------------
# Lists hand these functions rows whose related rows were fetched up front by the query, so they run no SQL.


def _clean_questions(questions: Iterable[str] | None) -> str | None:
    """The API takes membership questions as a list; the coalition keeps them one per line."""
    if questions is None:
        return None
    return "\n".join(" ".join(question.split()) for question in questions if question.strip())


def _coalition_out(actor: Any, coalition: Coalition) -> dict[str, Any]:
    standing = queries.standing_in(actor, coalition)
    out: dict[str, Any] = {
        "id": coalition.pk,
        "slug": coalition.slug,
        "name": coalition.name,
        "purpose": coalition.purpose,
        "membership_questions": coalition.question_list,
        "active_member_group_count": queries.active_group_count(actor, coalition),
        "created_at": coalition.created_at,
        "my_role": ROLE_NAMES[standing.role],
    }
    if standing.can("view_members"):
        out["my_person_id"] = standing.person.pk if standing.person else None
        out["my_delegate_of"] = sorted(standing.delegate_of)
        out["people_count"] = queries.people(actor, coalition).count()
    if standing.can("decide_applications"):
        out["pending_application_count"] = queries.applications(actor, coalition, status="pending").count()
    return out


def _group_out(group: MemberGroup, current: Sequence[Affiliation] | None = None) -> dict[str, Any]:
    """A member group. Without `current` (its current affiliations), reads what `queries.member_groups` fetched."""
    if current is None:
        people_count = group.people_count  # type: ignore[attr-defined]
        delegates = [affiliation.person for affiliation in group.delegate_affiliations]  # type: ignore[attr-defined]
    else:
        people_count = len(current)
        delegates = [affiliation.person for affiliation in current if affiliation.is_delegate]
    return {
        "id": group.pk,
        "name": group.name,
        "label": group.label,
        "is_active": group.is_active,
        "description": group.description,
        "size": group.size,
        "contact_name": group.contact_name,
        "contact_email": group.contact_email,
        "joined_at": group.joined_at,
        "left_at": group.left_at,
        "leave_reason": group.leave_reason,
        "people_count": people_count,
        "delegates": delegates,
    }


def _group_detail(group: MemberGroup, current: Sequence[Affiliation]) -> dict[str, Any]:
    return {
        **_group_out(group, current),
        "people": [
            {
                "affiliation_id": affiliation.pk,
                "person": affiliation.person,
                "is_delegate": affiliation.is_delegate,
                "started_at": affiliation.started_at,
            }
            for affiliation in current
        ],
    }


def _read_group_detail(actor: Any, group: MemberGroup) -> dict[str, Any]:
    return _group_detail(group, list(queries.group_affiliations(actor, group)))


def _person_out(person: Person, *, show_email: bool, current: Sequence[Affiliation] | None = None) -> dict[str, Any]:
    """A person. Without `current` (their current affiliations), reads what `queries.people` fetched."""
    if current is None:
        current = person.active_affiliations  # type: ignore[attr-defined]
    return {
        "id": person.pk,
        "name": person.name,
        "label": person.label,
        "is_active": person.is_active,
        "email": person.email if show_email else None,
        "has_account": person.user_id is not None,
        "is_coordinator": person.is_coordinator,
        "is_individual_member": person.is_individual_member,
        "joined_at": person.joined_at,
        "left_at": person.left_at,
        "member_groups": [
            {
                "affiliation_id": affiliation.pk,
                "member_group": affiliation.member_group,
                "is_delegate": affiliation.is_delegate,
            }
            for affiliation in current
        ],
    }


def _affiliation_out(affiliation: Affiliation) -> dict[str, Any]:
    return {
        "id": affiliation.pk,
        "person": affiliation.person,
        "member_group": affiliation.member_group,
        "is_delegate": affiliation.is_delegate,
        "is_active": affiliation.is_active,
        "started_at": affiliation.started_at,
        "ended_at": affiliation.ended_at,
        "end_reason": affiliation.end_reason,
    }


def _person_detail(actor: Any, coalition: Coalition, person: Person) -> dict[str, Any]:
    standing = queries.standing_in(actor, coalition)
    affiliations = list(queries.person_affiliations(actor, person))
    for affiliation in affiliations:
        affiliation.person = person  # already in hand: spares a query per row
    return {
        **_person_out(
            person,
            show_email=may_see_contact_details(standing, person),
            current=[a for a in affiliations if a.is_active],
        ),
        "leave_reason": person.leave_reason,
        "affiliations": [_affiliation_out(affiliation) for affiliation in affiliations],
    }


def _invitation_out(invitation: Invitation) -> dict[str, Any]:
    return {
        "id": invitation.pk,
        "status": invitation.status,
        "email": invitation.email,
        "member_group": invitation.member_group,
        "as_delegate": invitation.as_delegate,
        "person": invitation.person,
        "created_by_name": invitation.created_by.display_name if invitation.created_by else None,
        "created_at": invitation.created_at,
        "expires_at": invitation.expires_at,
        "accepted_at": invitation.accepted_at,
        "revoked_at": invitation.revoked_at,
        "token": invitation.token,
        "url": invitation.link,
    }


def _admission_proposal_id(application: Any) -> int | None:
    """The proposal deciding it: lists fetch it with select_related("admission"), so this costs no query there."""
    try:
        return int(application.admission.proposal_id)
    except ObjectDoesNotExist:
        return None


def _application_out(application: Any) -> dict[str, Any]:
    return {
        "id": application.pk,
        "kind": application.kind,
        "status": application.status,
        "applicant_name": application.applicant_name,
        "subject_name": application.subject_name,
        "group_name": application.group_name,
        "group_description": application.group_description,
        "group_size": application.group_size,
        "contact_email": application.contact_email,
        "answers": application.answers,
        "submitted_at": application.submitted_at,
        "decided_at": application.decided_at,
        "decided_by_name": application.decided_by.display_name if application.decided_by else None,
        "decision_reason": application.decision_reason,
        "member_group": application.member_group,
        "person": application.person,
        "admission_proposal_id": _admission_proposal_id(application),
    }


# --- looking up the objects a request names, within its coalition -------------------------------------------


def _coalition(request: HttpRequest, slug: str) -> Coalition:
    return queries.coalition_by_slug(request.auth, slug)


def _with_field(error: NotFound, field: str) -> NotFound:
    return NotFound(error.message, field=field)


def _member_group_named(actor: Any, coalition: Coalition, group_id: int, *, field: str) -> MemberGroup:
    try:
        return queries.member_group(actor, coalition, group_id)
    except NotFound as error:
        raise _with_field(error, field) from None


def _member_groups_named(actor: Any, coalition: Coalition, ids: Sequence[int], *, field: str) -> list[MemberGroup]:
    if not ids:
        return []
    found = {
        group.pk: group
        for group in queries.member_groups(actor, coalition, include_former=True).filter(pk__in=set(ids))
    }
    for group_id in ids:
        if group_id not in found:
            raise NotFound(f"There is no member group with id {group_id} in this coalition.", field=field)
    return [found[group_id] for group_id in dict.fromkeys(ids)]


def _person_named(actor: Any, coalition: Coalition, person_id: int, *, field: str) -> Person:
    try:
        return queries.person(actor, coalition, person_id)
    except NotFound as error:
        raise _with_field(error, field) from None


def _invitation_by_token(token: str) -> Invitation:
    """The invitation a link's token names. The query refuses what cannot be a token (a NUL byte, which PostgreSQL
    would not take) before the database is asked; either way the token is named, as accepting it names it."""
    try:
        return queries.invitation_by_token(token)
    except NotFound as error:
        raise _with_field(error, "token") from None


# --- me ------------------------------------------------------------------------------------------------------


@router.get(
    "/me",
    response=MeOut,
    tags=ME,
    summary="Who I am",
    description="The signed-in account, and each coalition it is a member of with its role there.",
)
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.auth
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.name,
        "display_name": user.display_name,
        "coalitions": [_my_coalition(person) for person in queries.memberships_of(user)],
    }


def _my_coalition(person: Person) -> dict[str, Any]:
    coalition = person.coalition
    return {
        "id": coalition.pk,
        "slug": coalition.slug,
        "name": coalition.name,
        "purpose": coalition.purpose,
        "active_member_group_count": person.active_group_count,  # type: ignore[attr-defined]
        "my_role": role_of_member(person).name.lower(),
        "my_person_id": person.pk,
    }


# --- coalitions ----------------------------------------------------------------------------------------------


@router.get(
    "/coalitions",
    response=page_of(MyCoalitionOut),
    tags=COALITIONS,
    summary="List my coalitions",
    description="The coalitions the caller is a current member of, by name, with the caller's role in each.",
)
def list_coalitions(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    return paginate(queries.memberships_of(request.auth), query, transform=_my_coalition)


@router.post(
    "/coalitions",
    response={201: CoalitionOut},
    tags=COALITIONS,
    summary="Found a coalition",
    description=(
        "Creates a coalition with the default table of decision kinds and a draft constitution drawn from the "
        "guides, which its founding member groups adopt by the founding decision; the caller becomes its first "
        "coordinator. Its slug is made from the name."
    ),
)
def create_coalition(request: HttpRequest, payload: CoalitionCreateIn) -> dict[str, Any]:
    coalition = agreement_actions.found_coalition(
        actor=request.auth,
        name=payload.name,
        purpose=payload.purpose,
        membership_questions=_clean_questions(payload.membership_questions) or "",
    )
    return _coalition_out(request.auth, coalition)


@router.get(
    "/coalitions/{slug}",
    response=CoalitionOut,
    auth=ANYONE,
    openapi_extra=PUBLIC_OPENAPI,
    tags=COALITIONS,
    summary="Get a coalition",
    description=(
        "Anyone, signed in or not, sees a coalition's name, purpose, membership questions and how many member "
        "groups it has. Members also see how many people it has and their own place in it; coordinators see "
        "how many applications are waiting."
    ),
)
def get_coalition(request: HttpRequest, slug: str) -> dict[str, Any]:
    return _coalition_out(request.auth, _coalition(request, slug))


@router.patch(
    "/coalitions/{slug}",
    response=CoalitionOut,
    tags=COALITIONS,
    summary="Change a coalition",
    description="Coordinators change the name, purpose or membership questions; omitted fields stay as they are.",
)
def update_coalition(request: HttpRequest, slug: str, payload: CoalitionUpdateIn) -> dict[str, Any]:
    changes = payload.model_dump(exclude_unset=True)
    if "membership_questions" in changes:
        changes["membership_questions"] = _clean_questions(changes["membership_questions"])
    coalition = actions.update_coalition(actor=request.auth, coalition=_coalition(request, slug), **changes)
    return _coalition_out(request.auth, coalition)


@router.post(
    "/coalitions/{slug}/leave",
    response=PersonOut,
    tags=COALITIONS,
    summary="Leave the coalition",
    description=(
        "The caller leaves: their group memberships end and their record stays, shown as a former member. "
        "The only coordinator must first make someone else a coordinator. Leaving again answers 409."
    ),
)
def leave_coalition(request: HttpRequest, slug: str, payload: ReasonIn = NO_REASON) -> dict[str, Any]:
    coalition = _coalition(request, slug)
    person = actions.leave_coalition(actor=request.auth, coalition=coalition, reason=payload.reason)
    standing = queries.standing_in(request.auth, coalition)  # a former member now, who still sees their own address
    return _person_out(person, show_email=may_see_contact_details(standing, person), current=[])


# --- member groups -------------------------------------------------------------------------------------------


@router.get(
    "/coalitions/{slug}/member-groups",
    response=page_of(MemberGroupOut),
    tags=GROUPS,
    summary="List member groups",
    description="Members see the coalition's member groups, by name, with their delegates; former ones on request.",
)
def list_member_groups(request: HttpRequest, slug: str, query: Query[MemberListQuery]) -> dict[str, Any]:
    rows = queries.member_groups(
        request.auth, _coalition(request, slug), include_former=query.include_former, search=query.search
    )
    return paginate(rows, query, transform=_group_out)


@router.post(
    "/coalitions/{slug}/member-groups",
    response={201: MemberGroupDetailOut},
    tags=GROUPS,
    summary="Add a member group",
    description="Coordinators add a member group directly (groups can also apply, or be invited).",
)
def add_member_group(request: HttpRequest, slug: str, payload: MemberGroupCreateIn) -> dict[str, Any]:
    group = actions.add_member_group(actor=request.auth, coalition=_coalition(request, slug), **payload.model_dump())
    return _group_detail(group, [])


@router.get(
    "/coalitions/{slug}/member-groups/{int:group_id}",
    response=MemberGroupDetailOut,
    tags=GROUPS,
    summary="Get a member group",
    description="A member group with its current people, delegates first.",
)
def get_member_group(request: HttpRequest, slug: str, group_id: Id) -> dict[str, Any]:
    group = queries.member_group(request.auth, _coalition(request, slug), group_id)
    return _read_group_detail(request.auth, group)


@router.patch(
    "/coalitions/{slug}/member-groups/{int:group_id}",
    response=MemberGroupDetailOut,
    tags=GROUPS,
    summary="Change a member group",
    description="A coordinator or one of the group's delegates changes its details; omitted fields stay as they are.",
)
def update_member_group(request: HttpRequest, slug: str, group_id: Id, payload: MemberGroupUpdateIn) -> dict[str, Any]:
    group = queries.member_group(request.auth, _coalition(request, slug), group_id)
    group = actions.update_member_group(
        actor=request.auth, member_group=group, **payload.model_dump(exclude_unset=True)
    )
    return _read_group_detail(request.auth, group)


@router.post(
    "/coalitions/{slug}/member-groups/{int:group_id}/leave",
    response=MemberGroupDetailOut,
    tags=GROUPS,
    summary="Take a member group out of the coalition",
    description=(
        "A delegate of the group takes it out. Its people's memberships of it end; those who belonged only "
        "through it leave too. Nothing is deleted: the group stays in the record as a former member."
    ),
)
def withdraw_member_group(
    request: HttpRequest, slug: str, group_id: Id, payload: ReasonIn = NO_REASON
) -> dict[str, Any]:
    group = queries.member_group(request.auth, _coalition(request, slug), group_id)
    group = actions.withdraw_member_group(actor=request.auth, member_group=group, reason=payload.reason)
    return _group_detail(group, [])


# --- people --------------------------------------------------------------------------------------------------


@router.get(
    "/coalitions/{slug}/people",
    response=page_of(PersonOut),
    tags=PEOPLE,
    summary="List people",
    description=(
        "Members see the coalition's people, by name, with their current member groups; former members on "
        "request. Addresses are shown to coordinators only (and each person sees their own)."
    ),
)
def list_people(request: HttpRequest, slug: str, query: Query[MemberListQuery]) -> dict[str, Any]:
    coalition = _coalition(request, slug)
    rows = queries.people(request.auth, coalition, include_former=query.include_former, search=query.search)
    standing = queries.standing_in(request.auth, coalition)
    return paginate(
        rows, query, transform=lambda person: _person_out(person, show_email=may_see_contact_details(standing, person))
    )


@router.post(
    "/coalitions/{slug}/people",
    response={201: PersonDetailOut},
    tags=PEOPLE,
    summary="Record a person",
    description=(
        "Coordinators record a person, who may have no account (invite them later to claim the record). "
        "Give at least one member group, or make them an individual member."
    ),
)
def record_person(request: HttpRequest, slug: str, payload: PersonCreateIn) -> dict[str, Any]:
    coalition = _coalition(request, slug)
    person = actions.record_person(
        actor=request.auth,
        coalition=coalition,
        name=payload.name,
        email=payload.email,
        member_groups=_member_groups_named(request.auth, coalition, payload.member_groups, field="member_groups"),
        delegate_of=_member_groups_named(request.auth, coalition, payload.delegate_of, field="delegate_of"),
        is_individual_member=payload.is_individual_member,
    )
    return _person_detail(request.auth, coalition, person)


@router.get(
    "/coalitions/{slug}/people/{int:person_id}",
    response=PersonDetailOut,
    tags=PEOPLE,
    summary="Get a person",
    description="A person with every group membership they have had, former ones included.",
)
def get_person(request: HttpRequest, slug: str, person_id: Id) -> dict[str, Any]:
    coalition = _coalition(request, slug)
    return _person_detail(request.auth, coalition, queries.person(request.auth, coalition, person_id))


@router.patch(
    "/coalitions/{slug}/people/{int:person_id}",
    response=PersonDetailOut,
    tags=PEOPLE,
    summary="Change a person",
    description=(
        "A person changes their own name and address; a coordinator may change anyone's, and whether they are "
        "an individual member. Omitted fields stay as they are."
    ),
)
def update_person(request: HttpRequest, slug: str, person_id: Id, payload: PersonUpdateIn) -> dict[str, Any]:
    coalition = _coalition(request, slug)
    person = queries.person(request.auth, coalition, person_id)
    person = actions.update_person(actor=request.auth, person=person, **payload.model_dump(exclude_unset=True))
    return _person_detail(request.auth, coalition, person)


@router.put(
    "/coalitions/{slug}/people/{int:person_id}/coordinator",
    response=PersonDetailOut,
    tags=PEOPLE,
    summary="Make or unmake a coordinator",
    description="Coordinators give or end the coordinator role. The last coordinator cannot step down.",
)
def set_coordinator(request: HttpRequest, slug: str, person_id: Id, payload: CoordinatorIn) -> dict[str, Any]:
    coalition = _coalition(request, slug)
    person = queries.person(request.auth, coalition, person_id)
    person = actions.set_coordinator(actor=request.auth, person=person, is_coordinator=payload.is_coordinator)
    return _person_detail(request.auth, coalition, person)


@router.post(
    "/coalitions/{slug}/people/{int:person_id}/affiliations",
    response={201: AffiliationOut},
    tags=PEOPLE,
    summary="Add a person to a member group",
    description="A coordinator, or a delegate of that member group, adds the person to it, as a delegate if asked.",
)
def add_affiliation(request: HttpRequest, slug: str, person_id: Id, payload: AffiliationCreateIn) -> dict[str, Any]:
    coalition = _coalition(request, slug)
    person = queries.person(request.auth, coalition, person_id)
    group = _member_group_named(request.auth, coalition, payload.member_group, field="member_group")
    affiliation = actions.add_affiliation(
        actor=request.auth, person=person, member_group=group, is_delegate=payload.is_delegate
    )
    return _affiliation_out(affiliation)


# --- affiliations --------------------------------------------------------------------------------------------


@router.patch(
    "/coalitions/{slug}/affiliations/{int:affiliation_id}",
    response=AffiliationOut,
    tags=AFFILIATIONS,
    summary="Make or unmake a delegate",
    description=(
        "A coordinator or a delegate of the member group makes the person one of its delegates. A delegate may give "
        "up their own role, but not end another delegate's (403: only a coordinator can), and not if they are the "
        "group's last delegate (409: name another first)."
    ),
)
def set_delegate(request: HttpRequest, slug: str, affiliation_id: Id, payload: DelegateIn) -> dict[str, Any]:
    affiliation = queries.affiliation(request.auth, _coalition(request, slug), affiliation_id)
    affiliation = actions.set_delegate(actor=request.auth, affiliation=affiliation, is_delegate=payload.is_delegate)
    return _affiliation_out(affiliation)


@router.post(
    "/coalitions/{slug}/affiliations/{int:affiliation_id}/end",
    response=AffiliationOut,
    tags=AFFILIATIONS,
    summary="End a group membership",
    description=(
        "The person leaves one member group: by themselves, or recorded by a coordinator or a delegate of the "
        "group. It cannot be the person's only membership (leave the coalition instead)."
    ),
)
def end_affiliation(
    request: HttpRequest, slug: str, affiliation_id: Id, payload: ReasonIn = NO_REASON
) -> dict[str, Any]:
    affiliation = queries.affiliation(request.auth, _coalition(request, slug), affiliation_id)
    affiliation = actions.end_affiliation(actor=request.auth, affiliation=affiliation, reason=payload.reason)
    return _affiliation_out(affiliation)


# --- invitations ---------------------------------------------------------------------------------------------


@router.get(
    "/coalitions/{slug}/invitations",
    response=page_of(InvitationOut),
    tags=INVITATIONS,
    summary="List invitations",
    description="Coordinators see every invitation, newest first; a delegate sees the ones they made.",
)
def list_invitations(request: HttpRequest, slug: str, query: Query[InvitationListQuery]) -> dict[str, Any]:
    rows = queries.invitations(request.auth, _coalition(request, slug), open_only=query.open_only)
    return paginate(rows, query, transform=_invitation_out)


@router.post(
    "/coalitions/{slug}/invitations",
    response={201: InvitationOut},
    tags=INVITATIONS,
    summary="Invite someone",
    description=(
        "Makes an invitation link (`url`), sent by email too when `email` is given. With `member_group` the "
        "holder joins that group (a delegate may invite to their own group); without it they join as an "
        "individual member (coordinators only). With `person` the holder claims that recorded person."
    ),
)
def create_invitation(request: HttpRequest, slug: str, payload: InvitationCreateIn) -> dict[str, Any]:
    coalition = _coalition(request, slug)
    group = (
        _member_group_named(request.auth, coalition, payload.member_group, field="member_group")
        if payload.member_group is not None
        else None
    )
    person = (
        _person_named(request.auth, coalition, payload.person, field="person") if payload.person is not None else None
    )
    invitation = actions.create_invitation(
        actor=request.auth,
        coalition=coalition,
        email=payload.email,
        member_group=group,
        as_delegate=payload.as_delegate,
        person=person,
        valid_days=payload.valid_days,
    )
    return _invitation_out(invitation)


@router.post(
    "/coalitions/{slug}/invitations/{int:invitation_id}/revoke",
    response=InvitationOut,
    tags=INVITATIONS,
    summary="Revoke an invitation",
    description="A coordinator, or whoever made it, stops an open invitation from being used.",
)
def revoke_invitation(request: HttpRequest, slug: str, invitation_id: Id) -> dict[str, Any]:
    invitation = queries.invitation(request.auth, _coalition(request, slug), invitation_id)
    return _invitation_out(actions.revoke_invitation(actor=request.auth, invitation=invitation))


@router.get(
    "/invitations/{token}",
    response=InvitationPreviewOut,
    auth=ANYONE,
    openapi_extra=PUBLIC_OPENAPI,
    tags=INVITATIONS,
    summary="See what an invitation is for",
    description="Whoever holds the link sees which coalition (and group) it invites them to, and whether it is open.",
)
def preview_invitation(request: HttpRequest, token: str) -> dict[str, Any]:
    invitation = _invitation_by_token(token)
    return {
        "status": invitation.status,
        "coalition": invitation.coalition,
        "coalition_purpose": invitation.coalition.purpose,
        "member_group": invitation.member_group,
        "as_delegate": invitation.as_delegate,
        "claims_person": invitation.person.name if invitation.person else None,
        "invited_by": invitation.created_by.display_name if invitation.created_by else None,
        "expires_at": invitation.expires_at,
    }


@router.post(
    "/invitations/{token}/accept",
    response=InvitationAcceptedOut,
    tags=INVITATIONS,
    summary="Accept an invitation",
    description=(
        "The signed-in caller joins: into the invitation's member group, as an individual, or by claiming a record. "
        "An invitation carries its maker's authority: once its maker may no longer invite there (a delegate who "
        "stepped down or left), accepting it is refused (409)."
    ),
)
def accept_invitation(request: HttpRequest, token: str) -> dict[str, Any]:
    person = actions.accept_invitation(actor=request.auth, token=token)
    coalition = person.coalition
    return {"coalition": coalition, "person": _person_detail(request.auth, coalition, person)}


# --- applications --------------------------------------------------------------------------------------------


@router.get(
    "/coalitions/{slug}/applications",
    response=page_of(ApplicationOut),
    tags=APPLICATIONS,
    summary="List applications",
    description="Coordinators see every application to join, newest first; anyone else sees only their own.",
)
def list_applications(request: HttpRequest, slug: str, query: Query[ApplicationListQuery]) -> dict[str, Any]:
    rows = queries.applications(request.auth, _coalition(request, slug), status=query.status or "").select_related(
        "admission"
    )
    return paginate(rows, query, transform=_application_out)


@router.post(
    "/coalitions/{slug}/applications",
    response={201: ApplicationOut},
    tags=APPLICATIONS,
    summary="Apply to join",
    description=(
        "A signed-in person applies for a member group (`kind: group`, with its name and size) or for "
        "themselves (`kind: individual`), answering the coalition's membership questions in order, and signing "
        "on (`signs_on: true`) to the unity statement, the principles and what it means to be in (read them at "
        '`GET /coalitions/{slug}/joining`). The coalition decides under its "admit a member" rule: the decision '
        "is the proposal `admission_proposal_id`."
    ),
)
def submit_application(request: HttpRequest, slug: str, payload: ApplicationCreateIn) -> dict[str, Any]:
    application = agreement_actions.apply_to_join(
        actor=request.auth, coalition=_coalition(request, slug), **payload.model_dump()
    )
    return _application_out(application)


@router.get(
    "/coalitions/{slug}/applications/{int:application_id}",
    response=ApplicationOut,
    tags=APPLICATIONS,
    summary="Get an application",
    description="Coordinators see any application; an applicant sees their own.",
)
def get_application(request: HttpRequest, slug: str, application_id: Id) -> dict[str, Any]:
    return _application_out(queries.application(request.auth, _coalition(request, slug), application_id))


@router.post(
    "/coalitions/{slug}/applications/{int:application_id}/withdraw",
    response=ApplicationOut,
    tags=APPLICATIONS,
    summary="Withdraw an application",
    description=(
        "The applicant withdraws their application while it waits for a decision; the admission proposal ends "
        "without a decision."
    ),
)
def withdraw_application(request: HttpRequest, slug: str, application_id: Id) -> dict[str, Any]:
    application = queries.application(request.auth, _coalition(request, slug), application_id)
    return _application_out(agreement_actions.withdraw_application(actor=request.auth, application=application))


# --- audit log -----------------------------------------------------------------------------------------------


@router.get(
    "/coalitions/{slug}/audit-events",
    response=page_of(AuditEventOut),
    tags=AUDIT,
    summary="Read the audit log",
    description="Members read every change made in the coalition, newest first, in plain words.",
)
def list_audit_events(request: HttpRequest, slug: str, query: Query[AuditEventListQuery]) -> dict[str, Any]:
    rows = queries.audit_events(request.auth, _coalition(request, slug), verb_prefix=query.verb)
    return paginate(rows, query)
