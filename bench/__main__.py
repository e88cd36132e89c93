"""Loading the demo coalition, against the floor of inserting the same rows with raw SQL; the people list's
query count over the demo; and the list pages and API lists at the reference scale, against the floor of reading
the same rows.

    python -m bench [--repeat 3] [--list-repeat 15] [--requests 500] [--only NAME[,NAME]] [--show-queries]
                    [--output bench/results/latest.json]

`--only` picks benchmarks: demo_load, people_list, lists, or single lists (people_page, groups_page, audit_page,
people_api, groups_api, audit_api), decisions, or its parts (stance_http, tally_db, kernel_million,
proposal_page_queries; see bench/decisions.py), constitution, or its parts (constitution_reads, constitution_page,
closing; see bench/constitution.py). The JSON (on stdout and in --output) holds what ran, and the machine.

Everything runs on SQLite files in a temporary folder with the production settings (real password hashing, the
database task queue), as `accord demo` would; the load is timed again with the tests' fast password hasher, to
show how much of it is hashing the personas' passwords. The floor copies, row for row, what the demo load wrote into an
identical freshly migrated database in one transaction with `executemany`, under the same pragmas: what the
load costs beyond storing its rows is the work of the actions (validation, permission checks, audit events,
password hashing). Reported times are the median of the repeats.

Lists at the reference scale (`lists` in the JSON). Beside the demo coalition (60 people), `bench/scenario.py`
writes a large one with `bulk_create` (1,300 member groups, 14,000 people, 30,000 audit events; seeded, so the
same every run) and reports how long that took. Each list (the people, member groups and audit log pages, and
the API's people, member-groups and audit-events lists) is fetched through Django's test `Client`, signed in as a
coordinator with `force_login`, with DEBUG off and the production static files storage (after collectstatic):

- queries: the SQL statements one request runs (CaptureQueriesContext), on the demo coalition's first and last
  pages and on the large coalition's first and a deep page (people page 100, groups page 25, audit page 500);
  `query_count_independent_of_size` is true when all are equal; a plain member's count is recorded too;
- time: the median of --list-repeat requests (after one warm-up), interleaved with as many runs of the floor: the
  bare ORM reads of that page's data with the same filters and ordering, materialised as values (the COUNT, the
  page's rows, and the related rows shown beside them for those ids only; see bench/lists.py). `ratio` is
  time / floor. The page also has to show the floor's rows (the API the same ids), or the run stops.

With `BENCH_DATABASE_URL=postgres://user@host/db` (a role that may CREATE DATABASE) the lists are measured on
PostgreSQL as well, in a scratch database created on that server and dropped afterwards, by a child process
(the settings read DATABASE_URL when Django starts). There the tables are VACUUM ANALYZEd after loading, as
autovacuum would do soon after a bulk load; SQLite gets no ANALYZE, as in production.

Decisions (`decisions` in the JSON): recording a stance over HTTP against a bare authenticated one-row insert,
tallying 14,000 stances from the database against the bare GROUP BY, the kernel over a million stances, and the
proposal page's query count at 100 and 14,000 stances; described in bench/decisions.py. They run in a child process
with a data folder of their own (and on PostgreSQL too with BENCH_DATABASE_URL); --list-repeat sets their
repeats, --repeat the kernel's, --requests the HTTP requests per side.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON")


def _copy_database(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)


def _tables(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
    return [name for (name,) in rows]


def _new_rows(template: Path, loaded: Path) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """Per table, the rows the load added: those past the template's highest rowid."""
    added: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
    with sqlite3.connect(template) as before, sqlite3.connect(loaded) as after:
        for table in _tables(template):
            (highest,) = before.execute(f'SELECT coalesce(max(rowid), 0) FROM "{table}"').fetchone()
            cursor = after.execute(f'SELECT * FROM "{table}" WHERE rowid > ?', (highest,))
            rows = cursor.fetchall()
            if rows:
                added[table] = ([column[0] for column in cursor.description], rows)
    return added


def _insert_floor(template: Path, target: Path, rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]]) -> float:
    _copy_database(template, target)
    connection = sqlite3.connect(target, isolation_level=None)
    try:
        for pragma in SQLITE_PRAGMAS:
            connection.execute(pragma)
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("PRAGMA defer_foreign_keys=ON")
        for table, (columns, values) in rows.items():
            names = ", ".join(f'"{column}"' for column in columns)
            marks = ", ".join("?" for _ in columns)
            connection.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', values)
        connection.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        connection.close()


def _people_list(coordinator_email: str) -> dict[str, Any]:
    """The people page's read over the demo: queries for all people, and for a few, should be the same."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accord.accounts.queries import user_by_email
    from accord.coalitions import queries
    from accord.coalitions.models import Coalition

    actor = user_by_email(coordinator_email)
    coalition = Coalition.objects.get()

    def read(search: str) -> tuple[int, int, float]:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            people = list(queries.people(actor, coalition, include_former=True, search=search))
            shown = [
                (person.name, [affiliation.member_group.name for affiliation in person.active_affiliations])
                for person in people
            ]
            took = time.perf_counter() - started
        return len(shown), len(captured.captured_queries), took

    everyone, everyone_queries, everyone_seconds = read("")
    few, few_queries, _ = read("an")
    return {
        "people": everyone,
        "queries": everyone_queries,
        "seconds": round(everyone_seconds, 4),
        "people_matching_search": few,
        "queries_with_search": few_queries,
        "queries_independent_of_people": everyone_queries == few_queries,
    }


BENCHMARKS = ("demo_load", "people_list", "lists", "decisions", "constitution")


def _selection(only: list[str] | None) -> tuple[set[str], tuple[str, ...], tuple[str, ...]]:
    """The benchmarks to run, the lists to measure and the decisions' parts, from `--only` (names, comma-separated
    or repeated)."""
    from bench.constitution import PARTS as CONSTITUTION_PARTS
    from bench.decisions import PARTS
    from bench.lists import NAMES

    if not only:
        return set(BENCHMARKS), NAMES, PARTS
    chosen = {name.strip() for value in only for name in value.split(",") if name.strip()}
    if chosen & set(CONSTITUTION_PARTS):  # its parts are picked again from `--only` by _constitution_parts
        chosen = (chosen - set(CONSTITUTION_PARTS)) | {"constitution"}
    unknown = chosen - set(BENCHMARKS) - set(NAMES) - set(PARTS)
    if unknown:
        known = ", ".join(BENCHMARKS + NAMES + PARTS + CONSTITUTION_PARTS)
        raise SystemExit(f"--only: unknown {', '.join(sorted(unknown))}; choose from {known}")
    lists = NAMES if "lists" in chosen else tuple(name for name in NAMES if name in chosen)
    if lists:
        chosen.add("lists")
    parts = PARTS if "decisions" in chosen else tuple(name for name in PARTS if name in chosen)
    if parts:
        chosen.add("decisions")
    return chosen & set(BENCHMARKS), lists, parts


def _constitution_parts(only: list[str] | None) -> tuple[str, ...]:
    """The constitution's parts named in `--only`; all of them when none is (see bench/constitution.py)."""
    from bench.constitution import PARTS as CONSTITUTION_PARTS

    chosen = {name.strip() for value in only or [] for name in value.split(",") if name.strip()}
    named = tuple(part for part in CONSTITUTION_PARTS if part in chosen)
    return named or CONSTITUTION_PARTS


def _machine() -> dict[str, Any]:
    import django

    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
        "cpus": os.cpu_count(),
    }


def _prepare_environment(scratch: Path) -> None:
    """Production settings (no ACCORD_TESTING, DEBUG off, no HTTPS redirect) with data under `scratch`."""
    for name in ("ACCORD_TESTING", "ACCORD_DEBUG", "ACCORD_HTTPS", "ACCORD_SSL_REDIRECT"):
        os.environ.pop(name, None)
    os.environ["ACCORD_DATA_DIR"] = str(scratch / "data")
    os.environ["DJANGO_SETTINGS_MODULE"] = "accord.settings"
    os.environ.setdefault("ACCORD_LOG_LEVEL", "WARNING")


def _load_demo_fast() -> None:
    """The demo coalition, for the benchmarks that read it; hashing its personas' passwords is not measured here."""
    from django.test import override_settings

    from accord import demo

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        demo.load_demo()


def _lists_here(lists: tuple[str, ...], repeat: int, show_queries: bool) -> dict[str, Any]:
    """On the current database, which holds the demo coalition: build the large one and measure the lists."""
    from django.conf import settings
    from django.db import connection

    from accord import demo
    from accord.accounts.queries import user_by_email
    from accord.coalitions.models import Coalition
    from bench import lists as list_bench
    from bench import scenario

    built = scenario.build()
    analyzed = connection.vendor == "postgresql"
    if analyzed:
        # Autovacuum would analyze the freshly loaded tables within a minute or so; until then the planner thinks
        # they are nearly empty (and, for one, sorts the whole audit log instead of walking its index).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    small = Coalition.objects.exclude(slug=scenario.SLUG).get()
    results = list_bench.measure(
        small=small,
        small_user=user_by_email(demo.COORDINATOR_EMAIL),
        large=built.coalition,
        large_user=built.coordinator,
        large_member=built.member,
        repeat=repeat,
        names=lists,
        show_queries=show_queries,
    )
    return {
        "database": connection.vendor,
        "database_version": ".".join(str(part) for part in connection.get_database_version()),
        "debug": settings.DEBUG,
        "testing_settings": settings.TESTING,
        "repeat": repeat,
        "vacuum_analyze_after_load": analyzed,
        "scenario": {"seed": scenario.SEED, "generation_seconds": round(built.seconds, 2), **built.counts},
        "small": {"coalition": small.slug},
        "results": results,
    }


def _postgres_lists(
    base_url: str, scratch: Path, lists: tuple[str, ...], repeat: int, show_queries: bool
) -> dict[str, Any]:
    """The same lists on PostgreSQL: in a scratch database created on BENCH_DATABASE_URL's server, by a child
    process (the settings read DATABASE_URL once, when Django starts), dropped afterwards."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    name = f"accord_bench_{os.getpid()}_{int(time.time())}"
    parts = urlsplit(base_url)
    url = urlunsplit(parts._replace(path=f"/{name}"))
    admin_url = urlunsplit(parts._replace(scheme="postgresql"))
    try:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        return {"database": "postgresql", "error": f"could not create a scratch database: {error}"}
    try:
        command = [
            sys.executable,
            "-m",
            "bench",
            "--database-child",
            "--list-repeat",
            str(repeat),
            "--only",
            ",".join(lists),
        ]
        if show_queries:
            command.append("--show-queries")
        env = {**os.environ, "DATABASE_URL": url, "ACCORD_DATA_DIR": str(scratch / "data")}
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        sys.stderr.write(done.stderr)
        if done.returncode != 0:
            return {"database": "postgresql", "error": f"the PostgreSQL run failed (exit {done.returncode})"}
        return json.loads(done.stdout)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def database_child(lists: tuple[str, ...], repeat: int, show_queries: bool) -> dict[str, Any]:
    """Run by `_postgres_lists` in a child process whose DATABASE_URL names an empty scratch database."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    _load_demo_fast()
    return _lists_here(lists, repeat, show_queries)


def run(
    repeat: int,
    *,
    benchmarks: set[str] | None = None,
    lists: tuple[str, ...] = (),
    list_repeat: int = 15,
    show_queries: bool = False,
    decision_parts: tuple[str, ...] = (),
    requests: int = 500,
    constitution_parts: tuple[str, ...] = (),
) -> dict[str, Any]:
    benchmarks = set(BENCHMARKS) if benchmarks is None else benchmarks
    scratch = Path(tempfile.mkdtemp(prefix="accord-bench-"))
    try:
        os.environ.pop("DATABASE_URL", None)
        _prepare_environment(scratch)
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connections
        from django.test import override_settings

        from accord import demo

        result: dict[str, Any] = {
            "benchmark": "demo coalition",
            "benchmarks": sorted(benchmarks, key=BENCHMARKS.index),
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": _machine(),
            "repeat": repeat,
        }
        database = Path(settings.DATABASES["default"]["NAME"])
        call_command("migrate", interactive=False, verbosity=0)
        connections.close_all()

        if "demo_load" in benchmarks:
            template = scratch / "template.sqlite3"
            _copy_database(database, template)

            def time_load() -> float:
                _copy_database(template, database)
                started = time.perf_counter()
                demo.load_demo()
                took = time.perf_counter() - started
                connections.close_all()
                return took

            with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                fast_hasher_times = [time_load() for _ in range(repeat)]
            load_times = [time_load() for _ in range(repeat)]  # last: its database is the one read below

            rows = _new_rows(template, database)
            row_count = sum(len(values) for _, values in rows.values())
            floor_times = [_insert_floor(template, scratch / "floor.sqlite3", rows) for _ in range(repeat)]
            load, floor = statistics.median(load_times), statistics.median(floor_times)
            fast = statistics.median(fast_hasher_times)
            result["demo_load"] = {
                "rows": row_count,
                "rows_by_table": {table: len(values) for table, (_, values) in sorted(rows.items())},
                "seconds": round(load, 4),
                "floor_seconds": round(floor, 4),
                "ratio_to_floor": round(load / floor, 1),
                "password_hashes": len(demo.PASSWORD_HOLDERS),
                "password_hasher": settings.PASSWORD_HASHERS[0].rsplit(".", 1)[-1],
                "seconds_with_fast_hasher": round(fast, 4),
                "ratio_to_floor_with_fast_hasher": round(fast / floor, 1),
                "all_seconds": [round(value, 4) for value in load_times],
                "all_seconds_with_fast_hasher": [round(value, 4) for value in fast_hasher_times],
                "all_floor_seconds": [round(value, 4) for value in floor_times],
            }
        elif benchmarks & {"people_list", "lists"}:
            _load_demo_fast()

        if "people_list" in benchmarks:
            result["people_list"] = _people_list(demo.COORDINATOR_EMAIL)

        if "lists" in benchmarks:
            # Production static storage: pages look their files up in the manifest that collectstatic writes.
            started = time.perf_counter()
            call_command("collectstatic", interactive=False, verbosity=0)
            print(f"collectstatic in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            result["lists"] = {"sqlite": _lists_here(lists, list_repeat, show_queries)}
            connections.close_all()
            base_url = os.environ.get("BENCH_DATABASE_URL", "").strip()
            if base_url:
                result["lists"]["postgresql"] = _postgres_lists(base_url, scratch, lists, list_repeat, show_queries)

        if "decisions" in benchmarks:
            from bench import decisions

            connections.close_all()
            result["decisions"] = {
                "sqlite": decisions.run_child(
                    decision_parts,
                    scratch=scratch,
                    repeat=list_repeat,
                    kernel_repeat=repeat,
                    requests=requests,
                    show_queries=show_queries,
                )
            }
            base_url = os.environ.get("BENCH_DATABASE_URL", "").strip()
            if base_url and set(decision_parts) & set(decisions.DATABASE_PARTS):
                result["decisions"]["postgresql"] = decisions.run_postgres(
                    base_url,
                    decision_parts,
                    scratch=scratch,
                    repeat=list_repeat,
                    requests=requests,
                    show_queries=show_queries,
                )
        if "constitution" in benchmarks:
            from bench import constitution

            connections.close_all()
            result["constitution"] = {
                "sqlite": constitution.run_child(
                    constitution_parts or constitution.PARTS,
                    scratch=scratch,
                    repeat=list_repeat,
                    show_queries=show_queries,
                )
            }
        return result
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _print_lists_table(lists: dict[str, Any]) -> None:
    """A table of the list figures on stderr, for people reading the run rather than the JSON."""
    for database, figures in lists.items():
        if "error" in figures:
            print(f"{database}: {figures['error']}", file=sys.stderr)
            continue
        print(f"\n{database} {figures['database_version']}", file=sys.stderr)
        print(
            f"{'list':<12} {'page':>5} {'queries demo':>13} {'queries large':>14} {'median ms':>10} {'floor ms':>9} "
            f"{'ratio':>6}",
            file=sys.stderr,
        )
        for name, result in figures["results"].items():
            counts = result["queries"]
            demo = "/".join(str(counts[key]) for key in counts if key.startswith("small"))
            flag = "" if result["query_count_independent_of_size"] else "  QUERY COUNT GROWS WITH SIZE"
            for timing in result["timings"]:
                large = counts[f"large_page_{timing['page']}"]
                print(
                    f"{name:<12} {timing['page']:>5} {demo:>13} {large:>14} {timing['median_ms']:>10} "
                    f"{timing['floor_ms']:>9} {timing['ratio']:>6}{flag}",
                    file=sys.stderr,
                )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of the demo load; the median is kept")
    parser.add_argument(
        "--list-repeat", type=int, default=15, help="requests per list page (and floor reads); the median is kept"
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME[,NAME]",
        help="run only these: demo_load, people_list, lists, or single lists (people_page, groups_page, "
        "audit_page, people_api, groups_api, audit_api), decisions, or its parts (stance_http, tally_db, "
        "kernel_million, proposal_page_queries), constitution, or its parts (constitution_reads, "
        "constitution_page, closing)",
    )
    parser.add_argument(
        "--requests", type=int, default=500, help="stances recorded over HTTP per way of sending (and floor rows)"
    )
    parser.add_argument("--show-queries", action="store_true", help="add each list's SQL to the results")
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json", help="where to write the JSON")
    parser.add_argument("--database-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--decisions-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--constitution-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.list_repeat < 1 or args.requests < 1:
        parser.error("--repeat, --list-repeat and --requests must be 1 or more")
    benchmarks, lists, decision_parts = _selection(args.only)
    if args.decisions_child:  # a child of bench.decisions.run_child: JSON on stdout, nothing written
        from bench import decisions

        _prepare_environment(Path(os.environ["ACCORD_DATA_DIR"]).parent)
        measured = decisions.measure_here(
            decision_parts,
            repeat=args.list_repeat,
            kernel_repeat=args.repeat,
            requests=args.requests,
            show_queries=args.show_queries,
        )
        print(json.dumps(measured, default=str))
        return 0
    if args.constitution_child:  # a child of bench.constitution.run_child: JSON on stdout, nothing written
        from bench import constitution

        _prepare_environment(Path(os.environ["ACCORD_DATA_DIR"]).parent)
        measured = constitution.measure_here(
            _constitution_parts(args.only),
            repeat=args.list_repeat,
            pairs=args.repeat,
            show_queries=args.show_queries,
        )
        print(json.dumps(measured, default=str))
        return 0
    if args.database_child:  # a child of _postgres_lists: the lists only, JSON on stdout, nothing written
        scratch = Path(os.environ["ACCORD_DATA_DIR"]).parent
        _prepare_environment(scratch)
        print(json.dumps(database_child(lists, args.list_repeat, args.show_queries), default=str))
        return 0
    result = run(
        args.repeat,
        benchmarks=benchmarks,
        lists=lists,
        list_repeat=args.list_repeat,
        show_queries=args.show_queries,
        decision_parts=decision_parts,
        requests=args.requests,
        constitution_parts=_constitution_parts(args.only),
    )
    _print_lists_table(result.get("lists", {}))
    if "decisions" in result:
        from bench import decisions

        decisions.print_table(result["decisions"])
    if "constitution" in result:
        from bench import constitution

        constitution.print_table(result["constitution"]["sqlite"])
    text = json.dumps(result, indent=2, default=str)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text + "\n")
    print(text)
    print(f"written to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
