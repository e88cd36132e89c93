"""The JSON API's shapes for the constitution: agreements and their versions, the terms, amendments, joining,
sign-on, induction, requests to leave, red lines and red-line flags.

Inputs (`...In`) are strict, like every input of the API: a JSON number where a number is asked, true/false where a
flag is, no unknown fields, every id an `Id`, no NUL characters. One input is the exception on purpose: an
amendment's `change` is documented here by target but validated by the constitution's own check (and, for a rule,
by the governance kernel), so that every mistake is answered with the field at fault as a path
(`change.rule.threshold`, `change.text`). Times are ISO 8601 with a time zone (`2025-03-01T18:30:00Z`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from accord.api.inputs import Id, StrictInput
from accord.api.pagination import PageQuery
from accord.decisions.schemas import MOMENT, Moment, ProposalStatus, Scope

from .models import Agreement, Amendment

Category = Literal[tuple(Agreement.Category.values)]  # type: ignore[valid-type]
Target = Literal[tuple(Amendment.Target.values)]  # type: ignore[valid-type]
Change = Literal["same", "changed", "added", "removed"]

CHANGE_DESCRIPTION = (
    "The change, an object whose shape depends on `target`: `agreement` {title?, text}; `new_agreement` "
    "{title, text, category, members_confirm}; `decision_kind` {name?, description?, rule?, scope?}; "
    "`new_decision_kind` {key?, name, description, rule, scope}; `terms` {any of induction_days, admission_days, "
    'red_line_review_days, concerned_member_takes_part}; `agreed_weight` {weight: "2", or "" for 1}. Errors name '
    "the field at fault as a path, such as `change.rule.threshold`."
)


CHANGE_DEPTH_MAX = 32  # a rule with its fallbacks is a few levels deep; anything far deeper is not a change


def _check_nested(value: Any) -> None:
    """Refuse NUL characters anywhere inside, and nesting deeper than any change has: walked with a stack, so a
    hostile body cannot exhaust the interpreter's recursion."""
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if depth > CHANGE_DEPTH_MAX:
            raise PydanticCustomError(
                "too_deep", f"The change is nested more than {CHANGE_DEPTH_MAX} levels deep; send a flatter object."
            )
        if isinstance(item, str):
            if "\x00" in item:
                raise PydanticCustomError("nul_character", "Remove the invisible NUL characters from this text.")
        elif isinstance(item, dict):
            pending.extend((key, depth + 1) for key in item)
            pending.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list | tuple):
            pending.extend((child, depth + 1) for child in item)


class ChangeInput(StrictInput):
    """An input carrying a free-form `change`: NUL characters and absurd nesting are refused inside it too."""

    @field_validator("change", mode="after", check_fields=False)
    @classmethod
    def _refuse_nul_inside(cls, value: Any) -> Any:
        _check_nested(value)
        return value


# --- queries -------------------------------------------------------------------------------------------------------


class AmendmentListQuery(PageQuery):
    status: ProposalStatus | None = Field(None, description="Only amendments whose proposal has this status.")


class RedLineListQuery(PageQuery):
    member_group: Id | None = Field(None, description="Only this member group's red lines.")


class CompareQuery(Schema):
    model_config = ConfigDict(populate_by_name=True)

    from_number: Id = Field(..., alias="from", description="The earlier version's number (left).")
    to_number: Id = Field(..., alias="to", description="The later version's number (right).")


# --- inputs --------------------------------------------------------------------------------------------------------


class DraftAgreementIn(StrictInput):
    title: str = Field(..., description="One line, up to 200 characters.")
    text: str = Field(..., description="Markdown, up to 20,000 characters.")


class AgreementCreateIn(StrictInput):
    title: str = Field(..., description="One line, up to 200 characters; its key is made from it.")
    text: str = Field(..., description="Markdown, up to 20,000 characters.")
    category: Category = Field(..., description="unity, purpose, values, policy or membership.")
    members_confirm: bool = Field(False, description="Whether every member signs on to it (and re-confirms it).")


class TermsIn(StrictInput):
    """The terms to change; the ones left out stay as they are."""

    induction_days: int | None = Field(None, description="Days before a new member counts in decisions (0 to 3650).")
    admission_days: int | None = Field(None, description="Days an admission decision stays open.")
    red_line_review_days: int | None = Field(None, description="How often member groups re-confirm red lines.")
    concerned_member_takes_part: bool | None = Field(
        None, description="Whether a member asked to leave takes part in that decision."
    )


class FoundingIn(StrictInput):
    closes_at: Moment = Field(..., description="When the founding decision closes. " + MOMENT)


class AmendmentCreateIn(ChangeInput):
    target: Target = Field(..., description="What the amendment changes.")
    agreement_id: Id | None = Field(None, description="For `agreement`: the agreement changed.")
    decision_kind_id: Id | None = Field(None, description="For `decision_kind`: the kind changed.")
    member_group_id: Id | None = Field(None, description="For `agreed_weight`: the member group.")
    change: Any = Field(..., description=CHANGE_DESCRIPTION, examples=[{"rule": {"method": "majority"}}])
    title: str = Field(..., description="The proposal's title, one line.")
    explanation: str = Field("", description="Why; up to 4,000 characters.")
    closes_at: Moment = Field(..., description="When the round closes. " + MOMENT)


class RebaseIn(ChangeInput):
    change: Any = Field(..., description="The change redrafted on what is in force now. " + CHANGE_DESCRIPTION)
    closes_at: Moment = Field(..., description="When the new round closes. " + MOMENT)
    explanation: str = ""


class SignOnIn(StrictInput):
    member_group_id: Id | None = Field(
        None,
        description=(
            "The member group you sign for as its delegate (or, with `on_behalf`, whose confirmation you record); "
            "leave out to sign as an individual member."
        ),
    )
    person_id: Id | None = Field(
        None,
        description=(
            "With `on_behalf`: the individual member whose confirmation you record. Leave out to sign for yourself."
        ),
    )
    on_behalf: bool = Field(
        False,
        description=(
            "Coordinators only: record that the member group (through its delegate, at a meeting) or the individual "
            "member confirmed the versions in force, for members who cannot sign on here themselves. The sign-ons "
            "name you and are marked as recorded on their behalf."
        ),
    )


class LeaveRequestIn(StrictInput):
    member_group_id: Id | None = Field(None, description="The member group asked to leave (or give `person_id`).")
    person_id: Id | None = Field(None, description="The individual member asked to leave.")
    agreement_id: Id = Field(..., description="The agreement the request rests on.")
    title: str
    text: str = Field(..., description="What happened and why the agreement is at stake.")
    closes_at: Moment = Field(..., description=MOMENT)


class RedLineCreateIn(StrictInput):
    member_group_id: Id = Field(..., description="The group whose red line it is; you must be its delegate.")
    text: str = Field(..., description="What the group cannot accept; up to 2,000 characters.")


class RedLineUpdateIn(StrictInput):
    text: str


class RedLineFlagIn(StrictInput):
    red_line_id: Id
    note: str = Field("", description="Optional: how the proposal touches it.")


# --- outputs -------------------------------------------------------------------------------------------------------


class GroupRef(Schema):
    id: int
    name: str


class PersonNameRef(Schema):
    id: int
    name: str


class VersionOut(Schema):
    number: int
    title: str
    text: str = Field(..., description="Markdown.")
    took_effect_at: datetime | None = Field(..., description="Null while the constitution is a draft.")
    adopted_by: int | None = Field(..., description="The id of the proposal that adopted it.")
    created_at: datetime


class AgreementOut(Schema):
    id: int
    key: str
    title: str
    category: Category
    position: int
    members_confirm: bool
    version: int = Field(..., description="The number of the version in force (or the draft).")
    text: str
    took_effect_at: datetime | None
    adopted_by: int | None = Field(..., description="The proposal that adopted the version in force.")
    open_amendments: int


class ComparedRowOut(Schema):
    left: str
    right: str
    change: Change


class CompareOut(Schema):
    agreement_id: int
    left: VersionOut
    right: VersionOut
    rows: list[ComparedRowOut] = Field(..., description="Line against line; a changed title comes first.")


class TermsOut(Schema):
    induction_days: int
    admission_days: int
    red_line_review_days: int
    concerned_member_takes_part: bool
    revision: int


class ConstitutionKindOut(Schema):
    id: int
    key: str
    name: str
    description: str
    # Plain JSON here: a second nested use of the recursive Rule model empties its OpenAPI component.
    rule: dict[str, Any] = Field(..., description="The rule in force (see the `Rule` schema).")
    rule_text: str = Field(..., description="The rule in plain words.")
    scope: Scope
    revision: int


class WeightOut(Schema):
    member_group: GroupRef
    weight: str


class AmendmentOut(Schema):
    id: int
    title: str
    target: Target
    target_key: str = Field(..., description="What it changes; open amendments with the same key conflict.")
    agreement_id: int | None
    decision_kind_id: int | None
    member_group_id: int | None
    change: dict[str, Any]
    base_revision: int = Field(..., description="The version or revision it was drafted on.")
    proposal_id: int
    proposal_status: ProposalStatus
    author_name: str | None
    created_at: datetime
    stale_since: datetime | None
    stale_because: str
    applied_at: datetime | None
    adopted_version: int | None = Field(..., description="The agreement version it made, once applied.")
    conflicts: list[int] = Field(..., description="Other open amendments changing the same thing.")
    effect_note: str = Field(..., description="Why a passed amendment took no effect.")


class DependenceOut(Schema):
    kind: str
    subject: str
    message: str


class ConstitutionOut(Schema):
    adopted: bool
    adopted_at: datetime | None
    founding_proposal_id: int | None
    founding_status: ProposalStatus | None
    terms: TermsOut
    agreements: list[AgreementOut]
    decision_kinds: list[ConstitutionKindOut]
    agreed_weights: list[WeightOut]
    open_amendments: list[AmendmentOut]
    dependence: list[DependenceOut] = Field(..., description="Where the coalition depends on one member.")


class PublicAgreementOut(Schema):
    key: str
    title: str
    text: str
    version: int
    took_effect_at: datetime | None


class JoiningOut(Schema):
    slug: str
    name: str
    purpose: str
    adopted: bool = Field(..., description="False while the constitution is still a draft.")
    unity_statement: PublicAgreementOut | None
    purpose_and_goals: PublicAgreementOut | None
    membership_criteria: PublicAgreementOut | None
    membership_expectations: PublicAgreementOut | None
    membership_questions: list[str]


class MissingVersionOut(Schema):
    agreement_id: int
    title: str
    number: int


class SignOnStatusOut(Schema):
    label: str
    member_group_id: int | None
    person_id: int | None
    missing: list[MissingVersionOut] = Field(..., description="Versions in force not yet signed (re-confirmed).")
    may_sign: bool = Field(..., description="Whether the caller may sign for this member.")
    may_record: bool = Field(
        ..., description="Whether the caller, a coordinator, may record on this member's behalf that it confirmed."
    )
    last_signed_at: datetime | None = Field(
        ..., description="When this member last signed on to a version in force; null if it has signed none."
    )
    last_signed_by_name: str = Field(
        ..., description="Who signed it: the delegate or member, or the coordinator who recorded it on their behalf."
    )
    last_on_behalf: bool = Field(
        ..., description="Whether that last sign-on was recorded by a coordinator on the member's behalf."
    )


class SignOnOut(Schema):
    id: int
    agreement_id: int
    title: str
    number: int
    member_group_id: int | None
    person_id: int | None
    signed_by_name: str
    signed_at: datetime
    on_behalf: bool = Field(..., description="Recorded by a coordinator (`signed_by_name`) on the member's behalf.")


class GroupDelegatesOut(Schema):
    member_group: GroupRef
    delegates: list[PersonNameRef]


class InductionOut(Schema):
    counts_from: datetime | None = Field(..., description="When the caller starts counting; null if already.")
    induction_days: int
    agreements: list[AgreementOut]
    decision_kinds: list[ConstitutionKindOut]
    coordinators: list[PersonNameRef]
    delegates: list[GroupDelegatesOut]
    expectations: AgreementOut | None
    to_sign: list[SignOnStatusOut]


class RestsOnOut(Schema):
    agreement_id: int
    title: str
    number: int


class LeaveRequestOut(Schema):
    proposal_id: int
    proposal_status: ProposalStatus
    member_group_id: int | None
    person_id: int | None
    subject: str
    rests_on: RestsOnOut
    concerned_takes_part: bool


class RedLineOut(Schema):
    id: int
    member_group: GroupRef
    text: str
    stated_at: datetime
    confirmed_at: datetime
    confirmed_by_name: str
    due_at: datetime = Field(..., description="When it is next due for re-confirmation.")
    overdue: bool
    withdrawn_at: datetime | None
    may_keep: bool = Field(..., description="Whether the caller (a delegate of the group) may change it.")


class RedLinesConfirmedOut(Schema):
    member_group_id: int
    confirmed: int = Field(..., description="How many red lines were confirmed.")


class RedLineFlagOut(Schema):
    id: int
    proposal_id: int
    red_line_id: int
    red_line_text: str
    member_group: GroupRef
    flagged_by_name: str
    note: str
    created_at: datetime
    withdrawn_at: datetime | None


class FoundingOut(Schema):
    proposal_id: int
    title: str
    status: ProposalStatus
    closes_at: datetime | None
