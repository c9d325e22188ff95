"""The ``youthvoice`` command: serve, set up the database, load the demo, check a text."""

from __future__ import annotations

import errno
import logging
import signal
import smtplib
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from consultations import accounts, privacy, readability, services
from consultations.db import in_transaction
from consultations.errors import DomainError, InvalidInput
from consultations.glossary import default_terms
from consultations.staff_models import Role
from feedback import demo, digest
from feedback import report as lsp
from webapp import reports
from youthvoice_settings import LANGUAGES, Settings, logs
from youthvoice_settings.settings import SettingsError

log = logging.getLogger("youthvoice.cli")
SETTINGS = "youthvoice.settings"


def process_settings() -> Settings:
    """This process's settings: read from the environment once, at the first command."""
    meta = click.get_current_context().meta
    if SETTINGS not in meta:
        try:
            meta[SETTINGS] = Settings.from_environment()
        except SettingsError as error:
            raise click.ClickException(str(error)) from None
    settings: Settings = meta[SETTINGS]
    return settings


def _create_app() -> Flask:
    from webapp import create_app

    return create_app(settings=process_settings())


def _started(service: str, **fields: object) -> Settings:
    """The settings of a long-running process, its log set up and its start logged."""
    settings = process_settings()
    logs.configure_from(settings, service=service)
    log.info("%s starting", service, extra={"event": "start", **fields})
    return settings


@click.group(
    cls=FlaskGroup,
    create_app=_create_app,
    add_version_option=False,
    load_dotenv=False,
    set_debug_flag=False,
)
def main() -> None:
    """Youth Voice: consultations young people can read, and answers from every channel."""


def _request_handler() -> type:
    from werkzeug.serving import WSGIRequestHandler

    class PathOnlyLog(WSGIRequestHandler):
        """Logs the method, path and status, never the query string.

        Chat channels look participants up with ``?channel=…&id=…``: the id is a chat
        account id, which must never reach a log.
        """

        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            full = getattr(self, "path", None)
            if full is not None:
                self.path = full.split("?", 1)[0]
            try:
                super().log_request(code, size)
            finally:
                if full is not None:
                    self.path = full

    return PathOnlyLog


# A TCP port: Python would quietly take 99999 as 99999 % 65536.
PORT = click.IntRange(1, 65535)


def refuse_unusable_port(host: str, port: int) -> None:
    """Fail with one sentence, before saying anything runs, if ``host:port`` can't be had."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError):
        raise click.ClickException(
            f"{host} is not an address this computer can listen on."
        ) from None
    with socket.socket(family, kind, proto) as probe:
        # As the servers themselves bind: a port left waiting by a closed server is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise click.ClickException(
                    f"Port {port} is already in use on {host}; stop what is using it "
                    "or choose another with --port."
                ) from None
            raise click.ClickException(
                f"Cannot listen on {host} port {port}: {error.strerror or error}."
            ) from None


@click.command("serve")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=PORT)
@click.option(
    "--chat",
    "rasa",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A Rasa 3.6 `rasa` (see `make rasa`): run it and the actions too, for the web chat.",
)
@click.option(
    "--scheduler/--no-scheduler",
    "with_scheduler",
    default=False,
    help="Run `youthvoice scheduler` beside the site, so consultations close on time.",
)
def serve(host: str, port: int, rasa: Path | None, with_scheduler: bool) -> None:
    """Serve the site for a laptop or a youth club (use gunicorn in production)."""
    from webapp import settings_of

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    settings = settings_of(app)
    if not settings.is_set("secure_cookies"):
        # This server speaks plain http, where browsers drop Secure cookies (and with them
        # the form's CSRF token). Production behind HTTPS keeps the secure default.
        app.config["SESSION_COOKIE_SECURE"] = False
        app.config["REMEMBER_COOKIE_SECURE"] = False
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(
            "Note: this is plain http. Anyone on this network can read what is sent; "
            "use HTTPS (gunicorn behind a proxy) for anything beyond a short session."
        )
    refuse_unusable_port(host, port)
    logs.configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"], service="serve")
    log.info("serve starting", extra={"event": "start"})
    chat = None
    if rasa is not None and not app.config.get("RASA_SOCKET_URL"):
        from webapp.local_chat import LocalChat

        chat = LocalChat(
            rasa, Path(app.instance_path) / "rasa", f"http://127.0.0.1:{port}", click.echo
        )
        # Stopped like Ctrl+C, so Rasa and the actions stop with the site, not after it.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        chat.start(app)
    beside = None
    # The reloader's own flag, not a setting: its second process must not start another.
    import os

    if with_scheduler and not os.environ.get("WERKZEUG_RUN_MAIN"):
        import subprocess

        # Its own process, as in production: the site's threads never wait on a job.
        beside = subprocess.Popen([sys.executable, "-m", "webapp.cli", "scheduler"])
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        click.echo("The scheduler runs beside it: consultations close on time.")
    click.echo(f"Youth Voice is running: open http://{host}:{port}/ (Ctrl+C to stop)")
    from werkzeug.serving import run_simple

    try:
        run_simple(host, port, app, threaded=True, request_handler=_request_handler())
    finally:
        if chat is not None:
            chat.stop()
        if beside is not None:
            beside.terminate()
            beside.wait(timeout=10)


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database to the newest schema and add the reference data."""
    from flask_migrate import upgrade

    upgrade()
    in_transaction(services.seed_reference_data)
    click.echo("Database is ready.")


@click.command("demo")
@with_appcontext
def load_demo() -> None:
    """Load demo consultations (six open, two closed) with synthetic answers, once."""
    if demo.demo_loaded():
        click.echo("Demo data is already loaded.")
    else:
        key = current_app.config["PSEUDONYM_KEY"]
        saved = in_transaction(lambda: demo.load_demo(now=datetime.now(UTC), key=key))
        count = len(demo.DEMO_CONSULTATIONS) + len(demo.CLOSED_DEMOS)
        click.echo(f"Loaded {count} demo consultations with {saved} answers.")
    # Accounts missing from an earlier demo (a new role, or a deleted account) are made now.
    staff = in_transaction(lambda: demo.create_demo_staff(now=datetime.now(UTC)))
    if staff:
        # Random each time and shown only here: no password is ever written in the repository.
        click.echo(
            "\nDemo staff accounts for http://127.0.0.1:5000/staff/ (shown once, keep them):"
        )
        for email, role, password in staff:
            click.echo(f"  {role:<17} {email:<32} {password}")


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option(
    "--role",
    required=True,
    type=click.Choice([r.value for r in Role]),
    help="What the account may do.",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input instead of asking for it.",
)
def create_user(email: str, role: str, password_stdin: bool) -> None:
    """Add a staff account (the first one should be an admin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = in_transaction(
            lambda: accounts.create_user(email, password, role, now=datetime.now(UTC))
        )
    except InvalidInput as error:
        raise click.ClickException(error.detail) from None
    click.echo(f"Created {user.email} ({user.role.label}).")


@click.command("doctor")
@with_appcontext
def doctor() -> None:
    """Check the configuration (database, migrations, secrets, tokens, Redis, email)."""
    from webapp.doctor import run_checks

    failed = 0
    for check in run_checks():
        mark = "ok  " if check.ok else ("warn" if check.warning_only else "FAIL")
        click.echo(f"[{mark}] {check.name}: {check.detail}")
        if not check.ok and check.fix:
            click.echo(f"       → {check.fix}")
        failed += not check.ok and not check.warning_only
    if failed:
        raise click.ClickException(f"{failed} problem(s) to fix before going live.")
    click.echo("Nothing blocks running. Warnings are worth fixing for a council deployment.")


@click.command("digest")
@with_appcontext
@click.option("--no-mail", is_flag=True, help="Only print it, even when SMTP is configured.")
def digest_command(no_mail: bool) -> None:
    """Print the officers' daily digest; mail it too when SMTP_HOST is set."""
    config = current_app.config
    text = digest.digest_text(datetime.now(UTC), base_url=config["PUBLIC_URL"])
    click.echo(text, nl=False)
    if no_mail or not config.get("SMTP_HOST"):
        return
    from webapp.scheduler import digest_recipients, mail_settings

    to = digest_recipients(config)
    if not to:
        raise click.ClickException("SMTP is configured but there is nobody to send the digest to.")
    settings = mail_settings(config)
    try:
        digest.send_mail(settings, to, "Youth Voice daily digest", text)
    except (OSError, smtplib.SMTPException) as error:
        raise click.ClickException(f"Could not send the digest: {error}") from None
    click.echo(f"Sent to {len(to)} {'address' if len(to) == 1 else 'addresses'}.", err=True)


@click.command("report")
@with_appcontext
@click.option("--consultation", "slug", help="The slug of one consultation.")
@click.option("--period", help="FROM..TO, for example 2026-01-01..2026-03-31 (both included).")
@click.option(
    "--format", "fmt", type=click.Choice(["pdf", "csv", "json"]), default="pdf", show_default=True
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Where to write it (default: a file named after the report; '-' for standard output).",
)
def report_command(slug: str | None, period: str | None, fmt: str, out: str | None) -> None:
    """Make the report to the Local Strategic Partnership as PDF, CSV or JSON."""
    if bool(slug) == bool(period):
        raise click.UsageError("Give either --consultation SLUG or --period FROM..TO.")
    try:
        span = lsp.parse_period(period) if period else None
        made = reports.build(slug=slug, period=span, now=datetime.now(UTC))
        body = reports.render(made, fmt)
    except DomainError as error:
        raise click.ClickException(error.detail) from None
    target = out or reports.filename(made, fmt, slug)
    if target == "-":
        click.echo(body, nl=False)
        return
    try:
        Path(target).write_bytes(body)
    except OSError as error:
        raise click.ClickException(
            f"Could not write {target}: {(error.strerror or str(error)).lower()}."
        ) from None
    click.echo(f"Wrote {target} ({len(body)} bytes).")


@click.command("retention")
@with_appcontext
@click.option(
    "--months",
    type=click.IntRange(min=1),
    default=None,
    help="Keep written answers this many months after closing (default: RETENTION_MONTHS).",
)
def retention(months: int | None) -> None:
    """Delete written answers of consultations closed long ago; every count is kept."""
    months = months or int(current_app.config["RETENTION_MONTHS"])
    result = in_transaction(
        lambda: privacy.delete_old_free_text(now=datetime.now(UTC), months=months)
    )
    closed = f"{result.closed_before:%d %B %Y}"
    if result.answers:
        click.echo(
            f"Deleted the text of {result.answers} written answers from "
            f"{result.consultations} consultations closed before {closed} "
            f"({months} months ago). Counts and results are kept."
        )
    else:
        click.echo(
            f"Nothing to delete: no written answers left from consultations closed before "
            f"{closed} ({months} months ago)."
        )


@click.command("close")
@with_appcontext
def close_due() -> None:
    """Close consultations whose closing time has passed and queue "results are out" messages.

    Run it every few minutes (cron or a systemd timer); running it twice does no harm.
    """
    from feedback import notices
    from webapp.links import consultation_link

    now = datetime.now(UTC)
    closed = 0
    for consultation in in_transaction(lambda: notices.due_to_close(now)):
        slug = consultation.slug

        def close_one(slug: str = slug) -> int:
            # Fetched again inside its own transaction: one bad one never blocks the rest.
            from consultations import queries

            found = queries.consultation_by_slug(slug)
            return notices.close_and_notify(found, now=now, link=consultation_link(slug))

        written = in_transaction(close_one)
        closed += 1
        click.echo(f"Closed {slug}: {written} “results are out” messages queued.")
    if not closed:
        click.echo("Nothing to close.")


@click.command("deliver-web")
@click.option("--once", is_flag=True, help="Send what is due now, then stop.")
@click.option("--batch", default=100, show_default=True, type=click.IntRange(1, 500))
@click.option("--in-flight", default=16, show_default=True, type=click.IntRange(1, 64))
@click.option("--idle", default=2.0, show_default=True, help="Seconds to wait when nothing is due.")
@with_appcontext
def deliver_web(once: bool, batch: int, in_flight: int, idle: float) -> None:
    """Send browser notifications (Web Push) from the outbox, with its leases and retries."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from feedback import web_push as push
    from webapp.config import quiet_hours
    from webapp.web_push import sender

    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())
    worker = sender()
    total = push.Tally()
    with ThreadPoolExecutor(max_workers=in_flight) as pool:
        while not stopping.is_set():
            tally = push.deliver_once(
                worker,
                clock=lambda: datetime.now(UTC),
                limit=batch,
                in_flight=in_flight,
                pool=pool,
                quiet=quiet_hours(current_app.config),
            )
            total.add(tally)
            if once:
                break
            if not (tally.sent or tally.failed or tally.retried or tally.ended):
                stopping.wait(idle)
    click.echo(
        f"{total.sent} sent, {total.retried} to retry, {total.failed} failed, "
        f"{total.ended} subscriptions ended."
    )


def _when(text: str | None) -> datetime | None:
    """``--at`` as a moment: ISO 8601, in YOUTHVOICE_TIMEZONE unless it names its own zone."""
    if not text:
        return None
    from zoneinfo import ZoneInfo

    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(
            "Give a date and time like 2026-12-04 16:00.", param_hint="--at"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(current_app.config["TIMEZONE"]))
    return moment.astimezone(UTC)


@click.command("invite")
@click.argument("slug")
@click.option("--text", "text_en", required=True, help="The invitation, in young people's words.")
@click.option("--text-pl", default="", help="The same in Polish (optional).")
@click.option("--text-ur", default="", help="The same in Urdu (optional).")
@click.option("--area", "areas", multiple=True, help="Only people in this area (repeatable).")
@click.option("--age-band", "age_bands", multiple=True, help="Only this age band (repeatable).")
@click.option("--language", "languages", multiple=True, help="Only en, pl or ur (repeatable).")
@click.option("--channel", "channels", multiple=True, help="Only telegram, rasa or web.")
@click.option(
    "--topic",
    "topics",
    multiple=True,
    help="Only people following this topic, a theme key (repeatable); "
    "people who chose no topic follow every topic.",
)
@click.option("--at", "at", default=None, help="When to send it (default: now).")
@click.option("--dry-run", is_flag=True, help="Say who it would reach; queue nothing.")
@with_appcontext
def invite_command(
    slug: str,
    text_en: str,
    text_pl: str,
    text_ur: str,
    areas: tuple[str, ...],
    age_bands: tuple[str, ...],
    languages: tuple[str, ...],
    channels: tuple[str, ...],
    topics: tuple[str, ...],
    at: str | None,
    dry_run: bool,
) -> None:
    """Invite the young people who opted in to an open consultation, now or at a time.

    Prints the audience size first. Nobody is ever invited to the same consultation twice.
    """
    from consultations import queries
    from feedback import invitations
    from webapp.links import invitation_links

    now = datetime.now(UTC)
    per_week = int(current_app.config.get("INVITES_PER_WEEK", 2))
    send_at = _when(at)
    chosen_topics = invitations.parse_list(topics)
    if chosen_topics:
        known = invitations.topic_keys()
        unknown = [t for t in chosen_topics if t not in known]
        if unknown:
            raise click.BadParameter(
                f"“{unknown[0]}” is not a topic: use {', '.join(known)}.", param_hint="--topic"
            )

    def make() -> tuple[invitations.Count, int | None, datetime | None]:
        consultation = queries.consultation_by_slug(slug)
        audience = invitations.audience_from(
            areas=areas,
            age_bands=age_bands,
            languages=languages,
            channels=channels,
            topics=chosen_topics,
        )
        count = invitations.count_audience(consultation, audience, now=now, per_week=per_week)
        invitation = invitations.create_invitation(
            None,
            consultation,
            texts={"en": text_en, "pl": text_pl, "ur": text_ur},
            audience=audience,
            now=now,
            send_at=send_at,
            per_week=per_week,
        )
        if dry_run:
            raise _DryRun(count)
        if invitation.send_at > now:
            return count, None, invitation.send_at
        written = invitations.queue_invitation(
            invitation, now=now, links=invitation_links, per_week=per_week
        )
        return count, written, None

    try:
        count, written, later = in_transaction(make)
    except _DryRun as dry:
        count, written, later = dry.count, None, None
    except DomainError as refused:
        raise click.ClickException(refused.detail) from None
    where = f" ({', '.join(count.channel_words())})" if count.total else ""
    click.echo(
        f"Audience: {count.total} young {'person' if count.total == 1 else 'people'}{where}."
    )
    if count.capped:
        click.echo(f"{count.capped} more left out: they have had {per_week} this week.")
    if dry_run:
        click.echo("Dry run: nothing was queued.")
    elif later is not None:
        click.echo(f"Scheduled for {later.isoformat(timespec='minutes')}; the scheduler sends it.")
    else:
        click.echo(f"Queued {written} invitations.")


class _DryRun(Exception):
    """Everything checked, nothing kept: the transaction is rolled back."""

    def __init__(self, count: Any) -> None:
        super().__init__("dry run")
        self.count = count


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Run what is due now, then stop.")
@click.option("--every", default=20.0, show_default=True, help="Seconds between looks.")
@with_appcontext
def scheduler_command(once: bool, every: float) -> None:
    """Close consultations on time, send invitations at their time, the digest, retention.

    Its state is in the database: restart it at will, or run two; nothing is done twice.
    """
    import logging
    import threading

    from webapp import scheduler

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if once:
        done = scheduler.tick(app, datetime.now(UTC))
        for name, result in done.items():
            click.echo(f"{name}: {result}")
        if not done:
            click.echo("Nothing due.")
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())
    click.echo("Scheduler running (Ctrl+C to stop).")
    scheduler.run_forever(app, clock=lambda: datetime.now(UTC), stopping=stopping, every=every)


@click.command("areas")
@click.option("--add", "add", default=None, help="Add an area with this name.")
@click.option(
    "--kind",
    type=click.Choice(["ward", "postcode_district"]),
    default="ward",
    show_default=True,
    help="What the added area is.",
)
@click.option("--alias", "aliases", multiple=True, help="Another name for the added area.")
@click.option("--retire", "retire", default=None, help="Stop offering the area with this key.")
@with_appcontext
def areas_command(add: str | None, kind: str, aliases: tuple[str, ...], retire: str | None) -> None:
    """List the council's areas, or add or retire one (people who chose it keep it)."""
    from consultations import areas

    now = datetime.now(UTC)
    try:
        if add:
            made = in_transaction(lambda: areas.add_area(add, kind, aliases=aliases, now=now))
            click.echo(f"Added {made.name} ({made.key}).")
        if retire:
            gone = in_transaction(lambda: areas.retire_area(retire, now=now))
            click.echo(f"Retired {gone.name}: no longer offered; people who chose it keep it.")
    except DomainError as refused:
        raise click.ClickException(refused.detail) from None
    for area in areas.all_areas(with_retired=True):
        also = areas.aliases_of(area)
        click.echo(
            f"{area.key:<40} {area.name}"
            + (f" (also {', '.join(also)})" if also else "")
            + (" [retired]" if area.retired else "")
        )


def register(app: Flask) -> None:
    """Commands that need the app: ``youthvoice`` and ``flask --app webapp`` both see them."""
    for command in (
        serve,
        init_db,
        load_demo,
        create_user,
        doctor,
        digest_command,
        report_command,
        retention,
        close_due,
        deliver_web,
        invite_command,
        scheduler_command,
        areas_command,
    ):
        app.cli.add_command(command)


@main.command("actions", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True, help="Use 0.0.0.0 in a container.")
@click.option("--port", default=5055, show_default=True, type=PORT)
def actions(host: str, port: int) -> None:
    """Run the Rasa action server (YOUTHVOICE_API_URL and YOUTHVOICE_RASA_TOKEN reach the API)."""
    from bot.actions.server import run

    if not process_settings().channel_token("rasa"):
        raise click.ClickException(
            "Set YOUTHVOICE_RASA_TOKEN (or a rasa:TOKEN entry in YOUTHVOICE_CHANNEL_TOKENS)."
        )
    refuse_unusable_port(host, port)
    settings = _started("actions")
    click.echo(f"Youth Voice actions for Rasa on http://{host}:{port}/webhook (Ctrl+C to stop)")
    run(settings, host=host, port=port)


@main.command("deliver-rasa", with_appcontext=False)
@click.option(
    "--rasa-url",
    default=None,
    help="The Rasa server's HTTP API (default: RASA_URL, else http://127.0.0.1:5005).",
)
@click.option("--rasa-token", default=None, help="Rasa's --auth-token (default: RASA_TOKEN).")
@click.option("--once", is_flag=True, help="Deliver what is due now, then stop.")
@click.option("--idle", default=5.0, show_default=True, help="Seconds to wait when nothing is due.")
def deliver_rasa(rasa_url: str | None, rasa_token: str | None, once: bool, idle: float) -> None:
    """Send news to people on Rasa channels, through Rasa's trigger_intent."""
    from bot.actions.delivery import RasaDelivery, TokenRefused
    from bot.client import ApiProblem, BackendDown

    if not process_settings().channel_token("rasa"):
        raise click.ClickException(
            "Set YOUTHVOICE_RASA_TOKEN (or a rasa:TOKEN entry in YOUTHVOICE_CHANNEL_TOKENS)."
        )
    settings = _started("deliver-rasa")
    api_url = settings.api_url
    worker = RasaDelivery.from_settings(
        settings,
        rasa_url=rasa_url or settings.rasa_url,
        rasa_token=settings.rasa_token if rasa_token is None else rasa_token,
    )
    try:
        if once:
            tally = worker.deliver_once()
            click.echo(f"{tally.sent} sent, {tally.retried} to retry, {tally.failed} failed.")
        else:
            worker.run_forever(idle_seconds=idle)
    except TokenRefused as error:
        raise click.ClickException(str(error)) from None
    except ApiProblem as error:
        raise click.ClickException(
            f"The back end at {api_url} refused the request (HTTP {error.status}); "
            "try again in a minute."
        ) from None
    except BackendDown:
        raise click.ClickException(
            f"The back end is not reachable at {api_url} (YOUTHVOICE_API_URL)."
        ) from None
    except Exception as error:
        logs.log_error(log, "deliver-rasa stopped", error)
        raise
    finally:
        worker.close()


@main.command("check-text", with_appcontext=False)
@click.argument("path", type=click.Path(allow_dash=True, dir_okay=False, path_type=Path))
@click.option(
    "--target",
    default=readability.DEFAULT_TARGET_AGE,
    show_default=True,
    type=int,
    help="Reading age to aim for.",
)
def check_text(path: Path, target: int) -> None:
    """Check how easy a text is for young people: reading age, long sentences, jargon."""
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise click.ClickException(f"Could not read {path}: {error}") from None
    score = readability.analyse(text, target=target, glossary=list(default_terms()))
    verdict = "OK" if score.passes else "TOO HARD"
    click.echo(f"Reading age: {score.reading_age:.1f} (target {target}) — {verdict}")
    click.echo(f"Flesch reading ease: {score.reading_ease:.0f} (higher is easier; aim for 60+)")
    click.echo(f"Words: {score.words}, about {score.minutes_to_read} min to read")
    if score.long_sentences:
        click.echo(f"\nSentences over {readability.LONG_SENTENCE_WORDS} words:")
        for s in score.long_sentences:
            click.echo(f"  - ({s.words} words) {s.text}")
    if score.hard_sentences:
        click.echo("\nHardest sentences:")
        for s in score.hard_sentences[:5]:
            click.echo(f"  - (reading age {s.reading_age:.0f}) {s.text}")
    if score.glossary_terms:
        click.echo("\nJargon to explain or replace:")
        for term in score.glossary_terms:
            click.echo(f"  - {term.term}: {term.explanation}")
    if score.words_to_avoid:
        click.echo("\nPlainer words:")
        for word, simpler in score.words_to_avoid.items():
            click.echo(f"  - “{word}” → “{simpler}”")
    sys.exit(0 if score.passes else 1)


@main.command("bot", with_appcontext=False)
@click.option("--webhook-url", default=None, help="Public HTTPS URL for webhook mode.")
@click.option(
    "--webhook-secret",
    default=None,
    help="Secret token Telegram must send with each update (default: TELEGRAM_WEBHOOK_SECRET).",
)
@click.option("--listen", default="127.0.0.1", show_default=True, help="Webhook mode: address.")
@click.option("--port", default=8443, show_default=True, type=PORT, help="Webhook mode: port.")
def run_telegram_bot(
    webhook_url: str | None, webhook_secret: str | None, listen: str, port: int
) -> None:
    """Run the Telegram bot (long polling, or a webhook with --webhook-url)."""
    from bot.telegram.app import BotSettings, StartupError, run_bot

    settings = _started("bot")
    try:
        run_bot(
            BotSettings.from_settings(settings),
            webhook_url=webhook_url,
            webhook_secret=webhook_secret or settings.telegram_webhook_secret or None,
            listen=listen,
            port=port,
            announce=click.echo,
        )
    except StartupError as error:
        log.warning("bot not started: %s", error, extra={"event": "refused"})
        raise click.ClickException(str(error)) from None
    except Exception as error:
        logs.log_error(log, "bot stopped", error)
        raise


@main.command("deliver", with_appcontext=False)
@click.option(
    "--rate", default=29.0, show_default=True, type=float, help="Messages per second overall."
)
@click.option(
    "--per-chat-interval", default=1.05, show_default=True, type=float, help="Seconds per chat."
)
@click.option("--batch", default=100, show_default=True, type=int, help="Rows leased at once.")
@click.option("--lease-seconds", default=60, show_default=True, type=int)
@click.option("--idle-seconds", default=1.0, show_default=True, type=float)
def run_delivery(
    rate: float, per_chat_interval: float, batch: int, lease_seconds: int, idle_seconds: float
) -> None:
    """Send queued messages ("results are out") to Telegram, within Telegram's limits."""
    import asyncio

    from bot import wording
    from bot.delivery import DeliverySettings, check, run_worker
    from bot.telegram.app import StartupError

    process = _started("deliver")
    settings = DeliverySettings(
        token=process.telegram_bot_token,
        api_url=process.api_url,
        channel_token=process.channel_token("telegram"),
        journal_path=process.instance.resolve() / "telegram_delivery.sqlite3",
        telegram_api_url=process.telegram_api_base_url.rstrip("/"),
        rate=min(rate, 30.0) if rate > 0 else 29.0,
        per_chat_interval=per_chat_interval,
        batch=batch,
        lease_seconds=lease_seconds,
        idle_seconds=idle_seconds,
        redis_url=process.redis_url,
    )
    if process.delivery_uncapped:
        settings.rate = rate  # tests against a local fake server only
    try:
        asyncio.run(check(settings))
    except StartupError as error:
        log.warning("deliver not started: %s", error, extra={"event": "refused"})
        raise click.ClickException(str(error)) from None
    click.echo(wording.DELIVERY_STARTING)
    try:
        run_worker(settings)
    except Exception as error:
        logs.log_error(log, "deliver stopped", error)
        raise


@main.command("chat", with_appcontext=False)
@click.option("--channel", default="terminal", show_default=True, help="Channel token to use.")
@click.option("--as", "who", default="terminal-user", show_default=True, help="Who you are.")
@click.option("--start", default="", help="Like a deep link: c_<slug> opens that consultation.")
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    help="Language to start in, as a phone set to it would (/language changes it).",
)
def terminal_chat(channel: str, who: str, start: str, lang: str | None) -> None:
    """Try the chat in a terminal: numbered choices instead of buttons (Ctrl+D to leave)."""
    import asyncio

    from bot.client import ApiClient, ApiProblem, BackendDown
    from bot.conversation import Links
    from bot.terminal import chat

    settings = process_settings()
    token = settings.channel_tokens.get(channel)
    if not token:
        raise click.ClickException(
            f"No channel token for {channel!r}: add {channel}:TOKEN to YOUTHVOICE_CHANNEL_TOKENS."
        )
    base = settings.public_url.rstrip("/")
    links = Links(privacy_url=f"{base}/privacy", web_url=f"{base}/")

    async def main() -> None:
        api = ApiClient(settings.api_url, token, channel=channel)
        try:
            await api.check()
        except BackendDown:
            await api.aclose()
            raise click.ClickException(
                f"The back end is not reachable at {settings.api_url} (YOUTHVOICE_API_URL)."
            ) from None
        except ApiProblem as problem:
            await api.aclose()
            raise click.ClickException(
                f"The back end refused the token: {problem.detail}"
            ) from None
        await chat(api, who, links, sys.stdin, sys.stdout, start=start, hint=lang)

    asyncio.run(main())


if __name__ == "__main__":  # pragma: no cover
    main()
