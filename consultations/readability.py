"""How hard a text is to read, and which sentences and words make it so.

Works offline: textstat 0.7.8 counts syllables with pyphen's bundled dictionaries.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import textstat

from consultations.errors import OffendingSentence
from consultations.glossary import GlossaryEntry, find_terms

DEFAULT_TARGET_AGE = 12
LONG_SENTENCE_WORDS = 20

PLAINER_WORDS_FILE = Path(__file__).with_name("plainer_words.json")


@cache
def plainer_word_list() -> dict[str, str]:
    """Officialese with a plainer word, shown to officers rewriting a text."""
    loaded: dict[str, str] = json.loads(PLAINER_WORDS_FILE.read_text(encoding="utf-8"))
    return loaded


def _inflected(word: str) -> str:
    """A pattern for a word and its everyday endings: ensure, ensures, ensured, ensuring."""
    if word.endswith("e"):
        return rf"{re.escape(word)}[sd]?|{re.escape(word[:-1])}ing"
    if word.endswith("y") and len(word) > 3:
        stem = re.escape(word[:-1])
        return rf"{re.escape(word)}s?|{stem}(?:ies|ied)|{re.escape(word)}ing"
    return rf"{re.escape(word)}(?:s|es|ed|ing)?"


@cache
def _avoid_pattern(phrase: str) -> re.Pattern[str]:
    # The first word carries the ending: "focused on", "tackling", "priorities".
    first, _, rest = phrase.partition(" ")
    tail = (r"\s+" + r"\s+".join(re.escape(w) for w in rest.split())) if rest else ""
    return re.compile(rf"\b(?:{_inflected(first)}){tail}\b")


def plainer_words(text: str) -> dict[str, str]:
    """The officialese in a (lower-cased) text, each with its plainer word."""
    return {
        word: simpler
        for word, simpler in plainer_word_list().items()
        if _avoid_pattern(word).search(text)
    }


_MARKDOWN_NOISE = re.compile(
    r"(!?\[([^\]]*)\]\([^)]*\))|[#*_>`]|^[ \t]*[-+][ \t]+|^[ \t]*\d+\.[ \t]+", re.M
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n{2,}|\n(?=\s*[-+*]\s)")
_WORD = re.compile(r"[A-Za-z0-9’']+")


def plain_text(markdown_text: str) -> str:
    """Strip Markdown syntax so only the words a reader sees are scored."""
    return _MARKDOWN_NOISE.sub(lambda m: m.group(2) or "", markdown_text)


def sentences(text: str) -> list[str]:
    """Split plain text into sentences; list items count as sentences of their own."""
    parts = (" ".join(p.split()) for p in _SENTENCE_END.split(text))
    return [p for p in parts if _WORD.search(p)]


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def reading_age(text: str) -> float:
    """UK reading age: Flesch-Kincaid grade plus five, never below five."""
    if not _WORD.search(text):
        return 5.0
    return max(5.0, round(textstat.flesch_kincaid_grade(text) + 5, 1))


@dataclass
class Readability:
    """The readability panel's content for one text."""

    reading_age: float
    reading_ease: float
    target: float
    words: int
    minutes_to_read: int
    long_sentences: list[OffendingSentence] = field(default_factory=list)
    hard_sentences: list[OffendingSentence] = field(default_factory=list)
    glossary_terms: list[GlossaryEntry] = field(default_factory=list)
    words_to_avoid: dict[str, str] = field(default_factory=dict)

    @property
    def passes(self) -> bool:
        return self.reading_age <= self.target

    def as_dict(self) -> dict[str, object]:
        return {
            "reading_age": self.reading_age,
            "reading_ease": self.reading_ease,
            "target": self.target,
            "passes": self.passes,
            "words": self.words,
            "minutes_to_read": self.minutes_to_read,
            "long_sentences": [s.text for s in self.long_sentences],
            "hard_sentences": [
                {"text": s.text, "reading_age": s.reading_age} for s in self.hard_sentences
            ],
            "glossary_terms": [t.term for t in self.glossary_terms],
            "words_to_avoid": self.words_to_avoid,
        }


def minutes_to_read(words: int) -> int:
    # Young readers on phones: about 150 words a minute, never "0 minutes".
    return max(1, round(words / 150))


def analyse(
    text: str,
    *,
    target: float = DEFAULT_TARGET_AGE,
    glossary: list[GlossaryEntry] | None = None,
) -> Readability:
    """Score a Markdown or plain text against a target reading age."""
    plain = plain_text(text)
    all_sentences = sentences(plain)
    scored = [OffendingSentence(s, reading_age(s), word_count(s)) for s in all_sentences]
    lowered = plain.lower()
    avoid = plainer_words(lowered)
    words = word_count(plain)
    return Readability(
        reading_age=reading_age(plain),
        reading_ease=round(textstat.flesch_reading_ease(plain), 1) if words else 100.0,
        target=float(target),
        words=words,
        minutes_to_read=minutes_to_read(words),
        long_sentences=[s for s in scored if s.words > LONG_SENTENCE_WORDS],
        hard_sentences=sorted(
            (s for s in scored if s.reading_age > target and s.words >= 4),
            key=lambda s: s.reading_age,
            reverse=True,
        ),
        glossary_terms=find_terms(plain, glossary) if glossary is not None else [],
        words_to_avoid=avoid,
    )
