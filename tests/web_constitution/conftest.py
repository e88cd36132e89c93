"""A small coalition for the constitution pages, built through the actions (tests/decisions/conftest.py's world):
its draft constitution seeded from the template, and `adopt(world)` passing the founding decision (both founding
groups agree, the round closes as the worker would)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accord.agreements import actions as agreement_actions
from accord.agreements.models import Agreement
from accord.decisions import actions as decision_actions
from accord.decisions.models import DecisionKind, Proposal, Round
from tests.decisions.conftest import World, build_world


def close(proposal: Proposal) -> Proposal:
    """Close the proposal's current round just after its deadline, as the worker would."""
    proposal.refresh_from_db()
    round_ = Round.objects.get(proposal=proposal, number=proposal.round_number)
    decision_actions.close_round_if_due(round_id=round_.pk, now=round_.closes_at + timedelta(seconds=1))
    proposal.refresh_from_db()
    return proposal


def both_groups_agree(world: World, proposal: Proposal) -> None:
    for user, group in ((world.delegate, world.group), (world.other_delegate, world.other_group)):
        decision_actions.record_stance(actor=user, proposal=proposal, unit_key=f"g{group.pk}", position="agree")


def adopt(world: World) -> Proposal:
    founding = agreement_actions.propose_founding(
        actor=world.coordinator, coalition=world.coalition, closes_at=timezone.now() + timedelta(days=3)
    )
    both_groups_agree(world, founding)
    founding = close(founding)
    assert founding.status == "passed"
    world.coalition.refresh_from_db()
    return founding


def agreement(world: World, key: str = "unity_statement") -> Agreement:
    return Agreement.objects.get(coalition=world.coalition, key=key)


def kind(world: World, key: str) -> DecisionKind:
    return DecisionKind.objects.get(coalition=world.coalition, key=key)


@pytest.fixture
def draft(db: None) -> World:
    world = build_world()
    agreement_actions.seed_draft(world.coalition)
    return world


@pytest.fixture
def adopted(draft: World) -> World:
    adopt(draft)
    return draft


@pytest.fixture
def client_for(db: None) -> Callable[[Any], Client]:
    def make(user: Any) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


def later(days: float = 7) -> str:
    """A closing time as a datetime-local input gives it (read as UTC without the browser's zone)."""
    return (timezone.now() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")
