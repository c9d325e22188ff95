"""Blueprint ``api``: the JSON API every chat channel uses (``/api/v1``).

Each route declares its request and its responses with the models of ``channel_api``;
flask-openapi3 validates the request with them and the OpenAPI document is generated from
the same declarations (``webapp.api.spec``). A new route goes in this package, declared the
same way, and appears in ``/api/v1/openapi.json`` by itself.
"""

from __future__ import annotations

from typing import Any, cast

from flask import current_app
from flask_openapi3 import OpenAPI
from werkzeug.wrappers import Response

from channel_api import payloads as p
from consultations import queries, services, translations
from consultations.db import in_transaction
from consultations.models import Answer, Consultation, Question
from webapp.api import participants as _participants  # noqa: F401  (its routes are on bp)
from webapp.api import public as _public  # noqa: F401  (its routes are on bp)
from webapp.api.base import (
    NO_TOKEN,
    READ,
    READ_ONE,
    TOKEN,
    WRITE,
    _now,
    bp,
    participant_from,
    problems,
    reply,
    speaking_for,
)
from webapp.api.params import SlugPath, WhoHeaders, WhoQuery
from webapp.i18n import current_language
from webapp.moderation_rules import moderation_rules
from webapp.support import notify_new_concern, support_payload


def _words(c: Consultation) -> translations.Translated:
    """The consultation in the language the channel asked for (Accept-Language), else English.

    Only the words change: ids stay, so answers given in any language land on the same
    questions.
    """
    return translations.translated(c, current_language())


def _summary_fields(c: Consultation, words: translations.Translated) -> dict[str, Any]:
    reading = queries.youth_reading(c, [])
    return {
        "slug": c.slug,
        "language": words.language or "en",
        "youth_title": words.youth_title,
        "summary": words.summary_line or queries.summary_line(c),
        "theme": c.theme.key if c.theme else None,
        "opens_at": c.opens_at,
        "closes_at": c.closes_at,
        "feedback_due": c.feedback_due,
        "reading_age": reading["reading_age"],
        "minutes_to_read": reading["minutes_to_read"],
        "audience": p.Audience(min_age=c.audience_min_age, max_age=c.audience_max_age),
    }


def _question(q: Question, words: translations.Translated) -> p.Question:
    scale = q.kind.value == "scale"
    return p.Question(
        id=q.id,
        position=q.position,
        kind=q.kind.value,
        prompt=words.prompt(q),
        required=q.required,
        max_length=q.max_length if q.kind.value == "free_text" else None,
        scale=p.Scale(
            min=1, max=5, min_label=words.scale_min_label(q), max_label=words.scale_max_label(q)
        )
        if scale
        else None,
        options=[]
        if scale
        else [p.Option(id=o.id, label=words.option(q, o.id, o.label)) for o in q.options],
    )


def _in_their_language(response: Response) -> Response:
    response.vary.add("Accept-Language")
    return response


@bp.get(
    "/consultations",
    operation_id="listConsultations",
    summary="Consultations open for answers now",
    security=TOKEN,
    responses={200: p.ConsultationList, **problems(*READ)},
)
def list_consultations() -> Response:
    open_now = queries.open_consultations(_now())
    words = translations.translated_all(open_now, current_language())
    found = [
        p.ConsultationSummary(**_summary_fields(c, w)) for c, w in zip(open_now, words, strict=True)
    ]
    return _in_their_language(reply(p.ConsultationList(consultations=found)))


@bp.get(
    "/consultations/<slug>",
    operation_id="getConsultation",
    summary="A consultation's youth text, glossary and questions",
    security=TOKEN,
    responses={200: p.Consultation, **problems(*READ_ONE)},
)
def show_consultation(path: SlugPath) -> Response:
    return _in_their_language(reply(consultation_payload(queries.consultation_by_slug(path.slug))))


def consultation_payload(c: Consultation) -> p.Consultation:
    """A consultation as the chat channels get it, in the request's language.

    The staff preview renders the chat from this too, so it shows what the channels will.
    """
    words = _words(c)
    # The glossary explains words of the English text; a translation is written without them.
    glossary = (
        []
        if words.youth_summary
        else queries.youth_reading(c, queries.glossary_entries())["glossary"]
    )
    return p.Consultation(
        **_summary_fields(c, words),
        status=c.status.value,
        accepting_answers=c.accepting_answers(_now()),
        requires_access_code=c.requires_access_code,
        youth_text=words.youth_summary or c.youth_summary,
        original=p.Original(
            title=c.title,
            text=c.original_text,
            source_document=c.source_document,
            source_organisation=c.source_organisation,
            url=f"{current_app.config['PUBLIC_URL'].rstrip('/')}/c/{c.slug}#original",
        ),
        glossary=[p.GlossaryTerm(term=t.term, explanation=t.explanation) for t in glossary],
        questions=[_question(q, words) for q in c.questions],
    )


@bp.post(
    "/consultations/<slug>/answers",
    operation_id="submitAnswers",
    summary="Save a participant's answers (all or nothing)",
    description=(
        "Answering a question again replaces the earlier answer. A closed consultation, an "
        "unknown question, a wrong kind or an out-of-range value refuses the whole submission "
        "with a problem document whose `errors` name each refused answer. Written answers are "
        "moderated as they are saved: when one reads as a safeguarding disclosure or mentions "
        "hate or tension between groups, the response carries `support`, and the channel must "
        "send `support.message` to the young person at once, whatever their settings."
    ),
    security=TOKEN,
    responses={200: p.Saved, **problems(*WRITE, 404, 409)},
)
def submit_answers(path: SlugPath, body: p.Submission) -> Response:
    channel, user_id = speaking_for(body.participant)
    answers = [
        services.AnswerInput(a.question_id, option_ids=a.option_ids, value=a.value, text=a.text)
        for a in body.answers
    ]
    key = current_app.config["PSEUDONYM_KEY"]
    outcome = in_transaction(
        lambda: services.submit_as(
            path.slug,
            channel,
            user_id,
            answers,
            key=key,
            now=_now(),
            access_code=body.access_code,
            rules=moderation_rules(),
        )
    )
    notify_new_concern(outcome)
    support = support_payload(outcome)
    if support is None:
        return reply(p.Saved(saved=outcome.saved))
    # The channel must show this to the young person; nothing they set can turn it off.
    return reply(p.Saved(saved=outcome.saved, support=p.Support(**support)))


def _stored(answer: Answer) -> p.StoredAnswer:
    return p.StoredAnswer(
        question_id=answer.question_id,
        option_ids=answer.option_ids if answer.scale_value is None else [],
        value=answer.scale_value,
        text=answer.text,
        updated_at=answer.updated_at,
    )


@bp.get(
    "/consultations/<slug>/answers",
    operation_id="getParticipantAnswers",
    summary="A participant's own answers to this consultation",
    security=TOKEN,
    responses={200: p.StoredAnswers, **problems(*READ_ONE)},
)
def participant_answers(path: SlugPath, header: WhoHeaders, query: WhoQuery) -> Response:
    channel, user_id = participant_from(header, query)
    consultation = queries.consultation_by_slug(path.slug)
    participant = services.find_participant(
        channel, user_id, key=current_app.config["PSEUDONYM_KEY"]
    )
    answers = queries.answers_of(consultation, participant)
    return reply(p.StoredAnswers(answers=[_stored(a) for a in answers]))


@bp.get(
    "/consultations/<slug>/results",
    operation_id="getResults",
    summary="Per-question totals and per-option counts",
    security=TOKEN,
    responses={200: p.Results, **problems(*READ_ONE)},
)
def results(path: SlugPath) -> Response:
    consultation = queries.consultation_by_slug(path.slug)
    return reply(
        p.Results(
            slug=consultation.slug,
            status=consultation.status.value,
            respondents=consultation.respondent_count,
            questions=[
                p.QuestionResult(
                    id=r.id,
                    kind=r.kind,
                    prompt=r.prompt,
                    answers=r.answers,
                    options=[
                        p.OptionResult(id=o.id, label=o.label, count=o.count, percent=o.percent)
                        for o in r.options
                    ],
                )
                for r in queries.results(consultation)
            ],
        )
    )


@bp.get(
    "/glossary",
    operation_id="getGlossary",
    summary="The glossary: plain-word explanations of jargon (for /define)",
    security=TOKEN,
    responses={200: p.Glossary, **problems(*READ)},
)
def glossary() -> Response:
    return reply(
        p.Glossary(
            glossary=[
                p.GlossaryEntry(term=e.term, explanation=e.explanation, aliases=list(e.aliases))
                for e in queries.glossary_entries()
            ]
        )
    )


@bp.get(
    "/openapi.json",
    operation_id="getOpenApi",
    summary="This document",
    security=NO_TOKEN,
    responses={
        200: {
            "description": "The OpenAPI 3.1 document, generated from the routes' declarations",
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        **problems(),
    },
)
def openapi() -> Response:
    from webapp.api.spec import document

    # create_app builds the app as flask-openapi3's OpenAPI, which knows its routes' schemas.
    app = cast(OpenAPI, current_app)
    return current_app.response_class(document(app), mimetype="application/json")
