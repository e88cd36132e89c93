"""The pages decide who may do what only through accord.coalitions.permissions, so they offer exactly what the
actions accept.

Personas (tests/personas.py): the coordinator Amara Okafor; the delegate Priya Shah and Joseph Kamara, both
delegates of Leeds Climate Action; the member Daniel Murphy (Leeds, no other role); Li Wei (Manchester).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import accord.web
from accord.coalitions import queries
from accord.coalitions.models import Affiliation, Invitation, MemberGroup, Person
from accord.coalitions.permissions import may_invite_to, standing_in

from .markup import parse

LEEDS = "Leeds Climate Action"
WEB = Path(accord.web.__file__).parent


def url(demo, path: str = "") -> str:
    return f"/c/{demo.coalition.slug}/{path}"


def _person(demo, name: str) -> Person:
    return {
        "Priya Shah": demo.delegate_person,
        "Daniel Murphy": demo.member_person,
    }.get(name) or Person.objects.get(coalition=demo.coalition, name=name)


def _switch_on_row(client, demo, person: Person) -> str | None:
    """The delegate switch's label on the person's Leeds row (None when there is none), or on their only row."""
    affiliation = Affiliation.objects.filter(
        person=person, ended_at__isnull=True, member_group=demo.delegate_group
    ).first() or Affiliation.objects.get(person=person, ended_at__isnull=True)
    document = parse(client.get(url(demo, f"people/{person.pk}/")).content)
    row = document.find("li", id=f"affiliation-{affiliation.pk}")
    buttons = row.find_all("button", id=f"delegate-switch-{affiliation.pk}")
    return buttons[0].text if buttons else None


@pytest.mark.parametrize(
    ("viewer", "subject", "switch"),
    [
        ("coordinator", "Joseph Kamara", f"End delegate role in {LEEDS}"),
        ("coordinator", "Daniel Murphy", f"Make delegate of {LEEDS}"),
        # A delegate names more delegates and may give up their own role, but not end another delegate's.
        ("delegate", "Joseph Kamara", None),
        ("delegate", "Priya Shah", f"End delegate role in {LEEDS}"),
        ("delegate", "Daniel Murphy", f"Make delegate of {LEEDS}"),
        ("delegate", "Li Wei", None),  # not her group
        ("member", "Priya Shah", None),
        ("member", "Daniel Murphy", None),
    ],
)
def test_the_delegate_switch_is_offered_only_where_the_action_allows_it(
    demo, client_for, viewer, subject, switch
) -> None:
    assert _switch_on_row(client_for(getattr(demo, viewer)), demo, _person(demo, subject)) == switch


def test_a_delegate_is_refused_ending_another_delegates_role_and_nothing_changes(demo, client_for) -> None:
    joseph = Affiliation.objects.get(person__name="Joseph Kamara", member_group=demo.delegate_group)
    response = client_for(demo.delegate).post(url(demo, f"affiliations/{joseph.pk}/delegate/"), {"value": "0"})
    assert response.status_code == 403
    assert (
        parse(response.content)
        .find("p", class_="refusal")
        .text.startswith(f"A delegate can name more delegates of {LEEDS} and give up their own role")
    )
    joseph.refresh_from_db()
    assert joseph.is_delegate


@pytest.mark.parametrize("persona", ["coordinator", "delegate", "member", "outsider"])
def test_the_groups_a_page_offers_for_inviting_are_those_may_invite_to_allows(demo, persona) -> None:
    actor = getattr(demo, persona)
    standing = standing_in(actor, demo.coalition)
    allowed = [
        group.pk
        for group in MemberGroup.objects.filter(coalition=demo.coalition).order_by("name", "pk")
        if group.is_active and may_invite_to(standing, group)
    ]
    assert list(queries.groups_to_invite_to(actor, demo.coalition).values_list("pk", flat=True)) == allowed
    expected = {"coordinator": 20, "delegate": 1, "member": 0, "outsider": 0}[persona]
    assert len(allowed) == expected


def test_the_invitations_nav_link_follows_may_invite_to(demo, client_for) -> None:
    def nav(user) -> list[str]:
        document = parse(client_for(user).get(url(demo)).content)
        return [link.text for link in document.find("nav", class_="coalition-nav").find_all("a")]

    assert "Invitations" in nav(demo.coordinator)
    assert "Invitations" in nav(demo.delegate)
    assert "Invitations" not in nav(demo.member)
    assert "Invitations" not in nav(demo.outsider)


# --- a guardrail: no view or template re-implements a permission rule ------------------------------------------

# Each pattern is a way a permission rule was once written by hand in a view or a template. The predicates in
# accord.coalitions.permissions (and the template filters wrapping them) say it once instead.
AD_HOC_RULES = {
    r"\.delegate_of\b": "who is a delegate of which group: use may_act_for_group, may_invite_to",
    r"\.is_delegate_of\(": "use may_act_for_group (it also checks that the group is still a member)",
    r"can\(\"manage_members\"\)\s+or\b|\bor\s+standing\.can\(\"manage_members\"\)": "a coordinator or someone else: "
    "that is a predicate (may_edit_person, may_end_affiliation, may_invite_to, may_set_delegate...)",
    r"can:\"manage_members\"\s+or\b": "a coordinator or someone else: use the filter wrapping that predicate",
}


def _sources() -> list[Path]:
    return sorted([*(WEB / "views").glob("*.py"), *(WEB / "templates").rglob("*.html")])


@pytest.mark.parametrize("path", _sources(), ids=lambda path: str(path.relative_to(WEB)))
def test_views_and_templates_decide_permissions_only_through_the_predicates(path: Path) -> None:
    text = path.read_text()
    found = [f"{pattern} ({why})" for pattern, why in AD_HOC_RULES.items() if re.search(pattern, text)]
    assert found == [], f"{path.relative_to(WEB)} re-implements a permission rule"


@pytest.mark.parametrize("path", sorted((WEB / "views").glob("*.py")), ids=lambda path: path.name)
def test_views_build_no_queries_of_their_own(path: Path) -> None:
    """Counting, ordering by computed values and the like belong to coalitions.queries (one read path)."""
    builders = r"Count|Sum|Avg|Min|Max|Q|F|ExpressionWrapper|Case|When|Exists|Subquery|OuterRef|Prefetch|Value|Window"
    assert not re.search(rf"from django\.db\.models import [^\n]*\b({builders})\b", path.read_text())


# --- invitation links are the model's ----------------------------------------------------------------------


def test_the_invitations_page_shows_the_link_the_invitation_builds(demo, client_for, monkeypatch) -> None:
    """The page uses `Invitation.link`, the same address the invitation email sends, never its own."""
    monkeypatch.setattr(Invitation, "link", property(lambda invitation: f"https://join.example/i/{invitation.token}"))
    client = client_for(demo.delegate)
    response = client.post(
        url(demo, "invitations/"), {"email": "", "member_group": demo.delegate_group.pk, "valid_days": "14"}
    )
    created = Invitation.objects.filter(created_by=demo.delegate).latest("created_at")
    document = parse(client.get(response["Location"]).content)
    assert document.find("input", id="created-link").attrs["value"] == f"https://join.example/i/{created.token}"
    listed = document.find("input", id=f"link-{created.token}")
    assert listed.attrs["value"] == f"https://join.example/i/{created.token}"
