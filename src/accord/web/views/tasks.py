"""Tasks (mine, my groups', all; open or done; overdue said in words; marked done with a note, or reopened) and the
catch-up: what happened since the viewer last took part, with the digest email's frequency.

Thin views over accord.meetings.queries and accord.meetings.actions; every form works without JavaScript.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accord.errors import ActionError, NotAllowed
from accord.meetings import actions, queries
from accord.meetings.models import Task
from accord.meetings.permissions import may_complete_task

from ..context import coalition_context
from ..notes_forms import CompleteTaskForm, DigestForm, ReopenTaskForm, SinceForm

SCOPES = [("mine", "Mine"), ("groups", "My groups'"), ("all", "All")]
STATUSES = [("open", "Open"), ("done", "Done")]
PER_PAGE_LIMIT = 200


def _choice(value: str, options: list[tuple[str, str]]) -> str:
    return value if value in dict(options) else options[0][0]


def _overdue_words(task: Task, today: Any) -> str:
    due = task.due_on
    if due is None or not queries.is_overdue(task, today):
        return ""
    shown = f"{due.day} {due:%b}" + ("" if due.year == today.year else f" {due.year}")
    return f"Overdue since {shown}"


def _tasks_url(slug: str, scope: str, status: str, anchor: str = "") -> str:
    url = reverse("web:tasks", args=[slug]) + f"?scope={scope}&status={status}"
    return url + (f"#{anchor}" if anchor else "")


def _meeting_link(task: Task) -> str:
    if task.meeting_id is None:
        return ""
    try:
        return reverse("web:meeting_notes", args=[task.coalition.slug, task.meeting_id])
    except Exception:  # pragma: no cover - the route is defined in web/urls.py
        return ""


@require_http_methods(["GET"])
def tasks(request: HttpRequest, slug: str) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition, standing = context["coalition"], context["standing"]
    scope = _choice(request.GET.get("scope", ""), SCOPES)
    status = _choice(request.GET.get("status", ""), STATUSES)
    rows = list(
        queries.tasks(request.user, coalition, scope=scope, status=status).select_related("agenda_item", "coalition")[
            : PER_PAGE_LIMIT + 1
        ]
    )
    more = len(rows) > PER_PAGE_LIMIT
    today = timezone.localdate()
    for task in rows[:PER_PAGE_LIMIT]:
        task.overdue_words = _overdue_words(task, today)  # type: ignore[attr-defined]
        task.may_change = may_complete_task(standing, task)  # type: ignore[attr-defined]
        task.meeting_link = _meeting_link(task)  # type: ignore[attr-defined]
    context |= {
        "tasks": rows[:PER_PAGE_LIMIT],
        "more": more,
        "scope": scope,
        "status": status,
        "scope_label": dict(SCOPES)[scope],
        "status_label": dict(STATUSES)[status],
        "scope_tabs": [{"value": v, "label": label, "current": v == scope} for v, label in SCOPES],
        "status_tabs": [{"value": v, "label": label, "current": v == status} for v, label in STATUSES],
        "complete_form": CompleteTaskForm(),
        "reopen_form": ReopenTaskForm(),
    }
    return render(request, "web/tasks/tasks.html", context)


@require_POST
def task_change(request: HttpRequest, slug: str, task_id: int) -> HttpResponse:
    """Mark a task done (with a note) or reopen it; back to the list it was changed from."""
    context = coalition_context(request, slug)
    coalition = context["coalition"]
    task = queries.task(request.user, coalition, task_id)
    scope = _choice(request.POST.get("scope", ""), SCOPES)
    status = _choice(request.POST.get("status", ""), STATUSES)
    change = request.POST.get("change", "")
    if change == "done":
        form: Any = CompleteTaskForm(request.POST, prefix=f"task{task.pk}")
        if form.is_valid():
            try:
                actions.complete_task(actor=request.user, task=task, note=form.cleaned_data["note"])
            except ActionError as error:
                if error.status == 403:
                    raise
                messages.error(request, error.message)
            else:
                messages.success(request, f"Marked “{task.title}” done.")
        else:
            messages.error(request, " ".join(form.errors.get("note", [])))
    elif change == "reopen":
        form = ReopenTaskForm(request.POST, prefix=f"task{task.pk}")
        if form.is_valid():
            try:
                actions.reopen_task(actor=request.user, task=task, reason=form.cleaned_data["reason"])
            except ActionError as error:
                if error.status == 403:
                    raise
                messages.error(request, error.message)
            else:
                messages.success(request, f"Reopened “{task.title}”.")
        else:
            messages.error(request, " ".join(form.errors.get("reason", [])))
    else:
        raise NotAllowed("Choose what to do with the task: mark it done, or reopen it.")
    return redirect(_tasks_url(coalition.slug, scope, status))


# --- the catch-up ----------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def catch_up(request: HttpRequest, slug: str) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition = context["coalition"]
    digest_form = DigestForm(
        request.POST if request.method == "POST" else None,
        initial={"frequency": queries.digest_frequency(request.user, coalition)},
    )
    status = 200
    if request.method == "POST":
        if digest_form.is_valid():
            try:
                preference = actions.set_digest_frequency(
                    actor=request.user, coalition=coalition, frequency=digest_form.cleaned_data["frequency"]
                )
            except ActionError as error:
                if error.status not in (400, 409, 422):
                    raise
                digest_form.add_error("frequency", error.message)
            else:
                words = {
                    "never": "You will get no catch-up emails.",
                    "daily": "You will get the catch-up by email every day something happened.",
                    "weekly": "You will get the catch-up by email every week.",
                }
                messages.success(request, words.get(preference.frequency, "Saved."))
                return redirect(reverse("web:catch_up", args=[coalition.slug]) + "#digest")
        status = 422
    since_form = SinceForm(request.GET or None)
    since = None
    if since_form.is_bound and since_form.is_valid() and since_form.cleaned_data["since"]:
        since = timezone.make_aware(datetime.combine(since_form.cleaned_data["since"], time.min))
    elif since_form.is_bound and not since_form.is_valid():
        status = 422
    summary = queries.catch_up(request.user, coalition, since=since)
    today = timezone.localdate()
    for task in [*summary.my_tasks, *summary.group_tasks]:
        task.overdue_words = _overdue_words(task, today)  # type: ignore[attr-defined]
    nothing = not (
        summary.meetings_held
        or summary.decisions
        or summary.meeting_decisions
        or summary.agreements_changed
        or summary.my_tasks
        or summary.group_tasks
    )
    context |= {
        "summary": summary,
        "since_form": since_form,
        "digest_form": digest_form,
        "chosen_since": since is not None,
        "nothing_happened": nothing,
        "refused": status == 422,
    }
    return render(request, "web/tasks/catch_up.html", context, status=status)
