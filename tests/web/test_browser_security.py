"""In a real browser (Chromium through Playwright): the pages run under their Content-Security-Policy without a
single violation and still work (htmx, the copy buttons, the join form); a refused htmx action says why; a form
with errors moves the focus to its summary.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from accord.coalitions import actions
from accord.coalitions.models import Affiliation
from accord.web.middleware import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.browser

# Every violation is reported to the page as a `securitypolicyviolation` event (collected here before any script
# of the page runs) and by Chromium on the console ("Refused to … because it violates the following Content
# Security Policy directive …").
COLLECT_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
def csp_errors(page: Page) -> Iterator[list[str]]:
    """Console errors that mention the Content Security Policy, for the whole test."""
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.add_init_script(COLLECT_VIOLATIONS)
    yield found


def violations(page: Page) -> list[str]:
    return list(page.evaluate("window.__violations"))


def visit(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.ok, path
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
    page.wait_for_load_state("networkidle")


def test_the_pages_run_under_their_policy_without_a_violation(page: Page, demo, sign_in, csp_errors) -> None:
    slug = demo.coalition.slug
    sign_in(demo.coordinator)

    visit(page, f"/c/{slug}/")  # the coalition home
    assert violations(page) == []

    visit(page, f"/c/{slug}/groups/new/")  # a form, sent with errors: the summary, the invalid fields
    page.get_by_role("button", name="Add the member group").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the group's name.")
    assert violations(page) == []

    visit(page, f"/c/{slug}/groups/")  # htmx at work: the search swaps the results in
    page.get_by_label("Search member groups by name").press_sequentially("leeds", delay=20)
    expect(page.locator("#results-status")).to_have_text("1 member group matching “leeds”.")
    assert violations(page) == []

    visit(page, f"/c/{slug}/invitations/")  # the copy buttons, shown by web/accord.js
    page.get_by_role("button", name="Make the invitation link").click()
    expect(page.get_by_role("button", name="Copy link").first).to_be_visible()
    assert violations(page) == []

    sign_in(demo.outsider)
    visit(page, f"/c/{slug}/join/")  # the join form: its group fields hide for individuals (web/accord.js)
    expect(page.locator("#group-section")).to_be_visible()
    page.get_by_role("radio", name=re.compile("As an individual member")).check()
    expect(page.locator("#group-section")).to_be_hidden()
    assert violations(page) == []

    assert csp_errors == []


def test_the_violation_check_would_see_an_inline_style(page: Page, demo, csp_errors) -> None:
    """The check above is not blind: an inline style added to a page is blocked and reported both ways."""
    visit(page, f"/c/{demo.coalition.slug}/")
    page.evaluate("document.head.insertAdjacentHTML('beforeend', '<style>body { color: red }</style>')")
    page.wait_for_function("window.__violations.length > 0")
    assert violations(page) == ["style-src-elem inline"]
    page.wait_for_timeout(100)
    assert len(csp_errors) == 1 and "style-src 'self'" in csp_errors[0]


def test_a_delegate_switch_refused_after_losing_the_role_says_why(page: Page, demo, sign_in) -> None:
    """The coordinator opens a person's page; meanwhile (another tab, another coordinator) their coordinator role
    ends. The switch they then press is refused (403), and the page says why instead of doing nothing."""
    sign_in(demo.coordinator)
    person = demo.member_person
    affiliation = Affiliation.objects.get(person=person, ended_at__isnull=True)
    page.goto(f"/c/{demo.coalition.slug}/people/{person.pk}/")
    page.evaluate("window.notReloaded = true")
    actions.set_coordinator(actor=demo.second_coordinator, person=demo.coordinator_person, is_coordinator=False)

    page.locator(f"#delegate-switch-{affiliation.pk}").click()

    expect(page.locator("#messages")).to_have_text(
        "Only a coordinator or a delegate of Leeds Climate Action can do this."
    )
    expect(page.locator("#messages .message--error")).to_have_count(1)
    expect(page.locator(f"#affiliation-{affiliation.pk}")).to_contain_text("Make delegate")  # the row as it was
    assert page.evaluate("window.notReloaded") is True
    affiliation.refresh_from_db()
    assert affiliation.is_delegate is False


def test_a_form_with_errors_moves_the_focus_to_its_summary(page: Page, demo, sign_in) -> None:
    sign_in(demo.outsider)
    page.goto(f"/c/{demo.coalition.slug}/join/")
    page.get_by_role("button", name="Send my application").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Choose whether you apply as a member group or as an individual.")
    expect(summary).to_be_focused()


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        ("server error", "Something went wrong on the server, so this was not done. Try again in a minute."),
        ("no connection", "Accord could not be reached, so this was not done. Check your connection and try again."),
    ],
)
def test_an_htmx_action_that_fails_without_an_answer_says_so(page: Page, demo, sign_in, failure, message) -> None:
    sign_in(demo.coordinator)
    affiliation = Affiliation.objects.get(person=demo.member_person, ended_at__isnull=True)
    page.goto(f"/c/{demo.coalition.slug}/people/{demo.member_person.pk}/")
    page.route(
        "**/delegate/",
        lambda route: (
            route.fulfill(status=500, body="<h1>Server Error (500)</h1>")
            if failure == "server error"
            else route.abort()
        ),
    )
    page.locator(f"#delegate-switch-{affiliation.pk}").click()
    expect(page.locator("#messages")).to_have_text(message)
    expect(page.locator(f"#affiliation-{affiliation.pk}")).to_contain_text("Make delegate")  # not replaced
