"""The ``youthvoice`` command: serve, set up the database, load the demo, check a text."""

from __future__ import annotations

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


def register(app: Flask) -> None:
    """Commands that need the app: ``youthvoice`` and ``flask --app webapp`` both see them."""
    for command in (serve, init_db, load_demo, create_user):
        app.cli.add_command(command)


@main.command("actions", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True, help="Use 0.0.0.0 in a container.")
@click.option("--port", default=5055, show_default=True, type=int)
def actions(host: str, port: int) -> None:
    """Run the Rasa action server (YOUTHVOICE_API_URL and YOUTHVOICE_RASA_TOKEN reach the API)."""
    import logging

    from bot.actions.backend import api_token_from_env
    from bot.actions.server import run

    if not api_token_from_env():
        raise click.ClickException(
            "Set YOUTHVOICE_RASA_TOKEN (or a rasa:TOKEN entry in YOUTHVOICE_CHANNEL_TOKENS)."
        )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    click.echo(f"Youth Voice actions for Rasa on http://{host}:{port}/webhook (Ctrl+C to stop)")
    run(host=host, port=port)


@main.command("deliver-rasa", with_appcontext=False)
@click.option(
    "--rasa-url",
    envvar="RASA_URL",
    default="http://127.0.0.1:5005",
    show_default=True,
    help="The Rasa server's HTTP API (env RASA_URL).",
)
@click.option(
    "--rasa-token", envvar="RASA_TOKEN", default="", help="Rasa's --auth-token (env RASA_TOKEN)."
)
@click.option("--once", is_flag=True, help="Deliver what is due now, then stop.")
@click.option("--idle", default=5.0, show_default=True, help="Seconds to wait when nothing is due.")
def deliver_rasa(rasa_url: str, rasa_token: str, once: bool, idle: float) -> None:
    """Send news to people on Rasa channels, through Rasa's trigger_intent."""
    import logging
    import os

    from bot.actions.backend import DEFAULT_API_URL, api_token_from_env
    from bot.actions.delivery import RasaDelivery

    if not api_token_from_env():
        raise click.ClickException(
            "Set YOUTHVOICE_RASA_TOKEN (or a rasa:TOKEN entry in YOUTHVOICE_CHANNEL_TOKENS)."
        )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    api_url = os.environ.get("YOUTHVOICE_API_URL", DEFAULT_API_URL)
    worker = RasaDelivery.from_env(api_url, rasa_url, rasa_token)
    try:
        if once:
            tally = worker.deliver_once()
            click.echo(f"{tally.sent} sent, {tally.retried} to retry, {tally.failed} failed.")
        else:
            worker.run_forever(idle_seconds=idle)
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


if __name__ == "__main__":  # pragma: no cover
    main()
