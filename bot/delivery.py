"""The delivery worker: sends what the back end's outbox holds for Telegram, then says so.

It runs as its own process with its own Bot instance, so a broadcast never queues in front
of a young person's live conversation. Per message: lease (through the API), send, then
acknowledge. Sends are paced under Telegram's limits (30 messages/s overall, 1/s per chat);
a 429 pauses everything for ``retry_after`` and puts the row back; a 403 (bot blocked) ends
that subscription. A small local journal of what Telegram accepted means a row whose
acknowledgement was lost in a crash is acknowledged, not sent again, when its lease runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import math
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.request import HTTPXRequest

from bot.client import ApiClient, ApiProblem, BackendDown
from bot.stores import local_db
from channel_api.payloads import DeliveryOutcome, LeasedMessage
from youthvoice_settings.logs import log_error

log = logging.getLogger("youthvoice.delivery")

OVERALL_RATE = 29.0  # a little under Telegram's 30/s, so timing jitter never crosses it
PER_CHAT_INTERVAL = 1.05  # a little over Telegram's 1/s per chat, for the same reason
JOURNAL_DAYS = 7
# A message refused with a 429 waits in the worker and goes again this many times at most,
# while its lease has this many seconds to spare after the wait; otherwise it goes back to
# the outbox to be leased again once the pause is over.
HOLD_TRIES = 3
HOLD_MARGIN = 15.0
# How old an answer to "may these still go?" may be when a send uses it. One question covers
# every message the worker holds, so it asks about once a second rather than once a message:
# a broadcast's checks stay far under the channel token's API limit, which the acks and the
# live conversations share; a stop reaches a message waiting here within this time.
HELD_FRESH_SECONDS = 1.0
HELD_ASK_MAX = 500  # what one question may name (the API's limit)


@dataclass
class DeliverySettings:
    token: str
    api_url: str
    channel_token: str
    journal_path: Path
    telegram_api_url: str = "https://api.telegram.org"
    rate: float = OVERALL_RATE
    per_chat_interval: float = PER_CHAT_INTERVAL
    batch: int = 100
    lease_seconds: int = 60
    idle_seconds: float = 1.0
    in_flight: int = 16
    # Set when several workers run: they then share Telegram's limits through Redis.
    redis_url: str = ""


class Journal:
    """Idempotency keys Telegram has accepted, committed before the acknowledgement is sent."""

    def __init__(self, path: Path) -> None:
        self._db = local_db(path, "sent (key TEXT PRIMARY KEY, at REAL)", durable=False)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("DELETE FROM sent WHERE at < ?", (time.time() - JOURNAL_DAYS * 86400,))

    def was_sent(self, key: str) -> bool:
        with self._lock:
            return (
                self._db.execute("SELECT 1 FROM sent WHERE key = ?", (key,)).fetchone() is not None
            )

    def record(self, key: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO sent (key, at) VALUES (?, ?)", (key, time.time())
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()


class Pacer:
    """At most ``rate`` sends in any 1-second window, on an even grid of send times.

    Sends keep to the grid, so a late wake-up (a busy machine) is made up for rather than
    lowering the rate; the window check on real start times means making up never bunches
    more than ``rate`` sends into one second. A 429 pauses everything.
    """

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self._next = time.monotonic()
        self._starts: deque[float] = deque(maxlen=max(1, math.floor(rate)))
        self._lock = asyncio.Lock()
        self.last_start = 0.0

    async def wait(self) -> None:
        async with self._lock:
            now = time.monotonic()
            if now - self._next > 1.0:
                self._next = now  # idle a while: start a fresh grid
            slot, self._next = self._next, self._next + self.interval
            if slot > now:
                await asyncio.sleep(slot - now)
            if len(self._starts) == self._starts.maxlen:
                while (free := self._starts[0] + 1.0) > (now := time.monotonic()):
                    await asyncio.sleep(free - now)
            self.last_start = time.monotonic()
            self._starts.append(self.last_start)

    def pause(self, seconds: float) -> None:
        self._next = max(self._next, time.monotonic() + seconds)
        if self._starts:
            # Nothing in the next ``seconds``: as if the window had been full until then.
            self._starts.extend([time.monotonic() + seconds - 1.0] * len(self._starts))


# One atomic step in Redis: the next free send slot for the bot overall and for one chat.
# Slots are on Redis's own clock, so every worker on every host agrees on them. They are
# kept to the microsecond: whole milliseconds would turn 29/s into 1000/34 = 29.4/s, which
# leaves 20 ms, not 34, between 31 sends and Telegram's one-second window.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval = tonumber(ARGV[1])
local per_chat = tonumber(ARGV[2])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'),
                      tonumber(redis.call('GET', KEYS[2]) or '0'))
redis.call('SET', KEYS[1], string.format('%.3f', slot + interval), 'PX', 60000)
redis.call('SET', KEYS[2], string.format('%.3f', slot + per_chat), 'PX',
           math.ceil(per_chat) + 5000)
return {string.format('%.3f', slot), string.format('%.3f', now)}
"""
_PAUSE = """
local t = redis.call('TIME')
local until_ms = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000 + tonumber(ARGV[1])
if until_ms > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], string.format('%.3f', until_ms), 'PX', 60000 + tonumber(ARGV[1]))
end
if tonumber(ARGV[1]) > redis.call('PTTL', KEYS[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', math.max(1, tonumber(ARGV[1])))
end
return math.floor(until_ms)
"""


class SharedPacer:
    """Telegram's limits kept across every delivery worker, through Redis.

    Each send reserves the next slot on one grid shared by all workers (``rate`` per
    second) and on its chat's own grid (one per ``per_chat_interval``); a 429 seen by any
    worker pauses them all. Chats are keyed by a hash, so Redis never holds a chat id.
    """

    def __init__(self, redis_url: str, bot_token: str, rate: float, per_chat: float) -> None:
        import redis.asyncio as redis

        self._redis = redis.from_url(redis_url)
        bot_id = bot_token.split(":", 1)[0] or "bot"
        self._key = f"youthvoice:telegram:{bot_id}:next"
        self._chat_prefix = f"youthvoice:telegram:{bot_id}:chat:"
        # Present, with Telegram's retry_after as its time to live, while sends are paused.
        self._paused_key = f"youthvoice:telegram:{bot_id}:paused"
        self._interval_ms = max(0.001, 1000 / rate)
        self._per_chat_ms = max(0.001, per_chat * 1000)
        self._reserve = self._redis.register_script(_RESERVE)
        self._pause = self._redis.register_script(_PAUSE)

    def _chat_key(self, address: str) -> str:
        return self._chat_prefix + hashlib.sha256(address.encode()).hexdigest()[:24]

    async def reserve(self, address: str) -> tuple[float, float]:
        """The slot this send may start at and Redis's time now, both in milliseconds."""
        slot, now = await self._reserve(
            keys=[self._key, self._chat_key(address)],
            args=[f"{self._interval_ms:.6f}", f"{self._per_chat_ms:.6f}"],
        )
        return float(slot), float(now)

    async def wait(self, address: str) -> None:
        """Until this send may start: its slot, and no pause any worker was told of since.

        Every worker's sends in flight hold slots up to a second or two ahead, so a 429
        that moves the grid on does not stop them by itself: each looks at the pause when
        its slot comes, and if one began meanwhile waits it out and takes a new slot.
        """
        while True:
            slot, now = await self.reserve(address)
            if slot > now:
                await asyncio.sleep((slot - now) / 1000)
            left = await self._redis.pttl(self._paused_key)
            if left <= 0:
                return
            await asyncio.sleep(left / 1000)

    async def pause(self, seconds: float) -> None:
        await self._pause(keys=[self._key, self._paused_key], args=[max(0, round(seconds * 1000))])

    async def aclose(self) -> None:
        await self._redis.aclose()


def button_for(message: LeasedMessage) -> InlineKeyboardMarkup | None:
    """A button under the message that opens its link (an invitation's deep link)."""
    if not (message.button and message.link):
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(message.button, url=message.link)]])


def _seconds(value: Any) -> float:
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)


class Worker:
    """Leases, sends and acknowledges until stopped."""

    def __init__(self, settings: DeliverySettings) -> None:
        self.settings = settings
        self.api = ApiClient(settings.api_url, settings.channel_token, channel="telegram")
        # One connection per send in flight: with PTB's default of one, a slow reply holds
        # back the sends behind it, which then leave together and trip Telegram's limit.
        self.bot = Bot(
            settings.token,
            base_url=f"{settings.telegram_api_url}/bot",
            base_file_url=f"{settings.telegram_api_url}/file/bot",
            request=HTTPXRequest(connection_pool_size=settings.in_flight, pool_timeout=30.0),
        )
        self.journal = Journal(settings.journal_path)
        self.pacer = Pacer(settings.rate)
        self.shared = (
            SharedPacer(
                settings.redis_url, settings.token, settings.rate, settings.per_chat_interval
            )
            if settings.redis_url
            else None
        )
        self._chat_free_at: dict[str, float] = {}
        self._chat_locks: dict[str, asyncio.Lock] = {}
        self._slots = asyncio.Semaphore(settings.in_flight)
        self._tasks: set[asyncio.Task[None]] = set()
        self.stopping = asyncio.Event()
        self.sent = 0
        # Leased but not sent because someone said stop meanwhile (or the lease moved on).
        self.skipped = 0
        # Leased and not yet settled by this worker, and the last answer about them.
        self._outstanding: dict[int, LeasedMessage] = {}
        self._held: set[int] = set()
        self._held_asked: set[int] = set()
        self._held_at = -math.inf
        self._held_lock = asyncio.Lock()

    async def run(self) -> None:
        async with self.bot:
            try:
                while not self.stopping.is_set():
                    # Taken before asking, so the lease is never thought longer than it is.
                    leased_at = time.monotonic()
                    try:
                        batch = await self.api.lease(
                            limit=self.settings.batch, lease_seconds=self.settings.lease_seconds
                        )
                    except BackendDown:
                        log.warning("back end unreachable; trying again shortly")
                        batch = []
                    if not batch:
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(
                                self.stopping.wait(), timeout=self.settings.idle_seconds
                            )
                        continue
                    # The whole batch is asked about together, before each send as it comes.
                    self._outstanding.update((m.id, m) for m in batch)
                    for message in batch:
                        if self.stopping.is_set():
                            break  # the rest of the lease runs out and the rows go again
                        await self._schedule(message, leased_at)
                if self._tasks:
                    await asyncio.gather(*self._tasks, return_exceptions=True)
            finally:
                await self.api.aclose()
                self.journal.close()
                if self.shared is not None:
                    await self.shared.aclose()

    async def _schedule(self, message: LeasedMessage, leased_at: float) -> None:
        if self.journal.was_sent(message.idempotency_key):
            # Sent before a crash, acknowledgement lost: settle it without sending again.
            self._outstanding.pop(message.id, None)
            await self._ack(message, "sent")
            return
        await self._slots.acquire()
        task = asyncio.create_task(self._deliver(message, leased_at))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _chat_lock(self, address: str) -> asyncio.Lock:
        if len(self._chat_locks) > 10_000:
            now = time.monotonic()
            self._chat_locks = {a: k for a, k in self._chat_locks.items() if k.locked()}
            self._chat_free_at = {a: t for a, t in self._chat_free_at.items() if t > now}
        return self._chat_locks.setdefault(address, asyncio.Lock())

    async def _send(
        self,
        address: str,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        *,
        wanted: Callable[[], Awaitable[bool]] | None = None,
    ) -> bool:
        """One message, at least ``per_chat_interval`` after the last one to the same chat.

        ``wanted`` is asked when its turn has come, right before sending: False (someone said
        stop meanwhile) sends nothing and returns False.
        """
        chat_id: int | str = int(address) if address.lstrip("-").isdigit() else address
        async with self._chat_lock(address):
            if self.shared is not None:
                await self.shared.wait(address)
            else:
                free_at = self._chat_free_at.get(address, 0.0)
                if free_at > time.monotonic():
                    await asyncio.sleep(free_at - time.monotonic())
                await self.pacer.wait()
                self._chat_free_at[address] = time.monotonic() + self.settings.per_chat_interval
            if wanted is not None and not await wanted():
                return False
            await self.bot.send_message(chat_id, text, reply_markup=markup)
            return True

    async def _still_held(self, message: LeasedMessage) -> bool:
        """Whether the message may still go: pending under our lease, nobody said stop.

        One question for every message the worker holds, at most ``HELD_FRESH_SECONDS`` old
        when used; sends whose turn comes meanwhile wait for it rather than ask again.
        """
        async with self._held_lock:
            stale = time.monotonic() - self._held_at > HELD_FRESH_SECONDS
            if stale or message.id not in self._held_asked:
                others = [m for m in self._outstanding.values() if m.id != message.id]
                asked = [message, *others[: HELD_ASK_MAX - 1]]
                try:
                    held = await self.api.still_held(asked)
                except (BackendDown, ApiProblem) as error:
                    # Unsure is not yes: the lease runs out and the row is asked about again.
                    log_error(
                        log,
                        "could not check a message before sending",
                        error,
                        level=logging.WARNING,
                    )
                    self._held_at = -math.inf
                    return False
                self._held, self._held_asked = held, {m.id for m in asked}
                self._held_at = time.monotonic()
            return message.id in self._held

    def _may_hold(self, leased_at: float, wait: float, tries: int) -> bool:
        """Whether a message refused with a 429 can wait here and go again under its lease.

        Waiting in the worker saves giving the row back and leasing it again after the pause,
        which at the end of a broadcast is what the last messages wait on. Only while the
        lease has time to spare for the wait, the send and the acknowledgement.
        """
        spare = self.settings.lease_seconds - (time.monotonic() - leased_at) - wait
        return not self.stopping.is_set() and tries <= HOLD_TRIES and spare > HOLD_MARGIN

    async def _deliver(self, message: LeasedMessage, leased_at: float) -> None:
        try:
            tries = 0
            while True:
                try:
                    sent = await self._send(
                        message.address,
                        message.full_text(),
                        button_for(message),
                        wanted=partial(self._still_held, message),
                    )
                    if not sent:
                        # Stopped, or the lease went to another worker: settled elsewhere.
                        self.skipped += 1
                        return
                except RetryAfter as error:
                    wait = _seconds(error.retry_after)
                    self.pacer.pause(wait)
                    if self.shared is not None:
                        await self.shared.pause(wait)
                    tries += 1
                    if self._may_hold(leased_at, wait, tries):
                        await asyncio.sleep(wait)
                        continue
                    await self._ack(message, "retry", retry_after=wait)
                    return
                except Forbidden:
                    await self._ack(message, "blocked", error="forbidden")
                    return
                except BadRequest as error:
                    await self._ack(message, "failed", error=f"bad request: {error.message[:80]}")
                    return
                except (NetworkError, TelegramError) as error:
                    await self._ack(message, "failed", error=type(error).__name__)
                    return
                break
            self.journal.record(message.idempotency_key)
            self.sent += 1
            await self._ack(message, "sent")
        finally:
            self._outstanding.pop(message.id, None)
            self._slots.release()

    async def _ack(self, message: LeasedMessage, outcome: DeliveryOutcome, **extra: Any) -> None:
        try:
            await self.api.ack(message, outcome, **extra)
        except (BackendDown, ApiProblem) as error:
            # The lease runs out and the row comes back; the journal stops a second send.
            log_error(log, "acknowledgement not recorded", error, level=logging.WARNING)


def run_worker(settings: DeliverySettings) -> None:
    """Run until interrupted (Ctrl+C or SIGTERM)."""
    import signal

    async def main() -> None:
        worker = Worker(settings)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, worker.stopping.set)
        await worker.run()

    asyncio.run(main())


async def check(settings: DeliverySettings) -> None:
    """Raise the same one-line StartupError as the bot when something is missing or wrong."""
    from bot.telegram.app import check_connections

    await check_connections(
        settings.token, settings.telegram_api_url, settings.api_url, settings.channel_token
    )
