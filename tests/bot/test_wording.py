"""The shared chat wording: long texts split under a channel's limit without losing words."""

from __future__ import annotations

from datetime import date

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


def test_summary_says_when_feedback_is_due():
    text = wording.summary([("Which day?", "Friday")], date(2027, 3, 1))
    assert "Which day?" in text and "Friday" in text and "1 March 2027" in text
    assert "once it's decided" in wording.summary([], None)


def test_privacy_says_telegram_needs_16_and_points_to_the_web():
    text = wording.PRIVACY.format(
        web_url="https://yv.example", privacy_url="https://yv.example/privacy"
    )
    assert "16" in text and "https://yv.example" in text
