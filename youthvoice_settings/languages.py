"""The languages Youth Voice speaks, named once for the domain, the web, the API and the chats."""

from __future__ import annotations

from typing import Literal, get_args

# Adding a language starts here; its catalogues (webapp/translations, bot/translations) and
# moderation rule files follow.
Language = Literal["en", "pl", "ur"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT_LANGUAGE: Language = "en"
# What a language is called in itself, as a picker shows it.
LANGUAGE_NAMES: dict[Language, str] = {"en": "English", "pl": "Polski", "ur": "اردو"}
RIGHT_TO_LEFT: frozenset[str] = frozenset({"ur"})
# Staff write in the default language; these are the ones their text is translated into.
TRANSLATED_LANGUAGES: tuple[Language, ...] = tuple(
    code for code in LANGUAGES if code != DEFAULT_LANGUAGE
)
