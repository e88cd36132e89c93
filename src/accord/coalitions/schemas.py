"""The JSON API's shapes for coalitions, member groups, people, invitations, applications and the audit log.

Inputs (`...In`) are strict: a JSON number where a number is asked, true/false where a flag is, and no unknown
fields (a misspelt field is an error, never silently ignored); every id is an `Id`, 1 to 2**63-1. Length limits
and the other rules are the actions', which answer with a message that says what to change. Outputs (`...Out`)
are what the endpoints return; a former member appears with `"is_active": false` and a `label` such as
"Name (former member)".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import field_validator

from accord.api.inputs import Id, StrictInput
from accord.api.pagination import PageQuery

Role = Literal["anonymous", "outsider", "member", "coordinator"]
ApplicationKind = Literal["group", "individual"]
ApplicationStatus = Literal["pending", "admitted", "declined", "withdrawn"]
InvitationStatus = Literal["open", "accepted", "revoked", "expired"]


# --- query parameters ----------------------------------------------------------------------------------------


def _no_nul(value: str) -> str:
    return value.replace("\x00", "").strip()


class MemberListQuery(PageQuery):
    include_former: bool = Field(False, description="Include member groups or people who have left.")
    search: str = Field("", max_length=200, description="Only those whose name contains this text.")

    @field_validator("search")
    @classmethod
    def _clean_search(cls, value: str) -> str:
        return _no_nul(value)


class InvitationListQuery(PageQuery):
    open_only: bool = Field(False, description="Only invitations that can still be accepted.")


class ApplicationListQuery(PageQuery):
    status: ApplicationStatus | None = Field(None, description="Only applications with this status.")


class AuditEventListQuery(PageQuery):
    verb: str = Field("", max_length=60, description="Only events whose verb starts with this, e.g. `member_group`.")

    @field_validator("verb")
    @classmethod
    def _clean_verb(cls, value: str) -> str:
        return _no_nul(value)


# --- inputs --------------------------------------------------------------------------------------------------


class CoalitionCreateIn(StrictInput):
    name: str = Field(..., description="Up to 120 characters.", examples=["Riverside Housing Coalition"])
    purpose: str = Field(..., description="What the coalition is for, up to 2,000 characters.")
    membership_questions: list[str] = Field(default_factory=list, description="Questions applicants answer, in order.")


class CoalitionUpdateIn(StrictInput):
    name: str | None = None
    purpose: str | None = None
    membership_questions: list[str] | None = Field(None, description="Replaces the whole list.")


class ReasonIn(StrictInput):
    reason: str = Field("", description="Optional, up to 4,000 characters; members can read it in the audit log.")


class MemberGroupCreateIn(StrictInput):
    name: str = Field(..., description="Unique among the coalition's current member groups; up to 120 characters.")
    size: int = Field(..., description="How many people the group represents, 1 or more.", examples=[40])
    description: str = ""
    contact_name: str = ""
    contact_email: str = ""


class MemberGroupUpdateIn(StrictInput):
    name: str | None = None
    size: int | None = None
    description: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None


class PersonCreateIn(StrictInput):
    name: str
    email: str = ""
    member_groups: list[Id] = Field(default_factory=list, description="Ids of member groups the person is in.")
    delegate_of: list[Id] = Field(
        default_factory=list, description="Ids of member groups the person is a delegate of (added to them too)."
    )
    is_individual_member: bool = Field(False, description="A member in their own right, not only through a group.")


class PersonUpdateIn(StrictInput):
    name: str | None = None
    email: str | None = None
    is_individual_member: bool | None = Field(None, description="Only a coordinator may change this.")


class CoordinatorIn(StrictInput):
    is_coordinator: bool


class AffiliationCreateIn(StrictInput):
    member_group: Id = Field(..., description="The member group's id.")
    is_delegate: bool = False


class DelegateIn(StrictInput):
    is_delegate: bool


class InvitationCreateIn(StrictInput):
    email: str = Field("", description="When given, the invitation is also sent there by email.")
    member_group: Id | None = Field(
        None,
        description="Join this member group (a delegate may invite to their group); omit for an individual member.",
    )
    as_delegate: bool = Field(False, description="Join the member group as its delegate.")
    person: Id | None = Field(None, description="Let the holder claim this person, recorded without an account.")
    valid_days: int = Field(14, description="How many days the link works, 1 to 90.")


class ApplicationCreateIn(StrictInput):
    kind: ApplicationKind = Field(..., description="`group` for a member group, `individual` for oneself.")
    answers: list[str] = Field(
        default_factory=list, description="One answer per membership question, in the coalition's order."
    )
    group_name: str = Field("", description="For a group: its name.")
    group_description: str = ""
    group_size: int | None = Field(None, description="For a group: how many people it represents.")
    contact_email: str = Field("", description="Defaults to the applicant's account address.")
    signs_on: bool = Field(
        ...,
        description="Must be true: the applicant signs on to the unity statement, the principles and what it means "
        "to be in, as every member has.",
    )


# --- outputs -------------------------------------------------------------------------------------------------


class CoalitionRef(Schema):
    id: int
    slug: str
    name: str


class MemberGroupRef(Schema):
    id: int
    name: str
    label: str
    is_active: bool


class PersonRef(Schema):
    id: int
    name: str
    label: str
    is_active: bool


class MyCoalitionOut(Schema):
    """A coalition the caller is a member of, with their role in it."""

    id: int
    slug: str
    name: str
    purpose: str
    active_member_group_count: int
    my_role: Role
    my_person_id: int


class CoalitionOut(Schema):
    """A coalition. Anyone sees the public fields; the ones below `my_role` are null for non-members."""

    id: int
    slug: str
    name: str
    purpose: str
    membership_questions: list[str]
    active_member_group_count: int
    created_at: datetime
    my_role: Role
    my_person_id: int | None = Field(None, description="The caller's person record, for members.")
    my_delegate_of: list[int] = Field(default_factory=list, description="Member groups the caller is a delegate of.")
    people_count: int | None = Field(None, description="Current people, for members.")
    pending_application_count: int | None = Field(
        None, description="Applications awaiting a decision, for coordinators."
    )


class MeOut(Schema):
    id: int
    email: str
    name: str
    display_name: str
    coalitions: list[MyCoalitionOut]


class MemberGroupOut(Schema):
    id: int
    name: str
    label: str
    is_active: bool
    description: str
    size: int
    contact_name: str
    contact_email: str
    joined_at: datetime
    left_at: datetime | None
    leave_reason: str
    people_count: int = Field(..., description="Current people in the group.")
    delegates: list[PersonRef]


class GroupPersonOut(Schema):
    affiliation_id: int
    person: PersonRef
    is_delegate: bool
    started_at: datetime


class MemberGroupDetailOut(MemberGroupOut):
    people: list[GroupPersonOut] = Field(..., description="The group's current people, delegates first.")


class PersonGroupOut(Schema):
    affiliation_id: int
    member_group: MemberGroupRef
    is_delegate: bool


class PersonOut(Schema):
    id: int
    name: str
    label: str
    is_active: bool
    email: str | None = Field(..., description="Shown to coordinators and to the person themselves; null otherwise.")
    has_account: bool = Field(..., description="False for someone recorded without an account.")
    is_coordinator: bool
    is_individual_member: bool
    joined_at: datetime
    left_at: datetime | None
    member_groups: list[PersonGroupOut] = Field(..., description="The member groups the person is in now.")


class AffiliationOut(Schema):
    """A person's membership of one member group."""

    id: int
    person: PersonRef
    member_group: MemberGroupRef
    is_delegate: bool
    is_active: bool
    started_at: datetime
    ended_at: datetime | None
    end_reason: str


class PersonDetailOut(PersonOut):
    leave_reason: str
    affiliations: list[AffiliationOut] = Field(..., description="Every group membership, former ones included.")


class InvitationOut(Schema):
    id: int
    status: InvitationStatus
    email: str
    member_group: MemberGroupRef | None
    as_delegate: bool
    person: PersonRef | None = Field(..., description="The recorded person the holder may claim.")
    created_by_name: str | None
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None
    token: str
    url: str = Field(..., description="The link to send; whoever holds it can accept the invitation.")


class InvitationPreviewOut(Schema):
    """What an invitation invites its holder to."""

    status: InvitationStatus
    coalition: CoalitionRef
    coalition_purpose: str
    member_group: MemberGroupRef | None
    as_delegate: bool
    claims_person: str | None = Field(..., description="The name of the recorded person the holder would become.")
    invited_by: str | None
    expires_at: datetime


class InvitationAcceptedOut(Schema):
    coalition: CoalitionRef
    person: PersonDetailOut


class AnswerOut(Schema):
    question: str
    answer: str


class ApplicationOut(Schema):
    id: int
    kind: ApplicationKind
    status: ApplicationStatus
    applicant_name: str
    subject_name: str = Field(..., description="The group's name, or the individual's.")
    group_name: str
    group_description: str
    group_size: int | None
    contact_email: str
    answers: list[AnswerOut]
    submitted_at: datetime
    decided_at: datetime | None
    decided_by_name: str | None
    decision_reason: str
    member_group: MemberGroupRef | None = Field(..., description="The member group admitted, for a group.")
    person: PersonRef | None = Field(..., description="The applicant's person record, once admitted.")
    admission_proposal_id: int | None = Field(
        ..., description='The proposal deciding the admission, under the coalition\'s "admit a member" rule.'
    )


class AuditEventOut(Schema):
    id: int
    actor_label: str = Field(..., description="Who did it; a former member is shown as “Name (former member)”.")
    verb: str
    summary: str
    target_type: str
    target_id: int | None
    created_at: datetime
    data: dict[str, Any]
