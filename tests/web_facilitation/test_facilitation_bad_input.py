"""Facilitator mode given what a keyboard in a room should never send: digits that are not ASCII ("²".isdigit() is
True, but int("²") fails) and NUL characters (which PostgreSQL refuses), in the search, the unit and the reason.
Each is answered with a message and records nothing; these run on SQLite and on PostgreSQL (scripts/test.sh)."""

from __future__ import annotations

import pytest

from accord.coalitions.models import AuditEvent
from accord.decisions.models import DecisionKind, Stance
from tests.web.markup import parse

from .conftest import HTMX, add_kind, consensus_minus_one, current_stances, group_key, open_proposal, page_url

LEEDS = "Leeds Climate Action"


def stored() -> tuple[int, int]:
    return Stance.objects.count(), AuditEvent.objects.count()


def names(document) -> list[str]:
    return [element.text for element in document.find_all("span", class_="facilitate-row__name")]


@pytest.fixture
def proposal(demo):
    return open_proposal(demo, consensus_minus_one(demo))


def test_a_nul_in_the_search_is_dropped(demo, proposal, client_for) -> None:
    client = client_for(demo.coordinator)
    for search in ("le\x00eds", "\x00leeds", "leeds\x00"):
        response = client.get(page_url(proposal, "proposal_facilitate"), {"q": search})
        assert response.status_code == 200, repr(search)
        document = parse(response.content)
        assert names(document) == [LEEDS]
        assert document.find("input", name="q", type="search").attrs["value"] == "leeds"
    only_nul = parse(client.get(page_url(proposal, "proposal_facilitate"), {"q": "\x00"}).content)
    assert len(names(only_nul)) == 19


def test_a_unit_with_a_nul_is_refused_and_nothing_recorded(demo, proposal, client_for) -> None:
    client = client_for(demo.coordinator)
    key = group_key(demo, LEEDS)
    before = stored()
    for unit in (f"{key}\x00", f"\x00{key}", "g\x001"):
        response = client.post(
            page_url(proposal, "proposal_facilitate"),
            {"unit": unit, "position": "agree", "q": "le\x00eds"},
            headers=HTMX,
        )
        assert response.status_code == 422, repr(unit)
        assert response["HX-Retarget"] == "#messages"
        assert parse(response.content).text == (
            "There is no such person or group in this round: use the buttons in their row."
        )
        plain = client.post(
            page_url(proposal, "proposal_facilitate"), {"unit": unit, "position": "agree", "q": "leeds"}
        )
        assert plain.status_code == 302
        assert plain["Location"] == page_url(proposal, "proposal_facilitate") + "?q=leeds"
    assert stored() == before
    assert current_stances(proposal) == {}


def test_a_reason_with_a_nul_is_refused_in_the_row(demo, proposal, client_for) -> None:
    key = group_key(demo, LEEDS)
    before = stored()
    response = client_for(demo.coordinator).post(
        page_url(proposal, "proposal_facilitate"),
        {"unit": key, "position": "block", "reason": "Not\x00 now"},
        headers=HTMX,
    )
    assert response.status_code == 422
    row = parse(response.content).find("li", id=f"unit-{key}")
    assert row.find("p", id=f"unit-{key}-error").text == "Error: Remove the invisible NUL characters from the reason."
    assert row.find("input", name="reason").attrs["value"] == "Not now"
    assert stored() == before


@pytest.mark.parametrize("score", ["²", "٣", "4.0", "99999999"])
def test_a_score_that_is_not_ascii_digits_is_refused_in_the_row(demo, client_for, score) -> None:
    kind = add_kind(demo, "fist", "Fist to five", {"method": "fist_to_five", "unit": "groups"})
    proposal = open_proposal(demo, kind)
    key = group_key(demo, LEEDS)
    before = stored()
    response = client_for(demo.coordinator).post(
        page_url(proposal, "proposal_facilitate"), {"unit": key, "score": score}, headers=HTMX
    )
    assert response.status_code == 422
    row = parse(response.content).find("li", id=f"unit-{key}")
    assert row.find("p", id=f"unit-{key}-error").text == "Error: Give a whole-number score from 0 to 5."
    assert stored() == before


def test_a_rank_that_is_not_ascii_digits_is_refused(demo, client_for) -> None:
    kind = DecisionKind.objects.get(coalition=demo.coalition, key="choose_between_options")  # ranked, people
    proposal = open_proposal(demo, kind, title="Where to meet", options=["Leeds", "York", "Hull"])
    key = f"p{demo.delegate_person.pk}"
    before = stored()
    response = client_for(demo.coordinator).post(
        page_url(proposal, "proposal_facilitate"), {"unit": key, "rank_0": "²", "rank_1": "1"}, headers=HTMX
    )
    assert response.status_code == 422
    assert "Give a whole number for Leeds, or leave it empty." in response.content.decode()
    assert stored() == before
