"""The catch-up (what happened since I last took part) and the digest that mails it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accord.agreements import actions as agreement_actions
from accord.agreements.models import AgreementVersion
from accord.coalitions.models import Person
from accord.decisions.models import Round
from accord.errors import Invalid
from accord.meetings import actions, queries, tasks
from accord.meetings.models import DigestPreference, Meeting
from tests.agreements.conftest import agreement, decide, found
from tests.decisions.conftest import close, in_days, open_proposal

from .conftest import World, ended, schedule, snapshot


def test_catch_up_lists_what_happened_since_the_last_meeting_attended(world: World) -> None:
    agreement_actions.seed_draft(world.coalition)
    found(world)  # the founding decision: every agreement takes effect (in 3 days' time, when its round closes)
    attended = ended(schedule(world, title="Attended", days=5), days_ago=10)
    actions.record_attendance(actor=world.coordinator, meeting=attended, present=[world.person(world.delegate)])
    missed = ended(schedule(world, title="Missed", days=6), days_ago=3)
    cancelled = schedule(world, title="Called off", days=7)
    actions.cancel_meeting(actor=world.coordinator, meeting=cancelled)
    Meeting.objects.filter(pk=cancelled.pk).update(
        starts_at=timezone.now() - timedelta(days=2, hours=2), ends_at=timezone.now() - timedelta(days=2)
    )
    actions.record_decision(actor=world.coordinator, meeting=missed, text="We march in May.")
    # Decided before Dev's last meeting (not listed), and after it (listed).
    old = open_proposal(world, title="Old news")
    close(old)
    Round.objects.filter(proposal=old).update(closed_at=attended.ends_at - timedelta(hours=1))
    recent = open_proposal(world, title="Recent")
    close(recent)
    waiting = open_proposal(world, title="Still open")
    amendment = agreement_actions.propose_amendment(
        actor=world.member,
        coalition=world.coalition,
        target="agreement",
        change={"text": "Rivers clean enough to swim in."},
        title="Swimmable rivers",
        closes_at=in_days(7),
        agreement=agreement(world, "unity_statement"),
    )
    decide(world, amendment.proposal)
    mine = actions.create_task(
        actor=world.member, coalition=world.coalition, title="Mine", owner_person=world.person(world.delegate)
    )
    ours = actions.create_task(actor=world.member, coalition=world.coalition, title="Ours", owner_group=world.group)
    theirs = actions.create_task(
        actor=world.member, coalition=world.coalition, title="Theirs", owner_group=world.other_group
    )
    done = actions.create_task(actor=world.member, coalition=world.coalition, title="Done", owner_group=world.group)
    actions.complete_task(actor=world.member, task=done)
    upcoming = schedule(world, title="Next", days=9)

    summary = queries.catch_up(world.delegate, world.coalition)
    assert (summary.since, summary.last_meeting) == (attended.ends_at, attended)
    assert [meeting.title for meeting in summary.meetings_held] == ["Missed"]
    titles = {proposal.title for proposal in summary.decisions}
    assert "Old news" not in titles and {"Recent", "Swimmable rivers"} <= titles
    assert [row.text for row in summary.meeting_decisions] == ["We march in May."]
    changed = [(version.agreement.key, version.number) for version in summary.agreements_changed]
    assert ("unity_statement", 2) in changed and ("unity_statement", 1) in changed
    assert summary.my_tasks == [mine]
    assert summary.group_tasks == [ours]
    assert theirs not in summary.group_tasks and done not in summary.group_tasks
    assert summary.upcoming == [upcoming]
    assert waiting in summary.waiting

    # An explicit `since` after the founding: only the amendment's version changed since then.
    since = max(
        AgreementVersion.objects.filter(agreement__coalition=world.coalition, number=1).values_list(
            "took_effect_at", flat=True
        )
    )
    later = queries.catch_up(world.delegate, world.coalition, since=since)
    assert later.last_meeting is None and later.since == since
    assert [(version.agreement.key, version.number) for version in later.agreements_changed] == [("unity_statement", 2)]
    assert later.meetings_held == []  # it ended days ago; its decision was recorded after `since`
    assert [row.text for row in later.meeting_decisions] == ["We march in May."]


def test_without_a_meeting_attended_the_catch_up_starts_when_they_joined(world: World) -> None:
    summary = queries.catch_up(world.member, world.coalition)
    assert (summary.since, summary.last_meeting) == (world.person(world.member).joined_at, None)


def test_digest_frequency_is_validated(world: World) -> None:
    before = snapshot()
    with pytest.raises(Invalid) as error:
        actions.set_digest_frequency(actor=world.member, coalition=world.coalition, frequency="hourly")
    assert (error.value.field, str(error.value)) == ("frequency", "Choose how often: never, every day or every week.")
    assert snapshot() == before
    assert queries.digest_frequency(world.member, world.coalition) == "never"
    actions.set_digest_frequency(actor=world.member, coalition=world.coalition, frequency="daily")
    assert queries.digest_frequency(world.member, world.coalition) == "daily"


def test_the_digest_is_sent_once_per_period(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    actions.set_digest_frequency(actor=world.member, coalition=world.coalition, frequency="weekly")
    schedule(world, title="Next up", days=3)
    mo = world.person(world.member)
    mail.outbox.clear()
    tasks.send_digest.call(mo.pk)
    assert [message.to for message in mail.outbox] == [["mo@example.org"]]
    assert mail.outbox[0].subject.startswith("What happened in River Towns since ")
    assert "Next up" in mail.outbox[0].body and f"/c/{world.coalition.slug}/catch-up/" in mail.outbox[0].body
    sent_at = DigestPreference.objects.get(person=mo).last_sent_at
    assert sent_at is not None
    tasks.send_digest.call(mo.pk)  # a second wake-up inside the week
    assert len(mail.outbox) == 1
    assert DigestPreference.objects.get(person=mo).last_sent_at == sent_at
    # A week later the next one goes.
    monkeypatch.setattr(timezone, "now", lambda: sent_at + timedelta(days=7))
    tasks.send_digest.call(mo.pk)
    assert len(mail.outbox) == 2


def test_no_digest_for_never_or_former_members(world: World) -> None:
    actions.set_digest_frequency(actor=world.member, coalition=world.coalition, frequency="never")
    fred = Person.objects.get(coalition=world.coalition, user=world.former)
    DigestPreference.objects.create(person=fred, frequency="daily")
    mail.outbox.clear()
    tasks.send_digest.call(world.person(world.member).pk)
    tasks.send_digest.call(fred.pk)
    tasks.send_digest.call(world.person(world.delegate).pk)  # no preference at all
    assert mail.outbox == []
    assert DigestPreference.objects.get(person=fred).last_sent_at is None


def test_a_digest_that_fails_still_schedules_the_next(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    actions.set_digest_frequency(actor=world.member, coalition=world.coalition, frequency="daily")
    mo = world.person(world.member)
    scheduled: list[int] = []
    monkeypatch.setattr(tasks, "schedule_digest", scheduled.append)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the mail server is down")

    monkeypatch.setattr(tasks, "send_mail", broken)
    with pytest.raises(RuntimeError):
        tasks.send_digest.call(mo.pk)
    assert scheduled == [mo.pk]
