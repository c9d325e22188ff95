"""A live poll as a room uses it: joining by typing the code, the presenter view on the
projector with the controls on the worker's own screen, results revealed when the worker
says, and a word cloud of one word each."""

from __future__ import annotations

from consultations import polls
from consultations.db import db
from consultations.staff_models import Role
from tests.helpers import now
from tests.staff.support import make_user, page, text_of


def _poll():  # type: ignore[no-untyped-def]
    poll = polls.create_poll(
        make_user(Role.YOUTH_WORKER), "Pizza or pasta?", ["Pizza", "Pasta"], now=now()
    )
    db.session.commit()
    return poll


def test_the_join_page_takes_the_code_with_any_case_and_spaces(client):
    poll = _poll()
    html = page(client, "/p")
    assert 'name="poll"' in html and "Poll code" in html
    typed = f" {poll.join_code[:3].lower()} {poll.join_code[3:].lower()} "
    response = client.get("/p", query_string={"poll": typed})
    assert response.status_code == 303
    assert response.location == f"/p/{poll.join_code}"
    assert "Pizza or pasta?" in text_of(client.get(response.location))


def test_a_wrong_code_gets_one_sentence_and_keeps_what_was_typed(client):
    _poll()
    response = client.get("/p", query_string={"poll": "zz 99q"})
    assert response.status_code == 404
    text = text_of(response)
    assert "There is no live poll with the code zz 99q." in text
    html = response.get_data(as_text=True)
    assert 'value="zz 99q"' in html and 'aria-invalid="true"' in html
    assert 'href="#poll-code"' in html, "the error summary links to the box"


def test_an_empty_code_is_asked_for_again(client):
    response = client.get("/p", query_string={"poll": "  - "})
    assert response.status_code == 422
    assert "Type the poll code from the screen" in text_of(response)


def test_a_mistyped_short_link_lands_on_the_join_box_not_an_error_page(client):
    response = client.get("/p/NOPE42")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "There is no live poll with the code NOPE42." in text_of(response)
    assert 'value="NOPE42"' in html


def test_the_home_page_has_the_code_box(client):
    html = page(client, "/")
    assert 'action="/p"' in html and 'name="poll"' in html


def test_the_join_page_speaks_polish_and_urdu(client):
    for lang, words in (("pl", "Kod głosowania"), ("ur", "ووٹنگ کوڈ")):
        response = client.get("/p", headers={"Accept-Language": lang})
        assert words in text_of(response), lang
