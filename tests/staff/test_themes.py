"""The themes on the free-text page, as an officer uses them: CSRF forms, clear refusals."""

from __future__ import annotations

import html

from sqlalchemy import func, select

from consultations.db import db
from consultations.staff_models import AnswerTag, FoundTheme, Role, Tag, ThemeAnalysis
from tests.staff.support import make_user, post, sign_in, text_of
from tests.themes.support import answer_many, free_text_consultation, training


def _question_with_answers():  # type: ignore[no-untyped-def]
    c = free_text_consultation()
    answer_many(c, training("transport")[:14] + training("safety")[:14])
    return c.questions[0]


def _themes(question_id: int) -> list[FoundTheme]:
    analysis = db.session.scalar(
        select(ThemeAnalysis).where(ThemeAnalysis.question_id == question_id)
    )
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(FoundTheme).where(FoundTheme.analysis_id == analysis.id).order_by(FoundTheme.id)
        )
    )


def test_an_officer_finds_themes_merges_two_and_accepts_them_as_a_tag(client):
    sign_in(client, make_user(Role.OFFICER))
    question = _question_with_answers()
    url = f"/staff/questions/{question.id}/answers"
    before = text_of(client.get(url))
    assert "Find themes" in before and "Other (in no theme)" not in before

    found = post(client, f"/staff/questions/{question.id}/themes/find", page=url)
    assert found.status_code == 303 and found.location.endswith(f"{url}#themes")
    page = text_of(client.get(url))
    assert "Themes found in the answers" in page and "Other (in no theme):" in page
    themes = _themes(question.id)
    assert len(themes) >= 2
    first, second = themes[0], themes[1]

    merged = post(
        client,
        f"/staff/questions/{question.id}/themes/merge",
        {"theme_ids": [str(first.id), str(second.id)]},
        page=url,
    )
    assert merged.status_code == 303
    left = {t.id for t in _themes(question.id)}
    assert len({first.id, second.id} & left) == 1
    target = (left & {first.id, second.id}).pop()
    post(
        client,
        f"/staff/questions/{question.id}/themes/{target}/rename",
        {"label": "Buses and feeling safe"},
        page=url,
    )
    accepted = post(
        client,
        f"/staff/questions/{question.id}/themes/accept",
        {"theme_ids": [str(target)]},
        page=url,
    )
    assert accepted.status_code == 303
    tag = db.session.scalar(select(Tag).where(Tag.name == "Buses and feeling safe"))
    assert tag is not None
    count = db.session.scalar(
        select(func.count()).select_from(AnswerTag).where(AnswerTag.tag_id == tag.id)
    )
    page = client.get(url).get_data(as_text=True)
    # The accepted theme cites its answers: the list filtered by its tag.
    assert f"tag={tag.id}" in page
    assert f'Buses and feeling safe</a> <span class="count">{count}</span>' in page
    cited = text_of(client.get(f"{url}?tag={tag.id}"))
    assert f"{count} answer{'' if count == 1 else 's'} shown" in cited


def test_refusals_keep_what_was_typed_and_say_why(client):
    sign_in(client, make_user(Role.OFFICER))
    question = _question_with_answers()
    url = f"/staff/questions/{question.id}/answers"
    post(client, f"/staff/questions/{question.id}/themes/find", page=url)
    theme = _themes(question.id)[0]

    too_long = "a" * 61
    response = post(
        client,
        f"/staff/questions/{question.id}/themes/{theme.id}/rename",
        {"label": too_long},
        page=url,
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Give the theme a name of 1 to 60 characters." in body
    assert f'value="{too_long}"' in body

    blank = post(
        client,
        f"/staff/questions/{question.id}/themes/{theme.id}/rename",
        {"label": "  "},
        page=url,
    )
    assert blank.status_code == 422 and "1 to 60 characters" in text_of(blank)

    itself = post(
        client,
        f"/staff/questions/{question.id}/themes/merge",
        {"theme_ids": [str(theme.id), str(theme.id)]},
        page=url,
    )
    assert itself.status_code == 422
    assert "cannot be merged with itself" in html.unescape(text_of(itself))

    stale = post(client, f"/staff/questions/{question.id}/themes/999999/discard", page=url)
    assert stale.status_code == 404 and "no longer there" in text_of(stale)
    assert _themes(question.id)[0].label == theme.label


def test_a_form_without_its_token_changes_nothing(client):
    sign_in(client, make_user(Role.OFFICER))
    question = _question_with_answers()
    response = client.post(f"/staff/questions/{question.id}/themes/find", data={})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(ThemeAnalysis)) == 0


def test_a_question_with_too_few_answers_shows_no_themes_and_why(client):
    sign_in(client, make_user(Role.OFFICER))
    c = free_text_consultation()
    answer_many(c, training("transport")[:3])
    question = c.questions[0]
    url = f"/staff/questions/{question.id}/answers"
    post(client, f"/staff/questions/{question.id}/themes/find", page=url)
    page = text_of(client.get(url))
    assert "Themes need at least 10 written answers in one language; this question has 3." in page
    assert "Other (in no theme): 3 answers" in page


def test_only_officers_find_or_change_themes(client):
    question = _question_with_answers()
    for role in (Role.FORUM_MEMBER, Role.YOUTH_WORKER):
        sign_in(client, make_user(role))
        response = post(client, f"/staff/questions/{question.id}/themes/find")
        assert response.status_code == 403
        client.post("/staff/logout", data={})
    assert db.session.scalar(select(func.count()).select_from(ThemeAnalysis)) == 0
