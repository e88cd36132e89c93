"""An authorization test for every protected action: over anonymous, outsider, member, the delegates and the
coordinator, the right roles succeed, and every refusal says why and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from accord.coalitions import actions
from accord.coalitions.models import Affiliation, Application
from accord.errors import NotAllowed, NotSignedIn

from .conftest import World, snapshot

ROLES = ("anonymous", "outsider", "member", "delegate", "other_delegate", "coordinator")


def actor_for(world: World, role: str) -> Any:
    return AnonymousUser() if role == "anonymous" else getattr(world, role)


def member_affiliation(world: World) -> Affiliation:
    return Affiliation.objects.get(person=world.member_person, member_group=world.group)


def prepare_second_group(world: World) -> None:
    # The member needs another membership so leaving Leeds Action is not leaving the coalition.
    actions.add_affiliation(actor=world.coordinator, person=world.member_person, member_group=world.other_group)


def prepare_application(world: World) -> None:
    from .conftest import make_user

    actions.submit_application(
        actor=make_user("Applicant"), coalition=world.coalition, kind="individual", answers=["To help"]
    )


def prepare_invitation(world: World) -> None:
    actions.create_invitation(actor=world.coordinator, coalition=world.coalition)


Case = tuple[str, Callable[[World, Any], Any], set[str], Callable[[World], None] | None]

CASES: list[Case] = [
    (
        "update_coalition",
        lambda w, a: actions.update_coalition(actor=a, coalition=w.coalition, purpose="New purpose"),
        {"coordinator"},
        None,
    ),
    (
        "add_member_group",
        lambda w, a: actions.add_member_group(actor=a, coalition=w.coalition, name="York Rising", size=12),
        {"coordinator"},
        None,
    ),
    (
        "update_member_group",
        lambda w, a: actions.update_member_group(actor=a, member_group=w.group, size=41),
        {"coordinator", "delegate"},
        None,
    ),
    (
        "withdraw_member_group",
        lambda w, a: actions.withdraw_member_group(actor=a, member_group=w.group, reason="Moving on"),
        {"delegate"},
        None,
    ),
    (
        "record_person",
        lambda w, a: actions.record_person(actor=a, coalition=w.coalition, name="Kim", member_groups=[w.group]),
        {"coordinator"},
        None,
    ),
    (
        "update_person",
        lambda w, a: actions.update_person(actor=a, person=w.member_person, name="Mo Farah"),
        {"coordinator", "member"},
        None,
    ),
    (
        "set_coordinator",
        lambda w, a: actions.set_coordinator(actor=a, person=w.member_person, is_coordinator=True),
        {"coordinator"},
        None,
    ),
    (
        "add_affiliation",
        lambda w, a: actions.add_affiliation(actor=a, person=w.member_person, member_group=w.other_group),
        {"coordinator", "other_delegate"},
        None,
    ),
    (
        "set_delegate",
        lambda w, a: actions.set_delegate(actor=a, affiliation=member_affiliation(w), is_delegate=True),
        {"coordinator", "delegate"},
        None,
    ),
    (
        "end_affiliation",
        lambda w, a: actions.end_affiliation(actor=a, affiliation=member_affiliation(w), reason="Busy"),
        {"coordinator", "delegate", "member"},
        prepare_second_group,
    ),
    (
        "create_invitation_to_group",
        lambda w, a: actions.create_invitation(actor=a, coalition=w.coalition, member_group=w.group),
        {"coordinator", "delegate"},
        None,
    ),
    (
        "create_invitation_individual",
        lambda w, a: actions.create_invitation(actor=a, coalition=w.coalition),
        {"coordinator"},
        None,
    ),
    (
        "revoke_invitation",
        lambda w, a: actions.revoke_invitation(
            actor=a, invitation=w.coalition.invitations.filter(accepted_at__isnull=True).get()
        ),
        {"coordinator"},
        prepare_invitation,
    ),
    # Deciding an application is no one's action: it is a decision of kind "admit a member", whose authorization
    # is tested with the constitution (tests/agreements).
    (
        "submit_application",
        lambda w, a: actions.submit_application(
            actor=a,
            coalition=w.coalition,
            kind="group",
            answers=["We fight floods"],
            group_name="Selby Floods",
            group_size=7,
        ),
        {"outsider", "member", "delegate", "other_delegate", "coordinator"},
        None,
    ),
    (
        "leave_coalition",
        lambda w, a: actions.leave_coalition(actor=a, coalition=w.coalition),
        {"member", "delegate", "other_delegate"},
        None,
    ),
]


# The sole coordinator leaving is refused by a state rule, not a role: test_joining_and_leaving covers it.
PAIRS = [(case, role) for case in CASES for role in ROLES if (case[0], role) != ("leave_coalition", "coordinator")]


@pytest.mark.parametrize(("case", "role"), PAIRS, ids=[f"{case[0]}-{role}" for case, role in PAIRS])
def test_only_the_right_roles_may_act(world: World, case: Case, role: str) -> None:
    name, act, allowed, prepare = case
    if prepare:
        prepare(world)
    before = snapshot()
    actor = actor_for(world, role)
    if role in allowed:
        act(world, actor)
        assert snapshot() != before, f"{name} by {role} should have changed something"
    else:
        expected = NotSignedIn if role == "anonymous" else NotAllowed
        with pytest.raises(expected) as refusal:
            act(world, actor)
        assert refusal.value.message.endswith(".")
        assert snapshot() == before, f"{name} refused for {role} must change nothing"


def test_withdraw_application_only_by_applicant(world: World) -> None:
    prepare_application(world)
    application = Application.objects.get(coalition=world.coalition, status="pending")
    before = snapshot()
    for role in ROLES:
        with pytest.raises(NotAllowed):
            actions.withdraw_application(actor=actor_for(world, role), application=application)
    assert snapshot() == before
    actions.withdraw_application(actor=application.applicant, application=application)
    application.refresh_from_db()
    assert application.status == "withdrawn"


def test_a_coordinator_cannot_reach_into_another_coalition(world: World) -> None:
    before = snapshot()
    with pytest.raises(NotAllowed):
        actions.update_member_group(actor=world.coordinator, member_group=world.elsewhere_group, size=1)
    with pytest.raises(NotAllowed):
        actions.add_member_group(actor=world.coordinator, coalition=world.elsewhere, name="Sneaky", size=2)
    with pytest.raises(Exception) as wrong_group:
        actions.record_person(
            actor=world.coordinator, coalition=world.coalition, name="Kim", member_groups=[world.elsewhere_group]
        )
    assert wrong_group.value.status == 404  # type: ignore[attr-defined]
    assert snapshot() == before
