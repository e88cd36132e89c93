"""Spokescouncils: positions in the guide's words, counted by the rule; rounds of amendments; groups' own rules."""

from __future__ import annotations

from typing import Any

import pytest

from accord.coalitions.models import AuditEvent
from accord.decisions import actions, group_rules, spokescouncil
from accord.decisions.models import GroupMemberView, GroupRule, Proposal, Round, Stance, Status
from accord.errors import Conflict, Invalid, NotAllowed
from accord.governance import parse_rule

from .conftest import World, add_kind, close, current_round, group_key, in_days, open_proposal, snapshot

CONSENSUS = {"method": "consensus", "unit": "groups"}
CONSENSUS_MINUS_ONE = {"method": "consensus", "unit": "groups", "blocks_allowed": 1}
MAJORITY = {"method": "majority", "unit": "groups"}
MAJORITY_WITH_BLOCKS = {"method": "majority", "unit": "groups", "blocks_allowed": 0}
WITH_FALLBACK = {
    "method": "consensus",
    "unit": "groups",
    "fallback": {"after_failed_rounds": 2, "rule": {"method": "majority", "unit": "groups"}},
}


def spokes(world: World, rule: dict[str, Any] = CONSENSUS, **arguments: Any) -> Proposal:
    kind = add_kind(world, "spokes_kind", rule)
    return open_proposal(world, kind=kind, process="spokescouncil", **arguments)


def say(world: World, proposal: Proposal, user: Any, position: str, **arguments: Any) -> Stance:
    proposal.refresh_from_db()
    return actions.record_stance(actor=user, proposal=proposal, spokes_position=position, **arguments)


# --- the mapping --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (CONSENSUS, {"agree": "agree", "concerns": "agree", "amend": "stand_aside", "block": "block"}),
        (CONSENSUS_MINUS_ONE, {"agree": "agree", "concerns": "agree", "amend": "stand_aside", "block": "block"}),
        (MAJORITY, {"agree": "agree", "concerns": "agree", "amend": "disagree", "block": "disagree"}),
        (MAJORITY_WITH_BLOCKS, {"agree": "agree", "concerns": "agree", "amend": "disagree", "block": "block"}),
    ],
)
def test_mapping_follows_the_rule(rule: dict[str, Any], expected: dict[str, str]) -> None:
    parsed = parse_rule(rule)
    assert {position: spokescouncil.counted_position(parsed, position) for position in expected} == expected


def test_mapping_refuses_unknown_positions() -> None:
    with pytest.raises(ValueError, match="Not a spokescouncil position"):
        spokescouncil.counted_position(parse_rule(CONSENSUS), "maybe")


def test_consensus_round_counts_amend_as_stand_aside_and_keeps_the_words(world: World) -> None:
    proposal = spokes(world)
    assert proposal.process == "spokescouncil"
    assert proposal.close_when_all_responded is True  # a spokescouncil closes once every group has spoken
    first = say(world, proposal, world.delegate, "amend", amendment="Meet on Wednesdays instead.")
    assert (first.spokes_position, first.position, first.amendment) == (
        "amend",
        "stand_aside",
        "Meet on Wednesdays instead.",
    )
    second = say(world, proposal, world.other_delegate, "concerns", reason="Tuesdays are hard for carers.")
    assert (second.spokes_position, second.position, second.reason) == (
        "concerns",
        "agree",
        "Tuesdays are hard for carers.",
    )
    proposal.refresh_from_db()
    assert proposal.status == Status.PASSED  # closed as soon as both groups responded; a stand aside passes
    rows = spokescouncil.spokes_positions(world.member, proposal)
    assert [(row.unit.label, row.words, row.amendment, row.concerns, row.stance.recorded_by.name) for row in rows] == [
        ("Hull Heat", "Agree, with concerns", "", "Tuesdays are hard for carers.", "Pat"),
        ("Leeds Action", "Agree with amendments", "Meet on Wednesdays instead.", "", "Dev"),
    ]
    audit = AuditEvent.objects.filter(verb="stance.recorded").order_by("pk").last()
    assert audit.summary == "gave the position “agree, with concerns” for Hull Heat on “Meet on Tuesdays”"


def test_consensus_minus_one_lets_one_block_pass(world: World) -> None:
    proposal = spokes(world, CONSENSUS_MINUS_ONE)
    say(world, proposal, world.delegate, "block", reason="It breaks our safety agreement.")
    say(world, proposal, world.other_delegate, "agree")
    proposal.refresh_from_db()
    assert proposal.status == Status.PASSED
    assert current_round(proposal).outcome["counts"]["positions"]["block"]["units"] == 1


def test_majority_counts_amend_and_block_against(world: World) -> None:
    proposal = spokes(world, MAJORITY)
    say(world, proposal, world.delegate, "amend", amendment="Only in summer.")
    say(world, proposal, world.other_delegate, "block", reason="We cannot make evenings.")
    proposal.refresh_from_db()
    assert proposal.status == Status.REJECTED
    assert list(
        Stance.objects.filter(round__proposal=proposal).order_by("pk").values_list("spokes_position", "position")
    ) == [
        ("amend", "disagree"),
        ("block", "disagree"),
    ]


# --- rounds ------------------------------------------------------------------------------------------------------


def test_three_rounds_with_amendments_then_consensus_keep_every_text_and_position(world: World) -> None:
    proposal = spokes(world, close_when_all_responded=False)
    say(world, proposal, world.delegate, "block", reason="Tuesdays clash with our assembly.")
    say(world, proposal, world.other_delegate, "amend", amendment="Add an online option.")
    close(proposal)
    assert proposal.status == Status.BLOCKED
    actions.start_next_round(
        actor=world.member, proposal=proposal, closes_at=in_days(7), text="We meet on Wednesdays, online too."
    )
    say(world, proposal, world.delegate, "amend", amendment="Start at 6pm.")
    say(world, proposal, world.other_delegate, "concerns", reason="Online needs a host.")
    say(world, proposal, world.delegate, "block", reason="6pm or nothing.")  # a changed position is a new record
    close(proposal)
    assert proposal.status == Status.BLOCKED
    actions.start_next_round(
        actor=world.member, proposal=proposal, closes_at=in_days(7), text="We meet on Wednesdays at 6pm, online too."
    )
    say(world, proposal, world.delegate, "agree")
    say(world, proposal, world.other_delegate, "concerns", reason="Online needs a host.")
    close(proposal)
    assert proposal.status == Status.PASSED
    assert list(Round.objects.filter(proposal=proposal).order_by("number").values_list("number", "text", "status")) == [
        (1, "We meet on Tuesdays at 7pm.", "blocked"),
        (2, "We meet on Wednesdays, online too.", "blocked"),
        (3, "We meet on Wednesdays at 6pm, online too.", "passed"),
    ]
    history = spokescouncil.spokes_history(world.member, proposal)
    assert [
        (
            entry.round.number,
            [(row.unit.label, row.spokes_position, row.amendment or row.concerns) for row in entry.positions],
        )
        for entry in history
    ] == [
        (3, [("Hull Heat", "concerns", "Online needs a host."), ("Leeds Action", "agree", "")]),
        (2, [("Hull Heat", "concerns", "Online needs a host."), ("Leeds Action", "block", "6pm or nothing.")]),
        (
            1,
            [
                ("Hull Heat", "amend", "Add an online option."),
                ("Leeds Action", "block", "Tuesdays clash with our assembly."),
            ],
        ),
    ]
    # Nothing overwritten: all seven positions are kept, two of them no longer current.
    assert Stance.objects.filter(round__proposal=proposal).count() == 7
    assert Stance.objects.filter(round__proposal=proposal, is_current=False).count() == 1


def test_fallback_rule_applies_after_failed_rounds(world: World) -> None:
    proposal = spokes(world, WITH_FALLBACK, close_when_all_responded=False)
    for number in (1, 2):
        say(world, proposal, world.delegate, "block", reason="Not this way.")
        say(world, proposal, world.other_delegate, "agree")
        close(proposal)
        assert proposal.status == Status.BLOCKED
        actions.start_next_round(actor=world.member, proposal=proposal, closes_at=in_days(7), text=f"Text {number + 1}")
    round_ = current_round(proposal)
    assert (round_.number, round_.rule_applied) == (3, "fallback")
    block = say(world, proposal, world.delegate, "block", reason="Still not.")
    assert block.position == "disagree"  # the majority fallback has no blocks: a block counts against
    say(world, proposal, world.other_delegate, "agree")
    close(proposal)
    assert proposal.status == Status.REJECTED  # 1 of 2 is not more than half


def test_facilitator_closes_early_once_everyone_responded(world: World) -> None:
    proposal = spokes(world, close_when_all_responded=False)
    say(world, proposal, world.delegate, "agree")
    before = snapshot()
    with pytest.raises(Conflict, match="1 of 2 have not given a position yet"):
        group_rules.close_when_everyone_responded(actor=world.coordinator, proposal=proposal)
    assert snapshot() == before
    say(world, proposal, world.other_delegate, "agree")
    with pytest.raises(NotAllowed):
        group_rules.close_when_everyone_responded(actor=world.facilitator, proposal=proposal)
    closed = group_rules.close_when_everyone_responded(actor=world.coordinator, proposal=proposal)
    proposal.refresh_from_db()
    assert (closed.status, proposal.status) == ("passed", "passed")


# --- refusals ------------------------------------------------------------------------------------------------------


def test_spokescouncil_needs_a_kind_counted_by_groups(world: World) -> None:
    kind = add_kind(world, "groups_kind", CONSENSUS)
    before = snapshot()
    with pytest.raises(Invalid) as refused:
        open_proposal(world, kind="meeting_conduct", process="spokescouncil")  # counted by people
    assert refused.value.field == "process"
    assert "counted by people, so it cannot run as a spokescouncil" in refused.value.message
    with pytest.raises(Invalid) as unknown:
        open_proposal(world, kind=kind, process="assembly")
    assert unknown.value.field == "process"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("arguments", "field", "message"),
    [
        ({"spokes_position": "amend"}, "amendment", "Write the amendment the group asks for."),
        ({"spokes_position": "amend", "amendment": "   "}, "amendment", "Write the amendment the group asks for."),
        ({"spokes_position": "concerns"}, "reason", "Write the group's concerns."),
        ({"spokes_position": "block"}, "reason", "A block needs a reason"),
        ({"spokes_position": "maybe"}, "spokes_position", 'Give the position as "agree"'),
        ({}, "spokes_position", "Choose the group's position"),
        ({"position": "agree"}, "position", "This proposal runs as a spokescouncil"),
        ({"spokes_position": "agree", "amendment": "More"}, "amendment", "An amendment goes with"),
    ],
)
def test_bad_spokescouncil_positions_are_refused(
    world: World, arguments: dict[str, Any], field: str, message: str
) -> None:
    proposal = spokes(world)
    before = snapshot()
    with pytest.raises(Invalid) as refused:
        actions.record_stance(actor=world.delegate, proposal=proposal, **arguments)
    assert refused.value.field == field
    assert message in refused.value.message
    assert snapshot() == before


def test_standard_proposals_refuse_spokescouncil_positions(world: World) -> None:
    proposal = open_proposal(world, kind=add_kind(world, "groups_kind", CONSENSUS))
    before = snapshot()
    with pytest.raises(Invalid) as refused:
        actions.record_stance(actor=world.delegate, proposal=proposal, spokes_position="agree")
    assert refused.value.field == "spokes_position"
    assert snapshot() == before


# --- a group's internal rule ----------------------------------------------------------------------------------------


def with_rule(world: World, rule: dict[str, Any] | None = None) -> Proposal:
    group_rules.set_group_rule(
        actor=world.delegate, member_group=world.group, rule=rule or {"method": "majority", "unit": "people"}
    )
    return spokes(world, close_when_all_responded=False)


def view(world: World, proposal: Proposal, user: Any, position: str, **arguments: Any) -> GroupMemberView:
    return group_rules.give_member_view(
        actor=user, proposal=proposal, member_group=world.group, spokes_position=position, **arguments
    )


def test_internal_rule_settles_agree_with_concerns(world: World) -> None:
    proposal = with_rule(world)
    view(world, proposal, world.delegate, "agree")
    view(world, proposal, world.member, "concerns", reason="Keep it short.")
    # Every member has given a view, so a member who is not a delegate may settle it.
    stance = group_rules.settle_group_position(actor=world.member, proposal=proposal, member_group=world.group)
    assert (stance.spokes_position, stance.position, stance.reason, stance.recorded_by.name) == (
        "concerns",
        "agree",
        "Keep it short.",
        "Mo",
    )
    assert stance.note.startswith("Settled by Leeds Action's internal rule from 2 of 2 members' views: Passed")
    assert stance.unit_key == group_key(world.group)


def test_internal_rule_settles_block_with_reasons(world: World) -> None:
    proposal = with_rule(world, {"method": "consensus", "unit": "people"})
    view(world, proposal, world.delegate, "agree")
    view(world, proposal, world.member, "block", reason="Unsafe for us.")
    stance = group_rules.settle_group_position(actor=world.delegate, proposal=proposal, member_group=world.group)
    assert (stance.spokes_position, stance.position, stance.reason) == ("block", "block", "Unsafe for us.")


def test_internal_rule_settles_amend_with_amendments_joined(world: World) -> None:
    proposal = with_rule(world)
    view(world, proposal, world.delegate, "amend", amendment="Meet monthly.")
    view(world, proposal, world.member, "amend", amendment="Rotate the venue.")
    # A member's new view replaces their earlier one (one per round, group and person).
    view(world, proposal, world.member, "amend", amendment="Rotate the venue between towns.")
    assert GroupMemberView.objects.count() == 2
    stance = group_rules.settle_group_position(actor=world.delegate, proposal=proposal, member_group=world.group)
    assert (stance.spokes_position, stance.position, stance.amendment) == (
        "amend",
        "stand_aside",
        "Meet monthly.\n\nRotate the venue between towns.",
    )


def test_settling_refusals_change_nothing(world: World) -> None:
    proposal = with_rule(world)
    before = snapshot()
    with pytest.raises(Conflict, match="No member of Leeds Action has given a view"):
        group_rules.settle_group_position(actor=world.delegate, proposal=proposal, member_group=world.group)
    view(world, proposal, world.delegate, "agree")
    before = snapshot()
    with pytest.raises(NotAllowed, match=r"Until every member has given a view \(1 of 2 so far\)"):
        group_rules.settle_group_position(actor=world.member, proposal=proposal, member_group=world.group)
    with pytest.raises(NotAllowed):
        group_rules.give_member_view(
            actor=world.other_delegate, proposal=proposal, member_group=world.group, spokes_position="agree"
        )
    with pytest.raises(Invalid) as refused:
        view(world, proposal, world.member, "amend")
    assert refused.value.field == "amendment"
    assert snapshot() == before
    assert GroupMemberView.objects.count() == 1


def test_group_rule_is_set_by_delegates_and_counted_by_people(world: World) -> None:
    with pytest.raises(NotAllowed):
        group_rules.set_group_rule(
            actor=world.member, member_group=world.group, rule={"method": "majority", "unit": "people"}
        )
    with pytest.raises(Invalid) as refused:
        group_rules.set_group_rule(
            actor=world.delegate, member_group=world.group, rule={"method": "majority", "unit": "groups"}
        )
    assert refused.value.field == "rule.unit"
    assert GroupRule.objects.count() == 0
    found = group_rules.set_group_rule(
        actor=world.delegate, member_group=world.group, rule={"method": "consensus", "unit": "people"}, enabled=False
    )
    assert (found.rule["method"], found.enabled) == ("consensus", False)
    proposal = spokes(world)
    with pytest.raises(Conflict, match="no internal rule in use"):
        view(world, proposal, world.member, "agree")


# --- what a group's own rule makes of its members' views (found in review) ------------------------------------------


def _views(*positions: tuple[str, str, str]) -> list[GroupMemberView]:
    """Unsaved views of members 1, 2, 3...: (spokes position, amendment, reason)."""
    return [
        GroupMemberView(person_id=index, spokes_position=position, amendment=amendment, reason=reason)
        for index, (position, amendment, reason) in enumerate(positions, start=1)
    ]


def test_most_members_blocking_under_a_majority_rule_is_a_block_not_an_amendment() -> None:
    views = _views(("block", "", "Unsafe."), ("block", "", "Too costly."), ("agree", "", ""))
    settled = group_rules.settle({"method": "majority", "unit": "people"}, views, [1, 2, 3])
    assert (settled.spokes_position, settled.reason) == ("block", "Unsafe.\n\nToo costly.")


def test_one_block_of_two_under_a_majority_rule_is_no_agreement_rather_than_a_block() -> None:
    views = _views(("block", "", "Unsafe."), ("agree", "", ""))
    settled = group_rules.settle({"method": "majority", "unit": "people"}, views, [1, 2])
    assert settled.spokes_position == "amend"
    assert settled.amendment.startswith("The members did not agree under the group's rule: ")


def test_amendments_asked_for_are_kept_when_the_group_rule_passes() -> None:
    views = _views(("amend", "Change A.", ""), ("amend", "Change B.", ""), ("agree", "", ""))
    settled = group_rules.settle({"method": "consensus", "unit": "people"}, views, [1, 2, 3])
    assert settled.outcome.status == "passed"
    assert (settled.spokes_position, settled.amendment) == ("amend", "Change A.\n\nChange B.")
