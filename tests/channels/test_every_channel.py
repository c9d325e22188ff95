"""The same conversation scripts through every channel adapter: Telegram, terminal and Rasa.

Each script is what a young person does and what they must get back; each behaviour the
issue found to differ between channels is a named case here, run on every channel.
"""

from __future__ import annotations

from sqlalchemy import select

from bot import wording
from consultations.db import db
from consultations.models import Answer
from tests.channels.support import Driver, texts
from tests.helpers import make_consultation


def _answers() -> list[Answer]:
    db.session.rollback()  # see what the back end committed in its own threads
    return list(db.session.scalars(select(Answer).order_by(Answer.question_id)))


def _to_the_written_question(person: Driver, consultation) -> None:  # type: ignore[no-untyped-def]
    assert wording.PICK_ONE in texts(person.send("hi"))
    assert consultation.youth_title in texts(person.press(consultation.youth_title))
    assert "Question 1 of 4" in texts(person.press(wording.START_ANSWERING))
    assert "Question 2 of 4" in texts(person.send("2"))  # typed: Friday
    assert "Question 3 of 4" in texts(person.send("music and gaming"))
    written = texts(person.send("4/5"))
    assert "Question 4 of 4" in written and wording.TYPE_ANSWER in written


def test_a_whole_consultation_typed_and_summed_up_shortly(app, person):
    consultation = make_consultation()
    _to_the_written_question(person, consultation)
    end = texts(person.send("A skate park by the canal"))
    assert wording.SAVED in end and "Thanks! Here's what you said" in end
    assert "1. Friday\n2. Music, Gaming\n3. 4 / 5\n4. A skate park by the canal" in end
    assert "Which day is best?" not in end  # the summary doesn't repeat every question
    saved = _answers()
    assert [a.question_id for a in saved] == [q.id for q in consultation.questions]
    assert saved[3].text == "A skate park by the canal"


def test_picking_a_consultation_by_the_words_of_its_title(app, person):
    wanted = make_consultation()
    make_consultation()
    assert wording.PICK_ONE in texts(person.send("hi"))
    title_words = wanted.youth_title.lower()  # "have your say N"
    opened = texts(person.send(title_words))
    assert wanted.youth_title in opened and wording.FORGET_ASK not in opened


def test_words_are_explained_by_alias_and_as_a_whole(app, person):
    make_consultation()
    person.send("hi")
    assert "Local Strategic Partnership" in texts(person.send("what does LSP mean?"))
    said = texts(person.send("co to znaczy community cohesion"))
    assert said.lower().startswith("community cohesion:")
    said = texts(person.send("community cohesion ka matlab kya hai"))
    assert said.lower().startswith("community cohesion:")


def test_commands_in_the_middle_of_a_written_answer_are_never_saved_as_it(app, person):
    consultation = make_consultation()
    _to_the_written_question(person, consultation)
    assert "Your privacy, in plain words" in texts(person.send("privacy"))
    assert "Local Strategic Partnership" in texts(person.send("what does LSP mean"))
    assert texts(person.send("what does forum mean")).startswith("forum: ")
    assert wording.FORGET_ASK in texts(person.send("forget me"))
    assert wording.NOT_FORGOTTEN in texts(person.send("no"))
    assert all(a.text is None for a in _answers())  # none of those became the answer
    end = texts(person.send("More benches please"))
    assert "Thanks! Here's what you said" in end
    assert _answers()[-1].text == "More benches please"


def test_stop_asking_me_leaves_the_questions_and_keeps_what_was_saved(app, person):
    consultation = make_consultation()
    assert wording.PICK_ONE in texts(person.send("hi"))
    person.press(consultation.youth_title)
    person.press(wording.START_ANSWERING)
    person.send("friday")
    assert wording.FORM_STOPPED in texts(person.send("stop asking me"))
    assert len(_answers()) == 1
    assert wording.PICK_AN_OPTION not in texts(person.send("what's open"))


def test_a_typed_yes_to_the_offer_of_updates_subscribes(app, person):
    from feedback.models import Subscription

    consultation = make_consultation()
    _to_the_written_question(person, consultation)
    end = person.send("A quiet room")
    assert wording.ASK_AGE_BAND in texts(end)  # the optional questions come after
    assert wording.ASK_AREA in texts(person.send("skip"))
    area = texts(person.send("Hanley"))
    assert "like ST4 or Hanley" not in area
    assert "when results are out" in area  # the offer of updates
    assert "message" in texts(person.send("yes")).lower()
    db.session.rollback()
    assert db.session.scalar(select(Subscription.active)) is True


def _followed() -> list[str]:
    from consultations.models import FollowedTopic, Theme

    db.session.rollback()
    return list(
        db.session.scalars(
            select(Theme.key).join(FollowedTopic, FollowedTopic.theme_id == Theme.id)
        )
    )


def test_topics_are_chosen_after_saying_yes_to_updates_and_gone_after_stop(app, person):
    consultation = make_consultation()
    _to_the_written_question(person, consultation)
    person.send("A quiet room")
    person.send("skip")
    person.send("Hanley")
    offered = texts(person.send("yes"))
    assert wording.ASK_TOPICS in offered  # offered once messages are on
    person.press("Belonging and each other's cultures")
    assert _followed() == ["culture"]
    person.send("topics")
    person.press(wording.TOPICS_EVERYTHING)
    assert _followed() == []  # none followed: they hear about everything
    person.press("Getting on with each other")
    assert _followed() == ["tensions"]
    person.send("stop")
    assert _followed() == []  # stopping deletes what is no longer needed


def test_coming_back_carries_on_where_they_left_off(app, person):
    consultation = make_consultation()
    person.send("hi")
    person.press(consultation.youth_title)
    person.press(wording.START_ANSWERING)
    person.send("Friday")
    back = person.send("hi")
    assert wording.WELCOME not in texts(back)  # welcomed once, on first contact
    assert wording.WELCOME_BACK.format(title=consultation.youth_title) in texts(back)
    assert "Question 2 of 4" in texts(person.press(wording.CARRY_ON))


def test_a_wrong_answer_gets_one_plain_sentence_and_the_question_stays(app, person):
    consultation = make_consultation()
    person.send("hi")
    person.press(consultation.youth_title)
    person.press(wording.START_ANSWERING)
    said = person.send("a banana")
    assert texts(said) == wording.PICK_AN_OPTION
    assert "Question 2 of 4" in texts(person.send("fridy"))  # a typo still counts
    assert texts(person.send("12")) == wording.PICK_AN_OPTION
    assert "Question 3 of 4" in texts(person.send("1, 3"))
    assert texts(person.send("ten")) == wording.PICK_A_NUMBER
    assert len(_answers()) == 2


def test_polish_greeting_sets_polish_and_reads_the_scale_back_in_it(app, person):
    consultation = make_consultation()
    said = texts(person.send("cześć"))
    assert wording.text("PICK_ONE", "pl") in said
    assert wording.text("PRIVACY", "pl").split("\n")[0] in texts(person.send("prywatność"))
    unknown = texts(person.send("qwerty blablabla"))  # not understood: said in Polish too
    assert unknown in (wording.text("UNKNOWN", "pl"), wording.text("CHAT_UNKNOWN", "pl"))
    assert wording.text("PICK_ONE", "pl") in texts(person.press(wording.text("SEE_OPEN", "pl")))
    person.press(consultation.youth_title)
    assert wording.text("QUESTION_HEADER", "pl").format(number=1, total=4) in texts(
        person.press(wording.text("START_ANSWERING", "pl"))
    )
    person.send("1")
    assert wording.text("PICK_AT_LEAST_ONE", "pl") in texts(person.send("gotowe"))
    ticked = texts(person.send("2"))  # one option of several: ticked, as its button does
    assert wording.text("PICKED_SO_FAR", "pl").format(picked="Music") in ticked
    person.send("gotowe")
    person.send("4 z 5")
    end = texts(person.send("Więcej boisk"))
    assert wording.text("SAID_HEADER", "pl") in end and "3. 4 / 5" in end
    assert "out of 5" not in end


def test_urdu_script_is_understood_and_answered_in_urdu(app, person):
    make_consultation()
    said = texts(person.send("مدد"))
    assert said.startswith(wording.text("HELP", "ur").split("\n")[0]) or said.startswith(
        wording.text("CHAT_HELP", "ur").split("\n")[0]
    )
    assert wording.text("FORGET_ASK", "ur") in texts(person.send("میرا ڈیٹا حذف کریں"))
    assert wording.text("NOT_FORGOTTEN", "ur") in texts(person.send("نہیں"))


def test_a_disclosure_gets_the_support_message_straight_after_saved(app, person):
    consultation = make_consultation()
    _to_the_written_question(person, consultation)
    said = person.send("honestly i just want to kill myself")
    joined = texts(said)
    assert "0800 1111" in joined and "999" in joined
    at = next(i for i, s in enumerate(said) if "0800 1111" in s.text)
    assert wording.SAVED in said[at - 1].text


def test_a_word_for_reading_on_is_an_answer_at_a_written_question(app, person):
    consultation = make_consultation()
    _to_the_written_question(person, consultation)
    assert "Thanks! Here's what you said" in texts(person.send("more"))
    assert _answers()[-1].text == "more"


def test_the_questions_read_as_the_staff_preview_shows_them(app, person):
    from bot import conversation
    from consultations import queries
    from webapp.api import consultation_payload

    consultation = make_consultation()
    with app.test_request_context():
        payload = consultation_payload(queries.consultation_by_slug(consultation.slug))
    previewed = [r.text for r in conversation.preview(payload)]
    person.send("hi")
    person.press(consultation.youth_title)
    shown = [s.text for s in person.press(wording.START_ANSWERING)]
    assert previewed[1] in shown  # question 1, word for word
    shown = [s.text for s in person.send("Friday")]
    assert previewed[2] in shown  # question 2
    shown = [s.text for s in person.send("sport")]  # one option: ticked, the question again
    shown = [s.text for s in person.send("done")]
    assert previewed[3] in shown  # question 3


def test_the_support_after_a_disclosure_comes_in_the_conversations_language(app, person):
    consultation = make_consultation()
    assert wording.text("PICK_ONE", "pl") in texts(person.send("cześć"))
    person.press(consultation.youth_title)
    person.press(wording.text("START_ANSWERING", "pl"))
    person.send("1")
    person.send("2, 3")
    person.send("3")
    said = texts(person.send("honestly i just want to kill myself"))
    from consultations import words

    polish = words.support_message(safeguarding=True, tension=False, lang="pl")
    assert polish in said and "0800 1111" in said
    assert wording.text("SAVED", "pl") in said
