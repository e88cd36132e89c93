"""Every list is paginated the same way, and a page costs the same number of queries however many items it holds."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.accounts.actions import create_api_token, create_user
from accord.coalitions import actions
from accord.coalitions.models import Person

from .conftest import assert_error


def test_page_numbers_and_sizes(api, demo):
    client = api(demo.coordinator)
    path = f"/coalitions/{demo.coalition.slug}/people"
    names = list(
        Person.objects.filter(coalition=demo.coalition, left_at__isnull=True)
        .order_by("name")
        .values_list("name", flat=True)
    )
    total = len(names)

    first = client.get(path, {"page_size": 10}).json()
    second = client.get(path, {"page": 2, "page_size": 10}).json()
    last_page = (total + 9) // 10
    last = client.get(path, {"page": last_page, "page_size": 10}).json()
    beyond = client.get(path, {"page": last_page + 1, "page_size": 10}).json()

    assert (first["count"], first["page"], first["page_size"]) == (total, 1, 10)
    assert [item["name"] for item in first["items"]] == names[:10]
    assert [item["name"] for item in second["items"]] == names[10:20]
    assert (second["page"], second["count"]) == (2, total)
    assert [item["name"] for item in last["items"]] == names[(last_page - 1) * 10 :]
    assert beyond == {"count": total, "page": last_page + 1, "page_size": 10, "items": []}


def test_the_default_and_largest_page(api, demo):
    client = api(demo.coordinator)
    path = f"/coalitions/{demo.coalition.slug}/people"
    default = client.get(path).json()
    assert (default["page"], default["page_size"], len(default["items"])) == (1, 50, 50)
    largest = client.get(path, {"page_size": 200}).json()
    assert (largest["page_size"], len(largest["items"])) == (200, largest["count"])
    body = assert_error(client.get(path, {"page_size": 201}), 422, "invalid", field="page_size")
    assert body["message"] == "Give a number of 200 or less."


# --- query counts ----------------------------------------------------------------------------------------------


def grow(demo, extra: int = 20) -> None:
    """`extra` more member groups, each with a delegate and a member; people, invitations, applications, events."""
    for number in range(extra):
        group = actions.add_member_group(
            actor=demo.coordinator, coalition=demo.coalition, name=f"Extra Group {number:02}", size=5
        )
        actions.record_person(
            actor=demo.coordinator,
            coalition=demo.coalition,
            name=f"Extra Delegate {number:02}",
            member_groups=[group],
            delegate_of=[group],
        )
        actions.record_person(
            actor=demo.coordinator, coalition=demo.coalition, name=f"Extra Member {number:02}", member_groups=[group]
        )
        actions.create_invitation(actor=demo.coordinator, coalition=demo.coalition, member_group=group)
        applicant = create_user(email=f"applicant{number}@example.org", password=None, name=f"Applicant {number}")
        actions.submit_application(
            actor=applicant,
            coalition=demo.coalition,
            kind="individual",
            answers=[f"Answer {n}" for n, _ in enumerate(demo.coalition.question_list)],
        )
        create_api_token(actor=demo.coordinator, name=f"token {number}")


def count_queries(client, path: str, params: dict) -> tuple[int, int]:
    """How many queries one page costs, and how many items the list holds (a page shows up to 200 of them: the
    demo's audit log fills it already)."""
    client.get(path, params)  # the first call may record the token's use
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert len(body["items"]) == min(body["count"], params["page_size"])
    return len(captured), body["count"]


LISTS = [
    ("/coalitions/{slug}/member-groups", {"include_former": "true"}),
    ("/coalitions/{slug}/people", {"include_former": "true"}),
    ("/coalitions/{slug}/invitations", {}),
    ("/coalitions/{slug}/applications", {}),
    ("/coalitions/{slug}/audit-events", {}),
    ("/me/tokens", {}),
]


@pytest.mark.parametrize(("path", "params"), LISTS, ids=[path for path, _ in LISTS])
def test_a_list_page_costs_the_same_number_of_queries_however_long(
    api, demo, path, params, django_assert_max_num_queries
):
    client = api(demo.coordinator)
    path = path.format(slug=demo.coalition.slug)
    params = {**params, "page_size": 200}

    before, items_before = count_queries(client, path, params)
    grow(demo)
    after, items_after = count_queries(client, path, params)

    assert items_after >= items_before + 20 and items_before >= 1
    assert after == before
    with django_assert_max_num_queries(10):
        client.get(path, params)


def test_my_coalitions_cost_one_page_of_queries(api, demo, django_assert_max_num_queries):
    member = demo.member
    for number in range(20):
        founder = create_user(email=f"founder{number}@example.org", password=None, name=f"Founder {number}")
        other = actions.create_coalition(actor=founder, name=f"Coalition {number:02}", purpose="Things")
        actions.add_member_group(actor=founder, coalition=other, name="A group", size=4)
        invitation = actions.create_invitation(actor=founder, coalition=other)
        actions.accept_invitation(actor=member, token=invitation.token)
    client = api(member)
    client.get("/me")
    with django_assert_max_num_queries(4):
        me = client.get("/me").json()
    assert len(me["coalitions"]) == 21
    with django_assert_max_num_queries(4):
        mine = client.get("/coalitions").json()
    assert mine["count"] == 21
    assert {item["active_member_group_count"] for item in mine["items"]} == {1, 20}
