#!/usr/bin/env bash
# Everything `make test` checks, in order: system packages, static checks (ruff, mypy, import contracts, Django's
# checks, missing migrations), then the whole suite on SQLite and, side by side with it, every database test
# except the browser tests on a throwaway PostgreSQL cluster. Runs every stage even after a failure, prints a line
# per stage and a summary, and exits non-zero if anything failed.
#
#   scripts/test.sh                    everything
#   scripts/test.sh tests/test_cli.py  only pytest, on SQLite and PostgreSQL, with these pytest arguments
#
# Environment: VENV (default .venv), PYTEST_ARGS (extra arguments for both pytest runs), ACCORD_TEST_SERIAL=1 (run
# the SQLite and PostgreSQL test runs one after the other rather than side by side).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${VENV:-.venv}
export PATH="$ROOT/$VENV/bin:$PATH"
unset DJANGO_SETTINGS_MODULE DATABASE_URL ACCORD_DATA_DIR ACCORD_TESTING  # tests/conftest.py sets its own

SUMMARY=()
FAILED=0
SCRATCH=$(mktemp -d /tmp/accord-test.XXXXXX)
PGROOT=""
AS_POSTGRES=()
PG_RUN_PID=""

now() { date +%s%N; }
seconds_since() { local start=$1; awk -v d="$(( $(now) - start ))" 'BEGIN { printf "%.1f", d / 1e9 }'; }

# record NAME EXIT_CODE SECONDS: remember a stage's result for the summary and print its final line.
record() {
    local name=$1 rc=$2 took=$3
    if [ "$rc" -eq 0 ]; then
        SUMMARY+=("$(printf 'ok      %6ss  %s' "$took" "$name")")
        echo "=== $name: ok in ${took}s"
    else
        FAILED=1
        SUMMARY+=("$(printf 'FAILED  %6ss  %s (exit %s)' "$took" "$name" "$rc")")
        echo "=== $name: FAILED (exit $rc) in ${took}s"
    fi
}

# stage NAME COMMAND...: run one stage in the foreground.
stage() {
    local name=$1 start rc
    shift
    echo
    echo "=== $name"
    start=$(now)
    "$@"
    rc=$?
    record "$name" "$rc" "$(seconds_since "$start")"
    return 0
}

# --- system packages: PostgreSQL server binaries and Chromium -----------------------------------------------

postgres_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

system_packages() {
    local missing=()
    [ -x "$(postgres_bin)/initdb" ] || missing+=(postgresql)
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    [ ${#missing[@]} -eq 0 ] && { echo "PostgreSQL server and Chromium present"; return 0; }
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing system packages: ${missing[*]}. Install them (as root: apt-get install -y ${missing[*]})," \
             "or run make test as root to have it done." >&2
        return 1
    fi
    echo "installing ${missing[*]}…"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
}

# --- static checks -------------------------------------------------------------------------------------------------

mypy_targets() {
    local targets=(src/accord/errors.py src/accord/coalitions/permissions.py) kernel
    for kernel in governance analysis; do  # the pure kernels, once they exist
        [ -d "src/accord/$kernel" ] && targets+=("src/accord/$kernel")
    done
    mypy "${targets[@]}"
}

django_admin() {
    env DJANGO_SETTINGS_MODULE=accord.settings ACCORD_DATA_DIR="$SCRATCH/django-admin" django-admin "$@"
}

# --- pytest ------------------------------------------------------------------------------------------------------------

run_pytest() {
    local rc
    pytest --durations=10 ${PYTEST_ARGS:-} "$@"
    rc=$?
    if [ "$rc" -eq 5 ]; then
        echo "pytest collected no tests: check the test paths, the -m expression and --database-tests-only" >&2
        return 1
    fi
    return "$rc"
}

free_port() { python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# A throwaway cluster: trust authentication on 127.0.0.1 only, fsync off. The server refuses to run as root, so as
# root it runs as the postgres user (MACHINE-NOTES.md).
start_postgres() {
    local bin port
    bin=$(postgres_bin)
    [ -x "$bin/initdb" ] || { echo "PostgreSQL server binaries not found under /usr/lib/postgresql" >&2; return 1; }
    PGROOT=$(mktemp -d /tmp/accord-pg.XXXXXX)
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres:postgres "$PGROOT"
        AS_POSTGRES=(runuser -u postgres --)
    fi
    port=$(free_port)
    "${AS_POSTGRES[@]}" "$bin/initdb" -D "$PGROOT/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
        >"$SCRATCH/initdb.log" 2>&1 || { cat "$SCRATCH/initdb.log" >&2; return 1; }
    "${AS_POSTGRES[@]}" "$bin/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/server.log" -w \
        -o "-h 127.0.0.1 -p $port -k $PGROOT -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null || { cat "$PGROOT/server.log" >&2; return 1; }
    "$bin/psql" -q "postgresql://postgres@127.0.0.1:$port/postgres" -c "CREATE DATABASE accord" || return 1
    echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port in $PGROOT"
    export PG_TEST_URL="postgres://postgres@127.0.0.1:$port/accord"
}

stop_postgres() {
    if [ -n "$PGROOT" ] && [ -d "$PGROOT/data" ]; then
        "${AS_POSTGRES[@]}" "$(postgres_bin)/pg_ctl" -D "$PGROOT/data" -m fast stop >/dev/null 2>&1
    fi
    [ -n "$PGROOT" ] && rm -rf "$PGROOT"
    PGROOT=""
}

cleanup() {
    if [ -n "$PG_RUN_PID" ]; then  # interrupted: stop the PostgreSQL run (its pytest is our child's child; on
        # SIGTERM it stops as on Ctrl-C, running the tests' clean-up: see tests/conftest.py)
        pkill -TERM -P "$PG_RUN_PID" 2>/dev/null
        wait "$PG_RUN_PID" 2>/dev/null
    fi
    stop_postgres
    rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pytest_on_postgres() {
    [ -n "${PG_TEST_URL:-}" ] || { echo "PostgreSQL did not start: see above" >&2; return 1; }
    DATABASE_URL=$PG_TEST_URL run_pytest -m "not browser" --database-tests-only "$@"
}

# The PostgreSQL run goes alongside the SQLite run (each is one process, and the machine has two cores): its
# output is kept in a file and printed once the SQLite run is done. ACCORD_TEST_SERIAL=1 runs them one after
# the other instead.
start_pytest_on_postgres_in_background() {
    PG_RUN_START=$(now)
    ( pytest_on_postgres "$@" >"$SCRATCH/postgres-run.log" 2>&1; echo $? >"$SCRATCH/postgres-run.rc"
      seconds_since "$PG_RUN_START" >"$SCRATCH/postgres-run.took" ) &
    PG_RUN_PID=$!
}

finish_pytest_on_postgres_in_background() {
    local name=$1
    wait "$PG_RUN_PID"
    PG_RUN_PID=""
    echo
    echo "=== $name (ran alongside the SQLite run)"
    cat "$SCRATCH/postgres-run.log"
    record "$name" "$(cat "$SCRATCH/postgres-run.rc" 2>/dev/null || echo 1)" "$(cat "$SCRATCH/postgres-run.took" 2>/dev/null || echo ?)"
}

# --- the run --------------------------------------------------------------------------------------------------------

TOTAL_START=$(now)
stage "system packages" system_packages
if [ $# -eq 0 ]; then
    stage "ruff" ruff check src tests bench
    stage "mypy" mypy_targets
    stage "import contracts (lint-imports)" lint-imports --no-cache
    stage "django-admin check" django_admin check --fail-level WARNING
    stage "migrations up to date (makemigrations --check)" django_admin makemigrations --check --dry-run
fi
PG_RUN_NAME="pytest on PostgreSQL (database tests, no browser)"
stage "start PostgreSQL" start_postgres
if [ "${ACCORD_TEST_SERIAL:-0}" = 1 ]; then
    stage "pytest on SQLite (everything)" run_pytest "$@"
    stage "$PG_RUN_NAME" pytest_on_postgres "$@"
else
    start_pytest_on_postgres_in_background "$@"
    stage "pytest on SQLite (everything)" run_pytest "$@"
    finish_pytest_on_postgres_in_background "$PG_RUN_NAME"
fi
stop_postgres

echo
echo "=== summary ($(seconds_since "$TOTAL_START")s in all)"
printf '%s\n' "${SUMMARY[@]}"
if [ "$FAILED" -ne 0 ]; then
    echo "make test: FAILED"
    exit 1
fi
echo "make test: all passed"
