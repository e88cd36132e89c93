"""Facilitator mode, the projector and the live tally over HTTP (no browser): who may open them, recording a
stance with and without htmx, refusals shown in the row, and a page cost that does not grow with the stances."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.coalitions.models import AuditEvent
from accord.decisions import actions
from accord.decisions.models import DecisionKind, Round, Stance
from accord.web.views import facilitation
from tests.web.markup import labelled_inputs_problems, parse

from .conftest import (
    BLOCK_REASON,
    HTMX,
    add_kind,
    consensus_minus_one,
    current_stances,
    group_key,
    open_proposal,
    page_url,
    person_key,
)

LEEDS = "Leeds Climate Action"
MANCHESTER = "Manchester Climate Network"


def text(element) -> str:
    return element.text


def row(document, key: str):
    return document.find("li", id=f"unit-{key}")


def stance_count() -> int:
    return Stance.objects.count()


# --- who may open the pages --------------------------------------------------------------------------------------


@pytest.fixture
def proposal(demo):
    return open_proposal(demo, consensus_minus_one(demo), facilitators=[demo.member_person])


def test_the_coordinator_and_a_named_facilitator_may_facilitate(demo, proposal, client_for) -> None:
    for user in (demo.coordinator, demo.member):
        response = client_for(user).get(page_url(proposal, "proposal_facilitate"))
        assert response.status_code == 200
        document = parse(response.content)
        assert text(document.find("h1")) == "Record stances: Join the regional climate march"
        assert text(document.find("p", id="facilitate-count")) == "0 of 19 recorded"
        assert len(document.find_all("li", **{"data-facilitate-row": ""})) == 19


def test_a_member_who_is_not_a_facilitator_is_refused(demo, client_for) -> None:
    proposal = open_proposal(demo, consensus_minus_one(demo))  # no facilitators named
    client = client_for(demo.member)
    response = client.get(page_url(proposal, "proposal_facilitate"))
    assert response.status_code == 403
    assert "Only a coordinator or a facilitator named on this proposal can record others" in response.content.decode()
    before = (stance_count(), AuditEvent.objects.count())
    response = client.post(
        page_url(proposal, "proposal_facilitate"), {"unit": group_key(demo, MANCHESTER), "position": "agree"}
    )
    assert response.status_code == 403
    assert (stance_count(), AuditEvent.objects.count()) == before


def test_a_delegate_cannot_use_facilitator_mode_even_for_their_own_group(demo, client_for) -> None:
    proposal = open_proposal(demo, consensus_minus_one(demo))
    before = (stance_count(), AuditEvent.objects.count())
    response = client_for(demo.delegate).post(
        page_url(proposal, "proposal_facilitate"), {"unit": group_key(demo, LEEDS), "position": "agree"}, headers=HTMX
    )
    assert response.status_code == 403
    assert response["HX-Retarget"] == "#messages"
    assert text(parse(response.content)) == (
        "Only a coordinator or a facilitator named on this proposal can record others' stances."
    )
    assert (stance_count(), AuditEvent.objects.count()) == before


def test_an_outsider_is_refused_and_anonymous_visitors_are_sent_to_sign_in(demo, proposal, client_for) -> None:
    for name in ("proposal_facilitate", "proposal_projector", "proposal_tally"):
        url = page_url(proposal, name)
        assert client_for(demo.outsider).get(url).status_code == 403
        response = client_for(None).get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    before = stance_count()
    body = {"unit": group_key(demo, LEEDS), "position": "agree"}
    outsider = client_for(demo.outsider).post(page_url(proposal, "proposal_facilitate"), body)
    assert outsider.status_code == 403
    anonymous = client_for(None).post(page_url(proposal, "proposal_facilitate"), body)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/?next=")
    assert stance_count() == before


def test_any_member_may_open_the_projector_and_the_tally(demo, proposal, client_for) -> None:
    for user in (demo.member, demo.delegate, demo.coordinator):
        client = client_for(user)
        projector = client.get(page_url(proposal, "proposal_projector"))
        assert projector.status_code == 200
        assert text(parse(projector.content).find("h1")) == "Join the regional climate march"
        assert client.get(page_url(proposal, "proposal_tally")).status_code == 200


# --- recording ------------------------------------------------------------------------------------------------------


def test_recording_without_htmx_goes_back_to_the_list_with_a_message(demo, proposal, client_for) -> None:
    client = client_for(demo.coordinator)
    key = group_key(demo, LEEDS)
    response = client.post(page_url(proposal, "proposal_facilitate"), {"unit": key, "position": "agree", "q": "leeds"})
    assert response.status_code == 302
    assert response["Location"] == f"{page_url(proposal, 'proposal_facilitate')}?q=leeds#unit-{key}"
    assert current_stances(proposal) == {key: ("agree", None, "")}
    stance = Stance.objects.get(round__proposal=proposal, unit_key=key)
    assert stance.recorded_by == demo.coordinator_person

    page = client.get(response["Location"])
    document = parse(page.content)
    assert text(document.find("div", id="messages")) == "Recorded for Leeds Climate Action: agree."
    assert text(document.find("p", id="facilitate-count")) == "1 of 19 recorded"
    assert [element.attrs["id"] for element in document.find_all("li", **{"data-facilitate-row": ""})] == [
        f"unit-{key}"
    ]
    assert text(row(document, key).find("span", id=f"unit-{key}-stance")) == "Agree"


def test_recording_with_htmx_swaps_the_row_and_updates_the_counter_tally_and_announcement(
    demo, proposal, client_for
) -> None:
    client = client_for(demo.member)  # the named facilitator
    key = group_key(demo, MANCHESTER)
    response = client.post(
        page_url(proposal, "proposal_facilitate"),
        {"unit": key, "position": "block", "reason": BLOCK_REASON},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#unit-{key}"
    assert response["HX-Reswap"] == "outerHTML"
    assert b"<html" not in response.content
    document = parse(response.content)
    assert text(row(document, key).find("span", id=f"unit-{key}-stance")) == "Block"
    assert text(document.find("div", **{"hx-swap-oob": "innerHTML:#facilitate-count"})) == "1 of 19 recorded"
    assert text(document.find("div", **{"hx-swap-oob": "innerHTML:#facilitate-announce"})) == (
        "Recorded for Manchester Climate Network: block."
    )
    assert text(document.find("div", **{"hx-swap-oob": "innerHTML:#facilitate-tally"})) == (
        "So far: Rejected: 1 block, allowed 1; no member groups agreeing, so there is nothing to pass."
    )
    assert current_stances(proposal) == {key: ("block", None, BLOCK_REASON)}


def test_a_block_without_a_reason_is_refused_in_the_row(demo, proposal, client_for) -> None:
    client = client_for(demo.coordinator)
    key = group_key(demo, LEEDS)
    before = (stance_count(), AuditEvent.objects.count())
    response = client.post(
        page_url(proposal, "proposal_facilitate"), {"unit": key, "position": "block", "reason": "  "}, headers=HTMX
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#unit-{key}"
    document = parse(response.content)
    message = "A block: say why, so the others can try to meet the concern."
    the_row = row(document, key)
    assert "facilitate-row--invalid" in the_row.attrs["class"]
    assert text(the_row.find("p", id=f"unit-{key}-error")) == f"Error: {message}"
    assert the_row.find("input", name="reason").attrs["aria-invalid"] == "true"
    assert text(document.find("div", **{"hx-swap-oob": "innerHTML:#facilitate-announce"})) == (
        f"Not recorded for Leeds Climate Action: {message}"
    )
    assert (stance_count(), AuditEvent.objects.count()) == before

    # Without htmx: the whole page again, 422, the error in the row and at the top.
    response = client.post(page_url(proposal, "proposal_facilitate"), {"unit": key, "position": "block"})
    assert response.status_code == 422
    document = parse(response.content)
    assert text(row(document, key).find("p", id=f"unit-{key}-error")) == f"Error: {message}"
    assert text(document.find("div", id="messages")) == f"Not recorded for Leeds Climate Action: {message}"
    assert stance_count() == before[0]


def test_the_reason_typed_is_kept_when_a_stance_is_refused(demo, client_for) -> None:
    kind = add_kind(demo, "vote", "Vote", {"method": "majority", "unit": "groups"})
    proposal = open_proposal(demo, kind)
    key = group_key(demo, LEEDS)
    response = client_for(demo.coordinator).post(
        page_url(proposal, "proposal_facilitate"),
        {"unit": key, "position": "block", "reason": "Too soon"},
        headers=HTMX,
    )
    assert response.status_code == 422
    the_row = row(parse(response.content), key)
    assert text(the_row.find("p", id=f"unit-{key}-error")) == (
        "Error: Position 'block' is not accepted by the majority method (this rule allows no blocks): use \"agree\", "
        '"disagree", "abstain".'
    )
    assert the_row.find("input", name="reason").attrs["value"] == "Too soon"


def test_recording_after_the_round_closed_is_refused_with_409_in_the_row(demo, proposal, client_for) -> None:
    client = client_for(demo.coordinator)
    page = client.get(page_url(proposal, "proposal_facilitate"))  # the room's page, loaded while open
    assert page.status_code == 200
    round_ = Round.objects.get(proposal=proposal)
    actions.close_round_if_due(round_id=round_.pk, now=round_.closes_at + timedelta(seconds=1))
    key = group_key(demo, LEEDS)
    message = "This proposal is rejected; stances can no longer change."

    response = client.post(page_url(proposal, "proposal_facilitate"), {"unit": key, "position": "agree"}, headers=HTMX)
    assert response.status_code == 409
    assert response["HX-Retarget"] == f"#unit-{key}"  # the row, not the generic refusal in #messages
    document = parse(response.content)
    assert text(row(document, key).find("p", id=f"unit-{key}-error")) == f"Error: {message}"
    assert row(document, key).find_all("form") == []  # nothing more to record in a closed round
    assert text(document.find("div", **{"hx-swap-oob": "innerHTML:#facilitate-announce"})) == (
        f"Not recorded for Leeds Climate Action: {message}"
    )

    response = client.post(page_url(proposal, "proposal_facilitate"), {"unit": key, "position": "agree"})
    assert response.status_code == 409
    assert message in text(parse(response.content).find("div", id="messages"))
    assert current_stances(proposal) == {}


def test_a_round_past_its_deadline_is_closed_when_the_page_opens(demo, proposal, client_for, monkeypatch) -> None:
    round_ = Round.objects.get(proposal=proposal)
    Round.objects.filter(pk=round_.pk).update(closes_at=round_.opens_at + timedelta(minutes=2))
    from django.utils import timezone

    later = round_.opens_at + timedelta(minutes=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = client_for(demo.coordinator).get(page_url(proposal, "proposal_facilitate"))
    document = parse(response.content)
    assert "This round is closed (Rejected): stances can no longer be recorded." in document.text
    assert document.find_all("form", **{"class": "facilitate-row__form"}) == []


def test_a_post_without_a_unit_records_nothing_not_even_the_facilitators_own(demo, proposal, client_for) -> None:
    kind = DecisionKind.objects.get(coalition=demo.coalition, key="meeting_conduct")  # counted by people
    people = open_proposal(demo, kind)
    response = client_for(demo.coordinator).post(page_url(people, "proposal_facilitate"), {"position": "agree"})
    assert response.status_code == 302
    assert current_stances(people) == {}


def test_a_unit_not_eligible_is_refused_as_a_message(demo, proposal, client_for) -> None:
    response = client_for(demo.coordinator).post(
        page_url(proposal, "proposal_facilitate"), {"unit": "g999999", "position": "agree"}, headers=HTMX
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#messages"
    assert text(parse(response.content)) == "'g999999' is not eligible in this round."
    assert current_stances(proposal) == {}


# --- the ballot a row offers --------------------------------------------------------------------------------------


def test_fist_to_five_rows_offer_scores_and_record_one(demo, client_for) -> None:
    kind = add_kind(demo, "fist", "Fist to five", {"method": "fist_to_five", "unit": "groups"})
    proposal = open_proposal(demo, kind)
    client = client_for(demo.coordinator)
    key = group_key(demo, LEEDS)
    document = parse(client.get(page_url(proposal, "proposal_facilitate")).content)
    buttons = row(document, key).find_all("button", name="score")
    assert [(button.attrs["value"], button.attrs["data-key"]) for button in buttons] == [
        (str(score), str(score)) for score in range(6)
    ]
    assert "data-needs-reason" in buttons[0].attrs and "data-needs-reason" not in buttons[1].attrs
    assert text(buttons[3]) == "Score 3 for Leeds Climate Action"
    response = client.post(page_url(proposal, "proposal_facilitate"), {"unit": key, "score": "4"}, headers=HTMX)
    assert response.status_code == 200
    assert text(row(parse(response.content), key).find("span", id=f"unit-{key}-stance")) == "Score 4 of 5"
    assert current_stances(proposal) == {key: ("", 4, "")}
    response = client.post(page_url(proposal, "proposal_facilitate"), {"unit": key, "score": "four"}, headers=HTMX)
    assert response.status_code == 422
    assert "Give a whole-number score from 0 to 5." in response.content.decode()


def test_ranked_choice_rows_take_a_ranking_in_the_quick_form(demo, client_for) -> None:
    kind = DecisionKind.objects.get(coalition=demo.coalition, key="choose_between_options")  # ranked, people
    proposal = open_proposal(demo, kind, title="Where to meet", options=["Leeds", "York", "Hull"])
    client = client_for(demo.coordinator)
    key = person_key(demo, "Priya Shah")
    document = parse(client.get(page_url(proposal, "proposal_facilitate") + "?q=priya").content)
    assert [i.attrs["name"] for i in row(document, key).find_all("input", type="number")] == [
        "rank_0",
        "rank_1",
        "rank_2",
    ]
    response = client.post(
        page_url(proposal, "proposal_facilitate"), {"unit": key, "rank_0": "2", "rank_1": "", "rank_2": "1"}
    )
    assert response.status_code == 302
    assert Stance.objects.get(round__proposal=proposal, unit_key=key, is_current=True).choice == {
        "ranking": ["Hull", "Leeds"]
    }
    response = client.post(
        page_url(proposal, "proposal_facilitate"), {"unit": key, "rank_0": "1", "rank_1": "1"}, headers=HTMX
    )
    assert response.status_code == 422
    assert "Give each ranked option a different number" in response.content.decode()


def test_approval_rows_take_approvals(demo, client_for) -> None:
    kind = add_kind(demo, "approve", "Approve", {"method": "approval", "unit": "groups"})
    proposal = open_proposal(demo, kind, title="Campaign focus", options=["Buses", "Homes", "Jobs"])
    key = group_key(demo, LEEDS)
    client = client_for(demo.coordinator)
    document = parse(client.get(page_url(proposal, "proposal_facilitate") + "?q=leeds").content)
    boxes = row(document, key).find_all("input", type="checkbox")
    assert [(box.attrs["name"], box.attrs["value"]) for box in boxes] == [
        ("approve", "0"),
        ("approve", "1"),
        ("approve", "2"),
    ]
    response = client.post(
        page_url(proposal, "proposal_facilitate"), {"unit": key, "approve": ["2", "0"]}, headers=HTMX
    )
    assert response.status_code == 200
    assert Stance.objects.get(round__proposal=proposal, unit_key=key, is_current=True).choice == {
        "approve": ["Buses", "Jobs"]
    }
    assert text(row(parse(response.content), key).find("span", id=f"unit-{key}-stance")) == "Choice recorded"
    assert text(parse(response.content).find("div", **{"hx-swap-oob": "innerHTML:#facilitate-announce"})) == (
        "Recorded for Leeds Climate Action: approves: Buses, Jobs."
    )
    refused = client.post(page_url(proposal, "proposal_facilitate"), {"unit": key, "approve": ["Jobs"]}, headers=HTMX)
    assert refused.status_code == 422
    assert text(row(parse(refused.content), key).find("p", id=f"unit-{key}-error")) == (
        "Error: Choose only options in the list."
    )


def test_secret_stances_show_only_that_a_unit_has_responded(demo, client_for) -> None:
    proposal = open_proposal(demo, consensus_minus_one(demo), stance_visibility="secret")
    client = client_for(demo.coordinator)
    key = group_key(demo, LEEDS)
    response = client.post(page_url(proposal, "proposal_facilitate"), {"unit": key, "position": "agree"}, headers=HTMX)
    document = parse(response.content)
    assert text(row(document, key).find("span", id=f"unit-{key}-stance")) == "Recorded"
    assert text(document.find("div", **{"hx-swap-oob": "innerHTML:#facilitate-announce"})) == (
        "Recorded the stance for Leeds Climate Action."
    )


# --- searching and the cap ------------------------------------------------------------------------------------------


def test_the_search_narrows_the_rows_and_htmx_gets_only_the_list(demo, proposal, client_for) -> None:
    client = client_for(demo.coordinator)
    document = parse(client.get(page_url(proposal, "proposal_facilitate") + "?q=climate").content)
    names = [text(element) for element in document.find_all("span", **{"class": "facilitate-row__name"})]
    assert names == [
        "Bolton Climate Choir",  # not Durham Climate Students: still in induction, not eligible in this round
        "Leeds Climate Action",
        "Manchester Climate Network",
        "Preston Faith and Climate",
        "Sunderland Youth Climate Strike",
        "Wakefield Trades Council Climate Committee",
    ]
    assert text(document.find("p", id="facilitate-results-status")) == "6 whose name contains “climate”."

    response = client.get(
        page_url(proposal, "proposal_facilitate") + "?q=leeds", headers=HTMX | {"HX-Target": "facilitate-units"}
    )
    assert b"<html" not in response.content
    document = parse(response.content)
    assert text(document.find("div", **{"hx-swap-oob": "innerHTML:#facilitate-results-status"})) == (
        "1 whose name contains “leeds”."
    )
    assert [text(element) for element in document.find_all("span", **{"class": "facilitate-row__name"})] == [LEEDS]
    assert "HX-Target" in response["Vary"]

    response = client.get(page_url(proposal, "proposal_facilitate") + "?q=nowhere")
    assert "No one eligible has a name containing “nowhere”." in parse(response.content).text


def test_the_list_is_capped_and_asks_for_a_narrower_search(demo, client_for, monkeypatch) -> None:
    monkeypatch.setattr(facilitation, "MAX_ROWS", 5)
    kind = DecisionKind.objects.get(coalition=demo.coalition, key="meeting_conduct")  # counted by people
    proposal = open_proposal(demo, kind)
    eligible = Round.objects.get(proposal=proposal).eligible_count
    document = parse(client_for(demo.coordinator).get(page_url(proposal, "proposal_facilitate")).content)
    assert len(document.find_all("li", **{"data-facilitate-row": ""})) == 5
    assert text(document.find("p", id="facilitate-results-status")) == (
        f"Showing the first 5 of {eligible}: type more of a name to find someone else."
    )


# --- the tally and the projector ------------------------------------------------------------------------------------


def test_the_projector_shows_counts_conditions_and_the_rule(demo, proposal, client_for) -> None:
    for name, position in ((LEEDS, "agree"), (MANCHESTER, "block")):
        actions.record_stance(
            actor=demo.coordinator,
            proposal=proposal,
            unit_key=group_key(demo, name),
            position=position,
            reason=BLOCK_REASON if position == "block" else "",
        )
    document = parse(client_for(demo.member).get(page_url(proposal, "proposal_projector")).content)
    assert text(document.find("p", **{"class": "projector__rule"})) == (
        "Consensus of member groups (each group gives one position): passes when at least one agrees and no more "
        "than 1 block (one member group each)."
    )
    assert text(document.find("p", **{"class": "tally__status"})) == "Open 2 of 19 member groups responded"
    bars = {
        text(bar.find("span", **{"class": "tally__label"})): text(bar.find("span", **{"class": "tally__count"}))
        for bar in document.find_all("li", **{"class": "tally__bar"})
    }
    assert bars == {"Agree": "1", "Stand aside": "0", "Abstain": "0", "Block": "1"}
    progress = document.find_all("progress")
    assert [(bar.attrs["value"], bar.attrs["max"]) for bar in progress] == [
        ("1", "19"),
        ("0", "19"),
        ("0", "19"),
        ("1", "19"),
    ]
    assert [text(item) for item in document.find_all("li", **{"class": "tally__condition tally__condition--met"})] == [
        "Met: 1 block, allowed 1",
        "Met: 1 member group agreeing",
    ]
    assert text(document.find("p", **{"class": "tally__summary"})) == (
        "Passed: 1 block, allowed 1; 1 member group agreeing."
    )
    polling = document.find("div", id="projector-tally")
    assert polling.attrs["hx-get"] == page_url(proposal, "proposal_tally") + "?style=projector"
    assert polling.attrs["hx-trigger"] == "every 5s"
    assert document.find("meta", **{"http-equiv": "refresh"}).attrs["content"] == "15"
    assert document.find("a", href=page_url(proposal, "proposal_projector")).text == "Refresh"


def test_the_tally_fragment_is_fresh_and_large_for_the_projector(demo, proposal, client_for) -> None:
    response = client_for(demo.member).get(page_url(proposal, "proposal_tally") + "?style=projector")
    assert response["Cache-Control"] == "no-store"
    assert b"<html" not in response.content
    assert parse(response.content).find("div", **{"data-round": "1"}).attrs["class"] == (
        "tally tally--large tally--open"
    )


def test_hidden_results_show_only_how_many_responded(demo, client_for) -> None:
    proposal = open_proposal(demo, consensus_minus_one(demo), results_visibility="after_close")
    actions.record_stance(
        actor=demo.coordinator, proposal=proposal, unit_key=group_key(demo, LEEDS), position="block", reason="No."
    )
    for name in ("proposal_projector", "proposal_tally"):
        document = parse(client_for(demo.member).get(page_url(proposal, name)).content)
        assert "1 of 19 member groups responded" in document.text
        assert "The results are shown when the round closes." in document.text
        assert document.find_all("progress") == []
        assert document.find_all("ul", **{"class": "tally__conditions"}) == []
    document = parse(client_for(demo.coordinator).get(page_url(proposal, "proposal_facilitate")).content)
    assert text(document.find("p", id="facilitate-tally")) == "Results are hidden until the round closes."


def test_a_closed_round_shows_its_verdict_and_why(demo, proposal, client_for) -> None:
    for name in (LEEDS, MANCHESTER):
        actions.record_stance(
            actor=demo.coordinator, proposal=proposal, unit_key=group_key(demo, name), position="block", reason="No."
        )
    round_ = Round.objects.get(proposal=proposal)
    actions.close_round_if_due(round_id=round_.pk, now=round_.closes_at + timedelta(seconds=1))
    document = parse(client_for(demo.member).get(page_url(proposal, "proposal_tally")).content)
    assert text(document.find("span", **{"class": "tally__verdict tally__verdict--blocked"})) == "Blocked"
    assert text(document.find("h2")) == "Why"
    assert [
        text(item) for item in document.find_all("li", **{"class": "tally__condition tally__condition--unmet"})
    ] == [
        "Not met: 2 blocks, allowed 1: 1 more than allowed",
        "Not met: No member groups agreeing, so there is nothing to pass",
    ]
    assert text(document.find("p", **{"class": "tally__summary"})) == (
        "Blocked: 2 blocks, allowed 1: 1 more than allowed; no member groups agreeing, so there is nothing to pass."
    )


# --- markup and cost --------------------------------------------------------------------------------------------------


def test_the_pages_have_no_inline_script_or_style_and_every_input_is_labelled(demo, proposal, client_for) -> None:
    client = client_for(demo.coordinator)
    for name in ("proposal_facilitate", "proposal_projector", "proposal_tally"):
        response = client.get(page_url(proposal, name))
        document = parse(response.content)
        assert all("src" in script.attrs for script in document.find_all("script")), name
        assert document.find_all("style") == []
        assert not [element for element in document.iter() if "style" in element.attrs], name
        assert not [element for element in document.iter() if any(a.startswith("on") for a in element.attrs)]
        assert labelled_inputs_problems(document) == [], name
    ids = re.findall(r'\sid="([^"]+)"', client.get(page_url(proposal, "proposal_facilitate")).content.decode())
    assert len(ids) == len(set(ids))


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_pages_cost_the_same_number_of_queries_however_many_stances(demo, client_for) -> None:
    kind = DecisionKind.objects.get(coalition=demo.coalition, key="meeting_conduct")  # people: about 57 eligible
    proposal = open_proposal(demo, kind)
    client = client_for(demo.coordinator)
    round_ = Round.objects.get(proposal=proposal)
    keys = list(round_.eligible_units.order_by("key").values_list("key", flat=True))
    urls = [page_url(proposal, name) for name in ("proposal_facilitate", "proposal_projector", "proposal_tally")]

    def record(some: list[str]) -> None:
        for index, key in enumerate(some):
            actions.record_stance(
                actor=demo.coordinator, proposal=proposal, unit_key=key, position=("agree", "disagree")[index % 2]
            )

    record(keys[:2])
    few = [_queries(client, url) for url in urls]
    record(keys[2:40])
    many = [_queries(client, url) for url in urls]
    assert many == few
    assert Stance.objects.filter(round=round_, is_current=True).count() == 40


@pytest.mark.parametrize(
    ("rule", "options", "stance", "bars"),
    [
        (
            {"method": "fist_to_five", "unit": "groups"},
            [],
            {"score": 4},
            {
                "Score 0": "0",
                "Score 1": "0",
                "Score 2": "0",
                "Score 3": "0",
                "Score 4": "1",
                "Score 5": "0",
                "Abstain": "0",
            },
        ),
        (
            {"method": "approval", "unit": "groups"},
            ["Buses", "Homes"],
            {"approve": ["Homes"]},
            {"Buses": "0", "Homes": "1"},
        ),
        (
            {"method": "dots", "unit": "groups", "dots": 5},
            ["Buses", "Homes"],
            {"dots": {"Buses": 3}},
            {"Buses": "3", "Homes": "0"},
        ),
        (
            {"method": "ranked_irv", "unit": "groups"},
            ["Buses", "Homes"],
            {"ranking": ["Homes"]},
            {"Buses": "0", "Homes": "1"},
        ),
        ({"method": "ranked_schulze", "unit": "groups"}, ["Buses", "Homes"], {"ranking": ["Homes", "Buses"]}, {}),
        (
            {"method": "supermajority", "unit": "groups", "threshold": "2/3", "weighting": "size"},
            [],
            {"position": "agree"},
            {"Agree": "1", "Disagree": "0", "Abstain": "0"},
        ),
    ],
)
def test_the_projector_shows_every_method(demo, client_for, rule, options, stance, bars) -> None:
    kind = add_kind(demo, "method_under_test", "Method under test", rule)
    proposal = open_proposal(demo, kind, options=options)
    actions.record_stance(actor=demo.coordinator, proposal=proposal, unit_key=group_key(demo, LEEDS), **stance)
    document = parse(client_for(demo.member).get(page_url(proposal, "proposal_projector")).content)
    shown = {
        text(bar.find("span", **{"class": "tally__label"})): text(bar.find("span", **{"class": "tally__count"}))
        for bar in document.find_all("li", **{"class": "tally__bar"})
    }
    assert shown == bars
    assert document.find_all("li", **{"class": "tally__condition tally__condition--met"}) or document.find_all(
        "li", **{"class": "tally__condition tally__condition--unmet"}
    )
    if rule.get("weighting") == "size":
        details = [text(detail) for detail in document.find_all("span", **{"class": "tally__detail"})]
        assert details == ["(weight 85)", "(weight 0)", "(weight 0)"]  # Leeds Climate Action: 85 people
    facilitate = parse(client_for(demo.coordinator).get(page_url(proposal, "proposal_facilitate")).content)
    assert labelled_inputs_problems(facilitate) == []
