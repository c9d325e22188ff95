"""The Telegram conversation end to end: fake Bot API server, real back end, real HTTP."""

from __future__ import annotations

from sqlalchemy import select

from bot import wording
from consultations.db import db
from consultations.models import Answer, Participant
from tests.helpers import make_consultation


def _saved_answers() -> list[Answer]:
    db.session.expire_all()
    return list(db.session.scalars(select(Answer).order_by(Answer.question_id)))


def test_from_start_to_the_summary(running):
    consultation = make_consultation(slug="youth-club")
    chat = running.chat()

    # Welcome, then straight to what can be read and answered: no questions about them first.
    listing = chat.send("/start", wording.PICK_ONE)
    assert wording.WELCOME in chat.texts()[0]
    assert "http://testserver/privacy" in chat.texts()[0]
    assert listing["reply_markup"]["inline_keyboard"][0][0]["text"] == consultation.youth_title

    chat.press(consultation.youth_title, consultation.youth_title)
    opened = chat.transcript[-1]
    labels = [b["text"] for row in opened["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == [wording.START_ANSWERING]
    # The test site's address is not one Telegram accepts on a button, so it is in the text.
    assert f"{wording.READ_ORIGINAL}: http://testserver/c/youth-club#original" in opened["text"]

    chat.press(wording.START_ANSWERING, "Question 1 of 4")
    chat.press("Friday", "Question 2 of 4")
    assert wording.SAVED in chat.texts()[-2]
    # Multiple choice: ticks show on the same message, saved only on Done.
    ticked = chat.press("Music", None)
    ticked = chat.transcript[-1]
    labels = [b["text"] for row in ticked["reply_markup"]["inline_keyboard"] for b in row]
    assert "✅ Music" in labels and "Sport" in labels
    chat.press("Gaming", None)
    chat.press(wording.DONE, "Question 3 of 4")
    question3 = chat.transcript[-1]
    assert "1 = Not at all … 5 = A lot" in question3["text"]
    assert [b["text"] for b in question3["reply_markup"]["inline_keyboard"][0]] == list("12345")
    chat.press("4", "Question 4 of 4")
    summary = chat.send("More skate parks please", "Thanks! Here's what you said")

    assert "1. Friday\n2. Music, Gaming\n3. 4 / 5\n4. More skate parks please" in summary["text"]
    assert "Which day is best?" not in summary["text"]  # short: the answers, not the questions
    assert "We've promised to tell you what changed by" in summary["text"]
    answers = _saved_answers()
    assert len(answers) == 4
    assert answers[3].text == "More skate parks please"
    # Only now the optional questions about them, each skippable, in words without jargon.
    profile = running.telegram.wait_for_message(chat.chat_id, wording.ASK_AGE_BAND)
    assert wording.PROFILE_INTRO in profile["text"]
    chat.press("18 to 21", wording.ASK_AREA)
    assert "like ST4 or Hanley" in wording.ASK_AREA and "ward" not in wording.ASK_AREA
    chat.send("ST4", wording.ASK_UPDATES)
    chat.press(wording.NO, wording.UPDATES_OFF)
    participant = db.session.scalar(select(Participant))
    assert participant.age_band == "18-21" and participant.area == "st4"
    # Every button press got its callback query answered.
    presses = running.telegram.calls_to("answerCallbackQuery")
    assert len({p["callback_query_id"] for p in presses}) == len(presses) == chat.presses


def _subscription():
    from feedback.models import Subscription

    db.session.expire_all()
    return db.session.scalar(select(Subscription))


def test_deep_link_opens_the_consultation_straight_away(running):
    consultation = make_consultation(slug="parks-and-play")
    chat = running.chat()
    opened = chat.send("/start c_parks-and-play", consultation.youth_title)
    assert wording.WELCOME in chat.texts()[0]
    assert opened["reply_markup"]["inline_keyboard"][0][0]["text"] == wording.START_ANSWERING
    chat.press(wording.START_ANSWERING, "Question 1 of 4")

    missing = running.chat(77)
    missing.send("/start c_no-such-thing", wording.NOT_FOUND)


def test_going_back_and_changing_an_answer_replaces_it(running):
    consultation = make_consultation()
    chat = running.chat()
    chat.send(f"/start c_{consultation.slug}", consultation.youth_title)
    chat.press(wording.START_ANSWERING, "Question 1 of 4")
    chat.press("Monday", "Question 2 of 4")
    chat.press(wording.BACK, "Question 1 of 4")
    assert "Your answer now: Monday" in chat.transcript[-1]["text"]
    chat.press("Saturday", "Question 2 of 4")
    assert wording.CHANGED in chat.texts()[-2]
    answers = _saved_answers()
    assert len(answers) == 1
    saturday = next(o.id for o in consultation.questions[0].options if o.label == "Saturday")
    assert answers[0].option_ids == [saturday]
    # From the summary, "Change answer 3" goes straight to that question and back again.
    chat.press(wording.SKIP, "Question 3 of 4")
    chat.press("2", "Question 4 of 4")
    chat.press(wording.SKIP, "Here's what you said")
    chat.press(wording.CHANGE_ANSWER.format(number=3), "Question 3 of 4")
    summary = chat.press("5", "Here's what you said")
    assert "5 / 5" in summary["text"] and wording.NO_ANSWER in summary["text"]
    assert consultation.questions[0].options[2].label == "Saturday"
    db.session.expire_all()
    counts = {o.label: o.tally for o in consultation.questions[0].options}
    assert counts == {"Monday": 0, "Friday": 0, "Saturday": 1}  # never double counted


def test_stale_buttons_and_double_taps(running):
    consultation = make_consultation()
    chat = running.chat()
    chat.send(f"/start c_{consultation.slug}", consultation.youth_title)
    chat.press(wording.START_ANSWERING, "Question 1 of 4")
    message_id, data = chat.button("Friday")
    chat.press_data(message_id, data, "Question 2 of 4")
    before = len(chat.transcript)
    # The same button again (a double tap): one short notice, nothing new saved or sent.
    notice = chat.press_data(message_id, data, None)
    assert notice["text"] == wording.ALREADY_SAVED
    assert len(chat.transcript) == before and len(_saved_answers()) == 1
    # A button for a question that no longer exists.
    chat.press_data(message_id, f"o:{consultation.slug}:999999:1", wording.STALE_BUTTON)
    assert "Question 2 of 4" in chat.texts()[-1]
    # Once the consultation closes, its buttons say so plainly.
    from consultations import services
    from tests.helpers import now

    services.close_consultation(consultation, now=now())
    db.session.commit()
    chat.press("Sport", wording.CLOSED)
    assert len(_saved_answers()) == 1


def test_opting_in_then_stop(running):
    chat = running.chat()
    chat.send("/start", wording.NONE_OPEN)
    chat.send("send me updates", wording.UPDATES_ON)
    subscription = _subscription()
    assert subscription.active and subscription.address == str(chat.chat_id)
    chat.send("/stop", wording.STOPPED)
    subscription = _subscription()
    assert not subscription.active and subscription.address is None


def test_forget_me_asks_first_then_erases(running):
    consultation = make_consultation()
    chat = running.chat()
    chat.send(f"/start c_{consultation.slug}", consultation.youth_title)
    chat.press(wording.START_ANSWERING, "Question 1 of 4")
    chat.press("Friday", "Question 2 of 4")
    chat.send("/forgetme", wording.FORGET_ASK)
    chat.press(wording.FORGET_NO, wording.NOT_FORGOTTEN)
    assert len(_saved_answers()) == 1
    chat.send("/forgetme", wording.FORGET_ASK)
    chat.press(wording.FORGET_YES, wording.FORGOTTEN)
    assert _saved_answers() == []


def test_groups_get_one_line_and_nothing_else(running):
    make_consultation()
    running.telegram.user_sends_text(-100, "/start", chat_type="group")
    reply = running.telegram.wait_for_message(-100, wording.PRIVATE_ONLY)
    running.telegram.user_sends_text(-100, "hello", chat_type="group")
    running.telegram.wait_for_message(-100, wording.PRIVATE_ONLY, after=1)
    assert reply["text"] == wording.PRIVATE_ONLY
    assert _saved_answers() == []


def test_bad_input_gets_one_plain_line_and_nothing_is_lost(running):
    consultation = make_consultation()
    chat = running.chat()
    chat.send("bananas?", wording.UNKNOWN)
    assert chat.transcript[-1]["reply_markup"]["inline_keyboard"][0][0]["text"] == (
        wording.SEE_OPEN
    )
    chat.send("/frobnicate", wording.UNKNOWN)
    chat.send("/define", wording.DEFINE_USAGE)
    chat.send("/define zzzz", "I don't have an explanation for “zzzz”")
    chat.send("/define lsp", "Local Strategic Partnership: The council, police")
    chat.send("/help", "/consultations")
    chat.send("/privacy", "16 or over")
    assert "http://testserver/" in chat.texts()[-1]

    chat.send(f"/start c_{consultation.slug}", consultation.youth_title)
    chat.press(wording.START_ANSWERING, "Question 1 of 4")
    chat.send("a banana", wording.PICK_AN_OPTION)  # typed, but none of the options
    chat.press("Friday", "Question 2 of 4")
    chat.press("Sport", None)
    chat.press(wording.DONE, "Question 3 of 4")
    chat.press("3", "Question 4 of 4")
    chat.send("🎉🎉🔥", wording.EMOJI_ONLY)
    chat.send("x" * 201, wording.TEXT_TOO_LONG.format(limit="200 characters"))
    chat.send("y" * 5000, "That's a bit long")
    assert len(_saved_answers()) == 3  # none of those became an answer
    chat.send("A quiet room 🙂", "Here's what you said")
    assert _saved_answers()[-1].text == "A quiet room 🙂"


def test_a_back_end_that_is_down_gets_one_plain_sentence(telegram, tmp_path):
    from tests.bot.support import BotThread, Chat, bot_settings

    bot = BotThread(bot_settings("http://127.0.0.1:9", telegram, tmp_path / "s.db")).start()
    try:
        chat = Chat(telegram, 5151)
        chat.send("/consultations", wording.BACKEND_DOWN)
        chat.send("/start c_anything", wording.BACKEND_DOWN)
    finally:
        bot.stop()


def test_a_disclosure_gets_childline_and_999_straight_away(running):
    from consultations.moderation.models import SafeguardingConcern

    consultation = make_consultation(slug="feeling-safe")
    chat = running.chat()
    chat.send("/start c_feeling-safe", consultation.youth_title)
    chat.press(wording.START_ANSWERING, "Question 1 of 4")
    chat.press("Friday", "Question 2 of 4")
    chat.press("Music", None)
    chat.press(wording.DONE, "Question 3 of 4")
    chat.press("2", "Question 4 of 4")
    chat.send("honestly i just want to kill myself", "Thanks! Here's what you said")
    texts = chat.texts()
    help_at = next(i for i, t in enumerate(texts) if "0800 1111" in t)
    assert "999" in texts[help_at]
    assert help_at < len(texts) - 1  # before the summary, straight after "saved"
    db.session.expire_all()
    assert db.session.scalar(select(SafeguardingConcern)) is not None


def _at_the_written_question(chat, consultation):  # type: ignore[no-untyped-def]
    chat.send(f"/start c_{consultation.slug}", consultation.youth_title)
    chat.press(wording.START_ANSWERING, "Question 1 of 4")
    chat.press("Friday", "Question 2 of 4")
    chat.press(wording.SKIP, "Question 3 of 4")
    chat.press("3", "Question 4 of 4")
    assert wording.TYPE_ANSWER in chat.transcript[-1]["text"]


def test_a_command_in_the_middle_of_a_written_answer_keeps_the_question(running):
    for number, command, reply in [
        (1, "/banana", wording.UNKNOWN),
        (2, "/language", wording.LANGUAGE_PICK),
        (3, "/consultations", wording.PICK_ONE),
        (4, "/help", "/consultations"),
    ]:
        consultation = make_consultation()
        chat = running.chat(5000 + number)
        _at_the_written_question(chat, consultation)
        chat.send(command, reply)
        summary = chat.send(f"A quiet room to read, after {command}", "Here's what you said")
        assert f"A quiet room to read, after {command}" in summary["text"]
        assert wording.PICK_AN_OPTION not in chat.texts()
        written = [a for a in _saved_answers() if a.question_id == consultation.questions[3].id]
        assert [a.text for a in written] == [f"A quiet room to read, after {command}"]


def test_typed_text_at_a_written_question_is_never_told_to_use_the_buttons(running):
    consultation = make_consultation()
    chat = running.chat()
    _at_the_written_question(chat, consultation)
    # Opening the consultation again moves on from the question it was asking...
    chat.send(f"/start c_{consultation.slug}", consultation.youth_title)
    # ...so typed text gets the written question again, never "use the buttons".
    again = chat.send("More benches", "Question 4 of 4")
    assert wording.TYPE_ANSWER in again["text"]
    assert wording.PICK_AN_OPTION not in chat.texts()
    chat.send("More benches in the park", "Here's what you said")
    assert _saved_answers()[-1].text == "More benches in the park"


def test_a_long_text_comes_a_page_at_a_time_split_at_paragraphs(running):
    paragraphs = [
        f"Paragraph {n}. " + "We want to hear from you about this. " * 8 for n in range(6)
    ]
    consultation = make_consultation(youth_summary="\n\n".join(paragraphs))
    chat = running.chat()
    first = chat.send(f"/start c_{consultation.slug}", consultation.youth_title)
    labels = [b["text"] for row in first["reply_markup"]["inline_keyboard"] for b in row]
    assert labels[:2] == [wording.READ_MORE, wording.START_ANSWERING]
    assert len(first["text"]) <= 700 and first["text"].rstrip().endswith(".")
    assert "Paragraph 5" not in first["text"]
    second = chat.press(wording.READ_MORE, "Paragraph")
    assert second["text"].startswith("Paragraph")  # a whole paragraph, never half of one
    shown = [first["text"], second["text"]]
    while wording.READ_MORE in [
        b["text"] for row in chat.transcript[-1]["reply_markup"]["inline_keyboard"] for b in row
    ]:
        shown.append(chat.press(wording.READ_MORE, "Paragraph")["text"])
    assert all(f"Paragraph {n}." in "\n".join(shown) for n in range(6))
    chat.send("more", "Paragraph 5")  # typed, the same step as the button
    chat.press(wording.START_ANSWERING, "Question 1 of 4")


def test_the_welcome_comes_once_and_a_deep_link_later_goes_straight_in(running):
    first, second = make_consultation(), make_consultation()
    chat = running.chat()
    chat.send(f"/start c_{first.slug}", first.youth_title)
    assert wording.WELCOME in chat.texts()[0]
    before = len(chat.transcript)
    chat.send(f"/start c_{second.slug}", second.youth_title)
    assert not any(wording.WELCOME in t for t in chat.texts(before))


def test_a_closed_consultations_button_says_so_once(running):
    from consultations import services
    from tests.helpers import now

    consultation = make_consultation()
    chat = running.chat()
    chat.send("/consultations", wording.PICK_ONE)
    services.close_consultation(consultation, now=now())
    db.session.commit()
    chat.press(consultation.youth_title, wording.CLOSED)
    notice = running.telegram.answered_callbacks[-1]
    assert notice.get("text") in (None, "")  # the message says it; the notice doesn't repeat it
    assert chat.texts().count(wording.CLOSED) == 1
