"""The OpenAPI 3.1 document of ``/api/v1``, generated from the routes' declarations.

flask-openapi3 writes each operation from its models; this adds what belongs to the API as a
whole: its description, the channel token, ``Accept-Language`` (every response's words
follow it) and the links between operations that a client, or a stateful test, follows.
"""

from __future__ import annotations

import json
from typing import Any

from flask_openapi3 import Info, OpenAPI, Server

from channel_api.payloads import PARTICIPANT_CHANNEL_HEADER, PARTICIPANT_ID_HEADER, Problem
from webapp.api.problems import refused

PREFIX = "/api/v1"
INFO = Info(
    title="Youth Voice channel API",
    version="1",
    description=(
        "What chat channels (Telegram, Rasa and others) use to list consultations, save young "
        "people's answers and read results. Participants are named by (channel, id on that "
        "channel); the server stores only a keyed hash of it. Every refusal is an RFC 9457 "
        "problem document (application/problem+json) in the language of Accept-Language."
    ),
)
SECURITY_SCHEMES = {
    "channelToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "One token per channel, from YOUTHVOICE_CHANNEL_TOKENS.",
    }
}
ACCEPT_LANGUAGE = {
    "name": "Accept-Language",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": (
        "The language the young person reads (en, pl, ur). A consultation's words come in its "
        "officer-written translation where there is one, in English otherwise; "
        "`support.message` and problem documents come in it too. Ids never change with it."
    ),
}
_SPEAKER = {
    f"header.{PARTICIPANT_CHANNEL_HEADER}": "$request.body#/participant/channel",
    f"header.{PARTICIPANT_ID_HEADER}": "$request.body#/participant/id",
}
# operationId → {link name: (operationId it leads to, parameters)} on the 200 response.
LINKS: dict[str, dict[str, tuple[str, dict[str, str]]]] = {
    "listConsultations": {
        "open": ("getConsultation", {"slug": "$response.body#/consultations/0/slug"}),
        "results": ("getResults", {"slug": "$response.body#/consultations/0/slug"}),
    },
    "getConsultation": {
        "answer": ("submitAnswers", {"slug": "$response.body#/slug"}),
        "results": ("getResults", {"slug": "$response.body#/slug"}),
    },
    "submitAnswers": {
        "readBack": ("getParticipantAnswers", {"slug": "$request.path.slug", **_SPEAKER}),
        "settings": ("getParticipantSettings", _SPEAKER),
        "results": ("getResults", {"slug": "$request.path.slug"}),
    },
    "subscribe": {
        "settings": ("getParticipantSettings", _SPEAKER),
        "stop": ("unsubscribe", {}),
    },
    "updateProfile": {
        "settings": ("getParticipantSettings", _SPEAKER),
        "export": ("exportParticipant", _SPEAKER),
    },
    "leaseMessages": {
        "acknowledge": ("acknowledgeMessage", {"message_id": "$response.body#/messages/0/id"}),
    },
    "listPublicOutcomes": {
        "open": ("getPublicOutcome", {"slug": "$response.body#/outcomes/0/slug"}),
    },
}
# Links that pass the request body on, for operations whose body names the same person.
BODY_LINKS = {("subscribe", "stop"): {"participant": "$request.body#/participant"}}


def init_app(app: OpenAPI) -> None:
    """What the document says of the API as a whole, and how refused requests are answered."""
    app.info = INFO
    app.security_schemes = SECURITY_SCHEMES  # type: ignore[assignment]
    app.severs = [Server(url=PREFIX)]
    app.validation_error_model = Problem
    app.validation_error_callback = refused


def _links(op_id: str) -> dict[str, Any]:
    return {
        name: {
            "operationId": target,
            **({"parameters": parameters} if parameters else {}),
            **({"requestBody": BODY_LINKS[(op_id, name)]} if (op_id, name) in BODY_LINKS else {}),
        }
        for name, (target, parameters) in LINKS.get(op_id, {}).items()
    }


def _not_null(parameter: dict[str, Any]) -> None:
    """An optional header or query parameter is one that is left out; it is never ``null``."""
    schema = parameter.get("schema", {})
    options = [o for o in schema.get("anyOf", []) if o != {"type": "null"}]
    if len(options) == 1 and len(schema["anyOf"]) == 2:
        kept = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
        parameter["schema"] = {**kept, **options[0]}


def build(app: OpenAPI) -> dict[str, Any]:
    """The document as a dict: flask-openapi3's, completed."""
    doc = json.loads(json.dumps(app.api_doc))
    doc["paths"] = {
        path.removeprefix(PREFIX): item
        for path, item in doc["paths"].items()
        if path.startswith(PREFIX + "/")
    }
    for item in doc["paths"].values():
        for operation in item.values():
            operation.pop("tags", None)  # one API, one group: no "default" heading
            for parameter in operation.get("parameters", []):
                _not_null(parameter)
            operation.setdefault("parameters", []).append(ACCEPT_LANGUAGE)
            links = _links(operation.get("operationId", ""))
            if links:
                operation["responses"]["200"]["links"] = links
    return doc


def document(app: OpenAPI) -> bytes:
    """The document as JSON; made once per process, since the routes never change."""
    cached = app.extensions.get("youthvoice_openapi")
    if cached is None:
        cached = app.extensions["youthvoice_openapi"] = json.dumps(build(app)).encode()
    return bytes(cached)
