"""How fast the results endpoint answers for a consultation with a million stored answers.

One open consultation (single choice, multiple choice, 1-5 scale, free text) in a fresh
database migrated with ``youthvoice init-db``. Most answers are bulk-loaded with SQL (COPY on
PostgreSQL, executemany on SQLite) from rows generated here, and the tallies, per-question
answer counts and respondent count are set to what was generated. A sample of participants
then answers through the real service (``services.submit_answers`` in ``in_transaction``),
some of them twice, so the incremental tally path runs on top of the bulk data. Then
``GET /api/v1/consultations/<slug>/results`` is timed 20 times after a warm-up, both through
the Flask test client (in-process) and through ``gunicorn -w 2`` over HTTP, and its counts are
compared with ``COUNT(*)`` over the stored rows.

    .venv/bin/python benchmarks/results_at_scale.py                     # PostgreSQL, 1,000,000
    .venv/bin/python benchmarks/results_at_scale.py --engine sqlite --answers 100000
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import psycopg
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
from sqlalchemy.engine import Connection, make_url

TARGET_MEDIAN_MS = 50.0
CHUNK = 20_000  # participants generated and written per batch
PHRASES = ("More places to meet", "Cheaper buses", "Safe parks at night", "Free sport", "Music")

PG_COPY = {
    "participant": "COPY participant (id, pseudonym, channel, is_demo, created_at) FROM STDIN",
    "participation": (
        "COPY participation (id, consultation_id, participant_id, channel, created_at) FROM STDIN"
    ),
    "answer": (
        "COPY answer (id, participant_id, question_id, channel, scale_value, text, created_at,"
        " updated_at) FROM STDIN"
    ),
    "answer_choice": "COPY answer_choice (answer_id, option_id) FROM STDIN",
}
SQLITE_INSERT = {
    "participant": (
        "INSERT INTO participant (id, pseudonym, channel, is_demo, created_at)"
        " VALUES (?, ?, ?, ?, ?)"
    ),
    "participation": (
        "INSERT INTO participation (id, consultation_id, participant_id, channel, created_at)"
        " VALUES (?, ?, ?, ?, ?)"
    ),
    "answer": (
        "INSERT INTO answer (id, participant_id, question_id, channel, scale_value, text,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    ),
    "answer_choice": "INSERT INTO answer_choice (answer_id, option_id) VALUES (?, ?)",
}
# The service inserts after the bulk rows: move the id sequences past them.
PG_SETVAL = (
    "SELECT setval(pg_get_serial_sequence('participant', 'id'), (SELECT max(id) FROM participant))",
    "SELECT setval(pg_get_serial_sequence('participation', 'id'),"
    " (SELECT max(id) FROM participation))",
    "SELECT setval(pg_get_serial_sequence('answer', 'id'), (SELECT max(id) FROM answer))",
)
TABLE_ORDER = ("participant", "participation", "answer", "answer_choice")


@dataclass(frozen=True)
class QuestionInfo:
    id: int
    kind: str
    option_ids: tuple[int, ...]
    scale_options: dict[int, int]  # scale value -> option id (scale questions only)


@dataclass(frozen=True)
class Layout:
    consultation_id: int
    slug: str
    questions: tuple[QuestionInfo, ...]


@dataclass
class Batch:
    """Generated rows for a run of participants, table by table, in foreign-key order."""

    rows: dict[str, list[tuple[Any, ...]]] = field(
        default_factory=lambda: {t: [] for t in TABLE_ORDER}
    )


@dataclass
class Totals:
    """What the bulk load wrote, to set the counters the service would have kept."""

    tallies: Counter[int] = field(default_factory=Counter)
    answers: Counter[int] = field(default_factory=Counter)
    participants: int = 0


# --- the consultation --------------------------------------------------------------------


def make_consultation(settings: Settings) -> Layout:
    from consultations.models import QuestionKind
    from consultations.services import QuestionSpec

    specs = [
        QuestionSpec(
            QuestionKind.SINGLE_CHOICE,
            "Which day is best?",
            required=True,
            options=["Monday", "Tuesday", "Friday", "Saturday", "Sunday"],
        ),
        QuestionSpec(
            QuestionKind.MULTIPLE_CHOICE,
            "What would you do there?",
            options=["Sport", "Music", "Gaming", "Cooking"],
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
        c = open_consultation("at-scale", specs)
        return Layout(
            consultation_id=c.id,
            slug=c.slug,
            questions=tuple(
                QuestionInfo(
                    q.id,
                    q.kind.value,
                    tuple(o.id for o in q.options),
                    {o.value: o.id for o in q.options if o.value is not None},
                )
                for q in c.questions
            ),
        )


# --- generated rows ----------------------------------------------------------------------


def _answer(q: QuestionInfo, rng: random.Random) -> tuple[list[int], int | None, str | None]:
    """One plausible answer to ``q``: the options picked, the scale value, the text."""
    if q.kind == "single_choice":
        return [rng.choices(q.option_ids, weights=range(len(q.option_ids), 0, -1))[0]], None, None
    if q.kind == "multiple_choice":
        return sorted(rng.sample(q.option_ids, rng.randint(1, 3))), None, None
    if q.kind == "scale":
        value = rng.randint(1, 5)
        return [q.scale_options[value]], value, None
    return [], None, rng.choice(PHRASES)


def generate(
    layout: Layout, answers: int, rng: random.Random, stamp: datetime, totals: Totals
) -> Iterator[Batch]:
    """Rows for exactly ``answers`` answers: whole participants, the last one perhaps partial."""
    per_person = len(layout.questions)
    people = -(-answers // per_person)
    answer_id = 0
    for first in range(1, people + 1, CHUNK):
        batch = Batch()
        for pid in range(first, min(first + CHUNK, people + 1)):
            alias = f"{pid:064x}"  # distinct from the HMAC pseudonyms the service makes
            batch.rows["participant"].append((pid, alias, CHANNEL, False, stamp))
            batch.rows["participation"].append((pid, layout.consultation_id, pid, CHANNEL, stamp))
            for q in layout.questions[: min(per_person, answers - answer_id)]:
                answer_id += 1
                option_ids, value, note = _answer(q, rng)
                row = (answer_id, pid, q.id, CHANNEL, value, note, stamp, stamp)
                batch.rows["answer"].append(row)
                batch.rows["answer_choice"].extend((answer_id, o) for o in option_ids)
                totals.tallies.update(option_ids)
                totals.answers[q.id] += 1
            totals.participants += 1
        yield batch


# --- bulk writers ------------------------------------------------------------------------


def _pg_conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def load_postgresql(url: str, batches: Iterator[Batch]) -> None:
    """COPY each batch, table by table, in one transaction (foreign keys stay checked)."""
    with psycopg.connect(_pg_conninfo(url)) as conn, conn.cursor() as cur:
        for batch in batches:
            for table in TABLE_ORDER:
                with cur.copy(PG_COPY[table]) as copy:
                    for row in batch.rows[table]:
                        copy.write_row(row)
        for statement in PG_SETVAL:
            cur.execute(statement)


def load_sqlite(url: str, batches: Iterator[Batch]) -> None:
    """executemany each batch in one transaction (foreign keys on, as the app has them)."""
    import sqlite3

    path = make_url(url).database
    assert path
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=OFF")  # a throwaway benchmark database
        with conn:
            for batch in batches:
                for table in TABLE_ORDER:
                    rows = batch.rows[table]
                    if table in ("participant", "participation", "answer"):
                        rows = [_sqlite_row(r) for r in rows]
                    conn.executemany(SQLITE_INSERT[table], rows)
    finally:
        conn.close()


def _sqlite_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    # SQLAlchemy keeps SQLite datetimes as naive UTC text, booleans as 0/1.
    return tuple(
        v.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        if isinstance(v, datetime)
        else int(v)
        if isinstance(v, bool)
        else v
        for v in row
    )


def set_counters(url: str, layout: Layout, totals: Totals) -> None:
    """Tallies, answer counts and respondents as the service would have kept them."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE option SET tally = :n WHERE id = :id"),
                [{"id": o, "n": n} for o, n in totals.tallies.items()],
            )
            conn.execute(
                text("UPDATE question SET answer_count = :n WHERE id = :id"),
                [{"id": q, "n": n} for q, n in totals.answers.items()],
            )
            conn.execute(
                text("UPDATE consultation SET respondent_count = :n WHERE id = :id"),
                {"id": layout.consultation_id, "n": totals.participants},
            )
    finally:
        engine.dispose()


def _submit(slug: str, key: bytes, uid: str, given: list[Any]) -> int:
    """One submission exactly as the API makes it: find, save, commit (retrying a lost race)."""
    from consultations import queries, services
    from consultations.db import in_transaction

    def save() -> int:
        consultation = queries.consultation_by_slug(slug)
        participant = services.participant_for(CHANNEL, uid, key=key)
        return services.submit_answers(
            consultation, participant, given, channel=CHANNEL, now=datetime.now(UTC)
        )

    return in_transaction(save)


def answer_through_service(settings: Settings, layout: Layout, people: int, seed: int) -> int:
    """``people`` new participants answer everything through the service; 10% answer twice."""
    from consultations.services import AnswerInput

    rng = random.Random(seed)
    key = settings.pseudonym_key.encode()
    submissions = 0
    with app_context(settings):
        for n in range(people):
            for _ in range(2 if rng.random() < 0.1 else 1):
                given = []
                for q in layout.questions:
                    option_ids, value, note = _answer(q, rng)
                    scale = value is not None  # a scale answer is sent as its value alone
                    given.append(AnswerInput(q.id, [] if scale else option_ids, value, note))
                _submit(layout.slug, key, f"sample-{n}", given)
                submissions += 1
    return submissions


def analyse(settings: Settings) -> None:
    """Planner statistics, as autovacuum (PostgreSQL) or a maintenance job would leave them."""
    engine = create_engine(settings.database_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("VACUUM ANALYZE" if settings.engine == "postgresql" else "ANALYZE")
    finally:
        engine.dispose()


# --- measuring and checking --------------------------------------------------------------


def time_requests(get: Callable[[], Any], warmup: int, repeat: int) -> tuple[list[float], Any]:
    """Milliseconds of ``repeat`` sequential calls after ``warmup`` untimed ones; last result."""
    result = None
    for _ in range(warmup):
        result = get()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = get()
        timings.append((time.perf_counter() - started) * 1000)
    return timings, result


def via_test_client(
    settings: Settings, slug: str, warmup: int, repeat: int
) -> tuple[list[float], Any]:
    with app_context(settings) as app:
        client = app.test_client()
        url, headers = f"/api/v1/consultations/{slug}/results", settings.auth_header()

        def get() -> Any:
            response = client.get(url, headers=headers)
            assert response.status_code == 200, response.status_code
            return response.get_json()

        return time_requests(get, warmup, repeat)


def via_gunicorn(
    settings: Settings, slug: str, warmup: int, repeat: int
) -> tuple[list[float], list[float], Any]:
    """Results over HTTP, and /healthz on the same server as the floor of HTTP's own cost."""
    with (
        gunicorn(settings, workers=2) as server,
        httpx.Client(
            base_url=server.base_url, headers=settings.auth_header(), timeout=60
        ) as client,
    ):

        def get() -> Any:
            response = client.get(f"/api/v1/consultations/{slug}/results")
            response.raise_for_status()
            return response.json()

        def health() -> Any:
            return client.get("/healthz").raise_for_status()

        timings, results = time_requests(get, warmup, repeat)
        floor, _ = time_requests(health, warmup, repeat)
        return timings, floor, results


_OPTION_COUNTS = text(
    "SELECT ac.option_id, count(*) FROM answer_choice ac"
    " JOIN option o ON o.id = ac.option_id JOIN question q ON q.id = o.question_id"
    " WHERE q.consultation_id = :cid GROUP BY ac.option_id"
)
_QUESTION_COUNTS = text(
    "SELECT a.question_id, count(*) FROM answer a JOIN question q ON q.id = a.question_id"
    " WHERE q.consultation_id = :cid GROUP BY a.question_id"
)
_RESPONDENTS = text("SELECT count(*) FROM participation WHERE consultation_id = :cid")


@dataclass
class StoredCounts:
    options: dict[int, int]
    questions: dict[int, int]
    respondents: int
    scan_ms: float  # one GROUP BY over the stored choices: what results would cost without tallies


def stored_counts(url: str, layout: Layout) -> StoredCounts:
    engine = create_engine(url)
    params = {"cid": layout.consultation_id}
    try:
        with engine.connect() as conn:
            scans = []
            for _ in range(3):
                started = time.perf_counter()
                options = dict(_rows(conn, _OPTION_COUNTS, params))
                scans.append((time.perf_counter() - started) * 1000)
            questions = dict(_rows(conn, _QUESTION_COUNTS, params))
            respondents = int(conn.execute(_RESPONDENTS, params).scalar_one())
    finally:
        engine.dispose()
    return StoredCounts(options, questions, respondents, statistics.median(scans))


def _rows(conn: Connection, query: Any, params: dict[str, Any]) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in conn.execute(query, params)]


def compare(results: dict[str, Any], stored: StoredCounts) -> list[str]:
    """Every difference between the endpoint's counts and COUNT(*) over the stored rows."""
    problems = []
    if results["respondents"] != stored.respondents:
        problems.append(f"respondents {results['respondents']} != {stored.respondents}")
    for q in results["questions"]:
        if q["answers"] != stored.questions.get(q["id"], 0):
            problems.append(
                f"question {q['id']}: {q['answers']} != {stored.questions.get(q['id'])}"
            )
        for o in q["options"]:
            if o["count"] != stored.options.get(o["id"], 0):
                problems.append(f"option {o['id']}: {o['count']} != {stored.options.get(o['id'])}")
    return problems


def _summary(timings: Sequence[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(percentile(timings, 95), 2),
        "min_ms": round(min(timings), 2),
        "max_ms": round(max(timings), 2),
    }


# --- the run -----------------------------------------------------------------------------


def build(settings: Settings, args: argparse.Namespace) -> tuple[Layout, dict[str, Any]]:
    """Migrate, create the consultation, bulk-load, set counters, add the service sample."""
    init_db(settings)
    layout = make_consultation(settings)
    sample = min(args.sample, args.answers // (4 * len(layout.questions)))
    bulk = args.answers - sample * len(layout.questions)
    totals, rng = Totals(), random.Random(args.seed)
    stamp = datetime.now(UTC) - timedelta(days=1)
    started = time.perf_counter()
    loader = load_postgresql if settings.engine == "postgresql" else load_sqlite
    loader(settings.database_url, generate(layout, bulk, rng, stamp, totals))
    set_counters(settings.database_url, layout, totals)
    load_s = time.perf_counter() - started
    log(f"{settings.engine}: bulk-loaded {bulk:,} answers in {load_s:.1f} s")
    started = time.perf_counter()
    submissions = answer_through_service(settings, layout, sample, args.seed + 1)
    service_s = time.perf_counter() - started
    log(f"{settings.engine}: {submissions:,} submissions through the service in {service_s:.1f} s")
    analyse(settings)
    return layout, {
        "bulk_answers": bulk,
        "bulk_participants": totals.participants,
        "bulk_load_s": round(load_s, 1),
        "service_participants": sample,
        "service_submissions": submissions,
        "service_s": round(service_s, 1),
    }


def run_engine(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    with bench_settings(engine, args.pg_url) as settings:
        log(f"{engine}: preparing {args.answers:,} answers")
        layout, built = build(settings, args)
        test_client, results = via_test_client(settings, layout.slug, args.warmup, args.repeat)
        served, healthz, served_results = via_gunicorn(
            settings, layout.slug, args.warmup, args.repeat
        )
        stored = stored_counts(settings.database_url, layout)
        problems = compare(results, stored) + compare(served_results, stored)
        total_answers = sum(stored.questions.values())
        report = {
            "engine": engine,
            **built,
            "stored_answers": total_answers,
            "stored_choices": sum(stored.options.values()),
            "respondents": stored.respondents,
            "test_client": _summary(test_client),
            "gunicorn": _summary(served),
            "gunicorn_healthz": _summary(healthz),
            "group_by_scan_ms": round(stored.scan_ms, 1),
            "count_mismatches": problems,
            "counts_match": not problems and total_answers == args.answers,
        }
        report["target_met"] = (
            report["counts_match"] and report["gunicorn"]["median_ms"] < TARGET_MEDIAN_MS
        )
        return report


def print_report(reports: list[dict[str, Any]]) -> None:
    headers = [
        "engine",
        "answers stored",
        "choices stored",
        "bulk load s",
        "test client median / p95 ms",
        "gunicorn median / p95 ms",
        "same server /healthz median ms",
        "GROUP BY scan ms",
        "counts = COUNT(*)",
        f"target median <{TARGET_MEDIAN_MS:g} ms",
    ]
    rows = [
        [
            r["engine"],
            f"{r['stored_answers']:,}",
            f"{r['stored_choices']:,}",
            r["bulk_load_s"],
            f"{r['test_client']['median_ms']} / {r['test_client']['p95_ms']}",
            f"{r['gunicorn']['median_ms']} / {r['gunicorn']['p95_ms']}",
            r["gunicorn_healthz"]["median_ms"],
            r["group_by_scan_ms"],
            "yes" if r["counts_match"] else "NO",
            "met" if r["target_met"] else "MISSED",
        ]
        for r in reports
    ]
    print(format_table(headers, rows))
    for r in reports:
        for problem in r["count_mismatches"][:20]:
            print(f"{r['engine']}: {problem}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="postgresql")
    parser.add_argument("--answers", type=int, default=1_000_000, help="stored answers in total")
    parser.add_argument("--sample", type=int, default=1000, help="participants via the service")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests first")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL, help="admin URL for CREATE DATABASE")
    args = parser.parse_args()
    if not 100 <= args.answers <= 20_000_000 or args.repeat < 1 or args.sample < 0:
        parser.error("--answers must be in [100, 20,000,000], --repeat at least 1")
    return args


def main() -> int:
    args = parse_args()
    facts = environment_facts(args.pg_url)
    reports = [run_engine(engine, args) for engine in engines_from(args.engine)]
    print_report(reports)
    path = write_json(
        "results_at_scale", {"settings": vars(args), "environment": facts, "runs": reports}
    )
    print(f"\nJSON: {path}")
    return 0 if all(r["target_met"] for r in reports) else 1


if __name__ == "__main__":
    raise SystemExit(main())
