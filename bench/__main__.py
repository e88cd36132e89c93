"""Loading the demo coalition, against the floor of inserting the same rows with raw SQL; and the people list's
query count over the demo.

    python -m bench [--repeat 3] [--output bench/results/latest.json]

Everything runs on SQLite files in a temporary folder with the production settings (real password hashing, the
database task queue), as `accord demo` would; the load is timed again with the tests' fast password hasher, to
show how much of it is hashing the personas' passwords. The floor copies, row for row, what the demo load wrote into an
identical freshly migrated database in one transaction with `executemany`, under the same pragmas: what the
load costs beyond storing its rows is the work of the actions (validation, permission checks, audit events,
password hashing). Reported times are the median of the repeats.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
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


def run(repeat: int) -> dict[str, Any]:
    scratch = Path(tempfile.mkdtemp(prefix="accord-bench-"))
    try:
        os.environ.pop("DATABASE_URL", None)
        os.environ.pop("ACCORD_TESTING", None)
        os.environ["ACCORD_DATA_DIR"] = str(scratch / "data")
        os.environ["DJANGO_SETTINGS_MODULE"] = "accord.settings"
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connections
        from django.test import override_settings

        from accord import demo

        database = Path(settings.DATABASES["default"]["NAME"])
        call_command("migrate", interactive=False, verbosity=0)
        connections.close_all()
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

        people = _people_list(demo.COORDINATOR_EMAIL)
        load, floor = statistics.median(load_times), statistics.median(floor_times)
        fast = statistics.median(fast_hasher_times)
        return {
            "benchmark": "demo coalition",
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {
                "python": platform.python_version(),
                "django": django.get_version(),
                "sqlite": sqlite3.sqlite_version,
                "cpus": os.cpu_count(),
            },
            "repeat": repeat,
            "demo_load": {
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
            },
            "people_list": people,
        }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the median is kept")
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json", help="where to write the JSON")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be 1 or more")
    result = run(args.repeat)
    text = json.dumps(result, indent=2)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text + "\n")
    print(text)
    print(f"written to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
