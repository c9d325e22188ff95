"""The chat wording in Polish and Urdu, with English for anything not translated."""

from __future__ import annotations

from io import BytesIO

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot import catalogue, wording
from consultations import words
from tests.helpers import compiled_messages, translated_like_the_source


def _po(lang: str):  # type: ignore[no-untyped-def]
    with (catalogue.DIRECTORY / lang / "LC_MESSAGES" / "bot.po").open("rb") as po:
        return read_po(po)


def test_key_strings_come_in_polish_and_urdu():
    assert wording.text("SAVED", "pl") == "Zapisano ✅"
    assert wording.text("SKIP", "ur") == "چھوڑیں"
    assert wording.text("WELCOME", "pl-PL").startswith("Cześć!")
    assert wording.text("FORGET_YES", "pl") != wording.FORGET_YES


def test_english_is_the_default_and_the_fallback_never_a_blank(monkeypatch):
    assert wording.text("SAVED") == wording.SAVED == "Saved ✅"
    assert wording.text("SAVED", "de") == wording.SAVED
    # Words added to the code but not yet translated are said in English.
    monkeypatch.setattr(wording, "BRAND_NEW_WORDS", "Brand new words", raising=False)
    assert wording.text("BRAND_NEW_WORDS", "pl") == "Brand new words"
    with wording.speaking("ur"):
        assert wording.say.BRAND_NEW_WORDS == "Brand new words"
        assert wording.say.SAVED == wording.text("SAVED", "ur") != wording.SAVED
    assert wording.say.SAVED == wording.SAVED  # back to English outside


def test_an_unknown_key_is_a_mistake_not_silence():
    with pytest.raises(KeyError):
        wording.text("NO_SUCH_WORDING", "pl")
    with pytest.raises(KeyError):
        wording.text("chunks", "pl")
    with pytest.raises(AttributeError):
        _ = wording.say.NO_SUCH_WORDING


def test_every_chat_message_is_translated_with_its_placeholders_and_lines():
    english = set(catalogue.messages().values())
    for lang in ("pl", "ur"):
        catalog = _po(lang)
        entries = {m.id: m for m in catalog if m.id}
        # The catalogue is up to date with the code: nothing missing, nothing extra.
        assert english - set(entries) == set(), lang
        for source in english:
            translated_like_the_source(catalog, source)


def test_the_committed_compiled_catalogues_match_their_sources():
    for lang in ("pl", "ur"):
        expected = BytesIO()
        write_mo(expected, _po(lang))
        expected.seek(0)
        with (catalogue.DIRECTORY / lang / "LC_MESSAGES" / "bot.mo").open("rb") as mo:
            committed = compiled_messages(mo)
        compiled = compiled_messages(expected)
        assert committed == compiled, f"run pybabel compile -D bot -d bot/translations ({lang})"


def test_help_keeps_its_commands_in_every_language():
    for lang in ("en", "pl", "ur"):
        help_text = wording.text("HELP", lang)
        for command in ("/consultations", "/privacy", "/stop", "/forgetme", "/language"):
            assert command in help_text, (lang, command)


def test_dates_read_as_people_write_them():
    from datetime import date

    day = date(2027, 3, 1)
    assert wording.long_date(day, "en") == "1 March 2027"
    assert "2027" in wording.long_date(day, "pl") and "marca" in wording.long_date(day, "pl")
    with wording.speaking("pl"):
        assert wording.long_date(day) in wording.summary(["A"], day)


def test_the_template_lists_every_message_for_translators(tmp_path):
    target = tmp_path / "bot.pot"
    assert catalogue.main([str(target)]) == 0
    with target.open("rb") as pot:
        ids = {m.id for m in read_po(pot) if m.id}
    assert ids == set(catalogue.messages().values())
    # The platform's own words (help, the outbox's messages) are the back end's, said once.
    assert ids.isdisjoint(words.messages().values())
