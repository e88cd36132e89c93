"""Joining by invitation and by application, and the audit log that records it."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from accord.accounts.actions import create_user
from accord.agreements.models import Admission, SignOn
from accord.coalitions import actions
from accord.coalitions.models import Affiliation, Application, AuditEvent, Invitation, MemberGroup, Person
from accord.decisions.models import Proposal

from .conftest import assert_error, snapshot
from .test_coalitions import iso
from .test_constitution_api import adopted_world, close
from .test_members import ref

# --- invitations -----------------------------------------------------------------------------------------------


def invitation_out(invitation: Invitation) -> dict:
    return {
        "id": invitation.pk,
        "status": invitation.status,
        "email": invitation.email,
        "member_group": ref(invitation.member_group) if invitation.member_group else None,
        "as_delegate": invitation.as_delegate,
        "person": ref(invitation.person) if invitation.person else None,
        "created_by_name": invitation.created_by.display_name if invitation.created_by else None,
        "created_at": iso(invitation.created_at),
        "expires_at": iso(invitation.expires_at),
        "accepted_at": iso(invitation.accepted_at),
        "revoked_at": iso(invitation.revoked_at),
        "token": invitation.token,
        "url": f"{settings.BASE_URL}/invite/{invitation.token}/",
    }


def test_coordinators_list_every_invitation(api, demo):
    response = api(demo.coordinator).get(f"/coalitions/{demo.coalition.slug}/invitations")

    assert response.status_code == 200
    invitations = Invitation.objects.filter(coalition=demo.coalition).order_by("-created_at")
    assert response.json() == {
        "count": invitations.count(),
        "page": 1,
        "page_size": 50,
        "items": [invitation_out(invitation) for invitation in invitations],
    }
    open_only = (
        api(demo.coordinator).get(f"/coalitions/{demo.coalition.slug}/invitations", {"open_only": "true"}).json()
    )
    assert {item["status"] for item in open_only["items"]} == {"open"}
    assert open_only["count"] == sum(1 for invitation in invitations if invitation.status == "open")


def test_a_delegate_invites_to_their_group_and_sees_only_their_own_invitations(api, demo):
    client = api(demo.delegate)
    response = client.post(
        f"/coalitions/{demo.coalition.slug}/invitations",
        {"member_group": demo.delegate_group.pk, "email": "New@Example.org", "valid_days": 7},
    )

    assert response.status_code == 201
    invitation = Invitation.objects.get(email="new@example.org")
    assert response.json() == invitation_out(invitation)
    assert response.json()["url"] == settings.BASE_URL + f"/invite/{invitation.token}/"
    assert (invitation.member_group, invitation.created_by, invitation.as_delegate) == (
        demo.delegate_group,
        demo.delegate,
        False,
    )
    listed = client.get(f"/coalitions/{demo.coalition.slug}/invitations").json()
    theirs = Invitation.objects.filter(created_by=demo.delegate).order_by("-created_at")
    assert [item["id"] for item in listed["items"]] == [mine.pk for mine in theirs]
    assert listed["items"][0]["id"] == invitation.pk
    assert Invitation.objects.filter(coalition=demo.coalition).exclude(created_by=demo.delegate).exists()


def test_invite_someone_to_claim_a_recorded_person(api, demo):
    person = Person.objects.create(coalition=demo.coalition, name="Unrecorded Ursula", is_individual_member=True)
    response = api(demo.coordinator).post(
        f"/coalitions/{demo.coalition.slug}/invitations", {"person": person.pk, "email": "ursula@example.org"}
    )
    assert response.status_code == 201
    assert response.json()["person"] == ref(person)


def test_revoke_an_invitation(api, demo):
    invitation = actions.create_invitation(actor=demo.coordinator, coalition=demo.coalition)
    response = api(demo.coordinator).post(f"/coalitions/{demo.coalition.slug}/invitations/{invitation.pk}/revoke")

    assert response.status_code == 200
    invitation.refresh_from_db()
    assert response.json() == invitation_out(invitation)
    assert response.json()["status"] == "revoked"
    assert_error(
        api(demo.coordinator).post(f"/coalitions/{demo.coalition.slug}/invitations/{invitation.pk}/revoke"),
        409,
        "conflict",
    )


def test_anyone_holding_an_invitation_sees_what_it_is_for(api, demo):
    invitation = actions.create_invitation(
        actor=demo.delegate, coalition=demo.coalition, member_group=demo.delegate_group, as_delegate=True
    )
    response = api(None).get(f"/invitations/{invitation.token}")

    assert response.status_code == 200
    assert response.json() == {
        "status": "open",
        "coalition": {"id": demo.coalition.pk, "slug": demo.coalition.slug, "name": demo.coalition.name},
        "coalition_purpose": demo.coalition.purpose,
        "member_group": ref(demo.delegate_group),
        "as_delegate": True,
        "claims_person": None,
        "invited_by": "Priya Shah",
        "expires_at": iso(invitation.expires_at),
    }


def test_an_unknown_invitation_token(api, demo):
    # Seeing and accepting name the token alike: it is what the holder copied, and may have copied wrongly.
    token = "not-a-real-token-at-all"
    assert_error(api(None).get(f"/invitations/{token}"), 404, "not_found", field="token")
    assert_error(api(demo.outsider).post(f"/invitations/{token}/accept"), 404, "not_found", field="token")
    # Characters no token has are refused before the database is asked (see test_errors.py for more).
    assert_error(api(None).get("/invitations/bad%00token"), 404, "not_found", field="token")


def test_accept_an_invitation(api, demo):
    invitation = actions.create_invitation(
        actor=demo.delegate, coalition=demo.coalition, member_group=demo.delegate_group
    )
    response = api(demo.outsider).post(f"/invitations/{invitation.token}/accept")

    assert response.status_code == 200
    person = Person.objects.get(coalition=demo.coalition, user=demo.outsider)
    affiliation = Affiliation.objects.get(person=person)
    body = response.json()
    assert body["coalition"] == {"id": demo.coalition.pk, "slug": demo.coalition.slug, "name": demo.coalition.name}
    assert (body["person"]["id"], body["person"]["name"], body["person"]["email"]) == (
        person.pk,
        "Sam Taylor",
        "outsider@demo.example",
    )
    assert body["person"]["member_groups"] == [
        {"affiliation_id": affiliation.pk, "member_group": ref(demo.delegate_group), "is_delegate": False}
    ]
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    assert_error(api(demo.outsider).post(f"/invitations/{invitation.token}/accept"), 409, "conflict", field="token")


# --- applications ----------------------------------------------------------------------------------------------


def application_out(application: Application) -> dict:
    return {
        "id": application.pk,
        "kind": application.kind,
        "status": application.status,
        "applicant_name": application.applicant_name,
        "subject_name": application.subject_name,
        "group_name": application.group_name,
        "group_description": application.group_description,
        "group_size": application.group_size,
        "contact_email": application.contact_email,
        "answers": application.answers,
        "submitted_at": iso(application.submitted_at),
        "decided_at": iso(application.decided_at),
        "decided_by_name": application.decided_by.display_name if application.decided_by else None,
        "decision_reason": application.decision_reason,
        "member_group": ref(application.member_group) if application.member_group else None,
        "person": ref(application.person) if application.person else None,
        "admission_proposal_id": Admission.objects.filter(application=application)
        .values_list("proposal_id", flat=True)
        .first(),
    }


def answers_for(coalition) -> list[str]:
    return [f"Answer {number}" for number, _ in enumerate(coalition.question_list, start=1)]


def test_apply_to_join_as_a_group(api, demo):
    response = api(demo.outsider).post(
        f"/coalitions/{demo.coalition.slug}/applications",
        {
            "kind": "group",
            "answers": answers_for(demo.coalition),
            "group_name": "Sheffield Tree Action",
            "group_size": 30,
            "group_description": "Planting street trees.",
            "signs_on": True,
        },
    )

    assert response.status_code == 201
    application = Application.objects.get(group_name="Sheffield Tree Action")
    assert response.json() == application_out(application)
    assert response.json()["answers"] == [
        {"question": question, "answer": f"Answer {number}"}
        for number, question in enumerate(demo.coalition.question_list, start=1)
    ]
    assert (application.status, application.applicant, application.contact_email) == (
        "pending",
        demo.outsider,
        "outsider@demo.example",
    )


def test_an_unanswered_question_names_the_answer_at_fault(api, demo):
    body = assert_error(
        api(demo.outsider).post(
            f"/coalitions/{demo.coalition.slug}/applications",
            {"kind": "individual", "answers": ["Leeds", ""], "signs_on": True},
        ),
        422,
        "invalid",
        field="answers.1",
    )
    assert body["message"].startswith("Enter an answer to “Why do you want to join")


def test_coordinators_list_applications_by_status(api, demo):
    client = api(demo.coordinator)
    everything = client.get(f"/coalitions/{demo.coalition.slug}/applications").json()
    applications = Application.objects.filter(coalition=demo.coalition).order_by("-submitted_at")
    assert everything["count"] == applications.count() == 4
    assert everything["items"] == [application_out(application) for application in applications]

    pending = client.get(f"/coalitions/{demo.coalition.slug}/applications", {"status": "pending"}).json()
    assert {item["id"] for item in pending["items"]} == {
        demo.pending_group_application.pk,
        demo.pending_individual_application.pk,
    }
    admitted = client.get(f"/coalitions/{demo.coalition.slug}/applications", {"status": "admitted"}).json()
    assert [item["subject_name"] for item in admitted["items"]] == ["Durham Climate Students"]
    assert admitted["items"][0]["member_group"]["name"] == "Durham Climate Students"


def test_an_applicant_sees_only_their_own_application(api, demo):
    application = demo.pending_individual_application
    client = api(application.applicant)
    listed = client.get(f"/coalitions/{demo.coalition.slug}/applications").json()
    assert [item["id"] for item in listed["items"]] == [application.pk]
    assert client.get(f"/coalitions/{demo.coalition.slug}/applications/{application.pk}").json() == (
        application_out(application)
    )
    assert_error(
        client.get(f"/coalitions/{demo.coalition.slug}/applications/{demo.pending_group_application.pk}"),
        404,
        "not_found",
    )


def test_no_coordinator_decides_an_application(api, demo):
    """Admission is the coalition's decision, under its "admit a member" rule: there is no coordinator's verdict."""
    application = demo.pending_group_application
    coordinator = api(demo.coordinator)
    before = snapshot()
    response = coordinator.post(
        f"/coalitions/{demo.coalition.slug}/applications/{application.pk}/decision", {"admit": True}
    )
    assert_error(response, 404, "not_found")
    assert snapshot() == before


def test_a_failed_admission_decision_declines_the_application(api):
    world = adopted_world()
    applicant = create_user(email="lee@hull.example", password=None, name="Lee Ray")
    applied = api(applicant).post(
        f"/coalitions/{world.coalition.slug}/applications", {"kind": "individual", "signs_on": True}
    )
    assert applied.status_code == 201, applied.content
    proposal = Proposal.objects.get(pk=applied.json()["admission_proposal_id"])
    for user, unit in ((world.delegate, f"g{world.group.pk}"), (world.other_delegate, f"g{world.other_group.pk}")):
        stance = api(user).post(
            f"/coalitions/{world.coalition.slug}/proposals/{proposal.pk}/stances",
            {"unit": unit, "position": "block", "reason": "Not while we settle in."},
        )
        assert stance.status_code == 201, stance.content
    assert close(proposal).status == "blocked"
    answer = api(applicant).get(f"/coalitions/{world.coalition.slug}/applications/{applied.json()['id']}").json()
    assert (answer["status"], answer["member_group"], answer["person"]) == ("declined", None, None)
    assert not Person.objects.filter(coalition=world.coalition, user=applicant).exists()


def test_withdraw_an_application(api, demo):
    application = demo.pending_individual_application
    response = api(application.applicant).post(
        f"/coalitions/{demo.coalition.slug}/applications/{application.pk}/withdraw"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    application.refresh_from_db()
    assert application.status == "withdrawn"


def test_join_and_admit_flow(api):
    """The flow docs/api.md walks through: a new account reads the joining page and applies for its group; the
    coalition decides under its "admit a member" rule, and the group is in, counting after its induction."""
    world = adopted_world()
    applicant = create_user(email="kay@sheffield.example", password=None, name="Kay Green")
    kay = api(applicant)
    slug = world.coalition.slug

    joining = api(None).get(f"/coalitions/{slug}/joining").json()
    assert joining["adopted"] is True and joining["unity_statement"]["version"] == 1
    applied = kay.post(
        f"/coalitions/{slug}/applications",
        {
            "kind": "group",
            "answers": [f"Answer to: {question}" for question in joining["membership_questions"]],
            "group_name": "Sheffield Tree Action",
            "group_size": 30,
            "signs_on": True,
        },
    )
    assert applied.status_code == 201, applied.content
    application_id, proposal_id = applied.json()["id"], applied.json()["admission_proposal_id"]
    proposal = Proposal.objects.get(pk=proposal_id)
    assert (proposal.effect, proposal.kind.key, proposal.status) == ("admission", "admit_member", "open")

    waiting = api(world.coordinator).get(f"/coalitions/{slug}/applications", {"status": "pending"}).json()
    assert application_id in [item["id"] for item in waiting["items"]]
    for user, unit in (
        (world.delegate, f"g{world.group.pk}"),
        (world.other_delegate, f"g{world.other_group.pk}"),
        (world.coordinator, world.key(world.coordinator)),
    ):
        stance = api(user).post(
            f"/coalitions/{slug}/proposals/{proposal_id}/stances", {"unit": unit, "position": "agree"}
        )
        assert stance.status_code == 201, stance.content
    if proposal.rounds.get().closed_at is None:
        close(proposal)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.effect_note) == ("passed", "")

    decision = kay.get(f"/coalitions/{slug}/applications/{application_id}").json()
    assert decision["status"] == "admitted"
    assert decision["member_group"]["name"] == "Sheffield Tree Action"
    assert decision["person"]["name"] == "Kay Green"
    group = MemberGroup.objects.get(pk=decision["member_group"]["id"])
    assert group.counts_from is not None and group.counts_from > timezone.now()  # inducted before counting

    me = kay.get(f"/coalitions/{slug}").json()
    assert (me["my_role"], me["my_delegate_of"]) == ("member", [group.pk])
    members = kay.get(f"/coalitions/{slug}/member-groups/{group.pk}").json()
    assert [(p["person"]["name"], p["is_delegate"]) for p in members["people"]] == [("Kay Green", True)]
    induction = kay.get(f"/coalitions/{slug}/induction").json()
    assert induction["counts_from"] == iso(group.counts_from)
    signed = SignOn.objects.filter(member_group=group).values_list("version__agreement__key", flat=True)
    assert set(signed) == {"unity_statement", "principles", "membership_criteria", "membership_expectations"}


# --- the audit log ---------------------------------------------------------------------------------------------


def test_members_read_the_audit_log(api, demo):
    response = api(demo.member).get(f"/coalitions/{demo.coalition.slug}/audit-events", {"page_size": 5})

    assert response.status_code == 200
    events = AuditEvent.objects.filter(coalition=demo.coalition).order_by("-created_at", "-id")
    body = response.json()
    assert body["count"] == events.count()
    assert body["items"] == [
        {
            "id": event.pk,
            "actor_label": event.actor_label,
            "verb": event.verb,
            "summary": event.summary,
            "target_type": event.target_type,
            "target_id": event.target_id,
            "created_at": iso(event.created_at),
            "data": event.data,
        }
        for event in events[:5]
    ]


def test_the_audit_log_by_verb_shows_former_members_as_such(api, demo):
    body = api(demo.coordinator).get(f"/coalitions/{demo.coalition.slug}/audit-events", {"verb": "person.left"}).json()
    assert [(item["verb"], item["actor_label"]) for item in body["items"]] == [
        ("person.left", "Oliver Bennett (former member)")
    ]
    assert body["items"][0]["data"]["reason"] == demo.former_member_person.leave_reason


# --- an invitation carries its maker's authority ---------------------------------------------------------------


def test_an_invitation_whose_maker_stepped_down_cannot_be_accepted(api, demo):
    invitation = actions.create_invitation(
        actor=demo.delegate, coalition=demo.coalition, member_group=demo.delegate_group, email="new@example.org"
    )
    own = Affiliation.objects.get(person=demo.delegate_person, member_group=demo.delegate_group)
    actions.set_delegate(actor=demo.delegate, affiliation=own, is_delegate=False)  # Joseph Kamara stays delegate
    client = api(demo.outsider)
    before = snapshot()

    response = client.post(f"/invitations/{invitation.token}/accept")

    # Stepping down revoked the delegate's open links, so the link says so rather than looking open.
    body = assert_error(response, 409, "conflict", field="token")
    assert body["message"] == "This invitation is revoked. Ask the person who invited you for a new one."
    assert snapshot() == before
    assert not Person.objects.filter(coalition=demo.coalition, user=demo.outsider).exists()
    assert api(None).get(f"/invitations/{invitation.token}").json()["status"] == "revoked"


def test_an_invitation_whose_maker_left_cannot_be_accepted(api, demo):
    invitation = actions.create_invitation(
        actor=demo.delegate, coalition=demo.coalition, member_group=demo.delegate_group
    )
    actions.leave_coalition(actor=demo.delegate, coalition=demo.coalition)
    client = api(demo.outsider)
    before = snapshot()

    assert_error(client.post(f"/invitations/{invitation.token}/accept"), 409, "conflict", field="token")
    assert snapshot() == before


def test_revoking_an_invitation_keeps_the_address_out_of_the_audit_log(api, demo):
    invitation = actions.create_invitation(
        actor=demo.delegate, coalition=demo.coalition, member_group=demo.delegate_group, email="kay@sheffield.example"
    )

    response = api(demo.delegate).post(f"/coalitions/{demo.coalition.slug}/invitations/{invitation.pk}/revoke")

    assert response.status_code == 200
    event = AuditEvent.objects.filter(coalition=demo.coalition).order_by("-pk").first()
    assert (event.verb, event.target_id) == ("invitation.revoked", invitation.pk)
    assert event.summary == "revoked an invitation to Leeds Climate Action sent by email"
    assert "@" not in event.summary and "@" not in str(event.data)
    # and members reading the log through the API see no address either
    path = f"/coalitions/{demo.coalition.slug}/audit-events"
    log = api(demo.member).get(path, {"verb": "invitation.", "page_size": 200}).json()
    assert log["items"][0]["id"] == event.pk
    assert len(log["items"]) == log["count"]
    assert "@" not in str(log["items"])


def test_the_invitation_url_is_the_invitations_own_link(api, demo, monkeypatch):
    """The API, the pages and the invitation email send the same address: the one `Invitation.link` builds."""
    monkeypatch.setattr(Invitation, "link", property(lambda invitation: f"https://join.example/{invitation.token}"))
    response = api(demo.delegate).post(
        f"/coalitions/{demo.coalition.slug}/invitations", {"member_group": demo.delegate_group.pk}
    )
    invitation = Invitation.objects.get(pk=response.json()["id"])
    assert response.json()["url"] == f"https://join.example/{invitation.token}"
