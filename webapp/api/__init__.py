"""Blueprint ``api``: the JSON API every chat channel uses (``/api/v1``)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from werkzeug.wrappers import Response

from consultations import queries, services, translations
from consultations.db import in_transaction
from consultations.errors import AnswerProblem, InvalidAnswer
from consultations.models import Answer, Consultation, Question
from webapp.api.openapi import openapi_document
from webapp.errors import problem
from webapp.i18n import current_language
from webapp.support import notify_new_concern, support_payload

bp = Blueprint("api", __name__)

PUBLIC_ENDPOINTS = {"api.openapi", "api.public_outcomes", "api.public_outcome", "api.public_late"}


def _now() -> datetime:
    return datetime.now(UTC)


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def token_digests() -> dict[str, bytes]:
    """Channel tokens as SHA-256 digests: the plain tokens are not kept around after start-up."""
    cached = current_app.extensions.get("youthvoice_token_digests")
    if cached is None:
        cached = {name: _digest(tok) for name, tok in current_app.config["CHANNEL_TOKENS"].items()}
        current_app.extensions["youthvoice_token_digests"] = cached
    return cached


def channel_for(token: str) -> str | None:
    """The channel a bearer token belongs to, compared in constant time."""
    given = _digest(token)
    match = None
    for name, digest in token_digests().items():
        if hmac.compare_digest(given, digest):
            match = name
    return match


@bp.before_request
def authenticate() -> Response | None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    channel = channel_for(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if channel is None:
        response = problem(
            401, "Unauthorized", "Send a channel token as 'Authorization: Bearer <token>'."
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="youthvoice"'
        return response
    g.channel = channel
    return None


def _words(c: Consultation) -> translations.Translated:
    """The consultation in the language the channel asked for (Accept-Language), else English.

    Only the words change: ids stay, so answers given in any language land on the same
    questions.
    """
    return translations.translated(c, current_language())


def _consultation_summary(c: Consultation, words: translations.Translated) -> dict[str, Any]:
    reading = queries.youth_reading(c, [])
    return {
        "slug": c.slug,
        "language": words.language or "en",
        "youth_title": words.youth_title,
        "summary": words.summary_line or queries.summary_line(c),
        "theme": c.theme.key if c.theme else None,
        "opens_at": c.opens_at.isoformat() if c.opens_at else None,
        "closes_at": c.closes_at.isoformat() if c.closes_at else None,
        "feedback_due": c.feedback_due.isoformat() if c.feedback_due else None,
        "reading_age": reading["reading_age"],
        "minutes_to_read": reading["minutes_to_read"],
        "audience": {"min_age": c.audience_min_age, "max_age": c.audience_max_age},
    }


def _question_json(q: Question, words: translations.Translated) -> dict[str, Any]:
    scale = q.kind.value == "scale"
    return {
        "id": q.id,
        "position": q.position,
        "kind": q.kind.value,
        "prompt": words.prompt(q),
        "required": q.required,
        "max_length": q.max_length if q.kind.value == "free_text" else None,
        "scale": (
            {
                "min": 1,
                "max": 5,
                "min_label": words.scale_min_label(q),
                "max_label": words.scale_max_label(q),
            }
            if scale
            else None
        ),
        "options": []
        if scale
        else [{"id": o.id, "label": words.option(q, o.id, o.label)} for o in q.options],
    }


@bp.get("/consultations")
def list_consultations() -> Response:
    open_now = queries.open_consultations(_now())
    words = translations.translated_all(open_now, current_language())
    found = [_consultation_summary(c, w) for c, w in zip(open_now, words, strict=True)]
    response = jsonify(consultations=found)
    response.vary.add("Accept-Language")
    return response


@bp.get("/consultations/<slug>")
def show_consultation(slug: str) -> Response:
    c = queries.consultation_by_slug(slug)
    words = _words(c)
    # The glossary explains words of the English text; a translation is written without them.
    glossary = (
        []
        if words.youth_summary
        else queries.youth_reading(c, queries.glossary_entries())["glossary"]
    )
    response = jsonify(
        {
            **_consultation_summary(c, words),
            "status": c.status.value,
            "accepting_answers": c.accepting_answers(_now()),
            "requires_access_code": c.requires_access_code,
            "youth_text": words.youth_summary or c.youth_summary,
            "original": {
                "title": c.title,
                "text": c.original_text,
                "source_document": c.source_document,
                "source_organisation": c.source_organisation,
                "url": f"{current_app.config['PUBLIC_URL'].rstrip('/')}/c/{c.slug}#original",
            },
            "glossary": [{"term": t.term, "explanation": t.explanation} for t in glossary],
            "questions": [_question_json(q, words) for q in c.questions],
        }
    )
    response.vary.add("Accept-Language")
    return response


def _participant_ref(raw: Any) -> tuple[str, str]:
    """The (channel, id) a request speaks for; a token may speak only for its own channel."""
    if not isinstance(raw, dict) or not isinstance(raw.get("channel"), str):
        raise InvalidAnswer("Say who is answering: participant.channel and participant.id.")
    channel, user_id = raw["channel"], raw.get("id")
    if isinstance(user_id, int) and not isinstance(user_id, bool):
        user_id = str(user_id)
    if not isinstance(user_id, str) or not user_id or len(user_id) > services.CHANNEL_ID_MAX:
        raise InvalidAnswer("participant.id must be a non-empty string of up to 128 characters.")
    if channel != g.channel:
        raise InvalidAnswer(f"This token can only answer for the {g.channel!r} channel.")
    return channel, user_id


def _parse_answers(raw: Any) -> list[services.AnswerInput]:
    if not isinstance(raw, list) or not raw:
        raise InvalidAnswer("'answers' must be a non-empty list.")
    parsed: list[services.AnswerInput] = []
    problems: list[AnswerProblem] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            problems.append(AnswerProblem(index, None, "Each answer must be an object."))
            continue
        qid, option_ids = item.get("question_id"), item.get("option_ids", [])
        value, text = item.get("value"), item.get("text")
        if not isinstance(qid, int) or isinstance(qid, bool):
            problems.append(AnswerProblem(index, None, "question_id must be a number."))
            continue
        if not isinstance(option_ids, list) or not all(
            isinstance(o, int) and not isinstance(o, bool) for o in option_ids
        ):
            problems.append(AnswerProblem(index, qid, "option_ids must be a list of numbers."))
            continue
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            problems.append(AnswerProblem(index, qid, "value must be a whole number."))
            continue
        if text is not None and not isinstance(text, str):
            problems.append(AnswerProblem(index, qid, "text must be a string."))
            continue
        parsed.append(services.AnswerInput(qid, option_ids=option_ids, value=value, text=text))
    if problems:
        raise InvalidAnswer("Nothing was saved because some answers need another look.", problems)
    return parsed


PARTICIPANT_CHANNEL_HEADER = "X-Participant-Channel"
PARTICIPANT_ID_HEADER = "X-Participant-Id"


def participant_from_request() -> tuple[str, str]:
    """Who a GET speaks for: the X-Participant-* headers, or ``?channel=&id=``.

    Headers are preferred because proxies and access logs record query strings, and the id
    is a chat account's id; the query form stays for clients that cannot set headers.
    """
    channel = request.headers.get(PARTICIPANT_CHANNEL_HEADER) or request.args.get("channel")
    user_id = request.headers.get(PARTICIPANT_ID_HEADER) or request.args.get("id")
    return _participant_ref({"channel": channel, "id": user_id})


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidAnswer("Send a JSON object with 'participant' and 'answers'.")
    return body


@bp.post("/consultations/<slug>/answers")
def submit_answers(slug: str) -> Response:
    body = _json_body()
    channel, user_id = _participant_ref(body.get("participant"))
    answers = _parse_answers(body.get("answers"))
    access_code = body.get("access_code")
    if access_code is not None and not isinstance(access_code, str):
        raise InvalidAnswer("access_code must be a string.")
    key = current_app.config["PSEUDONYM_KEY"]

    outcome = in_transaction(
        lambda: services.submit_as(
            slug, channel, user_id, answers, key=key, now=_now(), access_code=access_code
        )
    )
    notify_new_concern(outcome)
    body: dict[str, Any] = {"saved": outcome.saved}
    support = support_payload(outcome)
    if support is not None:
        # The channel must show this to the young person; nothing they set can turn it off.
        body["support"] = support
    return jsonify(body)


def _answer_json(answer: Answer) -> dict[str, Any]:
    return {
        "question_id": answer.question_id,
        "option_ids": answer.option_ids if answer.scale_value is None else [],
        "value": answer.scale_value,
        "text": answer.text,
        "updated_at": answer.updated_at.isoformat(),
    }


@bp.get("/consultations/<slug>/answers")
def participant_answers(slug: str) -> Response:
    channel, user_id = participant_from_request()
    consultation = queries.consultation_by_slug(slug)
    participant = services.find_participant(
        channel, user_id, key=current_app.config["PSEUDONYM_KEY"]
    )
    answers = queries.answers_of(consultation, participant)
    return jsonify(answers=[_answer_json(a) for a in answers])


@bp.get("/consultations/<slug>/results")
def results(slug: str) -> Response:
    consultation = queries.consultation_by_slug(slug)
    return jsonify(
        slug=consultation.slug,
        status=consultation.status.value,
        respondents=consultation.respondent_count,
        questions=[
            {
                "id": r.id,
                "kind": r.kind,
                "prompt": r.prompt,
                "answers": r.answers,
                "options": [
                    {"id": o.id, "label": o.label, "count": o.count, "percent": o.percent}
                    for o in r.options
                ],
            }
            for r in queries.results(consultation)
        ],
    )


@bp.get("/glossary")
def glossary() -> Response:
    return jsonify(
        glossary=[
            {"term": e.term, "explanation": e.explanation, "aliases": list(e.aliases)}
            for e in queries.glossary_entries()
        ]
    )


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())


from webapp.api import participants, public  # noqa: E402,F401  (registers its routes on bp)
