"""A fresh database per test: SQLite in a temp dir; PostgreSQL too when TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.serving import WSGIRequestHandler, make_server

from consultations import services
from consultations.db import db
from webapp import create_app

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ENGINES = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])
CHANNEL_TOKENS = {"telegram": "telegram-test-token", "rasa": "rasa-test-token"}


def _pg_url(url: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


@contextmanager
def fresh_pg_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for this run, dropped afterwards."""
    admin_url = make_url(_pg_url(TEST_DATABASE_URL))
    name = f"yv_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str | None]:
    if not TEST_DATABASE_URL:
        yield None
        return
    with fresh_pg_database() as url:
        yield url


def app_config(tmp_path: os.PathLike[str], database_url: str) -> dict[str, object]:
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "PSEUDONYM_KEY": "test-pseudonym-key",
        "CHANNEL_TOKENS": dict(CHANNEL_TOKENS),
        "PUBLIC_URL": "http://testserver",
        # Tests run at any hour; those about quiet hours set them (and freeze the time).
        "QUIET_HOURS": "off",
    }


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def app(engine_name: str, tmp_path, pg_database: str | None) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'test.db'}" if engine_name == "sqlite" else pg_database
    assert url
    application = create_app(app_config(tmp_path, url))
    with application.app_context():
        if engine_name == "postgresql":
            db.drop_all()
        db.create_all()
        services.seed_reference_data()
        db.session.commit()
        yield application
        db.session.remove()
        if engine_name == "postgresql":
            db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def api(app: Flask):  # type: ignore[no-untyped-def]
    """A test client that speaks for the Telegram channel."""
    from werkzeug.test import Client

    class ApiClient:
        def __init__(self, inner: Client, token: str) -> None:
            self.inner = inner
            self.headers = {"Authorization": f"Bearer {token}"}

        def get(self, path: str, **kw):  # type: ignore[no-untyped-def]
            headers = {**self.headers, **kw.pop("headers", {})}
            return self.inner.get(f"/api/v1{path}", headers=headers, **kw)

        def post(self, path: str, **kw):  # type: ignore[no-untyped-def]
            headers = {**self.headers, **kw.pop("headers", {})}
            return self.inner.post(f"/api/v1{path}", headers=headers, **kw)

    return ApiClient(app.test_client(), CHANNEL_TOKENS["telegram"])


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: object, **kwargs: object) -> None:
        # No request log: query strings and paths can carry participant ids.
        pass


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test's app on a real HTTP server on loopback, one thread per request."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


# Lines a test wants shown after the run (the moderation corpus's precision and recall).
REPORT_KEY = pytest.StashKey[list[str]]()


@pytest.fixture
def report_lines(request: pytest.FixtureRequest) -> list[str]:
    """Lines to print in the summary at the end of the run."""
    return request.config.stash.setdefault(REPORT_KEY, [])


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # type: ignore[no-untyped-def]
    lines = config.stash.get(REPORT_KEY, [])
    if lines:
        terminalreporter.section("measured on the labelled corpora")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    """Keep each phase's report on the test, so fixtures can tell a failure in teardown."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report
