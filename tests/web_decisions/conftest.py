"""Fixtures for the decisions pages' tests, on the demo coalition (tests/personas.py).

`client_for(user)` is a Django test client signed in as `user` (anonymous for None); `open_proposal(...)` opens a
proposal through the action, by the member (Daniel Murphy) unless told otherwise, closing in a week.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accord.decisions import actions
from accord.decisions.models import DecisionKind, Proposal


@pytest.fixture
def client_for(db: None) -> Callable[[Any], Client]:
    def make(user: Any) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


def kind(demo: Any, key: str) -> DecisionKind:
    return DecisionKind.objects.get(coalition=demo.coalition, key=key)


@pytest.fixture
def open_proposal(demo: Any) -> Callable[..., Proposal]:
    def make(*, actor: Any = None, key: str = "meeting_conduct", **arguments: Any) -> Proposal:
        values: dict[str, Any] = {
            "title": "Meet on Tuesdays",
            "text": "We meet on **Tuesdays** at 7pm.",
            "closes_at": timezone.now() + timedelta(days=7),
        }
        values.update(arguments)
        return actions.open_proposal(
            actor=actor or demo.member, coalition=demo.coalition, kind=kind(demo, key), **values
        )

    return make


@pytest.fixture
def draft_table(demo: Any) -> Any:
    """The demo coalition as if its founding decision had not yet passed, for the pages that edit the decision
    table and the agreed weights: those edits are for founders preparing the draft (once the constitution is
    adopted the table changes only by amendment, tested in tests/agreements and tests/web_constitution)."""
    from accord.coalitions.models import Coalition

    Coalition.objects.filter(pk=demo.coalition.pk).update(constitution_adopted_at=None)
    demo.coalition.refresh_from_db()
    return demo
