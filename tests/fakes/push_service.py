"""A local fake Web Push service: it plays the browser's push service and the browser.

``subscribe()`` makes a subscription as a browser would (a P-256 key pair and an auth
secret, kept here) and returns what ``PushSubscription.toJSON()`` gives. Each POST to an
endpoint is checked as a real push service checks it (a VAPID JWT signed by the key it
names, for this origin, not expired) and then decrypted with the subscription's own
private key (RFC 8291, aes128gcm), so a test reads exactly what the browser would show.
Endpoints can be told to answer 404/410/429/500 or to hang for a while.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """One subscription's secrets, as only the browser holds them."""

    private_key: ec.EllipticCurvePrivateKey
    auth: bytes


@dataclass
class Delivery:
    """One accepted push, decrypted."""

    subscription: str
    payload: dict[str, Any]
    ttl: str | None
    vapid_key: str


@dataclass
class FakePushService:
    host: str = "127.0.0.1"
    browsers: dict[str, Browser] = field(default_factory=dict)
    deliveries: list[Delivery] = field(default_factory=list)
    # Per subscription, what to answer next (status codes, or ("hang", seconds)).
    scripted: dict[str, deque[Any]] = field(default_factory=lambda: defaultdict(deque))
    refused: list[str] = field(default_factory=list)
    posts: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status = service._receive(self.path, dict(self.headers.items()), body)
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "2")
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._server = ThreadingHTTPServer((self.host, 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def subscribe(self) -> dict[str, Any]:
        """A new subscription, as a browser's ``PushSubscription.toJSON()`` gives it."""
        name = secrets.token_urlsafe(16)
        key = ec.generate_private_key(ec.SECP256R1())
        auth = secrets.token_bytes(16)
        self.browsers[name] = Browser(key, auth)
        public = key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": f"{self.origin}/push/{name}",
            "expirationTime": None,
            "keys": {"p256dh": b64url(public), "auth": b64url(auth)},
        }

    def answer_next(self, subscription: dict[str, Any], *answers: Any) -> None:
        name = subscription["endpoint"].rsplit("/", 1)[-1]
        self.scripted[name].extend(answers)

    def payloads_for(self, subscription: dict[str, Any]) -> list[dict[str, Any]]:
        name = subscription["endpoint"].rsplit("/", 1)[-1]
        with self._lock:
            return [d.payload for d in self.deliveries if d.subscription == name]

    def _check_vapid(self, headers: dict[str, str]) -> str:
        """The VAPID public key that signed this request (RFC 8292), or raise."""
        authorization = {k.lower(): v for k, v in headers.items()}.get("authorization", "")
        scheme, _, params = authorization.partition(" ")
        if scheme.lower() != "vapid":
            raise ValueError("no VAPID authorization")
        parts = dict(p.strip().split("=", 1) for p in params.split(","))
        token, key = parts["t"], parts["k"]
        head, claims, signature = token.split(".")
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
        raw = unb64url(signature)
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        public.verify(der, f"{head}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
        body = json.loads(unb64url(claims))
        if body.get("aud") != self.origin or int(body.get("exp", 0)) < time.time():
            raise ValueError("wrong audience or expired")
        if not str(body.get("sub", "")).startswith(("mailto:", "https:")):
            raise ValueError("no contact in sub")
        return key

    def _receive(self, path: str, headers: dict[str, str], body: bytes) -> int:
        with self._lock:
            self.posts += 1
        name = path.rsplit("/", 1)[-1]
        browser = self.browsers.get(name)
        if browser is None:
            return 404
        script = self.scripted.get(name)
        if script:
            answer = script.popleft()
            if isinstance(answer, tuple) and answer[0] == "hang":
                time.sleep(answer[1])
                return 504
            if answer != 201:
                return int(answer)
        try:
            key = self._check_vapid(headers)
            lowered = {k.lower(): v for k, v in headers.items()}
            if lowered.get("content-encoding") != "aes128gcm":
                raise ValueError("not aes128gcm")
            plain = http_ece.decrypt(
                body, private_key=browser.private_key, auth_secret=browser.auth, version="aes128gcm"
            )
            payload = json.loads(plain)
        except (ValueError, KeyError, InvalidSignature) as error:
            with self._lock:
                self.refused.append(f"{type(error).__name__}: {error}")
            return 400
        with self._lock:
            self.deliveries.append(Delivery(name, payload, lowered.get("ttl"), key))
        return 201

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
