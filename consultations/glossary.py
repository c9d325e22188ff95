"""Jargon and its plain-words explanations, found in a text.

The default terms ship in ``glossary.json``; officers can add and edit terms, which live
in the database (``GlossaryTerm``) and are seeded from this file.

Every term and alias of a glossary goes into one matcher (a trie), built once per glossary
and kept until the glossary changes. A text is then read once: at each place a word can
start, the matcher follows the text no further than the longest form, so a page costs the
same whether the glossary has ten forms or ten thousand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from consultations.errors import InvalidEdit

# Abbreviations and other spellings of one term: a handful is plenty, and each is a short
# phrase. Far more slows every page that mentions the term for nothing.
ALIASES_MAX = 20
ALIAS_LENGTH_MAX = 80


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


def check_aliases(aliases: Iterable[str]) -> list[str]:
    """The aliases as stored (spaces tidied, blanks dropped); InvalidEdit past the limits."""
    cleaned = [" ".join(a.split()) for a in aliases if a.strip()]
    if len(cleaned) > ALIASES_MAX:
        raise InvalidEdit(
            f"Give at most {ALIASES_MAX} other forms; you gave {len(cleaned)}. "
            "Keep the ones young people will meet."
        )
    too_long = next((a for a in cleaned if len(a) > ALIAS_LENGTH_MAX), None)
    if too_long is not None:
        raise InvalidEdit(
            f"Keep each other form to {ALIAS_LENGTH_MAX} characters or fewer "
            f"(one is {len(too_long)}). Separate them with commas."
        )
    return cleaned


@cache
def default_terms() -> tuple[GlossaryEntry, ...]:
    """The glossary that ships with the platform."""
    raw = json.loads(resources.files("consultations").joinpath("glossary.json").read_text("utf-8"))
    return tuple(
        GlossaryEntry(item["term"], item["explanation"], tuple(item.get("aliases", ())))
        for item in raw
    )


# --- the matcher ----------------------------------------------------------------------------

# A form's space matches any run of whitespace (a phrase broken over a line still counts).
_SPACE = " "


def _is_word(ch: str) -> bool:
    # What the regular expression ``[\w-]`` calls part of a word.
    return ch.isalnum() or ch in "_-"


def _fold(ch: str) -> str:
    lowered = ch.lower()
    return lowered if len(lowered) == 1 else ch


# A trie node is a dict from the next character to the next node; under ``_ENDS`` (never a
# character) it lists (entry index, rank of the form within its entry) for forms ending
# there. Plain dicts: a glossary of thousands of forms builds in a blink.
_ENDS = ""
_Node = dict[str, Any]


def _insert(root: _Node, form: str, fold: bool, where: tuple[int, int]) -> None:
    node = root
    for ch in " ".join(form.split()):
        key = _SPACE if ch == " " else (_fold(ch) if fold else ch)
        node = node.setdefault(key, {})
    node.setdefault(_ENDS, []).append(where)


@dataclass(frozen=True)
class Use:
    """One place a term is used: ``text[start:end]`` is a form of ``entries[entry]``."""

    start: int
    end: int
    entry: int
    rank: int


class TermMatcher:
    """Every form of every entry in two tries: acronyms exactly, other words in any case.

    The rules are those of each form read as a whole word: not inside a longer word (a
    hyphen counts as part of a word), spaces matching any whitespace, and an optional plural
    (``s`` or ``es`` for words, ``s`` for acronyms, which must match their capitals).
    """

    def __init__(self, entries: tuple[GlossaryEntry, ...]) -> None:
        self.entries = entries
        self._words: _Node = {}
        self._acronyms: _Node = {}
        for index, entry in enumerate(entries):
            # An entry's longest form wins where several start at the same place.
            ranked = sorted(entry.forms(), key=len, reverse=True)
            for rank, form in enumerate(ranked):
                if not form.strip():
                    continue
                if form.isupper():
                    _insert(self._acronyms, form, False, (index, rank))
                else:
                    _insert(self._words, form, True, (index, rank))

    def uses(self, text: str) -> list[Use]:
        """Every place any form is used, by start, then by entry, then by rank."""
        found: list[Use] = []
        size = len(text)
        for start in range(size):
            if start and _is_word(text[start - 1]):
                continue
            self._walk(text, start, self._words, True, found)
            self._walk(text, start, self._acronyms, False, found)
        found.sort(key=lambda u: (u.start, u.entry, u.rank))
        return found

    def _walk(self, text: str, start: int, node: _Node, fold: bool, found: list[Use]) -> None:
        size, at = len(text), start
        while True:
            ends = node.get(_ENDS)
            if ends:
                end = self._word_end(text, at, fold)
                if end is not None:
                    found.extend(Use(start, end, entry, rank) for entry, rank in ends)
            if at >= size:
                return
            ch = text[at]
            if ch.isspace():
                if _SPACE not in node:
                    return
                node = node[_SPACE]
                while at < size and text[at].isspace():
                    at += 1
                continue
            following = node.get(_fold(ch) if fold else ch)
            if following is None:
                return
            node, at = following, at + 1

    @staticmethod
    def _word_end(text: str, at: int, fold: bool) -> int | None:
        """Where the word ends after a form ending at ``at``, with its plural if any."""
        endings = ("", "s", "es") if fold else ("", "s")
        for ending in endings:
            end = at + len(ending)
            piece = text[at:end]
            if (piece.lower() if fold else piece) != ending:
                continue
            if end >= len(text) or not _is_word(text[end]):
                return end
        return None

    def find_terms(self, text: str) -> list[GlossaryEntry]:
        """Entries used in ``text``, in order of first use."""
        first: dict[int, int] = {}
        for use in self.uses(text):
            first.setdefault(use.entry, use.start)
        order = sorted(first, key=lambda entry: (first[entry], entry))
        return [self.entries[entry] for entry in order]

    def first_uses(
        self, text: str, among: Sequence[GlossaryEntry] | None = None
    ) -> list[tuple[int, int, GlossaryEntry]]:
        """Non-overlapping spans of the first use of each term, longest terms winning ties.

        ``among`` keeps to those entries, in that order where terms are as long, so a page
        that already knows its terms links them without a matcher of their own.
        """
        if among is None:
            order = {index: index for index in range(len(self.entries))}
        else:
            position = {entry: index for index, entry in enumerate(self.entries)}
            order = {position[e]: rank for rank, e in enumerate(among) if e in position}
        per_entry: dict[int, list[Use]] = {}
        for use in self.uses(text):
            if use.entry in order:
                per_entry.setdefault(use.entry, []).append(use)
        spans: list[tuple[int, int, GlossaryEntry]] = []
        by_length = sorted(per_entry, key=lambda e: (-len(self.entries[e].term), order[e]))
        for entry in by_length:
            for start, end in _one_after_another(per_entry[entry]):
                if all(end <= s or start >= e for s, e, _ in spans):
                    spans.append((start, end, self.entries[entry]))
                    break
        return sorted(spans, key=lambda span: span[0])


def _one_after_another(uses: list[Use]) -> list[tuple[int, int]]:
    """One entry's uses read left to right, each starting after the last one ended.

    Where forms of the entry start at the same place, its longest (best-ranked) form counts.
    """
    spans: list[tuple[int, int]] = []
    after = 0
    best: dict[int, Use] = {}
    for use in uses:
        if use.start not in best or use.rank < best[use.start].rank:
            best[use.start] = use
    for start in sorted(best):
        if start >= after:
            spans.append((start, best[start].end))
            after = best[start].end
    return spans


# A process sees one glossary at a time, and the shipped one for ``check-text``; a few
# more cover an edit racing a page. Each matcher holds every form, so not many more.
@lru_cache(maxsize=8)
def matcher(entries: tuple[GlossaryEntry, ...]) -> TermMatcher:
    """The matcher for a glossary, built once and kept until the glossary changes."""
    return TermMatcher(entries)


def find_terms(
    text: str, entries: list[GlossaryEntry] | tuple[GlossaryEntry, ...] | None = None
) -> list[GlossaryEntry]:
    """Glossary entries used in ``text``, in order of first use."""
    return matcher(tuple(entries if entries is not None else default_terms())).find_terms(text)


def first_uses(
    text: str,
    entries: Sequence[GlossaryEntry],
    within: Sequence[GlossaryEntry] | None = None,
) -> list[tuple[int, int, GlossaryEntry]]:
    """Non-overlapping spans of the first use of each of ``entries``, longest terms first.

    ``within``, the whole glossary ``entries`` were found in, lets the page reuse that
    glossary's matcher instead of building one for its few terms.
    """
    if within is None:
        return matcher(tuple(entries)).first_uses(text)
    return matcher(tuple(within)).first_uses(text, among=entries)
