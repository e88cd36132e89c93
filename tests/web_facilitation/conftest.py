"""Fixtures for facilitator mode, the projector and the live tally: a coalition-wide "Consensus minus one" kind
in the demo coalition, proposals opened by the coordinator, and `client_for(user)` (a signed-in test client, or
anonymous for None)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accord.coalitions.models import MemberGroup, Person
from accord.decisions import actions
from accord.decisions.models import DecisionKind, Proposal, Round, Stance

CONSENSUS_MINUS_ONE = {"method": "consensus", "unit": "groups", "blocks_allowed": 1}
BLOCK_REASON = "It commits our members to a march on the day of our AGM."
HTMX = {"HX-Request": "true"}


@pytest.fixture
def client_for(db: None) -> Callable[[Any], Client]:
    def make(user: Any) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


def add_kind(demo: Any, key: str, name: str, rule: dict[str, Any]) -> DecisionKind:
    """A kind added to the demo's adopted table as a passed amendment would add it (through the same writer)."""
    cleaned = actions.check_decision_kind(
        demo.coalition, kind=None, key=key, name=name, description="", rule=rule, scope="coalition"
    )
    return actions.write_decision_kind(
        demo.coalition, kind=None, cleaned=cleaned, actor=None, standing=None, actor_name="Accord"
    )


def consensus_minus_one(demo: Any) -> DecisionKind:
    return add_kind(demo, "consensus_minus_one", "Consensus minus one", CONSENSUS_MINUS_ONE)


def open_proposal(demo: Any, kind: DecisionKind, **arguments: Any) -> Proposal:
    values: dict[str, Any] = {
        "title": "Join the regional climate march",
        "text": "We march together on 12 September.",
        "closes_at": timezone.now() + timedelta(days=7),
    }
    values.update(arguments)
    return actions.open_proposal(actor=demo.coordinator, coalition=demo.coalition, kind=kind, **values)


def page_url(proposal: Proposal, name: str) -> str:
    return reverse(f"web:{name}", args=[proposal.coalition.slug, proposal.pk])


def group(demo: Any, name: str) -> MemberGroup:
    return MemberGroup.objects.get(coalition=demo.coalition, name=name)


def group_key(demo: Any, name: str) -> str:
    return f"g{group(demo, name).pk}"


def person_key(demo: Any, name: str) -> str:
    return f"p{Person.objects.get(coalition=demo.coalition, name=name).pk}"


def current_stances(proposal: Proposal) -> dict[str, tuple[str, int | None, str]]:
    round_ = Round.objects.get(proposal=proposal, number=proposal.round_number)
    return {
        stance.unit_key: (stance.position, stance.score, stance.reason)
        for stance in Stance.objects.filter(round=round_, is_current=True)
    }
