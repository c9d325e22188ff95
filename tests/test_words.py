"""The platform's own words (help after a disclosure, the outbox's messages) in every language."""

from __future__ import annotations

from io import BytesIO

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from consultations import words
from tests.helpers import compiled_messages, translated_like_the_source


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
        catalog = _po(lang)
        entries = {m.id: m for m in catalog if m.id}
        # The catalogue is up to date with the code: nothing missing, nothing extra.
        assert set(entries) == english, lang
        for source in english:
            translated_like_the_source(catalog, source)


def test_the_committed_compiled_catalogues_match_their_sources():
    for lang in ("pl", "ur"):
        expected = BytesIO()
        write_mo(expected, _po(lang))
        expected.seek(0)
        with (words.DIRECTORY / lang / "LC_MESSAGES" / "domain.mo").open("rb") as mo:
            committed = compiled_messages(mo)
        compiled = compiled_messages(expected)
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


def test_counts_read_right_at_one_and_take_polish_three_forms():
    assert words.counted("RECEIPT_ONE_OF", 1) == "You were the only young person who answered."
    assert words.counted("RECEIPT_ONE_OF", 2) == "You were one of 2 young people who answered."
    assert "1 young person took part" in words.results_out("Parks", 1, "http://x/r")
    assert "22 young people took part" in words.results_out("Parks", 22, "http://x/r")
    polish = {n: words.results_out("Parki", n, "http://x/r", "pl") for n in (1, 2, 5, 22)}
    assert "1 młoda osoba" in polish[1]
    assert "2 młode osoby" in polish[2]
    assert "5 młodych osób" in polish[5]
    assert "22 młode osoby" in polish[22]  # 22 takes the form of 2, not of 5
    assert all("Parki" in text and "http://x/r" in text for text in polish.values())
    receipts = {n: words.counted("RECEIPT_ONE_OF", n, "pl") for n in (1, 2, 5, 22)}
    assert receipts[1] == "Odpowiedziała tylko jedna młoda osoba: ty."
    assert receipts[2] == "Odpowiedziały 2 młode osoby, w tym ty."
    assert receipts[5] == "Odpowiedziało 5 młodych osób, w tym ty."
    assert receipts[22] == "Odpowiedziały 22 młode osoby, w tym ty."


def test_urdu_counts_have_their_own_form_for_one():
    one, many = (words.results_out("Parks", n, "http://x/r", "ur") for n in (1, 22))
    assert "1 نوجوان نے" in one and "22 نوجوانوں نے" in many
    assert words.counted("RECEIPT_ONE_OF", 1, "ur") != words.counted("RECEIPT_ONE_OF", 2, "ur")


def test_words_with_a_number_cannot_be_asked_for_without_one():
    with pytest.raises(TypeError):
        words.text("RESULTS_OUT", "pl")
    with pytest.raises(TypeError):
        words.counted("RECEIPT_THANKS", 3, "pl")


def test_the_you_said_draft_counts_people_in_each_language_s_form():
    assert words.counted("DRAFT_TOOK_PART", 1, "en") == "1 young person took part."
    assert words.counted("DRAFT_TOOK_PART", 22, "en") == "22 young people took part."
    polish = [words.counted("DRAFT_TOOK_PART", n, "pl") for n in (1, 3, 5, 22)]
    assert polish == [
        "1 młoda osoba wzięła udział.",
        "3 młode osoby wzięły udział.",
        "5 młodych osób wzięło udział.",
        "22 młode osoby wzięły udział.",
    ]
    assert words.counted("DRAFT_TOOK_PART", 7, "ur").startswith("7 نوجوانوں")
    assert words.counted("DRAFT_THEME", 1, "en", theme="Buses") == (
        "1 young person wrote about “Buses”."
    )
