"""Channel API for a participant's own settings: profile, opt-in, erasure; and the outbox."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, jsonify, request
from werkzeug.wrappers import Response

from consultations import privacy, services
from consultations.db import in_transaction
from consultations.errors import InvalidAnswer, NotFound
from consultations.models import Participant
from feedback import outbox, subscriptions
from webapp.api import _json_body, _now, _participant_ref, bp, participant_from_request
from webapp.i18n import current_language


def _participant(raw: Any, *, create: bool) -> Participant | None:
    channel, user_id = _participant_ref(raw)
    key = current_app.config["PSEUDONYM_KEY"]
    if create:
        return services.participant_for(channel, user_id, key=key)
    return services.find_participant(channel, user_id, key=key)


def _settings(participant: Participant | None) -> dict[str, Any]:
    return {
        "known": participant is not None,
        "age_band": participant.age_band if participant else None,
        "area": participant.area if participant else None,
        "subscribed": bool(participant and subscriptions.is_subscribed(participant)),
    }


def _optional_str(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise InvalidAnswer(f"{name} must be a string.")
    return value


@bp.get("/participants/me")
def participant_settings() -> Response:
    channel, user_id = participant_from_request()
    participant = _participant({"channel": channel, "id": user_id}, create=False)
    return jsonify(_settings(participant))


@bp.get("/participants/export")
def export_participant() -> Response:
    """Subject access: the participant's own data, for their channel to send to them."""
    channel, user_id = participant_from_request()
    participant = _participant({"channel": channel, "id": user_id}, create=False)
    response = jsonify(privacy.participant_export(participant))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/participants/profile")
def update_profile() -> Response:
    body = _json_body()
    age_band, area = _optional_str(body, "age_band"), _optional_str(body, "area")

    def save() -> dict[str, Any]:
        participant = _participant(body.get("participant"), create=True)
        assert participant is not None
        services.update_profile(participant, age_band=age_band, area=area)
        return _settings(participant)

    return jsonify(in_transaction(save))


@bp.post("/subscriptions")
def subscribe() -> Response:
    body = _json_body()
    address = body.get("address")
    if not isinstance(address, str | int) or isinstance(address, bool):
        raise InvalidAnswer("address (where the channel delivers messages) is needed to opt in.")

    def save() -> dict[str, Any]:
        participant = _participant(body.get("participant"), create=True)
        assert participant is not None
        # The channel's Accept-Language: news comes in the language they chat in.
        subscriptions.subscribe(
            participant, address=str(address), now=_now(), language=current_language()
        )
        return _settings(participant)

    return jsonify(in_transaction(save))


@bp.post("/subscriptions/stop")
def unsubscribe() -> Response:
    body = _json_body()

    def save() -> dict[str, Any]:
        participant = _participant(body.get("participant"), create=False)
        if participant is not None:
            subscriptions.unsubscribe(participant, now=_now())
        return _settings(participant)

    return jsonify(in_transaction(save))


@bp.post("/participants/forget")
def forget() -> Response:
    body = _json_body()

    def erase() -> bool:
        participant = _participant(body.get("participant"), create=False)
        if participant is None:
            return False
        services.forget_participant(participant)
        return True

    return jsonify(forgotten=in_transaction(erase))


def _int(body: dict[str, Any], name: str, default: int) -> int:
    value = body.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidAnswer(f"{name} must be a whole number.")
    return value


@bp.post("/outbox/lease")
def lease_messages() -> Response:
    body = request.get_json(silent=True) or {}
    if not isinstance(body, dict):
        raise InvalidAnswer("Send a JSON object.")
    limit = _int(body, "limit", 100)
    seconds = _int(body, "lease_seconds", outbox.LEASE_SECONDS_DEFAULT)
    leased = in_transaction(
        lambda: outbox.lease(g.channel, now=_now(), limit=limit, lease_seconds=seconds)
    )
    return jsonify(
        messages=[
            {
                "id": m.id,
                "idempotency_key": m.idempotency_key,
                "lease_token": m.lease_token,
                "address": m.address,
                "kind": m.kind,
                "text": m.text,
                "link": m.link,
                "attempts": m.attempts,
            }
            for m in leased
        ]
    )


@bp.post("/outbox/<int:message_id>/ack")
def acknowledge_message(message_id: int) -> Response:
    body = _json_body()
    token, outcome = body.get("lease_token"), body.get("outcome")
    if not isinstance(token, str) or not isinstance(outcome, str):
        raise InvalidAnswer("lease_token and outcome are needed.")
    retry_after = body.get("retry_after", 0)
    if not isinstance(retry_after, int | float) or isinstance(retry_after, bool):
        raise InvalidAnswer("retry_after must be a number of seconds.")
    error = _optional_str(body, "error")

    def save() -> str:
        message = outbox.acknowledge(
            message_id,
            lease_token=token,
            outcome=outcome,
            now=_now(),
            retry_after=float(retry_after),
            error=error,
        )
        if message.channel != g.channel:
            raise NotFound("No such outbox message.")
        return message.status.value

    return jsonify(id=message_id, status=in_transaction(save))
