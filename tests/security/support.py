"""Real data behind every route's URL parameters, and a URL for every rule in the app."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Flask, g
from sqlalchemy import func, inspect, select

from consultations import polls, results, services, translations
from consultations.db import db
from consultations.models import GlossaryTerm
from consultations.moderation import review
from consultations.moderation.models import SafeguardingConcern
from consultations.staff_models import Role, User
from feedback import forum, outcomes
from tests.helpers import make_consultation, now
from tests.staff.support import make_user
from webapp.security import SECURITY_HEADERS

WEB_TOKEN_CHANNEL = "telegram"


@dataclass
class RouteData:
    ids: dict[str, str]
    admin: User


def route_data(app: Flask) -> RouteData:
    """A consultation with a written answer and a tag, a live poll, a glossary term."""
    admin = make_user(Role.ADMIN)
    consultation = make_consultation()
    free_text = consultation.questions[3]
    participant = services.participant_for(WEB_TOKEN_CHANNEL, "42", key=app.config["PSEUDONYM_KEY"])
    services.submit_answers(
        consultation,
        participant,
        [
            services.AnswerInput(consultation.questions[0].id, option_ids=[1]),
            services.AnswerInput(free_text.id, text="More benches please"),
        ],
        channel=WEB_TOKEN_CHANNEL,
        now=now(),
    )
    db.session.flush()
    answer_id = db.session.scalar(select(func.max(db.metadata.tables["answer"].c.id)))
    tag = results.tag_answer(admin, answer_id, "benches", now=now())
    poll = polls.create_poll(admin, "Best snack?", ["Crisps", "Fruit"], now=now())
    term_id = db.session.scalar(select(func.min(GlossaryTerm.id)))
    # "You said, we did" and the forum need a closed consultation with an item, a quote and
    # a recommendation; the safeguarding queue needs a concern.
    closed = make_consultation()
    services.submit(
        closed,
        participant,
        [services.AnswerInput(closed.questions[3].id, text="I want to kill myself")],
        channel=WEB_TOKEN_CHANNEL,
        now=now(),
    )
    closed_answer = db.session.scalar(select(func.max(db.metadata.tables["answer"].c.id)))
    services.close_consultation(closed, now=now())
    review.decide(admin, closed_answer, "approve", now=now())
    item = outcomes.add_we_did(admin, closed, action="Act", partner="Council", now=now())
    quote = outcomes.mark_quote(admin, closed_answer, text="Words", now=now())
    recommendation = forum.draft_recommendation(
        make_user(Role.FORUM_MEMBER),
        title="Do it",
        body="Because",
        consultation_ids=[closed.id],
        now=now(),
    )
    concern_id = db.session.scalar(select(func.min(SafeguardingConcern.id)))
    # A real private receipt link, so its pages are exercised with a token that opens them.
    from feedback import receipts

    receipt_token = receipts.issue_receipt_link(participant, now=now())
    translations.save_translation(
        consultation, "pl", youth_title="Powiedz", youth_summary="Tekst.", now=now()
    )
    db.session.commit()
    return RouteData(
        ids={
            "slug": consultation.slug,
            "code": poll.join_code or "",
            "consultation_id": str(consultation.id),
            "question_id": str(free_text.id),
            "poll_id": str(poll.id),
            "term_id": str(term_id),
            "answer_id": str(answer_id),
            "tag_id": str(tag.id),
            # No themes are found here (that takes seconds): a theme's routes are POST only,
            # refused for the missing token before the theme is looked up, and answer 404 to
            # a theme that is not there.
            "theme_id": "1",
            "area_key": "st4",
            "fmt": "csv",
            "message_id": "1",
            "filename": "youth.css",
            "item_id": str(item.id),
            "quote_id": str(quote.id),
            "recommendation_id": str(recommendation.id),
            "concern_id": str(concern_id),
            "user_id": str(admin.id),
            "language": "pl",
            "token": receipt_token,
        },
        admin=admin,
    )


def as_new_request() -> None:
    """Forget what the test's shared app context cached for the previous client.

    The tests keep one app context open, and Flask reuses it for every test request, so
    ``g`` would carry one client's signed-in user and CSRF token into the next client's
    request, which separate requests never do in real life.
    """
    g.pop("_login_user", None)
    g.pop("csrf_token", None)


def url_for_rule(rule: str, ids: dict[str, str]) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: ids[m.group(1)], rule)


def routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, rule, method) for every route the app serves."""
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, rule.rule, method))
    return sorted(found)


def snapshot(*, skip: frozenset[str] = frozenset()) -> dict[str, list[str]]:
    """Every row of every table, as text (to prove a request changed nothing)."""
    # End this session's transaction so the read sees what the requests committed.
    db.session.rollback()
    names = set(inspect(db.engine).get_table_names()) - skip
    return {
        name: sorted(repr(tuple(row)) for row in db.session.execute(select(table)))
        for name, table in db.metadata.tables.items()
        if name in names
    }


def check_headers(response, where: str) -> None:  # type: ignore[no-untyped-def]
    """Every page carries the site's security headers and a CSP with no inline code."""
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp, where
    assert "frame-ancestors 'none'" in csp, where
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    assert "script-src 'self'" in csp and "style-src 'self'" in csp, where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "same-origin", where
    assert response.headers.get("X-Frame-Options") == "DENY", where
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, where
