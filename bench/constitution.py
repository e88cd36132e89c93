"""The constitution at the reference scale, against floors measured in the same run (DESIGN.md, "Budgets").

    python -m bench --only constitution                     every part below
    python -m bench --only constitution_reads               one of them

Two coalitions from bench/scenario.py's generator in one database: a small one (13 current member groups, 140
current people) and a large one at the reference scale (1,300 current member groups, 14,000 current people; 14,737
people and 1,327 groups written, as in bench/decisions.py). Each gets the default decision kinds and the template
constitution (through the actions), one extra decision kind with the "amend the constitution" rule (so a plain
proposal is tallied exactly as an amendment is), and is founded by a real founding decision: every founding group's
stance is a benchmark fixture written with `bulk_create` (all "agree"), then the round is closed by
`decisions.actions.close_round_if_due`, which runs the founding effect. An amendment to the unity statement (which
members sign on to) then passes the same way, and about half the member groups re-confirm it (rows, not actions),
so the sign-on status holds both; a few amendments stay open.

The parts, each a key of the `constitution` results:

- `constitution_reads`: `accord.agreements.queries.constitution(...)` (the whole constitution with its dependence
  check) and `accord.agreements.queries.sign_on_status(...)`, as the coordinator, at 13 and at 1,300 groups: their
  SQL queries (CaptureQueriesContext), which should be the same at both sizes, and their median time over
  --list-repeat runs, interleaved with a floor: the bare ORM reads of the same rows, materialised as values (for
  the constitution: the terms, agreements and their versions, open amendment counts, decision kinds, agreed
  weights, open amendments, and the current groups, people and individual members the dependence check counts; for
  the sign-on status: the agreements members confirm and their versions, the sign-ons of those versions, the
  current groups and the individual members). `ratio` is time / floor; `ratio_large_to_small` compares the sizes.
- `constitution_page`: the constitution page (`web:constitution`) through Django's test client, signed in with
  `force_login` as the coordinator: queries at both sizes and median time, with the ratio to the
  `constitution(...)` read at that size. Skipped (and said so) when the page does not exist yet.
- `closing`: closing a passed round, at both sizes. An amendment's round (its effect makes a new version of an
  agreement and marks conflicting amendments stale) against a plain proposal's round under the same rule (no
  effect), interleaved, 5 pairs (each close is used up, so each pair is a fresh pair of
  proposals opened beforehand); `ratio` is amendment / plain. The founding decision's close is recorded once per
  size, as information: its effect signs every agreeing founding group on to the agreements.

Production settings throughout (DEBUG off, the database task queue, collected static files). This runs in a child
process of `python -m bench` with its own data folder (`--constitution-child`), because the scenario's accounts
would collide with the other benchmarks' copies of it.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

PARTS = ("constitution_reads", "constitution_page", "closing")

SIZES = {
    # name: (member groups written, people written) -> 13 / 1,300 current groups, 140 / 14,000 current people
    "small": (13, 147),
    "large": (1_327, 14_737),
}
CLOSE_PAIRS = 5
# Agreements amended in the closing part: ones members do not re-confirm, so no e-mails are queued.
CLOSE_TARGETS = ("purpose", "values", "policy_conflict", "policy_privacy", "policy_anti_oppression")
PLAIN_KIND = "bench_same_rule"
ROOT = Path(__file__).resolve().parent.parent


class BenchProblem(AssertionError):
    """A step did not do what it was measured doing: its figures would mean nothing."""


@dataclass
class Built:
    name: str
    coalition: Any
    coordinator: Any
    groups: int = 0
    people: int = 0
    closing_pairs: list[tuple[Any, Any]] = field(default_factory=list)  # (amendment proposal, plain proposal)
    founding: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


# --- the fixture ----------------------------------------------------------------------------------------------------


def _agree_all(proposal: Any) -> int:
    """Every eligible unit of the proposal's current round agrees: rows, not actions."""
    from django.db import transaction
    from django.utils import timezone

    from accord.decisions import queries
    from accord.decisions.models import EligibleUnit, Stance

    round_ = queries.current_round(proposal)
    now = timezone.now()
    units = EligibleUnit.objects.filter(round=round_).values_list("pk", "key", "size", "weight")
    rows = [
        Stance(round=round_, unit_id=pk, unit_key=key, size=size, weight=weight, position="agree", created_at=now)
        for pk, key, size, weight in units
    ]
    with transaction.atomic():
        Stance.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _close(proposal: Any) -> tuple[float, int, str]:
    """Close the proposal's current round as if its time had come: seconds, SQL queries, the status it ends in."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accord.decisions import actions, queries

    round_ = queries.current_round(proposal)
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        closed = actions.close_round_if_due(round_id=round_.pk, now=round_.closes_at + timedelta(seconds=1))
        took = time.perf_counter() - started
    if closed is None:
        raise BenchProblem(f"round {round_.pk} of “{proposal.title}” did not close")
    proposal.refresh_from_db()
    return took, len(captured.captured_queries), proposal.status


def build(name: str, pairs: int) -> Built:
    from django.db import transaction
    from django.utils import timezone

    from accord.agreements import actions as agreements
    from accord.agreements.models import Agreement, SignOn
    from accord.decisions import actions as decisions
    from accord.decisions.defaults import RADICAL_ROUTES
    from accord.decisions.models import DecisionKind
    from bench import scenario

    groups, people = SIZES[name]
    started = time.perf_counter()
    # The generator's two accounts have fixed addresses: give each coalition its own.
    scenario.COORDINATOR_EMAIL = f"coordinator@bench-{name}.example"
    scenario.MEMBER_EMAIL = f"member@bench-{name}.example"
    made = scenario.build(slug=f"bench-constitution-{name}", member_groups=groups, people=people, audit_events=1000)
    coalition, coordinator = made.coalition, made.coordinator
    built = Built(name=name, coalition=coalition, coordinator=coordinator)
    soon = timezone.now() + timedelta(days=7)

    decisions.adopt_default_decision_kinds(actor=coordinator, coalition=coalition)
    agreements.seed_draft(coalition)
    decisions.set_decision_kind(
        actor=coordinator,
        coalition=coalition,
        key=PLAIN_KIND,
        name="Plain decision under the amendment rule",
        rule=RADICAL_ROUTES,
    )
    founding = agreements.propose_founding(actor=coordinator, coalition=coalition, closes_at=soon)
    stances = _agree_all(founding)
    took, queries, status = _close(founding)
    if status != "passed":
        raise BenchProblem(f"the founding decision ended {status}: {founding.effect_note}")
    coalition.refresh_from_db()
    built.founding = {"stances": stances, "close_ms": round(took * 1000, 1), "close_queries": queries}
    built.groups = stances

    def amend(key: str, text: str) -> Any:
        agreement = Agreement.objects.get(coalition=coalition, key=key)
        return agreements.propose_amendment(
            actor=coordinator,
            coalition=coalition,
            target="agreement",
            agreement=agreement,
            change={"text": text},
            title=f"Rewrite {agreement.key}",
            closes_at=soon,
        )

    # A passed amendment to an agreement members sign on to; about half the groups re-confirm its new version.
    unity = amend("unity_statement", "We come together to keep our rivers clean and our towns cool.")
    _agree_all(unity.proposal)
    if _close(unity.proposal)[2] != "passed":
        raise BenchProblem("the unity statement's amendment did not pass")
    unity.refresh_from_db()
    version = unity.adopted_version
    from accord.coalitions import queries as coalition_queries

    group_rows = list(coalition_queries.current_groups(coalition).order_by("pk"))
    with transaction.atomic():
        SignOn.objects.bulk_create(
            [
                SignOn(
                    coalition=coalition,
                    version=version,
                    member_group=group,
                    signed_by=None,
                    signed_by_name="benchmark",
                )
                for group in group_rows[::2]
            ],
            batch_size=2000,
        )

    # Open amendments the constitution lists (one on the terms, one on the unity statement again).
    agreements.propose_amendment(
        actor=coordinator,
        coalition=coalition,
        target="terms",
        change={"induction_days": 21},
        title="A longer induction",
        closes_at=soon,
    )
    amend("unity_statement", "We come together to keep our rivers clean, our towns cool and our bills low.")

    # The closing part's pairs: an amendment and a plain proposal under the same rule, every group agreeing.
    plain_kind = DecisionKind.objects.get(coalition=coalition, key=PLAIN_KIND)
    for index in range(pairs):
        key = CLOSE_TARGETS[index % len(CLOSE_TARGETS)]
        amendment = amend(key, f"Amended by the benchmark, pair {index + 1}.")
        plain = decisions.open_proposal(
            actor=coordinator,
            coalition=coalition,
            kind=plain_kind,
            title=f"A plain proposal, pair {index + 1}",
            text="Measured by the benchmarks.",
            closes_at=soon,
        )
        _agree_all(amendment.proposal)
        _agree_all(plain)
        built.closing_pairs.append((amendment.proposal, plain))
    built.people = coalition_queries.current_people(coalition).count()
    built.seconds = time.perf_counter() - started
    return built


# --- constitution_reads -------------------------------------------------------------------------------------------


def _constitution_floor(coalition: Any) -> int:
    """The rows `constitution(...)` shows, read bare."""
    from accord.agreements.models import Agreement, AgreementVersion, Amendment, Constitution
    from accord.coalitions import queries as coalition_queries
    from accord.decisions.models import AgreedWeight, DecisionKind, Status

    rows = list(Constitution.objects.filter(coalition=coalition).values())
    agreement_ids = list(Agreement.objects.filter(coalition=coalition).values_list("pk", "key", "category", "position"))
    rows += list(AgreementVersion.objects.filter(agreement__coalition=coalition).values("pk", "number", "text"))
    rows += list(
        Amendment.objects.filter(coalition=coalition, proposal__status__in=[Status.OPEN, Status.NOT_APPLIED])
        .filter(applied_at__isnull=True)
        .values("pk", "target", "proposal__title", "proposal__status")
    )
    rows += list(DecisionKind.objects.filter(coalition=coalition).values("pk", "name", "rule", "scope"))
    rows += list(AgreedWeight.objects.filter(coalition=coalition).values_list("member_group_id", "weight"))
    rows += list(coalition_queries.current_groups(coalition).values_list("pk", "name", "size"))
    rows += list(coalition_queries.current_people(coalition).values_list("pk", "name", "is_coordinator"))
    rows += list(coalition_queries.individual_members(coalition).values_list("pk", "name"))
    return len(rows) + len(agreement_ids)


def _sign_on_floor(coalition: Any) -> int:
    """The rows `sign_on_status(...)` shows, read bare."""
    from accord.agreements.models import AgreementVersion, SignOn
    from accord.coalitions import queries as coalition_queries

    versions = list(
        AgreementVersion.objects.filter(agreement__coalition=coalition, agreement__members_confirm=True).values_list(
            "pk", "agreement_id", "number", "title"
        )
    )
    signed = list(
        SignOn.objects.filter(version_id__in=[row[0] for row in versions]).values_list(
            "member_group_id", "person_id", "version_id"
        )
    )
    groups = list(coalition_queries.current_groups(coalition).values_list("pk", "name"))
    people = list(coalition_queries.individual_members(coalition).values_list("pk", "name"))
    return len(versions) + len(signed) + len(groups) + len(people)


def _interleaved(repeat: int, measured: Any, floor: Any) -> tuple[list[float], list[float]]:
    measured()
    floor()
    times: list[float] = []
    floor_times: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        measured()
        times.append(time.perf_counter() - started)
        started = time.perf_counter()
        floor()
        floor_times.append(time.perf_counter() - started)
    return times, floor_times


def _count(call: Any) -> tuple[int, list[str], Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        value = call()
    return len(captured.captured_queries), [query["sql"] for query in captured.captured_queries], value


def constitution_reads(built: dict[str, Built], repeat: int, show_queries: bool = False) -> dict[str, Any]:
    from accord.agreements import queries

    def read_constitution(size: Built) -> Any:
        view = queries.constitution(size.coordinator, size.coalition)
        # what a page touches: every row, every kind's rule, every warning
        return (
            [(row.agreement.key, row.version.number, row.open_amendments) for row in view.agreements],
            [(kind.name, kind.rule) for kind in view.kinds],
            [(amendment.proposal.title, amendment.is_stale) for amendment in view.open_amendments],
            [warning.message for warning in view.dependence],
            view.adopted,
        )

    def read_sign_on(size: Built) -> Any:
        return [
            (row.label, [version.pk for version in row.missing])
            for row in queries.sign_on_status(size.coordinator, size.coalition)
        ]

    reads = {
        "constitution": (read_constitution, _constitution_floor),
        "sign_on_status": (read_sign_on, _sign_on_floor),
    }
    result: dict[str, Any] = {"repeat": repeat}
    for name, (read, floor) in reads.items():
        figures: dict[str, Any] = {"queries": {}, "timings": {}}
        logs: dict[str, list[str]] = {}
        for size in built.values():
            count, logs[size.name], value = _count(lambda size=size, read=read: read(size))
            figures["queries"][size.name] = count
            if name == "constitution":
                figures.setdefault("dependence_warnings", {})[size.name] = len(value[3])
                figures.setdefault("open_amendments", {})[size.name] = len(value[2])
            else:
                figures.setdefault("members", {})[size.name] = len(value)
                figures.setdefault("members_missing_a_version", {})[size.name] = sum(
                    1 for _, missing in value if missing
                )
            times, floor_times = _interleaved(
                repeat,
                lambda size=size, read=read: read(size),
                lambda size=size, floor=floor: floor(size.coalition),
            )
            median, floor_median = statistics.median(times), statistics.median(floor_times)
            figures["timings"][size.name] = {
                "groups": size.groups,
                "people": size.people,
                "median_ms": round(median * 1000, 2),
                "floor_ms": round(floor_median * 1000, 2),
                "ratio": round(median / floor_median, 2),
                "min_ms": round(min(times) * 1000, 2),
            }
        counts = figures["queries"]
        figures["query_count_independent_of_size"] = counts["small"] == counts["large"]
        figures["ratio_large_to_small"] = round(
            figures["timings"]["large"]["median_ms"] / figures["timings"]["small"]["median_ms"], 2
        )
        if not figures["query_count_independent_of_size"] or show_queries:
            figures["query_log"] = logs
        result[name] = figures
    return result


# --- constitution_page --------------------------------------------------------------------------------------------


def constitution_page(built: dict[str, Built], repeat: int, show_queries: bool = False) -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client, override_settings
    from django.urls import NoReverseMatch, reverse

    from accord.agreements import queries

    try:
        urls = {name: reverse("web:constitution", args=[size.coalition.slug]) for name, size in built.items()}
    except NoReverseMatch:
        return {"skipped": "there is no page named web:constitution in this checkout"}
    result: dict[str, Any] = {"url": "web:constitution", "queries": {}, "timings": {}, "repeat": repeat}
    logs: dict[str, list[str]] = {}
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        for name, size in built.items():
            client = Client()
            client.force_login(size.coordinator)
            warm = client.get(urls[name])
            if warm.status_code != 200:
                raise BenchProblem(f"{urls[name]} answered {warm.status_code}")

            def get(client: Any = client, url: str = urls[name]) -> Any:
                response = client.get(url)
                if response.status_code != 200:
                    raise BenchProblem(f"{url} answered {response.status_code}")
                return response

            count, logs[name], _ = _count(get)
            result["queries"][name] = count
            times, floor_times = _interleaved(
                repeat, get, lambda size=size: queries.constitution(size.coordinator, size.coalition)
            )
            median, floor_median = statistics.median(times), statistics.median(floor_times)
            result["timings"][name] = {
                "groups": size.groups,
                "median_ms": round(median * 1000, 2),
                "constitution_read_ms": round(floor_median * 1000, 2),
                "ratio_to_read": round(median / floor_median, 2),
                "min_ms": round(min(times) * 1000, 2),
            }
    result["query_count_independent_of_size"] = result["queries"]["small"] == result["queries"]["large"]
    result["ratio_large_to_small"] = round(
        result["timings"]["large"]["median_ms"] / result["timings"]["small"]["median_ms"], 2
    )
    if not result["query_count_independent_of_size"] or show_queries:
        result["query_log"] = logs
    return result


# --- closing ------------------------------------------------------------------------------------------------------


def closing(built: dict[str, Built]) -> dict[str, Any]:
    from accord.agreements.models import Amendment

    result: dict[str, Any] = {}
    for name, size in built.items():
        amendment_times: list[float] = []
        plain_times: list[float] = []
        amendment_queries: list[int] = []
        plain_queries: list[int] = []
        for index, (amendment, plain) in enumerate(size.closing_pairs):
            order = [(amendment, amendment_times, amendment_queries), (plain, plain_times, plain_queries)]
            for proposal, times, counts in order if index % 2 == 0 else reversed(order):
                took, count, status = _close(proposal)
                if status != "passed":
                    raise BenchProblem(f"“{proposal.title}” ended {status}: {proposal.effect_note}")
                times.append(took)
                counts.append(count)
        applied = Amendment.objects.filter(
            proposal__in=[amendment for amendment, _ in size.closing_pairs], applied_at__isnull=False
        ).count()
        if applied != len(size.closing_pairs):
            raise BenchProblem(f"{applied} of {len(size.closing_pairs)} amendments took effect")
        amendment_median, plain_median = statistics.median(amendment_times), statistics.median(plain_times)
        result[name] = {
            "groups": size.groups,
            "pairs": len(size.closing_pairs),
            "amendment_close_ms": round(amendment_median * 1000, 2),
            "plain_close_ms": round(plain_median * 1000, 2),
            "ratio": round(amendment_median / plain_median, 2),
            "amendment_queries": sorted(set(amendment_queries)),
            "plain_queries": sorted(set(plain_queries)),
            "all_amendment_ms": [round(value * 1000, 2) for value in amendment_times],
            "all_plain_ms": [round(value * 1000, 2) for value in plain_times],
            "founding_close_ms": size.founding["close_ms"],
            "founding_close_queries": size.founding["close_queries"],
            "founding_ratio_to_plain": round(size.founding["close_ms"] / (plain_median * 1000), 2),
        }
    result["extra_queries_of_the_amendment_effect"] = {
        name: result[name]["amendment_queries"][-1] - result[name]["plain_queries"][-1] for name in built
    }
    result["amendment_queries_independent_of_size"] = (
        result["small"]["amendment_queries"] == result["large"]["amendment_queries"]
    )
    return result


# --- running --------------------------------------------------------------------------------------------------------


def measure_here(
    parts: tuple[str, ...], *, repeat: int, pairs: int = CLOSE_PAIRS, show_queries: bool = False
) -> dict[str, Any]:
    """In a process whose database (ACCORD_DATA_DIR or DATABASE_URL) is new and empty: migrate, build, measure."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    if "constitution_page" in parts:
        call_command("collectstatic", interactive=False, verbosity=0)
    result: dict[str, Any] = {
        "database": connection.vendor,
        "database_version": ".".join(str(part) for part in connection.get_database_version()),
        "debug": settings.DEBUG,
        "testing_settings": settings.TESTING,
        "parts": list(parts),
    }
    built = {name: build(name, pairs if "closing" in parts else 0) for name in SIZES}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    result["fixture"] = {
        name: {"groups": size.groups, "people": size.people, "seconds": round(size.seconds, 2)}
        for name, size in built.items()
    }
    for part in parts:
        started = time.perf_counter()
        try:
            if part == "constitution_reads":
                result[part] = constitution_reads(built, repeat, show_queries)
            elif part == "constitution_page":
                result[part] = constitution_page(built, repeat, show_queries)
            elif part == "closing":
                result[part] = closing(built)
        except BenchProblem as problem:  # the other parts still mean something
            result[part] = {"error": str(problem)}
        print(f"constitution: {part} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return result


def run_child(
    parts: tuple[str, ...], *, scratch: Path, repeat: int, pairs: int = CLOSE_PAIRS, show_queries: bool = False
) -> dict[str, Any]:
    """`measure_here` in a child process (`python -m bench --constitution-child`) with its own data folder."""
    data = Path(tempfile.mkdtemp(prefix="constitution-", dir=scratch))
    command = [sys.executable, "-m", "bench", "--constitution-child", "--only", ",".join(parts)]
    command += ["--list-repeat", str(repeat), "--repeat", str(pairs)]
    if show_queries:
        command.append("--show-queries")
    env = {**os.environ, "ACCORD_DATA_DIR": str(data / "data")}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    sys.stderr.write(done.stderr)
    if done.returncode != 0:
        return {"error": f"the constitution run failed (exit {done.returncode})"}
    return json.loads(done.stdout)


def print_table(results: dict[str, Any]) -> None:
    """The figures on stderr, for people reading the run rather than the JSON."""
    if "error" in results:
        print(f"constitution: {results['error']}", file=sys.stderr)
        return
    print(f"\nconstitution, {results.get('database', '')} {results.get('database_version', '')}", file=sys.stderr)
    reads = results.get("constitution_reads")
    if reads and "error" not in reads:
        for name in ("constitution", "sign_on_status"):
            part = reads[name]
            small, large = part["timings"]["small"], part["timings"]["large"]
            print(
                f"  {name:<15} queries {part['queries']['small']}/{part['queries']['large']} (13/1,300 groups)  "
                f"{small['median_ms']} / {large['median_ms']} ms  floor {small['floor_ms']} / {large['floor_ms']} ms  "
                f"ratio {small['ratio']} / {large['ratio']}  large/small {part['ratio_large_to_small']}",
                file=sys.stderr,
            )
    for name in PARTS:
        if "error" in results.get(name, {}):
            print(f"  {name}: {results[name]['error']}", file=sys.stderr)
    page = results.get("constitution_page")
    if page and "error" not in page:
        if "skipped" in page:
            print(f"  constitution page: skipped, {page['skipped']}", file=sys.stderr)
        else:
            print(
                f"  constitution page queries {page['queries']['small']}/{page['queries']['large']}  "
                f"{page['timings']['small']['median_ms']} / {page['timings']['large']['median_ms']} ms  "
                f"large/small {page['ratio_large_to_small']}",
                file=sys.stderr,
            )
    closes = results.get("closing")
    if closes and "error" not in closes:
        for name in SIZES:
            part = closes[name]
            print(
                f"  close, {part['groups']:>5} groups: amendment {part['amendment_close_ms']} ms "
                f"({part['amendment_queries']} queries)  plain {part['plain_close_ms']} ms "
                f"({part['plain_queries']} queries)  ratio {part['ratio']}  founding {part['founding_close_ms']} ms "
                f"({part['founding_close_queries']} queries)",
                file=sys.stderr,
            )
