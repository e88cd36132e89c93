"""The JSON API's shapes for meetings: meetings and replies with access needs, agendas, roles, live notes,
attendance, decisions recorded in the room, the public notes, tasks, the catch-up, the digest and calendar feeds.

Inputs (`...In`) are strict, like every input of the API: a JSON number where a number is asked, true/false where a
flag is, no unknown fields, every id an `Id`, no NUL characters. Times are ISO 8601 with a time zone
(`2025-03-01T18:30:00Z`); every time the API answers is in UTC. A task's due date is a date (`2025-03-01`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from accord.api.inputs import Id, StrictInput
from accord.api.pagination import PageQuery
from accord.decisions.schemas import MOMENT, Moment

from .models import DigestPreference, Meeting, MeetingRole, Reply, Task

Kind = Literal[tuple(Meeting.Kind.values)]  # type: ignore[valid-type]
MeetingStatus = Literal[tuple(Meeting.Status.values)]  # type: ignore[valid-type]
Role = Literal[tuple(MeetingRole.Role.values)]  # type: ignore[valid-type]
Answer = Literal[tuple(Reply.Answer.values)]  # type: ignore[valid-type]
TaskStatus = Literal[tuple(Task.Status.values)]  # type: ignore[valid-type]
Frequency = Literal[tuple(DigestPreference.Frequency.values)]  # type: ignore[valid-type]
When = Literal["upcoming", "past", "all"]
Scope = Literal["mine", "groups", "all"]

LONG_TEXT = 50000
PEOPLE_MAX = 5000


# --- queries -------------------------------------------------------------------------------------------------------


class MeetingListQuery(PageQuery):
    when: When = Field(
        "upcoming", description="`upcoming` (not yet ended, soonest first), `past` (latest first) or `all`."
    )


class TaskListQuery(PageQuery):
    scope: Scope = Field(
        "mine", description="`mine`: assigned to you; `groups`: to your member groups; `all`: every task."
    )
    status: Literal["open", "done", "all", ""] = Field(
        "open", description="`open` (the default), `done`, or `all` (or empty) for both."
    )


class CatchUpQuery(Schema):
    since: Moment | None = Field(
        None, description="Catch up since this time (left out: since you last took part in a meeting). " + MOMENT
    )


# --- inputs --------------------------------------------------------------------------------------------------------


class MeetingCreateIn(StrictInput):
    kind: Kind = Field(..., description="general, spokescouncil, working_group or social.")
    title: str = Field(..., description="One line, up to 200 characters.", examples=["General meeting, March"])
    starts_at: Moment = Field(..., description=MOMENT)
    ends_at: Moment = Field(
        ..., description="After it starts, at most 7 days later. General meetings and spokescouncils may not overlap."
    )
    place: str = Field("", description="Where it happens; give a place, an online link, or both.")
    online_link: str = Field("", description="A full address starting with https://.")
    languages: list[str] = Field(default_factory=list, max_length=50, description="Languages spoken, at most 12.")
    audience: str = Field("", description="Who it is for, in a few words.")
    description: str = Field("", description="Up to 4,000 characters.")
    invite: bool = Field(True, description="Whether to email the invitation (with an .ics) to every member.")


class MeetingUpdateIn(StrictInput):
    """The fields to change; those left out stay as they are."""

    kind: Kind | None = None
    title: str | None = None
    starts_at: Moment | None = Field(None, description=MOMENT)
    ends_at: Moment | None = Field(None, description=MOMENT)
    place: str | None = None
    online_link: str | None = None
    languages: list[str] | None = Field(None, max_length=50)
    audience: str | None = None
    description: str | None = None


class CancelIn(StrictInput):
    reason: str = Field("", description="Optional, up to 2,000 characters.")


class ReplyIn(StrictInput):
    answer: Answer = Field(..., description="yes, maybe or no.")
    childcare: int = Field(0, description="Children to be looked after, 0 to 20.")
    travel_cost: bool = Field(False, description="Whether you need help with travel costs.")
    interpretation: str = Field("", description="A language you need interpretation into.")
    step_free: bool = Field(False, description="Whether you need step-free access.")
    quiet_room: bool = Field(False, description="Whether you need a quiet room.")
    other_needs: str = Field("", description="Anything else you need to take part; up to 1,000 characters.")


class AgendaItemIn(StrictInput):
    title: str = Field(..., description="One line, up to 200 characters.")
    description: str = Field("", description="Up to 4,000 characters.")
    minutes: int | None = Field(None, description="Time set aside, 1 to 600 minutes.")


class AgendaOrderIn(StrictInput):
    order: list[Id] = Field(..., max_length=1000, description="Every item's id, once, in the order wanted.")
    minutes: dict[str, int | None] = Field(
        default_factory=dict,
        description='Time for items by id, such as {"12": 15}; null clears it. Items left out keep theirs.',
    )


class RoleIn(StrictInput):
    person_id: Id | None = Field(..., description="The member who takes the role; null leaves it open.")


class NotesIn(StrictInput):
    notes: str = Field(..., description="The item's whole notes, up to 50,000 characters.")
    base_revision: int = Field(
        ..., ge=0, description="The `notes_revision` the text was loaded at: a save on an older one answers 409."
    )


class AttendanceIn(StrictInput):
    present: list[Id] = Field(
        ..., max_length=PEOPLE_MAX, description="The ids of the people present (replacing the earlier list)."
    )


class MeetingDecisionIn(StrictInput):
    text: str = Field(..., description="What was decided; up to 4,000 characters.")
    agenda_item_id: Id | None = Field(None, description="The agenda item it was decided under.")
    proposal_id: Id | None = Field(None, description="The proposal decided in the room, if there was one.")


class TaskCreateIn(StrictInput):
    title: str = Field(..., description="One line, up to 200 characters.")
    description: str = Field("", description="Up to 4,000 characters.")
    owner_person_id: Id | None = Field(None, description="The member who will do it (or give `owner_group_id`).")
    owner_group_id: Id | None = Field(None, description="The member group that will do it.")
    due_on: str | None = Field(None, max_length=40, description="A date such as 2025-03-01.")
    meeting_id: Id | None = Field(
        None, description="The meeting it was agreed at (its note-taker, facilitator or a coordinator records it)."
    )
    agenda_item_id: Id | None = Field(None, description="The item of that meeting's agenda.")
    proposal_id: Id | None = Field(None, description="The proposal it carries out.")


class TaskDoneIn(StrictInput):
    note: str = Field("", description="Optional: what was done; up to 2,000 characters.")


class TaskReopenIn(StrictInput):
    reason: str = Field("", description="Optional: why it is not done after all.")


class DigestIn(StrictInput):
    frequency: Frequency = Field(..., description="never, daily or weekly.")


class CalendarIn(StrictInput):
    mine: bool = Field(True, description="Your own feed (leaves out meetings you said no to), or the coalition's.")
    renew: bool = Field(
        False, description="Replace the secret address (the old one stops working); the coalition's: coordinators."
    )


# --- outputs -------------------------------------------------------------------------------------------------------


class NamedRef(Schema):
    id: int
    name: str


class TitledRef(Schema):
    id: int
    title: str


class RoleOut(Schema):
    role: Role
    label: str
    person: NamedRef | None = Field(..., description="Null while nobody has the role.")
    member_group: NamedRef | None = Field(..., description="The group they hold it for (rotation favours groups).")


class MeetingSummaryOut(Schema):
    id: int
    kind: Kind
    kind_label: str
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    online_link: str
    status: MeetingStatus
    coming: int = Field(..., description="How many replied that they are coming.")
    items: int = Field(..., description="How many items the agenda has.")


class MeetingLinks(Schema):
    self: str
    page: str | None = Field(..., description="The meeting's page on the site.")
    agenda: str
    public: str | None = Field(..., description="The public notes (no one named), once published.")


class MeetingOut(Schema):
    id: int
    kind: Kind
    kind_label: str
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    place: str
    online_link: str
    languages: list[str]
    audience: str
    status: MeetingStatus
    cancelled_reason: str
    has_ended: bool
    created_by: NamedRef | None
    created_at: datetime
    notes_published_at: datetime | None
    roles: list[RoleOut] = Field(..., description="Facilitator, note-taker and timekeeper, in that order.")
    coming: int
    may_organise: bool = Field(..., description="Whether the caller may change it, arrange its agenda and roles.")
    may_take_notes: bool = Field(..., description="Whether the caller may write its notes, attendance and tasks.")
    links: MeetingLinks


class ReplyOut(Schema):
    """Your reply; `answer` is null while you have not replied."""

    answer: Answer | None
    childcare: int
    travel_cost: bool
    interpretation: str
    step_free: bool
    quiet_room: bool
    other_needs: str
    updated_at: datetime | None


class NeedsOut(Schema):
    """Replies summed up, with no one named. The needs are shown to the organisers only (`needs_shown`)."""

    coming: int
    maybe: int
    not_coming: int
    needs_shown: bool
    children: int
    families: int = Field(..., description="How many replies ask for childcare.")
    travel_cost: int
    step_free: int
    quiet_room: int
    interpretation: dict[str, int] = Field(..., description="Language: how many need it.")
    other: list[str] = Field(..., description="Other needs, sorted, so their order gives no one away.")


class MeetingDecisionOut(Schema):
    id: int
    text: str
    agenda_item_id: int | None
    proposal: TitledRef | None
    recorded_by: str | None
    created_at: datetime


class TaskRef(Schema):
    id: int
    title: str
    status: TaskStatus


class AgendaItemOut(Schema):
    id: int
    title: str
    description: str
    proposed_by: str | None
    position: int
    minutes: int | None
    follow_up_of: TaskRef | None = Field(..., description="The open task from an earlier meeting it follows up.")
    proposal: TitledRef | None
    notes: str
    notes_revision: int = Field(..., description="Send it back as `base_revision` when saving the notes.")
    notes_updated_at: datetime | None
    notes_updated_by: str | None
    created_at: datetime
    tasks: list[TaskRef]
    decisions: list[MeetingDecisionOut]


class AttendanceOut(Schema):
    present: int
    people: list[NamedRef]


class CandidateOut(Schema):
    person: NamedRef
    member_group: NamedRef | None
    times_held: int = Field(..., description="How often this person held the role at other meetings.")
    group_times_held: int = Field(..., description="How often their member group's people held it.")
    replied: Answer | Literal[""] = Field(..., description="Their reply to this meeting; empty if none.")


class CountOut(Schema):
    name: str
    count: int


class RoleSpreadOut(Schema):
    role: Role
    label: str
    meetings: int = Field(..., description="At how many meetings the role was held.")
    by_person: list[CountOut]
    by_group: list[CountOut]


class RoleSpreadListOut(Schema):
    roles: list[RoleSpreadOut]


class PublicItemOut(Schema):
    title: str
    notes: str


class PublicTaskOut(Schema):
    title: str
    who: str = Field(..., description="A member group, a meeting role or “an individual member”: never a name.")


class PublicNotesOut(Schema):
    title: str
    kind: Kind
    starts_at: datetime
    ends_at: datetime
    published_at: datetime
    present: int = Field(..., description="How many were present.")
    items: list[PublicItemOut]
    decisions: list[str]
    tasks: list[PublicTaskOut]


class TaskOut(Schema):
    id: int
    title: str
    description: str
    owner_person: NamedRef | None
    owner_group: NamedRef | None
    due_on: date | None
    status: TaskStatus
    overdue: bool = Field(..., description="Open and past its due date.")
    done_at: datetime | None
    done_note: str
    done_by: str | None
    meeting: TitledRef | None
    agenda_item_id: int | None
    proposal_id: int | None
    created_at: datetime


class MeetingRef(Schema):
    id: int
    title: str
    kind: Kind
    starts_at: datetime
    ends_at: datetime
    status: MeetingStatus


class ProposalRef(Schema):
    id: int
    title: str
    status: str


class CaughtDecisionOut(Schema):
    id: int
    text: str
    meeting: TitledRef


class AgreementChangeOut(Schema):
    agreement_id: int
    title: str
    number: int
    took_effect_at: datetime | None


class CatchUpOut(Schema):
    since: datetime
    last_meeting: MeetingRef | None = Field(..., description="The last meeting you attended (without `since`).")
    meetings_held: list[MeetingRef]
    decisions: list[ProposalRef] = Field(..., description="Proposals decided since.")
    meeting_decisions: list[CaughtDecisionOut]
    agreements_changed: list[AgreementChangeOut]
    my_tasks: list[TaskOut]
    group_tasks: list[TaskOut]
    upcoming: list[MeetingRef]
    waiting: list[ProposalRef] = Field(..., description="Open proposals waiting for your stance.")


class DigestOut(Schema):
    frequency: Frequency


class CalendarOut(Schema):
    url: str = Field(..., description="The secret address a calendar app subscribes to; no sign-in needed.")
    mine: bool
