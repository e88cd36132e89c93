"""Fixtures for the meetings pages: the small coalition of tests/decisions/conftest.py (`world`: Ana coordinator,
Dev and Mo of Leeds Action, Pat and Fay of Hull Heat, Fred former, Olu outsider) and `client_for(user)` (a signed-in
test client, or anonymous for None)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.decisions.conftest import World, build_world

HTMX = {"HX-Request": "true"}


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def client_for(db: None) -> Callable[[Any], Client]:
    def make(user: Any) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make
