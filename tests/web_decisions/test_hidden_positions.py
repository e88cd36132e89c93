"""Who said what stays hidden while it should (queries.positions_hidden: secret stances always; results shown only
after closing, while the round is open), and the pages say so plainly rather than showing an empty list; and the
pages count by the rule that decides the round (a fallback rule may count differently from the main one)."""

from __future__ import annotations

from datetime import timedelta

from accord.decisions import actions
from accord.decisions.models import Round, Stance
from tests.web.markup import parse

from .conftest import kind

HIDDEN_UNTIL_CLOSE = "Who said what is shown when the round closes."


def url(demo, path: str = "") -> str:
    return f"/c/{demo.coalition.slug}/{path}"


def close(proposal) -> None:
    round_ = Round.objects.get(proposal=proposal, number=proposal.round_number)
    actions.close_round_if_due(round_id=round_.pk, now=round_.closes_at + timedelta(seconds=1))
    proposal.refresh_from_db()


def test_results_after_closing_hide_who_said_what_until_the_round_closes(demo, client_for, open_proposal) -> None:
    proposal = open_proposal(results_visibility="after_close", facilitators=[demo.coordinator_person])
    actions.record_stance(actor=demo.member, proposal=proposal, position="disagree", reason="Tuesdays clash.")
    eligible = Round.objects.get(proposal=proposal).eligible_count
    document = parse(client_for(demo.delegate).get(url(demo, f"decisions/{proposal.pk}/")).content)
    responses = document.find("section", aria_labelledby="responses-heading")
    assert responses.find("p", class_="positions-hidden").text == (
        f"{HIDDEN_UNTIL_CLOSE} 1 of {eligible} have responded."
    )
    assert "Daniel Murphy" not in responses.text and "Tuesdays clash" not in document.text
    assert not responses.find_all("table")
    assert "Not responded yet" in responses.text  # who has not responded yet is no one's position

    # The history of someone else's stance waits for the close too; one's own is always there.
    member_key = f"p{demo.member_person.pk}"
    history = parse(
        client_for(demo.delegate).get(url(demo, f"decisions/{proposal.pk}/history/?unit={member_key}")).content
    )
    assert history.find("p", class_="empty").text == (
        "Who said what is shown when the round closes; until then you can see only your own history."
    )
    own = parse(client_for(demo.member).get(url(demo, f"decisions/{proposal.pk}/history/?unit={member_key}")).content)
    assert [item.find("strong").text for item in own.find("ol", class_="plain-list history").find_all("li")] == [
        "Disagree"
    ]

    close(proposal)
    after = parse(client_for(demo.delegate).get(url(demo, f"decisions/{proposal.pk}/")).content)
    rows = after.find("section", aria_labelledby="responses-heading").find("tbody").find_all("tr")
    assert [(row.find("th").text, row.find("td", data_label="Stance").text) for row in rows] == [
        ("Daniel Murphy", "Disagree“Tuesdays clash.”")  # a line break between the two
    ]


def test_facilitator_rows_say_only_recorded_while_positions_are_hidden(demo, client_for, open_proposal) -> None:
    proposal = open_proposal(results_visibility="after_close", actor=demo.coordinator)
    client = client_for(demo.coordinator)
    key = f"p{demo.member_person.pk}"
    path = url(demo, f"decisions/{proposal.pk}/facilitate/")
    response = client.post(path, {"unit": key, "position": "disagree"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    document = parse(response.content)
    assert document.find("span", id=f"unit-{key}-stance").text == "Recorded"
    assert document.find("div", hx_swap_oob="innerHTML:#facilitate-announce").text == (
        "Recorded the stance for Daniel Murphy."
    )
    page = parse(client.get(path, {"q": "Daniel"}).content)
    assert page.find("p", id="facilitate-hidden").text == (
        f"{HIDDEN_UNTIL_CLOSE} The rows say only whether a stance is recorded."
    )
    assert page.find("span", id=f"unit-{key}-stance").text == "Recorded"

    open_one = open_proposal(title="Live results", actor=demo.coordinator)
    client.post(url(demo, f"decisions/{open_one.pk}/facilitate/"), {"unit": key, "position": "disagree"})
    live = parse(client.get(url(demo, f"decisions/{open_one.pk}/facilitate/"), {"q": "Daniel"}).content)
    assert live.find("span", id=f"unit-{key}-stance").text == "Disagree"
    assert not live.find_all("p", id="facilitate-hidden")


def test_the_pages_count_by_the_rule_that_decides_the_round(demo, draft_table, client_for, open_proposal) -> None:
    fallback_to_groups = {
        "method": "consensus",
        "unit": "people",
        "fallback": {"after_failed_rounds": 1, "rule": {"method": "majority", "unit": "groups"}},
    }
    actions.set_decision_kind(
        actor=demo.coordinator, coalition=demo.coalition, key="people_then_groups", name="People, then groups",
        rule=fallback_to_groups,
    )  # fmt: skip
    proposal = open_proposal(key="people_then_groups")
    close(proposal)  # no one agreed: the next round is counted by member groups
    actions.start_next_round(
        actor=demo.member,
        proposal=proposal,
        closes_at=Round.objects.get(proposal=proposal).closes_at + timedelta(days=7),
    )
    proposal.refresh_from_db()
    client = client_for(demo.member)  # a member of Leeds Climate Action, not its delegate
    document = parse(client.get(url(demo, f"decisions/{proposal.pk}/")).content)
    assert "each group's delegates give its position" in document.find("section", id="your-stance").text
    key = f"p{demo.member_person.pk}"
    stances_before = Stance.objects.filter(round__proposal=proposal).count()
    refused = client.post(url(demo, f"decisions/{proposal.pk}/stance/"), {"unit": key, f"{key}-position": "agree"})
    assert refused.status_code == 403
    assert Stance.objects.filter(round__proposal=proposal).count() == stances_before
    assert (
        parse(refused.content)
        .find("p", class_="refusal")
        .text.startswith("This decision is counted by member groups, and you are not a delegate of an eligible group")
    )
    assert kind(demo, "people_then_groups").rule["unit"] == "people"
