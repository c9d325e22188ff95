"""A city-wide consultation's traffic under gunicorn: throughput, latency, nothing lost, no leaks.

One fresh database (PostgreSQL by default) migrated with ``youthvoice init-db``, one open
consultation (single choice, 1-5 scale, free text) made through the services, and
``gunicorn -w 2``. A separate load-generator process on loopback then mixes, per action:

- **page**: a page view by a fresh visitor: the home page, the consultation page, the privacy
  page, or the results as a chat channel reads them (``GET /api/v1/…/results``);
- **web**: a web form submission as a browser makes it: ``GET /c/<slug>`` (session cookie and
  CSRF token), ``POST /c/<slug>``, follow the 303 to the thank-you page; acknowledged when the
  thank-you page is reached;
- **api**: ``POST /api/v1/consultations/<slug>/answers`` with a channel token, a new
  participant each time except about 10% re-answers, which must replace.

Load mode (default) keeps ``--concurrency`` actions in flight for ``--seconds``: the sustained
throughput. Soak mode (``--soak``) sends a constant ``--rate`` of actions per second for ten
minutes and samples the memory of the gunicorn master, each worker and the PostgreSQL backends
of the benchmark database every 10 s. Afterwards gunicorn is stopped and the database is read
with SQL to check that what was stored is exactly what was acknowledged.

    .venv/bin/python benchmarks/load.py                           # PostgreSQL, 60 s
    .venv/bin/python benchmarks/load.py --engine sqlite --seconds 10
    .venv/bin/python benchmarks/load.py --soak                    # 600 s at 20 actions/s
    .venv/bin/python benchmarks/load.py --soak 120 --rate 10
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import signal
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from multiprocessing import get_context
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx
from _common import (
    CHANNEL,
    DEFAULT_PG_URL,
    Settings,
    app_context,
    bench_settings,
    environment_facts,
    format_table,
    gunicorn,
    init_db,
    log,
    percentile,
    write_json,
)
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from vote_ingest import (
    _QUESTION_COUNTS,
    _RESPONDENTS,
    _TALLIES,
    ANSWERS_PER_REQUEST,
    Check,
    _make_consultation,
    _stored_rows,
)

KINDS = ("page", "web", "api")
WEB_CHANNEL = "web"
GROWTH_TARGET_PCT = 10.0
BUCKET_S = 10.0
# A page view is one of these, equally likely; "results" is what a chat channel shows.
PAGES = ("home", "consultation", "privacy", "results")
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@dataclass(frozen=True)
class Target:
    base_url: str
    token: str
    slug: str
    choice_question: int
    choice_options: tuple[int, ...]
    scale_question: int
    text_question: int


@dataclass(frozen=True)
class Plan:
    target: Target
    mix: tuple[float, float, float]  # weights of page, web, api
    seconds: float  # measured time, after the warm-up
    warmup: float
    concurrency: int
    rate: float | None  # actions/s (soak); None = as fast as ``concurrency`` allows
    reanswer: float


@dataclass
class KindStats:
    """What one kind of action did in the measured window."""

    actions: int = 0
    acknowledged: int = 0
    requests: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    post_ms: list[float] = field(default_factory=list)  # web: the POST alone

    def merge(self, other: KindStats) -> None:
        self.actions += other.actions
        self.acknowledged += other.acknowledged
        self.requests += other.requests
        self.errors.update(other.errors)
        self.latencies_ms.extend(other.latencies_ms)
        self.post_ms.extend(other.post_ms)


# A submission's content: (option id, scale value, free text).
Submission = tuple[int, int, str]


@dataclass
class LoadResult:
    kinds: dict[str, KindStats] = field(default_factory=lambda: {k: KindStats() for k in KINDS})
    api_expected: dict[str, Submission] = field(default_factory=dict)  # channel id -> last
    web_expected: dict[str, Submission] = field(default_factory=dict)  # session cookie -> sub
    reanswered: set[str] = field(default_factory=set)
    # per 10 s of the measured window: [actions, errors, latencies]
    buckets: dict[int, list[Any]] = field(default_factory=dict)
    elapsed_s: float = 0.0
    client_cpu_s: float = 0.0
    behind_s: float = 0.0  # rate mode: how late the last scheduled action started
    warmup_errors: Counter[str] = field(default_factory=Counter)  # count against the target
    page_ms: dict[str, list[float]] = field(default_factory=lambda: {p: [] for p in PAGES})

    def merge(self, other: LoadResult) -> None:
        for kind in KINDS:
            self.kinds[kind].merge(other.kinds[kind])
        self.api_expected.update(other.api_expected)
        self.web_expected.update(other.web_expected)
        self.reanswered |= other.reanswered
        for b, (n, e, lat) in other.buckets.items():
            mine = self.buckets.setdefault(b, [0, 0, []])
            mine[0] += n
            mine[1] += e
            mine[2].extend(lat)
        self.behind_s = max(self.behind_s, other.behind_s)
        self.warmup_errors.update(other.warmup_errors)
        for page, values in other.page_ms.items():
            self.page_ms[page].extend(values)


# --- the load generator (runs in its own process) -------------------------------------------


class _Slots:
    """Start times at a constant rate, shared by the threads: an open-loop schedule."""

    def __init__(self, start: float, rate: float) -> None:
        self._lock = threading.Lock()
        self._start, self._rate, self._n = start, rate, 0

    def next(self) -> float:
        with self._lock:
            self._n += 1
            return self._start + (self._n - 1) / self._rate


class _Failed(Exception):
    """An action that did not get the answer a user would expect; the reason is its kind."""


def _expect(response: httpx.Response, status: int) -> httpx.Response:
    if response.status_code != status:
        raise _Failed(f"HTTP {response.status_code}")
    return response


def _page(
    client: httpx.Client, plan: Plan, rng: random.Random, out: LoadResult, measured: bool
) -> int:
    t = plan.target
    page = rng.choice(PAGES)
    client.cookies.clear()  # a fresh visitor
    started = time.perf_counter()
    _visit(client, t, page)
    if measured:
        out.page_ms[page].append((time.perf_counter() - started) * 1000)
    return 1


def _visit(client: httpx.Client, t: Target, page: str) -> None:
    if page == "results":
        body = _expect(
            client.get(
                f"/api/v1/consultations/{t.slug}/results",
                headers={"Authorization": f"Bearer {t.token}"},
            ),
            200,
        ).json()
        if body.get("slug") != t.slug:
            raise _Failed("results: wrong body")
        return
    path = {"home": "/", "consultation": f"/c/{t.slug}", "privacy": "/privacy"}[page]
    _expect(client.get(path), 200)


def _web(
    client: httpx.Client, plan: Plan, rng: random.Random, out: LoadResult, measured: bool
) -> int:
    """A new browser: form page, POST, thank-you page. Acknowledged on the thank-you page."""
    t = plan.target
    client.cookies.clear()
    page = _expect(client.get(f"/c/{t.slug}"), 200)
    found = _CSRF.search(page.text)
    if not found:
        raise _Failed("no CSRF token")
    sub = (
        rng.choice(t.choice_options),
        rng.randint(1, 5),
        f"A place to go after school ({rng.random():.9f})",
    )
    form = {
        "csrf_token": found.group(1),
        f"q{t.choice_question}": str(sub[0]),
        f"q{t.scale_question}": str(sub[1]),
        f"q{t.text_question}": sub[2],
        "age_band": "",
        "area": "",
    }
    started = time.perf_counter()
    posted = client.post(f"/c/{t.slug}", data=form)
    if measured:
        out.kinds["web"].post_ms.append((time.perf_counter() - started) * 1000)
    _expect(posted, 303)
    location = posted.headers.get("location", "")
    if not location.endswith(f"/c/{t.slug}/thanks"):
        raise _Failed("redirect not to thank-you page")
    cookie = client.cookies.get("session")
    thanks = _expect(client.get(location), 200)
    if "your answers are in" not in thanks.text or not cookie:
        raise _Failed("thank-you page without thanks")
    out.web_expected[cookie] = sub
    return 3


def _api(
    client: httpx.Client, plan: Plan, rng: random.Random, out: LoadResult, tag: str, mine: list[str]
) -> int:
    t = plan.target
    again = bool(mine) and rng.random() < plan.reanswer
    pid = rng.choice(mine) if again else f"{tag}-{len(mine)}"
    sub = (rng.choice(t.choice_options), rng.randint(1, 5), f"More to do ({rng.random():.9f})")
    body = {
        "participant": {"channel": CHANNEL, "id": pid},
        "answers": [
            {"question_id": t.choice_question, "option_ids": [sub[0]]},
            {"question_id": t.scale_question, "value": sub[1]},
            {"question_id": t.text_question, "text": sub[2]},
        ],
    }
    response = _expect(
        client.post(
            f"/api/v1/consultations/{t.slug}/answers",
            json=body,
            headers={"Authorization": f"Bearer {t.token}"},
        ),
        200,
    )
    if response.json().get("saved") != ANSWERS_PER_REQUEST:
        raise _Failed("saved != 3")
    out.api_expected[pid] = sub
    if again:
        out.reanswered.add(pid)
    else:
        mine.append(pid)
    return 1


def _thread(
    plan: Plan, tag: str, measure_from: float, deadline: float, slots: _Slots | None
) -> LoadResult:
    out = LoadResult()
    rng = random.Random(tag)
    mine: list[str] = []
    with httpx.Client(base_url=plan.target.base_url, timeout=60) as client:
        while True:
            if slots is not None:
                due = slots.next()
                if due >= deadline:
                    break
                wait = due - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                else:
                    out.behind_s = max(out.behind_s, -wait)
            elif time.perf_counter() >= deadline:
                break
            kind = rng.choices(KINDS, weights=plan.mix)[0]
            started = time.perf_counter()
            measured = started >= measure_from
            stats = out.kinds[kind] if measured else KindStats()
            try:
                if kind == "page":
                    requests = _page(client, plan, rng, out, measured)
                elif kind == "web":
                    requests = _web(client, plan, rng, out, measured)
                else:
                    requests = _api(client, plan, rng, out, tag, mine)
                error = None
            except _Failed as failed:
                error, requests = str(failed), 1
            except httpx.HTTPError as exc:
                error, requests = type(exc).__name__, 1
            finished = time.perf_counter()
            latency = (finished - started) * 1000
            stats.actions += 1
            stats.requests += requests
            if error is None:
                stats.acknowledged += 1
                stats.latencies_ms.append(latency)
            else:
                stats.errors[error] += 1
                if not measured:
                    out.warmup_errors[f"{kind}: {error}"] += 1
            if measured:
                bucket = out.buckets.setdefault(
                    int((finished - measure_from) // BUCKET_S), [0, 0, []]
                )
                bucket[0] += 1
                bucket[1] += error is not None
                if error is None:
                    bucket[2].append(latency)
    return out


def generate_load(plan: Plan) -> LoadResult:
    """``plan.concurrency`` threads for warm-up + measured time; in-flight actions finish."""
    run = secrets.token_hex(3)
    started = time.perf_counter()
    measure_from = started + plan.warmup
    deadline = measure_from + plan.seconds
    slots = _Slots(started, plan.rate) if plan.rate else None
    results: list[LoadResult] = [LoadResult() for _ in range(plan.concurrency)]

    def work(i: int) -> None:
        results[i] = _thread(plan, f"{run}-{i}", measure_from, deadline, slots)

    cpu0 = time.process_time()
    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(len(results))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = LoadResult()
    for result in results:
        total.merge(result)
    total.elapsed_s = time.perf_counter() - measure_from
    total.client_cpu_s = time.process_time() - cpu0
    return total


def _child(plan: Plan, conn: Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop us
    conn.send(generate_load(plan))
    conn.close()


# --- memory sampling (in the main process) --------------------------------------------------


_RSS_FIELDS = ("VmRSS", "RssAnon", "RssFile", "RssShmem")


def _status_kb(pid: int) -> dict[str, int]:
    values: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in _RSS_FIELDS:
            values[name] = int(rest.split()[0])
    return values


def _processes(master: int, database: str | None) -> dict[int, str]:
    """gunicorn's master and its children, and the PostgreSQL backends serving ``database``."""
    found = {master: "gunicorn master"}
    marker = f" {database} ".encode() if database else None
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid = int(stat.parent.name)
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if ppid == master:
                found[pid] = "gunicorn worker"
            elif marker and marker in (stat.parent / "cmdline").read_bytes():
                found[pid] = "postgres backend"
        except (OSError, ValueError, IndexError):
            continue  # gone while we looked, or not ours to read
    return found


class Sampler:
    """RSS of every process of the deployment, and the load average, every ``every`` s."""

    def __init__(self, master: int, database: str | None, every: float) -> None:
        self.master, self.database, self.every = master, database, every
        self.samples: list[dict[str, Any]] = []
        self._stop = threading.Event()
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> Sampler:
        self._started = time.monotonic()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()  # the state at the end of the load

    def sample(self) -> None:
        processes: dict[str, dict[str, Any]] = {}
        for pid, role in _processes(self.master, self.database).items():
            try:
                status = _status_kb(pid)
            except (OSError, ValueError):
                continue
            if "VmRSS" in status:  # a zombie has none
                processes[str(pid)] = {"role": role, **status}
        self.samples.append(
            {
                "t": round(time.monotonic() - self._started, 1),
                "load_average": os.getloadavg(),
                "processes": processes,
            }
        )

    def _run(self) -> None:
        while True:
            self.sample()
            if self._stop.wait(self.every):
                return


def _judged_kb(proc: dict[str, Any]) -> int:
    """The memory a leak would grow: all of it for gunicorn; for a PostgreSQL backend, without
    the shared buffers it has touched (shared cache filling up is not the backend growing)."""
    if proc["role"] == "postgres backend":
        return int(proc["VmRSS"]) - int(proc.get("RssShmem", 0))
    return int(proc["VmRSS"])


def memory_report(samples: list[dict[str, Any]], warmup: float) -> dict[str, Any]:
    """Per process: RSS after warm-up and at the end, growth in %."""
    loads = [s["load_average"][0] for s in samples]
    spread = (min(loads), max(loads)) if loads else ()
    after = [s for s in samples if s["t"] >= warmup]
    if len(after) < 2:
        return {
            "processes": [],
            "max_growth_pct": None,
            "load_average_1min_min_max": spread,
            "samples": len(samples),
        }
    base, end = after[0], after[-1]
    rows = []
    for pid, proc in sorted(end["processes"].items(), key=lambda p: (p[1]["role"], int(p[0]))):
        first = base["processes"].get(pid)
        peak = max(_judged_kb(s["processes"][pid]) for s in after if pid in s["processes"])
        row: dict[str, Any] = {
            "pid": int(pid),
            "role": proc["role"],
            "rss_end_kb": proc["VmRSS"],
            "judged_end_kb": _judged_kb(proc),
            "judged_peak_kb": peak,
        }
        if first is not None:
            row["rss_warm_kb"] = first["VmRSS"]
            row["judged_warm_kb"] = _judged_kb(first)
            row["growth_pct"] = round(100 * (_judged_kb(proc) / _judged_kb(first) - 1), 1)
        else:
            row["growth_pct"] = None  # started after the warm-up (e.g. a new pool connection)
        rows.append(row)
    growths = [r["growth_pct"] for r in rows if r["growth_pct"] is not None]
    return {
        "baseline_t": base["t"],
        "end_t": end["t"],
        "processes": rows,
        "max_growth_pct": max(growths, default=None),
        "load_average_1min_min_max": spread,
        "samples": len(samples),
    }


# --- verification (in the main process, after gunicorn stopped) -----------------------------


def _web_tokens(settings: Settings, cookies: dict[str, Submission]) -> dict[str, Submission]:
    """The participant token inside each acknowledged browser's signed session cookie."""
    with app_context(settings) as app:
        serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        return {serializer.loads(c)["participant"]: sub for c, sub in cookies.items()}


def verify(settings: Settings, info: dict[str, Any], result: LoadResult) -> tuple[list[Check], int]:
    """The database, read directly with SQL, against what the server acknowledged."""
    from consultations.pseudonym import pseudonym

    key = settings.pseudonym_key.encode()
    expected: dict[str, Submission] = {
        pseudonym(key, CHANNEL, pid): sub for pid, sub in result.api_expected.items()
    }
    for token, sub in _web_tokens(settings, result.web_expected).items():
        expected[pseudonym(key, WEB_CHANNEL, token)] = sub
    tallies_expected: Counter[int] = Counter()
    for option_id, value, _ in expected.values():
        tallies_expected[option_id] += 1
        tallies_expected[info["scale_options"][value]] += 1
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
        Check("participants stored = acknowledged (web + API)", n, len(stored)),
        Check("answers stored = acknowledged", ANSWERS_PER_REQUEST * n, answer_rows),
        Check("acknowledged but not stored (lost)", 0, len(expected.keys() - stored.keys())),
        Check("stored but never acknowledged", 0, len(stored.keys() - expected.keys())),
        Check(
            "stored answer differs from last acknowledged",
            0,
            sum(tuple(stored.get(a, ())) != e for a, e in expected.items()),
        ),
        Check(
            "answers replaced (API re-answers)",
            ANSWERS_PER_REQUEST * len(result.reanswered),
            replaced,
        ),
        Check("options whose tally != COUNT(answer_choice)", 0, sum(r[1] != r[2] for r in tallies)),
        Check(
            "options whose tally != acknowledged choices",
            0,
            sum(r[1] != tallies_expected.get(r[0], 0) for r in tallies),
        ),
        Check(
            "questions whose answer_count != COUNT(answer)", 0, sum(r[1] != r[2] for r in questions)
        ),
        Check("respondent_count = participations", participations, respondents),
        Check("participants = participations", participations, participants),
    ]
    return checks, answer_rows


# --- reporting -------------------------------------------------------------------------------


def _ms(values: list[float], pct: float) -> float:
    return round(percentile(values, pct), 1) if values else 0.0


def summarise(
    args: argparse.Namespace,
    result: LoadResult,
    checks: list[Check],
    stored: int,
    memory: dict[str, Any],
    loads: tuple[tuple[float, ...], tuple[float, ...]],
) -> dict[str, Any]:
    elapsed = result.elapsed_s or 1.0
    kinds: dict[str, Any] = {}
    for kind, s in result.kinds.items():
        kinds[kind] = {
            "actions": s.actions,
            "acknowledged": s.acknowledged,
            "actions_per_s": round(s.actions / elapsed, 2),
            "http_requests_per_s": round(s.requests / elapsed, 2),
            "p50_ms": _ms(s.latencies_ms, 50),
            "p95_ms": _ms(s.latencies_ms, 95),
            "p99_ms": _ms(s.latencies_ms, 99),
            "errors": dict(s.errors),
        }
    web = result.kinds["web"]
    kinds["page"]["by_page_p50_p95_ms"] = {
        page: (_ms(values, 50), _ms(values, 95)) for page, values in result.page_ms.items()
    }
    kinds["web"]["post_p50_ms"] = _ms(web.post_ms, 50)
    kinds["web"]["post_p95_ms"] = _ms(web.post_ms, 95)
    kinds["web"]["post_p99_ms"] = _ms(web.post_ms, 99)
    every = [v for s in result.kinds.values() for v in s.latencies_ms]
    actions = sum(s.actions for s in result.kinds.values())
    errors = sum(sum(s.errors.values()) for s in result.kinds.values())
    errors += sum(result.warmup_errors.values())
    submissions_per_s = (web.actions + result.kinds["api"].actions) / elapsed
    acknowledged_answers = ANSWERS_PER_REQUEST * (
        len(result.api_expected) + len(result.web_expected)
    )
    timeline = [
        {
            "from_s": b * BUCKET_S,
            "actions_per_s": round(n / BUCKET_S, 2),
            "errors": e,
            "p95_ms": _ms(lat, 95),
        }
        for b, (n, e, lat) in sorted(result.buckets.items())
    ]
    nothing_lost = all(c.ok for c in checks)
    growth = memory.get("max_growth_pct")
    memory_ok = not args.soak or (growth is not None and growth <= GROWTH_TARGET_PCT)
    return {
        "mode": "soak" if args.soak else "load",
        "engine": args.engine,
        "gunicorn_workers": args.workers,
        "concurrency": args.concurrency,
        "rate_actions_per_s": args.rate,
        "mix_page_web_api": args.mix,
        "measured_s": round(elapsed, 1),
        "warmup_s": args.warmup,
        "kinds": kinds,
        "total": {
            "actions": actions,
            "actions_per_s": round(actions / elapsed, 2),
            "http_requests_per_s": round(
                sum(s.requests for s in result.kinds.values()) / elapsed, 2
            ),
            "submissions_per_s": round(submissions_per_s, 2),
            "p50_ms": _ms(every, 50),
            "p95_ms": _ms(every, 95),
            "p99_ms": _ms(every, 99),
            "errors": errors,
        },
        "warmup_errors": dict(result.warmup_errors),
        "schedule_behind_max_s": round(result.behind_s, 2),
        "client_cpu_s": round(result.client_cpu_s, 1),
        "acknowledged_answers": acknowledged_answers,
        "stored_answers": stored,
        "reanswered_participants": len(result.reanswered),
        "checks": [{**asdict(c), "ok": c.ok} for c in checks],
        "nothing_lost": nothing_lost,
        "load_average_start": loads[0],
        "load_average_end": loads[1],
        "memory": memory,
        "timeline": timeline,
        "target_met": errors == 0 and nothing_lost and memory_ok,
    }


def _errors(counts: dict[str, int]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "0"


def _avg(values: tuple[float, ...] | list[float]) -> str:
    return " / ".join(f"{v:.1f}" for v in values)


def print_report(r: dict[str, Any]) -> None:
    t = r["total"]
    head = ["kind", "actions", "actions/s", "HTTP req/s", "p50 ms", "p95 ms", "p99 ms", "errors"]
    rows = [
        [
            kind,
            k["actions"],
            k["actions_per_s"],
            k["http_requests_per_s"],
            k["p50_ms"],
            k["p95_ms"],
            k["p99_ms"],
            _errors(k["errors"]),
        ]
        for kind, k in r["kinds"].items()
    ]
    rows.append(
        [
            "total",
            t["actions"],
            t["actions_per_s"],
            t["http_requests_per_s"],
            t["p50_ms"],
            t["p95_ms"],
            t["p99_ms"],
            t["errors"],
        ]
    )
    pace = f"{r['rate_actions_per_s']} actions/s" if r["rate_actions_per_s"] else "saturation"
    print(
        f"{r['mode']} on {r['engine']}, gunicorn -w {r['gunicorn_workers']},"
        f" {r['concurrency']} client threads, {pace}, mix page/web/api {r['mix_page_web_api']},"
        f" {r['measured_s']} s measured after {r['warmup_s']} s warm-up"
    )
    print(format_table(head, rows))
    w = r["kinds"]["web"]
    print(
        f"web POST alone: p50 {w['post_p50_ms']} / p95 {w['post_p95_ms']} /"
        f" p99 {w['post_p99_ms']} ms; submissions (web + API) {t['submissions_per_s']}/s"
    )
    pages = r["kinds"]["page"]["by_page_p50_p95_ms"]
    print("page views p50 / p95 ms: " + ", ".join(f"{p} {a} / {b}" for p, (a, b) in pages.items()))
    print(
        f"answers acknowledged / stored: {r['acknowledged_answers']} / {r['stored_answers']}"
        f" ({r['reanswered_participants']} API re-answers)"
    )
    during = r["memory"].get("load_average_1min_min_max")
    print(
        f"load average (1, 5, 15 min) start {_avg(r['load_average_start'])},"
        f" end {_avg(r['load_average_end'])}; 1 min during the run {_avg(during or ())}"
    )
    print(
        format_table(
            ["check", "expected", "actual", "ok"],
            [
                [c["name"], c["expected"], c["actual"], "yes" if c["ok"] else "NO"]
                for c in r["checks"]
            ],
        )
    )
    mem = r["memory"]
    if r["mode"] == "soak" and mem["processes"]:
        print(
            f"\nMemory (kB; gunicorn VmRSS, PostgreSQL backends VmRSS − RssShmem), after warm-up"
            f" (t={mem['baseline_t']} s) and at the end (t={mem['end_t']} s);"
            f" load average (1 min) {mem['load_average_1min_min_max']}"
        )
        print(
            format_table(
                ["pid", "role", "after warm-up", "end", "peak", "growth %", "VmRSS end"],
                [
                    [
                        p["pid"],
                        p["role"],
                        p.get("judged_warm_kb", "-"),
                        p["judged_end_kb"],
                        p["judged_peak_kb"],
                        "new" if p["growth_pct"] is None else p["growth_pct"],
                        p["rss_end_kb"],
                    ]
                    for p in mem["processes"]
                ],
            )
        )
        print(f"largest growth: {mem['max_growth_pct']}% (target ≤ {GROWTH_TARGET_PCT:g}%)")
    print("\ntarget " + ("met" if r["target_met"] else "MISSED"))


# --- the run ---------------------------------------------------------------------------------


def _drive(plan: Plan, sampler: Sampler | None) -> LoadResult:
    """The load generator in a spawned process; stopped however this ends."""
    ctx = get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(plan, send), name="yv-load")
    child.start()
    send.close()
    if sampler:
        sampler.start()
    try:
        while not receive.poll(1):
            if not child.is_alive():
                raise RuntimeError(f"load generator exited with status {child.exitcode}")
        result: LoadResult = receive.recv()
        child.join(30)
        return result
    finally:
        if sampler:
            sampler.stop()
        if child.is_alive():
            child.terminate()
            child.join(10)


# Every simulated browser and chat user comes from 127.0.0.1 over plain http, so the run
# turns off secure-only cookies (a browser on http would not send them back either) and
# raises the limits that count per address or per channel token; the per-participant API
# answer limit stays as deployed, and the limiter still counts every request.
LOOPBACK_ENV = (
    ("YOUTHVOICE_SECURE_COOKIES", "0"),
    ("YOUTHVOICE_RATELIMIT_ANSWERS", "100000/minute"),
    ("YOUTHVOICE_RATELIMIT_API", "100000/minute"),
)


def run(args: argparse.Namespace) -> dict[str, Any]:
    with bench_settings(args.engine, args.pg_url) as base:
        settings = replace(base, extra_env=LOOPBACK_ENV)
        log(f"{args.engine}: migrating a fresh database with 'youthvoice init-db'")
        init_db(settings)
        info = _make_consultation(settings)
        loads_start = os.getloadavg()
        with gunicorn(settings, workers=args.workers) as server:
            plan = Plan(
                target=Target(
                    base_url=server.base_url,
                    token=settings.channel_token,
                    slug=info["slug"],
                    choice_question=info["choice_question"],
                    choice_options=info["choice_options"],
                    scale_question=info["scale_question"],
                    text_question=info["text_question"],
                ),
                mix=args.mix,
                seconds=args.seconds,
                warmup=args.warmup,
                concurrency=args.concurrency,
                rate=args.rate,
                reanswer=args.reanswer,
            )
            database = (
                make_url(settings.database_url).database if args.engine == "postgresql" else None
            )
            sampler = Sampler(server.pid, database, args.sample_every)
            pace = f"{args.rate:g} actions/s" if args.rate else f"{args.concurrency} threads"
            log(
                f"{args.engine}: {'soak' if args.soak else 'load'} at {pace}, mix {args.mix},"
                f" {args.warmup:g} s warm-up + {args.seconds:g} s"
            )
            result = _drive(plan, sampler)
        loads_end = os.getloadavg()
        log(f"{args.engine}: verifying the stored answers with SQL")
        checks, stored = verify(settings, info, result)
        memory = memory_report(sampler.samples, args.warmup)
        memory["samples_raw"] = sampler.samples
        return summarise(args, result, checks, stored, memory, (loads_start, loads_end))


def _mix(text: str) -> tuple[float, float, float]:
    parts = [float(p) for p in text.split(",")]
    if len(parts) != 3 or min(parts) < 0 or sum(parts) <= 0:
        raise argparse.ArgumentTypeError("three non-negative weights: page,web,api")
    return parts[0], parts[1], parts[2]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--seconds", type=float, default=60.0, help="measured load (load mode)")
    parser.add_argument(
        "--soak",
        type=float,
        nargs="?",
        const=600.0,
        default=None,
        metavar="SECONDS",
        help="soak at a constant rate for SECONDS (600 when given without a value)",
    )
    parser.add_argument("--soak-seconds", type=float, default=None, help="same as --soak N")
    parser.add_argument(
        "--rate", type=float, default=None, help="actions/s (soak default 20; load: saturation)"
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=None,
        help="untimed start (load 5 s; soak 10%% of the run, at most 60 s)",
    )
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--mix", type=_mix, default=(60.0, 20.0, 20.0), help="page,web,api")
    parser.add_argument("--reanswer", type=float, default=0.10, help="share of API re-answers")
    parser.add_argument("--sample-every", type=float, default=10.0, help="memory sampling, s")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL, help="admin URL for CREATE DATABASE")
    args = parser.parse_args()
    if args.soak_seconds is not None:
        args.soak = args.soak_seconds
    if args.soak is not None:
        if not 0 < args.soak <= 3600:
            parser.error("--soak must be in (0, 3600] seconds")
        args.rate = args.rate or 20.0
        args.warmup = args.warmup if args.warmup is not None else min(60.0, 0.1 * args.soak)
        args.seconds = args.soak - args.warmup
    else:
        args.warmup = 5.0 if args.warmup is None else args.warmup
    if not 0 < args.seconds <= 3600 or args.concurrency < 1 or args.warmup < 0:
        parser.error("--seconds must be in (0, 3600], --concurrency at least 1")
    if args.rate is not None and args.rate <= 0:
        parser.error("--rate must be positive")
    return args


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # so every ``finally`` runs: gunicorn stopped, database dropped


def main() -> int:
    signal.signal(signal.SIGTERM, _terminate)
    args = parse_args()
    facts = environment_facts(args.pg_url)
    report = run(args)
    print_report(report)
    name = "soak" if args.soak else "load"
    path = write_json(name, {"settings": vars(args), "environment": facts, "run": report})
    print(f"\nJSON: {path}")
    return 0 if report["target_met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
