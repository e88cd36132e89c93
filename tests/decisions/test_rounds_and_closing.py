"""Closing rounds (at the deadline, or at once when everyone has responded), the frozen rule, further rounds and the
fallback rule, and withdrawing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accord.coalitions.models import AuditEvent
from accord.decisions import actions, queries
from accord.decisions.models import EligibleUnit, Round, Stance
from accord.errors import Conflict, Invalid

from .conftest import REASON, World, add_kind, close, current_round, in_days, open_proposal, snapshot


def respond(world: World, proposal, **positions: str) -> None:
    """respond(world, proposal, member="agree", delegate="disagree"): each persona gives that position."""
    for role, position in positions.items():
        reason = REASON if position == "block" else ""
        actions.record_stance(actor=getattr(world, role), proposal=proposal, position=position, reason=reason)


def closed_events(world: World) -> list[tuple[str, str, str | None]]:
    return list(
        AuditEvent.objects.filter(coalition=world.coalition, verb="proposal.closed")
        .order_by("pk")
        .values_list("actor_name", "summary", "actor_user")
    )


# --- the frozen rule ------------------------------------------------------------------------------------------------


def test_changing_a_kinds_rule_changes_only_proposals_opened_afterwards(world: World) -> None:
    kind = world.kind("meeting_conduct")  # simple majority of people, quorum 1/4
    before_change = open_proposal(world, title="Before")
    actions.set_decision_kind(
        actor=world.coordinator,
        coalition=world.coalition,
        kind=kind,
        name="Meeting conduct",
        rule={"method": "supermajority", "unit": "people", "threshold": "9/10"},
    )
    after_change = open_proposal(world, title="After")
    assert before_change.rule == {
        "method": "majority",
        "unit": "people",
        "weighting": "equal",
        "base": "decided",
        "quorum": "1/4",
        "quorum_by": "count",
    }
    assert after_change.rule == {
        "method": "supermajority",
        "unit": "people",
        "weighting": "equal",
        "base": "decided",
        "threshold": "9/10",
    }
    for proposal in (before_change, after_change):
        respond(world, proposal, member="agree", delegate="agree", coordinator="agree", facilitator="disagree")
    assert close(before_change).status == "passed"
    assert close(after_change).status == "rejected"
    assert current_round(before_change).outcome["summary"] == (
        "Passed: 4 of 5 people took part (quorum 2); 3 of 4 decided people agree (75%, needed more than half)."
    )
    assert current_round(after_change).outcome["summary"] == "Rejected: 3 of 4 decided people agree (75%, needed 90%)."
    event = AuditEvent.objects.filter(coalition=world.coalition, verb="decision_kind.changed").get()
    assert event.summary == (
        "changed the decision kind Meeting conduct: now Super-majority of people: passes with at least 90% of those "
        "who agree or disagree."
    )
    assert event.data["before"]["rule"]["method"] == "majority"


def test_setting_a_kind_to_what_it_is_writes_nothing(world: World) -> None:
    kind = world.kind("meeting_conduct")
    before = snapshot()
    same = actions.set_decision_kind(
        actor=world.coordinator,
        coalition=world.coalition,
        kind=kind,
        name=" Meeting conduct ",
        description=kind.description,
        rule={"method": "majority", "quorum": "25%"},
    )
    assert same.pk == kind.pk
    assert snapshot() == before


# --- closing -----------------------------------------------------------------------------------------------------------


def test_close_when_all_responded_closes_at_the_last_response(world: World) -> None:
    proposal = open_proposal(world, kind="name_and_shared_accounts", title="Rename us", close_when_all_responded=True)
    respond(world, proposal, delegate="agree")
    assert current_round(proposal).status == "open"
    respond(world, proposal, other_delegate="agree")
    round_ = current_round(proposal)
    assert (proposal.status, round_.status, round_.closed_at is not None) == ("passed", "passed", True)
    assert round_.outcome["summary"] == (
        "Passed: 2 of 2 member groups took part (quorum 2); 2 of 2 decided member groups agree (100%, needed 90%)."
    )
    assert round_.outcome["counts"]["responded"] == 2
    assert closed_events(world) == [
        (
            "Accord",
            f"round 1 of “Rename us” closed (everyone eligible has responded): {round_.outcome['summary']}",
            None,
        )
    ]
    with pytest.raises(Conflict) as refusal:
        respond(world, proposal, delegate="disagree")
    assert refusal.value.message == "This proposal is passed; stances can no longer change."


def test_a_round_closes_at_its_deadline_and_not_before(world: World) -> None:
    proposal = open_proposal(world)
    respond(world, proposal, member="agree", delegate="disagree", coordinator="agree")
    round_ = current_round(proposal)
    before = snapshot()
    assert actions.close_round_if_due(round_id=round_.pk, now=round_.closes_at - timedelta(seconds=1)) is None
    assert actions.close_round_if_due(round_id=round_.pk) is None  # now: a week early
    assert snapshot() == before
    moment = round_.closes_at + timedelta(minutes=3)
    closed = actions.close_round_if_due(round_id=round_.pk, now=moment)
    assert closed is not None
    round_.refresh_from_db()
    proposal.refresh_from_db()
    summary = "Passed: 3 of 5 people took part (quorum 2); 2 of 3 decided people agree (66.6%, needed more than half)."
    assert (round_.status, round_.closed_at, round_.outcome["status"], round_.outcome["summary"]) == (
        "passed",
        moment,
        "passed",
        summary,
    )
    assert round_.outcome["conditions"] == [
        {
            "name": "quorum",
            "required": "at least 25% of 5 people (2)",
            "found": "3 of 5",
            "met": True,
            "explanation": "3 of 5 people took part (quorum 2)",
        },
        {
            "name": "majority",
            "required": "more than 1/2",
            "found": "2 of 3 (66.6%)",
            "met": True,
            "explanation": "2 of 3 decided people agree (66.6%, needed more than half)",
        },
    ]
    assert proposal.status == "passed"
    event = AuditEvent.objects.filter(coalition=world.coalition, verb="proposal.closed").get()
    assert (event.actor_name, event.actor_user, event.actor_person, event.summary, event.data) == (
        "Accord",
        None,
        None,
        f"round 1 of “Meet on Tuesdays” closed (its closing time came): {summary}",
        {"round": 1, "status": "passed"},
    )
    after = snapshot()
    assert actions.close_round_if_due(round_id=round_.pk, now=moment + timedelta(days=1)) is None  # closed once
    assert actions.close_round_if_due(round_id=987654, now=moment) is None
    assert snapshot() == after
    view = queries.proposal_view(world.member, proposal)
    assert view.outcome is not None and view.outcome.to_json() == round_.outcome


def test_close_due_rounds_closes_every_overdue_round_and_only_those(world: World) -> None:
    first = open_proposal(world, title="First", closes_at=in_days(1))
    second = open_proposal(world, title="Second", closes_at=in_days(2))
    third = open_proposal(world, title="Third", closes_at=in_days(5))
    moment = timezone.now() + timedelta(days=3)
    assert actions.close_due_rounds(now=moment) == 2
    for proposal in (first, second, third):
        proposal.refresh_from_db()
    assert [first.status, second.status, third.status] == ["no_quorum", "no_quorum", "open"]
    assert actions.close_due_rounds(now=moment) == 0
    assert len(closed_events(world)) == 2


# --- rounds and the fallback rule -------------------------------------------------------------------------------------


def test_after_two_blocked_rounds_the_fallback_decides_the_third(world: World) -> None:
    kind = add_kind(
        world,
        "hard_choice",
        {
            "method": "consensus",
            "unit": "people",
            "fallback": {
                "after_failed_rounds": 2,
                "rule": {"method": "supermajority", "unit": "people", "threshold": "3/4"},
            },
        },
    )
    proposal = open_proposal(world, kind=kind, title="Buy a van")
    respond(
        world,
        proposal,
        member="agree",
        delegate="agree",
        coordinator="agree",
        facilitator="agree",
        other_delegate="block",
    )
    first = close(proposal)
    assert (first.status, first.rule_applied, first.failed_rounds_before) == ("blocked", "main", 0)
    assert proposal.status == "blocked"

    second = actions.start_next_round(
        actor=world.member, proposal=proposal, closes_at=in_days(3), text="Buy a smaller van."
    )
    assert (second.number, second.rule_applied, second.failed_rounds_before, second.text) == (
        2,
        "main",
        1,
        "Buy a smaller van.",
    )
    assert Stance.objects.filter(round=second).count() == 0  # stances do not carry over
    proposal.refresh_from_db()  # start_next_round changed the row, not this object
    assert EligibleUnit.objects.filter(round=second).count() == 5
    respond(world, proposal, member="agree", other_delegate="block")
    assert close(proposal).status == "blocked"

    third = actions.start_next_round(actor=world.coordinator, proposal=proposal, closes_at=in_days(3))
    proposal.refresh_from_db()
    assert (third.number, third.rule_applied, third.failed_rounds_before, third.text) == (
        3,
        "fallback",
        2,
        "Buy a smaller van.",
    )
    assert queries.applied_rule(proposal, third).method == "supermajority"
    with pytest.raises(Invalid) as no_blocks:
        respond(world, proposal, other_delegate="block")
    assert (no_blocks.value.field, no_blocks.value.message) == (
        "position",
        "Position 'block' is not accepted by the supermajority method (this rule allows no blocks): use \"agree\", "
        '"disagree", "abstain".',
    )
    respond(
        world,
        proposal,
        member="agree",
        delegate="agree",
        coordinator="agree",
        facilitator="agree",
        other_delegate="disagree",
    )
    closed = close(proposal)
    assert (closed.status, closed.rule_applied, proposal.status, proposal.round_number) == (
        "passed",
        "fallback",
        "passed",
        3,
    )
    assert closed.outcome["rule_applied"] == "fallback"
    assert closed.outcome["summary"] == (
        "Decided under the fallback rule after 2 failed rounds. Passed: 4 of 5 decided people agree (80%, needed 75%)."
    )
    assert list(
        AuditEvent.objects.filter(coalition=world.coalition, verb="proposal.round_started")
        .order_by("pk")
        .values_list("summary", "data")
    ) == [
        ("started round 2 of “Buy a van”", {"round": 2, "rule_applied": "main", "text_changed": True}),
        (
            "started round 3 of “Buy a van”, decided under the fallback rule after 2 failed rounds",
            {"round": 3, "rule_applied": "fallback", "text_changed": False},
        ),
    ]
    assert [r.number for r in queries.rounds(world.member, proposal)] == [1, 2, 3]
    history = queries.stance_history(world.member, proposal, world.key(world.other_delegate))
    assert [(stance.round.number, stance.position) for stance in history] == [
        (1, "block"),
        (2, "block"),
        (3, "disagree"),
    ]


def test_a_next_round_needs_a_failed_round(world: World) -> None:
    proposal = open_proposal(world)
    before = snapshot()
    with pytest.raises(Conflict) as still_open:
        actions.start_next_round(actor=world.member, proposal=proposal, closes_at=in_days(3))
    assert still_open.value.message == (
        "This round is still open; a new round can start once it has closed without agreement."
    )
    assert snapshot() == before
    respond(world, proposal, member="agree", delegate="agree")
    close(proposal)
    assert proposal.status == "passed"
    before = snapshot()
    with pytest.raises(Conflict) as passed:
        actions.start_next_round(actor=world.member, proposal=proposal, closes_at=in_days(3))
    assert passed.value.message == "This proposal is passed; only a failed round can be tried again."
    withdrawn = open_proposal(world, title="Withdrawn")
    actions.withdraw_proposal(actor=world.member, proposal=withdrawn)
    before = snapshot()
    with pytest.raises(Conflict) as gone:
        actions.start_next_round(actor=world.coordinator, proposal=withdrawn, closes_at=in_days(3))
    assert gone.value.message == "This proposal is withdrawn; only a failed round can be tried again."
    assert snapshot() == before


def test_a_next_round_with_bad_input_stores_nothing(world: World) -> None:
    proposal = open_proposal(world, kind="choose_between_options", options=["Monday", "Tuesday"])
    close(proposal)
    assert proposal.status == "tie"  # nobody ranked anything: both options tied with 0
    before = snapshot()
    with pytest.raises(Invalid) as bad_window:
        actions.start_next_round(actor=world.member, proposal=proposal, closes_at=timezone.now())
    assert bad_window.value.field == "closes_at"
    with pytest.raises(Invalid) as bad_options:
        actions.start_next_round(actor=world.member, proposal=proposal, closes_at=in_days(2), options=["Monday"])
    assert (bad_options.value.field, bad_options.value.message) == (
        "options",
        "This kind of decision chooses between options: give at least two.",
    )
    assert snapshot() == before
    second = actions.start_next_round(
        actor=world.member, proposal=proposal, closes_at=in_days(2), options=["Monday", "Wednesday"]
    )
    proposal.refresh_from_db()
    assert (second.number, proposal.options, proposal.status) == (2, ["Monday", "Wednesday"], "open")


# --- withdrawing -------------------------------------------------------------------------------------------------------


def test_withdrawing_ends_the_round_and_keeps_the_record(world: World) -> None:
    proposal = open_proposal(world)
    respond(world, proposal, delegate="agree")
    actions.withdraw_proposal(actor=world.coordinator, proposal=proposal, reason="  Overtaken by events ")
    proposal.refresh_from_db()
    round_ = current_round(proposal)
    assert (proposal.status, proposal.withdrawn_reason, round_.status, round_.outcome) == (
        "withdrawn",
        "Overtaken by events",
        "withdrawn",
        None,
    )
    assert round_.closed_at is not None
    assert Stance.objects.filter(round=round_).count() == 1  # what was said stays on record
    event = AuditEvent.objects.filter(coalition=world.coalition, verb="proposal.withdrawn").get()
    assert (event.actor_name, event.summary) == ("Ana", "withdrew “Meet on Tuesdays”: Overtaken by events")
    before = snapshot()
    with pytest.raises(Conflict) as again:
        actions.withdraw_proposal(actor=world.member, proposal=proposal)
    assert again.value.message == "This proposal is already withdrawn."
    assert actions.close_round_if_due(round_id=round_.pk, now=round_.closes_at + timedelta(days=1)) is None
    assert actions.close_due_rounds(now=round_.closes_at + timedelta(days=1)) == 0
    assert snapshot() == before
    assert [p.status for p in queries.proposals(world.member, world.coalition, status="withdrawn")] == ["withdrawn"]
    assert list(queries.proposals(world.member, world.coalition, status="open")) == []


def test_proposals_are_listed_with_their_deadline_and_response_count(world: World) -> None:
    first = open_proposal(world, title="First", closes_at=in_days(2))
    second = open_proposal(world, kind="name_and_shared_accounts", title="Second", closes_at=in_days(4))
    respond(world, first, member="agree", delegate="agree")
    actions.record_stance(actor=world.member, proposal=first, position="disagree")  # a change, not a new response
    rows = list(queries.proposals(world.member, world.coalition))
    assert [(p.title, p.eligible_count, p.responded_count) for p in rows] == [("Second", 2, 0), ("First", 5, 2)]
    assert rows[1].closes_at == Round.objects.get(proposal=first).closes_at
    assert [p.title for p in queries.proposals(world.member, world.coalition, status="open")] == ["Second", "First"]
    close(second)
    assert [p.title for p in queries.proposals(world.member, world.coalition, status="closed")] == ["Second"]
    assert [p.title for p in queries.proposals(world.member, world.coalition, status="no_quorum")] == ["Second"]


def test_the_audit_summary_gives_the_closing_time_in_utc(world: World) -> None:
    from zoneinfo import ZoneInfo

    closes = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    open_proposal(world, closes_at=closes.astimezone(ZoneInfo("America/New_York")))
    assert AuditEvent.objects.filter(coalition=world.coalition, verb="proposal.opened").get().summary == (
        f"put “Meet on Tuesdays” to decision as Meeting conduct, closing {closes:%Y-%m-%d %H:%M} UTC"
    )


def test_a_stance_on_a_round_closed_since_the_proposal_was_read_names_the_real_status(world: World) -> None:
    proposal = open_proposal(world)
    respond(world, proposal, member="agree", delegate="agree")
    round_ = current_round(proposal)
    read_before_closing = proposal.__class__.objects.get(pk=proposal.pk)
    actions.close_round_if_due(round_id=round_.pk, now=round_.closes_at)
    before = snapshot()
    with pytest.raises(Conflict) as refusal:
        actions.record_stance(actor=world.coordinator, proposal=read_before_closing, position="agree")
    assert refusal.value.message == "This proposal is passed; stances can no longer change."
    assert snapshot() == before
