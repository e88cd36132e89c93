"""Who may call each meetings endpoint: anonymous, outsider, member, organiser, note-taker and coordinator.

    anonymous    no credentials
    outsider     Olu, an account with no place in the coalition
    member       Mo, a member of Leeds Action (who proposed the agenda item, and owns the task)
    organiser    Dev, who scheduled the meetings
    note_taker   Fay, the note-taker of both meetings
    coordinator  Ana

Writes: every refusal is answered with the right status and code in the one error shape, and changes nothing
(whole rows compared, the meetings tables included); then each persona who may call succeeds, each from the same
starting point (its call is rolled back afterwards), and `expect` asserts what it did. Reads: every GET endpoint as
every persona, and no read changes anything. Guards check that these tables cover every meetings endpoint in the
OpenAPI document (tests/api/test_authorization.py counts them as covered).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction

from accord.coalitions.models import AuditEvent
from accord.meetings import actions
from accord.meetings.models import (
    AgendaItem,
    Attendance,
    CalendarFeed,
    DigestPreference,
    Meeting,
    MeetingDecision,
    MeetingRole,
    Reply,
    Task,
)
from tests.decisions.conftest import World, build_world

from .conftest import _rows, assert_error, snapshot
from .test_meetings_api import at, base, caller, ended, iso, schedule

PERSONAS = ("anonymous", "outsider", "member", "organiser", "note_taker", "coordinator")
SIGN_IN = (401, "not_signed_in")
FORBIDDEN = (403, "not_allowed")
HIDDEN = (404, "not_found")
CONFLICT = (409, "conflict")

Answer = int | tuple[int, str]


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def user_of(world: World, who: str) -> Any:
    return {
        "anonymous": None,
        "outsider": world.outsider,
        "member": world.member,
        "organiser": world.delegate,
        "note_taker": world.facilitator,
        "coordinator": world.coordinator,
    }[who]


def answers(*, allowed: tuple[str, ...], status: int = 200, refused: Answer = FORBIDDEN) -> dict[str, Answer]:
    """`allowed` succeed with `status`; anonymous must sign in, an outsider is refused, the others get `refused`."""
    table: dict[str, Answer] = {"anonymous": SIGN_IN, "outsider": FORBIDDEN}
    for who in PERSONAS[2:]:
        table[who] = status if who in allowed else refused
    return table


MEMBERS = ("member", "organiser", "note_taker", "coordinator")
ORGANISERS = ("organiser", "coordinator")
NOTE_WRITERS = ("note_taker", "coordinator")


def meeting_snapshot() -> tuple[Any, ...]:
    return (
        snapshot(),
        _rows(Meeting),
        _rows(MeetingRole),
        _rows(Reply),
        _rows(Attendance),
        _rows(Task),
        _rows(AgendaItem),
        _rows(MeetingDecision),
        _rows(DigestPreference),
        _rows(CalendarFeed),
    )


@dataclass
class Context:
    meeting: Meeting  # upcoming, scheduled by Dev, Fay its note-taker
    item: AgendaItem  # on it, proposed by Mo
    past: Meeting  # ended, scheduled by Dev, Fay its note-taker
    past_item: AgendaItem
    task: Task  # owned by Mo, set by Ana
    done_task: Task  # the same, done


def prepare(world: World) -> Context:
    meeting = schedule(world)
    past = ended(world)
    for row in (meeting, past):
        actions.assign_role(
            actor=world.delegate, meeting=row, role="note_taker", person=world.person(world.facilitator)
        )
    item = actions.propose_agenda_item(actor=world.member, meeting=meeting, title="Budget")
    past_item = AgendaItem.objects.create(meeting=past, title="Report back", notes="Mo reported.")
    owner = world.person(world.member)
    task = actions.create_task(actor=world.coordinator, coalition=world.coalition, title="Book", owner_person=owner)
    done_task = actions.create_task(
        actor=world.coordinator, coalition=world.coalition, title="Print", owner_person=owner
    )
    actions.complete_task(actor=world.coordinator, task=done_task)
    actions.reply_to_meeting(actor=world.member, meeting=meeting, answer="yes", step_free=True)
    Attendance.objects.create(meeting=past, person=owner)
    MeetingDecision.objects.create(meeting=past, text="Mo will book the hall.")
    return Context(meeting, item, past, past_item, task, done_task)


def at_meeting(tail: str, *, past: bool = False) -> Callable[[World, Context], str]:
    def build(world: World, ctx: Context) -> str:
        meeting = ctx.past if past else ctx.meeting
        return f"{base(world)}/meetings/{meeting.pk}{tail.format(item=ctx.item.pk)}"

    return build


def last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-pk").first()


# --- writes --------------------------------------------------------------------------------------------------


@dataclass
class Write:
    route: str  # as in the OpenAPI document
    path: Callable[[World, Context], str]
    body: Any
    answers: dict[str, Answer]
    # (world, persona, context, JSON answer): asserts what the call did
    expect: Callable[[World, str, Context, Any], None]

    @property
    def method(self) -> str:
        return self.route.split()[0]


def scheduled(world: World, who: str, ctx: Context, body: Any) -> None:
    row = Meeting.objects.get(pk=body["id"])
    assert (row.title, row.created_by) == ("Working group", world.person(user_of(world, who)))


def changed(world: World, who: str, ctx: Context, body: Any) -> None:
    ctx.meeting.refresh_from_db()
    assert ctx.meeting.title == body["title"] == "Renamed"


def cancelled(world: World, who: str, ctx: Context, body: Any) -> None:
    ctx.meeting.refresh_from_db()
    assert (ctx.meeting.status, body["status"]) == ("cancelled", "cancelled")


def replied(world: World, who: str, ctx: Context, body: Any) -> None:
    reply = Reply.objects.get(meeting=ctx.meeting, person=world.person(user_of(world, who)))
    assert (reply.answer, reply.quiet_room, body["answer"]) == ("maybe", True, "maybe")


def proposed(world: World, who: str, ctx: Context, body: Any) -> None:
    row = AgendaItem.objects.get(pk=body["id"])
    assert (row.meeting, row.title, row.proposed_by) == (ctx.meeting, "Transport", world.person(user_of(world, who)))


def arranged(world: World, who: str, ctx: Context, body: Any) -> None:
    ctx.item.refresh_from_db()
    assert (ctx.item.minutes, [row["minutes"] for row in body]) == (30, [30])


def removed(world: World, who: str, ctx: Context, body: Any) -> None:
    assert (AgendaItem.objects.filter(pk=ctx.item.pk).exists(), body) == (False, [])


def role_assigned(world: World, who: str, ctx: Context, body: Any) -> None:
    held = MeetingRole.objects.get(meeting=ctx.meeting, role="facilitator")
    assert (held.person, body["person"]["name"]) == (world.person(world.member), "Mo")


def notes_saved(world: World, who: str, ctx: Context, body: Any) -> None:
    ctx.item.refresh_from_db()
    assert (ctx.item.notes, ctx.item.notes_revision, body["notes_revision"]) == ("Agreed.", 1, 1)


def attendance_recorded(world: World, who: str, ctx: Context, body: Any) -> None:
    assert list(Attendance.objects.filter(meeting=ctx.meeting).values_list("person_id", flat=True)) == [
        world.person(world.member).pk
    ]
    assert body["present"] == 1


def decision_recorded(world: World, who: str, ctx: Context, body: Any) -> None:
    row = MeetingDecision.objects.get(pk=body["id"])
    assert (row.meeting, row.text, row.recorded_by) == (ctx.meeting, "Yes.", world.person(user_of(world, who)))


def published(world: World, who: str, ctx: Context, body: Any) -> None:
    ctx.past.refresh_from_db()
    assert ctx.past.notes_published_at is not None and body["notes_published_at"] is not None


def task_set(world: World, who: str, ctx: Context, body: Any) -> None:
    row = Task.objects.get(pk=body["id"])
    assert (row.title, row.owner_group, row.created_by) == ("Leaflets", world.group, world.person(user_of(world, who)))


def task_done(world: World, who: str, ctx: Context, body: Any) -> None:
    ctx.task.refresh_from_db()
    assert (ctx.task.status, ctx.task.done_by, body["status"]) == ("done", world.person(user_of(world, who)), "done")


def task_reopened(world: World, who: str, ctx: Context, body: Any) -> None:
    ctx.done_task.refresh_from_db()
    assert (ctx.done_task.status, body["status"]) == ("open", "open")


def digest_set(world: World, who: str, ctx: Context, body: Any) -> None:
    assert DigestPreference.objects.get(person=world.person(user_of(world, who))).frequency == "weekly"


def feed_made(world: World, who: str, ctx: Context, body: Any) -> None:
    feed = CalendarFeed.objects.get(coalition=world.coalition, person=world.person(user_of(world, who)))
    assert body["url"].endswith(f"{feed.token}.ics")


def _coalition_path(tail: str) -> Callable[[World, Context], str]:
    return lambda world, ctx: f"{base(world)}{tail}"


WRITES = [
    Write(
        "POST /coalitions/{slug}/meetings",
        _coalition_path("/meetings"),
        {
            "kind": "working_group",
            "title": "Working group",
            "starts_at": iso(at(12)),
            "ends_at": iso(at(12) + timedelta(hours=1)),
            "place": "Cafe",
            "invite": False,
        },
        answers(allowed=MEMBERS, status=201),
        scheduled,
    ),
    Write(
        "PATCH /coalitions/{slug}/meetings/{meeting_id}",
        at_meeting(""),
        {"title": "Renamed"},
        answers(allowed=ORGANISERS),
        changed,
    ),
    Write(
        "POST /coalitions/{slug}/meetings/{meeting_id}/cancel",
        at_meeting("/cancel"),
        {"reason": "Clash"},
        answers(allowed=ORGANISERS),
        cancelled,
    ),
    Write(
        "PUT /coalitions/{slug}/meetings/{meeting_id}/reply",
        at_meeting("/reply"),
        {"answer": "maybe", "quiet_room": True},
        answers(allowed=MEMBERS),
        replied,
    ),
    Write(
        "POST /coalitions/{slug}/meetings/{meeting_id}/agenda",
        at_meeting("/agenda"),
        {"title": "Transport"},
        answers(allowed=MEMBERS, status=201),
        proposed,
    ),
    Write(
        "PUT /coalitions/{slug}/meetings/{meeting_id}/agenda/order",
        at_meeting("/agenda/order"),
        None,  # filled in with the item's id by `body_of`
        answers(allowed=ORGANISERS),
        arranged,
    ),
    Write(
        "DELETE /coalitions/{slug}/meetings/{meeting_id}/agenda/{item_id}",
        at_meeting("/agenda/{item}"),
        {},
        answers(allowed=("member", "organiser", "coordinator")),
        removed,
    ),
    Write(
        "PUT /coalitions/{slug}/meetings/{meeting_id}/roles/{role}",
        at_meeting("/roles/facilitator"),
        None,
        answers(allowed=ORGANISERS),
        role_assigned,
    ),
    Write(
        "PUT /coalitions/{slug}/meetings/{meeting_id}/agenda/{item_id}/notes",
        at_meeting("/agenda/{item}/notes"),
        {"notes": "Agreed.", "base_revision": 0},
        answers(allowed=NOTE_WRITERS),
        notes_saved,
    ),
    Write(
        "PUT /coalitions/{slug}/meetings/{meeting_id}/attendance",
        at_meeting("/attendance"),
        None,
        answers(allowed=NOTE_WRITERS),
        attendance_recorded,
    ),
    Write(
        "POST /coalitions/{slug}/meetings/{meeting_id}/decisions",
        at_meeting("/decisions"),
        {"text": "Yes."},
        answers(allowed=NOTE_WRITERS, status=201),
        decision_recorded,
    ),
    Write(
        "POST /coalitions/{slug}/meetings/{meeting_id}/publish",
        at_meeting("/publish", past=True),
        {},
        answers(allowed=NOTE_WRITERS),
        published,
    ),
    Write(
        "POST /coalitions/{slug}/tasks",
        _coalition_path("/tasks"),
        None,
        answers(allowed=MEMBERS, status=201),
        task_set,
    ),
    Write(
        "POST /coalitions/{slug}/tasks/{task_id}/done",
        lambda world, ctx: f"{base(world)}/tasks/{ctx.task.pk}/done",
        {},
        answers(allowed=("member", "coordinator")),
        task_done,
    ),
    Write(
        "POST /coalitions/{slug}/tasks/{task_id}/reopen",
        lambda world, ctx: f"{base(world)}/tasks/{ctx.done_task.pk}/reopen",
        {},
        answers(allowed=("member", "coordinator")),
        task_reopened,
    ),
    Write(
        "PUT /coalitions/{slug}/digest",
        _coalition_path("/digest"),
        {"frequency": "weekly"},
        answers(allowed=MEMBERS),
        digest_set,
    ),
    Write(
        "POST /coalitions/{slug}/calendar",
        _coalition_path("/calendar"),
        {"mine": True},
        answers(allowed=MEMBERS),
        feed_made,
    ),
]


def body_of(write: Write, world: World, ctx: Context) -> Any:
    if write.body is not None:
        return write.body
    if write.route.endswith("/order"):
        return {"order": [ctx.item.pk], "minutes": {str(ctx.item.pk): 30}}
    if write.route.endswith("/roles/{role}"):
        return {"person_id": world.person(world.member).pk}
    if write.route.endswith("/attendance"):
        return {"present": [world.person(world.member).pk]}
    return {"title": "Leaflets", "owner_group_id": world.group.pk}  # a task


@pytest.mark.parametrize("write", [pytest.param(write, id=write.route) for write in WRITES])
def test_only_the_right_people_may(world, write: Write):
    ctx = prepare(world)
    url = write.path(world, ctx)
    body = body_of(write, world, ctx)
    callers = {who: caller(user_of(world, who)) for who in PERSONAS}
    before = meeting_snapshot()

    for who in PERSONAS:
        expected = write.answers[who]
        if isinstance(expected, int):
            continue
        response = callers[who].send(write.method, url, body)
        assert_error(response, *expected)
        assert meeting_snapshot() == before, f"{write.route} as {who} changed something although refused"

    for who in PERSONAS:
        expected = write.answers[who]
        if not isinstance(expected, int):
            continue
        with transaction.atomic():
            response = callers[who].send(write.method, url, body)
            assert response.status_code == expected, f"{write.route} as {who}: {response.content!r}"
            write.expect(world, who, ctx, response.json())
            transaction.set_rollback(True)
        assert meeting_snapshot() == before


def test_a_refused_organiser_write_names_who_may(world):
    ctx = prepare(world)
    response = caller(world.member).patch(f"{base(world)}/meetings/{ctx.meeting.pk}", {"title": "Mine now"})
    body = assert_error(response, 403, "not_allowed")
    assert body["message"] == "Only whoever scheduled this meeting, its facilitator or a coordinator can change it."


def test_another_coalitions_member_is_an_outsider_here(world):
    ctx = prepare(world)
    api = caller(world.elsewhere_owner)
    before = meeting_snapshot()
    assert_error(api.get(f"{base(world)}/meetings/{ctx.meeting.pk}"), *FORBIDDEN)
    assert_error(api.post(f"{base(world)}/meetings/{ctx.meeting.pk}/agenda", {"title": "Sneak"}), *FORBIDDEN)
    assert meeting_snapshot() == before


# --- reads ---------------------------------------------------------------------------------------------------


@dataclass
class Read:
    route: str
    path: Callable[[World, Context], str]
    answers: dict[str, Answer]
    sees: Callable[[World, str, Context, Any], None] = field(default=lambda world, who, ctx, body: None)


def _ids(body: Any) -> list[int]:
    return [row["id"] for row in body["items"]]


READS = [
    Read(
        "GET /coalitions/{slug}/meetings",
        _coalition_path("/meetings?when=all"),
        answers(allowed=MEMBERS),
        lambda world, who, ctx, body: _ids(body) == [ctx.meeting.pk, ctx.past.pk] or pytest.fail(str(body)),
    ),
    Read(
        "GET /coalitions/{slug}/meetings/{meeting_id}",
        at_meeting(""),
        answers(allowed=MEMBERS),
        lambda world, who, ctx, body: (
            (body["may_organise"], body["may_take_notes"]) == (who in ORGANISERS, who in NOTE_WRITERS)
            or pytest.fail(f"{who}: {body}")
        ),
    ),
    Read(
        "GET /coalitions/{slug}/meetings/{meeting_id}/reply",
        at_meeting("/reply"),
        answers(allowed=MEMBERS),
        lambda world, who, ctx, body: body["answer"] == ("yes" if who == "member" else None) or pytest.fail(who),
    ),
    Read(
        "GET /coalitions/{slug}/meetings/{meeting_id}/needs",
        at_meeting("/needs"),
        answers(allowed=MEMBERS),
        lambda world, who, ctx, body: (
            (body["coming"], body["needs_shown"], body["step_free"])
            == (1, who in ORGANISERS, 1 if who in ORGANISERS else 0)
            or pytest.fail(f"{who}: {body}")
        ),
    ),
    Read(
        "GET /coalitions/{slug}/meetings/{meeting_id}/agenda",
        at_meeting("/agenda"),
        answers(allowed=MEMBERS),
        lambda world, who, ctx, body: _ids(body) == [ctx.item.pk] or pytest.fail(str(body)),
    ),
    Read(
        "GET /coalitions/{slug}/meetings/{meeting_id}/agenda/{item_id}",
        at_meeting("/agenda/{item}"),
        answers(allowed=MEMBERS),
        lambda world, who, ctx, body: body["title"] == "Budget" or pytest.fail(str(body)),
    ),
    Read(
        "GET /coalitions/{slug}/meetings/{meeting_id}/roles/{role}/suggestions",
        at_meeting("/roles/timekeeper/suggestions"),
        answers(allowed=MEMBERS),
        lambda world, who, ctx, body: body[0]["person"]["name"] == "Mo" or pytest.fail(str(body)),  # coming
    ),
    Read(
        "GET /coalitions/{slug}/meeting-roles/spread",
        _coalition_path("/meeting-roles/spread"),
        answers(allowed=MEMBERS),
        lambda world, who, ctx, body: [row["meetings"] for row in body["roles"]] == [0, 2, 0] or pytest.fail(str(body)),
    ),
    Read(
        "GET /coalitions/{slug}/meetings/{meeting_id}/attendance",
        at_meeting("/attendance", past=True),
        answers(allowed=MEMBERS),
        lambda world, who, ctx, body: body["present"] == 1 or pytest.fail(str(body)),
    ),
    Read(
        "GET /coalitions/{slug}/meetings/{meeting_id}/decisions",
        at_meeting("/decisions", past=True),
        answers(allowed=MEMBERS),
        lambda world, who, ctx, body: body["count"] == 1 or pytest.fail(str(body)),
    ),
    Read(
        "GET /coalitions/{slug}/meetings/{meeting_id}/public",
        at_meeting("/public", past=True),
        # Until published, nobody reads the public notes; see test_public_notes_once_published for after.
        {who: HIDDEN for who in PERSONAS},
    ),
    Read(
        "GET /coalitions/{slug}/tasks",
        _coalition_path("/tasks?scope=all&status=all"),
        answers(allowed=MEMBERS),
        lambda world, who, ctx, body: body["count"] == 2 or pytest.fail(str(body)),
    ),
    Read(
        "GET /coalitions/{slug}/tasks/{task_id}",
        lambda world, ctx: f"{base(world)}/tasks/{ctx.task.pk}",
        answers(allowed=MEMBERS),
        lambda world, who, ctx, body: body["title"] == "Book" or pytest.fail(str(body)),
    ),
    Read(
        "GET /coalitions/{slug}/catch-up",
        _coalition_path("/catch-up"),
        answers(allowed=MEMBERS),
        lambda world, who, ctx, body: (
            [row["id"] for row in body["my_tasks"]] == ([ctx.task.pk] if who == "member" else [])
            or pytest.fail(f"{who}: {body}")
        ),
    ),
    Read(
        "GET /coalitions/{slug}/digest",
        _coalition_path("/digest"),
        answers(allowed=MEMBERS),
        lambda world, who, ctx, body: body == {"frequency": "never"} or pytest.fail(str(body)),
    ),
]


@pytest.mark.parametrize("read", [pytest.param(read, id=read.route) for read in READS])
def test_who_may_read_what(world, read: Read):
    ctx = prepare(world)
    url = read.path(world, ctx)
    callers = {who: caller(user_of(world, who)) for who in PERSONAS}
    before = meeting_snapshot()

    for who in PERSONAS:
        response = callers[who].get(url)
        expected = read.answers[who]
        if isinstance(expected, int):
            assert response.status_code == expected, f"{read.route} as {who}: {response.content!r}"
            read.sees(world, who, ctx, response.json())
        else:
            assert_error(response, *expected)

    assert meeting_snapshot() == before, f"reading {read.route} changed something"


def test_public_notes_once_published_are_read_by_anyone(world):
    ctx = prepare(world)
    actions.publish_public_notes(actor=world.facilitator, meeting=ctx.past)
    url = f"{base(world)}/meetings/{ctx.past.pk}/public"

    for who in PERSONAS:
        response = caller(user_of(world, who)).get(url)
        assert response.status_code == 200, (who, response.content)
        assert response.json()["items"] == [{"title": "Report back", "notes": "[a member of Leeds Action] reported."}]
        assert response.json()["decisions"] == ["[a member of Leeds Action] will book the hall."]
    assert_error(caller(None).get(f"{base(world)}/meetings/{ctx.meeting.pk}/public"), *HIDDEN)


# --- guards --------------------------------------------------------------------------------------------------

MEETING_WRITE_ROUTES = {write.route for write in WRITES}
MEETING_READ_ROUTES = {read.route for read in READS}


def meeting_routes(*, reads: bool) -> set[str]:
    """The meetings router's routes, as the OpenAPI document names them."""
    from accord.api.root import api
    from accord.meetings.api import router

    ours = {re.sub(r"\{(?:\w+:)?(\w+)\}", r"{\1}", path) for path in router.path_operations}
    return {
        f"{method.upper()} {path.removeprefix('/api/v1')}"
        for path, operations in api.get_openapi_schema()["paths"].items()
        if path.removeprefix("/api/v1") in ours
        for method in operations
        if (method == "get") == reads
    }


def test_every_meetings_endpoint_has_a_row_for_every_persona():
    assert MEETING_WRITE_ROUTES == meeting_routes(reads=False)
    assert MEETING_READ_ROUTES == meeting_routes(reads=True)
    for write in WRITES:
        assert set(write.answers) == set(PERSONAS), write.route
    for read in READS:
        assert set(read.answers) == set(PERSONAS), read.route
