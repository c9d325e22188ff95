"""Moderation rules: word lists and patterns read from files officers can extend.

Every list is named ``<category>.<kind>`` after its file (``safeguarding.self_harm.txt``).
A file for another language ends in that language's code before ``.txt``
(``safeguarding.abuse.pl.txt``, ``textspeak.ur.json``, ``definitions.pl.txt``); a file
without one is English. Each language's detection rules read the answer spelled out with
that language's text-speak and shared lists, so one answer is read in every language we
serve: a disclosure in Polish on an English page is still found.
The shipped lists live in ``rules/`` beside this module; ``load_rules(extra_dir)`` adds
the entries of same-named files from another folder (for example ``instance/moderation/``)
and any new lists there, so an officer never edits the installed package.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from consultations.moderation.anchors import anchors
from consultations.moderation.spelling import fold, squeeze_rule

# The languages young people are invited to answer in; rule files name them by this code.
from youthvoice_settings import DEFAULT_LANGUAGE, LANGUAGES

SAFEGUARDING_KINDS = ("self_harm", "abuse", "exploitation", "danger")
TENSION_KINDS = ("hostility_between_groups", "hate_incident", "fear_in_area")
PERSONAL_DATA_KINDS = ("email", "phone", "postcode", "address", "name", "handle")

# Lists of whole words (with listed endings) matched through disguises: f*ck, sh1t, fuuuck.
WORD_LISTS = ("profanity", "abusive.slurs")
# Lists of patterns matched against the normalised text (lower case, no apostrophes,
# text-speak spelled out, repeated letters squeezed) because only *whether* they occur
# matters, not where.
DETECTION_CATEGORIES = ("safeguarding", "tension", "abusive")
EXCEPTIONS = "exceptions"
TEXTSPEAK = "textspeak"
DEFINITIONS = "definitions"
_DEFINITION = re.compile(r"([a-z_]+)\s*=\s*(.+)")
_REFERENCE = re.compile(r"%([a-z_]+)%")

_COMMENT = "#"
_NEEDS = "needs:"
# Characters people put in place of a letter to dodge a filter.
# Polish letters stand for their plain forms too: a phone without them writes "kurwa" for
# "kurwą".
_DISGUISES = {
    "a": "a@4ą",
    "b": "b8",
    "c": "c(kć",
    "e": "e3ę",
    "g": "g9",
    "i": "i1!|y",
    "k": "kc",
    "l": "l1|ł",
    "n": "nń",
    "o": "o0ó",
    "s": "s5$zś",
    "t": "t7+",
    "u": "uv",
    "z": "zsźż",
}
_MASK_CHARACTERS = "*#@%"
# Where a listed word may start and end: not inside a longer word or a run of disguises.
_WORD_EDGE_BEFORE = r"(?<![\w*#@$%].)"
_WORD_EDGE_AFTER = r"(?![\w*#%])"
# A rule never ends inside a word. (Its start is checked by the engine, which keeps a
# rule's first letters visible to the regex engine's fast scan.)
_BOUNDARY_AFTER = r"(?![^\W_])"


class RuleFileError(ValueError):
    """A rule file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Pattern:
    """One rule line, compiled, with the words it cannot match without."""

    category: str
    kind: str
    regex: re.Pattern[str]
    # Tried only when the answer has a word from each set in ``needs`` (none: always),
    # and, when the rule always starts with one of ``starts``, only where those stand.
    needs: tuple[frozenset[str], ...] = ()
    starts: frozenset[str] = frozenset()

    def worth_trying(self, words: frozenset[str]) -> bool:
        """False when the answer lacks a word this pattern cannot match without."""
        return not any(map(words.isdisjoint, self.needs))


@dataclass(frozen=True)
class PatternSet:
    """Patterns indexed by their anchor words."""

    patterns: tuple[Pattern, ...] = ()
    by_word: Mapping[str, tuple[Pattern, ...]] = field(default_factory=dict)
    always: tuple[Pattern, ...] = ()
    keys: frozenset[str] = frozenset()

    @classmethod
    def of(cls, patterns: Iterable[Pattern]) -> PatternSet:
        """Index ``patterns`` by each of their anchor words."""
        patterns = tuple(patterns)
        by_word: dict[str, list[Pattern]] = {}
        for pattern in patterns:
            for word in pattern.needs[0] if pattern.needs else ():
                by_word.setdefault(word, []).append(pattern)
        return cls(
            patterns,
            {w: tuple(ps) for w, ps in by_word.items()},
            tuple(p for p in patterns if not p.needs),
            frozenset(by_word),
        )

    def candidates(self, words: frozenset[str]) -> list[Pattern]:
        """Patterns worth trying on an answer made of ``words``, each once."""
        seen: dict[int, Pattern] = {}
        for word in words & self.keys:
            for pattern in self.by_word[word]:
                seen[id(pattern)] = pattern
        found = [p for p in seen.values() if p.worth_trying(words)]
        return [*found, *self.always]


@dataclass(frozen=True)
class PersonalDataRule:
    """A personal-data pattern and the quick test that decides whether to try it."""

    kind: str
    regex: re.Pattern[str]
    needs_words: frozenset[str] = frozenset()
    needs_text: tuple[str, ...] = ()
    # The same pattern without the ignore-case flag, for lower-cased text: without the
    # flag the regex engine can skip ahead to the letters a match may start with. None
    # when the pattern asks for capitals and must read the text as written.
    lowered: re.Pattern[str] | None = None
    # Word choices the pattern itself cannot match without (see ``anchors``).
    anchors: tuple[frozenset[str], ...] = ()

    def worth_trying(self, lowered: str, words: frozenset[str]) -> bool:
        """False when the answer lacks something this rule needs."""
        if not all(not choice.isdisjoint(words) for choice in self.anchors):
            return False
        if not self.needs_words and not self.needs_text:
            return True
        return not self.needs_words.isdisjoint(words) or any(t in lowered for t in self.needs_text)


@dataclass(frozen=True)
class WordList:
    """Listed words, tried only where a word starts with a letter one of them can start with."""

    scanner: re.Pattern[str]
    by_first: Mapping[str, re.Pattern[str]]
    # Every listed word and ending with its letter swaps (fvck, azz), as written and with
    # repeats squeezed: if none is among an answer's words, once look-alike characters are
    # read as letters, no listed word can be there.
    forms: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rules:
    """Compiled moderation rules, ready for ``moderate``."""

    personal_data: tuple[PersonalDataRule, ...] = ()
    profanity: WordList | None = None
    slurs: WordList | None = None
    detection: PatternSet = field(default_factory=PatternSet)
    exceptions: PatternSet = field(default_factory=PatternSet)
    textspeak: Mapping[str, str] = field(default_factory=dict)
    textspeak_pattern: re.Pattern[str] | None = None
    # Every language's own reading, English first (the fields above are English's).
    languages: tuple[LanguageRules, ...] = ()
    # Every language's text-speak in one table (English's wins a clash), for the
    # classifier, which reads every answer the same way whatever its language.
    spelling: Mapping[str, str] = field(default_factory=dict)
    spelling_pattern: re.Pattern[str] | None = None


@dataclass(frozen=True)
class LanguageRules:
    """One language's detection rules and the spelling they read the answer in."""

    language: str
    detection: PatternSet = field(default_factory=PatternSet)
    exceptions: PatternSet = field(default_factory=PatternSet)
    textspeak: Mapping[str, str] = field(default_factory=dict)
    textspeak_pattern: re.Pattern[str] | None = None
    # Every word that could start this language's reading: anchor words and text-speak.
    # An answer with none of them (and no digits standing in for letters) cannot match.
    cues: frozenset[str] = frozenset()

    def may_match(self, words: frozenset[str]) -> bool:
        """False when no rule of this language can match an answer made of ``words``."""
        return bool(self.detection.always) or not self.cues.isdisjoint(words)


def squeeze(pattern: str) -> str:
    """Squeeze a rule's runs of a repeated letter to one, leaving escapes (\\ss) alone."""
    return squeeze_rule(pattern)


def split_language(name: str) -> tuple[str, str]:
    """``("safeguarding.abuse", "pl")`` for ``safeguarding.abuse.pl``; English when unnamed."""
    base, dot, code = name.rpartition(".")
    if dot and code in LANGUAGES:
        return base, code
    return name, DEFAULT_LANGUAGE


def _lower_letters(pattern: str) -> str:
    """Lower-case a regular expression's letters but not its escapes (\\S) or (?P<...>)."""
    return re.sub(r"(?<![\\?])[A-Z]", lambda m: m.group().lower(), pattern)


def _normalise_rule(line: str) -> str:
    # Detection rules are compared with text that has lost its capitals, apostrophes,
    # diacritics, Urdu letter variants and repeated letters, so the rule must lose them too.
    pattern = _lower_letters(line.replace("’", "'")).replace("'", "")
    return squeeze(_fold_rule(pattern))


def _fold_rule(pattern: str) -> str:
    # Folding touches letters outside ASCII only, so the expression's syntax survives.
    return "".join(fold(ch) if not ch.isascii() else ch for ch in pattern)


def _phrase_to_regex(pattern: str) -> str:
    # A space in a rule stands for any run of white space.
    pattern = re.sub(r"(?<!\\) +", r"\\s+", pattern)
    return f"(?:{pattern}){_BOUNDARY_AFTER}"


def _letter_class(letter: str, *, maskable: bool) -> str:
    options = _DISGUISES.get(letter, letter)
    if maskable:
        options += _MASK_CHARACTERS
    return "[" + re.escape(options) + "]+"


def _word_to_regex(line: str) -> str:
    # "stem | ending ending": the stem survives disguises, endings are read as written.
    stem, _, endings = line.partition("|")
    stem = stem.strip().lower()
    if not stem or not re.fullmatch(r"[^\W\d_]+(?: [^\W\d_]+)*", stem):
        raise ValueError("a word must be letters only, optionally followed by | and endings")
    # f**k: any letter but the first may be hidden, except in short words, where "A*s"
    # (top grades) would read as a swear word.
    long_word = len(stem.replace(" ", "")) > 3
    letters = "".join(
        r"\s*" if ch == " " else _letter_class(ch, maskable=long_word and i > 0)
        for i, ch in enumerate(stem)
    )
    tails = sorted((_ending_to_regex(e) for e in endings.split()), key=len, reverse=True)
    suffix = f"(?:{'|'.join(tails)})?" if tails else ""
    return f"{letters}{suffix}"


_POLISH_LETTERS = {
    "ą": "a",
    "ć": "c",
    "ę": "e",
    "ł": "l",
    "ń": "n",
    "ó": "o",
    "ś": "s",
    "ź": "z",
    "ż": "z",
}


def _ending_to_regex(ending: str) -> str:
    # Endings are read as written, but with or without Polish letters ("ą" or "a").
    out = []
    for ch in ending.lower():
        base = _POLISH_LETTERS.get(ch, ch)
        forms = {base, *(k for k, v in _POLISH_LETTERS.items() if v == base)}
        out.append(
            "[" + re.escape("".join(sorted(forms))) + "]" if len(forms) > 1 else re.escape(ch)
        )
    return "".join(out)


def _lines(text: str) -> Iterable[tuple[int, str]]:
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line and not line.startswith(_COMMENT):
            yield number, line


def _check_name(name: str, source: str) -> None:
    category, _, kind = name.partition(".")
    allowed: tuple[str, ...] | None = {
        "safeguarding": SAFEGUARDING_KINDS,
        "tension": TENSION_KINDS,
    }.get(category)
    known = (*DETECTION_CATEGORIES, "personal_data", "profanity", EXCEPTIONS)
    if category not in known:
        raise RuleFileError(f"{source}: unknown rule list {name!r}")
    if allowed is not None and kind not in allowed:
        raise RuleFileError(f"{source}: {category} kinds are {', '.join(allowed)}, not {kind!r}")
    if category in ("personal_data", "abusive") and not kind:
        raise RuleFileError(f"{source}: name the kind, e.g. {category}.something.txt")


@dataclass
class _Collected:
    # Keyed by the list's name with its language code ("safeguarding.abuse.pl"); English
    # lists keep their plain names.
    lists: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    textspeak: dict[str, dict[str, str]] = field(default_factory=dict)
    definitions: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    needs: dict[str, list[str]] = field(default_factory=dict)

    def define(self, where: str, line: str, language: str = DEFAULT_LANGUAGE) -> None:
        match = _DEFINITION.fullmatch(line)
        if not match:
            raise RuleFileError(f"{where}: a definition reads: name = alternatives")
        name, body = match.groups()
        # A second definition of a name adds to it, so an officer's file extends ours.
        self.definitions.setdefault(language, {}).setdefault(name, []).append(body.strip())

    def expand(self, where: str, line: str, language: str = DEFAULT_LANGUAGE) -> str:
        own = self.definitions.get(language, {})
        shared = self.definitions.get(DEFAULT_LANGUAGE, {})

        def one(match: re.Match[str]) -> str:
            # A language's own list first; English's where that language has none.
            found = own.get(match.group(1)) or shared.get(match.group(1))
            if not found:
                raise RuleFileError(f"{where}: %{match.group(1)}% is not in definitions.txt")
            return "(?:" + "|".join(found) + ")"

        # Definitions may use one another; a few rounds settle any sensible nesting.
        for _ in range(5):
            if not _REFERENCE.search(line):
                return line
            line = _REFERENCE.sub(one, line)
        raise RuleFileError(f"{where}: definitions refer to each other in a loop")

    def add(self, name: str, entries: Iterable[tuple[str, str]], source: str) -> None:
        _check_name(split_language(name)[0], source)
        self.lists.setdefault(name, []).extend(entries)


def _read_txt(item: Traversable, into: _Collected) -> None:
    name = item.name.removesuffix(".txt")
    text = item.read_text("utf-8")
    base, language = split_language(name)
    if base == DEFINITIONS:
        for number, line in _lines(text):
            into.define(f"{item.name}:{number}", line, language)
        return
    entries = []
    for number, line in _lines(text):
        if line.startswith(_NEEDS):
            # "needs: @ live 0 1": a quick test before the file's patterns are tried.
            into.needs.setdefault(name, []).extend(line.removeprefix(_NEEDS).split())
        else:
            entries.append((f"{item.name}:{number}", line))
    into.add(name, entries, item.name)


def _read_json(item: Traversable, into: _Collected) -> None:
    try:
        data = json.loads(item.read_text("utf-8"))
    except json.JSONDecodeError as error:
        raise RuleFileError(f"{item.name}: not valid JSON ({error})") from error
    if not isinstance(data, dict):
        raise RuleFileError(f"{item.name}: expected an object of rule lists")
    language = split_language(item.name.removesuffix(".json"))[1]
    for name, value in data.items():
        if name.startswith("_"):  # "_comment" and friends explain the file to people
            continue
        if name == TEXTSPEAK and isinstance(value, dict):
            table = into.textspeak.setdefault(language, {})
            table.update({str(k).lower(): str(v).lower() for k, v in value.items()})
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            listed = name if language == DEFAULT_LANGUAGE else f"{name}.{language}"
            into.add(
                listed, ((f"{item.name}:{name}[{i}]", v) for i, v in enumerate(value)), item.name
            )
        else:
            raise RuleFileError(f"{item.name}: {name!r} must be a list of strings")


def _read_folder(folder: Traversable, into: _Collected) -> None:
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        if item.name.startswith("."):
            continue
        if item.name.endswith(".txt"):
            _read_txt(item, into)
        elif item.name.endswith(".json"):
            _read_json(item, into)


def _checked(where: str, regex: str, flags: int = 0) -> re.Pattern[str]:
    try:
        return re.compile(regex, flags)
    except re.error as error:
        raise RuleFileError(f"{where}: {error}") from error


def _patterns(category: str, kind: str, entries: list[tuple[str, str]]) -> list[Pattern]:
    found = []
    for where, line in entries:
        rule = _normalise_rule(line)
        needs, starts = anchors(rule)
        regex = _checked(where, _phrase_to_regex(rule))
        found.append(Pattern(category, kind, regex, needs, starts))
    return found


def _personal_data(
    name: str, entries: list[tuple[str, str]], needs: list[str]
) -> list[PersonalDataRule]:
    kind = name.partition(".")[2]
    # Single characters are looked for anywhere ("@", "7"); longer entries as words.
    words = frozenset(n.lower() for n in needs if len(n) > 1)
    text = tuple(n.lower() for n in needs if len(n) == 1)
    rules = []
    for where, line in entries:
        regex = _phrase_to_regex(line)
        as_written = _checked(where, regex, re.IGNORECASE)
        lowered = None if "(?-i:" in line else _checked(where, _lower_letters(regex))
        # Where a pattern spells out its words ("my\s+name\s+is"), they are its anchors.
        spelled = _lower_letters(line).replace("\\s+", " ")
        anchored, _ = anchors(spelled.replace("['’]?", "").replace("['’]", ""))
        rules.append(PersonalDataRule(kind, as_written, words, text, lowered, anchored))
    return rules


def _forms(line: str) -> set[str]:
    stem, _, endings = line.partition("|")
    found: set[str] = set()
    # Answers are compared folded (no Polish letters), so the forms are folded too.
    tails = ["", *(fold(e) for e in endings.split())]
    for word in fold(stem).split():
        swaps = [
            [c for c in _DISGUISES.get(ch, ch) if c.isalpha() and c.isascii()] or [ch]
            for ch in word
        ]
        variants = ["".join(v) for v in itertools.islice(itertools.product(*swaps), 256)]
        whole = {v + e for v in variants for e in tails}
        found |= whole | {squeeze(w) for w in whole}
    return found


def _word_list(entries: list[tuple[str, str]]) -> WordList | None:
    if not entries:
        return None
    by_first: dict[str, list[str]] = {}
    forms: set[str] = set()
    for where, line in entries:
        try:
            regex = _word_to_regex(line)
        except ValueError as error:
            raise RuleFileError(f"{where}: {error}") from error
        _checked(where, regex, re.IGNORECASE)
        forms |= _forms(line)
        for first in _DISGUISES.get(line.strip()[0].lower(), line.strip()[0].lower()):
            by_first.setdefault(first, []).append(regex)
    starts = "".join(sorted({c for f in by_first for c in (f, f.upper())}))
    # The first letter leads the scanner so the regex engine can skip to candidates fast;
    # the look-behind after it checks that no word or disguise came just before.
    scanner = re.compile(f"[{re.escape(starts)}]{_WORD_EDGE_BEFORE}")
    compiled = {
        first: re.compile(f"(?:{'|'.join(regexes)}){_WORD_EDGE_AFTER}", re.IGNORECASE)
        for first, regexes in by_first.items()
    }
    return WordList(scanner, compiled, frozenset(forms))


def _textspeak_pattern(textspeak: Mapping[str, str]) -> re.Pattern[str] | None:
    # Single words are swapped word by word; only phrases ("i am") need a pattern.
    phrases = sorted((k for k in textspeak if " " in k), key=len, reverse=True)
    if not phrases:
        return None
    alternatives = "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in phrases)
    return re.compile(f"(?:{alternatives}){_BOUNDARY_AFTER}")


def _textspeak(table: Mapping[str, str]) -> dict[str, str]:
    # Keys are compared with folded text ("sie" for "się"), so they are folded too.
    return {squeeze(" ".join(fold(k).split())): squeeze(fold(v)) for k, v in table.items()}


def _language_rules(
    language: str, lists: Mapping[str, list[tuple[str, str]]], collected: _Collected
) -> LanguageRules:
    detection = []
    for name in sorted(lists):
        base, listed_in = split_language(name)
        category, _, kind = base.partition(".")
        if listed_in == language and category in DETECTION_CATEGORIES and base not in WORD_LISTS:
            detection += _patterns(category, kind, lists[name])
    # Every language's sayings are blanked before each language's rules read the answer:
    # young people mix languages, so a Roman Urdu "grooming pe play kiya" meets the English
    # rule for "grooming", and only the Urdu list knows the saying.
    exceptions = _merged(lists, EXCEPTIONS)
    textspeak = _textspeak(collected.textspeak.get(language, {}))
    found = PatternSet.of(detection)
    phrases = {word for key in textspeak for word in key.split()}
    return LanguageRules(
        language=language,
        detection=found,
        exceptions=PatternSet.of(_patterns(EXCEPTIONS, "", exceptions)),
        textspeak=textspeak,
        textspeak_pattern=_textspeak_pattern(textspeak),
        cues=found.keys | phrases,
    )


def _merged(lists: Mapping[str, list[tuple[str, str]]], base: str) -> list[tuple[str, str]]:
    """A word list's entries in every language, English first."""
    return [e for name in sorted(lists) if split_language(name)[0] == base for e in lists[name]]


def _build(collected: _Collected) -> Rules:
    lists = {
        name: [
            (where, collected.expand(where, line, split_language(name)[1]))
            for where, line in entries
        ]
        for name, entries in collected.lists.items()
    }
    personal = []
    # Personal data is looked for in the text as written, whatever its language.
    by_kind: dict[str, list[tuple[str, str]]] = {}
    needs: dict[str, list[str]] = {}
    for name in sorted(lists):
        base = split_language(name)[0]
        if base.startswith("personal_data."):
            by_kind.setdefault(base, []).extend(lists[name])
            needs.setdefault(base, []).extend(collected.needs.get(name, []))
    for name in sorted(by_kind, key=_personal_order):
        personal += _personal_data(name, by_kind[name], needs[name])
    others = ({split_language(n)[1] for n in lists} | set(collected.textspeak)) - {DEFAULT_LANGUAGE}
    spoken = [DEFAULT_LANGUAGE, *sorted(others)]
    languages = tuple(_language_rules(language, lists, collected) for language in spoken)
    english = languages[0]
    spelling: dict[str, str] = {}
    for language in reversed(languages):
        spelling.update(language.textspeak)
    return Rules(
        personal_data=tuple(personal),
        profanity=_word_list(_merged(lists, "profanity")),
        slurs=_word_list(_merged(lists, "abusive.slurs")),
        detection=english.detection,
        exceptions=english.exceptions,
        textspeak=english.textspeak,
        textspeak_pattern=english.textspeak_pattern,
        languages=languages,
        spelling=spelling,
        spelling_pattern=_textspeak_pattern(spelling),
    )


def _personal_order(name: str) -> tuple[int, str]:
    # Emails before handles (both have an @), phones and postcodes before addresses.
    kind = name.partition(".")[2]
    order = PERSONAL_DATA_KINDS.index(kind) if kind in PERSONAL_DATA_KINDS else 99
    return order, name


def _collect(extra_dir: Path | None) -> _Collected:
    collected = _Collected()
    _read_folder(resources.files("consultations.moderation").joinpath("rules"), collected)
    if extra_dir is not None and extra_dir.is_dir():
        _read_folder(extra_dir, collected)
    return collected


@cache
def default_rules() -> Rules:
    """The rules that ship with the platform, compiled once."""
    return _build(_collect(None))


def load_rules(extra_dir: Path | None = None) -> Rules:
    """The shipped rules plus any rule files an officer added in ``extra_dir``."""
    if extra_dir is None:
        return default_rules()
    return _build(_collect(Path(extra_dir)))
