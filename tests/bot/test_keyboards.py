"""Keyboards are built by pure functions; these pin what people see."""

from __future__ import annotations

from bot import wording
from bot.conversation import Button, Reply, is_emoji_only, question_buttons
from bot.telegram.keyboards import for_telegram, to_markup
from channel_api.payloads import Question


def test_multiple_choice_shows_ticks_done_back_and_skip():
    question = Question.model_validate(
        {
            "id": 7,
            "position": 2,
            "kind": "multiple_choice",
            "prompt": "What would you go to?",
            "required": False,
            "max_length": None,
            "scale": None,
            "options": [{"id": 1, "label": "Sport"}, {"id": 2, "label": "Music"}],
        }
    )
    rows = question_buttons("club", question, {2}, back_to=6)
    labels = [[b.label for b in row] for row in rows]
    assert labels == [["Sport"], ["✅ Music"], [wording.DONE], [wording.BACK, wording.SKIP]]
    assert rows[1][0].data == "m:club:7:2" and rows[3][0].data == "q:club:6"
    markup = to_markup(rows)
    assert markup is not None and markup.inline_keyboard[1][0].callback_data == "m:club:7:2"
    assert all(len((b.data or "").encode()) <= 64 for row in rows for b in row)


def test_links_telegram_would_refuse_move_into_the_text():
    reply = Reply("Hi", [[Button("Go", "go:x")], [Button("Read", url="http://127.0.0.1:5000/c/x")]])
    fixed = for_telegram(reply)
    assert fixed.text == "Hi\nRead: http://127.0.0.1:5000/c/x" and len(fixed.buttons) == 1
    public = Reply("Hi", [[Button("Read", url="https://voice.example.org/c/x")]])
    assert for_telegram(public) is public


def test_emoji_only_means_no_letters_or_digits():
    assert is_emoji_only("🎉🔥 !!") and not is_emoji_only("ok 🎉") and not is_emoji_only("5")
