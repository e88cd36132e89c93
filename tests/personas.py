"""Test personas: the demo coalition (`accord.demo`) as pytest fixtures. Registered by tests/conftest.py.

    def test_delegate_sees_their_group(demo, delegate):
        ...  # demo.delegate_group, demo.coalition, demo.big_group, demo.left_group...

`demo` loads the demo coalition into the test's database and returns the `accord.demo.Demo`. It asks for the
`db` fixture, so a test that uses it needs no `django_db` mark. It is function-scoped: every test gets a freshly
loaded demo (about 0.3 s on SQLite), and

- in an ordinary database test the load happens inside the test's transaction and is rolled back afterwards;
  the load's on-commit work (invitation and decision emails) does not run unless the test wraps its own code in
  `django_capture_on_commit_callbacks(execute=True)`;
- in a `transactional_db` or `live_server` test (or `django_db(transaction=True)`) the load is committed, so the
  live server sees it and its emails are sent at once (to `mail.outbox`); pytest-django flushes the database after
  the test, and the next test that asks for `demo` loads it again.

The demo is deliberately not cached across tests: a cached copy would be wiped by the flush after any
transactional test, and would put a coalition in the database of tests that expect an empty one.

Persona shortcuts, each a `User`: `coordinator` (Amara Okafor), `delegate` (Priya Shah, delegate of Leeds Climate
Action), `member` (Daniel Murphy, member of Leeds Climate Action with no other role), `outsider` (Sam Taylor, an
account with no place in the coalition); and `coalition`. Their password is `accord.demo.DEMO_PASSWORD`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # models are imported only once Django is set up: a plugin module may load before that
    from accord.accounts.models import User
    from accord.coalitions.models import Coalition
    from accord.demo import Demo


@pytest.fixture
def demo(db: None) -> Demo:
    from accord.demo import load_demo

    return load_demo()


@pytest.fixture
def coalition(demo: Demo) -> Coalition:
    return demo.coalition


@pytest.fixture
def coordinator(demo: Demo) -> User:
    return demo.coordinator


@pytest.fixture
def delegate(demo: Demo) -> User:
    return demo.delegate


@pytest.fixture
def member(demo: Demo) -> User:
    return demo.member


@pytest.fixture
def outsider(demo: Demo) -> User:
    return demo.outsider
