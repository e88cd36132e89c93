"""Decision kinds, proposals, rounds, the units eligible in each round, and stances.

A proposal keeps the rule in force when it opened (`Proposal.rule`), so changing the decision-kind table never
changes a decision already under way. Stances are never overwritten: a changed stance is a new row, and
`is_current` marks the one that counts, guarded by a unique constraint so no unit is ever counted twice.
"""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone

from accord.coalitions.models import Coalition, MemberGroup, Person
from accord.governance import FAILED_STATUSES


class Scope(models.TextChoices):
    COALITION = "coalition", "The whole coalition"
    AFFECTED_GROUPS = "affected_groups", "The member groups it affects"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    PASSED = "passed", "Passed"
    REJECTED = "rejected", "Rejected"
    BLOCKED = "blocked", "Blocked"
    NO_QUORUM = "no_quorum", "No quorum"
    NEEDS_DISCUSSION = "needs_discussion", "Needs discussion"
    CHOSEN = "chosen", "Chosen"
    TIE = "tie", "Tie"
    WITHDRAWN = "withdrawn", "Withdrawn"
    # Not kernel verdicts: a passed proposal whose change could no longer be made (an amendment made stale by
    # another, a member who had already left), and a round replaced by a rebased text.
    NOT_APPLIED = "not_applied", "Passed, but could not take effect"
    SUPERSEDED = "superseded", "Replaced by a new text"


# The kernel decides which outcomes are failures; a new round can follow only those.
FAILED = frozenset(Status(status) for status in FAILED_STATUSES)


class DecisionKind(models.Model):
    """A class of decision and the rule and scope it is decided under: one row of the constitution's table."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="decision_kinds")
    key = models.SlugField(max_length=60, help_text="A stable name such as amend_constitution.")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=2000)
    rule = models.JSONField(help_text="The decision rule in its JSON form (see docs/decision-rules.md).")
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.COALITION)
    position = models.PositiveIntegerField(default=0)
    revision = models.PositiveIntegerField(default=1, help_text="Counts changes, so an amendment knows its base.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["coalition", "key"], name="decision_kind_key_unique")]

    def __str__(self) -> str:
        return self.name


class AgreedWeight(models.Model):
    """A member group's weight under rules with custom weighting; groups without one weigh 1."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="agreed_weights")
    member_group = models.OneToOneField(MemberGroup, on_delete=models.CASCADE, related_name="agreed_weight")
    weight = models.CharField(max_length=40, help_text="An exact number such as 2, 1.5 or 2/3.")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.member_group}: {self.weight}"


class Proposal(models.Model):
    class ResultsVisibility(models.TextChoices):
        LIVE = "live", "Live, while it is open"
        AFTER_CLOSE = "after_close", "Only after it closes"

    class StanceVisibility(models.TextChoices):
        OPEN = "open", "Open: everyone sees who said what"
        SECRET = "secret", "Secret: only the totals are shown"

    class Process(models.TextChoices):
        STANDARD = "standard", "Standard: each unit gives a stance"
        SPOKESCOUNCIL = "spokescouncil", "Spokescouncil: member groups give positions, round after round"

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="proposals")
    # RESTRICT: a kind in use cannot be deleted on its own, but goes with its coalition when that is deleted.
    kind = models.ForeignKey(DecisionKind, on_delete=models.RESTRICT, related_name="proposals")
    title = models.CharField(max_length=200)
    author = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="proposals")
    rule = models.JSONField(help_text="The kind's rule when the proposal opened; it never changes afterwards.")
    kind_name = models.CharField(max_length=200, help_text="The kind's name when the proposal opened.")
    options = models.JSONField(default=list, blank=True)
    scope_groups = models.ManyToManyField(MemberGroup, blank=True, related_name="+")
    facilitators = models.ManyToManyField(Person, blank=True, related_name="+")
    results_visibility = models.CharField(
        max_length=20, choices=ResultsVisibility.choices, default=ResultsVisibility.LIVE
    )
    stance_visibility = models.CharField(max_length=20, choices=StanceVisibility.choices, default=StanceVisibility.OPEN)
    close_when_all_responded = models.BooleanField(default=False)
    process = models.CharField(max_length=20, choices=Process.choices, default=Process.STANDARD)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    round_number = models.PositiveIntegerField(default=1, help_text="The current (latest) round.")
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_reason = models.TextField(blank=True, max_length=4000)
    effect = models.CharField(
        max_length=30, blank=True, help_text="What passing it does, e.g. amendment or admission (see register_effect)."
    )
    effect_note = models.TextField(blank=True, max_length=4000, help_text="Why a passed proposal took no effect.")
    excluded_units = models.JSONField(
        default=list, blank=True, help_text="Units that take no part, e.g. the member a request to leave concerns."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["coalition", "status", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    @property
    def is_secret(self) -> bool:
        return self.stance_visibility == self.StanceVisibility.SECRET

    @property
    def is_spokescouncil(self) -> bool:
        return self.process == self.Process.SPOKESCOUNCIL


class Round(models.Model):
    """One round of a proposal: its text, its time window, who is eligible, and its stored outcome."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveIntegerField()
    text = models.TextField(max_length=20000, help_text="The proposal's text in this round, in Markdown.")
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    failed_rounds_before = models.PositiveIntegerField(default=0)
    rule_applied = models.CharField(max_length=20, default="main")
    outcome = models.JSONField(null=True, blank=True, help_text="The kernel's outcome, stored when the round closed.")
    eligible_count = models.PositiveIntegerField(default=0)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["proposal", "number"]
        constraints = [models.UniqueConstraint(fields=["proposal", "number"], name="round_number_unique")]
        indexes = [models.Index(fields=["status", "closes_at"])]

    def __str__(self) -> str:
        return f"{self.proposal} (round {self.number})"

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    def accepts_stances(self, now: datetime | None = None) -> bool:
        """Open, and within its time window."""
        now = now or timezone.now()
        return self.is_open and self.opens_at <= now < self.closes_at


class EligibleUnit(models.Model):
    """A unit that may respond in a round, fixed when the round opens: a person, or a member group."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="eligible_units")
    key = models.CharField(max_length=20, help_text="p<person id> or g<member group id>.")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    member_group = models.ForeignKey(MemberGroup, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    label = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=1)
    weight = models.CharField(max_length=40, blank=True, help_text="The agreed weight, under custom weighting.")

    class Meta:
        ordering = ["label", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "key"], name="eligible_unit_unique"),
            models.CheckConstraint(
                condition=Q(person__isnull=False, member_group__isnull=True)
                | Q(person__isnull=True, member_group__isnull=False),
                name="eligible_unit_person_or_group",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Stance(models.Model):
    """One unit's response. A changed stance is a new row; the one with `is_current` counts."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="stances")
    unit = models.ForeignKey(EligibleUnit, on_delete=models.CASCADE, related_name="stances")
    unit_key = models.CharField(max_length=20)
    recorded_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    position = models.CharField(max_length=20, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    choice = models.JSONField(null=True, blank=True, help_text="A ranking, approvals, scores or dots over options.")
    reason = models.TextField(blank=True, max_length=4000)
    # In a spokescouncil round: the group's own words (agree, amend, concerns, block) and its amendment; `position`
    # holds what the rule counts (see decisions.spokescouncil.counted_position).
    spokes_position = models.CharField(max_length=20, blank=True)
    amendment = models.TextField(blank=True, max_length=4000)
    note = models.CharField(max_length=500, blank=True, help_text="How it was reached, e.g. a group's internal rule.")
    on_behalf = models.BooleanField(
        default=False, help_text="Recorded by a facilitator for the unit, rather than by the person or delegate."
    )
    # Copied from the unit so the tally reads one table.
    size = models.PositiveIntegerField(default=1)
    weight = models.CharField(max_length=40, blank=True)
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit_key"], condition=Q(is_current=True), name="stance_one_current_per_unit"
            )
        ]
        indexes = [models.Index(fields=["round", "is_current", "position"])]

    def __str__(self) -> str:
        return f"{self.unit_key}: {self.position or self.score or 'choice'}"


class SpokesPosition(models.TextChoices):
    """A member group's position in a spokescouncil round, in the guide's words."""

    AGREE = "agree", "Agree"
    AMEND = "amend", "Agree with amendments"
    CONCERNS = "concerns", "Agree, with concerns"
    BLOCK = "block", "Block"


class GroupRule(models.Model):
    """A member group's own rule for settling its position in a spokescouncil from its members' views."""

    member_group = models.OneToOneField(MemberGroup, on_delete=models.CASCADE, related_name="internal_rule")
    rule = models.JSONField(help_text="A decision rule counted by people (see docs/decision-rules.md).")
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"{self.member_group}: internal rule"


class GroupMemberView(models.Model):
    """One member's view of their group's spokescouncil position in one round (the latest one given counts)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="member_views")
    member_group = models.ForeignKey(MemberGroup, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    spokes_position = models.CharField(max_length=20, choices=SpokesPosition.choices)
    amendment = models.TextField(blank=True, max_length=4000)
    reason = models.TextField(blank=True, max_length=4000)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["round", "member_group", "person"]
        constraints = [
            models.UniqueConstraint(fields=["round", "member_group", "person"], name="group_member_view_unique"),
            models.CheckConstraint(
                condition=Q(spokes_position__in=["agree", "amend", "concerns", "block"]),
                name="group_member_view_position_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} for {self.member_group}: {self.spokes_position}"
