"""On the web a young person picks their area from the council's list and the topics to hear
about, and stopping notifications deletes the topics at once."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape

import pytest
from flask import g
from sqlalchemy import func, select

from consultations.db import db
from consultations.models import FollowedTopic, Participant
from tests.fakes.push_service import FakePushService
from tests.helpers import csrf_token, make_consultation
from tests.staff.support import page as page_html
from tests.staff.support import text_of
from webapp.i18n import language_cookie


@pytest.fixture
def push(app) -> Iterator[FakePushService]:  # type: ignore[no-untyped-def]
    service = FakePushService()
    app.config["WEB_PUSH_HOSTS"] = ["127.0.0.1"]
    yield service
    service.close()


def _browser(app):  # type: ignore[no-untyped-def]
    g.pop("csrf_token", None)
    return app.test_client()


def _answer(client, consultation, **extra: str):  # type: ignore[no-untyped-def]
    day, _, _, free = consultation.questions
    page = f"/c/{consultation.slug}"
    data = {f"q{day.id}": str(day.options[1].id), f"q{free.id}": "Table tennis", **extra}
    return client.post(page, data={"csrf_token": csrf_token(page_html(client, page)), **data})


def _turn_on(client, push: FakePushService) -> None:  # type: ignore[no-untyped-def]
    token = re.search(r'data-csrf="([^"]+)"', page_html(client, "/my-data"))
    assert token
    on = client.post(
        "/notifications",
        data=json.dumps(push.subscribe()),
        content_type="application/json",
        headers={"X-CSRFToken": token.group(1)},
    )
    assert on.status_code == 201, on.get_data(as_text=True)


def _choose(client, *topics: str):  # type: ignore[no-untyped-def]
    token = csrf_token(page_html(client, "/my-data"))
    return client.post("/topics", data={"csrf_token": token, "topics": list(topics)})


def test_a_typed_town_becomes_its_list_entry_and_unknown_words_are_kept_with_a_plain_error(
    app, client
):
    consultation = make_consultation()
    form = page_html(client, f"/c/{consultation.slug}")
    # The list is offered as the area is typed.
    assert '<option value="Meir North">' in form and '<option value="ST6">' in form
    refused = _answer(client, consultation, area="Narnia Heights")
    assert refused.status_code == 422
    html = unescape(refused.get_data(as_text=True))
    assert "We don’t know that area. Pick your ward or the first part of your postcode" in html
    assert "like ST1, ST2" in html
    assert re.search(r'<input[^>]*name="area"[^>]*value="Narnia Heights"', html)
    assert db.session.scalar(select(func.count(Participant.id))) == 0

    assert _answer(client, consultation, area="  hanley ").status_code == 303
    assert db.session.scalar(select(Participant.area)) == "st1"
    # Coming back, the area shows by the list's name.
    again = page_html(client, f"/c/{consultation.slug}")
    assert re.search(r'<input[^>]*name="area"[^>]*value="ST1"', again)


def test_polish_prefer_not_to_say_is_understood(app, client):
    consultation = make_consultation()
    client.set_cookie(language_cookie(app), "pl")
    form = unescape(page_html(client, f"/c/{consultation.slug}"))
    offered = re.search(r'<option value="([^"]+)"></option></datalist>', form)
    assert offered and offered.group(1) == "Wolę nie mówić"
    assert _answer(client, consultation, area=offered.group(1)).status_code == 303
    assert db.session.scalar(select(Participant.area)) == "prefer_not_to_say"


def test_a_young_person_picks_topics_and_stopping_deletes_them(app, push):
    browser = _browser(app)
    consultation = make_consultation()
    assert _answer(browser, consultation, area="ST4").status_code == 303
    # Before opting in there is nothing to choose topics for.
    assert "What do you want to hear about?" not in text_of(browser.get("/my-data"))
    _turn_on(browser, push)
    page = text_of(browser.get("/my-data"))
    assert "What do you want to hear about?" in page and "Getting on with each other" in page

    chosen = _choose(browser, "tensions", "young_people")
    assert chosen.status_code == 303 and chosen.location.endswith("/my-data#topics")
    page = text_of(browser.get("/my-data"))
    assert "Saved. You will only hear about what you ticked." in page
    assert "Topics you follow Getting on with each other, The youth forum" in page
    assert db.session.scalar(select(func.count()).select_from(FollowedTopic)) == 2

    # A made-up topic changes nothing and says so plainly.
    assert _choose(browser, "tensions", "football").status_code == 303
    assert "Pick topics from the list" in text_of(browser.get("/my-data"))
    assert db.session.scalar(select(func.count()).select_from(FollowedTopic)) == 2

    stop = browser.post(
        "/notifications/stop", data={"csrf_token": csrf_token(page_html(browser, "/my-data"))}
    )
    assert stop.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(FollowedTopic)) == 0
    page = text_of(browser.get("/my-data"))
    assert "Topics you follow" not in page and "What do you want to hear about?" not in page
    # The area stays: it is part of how answers are counted, not of messages.
    assert db.session.scalar(select(Participant.area)) == "st4"
