"""The platform's own words (help after a disclosure, the outbox's messages) in every language."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from consultations import words

PLACEHOLDER = re.compile(r"\{\w+\}")


def _po(lang: str):  # type: ignore[no-untyped-def]
    with (words.DIRECTORY / lang / "LC_MESSAGES" / "domain.po").open("rb") as po:
        return read_po(po)


def test_help_keeps_its_numbers_and_address_in_every_language():
    for lang in ("en", "pl", "ur"):
        support = words.support_message(safeguarding=True, tension=True, lang=lang)
        assert "0800 1111" in support and "999" in support, lang
        assert words.HATE_REPORTING_URL in support, lang
        # Help first, then where to report.
        assert support.index("0800 1111") < support.index(words.HATE_REPORTING_URL)
    assert words.support_message(safeguarding=False, tension=False) == ""


def test_polish_and_urdu_are_their_own_words_and_anything_else_is_english():
    english = words.support_message(safeguarding=True, tension=False)
    assert words.support_message(safeguarding=True, tension=False, lang="pl") != english
    assert words.support_message(safeguarding=True, tension=False, lang="ur-PK") != english
    assert words.support_message(safeguarding=True, tension=False, lang="de") == english
    polish = words.results_out("Klub", 12, "http://x/r", "pl")
    assert "Klub" in polish and "12" in polish and "http://x/r" in polish
    assert "Results are out" not in polish


def test_an_unknown_key_is_a_mistake_not_silence():
    with pytest.raises(KeyError):
        words.text("NO_SUCH_WORDS", "pl")
    with pytest.raises(KeyError):
        words.text("HATE_REPORTING_URL", "pl")  # an address, not words


def test_every_message_is_translated_with_its_placeholders_and_lines():
    english = set(words.messages().values())
    for lang in ("pl", "ur"):
        entries = {m.id: m for m in _po(lang) if m.id}
        # The catalogue is up to date with the code: nothing missing, nothing extra.
        assert set(entries) == english, lang
        for source in english:
            entry = entries[source]
            assert entry.string.strip(), (lang, source)
            assert "fuzzy" not in entry.flags, (lang, source)
            assert sorted(PLACEHOLDER.findall(entry.string)) == sorted(
                PLACEHOLDER.findall(source)
            ), (lang, source)
            assert entry.string.count("\n") == source.count("\n"), (lang, source)


def test_the_committed_compiled_catalogues_match_their_sources():
    for lang in ("pl", "ur"):
        expected = BytesIO()
        write_mo(expected, _po(lang))
        expected.seek(0)
        with (words.DIRECTORY / lang / "LC_MESSAGES" / "domain.mo").open("rb") as mo:
            committed = {m.id: m.string for m in read_mo(mo) if m.id}
        compiled = {m.id: m.string for m in read_mo(expected) if m.id}
        assert committed == compiled, (
            f"run pybabel compile -D domain -d consultations/locale ({lang})"
        )


def test_the_template_lists_every_message_for_translators(tmp_path):
    target = tmp_path / "domain.pot"
    assert words.main([str(target)]) == 0
    with target.open("rb") as pot:
        ids = {m.id for m in read_po(pot) if m.id}
    assert ids == set(words.messages().values())
    assert words.HATE_REPORTING_URL not in ids
    assert "domain" not in ids
