"""The constitution: agreements as versioned documents, the terms that bind them (induction period, red-line
reviews), amendments, sign-on, admissions, requests to leave, and member groups' red lines.

The decision-kind table (decisions.DecisionKind) is the rest of the constitution; both change, once the founding
decision has adopted them, only through an `Amendment` decided under the "amend the constitution" rule in force.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from accord.coalitions.models import Application, Coalition, MemberGroup, Person
from accord.decisions.models import DecisionKind, Proposal


class Constitution(models.Model):
    """The coalition's terms that are numbers or yes/no rather than text, and the founding decision."""

    coalition = models.OneToOneField(Coalition, on_delete=models.CASCADE, related_name="constitution")
    induction_days = models.PositiveIntegerField(
        default=14, help_text="Days a newly admitted member spends in induction before counting in decisions."
    )
    admission_days = models.PositiveIntegerField(
        default=14, help_text="Days an admission decision stays open after someone applies."
    )
    red_line_review_days = models.PositiveIntegerField(
        default=180, help_text="How often member groups re-confirm their red lines, in days."
    )
    concerned_member_takes_part = models.BooleanField(
        default=False, help_text="Whether a member asked to leave takes part in that decision."
    )
    revision = models.PositiveIntegerField(default=1)
    founding_proposal = models.ForeignKey(Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Constitution of {self.coalition}"


class Agreement(models.Model):
    """One of the coalition's agreements; its text lives in its versions."""

    class Category(models.TextChoices):
        UNITY = "unity", "Unity statement"
        PURPOSE = "purpose", "Purpose and goals"
        VALUES = "values", "Values and principles"
        POLICY = "policy", "Policies"
        MEMBERSHIP = "membership", "What it means to be in"

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="agreements")
    key = models.SlugField(max_length=60)
    category = models.CharField(max_length=20, choices=Category.choices)
    position = models.PositiveIntegerField(default=0)
    members_confirm = models.BooleanField(
        default=False,
        help_text="Members sign on to it when they join and re-confirm it whenever it changes.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["coalition", "key"], name="agreement_key_unique")]

    def __str__(self) -> str:
        return self.key


class AgreementVersion(models.Model):
    """The text of an agreement from when it took effect until the next version did."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    text = models.TextField(max_length=20000)
    took_effect_at = models.DateTimeField(null=True, blank=True, help_text="Empty while the constitution is a draft.")
    adopted_by = models.ForeignKey(Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} (version {self.number})"


class Amendment(models.Model):
    """A structured change to the constitution, carried by a proposal of the kind "amend the constitution"."""

    class Target(models.TextChoices):
        AGREEMENT = "agreement", "Change an agreement's text"
        NEW_AGREEMENT = "new_agreement", "Add an agreement"
        DECISION_KIND = "decision_kind", "Change a decision kind's rule or scope"
        NEW_DECISION_KIND = "new_decision_kind", "Add a decision kind"
        TERMS = "terms", "Change the constitution's terms"
        AGREED_WEIGHT = "agreed_weight", "Change a member group's agreed weight"

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="amendments")
    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="amendment")
    target = models.CharField(max_length=20, choices=Target.choices)
    target_key = models.CharField(
        max_length=100, help_text="What it changes, e.g. agreement:4; two open amendments with the same key conflict."
    )
    agreement = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    decision_kind = models.ForeignKey(DecisionKind, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    member_group = models.ForeignKey(MemberGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    base_revision = models.PositiveIntegerField(default=0, help_text="The version or revision it was drafted on.")
    change = models.JSONField(help_text="The new text, rule, terms or weight, in the form the target takes.")
    stale_since = models.DateTimeField(null=True, blank=True)
    stale_because = models.CharField(max_length=500, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    adopted_version = models.ForeignKey(
        AgreementVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["coalition", "target_key"])]

    def __str__(self) -> str:
        return f"Amendment: {self.proposal}"

    @property
    def is_stale(self) -> bool:
        return self.stale_since is not None


class SignOn(models.Model):
    """A member group (through a delegate) or an individual member signing on to one version of an agreement."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="sign_ons")
    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="sign_ons")
    member_group = models.ForeignKey(MemberGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    signed_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    signed_by_name = models.CharField(max_length=200)
    signed_at = models.DateTimeField(default=timezone.now)
    on_behalf = models.BooleanField(
        default=False,
        help_text=(
            "Recorded by a coordinator (signed_by) that the member confirmed, at a meeting, rather than signed by "
            "the group's delegate or the individual member."
        ),
    )

    class Meta:
        ordering = ["-signed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, member_group__isnull=True)
                | Q(person__isnull=True, member_group__isnull=False),
                name="sign_on_person_or_group",
            ),
            models.UniqueConstraint(
                fields=["version", "member_group"], condition=Q(member_group__isnull=False), name="sign_on_group_once"
            ),
            models.UniqueConstraint(
                fields=["version", "person"], condition=Q(person__isnull=False), name="sign_on_person_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Sign-on to {self.version}"


class Admission(models.Model):
    """The decision on an application, and the versions the applicant signed on to when applying."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="admission")
    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="admission")
    signed_versions = models.ManyToManyField(AgreementVersion, blank=True, related_name="+")

    def __str__(self) -> str:
        return f"Admission of {self.application.subject_name}"


class RemovalRequest(models.Model):
    """A request that a member leave, carried by a proposal of the kind "ask a member to leave"."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="removal_requests")
    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="removal_request")
    member_group = models.ForeignKey(MemberGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    rests_on = models.ForeignKey(
        AgreementVersion, on_delete=models.PROTECT, related_name="+", help_text="The agreed rule the request rests on."
    )
    concerned_takes_part = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, member_group__isnull=True)
                | Q(person__isnull=True, member_group__isnull=False),
                name="removal_person_or_group",
            )
        ]

    def __str__(self) -> str:
        return f"Request to leave: {self.proposal}"

    @property
    def subject_label(self) -> str:
        subject = self.member_group or self.person
        return subject.label if subject is not None else ""


class RedLine(models.Model):
    """What a member group cannot accept, stated so everyone knows what is negotiable and what is not."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="red_lines")
    member_group = models.ForeignKey(MemberGroup, on_delete=models.CASCADE, related_name="red_lines")
    text = models.TextField(max_length=2000)
    stated_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(default=timezone.now)
    confirmed_by_name = models.CharField(max_length=200, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["member_group__name", "stated_at", "id"]
        indexes = [models.Index(fields=["coalition", "withdrawn_at"])]

    def __str__(self) -> str:
        return f"{self.member_group}: {self.text[:60]}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class RedLineFlag(models.Model):
    """A member's warning that a proposal touches a member group's red line."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="red_line_flags")
    red_line = models.ForeignKey(RedLine, on_delete=models.CASCADE, related_name="flags")
    flagged_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    flagged_by_name = models.CharField(max_length=200)
    note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "red_line"], condition=Q(withdrawn_at__isnull=True), name="red_line_flag_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal} touches {self.red_line}"
