"""People: the list, recording someone, a person's page, and the coordinator's switches on it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accord.coalitions import actions, queries
from accord.coalitions.permissions import may_edit_group, may_edit_person, may_invite_to
from accord.errors import NotAllowed

from ..action_forms import attempt
from ..context import coalition_context
from ..forms import AddToGroupForm, PersonEditForm, PersonForm, SwitchForm
from ._listing import searchable_list


def index(request: HttpRequest, slug: str) -> HttpResponse:
    return searchable_list(request, slug, queries.people, "web/people/index.html", "web/people/_results.html")


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, slug: str) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition = context["coalition"]
    queries.require_ability(request.user, coalition, "manage_members")
    groups = queries.member_groups(request.user, coalition)
    initial = {"member_groups": [request.GET["member_group"]]} if request.GET.get("member_group", "").isdigit() else {}
    form = PersonForm(request.POST or None, groups=groups, initial=initial)
    if request.method == "POST" and form.is_valid():
        person = attempt(form, actions.record_person, actor=request.user, coalition=coalition, **form.cleaned_data)
        if person is not None:
            messages.success(request, f"Recorded {person.name}.")
            return redirect("web:person", coalition.slug, person.pk)
    context["form"] = form
    return render(request, "web/people/create.html", context, status=422 if form.errors else 200)


def _detail(
    request: HttpRequest, slug: str, person_id: int, *, add_form: AddToGroupForm | None = None, status: int = 200
) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition, standing = context["coalition"], context["standing"]
    person = queries.person(request.user, coalition, person_id)
    affiliations = list(queries.person_affiliations(request.user, person))
    current = [a for a in affiliations if a.is_active]
    if person.is_active:
        # The groups this viewer may add the person to (may_invite_to): every other one for a coordinator, their
        # own for a delegate, none for anyone else; no form when there are none.
        groups = queries.groups_to_add_person_to(request.user, person)
        add_form = add_form or AddToGroupForm(groups=groups, prefix="add")
        if not add_form.fields["member_group"].queryset.exists():  # type: ignore[attr-defined]
            add_form = None
    else:
        add_form = None
    context |= {
        "person": person,
        "current": current,
        "former": [a for a in affiliations if not a.is_active],
        "add_form": add_form,
        "is_self": standing.person is not None and standing.person.pk == person.pk,
        "may_edit": person.is_active and may_edit_person(standing, person),
    }
    return render(request, "web/people/detail.html", context, status=status)


def detail(request: HttpRequest, slug: str, person_id: int) -> HttpResponse:
    return _detail(request, slug, person_id)


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str, person_id: int) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition, standing = context["coalition"], context["standing"]
    person = queries.person(request.user, coalition, person_id)
    if not may_edit_person(standing, person):
        raise NotAllowed("Only the person themselves or a coordinator can change this person's details.")
    initial = {"name": person.name, "email": person.email, "is_individual_member": person.is_individual_member}
    # Only a coordinator changes whether someone is an individual member (update_person refuses anyone else).
    form = PersonEditForm(request.POST or None, initial=initial, coordinator=standing.can("manage_members"))
    if request.method == "POST" and form.is_valid():
        if attempt(form, actions.update_person, actor=request.user, person=person, **form.cleaned_data):
            messages.success(request, f"Saved the changes to {form.cleaned_data['name']}.")
            return redirect("web:person", slug, person.pk)
    context |= {"person": person, "form": form}
    return render(request, "web/people/edit.html", context, status=422 if form.errors else 200)


@require_POST
def add_group(request: HttpRequest, slug: str, person_id: int) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition, standing = context["coalition"], context["standing"]
    person = queries.person(request.user, coalition, person_id)
    if not (may_invite_to(standing, None) or queries.groups_to_invite_to(request.user, coalition).exists()):
        raise NotAllowed("Only a coordinator, or a delegate of the member group, can add people to it.")
    # Every current group is a valid choice here; add_affiliation itself refuses a group the actor may not edit.
    groups = queries.member_groups(request.user, coalition)
    form = AddToGroupForm(request.POST, groups=groups, prefix="add")
    if form.is_valid():
        group = form.cleaned_data["member_group"]
        affiliation = attempt(
            form,
            actions.add_affiliation,
            actor=request.user,
            person=person,
            member_group=group,
            is_delegate=form.cleaned_data["is_delegate"],
        )
        if affiliation is not None:
            role = " as a delegate" if affiliation.is_delegate else ""
            messages.success(request, f"Added {person.name} to {group.name}{role}.")
            return redirect("web:person", slug, person.pk)
    return _detail(request, slug, person_id, add_form=form, status=422)


@require_POST
def coordinator(request: HttpRequest, slug: str, person_id: int) -> HttpResponse:
    context = coalition_context(request, slug)
    queries.require_ability(request.user, context["coalition"], "manage_members")
    person = queries.person(request.user, context["coalition"], person_id)
    form = SwitchForm(request.POST)
    if form.is_valid():
        make = form.cleaned_data["value"]
        if attempt(form, actions.set_coordinator, actor=request.user, person=person, is_coordinator=make):
            messages.success(
                request,
                f"{person.name} is now a coordinator." if make else f"{person.name} is no longer a coordinator.",
            )
            return redirect("web:person", slug, person.pk)
    messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    return redirect("web:person", slug, person.pk)


@require_POST
def delegate(request: HttpRequest, slug: str, affiliation_id: int) -> HttpResponse:
    context = coalition_context(request, slug)
    affiliation = queries.affiliation(request.user, context["coalition"], affiliation_id)
    if not may_edit_group(context["standing"], affiliation.member_group):
        raise NotAllowed(f"Only a coordinator or a delegate of {affiliation.member_group.name} can do this.")
    form = SwitchForm(request.POST)
    changed = None
    if form.is_valid():
        make = form.cleaned_data["value"]
        changed = attempt(form, actions.set_delegate, actor=request.user, affiliation=affiliation, is_delegate=make)
    person, group = affiliation.person, affiliation.member_group
    if changed is not None:
        notice = (
            f"{person.name} is now a delegate of {group.name}."
            if changed.is_delegate
            else f"{person.name} is no longer a delegate of {group.name}."
        )
        level = messages.SUCCESS
    else:
        notice = " ".join(str(error) for errors in form.errors.values() for error in errors)
        level = messages.ERROR
    if request.htmx:
        # Swap only this row; the notice goes to the page's live region so screen readers hear it.
        row = changed or queries.affiliation(request.user, context["coalition"], affiliation_id)
        context |= {
            "affiliation": row,
            "person": person,
            "notice": notice,
            "notice_level": "success" if changed else "error",
        }
        return render(request, "web/people/_affiliation_row.html", context)
    messages.add_message(request, level, notice)
    return redirect("web:person", slug, person.pk)
