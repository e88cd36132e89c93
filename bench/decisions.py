"""Decisions at the reference scale, against floors measured in the same run (DESIGN.md, "Budgets").

    python -m bench --only decisions                       every part below
    python -m bench --only stance_http,tally_db            some of them

The parts, each a key of the `decisions` results:

- `stance_http`: recording a stance over HTTP. A real server (gunicorn, started as `accord web --workers 1` does:
  one process, 4 threads) on a SQLite file database, with `bench.settings` (Accord's settings plus one URL, the
  floor; see bench/urls.py). The coordinator records stances for different people on an open people-counted
  proposal with 14,000 eligible, `POST /api/v1/coalitions/{slug}/proposals/{id}/stances` with
  `{"unit": "p<id>", "position": "agree"}` and a bearer token. The floor, `POST /bench/floor/`, authenticates the
  same token the same way and inserts one row (a non-current `Stance` in the same round) in a transaction. Both are
  sent in batches of 50 (after 20 to warm up), interleaved, --requests of each over one keep-alive connection
  (`sequential`) and as many again over 4 connections from 4 client threads (`concurrent`); a batch's throughput is
  its requests over its wall time, and the median batch is kept. Every stance is for a new unit; the run stops if
  any request does not answer 201, or the round does not hold one current stance per stance sent.
  Budget: `ratio` (stances per second / floor rows per second) at least 0.5.
- `tally_db`: `accord.decisions.queries.tally_round` of a people-counted proposal with 14,000 eligible and 14,000
  current stances (plus 1,400 earlier, no longer current ones), against the bare
  `SELECT position, COUNT(*) FROM decisions_stance WHERE round_id = %s AND is_current GROUP BY position`
  (cursor.execute and fetchall), interleaved, medians. Budget: `ratio` at most 2. The same for a proposal counted
  by member groups, weighted by the square root of their size, over 1,300 groups (there the tally also reads the
  eligible units' sizes; `floor_with_sizes_ms` is the GROUP BY position, size it needs).
- `kernel_million`: `accord.governance.tally` over 1,000,000 stances (people, equal weights; and member groups
  weighted by the square root of varied sizes), against a bare pass counting the same stance objects' positions
  with `collections.Counter`; medians of --repeat runs. The kernel checks each stance first, as the rule simulator
  has it do; `people_equal_unchecked` is the same tally with `checked=True`, as the application calls it for
  stances it checked when they were recorded. Informative: there is no budget.
- `proposal_page_queries`: the proposal page (`web:proposal`) through Django's test client, signed in with
  `force_login` as the coordinator and as a plain member: its SQL queries (CaptureQueriesContext) with 100, 13,990
  and 14,000 of 14,000 stances, and its median time at each. `query_count_independent_of_stances` (the budget)
  holds when the count is the same at 100 and 13,990 (both list people still to respond) and no higher at 14,000
  (where that list is empty, so its page is not read).

The coalition is bench/scenario.py's generator with 14,737 people and 1,327 member groups, so that 14,000 people
and 1,300 groups are current members. Proposals are opened through `accord.decisions.actions` (the default
decision kinds are adopted by the action, and a "weighted majority of groups" kind added by it); the stances the
tallies and the large page read are a benchmark fixture written with `bulk_create` (seeded: the same every run),
and the small page's 100 by the action. Production settings throughout (DEBUG off, the database task queue,
collected static files).

This runs in a child process of `python -m bench` with its own data folder (`--decisions-child`), because the
scenario's accounts would collide with the list benchmarks' copy of it, and the HTTP server needs the database
in a file. With `BENCH_DATABASE_URL` the database parts run again on PostgreSQL, in a scratch database.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

PARTS = ("stance_http", "tally_db", "kernel_million", "proposal_page_queries")
DATABASE_PARTS = ("stance_http", "tally_db", "proposal_page_queries")

SEED = 20251126
SCENARIO_PEOPLE = 14_737  # 5% of them former members: 14,000 current
SCENARIO_GROUPS = 1_327  # 2% of them have left: 1,300 current
SMALL_PAGE_STANCES = 100
PAGE_SILENT = 10  # on the page's third proposal, so that its list of those yet to respond is not empty
EARLIER_SHARE = 0.10  # units whose current stance replaced an earlier one
POSITIONS = ("agree", "disagree", "abstain")
POSITION_WEIGHTS = (60, 25, 15)
KERNEL_STANCES = 1_000_000

HTTP_WORKERS = 1
HTTP_CLIENTS = 4
HTTP_BATCH = 50
HTTP_WARM_UP = 20
ROOT = Path(__file__).resolve().parent.parent

FLOOR_SQL = "SELECT position, COUNT(*) FROM decisions_stance WHERE round_id = %s AND is_current GROUP BY position"
FLOOR_WITH_SIZES_SQL = (
    "SELECT position, size, COUNT(*) FROM decisions_stance WHERE round_id = %s AND is_current GROUP BY position, size"
)


class BenchProblem(AssertionError):
    """A request did not do what it was measured doing: its figures would mean nothing."""


# --- the fixture ----------------------------------------------------------------------------------------------------


@dataclass
class Fixture:
    coalition: Any
    coordinator: Any
    member: Any
    token: str = ""
    proposals: dict[str, Any] = field(default_factory=dict)  # name -> Proposal
    counts: dict[str, Any] = field(default_factory=dict)


def _open(fixture: Fixture, kind: Any, title: str) -> Any:
    from django.utils import timezone

    from accord.decisions import actions

    return actions.open_proposal(
        actor=fixture.coordinator,
        coalition=fixture.coalition,
        kind=kind,
        title=title,
        text="Measured by the benchmarks.",
        closes_at=timezone.now() + timedelta(days=7),
    )


def _write_stances(round_: Any, rng: random.Random, *, silent: int = 0) -> int:
    """Every eligible unit's current stance but the last `silent` units', and for some an earlier one it replaced:
    rows, not actions."""
    from django.utils import timezone

    from accord.decisions.models import EligibleUnit, Stance

    now = timezone.now()
    rows: list[Stance] = []
    units = list(EligibleUnit.objects.filter(round=round_).order_by("pk").values_list("pk", "key", "size", "weight"))
    for unit_id, key, size, weight in units[: len(units) - silent]:
        common = {"round": round_, "unit_id": unit_id, "unit_key": key, "size": size, "weight": weight}
        if rng.random() < EARLIER_SHARE:
            earlier = rng.choices(POSITIONS, POSITION_WEIGHTS)[0]
            rows.append(Stance(**common, position=earlier, is_current=False, created_at=now - timedelta(hours=1)))
        rows.append(Stance(**common, position=rng.choices(POSITIONS, POSITION_WEIGHTS)[0], created_at=now))
    Stance.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def prepare(parts: tuple[str, ...]) -> Fixture:
    """The scenario, the decision kinds, and the proposals the chosen parts measure."""
    from django.db import connection, transaction

    from accord.accounts.actions import create_api_token
    from accord.decisions import actions
    from accord.decisions.models import DecisionKind
    from bench import scenario

    built = scenario.build(people=SCENARIO_PEOPLE, member_groups=SCENARIO_GROUPS)
    fixture = Fixture(coalition=built.coalition, coordinator=built.coordinator, member=built.member)
    rng = random.Random(SEED)
    started = time.perf_counter()
    actions.adopt_default_decision_kinds(actor=fixture.coordinator, coalition=fixture.coalition)
    people_kind = DecisionKind.objects.get(coalition=fixture.coalition, key="meeting_conduct")  # majority of people
    groups_kind = actions.set_decision_kind(
        actor=fixture.coordinator,
        coalition=fixture.coalition,
        key="weighted_majority",
        name="Weighted majority of member groups",
        rule={"method": "majority", "unit": "groups", "weighting": "sqrt_size"},
    )
    opened: dict[str, float] = {}

    def timed_open(name: str, kind: Any, title: str) -> Any:
        began = time.perf_counter()
        fixture.proposals[name] = _open(fixture, kind, title)
        opened[name] = round(time.perf_counter() - began, 3)
        return fixture.proposals[name]

    if "tally_db" in parts or "proposal_page_queries" in parts:
        large = timed_open("people_14000", people_kind, "14,000 stances")
        with transaction.atomic():
            fixture.counts["people_14000_stance_rows"] = _write_stances(_round(large), rng)
    if "tally_db" in parts:
        groups = timed_open("groups_1300", groups_kind, "1,300 weighted groups")
        with transaction.atomic():
            fixture.counts["groups_1300_stance_rows"] = _write_stances(_round(groups), rng)
    if "proposal_page_queries" in parts:
        nearly = timed_open("people_nearly_all", people_kind, "All but a few have responded")
        with transaction.atomic():
            _write_stances(_round(nearly), rng, silent=PAGE_SILENT)
        small = timed_open("people_100", people_kind, "100 stances")
        keys = [unit.key for unit in _round(small).eligible_units.order_by("pk")[:SMALL_PAGE_STANCES]]
        began = time.perf_counter()
        for index, key in enumerate(keys):
            actions.record_stance(
                actor=fixture.coordinator, proposal=small, unit_key=key, position=POSITIONS[index % len(POSITIONS)]
            )
        fixture.counts["record_stance_action_ms_mean"] = round((time.perf_counter() - began) * 1000 / len(keys), 2)
    if "stance_http" in parts:
        timed_open("people_http", people_kind, "Recorded over HTTP")
        _, fixture.token = create_api_token(actor=fixture.coordinator, name="benchmark")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would soon after a bulk load
    fixture.counts["open_proposal_seconds"] = opened
    fixture.counts["fixture_seconds"] = round(time.perf_counter() - started, 2)
    fixture.counts["scenario_seconds"] = round(built.seconds, 2)
    fixture.counts["eligible_people"] = next(iter(fixture.proposals.values())).rounds.get().eligible_count
    return fixture


def _round(proposal: Any) -> Any:
    from accord.decisions import queries

    return queries.current_round(proposal)


# --- tally_db ---------------------------------------------------------------------------------------------------------


def _floor_counts(sql: str, round_id: int) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, [round_id])
        return cursor.fetchall()


def _interleaved(repeat: int, measured: Any, *floors: Any) -> tuple[list[float], list[list[float]]]:
    measured()
    for floor in floors:
        floor()
    times: list[float] = []
    floor_times: list[list[float]] = [[] for _ in floors]
    for _ in range(repeat):
        started = time.perf_counter()
        measured()
        times.append(time.perf_counter() - started)
        for index, floor in enumerate(floors):
            started = time.perf_counter()
            floor()
            floor_times[index].append(time.perf_counter() - started)
    return times, floor_times


def _tally_one(proposal: Any, repeat: int, *, budgeted: bool) -> dict[str, Any]:
    from accord.decisions import queries

    round_ = _round(proposal)
    outcome = queries.tally_round(proposal, round_)
    floor_rows = dict(_floor_counts(FLOOR_SQL, round_.pk))
    counted = {position: counts["units"] for position, counts in outcome.counts["positions"].items()}
    if counted != floor_rows:
        raise BenchProblem(f"the tally counts {counted}, the floor reads {floor_rows}")
    weighted = outcome.counts["eligible_weight"] != str(round_.eligible_count)
    floors = [lambda: _floor_counts(FLOOR_SQL, round_.pk)]
    if weighted:
        floors.append(lambda: _floor_counts(FLOOR_WITH_SIZES_SQL, round_.pk))
    times, floor_times = _interleaved(repeat, lambda: queries.tally_round(proposal, round_), *floors)
    median, floor = statistics.median(times), statistics.median(floor_times[0])
    result: dict[str, Any] = {
        "rule": proposal.rule,
        "eligible": round_.eligible_count,
        "current_stances": sum(floor_rows.values()),
        "status": outcome.status,
        "median_ms": round(median * 1000, 2),
        "floor_ms": round(floor * 1000, 2),
        "ratio": round(median / floor, 2),
        "within_budget": median / floor <= 2 if budgeted else None,  # DESIGN.md budgets the 14,000-person tally
        "min_ms": round(min(times) * 1000, 2),
        "floor_min_ms": round(min(floor_times[0]) * 1000, 2),
    }
    if weighted:
        with_sizes = statistics.median(floor_times[1])
        result["floor_with_sizes_ms"] = round(with_sizes * 1000, 2)
        result["ratio_to_floor_with_sizes"] = round(median / with_sizes, 2)
    return result


def tally_db(fixture: Fixture, repeat: int) -> dict[str, Any]:
    return {
        "floor_sql": FLOOR_SQL,
        "repeat": repeat,
        "people_14000": _tally_one(fixture.proposals["people_14000"], repeat, budgeted=True),
        "groups_1300_sqrt_size": _tally_one(fixture.proposals["groups_1300"], repeat, budgeted=False),
    }


# --- proposal_page_queries -------------------------------------------------------------------------------------------


def proposal_page_queries(fixture: Fixture, repeat: int, show_queries: bool = False) -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    def url(name: str) -> str:
        return reverse("web:proposal", args=[fixture.coalition.slug, fixture.proposals[name].pk])

    def count(client: Any, name: str) -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url(name))
        if response.status_code != 200:
            raise BenchProblem(f"{url(name)} answered {response.status_code}")
        return len(captured.captured_queries), [query["sql"] for query in captured.captured_queries]

    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        coordinator, member = Client(), Client()
        coordinator.force_login(fixture.coordinator)
        member.force_login(fixture.member)
        for client in (coordinator, member):  # warm: templates compiled, the session's user cached
            client.get(url("people_100"))
        eligible = fixture.counts["eligible_people"]
        sizes = {"people_100": SMALL_PAGE_STANCES, "people_nearly_all": eligible - PAGE_SILENT}
        sizes["people_14000"] = eligible
        queries: dict[str, dict[str, int]] = {"coordinator": {}, "member": {}}
        logs: dict[str, list[str]] = {}
        for name, stances in sizes.items():
            queries["coordinator"][str(stances)], logs[name] = count(coordinator, name)
            queries["member"][str(stances)], _ = count(member, name)
        timings = {}
        for name, stances in sizes.items():
            times, _ = _interleaved(repeat, lambda name=name: coordinator.get(url(name)))
            timings[str(stances)] = {
                "median_ms": round(statistics.median(times) * 1000, 2),
                "min_ms": round(min(times) * 1000, 2),
            }
    small, nearly, everyone = (str(stances) for stances in sizes.values())
    # Like for like: with people still to respond, the page lists them; once everyone has, that list is empty
    # and its paginator skips the page query, so the count at 14,000 of 14,000 may only be lower.
    independent = all(
        counts[small] == counts[nearly] and counts[everyone] <= counts[small] for counts in queries.values()
    )
    result: dict[str, Any] = {
        "eligible": eligible,
        "queries_by_stances": queries,
        "query_count_independent_of_stances": independent,
        "timings_by_stances": timings,
        "ratio_of_times_14000_to_100": round(timings[everyone]["median_ms"] / timings[small]["median_ms"], 2),
        "repeat": repeat,
    }
    if not independent or show_queries:
        result["query_log"] = logs
    return result


# --- stance_http --------------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`accord web` with the benchmarks' settings, on a free port of 127.0.0.1, until `stop()`."""

    def __init__(self, workers: int) -> None:
        self.port = _free_port()
        self.log = tempfile.TemporaryFile()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        }
        command = [sys.executable, "-m", "accord.cli", "web", "--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--workers", str(workers)]
        self.process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=self.log, start_new_session=True
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchProblem(f"the server stopped at once (exit {self.process.returncode}): {self.messages()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise BenchProblem("the server did not start listening within 60 s")

    def messages(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-2000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class Caller:
    """One keep-alive connection that sends JSON POSTs and insists on 201."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def post(self, path: str, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        try:
            self.connection.request("POST", path, body=data, headers=self.headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # the server closed an idle keep-alive connection: open another (the request never arrived)
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.connection.request("POST", path, body=data, headers=self.headers)
            response = self.connection.getresponse()
        content = response.read()
        if response.status != 201:
            raise BenchProblem(f"POST {path} answered {response.status}: {content[:300]!r}")

    def close(self) -> None:
        self.connection.close()


def _batch(callers: list[Caller], path: str, bodies: list[dict[str, Any]]) -> float:
    """Send `bodies`, split among the callers (one thread each when several); the wall time."""
    if len(callers) == 1:
        started = time.perf_counter()
        for body in bodies:
            callers[0].post(path, body)
        return time.perf_counter() - started
    shares = [bodies[index :: len(callers)] for index in range(len(callers))]
    failures: list[BaseException] = []

    def send(caller: Caller, share: list[dict[str, Any]]) -> None:
        try:
            for body in share:
                caller.post(path, body)
        except BaseException as error:  # noqa: BLE001  (reported below, in the main thread)
            failures.append(error)

    threads = [threading.Thread(target=send, args=pair) for pair in zip(callers, shares, strict=True)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - started
    if failures:
        raise failures[0]
    return took


def _throughputs(
    server: Server, fixture: Fixture, units: list[tuple[int, str]], clients: int, requests: int
) -> dict[str, Any]:
    """Interleaved batches of stances and floor rows; each batch takes the next units, so every stance is new."""
    proposal = fixture.proposals["people_http"]
    round_id = _round(proposal).pk
    api_path = f"/api/v1/coalitions/{fixture.coalition.slug}/proposals/{proposal.pk}/stances"
    floor_path = "/bench/floor/"
    callers = [Caller(server.port, fixture.token) for _ in range(clients)]
    batch = HTTP_BATCH  # split among the clients
    batches = max(1, requests // batch)

    def bodies(count: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        chosen, units[:] = units[:count], units[count:]
        if len(chosen) < count:
            raise BenchProblem("ran out of eligible people to record stances for")
        api = [{"unit": key, "position": "agree"} for _, key in chosen]
        floor = [{"unit": key, "unit_id": unit_id, "round": round_id, "position": "agree"} for unit_id, key in chosen]
        return api, floor

    try:
        api, floor = bodies(HTTP_WARM_UP)
        _batch(callers, api_path, api)
        _batch(callers, floor_path, floor)
        api_rates: list[float] = []
        floor_rates: list[float] = []
        for number in range(batches):
            api, floor = bodies(batch)
            order = [(api_path, api, api_rates), (floor_path, floor, floor_rates)]
            for path, sent, rates in order if number % 2 == 0 else reversed(order):
                rates.append(len(sent) / _batch(callers, path, sent))
    finally:
        for caller in callers:
            caller.close()
    api_rate, floor_rate = statistics.median(api_rates), statistics.median(floor_rates)
    return {
        "clients": clients,
        "batches": batches,
        "requests_per_batch": batch,
        "stances_per_second": round(api_rate, 1),
        "floor_rows_per_second": round(floor_rate, 1),
        "ratio": round(api_rate / floor_rate, 2),
        "within_budget": api_rate / floor_rate >= 0.5,
        "ms_per_stance": round(1000 / api_rate, 2),
        "ms_per_floor_row": round(1000 / floor_rate, 2),
        "all_stances_per_second": [round(rate, 1) for rate in api_rates],
        "all_floor_rows_per_second": [round(rate, 1) for rate in floor_rates],
    }


def stance_http(fixture: Fixture, requests: int) -> dict[str, Any]:
    from django.db import connections

    from accord.decisions.models import EligibleUnit, Stance

    proposal = fixture.proposals["people_http"]
    round_ = _round(proposal)
    units = list(EligibleUnit.objects.filter(round=round_).order_by("pk").values_list("pk", "key"))
    connections.close_all()  # the server writes the database from now on
    server = Server(HTTP_WORKERS)
    try:
        sequential = _throughputs(server, fixture, units, 1, requests)
        concurrent = _throughputs(server, fixture, units, HTTP_CLIENTS, requests)
    except BaseException:
        sys.stderr.write(server.messages())
        raise
    finally:
        server.stop()
    recorded = Stance.objects.filter(round=round_, is_current=True).count()
    expected = sum(HTTP_WARM_UP + part["batches"] * part["requests_per_batch"] for part in (sequential, concurrent))
    if recorded != expected:
        raise BenchProblem(f"the API recorded {recorded} current stances where {expected} were sent")
    return {
        "server": f"gunicorn gthread, {HTTP_WORKERS} worker, 4 threads (accord web --workers {HTTP_WORKERS})",
        "request": "POST /api/v1/coalitions/{slug}/proposals/{id}/stances {unit: p<id>, position: agree}, bearer token",
        "floor": "POST /bench/floor/: user_for_token + touch_api_token, then one Stance row (is_current false) "
        "inserted in a transaction (bench/urls.py)",
        "eligible": round_.eligible_count,
        "stances_recorded": recorded,
        "sequential": sequential,
        "concurrent": concurrent,
    }


# --- kernel_million ----------------------------------------------------------------------------------------------------


def kernel_million(repeat: int, count: int = KERNEL_STANCES) -> dict[str, Any]:
    from accord.governance import Stance, Unit, parse_rule, tally

    rng = random.Random(SEED)
    keys = [f"u{index}" for index in range(count)]
    positions = rng.choices(POSITIONS, POSITION_WEIGHTS, k=count)
    stances = [Stance(key, position=position) for key, position in zip(keys, positions, strict=True)]
    people = [Unit(key) for key in keys]
    groups = [Unit(key, max(1, round(rng.lognormvariate(2.5, 1.2)))) for key in keys]
    # (rule, eligible, whether each stance is checked first: the simulator checks them; the application tallies
    # stances it checked when they were recorded, with `checked=True`)
    variants = {
        "people_equal": (parse_rule({"method": "majority", "unit": "people"}), people, True),
        "people_equal_unchecked": (parse_rule({"method": "majority", "unit": "people"}), people, False),
        "groups_sqrt_size": (
            parse_rule({"method": "majority", "unit": "groups", "weighting": "sqrt_size"}),
            groups,
            True,
        ),
    }

    def floor() -> Counter[str | None]:
        return Counter(stance.position for stance in stances)

    expected = floor()
    results: dict[str, Any] = {"stances": count, "repeat": repeat}
    for name, (rule, eligible, check) in variants.items():

        def run(rule: Any = rule, eligible: Any = eligible, check: bool = check) -> Any:
            return tally(rule, eligible=eligible, stances=stances, checked=not check)

        outcome = run()
        counted = {position: counts["units"] for position, counts in outcome.counts["positions"].items()}
        if counted != dict(expected):
            raise BenchProblem(f"the kernel counts {counted}, the floor {dict(expected)}")
        times, (floor_times,) = _interleaved(repeat, run, floor)
        median, floor_median = statistics.median(times), statistics.median(floor_times)
        results[name] = {
            "checks_each_stance": check,
            "distinct_sizes": len({unit.size for unit in eligible}),
            "seconds": round(median, 3),
            "floor_seconds": round(floor_median, 3),
            "ratio": round(median / floor_median, 1),
            "status": outcome.status,
        }
    return results


# --- running ---------------------------------------------------------------------------------------------------------------


def measure_here(
    parts: tuple[str, ...], *, repeat: int, kernel_repeat: int, requests: int, show_queries: bool = False
) -> dict[str, Any]:
    """In a process whose database (ACCORD_DATA_DIR or DATABASE_URL) is new and empty: migrate, prepare, measure."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    result: dict[str, Any] = {
        "database": connection.vendor,
        "database_version": ".".join(str(part) for part in connection.get_database_version()),
        "debug": settings.DEBUG,
        "testing_settings": settings.TESTING,
        "task_backend": settings.TASKS["default"]["BACKEND"],
        "parts": list(parts),
    }
    database_parts = tuple(part for part in parts if part in DATABASE_PARTS)
    if database_parts:
        if "proposal_page_queries" in database_parts:
            started = time.perf_counter()
            call_command("collectstatic", interactive=False, verbosity=0)
            print(f"collectstatic in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        fixture = prepare(database_parts)
        result["fixture"] = {"seed": SEED, **fixture.counts}
        for part in database_parts:
            started = time.perf_counter()
            if part == "tally_db":
                result[part] = tally_db(fixture, repeat)
            elif part == "proposal_page_queries":
                result[part] = proposal_page_queries(fixture, repeat, show_queries)
            else:
                result[part] = stance_http(fixture, requests)
            print(f"decisions: {part} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if "kernel_million" in parts:
        started = time.perf_counter()
        result["kernel_million"] = kernel_million(kernel_repeat)
        print(f"decisions: kernel_million in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return result


def run_child(
    parts: tuple[str, ...],
    *,
    scratch: Path,
    repeat: int,
    kernel_repeat: int,
    requests: int,
    show_queries: bool = False,
    database_url: str = "",
) -> dict[str, Any]:
    """`measure_here` in a child process (`python -m bench --decisions-child`) with its own data folder."""
    data = Path(tempfile.mkdtemp(prefix="decisions-", dir=scratch))
    command = [sys.executable, "-m", "bench", "--decisions-child", "--only", ",".join(parts)]
    command += ["--list-repeat", str(repeat), "--repeat", str(kernel_repeat), "--requests", str(requests)]
    if show_queries:
        command.append("--show-queries")
    env = {**os.environ, "ACCORD_DATA_DIR": str(data / "data")}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    sys.stderr.write(done.stderr)
    if done.returncode != 0:
        return {"error": f"the decisions run failed (exit {done.returncode})"}
    return json.loads(done.stdout)


def run_postgres(
    base_url: str, parts: tuple[str, ...], *, scratch: Path, repeat: int, requests: int, show_queries: bool = False
) -> dict[str, Any]:
    """The database parts on PostgreSQL, in a scratch database on BENCH_DATABASE_URL's server, dropped afterwards."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    name = f"accord_bench_decisions_{os.getpid()}_{int(time.time())}"
    parts_url = urlsplit(base_url)
    url = urlunsplit(parts_url._replace(path=f"/{name}"))
    admin_url = urlunsplit(parts_url._replace(scheme="postgresql"))
    try:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        return {"database": "postgresql", "error": f"could not create a scratch database: {error}"}
    try:
        chosen = tuple(part for part in parts if part in DATABASE_PARTS)
        return run_child(
            chosen,
            scratch=scratch,
            repeat=repeat,
            kernel_repeat=1,
            requests=requests,
            show_queries=show_queries,
            database_url=url,
        )
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def print_table(results: dict[str, Any]) -> None:
    """The budgets' figures on stderr, for people reading the run rather than the JSON."""
    for database, figures in results.items():
        if "error" in figures:
            print(f"decisions, {database}: {figures['error']}", file=sys.stderr)
            continue
        print(f"\ndecisions, {database} {figures.get('database_version', '')}", file=sys.stderr)
        http_figures = figures.get("stance_http")
        if http_figures:
            for mode in ("sequential", "concurrent"):
                part = http_figures[mode]
                print(
                    f"  stance over HTTP, {mode:<10} {part['stances_per_second']:>8}/s  floor "
                    f"{part['floor_rows_per_second']:>8}/s  ratio {part['ratio']:>5} (budget >= 0.5)",
                    file=sys.stderr,
                )
        tally_figures = figures.get("tally_db")
        if tally_figures:
            part = tally_figures["people_14000"]
            print(
                f"  tally, 14,000 people         {part['median_ms']:>8} ms  floor {part['floor_ms']:>8} ms  "
                f"ratio {part['ratio']:>5} (budget <= 2)",
                file=sys.stderr,
            )
            part = tally_figures["groups_1300_sqrt_size"]
            print(
                f"  tally, 1,300 groups, sqrt    {part['median_ms']:>8} ms  floor {part['floor_ms']:>8} ms  "
                f"ratio {part['ratio']:>5} (no budget; {part['ratio_to_floor_with_sizes']} to the GROUP BY with "
                "sizes)",
                file=sys.stderr,
            )
        page = figures.get("proposal_page_queries")
        if page:
            for role, counts in page["queries_by_stances"].items():
                shown = ", ".join(f"{count} at {stances}" for stances, count in counts.items())
                print(f"  proposal page queries, {role:<11} {shown} (by stances)", file=sys.stderr)
            times = ", ".join(f"{value['median_ms']} ms at {key}" for key, value in page["timings_by_stances"].items())
            print(
                f"  proposal page: independent of stances {page['query_count_independent_of_stances']}; {times}",
                file=sys.stderr,
            )
        kernel = figures.get("kernel_million")
        if kernel:
            for name in ("people_equal", "people_equal_unchecked", "groups_sqrt_size"):
                part = kernel[name]
                print(
                    f"  kernel {name:<21} {part['seconds']:>8} s   floor {part['floor_seconds']:>8} s   "
                    f"ratio {part['ratio']:>5}",
                    file=sys.stderr,
                )
