"""The web adapter: app factory, one blueprint per audience, templates and the CLI."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask_openapi3 import OpenAPI
from sqlalchemy import event
from sqlalchemy.engine import Engine

from webapp.config import from_environment, quiet_hours
from webapp.extensions import csrf, db, migrate
from webapp.security import DatabaseIntConverter

# A container installs the app as a wheel and points this at its copy of migrations/.
MIGRATIONS = os.environ.get("YOUTHVOICE_MIGRATIONS") or str(
    Path(__file__).resolve().parent.parent / "migrations"
)


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


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application; ``config`` overrides what the environment says (tests use it)."""
    instance_path = os.path.abspath(
        (config or {}).get("INSTANCE_PATH") or os.environ.get("YOUTHVOICE_INSTANCE", "instance")
    )
    # flask-openapi3's Flask: it documents the API blueprint's routes from their models.
    app = OpenAPI(
        __name__, instance_path=instance_path, instance_relative_config=True, doc_ui=False
    )
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
    app.config.update(from_environment(instance_path))
    if config:
        app.config.update(config)
    app.config.setdefault("CHANNEL_TOKENS", {})
    # A quiet-hours setting that cannot be read stops the start with one sentence, rather
    # than every send failing later.
    quiet_hours(app.config)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = _engine_options(app.config)
    if isinstance(app.config["PSEUDONYM_KEY"], str):
        app.config["PSEUDONYM_KEY"] = app.config["PSEUDONYM_KEY"].encode()

    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)
    db.init_app(app)
    from consultations.moderation import review

    rules_dir = app.config.get("MODERATION_RULES_DIR") or os.path.join(instance_path, "moderation")
    review.use_rules_from(Path(rules_dir))
    migrate.init_app(
        app,
        db,
        directory=MIGRATIONS,
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
    from webapp import api, cli, errors, i18n, ops, security, staff, youth
    from webapp.api import spec as api_spec
    from webapp.rendering import register_filters

    app.register_blueprint(youth.bp)
    i18n.init_app(app)
    staff.init_app(app)
    api_spec.init_app(app)
    app.register_api(api.bp, url_prefix="/api/v1")
    csrf.exempt(api.bp)  # bearer-token JSON API: no cookies, so no CSRF to forge
    security.init_app(app)
    errors.register(app)
    register_filters(app)
    cli.register(app)

    ops.init_app(app)
    return app
