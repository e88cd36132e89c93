"""Meetings: the list (with calendar feeds), scheduling one, a meeting's page (replies with access needs, the agenda
anyone can add to, roles with rotation suggestions, cancelling), its .ics file, the calendar feeds calendar apps
read, and how the meeting roles were spread.

Thin views: read through accord.meetings.queries, write through accord.meetings.actions. A refused form comes back
as the same page with the message beside the field (422); nothing is changed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accord.coalitions import queries as coalition_queries
from accord.coalitions.permissions import Role
from accord.errors import Conflict, NotAllowed
from accord.meetings import actions, queries
from accord.meetings.calendar import calendar
from accord.meetings.models import Meeting, MeetingRole
from accord.meetings.permissions import may_organise

from ..action_forms import attempt, form_status
from ..context import coalition_context
from ..meeting_forms import AgendaItemForm, ArrangeForm, CancelForm, MeetingForm, ReplyForm, RoleForm

PAST_PER_PAGE = 30
REPLY_WORDS = {"yes": "you are coming", "maybe": "you may come", "no": "you cannot come"}


_status = form_status


# --- the list, with calendar feeds -----------------------------------------------------------------------------------


def _feeds(request: HttpRequest, coalition: Any, standing: Any) -> list[dict[str, Any]]:
    """The viewer's own calendar address and the coalition's, as far as they exist: reading the page makes none (a
    button does), and renewing one needs a button too."""
    mine, shared = queries.calendar_feeds(request.user, coalition)
    return [
        {
            "which": "mine",
            "id": "feed-mine",
            "label": "Your calendar address",
            "help": "Meetings of this coalition, without those you said you cannot come to.",
            "link": request.build_absolute_uri(reverse("web:calendar_feed", args=[mine.token])) if mine else "",
            "create": "Create my calendar address",
            "renew": "Renew your address",
            "may_renew": True,
        },
        {
            "which": "coalition",
            "id": "feed-coalition",
            "label": "The coalition's calendar address",
            "help": "Every meeting of this coalition; anyone with the address can read it.",
            "link": request.build_absolute_uri(reverse("web:calendar_feed", args=[shared.token])) if shared else "",
            "create": "Create the coalition's calendar address",
            "renew": "Renew the coalition's address",
            "may_renew": standing.role >= Role.COORDINATOR,
        },
    ]


def meetings(request: HttpRequest, slug: str) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition, standing = context["coalition"], context["standing"]
    upcoming = list(queries.meetings(request.user, coalition, when="upcoming"))
    past = Paginator(queries.meetings(request.user, coalition, when="past"), PAST_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context |= {"upcoming": upcoming, "past": past, "feeds": _feeds(request, coalition, standing)}
    return render(request, "web/meetings/meetings.html", context)


@require_POST
def feed_renew(request: HttpRequest, slug: str) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition = context["coalition"]
    mine = request.POST.get("which") != "coalition"
    actions.calendar_feed(actor=request.user, coalition=coalition, mine=mine, renew=True)
    messages.success(
        request,
        ("Your calendar address" if mine else "The coalition's calendar address")
        + " is renewed: the old one no longer works. Give calendar apps the new one.",
    )
    return redirect(reverse("web:meetings", args=[coalition.slug]) + "#calendar-feeds")


@require_POST
def feed_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Makes the viewer's calendar address (or the coalition's) if there is none yet; an existing one stays."""
    context = coalition_context(request, slug)
    coalition = context["coalition"]
    mine = request.POST.get("which") != "coalition"
    actions.calendar_feed(actor=request.user, coalition=coalition, mine=mine)
    messages.success(
        request,
        ("Your calendar address" if mine else "The coalition's calendar address")
        + " is ready: copy it into your calendar app.",
    )
    return redirect(reverse("web:meetings", args=[coalition.slug]) + "#calendar-feeds")


# --- scheduling ------------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, slug: str) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition = context["coalition"]
    queries.meetings(request.user, coalition)  # refuses anyone but members before showing the form
    form = MeetingForm(request.POST or None, initial={"kind": request.GET.get("kind", "")})
    if request.method == "POST" and form.is_valid():
        scheduled = attempt(form, actions.schedule_meeting, actor=request.user, coalition=coalition, **form.arguments())
        if scheduled is not None:
            messages.success(request, f"“{scheduled.title}” is scheduled and the people it is for are invited.")
            return redirect("web:meeting", coalition.slug, scheduled.pk)
    context |= {"form": form}
    return render(request, "web/meetings/meeting_create.html", context, status=_status(form))


@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    """Changing a meeting's details, for its organisers; a cancelled meeting stays as it was."""
    context, found = _load(request, slug, meeting_id)
    if not may_organise(context["standing"], found):
        raise NotAllowed(
            "Only the meeting's organisers (who scheduled it, its facilitator, coordinators) can change its details."
        )
    if found.is_cancelled:
        messages.error(request, f"“{found.title}” was cancelled, so its details can no longer change.")
        return redirect("web:meeting", found.coalition.slug, found.pk)
    form = MeetingForm.editing(found, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        updated = attempt(form, actions.update_meeting, actor=request.user, meeting=found, **form.changes())
        if updated is not None:
            messages.success(request, f"The details of “{updated.title}” are saved.")
            return redirect("web:meeting", found.coalition.slug, found.pk)
    context |= {"meeting": found, "form": form}
    return render(request, "web/meetings/meeting_edit.html", context, status=_status(form))


# --- a meeting's page --------------------------------------------------------------------------------------------


def _load(request: HttpRequest, slug: str, meeting_id: int) -> tuple[dict[str, Any], Meeting]:
    context = coalition_context(request, slug)
    return context, queries.meeting(request.user, context["coalition"], meeting_id)


def _role_forms(
    request: HttpRequest, found: Meeting, held: dict[str, MeetingRole], bound: RoleForm | None
) -> list[dict[str, Any]]:
    people = list(coalition_queries.current_people(found.coalition).order_by("name", "id"))
    rows = []
    for role, label in MeetingRole.Role.choices:
        holder = held.get(role)
        if bound is not None and bound.role == role:
            form = bound
        else:
            form = RoleForm(
                role=role,
                suggestions=queries.role_suggestions(request.user, found, role),
                people=people,
                held=holder.person if holder else None,
            )
        rows.append({"role": role, "label": label, "held": holder, "form": form})
    return rows


def _meeting_page(
    request: HttpRequest,
    slug: str,
    meeting_id: int,
    *,
    reply_form: ReplyForm | None = None,
    item_form: AgendaItemForm | None = None,
    arrange_form: ArrangeForm | None = None,
    role_form: RoleForm | None = None,
    cancel_form: CancelForm | None = None,
) -> HttpResponse:
    context, found = _load(request, slug, meeting_id)
    standing = context["standing"]
    now = timezone.now()
    organiser = may_organise(standing, found)
    ended = found.has_ended(now)
    open_ = not found.is_cancelled and not ended
    items = queries.agenda(request.user, found)
    held = queries.roles(found)
    mine = queries.my_reply(request.user, found)
    if reply_form is None and open_:
        reply_form = ReplyForm(initial=ReplyForm.initial_from(mine))
    if item_form is None and open_:
        item_form = AgendaItemForm()
    if arrange_form is None and open_ and organiser and items:
        arrange_form = ArrangeForm(items=items)
    if cancel_form is None and open_ and organiser:
        cancel_form = CancelForm()
    me = standing.person.pk if standing.person is not None else None
    context |= {
        "meeting": found,
        "now": now,
        "ended": ended,
        "open": open_,
        "organiser": organiser,
        "items": [
            {
                "item": item,
                "may_remove": open_ and (organiser or (me is not None and item.proposed_by_id == me)),
                "task_overdue": item.follow_up_of is not None and queries.is_overdue(item.follow_up_of),
            }
            for item in items
        ],
        "total_minutes": sum(item.minutes or 0 for item in items),
        "roles": _role_forms(request, found, held, role_form)
        if organiser and open_
        else [
            {"role": role, "label": label, "held": held.get(role), "form": None}
            for role, label in MeetingRole.Role.choices
        ],
        "my_reply": mine,
        "summary": queries.needs_summary(request.user, found),
        "reply_form": reply_form,
        "item_form": item_form,
        "arrange_form": arrange_form,
        "cancel_form": cancel_form,
        "roles_error": role_form is not None and bool(role_form.errors),
    }
    status = _status(reply_form, item_form, arrange_form, role_form, cancel_form)
    return render(request, "web/meetings/meeting.html", context, status=status)


def meeting(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    return _meeting_page(request, slug, meeting_id)


def _back(found: Meeting, anchor: str) -> HttpResponse:
    return redirect(reverse("web:meeting", args=[found.coalition.slug, found.pk]) + anchor)


@require_POST
def meeting_reply(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    _context, found = _load(request, slug, meeting_id)
    form = ReplyForm(request.POST)
    if form.is_valid():
        reply = attempt(form, actions.reply_to_meeting, actor=request.user, meeting=found, **form.arguments())
        if reply is not None:
            messages.success(request, f"Your reply is saved: {REPLY_WORDS[reply.answer]}.")
            return _back(found, "#your-reply")
    return _meeting_page(request, slug, meeting_id, reply_form=form)


@require_POST
def meeting_item_propose(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    _context, found = _load(request, slug, meeting_id)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        item = attempt(form, actions.propose_agenda_item, actor=request.user, meeting=found, **form.arguments())
        if item is not None:
            messages.success(request, f"“{item.title}” is on the agenda.")
            return _back(found, f"#item-{item.pk}")
    return _meeting_page(request, slug, meeting_id, item_form=form)


@require_POST
def meeting_agenda_arrange(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    context, found = _load(request, slug, meeting_id)
    if not may_organise(context["standing"], found):
        raise NotAllowed(
            "Only the meeting's organisers (who scheduled it, its facilitator, coordinators) can arrange its agenda."
        )
    form = ArrangeForm(request.POST, items=queries.agenda(request.user, found))
    if form.is_valid():
        arranged = attempt(
            form,
            actions.arrange_agenda,
            actor=request.user,
            meeting=found,
            **form.arguments(request.POST.get("move", "")),
        )
        if arranged is not None:
            messages.success(request, "The agenda is arranged.")
            return _back(found, "#arrange")
    return _meeting_page(request, slug, meeting_id, arrange_form=form)


@require_POST
def meeting_item_remove(request: HttpRequest, slug: str, meeting_id: int, item_id: int) -> HttpResponse:
    _context, found = _load(request, slug, meeting_id)
    item = queries.agenda_item(request.user, found, item_id)
    title = item.title
    try:
        actions.remove_agenda_item(actor=request.user, item=item)
    except Conflict as error:
        messages.error(request, error.message)
        return _back(found, f"#item-{item.pk}")
    messages.success(request, f"“{title}” is off the agenda.")
    return _back(found, "#agenda")


@require_POST
def meeting_role_assign(request: HttpRequest, slug: str, meeting_id: int, role: str) -> HttpResponse:
    context, found = _load(request, slug, meeting_id)
    if role not in MeetingRole.Role.values:
        return _back(found, "#roles")
    if not may_organise(context["standing"], found):
        raise NotAllowed(
            "Only the meeting's organisers (who scheduled it, its facilitator, coordinators) can assign its roles."
        )
    held = queries.roles(found).get(role)
    form = RoleForm(
        request.POST,
        role=role,
        suggestions=queries.role_suggestions(request.user, found, role),
        people=list(coalition_queries.current_people(found.coalition).order_by("name", "id")),
        held=held.person if held else None,
    )
    if form.is_valid():
        label = MeetingRole.Role(role).label.lower()
        person = form.chosen()
        done = attempt(form, _assign, actor=request.user, meeting=found, role=role, person=person)
        if done:
            messages.success(
                request, f"{person.name} is the {label}." if person else f"The {label} is left open for now."
            )
            return _back(found, "#roles")
    return _meeting_page(request, slug, meeting_id, role_form=form)


def _assign(**arguments: Any) -> bool:
    actions.assign_role(**arguments)
    return True


@require_POST
def meeting_cancel(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    _context, found = _load(request, slug, meeting_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        cancelled = attempt(
            form, actions.cancel_meeting, actor=request.user, meeting=found, reason=form.cleaned_data["reason"]
        )
        if cancelled is not None:
            messages.success(request, f"“{cancelled.title}” is cancelled.")
            return _back(found, "")
    return _meeting_page(request, slug, meeting_id, cancel_form=form)


# --- calendars ---------------------------------------------------------------------------------------------------


def _ics(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def meeting_ics(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    _context, found = _load(request, slug, meeting_id)
    return _ics(calendar([found], name=found.title, now=timezone.now()), "meeting.ics")


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """What calendar apps read: no sign-in, the secret address is the key."""
    feed, rows = queries.feed(token)
    name = feed.coalition.name + (f" – {feed.person.name}" if feed.person is not None else "")
    response = HttpResponse(calendar(rows, name=name, now=timezone.now()), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- how roles were spread -----------------------------------------------------------------------------------------


def meeting_roles(request: HttpRequest, slug: str) -> HttpResponse:
    context = coalition_context(request, slug)
    spreads = queries.role_spread(request.user, context["coalition"])
    context |= {"spreads": spreads}
    return render(request, "web/meetings/roles.html", context)
