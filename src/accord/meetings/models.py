"""Meetings with agendas anyone can add to, roles that rotate, replies with access needs, live notes per agenda item,
attendance, decisions recorded in the room, and tasks followed up at the next meeting.

Times are stored in UTC; every page shows them in the reader's own time zone.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from accord.coalitions.models import Coalition, MemberGroup, Person
from accord.decisions.models import Proposal


class Meeting(models.Model):
    class Kind(models.TextChoices):
        GENERAL = "general", "General meeting"
        SPOKESCOUNCIL = "spokescouncil", "Spokescouncil"
        WORKING_GROUP = "working_group", "Working-group meeting"
        SOCIAL = "social", "Social"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=4000)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=300, blank=True)
    online_link = models.URLField(max_length=500, blank=True)
    languages = models.JSONField(default=list, blank=True, help_text="Languages spoken at the meeting.")
    audience = models.CharField(max_length=300, blank=True, help_text="Who it is for, in a few words.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    cancelled_reason = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    notes_published_at = models.DateTimeField(
        null=True, blank=True, help_text="When the public version of the notes (no one named) was published."
    )

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["coalition", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    def has_ended(self, now: object = None) -> bool:
        return self.ends_at <= (now or timezone.now())  # type: ignore[operator]


class MeetingRole(models.Model):
    """Who facilitates, takes notes and keeps time at one meeting: the raw material of rotation."""

    class Role(models.TextChoices):
        FACILITATOR = "facilitator", "Facilitator"
        NOTE_TAKER = "note_taker", "Note-taker"
        TIMEKEEPER = "timekeeper", "Timekeeper"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="meeting_roles")
    member_group = models.ForeignKey(
        MemberGroup,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The group the person held it for, so rotation can favour groups that held it least.",
    )
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "role"]
        constraints = [models.UniqueConstraint(fields=["meeting", "role"], name="meeting_role_once")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} of {self.meeting}: {self.person}"


class Reply(models.Model):
    """Whether a person comes, and what they need to take part; organisers see the needs summed up, not who."""

    class Answer(models.TextChoices):
        YES = "yes", "I'm coming"
        MAYBE = "maybe", "Maybe"
        NO = "no", "I can't come"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="replies")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="meeting_replies")
    answer = models.CharField(max_length=10, choices=Answer.choices)
    childcare = models.PositiveSmallIntegerField(default=0, help_text="Children to be looked after.")
    travel_cost = models.BooleanField(default=False)
    interpretation = models.CharField(max_length=60, blank=True, help_text="A language to interpret into.")
    step_free = models.BooleanField(default=False)
    quiet_room = models.BooleanField(default=False)
    other_needs = models.TextField(blank=True, max_length=1000)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="reply_once_per_person")]

    def __str__(self) -> str:
        return f"{self.person} to {self.meeting}: {self.answer}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="attended")
    recorded_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.person} at {self.meeting}"


class Task(models.Model):
    """Something someone (or a member group) said they would do, followed up until done."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=4000)
    owner_person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks")
    owner_group = models.ForeignKey(MemberGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks")
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    done_note = models.TextField(blank=True, max_length=2000)
    done_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    meeting = models.ForeignKey("Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks")
    agenda_item = models.ForeignKey(
        "AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    proposal = models.ForeignKey(Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["status", "due_on", "id"]
        indexes = [models.Index(fields=["coalition", "status", "due_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class AgendaItem(models.Model):
    """One item of a meeting's agenda, with the live notes taken on it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=4000)
    proposed_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    position = models.PositiveIntegerField(default=0)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Time set aside, in minutes.")
    follow_up_of = models.ForeignKey(
        Task,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
        help_text="Set on the items that follow up a task still open from an earlier meeting.",
    )
    proposal = models.ForeignKey(Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    notes = models.TextField(blank=True, max_length=50000)
    notes_revision = models.PositiveIntegerField(
        default=0, help_text="Counts saves, so two editors never overwrite each other."
    )
    notes_updated_at = models.DateTimeField(null=True, blank=True)
    notes_updated_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "position", "id"]

    def __str__(self) -> str:
        return self.title


class MeetingDecision(models.Model):
    """A decision recorded in a meeting's notes, linked to the proposal decided in the room when there is one."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    text = models.TextField(max_length=4000)
    proposal = models.ForeignKey(Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class DigestPreference(models.Model):
    """How often a person wants the catch-up by email."""

    class Frequency(models.TextChoices):
        NEVER = "never", "Never"
        DAILY = "daily", "Every day"
        WEEKLY = "weekly", "Every week"

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="digest_preference")
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.person}: {self.frequency}"


class CalendarFeed(models.Model):
    """A secret address a calendar app reads meetings from (it cannot sign in): a person's own feed, or the
    coalition's (person empty)."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="calendar_feeds")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="calendar_feeds")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["coalition", "person"], name="calendar_feed_per_person"),
            models.UniqueConstraint(
                fields=["coalition"], condition=Q(person__isnull=True), name="calendar_feed_per_coalition"
            ),
        ]

    def __str__(self) -> str:
        return f"Calendar of {self.person or self.coalition}"
