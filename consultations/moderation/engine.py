"""Moderate one free-text answer: redact personal data, mask swearing, flag concerns.

Pure and fast: it runs on every free-text answer from every channel, before anyone but a
moderator sees it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from consultations.moderation import classifier as model
from consultations.moderation import language as languages
from consultations.moderation import spelling
from consultations.moderation.rules import (
    DEFAULT_LANGUAGE,
    SAFEGUARDING_KINDS,
    TENSION_KINDS,
    LanguageRules,
    PatternSet,
    Rules,
    WordList,
    default_rules,
)
from consultations.moderation.verdict import Verdict

# Digits and symbols read as the letters they stand in for ("$h1t").
_LOOK_ALIKES = str.maketrans("0134578@$!|+(9", "oieastbasiitcg")
_WORD = re.compile(r"[^\W_]+")
_WORD_SPLIT = re.compile(r"([^\W_]+)")
_HIDDEN_LETTERS = frozenset("*#%")

Span = tuple[int, int, str]


def _starts_word(text: str, index: int) -> bool:
    return index == 0 or not text[index - 1].isalnum()


def _find(regex: re.Pattern[str], text: str, start: int = 0) -> Iterator[re.Match[str]]:
    """Matches that start at the start of a word, leftmost first, never overlapping."""
    match = regex.search(text, start)
    while match is not None:
        if _starts_word(text, match.start()):
            yield match
            start = max(match.end(), match.start() + 1)
        else:
            start = match.start() + 1
        match = regex.search(text, start)


def _language(rules: Rules, language: str) -> LanguageRules | None:
    return next((lr for lr in rules.languages if lr.language == language), None)


def normalise(text: str, rules: Rules | None = None, language: str = DEFAULT_LANGUAGE) -> str:
    """The text as ``language``'s detection rules read it: folded, squeezed, spelled out."""
    found = _language(rules or default_rules(), language)
    plain = spelling.plain(text)
    if found is None:
        return plain
    return spelling.spell_out(plain, found.textspeak, found.textspeak_pattern)


def _word_starts(plain: str, word: str) -> list[int]:
    """Where ``word`` stands as a whole word in ``plain``."""
    found = []
    index = plain.find(word)
    while index >= 0:
        end = index + len(word)
        if _starts_word(plain, index) and (end == len(plain) or not plain[end].isalnum()):
            found.append(index)
        index = plain.find(word, index + 1)
    return found


def _matches(
    patterns: PatternSet, plain: str, words: frozenset[str], *, first_only: bool = False
) -> Iterator[tuple[str, str, int, int]]:
    """(category, kind, start, end) of each pattern found, trying only likely patterns.

    With ``first_only``, a kind already found is not looked for again.
    """
    where: dict[str, list[int]] = {}
    done: set[tuple[str, str]] = set()
    for pattern in patterns.candidates(words):
        if first_only and (pattern.category, pattern.kind) in done:
            continue
        if pattern.starts:
            starts: list[int] = []
            for word in pattern.starts & words:
                if word not in where:
                    where[word] = _word_starts(plain, word)
                starts += where[word]
            hits: Iterator[re.Match[str]] = filter(
                None, (pattern.regex.match(plain, i) for i in sorted(starts))
            )
        else:
            hits = _find(pattern.regex, plain)
        for hit in hits:
            done.add((pattern.category, pattern.kind))
            yield pattern.category, pattern.kind, hit.start(), hit.end()
            if first_only:
                break


def _personal_data(text: str, lowered: str, rules: Rules) -> tuple[list[Span], list[str]]:
    # In the rules' order, so an email is taken before its @ can look like a handle.
    words = frozenset(_WORD.findall(lowered))
    spans: list[Span] = []
    kinds: list[str] = []
    # Lower-casing keeps every character in place for nearly all text; when it does not
    # (a few letters outside English), patterns read the text as written instead.
    same_places = len(lowered) == len(text)
    for rule in rules.personal_data:
        if not rule.worth_trying(lowered, words):
            continue
        fast = rule.lowered is not None and same_places
        matches = _find(rule.lowered, lowered) if fast else _find(rule.regex, text)  # type: ignore[arg-type]
        for match in matches:
            named = "redact" in rule.regex.groupindex
            start, end = match.span("redact") if named else match.span()
            if start < 0 or start == end or not _free(spans, start, end):
                continue
            spans.append((start, end, f"[{rule.kind}]"))
            if rule.kind not in kinds:
                kinds.append(rule.kind)
    return spans, kinds


def _free(spans: list[Span], start: int, end: int) -> bool:
    return all(end <= s or start >= e for s, e, _ in spans)


def _masked(text: str, words: WordList | None, spans: list[Span], seen: frozenset[str]) -> bool:
    """Mask listed words (first letter kept) into ``spans``; True if any was found."""
    if words is None:
        return False
    if words.forms.isdisjoint(seen) and _HIDDEN_LETTERS.isdisjoint(text):
        return False  # no listed word, even undisguised, and no letters hidden by stars
    found = False
    position = 0
    while (candidate := words.scanner.search(text, position)) is not None:
        start = candidate.start()
        regex = words.by_first.get(text[start].lower())
        match = regex.match(text, start) if regex is not None else None
        if match is None:
            position = start + 1
            continue
        found = True
        end = match.end()
        if _free(spans, start, end):
            spans.append((start, end, text[start] + "*" * (end - start - 1)))
        position = end
    return found


def _apply(text: str, spans: list[Span]) -> str:
    out, last = [], 0
    for start, end, replacement in sorted(spans):
        out.append(text[last:start])
        out.append(replacement)
        last = end
    out.append(text[last:])
    return "".join(out)


def _detect(plain: str, rules: Rules) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    words = frozenset(_WORD.findall(plain))
    # Digits may stand for letters ("k1ll"), which only spelling out reveals.
    disguised = any(not word.isalpha() and not word.isdigit() for word in words)
    # Every language's rules read every answer: young people mix languages in one line,
    # and the page they answer on says nothing of the language they write in.
    for language in rules.languages:
        if not disguised and not language.may_match(words):
            continue
        spelled = spelling.spell_out(plain, language.textspeak, language.textspeak_pattern)
        for category, kinds in _detect_in(spelled, language).items():
            found.setdefault(category, set()).update(kinds)
    return found


def _detect_in(plain: str, rules: LanguageRules) -> dict[str, set[str]]:
    words = frozenset(_WORD.findall(plain))
    blanked = [(start, end) for _, _, start, end in _matches(rules.exceptions, plain, words)]
    if blanked:
        # Everyday sayings ("dying of laughter") are blanked so no rule can read them.
        chars = list(plain)
        for start, end in blanked:
            chars[start:end] = " " * (end - start)
        plain = "".join(chars)
        words = frozenset(_WORD.findall(plain))
    found: dict[str, set[str]] = {}
    for category, kind, _, _ in _matches(rules.detection, plain, words, first_only=True):
        found.setdefault(category, set()).add(kind)
    return found


def _ordered(found: set[str], known: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(k for k in known if k in found) + tuple(sorted(found - set(known)))


def prepared(text: str, rules: Rules | None = None) -> str:
    """The answer as the classifier reads it: folded, squeezed, text-speak spelled out."""
    rules = rules or default_rules()
    return model.prepare(text, rules.spelling, rules.spelling_pattern)


def moderate(
    text: str, *, rules: Rules | None = None, classifier: model.Classifier | bool | None = True
) -> Verdict:
    """Redact personal data, mask swearing and flag safeguarding, abuse and tension.

    A disclosure is flagged when a rule finds one, unless the shipped classifier reads
    the answer as far less like a disclosure than nearly every real one (then it is held
    for a moderator as ``doubted``, not urgent), or, failing a rule, when the classifier
    reads it as one (``classifier=False`` asks the rules alone;
    a ``Classifier`` is used instead of the shipped one). The kinds come from the rules
    where they found any, else from the classifier.
    """
    rules = rules or default_rules()
    lowered = text.lower()
    spans, personal = _personal_data(text, lowered, rules)
    plain = spelling.plain(text)
    seen = frozenset(_WORD.findall(spelling.squeeze(plain.translate(_LOOK_ALIKES))))
    profanity = _masked(text, rules.profanity, spans, seen)
    slur = _masked(text, rules.slurs, spans, seen)
    found = _detect(plain, rules)
    chosen = model.shipped() if classifier is True else classifier or None
    doubted: set[str] = set()
    if chosen is not None:
        read = prepared(text, rules)
        if not found.get("safeguarding"):
            found["safeguarding"] = set(chosen.kinds(read))
        elif chosen.doubts(read):
            # A rule matched words a disclosure shares with everyday talk ("my mum will
            # kill me if I'm late"): held for a moderator, who sees why, but not urgent.
            doubted = found.pop("safeguarding")
    # Only help needs the language, so only an answer that brings help is asked it.
    language = languages.detect(text) if found.get("safeguarding") or found.get("tension") else None
    return Verdict(
        redacted=_apply(text, spans),
        personal_data=tuple(personal),
        profanity=profanity,
        abusive=slur or bool(found.get("abusive")),
        safeguarding=_ordered(found.get("safeguarding", set()), SAFEGUARDING_KINDS),
        tension=_ordered(found.get("tension", set()), TENSION_KINDS),
        doubted=_ordered(doubted, SAFEGUARDING_KINDS),
        language=language,
    )
