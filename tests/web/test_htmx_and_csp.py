"""What the browser is told besides the page: htmx refusals as a message, the Content-Security-Policy, and pages
with no inline script or style for that policy to block. The same in a real browser: test_browser_security.py.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from accord.coalitions import actions
from accord.coalitions.models import Affiliation, Invitation
from accord.web.middleware import CONTENT_SECURITY_POLICY
from tests.web_membership.conftest import snapshot

from .markup import parse

HTMX = {"HX-Request": "true"}


def url(demo, path: str = "") -> str:
    return f"/c/{demo.coalition.slug}/{path}"


# --- htmx: a refusal is a message in #messages, with its status ----------------------------------------------


def assert_htmx_refusal(response, status: int, message: str) -> None:
    assert response.status_code == status
    assert response["HX-Retarget"] == "#messages"
    assert response["HX-Reswap"] == "innerHTML"
    assert b"<html" not in response.content
    assert parse(response.content).find("p", class_="message message--error").text == message


def test_an_htmx_delegate_switch_refused_tells_why_in_the_messages(demo, client_for) -> None:
    affiliation = Affiliation.objects.get(person=demo.member_person)
    before = snapshot()
    response = client_for(demo.member).post(
        url(demo, f"affiliations/{affiliation.pk}/delegate/"), {"value": "1"}, headers=HTMX
    )
    assert_htmx_refusal(response, 403, "Only a coordinator or a delegate of Leeds Climate Action can do this.")
    assert snapshot() == before


def test_an_htmx_switch_after_losing_the_coordinator_role_tells_why(demo, client_for) -> None:
    """The page was loaded as a coordinator; meanwhile (another tab, another coordinator) the role ended."""
    client = client_for(demo.coordinator)
    affiliation = Affiliation.objects.get(person=demo.member_person)
    assert client.get(url(demo, f"people/{demo.member_person.pk}/")).status_code == 200
    actions.set_coordinator(actor=demo.second_coordinator, person=demo.coordinator_person, is_coordinator=False)
    before = snapshot()
    response = client.post(url(demo, f"affiliations/{affiliation.pk}/delegate/"), {"value": "1"}, headers=HTMX)
    assert_htmx_refusal(response, 403, "Only a coordinator or a delegate of Leeds Climate Action can do this.")
    assert snapshot() == before


def test_an_htmx_switch_on_a_membership_that_is_gone_says_so(demo, client_for) -> None:
    affiliation = Affiliation.objects.get(person=demo.member_person)
    response = client_for(demo.coordinator).post(
        url(demo, f"affiliations/{affiliation.pk + 10_000}/delegate/"), {"value": "1"}, headers=HTMX
    )
    assert_htmx_refusal(response, 404, "There is no such group membership in this coalition.")


def test_an_htmx_request_refused_by_django_itself_is_told_too(demo) -> None:
    """A stale CSRF token (signed in again in another tab) is refused before any view: still a message."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.coordinator)
    affiliation = Affiliation.objects.get(person=demo.member_person)
    response = client.post(url(demo, f"affiliations/{affiliation.pk}/delegate/"), {"value": "1"}, headers=HTMX)
    assert_htmx_refusal(response, 403, "This was refused. Reload the page and try again.")
    affiliation.refresh_from_db()
    assert not affiliation.is_delegate


def test_an_htmx_request_that_is_not_signed_in_goes_to_the_sign_in_page(demo) -> None:
    affiliation = Affiliation.objects.get(person=demo.member_person)
    response = Client().post(url(demo, f"affiliations/{affiliation.pk}/delegate/"), {"value": "1"}, headers=HTMX)
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/accounts/login/?next=")


def test_without_htmx_a_refusal_is_still_a_page(demo, client_for) -> None:
    affiliation = Affiliation.objects.get(person=demo.member_person)
    response = client_for(demo.member).post(url(demo, f"affiliations/{affiliation.pk}/delegate/"), {"value": "1"})
    assert response.status_code == 403
    assert not response.has_header("HX-Retarget")
    assert parse(response.content).find("h1").text == "You can’t do this here"


def test_htmx_is_configured_to_swap_refusals_and_to_inject_no_style(demo, client_for) -> None:
    document = parse(client_for(demo.coordinator).get(url(demo)).content)
    config = json.loads(document.find("meta", name="htmx-config").attrs["content"])
    assert config["includeIndicatorStyles"] is False
    handling = config["responseHandling"]

    def swaps(status: int) -> bool:  # as htmx 2 reads it: the first entry whose pattern matches
        return next(entry for entry in handling if re.search(entry["code"], str(status)))["swap"]

    assert [swaps(status) for status in (200, 204, 302, 403, 404, 409, 422, 500)] == [
        True, False, True, True, True, True, True, False,
    ]  # fmt: skip


# --- the Content-Security-Policy ---------------------------------------------------------------------------


def test_pages_carry_the_content_security_policy(demo, client_for) -> None:
    assert CONTENT_SECURITY_POLICY == (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )
    for client, path in [
        (Client(), "/"),
        (Client(), "/accounts/login/"),
        (Client(), url(demo, "join/")),
        (client_for(demo.coordinator), url(demo)),
        (client_for(demo.coordinator), url(demo, "invitations/")),
        (client_for(demo.member), url(demo, "settings/")),  # a refusal (403) too
        (Client(), "/no-such-page/"),  # and Django's 404
    ]:
        response = client.get(path)
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path


def test_the_api_and_the_admin_are_left_to_their_own_pages(db) -> None:
    """Swagger UI at /api/v1/docs loads from a CDN; Django 5.2's admin still has inline styles."""
    docs = Client().get("/api/v1/docs")
    assert docs.status_code == 200
    assert not docs.has_header("Content-Security-Policy")
    assert not Client().get("/api/v1/openapi.json").has_header("Content-Security-Policy")
    admin = Client().get("/admin/login/")
    assert admin.status_code == 200
    assert not admin.has_header("Content-Security-Policy")


def test_a_server_error_page_keeps_its_own_inline_style() -> None:
    """500.html stands alone (it loads nothing, in case static files are what broke), so it is left unrestricted;
    it shows no one's data."""
    from django.http import HttpResponse, HttpResponseServerError
    from django.test import RequestFactory

    from accord.web.middleware import ContentSecurityPolicyMiddleware

    request = RequestFactory().get("/c/somewhere/")
    assert not ContentSecurityPolicyMiddleware(lambda _: HttpResponseServerError("x"))(request).has_header(
        "Content-Security-Policy"
    )
    assert ContentSecurityPolicyMiddleware(lambda _: HttpResponse("x"))(request)["Content-Security-Policy"] == (
        CONTENT_SECURITY_POLICY
    )


def _pages(demo) -> list[tuple[str, str]]:
    slug = demo.coalition.slug
    group, person = demo.delegate_group.pk, demo.member_person.pk
    affiliation = Affiliation.objects.get(person=demo.delegate_person, ended_at__isnull=True).pk
    invitation = Invitation.objects.get(person=demo.unclaimed_person)
    return [
        (persona, path)
        for persona, paths in {
            "coordinator": [
                "/",
                "/c/new/",
                "/account/tokens/",
                f"/c/{slug}/",
                f"/c/{slug}/settings/",
                f"/c/{slug}/groups/",
                f"/c/{slug}/groups/new/",
                f"/c/{slug}/groups/{group}/",
                f"/c/{slug}/groups/{group}/edit/",
                f"/c/{slug}/people/",
                f"/c/{slug}/people/new/",
                f"/c/{slug}/people/{person}/",
                f"/c/{slug}/people/{person}/edit/",
                f"/c/{slug}/applications/",
                f"/c/{slug}/applications/{demo.pending_group_application.pk}/",
                f"/c/{slug}/invitations/",
                f"/c/{slug}/invitations/{invitation.pk}/revoke/",
                f"/c/{slug}/audit/",
                f"/invite/{invitation.token}/",
            ],
            "delegate": [
                f"/c/{slug}/leave/",
                f"/c/{slug}/groups/{group}/leave/",
                f"/c/{slug}/affiliations/{affiliation}/end/",
                f"/c/{slug}/invitations/",
            ],
            "outsider": [f"/c/{slug}/join/"],
            "anonymous": ["/", f"/c/{slug}/", f"/c/{slug}/join/", "/accounts/login/", "/accounts/signup/"],
        }.items()
        for path in paths
    ]


def test_no_page_has_an_inline_script_or_style(demo, client_for) -> None:
    """The policy allows only the site's own files: a <script> without src, a <style> or a style="" attribute
    would be blocked (and an on…="" handler too)."""
    for persona, path in _pages(demo):
        client = client_for(None if persona == "anonymous" else getattr(demo, persona))
        response = client.get(path)
        assert response.status_code == 200, (persona, path)
        document = parse(response.content)
        scripts = document.find_all("script")
        assert scripts and all("src" in script.attrs for script in scripts), (persona, path)
        assert document.find_all("style") == [], (persona, path)
        inline = [
            (element.tag, name)
            for element in document.iter()
            for name in element.attrs
            if name == "style" or name.startswith("on")
        ]
        assert inline == [], (persona, path, inline)


def test_the_join_form_with_errors_has_no_inline_script_either(demo, client_for) -> None:
    response = client_for(demo.outsider).post(url(demo, "join/"), {"kind": "individual"})
    assert response.status_code == 422
    assert all("src" in script.attrs for script in parse(response.content).find_all("script"))


# --- the error summary: one partial, focused when the page loads -------------------------------------------


@pytest.mark.parametrize(
    ("persona", "path", "data"),
    [
        ("outsider", "join/", {"kind": "individual"}),  # the join form lays its fields out itself
        ("coordinator", "groups/new/", {"name": "", "size": "twelve"}),  # web/partials/form.html
    ],
)
def test_a_form_with_errors_starts_with_one_focused_summary(demo, client_for, persona, path, data) -> None:
    response = client_for(getattr(demo, persona)).post(url(demo, path), data)
    assert response.status_code == 422
    summaries = parse(response.content).find_all("div", class_="error-summary")
    assert len(summaries) == 1
    summary = summaries[0]
    assert summary.attrs["role"] == "alert" and summary.attrs["tabindex"] == "-1" and "autofocus" in summary.attrs
    assert summary.find("h2").text == "There is a problem"
    assert summary.find_all("a"), "each error links to its field"


# --- API tokens: never cached ------------------------------------------------------------------------------


def test_the_token_pages_are_never_cached(demo, client_for) -> None:
    from accord.accounts.actions import create_api_token

    client = client_for(demo.member)
    token, _ = create_api_token(actor=demo.member, name="Sync")
    for response in (
        client.get("/account/tokens/"),
        client.post("/account/tokens/", {"name": "Another"}),
        client.get(f"/account/tokens/{token.pk}/revoke/"),
    ):
        assert response.status_code in {200, 201}
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"no-cache", "no-store", "must-revalidate", "private", "max-age=0"} <= cache_control
