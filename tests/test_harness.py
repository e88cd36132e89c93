"""The harness itself works: Chromium drives the live server, mail really crosses SMTP, and the database under test
is the one DATABASE_URL names (so a PostgreSQL run that silently fell back to SQLite fails here)."""

from __future__ import annotations

import os

import pytest
from django.core import mail
from django.db import connection


@pytest.mark.browser
def test_chromium_opens_the_live_server(page, live_server):
    response = page.goto("/admin/login/")

    assert response is not None and response.status == 200
    assert page.url == f"{live_server.url}/admin/login/"
    assert "Log in" in page.title()


@pytest.mark.browser
def test_sign_in_gives_the_browser_a_session(sign_in, django_user_model):
    admin = django_user_model.objects.create_superuser(email="operator@example.org", password="a-long-password-1")

    page = sign_in(admin)
    page.goto("/admin/")

    assert page.url.endswith("/admin/"), "a signed-out visitor would have been sent to /admin/login/"
    assert page.get_by_role("heading", name="Site administration").is_visible()


def test_mail_reaches_the_smtp_sink(smtp_sink):
    sent = mail.send_mail(
        subject="Meeting on Thursday",
        message="The spokescouncil meets at 7pm.\nBring your group's positions.",
        from_email="Accord <accord@example.org>",
        recipient_list=["delegate@example.org"],
    )

    assert sent == 1
    assert len(smtp_sink.messages) == 1
    message = smtp_sink.messages[0]
    assert message["Subject"] == "Meeting on Thursday"
    assert message.get("To") == "delegate@example.org"
    assert message.get("From") == "Accord <accord@example.org>"
    assert smtp_sink.body(message).replace("\r\n", "\n").strip() == (
        "The spokescouncil meets at 7pm.\nBring your group's positions."
    )
    assert smtp_sink.to("delegate@example.org") == [message]
    assert mail.outbox == [], "the message went through the SMTP backend, not Django's test outbox"


@pytest.mark.django_db
def test_the_database_is_the_one_database_url_names():
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    if url and expected == "sqlite":
        pytest.fail(f"DATABASE_URL names a database this suite does not run on: {url.split('://')[0]}://…")

    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
