"""Fixtures for the joining, leaving, audit log and API token pages.

The demo coalition and its personas (tests/personas.py), `smtp_sink`, `sign_in` and the browser come from
tests/conftest.py. Here: `client_for(user)`, a Django test client signed in as that user (None: anonymous), and
`snapshot()`, every row the membership, invitation and token actions could write, to assert that a refused POST
changed nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def client_for(db: None) -> Callable[[Any], Client]:
    def make(user: Any) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


def snapshot() -> tuple[Any, ...]:
    """Everything the membership, invitation and token actions could write."""
    from accord.accounts.models import ApiToken
    from accord.coalitions.models import (
        Affiliation,
        Application,
        AuditEvent,
        Coalition,
        Invitation,
        MemberGroup,
        Person,
    )

    return (
        tuple(Coalition.objects.order_by("pk").values_list("pk", "name", "purpose", "membership_questions")),
        tuple(MemberGroup.objects.order_by("pk").values_list("pk", "name", "size", "left_at", "leave_reason")),
        tuple(
            Person.objects.order_by("pk").values_list(
                "pk", "name", "email", "user_id", "is_coordinator", "is_individual_member", "left_at"
            )
        ),
        tuple(Affiliation.objects.order_by("pk").values_list("pk", "is_delegate", "ended_at", "end_reason")),
        tuple(Invitation.objects.order_by("pk").values_list("pk", "accepted_at", "revoked_at")),
        tuple(Application.objects.order_by("pk").values_list("pk", "status", "decision_reason")),
        tuple(ApiToken.objects.order_by("pk").values_list("pk", "revoked_at")),
        AuditEvent.objects.count(),
    )
