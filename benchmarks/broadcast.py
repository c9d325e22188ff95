"""Broadcast: "results are out" to 20,000 subscribers through the delivery worker.

The real back end (gunicorn, migrated database) holds one closed consultation whose
subscribers each have one outbox row; the real worker (``youthvoice deliver``, its own
process, default limits) sends them to a local fake Telegram Bot API server that enforces
30 messages/s. Reports messages/s sustained against the 30/s cap (target >= 28/s),
duplicates and losses (both must be 0), 429s from the cap, and the worker's peak memory.

    .venv/bin/python benchmarks/broadcast.py                    # 20,000 (about 12 minutes)
    .venv/bin/python benchmarks/broadcast.py --count 600        # a quick try
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from _common import (
    DEFAULT_PG_URL,
    REPO_ROOT,
    VENV_BIN,
    app_context,
    bench_settings,
    environment_facts,
    format_table,
    gunicorn,
    init_db,
    log,
    open_consultation,
    write_json,
)

sys.path.insert(0, str(REPO_ROOT))

from tests.fakes.telegram_server import DEFAULT_TOKEN, FakeTelegramServer

TARGET_RATE = 28.0
CAP = 30


def add_subscribers(consultation_id: int, count: int) -> list[int]:
    """Opted-in participants who took part; returns their chat ids (bulk inserts)."""
    from sqlalchemy import insert, select

    from consultations.db import db
    from consultations.models import Participant, Participation
    from feedback.models import Subscription

    run = uuid.uuid4().hex[:8]
    db.session.execute(
        insert(Participant),
        [{"pseudonym": f"bench-{run}-{i}", "channel": "telegram"} for i in range(count)],
    )
    ids = list(
        db.session.scalars(
            select(Participant.id)
            .where(Participant.pseudonym.like(f"bench-{run}-%"))
            .order_by(Participant.id)
        )
    )
    db.session.execute(
        insert(Participation),
        [
            {"consultation_id": consultation_id, "participant_id": p, "channel": "telegram"}
            for p in ids
        ],
    )
    chats = [1_000_000 + i for i in range(count)]
    db.session.execute(
        insert(Subscription),
        [
            {"participant_id": p, "channel": "telegram", "address": str(c), "active": True}
            for p, c in zip(ids, chats, strict=True)
        ],
    )
    db.session.commit()
    return chats


def queue_results(slug: str) -> int:
    from consultations import queries
    from consultations.db import db
    from feedback import notices

    consultation = queries.consultation_by_slug(slug)
    written = notices.close_and_notify(
        consultation, now=datetime.now(UTC), link="http://127.0.0.1/c/" + slug
    )
    db.session.commit()
    return written


def pending() -> int:
    from sqlalchemy import func, select

    from consultations.db import db
    from feedback.models import OutboxMessage, OutboxStatus

    db.session.expire_all()
    query = select(func.count()).where(OutboxMessage.status == OutboxStatus.PENDING)
    return db.session.scalar(query) or 0


def peak_rss_mib(pid: int) -> float:
    """Peak resident memory (VmHWM) of a running process."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run(
    count: int, engine: str, pg_url: str, timeout: float, workers: int = 1, redis_url: str = ""
) -> dict[str, object]:
    with bench_settings(engine, pg_url) as settings:
        init_db(settings)
        with app_context(settings):
            from consultations import services

            spec = services.QuestionSpec(
                services.QuestionKind.SINGLE_CHOICE, "Which day?", required=True, options=["A", "B"]
            )
            consultation = open_consultation("broadcast-bench", [spec])
            log(f"adding {count} subscribers")
            chats = add_subscribers(consultation.id, count)
            written = queue_results("broadcast-bench")
            log(f"{written} outbox rows written")
            with FakeTelegramServer() as telegram, gunicorn(settings, workers=2) as server:
                telegram.set_global_rate_limit(CAP)
                env = {
                    **settings.env(),
                    "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
                    "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{telegram.port}",
                    "YOUTHVOICE_API_URL": server.base_url,
                }
                if redis_url:
                    # Several workers share Telegram's limits (and nothing else) through Redis.
                    env["REDIS_URL"] = redis_url
                    env["TELEGRAM_BOT_TOKEN"] = f"{time.time_ns() % 10**9}:bench"
                    telegram.token = env["TELEGRAM_BOT_TOKEN"]
                procs = [
                    subprocess.Popen(
                        [str(VENV_BIN / "youthvoice"), "deliver"],
                        env=env,
                        cwd=REPO_ROOT,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.PIPE,
                    )
                    for _ in range(workers)
                ]
                started = time.monotonic()
                peak = 0.0
                try:
                    while pending() and time.monotonic() - started < timeout:
                        peak = max(peak, *(peak_rss_mib(w.pid) for w in procs))
                        time.sleep(1.0)
                        if int(time.monotonic() - started) % 30 == 0:
                            log(f"{len(telegram.send_message_times)} sends so far")
                    peak = max(peak, *(peak_rss_mib(w.pid) for w in procs))
                finally:
                    for worker in procs:
                        worker.terminate()
                    for worker in procs:
                        worker.communicate(timeout=30)
                left = pending()
                accepted = Counter()
                for chat in chats:
                    accepted[len(telegram.messages_to(chat))] += 1
                times = sorted(telegram.send_message_times)
                attempts = len(times)
                delivered = sum(n * k for n, k in accepted.items())
                duration = times[-1] - times[0] if len(times) > 1 else float("nan")
                # Messages accepted per whole second, leaving out the first and last second.
                per_second = Counter(int(t - times[0]) for t in times)
                steady = [per_second[s] for s in range(1, int(duration))] or [0]
                return {
                    "engine": engine,
                    "workers": workers,
                    "subscribers": count,
                    "delivered": delivered,
                    "duplicates": sum((n - 1) * k for n, k in accepted.items() if n > 1),
                    "losses": accepted[0],
                    "still_pending": left,
                    "send_attempts": attempts,
                    "rejected_429": telegram.violations,
                    "seconds": round(duration, 1),
                    "messages_per_s": round((delivered - 1) / duration, 2) if delivered > 1 else 0,
                    "median_per_s": statistics.median(steady),
                    "max_in_any_1s": telegram.max_sends_in_window(1.0),
                    "worker_peak_rss_mib": round(peak, 1),
                }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000, help="subscribers (default 20000)")
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL, help="PostgreSQL admin URL")
    parser.add_argument(
        "--timeout", type=float, default=None, help="give up after this many seconds"
    )
    parser.add_argument("--workers", type=int, default=1, help="delivery workers (default 1)")
    parser.add_argument(
        "--redis-url",
        default="",
        help="share Telegram's limits between workers through this Redis (needed with --workers)",
    )
    args = parser.parse_args()
    if args.workers > 1 and not args.redis_url:
        parser.error("several workers need --redis-url to share Telegram's limits")
    timeout = args.timeout or args.count / TARGET_RATE * 1.5 + 60
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    result = run(args.count, args.engine, args.pg_url, timeout, args.workers, args.redis_url)
    facts = environment_facts(args.pg_url)
    print(format_table(list(result), [list(result.values())]))
    path = write_json("broadcast", {"result": result, "environment": facts})
    log(f"wrote {path}")
    ok = (
        result["messages_per_s"] >= TARGET_RATE  # type: ignore[operator]
        and result["duplicates"] == 0
        and result["losses"] == 0
        and result["still_pending"] == 0
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
