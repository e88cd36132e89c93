"""Every read of the constitution that leaves this app, scoped to what the actor may see.

Members see the whole constitution, its history, amendments, who has signed on and every group's red lines;
anyone (signed in or not) sees what a joining page shows: the purpose, the unity statement and the membership
criteria.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from accord.coalitions import queries as coalition_queries
from accord.coalitions.models import Application, Coalition, MemberGroup, Person
from accord.coalitions.permissions import Actor, Role, Standing
from accord.decisions.models import AgreedWeight, DecisionKind, Proposal, Status
from accord.errors import NotAllowed, NotFound, NotSignedIn
from accord.governance import Unit, parse_rule
from accord.governance.dependence import Dependence, majority_dependence, quorum_dependence, sole_holders
from accord.governance.numbers import parse_fraction
from accord.ids import existing_id

from .actions import constitution_of, current_versions
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
from .permissions import may_record_sign_on, may_view_constitution

PUBLIC_KEYS = ("unity_statement", "purpose", "membership_criteria", "membership_expectations")


def _member_standing(actor: Actor, coalition: Coalition) -> Standing:
    standing = coalition_queries.standing(actor, coalition)
    if may_view_constitution(standing):
        return standing
    if not getattr(actor, "is_authenticated", False):
        raise NotSignedIn("Sign in to see this coalition's constitution.")
    raise NotAllowed("Only members of this coalition can see its whole constitution.")


_id = existing_id


# --- agreements and versions ------------------------------------------------------------------------------------


@dataclass
class AgreementRow:
    agreement: Agreement
    version: AgreementVersion  # the version in force (or the draft)
    open_amendments: int = 0


def agreement_rows(coalition: Coalition, *, only: tuple[str, ...] | None = None) -> list[AgreementRow]:
    agreements = list(Agreement.objects.filter(coalition=coalition))
    if only is not None:
        agreements = [agreement for agreement in agreements if agreement.key in only]
    latest = current_versions(agreements)
    open_counts = dict(
        Amendment.objects.filter(coalition=coalition, agreement__in=agreements, proposal__status=Status.OPEN)
        .values_list("agreement_id")
        .annotate(count=Count("id"))
        .values_list("agreement_id", "count")
    )
    return [
        AgreementRow(agreement, latest[agreement.pk], open_counts.get(agreement.pk, 0))
        for agreement in agreements
        if agreement.pk in latest
    ]


def agreements(actor: Actor, coalition: Coalition) -> list[AgreementRow]:
    _member_standing(actor, coalition)
    return agreement_rows(coalition)


def agreement(actor: Actor, coalition: Coalition, agreement_id: Any) -> Agreement:
    _member_standing(actor, coalition)
    found = Agreement.objects.filter(coalition=coalition, pk=_id(agreement_id)).first()
    if found is None:
        raise NotFound("There is no such agreement in this coalition.")
    return found


def versions(actor: Actor, found: Agreement) -> list[AgreementVersion]:
    _member_standing(actor, found.coalition)
    return list(AgreementVersion.objects.filter(agreement=found).select_related("adopted_by").order_by("-number"))


def version(actor: Actor, found: Agreement, number: Any) -> AgreementVersion:
    _member_standing(actor, found.coalition)
    row = AgreementVersion.objects.filter(agreement=found, number=_id(number)).select_related("adopted_by").first()
    if row is None:
        raise NotFound(f"{found.key} has no version {number}.")
    return row


@dataclass
class ComparedLine:
    left: str
    right: str
    change: str  # same | changed | added | removed


def compare_texts(left: str, right: str) -> list[ComparedLine]:
    """The two texts side by side, line against line, saying what changed."""
    a, b = left.splitlines(), right.splitlines()
    rows: list[ComparedLine] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows.extend(ComparedLine(line, line, "same") for line in a[i1:i2])
        elif tag == "delete":
            rows.extend(ComparedLine(line, "", "removed") for line in a[i1:i2])
        elif tag == "insert":
            rows.extend(ComparedLine("", line, "added") for line in b[j1:j2])
        else:
            old, new = a[i1:i2], b[j1:j2]
            for index in range(max(len(old), len(new))):
                rows.append(
                    ComparedLine(
                        old[index] if index < len(old) else "",
                        new[index] if index < len(new) else "",
                        "changed"
                        if index < len(old) and index < len(new)
                        else ("removed" if index < len(old) else "added"),
                    )
                )
    return rows


def compare(
    actor: Actor, found: Agreement, first: Any, second: Any
) -> tuple[AgreementVersion, AgreementVersion, list[ComparedLine]]:
    left, right = version(actor, found, first), version(actor, found, second)
    title_row = [] if left.title == right.title else [ComparedLine(left.title, right.title, "changed")]
    return left, right, title_row + compare_texts(left.text, right.text)


# --- the constitution as a whole -------------------------------------------------------------------------------


@dataclass
class ConstitutionView:
    coalition: Coalition
    terms: Constitution
    agreements: list[AgreementRow]
    kinds: list[DecisionKind]
    weights: dict[int, str]
    open_amendments: list[Amendment]
    founding: Proposal | None
    dependence: list[Dependence] = field(default_factory=list)

    @property
    def adopted(self) -> bool:
        return self.coalition.constitution_adopted_at is not None


def constitution(actor: Actor, coalition: Coalition) -> ConstitutionView:
    _member_standing(actor, coalition)
    terms = constitution_of(coalition)
    founding = Proposal.objects.filter(pk=terms.founding_proposal_id).first() if terms.founding_proposal_id else None
    return ConstitutionView(
        coalition=coalition,
        terms=terms,
        agreements=agreement_rows(coalition),
        kinds=list(DecisionKind.objects.filter(coalition=coalition).order_by("position", "name")),
        weights=dict(AgreedWeight.objects.filter(coalition=coalition).values_list("member_group_id", "weight")),
        open_amendments=list(open_amendments(coalition)),
        founding=founding,
        dependence=dependence_of(coalition),
    )


def open_amendments(coalition: Coalition) -> QuerySet[Amendment]:
    return (
        Amendment.objects.filter(coalition=coalition, proposal__status__in=[Status.OPEN, Status.NOT_APPLIED])
        .filter(applied_at__isnull=True)
        .select_related("proposal", "proposal__author", "agreement", "decision_kind", "member_group")
        .order_by("-proposal__created_at", "-id")
    )


def amendments(actor: Actor, coalition: Coalition, *, status: str = "") -> QuerySet[Amendment]:
    """Every amendment, newest first; `status` narrows to one proposal status (open, passed, ...)."""
    _member_standing(actor, coalition)
    rows = Amendment.objects.filter(coalition=coalition).select_related(
        "proposal", "agreement", "decision_kind", "member_group", "adopted_version"
    )
    if status:
        rows = rows.filter(proposal__status=status)
    return rows.order_by("-proposal__created_at", "-id")


def amendment(actor: Actor, coalition: Coalition, amendment_id: Any) -> Amendment:
    _member_standing(actor, coalition)
    found = (
        Amendment.objects.filter(coalition=coalition, pk=_id(amendment_id))
        .select_related("proposal", "agreement", "decision_kind", "member_group", "adopted_version")
        .first()
    )
    if found is None:
        raise NotFound("There is no such amendment in this coalition.")
    return found


def conflicting_amendments(found: Amendment) -> list[Amendment]:
    """Other open amendments that change the same thing: whichever passes first makes the others stale."""
    return list(
        Amendment.objects.filter(
            coalition=found.coalition_id,
            target_key=found.target_key,
            applied_at__isnull=True,
            proposal__status__in=[Status.OPEN, Status.NOT_APPLIED],
        )
        .exclude(pk=found.pk)
        .select_related("proposal")
    )


@dataclass
class ProposalConstitution:
    """What the constitution adds to a proposal's page: the change it carries, and red-line flags."""

    amendment: Amendment | None = None
    admission: Admission | None = None
    removal: RemovalRequest | None = None
    flags: list[RedLineFlag] = field(default_factory=list)
    conflicts: list[Amendment] = field(default_factory=list)


def for_proposal(actor: Actor, proposal: Proposal) -> ProposalConstitution:
    _member_standing(actor, proposal.coalition)
    view = ProposalConstitution(flags=red_line_flags(actor, proposal))
    if proposal.effect == "amendment":
        view.amendment = (
            Amendment.objects.filter(proposal=proposal)
            .select_related("agreement", "decision_kind", "member_group", "adopted_version")
            .first()
        )
        if view.amendment is not None and view.amendment.applied_at is None:
            view.conflicts = conflicting_amendments(view.amendment)
    elif proposal.effect == "admission":
        view.admission = Admission.objects.filter(proposal=proposal).select_related("application").first()
    elif proposal.effect == "removal":
        view.removal = (
            RemovalRequest.objects.filter(proposal=proposal)
            .select_related("member_group", "person", "rests_on", "rests_on__agreement")
            .first()
        )
    return view


# --- dependence -----------------------------------------------------------------------------------------------------


def dependence_of(coalition: Coalition) -> list[Dependence]:
    """Where the coalition depends on one member, under the rules it agreed (guides, 2.6)."""
    groups = list(coalition_queries.current_groups(coalition).values_list("pk", "name", "size"))
    people = list(coalition_queries.current_people(coalition).values_list("pk", "name"))
    individuals = list(coalition_queries.individual_members(coalition).values_list("pk", "name"))
    weights = dict(AgreedWeight.objects.filter(coalition=coalition).values_list("member_group_id", "weight"))
    labels = {f"g{pk}": name for pk, name, _size in groups} | {f"p{pk}": name for pk, name in people}
    units_by = {
        "people": [Unit(f"p{pk}", 1, Fraction(1)) for pk, _name in people],
        "groups": [
            Unit(f"g{pk}", size, parse_fraction(weights.get(pk, "1"), path="weight", what="weight"))
            for pk, _name, size in groups
        ],
    }
    units_by["groups_and_individuals"] = units_by["groups"] + [
        Unit(f"p{pk}", 1, Fraction(1)) for pk, _name in individuals
    ]
    found: list[Dependence] = []
    coordinators = list(
        coalition_queries.current_people(coalition).filter(is_coordinator=True).values_list("name", flat=True)
    )
    found += sole_holders("coordinator", coordinators)
    seen: set[str] = set()
    for kind in DecisionKind.objects.filter(coalition=coalition).order_by("position", "name"):
        rule = parse_rule(kind.rule)
        if kind.scope == "affected_groups":
            continue  # decided by whichever groups a proposal affects: no fixed set to depend on
        units = units_by[rule.unit]
        for warning in quorum_dependence(kind.name, rule, units, labels) + majority_dependence(
            kind.name, rule, units, labels
        ):
            if warning.message not in seen:
                seen.add(warning.message)
                found.append(warning)
    return found


def dependence(actor: Actor, coalition: Coalition) -> list[Dependence]:
    _member_standing(actor, coalition)
    return dependence_of(coalition)


# --- joining, induction and sign-on -------------------------------------------------------------------------------


@dataclass
class JoiningView:
    coalition: Coalition
    agreements: list[AgreementRow]
    adopted: bool
    questions: list[str]


def joining(actor: Actor, coalition: Coalition) -> JoiningView:
    """What anyone may read before applying: the unity statement, purpose, criteria and expectations."""
    coalition_queries.require_ability(actor, coalition, "view_coalition")
    return JoiningView(
        coalition=coalition,
        agreements=agreement_rows(coalition, only=PUBLIC_KEYS),
        adopted=coalition.constitution_adopted_at is not None,
        questions=coalition.question_list,
    )


def admission_of(actor: Actor, application: Application) -> Admission | None:
    """The decision on an application: for the applicant and the coalition's members."""
    standing = coalition_queries.standing(actor, application.coalition)
    if standing.role < Role.MEMBER and application.applicant_id != getattr(actor, "pk", None):
        raise NotAllowed("Only the applicant and the coalition's members can see this decision.")
    return Admission.objects.filter(application=application).select_related("proposal").first()


@dataclass
class InductionView:
    coalition: Coalition
    person: Person | None
    counts_from: datetime | None
    terms: Constitution
    agreements: list[AgreementRow]
    kinds: list[DecisionKind]
    coordinators: list[Person]
    delegates: list[tuple[MemberGroup, list[Person]]]
    expectations: AgreementRow | None
    to_sign: list[SignOnStatus]


def induction(actor: Actor, coalition: Coalition) -> InductionView:
    """The new member's induction pack, generated from the constitution in force."""
    standing = _member_standing(actor, coalition)
    person = standing.person
    counts_from = person.counts_from if person is not None else None
    if person is not None:
        group_counts = (
            MemberGroup.objects.filter(pk__in=standing.member_of, counts_from__isnull=False)
            .order_by("-counts_from")
            .values_list("counts_from", flat=True)
            .first()
        )
        if group_counts and (counts_from is None or group_counts > counts_from):
            counts_from = group_counts
    if counts_from is not None and counts_from <= timezone.now():
        counts_from = None
    groups = list(coalition_queries.current_groups(coalition))
    delegates: dict[int, list[Person]] = {group.pk: [] for group in groups}
    for person_row in coalition_queries.delegates_of(delegates).prefetch_related(
        Prefetch("affiliations", to_attr="current_affiliations")
    ):
        for affiliation in person_row.current_affiliations:
            if affiliation.is_delegate and affiliation.ended_at is None and affiliation.member_group_id in delegates:
                delegates[affiliation.member_group_id].append(person_row)
    rows = agreement_rows(coalition)
    return InductionView(
        coalition=coalition,
        person=person,
        counts_from=counts_from,
        terms=constitution_of(coalition),
        agreements=rows,
        kinds=list(DecisionKind.objects.filter(coalition=coalition).order_by("position", "name")),
        coordinators=list(coalition_queries.current_people(coalition).filter(is_coordinator=True)),
        delegates=[(group, delegates[group.pk]) for group in groups],
        expectations=next((row for row in rows if row.agreement.key == "membership_expectations"), None),
        to_sign=[row for row in sign_on_status(actor, coalition) if row.may_sign and row.missing],
    )


@dataclass
class SignOnStatus:
    """One member (a group, or an individual member), the versions in force it has not signed yet, and its latest
    sign-on to a version in force: who signed it, or which coordinator recorded it on the member's behalf."""

    label: str
    member_group: MemberGroup | None
    person: Person | None
    missing: list[AgreementVersion]
    may_sign: bool = False
    may_record: bool = False
    last_signed_at: datetime | None = None
    last_signed_by_name: str = ""
    last_on_behalf: bool = False

    @property
    def key(self) -> str:
        return f"g{self.member_group.pk}" if self.member_group is not None else f"p{self.person.pk}"  # type: ignore[union-attr]


def sign_on_status(actor: Actor, coalition: Coalition) -> list[SignOnStatus]:
    """Every current member and what it has not (re-)confirmed: the same rules for everyone. Three queries.

    `may_sign`: the viewer signs for it (its delegate, or the individual member themself); `may_record`: the viewer,
    a coordinator, may record on its behalf that it confirmed (when they do not sign for it themselves)."""
    standing = _member_standing(actor, coalition)
    rows = [row for row in agreement_rows(coalition) if row.agreement.members_confirm]
    current = [row.version for row in rows]
    if coalition.constitution_adopted_at is None:
        current = []
    signed: set[tuple[str, int]] = set()
    latest: dict[str, tuple[datetime, str, bool]] = {}
    for group_id, person_id, version_id, signed_at, signed_by_name, on_behalf in SignOn.objects.filter(
        version__in=current
    ).values_list("member_group_id", "person_id", "version_id", "signed_at", "signed_by_name", "on_behalf"):
        key = f"g{group_id}" if group_id else f"p{person_id}"
        signed.add((key, version_id))
        if key not in latest or signed_at > latest[key][0]:
            latest[key] = (signed_at, signed_by_name, on_behalf)
    records = may_record_sign_on(standing) and bool(current)
    result = []
    for group in coalition_queries.current_groups(coalition):
        key = f"g{group.pk}"
        may_sign = group.pk in standing.delegate_of
        result.append(
            SignOnStatus(
                group.name,
                group,
                None,
                [v for v in current if (key, v.pk) not in signed],
                may_sign=may_sign,
                may_record=records and not may_sign,
                **_latest(latest.get(key)),
            )
        )
    for person in coalition_queries.individual_members(coalition):
        key = f"p{person.pk}"
        may_sign = standing.person is not None and standing.person.pk == person.pk
        result.append(
            SignOnStatus(
                person.name,
                None,
                person,
                [v for v in current if (key, v.pk) not in signed],
                may_sign=may_sign,
                may_record=records and not may_sign,
                **_latest(latest.get(key)),
            )
        )
    return result


def _latest(found: tuple[datetime, str, bool] | None) -> dict[str, Any]:
    if found is None:
        return {}
    return {"last_signed_at": found[0], "last_signed_by_name": found[1], "last_on_behalf": found[2]}


# --- red lines ----------------------------------------------------------------------------------------------------


@dataclass
class RedLineRow:
    red_line: RedLine
    due_at: datetime
    overdue: bool
    may_keep: bool


def red_lines(actor: Actor, coalition: Coalition, *, member_group: MemberGroup | None = None) -> list[RedLineRow]:
    standing = _member_standing(actor, coalition)
    every = timedelta(days=constitution_of(coalition).red_line_review_days)
    now = timezone.now()
    rows = RedLine.objects.filter(
        coalition=coalition, withdrawn_at__isnull=True, member_group__left_at__isnull=True
    ).select_related("member_group")
    if member_group is not None:
        rows = rows.filter(member_group=member_group)
    return [
        RedLineRow(
            line,
            line.confirmed_at + every,
            line.confirmed_at + every <= now,
            line.member_group_id in standing.delegate_of,
        )
        for line in rows.order_by("member_group__name", "stated_at", "id")
    ]


def red_line(actor: Actor, coalition: Coalition, red_line_id: Any) -> RedLine:
    _member_standing(actor, coalition)
    found = RedLine.objects.filter(coalition=coalition, pk=_id(red_line_id)).select_related("member_group").first()
    if found is None:
        raise NotFound("There is no such red line in this coalition.")
    return found


def red_line_flags(actor: Actor, proposal: Proposal) -> list[RedLineFlag]:
    _member_standing(actor, proposal.coalition)
    return list(
        RedLineFlag.objects.filter(proposal=proposal, withdrawn_at__isnull=True)
        .select_related("red_line", "red_line__member_group")
        .order_by("created_at", "id")
    )


def red_line_flag(actor: Actor, proposal: Proposal, flag_id: Any) -> RedLineFlag:
    _member_standing(actor, proposal.coalition)
    found = (
        RedLineFlag.objects.filter(proposal=proposal, pk=_id(flag_id))
        .select_related("red_line", "red_line__member_group")
        .first()
    )
    if found is None:
        raise NotFound("There is no such flag on this proposal.")
    return found
