"""The web form as a young person uses it on a phone."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from consultations import queries, services
from consultations.db import db
from consultations.models import Answer, Participant
from tests.helpers import csrf_token, make_consultation, now


def _form_for(client, consultation):  # type: ignore[no-untyped-def]
    page = client.get(f"/c/{consultation.slug}")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def _valid_answers(c) -> dict[str, object]:  # type: ignore[no-untyped-def]
    single, multi, scale, free = c.questions
    return {
        f"q{single.id}": str(single.options[1].id),
        f"q{multi.id}": [str(multi.options[0].id), str(multi.options[3].id)],
        f"q{scale.id}": "5",
        f"q{free.id}": "A place to cook together.",
        "age_band": "14-15",
        "area": "ST4",
    }


def test_home_lists_open_consultations_with_summary_closing_date_and_reading_time(client):
    open_one = make_consultation()
    draft = make_consultation(open_it=False)
    page = client.get("/").get_data(as_text=True)
    assert open_one.youth_title in page
    assert "The council wants to hear from you." in page
    assert "Closes " in page and "min read" in page
    assert draft.youth_title not in page


def test_consultation_page_explains_jargon_inline_and_keeps_the_original_behind_a_disclosure(
    client,
):
    c = make_consultation(youth_summary="The **LSP** is listening. Tell us what you think of it.")
    page = _form_for(client, c)
    assert re.search(r'<a href="#term-local-strategic-partnership" class="term"[^>]*>LSP</a>', page)
    assert 'id="term-local-strategic-partnership"' in page
    assert '<details class="original" id="original">' in page
    assert "facilitate stakeholder engagement" in page
    # The form works with JavaScript off: it posts itself, and the one script is an extra,
    # from this site, deferred, with nothing inline.
    assert re.search(rf'<form method="post" action="/c/{c.slug}"', page)
    assert re.findall(r"<script\b[^>]*>", page) == ['<script src="/static/youth.js" defer>']


def test_youth_text_is_rendered_safely(client):
    c = make_consultation(
        youth_summary="Hi <script>alert(1)</script> [x](javascript:alert(1)) there."
    )
    page = _form_for(client, c)
    assert "<script>alert(1)" not in page
    assert "javascript:" not in page


def test_a_valid_submission_is_saved_and_thanks_says_when_feedback_is_due(client):
    c = make_consultation()
    html = _form_for(client, c)
    response = client.post(
        f"/c/{c.slug}", data={**_valid_answers(c), "csrf_token": csrf_token(html)}
    )
    assert response.status_code == 303
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "your answers are in" in thanks
    assert f"{c.feedback_due.day} {c.feedback_due:%B %Y}" in thanks
    assert db.session.scalar(select(func.count(Answer.id))) == 4
    person = db.session.scalar(select(Participant))
    assert (person.channel, person.age_band, person.area) == ("web", "14-15", "st4")


def test_coming_back_shows_earlier_answers_and_answering_again_replaces_them(client):
    c = make_consultation()
    token = csrf_token(_form_for(client, c))
    client.post(f"/c/{c.slug}", data={**_valid_answers(c), "csrf_token": token})
    again = _form_for(client, c)
    single = c.questions[0]
    assert re.search(
        rf'checked[^>]*value="{single.options[1].id}"|value="{single.options[1].id}"[^>]*checked',
        again,
    )
    assert "A place to cook together." in again
    changed = {**_valid_answers(c), f"q{single.id}": str(single.options[2].id), "csrf_token": token}
    assert client.post(f"/c/{c.slug}", data=changed).status_code == 303
    db.session.expire_all()
    counts = [o.count for o in queries.results(c)[0].options]
    assert counts == [0, 0, 1]
    assert db.session.scalar(select(func.count(Answer.id))) == 4


def test_errors_keep_everything_typed_and_sit_beside_their_field(client):
    c = make_consultation()
    single, multi, scale, free = c.questions
    typed = "My long view about the youth club " * 10  # over the 200-character limit
    data = {
        f"q{multi.id}": [str(multi.options[2].id)],
        f"q{scale.id}": "2",
        f"q{free.id}": typed,
        "area": "Meir North",
        "csrf_token": csrf_token(_form_for(client, c)),
    }
    response = client.post(f"/c/{c.slug}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing you typed has been lost" in page
    assert typed.strip() in page
    assert 'value="Meir North"' in page
    assert re.search(
        rf'checked[^>]*value="{multi.options[2].id}"|value="{multi.options[2].id}"[^>]*checked',
        page,
    )
    assert f'id="q{single.id}-error">Please answer this question.' in page
    assert f'id="q{free.id}-error">Keep it under 200 characters.' in page
    assert db.session.scalar(select(func.count(Answer.id))) == 0


def test_a_tampered_option_is_refused_beside_its_field(client):
    c = make_consultation()
    data = {
        **_valid_answers(c),
        f"q{c.questions[0].id}": "999999",
        "csrf_token": csrf_token(_form_for(client, c)),
    }
    response = client.post(f"/c/{c.slug}", data=data)
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_posting_without_a_csrf_token_is_refused(client):
    c = make_consultation()
    _form_for(client, c)
    response = client.post(f"/c/{c.slug}", data=_valid_answers(c))
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(Answer.id))) == 0


def test_a_closed_consultation_says_so_and_keeps_what_was_typed(client):
    c = make_consultation()
    token = csrf_token(_form_for(client, c))
    services.close_consultation(c, now=now())
    db.session.commit()
    page = client.get(f"/c/{c.slug}").get_data(as_text=True)
    assert "not taking answers now" in page
    response = client.post(f"/c/{c.slug}", data={**_valid_answers(c), "csrf_token": token})
    assert response.status_code == 409
    assert db.session.scalar(select(func.count(Answer.id))) == 0


def test_unknown_and_draft_consultations_are_a_friendly_404(client):
    draft = make_consultation(open_it=False)
    for path in ("/c/no-such-thing", f"/c/{draft.slug}"):
        response = client.get(path)
        assert response.status_code == 404
        assert "could not find that consultation" in response.get_data(as_text=True)


def test_the_web_participant_is_a_random_token_in_an_httponly_cookie(client):
    c = make_consultation()
    token = csrf_token(_form_for(client, c))
    response = client.post(f"/c/{c.slug}", data={**_valid_answers(c), "csrf_token": token})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def _participant_cookie(response) -> str:  # type: ignore[no-untyped-def]
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if "session=" in c]
    return cookie.lower()


def test_the_web_identity_ends_with_the_browser_unless_remember_me_is_ticked(client):
    c = make_consultation()
    html = _form_for(client, c)
    assert 'name="remember"' in html and "checked" not in html.split('name="remember"')[1][:40]
    sent = client.post(f"/c/{c.slug}", data={**_valid_answers(c), "csrf_token": csrf_token(html)})
    assert sent.status_code == 303
    # No Expires and no Max-Age: a browser-session cookie, gone when the browser closes.
    assert "expires=" not in _participant_cookie(sent)
    assert "max-age=" not in _participant_cookie(sent)

    html = _form_for(client, c)
    kept = client.post(
        f"/c/{c.slug}",
        data={**_valid_answers(c), "remember": "y", "csrf_token": csrf_token(html)},
    )
    assert "expires=" in _participant_cookie(kept)
    # Someone who chose it sees the box ticked, and can untick it to be forgotten again.
    html = _form_for(client, c)
    assert re.search(r'<input[^>]*checked[^>]*name="remember"|name="remember"[^>]*checked', html)
    forgot = client.post(f"/c/{c.slug}", data={**_valid_answers(c), "csrf_token": csrf_token(html)})
    assert "expires=" not in _participant_cookie(forgot)


def test_pages_showing_a_persons_own_answers_are_never_cached(client):
    c = make_consultation()
    client.post(
        f"/c/{c.slug}", data={**_valid_answers(c), "csrf_token": csrf_token(_form_for(client, c))}
    )
    for path in (f"/c/{c.slug}", "/my-data", "/my-data.json", "/forget-me"):
        assert client.get(path).headers.get("Cache-Control") == "no-store", path
    bad = client.post(f"/c/{c.slug}", data={"csrf_token": csrf_token(_form_for(client, c))})
    assert bad.status_code == 422 and bad.headers["Cache-Control"] == "no-store"


def test_the_form_page_is_light(client):
    c = make_consultation()
    html = _form_for(client, c)
    with client.get("/static/youth.css") as response:
        css = response.get_data()
    assert len(html.encode()) + len(css) < 60 * 1024
