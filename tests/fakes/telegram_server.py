"""A local fake Telegram Bot API server for driving python-telegram-bot bots in tests."""

from __future__ import annotations

import contextlib
import copy
import itertools
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from urllib.parse import parse_qsl, urlsplit

DEFAULT_TOKEN = "123:ABC"
JSON = dict[str, Any]
ChatId = int | str
Match = Callable[[str], bool] | str | None

# Parameters whose values are plain strings and must never be JSON-decoded ("123" stays "123").
_STRING_PARAMS = frozenset(
    {"text", "caption", "callback_query_id", "url", "secret_token", "parse_mode", "title"}
    | {"inline_message_id", "description", "short_description", "name", "query", "data"}
)
_BLOCKED = "Forbidden: bot was blocked by the user"
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup"
    " are exactly the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    """A Bot API error that is turned into an {"ok": false} response."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


def _decode_params(raw: JSON) -> JSON:
    """Decode JSON-encoded parameter values (numbers, booleans, objects) sent as strings."""
    out: JSON = {}
    for key, value in raw.items():
        if isinstance(value, str) and key not in _STRING_PARAMS:
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        out[key] = value
    return out


def _parse_body(content_type: str, body: bytes) -> JSON:
    """Parse a JSON, form-encoded or multipart request body into a flat dict."""
    if not body:
        return {}
    if content_type.startswith("application/json"):
        data = json.loads(body.decode("utf-8"))
        return data if isinstance(data, dict) else {}
    if content_type.startswith("multipart/form-data"):
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
        out: JSON = {}
        for part in message.iter_parts():  # type: ignore[attr-defined]
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if part.get_filename():
                out[name] = {"filename": part.get_filename(), "size": len(payload)}
            else:
                out[name] = payload.decode("utf-8")
        return out
    return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))


def _command_entities(text: str) -> list[JSON]:
    """Return a bot_command entity for text starting with '/', as Telegram would."""
    if not text.startswith("/"):
        return []
    command = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": len(command.encode("utf-16-le")) // 2}]


class _Handler(BaseHTTPRequestHandler):
    """Routes /bot<token>/<method> requests to the owning FakeTelegramServer."""

    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet."""

    def setup(self) -> None:
        """Track the connection so stop() can close idle keep-alive sockets."""
        super().setup()
        self.server.fake._track(self.connection, add=True)

    def finish(self) -> None:
        """Forget the connection."""
        self.server.fake._track(self.connection, add=False)
        super().finish()

    def do_POST(self) -> None:
        """Read the whole body, call the fake and write a JSON response with Content-Length."""
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        url = urlsplit(self.path)
        raw: JSON = dict(parse_qsl(url.query, keep_blank_values=True))
        try:
            raw.update(_parse_body(self.headers.get("Content-Type", ""), body))
            status, payload = self.server.fake._handle(url.path, _decode_params(raw))
        except Exception as exc:  # a bug in the fake or a malformed request: answer, don't hang
            code = 400 if isinstance(exc, ValueError) else 500
            status, payload = code, {"ok": False, "error_code": code, "description": repr(exc)}
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST


class _HTTPServer(ThreadingHTTPServer):
    """Threading HTTP server that knows its fake and does not print tracebacks."""

    daemon_threads = True
    fake: FakeTelegramServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore client disconnects (e.g. an abandoned long poll)."""


class FakeTelegramServer:
    """In-process fake of the Telegram Bot API, speaking real HTTP on 127.0.0.1."""

    def __init__(self, token: str = DEFAULT_TOKEN, *, max_poll_wait: float = 1.0) -> None:
        """Create the fake; call start() or use it as a context manager."""
        self.token, self.max_poll_wait = token, max_poll_wait  # long polls are capped to this
        bot_id = int(token.split(":")[0]) if token.split(":")[0].isdigit() else 123
        self.bot_user: JSON = {"id": bot_id, "is_bot": True, "first_name": "Fake Bot"}
        self.bot_user["username"] = "fake_test_bot"
        self.calls: list[tuple[str, JSON]] = []  # every authorised call, params decoded
        self.answered_callbacks: list[JSON] = []
        self.edits: list[JSON] = []  # {"method": ..., **params} per edit call
        self.deleted: list[tuple[ChatId, int]] = []
        self.commands: list[JSON] = []
        # setMyCommands per language_code ("" is the default list).
        self.commands_by_language: dict[str, list[JSON]] = {}
        # The language each user's Telegram app is set to (sent as User.language_code).
        self.user_languages: dict[int, str] = {}
        self.webhook: JSON = {"url": ""}
        self.send_message_times: list[float] = []  # time.monotonic() of every sendMessage
        self.send_attempts: list[tuple[ChatId, float]] = []  # (chat id, time) of each one
        self.accepted_sends: list[tuple[ChatId, float]] = []  # the ones that were delivered
        self.violations = 0  # sendMessage calls rejected by the global rate limit
        self._cond = threading.Condition(threading.RLock())
        self._updates: list[JSON] = []
        self._update_ids, self._query_ids = itertools.count(1), itertools.count(1)
        self._message_ids = defaultdict[ChatId, Iterator[int]](lambda: itertools.count(1))
        self._messages: dict[ChatId, list[JSON]] = {}
        self._chats: dict[ChatId, JSON] = {}
        self._callback_ids: set[str] = set()
        self._failing: dict[ChatId, tuple[int, str]] = {}
        self._rate_limited: dict[ChatId, tuple[int, int]] = {}
        self._global_cap: int | None = None
        self._window: deque[float] = deque()
        self._conns: set[socket.socket] = set()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False
        # Called with the chat id before each sendMessage is accepted; may raise ApiError
        # (or stop a worker process) to test what happens mid-broadcast.
        self.before_send: Callable[[ChatId], None] | None = None

    def start(self) -> FakeTelegramServer:
        """Bind an ephemeral port on 127.0.0.1 and serve in a background thread."""
        self._httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.fake = self
        self._stopping = False
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake long polls and close open connections."""
        if self._httpd is None:
            return
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
            conns = list(self._conns)
        self._httpd.shutdown()
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> FakeTelegramServer:
        """Start the server."""
        return self.start()

    def __exit__(self, *exc: object) -> None:
        """Stop the server."""
        self.stop()

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        assert self._httpd is not None, "server not started"
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """Value for PTB's base_url (the token is appended by PTB)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for PTB's base_file_url."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        """Add or remove an open client connection."""
        with self._cond:
            (self._conns.add if add else self._conns.discard)(conn)

    def _user(self, user_id: int, first_name: str) -> JSON:
        """Build a (human) User object."""
        language = self.user_languages.get(user_id, "en")
        return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": language}

    def _message(self, chat: JSON, sender: JSON, text: str) -> JSON:
        """Build a Message with the chat's next id (ids are shared by user and bot messages)."""
        with self._cond:
            message_id = next(self._message_ids[chat["id"]])
        message = {"message_id": message_id, "date": int(time.time()), "chat": dict(chat)}
        return {**message, "from": sender, "text": text}

    def _enqueue(self, key: str, value: JSON) -> JSON:
        """Append an update with the next update_id and wake long polls."""
        with self._cond:
            update = {"update_id": next(self._update_ids), key: value}
            self._updates.append(update)
            self._cond.notify_all()
            return copy.deepcopy(update)

    def user_sends_text(
        self,
        chat_id: int,
        text: str,
        *,
        chat_type: str = "private",
        first_name: str = "Test",
        user_id: int | None = None,
    ) -> JSON:
        """Queue a message update from a user; returns the update dict."""
        uid = user_id or (chat_id if chat_id > 0 else 1000)
        chat: JSON = {"id": chat_id, "type": chat_type}
        chat.update({"first_name": first_name} if chat_type == "private" else {"title": "Group"})
        with self._cond:
            self._chats[chat_id] = chat
            message = self._message(chat, self._user(uid, first_name), text)
            if entities := _command_entities(text):
                message["entities"] = entities
            return self._enqueue("message", message)

    def user_presses_button(
        self,
        chat_id: ChatId,
        message_id: int,
        callback_data: str,
        *,
        user_id: int | None = None,
        first_name: str = "Test",
    ) -> JSON:
        """Queue a callback_query update for a button on a stored bot message."""
        with self._cond:
            message = self._find(chat_id, message_id)
            if message is None:
                raise AssertionError(f"no bot message {message_id} in chat {chat_id}")
            query_id = str(next(self._query_ids))
            self._callback_ids.add(query_id)
            uid = user_id or (chat_id if isinstance(chat_id, int) and chat_id > 0 else 1000)
            query = {"id": query_id, "from": self._user(uid, first_name), "data": callback_data}
            query.update(chat_instance=f"ci{chat_id}", message=copy.deepcopy(message))
            return self._enqueue("callback_query", query)

    def post_update_to_webhook(
        self, url: str, update_dict: JSON, secret_token: str | None = None, timeout: float = 5.0
    ) -> int:
        """POST an update to a bot's webhook like Telegram does; returns the HTTP status."""
        headers = {"Content-Type": "application/json"}
        if secret_token is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret_token
        body = json.dumps(update_dict).encode("utf-8")
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return int(response.status)
        except urllib.error.HTTPError as err:
            return int(err.code)

    def fail_chat(self, chat_id: ChatId, code: int = 403, description: str = _BLOCKED) -> None:
        """Make every sendMessage to chat_id fail with the given error."""
        with self._cond:
            self._failing[chat_id] = (code, description)

    def rate_limit(self, chat_id: ChatId, retry_after: int = 1, times: int = 1) -> None:
        """Make the next `times` sendMessage calls to chat_id return 429."""
        with self._cond:
            self._rate_limited[chat_id] = (retry_after, times)

    def set_global_rate_limit(self, max_per_second: int | None = 30) -> None:
        """Return 429 when more than max_per_second sendMessage calls hit any 1 s window."""
        with self._cond:
            self._global_cap = max_per_second
            self._window.clear()

    def max_sends_in_window(self, window: float = 1.0) -> int:
        """Largest number of sendMessage calls observed within any `window` seconds."""
        with self._cond:
            times = sorted(self.send_message_times)
        best, start = 0, 0
        for end, stamp in enumerate(times):
            while stamp - times[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best

    def attempts_to(self, chat_id: ChatId) -> list[float]:
        """When each sendMessage to chat_id arrived (accepted or not), oldest first."""
        with self._cond:
            return [t for c, t in self.send_attempts if c == chat_id]

    def delivered_to(self, chat_id: ChatId) -> list[float]:
        """When each sendMessage to chat_id that was delivered arrived, oldest first."""
        with self._cond:
            return [t for c, t in self.accepted_sends if c == chat_id]

    def messages_to(self, chat_id: ChatId) -> list[JSON]:
        """Copies of the bot's messages to chat_id, oldest first, with edits applied."""
        with self._cond:
            return copy.deepcopy(self._messages.get(chat_id, []))

    def calls_to(self, method: str) -> list[JSON]:
        """Params of every recorded call of `method` (case-insensitive)."""
        with self._cond:
            return [dict(p) for m, p in self.calls if m.lower() == method.lower()]

    def wait_for_message(
        self, chat_id: ChatId, predicate: Match = None, timeout: float = 5.0, after: int = 0
    ) -> JSON:
        """First bot message to chat_id at index >= after whose text matches."""
        if isinstance(predicate, str):
            needle = predicate  # a plain string matches as a substring
            predicate = lambda text: needle in text  # noqa: E731
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for message in self._messages.get(chat_id, [])[after:]:
                    if predicate is None or predicate(message.get("text", "")):
                        return copy.deepcopy(message)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    texts = [m.get("text") for m in self._messages.get(chat_id, [])]
                    raise AssertionError(
                        f"no matching bot message to chat {chat_id} after index {after}"
                        f" within {timeout}s; transcript: {texts!r}"
                    )
                self._cond.wait(remaining)

    def wait_for_calls(self, method: str, count: int = 1, timeout: float = 5.0) -> list[JSON]:
        """Wait until `method` was called at least `count` times; returns their params."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(found := self.calls_to(method)) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [m for m, _ in self.calls]
                    raise AssertionError(
                        f"{method} called {len(found)} times, expected {count}; calls: {seen!r}"
                    )
                self._cond.wait(remaining)
            return found

    def _find(self, chat_id: Any, message_id: Any) -> JSON | None:
        """Stored bot message by chat and id, or None."""
        for message in self._messages.get(chat_id, []):
            if message["message_id"] == message_id:
                return message
        return None

    def _handle(self, path: str, params: JSON) -> tuple[int, JSON]:
        """Authorise, record and execute one Bot API call."""
        prefix, _, method = path.lstrip("/").partition("/")
        if not prefix.startswith("bot") or "/" in method or not method:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        if prefix[3:] != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        handler = getattr(self, f"_api_{method.lower()}", None) if method != "true" else None
        with self._cond:
            self.calls.append((method, params))
            self._cond.notify_all()
        try:
            if handler is None:
                raise ApiError(404, "Not Found")
            result = handler(params)
        except ApiError as err:
            body: JSON = {"ok": False, "error_code": err.code, "description": err.description}
            if err.retry_after is not None:
                body["parameters"] = {"retry_after": err.retry_after}
            return err.code, body
        return 200, {"ok": True, "result": result}

    def _api_getme(self, params: JSON) -> JSON:
        """getMe."""
        flags = ("can_read_all_group_messages", "supports_inline_queries")
        extra = {"can_join_groups": True, "can_connect_to_business": False}
        return {**self.bot_user, **extra, **dict.fromkeys(flags, False)}

    def _api_getupdates(self, params: JSON) -> list[JSON]:
        """getUpdates with offset confirmation, limit and (capped) long polling."""
        if self.webhook["url"]:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset, limit = int(params.get("offset") or 0), int(params.get("limit") or 100)
        wait = min(float(params.get("timeout") or 0), self.max_poll_wait)
        deadline = time.monotonic() + wait
        with self._cond:
            if offset > 0:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and not self._stopping:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            pending = self._updates[offset:] if offset < 0 else self._updates
            return copy.deepcopy(pending[: max(1, min(limit, 100))])

    def _api_sendmessage(self, params: JSON) -> JSON:
        """sendMessage, subject to injected faults and the global rate limit."""
        chat_id, text = params.get("chat_id"), params.get("text")
        if self.before_send is not None:
            self.before_send(chat_id)
        now = time.monotonic()
        with self._cond:
            self.send_message_times.append(now)
            self.send_attempts.append((chat_id, now))
            if self._global_cap is not None:
                while self._window and now - self._window[0] >= 1.0:
                    self._window.popleft()
                if len(self._window) >= self._global_cap:
                    self.violations += 1
                    raise ApiError(429, "Too Many Requests: retry after 1", 1)
                self._window.append(now)
            if chat_id in self._failing:
                raise ApiError(*self._failing[chat_id])
            if chat_id in self._rate_limited:
                retry, times = self._rate_limited.pop(chat_id)
                if times > 1:
                    self._rate_limited[chat_id] = (retry, times - 1)
                raise ApiError(429, f"Too Many Requests: retry after {retry}", retry)
            if chat_id is None:
                raise ApiError(400, "Bad Request: chat_id is empty")
            if not text or not str(text).strip():
                raise ApiError(400, "Bad Request: message text is empty")
            if len(str(text)) > 4096:
                raise ApiError(400, "Bad Request: message is too long")
            self.accepted_sends.append((chat_id, now))
            kind = "private" if isinstance(chat_id, int) and chat_id > 0 else "group"
            chat = self._chats.get(chat_id) or {"id": chat_id, "type": kind}
            message = self._message(chat, dict(self.bot_user), str(text))
            for key in ("entities", "reply_markup"):
                if params.get(key):
                    message[key] = params[key]
            self._messages.setdefault(chat_id, []).append(message)
            self._cond.notify_all()
            return copy.deepcopy(message)

    def _edit(self, method: str, params: JSON, changes: JSON) -> JSON | bool:
        """Apply an edit to a stored message, recording it; absent reply_markup removes it."""
        with self._cond:
            self.edits.append({"method": method, **params})
            if params.get("inline_message_id"):
                return True
            message = self._find(params.get("chat_id"), params.get("message_id"))
            if message is None:
                raise ApiError(400, "Bad Request: message to edit not found")
            markup = params.get("reply_markup") or None
            if all(message.get(k) == v for k, v in changes.items()) and (
                message.get("reply_markup") == markup
            ):
                raise ApiError(400, _NOT_MODIFIED)
            message.update(changes, edit_date=int(time.time()))
            message.pop("reply_markup", None)
            if markup:
                message["reply_markup"] = markup
            self._cond.notify_all()
            return copy.deepcopy(message)

    def _api_editmessagetext(self, params: JSON) -> JSON | bool:
        """editMessageText."""
        if not params.get("text"):
            raise ApiError(400, "Bad Request: message text is empty")
        return self._edit("editMessageText", params, {"text": str(params["text"])})

    def _api_editmessagereplymarkup(self, params: JSON) -> JSON | bool:
        """editMessageReplyMarkup."""
        return self._edit("editMessageReplyMarkup", params, {})

    def _api_answercallbackquery(self, params: JSON) -> bool:
        """answerCallbackQuery for a query id issued by user_presses_button."""
        with self._cond:
            if str(params.get("callback_query_id")) not in self._callback_ids:
                raise ApiError(400, "Bad Request: query is too old and response timeout expired")
            self.answered_callbacks.append(params)
            return True

    def _api_deletemessage(self, params: JSON) -> bool:
        """deleteMessage (the message stays in the transcript; see `deleted`)."""
        with self._cond:
            key = (params.get("chat_id"), params.get("message_id"))
            if self._find(*key) is None or key in self.deleted:
                raise ApiError(400, "Bad Request: message to delete not found")
            self.deleted.append(cast(tuple[ChatId, int], key))
            return True

    def _api_setwebhook(self, params: JSON) -> bool:
        """setWebhook."""
        with self._cond:
            self.webhook = {k: v for k, v in params.items() if k != "certificate"}
            return True

    def _api_deletewebhook(self, params: JSON) -> bool:
        """deleteWebhook, optionally dropping pending updates."""
        with self._cond:
            self.webhook = {"url": ""}
            if params.get("drop_pending_updates"):
                self._updates.clear()
            return True

    def _api_getwebhookinfo(self, params: JSON) -> JSON:
        """getWebhookInfo."""
        with self._cond:
            info = {"url": self.webhook.get("url", ""), "has_custom_certificate": False}
            info["pending_update_count"] = 0 if info["url"] else len(self._updates)
            if self.webhook.get("allowed_updates"):
                info["allowed_updates"] = self.webhook["allowed_updates"]
            return info

    def _api_setmycommands(self, params: JSON) -> bool:
        """setMyCommands."""
        with self._cond:
            commands = list(params.get("commands") or [])
            language = str(params.get("language_code") or "")
            self.commands_by_language[language] = commands
            if not language:
                self.commands = commands
            return True

    def _api_getmycommands(self, params: JSON) -> list[JSON]:
        """getMyCommands."""
        with self._cond:
            return copy.deepcopy(self.commands)

    def _api_true(self, params: JSON) -> bool:
        """Methods that just succeed: sendChatAction, close, logOut."""
        return True

    _api_sendchataction = _api_close = _api_logout = _api_true
