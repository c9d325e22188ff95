"""The web app's Flask config, made from the one ``Settings`` object of the process."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from youthvoice_settings import Settings


def _instance_secret(instance: Path, name: str) -> str:
    """A random secret kept in the instance folder, made on first run and never committed."""
    path = instance / name
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def flask_config(settings: Settings, instance: Path) -> dict[str, Any]:
    """The keys Flask, its extensions and our views read, from ``settings``.

    A test's config dict overrides these after the fact, as before.
    """
    s = settings
    database_url = s.database_url and s.sqlalchemy_url
    return {
        "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{instance / 'youthvoice.db'}",
        "SECRET_KEY": s.secret_key or _instance_secret(instance, "secret_key"),
        "PSEUDONYM_KEY": s.pseudonym_key or _instance_secret(instance, "pseudonym_key"),
        "CHANNEL_TOKENS": dict(s.channel_tokens),
        "PUBLIC_URL": s.public_url,
        "TELEGRAM_BOT_USERNAME": s.telegram_bot_username,
        # Secure cookies unless told otherwise; `youthvoice serve` turns them off for plain http.
        "SESSION_COOKIE_SECURE": s.secure_cookies,
        "REMEMBER_COOKIE_SECURE": s.secure_cookies,
        "HSTS_SECONDS": s.hsts_seconds,
        "PROXY_HOPS": s.proxy_hops,
        "STAFF_IDLE_MINUTES": s.staff_idle_minutes,
        # However busy, a staff sign-in lasts at most this long (ASVS 7.3.2).
        "STAFF_SESSION_HOURS": s.staff_session_hours,
        "REDIS_URL": s.redis_url,
        "RATELIMIT_ENABLED": s.ratelimit_enabled,
        "RATELIMIT_LOGIN": s.ratelimit_login,
        "RATELIMIT_ANSWERS": s.ratelimit_answers,
        "RATELIMIT_API": s.ratelimit_api,
        "RATELIMIT_API_ANSWERS": s.ratelimit_api_answers,
        "RETENTION_MONTHS": s.retention_months,
        # Empty until set: the privacy notice then says who, in general words of its own.
        "CONTROLLER_NAME": s.controller_name,
        "PRIVACY_CONTACT": s.privacy_contact,
        "DB_POOL_SIZE": s.db_pool_size,
        "DB_MAX_OVERFLOW": s.db_max_overflow,
        "SMALL_GROUP_THRESHOLD": s.small_group_threshold,
        "TIMEZONE": s.timezone,
        "LOG_FORMAT": s.log_format,
        "LOG_LEVEL": s.log_level,
        "METRICS_TOKEN": s.metrics_token,
        # Email for the daily digest and safeguarding alerts, only when SMTP_HOST is set.
        "SMTP_HOST": s.smtp_host,
        "SMTP_PORT": s.smtp_port,
        "SMTP_USERNAME": s.smtp_username,
        "SMTP_PASSWORD": s.smtp_password,
        "SMTP_STARTTLS": s.smtp_starttls,
        "SMTP_FROM": s.smtp_from,
        "SAFEGUARDING_EMAIL": s.safeguarding_email,
        "DIGEST_TO": s.digest_to,
        # Extra moderation rule files officers add (default: instance/moderation/).
        "MODERATION_RULES_DIR": s.moderation_rules_dir,
        "RASA_SOCKET_URL": s.rasa_socket_url,
        "RASA_SOCKET_PATH": s.rasa_socket_path,
    }
