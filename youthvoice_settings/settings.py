"""Every setting Youth Voice reads, from the environment, once per process.

Each field's alias is its environment variable; ``.env.example`` documents exactly these
(``tests/test_settings.py`` holds the two together). A process builds one ``Settings`` at its
entry point (``youthvoice …``, ``create_app()``) and hands it to what it starts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"
DEFAULT_TELEGRAM_API = "https://api.telegram.org"


class SettingsError(ValueError):
    """A variable holds what its setting cannot be; the message names it, in one line."""


def parse_channel_tokens(raw: str) -> dict[str, str]:
    """``telegram:TOKEN,rasa:TOKEN`` → ``{"telegram": "TOKEN", "rasa": "TOKEN"}``."""
    tokens: dict[str, str] = {}
    for item in raw.split(","):
        name, sep, token = item.strip().partition(":")
        if sep and name.strip() and token.strip():
            tokens[name.strip()] = token.strip()
    return tokens


def api_root(url: str) -> str:
    """An address given as the site's or as its ``/api/v1``: both mean the API."""
    url = url.rstrip("/")
    return url if url.endswith("/api/v1") else f"{url}/api/v1"


class Settings(BaseSettings):
    """What the environment says, typed and frozen; defaults suit the embedded run."""

    model_config = SettingsConfigDict(
        frozen=True,
        extra="ignore",
        populate_by_name=True,
        case_sensitive=True,
        # "" means unset, as the shell scripts and .env.example write it.
        env_ignore_empty=True,
    )

    # Where things are
    instance: Annotated[Path, Field(alias="YOUTHVOICE_INSTANCE")] = Path("instance")
    # A container installs the app as a wheel and points this at its copy of migrations/.
    migrations: Annotated[str, Field(alias="YOUTHVOICE_MIGRATIONS")] = ""

    # The database
    database_url: Annotated[str, Field(alias="DATABASE_URL")] = ""
    db_pool_size: Annotated[int, Field(alias="DB_POOL_SIZE", ge=1)] = 5
    db_max_overflow: Annotated[int, Field(alias="DB_MAX_OVERFLOW", ge=0)] = 10

    # Secrets; empty ones are generated into the instance folder by the web app.
    secret_key: Annotated[str, Field(alias="SECRET_KEY")] = ""
    pseudonym_key: Annotated[str, Field(alias="PSEUDONYM_KEY")] = ""
    # Pydantic copies this default for each object, so no two share it.
    channel_tokens: Annotated[
        dict[str, str], NoDecode, Field(alias="YOUTHVOICE_CHANNEL_TOKENS")
    ] = {}

    # The site
    public_url: Annotated[str, Field(alias="YOUTHVOICE_PUBLIC_URL")] = DEFAULT_PUBLIC_URL
    secure_cookies: Annotated[bool, Field(alias="YOUTHVOICE_SECURE_COOKIES")] = True
    hsts_seconds: Annotated[int, Field(alias="YOUTHVOICE_HSTS_SECONDS", ge=0)] = 31536000
    proxy_hops: Annotated[int, Field(alias="YOUTHVOICE_PROXY_HOPS", ge=0)] = 0
    staff_idle_minutes: Annotated[int, Field(alias="YOUTHVOICE_STAFF_IDLE_MINUTES", ge=1)] = 30
    staff_session_hours: Annotated[int, Field(alias="YOUTHVOICE_STAFF_SESSION_HOURS", ge=1)] = 12
    controller_name: Annotated[str, Field(alias="YOUTHVOICE_CONTROLLER_NAME")] = ""
    privacy_contact: Annotated[str, Field(alias="YOUTHVOICE_PRIVACY_CONTACT")] = ""
    small_group_threshold: Annotated[int, Field(alias="YOUTHVOICE_SMALL_GROUP_THRESHOLD", ge=1)] = 5
    timezone: Annotated[str, Field(alias="YOUTHVOICE_TIMEZONE")] = "Europe/London"
    retention_months: Annotated[int, Field(alias="RETENTION_MONTHS", ge=1)] = 12
    moderation_rules_dir: Annotated[str, Field(alias="MODERATION_RULES_DIR")] = ""

    # Rate limits
    redis_url: Annotated[str, Field(alias="REDIS_URL")] = ""
    ratelimit_enabled: Annotated[bool, Field(alias="YOUTHVOICE_RATELIMIT_ENABLED")] = True
    ratelimit_login: Annotated[str, Field(alias="YOUTHVOICE_RATELIMIT_LOGIN")] = (
        "20/minute;200/hour"
    )
    ratelimit_answers: Annotated[str, Field(alias="YOUTHVOICE_RATELIMIT_ANSWERS")] = (
        "120/minute;2000/hour"
    )
    ratelimit_api: Annotated[str, Field(alias="YOUTHVOICE_RATELIMIT_API")] = "3000/minute"
    ratelimit_api_answers: Annotated[str, Field(alias="YOUTHVOICE_RATELIMIT_API_ANSWERS")] = (
        "30/minute"
    )

    # Logs and metrics
    log_format: Annotated[Literal["text", "json"], Field(alias="LOG_FORMAT")] = "text"
    log_level: Annotated[
        Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], Field(alias="LOG_LEVEL")
    ] = "INFO"
    metrics_token: Annotated[str, Field(alias="METRICS_TOKEN")] = ""

    # Email
    smtp_host: Annotated[str, Field(alias="SMTP_HOST")] = ""
    smtp_port: Annotated[int, Field(alias="SMTP_PORT", ge=1, le=65535)] = 587
    smtp_username: Annotated[str, Field(alias="SMTP_USERNAME")] = ""
    smtp_password: Annotated[str, Field(alias="SMTP_PASSWORD")] = ""
    smtp_starttls: Annotated[bool, Field(alias="SMTP_STARTTLS")] = True
    smtp_from: Annotated[str, Field(alias="SMTP_FROM")] = "youthvoice@localhost"
    safeguarding_email: Annotated[str, Field(alias="SAFEGUARDING_EMAIL")] = ""
    digest_to: Annotated[str, Field(alias="YOUTHVOICE_DIGEST_TO")] = ""

    # The chat channels
    api_url_setting: Annotated[str, Field(alias="YOUTHVOICE_API_URL")] = ""
    telegram_bot_token: Annotated[str, Field(alias="TELEGRAM_BOT_TOKEN")] = ""
    telegram_bot_username: Annotated[str, Field(alias="TELEGRAM_BOT_USERNAME")] = ""
    telegram_api_base_url: Annotated[str, Field(alias="TELEGRAM_API_BASE_URL")] = (
        DEFAULT_TELEGRAM_API
    )
    telegram_webhook_secret: Annotated[str, Field(alias="TELEGRAM_WEBHOOK_SECRET")] = ""
    # Only for tests against a local fake Bot API: lets the delivery worker exceed 30/s.
    delivery_uncapped: Annotated[bool, Field(alias="YOUTHVOICE_DELIVERY_UNCAPPED")] = False
    rasa_channel_token: Annotated[str, Field(alias="YOUTHVOICE_RASA_TOKEN")] = ""
    rasa_url: Annotated[str, Field(alias="RASA_URL")] = "http://127.0.0.1:5005"
    rasa_token: Annotated[str, Field(alias="RASA_TOKEN")] = ""
    rasa_socket_url: Annotated[str, Field(alias="RASA_SOCKET_URL")] = ""
    rasa_socket_path: Annotated[str, Field(alias="RASA_SOCKET_PATH")] = "/socket.io"

    @field_validator("channel_tokens", mode="before")
    @classmethod
    def _tokens(cls, value: object) -> object:
        return parse_channel_tokens(value) if isinstance(value, str) else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _level(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _format(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator(
        "controller_name", "privacy_contact", "telegram_bot_token", "rasa_channel_token"
    )
    @classmethod
    def _stripped(cls, value: str) -> str:
        return value.strip()

    @classmethod
    def from_environment(cls) -> Settings:
        """Read the environment now; call it once, where a process starts."""
        try:
            return cls()
        except ValidationError as error:
            raise SettingsError(_described(error)) from None

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL as SQLAlchemy wants it: psycopg 3 for PostgreSQL, SQLite by default."""
        url = self.database_url or f"sqlite:///{self.instance.resolve() / 'youthvoice.db'}"
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url.removeprefix(prefix)
        return url

    @property
    def api_url(self) -> str:
        """Where the chat channels reach ``/api/v1``: ``YOUTHVOICE_API_URL``, else the site's."""
        return api_root(self.api_url_setting or self.public_url)

    def channel_token(self, channel: str) -> str:
        """The bearer token a chat channel sends; the Rasa one may be set on its own."""
        if channel == "rasa" and self.rasa_channel_token:
            return self.rasa_channel_token
        return self.channel_tokens.get(channel, "")

    def is_set(self, name: str) -> bool:
        """Whether the environment (not a default) gave this field, e.g. ``secure_cookies``."""
        return name in self.model_fields_set


def _described(error: ValidationError) -> str:
    # Names the variable and what it needs, never the value: it may be a secret.
    parts = []
    for problem in error.errors(include_input=False, include_url=False):
        name = ".".join(str(part) for part in problem["loc"])
        parts.append(f"{name}: {problem['msg'][:1].lower()}{problem['msg'][1:]}")
    return "Check the settings: " + "; ".join(parts) + "."


def environment_variables() -> dict[str, str]:
    """Every variable ``Settings`` reads, with the field it fills."""
    return {
        str(field.alias): name
        for name, field in Settings.model_fields.items()
        if field.alias is not None
    }
