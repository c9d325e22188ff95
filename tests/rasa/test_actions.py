"""Every custom action through ``youthvoice actions``' ``/webhook``, with the real back end."""

from __future__ import annotations

import json

import httpx
import pytest
from flask import Flask
from sqlalchemy import select

from bot import wording
from consultations import queries, services
from consultations.db import db
from consultations.models import Participant
from feedback import subscriptions
from feedback.models import Subscription
from tests.helpers import make_consultation
from tests.rasa.support import Conversation, joined, texts


def _me(app: Flask, talk: Conversation) -> Participant | None:
    db.session.rollback()  # see what the back end committed in its own threads
    return services.find_participant(
        "rasa", f"{talk.channel}:{talk.sender_id}", key=app.config["PSEUDONYM_KEY"]
    )


def _open(talk: Conversation, title: str) -> list[dict]:
    talk.user("hi", "greet")
    listing = talk.run("action_list_consultations")
    assert wording.PICK_ONE in joined(listing)
    talk.tap(title)
    return talk.run("action_show_consultation")


def test_a_whole_consultation_by_form_is_saved_and_summed_up(app, backend, action_server):
    c = make_consultation(youth_summary="The LSP wants to hear from you. Tell us what you think.")
    talk = Conversation(action_server.url)

    shown = _open(talk, c.youth_title)
    assert "The LSP wants to hear from you" in joined(shown)
    assert "Local Strategic Partnership" in joined(shown)  # the glossary comes with it
    assert f"/c/{c.slug}#original" in joined(shown)

    first = talk.start_form()
    assert texts(first)[0].startswith("Question 1 of 4\nWhich day is best?")
    assert [b["title"] for b in first[0]["buttons"]] == ["Monday", "Friday", "Saturday"]
    assert first[0]["buttons"][1]["payload"] == '/choose{"answer":"2"}'

    replies = talk.tap("Friday")
    assert texts(replies)[0] == wording.SAVED
    assert texts(replies)[1].startswith("Question 2 of 4")
    talk.tap("Sport")
    picked = talk.tap("Gaming")
    assert wording.PICKED_SO_FAR.format(picked="Sport, Gaming") in joined(picked)
    assert "✅ Gaming" in [b["title"] for b in picked[-1]["buttons"]]
    replies = talk.tap(wording.DONE)
    assert texts(replies)[0] == wording.SAVED
    assert "1 = Not at all … 5 = A lot" in texts(replies)[1]
    talk.tap("4")
    end = talk.type("A skate park near the bus station 🛹")

    summary = joined(end)
    assert "Which day is best?\n  Friday" in summary
    assert "Sport, Gaming" in summary and "4 out of 5" in summary
    assert "A skate park near the bus station 🛹" in summary
    assert "We've promised to tell you what changed by" in summary
    assert end[-1]["text"] == wording.CHAT_ASK_UPDATES
    assert [b["payload"] for b in end[-1]["buttons"]] == ["/subscribe", "/deny"]
    assert talk.slots["answer"] is None and talk.slots["question_index"] == 0

    saved = queries.answers_of(c, _me(app, talk))
    single, multi, scale, free = c.questions
    assert [(a.question_id, a.scale_value, a.text) for a in saved] == [
        (single.id, None, None),
        (multi.id, None, None),
        (scale.id, 4, None),
        (free.id, None, "A skate park near the bus station 🛹"),
    ]
    assert saved[0].option_ids == [single.options[1].id]
    assert saved[1].option_ids == sorted([multi.options[0].id, multi.options[2].id])
    # Nothing the young person typed, and not who they are, is in the server's log.
    log = action_server.logged()
    assert "skate park" not in log and talk.sender_id not in log


def test_answers_that_do_not_fit_are_asked_again_in_plain_words(app, backend, action_server):
    c = make_consultation()
    talk = Conversation(action_server.url)
    _open(talk, c.youth_title)
    talk.start_form()

    for typed, said in [
        ("banana", wording.PICK_AN_OPTION),
        ("7", wording.PICK_AN_OPTION),
        ("skip", wording.REQUIRED),  # the first question must be answered
    ]:
        replies = talk.type(typed)
        assert texts(replies)[0] == said
        assert texts(replies)[1].startswith("Question 1 of 4")  # the same question again
    assert queries.answers_of(c, _me(app, talk)) == []

    assert texts(talk.type("sat"))[0] == wording.SAVED  # an option's words work too
    # The NLU may well read "1, 4" as picking consultation 1; while answering it is an answer.
    replies = talk.form_turn(
        "1, 4", "pick_consultation", [{"entity": "consultation", "value": "1"}]
    )
    assert texts(replies)[0] == wording.SAVED
    assert talk.slots["consultation"] == c.slug
    for typed, said in [("11", wording.PICK_A_NUMBER), ("loads", wording.PICK_A_NUMBER)]:
        assert texts(talk.type(typed))[0] == said
    assert texts(talk.type("5"))[0] == wording.SAVED
    assert texts(talk.type("😀🔥"))[0] == wording.EMOJI_ONLY
    assert texts(talk.type("y" * 201))[0] == wording.TEXT_TOO_LONG.format(limit=200)
    end = talk.tap(wording.SKIP)
    assert texts(end)[0] == wording.SKIPPED
    assert "Thanks! Here's what you said" in joined(end)

    saved = queries.answers_of(c, _me(app, talk))
    assert [a.question_id for a in saved] == [q.id for q in c.questions[:3]]
    assert saved[1].option_ids == sorted(o.id for o in c.questions[1].options[::3])


def test_stop_leaves_the_questions_and_keeps_what_was_saved(app, backend, action_server):
    c = make_consultation()
    talk = Conversation(action_server.url)
    _open(talk, c.youth_title)
    talk.start_form()
    talk.tap("Monday")
    replies = talk.type("stop")
    assert texts(replies) == [wording.FORM_STOPPED]
    assert talk.active_loop == {}
    assert len(queries.answers_of(c, _me(app, talk))) == 1

    # A button from an earlier message is not an answer to a written question either.
    again = Conversation(action_server.url)
    _open(again, c.youth_title)
    again.start_form()
    for title in ("Monday", wording.SKIP, wording.SKIP):
        again.tap(title)
    payload = f'/pick_consultation{{"consultation":"{c.slug}"}}'
    replies = again.form_turn(payload, "pick_consultation", [])
    assert texts(replies) == [wording.FORM_STOPPED]
    assert [a.text for a in queries.answers_of(c, _me(app, again))] == [None]


def test_a_saved_answer_survives_the_back_end_going_down(app, backend, action_server):
    c = make_consultation()
    talk = Conversation(action_server.url)
    _open(talk, c.youth_title)
    talk.start_form()
    assert texts(talk.tap("Monday"))[0] == wording.SAVED

    talk.tap("Music")
    backend.down = True
    replies = talk.tap(wording.DONE)
    assert texts(replies)[0] == f"{wording.BACKEND_DOWN}\n{wording.ANSWERS_SAFE}"
    assert talk.slots["question_index"] == 1  # not acknowledged, so not moved on

    backend.down = False
    assert [a.question_id for a in queries.answers_of(c, _me(app, talk))] == [c.questions[0].id]
    replies = talk.tap(wording.DONE)  # the pick is still there: send it again
    assert texts(replies)[0] == wording.SAVED
    assert texts(replies)[1].startswith("Question 3 of 4")
    saved = queries.answers_of(c, _me(app, talk))
    assert saved[1].option_ids == [c.questions[1].options[1].id]


def test_an_unreachable_back_end_gets_a_plain_sorry_never_a_500(unreachable_action_server):
    talk = Conversation(unreachable_action_server.url)
    talk.user("hi", "greet")
    assert texts(talk.run("action_list_consultations")) == [wording.BACKEND_DOWN]
    talk.slots["consultation"] = "youth-club"
    talk.active_loop = {"name": "consultation_form"}
    replies = talk.type("Monday")
    assert texts(replies)[0] == f"{wording.BACKEND_DOWN}\n{wording.ANSWERS_SAFE}"
    assert talk.slots["answer"] is None
    assert texts(talk.run("action_subscribe")) == [wording.BACKEND_DOWN]


def test_subscribe_stop_and_forget_me(app, backend, action_server):
    c = make_consultation()
    talk = Conversation(action_server.url, channel="rest")
    _open(talk, c.youth_title)
    talk.start_form()
    talk.tap("Saturday")

    assert texts(talk.run("action_subscribe")) == [wording.CHAT_UPDATES_ON]
    me = _me(app, talk)
    assert me is not None and subscriptions.is_subscribed(me)
    # Deliveries go back to this Rasa conversation.
    assert db.session.scalar(select(Subscription.address)) == talk.sender_id

    assert texts(talk.run("action_unsubscribe")) == [wording.STOPPED]
    assert not subscriptions.is_subscribed(_me(app, talk))

    talk.user("forget me", "forgetme")
    talk.latest_action = "utter_forget_ask"
    talk.user("yes", "affirm")
    assert texts(talk.run("action_forget_me")) == [wording.CHAT_FORGOTTEN]
    assert _me(app, talk) is None
    assert talk.slots["consultation"] is None


def test_define_privacy_and_picking_by_number(app, backend, action_server):
    make_consultation(youth_summary="The LSP wants to hear from you. Tell us what you think.")
    second = make_consultation()
    talk = Conversation(action_server.url)

    talk.user("wat does LSP mean", "define", [{"entity": "term", "value": "LSP"}])
    assert joined(talk.run("action_define_term")).startswith("Local Strategic Partnership:")
    talk.user("what does local strategic partnership mean??", "define")
    assert "Local Strategic Partnership" in joined(talk.run("action_define_term"))
    talk.user("what does flibbertigibbet mean", "define")
    assert texts(talk.run("action_define_term")) == [
        wording.DEFINE_UNKNOWN.format(word="flibbertigibbet")
    ]

    privacy = joined(talk.run("action_privacy"))
    assert "We never ask your name" in privacy and "http://testserver/privacy" in privacy

    talk.run("action_list_consultations")
    talk.user("2", "pick_consultation", [{"entity": "consultation", "value": "2"}])
    assert second.youth_title in joined(talk.run("action_show_consultation"))
    assert talk.slots["consultation"] == second.slug

    for value in ("9", "../participants/me?channel=rasa&id=1", "no-such-thing"):
        talk.user(value, "pick_consultation", [{"entity": "consultation", "value": value}])
        assert texts(talk.run("action_show_consultation")) == [wording.NOT_FOUND]


def test_a_closed_consultation_says_so_instead_of_asking(app, backend, action_server):
    c = make_consultation()
    talk = Conversation(action_server.url)
    _open(talk, c.youth_title)
    talk.start_form()
    c.closes_at = c.opens_at  # it closes while they are answering
    db.session.commit()
    replies = talk.tap("Monday")
    assert wording.CLOSED in texts(replies)
    assert talk.active_loop == {}


def test_an_unknown_action_gets_rasa_sdks_404_shape(action_server):
    talk = Conversation(action_server.url)
    response = talk.post(talk.action_call("action_make_tea"))
    assert response.status_code == 404
    assert response.json() == {
        "error": "No registered action found for name 'action_make_tea'.",
        "action_name": "action_make_tea",
    }


def test_a_broken_request_never_echoes_what_was_sent(action_server):
    secret = "my phone number is 07700 900123"
    response = httpx.post(
        f"{action_server.url}/webhook",
        json={"next_action": "action_privacy", "sender_id": "x", "text": secret},
        timeout=10,
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "The action call needs a tracker: the conversation so far, as Rasa sends it."
    }
    assert "07700" not in response.text and "07700" not in action_server.logged()
    assert [a["name"] for a in httpx.get(f"{action_server.url}/actions").json()] == [
        "action_list_consultations",
        "action_show_consultation",
        "action_ask_answer",
        "validate_consultation_form",
        "action_save_answers",
        "action_define_term",
        "action_subscribe",
        "action_unsubscribe",
        "action_forget_me",
        "action_privacy",
    ]


def test_the_web_chat_in_polish_gets_polish_words_and_the_polish_consultation(
    app, backend, action_server
):
    from consultations.translations import save_translation
    from tests.helpers import now

    c = make_consultation()
    day = c.questions[0]
    save_translation(
        c,
        "pl",
        youth_title="Nowy klub",
        youth_summary="Rada chce otworzyć nowy klub. Powiedz, co myślisz.",
        questions={
            day.id: {"prompt": "Który dzień?", "options": {str(day.options[1].id): "Piątek"}}
        },
        now=now(),
    )
    db.session.commit()
    # The page's language comes with every message (socket.io metadata, kept on the user event).
    talk = Conversation(action_server.url, metadata={"language": "pl"})

    talk.user("hi", "greet")
    listing = talk.run("action_list_consultations")
    assert wording.text("PICK_ONE", "pl") in joined(listing)
    talk.tap("Nowy klub")
    shown = joined(talk.run("action_show_consultation"))
    assert "Rada chce otworzyć nowy klub." in shown

    first = talk.start_form()
    header = wording.text("QUESTION_HEADER", "pl").format(number=1, total=4)
    assert texts(first)[0].startswith(f"{header}\nKtóry dzień?")
    replies = talk.tap("Piątek")
    assert texts(replies)[0] == wording.text("SAVED", "pl")
    # The same question as in English: the answer is on the question's id.
    saved = queries.answers_of(c, _me(app, talk))
    assert [(a.question_id, a.option_ids) for a in saved] == [(day.id, [day.options[1].id])]

    # Anything the channel does not say the language of is English.
    english = Conversation(action_server.url)
    english.user("hi", "greet")
    assert wording.PICK_ONE in joined(english.run("action_list_consultations"))


def _call(**changes: object) -> dict[str, object]:
    body = Conversation("http://unused").action_call("action_privacy")
    return {**body, **changes}


def _tracker(**changes: object) -> dict[str, object]:
    return {**_call()["tracker"], **changes}  # type: ignore[dict-item]


BAD_WEBHOOK_BODIES = {
    "no tracker": (json.dumps(_call(tracker=None)), "needs a tracker"),
    "a tracker that is a list": (json.dumps(_call(tracker=[])), "needs a tracker"),
    "no sender_id": (json.dumps(_call(tracker=_tracker(sender_id=None))), "needs a sender_id"),
    "slots that are a list": (json.dumps(_call(tracker=_tracker(slots=[]))), "slots"),
    "events that are text": (json.dumps(_call(tracker=_tracker(events="x"))), "events"),
    "an event that is a number": (json.dumps(_call(tracker=_tracker(events=[1]))), "events"),
    "latest_message that is text": (
        json.dumps(_call(tracker=_tracker(latest_message="hi"))),
        "latest_message",
    ),
    "active_loop that is null": (json.dumps(_call(tracker=_tracker(active_loop=None))), "loop"),
    "a version that is a number": (json.dumps(_call(version=3.6)), "version"),
    "a domain that is a list": (json.dumps(_call(domain=[])), "domain"),
    "an action name that is a number": (json.dumps(_call(next_action=7)), "next_action"),
    "a list instead of a call": ("[1, 2]", "JSON object"),
    "not JSON": ("{not json", "as JSON"),
    "JSON nested 100,000 deep": ("[" * 100_000 + "]" * 100_000, "as JSON"),
}


@pytest.mark.parametrize("name", list(BAD_WEBHOOK_BODIES))
def test_a_malformed_webhook_call_gets_a_plain_400(action_server, name):
    body, said = BAD_WEBHOOK_BODIES[name]
    response = httpx.post(
        f"{action_server.url}/webhook",
        content=body,
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 400, (name, response.status_code, response.text[:300])
    assert said in response.json()["error"], (name, response.text[:300])


def test_a_deflated_call_is_read_and_a_broken_one_refused(app, backend, action_server):
    import zlib

    headers = {"Content-Type": "application/json", "Content-Encoding": "deflate"}
    good = zlib.compress(json.dumps(_call()).encode())
    response = httpx.post(f"{action_server.url}/webhook", content=good, headers=headers)
    assert response.status_code == 200, response.text[:300]
    broken = httpx.post(f"{action_server.url}/webhook", content=b"not deflated", headers=headers)
    assert broken.status_code == 400 and "as JSON" in broken.json()["error"]
