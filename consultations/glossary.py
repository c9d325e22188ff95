"""Jargon and its plain-words explanations, found in a text.

The default terms ship in ``glossary.json``; officers can add and edit terms, which live
in the database (``GlossaryTerm``) and are seeded from this file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    explanation: str
    aliases: tuple[str, ...] = ()

    @property
    def anchor(self) -> str:
        return "term-" + re.sub(r"[^a-z0-9]+", "-", self.term.lower()).strip("-")

    def forms(self) -> tuple[str, ...]:
        return (self.term, *self.aliases)


@cache
def default_terms() -> tuple[GlossaryEntry, ...]:
    """The glossary that ships with the platform."""
    raw = json.loads(resources.files("consultations").joinpath("glossary.json").read_text("utf-8"))
    return tuple(
        GlossaryEntry(item["term"], item["explanation"], tuple(item.get("aliases", ())))
        for item in raw
    )


def _pattern(form: str) -> str:
    # Whole words, any case, with an optional plural; acronyms (all capitals) match exactly.
    escaped = re.escape(form).replace(r"\ ", r"\s+")
    if form.isupper():
        return rf"(?<![\w-]){escaped}s?(?![\w-])"
    return rf"(?i:(?<![\w-]){escaped}(?:s|es)?(?![\w-]))"


@cache
def _compiled(entries: tuple[GlossaryEntry, ...]) -> list[tuple[GlossaryEntry, re.Pattern[str]]]:
    return [
        (
            entry,
            re.compile("|".join(_pattern(f) for f in sorted(entry.forms(), key=len, reverse=True))),
        )
        for entry in entries
    ]


def find_terms(
    text: str, entries: list[GlossaryEntry] | tuple[GlossaryEntry, ...] | None = None
) -> list[GlossaryEntry]:
    """Glossary entries used in ``text``, in order of first use."""
    found: list[tuple[int, GlossaryEntry]] = []
    for entry, pattern in _compiled(tuple(entries if entries is not None else default_terms())):
        match = pattern.search(text)
        if match:
            found.append((match.start(), entry))
    return [entry for _, entry in sorted(found, key=lambda pair: pair[0])]


def first_uses(text: str, entries: list[GlossaryEntry]) -> list[tuple[int, int, GlossaryEntry]]:
    """Non-overlapping spans of the first use of each term, longest terms winning ties."""
    spans: list[tuple[int, int, GlossaryEntry]] = []
    for entry, pattern in _compiled(
        tuple(sorted(entries, key=lambda e: len(e.term), reverse=True))
    ):
        for match in pattern.finditer(text):
            start, end = match.span()
            if all(end <= s or start >= e for s, e, _ in spans):
                spans.append((start, end, entry))
                break
    return sorted(spans, key=lambda span: span[0])
