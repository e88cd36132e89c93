"""The meetings API: every endpoint's happy path with exact outcomes, and bad input answered with the one error
shape naming the field. Who may call what is in test_meetings_authorization.py.

The data is the decisions tests' small world (tests/decisions/conftest.py): Ana coordinator, Dev delegate of Leeds
Action, Mo member of Leeds Action, Pat delegate and Fay member of Hull Heat, Olu outsider; and Elsewhere, another
coalition, for tenancy. Meetings are built with the meetings actions.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accord.accounts.models import User
from accord.coalitions.models import AuditEvent
from accord.meetings import actions
from accord.meetings.models import AgendaItem, Attendance, Meeting, MeetingDecision, MeetingRole, Reply, Task
from tests.decisions.conftest import World, build_world
from tests.decisions.conftest import open_proposal as open_decision

from .conftest import Api, assert_error, bearer_for


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def caller(user: User | None) -> Api:
    return Api(Client(), bearer_for(user) if user is not None else {})


def base(world: World) -> str:
    return f"/coalitions/{world.coalition.slug}"


def at(days: float, hour: int = 18) -> datetime:
    """A whole-second UTC time `days` from today, at `hour`."""
    moment = timezone.now().astimezone(UTC) + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def schedule(
    world: World,
    actor: User | None = None,
    *,
    days: float = 7,
    kind: str = "general",
    title: str = "General meeting",
    hours: int = 2,
    **extra: Any,
) -> Meeting:
    """A meeting scheduled by Dev (the delegate) unless told otherwise, `days` from now, two hours long."""
    starts = at(days)
    return actions.schedule_meeting(
        actor=actor or world.delegate,
        coalition=world.coalition,
        kind=kind,
        title=title,
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        place="Community hall",
        invite=False,
        **extra,
    )


def ended(world: World, **extra: Any) -> Meeting:
    return schedule(world, days=-3, title="Last month's meeting", **extra)


def item(world: World, meeting: Meeting, title: str = "Budget", actor: User | None = None) -> AgendaItem:
    return actions.propose_agenda_item(actor=actor or world.member, meeting=meeting, title=title)


def path(world: World, meeting: Meeting, tail: str = "") -> str:
    return f"{base(world)}/meetings/{meeting.pk}{tail}"


def last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-pk").first()


# --- meetings ------------------------------------------------------------------------------------------------


def test_schedule_a_meeting(world):
    starts = at(10)
    response = caller(world.member).post(
        f"{base(world)}/meetings",
        {
            "kind": "spokescouncil",
            "title": "Spokescouncil on the march",
            "starts_at": starts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00").replace("+00:00", "+01:00"),
            "ends_at": iso(starts + timedelta(hours=2)),
            "place": "Leeds Library",
            "online_link": "https://meet.example.org/spokes",
            "languages": ["English", "Polish"],
            "audience": "Delegates",
            "description": "Plan the march.",
            "invite": False,
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    meeting = Meeting.objects.get(pk=body["id"])
    assert meeting.starts_at == starts - timedelta(hours=1)  # given at +01:00, stored and answered in UTC
    assert body["starts_at"] == iso(starts - timedelta(hours=1))
    assert body["ends_at"] == iso(starts + timedelta(hours=2))
    assert {key: body[key] for key in ("kind", "kind_label", "title", "place", "online_link", "languages")} == {
        "kind": "spokescouncil",
        "kind_label": "Spokescouncil",
        "title": "Spokescouncil on the march",
        "place": "Leeds Library",
        "online_link": "https://meet.example.org/spokes",
        "languages": ["English", "Polish"],
    }
    assert (body["status"], body["has_ended"], body["coming"], body["notes_published_at"]) == (
        "scheduled",
        False,
        0,
        None,
    )
    assert body["created_by"] == {"id": world.person(world.member).pk, "name": "Mo"}
    assert body["roles"] == [
        {"role": "facilitator", "label": "Facilitator", "person": None, "member_group": None},
        {"role": "note_taker", "label": "Note-taker", "person": None, "member_group": None},
        {"role": "timekeeper", "label": "Timekeeper", "person": None, "member_group": None},
    ]
    assert (body["may_organise"], body["may_take_notes"]) == (True, False)
    assert body["links"]["self"] == f"/api/v1{base(world)}/meetings/{meeting.pk}"
    assert body["links"]["public"] is None
    assert last_event().verb == "meeting.scheduled"


def test_list_meetings_upcoming_past_and_all(world):
    soon = schedule(world, days=2, title="Soon")
    later = schedule(world, days=20, title="Later")
    past = ended(world)
    api = caller(world.member)

    upcoming = api.get(f"{base(world)}/meetings").json()
    assert (upcoming["count"], [row["id"] for row in upcoming["items"]]) == (2, [soon.pk, later.pk])
    assert upcoming["items"][0] == {
        "id": soon.pk,
        "kind": "general",
        "kind_label": "General meeting",
        "title": "Soon",
        "starts_at": iso(soon.starts_at),
        "ends_at": iso(soon.ends_at),
        "place": "Community hall",
        "online_link": "",
        "status": "scheduled",
        "coming": 0,
        "items": 0,
    }
    assert [row["id"] for row in api.get(f"{base(world)}/meetings", {"when": "past"}).json()["items"]] == [past.pk]
    assert [row["id"] for row in api.get(f"{base(world)}/meetings", {"when": "all"}).json()["items"]] == [
        later.pk,
        soon.pk,
        past.pk,
    ]
    assert_error(api.get(f"{base(world)}/meetings", {"when": "soon"}), 422, "invalid", "when")


def test_get_and_change_a_meeting(world):
    meeting = schedule(world)
    api = caller(world.delegate)
    assert api.get(path(world, meeting)).json()["title"] == "General meeting"

    response = api.patch(path(world, meeting), {"title": "March general meeting", "languages": ["English"]})

    assert response.status_code == 200, response.content
    meeting.refresh_from_db()
    assert (meeting.title, meeting.languages, response.json()["title"]) == (
        "March general meeting",
        ["English"],
        "March general meeting",
    )
    assert (last_event().verb, last_event().data) == ("meeting.changed", {"changed": ["languages", "title"]})
    assert_error(api.patch(path(world, meeting), {"title": None}), 422, "invalid", "title")


def test_cancel_a_meeting(world):
    meeting = schedule(world)

    response = caller(world.delegate).post(path(world, meeting, "/cancel"), {"reason": "The hall is flooded."})

    assert response.status_code == 200, response.content
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancelled_reason) == ("cancelled", "The hall is flooded.")
    assert (response.json()["status"], response.json()["cancelled_reason"]) == ("cancelled", "The hall is flooded.")
    assert_error(caller(world.delegate).post(path(world, meeting, "/cancel")), 409, "conflict")


def test_reply_with_access_needs_and_the_summary(world):
    meeting = schedule(world)
    api = caller(world.member)
    assert api.get(path(world, meeting, "/reply")).json() == {
        "answer": None,
        "childcare": 0,
        "travel_cost": False,
        "interpretation": "",
        "step_free": False,
        "quiet_room": False,
        "other_needs": "",
        "updated_at": None,
    }

    response = api.put(
        path(world, meeting, "/reply"),
        {"answer": "yes", "childcare": 2, "interpretation": "polish", "step_free": True, "other_needs": "Large print"},
    )

    assert response.status_code == 200, response.content
    reply = Reply.objects.get(meeting=meeting, person=world.person(world.member))
    assert (reply.answer, reply.childcare, reply.interpretation, reply.step_free, reply.other_needs) == (
        "yes",
        2,
        "polish",
        True,
        "Large print",
    )
    assert api.get(path(world, meeting, "/reply")).json() == response.json()
    assert response.json()["updated_at"] is not None
    actions.reply_to_meeting(actor=world.other_delegate, meeting=meeting, answer="maybe", quiet_room=True)
    actions.reply_to_meeting(actor=world.facilitator, meeting=meeting, answer="no", childcare=3)

    organiser_view = caller(world.delegate).get(path(world, meeting, "/needs")).json()
    assert organiser_view == {
        "coming": 1,
        "maybe": 1,
        "not_coming": 1,
        "needs_shown": True,
        "children": 2,
        "families": 1,
        "travel_cost": 0,
        "step_free": 1,
        "quiet_room": 1,
        "interpretation": {"Polish": 1},
        "other": ["Large print"],
    }
    assert api.get(path(world, meeting, "/needs")).json() == {
        "coming": 1,
        "maybe": 1,
        "not_coming": 1,
        "needs_shown": False,
        "children": 0,
        "families": 0,
        "travel_cost": 0,
        "step_free": 0,
        "quiet_room": 0,
        "interpretation": {},
        "other": [],
    }
    assert caller(world.member).get(path(world, meeting)).json()["coming"] == 1


def test_the_agenda(world):
    meeting = schedule(world)
    first = item(world, meeting, "Budget")
    api = caller(world.member)

    response = api.post(path(world, meeting, "/agenda"), {"title": "March route", "minutes": 20})

    assert response.status_code == 201, response.content
    second = AgendaItem.objects.get(pk=response.json()["id"])
    assert (second.title, second.minutes, second.proposed_by) == ("March route", 20, world.person(world.member))
    assert {key: response.json()[key] for key in ("title", "proposed_by", "minutes", "notes", "notes_revision")} == {
        "title": "March route",
        "proposed_by": "Mo",
        "minutes": 20,
        "notes": "",
        "notes_revision": 0,
    }
    listed = api.get(path(world, meeting, "/agenda")).json()
    assert [row["id"] for row in listed["items"]] == [first.pk, second.pk]

    arranged = caller(world.delegate).put(
        path(world, meeting, "/agenda/order"), {"order": [second.pk, first.pk], "minutes": {str(first.pk): 15}}
    )
    assert arranged.status_code == 200, arranged.content
    assert [(row["id"], row["position"], row["minutes"]) for row in arranged.json()] == [
        (second.pk, 0, 20),
        (first.pk, 1, 15),
    ]
    assert api.get(path(world, meeting, f"/agenda/{first.pk}")).json()["minutes"] == 15

    removed = api.send("DELETE", path(world, meeting, f"/agenda/{second.pk}"))
    assert removed.status_code == 200, removed.content
    assert [row["id"] for row in removed.json()] == [first.pk]
    assert not AgendaItem.objects.filter(pk=second.pk).exists()


def test_follow_up_items_are_listed_with_their_task(world):
    earlier = ended(world)
    task = actions.create_task(
        actor=world.coordinator,
        coalition=world.coalition,
        title="Book the hall",
        owner_group=world.group,
        meeting=earlier,
    )
    meeting = schedule(world)

    (row,) = caller(world.member).get(path(world, meeting, "/agenda")).json()["items"]

    assert (row["title"], row["follow_up_of"]) == (
        "Follow up: Book the hall",
        {"id": task.pk, "title": "Book the hall", "status": "open"},
    )


def test_roles_suggestions_and_spread(world):
    meeting = schedule(world)
    actions.reply_to_meeting(actor=world.facilitator, meeting=meeting, answer="yes")

    response = caller(world.delegate).put(
        path(world, meeting, "/roles/note_taker"), {"person_id": world.person(world.facilitator).pk}
    )

    assert response.status_code == 200, response.content
    assert response.json() == {
        "role": "note_taker",
        "label": "Note-taker",
        "person": {"id": world.person(world.facilitator).pk, "name": "Fay"},
        "member_group": {"id": world.other_group.pk, "name": "Hull Heat"},
    }
    held = MeetingRole.objects.get(meeting=meeting, role="note_taker")
    assert (held.person, held.member_group) == (world.person(world.facilitator), world.other_group)

    suggestions = caller(world.member).get(path(world, meeting, "/roles/facilitator/suggestions")).json()
    assert suggestions[0] == {
        "person": {"id": world.person(world.facilitator).pk, "name": "Fay"},
        "member_group": {"id": world.other_group.pk, "name": "Hull Heat"},
        "times_held": 0,
        "group_times_held": 0,
        "replied": "yes",
    }
    assert len(suggestions) == 5

    spread = caller(world.member).get(f"{base(world)}/meeting-roles/spread").json()
    assert spread["roles"][1] == {
        "role": "note_taker",
        "label": "Note-taker",
        "meetings": 1,
        "by_person": [{"name": "Fay", "count": 1}],
        "by_group": [{"name": "Hull Heat", "count": 1}],
    }
    assert [row["meetings"] for row in spread["roles"]] == [0, 1, 0]

    cleared = caller(world.delegate).put(path(world, meeting, "/roles/note_taker"), {"person_id": None})
    assert cleared.json() == {"role": "note_taker", "label": "Note-taker", "person": None, "member_group": None}
    assert not MeetingRole.objects.filter(meeting=meeting).exists()


def test_notes_are_saved_and_a_stale_save_is_refused_with_how_to_merge(world):
    meeting = schedule(world)
    agenda_item = item(world, meeting)
    actions.assign_role(
        actor=world.delegate, meeting=meeting, role="note_taker", person=world.person(world.facilitator)
    )
    url = path(world, meeting, f"/agenda/{agenda_item.pk}/notes")

    saved = caller(world.facilitator).put(url, {"notes": "We agreed £200.", "base_revision": 0})

    assert saved.status_code == 200, saved.content
    assert (saved.json()["notes"], saved.json()["notes_revision"], saved.json()["notes_updated_by"]) == (
        "We agreed £200.",
        1,
        "Fay",
    )
    stale = caller(world.coordinator).put(url, {"notes": "My version.", "base_revision": 0})
    body = assert_error(stale, 409, "conflict", "notes")
    assert body["message"] == (
        "Fay saved these notes since revision 0; they are at revision 1 now. Fetch the item (GET "
        f"/api/v1/coalitions/{world.coalition.slug}/meetings/{meeting.pk}/agenda/{agenda_item.pk}) for the text "
        "saved, merge yours into it, and save again with base_revision 1."
    )
    agenda_item.refresh_from_db()
    assert (agenda_item.notes, agenda_item.notes_revision) == ("We agreed £200.", 1)
    current = caller(world.coordinator).get(path(world, meeting, f"/agenda/{agenda_item.pk}")).json()
    assert (current["notes"], current["notes_revision"]) == ("We agreed £200.", 1)
    merged = caller(world.coordinator).put(url, {"notes": "We agreed £200. My version.", "base_revision": 1})
    assert (merged.json()["notes"], merged.json()["notes_revision"]) == ("We agreed £200. My version.", 2)


def test_attendance_decisions_and_public_notes(world):
    meeting = ended(world)
    agenda_item = AgendaItem.objects.create(meeting=meeting, title="Budget")  # the agenda of a past meeting
    proposal = open_decision(world)
    api = caller(world.coordinator)
    present = [world.person(world.member).pk, world.person(world.delegate).pk]

    attendance = api.put(path(world, meeting, "/attendance"), {"present": present})

    assert attendance.status_code == 200, attendance.content
    assert attendance.json() == {
        "present": 2,
        "people": [
            {"id": world.person(world.delegate).pk, "name": "Dev"},
            {"id": world.person(world.member).pk, "name": "Mo"},
        ],
    }
    assert set(Attendance.objects.filter(meeting=meeting).values_list("person_id", flat=True)) == set(present)
    assert api.get(path(world, meeting, "/attendance")).json() == attendance.json()

    decided = api.post(
        path(world, meeting, "/decisions"),
        {"text": "Mo will book the hall.", "agenda_item_id": agenda_item.pk, "proposal_id": proposal.pk},
    )
    assert decided.status_code == 201, decided.content
    decision = MeetingDecision.objects.get(pk=decided.json()["id"])
    assert (decision.agenda_item, decision.proposal, decision.recorded_by) == (
        agenda_item,
        proposal,
        world.person(world.coordinator),
    )
    assert {key: decided.json()[key] for key in ("text", "agenda_item_id", "proposal", "recorded_by")} == {
        "text": "Mo will book the hall.",
        "agenda_item_id": agenda_item.pk,
        "proposal": {"id": proposal.pk, "title": "Meet on Tuesdays"},
        "recorded_by": "Ana",
    }
    assert [row["id"] for row in api.get(path(world, meeting, "/decisions")).json()["items"]] == [decision.pk]

    assert_error(caller(None).get(path(world, meeting, "/public")), 404, "not_found")
    published = api.post(path(world, meeting, "/publish"))
    assert published.status_code == 200, published.content
    meeting.refresh_from_db()
    assert meeting.notes_published_at is not None
    assert published.json()["links"]["public"] == f"/api/v1{path(world, meeting, '/public')}"

    public = caller(None).get(path(world, meeting, "/public"))
    assert public.status_code == 200, public.content
    assert public.json() == {
        "title": "Last month's meeting",
        "kind": "general",
        "starts_at": iso(meeting.starts_at),
        "ends_at": iso(meeting.ends_at),
        "published_at": public.json()["published_at"],
        "present": 2,
        "items": [{"title": "Budget", "notes": ""}],
        "decisions": ["[a member of Leeds Action] will book the hall."],
        "tasks": [],
    }


def test_tasks(world):
    api = caller(world.member)
    response = api.post(
        f"{base(world)}/tasks",
        {"title": "Print leaflets", "owner_group_id": world.group.pk, "due_on": "2001-05-01", "description": "500"},
    )

    assert response.status_code == 201, response.content
    task = Task.objects.get(pk=response.json()["id"])
    assert (task.owner_group, task.due_on, task.created_by) == (
        world.group,
        date(2001, 5, 1),
        world.person(world.member),
    )
    body = response.json()
    assert {key: body[key] for key in ("title", "owner_person", "owner_group", "due_on", "status", "overdue")} == {
        "title": "Print leaflets",
        "owner_person": None,
        "owner_group": {"id": world.group.pk, "name": "Leeds Action"},
        "due_on": "2001-05-01",
        "status": "open",
        "overdue": True,
    }
    mine = actions.create_task(
        actor=world.coordinator,
        coalition=world.coalition,
        title="Call the council",
        owner_person=world.person(world.member),
    )
    assert [row["id"] for row in api.get(f"{base(world)}/tasks").json()["items"]] == [mine.pk]
    assert [row["id"] for row in api.get(f"{base(world)}/tasks", {"scope": "groups"}).json()["items"]] == [task.pk]
    assert api.get(f"{base(world)}/tasks", {"scope": "all"}).json()["count"] == 2
    assert api.get(f"{base(world)}/tasks/{task.pk}").json() == body

    done = api.post(f"{base(world)}/tasks/{task.pk}/done", {"note": "Printed 500."})
    assert done.status_code == 200, done.content
    task.refresh_from_db()
    assert (task.status, task.done_note, task.done_by) == ("done", "Printed 500.", world.person(world.member))
    assert (done.json()["status"], done.json()["overdue"], done.json()["done_by"]) == ("done", False, "Mo")
    assert [
        row["id"] for row in api.get(f"{base(world)}/tasks", {"scope": "all", "status": "done"}).json()["items"]
    ] == [task.pk]
    assert api.get(f"{base(world)}/tasks", {"scope": "all", "status": "all"}).json()["count"] == 2

    reopened = api.post(f"{base(world)}/tasks/{task.pk}/reopen", {"reason": "Misprinted."})
    assert reopened.status_code == 200, reopened.content
    task.refresh_from_db()
    assert (task.status, task.done_at, reopened.json()["status"]) == ("open", None, "open")
    assert_error(api.post(f"{base(world)}/tasks/{task.pk}/reopen"), 409, "conflict")


def test_a_task_agreed_at_a_meeting(world):
    meeting = ended(world)
    agenda_item = AgendaItem.objects.create(meeting=meeting, title="Budget")

    response = caller(world.coordinator).post(
        f"{base(world)}/tasks",
        {
            "title": "Send the accounts",
            "owner_person_id": world.person(world.delegate).pk,
            "meeting_id": meeting.pk,
            "agenda_item_id": agenda_item.pk,
        },
    )

    assert response.status_code == 201, response.content
    task = Task.objects.get(pk=response.json()["id"])
    assert (task.meeting, task.agenda_item, task.owner_person) == (meeting, agenda_item, world.person(world.delegate))
    assert response.json()["meeting"] == {"id": meeting.pk, "title": "Last month's meeting"}


def test_catch_up_digest_and_calendar(world):
    held = ended(world)
    Attendance.objects.create(meeting=held, person=world.person(world.member))
    later_meeting = schedule(world, days=-1, hours=1, title="Yesterday", kind="working_group")
    upcoming = schedule(world)
    mine = actions.create_task(
        actor=world.coordinator,
        coalition=world.coalition,
        title="Call the council",
        owner_person=world.person(world.member),
    )
    api = caller(world.member)

    body = api.get(f"{base(world)}/catch-up").json()

    assert body["since"] == iso(held.ends_at)
    assert body["last_meeting"]["id"] == held.pk
    assert [row["id"] for row in body["meetings_held"]] == [later_meeting.pk]
    assert [row["id"] for row in body["upcoming"]] == [upcoming.pk]
    assert [row["id"] for row in body["my_tasks"]] == [mine.pk]
    assert (body["group_tasks"], body["decisions"], body["meeting_decisions"]) == ([], [], [])
    since = api.get(f"{base(world)}/catch-up", {"since": iso(held.starts_at - timedelta(hours=1))}).json()
    assert (since["last_meeting"], [row["id"] for row in since["meetings_held"]]) == (None, [held.pk, later_meeting.pk])
    assert_error(api.get(f"{base(world)}/catch-up", {"since": "last week"}), 422, "invalid", "since")
    assert_error(api.get(f"{base(world)}/catch-up", {"since": "2025-01-01T10:00:00"}), 422, "invalid", "since")
    for extreme in ("9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"):  # beyond what a database holds
        assert_error(api.get(f"{base(world)}/catch-up", {"since": extreme}), 422, "invalid", "since")

    assert api.get(f"{base(world)}/digest").json() == {"frequency": "never"}
    assert api.put(f"{base(world)}/digest", {"frequency": "daily"}).json() == {"frequency": "daily"}
    assert world.person(world.member).digest_preference.frequency == "daily"
    assert api.get(f"{base(world)}/digest").json() == {"frequency": "daily"}
    assert_error(api.put(f"{base(world)}/digest", {"frequency": "hourly"}), 422, "invalid", "frequency")

    feed = api.post(f"{base(world)}/calendar")
    assert feed.status_code == 200, feed.content
    token = world.person(world.member).calendar_feeds.get().token
    assert feed.json()["mine"] is True
    assert feed.json()["url"].startswith("http://testserver/") and feed.json()["url"].endswith(f"{token}.ics")
    assert api.post(f"{base(world)}/calendar").json() == feed.json()  # the same address each time
    renewed = api.post(f"{base(world)}/calendar", {"renew": True}).json()
    assert renewed["url"] != feed.json()["url"]
    coalition_feed = caller(world.coordinator).post(f"{base(world)}/calendar", {"mine": False}).json()
    assert coalition_feed["mine"] is False


# --- bad input ------------------------------------------------------------------------------------------------


def meeting_body(**changes: Any) -> dict[str, Any]:
    starts = at(5)
    return {
        "kind": "general",
        "title": "General meeting",
        "starts_at": iso(starts),
        "ends_at": iso(starts + timedelta(hours=2)),
        "place": "Hall",
        "invite": False,
    } | changes


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_at": iso(at(5) - timedelta(hours=1))}, "ends_at"),
        ({"ends_at": iso(at(5))}, "ends_at"),
        ({"ends_at": iso(at(15))}, "ends_at"),
        ({"starts_at": "2026-13-40T10:00:00Z"}, "starts_at"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"starts_at": iso(at(5)).removesuffix("Z")}, "starts_at"),
        ({"starts_at": 1700000000}, "starts_at"),
        ({"kind": "party"}, "kind"),
        ({"title": ""}, "title"),
        ({"title": "x" * 5000}, "title"),
        ({"title": "Nul\x00here"}, "title"),
        ({"title": 12}, "title"),
        ({"place": "", "online_link": ""}, "place"),
        ({"online_link": "javascript:alert(1)"}, "online_link"),
        ({"languages": "English"}, "languages"),
        ({"invite": "yes"}, "invite"),
        ({"description": "d" * 4001}, "description"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_meetings_are_refused_naming_the_field(world, changes, field):
    before = Meeting.objects.count()

    response = caller(world.member).post(f"{base(world)}/meetings", meeting_body(**changes))

    assert_error(response, 422, "invalid", field)
    assert Meeting.objects.count() == before


def test_overlapping_coalition_meetings_are_refused(world):
    existing = schedule(world, days=5)
    before = Meeting.objects.count()

    response = caller(world.member).post(
        f"{base(world)}/meetings",
        meeting_body(
            kind="spokescouncil",
            starts_at=iso(existing.starts_at + timedelta(hours=1)),
            ends_at=iso(existing.ends_at + timedelta(hours=1)),
        ),
    )

    body = assert_error(response, 422, "invalid", "starts_at")
    assert "overlaps “General meeting”" in body["message"]
    assert Meeting.objects.count() == before
    # A working group may meet at the same time.
    assert (
        caller(world.member)
        .post(
            f"{base(world)}/meetings",
            meeting_body(kind="working_group", starts_at=iso(existing.starts_at), ends_at=iso(existing.ends_at)),
        )
        .status_code
        == 201
    )
    # Moving a meeting onto another is refused too.
    other = schedule(world, days=9)
    moved = caller(world.delegate).patch(
        path(world, other), {"starts_at": iso(existing.starts_at), "ends_at": iso(existing.ends_at)}
    )
    assert_error(moved, 422, "invalid", "starts_at")
    other.refresh_from_db()
    assert other.starts_at == at(9)


def test_agenda_items_on_ended_or_cancelled_meetings_are_refused(world):
    past = ended(world)
    cancelled = schedule(world)
    actions.cancel_meeting(actor=world.delegate, meeting=cancelled)

    for meeting in (past, cancelled):
        response = caller(world.member).post(path(world, meeting, "/agenda"), {"title": "Late item"})
        assert_error(response, 409, "conflict")
    assert not AgendaItem.objects.filter(meeting__coalition=world.coalition).exists()


def test_bad_agenda_and_notes_input(world):
    meeting = schedule(world)
    first = item(world, meeting)
    api = caller(world.coordinator)

    assert_error(api.post(path(world, meeting, "/agenda"), {"title": "T", "minutes": "15"}), 422, "invalid", "minutes")
    assert_error(api.post(path(world, meeting, "/agenda"), {"title": "T", "minutes": 601}), 422, "invalid", "minutes")
    assert_error(api.put(path(world, meeting, "/agenda/order"), {"order": []}), 422, "invalid", "order")
    assert_error(
        api.put(path(world, meeting, "/agenda/order"), {"order": [first.pk], "minutes": {str(first.pk): 0}}),
        422,
        "invalid",
        f"minutes.{first.pk}",
    )
    url = path(world, meeting, f"/agenda/{first.pk}/notes")
    assert_error(api.put(url, {"notes": "n" * 50001, "base_revision": 0}), 422, "invalid", "notes")
    assert_error(api.put(url, {"notes": "ok", "base_revision": "0"}), 422, "invalid", "base_revision")
    assert_error(api.put(url, {"notes": "a\x00b", "base_revision": 0}), 422, "invalid", "notes")
    assert_error(api.put(url, {"notes": "ok"}), 422, "invalid", "base_revision")
    assert_error(api.put(path(world, meeting, "/roles/chair"), {"person_id": None}), 422, "invalid", "role")
    assert_error(
        api.put(path(world, meeting, "/reply"), {"answer": "yes", "childcare": "2"}), 422, "invalid", "childcare"
    )
    assert_error(
        api.put(path(world, meeting, "/reply"), {"answer": "yes", "childcare": 21}), 422, "invalid", "childcare"
    )
    assert_error(api.put(path(world, meeting, "/attendance"), {"present": ["1"]}), 422, "invalid", "present.0")
    first.refresh_from_db()
    assert (first.notes, first.notes_revision, first.minutes, first.position) == ("", 0, None, 1)
    assert not Reply.objects.filter(meeting=meeting).exists()


def test_tasks_need_an_owner_and_good_input(world):
    api = caller(world.member)
    url = f"{base(world)}/tasks"

    body = assert_error(api.post(url, {"title": "Do something"}), 422, "invalid", "owner")
    assert body["message"] == "Say who will do it: a person or a member group. A task without an owner is not done."
    assert_error(
        api.post(url, {"title": "T", "owner_group_id": world.group.pk, "due_on": "soon"}), 422, "invalid", "due_on"
    )
    assert_error(api.post(url, {"title": "T", "owner_group_id": "1"}), 422, "invalid", "owner_group_id")
    assert_error(api.post(url, {"title": "x" * 201, "owner_group_id": world.group.pk}), 422, "invalid", "title")
    assert_error(api.post(url, {"owner_group_id": world.group.pk}), 422, "invalid", "title")
    assert_error(api.get(url, {"scope": "everyone"}), 422, "invalid", "scope")
    assert not Task.objects.filter(coalition=world.coalition).exists()


def test_ids_of_another_coalition_answer_404(world):
    meeting = schedule(world)
    elsewhere_meeting = actions.schedule_meeting(
        actor=world.elsewhere_owner,
        coalition=world.elsewhere,
        kind="general",
        title="Far meeting",
        starts_at=at(3),
        ends_at=at(3) + timedelta(hours=1),
        place="Far",
        invite=False,
    )
    far_item = AgendaItem.objects.create(meeting=elsewhere_meeting, title="Far item")
    far_task = actions.create_task(
        actor=world.elsewhere_owner, coalition=world.elsewhere, title="Far task", owner_group=world.elsewhere_group
    )
    api = caller(world.coordinator)

    assert_error(api.get(path(world, elsewhere_meeting)), 404, "not_found")
    assert_error(api.post(path(world, elsewhere_meeting, "/agenda"), {"title": "Sneak"}), 404, "not_found")
    assert_error(api.get(path(world, meeting, f"/agenda/{far_item.pk}")), 404, "not_found")
    assert_error(
        api.put(path(world, meeting, f"/agenda/{far_item.pk}/notes"), {"notes": "x", "base_revision": 0}),
        404,
        "not_found",
    )
    assert_error(api.get(f"{base(world)}/tasks/{far_task.pk}"), 404, "not_found")
    assert_error(api.post(f"{base(world)}/tasks/{far_task.pk}/done"), 404, "not_found")
    owner = world.elsewhere.people.first()
    assert_error(
        api.put(path(world, meeting, "/roles/facilitator"), {"person_id": owner.pk}), 404, "not_found", "person_id"
    )
    assert_error(
        api.post(f"{base(world)}/tasks", {"title": "T", "owner_group_id": world.elsewhere_group.pk}),
        404,
        "not_found",
        "owner_group_id",
    )
    assert_error(
        api.post(path(world, meeting, "/decisions"), {"text": "T", "agenda_item_id": far_item.pk}),
        404,
        "not_found",
        "agenda_item_id",
    )
    assert_error(api.put(path(world, meeting, "/attendance"), {"present": [owner.pk]}), 422, "invalid", "present")
    assert_error(api.get(f"{base(world)}/meetings/{2**63}"), 422, "invalid", "meeting_id")
    far_item.refresh_from_db()
    far_task.refresh_from_db()
    assert (far_item.title, far_item.notes, far_task.status) == ("Far item", "", "open")
    assert not MeetingRole.objects.filter(meeting=meeting).exists()
    assert not MeetingDecision.objects.filter(meeting=meeting).exists()
    assert Task.objects.filter(coalition=world.coalition).count() == 0


def test_operation_ids_are_listed_in_openapi(db):
    document = Client().get("/api/v1/openapi.json").json()
    ids = {operation["operationId"] for operations in document["paths"].values() for operation in operations.values()}
    assert {
        "list_meetings",
        "schedule_meeting",
        "get_meeting",
        "change_meeting",
        "cancel_meeting",
        "get_my_reply",
        "reply_to_meeting",
        "get_meeting_needs",
        "list_agenda_items",
        "propose_agenda_item",
        "arrange_agenda",
        "get_agenda_item",
        "remove_agenda_item",
        "save_item_notes",
        "assign_meeting_role",
        "suggest_role_holders",
        "get_role_spread",
        "get_attendance",
        "record_attendance",
        "list_meeting_decisions",
        "record_meeting_decision",
        "publish_meeting_notes",
        "get_public_notes",
        "list_tasks",
        "create_task",
        "get_task",
        "complete_task",
        "reopen_task",
        "get_catch_up",
        "get_digest_frequency",
        "set_digest_frequency",
        "get_calendar_feed",
    } <= ids
