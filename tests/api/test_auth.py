"""Who is calling: bearer tokens (exempt from CSRF), the session cookie (CSRF enforced on writes), anonymous reads;
and the caller's own API tokens."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from accord.accounts.actions import create_api_token
from accord.accounts.models import ApiToken
from accord.coalitions.models import MemberGroup

from .conftest import Api, assert_error, bearer_for, snapshot
from .test_coalitions import iso

CSRF_SECRET = "a" * 32  # any 32 characters from Django's alphabet make a valid CSRF secret


def groups_path(demo) -> str:
    return f"/coalitions/{demo.coalition.slug}/member-groups"


def test_a_bearer_token_authenticates_and_records_its_use(api, demo):
    token, raw = create_api_token(actor=demo.member, name="phone")
    assert token.last_used_at is None

    response = Api(Client(), {"Authorization": f"Bearer {raw}"}).get("/me")

    assert (response.status_code, response.json()["email"]) == (200, "member@demo.example")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_an_unknown_or_revoked_token_is_refused_not_treated_as_anonymous(api, demo):
    token, raw = create_api_token(actor=demo.member, name="phone")
    token.revoked_at = timezone.now()
    token.save()
    for header in (f"Bearer {raw}", "Bearer acc_not-a-token", "Bearer "):
        client = Api(Client(), {"Authorization": header})
        body = assert_error(client.get(f"/coalitions/{demo.coalition.slug}"), 401, "not_signed_in")
        assert body["message"].startswith("This API token is not valid")


def test_anonymous_callers_are_told_how_to_sign_in(api, demo):
    body = assert_error(api(None).get(groups_path(demo)), 401, "not_signed_in")
    assert body["message"] == "Sign in, or send a personal API token as `Authorization: Bearer <token>`."


def test_a_session_reads_without_a_csrf_token(session_api, demo):
    response = session_api(demo.member).get(groups_path(demo))
    assert (response.status_code, response.json()["count"]) == (200, 20)


def test_a_session_write_without_the_csrf_token_is_refused(session_api, demo):
    client = session_api(demo.coordinator)
    before = snapshot()

    body = assert_error(client.post(groups_path(demo), {"name": "Sheffield", "size": 3}), 403, "csrf_failed")

    assert "X-CSRFToken" in body["message"]
    assert snapshot() == before


def test_a_session_write_with_the_csrf_token_works(session_api, demo):
    client = session_api(demo.coordinator)
    client.client.cookies["csrftoken"] = CSRF_SECRET
    client.headers = {"X-CSRFToken": CSRF_SECRET}

    response = client.post(groups_path(demo), {"name": "Sheffield", "size": 3})

    assert response.status_code == 201
    assert MemberGroup.objects.filter(name="Sheffield").exists()


def test_a_bearer_write_needs_no_csrf_token_even_beside_a_session(session_api, demo):
    client = session_api(demo.coordinator)  # a browser-like client that enforces CSRF, signed in by session
    client.headers = bearer_for(demo.coordinator)

    response = client.post(groups_path(demo), {"name": "Sheffield", "size": 3})

    assert response.status_code == 201


def test_an_anonymous_write_is_told_to_sign_in_not_that_csrf_failed(demo):
    client = Api(Client(enforce_csrf_checks=True))
    assert_error(client.post(groups_path(demo), {"name": "Sheffield", "size": 3}), 401, "not_signed_in")


def test_anonymous_reads_are_limited_to_the_public_basics_and_invitation_previews(api, demo):
    anonymous = api(None)
    assert anonymous.get(f"/coalitions/{demo.coalition.slug}").status_code == 200
    for path in (
        "/me",
        "/coalitions",
        "/me/tokens",
        groups_path(demo),
        f"/coalitions/{demo.coalition.slug}/people",
        f"/coalitions/{demo.coalition.slug}/audit-events",
        f"/coalitions/{demo.coalition.slug}/applications",
        f"/coalitions/{demo.coalition.slug}/invitations",
    ):
        assert_error(anonymous.get(path), 401, "not_signed_in")


# --- the caller's API tokens -------------------------------------------------------------------------------


def test_create_list_and_revoke_tokens(api, demo):
    client = api(demo.member)  # holds one token already, named "tests"

    created = client.post("/me/tokens", {"name": "Laptop"})

    assert created.status_code == 201
    token = ApiToken.objects.get(user=demo.member, name="Laptop")
    body = created.json()
    assert body == {
        "id": token.pk,
        "name": "Laptop",
        "hint": token.hint,
        "is_active": True,
        "created_at": iso(token.created_at),
        "last_used_at": None,
        "revoked_at": None,
        "token": body["token"],
    }
    assert body["token"].startswith("acc_") and body["token"][:10] == token.hint
    # The new token works on its own.
    assert Api(Client(), {"Authorization": f"Bearer {body['token']}"}).get("/me").status_code == 200

    listed = client.get("/me/tokens").json()
    assert (listed["count"], [item["name"] for item in listed["items"]]) == (2, ["Laptop", "tests"])
    assert "token" not in listed["items"][0]

    revoked = client.post(f"/me/tokens/{token.pk}/revoke")
    assert (revoked.status_code, revoked.json()["is_active"]) == (200, False)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert_error(Api(Client(), {"Authorization": f"Bearer {body['token']}"}).get("/me"), 401, "not_signed_in")
    assert_error(client.post(f"/me/tokens/{token.pk}/revoke"), 409, "conflict")


def test_a_token_name_too_long(api, demo):
    body = assert_error(api(demo.member).post("/me/tokens", {"name": "x" * 101}), 422, "invalid", field="name")
    assert body["message"] == "Shorten the token's name to 100 characters or fewer."


def test_a_session_creates_a_token(session_api, demo):
    client = session_api(demo.member)
    client.client.cookies["csrftoken"] = CSRF_SECRET
    client.headers = {"X-CSRFToken": CSRF_SECRET}
    assert client.post("/me/tokens", {}).status_code == 201
    assert ApiToken.objects.get(user=demo.member).name.startswith("Token made ")


def test_tokens_used_long_ago_are_touched_again(api, demo):
    token, raw = create_api_token(actor=demo.member, name="phone")
    long_ago = timezone.now() - timedelta(hours=1)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=long_ago)
    Api(Client(), {"Authorization": f"Bearer {raw}"}).get("/me")
    token.refresh_from_db()
    assert token.last_used_at > long_ago
