"""The shared chat wording: long texts split under a channel's limit without losing words."""

from __future__ import annotations

from datetime import date

import pytest

from bot import wording


def test_long_text_is_split_under_the_limit_and_keeps_every_word():
    paragraph = " ".join(f"word{i}" for i in range(400))
    text = "\n\n".join([paragraph, "Short one.", paragraph])
    parts = wording.chunks(text, limit=1000)
    assert len(parts) > 3
    assert all(len(p) <= 1000 for p in parts)
    assert " ".join(" ".join(parts).split()) == " ".join(text.split())


def test_short_paragraphs_share_a_message():
    assert wording.chunks("One.\n\nTwo.\n\n\n\nThree.") == ["One.\n\nTwo.\n\nThree."]


def test_summary_is_short_and_says_when_feedback_is_due():
    text = wording.summary(["Friday", None, "x" * 300], date(2027, 3, 1))
    assert "1. Friday\n2. (skipped)\n3. " + "x" * 59 + "…\n" in text
    assert "You answered 2 of 3 questions." in text and "1 March 2027" in text
    assert "once it's decided" in wording.summary([], None)


@pytest.mark.parametrize(
    ("n", "lang", "said"),
    [
        (1, "en", "1 young person"),
        (2, "en", "2 young people"),
        (1, "pl", "1 młoda osoba"),
        (3, "pl", "3 młode osoby"),
        (5, "pl", "5 młodych osób"),
        (22, "pl", "22 młode osoby"),
        (25, "pl", "25 młodych osób"),
        (1, "ur", "1 نوجوان"),
        (1, "pl", "1 młoda osoba"),
    ],
)
def test_counts_take_the_plural_form_each_language_needs(n, lang, said):
    assert wording.count(n, "young person", lang) == said


def test_counted_words_in_polish_use_all_three_forms():
    assert [wording.count(n, "character", "pl") for n in (1, 2, 5, 200, 1000)] == [
        "1 znak",
        "2 znaki",
        "5 znaków",
        "200 znaków",
        "1000 znaków",
    ]
    assert wording.count(4, "question", "pl") == "4 pytania"
    assert wording.count(2, "question", "ur") == "2 سوالات"


def test_privacy_says_telegram_needs_16_and_points_to_the_web():
    text = wording.PRIVACY.format(
        web_url="https://yv.example", privacy_url="https://yv.example/privacy"
    )
    assert "16" in text and "https://yv.example" in text
