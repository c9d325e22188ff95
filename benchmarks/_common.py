"""What both benchmarks share: throwaway databases, app settings, gunicorn, statistics, output.

Everything here only ever talks to 127.0.0.1 and cleans up after itself: temporary folders
are removed and PostgreSQL databases created for a run are dropped at its end.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

if TYPE_CHECKING:
    from flask import Flask

    from consultations.models import Consultation
    from consultations.services import QuestionSpec

REPO_ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
OUT_DIR = Path(__file__).resolve().parent / "out"
ENGINES = ("sqlite", "postgresql")
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
HOST = "127.0.0.1"
CHANNEL = "telegram"

# Short sentences and short words: passes the reading-age gate like a real youth rewrite.
YOUTH_TEXT = (
    "The council wants to hear from you. We plan to open a new youth club. "
    "Tell us what you would like to do there. We will read every answer."
)


@dataclass(frozen=True)
class Settings:
    """How one benchmark run configures the app, for a subprocess (env) or in-process (config)."""

    engine: str
    database_url: str
    instance: Path
    secret_key: str = field(default_factory=lambda: secrets.token_hex(32))
    pseudonym_key: str = field(default_factory=lambda: secrets.token_hex(32))
    channel_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    # More settings for the server, as (name, value) pairs (a benchmark's own limits).
    extra_env: tuple[tuple[str, str], ...] = ()

    def env(self) -> dict[str, str]:
        """The environment gunicorn and the ``youthvoice`` command read."""
        return {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": self.secret_key,
            "PSEUDONYM_KEY": self.pseudonym_key,
            "YOUTHVOICE_CHANNEL_TOKENS": f"{CHANNEL}:{self.channel_token}",
            "YOUTHVOICE_INSTANCE": str(self.instance),
            # Throughput is measured at any hour; quiet hours have their own benchmark.
            "YOUTHVOICE_QUIET_HOURS": "off",
            **dict(self.extra_env),
        }

    def app_config(self) -> dict[str, Any]:
        """The same settings as a ``create_app`` config mapping."""
        return {
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "SECRET_KEY": self.secret_key,
            "PSEUDONYM_KEY": self.pseudonym_key,
            "CHANNEL_TOKENS": {CHANNEL: self.channel_token},
            "INSTANCE_PATH": str(self.instance),
            "QUIET_HOURS": "off",
        }

    def auth_header(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.channel_token}"}


def log(message: str) -> None:
    """Progress on stderr, so the tables on stdout stay clean."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@contextmanager
def _postgres_database(admin_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped (even if still in use) at the end."""
    admin: Engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"yv_bench_{secrets.token_hex(5)}"  # generated, so safe to quote into DDL
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
        log(f"dropped PostgreSQL database {name}")


@contextmanager
def bench_settings(engine: str, pg_admin_url: str = DEFAULT_PG_URL) -> Iterator[Settings]:
    """A throwaway instance folder and database for one engine; removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="yv-bench-") as tmp:
        instance = Path(tmp) / "instance"
        instance.mkdir()
        if engine == "sqlite":
            yield Settings(engine, f"sqlite:///{instance / 'bench.db'}", instance)
        elif engine == "postgresql":
            with _postgres_database(pg_admin_url) as url:
                yield Settings(engine, url, instance)
        else:
            raise ValueError(f"unknown engine {engine!r}")


def init_db(settings: Settings) -> None:
    """Run the migrations and seed data exactly as an operator would: ``youthvoice init-db``."""
    subprocess.run(
        [str(VENV_BIN / "youthvoice"), "init-db"],
        env=settings.env(),
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
        text=True,
    )


@contextmanager
def app_context(settings: Settings) -> Iterator[Flask]:
    """The app in-process, with an app context pushed; its connections are closed at the end."""
    from consultations.db import db
    from webapp import create_app

    app = create_app(settings.app_config())
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def open_consultation(slug: str, specs: Sequence[QuestionSpec]) -> Consultation:
    """Create, open and commit a consultation through the services (needs an app context)."""
    from consultations import services
    from consultations.db import db
    from consultations.models import Consultation

    now = datetime.now(UTC)
    consultation = Consultation(
        slug=slug,
        title="Benchmark consultation",
        original_text="The Local Strategic Partnership will facilitate stakeholder engagement.",
        source_document="Benchmark",
        source_organisation="Benchmark council",
        youth_title="Have your say",
        youth_summary=YOUTH_TEXT,
        theme=services.theme_by_key("young_people"),
        closes_at=now + timedelta(days=30),
    )
    db.session.add(consultation)
    for spec in specs:
        services.add_question(consultation, spec)
    services.open_consultation(consultation, now=now - timedelta(minutes=1))
    db.session.commit()
    return consultation


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _wait_for_health(base_url: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited early with status {proc.returncode}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s")


def _stop(proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """SIGTERM (gunicorn's graceful stop) to the process we started; SIGKILL only if stuck."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@dataclass(frozen=True)
class Server:
    base_url: str
    pid: int


@contextmanager
def gunicorn(settings: Settings, *, workers: int = 2, timeout: float = 60) -> Iterator[Server]:
    """``gunicorn -w N -b 127.0.0.1:PORT 'webapp:create_app()'`` until the block ends."""
    port = free_port()
    log_path = settings.instance / "gunicorn.log"
    command = [
        str(VENV_BIN / "gunicorn"),
        "-w",
        str(workers),
        "-b",
        f"{HOST}:{port}",
        "webapp:create_app()",
    ]
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(
            command, env=settings.env(), cwd=REPO_ROOT, stdout=log_file, stderr=log_file
        )
        try:
            base_url = f"http://{HOST}:{port}"
            _wait_for_health(base_url, proc, timeout)
            log(f"gunicorn -w {workers} pid {proc.pid} serving {base_url}")
            yield Server(base_url, proc.pid)
        except BaseException:
            tail = log_path.read_text(errors="replace")[-2000:]
            log(f"gunicorn log (tail):\n{tail}")
            raise
        finally:
            _stop(proc)
            log(f"gunicorn stopped (exit status {proc.returncode})")


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``pct``% of values at or below."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table (readable in a terminal, pasteable into the README)."""
    cells = [[str(c) for c in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    rule = "| " + " | ".join("-" * w for w in widths) + " |"
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])


def write_json(name: str, payload: dict[str, Any]) -> Path:
    """Write ``payload`` to ``benchmarks/out/<name>-<UTC time>.json`` and return the path."""
    OUT_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = OUT_DIR / f"{name}-{stamp}.json"
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    return path


def environment_facts(pg_admin_url: str = DEFAULT_PG_URL) -> dict[str, Any]:
    """Versions and machine facts recorded next to every figure."""
    facts: dict[str, Any] = {
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    try:
        engine = create_engine(pg_admin_url)
        with engine.connect() as conn:
            facts["postgresql"] = conn.execute(text("SHOW server_version")).scalar()
        engine.dispose()
    except Exception as exc:  # PostgreSQL is optional for a SQLite-only run
        facts["postgresql"] = f"unavailable: {type(exc).__name__}"
    return facts


def engines_from(choice: str) -> list[str]:
    """``both`` → every engine, else just the one named."""
    return list(ENGINES) if choice == "both" else [choice]
