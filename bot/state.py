"""Where each chat is in the conversation, kept on disk so a restart carries on.

The back end holds the answers (the truth); this only remembers small things such as which
consultation a person is reading, or that the next text they send answers a question. Every
change is committed at once (SQLite, standard library), so ``kill -9`` loses nothing.
People are keyed by a hash of their chat id: the file never holds the id itself.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

# Telegram allows 64 bytes of callback data; longer slugs get a short stable code.
SLUG_INLINE_MAX = 32


# What the next yes or no answers: deleting everything, or messages about results.
Offer = Literal["forget", "updates"]
# The optional profile questions, asked after a first consultation has been answered.
ProfileStep = Literal["age", "area"]


@dataclass
class ChatState:
    """Where one person is in the conversation. The back end holds their answers."""

    lang: str | None = None
    # Greeted once; a deep link or "hi" later goes straight to what was asked for.
    welcomed: bool = False
    # The consultation being read or answered, and the question shown last.
    slug: str | None = None
    question: int | None = None
    # The next text answers the written question ``question``.
    writing: bool = False
    # How many pages of the consultation's text have been shown (the "more" step).
    page: int = 0
    offer: Offer | None = None
    profile: ProfileStep | None = None
    profile_done: bool = False
    # The slugs of the last list shown, so "2" or words of a title pick one.
    listed: list[str] = field(default_factory=list)
    # Options ticked on a multiple-choice question, not yet saved (question id → option ids).
    ticks: dict[int, list[int]] = field(default_factory=dict)
    skipped: dict[str, list[int]] = field(default_factory=dict)
    # Buttons pressed lately, so a double tap says "already saved" instead of saving twice.
    recent: list[str] = field(default_factory=list)
    # Set once everything about the person was deleted: the state must not be written back.
    forgotten: bool = False

    def to_json(self) -> dict[str, Any]:
        doc = dataclasses.asdict(self)
        doc["ticks"] = {str(k): v for k, v in self.ticks.items()}
        return doc

    @classmethod
    def from_json(cls, doc: dict[str, Any] | None) -> ChatState:
        """A state from its JSON; anything unknown or malformed starts fresh, never fails."""
        if not isinstance(doc, dict):
            return cls()
        names = {f.name for f in dataclasses.fields(cls)}
        awaiting = doc.get("awaiting")
        if isinstance(awaiting, str) and awaiting.startswith("t:") and awaiting[2:].isdigit():
            # A file from before ChatState: the person was writing an answer to question N.
            doc = {**doc, "question": int(awaiting[2:]), "writing": True}
        try:
            state = cls(**{k: v for k, v in doc.items() if k in names})
            state.ticks = {int(k): [int(i) for i in v] for k, v in dict(state.ticks).items()}
            state.skipped = {str(k): [int(i) for i in v] for k, v in dict(state.skipped).items()}
            state.listed = [str(s) for s in state.listed]
            state.recent = [str(r) for r in state.recent]
        except (TypeError, ValueError):
            return cls()
        return state


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
