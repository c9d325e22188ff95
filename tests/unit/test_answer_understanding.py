"""What a typed reply to a question means (bot/conversation.py over bot/understanding.py).

A young person may type instead of tapping: a number, an option's words with a typo, "4 out
of 5", or something that is no answer, which gets one plain sentence back, never a guess.
"""

from __future__ import annotations

import pytest

from bot import understanding
from bot.conversation import check_written, is_emoji_only, typed_answer
from tests.unit.payloads import question

CLUB = ("Sport", "Music", "Gaming", "Cooking")


@pytest.mark.parametrize(("typed", "picked"), [("2", 2), ("music", 2), ("Musik", 2), ("gam", 3)])
def test_one_option_by_number_by_its_words_or_close_to_them(typed, picked):
    q = question("single_choice", labels=CLUB)
    assert typed_answer(q, typed, set()) == {"option_ids": [q.options[picked - 1].id]}


@pytest.mark.parametrize("typed", ["7", "0", "pizza", "🙂", ""])
def test_no_option_is_guessed(typed):
    q = question("single_choice", labels=CLUB)
    assert typed_answer(q, typed, set()) == (
        "Please pick one of the options: tap a button or type its number."
    )


def test_two_options_with_close_scores_are_not_guessed_between():
    assert understanding.option("ca", ["Cat", "Car"]) is None
    assert understanding.option("cat", ["Cat", "Car"]) == 1


def test_several_options_at_once_are_saved_together():
    q = question("multiple_choice", labels=CLUB)
    ids = [o.id for o in q.options]
    assert typed_answer(q, "1 and 4", set()) == {"option_ids": [ids[0], ids[3]]}
    assert typed_answer(q, "music, cooking", set()) == {"option_ids": [ids[1], ids[3]]}


def test_one_option_of_a_multiple_choice_is_ticked_as_its_button_would():
    q = question("multiple_choice", labels=CLUB)
    assert typed_answer(q, "gaming", set()) == q.options[2].id


def test_done_saves_the_ticks_and_needs_at_least_one():
    q = question("multiple_choice", labels=CLUB)
    ticked = {q.options[3].id, q.options[0].id}
    assert typed_answer(q, "done", ticked) == {"option_ids": sorted(ticked)}
    assert typed_answer(q, "Gotowe", ticked) == {"option_ids": sorted(ticked)}
    assert typed_answer(q, "done", set()) == "Please pick at least one, then press Done."


@pytest.mark.parametrize(
    ("typed", "value"), [("4", 4), ("4 out of 5", 4), ("five", 5), ("⭐⭐", 2)]
)
def test_a_scale_value_however_it_is_typed(typed, value):
    assert typed_answer(question("scale"), typed, set()) == {"value": value}


@pytest.mark.parametrize("typed", ["6", "a lot", "3.5"])
def test_not_on_the_scale(typed):
    assert typed_answer(question("scale"), typed, set()) == "Please send a number from 1 to 5."


def test_a_written_answer_is_trimmed_and_kept_whole():
    q = question("free_text", max_length=50)
    assert check_written(q, "  More buses at night, please  ") == {
        "text": "More buses at night, please"
    }


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("   ", "I didn't get any words there. Type your answer, or press Skip."),
        ("🎉🔥", "Emojis are great, but I need some words too. Type your answer, or press Skip."),
        ("x" * 51, "That's a bit long. Please keep it under 50 characters and send it again."),
    ],
)
def test_a_written_answer_that_cannot_be_saved_says_why_in_one_sentence(typed, said):
    assert check_written(question("free_text", max_length=50), typed) == said


def test_a_written_answer_without_a_limit_may_be_500_characters():
    q = question("free_text")
    assert check_written(q, "x" * 500) == {"text": "x" * 500}
    assert isinstance(check_written(q, "x" * 501), str)


def test_emoji_only_means_no_letters_and_no_digits_in_any_script():
    assert is_emoji_only("👍 !!")
    assert not is_emoji_only("ok 👍")
    assert not is_emoji_only("۳")  # an Urdu digit is a number, not a symbol
    assert not is_emoji_only("ہاں")


def test_folding_makes_typing_without_accents_or_capitals_the_same():
    assert understanding.fold("Usuń  MOJE dane 🙏") == "usun moje dane"
    assert understanding.fold("Łódź") == "lodz"
    assert understanding.fold("مدد") == "مدد"  # Urdu keeps its marks
