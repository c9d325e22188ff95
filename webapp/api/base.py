"""The API blueprint and what its route modules share: tokens, problems and replies."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from flask import current_app, g, request
from flask_babel import gettext
from flask_openapi3 import APIBlueprint
from flask_openapi3.types import ResponseDict
from pydantic import BaseModel
from werkzeug.wrappers import Response

from channel_api import payloads as p
from consultations.errors import InvalidRequest
from webapp.api.params import WhoHeaders, WhoQuery
from webapp.api.problems import N_
from webapp.errors import problem

bp = APIBlueprint("api", __name__)

PUBLIC_ENDPOINTS = {
    "api.openapi",
    "api.public_outcomes",
    "api.public_outcome",
    "api.public_late",
    "api.list_areas",
    "api.list_topics",
}
TOKEN: list[dict[str, list[str]]] = [{"channelToken": []}]
NO_TOKEN: list[dict[str, list[str]]] = []


def problems(*statuses: int) -> ResponseDict:
    """Responses that are problem documents; every route may also be refused 422 and 429."""
    return {
        status: {
            "description": PROBLEM_WHEN[status],
            "content": {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            },
        }
        for status in sorted({*statuses, 422, 429})
    }


PROBLEM_WHEN = {
    401: "No channel token, or a wrong one",
    404: "Nothing by that name",
    409: "The consultation is closed, or an access code was already used",
    413: "A body over 256 KiB",
    422: "The request does not fit this description, or the service refused it",
    429: "Too many requests; Retry-After says when to try again",
}
# What token routes, reads and writes can be refused with, besides 422 and 429.
READ = (401,)
READ_ONE = (401, 404)
WRITE = (401, 413)


def reply(model: BaseModel) -> Response:
    """A response shaped by its model; fields left unset (an absent ``support``) are left out."""
    return current_app.response_class(
        model.model_dump_json(exclude_unset=True), mimetype="application/json"
    )


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
            401,
            N_("Unauthorized"),
            N_("Send a channel token as 'Authorization: Bearer <token>'."),
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="youthvoice"'
        return response
    g.channel = channel
    return None


def speaking_for(who: p.Participant) -> tuple[str, str]:
    """The (channel, id) a request speaks for; a token may speak only for its own channel."""
    if who.channel != g.channel:
        raise InvalidRequest(
            gettext("This token can only answer for the %(channel)s channel.", channel=g.channel)
        )
    return who.channel, who.id


def participant_from(header: WhoHeaders, query: WhoQuery) -> tuple[str, str]:
    """Who a GET speaks for: the X-Participant-* headers, or ``?channel=&id=``."""
    channel, user_id = header.channel or query.channel, header.id or query.id
    if channel is None or user_id is None:
        raise InvalidRequest(
            gettext(
                "Say who this is for: the %(channel)s and %(id)s headers.",
                channel=p.PARTICIPANT_CHANNEL_HEADER,
                id=p.PARTICIPANT_ID_HEADER,
            )
        )
    return speaking_for(p.Participant.model_construct(channel=channel, id=user_id))
