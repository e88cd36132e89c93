"""The demo coalition has exactly the shape documented in accord.demo, made through the actions, every time."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction
from django.utils import timezone

from accord import demo as demo_module
from accord.agreements import queries as agreement_queries
from accord.agreements.actions import constitution_of
from accord.agreements.models import Admission, AgreementVersion, Amendment, RedLineFlag
from accord.coalitions import actions, queries
from accord.coalitions.models import Affiliation, Application, AuditEvent, Coalition, Invitation, MemberGroup, Person
from accord.coalitions.permissions import Role, standing_in
from accord.decisions import queries as decision_queries
from accord.decisions.models import Proposal, Stance
from accord.demo import DEMO_PASSWORD, Demo, database_is_empty, load_demo
from accord.errors import Conflict
from accord.meetings import queries as meeting_queries
from accord.meetings.models import AgendaItem, Attendance, Meeting, MeetingRole, Reply, Task

# (name, size, left?) for every member group, in name order.
EXPECTED_GROUPS = [
    ("Bolton Climate Choir", 24, False),
    ("Bradford Clean Air Campaign", 40, False),
    ("Carlisle Community Energy", 18, False),
    ("Durham Climate Students", 25, False),
    ("Harrogate Rewilding Circle", 8, False),
    ("Hebden Bridge Flood Wardens", 3, False),
    ("Hull Heat Justice", 40, False),
    ("Kendal Quaker Earthcare Group", 12, False),
    ("Lancaster Transition Town", 30, False),
    ("Leeds Climate Action", 85, False),
    ("Liverpool Tenants for Warm Homes", 150, False),
    ("Manchester Climate Network", 400, False),
    ("Middlesbrough Green Jobs Alliance", 55, False),
    ("Newcastle Food Growers", 60, False),
    ("Preston Faith and Climate", 15, False),
    ("Scarborough Coastal Watch", 10, True),
    ("Skipton Repair Café", 3, False),
    ("Sunderland Youth Climate Strike", 40, False),
    ("Wakefield Trades Council Climate Committee", 22, False),
    ("Whitby Fishing Families", 3, False),
    ("York Cycle Coalition", 40, False),
]

FORMER_MEMBERS = {"Fiona MacLeod", "Harold Jenkins", "Oliver Bennett"}
IN_TWO_GROUPS = {"Aoife Byrne", "Jakub Kowalski", "Megan Reid", "Yusuf Rahman", "Zainab Ali"}
UNAFFILIATED_INDIVIDUALS = {"Amara Okafor", "Helen Marsh", "Joan Pickering", "Samir Haddad"}
COORDINATORS = {"Amara Okafor", "Niamh Gallagher"}
RECORDED_WITHOUT_ACCOUNT = {
    "Ben Crossley",
    "Bethany Clark",
    "Darren Lowe",
    "Fatima Noor",
    "Harold Jenkins",
    "Isla Armstrong",
    "Joan Pickering",
    "Jonty Greenwood",
    "Kwame Mensah",
    "Megan Reid",
    "Patrick O'Neill",
    "Samir Haddad",
}

# One audit event per action the demo calls, by verb.
EXPECTED_AUDIT_VERBS = {
    "coalition.created": 1,
    "decision_kind.adopted_defaults": 1,  # founding starts from the default decision-kind table
    "constitution.drafted": 1,  # ... and the guides' template constitution, as a draft
    "agreement.drafted": 10,  # the founder edits each of the 10 template agreements into the network's own
    "member_group.added": 20,
    "invitation.created": 50,  # 45 joining links, 1 from Durham's delegate, 4 left open
    "invitation.accepted": 46,
    "affiliation.added": 5,
    "person.coordinator_added": 1,
    "person.recorded": 12,
    "application.submitted": 4,
    "application.admitted": 1,  # by the passed admission decision
    "application.declined": 1,  # by the blocked one
    "person.left": 1,
    "member_group.left": 1,
    # the decisions (accord.decisions.actions write through coalitions.actions.record_audit_event)
    "proposal.opened": 13,  # founding, 4 admissions, the 5 decisions, 3 amendments
    # founding 20; admissions 25 + 25 in the room and 2 x 3 delegates; meetings 55; rotation 19; budget 19 + 11;
    # bus 2; assembly 12; dues 2; buddy groups 19 in the room; quorum 5
    "stance.recorded": 220,
    "proposal.closed": 7,  # by Accord itself: at the closing time, or when everyone eligible had responded
    "proposal.round_started": 1,
    # the constitution (accord.agreements: its actions and what passed decisions do)
    "constitution.adopted": 1,
    "agreement.added": 1,  # Roles and rotation
    "agreement.amended": 1,  # What it means to be in, version 2
    "amendment.stale": 1,  # the dues amendment, drafted on version 1
    # 3 individual members after founding; 20 groups (Hebden Bridge Flood Wardens' recorded on their behalf by the
    # second coordinator) and 2 individuals re-confirm
    "agreement.signed_on": 25,
    "red_line.stated": 3,
    "red_line.flagged": 1,
    # the meetings (accord.meetings.actions): 3 held (the last drafted ahead, then moved to its date) and 3 coming
    "meeting.scheduled": 6,
    "meeting.changed": 1,
    "agenda.item_proposed": 9,  # 5 at the last general meeting, 3 at the next, 1 at the spokescouncil
    "meeting.role_assigned": 11,  # 3 at each meeting held, a facilitator for the general meeting and spokescouncil
    "meeting.notes_started": 6,  # each item of the last general meeting, the follow-up included
    "meeting.attendance": 3,
    "meeting.decision_recorded": 2,
    "meeting.notes_published": 1,
    "task.created": 3,
    "task.done": 1,
    "meeting.replied": 10,
}
# Who is asked to re-confirm "What it means to be in" once amended: delegates with an address, individual members.
RECONFIRM_ADDRESSES = [
    "adebayo.ogunleye@demo.example",
    "alison.dodd@demo.example",
    "callum.robson@demo.example",
    "chloe.thompson@demo.example",
    "coordinator@demo.example",
    "delegate@demo.example",
    "duncan.graham@demo.example",
    "eleanor.hughes@demo.example",
    "ellie.watson@demo.example",
    "ffion.parry@demo.example",
    "gary.bell@demo.example",
    "helen.marsh@demo.example",
    "imran.akhtar@demo.example",
    "jack.dawson@demo.example",
    "jade.robinson@demo.example",
    "joseph.kamara@demo.example",
    "kevin.walsh@demo.example",
    "lucy.harrington@demo.example",
    "marcus.johnson@demo.example",
    "mei.chen@demo.example",
    "mohammed.iqbal@demo.example",
    "ruth.ashworth@demo.example",
    "samir.haddad@demo.example",
    "sarah.storr@demo.example",
    "tia.henderson@demo.example",
]
# Times taken from the clock (an admission closes `admission_days` after applying; a meeting's decision a few
# minutes after opening) differ between two loads; everything else in the audit log is the same every time.
CLOCK_TIME = re.compile(r"closing \d{4}-\d\d-\d\d \d\d:\d\d UTC")


def active_groups_of(person: Person) -> set[str]:
    return {a.member_group.name for a in person.affiliations.all() if a.ended_at is None}


def summary(coalition: Coalition) -> dict[str, Any]:
    """What must come out the same on every load: names, sizes, memberships, roles, statuses, the log's verbs."""
    return {
        "coalition": (coalition.name, coalition.slug, coalition.purpose, coalition.question_list),
        "groups": list(
            MemberGroup.objects.filter(coalition=coalition)
            .order_by("name")
            .values_list("name", "size", "description", "contact_name", "contact_email", "leave_reason")
        ),
        "people": list(
            Person.objects.filter(coalition=coalition)
            .order_by("name")
            .values_list("name", "email", "user__email", "is_coordinator", "is_individual_member", "leave_reason")
        ),
        "affiliations": list(
            Affiliation.objects.filter(member_group__coalition=coalition)
            .order_by("person__name", "member_group__name")
            .values_list("person__name", "member_group__name", "is_delegate", "end_reason")
        ),
        "applications": list(
            Application.objects.filter(coalition=coalition)
            .order_by("applicant_name")
            .values_list("applicant_name", "kind", "group_name", "group_size", "status", "decision_reason", "answers")
        ),
        "invitations": sorted(
            Invitation.objects.filter(coalition=coalition).values_list(
                "email",
                "member_group__name",
                "as_delegate",
                "person__name",
                "created_by__email",
                "accepted_by__email",
            ),
            key=repr,
        ),
        "audit": [
            (verb, actor_name, CLOCK_TIME.sub("closing (time)", summary))
            for verb, actor_name, summary in AuditEvent.objects.filter(coalition=coalition)
            .order_by("id")
            .values_list("verb", "actor_name", "summary")
        ],
    }


def test_groups_have_the_documented_names_and_sizes(demo: Demo) -> None:
    groups = MemberGroup.objects.filter(coalition=demo.coalition)
    assert [(g.name, g.size, g.left_at is not None) for g in groups.order_by("name")] == EXPECTED_GROUPS
    active_sizes = Counter(groups.filter(left_at__isnull=True).values_list("size", flat=True))
    assert sum(active_sizes.values()) == 20
    assert (active_sizes[3], active_sizes[40], active_sizes[400]) == (3, 4, 1)
    assert demo.big_group.name == "Manchester Climate Network" and demo.big_group.size == 400
    assert demo.delegate_group.name == "Leeds Climate Action" and demo.delegate_group.size == 85
    assert all(g.contact_email.endswith(".example") for g in groups.exclude(name="Durham Climate Students"))


def test_people_memberships_and_roles(demo: Demo) -> None:
    people = list(Person.objects.filter(coalition=demo.coalition).prefetch_related("affiliations__member_group"))
    active = [p for p in people if p.is_active]
    assert (len(people), len(active)) == (60, 57)
    assert {p.name for p in people if not p.is_active} == FORMER_MEMBERS
    assert {p.name for p in people if p.user_id is None} == RECORDED_WITHOUT_ACCOUNT
    assert {p.name for p in active if len(active_groups_of(p)) == 2} == IN_TWO_GROUPS
    assert max(len(active_groups_of(p)) for p in active) == 2
    assert {p.name for p in active if p.is_individual_member and not active_groups_of(p)} == UNAFFILIATED_INDIVIDUALS
    assert {p.name for p in people if p.is_coordinator} == COORDINATORS
    assert all(active_groups_of(p) or p.is_individual_member for p in active)
    # Every member group has one or two delegates, every delegate is a current member.
    delegates = Counter(
        Affiliation.objects.filter(
            member_group__coalition=demo.coalition,
            member_group__left_at__isnull=True,
            ended_at__isnull=True,
            is_delegate=True,
        ).values_list("member_group__name", flat=True)
    )
    assert set(delegates) == {name for name, _, left in EXPECTED_GROUPS if not left}
    assert set(delegates.values()) == {1, 2}
    assert sum(delegates.values()) == 23
    # Accounts: 48 people, the outsider, and three applicants; only the personas can sign in with a password.
    User = get_user_model()
    assert User.objects.count() == 52
    assert all(email.endswith("@demo.example") for email in User.objects.values_list("email", flat=True))
    assert sorted(u.email for u in User.objects.all() if u.has_usable_password()) == sorted(
        demo_module.PASSWORD_HOLDERS
    )


def test_the_group_that_left_took_only_its_own_people(demo: Demo) -> None:
    group = MemberGroup.objects.get(pk=demo.left_group.pk)
    assert group.name == "Scarborough Coastal Watch"
    assert group.left_at is not None
    assert group.leave_reason == demo_module.LEFT_GROUP_REASON
    assert not group.affiliations.filter(ended_at__isnull=True).exists()
    assert sorted(group.affiliations.values_list("person__name", "end_reason")) == [
        ("Ewan Clarke", "Scarborough Coastal Watch left the coalition"),
        ("Fiona MacLeod", "Scarborough Coastal Watch left the coalition"),
        ("Harold Jenkins", "Scarborough Coastal Watch left the coalition"),
    ]
    for name in ("Fiona MacLeod", "Harold Jenkins"):
        person = Person.objects.get(coalition=demo.coalition, name=name)
        assert person.left_at == group.left_at
        assert person.leave_reason == "Their member group Scarborough Coastal Watch left the coalition."
    stayer = Person.objects.get(coalition=demo.coalition, name=demo_module.LEFT_GROUP_STAYER)
    assert stayer.is_active
    assert active_groups_of(stayer) == {"Whitby Fishing Families"}
    event = AuditEvent.objects.get(coalition=demo.coalition, verb="member_group.left")
    assert (event.actor_name, event.target_id, event.data["reason"]) == ("Fiona MacLeod", group.pk, group.leave_reason)


def test_the_former_individual_member_left_with_a_reason(demo: Demo) -> None:
    person = demo.former_member_person
    assert (person.name, person.user_id, person.is_active) == ("Oliver Bennett", demo.former_member.pk, False)
    assert person.leave_reason == demo_module.FORMER_MEMBER_REASON
    assert not person.is_individual_member


def test_applications_and_invitations(demo: Demo) -> None:
    applications = Application.objects.filter(coalition=demo.coalition)
    assert Counter(applications.values_list("status", flat=True)) == {"pending": 2, "admitted": 1, "declined": 1}
    assert sorted(applications.filter(status="pending").values_list("kind", "applicant_name")) == [
        ("group", "Kemi Adebayo"),
        ("individual", "Rajesh Kumar"),
    ]
    assert {demo.pending_group_application.pk, demo.pending_individual_application.pk} == set(
        applications.filter(status="pending").values_list("pk", flat=True)
    )
    assert all(len(a.answers) == 3 and all(item["answer"] for item in a.answers) for a in applications)
    # Decided by admission decisions: Durham admitted (and in its induction period), the gas forum blocked.
    admissions = {
        a.application.status: a.proposal for a in Admission.objects.filter(application__coalition=demo.coalition)
    }
    assert {status: (p.status, p.kind.key) for status, p in admissions.items()} == {
        "admitted": ("passed", "admit_member"),
        "declined": ("blocked", "admit_member"),
        "pending": ("open", "admit_member"),
    }
    declined = applications.get(status="declined")
    assert declined.group_name == "Northern Gas Futures Forum"
    assert declined.decision_reason == (
        "Not admitted: Blocked: 25 of 25 members took part (quorum 9); 2 blocks, allowed 1: 1 more than allowed; "
        "21 members agreeing."
    )
    blocks = Stance.objects.filter(round__proposal=declined.admission.proposal, position="block", is_current=True)
    assert sorted(blocks.values_list("unit__label", "reason")) == [
        ("Hull Heat Justice", demo_module.GAS_STANCES[demo_module.HULL][1]),
        ("Wakefield Trades Council Climate Committee", demo_module.DECLINE_REASON),
    ]
    admitted = applications.get(status="admitted")
    assert (admitted.member_group.name, admitted.person.name) == ("Durham Climate Students", "Ellie Watson")
    assert admitted.decision_reason == "decided in “Admit Durham Climate Students”"
    assert Affiliation.objects.get(person=admitted.person).is_delegate
    now = timezone.now()
    assert admitted.member_group.counts_from > now + timedelta(days=13)  # 14 days of induction from admission
    assert admitted.person.counts_from == admitted.member_group.counts_from
    assert list(MemberGroup.objects.filter(coalition=demo.coalition, counts_from__gt=now)) == [admitted.member_group]
    pending = [demo.pending_group_application, demo.pending_individual_application]
    assert [(a.admission.proposal.title, a.admission.proposal.status) for a in pending] == [
        ("Admit Sheffield Tenants for Climate", "open"),
        ("Admit Rajesh Kumar", "open"),
    ]

    invitations = Invitation.objects.filter(coalition=demo.coalition)
    assert Counter(i.status for i in invitations) == {"accepted": 46, "open": 4}
    open_ones = {
        (i.email, i.member_group.name if i.member_group else "", i.person.name if i.person else "", i.created_by.email)
        for i in invitations
        if i.status == "open"
    }
    assert open_ones == {
        ("", "Leeds Climate Action", "", demo_module.DELEGATE_EMAIL),
        ("alex.morgan@demo.example", "", "", demo_module.COORDINATOR_EMAIL),
        ("patrick.oneill@demo.example", "", "Patrick O'Neill", demo_module.COORDINATOR_EMAIL),
        ("samir.haddad@demo.example", "", "Samir Haddad", demo_module.COORDINATOR_EMAIL),
    }
    assert demo.unclaimed_person.user_id is None
    assert demo.unclaimed_person.claim_invitations.get().status == "open"


def test_persona_standings(demo: Demo) -> None:
    coordinator = standing_in(demo.coordinator, demo.coalition)
    assert (coordinator.role, coordinator.person, coordinator.delegate_of) == (
        Role.COORDINATOR,
        demo.coordinator_person,
        frozenset(),
    )
    second = standing_in(demo.second_coordinator, demo.coalition)
    assert (second.role, second.person) == (Role.COORDINATOR, demo.second_coordinator_person)
    assert second.member_of == {MemberGroup.objects.get(name="Newcastle Food Growers").pk}
    delegate = standing_in(demo.delegate, demo.coalition)
    assert (delegate.role, delegate.person) == (Role.MEMBER, demo.delegate_person)
    assert delegate.delegate_of == delegate.member_of == {demo.delegate_group.pk}
    member = standing_in(demo.member, demo.coalition)
    assert (member.role, member.person, member.delegate_of) == (Role.MEMBER, demo.member_person, frozenset())
    assert member.member_of == {demo.delegate_group.pk}
    outsider = standing_in(demo.outsider, demo.coalition)
    assert (outsider.role, outsider.person) == (Role.OUTSIDER, None)
    former = standing_in(demo.former_member, demo.coalition)
    assert (former.role, former.person) == (Role.OUTSIDER, demo.former_member_person)

    personas = {
        demo_module.COORDINATOR_EMAIL: ("Amara Okafor", demo.coordinator),
        demo_module.SECOND_COORDINATOR_EMAIL: ("Niamh Gallagher", demo.second_coordinator),
        demo_module.DELEGATE_EMAIL: ("Priya Shah", demo.delegate),
        demo_module.MEMBER_EMAIL: ("Daniel Murphy", demo.member),
        demo_module.OUTSIDER_EMAIL: ("Sam Taylor", demo.outsider),
        demo_module.FORMER_MEMBER_EMAIL: ("Oliver Bennett", demo.former_member),
    }
    for email, (name, user) in personas.items():
        assert (user.email, user.name) == (email, name)
        assert user.check_password(DEMO_PASSWORD)


def test_persona_fixtures(coalition, coordinator, delegate, member, outsider, demo: Demo) -> None:
    assert coalition == demo.coalition
    assert [u.email for u in (coordinator, delegate, member, outsider)] == [
        "coordinator@demo.example",
        "delegate@demo.example",
        "member@demo.example",
        "outsider@demo.example",
    ]


def test_decisions_show_what_the_engine_does(demo: Demo) -> None:
    proposals = Proposal.objects.filter(coalition=demo.coalition).order_by("pk")
    assert [(p.kind.key, p.effect, p.status, p.round_number) for p in proposals] == [
        ("amend_constitution", "founding", "passed", 1),
        ("admit_member", "admission", "passed", 1),  # Durham Climate Students
        ("admit_member", "admission", "blocked", 1),  # Northern Gas Futures Forum
        ("admit_member", "admission", "open", 1),  # Sheffield Tenants for Climate
        ("admit_member", "admission", "open", 1),  # Rajesh Kumar
        ("meeting_conduct", "", "passed", 1),
        ("amend_constitution", "amendment", "passed", 1),  # rotation
        ("budget_and_strategy", "", "open", 2),
        ("affected_groups", "", "open", 1),
        ("choose_between_options", "", "open", 1),
        ("amend_constitution", "amendment", "open", 1),  # dues, stale
        ("amend_constitution", "amendment", "passed", 1),  # buddy groups
        ("amend_constitution", "amendment", "open", 1),  # meeting-conduct quorum
    ]
    founding, durham, gas, sheffield, rajesh, meetings, rotation, budget, bus, assembly, dues, buddy, quorum = proposals
    rounds = {p.pk: [(r.number, r.status, r.eligible_count) for r in p.rounds.order_by("number")] for p in proposals}
    # 20 founding groups; then 25 members (20 groups and 5 individuals) for the first two admissions; once the
    # former members left and Durham is in its induction period, 19 groups and 4 individuals, 55 people (Arjun Patel joined Durham during its induction, so he is counted when Durham is).
    assert rounds == {
        founding.pk: [(1, "passed", 20)],
        durham.pk: [(1, "passed", 25)],
        gas.pk: [(1, "blocked", 25)],
        sheffield.pk: [(1, "open", 23)],
        rajesh.pk: [(1, "open", 23)],
        meetings.pk: [(1, "passed", 55)],
        rotation.pk: [(1, "passed", 19)],
        budget.pk: [(1, "blocked", 19), (2, "open", 19)],
        bus.pk: [(1, "open", 4)],
        assembly.pk: [(1, "open", 55)],
        dues.pk: [(1, "open", 19)],
        buddy.pk: [(1, "passed", 19)],
        quorum.pk: [(1, "open", 19)],
    }
    assert founding.rounds.get().outcome["summary"] == "Passed: no blocks (none allowed); 20 member groups agreeing."
    assert meetings.rounds.get().outcome["summary"] == (
        "Passed: 55 of 55 people took part (quorum 14); 42 of 49 decided people agree (85.7%, needed more than half)."
    )
    assert rotation.rounds.get().outcome["summary"] == (
        "Passed: 19 of 19 member groups took part (quorum 10); 1 block, allowed 1 under one block per 12 member "
        "groups, 19 eligible; 15 member groups agreeing."
    )
    block = Stance.objects.get(round__proposal=rotation, position="block")
    assert (block.unit.label, block.recorded_by, block.reason) == (
        "Manchester Climate Network",
        demo.coordinator_person,
        demo_module.ROTATION_STANCES[demo_module.MANCHESTER][1],
    )
    assert budget.rounds.get(number=1).outcome["status"] == "blocked"
    assert budget.rounds.get(number=2).text == demo_module.BUDGET_AMENDED_TEXT
    # Open rounds: live tallies, deadlines ahead, and each persona waited on where the docstring says.
    assert decision_queries.tally_round(budget, budget.rounds.get(number=2)).status == "passed"
    assert decision_queries.tally_round(assembly, assembly.rounds.get()).winner == "Third Saturday in March"
    assert all(
        r.closes_at.hour == 18 for p in (budget, bus, assembly, dues, quorum) for r in p.rounds.filter(status="open")
    )
    assert list(decision_queries.awaiting(demo.delegate, demo.coalition)) == [quorum, bus, rajesh, sheffield]
    assert list(decision_queries.awaiting(demo.member, demo.coalition)) == [assembly]
    assert list(decision_queries.awaiting(demo.coordinator, demo.coalition)) == [rajesh, sheffield]
    assert list(decision_queries.awaiting(demo.second_coordinator, demo.coalition)) == []


def test_the_constitution_in_use(demo: Demo) -> None:
    coalition = demo.coalition
    founding = Proposal.objects.get(coalition=coalition, effect="founding")
    assert coalition.constitution_adopted_at is not None
    assert constitution_of(coalition).founding_proposal == founding
    # The founder's texts, not the template's placeholders, were adopted; then one added and one amended.
    rows = agreement_queries.agreements(demo.member, coalition)
    assert [(row.agreement.key, row.version.number, row.version.title) for row in rows] == [
        ("unity_statement", 1, "Unity statement"),
        ("purpose", 1, "Purpose and goals"),
        ("values", 1, "Values"),
        ("principles", 1, "Principles"),
        ("policy_joining_leaving", 1, "Joining and leaving"),
        ("policy_conflict", 1, "Conflict and accountability"),
        ("policy_privacy", 1, "Privacy and data"),
        ("policy_anti_oppression", 1, "Anti-oppression"),
        ("membership_criteria", 1, "Membership criteria"),
        ("membership_expectations", 2, "What it means to be in"),
        ("roles_and_rotation", 1, "Roles and rotation"),
    ]
    versions = AgreementVersion.objects.filter(agreement__coalition=coalition)
    assert not any("[" in version.text for version in versions)  # no placeholder of the template is left
    assert {v.adopted_by.title for v in versions} == {
        founding.title,
        demo_module.ROTATION_TITLE,
        demo_module.BUDDY_TITLE,
    }
    assert all(v.took_effect_at is not None for v in versions)
    rotation = next(row.version for row in rows if row.agreement.key == "roles_and_rotation")
    assert (rotation.text, rotation.adopted_by.title) == (demo_module.ROTATION_TEXT, demo_module.ROTATION_TITLE)
    assert next(row.version for row in rows if row.agreement.key == "membership_expectations").text == (
        demo_module.BUDDY_TEXT
    )
    # Amendments: two passed; the dues amendment is stale (the buddy groups changed its text first); one open to
    # the decision table, which waits for the delegate persona's group.
    amendments = {a.proposal.title: a for a in Amendment.objects.filter(coalition=coalition)}
    assert {
        title: (a.target, a.proposal.status, a.is_stale, a.applied_at is not None) for title, a in amendments.items()
    } == {
        demo_module.ROTATION_TITLE: ("new_agreement", "passed", False, True),
        demo_module.BUDDY_TITLE: ("agreement", "passed", False, True),
        demo_module.DUES_TITLE: ("agreement", "open", True, False),
        demo_module.QUORUM_TITLE: ("decision_kind", "open", False, False),
    }
    dues = amendments[demo_module.DUES_TITLE]
    assert (dues.base_revision, dues.stale_because) == (1, f"“{demo_module.BUDDY_TITLE}” changed it first")
    assert dues.proposal.author == demo.delegate_person
    assert [a.proposal.title for a in agreement_queries.open_amendments(coalition)] == [  # newest first
        demo_module.QUORUM_TITLE,
        demo_module.DUES_TITLE,
    ]
    # Everyone has signed on to what is in force, except the two individual members without an account. Hebden
    # Bridge Flood Wardens' delegate has no account: the second coordinator recorded their re-confirmation, on their
    # behalf, and the sign-on page says so.
    missing = {
        status.label: [version.title for version in status.missing]
        for status in agreement_queries.sign_on_status(demo.coordinator, coalition)
        if status.missing
    }
    assert missing == {
        "Joan Pickering": ["Unity statement", "Principles", "Membership criteria", "What it means to be in"],
        "Samir Haddad": ["Unity statement", "Principles", "Membership criteria", "What it means to be in"],
    }
    hebden = next(
        status
        for status in agreement_queries.sign_on_status(demo.coordinator, coalition)
        if status.label == "Hebden Bridge Flood Wardens"
    )
    assert (hebden.last_signed_by_name, hebden.last_on_behalf) == (demo_module.SECOND_COORDINATOR_NAME, True)
    assert [
        (status.label, status.last_on_behalf)
        for status in agreement_queries.sign_on_status(demo.coordinator, coalition)
        if status.last_on_behalf
    ] == [("Hebden Bridge Flood Wardens", True)]
    # Red lines of three groups, Kendal's overdue for re-confirmation; one flag, on the bus-fares letter.
    red_lines = {row.red_line.member_group.name: row for row in agreement_queries.red_lines(demo.member, coalition)}
    assert {name: row.overdue for name, row in red_lines.items()} == {
        "Kendal Quaker Earthcare Group": True,
        "Liverpool Tenants for Warm Homes": False,
        "Wakefield Trades Council Climate Committee": False,
    }
    flag = RedLineFlag.objects.get(proposal__coalition=coalition)
    assert (flag.proposal.title, flag.red_line.member_group.name, flag.flagged_by_name, flag.note) == (
        demo_module.BUS_TITLE,
        "Wakefield Trades Council Climate Committee",
        demo_module.FLAGGED_BY,
        demo_module.FLAG_NOTE,
    )


def test_meetings_show_the_practice(demo: Demo) -> None:
    """Meetings held and coming, made through accord.meetings.actions: roles, notes, attendance, decisions, tasks,
    replies with access needs, follow-ups, the public notes and the member persona's catch-up."""
    coalition, today = demo.coalition, timezone.now().date()  # the demo counts days in UTC
    meetings = Meeting.objects.filter(coalition=coalition)
    assert [
        (m.kind, m.title, (m.starts_at.date() - today).days, m.starts_at.hour, m.status, m.notes_published_at is None)
        for m in meetings.order_by("starts_at")
    ] == [
        ("general", demo_module.OLDER_GENERAL_TITLE, -63, 18, "scheduled", True),
        ("spokescouncil", demo_module.SPOKESCOUNCIL_HELD_TITLE, -35, 18, "scheduled", True),
        ("general", demo_module.PAST_GENERAL_TITLE, -14, 18, "scheduled", False),
        ("social", demo_module.SOCIAL_TITLE, 4, 17, "scheduled", True),
        ("general", demo_module.UPCOMING_GENERAL_TITLE, 7, 18, "scheduled", True),
        ("spokescouncil", demo_module.UPCOMING_SPOKESCOUNCIL_TITLE, 9, 18, "scheduled", True),
    ]
    older, spokes, past, social, upcoming, spokescouncil = meetings.order_by("starts_at")
    assert list(meeting_queries.meetings(demo.member, coalition, when="past")) == [past, spokes, older]
    assert list(meeting_queries.meetings(demo.member, coalition, when="upcoming")) == [social, upcoming, spokescouncil]

    # Roles rotate across the meetings held; the next general meeting has only its facilitator so far.
    roles = {
        m.title: sorted(MeetingRole.objects.filter(meeting=m).values_list("role", "person__name"))
        for m in meetings.order_by("starts_at")
    }
    assert roles == {
        older.title: sorted(demo_module.OLDER_GENERAL_ROLES),
        spokes.title: sorted(demo_module.SPOKESCOUNCIL_HELD_ROLES),
        past.title: sorted(demo_module.PAST_GENERAL_ROLES),
        social.title: [],
        upcoming.title: [("facilitator", "Chloe Thompson")],
        spokescouncil.title: [("facilitator", "Marcus Johnson")],
    }
    spread = {row.role: (row.by_person, row.meetings) for row in meeting_queries.role_spread(demo.member, coalition)}
    assert spread["facilitator"] == (
        [("Niamh Gallagher", 2), ("Amara Okafor", 1), ("Chloe Thompson", 1), ("Marcus Johnson", 1)],
        5,
    )
    assert spread["note_taker"] == ([("Helen Marsh", 1), ("Ruth Ashworth", 1), ("Priya Shah", 1)], 3)
    suggested = meeting_queries.role_suggestions(demo.coordinator, upcoming, "note_taker")
    assert suggested and all(c.replied == "yes" and c.times_held == 0 for c in suggested)
    assert "Kevin Walsh" not in {c.person.name for c in suggested}  # he replied that he cannot come

    # The last general meeting: its agenda (the follow-up first) with notes, who was there, decisions, tasks.
    agenda = meeting_queries.agenda(demo.member, past)
    assert [(item.title, item.notes_revision, item.notes_updated_by.name) for item in agenda] == [
        (f"Follow up: {demo_module.DRIVERS_TASK}", 1, demo_module.DELEGATE_NAME),
        *((title, 1, demo_module.DELEGATE_NAME) for _by, title, _minutes, _notes in demo_module.PAST_GENERAL_AGENDA),
    ]
    assert [item.notes for item in agenda[1:]] == [notes for *_, notes in demo_module.PAST_GENERAL_AGENDA]
    present = set(Attendance.objects.filter(meeting=past).values_list("person__name", flat=True))
    assert present == set(demo_module.PAST_GENERAL_PRESENT) and len(present) == 20
    assert demo_module.MEMBER_NAME not in present
    decisions = meeting_queries.decisions(demo.member, past)
    assert [(d.agenda_item.title, d.text, d.proposal and (d.proposal.title, d.proposal.status)) for d in decisions] == [
        (
            demo_module.PAST_GENERAL_DECISIONS[0][0],
            demo_module.PAST_GENERAL_DECISIONS[0][1],
            (demo_module.MEETINGS_TITLE, "passed"),
        ),
        (demo_module.PAST_GENERAL_DECISIONS[1][0], demo_module.PAST_GENERAL_DECISIONS[1][1], None),
    ]
    tasks = Task.objects.filter(coalition=coalition).order_by("pk")
    assert [
        (
            t.title,
            t.owner_person.name if t.owner_person else t.owner_group.name,
            t.meeting.title,
            t.status,
            t.done_note,
            meeting_queries.is_overdue(t),
        )
        for t in tasks
    ] == [
        (demo_module.DRIVERS_TASK, "Kevin Walsh", older.title, "done", demo_module.DRIVERS_DONE_NOTE, False),
        (demo_module.LETTER_TASK, demo_module.DELEGATE_NAME, past.title, "open", "", True),
        (demo_module.ROOM_TASK, demo_module.LEEDS, past.title, "open", "", False),
    ]
    assert [(t.due_on - today).days for t in tasks[1:]] == [-3, 12]
    assert list(meeting_queries.tasks(demo.delegate, coalition, scope="mine")) == [tasks[1]]
    assert list(meeting_queries.tasks(demo.member, coalition, scope="groups")) == [tasks[2]]

    # The public notes name no one: roles, groups or "an individual member" stand in.
    assert meeting_queries.published(coalition, past.pk) == past
    public = meeting_queries.public_notes(past)
    text = " ".join([*(notes for _title, notes in public.items), *public.decisions, *(who for _t, who in public.tasks)])
    names = Person.objects.filter(coalition=coalition).values_list("name", flat=True)
    assert not [name for name in names if name in text or name.split()[0] in text.split()]
    assert public.present == 20
    assert public.tasks == [(demo_module.LETTER_TASK, "the note-taker"), (demo_module.ROOM_TASK, demo_module.LEEDS)]
    assert "[the facilitator] welcomed everyone" in public.items[1][1]

    # The next general meeting: the follow-ups of the two open tasks first, then what members proposed; replies
    # with the needs they bring, summed up for the organisers; the member persona has not replied yet.
    assert [(item.title, item.follow_up_of) for item in meeting_queries.agenda(demo.member, upcoming)] == [
        (f"Follow up: {demo_module.LETTER_TASK}", tasks[1]),
        (f"Follow up: {demo_module.ROOM_TASK}", tasks[2]),
        *((title, None) for _by, title, _minutes in demo_module.UPCOMING_GENERAL_AGENDA),
    ]
    needs = meeting_queries.needs_summary(demo.coordinator, upcoming)
    assert (needs.coming, needs.maybe, needs.not_coming) == (7, 2, 1)
    assert (needs.children, needs.families, needs.travel_cost, needs.step_free, needs.quiet_room) == (2, 1, 1, 1, 1)
    assert (needs.interpretation, needs.other) == ({"Urdu": 1}, ["A seat near the door, please."])
    assert Reply.objects.filter(meeting=upcoming).count() == 10
    assert meeting_queries.my_reply(demo.member, upcoming) is None
    assert [i.title for i in AgendaItem.objects.filter(meeting=spokescouncil)] == [
        "The budget, round 2: each group's position"
    ]

    # The member persona missed the last two meetings: the catch-up starts from the end of the one they attended.
    catch_up = meeting_queries.catch_up(demo.member, coalition)
    assert (catch_up.last_meeting, catch_up.since) == (older, older.ends_at)
    assert catch_up.meetings_held == [spokes, past]
    assert [d.text for d in catch_up.meeting_decisions] == [text for _i, text, _p in demo_module.PAST_GENERAL_DECISIONS]
    assert (catch_up.my_tasks, catch_up.group_tasks) == ([], [tasks[2]])
    assert catch_up.upcoming == [social, upcoming, spokescouncil]
    assert demo_module.MEETINGS_TITLE in {p.title for p in catch_up.decisions}


def test_every_action_writes_one_audit_event(empty_database, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: Counter[str] = Counter()
    for name in actions.__dict__.copy():
        function = getattr(actions, name)
        if callable(function) and not name.startswith("_") and getattr(function, "__module__", "") == actions.__name__:

            def counting(*args: Any, _function: Any = function, _name: str = name, **kwargs: Any) -> Any:
                calls[_name] += 1
                return _function(*args, **kwargs)

            monkeypatch.setattr(actions, name, counting)
    demo = load_demo()
    events = AuditEvent.objects.filter(coalition=demo.coalition)
    # Marking the constitution adopted is a step of the founding decision's effect, which writes the one event
    # ("constitution.adopted") through record_audit_event itself.
    assert calls.pop("mark_constitution_adopted") == 1
    assert events.count() == sum(calls.values()) == sum(EXPECTED_AUDIT_VERBS.values()) == 482
    assert Counter(events.values_list("verb", flat=True)) == EXPECTED_AUDIT_VERBS
    # What passed decisions do is done by Accord itself; every other event has the person who acted.
    by_accord = events.filter(actor_user__isnull=True)
    assert Counter(by_accord.values_list("verb", flat=True)) == {
        "proposal.closed": 7,
        "constitution.adopted": 1,
        "application.admitted": 1,
        "application.declined": 1,
        "agreement.added": 1,
        "agreement.amended": 1,
        "amendment.stale": 1,
    }
    assert set(by_accord.values_list("actor_name", flat=True)) == {"Accord"}
    assert AuditEvent.objects.count() == events.count()


def test_loading_twice_is_refused_and_changes_nothing(demo: Demo) -> None:
    before = summary(demo.coalition), get_user_model().objects.count()
    with pytest.raises(Conflict, match="already holds a coalition"):
        load_demo()
    assert (summary(demo.coalition), get_user_model().objects.count()) == before
    assert Coalition.objects.count() == 1


def test_existing_demo_accounts_are_refused_before_anything_is_written(empty_database) -> None:
    from accord.accounts.actions import create_user

    create_user(email="member@demo.example", password=None, name="Someone else")
    with pytest.raises(Conflict, match="member@demo.example"):
        load_demo()
    assert (Coalition.objects.count(), get_user_model().objects.count()) == (0, 1)


def test_database_is_empty(empty_database) -> None:
    assert database_is_empty()
    load_demo()
    assert not database_is_empty()


def test_two_loads_into_fresh_databases_are_identical(empty_database) -> None:
    summaries = []
    for _ in range(2):
        with transaction.atomic():
            assert database_is_empty()
            loaded = load_demo()
            summaries.append(summary(loaded.coalition))
            transaction.set_rollback(True)
    assert summaries[0] == summaries[1]
    assert [(name, size) for name, size, *_ in summaries[0]["groups"]] == [
        (name, size) for name, size, _ in EXPECTED_GROUPS
    ]
    assert len(summaries[0]["people"]) == 60


def test_loading_sends_its_mail_once_committed(empty_database, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        loaded = load_demo()
    meetings = Meeting.objects.filter(coalition=loaded.coalition)
    social, general, spokescouncil = (
        meetings.get(title=title)
        for title in (
            demo_module.SOCIAL_TITLE,
            demo_module.UPCOMING_GENERAL_TITLE,
            demo_module.UPCOMING_SPOKESCOUNCIL_TITLE,
        )
    )
    people = queries.current_people(loaded.coalition).exclude(email="")
    everyone = set(people.values_list("email", flat=True))
    groups = list(queries.current_groups(loaded.coalition).values_list("pk", flat=True))
    delegates = set(queries.delegates_of(groups).exclude(email="").values_list("email", flat=True))

    def invitation(meeting: Meeting) -> str:
        return f"Invitation: {meeting.title}, {meeting.starts_at:%d %B %Y} (Northern Climate Action Network)"

    sent = Counter((message.to[0], message.subject) for message in mail.outbox)
    network = "Northern Climate Action Network"
    invited = f"You are invited to join {network} on Accord"
    reconfirm = f"Please re-confirm: What it means to be in changed ({network})"
    assert sent == {
        ("alex.morgan@demo.example", invited): 1,  # invited by email
        ("patrick.oneill@demo.example", invited): 1,  # invited to claim his record
        ("samir.haddad@demo.example", invited): 1,
        ("ellie.watson@demo.example", f"Your application to {network}: admitted"): 1,
        ("dominic.price@demo.example", f"Your application to {network}: declined"): 1,
        # Wakefield's delegate, told that the bus-fares letter may touch its red line
        ("kevin.walsh@demo.example", f"A proposal may touch your red line: {demo_module.BUS_TITLE} ({network})"): 1,
        # the changed agreement: every current group's delegates with an address, and each individual member
        **{(address, reconfirm): 1 for address in RECONFIRM_ADDRESSES},
        # the meetings coming: every member with an address invited, and every delegate to the spokescouncil
        **{(address, invitation(meeting)): 1 for meeting in (social, general) for address in everyone},
        **{(address, invitation(spokescouncil)): 1 for address in delegates},
    }
    assert (len(everyone), len(delegates)) == (48, 22)
    assert all(message.attachments[0][0] == "meeting.ics" for message in mail.outbox if "Invitation" in message.subject)


def test_the_fixture_finds_what_load_demo_made(demo: Demo, empty_database) -> None:
    from accord.demo import find_demo

    assert find_demo() is None
    loaded = load_demo()
    assert find_demo() == loaded


@pytest.mark.parametrize("run", [1, 2])
def test_demo_is_there_in_transactional_tests(run: int, transactional_db, demo: Demo) -> None:
    """The second run follows the flush after the first, so it proves the demo is loaded again."""
    assert Coalition.objects.get().pk == demo.coalition.pk
    assert Person.objects.filter(left_at__isnull=True).count() == 57
