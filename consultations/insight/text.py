"""How the theme engine reads an answer: script, language, spelling and telling words.

Young people type the same word many ways ("soooo", "don't"/"dont", "światła"/"swiatla",
"ي"/"ی"), so every answer is brought to one spelling before anything is compared. Nothing
here keeps or logs the text it reads.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from consultations.insight.stopwords import stopwords_for
from youthvoice_settings import LANGUAGES

LATIN = "latin"
ARABIC = "arabic"
OTHER_SCRIPT = "other"
NO_LETTERS = "none"

# Languages the engine has stop words for; an answer in another script is grouped on its own.
KNOWN_LANGUAGES = LANGUAGES
UNKNOWN_LANGUAGE = "und"

# Arabic-script letters typed from Arabic or Persian keyboards, brought to the Urdu ones.
_ARABIC_LETTERS = str.maketrans(
    {"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ہ", "ۀ": "ہ", "ە": "ہ", "ـ": None, "أ": "ا", "إ": "ا"}
)
# Vowel marks and Quranic signs, which young people rarely type and never consistently.
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
_APOSTROPHES = str.maketrans(dict.fromkeys("'’‘`´"))
# A letter held down ("soooo", "pleeease") is one word however long it is held; two stay,
# so "good" and "too" keep their spelling.
_HELD_LETTER = re.compile(r"([^\W\d_])\1{2,}")
_POLISH_FOLD = str.maketrans("ąćęłńóśźż", "acelnoszz")
_WORD = re.compile(r"[^\W\d_]+")


def _set_of(words: str) -> frozenset[str]:
    return frozenset(words.split())


_POLISH_LETTERS = frozenset("ąćęłńóśźż")
_POLISH_HINTS = _set_of(
    """
    nie jest sie się że ze żeby zeby dla jak bo ale na w z do po tylko więcej wiecej
    bardzo mnie nas jestem
    """
)
_ROMAN_URDU_HINTS = _set_of(
    """
    hai hain nahi nai ni mein ke ki ka ko aur bhi bohat bht chahiye karo kuch koi yaar
    raat ghar hota hoti wala
    """
)


def script_of(text: str) -> str:
    """The writing system most of the letters in ``text`` belong to."""
    latin = arabic = other = 0
    for char in text:
        if not char.isalpha():
            continue
        if (
            "\u0600" <= char <= "\u06ff"
            or "\u0750" <= char <= "\u077f"
            or "\ufb50" <= char <= "\ufdff"
            or "\ufe70" <= char <= "\ufeff"
        ):
            arabic += 1
        elif char < "\u0250" or "\u1e00" <= char <= "\u1eff":
            latin += 1
        else:
            other += 1
    if not latin + arabic + other:
        return NO_LETTERS
    top = max(latin, arabic, other)
    if top == arabic:
        return ARABIC
    return LATIN if top == latin else OTHER_SCRIPT


def guess_language(text: str, hint: str | None = None) -> str:
    """The language to group ``text`` with: the hint when the script agrees, else a guess.

    The hint is the language the young person read the consultation in; the script wins
    over it (Urdu typed in Urdu script under an English page is still Urdu).
    """
    script = script_of(text)
    if script == ARABIC:
        return "ur"
    if script != LATIN:
        return UNKNOWN_LANGUAGE
    if hint in KNOWN_LANGUAGES and hint != "ur":
        return hint
    lowered = text.casefold()
    words = set(_WORD.findall(lowered))
    if hint == "ur" or len(words & _ROMAN_URDU_HINTS) >= 2:
        return "ur"
    if any(ch in _POLISH_LETTERS for ch in lowered) or len(words & _POLISH_HINTS) >= 2:
        return "pl"
    return "en"


def normalise(text: str) -> str:
    """One spelling for the ways young people type a word; Polish letters kept."""
    plain = unicodedata.normalize("NFKC", text).casefold()
    plain = _ARABIC_MARKS.sub("", plain.translate(_ARABIC_LETTERS))
    return _HELD_LETTER.sub(r"\1\1", plain.translate(_APOSTROPHES))


def fold(normalised: str) -> str:
    """Polish letters as the plain ones many people type instead ("swiatla" for "światła")."""
    return normalised.translate(_POLISH_FOLD)


def surface_words(text: str) -> Iterator[tuple[str, str]]:
    """(word as compared, word as typed in lower case) for each word of ``text``."""
    for match in _WORD.finditer(normalise(text)):
        typed = match.group()
        yield fold(typed), typed


def singular(word: str) -> str:
    """An English plural as its singular ("buses", "lights", "activities"), else the word.

    Only plurals: they are most of the ways one English word varies in a short answer, and
    the word pieces catch the rest. Roman Urdu answers borrow English nouns, so they get it
    too.
    """
    if len(word) <= 3 or not word.isascii() or not word.endswith("s"):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "uses")):
        return word[:-2]
    if word.endswith(("ss", "us", "is", "ous")):
        return word
    return word[:-1]


def compared_form(word: str, language: str) -> str:
    """The form a folded word is compared in: English nouns (also in Roman Urdu) singular."""
    return singular(word) if language in ("en", "ur") else word


def telling_words(text: str, language: str) -> list[str]:
    """The words of ``text`` that can say what it is about, in the compared spelling."""
    stop = stopwords_for(language)
    return [
        compared_form(w, language) for w, _ in surface_words(text) if len(w) > 1 and w not in stop
    ]
