"""The joining, leaving, invitation, audit log and API token pages, over the Django test client.

Personas (tests/personas.py, the demo coalition "Northern Climate Action Network"): the coordinator Amara Okafor,
the delegate Priya Shah (Leeds Climate Action), the member Daniel Murphy (Leeds Climate Action, no other role),
and the outsider Sam Taylor.
"""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accord.accounts import actions as account_actions
from accord.accounts.models import ApiToken, User
from accord.coalitions import actions
from accord.coalitions.models import Affiliation, Application, AuditEvent, Invitation, MemberGroup, Person
from tests.web_constitution_membership.deciding import decide
from tests.web_membership.conftest import snapshot

QUESTIONS = [
    "Where are you based, and what climate work do you do there?",
    "Why do you want to join the network, and what can you bring to it?",
    "Do you accept the network's principles of non-violence and independence from fossil-fuel money?",
]
NCAN = "Northern Climate Action Network"


def text(response: Any) -> str:
    """The page's main content as plain text, whitespace collapsed."""
    html = response.content.decode()
    main = re.search(r"<main.*?</main>", html, re.S)
    body = main.group(0) if main else html
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", body, flags=re.S)
    plain = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body))).strip()
    return re.sub(r" ([.,;:?!)])", r"\1", plain)


def h1(response: Any) -> list[str]:
    return [
        re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", found))).strip()
        for found in re.findall(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    ]


def title(response: Any) -> str:
    found = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    return unescape(re.sub(r"\s+", " ", found.group(1))).strip() if found else ""


def field_error(response: Any, field_id: str) -> str:
    """The error shown beside a field (its <p id="<id>_error">), which the input names in aria-describedby."""
    html = response.content.decode()
    found = re.search(rf'<p class="field-error" id="{field_id}_error">(.*?)</p>', html, re.S)
    assert found, f"no error beside {field_id}"
    assert re.search(
        rf'id="{field_id}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="{field_id}"', html
    ) or re.search(rf'<[^>]*aria-describedby="[^"]*{field_id}_error[^"]*"[^>]*>', html), f"{field_id} not linked"
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", found.group(1)))).replace("Error: ", "").strip()


def url(name: str, *args: Any) -> str:
    return reverse(f"web:{name}", args=args)


def login_redirect(path: str) -> str:
    from urllib.parse import quote

    return f"/accounts/login/?next={quote(path, safe='/')}"


# --- join ----------------------------------------------------------------------------------------------------


def test_join_for_anonymous_shows_the_purpose_the_questions_and_sign_in_links(demo, client_for):
    slug = demo.coalition.slug
    response = client_for(None).get(url("join", slug))
    assert response.status_code == 200
    assert h1(response) == [f"Apply to join {NCAN}"]
    assert title(response) == f"Apply to join {NCAN} – Accord"
    page = text(response)
    for question in QUESTIONS:
        assert question in page
    assert "Sign in or create an account to apply." in page
    html = response.content.decode()
    assert f'href="/accounts/login/?next=/c/{slug}/join/">Sign in to apply</a>' in html
    assert f'href="/accounts/signup/?next=/c/{slug}/join/">Create an account</a>' in html
    assert 'name="kind"' not in html


def test_join_for_an_outsider_asks_group_or_individual_contact_and_one_answer_per_question(demo, client_for):
    response = client_for(demo.outsider).get(url("join", demo.coalition.slug))
    assert response.status_code == 200
    html = response.content.decode()
    assert h1(response) == [f"Apply to join {NCAN}"]
    assert 'type="radio" name="kind" value="group"' in html
    assert 'type="radio" name="kind" value="individual"' in html
    assert re.search(r'<input type="email" name="contact_email" value="outsider@demo.example"', html)
    for index, question in enumerate(QUESTIONS):
        label = re.search(rf'<label for="id_answers_{index}">(.*?)</label>', html, re.S)
        assert label and unescape(label.group(1)).strip() == question
        assert re.search(rf'<textarea name="answers_{index}"[^>]*required[^>]*id="id_answers_{index}"', html)
    assert 'name="group_name"' in html and 'name="group_size"' in html
    assert "You are already a member" not in text(response)
    assert '<button type="submit" class="button">Send my application</button>' in html


def test_join_for_a_member_says_they_are_a_member_and_offers_only_a_new_group(demo, client_for):
    response = client_for(demo.member).get(url("join", demo.coalition.slug))
    assert response.status_code == 200
    assert h1(response) == [f"Bring a new member group into {NCAN}"]
    assert f"You are already a member of {NCAN}." in text(response)
    html = response.content.decode()
    assert '<input type="hidden" name="kind" value="group"' in html
    assert 'value="individual"' not in html


def test_join_with_a_pending_application_shows_it_with_a_withdraw_button(demo, client_for):
    application = demo.pending_individual_application
    response = client_for(application.applicant).get(url("join", demo.coalition.slug))
    page = text(response)
    assert "Your application is waiting for a decision" in page
    assert "as an individual member" in page
    html = response.content.decode()
    assert f'action="{url("application_withdraw", demo.coalition.slug, application.pk)}"' in html
    assert "Withdraw my application</button>" in html
    assert 'name="kind"' not in html


# --- applications ----------------------------------------------------------------------------------------------


def test_applications_for_the_coordinator_list_pending_first_with_status_tabs(demo, client_for):
    slug = demo.coalition.slug
    client = client_for(demo.coordinator)
    response = client.get(url("applications", slug))
    assert response.status_code == 200
    assert h1(response) == [f"Applications to join {NCAN}"]
    page = text(response)
    assert "Waiting for a decision 2 Admitted 1 Declined 1 Withdrawn 0 All 4" in page
    assert "Rajesh Kumar (individual)" in page
    assert "Sheffield Tenants for Climate (member group, 35 people, applied by Kemi Adebayo)" in page
    assert "Durham Climate Students" not in page

    declined = text(client.get(url("applications", slug) + "?status=declined"))
    assert "Northern Gas Futures Forum" in declined and "Rajesh Kumar" not in declined

    everything = client.get(url("applications", slug) + "?status=")
    names = re.findall(r"<strong>(.*?)</strong>", everything.content.decode().split("<main", 1)[1])
    subjects = [unescape(name) for name in names if not name.isdigit()]
    assert set(subjects[:2]) == {"Rajesh Kumar", "Sheffield Tenants for Climate"}
    assert set(subjects[2:]) == {"Northern Gas Futures Forum", "Durham Climate Students"}


def test_applications_for_others_show_only_their_own(demo, client_for):
    slug = demo.coalition.slug
    applicant = demo.pending_group_application.applicant
    own = text(client_for(applicant).get(url("applications", slug)))
    assert "Sheffield Tenants for Climate" in own and "Rajesh Kumar" not in own
    member = client_for(demo.member).get(url("applications", slug))
    assert h1(member) == [f"Applications to join {NCAN}"]
    assert f"You have not applied to {NCAN}." in text(member)
    # Every member decides on applications: the open admission decisions are listed, each linked.
    proposal = demo.pending_group_application.admission.proposal
    assert "Admission decisions open" in text(member)
    assert f'href="{url("proposal", slug, proposal.pk)}">Admit Sheffield Tenants for Climate</a>' in (
        member.content.decode()
    )
    assert client_for(None).get(url("applications", slug))["Location"] == login_redirect(url("applications", slug))


def test_application_page_for_the_coordinator_has_the_answers_and_a_link_to_the_admission_decision(demo, client_for):
    application = demo.pending_group_application
    proposal = application.admission.proposal
    response = client_for(demo.coordinator).get(url("application", demo.coalition.slug, application.pk))
    assert response.status_code == 200
    assert h1(response) == ["Application from Sheffield Tenants for Climate"]
    page = text(response)
    for item in application.answers:
        assert f"{item['question']} {item['answer']}" in page
    assert f"{NCAN} decides on this application as a “Admit a member” decision, under the rule it agreed:" in page
    html = response.content.decode()
    assert f'<a href="{url("proposal", demo.coalition.slug, proposal.pk)}">Go to the admission decision</a>' in html
    # No coordinator decides alone any more: no admit/decline form, no decision button.
    assert 'name="decision"' not in html and "Record the decision" not in html
    assert "Withdraw my application" not in html


def test_application_page_for_the_applicant_shows_status_and_withdraw_but_no_decision(demo, client_for):
    application = demo.pending_group_application
    response = client_for(application.applicant).get(url("application", demo.coalition.slug, application.pk))
    page = text(response)
    assert "Status: Waiting for a decision." in page
    assert "Withdraw my application" in page
    assert 'name="decision"' not in response.content.decode()


def test_a_declined_applicant_reads_the_reason(demo, client_for):
    declined = Application.objects.get(status="declined")
    response = client_for(declined.applicant).get(url("application", demo.coalition.slug, declined.pk))
    page = text(response)
    assert "Status: Declined" in page
    assert "The coalition decided not to admit your group." in page
    assert declined.decision_reason.startswith("Not admitted")
    assert f"What the decision said: {' '.join(declined.decision_reason.split())}" in page
    assert "Withdraw my application" not in page


@pytest.mark.parametrize("who", ["member", "delegate", "outsider"])
def test_others_cannot_see_an_application(demo, client_for, who):
    application = demo.pending_group_application
    response = client_for(getattr(demo, who)).get(url("application", demo.coalition.slug, application.pk))
    assert response.status_code == 404
    assert "There is no such application, or only coordinators can see it." in text(response)


# --- invitations -------------------------------------------------------------------------------------------


def test_invitations_for_the_coordinator_offer_every_group_or_none(demo, client_for):
    response = client_for(demo.coordinator).get(
        url("invitations", demo.coalition.slug) + f"?member_group={demo.big_group.pk}"
    )
    assert response.status_code == 200
    assert h1(response) == [f"Invite people to {NCAN}"]
    html = response.content.decode()
    options = re.findall(r'<option value="(\d*)"( selected)?>(.*?)</option>', html)
    assert options[0][0] == "" and options[0][2] == "No group: they join as an individual member"
    assert len(options) == 1 + 20
    assert [name for _, selected, name in options if selected] == ["Manchester Climate Network"]
    assert 'name="as_delegate"' in html and 'name="valid_days" value="14"' in html
    page = text(response)
    assert "Open invitations" in page
    assert "patrick.oneill@demo.example to claim the record of Patrick O'Neill" in page
    assert "Anyone with the link to join Leeds Climate Action Made by Priya Shah" in page


def test_invitations_for_a_delegate_offer_only_their_group_and_list_their_own(demo, client_for):
    response = client_for(demo.delegate).get(url("invitations", demo.coalition.slug))
    assert response.status_code == 200
    html = response.content.decode()
    options = re.findall(r'<option value="(\d*)"( selected)?>(.*?)</option>', html)
    assert options == [(str(demo.delegate_group.pk), " selected", "Leeds Climate Action")]
    page = text(response)
    assert "Anyone with the link to join Leeds Climate Action" in page
    assert "patrick.oneill@demo.example" not in page


@pytest.mark.parametrize("who, status", [("member", 403), ("outsider", 403), (None, 302)])
def test_invitations_refused_to_others(demo, client_for, who, status):
    response = client_for(getattr(demo, who) if who else None).get(url("invitations", demo.coalition.slug))
    assert response.status_code == status
    if status == 403:
        assert text(response).startswith("You can’t do this here")


def test_a_claim_invitation_form_names_the_person(demo, client_for):
    person = demo.unclaimed_person
    response = client_for(demo.coordinator).get(url("invitations", demo.coalition.slug) + f"?person={person.pk}")
    assert h1(response) == [f"Invite {person.name} to claim their record"]
    html = response.content.decode()
    assert f'<input type="hidden" name="person" value="{person.pk}"' in html
    assert 'name="member_group"' not in html
    assert (
        client_for(demo.delegate).get(url("invitations", demo.coalition.slug) + f"?person={person.pk}").status_code
        == 403
    )


def test_invitation_link_page_for_anonymous_explains_and_offers_sign_in(demo, client_for):
    invitation = Invitation.objects.get(created_by=demo.delegate)
    path = url("invitation", invitation.token)
    response = client_for(None).get(path)
    assert response.status_code == 200
    assert h1(response) == [f"Invitation to {NCAN}"]
    page = text(response)
    assert f"Priya Shah invites you to join Leeds Climate Action, a member group of {NCAN}." in page
    assert "Sign in or create an account to accept." in page
    html = response.content.decode()
    assert f'href="/accounts/login/?next={path}">Sign in to accept</a>' in html
    assert f'href="/accounts/signup/?next={path}">Create an account</a>' in html
    assert "Accept and join" not in html


def test_invitation_link_page_signed_in_has_an_accept_button(demo, client_for):
    invitation = Invitation.objects.get(person=demo.unclaimed_person)
    response = client_for(demo.outsider).get(url("invitation", invitation.token))
    assert "Accept and claim the record of Patrick O&#x27;Neill</button>" in response.content.decode()
    assert "to claim the record of Patrick O'Neill" in text(response)


@pytest.mark.parametrize(
    "state, says",
    [
        ("revoked", "This invitation was revoked on"),
        ("expired", "This invitation expired on"),
        ("accepted", "This invitation has already been accepted"),
    ],
)
def test_a_used_invitation_explains_itself(demo, client_for, state, says):
    invitation = Invitation.objects.get(created_by=demo.delegate)
    now = timezone.now()
    if state == "revoked":
        invitation.revoked_at = now
    elif state == "expired":
        invitation.expires_at = now - timedelta(days=1)
    else:
        invitation.accepted_at, invitation.accepted_by = now, demo.member
    invitation.save()
    response = client_for(demo.outsider).get(url("invitation", invitation.token))
    page = text(response)
    assert says in page
    assert "Ask Priya Shah for a new one" in page
    assert "Accept and join" not in page


def test_an_unknown_invitation_token_is_404(demo, client_for):
    response = client_for(None).get(url("invitation", "not-a-real-token"))
    assert response.status_code == 404
    assert "This invitation link is not valid." in text(response)


# --- leaving -----------------------------------------------------------------------------------------------


def test_leave_page_explains_what_stays(demo, client_for):
    response = client_for(demo.member).get(url("leave", demo.coalition.slug))
    assert response.status_code == 200
    assert h1(response) == [f"Leave {NCAN}"]
    page = text(response)
    assert "shown as “Daniel Murphy (former member)”" in page
    assert "You also leave your member group: Leeds Climate Action. The group stays in the coalition." in page
    assert "a coordinator can invite you again" in page
    assert f"Leave {NCAN}</button>" in response.content.decode()


def test_group_leave_page_lists_who_leaves_with_the_group(demo, client_for):
    response = client_for(demo.delegate).get(url("group_leave", demo.coalition.slug, demo.delegate_group.pk))
    assert response.status_code == 200
    assert h1(response) == [f"Take Leeds Climate Action out of {NCAN}"]
    page = text(response)
    assert (
        "only through Leeds Climate Action, so they leave too. Their history stays, shown as a former member’s: "
        "Daniel Murphy Hannah Lewis Joseph Kamara Priya Shah (you)"
    ) in page
    assert "in their own right: Jakub Kowalski Yusuf Rahman" in page


def test_affiliation_end_page_for_an_only_membership_points_to_leaving(demo, client_for):
    affiliation = Affiliation.objects.get(person=demo.member_person, ended_at__isnull=True)
    response = client_for(demo.member).get(url("affiliation_end", demo.coalition.slug, affiliation.pk))
    assert response.status_code == 200
    assert h1(response) == ["Leave Leeds Climate Action"]
    page = text(response)
    assert f"Leeds Climate Action is your only membership of {NCAN}." in page
    assert f'href="{url("leave", demo.coalition.slug)}"' in response.content.decode()


def test_affiliation_end_page_for_the_coordinator_recording_someone_leaving(demo, client_for):
    yusuf = Person.objects.get(name="Yusuf Rahman")
    affiliation = Affiliation.objects.get(person=yusuf, member_group=demo.delegate_group)
    response = client_for(demo.coordinator).get(url("affiliation_end", demo.coalition.slug, affiliation.pk))
    assert h1(response) == ["Record that Yusuf Rahman left Leeds Climate Action"]
    assert "Yusuf Rahman stays in Northern Climate Action Network through Bradford Clean Air Campaign." in text(
        response
    )


# --- every POST refused to the wrong person changes nothing --------------------------------------------------


def _refusals(demo: Any) -> list[tuple[str, str, Any, dict[str, Any], int]]:
    slug = demo.coalition.slug
    pending = demo.pending_group_application
    coordinator_invitation = Invitation.objects.get(person=demo.unclaimed_person)
    delegate_invitation = Invitation.objects.get(created_by=demo.delegate)
    member_affiliation = Affiliation.objects.get(person=demo.member_person, ended_at__isnull=True)
    delegate_affiliation = Affiliation.objects.get(person=demo.delegate_person, ended_at__isnull=True)
    answers = {f"answers_{index}": "An answer" for index in range(3)}
    admit = {"decision": "admit", "reason": ""}  # the old coordinator's form: the page now takes no POST
    invite = {"email": "", "member_group": str(demo.big_group.pk), "valid_days": "14"}
    return [
        ("join anonymous", url("join", slug), None, {"kind": "individual", **answers}, 302),
        ("decide anonymous", url("application", slug, pending.pk), None, admit, 302),
        ("decide member", url("application", slug, pending.pk), "member", admit, 405),
        ("decide delegate", url("application", slug, pending.pk), "delegate", admit, 405),
        ("decide by the applicant", url("application", slug, pending.pk), "applicant", admit, 405),
        ("decide by the coordinator", url("application", slug, pending.pk), "coordinator", admit, 405),
        ("withdraw by the coordinator", url("application_withdraw", slug, pending.pk), "coordinator", {}, 403),
        ("withdraw by a member", url("application_withdraw", slug, pending.pk), "member", {}, 404),
        ("withdraw anonymous", url("application_withdraw", slug, pending.pk), None, {}, 302),
        ("invite anonymous", url("invitations", slug), None, invite, 302),
        ("invite outsider", url("invitations", slug), "outsider", invite, 403),
        ("invite member", url("invitations", slug), "member", invite, 403),
        ("invite delegate to another group", url("invitations", slug), "delegate", invite, 403),
        (
            "invite delegate as individual",
            url("invitations", slug),
            "delegate",
            {"email": "", "member_group": "", "valid_days": "14"},
            422,
        ),
        (
            "claim invite by delegate",
            url("invitations", slug),
            "delegate",
            {"person": str(demo.unclaimed_person.pk), "valid_days": "14"},
            403,
        ),
        ("revoke anonymous", url("invitation_revoke", slug, coordinator_invitation.pk), None, {}, 302),
        ("revoke outsider", url("invitation_revoke", slug, coordinator_invitation.pk), "outsider", {}, 403),
        ("revoke member", url("invitation_revoke", slug, delegate_invitation.pk), "member", {}, 404),
        ("revoke delegate's other", url("invitation_revoke", slug, coordinator_invitation.pk), "delegate", {}, 404),
        ("accept anonymous", url("invitation", delegate_invitation.token), None, {}, 302),
        ("leave anonymous", url("leave", slug), None, {"reason": ""}, 302),
        ("leave outsider", url("leave", slug), "outsider", {"reason": ""}, 403),
        ("group leave member", url("group_leave", slug, demo.delegate_group.pk), "member", {"reason": ""}, 403),
        ("group leave coordinator", url("group_leave", slug, demo.delegate_group.pk), "coordinator", {}, 403),
        ("group leave outsider", url("group_leave", slug, demo.delegate_group.pk), "outsider", {}, 403),
        ("group leave anonymous", url("group_leave", slug, demo.delegate_group.pk), None, {}, 302),
        ("end other's affiliation", url("affiliation_end", slug, delegate_affiliation.pk), "member", {}, 403),
        ("end affiliation outsider", url("affiliation_end", slug, member_affiliation.pk), "outsider", {}, 403),
        ("end affiliation anonymous", url("affiliation_end", slug, member_affiliation.pk), None, {}, 302),
    ]


REFUSAL_NAMES = [
    "join anonymous",
    "decide anonymous",
    "decide member",
    "decide delegate",
    "decide by the applicant",
    "decide by the coordinator",
    "withdraw by the coordinator",
    "withdraw by a member",
    "withdraw anonymous",
    "invite anonymous",
    "invite outsider",
    "invite member",
    "invite delegate to another group",
    "invite delegate as individual",
    "claim invite by delegate",
    "revoke anonymous",
    "revoke outsider",
    "revoke member",
    "revoke delegate's other",
    "accept anonymous",
    "leave anonymous",
    "leave outsider",
    "group leave member",
    "group leave coordinator",
    "group leave outsider",
    "group leave anonymous",
    "end other's affiliation",
    "end affiliation outsider",
    "end affiliation anonymous",
]


@pytest.mark.parametrize("name", REFUSAL_NAMES)
def test_a_refused_post_has_the_right_status_and_changes_nothing(demo, client_for, name):
    cases = {case[0]: case for case in _refusals(demo)}
    assert sorted(cases) == sorted(REFUSAL_NAMES)
    _, path, who, data, status = cases[name]
    user = demo.pending_group_application.applicant if who == "applicant" else (getattr(demo, who) if who else None)
    before = snapshot()
    response = client_for(user).post(path, data)
    assert response.status_code == status, text(response)
    if status == 302:
        assert response["Location"] == login_redirect(path)
    if status == 422:  # a delegate's form has no "no group" choice: it asks for one beside the field
        assert field_error(response, "id_member_group") == "Choose the member group to invite them to."
    assert snapshot() == before


def test_a_token_of_someone_else_cannot_be_revoked(demo, client_for):
    token, _ = account_actions.create_api_token(actor=demo.member, name="Sync")
    before = snapshot()
    response = client_for(demo.outsider).post(url("token_revoke", token.pk))
    assert response.status_code == 404
    assert client_for(demo.outsider).get(url("token_revoke", token.pk)).status_code == 404
    assert client_for(None).post(url("token_revoke", token.pk)).status_code == 302
    assert snapshot() == before


# --- bad input: the message beside the field, nothing written ---------------------------------------------------


def test_missing_answers_and_bad_email_show_beside_their_fields(demo, client_for):
    before = snapshot()
    client = client_for(demo.outsider)
    response = client.post(
        url("join", demo.coalition.slug),
        {
            "kind": "individual",
            "signs_on": "on",
            "contact_email": "sam@",
            "answers_0": "Leeds",
            "answers_1": "",
            "answers_2": "Yes",
        },
    )
    assert response.status_code == 422
    assert field_error(response, "id_answers_1") == f"Enter an answer to “{QUESTIONS[1]}”."
    assert snapshot() == before
    response = client.post(
        url("join", demo.coalition.slug),
        {
            "kind": "individual",
            "signs_on": "on",
            "contact_email": "sam@",
            "answers_0": "a",
            "answers_1": "b",
            "answers_2": "c",
        },
    )
    assert field_error(response, "id_contact_email") == (
        "Enter a valid email address, like name@example.org (got “sam@”)."
    )
    assert snapshot() == before


def test_a_group_application_needs_a_name_and_a_size(demo, client_for):
    before = snapshot()
    answers = {f"answers_{index}": "x" for index in range(3)}
    response = client_for(demo.outsider).post(
        url("join", demo.coalition.slug),
        {"kind": "group", "group_name": "", "group_size": "12", "signs_on": "on", **answers},
    )
    assert field_error(response, "id_group_name") == "Enter the group's name."
    response = client_for(demo.outsider).post(
        url("join", demo.coalition.slug),
        {"kind": "group", "group_name": "Otley Energy", "group_size": "many", "signs_on": "on", **answers},
    )
    assert field_error(response, "id_group_size") == (
        "Enter how many people the group represents as a whole number, like 12."
    )
    assert snapshot() == before


@pytest.mark.parametrize(
    "data, field, message",
    [
        (
            {"email": "not-an-address", "valid_days": "14"},
            "id_email",
            "Enter a valid email address, like name@example.org (got “not-an-address”).",
        ),
        (
            {"email": "", "valid_days": "0"},
            "id_valid_days",
            "Choose how long the invitation stays valid: 1 to 90 days.",
        ),
        (
            {"email": "", "valid_days": "91"},
            "id_valid_days",
            "Choose how long the invitation stays valid: 1 to 90 days.",
        ),
        ({"email": "", "valid_days": "two"}, "id_valid_days", "Enter the number of days as a whole number, like 14."),
    ],
)
def test_bad_invitation_input_shows_beside_the_field(demo, client_for, data, field, message):
    before = snapshot()
    response = client_for(demo.coordinator).post(url("invitations", demo.coalition.slug), data)
    assert response.status_code == 422
    assert field_error(response, field) == message
    assert snapshot() == before


# --- whole flows -------------------------------------------------------------------------------------------


def test_apply_as_a_group_then_admitted_makes_the_group_with_the_applicant_as_delegate(demo, client_for):
    slug = demo.coalition.slug
    applicant = client_for(demo.outsider)
    response = applicant.post(
        url("join", slug),
        {
            "kind": "group",
            "group_name": "Otley Energy Co-op",
            "group_description": "Solar roofs in Otley.",
            "group_size": "27",
            "contact_email": "",
            "answers_0": "Otley",
            "answers_1": "Solar skills",
            "answers_2": "Yes",
            "signs_on": "on",
        },
    )
    application = Application.objects.get(group_name="Otley Energy Co-op")
    assert response.status_code == 302
    assert response["Location"] == url("application", slug, application.pk)
    assert application.contact_email == "outsider@demo.example"
    assert [item["answer"] for item in application.answers] == ["Otley", "Solar skills", "Yes"]
    follow = applicant.get(response["Location"])
    assert "Your application to Northern Climate Action Network has been sent." in text(follow)

    # The coalition decides under its "admit a member" rule: the members agree and the round closes.
    proposal = decide(application.admission.proposal, "agree")
    assert proposal.status == "passed"
    application.refresh_from_db()
    assert application.status == "admitted"
    group = MemberGroup.objects.get(name="Otley Energy Co-op", coalition=demo.coalition)
    assert group.size == 27 and group.is_active
    assert group.counts_from is not None and group.counts_from > timezone.now()
    person = Person.objects.get(coalition=demo.coalition, user=demo.outsider)
    assert list(Affiliation.objects.filter(person=person).values_list("member_group", "is_delegate", "ended_at")) == [
        (group.pk, True, None)
    ]
    page = text(applicant.get(url("application", slug, application.pk)))
    assert (
        "Otley Energy Co-op joined Northern Climate Action Network as a member group, with Sam Taylor as its delegate."
        in page
    )
    assert "You count in decisions from" in page
    group_page = applicant.get(url("group", slug, group.pk))
    assert group_page.status_code == 200
    assert "Otley Energy Co-op" in h1(group_page)[0]


def test_apply_as_an_individual_then_withdraw(demo, client_for):
    slug = demo.coalition.slug
    client = client_for(demo.outsider)
    client.post(
        url("join", slug),
        {"kind": "individual", "answers_0": "a", "answers_1": "b", "answers_2": "c", "signs_on": "on"},
    )
    application = Application.objects.get(applicant=demo.outsider)
    proposal = application.admission.proposal
    assert proposal.status == "open"
    response = client.post(url("application_withdraw", slug, application.pk))
    assert response["Location"] == url("application", slug, application.pk)
    application.refresh_from_db()
    assert application.status == "withdrawn"
    proposal.refresh_from_db()
    assert proposal.status != "open"  # the admission decision ended with the application
    again = client.post(url("application_withdraw", slug, application.pk), follow=True)
    assert "This application is already withdrawn." in text(again)


def test_an_admission_decision_that_fails_declines_the_application(demo, client_for):
    slug = demo.coalition.slug
    application = demo.pending_individual_application
    proposal = decide(application.admission.proposal, "block", reason="We only admit groups.")
    assert proposal.status != "passed"
    application.refresh_from_db()
    assert application.status == "declined"
    assert application.decision_reason.startswith("Not admitted")
    page = text(client_for(application.applicant).get(url("application", slug, application.pk)))
    assert "Status: Declined" in page
    assert "The coalition decided not to admit you." in page


def test_an_email_invitation_arrives_and_a_new_person_joins_through_it(
    demo, client_for, smtp_sink, django_capture_on_commit_callbacks
):
    slug = demo.coalition.slug
    coordinator = client_for(demo.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            url("invitations", slug),
            {
                "email": "New.Person@Example.org",
                "member_group": str(demo.big_group.pk),
                "as_delegate": "on",
                "valid_days": "7",
            },
        )
    invitation = Invitation.objects.get(email="new.person@example.org")
    assert response.status_code == 302
    assert response["Location"] == url("invitations", slug) + f"?created={invitation.pk}"
    link = f"http://127.0.0.1:8000/invite/{invitation.token}/"
    created = coordinator.get(response["Location"])
    html = created.content.decode()
    assert f'value="{link}" readonly' in html
    assert "We sent this link by email to new.person@example.org" in text(created)
    assert ">Copy link</button>" in html

    [message] = smtp_sink.to("new.person@example.org")
    assert message["Subject"] == f"You are invited to join {NCAN} on Accord"
    body = smtp_sink.body(message)
    assert link in body
    assert "join Manchester Climate Network as a delegate" in body

    newcomer = client_for(None)
    path = url("invitation", invitation.token)
    assert "Sign in or create an account to accept." in text(newcomer.get(path))
    response = newcomer.post(
        f"/accounts/signup/?next={path}",
        {
            "email": "new.person@example.org",
            "name": "Nia Roberts",
            "password1": "a-long-new-password-1",
            "password2": "a-long-new-password-1",
        },
    )
    assert response.status_code == 302 and response["Location"] == path
    response = newcomer.post(path)
    assert response.status_code == 302 and response["Location"] == url("coalition", slug)
    user = User.objects.get(email="new.person@example.org")
    person = Person.objects.get(coalition=demo.coalition, user=user)
    assert list(person.affiliations.values_list("member_group", "is_delegate")) == [(demo.big_group.pk, True)]
    welcome = newcomer.get(response["Location"])
    assert f"Welcome to {NCAN}. You are now in Manchester Climate Network as a delegate." in text(welcome)
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    assert "This invitation has already been accepted" in text(client_for(demo.outsider).get(path))


def test_a_link_invitation_says_no_email_was_sent(demo, client_for):
    coordinator = client_for(demo.coordinator)
    response = coordinator.post(
        url("invitations", demo.coalition.slug), {"email": "", "member_group": "", "valid_days": "30"}, follow=True
    )
    assert "No email was sent." in text(response)
    invitation = Invitation.objects.filter(created_by=demo.coordinator).order_by("-pk").first()
    assert invitation.member_group is None and invitation.email == ""
    assert round((invitation.expires_at - invitation.created_at).total_seconds() / 86400) == 30


def test_a_claim_invitation_links_the_account_to_the_recorded_person(demo, client_for):
    slug = demo.coalition.slug
    person = demo.unclaimed_person
    response = client_for(demo.coordinator).post(
        url("invitations", slug) + f"?person={person.pk}", {"person": str(person.pk), "email": "", "valid_days": "14"}
    )
    invitation = Invitation.objects.filter(person=person).order_by("-pk").first()
    assert response["Location"] == url("invitations", slug) + f"?created={invitation.pk}"
    groups_before = list(person.affiliations.values_list("member_group", flat=True))
    response = client_for(demo.outsider).post(url("invitation", invitation.token))
    assert response["Location"] == url("coalition", slug)
    person.refresh_from_db()
    assert person.user == demo.outsider
    assert list(person.affiliations.values_list("member_group", flat=True)) == groups_before
    assert Person.objects.filter(coalition=demo.coalition, user=demo.outsider).count() == 1


def test_revoking_an_invitation_asks_first_then_the_link_stops_working(demo, client_for):
    slug = demo.coalition.slug
    invitation = Invitation.objects.get(created_by=demo.delegate)
    client = client_for(demo.delegate)
    confirm = client.get(url("invitation_revoke", slug, invitation.pk))
    assert h1(confirm) == ["Revoke this invitation?"]
    assert "Once revoked, its link stops working." in text(confirm)
    response = client.post(url("invitation_revoke", slug, invitation.pk))
    assert response["Location"] == url("invitations", slug)
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    before = snapshot()
    response = client_for(demo.outsider).post(url("invitation", invitation.token))
    assert response.status_code == 422
    assert "This invitation was revoked on" in text(response)
    assert "Ask Priya Shah for a new one" in text(response)
    assert snapshot() == before


def test_a_member_leaves_and_the_audit_log_shows_them_as_a_former_member(demo, client_for):
    slug = demo.coalition.slug
    client = client_for(demo.member)
    response = client.post(url("leave", slug), {"reason": "Moving away"})
    assert response.status_code == 302 and response["Location"] == url("coalition", slug)
    demo.member_person.refresh_from_db()
    assert demo.member_person.left_at is not None
    assert not Affiliation.objects.filter(person=demo.member_person, ended_at__isnull=True).exists()
    audit = text(client_for(demo.coordinator).get(url("audit", slug)))
    assert "Daniel Murphy (former member) left the coalition: “Moving away”" in audit
    assert client.get(url("audit", slug)).status_code == 403


def test_the_only_coordinator_cannot_leave_and_reads_why(demo, client_for):
    actions.set_coordinator(actor=demo.coordinator, person=demo.second_coordinator_person, is_coordinator=False)
    before = snapshot()
    response = client_for(demo.coordinator).post(url("leave", demo.coalition.slug), {"reason": ""})
    assert response.status_code == 422
    assert "You are the only coordinator. Make someone else a coordinator first" in text(response)
    assert snapshot() == before


def test_a_delegate_takes_their_group_out_and_its_only_members_leave_with_it(demo, client_for):
    slug = demo.coalition.slug
    group = demo.delegate_group
    response = client_for(demo.delegate).post(url("group_leave", slug, group.pk), {"reason": "Merging with another"})
    assert response["Location"] == url("group", slug, group.pk)
    group.refresh_from_db()
    assert group.left_at is not None and group.leave_reason == "Merging with another"
    left = set(Person.objects.filter(coalition=demo.coalition, left_at__isnull=False).values_list("name", flat=True))
    assert {"Daniel Murphy", "Hannah Lewis", "Joseph Kamara", "Priya Shah"} <= left
    assert Person.objects.get(name="Yusuf Rahman").left_at is None


def test_leaving_one_group_keeps_the_other(demo, client_for):
    yusuf = Person.objects.get(name="Yusuf Rahman")
    affiliation = Affiliation.objects.get(person=yusuf, member_group=demo.delegate_group)
    response = client_for(demo.delegate).post(
        url("affiliation_end", demo.coalition.slug, affiliation.pk), {"reason": "Moved to Bradford"}
    )
    assert response["Location"] == url("person", demo.coalition.slug, yusuf.pk)
    affiliation.refresh_from_db()
    assert affiliation.ended_at is not None and affiliation.end_reason == "Moved to Bradford"
    yusuf.refresh_from_db()
    assert yusuf.is_active


def test_leaving_an_only_group_is_refused_in_the_page(demo, client_for):
    affiliation = Affiliation.objects.get(person=demo.member_person, ended_at__isnull=True)
    before = snapshot()
    response = client_for(demo.member).post(url("affiliation_end", demo.coalition.slug, affiliation.pk), {})
    assert response.status_code == 422
    assert "Leeds Climate Action is Daniel Murphy’s only membership." in text(response)
    assert snapshot() == before


# --- audit log ---------------------------------------------------------------------------------------------


def test_the_audit_log_filters_by_kind_and_paginates(demo, client_for):
    slug = demo.coalition.slug
    client = client_for(demo.member)
    response = client.get(url("audit", slug))
    assert response.status_code == 200
    assert h1(response) == [f"Audit log of {NCAN}"]
    total = AuditEvent.objects.filter(coalition=demo.coalition).count()
    assert total > 50
    page = text(response)
    assert f"Everything: {total} changes" in page
    assert len(re.findall(r"<time datetime=", response.content.decode().split('id="audit-results"')[1])) == 50
    assert f"Page 1 of {(total + 49) // 50}" in page
    newest = AuditEvent.objects.filter(coalition=demo.coalition).order_by("-created_at", "-id").first()
    assert f"{newest.actor_name} {newest.summary}" in page  # newest first: the demo's decisions came last
    groups = text(client.get(url("audit", slug) + "?kind=member_group"))
    assert "Fiona MacLeod (former member) took Scarborough Coastal Watch out of the coalition" in groups

    applications = client.get(url("audit", slug) + "?kind=application")
    events = AuditEvent.objects.filter(coalition=demo.coalition, verb__startswith="application.")
    assert f"Applications: {events.count()} changes" in text(applications)
    assert title(applications) == f"Audit log: applications – {NCAN} – Accord"
    assert "took Scarborough Coastal Watch out" not in text(applications)

    partial = client.get(
        url("audit", slug) + "?kind=application", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="audit-results"
    )
    html = partial.content.decode()
    assert partial.status_code == 200
    assert "<html" not in html and "<h1" not in html
    assert html.strip().startswith('<section id="audit-results"')
    assert f"Applications: {events.count()} changes" in html
    assert (
        f'<p id="audit-status" class="visually-hidden" role="status" hx-swap-oob="true">Showing applications: '
        f"{events.count()} changes.</p>"
    ) in html


def test_the_audit_log_reads_a_constant_number_of_queries(db, client_for):
    founder = account_actions.create_user(email="founder@example.org", password=None, name="Founder")
    coalition = actions.create_coalition(actor=founder, name="Small Network", purpose="Testing")
    client = client_for(founder)

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url("audit", coalition.slug))
        assert response.status_code == 200
        return len(captured)

    people = []
    for index in range(9):
        group = actions.add_member_group(actor=founder, coalition=coalition, name=f"Group {index}", size=3)
        people.append(group)
    assert AuditEvent.objects.filter(coalition=coalition).count() == 10
    with_ten = queries_for_page()
    # Fifty more, by several actors, some of whom then leave (their label needs their person row).
    for index in range(25):
        invitation = actions.create_invitation(actor=founder, coalition=coalition, member_group=people[index % 9])
        joiner = account_actions.create_user(email=f"j{index}@example.org", password=None, name=f"Joiner {index}")
        actions.accept_invitation(actor=joiner, token=invitation.token)
    for index in range(0, 25, 5):
        actions.leave_coalition(actor=User.objects.get(email=f"j{index}@example.org"), coalition=coalition)
    assert AuditEvent.objects.filter(coalition=coalition).count() == 65
    assert queries_for_page() == with_ten
    page = text(client.get(url("audit", coalition.slug)))
    assert "Joiner 20 (former member) left the coalition" in page


# --- API tokens --------------------------------------------------------------------------------------------


def test_a_token_is_shown_once_after_it_is_made_then_revoked(demo, client_for):
    client = client_for(demo.member)
    empty = client.get(url("tokens"))
    assert h1(empty) == ["Your API tokens"]
    assert "You have no API tokens." in text(empty)
    shown = client.post(url("tokens"), {"name": "Spreadsheet sync"})
    # The answer to the POST shows the new token; it is kept nowhere (not in the session, not in an address).
    assert shown.status_code == 201
    token = ApiToken.objects.get(user=demo.member)
    raw = re.search(r'value="(acc_[^"]+)" readonly', shown.content.decode()).group(1)
    assert raw.startswith(token.hint)
    assert f"Authorization: Bearer {raw}" in text(shown)
    assert "it is shown only this once" in text(shown)
    assert "API token “Spreadsheet sync” created." in text(shown)
    assert all(raw not in str(value) for value in client.session.values())
    from accord.accounts.queries import user_for_token

    assert user_for_token(raw) == (demo.member, token)
    again = client.get(url("tokens"))
    assert raw not in again.content.decode()
    assert f"Spreadsheet sync {token.hint}… " in text(again)

    confirm = client.get(url("token_revoke", token.pk))
    assert h1(confirm) == ["Revoke the API token “Spreadsheet sync”?"]
    response = client.post(url("token_revoke", token.pk))
    assert response["Location"] == url("tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert user_for_token(raw) is None
    assert "Revoked" in text(client.get(url("tokens")))
    assert "This token is already revoked." in text(client.post(url("token_revoke", token.pk)))


def test_a_token_name_too_long_is_said_beside_the_name(demo, client_for):
    before = snapshot()
    response = client_for(demo.member).post(url("tokens"), {"name": "x" * 101})
    assert response.status_code == 422
    assert field_error(response, "id_name") == "Ensure this value has at most 100 characters (it has 101)."
    assert snapshot() == before


def test_tokens_need_sign_in(client_for, db):
    assert client_for(None).get(url("tokens"))["Location"] == login_redirect(url("tokens"))
    assert client_for(None).post(url("tokens"), {"name": "x"}).status_code == 302
    assert ApiToken.objects.count() == 0


def test_an_account_already_in_the_coalition_is_told_it_cannot_claim_another_record(demo, client_for):
    invitation = Invitation.objects.get(person=demo.unclaimed_person)
    response = client_for(demo.coordinator).get(url("invitation", invitation.token))
    assert (
        "You are signed in as coordinator@demo.example, which is already Amara Okafor in "
        f"{NCAN}, so it cannot also claim Patrick O'Neill’s record."
    ) in text(response)
    assert "Accept and claim" not in response.content.decode()
    before = snapshot()
    response = client_for(demo.coordinator).post(url("invitation", invitation.token))
    assert response.status_code == 422
    assert snapshot() == before


def test_a_member_opening_an_individual_invitation_is_told_they_are_already_in(demo, client_for):
    invitation = Invitation.objects.get(email="alex.morgan@demo.example")
    response = client_for(demo.member).get(url("invitation", invitation.token))
    assert f"You are already a member of {NCAN}, signed in as member@demo.example." in text(response)
    assert "Accept and join" not in response.content.decode()
