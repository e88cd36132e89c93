"""Joining by decision: an application signs on and opens an "admit a member" decision; passing admits the
applicant into an induction period before they count in decisions; failing or withdrawing declines it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accord.agreements import actions
from accord.agreements.models import Admission, SignOn
from accord.coalitions import actions as coalition_actions
from accord.coalitions.models import Affiliation, Application, AuditEvent, MemberGroup, Person
from accord.decisions import actions as decision_actions
from accord.decisions.models import Status
from accord.errors import Conflict, Invalid, NotAllowed
from tests.coalitions.conftest import make_user

from .conftest import World, decide, eligible_keys, group_key, in_days, snapshot

SIGNED_KEYS = ["membership_criteria", "membership_expectations", "principles", "unity_statement"]


def apply(world: World, name: str = "Selby Rivers", *, applicant=None) -> Application:
    return actions.apply_to_join(
        actor=applicant or make_user("Newbie"),
        coalition=world.coalition,
        kind="group",
        signs_on=True,
        group_name=name,
        group_size=12,
    )


def test_applying_needs_signing_on(adopted: World) -> None:
    world = adopted
    applicant = make_user("Newbie")
    before = snapshot()
    with pytest.raises(Invalid) as refused:
        actions.apply_to_join(
            actor=applicant, coalition=world.coalition, kind="group", signs_on=False, group_name="Selby", group_size=5
        )
    assert refused.value.field == "signs_on"
    assert snapshot() == before


def test_an_application_opens_an_admission_decision_closing_after_the_admission_days(adopted: World) -> None:
    world = adopted
    started = timezone.now()
    application = apply(world)
    admission = Admission.objects.get(application=application)
    proposal = admission.proposal
    assert (proposal.kind.key, proposal.effect, proposal.status, proposal.title) == (
        "admit_member",
        "admission",
        Status.OPEN,
        "Admit Selby Rivers",
    )
    closes_at = proposal.rounds.get().closes_at
    assert started + timedelta(days=14) <= closes_at <= timezone.now() + timedelta(days=14)
    assert eligible_keys(proposal) == sorted(
        [group_key(world.group), group_key(world.other_group), world.key(world.coordinator)]
    )
    assert sorted(admission.signed_versions.values_list("agreement__key", flat=True)) == SIGNED_KEYS
    assert application.status == Application.Status.PENDING


def test_passing_admits_the_group_into_its_induction_period(adopted: World) -> None:
    world = adopted
    applicant = make_user("Newbie")
    application = apply(world, applicant=applicant)
    proposal = application.admission.proposal
    before_close = timezone.now()
    decide(world, proposal)
    assert proposal.status == Status.PASSED
    application.refresh_from_db()
    assert application.status == Application.Status.ADMITTED
    group = application.member_group
    assert (group.name, group.size, group.coalition) == ("Selby Rivers", 12, world.coalition)
    person = Person.objects.get(coalition=world.coalition, user=applicant)
    assert Affiliation.objects.filter(person=person, member_group=group, is_delegate=True, ended_at=None).count() == 1
    assert before_close + timedelta(days=14) <= group.counts_from <= timezone.now() + timedelta(days=14)
    assert person.counts_from == group.counts_from
    signed = SignOn.objects.filter(member_group=group)
    assert sorted(signed.values_list("version__agreement__key", flat=True)) == SIGNED_KEYS
    assert set(signed.values_list("signed_by", flat=True)) == {person.pk}
    assert AuditEvent.objects.filter(coalition=world.coalition, verb="application.admitted").count() == 1

    # During induction the group does not count; once it is over, it does.
    during = decision_actions.open_proposal(
        actor=world.member,
        coalition=world.coalition,
        kind=world.kind("budget_and_strategy"),
        title="During",
        text="x",
        closes_at=in_days(7),
    )
    assert group_key(group) not in eligible_keys(during)
    after = decision_actions.open_proposal(
        actor=world.member,
        coalition=world.coalition,
        kind=world.kind("budget_and_strategy"),
        title="After",
        text="x",
        opens_at=group.counts_from + timedelta(hours=1),
        closes_at=group.counts_from + timedelta(days=7),
    )
    assert group_key(group) in eligible_keys(after)
    MemberGroup.objects.filter(pk=group.pk).update(counts_from=timezone.now() - timedelta(days=1))
    Person.objects.filter(pk=person.pk).update(counts_from=timezone.now() - timedelta(days=1))
    now_counted = decision_actions.open_proposal(
        actor=world.member,
        coalition=world.coalition,
        kind=world.kind("meeting_conduct"),
        title="Now",
        text="x",
        closes_at=in_days(7),
    )
    assert group_key(group) in eligible_keys(
        decision_actions.open_proposal(
            actor=world.member,
            coalition=world.coalition,
            kind=world.kind("budget_and_strategy"),
            title="Now by groups",
            text="x",
            closes_at=in_days(7),
        )
    )
    assert f"p{person.pk}" in eligible_keys(now_counted)


def test_a_failed_admission_declines_the_application_for_good(adopted: World) -> None:
    world = adopted
    application = apply(world)
    proposal = application.admission.proposal
    decide(world, proposal, positions={group_key(world.group): "block", group_key(world.other_group): "block"})
    assert proposal.status == Status.BLOCKED
    application.refresh_from_db()
    assert application.status == Application.Status.DECLINED
    assert application.decision_reason.startswith("Not admitted: ")
    outcome = proposal.rounds.get().outcome
    assert application.decision_reason == f"Not admitted: {outcome['summary']}"
    assert not MemberGroup.objects.filter(name="Selby Rivers").exists()
    before = snapshot()
    with pytest.raises(Conflict, match="asked again from the start"):
        decision_actions.start_next_round(actor=world.coordinator, proposal=proposal, closes_at=in_days(5))
    assert snapshot() == before


def test_withdrawing_the_application_withdraws_its_decision(adopted: World) -> None:
    world = adopted
    applicant = make_user("Newbie")
    application = apply(world, applicant=applicant)
    actions.withdraw_application(actor=applicant, application=application)
    application.refresh_from_db()
    proposal = application.admission.proposal
    proposal.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert (proposal.status, proposal.withdrawn_reason) == (Status.WITHDRAWN, "The applicant withdrew the application.")
    assert proposal.rounds.get().status == Status.WITHDRAWN


def test_no_one_but_the_applicant_can_withdraw_an_admission_decision(adopted: World) -> None:
    """Withdrawing it would decline the applicant: one coordinator's say, which admission by decision replaces."""
    world = adopted
    application = apply(world)
    proposal = application.admission.proposal
    before = snapshot()
    with pytest.raises(NotAllowed, match="only the applicant can withdraw it"):
        decision_actions.withdraw_proposal(actor=world.coordinator, proposal=proposal, reason="Spam")
    assert snapshot() == before
    application.refresh_from_db()
    proposal.refresh_from_db()
    assert (application.status, proposal.status) == (Application.Status.PENDING, Status.OPEN)


def test_a_group_name_taken_meanwhile_leaves_the_admission_not_applied(adopted: World) -> None:
    world = adopted
    application = apply(world)
    proposal = application.admission.proposal
    coalition_actions.add_member_group(actor=world.coordinator, coalition=world.coalition, name="Selby Rivers", size=3)
    decide(world, proposal)
    assert proposal.status == Status.NOT_APPLIED
    assert proposal.effect_note == (
        "A member group called Selby Rivers joined meanwhile; apply again under another name."
    )
    application.refresh_from_db()
    assert application.status == Application.Status.DECLINED
    assert application.decision_reason == f"Not admitted: {proposal.effect_note}"
    assert MemberGroup.objects.filter(coalition=world.coalition, name="Selby Rivers").count() == 1
    assert SignOn.objects.filter(member_group__name="Selby Rivers").count() == 0


def test_an_individual_is_admitted_and_signs_on_for_themself(adopted: World) -> None:
    world = adopted
    applicant = make_user("Ida")
    application = actions.apply_to_join(actor=applicant, coalition=world.coalition, kind="individual", signs_on=True)
    decide(world, application.admission.proposal)
    application.refresh_from_db()
    person = application.person
    assert (application.status, person.is_individual_member, person.user) == (
        Application.Status.ADMITTED,
        True,
        applicant,
    )
    assert sorted(SignOn.objects.filter(person=person).values_list("version__agreement__key", flat=True)) == SIGNED_KEYS
