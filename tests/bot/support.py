"""Run the real back end and the bot over loopback HTTP for the bot tests."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask

from bot.client import ApiClient
from bot.conversation import Links
from bot.stores import StateStore
from bot.telegram.app import BotSettings, build_application, publish_commands
from tests.conftest import CHANNEL_TOKENS
from tests.fakes.telegram_server import DEFAULT_TOKEN, FakeTelegramServer
from tests.servers import serve

LINKS = Links(privacy_url="http://testserver/privacy", web_url="http://testserver/")


@contextmanager
def serve_backend(app: Flask) -> Iterator[str]:
    """The test app on a real port, for clients in other threads/processes."""
    with serve(app) as url:
        yield url


def bot_settings(backend_url: str, telegram: FakeTelegramServer, state: Path) -> BotSettings:
    return BotSettings(
        token=DEFAULT_TOKEN,
        api_url=backend_url,
        channel_token=CHANNEL_TOKENS["telegram"],
        state_path=state,
        links=LINKS,
        telegram_api_url=f"http://127.0.0.1:{telegram.port}",
    )


class BotThread:
    """The bot's Application long-polling the fake server, in its own thread and event loop."""

    def __init__(self, settings: BotSettings) -> None:
        self.settings = settings
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as error:  # surfaced by start()/stop()
            self._error = error
            self._ready.set()

    async def _main(self) -> None:
        store = StateStore(self.settings.state_path)
        api = ApiClient(self.settings.api_url, self.settings.channel_token, channel="telegram")
        application = build_application(self.settings, api, store)
        async with application:
            assert application.updater is not None
            await application.updater.start_polling(poll_interval=0.0, timeout=1)
            await application.start()
            await publish_commands(application)  # as post_init does in `youthvoice bot`
            self._ready.set()
            while not self._stop.is_set():
                await asyncio.sleep(0.02)
            await application.updater.stop()
            await application.stop()
        await api.aclose()
        store.close()

    def start(self) -> BotThread:
        self._thread.start()
        self._ready.wait(10)
        if self._error:
            raise self._error
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        if self._error:
            raise self._error


class Chat:
    """One young person's private chat with the bot, as seen through the fake server."""

    def __init__(self, telegram: FakeTelegramServer, chat_id: int, timeout: float = 8.0) -> None:
        self.telegram, self.chat_id, self.timeout = telegram, chat_id, timeout
        self.presses = 0

    @property
    def transcript(self) -> list[dict[str, Any]]:
        return self.telegram.messages_to(self.chat_id)

    def texts(self, after: int = 0) -> list[str]:
        return [m.get("text", "") for m in self.transcript[after:]]

    def send(self, text: str, expect: str | Callable[[str], bool]) -> dict[str, Any]:
        """Send text and wait for the bot's reply matching ``expect``."""
        start = len(self.transcript)
        self.telegram.user_sends_text(self.chat_id, text)
        return self.telegram.wait_for_message(self.chat_id, expect, self.timeout, after=start)

    def button(self, label: str) -> tuple[int, str]:
        """(message id, callback data) of the newest button labelled ``label``."""
        for message in reversed(self.transcript):
            rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
            for row in rows:
                for b in row:
                    if b.get("text") == label and "callback_data" in b:
                        return message["message_id"], b["callback_data"]
        raise AssertionError(f"no button {label!r}; transcript: {self.texts()!r}")

    def press(self, label: str, expect: str | Callable[[str], bool] | None) -> dict[str, Any]:
        message_id, data = self.button(label)
        return self.press_data(message_id, data, expect)

    def press_data(
        self, message_id: int, data: str, expect: str | Callable[[str], bool] | None
    ) -> dict[str, Any]:
        start = len(self.transcript)
        answered = len(self.telegram.answered_callbacks)
        self.telegram.user_presses_button(self.chat_id, message_id, data)
        self.presses += 1
        deadline = time.monotonic() + self.timeout
        while len(self.telegram.answered_callbacks) <= answered:  # every query is answered
            assert time.monotonic() < deadline, "callback query not answered"
            time.sleep(0.01)
        if expect is None:
            return self.telegram.answered_callbacks[-1]
        return self.telegram.wait_for_message(self.chat_id, expect, self.timeout, after=start)


def add_subscribers(consultation: Any, count: int, *, first_address: int = 100_000) -> list[str]:
    """``count`` opted-in participants who took part in ``consultation``; their addresses.

    Inserted in bulk (the delivery tests and the benchmark need thousands, quickly).
    """
    import uuid

    from sqlalchemy import insert, select

    from consultations.db import db
    from consultations.models import Participant, Participation
    from feedback.models import Subscription

    run = uuid.uuid4().hex[:8]
    db.session.execute(
        insert(Participant),
        [{"pseudonym": f"sub-{run}-{i}", "channel": "telegram"} for i in range(count)],
    )
    ids = list(
        db.session.scalars(
            select(Participant.id)
            .where(Participant.pseudonym.like(f"sub-{run}-%"))
            .order_by(Participant.id)
        )
    )
    db.session.execute(
        insert(Participation),
        [
            {"consultation_id": consultation.id, "participant_id": p, "channel": "telegram"}
            for p in ids
        ],
    )
    addresses = [str(first_address + i) for i in range(count)]
    db.session.execute(
        insert(Subscription),
        [
            {"participant_id": p, "channel": "telegram", "address": a, "active": True}
            for p, a in zip(ids, addresses, strict=True)
        ],
    )
    db.session.commit()
    return addresses
