"""A small coalition with an adopted constitution, built through the actions, for the joining, induction,
sign-on, asking-to-leave and red-lines pages.

The world of tests/decisions/conftest.py (River Towns: Ana coordinator and individual member, Dev delegate of Leeds
Action with Mo in it, Pat delegate of Hull Heat with Fay in it, Fred a former member, Olu an outsider), with the
template constitution seeded and adopted by the founding decision: both founding groups agree and the round
closes. `client_for(user)` is a Django test client signed in as that user (None: anonymous).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accord.agreements import actions as agreement_actions
from accord.decisions import actions as decision_actions
from tests.decisions.conftest import World, build_world

from .deciding import close


def adopt(world: World) -> World:
    agreement_actions.seed_draft(world.coalition)
    founding = agreement_actions.propose_founding(
        actor=world.coordinator, coalition=world.coalition, closes_at=timezone.now() + timedelta(days=3)
    )
    for user, group in ((world.delegate, world.group), (world.other_delegate, world.other_group)):
        decision_actions.record_stance(actor=user, proposal=founding, unit_key=f"g{group.pk}", position="agree")
    assert close(founding).status == "passed"
    world.coalition.refresh_from_db()
    assert world.coalition.constitution_adopted_at is not None
    return world


@pytest.fixture
def adopted(db: None) -> World:
    """River Towns, its constitution adopted by the founding decision."""
    return adopt(build_world())


@pytest.fixture
def draft(db: None) -> World:
    """River Towns with its template constitution still a draft."""
    world = build_world()
    agreement_actions.seed_draft(world.coalition)
    return world


@pytest.fixture
def client_for(db: None) -> Callable[[Any], Client]:
    def make(user: Any) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make
