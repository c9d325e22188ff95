"""What young people type, read the same on every channel (pure: no network, no chat library)."""

from __future__ import annotations

import pytest

from bot import understanding as u
from bot.state import ChatState

LABELS = ["Sport", "Music", "Gaming", "Art and crafts"]


@pytest.mark.parametrize(
    ("typed", "command", "arg"),
    [
        ("help", "help", ""),
        ("HELP!!", "help", ""),
        ("pomoc", "help", ""),
        ("madad", "help", ""),
        ("مدد", "help", ""),
        ("privacy", "privacy", ""),
        ("prywatność", "privacy", ""),
        ("forget me", "forgetme", ""),
        ("forgt me", "forgetme", ""),  # a typo
        ("Usuń moje dane", "forgetme", ""),
        ("usun moje dane", "forgetme", ""),  # no Polish letters on the keyboard
        ("mera data delete karo", "forgetme", ""),
        ("میرا ڈیٹا حذف کریں", "forgetme", ""),
        ("stop asking me", "leave", ""),
        ("stop", "stop", ""),
        ("send me the results", "updates", ""),
        ("cześć", "start", ""),
        ("hiya", "start", ""),
        ("polski", "language", "pl"),
        ("what does LSP mean?", "define", "LSP"),
        ("whats a ward", "define", "ward"),
        ("co to znaczy LSP", "define", "LSP"),
        ("LSP ka matlab kya hai", "define", "LSP"),
        ("community cohesion کا مطلب کیا ہے", "define", "community cohesion"),
        ("what's open", "consultations", ""),
        ("more", "more", ""),
    ],
)
def test_commands_are_read_in_every_language(typed, command, arg):
    assert u.command(typed) == u.Command(command, arg)


@pytest.mark.parametrize(
    "typed",
    ["the help I need is a bus", "Have your say 3", "Friday", "more buses at night", "4/5", ""],
)
def test_an_answer_is_not_taken_for_a_command(typed):
    assert u.command(typed) is None


@pytest.mark.parametrize(
    ("typed", "lang", "said"),
    [
        ("yes", "en", True),
        ("Yes please", "en", True),
        ("yh", "en", True),
        ("👍", "en", True),
        ("nah", "en", False),
        ("tak", "pl", True),
        ("nie", "pl", False),
        ("no", "pl", None),  # "no" often means "yeah" in Polish: asked, not guessed
        ("ہاں", "ur", True),
        ("نہیں", "ur", False),
        ("haan ji", "ur", True),
        ("prywatność", "pl", None),
    ],
)
def test_yes_and_no_in_three_languages(typed, lang, said):
    assert u.yes_or_no(typed, lang) is said


@pytest.mark.parametrize(
    ("typed", "picked"),
    [
        ("1 and 3", [1, 3]),
        ("1, 3", [1, 3]),
        ("1 3", [1, 3]),
        ("1 i 3", [1, 3]),
        ("music + sport", [1, 2]),
        ("Music, Sprot", [1, 2]),  # a typo
        ("gamin", [3]),
        ("art and crafts", [4]),  # an option whose words contain "and"
        ("banana", None),
        ("9", None),
    ],
)
def test_several_options_at_once(typed, picked):
    assert u.options(typed, LABELS) == picked


@pytest.mark.parametrize(
    ("typed", "value"),
    [("4", 4), ("4/5", 4), ("4 out of 5", 4), ("4 z 5", 4), ("four", 4), ("۳", 3), ("⭐⭐", 2)],
)
def test_a_scale_value_however_it_is_written(typed, value):
    assert u.scale_value(typed) == value


@pytest.mark.parametrize("typed", ["6", "0", "ten", "a lot", "🙂"])
def test_not_a_scale_value(typed):
    assert u.scale_value(typed) is None


def test_a_consultation_by_number_or_by_words_of_its_title():
    titles = ["A fair chance at a job for everyone", "A new youth club"]
    assert u.title("fair chance at a job", titles) == 1
    assert u.title("youth club", titles) == 2
    assert u.title("2", titles) == 2
    assert u.title("3", titles) is None
    assert u.title("pizza", titles) is None


@pytest.mark.parametrize(
    ("typed", "lang"),
    [
        ("cześć", "pl"),
        ("co to znaczy LSP", "pl"),
        ("مدد", "ur"),
        ("mujhe madad chahiye", "ur"),
        ("what does this mean please", "en"),
        ("ok", None),
        ("1", None),
    ],
)
def test_the_language_a_message_is_written_in(typed, lang):
    assert u.language_of(typed) == lang


def test_the_state_is_typed_and_survives_json_and_garbage():
    state = ChatState(slug="youth-club", question=3, ticks={3: [1, 2]}, offer="updates")
    again = ChatState.from_json(state.to_json())
    assert again == state and again.ticks == {3: [1, 2]}
    assert ChatState.from_json({"ticks": "nonsense"}) == ChatState()
    # A state file from before: still the person's language, still writing their answer.
    old = ChatState.from_json({"awaiting": "t:12", "lang": "pl", "slug": "klub", "onboarding": 1})
    assert (old.lang, old.slug, old.question, old.writing) == ("pl", "klub", 12, True)
