"""The constitution's membership pages over the Django test client: joining (the public page, signing on,
the admission decision), the induction pack, signing on and re-confirming, asking a member to leave, and red lines.

River Towns (conftest.py), its constitution adopted: Ana coordinator and individual member, Dev delegate of Leeds
Action (with Mo), Pat delegate of Hull Heat (with Fay), Olu an outsider.
"""

from __future__ import annotations

import re
from datetime import UTC, timedelta
from html import unescape
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accord.agreements import actions as agreement_actions
from accord.agreements import tasks
from accord.agreements.models import Admission, Agreement, RedLine, RemovalRequest, SignOn
from accord.coalitions import actions as coalition_actions
from accord.coalitions.models import Application, AuditEvent, MemberGroup
from accord.decisions.models import Proposal

from .deciding import decide

ANSWERS: dict[str, str] = {}  # River Towns asks no membership questions
SIGN_ON_REFUSED = (
    "To apply, sign on to the unity statement, the principles and what it means to be in, as every member has."
)


def text(response: Any) -> str:
    """The page's main content as plain text, whitespace collapsed."""
    html = response.content.decode()
    main = re.search(r"<main.*?</main>", html, re.S)
    body = main.group(0) if main else html
    plain = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body))).strip()
    return re.sub(r" ([.,;:?!)])", r"\1", plain)


def field_error(response: Any, field_id: str) -> str:
    """The error beside a field (<p id="<id>_error">), which the input names in aria-describedby."""
    html = response.content.decode()
    found = re.search(rf'<p class="field-error" id="{field_id}_error">(.*?)</p>', html, re.S)
    assert found, f"no error beside {field_id}"
    assert re.search(rf'<[^>]*aria-describedby="[^"]*{field_id}_error[^"]*"[^>]*>', html), f"{field_id} not linked"
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", found.group(1)))).replace("Error: ", "").strip()


def url(name: str, *args: Any) -> str:
    return reverse(f"web:{name}", args=args)


def iso(moment: Any) -> str:
    """How the `moment` filter writes a time in its datetime attribute."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def version(world: Any, key: str) -> Any:
    return agreement_actions.current_version(Agreement.objects.get(coalition=world.coalition, key=key))


def apply_as_group(client: Any, slug: str, name: str = "Selby Solar", **extra: str) -> Any:
    data = {"kind": "group", "group_name": name, "group_size": "12", "signs_on": "on", **ANSWERS, **extra}
    return client.post(url("join", slug), data)


# --- joining --------------------------------------------------------------------------------------------------------


def test_the_join_page_is_public_with_the_agreements_their_versions_and_the_admission_rule(adopted, client_for):
    response = client_for(None).get(url("join", adopted.coalition.slug))
    assert response.status_code == 200
    page = text(response)
    unity = version(adopted, "unity_statement")
    for key in ("unity_statement", "purpose", "membership_criteria", "membership_expectations"):
        shown = version(adopted, key)
        assert f"{shown.title} (version 1, in force since" in page
    assert "We are a coalition of groups and individuals who come together to" in page
    assert unity.text.startswith("We are a coalition")
    # Markdown rendered: the purpose's headings become HTML headings (below the page's own).
    assert "<h4>Purpose</h4>" in response.content.decode()
    assert "the coalition decides each one as a “Admit a member” decision, under the rule it agreed:" in page
    assert "Sign in to apply" in page and "signs_on" not in response.content.decode()


def test_the_join_form_names_the_versions_signed(adopted, client_for):
    response = client_for(adopted.outsider).get(url("join", adopted.coalition.slug))
    names = "; ".join(f"{v.title}, version {v.number}" for v in agreement_actions.versions_to_sign(adopted.coalition))
    assert (
        "We sign on to the unity statement, the principles and what it means to be in (versions: " + names + ")"
    ) in text(response)
    assert re.search(r'<input type="checkbox" name="signs_on"[^>]*required', response.content.decode())


def test_applying_without_signing_on_is_refused_beside_the_box_and_creates_nothing(adopted, client_for):
    before = (Application.objects.count(), Proposal.objects.count(), AuditEvent.objects.count())
    response = client_for(adopted.outsider).post(
        url("join", adopted.coalition.slug), {"kind": "group", "group_name": "Selby Solar", "group_size": "12"}
    )
    assert response.status_code == 422
    assert field_error(response, "id_signs_on") == SIGN_ON_REFUSED
    assert f'href="#id_signs_on">{SIGN_ON_REFUSED}' in unescape(response.content.decode())
    assert (Application.objects.count(), Proposal.objects.count(), AuditEvent.objects.count()) == before


def test_applying_opens_the_admission_decision(adopted, client_for):
    slug = adopted.coalition.slug
    applicant = client_for(adopted.outsider)
    response = apply_as_group(applicant, slug)
    application = Application.objects.get(group_name="Selby Solar")
    assert response.status_code == 302 and response["Location"] == url("application", slug, application.pk)
    admission = Admission.objects.get(application=application)
    proposal = admission.proposal
    assert (proposal.kind.key, proposal.status, proposal.effect, proposal.title) == (
        "admit_member",
        "open",
        "admission",
        "Admit Selby Solar",
    )
    assert sorted(admission.signed_versions.values_list("pk", flat=True)) == sorted(
        v.pk for v in agreement_actions.versions_to_sign(adopted.coalition)
    )
    page = text(applicant.get(response["Location"]))
    assert "Your application to River Towns has been sent." in page
    assert "River Towns now decides on your application as a “Admit a member” decision, under the rule it agreed:" in (
        page
    )
    assert "The decision is open; it closes at" in page
    assert "Go to the admission decision" not in page  # the applicant is not a member yet
    # The coordinator sees the link to the decision; a member sees the open admission decisions listed.
    coordinator_page = client_for(adopted.coordinator).get(url("application", slug, application.pk))
    assert f'<a href="{url("proposal", slug, proposal.pk)}">Go to the admission decision</a>' in (
        coordinator_page.content.decode()
    )
    member_list = client_for(adopted.member).get(url("applications", slug)).content.decode()
    assert f'<a href="{url("proposal", slug, proposal.pk)}">Admit Selby Solar</a>' in member_list
    # There is no coordinator's decision form any more.
    refused = client_for(adopted.coordinator).post(
        url("application", slug, application.pk), {"decision": "admit", "reason": ""}
    )
    assert refused.status_code == 405
    application.refresh_from_db()
    assert application.status == "pending"


def test_admission_passing_admits_and_the_applicant_sees_the_induction_date(adopted, client_for):
    slug = adopted.coalition.slug
    applicant = client_for(adopted.outsider)
    apply_as_group(applicant, slug)
    application = Application.objects.get(group_name="Selby Solar")
    assert decide(application.admission.proposal, "agree").status == "passed"
    application.refresh_from_db()
    assert application.status == "admitted"
    group = MemberGroup.objects.get(coalition=adopted.coalition, name="Selby Solar")
    induction_days = agreement_actions.constitution_of(adopted.coalition).induction_days
    assert group.counts_from is not None
    assert timedelta(days=induction_days - 1) < group.counts_from - timezone.now() <= timedelta(days=induction_days)
    assert SignOn.objects.filter(member_group=group).count() == len(
        agreement_actions.versions_to_sign(adopted.coalition)
    )
    response = applicant.get(url("application", slug, application.pk))
    page = text(response)
    assert "Status: Admitted" in page
    assert "Selby Solar joined River Towns as a member group, with Olu as its delegate." in page
    assert "You count in decisions from" in page
    assert f'<time datetime="{iso(group.counts_from)}"' in response.content.decode()
    assert "Read your induction pack" in page
    # The home page shows the new member a prominent link while in induction; the pack says when they count.
    home = applicant.get(url("coalition", slug))
    assert "Welcome: start with your induction pack" in text(home)
    assert f'<time datetime="{iso(group.counts_from)}"' in home.content.decode()
    induction = applicant.get(url("induction", slug))
    assert "You count in decisions from" in text(induction)
    assert f'<time datetime="{iso(group.counts_from)}"' in induction.content.decode()
    # A member who already counts sees no such notice.
    assert "Welcome: start with your induction pack" not in text(client_for(adopted.member).get(url("coalition", slug)))


def test_admission_failing_declines(adopted, client_for):
    slug = adopted.coalition.slug
    apply_as_group(client_for(adopted.outsider), slug)
    application = Application.objects.get(group_name="Selby Solar")
    proposal = decide(application.admission.proposal, "block", reason="Not this year.")
    assert proposal.status == "blocked"
    application.refresh_from_db()
    assert application.status == "declined"
    assert not MemberGroup.objects.filter(name="Selby Solar").exists()
    page = text(client_for(adopted.outsider).get(url("application", slug, application.pk)))
    assert "Status: Declined" in page and "The coalition decided not to admit your group." in page


def test_withdrawing_ends_the_admission_decision(adopted, client_for):
    slug = adopted.coalition.slug
    applicant = client_for(adopted.outsider)
    apply_as_group(applicant, slug)
    application = Application.objects.get(group_name="Selby Solar")
    response = applicant.post(url("application_withdraw", slug, application.pk))
    assert response["Location"] == url("application", slug, application.pk)
    application.refresh_from_db()
    proposal = application.admission.proposal
    proposal.refresh_from_db()
    assert application.status == "withdrawn" and proposal.status != "open"


# --- induction ------------------------------------------------------------------------------------------------------


def test_the_induction_pack_is_generated_from_the_constitution(adopted, client_for):
    slug = adopted.coalition.slug
    response = client_for(adopted.member).get(url("induction", slug))
    assert response.status_code == 200
    page = text(response)
    html = response.content.decode()
    for heading in (
        "What we agreed",
        "How we decide, and why",
        "How to put an item on an agenda or to decision",
        "Who holds which role",
        "What is expected of members",
    ):
        assert re.search(rf"<h2 id=\"[a-z-]+\" tabindex=\"-1\">{re.escape(heading)}</h2>", unescape(html)), heading
    unity = Agreement.objects.get(coalition=adopted.coalition, key="unity_statement")
    assert f'href="{url("agreement", slug, unity.pk)}">Unity statement</a>' in html
    assert "We are a coalition of groups and individuals who come together to" in page
    for key in ("policy_joining_leaving", "policy_conflict"):
        policy = Agreement.objects.get(coalition=adopted.coalition, key=key)
        assert f'href="{url("agreement", slug, policy.pk)}">{agreement_actions.current_version(policy).title}</a>' in (
            unescape(html)
        )
    assert "Admit a member" in page and "Admitting a member group or an individual member who applied to join." in page
    assert f'href="{url("proposal_create", slug)}">Put a proposal to decision</a>' in html
    assert f'propose an amendment from <a href="{url("constitution", slug)}">the constitution page</a>' in html
    assert "Coordinators Ana" in page
    assert "Hull Heat Pat" in page and "Leeds Action Dev" in page
    assert version(adopted, "membership_expectations").title in page
    assert "You count in decisions from" not in page  # Mo counts already
    assert "What you still need to sign" not in page  # Mo's group signed at the founding


@pytest.mark.parametrize("who, status", [(None, 302), ("outsider", 403), ("former", 403)])
def test_the_induction_pack_is_for_members(adopted, client_for, who, status):
    user = getattr(adopted, who) if who else None
    assert client_for(user).get(url("induction", adopted.coalition.slug)).status_code == status


# --- signing on and re-confirming ------------------------------------------------------------------------------


def amend_unity(world: Any) -> Any:
    unity = Agreement.objects.get(coalition=world.coalition, key="unity_statement")
    amendment = agreement_actions.propose_amendment(
        actor=world.member,
        coalition=world.coalition,
        target="agreement",
        agreement=unity,
        change={"text": "We are River Towns: groups that want clean rivers, together."},
        title="A sharper unity statement",
        closes_at=timezone.now() + timedelta(days=3),
    )
    assert decide(amendment.proposal, "agree").status == "passed"
    return agreement_actions.current_version(unity)


def test_the_founding_groups_signed_and_an_individual_member_signs_for_themself(adopted, client_for):
    slug = adopted.coalition.slug
    response = client_for(adopted.member).get(url("sign_on", slug))
    page = text(response)
    versions = "; ".join(
        f"{v.title} (version {v.number})" for v in agreement_actions.versions_to_sign(adopted.coalition)
    )
    assert "1 member has not signed on to everything in force." in page
    assert "Leeds Action A member group Signed on to everything in force" in page
    assert "Hull Heat A member group Signed on to everything in force" in page
    assert f"Ana An individual member {versions}" in page  # the founding decision signed for the groups
    assert '<input type="hidden" name="unit"' not in response.content.decode()  # Mo signs for no one

    ana = client_for(adopted.coordinator)
    assert f"Sign on for myself to {versions.replace('; ', ', ')}" in text(ana.get(url("sign_on", slug)))
    response = ana.post(url("sign_on", slug), {"unit": f"p{adopted.person(adopted.coordinator).pk}"}, follow=True)
    assert f"Signed on for yourself to {versions}." in text(response)
    assert "Every member has signed on to everything in force." in text(response)
    # Someone else's individual membership is not Mo's to sign.
    before = SignOn.objects.count()
    refused = client_for(adopted.member).post(
        url("sign_on", slug), {"unit": f"p{adopted.person(adopted.coordinator).pk}"}
    )
    assert refused.status_code == 403 and SignOn.objects.count() == before


def test_reconfirmation_after_the_unity_statement_changes(adopted, client_for, django_capture_on_commit_callbacks):
    slug = adopted.coalition.slug
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        new_unity = amend_unity(adopted)
    assert new_unity.number == 2
    assert sorted(message.to[0] for message in mail.outbox if "Please re-confirm" in message.subject) == [
        "ana@example.org",
        "dev@example.org",
        "pat@example.org",
    ]
    # Everyone, the coordinator included, sees who has not re-confirmed.
    page = text(client_for(adopted.coordinator).get(url("sign_on", slug)))
    assert "Leeds Action A member group Unity statement (version 2)" in page
    assert "Hull Heat A member group Unity statement (version 2)" in page
    assert "Ana An individual member Unity statement (version 2); Principles (version 1)" in page
    assert "3 members have not signed on to everything in force." in page

    # Dev signs for Leeds Action: the text comes first, then the button.
    dev = client_for(adopted.delegate)
    response = dev.get(url("sign_on", slug))
    html = unescape(response.content.decode())
    assert html.index("We are River Towns: groups that want clean rivers, together.") < html.index(
        "Sign on for Leeds Action to Unity statement (version 2)</button>"
    )
    assert "Sign on for Hull Heat" not in html
    response = dev.post(url("sign_on", slug), {"unit": f"g{adopted.group.pk}"}, follow=True)
    assert "Signed on for Leeds Action to Unity statement (version 2)." in text(response)
    assert SignOn.objects.filter(version=new_unity, member_group=adopted.group).get().signed_by_name == "Dev"
    page = text(response)
    assert "Leeds Action A member group Signed on to everything in force" in page
    assert "Hull Heat A member group Unity statement (version 2)" in page


@pytest.mark.parametrize("who", ["member", "delegate", "outsider"])
def test_only_the_groups_delegate_signs_for_it(adopted, client_for, who):
    amend_unity(adopted)
    before = SignOn.objects.count()
    response = client_for(getattr(adopted, who)).post(
        url("sign_on", adopted.coalition.slug), {"unit": f"g{adopted.other_group.pk}"}
    )
    assert response.status_code == 403
    assert SignOn.objects.count() == before


def test_signing_for_no_current_member_says_so(adopted, client_for):
    amend_unity(adopted)
    before = SignOn.objects.count()
    response = client_for(adopted.delegate).post(
        url("sign_on", adopted.coalition.slug), {"unit": f"g{adopted.elsewhere_group.pk}"}, follow=True
    )
    assert "That member is not a current member of this coalition: choose one from the table." in text(response)
    assert SignOn.objects.count() == before


def members_without_accounts(world: Any) -> tuple[MemberGroup, Any]:
    """Selby Wardens (its delegate Jon has no account) and Joan, an individual member without one."""
    group = coalition_actions.add_member_group(
        actor=world.coordinator, coalition=world.coalition, name="Selby Wardens", size=8
    )
    coalition_actions.record_person(
        actor=world.coordinator, coalition=world.coalition, name="Jon", member_groups=[group], delegate_of=[group]
    )
    joan = coalition_actions.record_person(
        actor=world.coordinator, coalition=world.coalition, name="Joan", is_individual_member=True
    )
    return group, joan


def test_a_coordinator_records_that_a_member_confirmed_at_a_meeting(adopted, client_for):
    slug = adopted.coalition.slug
    group, joan = members_without_accounts(adopted)
    versions = "; ".join(
        f"{v.title} (version {v.number})" for v in agreement_actions.versions_to_sign(adopted.coalition)
    )
    ana = client_for(adopted.coordinator)
    page = text(ana.get(url("sign_on", slug)))
    assert "Record that members confirmed (at a meeting)" in page
    assert (
        f"Record that Selby Wardens confirmed (at a meeting) A member group, not yet (re-)confirmed: {versions}."
        in page
    )
    assert (
        f"Record that Joan confirmed (at a meeting) An individual member, not yet (re-)confirmed: {versions}." in page
    )
    assert "Record that Leeds Action confirmed" not in page  # nothing missing
    assert "Record that Ana confirmed" not in page  # Ana signs for herself
    assert "Selby Wardens confirmed through its delegate the versions listed" in page
    assert "Selby Wardens A member group " + versions + " Nothing in force yet" in page

    # The box must be ticked: refused beside it, nothing recorded.
    before = SignOn.objects.count()
    response = ana.post(url("sign_on", slug), {"unit": f"g{group.pk}", "record": "1"})
    assert response.status_code == 422
    assert field_error(response, f"id_g{group.pk}-confirmed") == (
        "Tick to say that Selby Wardens confirmed the versions listed, or leave it until they have."
    )
    assert SignOn.objects.count() == before

    response = ana.post(
        url("sign_on", slug), {"unit": f"g{group.pk}", "record": "1", f"g{group.pk}-confirmed": "on"}, follow=True
    )
    page = text(response)
    assert f"Recorded, on their behalf, that Selby Wardens confirmed {versions}." in page
    assert "Record that Selby Wardens confirmed" not in page
    signed_at = SignOn.objects.filter(member_group=group).first().signed_at.astimezone(UTC)
    signed_on = f"{signed_at.day} {signed_at:%b %Y}"
    assert (
        f"Selby Wardens A member group Signed on to everything in force {signed_on}, recorded by Ana on their behalf"
        in page
    )
    assert "Leeds Action A member group Signed on to everything in force " in page
    assert "by the founding decision" in page
    assert set(SignOn.objects.filter(member_group=group).values_list("signed_by_name", "on_behalf")) == {("Ana", True)}

    response = ana.post(
        url("sign_on", slug), {"unit": f"p{joan.pk}", "record": "1", f"p{joan.pk}-confirmed": "on"}, follow=True
    )
    page = text(response)
    assert f"Recorded, on their behalf, that Joan confirmed {versions}." in page
    assert "Joan An individual member Signed on to everything in force" in page
    assert "recorded by Ana on their behalf" in page
    # Every member sees who recorded it.
    assert "Joan An individual member Signed on to everything in force" in text(
        client_for(adopted.member).get(url("sign_on", slug))
    )


@pytest.mark.parametrize("who", ["member", "delegate", "other_delegate"])
def test_only_a_coordinator_records_for_a_member(adopted, client_for, who):
    slug = adopted.coalition.slug
    group, joan = members_without_accounts(adopted)
    client = client_for(getattr(adopted, who))
    assert "Record that" not in text(client.get(url("sign_on", slug)))
    before = SignOn.objects.count()
    for unit in (f"g{group.pk}", f"p{joan.pk}"):
        response = client.post(url("sign_on", slug), {"unit": unit, "record": "1", f"{unit}-confirmed": "on"})
        assert response.status_code == 403
    assert SignOn.objects.count() == before


# --- asking a member to leave ----------------------------------------------------------------------------------


def leave_data(world: Any, **changes: str) -> dict[str, str]:
    criteria = Agreement.objects.get(coalition=world.coalition, key="membership_criteria")
    closes = (timezone.now() + timedelta(days=5)).astimezone(UTC)
    data = {
        "member": f"g{world.other_group.pk}",
        "rests_on": str(criteria.pk),
        "text": "Hull Heat took money from a gas supplier, against our membership criteria.",
        "closes_at": closes.strftime("%Y-%m-%dT%H:%M"),
    }
    return data | changes


def test_the_ask_to_leave_page_states_the_rule_and_who_takes_part(adopted, client_for):
    response = client_for(adopted.member).get(
        url("ask_to_leave", adopted.coalition.slug) + f"?member=g{adopted.other_group.pk}"
    )
    assert response.status_code == 200
    page = text(response)
    assert "It is a “Ask a member to leave” decision, under the rule in the constitution:" in page
    assert "The member concerned does not take part in this decision" in page
    assert re.search(
        rf'<option value="g{adopted.other_group.pk}" selected>Hull Heat</option>', response.content.decode()
    )


def test_asking_a_member_to_leave_needs_each_field_and_changes_nothing(adopted, client_for):
    before = (Proposal.objects.count(), RemovalRequest.objects.count())
    client = client_for(adopted.member)
    response = client.post(url("ask_to_leave", adopted.coalition.slug), {"member": "", "rests_on": "", "closes_at": ""})
    assert response.status_code == 422
    assert (
        field_error(response, "id_member")
        == "Choose the member group or individual member the coalition should decide on."
    )
    assert field_error(response, "id_rests_on") == "Choose the agreement the request rests on."
    assert field_error(response, "id_closes_at") == "Enter when the decision closes."
    response = client.post(
        url("ask_to_leave", adopted.coalition.slug),
        leave_data(adopted, member=f"g{adopted.elsewhere_group.pk}", rests_on="999999"),
    )
    assert field_error(response, "id_member") == "Choose a current member group or individual member from the list."
    assert field_error(response, "id_rests_on") == "Choose one of this coalition's agreements from the list."
    response = client.post(url("ask_to_leave", adopted.coalition.slug), leave_data(adopted, text="  "))
    assert field_error(response, "id_text").startswith("Enter")
    response = client.post(
        url("ask_to_leave", adopted.coalition.slug), leave_data(adopted, closes_at="2020-01-01T10:00")
    )
    assert field_error(response, "id_closes_at") == (
        "Choose a closing time after the opening time, leaving people time to respond."
    )
    assert (Proposal.objects.count(), RemovalRequest.objects.count()) == before


def test_asking_a_member_to_leave_opens_the_decision(adopted, client_for):
    response = client_for(adopted.member).post(url("ask_to_leave", adopted.coalition.slug), leave_data(adopted))
    request = RemovalRequest.objects.get(coalition=adopted.coalition)
    assert response.status_code == 302
    assert response["Location"] == url("proposal", adopted.coalition.slug, request.proposal_id)
    assert (request.member_group, request.person, request.rests_on) == (
        adopted.other_group,
        None,
        version(adopted, "membership_criteria"),
    )
    assert request.proposal.title == "Should Hull Heat leave River Towns?"
    assert f"g{adopted.other_group.pk}" in request.proposal.excluded_units
    assert request.proposal.kind.key == "ask_member_to_leave"


@pytest.mark.parametrize("who, status", [(None, 302), ("outsider", 403)])
def test_only_members_ask_a_member_to_leave(adopted, client_for, who, status):
    user = getattr(adopted, who) if who else None
    response = client_for(user).post(url("ask_to_leave", adopted.coalition.slug), leave_data(adopted))
    assert response.status_code == status
    assert not RemovalRequest.objects.filter(coalition=adopted.coalition).exists()


def test_group_and_person_pages_link_to_asking_to_leave(adopted, client_for):
    slug = adopted.coalition.slug
    client = client_for(adopted.member)
    group_page = client.get(url("group", slug, adopted.other_group.pk)).content.decode()
    assert f'href="{url("ask_to_leave", slug)}?member=g{adopted.other_group.pk}"' in group_page
    ana = adopted.person(adopted.coordinator)
    person_page = client.get(url("person", slug, ana.pk)).content.decode()
    assert f'href="{url("ask_to_leave", slug)}?member=p{ana.pk}"' in person_page


# --- red lines ------------------------------------------------------------------------------------------------------


def state(client: Any, world: Any, text_: str, group: Any = None) -> Any:
    group = group or world.group
    return client.post(url("red_line_create", world.coalition.slug), {"member_group": group.pk, "text": text_})


def test_a_delegate_states_a_red_line_every_member_sees_it(adopted, client_for):
    slug = adopted.coalition.slug
    dev = client_for(adopted.delegate)
    response = state(dev, adopted, "No fossil-fuel money, ever.")
    line = RedLine.objects.get(coalition=adopted.coalition)
    assert response["Location"] == f"{url('red_lines', slug)}#red-line-{line.pk}"
    assert (line.member_group, line.confirmed_by_name) == (adopted.group, "Dev")
    page = text(client_for(adopted.member).get(url("red_lines", slug)))
    assert "Leeds Action No fossil-fuel money, ever." in page
    assert "Last confirmed" in page and "by Dev" in page
    review = agreement_actions.constitution_of(adopted.coalition).red_line_review_days
    assert f"re-confirm its red lines every {review} days" in page
    assert "Overdue" not in page
    # Mo sees it, and no buttons to change it; the group's page shows it briefly.
    member_html = client_for(adopted.member).get(url("red_lines", slug)).content.decode()
    assert url("red_line_edit", slug, line.pk) not in member_html and "State the red line" not in member_html
    assert "No fossil-fuel money, ever." in text(client_for(adopted.member).get(url("group", slug, adopted.group.pk)))


def test_an_empty_red_line_is_refused_beside_the_text(adopted, client_for):
    response = state(client_for(adopted.delegate), adopted, "   ")
    assert response.status_code == 422
    assert field_error(response, "id_text").startswith("Enter")
    assert not RedLine.objects.filter(coalition=adopted.coalition).exists()


@pytest.mark.parametrize("who, status", [("member", 403), ("other_delegate", 403), ("outsider", 403), (None, 302)])
def test_only_the_groups_delegate_states_its_red_lines(adopted, client_for, who, status):
    user = getattr(adopted, who) if who else None
    response = state(client_for(user), adopted, "Not in our name.")
    assert response.status_code == status
    assert not RedLine.objects.filter(coalition=adopted.coalition).exists()


@pytest.mark.parametrize("who", ["member", "other_delegate", "coordinator"])
def test_only_the_groups_delegate_changes_withdraws_or_confirms(adopted, client_for, who):
    line = agreement_actions.state_red_line(actor=adopted.delegate, member_group=adopted.group, text="No fracking.")
    slug = adopted.coalition.slug
    before = list(
        RedLine.objects.filter(coalition=adopted.coalition).values_list("text", "confirmed_at", "withdrawn_at")
    )
    client = client_for(getattr(adopted, who))
    assert client.get(url("red_line_edit", slug, line.pk)).status_code == 403
    assert client.post(url("red_line_edit", slug, line.pk), {"text": "Changed"}).status_code == 403
    assert client.post(url("red_line_withdraw", slug, line.pk)).status_code == 403
    assert client.post(url("red_lines_confirm", slug, adopted.group.pk)).status_code == 403
    assert (
        list(RedLine.objects.filter(coalition=adopted.coalition).values_list("text", "confirmed_at", "withdrawn_at"))
        == before
    )


def test_overdue_red_lines_are_marked_then_confirmed_changed_and_withdrawn(adopted, client_for):
    slug = adopted.coalition.slug
    line = agreement_actions.state_red_line(actor=adopted.delegate, member_group=adopted.group, text="No fracking.")
    review = agreement_actions.constitution_of(adopted.coalition).red_line_review_days
    long_ago = timezone.now() - timedelta(days=review + 3)
    RedLine.objects.filter(pk=line.pk).update(confirmed_at=long_ago)
    page = text(client_for(adopted.member).get(url("red_lines", slug)))
    assert "1 red line is overdue for re-confirmation." in page
    assert "Overdue Was due for re-confirmation on" in page
    due_soon = timezone.now() - timedelta(days=review - 3)
    RedLine.objects.filter(pk=line.pk).update(confirmed_at=due_soon)
    assert "Due Due for re-confirmation by" in text(client_for(adopted.member).get(url("red_lines", slug)))
    RedLine.objects.filter(pk=line.pk).update(confirmed_at=long_ago)

    dev = client_for(adopted.delegate)
    response = dev.post(url("red_lines_confirm", slug, adopted.group.pk), follow=True)
    assert "Confirmed that Leeds Action’s 1 red line still stands." in text(response)
    line.refresh_from_db()
    assert line.confirmed_at > timezone.now() - timedelta(minutes=1) and line.confirmed_by_name == "Dev"
    assert "Overdue" not in text(response)

    response = dev.post(url("red_line_edit", slug, line.pk), {"text": "No fracking, and no new gas."})
    assert response["Location"] == f"{url('red_lines', slug)}#red-line-{line.pk}"
    line.refresh_from_db()
    assert line.text == "No fracking, and no new gas."
    assert (
        AuditEvent.objects.filter(coalition=adopted.coalition, verb="red_line.changed").get().data["before"]
        == "No fracking."
    )

    response = dev.post(url("red_line_withdraw", slug, line.pk), follow=True)
    line.refresh_from_db()
    assert line.withdrawn_at is not None
    assert "Leeds Action has stated no red lines." in text(response)
    again = dev.post(url("red_line_withdraw", slug, line.pk), follow=True)
    assert "This red line was withdrawn." in text(again)


def test_confirming_with_no_red_lines_says_so(adopted, client_for):
    response = client_for(adopted.delegate).post(
        url("red_lines_confirm", adopted.coalition.slug, adopted.group.pk), follow=True
    )
    assert "Leeds Action has no red lines to confirm; state one first." in text(response)


def test_the_red_lines_page_is_for_members(adopted, client_for):
    slug = adopted.coalition.slug
    assert client_for(None).get(url("red_lines", slug)).status_code == 302
    assert client_for(adopted.outsider).get(url("red_lines", slug)).status_code == 403


def test_a_due_red_line_reminds_the_groups_delegates_by_mail(adopted, client_for):
    line = agreement_actions.state_red_line(actor=adopted.delegate, member_group=adopted.group, text="No fracking.")
    review = agreement_actions.constitution_of(adopted.coalition).red_line_review_days
    mail.outbox.clear()
    tasks.remind_red_line.call(line.pk)  # not due yet: nothing is sent
    assert mail.outbox == []
    RedLine.objects.filter(pk=line.pk).update(confirmed_at=timezone.now() - timedelta(days=review - 2))
    tasks.remind_red_line.call(line.pk)
    assert [(message.to, message.subject) for message in mail.outbox] == [
        (["dev@example.org"], "Do your red lines still stand? (River Towns)")
    ]
    assert (
        "http://testserver" + url("red_lines", adopted.coalition.slug) in mail.outbox[0].body
        or url("red_lines", adopted.coalition.slug) in mail.outbox[0].body
    )
    assert "No fracking." in mail.outbox[0].body
    tasks.remind_red_line.call(line.pk)  # reminded once only
    assert len(mail.outbox) == 1


def test_the_nav_has_red_lines_and_induction_for_members(adopted, client_for):
    html = client_for(adopted.member).get(url("red_lines", adopted.coalition.slug)).content.decode()
    nav = re.search(r'<nav class="coalition-nav".*?</nav>', html, re.S).group(0)
    assert f'<a href="{url("red_lines", adopted.coalition.slug)}" aria-current="page">Red lines</a>' in nav
    assert f'<a href="{url("induction", adopted.coalition.slug)}">Induction</a>' in nav
    outsider = client_for(adopted.outsider).get(url("coalition", adopted.coalition.slug)).content.decode()
    assert "Red lines" not in outsider and "Induction" not in outsider


def test_the_draft_constitution_asks_no_one_to_sign(draft, client_for):
    page = text(client_for(draft.member).get(url("sign_on", draft.coalition.slug)))
    assert "The constitution is still a draft. Members sign on once the founding decision has adopted it." in page
    join = text(client_for(None).get(url("join", draft.coalition.slug)))
    assert "constitution is still a draft" in join
