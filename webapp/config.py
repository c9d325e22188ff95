"""Settings from the environment, with safe defaults for the embedded (SQLite) run."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from feedback.quiet_time import QuietHours


def _instance_secret(instance: Path, name: str) -> str:
    """A random secret kept in the instance folder, made on first run and never committed."""
    path = instance / name
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def _instance_vapid_key(instance: Path) -> bytes:
    """The server's Web Push (VAPID) private key, made on first run and kept like the others.

    Browsers bind each subscription to its public half, so it must outlive restarts.
    """
    from py_vapid import Vapid02

    path = instance / "vapid_private.pem"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        vapid = Vapid02()
        vapid.generate_keys()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(vapid.private_pem())
    return path.read_bytes()


def parse_channel_tokens(raw: str) -> dict[str, str]:
    """``telegram:TOKEN,rasa:TOKEN`` → ``{"telegram": "TOKEN", "rasa": "TOKEN"}``."""
    tokens: dict[str, str] = {}
    for item in raw.split(","):
        name, sep, token = item.strip().partition(":")
        if sep and name.strip() and token.strip():
            tokens[name.strip()] = token.strip()
    return tokens


def from_environment(instance_path: str) -> dict[str, Any]:
    """Build the app config from environment variables (see ``.env.example``)."""
    env = os.environ
    instance = Path(instance_path)
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'youthvoice.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": env.get("SECRET_KEY") or _instance_secret(instance, "secret_key"),
        "PSEUDONYM_KEY": env.get("PSEUDONYM_KEY") or _instance_secret(instance, "pseudonym_key"),
        "CHANNEL_TOKENS": parse_channel_tokens(env.get("YOUTHVOICE_CHANNEL_TOKENS", "")),
        "PUBLIC_URL": env.get("YOUTHVOICE_PUBLIC_URL", "http://127.0.0.1:5000"),
        "TELEGRAM_BOT_USERNAME": env.get("TELEGRAM_BOT_USERNAME", ""),
        # Secure cookies unless told otherwise; `youthvoice serve` turns them off for plain http.
        "SESSION_COOKIE_SECURE": env.get("YOUTHVOICE_SECURE_COOKIES", "1") == "1",
        "REMEMBER_COOKIE_SECURE": env.get("YOUTHVOICE_SECURE_COOKIES", "1") == "1",
        "HSTS_SECONDS": int(env.get("YOUTHVOICE_HSTS_SECONDS", "31536000")),
        "PROXY_HOPS": int(env.get("YOUTHVOICE_PROXY_HOPS", "0")),
        "STAFF_IDLE_MINUTES": int(env.get("YOUTHVOICE_STAFF_IDLE_MINUTES", "30")),
        # However busy, a staff sign-in lasts at most this long (ASVS 7.3.2).
        "STAFF_SESSION_HOURS": int(env.get("YOUTHVOICE_STAFF_SESSION_HOURS", "12")),
        "REDIS_URL": env.get("REDIS_URL", ""),
        "RATELIMIT_ENABLED": env.get("YOUTHVOICE_RATELIMIT_ENABLED", "1") == "1",
        "RATELIMIT_LOGIN": env.get("YOUTHVOICE_RATELIMIT_LOGIN", "20/minute;200/hour"),
        "RATELIMIT_ANSWERS": env.get("YOUTHVOICE_RATELIMIT_ANSWERS", "120/minute;2000/hour"),
        "RATELIMIT_API": env.get("YOUTHVOICE_RATELIMIT_API", "3000/minute"),
        "RATELIMIT_API_ANSWERS": env.get("YOUTHVOICE_RATELIMIT_API_ANSWERS", "30/minute"),
        "RETENTION_MONTHS": int(env.get("RETENTION_MONTHS", "12")),
        # Empty until set: the privacy notice then says who, in general words of its own.
        "CONTROLLER_NAME": env.get("YOUTHVOICE_CONTROLLER_NAME", "").strip(),
        "PRIVACY_CONTACT": env.get("YOUTHVOICE_PRIVACY_CONTACT", "").strip(),
        "DB_POOL_SIZE": int(env.get("DB_POOL_SIZE", "5")),
        "DB_MAX_OVERFLOW": int(env.get("DB_MAX_OVERFLOW", "10")),
        "SMALL_GROUP_THRESHOLD": int(env.get("YOUTHVOICE_SMALL_GROUP_THRESHOLD", "5")),
        "TIMEZONE": env.get("YOUTHVOICE_TIMEZONE", "Europe/London"),
        # Protecting children's time: nothing but a safeguarding reply goes out in quiet hours
        # (in TIMEZONE; "off" for none), and at most this many invitations and reminders
        # reach one person in any 7 days.
        "QUIET_HOURS": env.get("YOUTHVOICE_QUIET_HOURS", "21:00-08:00"),
        "INVITES_PER_WEEK": int(env.get("YOUTHVOICE_INVITES_PER_WEEK", "2")),
        # The last-chance reminder goes this many hours before closing, to those invited who
        # started and did not finish; with REMIND_NOT_STARTED=1 also to those who never began.
        "REMINDER_HOURS": int(env.get("YOUTHVOICE_REMINDER_HOURS", "48")),
        "REMIND_NOT_STARTED": env.get("YOUTHVOICE_REMIND_NOT_STARTED", "0") == "1",
        "LOG_FORMAT": env.get("LOG_FORMAT", "text"),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO").upper(),
        "METRICS_TOKEN": env.get("METRICS_TOKEN", ""),
        # Email for the daily digest and safeguarding alerts, only when SMTP_HOST is set.
        "SMTP_HOST": env.get("SMTP_HOST", ""),
        "SMTP_PORT": int(env.get("SMTP_PORT", "587")),
        "SMTP_USERNAME": env.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": env.get("SMTP_STARTTLS", "1") == "1",
        "SMTP_FROM": env.get("SMTP_FROM", "youthvoice@localhost"),
        "SAFEGUARDING_EMAIL": env.get("SAFEGUARDING_EMAIL", ""),
        "DIGEST_TO": env.get("YOUTHVOICE_DIGEST_TO", ""),
        # Extra moderation rule files officers add (default: instance/moderation/).
        "MODERATION_RULES_DIR": env.get("MODERATION_RULES_DIR", ""),
        # Browser notifications (Web Push): the server's key, who to contact about it, and the
        # push services it may post to (comma-separated hosts; subdomains included).
        "VAPID_PRIVATE_KEY": env.get("YOUTHVOICE_VAPID_PRIVATE_KEY", "").encode()
        or _instance_vapid_key(instance),
        "VAPID_SUBJECT": env.get("YOUTHVOICE_VAPID_SUBJECT", "")
        or "mailto:" + env.get("SMTP_FROM", "youthvoice@localhost"),
        "WEB_PUSH_HOSTS": [
            h.strip() for h in env.get("YOUTHVOICE_WEB_PUSH_HOSTS", "").split(",") if h.strip()
        ],
        "RASA_SOCKET_URL": env.get("RASA_SOCKET_URL", ""),
        "RASA_SOCKET_PATH": env.get("RASA_SOCKET_PATH", "/socket.io"),
        **chat_environment(),
    }


def quiet_hours(config: dict[str, Any]) -> QuietHours | None:
    """The quiet hours the settings ask for (``BadSetting`` says in one sentence why not)."""
    return QuietHours.parse(
        str(config.get("QUIET_HOURS", "21:00-08:00")), str(config.get("TIMEZONE", "Europe/London"))
    )


def chat_environment() -> dict[str, str]:
    """What the bot, the delivery worker and the terminal chat read (no side effects)."""
    env = os.environ
    public_url = env.get("YOUTHVOICE_PUBLIC_URL", "http://127.0.0.1:5000")
    return {
        "TELEGRAM_BOT_TOKEN": env.get("TELEGRAM_BOT_TOKEN", ""),
        # Where the chat channels reach /api/v1; by default the public address.
        "API_URL": env.get("YOUTHVOICE_API_URL") or public_url,
        "TELEGRAM_API_BASE_URL": env.get("TELEGRAM_API_BASE_URL") or "https://api.telegram.org",
        "TELEGRAM_WEBHOOK_SECRET": env.get("TELEGRAM_WEBHOOK_SECRET", ""),
    }
