"""Open data: published results and "you said, we did", with no token and cacheable.

Only feedback an officer has published appears here, with tallies and quotes marked for
publication. Never a pseudonym, a breakdown by person, or an unpublished written answer.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app
from pydantic import BaseModel
from werkzeug.wrappers import Response

from channel_api import payloads as p
from consultations import areas, queries
from consultations import words as platform_words
from consultations.models import PREFER_NOT_TO_SAY, Consultation
from feedback import outcomes, subscriptions
from feedback.loop_models import Outcome
from webapp.api.base import NO_TOKEN, bp, problems, reply
from webapp.api.params import SlugPath
from youthvoice_settings.languages import LANGUAGES

CACHE_SECONDS = 300
OPEN_DATA = (
    "Open data: no token needed, cacheable for five minutes (Cache-Control). Only published "
    "feedback appears; never a pseudonym or an unpublished written answer, only quotes an "
    "officer marked for publication."
)


def _cached(model: BaseModel) -> Response:
    response = reply(model)
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


def _board_url(consultation: Consultation) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/you-said-we-did/{consultation.slug}"


def _summary(consultation: Consultation, outcome: Outcome) -> dict[str, object]:
    return {
        "slug": consultation.slug,
        "youth_title": consultation.youth_title,
        "theme": consultation.theme.key if consultation.theme else None,
        "respondents": consultation.respondent_count,
        "closes_at": consultation.closes_at,
        "feedback_due": consultation.feedback_due,
        "published_at": outcome.published_at,
        "url": _board_url(consultation),
    }


@bp.get(
    "/public/outcomes",
    operation_id="listPublicOutcomes",
    summary="Consultations with published “you said, we did”",
    description=OPEN_DATA,
    security=NO_TOKEN,
    responses={200: p.PublicOutcomes, **problems()},
)
def public_outcomes() -> Response:
    found = [p.PublicOutcomeSummary(**_summary(c, o)) for c, o in outcomes.published_outcomes()]
    return _cached(p.PublicOutcomes(outcomes=found))


@bp.get(
    "/public/outcomes/<slug>",
    operation_id="getPublicOutcome",
    summary="One consultation's published results, feedback and progress",
    description=OPEN_DATA,
    security=NO_TOKEN,
    responses={200: p.PublicOutcome, **problems(404)},
)
def public_outcome(path: SlugPath) -> Response:
    consultation, outcome = outcomes.published_consultation(path.slug)
    items = outcomes.items_of(consultation)
    return _cached(
        p.PublicOutcome(
            **_summary(consultation, outcome),
            you_said=outcome.you_said,
            we_did=[
                p.WeDid(
                    action=i.action,
                    partner=i.partner,
                    status=i.status.value,
                    reason=i.reason,
                    due_date=i.due_date,
                    updates=[
                        p.ProgressUpdate(at=u.at, status=u.status.value, note=u.note)
                        for u in i.updates
                    ],
                )
                for i in items
            ],
            quotes=[q.text for q in outcomes.quotes_of(consultation)],
            results=[
                p.PublicQuestionResult(
                    prompt=r.prompt,
                    kind=r.kind,
                    answers=r.answers,
                    options=[
                        p.PublicOptionResult(label=o.label, count=o.count, percent=o.percent)
                        for o in r.options
                    ],
                )
                for r in queries.results(consultation)
            ],
        )
    )


@bp.get(
    "/public/late",
    operation_id="listLateFeedback",
    summary="Consultations whose promised feedback is late",
    description=OPEN_DATA,
    security=NO_TOKEN,
    responses={200: p.LateList, **problems()},
)
def public_late() -> Response:
    """Consultations whose promised feedback is overdue: accountability is open data too."""
    late = outcomes.overdue(datetime.now(UTC))
    return _cached(
        p.LateList(
            late=[
                p.LateFeedback(
                    slug=e.consultation.slug,
                    youth_title=e.consultation.youth_title,
                    respondents=e.consultation.respondent_count,
                    feedback_due=e.consultation.feedback_due,
                )
                for e in late
            ]
        )
    )


LISTS = "No token needed, cacheable for five minutes: what a channel offers as buttons."


@bp.get(
    "/areas",
    operation_id="listAreas",
    summary="The council's areas a participant can choose from (wards and postcode districts)",
    description=LISTS + " Retired areas are not offered; people who chose one keep it.",
    security=NO_TOKEN,
    responses={200: p.AreaList, **problems()},
)
def list_areas() -> Response:
    offered = [p.AreaChoice(key=c.key, name=c.name, kind=c.kind) for c in areas.choices()]
    return _cached(p.AreaList(areas=offered, prefer_not_to_say=PREFER_NOT_TO_SAY))


@bp.get(
    "/topics",
    operation_id="listTopics",
    summary="The topics a participant can follow: the strategy's themes",
    description=LISTS,
    security=NO_TOKEN,
    responses={200: p.TopicList, **problems()},
)
def list_topics() -> Response:
    found = [
        p.TopicChoice(
            key=t.key,
            name=t.name,
            description=t.description,
            youth_words={
                lang: platform_words.topic_words(t.key, t.name, lang) for lang in LANGUAGES
            },
        )
        for t in subscriptions.topic_choices()
    ]
    return _cached(p.TopicList(topics=found))
