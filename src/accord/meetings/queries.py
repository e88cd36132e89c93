"""Every read of meetings, tasks and the catch-up that leaves this app, scoped to what the actor may see.

Members see meetings, agendas, full notes, tasks and role spreads. Access needs are seen only summed up, with no
one named. The public notes name no one: people become their meeting role or their member group.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from accord.agreements.models import AgreementVersion
from accord.coalitions import queries as coalition_queries
from accord.coalitions.models import Affiliation, Coalition, MemberGroup, Person
from accord.coalitions.permissions import Actor, Standing
from accord.decisions import queries as decision_queries
from accord.decisions.models import Proposal, Round, Status
from accord.errors import Invalid, NotAllowed, NotFound, NotSignedIn
from accord.ids import existing_id

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
from .permissions import may_organise, may_view_meetings

SUGGESTIONS = 5


def _member(actor: Actor, coalition: Coalition) -> Standing:
    standing = coalition_queries.standing(actor, coalition)
    if may_view_meetings(standing):
        return standing
    if not getattr(actor, "is_authenticated", False):
        raise NotSignedIn("Sign in to see this coalition's meetings.")
    raise NotAllowed("Only members of this coalition can see its meetings.")


_id = existing_id


# --- meetings and their agendas ----------------------------------------------------------------------------------


def meetings(actor: Actor, coalition: Coalition, *, when: str = "upcoming") -> QuerySet[Meeting]:
    """Upcoming (not yet ended, soonest first), past (latest first) or all meetings."""
    _member(actor, coalition)
    rows = Meeting.objects.filter(coalition=coalition).annotate(
        coming=Count("replies", filter=Q(replies__answer=Reply.Answer.YES), distinct=True),
        items=Count("agenda", distinct=True),
    )
    now = timezone.now()
    if when == "upcoming":
        return rows.filter(ends_at__gt=now).order_by("starts_at", "id")
    if when == "past":
        return rows.filter(ends_at__lte=now).order_by("-starts_at", "-id")
    return rows.order_by("-starts_at", "-id")


def meeting(actor: Actor, coalition: Coalition, meeting_id: Any) -> Meeting:
    _member(actor, coalition)
    found = Meeting.objects.filter(coalition=coalition, pk=_id(meeting_id)).select_related("created_by").first()
    if found is None:
        raise NotFound("There is no such meeting in this coalition.")
    return found


def agenda(actor: Actor, found: Meeting) -> list[AgendaItem]:
    _member(actor, found.coalition)
    return list(
        AgendaItem.objects.filter(meeting=found)
        .select_related(
            "proposed_by",
            "follow_up_of",
            "follow_up_of__owner_person",
            "follow_up_of__owner_group",
            "proposal",
            "notes_updated_by",
        )
        .prefetch_related(
            Prefetch("tasks", queryset=Task.objects.select_related("owner_person", "owner_group")),
            Prefetch("decisions", queryset=MeetingDecision.objects.select_related("proposal")),
        )
        .order_by("position", "id")
    )


def agenda_item(actor: Actor, found: Meeting, item_id: Any) -> AgendaItem:
    _member(actor, found.coalition)
    item = AgendaItem.objects.filter(meeting=found, pk=_id(item_id)).select_related("meeting").first()
    if item is None:
        raise NotFound("There is no such item on this agenda.")
    return item


def roles(found: Meeting) -> dict[str, MeetingRole]:
    return {row.role: row for row in MeetingRole.objects.filter(meeting=found).select_related("person", "member_group")}


def decisions(actor: Actor, found: Meeting) -> list[MeetingDecision]:
    _member(actor, found.coalition)
    return list(MeetingDecision.objects.filter(meeting=found).select_related("proposal", "agenda_item"))


def attendance(actor: Actor, found: Meeting) -> list[Person]:
    _member(actor, found.coalition)
    return list(Person.objects.filter(attended__meeting=found).order_by("name", "id"))


def my_reply(actor: Actor, found: Meeting) -> Reply | None:
    standing = _member(actor, found.coalition)
    return Reply.objects.filter(meeting=found, person=standing.person).first() if standing.person else None


@dataclass
class NeedsSummary:
    """What the organisers must arrange, with no one named."""

    shown: bool = False  # whether the needs below were filled in (for organisers)
    coming: int = 0
    maybe: int = 0
    not_coming: int = 0
    children: int = 0
    families: int = 0
    travel_cost: int = 0
    step_free: int = 0
    quiet_room: int = 0
    interpretation: dict[str, int] = field(default_factory=dict)
    other: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(
            self.children or self.travel_cost or self.step_free or self.quiet_room or self.interpretation or self.other
        )


def needs_summary(actor: Actor, found: Meeting) -> NeedsSummary:
    """Every member may see how many come; the needs are summed up for the organisers (one query)."""
    standing = _member(actor, found.coalition)
    summary = NeedsSummary()
    languages: Counter[str] = Counter()
    show_needs = summary.shown = may_organise(standing, found)
    for reply in Reply.objects.filter(meeting=found):
        if reply.answer == Reply.Answer.YES:
            summary.coming += 1
        elif reply.answer == Reply.Answer.MAYBE:
            summary.maybe += 1
        else:
            summary.not_coming += 1
            continue  # needs of people who are not coming need no arranging
        if not show_needs:
            continue
        if reply.childcare:
            summary.children += reply.childcare
            summary.families += 1
        summary.travel_cost += reply.travel_cost
        summary.step_free += reply.step_free
        summary.quiet_room += reply.quiet_room
        if reply.interpretation:
            languages[reply.interpretation.strip().title()] += 1
        if reply.other_needs:
            summary.other.append(reply.other_needs)
    summary.interpretation = dict(sorted(languages.items()))
    summary.other.sort(key=str.lower)  # sorted, so the order gives away no one
    return summary


# --- roles: rotation ------------------------------------------------------------------------------------------------


@dataclass
class Candidate:
    person: Person
    group: MemberGroup | None
    times_held: int
    group_times_held: int
    replied: str


def role_suggestions(actor: Actor, found: Meeting, role: str) -> list[Candidate]:
    """Who should take this role next: those (and whose groups) have held it least, people coming first."""
    _member(actor, found.coalition)
    held = Counter(
        MeetingRole.objects.filter(meeting__coalition=found.coalition, role=role)
        .exclude(meeting=found)
        .values_list("person_id", flat=True)
    )
    group_held = Counter(
        MeetingRole.objects.filter(meeting__coalition=found.coalition, role=role, member_group__isnull=False)
        .exclude(meeting=found)
        .values_list("member_group_id", flat=True)
    )
    replies = dict(Reply.objects.filter(meeting=found).values_list("person_id", "answer"))
    first_group: dict[int, MemberGroup] = {}
    for affiliation in (
        Affiliation.objects.filter(
            member_group__coalition=found.coalition, ended_at__isnull=True, member_group__left_at__isnull=True
        )
        .select_related("member_group")
        .order_by("member_group__name")
    ):
        first_group.setdefault(affiliation.person_id, affiliation.member_group)
    order = {Reply.Answer.YES: 0, Reply.Answer.MAYBE: 1, "": 2, Reply.Answer.NO: 3}
    candidates = [
        Candidate(
            person=person,
            group=first_group.get(person.pk),
            times_held=held.get(person.pk, 0),
            group_times_held=group_held.get(first_group[person.pk].pk, 0) if person.pk in first_group else 0,
            replied=replies.get(person.pk, ""),
        )
        for person in coalition_queries.current_people(found.coalition)
    ]
    candidates = [candidate for candidate in candidates if candidate.replied != Reply.Answer.NO]
    candidates.sort(key=lambda c: (order[c.replied], c.group_times_held, c.times_held, c.person.name.lower()))
    return candidates[:SUGGESTIONS]


@dataclass
class RoleSpread:
    role: str
    label: str
    by_person: list[tuple[str, int]]
    by_group: list[tuple[str, int]]
    meetings: int


def role_spread(actor: Actor, coalition: Coalition) -> list[RoleSpread]:
    """How each meeting role has been spread across people and member groups (most first)."""
    _member(actor, coalition)
    rows = MeetingRole.objects.filter(meeting__coalition=coalition).values_list(
        "role", "person__name", "member_group__name"
    )
    spreads = []
    for role, label in MeetingRole.Role.choices:
        people: Counter[str] = Counter()
        groups: Counter[str] = Counter()
        total = 0
        for row_role, person_name, group_name in rows:
            if row_role != role:
                continue
            total += 1
            people[person_name] += 1
            groups[group_name or "No member group"] += 1
        spreads.append(RoleSpread(role, label, people.most_common(), groups.most_common(), total))
    return spreads


# --- tasks --------------------------------------------------------------------------------------------------------


def tasks(actor: Actor, coalition: Coalition, *, scope: str = "mine", status: str = "open") -> QuerySet[Task]:
    """`mine`: assigned to me; `groups`: assigned to my member groups; `all`: every task of the coalition."""
    standing = _member(actor, coalition)
    rows = Task.objects.filter(coalition=coalition).select_related(
        "owner_person", "owner_group", "meeting", "proposal", "done_by"
    )
    if scope == "mine":
        rows = rows.filter(owner_person=standing.person)
    elif scope == "groups":
        rows = rows.filter(owner_group_id__in=standing.member_of)
    elif scope != "all":
        raise NotFound("Choose whose tasks: mine, groups or all.")
    if status in Task.Status.values:
        rows = rows.filter(status=status)
    return rows.order_by("status", "due_on", "id")


def is_overdue(task: Task, today: Any = None) -> bool:
    return task.is_open and task.due_on is not None and task.due_on < (today or timezone.localdate())


def task(actor: Actor, coalition: Coalition, task_id: Any) -> Task:
    _member(actor, coalition)
    found = (
        Task.objects.filter(coalition=coalition, pk=_id(task_id))
        .select_related("owner_person", "owner_group", "meeting", "done_by")
        .first()
    )
    if found is None:
        raise NotFound("There is no such task in this coalition.")
    return found


# --- the catch-up -----------------------------------------------------------------------------------------------


@dataclass
class CatchUp:
    since: datetime
    last_meeting: Meeting | None
    meetings_held: list[Meeting]
    decisions: list[Proposal]
    meeting_decisions: list[MeetingDecision]
    agreements_changed: list[AgreementVersion]
    my_tasks: list[Task]
    group_tasks: list[Task]
    upcoming: list[Meeting]
    waiting: list[Proposal]


def last_took_part(person: Person) -> tuple[datetime, Meeting | None]:
    """When the person last took part: the end of the last meeting they attended, else when they joined."""
    attended = (
        Meeting.objects.filter(attendance__person=person, ends_at__lte=timezone.now()).order_by("-ends_at").first()
    )
    if attended is not None:
        return attended.ends_at, attended
    return person.joined_at, None


def catch_up(actor: Actor, coalition: Coalition, *, since: datetime | None = None) -> CatchUp:
    """What happened since the person last took part (or since `since`): one page for whoever missed meetings."""
    standing = _member(actor, coalition)
    if standing.person is None:
        raise NotAllowed("Only members of this coalition have a catch-up.")
    last, last_meeting = last_took_part(standing.person)
    if since is not None:
        try:
            since = since.astimezone(UTC)  # a time a database can compare: years 1 to 9999 in UTC
        except OverflowError:
            raise Invalid("Give a date between the years 1 and 9999.", field="since") from None
    start = since or last
    now = timezone.now()
    closed_rounds = Round.objects.filter(proposal__coalition=coalition, closed_at__gt=start).values("proposal_id")
    return CatchUp(
        since=start,
        last_meeting=last_meeting if since is None else None,
        meetings_held=list(
            Meeting.objects.filter(
                coalition=coalition, ends_at__gt=start, ends_at__lte=now, status=Meeting.Status.SCHEDULED
            ).order_by("starts_at")
        ),
        decisions=list(
            Proposal.objects.filter(pk__in=closed_rounds).exclude(status=Status.OPEN).order_by("-created_at")[:50]
        ),
        meeting_decisions=list(
            MeetingDecision.objects.filter(meeting__coalition=coalition, created_at__gt=start)
            .select_related("meeting", "proposal")
            .order_by("created_at")[:50]
        ),
        agreements_changed=list(
            AgreementVersion.objects.filter(agreement__coalition=coalition, took_effect_at__gt=start)
            .select_related("adopted_by")
            .order_by("took_effect_at")
        ),
        my_tasks=list(tasks(actor, coalition, scope="mine", status="open")),
        group_tasks=list(tasks(actor, coalition, scope="groups", status="open")),
        upcoming=list(meetings(actor, coalition, when="upcoming").exclude(status=Meeting.Status.CANCELLED)[:10]),
        waiting=list(decision_queries.awaiting(actor, coalition)[:20]),
    )


def digest_frequency(actor: Actor, coalition: Coalition) -> str:
    standing = _member(actor, coalition)
    preference = DigestPreference.objects.filter(person=standing.person).first()
    return preference.frequency if preference else DigestPreference.Frequency.NEVER


# --- public notes: no one named ---------------------------------------------------------------------------------


@dataclass
class PublicNotes:
    meeting: Meeting
    items: list[tuple[str, str]]  # (title, notes) with names replaced
    decisions: list[str]
    tasks: list[tuple[str, str]]  # (task, who: a role or a group)
    present: int
    title: str = ""  # the meeting's title, names replaced too
    description: str = ""


def _stand_in(person: Person, roles_held: dict[int, str], groups: dict[int, str]) -> str:
    if person.pk in roles_held:
        return f"the {roles_held[person.pk]}"
    if person.pk in groups:
        return f"a member of {groups[person.pk]}"
    return "an individual member"


def _anonymiser(found: Meeting) -> Any:
    people = list(Person.objects.filter(coalition=found.coalition))
    roles_held = {row.person_id: row.get_role_display().lower() for row in MeetingRole.objects.filter(meeting=found)}
    groups: dict[int, str] = {}
    for affiliation in (
        Affiliation.objects.filter(person__coalition=found.coalition)
        .select_related("member_group")
        .order_by(F("ended_at").desc(nulls_first=True), "member_group__name")  # current group first, any database
    ):
        groups.setdefault(affiliation.person_id, affiliation.member_group.name)
    # One pattern for every name, longest first so "Ana Lima" wins over "Ana": a 14,000-person coalition costs one
    # pass over each text, not one per person.
    labels: dict[str, str] = {}
    for person in sorted(people, key=lambda p: -len(p.name)):
        name = " ".join(person.name.split())
        if " " in name:  # one-word names are matched with their capital, below, so "Will" spares "will"
            labels.setdefault(name.lower(), _stand_in(person, roles_held, groups))
    pattern = (
        re.compile(
            r"(?<!\w)(" + "|".join(re.escape(name) for name in sorted(labels, key=len, reverse=True)) + r")(?!\w)",
            re.IGNORECASE,
        )
        if labels
        else None
    )

    # Note-takers write first names too ("Ana will call the council"): those are replaced as well, matched with
    # their capital so ordinary words stay; a first name two people share becomes "a member".
    first_names: dict[str, str] = {}
    for person in people:
        parts = person.name.split()
        if parts:
            label = _stand_in(person, roles_held, groups)
            first_names[parts[0]] = label if first_names.get(parts[0], label) == label else "a member"
    first_pattern = (
        re.compile(
            r"(?<!\w)(" + "|".join(re.escape(name) for name in sorted(first_names, key=len, reverse=True)) + r")(?!\w)"
        )
        if first_names
        else None
    )

    def anonymise(text: str) -> str:
        if pattern is not None:
            text = pattern.sub(lambda match: f"[{labels[' '.join(match.group(0).lower().split())]}]", text)
        if first_pattern is not None:
            text = first_pattern.sub(lambda match: f"[{first_names[match.group(0)]}]", text)
        return text

    return anonymise, roles_held, groups


def public_notes(found: Meeting) -> PublicNotes:
    """Readable by anyone once published: names become the person's meeting role or member group."""
    if found.notes_published_at is None:
        raise NotFound("These notes have not been published.")
    anonymise, roles_held, groups = _anonymiser(found)
    items = [(anonymise(item.title), anonymise(item.notes)) for item in AgendaItem.objects.filter(meeting=found)]
    decisions_text = [anonymise(row.text) for row in MeetingDecision.objects.filter(meeting=found)]
    task_rows = []
    for row in Task.objects.filter(meeting=found).select_related("owner_person", "owner_group"):
        who = (
            row.owner_group.name
            if row.owner_group
            else _stand_in(row.owner_person, roles_held, groups)
            if row.owner_person
            else "someone"
        )
        task_rows.append((anonymise(row.title), who))
    return PublicNotes(
        found,
        items,
        decisions_text,
        task_rows,
        Attendance.objects.filter(meeting=found).count(),
        title=anonymise(found.title),
        description=anonymise(found.description),
    )


def published(coalition: Coalition, meeting_id: Any) -> Meeting:
    found = Meeting.objects.filter(coalition=coalition, pk=_id(meeting_id), notes_published_at__isnull=False).first()
    if found is None:
        raise NotFound("These notes have not been published.")
    return found


# --- calendar feeds ------------------------------------------------------------------------------------------------


def calendar_feeds(actor: Actor, coalition: Coalition) -> tuple[CalendarFeed | None, CalendarFeed | None]:
    """The viewer's own calendar address and the coalition's, if made (reading makes none: see
    actions.calendar_feed)."""
    standing = _member(actor, coalition)
    feeds = CalendarFeed.objects.filter(coalition=coalition).filter(Q(person__isnull=True) | Q(person=standing.person))
    mine = shared = None
    for one in feeds:
        if one.person_id is None:
            shared = one
        elif standing.person is not None and one.person_id == standing.person.pk:
            mine = one
    return mine, shared


def feed(token: str) -> tuple[CalendarFeed, list[Meeting]]:
    """The meetings a calendar feed shows (found by its secret token, since calendar apps cannot sign in)."""
    if not isinstance(token, str) or not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", token):
        raise NotFound("There is no such calendar.")
    found = CalendarFeed.objects.select_related("coalition", "person").filter(token=token).first()
    if found is None or (found.person is not None and not found.person.is_active):
        raise NotFound("There is no such calendar.")
    rows = Meeting.objects.filter(coalition=found.coalition, ends_at__gt=timezone.now() - timedelta(days=90))
    if found.person is not None:
        # One subquery, so another person's "no" never hides a meeting from this feed.
        declined = Reply.objects.filter(person=found.person, answer=Reply.Answer.NO).values("meeting_id")
        rows = rows.exclude(pk__in=declined)
    return found, list(rows.select_related("coalition").order_by("starts_at"))
