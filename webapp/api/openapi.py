"""The OpenAPI 3.1 description of ``/api/v1``; a test fails when a route is missing from it."""

from __future__ import annotations

from typing import Any

_PROBLEM = {"$ref": "#/components/responses/Problem"}
_SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}


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
                    "parameters": [_SLUG],
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
                        "refuses the whole submission with a problem document."
                    ),
                    "operationId": "submitAnswers",
                    "parameters": [_SLUG],
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
                                "properties": {"saved": {"type": "integer"}},
                                "required": ["saved"],
                            },
                            "How many answers were saved",
                        ),
                        "401": _PROBLEM,
                        "404": _PROBLEM,
                        "409": _PROBLEM,
                        "422": _PROBLEM,
                    },
                },
                "get": {
                    "summary": "A participant's own answers to this consultation",
                    "operationId": "getParticipantAnswers",
                    "parameters": [
                        _SLUG,
                        {
                            "name": "channel",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        {
                            "name": "id",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string"},
                        },
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
