"""The chat wording in Polish and Urdu, with English for anything not translated."""

from __future__ import annotations

import pytest

from bot import wording


def test_key_strings_come_in_polish_and_urdu():
    assert wording.text("SAVED", "pl") == "Zapisano ✅"
    assert wording.text("SKIP", "ur") == "چھوڑیں"
    assert wording.text("WELCOME", "pl-PL").startswith("Cześć!")


def test_english_is_the_default_and_the_fallback_never_a_blank():
    assert wording.text("SAVED") == wording.SAVED == "Saved ✅"
    assert wording.text("SAVED", "de") == wording.SAVED
    assert wording.text("FORGET_YES", "pl") == wording.FORGET_YES
    for lang, table in wording.TRANSLATIONS.items():
        for key, words in table.items():
            assert isinstance(getattr(wording, key), str), (lang, key)
            assert words.strip() and wording.text(key, lang) == words


def test_an_unknown_key_is_a_mistake_not_silence():
    with pytest.raises(KeyError):
        wording.text("NO_SUCH_WORDING", "pl")
    with pytest.raises(KeyError):
        wording.text("chunks", "pl")
