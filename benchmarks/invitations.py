"""Invitations: choosing and queueing for 100,000 subscribers, Telegram delivery with four
workers inside quiet hours, and Web Push to a local fake push service.

1. ``queue``: 100,000 opted-in subscribers (mixed areas, age bands, languages, channels;
   10% already had two invitations this week) and one invitation to three of six areas,
   chosen and queued by ``queue_invitation`` (one INSERT … SELECT). Target: under 5 s on
   PostgreSQL, and the number queued equal to the count worked out in Python.
2. ``telegram``: an invitation to ``--telegram-count`` Telegram subscribers delivered by four
   ``youthvoice deliver`` workers (sharing Telegram's limits through Redis) to the fake Bot
   API, which enforces 30 messages/s, with quiet hours set to end at the next minute: nothing
   may be sent before they end. Target: >= 28 messages/s once sending starts, 0 duplicates,
   0 lost.
3. ``webpush``: "you said, we did" to ``--push-count`` browser subscriptions delivered by one
   ``youthvoice deliver-web`` worker to the fake push service, which checks each VAPID
   signature and decrypts each message. Target: >= 200 notifications/s, 0 lost.

    .venv/bin/python benchmarks/invitations.py                       # all three, PostgreSQL
    .venv/bin/python benchmarks/invitations.py --parts queue,webpush --engine sqlite
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

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

# Keys of the council's list (a participant's area references it): five districts, a ward.
AREAS = ["st1", "st2", "st3", "st4", "st6", "tunstall"]
BANDS = ["11-13", "14-15", "16-17", "18-21", "22-25", None]
LANGS = [None, None, None, "pl", "ur"]
QUEUE_TARGET_S = 5.0
TELEGRAM_TARGET = 28.0
PUSH_TARGET = 200.0
EASY = "Tell us what you think about the park. It takes two minutes."


def _spec():  # type: ignore[no-untyped-def]
    from consultations import services

    return services.QuestionSpec(
        services.QuestionKind.SINGLE_CHOICE, "Which day?", required=True, options=["A", "B"]
    )


def add_people(count: int, *, channel: str, seed: int, push: list[dict] | None = None) -> dict:  # type: ignore[type-arg]
    """``count`` opted-in subscribers in bulk; their profile per participant id."""
    from sqlalchemy import insert, select

    from consultations.db import db
    from consultations.models import Participant
    from feedback.models import Subscription

    rng = random.Random(seed)
    run = uuid.uuid4().hex[:8]
    rows = [
        {
            "pseudonym": f"inv-{run}-{i}",
            "channel": channel,
            "area": rng.choice(AREAS),
            "age_band": rng.choice(BANDS),
        }
        for i in range(count)
    ]
    for start in range(0, count, 5000):
        db.session.execute(insert(Participant), rows[start : start + 5000])
    found = db.session.execute(
        select(Participant.id, Participant.area, Participant.age_band)
        .where(Participant.pseudonym.like(f"inv-{run}-%"))
        .order_by(Participant.id)
    ).all()
    now = datetime.now(UTC)
    subs = []
    for n, (pid, _, _) in enumerate(found):
        row = {
            "participant_id": pid,
            "channel": channel,
            "address": str(10_000_000 + pid),
            "active": True,
            "language": rng.choice(LANGS),
            "created_at": now,
            "changed_at": now,
        }
        if push is not None:
            import json

            row["address"] = push[n]["endpoint"]
            row["push_keys"] = json.dumps(push[n]["keys"])
        subs.append(row)
    for start in range(0, len(subs), 5000):
        db.session.execute(insert(Subscription), subs[start : start + 5000])
    db.session.commit()
    languages = {s["participant_id"]: s["language"] or "en" for s in subs}
    return {pid: (area, band, languages[pid]) for pid, area, band in found}


def cap_some(people: dict, share: float, seed: int) -> set[int]:  # type: ignore[type-arg]
    """Two invitations this week for ``share`` of them: the cap keeps them out."""
    from sqlalchemy import insert

    from consultations.db import db
    from feedback.models import OutboxMessage, OutboxStatus

    rng = random.Random(seed)
    capped = {pid for pid in people if rng.random() < share}
    now = datetime.now(UTC) - timedelta(days=2)
    rows = [
        {
            "idempotency_key": f"earlier-{n}:{pid}",
            "participant_id": pid,
            "channel": "telegram",
            "kind": "invitation",
            "text": "An earlier invitation",
            "status": OutboxStatus.SENT,
            "attempts": 1,
            "available_at": now,
            "created_at": now,
        }
        for pid in capped
        for n in range(2)
    ]
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(OutboxMessage), rows[start : start + 5000])
    db.session.commit()
    return capped


def queue_part(engine: str, pg_url: str, count: int) -> dict[str, object]:
    from consultations.db import db
    from feedback import invitations
    from feedback.invitations import Audience, Links

    with bench_settings(engine, pg_url) as settings:
        init_db(settings)
        with app_context(settings):
            consultation = open_consultation("invite-bench", [_spec()])
            log(f"adding {count} subscribers")
            people = add_people(count, channel="telegram", seed=1)
            capped = cap_some(people, 0.10, seed=2)
            # Named as an officer types them; they resolve to the keys st1, st6, st3.
            chosen = ("Hanley", "Burslem", "Longton")
            keys = {"st1", "st6", "st3"}
            expected = sum(
                1 for pid, (area, _, _) in people.items() if area in keys and pid not in capped
            )
            now = datetime.now(UTC)
            invitation = invitations.create_invitation(
                None,
                consultation,
                texts={"en": EASY},
                audience=Audience(areas=chosen),
                now=now,
                per_week=2,
            )
            db.session.commit()
            started = time.perf_counter()
            written = invitations.queue_invitation(
                invitation,
                now=now,
                links=lambda c: Links("http://127.0.0.1/c/x", "https://t.me/bench_bot?start=c_x"),
                per_week=2,
            )
            db.session.commit()
            seconds = time.perf_counter() - started
            return {
                "part": "queue",
                "engine": engine,
                "subscribers": count,
                "capped": len(capped),
                "expected": expected,
                "queued": written,
                "exact": written == expected,
                "seconds": round(seconds, 2),
                "ok": written == expected and (engine != "postgresql" or seconds < QUEUE_TARGET_S),
            }


def _pending() -> int:
    from sqlalchemy import func, select

    from consultations.db import db
    from feedback.models import OutboxMessage, OutboxStatus

    db.session.expire_all()
    query = select(func.count()).where(OutboxMessage.status == OutboxStatus.PENDING)
    return db.session.scalar(query) or 0


def telegram_part(engine: str, pg_url: str, count: int, redis_url: str) -> dict[str, object]:
    from consultations.db import db
    from feedback import invitations
    from feedback.invitations import Audience, Links
    from tests.fakes.telegram_server import FakeTelegramServer

    with bench_settings(engine, pg_url) as settings:
        init_db(settings)
        with app_context(settings):
            consultation = open_consultation("invite-telegram", [_spec()])
            people = add_people(count, channel="telegram", seed=3)
            now = datetime.now(UTC)
            invitation = invitations.create_invitation(
                None, consultation, texts={"en": EASY}, audience=Audience(), now=now
            )
            written = invitations.queue_invitation(
                invitation,
                now=now,
                links=lambda c: Links("http://127.0.0.1/c/x", "https://t.me/bench_bot?start=c_x"),
            )
            db.session.commit()
            log(f"{written} invitations queued")
            # Quiet hours from this minute to a minute's end at least 50 s away, so they are
            # still on when the workers are up (gunicorn and four workers take a while to
            # start on a busy machine): the run starts inside them.
            zone = ZoneInfo("Europe/London")
            local = datetime.now(zone)
            quiet_end = (local + timedelta(seconds=50 + 60)).replace(second=0, microsecond=0)
            quiet = f"{local:%H:%M}-{quiet_end:%H:%M}"
            settings = replace(
                settings, extra_env=(*settings.extra_env, ("YOUTHVOICE_QUIET_HOURS", quiet))
            )
            with FakeTelegramServer() as telegram, gunicorn(settings, workers=2) as server:
                telegram.set_global_rate_limit(30)
                token = f"{time.time_ns() % 10**9}:bench"
                telegram.token = token
                env = {
                    **settings.env(),
                    "TELEGRAM_BOT_TOKEN": token,
                    "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{telegram.port}",
                    "YOUTHVOICE_API_URL": server.base_url,
                    "REDIS_URL": redis_url,
                }

                def start() -> subprocess.Popen[bytes]:
                    return subprocess.Popen(
                        [str(VENV_BIN / "youthvoice"), "deliver"],
                        env=env,
                        cwd=REPO_ROOT,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )

                procs = [start() for _ in range(4)]
                restarts = 0
                began_mono = time.monotonic()
                deadline = time.monotonic() + 120 + count / TELEGRAM_TARGET * 2 + 60
                try:
                    while _pending() and time.monotonic() < deadline:
                        time.sleep(1.0)
                        # A worker whose start-up check timed out on a busy machine exits;
                        # started again, as a process manager (or compose) would.
                        for n, worker in enumerate(procs):
                            if worker.poll() is not None:
                                procs[n] = start()
                                restarts += 1
                finally:
                    for worker in procs:
                        worker.terminate()
                    for worker in procs:
                        worker.wait(timeout=30)
                left = _pending()
                per_chat = Counter(len(telegram.messages_to(10_000_000 + pid)) for pid in people)
                # Every attempt, refused ones too, for quiet hours; accepted ones for the rate.
                attempts = sorted(telegram.send_message_times)
                times = sorted(t for _, t in telegram.accepted_sends)
                first_send = times[0] if times else float("nan")
                # The fake server stamps sends with time.monotonic(); the quiet end is wall time.
                quiet_end_mono = time.monotonic() - (time.time() - quiet_end.timestamp())
                duration = times[-1] - times[0] if len(times) > 1 else float("nan")
                delivered = sum(n * k for n, k in per_chat.items())
                rate = (delivered - 1) / duration if delivered > 1 else 0.0
                in_quiet = sum(1 for t in attempts if t < quiet_end_mono - 0.5)
                return {
                    "part": "telegram",
                    "engine": engine,
                    "workers": 4,
                    "subscribers": count,
                    "delivered": delivered,
                    "duplicates": sum((n - 1) * k for n, k in per_chat.items() if n > 1),
                    "lost": per_chat[0],
                    "still_pending": left,
                    "sent_in_quiet_hours": in_quiet,
                    # Seconds from the start of the run to the first send, and from the end of
                    # quiet hours to it (never negative when they were kept).
                    "first_send_after_start_s": round(first_send - began_mono, 1),
                    "first_send_after_quiet_end_s": round(first_send - quiet_end_mono, 1),
                    "messages_per_s": round(rate, 2),
                    "rejected_429": telegram.violations,
                    # Where a pause went: the longest wait between two accepted sends.
                    "longest_gap_s": round(max((b - a for a, b in pairwise(times)), default=0), 2),
                    "worker_restarts": restarts,
                    "ok": rate >= TELEGRAM_TARGET
                    and per_chat[0] == 0
                    and all(n <= 1 for n in per_chat)
                    and in_quiet == 0
                    and left == 0,
                }


def webpush_part(engine: str, pg_url: str, count: int) -> dict[str, object]:
    from consultations.db import db
    from consultations.models import Participation
    from feedback import outcomes
    from tests.fakes.push_service import FakePushService

    push = FakePushService()
    try:
        with bench_settings(engine, pg_url) as settings:
            init_db(settings)
            settings = replace(
                settings,
                extra_env=(*settings.extra_env, ("YOUTHVOICE_WEB_PUSH_HOSTS", "127.0.0.1")),
            )
            with app_context(settings):
                from sqlalchemy import insert

                from consultations import services

                consultation = open_consultation("push-bench", [_spec()])
                subs = [push.subscribe() for _ in range(count)]
                people = add_people(count, channel="web", seed=4, push=subs)
                now = datetime.now(UTC)
                db.session.execute(
                    insert(Participation),
                    [
                        {
                            "consultation_id": consultation.id,
                            "participant_id": pid,
                            "channel": "web",
                            "created_at": now,
                        }
                        for pid in people
                    ],
                )
                services.close_consultation(consultation, now=now)
                outcomes.save_you_said(None, consultation, "You want clubs open later.", now=now)
                outcomes.add_we_did(
                    None, consultation, action="Open late", partner="Youth Service", now=now
                )
                queued = outcomes.publish_feedback(None, consultation, now=now, link="http://x/")
                db.session.commit()
                log(f"{queued} receipts queued for browsers")
                began = time.perf_counter()
                worker = subprocess.Popen(
                    [str(VENV_BIN / "youthvoice"), "deliver-web", "--idle", "0.2"],
                    env=settings.env(),
                    cwd=REPO_ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                deadline = time.monotonic() + 60 + count / 50
                try:
                    while _pending() and time.monotonic() < deadline:
                        time.sleep(0.2)
                    seconds = time.perf_counter() - began
                finally:
                    worker.terminate()
                    worker.wait(timeout=30)
                got = Counter(len(push.payloads_for(s)) for s in subs)
                delivered = sum(n * k for n, k in got.items())
                rate = delivered / seconds if seconds else 0.0
                return {
                    "part": "webpush",
                    "engine": engine,
                    "subscriptions": count,
                    "delivered_and_decrypted": delivered,
                    "lost": got[0],
                    "duplicates": sum((n - 1) * k for n, k in got.items() if n > 1),
                    "refused_by_push_service": len(push.refused),
                    "seconds": round(seconds, 2),
                    "notifications_per_s": round(rate, 1),
                    "ok": rate >= PUSH_TARGET and got[0] == 0 and not push.refused,
                }
    finally:
        push.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default="queue,telegram,webpush")
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL, help="PostgreSQL admin URL")
    parser.add_argument("--count", type=int, default=100_000, help="subscribers to choose from")
    parser.add_argument("--telegram-count", type=int, default=3_000)
    parser.add_argument("--push-count", type=int, default=3_000)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    args = parser.parse_args()
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    results = []
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    if "queue" in parts:
        results.append(queue_part(args.engine, args.pg_url, args.count))
    if "telegram" in parts:
        results.append(telegram_part(args.engine, args.pg_url, args.telegram_count, args.redis_url))
    if "webpush" in parts:
        results.append(webpush_part(args.engine, args.pg_url, args.push_count))
    for result in results:
        print(format_table(list(result), [list(result.values())]))
    path = write_json(
        "invitations", {"results": results, "environment": environment_facts(args.pg_url)}
    )
    log(f"wrote {path}")
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
