"""The words a rule cannot match without, so most rules are skipped for most answers.

A rule such as ``(kill|killing) (myself|herself)`` can only match where "kill" or
"killing" appears. Looking those words up in the answer costs almost nothing; running
hundreds of regular expressions over every answer does not.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+")
# Words so common that a rule anchored on them would be tried for nearly every answer.
_COMMON = frozenset(
    {
        "i",
        "im",
        "me",
        "my",
        "a",
        "an",
        "the",
        "to",
        "and",
        "of",
        "in",
        "on",
        "at",
        "it",
        "is",
        "was",
        "you",
        "your",
        "he",
        "she",
        "they",
        "we",
        "us",
        "her",
        "him",
        "his",
        "them",
        "their",
        "our",
        "this",
        "that",
        "for",
        "with",
        "be",
        "have",
        "has",
        "had",
        "do",
        "dont",
        "not",
        "so",
    }
)
_LOOKAROUND = re.compile(r"\(\?<?[=!]")


def _closing(text: str, start: int) -> int:
    """Index of the bracket closing the one at ``start``, or -1."""
    depth, i = 0, start
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            end = text.find("]", i + 2)
            i = end + 1 if end > 0 else len(text)
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _split_top(text: str, separator: str) -> list[str] | None:
    """Split at ``separator`` outside brackets; None if the brackets do not balance."""
    parts, depth, current, i = [], 0, [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            current.append(text[i : i + 2])
            i += 2
            continue
        if ch == "[":
            end = text.find("]", i + 2)
            if end < 0:
                return None
            current.append(text[i : end + 1])
            i = end + 1
            continue
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return None
        if ch == separator and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts if depth == 0 else None


def _strip_lookarounds(slot: str) -> str:
    # "safe(?=...)" is still anchored on "safe": assertions do not consume words.
    while True:
        if slot.endswith("\\b") and not slot.endswith("\\\\b"):
            slot = slot[:-2]
            continue
        found = [m.start() for m in _LOOKAROUND.finditer(slot)]
        if not found:
            return slot
        start = found[-1]
        end = _closing(slot, start)
        if end != len(slot) - 1:
            return slot
        slot = slot[:start]


def _strip_optional_start(slot: str) -> str:
    # "(is |are )?(following|follows)" still needs "following" or "follows".
    while slot.startswith("("):
        end = _closing(slot, 0)
        if end < 0 or end + 1 >= len(slot) or slot[end + 1] not in "?*":
            return slot
        slot = slot[end + 2 :].lstrip("?")
    return slot


_OPTIONAL_END = re.compile(r"(?:\?|\*|\{0,\d*\})\??$")


def _strip_optional_end(slot: str) -> str:
    # "(gangs|gang)( [a-z]+){0,3}" still needs "gangs" or "gang"; "(mr|mrs)\.?" needs "mr".
    while len(slot) > 3 and slot[-3] == "\\" and slot[-1] == "?":
        slot = slot[:-3]
    while (quantifier := _OPTIONAL_END.search(slot)) and slot[: quantifier.start()].endswith(")"):
        body = slot[: quantifier.start()]
        opening = next(
            (
                i
                for i in range(len(body) - 1, -1, -1)
                if body[i] == "(" and _closing(body, i) == len(body) - 1
            ),
            -1,
        )
        if opening <= 0:
            return slot
        slot = body[:opening]
    return slot


def _slot_words(slot: str, *, first: bool = True) -> frozenset[str] | None:
    """Literal words one of which a slot must contain, else None.

    With ``first``, each alternative's first word (where a match can start); without,
    its rarest word (the strongest test of whether it can match at all).
    """
    slot = _strip_optional_end(_strip_optional_start(_strip_lookarounds(slot)))
    if _WORD.fullmatch(slot):
        return frozenset({slot})
    if not (slot.startswith("(") and _closing(slot, 0) == len(slot) - 1):
        return None
    inner = slot[1:-1]
    if inner.startswith("?:"):
        inner = inner[2:]
    elif inner.startswith("?"):
        return None
    alternatives = _split_top(inner, "|")
    if not alternatives:
        return None
    words: set[str] = set()
    for alternative in alternatives:
        parts = _split_top(alternative, " ") or [""]
        literal = [p for p in parts if _WORD.fullmatch(p)]
        if not first and literal:
            words.add(max(literal, key=lambda w: (w not in _COMMON, len(w))))
            continue
        if _WORD.fullmatch(parts[0]):
            words.add(parts[0])
            continue
        nested = _slot_words(parts[0], first=first) if parts[0].startswith("(") else None
        if not nested:
            return None
        words |= nested
    return frozenset(words)


def anchors(pattern: str) -> tuple[tuple[frozenset[str], ...], frozenset[str]]:
    """The word choices a pattern cannot match without, and the words it starts with.

    ``pattern`` is a rule as written (after normalising), where a space separates words.
    Each set in the first result is a choice of words one of which must occur; all of
    them must be met, rarest first. The second is empty unless the rule always starts
    with one of its words, in which case it need only be tried where they stand.
    Empty results: the rule is always tried, everywhere.
    """
    alternatives = _split_top(pattern, "|")
    if alternatives is None:
        return (), frozenset()
    found = [_sequence_anchors(a) for a in alternatives]
    if len(found) == 1:
        return found[0]
    # "a b|c d" needs a word from one side or the other: one choice from each side.
    if any(not needs for needs, _ in found):
        return (), frozenset()
    starts = [s for _, s in found]
    return (
        (frozenset().union(*(needs[0] for needs, _ in found)),),
        frozenset().union(*starts) if all(starts) else frozenset(),
    )


def _rarity(words: frozenset[str]) -> tuple[int, int]:
    return len(words & _COMMON), len(words)


def _sequence_anchors(pattern: str) -> tuple[tuple[frozenset[str], ...], frozenset[str]]:
    slots = _split_top(pattern, " ")
    if not slots:
        return (), frozenset()
    needs = [words for slot in slots if (words := _slot_words(slot, first=False))]
    starts = _slot_words(slots[0]) or frozenset()
    return tuple(sorted(needs, key=_rarity)), starts
