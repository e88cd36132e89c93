"""The OpenAPI document: every endpoint, documented, with the bearer scheme and the error shape."""

from __future__ import annotations

import pytest
from django.test import Client

ENDPOINTS = {
    "/me": {"get"},
    "/me/tokens": {"get", "post"},
    "/me/tokens/{token_id}/revoke": {"post"},
    "/coalitions": {"get", "post"},
    "/coalitions/{slug}": {"get", "patch"},
    "/coalitions/{slug}/leave": {"post"},
    "/coalitions/{slug}/member-groups": {"get", "post"},
    "/coalitions/{slug}/member-groups/{group_id}": {"get", "patch"},
    "/coalitions/{slug}/member-groups/{group_id}/leave": {"post"},
    "/coalitions/{slug}/people": {"get", "post"},
    "/coalitions/{slug}/people/{person_id}": {"get", "patch"},
    "/coalitions/{slug}/people/{person_id}/coordinator": {"put"},
    "/coalitions/{slug}/people/{person_id}/affiliations": {"post"},
    "/coalitions/{slug}/affiliations/{affiliation_id}": {"patch"},
    "/coalitions/{slug}/affiliations/{affiliation_id}/end": {"post"},
    "/coalitions/{slug}/invitations": {"get", "post"},
    "/coalitions/{slug}/invitations/{invitation_id}/revoke": {"post"},
    "/invitations/{token}": {"get"},
    "/invitations/{token}/accept": {"post"},
    "/coalitions/{slug}/applications": {"get", "post"},
    "/coalitions/{slug}/applications/{application_id}": {"get"},
    "/coalitions/{slug}/applications/{application_id}/withdraw": {"post"},
    "/coalitions/{slug}/audit-events": {"get"},
    "/coalitions/{slug}/decision-kinds": {"get", "post"},
    "/coalitions/{slug}/decision-kinds/adopt-defaults": {"post"},
    "/coalitions/{slug}/decision-kinds/{kind_id}": {"get", "put"},
    "/coalitions/{slug}/agreed-weights": {"get"},
    "/coalitions/{slug}/agreed-weights/{group_id}": {"put"},
    "/coalitions/{slug}/proposals": {"get", "post"},
    "/coalitions/{slug}/proposals/{proposal_id}": {"get"},
    "/coalitions/{slug}/proposals/{proposal_id}/withdraw": {"post"},
    "/coalitions/{slug}/proposals/{proposal_id}/rounds": {"get", "post"},
    "/coalitions/{slug}/proposals/{proposal_id}/outcome": {"get"},
    "/coalitions/{slug}/proposals/{proposal_id}/stances": {"get", "post"},
    "/coalitions/{slug}/proposals/{proposal_id}/stances/history": {"get"},
    "/coalitions/{slug}/proposals/{proposal_id}/spokes-positions": {"get"},
    "/coalitions/{slug}/proposals/{proposal_id}/member-views": {"post"},
    "/coalitions/{slug}/proposals/{proposal_id}/settle-group-position": {"post"},
    "/coalitions/{slug}/member-groups/{group_id}/rule": {"get", "put"},
    "/coalitions/{slug}/proposals/{proposal_id}/not-responded": {"get"},
    "/coalitions/{slug}/proposals/{proposal_id}/eligible": {"get"},
    "/tally": {"post"},
    # The constitution
    "/coalitions/{slug}/constitution": {"get"},
    "/coalitions/{slug}/constitution/terms": {"put"},
    "/coalitions/{slug}/constitution/founding": {"post"},
    "/coalitions/{slug}/agreements": {"get", "post"},
    "/coalitions/{slug}/agreements/{agreement_id}": {"get"},
    "/coalitions/{slug}/agreements/{agreement_id}/draft": {"put"},
    "/coalitions/{slug}/agreements/{agreement_id}/versions": {"get"},
    "/coalitions/{slug}/agreements/{agreement_id}/versions/{number}": {"get"},
    "/coalitions/{slug}/agreements/{agreement_id}/compare": {"get"},
    "/coalitions/{slug}/amendments": {"get", "post"},
    "/coalitions/{slug}/amendments/{amendment_id}": {"get"},
    "/coalitions/{slug}/amendments/{amendment_id}/rebase": {"post"},
    "/coalitions/{slug}/joining": {"get"},
    "/coalitions/{slug}/sign-ons": {"get", "post"},
    "/coalitions/{slug}/induction": {"get"},
    "/coalitions/{slug}/leave-requests": {"post"},
    "/coalitions/{slug}/red-lines": {"get", "post"},
    "/coalitions/{slug}/red-lines/{red_line_id}": {"put"},
    "/coalitions/{slug}/red-lines/{red_line_id}/withdraw": {"post"},
    "/coalitions/{slug}/member-groups/{group_id}/red-lines/confirm": {"post"},
    "/coalitions/{slug}/proposals/{proposal_id}/red-line-flags": {"get", "post"},
    "/coalitions/{slug}/proposals/{proposal_id}/red-line-flags/{flag_id}/withdraw": {"post"},
    # Meetings
    "/coalitions/{slug}/meetings": {"get", "post"},
    "/coalitions/{slug}/meetings/{meeting_id}": {"get", "patch"},
    "/coalitions/{slug}/meetings/{meeting_id}/cancel": {"post"},
    "/coalitions/{slug}/meetings/{meeting_id}/reply": {"get", "put"},
    "/coalitions/{slug}/meetings/{meeting_id}/needs": {"get"},
    "/coalitions/{slug}/meetings/{meeting_id}/agenda": {"get", "post"},
    "/coalitions/{slug}/meetings/{meeting_id}/agenda/order": {"put"},
    "/coalitions/{slug}/meetings/{meeting_id}/agenda/{item_id}": {"get", "delete"},
    "/coalitions/{slug}/meetings/{meeting_id}/agenda/{item_id}/notes": {"put"},
    "/coalitions/{slug}/meetings/{meeting_id}/roles/{role}": {"put"},
    "/coalitions/{slug}/meetings/{meeting_id}/roles/{role}/suggestions": {"get"},
    "/coalitions/{slug}/meeting-roles/spread": {"get"},
    "/coalitions/{slug}/meetings/{meeting_id}/attendance": {"get", "put"},
    "/coalitions/{slug}/meetings/{meeting_id}/decisions": {"get", "post"},
    "/coalitions/{slug}/meetings/{meeting_id}/publish": {"post"},
    "/coalitions/{slug}/meetings/{meeting_id}/public": {"get"},
    "/coalitions/{slug}/tasks": {"get", "post"},
    "/coalitions/{slug}/tasks/{task_id}": {"get"},
    "/coalitions/{slug}/tasks/{task_id}/done": {"post"},
    "/coalitions/{slug}/tasks/{task_id}/reopen": {"post"},
    "/coalitions/{slug}/catch-up": {"get"},
    "/coalitions/{slug}/digest": {"get", "put"},
    "/coalitions/{slug}/calendar": {"post"},
}
CREATIONS = {
    ("/me/tokens", "post"),
    ("/coalitions", "post"),
    ("/coalitions/{slug}/member-groups", "post"),
    ("/coalitions/{slug}/people", "post"),
    ("/coalitions/{slug}/people/{person_id}/affiliations", "post"),
    ("/coalitions/{slug}/invitations", "post"),
    ("/coalitions/{slug}/applications", "post"),
    ("/coalitions/{slug}/decision-kinds", "post"),
    ("/coalitions/{slug}/decision-kinds/adopt-defaults", "post"),
    ("/coalitions/{slug}/proposals", "post"),
    ("/coalitions/{slug}/proposals/{proposal_id}/stances", "post"),
    ("/coalitions/{slug}/proposals/{proposal_id}/member-views", "post"),
    ("/coalitions/{slug}/proposals/{proposal_id}/settle-group-position", "post"),
    ("/coalitions/{slug}/proposals/{proposal_id}/rounds", "post"),
    ("/coalitions/{slug}/agreements", "post"),
    ("/coalitions/{slug}/constitution/founding", "post"),
    ("/coalitions/{slug}/amendments", "post"),
    ("/coalitions/{slug}/sign-ons", "post"),
    ("/coalitions/{slug}/leave-requests", "post"),
    ("/coalitions/{slug}/red-lines", "post"),
    ("/coalitions/{slug}/proposals/{proposal_id}/red-line-flags", "post"),
    ("/coalitions/{slug}/meetings", "post"),
    ("/coalitions/{slug}/meetings/{meeting_id}/agenda", "post"),
    ("/coalitions/{slug}/meetings/{meeting_id}/decisions", "post"),
    ("/coalitions/{slug}/tasks", "post"),
}
LISTS = {
    "/me/tokens",
    "/coalitions",
    "/coalitions/{slug}/member-groups",
    "/coalitions/{slug}/people",
    "/coalitions/{slug}/invitations",
    "/coalitions/{slug}/applications",
    "/coalitions/{slug}/audit-events",
    "/coalitions/{slug}/decision-kinds",
    "/coalitions/{slug}/agreed-weights",
    "/coalitions/{slug}/proposals",
    "/coalitions/{slug}/proposals/{proposal_id}/rounds",
    "/coalitions/{slug}/proposals/{proposal_id}/eligible",
    "/coalitions/{slug}/agreements",
    "/coalitions/{slug}/agreements/{agreement_id}/versions",
    "/coalitions/{slug}/amendments",
    "/coalitions/{slug}/sign-ons",
    "/coalitions/{slug}/red-lines",
    "/coalitions/{slug}/proposals/{proposal_id}/red-line-flags",
    "/coalitions/{slug}/meetings",
    "/coalitions/{slug}/meetings/{meeting_id}/agenda",
    "/coalitions/{slug}/meetings/{meeting_id}/decisions",
    "/coalitions/{slug}/tasks",
}
# Paginated too, with two more fields: `secret` and `note` say why a list is empty when stances are secret.
NOTED_LISTS = {
    "/coalitions/{slug}/proposals/{proposal_id}/stances",
    "/coalitions/{slug}/proposals/{proposal_id}/stances/history",
    "/coalitions/{slug}/proposals/{proposal_id}/not-responded",
}


@pytest.fixture(scope="module")
def document(django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path.removeprefix("/api/v1"), method, operation


def test_every_endpoint_is_listed(document):
    listed = {}
    for path, method, _ in operations(document):
        listed.setdefault(path, set()).add(method)
    assert listed == ENDPOINTS


def test_every_operation_has_a_summary_description_tag_and_the_error_responses(document):
    for path, method, operation in operations(document):
        assert operation["summary"] and operation["description"], (path, method)
        assert len(operation["tags"]) == 1, (path, method)
        for status in ("400", "401", "403", "404", "409", "422"):
            schema = operation["responses"][status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ApiError"}, (path, method, status)


def test_creations_answer_201_and_the_rest_200(document):
    for path, method, operation in operations(document):
        success = {status for status in operation["responses"] if status.startswith("2")}
        assert success == ({"201"} if (path, method) in CREATIONS else {"200"}), (path, method)


def test_lists_are_paginated(document):
    schemas = document["components"]["schemas"]
    for path in LISTS:
        operation = document["paths"]["/api/v1" + path]["get"]
        names = {parameter["name"] for parameter in operation["parameters"]}
        assert {"page", "page_size"} <= names, path
        reference = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        page = schemas[reference.rsplit("/", 1)[1]]
        assert set(page["properties"]) == {"count", "page", "page_size", "items"}, path
    for path in NOTED_LISTS:
        operation = document["paths"]["/api/v1" + path]["get"]
        assert {"page", "page_size"} <= {parameter["name"] for parameter in operation["parameters"]}, path
        reference = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        page = schemas[reference.rsplit("/", 1)[1]]
        assert set(page["properties"]) == {"count", "page", "page_size", "items", "secret", "note"}, path


def test_the_error_shape_and_the_bearer_scheme_are_documented(document):
    schemas = document["components"]["schemas"]
    assert set(schemas["ApiError"]["properties"]) == {"status", "code", "message", "errors"}
    assert set(schemas["ApiError"]["required"]) == {"status", "code", "message", "errors"}
    assert set(schemas["ApiFieldError"]["properties"]) == {"field", "message"}
    schemes = document["components"]["securitySchemes"]
    assert schemes["PersonalToken"]["type"] == "http"
    assert schemes["PersonalToken"]["scheme"] == "bearer"
    assert schemes["SessionCookie"] == {**schemes["SessionCookie"], "type": "apiKey", "in": "cookie"}


def test_public_reads_are_marked_as_needing_no_authentication(document):
    security = {(path, method): operation["security"] for path, method, operation in operations(document)}
    public = {key for key, value in security.items() if {} in value}
    assert public == {
        ("/coalitions/{slug}", "get"),
        ("/invitations/{token}", "get"),
        ("/coalitions/{slug}/joining", "get"),
        ("/coalitions/{slug}/meetings/{meeting_id}/public", "get"),
    }
    assert all({"PersonalToken": []} in value for value in security.values())


def test_the_browsable_docs_load(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_operation_ids_are_short_and_unique(document):
    ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert len(ids) == len(set(ids))
    assert {"list_member_groups", "submit_application", "create_token", "preview_invitation"} <= set(ids)
    assert "decide_application" not in ids  # admission is a decision of the coalition now, not a coordinator's
    assert {
        "get_constitution",
        "list_agreements",
        "get_agreement",
        "list_agreement_versions",
        "get_agreement_version",
        "compare_agreement_versions",
        "edit_draft_agreement",
        "add_draft_agreement",
        "set_draft_terms",
        "propose_founding",
        "list_amendments",
        "propose_amendment",
        "get_amendment",
        "rebase_amendment",
        "get_joining",
        "list_sign_ons",
        "sign_on",
        "get_induction",
        "ask_member_to_leave",
        "list_red_lines",
        "state_red_line",
        "change_red_line",
        "withdraw_red_line",
        "confirm_red_lines",
        "list_red_line_flags",
        "flag_red_line",
        "withdraw_red_line_flag",
    } <= set(ids)
