"""Chatting in Polish or Urdu: picked once, remembered, and answers land on the same questions."""

from __future__ import annotations

from sqlalchemy import select

from bot import wording
from consultations import words
from consultations.db import db
from consultations.models import Answer
from consultations.translations import save_translation
from tests.helpers import make_consultation, now


def _polish(consultation):  # type: ignore[no-untyped-def]
    day, activities = consultation.questions[0], consultation.questions[1]
    save_translation(
        consultation,
        "pl",
        youth_title="Nowy klub młodzieżowy",
        youth_summary="Rada chce otworzyć nowy klub młodzieżowy. Powiedz, co myślisz.",
        questions={
            day.id: {
                "prompt": "Który dzień jest najlepszy?",
                "options": {str(o.id): f"Dzień {o.label}" for o in day.options},
            },
            activities.id: {"prompt": "Co byś tam robił?"},
        },
        now=now(),
    )
    db.session.commit()


def test_the_api_gives_a_consultation_in_the_language_asked_for(api):
    consultation = make_consultation()
    _polish(consultation)
    day = consultation.questions[0]

    polish = api.get(f"/consultations/{consultation.slug}", headers={"Accept-Language": "pl"})
    body = polish.json
    assert body["language"] == "pl" and body["youth_title"] == "Nowy klub młodzieżowy"
    assert body["youth_text"].startswith("Rada chce")
    assert body["questions"][0]["prompt"] == "Który dzień jest najlepszy?"
    assert body["questions"][0]["options"][0] == {
        "id": day.options[0].id,
        "label": f"Dzień {day.options[0].label}",
    }
    # Not translated by the officer: English rather than blank.
    assert body["questions"][2]["prompt"] == "How much do you want it?"
    assert body["questions"][2]["scale"]["min_label"] == "Not at all"
    assert "Accept-Language" in polish.headers["Vary"]

    listed = api.get("/consultations", headers={"Accept-Language": "pl-PL,pl;q=0.9"}).json
    assert listed["consultations"][0]["youth_title"] == "Nowy klub młodzieżowy"
    assert listed["consultations"][0]["summary"].startswith("Rada chce")

    for asked in ({}, {"Accept-Language": "ur"}, {"Accept-Language": "de"}):
        english = api.get(f"/consultations/{consultation.slug}", headers=asked).json
        assert english["language"] == "en" and english["youth_title"] == consultation.youth_title
        assert english["questions"][0]["prompt"] == "Which day is best?"


def test_the_help_after_a_disclosure_comes_in_the_channels_language(api):
    consultation = make_consultation()
    free_text = consultation.questions[3]
    sent = api.post(
        f"/consultations/{consultation.slug}/answers",
        headers={"Accept-Language": "ur"},
        json={
            "participant": {"channel": "telegram", "id": "ur-1"},
            "answers": [{"question_id": free_text.id, "text": "I want to kill myself"}],
        },
    )
    assert sent.status_code == 200, sent.json
    message = sent.json["support"]["message"]
    # The channel's language first; the answer was written in English, so English too.
    urdu = words.support_message(safeguarding=True, tension=False, lang="ur")
    english = words.support_message(safeguarding=True, tension=False)
    assert urdu != english
    assert message == f"{urdu}\n\n{english}"
    assert sent.json["support"]["languages"] == ["ur", "en"]
    assert "0800 1111" in message and "999" in message


def test_a_phone_set_to_polish_gets_polish_and_can_switch_to_urdu(running):
    running.telegram.user_languages[5151] = "pl"
    chat = running.chat(5151)

    chat.send("/start", wording.text("NONE_OPEN", "pl"))
    assert chat.texts()[0].startswith(wording.text("WELCOME", "pl"))
    picker = chat.send("/language", wording.text("LANGUAGE_PICK", "pl"))
    labels = [b["text"] for row in picker["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["English", "Polski", "اردو"]

    chat.press("اردو", wording.text("LANGUAGE_SET", "ur"))
    chat.send("/help", wording.text("HELP", "ur"))
    # Remembered even though the app still says Polish.
    chat.send("/consultations", wording.text("NONE_OPEN", "ur"))
    chat.send("/language en", wording.LANGUAGE_SET)
    chat.send("/help", wording.HELP)


def test_answering_in_polish_lands_on_the_same_questions(running):
    consultation = make_consultation(slug="klub")
    _polish(consultation)
    day = consultation.questions[0]
    chat = running.chat(6161)

    chat.send("/language pl", wording.text("LANGUAGE_SET", "pl"))
    chat.send("/consultations", wording.text("PICK_ONE", "pl"))
    chat.press("Nowy klub młodzieżowy", "Nowy klub młodzieżowy")
    start = wording.text("START_ANSWERING", "pl")
    header = wording.text("QUESTION_HEADER", "pl").format(number=1, total=4)
    question = chat.press(start, header)
    assert "Który dzień jest najlepszy?" in question["text"]
    chat.press(
        f"Dzień {day.options[1].label}",
        wording.text("QUESTION_HEADER", "pl").format(number=2, total=4),
    )
    assert wording.text("SAVED", "pl") in chat.texts()

    db.session.expire_all()
    saved = db.session.scalars(select(Answer)).all()
    assert [(a.question_id, a.option_ids) for a in saved] == [(day.id, [day.options[1].id])]


def test_the_command_menu_is_published_in_every_language(running):
    menus = running.telegram.commands_by_language
    assert set(menus) == {"", "pl", "ur"}
    assert [c["command"] for c in menus["pl"]] == [c["command"] for c in menus[""]]
    assert "language" in [c["command"] for c in menus[""]]
    described = {c["command"]: c["description"] for c in menus["pl"]}
    assert described["language"] == wording.text("MENU_LANGUAGE", "pl")
    assert described["help"] != wording.MENU_HELP


def test_changing_language_changes_the_language_of_the_news(running):
    from feedback.models import Subscription

    chat = running.chat(7171)
    chat.send("/start", wording.NONE_OPEN)
    chat.send("send me the results", wording.UPDATES_ON)
    db.session.expire_all()
    assert db.session.scalar(select(Subscription.language)) is None  # English

    chat.send("/language ur", wording.text("LANGUAGE_SET", "ur"))
    db.session.expire_all()
    subscription = db.session.scalar(select(Subscription))
    assert subscription.language == "ur" and subscription.active
    assert subscription.address == "7171"


def test_writing_in_polish_switches_the_news_to_polish_too(running):
    from feedback.models import Subscription

    chat = running.chat(7272)
    chat.send("/start", wording.NONE_OPEN)
    chat.send("send me the results", wording.UPDATES_ON)
    chat.send("pomoc", wording.text("HELP", "pl"))
    db.session.expire_all()
    assert db.session.scalar(select(Subscription.language)) == "pl"
