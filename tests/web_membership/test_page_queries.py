"""The named reads (accord.coalitions.queries) behind the membership pages: each scoped to what the actor may see,
so the views neither count, order nor filter rows themselves."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accord.coalitions import actions, queries
from accord.coalitions.models import Application, Invitation


def test_application_counts_by_status_for_a_coordinator_in_one_query(demo, django_assert_num_queries):
    with django_assert_num_queries(2):  # the actor's standing (their person and groups in one), then one GROUP BY
        counts = queries.application_counts(demo.coordinator, demo.coalition)
    assert counts == {"pending": 2, "admitted": 1, "declined": 1, "withdrawn": 0}


def test_application_counts_for_an_applicant_count_only_their_own(demo):
    applicant = demo.pending_group_application.applicant
    assert queries.application_counts(applicant, demo.coalition) == {
        "pending": 1,
        "admitted": 0,
        "declined": 0,
        "withdrawn": 0,
    }
    assert sum(queries.application_counts(demo.member, demo.coalition).values()) == 0


def test_applications_pending_first_then_newest(demo):
    rows = list(queries.applications_pending_first(demo.coordinator, demo.coalition))
    assert [row.status for row in rows[:2]] == ["pending", "pending"]
    assert {row.status for row in rows[2:]} == {"admitted", "declined"}
    for part in (rows[:2], rows[2:]):
        assert part == sorted(part, key=lambda row: (row.submitted_at, row.pk), reverse=True)
    assert list(queries.applications_pending_first(demo.member, demo.coalition)) == []


def test_pending_application_is_the_actors_own_waiting_one(demo):
    application = demo.pending_group_application
    assert queries.pending_application(application.applicant, demo.coalition) == application
    assert queries.pending_application(demo.coordinator, demo.coalition) is None  # not someone else's
    actions.withdraw_application(actor=application.applicant, application=application)
    assert queries.pending_application(application.applicant, demo.coalition) is None
    from django.contrib.auth.models import AnonymousUser

    assert queries.pending_application(AnonymousUser(), demo.coalition) is None


def test_closed_invitations_are_the_accepted_revoked_and_expired_the_actor_may_see(demo):
    coalition = demo.coalition
    open_one = actions.create_invitation(actor=demo.coordinator, coalition=coalition)
    revoked = actions.create_invitation(actor=demo.coordinator, coalition=coalition)
    actions.revoke_invitation(actor=demo.coordinator, invitation=revoked)
    expired = actions.create_invitation(actor=demo.coordinator, coalition=coalition)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    closed = set(queries.closed_invitations(demo.coordinator, coalition).values_list("pk", flat=True))
    still_open = set(queries.invitations(demo.coordinator, coalition, open_only=True).values_list("pk", flat=True))
    assert {revoked.pk, expired.pk} <= closed and open_one.pk in still_open
    every = set(Invitation.objects.filter(coalition=coalition).values_list("pk", flat=True))
    assert closed | still_open == every and not closed & still_open
    # A delegate sees only the invitations they made.
    assert set(queries.closed_invitations(demo.delegate, coalition).values_list("created_by", flat=True)) <= {
        demo.delegate.pk
    }


def test_current_affiliations_leave_out_ended_ones(demo):
    yusuf = next(person for person in queries.people(demo.coordinator, demo.coalition) if person.name == "Yusuf Rahman")
    current = list(queries.current_affiliations(demo.coordinator, yusuf))
    assert [a.member_group.name for a in current] == ["Bradford Clean Air Campaign", "Leeds Climate Action"]
    actions.end_affiliation(actor=demo.coordinator, affiliation=current[1])
    assert [a.member_group.name for a in queries.current_affiliations(demo.coordinator, yusuf)] == [
        "Bradford Clean Air Campaign"
    ]


def test_groups_to_add_a_person_to_leave_out_their_groups(demo):
    person = demo.member_person  # in Leeds
    for_coordinator = list(queries.groups_to_add_person_to(demo.coordinator, person))
    assert len(for_coordinator) == 19 and demo.delegate_group not in for_coordinator
    assert list(queries.groups_to_add_person_to(demo.delegate, person)) == []  # already in her only group
    li_wei = next(p for p in queries.people(demo.delegate, demo.coalition) if p.name == "Li Wei")
    assert list(queries.groups_to_add_person_to(demo.delegate, li_wei)) == [demo.delegate_group]
    assert list(queries.groups_to_add_person_to(demo.member, li_wei)) == []


def test_the_statuses_counted_are_the_models(demo):
    assert list(queries.application_counts(demo.coordinator, demo.coalition)) == list(Application.Status.values)
