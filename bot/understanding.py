"""What a young person typed, understood the same way on every chat channel (pure, no I/O).

Young people text in English, Polish, Urdu script and Roman Urdu, with typos, slang, emoji and
capitals. This module turns such a message into something the conversation can act on: a
command that works at any time ("help", "pomoc", "madad"), a word to explain ("what does LSP
mean", "co to znaczy LSP", "LSP ka matlab kya hai"), yes or no, or an answer to the question
being asked (a number, "1 and 3", "4/5", an option's words, fuzzily matched).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from bot import wording

# Replies this close to an option's words (0-100) pick it, if no other option comes as close.
FUZZY_OPTION = 80
FUZZY_TITLE = 75
FUZZY_COMMAND = 88
MARGIN = 8


def fold(text: str) -> str:
    """Lower case, one space, accents and emoji dropped: "Usuń  MOJE dane 🙏" → "usun moje dane"."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("ł", "l")
    kept = []
    for ch in unicodedata.normalize("NFKD", text):
        category = unicodedata.category(ch)
        if category == "Mn" and not _is_arabic(ch):
            continue  # Latin accents, so "usun" finds "usuń"
        kept.append(ch if category[0] in "LNM" or ch in "'/" else " ")
    return " ".join(unicodedata.normalize("NFC", "".join(kept)).split())


def _is_arabic(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f"


def has_words(text: str) -> bool:
    """True when text has letters or digits, not only emoji, symbols or punctuation."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


# --- Commands that work at any time ---------------------------------------------------------
def _phrases(text: str) -> tuple[str, ...]:
    """Phrases one after another, separated by " | "."""
    return tuple(p.strip() for p in text.split("|") if p.strip())


# Each is written as people type it, already folded (lower case, no accents).
COMMAND_WORDS: dict[str, tuple[str, ...]] = {
    "help": _phrases(
        "help | help me | help pls | help please | hlep | halp | menu | commands | what can "
        "you do | what can u do | wat can u do | how does this work | pomoc | pomocy | pomoz "
        "| pomoz mi | co umiesz | jak to dziala | madad | madad karo | help karo | مدد | مدد "
        "کریں | مدد چاہیے"
    ),
    "privacy": _phrases(
        "privacy | privacy policy | my privacy | privcy | who sees what | who sees my answers "
        "| is this private | prywatnosc | prywatnosc danych | kto widzi moje odpowiedzi | "
        "privacy kya hai | meri privacy | پرائیویسی | رازداری | میری رازداری"
    ),
    "consultations": _phrases(
        "consultations | consultation | whats open | what's open | what is open | list | "
        "surveys | show me | have my say | have your say | what can i answer | konsultacje | "
        "ankiety | co jest otwarte | lista | pokaz liste | kya khula hai | surveys dikhao | "
        "list dikhao | مشاورت | سروے | فہرست"
    ),
    "updates": _phrases(
        "updates | get updates | send me updates | send me the results | notify me | tell me "
        "the results | subscribe | aktualizacje | powiadomienia | wyslij mi wyniki | chce "
        "wyniki | updates chahiye | mujhe updates bhejo | results bhejo | اپڈیٹس | اپ ڈیٹس | "
        "نتائج بھیجیں"
    ),
    "topics": _phrases(
        "topics | my topics | choose topics | pick topics | change topics | what i hear about | "
        "tematy | moje tematy | wybierz tematy | zmien tematy | topics badlo | mere topics | "
        "mauzu | موضوعات | میرے موضوعات"
    ),
    "stop": _phrases(
        "stop | stop updates | stop messages | stop messaging me | unsubscribe | no more "
        "updates | stop texting me | przestan | stop aktualizacje | nie wysylaj | wypisz mnie "
        "| band karo | updates band karo | bas karo | messages band karo | بند کریں | بس کریں"
    ),
    "leave": _phrases(
        "stop asking | stop asking me | stop the questions | cancel | quit | exit | i want to "
        "stop | no more questions | koniec | anuluj | wyjdz | nie chce juz | sawal band karo "
        "| sawal mat pucho | سوال بند کریں | مزید سوال نہیں"
    ),
    "forgetme": _phrases(
        "forget me | forgetme | forget about me | delete me | delete my data | delete my "
        "stuff | delete everything | erase me | remove my data | delete my answers | usun "
        "moje dane | usun mnie | zapomnij o mnie | usun wszystko | usun dane | mera data "
        "delete karo | mujhe bhool jao | mera data mita do | sab delete karo | میرا ڈیٹا حذف "
        "کریں | مجھے بھول جاؤ | میرا ڈیٹا مٹا دیں"
    ),
    "language": _phrases(
        "language | change language | languages | jezyk | zmien jezyk | zban | zaban | "
        "language badlo | زبان | زبان بدلیں"
    ),
    "more": _phrases("more | read more | next | go on | wiecej | dalej | aur | aage | مزید | اور"),
    "continue": _phrases(
        "start answering | answer | answer the questions | lets go | let's go | go | ready | "
        "zaczynam | odpowiadam | zacznij | start karo | jawab dena hai | شروع کریں | جواب دیں"
    ),
    "summary": _phrases(
        "summary | my answers | what did i say | podsumowanie | moje odpowiedzi | mere jawab "
        "| خلاصہ | میرے جوابات"
    ),
}
GREETINGS = _phrases(
    "greet | hi | hiya | hey | heyy | hello | helo | yo | sup | wagwan | hii | hiii | hey there | "
    "start | /start | czesc | hej | siema | elo | dzien dobry | witam | salam | assalam o "
    "alaikum | aoa | slm | hello ji | سلام | السلام علیکم | ہیلو"
)
YES_WORDS = _phrases(
    "yes | yess | yesss | yeah | yea | yeh | yh | ye | yep | yup | y | sure | ok | okay | k | "
    "kk | defo | definitely | yes please | yes pls | ya | go on then | tak | tak prosze | "
    "jasne | pewnie | oczywiscie | ok tak | dobra | haan | han | haa | ha | ji | jee | ji "
    "haan | haan ji | theek hai | thik hai | ہاں | جی | جی ہاں | ٹھیک ہے"
)
NO_WORDS = _phrases(
    "no | nah | nope | naa | n | no thanks | no thank you | nah thanks | not now | nie | nie "
    "dzieki | nie dziekuje | raczej nie | nie teraz | nahi | nahin | nai | na | nahi shukriya "
    "| abhi nahi | نہیں | نہیں شکریہ | ابھی نہیں"
)
SKIP_WORDS = _phrases("skip | pass | next one | pomin | dalej bez | chhor do | skip karo | چھوڑیں")
DONE_WORDS = _phrases(
    "done | finished | thats it | that's it | gotowe | koniec wyboru | ho gaya | بس"
)
EMOJI_YES = ("👍", "✅", "👌")
EMOJI_NO = ("👎", "❌")
# Words naming a language, so "polski" or "urdu mein baat karo" switches to it.
LANGUAGE_NAMES = {
    "en": _phrases("english | angielski | inglish | انگریزی | in english"),
    "pl": _phrases("polski | polish | po polsku | polsku"),
    "ur": _phrases("urdu | اردو | urdu mein | urdu me | urdu mein baat karo"),
}


def _folded(phrases: tuple[str, ...]) -> frozenset[str]:
    return frozenset(fold(p) for p in phrases)


_COMMANDS = {name: _folded(phrases) for name, phrases in COMMAND_WORDS.items()}
_GREETINGS, _YES, _NO = _folded(GREETINGS), _folded(YES_WORDS), _folded(NO_WORDS)
_SKIP, _DONE = _folded(SKIP_WORDS), _folded(DONE_WORDS)
_LANGUAGES = {code: _folded(names) for code, names in LANGUAGE_NAMES.items()}

NUMBER_WORDS = {
    **dict.fromkeys(("one", "jeden", "jedna", "jedno", "ek", "ایک"), 1),
    **dict.fromkeys(("two", "dwa", "dwie", "do", "دو"), 2),
    **dict.fromkeys(("three", "trzy", "teen", "tin", "تین"), 3),
    **dict.fromkeys(("four", "cztery", "char", "chaar", "چار"), 4),
    **dict.fromkeys(("five", "piec", "panch", "paanch", "پانچ"), 5),
}
_DEFINE = [
    # English: "what does LSP mean", "what's a ward", "define cohesion", "meaning of LSP"
    re.compile(
        r"^(?:/?define|explain|meaning of|what do you mean by|wat is|wot is|whats|what s|"
        r"what is|what are|what does|what do|wat does|wot does|what)\s+(?:a |an |the )?"
        r"(?P<term>.+?)(?:\s+(?:mean|means|meaning|mean\?))?$"
    ),
    # Polish: "co to znaczy LSP", "co to jest LSP", "co oznacza LSP", "wyjasnij LSP"
    re.compile(
        r"^(?:co to znaczy|co znaczy|co to jest|co oznacza|wyjasnij|czym jest)\s+(?P<term>.+)$"
    ),
    # Roman Urdu: "LSP ka matlab kya hai", "LSP kya hai", "LSP ka matlab"
    re.compile(r"^(?P<term>.+?)\s+(?:ka|ki|ke)\s+(?:matlab|maani|mtlb)(?:\s+kya\s+(?:hai|h|he))?$"),
    re.compile(r"^(?P<term>.+?)\s+(?:kya|kia)\s+(?:hai|hota hai|h|he)$"),
    re.compile(r"^(?:matlab|meaning)\s+(?P<term>.+)$"),
    # Urdu script: "LSP کا مطلب کیا ہے", "LSP کیا ہے"
    re.compile(r"^(?P<term>.+?)\s+(?:کا|کی|کے)\s+(?:مطلب|معنی)(?:\s+کیا\s+ہے)?$"),
    re.compile(r"^(?P<term>.+?)\s+کیا\s+ہے$"),
]


def _strip_slash(text: str) -> str:
    return text[1:] if text.startswith("/") else text


@dataclass(frozen=True)
class Command:
    """Something to do whatever is being asked: ``name`` and what it is about."""

    name: str
    arg: str = ""


def command(text: str) -> Command | None:
    """A command typed as words, in any of the three languages; None when it is not one.

    Only a whole message counts ("help", "usuń moje dane"), so an answer that happens to use
    one of the words ("the help I need is…") is never taken for a command.
    """
    folded = fold(_strip_slash(text.strip()))
    if not folded:
        return None
    term = defined_word(text)
    if term:
        return Command("define", term)
    for code, names in _LANGUAGES.items():
        if folded in names:
            return Command("language", code)
    if folded in _GREETINGS:
        return Command("start")
    for name, phrases in _COMMANDS.items():
        if folded in phrases:
            return Command(name)
    if len(folded) >= 6 and not any(ch.isdigit() for ch in folded):
        # "forgt me", "privcy pls": a typo away from a long enough command phrase.
        choices = {p: n for n, ps in _COMMANDS.items() for p in ps if len(p) >= 6}
        best = process.extractOne(folded, list(choices), scorer=fuzz.ratio)
        if best and best[1] >= FUZZY_COMMAND:
            return Command(choices[best[0]])
    return None


def defined_word(text: str) -> str:
    """The word asked about in "what does X mean?" (in any language), else ""."""
    cleaned = " ".join(text.strip().strip("?!.؟ ").split())
    lowered = cleaned.casefold().replace("’", "'")
    lowered = lowered[1:] if lowered.startswith("/") else lowered
    for pattern in _DEFINE:
        match = pattern.match(lowered)
        if match:
            start, end = match.span("term")
            offset = len(cleaned) - len(lowered)  # the leading "/" dropped above
            term = cleaned[start + offset : end + offset].strip(" \"'“”?؟")
            term = re.sub(r"^(?:a|an|the)\s+", "", term, flags=re.IGNORECASE)
            # "what is open" is a question about the list, not a word to explain.
            if fold(term) in ("open", "this", "it", "that", "up", "this bot", "going on"):
                return ""
            return term if 0 < len(term) <= 60 else ""
    return ""


def yes_or_no(text: str, lang: str = "en") -> bool | None:
    """True for yes, False for no, in any of the languages; None when it is neither."""
    stripped = text.strip()
    if stripped and all(ch in "".join(EMOJI_YES) or ch.isspace() for ch in stripped):
        return True
    if stripped and all(ch in "".join(EMOJI_NO) or ch.isspace() for ch in stripped):
        return False
    folded = fold(text)
    if lang == "pl" and folded == "no":
        return None  # in Polish "no" often means "yeah": ask rather than guess
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    return None


def is_skip(text: str) -> bool:
    return fold(text) in _SKIP or fold(text) == fold(wording.text("SKIP"))


def is_done(text: str) -> bool:
    return fold(text) in _DONE or fold(text) == fold(wording.text("DONE"))


def number(text: str) -> int | None:
    """A whole number typed as digits (any script's) or a word up to five; else None."""
    folded = fold(text).strip(" .#").removeprefix("no ").removeprefix("nr ")
    if folded.isdigit():
        return int(folded)
    return NUMBER_WORDS.get(folded)


def scale_value(text: str) -> int | None:
    """1 to 5 from "4", "4/5", "4 out of 5", "4 z 5", "four", "⭐⭐⭐⭐"; else None."""
    stars = text.count("⭐")
    if stars and not has_words(text):
        return stars if 1 <= stars <= 5 else None
    folded = fold(text)
    match = re.fullmatch(r"([^\s/]+)(?:\s*(?:/|out of|outta|z|na|mein se|میں سے)\s*5)?", folded)
    value = number(match.group(1)) if match else None
    return value if value is not None and 1 <= value <= 5 else None


def option(text: str, labels: Sequence[str]) -> int | None:
    """The 1-based option a reply names: its number, its words, or close to them (typos)."""
    n = number(text)
    if n is not None:
        return n if 1 <= n <= len(labels) else None
    folded = fold(text)
    if not folded:
        return None
    folded_labels = [fold(label) for label in labels]
    if folded in folded_labels:
        return folded_labels.index(folded) + 1
    starts = [i for i, label in enumerate(folded_labels, 1) if label.startswith(folded)]
    if len(starts) == 1 and len(folded) >= 3:
        return starts[0]
    return _closest(folded, folded_labels, FUZZY_OPTION)


def _closest(
    folded: str, choices: list[str], threshold: int, scorer: Any = fuzz.WRatio
) -> int | None:
    """The one choice clearly closest to ``folded`` (1-based), else None."""
    scored = process.extract(folded, choices, scorer=scorer, limit=2)
    if not scored or scored[0][1] < threshold:
        return None
    if len(scored) > 1 and scored[0][1] - scored[1][1] < MARGIN:
        return None
    return scored[0][2] + 1


_SEPARATORS = re.compile(r"\s*(?:,|;|&|\+|/|\band\b|\boraz\b|\bi\b|\baur\b|\bاور\b|،)\s*")


def options(text: str, labels: Sequence[str]) -> list[int] | None:
    """Several options at once: "1 and 3", "1, 3", "music + sport", "1 3"; None if unclear."""
    parts = [fold(p) for p in _SEPARATORS.split(text.casefold())]
    parts = [p for p in parts if p]
    tokens = " ".join(parts).split()
    if len(tokens) > 1 and all(number(t) is not None for t in tokens):
        parts = tokens  # "1 3"
    picked = [option(p, labels) for p in parts] if len(parts) > 1 else []
    if picked and all(n is not None for n in picked):
        return sorted({n for n in picked if n is not None})
    whole = option(text, labels)  # one option, even one whose own words contain "and"
    return [whole] if whole is not None else None


def title(text: str, titles: Sequence[str]) -> int | None:
    """The 1-based consultation a message names by number or by words of its title."""
    n = number(text)
    if n is not None:
        return n if 1 <= n <= len(titles) else None
    folded = fold(text)
    if len(folded) < 3:
        return None
    folded_titles = [fold(t) for t in titles]
    if folded in folded_titles:
        return folded_titles.index(folded) + 1
    # Words of a title in any order, or only some of them: "fair chance at a job".
    return _closest(folded, folded_titles, FUZZY_TITLE, fuzz.token_set_ratio)


# Words that give a message's language away when it has no letters only one language uses.
POLISH_WORDS = frozenset(
    _phrases(
        "ankiety | chce | co | czesc | czy | dalej | dane | dobra | dzieki | dziekuje | elo | "
        "gotowe | hej | jak | jakie | jasne | jest | jezyk | konsultacje | mnie | moje | nie "
        "| oznacza | pewnie | pokaz | pomin | pomoc | pomocy | prosze | prywatnosc | sie | "
        "siema | tak | usun | wiecej | witam | wyniki | wyslij | zapomnij | znaczy"
    )
)
ROMAN_URDU_WORDS = frozenset(
    _phrases(
        "aap | acha | achha | alaikum | assalam | band | batao | bhai | bhejo | bhool | "
        "chahiye | dikhao | haan | hai | hain | jao | kaise | karo | kia | kya | madad | "
        "matlab | mein | mera | meri | mita | mtlb | mujhe | nahi | nahin | salam | shukriya "
        "| theek | thik | yaar"
    )
)
ENGLISH_WORDS = frozenset(
    _phrases(
        "about | are | can | delete | does | have | help | how | mean | open | please | "
        "privacy | results | say | show | thanks | the | updates | want | what | you"
    )
)


def language_of(text: str) -> str | None:
    """The language a message is written in, when it gives it away; else None."""
    if any(_is_arabic(ch) for ch in text):
        return "ur"
    if any(ch in "ąćęłńóśźż" for ch in text.casefold()):
        return "pl"
    words = set(fold(text).split())
    polish, urdu = len(words & POLISH_WORDS), len(words & ROMAN_URDU_WORDS)
    if polish > urdu:
        return "pl"
    if urdu > polish:
        return "ur"
    # English words are borrowed everywhere ("hi", "ok"): only a sentence's worth counts.
    return "en" if len(words & ENGLISH_WORDS) >= 2 and not polish else None
