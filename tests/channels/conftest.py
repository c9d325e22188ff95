"""Fixtures for driving one conversation through every channel adapter."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.stores import StateStore
from tests.bot.conftest import backend_url, telegram  # noqa: F401
from tests.bot.support import BotThread, bot_settings
from tests.channels.support import Driver, RasaDriver, TelegramDriver, TerminalDriver
from tests.rasa.conftest import action_server, backend, switchboard  # noqa: F401

CHANNELS = ["telegram", "terminal", "rasa"]
_people = itertools.count(7000)


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
    fake = request.getfixturevalue("telegram")
    state = tmp_path / "bot-state.sqlite3"
    bot = BotThread(bot_settings(url, fake, state)).start()
    store = StateStore(state)
    try:
        yield TelegramDriver(fake, next(_people), store.last_update_id)
    finally:
        bot.stop()
        store.close()
