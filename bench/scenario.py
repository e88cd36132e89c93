"""A large coalition at the reference scale of DESIGN.md ("Budgets"), built deterministically for measurement.

This is a fixture for benchmarks, not a way to change a coalition: it writes rows straight into the models with
`bulk_create`, in one transaction, and bypasses the actions entirely (no validation, no permission checks, no
notifications). The audit events it writes are invented history with the same shape as the ones the actions write,
so that the audit log has realistic length and content; they do not correspond one for one to the other rows.
Never point it at a database whose data matters.

With the default seed the coalition is the same on every run and every database:

- one coalition (slug `bench-large`) founded five years before 2025-06-01 (fixed dates, not "now");
- 1,300 member groups of skewed sizes: most record a handful of people, a few record hundreds (a log-normal
  draw); about 2% have left the coalition, with their affiliations ended;
- 14,000 people: about 10% in two member groups, about 3% unaffiliated individual members, about 5% former
  members whose affiliations ended (those of the groups that left among them), the rest in one group;
  3 coordinators; every current member group has 1 to 3 delegates;
- about 30,000 audit events, oldest first, most of them by the coordinators, some by delegates and by people who
  have since left (shown as "former member");
- two accounts, for the personas a benchmark signs in as: a coordinator and a plain member (one group, no other
  role). Their passwords are unusable: sign them in with the test client's `force_login`.

    python -m bench.scenario          build it into the database of the current settings (ACCORD_DATA_DIR or
                                      DATABASE_URL), after `accord migrate`; refuses if the slug is taken

`build()` prints to stderr how long generation took, and returns it with the row counts.
"""

from __future__ import annotations

import math
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

SEED = 20251125
SLUG = "bench-large"
NAME = "Great Rivers Climate Coalition"
COORDINATOR_EMAIL = "coordinator@bench-large.example"
MEMBER_EMAIL = "member@bench-large.example"

MEMBER_GROUPS = 1_300
PEOPLE = 14_000
AUDIT_EVENTS = 30_000
SHARE_TWO_GROUPS = 0.10
SHARE_INDIVIDUAL = 0.03
SHARE_FORMER = 0.05
SHARE_GROUPS_LEFT = 0.02
COORDINATORS = 3

END = datetime(2025, 6, 1, tzinfo=UTC)
START = END - timedelta(days=5 * 365)

PLACES = (
    "Aberdeen Abingdon Ashford Barnsley Bath Bedford Belfast Birmingham Blackpool Bolton Bradford Brighton Bristol "
    "Burnley Cambridge Canterbury Cardiff Carlisle Chester Colchester Coventry Crewe Darlington Derby Doncaster "
    "Dover Dudley Dundee Durham Exeter Falkirk Galway Glasgow Gloucester Grimsby Halifax Harrogate Hastings "
    "Hereford Huddersfield Hull Inverness Ipswich Kendal Kingston Lancaster Leeds Leicester Lincoln Liverpool "
    "Luton Manchester Middlesbrough Newport Northampton Norwich Nottingham Oldham Oxford Paisley Perth Plymouth "
    "Portsmouth Preston Reading Rochdale Salford Sheffield Shrewsbury Southampton Stirling Stockport Sunderland "
    "Swansea Swindon Telford Truro Wakefield Walsall Warrington Wigan Winchester Worcester Wrexham York"
).split()
KINDS = (
    "Climate Action, Food Growers, Tenants Union, Cycling Campaign, Friends of the Earth, Community Energy, "
    "Repair Cafe, Youth Strike, Faith for Climate, Parents for Future, Allotment Society, Wildlife Trust, "
    "Transition Town, Trades Council, Students for Climate, Clean Air Campaign, Food Bank, Bus Users, "
    "Rivers Trust, Mutual Aid, Housing Co-op, Walking Group, Zero Waste, Solar Co-op, Tree Wardens"
).split(", ")
FIRST_NAMES = (
    "Aaliyah Abdul Ada Aisha Alex Alice Amara Amir Ana Andrew Anna Ayesha Ben Bethan Callum Carlos Charlotte Chen "
    "Chloe Ciaran Dan Daniel David Deepa Eilidh Elena Ella Emeka Emily Emma Ewan Fatima Femi Finn Fiona Freya "
    "George Grace Hannah Harry Hassan Ibrahim Imran Isla Jack Jamal James Jess Joe Jordan Kai Kate Kemi Kofi "
    "Laura Leah Leila Liam Lucy Maria Mark Maya Megan Mo Nadia Niamh Nia Noah Oliver Omar Oscar Owen Patrick "
    "Priya Rachel Rhys Rosa Ruth Ryan Sam Sara Sean Sofia Sophie Tariq Tom Uma Wei Yasmin Yusuf Zainab Zoe"
).split()
SURNAMES = (
    "Adams Ahmed Ali Allen Bailey Baker Begum Bell Bennett Brown Campbell Chen Clarke Cole Collins Cooper Davies "
    "Edwards Evans Fisher Foster Gallagher Green Griffiths Hall Harris Hill Hughes Hussain Jackson James Jones "
    "Kaur Kelly Khan King Lee Lewis Lloyd MacLeod Martin Mason Mitchell Moore Morgan Morris Murphy Nguyen "
    "O'Brien Okafor Owen Parker Patel Phillips Price Rahman Reid Roberts Robinson Rogers Ross Scott Shah Singh "
    "Smith Stewart Taylor Thomas Thompson Turner Walker Walsh Ward Watson White Williams Wilson Wood Wright Young"
).split()


@dataclass
class Scenario:
    """What `build` made: the coalition, the personas' accounts, row counts and how long it took."""

    coalition: Any
    coordinator: Any
    member: Any
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _when(rng: random.Random, after: datetime, before: datetime = END) -> datetime:
    span = max(int((before - after).total_seconds()), 1)
    return after + timedelta(seconds=rng.randrange(span))


def _group_names(rng: random.Random, count: int) -> list[str]:
    pairs = [f"{place} {kind}" for place in PLACES for kind in KINDS]
    names, round_ = list(pairs), 1
    while len(names) < count:  # more groups than place-kind pairs: number the further rounds
        round_ += 1
        names += [f"{pair} {round_}" for pair in pairs]
    rng.shuffle(names)
    return names[:count]


def _headcounts(rng: random.Random, groups: int, slots: int) -> list[int]:
    """Recorded people per group, summing to `slots`: at least one each, log-normally skewed (many small, few big)."""
    weights = [rng.lognormvariate(0.0, 1.4) for _ in range(groups)]
    spare = slots - groups
    total = sum(weights)
    shares = [spare * weight / total for weight in weights]
    counts = [1 + math.floor(share) for share in shares]
    by_remainder = sorted(range(groups), key=lambda index: shares[index] - math.floor(shares[index]), reverse=True)
    for index in by_remainder[: slots - sum(counts)]:
        counts[index] += 1
    return counts


def build(
    *,
    seed: int = SEED,
    slug: str = SLUG,
    member_groups: int = MEMBER_GROUPS,
    people: int = PEOPLE,
    audit_events: int = AUDIT_EVENTS,
    verbose: bool = True,
) -> Scenario:
    """Write the large coalition into the current database, in one transaction, and return what was made."""
    from django.db import transaction

    started = time.perf_counter()
    with transaction.atomic():
        scenario = _build(random.Random(seed), slug, member_groups, people, audit_events)
    scenario.seconds = time.perf_counter() - started
    if verbose:
        counts = ", ".join(f"{count:,} {name}" for name, count in scenario.counts.items())
        print(f"scenario {slug}: {counts} in {scenario.seconds:.1f} s", file=sys.stderr)
    return scenario


def _build(rng: random.Random, slug: str, group_count: int, people_count: int, event_count: int) -> Scenario:
    from accord.accounts.models import User
    from accord.coalitions.models import Affiliation, AuditEvent, Coalition, MemberGroup, Person

    coordinator_user = User(email=COORDINATOR_EMAIL, name="Coordinator (benchmark)")
    member_user = User(email=MEMBER_EMAIL, name="Member (benchmark)")
    for user in (coordinator_user, member_user):
        user.set_unusable_password()
        user.save()

    coalition = Coalition.objects.create(
        name=NAME,
        slug=slug,
        purpose="A large coalition generated for benchmarks: groups and people across the country.",
        membership_questions="Why do you want to join?\nWhich of our campaigns would you take part in?",
        created_at=START,
        created_by=coordinator_user,
    )

    # --- member groups: ~2% have left; recorded headcounts skewed ------------------------------------------------
    left_count = round(group_count * SHARE_GROUPS_LEFT)
    groups: list[MemberGroup] = []
    for index, name in enumerate(_group_names(rng, group_count)):
        joined = _when(rng, START, END - timedelta(days=60))
        left = index < left_count
        groups.append(
            MemberGroup(
                coalition=coalition,
                name=name,
                description=f"{name}: local people organising together." if rng.random() < 0.7 else "",
                size=1,  # set below from the recorded headcount
                contact_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
                contact_email=f"contact{index}@group{index}.example",
                joined_at=joined,
                left_at=_when(rng, joined + timedelta(days=30)) if left else None,
                leave_reason="Our members voted to leave the coalition." if left else "",
            )
        )
    active_groups = [group for group in groups if group.left_at is None]
    former_groups = [group for group in groups if group.left_at is not None]

    # --- people: who is in how many groups ---------------------------------------------------------------------
    former_n = round(people_count * SHARE_FORMER)
    individual_n = round(people_count * SHARE_INDIVIDUAL)
    two_n = round(people_count * SHARE_TWO_GROUPS)
    one_n = people_count - former_n - individual_n - two_n
    kinds = ["one"] * one_n + ["two"] * two_n + ["individual"] * individual_n + ["former"] * former_n
    rng.shuffle(kinds)

    headcounts = _headcounts(rng, len(active_groups), one_n + 2 * two_n)
    slots = [group_index for group_index, count in enumerate(headcounts) for _ in range(count)]
    rng.shuffle(slots)
    for group, count in zip(active_groups, headcounts, strict=True):
        group.size = max(count, round(count * rng.lognormvariate(1.0, 0.6)))
    for group in former_groups:
        group.size = rng.randint(3, 60)
    MemberGroup.objects.bulk_create(groups)

    # one-group people take a slot each; two-group people take two slots in different groups
    memberships: list[list[int]] = []
    cursor = 0
    for kind in kinds:
        if kind == "one":
            memberships.append([slots[cursor]])
            cursor += 1
        elif kind == "two":
            first, second = slots[cursor], slots[cursor + 1]
            if first == second:  # swap the second for a later slot in another group
                swap = next(i for i in range(cursor + 2, len(slots)) if slots[i] != first)
                slots[cursor + 1], slots[swap] = slots[swap], slots[cursor + 1]
                second = slots[cursor + 1]
            memberships.append([first, second])
            cursor += 2
        else:
            memberships.append([])

    persons: list[Person] = []
    for index, kind in enumerate(kinds):
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        joined = _when(rng, START, END - timedelta(days=30))
        former = kind == "former"
        persons.append(
            Person(
                coalition=coalition,
                name=f"{first} {last}",
                email=f"{first.lower()}.{last.lower().replace(chr(39), '')}.{index}@people.example"
                if rng.random() < 0.85
                else "",
                is_individual_member=kind == "individual",
                joined_at=joined,
                left_at=_when(rng, joined + timedelta(days=7)) if former else None,
                leave_reason=rng.choice(["", "Moved away.", "No time at the moment."]) if former else "",
            )
        )

    # former members: about twelve left with each group that left; most others left one group; a few were
    # individual members
    former_people = [person for person, kind in zip(persons, kinds, strict=True) if kind == "former"]
    ended_affiliations: list[Affiliation] = []
    for position, person in enumerate(former_people):
        if position < len(former_groups) * 12:
            group = former_groups[position % len(former_groups)]
            person.joined_at = _when(rng, group.joined_at, group.left_at - timedelta(days=1))
            person.left_at, reason = group.left_at, f"{group.name} left the coalition"
            person.leave_reason = f"Their member group {group.name} left the coalition."
        elif rng.random() < 0.9:
            group, reason = rng.choice(active_groups), "Left the coalition"
        else:
            continue
        ended_affiliations.append(
            Affiliation(
                person=person,
                member_group=group,
                is_delegate=rng.random() < 0.1,
                started_at=person.joined_at,
                ended_at=person.left_at,
                end_reason=reason,
            )
        )

    # personas: three coordinators and a plain member, all current members in one group
    in_one_group = [index for index, kind in enumerate(kinds) if kind == "one"]
    coordinator_indexes = in_one_group[:COORDINATORS]
    for index in coordinator_indexes:
        persons[index].is_coordinator = True
    persons[coordinator_indexes[0]].user = coordinator_user
    persons[coordinator_indexes[0]].name = "Casey Coordinator"
    member = next(  # in a group with others in it, so that the group still has a delegate
        persons[index] for index in in_one_group[COORDINATORS:] if headcounts[memberships[index][0]] > 1
    )
    member.user = member_user
    member.name = "Morgan Member"
    Person.objects.bulk_create(persons, batch_size=2000)

    # --- current affiliations and delegates ------------------------------------------------------------------
    affiliations: list[Affiliation] = []
    by_group: dict[int, list[Affiliation]] = defaultdict(list)
    for person, group_indexes in zip(persons, memberships, strict=True):
        for group_index in group_indexes:
            group = active_groups[group_index]
            affiliation = Affiliation(
                person=person, member_group=group, started_at=max(person.joined_at, group.joined_at)
            )
            affiliations.append(affiliation)
            by_group[group_index].append(affiliation)
    delegates: list[Person] = []
    for group_index in sorted(by_group):
        candidates = [row for row in by_group[group_index] if row.person is not member]  # the member has no role
        for row in rng.sample(candidates, min(len(candidates), rng.choice([1, 1, 2, 2, 2, 3]))):
            row.is_delegate = True
            delegates.append(row.person)
    affiliations += ended_affiliations
    Affiliation.objects.bulk_create(affiliations, batch_size=2000)

    # --- the audit log -------------------------------------------------------------------------------------------
    coordinators = [persons[index] for index in coordinator_indexes]
    events = _audit_events(
        rng, coalition, coordinator_user, coordinators, delegates, former_people, groups, persons, event_count
    )
    AuditEvent.objects.bulk_create(events, batch_size=2000)

    return Scenario(
        coalition=coalition,
        coordinator=coordinator_user,
        member=member_user,
        counts={
            "member groups": len(groups),
            "member groups that left": len(former_groups),
            "people": len(persons),
            "former members": len(former_people),
            "individual members": individual_n,
            "people in two groups": two_n,
            "affiliations": len(affiliations),
            "delegates": len(delegates),
            "audit events": len(events),
            "largest group (people recorded)": max(headcounts),
            "median group (people recorded)": sorted(headcounts)[len(headcounts) // 2],
        },
    )


def _audit_events(
    rng: random.Random,
    coalition: Any,
    coordinator_user: Any,
    coordinators: list[Any],
    delegates: list[Any],
    former_people: list[Any],
    groups: list[Any],
    persons: list[Any],
    count: int,
) -> list[Any]:
    from accord.coalitions.models import AuditEvent

    def actor() -> Any:
        roll = rng.random()
        if roll < 0.75:
            return rng.choice(coordinators)
        if roll < 0.95:
            return rng.choice(delegates)
        return rng.choice(former_people)

    def group_event() -> tuple[str, str, str, int, dict[str, Any]]:
        group = rng.choice(groups)
        verb = rng.choice(["member_group.added", "member_group.updated", "member_group.updated"])
        if verb == "member_group.added":
            return verb, f"added the member group {group.name} ({group.size} people)", "membergroup", group.pk, {}
        return verb, f"changed the details of {group.name}", "membergroup", group.pk, {"fields": ["description"]}

    def person_event() -> tuple[str, str, str, int, dict[str, Any]]:
        person = rng.choice(persons)
        verb = rng.choice(["person.recorded", "person.recorded", "person.updated", "person.left"])
        summaries = {
            "person.recorded": f"recorded {person.name} in {rng.choice(groups).name}",
            "person.updated": f"changed the details of {person.name}",
            "person.left": "left the coalition",
        }
        return verb, summaries[verb], "person", person.pk, {}

    def affiliation_event() -> tuple[str, str, str, int, dict[str, Any]]:
        person, group = rng.choice(persons), rng.choice(groups)
        verb = rng.choice(["affiliation.added", "affiliation.added", "affiliation.delegate_added", "affiliation.ended"])
        summaries = {
            "affiliation.added": f"added {person.name} to {group.name}",
            "affiliation.delegate_added": f"made {person.name} a delegate of {group.name}",
            "affiliation.ended": f"ended {person.name}'s membership of {group.name}",
        }
        return verb, summaries[verb], "affiliation", rng.randrange(1, 20_000), {"person": person.pk}

    def other_event() -> tuple[str, str, str, int, dict[str, Any]]:
        verb = rng.choice(
            [
                "invitation.created",
                "invitation.accepted",
                "application.submitted",
                "application.admitted",
                "coalition.updated",
            ]
        )
        summaries = {
            "invitation.created": "created an invitation link",
            "invitation.accepted": "accepted an invitation",
            "application.submitted": f"applied to join on behalf of {rng.choice(groups).name}",
            "application.admitted": "admitted an application",
            "coalition.updated": "changed the coalition's purpose",
        }
        return verb, summaries[verb], verb.split(".")[0], rng.randrange(1, 5_000), {}

    makers = [person_event] * 5 + [affiliation_event] * 3 + [group_event] + [other_event]
    moments = sorted(_when(rng, START) for _ in range(count))
    events = []
    for moment in moments:
        verb, summary, target_type, target_id, data = rng.choice(makers)()
        who = actor()
        events.append(
            AuditEvent(
                coalition=coalition,
                actor_user=coordinator_user if who is coordinators[0] else None,
                actor_person=who,
                actor_name=who.name,
                verb=verb,
                summary=summary[:500],
                target_type=target_type,
                target_id=target_id,
                data=data,
                created_at=moment,
            )
        )
    return events


def main() -> int:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    django.setup()
    from accord.coalitions.models import Coalition

    if Coalition.objects.filter(slug=SLUG).exists():
        print(f"a coalition with the slug {SLUG} exists already: nothing done", file=sys.stderr)
        return 1
    build()
    return 0


if __name__ == "__main__":
    sys.exit(main())
