"""The OpenAPI 3.1 description of ``/api/v1``; a test fails when a route is missing from it."""

from __future__ import annotations

from typing import Any

_PROBLEM = {"$ref": "#/components/responses/Problem"}
_STR = {"type": "string"}
# Who a GET speaks for. Headers are preferred: query strings end up in proxies' access logs,
# and the id is a chat account's id. One of the two forms is required.
_WHO_PARAMS = [
    {"name": "X-Participant-Channel", "in": "header", "required": False, "schema": _STR},
    {"name": "X-Participant-Id", "in": "header", "required": False, "schema": _STR},
    {
        "name": "channel",
        "in": "query",
        "required": False,
        "schema": _STR,
        "description": "Only for clients that cannot send the X-Participant-Channel header.",
    },
    {
        "name": "id",
        "in": "query",
        "required": False,
        "schema": _STR,
        "description": "Only for clients that cannot send the X-Participant-Id header.",
    },
]
_SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
_LANGUAGE = {
    "name": "Accept-Language",
    "in": "header",
    "required": False,
    "schema": _STR,
    "description": (
        "The language the young person reads (en, pl, ur). A consultation's words come in "
        "its officer-written translation where there is one, word by word English otherwise; "
        "`support.message` comes in it too. Ids never change with the language."
    ),
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def openapi_document() -> dict[str, Any]:
    """Build the document (cheap; built per request so it never drifts from a stale copy)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Youth Voice channel API",
            "version": "1",
            "description": (
                "What chat channels (Telegram, Rasa and others) use to list consultations, "
                "save young people's answers and read results. Participants are named by "
                "(channel, id on that channel); the server stores only a keyed hash of it."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"channelToken": []}],
        "paths": {
            "/consultations": {
                "get": {
                    "summary": "Consultations open for answers now",
                    "operationId": "listConsultations",
                    "parameters": [_LANGUAGE],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "consultations": {
                                        "type": "array",
                                        "items": {
                                            "$ref": "#/components/schemas/ConsultationSummary"
                                        },
                                    }
                                },
                                "required": ["consultations"],
                            },
                            "Open consultations, closing soonest first",
                        ),
                        "401": _PROBLEM,
                    },
                }
            },
            "/consultations/{slug}": {
                "get": {
                    "summary": "A consultation's youth text, glossary and questions",
                    "operationId": "getConsultation",
                    "parameters": [_SLUG, _LANGUAGE],
                    "responses": {
                        "200": _json(
                            {"$ref": "#/components/schemas/Consultation"}, "The consultation"
                        ),
                        "401": _PROBLEM,
                        "404": _PROBLEM,
                    },
                }
            },
            "/consultations/{slug}/answers": {
                "post": {
                    "summary": "Save a participant's answers (all or nothing)",
                    "description": (
                        "Answering a question again replaces the earlier answer. A closed "
                        "consultation, unknown question, wrong kind or out-of-range value "
                        "refuses the whole submission with a problem document. Written "
                        "answers are moderated as they are saved: when one reads as a "
                        "safeguarding disclosure or mentions hate or tension between groups, "
                        "the response carries `support`, and the channel must send "
                        "`support.message` to the young person at once, whatever their "
                        "settings."
                    ),
                    "operationId": "submitAnswers",
                    "parameters": [_SLUG, _LANGUAGE],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Submission"}
                            }
                        },
                    },
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "saved": {"type": "integer"},
                                    "support": {"$ref": "#/components/schemas/Support"},
                                },
                                "required": ["saved"],
                            },
                            "How many answers were saved, and a support message to show when "
                            "a written answer needs one",
                        ),
                        "401": _PROBLEM,
                        "404": _PROBLEM,
                        "409": _PROBLEM,
                        "422": _PROBLEM,
                        "429": _PROBLEM,
                    },
                },
                "get": {
                    "summary": "A participant's own answers to this consultation",
                    "operationId": "getParticipantAnswers",
                    "parameters": [
                        _SLUG,
                        *_WHO_PARAMS,
                    ],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "answers": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/StoredAnswer"},
                                    }
                                },
                            },
                            "The answers, in question order",
                        ),
                        "401": _PROBLEM,
                        "404": _PROBLEM,
                        "422": _PROBLEM,
                    },
                },
            },
            "/consultations/{slug}/results": {
                "get": {
                    "summary": "Per-question totals and per-option counts",
                    "operationId": "getResults",
                    "parameters": [_SLUG],
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/Results"}, "Results so far"),
                        "401": _PROBLEM,
                        "404": _PROBLEM,
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "operationId": "getOpenApi",
                    "security": [],
                    "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1 document")},
                }
            },
            **_participant_paths(),
            **_public_paths(),
        },
        "components": {
            "securitySchemes": {
                "channelToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "One token per channel, from YOUTHVOICE_CHANNEL_TOKENS.",
                }
            },
            "responses": {
                "Problem": {
                    "description": "An RFC 9457 problem document",
                    "content": {
                        "application/problem+json": {
                            "schema": {"$ref": "#/components/schemas/Problem"}
                        }
                    },
                }
            },
            "schemas": {
                "Problem": {
                    "type": "object",
                    "properties": {
                        "type": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                        "errors": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "index": {"type": "integer"},
                                    "question_id": {"type": ["integer", "null"]},
                                    "message": {"type": "string"},
                                },
                            },
                        },
                    },
                    "required": ["title", "status", "detail"],
                },
                "ConsultationSummary": {
                    "type": "object",
                    "properties": {
                        "slug": {"type": "string"},
                        "language": {
                            "type": "string",
                            "enum": ["en", "pl", "ur"],
                            "description": "The language of the words in this object",
                        },
                        "youth_title": {"type": "string"},
                        "summary": {"type": "string"},
                        "theme": {"type": ["string", "null"]},
                        "opens_at": {"type": ["string", "null"], "format": "date-time"},
                        "closes_at": {"type": ["string", "null"], "format": "date-time"},
                        "feedback_due": {"type": ["string", "null"], "format": "date"},
                        "reading_age": {"type": "number"},
                        "minutes_to_read": {"type": "integer"},
                        "audience": {
                            "type": "object",
                            "properties": {
                                "min_age": {"type": "integer"},
                                "max_age": {"type": "integer"},
                            },
                        },
                    },
                    "required": ["slug", "youth_title", "summary", "closes_at", "reading_age"],
                },
                "Consultation": {
                    "allOf": [
                        {"$ref": "#/components/schemas/ConsultationSummary"},
                        {
                            "type": "object",
                            "properties": {
                                "status": {"enum": ["draft", "open", "closed"]},
                                "accepting_answers": {"type": "boolean"},
                                "requires_access_code": {
                                    "type": "boolean",
                                    "description": "Answers need a one-time access code.",
                                },
                                "youth_text": {"type": "string", "description": "Markdown"},
                                "original": {"type": "object"},
                                "glossary": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "term": {"type": "string"},
                                            "explanation": {"type": "string"},
                                        },
                                    },
                                },
                                "questions": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Question"},
                                },
                            },
                        },
                    ]
                },
                "Question": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "position": {"type": "integer"},
                        "kind": {
                            "enum": ["single_choice", "multiple_choice", "scale", "free_text"]
                        },
                        "prompt": {"type": "string"},
                        "required": {"type": "boolean"},
                        "max_length": {"type": ["integer", "null"]},
                        "scale": {"type": ["object", "null"]},
                        "options": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "id": {"type": "integer"},
                                    "label": {"type": "string"},
                                },
                            },
                        },
                    },
                    "required": ["id", "kind", "prompt", "required", "options"],
                },
                "Submission": {
                    "type": "object",
                    "properties": {
                        "participant": {
                            "type": "object",
                            "properties": {
                                "channel": {"type": "string"},
                                "id": {"type": "string", "maxLength": 128},
                            },
                            "required": ["channel", "id"],
                        },
                        "answers": {
                            "type": "array",
                            "minItems": 1,
                            "items": {
                                "type": "object",
                                "properties": {
                                    "question_id": {"type": "integer"},
                                    "option_ids": {"type": "array", "items": {"type": "integer"}},
                                    "value": {"type": "integer", "minimum": 1, "maximum": 5},
                                    "text": {"type": "string"},
                                },
                                "required": ["question_id"],
                            },
                        },
                        "access_code": {
                            "type": "string",
                            "maxLength": 20,
                            "description": (
                                "The one-time code handed to the participant, for consultations "
                                "with requires_access_code; needed on the first submission only."
                            ),
                        },
                    },
                    "required": ["participant", "answers"],
                },
                "Support": {
                    "type": "object",
                    "description": (
                        "Present only when the young person must be shown help. `message` is "
                        "the full text to send (the same words on every channel)."
                    ),
                    "properties": {
                        "safeguarding": {
                            "type": "boolean",
                            "description": "A possible disclosure: self-harm, abuse, "
                            "exploitation or danger. It is in the safeguarding queue.",
                        },
                        "tension": {
                            "type": "boolean",
                            "description": "Hate or hostility between groups was mentioned.",
                        },
                        "message": {"type": "string"},
                        "languages": {
                            "type": "array",
                            "items": {"type": "string", "enum": ["en", "pl", "ur"]},
                            "description": "The languages `message` is in: the channel's "
                            "own, then the language the young person wrote in, if another.",
                        },
                        "childline": {
                            "type": ["string", "null"],
                            "description": "Childline's free number, with a disclosure.",
                        },
                        "emergency": {
                            "type": ["string", "null"],
                            "description": "The emergency number, with a disclosure.",
                        },
                        "hate_reporting": {
                            "type": ["string", "null"],
                            "format": "uri",
                            "description": "Where to report a hate incident, with tension.",
                        },
                    },
                    "required": [
                        "safeguarding",
                        "tension",
                        "message",
                        "childline",
                        "emergency",
                        "hate_reporting",
                    ],
                },
                "StoredAnswer": {
                    "type": "object",
                    "properties": {
                        "question_id": {"type": "integer"},
                        "option_ids": {"type": "array", "items": {"type": "integer"}},
                        "value": {"type": ["integer", "null"]},
                        "text": {"type": ["string", "null"]},
                        "updated_at": {"type": "string", "format": "date-time"},
                    },
                },
                "Results": {
                    "type": "object",
                    "properties": {
                        "slug": {"type": "string"},
                        "status": {"type": "string"},
                        "respondents": {"type": "integer"},
                        "questions": {"type": "array", "items": {"type": "object"}},
                    },
                },
            },
        },
    }


_WHO = {
    "type": "object",
    "properties": {
        "channel": {"type": "string"},
        "id": {"type": "string", "maxLength": 128},
    },
    "required": ["channel", "id"],
}
_SETTINGS = {
    "type": "object",
    "properties": {
        "known": {"type": "boolean"},
        "age_band": {"type": ["string", "null"]},
        "area": {"type": ["string", "null"]},
        "subscribed": {"type": "boolean"},
    },
}


_EXPORT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "format": {"const": "youthvoice-participant-export/1"},
        "known": {"type": "boolean", "description": "False when nothing is held at all"},
        "profile": {
            "type": ["object", "null"],
            "properties": {
                "channel": {"type": "string"},
                "first_seen_at": {"type": "string", "format": "date-time"},
                "age_band": {"type": ["string", "null"]},
                "area": {"type": ["string", "null"]},
            },
        },
        "consultations": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "title": {"type": "string"},
                    "link": {"type": "string"},
                    "took_part_at": {"type": ["string", "null"]},
                    "channel": {"type": "string"},
                    "used_access_code_at": {"type": ["string", "null"]},
                    "answers": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "question": {"type": "string"},
                                "kind": {"type": "string"},
                                "choices": {"type": "array", "items": {"type": "string"}},
                                "value": {"type": ["integer", "null"]},
                                "text": {"type": ["string", "null"]},
                                "answered_at": {"type": "string"},
                                "changed_at": {"type": "string"},
                            },
                        },
                    },
                },
            },
        },
        "updates": {"type": ["object", "null"]},
        "messages": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["format", "known", "profile", "consultations", "updates", "messages"],
}


def _body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    schema = {"type": "object", "properties": properties, "required": required}
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _post(summary: str, op_id: str, body: dict[str, Any], ok: dict[str, Any]) -> dict[str, Any]:
    return {
        "post": {
            "summary": summary,
            "operationId": op_id,
            "requestBody": body,
            "responses": {"200": ok, "401": _PROBLEM, "422": _PROBLEM},
        }
    }


_NO_TOKEN: list[dict[str, list[str]]] = []
_PUBLIC_SUMMARY = {
    "type": "object",
    "properties": {
        "slug": {"type": "string"},
        "youth_title": {"type": "string"},
        "theme": {"type": ["string", "null"]},
        "respondents": {"type": "integer"},
        "closes_at": {"type": ["string", "null"], "format": "date-time"},
        "feedback_due": {"type": ["string", "null"], "format": "date"},
        "published_at": {"type": ["string", "null"], "format": "date-time"},
        "url": {"type": "string", "description": "The public “you said, we did” page"},
    },
}


def _public_get(summary: str, op_id: str, schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "operationId": op_id,
            "security": _NO_TOKEN,
            "description": (
                "Open data: no token needed, cacheable for five minutes (Cache-Control). "
                "Only published feedback appears; never a pseudonym or an unpublished "
                "written answer, only quotes an officer marked for publication."
            ),
            "responses": {"200": _json(schema, "Published data"), "404": _PROBLEM},
            **extra,
        }
    }


def _public_paths() -> dict[str, Any]:
    """Published results and "you said, we did", readable by anyone."""
    detail = {
        "allOf": [
            _PUBLIC_SUMMARY,
            {
                "type": "object",
                "properties": {
                    "you_said": {"type": "string"},
                    "we_did": {"type": "array", "items": {"type": "object"}},
                    "quotes": {"type": "array", "items": {"type": "string"}},
                    "results": {"type": "array", "items": {"type": "object"}},
                },
            },
        ]
    }
    late = {
        "type": "object",
        "properties": {"late": {"type": "array", "items": {"type": "object"}}},
    }
    listing = {
        "type": "object",
        "properties": {"outcomes": {"type": "array", "items": _PUBLIC_SUMMARY}},
    }
    return {
        "/public/outcomes": _public_get(
            "Consultations with published “you said, we did”", "listPublicOutcomes", listing
        ),
        "/public/outcomes/{slug}": _public_get(
            "One consultation's published results, feedback and progress",
            "getPublicOutcome",
            detail,
            parameters=[_SLUG],
        ),
        "/public/late": _public_get(
            "Consultations whose promised feedback is late", "listLateFeedback", late
        ),
    }


def _participant_paths() -> dict[str, Any]:
    """A participant's own settings, and the outbox that channel workers deliver."""
    settings = _json(_SETTINGS, "The participant's settings")
    leased = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "idempotency_key": {"type": "string"},
            "lease_token": {"type": "string"},
            "address": {"type": "string"},
            "kind": {"type": "string"},
            "text": {"type": "string"},
            "link": {"type": ["string", "null"]},
            "attempts": {"type": "integer"},
        },
    }
    return {
        "/glossary": {
            "get": {
                "summary": "The glossary: plain-word explanations of jargon (for /define)",
                "operationId": "getGlossary",
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "glossary": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "term": {"type": "string"},
                                            "explanation": {"type": "string"},
                                            "aliases": {
                                                "type": "array",
                                                "items": {"type": "string"},
                                            },
                                        },
                                    },
                                }
                            },
                        },
                        "Every term, A to Z",
                    ),
                    "401": _PROBLEM,
                },
            }
        },
        "/participants/me": {
            "get": {
                "summary": "A participant's profile and whether they opted in to messages",
                "operationId": "getParticipantSettings",
                "parameters": [
                    *_WHO_PARAMS,
                ],
                "responses": {"200": settings, "401": _PROBLEM, "422": _PROBLEM},
            }
        },
        "/participants/export": {
            "get": {
                "summary": (
                    "A copy of everything held about a participant (subject access), "
                    "to send to them in their chat"
                ),
                "operationId": "exportParticipant",
                "parameters": [
                    *_WHO_PARAMS,
                ],
                "responses": {
                    "200": _json(_EXPORT, "Everything held, in words the person can read"),
                    "401": _PROBLEM,
                    "422": _PROBLEM,
                    "429": _PROBLEM,
                },
            }
        },
        "/participants/profile": _post(
            "Set the optional age band and area (each may be 'prefer_not_to_say')",
            "updateProfile",
            _body(
                {"participant": _WHO, "age_band": {"type": "string"}, "area": {"type": "string"}},
                ["participant"],
            ),
            settings,
        ),
        "/subscriptions": _post(
            "Opt in to messages, delivered to an address on the participant's channel",
            "subscribe",
            _body(
                {"participant": _WHO, "address": {"type": ["string", "integer"]}},
                ["participant", "address"],
            ),
            settings,
        ),
        "/subscriptions/stop": _post(
            "Stop messages at once; the delivery address is forgotten",
            "unsubscribe",
            _body({"participant": _WHO}, ["participant"]),
            settings,
        ),
        "/participants/forget": _post(
            "Erase everything about a participant (counts of closed consultations stay)",
            "forgetParticipant",
            _body({"participant": _WHO}, ["participant"]),
            _json({"type": "object", "properties": {"forgotten": {"type": "boolean"}}}, "Done"),
        ),
        "/outbox/lease": _post(
            "Take due messages of the token's channel for a while; acknowledge each one",
            "leaseMessages",
            _body(
                {
                    "limit": {"type": "integer", "minimum": 1, "maximum": 500},
                    "lease_seconds": {"type": "integer", "minimum": 5, "maximum": 3600},
                },
                [],
            ),
            _json(
                {"type": "object", "properties": {"messages": {"type": "array", "items": leased}}},
                "Messages now held by the caller",
            ),
        ),
        "/outbox/{message_id}/ack": {
            "post": {
                "summary": "Report a leased message as sent, to retry later, blocked or failed",
                "operationId": "acknowledgeMessage",
                "parameters": [
                    {
                        "name": "message_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    }
                ],
                "requestBody": _body(
                    {
                        "lease_token": {"type": "string"},
                        "outcome": {"enum": ["sent", "retry", "blocked", "failed"]},
                        "retry_after": {"type": "number", "minimum": 0},
                        "error": {"type": "string"},
                    },
                    ["lease_token", "outcome"],
                ),
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "id": {"type": "integer"},
                                "status": {"enum": ["pending", "sent", "dropped"]},
                            },
                        },
                        "The message's state now",
                    ),
                    "401": _PROBLEM,
                    "404": _PROBLEM,
                    "422": _PROBLEM,
                },
            }
        },
    }
