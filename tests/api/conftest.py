"""Fixtures for the JSON API's tests.

The demo coalition and its personas come from tests/personas.py (`demo`, `coalition`, `coordinator`, `delegate`,
`member`, `outsider`). On top of it: `elsewhere`, a second coalition with its own coordinator and member group,
for tenancy; `api`, which gives an `Api` client calling as a persona with a bearer token (or anonymously); and
`snapshot()`, everything an endpoint could write, to assert that a refused request changed nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import Model
from django.test import Client

from accord.accounts.actions import create_api_token, create_user
from accord.accounts.models import ApiToken, User
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
from accord.decisions.models import (
    AgreedWeight,
    DecisionKind,
    EligibleUnit,
    GroupMemberView,
    GroupRule,
    Proposal,
    Round,
    Stance,
)
from tests import personas

# The demo coalition's fixtures, until tests/conftest.py registers them for the whole suite.
demo, coalition, coordinator = personas.demo, personas.coalition, personas.coordinator
delegate, member, outsider = personas.delegate, personas.member, personas.outsider

PREFIX = "/api/v1"


class Api:
    """A test client for /api/v1: `api.get("/me")`, `api.post(path, {...})`; each returns the response."""

    def __init__(self, client: Client, headers: dict[str, str] | None = None) -> None:
        self.client = client
        self.headers = headers or {}

    def _url(self, path: str) -> str:
        return path if path.startswith(PREFIX) else PREFIX + path

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(self._url(path), params or {}, headers=self.headers)

    def send(self, method: str, path: str, body: Any = None, *, raw: str | None = None) -> Any:
        data = raw if raw is not None else json.dumps({} if body is None else body)
        return self.client.generic(method, self._url(path), data, content_type="application/json", headers=self.headers)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.send("POST", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.send("PATCH", path, body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.send("PUT", path, body, **kwargs)


def bearer_for(user: User) -> dict[str, str]:
    _, raw = create_api_token(actor=user, name="tests")
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def api(db: None) -> Callable[[User | None], Api]:
    """`api(user)` calls with a fresh bearer token of `user`; `api(None)` calls anonymously."""

    def make(user: User | None) -> Api:
        return Api(Client(), bearer_for(user) if user is not None else {})

    return make


@pytest.fixture
def session_api(db: None) -> Callable[..., Api]:
    """`session_api(user, enforce_csrf=True)`: signed in by the session cookie, as a browser would be."""

    def make(user: User, *, enforce_csrf: bool = True) -> Api:
        client = Client(enforce_csrf_checks=enforce_csrf)
        client.force_login(user)
        return Api(client)

    return make


@dataclass
class Elsewhere:
    """A second coalition, for tenancy: nothing of it may be reached through the demo coalition."""

    coalition: Coalition
    coordinator: User
    group: MemberGroup
    person: Person
    invitation: Invitation
    application: Application


@pytest.fixture
def elsewhere(demo: Any) -> Elsewhere:
    founder = create_user(email="zed@elsewhere.example", password=None, name="Zed Founder")
    other = actions.create_coalition(actor=founder, name="Elsewhere Alliance", purpose="Other things")
    group = actions.add_member_group(actor=founder, coalition=other, name="Far Group", size=9)
    person = actions.record_person(actor=founder, coalition=other, name="Far Person", member_groups=[group])
    invitation = actions.create_invitation(actor=founder, coalition=other, member_group=group)
    applicant = create_user(email="applicant@elsewhere.example", password=None, name="Far Applicant")
    application = actions.submit_application(actor=applicant, coalition=other, kind="individual")
    return Elsewhere(other, founder, group, person, invitation, application)


def _rows(model: type[Model], *, leave_out: tuple[str, ...] = ()) -> tuple[dict[str, Any], ...]:
    """Every row of `model`, every column but `leave_out`, in key order."""
    columns = [field.attname for field in model._meta.concrete_fields if field.attname not in leave_out]
    return tuple(model.objects.order_by("pk").values(*columns))


def snapshot() -> tuple[Any, ...]:
    """Everything an endpoint could write, whole rows, to assert that a refused request changed nothing.

    Left out: when a token was last used and when an account last signed in, which any request (refused or not)
    may record; and the audit log is compared by its length and its last event, since events are never edited.
    """
    last_event = AuditEvent.objects.order_by("-pk").values().first()
    return (
        _rows(Coalition),
        _rows(MemberGroup),
        _rows(Person),
        _rows(Affiliation),
        _rows(Invitation),
        _rows(Application),
        _rows(ApiToken, leave_out=("last_used_at",)),
        _rows(User, leave_out=("last_login",)),
        _rows(DecisionKind),
        _rows(AgreedWeight),
        _rows(Proposal),
        _rows(Proposal.scope_groups.through),
        _rows(Proposal.facilitators.through),
        _rows(Round),
        _rows(EligibleUnit),
        _rows(Stance),
        _rows(GroupRule),
        _rows(GroupMemberView),
        AuditEvent.objects.count(),
        last_event,
    )


def assert_error(response: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    """The response is the API's one error shape with this status and code (and this field at fault)."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"status", "code", "message", "errors"}
    assert body["status"] == status
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"].endswith((".", ")"))
    if field is None:
        assert body["errors"] == []
    else:
        assert [error["field"] for error in body["errors"]] == [field]
        assert body["errors"][0]["message"] == body["message"]
    return body
