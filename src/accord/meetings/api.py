"""The JSON API for meetings: scheduling, replies with access needs, the agenda, roles and their rotation, live
notes, attendance, decisions recorded in the room, the public notes, tasks, the catch-up, the digest and calendar
feeds. Mounted under /api/v1/ by `accord.api.root`.

Each endpoint parses its input with a schema, calls one action (or the queries it reads), and returns a schema.
Who may do what is decided in `actions.py` and `queries.py` (see `permissions.py`); their refusals become the
API's error shape in `accord.api.errors`. Coalitions are addressed by slug; everything inside one by its integer
id, looked up within that coalition only, so another coalition's ids answer 404. Access needs are never shown
per person: organisers read them summed up (`/needs`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from ninja import Path, Query, Router

from accord.api.auth import ANYONE, PUBLIC_OPENAPI
from accord.api.inputs import Id
from accord.api.pagination import PageQuery, page_of, paginate
from accord.coalitions import queries as coalition_queries
from accord.coalitions.models import Coalition, MemberGroup, Person
from accord.decisions import queries as decision_queries
from accord.decisions.models import Proposal
from accord.errors import Conflict, Invalid, NotFound

from . import actions, queries
from .models import AgendaItem, Meeting, MeetingDecision, MeetingRole, Reply, Task
from .permissions import may_organise, may_take_notes
from .schemas import (
    AgendaItemIn,
    AgendaItemOut,
    AgendaOrderIn,
    AttendanceIn,
    AttendanceOut,
    CalendarIn,
    CalendarOut,
    CancelIn,
    CandidateOut,
    CatchUpOut,
    CatchUpQuery,
    DigestIn,
    DigestOut,
    MeetingCreateIn,
    MeetingDecisionIn,
    MeetingDecisionOut,
    MeetingListQuery,
    MeetingOut,
    MeetingSummaryOut,
    MeetingUpdateIn,
    NeedsOut,
    NotesIn,
    PublicNotesOut,
    ReplyIn,
    ReplyOut,
    Role,
    RoleIn,
    RoleOut,
    RoleSpreadListOut,
    TaskCreateIn,
    TaskDoneIn,
    TaskListQuery,
    TaskOut,
    TaskReopenIn,
)

router = Router()

MEETINGS = ["Meetings"]
AGENDA = ["Agenda and notes"]
ROLES = ["Meeting roles"]
TASKS = ["Tasks"]
CATCH_UP = ["Catch-up and calendar"]

NO_REASON = CancelIn()
NO_NOTE = TaskDoneIn()
NO_REOPEN_REASON = TaskReopenIn()
MY_CALENDAR = CalendarIn()


# --- turning rows into the output shapes -----------------------------------------------------------------------


def _named(row: Person | MemberGroup | None) -> dict[str, Any] | None:
    return {"id": row.pk, "name": row.name} if row is not None else None


def _name(row: Person | None) -> str | None:
    return row.name if row is not None else None


def _root() -> str:
    return reverse("api-v1:api-root")


def _page(name: str, **kwargs: Any) -> str | None:
    try:
        return reverse(f"web:{name}", kwargs=kwargs)
    except NoReverseMatch:  # the pages are not installed
        return None


def _role_out(role: str, held: MeetingRole | None) -> dict[str, Any]:
    return {
        "role": role,
        "label": MeetingRole.Role(role).label,
        "person": _named(held.person) if held is not None else None,
        "member_group": _named(held.member_group) if held is not None else None,
    }


def _summary_out(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "kind": meeting.kind,
        "kind_label": meeting.get_kind_display(),
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "place": meeting.place,
        "online_link": meeting.online_link,
        "status": meeting.status,
        "coming": meeting.coming,  # type: ignore[attr-defined]
        "items": meeting.items,  # type: ignore[attr-defined]
    }


def _meeting_out(actor: Any, meeting: Meeting) -> dict[str, Any]:
    coalition = meeting.coalition
    standing = coalition_queries.standing(actor, coalition)
    held = queries.roles(meeting)
    base = f"{_root()}coalitions/{coalition.slug}/meetings/{meeting.pk}"
    return {
        "id": meeting.pk,
        "kind": meeting.kind,
        "kind_label": meeting.get_kind_display(),
        "title": meeting.title,
        "description": meeting.description,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "place": meeting.place,
        "online_link": meeting.online_link,
        "languages": list(meeting.languages or []),
        "audience": meeting.audience,
        "status": meeting.status,
        "cancelled_reason": meeting.cancelled_reason,
        "has_ended": meeting.has_ended(),
        "created_by": _named(meeting.created_by),
        "created_at": meeting.created_at,
        "notes_published_at": meeting.notes_published_at,
        "roles": [_role_out(role, held.get(role)) for role in MeetingRole.Role.values],
        "coming": Reply.objects.filter(meeting=meeting, answer=Reply.Answer.YES).count(),
        "may_organise": may_organise(standing, meeting),
        "may_take_notes": may_take_notes(standing, meeting),
        "links": {
            "self": base,
            "page": _page("meeting", slug=coalition.slug, meeting_id=meeting.pk),
            "agenda": f"{base}/agenda",
            "public": f"{base}/public" if meeting.notes_published_at else None,
        },
    }


def _reply_out(reply: Reply | None) -> dict[str, Any]:
    if reply is None:
        return {
            "answer": None,
            "childcare": 0,
            "travel_cost": False,
            "interpretation": "",
            "step_free": False,
            "quiet_room": False,
            "other_needs": "",
            "updated_at": None,
        }
    return {
        "answer": reply.answer,
        "childcare": reply.childcare,
        "travel_cost": reply.travel_cost,
        "interpretation": reply.interpretation,
        "step_free": reply.step_free,
        "quiet_room": reply.quiet_room,
        "other_needs": reply.other_needs,
        "updated_at": reply.updated_at,
    }


def _task_ref(task: Task) -> dict[str, Any]:
    return {"id": task.pk, "title": task.title, "status": task.status}


def _titled(row: Any) -> dict[str, Any] | None:
    return {"id": row.pk, "title": row.title} if row is not None else None


def _decision_out(decision: MeetingDecision) -> dict[str, Any]:
    return {
        "id": decision.pk,
        "text": decision.text,
        "agenda_item_id": decision.agenda_item_id,
        "proposal": _titled(decision.proposal),
        "recorded_by": _name(decision.recorded_by),
        "created_at": decision.created_at,
    }


def _item_out(item: AgendaItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "title": item.title,
        "description": item.description,
        "proposed_by": _name(item.proposed_by),
        "position": item.position,
        "minutes": item.minutes,
        "follow_up_of": _task_ref(item.follow_up_of) if item.follow_up_of is not None else None,
        "proposal": _titled(item.proposal),
        "notes": item.notes,
        "notes_revision": item.notes_revision,
        "notes_updated_at": item.notes_updated_at,
        "notes_updated_by": _name(item.notes_updated_by),
        "created_at": item.created_at,
        "tasks": [_task_ref(task) for task in item.tasks.all()],
        "decisions": [_decision_out(decision) for decision in item.decisions.all()],
    }


def _task_out(task: Task) -> dict[str, Any]:
    return {
        "id": task.pk,
        "title": task.title,
        "description": task.description,
        "owner_person": _named(task.owner_person),
        "owner_group": _named(task.owner_group),
        "due_on": task.due_on,
        "status": task.status,
        "overdue": queries.is_overdue(task),
        "done_at": task.done_at,
        "done_note": task.done_note,
        "done_by": _name(task.done_by),
        "meeting": _titled(task.meeting),
        "agenda_item_id": task.agenda_item_id,
        "proposal_id": task.proposal_id,
        "created_at": task.created_at,
    }


def _meeting_ref(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "kind": meeting.kind,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "status": meeting.status,
    }


def _proposal_ref(proposal: Proposal) -> dict[str, Any]:
    return {"id": proposal.pk, "title": proposal.title, "status": proposal.status}


# --- looking up the objects a request names, within its coalition -------------------------------------------


def _coalition(request: HttpRequest, slug: str) -> Coalition:
    return coalition_queries.coalition_by_slug(request.auth, slug)


def _meeting(request: HttpRequest, slug: str, meeting_id: int) -> Meeting:
    return queries.meeting(request.auth, _coalition(request, slug), meeting_id)


def _item(request: HttpRequest, meeting: Meeting, item_id: int, *, field: str | None = None) -> AgendaItem:
    try:
        return queries.agenda_item(request.auth, meeting, item_id)
    except NotFound as error:
        if field is None:
            raise
        raise NotFound(error.message, field=field) from None


def _person(request: HttpRequest, coalition: Coalition, person_id: int, *, field: str) -> Person:
    try:
        return coalition_queries.person(request.auth, coalition, person_id)
    except NotFound as error:
        raise NotFound(error.message, field=field) from None


def _group(request: HttpRequest, coalition: Coalition, group_id: int, *, field: str) -> MemberGroup:
    try:
        return coalition_queries.member_group(request.auth, coalition, group_id)
    except NotFound as error:
        raise NotFound(error.message, field=field) from None


def _proposal(request: HttpRequest, coalition: Coalition, proposal_id: int, *, field: str) -> Proposal:
    try:
        return decision_queries.proposal(request.auth, coalition, proposal_id)
    except NotFound as error:
        raise NotFound(error.message, field=field) from None


def _task(request: HttpRequest, slug: str, task_id: int) -> Task:
    return queries.task(request.auth, _coalition(request, slug), task_id)


def _full_task(task: Task) -> Task:
    return Task.objects.select_related("owner_person", "owner_group", "meeting", "done_by").get(pk=task.pk)


def _agenda_item_by_id(request: HttpRequest, meeting: Meeting, item_id: int) -> dict[str, Any]:
    items = {item.pk: item for item in queries.agenda(request.auth, meeting)}
    return _item_out(items[item_id])


# --- meetings ------------------------------------------------------------------------------------------------


@router.get(
    "/coalitions/{slug}/meetings",
    response=page_of(MeetingSummaryOut),
    tags=MEETINGS,
    summary="List meetings",
    description=(
        "Members see the coalition's meetings: `upcoming` (not yet ended, soonest first; the default), `past` "
        "(latest first) or `all` (latest first), cancelled ones included (see `status`), each with how many are "
        "coming and how many items its agenda has."
    ),
)
def list_meetings(request: HttpRequest, slug: str, query: Query[MeetingListQuery]) -> dict[str, Any]:
    rows = queries.meetings(request.auth, _coalition(request, slug), when=query.when)
    return paginate(rows, query, transform=_summary_out)


@router.post(
    "/coalitions/{slug}/meetings",
    response={201: MeetingOut},
    tags=MEETINGS,
    summary="Schedule a meeting",
    description=(
        "Any member schedules a meeting. It must end after it starts (at most 7 days later); general meetings "
        "and spokescouncils may not overlap one another (422 naming `starts_at`). Give a place, an online link, "
        "or both. Its agenda opens with a follow-up item for each task still open from earlier meetings of its "
        "kind; with `invite` (the default) every member is emailed the invitation with an .ics file."
    ),
)
def schedule_meeting(request: HttpRequest, slug: str, payload: MeetingCreateIn) -> dict[str, Any]:
    meeting = actions.schedule_meeting(
        actor=request.auth,
        coalition=_coalition(request, slug),
        kind=payload.kind,
        title=payload.title,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        place=payload.place,
        online_link=payload.online_link,
        languages=payload.languages,
        audience=payload.audience,
        description=payload.description,
        invite=payload.invite,
    )
    return _meeting_out(request.auth, _meeting(request, slug, meeting.pk))


@router.get(
    "/coalitions/{slug}/meetings/{int:meeting_id}",
    response=MeetingOut,
    tags=MEETINGS,
    summary="Get a meeting",
    description=(
        "A meeting with its roles, how many are coming, and whether the caller may organise it (change it, "
        "arrange its agenda, assign its roles) or take its notes."
    ),
)
def get_meeting(request: HttpRequest, slug: str, meeting_id: Id) -> dict[str, Any]:
    return _meeting_out(request.auth, _meeting(request, slug, meeting_id))


@router.patch(
    "/coalitions/{slug}/meetings/{int:meeting_id}",
    response=MeetingOut,
    tags=MEETINGS,
    summary="Change a meeting",
    description=(
        "Whoever scheduled it, its facilitator or a coordinator changes the fields sent; the others stay. The "
        "same checks as scheduling apply to the result. A cancelled meeting answers 409."
    ),
)
def change_meeting(request: HttpRequest, slug: str, meeting_id: Id, payload: MeetingUpdateIn) -> dict[str, Any]:
    meeting = _meeting(request, slug, meeting_id)
    changes = payload.model_dump(exclude_unset=True)
    for name, value in changes.items():
        if value is None:
            raise Invalid(f"Give a value for {name}, or leave it out to keep it.", field=name)
    actions.update_meeting(actor=request.auth, meeting=meeting, **changes)
    return _meeting_out(request.auth, _meeting(request, slug, meeting_id))


@router.post(
    "/coalitions/{slug}/meetings/{int:meeting_id}/cancel",
    response=MeetingOut,
    tags=MEETINGS,
    summary="Cancel a meeting",
    description=(
        "Whoever scheduled it, its facilitator or a coordinator cancels a meeting that has not happened; the "
        "reason is optional. A meeting already cancelled or already over answers 409."
    ),
)
def cancel_meeting(request: HttpRequest, slug: str, meeting_id: Id, payload: CancelIn = NO_REASON) -> dict[str, Any]:
    meeting = _meeting(request, slug, meeting_id)
    actions.cancel_meeting(actor=request.auth, meeting=meeting, reason=payload.reason)
    return _meeting_out(request.auth, _meeting(request, slug, meeting_id))


@router.get(
    "/coalitions/{slug}/meetings/{int:meeting_id}/reply",
    response=ReplyOut,
    tags=MEETINGS,
    summary="Get my reply",
    description="The caller's own reply and access needs; `answer` is null while they have not replied.",
)
def get_my_reply(request: HttpRequest, slug: str, meeting_id: Id) -> dict[str, Any]:
    return _reply_out(queries.my_reply(request.auth, _meeting(request, slug, meeting_id)))


@router.put(
    "/coalitions/{slug}/meetings/{int:meeting_id}/reply",
    response=ReplyOut,
    tags=MEETINGS,
    summary="Reply to a meeting",
    description=(
        "Say whether you are coming (yes, maybe, no) and what you need to take part: childcare (how many "
        "children), help with travel costs, interpretation into a language, step-free access, a quiet room, "
        "anything else. Sent again, it replaces your reply. Organisers see needs only summed up, never who. A "
        "cancelled or past meeting answers 409."
    ),
)
def reply_to_meeting(request: HttpRequest, slug: str, meeting_id: Id, payload: ReplyIn) -> dict[str, Any]:
    reply = actions.reply_to_meeting(
        actor=request.auth,
        meeting=_meeting(request, slug, meeting_id),
        answer=payload.answer,
        childcare=payload.childcare,
        travel_cost=payload.travel_cost,
        interpretation=payload.interpretation,
        step_free=payload.step_free,
        quiet_room=payload.quiet_room,
        other_needs=payload.other_needs,
    )
    return _reply_out(reply)


@router.get(
    "/coalitions/{slug}/meetings/{int:meeting_id}/needs",
    response=NeedsOut,
    tags=MEETINGS,
    summary="Sum up replies and access needs",
    description=(
        "Every member sees how many are coming, maybe coming and not coming. The meeting's organisers (whoever "
        "scheduled it, its facilitator, coordinators) also see what to arrange, with no one named: children to "
        "look after, travel costs, interpretation by language, step-free access, quiet rooms and other needs "
        "(sorted). For anyone else `needs_shown` is false and the needs are zero and empty."
    ),
)
def get_meeting_needs(request: HttpRequest, slug: str, meeting_id: Id) -> dict[str, Any]:
    meeting = _meeting(request, slug, meeting_id)
    summary = queries.needs_summary(request.auth, meeting)
    return {
        "coming": summary.coming,
        "maybe": summary.maybe,
        "not_coming": summary.not_coming,
        "needs_shown": summary.shown,
        "children": summary.children,
        "families": summary.families,
        "travel_cost": summary.travel_cost,
        "step_free": summary.step_free,
        "quiet_room": summary.quiet_room,
        "interpretation": summary.interpretation,
        "other": summary.other,
    }


# --- the agenda and notes -------------------------------------------------------------------------------------


@router.get(
    "/coalitions/{slug}/meetings/{int:meeting_id}/agenda",
    response=page_of(AgendaItemOut),
    tags=AGENDA,
    summary="List the agenda",
    description=(
        "The agenda in its order: each item with its time, who proposed it, the task it follows up (if any), "
        "its notes and their `notes_revision`, and the tasks and decisions recorded on it."
    ),
)
def list_agenda_items(request: HttpRequest, slug: str, meeting_id: Id, query: Query[PageQuery]) -> dict[str, Any]:
    meeting = _meeting(request, slug, meeting_id)
    return paginate(queries.agenda(request.auth, meeting), query, transform=_item_out)


@router.post(
    "/coalitions/{slug}/meetings/{int:meeting_id}/agenda",
    response={201: AgendaItemOut},
    tags=AGENDA,
    summary="Propose an agenda item",
    description=(
        "Any member puts an item at the end of the agenda. A meeting that has ended or was cancelled answers "
        "409: propose the item for the next meeting."
    ),
)
def propose_agenda_item(request: HttpRequest, slug: str, meeting_id: Id, payload: AgendaItemIn) -> dict[str, Any]:
    meeting = _meeting(request, slug, meeting_id)
    item = actions.propose_agenda_item(
        actor=request.auth,
        meeting=meeting,
        title=payload.title,
        description=payload.description,
        minutes=payload.minutes,
    )
    return _agenda_item_by_id(request, meeting, item.pk)


@router.put(
    "/coalitions/{slug}/meetings/{int:meeting_id}/agenda/order",
    response=list[AgendaItemOut],
    tags=AGENDA,
    summary="Arrange the agenda",
    description=(
        "The meeting's organisers give every item's id once, in the order wanted, and optionally the minutes "
        "for items (`minutes`: item id → 1 to 600, or null). Answers the whole agenda in its new order."
    ),
)
def arrange_agenda(request: HttpRequest, slug: str, meeting_id: Id, payload: AgendaOrderIn) -> list[dict[str, Any]]:
    meeting = _meeting(request, slug, meeting_id)
    actions.arrange_agenda(actor=request.auth, meeting=meeting, order=payload.order, minutes=payload.minutes)
    return [_item_out(item) for item in queries.agenda(request.auth, meeting)]


@router.get(
    "/coalitions/{slug}/meetings/{int:meeting_id}/agenda/{int:item_id}",
    response=AgendaItemOut,
    tags=AGENDA,
    summary="Get an agenda item",
    description=(
        "One item with its notes as saved now and their `notes_revision`: after a 409 on saving notes, fetch it, "
        "merge your text with the one saved, and save again with this revision as `base_revision`."
    ),
)
def get_agenda_item(request: HttpRequest, slug: str, meeting_id: Id, item_id: Id) -> dict[str, Any]:
    meeting = _meeting(request, slug, meeting_id)
    item = _item(request, meeting, item_id)
    return _agenda_item_by_id(request, meeting, item.pk)


@router.delete(
    "/coalitions/{slug}/meetings/{int:meeting_id}/agenda/{int:item_id}",
    response=list[AgendaItemOut],
    tags=AGENDA,
    summary="Take an item off the agenda",
    description=(
        "Whoever proposed the item, or the meeting's organisers, take it off an agenda that is still open; an "
        "item with notes or decisions stays (409). Answers the agenda that remains."
    ),
)
def remove_agenda_item(request: HttpRequest, slug: str, meeting_id: Id, item_id: Id) -> list[dict[str, Any]]:
    meeting = _meeting(request, slug, meeting_id)
    actions.remove_agenda_item(actor=request.auth, item=_item(request, meeting, item_id))
    return [_item_out(item) for item in queries.agenda(request.auth, meeting)]


@router.put(
    "/coalitions/{slug}/meetings/{int:meeting_id}/agenda/{int:item_id}/notes",
    response=AgendaItemOut,
    tags=AGENDA,
    summary="Save an item's notes",
    description=(
        "The meeting's note-taker, its facilitator or a coordinator saves an item's whole notes, as often as "
        "they type. Send the `notes_revision` the text was loaded at as `base_revision`; the answer carries the "
        "new revision. If someone else saved the item since, it answers 409 (field `notes`) and keeps their text: "
        "fetch the item (GET …/agenda/{item_id}) for the text and revision saved now, merge, and save again."
    ),
)
def save_item_notes(request: HttpRequest, slug: str, meeting_id: Id, item_id: Id, payload: NotesIn) -> dict[str, Any]:
    meeting = _meeting(request, slug, meeting_id)
    item = _item(request, meeting, item_id)
    try:
        actions.save_notes(actor=request.auth, item=item, notes=payload.notes, base_revision=payload.base_revision)
    except actions.NotesConflict as conflict:
        current = conflict.current
        who = current.notes_updated_by.name if current.notes_updated_by else "Someone"
        raise Conflict(
            f"{who} saved these notes since revision {payload.base_revision}; they are at revision "
            f"{current.notes_revision} now. Fetch the item (GET {_root()}coalitions/{meeting.coalition.slug}/meetings/"
            f"{meeting.pk}/agenda/{item.pk}) for the text saved, merge yours into it, and save again with "
            f"base_revision {current.notes_revision}.",
            field="notes",
        ) from None
    return _agenda_item_by_id(request, meeting, item.pk)


# --- roles --------------------------------------------------------------------------------------------------


@router.put(
    "/coalitions/{slug}/meetings/{int:meeting_id}/roles/{role}",
    response=RoleOut,
    tags=ROLES,
    summary="Assign a meeting role",
    description=(
        "The meeting's organisers name who facilitates (`facilitator`), takes notes (`note_taker`) or keeps "
        "time (`timekeeper`): a current member of the coalition by `person_id`, or null to leave it open. The "
        "facilitator becomes an organiser; the note-taker writes the notes."
    ),
)
def assign_meeting_role(
    request: HttpRequest, slug: str, meeting_id: Id, role: Path[Role], payload: RoleIn
) -> dict[str, Any]:
    meeting = _meeting(request, slug, meeting_id)
    person = (
        _person(request, meeting.coalition, payload.person_id, field="person_id")
        if payload.person_id is not None
        else None
    )
    actions.assign_role(actor=request.auth, meeting=meeting, role=role, person=person)
    return _role_out(role, queries.roles(meeting).get(role))


@router.get(
    "/coalitions/{slug}/meetings/{int:meeting_id}/roles/{role}/suggestions",
    response=list[CandidateOut],
    tags=ROLES,
    summary="Suggest who takes a role",
    description=(
        "Up to five members to ask next, so roles rotate: people coming first, then those whose member groups "
        "and who themselves have held the role least at other meetings. Members who said no are left out."
    ),
)
def suggest_role_holders(request: HttpRequest, slug: str, meeting_id: Id, role: Path[Role]) -> list[dict[str, Any]]:
    meeting = _meeting(request, slug, meeting_id)
    return [
        {
            "person": _named(candidate.person),
            "member_group": _named(candidate.group),
            "times_held": candidate.times_held,
            "group_times_held": candidate.group_times_held,
            "replied": candidate.replied,
        }
        for candidate in queries.role_suggestions(request.auth, meeting, role)
    ]


@router.get(
    "/coalitions/{slug}/meeting-roles/spread",
    response=RoleSpreadListOut,
    tags=ROLES,
    summary="How meeting roles were spread",
    description=(
        "For each role, how many meetings had it, and how often each person and each member group held it (most "
        "first): to see whether the same few always facilitate or take notes."
    ),
)
def get_role_spread(request: HttpRequest, slug: str) -> dict[str, Any]:
    spreads = queries.role_spread(request.auth, _coalition(request, slug))
    return {
        "roles": [
            {
                "role": spread.role,
                "label": spread.label,
                "meetings": spread.meetings,
                "by_person": [{"name": name, "count": count} for name, count in spread.by_person],
                "by_group": [{"name": name, "count": count} for name, count in spread.by_group],
            }
            for spread in spreads
        ]
    }


# --- attendance, decisions and the public notes ----------------------------------------------------------------


@router.get(
    "/coalitions/{slug}/meetings/{int:meeting_id}/attendance",
    response=AttendanceOut,
    tags=AGENDA,
    summary="Who was present",
    description="The people recorded as present, by name.",
)
def get_attendance(request: HttpRequest, slug: str, meeting_id: Id) -> dict[str, Any]:
    people = queries.attendance(request.auth, _meeting(request, slug, meeting_id))
    return {"present": len(people), "people": [_named(person) for person in people]}


@router.put(
    "/coalitions/{slug}/meetings/{int:meeting_id}/attendance",
    response=AttendanceOut,
    tags=AGENDA,
    summary="Record who was present",
    description=(
        "The meeting's note-taker, its facilitator or a coordinator records who was present, by person id, "
        "replacing the earlier list. Everyone named must be a current member of this coalition (422 otherwise)."
    ),
)
def record_attendance(request: HttpRequest, slug: str, meeting_id: Id, payload: AttendanceIn) -> dict[str, Any]:
    meeting = _meeting(request, slug, meeting_id)
    actions.record_attendance(actor=request.auth, meeting=meeting, present=payload.present)
    people = queries.attendance(request.auth, meeting)
    return {"present": len(people), "people": [_named(person) for person in people]}


@router.get(
    "/coalitions/{slug}/meetings/{int:meeting_id}/decisions",
    response=page_of(MeetingDecisionOut),
    tags=AGENDA,
    summary="List a meeting's decisions",
    description="The decisions recorded at the meeting, in the order they were recorded.",
)
def list_meeting_decisions(request: HttpRequest, slug: str, meeting_id: Id, query: Query[PageQuery]) -> dict[str, Any]:
    rows = queries.decisions(request.auth, _meeting(request, slug, meeting_id))
    return paginate(rows, query, transform=_decision_out)


@router.post(
    "/coalitions/{slug}/meetings/{int:meeting_id}/decisions",
    response={201: MeetingDecisionOut},
    tags=AGENDA,
    summary="Record a decision taken in the meeting",
    description=(
        "The meeting's note-taker, its facilitator or a coordinator records what was decided, optionally under "
        "an agenda item of this meeting and linked to the proposal decided in the room."
    ),
)
def record_meeting_decision(
    request: HttpRequest, slug: str, meeting_id: Id, payload: MeetingDecisionIn
) -> dict[str, Any]:
    meeting = _meeting(request, slug, meeting_id)
    item = (
        _item(request, meeting, payload.agenda_item_id, field="agenda_item_id")
        if payload.agenda_item_id is not None
        else None
    )
    proposal = (
        _proposal(request, meeting.coalition, payload.proposal_id, field="proposal_id")
        if payload.proposal_id is not None
        else None
    )
    decision = actions.record_decision(
        actor=request.auth, meeting=meeting, text=payload.text, item=item, proposal=proposal
    )
    return _decision_out(decision)


@router.post(
    "/coalitions/{slug}/meetings/{int:meeting_id}/publish",
    response=MeetingOut,
    tags=AGENDA,
    summary="Publish the public notes",
    description=(
        "The meeting's note-taker, its facilitator or a coordinator publishes the version of the notes in which "
        "no one is named (names become a meeting role or a member group), once the meeting has ended (409 "
        "before). Anyone can then read them at …/public, without signing in."
    ),
)
def publish_meeting_notes(request: HttpRequest, slug: str, meeting_id: Id) -> dict[str, Any]:
    actions.publish_public_notes(actor=request.auth, meeting=_meeting(request, slug, meeting_id))
    return _meeting_out(request.auth, _meeting(request, slug, meeting_id))


@router.get(
    "/coalitions/{slug}/meetings/{int:meeting_id}/public",
    response=PublicNotesOut,
    auth=ANYONE,
    openapi_extra=PUBLIC_OPENAPI,
    tags=AGENDA,
    summary="Read the public notes",
    description=(
        "Anyone, signed in or not, reads a meeting's published notes, in which no one is named: people become "
        "their meeting role, their member group, or “an individual member”. Until they are published it answers "
        "404."
    ),
)
def get_public_notes(request: HttpRequest, slug: str, meeting_id: Id) -> dict[str, Any]:
    found = queries.published(_coalition(request, slug), meeting_id)
    notes = queries.public_notes(found)
    return {
        "title": notes.title,
        "kind": found.kind,
        "starts_at": found.starts_at,
        "ends_at": found.ends_at,
        "published_at": found.notes_published_at,
        "present": notes.present,
        "items": [{"title": title, "notes": text} for title, text in notes.items],
        "decisions": notes.decisions,
        "tasks": [{"title": title, "who": who} for title, who in notes.tasks],
    }


# --- tasks --------------------------------------------------------------------------------------------------


@router.get(
    "/coalitions/{slug}/tasks",
    response=page_of(TaskOut),
    tags=TASKS,
    summary="List tasks",
    description=(
        "Tasks, soonest due first: `scope` `mine` (assigned to you; the default), `groups` (to your member "
        "groups) or `all`; `status` `open` (the default), `done` or `all`. `overdue` marks open tasks past "
        "their due date."
    ),
)
def list_tasks(request: HttpRequest, slug: str, query: Query[TaskListQuery]) -> dict[str, Any]:
    status = "" if query.status == "all" else query.status
    rows = queries.tasks(request.auth, _coalition(request, slug), scope=query.scope, status=status)
    return paginate(rows, query, transform=_task_out)


@router.post(
    "/coalitions/{slug}/tasks",
    response={201: TaskOut},
    tags=TASKS,
    summary="Set a task",
    description=(
        "Any member sets a task, which must have an owner: a member (`owner_person_id`) or a member group "
        "(`owner_group_id`); without one it answers 422 naming `owner`. A task agreed at a meeting "
        "(`meeting_id`, optionally `agenda_item_id`) is recorded by its note-taker, facilitator or a coordinator, "
        "and is followed up on the agenda of the next meetings of its kind until done."
    ),
)
def create_task(request: HttpRequest, slug: str, payload: TaskCreateIn) -> dict[str, Any]:
    coalition = _coalition(request, slug)
    meeting = None
    if payload.meeting_id is not None:
        try:
            meeting = queries.meeting(request.auth, coalition, payload.meeting_id)
        except NotFound as error:
            raise NotFound(error.message, field="meeting_id") from None
    item = None
    if payload.agenda_item_id is not None:
        if meeting is None:
            raise Invalid("Give the meeting (`meeting_id`) whose agenda item this is.", field="meeting_id")
        item = _item(request, meeting, payload.agenda_item_id, field="agenda_item_id")
    task = actions.create_task(
        actor=request.auth,
        coalition=coalition,
        title=payload.title,
        description=payload.description,
        owner_person=(
            _person(request, coalition, payload.owner_person_id, field="owner_person_id")
            if payload.owner_person_id is not None
            else None
        ),
        owner_group=(
            _group(request, coalition, payload.owner_group_id, field="owner_group_id")
            if payload.owner_group_id is not None
            else None
        ),
        due_on=payload.due_on,
        meeting=meeting,
        item=item,
        proposal=(
            _proposal(request, coalition, payload.proposal_id, field="proposal_id")
            if payload.proposal_id is not None
            else None
        ),
    )
    return _task_out(_full_task(task))


@router.get(
    "/coalitions/{slug}/tasks/{int:task_id}",
    response=TaskOut,
    tags=TASKS,
    summary="Get a task",
    description="One task: who owns it, when it is due, whether it is overdue, and how it was done.",
)
def get_task(request: HttpRequest, slug: str, task_id: Id) -> dict[str, Any]:
    return _task_out(_task(request, slug, task_id))  # the scoped read already joins what the output shows


@router.post(
    "/coalitions/{slug}/tasks/{int:task_id}/done",
    response=TaskOut,
    tags=TASKS,
    summary="Mark a task done",
    description=(
        "The person it is assigned to, a member of the group it is assigned to, whoever set it, or a coordinator "
        "marks it done, with an optional note. A task already done answers 409."
    ),
)
def complete_task(request: HttpRequest, slug: str, task_id: Id, payload: TaskDoneIn = NO_NOTE) -> dict[str, Any]:
    task = actions.complete_task(actor=request.auth, task=_task(request, slug, task_id), note=payload.note)
    return _task_out(_full_task(task))


@router.post(
    "/coalitions/{slug}/tasks/{int:task_id}/reopen",
    response=TaskOut,
    tags=TASKS,
    summary="Reopen a task",
    description=(
        "Whoever may mark it done reopens a task that is not done after all, with an optional reason. A task "
        "still open answers 409."
    ),
)
def reopen_task(
    request: HttpRequest, slug: str, task_id: Id, payload: TaskReopenIn = NO_REOPEN_REASON
) -> dict[str, Any]:
    task = actions.reopen_task(actor=request.auth, task=_task(request, slug, task_id), reason=payload.reason)
    return _task_out(_full_task(task))


# --- the catch-up, the digest and calendar feeds ------------------------------------------------------------


@router.get(
    "/coalitions/{slug}/catch-up",
    response=CatchUpOut,
    tags=CATCH_UP,
    summary="Catch up",
    description=(
        "What happened since you last took part (the end of the last meeting you attended, or when you joined), "
        "or since `since`: meetings held, proposals decided, decisions recorded in meetings, agreements changed, "
        "your open tasks and your groups', the next meetings, and the proposals waiting for your stance."
    ),
)
def get_catch_up(request: HttpRequest, slug: str, query: Query[CatchUpQuery]) -> dict[str, Any]:
    since: datetime | None = query.since
    if since is not None and timezone.is_naive(since):
        raise Invalid("Give `since` with its time zone, like 2025-03-01T18:30:00Z.", field="since")
    view = queries.catch_up(request.auth, _coalition(request, slug), since=since)
    return {
        "since": view.since,
        "last_meeting": _meeting_ref(view.last_meeting) if view.last_meeting is not None else None,
        "meetings_held": [_meeting_ref(meeting) for meeting in view.meetings_held],
        "decisions": [_proposal_ref(proposal) for proposal in view.decisions],
        "meeting_decisions": [
            {"id": row.pk, "text": row.text, "meeting": _titled(row.meeting)} for row in view.meeting_decisions
        ],
        "agreements_changed": [
            {
                "agreement_id": version.agreement_id,
                "title": version.title,
                "number": version.number,
                "took_effect_at": version.took_effect_at,
            }
            for version in view.agreements_changed
        ],
        "my_tasks": [_task_out(task) for task in view.my_tasks],
        "group_tasks": [_task_out(task) for task in view.group_tasks],
        "upcoming": [_meeting_ref(meeting) for meeting in view.upcoming],
        "waiting": [_proposal_ref(proposal) for proposal in view.waiting],
    }


@router.get(
    "/coalitions/{slug}/digest",
    response=DigestOut,
    tags=CATCH_UP,
    summary="How often I get the catch-up",
    description="How often the catch-up is emailed to you: never (the default), daily or weekly.",
)
def get_digest_frequency(request: HttpRequest, slug: str) -> dict[str, Any]:
    return {"frequency": queries.digest_frequency(request.auth, _coalition(request, slug))}


@router.put(
    "/coalitions/{slug}/digest",
    response=DigestOut,
    tags=CATCH_UP,
    summary="Choose how often I get the catch-up",
    description="Any member chooses how often the catch-up is emailed to them: never, daily or weekly.",
)
def set_digest_frequency(request: HttpRequest, slug: str, payload: DigestIn) -> dict[str, Any]:
    preference = actions.set_digest_frequency(
        actor=request.auth, coalition=_coalition(request, slug), frequency=payload.frequency
    )
    return {"frequency": preference.frequency}


@router.post(
    "/coalitions/{slug}/calendar",
    response=CalendarOut,
    tags=CATCH_UP,
    summary="Get a calendar feed address",
    description=(
        "The secret address a calendar app subscribes to (it needs no sign-in): your own feed (`mine`, the "
        "default; it leaves out meetings you said no to) or the coalition's. The same address each time, unless "
        "`renew` replaces it (the old one stops working); only coordinators renew the coalition's."
    ),
)
def get_calendar_feed(request: HttpRequest, slug: str, payload: CalendarIn = MY_CALENDAR) -> dict[str, Any]:
    feed = actions.calendar_feed(
        actor=request.auth, coalition=_coalition(request, slug), mine=payload.mine, renew=payload.renew
    )
    path = _page("calendar_feed", token=feed.token) or f"/calendar/{feed.token}.ics"
    return {"url": request.build_absolute_uri(path), "mine": feed.person_id is not None}
