"""Browser notifications through the Web Push standard (RFC 8030, 8291, 8292).

A web participant's browser gives a push endpoint and two keys; the endpoint is stored as
the subscription's address, like a Telegram chat id, and the keys encrypt every message
so the push service carries it without reading it. The sender shares the outbox with the
other channels: it leases rows, sends them a few at a time, and acknowledges each, so
retries, back-off and "stop" work the same. A push service that says the subscription is
gone (404 or 410) ends it.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from ipaddress import ip_address
from typing import Any
from urllib.parse import urlparse

import requests
from py_vapid import Vapid02
from pywebpush import WebPusher, WebPushException

from consultations.db import in_transaction
from consultations.errors import InvalidRequest
from consultations.models import Participant
from feedback.models import Subscription
from feedback.outbox import Leased, Outcome, acknowledge, acknowledge_sent, lease, still_held
from feedback.quiet_time import QuietHours
from feedback.subscriptions import subscribe

CHANNEL = "web"
# The push services of the browsers young people use. The server posts to whatever
# endpoint a browser hands over, so only these hosts (and their subdomains) are accepted:
# an endpoint can never point the server at an address inside the council's network.
DEFAULT_PUSH_HOSTS = (
    "fcm.googleapis.com",
    "updates.push.services.mozilla.com",
    "push.apple.com",
    "notify.windows.com",
)
# A notification shows a line or two; the whole receipt is one tap away.
BODY_MAX = 240
TTL_SECONDS = 7 * 24 * 3600
TIMEOUT_SECONDS = 10.0
IN_FLIGHT = 16


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def check_endpoint(endpoint: str, allowed_hosts: Iterable[str]) -> str:
    """The endpoint if it is a push service's address this server may post to."""
    endpoint = (endpoint or "").strip()
    parsed = urlparse(endpoint)
    host = (parsed.hostname or "").lower()
    allowed = [h.strip().lower() for h in allowed_hosts if h.strip()]
    known = any(host == h or host.endswith("." + h) for h in allowed)
    # Plain http only to a push service on this machine (a test or a local relay).
    secure = parsed.scheme == "https" or (parsed.scheme == "http" and _is_loopback(host))
    if not endpoint or not host or not known or not secure or parsed.username:
        raise InvalidRequest("This browser's notification service is not one we can send to.")
    return endpoint


def _key(value: str, *, size: int) -> str:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != size:
        raise InvalidRequest("This browser sent notification keys we cannot use.")
    return value


def subscribe_push(
    participant: Participant,
    *,
    endpoint: str,
    p256dh: str,
    auth: str,
    now: datetime,
    allowed_hosts: Iterable[str] = DEFAULT_PUSH_HOSTS,
    language: str | None = None,
) -> Subscription:
    """Turn on browser notifications for a web participant (replacing any earlier ones)."""
    if participant.channel != CHANNEL:
        raise InvalidRequest("Browser notifications are for people who answered on the web.")
    keys = {
        # An uncompressed P-256 point and a 16-byte secret (RFC 8291).
        "p256dh": _key(str(p256dh or ""), size=65),
        "auth": _key(str(auth or ""), size=16),
    }
    return subscribe(
        participant,
        address=check_endpoint(str(endpoint or ""), allowed_hosts),
        now=now,
        language=language,
        push_keys=json.dumps(keys),
    )


def payload(message: Leased, *, title: str) -> bytes:
    """What the service worker shows: a title, the first words, and where a tap goes."""
    body = message.text.strip()
    if len(body) > BODY_MAX:
        body = body[: BODY_MAX - 1].rstrip() + "…"
    return json.dumps(
        # The tag makes a second delivery of the same message replace the first on screen.
        {"title": title, "body": body, "url": message.link or "/", "tag": message.idempotency_key},
        ensure_ascii=False,
    ).encode()


@dataclass(frozen=True)
class Result:
    """What the push service said about one message, as the outbox records it."""

    outcome: str
    retry_after: float = 0.0
    error: str | None = None


def vapid_from_pem(pem: bytes) -> Vapid02:
    """The server's VAPID identity (RFC 8292) from its PEM private key."""
    return Vapid02.from_pem(pem)


class Sender:
    """Encrypts and posts one message at a time; safe to share between threads."""

    def __init__(
        self,
        vapid: Vapid02,
        *,
        subject: str,
        title: str = "Youth Voice",
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        self.vapid = vapid
        self.subject = subject
        self.title = title
        self.timeout = timeout
        self._headers: dict[str, tuple[float, dict[str, str]]] = {}
        self._settings: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            # The environment's proxy and certificate settings are read once per push
            # service (``_environment``), not on every send, which re-reads all of it.
            session.trust_env = False
        return session

    def _environment(self, audience: str) -> dict[str, Any]:
        """Proxies and certificate checks the environment asks for towards one push service."""
        with self._lock:
            found = self._settings.get(audience)
            if found is None:
                found = self._settings[audience] = requests.Session().merge_environment_settings(
                    audience, {}, None, None, None
                )
            return found

    def _vapid_headers(self, audience: str) -> dict[str, str]:
        """Signed once per push service and reused for hours: signing each send is waste."""
        with self._lock:
            cached = self._headers.get(audience)
            if cached is None or cached[0] - time.time() < 3600:
                expires = int(time.time()) + 12 * 3600
                signed = self.vapid.sign({"sub": self.subject, "aud": audience, "exp": expires})
                cached = self._headers[audience] = (float(expires), dict(signed))
            return dict(cached[1])

    def send(self, message: Leased) -> Result:
        try:
            keys = json.loads(message.push_keys or "")
            subscription = {"endpoint": message.address, "keys": keys}
            # A fresh key pair and salt for every message (RFC 8291), by the standard's
            # implementation; the post itself goes through this thread's pooled session.
            body = WebPusher(subscription).encode(payload(message, title=self.title))["body"]
            parsed = urlparse(message.address)
            audience = f"{parsed.scheme}://{parsed.netloc}"
            headers = {
                **self._vapid_headers(audience),
                "Content-Encoding": "aes128gcm",
                "TTL": str(TTL_SECONDS),
            }
            response = self._session().post(
                message.address,
                data=body,
                headers=headers,
                timeout=self.timeout,
                **self._environment(audience),
            )
        except (ValueError, TypeError, KeyError, WebPushException) as error:
            return Result(Outcome.BLOCKED, error=f"unusable subscription: {type(error).__name__}")
        except requests.Timeout:
            return Result(Outcome.FAILED, error="timeout")
        except requests.RequestException as error:
            return Result(Outcome.FAILED, error=type(error).__name__)
        status = response.status_code
        if 200 <= status < 300:
            return Result(Outcome.SENT)
        if status in (404, 410):
            return Result(Outcome.BLOCKED, error=f"gone ({status})")
        if status == 429:
            return Result(Outcome.RETRY, retry_after=_retry_after(response), error="429")
        return Result(Outcome.FAILED, error=f"HTTP {status}")


def _retry_after(response: requests.Response) -> float:
    try:
        return max(1.0, min(float(response.headers.get("Retry-After", "60")), 3600.0))
    except ValueError:
        return 60.0


@dataclass
class Tally:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    ended: int = 0
    skipped: int = 0

    def add(self, other: Tally) -> None:
        for name in ("sent", "retried", "failed", "ended", "skipped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _still_wanted(batch: list[Leased]) -> set[int]:
    """The rows of ``batch`` still pending under this lease: someone may have said stop."""
    return still_held([(m.id, m.lease_token) for m in batch])


def _record(results: list[tuple[Leased, Result]], now: datetime) -> Tally:
    tally = Tally()
    # Most sends succeed: those are recorded in one statement, the rest one by one.
    sent = [(m.id, m.lease_token) for m, r in results if r.outcome == Outcome.SENT]
    tally.sent = len(acknowledge_sent(sent, now=now))
    for message, result in results:
        if result.outcome == Outcome.SENT:
            continue
        try:
            acknowledge(
                message.id,
                lease_token=message.lease_token,
                outcome=result.outcome,
                now=now,
                retry_after=result.retry_after,
                error=result.error,
            )
        except InvalidRequest:
            continue  # the lease ran out and another sender holds the row now
        if result.outcome == Outcome.RETRY:
            tally.retried += 1
        elif result.outcome == Outcome.BLOCKED:
            tally.ended += 1
        else:
            tally.failed += 1
    return tally


def deliver_once(
    sender: Sender,
    *,
    clock: Callable[[], datetime],
    limit: int = 100,
    lease_seconds: int = 60,
    in_flight: int = IN_FLIGHT,
    pool: ThreadPoolExecutor | None = None,
    quiet: QuietHours | None = None,
) -> Tally:
    """Lease what is due for browsers, send it ``in_flight`` at a time, and record each.

    A slow push service holds only its own sends: the others go on beside it, and a time-out
    is a failure that the outbox retries later with back-off.
    """
    batch = in_transaction(
        lambda: lease(CHANNEL, now=clock(), limit=limit, lease_seconds=lease_seconds, quiet=quiet)
    )
    tally = Tally()
    if not batch:
        return tally
    own_pool = pool is None
    pool = pool or ThreadPoolExecutor(max_workers=in_flight)
    try:
        sending: list[tuple[Leased, Future[Result]]] = []
        for start in range(0, len(batch), in_flight):
            # The chunk before has been sent in full, so a "stop" that came while it was in
            # flight is seen here, just before these go.
            done = [(m, future.result()) for m, future in sending]
            chunk = batch[start : start + in_flight]
            wanted = in_transaction(partial(_still_wanted, chunk))
            chosen = [m for m in chunk if m.id in wanted]
            tally.skipped += len(chunk) - len(chosen)
            sending = [(m, pool.submit(sender.send, m)) for m in chosen]
            # Recorded while the next chunk is on its way, not in a pause between them.
            if done:
                tally.add(in_transaction(partial(_record, done, clock())))
        done = [(m, future.result()) for m, future in sending]
        if done:
            tally.add(in_transaction(partial(_record, done, clock())))
    finally:
        if own_pool:
            pool.shutdown(wait=True)
    return tally
