"""Joining and leaving, as the guide asks: anyone may leave at any time, leaving never deletes history, and the
admission is settled by the coalition's decision (accord.agreements), which says why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from accord.coalitions import actions, queries
from accord.coalitions.models import Affiliation, Application, AuditEvent, Invitation, MemberGroup, Person
from accord.coalitions.permissions import Role, standing_in
from accord.errors import Conflict, Invalid, NotFound

from .conftest import World, join_group, make_user, snapshot


def test_founding_makes_the_founder_the_first_coordinator(db) -> None:
    founder = make_user("Rae")
    coalition = actions.create_coalition(actor=founder, name="  Tees Valley Climate  ", purpose="Act together")
    assert coalition.name == "Tees Valley Climate"
    assert coalition.slug == "tees-valley-climate"
    standing = standing_in(founder, coalition)
    assert standing.role == Role.COORDINATOR
    assert standing.person.name == "Rae" and standing.person.is_individual_member
    second = actions.create_coalition(actor=founder, name="Tees Valley Climate", purpose="Again")
    assert second.slug == "tees-valley-climate-2"
    event = AuditEvent.objects.get(coalition=coalition)
    assert (event.verb, event.actor_label, event.summary) == (
        "coalition.created",
        "Rae",
        "founded the coalition Tees Valley Climate",
    )


@pytest.mark.parametrize(
    ("arguments", "field", "message"),
    [
        ({"name": "", "purpose": "x"}, "name", "Enter the coalition's name."),
        (
            {"name": "A" * 121, "purpose": "x"},
            "name",
            "Shorten the coalition's name to 120 characters or fewer (it has 121).",
        ),
        ({"name": "Ok", "purpose": "   "}, "purpose", "Enter the coalition's purpose."),
    ],
)
def test_founding_with_bad_input_says_what_to_change(db, arguments, field, message) -> None:
    founder = make_user("Rae")
    before = snapshot()
    with pytest.raises(Invalid) as refusal:
        actions.create_coalition(actor=founder, **arguments)
    assert (refusal.value.field, refusal.value.message) == (field, message)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("size", "message"),
    [
        (0, "Enter a number of people between 1 and 10,000,000."),
        ("twelve", "Enter how many people the group represents as a whole number, like 12."),
        ("", "Enter how many people the group represents, a whole number of 1 or more."),
        (2.5, "Enter how many people the group represents as a whole number, like 12."),
        (True, "Enter how many people the group represents, a whole number of 1 or more."),
    ],
)
def test_group_size_must_be_a_whole_number_of_people(world: World, size, message) -> None:
    before = snapshot()
    with pytest.raises(Invalid) as refusal:
        actions.add_member_group(actor=world.coordinator, coalition=world.coalition, name="York", size=size)
    assert (refusal.value.field, refusal.value.message) == ("size", message)
    assert snapshot() == before


def test_group_names_are_unique_among_current_members_only(world: World) -> None:
    with pytest.raises(Conflict) as clash:
        actions.add_member_group(actor=world.coordinator, coalition=world.coalition, name="LEEDS action", size=2)
    assert clash.value.field == "name"
    actions.withdraw_member_group(actor=world.delegate, member_group=world.group)
    again = actions.add_member_group(actor=world.coordinator, coalition=world.coalition, name="Leeds Action", size=5)
    assert MemberGroup.objects.filter(coalition=world.coalition, name="Leeds Action").count() == 2
    assert again.is_active


def test_a_group_leaves_by_itself_and_keeps_its_history(world: World) -> None:
    actions.add_affiliation(actor=world.coordinator, person=world.member_person, member_group=world.other_group)
    loner = join_group(world.coordinator, make_user("Lou"), world.group)

    actions.withdraw_member_group(actor=world.delegate, member_group=world.group, reason="Our focus changed")

    world.group.refresh_from_db()
    assert world.group.left_at is not None and world.group.leave_reason == "Our focus changed"
    assert world.group.label == "Leeds Action (former member)"
    assert not Affiliation.objects.filter(member_group=world.group, ended_at__isnull=True).exists()
    # People who belonged only through the group leave with it; the member who is also in Hull Heat stays.
    loner.refresh_from_db()
    world.delegate_person.refresh_from_db()
    world.member_person.refresh_from_db()
    assert not loner.is_active and not world.delegate_person.is_active
    assert world.member_person.is_active
    assert standing_in(world.delegate, world.coalition).role == Role.OUTSIDER
    # History stays attributed, marked as a former member's.
    labels = [event.actor_label for event in queries.audit_events(world.coordinator, world.coalition)]
    assert labels[0] == "Dev (former member)"
    assert "Dev (former member)" in labels[1:]  # Dev's earlier "joined Leeds Action" event too
    assert MemberGroup.objects.filter(pk=world.group.pk).exists()
    with pytest.raises(Conflict):
        actions.withdraw_member_group(actor=world.coordinator, member_group=world.group)


def test_a_person_leaves_at_any_time_and_can_be_invited_back(world: World) -> None:
    actions.leave_coalition(actor=world.member, coalition=world.coalition, reason="Moving away")
    world.member_person.refresh_from_db()
    assert world.member_person.left_at is not None
    assert world.member_person.leave_reason == "Moving away"
    assert not world.member_person.affiliations.filter(ended_at__isnull=True).exists()
    assert standing_in(world.member, world.coalition).role == Role.OUTSIDER
    event = queries.audit_events(world.coordinator, world.coalition).first()
    assert (event.verb, event.actor_label, event.summary) == (
        "person.left",
        "Mo (former member)",
        "left the coalition: “Moving away”",
    )
    # Invited back, the same person record returns, so their history joins up again.
    back = join_group(world.coordinator, world.member, world.other_group)
    assert back.pk == world.member_person.pk and back.is_active
    assert Person.objects.filter(coalition=world.coalition, user=world.member).count() == 1


def test_the_only_coordinator_hands_over_before_leaving(world: World) -> None:
    before = snapshot()
    with pytest.raises(Conflict) as refusal:
        actions.leave_coalition(actor=world.coordinator, coalition=world.coalition)
    assert "only coordinator" in refusal.value.message
    assert snapshot() == before
    with pytest.raises(Conflict):
        actions.set_coordinator(
            actor=world.coordinator,
            person=standing_in(world.coordinator, world.coalition).person,
            is_coordinator=False,
        )
    actions.set_coordinator(actor=world.coordinator, person=world.member_person, is_coordinator=True)
    actions.leave_coalition(actor=world.coordinator, coalition=world.coalition)
    assert standing_in(world.member, world.coalition).role == Role.COORDINATOR


def test_leaving_the_only_group_is_leaving_the_coalition(world: World) -> None:
    affiliation = Affiliation.objects.get(person=world.member_person, member_group=world.group)
    with pytest.raises(Conflict) as refusal:
        actions.end_affiliation(actor=world.member, affiliation=affiliation)
    assert "only membership" in refusal.value.message
    actions.update_person(actor=world.coordinator, person=world.member_person, is_individual_member=True)
    actions.end_affiliation(actor=world.member, affiliation=affiliation, reason="Too far")
    affiliation.refresh_from_db()
    assert affiliation.ended_at is not None and affiliation.end_reason == "Too far"
    assert standing_in(world.member, world.coalition).role == Role.MEMBER


def test_recording_a_person_without_an_account_and_claiming_it(world: World) -> None:
    recorded = actions.record_person(
        actor=world.coordinator,
        coalition=world.coalition,
        name="Grace",
        member_groups=[world.group],
        delegate_of=[world.other_group],
    )
    assert recorded.user is None
    groups = dict(recorded.affiliations.values_list("member_group__name", "is_delegate"))
    assert groups == {"Leeds Action": False, "Hull Heat": True}
    invitation = actions.create_invitation(actor=world.coordinator, coalition=world.coalition, person=recorded)
    grace = make_user("Grace")
    claimed = actions.accept_invitation(actor=grace, token=invitation.token)
    assert claimed.pk == recorded.pk and claimed.user == grace
    assert standing_in(grace, world.coalition).delegate_of == {world.other_group.pk}
    # A claim cannot be used twice, nor by someone already in the coalition.
    with pytest.raises(Conflict):
        actions.accept_invitation(actor=grace, token=invitation.token)
    other = actions.record_person(
        actor=world.coordinator, coalition=world.coalition, name="Hal", is_individual_member=True
    )
    second = actions.create_invitation(actor=world.coordinator, coalition=world.coalition, person=other)
    before = snapshot()
    with pytest.raises(Conflict) as refusal:
        actions.accept_invitation(actor=world.member, token=second.token)
    assert "already Mo" in refusal.value.message
    assert snapshot() == before


def test_recording_needs_a_membership(world: World) -> None:
    with pytest.raises(Invalid) as refusal:
        actions.record_person(actor=world.coordinator, coalition=world.coalition, name="Ivy")
    assert refusal.value.field == "member_groups"


def test_invitations_expire_and_can_be_revoked(world: World) -> None:
    expired = actions.create_invitation(actor=world.coordinator, coalition=world.coalition)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(Conflict) as refusal:
        actions.accept_invitation(actor=world.outsider, token=expired.token)
    assert refusal.value.message == "This invitation is expired. Ask the person who invited you for a new one."
    revoked = actions.create_invitation(actor=world.coordinator, coalition=world.coalition)
    actions.revoke_invitation(actor=world.coordinator, invitation=revoked)
    with pytest.raises(Conflict):
        actions.accept_invitation(actor=world.outsider, token=revoked.token)
    with pytest.raises(NotFound):
        actions.accept_invitation(actor=world.outsider, token="not-a-token")
    with pytest.raises(Invalid) as too_long:
        actions.create_invitation(actor=world.coordinator, coalition=world.coalition, valid_days=91)
    assert too_long.value.field == "valid_days"
    assert standing_in(world.outsider, world.coalition).role == Role.OUTSIDER


def test_email_invitations_are_sent_after_commit(world: World, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invitation = actions.create_invitation(
            actor=world.coordinator, coalition=world.coalition, member_group=world.group, email="New@Example.org"
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new@example.org"]
    assert message.subject == "You are invited to join River Towns on Accord"
    assert f"/invite/{invitation.token}/" in message.body
    assert "join Leeds Action in River Towns" in message.body


def test_an_application_is_admitted_as_a_group_with_the_applicant_as_delegate(
    world: World, django_capture_on_commit_callbacks
) -> None:
    """Admission is the coalition's decision (accord.agreements); settle_application is what that decision calls."""
    applicant = make_user("Sol")
    application = actions.submit_application(
        actor=applicant,
        coalition=world.coalition,
        kind="group",
        answers=["We clean the Aire"],
        group_name="Aire Rivers",
        group_size="25",
        group_description="Volunteers",
    )
    assert application.answers == [{"question": "Why join?", "answer": "We clean the Aire"}]
    with pytest.raises(Conflict):
        actions.submit_application(actor=applicant, coalition=world.coalition, kind="individual", answers=["x"])
    counts_from = timezone.now() + timedelta(days=14)
    with django_capture_on_commit_callbacks(execute=True):
        actions.settle_application(
            application=application, admit=True, reason="decided in “Admit Aire Rivers”", counts_from=counts_from
        )
    application.refresh_from_db()
    assert application.status == "admitted" and application.member_group.name == "Aire Rivers"
    assert application.member_group.size == 25
    assert application.member_group.counts_from == counts_from
    assert application.person.counts_from == counts_from
    assert application.decision_reason == "decided in “Admit Aire Rivers”"
    standing = standing_in(applicant, world.coalition)
    assert standing.role == Role.MEMBER and standing.delegate_of == {application.member_group.pk}
    assert mail.outbox[-1].to == ["sol@example.org"]
    assert "has been accepted" in mail.outbox[-1].body
    event = AuditEvent.objects.get(coalition=world.coalition, verb="application.admitted")
    assert event.actor_name == "Accord"
    # Settling again (a second decision, a retry) changes nothing: the application is no longer pending.
    before = snapshot()
    again = actions.settle_application(application=application, admit=False, reason="x")
    assert again.status == "admitted"
    assert snapshot() == before


def test_declining_records_the_reason_the_applicant_reads(world: World) -> None:
    applicant = make_user("Sol")
    application = actions.submit_application(
        actor=applicant, coalition=world.coalition, kind="individual", answers=["I care"]
    )
    actions.settle_application(application=application, admit=False, reason="Not admitted: 1 block, allowed 0.")
    application.refresh_from_db()
    assert (application.status, application.decision_reason) == ("declined", "Not admitted: 1 block, allowed 0.")
    assert application.decided_at is not None
    assert standing_in(applicant, world.coalition).role == Role.OUTSIDER
    assert AuditEvent.objects.filter(coalition=world.coalition, verb="application.declined").count() == 1


def test_no_one_decides_an_application_directly(world: World) -> None:
    """The coordinator's decide_application is gone: admission is a decision under the coalition's rule."""
    assert not hasattr(actions, "decide_application")


def test_applications_answer_every_question(world: World) -> None:
    before = snapshot()
    with pytest.raises(Invalid) as refusal:
        actions.submit_application(actor=world.outsider, coalition=world.coalition, kind="individual", answers=[])
    assert (refusal.value.field, refusal.value.message) == ("answers.0", "Enter an answer to “Why join?”.")
    with pytest.raises(Invalid) as wrong_kind:
        actions.submit_application(actor=world.outsider, coalition=world.coalition, kind="club", answers=["x"])
    assert wrong_kind.value.field == "kind"
    with pytest.raises(Conflict) as taken:
        actions.submit_application(
            actor=world.outsider,
            coalition=world.coalition,
            kind="group",
            answers=["x"],
            group_name="hull heat",
            group_size=3,
        )
    assert taken.value.field == "group_name"
    assert snapshot() == before


def test_admitting_a_group_whose_name_was_taken_meanwhile_writes_nothing(world: World) -> None:
    application = actions.submit_application(
        actor=world.outsider, coalition=world.coalition, kind="group", answers=["x"], group_name="York", group_size=4
    )
    actions.add_member_group(actor=world.coordinator, coalition=world.coalition, name="York", size=9)
    before = snapshot()
    with pytest.raises(Conflict) as taken, transaction.atomic():  # as the decision's effect runs it
        actions.settle_application(application=application, admit=True, reason="decided in “Admit York”")
    assert taken.value.field == "group_name"
    assert snapshot() == before
    assert Application.objects.get(pk=application.pk).status == "pending"


def test_members_read_the_audit_log_and_outsiders_do_not(world: World) -> None:
    verbs = list(queries.audit_events(world.member, world.coalition).values_list("verb", flat=True))
    assert verbs[-1] == "coalition.created"
    assert verbs.count("invitation.accepted") == 3
    from accord.errors import NotAllowed

    with pytest.raises(NotAllowed):
        queries.audit_events(world.outsider, world.coalition)
    with pytest.raises(NotAllowed):
        queries.audit_events(world.coordinator, world.elsewhere)


def test_invitations_into_a_group_that_left_stop_working(world: World) -> None:
    into_group = actions.create_invitation(actor=world.coordinator, coalition=world.coalition, member_group=world.group)
    loner = actions.record_person(
        actor=world.coordinator, coalition=world.coalition, name="Lou", member_groups=[world.group]
    )
    claim = actions.create_invitation(actor=world.coordinator, coalition=world.coalition, person=loner)
    unrelated = actions.create_invitation(actor=world.coordinator, coalition=world.coalition)
    actions.withdraw_member_group(actor=world.delegate, member_group=world.group)
    for invitation in (into_group, claim):
        invitation.refresh_from_db()
        assert invitation.status == "revoked"
        with pytest.raises(Conflict):
            actions.accept_invitation(actor=world.outsider, token=invitation.token)
    unrelated.refresh_from_db()
    assert unrelated.status == "open"
    assert list(queries.invitations(world.coordinator, world.coalition, open_only=True)) == [unrelated]


def test_a_claim_on_someone_who_left_is_refused(world: World) -> None:
    recorded = actions.record_person(
        actor=world.coordinator, coalition=world.coalition, name="Lou", member_groups=[world.group]
    )
    claim = actions.create_invitation(actor=world.coordinator, coalition=world.coalition, person=recorded)
    # The record leaves by another path than the group leaving; the claim must not bring it back.
    Person.objects.filter(pk=recorded.pk).update(left_at=timezone.now())
    before = snapshot()
    with pytest.raises(Conflict) as refusal:
        actions.accept_invitation(actor=world.outsider, token=claim.token)
    assert "has left the coalition" in refusal.value.message
    assert snapshot() == before


def test_a_coordinator_stepping_down_with_no_group_stays_as_an_individual(world: World) -> None:
    founder = standing_in(world.coordinator, world.coalition).person
    founder.is_individual_member = False
    founder.save(update_fields=["is_individual_member"])
    actions.set_coordinator(actor=world.coordinator, person=world.member_person, is_coordinator=True)
    actions.set_coordinator(actor=world.member, person=founder, is_coordinator=False)
    founder.refresh_from_db()
    assert (founder.is_coordinator, founder.is_individual_member, founder.is_active) == (False, True, True)
    event = queries.audit_events(world.member, world.coalition).first()
    assert event.summary == "ended Ana's coordinator role; they stay in the coalition as an individual member"


def test_a_coalition_called_new_does_not_hide_behind_the_new_coalition_page(db) -> None:
    coalition = actions.create_coalition(actor=make_user("Rae"), name="New", purpose="A fresh start")
    assert coalition.slug == "new-2"


def test_the_audit_log_never_shows_an_invitees_address(world: World) -> None:
    invitation = actions.create_invitation(
        actor=world.coordinator, coalition=world.coalition, member_group=world.group, email="kim@example.org"
    )
    actions.revoke_invitation(actor=world.coordinator, invitation=invitation)
    summaries = list(queries.audit_events(world.member, world.coalition).values_list("summary", flat=True))
    assert summaries[:2] == [
        "revoked an invitation to Leeds Action sent by email",
        "invited someone to Leeds Action by email",
    ]
    assert not [summary for summary in summaries if "@" in summary]


def test_an_invitation_lapses_when_its_maker_may_no_longer_invite(world: World) -> None:
    link = actions.create_invitation(
        actor=world.delegate, coalition=world.coalition, member_group=world.group, as_delegate=True
    )
    second = join_group(world.coordinator, make_user("Sue"), world.group, as_delegate=True)
    actions.set_delegate(
        actor=world.coordinator,
        affiliation=Affiliation.objects.get(person=world.delegate_person, member_group=world.group),
        is_delegate=False,
    )
    assert second.is_active
    link.refresh_from_db()
    assert link.status == "revoked"  # stepping down revoked the links they made, so none looks open
    individual = actions.create_invitation(actor=world.coordinator, coalition=world.coalition)
    still_theirs = actions.create_invitation(
        actor=world.coordinator, coalition=world.coalition, member_group=world.other_group
    )
    actions.set_coordinator(actor=world.coordinator, person=world.member_person, is_coordinator=True)
    actions.set_coordinator(
        actor=world.member, person=standing_in(world.coordinator, world.coalition).person, is_coordinator=False
    )
    individual.refresh_from_db()
    still_theirs.refresh_from_db()
    assert (individual.status, still_theirs.status) == ("revoked", "revoked")
    # Authority lost some other way is still checked when the link is used.
    Invitation.objects.filter(pk=link.pk).update(revoked_at=None)
    before = snapshot()
    with pytest.raises(Conflict) as refusal:
        actions.accept_invitation(actor=world.outsider, token=link.token)
    assert refusal.value.message == (
        "The person who made this invitation can no longer invite people here. Ask a coordinator for a new one."
    )
    assert snapshot() == before


def test_the_last_delegate_names_a_successor_before_leaving_the_group(world: World) -> None:
    actions.update_person(actor=world.coordinator, person=world.delegate_person, is_individual_member=True)
    own = Affiliation.objects.get(person=world.delegate_person, member_group=world.group)
    before = snapshot()
    with pytest.raises(Conflict) as refusal:
        actions.end_affiliation(actor=world.delegate, affiliation=own)
    assert "only delegate of Leeds Action" in refusal.value.message
    assert snapshot() == before
    # Leaving the whole coalition is never held back.
    actions.leave_coalition(actor=world.delegate, coalition=world.coalition)


def test_a_delegate_cannot_remove_a_fellow_delegate_from_the_group(world: World) -> None:
    from accord.errors import NotAllowed

    co_delegate = join_group(world.coordinator, make_user("Sue"), world.group, as_delegate=True)
    actions.update_person(actor=world.coordinator, person=co_delegate, is_individual_member=True)
    theirs = Affiliation.objects.get(person=co_delegate, member_group=world.group)
    before = snapshot()
    with pytest.raises(NotAllowed):
        actions.end_affiliation(actor=world.delegate, affiliation=theirs)
    assert snapshot() == before
    actions.end_affiliation(actor=world.coordinator, affiliation=theirs)


def test_leaving_twice_says_when_one_left(world: World) -> None:
    actions.leave_coalition(actor=world.member, coalition=world.coalition)
    before = snapshot()
    with pytest.raises(Conflict) as refusal:
        actions.leave_coalition(actor=world.member, coalition=world.coalition)
    assert refusal.value.message.startswith("You already left River Towns, on ")
    assert snapshot() == before


def test_a_delegate_cannot_push_out_the_other_delegates(world: World) -> None:
    from accord.errors import NotAllowed

    co_delegate = join_group(world.coordinator, make_user("Sue"), world.group, as_delegate=True)
    theirs = Affiliation.objects.get(person=co_delegate, member_group=world.group)
    own = Affiliation.objects.get(person=world.delegate_person, member_group=world.group)
    before = snapshot()
    with pytest.raises(NotAllowed):
        actions.set_delegate(actor=world.delegate, affiliation=theirs, is_delegate=False)
    assert snapshot() == before
    # Naming another delegate, and giving up one's own role while another remains, are fine.
    actions.set_delegate(actor=world.delegate, affiliation=member_affiliation(world), is_delegate=True)
    actions.set_delegate(actor=world.delegate, affiliation=own, is_delegate=False)
    # The last delegate cannot step down by themselves; a coordinator can still change it.
    actions.set_delegate(actor=world.coordinator, affiliation=member_affiliation(world), is_delegate=False)
    with pytest.raises(Conflict) as last:
        actions.set_delegate(actor=co_delegate.user, affiliation=theirs, is_delegate=False)
    assert "only delegate" in last.value.message
    actions.set_delegate(actor=world.coordinator, affiliation=theirs, is_delegate=False)


def member_affiliation(world: World) -> Affiliation:
    return Affiliation.objects.get(person=world.member_person, member_group=world.group)


@pytest.mark.parametrize("token", ["", "short", "a\x00" * 10, "x" * 65, "has spaces in it here"])
def test_malformed_invitation_tokens_are_not_found(world: World, token: str) -> None:
    with pytest.raises(NotFound):
        actions.accept_invitation(actor=world.outsider, token=token)
    with pytest.raises(NotFound):
        queries.invitation_by_token(token)


@pytest.mark.parametrize("slug", ["", "a\x00b", "../etc", "x" * 61])
def test_malformed_coalition_addresses_are_not_found(world: World, slug: str) -> None:
    with pytest.raises(NotFound):
        queries.coalition_by_slug(world.outsider, slug)


def test_the_decision_goes_to_the_account_that_applied(world: World, django_capture_on_commit_callbacks) -> None:
    application = actions.submit_application(
        actor=world.outsider,
        coalition=world.coalition,
        kind="individual",
        answers=["x"],
        contact_email="someone.else@example.org",
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.settle_application(application=application, admit=False, reason="Not now")
    assert [message.to for message in mail.outbox] == [["olu@example.org"]]
