"""The demo's decisions, read through the API as the personas would: the same facts as the demo describes.

(test_decisions_api.py sets them aside so that its counts are its own; here they are the subject.)
"""

from __future__ import annotations

from typing import Any

from accord import demo as demo_module
from accord.decisions.models import Proposal
from accord.demo import Demo

from .test_decisions_api import base, key_of

# Who counts in the demo's decisions opened after the membership settled: its 57 people and 20 member groups,
# less Durham Climate Students and their delegate, still in their induction period.
PEOPLE = 55
GROUPS = 19
# The first two admission decisions opened while 20 groups and 5 individual members (Oliver Bennett among them)
# counted; the two pending ones after he and Scarborough Coastal Watch left: 19 groups and 4 individuals.
ADMISSION_UNITS = 23


def proposal_named(demo: Demo, title: str) -> Proposal:
    return Proposal.objects.get(coalition=demo.coalition, title=title)


def read(api: Any, user: Any, demo: Demo, title: str, tail: str = "", **params: Any) -> dict[str, Any]:
    response = api(user).get(f"{base(demo)}/proposals/{proposal_named(demo, title).pk}{tail}", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_list_shows_the_demos_decisions_newest_first(api, demo):
    body = api(demo.member).get(f"{base(demo)}/proposals").json()

    assert [(item["title"], item["status"], item["round_number"]) for item in body["items"]] == [
        (demo_module.QUORUM_TITLE, "open", 1),
        (demo_module.BUDDY_TITLE, "passed", 1),
        (demo_module.DUES_TITLE, "open", 1),
        (demo_module.ASSEMBLY_TITLE, "open", 1),
        (demo_module.BUS_TITLE, "open", 1),
        (demo_module.BUDGET_TITLE, "open", 2),
        (demo_module.ROTATION_TITLE, "passed", 1),
        (demo_module.MEETINGS_TITLE, "passed", 1),
        ("Admit Rajesh Kumar", "open", 1),
        ("Admit Sheffield Tenants for Climate", "open", 1),
        (f"Admit {demo_module.GAS_FORUM}", "blocked", 1),
        (f"Admit {demo_module.DURHAM}", "passed", 1),
        (f"Founding decision: adopt the constitution of {demo_module.COALITION_NAME}", "passed", 1),
    ]
    responded = {item["title"]: (item["responded_count"], item["eligible_count"]) for item in body["items"]}
    pending = len(demo_module.PENDING_STANCES)
    assert responded == {
        demo_module.QUORUM_TITLE: (len(demo_module.QUORUM_STANCES), GROUPS),
        demo_module.BUDDY_TITLE: (GROUPS, GROUPS),
        demo_module.DUES_TITLE: (len(demo_module.DUES_STANCES), GROUPS),
        demo_module.ASSEMBLY_TITLE: (len(demo_module.ASSEMBLY_RANKINGS), PEOPLE),
        demo_module.BUS_TITLE: (len(demo_module.BUS_STANCES), len(demo_module.BUS_GROUPS)),
        demo_module.BUDGET_TITLE: (len(demo_module.BUDGET_ROUND_2_STANCES), GROUPS),
        demo_module.ROTATION_TITLE: (GROUPS, GROUPS),
        demo_module.MEETINGS_TITLE: (PEOPLE, PEOPLE),
        "Admit Rajesh Kumar": (pending, ADMISSION_UNITS),
        "Admit Sheffield Tenants for Climate": (pending, ADMISSION_UNITS),
        f"Admit {demo_module.GAS_FORUM}": (25, 25),
        f"Admit {demo_module.DURHAM}": (25, 25),
        f"Founding decision: adopt the constitution of {demo_module.COALITION_NAME}": (20, 20),
    }


def test_the_delegate_is_waited_on_for_the_quorum_amendment_and_the_admissions(api, demo):
    body = read(api, demo.delegate, demo, demo_module.QUORUM_TITLE)
    group = read(api, demo.delegate, demo, "Admit Sheffield Tenants for Climate")

    assert (body["status"], body["round"]["responded"], body["accepting_stances"]) == (
        "open",
        len(demo_module.QUORUM_STANCES),
        True,
    )
    for proposal in (body, group):
        assert proposal["my_units"] == [
            {
                "unit": key_of(demo.delegate_group),
                "label": "Leeds Climate Action",
                "kind": "member_group",
                "stance": None,
            }
        ]


def test_the_budget_was_blocked_and_its_second_round_is_open(api, demo):
    body = read(api, demo.delegate, demo, demo_module.BUDGET_TITLE)
    rounds = read(api, demo.delegate, demo, demo_module.BUDGET_TITLE, "/rounds")

    assert [(item["number"], item["status"]) for item in rounds["items"]] == [(1, "blocked"), (2, "open")]
    blocks = [c for c in rounds["items"][0]["outcome"]["conditions"] if c["name"] == "blocks"]
    assert blocks == [
        {
            "name": "blocks",
            "required": "at most 1",
            "found": "2",
            "met": False,
            "explanation": "2 blocks, allowed 1: 1 more than allowed",
        }
    ]
    assert (body["round"]["number"], body["round"]["text"], body["round"]["failed_rounds_before"]) == (
        2,
        demo_module.BUDGET_AMENDED_TEXT,
        1,
    )
    assert (body["round"]["responded"], body["accepting_stances"]) == (len(demo_module.BUDGET_ROUND_2_STANCES), True)
    # The delegate answered for Leeds Climate Action in round 2.
    (mine,) = body["my_units"]
    assert (mine["unit"], mine["label"], mine["stance"]["position"], mine["stance"]["round"]) == (
        key_of(demo.delegate_group),
        "Leeds Climate Action",
        "agree",
        2,
    )


def test_the_bus_fares_letter_waits_for_the_delegates_group(api, demo):
    body = read(api, demo.delegate, demo, demo_module.BUS_TITLE)
    waiting = read(api, demo.delegate, demo, demo_module.BUS_TITLE, "/not-responded")

    assert sorted(group["name"] for group in body["scope_groups"]) == sorted(demo_module.BUS_GROUPS)
    assert body["my_units"] == [
        {"unit": key_of(demo.delegate_group), "label": "Leeds Climate Action", "kind": "member_group", "stance": None}
    ]
    assert [item["label"] for item in waiting["items"]] == ["Hebden Bridge Flood Wardens", "Leeds Climate Action"]


def test_the_assembly_date_waits_for_the_member_and_counts_rankings_live(api, demo):
    body = read(api, demo.member, demo, demo_module.ASSEMBLY_TITLE)

    assert body["options"] == list(demo_module.ASSEMBLY_OPTIONS)
    assert body["my_units"] == [
        {"unit": key_of(demo.member_person), "label": "Daniel Murphy", "kind": "person", "stance": None}
    ]
    assert body["outcome"]["counts"]["responded"] == len(demo_module.ASSEMBLY_RANKINGS)
    assert body["outcome"]["status"] in {"chosen", "tie", "no_quorum"}


def test_the_rotation_passed_with_manchesters_block_on_the_record(api, demo):
    body = read(api, demo.member, demo, demo_module.ROTATION_TITLE)
    stances = read(api, demo.member, demo, demo_module.ROTATION_TITLE, "/stances", page_size=200)

    assert (body["status"], body["outcome"]["status"]) == ("passed", "passed")
    blocks = {item["unit_label"]: item["reason"] for item in stances["items"] if item["position"] == "block"}
    assert blocks == {demo_module.MANCHESTER: demo_module.ROTATION_STANCES[demo_module.MANCHESTER][1]}
    assert {item["recorded_by"] for item in stances["items"]} == {"Amara Okafor"}  # recorded in the room


def test_the_online_meetings_passed_by_a_show_of_hands(api, demo):
    body = read(api, demo.member, demo, demo_module.MEETINGS_TITLE)

    positions = body["outcome"]["counts"]["positions"]
    assert (positions["disagree"]["units"], positions["abstain"]["units"]) == (
        len(demo_module.MEETINGS_DISAGREE),
        len(demo_module.MEETINGS_ABSTAIN),
    )
    assert positions["agree"]["units"] == PEOPLE - len(demo_module.MEETINGS_DISAGREE) - len(
        demo_module.MEETINGS_ABSTAIN
    )
    assert (body["status"], body["participation"]["share"]) == ("passed", "100%")
