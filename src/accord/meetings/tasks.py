"""Background work for meetings: invitations (with the meeting as a calendar attachment) and the catch-up digest.

Enqueued once the action's transaction commits; run by the worker that `accord run` starts (at once in tests). A
digest reschedules itself for its person's next one, so no clock service is needed.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend, task

from accord.coalitions import queries as coalition_queries

from .calendar import calendar
from .models import DigestPreference, Meeting

PERIODS = {DigestPreference.Frequency.DAILY: timedelta(days=1), DigestPreference.Frequency.WEEKLY: timedelta(days=7)}


def _subject(text: str) -> str:
    return " ".join(text.split())


@task()
def send_invitations(meeting_id: int) -> None:
    """One message each, to the people the meeting is for: delegates for a spokescouncil, every member else."""
    meeting = Meeting.objects.select_related("coalition").get(pk=meeting_id)
    if meeting.is_cancelled:
        return
    coalition = meeting.coalition
    if meeting.kind == Meeting.Kind.SPOKESCOUNCIL:
        group_ids = coalition_queries.current_groups(coalition).values_list("pk", flat=True)
        people = coalition_queries.delegates_of(list(group_ids))
    else:
        people = coalition_queries.current_people(coalition)
    addresses = sorted(set(people.exclude(email="").values_list("email", flat=True)))
    now = timezone.now()
    link = settings.BASE_URL + reverse("web:meeting", args=[coalition.slug, meeting.pk])
    body = render_to_string("meetings/email/invitation.txt", {"meeting": meeting, "coalition": coalition, "link": link})
    attachment = calendar([meeting], name=coalition.name, now=now)
    subject = _subject(f"Invitation: {meeting.title}, {meeting.starts_at:%d %B %Y} ({coalition.name})")
    for address in addresses:
        message = EmailMessage(subject=subject, body=body, to=[address])
        message.attach("meeting.ics", attachment, "text/calendar; method=PUBLISH")
        message.send()


def schedule_digest(person_id: int) -> None:
    """Wake up when the person's next digest is due (needs a worker that runs deferred tasks)."""
    if not default_task_backend.supports_defer:
        return
    preference = DigestPreference.objects.filter(person_id=person_id).first()
    if preference is None or preference.frequency not in PERIODS:
        return
    due = (preference.last_sent_at or timezone.now()) + PERIODS[preference.frequency]
    send_digest.using(run_after=due).enqueue(person_id)


@task()
def send_digest(person_id: int) -> None:
    """The catch-up by email, if it is due; then the next one is scheduled."""
    from . import queries

    now = timezone.now()
    with transaction.atomic():
        preference = (
            DigestPreference.objects.select_for_update(of=("self",))  # person__user is an outer join: lock only this
            .select_related("person", "person__coalition", "person__user")
            .filter(person_id=person_id)
            .first()
        )
        if preference is None or preference.frequency not in PERIODS or not preference.person.is_active:
            return
        period = PERIODS[preference.frequency]
        if preference.last_sent_at is not None and preference.last_sent_at + period > now + timedelta(minutes=5):
            return  # sent already (a duplicate wake-up)
        since = preference.last_sent_at or now - period
        person = preference.person
        preference.last_sent_at = now
        preference.save(update_fields=["last_sent_at"])
    try:
        if person.user is not None and person.email:
            summary = queries.catch_up(person.user, person.coalition, since=since)
            link = settings.BASE_URL + reverse("web:catch_up", args=[person.coalition.slug])
            body = render_to_string(
                "meetings/email/digest.txt",
                {"catch_up": summary, "coalition": person.coalition, "link": link, "person": person},
            )
            send_mail(
                subject=_subject(f"What happened in {person.coalition.name} since {since:%d %B}"),
                message=body,
                from_email=None,
                recipient_list=[person.email],
            )
    finally:
        schedule_digest(person_id)  # whatever happened to this one, the next digest is still due
