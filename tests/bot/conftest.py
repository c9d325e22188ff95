from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

from tests.bot.support import BotThread, Chat, bot_settings, serve_backend
from tests.fakes.telegram_server import FakeTelegramServer


@dataclass
class Running:
    backend_url: str
    telegram: FakeTelegramServer
    state: Path

    def chat(self, chat_id: int = 4242) -> Chat:
        return Chat(self.telegram, chat_id)


@pytest.fixture
def backend_url(app: Flask) -> Iterator[str]:
    with serve_backend(app) as url:
        yield url


@pytest.fixture
def telegram() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer(max_poll_wait=0.5) as server:
        yield server


@pytest.fixture
def running(backend_url: str, telegram: FakeTelegramServer, tmp_path: Path) -> Iterator[Running]:
    """The real back end and the bot, both over loopback HTTP."""
    state = tmp_path / "bot-state.sqlite3"
    bot = BotThread(bot_settings(backend_url, telegram, state)).start()
    try:
        yield Running(backend_url, telegram, state)
    finally:
        bot.stop()
