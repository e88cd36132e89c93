"""No endpoint reaches another coalition's rows: through one's own coalition's slug its ids are unknown (404), and
the other coalition's own slug refuses whoever is not a member of it (403)."""

from __future__ import annotations

import pytest

from accord.coalitions.models import Affiliation

from .conftest import assert_error, snapshot


@pytest.fixture
def far_affiliation(elsewhere):
    return Affiliation.objects.get(person=elsewhere.person)


def test_reads_of_another_coalitions_ids_through_ones_own_slug(api, demo, elsewhere, far_affiliation):
    client = api(demo.coordinator)
    mine = f"/coalitions/{demo.coalition.slug}"
    for path in (
        f"{mine}/member-groups/{elsewhere.group.pk}",
        f"{mine}/people/{elsewhere.person.pk}",
        f"{mine}/applications/{elsewhere.application.pk}",
    ):
        assert_error(client.get(path), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PATCH", "/member-groups/{group}", {"name": "Taken over"}),
        ("POST", "/member-groups/{group}/leave", {}),
        ("PATCH", "/people/{person}", {"name": "Renamed"}),
        ("PUT", "/people/{person}/coordinator", {"is_coordinator": True}),
        ("POST", "/people/{person}/affiliations", {"member_group": "{own_group}"}),
        ("PATCH", "/affiliations/{affiliation}", {"is_delegate": True}),
        ("POST", "/affiliations/{affiliation}/end", {}),
        ("POST", "/invitations/{invitation}/revoke", None),
        ("POST", "/applications/{application}/withdraw", None),
    ],
)
def test_writes_to_another_coalitions_ids_through_ones_own_slug(
    api, demo, elsewhere, far_affiliation, method, path, body
):
    ids = {
        "group": elsewhere.group.pk,
        "person": elsewhere.person.pk,
        "affiliation": far_affiliation.pk,
        "invitation": elsewhere.invitation.pk,
        "application": elsewhere.application.pk,
        "own_group": demo.delegate_group.pk,
    }
    if body:
        body = {
            key: ids[value[1:-1]] if isinstance(value, str) and value.startswith("{") else value
            for key, value in body.items()
        }
    client = api(demo.coordinator)
    before = snapshot()

    response = client.send(method, f"/coalitions/{demo.coalition.slug}" + path.format(**ids), body)

    assert_error(response, 404, "not_found")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Nia", "member_groups": ["{group}"]}, "member_groups"),
        ({"name": "Nia", "delegate_of": ["{group}"]}, "delegate_of"),
    ],
)
def test_another_coalitions_groups_cannot_be_named_in_a_body(api, demo, elsewhere, body, field):
    body = {key: [elsewhere.group.pk] if isinstance(value, list) else value for key, value in body.items()}
    client = api(demo.coordinator)
    before = snapshot()
    assert_error(client.post(f"/coalitions/{demo.coalition.slug}/people", body), 404, "not_found", field=field)
    assert snapshot() == before


def test_another_coalitions_group_or_person_cannot_be_named_in_an_invitation_or_membership(api, demo, elsewhere):
    client = api(demo.coordinator)
    mine = f"/coalitions/{demo.coalition.slug}"
    before = snapshot()
    assert_error(
        client.post(f"{mine}/invitations", {"member_group": elsewhere.group.pk}), 404, "not_found", field="member_group"
    )
    assert_error(client.post(f"{mine}/invitations", {"person": elsewhere.person.pk}), 404, "not_found", field="person")
    assert_error(
        client.post(f"{mine}/people/{demo.member_person.pk}/affiliations", {"member_group": elsewhere.group.pk}),
        404,
        "not_found",
        field="member_group",
    )
    assert snapshot() == before


def test_another_coalitions_own_slug_refuses_a_non_member(api, demo, elsewhere):
    client = api(demo.coordinator)
    theirs = f"/coalitions/{elsewhere.coalition.slug}"
    before = snapshot()

    assert_error(client.get(f"{theirs}/member-groups"), 403, "not_allowed")
    assert_error(client.get(f"{theirs}/people"), 403, "not_allowed")
    assert_error(client.get(f"{theirs}/audit-events"), 403, "not_allowed")
    assert_error(client.get(f"{theirs}/member-groups/{elsewhere.group.pk}"), 403, "not_allowed")
    assert_error(client.patch(theirs, {"name": "Taken over"}), 403, "not_allowed")
    assert_error(client.patch(f"{theirs}/member-groups/{elsewhere.group.pk}", {"size": 1}), 403, "not_allowed")
    assert_error(client.post(f"{theirs}/invitations", {}), 403, "not_allowed")
    # Applications there: the coordinator of the demo is only an outsider, and sees only their own (none).
    assert client.get(f"{theirs}/applications").json()["count"] == 0
    assert_error(client.post(f"{theirs}/applications/{elsewhere.application.pk}/withdraw"), 404, "not_found")
    assert snapshot() == before
    # The public basics stay public.
    assert client.get(theirs).json()["my_role"] == "outsider"
