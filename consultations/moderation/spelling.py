"""One spelling for every way of writing a word, read by the rules and the classifier alike.

Young people write "zabije", "zabiję" and "zabijeee"; "مجھے" with an Arabic yeh or an
Urdu one, with or without vowel marks; "k1ll" for "kill". Matching must not depend on
which: a disclosure typed on a phone without Polish letters is still a disclosure.
Every function here is pure and keeps no state beyond its tables.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

# Apostrophes and invisible characters dropped (so "i'm" is "im" and a zero-width space
# or joiner cannot split a word); hyphens and underscores read as spaces ("self-harm").
_PLAIN = {
    **dict.fromkeys(map(ord, "'’‘`´\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad")),
    **dict.fromkeys(map(ord, "-_‐‑‒–—―"), " "),
}
# Urdu is typed on Arabic, Persian and Urdu keyboards, which give different characters
# for the same letter; vowel marks and the stretching tatweel are optional decoration.
_URDU = {
    "ي": "ی",
    "ى": "ی",
    "ئ": "ی",
    "ێ": "ی",
    "ك": "ک",
    "ڪ": "ک",
    "ه": "ہ",
    "ە": "ہ",
    "ة": "ہ",
    "ۂ": "ہ",
    "ۀ": "ہ",
    "ۓ": "ے",
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ؤ": "و",
    "۔": ".",
    "،": ",",
    "؟": "?",
    "؛": ";",
    "ـ": None,
}
_URDU_MARKS = [
    *range(0x0610, 0x061B),
    *range(0x064B, 0x0660),
    0x0670,
    *range(0x06D6, 0x06DD),
    *range(0x06DF, 0x06E9),
    *range(0x06EA, 0x06EE),
]
_DIGITS = {
    **{0x0660 + i: str(i) for i in range(10)},
    **{0x06F0 + i: str(i) for i in range(10)},
}
# Letters without a decomposition into base letter and mark.
_NO_DECOMPOSITION = {"ł": "l", "đ": "d", "ø": "o", "ħ": "h", "ı": "i", "ß": "ss", "æ": "ae"}


def _latin_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x00C0, 0x0250):
        char = chr(code).lower()
        base = unicodedata.normalize("NFKD", char)[:1]
        if base.isascii() and base.isalpha() and base != char:
            table[code] = base
    return table


_FOLD = str.maketrans(
    {
        **_latin_table(),
        **{ord(k): v for k, v in _NO_DECOMPOSITION.items()},
        **{ord(k): v for k, v in _URDU.items()},
        **dict.fromkeys(_URDU_MARKS),
        **_DIGITS,
        **_PLAIN,
    }
)
# Same-length folding for text whose positions must stay put (masking swear words).
_FOLD_IN_PLACE = str.maketrans(
    {k: v for k, v in _latin_table().items()}
    | {ord(k): v for k, v in _NO_DECOMPOSITION.items() if len(v) == 1}
)
_REPEATS = re.compile(r"([^\W\d_])\1+")
_RULE_REPEATS = re.compile(r"(?<!\\)([^\W\d_])\1+")
# Digits and symbols read as the letters they stand in for, inside a word that mixes
# them with letters ("k1ll", "d13", "h8"); numbers on their own stay numbers.
_LOOK_ALIKES = str.maketrans("0134578@$", "oieastbas")
_MIXED = re.compile(r"(?=[^\W_]*[a-z])(?=[^\W_]*\d)[^\W_]+")
_WORD_SPLIT = re.compile(r"([^\W_]+)")
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")


def fold(text: str) -> str:
    """Lower case, no diacritics, one form of each Urdu letter, no apostrophes or joiners."""
    return text.casefold().translate(_FOLD)


def fold_in_place(text: str) -> str:
    """``text`` with Latin diacritics dropped, one character for one, so positions still hold."""
    return text.translate(_FOLD_IN_PLACE)


def squeeze(text: str) -> str:
    """Runs of a repeated letter squeezed to one, so "diee" and "die" read alike."""
    return _REPEATS.sub(r"\1", text)


def squeeze_rule(pattern: str) -> str:
    """``squeeze`` for a regular expression: escapes such as ``\\ss`` are left alone."""
    return _RULE_REPEATS.sub(r"\1", pattern)


def plain(text: str) -> str:
    """The text folded and squeezed: what every language's rules start from."""
    return squeeze(fold(text))


def has_arabic_script(text: str) -> bool:
    """True when the text has a letter of the Arabic script (Urdu written in its own script)."""
    return _ARABIC_SCRIPT.search(text) is not None


def _look_alikes(word: str) -> str:
    return squeeze(word.translate(_LOOK_ALIKES))


def spell_out(text: str, table: Mapping[str, str], phrases: re.Pattern[str] | None = None) -> str:
    """Text-speak and common misspellings in ``table`` spelled out, word by word.

    ``text`` is already ``plain``. ``phrases`` matches the table's keys of more than one
    word. A word mixing letters and digits that the table does not know is read with
    its digits as letters ("k1ll" is "kill"), then looked up again.
    """
    if phrases is not None:

        def phrase(match: re.Match[str]) -> str:
            found = match.group()
            start = match.start()
            if start and text[start - 1].isalnum():
                return found
            return table.get(" ".join(found.split()), found)

        text = phrases.sub(phrase, text)
    parts = _WORD_SPLIT.split(text)
    for i in range(1, len(parts), 2):
        word = parts[i]
        known = table.get(word)
        if known is not None:
            parts[i] = known
        elif not word.isalpha() and not word.isdigit() and _MIXED.fullmatch(word):
            word = _look_alikes(word)
            parts[i] = table.get(word, word)
    return "".join(parts)
