"""What a passed founding decision, amendment, admission or request to leave does, run by decisions when the
proposal closes (registered in AgreementsConfig.ready), in the transaction that records the outcome."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accord.coalitions import actions as coalition_actions
from accord.coalitions.models import Application, MemberGroup
from accord.decisions import actions as decision_actions
from accord.decisions.actions import Effect
from accord.decisions.models import FAILED, DecisionKind, Proposal, Round, Stance, Status

from . import tasks
from .actions import _new_agreement, constitution_of, current_version, revision_now, sign_for, versions_to_sign
from .models import Admission, Agreement, AgreementVersion, Amendment, RemovalRequest, SignOn


def _because(proposal: Proposal) -> str:
    return f"decided in “{proposal.title}”"


def _audit(proposal: Proposal, verb: str, summary: str, target: object = None, data: dict | None = None) -> None:
    coalition_actions.record_audit_event(
        coalition=proposal.coalition,
        actor=None,
        standing=None,
        verb=verb,
        summary=summary,
        target=target,
        data=data,
        actor_name="Accord",
    )


# --- the founding decision ----------------------------------------------------------------------------------------


def _founding_blocker(proposal: Proposal) -> str:
    proposal.coalition.refresh_from_db(fields=["constitution_adopted_at"])
    if proposal.coalition.constitution_adopted_at is not None:
        return "The constitution had already been adopted."
    return ""


def _found(proposal: Proposal, round_: Round) -> None:
    coalition = coalition_actions.mark_constitution_adopted(coalition=proposal.coalition)
    now = coalition.constitution_adopted_at
    AgreementVersion.objects.filter(agreement__coalition=coalition, took_effect_at__isnull=True).update(
        took_effect_at=now, adopted_by=proposal
    )
    # The founding groups that agreed have signed on by agreeing; the others sign on for themselves. One insert:
    # nothing is signed yet, as the versions only now took effect.
    versions = versions_to_sign(coalition)
    agreed = Stance.objects.filter(round=round_, is_current=True, position="agree", unit__member_group__isnull=False)
    SignOn.objects.bulk_create(
        [
            SignOn(
                coalition=coalition,
                version=version,
                member_group_id=group_id,
                signed_by_name="the founding decision",
            )
            for group_id in agreed.values_list("unit__member_group_id", flat=True)
            for version in versions
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    _audit(proposal, "constitution.adopted", f"the constitution took effect, {_because(proposal)}", proposal)


def _founding_failed(proposal: Proposal, round_: Round) -> None:
    """Nothing to undo: the constitution stays a draft. Registering this makes the failure final, so the founders
    edit the draft and propose the founding decision again, on the text everyone will then read, rather than
    re-running a round whose text may no longer match the draft."""


# --- amendments ---------------------------------------------------------------------------------------------------


def _amendment(proposal: Proposal) -> Amendment:
    return Amendment.objects.select_related("agreement", "decision_kind", "member_group").get(proposal=proposal)


def _amendment_blocker(proposal: Proposal) -> str:
    amendment = _amendment(proposal)
    if (
        amendment.target == Amendment.Target.NEW_AGREEMENT
        and Agreement.objects.filter(coalition=amendment.coalition_id, key=amendment.change.get("key")).exists()
    ):
        return "An agreement with this title was added after this amendment was proposed; amend that one instead."
    if (
        amendment.target == Amendment.Target.NEW_DECISION_KIND
        and DecisionKind.objects.filter(coalition=amendment.coalition_id, key=amendment.change.get("key")).exists()
    ):
        return "A decision kind with this key was added after this amendment was proposed; amend that one instead."
    if amendment.target == Amendment.Target.DECISION_KIND and amendment.decision_kind_id is None:
        return "The decision kind it changed no longer exists."
    if amendment.is_stale or revision_now(amendment) != amendment.base_revision:
        return (
            "What it changes was changed by another amendment after this one was drafted"
            + (f" ({amendment.stale_because})" if amendment.stale_because else "")
            + ". Rebase it on the text now in force, and it goes to a new round."
        )
    return ""


def _amend(proposal: Proposal, round_: Round) -> None:
    amendment = _amendment(proposal)
    coalition, change, now = proposal.coalition, amendment.change, timezone.now()
    because = _because(proposal)
    if amendment.target == Amendment.Target.AGREEMENT:
        agreement: Agreement = amendment.agreement  # type: ignore[assignment]  # set for this target
        previous = current_version(agreement)
        version = AgreementVersion.objects.create(
            agreement=agreement,
            number=previous.number + 1,
            title=change["title"],
            text=change["text"],
            took_effect_at=now,
            adopted_by=proposal,
        )
        amendment.adopted_version = version
        _audit(
            proposal,
            "agreement.amended",
            f"{version.title} took effect as version {version.number}, {because}",
            agreement,
            {"version": version.number},
        )
        if agreement.members_confirm:
            transaction.on_commit(lambda: tasks.ask_to_reconfirm.enqueue(version.pk))
    elif amendment.target == Amendment.Target.NEW_AGREEMENT:
        agreement = _new_agreement(coalition, change, proposal=proposal)
        amendment.adopted_version = current_version(agreement)
        _audit(proposal, "agreement.added", f"{change['title']} was added to the constitution, {because}", agreement)
        if agreement.members_confirm:
            version_id = amendment.adopted_version.pk
            transaction.on_commit(lambda: tasks.ask_to_reconfirm.enqueue(version_id))
    elif amendment.target in (Amendment.Target.DECISION_KIND, Amendment.Target.NEW_DECISION_KIND):
        kind = amendment.decision_kind if amendment.target == Amendment.Target.DECISION_KIND else None
        cleaned = decision_actions.check_decision_kind(
            coalition,
            kind=kind,
            key=change.get("key", ""),
            name=change["name"],
            description=change["description"],
            rule=change["rule"],
            scope=change["scope"],
        )
        decision_actions.write_decision_kind(
            coalition, kind=kind, cleaned=cleaned, actor=None, standing=None, actor_name="Accord", because=because
        )
    elif amendment.target == Amendment.Target.TERMS:
        constitution = constitution_of(coalition, lock=True)
        for name, value in change.items():
            setattr(constitution, name, value)
        constitution.revision += 1
        constitution.updated_at = now
        constitution.save()
        _audit(proposal, "constitution.terms_amended", f"the constitution's terms changed, {because}", None, change)
    elif amendment.target == Amendment.Target.AGREED_WEIGHT:
        decision_actions.write_agreed_weight(
            amendment.member_group,  # type: ignore[arg-type]  # set for this target
            change["weight"],
            actor=None,
            standing=None,
            actor_name="Accord",
            because=because,
        )
    amendment.applied_at = now
    amendment.save(update_fields=["applied_at", "adopted_version"])
    _mark_conflicting_stale(amendment, proposal)


def _mark_conflicting_stale(amendment: Amendment, proposal: Proposal) -> None:
    """Open amendments to the same text were drafted on what is no longer in force: they must be rebased."""
    stale = list(
        Amendment.objects.filter(
            coalition=amendment.coalition,
            target_key=amendment.target_key,
            applied_at__isnull=True,
            stale_since__isnull=True,
            # Failed ones too: a next round of a failed amendment must not pass on a text no longer in force.
            proposal__status__in=[Status.OPEN, Status.NOT_APPLIED, *FAILED],
        )
        .exclude(pk=amendment.pk)
        .select_related("proposal")
    )
    if not stale:
        return
    because = f"“{proposal.title}” changed it first"
    Amendment.objects.filter(pk__in=[row.pk for row in stale]).update(
        stale_since=timezone.now(), stale_because=because[:500]
    )
    for row in stale:
        _audit(row.proposal, "amendment.stale", f"“{row.proposal.title}” became stale: {because}", row.proposal)


# --- admissions ---------------------------------------------------------------------------------------------------


def _admission_blocker(proposal: Proposal) -> str:
    admission = Admission.objects.select_related("application").get(proposal=proposal)
    application = admission.application
    if application.status != Application.Status.PENDING:
        return f"The application is {application.get_status_display().lower()}."
    if (
        application.kind == Application.Kind.GROUP
        and MemberGroup.objects.filter(
            coalition=proposal.coalition_id, name__iexact=application.group_name, left_at__isnull=True
        ).exists()
    ):
        return f"A member group called {application.group_name} joined meanwhile; apply again under another name."
    return ""


def _admission_not_applied(proposal: Proposal, why: str) -> None:
    """Passed but could not be made: the applicant hears why, rather than waiting on a pending application."""
    admission = Admission.objects.select_related("application").get(proposal=proposal)
    coalition_actions.settle_application(application=admission.application, admit=False, reason=f"Not admitted: {why}")


def _admit(proposal: Proposal, round_: Round) -> None:
    admission = Admission.objects.select_related("application").get(proposal=proposal)
    coalition = proposal.coalition
    days = constitution_of(coalition).induction_days
    counts_from = timezone.now() + timedelta(days=days) if days else None
    application = coalition_actions.settle_application(
        application=admission.application, admit=True, reason=_because(proposal), counts_from=counts_from
    )
    versions = list(admission.signed_versions.all())
    if application.member_group is not None:
        sign_for(
            coalition,
            versions,
            member_group=application.member_group,
            signed_by=application.person,
            signed_by_name=application.applicant_name,
        )
    elif application.person is not None:
        sign_for(
            coalition,
            versions,
            person=application.person,
            signed_by=application.person,
            signed_by_name=application.applicant_name,
        )


def _admission_failed(proposal: Proposal, round_: Round) -> None:
    admission = Admission.objects.select_related("application").get(proposal=proposal)
    summary = (round_.outcome or {}).get("summary", "")
    reason = f"Not admitted: {summary}" if summary else "Not admitted under the coalition's rule."
    coalition_actions.settle_application(application=admission.application, admit=False, reason=reason)


# --- requests to leave --------------------------------------------------------------------------------------------


def _removal_blocker(proposal: Proposal) -> str:
    request = RemovalRequest.objects.select_related("member_group", "person").get(proposal=proposal)
    subject = request.member_group or request.person
    if subject is None or not subject.is_active:
        return "The member had already left the coalition."
    return ""


def _remove(proposal: Proposal, round_: Round) -> None:
    request = RemovalRequest.objects.select_related("member_group", "person", "rests_on").get(proposal=proposal)
    reason = (
        f"asked to leave, {_because(proposal)}, resting on {request.rests_on.title} (version {request.rests_on.number})"
    )
    coalition_actions.remove_member_by_decision(member_group=request.member_group, person=request.person, reason=reason)


def register() -> None:
    decision_actions.register_effect(
        "founding", Effect(apply=_found, blocker=_founding_blocker, on_failed=_founding_failed)
    )
    decision_actions.register_effect("amendment", Effect(apply=_amend, blocker=_amendment_blocker))
    decision_actions.register_effect(
        "admission",
        Effect(
            apply=_admit,
            blocker=_admission_blocker,
            on_failed=_admission_failed,
            on_not_applied=_admission_not_applied,
        ),
    )
    decision_actions.register_effect("removal", Effect(apply=_remove, blocker=_removal_blocker))
