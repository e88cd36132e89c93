"""The constitution's JSON API: agreements and versions, the draft and founding decision, amendments, joining,
sign-on, induction, requests to leave, red lines and flags. Each happy path with exact answers, and bad input
answered with the one error shape naming the field, changing nothing.

The tests build their own small coalition (tests/decisions/conftest.py's world) with the template constitution
adopted by a founding decision both member groups agreed to; they do not depend on the demo's content.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accord.agreements import actions as agreement_actions
from accord.agreements.models import (
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
from accord.agreements.queries import dependence_of
from accord.coalitions import actions as coalition_actions
from accord.coalitions.models import Application, AuditEvent, MemberGroup, Person
from accord.decisions import actions as decision_actions
from accord.decisions.models import DecisionKind, Proposal, Round, Stance
from accord.governance import describe_rule, parse_rule
from tests.coalitions.conftest import make_user
from tests.decisions.conftest import World, build_world

from .conftest import assert_error
from .test_coalitions import iso

SOON = (timezone.now() + timedelta(days=7)).isoformat()  # a round closes within a year of opening


def in_days(days: float) -> Any:
    return timezone.now() + timedelta(days=days)


def close(proposal: Proposal) -> Proposal:
    """Close the proposal's current round as the worker would, just after its deadline."""
    round_ = proposal.rounds.get(number=proposal.round_number)
    decision_actions.close_round_if_due(round_id=round_.pk, now=round_.closes_at + timedelta(seconds=1))
    proposal.refresh_from_db()
    return proposal


def both_groups_agree(world: World, proposal: Proposal) -> None:
    for user, group in ((world.delegate, world.group), (world.other_delegate, world.other_group)):
        decision_actions.record_stance(actor=user, proposal=proposal, unit_key=f"g{group.pk}", position="agree")


def draft_world() -> World:
    world = build_world()
    agreement_actions.seed_draft(world.coalition)
    return world


def adopted_world() -> World:
    world = draft_world()
    founding = agreement_actions.propose_founding(
        actor=world.coordinator, coalition=world.coalition, closes_at=in_days(3)
    )
    both_groups_agree(world, founding)
    assert close(founding).status == "passed"
    world.coalition.refresh_from_db()
    return world


def agreement(world: World, key: str) -> Agreement:
    return Agreement.objects.get(coalition=world.coalition, key=key)


def constitution_snapshot() -> tuple[Any, ...]:
    """Everything a constitution endpoint could write, to assert that a refused request changed nothing."""

    def rows(model: Any) -> tuple[Any, ...]:
        return tuple(model.objects.order_by("pk").values())

    return (
        rows(Constitution),
        rows(Agreement),
        rows(AgreementVersion),
        rows(Amendment),
        rows(SignOn),
        rows(Admission),
        rows(RemovalRequest),
        rows(RedLine),
        rows(RedLineFlag),
        rows(Application),
        rows(MemberGroup),
        rows(Person),
        rows(DecisionKind),
        rows(Proposal),
        rows(Round),
        rows(Stance),
        AuditEvent.objects.count(),
    )


def path(world: World, tail: str = "") -> str:
    return f"/coalitions/{world.coalition.slug}{tail}"


@pytest.fixture
def adopted(db: None) -> World:
    return adopted_world()


@pytest.fixture
def draft(db: None) -> World:
    return draft_world()


# --- the constitution and its agreements -------------------------------------------------------------------------


def test_the_constitution_reads_whole(adopted, api):
    world = adopted
    body = api(world.member).get(path(world, "/constitution")).json()
    founding = Proposal.objects.get(coalition=world.coalition, effect="founding")
    assert body["adopted"] is True
    assert body["adopted_at"] == iso(world.coalition.constitution_adopted_at)
    assert (body["founding_proposal_id"], body["founding_status"]) == (founding.pk, "passed")
    assert body["terms"] == {
        "induction_days": 14,
        "admission_days": 14,
        "red_line_review_days": 180,
        "concerned_member_takes_part": False,
        "revision": 1,
    }
    keys = list(Agreement.objects.filter(coalition=world.coalition).values_list("key", flat=True))
    assert [row["key"] for row in body["agreements"]] == keys
    unity = agreement(world, "unity_statement")
    first = body["agreements"][0]
    assert first == {
        "id": unity.pk,
        "key": "unity_statement",
        "title": "Unity statement",
        "category": "unity",
        "position": 0,
        "members_confirm": True,
        "version": 1,
        "text": unity.versions.get().text,
        "took_effect_at": iso(world.coalition.constitution_adopted_at),
        "adopted_by": founding.pk,
        "open_amendments": 0,
    }
    kinds = DecisionKind.objects.filter(coalition=world.coalition).order_by("position", "name")
    assert [kind["key"] for kind in body["decision_kinds"]] == [kind.key for kind in kinds]
    amend = next(kind for kind in body["decision_kinds"] if kind["key"] == "amend_constitution")
    rule_kind = world.kind("amend_constitution")
    assert amend["rule"] == rule_kind.rule
    assert amend["rule_text"] == describe_rule(parse_rule(rule_kind.rule))
    assert (body["agreed_weights"], body["open_amendments"]) == ([], [])
    assert body["dependence"] == [
        {"kind": warning.kind, "subject": warning.subject, "message": warning.message}
        for warning in dependence_of(world.coalition)
    ]
    assert any(warning["kind"] == "sole_holder" and warning["subject"] == "Ana" for warning in body["dependence"])


def test_an_agreement_its_versions_and_a_comparison(adopted, api):
    world = adopted
    unity = agreement(world, "unity_statement")
    member = api(world.member)
    created = member.post(
        path(world, "/amendments"),
        {
            "target": "agreement",
            "agreement_id": unity.pk,
            "change": {"title": "Our unity", "text": "We come together.\n\nWe stay free to leave."},
            "title": "Sharpen the unity statement",
            "closes_at": SOON,
        },
    )
    assert created.status_code == 201, created.content
    amendment = Amendment.objects.get(pk=created.json()["id"])
    both_groups_agree(world, amendment.proposal)
    assert close(amendment.proposal).status == "passed"

    one = member.get(path(world, f"/agreements/{unity.pk}")).json()
    assert (one["version"], one["title"], one["text"]) == (
        2,
        "Our unity",
        "We come together.\n\nWe stay free to leave.",
    )
    assert one["adopted_by"] == amendment.proposal_id
    versions = member.get(path(world, f"/agreements/{unity.pk}/versions")).json()
    assert versions["count"] == 2
    assert [(row["number"], row["title"]) for row in versions["items"]] == [(2, "Our unity"), (1, "Unity statement")]
    second = member.get(path(world, f"/agreements/{unity.pk}/versions/2")).json()
    assert second == versions["items"][0]
    old_text = unity.versions.get(number=1).text
    compared = member.get(path(world, f"/agreements/{unity.pk}/compare"), {"from": 1, "to": 2}).json()
    assert (compared["agreement_id"], compared["left"]["number"], compared["right"]["number"]) == (unity.pk, 1, 2)
    assert compared["rows"][0] == {"left": "Unity statement", "right": "Our unity", "change": "changed"}
    old_lines = old_text.splitlines()
    assert compared["rows"][1:] == [
        {"left": old_lines[0], "right": "We come together.", "change": "changed"},
        {"left": "", "right": "", "change": "same"},
        {"left": old_lines[2], "right": "We stay free to leave.", "change": "changed"},
    ]
    listed = member.get(path(world, "/agreements")).json()
    assert listed["count"] == Agreement.objects.filter(coalition=world.coalition).count()
    assert listed["items"][0] == one


def test_comparing_an_unknown_version_names_it(adopted, api):
    world = adopted
    unity = agreement(world, "unity_statement")
    member = api(world.member)
    assert_error(
        member.get(path(world, f"/agreements/{unity.pk}/compare"), {"from": 1, "to": 9}), 404, "not_found", "to"
    )
    assert_error(
        member.get(path(world, f"/agreements/{unity.pk}/compare"), {"from": 7, "to": 1}), 404, "not_found", "from"
    )
    assert_error(member.get(path(world, f"/agreements/{unity.pk}/compare"), {"from": 1}), 422, "invalid", "to")
    assert_error(member.get(path(world, f"/agreements/{unity.pk}/versions/3")), 404, "not_found")


# --- the draft and the founding decision ---------------------------------------------------------------------------


def test_coordinators_prepare_the_draft_and_put_it_to_the_founding_decision(draft, api):
    world = draft
    coordinator = api(world.coordinator)
    unity = agreement(world, "unity_statement")
    edited = coordinator.put(path(world, f"/agreements/{unity.pk}/draft"), {"title": "Unity", "text": "We unite."})
    assert edited.status_code == 200, edited.content
    assert (edited.json()["title"], edited.json()["text"], edited.json()["version"]) == ("Unity", "We unite.", 1)
    assert edited.json()["took_effect_at"] is None
    added = coordinator.post(
        path(world, "/agreements"),
        {"title": "Sharing kit", "text": "We lend kit.", "category": "policy", "members_confirm": False},
    )
    assert added.status_code == 201, added.content
    assert (added.json()["key"], added.json()["category"], added.json()["version"]) == ("sharing_kit", "policy", 1)
    terms = coordinator.put(
        path(world, "/constitution/terms"), {"induction_days": 7, "concerned_member_takes_part": True}
    )
    assert terms.json() == {
        "induction_days": 7,
        "admission_days": 14,
        "red_line_review_days": 180,
        "concerned_member_takes_part": True,
        "revision": 1,
    }
    founding = coordinator.post(path(world, "/constitution/founding"), {"closes_at": SOON})
    assert founding.status_code == 201, founding.content
    proposal = Proposal.objects.get(pk=founding.json()["proposal_id"])
    assert (proposal.effect, proposal.status, founding.json()["status"]) == ("founding", "open", "open")
    assert "We lend kit." in proposal.rounds.get().text
    # While the founding decision is open, the draft stays as everyone reads it.
    before = constitution_snapshot()
    assert_error(
        coordinator.put(path(world, f"/agreements/{unity.pk}/draft"), {"title": "U", "text": "x"}), 409, "conflict"
    )
    assert_error(coordinator.post(path(world, "/constitution/founding"), {"closes_at": SOON}), 409, "conflict")
    assert constitution_snapshot() == before
    both_groups_agree(world, proposal)
    close(proposal)
    body = api(world.member).get(path(world, "/constitution")).json()
    assert (body["adopted"], body["founding_proposal_id"], body["terms"]["induction_days"]) == (True, proposal.pk, 7)
    assert_error(coordinator.put(path(world, "/constitution/terms"), {"induction_days": 3}), 409, "conflict")
    # Amendments wait for the adopted constitution.


def test_amendments_wait_for_adoption(draft, api):
    world = draft
    unity = agreement(world, "unity_statement")
    before = constitution_snapshot()
    response = api(world.member).post(
        path(world, "/amendments"),
        {"target": "agreement", "agreement_id": unity.pk, "change": {"text": "x"}, "title": "T", "closes_at": SOON},
    )
    assert_error(response, 409, "conflict")
    assert constitution_snapshot() == before


# --- amendments ----------------------------------------------------------------------------------------------------


def test_conflicting_amendments_one_passes_the_other_goes_stale_and_is_rebased(adopted, api):
    world = adopted
    unity = agreement(world, "unity_statement")
    member, delegate = api(world.member), api(world.delegate)
    body = {"target": "agreement", "agreement_id": unity.pk, "title": "Unity A", "closes_at": SOON}
    first = member.post(path(world, "/amendments"), {**body, "change": {"text": "A"}, "explanation": "Shorter."})
    second = delegate.post(path(world, "/amendments"), {**body, "title": "Unity B", "change": {"text": "B"}})
    assert (first.status_code, second.status_code) == (201, 201)
    first, second = first.json(), second.json()
    assert (first["target"], first["target_key"], first["change"]) == (
        "agreement",
        f"agreement:{unity.pk}",
        {"title": "Unity statement", "text": "A"},
    )
    assert (first["agreement_id"], first["base_revision"], first["proposal_status"]) == (unity.pk, 1, "open")
    assert (first["conflicts"], second["conflicts"]) == ([], [first["id"]])  # the second conflicts with the first
    first = member.get(path(world, f"/amendments/{first['id']}")).json()
    assert first["conflicts"] == [second["id"]]
    assert (first["author_name"], first["stale_since"], first["applied_at"], first["adopted_version"]) == (
        "Mo",
        None,
        None,
        None,
    )
    listed = member.get(path(world, "/amendments"), {"status": "open"}).json()
    assert [row["id"] for row in listed["items"]] == [second["id"], first["id"]]
    assert member.get(path(world, "/amendments"), {"status": "passed"}).json()["count"] == 0
    assert member.get(path(world, "/constitution")).json()["agreements"][0]["open_amendments"] == 2

    a, b = Amendment.objects.get(pk=first["id"]), Amendment.objects.get(pk=second["id"])
    both_groups_agree(world, a.proposal)
    both_groups_agree(world, b.proposal)
    close(a.proposal)
    passed = member.get(path(world, f"/amendments/{a.pk}")).json()
    assert (passed["proposal_status"], passed["adopted_version"], passed["conflicts"]) == ("passed", 2, [])
    assert passed["applied_at"] is not None
    stale = member.get(path(world, f"/amendments/{b.pk}")).json()
    assert stale["stale_since"] is not None and stale["stale_because"]
    assert stale["proposal_status"] == "open"
    close(b.proposal)
    not_applied = member.get(path(world, f"/amendments/{b.pk}")).json()
    assert not_applied["proposal_status"] == "not_applied"
    assert not_applied["effect_note"]
    proposal = member.get(path(world, f"/proposals/{b.proposal_id}")).json()
    assert (proposal["status"], proposal["effect"], proposal["effect_note"]) == (
        "not_applied",
        "amendment",
        not_applied["effect_note"],
    )

    rebased = delegate.post(
        path(world, f"/amendments/{b.pk}/rebase"), {"change": {"text": "A, and B"}, "closes_at": SOON}
    )
    assert rebased.status_code == 200, rebased.content
    assert (rebased.json()["proposal_status"], rebased.json()["stale_since"], rebased.json()["base_revision"]) == (
        "open",
        None,
        2,
    )
    assert rebased.json()["change"] == {"title": "Unity statement", "text": "A, and B"}
    b.proposal.refresh_from_db()
    assert b.proposal.round_number == 2
    # Not stale any more: a second rebase is refused and changes nothing.
    before = constitution_snapshot()
    assert_error(
        delegate.post(path(world, f"/amendments/{b.pk}/rebase"), {"change": {"text": "C"}, "closes_at": SOON}),
        409,
        "conflict",
    )
    assert constitution_snapshot() == before


def test_an_amendment_to_the_decision_table_applies_to_the_next_proposal_only(adopted, api):
    world = adopted
    budget = world.kind("budget_and_strategy")
    member = api(world.member)
    open_one = member.post(
        path(world, "/proposals"), {"kind": budget.pk, "title": "Budget", "text": "Spend", "closes_at": SOON}
    ).json()
    created = member.post(
        path(world, "/amendments"),
        {
            "target": "decision_kind",
            "decision_kind_id": budget.pk,
            "change": {"rule": {"method": "majority", "unit": "people"}},
            "title": "Simpler budgets",
            "closes_at": SOON,
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["change"]["rule"]["method"] == "majority"
    amendment = Amendment.objects.get(pk=created.json()["id"])
    both_groups_agree(world, amendment.proposal)
    close(amendment.proposal)
    row = next(k for k in member.get(path(world, "/constitution")).json()["decision_kinds"] if k["key"] == budget.key)
    assert row["rule"]["method"] == "majority"
    assert row["rule_text"] == describe_rule(parse_rule(row["rule"]))
    assert row["revision"] == budget.revision + 1
    assert member.get(path(world, f"/proposals/{open_one['id']}")).json()["rule"]["method"] == "consensus"
    later = member.post(
        path(world, "/proposals"), {"kind": budget.pk, "title": "Budget 2", "text": "Spend", "closes_at": SOON}
    ).json()
    assert later["rule"]["method"] == "majority"


def test_amendments_to_terms_weights_and_new_agreements_and_kinds(adopted, api):
    world = adopted
    member = api(world.member)
    cases = [
        ({"target": "terms", "change": {"induction_days": 30}}, "terms", {"induction_days": 30}),
        (
            {"target": "agreed_weight", "member_group_id": world.group.pk, "change": {"weight": "2"}},
            f"agreed_weight:{world.group.pk}",
            {"weight": "2"},
        ),
        (
            {
                "target": "new_agreement",
                "change": {"title": "Kit", "text": "We lend kit.", "category": "policy", "members_confirm": False},
            },
            "new_agreement:kit",
            {"key": "kit", "title": "Kit", "text": "We lend kit.", "category": "policy", "members_confirm": False},
        ),
    ]
    for body, key, change in cases:
        response = member.post(path(world, "/amendments"), {**body, "title": "Change", "closes_at": SOON})
        assert response.status_code == 201, response.content
        assert (response.json()["target_key"], response.json()["change"]) == (key, change)
    kind = member.post(
        path(world, "/amendments"),
        {
            "target": "new_decision_kind",
            "change": {"name": "Campaigns", "description": "", "rule": {"method": "majority"}, "scope": "coalition"},
            "title": "Campaigns",
            "closes_at": SOON,
        },
    )
    assert kind.status_code == 201, kind.content
    assert (kind.json()["target_key"], kind.json()["change"]["name"]) == ("new_decision_kind:campaigns", "Campaigns")


# --- joining, sign-on, induction and leaving -----------------------------------------------------------------------


def test_the_joining_page_is_public(adopted, api):
    world = adopted
    body = api(None).get(path(world, "/joining"))
    assert body.status_code == 200, body.content
    body = body.json()
    unity, criteria = agreement(world, "unity_statement"), agreement(world, "membership_criteria")
    assert (body["slug"], body["name"], body["purpose"], body["adopted"]) == (
        "river-towns",
        "River Towns",
        "Clean rivers",
        True,
    )
    assert body["unity_statement"] == {
        "key": "unity_statement",
        "title": "Unity statement",
        "text": unity.versions.get().text,
        "version": 1,
        "took_effect_at": iso(world.coalition.constitution_adopted_at),
    }
    assert body["membership_criteria"]["text"] == criteria.versions.get().text
    assert body["purpose_and_goals"]["key"] == "purpose"
    assert body["membership_expectations"]["key"] == "membership_expectations"
    assert body["membership_questions"] == []
    assert_error(api(None).get("/coalitions/no-such-place/joining"), 404, "not_found")


def test_applying_opens_the_admission_decision(adopted, api):
    world = adopted
    applicant = make_user("Kay")
    client = api(applicant)
    refused = client.post(path(world, "/applications"), {"kind": "individual", "signs_on": False})
    assert_error(refused, 422, "invalid", "signs_on")
    assert_error(client.post(path(world, "/applications"), {"kind": "individual"}), 422, "invalid", "signs_on")
    response = client.post(path(world, "/applications"), {"kind": "individual", "signs_on": True})
    assert response.status_code == 201, response.content
    body = response.json()
    admission = Admission.objects.get(application_id=body["id"])
    assert (body["status"], body["admission_proposal_id"]) == ("pending", admission.proposal_id)
    assert (admission.proposal.effect, admission.proposal.kind.key) == ("admission", "admit_member")
    assert set(admission.signed_versions.values_list("agreement__key", flat=True)) == {
        "unity_statement",
        "principles",
        "membership_criteria",
        "membership_expectations",
    }
    withdrawn = client.post(path(world, f"/applications/{body['id']}/withdraw"))
    assert withdrawn.json()["status"] == "withdrawn"
    admission.proposal.refresh_from_db()
    assert admission.proposal.status == "withdrawn"


def test_sign_on_status_and_signing(adopted, api):
    world = adopted
    coordinator = api(world.coordinator)
    rows = coordinator.get(path(world, "/sign-ons")).json()
    ana = next(row for row in rows["items"] if row["person_id"] == world.person(world.coordinator).pk)
    assert (ana["label"], ana["member_group_id"], ana["may_sign"]) == ("Ana", None, True)
    required = list(
        AgreementVersion.objects.filter(agreement__coalition=world.coalition, agreement__members_confirm=True)
        .order_by("agreement__position")
        .values_list("agreement_id", "title", "number")
    )
    assert [(m["agreement_id"], m["title"], m["number"]) for m in ana["missing"]] == required
    signed = coordinator.post(path(world, "/sign-ons"), {})
    assert signed.status_code == 201, signed.content
    assert sorted((row["agreement_id"], row["number"]) for row in signed.json()) == sorted(
        (a, n) for a, _t, n in required
    )
    assert {(row["person_id"], row["member_group_id"], row["signed_by_name"]) for row in signed.json()} == {
        (world.person(world.coordinator).pk, None, "Ana")
    }
    assert coordinator.post(path(world, "/sign-ons"), {}).json() == []
    group_rows = api(world.delegate).get(path(world, "/sign-ons")).json()["items"]
    leeds = next(row for row in group_rows if row["member_group_id"] == world.group.pk)
    assert (leeds["missing"], leeds["may_sign"]) == ([], True)
    assert api(world.delegate).post(path(world, "/sign-ons"), {"member_group_id": world.group.pk}).json() == []


def test_a_coordinator_records_a_sign_on_on_a_members_behalf(adopted, api):
    world = adopted
    coordinator = api(world.coordinator)
    group = coalition_actions.add_member_group(
        actor=world.coordinator, coalition=world.coalition, name="Selby Wardens", size=8
    )
    joan = coalition_actions.record_person(
        actor=world.coordinator, coalition=world.coalition, name="Joan", is_individual_member=True
    )
    rows = {row["label"]: row for row in coordinator.get(path(world, "/sign-ons")).json()["items"]}
    assert {label: (row["may_sign"], row["may_record"]) for label, row in rows.items()} == {
        "Hull Heat": (False, True),
        "Leeds Action": (False, True),
        "Selby Wardens": (False, True),
        "Ana": (True, False),
        "Joan": (False, True),
    }
    assert (rows["Leeds Action"]["last_signed_by_name"], rows["Leeds Action"]["last_on_behalf"]) == (
        "the founding decision",
        False,
    )
    assert (rows["Joan"]["last_signed_at"], rows["Joan"]["last_signed_by_name"]) == (None, "")
    required = len(rows["Joan"]["missing"])

    for body, unit in (
        ({"member_group_id": group.pk, "on_behalf": True}, (group.pk, None)),
        ({"person_id": joan.pk, "on_behalf": True}, (None, joan.pk)),
    ):
        signed = coordinator.post(path(world, "/sign-ons"), body)
        assert signed.status_code == 201, signed.content
        assert len(signed.json()) == required
        assert {
            (row["member_group_id"], row["person_id"], row["signed_by_name"], row["on_behalf"]) for row in signed.json()
        } == {(*unit, "Ana", True)}
    rows = {row["label"]: row for row in api(world.member).get(path(world, "/sign-ons")).json()["items"]}
    for label in ("Selby Wardens", "Joan"):
        assert (rows[label]["missing"], rows[label]["last_signed_by_name"], rows[label]["last_on_behalf"]) == (
            [],
            "Ana",
            True,
        )
        assert rows[label]["may_record"] is False  # Mo is not a coordinator
    versions = ", ".join(f"{v.title} (version {v.number})" for v in agreement_actions.versions_to_sign(world.coalition))
    assert list(
        AuditEvent.objects.filter(coalition=world.coalition, verb="agreement.signed_on")
        .order_by("pk")
        .values_list("summary", flat=True)
    ) == [
        f"recorded that Selby Wardens confirmed {versions} (on their behalf)",
        f"recorded that Joan confirmed {versions} (on their behalf)",
    ]


def test_bad_records_on_behalf_name_the_field_and_change_nothing(adopted, api):
    world = adopted
    coordinator = api(world.coordinator)
    joan = coalition_actions.record_person(
        actor=world.coordinator, coalition=world.coalition, name="Joan", is_individual_member=True
    )
    mo = world.person(world.member)
    before = constitution_snapshot()
    sign_ons = path(world, "/sign-ons")
    assert_error(coordinator.post(sign_ons, {"person_id": 999999, "on_behalf": True}), 404, "not_found", "person_id")
    body = assert_error(
        coordinator.post(sign_ons, {"person_id": mo.pk, "on_behalf": True}), 422, "invalid", "person_id"
    )
    assert body["message"] == (
        "Choose a current individual member of this coalition; someone who belongs through a member group confirms "
        "with their group."
    )
    body = assert_error(coordinator.post(sign_ons, {"on_behalf": True}), 422, "invalid", "member_group_id")
    assert body["message"] == "Name the member who confirmed: a member group or an individual member."
    assert_error(
        coordinator.post(sign_ons, {"member_group_id": world.group.pk, "person_id": joan.pk, "on_behalf": True}),
        422,
        "invalid",
        "member_group_id",
    )
    body = assert_error(coordinator.post(sign_ons, {"person_id": joan.pk}), 403, "not_allowed")
    assert body["message"] == (
        "Only Joan can sign on for themself; a coordinator can record, on their behalf, that they confirmed at a "
        "meeting."
    )
    assert_error(coordinator.post(sign_ons, {"person_id": joan.pk, "on_behalf": "yes"}), 422, "invalid", "on_behalf")
    assert constitution_snapshot() == before


def test_the_induction_pack(adopted, api):
    world = adopted
    body = api(world.member).get(path(world, "/induction")).json()
    assert (body["counts_from"], body["induction_days"]) == (None, 14)
    assert [row["key"] for row in body["agreements"]] == list(
        Agreement.objects.filter(coalition=world.coalition).values_list("key", flat=True)
    )
    assert body["coordinators"] == [{"id": world.person(world.coordinator).pk, "name": "Ana"}]
    assert body["delegates"] == [
        {
            "member_group": {"id": world.other_group.pk, "name": "Hull Heat"},
            "delegates": [{"id": world.person(world.other_delegate).pk, "name": "Pat"}],
        },
        {
            "member_group": {"id": world.group.pk, "name": "Leeds Action"},
            "delegates": [{"id": world.person(world.delegate).pk, "name": "Dev"}],
        },
    ]
    assert body["expectations"]["key"] == "membership_expectations"
    assert all(kind["rule_text"] for kind in body["decision_kinds"])
    assert body["to_sign"] == []


def test_asking_a_member_to_leave(adopted, api):
    world = adopted
    criteria = agreement(world, "membership_criteria")
    response = api(world.member).post(
        path(world, "/leave-requests"),
        {
            "member_group_id": world.other_group.pk,
            "agreement_id": criteria.pk,
            "title": "Hull Heat should leave",
            "text": "They stood for election as a party.",
            "closes_at": SOON,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    removal = RemovalRequest.objects.get(proposal_id=body["proposal_id"])
    assert body == {
        "proposal_id": removal.proposal_id,
        "proposal_status": "open",
        "member_group_id": world.other_group.pk,
        "person_id": None,
        "subject": "Hull Heat",
        "rests_on": {"agreement_id": criteria.pk, "title": "Membership criteria", "number": 1},
        "concerned_takes_part": False,
    }
    assert f"g{world.other_group.pk}" in removal.proposal.excluded_units
    proposal = api(world.member).get(path(world, f"/proposals/{removal.proposal_id}")).json()
    assert (proposal["effect"], proposal["effect_note"]) == ("removal", "")


# --- red lines and flags -------------------------------------------------------------------------------------------


def test_red_lines_stated_changed_confirmed_withdrawn(adopted, api):
    world = adopted
    delegate = api(world.delegate)
    stated = delegate.post(
        path(world, "/red-lines"), {"member_group_id": world.group.pk, "text": "No police partnerships."}
    )
    assert stated.status_code == 201, stated.content
    line = RedLine.objects.get(pk=stated.json()["id"])
    assert stated.json() == {
        "id": line.pk,
        "member_group": {"id": world.group.pk, "name": "Leeds Action"},
        "text": "No police partnerships.",
        "stated_at": iso(line.stated_at),
        "confirmed_at": iso(line.confirmed_at),
        "confirmed_by_name": "Dev",
        "due_at": iso(line.confirmed_at + timedelta(days=180)),
        "overdue": False,
        "withdrawn_at": None,
        "may_keep": True,
    }
    listed = api(world.member).get(path(world, "/red-lines"), {"member_group": world.group.pk}).json()
    assert listed["count"] == 1
    assert listed["items"][0] == {**stated.json(), "may_keep": False}
    assert api(world.member).get(path(world, "/red-lines"), {"member_group": world.other_group.pk}).json()["count"] == 0
    changed = delegate.put(path(world, f"/red-lines/{line.pk}"), {"text": "No police partnerships, ever."})
    assert (changed.status_code, changed.json()["text"]) == (200, "No police partnerships, ever.")
    confirmed = delegate.post(path(world, f"/member-groups/{world.group.pk}/red-lines/confirm"))
    assert confirmed.json() == {"member_group_id": world.group.pk, "confirmed": 1}
    withdrawn = delegate.post(path(world, f"/red-lines/{line.pk}/withdraw"))
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_at"] is not None
    assert api(world.member).get(path(world, "/red-lines")).json()["count"] == 0
    before = constitution_snapshot()
    assert_error(delegate.post(path(world, f"/red-lines/{line.pk}/withdraw")), 409, "conflict")
    assert_error(delegate.post(path(world, f"/member-groups/{world.group.pk}/red-lines/confirm")), 409, "conflict")
    assert constitution_snapshot() == before


def test_flagging_a_proposal_as_touching_a_red_line(adopted, api):
    world = adopted
    line = agreement_actions.state_red_line(actor=world.delegate, member_group=world.group, text="No police.")
    member = api(world.member)
    proposal = member.post(
        path(world, "/proposals"),
        {"kind": world.kind("meeting_conduct").pk, "title": "Invite police", "text": "x", "closes_at": SOON},
    ).json()
    flags = path(world, f"/proposals/{proposal['id']}/red-line-flags")
    flagged = member.post(flags, {"red_line_id": line.pk, "note": "This invites them."})
    assert flagged.status_code == 201, flagged.content
    flag = RedLineFlag.objects.get(pk=flagged.json()["id"])
    assert flagged.json() == {
        "id": flag.pk,
        "proposal_id": proposal["id"],
        "red_line_id": line.pk,
        "red_line_text": "No police.",
        "member_group": {"id": world.group.pk, "name": "Leeds Action"},
        "flagged_by_name": "Mo",
        "note": "This invites them.",
        "created_at": iso(flag.created_at),
        "withdrawn_at": None,
    }
    assert member.get(flags).json()["items"] == [flagged.json()]
    before = constitution_snapshot()
    assert_error(member.post(flags, {"red_line_id": line.pk}), 409, "conflict")
    assert constitution_snapshot() == before
    withdrawn = member.post(f"{flags}/{flag.pk}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_at"] is not None
    assert member.get(flags).json()["count"] == 0


# --- bad input -------------------------------------------------------------------------------------------------------


def nested(depth: int) -> list:
    value: list = [1]
    for _ in range(depth):
        value = [value]
    return value


def test_bad_amendments_name_the_field_at_fault(adopted, api):
    world = adopted
    unity = agreement(world, "unity_statement")
    budget = world.kind("budget_and_strategy")
    member = api(world.member)
    base = {"title": "Change", "closes_at": SOON}
    cases = [
        ({"target": "agreement", "agreement_id": unity.pk, "change": "new text"}, 422, "change"),
        ({"target": "agreement", "agreement_id": unity.pk, "change": ["a"]}, 422, "change"),
        ({"target": "agreement", "agreement_id": unity.pk, "change": {"text": 5}}, 422, "change.text"),
        ({"target": "agreement", "agreement_id": unity.pk, "change": {"text": "x" * 20001}}, 422, "change.text"),
        ({"target": "agreement", "agreement_id": unity.pk, "change": {"text": "a\x00b"}}, 422, "change"),
        ({"target": "agreement", "change": {"text": "x"}}, 422, "agreement_id"),
        ({"target": "agreement", "agreement_id": 99999999, "change": {"text": "x"}}, 404, "agreement_id"),
        ({"target": "constitution", "change": {}}, 422, "target"),
        (
            {
                "target": "decision_kind",
                "decision_kind_id": budget.pk,
                "change": {"rule": {"method": "supermajority", "threshold": "2"}},
            },
            422,
            "change.rule.threshold",
        ),
        (
            {"target": "decision_kind", "decision_kind_id": budget.pk, "change": {"rule": {"method": "vibes"}}},
            422,
            "change.rule.method",
        ),
        (
            {
                "target": "decision_kind",
                "decision_kind_id": world.kind("meeting_conduct", world.elsewhere).pk,
                "change": {},
            },
            404,
            "decision_kind_id",
        ),
        (
            {"target": "agreed_weight", "member_group_id": world.elsewhere_group.pk, "change": {"weight": "2"}},
            404,
            "member_group_id",
        ),
        (
            {"target": "agreed_weight", "member_group_id": world.group.pk, "change": {"weight": "-1"}},
            422,
            "change.weight",
        ),
        ({"target": "terms", "change": {"induction_days": "soon"}}, 422, "induction_days"),
        ({"target": "terms", "change": {"quorum": 3}}, 422, "change.quorum"),
        ({"target": "agreement", "agreement_id": "1", "change": {"text": "x"}}, 422, "agreement_id"),
        (
            {"target": "agreement", "agreement_id": unity.pk, "change": {"text": "x"}, "closes_at": "tomorrow"},
            422,
            "closes_at",
        ),
        ({"target": "agreement", "agreement_id": unity.pk, "change": {"text": "x"}, "extra": 1}, 422, "extra"),
        # Nested deeper than any change, but not so deep that the JSON parser refuses it: refused, never a 500.
        ({"target": "new_decision_kind", "change": {"rule": nested(500)}}, 422, "change"),
        ({"target": "terms", "change": {"induction_days": nested(800)}}, 422, "change"),
    ]
    before = constitution_snapshot()
    for body, status, field in cases:
        response = member.post(path(world, "/amendments"), {**base, **body})
        assert_error(response, status, "invalid" if status == 422 else "not_found", field)
    assert_error(member.post(path(world, "/amendments"), raw="{not json"), 400, "bad_request")
    assert constitution_snapshot() == before


def test_other_coalitions_ids_answer_404(adopted, api):
    world = adopted
    agreement_actions.seed_draft(world.elsewhere)
    theirs = Agreement.objects.filter(coalition=world.elsewhere).first()
    line = agreement_actions.state_red_line(actor=world.delegate, member_group=world.group, text="No police.")
    member = api(world.member)
    before = constitution_snapshot()
    assert_error(member.get(path(world, f"/agreements/{theirs.pk}")), 404, "not_found")
    assert_error(member.get(path(world, f"/agreements/{theirs.pk}/versions")), 404, "not_found")
    assert_error(member.get(path(world, "/amendments/99999999")), 404, "not_found")
    assert_error(api(world.delegate).put(path(world, f"/red-lines/{line.pk + 1000}"), {"text": "x"}), 404, "not_found")
    assert_error(
        api(world.delegate).post(path(world, "/red-lines"), {"member_group_id": world.elsewhere_group.pk, "text": "x"}),
        404,
        "not_found",
        "member_group_id",
    )
    assert_error(
        member.post(
            path(world, "/leave-requests"),
            {
                "member_group_id": world.group.pk,
                "agreement_id": theirs.pk,
                "title": "t",
                "text": "t",
                "closes_at": SOON,
            },
        ),
        404,
        "not_found",
        "agreement_id",
    )
    assert_error(
        api(world.delegate).post(path(world, "/sign-ons"), {"member_group_id": world.elsewhere_group.pk}),
        404,
        "not_found",
        "member_group_id",
    )
    assert constitution_snapshot() == before


def test_bad_red_lines_leave_requests_and_flags(adopted, api):
    world = adopted
    delegate = api(world.delegate)
    criteria = agreement(world, "membership_criteria")
    before = constitution_snapshot()
    assert_error(
        delegate.post(path(world, "/red-lines"), {"member_group_id": world.group.pk, "text": ""}),
        422,
        "invalid",
        "text",
    )
    assert_error(
        delegate.post(path(world, "/red-lines"), {"member_group_id": world.group.pk, "text": "x" * 2001}),
        422,
        "invalid",
        "text",
    )
    assert_error(
        delegate.post(path(world, "/red-lines"), {"member_group_id": world.group.pk, "text": "a\x00"}),
        422,
        "invalid",
        "text",
    )
    assert_error(
        delegate.post(path(world, "/red-lines"), {"member_group_id": "1", "text": "x"}),
        422,
        "invalid",
        "member_group_id",
    )
    leave = {"agreement_id": criteria.pk, "title": "t", "text": "t", "closes_at": SOON}
    assert_error(delegate.post(path(world, "/leave-requests"), leave), 422, "invalid", "member_group_id")
    assert_error(
        delegate.post(path(world, "/leave-requests"), {**leave, "person_id": world.person(world.member).pk}),
        422,
        "invalid",
        "person_id",
    )
    proposal = decision_actions.open_proposal(
        actor=world.member,
        coalition=world.coalition,
        kind=world.kind("meeting_conduct"),
        title="t",
        text="t",
        closes_at=in_days(3),
    )
    before = constitution_snapshot()
    flags = path(world, f"/proposals/{proposal.pk}/red-line-flags")
    assert_error(delegate.post(flags, {"red_line_id": 99999999}), 404, "not_found", "red_line_id")
    assert_error(delegate.post(flags, {}), 422, "invalid", "red_line_id")
    assert_error(
        delegate.put(path(world, "/constitution/terms"), {"induction_days": True}), 422, "invalid", "induction_days"
    )
    assert constitution_snapshot() == before


def test_a_huge_body_is_refused(adopted, api):
    world = adopted
    before = constitution_snapshot()
    response = api(world.delegate).post(
        path(world, "/red-lines"), {"member_group_id": world.group.pk, "text": "x" * 3_000_000}
    )
    assert response.status_code in (413, 422)
    assert response.json()["code"] in ("too_large", "invalid")
    assert constitution_snapshot() == before


def test_the_constitution_costs_the_same_queries_however_many_amendments_are_open(adopted, api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world = adopted
    member = api(world.member)
    unity = Agreement.objects.get(coalition=world.coalition, key="unity_statement")

    def amend(text: str) -> None:
        agreement_actions.propose_amendment(
            actor=world.member,
            coalition=world.coalition,
            target="agreement",
            agreement=unity,
            change={"text": text},
            title=f"Unity: {text}",
            closes_at=timezone.now() + timedelta(days=3),
        )

    def queries_for_the_page() -> tuple[int, list[list[int]]]:
        member.get(path(world, "/constitution"))  # first: writes that happen once (a token's last use) are done
        with CaptureQueriesContext(connection) as captured:
            body = member.get(path(world, "/constitution")).json()
        return len(captured), [row["conflicts"] for row in body["open_amendments"]]

    amend("First.")
    once, conflicts = queries_for_the_page()
    assert conflicts == [[]]
    amend("Second.")
    amend("Third.")
    thrice, conflicts = queries_for_the_page()
    assert thrice == once
    assert [len(row) for row in conflicts] == [2, 2, 2]  # each conflicts with the two others
