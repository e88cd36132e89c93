"""Participation across the coalition's recent decisions (is it always the same few?), and who is still to respond."""

from __future__ import annotations

from fractions import Fraction

from accord.coalitions import actions as coalition_actions
from accord.decisions import actions, queries
from accord.decisions.queries import Participation

from .conftest import World, add_mixed_kind, close, current_round, group_key, in_days, open_proposal


def closed_with(world: World, title: str, days: int, *responders: str) -> None:
    proposal = open_proposal(world, title=title, closes_at=in_days(days))
    for role in responders:
        actions.record_stance(actor=getattr(world, role), proposal=proposal, position="agree")
    close(proposal)


def test_participation_compares_the_last_five_closed_decisions_counted_the_same_way(world: World) -> None:
    closed_with(world, "Oldest", 1, "facilitator", "coordinator")  # sixth most recent: left out
    for day in range(2, 6):
        closed_with(world, f"Day {day}", day, "coordinator", "member")
    closed_with(world, "Day 6", 6, "coordinator", "member", "delegate")
    withdrawn = open_proposal(world, title="Withdrawn")
    actions.record_stance(actor=world.facilitator, proposal=withdrawn, position="agree")
    actions.withdraw_proposal(actor=world.member, proposal=withdrawn)
    by_groups = open_proposal(world, kind="name_and_shared_accounts", title="By groups")
    actions.record_stance(actor=world.other_delegate, proposal=by_groups, position="agree")
    close(by_groups)

    current = open_proposal(world, title="Now")
    actions.record_stance(actor=world.coordinator, proposal=current, position="agree")
    figures = queries.participation(world.member, current, current_round(current))
    # Ana and Mo took part in all five; Dev in one; shares 2/5 four times and 3/5 once
    assert figures == Participation(
        eligible=5, responded=1, recent=5, took_part_in_any=3, took_part_in_all=2, average_share=Fraction(11, 25)
    )
    assert (figures.share, figures.same_people) == (Fraction(1, 5), True)
    assert queries.participation(world.member, current, current_round(current), responded=4).responded == 4

    groups_figures = queries.participation(world.member, by_groups, current_round(by_groups))
    assert groups_figures == Participation(2, 1, 0, 0, 0, None)  # the only closed groups-counted round is its own


def test_not_the_same_people_when_most_take_part_or_there_is_too_little_history(world: World) -> None:
    closed_with(world, "First", 1, "coordinator", "member", "delegate")
    current = open_proposal(world, title="Now")
    one = queries.participation(world.member, current, current_round(current))
    assert one == Participation(5, 0, 1, 3, 3, Fraction(3, 5))
    assert (one.share, one.same_people) == (Fraction(0), False)  # one earlier decision is no pattern
    closed_with(world, "Second", 2, "coordinator", "member", "delegate", "facilitator")
    two = queries.participation(world.member, current, current_round(current))
    assert two == Participation(5, 0, 2, 4, 3, Fraction(7, 10))
    assert two.same_people is False  # most take part


def test_no_history_gives_no_average(world: World) -> None:
    current = open_proposal(world)
    figures = queries.participation(world.member, current, current_round(current))
    assert figures == Participation(5, 0, 0, 0, 0, None)
    assert figures.same_people is False


def test_addresses_of_those_not_responded_are_people_with_accounts_and_delegates_of_silent_groups(
    world: World,
) -> None:
    coalition_actions.record_person(
        actor=world.coordinator,
        coalition=world.coalition,
        name="Ida",
        email="ida@example.org",
        is_individual_member=True,
    )
    mixed = open_proposal(world, kind=add_mixed_kind(world), title="Admit Selby")
    assert [unit.key for unit in queries.not_responded(world.member, mixed, current_round(mixed))] == [
        world.key(world.coordinator),
        group_key(world.other_group),
        f"p{_ida(world)}",
        group_key(world.group),
    ]
    # Ida was recorded without an account: no address is used for her; Leeds Action speaks through Dev
    assert queries.addresses_not_responded(current_round(mixed)) == [
        "ana@example.org",
        "dev@example.org",
        "pat@example.org",
    ]
    actions.record_stance(actor=world.delegate, proposal=mixed, position="agree")
    assert queries.addresses_not_responded(current_round(mixed)) == ["ana@example.org", "pat@example.org"]

    by_people = open_proposal(world, title="Meet on Tuesdays")
    actions.record_stance(actor=world.member, proposal=by_people, position="agree")
    assert queries.addresses_not_responded(current_round(by_people)) == [
        "ana@example.org",
        "dev@example.org",
        "fay@example.org",
        "pat@example.org",
    ]
    assert current_round(by_people).eligible_count == 6  # Ida is eligible all the same


def test_reminders_are_marked_once_and_only_for_open_rounds(world: World) -> None:
    proposal = open_proposal(world, kind="name_and_shared_accounts")
    round_ = current_round(proposal)
    assert actions.mark_reminded(round_.pk) == ["dev@example.org", "pat@example.org"]
    round_.refresh_from_db()
    assert round_.reminder_sent_at is not None
    assert actions.mark_reminded(round_.pk) == []
    closed = open_proposal(world, title="Closed")
    close(closed)
    assert actions.mark_reminded(current_round(closed).pk) == []


def _ida(world: World) -> int:
    from accord.coalitions.models import Person

    return Person.objects.get(coalition=world.coalition, name="Ida").pk
