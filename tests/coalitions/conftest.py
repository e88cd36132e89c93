"""A small coalition built through the actions, with one person in each role, and a second coalition for tenancy.

The shared demo coalition (tests/personas.py) is for pages and flows; these unit tests of the actions want a world
small enough that every row they touch is named here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from accord.accounts.actions import create_user
from accord.accounts.models import User
from accord.coalitions import actions
from accord.coalitions.models import Affiliation, Coalition, MemberGroup, Person


@dataclass
class World:
    coalition: Coalition
    coordinator: User
    delegate: User
    member: User
    outsider: User
    other_delegate: User
    group: MemberGroup
    other_group: MemberGroup
    member_person: Person
    delegate_person: Person
    elsewhere: Coalition
    elsewhere_group: MemberGroup


def make_user(name: str) -> User:
    return create_user(email=f"{name.lower()}@example.org", password=None, name=name)


def join_group(coordinator: User, user: User, group: MemberGroup, *, as_delegate: bool = False) -> Person:
    invitation = actions.create_invitation(
        actor=coordinator, coalition=group.coalition, member_group=group, as_delegate=as_delegate
    )
    return actions.accept_invitation(actor=user, token=invitation.token)


@pytest.fixture
def world(db) -> World:
    coordinator, delegate, member, outsider, other_delegate = (
        make_user(name) for name in ("Ana", "Dev", "Mo", "Olu", "Pat")
    )
    coalition = actions.create_coalition(
        actor=coordinator, name="River Towns", purpose="Clean rivers", membership_questions="Why join?"
    )
    group = actions.add_member_group(actor=coordinator, coalition=coalition, name="Leeds Action", size=40)
    other_group = actions.add_member_group(actor=coordinator, coalition=coalition, name="Hull Heat", size=3)
    delegate_person = join_group(coordinator, delegate, group, as_delegate=True)
    member_person = join_group(coordinator, member, group)
    join_group(coordinator, other_delegate, other_group, as_delegate=True)
    stranger = make_user("Zed")
    elsewhere = actions.create_coalition(actor=stranger, name="Elsewhere", purpose="Other things")
    elsewhere_group = actions.add_member_group(actor=stranger, coalition=elsewhere, name="Far Group", size=9)
    return World(
        coalition=coalition,
        coordinator=coordinator,
        delegate=delegate,
        member=member,
        outsider=outsider,
        other_delegate=other_delegate,
        group=group,
        other_group=other_group,
        member_person=member_person,
        delegate_person=delegate_person,
        elsewhere=elsewhere,
        elsewhere_group=elsewhere_group,
    )


def snapshot() -> tuple:
    """Everything an action could write, to assert that a refused action changed nothing."""
    from accord.coalitions.models import Application, AuditEvent, Invitation

    return (
        tuple(Coalition.objects.order_by("pk").values_list("pk", "name", "purpose", "membership_questions")),
        tuple(MemberGroup.objects.order_by("pk").values_list("pk", "name", "size", "left_at", "description")),
        tuple(
            Person.objects.order_by("pk").values_list(
                "pk", "name", "email", "user_id", "is_coordinator", "is_individual_member", "left_at"
            )
        ),
        tuple(Affiliation.objects.order_by("pk").values_list("pk", "is_delegate", "ended_at")),
        tuple(Invitation.objects.order_by("pk").values_list("pk", "accepted_at", "revoked_at")),
        tuple(Application.objects.order_by("pk").values_list("pk", "status")),
        AuditEvent.objects.count(),
    )
