"""Background work for decisions: closing rounds at their deadline and reminding those who have not responded.

Enqueued with `run_after` when a round opens; run by the worker that `accord run` starts.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from .models import Round


@task()
def close_round_when_due(round_id: int) -> None:
    from . import actions  # actions enqueue these tasks, so they are imported when the task runs

    round_ = Round.objects.filter(pk=round_id).first()
    if round_ is None or not round_.is_open:
        return
    if round_.closes_at > timezone.now():
        close_round_when_due.using(run_after=round_.closes_at).enqueue(round_id)  # woken early: wait again
        return
    actions.close_round_if_due(round_id=round_id)


@task()
def send_closing_reminders(round_id: int) -> None:
    from . import actions

    addresses = actions.mark_reminded(round_id)
    if not addresses:
        return
    round_ = Round.objects.select_related("proposal", "proposal__coalition").get(pk=round_id)
    proposal = round_.proposal
    context = {
        "proposal": proposal,
        "round": round_,
        "coalition": proposal.coalition,
        "link": settings.BASE_URL + reverse("web:proposal", args=[proposal.coalition.slug, proposal.pk]),
    }
    message = render_to_string("decisions/email/closing_soon.txt", context)
    # One line whatever the names hold: a line break in a header would stop the mail.
    subject = " ".join(f"Closing soon: {proposal.title} ({proposal.coalition.name})".split())
    for address in addresses:  # one message each, so no one sees who else has not responded
        send_mail(subject=subject, message=message, from_email=None, recipient_list=[address])
