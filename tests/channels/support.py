"""One young person's chat, driven the same way through every channel adapter.

Each driver sends what the person types or presses through the real adapter and returns
what came back as ``Said`` (text and button labels):

- Telegram: python-telegram-bot long-polling the local fake Bot API server;
- terminal: ``bot.terminal.chat`` reading a pipe, as ``youthvoice chat`` reads stdin;
- Rasa: ``youthvoice actions``' ``/webhook`` with the calls Rasa 3.6 makes, the tracker and
  its ``chat`` slot carried from call to call as Rasa's tracker store does.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot import wording
from bot.client import ApiClient
from bot.terminal import chat as terminal_chat
from tests.bot.support import LINKS
from tests.conftest import CHANNEL_TOKENS
from tests.fakes.telegram_server import FakeTelegramServer
from tests.rasa.support import Conversation as RasaTracker
from tests.rasa.support import button_message

TURN_TIMEOUT = 15.0


@dataclass
class Said:
    text: str
    buttons: list[str] = field(default_factory=list)


class Driver(Protocol):
    name: str

    def send(self, text: str) -> list[Said]: ...
    def press(self, label: str) -> list[Said]: ...


def texts(said: list[Said]) -> str:
    return "\n".join(s.text for s in said)


# --- Telegram -------------------------------------------------------------------------------


class TelegramDriver:
    name = "telegram"

    def __init__(
        self, telegram: FakeTelegramServer, chat_id: int, handled: Callable[[], int]
    ) -> None:
        # ``handled`` reads the newest update the bot has finished with (its state store
        # records it after every handler has run), so a turn ends when the bot is done.
        self.telegram, self.chat_id, self.handled = telegram, chat_id, handled

    def _turn(self, act: Callable[[], dict[str, Any]]) -> list[Said]:
        before_messages = len(self.telegram.messages_to(self.chat_id))
        edits = len(self.telegram.calls_to("editMessageText"))
        update_id = int(act()["update_id"])
        deadline = time.monotonic() + TURN_TIMEOUT
        while self.handled() < update_id:
            assert time.monotonic() < deadline, "Telegram: no reply"
            time.sleep(0.01)
        out = []
        for call in self.telegram.calls_to("editMessageText")[edits:]:
            out.append(Said(str(call["text"]), self._labels(call.get("reply_markup"))))
        for message in self.telegram.messages_to(self.chat_id)[before_messages:]:
            out.append(Said(message.get("text", ""), self._labels(message.get("reply_markup"))))
        return out

    @staticmethod
    def _labels(markup: Any) -> list[str]:
        if isinstance(markup, str):
            markup = json.loads(markup)
        rows = (markup or {}).get("inline_keyboard", [])
        return [b["text"] for row in rows for b in row if "callback_data" in b]

    def send(self, text: str) -> list[Said]:
        return self._turn(lambda: self.telegram.user_sends_text(self.chat_id, text))

    def press(self, label: str) -> list[Said]:
        for message in reversed(self.telegram.messages_to(self.chat_id)):
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for b in row:
                    if b.get("text") == label and "callback_data" in b:
                        data, message_id = b["callback_data"], message["message_id"]
                        return self._turn(
                            lambda m=message_id, d=data: self.telegram.user_presses_button(
                                self.chat_id, m, d
                            )
                        )
        raise AssertionError(f"telegram: no button {label!r}")


# --- Terminal -------------------------------------------------------------------------------


class _Screen(io.StringIO):
    """The terminal's stdout; a prompt ("> ") at the end means the chat waits for a line."""

    def __init__(self) -> None:
        super().__init__()
        self.prompted = threading.Condition()

    def write(self, text: str) -> int:
        with self.prompted:
            written = super().write(text)
            self.prompted.notify_all()
        return written


class TerminalDriver:
    name = "terminal"

    def __init__(self, backend_url: str, who: str) -> None:
        self.backend_url, self.who = backend_url, who
        self.screen = _Screen()
        self.read_end, self.write_end = os.pipe()
        self.thread: threading.Thread | None = None
        self.choices: list[str] = []
        self.shown = 0

    def _run(self, start: str) -> None:
        api = ApiClient(self.backend_url, CHANNEL_TOKENS["rasa"], channel="rasa")
        with os.fdopen(self.read_end, encoding="utf-8") as stdin:
            asyncio.run(terminal_chat(api, self.who, LINKS, stdin, self.screen, start=start))

    def _wait(self) -> list[Said]:
        deadline = time.monotonic() + TURN_TIMEOUT
        with self.screen.prompted:
            while not self.screen.getvalue().endswith("> "):
                assert self.screen.prompted.wait(deadline - time.monotonic()), "terminal: stuck"
        shown = self.screen.getvalue()[self.shown :]
        self.shown = len(self.screen.getvalue())
        out: list[Said] = []
        # The terminal's own prompt under every turn with choices is not a reply.
        prompts = {wording.text("CHOOSE_NUMBER", lang) for lang in wording.LANGUAGES}
        for block in shown.removesuffix("> ").split("\n\n"):
            lines = [line for line in block.splitlines() if line.strip() and line not in prompts]
            buttons = [line.split("] ", 1)[1] for line in lines if line.startswith("  [")]
            text = "\n".join(line for line in lines if not line.startswith("  ["))
            if text or buttons:
                out.append(Said(text, buttons))
        labels = [b for s in out for b in s.buttons]
        if labels:
            self.choices = labels
        return out

    def _line(self, line: str) -> list[Said]:
        os.write(self.write_end, (line + "\n").encode())
        # The prompt from the turn before is already there: wait for new output first.
        deadline = time.monotonic() + TURN_TIMEOUT
        while len(self.screen.getvalue()) == self.shown:
            assert time.monotonic() < deadline, "terminal: no reply"
            time.sleep(0.01)
        return self._wait()

    def send(self, text: str) -> list[Said]:
        if self.thread is None:
            # The terminal chat starts with /start, as `youthvoice chat --start` does.
            start = text.split(" ", 1)[1] if text.startswith("/start ") else ""
            self.thread = threading.Thread(target=self._run, args=(start,), daemon=True)
            self.thread.start()
            launched = self._wait()
            if text.startswith("/start") or text.casefold() in ("hi", "hello", "hiya"):
                return launched
        return self._line(text)

    def press(self, label: str) -> list[Said]:
        assert label in self.choices, f"terminal: no choice {label!r} in {self.choices!r}"
        return self._line(str(self.choices.index(label) + 1))

    def close(self) -> None:
        os.close(self.write_end)
        if self.thread is not None:
            self.thread.join(timeout=10)


# --- Rasa -----------------------------------------------------------------------------------


class RasaDriver:
    """Rasa's side of the calls: every message runs ``action_converse`` with its tracker."""

    name = "rasa"

    def __init__(self, action_url: str, *, language: str | None = None) -> None:
        metadata = {"language": language} if language else {}
        self.tracker = RasaTracker(action_url, channel="rest", metadata=metadata)
        self.buttons: list[dict[str, str]] = []

    def _run(
        self, text: str, intent: str, entities: list[dict[str, Any]], confidence: float = 1.0
    ) -> list[Said]:
        self.tracker.user(text, intent, entities)
        self.tracker.latest_message["intent"]["confidence"] = confidence
        replies = self.tracker.run("action_converse")
        out = [
            Said(r.get("text") or "", [b["title"] for b in r.get("buttons") or []]) for r in replies
        ]
        offered = [b for r in replies for b in r.get("buttons") or []]
        if offered:
            self.buttons = offered
        return out

    def send(self, text: str) -> list[Said]:
        # Whatever the NLU would make of it, the engine reads the text itself first.
        return self._run(text, "nlu_fallback", [])

    def press(self, label: str) -> list[Said]:
        for b in self.buttons:
            if b["title"] == label:
                return self._run(*button_message(b["payload"]))
        raise AssertionError(f"rasa: no button {label!r} in {[b['title'] for b in self.buttons]}")
