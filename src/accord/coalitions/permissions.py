"""Who may do what in a coalition, declared in one place.

Roles are ranked: a coordinator may do what a member may, a member what an outsider may. Abilities that belong
to one member group (acting for it, leaving) go to that group's delegates, checked by `may_act_for_group`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from accord.errors import NotAllowed, NotSignedIn

from .models import Affiliation, Coalition, MemberGroup, Person

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accord.accounts.models import User

    Actor = User | AnonymousUser
else:
    Actor = Any


class Role(IntEnum):
    ANONYMOUS = 0
    OUTSIDER = 1  # signed in, holds no membership (former members included)
    MEMBER = 2
    COORDINATOR = 3


# ability -> the least role that has it
ABILITIES: dict[str, Role] = {
    "view_coalition": Role.ANONYMOUS,  # name, purpose, how many member groups, how to join
    "apply_to_join": Role.OUTSIDER,
    "create_coalition": Role.OUTSIDER,
    "view_members": Role.MEMBER,  # member groups, people, delegates, activity
    "view_audit_log": Role.MEMBER,
    "leave_coalition": Role.MEMBER,
    "manage_coalition": Role.COORDINATOR,  # name, purpose, membership questions
    "manage_members": Role.COORDINATOR,  # add groups, record and invite people, delegates, coordinators
    "decide_applications": Role.COORDINATOR,
}

# What a refusal tells the person, so they know who can do it instead.
REFUSALS: dict[Role, str] = {
    Role.OUTSIDER: "Sign in to do this.",
    Role.MEMBER: "Only members of this coalition can do this.",
    Role.COORDINATOR: "Only a coordinator of this coalition can do this.",
}


@dataclass(frozen=True)
class Standing:
    """An actor's place in one coalition: their role, their person record and the groups they are delegate of."""

    role: Role
    person: Person | None = None
    delegate_of: frozenset[int] = field(default_factory=frozenset)
    member_of: frozenset[int] = field(default_factory=frozenset)

    def can(self, ability: str) -> bool:
        return self.role >= ABILITIES[ability]

    def is_delegate_of(self, member_group: MemberGroup) -> bool:
        return member_group.pk in self.delegate_of


def role_of_member(person: Person) -> Role:
    """The role a current member's person record gives them."""
    return Role.COORDINATOR if person.is_coordinator else Role.MEMBER


class _Remembered(threading.local):
    """Standings looked up during the current request, valid until anything is written (see `forget_standings`)."""

    active = False
    standings: dict[tuple[int, int], Standing]

    def __init__(self) -> None:
        self.standings = {}


_remembered = _Remembered()


@contextmanager
def remembering_standings() -> Iterator[None]:
    """For the length of one request, look each actor's standing up once (a page asks several times)."""
    _remembered.active, _remembered.standings = True, {}
    try:
        yield
    finally:
        _remembered.active, _remembered.standings = False, {}


def forget_standings() -> None:
    """Called by every write (through the audit event it records), so no one acts on a standing that changed."""
    _remembered.standings = {}


def standing_in(actor: Actor, coalition: Coalition) -> Standing:
    if not getattr(actor, "is_authenticated", False):
        return Standing(Role.ANONYMOUS)
    key = (int(actor.pk or 0), int(coalition.pk or 0))
    if _remembered.active and key in _remembered.standings:
        return _remembered.standings[key]
    standing = _look_up_standing(actor, coalition)
    if _remembered.active:
        _remembered.standings[key] = standing
    return standing


_STANDING_SQL = """
SELECT p.*, a.member_group_id AS group_id, a.is_delegate AS delegate
FROM {person} p LEFT JOIN {affiliation} a ON a.person_id = p.id AND a.ended_at IS NULL
WHERE p.coalition_id = %s AND p.user_id = %s
ORDER BY a.member_group_id
"""


def _look_up_standing(actor: Actor, coalition: Coalition) -> Standing:
    # One query, written out because every page and request asks it: the person row once per current membership
    # (or once, with no group, when there is none).
    sql = _STANDING_SQL.format(person=Person._meta.db_table, affiliation=Affiliation._meta.db_table)
    rows = list(Person.objects.raw(sql, [coalition.pk, actor.pk]))
    person = rows[0] if rows else None
    if person is None or not person.is_active:
        return Standing(Role.OUTSIDER, person)
    annotated: list[Any] = rows  # each row carries its membership's group_id and delegate flag
    affiliations = [(row.group_id, row.delegate) for row in annotated if row.group_id is not None]
    return Standing(
        role_of_member(person),
        person,
        delegate_of=frozenset(group_id for group_id, is_delegate in affiliations if is_delegate),
        member_of=frozenset(group_id for group_id, _ in affiliations),
    )


def require(actor: Actor, coalition: Coalition, ability: str) -> Standing:
    """The actor's standing, or the refusal that says who may do this."""
    standing = standing_in(actor, coalition)
    needed = ABILITIES[ability]
    if standing.role >= needed:
        return standing
    if standing.role == Role.ANONYMOUS:
        raise NotSignedIn("Sign in to do this.")
    raise NotAllowed(REFUSALS[needed])


def may_act_for_group(standing: Standing, member_group: MemberGroup) -> bool:
    """A group acts through its delegates."""
    return member_group.is_active and standing.is_delegate_of(member_group)


def may_edit_group(standing: Standing, member_group: MemberGroup) -> bool:
    return standing.can("manage_members") or may_act_for_group(standing, member_group)


def require_group_editor(actor: Actor, member_group: MemberGroup) -> Standing:
    standing = require(actor, member_group.coalition, "view_members")
    if not may_edit_group(standing, member_group):
        raise NotAllowed(f"Only a coordinator or a delegate of {member_group.name} can do this.")
    return standing


def may_see_contact_details(standing: Standing, person: Person) -> bool:
    """A person's own address is theirs and the coordinators' to see; other members see no addresses."""
    return standing.can("manage_members") or (standing.person is not None and standing.person.pk == person.pk)


def _is_self(standing: Standing, person_id: int) -> bool:
    return standing.person is not None and standing.person.pk == person_id


def may_edit_person(standing: Standing, person: Person) -> bool:
    """Their own name and address are theirs to change; coordinators change anyone's."""
    return standing.can("manage_members") or _is_self(standing, person.pk)


def may_end_affiliation(standing: Standing, affiliation: Affiliation) -> bool:
    """A person leaves a group by themselves; a coordinator or the group's delegate may record it for them, but a
    delegate may not remove a fellow delegate (that would undo `may_set_delegate`'s rule by another door)."""
    return (
        _is_self(standing, affiliation.person_id)  # type: ignore[attr-defined]
        or standing.can("manage_members")
        or (may_act_for_group(standing, affiliation.member_group) and not affiliation.is_delegate)
    )


def may_invite_to(standing: Standing, member_group: MemberGroup | None) -> bool:
    """Coordinators invite anyone; a group's delegates invite people into their group."""
    if standing.can("manage_members"):
        return True
    return member_group is not None and may_act_for_group(standing, member_group)


def may_set_delegate(standing: Standing, affiliation: Affiliation, is_delegate: bool) -> bool:
    """A group's delegates may name more delegates and give up their own role, but not take it from one another:
    one keen delegate must not be able to push the others out. Coordinators may do both."""
    if standing.can("manage_members"):
        return True
    if not may_act_for_group(standing, affiliation.member_group):
        return False
    return is_delegate or _is_self(standing, affiliation.person_id)  # type: ignore[attr-defined]


def may_invite_someone(standing: Standing) -> bool:
    """Whether `may_invite_to` holds for some group or none: coordinators invite anyone, delegates into their own
    groups (withdrawing a group ends its delegates' roles, so `delegate_of` names current groups only)."""
    return standing.can("manage_members") or bool(standing.delegate_of)
