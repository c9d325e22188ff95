"""Security headers, the proxy in front of the app, and rate limits.

Headers are set by our own ``after_request`` rather than Flask-Talisman: no template has an
inline script, inline style or ``style=`` attribute, so the policy is one fixed string with no
nonces, and the HTTPS redirect Talisman adds belongs to the proxy that terminates TLS. A dozen
lines we test on every route are easier to audit than another dependency's defaults.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Any
from urllib.parse import urlparse

from flask import Flask, current_app, request
from flask.sessions import SecureCookieSessionInterface
from flask_limiter import Limiter
from limits.storage import MemoryStorage
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map
from werkzeug.wrappers import Response

from consultations.pseudonym import pseudonym


def content_security_policy(connect: tuple[str, ...] = ()) -> str:
    """The policy; ``connect`` adds origins scripts may talk to (the web chat's Rasa server)."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            # Charts and QR codes are inline SVG drawn on the server; nothing from elsewhere.
            "img-src 'self'",
            "font-src 'self'",
            " ".join(["connect-src 'self'", *connect]),
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


def chat_origins(socket_url: str) -> tuple[str, ...]:
    """The Rasa socket.io server's origin, over HTTP(S) polling and its WebSocket twin."""
    parsed = urlparse(socket_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return ()
    ws = "wss" if parsed.scheme == "https" else "ws"
    return (f"{parsed.scheme}://{parsed.netloc}", f"{ws}://{parsed.netloc}")


CONTENT_SECURITY_POLICY = content_security_policy()

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Old browsers that ignore frame-ancestors.
    "X-Frame-Options": "DENY",
    # Same-origin keeps the Referer that Flask-WTF checks on HTTPS form posts, and sends
    # nothing to other sites (consultation links can carry an access code).
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    """The same headers on every response, pages, JSON, files and errors alike."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    origins = chat_origins(current_app.config.get("RASA_SOCKET_URL", ""))
    if origins:
        response.headers["Content-Security-Policy"] = content_security_policy(origins)
    seconds = current_app.config.get("HSTS_SECONDS", 0)
    # Browsers ignore HSTS over plain http; a laptop serving http must not promise HTTPS.
    if seconds and request.is_secure:
        response.headers.setdefault(
            "Strict-Transport-Security", f"max-age={int(seconds)}; includeSubDomains"
        )
    return response


JSON_TYPES = frozenset({"application/json", "application/problem+json"})


def declare_json_charset(response: Response) -> Response:
    """JSON says it is UTF-8, so no client guesses another encoding for a young person's words."""
    if response.mimetype in JSON_TYPES and "charset=" not in response.content_type:
        response.content_type = f"{response.mimetype}; charset=utf-8"
    return response


# --- cookies -----------------------------------------------------------------------------

HOST_PREFIX = "__Host-"


def cookie_name(app: Flask, name: str) -> str:
    """``__Host-<name>`` wherever cookies are Secure, else ``name``.

    Browsers accept a ``__Host-`` cookie only over HTTPS, from this exact host, for the
    whole site: no other subdomain (or a plain-http page on the way) can plant or
    overwrite one. ``youthvoice serve`` on plain http turns Secure off, and the prefix
    with it, after the app is made, so this is read at each use.
    """
    config = app.config
    whole_site = (config.get("SESSION_COOKIE_PATH") or config.get("APPLICATION_ROOT")) in (
        None,
        "/",
    )
    host_only = config.get("SESSION_COOKIE_SECURE") and not config.get("SESSION_COOKIE_DOMAIN")
    return HOST_PREFIX + name if host_only and whole_site else name


class HostOnlySessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session under a ``__Host-`` name where cookies are Secure."""

    def get_cookie_name(self, app: Flask) -> str:
        return cookie_name(app, super().get_cookie_name(app))


class DatabaseIntConverter(IntegerConverter):
    """``<int:...>`` in URLs, capped at the largest id a database integer column holds.

    Werkzeug's own converter takes any size; PostgreSQL refuses a number past 2**31 - 1
    with an error, so /staff/consultations/99999999999 must be a 404, not a 500.
    """

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


# --- input no database can store ----------------------------------------------------------

# Our own payloads nest four deep; a body nested past this is not a request anyone meant,
# and walking it (or decoding it) would exhaust the stack.
MAX_JSON_DEPTH = 32

NUL = "nul"
SURROGATE = "surrogate"
TOO_DEEP = "too deep"


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return NUL
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # Half of a surrogate pair ("\ud800" in JSON): no encoder or database can store it.
        return SURROGATE
    return None


def unstorable(value: Any, max_depth: int = MAX_JSON_DEPTH) -> str | None:
    """Why ``value`` (text, or JSON as decoded) cannot be stored, or None when it can.

    Walked with a list rather than recursion, so a deeply nested body is refused, not a
    RecursionError.
    """
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            found = _text_problem(item)
            if found:
                return found
        elif isinstance(item, dict | list | tuple):
            if depth >= max_depth:
                return TOO_DEEP
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return None


# Stands in for a body the decoder could not finish: deeper than anything allowed.
_TOO_DEEP_BODY: Any = object()


def _json_body() -> Any:
    try:
        return request.get_json(silent=True)
    except RecursionError:
        # The decoder gives up around 1,000 levels with RecursionError, not ValueError.
        return _TOO_DEEP_BODY


def refuse_unstorable_input() -> Response | None:
    """Keep input no database can store away from every view, refused once at the edge.

    NUL characters: nobody types one, PostgreSQL cannot store one in text, and they are a
    classic way to cut strings short in other tools. Lone surrogates: no encoder can write
    them. JSON nested past ``MAX_JSON_DEPTH``: no channel sends it. Rather than in every
    service that stores text, the path, query string, form and JSON body are checked here.
    """
    suspects: list[Any] = [request.path, list(request.args.items(multi=True))]
    if request.method in ("POST", "PUT", "PATCH"):
        form = list(request.form.items(multi=True))
        if any("\x00" in k or "\x00" in v for k, v in form):
            # A web form is answered, not refused: dropping the NULs loses nothing anyone
            # typed, and a disclosure in the same answer still reaches the safeguarding queue.
            form = [(k.replace("\x00", ""), v.replace("\x00", "")) for k, v in form]
            request.__dict__["form"] = ImmutableMultiDict(form)
        suspects.append(form)
        if request.is_json:
            body = _json_body()
            if body is _TOO_DEEP_BODY:
                return _refuse(TOO_DEEP)
            suspects.append(body)
    # One level for the list of suspects, one for each list of (name, value) pairs.
    found = unstorable(suspects, MAX_JSON_DEPTH + 2)
    return _refuse(found) if found else None


def _refuse(why: str) -> Response:
    from webapp.errors import refuse_input

    return refuse_input(why)


# --- rate limits -------------------------------------------------------------------------


def _address() -> str:
    return request.remote_addr or "-"


def _api_key() -> str:
    """A channel's calls count against that channel; anyone else's against their address.

    One bot host speaks for a whole channel, so a real channel token has its own counter,
    keyed by the channel's name (never the token). A bearer string that opens no channel
    counts as its address: inventing tokens must not buy a fresh allowance, or a new key
    in the limiter's store, with every guess.
    """
    from webapp.api.base import channel_for

    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        channel = channel_for(token.strip())
        if channel is not None:
            return "channel:" + channel
    return "addr:" + _address()


def _api_participant_key() -> str:
    """One chat user flooding answers is limited on their own; keyed by their pseudonym."""
    body = request.get_json(silent=True)
    ref = body.get("participant") if isinstance(body, dict) else None
    if isinstance(ref, dict) and isinstance(ref.get("channel"), str):
        channel, user_id = ref["channel"], ref.get("id")
        if isinstance(user_id, str | int) and not isinstance(user_id, bool):
            key = current_app.config["PSEUDONYM_KEY"]
            return "participant:" + pseudonym(key, channel[:20], str(user_id)[:128])
    return _api_key()


def _limit(name: str) -> Any:
    # Read at request time so each app (and each test) can set its own limits.
    return lambda: current_app.config[name]


# endpoint → (config key naming the limit, key function, methods it applies to)
ROUTE_LIMITS: dict[str, tuple[str, Any, list[str] | None]] = {
    "staff.login": ("RATELIMIT_LOGIN", _address, ["POST"]),
    "youth.answer": ("RATELIMIT_ANSWERS", _address, None),
    "youth.vote": ("RATELIMIT_ANSWERS", _address, None),
    "api.submit_answers": ("RATELIMIT_API_ANSWERS", _api_participant_key, None),
}


def limiter_for(app: Flask) -> Limiter:
    """The app's limiter (one per app, so tests and processes never share counters)."""
    limiter: Limiter = app.extensions["youthvoice_limiter"]
    return limiter


def retry_after() -> int:
    """Whole seconds until the limit that was hit lets this caller in again."""
    current = limiter_for(current_app).current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))


class SweptMemoryStorage(MemoryStorage):
    """The limiter's in-memory counters, with expired entries swept once a second.

    ``limits`` sweeps every 10 ms after a hit, and each sweep walks every key. The
    per-participant answer limit keeps a key for everyone who answered in the last minute,
    so in a busy ballot the sweeps cost a worker more CPU than the answers they counted
    (about 6 ms per answer once 3,000 people had answered). Sweeping only frees memory:
    every check compares timestamps itself, so the limits are exactly the same.
    """

    STORAGE_SCHEME = ["youthvoice-memory"]  # noqa: RUF012 (how limits registers a storage)
    SWEEP_SECONDS = 1.0

    def _MemoryStorage__schedule_expiry(self) -> None:
        # The private hook ``MemoryStorage`` calls on every hit: its own body, a slower timer.
        # tests/security/test_rate_limits.py notices if a new ``limits`` stops calling it.
        if not self.timer.is_alive():
            # Name-mangled in MemoryStorage, so invisible to type checkers.
            sweep = self._MemoryStorage__expire_events  # type: ignore[attr-defined]
            self.timer = threading.Timer(self.SWEEP_SECONDS, sweep)
            self.timer.daemon = True  # a process that is done never waits for a sweep
            self.timer.start()


def _init_limiter(app: Flask) -> None:
    storage = app.config.get("REDIS_URL") or "youthvoice-memory://"
    limiter = Limiter(
        key_func=_address,
        app=app,
        storage_uri=storage,
        # Counters live in Redis only under this prefix; tests give each run its own.
        key_prefix=app.config.get("RATELIMIT_KEY_PREFIX", "youthvoice"),
        strategy="moving-window",
        headers_enabled=False,
        enabled=app.config.get("RATELIMIT_ENABLED", True),
        # Redis going down must not take consultations down: count in memory meanwhile.
        in_memory_fallback_enabled=True,
        swallow_errors=True,
    )
    app.extensions["youthvoice_limiter"] = limiter
    from webapp import api

    limiter.limit(_limit("RATELIMIT_API"), key_func=_api_key, override_defaults=False)(api.bp)
    for endpoint, (setting, key_func, methods) in ROUTE_LIMITS.items():
        view = app.view_functions[endpoint]
        # Flask-Limiter's wrapper is typed as maybe-async; the views it wraps here are not.
        app.view_functions[endpoint] = limiter.limit(  # type: ignore[assignment]
            _limit(setting), key_func=key_func, methods=methods, override_defaults=False
        )(view)


def init_app(app: Flask) -> None:
    """Headers and cookies on every response, the trusted proxy, and the limits."""
    hops = int(app.config.get("PROXY_HOPS", 0))
    if hops:
        # Only behind a proxy we run: otherwise anyone could claim any address or scheme.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    app.session_interface = HostOnlySessionInterface()
    app.after_request(add_security_headers)
    app.after_request(declare_json_charset)
    app.before_request(refuse_unstorable_input)
    _init_limiter(app)
