"""Open data: published results and "you said, we did", with no token and cacheable.

Only feedback an officer has published appears here, with tallies and quotes marked for
publication. Never a pseudonym, a breakdown by person, or an unpublished written answer.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app, jsonify
from werkzeug.wrappers import Response

from consultations import queries
from consultations.models import Consultation
from feedback import outcomes
from feedback.loop_models import Outcome
from webapp.api import bp

CACHE_SECONDS = 300


def _cached(response: Response) -> Response:
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


def _board_url(consultation: Consultation) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/you-said-we-did/{consultation.slug}"


def _summary(consultation: Consultation, outcome: Outcome) -> dict[str, Any]:
    return {
        "slug": consultation.slug,
        "youth_title": consultation.youth_title,
        "theme": consultation.theme.key if consultation.theme else None,
        "respondents": consultation.respondent_count,
        "closes_at": consultation.closes_at.isoformat() if consultation.closes_at else None,
        "feedback_due": consultation.feedback_due.isoformat()
        if consultation.feedback_due
        else None,
        "published_at": outcome.published_at.isoformat() if outcome.published_at else None,
        "url": _board_url(consultation),
    }


@bp.get("/public/outcomes")
def public_outcomes() -> Response:
    return _cached(jsonify(outcomes=[_summary(c, o) for c, o in outcomes.published_outcomes()]))


@bp.get("/public/outcomes/<slug>")
def public_outcome(slug: str) -> Response:
    consultation, outcome = outcomes.published_consultation(slug)
    items = outcomes.items_of(consultation)
    return _cached(
        jsonify(
            {
                **_summary(consultation, outcome),
                "you_said": outcome.you_said,
                "we_did": [
                    {
                        "action": i.action,
                        "partner": i.partner,
                        "status": i.status.value,
                        "reason": i.reason,
                        "due_date": i.due_date.isoformat() if i.due_date else None,
                        "updates": [
                            {"at": u.at.isoformat(), "status": u.status.value, "note": u.note}
                            for u in i.updates
                        ],
                    }
                    for i in items
                ],
                "quotes": [q.text for q in outcomes.quotes_of(consultation)],
                "results": [
                    {
                        "prompt": r.prompt,
                        "kind": r.kind,
                        "answers": r.answers,
                        "options": [
                            {"label": o.label, "count": o.count, "percent": o.percent}
                            for o in r.options
                        ],
                    }
                    for r in queries.results(consultation)
                ],
            }
        )
    )


@bp.get("/public/late")
def public_late() -> Response:
    """Consultations whose promised feedback is overdue: accountability is open data too."""
    late = outcomes.overdue(datetime.now(UTC))
    return _cached(
        jsonify(
            late=[
                {
                    "slug": e.consultation.slug,
                    "youth_title": e.consultation.youth_title,
                    "respondents": e.consultation.respondent_count,
                    "feedback_due": e.consultation.feedback_due.isoformat()
                    if e.consultation.feedback_due
                    else None,
                }
                for e in late
            ]
        )
    )
