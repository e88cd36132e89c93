"""Every write to decisions: the decision-kind table, proposals, rounds, stances and outcomes.

Each action is atomic, checks permission first, refuses bad input with a message naming the field, and writes
an audit event. Rules are checked by the governance kernel; a rule is frozen on the proposal when it opens.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django_tasks import default_task_backend

from accord.atomic import atomic_action
from accord.coalitions import actions as coalition_actions
from accord.coalitions import queries as coalition_queries
from accord.coalitions.models import Coalition, MemberGroup, Person
from accord.coalitions.permissions import Actor, Role, Standing
from accord.errors import ActionError, Conflict, Invalid, NotAllowed, NotFound, NotSignedIn
from accord.governance import (
    OPTION_METHODS,
    GovernanceError,
    Rule,
    check_stance,
    describe_rule,
    parse_rule,
    rule_to_json,
)
from accord.governance import Stance as KernelStance
from accord.governance.numbers import check_weight, parse_fraction, show_exact
from accord.moments import aware_utc
from accord.text import clean_text, clean_title

from . import queries, spokescouncil, tasks
from .defaults import DEFAULT_KINDS
from .models import (
    FAILED,
    AgreedWeight,
    DecisionKind,
    EligibleUnit,
    Proposal,
    Round,
    Scope,
    Stance,
    Status,
)
from .permissions import (
    may_edit_decision_kinds,
    may_facilitate,
    may_manage_proposal,
    may_open_proposal,
    may_respond_for,
    may_start_next_round,
    may_withdraw,
    own_unit_keys,
    why_not_eligible,
)

TITLE_MAX = 200
TEXT_MAX = 20000
REASON_MAX = 4000
OPTION_MAX = 200
OPTIONS_MAX = 20
LONGEST_ROUND = timedelta(days=366)
SHORTEST_ROUND = timedelta(minutes=1)
REMINDER_BEFORE = timedelta(hours=24)


# --- what a passed proposal does ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Effect:
    """What a proposal does when it passes, for proposals other apps open (an amendment, an admission).

    Apps register theirs in their AppConfig.ready(); `_close` calls them by the name stored on the proposal, in
    the same transaction that records the outcome. `blocker` says why it can no longer take effect ("" if it can).
    """

    apply: Callable[[Proposal, Round], None]
    blocker: Callable[[Proposal], str]
    # When a failed round ends the question (an admission): called at close, and no next round may follow.
    on_failed: Callable[[Proposal, Round], None] | None = None
    # When it passed but could not take effect: settle the app's own record (an application declined).
    on_not_applied: Callable[[Proposal, str], None] | None = None


_EFFECTS: dict[str, Effect] = {}
PASSING = frozenset({Status.PASSED, Status.CHOSEN})


def register_effect(name: str, effect: Effect) -> None:
    _EFFECTS[name] = effect


# --- shared checks ---------------------------------------------------------------------------------------------


def _standing(actor: Actor, coalition: Coalition) -> Standing:
    if not getattr(actor, "is_authenticated", False):
        raise NotSignedIn("Sign in to do this.")
    return coalition_queries.standing(actor, coalition)


def _rule(data: Any, *, field: str = "rule") -> Rule:
    try:
        return parse_rule(data, path=field)
    except GovernanceError as error:
        raise Invalid(error.message, field=error.path or field) from error


def _moment(value: Any, *, field: str, label: str) -> datetime:
    # In UTC, since the audit summary says "UTC".
    return aware_utc(value, field=field, label=label, too_far="within the next year")


def _window(opens_at: Any, closes_at: Any, *, now: datetime) -> tuple[datetime, datetime]:
    opens = now if opens_at is None else _moment(opens_at, field="opens_at", label="the opening time")
    closes = _moment(closes_at, field="closes_at", label="the closing time")
    if opens < now - timedelta(minutes=5):
        raise Invalid(
            "The opening time has passed; choose a time from now on, or leave it empty to open now.", field="opens_at"
        )
    if opens > now + LONGEST_ROUND:
        raise Invalid("Open it within a year.", field="opens_at")
    if closes <= max(opens, now) + SHORTEST_ROUND:
        raise Invalid(
            "Choose a closing time after the opening time, leaving people time to respond.", field="closes_at"
        )
    if closes > opens + LONGEST_ROUND:
        raise Invalid("Close it within a year of opening.", field="closes_at")
    return opens, closes


def _options(values: Iterable[Any] | None, rule: Rule) -> list[str]:
    if values is None:
        values = []
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise Invalid("Give the options as a list.", field="options")
    cleaned: list[str] = []
    for index, value in enumerate(values):
        option = clean_text(
            value, field=f"options[{index}]", label="each option", max_length=OPTION_MAX, required=False
        )
        if not option:
            continue
        if option.casefold() in (existing.casefold() for existing in cleaned):
            raise Invalid(f"The option {option!r} is listed twice.", field=f"options[{index}]")
        cleaned.append(option)
    if rule.takes_options:
        if len(cleaned) < 2:
            raise Invalid("This kind of decision chooses between options: give at least two.", field="options")
        if len(cleaned) > OPTIONS_MAX:
            raise Invalid(f"Give at most {OPTIONS_MAX} options.", field="options")
    elif cleaned:
        raise Invalid(
            "This kind of decision accepts or refuses one proposal, so it takes no options; choose a kind that "
            "chooses between options, or remove them.",
            field="options",
        )
    return cleaned


def _audit(
    *,
    coalition: Coalition,
    actor: Actor,
    standing: Standing | None,
    verb: str,
    summary: str,
    target: Any,
    data: dict[str, Any] | None = None,
) -> None:
    coalition_actions.record_audit_event(
        coalition=coalition, actor=actor, standing=standing, verb=verb, summary=summary, target=target, data=data
    )


def _on_commit(callback: Any) -> None:
    transaction.on_commit(callback)


# --- the decision-kind table ---------------------------------------------------------------------------------------


def _seed_default_kinds(coalition: Coalition) -> list[DecisionKind]:
    now = timezone.now()
    return DecisionKind.objects.bulk_create(
        [
            DecisionKind(
                coalition=coalition,
                key=kind["key"],
                name=kind["name"],
                description=kind["description"],
                rule=rule_to_json(parse_rule(kind["rule"])),
                scope=kind["scope"],
                position=index,
                created_at=now,
                updated_at=now,
            )
            for index, kind in enumerate(DEFAULT_KINDS)
        ]
    )


@atomic_action
def found_coalition(*, actor: Actor, name: str, purpose: str, membership_questions: str = "") -> Coalition:
    """A new coalition with the default decision-kind table drawn from the guides."""
    coalition = coalition_actions.create_coalition(
        actor=actor, name=name, purpose=purpose, membership_questions=membership_questions
    )
    kinds = _seed_default_kinds(coalition)
    _audit(
        coalition=coalition,
        actor=actor,
        standing=coalition_queries.standing(actor, coalition),
        verb="decision_kind.adopted_defaults",
        summary=f"started the coalition with the default table of {len(kinds)} decision kinds",
        target=None,
    )
    return coalition


@atomic_action
def adopt_default_decision_kinds(*, actor: Actor, coalition: Coalition) -> list[DecisionKind]:
    """Start an empty table from the default template (coalitions made before decisions existed)."""
    standing = _standing(actor, coalition)
    if not may_edit_decision_kinds(standing):
        raise NotAllowed("Only a coordinator of this coalition can change the decision kinds.")
    _refuse_once_adopted(coalition, "The decision kinds are")
    if DecisionKind.objects.filter(coalition=coalition).exists():
        raise Conflict("This coalition already has decision kinds; change them one by one.")
    kinds = _seed_default_kinds(coalition)
    _audit(
        coalition=coalition,
        actor=actor,
        standing=standing,
        verb="decision_kind.adopted_defaults",
        summary=f"adopted the default table of {len(kinds)} decision kinds",
        target=None,
    )
    return kinds


def _refuse_once_adopted(coalition: Coalition, what: str) -> None:
    if coalition.constitution_adopted_at is not None:
        raise Conflict(
            f"{what} part of the constitution the coalition adopted on {coalition.constitution_adopted_at:%d %B %Y}: "
            "propose an amendment to change it.",
        )
    founding = Proposal.objects.filter(coalition=coalition, effect="founding", status=Status.OPEN).first()
    if founding is not None:
        raise Conflict(
            f"The draft constitution is being decided in “{founding.title}”. Withdraw that proposal to change it, "
            "so everyone decides on the rules they read."
        )


def check_decision_kind(
    coalition: Coalition,
    *,
    kind: DecisionKind | None,
    key: str,
    name: str,
    description: str,
    rule: Any,
    scope: str,
) -> dict[str, Any]:
    """The cleaned fields of a new or changed decision kind, or Invalid naming what to change."""
    if kind is not None and kind.coalition_id != coalition.pk:
        raise NotFound("There is no such decision kind in this coalition.")
    name = clean_text(name, field="name", label="a name", max_length=200)
    description = clean_text(description, field="description", label="the description", max_length=2000, required=False)
    if scope not in Scope.values:
        raise Invalid("Choose who decides: the whole coalition, or the member groups it affects.", field="scope")
    parsed = _rule(rule)
    cleaned: dict[str, Any] = {
        "name": name,
        "description": description,
        "rule": rule_to_json(parsed),
        "scope": scope,
        "parsed": parsed,
    }
    if kind is None:
        key = slugify(clean_text(key or name, field="key", label="a key", max_length=60)).replace("-", "_")[:60]
        if not key:
            raise Invalid("Give a key made of letters or digits, like budget.", field="key")
        if DecisionKind.objects.filter(coalition=coalition, key=key).exists():
            raise Invalid(f"There is already a decision kind with the key {key!r}; choose another.", field="key")
        cleaned["key"] = key
    return cleaned


def write_decision_kind(
    coalition: Coalition,
    *,
    kind: DecisionKind | None,
    cleaned: Mapping[str, Any],
    actor: Actor,
    standing: Standing | None,
    actor_name: str | None = None,
    because: str = "",
) -> DecisionKind:
    """Store checked fields (from `check_decision_kind`) and audit them; `because` names the decision, if any."""
    parsed: Rule = cleaned["parsed"]
    canonical = cleaned["rule"]
    now = timezone.now()
    note = f" ({because})" if because else ""
    if kind is None:
        position = DecisionKind.objects.filter(coalition=coalition).count()
        kind = DecisionKind.objects.create(
            coalition=coalition,
            key=cleaned["key"],
            name=cleaned["name"],
            description=cleaned["description"],
            rule=canonical,
            scope=cleaned["scope"],
            position=position,
            created_at=now,
            updated_at=now,
        )
        coalition_actions.record_audit_event(
            coalition=coalition,
            actor=actor,
            standing=standing,
            verb="decision_kind.added",
            summary=f"added the decision kind {kind.name}: {describe_rule(parsed)}{note}",
            target=kind,
            data={"rule": canonical, "scope": kind.scope},
            actor_name=actor_name,
        )
        return kind
    kind = DecisionKind.objects.select_for_update().get(pk=kind.pk)
    before = {"name": kind.name, "description": kind.description, "rule": kind.rule, "scope": kind.scope}
    after = {field: cleaned[field] for field in before}
    changed = {field: value for field, value in after.items() if before[field] != value}
    if not changed:
        return kind
    for field, value in changed.items():
        setattr(kind, field, value)
    kind.updated_at = now
    kind.revision += 1
    kind.save(update_fields=[*changed, "updated_at", "revision"])
    summary = f"changed the decision kind {kind.name}"
    if "rule" in changed:
        summary += f": now {describe_rule(parsed)}"
    coalition_actions.record_audit_event(
        coalition=coalition,
        actor=actor,
        standing=standing,
        verb="decision_kind.changed",
        summary=summary + note,
        target=kind,
        data={"before": {field: before[field] for field in changed}, "after": changed},
        actor_name=actor_name,
    )
    return kind


@atomic_action
def set_decision_kind(
    *,
    actor: Actor,
    coalition: Coalition,
    kind: DecisionKind | None = None,
    key: str = "",
    name: str,
    description: str = "",
    rule: Any,
    scope: str = Scope.COALITION,
) -> DecisionKind:
    """Add a decision kind, or change one's name, rule or scope, while the constitution is still a draft the
    founders prepare. Once adopted, the table changes only by amendment (accord.agreements). Proposals already
    open keep their rule."""
    standing = _standing(actor, coalition)
    if not may_edit_decision_kinds(standing):
        raise NotAllowed("Only a coordinator of this coalition can change the decision kinds.")
    _refuse_once_adopted(coalition, "The decision kinds are")
    cleaned = check_decision_kind(
        coalition, kind=kind, key=key, name=name, description=description, rule=rule, scope=scope
    )
    return write_decision_kind(coalition, kind=kind, cleaned=cleaned, actor=actor, standing=standing)


def check_agreed_weight(weight: Any) -> str:
    """The weight in its exact written form ("" returns a group to 1), or Invalid saying what to change."""
    if weight in (None, ""):
        return ""
    try:
        value = parse_fraction(weight, path="weight", what="the weight")
        check_weight(value, path="weight")
    except GovernanceError as error:
        raise Invalid(error.message, field="weight") from error
    return show_exact(value)


def write_agreed_weight(
    member_group: MemberGroup,
    weight: str,
    *,
    actor: Actor,
    standing: Standing | None,
    actor_name: str | None = None,
    because: str = "",
) -> AgreedWeight | None:
    coalition = member_group.coalition
    note = f" ({because})" if because else ""
    if not weight:
        AgreedWeight.objects.filter(member_group=member_group).delete()
        summary, agreed = f"returned {member_group.name}'s agreed weight to 1", None
    else:
        agreed, _created = AgreedWeight.objects.update_or_create(
            member_group=member_group,
            defaults={"coalition": coalition, "weight": weight, "updated_at": timezone.now()},
        )
        summary = f"set {member_group.name}'s agreed weight to {weight}"
    coalition_actions.record_audit_event(
        coalition=coalition,
        actor=actor,
        standing=standing,
        verb="agreed_weight.changed",
        summary=summary + note,
        target=member_group,
        actor_name=actor_name,
    )
    return agreed


@atomic_action
def set_agreed_weight(*, actor: Actor, member_group: MemberGroup, weight: Any) -> AgreedWeight | None:
    """A member group's weight under custom weighting, while the constitution is a draft; "" returns it to 1."""
    coalition = member_group.coalition
    standing = _standing(actor, coalition)
    if not may_edit_decision_kinds(standing):
        raise NotAllowed("Only a coordinator of this coalition can change agreed weights.")
    _refuse_once_adopted(coalition, "Agreed weights are")
    return write_agreed_weight(member_group, check_agreed_weight(weight), actor=actor, standing=standing)


# --- proposals and rounds ------------------------------------------------------------------------------------------------


def _eligible_units(
    coalition: Coalition, rule: Rule, scope_group_ids: list[int] | None, *, at: datetime, excluded: Collection[str] = ()
) -> list[EligibleUnit]:
    """Who may respond, fixed when a round opens, so joining or leaving mid-round changes no count. Members still
    in their induction period at `at` do not count yet; `excluded` units take no part in this decision."""
    units: list[EligibleUnit] = []
    if rule.unit == "people":
        people = coalition_queries.current_people(coalition, in_groups=scope_group_ids, counted_at=at)
        for person_id, name in people.values_list("pk", "name"):
            units.append(EligibleUnit(key=f"p{person_id}", person_id=person_id, label=name, size=1, weight="1"))
        return [unit for unit in units if unit.key not in excluded]
    weights = dict(AgreedWeight.objects.filter(coalition=coalition).values_list("member_group_id", "weight"))
    groups = coalition_queries.current_groups(coalition, only=scope_group_ids, counted_at=at)
    for group_id, name, size in groups.values_list("pk", "name", "size"):
        units.append(
            EligibleUnit(
                key=f"g{group_id}", member_group_id=group_id, label=name, size=size, weight=weights.get(group_id, "1")
            )
        )
    if rule.unit == "groups_and_individuals" and scope_group_ids is None:
        for person_id, name in coalition_queries.individual_members(coalition, counted_at=at).values_list("pk", "name"):
            units.append(EligibleUnit(key=f"p{person_id}", person_id=person_id, label=name, size=1, weight="1"))
    return [unit for unit in units if unit.key not in excluded]


def _scope_groups(coalition: Coalition, kind: DecisionKind, groups: Iterable[Any]) -> list[MemberGroup]:
    chosen = list(groups or [])
    if kind.scope != Scope.AFFECTED_GROUPS:
        if chosen:
            raise Invalid(
                f"{kind.name} is decided by the whole coalition, so it takes no list of affected groups.",
                field="scope_groups",
            )
        return []
    ids = {group.pk if isinstance(group, MemberGroup) else group for group in chosen}
    if not ids:
        raise Invalid(
            f"{kind.name} is decided by the member groups it affects: choose at least one.", field="scope_groups"
        )
    found = list(coalition_queries.current_groups(coalition, only=ids))
    if len(found) != len(ids):
        raise Invalid("Choose only current member groups of this coalition.", field="scope_groups")
    return found


def _facilitators(coalition: Coalition, people: Iterable[Any]) -> list[Person]:
    ids = {person.pk if isinstance(person, Person) else person for person in (people or [])}
    if not ids:
        return []
    found = list(coalition_queries.current_people(coalition).filter(pk__in=ids))
    if len(found) != len(ids):
        raise Invalid("Choose facilitators among the coalition's current members.", field="facilitators")
    return found


def _failed_rounds(proposal: Proposal) -> int:
    return Round.objects.filter(proposal=proposal, status__in=FAILED).count()


def _open_round(
    proposal: Proposal,
    *,
    number: int,
    text: str,
    opens_at: datetime,
    closes_at: datetime,
    opened_by: Person | None,
    failed_before: int,
) -> Round:
    rule = _rule(proposal.rule)
    applied, _depth = rule.applied(failed_before)
    # The groups chosen at opening, not the kind's scope now: an amendment may have changed it since.
    chosen = list(proposal.scope_groups.values_list("pk", flat=True))
    scope_ids = chosen or None
    units = _eligible_units(
        proposal.coalition, applied, scope_ids, at=opens_at, excluded=frozenset(proposal.excluded_units or ())
    )
    if not units:
        what = {"people": "members", "groups": "member groups", "groups_and_individuals": "members"}[applied.unit]
        raise Invalid(f"No {what} can take part in this decision yet, so it cannot open.", field="kind")
    if applied.weighting != "custom":
        for unit in units:
            unit.weight = ""
    round_ = Round.objects.create(
        proposal=proposal,
        number=number,
        text=text,
        opens_at=opens_at,
        closes_at=closes_at,
        failed_rounds_before=failed_before,
        rule_applied="fallback" if applied is not rule else "main",
        eligible_count=len(units),
        opened_by=opened_by,
    )
    for unit in units:
        unit.round = round_
    EligibleUnit.objects.bulk_create(units, batch_size=2000)
    _on_commit(lambda: _schedule(round_))
    return round_


def _schedule(round_: Round) -> None:
    """Close at the deadline and remind beforehand, without anyone visiting (the worker runs these)."""
    if not default_task_backend.supports_defer:
        return  # the test backend runs tasks at once; tests close rounds through close_round directly
    tasks.close_round_when_due.using(run_after=round_.closes_at).enqueue(round_.pk)
    window = round_.closes_at - round_.opens_at
    remind_at = round_.closes_at - min(REMINDER_BEFORE, window / 2)
    tasks.send_closing_reminders.using(run_after=remind_at).enqueue(round_.pk)


@atomic_action
def open_proposal(
    *,
    actor: Actor,
    coalition: Coalition,
    kind: DecisionKind,
    title: str,
    text: str,
    closes_at: datetime,
    opens_at: datetime | None = None,
    options: Sequence[str] | None = None,
    scope_groups: Iterable[Any] = (),
    results_visibility: str = Proposal.ResultsVisibility.LIVE,
    stance_visibility: str = Proposal.StanceVisibility.OPEN,
    close_when_all_responded: bool | None = None,
    facilitators: Iterable[Any] = (),
    process: str = Proposal.Process.STANDARD,
) -> Proposal:
    """Put a proposal to decision. A spokescouncil (`process`) closes as soon as every unit has responded unless
    `close_when_all_responded` says otherwise."""
    standing = _standing(actor, coalition)
    if not may_open_proposal(standing):
        raise NotAllowed("Only members of this coalition can put a proposal to decision.")
    if kind is not None and kind.key in RESERVED_KINDS and kind.coalition_id == coalition.pk:
        raise Invalid(RESERVED_KINDS[kind.key], field="kind")
    return put_to_decision(
        actor=actor,
        standing=standing,
        coalition=coalition,
        kind=kind,
        title=title,
        text=text,
        closes_at=closes_at,
        opens_at=opens_at,
        options=options,
        scope_groups=scope_groups,
        results_visibility=results_visibility,
        stance_visibility=stance_visibility,
        close_when_all_responded=close_when_all_responded,
        facilitators=facilitators,
        process=process,
    )


# Kinds whose proposals carry a change the constitution makes when they pass, so they are opened by the pages
# for that change (an amendment, an application, a request to leave) rather than as a bare proposal.
RESERVED_KINDS = {
    "amend_constitution": "Amendments to the constitution are proposed from the constitution's page, as a change "
    "to an agreement or to the decision table.",
    "admit_member": "Admission decisions open when someone applies to join, from the coalition's joining page.",
    "ask_member_to_leave": "A request for a member to leave is made from the constitution's page, naming the "
    "member and the agreement it rests on.",
}


def put_to_decision(
    *,
    actor: Actor,
    standing: Standing | None,
    coalition: Coalition,
    kind: DecisionKind,
    title: str,
    text: str,
    closes_at: datetime,
    opens_at: datetime | None = None,
    options: Sequence[str] | None = None,
    scope_groups: Iterable[Any] = (),
    results_visibility: str = Proposal.ResultsVisibility.LIVE,
    stance_visibility: str = Proposal.StanceVisibility.OPEN,
    close_when_all_responded: bool | None = None,
    facilitators: Iterable[Any] = (),
    process: str = Proposal.Process.STANDARD,
    effect: str = "",
    excluded_units: Sequence[str] = (),
    rule: Any = None,
    author: Person | None = None,
) -> Proposal:
    """Open a proposal, permission already settled by the caller: `open_proposal` for members, and the
    constitution's own actions for proposals with an `effect` (they may give the founding `rule` instead of the
    kind's). Must run inside the caller's transaction."""
    if kind is None or kind.coalition_id != coalition.pk:
        raise Invalid("Choose a decision kind of this coalition.", field="kind")
    if effect and effect not in _EFFECTS:
        raise ValueError(f"No effect named {effect!r} is registered.")
    title = clean_title(
        title,
        max_length=TITLE_MAX,
        one_line="Keep the title on one line; the text below it can be as long as you need.",
    )
    # A founding decision or an amendment carries whole agreements (each up to TEXT_MAX) with their context.
    text = clean_text(text, field="text", label="the proposal's text", max_length=TEXT_MAX * 20 if effect else TEXT_MAX)
    parsed = _rule(kind.rule if rule is None else rule, field="kind")
    if effect and parsed.method in OPTION_METHODS:
        raise Invalid(
            f"{kind.name} is decided by choosing between options, but this proposal is a yes-or-no question: amend "
            "the decision table so the kind uses consent, a majority or fist-to-five.",
            field="kind",
        )
    cleaned_options = _options(options, parsed)
    process = spokescouncil.check_process(process, parsed, kind_name=kind.name)
    if close_when_all_responded is None:
        close_when_all_responded = process == Proposal.Process.SPOKESCOUNCIL
    if results_visibility not in Proposal.ResultsVisibility.values:
        raise Invalid("Choose whether results show live or only after closing.", field="results_visibility")
    if stance_visibility not in Proposal.StanceVisibility.values:
        raise Invalid("Choose whether stances are open or secret.", field="stance_visibility")
    now = timezone.now()
    opens, closes = _window(opens_at, closes_at, now=now)
    groups = _scope_groups(coalition, kind, scope_groups)
    chosen_facilitators = _facilitators(coalition, facilitators)
    proposal = Proposal.objects.create(
        coalition=coalition,
        kind=kind,
        title=title,
        author=author if author is not None else (standing.person if standing else None),
        rule=rule_to_json(parsed),
        kind_name=kind.name,
        options=cleaned_options,
        results_visibility=results_visibility,
        stance_visibility=stance_visibility,
        close_when_all_responded=bool(close_when_all_responded),
        process=process,
        created_at=now,
        effect=effect,
        excluded_units=list(excluded_units),
    )
    proposal.scope_groups.set(groups)
    proposal.facilitators.set(chosen_facilitators)
    round_ = _open_round(
        proposal,
        number=1,
        text=text,
        opens_at=opens,
        closes_at=closes,
        opened_by=standing.person if standing else None,
        failed_before=0,
    )
    coalition_actions.record_audit_event(
        coalition=coalition,
        actor=actor,
        standing=standing,
        verb="proposal.opened",
        summary=f"put “{title}” to decision as {kind.name}, closing {closes:%Y-%m-%d %H:%M} UTC",
        target=proposal,
        data={"rule": proposal.rule, "eligible": round_.eligible_count, "effect": effect},
        actor_name=None if standing and standing.person else ("Accord" if actor is None else None),
    )
    return proposal


def _current_round(proposal: Proposal, *, lock: bool = False) -> Round:
    rows = Round.objects.filter(proposal=proposal, number=proposal.round_number)
    if lock:
        rows = rows.select_for_update()
    try:
        return rows.get()
    except Round.DoesNotExist:
        raise NotFound("This proposal has no round.") from None


@atomic_action
def withdraw_proposal(*, actor: Actor, proposal: Proposal, reason: str = "") -> Proposal:
    standing = _standing(actor, proposal.coalition)
    if not may_manage_proposal(standing, proposal):
        raise NotAllowed("Only the person who proposed it, or a coordinator, can withdraw it.")
    # Round first, then proposal: the order closing takes them in, so the two never deadlock.
    round_ = _current_round(proposal, lock=True)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_open or proposal.round_number != round_.number:
        raise Conflict(f"This proposal is already {proposal.get_status_display().lower()}.")
    if not may_withdraw(standing, proposal):
        raise NotAllowed("Only the person who proposed it, or a coordinator, can withdraw it.")
    if proposal.effect == "admission":
        raise NotAllowed(
            "An application is decided by the coalition under its rule; only the applicant can withdraw it, from "
            "the application's page."
        )
    now = timezone.now()
    if now >= round_.closes_at:
        raise Conflict(
            "This round's closing time has passed, so it is counted rather than withdrawn. Reload to see the outcome."
        )
    reason = clean_text(reason, field="reason", label="a reason", max_length=REASON_MAX, required=False)
    Round.objects.filter(pk=round_.pk).update(status=Status.WITHDRAWN, closed_at=now)
    proposal.status = Status.WITHDRAWN
    proposal.withdrawn_reason = reason
    proposal.save(update_fields=["status", "withdrawn_reason"])
    _audit(
        coalition=proposal.coalition,
        actor=actor,
        standing=standing,
        verb="proposal.withdrawn",
        summary=f"withdrew “{proposal.title}”" + (f": {reason}" if reason else ""),
        target=proposal,
    )
    return proposal


def end_without_decision(*, proposal: Proposal, reason: str) -> Proposal:
    """Withdraw an open proposal whose question went away (an application withdrawn by the applicant); the
    caller's action has settled permission and writes its own audit event. Closed proposals are left as they are."""
    round_ = Round.objects.select_for_update().filter(proposal=proposal, number=proposal.round_number).first()
    proposal = Proposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)
    if not proposal.is_open or round_ is None:
        return proposal
    Round.objects.filter(pk=round_.pk).update(status=Status.WITHDRAWN, closed_at=timezone.now())
    proposal.status = Status.WITHDRAWN
    proposal.withdrawn_reason = reason
    proposal.save(update_fields=["status", "withdrawn_reason"])
    return proposal


@atomic_action
def start_next_round(
    *,
    actor: Actor,
    proposal: Proposal,
    closes_at: datetime,
    text: str | None = None,
    opens_at: datetime | None = None,
    options: Sequence[str] | None = None,
) -> Round:
    """After a failed round, put the (amended) proposal again; the fallback rule applies once its count is reached."""
    standing = _standing(actor, proposal.coalition)
    if not may_manage_proposal(standing, proposal):
        raise NotAllowed("Only the person who proposed it, or a coordinator, can start a new round.")
    proposal = Proposal.objects.select_for_update(of=("self",)).select_related("kind", "coalition").get(pk=proposal.pk)
    if proposal.status not in FAILED:
        if proposal.is_open:
            raise Conflict("This round is still open; a new round can start once it has closed without agreement.")
        raise Conflict(
            f"This proposal is {proposal.get_status_display().lower()}; only a failed round can be tried again."
        )
    if not may_start_next_round(standing, proposal):
        raise NotAllowed("Only the person who proposed it, or a coordinator, can start a new round.")
    if final_when_failed(proposal):
        raise Conflict("This decision ended when its round failed; the question has to be asked again from the start.")
    previous = queries.current_round(proposal)
    if proposal.effect and (
        (text is not None and str(text).strip() and str(text).strip() != previous.text.strip()) or options is not None
    ):
        # What passing does was fixed when it opened; a new text here would be consented to but not applied.
        raise Conflict(
            "This proposal carries a change to the constitution or membership, so its text stays as it is; to change "
            "an amendment, rebase it, or propose a new one.",
            field="text",
        )
    new_text = (
        previous.text
        if text is None or not str(text).strip()
        else clean_text(text, field="text", label="the proposal's text", max_length=TEXT_MAX)
    )
    rule = _rule(proposal.rule)
    failed_before = _failed_rounds(proposal)
    applied, _depth = rule.applied(failed_before)
    if options is not None:
        proposal.options = _options(options, applied)
    now = timezone.now()
    opens, closes = _window(opens_at, closes_at, now=now)
    proposal.round_number += 1
    proposal.status = Status.OPEN
    proposal.save(update_fields=["round_number", "status", "options"])
    round_ = _open_round(
        proposal,
        number=proposal.round_number,
        text=new_text,
        opens_at=opens,
        closes_at=closes,
        opened_by=standing.person,
        failed_before=failed_before,
    )
    summary = f"started round {round_.number} of “{proposal.title}”"
    if round_.rule_applied == "fallback":
        summary += f", decided under the fallback rule after {round_.failed_rounds_before} failed rounds"
    _audit(
        coalition=proposal.coalition,
        actor=actor,
        standing=standing,
        verb="proposal.round_started",
        summary=summary,
        target=proposal,
        data={"round": round_.number, "rule_applied": round_.rule_applied, "text_changed": new_text != previous.text},
    )
    return round_


def put_new_text(
    *, actor: Actor, standing: Standing, proposal: Proposal, text: str, closes_at: datetime, reason: str
) -> Round:
    """Replace an open (or passed-but-not-applied) proposal's text with a new round, permission settled by the
    caller: a rebased amendment. The replaced round is kept as superseded and counts as no failure, so the rule
    and its fallback stand where they were; everyone responds again, to the text that would take effect."""
    round_ = Round.objects.select_for_update().filter(proposal=proposal, number=proposal.round_number).first()
    proposal = Proposal.objects.select_for_update(of=("self",)).select_related("kind", "coalition").get(pk=proposal.pk)
    if round_ is None or proposal.status not in (Status.OPEN, Status.NOT_APPLIED):
        raise Conflict(f"This proposal is {proposal.get_status_display().lower()}, so its text cannot change now.")
    now = timezone.now()
    opens, closes = _window(None, closes_at, now=now)
    if round_.is_open:
        round_.status = Status.SUPERSEDED
        round_.closed_at = now
        round_.save(update_fields=["status", "closed_at"])
    proposal.round_number += 1
    proposal.status = Status.OPEN
    proposal.effect_note = ""
    proposal.save(update_fields=["round_number", "status", "effect_note"])
    new_round = _open_round(
        proposal,
        number=proposal.round_number,
        text=clean_text(text, field="text", label="the proposal's text", max_length=TEXT_MAX * 20),
        opens_at=opens,
        closes_at=closes,
        opened_by=standing.person,
        failed_before=_failed_rounds(proposal),
    )
    coalition_actions.record_audit_event(
        coalition=proposal.coalition,
        actor=actor,
        standing=standing,
        verb="proposal.round_started",
        summary=f"put a new text of “{proposal.title}” in round {new_round.number}: {reason}"[:500],
        target=proposal,
        data={"round": new_round.number, "rule_applied": new_round.rule_applied, "text_changed": True},
    )
    return new_round


# --- stances ----------------------------------------------------------------------------------------------------------


# The busiest lookup a coalition sends, written out so it is not compiled again on every stance.
_UNITS_WITH_STANCES = """
SELECT u.id, u.round_id, u.key, u.person_id, u.member_group_id, u.label, u.size, u.weight,
       EXISTS (SELECT 1 FROM {stance} s WHERE s.round_id = u.round_id AND s.unit_key = u.key AND s.is_current)
           AS has_stance,
       EXISTS (SELECT 1 FROM {stance} s WHERE s.round_id = u.round_id AND s.unit_key = u.key AND s.is_current
                                           AND NOT s.on_behalf) AS given_by_unit
FROM {unit} u
WHERE u.round_id = %s AND u.key IN ({keys})
ORDER BY u.label, u.key
"""


def _locked_round_and_units(
    standing: Standing, proposal: Proposal, unit_key: str | None
) -> tuple[Round, list[EligibleUnit]]:
    """The proposal's current round, whose row this locks, and the unit named (or the actor's own units) in it,
    each saying whether it has a current stance and whether the unit gave that stance itself."""
    if unit_key:
        if not isinstance(unit_key, str) or "\x00" in unit_key or len(unit_key) > 20:
            raise Invalid("Name the unit as it is listed, like p12 or g3.", field="unit")
        keys = [unit_key]
    else:
        keys = own_unit_keys(standing)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    round_sql = f"SELECT * FROM {Round._meta.db_table} WHERE proposal_id = %s AND number = %s{lock}"  # noqa: S608
    round_ = next(iter(Round.objects.raw(round_sql, [proposal.pk, proposal.round_number])), None)
    if round_ is None:
        raise NotFound("This proposal has no round.")
    if not keys:
        return round_, []
    sql = _UNITS_WITH_STANCES.format(
        stance=Stance._meta.db_table, unit=EligibleUnit._meta.db_table, keys=", ".join(["%s"] * len(keys))
    )
    units = list(EligibleUnit.objects.raw(sql, [round_.pk, *keys]))
    for unit in units:
        unit.round = round_
        unit.has_stance, unit.given_by_unit = bool(unit.has_stance), bool(unit.given_by_unit)
    return round_, units


def _unit_for(standing: Standing, round_: Round, units: list[EligibleUnit], unit_key: str | None) -> EligibleUnit:
    if unit_key:
        if not units:
            raise Invalid(f"{unit_key!r} is not eligible in this round.", field="unit")
        return units[0]
    if len(units) == 1:
        return units[0]
    if not units:
        counted_by = queries.applied_rule(round_.proposal, round_).unit  # a fallback may count differently
        raise NotAllowed(why_not_eligible(standing, counted_by))
    names = ", ".join(f"{unit.key} ({unit.label})" for unit in units)
    raise Invalid(f"Say whom you respond for: {names}.", field="unit")


def _choice(ranking: Any, approve: Any, scores: Any, dots: Any) -> tuple[str, Any] | None:
    given = [
        (name, value)
        for name, value in (("ranking", ranking), ("approve", approve), ("scores", scores), ("dots", dots))
        if value is not None
    ]
    if len(given) > 1:
        raise Invalid(f"Give only one of {', '.join(name for name, _ in given)}.", field=given[1][0])
    return given[0] if given else None


def _kernel_stance(
    unit_key: str, position: Any, reason: str, score: Any, choice: tuple[str, Any] | None
) -> KernelStance:
    values: dict[str, Any] = {"unit": unit_key, "reason": reason}
    if position not in (None, ""):
        if not isinstance(position, str):
            raise Invalid("Give the position as text, like agree.", field="position")
        values["position"] = position
    if score is not None:
        values["score"] = score
    if choice is not None:
        name, value = choice
        if name in ("ranking", "approve"):
            if isinstance(value, str | bytes) or not isinstance(value, Iterable):
                raise Invalid("Give a list of options.", field=name)
            values[name] = tuple(value)
        else:
            if not isinstance(value, Mapping):
                raise Invalid("Give a number for each option.", field=name)
            values[name] = {str(key): amount for key, amount in value.items() if amount not in (None, "", 0)}
    return KernelStance(**values)


@atomic_action
def record_stance(
    *,
    actor: Actor,
    proposal: Proposal,
    unit_key: str | None = None,
    position: str | None = None,
    reason: str = "",
    score: int | None = None,
    ranking: Sequence[str] | None = None,
    approve: Sequence[str] | None = None,
    scores: Mapping[str, int] | None = None,
    dots: Mapping[str, int] | None = None,
    spokes_position: str | None = None,
    amendment: str = "",
) -> Stance:
    """Record one unit's stance in the open round. A changed stance is a new record; the latest counts.

    A spokescouncil proposal takes `spokes_position` (agree, amend, concerns, block) and `amendment` instead of a
    position; the rule counts the position `spokescouncil.counted_position` maps it to."""
    coalition = proposal.coalition
    standing = _standing(actor, coalition)
    if standing.person is None or standing.role < Role.MEMBER:
        raise NotAllowed("Only members of this coalition can respond.")
    # Stances of one proposal queue on its round's row: closing (which locks it too) then counts every stance
    # that got in, and with "close when everyone has responded" the last two responders cannot miss each other.
    round_, units = _locked_round_and_units(standing, proposal, unit_key)
    round_.proposal = proposal
    now = timezone.now()
    if proposal.status != Status.OPEN or not round_.is_open:
        # The locked round is the truth: `proposal` may have been read before the round closed.
        shown = proposal if round_.is_open else round_
        raise Conflict(f"This proposal is {shown.get_status_display().lower()}; stances can no longer change.")
    if now < round_.opens_at:
        raise Conflict(f"This round opens at {round_.opens_at:%Y-%m-%d %H:%M} UTC.")
    if now >= round_.closes_at:
        raise Conflict(f"This round closed at {round_.closes_at:%Y-%m-%d %H:%M} UTC; the outcome is being counted.")
    unit = _unit_for(standing, round_, units, unit_key)
    speaks_for_unit = may_respond_for(standing, unit)
    if not speaks_for_unit:
        named = set() if standing.role >= Role.COORDINATOR else set(proposal.facilitators.values_list("pk", flat=True))
        if not may_facilitate(standing, proposal, named):
            if unit.member_group_id is not None:
                raise NotAllowed(f"Only {unit.label}'s delegates (or a facilitator) can give its position.")
            raise NotAllowed("Only that person (or a facilitator) can give their stance.")
    rule = queries.applied_rule(proposal, round_)
    spoken = None
    if proposal.process == Proposal.Process.SPOKESCOUNCIL:
        given = [name for name, value in (("position", position), ("score", score)) if value not in (None, "")]
        given += [
            name
            for name, value in (("ranking", ranking), ("approve", approve), ("scores", scores), ("dots", dots))
            if value is not None
        ]
        if given:
            raise Invalid(
                "This proposal runs as a spokescouncil: give the position as agree, amend (agree with amendments), "
                "concerns or block, in spokes_position.",
                field=given[0],
            )
        spoken = spokescouncil.check_position(rule, spokes_position, amendment=amendment, reason=reason)
        position, reason = spoken.position, spoken.reason
    elif spokes_position not in (None, "") or amendment not in (None, ""):
        raise Invalid(
            "Spokescouncil positions are only for proposals run as a spokescouncil; give a position such as agree.",
            field="spokes_position" if spokes_position not in (None, "") else "amendment",
        )
    reason = clean_text(reason, field="reason", label="the reason", max_length=REASON_MAX, required=False)
    choice = _choice(ranking, approve, scores, dots)
    stance = _kernel_stance(unit.key, position, reason, score, choice)
    try:
        check_stance(rule, stance, options=proposal.options, path="stance")
    except GovernanceError as error:
        field = error.path.removeprefix("stance.") or "position"
        raise Invalid(error.message, field=field) from error

    current = Stance.objects.filter(round=round_, unit_key=unit.key, is_current=True)
    if not speaks_for_unit and unit.given_by_unit:
        # A facilitator records for people in the room; they never overrule what someone said for themself.
        whose = f"{unit.label}'s delegates" if unit.member_group_id is not None else unit.label
        raise Conflict(f"{whose} gave this stance themselves, so only they can change it.", field="unit")
    if unit.has_stance:  # read under the round's lock, so still true
        current.update(is_current=False)
    record = Stance.objects.create(
        round=round_,
        unit=unit,
        unit_key=unit.key,
        recorded_by=standing.person,
        position=stance.position or "",
        score=stance.score,
        choice={choice[0]: getattr(stance, choice[0])} if choice else None,  # as the kernel read it
        reason=reason,
        spokes_position=spoken.spokes_position if spoken else "",
        amendment=spoken.amendment if spoken else "",
        on_behalf=not speaks_for_unit,
        size=unit.size,
        weight=unit.weight,
        created_at=now,
    )
    on_behalf = "" if speaks_for_unit else f" on behalf of {unit.label}"
    if queries.positions_hidden(proposal, round_):
        said = "gave a stance"
    else:
        said = _said(record)
    if unit.member_group_id is not None and not on_behalf:
        on_behalf = f" for {unit.label}"
    _audit(
        coalition=coalition,
        actor=actor,
        standing=standing,
        verb="stance.recorded",
        summary=f"{said}{on_behalf} on “{proposal.title}”",
        target=proposal,
        data={"round": round_.number, "unit": unit.key},
    )
    if proposal.close_when_all_responded:
        responded = Stance.objects.filter(round=round_, is_current=True).count()
        if responded >= round_.eligible_count:
            _close(proposal, round_, now=now, reason="everyone eligible has responded")
    return record


def _said(stance: Stance) -> str:
    if stance.spokes_position:
        return f"gave the position “{spokescouncil.WORDS[stance.spokes_position].lower()}”"
    if stance.position:
        return f"gave the stance {stance.position.replace('_', ' ')}"
    if stance.score is not None:
        return f"showed {stance.score} of 5"
    kind = next(iter(stance.choice or {}), "")
    return {"ranking": "ranked the options", "approve": "approved options", "scores": "scored the options"}.get(
        kind, "spread dots over the options"
    )


# --- closing ------------------------------------------------------------------------------------------------------------


def _close(proposal: Proposal, round_: Round, *, now: datetime, reason: str) -> Round:
    outcome = queries.tally_round(proposal, round_)
    round_.status = outcome.status
    round_.outcome = outcome.to_json()
    round_.closed_at = now
    round_.save(update_fields=["status", "outcome", "closed_at"])
    proposal.status = outcome.status
    proposal.save(update_fields=["status"])
    coalition_actions.record_audit_event(
        coalition=proposal.coalition,
        actor=None,
        standing=None,
        verb="proposal.closed",
        summary=f"round {round_.number} of “{proposal.title}” closed ({reason}): {outcome.summary}"[:500],
        target=proposal,
        data={"round": round_.number, "status": outcome.status},
        actor_name="Accord",
    )
    if proposal.effect and proposal.status in PASSING:
        _take_effect(proposal, round_)
    elif proposal.effect and proposal.status in FAILED:
        effect = _EFFECTS[proposal.effect]
        if effect.on_failed is not None:
            effect.on_failed(proposal, round_)
    return round_


def final_when_failed(proposal: Proposal) -> bool:
    """Whether a failed round ends this proposal for good (no next round can follow)."""
    effect = _EFFECTS.get(proposal.effect)
    return effect is not None and effect.on_failed is not None


def _take_effect(proposal: Proposal, round_: Round) -> None:
    """Make the change a passed proposal carries, in the closing transaction; if it can no longer be made, the
    proposal says why instead, and the round's verdict stays on record."""
    effect = _EFFECTS[proposal.effect]
    # One change to a coalition's constitution or membership at a time: two amendments closing at once must not
    # both pass the blocker's check before either has applied.
    Coalition.objects.select_for_update().filter(pk=proposal.coalition_id).first()
    blocker = effect.blocker(proposal)
    if not blocker:
        try:
            with transaction.atomic():
                effect.apply(proposal, round_)
            return
        except ActionError as error:
            blocker = error.message
        except IntegrityError:
            # A constraint caught what the blocker did not foresee; the round must still close, or every page
            # that closes overdue rounds would fail on it again.
            blocker = "The change clashed with what the coalition holds now, so it was not made."
    proposal.status = Status.NOT_APPLIED
    proposal.effect_note = blocker[:4000]
    proposal.save(update_fields=["status", "effect_note"])
    if effect.on_not_applied is not None:
        effect.on_not_applied(proposal, blocker)
    coalition_actions.record_audit_event(
        coalition=proposal.coalition,
        actor=None,
        standing=None,
        verb="proposal.not_applied",
        summary=f"“{proposal.title}” passed but could not take effect: {blocker}"[:500],
        target=proposal,
        data={"round": round_.number, "reason": blocker},
        actor_name="Accord",
    )


@atomic_action
def close_round_if_due(*, round_id: int, now: datetime | None = None) -> Round | None:
    """Close a round whose deadline has passed; does nothing for a round already closed or not yet due.

    Run by the worker at the deadline, and by any page that finds an overdue round, so a round closes even when
    the worker was down at the time.
    """
    now = now or timezone.now()
    round_ = (
        Round.objects.select_for_update(of=("self",))
        .select_related("proposal", "proposal__coalition")
        .filter(pk=round_id)
        .first()
    )
    if round_ is None or not round_.is_open or round_.closes_at > now:
        return None
    proposal = round_.proposal
    if proposal.round_number != round_.number or proposal.status != Status.OPEN:
        return None
    return _close(proposal, round_, now=now, reason="its closing time came")


def close_due_rounds(
    *, now: datetime | None = None, coalition: Coalition | None = None, proposal: Proposal | None = None
) -> int:
    """Close every overdue round (of one coalition, or one proposal); returns how many closed.

    Pages and the API call it before showing proposals, so no reader sees a stale "open" when the worker was
    down or late at a deadline; when nothing is overdue it costs one query.
    """
    now = now or timezone.now()
    closed = 0
    overdue = Round.objects.filter(status=Status.OPEN, closes_at__lte=now)
    if coalition is not None:
        overdue = overdue.filter(proposal__coalition=coalition)
    if proposal is not None:
        overdue = overdue.filter(proposal=proposal)
    for round_id in overdue.values_list("pk", flat=True):
        if close_round_if_due(round_id=round_id, now=now) is not None:
            closed += 1
    return closed


def mark_reminded(round_id: int) -> list[str]:
    """Who to remind that a round closes soon (addresses of those not yet responded), marking it done once."""
    with transaction.atomic():
        round_ = (
            Round.objects.select_for_update()
            .filter(pk=round_id, status=Status.OPEN, reminder_sent_at__isnull=True)
            .first()
        )
        if round_ is None:
            return []
        round_.reminder_sent_at = timezone.now()
        round_.save(update_fields=["reminder_sent_at"])
        return queries.addresses_not_responded(round_)
