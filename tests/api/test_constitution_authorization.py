"""Who may call each constitution endpoint: anonymous, an outsider, a member, a delegate and a coordinator.

Every refusal is the one error shape (401 without authentication, 403 for who may not, 409 for what the state
refuses) and changes nothing: no row of the constitution, its decisions or the audit log. The caller who may
then succeeds, so each refusal is about who asks, not about the request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from accord.agreements import actions as agreement_actions
from accord.agreements.models import Amendment, SignOn
from accord.coalitions import actions as coalition_actions
from accord.decisions import actions as decision_actions
from tests.decisions.conftest import World

from .conftest import assert_error
from .test_constitution_api import (
    SOON,
    adopted_world,
    agreement,
    both_groups_agree,
    close,
    constitution_snapshot,
    draft_world,
    in_days,
)

PERSONAS = ("anonymous", "outsider", "former", "member", "delegate", "coordinator")
CODES = {401: "not_signed_in", 403: "not_allowed", 404: "not_found", 409: "conflict"}


def user_of(world: World, persona: str) -> Any:
    return {
        "anonymous": None,
        "outsider": world.outsider,
        "former": world.former,
        "member": world.member,
        "delegate": world.delegate,
        "coordinator": world.coordinator,
    }[persona]


@dataclass
class Route:
    name: str
    method: str
    path: Callable[[World, dict[str, Any]], str]
    body: Callable[[World, dict[str, Any]], Any]
    allowed: str  # the persona who then succeeds
    refused: dict[str, int]  # persona -> status
    draft: bool = False


def _stale_amendment(world: World) -> Amendment:
    """An amendment by Dev made stale by Mo's, which passed first."""
    unity = agreement(world, "unity_statement")
    mine = agreement_actions.propose_amendment(
        actor=world.member,
        coalition=world.coalition,
        target="agreement",
        agreement=unity,
        change={"text": "A"},
        title="A",
        closes_at=in_days(3),
    )
    theirs = agreement_actions.propose_amendment(
        actor=world.delegate,
        coalition=world.coalition,
        target="agreement",
        agreement=unity,
        change={"text": "B"},
        title="B",
        closes_at=in_days(3),
    )
    both_groups_agree(world, mine.proposal)
    close(mine.proposal)
    theirs.refresh_from_db()
    assert theirs.is_stale
    return theirs


def setup(world: World) -> dict[str, Any]:
    """What the routes name: a red line of Leeds Action, an open proposal flagged by Pat, a stale amendment."""
    line = agreement_actions.state_red_line(actor=world.delegate, member_group=world.group, text="No police.")
    proposal = decision_actions.open_proposal(
        actor=world.member,
        coalition=world.coalition,
        kind=world.kind("meeting_conduct"),
        title="Invite police",
        text="x",
        closes_at=in_days(3),
    )
    flag = agreement_actions.flag_red_line(actor=world.other_delegate, proposal=proposal, red_line=line)
    return {"line": line, "proposal": proposal, "flag": flag, "stale": _stale_amendment(world)}


def base(world: World) -> str:
    return f"/coalitions/{world.coalition.slug}"


DRAFT_REFUSED = {"anonymous": 401, "outsider": 403, "former": 403, "member": 403, "delegate": 403}
MEMBERS_ONLY = {"anonymous": 401, "outsider": 403, "former": 403}
DELEGATE_ONLY = {"anonymous": 401, "outsider": 403, "former": 403, "member": 403, "coordinator": 403}

WRITE_ROUTES = [
    Route(
        "edit_draft_agreement",
        "PUT",
        lambda w, o: f"{base(w)}/agreements/{agreement(w, 'unity_statement').pk}/draft",
        lambda w, o: {"title": "Unity", "text": "We unite."},
        "coordinator",
        DRAFT_REFUSED,
        draft=True,
    ),
    Route(
        "add_draft_agreement",
        "POST",
        lambda w, o: f"{base(w)}/agreements",
        lambda w, o: {"title": "Kit", "text": "We lend kit.", "category": "policy"},
        "coordinator",
        DRAFT_REFUSED,
        draft=True,
    ),
    Route(
        "set_draft_terms",
        "PUT",
        lambda w, o: f"{base(w)}/constitution/terms",
        lambda w, o: {"induction_days": 3},
        "coordinator",
        DRAFT_REFUSED,
        draft=True,
    ),
    Route(
        "propose_founding",
        "POST",
        lambda w, o: f"{base(w)}/constitution/founding",
        lambda w, o: {"closes_at": SOON},
        "coordinator",
        DRAFT_REFUSED,
        draft=True,
    ),
    Route(
        "propose_amendment",
        "POST",
        lambda w, o: f"{base(w)}/amendments",
        lambda w, o: {"target": "terms", "change": {"induction_days": 3}, "title": "Shorter", "closes_at": SOON},
        "member",
        MEMBERS_ONLY,
    ),
    Route(
        "rebase_amendment",
        "POST",
        lambda w, o: f"{base(w)}/amendments/{o['stale'].pk}/rebase",
        lambda w, o: {"change": {"text": "A and B"}, "closes_at": SOON},
        "delegate",
        {**MEMBERS_ONLY, "member": 403},
    ),
    Route(
        "sign_on",
        "POST",
        lambda w, o: f"{base(w)}/sign-ons",
        lambda w, o: {"member_group_id": w.group.pk},
        "delegate",
        DELEGATE_ONLY,
    ),
    Route(
        "record_sign_on_on_behalf",
        "POST",
        lambda w, o: f"{base(w)}/sign-ons",
        lambda w, o: {"member_group_id": w.other_group.pk, "on_behalf": True},
        "coordinator",
        {**MEMBERS_ONLY, "member": 403, "delegate": 403},  # not even Hull Heat's own delegate: only coordinators
    ),
    Route(
        "ask_member_to_leave",
        "POST",
        lambda w, o: f"{base(w)}/leave-requests",
        lambda w, o: {
            "member_group_id": w.other_group.pk,
            "agreement_id": agreement(w, "membership_criteria").pk,
            "title": "Hull out",
            "text": "They broke it.",
            "closes_at": SOON,
        },
        "member",
        MEMBERS_ONLY,
    ),
    Route(
        "state_red_line",
        "POST",
        lambda w, o: f"{base(w)}/red-lines",
        lambda w, o: {"member_group_id": w.group.pk, "text": "No arms money."},
        "delegate",
        DELEGATE_ONLY,
    ),
    Route(
        "change_red_line",
        "PUT",
        lambda w, o: f"{base(w)}/red-lines/{o['line'].pk}",
        lambda w, o: {"text": "No police, ever."},
        "delegate",
        DELEGATE_ONLY,
    ),
    Route(
        "withdraw_red_line",
        "POST",
        lambda w, o: f"{base(w)}/red-lines/{o['line'].pk}/withdraw",
        lambda w, o: None,
        "delegate",
        DELEGATE_ONLY,
    ),
    Route(
        "confirm_red_lines",
        "POST",
        lambda w, o: f"{base(w)}/member-groups/{w.group.pk}/red-lines/confirm",
        lambda w, o: None,
        "delegate",
        DELEGATE_ONLY,
    ),
    Route(
        "flag_red_line",
        "POST",
        lambda w, o: f"{base(w)}/proposals/{o['proposal'].pk}/red-line-flags",
        lambda w, o: {"red_line_id": o["line"].pk, "note": "Again."},
        "member",
        {**MEMBERS_ONLY, "delegate": 409},  # ... the delegate meets the flag already standing: 409
    ),
    Route(
        "withdraw_red_line_flag",
        "POST",
        lambda w, o: f"{base(w)}/proposals/{o['proposal'].pk}/red-line-flags/{o['flag'].pk}/withdraw",
        lambda w, o: None,
        "delegate",
        {**MEMBERS_ONLY, "member": 403},
    ),
]


@pytest.mark.parametrize("route", WRITE_ROUTES, ids=lambda route: route.name)
def test_write_refusals_change_nothing(db, api, route):
    world = draft_world() if route.draft else adopted_world()
    named = {} if route.draft else setup(world)
    if route.name == "flag_red_line":
        # The standing flag is Pat's; Mo may flag the same line only once it is withdrawn.
        agreement_actions.withdraw_red_line_flag(actor=world.other_delegate, flag=named["flag"])
    url, body = route.path(world, named), route.body(world, named)
    for persona, status in route.refused.items():
        if route.name == "flag_red_line" and persona == "delegate":
            continue  # checked below, once a flag stands again
        before = constitution_snapshot()
        response = api(user_of(world, persona)).send(route.method, url, body)
        assert_error(response, status, CODES[status])
        assert constitution_snapshot() == before, f"{persona} changed something"
    response = api(user_of(world, route.allowed)).send(route.method, url, body)
    assert response.status_code in (200, 201), response.content
    if route.name == "flag_red_line":
        before = constitution_snapshot()
        assert_error(api(world.delegate).send(route.method, url, body), 409, "conflict")
        assert constitution_snapshot() == before


READ_PATHS = [
    "/constitution",
    "/agreements",
    "/agreements/{unity}",
    "/agreements/{unity}/versions",
    "/agreements/{unity}/versions/1",
    "/agreements/{unity}/compare?from=1&to=1",
    "/amendments",
    "/amendments/{stale}",
    "/sign-ons",
    "/induction",
    "/red-lines",
    "/proposals/{proposal}/red-line-flags",
]


@pytest.fixture
def adopted_with_things(db):
    world = adopted_world()
    return world, setup(world)


def test_reads_are_for_members(adopted_with_things, api):
    world, named = adopted_with_things
    values = {
        "unity": agreement(world, "unity_statement").pk,
        "stale": named["stale"].pk,
        "proposal": named["proposal"].pk,
    }
    for tail in READ_PATHS:
        url = base(world) + tail.format(**values)
        before = constitution_snapshot()
        assert_error(api(None).get(url), 401, "not_signed_in")
        assert_error(api(world.outsider).get(url), 403, "not_allowed")
        assert_error(api(world.former).get(url), 403, "not_allowed")
        for persona in ("member", "delegate", "coordinator"):
            assert api(user_of(world, persona)).get(url).status_code == 200, (tail, persona)
        assert constitution_snapshot() == before


def test_the_joining_page_is_for_anyone(adopted_with_things, api):
    world, _named = adopted_with_things
    for persona in PERSONAS:
        assert api(user_of(world, persona)).get(f"{base(world)}/joining").status_code == 200


def test_an_application_is_the_applicants_to_withdraw(adopted_with_things, api):
    world, _named = adopted_with_things
    application = agreement_actions.apply_to_join(
        actor=world.outsider, coalition=world.coalition, kind="individual", signs_on=True
    )
    url = f"{base(world)}/applications/{application.pk}/withdraw"
    for persona, status in (("anonymous", 401), ("member", 404), ("delegate", 404)):
        before = constitution_snapshot()
        response = api(user_of(world, persona)).post(url)
        assert_error(response, status, CODES[status])
        assert constitution_snapshot() == before
    assert api(world.outsider).post(url).json()["status"] == "withdrawn"


def test_only_a_coordinator_records_that_a_member_confirmed(db, api):
    """A group with something to confirm: every refusal leaves it unconfirmed; the coordinator's record signs it."""
    world = adopted_world()
    group = coalition_actions.add_member_group(
        actor=world.coordinator, coalition=world.coalition, name="Selby Wardens", size=8
    )
    url, body = f"{base(world)}/sign-ons", {"member_group_id": group.pk, "on_behalf": True}
    for persona, status in {**MEMBERS_ONLY, "member": 403, "delegate": 403}.items():
        before = constitution_snapshot()
        assert_error(api(user_of(world, persona)).post(url, body), status, CODES[status])
        assert constitution_snapshot() == before, f"{persona} changed something"
    response = api(world.coordinator).post(url, body)
    assert response.status_code == 201, response.content
    assert SignOn.objects.filter(member_group=group, on_behalf=True, signed_by_name="Ana").count() == len(
        agreement_actions.versions_to_sign(world.coalition)
    )


# The constitution's endpoints, for tests/api/test_authorization.py's check that every endpoint has a case.
CONSTITUTION_WRITE_ROUTES = {
    "PUT /coalitions/{slug}/agreements/{agreement_id}/draft",
    "POST /coalitions/{slug}/agreements",
    "PUT /coalitions/{slug}/constitution/terms",
    "POST /coalitions/{slug}/constitution/founding",
    "POST /coalitions/{slug}/amendments",
    "POST /coalitions/{slug}/amendments/{amendment_id}/rebase",
    "POST /coalitions/{slug}/sign-ons",
    "POST /coalitions/{slug}/leave-requests",
    "POST /coalitions/{slug}/red-lines",
    "PUT /coalitions/{slug}/red-lines/{red_line_id}",
    "POST /coalitions/{slug}/red-lines/{red_line_id}/withdraw",
    "POST /coalitions/{slug}/member-groups/{group_id}/red-lines/confirm",
    "POST /coalitions/{slug}/proposals/{proposal_id}/red-line-flags",
    "POST /coalitions/{slug}/proposals/{proposal_id}/red-line-flags/{flag_id}/withdraw",
}
CONSTITUTION_READ_ROUTES = {
    "GET /coalitions/{slug}/constitution",
    "GET /coalitions/{slug}/agreements",
    "GET /coalitions/{slug}/agreements/{agreement_id}",
    "GET /coalitions/{slug}/agreements/{agreement_id}/versions",
    "GET /coalitions/{slug}/agreements/{agreement_id}/versions/{number}",
    "GET /coalitions/{slug}/agreements/{agreement_id}/compare",
    "GET /coalitions/{slug}/amendments",
    "GET /coalitions/{slug}/amendments/{amendment_id}",
    "GET /coalitions/{slug}/joining",
    "GET /coalitions/{slug}/sign-ons",
    "GET /coalitions/{slug}/induction",
    "GET /coalitions/{slug}/red-lines",
    "GET /coalitions/{slug}/proposals/{proposal_id}/red-line-flags",
}


def test_every_route_is_in_the_tables_above():
    assert len(CONSTITUTION_WRITE_ROUTES) == len(WRITE_ROUTES) - 1  # sign-ons twice: signing, and recording
    assert len(CONSTITUTION_READ_ROUTES) == len(READ_PATHS) + 1  # and the joining page
