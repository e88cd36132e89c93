"""The `accord` command, run for real: the installed entry point in a subprocess, on its own data folder.

The subprocesses run with production settings (no ACCORD_TESTING): real password hashing, the database task
queue, collected and compressed static files. On the PostgreSQL run (DATABASE_URL set) each install gets a fresh
database on that server, dropped afterwards; otherwise a SQLite file in the install's data folder.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

pytestmark = pytest.mark.database

ACCORD = Path(sys.executable).with_name("accord")
COMMAND_TIMEOUT = 120
START_TIMEOUT = 90
STOP_TIMEOUT = 30


@dataclass
class Install:
    """One Accord install: its data folder and the environment its commands run with."""

    data_dir: Path
    env: dict[str, str]

    def run(
        self, *args: str, input: str | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(ACCORD), *args],
            input=input if input is not None else "",
            capture_output=True,
            text=True,
            env={**self.env, **(env or {})},
            cwd=self.data_dir.parent,
            timeout=COMMAND_TIMEOUT,
        )

    def ok(self, *args: str, input: str | None = None) -> str:
        result = self.run(*args, input=input)
        assert result.returncode == 0, f"accord {' '.join(args)} exited {result.returncode}:\n{result.stderr}"
        return result.stdout

    def python(self, code: str) -> str:
        """Run Python inside the install (through `accord manage shell`) and return what it printed."""
        return self.ok("manage", "shell", "--no-imports", "-c", code).strip()


def _fresh_postgres_database(url: str) -> Iterator[str]:
    import psycopg

    parts = urlsplit(url)
    name = f"accord_cli_{secrets.token_hex(4)}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _install(tmp_path: Path) -> Iterator[Install]:
    assert ACCORD.exists(), f"the `accord` entry point is not installed in {ACCORD.parent}: run `pip install -e .`"
    data_dir = tmp_path / "var"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ACCORD_", "DJANGO_", "EMAIL_", "PORT", "DATABASE_URL"))
    }
    env.update({"ACCORD_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"})
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith(("postgres://", "postgresql://")):
        for url in _fresh_postgres_database(database_url):
            yield Install(data_dir, {**env, "DATABASE_URL": url})
    else:
        yield Install(data_dir, env)


@pytest.fixture
def install(tmp_path: Path) -> Iterator[Install]:
    """A new, empty install: nothing migrated, no static files collected."""
    yield from _install(tmp_path)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Install]:
    """One install shared by this module's account and token tests, migrated once."""
    for install in _install(tmp_path_factory.mktemp("migrated")):
        install.ok("manage", "migrate", "--noinput", "-v", "0")
        yield install


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- accord user create -------------------------------------------------------------------------------------------


def test_user_create_takes_the_password_from_stdin_and_it_signs_in(migrated: Install):
    output = migrated.ok(
        "user",
        "create",
        "--email",
        "Ana.Silva@Example.org",
        "--name",
        "Ana Silva",
        "--admin",
        input="river-towns-2030\n",
    )

    assert output.strip() == "Created the account ana.silva@example.org (operator admin, can use /admin/)."
    signed_in = migrated.python(
        "from django.contrib.auth import authenticate\n"
        "user = authenticate(email='ana.silva@example.org', password='river-towns-2030')\n"
        "wrong = authenticate(email='ana.silva@example.org', password='river-towns-2030\\n')\n"
        "print(user.email, user.name, user.is_staff, user.is_superuser, wrong)"
    )
    assert signed_in == "ana.silva@example.org Ana Silva True True None"


def test_user_create_without_a_password_leaves_none_usable(migrated: Install):
    output = migrated.ok("user", "create", "--email", "bo@example.org", input="")

    assert "no password yet" in output
    assert (
        migrated.python(
            "from accord.accounts.models import User\n"
            "user = User.objects.get(email='bo@example.org')\n"
            "print(user.has_usable_password(), user.is_staff)"
        )
        == "False False"
    )


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("not-an-address", "river-towns-2030", "error: Enter a valid email address"),
        ("cy@example.org", "short", "error: This password is too short"),
    ],
)
def test_user_create_refuses_bad_input_with_the_reason(migrated: Install, email: str, password: str, message: str):
    result = migrated.run("user", "create", "--email", email, input=password + "\n")

    assert result.returncode == 2
    assert result.stderr.startswith(message), result.stderr
    assert result.stdout == ""
    assert (
        migrated.python(
            f"from accord.accounts.models import User; print(User.objects.filter(email={email!r}).exists())"
        )
        == "False"
    )


def test_user_create_refuses_an_address_already_taken(migrated: Install):
    migrated.ok("user", "create", "--email", "dee@example.org", input="river-towns-2030\n")

    result = migrated.run("user", "create", "--email", "DEE@example.org", input="another-password-77\n")

    assert result.returncode == 2
    assert result.stderr.strip() == "error: An account with the address dee@example.org already exists."


# --- accord token create ------------------------------------------------------------------------------------------


def test_token_create_prints_only_a_token_that_acts_as_the_account(migrated: Install):
    migrated.ok("user", "create", "--email", "eve@example.org", input="")

    output = migrated.ok("token", "create", "--email", "Eve@Example.org", "--name", "nightly export")

    token = output.strip()
    assert output == token + "\n" and " " not in token and token.startswith("acc_")
    resolved = migrated.python(
        "from accord.accounts.queries import user_for_token\n"
        f"user, row = user_for_token({token!r})\n"
        "print(user.email, row.name)\n"
        f"print(user_for_token({token[:-1]!r}))"
    )
    assert resolved == "eve@example.org nightly export\nNone"


def test_token_create_for_an_unknown_address_says_so(migrated: Install):
    result = migrated.run("token", "create", "--email", "nobody@example.org")

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: there is no account with the email address nobody@example.org")


# --- accord check -----------------------------------------------------------------------------------------------


def _check_lines(output: str) -> dict[str, str]:
    """`accord check` lines by what they are about, each `status  what  todo`; the summary line last."""
    *lines, summary = output.strip().splitlines()
    assert summary.endswith(" ok") and " failed, " in summary, summary
    found = {}
    for line in lines:
        status, _, rest = line.partition("  ")
        assert status.strip() in {"ok", "warn", "fail"}, line
        found[rest.strip()] = status.strip()
    return found


def test_check_fails_on_a_new_install_and_passes_once_it_is_ready(install: Install):
    before = install.run("check")

    assert before.returncode == 1
    statuses = _check_lines(before.stdout)
    failing = [what for what, status in statuses.items() if status == "fail"]
    assert len(failing) == 2, before.stdout
    assert "not applied" in failing[0] and "accord manage migrate" in failing[0]
    assert failing[1].startswith("static files not collected")

    install.ok("manage", "migrate", "--noinput", "-v", "0")
    install.ok("manage", "collectstatic", "--noinput", "-v", "0")
    after = install.run("check")

    assert after.returncode == 0, after.stdout
    statuses = _check_lines(after.stdout)
    assert "fail" not in statuses.values()
    assert statuses["database migrations all applied"] == "ok"
    warnings = [what for what, status in statuses.items() if status == "warn"]
    assert any("HTTPS protections are off" in what and "ACCORD_HTTPS=1" in what for what in warnings), warnings
    assert any("email is printed on the console" in what for what in warnings), warnings


def test_check_fails_on_a_readable_secret_key_and_a_base_url_not_allowed(install: Install, smtp_sink):
    install.ok("manage", "migrate", "--noinput", "-v", "0")
    install.ok("manage", "collectstatic", "--noinput", "-v", "0")
    key_file = install.data_dir / "secret_key"
    key_file.chmod(0o644)

    result = install.run(
        "check",
        env={
            "ACCORD_BASE_URL": "https://accord.example.org",
            "EMAIL_HOST": smtp_sink.host,
            "EMAIL_PORT": str(smtp_sink.port),
        },
    )

    assert result.returncode == 1
    statuses = _check_lines(result.stdout)
    assert statuses[f"email server {smtp_sink.host}:{smtp_sink.port} accepts connections"] == "ok"
    assert statuses["ACCORD_BASE_URL is https but ACCORD_HTTPS is off  set ACCORD_HTTPS=1"] == "warn"
    failing = [what for what, status in statuses.items() if status == "fail"]
    assert failing == [
        f"secret key file {key_file} can be read by other users (mode 644)  run `chmod 600 {key_file}`",
        "ACCORD_BASE_URL's host accord.example.org is not in ACCORD_ALLOWED_HOSTS (127.0.0.1, localhost, [::1])  "
        "add accord.example.org to ACCORD_ALLOWED_HOSTS, or correct ACCORD_BASE_URL",
    ]


def test_check_warns_while_demo_accounts_with_the_published_password_exist(install: Install):
    install.ok("demo", "--if-empty")
    install.ok("manage", "collectstatic", "--noinput", "-v", "0")

    with_demo = install.run("check")

    statuses = _check_lines(with_demo.stdout)
    warned = [what for what, status in statuses.items() if what.startswith("demo accounts with the published password")]
    assert len(warned) == 1 and statuses[warned[0]] == "warn", with_demo.stdout
    assert "coordinator@demo.example" in warned[0] and "more)" in warned[0]
    assert warned[0].endswith(
        "remove them before real use: delete the demo coalition and its @demo.example "
        "accounts in /admin/, or start again from an empty database"
    )
    assert with_demo.returncode == 0, "a warning, not a failure: trying Accord out with the demo is fine"

    install.python(
        "from accord.accounts.models import User\n"
        "for user in User.objects.filter(email__endswith='@demo.example'):\n"
        "    user.set_unusable_password(); user.save()"
    )
    without = _check_lines(install.run("check").stdout)
    assert without["no demo account has the published password"] == "ok"
    assert not any(what.startswith("demo accounts") for what in without)


# --- accord demo --------------------------------------------------------------------------------------------------


def test_demo_loads_into_an_empty_install_only(install: Install):
    loaded = install.ok("demo", "--if-empty")
    assert loaded.startswith("Applying ")
    assert "Loaded the demo coalition “Northern Climate Action Network”" in loaded

    skipped = install.run("demo", "--if-empty")
    assert (skipped.returncode, skipped.stdout, skipped.stderr) == (0, "database not empty: demo not loaded\n", "")

    refused = install.run("demo")
    assert refused.returncode == 2
    assert refused.stderr.startswith("error: the database already holds coalitions or accounts")

    assert (
        install.python(
            "from accord.coalitions.models import Coalition\n"
            "print(list(Coalition.objects.values_list('name', flat=True)))"
        )
        == "['Northern Climate Action Network']"
    )


# --- accord run ---------------------------------------------------------------------------------------------------


def _children(pid: int) -> dict[int, str]:
    """The processes whose parent is `pid`, with their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == pid:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
    return found


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310  (http://127.0.0.1 only)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _wait_for(
    condition, timeout: float, what: str, process: subprocess.Popen[str] | None = None, log: Path | None = None
):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if process is not None and process.poll() is not None:
            pytest.fail(f"`accord run` exited {process.returncode} while waiting for {what}:\n{_read(log)}")
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout} s waiting for {what}:\n{_read(log)}")


def _read(path: Path | None) -> str:
    return path.read_text(errors="replace")[-4000:] if path and path.exists() else ""


def _worker(pid: int) -> int | None:
    return next((child for child, command in _children(pid).items() if "db_worker" in command), None)


def test_run_serves_pages_and_static_files_keeps_a_worker_and_stops_on_sigterm(install: Install, tmp_path: Path):
    port = _free_port()
    out, err = tmp_path / "run.out", tmp_path / "run.err"
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(
            [str(ACCORD), "run", "--workers", "1"],
            env={**install.env, "PORT": str(port)},
            cwd=install.data_dir.parent,
            stdout=stdout,
            stderr=stderr,
            text=True,
        )
    seen: set[int] = set()
    try:
        _wait_for(lambda: "Accord is listening" in _read(out), START_TIMEOUT, "the listening line", process, err)
        assert f"Accord is listening on http://127.0.0.1:{port}/" in _read(out)
        children = _children(process.pid)
        seen.update(children)
        assert any("accord.cli web" in command for command in children.values()), children
        worker = _wait_for(lambda: _worker(process.pid), 10, "the background worker", process, err)

        status, page = _get(f"http://127.0.0.1:{port}/")
        assert status == 200, page[:2000]
        assert b"<html" in page.lower()
        status, css = _get(f"http://127.0.0.1:{port}/static/admin/css/base.css")
        assert status == 200
        assert b"font-family" in css
        assert (install.data_dir / "static" / "staticfiles.json").exists(), "collectstatic ran with the manifest"

        # A worker that dies is reported and replaced.
        os.kill(worker, signal.SIGKILL)
        replacement = _wait_for(
            lambda: (_worker(process.pid) or 0) not in {0, worker} and _worker(process.pid),
            15,
            "a new background worker",
            process,
            err,
        )
        seen.add(replacement)
        assert "the background worker stopped unexpectedly (exit code -9)" in _read(err)

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=STOP_TIMEOUT) == 0, _read(err)
        _wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in seen), 10, "the children to exit")
    finally:
        for pid in [process.pid, *seen]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        process.wait(timeout=10)


def test_run_refuses_a_port_already_in_use(install: Install):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = install.run("run", "--port", str(port))

    assert result.returncode == 2
    assert result.stderr.startswith(f"error: cannot listen on 127.0.0.1:{port}")
    assert not (install.data_dir / "accord.sqlite3").exists(), "it refused before touching the database"


def test_commands_say_when_the_database_cannot_be_reached(install: Install):
    nowhere = f"postgres://accord@127.0.0.1:{_free_port()}/accord"

    created = install.run("user", "create", "--email", "fay@example.org", env={"DATABASE_URL": nowhere})
    checked = install.run("check", env={"DATABASE_URL": nowhere})

    assert created.returncode == 1
    assert created.stderr.startswith("error: the database cannot be used (connection failed:"), created.stderr
    assert "Check DATABASE_URL" in created.stderr
    assert checked.returncode == 1
    statuses = _check_lines(checked.stdout)
    unreachable = [what for what, status in statuses.items() if what.startswith("database postgresql cannot")]
    assert len(unreachable) == 1 and statuses[unreachable[0]] == "fail"
    assert "check DATABASE_URL" in unreachable[0]
