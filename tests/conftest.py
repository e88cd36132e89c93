"""The test harness: Django settings for tests, the browser, a real SMTP server, and the demo personas.

Environment, set here before Django loads its settings (so nothing outside this file needs to):
  ACCORD_TESTING=1            fast password hasher, tasks run immediately, plain static files storage
  ACCORD_DATA_DIR             a temporary folder, removed at the end of the session
  DJANGO_ALLOW_ASYNC_UNSAFE   Playwright runs an event loop in the test thread; pytest-django's live server and
                              database setup must still be allowed to touch the database from it
  ACCORD_LOG_LEVEL            WARNING unless given
  DATABASE_URL                left as given: unset runs on SQLite (in memory), a postgres:// URL runs on PostgreSQL

Fixtures defined here (the demo coalition and its personas come from tests/personas.py):
  smtp_sink           a real SMTP server on 127.0.0.1 with Django pointed at it; `.messages` are what arrived
  sign_in             `sign_in(user)` signs `page` (Playwright) in as `user` on the live server and returns it
  browser_context_args   pages open on the live server, so a browser test can write `page.goto("/c/...")`
  browser_type_launch_args   Debian's Chromium, headless, without background networking

Markers: `browser` (a Playwright test, added to any test using `page`; left out of the PostgreSQL run) and
`database` (a test that uses a database outside pytest-django's, such as `accord` commands run in a subprocess). Option
`--database-tests-only` keeps only the tests that touch a database: those that ask for `db`, `transactional_db`,
`live_server` or `django_db` (directly or through fixtures such as `demo`), and those marked `database`.
"""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import signal
import socket
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

_DATA_DIR = tempfile.mkdtemp(prefix="accord-tests-")
os.makedirs(os.path.join(_DATA_DIR, "static"))  # STATIC_ROOT: whitenoise warns when it is missing
os.environ["ACCORD_TESTING"] = "1"
os.environ["ACCORD_DATA_DIR"] = _DATA_DIR
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("ACCORD_LOG_LEVEL", "WARNING")  # no INFO line for every task the immediate backend runs
os.environ["DJANGO_SETTINGS_MODULE"] = "accord.settings"
for _inherited in ("ACCORD_DEBUG", "ACCORD_HTTPS", "ACCORD_SECRET_KEY", "EMAIL_HOST", "ACCORD_ALLOWED_HOSTS"):
    os.environ.pop(_inherited, None)  # an operator's shell must not change what the tests see

import django  # noqa: E402  (after the environment above, which the settings read)
from django.conf import settings as _settings  # noqa: E402

if _settings.configured and not _settings.TESTING:
    # pytest-django loads the settings before this file when DJANGO_SETTINGS_MODULE is set in the shell or given
    # with --ds: they would then use the real data folder and slow hashing. Refuse rather than run that way.
    raise pytest.UsageError(
        "Django's settings were loaded before tests/conftest.py could prepare them: unset DJANGO_SETTINGS_MODULE "
        "(and do not pass --ds); the test harness sets it."
    )
django.setup()

pytest_plugins = ["tests.personas"] if (Path(__file__).parent / "personas.py").exists() else []

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PLAYWRIGHT_FIXTURES = {"page", "context", "browser", "new_context"}
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only tests that touch a database (for the PostgreSQL run)",
    )


def _stop_like_ctrl_c(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def pytest_configure(config: pytest.Config) -> None:
    # SIGTERM (scripts/test.sh stopping its background PostgreSQL run, a CI timeout) stops the run the way Ctrl-C
    # does, so fixtures still clean up: servers started by tests are stopped, temporary databases dropped.
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop_like_ctrl_c)


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_DATA_DIR, ignore_errors=True)


def _touches_database(item: pytest.Item) -> bool:
    if item.get_closest_marker("django_db") or item.get_closest_marker("database"):
        return True
    return bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(tryfirst=True)  # before `-m` selects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:  # a Playwright test is a browser test, marked or not
        if PLAYWRIGHT_FIXTURES & set(getattr(item, "fixturenames", ())) and not item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.browser)
    if not config.getoption("--database-tests-only"):
        return
    kept = [item for item in items if _touches_database(item)]
    dropped = [item for item in items if not _touches_database(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_report_header(config: pytest.Config) -> list[str]:
    from django.db import connection

    return [f"database: {connection.vendor} ({'DATABASE_URL' if os.environ.get('DATABASE_URL') else 'SQLite'})"]


# --- the browser ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(
    browser_context_args: dict[str, Any], django_db_setup: None, live_server: Any
) -> dict[str, Any]:
    """Browser pages resolve `page.goto("/c/...")` against the live server (started once per session).

    Asking for `page` therefore brings in `live_server`, which gives the test transactional database access.
    (Not done by overriding `base_url`: pytest-base-url uses that in an autouse fixture, for every test.)
    """
    return {**browser_context_args, "base_url": str(live_server.url)}


@pytest.fixture
def sign_in(page: Any, live_server: Any) -> Callable[[Any], Any]:
    """`sign_in(user)` returns `page` signed in as `user`, without going through the sign-in form.

    It makes a session the way `Client.force_login` does and hands its cookie to the browser, so a test spends
    no time on the form (the form itself has its own tests). The live server shares the test's database, which
    pytest-django makes transactional for live-server tests, so the session is visible to it at once.
    """
    from django.conf import settings
    from django.test import Client

    def signed_in(user: Any) -> Any:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": cookie.value,
                    "url": str(live_server.url),
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )
        return page

    return signed_in


# --- a real SMTP server ---------------------------------------------------------------------------------------


@dataclass
class SmtpSink:
    """What an in-process SMTP server received. `messages` are parsed `email.message.EmailMessage`s."""

    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)  # each message's envelope recipients (RCPT TO)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def received(self, content: bytes, recipients: list[str]) -> None:
        message = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self.messages.append(message)
            self.recipients.append(list(recipients))

    def to(self, address: str) -> list[EmailMessage]:
        """The messages whose envelope included `address`."""
        return [
            message
            for message, recipients in zip(self.messages, self.recipients, strict=True)
            if address.lower() in (recipient.lower() for recipient in recipients)
        ]

    @staticmethod
    def body(message: EmailMessage) -> str:
        """The plain-text body of a message, whether or not it also has an HTML part."""
        part = message.get_body(preferencelist=("plain",))
        if part is None:
            raise AssertionError(f"message “{message['Subject']}” has no plain-text body")
        return str(part.get_content())


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_sink(settings: Any) -> Iterator[SmtpSink]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1, with Django's mail going to it over SMTP for this test."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink(host="127.0.0.1", port=_free_port())

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802  (aiosmtpd's name)
            sink.received(envelope.original_content or envelope.content, envelope.rcpt_tos)
            return "250 Message accepted for delivery"

    controller = Controller(Handler(), hostname=sink.host, port=sink.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield sink
    finally:
        controller.stop()
