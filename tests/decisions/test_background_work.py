"""Background work: a round that opens schedules its closing at the deadline and a reminder before it, on the
database task backend that `accord run`'s worker serves; the tasks close the round and mail those who have not
responded, one message each, through a real SMTP server."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import dateformat, timezone
from django_tasks import default_task_backend
from django_tasks_db.models import DBTaskResult

from accord.coalitions import actions as coalition_actions
from accord.coalitions.models import AuditEvent
from accord.decisions import actions, tasks

from .conftest import World, add_mixed_kind, current_round, open_proposal, travel

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
CLOSE = "accord.decisions.tasks.close_round_when_due"
REMIND = "accord.decisions.tasks.send_closing_reminders"


def test_the_immediate_backend_of_the_tests_schedules_nothing(world: World, django_capture_on_commit_callbacks) -> None:
    assert default_task_backend.supports_defer is False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        proposal = open_proposal(world)
    assert len(callbacks) == 1  # the scheduling, run on commit
    assert DBTaskResult.objects.count() == 0
    assert current_round(proposal).status == "open"


def queued() -> list[tuple[str, Any, list[Any]]]:
    return sorted((row.task_path, row.run_after, row.args_kwargs["args"]) for row in DBTaskResult.objects.all())


@pytest.fixture
def database_tasks(settings: Any) -> None:
    """The production task backend (django_tasks resets its backends when the TASKS setting changes)."""
    settings.TASKS = DATABASE_TASKS
    assert default_task_backend.supports_defer is True


def test_opening_schedules_the_close_and_a_reminder_a_day_before(
    world: World, database_tasks: None, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        proposal = open_proposal(world, closes_at=timezone.now() + timedelta(days=7))
    round_ = current_round(proposal)
    assert queued() == [
        (CLOSE, round_.closes_at, [round_.pk]),
        (REMIND, round_.closes_at - timedelta(hours=24), [round_.pk]),
    ]
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        short = open_proposal(world, title="Quick one", closes_at=timezone.now() + timedelta(hours=10))
    short_round = current_round(short)
    window = short_round.closes_at - short_round.opens_at
    assert queued() == [
        (CLOSE, short_round.closes_at, [short_round.pk]),
        (REMIND, short_round.closes_at - window / 2, [short_round.pk]),  # half the window when under two days
    ]


def test_the_tasks_remind_then_close_the_round(
    world: World,
    database_tasks: None,
    django_capture_on_commit_callbacks,
    smtp_sink: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    coalition_actions.record_person(  # eligible, but without an account there is no one to mail
        actor=world.coordinator,
        coalition=world.coalition,
        name="Ida",
        email="ida@example.org",
        is_individual_member=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        proposal = open_proposal(world, kind=add_mixed_kind(world), title="Admit Selby Floods")
    round_ = current_round(proposal)
    actions.record_stance(actor=world.delegate, proposal=proposal, position="agree")  # Leeds Action has responded
    remind, close = (
        DBTaskResult.objects.get(task_path=REMIND, args_kwargs__args=[round_.pk]),
        DBTaskResult.objects.get(task_path=CLOSE, args_kwargs__args=[round_.pk]),
    )

    with travel(monkeypatch, remind.run_after):
        remind.task.call(*remind.args_kwargs["args"])
        remind.task.call(*remind.args_kwargs["args"])  # a second run (a retried job) mails no one again
    link = django_settings.BASE_URL + reverse("web:proposal", args=[world.coalition.slug, proposal.pk])
    assert link == f"{django_settings.BASE_URL}/c/river-towns/decisions/{proposal.pk}/"
    assert sorted(smtp_sink.recipients) == [["ana@example.org"], ["pat@example.org"]]  # one message each
    closes = dateformat.format(timezone.localtime(round_.closes_at), "j F Y, H:i e")
    for message in smtp_sink.messages:
        assert message["Subject"] == "Closing soon: Admit Selby Floods (River Towns)"
        assert "\n".join(smtp_sink.body(message).strip().splitlines()) == (
            f'"Admit Selby Floods" closes at {closes}, and your response (or your group\'s) is not in yet.\n\n'
            f'It is decided as "Members and groups". Read it and respond here:\n{link}\n\n'
            "You receive this because you are eligible in this decision in River Towns on Accord."
        )

    actions.record_stance(actor=world.coordinator, proposal=proposal, position="agree")
    with travel(monkeypatch, close.run_after - timedelta(minutes=1)):  # woken early: waits again
        close.task.call(*close.args_kwargs["args"])
    round_.refresh_from_db()
    assert round_.status == "open"
    assert DBTaskResult.objects.filter(task_path=CLOSE, args_kwargs__args=[round_.pk]).count() == 2

    with travel(monkeypatch, close.run_after + timedelta(seconds=5)):
        close.task.call(*close.args_kwargs["args"])
    round_.refresh_from_db()
    proposal.refresh_from_db()
    assert (round_.status, proposal.status, round_.closed_at) == (
        "passed",
        "passed",
        close.run_after + timedelta(seconds=5),
    )
    assert round_.outcome["summary"] == (
        "Passed: 2 of 4 members took part (quorum 2); no blocks, allowed 1; 2 members agreeing."
    )
    assert (
        AuditEvent.objects.filter(coalition=world.coalition, verb="proposal.closed", actor_name="Accord").count() == 1
    )
    assert len(smtp_sink.messages) == 2  # closing mails no one


def test_the_tasks_do_nothing_for_a_round_gone_or_closed(world: World, database_tasks: None, smtp_sink: Any) -> None:
    tasks.close_round_when_due.call(987654)
    tasks.send_closing_reminders.call(987654)
    proposal = open_proposal(world)
    actions.withdraw_proposal(actor=world.member, proposal=proposal)
    tasks.close_round_when_due.call(current_round(proposal).pk)
    tasks.send_closing_reminders.call(current_round(proposal).pk)
    assert (current_round(proposal).status, smtp_sink.messages, DBTaskResult.objects.count()) == ("withdrawn", [], 0)
