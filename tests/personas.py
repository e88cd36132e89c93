"""Test personas: the demo coalition (`accord.demo`) as pytest fixtures. Registered by tests/conftest.py.

    def test_delegate_sees_their_group(demo, delegate):
        ...  # demo.delegate_group, demo.coalition, demo.big_group, demo.left_group...

The demo is loaded once per test session, when pytest-django sets up the test database, and committed there.
`demo` then finds it (a few reads) inside each test's transaction, which is rolled back afterwards, so every test
starts from the same demo however much the previous one changed.

- A `transactional_db` or `live_server` test sees the committed demo too; pytest-django flushes the database after
  such a test, and the next test that asks for `demo` loads it afresh (pytest-django runs these tests last).
- The session load's on-commit work (invitation, decision and meeting-invitation emails) ran before any test, so `mail.outbox` starts
  empty in every test.
- A test that needs a database with no coalition asks for `empty_database`: it deletes everything inside the
  test's transaction, and the rollback brings the demo back for the next test.

Persona shortcuts, each a `User`: `coordinator` (Amara Okafor), `delegate` (Priya Shah, delegate of Leeds Climate
Action), `member` (Daniel Murphy, member of Leeds Climate Action with no other role), `outsider` (Sam Taylor, an
account with no place in the coalition); and `coalition`. Their password is `accord.demo.DEMO_PASSWORD`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # models are imported only once Django is set up: a plugin module may load before that
    from accord.accounts.models import User
    from accord.coalitions.models import Coalition
    from accord.demo import Demo


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    from accord.demo import load_demo

    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture
def demo(db: None) -> Demo:
    from accord.demo import find_demo, load_demo

    return find_demo() or load_demo()


@pytest.fixture
def empty_database(db: None) -> None:
    """No coalition and no account, for the length of this test only."""
    from django.contrib.auth import get_user_model

    from accord.coalitions.models import Coalition
    from accord.decisions.models import Proposal

    # Proposals first: their rounds' eligible units protect the people, groups and decision kinds they name.
    Proposal.objects.all().delete()
    Coalition.objects.all().delete()
    get_user_model().objects.all().delete()


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
