"""Questions as chat messages, and what a young person sent turned into an API answer.

Pure functions: no network, no Rasa. Buttons are Rasa buttons whose payloads carry the
answer (``/choose{"answer": "2"}``); typed replies (a number, an option's words, free text)
are understood too, so channels without buttons work the same.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass

from bot import wording
from bot.wording import say
from channel_api import payloads as api

DONE_WORD = "done"
SKIP_WORD = "skip"
STOP_WORDS = frozenset({"stop", "cancel", "quit", "exit", "/stop", "/cancel"})


def button(title: str, intent: str, **entities: str) -> dict[str, str]:
    """A Rasa button: the title shown, the intent (and entities) sent back when tapped."""
    payload = f"/{intent}"
    if entities:
        payload += json.dumps(entities, ensure_ascii=False, separators=(",", ":"))
    return {"title": title, "payload": payload}


def choice(value: str, title: str) -> dict[str, str]:
    return button(title, "choose", answer=value)


def numbered(labels: list[str]) -> str:
    return "\n".join(f"{n}. {label}" for n, label in enumerate(labels, start=1))


def question_message(
    question: api.Question, number: int, total: int, picked: list[int] | None = None
) -> tuple[str, list[dict[str, str]]]:
    """The text and buttons that ask ``question`` (``picked``: options chosen so far)."""
    kind = question.kind
    lines = [wording.question_header(number, total, question.prompt)]
    buttons: list[dict[str, str]] = []
    labels = [o.label for o in question.options]
    if kind == "single_choice":
        lines += [numbered(labels), say.CHAT_PICK_HINT]
        buttons = [choice(str(n), label) for n, label in enumerate(labels, start=1)]
    elif kind == "multiple_choice":
        chosen = set(picked or [])
        lines += [numbered(labels), wording.multiple_choice_hint(), say.CHAT_TYPE_NUMBERS]
        if chosen:
            names = ", ".join(labels[i - 1] for i in sorted(chosen) if 0 < i <= len(labels))
            lines.append(say.PICKED_SO_FAR.format(picked=names))
        buttons = [
            choice(str(n), f"✅ {label}" if n in chosen else label)
            for n, label in enumerate(labels, start=1)
        ]
        buttons.append(choice(DONE_WORD, say.DONE))
    elif kind == "scale":
        scale = question.scale
        lines.append(
            wording.scale_hint(scale.min_label if scale else "", scale.max_label if scale else "")
        )
        buttons = [choice(str(n), str(n)) for n in range(1, 6)]
    else:
        lines.append(say.CHAT_TYPE_ANSWER.format(limit=question.max_length or 1000))
    if not question.required:
        buttons.append(choice(SKIP_WORD, say.SKIP))
    return "\n".join(line for line in lines if line), buttons


@dataclass(frozen=True)
class Reject:
    """Not an answer to this question: say ``message`` and ask again."""

    message: str


@dataclass(frozen=True)
class Toggle:
    """A multiple-choice pick changed; nothing is saved until Done."""

    picked: list[int]


@dataclass(frozen=True)
class Skip:
    """The young person chose not to answer this one."""


@dataclass(frozen=True)
class Submit:
    """A valid answer, shaped for ``POST /consultations/<slug>/answers``."""

    answer: api.AnswerIn


Outcome = Reject | Toggle | Skip | Submit


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _has_words(text: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def _option_number(text: str, labels: list[str]) -> int | None:
    """1-based option a reply names: its number, or its label (exactly, or a clear start)."""
    folded = _fold(text).strip(" .!")
    if folded.isdigit():
        n = int(folded)
        return n if 1 <= n <= len(labels) else None
    exact = [i for i, label in enumerate(labels, start=1) if _fold(label) == folded]
    if exact:
        return exact[0]
    starts = [
        i for i, label in enumerate(labels, start=1) if folded and _fold(label).startswith(folded)
    ]
    return starts[0] if len(starts) == 1 else None


def _option_numbers(text: str, labels: list[str]) -> list[int] | None:
    parts = [p for p in re.split(r"\s*(?:,|;|\band\b|&|\+)\s*|\s+(?=\d)", _fold(text)) if p]
    numbers = [_option_number(p, labels) for p in parts]
    if not numbers or any(n is None for n in numbers):
        return None
    return sorted({n for n in numbers if n is not None})


def is_stop(raw: str) -> bool:
    return _fold(raw) in STOP_WORDS


def is_command(raw: str) -> bool:
    """A button payload or a typed command (``/help``, ``/pick_consultation{…}``), not an answer."""
    return re.fullmatch(r"/[A-Za-z_]+(\{.*\})?", raw.strip(), re.S) is not None


def understand(question: api.Question, raw: str, picked: list[int] | None) -> Outcome:
    """Check a reply against the question's kind and options."""
    kind = question.kind
    text = raw.strip()
    folded = _fold(text)
    options = question.options
    labels = [o.label for o in options]
    if folded == SKIP_WORD:
        return Skip() if not question.required else Reject(say.REQUIRED)
    if kind == "single_choice":
        n = _option_number(text, labels)
        if n is None:
            return Reject(say.PICK_AN_OPTION)
        return Submit(api.AnswerIn(question_id=question.id, option_ids=[options[n - 1].id]))
    if kind == "multiple_choice":
        chosen = set(picked or [])
        if folded == DONE_WORD:
            if not chosen:
                return Reject(say.PICK_AT_LEAST_ONE) if question.required else Skip()
            ids = [options[i - 1].id for i in sorted(chosen) if 0 < i <= len(options)]
            return Submit(api.AnswerIn(question_id=question.id, option_ids=ids))
        single = _option_number(text, labels)
        if single is not None and not re.search(r"[,;&+]|\band\b", folded):
            return Toggle(sorted(chosen ^ {single}))
        several = _option_numbers(text, labels)
        if several is None:
            return Reject(say.PICK_AN_OPTION)
        ids = [options[i - 1].id for i in several]
        return Submit(api.AnswerIn(question_id=question.id, option_ids=ids))
    if kind == "scale":
        match = re.fullmatch(r"\s*([1-5])\s*(?:/\s*5)?\s*[.!]?\s*", text)
        if not match:
            return Reject(say.PICK_A_NUMBER)
        return Submit(api.AnswerIn(question_id=question.id, value=int(match.group(1))))
    limit = question.max_length or 1000
    if not text:
        return Reject(say.EMPTY_TEXT)
    if not _has_words(text):
        return Reject(say.EMOJI_ONLY)
    if len(text) > limit:
        return Reject(say.TEXT_TOO_LONG.format(limit=limit))
    return Submit(api.AnswerIn(question_id=question.id, text=text))


def said(question: api.Question, stored: api.StoredAnswer) -> str:
    """How a saved answer reads back in the summary."""
    if question.kind == "scale" and stored.value is not None:
        return f"{stored.value} out of 5"
    if stored.text:
        return stored.text
    labels = {o.id: o.label for o in question.options}
    return ", ".join(labels.get(i, "?") for i in stored.option_ids)
