"""The Rasa action server: ``action_converse`` through ``youthvoice actions``' ``/webhook``.

The conversation itself is the shared engine's (tests/channels runs the same scripts through
every channel); here is what is Rasa's own: the state riding in the ``chat`` slot, the NLU's
intent as a hint, the page's language from socket.io metadata, and the webhook's refusals.
"""

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
from tests.channels.support import RasaDriver, texts
from tests.helpers import make_consultation
from tests.rasa.support import Conversation


def _me(app: Flask, talk: RasaDriver) -> Participant | None:
    db.session.rollback()  # see what the back end committed in its own threads
    tracker = talk.tracker
    return services.find_participant(
        "rasa", f"{tracker.channel}:{tracker.sender_id}", key=app.config["PSEUDONYM_KEY"]
    )


def test_the_state_rides_in_the_chat_slot_from_message_to_message(app, backend, action_server):
    c = make_consultation()
    talk = RasaDriver(action_server.url)
    talk.send("hi")
    assert talk.tracker.slots["chat"]["welcomed"] is True
    talk.press(c.youth_title)
    first = talk.press(wording.START_ANSWERING)
    assert first[0].buttons[:3] == ["Monday", "Friday", "Saturday"]
    payload = talk.buttons[1]["payload"]
    assert (
        payload
        == f'/choose{{"press":"o:{c.slug}:{c.questions[0].id}:{c.questions[0].options[1].id}"}}'
    )
    state = talk.tracker.slots["chat"]
    assert state["slug"] == c.slug and state["question"] == c.questions[0].id
    talk.press("Friday")
    assert talk.tracker.slots["chat"]["question"] == c.questions[1].id
    # A link is written out, as not every Rasa channel shows link buttons.
    other = RasaDriver(action_server.url)
    other.send("hi")
    opened = texts(other.send(c.youth_title))
    assert f"{wording.READ_ORIGINAL}: http://testserver/c/{c.slug}#original" in opened


def test_the_nlu_intent_is_a_hint_when_the_engine_reads_nothing_itself(app, backend, action_server):
    c = make_consultation()
    talk = RasaDriver(action_server.url)
    talk.send("hi")
    talk.press(c.youth_title)
    talk.press(wording.START_ANSWERING)
    # Not an option, but the NLU says it asks for the list: the list, not "pick an option".
    listed = texts(talk._run("got anything else for me", "consultations", []))
    assert wording.PICK_ONE in listed
    term = [{"entity": "term", "value": "LSP"}]
    explained = texts(talk._run("lsp??? wat", "define", term))
    assert explained.startswith("Local Strategic Partnership:")


def test_a_back_end_going_down_gets_one_sorry_and_the_question_stays(app, backend, action_server):
    c = make_consultation()
    talk = RasaDriver(action_server.url)
    backend.down = True
    assert texts(talk.send("hi")) == wording.BACKEND_DOWN
    backend.down = False
    assert wording.WELCOME in texts(talk.send("hi"))  # the turn that failed changed nothing
    talk.press(c.youth_title)
    talk.press(wording.START_ANSWERING)
    backend.down = True
    said = talk.press("Monday")
    assert texts(said) == wording.BACKEND_DOWN  # one sentence, said once
    backend.down = False
    assert queries.answers_of(c, _me(app, talk)) == []
    said = talk.press("Monday")
    assert texts(said).startswith(wording.SAVED) and "Question 2 of 4" in texts(said)


def test_an_unreachable_back_end_gets_a_plain_sorry_never_a_500(unreachable_action_server):
    talk = RasaDriver(unreachable_action_server.url)
    assert texts(talk.send("hi")) == wording.BACKEND_DOWN
    assert texts(talk.send("send me updates")) == wording.BACKEND_DOWN


def test_subscribe_stop_and_forget_me(app, backend, action_server):
    c = make_consultation()
    talk = RasaDriver(action_server.url)
    talk.send("hi")
    talk.press(c.youth_title)
    talk.press(wording.START_ANSWERING)
    talk.press("Saturday")

    on = texts(talk.send("send me updates"))
    assert on.startswith(wording.CHAT_UPDATES_ON) and on.endswith(wording.ASK_TOPICS)
    assert subscriptions.is_subscribed(_me(app, talk))
    # Deliveries go back to this Rasa conversation.
    assert db.session.scalar(select(Subscription.address)) == talk.tracker.sender_id

    assert texts(talk.send("stop")).endswith(wording.STOPPED)
    assert not subscriptions.is_subscribed(_me(app, talk))

    assert wording.FORGET_ASK in texts(talk.send("forget me"))
    assert texts(talk.press(wording.FORGET_YES)) == wording.CHAT_FORGOTTEN
    assert _me(app, talk) is None
    assert talk.tracker.slots["chat"] is None  # nothing of them left in the tracker's slot


def test_picking_by_number_and_nothing_else(app, backend, action_server):
    make_consultation()
    second = make_consultation()
    talk = RasaDriver(action_server.url)
    talk.send("hi")
    assert second.youth_title in texts(talk.send("2"))
    talk.send("hi")
    for value in ("9", "../participants/me?channel=rasa&id=1"):
        assert second.youth_title not in texts(talk.send(value))


def test_a_closed_consultation_says_so_instead_of_asking(app, backend, action_server):
    c = make_consultation()
    talk = RasaDriver(action_server.url)
    talk.send("hi")
    talk.press(c.youth_title)
    talk.press(wording.START_ANSWERING)
    c.closes_at = c.opens_at  # it closes while they are answering
    db.session.commit()
    assert texts(talk.press("Monday")) == wording.CLOSED
    assert texts(talk.send("friday")).startswith(wording.CLOSED)


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
        json={"next_action": "action_converse", "sender_id": "x", "text": secret},
        timeout=10,
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "The action call needs a tracker: the conversation so far, as Rasa sends it."
    }
    assert "07700" not in response.text and "07700" not in action_server.logged()
    actions = httpx.get(f"{action_server.url}/actions").json()
    assert [a["name"] for a in actions] == ["action_converse"]


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
    talk = RasaDriver(action_server.url, language="pl")
    assert wording.text("PICK_ONE", "pl") in texts(talk.send("/greet"))
    assert "Rada chce otworzyć nowy klub." in texts(talk.press("Nowy klub"))
    first = talk.press(wording.text("START_ANSWERING", "pl"))
    header = wording.text("QUESTION_HEADER", "pl").format(number=1, total=4)
    assert first[0].text.startswith(f"{header}\nKtóry dzień?")
    said = talk.press("Piątek")
    assert said[0].text == wording.text("SAVED", "pl")
    # The same question as in English: the answer is on the question's id.
    saved = queries.answers_of(c, _me(app, talk))
    assert [(a.question_id, a.option_ids) for a in saved] == [(day.id, [day.options[1].id])]

    # Anything the channel does not say the language of is English.
    english = RasaDriver(action_server.url)
    assert wording.PICK_ONE in texts(english.send("/greet"))


def _call(**changes: object) -> dict[str, object]:
    body = Conversation("http://unused").action_call("action_converse")
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


def test_an_nlu_guess_never_leaves_a_question_or_changes_settings(app, backend, action_server):
    c = make_consultation()
    talk = RasaDriver(action_server.url)
    talk.send("hi")
    talk.press(c.youth_title)
    talk.press(wording.START_ANSWERING)
    for intent in ("stop", "forgetme", "subscribe", "goodbye"):
        assert texts(talk._run("a banana", intent, [])) == wording.PICK_AN_OPTION, intent
    assert talk.tracker.slots["chat"]["question"] == c.questions[0].id
    unsure = texts(talk._run("a banana", "consultations", [], confidence=0.45))
    assert unsure == wording.PICK_AN_OPTION
