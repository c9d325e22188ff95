"""Where each chat is in the conversation: a typed state the engine reads and changes.

The back end holds the answers (the truth); this only remembers small things such as which
consultation a person is reading, or that the next text they send answers a question. Where
it is kept between messages is ``bot.stores``' business, not the engine's.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

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
