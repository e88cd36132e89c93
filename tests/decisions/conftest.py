"""A small coalition for the decisions app's actions and queries, built through the actions, one person per role.

    Ana   coordinator, founder, an individual member (no member group)
    Dev   delegate of Leeds Action (size 40)
    Mo    member of Leeds Action, no other role
    Pat   delegate of Hull Heat (size 3)
    Fay   member of Hull Heat, named facilitator on the proposals that name her
    Fred  joined Leeds Action, then left the coalition (a former member)
    Olu   an account with no place in the coalition

So a people-counted round has 5 eligible units (Ana, Dev, Fay, Mo, Pat), a groups-counted one 2 (Hull Heat, Leeds
Action), and groups_and_individuals 3 (the two groups and Ana). A second coalition, Elsewhere, is for tenancy.
The coalition is founded with `decisions.actions.found_coalition`, so it has the default decision kinds.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from accord.accounts.models import User
from accord.coalitions import actions as coalition_actions
from accord.coalitions.models import AuditEvent, Coalition, MemberGroup, Person
from accord.decisions import actions
from accord.decisions.models import (
    AgreedWeight,
    DecisionKind,
    EligibleUnit,
    Proposal,
    Round,
    Stance,
)
from tests.coalitions.conftest import join_group, make_user

REASON = "It breaks our agreement on safety."
NOT_ELIGIBLE = (
    "You are not eligible in this round: it counts those who were members, past their induction period, when it "
    "opened (and not the member a request to leave concerns, where the constitution says so)."
)


@dataclass
class World:
    coalition: Coalition
    coordinator: User
    delegate: User
    member: User
    other_delegate: User
    facilitator: User
    former: User
    outsider: User
    group: MemberGroup
    other_group: MemberGroup
    elsewhere: Coalition
    elsewhere_group: MemberGroup
    elsewhere_owner: User

    def person(self, user: User) -> Person:
        return Person.objects.get(coalition=self.coalition, user=user)

    def key(self, user: User) -> str:
        """The unit key of a person: p<person id>."""
        return f"p{self.person(user).pk}"

    def kind(self, key: str, coalition: Coalition | None = None) -> DecisionKind:
        return DecisionKind.objects.get(coalition=coalition or self.coalition, key=key)


def group_key(group: MemberGroup) -> str:
    return f"g{group.pk}"


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def build_world() -> World:
    """The world above, in whatever database Django is connected to (also used outside pytest-django)."""
    coordinator, delegate, member, other_delegate, facilitator, former, outsider = (
        make_user(name) for name in ("Ana", "Dev", "Mo", "Pat", "Fay", "Fred", "Olu")
    )
    coalition = actions.found_coalition(actor=coordinator, name="River Towns", purpose="Clean rivers")
    group = coalition_actions.add_member_group(actor=coordinator, coalition=coalition, name="Leeds Action", size=40)
    other_group = coalition_actions.add_member_group(actor=coordinator, coalition=coalition, name="Hull Heat", size=3)
    join_group(coordinator, delegate, group, as_delegate=True)
    join_group(coordinator, member, group)
    join_group(coordinator, other_delegate, other_group, as_delegate=True)
    join_group(coordinator, facilitator, other_group)
    join_group(coordinator, former, group)
    coalition_actions.leave_coalition(actor=former, coalition=coalition)
    owner = make_user("Zed")
    elsewhere = actions.found_coalition(actor=owner, name="Elsewhere", purpose="Other things")
    elsewhere_group = coalition_actions.add_member_group(actor=owner, coalition=elsewhere, name="Far Group", size=9)
    return World(
        coalition=coalition,
        coordinator=coordinator,
        delegate=delegate,
        member=member,
        other_delegate=other_delegate,
        facilitator=facilitator,
        former=former,
        outsider=outsider,
        group=group,
        other_group=other_group,
        elsewhere=elsewhere,
        elsewhere_group=elsewhere_group,
        elsewhere_owner=owner,
    )


def in_days(days: float) -> datetime:
    return timezone.now() + timedelta(days=days)


def open_proposal(
    world: World, *, actor: User | None = None, kind: str | DecisionKind = "meeting_conduct", **arguments: Any
) -> Proposal:
    """A proposal opened by the member (Mo) unless told otherwise, closing in a week."""
    chosen = world.kind(kind) if isinstance(kind, str) else kind
    values: dict[str, Any] = {
        "title": "Meet on Tuesdays",
        "text": "We meet on Tuesdays at 7pm.",
        "closes_at": in_days(7),
    }
    values.update(arguments)
    return actions.open_proposal(actor=actor or world.member, coalition=world.coalition, kind=chosen, **values)


def add_kind(world: World, key: str, rule: dict[str, Any], *, scope: str = "coalition") -> DecisionKind:
    return actions.set_decision_kind(
        actor=world.coordinator,
        coalition=world.coalition,
        key=key,
        name=key.replace("_", " ").capitalize(),
        rule=rule,
        scope=scope,
    )


# Counted like admissions (member groups and individual members, consensus minus one, quorum 1/3). Admission
# proposals themselves open only from an application (accord.agreements), so tests of counting use this kind.
MIXED_RULE = {"method": "consensus", "unit": "groups_and_individuals", "blocks_allowed": 1, "quorum": "1/3"}


def add_mixed_kind(world: World) -> DecisionKind:
    """A kind named "Members and groups", counted by member groups and individual members."""
    return add_kind(world, "members_and_groups", MIXED_RULE)


def current_round(proposal: Proposal) -> Round:
    proposal.refresh_from_db()
    return Round.objects.get(proposal=proposal, number=proposal.round_number)


def close(proposal: Proposal) -> Round:
    """Close the proposal's current round as the worker would, just after its deadline."""
    round_ = current_round(proposal)
    closed = actions.close_round_if_due(round_id=round_.pk, now=round_.closes_at + timedelta(seconds=1))
    assert closed is not None, "the round should have closed"
    proposal.refresh_from_db()
    return closed


@contextmanager
def travel(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> Iterator[None]:
    """Make `timezone.now()` return `moment` (everywhere it is called through the module) inside the block."""
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "now", lambda: moment)
        yield


def snapshot() -> tuple[Any, ...]:
    """Everything a decisions action could write, to assert that a refused action changed nothing."""
    return (
        Coalition.objects.count(),
        tuple(DecisionKind.objects.order_by("pk").values_list("pk", "key", "name", "rule", "scope", "updated_at")),
        tuple(AgreedWeight.objects.order_by("pk").values_list("pk", "member_group_id", "weight")),
        tuple(Proposal.objects.order_by("pk").values_list("pk", "status", "round_number", "withdrawn_reason")),
        tuple(Round.objects.order_by("pk").values_list("pk", "status", "closed_at", "outcome")),
        EligibleUnit.objects.count(),
        tuple(Stance.objects.order_by("pk").values_list("pk", "is_current")),
        AuditEvent.objects.count(),
    )


def counts() -> dict[str, int]:
    return {
        "kinds": DecisionKind.objects.count(),
        "proposals": Proposal.objects.count(),
        "rounds": Round.objects.count(),
        "eligible": EligibleUnit.objects.count(),
        "stances": Stance.objects.count(),
        "audit": AuditEvent.objects.count(),
    }
