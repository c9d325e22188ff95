"""The outbox: messages written with the change that caused them, sent by channel workers.

Writing is part of the caller's transaction, so a published result and its messages
commit together or not at all. Workers lease a batch, send, and acknowledge each row;
a worker that dies leaves its lease to run out, and only unacknowledged rows go again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update

from consultations.db import db
from consultations.errors import InvalidRequest, NotFound
from consultations.models import Consultation, Participant, Participation
from feedback.models import OutboxMessage, OutboxStatus, Subscription
from feedback.quiet_time import SAFEGUARDING_KINDS, QuietHours
from feedback.subscriptions import mark_blocked

LEASE_BATCH_MAX = 500
LEASE_SECONDS_DEFAULT = 60
# After this many failed tries (not counting "slow down" answers) a message is dropped.
MAX_ATTEMPTS = 8
ERROR_MAX = 200


def _not_yet_told(consultation: Consultation, key: str) -> dict[str, tuple[Participant, str, str]]:
    """Each opted-in participant the event ``key`` would still write to, by idempotency key."""
    rows = db.session.execute(
        select(Participant, Subscription.channel, Subscription.language)
        .join(Participation, Participation.participant_id == Participant.id)
        .join(Subscription, Subscription.participant_id == Participant.id)
        .where(Participation.consultation_id == consultation.id, Subscription.active.is_(True))
        .order_by(Participant.id)
    ).all()
    if not rows:
        return {}
    keys = {f"{key}:{p.id}": (p, channel, language or "en") for p, channel, language in rows}
    existing = set(
        db.session.scalars(
            select(OutboxMessage.idempotency_key).where(OutboxMessage.idempotency_key.in_(keys))
        )
    )
    return {idem: row for idem, row in keys.items() if idem not in existing}


# How a channel is named to the officer about to send on it ("280 on Telegram").
CHANNEL_NAMES = {
    "telegram": "on Telegram",
    "rasa": "on the chat assistant (web chat and other Rasa channels)",
    # The web's messages are browser notifications (Web Push).
    "web": "by browser notification",
    "terminal": "on the terminal chat",
}


def channel_words(by_channel: dict[str, int]) -> list[str]:
    """ "280 on Telegram", one per channel, largest first."""
    ordered = sorted(by_channel.items(), key=lambda kv: (-kv[1], kv[0]))
    return [f"{n} {CHANNEL_NAMES.get(channel, f'on {channel}')}" for channel, n in ordered]


@dataclass(frozen=True)
class Audience:
    """Who an event would message now: how many people, on which channels.

    ``receipt_links`` counts those who can read it on their private receipt link, whether
    or not they also get a message: that page is never sent, it is there when they look.
    """

    by_channel: dict[str, int]
    receipt_links: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_channel.values())

    def channel_words(self) -> list[str]:
        return channel_words(self.by_channel)


def audience(consultation: Consultation, *, key: str) -> Audience:
    """Who ``notify_participants`` with this ``key`` would write to if it ran now."""
    counted: dict[str, int] = {}
    for _, channel, _ in _not_yet_told(consultation, key).values():
        counted[channel] = counted.get(channel, 0) + 1
    return Audience(counted)


def notify_participants(
    consultation: Consultation,
    *,
    kind: str,
    key: str,
    render: Callable[[str], str],
    now: datetime,
    link: str | None = None,
) -> int:
    """Queue one message for every opted-in participant who took part in ``consultation``.

    ``key`` names the event (say ``results:<slug>``); with the participant it makes the
    idempotency key, so running the same event twice writes nothing new. ``render`` gets the
    language the person chose (en, pl, ur) and is called once per language. Returns how
    many messages were written.
    """
    keys = _not_yet_told(consultation, key)
    texts: dict[str, str] = {}
    written = 0
    for idem, (participant, channel, language) in keys.items():
        if language not in texts:
            texts[language] = render(language)
        db.session.add(
            OutboxMessage(
                idempotency_key=idem,
                participant_id=participant.id,
                channel=channel,
                kind=kind,
                consultation_id=consultation.id,
                text=texts[language],
                link=link,
                available_at=now,
                created_at=now,
            )
        )
        written += 1
    db.session.flush()
    return written


@dataclass(frozen=True)
class Leased:
    """A message a worker now holds: send ``text`` to ``address`` and acknowledge."""

    id: int
    idempotency_key: str
    lease_token: str
    address: str
    kind: str
    text: str
    link: str | None
    attempts: int
    # Web Push only: the browser's keys that encrypt the message (JSON).
    push_keys: str | None = None
    # Words for a button that opens ``link`` (Telegram invitations).
    button: str | None = None


def lease(
    channel: str,
    *,
    now: datetime,
    limit: int = 100,
    lease_seconds: int = LEASE_SECONDS_DEFAULT,
    quiet: QuietHours | None = None,
) -> list[Leased]:
    """Take up to ``limit`` due messages of ``channel`` for ``lease_seconds``.

    In ``quiet`` hours only a safeguarding reply is handed out; everything else waits, in
    the order it was queued, until they end.

    On PostgreSQL rows are picked with ``FOR UPDATE SKIP LOCKED`` so any number of workers
    share a broadcast without waiting on each other; on both engines the lease is taken by
    a guarded UPDATE, so two workers can never hold the same row.
    """
    if not 1 <= limit <= LEASE_BATCH_MAX:
        raise InvalidRequest(f"limit must be between 1 and {LEASE_BATCH_MAX}.")
    if not 5 <= lease_seconds <= 3600:
        raise InvalidRequest("lease_seconds must be between 5 and 3600.")
    free = or_(OutboxMessage.leased_until.is_(None), OutboxMessage.leased_until < now)
    due = and_(
        OutboxMessage.status == OutboxStatus.PENDING,
        OutboxMessage.channel == channel,
        OutboxMessage.available_at <= now,
        free,
    )
    if quiet is not None and quiet.is_quiet(now):
        due = and_(due, OutboxMessage.kind.in_(SAFEGUARDING_KINDS))
    pick = (
        select(OutboxMessage.id)
        .join(Subscription, Subscription.participant_id == OutboxMessage.participant_id)
        .where(due, Subscription.active.is_(True))
        .order_by(OutboxMessage.available_at, OutboxMessage.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True, of=OutboxMessage)
    ids = list(db.session.scalars(pick))
    if not ids:
        return []
    token = str(uuid.uuid4())
    taken = set(
        db.session.scalars(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), due)
            .values(
                leased_until=now + timedelta(seconds=lease_seconds),
                lease_token=token,
                attempts=OutboxMessage.attempts + 1,
            )
            .returning(OutboxMessage.id)
        )
    )
    rows = db.session.execute(
        select(OutboxMessage, Subscription.address, Subscription.push_keys)
        .join(Subscription, Subscription.participant_id == OutboxMessage.participant_id)
        .where(OutboxMessage.id.in_(taken))
        .order_by(OutboxMessage.available_at, OutboxMessage.id)
        .execution_options(populate_existing=True)
    ).all()
    return [
        Leased(
            id=m.id,
            idempotency_key=m.idempotency_key,
            lease_token=token,
            address=address or "",
            kind=m.kind,
            text=m.text,
            link=m.link,
            attempts=m.attempts,
            push_keys=keys,
            button=m.button,
        )
        for m, address, keys in rows
    ]


class Outcome:
    """What a worker reports for one leased message."""

    SENT = "sent"
    RETRY = "retry"
    BLOCKED = "blocked"
    FAILED = "failed"
    ALL = (SENT, RETRY, BLOCKED, FAILED)


def acknowledge(
    message_id: int,
    *,
    lease_token: str,
    outcome: str,
    now: datetime,
    retry_after: float = 0.0,
    error: str | None = None,
) -> OutboxMessage:
    """Record what happened to a leased message.

    ``retry`` (Telegram's 429) puts it back after ``retry_after`` seconds without counting
    against it; ``failed`` retries with back-off until ``MAX_ATTEMPTS``; ``blocked`` ends the
    subscription. A stale lease token (the lease ran out and another worker took the row)
    is refused so the row's state stays with its current holder.
    """
    if outcome not in Outcome.ALL:
        raise InvalidRequest(f"outcome must be one of {', '.join(Outcome.ALL)}.")
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound("No such outbox message.")
    if message.status is not OutboxStatus.PENDING:
        return message  # already settled: acknowledging twice is harmless
    if message.lease_token != lease_token:
        raise InvalidRequest("This lease has run out; the message belongs to another worker.")
    message.leased_until = None
    message.last_error = (error or "")[:ERROR_MAX] or None
    if outcome == Outcome.SENT:
        message.status = OutboxStatus.SENT
        message.sent_at = now
    elif outcome == Outcome.RETRY:
        message.attempts = max(0, message.attempts - 1)
        message.available_at = now + timedelta(seconds=max(0.0, min(retry_after, 3600.0)))
    elif outcome == Outcome.BLOCKED:
        message.status = OutboxStatus.DROPPED
        mark_blocked(message.participant_id, now=now)
    elif message.attempts >= MAX_ATTEMPTS:
        message.status = OutboxStatus.DROPPED
    else:
        message.available_at = now + timedelta(seconds=min(2**message.attempts, 600))
    db.session.flush()
    return message


def _by_token(leases: Sequence[tuple[int, str]]) -> dict[str, list[int]]:
    """(id, lease token) pairs grouped by token: one statement per lease, not per message."""
    grouped: dict[str, list[int]] = {}
    for message_id, token in leases:
        grouped.setdefault(token, []).append(message_id)
    return grouped


def acknowledge_sent(leases: Sequence[tuple[int, str]], *, now: datetime) -> set[int]:
    """Record many leased messages as sent in one statement; the ids it recorded.

    The same rule as ``acknowledge`` for each (id, lease token): only a pending row still
    held under that token changes, so a row whose lease ran out and went to another worker,
    or one already settled, is left as it is and is not among the ids returned. A worker
    sending hundreds a second pays one round trip per batch instead of two per message.
    """
    if not leases:
        return set()
    recorded: set[int] = set()
    for token, ids in _by_token(leases).items():
        recorded.update(
            db.session.scalars(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id.in_(ids),
                    OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.lease_token == token,
                )
                .values(status=OutboxStatus.SENT, sent_at=now, leased_until=None, last_error=None)
                .returning(OutboxMessage.id)
            )
        )
    return recorded


def still_held(leases: Sequence[tuple[int, str]], *, channel: str | None = None) -> set[int]:
    """Of these (id, lease token) pairs, the ids still pending under that very lease.

    A sender asks right before it sends: someone who said stop since the lease was taken has
    had their pending messages dropped, and a lease that ran out has gone to another worker,
    so neither is among the ids returned and neither may be sent. ``channel`` keeps a channel's
    token to its own messages.
    """
    if not leases:
        return set()
    held: set[int] = set()
    for token, ids in _by_token(leases).items():
        query = select(OutboxMessage.id).where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.lease_token == token,
        )
        if channel is not None:
            query = query.where(OutboxMessage.channel == channel)
        held.update(db.session.scalars(query))
    return held


def queued_by_channel(key_prefix: str) -> dict[str, int]:
    """How many messages of one event (idempotency keys ``<key_prefix>:<participant>``) were
    queued on each channel."""
    from sqlalchemy import func

    rows = db.session.execute(
        select(OutboxMessage.channel, func.count(OutboxMessage.id))
        .where(OutboxMessage.idempotency_key.like(f"{key_prefix}:%"))
        .group_by(OutboxMessage.channel)
    ).all()
    return {channel: n for channel, n in rows}


def pending_count(channel: str | None = None) -> int:
    from sqlalchemy import func

    query = select(func.count()).where(OutboxMessage.status == OutboxStatus.PENDING)
    if channel:
        query = query.where(OutboxMessage.channel == channel)
    return db.session.scalar(query) or 0


def messages_for(participant_ids: Sequence[int]) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.participant_id.in_(participant_ids))
            .order_by(OutboxMessage.id)
        )
    )
