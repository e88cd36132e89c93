"""Coalitions, their member groups and people, how they join and leave, and the audit log.

Leaving ends a membership and never deletes a row: past stances, notes and roles stay attributed, shown as
"former member".
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone


class Coalition(models.Model):
    """The space everything lives in: the tenant."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    purpose = models.TextField(max_length=2000, help_text="A short statement of what the coalition is for.")
    membership_questions = models.TextField(
        blank=True,
        max_length=4000,
        help_text="Questions a group or person answers when applying to join, one per line.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    constitution_adopted_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the founding decision adopted the constitution; until then it is a draft the founders edit.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def question_list(self) -> list[str]:
        return [line.strip() for line in self.membership_questions.splitlines() if line.strip()]


class MemberGroup(models.Model):
    """An organisation or group that joined the coalition, with the number of people it represents."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="member_groups")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=4000)
    size = models.PositiveIntegerField(help_text="How many people the group represents.")
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    joined_at = models.DateTimeField(default=timezone.now)
    counts_from = models.DateTimeField(
        null=True, blank=True, help_text="The end of the induction period: counted in decisions opened from then on."
    )
    left_at = models.DateTimeField(null=True, blank=True)
    leave_reason = models.TextField(blank=True, max_length=4000)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "coalition",
                Lower("name"),
                condition=Q(left_at__isnull=True),
                name="member_group_active_name_unique",
            ),
            models.CheckConstraint(condition=Q(size__gte=1), name="member_group_size_positive"),
        ]
        indexes = [models.Index(fields=["coalition", "left_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.left_at is None

    @property
    def label(self) -> str:
        return self.name if self.is_active else f"{self.name} (former member)"


class PersonQuerySet(models.QuerySet["Person"]):
    def in_group(self, member_group: MemberGroup) -> PersonQuerySet:
        return self.filter(affiliations__member_group=member_group, affiliations__ended_at__isnull=True).distinct()

    def only_through(self, member_group: MemberGroup) -> PersonQuerySet:
        """Current members whose only membership is this group: they leave when it leaves."""
        elsewhere = Affiliation.objects.filter(person=models.OuterRef("pk"), ended_at__isnull=True).exclude(
            member_group=member_group
        )
        return (
            self.in_group(member_group)
            .filter(left_at__isnull=True, is_individual_member=False, is_coordinator=False)
            .exclude(models.Exists(elsewhere))
        )


class Person(models.Model):
    """An individual known to a coalition. May have no account (recorded by a facilitator) and claim it later."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True, help_text="Kept for contact; sign-in uses the linked account.")
    is_coordinator = models.BooleanField(default=False)
    is_individual_member = models.BooleanField(
        default=False, help_text="A member in their own right, not only through a member group."
    )
    joined_at = models.DateTimeField(default=timezone.now)
    counts_from = models.DateTimeField(
        null=True, blank=True, help_text="The end of the induction period: counted in decisions opened from then on."
    )
    left_at = models.DateTimeField(null=True, blank=True)
    leave_reason = models.TextField(blank=True, max_length=4000)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                fields=["coalition", "user"], condition=Q(user__isnull=False), name="person_one_per_user"
            ),
            models.CheckConstraint(
                condition=Q(left_at__isnull=True) | Q(is_coordinator=False, is_individual_member=False),
                name="person_former_holds_no_membership",
            ),
        ]
        indexes = [models.Index(fields=["coalition", "left_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.left_at is None

    @property
    def label(self) -> str:
        return self.name if self.is_active else f"{self.name} (former member)"


class Affiliation(models.Model):
    """A person's belonging to a member group; delegates carry the group's positions."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    member_group = models.ForeignKey(MemberGroup, on_delete=models.CASCADE, related_name="affiliations")
    is_delegate = models.BooleanField(default=False)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True, max_length=4000)

    class Meta:
        ordering = ["member_group__name", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "member_group"],
                condition=Q(ended_at__isnull=True),
                name="affiliation_active_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.member_group}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


# Tokens are made by secrets.token_urlsafe(24); anything else is refused before it reaches the database.
INVITATION_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")


class Invitation(models.Model):
    """A link that lets its holder join (or claim a recorded person); sent by email when an address is given."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="invitations")
    token = models.CharField(max_length=64, unique=True)
    email = models.EmailField(blank=True)
    member_group = models.ForeignKey(
        MemberGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    as_delegate = models.BooleanField(default=False)
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="claim_invitations",
        help_text="Set when the invitation lets someone claim a person recorded without an account.",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation to {self.coalition}"

    @property
    def link(self) -> str:
        """The full address to send: the invitation page, under the install's public address."""
        return settings.BASE_URL + reverse("web:invitation", args=[self.token])

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"


class Application(models.Model):
    """A group's or an individual's request to join, answered by the coalition."""

    class Kind(models.TextChoices):
        GROUP = "group", "Member group"
        INDIVIDUAL = "individual", "Individual"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        ADMITTED = "admitted", "Admitted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="applications"
    )
    applicant_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    group_name = models.CharField(max_length=120, blank=True)
    group_description = models.TextField(blank=True, max_length=4000)
    group_size = models.PositiveIntegerField(null=True, blank=True)
    contact_email = models.EmailField(blank=True)
    answers = models.JSONField(default=list, blank=True, help_text="[{question, answer}] in the order asked.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(blank=True, max_length=4000)
    member_group = models.ForeignKey(MemberGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["coalition", "applicant"],
                condition=Q(status="pending"),
                name="application_one_pending_per_applicant",
            ),
            models.CheckConstraint(
                condition=Q(kind="individual") | (Q(group_size__gte=1) & ~Q(group_name="")),
                name="application_group_has_name_and_size",
            ),
        ]

    def __str__(self) -> str:
        subject = self.group_name if self.kind == self.Kind.GROUP else self.applicant_name
        return f"Application from {subject}"

    @property
    def subject_name(self) -> str:
        return self.group_name if self.kind == self.Kind.GROUP else self.applicant_name


class AuditEvent(models.Model):
    """One change, in plain words, readable by the coalition's members. Written by actions, never edited."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="audit_events")
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=200, help_text="The actor's name when it happened.")
    verb = models.CharField(max_length=60, help_text="A stable name such as member_group.added.")
    summary = models.CharField(max_length=500)
    target_type = models.CharField(max_length=40, blank=True)
    target_id = models.BigIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["coalition", "-created_at", "-id"])]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.summary}"

    @property
    def actor_label(self) -> str:
        if self.actor_person is not None and not self.actor_person.is_active:
            return f"{self.actor_name} (former member)"
        return self.actor_name
