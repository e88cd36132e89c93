"""Spokescouncil pages: a proposal's positions side by side, the four-position form for delegates, members' views
for groups with an internal rule, sending the amended text back, and a group's internal rule.

Every form works without JavaScript: the amendment and concerns fields are always in the form, each saying when it
is needed, and a refusal is shown beside the field it concerns.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accord.coalitions import queries as coalition_queries
from accord.decisions import actions, group_rules, queries, spokescouncil
from accord.decisions.models import SpokesPosition
from accord.decisions.permissions import (
    may_manage_proposal,
    may_set_group_rule,
    may_settle_group_position,
    may_start_next_round,
)
from accord.errors import ActionError, Invalid, NotAllowed
from accord.governance import describe_rule, parse_rule

from ..context import coalition_context
from ..decision_forms import LocalMomentField, TimeZoneFields
from .decisions import load_proposal

CHOICES = [(value, words) for value, words in SpokesPosition.choices]
GROUP_RULE_PRESETS = {
    "consensus": {"method": "consensus", "unit": "people"},
    "consensus_minus_one": {"method": "consensus", "unit": "people", "blocks_allowed": 1},
    "majority": {"method": "majority", "unit": "people"},
    "two_thirds": {"method": "supermajority", "unit": "people", "threshold": "2/3"},
}
PRESET_WORDS = {
    "consensus": "Consensus: everyone agrees or stands aside, no blocks",
    "consensus_minus_one": "Consensus minus one: one block is not enough to stop it",
    "majority": "Majority: more than half of those who decide agree",
    "two_thirds": "Two thirds of those who decide agree",
}


class SendBackForm(TimeZoneFields):
    closes_at = LocalMomentField(
        label="The groups respond by", what="the closing time", error_messages={"required": "Enter the closing time."}
    )


def _errors(error: ActionError) -> dict[str, str]:
    return {error.field or "form": error.message}


def _post(request: HttpRequest, name: str) -> str:
    return str(request.POST.get(name, ""))


def spokescouncil_page(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    context, found = load_proposal(request, slug, proposal_id)
    coalition = context["coalition"]
    if not found.is_spokescouncil:
        return redirect("web:proposal", coalition.slug, found.pk)
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    form_name = _post(request, "form") if request.method == "POST" else ""
    send_back = SendBackForm(request.POST if form_name == "send_back" else None)
    status = 200
    if request.method == "POST":
        values = {
            key: _post(request, key) for key in ("unit", "spokes_position", "amendment", "reason", "text", "group")
        }
        try:
            done = _act(request, found, form_name, values, send_back)
        except (Invalid, ActionError) as error:
            if isinstance(error, NotAllowed) or error.status not in (400, 409, 422):
                raise
            errors = _errors(error)
            done = None
        if done:
            messages.success(request, done)
            return redirect("web:spokescouncil", coalition.slug, found.pk)
        status = 422 if errors or send_back.errors else 200
        found.refresh_from_db()
    view = queries.proposal_view(request.user, found)
    standing = view.standing
    accepting = found.is_open and view.round.accepts_stances(timezone.now())
    my_groups = []
    for unit, stance in view.my_units:
        entry: dict[str, Any] = {
            "unit": unit,
            "stance": stance,
            "rule": None,
            "prefix": f"p-{unit.key}",
            "words": spokescouncil.WORDS.get(stance.spokes_position, "") if stance else "",
            "current": stance.spokes_position if stance else "",
            "active": form_name == "position" and values.get("unit") == unit.key,
        }
        if unit.member_group_id is not None:
            entry["rule"] = group_rules.active_rule(unit.member_group)
        my_groups.append(entry)
    # Groups the viewer belongs to (not as delegate) that settle their position by an internal rule.
    member_groups = []
    for group_id in sorted(standing.member_of):
        group = coalition_queries.member_group(request.user, coalition, group_id)
        if group_rules.active_rule(group) is not None and view.round.eligible_units.filter(key=f"g{group_id}").exists():
            views = group_rules.member_views(request.user, found, group, view.round)
            mine = next((v for v in views.views if standing.person and v.person_id == standing.person.pk), None)
            member_groups.append(
                {
                    "group": group,
                    "views": views,
                    "current": mine.spokes_position if mine else "",
                    "prefix": f"v-{group_id}",
                    "active": form_name in ("member_view", "settle") and values.get("group") == str(group_id),
                    "settled_words": spokescouncil.WORDS.get(views.settled.spokes_position, "")
                    if views.settled
                    else "",
                    "may_settle": may_settle_group_position(
                        standing, group, everyone_gave_a_view=views.everyone_responded
                    ),
                }
            )
    context |= {
        "proposal": found,
        "view": view,
        "round": view.round,
        "accepting": accepting,
        "my_groups": my_groups,
        "member_groups": member_groups,
        "choices": CHOICES,
        "history": spokescouncil.spokes_history(request.user, found),
        "errors": errors,
        "values": values,
        "form_name": form_name,
        "send_back": send_back,
        "may_send_back": may_start_next_round(standing, found) and not actions.final_when_failed(found),
        "may_close_early": found.is_open
        and view.responded >= view.round.eligible_count
        # Whom the action allows: facilitators, the proposer and coordinators.
        and (view.may_facilitate or may_manage_proposal(standing, found)),
        "next_rule_words": describe_rule(view.rule.applied(found.round_number)[0]),
        "next_uses_fallback": view.rule.applied(found.round_number)[1] > 0,
        "rule_words": describe_rule(view.applied),
    }
    return render(request, "web/spokescouncil/page.html", context, status=status)


def _act(request: HttpRequest, found: Any, form_name: str, values: dict[str, str], send_back: SendBackForm) -> str:
    actor = request.user
    if form_name == "position":
        actions.record_stance(
            actor=actor,
            proposal=found,
            unit_key=values["unit"] or None,
            spokes_position=values["spokes_position"] or None,
            amendment=values["amendment"],
            reason=values["reason"],
        )
        return "The group's position is recorded."
    if form_name in ("member_view", "settle"):
        group = coalition_queries.member_group(actor, found.coalition, queries._id(values["group"]))
        if form_name == "member_view":
            group_rules.give_member_view(
                actor=actor,
                proposal=found,
                member_group=group,
                spokes_position=values["spokes_position"] or None,
                amendment=values["amendment"],
                reason=values["reason"],
            )
            return f"Your view for {group.name} is recorded."
        group_rules.settle_group_position(actor=actor, proposal=found, member_group=group)
        return f"{group.name}'s position is settled by its internal rule."
    if form_name == "close_early":
        group_rules.close_when_everyone_responded(actor=actor, proposal=found)
        return "The round is closed: every group had responded."
    if form_name == "send_back":
        if not send_back.is_valid():
            return ""
        round_ = actions.start_next_round(
            actor=actor,
            proposal=found,
            closes_at=send_back.aware(send_back.cleaned_data["closes_at"]),
            text=values["text"],
        )
        return f"The amended text is sent back to the groups as round {round_.number}."
    raise Invalid("Choose what to do.", field="form")


def group_rule_page(request: HttpRequest, slug: str, group_id: int) -> HttpResponse:
    context = coalition_context(request, slug)
    coalition, standing = context["coalition"], context["standing"]
    group = coalition_queries.member_group(request.user, coalition, group_id)
    found = group_rules.group_rule(request.user, group)
    may_set_rule = may_set_group_rule(standing, group)
    errors: dict[str, str] = {}
    chosen = request.POST.get("preset", "") if request.method == "POST" else ""
    if request.method == "POST":
        if not may_set_rule:
            raise NotAllowed(f"Only {group.name}'s delegates can set its internal rule.")
        try:
            if chosen == "off":
                if found is None:
                    raise Invalid("Choose a rule to use first.", field="preset")
                group_rules.set_group_rule(actor=request.user, member_group=group, rule=found.rule, enabled=False)
            elif chosen in GROUP_RULE_PRESETS:
                group_rules.set_group_rule(actor=request.user, member_group=group, rule=GROUP_RULE_PRESETS[chosen])
            else:
                raise Invalid("Choose how your group settles its position.", field="preset")
        except Invalid as error:
            errors = {"preset": error.message}
        else:
            messages.success(request, f"{group.name}'s internal rule is saved.")
            return redirect("web:group_rule", coalition.slug, group.pk)
    context |= {
        "group": group,
        "found": found,
        "rule_words": describe_rule(parse_rule(found.rule)) if found else "",
        "may_set_rule": may_set_rule,
        "presets": list(PRESET_WORDS.items()),
        "errors": errors,
        "chosen": chosen,
    }
    return render(request, "web/spokescouncil/group_rule.html", context, status=422 if errors else 200)
