"""Several delivery workers, one truth: shared Telegram limits through Redis, one copy each.

Needs the Redis server on 127.0.0.1:6379 that deployments (and CI's machines) run; the
limits are shared only through it.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import ExitStack

import pytest
from sqlalchemy import func, select

from bot.delivery import SharedPacer
from consultations.db import db
from feedback import notices
from feedback.models import OutboxMessage, OutboxStatus, Subscription
from tests.bot.support import add_subscribers
from tests.conftest import CHANNEL_TOKENS
from tests.fakes.telegram_server import DEFAULT_TOKEN, ApiError, FakeTelegramServer
from tests.helpers import make_consultation, now

REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _redis_up(), reason="needs Redis on 127.0.0.1:6379")


def test_workers_sharing_redis_never_plan_more_than_the_cap_in_any_second():
    token = f"{uuid.uuid4().int % 10**9}:shared-test"
    chats = [str(1000 + i) for i in range(60)]

    async def run() -> tuple[list[int], list[int]]:
        pacers = [SharedPacer(REDIS_URL, token, rate=29, per_chat=1.05) for _ in range(3)]
        try:
            # Three workers asking at once: 60 different chats, and one chat asked by all.
            jobs = [p.reserve(chat) for chat in chats for p in pacers[:1]]
            jobs += [pacers[i % 3].reserve("42") for i in range(6)]
            jobs += [pacers[1].reserve(chat) for chat in chats[:30]]
            slots = await asyncio.gather(*jobs)
        finally:
            for p in pacers:
                await p.aclose()
        everything = sorted(s for s, _ in slots)
        one_chat = sorted(s for s, _ in slots[60:66])
        return everything, one_chat

    everything, one_chat = asyncio.run(run())
    assert len(everything) == 96
    # Never more than 30 send slots in any 1-second window, across every worker.
    windows = zip(everything, everything[30:], strict=False)
    assert all(later - first >= 1000 for first, later in windows)
    # One chat: at least 1.05 s between its sends, whichever worker sends them.
    assert all(b - a >= 1050 for a, b in itertools.pairwise(one_chat))


def test_a_429_seen_by_one_worker_pauses_them_all():
    token = f"{uuid.uuid4().int % 10**9}:pause-test"

    async def run() -> tuple[int, int, int]:
        one, two = (SharedPacer(REDIS_URL, token, rate=29, per_chat=1.05) for _ in range(2))
        try:
            before, now_ms = await one.reserve("1")
            await one.pause(3.0)
            after, _ = await two.reserve("2")
            return before, after, now_ms
        finally:
            await one.aclose()
            await two.aclose()

    _, after, now_ms = asyncio.run(run())
    assert after - now_ms >= 2900  # the other worker waits out the pause too


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "webapp.cli", "deliver", "--lease-seconds", "5"]
    command += ["--idle-seconds", "0.2", "--batch", "40"]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def test_three_workers_killed_at_random_deliver_exactly_one_copy_each(backend_url, tmp_path):
    consultation = make_consultation(slug="city-wide")
    addresses = add_subscribers(consultation, 240)
    assert notices.close_and_notify(consultation, now=now(), link="http://testserver/r") == 240
    db.session.commit()
    token = f"{uuid.uuid4().int % 10**9}:{DEFAULT_TOKEN.split(':', 1)[1]}"
    instance = tmp_path / "instance"  # shared by the workers, as a compose volume would be

    def env_for(server: FakeTelegramServer) -> dict[str, str]:
        return {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": token,
            "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{server.port}",
            "YOUTHVOICE_API_URL": backend_url,
            "YOUTHVOICE_CHANNEL_TOKENS": f"telegram:{CHANNEL_TOKENS['telegram']}",
            "YOUTHVOICE_INSTANCE": str(instance),
            "REDIS_URL": REDIS_URL,
        }

    # Each worker talks to its own fake Bot API server, so a killed worker's unfinished
    # requests can be failed exactly (a real crash loses them the same way).
    with ExitStack() as stack:
        servers = [
            stack.enter_context(FakeTelegramServer(token=token, max_poll_wait=0.5))
            for _ in range(4)
        ]
        workers = [_worker(env_for(s)) for s in servers[:3]]
        victims = [workers[0], workers[1]]
        counts = [0, 0]
        lock = threading.Lock()

        engine = db.engine

        def settled(server: FakeTelegramServer) -> bool:
            """Everything this server accepted has been acknowledged by its worker."""
            chats = [a for a in addresses if server.messages_to(int(a))]
            with engine.connect() as conn:
                done = conn.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .join(Subscription, Subscription.participant_id == OutboxMessage.participant_id)
                    .where(
                        Subscription.address.in_(chats),
                        OutboxMessage.status == OutboxStatus.SENT,
                    )
                )
            return done == len(chats)

        def kill_after(index: int, at: int):  # type: ignore[no-untyped-def]
            def hook(chat_id: object) -> None:
                with lock:
                    counts[index] += 1
                    if counts[index] == at:
                        # Killed between sends: what Telegram accepted was acknowledged (the
                        # worker's journal covers a crash inside that last step; see the
                        # README), and everything leased but unsent must go exactly once.
                        deadline = time.monotonic() + 10
                        while not settled(servers[index]) and time.monotonic() < deadline:
                            time.sleep(0.02)
                        os.kill(victims[index].pid, signal.SIGKILL)
                    if counts[index] >= at:
                        raise ApiError(502, "Bad Gateway")

            return hook

        servers[0].before_send = kill_after(0, 25)
        servers[1].before_send = kill_after(1, 50)
        try:
            for victim in victims:
                assert victim.wait(timeout=60) == -signal.SIGKILL
            # A replacement starts, as a supervisor would; it shares the journal and Redis.
            workers.append(_worker(env_for(servers[3])))
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                db.session.expire_all()
                pending = select(func.count()).where(OutboxMessage.status == OutboxStatus.PENDING)
                if not db.session.scalar(pending):
                    break
                time.sleep(0.3)
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.send_signal(signal.SIGTERM)
            for worker in workers:
                worker.communicate(timeout=15)

        for address in addresses:
            copies = sum(len(s.messages_to(int(address))) for s in servers)
            assert copies == 1, (address, copies)
        sends = sorted(t for s in servers for t in s.send_message_times)
        accepted = sum(len(s.messages_to(int(a))) for s in servers for a in addresses)
        assert accepted == 240
        # Four workers over the run, one shared budget: the overall rate stays under 30/s.
        span = sends[-1] - sends[0]
        assert len(sends) / span <= 30.5, (len(sends), span)


def test_a_429_also_holds_sends_whose_slots_were_already_taken():
    """Sends in flight hold slots ahead; a pause stops them too, not only later ones."""
    token = f"{uuid.uuid4().int % 10**9}:held-test"

    async def run() -> tuple[float, float]:
        one, two = (SharedPacer(REDIS_URL, token, rate=29, per_chat=1.05) for _ in range(2))
        try:
            for n in range(15):  # other sends in flight: the grid is half a second ahead
                await one.reserve(str(n))
            started = time.monotonic()
            waiting = asyncio.create_task(two.wait("99"))
            await asyncio.sleep(0.05)  # its slot is taken, and it is waiting for it
            await one.pause(1.5)
            paused_at = time.monotonic()
            await waiting
            return started, time.monotonic() - paused_at
        finally:
            await one.aclose()
            await two.aclose()

    _, after_pause = asyncio.run(run())
    assert after_pause >= 1.4  # it did not go at its old slot, half a second in
