"""An authorization test for every endpoint.

Writes: anonymous, outsider, member and other roles are refused with the right status and error shape, and
nothing changes (whole rows compared); then the right role succeeds, and `expect` asserts exactly what it did.
Reads: every GET endpoint as anonymous, outsider, member, delegate and coordinator, with the status each gets and
what each sees; an outsider's lists hold nothing of the coalition's, and no read changes anything.

Guards check that the tables cover every write and every read endpoint in the OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from accord.accounts.actions import create_api_token
from accord.accounts.models import ApiToken, hash_token
from accord.coalitions import actions
from accord.coalitions.models import (
    Affiliation,
    Application,
    AuditEvent,
    Coalition,
    Invitation,
    MemberGroup,
    Person,
)
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
    if name == "group_applicant":
        return demo.pending_group_application.applicant
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


def last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-pk").first()


def refreshed(row: Any) -> Any:
    row.refresh_from_db()
    return row


# --- writes --------------------------------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    route: str  # as in the OpenAPI document: "PATCH /coalitions/{slug}"
    # (demo, what `prepare` returned) -> path, body
    request: Callable[[Demo, Any], tuple[str, Any]]
    allowed: str
    refused: dict[str, tuple[int, str]]
    # (demo, what `prepare` returned, the allowed call's JSON answer): asserts exactly what the call did
    expect: Callable[[Demo, Any, dict[str, Any]], None]
    prepare: Callable[[Demo], Any] = field(default=lambda demo: None)
    status: int = 200

    @property
    def method(self) -> str:
        return self.route.split()[0]


def founded(demo: Demo, _: Any, body: dict[str, Any]) -> None:
    coalition = Coalition.objects.get(pk=body["id"])
    assert (coalition.name, coalition.slug, coalition.purpose) == ("Tenants Together", "tenants-together", "Fair rents")
    founder = Person.objects.get(coalition=coalition)
    assert (founder.user, founder.is_coordinator, founder.is_individual_member) == (demo.outsider, True, True)


def renamed(demo: Demo, _: Any, body: dict[str, Any]) -> None:
    coalition = refreshed(demo.coalition)
    assert (coalition.name, coalition.slug, body["name"]) == ("Renamed", "northern-climate-action-network", "Renamed")
    assert (last_event().verb, last_event().data) == ("coalition.updated", {"changed": ["name"]})


def group_added(demo: Demo, _: Any, body: dict[str, Any]) -> None:
    group = MemberGroup.objects.get(coalition=demo.coalition, name="Sheffield Tree Action")
    assert (body["id"], group.size, group.is_active) == (group.pk, 30, True)
    assert not group.affiliations.exists()


def group_resized(demo: Demo, _: Any, body: dict[str, Any]) -> None:
    group = refreshed(demo.delegate_group)
    assert (group.size, group.name, body["size"]) == (99, "Leeds Climate Action", 99)
    assert last_event().data == {"changed": ["size"], "size": {"from": 85, "to": 99}}


def group_withdrawn(demo: Demo, _: Any, body: dict[str, Any]) -> None:
    group = refreshed(demo.delegate_group)
    assert (group.is_active, group.leave_reason, body["is_active"]) == (False, "Done", False)
    assert not Affiliation.objects.filter(member_group=group, ended_at__isnull=True).exists()
    assert refreshed(demo.member_person).is_active is False  # Leeds was their only membership
    assert refreshed(demo.delegate_person).is_active is False


def person_recorded(demo: Demo, _: Any, body: dict[str, Any]) -> None:
    person = Person.objects.get(coalition=demo.coalition, name="Nia Jones")
    assert (body["id"], person.user_id, person.is_individual_member, person.is_active) == (person.pk, None, True, True)
    assert not person.affiliations.exists()


def person_renamed(demo: Demo, _: Any, body: dict[str, Any]) -> None:
    person = refreshed(demo.member_person)
    assert (person.name, person.email, body["name"]) == ("Dan Murphy", "member@demo.example", "Dan Murphy")


def coordinator_made(demo: Demo, _: Any, body: dict[str, Any]) -> None:
    assert refreshed(demo.member_person).is_coordinator is True
    assert body["is_coordinator"] is True
    assert Person.objects.filter(coalition=demo.coalition, is_coordinator=True, left_at__isnull=True).count() == 3


def affiliation_added(demo: Demo, _: Any, body: dict[str, Any]) -> None:
    affiliation = Affiliation.objects.get(person=demo.member_person, member_group=demo.big_group, ended_at=None)
    assert (body["id"], affiliation.is_delegate) == (affiliation.pk, False)


def delegate_made(demo: Demo, _: Any, body: dict[str, Any]) -> None:
    affiliation = member_affiliation(demo)
    assert (affiliation.is_delegate, affiliation.is_active, body["is_delegate"]) == (True, True, True)
    assert last_event().verb == "affiliation.delegate_added"


def affiliation_ended(demo: Demo, affiliation: Affiliation, body: dict[str, Any]) -> None:
    affiliation = refreshed(affiliation)
    assert (affiliation.is_active, affiliation.end_reason, body["is_active"]) == (False, "Too far", False)
    assert member_affiliation(demo).is_active  # Leeds stays
    assert refreshed(demo.member_person).is_active


def left(demo: Demo, _: Any, body: dict[str, Any]) -> None:
    person = refreshed(demo.member_person)
    assert (person.is_active, person.leave_reason, body["is_active"]) == (False, "Moving away", False)
    assert not Affiliation.objects.filter(person=person, ended_at__isnull=True).exists()


def invitation_made(by: str, *, group: bool) -> Callable[[Demo, Any, dict[str, Any]], None]:
    def expect(demo: Demo, _: Any, body: dict[str, Any]) -> None:
        invitation = Invitation.objects.get(pk=body["id"])
        assert (invitation.coalition, invitation.created_by, invitation.status) == (
            demo.coalition,
            getattr(demo, by),
            "open",
        )
        assert invitation.member_group == (demo.delegate_group if group else None)
        assert body["url"] == invitation.link

    return expect


def invitation_revoked(demo: Demo, invitation: Invitation, body: dict[str, Any]) -> None:
    invitation = refreshed(invitation)
    assert (invitation.status, body["status"], invitation.accepted_at) == ("revoked", "revoked", None)
    assert last_event().verb == "invitation.revoked"


def invitation_accepted(demo: Demo, invitation: Invitation, body: dict[str, Any]) -> None:
    invitation = refreshed(invitation)
    assert (invitation.status, invitation.accepted_by) == ("accepted", demo.outsider)
    person = Person.objects.get(coalition=demo.coalition, user=demo.outsider)
    assert (body["person"]["id"], person.is_active, person.is_individual_member) == (person.pk, True, True)


def application_submitted(demo: Demo, _: Any, body: dict[str, Any]) -> None:
    application = Application.objects.get(coalition=demo.coalition, applicant=demo.outsider)
    assert (body["id"], application.status, application.kind) == (application.pk, "pending", "individual")
    assert [answer["answer"] for answer in application.answers] == three_answers(demo)


def application_withdrawn(demo: Demo, _: Any, body: dict[str, Any]) -> None:
    application = refreshed(demo.pending_individual_application)
    assert (application.status, body["status"], application.decided_by) == ("withdrawn", "withdrawn", None)


def token_created(demo: Demo, _: Any, body: dict[str, Any]) -> None:
    token = ApiToken.objects.get(pk=body["id"])
    assert (token.user, token.name, token.revoked_at, token.key_hash) == (
        demo.outsider,
        "laptop",
        None,
        hash_token(body["token"]),
    )


def token_revoked(demo: Demo, token: ApiToken, body: dict[str, Any]) -> None:
    token = refreshed(token)
    assert (token.revoked_at is not None, body["is_active"]) == (True, False)


CASES = [
    Case(
        "create_coalition",
        "POST /coalitions",
        lambda demo, _: ("/coalitions", {"name": "Tenants Together", "purpose": "Fair rents"}),
        allowed="outsider",
        refused={"anonymous": UNAUTHENTICATED},
        expect=founded,
        status=201,
    ),
    Case(
        "update_coalition",
        "PATCH /coalitions/{slug}",
        lambda demo, _: (slug(demo), {"name": "Renamed"}),
        allowed="coordinator",
        refused={"anonymous": UNAUTHENTICATED, "outsider": FORBIDDEN, "member": FORBIDDEN, "delegate": FORBIDDEN},
        expect=renamed,
    ),
    Case(
        "add_member_group",
        "POST /coalitions/{slug}/member-groups",
        lambda demo, _: (f"{slug(demo)}/member-groups", {"name": "Sheffield Tree Action", "size": 30}),
        allowed="coordinator",
        refused={"anonymous": UNAUTHENTICATED, "outsider": FORBIDDEN, "member": FORBIDDEN, "delegate": FORBIDDEN},
        expect=group_added,
        status=201,
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
        expect=group_resized,
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
        expect=group_withdrawn,
    ),
    Case(
        "record_person",
        "POST /coalitions/{slug}/people",
        lambda demo, _: (f"{slug(demo)}/people", {"name": "Nia Jones", "is_individual_member": True}),
        allowed="coordinator",
        refused={"anonymous": UNAUTHENTICATED, "outsider": FORBIDDEN, "member": FORBIDDEN, "delegate": FORBIDDEN},
        expect=person_recorded,
        status=201,
    ),
    Case(
        "update_person",
        "PATCH /coalitions/{slug}/people/{person_id}",
        lambda demo, _: (f"{slug(demo)}/people/{demo.member_person.pk}", {"name": "Dan Murphy"}),
        allowed="member",
        refused={"anonymous": UNAUTHENTICATED, "outsider": FORBIDDEN, "delegate": FORBIDDEN},
        expect=person_renamed,
    ),
    Case(
        "set_coordinator",
        "PUT /coalitions/{slug}/people/{person_id}/coordinator",
        lambda demo, _: (f"{slug(demo)}/people/{demo.member_person.pk}/coordinator", {"is_coordinator": True}),
        allowed="coordinator",
        refused={"anonymous": UNAUTHENTICATED, "outsider": FORBIDDEN, "member": FORBIDDEN, "delegate": FORBIDDEN},
        expect=coordinator_made,
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
        expect=affiliation_added,
        status=201,
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
        expect=delegate_made,
    ),
    Case(
        "end_affiliation",
        "POST /coalitions/{slug}/affiliations/{affiliation_id}/end",
        lambda demo, affiliation: (f"{slug(demo)}/affiliations/{affiliation.pk}/end", {"reason": "Too far"}),
        allowed="member",
        # The delegate of Leeds is not a delegate of Manchester, which this membership is of.
        refused={"anonymous": UNAUTHENTICATED, "outsider": FORBIDDEN, "delegate": FORBIDDEN},
        expect=affiliation_ended,
        prepare=second_affiliation,
    ),
    Case(
        "leave_coalition",
        "POST /coalitions/{slug}/leave",
        lambda demo, _: (f"{slug(demo)}/leave", {"reason": "Moving away"}),
        allowed="member",
        refused={"anonymous": UNAUTHENTICATED, "outsider": FORBIDDEN},
        expect=left,
    ),
    Case(
        "create_invitation_for_an_individual",
        "POST /coalitions/{slug}/invitations",
        lambda demo, _: (f"{slug(demo)}/invitations", {"email": "new@example.org"}),
        allowed="coordinator",
        refused={"anonymous": UNAUTHENTICATED, "outsider": FORBIDDEN, "member": FORBIDDEN, "delegate": FORBIDDEN},
        expect=invitation_made("coordinator", group=False),
        status=201,
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
        expect=invitation_made("delegate", group=True),
        status=201,
    ),
    Case(
        "revoke_invitation",
        "POST /coalitions/{slug}/invitations/{invitation_id}/revoke",
        lambda demo, invitation: (f"{slug(demo)}/invitations/{invitation.pk}/revoke", None),
        allowed="coordinator",
        # Members other than its maker are not shown the invitation at all.
        refused={"anonymous": UNAUTHENTICATED, "outsider": FORBIDDEN, "member": HIDDEN, "delegate": HIDDEN},
        expect=invitation_revoked,
        prepare=lambda demo: actions.create_invitation(actor=demo.second_coordinator, coalition=demo.coalition),
    ),
    Case(
        "accept_invitation",
        "POST /invitations/{token}/accept",
        lambda demo, invitation: (f"/invitations/{invitation.token}/accept", None),
        allowed="outsider",
        refused={"anonymous": UNAUTHENTICATED},
        expect=invitation_accepted,
        prepare=lambda demo: actions.create_invitation(actor=demo.coordinator, coalition=demo.coalition),
    ),
    Case(
        "submit_application",
        "POST /coalitions/{slug}/applications",
        lambda demo, _: (
            f"{slug(demo)}/applications",
            {"kind": "individual", "answers": three_answers(demo), "signs_on": True},
        ),
        allowed="outsider",
        refused={"anonymous": UNAUTHENTICATED, "member": ALREADY_A_MEMBER},
        expect=application_submitted,
        status=201,
    ),
    Case(
        "withdraw_application",
        "POST /coalitions/{slug}/applications/{application_id}/withdraw",
        lambda demo, _: (f"{slug(demo)}/applications/{demo.pending_individual_application.pk}/withdraw", None),
        allowed="applicant",
        refused={"anonymous": UNAUTHENTICATED, "outsider": HIDDEN, "coordinator": FORBIDDEN},
        expect=application_withdrawn,
    ),
    Case(
        "create_api_token",
        "POST /me/tokens",
        lambda demo, _: ("/me/tokens", {"name": "laptop"}),
        allowed="outsider",
        refused={"anonymous": UNAUTHENTICATED},
        expect=token_created,
        status=201,
    ),
    Case(
        "revoke_api_token",
        "POST /me/tokens/{token_id}/revoke",
        lambda demo, token: (f"/me/tokens/{token.pk}/revoke", None),
        allowed="member",
        refused={"anonymous": UNAUTHENTICATED, "outsider": HIDDEN, "coordinator": HIDDEN},
        expect=token_revoked,
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

    assert response.status_code == case.status, f"{case.name} as {case.allowed}: {response.content!r}"
    case.expect(demo, prepared, response.json())


def openapi_routes(*, reads: bool) -> set[str]:
    from accord.api.root import api

    return {
        f"{method.upper()} {path.removeprefix('/api/v1')}"
        for path, operations in api.get_openapi_schema()["paths"].items()
        for method in operations
        if (method == "get") == reads
    }


def test_every_write_endpoint_has_an_authorization_case():
    from .test_constitution_authorization import CONSTITUTION_WRITE_ROUTES  # the constitution's own table
    from .test_decisions_authorization import DECISION_WRITE_ROUTES  # the decisions endpoints' own table
    from .test_meetings_authorization import MEETING_WRITE_ROUTES  # the meetings endpoints' own table

    covered = {case.route for case in CASES} | DECISION_WRITE_ROUTES | CONSTITUTION_WRITE_ROUTES | MEETING_WRITE_ROUTES
    assert covered == openapi_routes(reads=False)


# --- reads ---------------------------------------------------------------------------------------------------

PERSONAS = ("anonymous", "outsider", "member", "delegate", "coordinator")
OK = 200
EVERYONE = dict.fromkeys(PERSONAS, OK)
SIGNED_IN = {**EVERYONE, "anonymous": UNAUTHENTICATED}
MEMBERS = {**SIGNED_IN, "outsider": FORBIDDEN}


@dataclass
class Read:
    route: str  # as in the OpenAPI document: "GET /coalitions/{slug}/people"
    path: Callable[[Demo], str]
    answers: dict[str, int | tuple[int, str]]  # persona -> 200, or the error's (status, code)
    # (demo, persona, JSON answer) for each 200: asserts what that persona sees
    sees: Callable[[Demo, str, dict[str, Any]], None]


def open_leeds_invitation(demo: Demo) -> Invitation:
    return Invitation.objects.get(coalition=demo.coalition, created_by=demo.delegate, member_group=demo.delegate_group)


def nothing(body: dict[str, Any]) -> None:
    """A list that holds nothing (of the coalition's, or of anyone's)."""
    assert (body["count"], body["items"]) == (0, []), body


def ids(body: dict[str, Any]) -> list[int]:
    return [item["id"] for item in body["items"]]


def sees_me(demo: Demo, who: str, body: dict[str, Any]) -> None:
    slugs = [coalition["slug"] for coalition in body["coalitions"]]
    assert slugs == ([] if who == "outsider" else [demo.coalition.slug])


def sees_my_tokens(demo: Demo, who: str, body: dict[str, Any]) -> None:
    assert sorted(ids(body)) == sorted(ApiToken.objects.filter(user=persona(demo, who)).values_list("pk", flat=True))


def sees_my_coalitions(demo: Demo, who: str, body: dict[str, Any]) -> None:
    if who == "outsider":
        nothing(body)
    else:
        assert ids(body) == [demo.coalition.pk]


ROLE_SEEN = {
    "anonymous": "anonymous",
    "outsider": "outsider",
    "member": "member",
    "delegate": "member",
    "coordinator": "coordinator",
}


def sees_the_coalition(demo: Demo, who: str, body: dict[str, Any]) -> None:
    assert (body["id"], body["my_role"]) == (demo.coalition.pk, ROLE_SEEN[who])
    is_member = who in {"member", "delegate", "coordinator"}
    assert (body["people_count"] is not None, body["my_person_id"] is not None) == (is_member, is_member)
    assert (body["pending_application_count"] is not None) == (who == "coordinator")


def sees_the_groups(demo: Demo, who: str, body: dict[str, Any]) -> None:
    assert body["count"] == MemberGroup.objects.filter(coalition=demo.coalition, left_at=None).count() == 20


def sees_leeds(demo: Demo, who: str, body: dict[str, Any]) -> None:
    assert (body["id"], body["people_count"]) == (
        demo.delegate_group.pk,
        Affiliation.objects.filter(member_group=demo.delegate_group, ended_at=None).count(),
    )


def sees_the_people(demo: Demo, who: str, body: dict[str, Any]) -> None:
    assert body["count"] == Person.objects.filter(coalition=demo.coalition, left_at=None).count()
    addresses = {item["id"] for item in body["items"] if item["email"] is not None}
    if who != "coordinator":  # only their own address
        assert addresses <= {persona_person(demo, who).pk}


def persona_person(demo: Demo, who: str) -> Person:
    return Person.objects.get(coalition=demo.coalition, user=persona(demo, who))


def sees_the_member(demo: Demo, who: str, body: dict[str, Any]) -> None:
    assert body["id"] == demo.member_person.pk
    assert body["email"] == ("member@demo.example" if who in {"member", "coordinator"} else None)


def sees_invitations(demo: Demo, who: str, body: dict[str, Any]) -> None:
    # Coordinators see every invitation; anyone else the ones they made (the member made none).
    made = Invitation.objects.filter(coalition=demo.coalition)
    if who != "coordinator":
        made = made.filter(created_by=persona(demo, who))
    assert sorted(ids(body)) == sorted(made.values_list("pk", flat=True))
    if who == "member":
        nothing(body)


def sees_the_preview(demo: Demo, who: str, body: dict[str, Any]) -> None:
    assert (body["status"], body["coalition"]["id"], body["member_group"]["id"]) == (
        "open",
        demo.coalition.pk,
        demo.delegate_group.pk,
    )


def sees_applications(demo: Demo, who: str, body: dict[str, Any]) -> None:
    # Coordinators see every application; anyone else their own, and these personas applied for nothing.
    if who == "coordinator":
        assert sorted(ids(body)) == sorted(
            Application.objects.filter(coalition=demo.coalition).values_list("pk", flat=True)
        )
    else:
        nothing(body)


def sees_the_application(demo: Demo, who: str, body: dict[str, Any]) -> None:
    assert (who, body["id"]) == ("coordinator", demo.pending_group_application.pk)


def sees_the_audit_log(demo: Demo, who: str, body: dict[str, Any]) -> None:
    assert body["count"] == AuditEvent.objects.filter(coalition=demo.coalition).count()


READS = [
    Read("GET /me", lambda demo: "/me", SIGNED_IN, sees_me),
    Read("GET /me/tokens", lambda demo: "/me/tokens", SIGNED_IN, sees_my_tokens),
    Read("GET /coalitions", lambda demo: "/coalitions", SIGNED_IN, sees_my_coalitions),
    Read("GET /coalitions/{slug}", slug, EVERYONE, sees_the_coalition),
    Read("GET /coalitions/{slug}/member-groups", lambda demo: f"{slug(demo)}/member-groups", MEMBERS, sees_the_groups),
    Read(
        "GET /coalitions/{slug}/member-groups/{group_id}",
        lambda demo: f"{slug(demo)}/member-groups/{demo.delegate_group.pk}",
        MEMBERS,
        sees_leeds,
    ),
    Read("GET /coalitions/{slug}/people", lambda demo: f"{slug(demo)}/people?page_size=200", MEMBERS, sees_the_people),
    Read(
        "GET /coalitions/{slug}/people/{person_id}",
        lambda demo: f"{slug(demo)}/people/{demo.member_person.pk}",
        MEMBERS,
        sees_the_member,
    ),
    Read("GET /coalitions/{slug}/invitations", lambda demo: f"{slug(demo)}/invitations", MEMBERS, sees_invitations),
    Read(
        "GET /invitations/{token}",
        lambda demo: f"/invitations/{open_leeds_invitation(demo).token}",
        EVERYONE,  # the link is the credential
        sees_the_preview,
    ),
    Read(
        "GET /coalitions/{slug}/applications", lambda demo: f"{slug(demo)}/applications", SIGNED_IN, sees_applications
    ),
    Read(
        "GET /coalitions/{slug}/applications/{application_id}",
        lambda demo: f"{slug(demo)}/applications/{demo.pending_group_application.pk}",
        {"anonymous": UNAUTHENTICATED, "outsider": HIDDEN, "member": HIDDEN, "delegate": HIDDEN, "coordinator": OK},
        sees_the_application,
    ),
    Read("GET /coalitions/{slug}/audit-events", lambda demo: f"{slug(demo)}/audit-events", MEMBERS, sees_the_audit_log),
]


@pytest.mark.parametrize("read", [pytest.param(read, id=read.route) for read in READS])
def test_who_may_read_what(api, demo, read: Read):
    path = read.path(demo)
    callers = {who: api(persona(demo, who)) for who in PERSONAS}  # tokens made up front
    before = snapshot()

    for who in PERSONAS:
        response = callers[who].get(path)
        expected = read.answers[who]
        if expected == OK:
            assert response.status_code == 200, f"{read.route} as {who}: {response.content!r}"
            read.sees(demo, who, response.json())
        else:
            assert isinstance(expected, tuple)
            assert response.status_code == expected[0], f"{read.route} as {who}: {response.content!r}"
            assert_error(response, *expected)

    assert snapshot() == before, f"reading {read.route} changed something"


def test_every_read_endpoint_has_a_row_for_every_persona():
    from .test_constitution_authorization import CONSTITUTION_READ_ROUTES  # the constitution's own table
    from .test_decisions_authorization import DECISION_READ_ROUTES  # the decisions endpoints' own table
    from .test_meetings_authorization import MEETING_READ_ROUTES  # the meetings endpoints' own table

    covered = {read.route for read in READS} | DECISION_READ_ROUTES | CONSTITUTION_READ_ROUTES | MEETING_READ_ROUTES
    assert covered == openapi_routes(reads=True)
    for read in READS:
        assert set(read.answers) == set(PERSONAS), read.route


# --- the snapshot itself -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda demo: Person.objects.filter(pk=demo.member_person.pk).update(leave_reason="x"),
            id="person.leave_reason",
        ),
        pytest.param(
            lambda demo: Person.objects.filter(pk=demo.member_person.pk).update(joined_at=demo.coalition.created_at),
            id="person.joined_at",
        ),
        pytest.param(
            lambda demo: MemberGroup.objects.filter(pk=demo.delegate_group.pk).update(
                joined_at=demo.coalition.created_at
            ),
            id="member_group.joined_at",
        ),
        pytest.param(
            lambda demo: Affiliation.objects.filter(pk=member_affiliation(demo).pk).update(
                started_at=demo.coalition.created_at
            ),
            id="affiliation.started_at",
        ),
        pytest.param(
            lambda demo: Invitation.objects.filter(coalition=demo.coalition).update(email="x@example.org"),
            id="invitation.email",
        ),
        pytest.param(
            lambda demo: Invitation.objects.filter(coalition=demo.coalition).update(as_delegate=True),
            id="invitation.as_delegate",
        ),
        pytest.param(
            lambda demo: Application.objects.filter(pk=demo.pending_group_application.pk).update(answers=[]),
            id="application.answers",
        ),
        pytest.param(
            lambda demo: Coalition.objects.filter(pk=demo.coalition.pk).update(slug="moved"), id="coalition.slug"
        ),
        pytest.param(lambda demo: ApiToken.objects.update(name="renamed"), id="api_token.name"),
        pytest.param(
            lambda demo: AuditEvent.objects.filter(pk=last_event().pk).update(summary="rewritten"),
            id="audit_event.summary",
        ),
        pytest.param(
            lambda demo: AuditEvent.objects.filter(pk=last_event().pk).update(data={"x": 1}), id="audit_event.data"
        ),
    ],
)
def test_the_snapshot_sees_a_change_to_any_column(api, demo, change):
    create_api_token(actor=demo.member, name="laptop")
    before = snapshot()
    change(demo)
    assert snapshot() != before
