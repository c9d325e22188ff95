"""Did it work? Counts of who each invitation and each "you said, we did" receipt reached.

Counts only, never who. "Started" is answering at least one question of the consultation
within 7 days of the invitation (a link that is opened but not answered leaves no trace,
by design); "finished" is the same test the reminder uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import and_, func, select

from consultations.db import db
from consultations.models import Consultation, Participation
from feedback.models import Invitation, OutboxMessage, OutboxStatus, ReceiptLink

STARTED_WITHIN = timedelta(days=7)


@dataclass(frozen=True)
class InvitationReach:
    invitation: Invitation
    queued: int
    sent: int
    # Not delivered: the person stopped or blocked us, or it kept failing.
    failed_or_blocked: int
    waiting: int
    started: int
    finished: int


def invitation_reach(consultation: Consultation) -> list[InvitationReach]:
    """Each invitation to ``consultation``, newest first, with its counts."""
    from feedback.reminders import finished_participants

    found = list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.consultation_id == consultation.id)
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        )
    )
    if not found:
        return []
    ids = [i.id for i in found]
    statuses: dict[int, dict[OutboxStatus, int]] = {i: {} for i in ids}
    for invitation_id, status, n in db.session.execute(
        select(OutboxMessage.invitation_id, OutboxMessage.status, func.count(OutboxMessage.id))
        .where(OutboxMessage.invitation_id.in_(ids))
        .group_by(OutboxMessage.invitation_id, OutboxMessage.status)
    ):
        if invitation_id is not None:
            statuses[invitation_id][status] = n
    started: dict[int, int] = {}
    for invitation in found:
        if invitation.queued_at is None:
            continue
        started[invitation.id] = (
            db.session.scalar(
                select(func.count(Participation.id))
                .join(
                    OutboxMessage,
                    and_(
                        OutboxMessage.participant_id == Participation.participant_id,
                        OutboxMessage.invitation_id == invitation.id,
                    ),
                )
                .where(
                    Participation.consultation_id == consultation.id,
                    Participation.created_at >= invitation.queued_at,
                    Participation.created_at <= invitation.queued_at + STARTED_WITHIN,
                )
            )
            or 0
        )
    done = finished_participants(consultation)
    finished: dict[int, int] = {
        invitation_id: n
        for invitation_id, n in db.session.execute(
            select(OutboxMessage.invitation_id, func.count(OutboxMessage.id))
            .where(OutboxMessage.invitation_id.in_(ids), OutboxMessage.participant_id.in_(done))
            .group_by(OutboxMessage.invitation_id)
        ).all()
        if invitation_id is not None
    }
    out = []
    for invitation in found:
        counts = statuses[invitation.id]
        out.append(
            InvitationReach(
                invitation,
                queued=sum(counts.values()),
                sent=counts.get(OutboxStatus.SENT, 0),
                failed_or_blocked=counts.get(OutboxStatus.DROPPED, 0),
                waiting=counts.get(OutboxStatus.PENDING, 0),
                started=started.get(invitation.id, 0),
                finished=finished.get(invitation.id, 0),
            )
        )
    return out


@dataclass(frozen=True)
class ReceiptReach:
    """Where the "you said, we did" receipts of one consultation got to, per channel."""

    delivered: dict[str, int] = field(default_factory=dict)
    waiting: dict[str, int] = field(default_factory=dict)
    not_delivered: dict[str, int] = field(default_factory=dict)
    receipt_links: int = 0


def receipt_reach(consultation: Consultation) -> ReceiptReach:
    delivered: dict[str, int] = {}
    waiting: dict[str, int] = {}
    failed: dict[str, int] = {}
    for channel, status, n in db.session.execute(
        select(OutboxMessage.channel, OutboxMessage.status, func.count(OutboxMessage.id))
        .where(
            OutboxMessage.consultation_id == consultation.id,
            OutboxMessage.idempotency_key.like(f"feedback:{consultation.id}:%"),
        )
        .group_by(OutboxMessage.channel, OutboxMessage.status)
    ):
        target = {OutboxStatus.SENT: delivered, OutboxStatus.PENDING: waiting}.get(status, failed)
        target[channel] = n
    links = (
        db.session.scalar(
            select(func.count(ReceiptLink.id))
            .join(Participation, Participation.participant_id == ReceiptLink.participant_id)
            .where(Participation.consultation_id == consultation.id)
        )
        or 0
    )
    return ReceiptReach(delivered, waiting, failed, links)


def shown(n: int, *, threshold: int, exact: bool) -> str:
    """A count as a role below officer may see it: small ones as "fewer than 5"."""
    if exact or n == 0 or n >= threshold:
        return str(n)
    return f"fewer than {threshold}"
