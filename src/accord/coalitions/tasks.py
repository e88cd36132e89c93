"""Background work for coalitions: the mail that invitations and admission decisions send.

Enqueued by actions once their transaction commits; run by the worker that `accord run` starts (immediately in
tests).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from .models import Application, Invitation


@task()
def send_invitation_email(invitation_id: int) -> None:
    invitation = Invitation.objects.select_related("coalition", "member_group", "person", "created_by").get(
        pk=invitation_id
    )
    if not invitation.email or invitation.status != "open":
        return
    context = {
        "invitation": invitation,
        "coalition": invitation.coalition,
        "inviter": invitation.created_by.display_name if invitation.created_by else "A coordinator",
        "link": invitation.link,
    }
    send_mail(
        subject=f"You are invited to join {invitation.coalition.name} on Accord",
        message=render_to_string("coalitions/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


@task()
def send_application_decision_email(application_id: int) -> None:
    application = Application.objects.select_related("coalition", "applicant").get(pk=application_id)
    # To the account that applied, whose address is verified by signing in, never to a typed-in contact address.
    if application.applicant is None:
        return
    context = {
        "application": application,
        "coalition": application.coalition,
        "link": settings.BASE_URL + reverse("web:coalition", args=[application.coalition.slug]),
    }
    send_mail(
        subject=f"Your application to {application.coalition.name}: {application.get_status_display().lower()}",
        message=render_to_string("coalitions/email/application_decided.txt", context),
        from_email=None,
        recipient_list=[application.applicant.email],
    )
