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
    plurals = {tuple(p) for p in words.plurals().values()}
    for lang in ("pl", "ur"):
        entries = {m.id: m for m in _po(lang) if m.id}
        # The catalogue is up to date with the code: nothing missing, nothing extra.
        assert set(entries) == english | plurals, lang
        for plural in plurals:
            forms = entries[plural].string
            # Polish says 1, 2–4 and 5 or more differently; Urdu 1 and the rest.
            assert len(forms) == {"pl": 3, "ur": 2}[lang], (lang, plural)
            for form in forms:
                assert form.strip() and "fuzzy" not in entries[plural].flags, (lang, plural)
                assert sorted(PLACEHOLDER.findall(form)) == sorted(
                    PLACEHOLDER.findall(plural[1])
                ), (lang, plural)
        for source in english:
            entry = entries[source]
            assert entry.string.strip(), (lang, source)
            assert "fuzzy" not in entry.flags, (lang, source)
            assert sorted(PLACEHOLDER.findall(entry.string)) == sorted(
                PLACEHOLDER.findall(source)
            ), (lang, source)
            assert entry.string.count("\n") == source.count("\n"), (lang, source)


def _key(value: str | list[str] | tuple[str, ...]) -> str | tuple[str, ...]:
    # A plural entry's id and forms come back as lists.
    return value if isinstance(value, str) else tuple(value)


def test_the_committed_compiled_catalogues_match_their_sources():
    for lang in ("pl", "ur"):
        expected = BytesIO()
        write_mo(expected, _po(lang))
        expected.seek(0)
        with (words.DIRECTORY / lang / "LC_MESSAGES" / "domain.mo").open("rb") as mo:
            committed = {_key(m.id): _key(m.string) for m in read_mo(mo) if m.id}
        compiled = {_key(m.id): _key(m.string) for m in read_mo(expected) if m.id}
        assert committed == compiled, (
            f"run pybabel compile -D domain -d consultations/locale ({lang})"
        )


def test_the_template_lists_every_message_for_translators(tmp_path):
    target = tmp_path / "domain.pot"
    assert words.main([str(target)]) == 0
    with target.open("rb") as pot:
        ids = {m.id for m in read_po(pot) if m.id}
    assert ids == set(words.messages().values()) | {tuple(p) for p in words.plurals().values()}
    assert words.HATE_REPORTING_URL not in ids
    assert "domain" not in ids


def test_words_that_follow_a_number_take_each_language_s_form():
    assert words.count_text("DRAFT_TOOK_PART", 1, "en") == "{n} young person took part."
    assert words.count_text("DRAFT_TOOK_PART", 22, "en") == "{n} young people took part."
    polish = [words.count_text("DRAFT_TOOK_PART", n, "pl").format(n=n) for n in (1, 3, 5, 22)]
    assert polish == [
        "1 młoda osoba wzięła udział.",
        "3 młode osoby wzięły udział.",
        "5 młodych osób wzięło udział.",
        "22 młode osoby wzięły udział.",
    ]
    assert words.count_text("DRAFT_TOOK_PART", 7, "ur").startswith("{n} نوجوانوں")
    with pytest.raises(KeyError):
        words.count_text("DRAFT_ASKED", 2, "pl")  # not words that follow a number
