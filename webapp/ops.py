"""What operators watch: liveness, readiness, Prometheus metrics and request logs.

Metrics are counted from the database when scraped, so they are the same whichever web
process answers and include what delivery workers did. Logs name the route pattern, never
the path or query string: a path can carry a consultation code and a query a chat id. Where
the log lines go, and in which format, is ``youthvoice_settings.logs``.
"""

from __future__ import annotations

import hmac
import logging
import time
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, current_app, g, request
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select, text

from consultations.db import db
from consultations.models import Consultation, Participant, Question
from consultations.moderation import review
from feedback.models import OutboxMessage, OutboxStatus

log = logging.getLogger("youthvoice.request")


def _start_timer() -> None:
    g.request_started = time.perf_counter()


def _log_request(response: Response) -> Response:
    started = g.pop("request_started", None)
    if started is not None and request.endpoint not in {"healthz", "readyz", "metrics"}:
        route = request.url_rule.rule if request.url_rule else "(no route)"
        ms = round((time.perf_counter() - started) * 1000, 1)
        log.info(
            "%s %s %s %sms",
            request.method,
            route,
            response.status_code,
            ms,
            extra={
                "event": "request",
                "method": request.method,
                "route": route,
                "status": response.status_code,
                "ms": ms,
            },
        )
    return response


def migrations_at_head() -> tuple[bool, str]:
    """Whether the database schema is the newest the code knows, and the two revisions."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(current_app.extensions["migrate"].directory)
    heads = set(script.get_heads())
    with db.engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    return current == heads, f"database at {sorted(current) or 'nothing'}, code at {sorted(heads)}"


def readyz() -> tuple[dict[str, Any], int]:
    """Ready for traffic: the database answers and its schema is at the newest migration."""
    try:
        db.session.execute(text("SELECT 1"))
        at_head, detail = migrations_at_head()
    except Exception:  # any failure to reach the database means "not ready", never a 500
        current_app.logger.warning("readiness check: database unreachable")
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    if not at_head:
        return {"status": "unavailable", "database": "ok", "migrations": detail}, 503
    return {"status": "ready", "database": "ok", "migrations": "at head"}, 200


class DatabaseCollector:
    """Gauges read from the database at scrape time."""

    def collect(self) -> Any:
        session = db.session
        consultations = GaugeMetricFamily(
            "youthvoice_consultations", "Consultations by status", labels=["status"]
        )
        for status, count in session.execute(
            select(Consultation.status, func.count()).group_by(Consultation.status)
        ):
            consultations.add_metric([status.value], count)
        yield consultations
        yield GaugeMetricFamily(
            "youthvoice_participants",
            "Pseudonymous participants",
            value=session.scalar(select(func.count()).select_from(Participant)) or 0,
        )
        yield GaugeMetricFamily(
            "youthvoice_answers",
            "Answers stored (one per participant per question)",
            value=session.scalar(select(func.coalesce(func.sum(Question.answer_count), 0))) or 0,
        )
        outbox = GaugeMetricFamily(
            "youthvoice_outbox_messages",
            "Outbox messages by channel and status (sent = delivered)",
            labels=["channel", "status"],
        )
        for channel, sending, count in session.execute(
            select(OutboxMessage.channel, OutboxMessage.status, func.count()).group_by(
                OutboxMessage.channel, OutboxMessage.status
            )
        ):
            outbox.add_metric([channel, sending.value], count)
        yield outbox
        oldest = GaugeMetricFamily(
            "youthvoice_outbox_oldest_pending_seconds",
            "Age of the oldest message still waiting, per channel (queue lag)",
            labels=["channel"],
        )
        now = datetime.now(UTC)
        for channel, first in session.execute(
            select(OutboxMessage.channel, func.min(OutboxMessage.created_at))
            .where(OutboxMessage.status == OutboxStatus.PENDING)
            .group_by(OutboxMessage.channel)
        ):
            if isinstance(first, str):  # SQLite returns the raw text from an aggregate
                first = datetime.fromisoformat(first)
            if first.tzinfo is None:
                first = first.replace(tzinfo=UTC)
            oldest.add_metric([channel], max(0.0, (now - first).total_seconds()))
        yield oldest
        yield GaugeMetricFamily(
            "youthvoice_moderation_backlog",
            "Written answers waiting for a moderator (pending or escalated)",
            value=review.waiting_count(),
        )
        yield GaugeMetricFamily(
            "youthvoice_safeguarding_concerns_open",
            "Safeguarding concerns nobody has marked handled yet",
            value=review.open_concern_count(),
        )


def metrics() -> Response:
    """Prometheus gauges, for whoever holds ``METRICS_TOKEN`` and nobody else.

    They count open safeguarding concerns and the moderation backlog, so without a token
    set they are off rather than public.
    """
    token = current_app.config.get("METRICS_TOKEN") or ""
    if not token:
        return Response(
            "metrics are off: set METRICS_TOKEN, then send 'Authorization: Bearer <token>'\n",
            403,
            mimetype="text/plain",
        )
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode(), token.encode()
    ):
        response = Response("metrics need 'Authorization: Bearer <METRICS_TOKEN>'\n", 401)
        response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector())
    body = generate_latest(registry)
    db.session.rollback()
    return Response(body, mimetype="text/plain; version=0.0.4")


def init_app(app: Flask) -> None:
    app.before_request(_start_timer)
    app.after_request(_log_request)

    def healthz() -> dict[str, str]:
        """Alive: the process answers (used by container health checks)."""
        return {"status": "ok"}

    # Plain Flask routes: the app's own decorators would add them to the API's description.
    app.add_url_rule("/healthz", "healthz", healthz)
    app.add_url_rule("/readyz", "readyz", readyz)
    app.add_url_rule("/metrics", "metrics", metrics)
