"""Background work for the constitution: asking members to re-confirm a changed agreement, telling a group its
red line was flagged, and reminding groups to re-confirm their red lines.

Enqueued once the action's transaction commits; run by the worker that `accord run` starts (at once in tests).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import default_task_backend, task

from accord.coalitions import queries as coalition_queries

from .models import AgreementVersion, RedLine, RedLineFlag

REMIND_BEFORE = timedelta(days=7)


def _subject(text: str) -> str:
    return " ".join(text.split())  # one line whatever the names hold: a break would end the mail's headers


def _link(name: str, *args: object) -> str:
    return settings.BASE_URL + reverse(name, args=args)


@task()
def ask_to_reconfirm(version_id: int) -> None:
    """A changed agreement that members sign on to: each member group's delegates and each individual member are
    asked to re-confirm, one message each."""
    version = AgreementVersion.objects.select_related("agreement", "agreement__coalition").get(pk=version_id)
    coalition = version.agreement.coalition
    group_ids = list(coalition_queries.current_groups(coalition).values_list("pk", flat=True))
    addresses = set(coalition_queries.delegates_of(group_ids).exclude(email="").values_list("email", flat=True))
    addresses |= set(coalition_queries.individual_members(coalition).exclude(email="").values_list("email", flat=True))
    context = {"version": version, "coalition": coalition, "link": _link("web:sign_on", coalition.slug)}
    message = render_to_string("agreements/email/reconfirm.txt", context)
    subject = _subject(f"Please re-confirm: {version.title} changed ({coalition.name})")
    for address in sorted(addresses):
        send_mail(subject=subject, message=message, from_email=None, recipient_list=[address])


@task()
def tell_group_of_flag(flag_id: int) -> None:
    flag = RedLineFlag.objects.select_related(
        "proposal", "proposal__coalition", "red_line", "red_line__member_group"
    ).get(pk=flag_id)
    if flag.withdrawn_at is not None:
        return
    coalition = flag.proposal.coalition
    addresses = sorted(
        set(
            coalition_queries.delegates_of([flag.red_line.member_group_id])
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    context = {
        "flag": flag,
        "coalition": coalition,
        "link": _link("web:proposal", coalition.slug, flag.proposal_id),
    }
    message = render_to_string("agreements/email/red_line_flagged.txt", context)
    subject = _subject(f"A proposal may touch your red line: {flag.proposal.title} ({coalition.name})")
    for address in addresses:
        send_mail(subject=subject, message=message, from_email=None, recipient_list=[address])


def schedule_red_line_reminder(red_line_id: int) -> None:
    """Wake up a week before the red line is due for re-confirmation (needs a worker that runs deferred tasks)."""
    if not default_task_backend.supports_defer:
        return
    from .actions import constitution_of

    red_line = RedLine.objects.select_related("coalition").filter(pk=red_line_id).first()
    if red_line is None:
        return
    due = red_line.confirmed_at + timedelta(days=constitution_of(red_line.coalition).red_line_review_days)
    remind_red_line.using(run_after=due - REMIND_BEFORE).enqueue(red_line_id)


@task()
def remind_red_line(red_line_id: int) -> None:
    from .actions import mark_red_line_reminded

    red_line = mark_red_line_reminded(red_line_id)
    if red_line is None:
        return  # confirmed since, withdrawn, or already reminded
    coalition = red_line.coalition
    addresses = sorted(
        set(
            coalition_queries.delegates_of([red_line.member_group_id]).exclude(email="").values_list("email", flat=True)
        )
    )
    context = {"red_line": red_line, "coalition": coalition, "link": _link("web:red_lines", coalition.slug)}
    message = render_to_string("agreements/email/red_line_review.txt", context)
    subject = _subject(f"Do your red lines still stand? ({coalition.name})")
    for address in addresses:
        send_mail(subject=subject, message=message, from_email=None, recipient_list=[address])
