"""The `accord` command: what an operator runs to serve, fill, check and look after an install.

    accord run [--host H] [--port P] [--workers N]   migrate, collect static files, serve, and run the worker
    accord web [--host H] [--port P] [--workers N]   serve only (for scale-out: no migrations, no worker)
    accord worker                                    run only the background worker
    accord demo [--if-empty]                         load the demo coalition into an empty database
    accord user create --email E [--name N] [--admin]
    accord token create --email E [--name N]         print a new personal API token
    accord check                                     configuration and deployment checks
    accord tally --rule R.json --ballots B.json [--explain]   the outcome of a decision rule on a set of ballots
    accord manage <django management arguments>     Django's management commands, e.g. `createsuperuser`

Django is set up only inside the commands that need it, so `accord --help` works on a broken configuration, and
`accord tally` (a pure kernel call) needs no settings and no database at all.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

SETTINGS_MODULE = "accord.settings"

# `accord run` restarts a background worker that died, waiting longer after each quick failure.
WORKER_RESTART_DELAYS = (1, 2, 5, 10, 30, 60)
WORKER_HEALTHY_AFTER_SECONDS = 60
STOP_TIMEOUT_SECONDS = 20


class CommandFailed(Exception):
    """A command could not do what was asked; the message says what to change. Exit code 2 unless given.

    It is printed as "<prefix>: <message>", the prefix "error" unless the command names itself.
    """

    def __init__(self, message: str, *, exit_code: int = 2, prefix: str = "error") -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.prefix = prefix


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django

    django.setup()


def _default_port() -> int:
    raw = os.environ.get("PORT", "").strip()
    if not raw:
        return 8000
    try:
        return _port(raw)
    except argparse.ArgumentTypeError as error:
        raise SystemExit(f"error: the PORT environment variable: {error}")


def _port(raw: str) -> int:
    try:
        port = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a port is a whole number between 1 and 65535, not “{raw}”")
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is a whole number between 1 and 65535, not {port}")
    return port


def _positive(raw: str) -> int:
    try:
        number = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"give a whole number of 1 or more, not “{raw}”")
    if number < 1:
        raise argparse.ArgumentTypeError(f"give a whole number of 1 or more, not {number}")
    return number


# --- the database and static files --------------------------------------------------------------------------------


def _unapplied_migrations() -> list[tuple[Any, bool]]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def _migrate() -> None:
    """Apply migrations that are not applied yet, saying so only when there are some."""
    from django.core.management import call_command

    plan = _unapplied_migrations()
    if plan:
        print(f"Applying {len(plan)} database migration{'s' if len(plan) != 1 else ''}…", flush=True)
        call_command("migrate", interactive=False, verbosity=0)


def _collect_static() -> None:
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


# --- accord run, web, worker --------------------------------------------------------------------------------------


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as error:
            raise CommandFailed(
                f"cannot listen on {host}:{port} ({error.strerror}): stop whatever uses that port, "
                "or choose another with --port (or the PORT environment variable)."
            )


def _listening_line(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    where = f"http://{shown}:{port}/"
    if host in {"0.0.0.0", "::", "[::]"}:  # noqa: S104  (only to say so)
        where += " on every network interface"
    return f"Accord is listening on {where} (Ctrl-C stops it)"


def _serve(host: str, port: int, workers: int, *, announce: bool = True) -> None:
    """Serve the WSGI app with gunicorn in this process until it is told to stop."""
    from gunicorn.app.base import BaseApplication

    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": 4,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "warning",
        "graceful_timeout": 10,
        "timeout": 60,
        # Import Django once in the master: a broken configuration stops the server at once with one message,
        # instead of every worker failing to boot in turn.
        "preload_app": True,
        "proc_name": "accord",
    }
    if announce:

        def when_ready(server: Any) -> None:
            print(_listening_line(host, port), flush=True)

        options["when_ready"] = when_ready

    class AccordServer(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from accord.wsgi import application

            return application

    AccordServer().run()


def _die_with_parent() -> None:
    """In a child of `accord run`: get SIGTERM if `accord run` itself is killed, so no server is left behind."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the children are still stopped on SIGTERM and Ctrl-C
        pass


def _start_child(command: Sequence[str]) -> subprocess.Popen[bytes]:
    # Its own process group, so Ctrl-C in the terminal reaches only `accord run`, which then stops each child
    # once, gracefully (a second signal would make the worker abandon the task it is running).
    return subprocess.Popen(command, process_group=0, preexec_fn=_die_with_parent)  # noqa: S603


def _stop_children(children: Sequence[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(
                f"accord run: process {child.pid} did not stop in {STOP_TIMEOUT_SECONDS} s; killing it", file=sys.stderr
            )
            child.kill()
            child.wait()


def _worker_command() -> list[str]:
    settings_module = os.environ["DJANGO_SETTINGS_MODULE"]
    return [sys.executable, "-m", "django", "db_worker", "--no-reload", "--settings", settings_module]


LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def _default_base_url(host: str, port: int) -> None:
    """On this machine only, links in mail point at the port actually served unless ACCORD_BASE_URL says else."""
    if host in LOOPBACK_HOSTS and not os.environ.get("ACCORD_BASE_URL"):
        os.environ["ACCORD_BASE_URL"] = f"http://127.0.0.1:{port}"


def command_run(args: argparse.Namespace) -> int:
    _check_port_free(args.host, args.port)
    _default_base_url(args.host, args.port)
    _setup_django()
    if not args.no_migrate:
        _migrate()
    _collect_static()
    from django.db import connections

    connections.close_all()

    stop_requested: list[int] = []

    def request_stop(signum: int, frame: Any) -> None:
        stop_requested.append(signum)

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGHUP, request_stop)

    web_command = [sys.executable, "-m", "accord.cli", "web", "--host", args.host, "--port", str(args.port)]
    web_command += ["--workers", str(args.workers)]
    web = _start_child(web_command)
    worker: subprocess.Popen[bytes] | None = None if args.no_worker else _start_child(_worker_command())
    worker_started_at = time.monotonic()
    worker_failures = 0
    worker_restart_at: float | None = None
    exit_code = 0

    try:
        while not stop_requested:
            web_status = web.poll()
            if web_status is not None:
                print(
                    f"accord run: the web server stopped (exit code {web_status}); see the messages above. "
                    "Stopping the background worker too.",
                    file=sys.stderr,
                )
                exit_code = web_status if web_status > 0 else 1
                break
            if worker is not None and worker_restart_at is None:
                worker_status = worker.poll()
                if worker_status is not None:
                    if time.monotonic() - worker_started_at > WORKER_HEALTHY_AFTER_SECONDS:
                        worker_failures = 0
                    delay = WORKER_RESTART_DELAYS[min(worker_failures, len(WORKER_RESTART_DELAYS) - 1)]
                    worker_failures += 1
                    print(
                        f"accord run: the background worker stopped unexpectedly (exit code {worker_status}); "
                        f"restarting it in {delay} s. Until it runs, mail and scheduled work wait in the queue. "
                        "See the messages above for the cause.",
                        file=sys.stderr,
                        flush=True,
                    )
                    worker_restart_at = time.monotonic() + delay
            if worker_restart_at is not None and time.monotonic() >= worker_restart_at:
                worker = _start_child(_worker_command())
                worker_started_at = time.monotonic()
                worker_restart_at = None
            time.sleep(0.2)
    finally:
        _stop_children([child for child in (web, worker) if child is not None])
    return exit_code


def command_web(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    _check_port_free(args.host, args.port)
    _default_base_url(args.host, args.port)
    _serve(args.host, args.port, args.workers)
    return 0


def command_worker(args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.management import call_command

    call_command("db_worker", reload=False)
    return 0


# --- accord demo --------------------------------------------------------------------------------------------------


def command_demo(args: argparse.Namespace) -> int:
    _setup_django()
    _migrate()
    from django.conf import settings

    from accord import demo
    from accord.errors import ActionError

    if not demo.database_is_empty():
        if args.if_empty:
            print("database not empty: demo not loaded")
            return 0
        raise CommandFailed(
            "the database already holds coalitions or accounts, and the demo is loaded only into a new, empty "
            "install. To try the demo, point ACCORD_DATA_DIR (or DATABASE_URL) at a new, empty place."
        )
    try:
        loaded = demo.load_demo()
    except ActionError as error:
        raise CommandFailed(error.message)
    print(
        f"Loaded the demo coalition “{loaded.coalition.name}”. Sign in at {settings.BASE_URL}/accounts/login/ "
        f"as {loaded.coordinator.email} (coordinator), {loaded.delegate.email}, {loaded.member.email} or "
        f"{loaded.outsider.email}, with the password “{loaded.password}”. It holds its adopted constitution and 13 "
        f"decisions, 7 still open: {loaded.delegate.email} and {loaded.member.email} have some waiting for their stance."
    )
    return 0


# --- accord user, accord token ------------------------------------------------------------------------------------


def _read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password (leave empty to let them set one with “forgot password”): ")
    if not first:
        return ""
    again = getpass.getpass("The same password again: ")
    if first != again:
        raise CommandFailed("the two passwords differ; nothing was created. Run the command again.")
    return first


def command_user_create(args: argparse.Namespace) -> int:
    _setup_django()
    from accord.accounts.actions import create_user
    from accord.errors import ActionError

    password = _read_password()
    try:
        user = create_user(email=args.email, password=password or None, name=args.name or "", is_admin=args.admin)
    except ActionError as error:
        raise CommandFailed(error.message)
    notes = []
    if user.is_staff:
        notes.append("operator admin, can use /admin/")
    if not user.has_usable_password():
        notes.append("no password yet: they set one with “forgot password” on the sign-in page")
    print(f"Created the account {user.email}" + (f" ({'; '.join(notes)})" if notes else "") + ".")
    return 0


def command_token_create(args: argparse.Namespace) -> int:
    _setup_django()
    from accord.accounts.actions import create_api_token
    from accord.accounts.queries import user_by_email
    from accord.errors import ActionError

    user = user_by_email(args.email)
    if user is None:
        raise CommandFailed(
            f"there is no account with the email address {args.email.strip()}: "
            f"create one first with `accord user create --email {args.email.strip()}`."
        )
    if not user.is_active:
        raise CommandFailed(f"the account {user.email} is deactivated, so a token for it would not work.")
    try:
        _, raw = create_api_token(actor=user, name=args.name or "")
    except ActionError as error:
        raise CommandFailed(error.message)
    print(raw)
    return 0


# --- accord check -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    status: str  # ok, warn or fail
    what: str
    todo: str = ""


HTTPS_CHECKS = {"security.W004", "security.W008", "security.W012", "security.W016"}
# HSTS for subdomains and the browsers' preload list are choices for the whole domain, not for Accord to make.
HSTS_SCOPE_CHECKS = {"security.W005", "security.W021"}
ACCORD_HINTS = {
    "security.W009": "set ACCORD_SECRET_KEY to a long random value, or unset it to use the generated key file",
    "security.W018": "unset ACCORD_DEBUG: debug pages show secrets to anyone who causes an error",
    "security.W020": "set ACCORD_ALLOWED_HOSTS to the host names the site is reached by",
}


def _django_findings() -> list[Finding]:
    from django.core import checks

    findings: list[Finding] = []
    messages = [
        message
        for message in checks.run_checks(include_deployment_checks=True, databases=None)
        if not message.is_silenced()
    ]
    https = sorted(message.id for message in messages if message.id in HTTPS_CHECKS)
    if https:
        findings.append(
            Finding(
                "warn",
                f"Django deployment checks: HTTPS protections are off ({', '.join(https)})",
                "serve the site over HTTPS (behind a proxy that terminates TLS) and set ACCORD_HTTPS=1",
            )
        )
    hsts_scope = sorted(message.id for message in messages if message.id in HSTS_SCOPE_CHECKS)
    if hsts_scope:
        findings.append(
            Finding(
                "ok",
                f"HSTS is on for this host only ({', '.join(hsts_scope)}: includeSubDomains and preload are "
                "left to the domain's owner)",
            )
        )
    for message in messages:
        if message.id in HTTPS_CHECKS or message.id in HSTS_SCOPE_CHECKS:
            continue
        status = "fail" if message.level >= checks.ERROR else "warn"
        text = str(message.msg).split("\n")[0].split(". ")[0].rstrip(".")
        todo = ACCORD_HINTS.get(message.id or "", message.hint or "")
        findings.append(Finding(status, f"Django check {message.id}: {text}", todo))
    if not findings:
        findings.append(Finding("ok", "Django system and deployment checks"))
    return findings


def _database_findings() -> list[Finding]:
    from django.db import connection

    try:
        connection.ensure_connection()
    except Exception as error:  # any driver error: the point is to say it cannot be reached
        return [
            Finding(
                "fail",
                f"database {connection.vendor} cannot be reached: {str(error).strip().splitlines()[0]}",
                "check DATABASE_URL (host, port, user, password, database name) and that the server is running",
            ),
            Finding("fail", "migrations not checked", "fix the database connection first"),
        ]
    name = connection.settings_dict.get("NAME")
    findings = [Finding("ok", f"database reachable ({connection.vendor}, {name})")]
    plan = _unapplied_migrations()
    if plan:
        names = ", ".join(f"{migration.app_label}.{migration.name}" for migration, _ in plan[:3])
        more = f" and {len(plan) - 3} more" if len(plan) > 3 else ""
        findings.append(
            Finding(
                "fail",
                f"{len(plan)} database migration{'s' if len(plan) != 1 else ''} not applied ({names}{more})",
                "run `accord manage migrate` (`accord run` does it when it starts)",
            )
        )
    else:
        findings.append(Finding("ok", "database migrations all applied"))
        findings.extend(_queue_findings())
        findings.extend(_demo_account_findings())
    return findings


def _queue_findings() -> list[Finding]:
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    backend = settings.TASKS["default"]["BACKEND"]
    if not backend.startswith("django_tasks_db"):
        return [Finding("warn", f"background tasks run by {backend}", "use django_tasks_db.DatabaseBackend")]
    from django_tasks_db.models import DBTaskResult

    stale_before = timezone.now() - timedelta(minutes=10)
    waiting = DBTaskResult.objects.ready().filter(enqueued_at__lt=stale_before).count()
    if waiting:
        return [
            Finding(
                "warn",
                f"{waiting} background task{'s have' if waiting != 1 else ' has'} waited more than 10 minutes",
                "make sure a worker runs: `accord run` starts one; on other setups run `accord worker`",
            )
        ]
    return [Finding("ok", "background task queue: nothing waiting more than 10 minutes")]


def _demo_account_findings() -> list[Finding]:
    """The demo's accounts (…@demo.example) sign in with a password printed in the user guide: fine to try Accord,
    not on an install with real members."""
    from django.contrib.auth import get_user_model

    demo_accounts = get_user_model().objects.filter(email__iendswith="@demo.example").only("email", "password")
    usable = sorted(account.email for account in demo_accounts if account.has_usable_password())
    if usable:
        shown = ", ".join(usable[:3]) + (f" and {len(usable) - 3} more" if len(usable) > 3 else "")
        return [
            Finding(
                "warn",
                f"demo accounts with the published password exist ({shown})",
                "remove them before real use: delete the demo coalition and its @demo.example accounts in /admin/, "
                "or start again from an empty database",
            )
        ]
    return [Finding("ok", "no demo account has the published password")]


def _data_dir_findings() -> list[Finding]:
    import tempfile

    from django.conf import settings

    data_dir = settings.DATA_DIR
    try:
        with tempfile.NamedTemporaryFile(dir=data_dir, prefix=".accord-check-"):
            pass
    except OSError as error:
        return [
            Finding(
                "fail",
                f"data folder {data_dir} is not writable ({error.strerror})",
                "give the user that runs Accord write access to it, or set ACCORD_DATA_DIR to a folder it owns",
            )
        ]
    return [Finding("ok", f"data folder {data_dir} is writable")]


def _secret_key_findings() -> list[Finding]:
    from django.conf import settings

    if os.environ.get("ACCORD_SECRET_KEY") or os.environ.get("DJANGO_SECRET_KEY"):
        name = "ACCORD_SECRET_KEY" if os.environ.get("ACCORD_SECRET_KEY") else "DJANGO_SECRET_KEY"
        if len(settings.SECRET_KEY) < 50:
            return [Finding("warn", f"secret key from {name} is short", "use at least 50 random characters")]
        return [Finding("ok", f"secret key from the environment ({name})")]
    key_file = settings.DATA_DIR / "secret_key"
    if not key_file.exists():
        return [Finding("fail", f"secret key file {key_file} is missing", "set ACCORD_SECRET_KEY")]
    mode = key_file.stat().st_mode & 0o777
    if mode & 0o077:
        return [
            Finding(
                "fail",
                f"secret key file {key_file} can be read by other users (mode {mode:o})",
                f"run `chmod 600 {key_file}`",
            )
        ]
    return [Finding("ok", f"secret key from {key_file} (mode 600); back this file up with the database")]


def _email_findings() -> list[Finding]:
    from django.conf import settings
    from django.core.mail import get_connection

    backend = settings.EMAIL_BACKEND
    if backend != "django.core.mail.backends.smtp.EmailBackend":
        where = "printed on the console" if backend.endswith("console.EmailBackend") else f"handled by {backend}"
        return [
            Finding(
                "warn",
                f"email is {where}, not sent: invitations and password resets reach no one",
                "set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS)",
            )
        ]
    findings: list[Finding] = []
    connection = get_connection(timeout=10)
    try:
        connection.open()
    except Exception as error:  # smtplib and socket errors alike: say the server cannot be used
        findings.append(
            Finding(
                "fail",
                f"email server {settings.EMAIL_HOST}:{settings.EMAIL_PORT} cannot be used: {error}",
                "check EMAIL_HOST, EMAIL_PORT, EMAIL_USE_TLS/EMAIL_USE_SSL and the account's user and password",
            )
        )
    else:
        connection.close()
        findings.append(Finding("ok", f"email server {settings.EMAIL_HOST}:{settings.EMAIL_PORT} accepts connections"))
    if "@localhost" in settings.DEFAULT_FROM_EMAIL:
        findings.append(
            Finding(
                "warn",
                f"mail is sent from {settings.DEFAULT_FROM_EMAIL}, which other servers may reject",
                'set DEFAULT_FROM_EMAIL to an address of your domain, e.g. "Accord <accord@example.org>"',
            )
        )
    return findings


def _address_findings() -> list[Finding]:
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.http.request import validate_host

    base = urlsplit(settings.BASE_URL)
    findings: list[Finding] = []
    if base.scheme not in {"http", "https"} or not base.hostname:
        return [
            Finding(
                "fail",
                f"ACCORD_BASE_URL “{settings.BASE_URL}” is not a web address",
                "set it like https://accord.example.org",
            )
        ]
    host = base.hostname
    if not validate_host(host, settings.ALLOWED_HOSTS):
        findings.append(
            Finding(
                "fail",
                f"ACCORD_BASE_URL's host {host} is not in ACCORD_ALLOWED_HOSTS ({', '.join(settings.ALLOWED_HOSTS)})",
                f"add {host} to ACCORD_ALLOWED_HOSTS, or correct ACCORD_BASE_URL",
            )
        )
    origin = f"{base.scheme}://{base.netloc}"
    if origin not in settings.CSRF_TRUSTED_ORIGINS:
        findings.append(
            Finding(
                "warn",
                f"{origin} is not among ACCORD_CSRF_TRUSTED_ORIGINS; forms posted from it will be refused",
                f"add {origin} to ACCORD_CSRF_TRUSTED_ORIGINS (or unset it: it defaults to ACCORD_BASE_URL)",
            )
        )
    https_on = bool(getattr(settings, "SECURE_PROXY_SSL_HEADER", None))
    if base.scheme == "https" and not https_on:
        findings.append(Finding("warn", "ACCORD_BASE_URL is https but ACCORD_HTTPS is off", "set ACCORD_HTTPS=1"))
    if base.scheme == "http" and https_on:
        findings.append(
            Finding(
                "fail", "ACCORD_HTTPS is on but ACCORD_BASE_URL is http", "set ACCORD_BASE_URL to the https address"
            )
        )
    local = host in {"127.0.0.1", "localhost", "::1"}
    public_hosts = [name for name in settings.ALLOWED_HOSTS if name not in {"127.0.0.1", "localhost", "[::1]", "::1"}]
    if local and public_hosts:
        findings.append(
            Finding(
                "warn",
                f"ACCORD_BASE_URL is {settings.BASE_URL}, so links in mail point at this machine only",
                f"set ACCORD_BASE_URL to the public address, e.g. https://{public_hosts[0].lstrip('.')}",
            )
        )
    if not findings:
        findings.append(
            Finding("ok", f"ACCORD_BASE_URL {settings.BASE_URL} matches ALLOWED_HOSTS and CSRF trusted origins")
        )
    return findings


def _static_findings() -> list[Finding]:
    from django.conf import settings

    storage = settings.STORAGES["staticfiles"]["BACKEND"]
    root = settings.STATIC_ROOT
    if "Manifest" in storage:
        manifest = root / "staticfiles.json"
        if not manifest.exists():
            return [
                Finding(
                    "fail",
                    f"static files not collected (no {manifest})",
                    "run `accord manage collectstatic` (`accord run` does it when it starts)",
                )
            ]
        return [Finding("ok", f"static files collected in {root}")]
    return [Finding("ok", f"static files served from the app folders ({storage.rsplit('.', 1)[-1]}, debug or testing)")]


CHECKS: tuple[Callable[[], list[Finding]], ...] = (
    _django_findings,
    _database_findings,
    _data_dir_findings,
    _secret_key_findings,
    _email_findings,
    _address_findings,
    _static_findings,
)


def command_check(args: argparse.Namespace) -> int:
    _setup_django()
    findings: list[Finding] = []
    for check in CHECKS:
        try:
            findings.extend(check())
        except Exception as error:  # a check that breaks is itself a failure to report, not a traceback
            findings.append(Finding("fail", f"{check.__name__.strip('_')} could not run: {error!r}", "report this"))
    for finding in findings:
        print(f"{finding.status:<4}  {finding.what}" + (f"  {finding.todo}" if finding.todo else ""))
    failed = sum(finding.status == "fail" for finding in findings)
    warned = sum(finding.status == "warn" for finding in findings)
    print(f"{failed} failed, {warned} warning{'s' if warned != 1 else ''}, {len(findings) - failed - warned} ok")
    return 1 if failed else 0


# --- accord tally -------------------------------------------------------------------------------------------------
# A pure call into the governance kernel: no Django settings, no database, so it runs anywhere the package is
# installed, and fast. Errors are the kernel's own, naming the field at fault (rule.threshold, ballots.stances[3]).


def _tally_failed(message: str) -> CommandFailed:
    return CommandFailed(message, prefix="accord tally")


def _refuse_duplicate_keys(source: str) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    """A JSON object hook: a key given twice is refused, since only one of the two values would count."""

    def build(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise _tally_failed(f'{source} gives "{key}" twice in one object; keep one of them.')
            result[key] = value
        return result

    return build


def _read_json(name: str, *, what: str) -> Any:
    """The JSON in the named file ("-" for standard input), or a CommandFailed saying which file and what is wrong."""
    if name == "-":
        source = f"the {what} on standard input"
        text = sys.stdin.read()
    else:
        source = f"the {what} file {name}"
        try:
            with open(name, encoding="utf-8-sig") as file:
                text = file.read()
        except FileNotFoundError:
            raise _tally_failed(f"the {what} file {name} does not exist.")
        except IsADirectoryError:
            raise _tally_failed(f"the {what} file {name} is a folder, not a file.")
        except UnicodeDecodeError:
            raise _tally_failed(f"the {what} file {name} is not UTF-8 text; save it as UTF-8 JSON.")
        except OSError as error:
            raise _tally_failed(f"cannot read the {what} file {name} ({error.strerror or error}).")
    if not text.strip():
        raise _tally_failed(f"{source} is empty; it should hold one JSON object.")
    try:
        return json.loads(text, object_pairs_hook=_refuse_duplicate_keys(source))
    except json.JSONDecodeError as error:
        raise _tally_failed(f"{source} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}.")
    except RecursionError:
        raise _tally_failed(f"{source} is nested too deeply to read.")


def command_tally(args: argparse.Namespace) -> int:
    from accord.governance import GovernanceError, describe_rule, parse_ballots, parse_rule, tally

    if args.rule == "-" and args.ballots == "-":
        raise _tally_failed(
            "only one of --rule and --ballots can be read from standard input (-); give a file for the other."
        )
    rule_data = _read_json(args.rule, what="rule")
    ballots_data = _read_json(args.ballots, what="ballots")
    try:
        rule = parse_rule(rule_data, path="rule")
        ballots = parse_ballots(ballots_data, rule=rule, path="ballots")
        outcome = tally(
            rule,
            eligible=ballots.eligible,
            stances=ballots.stances,
            options=ballots.options,
            failed_rounds=ballots.failed_rounds,
            checked=True,
        )
    except GovernanceError as error:
        path = error.path
        if path and not path.startswith(("rule", "ballots")):  # tally() names fields from the ballots' top
            path = f"ballots.{path}"
        raise _tally_failed(f"{path}: {error.message}" if path else error.message)
    if args.explain:
        print(f"Rule: {describe_rule(rule)}")
        print()
        print(outcome.summary)
    else:
        print(json.dumps(outcome.to_json(), indent=2, ensure_ascii=False))
    return 0


# --- accord manage ------------------------------------------------------------------------------------------------


def command_manage(arguments: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["accord manage", *arguments])
    return 0


# --- the parser ---------------------------------------------------------------------------------------------------


def _server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; 0.0.0.0 for all)")
    parser.add_argument("--port", type=_port, default=None, help="port to listen on (default $PORT, else 8000)")
    parser.add_argument("--workers", type=_positive, default=2, help="web server processes, 4 threads each (default 2)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="accord",
        description="Run and look after an Accord install. Settings come from the environment (see `accord check`).",
    )
    commands = parser.add_subparsers(dest="command", metavar="command")

    run = commands.add_parser("run", help="migrate, collect static files, serve the site and run the worker")
    _server_options(run)
    run.add_argument("--no-worker", action="store_true", help="do not start the background worker")
    run.add_argument("--no-migrate", action="store_true", help="do not apply migrations first (scale-out)")
    run.set_defaults(handler=command_run)

    web = commands.add_parser("web", help="serve the site only: no migrations, no worker (scale-out)")
    _server_options(web)
    web.set_defaults(handler=command_web)

    worker = commands.add_parser("worker", help="run the background worker only (scale-out)")
    worker.set_defaults(handler=command_worker)

    demo = commands.add_parser("demo", help="load the demo coalition into an empty database")
    demo.add_argument("--if-empty", action="store_true", help="skip quietly when the database is not empty")
    demo.set_defaults(handler=command_demo)

    user = commands.add_parser("user", help="accounts").add_subparsers(dest="action", metavar="action", required=True)
    user_create = user.add_parser(
        "create",
        help="create an account",
        description="Create an account. The password is read from standard input when it is not a terminal "
        "(one line), else asked for twice. With no password the person sets one with “forgot password”.",
    )
    user_create.add_argument("--email", required=True)
    user_create.add_argument("--name", default="")
    user_create.add_argument("--admin", action="store_true", help="may use the operator admin (/admin/)")
    user_create.set_defaults(handler=command_user_create)

    token = commands.add_parser("token", help="personal API tokens").add_subparsers(
        dest="action", metavar="action", required=True
    )
    token_create = token.add_parser("create", help="create a personal API token and print it (shown only once)")
    token_create.add_argument("--email", required=True, help="the account the token acts as")
    token_create.add_argument("--name", default="", help="a name to tell the token apart, e.g. the script using it")
    token_create.set_defaults(handler=command_token_create)

    check = commands.add_parser("check", help="check the configuration and the deployment")
    check.set_defaults(handler=command_check)

    tally = commands.add_parser(
        "tally",
        help="the outcome of a decision rule on a set of ballots (no database needed)",
        description="Count a set of ballots under a decision rule and print the outcome as JSON: the status, each "
        "condition with what it required and found, and a summary in plain words. Exit code 0 when it could be "
        "counted, 2 when a file is missing or a field is wrong (the message names the field, like "
        "ballots.stances[3].position). The formats are in docs/decision-rules.md.",
    )
    tally.add_argument("--rule", required=True, metavar="FILE", help="the rule as JSON; - reads standard input")
    tally.add_argument("--ballots", required=True, metavar="FILE", help="the ballots as JSON; - reads standard input")
    tally.add_argument(
        "--explain", action="store_true", help="print the rule in plain words and the summary instead of JSON"
    )
    tally.set_defaults(handler=command_tally)

    commands.add_parser("manage", help="Django's management commands, e.g. `accord manage createsuperuser`")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        if arguments and arguments[0] == "manage":
            return command_manage(arguments[1:])
        parser = build_parser()
        args = parser.parse_args(arguments)
        if getattr(args, "handler", None) is None:
            parser.print_help()
            return 2
        if getattr(args, "port", "absent") is None:
            args.port = _default_port()
        return int(args.handler(args) or 0)
    except CommandFailed as error:
        print(f"{error.prefix}: {error.message}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        from django.db import OperationalError

        if isinstance(error, OperationalError):  # cannot connect, or the database is locked or out of space
            reason = (str(error).strip().splitlines() or ["no reason given"])[0].rstrip(".")
            print(
                f"error: the database cannot be used ({reason}). Check DATABASE_URL "
                "(or that the data folder is writable), and run `accord check`.",
                file=sys.stderr,
            )
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
