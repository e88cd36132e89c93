"""A meeting's live notes (for its note-taker, facilitator and coordinators; members read them), saved per agenda
item as the note-taker types; attendance, decisions and tasks recorded in the room; and the public version of the
notes, which names no one.

Saving is optimistic: each item's form carries the revision its text was loaded at, and
`accord.meetings.actions.save_notes` refuses a save based on an older revision (NotesConflict). The refusal never
overwrites: the page shows the text saved by the other person beside the text being saved, to merge and save
again against the new revision (409 to htmx, with the item re-rendered in place; without JavaScript the whole page
with both texts). Two people editing different items never meet. web/static/web/meeting_notes.js keeps a copy of
unsaved text on the device, so a reload or a dropped connection loses nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.coalitions import queries as coalition_queries
from accord.coalitions.models import Coalition
from accord.decisions import queries as decision_queries
from accord.errors import Invalid, NotAllowed
from accord.meetings import actions, queries
from accord.meetings.models import AgendaItem, Meeting
from accord.meetings.permissions import may_take_notes

from ..action_forms import attempt
from ..context import coalition_context
from ..notes_forms import AttendanceForm, DecisionForm, NotesForm, TaskForm

PROPOSALS_OFFERED = 50
NOTE_WRITERS_ONLY = "Only the meeting's note-taker, its facilitator or a coordinator can write its notes."


def _load(request: HttpRequest, slug: str, meeting_id: int) -> tuple[dict[str, Any], Meeting]:
    context = coalition_context(request, slug)
    found = queries.meeting(request.user, context["coalition"], meeting_id)  # refuses anyone but members
    return context, found


def _notes_url(found: Meeting, anchor: str = "") -> str:
    url = reverse("web:meeting_notes", args=[found.coalition.slug, found.pk])
    return url + (f"#{anchor}" if anchor else "")


def _people(coalition: Coalition) -> list[Any]:
    return list(coalition_queries.current_people(coalition))


def _forms(request: HttpRequest, found: Meeting, items: list[AgendaItem], data: Any = None) -> dict[str, Any]:
    """The page's forms; `data` binds only the one that was posted (by its `what`)."""
    coalition = found.coalition
    people = _people(coalition)
    what = data.get("what") if data is not None else None
    present = [str(person.pk) for person in queries.attendance(request.user, found)]
    proposals = list(decision_queries.proposals(request.user, coalition)[:PROPOSALS_OFFERED])
    return {
        "attendance_form": AttendanceForm(
            data if what == "attendance" else None, people=people, initial={"present": present}, prefix="attendance"
        ),
        "decision_form": DecisionForm(
            data if what == "decision" else None, items=items, proposals=proposals, prefix="decision"
        ),
        "task_form": TaskForm(
            data if what == "task" else None,
            people=people,
            groups=coalition_queries.current_groups(coalition),
            items=items,
            prefix="task",
        ),
    }


def _describe_items(
    items: list[AgendaItem], *, drafts: dict[int, str] | None = None, conflicts: dict[int, AgendaItem] | None = None
) -> list[AgendaItem]:
    """What each item's editor shows: the text to edit, and, after a refused save, the text saved meanwhile."""
    for index, item in enumerate(items, start=1):
        item.number = index  # type: ignore[attr-defined]
        item.conflict = (conflicts or {}).get(item.pk)  # type: ignore[attr-defined]
        item.draft = (drafts or {}).get(item.pk, item.notes)  # type: ignore[attr-defined]
        item.error = ""  # type: ignore[attr-defined]
        if item.conflict is not None:  # type: ignore[attr-defined]
            item.notes_revision = item.conflict.notes_revision  # type: ignore[attr-defined]
    return items


def _render(
    request: HttpRequest,
    context: dict[str, Any],
    found: Meeting,
    *,
    data: Any = None,
    forms: dict[str, Any] | None = None,
    drafts: dict[int, str] | None = None,
    conflicts: dict[int, AgendaItem] | None = None,
    errors: dict[int, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    standing = context["standing"]
    items = _describe_items(queries.agenda(request.user, found), drafts=drafts, conflicts=conflicts)
    for item in items:
        item.error = (errors or {}).get(item.pk, "")  # type: ignore[attr-defined]
    may_write = may_take_notes(standing, found) and not found.is_cancelled
    roles = queries.roles(found)
    context |= {
        "meeting": found,
        "items": items,
        "may_write": may_write,
        "roles": roles,
        "note_taker": roles.get("note_taker"),
        "present": queries.attendance(request.user, found),
        "decisions": queries.decisions(request.user, found),
        "meeting_tasks": list(found.tasks.select_related("owner_person", "owner_group", "agenda_item")),
        "has_ended": found.has_ended(),
        "meeting_url": _meeting_url(found),
        "refused": status >= 400,
        "item_errors": [item for item in items if item.error],  # type: ignore[attr-defined]
    }
    if may_write:
        context |= _forms(request, found, items, data) | (forms or {})
    return render(request, "web/meeting_notes/notes.html", context, status=status)


def _meeting_url(found: Meeting) -> str:
    try:
        return reverse("web:meeting", args=[found.coalition.slug, found.pk])
    except Exception:  # the meeting page is built alongside; until then the notes stand on their own
        return ""


@require_http_methods(["GET", "POST"])
def notes(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    """The notes page; its forms (attendance, a decision, a task, publishing) post here with `what`."""
    context, found = _load(request, slug, meeting_id)
    if request.method == "GET":
        return _render(request, context, found)
    if not may_take_notes(context["standing"], found):
        raise NotAllowed(NOTE_WRITERS_ONLY)
    what = request.POST.get("what", "")
    items = queries.agenda(request.user, found)
    forms = _forms(request, found, items, request.POST)
    if what == "attendance":
        form = forms["attendance_form"]
        if form.is_valid():
            count = attempt(
                form, actions.record_attendance, actor=request.user, meeting=found, present=form.cleaned_data["present"]
            )
            if count is not None:
                messages.success(request, f"Recorded {count} {'person' if count == 1 else 'people'} present.")
                return redirect(_notes_url(found, "attendance"))
    elif what == "decision":
        form = forms["decision_form"]
        if form.is_valid():
            chosen = {item.pk: item for item in items}
            item = chosen.get(int(form.cleaned_data["item"])) if form.cleaned_data["item"] else None
            proposal = None
            if form.cleaned_data["proposal"]:
                proposal = decision_queries.proposal(request.user, found.coalition, form.cleaned_data["proposal"])
            decision = attempt(
                form,
                actions.record_decision,
                actor=request.user,
                meeting=found,
                text=form.cleaned_data["text"],
                item=item,
                proposal=proposal,
            )
            if decision is not None:
                messages.success(request, "Recorded the decision.")
                return redirect(_notes_url(found, "decisions"))
    elif what == "task":
        form = forms["task_form"]
        if form.is_valid():
            chosen = {item.pk: item for item in items}
            item = chosen.get(int(form.cleaned_data["item"])) if form.cleaned_data["item"] else None
            task = attempt(
                form,
                actions.create_task,
                actor=request.user,
                coalition=found.coalition,
                title=form.cleaned_data["title"],
                due_on=form.cleaned_data["due_on"],
                meeting=found,
                item=item,
                proposal=item.proposal if item is not None else None,
                **form.owners(),
            )
            if task is not None:
                owner = task.owner_person.name if task.owner_person else task.owner_group.name  # type: ignore[union-attr]
                messages.success(request, f"Recorded the task “{task.title}” for {owner}.")
                return redirect(_notes_url(found, "tasks"))
    elif what == "publish":
        actions.publish_public_notes(actor=request.user, meeting=found)  # a refusal is shown as a page
        messages.success(request, "Published the public notes, with no one named.")
        return redirect(_notes_url(found, "publish"))
    else:
        messages.error(request, "Choose what to record with one of the page's buttons.")
        return redirect(_notes_url(found))
    return _render(request, context, found, data=request.POST, forms=forms, status=422)


# --- saving one item's notes --------------------------------------------------------------------------------------


def _number(request: HttpRequest) -> int:
    """The item's number as shown on the agenda (a display hint from the form): 0 when it is not a number."""
    value = request.POST.get("number", "")
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 6 else 0


def _is_merge(request: HttpRequest, item: AgendaItem) -> bool:
    """A save from the conflict form (the whole item swapped back), not the textarea saving as one types."""
    return bool(request.htmx) and request.htmx.target == f"notes-item-{item.pk}"


def _item_response(
    request: HttpRequest, context: dict[str, Any], found: Meeting, item: AgendaItem, *, status: int = 200
) -> HttpResponse:
    response = render(
        request,
        "web/meeting_notes/_item.html",
        context | {"meeting": found, "item": item, "may_write": True},
        status=status,
    )
    response["HX-Retarget"] = f"#notes-item-{item.pk}"
    response["HX-Reswap"] = "outerHTML"
    return response


@require_POST
def save_item_notes(request: HttpRequest, slug: str, meeting_id: int, item_id: int) -> HttpResponse:
    context, found = _load(request, slug, meeting_id)
    item = queries.agenda_item(request.user, found, item_id)
    if not may_take_notes(context["standing"], found):
        raise NotAllowed(NOTE_WRITERS_ONLY)
    form = NotesForm(request.POST)
    text = str(request.POST.get("notes", ""))
    if not form.is_valid():
        message = " ".join(form.errors.get("notes", [])) or "These notes could not be read; reload the page."
        if request.htmx and not _is_merge(request, item):
            return render(request, "web/meeting_notes/_status.html", {"error": message}, status=422)
        return _render(request, context, found, drafts={item.pk: text}, errors={item.pk: message}, status=422)
    text = form.cleaned_data["notes"]
    revision = form.revision()
    if text.strip() == item.notes and revision == str(item.notes_revision):
        saved = item  # nothing changed (a blur after a save): no new revision for others to meet
    else:
        try:
            saved = actions.save_notes(actor=request.user, item=item, notes=text, base_revision=revision)
        except actions.NotesConflict as conflict:
            if request.htmx:
                shown = _describe_items([item], drafts={item.pk: text}, conflicts={item.pk: conflict.current})[0]
                shown.number = _number(request)  # type: ignore[attr-defined]
                shown.message = conflict.message  # type: ignore[attr-defined]
                return _item_response(request, context, found, shown, status=409)
            return _render(
                request, context, found, drafts={item.pk: text}, conflicts={item.pk: conflict.current}, status=409
            )
        except Invalid as error:
            if request.htmx and not _is_merge(request, item):
                return render(request, "web/meeting_notes/_status.html", {"error": error.message}, status=422)
            return _render(request, context, found, drafts={item.pk: text}, errors={item.pk: error.message}, status=422)
    if _is_merge(request, item):
        shown = _describe_items([saved])[0]
        shown.number = _number(request)  # type: ignore[attr-defined]
        shown.just_saved = True  # type: ignore[attr-defined]
        return _item_response(request, context, found, shown)
    if request.htmx:
        return render(request, "web/meeting_notes/_status.html", {"item": saved})
    messages.success(request, f"Saved the notes on “{saved.title}”.")
    return redirect(_notes_url(found, f"notes-item-{saved.pk}"))


# --- the public version ---------------------------------------------------------------------------------------------


@require_GET
def public_notes(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    """Readable by anyone, signed in or not, once published; no one is named."""
    coalition = coalition_queries.coalition_by_slug(request.user, slug)
    found = queries.published(coalition, meeting_id)
    context = {"coalition": coalition, "public": queries.public_notes(found), "meeting": found}
    if request.user.is_authenticated:
        context["standing"] = coalition_queries.standing_in(request.user, coalition)
    return render(request, "web/meeting_notes/public.html", context)
