"""Every staff page against every role, and against someone not signed in."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from consultations import polls, services, translations
from consultations.db import db
from consultations.models import Answer, QuestionKind
from consultations.moderation.models import SafeguardingConcern
from consultations.staff_models import Role
from feedback import forum, outcomes
from tests.helpers import make_consultation, now
from tests.staff.support import make_user, sign_in, token_from
from webapp.staff.permissions import ENDPOINT_ROLES, PUBLIC_ENDPOINTS


def _fixtures() -> dict[str, int]:
    consultation = make_consultation(
        questions=[
            services.QuestionSpec(QuestionKind.SINGLE_CHOICE, "Pick one", options=["A", "B"]),
            services.QuestionSpec(QuestionKind.FREE_TEXT, "Say more"),
        ]
    )
    creator = make_user(Role.ADMIN)
    poll = polls.create_poll(creator, "Best snack?", ["Crisps", "Fruit"], now=now())
    # A written answer with a disclosure, so the moderation and safeguarding pages have an
    # item and a concern to show and act on.
    person = services.participant_for("telegram", "1", key=b"test-pseudonym-key")
    free = consultation.questions[1]
    services.submit(
        consultation,
        person,
        [services.AnswerInput(free.id, text="my dad hits me, call me on 07123 456789")],
        channel="telegram",
        now=now(),
    )
    services.close_consultation(consultation, now=now())
    # A Polish translation, so its pages (delete included) have something to show.
    translations.save_translation(
        consultation, "pl", youth_title="Powiedz", youth_summary="Tekst.", now=now()
    )
    officer = make_user(Role.OFFICER)
    item = outcomes.add_we_did(officer, consultation, action="Act", partner="Council", now=now())
    rec = forum.draft_recommendation(
        make_user(Role.FORUM_MEMBER),
        title="Do it",
        body="Because",
        consultation_ids=[consultation.id],
        now=now(),
    )
    db.session.commit()
    answer_id = db.session.scalar(select(Answer.id).where(Answer.question_id == free.id))
    concern_id = db.session.scalar(select(SafeguardingConcern.id))
    assert answer_id is not None and concern_id is not None
    return {
        "item_id": item.id,
        "recommendation_id": rec.id,
        "quote_id": 1,
        "consultation_id": consultation.id,
        "question_id": free.id,
        "poll_id": poll.id,
        "term_id": 1,
        "answer_id": answer_id,
        "tag_id": 1,
        "theme_id": 1,
        "concern_id": concern_id,
        "fmt": "csv",
        "user_id": creator.id,
        "language": "pl",
        "area_key": "st1",
    }


def _staff_routes(app) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/staff", "/forum")):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                routes.append((rule.endpoint, rule.rule, method))
    return routes


def _url(rule: str, ids: dict[str, int]) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(ids[m.group(1)]), rule)


def test_every_staff_and_forum_endpoint_is_in_the_role_table(app):
    endpoints = {endpoint for endpoint, _, _ in _staff_routes(app)}
    assert endpoints, "no staff routes found"
    assert endpoints - PUBLIC_ENDPOINTS == set(ENDPOINT_ROLES), (
        "every staff page must say which roles may use it"
    )


@pytest.mark.parametrize("role", [None, *Role])
def test_role_matrix(app, role):
    ids = _fixtures()
    client = app.test_client()
    if role is not None:
        assert sign_in(client, make_user(role)).status_code == 303
    checked = 0
    # Signing out goes last: every other page is checked while still signed in.
    routes = sorted(_staff_routes(app), key=lambda r: r[0] == "staff.logout")
    for endpoint, rule, method in routes:
        if endpoint in PUBLIC_ENDPOINTS:
            continue
        url = _url(rule, ids)
        if method == "GET":
            response = client.get(url)
        else:
            token = token_from(client, "/staff/" if role else "/staff/login")
            response = client.post(url, data={"csrf_token": token})
        where = f"{role} {method} {url}"
        if role is None:
            assert response.status_code == 302, where
            # The forum's pages send people to the forum's own sign-in page.
            sign_in_page = "/forum/sign-in" if endpoint.startswith("forum.") else "/staff/login"
            assert response.location.startswith(f"{sign_in_page}?next="), where
        elif role in ENDPOINT_ROLES[endpoint]:
            assert response.status_code not in (401, 403), where
            assert response.status_code < 500, where
            if endpoint != "staff.logout":
                assert "/staff/login" not in (response.location or ""), where
        else:
            assert response.status_code == 403, where
            assert "Your role does not include this page" in response.get_data(as_text=True)
        checked += 1
    assert checked >= 30
