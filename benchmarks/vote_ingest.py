"""How fast the channel API takes answers under gunicorn, and that none is lost.

For each engine: a fresh database migrated with ``youthvoice init-db``; one open consultation
(single choice, 1-5 scale, free text) made through the services; ``gunicorn -w 2``; then a
separate load-generator process drives ``POST /api/v1/consultations/<slug>/answers`` (three
answers per request, a new participant each time, about 10% re-answers that must replace) and,
against the same server in the same run, ``GET /healthz``. Both endpoints get the same
concurrency and the same total time, in alternating rounds so that noise from other work on
the machine falls on both. Afterwards the database is read directly to check that what was
stored is exactly what was acknowledged.

    .venv/bin/python benchmarks/vote_ingest.py                 # both engines, 20 s each
    .venv/bin/python benchmarks/vote_ingest.py --engine sqlite --seconds 5
"""

from __future__ import annotations

import argparse
import random
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import httpx
from _common import (
    CHANNEL,
    DEFAULT_PG_URL,
    Settings,
    app_context,
    bench_settings,
    engines_from,
    environment_facts,
    format_table,
    gunicorn,
    init_db,
    log,
    open_consultation,
    percentile,
    write_json,
)
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ANSWERS_PER_REQUEST = 3
# Issue 2 asked 0.35 of every engine; a national ballot runs on PostgreSQL and asks 0.5.
TARGET_RATIO = {"sqlite": 0.35, "postgresql": 0.5}
# One channel token carries every simulated chat user, so the API's per-token limit
# (3,000/minute per worker when counting in memory) would turn a fast run's surplus into
# quick 429s that flatter the rate. It is raised for this run only; the per-participant
# limit stays as deployed, and the limiter still counts every request.
API_LIMIT = ("YOUTHVOICE_RATELIMIT_API", "100000/minute")
CLOCK_TICKS = 100  # USER_HZ on Linux; /proc/<pid>/stat counts CPU time in these


@dataclass(frozen=True)
class Target:
    """The server and consultation the load generator aims at."""

    base_url: str
    token: str
    slug: str
    choice_question: int
    choice_options: tuple[int, ...]
    scale_question: int
    text_question: int
    server_pid: int
    database: str | None  # PostgreSQL database name, to find its backends' CPU time


@dataclass(frozen=True)
class LoadPlan:
    target: Target
    concurrency: int
    seconds: float
    rounds: int
    warmup: float
    reanswer: float


@dataclass
class PhaseStats:
    """What one endpoint did over its timed rounds."""

    requests: int = 0
    acknowledged: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    elapsed_s: float = 0.0
    client_cpu_s: float = 0.0
    server_cpu_s: float = 0.0
    database_cpu_s: float = 0.0

    def merge(self, other: PhaseStats) -> None:
        self.requests += other.requests
        self.acknowledged += other.acknowledged
        self.errors.update(other.errors)
        self.latencies_ms.extend(other.latencies_ms)
        self.elapsed_s += other.elapsed_s
        self.client_cpu_s += other.client_cpu_s
        self.server_cpu_s += other.server_cpu_s
        self.database_cpu_s += other.database_cpu_s

    @property
    def rate(self) -> float:
        """Completed requests per second of wall time."""
        return self.requests / self.elapsed_s if self.elapsed_s else 0.0


# participant id on the channel -> (option id, scale value, text) of its last acknowledged save
Expected = dict[str, tuple[int, int, str]]


@dataclass
class LoadResult:
    answers: PhaseStats
    healthz: PhaseStats
    expected: Expected
    reanswered: set[str]
    round_ratios: list[float] = field(default_factory=list)  # answers/s ÷ healthz/s per round


@dataclass
class _ThreadOut:
    stats: PhaseStats = field(default_factory=PhaseStats)
    expected: Expected = field(default_factory=dict)
    reanswered: set[str] = field(default_factory=set)


# --- the load generator (runs in its own process) -------------------------------------------


def _cpu_seconds(master_pid: int, database: str | None) -> tuple[float, float]:
    """CPU time (user + system) from /proc of gunicorn (master and workers) and of the
    PostgreSQL backends serving ``database`` (their process title names the database)."""
    app = db = 0
    marker = f" {database} ".encode() if database else None
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid = int(stat.parent.name)
            fields = stat.read_text().rsplit(")", 1)[1].split()
            ticks = int(fields[11]) + int(fields[12])
            if pid == master_pid or int(fields[1]) == master_pid:
                app += ticks
            elif marker and marker in (stat.parent / "cmdline").read_bytes():
                db += ticks
        except (OSError, ValueError, IndexError):
            continue  # the process went away while we looked, or is not ours to read
    return app / CLOCK_TICKS, db / CLOCK_TICKS


def _payload(target: Target, pid: str, sub: tuple[int, int, str]) -> dict[str, Any]:
    option_id, value, note = sub
    return {
        "participant": {"channel": CHANNEL, "id": pid},
        "answers": [
            {"question_id": target.choice_question, "option_ids": [option_id]},
            {"question_id": target.scale_question, "value": value},
            {"question_id": target.text_question, "text": note},
        ],
    }


def _timed(out: _ThreadOut, send: Callable[[], httpx.Response]) -> httpx.Response | None:
    """Send one request, recording its latency, or its failure as an error."""
    started = time.perf_counter()
    try:
        response = send()
    except httpx.HTTPError as exc:
        out.stats.errors[type(exc).__name__] += 1
        return None
    finally:
        out.stats.requests += 1
    out.stats.latencies_ms.append((time.perf_counter() - started) * 1000)
    return response


def _answer_loop(
    client: httpx.Client, plan: LoadPlan, tag: str, deadline: float, out: _ThreadOut
) -> None:
    """New participants, with some re-answers of ones this thread already saved."""
    rng = random.Random(tag)
    url = f"/api/v1/consultations/{plan.target.slug}/answers"
    mine: list[str] = []
    serial = 0
    while time.perf_counter() < deadline:
        again = bool(mine) and rng.random() < plan.reanswer
        if again:
            pid = rng.choice(mine)
        else:
            pid, serial = f"{tag}-{serial}", serial + 1
        sub = (
            rng.choice(plan.target.choice_options),
            rng.randint(1, 5),
            f"More things to do at night ({pid}, {rng.random():.6f})",
        )
        response = _timed(
            out, lambda p=pid, s=sub: client.post(url, json=_payload(plan.target, p, s))
        )
        if response is None:
            continue
        if response.status_code == 200 and response.json().get("saved") == ANSWERS_PER_REQUEST:
            out.stats.acknowledged += 1
            out.expected[pid] = sub
            if again:
                out.reanswered.add(pid)
            else:
                mine.append(pid)
        else:
            out.stats.errors[f"HTTP {response.status_code}"] += 1


def _health_loop(
    client: httpx.Client, plan: LoadPlan, tag: str, deadline: float, out: _ThreadOut
) -> None:
    while time.perf_counter() < deadline:
        response = _timed(out, lambda: client.get("/healthz"))
        if response is None:
            continue
        if response.status_code == 200:
            out.stats.acknowledged += 1
        else:
            out.stats.errors[f"HTTP {response.status_code}"] += 1


def _run_phase(plan: LoadPlan, endpoint: str, seconds: float, tag: str) -> _ThreadOut:
    """``plan.concurrency`` threads on one endpoint for ``seconds``; in-flight requests finish."""
    loop = _answer_loop if endpoint == "answers" else _health_loop
    limits = httpx.Limits(
        max_connections=plan.concurrency, max_keepalive_connections=plan.concurrency
    )
    outs = [_ThreadOut() for _ in range(plan.concurrency)]
    with httpx.Client(
        base_url=plan.target.base_url,
        headers={"Authorization": f"Bearer {plan.target.token}"},
        limits=limits,
        timeout=60,
    ) as client:
        server0, database0 = _cpu_seconds(plan.target.server_pid, plan.target.database)
        cpu0 = time.process_time()
        started = time.perf_counter()
        deadline = started + seconds
        threads = [
            threading.Thread(target=loop, args=(client, plan, f"{tag}-{i}", deadline, out))
            for i, out in enumerate(outs)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        client_cpu = time.process_time() - cpu0
        server1, database1 = _cpu_seconds(plan.target.server_pid, plan.target.database)
    total = _ThreadOut(
        stats=PhaseStats(
            elapsed_s=elapsed,
            client_cpu_s=client_cpu,
            server_cpu_s=server1 - server0,
            database_cpu_s=database1 - database0,
        )
    )
    for out in outs:
        total.stats.merge(out.stats)
        total.expected.update(out.expected)
        total.reanswered |= out.reanswered
    return total


def generate_load(plan: LoadPlan) -> LoadResult:
    """Warm up both endpoints, then alternate timed rounds of answers and /healthz."""
    run = secrets.token_hex(3)
    result = LoadResult(PhaseStats(), PhaseStats(), {}, set())

    def absorb(out: _ThreadOut, stats: PhaseStats | None) -> None:
        result.expected.update(out.expected)  # warm-up answers are checked too
        result.reanswered |= out.reanswered
        if stats is not None:
            stats.merge(out.stats)

    absorb(_run_phase(plan, "healthz", plan.warmup, f"{run}-wh"), None)
    absorb(_run_phase(plan, "answers", plan.warmup, f"{run}-wa"), None)
    per_round = plan.seconds / plan.rounds
    for r in range(plan.rounds):
        order = ("answers", "healthz") if r % 2 == 0 else ("healthz", "answers")
        rates: dict[str, float] = {}
        for endpoint in order:
            stats = result.answers if endpoint == "answers" else result.healthz
            out = _run_phase(plan, endpoint, per_round, f"{run}-{r}{endpoint[0]}")
            rates[endpoint] = out.stats.rate
            absorb(out, stats)
        if rates["healthz"]:
            result.round_ratios.append(ANSWERS_PER_REQUEST * rates["answers"] / rates["healthz"])
    return result


# --- setup and verification (in the main process) -------------------------------------------


def _make_consultation(settings: Settings) -> dict[str, Any]:
    from consultations.models import QuestionKind
    from consultations.services import QuestionSpec

    specs = [
        QuestionSpec(
            QuestionKind.SINGLE_CHOICE,
            "Which day is best?",
            required=True,
            options=["Monday", "Friday", "Saturday", "Sunday"],
        ),
        QuestionSpec(
            QuestionKind.SCALE,
            "How much do you want it?",
            scale_min_label="Not at all",
            scale_max_label="A lot",
        ),
        QuestionSpec(QuestionKind.FREE_TEXT, "Anything else?", max_length=200),
    ]
    with app_context(settings):
        c = open_consultation("ingest", specs)
        choice, scale, free = c.questions
        return {
            "id": c.id,
            "slug": c.slug,
            "choice_question": choice.id,
            "choice_options": tuple(o.id for o in choice.options),
            "scale_question": scale.id,
            "scale_options": {o.value: o.id for o in scale.options},
            "text_question": free.id,
        }


@dataclass
class Check:
    name: str
    expected: int
    actual: int

    @property
    def ok(self) -> bool:
        return self.expected == self.actual


_STORED_ANSWERS = text(
    "SELECT p.pseudonym, a.question_id, a.scale_value, a.text, ac.option_id,"
    " a.updated_at > a.created_at AS replaced"
    " FROM answer a JOIN question q ON q.id = a.question_id"
    " JOIN participant p ON p.id = a.participant_id"
    " LEFT JOIN answer_choice ac ON ac.answer_id = a.id"
    " WHERE q.consultation_id = :cid"
)
_TALLIES = text(
    "SELECT o.id, o.tally, (SELECT count(*) FROM answer_choice ac WHERE ac.option_id = o.id)"
    " FROM option o JOIN question q ON q.id = o.question_id WHERE q.consultation_id = :cid"
)
_QUESTION_COUNTS = text(
    "SELECT q.id, q.answer_count, (SELECT count(*) FROM answer a WHERE a.question_id = q.id)"
    " FROM question q WHERE q.consultation_id = :cid"
)
_RESPONDENTS = text(
    "SELECT c.respondent_count,"
    " (SELECT count(*) FROM participation pn WHERE pn.consultation_id = c.id),"
    " (SELECT count(*) FROM participant)"
    " FROM consultation c WHERE c.id = :cid"
)


def _expected_rows(
    settings: Settings, info: dict[str, Any], result: LoadResult
) -> tuple[dict[str, tuple[int, int, str]], Counter[int]]:
    """Acknowledged final answers keyed by pseudonym, and the option tallies they imply."""
    from consultations.pseudonym import pseudonym

    key = settings.pseudonym_key.encode()
    by_alias: dict[str, tuple[int, int, str]] = {}
    tallies: Counter[int] = Counter()
    for pid, (option_id, value, note) in result.expected.items():
        by_alias[pseudonym(key, CHANNEL, pid)] = (option_id, value, note)
        tallies[option_id] += 1
        tallies[info["scale_options"][value]] += 1
    return by_alias, tallies


def _stored_rows(conn: Any, info: dict[str, Any]) -> tuple[dict[str, list[Any]], int, int]:
    """Stored answers folded per pseudonym into [option, scale value, text]; rows; replaced."""
    stored: dict[str, list[Any]] = {}
    rows = replaced = 0
    for alias, qid, value, note, option_id, was_replaced in conn.execute(
        _STORED_ANSWERS, {"cid": info["id"]}
    ):
        rows += 1
        replaced += bool(was_replaced)
        got = stored.setdefault(alias, [None, None, None])
        if qid == info["choice_question"]:
            got[0] = option_id
        elif qid == info["scale_question"]:
            got[1] = value
        else:
            got[2] = note
    return stored, rows, replaced


def verify(settings: Settings, info: dict[str, Any], result: LoadResult) -> tuple[list[Check], int]:
    """Compare the database, read directly with SQL, with what the server acknowledged.

    Returns the checks and the number of answers stored for the consultation."""
    expected, expected_tallies = _expected_rows(settings, info, result)
    engine = create_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            stored, answer_rows, replaced = _stored_rows(conn, info)
            tallies = list(conn.execute(_TALLIES, {"cid": info["id"]}))
            questions = list(conn.execute(_QUESTION_COUNTS, {"cid": info["id"]}))
            respondents, participations, participants = conn.execute(
                _RESPONDENTS, {"cid": info["id"]}
            ).one()
    finally:
        engine.dispose()
    n = len(expected)
    checks = [
        Check("participants stored = acknowledged distinct", n, len(stored)),
        Check("answers stored = acknowledged (participant, question) pairs", 3 * n, answer_rows),
        Check("acknowledged but not stored (lost)", 0, len(expected.keys() - stored.keys())),
        Check("stored but never acknowledged", 0, len(stored.keys() - expected.keys())),
        Check(
            "stored answer differs from last acknowledged",
            0,
            sum(tuple(stored.get(a, ())) != e for a, e in expected.items()),
        ),
        Check("answers replaced (re-answered pairs)", 3 * len(result.reanswered), replaced),
        Check(
            "sum of tallies = stored answer_choice rows",
            sum(r[2] for r in tallies),
            sum(r[1] for r in tallies),
        ),
        Check("options whose tally != COUNT(answer_choice)", 0, sum(r[1] != r[2] for r in tallies)),
        Check(
            "options whose tally != acknowledged choices",
            0,
            sum(r[1] != expected_tallies.get(r[0], 0) for r in tallies),
        ),
        Check(
            "questions whose answer_count != COUNT(answer)", 0, sum(r[1] != r[2] for r in questions)
        ),
        Check("respondent_count = participations", participations, respondents),
        Check("participants = participations", participations, participants),
    ]
    return checks, answer_rows


# --- reporting -------------------------------------------------------------------------------


def _cpu_ratio(a: PhaseStats, h: PhaseStats) -> float:
    """Answers per server CPU-second ÷ healthz per server CPU-second (database included).

    Less sensitive than throughput to what else the machine is doing at the moment."""
    post = (a.server_cpu_s + a.database_cpu_s) / max(a.requests, 1)
    health = (h.server_cpu_s + h.database_cpu_s) / max(h.requests, 1)
    return ANSWERS_PER_REQUEST * health / post if post else 0.0


def summarise(
    engine: str, result: LoadResult, checks: list[Check], stored: int, workers: int
) -> dict[str, Any]:
    """The figures of one engine's run."""
    a, h = result.answers, result.healthz
    requests_per_s, health_per_s = a.rate, h.rate
    answers_per_s = requests_per_s * ANSWERS_PER_REQUEST
    ratio = answers_per_s / health_per_s if health_per_s else 0.0
    return {
        "engine": engine,
        "gunicorn_workers": workers,
        "answer_requests": a.requests,
        "answer_requests_acknowledged": a.acknowledged,
        "answer_requests_per_s": round(requests_per_s, 1),
        "answers_per_s": round(answers_per_s, 1),
        "answer_p50_ms": round(percentile(a.latencies_ms, 50), 1),
        "answer_p99_ms": round(percentile(a.latencies_ms, 99), 1),
        "answer_errors": dict(a.errors),
        "healthz_requests": h.requests,
        "healthz_per_s": round(health_per_s, 1),
        "healthz_p50_ms": round(percentile(h.latencies_ms, 50), 1),
        "healthz_p99_ms": round(percentile(h.latencies_ms, 99), 1),
        "healthz_errors": dict(h.errors),
        "ratio_answers_per_healthz": round(ratio, 3),
        "ratio_requests_per_healthz": round(ratio / ANSWERS_PER_REQUEST, 3),
        "ratio_per_round_min": round(min(result.round_ratios, default=0.0), 3),
        "ratio_per_round_max": round(max(result.round_ratios, default=0.0), 3),
        "server_cpu_ms_per_answer_request": round(1000 * a.server_cpu_s / max(a.requests, 1), 2),
        "server_cpu_ms_per_healthz": round(1000 * h.server_cpu_s / max(h.requests, 1), 2),
        "database_cpu_ms_per_answer_request": round(
            1000 * a.database_cpu_s / max(a.requests, 1), 2
        ),
        "client_cpu_ms_per_answer_request": round(1000 * a.client_cpu_s / max(a.requests, 1), 2),
        "client_cpu_ms_per_healthz": round(1000 * h.client_cpu_s / max(h.requests, 1), 2),
        "cpu_ratio_answers_per_healthz": round(_cpu_ratio(a, h), 3),
        "acknowledged_participants": len(result.expected),
        "acknowledged_answers": ANSWERS_PER_REQUEST * len(result.expected),
        "stored_answers": stored,
        "reanswered_participants": len(result.reanswered),
        "checks": [{**asdict(c), "ok": c.ok} for c in checks],
        "nothing_lost": all(c.ok for c in checks),
        # A refused or failed request is quick, so any error makes the ratio meaningless.
        "target": TARGET_RATIO[engine],
        "target_met": ratio >= TARGET_RATIO[engine]
        and all(c.ok for c in checks)
        and not a.errors
        and not h.errors,
    }


def _errors(counts: dict[str, int]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "0"


def print_report(reports: list[dict[str, Any]]) -> None:
    rows = [
        [
            r["engine"],
            r["answer_requests_per_s"],
            r["answers_per_s"],
            r["healthz_per_s"],
            f"{r['ratio_answers_per_healthz']:.2f}"
            f" ({r['ratio_per_round_min']:.2f}–{r['ratio_per_round_max']:.2f})",
            f"{r['ratio_requests_per_healthz']:.2f}",
            f"{r['answer_p50_ms']} / {r['answer_p99_ms']}",
            f"{r['healthz_p50_ms']} / {r['healthz_p99_ms']}",
            f"{r['acknowledged_answers']} / {r['stored_answers']}",
            f"{_errors(r['answer_errors'])} / {_errors(r['healthz_errors'])}",
            ("met" if r["target_met"] else "MISSED") + f" (≥{r['target']})",
        ]
        for r in reports
    ]
    headers = [
        "engine",
        "POST req/s",
        "answers/s",
        "healthz req/s",
        "ratio answers/s÷healthz (round min–max)",
        "ratio req÷req",
        "POST p50/p99 ms",
        "healthz p50/p99 ms",
        "answers acked/stored",
        "errors POST / healthz",
        "target",
    ]
    print(format_table(headers, rows))
    for r in reports:
        print(f"\nChecks ({r['engine']}):")
        print(
            format_table(
                ["check", "expected", "actual", "ok"],
                [
                    [c["name"], c["expected"], c["actual"], "yes" if c["ok"] else "NO"]
                    for c in r["checks"]
                ],
            )
        )
        database = (
            f"; PostgreSQL backends {r['database_cpu_ms_per_answer_request']} ms per POST"
            if r["engine"] == "postgresql"
            else ""
        )
        print(
            f"CPU per request ({r['engine']}): gunicorn {r['server_cpu_ms_per_answer_request']} ms"
            f" per POST, {r['server_cpu_ms_per_healthz']} ms per healthz{database};"
            f" load generator {r['client_cpu_ms_per_answer_request']} ms per POST,"
            f" {r['client_cpu_ms_per_healthz']} ms per healthz;"
            f" server-CPU ratio answers÷healthz {r['cpu_ratio_answers_per_healthz']:.2f}"
        )


# --- the run ---------------------------------------------------------------------------------


def run_engine(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    """Prepare a database, serve it with gunicorn, drive the load, verify; all cleaned up."""
    with bench_settings(engine, args.pg_url) as base:
        settings = replace(base, extra_env=(API_LIMIT,))
        log(f"{engine}: migrating a fresh database with 'youthvoice init-db'")
        init_db(settings)
        info = _make_consultation(settings)
        with gunicorn(settings, workers=args.workers) as server:
            plan = LoadPlan(
                target=Target(
                    base_url=server.base_url,
                    token=settings.channel_token,
                    slug=info["slug"],
                    choice_question=info["choice_question"],
                    choice_options=info["choice_options"],
                    scale_question=info["scale_question"],
                    text_question=info["text_question"],
                    server_pid=server.pid,
                    database=make_url(settings.database_url).database
                    if engine != "sqlite"
                    else None,
                ),
                concurrency=args.concurrency,
                seconds=args.seconds,
                rounds=args.rounds,
                warmup=args.warmup,
                reanswer=args.reanswer,
            )
            log(
                f"{engine}: {args.concurrency} threads, {args.seconds:g} s per endpoint"
                f" in {args.rounds} alternating rounds (+{args.warmup:g} s warm-up each)"
            )
            with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
                result = pool.submit(generate_load, plan).result()
        log(f"{engine}: verifying the stored answers with SQL")
        checks, stored = verify(settings, info, result)
        return summarise(engine, result, checks, stored, args.workers)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=20.0, help="timed load per endpoint")
    parser.add_argument("--rounds", type=int, default=10, help="alternating rounds per endpoint")
    parser.add_argument("--warmup", type=float, default=2.0, help="untimed warm-up per endpoint")
    parser.add_argument("--concurrency", type=int, default=16, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--reanswer", type=float, default=0.10, help="share of re-answers")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL, help="admin URL for CREATE DATABASE")
    args = parser.parse_args()
    if args.seconds <= 0 or args.seconds > 600 or args.rounds < 1 or args.concurrency < 1:
        parser.error("--seconds must be in (0, 600], --rounds and --concurrency at least 1")
    return args


def main() -> int:
    args = parse_args()
    facts = environment_facts(args.pg_url)
    reports = [run_engine(engine, args) for engine in engines_from(args.engine)]
    print_report(reports)
    path = write_json(
        "vote_ingest",
        {
            "settings": {**vars(args), "api_rate_limit": API_LIMIT[1]},
            "environment": facts,
            "runs": reports,
        },
    )
    print(f"\nJSON: {path}")
    return 0 if all(r["target_met"] for r in reports) else 1


if __name__ == "__main__":
    raise SystemExit(main())
