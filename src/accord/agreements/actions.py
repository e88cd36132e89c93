"""Every write to the constitution: the draft and its founding decision, amendments, joining and sign-on,
requests to leave, and red lines.

Each action is atomic, checks permission first, refuses bad input with a message naming the field, and writes an
audit event. Changes that need the coalition's consent open a proposal (decisions.put_to_decision) that carries
the change; `effects` makes it when the proposal passes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from accord.atomic import atomic_action
from accord.coalitions import actions as coalition_actions
from accord.coalitions import queries as coalition_queries
from accord.coalitions.models import Application, Coalition, MemberGroup, Person
from accord.coalitions.permissions import Actor, Role, Standing, standing_in
from accord.decisions import actions as decision_actions
from accord.decisions.models import DecisionKind, Proposal, Status
from accord.errors import Conflict, Invalid, NotAllowed, NotFound
from accord.governance import OPTION_METHODS, describe_rule, parse_rule
from accord.text import clean_text, clean_title

from . import tasks
from .defaults import DEFAULT_AGREEMENTS
from .models import (
    Admission,
    Agreement,
    AgreementVersion,
    Amendment,
    Constitution,
    RedLine,
    RedLineFlag,
    RemovalRequest,
    SignOn,
)
from .permissions import (
    may_ask_member_to_leave,
    may_edit_draft,
    may_flag_red_line,
    may_keep_red_lines,
    may_propose_amendment,
    may_propose_founding,
    may_rebase,
    may_record_sign_on,
    may_sign_for_group,
    may_withdraw_flag,
)

TITLE_MAX = 200
TEXT_MAX = 20000
RED_LINE_MAX = 2000
NOTE_MAX = 2000
DAYS_MAX = 3650
# Kinds whose proposals make a change when they pass, so their rule must answer yes or no.
EFFECT_KINDS = ("amend_constitution", "admit_member", "ask_member_to_leave")
TERMS = ("induction_days", "admission_days", "red_line_review_days", "concerned_member_takes_part")
TERM_WORDS = {
    "induction_days": "the induction period (days)",
    "admission_days": "how long an admission decision stays open (days)",
    "red_line_review_days": "how often red lines are re-confirmed (days)",
    "concerned_member_takes_part": "whether a member asked to leave takes part in that decision",
}


# --- shared pieces --------------------------------------------------------------------------------------------------


def _standing(actor: Actor, coalition: Coalition) -> Standing:
    return standing_in(actor, coalition)


def _audit(
    coalition: Coalition,
    actor: Actor,
    standing: Standing | None,
    verb: str,
    summary: str,
    target: Any = None,
    data: dict[str, Any] | None = None,
    actor_name: str | None = None,
) -> None:
    coalition_actions.record_audit_event(
        coalition=coalition,
        actor=actor,
        standing=standing,
        verb=verb,
        summary=summary,
        target=target,
        data=data,
        actor_name=actor_name,
    )


def _signer_name(standing: Standing, actor: Actor) -> str:
    if standing.person is not None:
        return standing.person.name
    return str(getattr(actor, "display_name", "") or "Someone")


def constitution_of(coalition: Coalition, *, lock: bool = False) -> Constitution:
    """The coalition's terms, made with their defaults on first use (coalitions founded before this existed)."""
    rows = Constitution.objects.select_for_update() if lock else Constitution.objects
    found = rows.filter(coalition=coalition).first()
    if found is None:
        found, _created = Constitution.objects.get_or_create(coalition=coalition)
    return found


def seed_draft(coalition: Coalition) -> list[Agreement]:
    """The template agreements, as a draft (no version has taken effect yet)."""
    constitution_of(coalition)
    now = timezone.now()
    agreements = []
    for index, template in enumerate(DEFAULT_AGREEMENTS):
        agreement, created = Agreement.objects.get_or_create(
            coalition=coalition,
            key=template["key"],
            defaults={
                "category": template["category"],
                "position": index,
                "members_confirm": template["members_confirm"],
                "created_at": now,
            },
        )
        if created:
            AgreementVersion.objects.create(
                agreement=agreement, number=1, title=template["title"], text=template["text"], created_at=now
            )
        agreements.append(agreement)
    return agreements


def current_versions(agreements: list[Agreement]) -> dict[int, AgreementVersion]:
    """The version in force of each agreement, by agreement id, in one query."""
    latest: dict[int, AgreementVersion] = {}
    for version in AgreementVersion.objects.filter(agreement__in=agreements).order_by("agreement_id", "number"):
        latest[version.agreement_id] = version
    return latest


def current_version(agreement: Agreement) -> AgreementVersion:
    version = AgreementVersion.objects.filter(agreement=agreement).order_by("-number").first()
    if version is None:
        raise NotFound("This agreement has no text yet.")
    return version


def _days(value: Any, *, field: str) -> int:
    if isinstance(value, bool) or value in (None, ""):
        raise Invalid(f"Give {TERM_WORDS[field]} as a whole number of days.", field=field)
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise Invalid(f"Give {TERM_WORDS[field]} as a whole number of days, like 14.", field=field) from None
    lowest = 1 if field != "induction_days" else 0
    if not lowest <= number <= DAYS_MAX:
        raise Invalid(f"Give {TERM_WORDS[field]} between {lowest} and {DAYS_MAX} days.", field=field)
    return number


def _flag(value: Any, *, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).strip().lower() in ("true", "1", "yes", "on"):
        return True
    if str(value).strip().lower() in ("false", "0", "no", "off", ""):
        return False
    raise Invalid(f"Answer {TERM_WORDS[field]} with yes or no.", field=field)


def _terms(values: dict[str, Any], *, prefix: str = "") -> dict[str, Any]:
    unknown = sorted(set(values) - set(TERMS))
    if unknown:
        raise Invalid(
            f"There is no term called {unknown[0]!r}; the terms are {', '.join(TERMS)}.", field=f"{prefix}{unknown[0]}"
        )
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        if name == "concerned_member_takes_part":
            cleaned[name] = _flag(value, field=name)
        else:
            cleaned[name] = _days(value, field=name)
    return cleaned


def _title(value: Any, *, field: str = "title", label: str = "a title") -> str:
    return clean_title(value, field=field, label=label, max_length=TITLE_MAX)


def _text(value: Any, *, field: str = "text", label: str = "the text") -> str:
    return clean_text(value, field=field, label=label, max_length=TEXT_MAX)


def _kind_of(coalition: Coalition, key: str) -> DecisionKind:
    kind = DecisionKind.objects.filter(coalition=coalition, key=key).first()
    if kind is None:
        raise Conflict(
            f"This coalition's decision table has no kind {key!r}, which this needs. Add it by amendment first.",
            field="kind",
        )
    return kind


def _founding_open(coalition: Coalition) -> Proposal | None:
    return Proposal.objects.filter(coalition=coalition, effect="founding", status=Status.OPEN).first()


# --- the draft and the founding decision -----------------------------------------------------------------------


@atomic_action
def found_coalition(*, actor: Actor, name: str, purpose: str, membership_questions: str = "") -> Coalition:
    """A new coalition with the template constitution as a draft, to adopt by the founding decision."""
    coalition = decision_actions.found_coalition(
        actor=actor, name=name, purpose=purpose, membership_questions=membership_questions
    )
    agreements = seed_draft(coalition)
    _audit(
        coalition,
        actor,
        _standing(actor, coalition),
        "constitution.drafted",
        f"started a draft constitution of {len(agreements)} agreements from the guides' template",
    )
    return coalition


def _check_draft_editable(standing: Standing, coalition: Coalition) -> None:
    if coalition.constitution_adopted_at is not None:
        raise Conflict(
            f"The constitution was adopted on {coalition.constitution_adopted_at:%d %B %Y}: propose an amendment "
            "to change it."
        )
    if not may_edit_draft(standing, coalition):
        raise NotAllowed("Only a coordinator can edit the draft constitution.")
    founding = _founding_open(coalition)
    if founding is not None:
        raise Conflict(
            f"The draft is being decided in “{founding.title}”. Withdraw that proposal to edit the draft, so "
            "everyone decides on the text they read."
        )


@atomic_action
def edit_draft_agreement(*, actor: Actor, agreement: Agreement, title: str, text: str) -> AgreementVersion:
    coalition = agreement.coalition
    standing = _standing(actor, coalition)
    _check_draft_editable(standing, coalition)
    version = current_version(agreement)
    title, text = _title(title), _text(text)
    if (version.title, version.text) == (title, text):
        return version
    version.title, version.text = title, text
    version.save(update_fields=["title", "text"])
    _audit(coalition, actor, standing, "agreement.drafted", f"edited the draft of {title}", agreement)
    return version


@atomic_action
def add_draft_agreement(
    *, actor: Actor, coalition: Coalition, title: str, text: str, category: str, members_confirm: bool = False
) -> Agreement:
    standing = _standing(actor, coalition)
    _check_draft_editable(standing, coalition)
    agreement = _new_agreement(coalition, _check_new_agreement(coalition, title, text, category, members_confirm))
    _audit(coalition, actor, standing, "agreement.drafted", f"added {title} to the draft constitution", agreement)
    return agreement


@atomic_action
def set_draft_terms(*, actor: Actor, coalition: Coalition, **terms: Any) -> Constitution:
    standing = _standing(actor, coalition)
    _check_draft_editable(standing, coalition)
    cleaned = _terms(terms)
    constitution = constitution_of(coalition, lock=True)
    changed = {name: value for name, value in cleaned.items() if getattr(constitution, name) != value}
    if changed:
        for name, value in changed.items():
            setattr(constitution, name, value)
        constitution.updated_at = timezone.now()
        constitution.save()
        _audit(coalition, actor, standing, "constitution.terms_drafted", "edited the draft terms", data=changed)
    return constitution


def constitution_markdown(coalition: Coalition) -> str:
    """The whole constitution as one text: what the founding decision asks every founding group to consent to."""
    constitution = constitution_of(coalition)
    parts = [f"# The constitution of {coalition.name}"]
    agreements = list(Agreement.objects.filter(coalition=coalition))
    latest = current_versions(agreements)
    for agreement in agreements:
        version = latest[agreement.pk]
        parts.append(f"## {version.title}\n\n{version.text}")
    rows = [
        f"- **{kind.name}**: {describe_rule(parse_rule(kind.rule))}"
        + (" Decided by the member groups it affects." if kind.scope == "affected_groups" else "")
        for kind in DecisionKind.objects.filter(coalition=coalition)
    ]
    parts.append("## How we decide\n\n" + "\n".join(rows))
    parts.append(
        "## Terms\n\n"
        f"- New members have an induction period of {constitution.induction_days} days before they count in "
        "decisions.\n"
        f"- An admission decision stays open {constitution.admission_days} days.\n"
        f"- Member groups re-confirm their red lines every {constitution.red_line_review_days} days.\n"
        "- A member asked to leave "
        + ("takes part" if constitution.concerned_member_takes_part else "does not take part")
        + " in that decision."
    )
    return "\n\n".join(parts)


# The guides: even the first rules are consented. Consensus of the founding member groups, no blocks allowed.
FOUNDING_RULE = {"method": "consensus", "unit": "groups"}


@atomic_action
def propose_founding(*, actor: Actor, coalition: Coalition, closes_at: datetime) -> Proposal:
    """Put the draft constitution to the founding member groups, to adopt by consensus."""
    coalition = Coalition.objects.select_for_update().get(pk=coalition.pk)  # one founding decision at a time
    standing = _standing(actor, coalition)
    if coalition.constitution_adopted_at is not None:
        raise Conflict(f"The constitution was already adopted, on {coalition.constitution_adopted_at:%d %B %Y}.")
    if not may_propose_founding(standing, coalition):
        raise NotAllowed("Only a coordinator can put the draft constitution to the founding decision.")
    if _founding_open(coalition) is not None:
        raise Conflict("The founding decision is already open.")
    if not coalition_queries.current_groups(coalition).exists():
        raise Conflict("Add the founding member groups first: the founding decision is theirs to make.")
    if not Agreement.objects.filter(coalition=coalition).exists():
        seed_draft(coalition)
    proposal = decision_actions.put_to_decision(
        actor=actor,
        standing=standing,
        coalition=coalition,
        kind=_kind_of(coalition, "amend_constitution"),
        title=f"Founding decision: adopt the constitution of {coalition.name}",
        text=constitution_markdown(coalition),
        closes_at=closes_at,
        effect="founding",
        rule=FOUNDING_RULE,
    )
    constitution = constitution_of(coalition, lock=True)
    constitution.founding_proposal = proposal
    constitution.save(update_fields=["founding_proposal"])
    return proposal


# --- amendments ------------------------------------------------------------------------------------------------------


def _check_new_agreement(
    coalition: Coalition, title: Any, text: Any, category: Any, members_confirm: Any
) -> dict[str, Any]:
    title, text = _title(title), _text(text)
    if category not in Agreement.Category.values:
        raise Invalid(
            "Choose what kind of agreement it is: "
            + ", ".join(label.lower() for label in Agreement.Category.labels)
            + ".",
            field="category",
        )
    key = slugify(title).replace("-", "_")[:60] or "agreement"
    if Agreement.objects.filter(coalition=coalition, key=key).exists():
        raise Invalid(f"There is already an agreement called {title!r}; amend it instead.", field="title")
    return {"key": key, "title": title, "text": text, "category": category, "members_confirm": bool(members_confirm)}


def _new_agreement(coalition: Coalition, change: dict[str, Any], *, proposal: Proposal | None = None) -> Agreement:
    position = (Agreement.objects.filter(coalition=coalition).aggregate(last=Max("position"))["last"] or 0) + 1
    agreement = Agreement.objects.create(
        coalition=coalition,
        key=change["key"],
        category=change["category"],
        position=position,
        members_confirm=change["members_confirm"],
    )
    AgreementVersion.objects.create(
        agreement=agreement,
        number=1,
        title=change["title"],
        text=change["text"],
        took_effect_at=timezone.now() if proposal is not None else None,
        adopted_by=proposal,
    )
    return agreement


def _check_kind_rule(key: str, rule: dict[str, Any], scope: str) -> None:
    if key in EFFECT_KINDS and scope != "coalition":
        # Their proposals name no affected groups: under that scope none could ever open again, not even the
        # amendment to undo it.
        raise Invalid(
            "Amending the constitution, admitting a member and asking a member to leave concern the whole "
            "coalition, so they are decided by the whole coalition.",
            field="change.scope",
        )
    if key in EFFECT_KINDS and rule.get("method") in OPTION_METHODS:
        raise Invalid(
            "This kind decides yes-or-no questions (a change, an admission, a request to leave), so its rule must "
            "use consent, a majority, a super-majority or fist-to-five, not a choice between options.",
            field="change.rule",
        )


def check_change(
    coalition: Coalition,
    target: str,
    change: Any,
    *,
    agreement: Agreement | None = None,
    decision_kind: DecisionKind | None = None,
    member_group: MemberGroup | None = None,
) -> tuple[dict[str, Any], str, int, str]:
    """The cleaned change, what it targets (for conflicts), the revision it builds on, and the change in words."""
    if not isinstance(change, dict):
        raise Invalid("Describe the change as an object with the new text, rule, terms or weight.", field="change")
    if target == Amendment.Target.AGREEMENT:
        if agreement is None or agreement.coalition_id != coalition.pk:
            raise Invalid("Choose one of this coalition's agreements.", field="agreement")
        version = current_version(agreement)
        cleaned = {
            "title": _title(change.get("title") or version.title, field="change.title"),
            "text": _text(change.get("text"), field="change.text", label="the new text"),
        }
        if (cleaned["title"], cleaned["text"]) == (version.title, version.text):
            raise Invalid("The new text is the same as the text in force; change something first.", field="change.text")
        words = f"# {cleaned['title']}, as amended\n\n{cleaned['text']}"
        return cleaned, f"agreement:{agreement.pk}", version.number, words
    if target == Amendment.Target.NEW_AGREEMENT:
        cleaned = _check_new_agreement(
            coalition, change.get("title"), change.get("text"), change.get("category"), change.get("members_confirm")
        )
        words = f"# New agreement: {cleaned['title']}\n\n{cleaned['text']}"
        return cleaned, f"new_agreement:{cleaned['key']}", 0, words
    if target in (Amendment.Target.DECISION_KIND, Amendment.Target.NEW_DECISION_KIND):
        existing = decision_kind if target == Amendment.Target.DECISION_KIND else None
        if target == Amendment.Target.DECISION_KIND and (
            decision_kind is None or decision_kind.coalition_id != coalition.pk
        ):
            raise Invalid("Choose one of this coalition's decision kinds.", field="decision_kind")
        try:
            checked = decision_actions.check_decision_kind(
                coalition,
                kind=existing,
                key=str(change.get("key") or ""),
                name=change.get("name") or (existing.name if existing else ""),
                description=change.get("description", existing.description if existing else ""),
                rule=change.get("rule", existing.rule if existing else None),
                scope=change.get("scope") or (existing.scope if existing else "coalition"),
            )
        except Invalid as error:
            field = error.field or ""
            raise Invalid(error.message, field=f"change.{field}" if field else "change") from error
        key = existing.key if existing else checked["key"]
        _check_kind_rule(key, checked["rule"], checked["scope"])
        cleaned = {name: checked[name] for name in ("name", "description", "rule", "scope")}
        scope_words = " Decided by the member groups it affects." if cleaned["scope"] == "affected_groups" else ""
        if existing is not None:
            before = {
                "name": existing.name,
                "description": existing.description,
                "rule": existing.rule,
                "scope": existing.scope,
            }
            if before == cleaned:
                raise Invalid("This is the rule in force already; change something first.", field="change.rule")
            words = (
                f"# {existing.name}\n\n**Now:** {describe_rule(parse_rule(existing.rule))}\n\n"
                f"**Proposed:** {describe_rule(checked['parsed'])}{scope_words}"
            )
            return cleaned, f"decision_kind:{existing.pk}", existing.revision, words
        cleaned["key"] = key
        words = f"# New decision kind: {cleaned['name']}\n\n{describe_rule(checked['parsed'])}{scope_words}"
        return cleaned, f"new_decision_kind:{key}", 0, words
    if target == Amendment.Target.TERMS:
        cleaned = _terms(change, prefix="change.")
        constitution = constitution_of(coalition)
        cleaned = {name: value for name, value in cleaned.items() if getattr(constitution, name) != value}
        if not cleaned:
            raise Invalid("These are the terms in force already; change one first.", field="change")
        words = "# Terms\n\n" + "\n".join(
            f"- {TERM_WORDS[name]}: {_shown(getattr(constitution, name))} → {_shown(value)}"
            for name, value in cleaned.items()
        )
        return cleaned, "terms", constitution.revision, words
    if target == Amendment.Target.AGREED_WEIGHT:
        if member_group is None or member_group.coalition_id != coalition.pk or not member_group.is_active:
            raise Invalid("Choose a current member group of this coalition.", field="member_group")
        try:
            weight = decision_actions.check_agreed_weight(change.get("weight"))
        except Invalid as error:
            raise Invalid(error.message, field="change.weight") from error
        words = f"# Agreed weight of {member_group.name}\n\n{weight or '1 (no agreed weight)'}"
        return {"weight": weight}, f"agreed_weight:{member_group.pk}", 0, words
    raise Invalid("Choose what the amendment changes: " + ", ".join(Amendment.Target.values) + ".", field="target")


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _amendment_text(explanation: str, words: str) -> str:
    return f"{explanation}\n\n{words}" if explanation else words


@atomic_action
def propose_amendment(
    *,
    actor: Actor,
    coalition: Coalition,
    target: str,
    change: Any,
    title: str,
    explanation: str = "",
    closes_at: datetime,
    agreement: Agreement | None = None,
    decision_kind: DecisionKind | None = None,
    member_group: MemberGroup | None = None,
) -> Amendment:
    """Any member proposes a change; it is decided under the "amend the constitution" rule in force now."""
    standing = _standing(actor, coalition)
    if standing.role < Role.MEMBER:
        raise NotAllowed("Only members of this coalition can propose an amendment.")
    if not may_propose_amendment(standing, coalition):
        raise Conflict(
            "The constitution is still a draft: its coordinators edit it until the founding decision adopts it."
        )
    cleaned, target_key, base, words = check_change(
        coalition, target, change, agreement=agreement, decision_kind=decision_kind, member_group=member_group
    )
    explanation = clean_text(explanation, field="explanation", label="why", max_length=4000, required=False)
    proposal = decision_actions.put_to_decision(
        actor=actor,
        standing=standing,
        coalition=coalition,
        kind=_kind_of(coalition, "amend_constitution"),
        title=_title(title),
        text=_amendment_text(explanation, words),
        closes_at=closes_at,
        effect="amendment",
    )
    return Amendment.objects.create(
        coalition=coalition,
        proposal=proposal,
        target=target,
        target_key=target_key,
        agreement=agreement if target == Amendment.Target.AGREEMENT else None,
        decision_kind=decision_kind if target == Amendment.Target.DECISION_KIND else None,
        member_group=member_group if target == Amendment.Target.AGREED_WEIGHT else None,
        base_revision=base,
        change=cleaned,
    )


def revision_now(amendment: Amendment) -> int:
    """The revision of what the amendment changes, now: version number, kind revision or terms revision (0 for
    what has no revisions: a new agreement or kind, a weight)."""
    if amendment.target == Amendment.Target.AGREEMENT and amendment.agreement is not None:
        return current_version(amendment.agreement).number
    if amendment.target == Amendment.Target.DECISION_KIND and amendment.decision_kind_id is not None:
        return DecisionKind.objects.get(pk=amendment.decision_kind_id).revision
    if amendment.target == Amendment.Target.TERMS:
        return constitution_of(amendment.coalition).revision
    return 0


def _changed_since(amendment: Amendment) -> bool:
    """Whether what the amendment changes has moved on from the revision it was drafted on."""
    if amendment.target == Amendment.Target.DECISION_KIND and amendment.decision_kind_id is None:
        return False
    return revision_now(amendment) != amendment.base_revision


@atomic_action
def rebase_amendment(
    *, actor: Actor, amendment: Amendment, change: Any, closes_at: datetime, explanation: str = ""
) -> Amendment:
    """Redraft a stale amendment on the text now in force; it goes to a new round, which everyone answers again."""
    amendment = (
        Amendment.objects.select_for_update(of=("self",))
        .select_related("proposal", "coalition", "agreement", "decision_kind", "member_group")
        .get(pk=amendment.pk)
    )
    coalition = amendment.coalition
    standing = _standing(actor, coalition)
    if not may_rebase(standing, amendment):
        raise NotAllowed("Only the person who proposed the amendment, or a coordinator, can rebase it.")
    if amendment.applied_at is not None:
        raise Conflict("This amendment has already taken effect.")
    if amendment.proposal.status not in (Status.OPEN, Status.NOT_APPLIED):
        raise Conflict(f"This amendment's proposal is {amendment.proposal.get_status_display().lower()}.")
    if not amendment.is_stale and not _changed_since(amendment):
        raise Conflict("This amendment is not stale: what it changes has not changed since it was proposed.")
    if amendment.decision_kind_id is None and amendment.target == Amendment.Target.DECISION_KIND:
        raise Conflict("The decision kind this amendment changed no longer exists.")
    cleaned, target_key, base, words = check_change(
        coalition,
        amendment.target,
        change,
        agreement=amendment.agreement,
        decision_kind=amendment.decision_kind,
        member_group=amendment.member_group,
    )
    explanation = clean_text(explanation, field="explanation", label="why", max_length=4000, required=False)
    decision_actions.put_new_text(
        actor=actor,
        standing=standing,
        proposal=amendment.proposal,
        text=_amendment_text(explanation, words),
        closes_at=closes_at,
        reason="rebased on the constitution now in force",
    )
    amendment.change, amendment.target_key, amendment.base_revision = cleaned, target_key, base
    amendment.stale_since, amendment.stale_because = None, ""
    amendment.save(update_fields=["change", "target_key", "base_revision", "stale_since", "stale_because"])
    return amendment


# --- joining, sign-on and leaving ---------------------------------------------------------------------------------


def versions_to_sign(coalition: Coalition) -> list[AgreementVersion]:
    """The versions in force of the agreements members sign on to (unity statement, principles, what it means to
    be in)."""
    agreements = list(Agreement.objects.filter(coalition=coalition, members_confirm=True))
    latest = current_versions(agreements)
    return [latest[agreement.pk] for agreement in agreements]


@atomic_action
def apply_to_join(
    *,
    actor: Actor,
    coalition: Coalition,
    kind: str,
    signs_on: bool,
    answers: Sequence[str] = (),
    group_name: str = "",
    group_description: str = "",
    group_size: Any = None,
    contact_email: str = "",
) -> Application:
    """Apply, signing on to the agreements in force; the coalition decides under its "admit a member" rule."""
    if not signs_on:
        raise Invalid(
            "To apply, sign on to the unity statement, the principles and what it means to be in, as every member has.",
            field="signs_on",
        )
    application = coalition_actions.submit_application(
        actor=actor,
        coalition=coalition,
        kind=kind,
        answers=answers,
        group_name=group_name,
        group_description=group_description,
        group_size=group_size,
        contact_email=contact_email,
    )
    constitution = constitution_of(coalition)
    subject = application.group_name if application.kind == Application.Kind.GROUP else application.applicant_name
    as_what = "a member group" if application.kind == Application.Kind.GROUP else "an individual member"
    answers_text = "\n".join(f"**{item['question']}**\n\n{item['answer']}\n" for item in application.answers)
    text = f"{subject} applies to join as {as_what}." + (
        f" It represents {application.group_size} people.\n\n{application.group_description}"
        if application.kind == Application.Kind.GROUP
        else ""
    )
    if answers_text:
        text += "\n\n# Answers to the membership questions\n\n" + answers_text
    try:
        proposal = decision_actions.put_to_decision(
            actor=actor,
            standing=None,
            coalition=coalition,
            kind=_kind_of(coalition, "admit_member"),
            title=f"Admit {subject}",
            text=text,
            closes_at=timezone.now() + timedelta(days=constitution.admission_days),
            effect="admission",
        )
    except Invalid as error:
        raise Conflict(f"{coalition.name} cannot decide on applications yet: {error.message}") from error
    admission = Admission.objects.create(application=application, proposal=proposal)
    admission.signed_versions.set(versions_to_sign(coalition))
    return application


@atomic_action
def withdraw_application(*, actor: Actor, application: Application) -> Application:
    # The decision's round first, then the application: the order closing takes them in, so the two never deadlock.
    admission = Admission.objects.filter(application=application).select_related("proposal").first()
    if admission is not None and application.applicant_id == getattr(actor, "pk", None):
        decision_actions.end_without_decision(
            proposal=admission.proposal, reason="The applicant withdrew the application."
        )
    return coalition_actions.withdraw_application(actor=actor, application=application)


def sign_for(
    coalition: Coalition,
    versions: Sequence[AgreementVersion],
    *,
    member_group: MemberGroup | None = None,
    person: Person | None = None,
    signed_by: Person | None,
    signed_by_name: str,
    on_behalf: bool = False,
) -> list[SignOn]:
    done = set(
        SignOn.objects.filter(version__in=versions, member_group=member_group, person=person).values_list(
            "version_id", flat=True
        )
    )
    return SignOn.objects.bulk_create(
        [
            SignOn(
                coalition=coalition,
                version=version,
                member_group=member_group,
                person=person,
                signed_by=signed_by,
                signed_by_name=signed_by_name,
                on_behalf=on_behalf,
            )
            for version in versions
            if version.pk not in done
        ]
    )


@atomic_action
def sign_on(
    *,
    actor: Actor,
    coalition: Coalition,
    member_group: MemberGroup | None = None,
    person: Person | None = None,
    on_behalf: bool = False,
) -> list[SignOn]:
    """Sign on (or re-confirm) the versions in force, for a member group you are delegate of, or for yourself as an
    individual member.

    With `on_behalf`, a coordinator records that a member group (through its delegate, at a meeting) or an
    individual member (`person`) confirmed them: for members who cannot sign on here themselves. The sign-ons
    name the coordinator who recorded them and are marked as recorded on the member's behalf."""
    standing = _standing(actor, coalition)
    if standing.role < Role.MEMBER or standing.person is None:
        raise NotAllowed("Only members of this coalition can sign on to its agreements.")
    if on_behalf and not may_record_sign_on(standing):
        raise NotAllowed("Only a coordinator can record that a member confirmed the agreements on their behalf.")
    if coalition.constitution_adopted_at is None:
        raise Conflict("The constitution is still a draft; sign on once the founding decision has adopted it.")
    if member_group is not None and person is not None:
        raise Invalid("Name one member: a member group or an individual member, not both.", field="member_group")
    if member_group is not None:
        if member_group.coalition_id != coalition.pk or not member_group.is_active:
            raise Invalid("Choose a current member group of this coalition.", field="member_group")
        if may_sign_for_group(standing, member_group):
            on_behalf = False  # a delegate who records their own group's confirmation signs for it
        elif not on_behalf:
            raise NotAllowed(f"Only a delegate of {member_group.name} can sign on for it.")
        who = member_group.name
    elif person is not None and person.pk != standing.person.pk:
        if person.coalition_id != coalition.pk or not person.is_active or not person.is_individual_member:
            raise Invalid(
                "Choose a current individual member of this coalition; someone who belongs through a member group "
                "confirms with their group.",
                field="person",
            )
        if not on_behalf:
            raise NotAllowed(
                f"Only {person.name} can sign on for themself; a coordinator can record, on their behalf, that they "
                "confirmed at a meeting."
            )
        who = person.name
    elif on_behalf and person is None:
        raise Invalid("Name the member who confirmed: a member group or an individual member.", field="member_group")
    else:
        if not standing.person.is_individual_member:
            raise Invalid(
                "You take part through your member group: its delegate signs on for it. Choose the group.",
                field="member_group",
            )
        person, who, on_behalf = standing.person, "themself", False
    versions = versions_to_sign(coalition)
    signed = sign_for(
        coalition,
        versions,
        member_group=member_group,
        person=person,
        signed_by=standing.person,
        signed_by_name=standing.person.name,
        on_behalf=on_behalf,
    )
    if signed:
        names = ", ".join(f"{s.version.title} (version {s.version.number})" for s in signed)
        _audit(
            coalition,
            actor,
            standing,
            "agreement.signed_on",
            f"recorded that {who} confirmed {names} (on their behalf)"
            if on_behalf
            else f"signed on for {who} to {names}",
            member_group or person,
            data={"versions": [s.version_id for s in signed], "on_behalf": on_behalf},
        )
    return signed


@atomic_action
def ask_member_to_leave(
    *,
    actor: Actor,
    coalition: Coalition,
    rests_on: Agreement,
    title: str,
    text: str,
    closes_at: datetime,
    member_group: MemberGroup | None = None,
    person: Person | None = None,
) -> RemovalRequest:
    """Ask the coalition to decide that a member leave, naming the agreement the request rests on."""
    standing = _standing(actor, coalition)
    if not may_ask_member_to_leave(standing):
        raise NotAllowed("Only members of this coalition can ask for a member to leave.")
    if (member_group is None) == (person is None):
        raise Invalid("Name one member: a member group or an individual member.", field="member_group")
    if member_group is not None and (member_group.coalition_id != coalition.pk or not member_group.is_active):
        raise Invalid("Choose a current member group of this coalition.", field="member_group")
    if person is not None and (
        person.coalition_id != coalition.pk or not person.is_active or not person.is_individual_member
    ):
        raise Invalid(
            "Choose a current individual member; someone who belongs through a member group leaves with it, or by "
            "their group's own process.",
            field="person",
        )
    if rests_on is None or rests_on.coalition_id != coalition.pk:
        raise Invalid("Name the agreement the request rests on: one of this coalition's agreements.", field="rests_on")
    if coalition.constitution_adopted_at is None:
        raise Conflict("The constitution is still a draft: a request to leave must rest on adopted agreements.")
    version = current_version(rests_on)
    constitution = constitution_of(coalition)
    excluded: list[str] = []
    if not constitution.concerned_member_takes_part:
        if member_group is not None:
            excluded = [f"g{member_group.pk}"] + [
                f"p{pk}" for pk in Person.objects.in_group(member_group).values_list("pk", flat=True)
            ]
        else:
            excluded = [f"p{person.pk}"]  # type: ignore[union-attr]
    subject = member_group.name if member_group is not None else person.name  # type: ignore[union-attr]
    body = _text(text, label="what happened and why the agreement is at stake")
    proposal = decision_actions.put_to_decision(
        actor=actor,
        standing=standing,
        coalition=coalition,
        kind=_kind_of(coalition, "ask_member_to_leave"),
        title=_title(title),
        text=f"{body}\n\n# The agreement this rests on: {version.title} (version {version.number})\n\n{version.text}",
        closes_at=closes_at,
        effect="removal",
        excluded_units=excluded,
    )
    request = RemovalRequest.objects.create(
        coalition=coalition,
        proposal=proposal,
        member_group=member_group,
        person=person,
        rests_on=version,
        concerned_takes_part=constitution.concerned_member_takes_part,
    )
    _audit(
        coalition,
        actor,
        standing,
        "member.asked_to_leave",
        f"asked the coalition to decide whether {subject} should leave, resting on {version.title}",
        proposal,
    )
    return request


# --- red lines -----------------------------------------------------------------------------------------------------


def _group_for_red_lines(standing: Standing, member_group: MemberGroup) -> None:
    if not member_group.is_active:
        raise Conflict(f"{member_group.name} has left the coalition.")
    if not may_keep_red_lines(standing, member_group):
        raise NotAllowed(f"Only a delegate of {member_group.name} can state or change its red lines.")


def _schedule_red_line_reminder(red_line: RedLine) -> None:
    transaction.on_commit(lambda: tasks.schedule_red_line_reminder(red_line.pk))


@atomic_action
def state_red_line(*, actor: Actor, member_group: MemberGroup, text: str) -> RedLine:
    coalition = member_group.coalition
    standing = _standing(actor, coalition)
    _group_for_red_lines(standing, member_group)
    text = clean_text(text, field="text", label="the red line", max_length=RED_LINE_MAX)
    red_line = RedLine.objects.create(
        coalition=coalition, member_group=member_group, text=text, confirmed_by_name=_signer_name(standing, actor)
    )
    _audit(
        coalition, actor, standing, "red_line.stated", f"stated a red line for {member_group.name}: “{text}”", red_line
    )
    _schedule_red_line_reminder(red_line)
    return red_line


def _own_red_line(actor: Actor, red_line: RedLine) -> tuple[RedLine, Standing]:
    red_line = (
        RedLine.objects.select_for_update(of=("self",)).select_related("member_group", "coalition").get(pk=red_line.pk)
    )
    standing = _standing(actor, red_line.coalition)
    _group_for_red_lines(standing, red_line.member_group)
    if not red_line.is_active:
        raise Conflict("This red line was withdrawn.")
    return red_line, standing


@atomic_action
def change_red_line(*, actor: Actor, red_line: RedLine, text: str) -> RedLine:
    red_line, standing = _own_red_line(actor, red_line)
    text = clean_text(text, field="text", label="the red line", max_length=RED_LINE_MAX)
    before = red_line.text
    red_line.text, red_line.confirmed_at = text, timezone.now()
    red_line.confirmed_by_name, red_line.reminded_at = _signer_name(standing, actor), None
    red_line.save(update_fields=["text", "confirmed_at", "confirmed_by_name", "reminded_at"])
    _audit(
        red_line.coalition,
        actor,
        standing,
        "red_line.changed",
        f"changed a red line of {red_line.member_group.name} to “{text}”",
        red_line,
        data={"before": before},
    )
    _schedule_red_line_reminder(red_line)
    return red_line


@atomic_action
def confirm_red_lines(*, actor: Actor, member_group: MemberGroup) -> int:
    """The group's delegate confirms that all its red lines still stand; returns how many."""
    coalition = member_group.coalition
    standing = _standing(actor, coalition)
    _group_for_red_lines(standing, member_group)
    lines = list(RedLine.objects.select_for_update().filter(member_group=member_group, withdrawn_at__isnull=True))
    if not lines:
        raise Conflict(f"{member_group.name} has no red lines to confirm; state one first.")
    now, name = timezone.now(), _signer_name(standing, actor)
    RedLine.objects.filter(pk__in=[line.pk for line in lines]).update(
        confirmed_at=now, confirmed_by_name=name, reminded_at=None
    )
    _audit(
        coalition,
        actor,
        standing,
        "red_line.confirmed",
        f"confirmed that {member_group.name}'s {len(lines)} red line{'s' if len(lines) != 1 else ''} still stand",
        member_group,
    )
    for line in lines:
        _schedule_red_line_reminder(line)
    return len(lines)


@atomic_action
def withdraw_red_line(*, actor: Actor, red_line: RedLine) -> RedLine:
    red_line, standing = _own_red_line(actor, red_line)
    red_line.withdrawn_at = timezone.now()
    red_line.save(update_fields=["withdrawn_at"])
    _audit(
        red_line.coalition,
        actor,
        standing,
        "red_line.withdrawn",
        f"withdrew a red line of {red_line.member_group.name}: “{red_line.text}”",
        red_line,
    )
    return red_line


@atomic_action
def flag_red_line(*, actor: Actor, proposal: Proposal, red_line: RedLine, note: str = "") -> RedLineFlag:
    """Warn that a proposal touches a member group's red line; the group's delegates are told."""
    coalition = proposal.coalition
    standing = _standing(actor, coalition)
    if not may_flag_red_line(standing):
        raise NotAllowed("Only members of this coalition can flag a proposal.")
    if red_line is None or red_line.coalition_id != coalition.pk or not red_line.is_active:
        raise Invalid("Choose a red line that a member group of this coalition holds now.", field="red_line")
    if proposal.status != Status.OPEN:
        raise Conflict(f"This proposal is {proposal.get_status_display().lower()}; flag proposals still open.")
    note = clean_text(note, field="note", label="a note", max_length=NOTE_MAX, required=False)
    if RedLineFlag.objects.filter(proposal=proposal, red_line=red_line, withdrawn_at__isnull=True).exists():
        raise Conflict("This proposal is already flagged as touching that red line.")
    flag = RedLineFlag.objects.create(
        proposal=proposal,
        red_line=red_line,
        flagged_by=standing.person,
        flagged_by_name=_signer_name(standing, actor),
        note=note,
    )
    _audit(
        coalition,
        actor,
        standing,
        "red_line.flagged",
        f"flagged “{proposal.title}” as touching a red line of {red_line.member_group.name}",
        proposal,
        data={"red_line": red_line.pk, "note": note},
    )
    transaction.on_commit(lambda: tasks.tell_group_of_flag.enqueue(flag.pk))
    return flag


@atomic_action
def withdraw_red_line_flag(*, actor: Actor, flag: RedLineFlag) -> RedLineFlag:
    flag = (
        RedLineFlag.objects.select_for_update(of=("self",))
        .select_related("proposal", "proposal__coalition", "red_line", "red_line__member_group")
        .get(pk=flag.pk)
    )
    coalition = flag.proposal.coalition
    standing = _standing(actor, coalition)
    if not may_withdraw_flag(standing, flag):
        raise NotAllowed(
            "Only the person who flagged it, a delegate of the group whose red line it is, or a coordinator can "
            "withdraw this flag."
        )
    if flag.withdrawn_at is not None:
        raise Conflict("This flag was already withdrawn.")
    flag.withdrawn_at = timezone.now()
    flag.save(update_fields=["withdrawn_at"])
    _audit(
        coalition,
        actor,
        standing,
        "red_line.flag_withdrawn",
        f"withdrew the red-line flag on “{flag.proposal.title}”",
        flag.proposal,
    )
    return flag


def mark_red_line_reminded(red_line_id: int, *, now: datetime | None = None) -> RedLine | None:
    """The red line, marked reminded, if it is due for re-confirmation and not yet reminded; else None."""
    now = now or timezone.now()
    with transaction.atomic():
        red_line = (
            RedLine.objects.select_for_update(of=("self",))
            .select_related("member_group", "coalition", "coalition__constitution")
            .filter(pk=red_line_id, withdrawn_at__isnull=True, reminded_at__isnull=True)
            .first()
        )
        if red_line is None or not red_line.member_group.is_active:
            return None
        due = red_line.confirmed_at + timedelta(days=constitution_of(red_line.coalition).red_line_review_days)
        if now < due - tasks.REMIND_BEFORE:
            return None
        red_line.reminded_at = now
        red_line.save(update_fields=["reminded_at"])
        return red_line
