"""``youthvoice doctor``: check a deployment's configuration and say what to fix."""

from __future__ import annotations

import smtplib
import socket
from dataclasses import dataclass
from urllib.parse import urlparse

from flask import current_app
from sqlalchemy import text

from consultations.db import db
from youthvoice_settings import Settings

WEAK_TOKENS = {"", "change-me", "changeme", "secret", "token", "test"}
MIN_TOKEN_LENGTH = 16


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    # A warning does not fail the run: fine for a laptop, worth fixing for a council.
    warning_only: bool = False


def _database() -> list[Check]:
    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    engine = "SQLite" if uri.startswith("sqlite") else "PostgreSQL"
    checks = [
        Check(
            "database engine",
            engine == "PostgreSQL",
            f"{engine} ({db.engine.url.render_as_string(hide_password=True)})",
            "SQLite suits one youth club on one machine; set DATABASE_URL to PostgreSQL "
            "for several web processes or a city-wide consultation.",
            warning_only=True,
        )
    ]
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # reported, not raised: the point is to say what is wrong
        db.session.rollback()
        reason = str(getattr(error, "orig", error)).splitlines()[0][:200]
        checks.append(
            Check(
                "database reachable",
                False,
                reason,
                "Check DATABASE_URL (host, port, user, database name) and that the server runs.",
            )
        )
        return checks
    checks.append(Check("database reachable", True, "answers SELECT 1"))
    from webapp.ops import migrations_at_head

    at_head, detail = migrations_at_head()
    checks.append(
        Check("migrations at head", at_head, detail, "Run `youthvoice init-db` to upgrade.")
    )
    return checks


def _settings() -> Settings:
    from webapp import settings_of

    return settings_of(current_app)


def _secrets() -> list[Check]:
    given = {"SECRET_KEY": _settings().secret_key, "PSEUDONYM_KEY": _settings().pseudonym_key}
    why = {
        "SECRET_KEY": "signs sessions and forms",
        "PSEUDONYM_KEY": "keys every pseudonym: a new one makes every returning person new",
    }
    checks = []
    for name in ("SECRET_KEY", "PSEUDONYM_KEY"):
        from_env = bool(given[name])
        checks.append(
            Check(
                name,
                from_env,
                "from the environment" if from_env else "generated into the instance folder",
                f"Set {name} from your secret store so every process shares it and losing "
                f"the instance folder does not lose it ({why[name]}).",
                warning_only=True,
            )
        )
    return checks


def _channel_tokens() -> list[Check]:
    tokens: dict[str, str] = current_app.config.get("CHANNEL_TOKENS", {})
    if not tokens:
        return [
            Check(
                "channel tokens",
                False,
                "none set: no chat channel can use /api/v1",
                "Set YOUTHVOICE_CHANNEL_TOKENS=telegram:<random>,rasa:<random> "
                "(e.g. from `python -c 'import secrets; print(secrets.token_urlsafe(32))'`).",
                warning_only=True,
            )
        ]
    weak = sorted(
        name
        for name, token in tokens.items()
        if token.lower() in WEAK_TOKENS or len(token) < MIN_TOKEN_LENGTH
    )
    return [
        Check(
            "channel tokens",
            not weak,
            f"set for {', '.join(sorted(tokens))}"
            + (f"; weak or placeholder: {', '.join(weak)}" if weak else ""),
            f"Use random tokens of at least {MIN_TOKEN_LENGTH} characters.",
        )
    ]


def _public_url() -> list[Check]:
    url = urlparse(current_app.config.get("PUBLIC_URL", ""))
    local = url.hostname in {"127.0.0.1", "localhost", "::1"}
    https = url.scheme == "https"
    checks = [
        Check(
            "public address",
            https or local,
            f"{url.geturl() or '(unset)'}",
            "Set YOUTHVOICE_PUBLIC_URL to the https:// address people use; links in chat "
            "messages and QR codes are built from it.",
            warning_only=local,
        )
    ]
    if https:
        checks.append(
            Check(
                "secure cookies",
                bool(current_app.config.get("SESSION_COOKIE_SECURE")),
                "on" if current_app.config.get("SESSION_COOKIE_SECURE") else "off",
                "Set YOUTHVOICE_SECURE_COOKIES=1 when served over HTTPS.",
            )
        )
    return checks


def _telegram() -> list[Check]:
    has_token = bool(_settings().telegram_bot_token)
    return [
        Check(
            "Telegram bot token",
            has_token,
            "set" if has_token else "not set (fine if you do not run the bot)",
            "Create a bot with @BotFather and set TELEGRAM_BOT_TOKEN for `youthvoice bot` "
            "and `youthvoice deliver`.",
            warning_only=True,
        )
    ]


def _tcp(host: str, port: int, send: bytes | None = None, timeout: float = 3.0) -> bytes:
    with socket.create_connection((host, port), timeout=timeout) as conn:
        if send:
            conn.sendall(send)
            return conn.recv(64)
    return b""


def _redis() -> list[Check]:
    raw = current_app.config.get("REDIS_URL") or ""
    if not raw:
        return [
            Check(
                "Redis",
                True,
                "not configured: rate limits are kept per process",
                warning_only=True,
            )
        ]
    url = urlparse(raw)
    try:
        reply = _tcp(url.hostname or "127.0.0.1", url.port or 6379, b"PING\r\n")
    except OSError as error:
        return [Check("Redis", False, f"{raw}: {error}", "Check REDIS_URL and that Redis runs.")]
    # A server that wants a password answers -NOAUTH; that still proves it is there.
    ok = reply.startswith((b"+PONG", b"-NOAUTH"))
    return [
        Check(
            "Redis",
            ok,
            f"{url.hostname}:{url.port or 6379} answered {reply[:20]!r}",
            "Check REDIS_URL points at a Redis server.",
        )
    ]


def _smtp() -> list[Check]:
    host = current_app.config.get("SMTP_HOST", "")
    if not host:
        return [
            Check(
                "email (SMTP)",
                True,
                "not configured: safeguarding alerts and digests show on the staff dashboard only",
                "Set SMTP_HOST (and SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD) to email them too.",
                warning_only=True,
            )
        ]
    port = int(current_app.config.get("SMTP_PORT", 25))
    try:
        with smtplib.SMTP(host, port, timeout=5) as smtp:
            code, _ = smtp.noop()
    except (OSError, smtplib.SMTPException) as error:
        return [Check("email (SMTP)", False, f"{host}:{port}: {error}", "Check SMTP_HOST/PORT.")]
    return [Check("email (SMTP)", code == 250, f"{host}:{port} answered {code}")]


def run_checks() -> list[Check]:
    """Every check, in the order an operator would fix them."""
    return [
        *_database(),
        *_secrets(),
        *_channel_tokens(),
        *_public_url(),
        *_telegram(),
        *_redis(),
        *_smtp(),
    ]
