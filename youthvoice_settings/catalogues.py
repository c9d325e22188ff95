"""Words kept as English constants in a module, with a gettext catalogue beside them.

The platform's own words (``consultations.words``) and the chat's (``bot.wording``) are
written this way: the English constants are the message ids, so nothing is wrapped in a
call. Both layers keep their own words and catalogue; this is the one way of loading the
compiled translations and writing the template translators start from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from babel.support import NullTranslations, Translations

from youthvoice_settings.languages import DEFAULT_LANGUAGE, LANGUAGES


def long_date(day: date, lang: str | None) -> str:
    """A date as people write it in that language, e.g. 3 March 2027 / 3 marca 2027."""
    code = (lang or "").replace("_", "-").split("-")[0].strip().lower()
    code = code if code in LANGUAGES else DEFAULT_LANGUAGE
    # British English: "1 March 2027", not "March 1, 2027".
    return format_date(day, format="long", locale="en_GB" if code == "en" else code)


class Counted(NamedTuple):
    """Words around a number, in English's two forms: ``one`` for 1, ``other`` for the rest.

    In the catalogue it is one plural entry, so each language has as many forms as its rules
    need (Polish three: 1, 2-4 and 22-24, 5 and more), chosen by the number with ``ngettext``.
    """

    one: str
    other: str


# What a catalogue holds: plain words, or words around a number.
Message = str | Counted


@dataclass
class WordCatalogue:
    """One module's English constants and the compiled catalogue of their translations."""

    directory: Path
    domain: str
    project: str
    # Where the constants are written, for translators, and the module's names to read them from.
    source: str
    names: Callable[[], Mapping[str, object]]
    # Constants that are not words for people (limits, addresses).
    not_words: frozenset[str] = frozenset()
    _loaded: dict[str, NullTranslations] = field(default_factory=dict, repr=False)

    def translations(self, lang: str) -> NullTranslations:
        """The compiled catalogue for ``lang``, read once; one without entries when none exists."""
        if lang not in self._loaded:
            self._loaded[lang] = Translations.load(str(self.directory), [lang], domain=self.domain)
        return self._loaded[lang]

    def messages(self) -> dict[str, Message]:
        """Every piece of wording by constant name, in English."""
        return {
            name: value
            for name, value in self.names().items()
            if name.isupper() and isinstance(value, str | Counted) and name not in self.not_words
        }

    def counted(self, words: Counted, n: int, lang: str) -> str:
        """The form of ``words`` that ``n`` takes in ``lang`` (English's when untranslated)."""
        return self.translations(lang).ngettext(words.one, words.other, n)

    def template(self) -> Catalog:
        catalog = Catalog(project=self.project, domain=self.domain, charset="utf-8")
        for name, english in self.messages().items():
            # The constant's name travels as a comment so translators see where it is used.
            catalog.add(english, locations=[(self.source, 0)], auto_comments=[name])
        return catalog

    def write_template(self, target: Path | None = None) -> int:
        """Write the ``.pot`` (by default beside the translations); 0 when done."""
        target = target or self.directory / f"{self.domain}.pot"
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            write_po(out, self.template(), omit_header=False, include_lineno=False, width=100)
        print(f"wrote {len(self.messages())} messages to {target}")
        return 0
