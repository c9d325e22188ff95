"""Opting in and out of messages, and the topics to hear about. Off by default; stopping
takes effect at once and deletes what only messages needed: the address, the browser's
push keys, the language messages were written in, and the topics followed. The age band
and area stay, because they are part of how their answers are counted, not of messages.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any, cast

from sqlalchemy import CursorResult, delete, insert, select, update

from consultations import privacy, words
from consultations.db import db
from consultations.errors import InvalidRequest
from consultations.models import FollowedTopic, Participant, Theme
from feedback.models import OutboxMessage, OutboxStatus, Subscription

ADDRESS_MAX = 128
# A Web Push endpoint is a URL; browsers' push services give a few hundred characters.
PUSH_ENDPOINT_MAX = 1024


def subscription_of(participant: Participant) -> Subscription | None:
    return db.session.scalar(
        select(Subscription).where(Subscription.participant_id == participant.id)
    )


def is_subscribed(participant: Participant) -> bool:
    found = subscription_of(participant)
    return found is not None and found.active


def subscribe(
    participant: Participant,
    *,
    address: str,
    now: datetime,
    language: str | None = None,
    push_keys: str | None = None,
) -> Subscription:
    """Opt in to messages on the participant's own channel, delivered to ``address``.

    ``language`` is the one their messages are written in; subscribing again changes it.
    ``push_keys`` come with a Web Push endpoint (see ``feedback.web_push``).
    """
    address = str(address).strip()
    limit = PUSH_ENDPOINT_MAX if push_keys else ADDRESS_MAX
    if not address or len(address) > limit:
        raise InvalidRequest(f"A delivery address of up to {limit} characters is needed to opt in.")
    found = subscription_of(participant)
    if found is None:
        found = Subscription(participant_id=participant.id, channel=participant.channel)
        db.session.add(found)
    found.address = address
    found.push_keys = push_keys
    found.language = language if language and language != "en" else None
    found.active = True
    found.ended_reason = None
    found.changed_at = now
    db.session.flush()
    return found


def _end(participant_id: int, *, reason: str, now: datetime) -> bool:
    # An UPDATE's result is a CursorResult, which counts the rows it changed.
    ended = cast(
        CursorResult[Any],
        db.session.execute(
            update(Subscription)
            .where(Subscription.participant_id == participant_id, Subscription.active.is_(True))
            .values(
                active=False,
                address=None,
                push_keys=None,
                language=None,
                ended_reason=reason,
                changed_at=now,
            )
        ),
    ).rowcount
    db.session.execute(delete(FollowedTopic).where(FollowedTopic.participant_id == participant_id))
    # Whatever was still waiting for them will not be sent.
    db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.participant_id == participant_id,
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(status=OutboxStatus.DROPPED, last_error=reason, leased_until=None)
    )
    return bool(ended)


def unsubscribe(participant: Participant, *, now: datetime) -> bool:
    """Stop messages now; the address is forgotten. True if they were subscribed."""
    return _end(participant.id, reason="stopped", now=now)


def mark_blocked(participant_id: int, *, now: datetime) -> None:
    """The channel says the person blocked us: stop trying, forget the address."""
    _end(participant_id, reason="blocked", now=now)


def topic_choices() -> list[Theme]:
    """Every topic that can be followed: the strategy's themes, in its order."""
    return list(db.session.scalars(select(Theme).order_by(Theme.position, Theme.id)))


def followed_topics(participant: Participant) -> list[str]:
    """The keys of the topics they follow, in the strategy's order (none: every topic)."""
    return [theme.key for theme in privacy.followed_themes(participant)]


def unknown_topic_words(themes: list[Theme], lang: str | None = None) -> str:
    """The refusal of a topic not on the list, naming those that are in young people's words."""
    return words.unknown_topic([words.topic_words(t.key, t.name, lang) for t in themes], lang)


def follow_topics(participant: Participant, topics: list[str]) -> list[str]:
    """Hear about these topics only (an empty list: every topic); replaces the last choice.

    Only for someone who opted in: topics are kept for messages and for nothing else.
    """
    choices = topic_choices()
    themes = {t.key: t.id for t in choices}
    wanted = sorted({str(t).strip() for t in topics if str(t).strip()})
    unknown = [t for t in wanted if t not in themes]
    if unknown:
        raise InvalidRequest(
            unknown_topic_words(choices), said=partial(unknown_topic_words, choices)
        )
    db.session.execute(delete(FollowedTopic).where(FollowedTopic.participant_id == participant.id))
    # Locked, so a stop at the same moment either comes first (and this is refused) or
    # waits for this and then deletes what it wrote: topics never outlive the opt-in.
    active = db.session.scalar(
        select(Subscription.active)
        .where(Subscription.participant_id == participant.id)
        .with_for_update()
    )
    if not active:
        raise InvalidRequest("Turn on messages first, then choose the topics to hear about.")
    if wanted:
        db.session.execute(
            insert(FollowedTopic),
            [{"participant_id": participant.id, "theme_id": themes[t]} for t in wanted],
        )
    db.session.flush()
    return followed_topics(participant)
