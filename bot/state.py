"""Where each chat is in the conversation, kept on disk so a restart carries on.

The back end holds the answers (the truth); this only remembers small things such as which
consultation a person is reading, or that the next text they send answers a question. Every
change is committed at once (SQLite, standard library), so ``kill -9`` loses nothing.
People are keyed by a hash of their chat id: the file never holds the id itself.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

# Telegram allows 64 bytes of callback data; longer slugs get a short stable code.
SLUG_INLINE_MAX = 32


class StateStore:
    """Per-person conversation state as small JSON documents."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS state (who TEXT PRIMARY KEY, doc TEXT)")
            self._db.execute("CREATE TABLE IF NOT EXISTS slug (code TEXT PRIMARY KEY, slug TEXT)")
            self._db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INT)")

    @staticmethod
    def _key(who: str) -> str:
        return hashlib.sha256(f"youthvoice-chat:{who}".encode()).hexdigest()

    def get(self, who: str) -> dict[str, Any]:
        with self._lock:
            row = self._db.execute(
                "SELECT doc FROM state WHERE who = ?", (self._key(who),)
            ).fetchone()
        return dict(json.loads(row[0])) if row else {}

    def put(self, who: str, doc: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO state (who, doc) VALUES (?, ?) "
                "ON CONFLICT(who) DO UPDATE SET doc = excluded.doc",
                (self._key(who), json.dumps(doc)),
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
