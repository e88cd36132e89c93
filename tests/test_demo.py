"""The demo coalition has exactly the shape documented in accord.demo, made through the actions, every time."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction

from accord import demo as demo_module
from accord.coalitions import actions
from accord.coalitions.models import Affiliation, Application, AuditEvent, Coalition, Invitation, MemberGroup, Person
from accord.coalitions.permissions import Role, standing_in
from accord.decisions import queries as decision_queries
from accord.decisions.models import Proposal, Stance
from accord.demo import DEMO_PASSWORD, Demo, database_is_empty, load_demo
from accord.errors import Conflict

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
    "member_group.added": 20,
    "invitation.created": 50,  # 45 joining links, 1 from Durham's delegate, 4 left open
    "invitation.accepted": 46,
    "affiliation.added": 5,
    "person.coordinator_added": 1,
    "person.recorded": 12,
    "application.submitted": 4,
    "application.admitted": 1,
    "application.declined": 1,
    "person.left": 1,
    "member_group.left": 1,
    # the decisions (accord.decisions.actions write through coalitions.actions.record_audit_event)
    "proposal.opened": 5,
    "stance.recorded": 122,  # 57 + 20 + 20 in the rooms, 11 delegates in round 2, 2 delegates, 12 rankings
    "proposal.closed": 3,  # by Accord itself, when everyone eligible had responded
    "proposal.round_started": 1,
}


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
        "audit": list(
            AuditEvent.objects.filter(coalition=coalition).order_by("id").values_list("verb", "actor_name", "summary")
        ),
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
    declined = applications.get(status="declined")
    assert (declined.group_name, declined.decision_reason) == ("Northern Gas Futures Forum", demo_module.DECLINE_REASON)
    admitted = applications.get(status="admitted")
    assert (admitted.member_group.name, admitted.person.name) == ("Durham Climate Students", "Ellie Watson")
    assert Affiliation.objects.get(person=admitted.person).is_delegate

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
    assert [(p.kind.key, p.status, p.round_number) for p in proposals] == [
        ("meeting_conduct", "passed", 1),
        ("amend_constitution", "passed", 1),
        ("budget_and_strategy", "open", 2),
        ("affected_groups", "open", 1),
        ("choose_between_options", "open", 1),
    ]
    meetings, rotation, budget, bus, assembly = proposals
    rounds = {p.pk: [(r.number, r.status, r.eligible_count) for r in p.rounds.order_by("number")] for p in proposals}
    assert rounds == {
        meetings.pk: [(1, "passed", 57)],
        rotation.pk: [(1, "passed", 20)],
        budget.pk: [(1, "blocked", 20), (2, "open", 20)],
        bus.pk: [(1, "open", 4)],
        assembly.pk: [(1, "open", 57)],
    }
    assert meetings.rounds.get().outcome["summary"] == (
        "Passed: 57 of 57 people took part (quorum 15); 44 of 51 decided people agree (86.2%, needed more than half)."
    )
    assert rotation.rounds.get().outcome["summary"] == (
        "Passed: 20 of 20 member groups took part (quorum 10); 1 block, allowed 1 under one block per 12 member "
        "groups, 20 eligible; 16 member groups agreeing."
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
    assert all(r.closes_at.hour == 18 for p in (budget, bus, assembly) for r in p.rounds.filter(status="open"))
    assert list(decision_queries.awaiting(demo.delegate, demo.coalition)) == [bus]
    assert list(decision_queries.awaiting(demo.member, demo.coalition)) == [assembly]
    assert list(decision_queries.awaiting(demo.coordinator, demo.coalition)) == []


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
    assert events.count() == sum(calls.values()) == sum(EXPECTED_AUDIT_VERBS.values()) == 275
    assert Counter(events.values_list("verb", flat=True)) == EXPECTED_AUDIT_VERBS
    assert not events.filter(actor_user__isnull=True).exclude(verb="proposal.closed").exists()
    assert set(events.filter(verb="proposal.closed").values_list("actor_name", "actor_user")) == {("Accord", None)}
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
        load_demo()
    assert sorted(message.to[0] for message in mail.outbox) == [
        "alex.morgan@demo.example",  # invited by email
        "dominic.price@demo.example",  # declined
        "ellie.watson@demo.example",  # admitted
        "patrick.oneill@demo.example",  # invited to claim his record
        "samir.haddad@demo.example",
    ]


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
