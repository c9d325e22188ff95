"""The web adapter: app factory, one blueprint per audience, templates and the CLI."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, request
from flask.logging import default_handler
from flask_openapi3 import OpenAPI
from sqlalchemy import event
from sqlalchemy.engine import Engine

from webapp.config import flask_config
from webapp.extensions import csrf, db, migrate
from webapp.security import DatabaseIntConverter
from youthvoice_settings import Settings, logs

# The migrations beside the code; a container installs a wheel and sets YOUTHVOICE_MIGRATIONS.
MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")
SETTINGS = "youthvoice.settings"


def _engine_options(config: dict[str, Any]) -> dict[str, Any]:
    uri: str = config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        # Wait for a busy writer instead of failing at once; the edge retries lost races.
        return {"connect_args": {"timeout": 15}}
    return {
        "pool_size": config.get("DB_POOL_SIZE", 5),
        "max_overflow": config.get("DB_MAX_OVERFLOW", 10),
        "pool_pre_ping": True,
    }


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        # WAL lets pages be read while an answer is written; foreign keys keep cascades honest.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    # Migrations spell the UTC column type as the plain SQL type it stores.
    from consultations.models import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


class YouthVoiceApp(OpenAPI):
    """flask-openapi3's Flask (it documents the API's routes from their models), logging an
    error that escaped every handler through the one log, without the error's message."""

    def log_exception(self, exc_info: Any) -> None:
        error = exc_info[1] if isinstance(exc_info, tuple) else exc_info
        route = request.url_rule.rule if request.url_rule else "(no route)"
        logs.log_error(
            self.logger, f"unexpected error on {request.method} {route}", error, route=route
        )


def settings_of(app: Flask) -> Settings:
    """The settings the app was built with."""
    settings: Settings = app.extensions[SETTINGS]
    return settings


def create_app(config: dict[str, Any] | None = None, *, settings: Settings | None = None) -> Flask:
    """Build the application from ``settings`` (the environment's when not given);
    ``config`` then overrides Flask config keys (tests use it)."""
    settings = settings or Settings.from_environment()
    instance_path = os.path.abspath((config or {}).get("INSTANCE_PATH") or settings.instance)
    app = YouthVoiceApp(
        __name__, instance_path=instance_path, instance_relative_config=True, doc_ui=False
    )
    app.extensions[SETTINGS] = settings
    # Before any route is added: every <int:...> in a URL must fit a database integer.
    app.url_map.converters["int"] = DatabaseIntConverter
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        # Lax, not Strict: a QR code or a link in a chat must open the form with its cookie.
        SESSION_COOKIE_SAMESITE="Lax",
        # How long "remember me on this device" keeps a young person's web identity; without
        # the tick it is a browser-session cookie, gone when the browser closes.
        PERMANENT_SESSION_LIFETIME=timedelta(days=31),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        JSON_SORT_KEYS=False,
        MAX_CONTENT_LENGTH=256 * 1024,
    )
    app.config.update(flask_config(settings, Path(instance_path)))
    if config:
        app.config.update(config)
    if not logs.configured():
        # gunicorn, or a test: nothing set the process's log up before the app.
        logs.configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"], service="web")
    # Flask's own handler would print an error as multi-line text beside the one log.
    app.logger.removeHandler(default_handler)
    app.config.setdefault("CHANNEL_TOKENS", {})
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = _engine_options(app.config)
    if isinstance(app.config["PSEUDONYM_KEY"], str):
        app.config["PSEUDONYM_KEY"] = app.config["PSEUDONYM_KEY"].encode()

    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)
    db.init_app(app)
    from webapp import moderation_rules

    moderation_rules.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=settings.migrations or MIGRATIONS,
        render_as_batch=True,
        compare_type=True,
        render_item=_render_item,
    )
    csrf.init_app(app)

    # Every table is known before create_all (tests) and Alembic look at the metadata.
    import consultations.models
    import consultations.moderation.models
    import consultations.staff_models
    import consultations.translations  # noqa: F401
    import feedback.loop_models
    import feedback.models  # noqa: F401
    from webapp import api, cli, errors, forum, i18n, ops, security, staff, youth
    from webapp.api import spec as api_spec
    from webapp.rendering import register_filters

    app.register_blueprint(youth.bp)
    i18n.init_app(app)
    staff.init_app(app)
    app.register_blueprint(staff.bp)
    app.register_blueprint(forum.bp)
    api_spec.init_app(app)
    app.register_api(api.bp, url_prefix="/api/v1")
    csrf.exempt(api.bp)  # bearer-token JSON API: no cookies, so no CSRF to forge
    security.init_app(app)
    errors.register(app)
    register_filters(app)
    cli.register(app)

    ops.init_app(app)
    return app
