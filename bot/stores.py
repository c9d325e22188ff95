"""Where each chat's state is kept between messages, and the chat processes' small local files.

``StateStore`` keeps each person's ChatState on disk so a restart carries on: every change is
committed at once (SQLite, standard library), so ``kill -9`` loses nothing. People are keyed
by a hash of their chat id: the file never holds the id itself. ``MemoryStore`` is for a
caller that keeps the state itself (a Rasa slot). ``local_db`` opens such a file the one way
every chat process does (the delivery journal too).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from pathlib import Path
from typing import Any, Protocol

from bot.state import ChatState

# Telegram allows 64 bytes of callback data; longer slugs get a short stable code.
SLUG_INLINE_MAX = 32


def local_db(path: str | Path, *tables: str, durable: bool = True) -> sqlite3.Connection:
    """A process's own SQLite file in autocommit and WAL, its folder made, its tables made.

    ``durable=False`` lets SQLite skip a sync per commit (a journal that may lose its last
    moments to a power cut, never to ``kill -9``).
    """
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    if not durable:
        db.execute("PRAGMA synchronous=NORMAL")
    for table in tables:
        db.execute(f"CREATE TABLE IF NOT EXISTS {table}")
    return db


class Store(Protocol):
    """Where a channel keeps each person's ChatState between messages."""

    def get(self, who: str) -> ChatState: ...
    def put(self, who: str, state: ChatState) -> None: ...
    def forget(self, who: str) -> None: ...
    def code_for(self, slug: str) -> str: ...
    def slug_for(self, code: str) -> str | None: ...


class MemoryStore:
    """One conversation's state held by the caller, e.g. in a Rasa slot between messages."""

    def __init__(self, who: str = "", doc: dict[str, Any] | None = None) -> None:
        self.states: dict[str, ChatState] = {who: ChatState.from_json(doc)} if doc else {}

    def get(self, who: str) -> ChatState:
        return (
            ChatState.from_json(self.states[who].to_json()) if who in self.states else ChatState()
        )

    def put(self, who: str, state: ChatState) -> None:
        self.states[who] = state

    def forget(self, who: str) -> None:
        self.states.pop(who, None)

    def code_for(self, slug: str) -> str:
        return slug

    def slug_for(self, code: str) -> str | None:
        return code


class StateStore:
    """Per-person conversation state as small JSON documents, on disk."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self._db = local_db(
            path,
            "state (who TEXT PRIMARY KEY, doc TEXT)",
            "slug (code TEXT PRIMARY KEY, slug TEXT)",
            "meta (name TEXT PRIMARY KEY, value INT)",
        )
        self._lock = threading.Lock()

    @staticmethod
    def _key(who: str) -> str:
        return hashlib.sha256(f"youthvoice-chat:{who}".encode()).hexdigest()

    def get(self, who: str) -> ChatState:
        with self._lock:
            row = self._db.execute(
                "SELECT doc FROM state WHERE who = ?", (self._key(who),)
            ).fetchone()
        return ChatState.from_json(json.loads(row[0]) if row else None)

    def put(self, who: str, state: ChatState) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO state (who, doc) VALUES (?, ?) "
                "ON CONFLICT(who) DO UPDATE SET doc = excluded.doc",
                (self._key(who), json.dumps(state.to_json())),
            )

    def forget(self, who: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM state WHERE who = ?", (self._key(who),))

    def code_for(self, slug: str) -> str:
        """The slug itself when it fits in a button, else a short code that maps back to it."""
        if len(slug) <= SLUG_INLINE_MAX and not slug.startswith("~"):
            return slug
        code = "~" + hashlib.sha256(slug.encode()).hexdigest()[:12]
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO slug (code, slug) VALUES (?, ?)", (code, slug))
        return code

    def slug_for(self, code: str) -> str | None:
        if not code.startswith("~"):
            return code
        with self._lock:
            row = self._db.execute("SELECT slug FROM slug WHERE code = ?", (code,)).fetchone()
        return str(row[0]) if row else None

    def last_update_id(self) -> int:
        """The newest Telegram update already handled (0 when none)."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE name = 'update'").fetchone()
        return int(row[0]) if row else 0

    def set_last_update_id(self, update_id: int) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO meta (name, value) VALUES ('update', ?) "
                "ON CONFLICT(name) DO UPDATE SET value = MAX(value, excluded.value)",
                (update_id,),
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()
