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
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from babel.support import NullTranslations, Translations

DIRECTORY = Path(__file__).with_name("translations")
DOMAIN = "bot"
# Constants that are not words for people: limits.
NOT_WORDS = {"TELEGRAM_MIN_AGE"}


@cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalogue for ``lang``; one without entries (English) when none exists."""
    return Translations.load(str(DIRECTORY), [lang], domain=DOMAIN)


def messages() -> dict[str, str]:
    """Every piece of chat wording by constant name: the English text translators start from."""
    from bot import wording

    return {
        name: value
        for name, value in vars(wording).items()
        if name.isupper() and isinstance(value, str) and name not in NOT_WORDS
    }


def template() -> Catalog:
    catalog = Catalog(project="Youth Voice chat", domain=DOMAIN, charset="utf-8")
    for name, english in messages().items():
        # The constant's name travels as a comment so translators see where it is used.
        catalog.add(english, locations=[("bot/wording.py", 0)], auto_comments=[name])
    return catalog


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else DIRECTORY / f"{DOMAIN}.pot"
    with target.open("wb") as out:
        write_po(out, template(), omit_header=False, include_lineno=False, width=100)
    print(f"wrote {len(messages())} messages to {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
