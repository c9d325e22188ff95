"""Fixtures for driving one conversation through every channel adapter."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.bot.support import BotThread, bot_settings, serve_backend
from tests.channels.support import Driver, RasaDriver, TelegramDriver, TerminalDriver
from tests.fakes.telegram_server import FakeTelegramServer
from tests.rasa.conftest import action_server, backend, switchboard  # noqa: F401

CHANNELS = ["telegram", "terminal", "rasa"]
_people = itertools.count(7000)


@pytest.fixture
def backend_url(app: Flask) -> Iterator[str]:
    with serve_backend(app) as url:
        yield url


@pytest.fixture
def telegram() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer(max_poll_wait=0.5) as server:
        yield server


@pytest.fixture(params=CHANNELS)
def channel(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def person(  # type: ignore[no-untyped-def]
    channel: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Driver]:
    """A new young person on ``channel``, talking to the test's back end over HTTP."""
    if channel == "rasa":
        request.getfixturevalue("backend")
        yield RasaDriver(request.getfixturevalue("action_server").url)
        return
    url = request.getfixturevalue("backend_url")
    if channel == "terminal":
        driver = TerminalDriver(url, f"terminal-{next(_people)}")
        yield driver
        driver.close()
        return
    telegram = request.getfixturevalue("telegram")
    bot = BotThread(bot_settings(url, telegram, tmp_path / "bot-state.sqlite3")).start()
    try:
        yield TelegramDriver(telegram, next(_people))
    finally:
        bot.stop()
