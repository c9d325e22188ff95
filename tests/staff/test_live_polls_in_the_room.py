"""A live poll as a room uses it: joining by typing the code, the presenter view on the
projector with the controls on the worker's own screen, results revealed when the worker
says, and a word cloud of one word each."""

from __future__ import annotations

import re

from sqlalchemy import select

from consultations import polls
from consultations.db import db
from consultations.models import Consultation
from consultations.staff_models import Role
from tests.helpers import csrf_token, now
from tests.staff.support import make_user, page, post, sign_in, text_of


def _json(client, path: str):  # type: ignore[no-untyped-def]
    page(client, "/staff/")  # this client's own session, not the last one's cached user
    return client.get(path).get_json()


def text_of_html(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


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


# --- The presenter view and the worker's controls ---------------------------------------


def _worker_poll(client, **kwargs):  # type: ignore[no-untyped-def]
    worker = make_user(Role.YOUTH_WORKER)
    poll = polls.create_poll(worker, "Pizza or pasta?", ["Pizza", "Pasta"], now=now(), **kwargs)
    db.session.commit()
    sign_in(client, worker)
    return worker, poll


def _vote(api, poll, uid: str, option: int) -> None:  # type: ignore[no-untyped-def]
    question = poll.questions[0]
    response = api.post(
        f"/consultations/{poll.slug}/answers",
        json={
            "participant": {"channel": "telegram", "id": uid},
            "answers": [{"question_id": question.id, "option_ids": [question.options[option].id]}],
        },
    )
    assert response.status_code == 200, response.get_json()


def test_the_presenter_view_has_nothing_of_the_console(client):
    worker, poll = _worker_poll(client)
    html = page(client, f"/staff/polls/{poll.id}/present")
    assert "Pizza or pasta?" in html
    assert worker.email not in html, "no e-mail address on the projector"
    assert "<nav" not in html and "<form" not in html and "<button" not in html
    assert "Sign out" not in html and "staff" not in text_of_html(html).lower()
    assert f'<strong class="address">testserver/p/{poll.join_code}</strong>' in html
    assert 'class="qr"' in html
    # The controls are on the worker's own screen, with a way to open the presenter view.
    controls = page(client, f"/staff/polls/{poll.id}/screen")
    assert f'href="/staff/polls/{poll.id}/present"' in controls
    assert "Close poll" in controls and "Next poll" in controls


def test_closing_removes_the_qr_and_marks_the_winner(client, api):
    _, poll = _worker_poll(client)
    for uid, option in (("1", 1), ("2", 1), ("3", 0)):
        _vote(api, poll, uid, option)
    assert post(client, f"/staff/polls/{poll.id}/close").status_code == 303
    live = _json(client, f"/staff/polls/{poll.id}/results.json")
    assert [(o["label"], o["winner"]) for o in live["options"]] == [
        ("Pizza", False),
        ("Pasta", True),
    ]
    html = page(client, f"/staff/polls/{poll.id}/present")
    assert 'class="qr"' not in html and "Join on your phone" not in html
    assert "Winner: Pasta" in text_of_html(html)
    assert 'class="winner"' in html


def test_a_tie_at_the_top_is_a_shared_win(client, api):
    _, poll = _worker_poll(client)
    _vote(api, poll, "1", 0)
    _vote(api, poll, "2", 1)
    post(client, f"/staff/polls/{poll.id}/close")
    html = page(client, f"/staff/polls/{poll.id}/present")
    assert "Joint winners: Pizza and Pasta" in text_of_html(html)


def test_hidden_results_stay_off_the_screen_its_data_and_the_phones_until_revealed(client, api):
    _, poll = _worker_poll(client, hide_results=True)
    _vote(api, poll, "1", 1)
    voter = client.application.test_client()
    question = poll.questions[0]
    form = page(voter, f"/p/{poll.join_code}")
    voted = voter.post(
        f"/p/{poll.join_code}",
        data={"csrf_token": csrf_token(form), f"q{question.id}": str(question.options[1].id)},
    )
    assert voted.status_code == 303
    phone = text_of(voter.get(voted.location))
    assert "Thanks, your vote is in." in phone
    assert "The results show here once they are revealed" in phone and "%" not in phone

    live = _json(client, f"/staff/polls/{poll.id}/results.json")
    assert live["shown"] is False and live["voters"] == 2
    assert [o["count"] for o in live["options"]] == [0, 0], "no counts in the data either"
    screen = text_of_html(page(client, f"/staff/polls/{poll.id}/present"))
    assert "The results stay hidden until they are revealed." in screen
    assert "2 votes" in screen

    assert post(client, f"/staff/polls/{poll.id}/reveal").status_code == 303
    live = _json(client, f"/staff/polls/{poll.id}/results.json")
    assert live["shown"] is True and [o["count"] for o in live["options"]] == [0, 2]
    phone = text_of(voter.get(voted.location))
    assert "Results so far" in phone and "100%" in phone
    again = post(client, f"/staff/polls/{poll.id}/reveal")
    assert again.status_code == 409 and "already showing" in text_of(again)


def test_voters_see_the_result_after_voting_when_nothing_is_hidden(client, api):
    _, poll = _worker_poll(client)
    _vote(api, poll, "1", 0)
    voter = client.application.test_client()
    assert "Results" not in text_of(voter.get(f"/p/{poll.join_code}")), "not before voting"
    assert "Results so far" not in text_of(voter.get(f"/p/{poll.join_code}?voted=1")), (
        "a link is not a vote"
    )
    post(client, f"/staff/polls/{poll.id}/close")
    closed = text_of(voter.get(f"/p/{poll.join_code}"))
    assert "This poll is closed." in closed and "Pizza · Winner" in closed


def test_the_next_poll_takes_over_the_projector(client):
    _, poll = _worker_poll(client)
    form = page(client, f"/staff/polls/new?after={poll.id}")
    assert f'name="follows" type="hidden" value="{poll.id}"' in form
    response = post(
        client,
        "/staff/polls/new",
        {"question": "Bus or bike?", "option_1": "Bus", "option_2": "Bike", "follows": poll.id},
    )
    assert response.status_code == 303
    db.session.expire_all()
    following = polls.poll_for_staff(poll.id).poll_next_id
    assert following is not None
    live = _json(client, f"/staff/polls/{poll.id}/results.json")
    assert live["next"] == f"/staff/polls/{following}/present"


def test_a_forum_member_cannot_open_the_presenter_view(client):
    _, poll = _worker_poll(client)
    other = client.application.test_client()
    sign_in(other, make_user(Role.FORUM_MEMBER))
    assert other.get(f"/staff/polls/{poll.id}/present").status_code == 403


# --- The word cloud ---------------------------------------------------------------------


def _word_poll(client, **kwargs):  # type: ignore[no-untyped-def]
    worker = make_user(Role.YOUTH_WORKER)
    sign_in(client, worker)
    response = post(
        client,
        "/staff/polls/new",
        {"kind": "words", "question": "One word for your area?", **kwargs},
    )
    assert response.status_code == 303, text_of(response)
    return db.session.scalar(
        select(Consultation).where(Consultation.youth_title == "One word for your area?")
    )


def _word(api, poll, uid: str, text: str):  # type: ignore[no-untyped-def]
    return api.post(
        f"/consultations/{poll.slug}/answers",
        json={
            "participant": {"channel": "telegram", "id": uid},
            "answers": [{"question_id": poll.questions[0].id, "text": text}],
        },
    )


def test_a_word_cloud_counts_words_as_written_and_hides_the_rare_and_the_unsafe(client, api):
    poll = _word_poll(client)
    assert polls.is_word_cloud(poll) and poll.questions[0].max_length == polls.WORD_MAX
    given = ["Parks", "parks!", " PARKS ", "parks", "Parks.", "buses", "Buses", "fuck off"]
    given += ["me@example.org", "my dad hits me"]
    for n, text in enumerate(given):
        assert _word(api, poll, str(n), text).status_code == 200
    live = _json(client, f"/staff/polls/{poll.id}/results.json")
    assert live["kind"] == "words"
    assert [(w["word"], w["count"]) for w in live["words"]] == [("parks", 5)]
    assert live["words_not_shown"] == 5, "2 rare, 3 never shown"
    html = page(client, f"/staff/polls/{poll.id}/present")
    shown = text_of_html(html)
    for hidden in ("buses", "fuck", "example.org", "dad"):
        assert hidden not in shown.lower()
    assert '<ul class="word-cloud" aria-label="Words given, most given first">' in html


def test_a_word_with_a_disclosure_raises_a_concern_and_shows_help(client):
    from consultations.moderation.models import SafeguardingConcern

    poll = _word_poll(client)
    voter = client.application.test_client()
    form = page(voter, f"/p/{poll.join_code}")
    assert 'maxlength="30"' in form and 'type="text"' in form
    sent = voter.post(
        f"/p/{poll.join_code}",
        data={"csrf_token": csrf_token(form), f"q{poll.questions[0].id}": "my dad hits me"},
    )
    assert sent.status_code == 303
    after = text_of(voter.get(sent.location))
    assert "Help is here if you need it" in after and "Childline" in after
    assert db.session.scalar(select(SafeguardingConcern.id)) is not None
    assert "dad" not in text_of_html(page(client, f"/staff/polls/{poll.id}/present"))


def test_an_empty_or_too_long_word_is_refused_with_one_sentence(client):
    poll = _word_poll(client)
    voter = client.application.test_client()
    field = f"q{poll.questions[0].id}"
    for typed, says in (
        ("", "Please answer this question."),
        ("   ", "Please answer this question."),
        ("x" * 31, "Keep it under 30 characters."),
    ):
        form = page(voter, f"/p/{poll.join_code}")
        refused = voter.post(
            f"/p/{poll.join_code}", data={"csrf_token": csrf_token(form), field: typed}
        )
        assert refused.status_code == 422, typed
        assert says in text_of(refused), typed
        assert 'aria-invalid="true"' in refused.get_data(as_text=True)
    assert poll.respondent_count == 0
