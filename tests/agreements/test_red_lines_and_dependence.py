"""Red lines kept by each group's delegates, flagged by any member, reminded when due; and where the coalition
depends on one member."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accord.agreements import actions, queries, tasks
from accord.agreements.models import RedLine
from accord.coalitions.models import AuditEvent
from accord.decisions import actions as decision_actions
from accord.errors import Conflict, Invalid, NotAllowed

from .conftest import World, close, in_days, snapshot


def meeting(world: World):
    return decision_actions.open_proposal(
        actor=world.member,
        coalition=world.coalition,
        kind=world.kind("meeting_conduct"),
        title="Police at the march",
        text="Invite the police.",
        closes_at=in_days(7),
    )


def test_only_the_groups_delegates_keep_its_red_lines(adopted: World) -> None:
    world = adopted
    line = actions.state_red_line(actor=world.delegate, member_group=world.group, text="No police partnerships.")
    assert (line.text, line.confirmed_by_name, line.coalition) == ("No police partnerships.", "Dev", world.coalition)
    for who in ("member", "other_delegate", "coordinator", "outsider", "former"):
        before = snapshot()
        with pytest.raises(NotAllowed):
            actions.state_red_line(actor=getattr(world, who), member_group=world.group, text="x")
        with pytest.raises(NotAllowed):
            actions.change_red_line(actor=getattr(world, who), red_line=line, text="x")
        with pytest.raises(NotAllowed):
            actions.confirm_red_lines(actor=getattr(world, who), member_group=world.group)
        with pytest.raises(NotAllowed):
            actions.withdraw_red_line(actor=getattr(world, who), red_line=line)
        assert snapshot() == before
    changed = actions.change_red_line(actor=world.delegate, red_line=line, text="No police on our stalls.")
    assert changed.text == "No police on our stalls."
    assert actions.confirm_red_lines(actor=world.delegate, member_group=world.group) == 1
    actions.withdraw_red_line(actor=world.delegate, red_line=line)
    with pytest.raises(Conflict, match="withdrawn"):
        actions.change_red_line(actor=world.delegate, red_line=line, text="again")
    with pytest.raises(Conflict, match="no red lines"):
        actions.confirm_red_lines(actor=world.delegate, member_group=world.group)
    verbs = AuditEvent.objects.filter(coalition=world.coalition, verb__startswith="red_line.").values_list(
        "verb", flat=True
    )
    assert sorted(verbs) == ["red_line.changed", "red_line.confirmed", "red_line.stated", "red_line.withdrawn"]
    with pytest.raises(Invalid) as empty:
        actions.state_red_line(actor=world.delegate, member_group=world.group, text="  ")
    assert empty.value.field == "text"


def test_any_member_flags_an_open_proposal_once_and_the_delegates_are_told(
    adopted: World, django_capture_on_commit_callbacks
) -> None:
    world = adopted
    line = actions.state_red_line(actor=world.delegate, member_group=world.group, text="No police partnerships.")
    proposal = meeting(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        flag = actions.flag_red_line(actor=world.facilitator, proposal=proposal, red_line=line, note="Police!")
    assert (flag.flagged_by_name, flag.note) == ("Fay", "Police!")
    assert [message.to for message in mail.outbox] == [["dev@example.org"]]
    assert mail.outbox[0].subject == "A proposal may touch your red line: Police at the march (River Towns)"
    assert [row.pk for row in queries.red_line_flags(world.member, proposal)] == [flag.pk]
    before = snapshot()
    with pytest.raises(Conflict, match="already flagged"):
        actions.flag_red_line(actor=world.member, proposal=proposal, red_line=line)
    for who in ("outsider", "former"):
        with pytest.raises(NotAllowed):
            actions.flag_red_line(actor=getattr(world, who), proposal=proposal, red_line=line)
    # Withdrawing: the flagger, the group's delegate or a coordinator; not another member.
    with pytest.raises(NotAllowed):
        actions.withdraw_red_line_flag(actor=world.member, flag=flag)
    with pytest.raises(NotAllowed):
        actions.withdraw_red_line_flag(actor=world.other_delegate, flag=flag)
    assert snapshot() == before
    actions.withdraw_red_line_flag(actor=world.delegate, flag=flag)
    with pytest.raises(Conflict, match="already withdrawn"):
        actions.withdraw_red_line_flag(actor=world.coordinator, flag=flag)
    again = actions.flag_red_line(actor=world.member, proposal=proposal, red_line=line)  # one active flag at a time
    actions.withdraw_red_line_flag(actor=world.member, flag=again)
    third = actions.flag_red_line(actor=world.member, proposal=proposal, red_line=line)
    actions.withdraw_red_line_flag(actor=world.coordinator, flag=third)
    close(proposal)
    before = snapshot()
    with pytest.raises(Conflict, match="flag proposals still open"):
        actions.flag_red_line(actor=world.member, proposal=proposal, red_line=line)
    assert snapshot() == before


def test_a_red_line_is_reminded_once_when_due(adopted: World, django_capture_on_commit_callbacks) -> None:
    world = adopted
    line = actions.state_red_line(actor=world.delegate, member_group=world.group, text="No police partnerships.")
    due = line.confirmed_at + timedelta(days=180)
    assert actions.mark_red_line_reminded(line.pk, now=due - timedelta(days=7, seconds=1)) is None
    reminded = actions.mark_red_line_reminded(line.pk, now=due - timedelta(days=7))
    assert reminded is not None and reminded.reminded_at == due - timedelta(days=7)
    assert actions.mark_red_line_reminded(line.pk, now=due) is None  # once
    actions.confirm_red_lines(actor=world.delegate, member_group=world.group)
    RedLine.objects.filter(pk=line.pk).update(confirmed_at=timezone.now() - timedelta(days=200))
    mail.outbox.clear()
    tasks.remind_red_line.call(line.pk)
    assert [message.to for message in mail.outbox] == [["dev@example.org"]]
    assert mail.outbox[0].subject == "Do your red lines still stand? (River Towns)"
    tasks.remind_red_line.call(line.pk)
    assert len(mail.outbox) == 1
    row = queries.red_lines(world.member, world.coalition)[0]
    assert (row.overdue, row.may_keep) == (True, False)


# --- dependence -----------------------------------------------------------------------------------------------------


def kinds_of(found) -> list[tuple[str, str]]:
    return [(row.kind, row.subject) for row in found]


def test_the_only_coordinator_and_a_group_that_carries_a_majority_alone(adopted: World) -> None:
    world = adopted
    found = queries.dependence_of(world.coalition)
    assert ("sole_holder", "Ana") in kinds_of(found)
    assert [row.message for row in found if row.kind == "sole_holder"] == [
        "Ana is the only coordinator: if they leave or step back, no one can do what a coordinator does."
    ]
    # Weighted by size, Leeds Action (40 of 43) carries a majority of member groups alone.
    weighted = actions.propose_amendment(
        actor=world.member,
        coalition=world.coalition,
        target="decision_kind",
        decision_kind=world.kind("meeting_conduct"),
        change={"rule": {"method": "majority", "unit": "groups", "weighting": "size"}},
        title="By size",
        closes_at=in_days(7),
    )
    from .conftest import decide

    decide(world, weighted.proposal)
    majority = [row for row in queries.dependence_of(world.coalition) if row.kind == "majority"]
    assert [row.subject for row in majority] == ["Leeds Action"]
    assert majority[0].message.startswith("Meeting conduct: Leeds Action carries 93.0% of the weight")


def test_a_group_without_which_a_weight_quorum_cannot_be_reached(adopted: World) -> None:
    world = adopted
    amendment = actions.propose_amendment(
        actor=world.member,
        coalition=world.coalition,
        target="decision_kind",
        decision_kind=world.kind("meeting_conduct"),
        change={
            "rule": {
                "method": "majority",
                "unit": "groups",
                "weighting": "size",
                "quorum": "1/2",
                "quorum_by": "weight",
            }
        },
        title="Quorum by weight",
        closes_at=in_days(7),
    )
    from .conftest import decide

    decide(world, amendment.proposal)
    quorum = [
        row
        for row in queries.dependence_of(world.coalition)
        if row.kind == "quorum" and row.message.startswith("Meeting conduct")
    ]
    assert [row.subject for row in quorum] == ["Leeds Action"]
    assert "the quorum of 50% of the weight cannot be reached" in quorum[0].message


def test_two_groups_under_a_two_thirds_quorum_each_hold_it(adopted: World) -> None:
    found = queries.dependence_of(adopted.coalition)
    assert [row.message for row in found if row.kind == "quorum"] == [
        "The coalition's name and shared accounts: the quorum is 2 of 2 member groups, so if any one of them does "
        "not take part nothing of this kind can be decided."
    ]


def test_a_balanced_coalition_with_two_coordinators_depends_on_no_one(adopted: World) -> None:
    world = adopted
    from accord.coalitions import actions as coalition_actions

    for name in ("York Rising", "Selby Floods", "Goole Green"):
        coalition_actions.add_member_group(actor=world.coordinator, coalition=world.coalition, name=name, size=10)
    coalition_actions.set_coordinator(actor=world.coordinator, person=world.person(world.delegate), is_coordinator=True)
    assert queries.dependence_of(world.coalition) == []
    assert queries.dependence(world.member, world.coalition) == []
