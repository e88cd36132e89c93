"""Numbers people type or edit in an address become ids: huge, negative, non-numeric or foreign-script ones are
refused like any other wrong choice (422 beside the field, or 404), never a server error, and nothing is written.

SQLite stores integers in 64 bits and cannot even compare a larger one; PostgreSQL can. Both runs use these tests.
"""

from __future__ import annotations

import pytest
from django.test import Client

from accord.coalitions.models import Person
from tests.web_membership.conftest import snapshot

from .markup import parse

HUGE = "100000000000000000000"  # 10**20, past any 64-bit key
JUST_PAST = str(2**63)
LARGEST = str(2**63 - 1)  # a key no row has
BAD_IDS = [HUGE, JUST_PAST, LARGEST, "0", "-1", "1.5", "12abc", "²", "9" * 5000]
# Django's integer fields read these as 12 and 7; a list of ticked boxes compares the values as sent, so for it
# they name no box.
NOT_AS_SENT = ["١٢", " 7 "]


def url(demo, path: str = "") -> str:
    return f"/c/{demo.coalition.slug}/{path}"


@pytest.fixture
def coordinator_client(demo) -> Client:
    client = Client(raise_request_exception=False)  # a server error is a status here, not an exception
    client.force_login(demo.coordinator)
    return client


@pytest.mark.parametrize("field", ["member_groups", "delegate_of"])
@pytest.mark.parametrize("value", BAD_IDS + NOT_AS_SENT)
def test_recording_a_person_with_a_group_id_that_is_no_group_says_so_beside_the_field(
    demo, coordinator_client, field, value
) -> None:
    before = snapshot()
    response = coordinator_client.post(url(demo, "people/new/"), {"name": "Rhea Quinn", field: value})
    assert response.status_code == 422
    document = parse(response.content)
    assert document.find(id=f"id_{field}_error").text == "Error: Choose only member groups in the list."
    assert document.find("div", class_="error-summary").attrs["role"] == "alert"
    assert snapshot() == before
    assert not Person.objects.filter(name="Rhea Quinn").exists()


def test_a_real_group_beside_a_huge_id_is_still_refused(demo, coordinator_client) -> None:
    before = snapshot()
    response = coordinator_client.post(
        url(demo, "people/new/"), {"name": "Rhea Quinn", "member_groups": [str(demo.delegate_group.pk), HUGE]}
    )
    assert response.status_code == 422
    assert snapshot() == before


@pytest.mark.parametrize("value", BAD_IDS)
@pytest.mark.parametrize(
    ("method", "path", "data", "statuses"),
    [
        ("get", "people/new/?member_group={}", None, {200}),
        ("get", "invitations/?member_group={}", None, {200}),
        ("get", "invitations/?person={}", None, {200, 404}),
        ("get", "invitations/?created={}", None, {200, 404}),
        ("get", "invitations/?page={}", None, {200}),
        ("get", "applications/?page={}", None, {200}),
        ("get", "groups/?page={}", None, {200}),
        ("get", "people/?page={}", None, {200}),
        ("get", "audit/?page={}", None, {200}),
        ("post", "invitations/", {"member_group": "{}", "valid_days": "14"}, {404, 422}),
        ("post", "invitations/", {"person": "{}", "valid_days": "14"}, {302, 404, 422}),
        ("post", "invitations/", {"valid_days": "{}"}, {422}),
        ("post", "people/{person}/groups/", {"add-member_group": "{}"}, {422}),
        ("post", "people/{person}/coordinator/", {"value": "{}"}, {302}),
        ("post", "groups/new/", {"name": "Quiet Group", "size": "{}"}, {422}),
        ("post", "join/", {"kind": "group", "group_name": "Quiet Group", "group_size": "{}"}, {422}),
    ],
)
def test_no_number_in_a_form_or_an_address_makes_a_server_error(
    demo, coordinator_client, method, path, data, statuses, value
) -> None:
    person = demo.member_person.pk
    before = snapshot()
    if data is None:
        response = coordinator_client.get(url(demo, path.format(value)))
    else:
        filled = {key: item.format(value) for key, item in data.items()}
        response = coordinator_client.post(url(demo, path.format(value, person=person)), filled)
    assert response.status_code in statuses, (response.status_code, path, value[:30])
    if response.status_code != 302:  # "person=0" or "person=-1" means "no one": a plain invitation is made
        assert snapshot() == before


@pytest.mark.parametrize(
    "path",
    [
        "groups/{}/",
        "groups/{}/edit/",
        "groups/{}/leave/",
        "people/{}/",
        "people/{}/edit/",
        "affiliations/{}/end/",
        "applications/{}/",
        "invitations/{}/revoke/",
    ],
)
@pytest.mark.parametrize("value", [HUGE, JUST_PAST, LARGEST, "9" * 5000])
def test_a_huge_id_in_an_address_is_not_found(demo, coordinator_client, path, value) -> None:
    before = snapshot()
    assert coordinator_client.get(url(demo, path.format(value))).status_code == 404
    assert coordinator_client.post(url(demo, path.format(value)), {"reason": "x"}).status_code in {404, 405}
    assert snapshot() == before


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("people/{}/coordinator/", {"value": "1"}),
        ("people/{}/groups/", {"add-member_group": "1"}),
        ("affiliations/{}/delegate/", {"value": "1"}),
        ("applications/{}/withdraw/", {}),
    ],
)
@pytest.mark.parametrize("value", [HUGE, JUST_PAST, LARGEST])
def test_a_huge_id_in_a_switch_address_is_not_found(demo, coordinator_client, path, data, value) -> None:
    before = snapshot()
    assert coordinator_client.post(url(demo, path.format(value)), data).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("value", [HUGE, JUST_PAST, LARGEST])
def test_a_huge_token_id_is_not_found(demo, value) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(demo.member)
    before = snapshot()
    assert client.get(f"/account/tokens/{value}/revoke/").status_code == 404
    assert client.post(f"/account/tokens/{value}/revoke/").status_code == 404
    assert snapshot() == before
