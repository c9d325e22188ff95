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

    welcome = chat.send("/start", wording.ASK_AGE_BAND)
    assert wording.WELCOME in chat.texts()[0]
    assert "http://testserver/privacy" in chat.texts()[0]
    assert welcome["reply_markup"]["inline_keyboard"][-1][0]["text"] == wording.PREFER_NOT_TO_SAY

    chat.press("18 to 21", wording.ASK_AREA)
    chat.send("ST4", wording.ASK_UPDATES)
    listing = chat.press(wording.NO, wording.PICK_ONE)
    assert listing["reply_markup"]["inline_keyboard"][0][0]["text"] == consultation.youth_title

    chat.press(consultation.youth_title, consultation.youth_title)
    opened = chat.transcript[-1]
    labels = [b["text"] for row in opened["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == [wording.START_ANSWERING, wording.READ_ORIGINAL]
    assert "youth-club#original" in opened["reply_markup"]["inline_keyboard"][1][0]["url"]

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

    assert "Friday" in summary["text"] and "Music, Gaming" in summary["text"]
    assert "4 / 5" in summary["text"] and "More skate parks please" in summary["text"]
    assert "We've promised to tell you what changed by" in summary["text"]
    answers = _saved_answers()
    assert len(answers) == 4
    assert answers[3].text == "More skate parks please"
    participant = db.session.scalar(select(Participant))
    assert participant.age_band == "18-21" and participant.area == "ST4"
    # Every button press got its callback query answered.
    presses = running.telegram.calls_to("answerCallbackQuery")
    assert len({p["callback_query_id"] for p in presses}) == len(presses) == chat.presses
