"""One coalition's pages never reach another's rows: every page and form under the demo coalition's address,
given the id of a group, person, group membership, invitation or application of ANOTHER coalition, answers 404
and changes nothing, even for the demo's coordinator (who may do everything in their own coalition).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from accord.accounts.actions import create_user
from accord.agreements.models import RedLine
from accord.coalitions import actions
from accord.coalitions.models import Affiliation, Application, Coalition, Invitation, MemberGroup, Person
from tests.web_membership.conftest import snapshot

from .markup import parse


@dataclass
class Elsewhere:
    """Rows of a second coalition, made through the actions like any other."""

    coalition: Coalition
    group: MemberGroup
    person: Person
    affiliation: Affiliation
    invitation: Invitation
    application: Application
    red_line: RedLine


@pytest.fixture
def elsewhere(demo) -> Elsewhere:
    founder = create_user(email="founder@valley.example", name="Olu Adeyemi", password=None)
    coalition = actions.create_coalition(actor=founder, name="Valley Water Alliance", purpose="Clean rivers.")
    group = actions.add_member_group(actor=founder, coalition=coalition, name="Valley Anglers", size=12)
    person = actions.record_person(
        actor=founder, coalition=coalition, name="Vera Lind", member_groups=[group], delegate_of=[group]
    )
    invitation = actions.create_invitation(actor=founder, coalition=coalition, member_group=group)
    applicant = create_user(email="applicant@valley.example", name="Ada Brook", password=None)
    application = actions.submit_application(actor=applicant, coalition=coalition, kind="individual")
    return Elsewhere(
        coalition=coalition,
        group=group,
        person=person,
        affiliation=Affiliation.objects.get(person=person),
        invitation=invitation,
        application=application,
        red_line=RedLine.objects.create(coalition=coalition, member_group=group, text="No fossil money."),
    )


# (method, path under /c/<demo>/, form data); {group} {person} {affiliation} {invitation} {application} are the
# other coalition's ids.
ROUTES = [
    ("get", "groups/{group}/", None),
    ("get", "groups/{group}/edit/", None),
    ("post", "groups/{group}/edit/", {"name": "Renamed", "size": "3"}),
    ("get", "groups/{group}/leave/", None),
    ("post", "groups/{group}/leave/", {"reason": "Gone"}),
    ("get", "people/{person}/", None),
    ("get", "people/{person}/edit/", None),
    ("post", "people/{person}/edit/", {"name": "Renamed", "email": ""}),
    ("post", "people/{person}/coordinator/", {"value": "1"}),
    ("post", "people/{person}/groups/", {"add-member_group": "{demo_group}"}),
    ("post", "affiliations/{affiliation}/delegate/", {"value": "0"}),
    ("get", "affiliations/{affiliation}/end/", None),
    ("post", "affiliations/{affiliation}/end/", {"reason": "Gone"}),
    ("get", "applications/{application}/", None),
    ("post", "applications/{application}/withdraw/", {}),
    ("get", "red-lines/{red_line}/edit/", None),
    ("post", "red-lines/{red_line}/edit/", {"text": "Changed"}),
    ("post", "red-lines/{red_line}/withdraw/", {}),
    ("post", "groups/{group}/red-lines/confirm/", {}),
    ("get", "invitations/{invitation}/revoke/", None),
    ("post", "invitations/{invitation}/revoke/", {}),
    ("get", "invitations/?person={person}", None),
    ("get", "invitations/?created={invitation}", None),
    ("post", "invitations/", {"email": "", "member_group": "{group}", "valid_days": "14"}),
    ("post", "invitations/", {"email": "", "person": "{person}", "valid_days": "14"}),
]


def _fill(text: str, demo, elsewhere: Elsewhere) -> str:
    return text.format(
        group=elsewhere.group.pk,
        person=elsewhere.person.pk,
        affiliation=elsewhere.affiliation.pk,
        invitation=elsewhere.invitation.pk,
        application=elsewhere.application.pk,
        red_line=elsewhere.red_line.pk,
        demo_group=demo.big_group.pk,
    )


@pytest.mark.parametrize(("method", "path", "data"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_another_coalitions_ids_are_not_found_under_this_coalitions_address(
    demo, elsewhere, client_for, method, path, data
) -> None:
    address = f"/c/{demo.coalition.slug}/{_fill(path, demo, elsewhere)}"
    before = snapshot()
    client = client_for(demo.coordinator)
    if method == "get":
        response = client.get(address)
    else:
        response = client.post(address, {key: _fill(value, demo, elsewhere) for key, value in data.items()})
    assert response.status_code == 404, (address, response.status_code)
    refusal = parse(response.content).find("p", class_="refusal").text
    assert refusal.startswith("There is no such"), refusal
    assert snapshot() == before


@pytest.mark.parametrize("field", ["member_groups", "delegate_of"])
def test_another_coalitions_group_is_no_choice_when_recording_a_person(demo, elsewhere, client_for, field) -> None:
    before = snapshot()
    response = client_for(demo.coordinator).post(
        f"/c/{demo.coalition.slug}/people/new/", {"name": "Rhea Quinn", field: str(elsewhere.group.pk)}
    )
    assert response.status_code == 422
    assert parse(response.content).find(id=f"id_{field}_error").text == "Error: Choose only member groups in the list."
    assert snapshot() == before


def test_another_coalitions_group_is_no_choice_when_adding_someone_to_a_group(demo, elsewhere, client_for) -> None:
    before = snapshot()
    response = client_for(demo.coordinator).post(
        f"/c/{demo.coalition.slug}/people/{demo.member_person.pk}/groups/", {"add-member_group": elsewhere.group.pk}
    )
    assert response.status_code == 422
    assert parse(response.content).find(id="id_add-member_group_error").text == (
        "Error: Choose one of the member groups in the list."
    )
    assert snapshot() == before


def test_another_coalitions_group_is_not_ticked_when_named_in_the_address(demo, elsewhere, client_for) -> None:
    response = client_for(demo.coordinator).get(
        f"/c/{demo.coalition.slug}/people/new/?member_group={elsewhere.group.pk}"
    )
    assert response.status_code == 200
    document = parse(response.content)
    assert [box for box in document.find_all("input", type="checkbox") if "checked" in box.attrs] == []
    assert "Valley Anglers" not in document.find("main").text


def test_the_other_coalitions_rows_are_still_reachable_under_its_own_address(demo, elsewhere, client_for) -> None:
    """The 404s above come from the address, not from rows that do not exist."""
    client = client_for(elsewhere.coalition.created_by)
    slug = elsewhere.coalition.slug
    for path in (
        f"groups/{elsewhere.group.pk}/",
        f"people/{elsewhere.person.pk}/",
        f"affiliations/{elsewhere.affiliation.pk}/end/",
        f"applications/{elsewhere.application.pk}/",
        f"invitations/{elsewhere.invitation.pk}/revoke/",
    ):
        assert client.get(f"/c/{slug}/{path}").status_code == 200, path
