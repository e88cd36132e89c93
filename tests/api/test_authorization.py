"""An authorization test for every protected write: anonymous, outsider, member and other roles are refused with
the right status and error shape, and nothing changes; the right role succeeds, and something does.

Each case names the request, the persona allowed to make it, and what each other persona gets instead. A last
test checks that the table covers every write endpoint in the OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from accord.accounts.actions import create_api_token
from accord.coalitions import actions
from accord.coalitions.models import Affiliation, Person
from accord.demo import Demo

from .conftest import assert_error, snapshot

UNAUTHENTICATED = (401, "not_signed_in")
FORBIDDEN = (403, "not_allowed")
HIDDEN = (404, "not_found")
ALREADY_A_MEMBER = (409, "conflict", "kind")


def persona(demo: Demo, name: str) -> Any:
    if name == "anonymous":
        return None
    if name == "applicant":
        return demo.pending_individual_application.applicant
    if name == "other_delegate":  # a delegate of Manchester Climate Network, not of Leeds
        return Person.objects.get(coalition=demo.coalition, name="Chloe Thompson").user
    return getattr(demo, name)


def slug(demo: Demo) -> str:
    return f"/coalitions/{demo.coalition.slug}"


def member_affiliation(demo: Demo) -> Affiliation:
    return Affiliation.objects.get(person=demo.member_person, member_group=demo.delegate_group)


def second_affiliation(demo: Demo) -> Affiliation:
    """The member also joins Manchester, so that leaving it is not their only membership."""
    return actions.add_affiliation(actor=demo.coordinator, person=demo.member_person, member_group=demo.big_group)


def three_answers(demo: Demo) -> list[str]:
    return [f"Answer {number}" for number, _ in enumerate(demo.coalition.question_list, start=1)]


@dataclass
class Case:
    name: str
    route: str  # as in the OpenAPI document: "PATCH /coalitions/{slug}"
    # (demo, what `prepare` returned) -> path, body
    request: Callable[[Demo, Any], tuple[str, Any]]
    allowed: str
    refused: dict[str, tuple[int, str]]
    prepare: Callable[[Demo], Any] = field(default=lambda demo: None)

    @property
    def method(self) -> str:
        return self.route.split()[0]


CASES = [
    Case(
        "create_coalition",
        "POST /coalitions",
        lambda demo, _: ("/coalitions", {"name": "Tenants Together", "purpose": "Fair rents"}),
        allowed="outsider",
        refused={"anonymous": UNAUTHENTICATED},
    ),
    Case(
        "update_coalition",
        "PATCH /coalitions/{slug}",
        lambda demo, _: (slug(demo), {"name": "Renamed"}),
        allowed="coordinator",
        refused={"anonymous": UNAUTHENTICATED, "outsider": FORBIDDEN, "member": FORBIDDEN, "delegate": FORBIDDEN},
    ),
    Case(
        "add_member_group",
        "POST /coalitions/{slug}/member-groups",
        lambda demo, _: (f"{slug(demo)}/member-groups", {"name": "Sheffield Tree Action", "size": 30}),
        allowed="coordinator",
        refused={"anonymous": UNAUTHENTICATED, "outsider": FORBIDDEN, "member": FORBIDDEN, "delegate": FORBIDDEN},
    ),
    Case(
        "update_member_group",
        "PATCH /coalitions/{slug}/member-groups/{group_id}",
        lambda demo, _: (f"{slug(demo)}/member-groups/{demo.delegate_group.pk}", {"size": 99}),
        allowed="delegate",
        refused={
            "anonymous": UNAUTHENTICATED,
            "outsider": FORBIDDEN,
            "member": FORBIDDEN,
            "other_delegate": FORBIDDEN,
        },
    ),
    Case(
        "withdraw_member_group",
        "POST /coalitions/{slug}/member-groups/{group_id}/leave",
        lambda demo, _: (f"{slug(demo)}/member-groups/{demo.delegate_group.pk}/leave", {"reason": "Done"}),
        allowed="delegate",
        refused={
            "anonymous": UNAUTHENTICATED,
            "outsider": FORBIDDEN,
            "member": FORBIDDEN,
            "coordinator": FORBIDDEN,
            "other_delegate": FORBIDDEN,
        },
    ),
    Case(
        "record_person",
        "POST /coalitions/{slug}/people",
        lambda demo, _: (f"{slug(demo)}/people", {"name": "Nia Jones", "is_individual_member": True}),
        allowed="coordinator",
        refused={"anonymous": UNAUTHENTICATED, "outsider": FORBIDDEN, "member": FORBIDDEN, "delegate": FORBIDDEN},
    ),
    Case(
        "update_person",
        "PATCH /coalitions/{slug}/people/{person_id}",
        lambda demo, _: (f"{slug(demo)}/people/{demo.member_person.pk}", {"name": "Dan Murphy"}),
        allowed="member",
        refused={"anonymous": UNAUTHENTICATED, "outsider": FORBIDDEN, "delegate": FORBIDDEN},
    ),
    Case(
        "set_coordinator",
        "PUT /coalitions/{slug}/people/{person_id}/coordinator",
        lambda demo, _: (f"{slug(demo)}/people/{demo.member_person.pk}/coordinator", {"is_coordinator": True}),
        allowed="coordinator",
        refused={"anonymous": UNAUTHENTICATED, "outsider": FORBIDDEN, "member": FORBIDDEN, "delegate": FORBIDDEN},
    ),
    Case(
        "add_affiliation",
        "POST /coalitions/{slug}/people/{person_id}/affiliations",
        lambda demo, _: (
            f"{slug(demo)}/people/{demo.member_person.pk}/affiliations",
            {"member_group": demo.big_group.pk},
        ),
        allowed="coordinator",
        # The delegate of Leeds may not add people to Manchester.
        refused={"anonymous": UNAUTHENTICATED, "outsider": FORBIDDEN, "member": FORBIDDEN, "delegate": FORBIDDEN},
    ),
    Case(
        "set_delegate",
        "PATCH /coalitions/{slug}/affiliations/{affiliation_id}",
        lambda demo, _: (f"{slug(demo)}/affiliations/{member_affiliation(demo).pk}", {"is_delegate": True}),
        allowed="delegate",
        refused={
            "anonymous": UNAUTHENTICATED,
            "outsider": FORBIDDEN,
            "member": FORBIDDEN,
            "other_delegate": FORBIDDEN,
        },
    ),
    Case(
        "end_affiliation",
        "POST /coalitions/{slug}/affiliations/{affiliation_id}/end",
        lambda demo, affiliation: (f"{slug(demo)}/affiliations/{affiliation.pk}/end", {"reason": "Too far"}),
        allowed="member",
        # The delegate of Leeds is not a delegate of Manchester, which this membership is of.
        refused={"anonymous": UNAUTHENTICATED, "outsider": FORBIDDEN, "delegate": FORBIDDEN},
        prepare=second_affiliation,
    ),
    Case(
        "leave_coalition",
        "POST /coalitions/{slug}/leave",
        lambda demo, _: (f"{slug(demo)}/leave", {"reason": "Moving away"}),
        allowed="member",
        refused={"anonymous": UNAUTHENTICATED, "outsider": FORBIDDEN},
    ),
    Case(
        "create_invitation_for_an_individual",
        "POST /coalitions/{slug}/invitations",
        lambda demo, _: (f"{slug(demo)}/invitations", {"email": "new@example.org"}),
        allowed="coordinator",
        refused={"anonymous": UNAUTHENTICATED, "outsider": FORBIDDEN, "member": FORBIDDEN, "delegate": FORBIDDEN},
    ),
    Case(
        "create_invitation_to_a_group",
        "POST /coalitions/{slug}/invitations",
        lambda demo, _: (f"{slug(demo)}/invitations", {"member_group": demo.delegate_group.pk}),
        allowed="delegate",
        refused={
            "anonymous": UNAUTHENTICATED,
            "outsider": FORBIDDEN,
            "member": FORBIDDEN,
            "other_delegate": FORBIDDEN,
        },
    ),
    Case(
        "revoke_invitation",
        "POST /coalitions/{slug}/invitations/{invitation_id}/revoke",
        lambda demo, invitation: (f"{slug(demo)}/invitations/{invitation.pk}/revoke", None),
        allowed="coordinator",
        # Members other than its maker are not shown the invitation at all.
        refused={"anonymous": UNAUTHENTICATED, "outsider": FORBIDDEN, "member": HIDDEN, "delegate": HIDDEN},
        prepare=lambda demo: actions.create_invitation(actor=demo.second_coordinator, coalition=demo.coalition),
    ),
    Case(
        "accept_invitation",
        "POST /invitations/{token}/accept",
        lambda demo, invitation: (f"/invitations/{invitation.token}/accept", None),
        allowed="outsider",
        refused={"anonymous": UNAUTHENTICATED},
        prepare=lambda demo: actions.create_invitation(actor=demo.coordinator, coalition=demo.coalition),
    ),
    Case(
        "submit_application",
        "POST /coalitions/{slug}/applications",
        lambda demo, _: (f"{slug(demo)}/applications", {"kind": "individual", "answers": three_answers(demo)}),
        allowed="outsider",
        refused={"anonymous": UNAUTHENTICATED, "member": ALREADY_A_MEMBER},
    ),
    Case(
        "decide_application",
        "POST /coalitions/{slug}/applications/{application_id}/decision",
        lambda demo, _: (
            f"{slug(demo)}/applications/{demo.pending_individual_application.pk}/decision",
            {"admit": True},
        ),
        allowed="coordinator",
        # Only coordinators see others' applications; the applicant sees theirs but may not decide it.
        refused={
            "anonymous": UNAUTHENTICATED,
            "outsider": HIDDEN,
            "member": HIDDEN,
            "delegate": HIDDEN,
            "applicant": FORBIDDEN,
        },
    ),
    Case(
        "withdraw_application",
        "POST /coalitions/{slug}/applications/{application_id}/withdraw",
        lambda demo, _: (f"{slug(demo)}/applications/{demo.pending_individual_application.pk}/withdraw", None),
        allowed="applicant",
        refused={"anonymous": UNAUTHENTICATED, "outsider": HIDDEN, "coordinator": FORBIDDEN},
    ),
    Case(
        "create_api_token",
        "POST /me/tokens",
        lambda demo, _: ("/me/tokens", {"name": "laptop"}),
        allowed="outsider",
        refused={"anonymous": UNAUTHENTICATED},
    ),
    Case(
        "revoke_api_token",
        "POST /me/tokens/{token_id}/revoke",
        lambda demo, token: (f"/me/tokens/{token.pk}/revoke", None),
        allowed="member",
        refused={"anonymous": UNAUTHENTICATED, "outsider": HIDDEN, "coordinator": HIDDEN},
        prepare=lambda demo: create_api_token(actor=demo.member, name="laptop")[0],
    ),
]


@pytest.mark.parametrize("case", [pytest.param(case, id=case.name) for case in CASES])
def test_only_the_right_role_may(api, demo, case: Case):
    """Each refusal in turn, on one demo (a refusal changes nothing, which is asserted), then the allowed call."""
    prepared = case.prepare(demo)
    path, body = case.request(demo, prepared)
    callers = {who: api(persona(demo, who)) for who in [*case.refused, case.allowed]}  # tokens made up front
    before = snapshot()

    for who, expected in case.refused.items():
        response = callers[who].send(case.method, path, body)
        assert response.status_code == expected[0], f"{case.name} as {who}: {response.content!r}"
        assert_error(response, *expected)
        assert snapshot() == before, f"{case.name} as {who} changed something although refused"

    response = callers[case.allowed].send(case.method, path, body)

    assert response.status_code in (200, 201), f"{case.name} as {case.allowed}: {response.content!r}"
    assert snapshot() != before


def test_every_write_endpoint_has_an_authorization_case():
    from accord.api.root import api

    writes = {
        f"{method.upper()} {path.removeprefix('/api/v1')}"
        for path, operations in api.get_openapi_schema()["paths"].items()
        for method in operations
        if method != "get"
    }
    assert {case.route for case in CASES} == writes
