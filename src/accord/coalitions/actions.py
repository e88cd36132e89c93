"""Every write to coalitions, member groups, people, invitations and applications.

Each action is atomic, checks permission first, validates its input with a message that says what to change,
writes an audit event, and schedules mail only once the transaction has committed.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from accord.atomic import atomic_action
from accord.errors import Conflict, Invalid, NotAllowed, NotFound, NotSignedIn
from accord.text import clean_text

from . import tasks
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
from .permissions import (
    Actor,
    Role,
    Standing,
    forget_standings,
    may_act_for_group,
    may_edit_person,
    may_end_affiliation,
    may_invite_to,
    may_set_delegate,
    require,
    require_group_editor,
    standing_in,
)

INVITATION_DAYS_DEFAULT = 14
INVITATION_DAYS_MAX = 90
REASON_MAX = 4000


# --- input checks, shared by the actions below -------------------------------------------------------------


_text = clean_text


def _email(value: str | None, *, field: str, required: bool = False) -> str:
    if value is not None and not isinstance(value, str):
        raise Invalid("Enter an email address as text.", field=field)
    cleaned = (value or "").strip().lower()
    if not cleaned:
        if required:
            raise Invalid("Enter an email address.", field=field)
        return ""
    try:
        validate_email(cleaned)
    except ValidationError:
        raise Invalid(f"Enter a valid email address, like name@example.org (got “{cleaned}”).", field=field)
    return cleaned


def _size(value: Any, *, field: str) -> int:
    if isinstance(value, bool) or value in (None, ""):
        raise Invalid("Enter how many people the group represents, a whole number of 1 or more.", field=field)
    try:
        size = int(value)
    except (TypeError, ValueError, OverflowError):
        raise Invalid("Enter how many people the group represents as a whole number, like 12.", field=field)
    if size != value and str(size) != str(value).strip():
        raise Invalid("Enter how many people the group represents as a whole number, like 12.", field=field)
    if size < 1 or size > 10_000_000:
        raise Invalid("Enter a number of people between 1 and 10,000,000.", field=field)
    return size


def _reason(value: str | None, *, field: str = "reason", required: bool = False, label: str = "a reason") -> str:
    return _text(value, field=field, label=label, max_length=REASON_MAX, required=required)


def record_audit_event(
    *,
    coalition: Coalition,
    actor: Actor,
    standing: Standing | None,
    verb: str,
    summary: str,
    target: Any = None,
    data: dict[str, Any] | None = None,
    actor_name: str | None = None,
) -> AuditEvent:
    """Write one audit event; `actor_name` names work Accord does itself (a round closing at its deadline).

    Every action writes one, so this is also where the standings remembered for the request are dropped.
    """
    forget_standings()
    person = standing.person if standing else None
    if actor_name is None and person is not None:
        actor_name = person.name
    elif actor_name is None and getattr(actor, "is_authenticated", False):
        actor_name = actor.display_name
    elif actor_name is None:
        actor_name = "Someone not signed in"
    return AuditEvent.objects.create(
        coalition=coalition,
        actor_user=actor if getattr(actor, "is_authenticated", False) else None,
        actor_person=person,
        actor_name=actor_name,
        verb=verb,
        summary=summary[:500],
        target_type=target._meta.model_name if target is not None else "",
        target_id=target.pk if target is not None else None,
        data=data or {},
    )


_audit = record_audit_event


def _apply_changes(instance: Any, proposed: dict[str, Any]) -> dict[str, Any]:
    """Save the proposed values that differ from the instance's; return only those (empty: nothing to record)."""
    changed = {key: value for key, value in proposed.items() if getattr(instance, key) != value}
    for key, value in changed.items():
        setattr(instance, key, value)
    if changed:
        instance.save(update_fields=list(changed))
    return changed


def _described(changed: dict[str, Any]) -> str:
    return ", ".join(key.replace("_", " ") for key in changed)


def _require_signed_in(actor: Actor) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise NotSignedIn("Sign in to do this.")


# Addresses under /c/ that are pages, not coalitions.
RESERVED_SLUGS = frozenset({"new"})


def _token(value: Any) -> str:
    """An invitation token as given, or "" when it cannot be one (so the lookup finds nothing, and PostgreSQL is
    never asked about NUL characters)."""
    token = value.strip() if isinstance(value, str) else ""
    return token if INVITATION_TOKEN_PATTERN.fullmatch(token) else ""


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "coalition"
    slug, suffix = base, 2
    while slug in RESERVED_SLUGS or Coalition.objects.filter(slug=slug).exists():
        slug = f"{base}-{suffix}"
        suffix += 1
    return slug


def _check_group_name_free(coalition: Coalition, name: str, *, field: str, except_pk: int | None = None) -> None:
    clash = MemberGroup.objects.filter(coalition=coalition, left_at__isnull=True, name__iexact=name)
    if except_pk is not None:
        clash = clash.exclude(pk=except_pk)
    if clash.exists():
        raise Conflict(
            f"A member group called “{name}” is already in this coalition: choose another name.", field=field
        )


def _active_group(coalition: Coalition, member_group: MemberGroup, *, field: str) -> MemberGroup:
    if member_group.coalition_id != coalition.pk:
        raise NotFound("There is no such member group in this coalition.", field=field)
    if not member_group.is_active:
        raise Conflict(f"{member_group.name} has left the coalition; choose a current member group.", field=field)
    return member_group


def _in_another_group(person: Person, *, except_affiliation: Affiliation | None = None) -> bool:
    others = person.affiliations.filter(ended_at__isnull=True)
    if except_affiliation is not None:
        others = others.exclude(pk=except_affiliation.pk)
    return others.exists()


def _has_other_membership(person: Person, *, except_affiliation: Affiliation | None = None) -> bool:
    """Whether the person stays a member without this affiliation."""
    return (
        person.is_individual_member
        or person.is_coordinator
        or _in_another_group(person, except_affiliation=except_affiliation)
    )


def _open_invitations() -> QuerySet[Invitation]:
    return Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)


def _revoke_lapsed_invitations(coalition: Coalition, user: Any) -> None:
    """An invitation carries its maker's authority: when they lose it, their open links stop showing as open."""
    if user is None:
        return
    standing = standing_in(user, coalition)
    lapsed = [
        invitation.pk
        for invitation in _open_invitations()
        .filter(coalition=coalition, created_by=user)
        .select_related("member_group")
        if not may_invite_to(standing, invitation.member_group)
    ]
    Invitation.objects.filter(pk__in=lapsed).update(revoked_at=timezone.now())


def _lock_coalition(coalition_id: int) -> None:
    """Serialise changes to who coordinates: each such action locks the coalition row before any person row, so
    two of them at once queue rather than deadlock."""
    list(Coalition.objects.select_for_update().filter(pk=coalition_id))


def _lock_group(member_group_id: int) -> None:
    """The same for a member group's delegates."""
    list(MemberGroup.objects.select_for_update().filter(pk=member_group_id))


def _active_coordinators(coalition: Coalition) -> int:
    return Person.objects.filter(coalition=coalition, is_coordinator=True, left_at__isnull=True).count()


# --- coalitions --------------------------------------------------------------------------------------------


@atomic_action
def create_coalition(*, actor: Actor, name: str, purpose: str, membership_questions: str = "") -> Coalition:
    """A signed-in person founds a coalition and becomes its first coordinator."""
    _require_signed_in(actor)
    name = _text(name, field="name", label="the coalition's name", max_length=120)
    purpose = _text(purpose, field="purpose", label="the coalition's purpose", max_length=2000)
    questions = _text(
        membership_questions,
        field="membership_questions",
        label="the membership questions",
        max_length=4000,
        required=False,
    )
    coalition = Coalition.objects.create(
        name=name, slug=_unique_slug(name), purpose=purpose, membership_questions=questions, created_by=actor
    )
    founder = Person.objects.create(
        coalition=coalition,
        user=actor,
        name=actor.display_name,
        email=actor.email,
        is_coordinator=True,
        is_individual_member=True,
    )
    _audit(
        coalition=coalition,
        actor=actor,
        standing=Standing(Role.COORDINATOR, founder),
        verb="coalition.created",
        summary=f"founded the coalition {name}",
        target=coalition,
    )
    return coalition


@atomic_action
def update_coalition(
    *,
    actor: Actor,
    coalition: Coalition,
    name: str | None = None,
    purpose: str | None = None,
    membership_questions: str | None = None,
) -> Coalition:
    standing = require(actor, coalition, "manage_coalition")
    changed: dict[str, Any] = {}
    if name is not None:
        changed["name"] = _text(name, field="name", label="the coalition's name", max_length=120)
    if purpose is not None:
        changed["purpose"] = _text(purpose, field="purpose", label="the coalition's purpose", max_length=2000)
    if membership_questions is not None:
        changed["membership_questions"] = _text(
            membership_questions,
            field="membership_questions",
            label="the membership questions",
            max_length=4000,
            required=False,
        )
    changed = _apply_changes(coalition, changed)
    if not changed:
        return coalition
    _audit(
        coalition=coalition,
        actor=actor,
        standing=standing,
        verb="coalition.updated",
        summary=f"changed the coalition's {_described(changed)}",
        target=coalition,
        data={"changed": sorted(changed)},
    )
    return coalition


# --- member groups -----------------------------------------------------------------------------------------


@atomic_action
def add_member_group(
    *,
    actor: Actor,
    coalition: Coalition,
    name: str,
    size: Any,
    description: str = "",
    contact_name: str = "",
    contact_email: str = "",
) -> MemberGroup:
    standing = require(actor, coalition, "manage_members")
    name = _text(name, field="name", label="the group's name", max_length=120)
    _check_group_name_free(coalition, name, field="name")
    member_group = MemberGroup.objects.create(
        coalition=coalition,
        name=name,
        size=_size(size, field="size"),
        description=_text(description, field="description", label="the description", max_length=4000, required=False),
        contact_name=_text(
            contact_name, field="contact_name", label="the contact's name", max_length=200, required=False
        ),
        contact_email=_email(contact_email, field="contact_email"),
    )
    _audit(
        coalition=coalition,
        actor=actor,
        standing=standing,
        verb="member_group.added",
        summary=f"added the member group {name} ({member_group.size} people)",
        target=member_group,
    )
    return member_group


@atomic_action
def update_member_group(
    *,
    actor: Actor,
    member_group: MemberGroup,
    name: str | None = None,
    size: Any = None,
    description: str | None = None,
    contact_name: str | None = None,
    contact_email: str | None = None,
) -> MemberGroup:
    member_group = MemberGroup.objects.select_for_update(of=("self",)).get(pk=member_group.pk)
    standing = require_group_editor(actor, member_group)
    if not member_group.is_active:
        raise Conflict(f"{member_group.name} has left the coalition; its record can no longer be changed.")
    changed: dict[str, Any] = {}
    if name is not None:
        changed["name"] = _text(name, field="name", label="the group's name", max_length=120)
        _check_group_name_free(member_group.coalition, changed["name"], field="name", except_pk=member_group.pk)
    if size is not None:
        changed["size"] = _size(size, field="size")
    if description is not None:
        changed["description"] = _text(
            description, field="description", label="the description", max_length=4000, required=False
        )
    if contact_name is not None:
        changed["contact_name"] = _text(
            contact_name, field="contact_name", label="the contact's name", max_length=200, required=False
        )
    if contact_email is not None:
        changed["contact_email"] = _email(contact_email, field="contact_email")
    size_before = member_group.size
    changed = _apply_changes(member_group, changed)
    if not changed:
        return member_group
    data: dict[str, Any] = {"changed": sorted(changed)}
    if "size" in changed:
        data["size"] = {"from": size_before, "to": changed["size"]}
    _audit(
        coalition=member_group.coalition,
        actor=actor,
        standing=standing,
        verb="member_group.updated",
        summary=f"changed {member_group.name}'s {_described(changed)}",
        target=member_group,
        data=data,
    )
    return member_group


def _take_group_out(member_group: MemberGroup, *, reason: str, people_reason: str) -> list[Person]:
    """End a (locked) group's membership: its affiliations end and people who belonged only through it leave."""
    now = timezone.now()
    # FOR UPDATE cannot take the DISTINCT that finds them, so find first, then lock by key.
    departed_ids = list(Person.objects.only_through(member_group).values_list("pk", flat=True))
    departed = list(Person.objects.select_for_update(of=("self",)).filter(pk__in=departed_ids))
    member_group.left_at = now
    member_group.leave_reason = reason
    member_group.save(update_fields=["left_at", "leave_reason"])
    Affiliation.objects.filter(member_group=member_group, ended_at__isnull=True).update(
        ended_at=now, end_reason=f"{member_group.name} left the coalition"
    )
    Person.objects.filter(pk__in=[p.pk for p in departed]).update(left_at=now, leave_reason=people_reason)
    # Links into a group that left, or to claim the record of someone who left with it, must stop working.
    _open_invitations().filter(Q(member_group=member_group) | Q(person__in=departed)).update(revoked_at=now)
    return departed


@atomic_action
def withdraw_member_group(*, actor: Actor, member_group: MemberGroup, reason: str = "") -> MemberGroup:
    """A member group leaves the coalition by itself, through one of its delegates.

    Its people's affiliations end; people who belonged only through this group leave with it. Nothing is
    deleted: the group and its people stay in the record as former members.
    """
    member_group = (
        MemberGroup.objects.select_for_update(of=("self",)).select_related("coalition").get(pk=member_group.pk)
    )
    coalition = member_group.coalition
    standing = require(actor, coalition, "view_members")
    if not member_group.is_active:
        raise Conflict(f"{member_group.name} has already left the coalition.")
    if not may_act_for_group(standing, member_group):
        raise NotAllowed(f"Only a delegate of {member_group.name} can take it out of the coalition.")
    reason = _reason(reason)
    departed = _take_group_out(
        member_group, reason=reason, people_reason=f"Their member group {member_group.name} left the coalition."
    )
    _audit(
        coalition=coalition,
        actor=actor,
        standing=standing,
        verb="member_group.left",
        summary=f"took {member_group.name} out of the coalition" + (f": “{reason}”" if reason else ""),
        target=member_group,
        data={"reason": reason, "people_left_with_group": [p.pk for p in departed]},
    )
    return member_group


# --- people ------------------------------------------------------------------------------------------------


def _groups_in(coalition: Coalition, groups: Iterable[MemberGroup], *, field: str) -> list[MemberGroup]:
    seen: dict[int, MemberGroup] = {}
    for group in groups:
        seen[group.pk] = _active_group(coalition, group, field=field)
    return list(seen.values())


@atomic_action
def record_person(
    *,
    actor: Actor,
    coalition: Coalition,
    name: str,
    email: str = "",
    member_groups: Sequence[MemberGroup] = (),
    delegate_of: Sequence[MemberGroup] = (),
    is_individual_member: bool = False,
) -> Person:
    """A coordinator records a person, who may have no account; they can claim the record later by invitation."""
    standing = require(actor, coalition, "manage_members")
    name = _text(name, field="name", label="the person's name", max_length=200)
    email = _email(email, field="email")
    groups = _groups_in(coalition, [*member_groups, *delegate_of], field="member_groups")
    delegate_ids = {group.pk for group in delegate_of}
    if not groups and not is_individual_member:
        raise Invalid(
            "Choose at least one member group for this person, or record them as an individual member.",
            field="member_groups",
        )
    if email and Person.objects.filter(coalition=coalition, email__iexact=email, left_at__isnull=True).exists():
        raise Conflict(f"Someone with the address {email} is already recorded in this coalition.", field="email")
    # Someone who belongs only through groups still in their induction period is counted when the first is.
    now = timezone.now()
    inducted = [group.counts_from for group in groups if group.counts_from is not None and group.counts_from > now]
    counts_from = min(inducted) if groups and not is_individual_member and len(inducted) == len(groups) else None
    person = Person.objects.create(
        coalition=coalition, name=name, email=email, is_individual_member=is_individual_member, counts_from=counts_from
    )
    Affiliation.objects.bulk_create(
        [Affiliation(person=person, member_group=group, is_delegate=group.pk in delegate_ids) for group in groups]
    )
    where = ", ".join(group.name for group in groups) or "the coalition as an individual member"
    _audit(
        coalition=coalition,
        actor=actor,
        standing=standing,
        verb="person.recorded",
        summary=f"recorded {name} in {where}",
        target=person,
        data={"member_groups": [group.pk for group in groups], "delegate_of": sorted(delegate_ids)},
    )
    return person


@atomic_action
def update_person(
    *,
    actor: Actor,
    person: Person,
    name: str | None = None,
    email: str | None = None,
    is_individual_member: bool | None = None,
) -> Person:
    """A person edits their own name and address; a coordinator may edit anyone's and their individual membership."""
    person = Person.objects.select_for_update(of=("self",)).select_related("coalition").get(pk=person.pk)
    standing = require(actor, person.coalition, "view_members")
    is_coordinator = standing.can("manage_members")
    if not may_edit_person(standing, person):
        raise NotAllowed("Only the person themselves or a coordinator can change this person’s details.")
    if not person.is_active:
        raise Conflict(f"{person.name} has left the coalition; their record can no longer be changed.")
    changed: dict[str, Any] = {}
    if name is not None:
        changed["name"] = _text(name, field="name", label="the person's name", max_length=200)
    if email is not None:
        changed["email"] = _email(email, field="email")
    if is_individual_member is not None:
        if not is_coordinator:
            raise NotAllowed(
                "Only a coordinator can change whether someone is an individual member.", field="is_individual_member"
            )
        changed["is_individual_member"] = is_individual_member
    if (
        changed.get("is_individual_member") is False
        and person.is_individual_member
        and not person.is_coordinator
        and not _in_another_group(person)
    ):
        raise Conflict(
            f"{person.name} belongs to no member group, so they would hold no membership: "
            "add them to a member group first.",
            field="is_individual_member",
        )
    changed = _apply_changes(person, changed)
    if not changed:
        return person
    _audit(
        coalition=person.coalition,
        actor=actor,
        standing=standing,
        verb="person.updated",
        summary=f"changed {person.name}'s {_described(changed)}",
        target=person,
        data={"changed": sorted(changed)},
    )
    return person


@atomic_action
def set_coordinator(*, actor: Actor, person: Person, is_coordinator: bool) -> Person:
    _lock_coalition(person.coalition_id)
    person = Person.objects.select_for_update(of=("self",)).select_related("coalition").get(pk=person.pk)
    coalition = person.coalition
    standing = require(actor, coalition, "manage_members")
    if not person.is_active:
        raise Conflict(f"{person.name} has left the coalition and cannot be a coordinator.")
    if person.is_coordinator == is_coordinator:
        return person
    kept_as_individual = False
    if not is_coordinator:
        # The coalition row locked above makes two coordinators stepping down at once queue: one always stays.
        if _active_coordinators(coalition) <= 1:
            raise Conflict(
                f"{person.name} is the only coordinator: make someone else a coordinator first.",
                field="is_coordinator",
            )
        if not person.is_individual_member and not _in_another_group(person):
            # Stepping down is not leaving: with no group, they stay in as an individual member, and are told so.
            person.is_individual_member = True
            kept_as_individual = True
    person.is_coordinator = is_coordinator
    person.save(update_fields=["is_coordinator", "is_individual_member"])
    if not is_coordinator:
        _revoke_lapsed_invitations(coalition, person.user)
    _audit(
        coalition=coalition,
        actor=actor,
        standing=standing,
        verb="person.coordinator_added" if is_coordinator else "person.coordinator_removed",
        summary=f"made {person.name} a coordinator"
        if is_coordinator
        else (
            f"ended {person.name}'s coordinator role"
            + ("; they stay in the coalition as an individual member" if kept_as_individual else "")
        ),
        target=person,
    )
    return person


@atomic_action
def add_affiliation(
    *, actor: Actor, person: Person, member_group: MemberGroup, is_delegate: bool = False
) -> Affiliation:
    """Add a person to a member group: a coordinator, or a delegate of that group, may."""
    person = Person.objects.select_for_update(of=("self",)).select_related("coalition").get(pk=person.pk)
    coalition = person.coalition
    _active_group(coalition, member_group, field="member_group")
    standing = require_group_editor(actor, member_group)
    if not person.is_active:
        raise Conflict(f"{person.name} has left the coalition; invite them back instead.", field="person")
    if Affiliation.objects.filter(person=person, member_group=member_group, ended_at__isnull=True).exists():
        raise Conflict(f"{person.name} is already in {member_group.name}.", field="member_group")
    affiliation = Affiliation.objects.create(person=person, member_group=member_group, is_delegate=is_delegate)
    _audit(
        coalition=coalition,
        actor=actor,
        standing=standing,
        verb="affiliation.added",
        summary=f"added {person.name} to {member_group.name}" + (" as a delegate" if is_delegate else ""),
        target=affiliation,
        data={"person": person.pk, "member_group": member_group.pk, "is_delegate": is_delegate},
    )
    return affiliation


def _refuse_losing_the_last_delegate(standing: Standing, affiliation: Affiliation, *, field: str | None) -> None:
    """A group acts through its delegates, so its last one names a successor before stepping down or leaving the
    group. A coordinator may still end the role (say, for someone who has gone quiet); leaving the whole coalition
    is never held back."""
    if standing.can("manage_members") or not affiliation.is_delegate:
        return
    others = Affiliation.objects.filter(
        member_group_id=affiliation.member_group_id, ended_at__isnull=True, is_delegate=True
    ).exclude(pk=affiliation.pk)
    if not others.exists():
        group = affiliation.member_group
        raise Conflict(
            f"{affiliation.person.name} is the only delegate of {group.name}: name another delegate first, so the "
            "group can still act in the coalition.",
            field=field,
        )


@atomic_action
def set_delegate(*, actor: Actor, affiliation: Affiliation, is_delegate: bool) -> Affiliation:
    _lock_group(affiliation.member_group_id)
    affiliation = (
        Affiliation.objects.select_for_update(of=("self",))
        .select_related("person", "member_group__coalition")
        .get(pk=affiliation.pk)
    )
    group = affiliation.member_group
    standing = require_group_editor(actor, group)
    if not may_set_delegate(standing, affiliation, is_delegate):
        raise NotAllowed(
            f"A delegate can name more delegates of {group.name} and give up their own role, but only a "
            "coordinator can end someone else’s.",
            field="is_delegate",
        )
    if not affiliation.is_active:
        raise Conflict(f"{affiliation.person.name} is no longer in {group.name}.")
    if affiliation.is_delegate == is_delegate:
        return affiliation
    if not is_delegate:
        _refuse_losing_the_last_delegate(standing, affiliation, field="is_delegate")
    affiliation.is_delegate = is_delegate
    affiliation.save(update_fields=["is_delegate"])
    if not is_delegate:
        _revoke_lapsed_invitations(group.coalition, affiliation.person.user)
    who = affiliation.person.name
    _audit(
        coalition=group.coalition,
        actor=actor,
        standing=standing,
        verb="affiliation.delegate_added" if is_delegate else "affiliation.delegate_removed",
        summary=(
            f"made {who} a delegate of {group.name}"
            if is_delegate
            else f"ended {who}'s role as delegate of {group.name}"
        ),
        target=affiliation,
        data={"person": affiliation.person_id, "member_group": affiliation.member_group_id},
    )
    return affiliation


@atomic_action
def end_affiliation(*, actor: Actor, affiliation: Affiliation, reason: str = "") -> Affiliation:
    """A person leaves one member group (by themselves, or recorded by a coordinator or the group's delegate)."""
    _lock_group(affiliation.member_group_id)
    affiliation = (
        Affiliation.objects.select_for_update(of=("self",))
        .select_related("person", "member_group__coalition")
        .get(pk=affiliation.pk)
    )
    group, person = affiliation.member_group, affiliation.person
    standing = require(actor, group.coalition, "view_members")
    is_self = standing.person is not None and standing.person.pk == person.pk
    if not may_end_affiliation(standing, affiliation):
        raise NotAllowed(f"Only {person.name}, a coordinator or a delegate of {group.name} can do this.")
    if not affiliation.is_active:
        raise Conflict(f"{person.name} has already left {group.name}.")
    if not _has_other_membership(person, except_affiliation=affiliation):
        raise Conflict(
            f"{group.name} is {person.name}’s only membership. To leave the coalition altogether use "
            "“Leave the coalition”, or make them an individual member first.",
        )
    _refuse_losing_the_last_delegate(standing, affiliation, field=None)
    reason = _reason(reason)
    affiliation.ended_at = timezone.now()
    affiliation.end_reason = reason
    affiliation.save(update_fields=["ended_at", "end_reason"])
    _revoke_lapsed_invitations(group.coalition, person.user)
    _audit(
        coalition=group.coalition,
        actor=actor,
        standing=standing,
        verb="affiliation.ended",
        summary=(f"left {group.name}" if is_self else f"recorded that {person.name} left {group.name}")
        + (f": “{reason}”" if reason else ""),
        target=affiliation,
        data={"person": person.pk, "member_group": group.pk, "reason": reason},
    )
    return affiliation


def _take_person_out(person: Person, *, reason: str) -> int:
    """End a (locked) person's membership; returns how many affiliations ended."""
    now = timezone.now()
    ended = Affiliation.objects.filter(person=person, ended_at__isnull=True).update(
        ended_at=now, end_reason="Left the coalition"
    )
    invitations = Q(person=person)
    if person.user_id is not None:
        invitations |= Q(coalition_id=person.coalition_id, created_by_id=person.user_id)
    _open_invitations().filter(invitations).update(revoked_at=now)
    person.left_at = now
    person.leave_reason = reason
    person.is_coordinator = False
    person.is_individual_member = False
    person.save(update_fields=["left_at", "leave_reason", "is_coordinator", "is_individual_member"])
    return ended


@atomic_action
def leave_coalition(*, actor: Actor, coalition: Coalition, reason: str = "") -> Person:
    """A person leaves the coalition by themselves. Their history stays, shown as a former member's."""
    _require_signed_in(actor)
    # Lock first, then check: two "leave" requests at once must not both pass, nor two coordinators both go.
    _lock_coalition(coalition.pk)
    person = Person.objects.select_for_update(of=("self",)).filter(coalition=coalition, user=actor).first()
    if person is not None and not person.is_active:
        raise Conflict(f"You already left {coalition.name}, on {person.left_at:%d %B %Y}.")
    standing = require(actor, coalition, "leave_coalition")  # a member, so `person` is their locked record
    if person.is_coordinator:  # type: ignore[union-attr]
        others = Person.objects.filter(coalition=coalition, left_at__isnull=True).exclude(pk=person.pk)
        if _active_coordinators(coalition) <= 1 and others.exists():
            raise Conflict(
                "You are the only coordinator. Make someone else a coordinator first, so the coalition is not "
                "left without one."
            )
    reason = _reason(reason)
    ended = _take_person_out(person, reason=reason)  # type: ignore[arg-type]
    _audit(
        coalition=coalition,
        actor=actor,
        standing=standing,
        verb="person.left",
        summary="left the coalition" + (f": “{reason}”" if reason else ""),
        target=person,
        data={"reason": reason, "affiliations_ended": ended},
    )
    return person


# --- invitations -------------------------------------------------------------------------------------------


def _joining(existing: Person | None, *, coalition: Coalition, user: Any, name: str) -> Person:
    """The (unsaved) record of someone joining: their former one brought back, so their history joins up, or a
    new one."""
    if existing is None:
        return Person(coalition=coalition, user=user, name=name, email=user.email)
    if not existing.is_active:
        existing.left_at, existing.leave_reason, existing.joined_at = None, "", timezone.now()
    return existing


@atomic_action
def create_invitation(
    *,
    actor: Actor,
    coalition: Coalition,
    email: str = "",
    member_group: MemberGroup | None = None,
    as_delegate: bool = False,
    person: Person | None = None,
    valid_days: int = INVITATION_DAYS_DEFAULT,
) -> Invitation:
    """An invitation link; when an address is given, it is also sent there by email.

    With `member_group` the holder joins that group (a delegate of the group may invite to it); without it they
    join as an individual member. With `person` the holder claims that person's record, made without an account.
    """
    standing = require(actor, coalition, "view_members")
    if member_group is not None:
        _active_group(coalition, member_group, field="member_group")
        if not may_invite_to(standing, member_group):
            raise NotAllowed(f"Only a coordinator or a delegate of {member_group.name} can invite people to it.")
    elif not may_invite_to(standing, None):
        raise NotAllowed("Only a coordinator can invite individual members; delegates can invite to their group.")
    if person is not None:
        if person.coalition_id != coalition.pk:
            raise NotFound("There is no such person in this coalition.", field="person")
        if not standing.can("manage_members"):
            raise NotAllowed("Only a coordinator can invite someone to claim a recorded person.", field="person")
        if person.user_id is not None:
            raise Conflict(f"{person.name} already has an account linked.", field="person")
        if not person.is_active:
            raise Conflict(f"{person.name} has left the coalition.", field="person")
        if member_group is not None:
            raise Invalid(
                "An invitation to claim a recorded person cannot also add them to a group.", field="member_group"
            )
    email = _email(email, field="email") or (person.email if person else "")
    if isinstance(valid_days, bool) or not isinstance(valid_days, int) or not 1 <= valid_days <= INVITATION_DAYS_MAX:
        raise Invalid(
            f"Choose how long the invitation stays valid: 1 to {INVITATION_DAYS_MAX} days.", field="valid_days"
        )
    now = timezone.now()
    invitation = Invitation.objects.create(
        coalition=coalition,
        token=secrets.token_urlsafe(24),
        created_at=now,
        email=email,
        member_group=member_group,
        as_delegate=as_delegate and member_group is not None,
        person=person,
        created_by=actor,
        expires_at=now + timedelta(days=valid_days),
    )
    if person is not None:
        target = f"{person.name} to claim their record"
    elif member_group is not None:
        target = f"someone to {member_group.name}" + (" as a delegate" if invitation.as_delegate else "")
    else:
        target = "an individual member"
    _audit(
        coalition=coalition,
        actor=actor,
        standing=standing,
        verb="invitation.created",
        summary=f"invited {target}" + (" by email" if email else " by link"),
        target=invitation,
        data={"member_group": member_group.pk if member_group else None, "person": person.pk if person else None},
    )
    if email:
        transaction.on_commit(lambda: tasks.send_invitation_email.enqueue(invitation.pk))
    return invitation


@atomic_action
def revoke_invitation(*, actor: Actor, invitation: Invitation) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("coalition", "member_group")
        .get(pk=invitation.pk)
    )
    standing = require(actor, invitation.coalition, "view_members")
    is_creator = invitation.created_by_id == getattr(actor, "pk", None)
    if not (standing.can("manage_members") or is_creator):
        raise NotAllowed("Only a coordinator or the person who made this invitation can revoke it.")
    if invitation.status != "open":
        raise Conflict(f"This invitation is already {invitation.status}.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    _audit(
        coalition=invitation.coalition,
        actor=actor,
        standing=standing,
        verb="invitation.revoked",
        # Members read the audit log; invitees' addresses are not theirs to see.
        summary="revoked an invitation"
        + (f" to {invitation.member_group.name}" if invitation.member_group else "")
        + (" sent by email" if invitation.email else ""),
        target=invitation,
    )
    return invitation


@atomic_action
def accept_invitation(*, actor: Actor, token: str) -> Person:
    """The holder of an invitation joins: into its member group, as an individual, or by claiming a record."""
    _require_signed_in(actor)
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("coalition", "member_group", "person", "created_by")
        .filter(token=_token(token))
        .first()
    )
    if invitation is None:
        raise NotFound(
            "This invitation link is not valid. Check that you copied all of it, or ask for a new one.", field="token"
        )
    if invitation.status != "open":
        raise Conflict(
            f"This invitation is {invitation.status}. Ask the person who invited you for a new one.", field="token"
        )
    coalition = invitation.coalition
    group = invitation.member_group
    if group is not None and not group.is_active:
        raise Conflict(f"{group.name} has left the coalition, so this invitation can no longer be used.")
    maker = invitation.created_by
    if maker is None:
        raise Conflict(
            "The account that made this invitation no longer exists. Ask a coordinator for a new one.", field="token"
        )
    if not may_invite_to(standing_in(maker, coalition), group):
        # An invitation carries its maker's authority; a delegate who stepped down or left no longer has it.
        raise Conflict(
            "The person who made this invitation can no longer invite people here. Ask a coordinator for a new one.",
            field="token",
        )
    existing = Person.objects.select_for_update(of=("self",)).filter(coalition=coalition, user=actor).first()
    now = timezone.now()

    if invitation.person is not None:
        person = Person.objects.select_for_update(of=("self",)).get(pk=invitation.person.pk)
        if not person.is_active:
            raise Conflict(f"{person.name} has left the coalition, so their record can no longer be claimed.")
        if existing is not None and existing.pk != person.pk:
            raise Conflict(
                f"Your account is already {existing.name} in {coalition.name}, so it cannot also claim "
                f"{person.name}. Sign in with another account, or ask a coordinator to merge the records."
            )
        if person.user_id is not None and person.user_id != actor.pk:
            raise Conflict(f"{person.name}'s record has already been claimed by another account.")
        person.user = actor
        person.save(update_fields=["user"])
        summary = f"claimed the record of {person.name}"
    else:
        if existing is not None and existing.is_active:
            if group is None:
                raise Conflict(f"You are already a member of {coalition.name}.")
            if Affiliation.objects.filter(person=existing, member_group=group, ended_at__isnull=True).exists():
                raise Conflict(f"You are already in {group.name}.")
        newly_joined = existing is None or not existing.is_active
        person = _joining(existing, coalition=coalition, user=actor, name=actor.display_name)
        if group is None:
            person.is_individual_member = True
        if newly_joined and group is not None and group.counts_from is not None and group.counts_from > now:
            person.counts_from = group.counts_from  # joining a group still in induction: counted when it is
        person.save()
        if group is not None:
            Affiliation.objects.create(person=person, member_group=group, is_delegate=invitation.as_delegate)
        summary = (
            f"joined {group.name}" + (" as a delegate" if invitation.as_delegate else "")
            if group is not None
            else "joined the coalition as an individual member"
        ) + " by invitation"
    invitation.accepted_at = now
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    _audit(
        coalition=coalition,
        actor=actor,
        standing=Standing(Role.MEMBER, person),
        verb="invitation.accepted",
        summary=summary,
        target=person,
        data={"invitation": invitation.pk},
    )
    return person


# --- applications and admission ----------------------------------------------------------------------------


@atomic_action
def submit_application(
    *,
    actor: Actor,
    coalition: Coalition,
    kind: str,
    answers: Sequence[str] = (),
    group_name: str = "",
    group_description: str = "",
    group_size: Any = None,
    contact_email: str = "",
) -> Application:
    """A group or an individual asks to join, answering the coalition's membership questions."""
    standing = require(actor, coalition, "apply_to_join")
    if kind not in Application.Kind.values:
        raise Invalid("Choose whether you apply as a member group or as an individual.", field="kind")
    if kind == Application.Kind.INDIVIDUAL and standing.role >= Role.MEMBER:
        raise Conflict(f"You are already a member of {coalition.name}.", field="kind")
    if Application.objects.filter(coalition=coalition, applicant=actor, status=Application.Status.PENDING).exists():
        raise Conflict("You already have an application waiting for a decision; withdraw it to send another.")
    questions = coalition.question_list
    given = list(answers or [])
    if len(given) > len(questions):
        raise Invalid(f"Answer the {len(questions)} membership questions, no more.", field="answers")
    recorded = []
    for index, question in enumerate(questions):
        answer = _text(
            given[index] if index < len(given) else "",
            field=f"answers.{index}",
            label=f"an answer to “{question}”",
            max_length=4000,
        )
        recorded.append({"question": question, "answer": answer})
    fields: dict[str, Any] = {}
    if kind == Application.Kind.GROUP:
        fields["group_name"] = _text(group_name, field="group_name", label="the group's name", max_length=120)
        _check_group_name_free(coalition, fields["group_name"], field="group_name")
        fields["group_size"] = _size(group_size, field="group_size")
        fields["group_description"] = _text(
            group_description,
            field="group_description",
            label="the group's description",
            max_length=4000,
            required=False,
        )
    application = Application.objects.create(
        coalition=coalition,
        applicant=actor,
        applicant_name=actor.display_name,
        kind=kind,
        contact_email=_email(contact_email, field="contact_email") or actor.email,
        answers=recorded,
        **fields,
    )
    _audit(
        coalition=coalition,
        actor=actor,
        standing=standing,
        verb="application.submitted",
        summary=f"applied to join as {'the member group ' + application.group_name if kind == 'group' else 'an individual'}",
        target=application,
    )
    return application


@atomic_action
def withdraw_application(*, actor: Actor, application: Application) -> Application:
    application = Application.objects.select_for_update(of=("self",)).select_related("coalition").get(pk=application.pk)
    if application.applicant_id != getattr(actor, "pk", None):
        raise NotAllowed("Only the person who applied can withdraw this application.")
    if application.status != Application.Status.PENDING:
        raise Conflict(f"This application is already {application.get_status_display().lower()}.")
    application.status = Application.Status.WITHDRAWN
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_at"])
    _audit(
        coalition=application.coalition,
        actor=actor,
        standing=standing_in(actor, application.coalition),
        verb="application.withdrawn",
        summary=f"withdrew the application from {application.subject_name}",
        target=application,
    )
    return application


def _admit(application: Application) -> tuple[MemberGroup | None, Person]:
    coalition, applicant = application.coalition, application.applicant
    existing = Person.objects.select_for_update(of=("self",)).filter(coalition=coalition, user=applicant).first()
    person = _joining(existing, coalition=coalition, user=applicant, name=application.applicant_name)
    member_group = None
    if application.kind == Application.Kind.GROUP:
        _check_group_name_free(coalition, application.group_name, field="group_name")
        member_group = MemberGroup.objects.create(
            coalition=coalition,
            name=application.group_name,
            description=application.group_description,
            size=application.group_size or 1,
            contact_name=application.applicant_name,
            contact_email=application.contact_email,
        )
        person.save()
        Affiliation.objects.create(person=person, member_group=member_group, is_delegate=True)
    else:
        person.is_individual_member = True
        person.save()
    return member_group, person


def settle_application(*, application: Application, admit: bool, reason: str, counts_from: Any = None) -> Application:
    """Admit or decline an application as a decision under the constitution found; called by that decision (the
    coalition's say), never by a person directly. Returns the application unchanged if it is no longer pending."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("coalition", "applicant")
        .get(pk=application.pk)
    )
    if application.status != Application.Status.PENDING:
        return application
    coalition = application.coalition
    if admit and application.applicant is None:
        raise Conflict("The applicant's account no longer exists, so there is no one to admit.")
    if admit:
        already_member = Person.objects.filter(coalition=coalition, user=application.applicant, left_at__isnull=True)
        counted_already = already_member.exists()  # joined meanwhile by invitation: keeps counting
        member_group, person = _admit(application)
        if counts_from is not None:
            if member_group is not None:
                member_group.counts_from = counts_from
                member_group.save(update_fields=["counts_from"])
            if not counted_already and (person.counts_from is None or person.counts_from < counts_from):
                person.counts_from = counts_from
                person.save(update_fields=["counts_from"])
        application.member_group, application.person = member_group, person
        application.status = Application.Status.ADMITTED
    else:
        application.status = Application.Status.DECLINED
    application.decided_at = timezone.now()
    application.decision_reason = reason[:REASON_MAX]
    application.save()
    verb = "admitted" if admit else "declined"
    _audit(
        coalition=coalition,
        actor=None,
        standing=None,
        verb=f"application.{verb}",
        summary=f"{verb} the application from {application.subject_name}: {reason}"[:500],
        target=application,
        data={"reason": reason},
        actor_name="Accord",
    )
    transaction.on_commit(lambda: tasks.send_application_decision_email.enqueue(application.pk))
    return application


def remove_member_by_decision(
    *, member_group: MemberGroup | None = None, person: Person | None = None, reason: str
) -> bool:
    """A member the coalition decided to ask to leave goes, under the decision named in `reason`; False if it
    had already left. Its history stays, as for any member who leaves."""
    if member_group is not None:
        group = MemberGroup.objects.select_for_update(of=("self",)).select_related("coalition").get(pk=member_group.pk)
        if not group.is_active:
            return False
        departed = _take_group_out(
            group, reason=reason, people_reason=f"Their member group {group.name} was asked to leave the coalition."
        )
        _audit(
            coalition=group.coalition,
            actor=None,
            standing=None,
            verb="member_group.removed",
            summary=f"{group.name} left the coalition as it decided: {reason}",
            target=group,
            data={"reason": reason, "people_left_with_group": [p.pk for p in departed]},
            actor_name="Accord",
        )
        return True
    if person is None:
        raise Invalid("Name the member group or the person who is to leave.", field="member")
    _lock_coalition(person.coalition_id)
    locked = Person.objects.select_for_update(of=("self",)).select_related("coalition").get(pk=person.pk)
    if not locked.is_active:
        return False
    ended = _take_person_out(locked, reason=reason)
    _audit(
        coalition=locked.coalition,
        actor=None,
        standing=None,
        verb="person.removed",
        summary=f"{locked.name} left the coalition as it decided: {reason}",
        target=locked,
        data={"reason": reason, "affiliations_ended": ended},
        actor_name="Accord",
    )
    return True


def mark_constitution_adopted(*, coalition: Coalition) -> Coalition:
    """The founding decision passed: from now on the constitution changes only by amendment."""
    coalition = Coalition.objects.select_for_update().get(pk=coalition.pk)
    if coalition.constitution_adopted_at is None:
        coalition.constitution_adopted_at = timezone.now()
        coalition.save(update_fields=["constitution_adopted_at"])
    return coalition
