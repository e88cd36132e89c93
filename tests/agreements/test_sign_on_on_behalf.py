"""A coordinator records that a member who cannot sign on here confirmed the versions in force: a member group whose
delegate has no account (through that delegate, at a meeting), or an individual member without an account."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.agreements import actions, queries
from accord.agreements.models import SignOn
from accord.coalitions import actions as coalition_actions
from accord.coalitions.models import AuditEvent, MemberGroup, Person
from accord.errors import Conflict, Invalid, NotAllowed

from .conftest import World, snapshot


def wardens(world: World) -> MemberGroup:
    """Selby Wardens, added after the founding decision: their delegate Jon was recorded and has no account."""
    group = coalition_actions.add_member_group(
        actor=world.coordinator, coalition=world.coalition, name="Selby Wardens", size=8
    )
    coalition_actions.record_person(
        actor=world.coordinator, coalition=world.coalition, name="Jon", member_groups=[group], delegate_of=[group]
    )
    return group


def joan(world: World) -> Person:
    """An individual member recorded without an account."""
    return coalition_actions.record_person(
        actor=world.coordinator, coalition=world.coalition, name="Joan", is_individual_member=True
    )


def status(world: World, label: str, actor=None) -> queries.SignOnStatus:
    return next(
        row for row in queries.sign_on_status(actor or world.coordinator, world.coalition) if row.label == label
    )


def in_force(world: World) -> str:
    return ", ".join(f"{v.title} (version {v.number})" for v in actions.versions_to_sign(world.coalition))


def test_a_coordinator_records_that_a_group_confirmed_on_its_behalf(adopted: World) -> None:
    world = adopted
    group = wardens(world)
    row = status(world, "Selby Wardens")
    assert (len(row.missing), row.may_sign, row.may_record, row.last_signed_at) == (4, False, True, None)
    assert status(world, "Selby Wardens", world.delegate).may_record is False  # only coordinators record

    signed = actions.sign_on(actor=world.coordinator, coalition=world.coalition, member_group=group, on_behalf=True)

    ana = world.person(world.coordinator)
    assert len(signed) == 4
    assert {(s.member_group, s.person, s.signed_by, s.signed_by_name, s.on_behalf) for s in signed} == {
        (group, None, ana, "Ana", True)
    }
    row = status(world, "Selby Wardens")
    assert (row.missing, row.last_signed_by_name, row.last_on_behalf) == ([], "Ana", True)
    event = AuditEvent.objects.get(coalition=world.coalition, verb="agreement.signed_on")
    assert (event.actor_name, event.summary) == (
        "Ana",
        f"recorded that Selby Wardens confirmed {in_force(world)} (on their behalf)",
    )
    assert event.data == {"versions": [s.version_id for s in signed], "on_behalf": True}
    # Nothing twice: a second record signs nothing and logs nothing.
    assert actions.sign_on(actor=world.coordinator, coalition=world.coalition, member_group=group, on_behalf=True) == []
    assert AuditEvent.objects.filter(coalition=world.coalition, verb="agreement.signed_on").count() == 1


def test_a_coordinator_records_that_an_individual_member_confirmed(adopted: World) -> None:
    world = adopted
    person = joan(world)
    assert status(world, "Joan").may_record is True
    signed = actions.sign_on(actor=world.coordinator, coalition=world.coalition, person=person, on_behalf=True)
    assert {(s.member_group, s.person, s.signed_by_name, s.on_behalf) for s in signed} == {(None, person, "Ana", True)}
    assert (status(world, "Joan").missing, status(world, "Joan").last_on_behalf) == ([], True)
    assert AuditEvent.objects.get(coalition=world.coalition, verb="agreement.signed_on").summary == (
        f"recorded that Joan confirmed {in_force(world)} (on their behalf)"
    )


def test_signing_yourself_is_not_marked_on_behalf(adopted: World) -> None:
    world = adopted
    signed = actions.sign_on(actor=world.coordinator, coalition=world.coalition)
    assert {(s.signed_by_name, s.on_behalf) for s in signed} == {("Ana", False)}
    row = status(world, "Ana")
    assert (row.last_signed_by_name, row.last_on_behalf, row.may_sign, row.may_record) == ("Ana", False, True, False)
    assert AuditEvent.objects.get(coalition=world.coalition, verb="agreement.signed_on").summary == (
        f"signed on for themself to {in_force(world)}"
    )
    # The founding groups' sign-ons name the founding decision.
    assert (status(world, "Leeds Action").last_signed_by_name, status(world, "Leeds Action").last_on_behalf) == (
        "the founding decision",
        False,
    )


@pytest.mark.parametrize("who", ["member", "delegate", "other_delegate", "outsider", "former"])
def test_only_a_coordinator_records_on_a_members_behalf(adopted: World, who: str) -> None:
    world = adopted
    group, person = wardens(world), joan(world)
    before = snapshot()
    for unit in ({"member_group": group}, {"person": person}):
        with pytest.raises(NotAllowed) as refused:
            actions.sign_on(actor=getattr(world, who), coalition=world.coalition, on_behalf=True, **unit)
        assert refused.value.message == (
            "Only members of this coalition can sign on to its agreements."
            if who in ("outsider", "former")
            else "Only a coordinator can record that a member confirmed the agreements on their behalf."
        )
    assert snapshot() == before
    assert not SignOn.objects.filter(coalition=world.coalition, on_behalf=True).exists()


def test_someone_else_is_signed_for_only_on_their_behalf(adopted: World) -> None:
    world = adopted
    person = joan(world)
    before = snapshot()
    for actor in (world.member, world.coordinator):
        with pytest.raises(NotAllowed) as refused:
            actions.sign_on(actor=actor, coalition=world.coalition, person=person)
        assert refused.value.message == (
            "Only Joan can sign on for themself; a coordinator can record, on their behalf, that they confirmed at a "
            "meeting."
        )
    assert snapshot() == before


NOT_AN_INDIVIDUAL = (
    "Choose a current individual member of this coalition; someone who belongs through a member group confirms "
    "with their group."
)


def test_recording_names_a_current_member_of_this_coalition(adopted: World) -> None:
    world = adopted
    group, person = wardens(world), joan(world)
    mo = world.person(world.member)  # belongs through Leeds Action
    fred = Person.objects.get(coalition=world.coalition, user=world.former)
    before = snapshot()
    cases = [
        ({"member_group": world.elsewhere_group}, "member_group", "Choose a current member group of this coalition."),
        ({"person": mo}, "person", NOT_AN_INDIVIDUAL),
        ({"person": fred}, "person", NOT_AN_INDIVIDUAL),
        (
            {"member_group": group, "person": person},
            "member_group",
            "Name one member: a member group or an individual member, not both.",
        ),
        ({}, "member_group", "Name the member who confirmed: a member group or an individual member."),
    ]
    for unit, field, message in cases:
        with pytest.raises(Invalid) as refused:
            actions.sign_on(actor=world.coordinator, coalition=world.coalition, on_behalf=True, **unit)
        assert (refused.value.field, refused.value.message) == (field, message), unit
    assert snapshot() == before


def test_recording_waits_for_the_founding_decision(world: World) -> None:
    person = joan(world)
    before = snapshot()
    with pytest.raises(Conflict, match="still a draft"):
        actions.sign_on(actor=world.coordinator, coalition=world.coalition, person=person, on_behalf=True)
    assert snapshot() == before


def test_the_status_reads_in_the_same_number_of_queries(adopted: World) -> None:
    world = adopted
    with CaptureQueriesContext(connection) as plain:
        queries.sign_on_status(world.coordinator, world.coalition)
    group, person = wardens(world), joan(world)
    actions.sign_on(actor=world.coordinator, coalition=world.coalition, member_group=group, on_behalf=True)
    actions.sign_on(actor=world.coordinator, coalition=world.coalition, person=person, on_behalf=True)
    with CaptureQueriesContext(connection) as recorded:
        rows = queries.sign_on_status(world.coordinator, world.coalition)
    assert len(recorded) == len(plain)
    assert [(row.label, row.last_on_behalf) for row in rows if row.last_on_behalf] == [
        ("Selby Wardens", True),
        ("Joan", True),
    ]
