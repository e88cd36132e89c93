"""An authorization test for every constitution action, over anonymous, outsider, member, delegate and
coordinator: the right roles succeed, and every refusal changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from accord.agreements import actions
from accord.agreements.models import RedLine
from accord.errors import ActionError, NotAllowed, NotSignedIn

from .conftest import World, agreement, in_days, snapshot

ROLES = ("anonymous", "outsider", "member", "delegate", "coordinator")


def actor_for(world: World, role: str) -> Any:
    return AnonymousUser() if role == "anonymous" else getattr(world, role)


def red_line(world: World) -> RedLine:
    return actions.state_red_line(actor=world.delegate, member_group=world.group, text="No police partnerships.")


Case = tuple[str, bool, Callable[[World, Any], Any], set[str]]
CASES: list[Case] = [
    (
        "edit_draft_agreement",
        False,
        lambda w, a: actions.edit_draft_agreement(
            actor=a, agreement=agreement(w, "purpose"), title="Purpose", text="Changed."
        ),
        {"coordinator"},
    ),
    (
        "add_draft_agreement",
        False,
        lambda w, a: actions.add_draft_agreement(
            actor=a, coalition=w.coalition, title="Care", text="We care.", category="policy"
        ),
        {"coordinator"},
    ),
    (
        "set_draft_terms",
        False,
        lambda w, a: actions.set_draft_terms(actor=a, coalition=w.coalition, induction_days=3),
        {"coordinator"},
    ),
    (
        "propose_founding",
        False,
        lambda w, a: actions.propose_founding(actor=a, coalition=w.coalition, closes_at=in_days(3)),
        {"coordinator"},
    ),
    (
        "propose_amendment",
        True,
        lambda w, a: actions.propose_amendment(
            actor=a,
            coalition=w.coalition,
            target="agreement",
            agreement=agreement(w, "purpose"),
            change={"text": "A new purpose."},
            title="Purpose",
            closes_at=in_days(7),
        ),
        {"member", "delegate", "coordinator"},
    ),
    (
        "ask_member_to_leave",
        True,
        lambda w, a: actions.ask_member_to_leave(
            actor=a,
            coalition=w.coalition,
            rests_on=agreement(w, "membership_expectations"),
            title="Out",
            text="They broke it.",
            closes_at=in_days(7),
            member_group=w.other_group,
        ),
        {"member", "delegate", "coordinator"},
    ),
    ("sign_on", True, lambda w, a: actions.sign_on(actor=a, coalition=w.coalition, member_group=w.group), {"delegate"}),
    (
        "state_red_line",
        True,
        lambda w, a: actions.state_red_line(actor=a, member_group=w.group, text="No."),
        {"delegate"},
    ),
    (
        "change_red_line",
        True,
        lambda w, a: actions.change_red_line(actor=a, red_line=red_line(w), text="Never."),
        {"delegate"},
    ),
    (
        "confirm_red_lines",
        True,
        lambda w, a: (red_line(w), actions.confirm_red_lines(actor=a, member_group=w.group)),
        {"delegate"},
    ),
    ("withdraw_red_line", True, lambda w, a: actions.withdraw_red_line(actor=a, red_line=red_line(w)), {"delegate"}),
]

PAIRS = [(case, role) for case in CASES for role in ROLES]


@pytest.mark.parametrize(("case", "role"), PAIRS, ids=[f"{case[0]}-{role}" for case, role in PAIRS])
def test_only_the_right_roles_may_act(db: None, request: pytest.FixtureRequest, case: Case, role: str) -> None:
    name, needs_adoption, act, allowed = case
    world: World = request.getfixturevalue("adopted" if needs_adoption else "world")
    actor = actor_for(world, role)
    if name in ("change_red_line", "confirm_red_lines", "withdraw_red_line"):
        line = red_line(world)
        act = {  # the red line exists before the snapshot
            "change_red_line": lambda w, a: actions.change_red_line(actor=a, red_line=line, text="Never."),
            "confirm_red_lines": lambda w, a: actions.confirm_red_lines(actor=a, member_group=w.group),
            "withdraw_red_line": lambda w, a: actions.withdraw_red_line(actor=a, red_line=line),
        }[name]
    if name == "sign_on":  # the founding decision signed Leeds Action on; a new version awaits re-confirmation
        from accord.agreements.models import SignOn

        SignOn.objects.filter(member_group=world.group).delete()
    before = snapshot()
    if role in allowed:
        act(world, actor)
        assert snapshot() != before, f"{name} by {role} should have changed something"
    else:
        with pytest.raises(ActionError) as refusal:
            act(world, actor)
        assert isinstance(refusal.value, (NotAllowed, NotSignedIn)), refusal.value
        assert refusal.value.message.endswith(".")
        assert snapshot() == before, f"{name} refused for {role} must change nothing"
