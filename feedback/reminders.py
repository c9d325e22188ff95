"""The "last chance" reminder: a set time before a consultation closes, to people invited
to it who started but did not finish (and, if the council wants, those who never started).

Never to anyone who finished, at most once per person per consultation (idempotency key
``remind:<consultation>:<participant>``), only while they still want messages, and within
the weekly cap like invitations. Queued by the scheduler in one INSERT … SELECT.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    insert,
    literal,
    not_,
    or_,
    select,
)
from sqlalchemy.sql.elements import ColumnElement

from consultations import translations
from consultations import words as wording
from consultations.db import db
from consultations.models import (
    Answer,
    Consultation,
    ConsultationStatus,
    Participant,
    Participation,
    Question,
)
from feedback.invitations import CHAT_CHANNELS, Links, in_their_language, link_and_button
from feedback.models import OutboxMessage, OutboxStatus, Subscription
from feedback.quiet_time import DEFAULT_PER_WEEK, recently_capped

KIND = "reminder"
DEFAULT_BEFORE = timedelta(hours=48)


def closing_soon(now: datetime, before: timedelta) -> list[Consultation]:
    """Open consultations that close within ``before`` from now."""
    return list(
        db.session.scalars(
            select(Consultation)
            .where(
                Consultation.status == ConsultationStatus.OPEN,
                Consultation.closes_at.is_not(None),
                Consultation.closes_at > now,
                Consultation.closes_at <= now + before,
            )
            .order_by(Consultation.closes_at, Consultation.id)
        )
    )


def _finishing_questions(consultation: Consultation) -> list[int]:
    """What a finished answer has: every required question and the last one.

    A chat asks one question at a time, so someone who stopped half way has not reached the
    last; the web form sends every answer at once and always counts as finished.
    """
    questions = list(
        db.session.execute(
            select(Question.id, Question.required)
            .where(Question.consultation_id == consultation.id)
            .order_by(Question.position)
        ).all()
    )
    needed = {qid for qid, required in questions if required}
    if questions:
        needed.add(questions[-1][0])
    return sorted(needed)


def _finished(consultation: Consultation) -> ColumnElement[bool]:
    needed = _finishing_questions(consultation)
    answered = (
        select(func.count(Answer.id))
        .where(Answer.participant_id == Participant.id, Answer.question_id.in_(needed))
        .scalar_subquery()
    )
    on_the_web = exists().where(
        Participation.consultation_id == consultation.id,
        Participation.participant_id == Participant.id,
        Participation.channel == "web",
    )
    return or_(on_the_web, answered >= len(needed))


def finished_participants(consultation: Consultation) -> Select[Any]:
    """A subquery of the participants who finished ``consultation`` (for the counts)."""
    return select(Participant.id).where(_finished(consultation))


def _started(consultation: Consultation) -> ColumnElement[bool]:
    return or_(
        exists().where(
            Participation.consultation_id == consultation.id,
            Participation.participant_id == Participant.id,
        ),
        exists().where(
            Answer.participant_id == Participant.id,
            Answer.question_id.in_(
                select(Question.id).where(Question.consultation_id == consultation.id)
            ),
        ),
    )


def _key(consultation: Consultation) -> ColumnElement[str]:
    return literal(f"remind:{consultation.id}:") + cast(Participant.id, String)


def queue_reminders(
    consultation: Consultation,
    *,
    now: datetime,
    links: Callable[[Consultation], Links],
    include_not_started: bool = False,
    per_week: int = DEFAULT_PER_WEEK,
) -> int:
    """Queue the last-chance reminder for ``consultation``; how many were written."""
    invited = exists().where(
        OutboxMessage.idempotency_key
        == literal(f"invite:{consultation.id}:") + cast(Participant.id, String)
    )
    started = _started(consultation)
    who = and_(
        invited,
        Subscription.active.is_(True),
        Subscription.address.is_not(None),
        not_(_finished(consultation)),
        not_(exists().where(OutboxMessage.idempotency_key == _key(consultation))),
        Participant.id.not_in(recently_capped(now, per_week)),
        *(() if include_not_started else (started,)),
    )
    closes = consultation.closes_at or now

    def words(lang: str, key: str, *, chat: bool) -> str:
        title = translations.translated(consultation, lang).youth_title
        line = wording.text(key, lang).format(
            title=title, date=wording.long_date(closes.date(), lang)
        )
        stop = wording.text("INVITATION_STOP_CHAT" if chat else "INVITATION_STOP_WEB", lang)
        return f"{line}\n{stop}"

    def by_language(key: str, *, chat: bool) -> ColumnElement[str]:
        return in_their_language(lambda lang: words(lang, key, chat=chat))

    is_chat = Subscription.channel.in_(CHAT_CHANNELS)
    text = case(
        (and_(started, is_chat), by_language("REMINDER_STARTED", chat=True)),
        (started, by_language("REMINDER_STARTED", chat=False)),
        (is_chat, by_language("REMINDER_NOT_STARTED", chat=True)),
        else_=by_language("REMINDER_NOT_STARTED", chat=False),
    )
    link = links(consultation)
    target, button = link_and_button(link)
    rows = (
        select(
            _key(consultation),
            Participant.id,
            Subscription.channel,
            literal(KIND),
            literal(consultation.id),
            text,
            target,
            button,
            literal(OutboxStatus.PENDING, OutboxMessage.status.type),
            literal(0),
            literal(now, OutboxMessage.available_at.type),
            literal(now, OutboxMessage.created_at.type),
        )
        .select_from(Participant)
        .join(Subscription, Subscription.participant_id == Participant.id)
        .where(who)
    )
    columns = [
        "idempotency_key",
        "participant_id",
        "channel",
        "kind",
        "consultation_id",
        "text",
        "link",
        "button",
        "status",
        "attempts",
        "available_at",
        "created_at",
    ]
    return len(
        db.session.execute(
            insert(OutboxMessage).from_select(columns, rows).returning(OutboxMessage.id)
        ).all()
    )
