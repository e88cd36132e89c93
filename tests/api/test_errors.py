"""The one error shape: pydantic's input errors, actions' refusals, bad JSON, unknown ids and addresses."""

from __future__ import annotations

import pytest

from accord.coalitions.models import MemberGroup

from .conftest import assert_error, snapshot


def groups_path(demo) -> str:
    return f"/coalitions/{demo.coalition.slug}/member-groups"


def test_a_missing_field_and_a_wrong_type(api, demo):
    client = api(demo.coordinator)
    before = snapshot()
    response = client.post(groups_path(demo), {"size": "twelve"})

    assert response.status_code == 422
    assert response.json() == {
        "status": 422,
        "code": "invalid",
        "message": "Correct 2 problems, in name, size: This field is required: give name. Give a whole number.",
        "errors": [
            {"field": "name", "message": "This field is required: give name."},
            {"field": "size", "message": "Give a whole number."},
        ],
    }
    assert snapshot() == before


def test_one_wrong_type(api, demo):
    response = api(demo.coordinator).post(groups_path(demo), {"name": "Sheffield", "size": 12.5})
    assert response.json() == {
        "status": 422,
        "code": "invalid",
        "message": "Give a whole number.",
        "errors": [{"field": "size", "message": "Give a whole number."}],
    }


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"is_coordinator": "yes"}, "is_coordinator", "Give true or false."),
        ({}, "is_coordinator", "This field is required: give is_coordinator."),
        (
            {"is_coordinator": True, "is_cordinator": True},
            "is_cordinator",
            "Remove is_cordinator: this request does not take it.",
        ),
    ],
)
def test_flags_are_strict_and_unknown_fields_are_refused(api, demo, body, field, message):
    path = f"/coalitions/{demo.coalition.slug}/people/{demo.member_person.pk}/coordinator"
    response = api(demo.coordinator).put(path, body)
    assert response.json() == {
        "status": 422,
        "code": "invalid",
        "message": message,
        "errors": [{"field": field, "message": message}],
    }


def test_a_list_item_of_the_wrong_type_is_named_by_its_position(api, demo):
    response = api(demo.coordinator).post(
        f"/coalitions/{demo.coalition.slug}/people", {"name": "Nia", "member_groups": [demo.big_group.pk, "x"]}
    )
    assert_error(response, 422, "invalid", field="member_groups.1")


def test_an_actions_refusal_names_its_field(api, demo):
    client = api(demo.coordinator)
    before = snapshot()
    response = client.post(groups_path(demo), {"name": "   ", "size": 3})

    assert response.status_code == 422
    assert response.json() == {
        "status": 422,
        "code": "invalid",
        "message": "Enter the group's name.",
        "errors": [{"field": "name", "message": "Enter the group's name."}],
    }
    assert snapshot() == before


def test_a_conflict_names_its_field(api, demo):
    body = assert_error(
        api(demo.coordinator).post(groups_path(demo), {"name": "leeds climate action", "size": 3}),
        409,
        "conflict",
        field="name",
    )
    assert body["message"] == (
        "A member group called “leeds climate action” is already in this coalition: choose another name."
    )


def test_malformed_json(api, demo):
    client = api(demo.coordinator)
    before = snapshot()
    response = client.post(groups_path(demo), raw='{"name": "Sheffield", "size": 3,}')

    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "code": "bad_request",
        "message": "The request body is not valid JSON. Check its quotes, commas and brackets, and send it with "
        "`Content-Type: application/json`.",
        "errors": [],
    }
    assert snapshot() == before


def test_a_body_that_is_not_an_object(api, demo):
    body = assert_error(api(demo.coordinator).post(groups_path(demo), ["Sheffield", 3]), 422, "invalid")
    assert body["message"] == "Send a JSON object with this request's fields."
    empty = api(demo.coordinator)
    response = empty.client.generic("POST", "/api/v1" + groups_path(demo), "", headers=empty.headers)
    assert assert_error(response, 422, "invalid")["message"] == (
        "Send a JSON object as the request body, with this request's fields."
    )


def test_a_form_encoded_body_is_not_json(api, demo):
    client = api(demo.coordinator)
    response = client.client.post(
        "/api/v1" + groups_path(demo), {"name": "Sheffield", "size": 3}, headers=client.headers
    )
    assert_error(response, 400, "bad_request")
    assert not MemberGroup.objects.filter(name="Sheffield").exists()


@pytest.mark.parametrize(
    "path",
    [
        "/member-groups/999999",
        "/people/999999",
        "/applications/999999",
    ],
)
def test_unknown_ids_are_not_found(api, demo, path):
    assert_error(api(demo.coordinator).get(f"/coalitions/{demo.coalition.slug}{path}"), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PATCH", "/member-groups/999999", {"size": 3}),
        ("PATCH", "/people/999999", {"name": "X"}),
        ("PATCH", "/affiliations/999999", {"is_delegate": True}),
        ("POST", "/affiliations/999999/end", {}),
        ("POST", "/invitations/999999/revoke", None),
    ],
)
def test_writes_to_unknown_ids_are_not_found(api, demo, method, path, body):
    client = api(demo.coordinator)
    before = snapshot()
    assert_error(client.send(method, f"/coalitions/{demo.coalition.slug}{path}", body), 404, "not_found")
    assert snapshot() == before


def test_an_unknown_id_in_the_body_names_its_field(api, demo):
    response = api(demo.coordinator).post(
        f"/coalitions/{demo.coalition.slug}/people", {"name": "Nia", "delegate_of": [999999]}
    )
    body = assert_error(response, 404, "not_found", field="delegate_of")
    assert body["message"] == "There is no member group with id 999999 in this coalition."


def test_unknown_addresses_answer_in_the_error_shape(api, demo):
    body = assert_error(api(None).get("/no/such/thing"), 404, "not_found")
    assert body["message"] == (
        "There is nothing at /api/v1/no/such/thing. Check the address; the endpoints are listed at /api/v1/docs."
    )
    # An id that is not a number matches no address either.
    assert_error(api(demo.member).get(f"/coalitions/{demo.coalition.slug}/people/abc"), 404, "not_found")
    assert_error(api(demo.member).post("/no/such/thing", {}), 404, "not_found")
    assert_error(api(None).get("/api/v1/"), 404, "not_found")


def test_a_method_an_address_does_not_take(api, demo):
    response = api(demo.coordinator).send("DELETE", f"/coalitions/{demo.coalition.slug}")
    body = assert_error(response, 405, "method_not_allowed")
    assert body["message"] == "DELETE is not possible here; use GET or PATCH."
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "PATCH"}


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"include_former": "maybe"}, "include_former", "Give true or false."),
        ({"page": "two"}, "page", "Give a whole number."),
        ({"page": 0}, "page", "Give a number of 1 or more."),
        ({"page_size": 201}, "page_size", "Give a number of 200 or less."),
        ({"page_size": 0}, "page_size", "Give a number of 1 or more."),
    ],
)
def test_bad_query_parameters(api, demo, params, field, message):
    response = api(demo.member).get(groups_path(demo), params)
    assert response.json() == {
        "status": 422,
        "code": "invalid",
        "message": message,
        "errors": [{"field": field, "message": message}],
    }


def test_a_status_filter_must_be_a_known_status(api, demo):
    response = api(demo.coordinator).get(f"/coalitions/{demo.coalition.slug}/applications", {"status": "maybe"})
    body = assert_error(response, 422, "invalid", field="status")
    assert body["message"] == "Choose one of 'pending', 'admitted', 'declined' or 'withdrawn'."


def test_odd_characters_in_a_search_are_no_server_error(api, demo):
    response = api(demo.member).get(groups_path(demo), {"search": "Leeds\x00"})
    assert response.status_code == 200
    assert [item["name"] for item in response.json()["items"]] == ["Leeds Climate Action"]


def test_a_huge_number_is_refused_not_a_server_error(api, demo):
    response = api(demo.coordinator).post(groups_path(demo), {"name": "Big", "size": 10**30})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "size"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/me/tokens", {"name": "laptop\x00"}, "name"),
        ("/coalitions/{slug}/member-groups", {"name": "Sheffield\x00", "size": 3}, "name"),
        ("/coalitions/{slug}/people", {"name": "Nia", "is_individual_member": True, "email": "\x00"}, "email"),
        ("/coalitions/{slug}/leave", {"reason": "bye\x00"}, "reason"),
    ],
)
def test_nul_characters_are_refused_before_any_action(api, demo, path, body, field):
    client = api(demo.coordinator)
    before = snapshot()
    response = client.post(path.format(slug=demo.coalition.slug), body)
    error = assert_error(response, 422, "invalid", field=field)
    assert error["message"] == "Remove the invisible NUL characters from this text."
    assert snapshot() == before


def test_an_unexpected_error_is_answered_in_the_shape_and_logged(api, demo, settings, monkeypatch, caplog):
    from accord.coalitions import queries

    def broken(actor):
        raise RuntimeError("the database fell over")

    monkeypatch.setattr(queries, "memberships_of", broken)
    settings.DEBUG = False
    settings.TESTING = False  # when testing or debugging, the traceback is raised instead

    response = api(demo.member).get("/me")

    body = assert_error(response, 500, "server_error")
    assert body["message"].startswith("Something went wrong on the server.")
    assert "the database fell over" not in response.content.decode()
    assert any("Unexpected error in GET /api/v1/me" in record.getMessage() for record in caplog.records)


# --- ids out of range: refused by the schema, never a server error ---------------------------------------------

# The largest id a row can have (a 64-bit signed integer); anything above it cannot name a row on any database, and
# SQLite refuses even to compare with it.
ID_MAX = 2**63 - 1
HUGE = 10**20


@pytest.mark.parametrize(
    ("path", "body", "field", "message"),
    [
        ("/people", {"name": "x", "member_groups": [HUGE]}, "member_groups.0", f"Give a number of {ID_MAX} or less."),
        (
            "/people",
            {"name": "x", "member_groups": ["{leeds}", ID_MAX + 1]},
            "member_groups.1",
            f"Give a number of {ID_MAX} or less.",
        ),
        ("/people", {"name": "x", "delegate_of": [HUGE]}, "delegate_of.0", f"Give a number of {ID_MAX} or less."),
        ("/people", {"name": "x", "member_groups": [0]}, "member_groups.0", "Give a number of 1 or more."),
        ("/people", {"name": "x", "delegate_of": [-3]}, "delegate_of.0", "Give a number of 1 or more."),
        (
            "/people/{member}/affiliations",
            {"member_group": HUGE},
            "member_group",
            f"Give a number of {ID_MAX} or less.",
        ),
        ("/people/{member}/affiliations", {"member_group": 0}, "member_group", "Give a number of 1 or more."),
        ("/invitations", {"member_group": HUGE}, "member_group", f"Give a number of {ID_MAX} or less."),
        ("/invitations", {"member_group": -1}, "member_group", "Give a number of 1 or more."),
        ("/invitations", {"person": HUGE}, "person", f"Give a number of {ID_MAX} or less."),
        ("/invitations", {"person": 0}, "person", "Give a number of 1 or more."),
    ],
)
def test_ids_out_of_range_in_a_body_are_invalid(api, demo, path, body, field, message):
    ids = {"{leeds}": demo.delegate_group.pk}
    body = {
        key: [ids.get(item, item) for item in value] if isinstance(value, list) else value
        for key, value in body.items()
    }
    client = api(demo.coordinator)
    before = snapshot()

    response = client.post(f"/coalitions/{demo.coalition.slug}" + path.format(member=demo.member_person.pk), body)

    error = assert_error(response, 422, "invalid", field=field)
    assert error["message"] == message
    assert snapshot() == before


def test_the_largest_id_is_simply_not_found(api, demo):
    client = api(demo.coordinator)
    before = snapshot()
    response = client.post(f"/coalitions/{demo.coalition.slug}/people", {"name": "x", "member_groups": [ID_MAX]})
    body = assert_error(response, 404, "not_found", field="member_groups")
    assert body["message"] == f"There is no member group with id {ID_MAX} in this coalition."
    assert snapshot() == before


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("GET", "/coalitions/{slug}/member-groups/99999999999999999999999", None, "group_id"),
        ("PATCH", "/coalitions/{slug}/member-groups/99999999999999999999999", {"size": 3}, "group_id"),
        ("POST", "/coalitions/{slug}/member-groups/99999999999999999999999/leave", {}, "group_id"),
        ("GET", "/coalitions/{slug}/people/99999999999999999999999", None, "person_id"),
        ("PATCH", "/coalitions/{slug}/people/99999999999999999999999", {"name": "X"}, "person_id"),
        ("PUT", "/coalitions/{slug}/people/9223372036854775808/coordinator", {"is_coordinator": True}, "person_id"),
        ("POST", "/coalitions/{slug}/people/99999999999999999999999/affiliations", {"member_group": 1}, "person_id"),
        ("PATCH", "/coalitions/{slug}/affiliations/99999999999999999999999", {"is_delegate": True}, "affiliation_id"),
        ("POST", "/coalitions/{slug}/affiliations/99999999999999999999999/end", {}, "affiliation_id"),
        ("POST", "/coalitions/{slug}/invitations/99999999999999999999999/revoke", None, "invitation_id"),
        ("GET", "/coalitions/{slug}/applications/99999999999999999999999", None, "application_id"),
        ("POST", "/coalitions/{slug}/applications/99999999999999999999999/withdraw", None, "application_id"),
        ("POST", "/me/tokens/99999999999999999999999/revoke", None, "token_id"),
        ("GET", "/coalitions/{slug}/member-groups/0", None, "group_id"),
    ],
)
def test_ids_out_of_range_in_an_address_are_invalid(api, demo, method, path, body, field):
    client = api(demo.coordinator)
    before = snapshot()

    response = client.send(method, path.format(slug=demo.coalition.slug), body)

    error = assert_error(response, 422, "invalid", field=field)
    assert error["message"] in (f"Give a number of {ID_MAX} or less.", "Give a number of 1 or more.")
    assert snapshot() == before


def test_every_id_input_is_bounded_in_the_openapi_document():
    """Every integer path parameter, and every body field or query parameter holding an id, says 1 to 2**63-1."""
    from accord.api.root import api

    document = api.get_openapi_schema()
    schemas = document["components"]["schemas"]

    def bounded(schema: dict) -> bool:
        schema = schema.get("items", schema)
        options = schema.get("anyOf", [schema])
        integers = [option for option in options if option.get("type") == "integer"]
        return bool(integers) and all(
            (option.get("minimum"), option.get("maximum")) == (1, ID_MAX) for option in integers
        )

    checked = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["schema"].get("type") == "integer":
                    assert bounded(parameter["schema"]), (method, path, parameter["name"])
                    checked.append(parameter["name"])
    for name, schema in schemas.items():
        for field, definition in schema.get("properties", {}).items():
            if name.endswith("In") and field in {"member_group", "member_groups", "delegate_of", "person"}:
                assert bounded(definition), (name, field)
                checked.append(f"{name}.{field}")
    assert {"group_id", "person_id", "affiliation_id", "invitation_id", "application_id", "token_id"} <= set(checked)
    assert {
        "PersonCreateIn.member_groups",
        "PersonCreateIn.delegate_of",
        "AffiliationCreateIn.member_group",
        "InvitationCreateIn.member_group",
        "InvitationCreateIn.person",
    } <= set(checked)


# --- malformed slugs and tokens: not found, on every database ----------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "who"),
    [
        ("GET", "/coalitions/a%00b", None),
        ("GET", "/coalitions/a%00b", "member"),
        ("PATCH", "/coalitions/a%00b", "coordinator"),
        ("GET", "/coalitions/%00/member-groups", "member"),
        ("GET", "/coalitions/%00/people", "member"),
        ("POST", "/coalitions/%00/leave", "member"),
        ("POST", "/coalitions/%00/applications", "outsider"),
        ("GET", "/coalitions/%00/audit-events", "member"),
        ("GET", "/coalitions/a%20b", None),
        ("GET", "/coalitions/" + "x" * 61, None),
    ],
)
def test_a_malformed_slug_is_not_found(api, demo, method, path, who):
    client = api(getattr(demo, who) if who else None)
    before = snapshot()
    body = (
        {"reason": "x"}
        if path.endswith("/leave")
        else {"kind": "individual", "signs_on": True}
        if method == "POST"
        else {"name": "X"}
    )
    response = client.send(method, path, body) if method != "GET" else client.get(path)
    error = assert_error(response, 404, "not_found")
    # A malformed address is not echoed back (it may hold control characters).
    assert error["message"] == "There is no coalition. Check the address."
    assert snapshot() == before


@pytest.mark.parametrize("token", ["ab%00cd", "%00", "x" * 65, "short", "abc%20def" + "g" * 20])
def test_a_malformed_invitation_token_is_not_found(api, demo, token):
    anyone, outsider = api(None), api(demo.outsider)
    before = snapshot()
    preview = assert_error(anyone.get(f"/invitations/{token}"), 404, "not_found", field="token")
    accepted = assert_error(outsider.post(f"/invitations/{token}/accept"), 404, "not_found", field="token")
    message = "This invitation link is not valid. Check that you copied all of it, or ask for a new one."
    assert preview["message"] == accepted["message"] == message
    assert snapshot() == before


def test_a_body_over_the_upload_limit_gets_the_error_shape_not_an_html_page(api, coordinator):
    eligible = [{"unit": f"u{number}"} for number in range(200_000)]  # about 4 MB, over Django's 2.5 MB
    response = api(coordinator).post("/tally", {"rule": {"method": "majority"}, "ballots": {"eligible": eligible}})
    assert response.status_code == 413
    assert response.json() == {
        "status": 413,
        "code": "too_large",
        "message": "The request body is larger than this server accepts (2.6 MB); send less at once.",
        "errors": [],
    }
