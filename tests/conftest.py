"""Every test gets its own database with the schema and reference data in it, on SQLite and,
when TEST_DATABASE_URL is set, on PostgreSQL too.

The schema is made once per session (per worker under xdist) and each test starts from a
copy of it: on SQLite a copy of a template file in the test's temp dir, on PostgreSQL the
session's database emptied back to the template's rows. Either way a test's commits are real
and every connection and thread sees them, as in production. A test that needs a database
with nothing in it at all makes one (``fresh_pg_database``, or a SQLite file of its own).
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from consultations import accounts, services
from consultations.db import db
from tests.routing_cache import share_url_builders
from tests.servers import serve
from tests.template_cache import share_compiled_templates
from webapp import create_app

# Each route's URL builders and each template compiled once for the run, not once per
# test's app.
share_url_builders()
share_compiled_templates()

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


class PgTemplate:
    """The session's PostgreSQL database and the rows it holds right after the schema is made."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url, poolclass=NullPool)
        self.tables = list(db.metadata.sorted_tables)
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.sequences: dict[str, tuple[int, bool]] = {}

    def remember(self) -> None:
        with self.engine.connect() as conn:
            for table in self.tables:
                rows = [dict(r._mapping) for r in conn.execute(table.select())]
                if rows:
                    self.rows[table.name] = rows
            names = conn.scalars(
                text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")
            ).all()
            for name in names:
                value, called = conn.execute(
                    text(f'SELECT last_value, is_called FROM "{name}"')
                ).one()
                self.sequences[name] = (int(value), bool(called))

    def restore(self) -> None:
        """Back to the remembered rows and sequence values, whatever the last test left.

        A connection the last test left behind (a thread or a killed worker still in a
        transaction) would hold its locks until the server noticed; it is ended first, as
        dropping the database did. Nothing outlives a test on this database but such
        leftovers: the session's own engine connects only while it restores. DELETE rather
        than TRUNCATE: on tables this small it is several times faster, and the sequences
        are set back by hand instead of by RESTART IDENTITY.
        """
        with self.engine.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        try:
            self._restore()
        except OperationalError:
            # A backend that was still ending held a lock past the timeout: once more.
            self._restore()

    def _restore(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '5s'"))
            for table in reversed(self.tables):
                conn.execute(table.delete())
            for table in self.tables:
                if table.name in self.rows:
                    conn.execute(insert(table), self.rows[table.name])
            if self.sequences:
                calls = ", ".join(
                    f"setval('\"{name}\"', {value}, {'true' if called else 'false'})"
                    for name, (value, called) in self.sequences.items()
                )
                conn.execute(text(f"SELECT {calls}"))


def _make_schema(tmp: Path, url: str) -> None:
    """The schema and reference data into an empty database, as ``app`` used to per test."""
    application = create_app(app_config(tmp, url))
    with application.app_context():
        db.create_all()
        services.seed_reference_data()
        db.session.commit()
        if url.startswith("sqlite"):
            # Everything into the main file, so a plain copy of it is the whole database.
            db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def pg_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgTemplate | None]:
    """The session's PostgreSQL database (one per xdist worker) with the schema made once."""
    if not TEST_DATABASE_URL:
        yield None
        return
    with fresh_pg_database() as url:
        _make_schema(tmp_path_factory.mktemp("pg-schema"), url)
        template = PgTemplate(url)
        template.remember()
        yield template
        template.engine.dispose()


@pytest.fixture(scope="session")
def pg_database(pg_template: PgTemplate | None) -> str | None:
    """The URL of the session's PostgreSQL database (its schema made), or None without one."""
    return pg_template.url if pg_template else None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the schema and reference data, made once; each test gets a copy."""
    folder = tmp_path_factory.mktemp("sqlite-schema")
    path = folder / "template.db"
    _make_schema(folder, f"sqlite:///{path}")
    assert not path.with_name(path.name + "-wal").exists()
    return path


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
def app(engine_name: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Flask]:
    """The web app on this test's own database: schema and reference data, nothing else."""
    if engine_name == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        template: PgTemplate = request.getfixturevalue("pg_template")
        # Restored before the test, not after: a test whose teardown failed cannot leave
        # its rows to the next one.
        template.restore()
        url = template.url
    application = create_app(app_config(tmp_path, url))
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


# One cheap hasher for the whole run, so the dummy hash that keeps sign-in timing equal is
# made once. tests/unit/test_password_cost.py checks the production parameters.
_CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def cheap_password_hashing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 at its lowest cost in every test: at the production cost each hash takes
    tens of milliseconds and most of a core, and a sign-in test hashes several times."""
    if request.node.get_closest_marker("production_password_cost") is None:
        monkeypatch.setattr(accounts, "_hasher", _CHEAP_HASHER)


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


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test's app on a real HTTP server on loopback, one thread per request."""
    with serve(app) as url:
        yield url


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# Where a failing browser test leaves a screenshot of its last page (git-ignored).
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


class _SharedChromium:
    """One Chromium for a run of browser tests in a row, stopped before any other test.

    Starting Chromium costs a second or more a test. Playwright's sync API keeps its event
    loop set in the thread while it runs, and a test after it that calls ``asyncio.run``
    would fail, so it is stopped as soon as a test that does not ask for a browser comes
    next (``pytest_runtest_setup``): a module of browser tests starts it once.
    """

    def __init__(self) -> None:
        self._playwright: Any = None
        self._manager: Any = None
        self.chromium: Any = None

    def get(self) -> Any:
        if self.chromium is not None and not self.chromium.is_connected():
            self.stop()  # a test crashed it: a new one for the next
        if self.chromium is None:
            from playwright.sync_api import sync_playwright

            self._manager = sync_playwright()
            self._playwright = self._manager.start()
            self.chromium = self._playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
        return self.chromium

    def stop(self) -> None:
        if self._manager is None:
            return
        try:
            if self.chromium is not None and self.chromium.is_connected():
                self.chromium.close()
        finally:
            self._manager.__exit__(None, None, None)
            self._manager = self._playwright = self.chromium = None


_CHROMIUM = _SharedChromium()


@pytest.fixture
def browser() -> Iterator[Any]:
    """Debian's headless Chromium, driven by Playwright; never a downloaded browser.

    Shared by consecutive browser tests; each test's windows (contexts) are closed after it,
    so no cookie, storage or open page passes from one test to the next.
    """
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (.ci/run installs it in CI)")
    chromium = _CHROMIUM.get()
    # Nothing of the test before is left: every window it opened was closed.
    assert not chromium.contexts, "a browser test left a window open"
    try:
        yield chromium
    finally:
        if chromium.is_connected():
            for context in list(chromium.contexts):
                context.close()


def pytest_runtest_setup(item: pytest.Item) -> None:
    if "browser" not in getattr(item, "fixturenames", ()):
        _CHROMIUM.stop()


def pytest_sessionfinish(session: pytest.Session) -> None:
    _CHROMIUM.stop()


@pytest.fixture
def page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    """A phone-sized tab (360×640); a test may resize it. Saved as a screenshot in
    tests/artifacts/ when the test fails."""
    tab = browser.new_page(viewport={"width": 360, "height": 640})
    try:
        yield tab
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
            tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        tab.close()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "production_password_cost: hash passwords at the production argon2 cost in this test",
    )


# Lines tests want shown after the run (the moderation corpus's precision and recall). They
# travel on each test's report, so they reach the summary from xdist's workers too.
_REPORT_PROPERTY = "report_line"
_REPORTED: list[str] = []


@pytest.fixture
def report_lines(request: pytest.FixtureRequest) -> Iterator[list[str]]:
    """Lines to print in the summary at the end of the run."""
    lines: list[str] = []
    yield lines
    request.node.user_properties.extend((_REPORT_PROPERTY, line) for line in lines)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "teardown":
        _REPORTED.extend(str(v) for k, v in report.user_properties if k == _REPORT_PROPERTY)


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # type: ignore[no-untyped-def]
    if _REPORTED:
        terminalreporter.section("measured on the labelled corpora")
        for line in _REPORTED:
            terminalreporter.write_line(line)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    """Keep each phase's report on the test, so fixtures can tell a failure in teardown."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report
