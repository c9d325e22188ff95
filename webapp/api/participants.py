"""Channel API for a participant's own settings: profile, opt-in, erasure; and the outbox."""

from __future__ import annotations

from flask import current_app, g
from werkzeug.wrappers import Response

from channel_api import payloads as p
from consultations import areas, privacy, services
from consultations.db import in_transaction
from consultations.errors import InvalidRequest, NotFound
from consultations.models import Participant
from feedback import outbox, subscriptions
from webapp.api.base import (
    READ,
    TOKEN,
    WRITE,
    _now,
    bp,
    participant_from,
    problems,
    reply,
    speaking_for,
)
from webapp.api.params import MessagePath, WhoHeaders, WhoQuery
from webapp.config import quiet_hours
from webapp.i18n import current_language


def _participant(who: p.Participant | tuple[str, str], *, create: bool) -> Participant | None:
    channel, user_id = who if isinstance(who, tuple) else speaking_for(who)
    key = current_app.config["PSEUDONYM_KEY"]
    if create:
        return services.participant_for(channel, user_id, key=key)
    return services.find_participant(channel, user_id, key=key)


def _settings(participant: Participant | None) -> p.ParticipantSettings:
    area = participant.area if participant else None
    return p.ParticipantSettings(
        known=participant is not None,
        age_band=participant.age_band if participant else None,
        area=area,
        area_name=areas.names().get(area) if area else None,
        subscribed=bool(participant and subscriptions.is_subscribed(participant)),
        topics=subscriptions.followed_topics(participant) if participant else [],
    )


@bp.get(
    "/participants/me",
    operation_id="getParticipantSettings",
    summary="A participant's profile and whether they opted in to messages",
    security=TOKEN,
    responses={200: p.ParticipantSettings, **problems(*READ)},
)
def participant_settings(header: WhoHeaders, query: WhoQuery) -> Response:
    participant = _participant(participant_from(header, query), create=False)
    return reply(_settings(participant))


@bp.get(
    "/participants/export",
    operation_id="exportParticipant",
    summary="A copy of everything held about a participant (subject access), to send to them",
    security=TOKEN,
    responses={200: p.ParticipantExport, **problems(*READ)},
)
def export_participant(header: WhoHeaders, query: WhoQuery) -> Response:
    """Subject access: the participant's own data, for their channel to send to them."""
    participant = _participant(participant_from(header, query), create=False)
    response = reply(p.ParticipantExport.model_validate(privacy.participant_export(participant)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post(
    "/participants/profile",
    operation_id="updateProfile",
    summary="Set the optional age band and area (each may be 'prefer_not_to_say')",
    description=(
        "An area that names no entry of GET /areas is refused (422) with a sentence that "
        "names a few entries to pick from; nothing is changed."
    ),
    security=TOKEN,
    responses={200: p.ParticipantSettings, **problems(*WRITE)},
)
def update_profile(body: p.ProfileChange) -> Response:
    def save() -> p.ParticipantSettings:
        participant = _participant(body.participant, create=True)
        assert participant is not None
        services.update_profile(participant, age_band=body.age_band, area=body.area)
        return _settings(participant)

    return reply(in_transaction(save))


@bp.post(
    "/subscriptions",
    operation_id="subscribe",
    summary="Opt in to messages, delivered to an address on the participant's channel",
    security=TOKEN,
    responses={200: p.ParticipantSettings, **problems(*WRITE)},
)
def subscribe(body: p.SubscriptionRequest) -> Response:
    def save() -> p.ParticipantSettings:
        participant = _participant(body.participant, create=True)
        assert participant is not None
        # The channel's Accept-Language: news comes in the language they chat in.
        subscriptions.subscribe(
            participant, address=str(body.address), now=_now(), language=current_language()
        )
        return _settings(participant)

    return reply(in_transaction(save))


@bp.post(
    "/subscriptions/stop",
    operation_id="unsubscribe",
    summary="Stop messages at once; the delivery address is forgotten",
    security=TOKEN,
    responses={200: p.ParticipantSettings, **problems(*WRITE)},
)
def unsubscribe(body: p.ForParticipant) -> Response:
    def save() -> p.ParticipantSettings:
        participant = _participant(body.participant, create=False)
        if participant is not None:
            subscriptions.unsubscribe(participant, now=_now())
        return _settings(participant)

    return reply(in_transaction(save))


@bp.post(
    "/participants/topics",
    operation_id="followTopics",
    summary="Choose the topics to hear about (an empty list: every topic); needs an opt-in",
    description=(
        "Replaces the last choice. Refused (422) for an unknown topic key, naming the known "
        "ones, and for someone who has not opted in to messages. Stopping messages deletes "
        "the choice."
    ),
    security=TOKEN,
    responses={200: p.ParticipantSettings, **problems(*WRITE)},
)
def follow_topics(body: p.TopicsChange) -> Response:
    def save() -> p.ParticipantSettings:
        participant = _participant(body.participant, create=False)
        if participant is None:
            raise InvalidRequest("Turn on messages first, then choose the topics to hear about.")
        subscriptions.follow_topics(participant, list(body.topics))
        return _settings(participant)

    return reply(in_transaction(save))


@bp.post(
    "/participants/forget",
    operation_id="forgetParticipant",
    summary="Erase everything about a participant (counts of closed consultations stay)",
    security=TOKEN,
    responses={200: p.Forgotten, **problems(*WRITE)},
)
def forget(body: p.ForParticipant) -> Response:
    def erase() -> bool:
        participant = _participant(body.participant, create=False)
        if participant is None:
            return False
        services.forget_participant(participant)
        return True

    return reply(p.Forgotten(forgotten=in_transaction(erase)))


@bp.post(
    "/outbox/lease",
    operation_id="leaseMessages",
    summary="Take due messages of the token's channel for a while; acknowledge each one",
    security=TOKEN,
    responses={200: p.Lease, **problems(*WRITE)},
)
def lease_messages(body: p.LeaseRequest) -> Response:
    leased = in_transaction(
        lambda: outbox.lease(
            g.channel,
            now=_now(),
            limit=body.limit,
            lease_seconds=body.lease_seconds,
            quiet=quiet_hours(current_app.config),
        )
    )
    return reply(
        p.Lease(
            messages=[
                p.LeasedMessage(
                    id=m.id,
                    idempotency_key=m.idempotency_key,
                    lease_token=m.lease_token,
                    address=m.address,
                    kind=m.kind,
                    text=m.text,
                    link=m.link,
                    attempts=m.attempts,
                    button=m.button,
                )
                for m in leased
            ]
        )
    )


@bp.post(
    "/outbox/held",
    operation_id="checkHeldMessages",
    summary="Which leased messages may still be sent: asked right before sending",
    description=(
        "Someone who says stop after a lease was taken has their pending messages dropped, "
        "and a lease that ran out has gone to another sender: neither is among the ids "
        "returned, and neither may be sent."
    ),
    security=TOKEN,
    responses={200: p.Held, **problems(*WRITE)},
)
def held_messages(body: p.HeldCheck) -> Response:
    leases = [(m.id, m.lease_token) for m in body.messages]
    held = in_transaction(lambda: outbox.still_held(leases, channel=g.channel))
    return reply(p.Held(held=sorted(held)))


@bp.post(
    "/outbox/<int:message_id>/ack",
    operation_id="acknowledgeMessage",
    summary="Report a leased message as sent, to retry later, blocked or failed",
    security=TOKEN,
    responses={200: p.Acknowledged, **problems(*WRITE, 404)},
)
def acknowledge_message(path: MessagePath, body: p.Acknowledgement) -> Response:
    def save() -> str:
        message = outbox.acknowledge(
            path.message_id,
            lease_token=body.lease_token,
            outcome=body.outcome,
            now=_now(),
            retry_after=body.retry_after,
            error=body.error,
        )
        if message.channel != g.channel:
            raise NotFound("No such outbox message.")
        return message.status.value

    return reply(p.Acknowledged(id=path.message_id, status=in_transaction(save)))
