"""The constitution pages over HTTP: who sees what, the draft and the founding decision, amendments (proposing,
rebasing), comparing versions, the decision-kind pages once adopted, and red-line flags on a proposal."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accord.agreements import actions as agreement_actions
from accord.agreements.models import Agreement, AgreementVersion, Amendment, RedLineFlag
from accord.coalitions.models import AuditEvent
from accord.decisions import actions as decision_actions
from accord.decisions.models import DecisionKind, Proposal

from .conftest import agreement, both_groups_agree, close, kind, later

pytestmark = pytest.mark.django_db


def url(world, path: str = "") -> str:
    return f"/c/{world.coalition.slug}/constitution/{path}"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def propose_text(world, *, text: str = "We stand together for clean rivers.", actor=None, title="Sharpen unity"):
    return agreement_actions.propose_amendment(
        actor=actor or world.member,
        coalition=world.coalition,
        target="agreement",
        agreement=agreement(world),
        change={"text": text},
        title=title,
        closes_at=timezone.now() + timedelta(days=5),
    )


def amendment_post(**change) -> dict[str, str]:
    data = {"title": "Sharpen unity", "explanation": "Say what we mean.", "closes_at": later(), "tz": "UTC"}
    data.update({f"change-{name}": value for name, value in change.items()})
    return data


# --- who sees what ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["", "agreements/{a}/", "agreements/{a}/versions/1/", "agreements/{a}/compare/", "amendments/", "amend/"],
)
def test_members_see_the_pages_and_others_are_refused(adopted, client_for, path) -> None:
    address = url(adopted, path.format(a=agreement(adopted).pk))
    assert client_for(adopted.member).get(address).status_code == 200
    assert client_for(adopted.outsider).get(address).status_code == 403
    assert client_for(adopted.former).get(address).status_code == 403
    response = client_for(None).get(address)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_another_coalitions_agreement_is_not_found(adopted, client_for) -> None:
    agreement_actions.seed_draft(adopted.elsewhere)
    theirs = Agreement.objects.get(coalition=adopted.elsewhere, key="unity_statement")
    assert client_for(adopted.member).get(url(adopted, f"agreements/{theirs.pk}/")).status_code == 404


def test_the_adopted_constitution_shows_versions_rules_terms_and_amend_links(adopted, client_for) -> None:
    response = client_for(adopted.member).get(url(adopted))
    page = text_of(response)
    unity = agreement(adopted)
    founding = Proposal.objects.get(coalition=adopted.coalition, effect="founding")
    assert "This constitution is a draft" not in page
    assert f'adopted by <a href="/c/{adopted.coalition.slug}/decisions/{founding.pk}/">' in page
    assert "Renaming the coalition or changing who holds its bank and social-media accounts." in page
    budget = kind(adopted, "budget_and_strategy")
    assert f"?target=decision_kind&amp;kind={budget.pk}" in page
    assert f"?target=agreement&amp;agreement={unity.pk}" in page
    assert "Induction period</dt><dd>14 days" in page
    assert "Edit the draft" not in page and "Open the founding decision" not in page


def test_dependence_warnings_are_a_marked_list(adopted, client_for) -> None:
    page = text_of(client_for(adopted.member).get(url(adopted)))
    assert "Warning: the coalition depends on a single member" in page
    section = page.split('id="dependence"')[1].split("</section>")[0]
    assert '<ul class="dependence-list">' in section
    assert (
        "<li>Ana is the only coordinator: if they leave or step back, no one can do what a coordinator does.</li>"
        in section
    )


# --- the draft and the founding decision ---------------------------------------------------------------------


def test_the_draft_shows_coordinators_edit_links_and_the_founding_form(draft, client_for) -> None:
    page = text_of(client_for(draft.coordinator).get(url(draft)))
    assert "This constitution is a draft." in page
    assert "Add an agreement" in page and "Edit the terms" in page and "Open the founding decision" in page
    member_page = text_of(client_for(draft.member).get(url(draft)))
    assert "This constitution is a draft." in member_page
    assert "Edit the draft" not in member_page and "Open the founding decision" not in member_page
    assert "Propose an amendment" not in member_page


def test_the_founding_form_refuses_a_bad_time_and_opens_the_decision(draft, client_for) -> None:
    client = client_for(draft.coordinator)
    response = client.post(url(draft, "founding/"), {"closes_at": "next week", "tz": "UTC"})
    assert response.status_code == 422
    assert 'id="id_closes_at_error"' in response.content.decode()
    assert "Enter the closing time as a date and time" in response.content.decode()
    assert not Proposal.objects.filter(coalition=draft.coalition).exists()
    past = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url(draft, "founding/"), {"closes_at": past, "tz": "UTC"})
    assert response.status_code == 422
    assert not Proposal.objects.filter(coalition=draft.coalition).exists()
    response = client.post(url(draft, "founding/"), {"closes_at": later(3), "tz": "UTC"})
    founding = Proposal.objects.get(coalition=draft.coalition, effect="founding")
    assert response.status_code == 302 and response["Location"] == f"/c/{draft.coalition.slug}/decisions/{founding.pk}/"
    page = text_of(client.get(url(draft)))
    assert f'The founding decision is open: <a href="/c/{draft.coalition.slug}/decisions/{founding.pk}/">' in page
    assert "Open the founding decision" not in page
    proposal_page = text_of(client.get(f"/c/{draft.coalition.slug}/decisions/{founding.pk}/"))
    assert "If this passes</strong>, the draft constitution below takes effect" in proposal_page


def test_a_member_cannot_open_the_founding_decision(draft, client_for) -> None:
    response = client_for(draft.member).post(url(draft, "founding/"), {"closes_at": later(3), "tz": "UTC"})
    assert response.status_code == 403
    assert not Proposal.objects.filter(coalition=draft.coalition).exists()


def test_coordinators_edit_the_draft_and_bad_input_changes_nothing(draft, client_for) -> None:
    unity = agreement(draft)
    before = AgreementVersion.objects.get(agreement=unity).text
    address = url(draft, f"agreements/{unity.pk}/draft/")
    client = client_for(draft.coordinator)
    response = client.post(address, {"title": "Unity statement", "text": "   "})
    assert response.status_code == 422
    assert 'id="id_text_error"' in response.content.decode()
    assert AgreementVersion.objects.get(agreement=unity).text == before
    assert client_for(draft.member).post(address, {"title": "Unity", "text": "Mine"}).status_code == 403
    assert AgreementVersion.objects.get(agreement=unity).text == before
    response = client.post(address, {"title": "Unity statement", "text": "Clean rivers for all."})
    assert response.status_code == 302
    assert AgreementVersion.objects.get(agreement=unity).text == "Clean rivers for all."


def test_coordinators_add_an_agreement_and_edit_the_terms(draft, client_for) -> None:
    client = client_for(draft.coordinator)
    response = client.post(
        url(draft, "draft/new/"), {"title": "Privacy", "text": "We keep little.", "category": "nonsense"}
    )
    assert response.status_code == 422
    assert not Agreement.objects.filter(coalition=draft.coalition, key="privacy").exists()
    response = client.post(
        url(draft, "draft/new/"), {"title": "Privacy", "text": "We keep little.", "category": "policy"}
    )
    assert response.status_code == 302
    assert Agreement.objects.get(coalition=draft.coalition, key="privacy").category == "policy"
    terms = {"induction_days": "-3", "admission_days": "10", "red_line_review_days": "90"}
    response = client.post(url(draft, "draft/terms/"), terms)
    assert response.status_code == 422
    assert "between 0 and 3650 days" in response.content.decode()
    assert agreement_actions.constitution_of(draft.coalition).admission_days == 14
    response = client.post(url(draft, "draft/terms/"), terms | {"induction_days": "7"})
    assert response.status_code == 302
    constitution = agreement_actions.constitution_of(draft.coalition)
    assert (constitution.induction_days, constitution.admission_days, constitution.red_line_review_days) == (7, 10, 90)


def test_the_draft_pages_send_back_once_adopted(adopted, client_for) -> None:
    unity = agreement(adopted)
    before = AgreementVersion.objects.filter(agreement=unity).count()
    client = client_for(adopted.coordinator)
    response = client.post(url(adopted, f"agreements/{unity.pk}/draft/"), {"title": "x", "text": "y"}, follow=True)
    assert "propose an amendment to change it" in text_of(response)
    assert AgreementVersion.objects.filter(agreement=unity).count() == before
    assert client.get(url(adopted, "draft/new/")).status_code == 302
    assert client.get(url(adopted, "draft/terms/")).status_code == 302


# --- amendments -----------------------------------------------------------------------------------------------------


def test_a_member_proposes_an_amendment_to_an_agreement(adopted, client_for) -> None:
    unity = agreement(adopted)
    address = url(adopted, f"amend/?target=agreement&agreement={unity.pk}")
    client = client_for(adopted.member)
    page = text_of(client.get(address))
    current = agreement_actions.current_version(unity)
    assert "How it is decided:</strong> Consensus" in page
    assert current.text.split("\n")[0][:40] in page
    response = client.post(address, amendment_post(title=current.title, text=current.text))
    assert response.status_code == 422
    assert 'id="id_change-text_error"' in response.content.decode()
    assert "the same as the text in force" in response.content.decode()
    assert not Amendment.objects.filter(coalition=adopted.coalition).exists()
    response = client.post(address, amendment_post(title=current.title, text="Clean rivers, together.") | {"title": ""})
    assert response.status_code == 422 and 'id="id_title_error"' in response.content.decode()
    assert not Amendment.objects.filter(coalition=adopted.coalition).exists()
    response = client.post(address, amendment_post(title=current.title, text="Clean rivers, together."))
    amendment = Amendment.objects.get(coalition=adopted.coalition)
    assert response.status_code == 302
    assert response["Location"] == f"/c/{adopted.coalition.slug}/decisions/{amendment.proposal_id}/"
    assert amendment.change == {"title": current.title, "text": "Clean rivers, together."}
    page = text_of(client.get(response["Location"]))
    assert "What this changes" in page
    assert "<ins>Clean rivers, together.</ins>" in page
    # A second amendment of the same agreement is warned about the first.
    page = text_of(client.get(address))
    assert "Warning: 1 other open amendment changes the same thing." in page


def test_an_amendment_while_the_constitution_is_a_draft_is_sent_back(draft, client_for) -> None:
    response = client_for(draft.member).get(url(draft, "amend/?target=terms"), follow=True)
    assert "The constitution is still a draft" in text_of(response)


def test_a_decision_kind_amendment_reads_the_rule_editor_and_places_errors(adopted, client_for) -> None:
    budget = kind(adopted, "budget_and_strategy")
    address = url(adopted, f"amend/?target=decision_kind&kind={budget.pk}")
    client = client_for(adopted.member)
    page = text_of(client.get(address))
    assert "In force now:</strong> Consensus of member groups" in page
    fields = {
        "name": budget.name, "description": budget.description, "scope": "coalition", "method": "supermajority",
        "unit": "groups", "weighting": "equal", "base": "decided", "threshold": "three quarters", "quorum": "",
        "quorum_by": "count", "blocks": "none",
    }  # fmt: skip
    response = client.post(address, amendment_post(**fields))
    assert response.status_code == 422
    assert 'id="id_change-threshold_error"' in response.content.decode()
    assert not Amendment.objects.filter(coalition=adopted.coalition).exists()
    response = client.post(address, amendment_post(**(fields | {"threshold": "3/4"})))
    assert response.status_code == 302
    amendment = Amendment.objects.get(coalition=adopted.coalition)
    assert amendment.change["rule"] == {
        "method": "supermajority",
        "unit": "groups",
        "weighting": "equal",
        "base": "decided",
        "threshold": "3/4",
    }


def test_bad_targets_are_not_found(adopted, client_for) -> None:
    client = client_for(adopted.member)
    assert client.get(url(adopted, "amend/?target=agreement&agreement=abc")).status_code == 404
    assert client.get(url(adopted, "amend/?target=decision_kind&kind=999999")).status_code == 404
    assert client.get(url(adopted, "amend/?target=agreed_weight&group=%00")).status_code == 404
    assert client.get(url(adopted, "amend/?target=nonsense")).status_code == 200  # the chooser


def test_a_stale_amendment_shows_why_and_is_rebased(adopted, client_for) -> None:
    first = propose_text(adopted, text="First wording.")
    second = propose_text(adopted, text="Second wording.", actor=adopted.delegate, title="Other unity")
    both_groups_agree(adopted, first.proposal)
    assert close(first.proposal).status == "passed"
    second.refresh_from_db()
    assert second.is_stale
    proposal_url = f"/c/{adopted.coalition.slug}/decisions/{second.proposal_id}/"
    page = text_of(client_for(adopted.delegate).get(proposal_url))
    assert "Stale:</strong> what this amendment changes was changed" in page
    assert url(adopted, f"amendments/{second.pk}/rebase/") in page
    member_page = text_of(client_for(adopted.member).get(proposal_url))
    assert url(adopted, f"amendments/{second.pk}/rebase/") not in member_page  # not the author
    assert client_for(adopted.member).get(url(adopted, f"amendments/{second.pk}/rebase/")).status_code == 403
    client = client_for(adopted.delegate)
    rebase = url(adopted, f"amendments/{second.pk}/rebase/")
    page = text_of(client.get(rebase))
    assert "First wording." in page and "Second wording." in page
    current = agreement_actions.current_version(agreement(adopted))
    response = client.post(
        rebase, {"closes_at": later(), "tz": "UTC", "change-title": current.title, "change-text": "First wording."}
    )
    assert response.status_code == 422
    second.refresh_from_db()
    assert second.is_stale
    response = client.post(
        rebase,
        {"closes_at": later(), "tz": "UTC", "change-title": current.title, "change-text": "First wording, and more."},
    )
    assert response.status_code == 302 and response["Location"] == proposal_url
    second.refresh_from_db()
    assert not second.is_stale and second.change["text"] == "First wording, and more."
    assert second.proposal.round_number == 2


def test_not_applied_shows_the_effect_note(adopted, client_for) -> None:
    first = propose_text(adopted, text="First wording.")
    second = propose_text(adopted, text="Second wording.", actor=adopted.delegate, title="Other unity")
    for amendment in (first, second):
        both_groups_agree(adopted, amendment.proposal)
    close(first.proposal)
    assert close(second.proposal).status == "not_applied"
    page = text_of(client_for(adopted.delegate).get(f"/c/{adopted.coalition.slug}/decisions/{second.proposal_id}/"))
    assert "Passed, but could not take effect.</strong> " + second.proposal.effect_note.split(" (")[0] in page
    assert "Rebase the amendment" in page


def test_the_amendments_list_has_open_and_past(adopted, client_for) -> None:
    open_one = propose_text(adopted, title="Open one")
    client = client_for(adopted.member)
    assert "Open one" in text_of(client.get(url(adopted, "amendments/")))
    assert "Open one" not in text_of(client.get(url(adopted, "amendments/?status=past")))
    decision_actions.withdraw_proposal(actor=adopted.member, proposal=open_one.proposal, reason="")
    assert "Open one" in text_of(client.get(url(adopted, "amendments/?status=past")))


# --- versions and compare -----------------------------------------------------------------------------------------


def pass_text(world, text: str) -> None:
    amendment = propose_text(world, text=text)
    both_groups_agree(world, amendment.proposal)
    assert close(amendment.proposal).status == "passed"


def test_compare_defaults_to_the_last_two_versions_and_marks_changes_in_words(adopted, client_for) -> None:
    pass_text(adopted, "Line one.\nLine two.")
    pass_text(adopted, "Line one.\nLine 2.\nLine three.")
    unity = agreement(adopted)
    client = client_for(adopted.member)
    page = text_of(client.get(url(adopted, f"agreements/{unity.pk}/compare/")))
    assert 'value="2" selected' in page and 'value="3" selected' in page
    assert "Version 2 and version 3 side by side" in page
    assert "Unchanged</span></th>" in page and ">Changed</th>" in page and ">Added</th>" in page
    assert "<del>Line two.</del>" in page and "<ins>Line 2.</ins>" in page
    response = client.get(url(adopted, f"agreements/{unity.pk}/compare/?from=9&to=3"))
    assert response.status_code == 422
    assert 'id="id_from_error"' in response.content.decode()
    page = text_of(client.get(url(adopted, f"agreements/{unity.pk}/")))
    assert 'Version 3</a> <span class="meta">(current)</span>' in page
    assert client.get(url(adopted, f"agreements/{unity.pk}/versions/4/")).status_code == 404


def test_the_constitution_page_costs_the_same_queries_however_many_agreements_and_versions(
    adopted, client_for, django_assert_max_num_queries
) -> None:
    client = client_for(adopted.member)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(adopted)).status_code == 200
    founding = Proposal.objects.get(coalition=adopted.coalition, effect="founding")
    for agreement_row in Agreement.objects.filter(coalition=adopted.coalition):
        for number in (2, 3, 4):
            AgreementVersion.objects.create(
                agreement=agreement_row,
                number=number,
                title=f"T{number}",
                text="x",
                took_effect_at=timezone.now(),
                adopted_by=founding,
            )
    for index in range(6):
        extra = Agreement.objects.create(
            coalition=adopted.coalition, key=f"extra_{index}", category="policy", position=50 + index
        )
        AgreementVersion.objects.create(
            agreement=extra,
            number=1,
            title=f"Extra {index}",
            text="y",
            took_effect_at=timezone.now(),
            adopted_by=founding,
        )
    propose_text(adopted)
    with django_assert_max_num_queries(len(few.captured_queries) + 1):  # the open amendment's one extra join
        response = client.get(url(adopted))
    assert "Extra 5" in text_of(response)


# --- the decision-kind pages once adopted, and the new-proposal form ------------------------------------------------


def test_the_kind_pages_offer_amendments_once_adopted(adopted, client_for) -> None:
    client = client_for(adopted.coordinator)
    budget = kind(adopted, "budget_and_strategy")
    page = text_of(client.get(f"/c/{adopted.coalition.slug}/decision-kinds/"))
    assert f"/decision-kinds/{budget.pk}/edit/" not in page
    assert f"?target=decision_kind&amp;kind={budget.pk}" in page
    before = list(DecisionKind.objects.values_list("pk", "rule"))
    response = client.post(
        f"/c/{adopted.coalition.slug}/decision-kinds/{budget.pk}/edit/",
        {"name": "x", "scope": "coalition", "method": "majority", "unit": "people"},
        follow=True,
    )
    assert response.status_code == 200
    assert "propose an amendment to change it" in text_of(response)
    assert list(DecisionKind.objects.values_list("pk", "rule")) == before
    events = AuditEvent.objects.count()
    response = client.post(
        f"/c/{adopted.coalition.slug}/decision-kinds/weights/",
        {"member_group": adopted.group.pk, "weight": "3"},
        follow=True,
    )
    assert "propose an amendment to change one" in text_of(response)
    assert AuditEvent.objects.count() == events
    page = text_of(client.get(f"/c/{adopted.coalition.slug}/decision-kinds/weights/"))
    assert f"?target=agreed_weight&amp;group={adopted.group.pk}" in page


def test_the_new_proposal_form_leaves_out_the_reserved_kinds(adopted, client_for) -> None:
    client = client_for(adopted.member)
    amend = kind(adopted, "amend_constitution")
    page = text_of(client.get(f"/c/{adopted.coalition.slug}/decisions/new/"))
    assert f'<option value="{amend.pk}"' not in page
    assert 'propose an amendment from <a href="/c/' in page
    response = client.post(
        f"/c/{adopted.coalition.slug}/decisions/new/",
        {
            "title": "Sneak",
            "text": "x",
            "kind": amend.pk,
            "closes_at": later(),
            "results_visibility": "live",
            "stance_visibility": "open",
        },
    )
    assert response.status_code == 422
    assert "Choose one of the decision kinds in the list." in response.content.decode()
    assert not Proposal.objects.filter(title="Sneak").exists()


# --- red-line flags -----------------------------------------------------------------------------------------------


def test_members_flag_a_red_line_beside_the_tally_and_withdraw_it(adopted, client_for) -> None:
    red_line = agreement_actions.state_red_line(
        actor=adopted.other_delegate, member_group=adopted.other_group, text="No fossil sponsors."
    )
    proposal = decision_actions.open_proposal(
        actor=adopted.member,
        coalition=adopted.coalition,
        kind=kind(adopted, "meeting_conduct"),
        title="Sponsor",
        text="Take Shell's money.",
        closes_at=timezone.now() + timedelta(days=3),
    )
    base = f"/c/{adopted.coalition.slug}/decisions/{proposal.pk}/"
    client = client_for(adopted.member)
    page = text_of(client.get(base))
    assert "Flag a red line this touches" in page and '<optgroup label="Hull Heat">' in page
    response = client.post(base + "red-line-flags/", {"red_line": "999999", "note": ""})
    assert response.status_code == 422
    assert 'id="flag-red_line_error"' in response.content.decode()
    assert not RedLineFlag.objects.filter(proposal=proposal).exists()
    assert client_for(adopted.outsider).post(base + "red-line-flags/", {"red_line": red_line.pk}).status_code == 403
    assert not RedLineFlag.objects.filter(proposal=proposal).exists()
    response = client.post(base + "red-line-flags/", {"red_line": red_line.pk, "note": "Shell is fossil."})
    assert response.status_code == 302
    flag = RedLineFlag.objects.get(proposal=proposal)
    page = text_of(client.get(base))
    assert (
        "<strong>Hull Heat</strong>: “No fossil sponsors.”" in page
        and "Flagged by Mo" in page
        and "“Shell is fossil.”" in page
    )
    assert client_for(adopted.facilitator).post(base + f"red-line-flags/{flag.pk}/withdraw/").status_code == 403
    flag.refresh_from_db()
    assert flag.withdrawn_at is None
    assert client.post(base + f"red-line-flags/{flag.pk}/withdraw/").status_code == 302
    flag.refresh_from_db()
    assert flag.withdrawn_at is not None
