"""A disclosure typed into any channel reaches the safeguarding queue and the young person
is shown help at once; tension is answered with the hate-reporting link."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consultations import services, words
from consultations.db import db
from consultations.models import Answer
from consultations.moderation import is_publishable, publishable_text
from consultations.moderation.models import (
    AnswerModeration,
    ModerationStatus,
    SafeguardingConcern,
)
from tests.helpers import make_consultation, now
from tests.moderation.support import (
    ABUSE,
    CLEAN,
    DISCLOSURE,
    TENSION,
    api_submit,
    web_submit,
)
from tests.staff.support import text_of


def _concerns() -> list[SafeguardingConcern]:
    db.session.expire_all()
    return list(db.session.scalars(select(SafeguardingConcern).order_by(SafeguardingConcern.id)))


def test_a_disclosure_on_the_web_form_shows_help_and_reaches_the_queue(client):
    c = make_consultation()
    response = web_submit(client, c, DISCLOSURE)
    # Post, redirect, get: the help waits on the thank-you page, so a refresh shows it
    # again without sending the answers a second time.
    assert response.status_code == 303
    for _refresh in range(2):
        thanks = client.get(response.location)
        shown = text_of(thanks)
        assert "0800 1111" in shown and "999" in shown
        assert "Childline" in shown
        assert "your answers are in" in shown.lower()
        html = thanks.get_data(as_text=True)
        assert 'href="tel:08001111"' in html and 'href="tel:999"' in html
        assert thanks.headers["Cache-Control"] == "no-store"
    db.session.expire_all()
    assert c.respondent_count == 1
    [concern] = _concerns()
    assert concern.original_text == DISCLOSURE
    assert concern.channel == "web"
    assert concern.category_kinds == ("self_harm",)
    assert concern.handled_at is None


@pytest.mark.parametrize("channel", ["telegram", "rasa"])
def test_a_disclosure_through_the_api_returns_the_help_message(client, channel):
    c = make_consultation()
    response = api_submit(client, c, ABUSE, channel=channel)
    assert response.status_code == 200, response.json
    body = response.json
    assert body["saved"] == 1
    support = body["support"]
    assert support["safeguarding"] is True
    assert support["tension"] is False
    assert support["message"] == words.support_message(safeguarding=True, tension=False)
    assert "0800 1111" in support["message"] and "999" in support["message"]
    assert support["childline"] == "0800 1111" and support["emergency"] == "999"
    assert support["hate_reporting"] is None
    [concern] = _concerns()
    assert concern.channel == channel
    assert concern.original_text == ABUSE
    assert concern.category_kinds == ("abuse",)


def test_tension_gets_the_hate_reporting_link_on_both_channels(client):
    c = make_consultation()
    support = api_submit(client, c, TENSION).json["support"]
    assert support == {
        "safeguarding": False,
        "tension": True,
        "message": words.HATE_REPORTING,
        "languages": ["en"],
        "childline": None,
        "emergency": None,
        "hate_reporting": words.HATE_REPORTING_URL,
    }
    assert _concerns() == []
    sent = web_submit(client, c, TENSION)
    assert sent.status_code == 303
    web = client.get(sent.location)
    assert f'href="{words.HATE_REPORTING_URL}"' in web.get_data(as_text=True)
    assert "0800 1111" not in text_of(web)


def test_a_clean_answer_needs_no_message(client):
    c = make_consultation()
    assert api_submit(client, c, CLEAN).json == {"saved": 1}
    response = web_submit(client, c, CLEAN)
    assert response.status_code == 303
    assert "0800 1111" not in client.get(response.location).get_data(as_text=True)


def test_the_disclosure_stays_in_the_queue_when_replaced_or_closed(client):
    c = make_consultation()
    api_submit(client, c, DISCLOSURE)
    # The same words sent again (a web form re-sends everything) raise no second concern,
    # but the young person is shown the help again.
    again = api_submit(client, c, DISCLOSURE)
    assert again.json["support"]["safeguarding"] is True
    assert len(_concerns()) == 1
    replaced = api_submit(client, c, CLEAN)
    assert "support" not in replaced.json
    services.close_consultation(c, now=now())
    db.session.commit()
    [concern] = _concerns()
    assert concern.original_text == DISCLOSURE
    assert concern.handled_at is None
    # The answer itself now holds the new words and is moderated afresh.
    record = db.session.scalar(select(AnswerModeration))
    assert record is not None
    assert record.redacted_text == CLEAN
    assert record.status is ModerationStatus.PENDING


def test_a_new_disclosure_in_a_replaced_answer_is_a_new_concern(client):
    c = make_consultation()
    api_submit(client, c, DISCLOSURE)
    api_submit(client, c, ABUSE)
    assert [x.original_text for x in _concerns()] == [DISCLOSURE, ABUSE]


def test_a_disclosure_is_held_and_never_publishable(client):
    c = make_consultation()
    api_submit(client, c, DISCLOSURE)
    answer = db.session.scalar(select(Answer).where(Answer.text.is_not(None)))
    assert answer is not None
    record = db.session.scalar(select(AnswerModeration))
    assert record is not None and record.status is ModerationStatus.ESCALATED and record.held
    assert is_publishable(answer) is False
    assert publishable_text(answer) is None


def test_moderation_is_in_the_same_transaction_as_the_answer(client):
    # A refused submission (one bad answer) saves nothing: no answer, no concern.
    c = make_consultation()
    free, scale = c.questions[-1], c.questions[2]
    response = client.post(
        f"/api/v1/consultations/{c.slug}/answers",
        json={
            "participant": {"channel": "telegram", "id": "1"},
            "answers": [
                {"question_id": free.id, "text": DISCLOSURE},
                {"question_id": scale.id, "value": 9},
            ],
        },
        headers={"Authorization": "Bearer telegram-test-token"},
    )
    assert response.status_code == 422
    assert _concerns() == []
    assert db.session.scalar(select(func.count()).select_from(AnswerModeration)) == 0


def test_the_api_description_tells_channels_about_support(client):
    doc = client.get("/api/v1/openapi.json").json
    answers = doc["paths"]["/consultations/{slug}/answers"]["post"]
    schema = answers["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/Saved"}
    saved = doc["components"]["schemas"]["Saved"]
    assert {"$ref": "#/components/schemas/Support"} in saved["properties"]["support"]["anyOf"]
    assert "support.message" in answers["description"]
    support = doc["components"]["schemas"]["Support"]
    assert {"safeguarding", "tension", "message", "hate_reporting"} <= set(support["required"])


def test_a_concern_outlives_the_participant_being_forgotten(client):
    # Safeguarding records are kept when a young person asks to be forgotten: the concern
    # keeps its copy of the words but no longer points at anyone.
    c = make_consultation()
    api_submit(client, c, DISCLOSURE, uid="55")
    person = services.find_participant("telegram", "55", key=b"test-pseudonym-key")
    assert person is not None
    services.forget_participant(person)
    db.session.commit()
    [concern] = _concerns()
    assert concern.original_text == DISCLOSURE
    assert concern.participant_id is None and concern.answer_id is None
    assert concern.handled_at is None
