"""Sign-on and re-confirmation, and asking a member to leave."""

from __future__ import annotations

import pytest
from django.core import mail

from accord.agreements import actions, queries
from accord.agreements.models import RemovalRequest, SignOn
from accord.coalitions import actions as coalition_actions
from accord.coalitions.models import AuditEvent, Person
from accord.decisions.models import Status
from accord.errors import Conflict, Invalid, NotAllowed

from .conftest import World, agreement, decide, eligible_keys, group_key, in_days, snapshot


def missing(world: World, actor=None) -> dict[str, list[str]]:
    return {
        row.label: [version.agreement.key for version in row.missing]
        for row in queries.sign_on_status(actor or world.coordinator, world.coalition)
    }


def test_delegates_sign_for_their_group_and_individual_members_for_themselves(adopted: World) -> None:
    world = adopted
    # Both groups signed on by agreeing to the founding decision; Ana, an individual member, has not yet.
    assert missing(world)["Ana"] == ["unity_statement", "principles", "membership_criteria", "membership_expectations"]
    assert missing(world)["Leeds Action"] == [] == missing(world)["Hull Heat"]
    signed = actions.sign_on(actor=world.coordinator, coalition=world.coalition)
    assert len(signed) == 4 and {row.person for row in signed} == {world.person(world.coordinator)}
    assert missing(world)["Ana"] == []
    assert actions.sign_on(actor=world.coordinator, coalition=world.coalition) == []  # nothing twice
    assert AuditEvent.objects.filter(coalition=world.coalition, verb="agreement.signed_on").count() == 1


@pytest.mark.parametrize("who", ["member", "other_delegate", "outsider", "former", "coordinator"])
def test_only_a_groups_delegate_signs_for_it(adopted: World, who: str) -> None:
    world = adopted
    before = snapshot()
    with pytest.raises(NotAllowed):
        actions.sign_on(actor=getattr(world, who), coalition=world.coalition, member_group=world.group)
    assert snapshot() == before


def test_a_member_of_a_group_does_not_sign_for_themself(adopted: World) -> None:
    world = adopted
    before = snapshot()
    with pytest.raises(Invalid) as refused:
        actions.sign_on(actor=world.member, coalition=world.coalition)
    assert refused.value.field == "member_group"
    assert snapshot() == before


def test_signing_on_waits_for_the_founding_decision(world: World) -> None:
    before = snapshot()
    with pytest.raises(Conflict, match="still a draft"):
        actions.sign_on(actor=world.delegate, coalition=world.coalition, member_group=world.group)
    assert snapshot() == before


def test_a_changed_unity_statement_asks_everyone_to_reconfirm(
    adopted: World, django_capture_on_commit_callbacks
) -> None:
    world = adopted
    actions.sign_on(actor=world.coordinator, coalition=world.coalition)
    amendment = actions.propose_amendment(
        actor=world.member,
        coalition=world.coalition,
        target="agreement",
        agreement=agreement(world, "unity_statement"),
        change={"text": "Rivers and people."},
        title="Unity",
        closes_at=in_days(7),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(world, amendment.proposal)
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "ana@example.org",
        "dev@example.org",
        "pat@example.org",
    ]
    assert {message.subject for message in mail.outbox} == {"Please re-confirm: Unity statement changed (River Towns)"}
    assert "/c/river-towns/" in mail.outbox[0].body
    status = missing(world)
    assert status == {"Leeds Action": ["unity_statement"], "Hull Heat": ["unity_statement"], "Ana": ["unity_statement"]}
    actions.sign_on(actor=world.delegate, coalition=world.coalition, member_group=world.group)
    assert missing(world)["Leeds Action"] == []
    assert [row.label for row in queries.sign_on_status(world.delegate, world.coalition) if row.may_sign] == [
        "Leeds Action"
    ]


def test_a_changed_policy_members_do_not_sign_asks_no_one(adopted: World, django_capture_on_commit_callbacks) -> None:
    world = adopted
    amendment = actions.propose_amendment(
        actor=world.member,
        coalition=world.coalition,
        target="agreement",
        agreement=agreement(world, "policy_privacy"),
        change={"text": "We keep little."},
        title="Privacy",
        closes_at=in_days(7),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(world, amendment.proposal)
    assert mail.outbox == []


# --- asking a member to leave -------------------------------------------------------------------------------------


def ask(world: World, **member) -> RemovalRequest:
    return actions.ask_member_to_leave(
        actor=world.member,
        coalition=world.coalition,
        rests_on=agreement(world, "membership_expectations"),
        title="Hull Heat should leave",
        text="They broke our agreement.",
        closes_at=in_days(7),
        **member,
    )


def test_the_group_concerned_and_its_people_take_no_part_by_default(adopted: World) -> None:
    world = adopted
    request = ask(world, member_group=world.other_group)
    proposal = request.proposal
    hull_people = sorted(f"p{pk}" for pk in Person.objects.in_group(world.other_group).values_list("pk", flat=True))
    assert sorted(proposal.excluded_units) == sorted([group_key(world.other_group), *hull_people])
    assert eligible_keys(proposal) == sorted([group_key(world.group), world.key(world.coordinator)])
    assert request.rests_on == actions.current_version(agreement(world, "membership_expectations"))
    assert request.concerned_takes_part is False
    assert (proposal.kind.key, proposal.effect) == ("ask_member_to_leave", "removal")
    assert AuditEvent.objects.filter(coalition=world.coalition, verb="member.asked_to_leave").count() == 1

    decide(world, proposal)
    assert proposal.status == Status.PASSED
    world.other_group.refresh_from_db()
    assert world.other_group.left_at is not None
    # Pat and Fay belonged only through Hull Heat, so they leave with it.
    assert Person.objects.filter(pk__in=[int(key[1:]) for key in hull_people], left_at__isnull=True).count() == 0
    assert AuditEvent.objects.filter(coalition=world.coalition, verb="member_group.removed").count() == 1


def test_where_the_constitution_says_so_the_member_concerned_takes_part(adopted: World) -> None:
    world = adopted
    terms = actions.propose_amendment(
        actor=world.member,
        coalition=world.coalition,
        target="terms",
        change={"concerned_member_takes_part": True},
        title="Let them speak",
        closes_at=in_days(7),
    )
    decide(world, terms.proposal)
    request = ask(world, member_group=world.other_group)
    assert request.concerned_takes_part is True and request.proposal.excluded_units == []
    assert group_key(world.other_group) in eligible_keys(request.proposal)


def test_an_individual_member_asked_to_leave_is_removed(adopted: World) -> None:
    world = adopted
    ida = coalition_actions.record_person(
        actor=world.coordinator, coalition=world.coalition, name="Ida", is_individual_member=True
    )
    request = ask(world, person=ida)
    assert request.proposal.excluded_units == [f"p{ida.pk}"]
    decide(world, request.proposal)
    ida.refresh_from_db()
    assert ida.left_at is not None
    assert AuditEvent.objects.filter(coalition=world.coalition, verb="person.removed").count() == 1


def test_a_member_that_left_meanwhile_leaves_the_request_not_applied(adopted: World) -> None:
    world = adopted
    request = ask(world, member_group=world.other_group)
    coalition_actions.withdraw_member_group(actor=world.other_delegate, member_group=world.other_group)
    decide(world, request.proposal)
    assert request.proposal.status == Status.NOT_APPLIED
    assert request.proposal.effect_note == "The member had already left the coalition."
    assert AuditEvent.objects.filter(coalition=world.coalition, verb="member_group.removed").count() == 0


@pytest.mark.parametrize(
    ("member", "field"),
    [({}, "member_group"), ({"member_group": "elsewhere"}, "member_group"), ({"person": "member"}, "person")],
)
def test_a_request_must_name_a_current_member(adopted: World, member: dict, field: str) -> None:
    world = adopted
    values = {
        name: (world.elsewhere_group if value == "elsewhere" else world.person(world.member))
        for name, value in member.items()
    }
    before = snapshot()
    with pytest.raises(Invalid) as refused:
        ask(world, **values)
    assert refused.value.field == field
    assert snapshot() == before


def test_a_request_rests_on_an_adopted_agreement_of_the_coalition(world: World) -> None:
    before = snapshot()
    with pytest.raises(Conflict, match="still a draft"):
        ask(world, member_group=world.other_group)
    assert snapshot() == before
    actions.seed_draft(world.elsewhere)
    before = snapshot()
    with pytest.raises(Invalid) as refused:
        actions.ask_member_to_leave(
            actor=world.member,
            coalition=world.coalition,
            rests_on=agreement(world, "unity_statement").__class__.objects.get(
                coalition=world.elsewhere, key="unity_statement"
            ),
            title="Out",
            text="Out",
            closes_at=in_days(7),
            member_group=world.other_group,
        )
    assert refused.value.field == "rests_on"
    assert snapshot() == before
    assert SignOn.objects.filter(coalition=world.coalition).count() == 0
