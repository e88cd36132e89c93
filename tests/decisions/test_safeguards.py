"""Safeguards added after review: what a facilitator may not overrule, what stays hidden until closing, and input
that must be refused rather than crash or slow the server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest

from accord.coalitions import actions as coalition_actions
from accord.coalitions.models import AuditEvent, Coalition
from accord.coalitions.permissions import remembering_standings, standing_in
from accord.decisions import actions, queries
from accord.decisions.models import AgreedWeight, Proposal, Stance
from accord.errors import Conflict, Invalid
from accord.governance import GovernanceError, parse_ballots, parse_rule
from accord.governance.numbers import parse_fraction

from .conftest import World, close, current_round, open_proposal, snapshot


def test_a_facilitator_records_for_someone_but_never_overrules_what_they_said_themselves(world: World) -> None:
    proposal = open_proposal(world)
    mo = world.key(world.member)
    actions.record_stance(actor=world.member, proposal=proposal, position="disagree")
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        actions.record_stance(actor=world.coordinator, proposal=proposal, unit_key=mo, position="agree")
    assert (refused.value.message, refused.value.field) == (
        "Mo gave this stance themselves, so only they can change it.",
        "unit",
    )
    assert snapshot() == before

    # What a facilitator recorded, the facilitator may correct, and the person may replace.
    pat = world.key(world.other_delegate)
    actions.record_stance(actor=world.coordinator, proposal=proposal, unit_key=pat, position="agree")
    corrected = actions.record_stance(actor=world.coordinator, proposal=proposal, unit_key=pat, position="abstain")
    assert corrected.on_behalf is True
    own = actions.record_stance(actor=world.other_delegate, proposal=proposal, position="disagree")
    assert own.on_behalf is False
    assert list(
        Stance.objects.filter(unit_key=pat).order_by("pk").values_list("position", "on_behalf", "is_current")
    ) == [
        ("agree", True, False),
        ("abstain", True, False),
        ("disagree", False, True),
    ]


def test_a_groups_own_delegates_position_is_not_overruled_by_a_facilitator(world: World) -> None:
    kind = world.kind("affected_groups")
    proposal = open_proposal(world, kind=kind, scope_groups=[world.group, world.other_group])
    actions.record_stance(actor=world.delegate, proposal=proposal, position="agree")
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        actions.record_stance(
            actor=world.coordinator, proposal=proposal, unit_key=f"g{world.group.pk}", position="block", reason="No"
        )
    assert refused.value.message == "Leeds Action's delegates gave this stance themselves, so only they can change it."
    assert snapshot() == before
    current = Stance.objects.get(unit_key=f"g{world.group.pk}", is_current=True)
    assert (current.position, current.recorded_by) == ("agree", world.person(world.delegate))


def test_while_results_show_only_after_closing_no_one_sees_who_said_what(world: World) -> None:
    proposal = open_proposal(world, results_visibility="after_close")
    round_ = current_round(proposal)
    actions.record_stance(actor=world.delegate, proposal=proposal, position="agree")
    assert queries.positions_hidden(proposal, round_)
    assert list(queries.responses(world.member, proposal, round_)) == []
    assert list(queries.stance_history(world.member, proposal, world.key(world.delegate))) == []
    assert [s.position for s in queries.stance_history(world.delegate, proposal, world.key(world.delegate))] == [
        "agree"
    ]
    rows = {unit.key: unit for unit in queries.eligible_units(world.coordinator, proposal, round_)}
    dev = rows[world.key(world.delegate)]
    assert (dev.has_stance, dev.current_position, dev.current_score) == (True, None, None)
    event = AuditEvent.objects.filter(coalition=world.coalition, verb="stance.recorded").get()
    assert event.summary == "gave a stance on “Meet on Tuesdays”"

    closed = close(proposal)
    proposal.refresh_from_db()
    assert not queries.positions_hidden(proposal, closed)
    assert [s.position for s in queries.responses(world.member, proposal, closed)] == ["agree"]
    assert [s.position for s in queries.stance_history(world.member, proposal, world.key(world.delegate))] == ["agree"]


def test_a_round_past_its_deadline_is_counted_not_withdrawn(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    proposal = open_proposal(world)
    actions.record_stance(actor=world.delegate, proposal=proposal, position="agree")
    moment = current_round(proposal).closes_at + timedelta(minutes=1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        actions.withdraw_proposal(actor=world.member, proposal=proposal, reason="Changed my mind")
    assert refused.value.message == (
        "This round's closing time has passed, so it is counted rather than withdrawn. Reload to see the outcome."
    )
    assert snapshot() == before
    assert actions.close_due_rounds(proposal=proposal) == 1
    proposal.refresh_from_db()
    assert proposal.status == "no_quorum"  # 1 of 5 took part; the quorum is a quarter


def test_an_outsider_learns_nothing_of_a_proposals_state(world: World) -> None:
    proposal = open_proposal(world)
    actions.withdraw_proposal(actor=world.member, proposal=proposal)
    with pytest.raises(Exception) as refused:
        actions.withdraw_proposal(actor=world.outsider, proposal=proposal)
    assert refused.value.status == 403


def test_a_title_stays_on_one_line(world: World) -> None:
    with pytest.raises(Invalid) as refused:
        open_proposal(world, title="Meet\nBcc: someone@example.org")
    assert (refused.value.field, refused.value.message) == (
        "title",
        "Keep the title on one line; the text below it can be as long as you need.",
    )
    assert not Proposal.objects.filter(coalition=world.coalition).exists()


def test_a_closing_time_beyond_the_calendar_is_refused_with_a_message(world: World) -> None:
    far = datetime(9999, 12, 31, 23, 59, tzinfo=UTC).astimezone(__import__("zoneinfo").ZoneInfo("Etc/GMT+12"))
    with pytest.raises(Invalid) as refused:
        open_proposal(world, closes_at=far)
    assert refused.value.field == "closes_at"


@pytest.mark.parametrize(
    ("weight", "message"),
    [
        ("2/3", None),
        ("1.125", None),
        ("0.000001", None),
        ("1/1009", "Give a weight to at most six decimal places, or as a fraction with a denominator up to 1,000."),
        ("0.0000001", "Give a weight to at most six decimal places, or as a fraction with a denominator up to 1,000."),
        ("1" * 31, 'Write the weight with at most 30 characters, like "2/3" or "0.9".'),
    ],
)
def test_weights_are_written_so_that_many_of_them_add_up_quickly(
    world: World, weight: str, message: str | None
) -> None:
    if message is None:
        agreed = actions.set_agreed_weight(actor=world.coordinator, member_group=world.group, weight=weight)
        assert agreed is not None
        assert Fraction(AgreedWeight.objects.get(member_group=world.group).weight) == parse_fraction(
            weight, path="weight", what="the weight"
        )
        return
    with pytest.raises(Invalid) as refused:
        actions.set_agreed_weight(actor=world.coordinator, member_group=world.group, weight=weight)
    assert (refused.value.field, refused.value.message) == ("weight", message)


def test_numbers_too_long_to_be_shares_are_refused_not_crashed_on() -> None:
    with pytest.raises(GovernanceError) as refused:
        parse_rule({"method": "supermajority", "threshold": "9" * 5000 + "/1"})
    assert refused.value.path == "rule.threshold"
    with pytest.raises(GovernanceError) as refused:
        parse_fraction(10**5000, path="quorum", what="the quorum")
    assert refused.value.message == "The quorum is far too large."
    ballots = {"eligible": [{"unit": "a", "weight": "1/1234567"}], "stances": []}
    with pytest.raises(GovernanceError) as refused:
        parse_ballots(ballots, rule=parse_rule({"method": "majority", "weighting": "custom"}))
    assert refused.value.path == "ballots.eligible[0].weight"


def test_a_remembered_standing_is_dropped_by_the_next_write(world: World) -> None:
    coalition = Coalition.objects.get(pk=world.coalition.pk)
    with remembering_standings():
        assert standing_in(world.member, coalition).role.name == "MEMBER"
        coalition_actions.set_coordinator(
            actor=world.coordinator, person=world.person(world.member), is_coordinator=True
        )
        assert standing_in(world.member, coalition).role.name == "COORDINATOR"


def test_simulate_counts_ballots_and_names_the_field_at_fault() -> None:
    outcome = queries.simulate(
        {"method": "majority"},
        {"eligible": [{"unit": "a"}, {"unit": "b"}], "stances": [{"unit": "a", "position": "agree"}]},
    )
    assert outcome.summary == "Passed: 1 of 1 decided people agrees (100%, needed more than half)."
    with pytest.raises(GovernanceError) as refused:
        queries.simulate({"method": "majority"}, {"eligible": [{"unit": "a"}] * 100_001})
    assert refused.value.path == "ballots.eligible"


def test_a_coalition_with_decisions_can_still_be_deleted_by_the_operator(world: World) -> None:
    proposal = open_proposal(world)
    actions.record_stance(actor=world.delegate, proposal=proposal, position="agree")
    Coalition.objects.filter(pk=world.coalition.pk).delete()
    assert not Proposal.objects.filter(pk=proposal.pk).exists()
    assert not Stance.objects.filter(round__proposal_id=proposal.pk).exists()
