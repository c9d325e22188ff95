"""How a question reads in a chat, before anyone answers it (bot/conversation.py's renderers).

Every channel shows these words and buttons; the staff preview shows them to officers too.
"""

from __future__ import annotations

from bot import wording
from bot.conversation import (
    PAGE_LIMIT,
    Button,
    describe_answer,
    next_question,
    question_buttons,
    question_text,
    reading_pages,
    summary_buttons,
)
from channel_api import payloads as api
from tests.unit.payloads import question, stored

DAYS = ("Monday", "Friday", "Saturday")


def test_a_single_choice_question_numbers_its_options_and_says_how_to_pick():
    q = question("single_choice", labels=DAYS)
    lines = question_text(q, 1, 4).splitlines()
    assert lines == [
        "Question 1 of 4",
        "Which day is best?",
        "1. Monday",
        "2. Friday",
        "3. Saturday",
        "Tap one, or type its number.",
    ]


def test_a_multiple_choice_question_says_to_press_done_or_type_numbers():
    q = question("multiple_choice", labels=DAYS)
    text = question_text(q, 2, 4)
    assert "3. Saturday" in text
    assert text.endswith("Tap all that fit, then press Done. Or type the numbers, like 1, 3.")


def test_a_scale_question_names_both_ends():
    q = question("scale", prompt="How much do you want it?")
    assert question_text(q, 3, 4).splitlines()[-1] == "1 = Not at all … 5 = A lot"


def test_a_written_question_gives_its_limit_only_when_there_is_one():
    q = question("free_text", prompt="Anything else?", max_length=200)
    assert question_text(q, 4, 4, limit=200).endswith(
        "Type your answer and send it. Type your answer (up to 200 characters)."
    )
    assert question_text(q, 4, 4).endswith("Type your answer and send it.")


def test_the_answer_so_far_is_shown_in_words():
    q = question("multiple_choice", labels=DAYS)
    answer = stored(q, option_ids=[q.options[0].id, q.options[2].id])
    assert question_text(q, 1, 1, answer).splitlines()[-1] == "Your answer now: Monday, Saturday"
    scale = question("scale")
    assert describe_answer(scale, stored(scale, value=4)) == "4 / 5"
    written = question("free_text")
    assert describe_answer(written, stored(written, text="More buses")) == "More buses"
    assert describe_answer(written, None) == "(skipped)"


def test_a_question_reads_in_the_persons_language():
    q = question("single_choice", labels=DAYS, prompt="Który dzień?")
    with wording.speaking("pl"):
        text = question_text(q, 1, 2)
    assert text.startswith("Pytanie 1 z 2\nKtóry dzień?")
    with wording.speaking("ur"):
        assert question_text(q, 1, 2).startswith("سوال 1 از 2")


def test_single_choice_buttons_pick_one_and_offer_back_and_skip_when_allowed():
    q = question("single_choice", labels=DAYS, required=False)
    rows = question_buttons("club", q, set(), back_to=7)
    assert rows[:3] == [
        [Button(label, f"o:club:10:{q.options[n].id}")] for n, label in enumerate(DAYS)
    ]
    assert rows[3] == [Button("Back", "q:club:7"), Button("Skip", "s:club:10")]
    required = question("single_choice", labels=DAYS, required=True)
    assert question_buttons("club", required, set(), back_to=None) == rows[:3]


def test_multiple_choice_buttons_show_ticks_and_a_done_button():
    q = question("multiple_choice", labels=DAYS, required=True)
    rows = question_buttons("club", q, {q.options[1].id}, back_to=None)
    assert [row[0].label for row in rows] == ["Monday", "✅ Friday", "Saturday", "Done"]
    assert rows[-1] == [Button("Done", "d:club:10")]


def test_a_scale_is_one_row_of_five():
    q = question("scale", required=True)
    (row,) = question_buttons("club", q, set(), back_to=None)
    assert [b.label for b in row] == ["1", "2", "3", "4", "5"]
    assert row[3].data == "v:club:10:4"


def test_the_summary_offers_to_change_each_answer_and_updates_until_subscribed():
    questions = [question("scale", qid=1), question("free_text", qid=2)]
    rows = summary_buttons("club", questions, subscribed=False)
    assert [r[0].label for r in rows] == [
        "Change answer 1",
        "Change answer 2",
        "Send me the results",
        "See what's open",
    ]
    assert "Send me the results" not in [
        r[0].label for r in summary_buttons("club", questions, subscribed=True)
    ]


def _consultation(
    questions: list[api.Question], text: str = "We plan a youth club."
) -> api.Consultation:
    # Only the fields the renderers read: the rest of a consultation does not change them.
    return api.Consultation.model_construct(
        slug="club",
        youth_title="A new youth club",
        youth_text=text,
        glossary=[api.GlossaryTerm(term="LSP", explanation="The Local Strategic Partnership")],
        questions=questions,
    )


def test_a_long_text_comes_in_pages_at_paragraphs_with_the_words_explained_last():
    paragraphs = [f"Paragraph {n}. " + "We will read every answer. " * 8 for n in range(6)]
    pages = reading_pages(_consultation([], "\n\n".join(paragraphs)))
    assert len(pages) > 1
    assert all(len(p) <= PAGE_LIMIT for p in pages)
    assert pages[0].startswith("A new youth club\n\nParagraph 0.")
    assert pages[-1].endswith("Words explained:\n• LSP: The Local Strategic Partnership")
    assert "".join(pages).count("Paragraph") == 6  # nothing lost between pages


def test_the_next_question_is_after_the_one_just_answered_then_any_left_from_the_start():
    qs = [question("scale", qid=i, position=i) for i in range(1, 5)]
    consultation = _consultation(qs)
    answered = {2: stored(qs[1], value=3)}
    assert next_question(consultation, answered, [], after=None).id == 1  # type: ignore[union-attr]
    assert next_question(consultation, answered, [], after=2).id == 3  # type: ignore[union-attr]
    assert next_question(consultation, answered, [3, 4], after=2).id == 1  # type: ignore[union-attr]
    everything = {q.id: stored(q, value=1) for q in qs}
    assert next_question(consultation, everything, [], after=4) is None
