"""Who may respond, fixed when a round opens, and how stances are recorded: a changed stance is a new record, the
latest counts, the history keeps all; secret proposals show totals only."""

from __future__ import annotations

import pytest

from accord.coalitions import actions as coalition_actions
from accord.coalitions.models import Affiliation, AuditEvent
from accord.decisions import actions, queries
from accord.decisions.models import EligibleUnit, Stance
from accord.errors import Invalid, NotAllowed

from .conftest import (
    NOT_ELIGIBLE,
    REASON,
    World,
    add_kind,
    add_mixed_kind,
    current_round,
    group_key,
    open_proposal,
    snapshot,
)


def eligible(proposal) -> list[tuple[str, str, int, str]]:
    return list(
        EligibleUnit.objects.filter(round=current_round(proposal)).values_list("key", "label", "size", "weight")
    )


# --- eligibility ----------------------------------------------------------------------------------------------------


def test_a_people_counted_round_lists_every_current_member(world: World) -> None:
    proposal = open_proposal(world)
    assert eligible(proposal) == [
        (world.key(world.coordinator), "Ana", 1, ""),
        (world.key(world.delegate), "Dev", 1, ""),
        (world.key(world.facilitator), "Fay", 1, ""),
        (world.key(world.member), "Mo", 1, ""),
        (world.key(world.other_delegate), "Pat", 1, ""),
    ]
    assert current_round(proposal).eligible_count == 5
    event = AuditEvent.objects.filter(coalition=world.coalition, verb="proposal.opened").get()
    assert event.data == {"rule": proposal.rule, "eligible": 5, "effect": ""}
    assert event.actor_name == "Mo"


def test_a_groups_counted_round_lists_the_member_groups(world: World) -> None:
    proposal = open_proposal(world, kind="name_and_shared_accounts")
    assert eligible(proposal) == [
        (group_key(world.other_group), "Hull Heat", 3, ""),
        (group_key(world.group), "Leeds Action", 40, ""),
    ]


def test_groups_and_individuals_adds_members_of_no_group(world: World) -> None:
    proposal = open_proposal(world, kind=add_mixed_kind(world))
    assert eligible(proposal) == [
        (world.key(world.coordinator), "Ana", 1, ""),
        (group_key(world.other_group), "Hull Heat", 3, ""),
        (group_key(world.group), "Leeds Action", 40, ""),
    ]


def test_custom_weighting_snapshots_the_agreed_weights(world: World) -> None:
    actions.set_agreed_weight(actor=world.coordinator, member_group=world.group, weight="1.5")
    kind = add_kind(world, "weighted", {"method": "majority", "unit": "groups", "weighting": "custom"})
    proposal = open_proposal(world, kind=kind)
    actions.set_agreed_weight(actor=world.coordinator, member_group=world.group, weight="5")  # after opening
    assert eligible(proposal) == [
        (group_key(world.other_group), "Hull Heat", 3, "1"),
        (group_key(world.group), "Leeds Action", 40, "3/2"),
    ]


def test_affected_groups_decide_alone(world: World) -> None:
    affected = open_proposal(world, kind="affected_groups", scope_groups=[world.other_group])
    assert eligible(affected) == [(group_key(world.other_group), "Hull Heat", 3, "")]
    assert list(affected.scope_groups.all()) == [world.other_group]
    people_kind = add_kind(world, "leeds_people", {"method": "majority", "unit": "people"}, scope="affected_groups")
    by_people = open_proposal(world, kind=people_kind, scope_groups=[world.group.pk])
    assert eligible(by_people) == [(world.key(world.delegate), "Dev", 1, ""), (world.key(world.member), "Mo", 1, "")]
    mixed_kind = add_kind(
        world, "leeds_mixed", {"method": "majority", "unit": "groups_and_individuals"}, scope="affected_groups"
    )
    mixed = open_proposal(world, kind=mixed_kind, scope_groups=[world.group])
    assert eligible(mixed) == [(group_key(world.group), "Leeds Action", 40, "")]  # no individual members
    before = snapshot()
    with pytest.raises(NotAllowed) as refusal:  # Pat's group is not affected
        actions.record_stance(actor=world.other_delegate, proposal=by_people, position="agree")
    assert snapshot() == before
    assert refusal.value.message == (NOT_ELIGIBLE)


def test_a_group_that_leaves_mid_round_stays_counted(world: World) -> None:
    proposal = open_proposal(world, kind="name_and_shared_accounts")  # 9/10 of groups, quorum 2/3
    coalition_actions.withdraw_member_group(actor=world.other_delegate, member_group=world.other_group)
    actions.record_stance(actor=world.delegate, proposal=proposal, position="agree")
    round_ = current_round(proposal)
    assert round_.eligible_count == 2
    outcome = queries.tally_round(proposal, round_)
    assert (outcome.status, outcome.counts["eligible"], outcome.counts["responded"]) == ("no_quorum", 2, 1)
    with pytest.raises(NotAllowed) as refusal:  # Pat left with the group, so no longer speaks for it
        actions.record_stance(actor=world.other_delegate, proposal=proposal, position="agree")
    assert refusal.value.message == "Only members of this coalition can respond."
    # a coordinator may still record the group's position, given in the room before it left
    actions.record_stance(
        actor=world.coordinator, proposal=proposal, unit_key=group_key(world.other_group), position="agree"
    )
    outcome = queries.tally_round(proposal, round_)
    assert (outcome.status, outcome.counts["responded"]) == ("passed", 2)


# --- who responds for a unit ----------------------------------------------------------------------------------------


def test_a_member_of_a_groups_counted_proposal_is_sent_to_their_delegate(world: World) -> None:
    proposal = open_proposal(world, kind="name_and_shared_accounts")
    before = snapshot()
    for user in (world.member, world.facilitator, world.coordinator):
        with pytest.raises(NotAllowed) as refusal:
            actions.record_stance(actor=user, proposal=proposal, position="agree")
        assert refusal.value.message == (
            "This decision is counted by member groups, and you are not a delegate of an eligible group: ask your "
            "group's delegate to give its position."
        )
    assert snapshot() == before


def test_a_group_member_under_groups_and_individuals_is_sent_to_their_delegate(world: World) -> None:
    proposal = open_proposal(world, kind=add_mixed_kind(world))
    before = snapshot()
    before = snapshot()
    with pytest.raises(NotAllowed) as refusal:
        actions.record_stance(actor=world.member, proposal=proposal, position="agree")
    assert snapshot() == before
    assert refusal.value.message == (
        "This decision is counted by member groups and individual members, and you take part through your member "
        "group: ask its delegate to give its position."
    )
    assert snapshot() == before
    assert actions.record_stance(actor=world.coordinator, proposal=proposal, position="agree").unit_key == (
        world.key(world.coordinator)  # an individual member responds for herself
    )


def test_the_message_follows_the_unit_of_the_rule_that_applies_in_the_round(world: World) -> None:
    from .conftest import close, in_days

    kind = add_kind(
        world,
        "people_then_groups",
        {
            "method": "consensus",
            "unit": "people",
            "fallback": {
                "after_failed_rounds": 1,
                "rule": {"method": "supermajority", "unit": "groups", "threshold": "2/3"},
            },
        },
    )
    proposal = open_proposal(world, kind=kind)
    close(proposal)  # no one responded: rejected (nobody agreed)
    actions.start_next_round(actor=world.member, proposal=proposal, closes_at=in_days(2))
    proposal.refresh_from_db()
    assert [key for key, *_ in eligible(proposal)] == [group_key(world.other_group), group_key(world.group)]
    before = snapshot()
    with pytest.raises(NotAllowed) as refusal:
        actions.record_stance(actor=world.member, proposal=proposal, position="agree")
    assert snapshot() == before
    assert refusal.value.message == (
        "This decision is counted by member groups, and you are not a delegate of an eligible group: ask your "
        "group's delegate to give its position."
    )


def test_a_delegate_of_two_groups_says_which_they_respond_for(world: World) -> None:
    affiliation = coalition_actions.add_affiliation(
        actor=world.coordinator, person=world.person(world.delegate), member_group=world.other_group
    )
    coalition_actions.set_delegate(actor=world.coordinator, affiliation=affiliation, is_delegate=True)
    proposal = open_proposal(world, kind="name_and_shared_accounts", title="Rename us")
    before = snapshot()
    with pytest.raises(Invalid) as refusal:
        actions.record_stance(actor=world.delegate, proposal=proposal, position="agree")
    hull, leeds = group_key(world.other_group), group_key(world.group)
    assert (refusal.value.field, refusal.value.message) == (
        "unit",
        f"Say whom you respond for: {hull} (Hull Heat), {leeds} (Leeds Action).",
    )
    assert snapshot() == before
    stance = actions.record_stance(actor=world.delegate, proposal=proposal, unit_key=hull, position="disagree")
    assert (stance.unit_key, stance.size, stance.recorded_by, stance.position) == (
        hull,
        3,
        world.person(world.delegate),
        "disagree",
    )
    assert AuditEvent.objects.filter(coalition=world.coalition, verb="stance.recorded").get().summary == (
        "gave the stance disagree for Hull Heat on “Rename us”"
    )
    assert Affiliation.objects.filter(person=world.person(world.delegate), is_delegate=True).count() == 2


def test_a_facilitator_records_for_someone_in_the_room(world: World) -> None:
    proposal = open_proposal(world, facilitators=[world.person(world.facilitator)])
    stance = actions.record_stance(
        actor=world.facilitator, proposal=proposal, unit_key=world.key(world.member), position="agree", reason=" ok "
    )
    assert (stance.unit_key, stance.recorded_by, stance.reason) == (
        world.key(world.member),
        world.person(world.facilitator),
        "ok",
    )
    event = AuditEvent.objects.filter(coalition=world.coalition, verb="stance.recorded").get()
    assert (event.actor_name, event.summary, event.data) == (
        "Fay",
        "gave the stance agree on behalf of Mo on “Meet on Tuesdays”",
        {"round": 1, "unit": world.key(world.member)},
    )
    listed = queries.eligible_units(world.facilitator, proposal, current_round(proposal))
    assert [(unit.label, unit.current_position, unit.has_stance) for unit in listed] == [
        ("Ana", None, False),
        ("Dev", None, False),
        ("Fay", None, False),
        ("Mo", "agree", True),
        ("Pat", None, False),
    ]
    found = queries.eligible_units(world.facilitator, proposal, current_round(proposal), search=" mo ")
    assert [unit.label for unit in found] == ["Mo"]


# --- changed stances and the history --------------------------------------------------------------------------------


def test_a_changed_stance_is_a_new_record_and_the_latest_counts(world: World) -> None:
    kind = add_kind(world, "room_consensus", {"method": "consensus", "unit": "people"})
    proposal = open_proposal(world, kind=kind, title="Share a van")
    first = actions.record_stance(actor=world.member, proposal=proposal, position="agree")
    second = actions.record_stance(actor=world.member, proposal=proposal, position="stand_aside", reason="Busy")
    third = actions.record_stance(actor=world.member, proposal=proposal, position="block", reason=REASON)
    rows = list(Stance.objects.filter(unit_key=world.key(world.member)).values_list("pk", "position", "is_current"))
    assert rows == [(first.pk, "agree", False), (second.pk, "stand_aside", False), (third.pk, "block", True)]
    outcome = queries.tally_round(proposal, current_round(proposal))
    assert outcome.counts["positions"] == {"block": {"units": 1, "weight": "1"}}
    assert outcome.status == "blocked"
    history = queries.stance_history(world.delegate, proposal, world.key(world.member))
    assert [(stance.position, stance.reason, stance.is_current) for stance in history] == [
        ("agree", "", False),
        ("stand_aside", "Busy", False),
        ("block", REASON, True),
    ]
    assert list(
        AuditEvent.objects.filter(coalition=world.coalition, verb="stance.recorded")
        .order_by("pk")
        .values_list("summary", flat=True)
    ) == [
        "gave the stance agree on “Share a van”",
        "gave the stance stand aside on “Share a van”",
        "gave the stance block on “Share a van”",
    ]
    responses = queries.responses(world.delegate, proposal, current_round(proposal))
    assert [(stance.unit.label, stance.position) for stance in responses] == [("Mo", "block")]
    assert [unit.label for unit in queries.not_responded(world.delegate, proposal, current_round(proposal))] == [
        "Ana",
        "Dev",
        "Fay",
        "Pat",
    ]


def test_a_secret_proposal_shows_totals_but_not_who_said_what(world: World) -> None:
    proposal = open_proposal(world, stance_visibility="secret", title="Pick a chair")
    actions.record_stance(actor=world.member, proposal=proposal, position="disagree")
    actions.record_stance(actor=world.delegate, proposal=proposal, position="agree")
    round_ = current_round(proposal)
    assert list(
        AuditEvent.objects.filter(coalition=world.coalition, verb="stance.recorded")
        .order_by("pk")
        .values_list("summary", flat=True)
    ) == [
        "gave a stance on “Pick a chair”",
        "gave a stance on “Pick a chair”",
    ]
    assert list(queries.responses(world.coordinator, proposal, round_)) == []
    assert list(queries.not_responded(world.coordinator, proposal, round_)) == []
    assert list(queries.stance_history(world.coordinator, proposal, world.key(world.member))) == []
    own = queries.stance_history(world.member, proposal, world.key(world.member))
    assert [stance.position for stance in own] == ["disagree"]
    outcome = queries.tally_round(proposal, round_)
    assert outcome.counts["positions"] == {
        "agree": {"units": 1, "weight": "1"},
        "disagree": {"units": 1, "weight": "1"},
    }
    view = queries.proposal_view(world.member, proposal)
    assert [(unit.key, stance.position if stance else None) for unit, stance in view.my_units] == [
        (world.key(world.member), "disagree")
    ]


def test_results_after_close_are_hidden_while_open(world: World) -> None:
    proposal = open_proposal(world, results_visibility="after_close")
    actions.record_stance(actor=world.member, proposal=proposal, position="agree")
    view = queries.proposal_view(world.coordinator, proposal)
    assert (view.results_hidden, view.outcome, view.responded, view.may_facilitate) == (True, None, 1, True)
    member_view = queries.proposal_view(world.delegate, proposal)
    assert (member_view.may_facilitate, [stance for _, stance in member_view.my_units]) == (False, [None])


# --- what awaits a person -------------------------------------------------------------------------------------------


def test_awaiting_lists_open_proposals_where_ones_own_unit_has_not_responded(world: World) -> None:
    from datetime import timedelta

    from django.utils import timezone

    by_people = open_proposal(world, title="People")
    by_groups = open_proposal(world, kind="name_and_shared_accounts", title="Groups")
    later = timezone.now() + timedelta(days=1)
    open_proposal(world, title="Not yet open", opens_at=later, closes_at=later + timedelta(days=1))
    assert [p.title for p in queries.awaiting(world.delegate, world.coalition)] == ["Groups", "People"]
    assert [p.title for p in queries.awaiting(world.member, world.coalition)] == ["People"]
    actions.record_stance(actor=world.delegate, proposal=by_groups, position="agree")
    assert [p.title for p in queries.awaiting(world.delegate, world.coalition)] == ["People"]
    actions.record_stance(actor=world.delegate, proposal=by_people, position="agree")
    assert list(queries.awaiting(world.delegate, world.coalition)) == []
    actions.withdraw_proposal(actor=world.member, proposal=by_people)
    assert list(queries.awaiting(world.member, world.coalition)) == []
