"""Fixtures for the core pages' tests. The demo coalition, its personas, the browser and `sign_in` (Playwright)
come from tests/conftest.py and tests/personas.py; `client_for(user)` gives a Django test client signed in as
`user` (or anonymous for None)."""

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
