"""Every read of coalitions that leaves this app, scoped to what the actor may see.

Each function takes the actor first, checks the ability it needs, and never returns another coalition's rows.
Lists return querysets so callers can paginate them; related rows are fetched up front (no N+1 on list pages).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accord.errors import Invalid, NotFound

from .models import (
    INVITATION_TOKEN_PATTERN,
    Affiliation,
    Application,
    AuditEvent,
    Coalition,
    Invitation,
    MemberGroup,
    Person,
)
from .permissions import Actor, Standing, require, standing_in

# What a coalition's address can be; anything else (a NUL byte, a slash) is simply not found.
SLUG_PATTERN = re.compile(r"[-a-zA-Z0-9_]{1,60}")


def coalition_by_slug(actor: Actor, slug: str) -> Coalition:
    """Any visitor may see that a coalition exists, its name and purpose, and how to join."""
    well_formed = bool(SLUG_PATTERN.fullmatch(slug or ""))
    coalition = Coalition.objects.filter(slug=slug).first() if well_formed else None
    if coalition is None:
        # A malformed address is not echoed back: it may hold control characters.
        raise NotFound(f"There is no coalition{f' at “{slug}”' if well_formed else ''}. Check the address.")
    return coalition


def active_group_count(actor: Actor, coalition: Coalition) -> int:
    require(actor, coalition, "view_coalition")
    return MemberGroup.objects.filter(coalition=coalition, left_at__isnull=True).count()


def _active_affiliations() -> Prefetch[Affiliation]:
    return Prefetch(
        "affiliations",
        queryset=Affiliation.objects.filter(ended_at__isnull=True).select_related("person", "member_group"),
        to_attr="active_affiliations",
    )


def member_groups(
    actor: Actor, coalition: Coalition, *, include_former: bool = False, search: str = ""
) -> QuerySet[MemberGroup]:
    require(actor, coalition, "view_members")
    groups = MemberGroup.objects.filter(coalition=coalition)
    if not include_former:
        groups = groups.filter(left_at__isnull=True)
    if search:
        groups = groups.filter(name__icontains=search)
    # A correlated count per shown row, not a GROUP BY over every affiliation: the page (and its paginator's
    # COUNT) then costs the same whatever the coalition's size.
    current_people = (
        Affiliation.objects.filter(member_group=OuterRef("pk"), ended_at__isnull=True)
        .order_by()
        .values("member_group")
        .annotate(count=Count("person", distinct=True))
        .values("count")
    )
    return (
        groups.annotate(people_count=Coalesce(Subquery(current_people), 0))
        .prefetch_related(
            Prefetch(
                "affiliations",
                queryset=Affiliation.objects.filter(ended_at__isnull=True, is_delegate=True).select_related("person"),
                to_attr="delegate_affiliations",
            )
        )
        .order_by(F("left_at").asc(nulls_first=True), "name", "pk")
    )


def member_group(actor: Actor, coalition: Coalition, group_id: int) -> MemberGroup:
    require(actor, coalition, "view_members")
    group = MemberGroup.objects.filter(coalition=coalition, pk=group_id).first()
    if group is None:
        raise NotFound("There is no such member group in this coalition.")
    return group


def group_affiliations(
    actor: Actor, member_group: MemberGroup, *, include_former: bool = False
) -> QuerySet[Affiliation]:
    require(actor, member_group.coalition, "view_members")
    rows = Affiliation.objects.filter(member_group=member_group).select_related("person")
    if not include_former:
        rows = rows.filter(ended_at__isnull=True)
    return rows.order_by(F("ended_at").asc(nulls_first=True), "-is_delegate", "person__name")


def people(actor: Actor, coalition: Coalition, *, include_former: bool = False, search: str = "") -> QuerySet[Person]:
    require(actor, coalition, "view_members")
    rows = Person.objects.filter(coalition=coalition)
    if not include_former:
        rows = rows.filter(left_at__isnull=True)
    if search:
        rows = rows.filter(name__icontains=search)
    return rows.prefetch_related(_active_affiliations()).order_by(F("left_at").asc(nulls_first=True), "name", "pk")


def person(actor: Actor, coalition: Coalition, person_id: int) -> Person:
    require(actor, coalition, "view_members")
    found = Person.objects.filter(coalition=coalition, pk=person_id).first()
    if found is None:
        raise NotFound("There is no such person in this coalition.")
    return found


def person_affiliations(actor: Actor, person: Person) -> QuerySet[Affiliation]:
    require(actor, person.coalition, "view_members")
    return (
        Affiliation.objects.filter(person=person)
        .select_related("member_group")
        .order_by(F("ended_at").asc(nulls_first=True), "member_group__name")
    )


def affiliation(actor: Actor, coalition: Coalition, affiliation_id: int) -> Affiliation:
    require(actor, coalition, "view_members")
    found = (
        Affiliation.objects.filter(member_group__coalition=coalition, pk=affiliation_id)
        .select_related("person", "member_group")
        .first()
    )
    if found is None:
        raise NotFound("There is no such group membership in this coalition.")
    return found


def invitations(actor: Actor, coalition: Coalition, *, open_only: bool = False) -> QuerySet[Invitation]:
    """Coordinators see every invitation; a delegate sees the ones they made."""
    standing = require(actor, coalition, "view_members")
    rows = Invitation.objects.filter(coalition=coalition).select_related("member_group", "person", "created_by")
    if not standing.can("manage_members"):
        rows = rows.filter(created_by=actor)
    if open_only:
        rows = rows.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())
    return rows.order_by("-created_at")


def invitation(actor: Actor, coalition: Coalition, invitation_id: int) -> Invitation:
    found = invitations(actor, coalition).filter(pk=invitation_id).first()
    if found is None:
        raise NotFound("There is no such invitation in this coalition.")
    return found


def invitation_by_token(token: str) -> Invitation:
    """Whoever holds the link may see what it invites them to: the link is the credential."""
    token = (token or "").strip()
    found = (
        Invitation.objects.select_related("coalition", "member_group", "person", "created_by")
        .filter(token=token)
        .first()
        if INVITATION_TOKEN_PATTERN.fullmatch(token)
        else None
    )
    if found is None:
        raise NotFound("This invitation link is not valid. Check that you copied all of it, or ask for a new one.")
    return found


def applications(actor: Actor, coalition: Coalition, *, status: str = "") -> QuerySet[Application]:
    """Coordinators see every application; anyone else sees only their own."""
    standing = standing_in(actor, coalition)
    rows = Application.objects.filter(coalition=coalition).select_related("decided_by", "member_group", "person")
    if not standing.can("decide_applications"):
        if not getattr(actor, "is_authenticated", False):
            return rows.none()
        rows = rows.filter(applicant=actor)
    if status:
        if status not in Application.Status.values:
            raise Invalid(
                f"Unknown status “{status}”: use one of {', '.join(Application.Status.values)}.", field="status"
            )
        rows = rows.filter(status=status)
    return rows.order_by("-submitted_at")


def application(actor: Actor, coalition: Coalition, application_id: int) -> Application:
    found = applications(actor, coalition).filter(pk=application_id).first()
    if found is None:
        raise NotFound("There is no such application, or only coordinators can see it.")
    return found


def my_applications(actor: Actor) -> QuerySet[Application]:
    if not getattr(actor, "is_authenticated", False):
        return Application.objects.none()
    return Application.objects.filter(applicant=actor).select_related("coalition").order_by("-submitted_at")


def audit_events(actor: Actor, coalition: Coalition, *, verb_prefix: str = "") -> QuerySet[AuditEvent]:
    require(actor, coalition, "view_audit_log")
    rows = AuditEvent.objects.filter(coalition=coalition).select_related("actor_person")
    if verb_prefix:
        rows = rows.filter(verb__startswith=verb_prefix)
    return rows.order_by("-created_at", "-id")


def require_ability(actor: Actor, coalition: Coalition, ability: str) -> Standing:
    """For pages and endpoints that only need to know the actor may do something before showing a form."""
    return require(actor, coalition, ability)


def memberships_of(actor: Actor) -> QuerySet[Person]:
    """The actor's coalitions, as their active person record in each (which says their role), with the coalition
    and its number of current member groups, in one query."""
    if not getattr(actor, "is_authenticated", False):
        return Person.objects.none()
    return (
        Person.objects.filter(user=actor, left_at__isnull=True)
        .select_related("coalition")
        .annotate(
            active_group_count=Count(
                "coalition__member_groups",
                filter=Q(coalition__member_groups__left_at__isnull=True),
                distinct=True,
            )
        )
        .order_by("coalition__name", "coalition__pk")
    )


def people_leaving_with_group(actor: Actor, member_group: MemberGroup) -> tuple[list[Person], list[Person]]:
    """Who would leave the coalition if this group left (their only membership), and who would stay."""
    require(actor, member_group.coalition, "view_members")
    leaving = list(Person.objects.only_through(member_group).order_by("name"))
    leaving_ids = {person.pk for person in leaving}
    staying = [
        person
        for person in Person.objects.in_group(member_group).filter(left_at__isnull=True).order_by("name")
        if person.pk not in leaving_ids
    ]
    return leaving, staying


def groups_to_invite_to(actor: Actor, coalition: Coalition) -> QuerySet[MemberGroup]:
    """The current member groups the actor may invite people to, and add people to (`may_invite_to`): every one
    for a coordinator, their own groups for a delegate, none for anyone else. Ordered by name."""
    standing = standing_in(actor, coalition)
    if not standing.can("view_members"):
        return MemberGroup.objects.none()
    groups = MemberGroup.objects.filter(coalition=coalition, left_at__isnull=True)
    if not standing.can("manage_members"):
        # may_act_for_group in SQL: an active group the actor is a delegate of. (Withdrawing a group ends its
        # affiliations, so `delegate_of` names active groups only; the filter on left_at says so anyway.)
        groups = groups.filter(pk__in=standing.delegate_of)
    return groups.order_by("name", "pk")


def groups_to_add_person_to(actor: Actor, person: Person) -> QuerySet[MemberGroup]:
    """The groups from `groups_to_invite_to` that the person is not in now: where this actor may add them."""
    current = Affiliation.objects.filter(person=person, ended_at__isnull=True).values("member_group_id")
    return groups_to_invite_to(actor, person.coalition).exclude(pk__in=current)


def current_affiliations(actor: Actor, person: Person) -> QuerySet[Affiliation]:
    """The person's memberships of member groups that have not ended, by group name."""
    return person_affiliations(actor, person).filter(ended_at__isnull=True)


def pending_application(actor: Actor, coalition: Coalition) -> Application | None:
    """The actor's own application to this coalition that waits for a decision, if any (there is at most one)."""
    if not getattr(actor, "is_authenticated", False):
        return None
    return (
        Application.objects.filter(coalition=coalition, applicant=actor, status=Application.Status.PENDING)
        .select_related("decided_by", "member_group", "person")
        .first()
    )


def application_counts(actor: Actor, coalition: Coalition) -> dict[str, int]:
    """How many applications the actor may see, by status, every status present (0 when none), in one query."""
    counts = dict.fromkeys(Application.Status.values, 0)
    rows = applications(actor, coalition).order_by().values("status").annotate(count=Count("id"))
    for row in rows:
        counts[row["status"]] = row["count"]
    return counts


def applications_pending_first(actor: Actor, coalition: Coalition) -> QuerySet[Application]:
    """Every application the actor may see, those waiting for a decision first, then newest first."""
    pending_first = ExpressionWrapper(Q(status=Application.Status.PENDING), output_field=BooleanField())
    return applications(actor, coalition).order_by(pending_first.desc(), "-submitted_at", "-pk")


def closed_invitations(actor: Actor, coalition: Coalition) -> QuerySet[Invitation]:
    """The invitations the actor may see whose link no longer works: accepted, revoked or expired; newest first."""
    ended = Q(accepted_at__isnull=False) | Q(revoked_at__isnull=False) | Q(expires_at__lte=timezone.now())
    return invitations(actor, coalition).filter(ended)


def standing(actor: Actor, coalition: Coalition) -> Standing:
    """The actor's role in the coalition, their person record and the groups they belong to or speak for."""
    return standing_in(actor, coalition)


# --- for other apps acting on the coalition's behalf (who may take part in a decision, who to remind) ---------


def _counted(rows: QuerySet[Any], counted_at: datetime | None) -> QuerySet[Any]:
    """Without those still in their induction period at `counted_at` (when given)."""
    if counted_at is None:
        return rows
    return rows.filter(Q(counts_from__isnull=True) | Q(counts_from__lte=counted_at))


def current_people(
    coalition: Coalition, *, in_groups: Iterable[int] | None = None, counted_at: datetime | None = None
) -> QuerySet[Person]:
    """Current members; with `in_groups`, only those with a current membership of one of those groups; with
    `counted_at`, only those past their induction period then."""
    rows = _counted(Person.objects.filter(coalition=coalition, left_at__isnull=True), counted_at)
    if in_groups is not None:
        rows = rows.filter(
            affiliations__member_group_id__in=list(in_groups), affiliations__ended_at__isnull=True
        ).distinct()
    return rows.order_by("name", "id")


def individual_members(coalition: Coalition, *, counted_at: datetime | None = None) -> QuerySet[Person]:
    """Current members who belong to no current member group: they take part on their own account."""
    current = Affiliation.objects.filter(person=OuterRef("pk"), ended_at__isnull=True)
    return current_people(coalition, counted_at=counted_at).exclude(Exists(current))


def current_groups(
    coalition: Coalition, *, only: Iterable[int] | None = None, counted_at: datetime | None = None
) -> QuerySet[MemberGroup]:
    rows = _counted(MemberGroup.objects.filter(coalition=coalition, left_at__isnull=True), counted_at)
    if only is not None:
        rows = rows.filter(pk__in=list(only))
    return rows.order_by("name", "id")


def delegates_of(member_group_ids: Iterable[int]) -> QuerySet[Person]:
    """The current delegates of these groups, who speak for them."""
    return Person.objects.filter(
        left_at__isnull=True,
        affiliations__member_group_id__in=list(member_group_ids),
        affiliations__ended_at__isnull=True,
        affiliations__is_delegate=True,
    ).distinct()
