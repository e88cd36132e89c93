"""The tasks page (tabs, overdue in words, done with a note, reopen) and the catch-up (what happened, a chosen date,
the digest frequency)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accord.coalitions.models import Person
from accord.meetings import actions
from accord.meetings.models import DigestPreference, Task

from .notes_helpers import meeting_now

pytestmark = pytest.mark.django_db


def tasks_url(world, query: str = "") -> str:
    return reverse("web:tasks", args=[world.coalition.slug]) + query


def make_task(world, title: str, hours_ago: float = 1, **owner) -> Task:
    meeting = meeting_now(world, title=f"Meeting for {title}", hours_ago=hours_ago, kind="working_group")
    return actions.create_task(
        actor=world.coordinator, coalition=world.coalition, title=title, meeting=meeting, **owner
    )


def test_tabs_show_mine_my_groups_and_all_with_overdue_in_words(world, client_for):
    mine = make_task(world, "Print leaflets", owner_person=world.person(world.member), due_on=date(2025, 11, 3))
    make_task(world, "Book the hall", hours_ago=8, owner_group=world.group)
    client = client_for(world.member)
    page = client.get(tasks_url(world)).content.decode()
    assert "Print leaflets" in page and "Book the hall" not in page
    assert "Overdue since 3 Nov 2025." in page
    assert "Meeting for Print leaflets" in page
    groups = client.get(tasks_url(world, "?scope=groups")).content.decode()
    assert "Book the hall" in groups and "Print leaflets" not in groups
    assert "(member group)" in groups
    everything = client.get(tasks_url(world, "?scope=all&status=open")).content.decode()
    assert "Book the hall" in everything and "Print leaflets" in everything
    assert mine.is_open


def test_mark_done_with_a_note_then_reopen(world, client_for):
    task = make_task(world, "Print leaflets", owner_person=world.person(world.member))
    client = client_for(world.member)
    change = reverse("web:task_change", args=[world.coalition.slug, task.pk])
    response = client.post(
        change, {"change": "done", f"task{task.pk}-note": "500 printed", "scope": "mine", "status": "open"}, follow=True
    )
    assert "Marked “Print leaflets” done." in response.content.decode()
    task.refresh_from_db()
    assert (task.status, task.done_note) == ("done", "500 printed")
    done = client.get(tasks_url(world, "?status=done")).content.decode()
    assert "500 printed" in done
    client.post(change, {"change": "reopen", f"task{task.pk}-reason": "More needed"})
    task.refresh_from_db()
    assert task.status == "open"


def test_someone_else_cannot_mark_a_task_done(world, client_for):
    task = make_task(world, "Print leaflets", owner_person=world.person(world.member))
    response = client_for(world.other_delegate).post(
        reverse("web:task_change", args=[world.coalition.slug, task.pk]), {"change": "done"}
    )
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.status == "open"


def test_catch_up_shows_what_happened_and_saves_the_digest_frequency(world, client_for):
    Person.objects.filter(coalition=world.coalition).update(joined_at=timezone.now() - timedelta(days=30))
    meeting = meeting_now(world, title="March general meeting")
    actions.record_decision(actor=world.coordinator, meeting=meeting, text="We book the hall.")
    actions.create_task(
        actor=world.coordinator,
        coalition=world.coalition,
        title="Pay deposit",
        owner_group=world.group,
        meeting=meeting,
    )
    client = client_for(world.member)
    url = reverse("web:catch_up", args=[world.coalition.slug])
    page = client.get(url).content.decode()
    assert "<h1>What happened since you last took part</h1>" in page
    assert "We book the hall." in page
    assert "Pay deposit – for Leeds Action" in page
    assert "March general meeting" in page
    later = client.get(url + "?since=2099-01-01").content.decode()
    assert "We book the hall." not in later
    bad = client.get(url + "?since=yesterday")
    assert bad.status_code == 422 and "Give a date, such as 2026-03-01." in bad.content.decode()
    response = client.post(url, {"frequency": "daily"}, follow=True)
    assert "every day something happened" in response.content.decode()
    assert DigestPreference.objects.get(person=world.person(world.member)).frequency == "daily"
    refused = client.post(url, {"frequency": "hourly"})
    assert refused.status_code == 422
    assert DigestPreference.objects.get(person=world.person(world.member)).frequency == "daily"


def test_catch_up_and_tasks_are_for_members_only(world, client_for):
    for name in ("web:catch_up", "web:tasks"):
        assert client_for(world.outsider).get(reverse(name, args=[world.coalition.slug])).status_code == 403
