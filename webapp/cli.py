"""The ``youthvoice`` command: serve, set up the database, load the demo, check a text."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from consultations import accounts, demo, readability, services
from consultations.db import in_transaction
from consultations.errors import InvalidAnswer
from consultations.glossary import default_terms
from consultations.staff_models import Role


def _create_app() -> Flask:
    from webapp import create_app

    return create_app()


@click.group(
    cls=FlaskGroup,
    create_app=_create_app,
    add_version_option=False,
    load_dotenv=False,
    set_debug_flag=False,
)
def main() -> None:
    """Youth Voice: consultations young people can read, and answers from every channel."""


@click.command("serve")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve the site for a laptop or a youth club (use gunicorn in production)."""
    click.echo(f"Youth Voice is running: open http://{host}:{port}/ (Ctrl+C to stop)")
    from werkzeug.serving import run_simple

    run_simple(host, port, current_app._get_current_object(), threaded=True)


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
    """Load six demo consultations with synthetic answers (once; marked as demo)."""
    if demo.demo_loaded():
        click.echo("Demo data is already loaded.")
        return
    key = current_app.config["PSEUDONYM_KEY"]
    saved = in_transaction(lambda: demo.load_demo(now=datetime.now(UTC), key=key))
    click.echo(f"Loaded {len(demo.DEMO_CONSULTATIONS)} demo consultations with {saved} answers.")
    staff = in_transaction(lambda: demo.create_demo_staff(now=datetime.now(UTC)))
    if staff:
        # Random each time and shown only here: no password is ever written in the repository.
        click.echo(
            "\nDemo staff accounts for http://127.0.0.1:5000/staff/ (shown once, keep them):"
        )
        for email, role, password in staff:
            click.echo(f"  {role:<13} {email:<32} {password}")


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
    except InvalidAnswer as error:
        raise click.ClickException(error.detail) from None
    click.echo(f"Created {user.email} ({user.role.label}).")


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


def register(app: Flask) -> None:
    """Commands that need the app: ``youthvoice`` and ``flask --app webapp`` both see them."""
    for command in (serve, init_db, load_demo, create_user, close_due):
        app.cli.add_command(command)


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


def _chat_settings() -> tuple[Path, str, dict[str, str], dict[str, str]]:
    """Instance folder, public URL, channel tokens and chat settings, from the environment."""
    from webapp.config import chat_environment, parse_channel_tokens

    instance = Path(os.environ.get("YOUTHVOICE_INSTANCE") or "instance").resolve()
    public_url = os.environ.get("YOUTHVOICE_PUBLIC_URL", "http://127.0.0.1:5000")
    tokens = parse_channel_tokens(os.environ.get("YOUTHVOICE_CHANNEL_TOKENS", ""))
    return instance, public_url, tokens, chat_environment()


@main.command("bot", with_appcontext=False)
@click.option("--webhook-url", default=None, help="Public HTTPS URL for webhook mode.")
@click.option(
    "--webhook-secret",
    envvar="TELEGRAM_WEBHOOK_SECRET",
    default=None,
    help="Secret token Telegram must send with each update (or TELEGRAM_WEBHOOK_SECRET).",
)
@click.option("--listen", default="127.0.0.1", show_default=True, help="Webhook mode: address.")
@click.option("--port", default=8443, show_default=True, type=int, help="Webhook mode: port.")
def run_telegram_bot(
    webhook_url: str | None, webhook_secret: str | None, listen: str, port: int
) -> None:
    """Run the Telegram bot (long polling, or a webhook with --webhook-url)."""
    from bot.telegram.app import BotSettings, StartupError, run_bot

    instance, public_url, tokens, env = _chat_settings()
    settings = BotSettings.from_environment(instance, public_url, tokens.get("telegram", ""))
    settings.api_url = env["API_URL"].rstrip("/")
    try:
        run_bot(
            settings,
            webhook_url=webhook_url,
            webhook_secret=webhook_secret,
            listen=listen,
            port=port,
            announce=click.echo,
        )
    except StartupError as error:
        raise click.ClickException(str(error)) from None


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

    instance, _, tokens, env = _chat_settings()
    settings = DeliverySettings(
        token=env["TELEGRAM_BOT_TOKEN"].strip(),
        api_url=env["API_URL"].rstrip("/"),
        channel_token=tokens.get("telegram", ""),
        journal_path=instance / "telegram_delivery.sqlite3",
        telegram_api_url=env["TELEGRAM_API_BASE_URL"].rstrip("/"),
        rate=min(rate, 30.0) if rate > 0 else 29.0,
        per_chat_interval=per_chat_interval,
        batch=batch,
        lease_seconds=lease_seconds,
        idle_seconds=idle_seconds,
    )
    if os.environ.get("YOUTHVOICE_DELIVERY_UNCAPPED") == "1":
        settings.rate = rate  # tests against a local fake server only
    try:
        asyncio.run(check(settings))
    except StartupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(wording.DELIVERY_STARTING)
    run_worker(settings)


@main.command("chat", with_appcontext=False)
@click.option("--channel", default="terminal", show_default=True, help="Channel token to use.")
@click.option("--as", "who", default="terminal-user", show_default=True, help="Who you are.")
@click.option("--start", default="", help="Like a deep link: c_<slug> opens that consultation.")
def terminal_chat(channel: str, who: str, start: str) -> None:
    """Try the chat in a terminal: numbered choices instead of buttons (Ctrl+D to leave)."""
    import asyncio

    from bot.client import ApiClient, ApiProblem, BackendDown
    from bot.conversation import Links
    from bot.terminal import chat

    _, public_url, tokens, env = _chat_settings()
    token = tokens.get(channel)
    if not token:
        raise click.ClickException(
            f"No channel token for {channel!r}: add {channel}:TOKEN to YOUTHVOICE_CHANNEL_TOKENS."
        )
    base = public_url.rstrip("/")
    links = Links(privacy_url=f"{base}/privacy", web_url=f"{base}/")

    async def main() -> None:
        api = ApiClient(env["API_URL"], token, channel=channel)
        try:
            await api.check()
        except BackendDown:
            await api.aclose()
            raise click.ClickException(
                f"The back end is not reachable at {env['API_URL']} (YOUTHVOICE_API_URL)."
            ) from None
        except ApiProblem as problem:
            await api.aclose()
            raise click.ClickException(
                f"The back end refused the token: {problem.detail}"
            ) from None
        await chat(api, who, links, sys.stdin, sys.stdout, start=start)

    asyncio.run(main())


if __name__ == "__main__":  # pragma: no cover
    main()
