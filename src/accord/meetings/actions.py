"""Every write to meetings: scheduling, replies with access needs, the agenda, roles, live notes, attendance,
decisions recorded in the room, tasks, the catch-up digest and calendar feeds.

Each action is atomic, checks permission first, refuses bad input with a message naming the field, writes an audit
event, and sends mail only once its transaction has committed.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from accord.atomic import atomic_action
from accord.coalitions import actions as coalition_actions
from accord.coalitions import queries as coalition_queries
from accord.coalitions.models import Coalition, MemberGroup, Person
from accord.coalitions.permissions import Actor, Role, Standing
from accord.decisions.models import Proposal
from accord.errors import Conflict, Invalid, NotAllowed, NotSignedIn
from accord.moments import aware_utc
from accord.text import clean_text, clean_title

from . import tasks
from .models import (
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
from .permissions import may_complete_task, may_organise, may_take_notes, may_view_meetings

TITLE_MAX = 200
LONGEST_MEETING = timedelta(days=7)
FURTHEST_AHEAD = timedelta(days=3 * 366)
LANGUAGES_MAX = 12
NOTES_MAX = 50000
# Meetings of the whole coalition: two at once would split it, so they may not overlap.
COALITION_WIDE = (Meeting.Kind.GENERAL, Meeting.Kind.SPOKESCOUNCIL)


# --- shared checks --------------------------------------------------------------------------------------------------


def _member(actor: Actor, coalition: Coalition) -> Standing:
    if not getattr(actor, "is_authenticated", False):
        raise NotSignedIn("Sign in to do this.")
    standing = coalition_queries.standing(actor, coalition)
    if not may_view_meetings(standing) or standing.person is None:
        raise NotAllowed("Only members of this coalition can do this.")
    return standing


def _audit(
    coalition: Coalition,
    actor: Actor,
    standing: Standing | None,
    verb: str,
    summary: str,
    target: Any = None,
    data: dict[str, Any] | None = None,
) -> None:
    coalition_actions.record_audit_event(
        coalition=coalition, actor=actor, standing=standing, verb=verb, summary=summary, target=target, data=data
    )


def _title(value: Any, *, field: str = "title", label: str = "a title") -> str:
    return clean_title(value, field=field, label=label, max_length=TITLE_MAX)


def _moment(value: Any, *, field: str, label: str) -> datetime:
    return aware_utc(value, field=field, label=label, too_far="within the next three years")


def _window(starts_at: Any, ends_at: Any, *, now: datetime) -> tuple[datetime, datetime]:
    starts = _moment(starts_at, field="starts_at", label="when it starts")
    ends = _moment(ends_at, field="ends_at", label="when it ends")
    if ends <= starts:
        raise Invalid("A meeting must end after it starts: check the end time (and its date).", field="ends_at")
    if ends - starts > LONGEST_MEETING:
        raise Invalid("A meeting lasts at most 7 days; for longer gatherings schedule each day.", field="ends_at")
    if starts > now + FURTHEST_AHEAD:
        raise Invalid("Schedule meetings at most three years ahead.", field="starts_at")
    if ends < now - timedelta(days=366):
        raise Invalid("A meeting that ended over a year ago cannot be scheduled now.", field="starts_at")
    return starts, ends


def _languages(values: Any) -> list[str]:
    if values in (None, ""):
        return []
    if isinstance(values, str):
        values = [part for part in values.replace(";", ",").split(",")]
    if not isinstance(values, list | tuple):
        raise Invalid("List the languages spoken, separated by commas.", field="languages")
    cleaned: list[str] = []
    for index, value in enumerate(values):
        language = clean_text(value, field=f"languages.{index}", label="a language", max_length=60, required=False)
        if language and language.lower() not in {known.lower() for known in cleaned}:
            cleaned.append(language)
    if len(cleaned) > LANGUAGES_MAX:
        raise Invalid(f"List at most {LANGUAGES_MAX} languages.", field="languages")
    return cleaned


def _link(value: Any) -> str:
    link = clean_text(value, field="online_link", label="the online link", max_length=500, required=False)
    if link:
        try:
            URLValidator(schemes=["https", "http"])(link)
        except ValidationError:
            raise Invalid(
                "Give the online link as a full address starting with https://.", field="online_link"
            ) from None
    return link


def _check_overlap(coalition: Coalition, kind: str, starts: datetime, ends: datetime, *, except_pk: int | None) -> None:
    if kind not in COALITION_WIDE:
        return
    clash = (
        Meeting.objects.filter(
            coalition=coalition,
            kind__in=COALITION_WIDE,
            status=Meeting.Status.SCHEDULED,
            starts_at__lt=ends,
            ends_at__gt=starts,
        )
        .exclude(pk=except_pk)
        .first()
    )
    if clash is not None:
        raise Invalid(
            f"This overlaps “{clash.title}” ({clash.starts_at:%d %B %Y %H:%M}–{clash.ends_at:%H:%M} UTC): meetings of "
            "the whole coalition cannot run at the same time. Choose another time.",
            field="starts_at",
        )


def _lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("coalition").get(pk=meeting.pk)


def _open_for_changes(meeting: Meeting, *, what: str) -> None:
    if meeting.is_cancelled:
        raise Conflict(f"“{meeting.title}” was cancelled, so {what} can no longer change.")


# --- scheduling -----------------------------------------------------------------------------------------------------


def _fields(
    *,
    kind: Any,
    title: Any,
    starts_at: Any,
    ends_at: Any,
    place: Any,
    online_link: Any,
    languages: Any,
    audience: Any,
    description: Any,
    now: datetime,
) -> dict[str, Any]:
    if kind not in Meeting.Kind.values:
        raise Invalid(
            "Choose the kind of meeting: general meeting, spokescouncil, working-group meeting or social.", field="kind"
        )
    starts, ends = _window(starts_at, ends_at, now=now)
    place = clean_text(place, field="place", label="the place", max_length=300, required=False)
    link = _link(online_link)
    if not place and not link:
        raise Invalid("Say where it happens: a place, an online link, or both.", field="place")
    return {
        "kind": kind,
        "title": _title(title),
        "starts_at": starts,
        "ends_at": ends,
        "place": place,
        "online_link": link,
        "languages": _languages(languages),
        "audience": clean_text(audience, field="audience", label="who it is for", max_length=300, required=False),
        "description": clean_text(
            description, field="description", label="the description", max_length=4000, required=False
        ),
    }


@atomic_action
def schedule_meeting(
    *,
    actor: Actor,
    coalition: Coalition,
    kind: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str = "",
    online_link: str = "",
    languages: Any = (),
    audience: str = "",
    description: str = "",
    invite: bool = True,
) -> Meeting:
    """Any member schedules a meeting; its agenda opens with the follow-up of every task still open from earlier
    meetings of its kind, and the people it is for are invited by email."""
    standing = _member(actor, coalition)
    Coalition.objects.select_for_update().filter(pk=coalition.pk).first()  # one overlap check at a time
    fields = _fields(
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        online_link=online_link,
        languages=languages,
        audience=audience,
        description=description,
        now=timezone.now(),
    )
    _check_overlap(coalition, fields["kind"], fields["starts_at"], fields["ends_at"], except_pk=None)
    meeting = Meeting.objects.create(coalition=coalition, created_by=standing.person, **fields)
    followed = _add_follow_ups(meeting)
    _audit(
        coalition,
        actor,
        standing,
        "meeting.scheduled",
        f"scheduled the {meeting.get_kind_display().lower()} “{meeting.title}” on {meeting.starts_at:%d %B %Y %H:%M} UTC",
        meeting,
        {"follow_ups": followed},
    )
    if invite:
        transaction.on_commit(lambda: tasks.send_invitations.enqueue(meeting.pk))
    return meeting


@atomic_action
def update_meeting(*, actor: Actor, meeting: Meeting, **changes: Any) -> Meeting:
    meeting = _lock(meeting)
    standing = _member(actor, meeting.coalition)
    if not may_organise(standing, meeting):
        raise NotAllowed("Only whoever scheduled this meeting, its facilitator or a coordinator can change it.")
    _open_for_changes(meeting, what="its details")
    unknown = sorted(
        set(changes)
        - {"kind", "title", "starts_at", "ends_at", "place", "online_link", "languages", "audience", "description"}
    )
    if unknown:
        raise Invalid(f"A meeting has no field called {unknown[0]!r}.", field=unknown[0])
    current = {
        name: getattr(meeting, name)
        for name in (
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "place",
            "online_link",
            "languages",
            "audience",
            "description",
        )
    }
    fields = _fields(**(current | changes), now=timezone.now())
    _check_overlap(meeting.coalition, fields["kind"], fields["starts_at"], fields["ends_at"], except_pk=meeting.pk)
    changed = {name: value for name, value in fields.items() if current[name] != value}
    if not changed:
        return meeting
    for name, value in changed.items():
        setattr(meeting, name, value)
    meeting.save(update_fields=list(changed))
    _audit(
        meeting.coalition,
        actor,
        standing,
        "meeting.changed",
        f"changed {', '.join(sorted(changed))} of “{meeting.title}”",
        meeting,
        {"changed": sorted(changed)},
    )
    return meeting


@atomic_action
def cancel_meeting(*, actor: Actor, meeting: Meeting, reason: str = "") -> Meeting:
    meeting = _lock(meeting)
    standing = _member(actor, meeting.coalition)
    if not may_organise(standing, meeting):
        raise NotAllowed("Only whoever scheduled this meeting, its facilitator or a coordinator can cancel it.")
    _open_for_changes(meeting, what="it")
    if meeting.has_ended():
        raise Conflict("This meeting has already happened; it cannot be cancelled.")
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancelled_reason = clean_text(reason, field="reason", label="a reason", max_length=2000, required=False)
    meeting.save(update_fields=["status", "cancelled_reason"])
    _audit(
        meeting.coalition,
        actor,
        standing,
        "meeting.cancelled",
        f"cancelled “{meeting.title}”" + (f": {meeting.cancelled_reason}" if meeting.cancelled_reason else ""),
        meeting,
    )
    return meeting


# --- replies and access needs ----------------------------------------------------------------------------------------


@atomic_action
def reply_to_meeting(
    *,
    actor: Actor,
    meeting: Meeting,
    answer: str,
    childcare: Any = 0,
    travel_cost: bool = False,
    interpretation: str = "",
    step_free: bool = False,
    quiet_room: bool = False,
    other_needs: str = "",
) -> Reply:
    """Say whether you come and what you need to take part; asked every time, as needs change."""
    meeting = _lock(meeting)  # as saved now: a reply must not slip in as the meeting is cancelled
    standing = _member(actor, meeting.coalition)
    _open_for_changes(meeting, what="replies")
    if meeting.has_ended():
        raise Conflict("This meeting has already happened.")
    if answer not in Reply.Answer.values:
        raise Invalid("Say whether you are coming: yes, maybe or no.", field="answer")
    if isinstance(childcare, bool) or not isinstance(childcare, int | str):
        raise Invalid("Give the number of children to look after, or 0.", field="childcare")
    try:
        children = int(str(childcare).strip() or 0)
    except ValueError:
        raise Invalid("Give the number of children to look after, as a number such as 2.", field="childcare") from None
    if not 0 <= children <= 20:
        raise Invalid("Give the number of children to look after, between 0 and 20.", field="childcare")
    for name, value in (("travel_cost", travel_cost), ("step_free", step_free), ("quiet_room", quiet_room)):
        if not isinstance(value, bool):
            raise Invalid("Answer with yes or no.", field=name)
    values = {
        "answer": answer,
        "childcare": children,
        "travel_cost": travel_cost,
        "interpretation": clean_text(
            interpretation, field="interpretation", label="a language", max_length=60, required=False
        ),
        "step_free": step_free,
        "quiet_room": quiet_room,
        "other_needs": clean_text(
            other_needs, field="other_needs", label="what else you need", max_length=1000, required=False
        ),
        "updated_at": timezone.now(),
    }
    reply, _created = Reply.objects.update_or_create(meeting=meeting, person=standing.person, defaults=values)
    # Needs are private: the audit log says that someone replied, never what they need.
    _audit(
        meeting.coalition,
        actor,
        standing,
        "meeting.replied",
        f"replied “{reply.get_answer_display()}” to “{meeting.title}”",
        meeting,
    )
    return reply


# --- the agenda -----------------------------------------------------------------------------------------------------


# Follow-ups carry over between meetings of the whole coalition. Working-group meetings would mix every group's
# tasks until meetings know their working group (issue 7), and socials set no tasks.
FOLLOWED_UP = COALITION_WIDE


def _add_follow_ups(meeting: Meeting, *, only: Task | None = None) -> int:
    """Open tasks from earlier meetings of this kind become the first items of this meeting's agenda (`only`: just
    that task, so follow-ups an organiser took off are not put back)."""
    if meeting.kind not in FOLLOWED_UP:
        return 0
    already = set(
        AgendaItem.objects.filter(meeting=meeting, follow_up_of__isnull=False).values_list("follow_up_of_id", flat=True)
    )
    open_tasks = (
        Task.objects.filter(
            coalition=meeting.coalition_id,
            status=Task.Status.OPEN,
            meeting__kind=meeting.kind,
            meeting__starts_at__lt=meeting.starts_at,
        )
        .exclude(pk__in=already)
        .order_by("due_on", "id")
    )
    if only is not None:
        open_tasks = open_tasks.filter(pk=only.pk)
    items = [
        AgendaItem(meeting=meeting, title=f"Follow up: {task.title}"[:TITLE_MAX], follow_up_of=task, position=index)
        for index, task in enumerate(open_tasks)
    ]
    if items:
        AgendaItem.objects.filter(meeting=meeting, follow_up_of__isnull=True).update(
            position=F("position") + len(items) + len(already)
        )
        AgendaItem.objects.bulk_create(items)
    return len(items)


def _agenda_open(meeting: Meeting) -> None:
    _open_for_changes(meeting, what="its agenda")
    if meeting.has_ended():
        raise Conflict(f"“{meeting.title}” has ended, so its agenda is closed. Propose the item for the next meeting.")


@atomic_action
def propose_agenda_item(
    *, actor: Actor, meeting: Meeting, title: str, description: str = "", minutes: Any = None
) -> AgendaItem:
    """Any member puts an item on the agenda of a meeting that has not ended."""
    meeting = _lock(meeting)
    standing = _member(actor, meeting.coalition)
    _agenda_open(meeting)
    position = (AgendaItem.objects.filter(meeting=meeting).aggregate(last=Max("position"))["last"] or 0) + 1
    item = AgendaItem.objects.create(
        meeting=meeting,
        title=_title(title),
        description=clean_text(
            description, field="description", label="a description", max_length=4000, required=False
        ),
        minutes=_minutes(minutes),
        proposed_by=standing.person,
        position=position,
    )
    _audit(
        meeting.coalition,
        actor,
        standing,
        "agenda.item_proposed",
        f"put “{item.title}” on the agenda of “{meeting.title}”",
        meeting,
    )
    return item


def _minutes(value: Any, *, field: str = "minutes") -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise Invalid("Give the time as a number of minutes.", field=field)
    try:
        number = int(str(value).strip())
    except ValueError:
        raise Invalid("Give the time as a number of minutes, such as 15.", field=field) from None
    if not 1 <= number <= 600:
        raise Invalid("Give between 1 and 600 minutes.", field=field)
    return number


@atomic_action
def arrange_agenda(
    *, actor: Actor, meeting: Meeting, order: Sequence[Any], minutes: Mapping[Any, Any] | None = None
) -> list[AgendaItem]:
    """The organisers order the agenda (every item, once) and set the time for each item."""
    meeting = _lock(meeting)
    standing = _member(actor, meeting.coalition)
    if not may_organise(standing, meeting):
        raise NotAllowed(
            "Only the meeting's organisers (who scheduled it, its facilitator, coordinators) can arrange its agenda."
        )
    _agenda_open(meeting)
    items = {item.pk: item for item in AgendaItem.objects.filter(meeting=meeting)}
    try:
        wanted = [int(str(value)) for value in order]
    except (TypeError, ValueError):
        raise Invalid("Give the agenda's items in order, by their numbers.", field="order") from None
    if sorted(wanted) != sorted(items):
        raise Invalid("Give every item of this agenda exactly once, in the order you want.", field="order")
    times = {}
    for key, value in (minutes or {}).items():
        try:
            item_id = int(str(key))
        except ValueError:
            raise Invalid("Name agenda items by their numbers.", field="minutes") from None
        if item_id not in items:
            raise Invalid("Set times only for items of this agenda.", field="minutes")
        times[item_id] = _minutes(value, field=f"minutes.{item_id}")
    for position, item_id in enumerate(wanted):
        item = items[item_id]
        item.position = position
        if item_id in times:
            item.minutes = times[item_id]
    AgendaItem.objects.bulk_update(items.values(), ["position", "minutes"])
    total = sum(item.minutes or 0 for item in items.values())
    _audit(
        meeting.coalition,
        actor,
        standing,
        "agenda.arranged",
        f"arranged the agenda of “{meeting.title}” ({len(items)} items, {total} minutes)",
        meeting,
    )
    return sorted(items.values(), key=lambda item: item.position)


@atomic_action
def remove_agenda_item(*, actor: Actor, item: AgendaItem) -> None:
    meeting = _lock(item.meeting)
    standing = _member(actor, meeting.coalition)
    own = standing.person is not None and item.proposed_by_id == standing.person.pk
    if not (own or may_organise(standing, meeting)):
        raise NotAllowed("Only whoever proposed the item, or the meeting's organisers, can take it off the agenda.")
    _agenda_open(meeting)
    if item.notes or MeetingDecision.objects.filter(agenda_item=item).exists():
        raise Conflict("Notes or decisions were recorded on this item, so it stays on the agenda.")
    title = item.title
    item.delete()
    _audit(
        meeting.coalition,
        actor,
        standing,
        "agenda.item_removed",
        f"took “{title}” off the agenda of “{meeting.title}”",
        meeting,
    )


# --- roles ----------------------------------------------------------------------------------------------------------


@atomic_action
def assign_role(*, actor: Actor, meeting: Meeting, role: str, person: Person | None) -> MeetingRole | None:
    """Name who facilitates, takes notes or keeps time (None: nobody yet)."""
    meeting = _lock(meeting)
    standing = _member(actor, meeting.coalition)
    if not may_organise(standing, meeting):
        raise NotAllowed(
            "Only the meeting's organisers (who scheduled it, its facilitator, coordinators) can assign its roles."
        )
    _open_for_changes(meeting, what="its roles")
    if role not in MeetingRole.Role.values:
        raise Invalid("Choose a role: facilitator, note-taker or timekeeper.", field="role")
    label = MeetingRole.Role(role).label.lower()
    if person is None:
        deleted, _rows = MeetingRole.objects.filter(meeting=meeting, role=role).delete()
        if deleted:
            _audit(
                meeting.coalition,
                actor,
                standing,
                "meeting.role_cleared",
                f"left the {label} of “{meeting.title}” open",
                meeting,
                {"role": role},
            )
        return None
    if person.coalition_id != meeting.coalition_id or not person.is_active:
        raise Invalid("Choose a current member of this coalition.", field="person")
    group = (
        coalition_queries.current_groups(meeting.coalition)
        .filter(affiliations__person=person, affiliations__ended_at__isnull=True)
        .order_by("name")
        .first()
    )
    held, _created = MeetingRole.objects.update_or_create(
        meeting=meeting, role=role, defaults={"person": person, "member_group": group, "assigned_at": timezone.now()}
    )
    _audit(
        meeting.coalition,
        actor,
        standing,
        "meeting.role_assigned",
        f"asked {person.name} to be the {label} of “{meeting.title}”",
        meeting,
        {"role": role, "person": person.pk},
    )
    return held


# --- notes, attendance, decisions -------------------------------------------------------------------------------------


def _note_writer(actor: Actor, meeting: Meeting) -> Standing:
    standing = _member(actor, meeting.coalition)
    if not may_take_notes(standing, meeting):
        raise NotAllowed("Only the meeting's note-taker, its facilitator or a coordinator can write its notes.")
    _open_for_changes(meeting, what="its notes")
    return standing


class NotesConflict(Conflict):
    """Someone else saved this item's notes since the text being saved was loaded."""

    def __init__(self, message: str, *, current: AgendaItem) -> None:
        super().__init__(message, field="notes")
        self.current = current


def save_notes(*, actor: Actor, item: AgendaItem, notes: str, base_revision: Any) -> AgendaItem:
    """Save one item's notes, as often as the note-taker types. Two people editing different items never clash;
    a save based on an older text of the same item is refused with the text now saved, never overwriting it."""
    with transaction.atomic():
        meeting = Meeting.objects.select_related("coalition").get(pk=item.meeting_id)  # as saved now, not as loaded
        standing = _note_writer(actor, meeting)
        try:
            base = int(str(base_revision))
        except (TypeError, ValueError):
            raise Invalid(
                "Reload the page: the notes were loaded without their revision.", field="base_revision"
            ) from None
        text = clean_text(notes, field="notes", label="the notes", max_length=NOTES_MAX, required=False)
        now = timezone.now()
        saved = AgendaItem.objects.filter(pk=item.pk, notes_revision=base).update(
            notes=text, notes_revision=base + 1, notes_updated_at=now, notes_updated_by=standing.person
        )
        current = AgendaItem.objects.select_related("notes_updated_by").get(pk=item.pk)
        if not saved:
            if current.notes == text:
                return current  # the same text saved twice (a retried request): nothing to resolve
            who = current.notes_updated_by.name if current.notes_updated_by else "someone"
            raise NotesConflict(
                f"{who} saved these notes since you loaded them. Your text is kept below theirs: merge the two and "
                "save again.",
                current=current,
            )
        if base == 0:  # the first save of an item is audited; every keystroke's save is not
            _audit(
                meeting.coalition,
                actor,
                standing,
                "meeting.notes_started",
                f"started the notes on “{current.title}” at “{meeting.title}”",
                meeting,
            )
        return current


@atomic_action
def record_attendance(*, actor: Actor, meeting: Meeting, present: Iterable[Any]) -> int:
    """Who was there (replacing the previous list); returns how many."""
    meeting = _lock(meeting)
    standing = _note_writer(actor, meeting)
    ids = set()
    for value in present or []:
        try:
            ids.add(int(value.pk if isinstance(value, Person) else str(value)))
        except (TypeError, ValueError):
            raise Invalid("Name the people present by their numbers.", field="present") from None
    found = set(coalition_queries.current_people(meeting.coalition).filter(pk__in=ids).values_list("pk", flat=True))
    if found != ids:
        raise Invalid("Choose people who are members of this coalition.", field="present")
    Attendance.objects.filter(meeting=meeting).exclude(person_id__in=ids).delete()
    have = set(Attendance.objects.filter(meeting=meeting).values_list("person_id", flat=True))
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, person_id=pk, recorded_by=standing.person) for pk in sorted(ids - have)]
    )
    _audit(
        meeting.coalition,
        actor,
        standing,
        "meeting.attendance",
        f"recorded {len(ids)} people present at “{meeting.title}”",
        meeting,
        {"present": len(ids)},
    )
    return len(ids)


@atomic_action
def record_decision(
    *, actor: Actor, meeting: Meeting, text: str, item: AgendaItem | None = None, proposal: Proposal | None = None
) -> MeetingDecision:
    meeting = _lock(meeting)
    standing = _note_writer(actor, meeting)
    if item is not None and item.meeting_id != meeting.pk:
        raise Invalid("Choose an item of this meeting's agenda.", field="item")
    if proposal is not None and proposal.coalition_id != meeting.coalition_id:
        raise Invalid("Choose a proposal of this coalition.", field="proposal")
    decision = MeetingDecision.objects.create(
        meeting=meeting,
        agenda_item=item,
        text=clean_text(text, field="text", label="what was decided", max_length=4000),
        proposal=proposal,
        recorded_by=standing.person,
    )
    _audit(
        meeting.coalition,
        actor,
        standing,
        "meeting.decision_recorded",
        f"recorded a decision at “{meeting.title}”: {decision.text}"[:500],
        meeting,
    )
    return decision


@atomic_action
def publish_public_notes(*, actor: Actor, meeting: Meeting) -> Meeting:
    """Publish the version of the notes in which no one is named (for groups under surveillance)."""
    meeting = _lock(meeting)
    standing = _note_writer(actor, meeting)
    if not meeting.has_ended():
        raise Conflict("Publish the notes once the meeting has ended.")
    meeting.notes_published_at = timezone.now()
    meeting.save(update_fields=["notes_published_at"])
    _audit(
        meeting.coalition,
        actor,
        standing,
        "meeting.notes_published",
        f"published the public notes of “{meeting.title}”, with no one named",
        meeting,
    )
    return meeting


# --- tasks ----------------------------------------------------------------------------------------------------------


def _due(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value))
        except ValueError:
            raise Invalid("Give the due date as a date, such as 2026-12-01.", field="due_on") from None
    if value.year < 2000 or value.year > 2100:
        raise Invalid("Give a due date between 2000 and 2100.", field="due_on")
    return value


@atomic_action
def create_task(
    *,
    actor: Actor,
    coalition: Coalition,
    title: str,
    owner_person: Person | None = None,
    owner_group: MemberGroup | None = None,
    due_on: Any = None,
    description: str = "",
    meeting: Meeting | None = None,
    item: AgendaItem | None = None,
    proposal: Proposal | None = None,
) -> Task:
    """A task always has an owner: a person, or a member group."""
    standing = _member(actor, coalition)
    if meeting is not None:
        if meeting.coalition_id != coalition.pk:
            raise Invalid("Choose a meeting of this coalition.", field="meeting")
        if not may_take_notes(standing, meeting):
            raise NotAllowed("Only the meeting's note-taker, its facilitator or a coordinator records its tasks.")
    if item is not None and (meeting is None or item.meeting_id != meeting.pk):
        raise Invalid("Choose an item of this meeting's agenda.", field="item")
    if owner_person is None and owner_group is None:
        raise Invalid(
            "Say who will do it: a person or a member group. A task without an owner is not done.", field="owner"
        )
    if owner_person is not None and (owner_person.coalition_id != coalition.pk or not owner_person.is_active):
        raise Invalid("Choose a current member of this coalition.", field="owner_person")
    if owner_group is not None and (owner_group.coalition_id != coalition.pk or not owner_group.is_active):
        raise Invalid("Choose a current member group of this coalition.", field="owner_group")
    if proposal is not None and proposal.coalition_id != coalition.pk:
        raise Invalid("Choose a proposal of this coalition.", field="proposal")
    task = Task.objects.create(
        coalition=coalition,
        title=_title(title),
        description=clean_text(
            description, field="description", label="a description", max_length=4000, required=False
        ),
        owner_person=owner_person,
        owner_group=owner_group,
        due_on=_due(due_on),
        meeting=meeting,
        agenda_item=item,
        proposal=proposal,
        created_by=standing.person,
    )
    owner = owner_person.name if owner_person is not None else owner_group.name  # type: ignore[union-attr]
    _audit(coalition, actor, standing, "task.created", f"asked {owner} to “{task.title}”", task)
    if meeting is not None:
        later_meetings = Meeting.objects.select_for_update().filter(
            coalition=coalition, kind=meeting.kind, status=Meeting.Status.SCHEDULED, starts_at__gt=meeting.starts_at
        )
        for later in later_meetings:  # locked, so two tasks added at once cannot both add the same item
            _add_follow_ups(later, only=task)
    return task


@atomic_action
def complete_task(*, actor: Actor, task: Task, note: str = "") -> Task:
    task = Task.objects.select_for_update(of=("self",)).select_related("coalition").get(pk=task.pk)
    standing = _member(actor, task.coalition)
    if not may_complete_task(standing, task):
        raise NotAllowed(
            "Only the task's owner (or a member of its group), whoever set it, or a coordinator can mark it done."
        )
    if not task.is_open:
        raise Conflict("This task is already done.")
    task.status = Task.Status.DONE
    task.done_at = timezone.now()
    task.done_by = standing.person
    task.done_note = clean_text(note, field="note", label="a note", max_length=2000, required=False)
    task.save(update_fields=["status", "done_at", "done_by", "done_note"])
    _audit(
        task.coalition,
        actor,
        standing,
        "task.done",
        f"marked “{task.title}” done" + (f": {task.done_note}" if task.done_note else ""),
        task,
    )
    return task


@atomic_action
def reopen_task(*, actor: Actor, task: Task, reason: str = "") -> Task:
    task = Task.objects.select_for_update(of=("self",)).select_related("coalition").get(pk=task.pk)
    standing = _member(actor, task.coalition)
    if not may_complete_task(standing, task):
        raise NotAllowed(
            "Only the task's owner (or a member of its group), whoever set it, or a coordinator can reopen it."
        )
    if task.is_open:
        raise Conflict("This task is still open.")
    task.status, task.done_at, task.done_by = Task.Status.OPEN, None, None
    task.save(update_fields=["status", "done_at", "done_by"])
    reason = clean_text(reason, field="reason", label="a reason", max_length=2000, required=False)
    _audit(
        task.coalition,
        actor,
        standing,
        "task.reopened",
        f"reopened “{task.title}”" + (f": {reason}" if reason else ""),
        task,
    )
    return task


# --- the catch-up digest and calendar feeds ---------------------------------------------------------------------------


@atomic_action
def set_digest_frequency(*, actor: Actor, coalition: Coalition, frequency: str) -> DigestPreference:
    standing = _member(actor, coalition)
    if frequency not in DigestPreference.Frequency.values:
        raise Invalid("Choose how often: never, every day or every week.", field="frequency")
    preference, _created = DigestPreference.objects.update_or_create(
        person=standing.person, defaults={"frequency": frequency}
    )
    person_id = preference.person_id
    transaction.on_commit(lambda: tasks.schedule_digest(person_id))
    return preference


@atomic_action
def calendar_feed(*, actor: Actor, coalition: Coalition, mine: bool = True, renew: bool = False) -> CalendarFeed:
    """The secret address of your own calendar feed (or the coalition's); `renew` replaces a leaked one."""
    standing = _member(actor, coalition)
    person = standing.person if mine else None
    if renew and not mine and standing.role < Role.COORDINATOR:
        raise NotAllowed("Only a coordinator can renew the coalition's calendar address.")
    feed = CalendarFeed.objects.select_for_update().filter(coalition=coalition, person=person).first()
    if feed is None:
        feed = CalendarFeed.objects.create(coalition=coalition, person=person, token=secrets.token_urlsafe(24))
    elif renew:
        feed.token = secrets.token_urlsafe(24)
        feed.save(update_fields=["token"])
        _audit(
            coalition,
            actor,
            standing,
            "calendar.renewed",
            "renewed " + ("their calendar address" if mine else "the coalition's calendar address"),
            None,
        )
    return feed
