"""The chat wording's gettext catalogue ("bot" domain), kept apart from the web pages' one.

The English constants in ``bot.wording`` are the message ids, so nothing in the chat code
is wrapped in a call; this module turns them into a template for translators and loads the
compiled translations. Updating after a change to the English words:

    .venv/bin/python -m bot.catalogue                       # writes bot/translations/bot.pot
    .venv/bin/pybabel update -D bot -d bot/translations -i bot/translations/bot.pot
    (translate the new entries in bot/translations/{pl,ur}/LC_MESSAGES/bot.po)
    .venv/bin/pybabel compile -D bot -d bot/translations
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.support import NullTranslations

from youthvoice_settings.catalogues import Message, WordCatalogue

DIRECTORY = Path(__file__).with_name("translations")
DOMAIN = "bot"


def _names() -> dict[str, Any]:
    from bot import wording

    return vars(wording)


# TELEGRAM_MIN_AGE is a limit, not words for people.
CATALOGUE = WordCatalogue(
    directory=DIRECTORY,
    domain=DOMAIN,
    project="Youth Voice chat",
    source="bot/wording.py",
    names=_names,
    not_words=frozenset({"TELEGRAM_MIN_AGE"}),
)


def translations(lang: str) -> NullTranslations:
    """The compiled catalogue for ``lang``; one without entries (English) when none exists."""
    return CATALOGUE.translations(lang)


def messages() -> dict[str, Message]:
    """Every piece of chat wording by constant name: the English text translators start from."""
    return CATALOGUE.messages()


def template() -> Catalog:
    return CATALOGUE.template()


def main(argv: list[str]) -> int:
    return CATALOGUE.write_template(Path(argv[0]) if argv else None)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
