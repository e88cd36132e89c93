"""The spokescouncil API: opening one, positions in the guide's words, positions side by side, a group's own rule."""

from __future__ import annotations

from typing import Any

import pytest

from accord.decisions.models import GroupMemberView, GroupRule, Proposal, Stance
from tests.decisions.conftest import World, add_kind, build_world, in_days

from .conftest import assert_error

CONSENSUS = {"method": "consensus", "unit": "groups"}


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def base(world: World) -> str:
    return f"/coalitions/{world.coalition.slug}"


def open_spokes(world: World, api: Any, **extra: Any) -> dict[str, Any]:
    kind = add_kind(world, "spokes_kind", CONSENSUS)
    body = {
        "kind": kind.pk,
        "title": "Meet on Tuesdays",
        "text": "We meet on Tuesdays.",
        "closes_at": in_days(7).isoformat(),
    }
    response = api(world.member).post(f"{base(world)}/proposals", {**body, "process": "spokescouncil", **extra})
    assert response.status_code == 201, response.content
    return response.json()


def test_open_and_respond_with_spokes_positions(world: World, api: Any) -> None:
    proposal = open_spokes(world, api)
    assert (proposal["process"], proposal["close_when_all_responded"]) == ("spokescouncil", True)
    path = f"{base(world)}/proposals/{proposal['id']}"
    response = api(world.delegate).post(f"{path}/stances", {"spokes_position": "amend", "amendment": "Wednesdays."})
    assert response.status_code == 201, response.content
    stance = response.json()
    assert (stance["spokes_position"], stance["position"], stance["amendment"]) == (
        "amend",
        "stand_aside",
        "Wednesdays.",
    )
    side = api(world.member).get(f"{path}/spokes-positions").json()
    assert side["round"] == 1
    assert [
        (row["unit_label"], row["spokes_position"], row["position_words"], row["amendment"], row["recorded_by"])
        for row in side["positions"]
    ] == [
        ("Hull Heat", "", "No position yet", "", None),
        ("Leeds Action", "amend", "Agree with amendments", "Wednesdays.", "Dev"),
    ]
    assert_error(api(world.member).get(f"{path}/spokes-positions", {"round": "7"}), 404, "not_found")
    assert_error(api(world.member).get(f"{path}/spokes-positions", {"round": "x"}), 422, "invalid", "round")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"spokes_position": "amend"}, "amendment"),
        ({"spokes_position": "block"}, "reason"),
        ({"spokes_position": "concerns"}, "reason"),
        ({"position": "agree"}, "position"),
        ({"spokes_position": "perhaps"}, "spokes_position"),
    ],
)
def test_bad_spokes_positions(world: World, api: Any, body: dict[str, Any], field: str) -> None:
    proposal = open_spokes(world, api)
    response = api(world.delegate).post(f"{base(world)}/proposals/{proposal['id']}/stances", body)
    assert_error(response, 422, "invalid", field)
    assert Stance.objects.filter(round__proposal_id=proposal["id"]).count() == 0


def test_spokescouncil_refused_on_a_people_counted_kind(world: World, api: Any) -> None:
    kind = world.kind("meeting_conduct")
    body = {"kind": kind.pk, "title": "T", "text": "X", "closes_at": in_days(7).isoformat(), "process": "spokescouncil"}
    before = Proposal.objects.count()
    body = assert_error(api(world.member).post(f"{base(world)}/proposals", body), 422, "invalid", "process")
    assert "counted by people" in body["message"]
    assert Proposal.objects.count() == before


def test_group_rule_member_views_and_settling(world: World, api: Any) -> None:
    rule_path = f"{base(world)}/member-groups/{world.group.pk}/rule"
    assert api(world.member).get(rule_path).json() == {
        "member_group": world.group.pk,
        "rule": None,
        "rule_text": None,
        "enabled": False,
    }
    assert_error(
        api(world.member).put(rule_path, {"rule": {"method": "majority", "unit": "people"}}), 403, "not_allowed"
    )
    assert_error(
        api(world.delegate).put(rule_path, {"rule": {"method": "majority", "unit": "groups"}}),
        422,
        "invalid",
        "rule.unit",
    )
    assert GroupRule.objects.count() == 0
    response = api(world.delegate).put(rule_path, {"rule": {"method": "majority", "unit": "people"}})
    assert response.status_code == 200, response.content
    assert response.json()["enabled"] is True
    proposal = open_spokes(world, api)
    path = f"{base(world)}/proposals/{proposal['id']}"
    view = api(world.member).post(
        f"{path}/member-views", {"member_group": world.group.pk, "spokes_position": "block", "reason": "Unsafe."}
    )
    assert view.status_code == 201, view.content
    assert (view.json()["spokes_position"], view.json()["round"]) == ("block", 1)
    assert_error(
        api(world.member).post(f"{path}/member-views", {"member_group": world.group.pk, "spokes_position": "amend"}),
        422,
        "invalid",
        "amendment",
    )
    assert_error(
        api(world.member).post(f"{path}/settle-group-position", {"member_group": world.group.pk}), 403, "not_allowed"
    )
    api(world.delegate).post(f"{path}/member-views", {"member_group": world.group.pk, "spokes_position": "agree"})
    assert GroupMemberView.objects.count() == 2
    settled = api(world.member).post(f"{path}/settle-group-position", {"member_group": world.group.pk})
    assert settled.status_code == 201, settled.content
    body = settled.json()
    # A majority of two needs more than one agreeing: not passed, and with no amendments the summary says why.
    assert (body["spokes_position"], body["position"], body["recorded_by"]) == ("amend", "stand_aside", "Mo")
    assert body["note"].startswith("Settled by Leeds Action's internal rule from 2 of 2 members' views")
