"""Writing and publishing "you said, we did", and telling everyone who took part.

Every write goes through here, is written to the audit log, and only flushes: the edge
commits once, so published feedback and its outbox messages land together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from consultations import audit, translations, words
from consultations.db import db
from consultations.errors import IllegalTransition, InvalidEdit, NotFound
from consultations.models import (
    Answer,
    Consultation,
    ConsultationStatus,
    Participant,
    Participation,
    QuestionKind,
)
from consultations.moderation import publishable_text
from consultations.staff_models import User
from feedback.loop_models import (
    Outcome,
    ProgressUpdate,
    PublishedQuote,
    Recommendation,
    WeDidItem,
    WeDidStatus,
)
from feedback.models import OutboxMessage, ReceiptLink
from feedback.outbox import Audience, audience, notify_participants, queued_by_channel

YOU_SAID_MAX = 3000
ACTION_MAX = 300
PARTNER_MAX = 200
QUOTE_MAX = 500
# Telegram allows 4096 characters; a receipt stays well under that.
RECEIPT_MAX = 3500
MESSAGE_KIND = "feedback"


def outcome_of(consultation: Consultation) -> Outcome | None:
    return db.session.scalar(select(Outcome).where(Outcome.consultation_id == consultation.id))


def items_of(consultation: Consultation) -> list[WeDidItem]:
    return list(
        db.session.scalars(
            select(WeDidItem)
            .where(WeDidItem.consultation_id == consultation.id)
            .options(selectinload(WeDidItem.updates))
            .order_by(WeDidItem.id)
        )
    )


def quotes_of(consultation: Consultation) -> list[PublishedQuote]:
    return list(
        db.session.scalars(
            select(PublishedQuote)
            .where(PublishedQuote.consultation_id == consultation.id)
            .order_by(PublishedQuote.id)
        )
    )


def item_for_editing(item_id: int) -> WeDidItem:
    item = db.session.get(WeDidItem, item_id)
    if item is None:
        raise NotFound("There is no such “we did” item.")
    return item


def is_finished(consultation: Consultation, now: datetime) -> bool:
    """Closed, or past its closing time: feedback can be written for it."""
    if consultation.status is ConsultationStatus.CLOSED:
        return True
    return (
        consultation.status is ConsultationStatus.OPEN
        and consultation.closes_at is not None
        and consultation.closes_at <= now
    )


def _clean(text: str | None, *, limit: int, what: str, required: bool = True) -> str:
    # Browsers send a form's line breaks as CRLF: stored as they came, every break would count
    # twice against the limit and reach chat channels as stray carriage returns.
    cleaned = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if required and not cleaned:
        raise InvalidEdit(f"Write the {what}.")
    if len(cleaned) > limit:
        raise InvalidEdit(f"The {what} can be up to {limit} characters.")
    return cleaned


def save_you_said(
    actor: User | None, consultation: Consultation, you_said: str, *, now: datetime
) -> Outcome:
    """Write (or rewrite) the plain summary of what young people said."""
    if not is_finished(consultation, now):
        raise IllegalTransition("Write feedback once the consultation has closed.")
    text = _clean(you_said, limit=YOU_SAID_MAX, what="“you said” summary")
    outcome = outcome_of(consultation)
    if outcome is None:
        outcome = Outcome(consultation_id=consultation.id, created_at=now)
        db.session.add(outcome)
    outcome.you_said = text
    outcome.updated_at = now
    db.session.flush()
    audit.record(actor, "wrote_you_said", "consultation", consultation.id, now=now)
    return outcome


def _parse_status(status: str | WeDidStatus) -> WeDidStatus:
    try:
        return WeDidStatus(status)
    except ValueError:
        raise InvalidEdit("Choose planned, in progress, done or not possible.") from None


def _check_reason(status: WeDidStatus, reason: str) -> None:
    if status is WeDidStatus.NOT_POSSIBLE and not reason:
        raise InvalidEdit("Say why it is not possible: young people deserve the reason.")


def add_we_did(
    actor: User | None,
    consultation: Consultation,
    *,
    action: str,
    partner: str,
    status: str | WeDidStatus = WeDidStatus.PLANNED,
    reason: str = "",
    due_date: date | None = None,
    now: datetime,
    link: str | None = None,
    recommendation: Recommendation | None = None,
) -> WeDidItem:
    """Add one "we did" item; once feedback is published, everyone who took part hears of it."""
    chosen = _parse_status(status)
    reason = _clean(reason, limit=YOU_SAID_MAX, what="reason", required=False)
    _check_reason(chosen, reason)
    item = WeDidItem(
        consultation_id=consultation.id,
        action=_clean(action, limit=ACTION_MAX, what="action"),
        partner=_clean(partner, limit=PARTNER_MAX, what="partner responsible"),
        status=chosen,
        reason=reason,
        due_date=due_date,
        recommendation_id=recommendation.id if recommendation else None,
        created_at=now,
        updated_at=now,
    )
    db.session.add(item)
    db.session.flush()
    update = ProgressUpdate(
        item_id=item.id,
        status=chosen,
        note=reason,
        author_id=actor.id if actor else None,
        at=now,
    )
    db.session.add(update)
    db.session.flush()
    audit.record(actor, "added_we_did", "we_did_item", item.id, now=now, detail=chosen.value)
    outcome = outcome_of(consultation)
    if outcome is not None and outcome.is_published:
        _notify_change(consultation, item, update, now=now, link=link)
    return item


def update_status(
    actor: User | None,
    item: WeDidItem,
    *,
    status: str | WeDidStatus,
    note: str = "",
    now: datetime,
    link: str | None = None,
) -> ProgressUpdate:
    """Record progress; a new status is sent to everyone who took part (once per change)."""
    chosen = _parse_status(status)
    note = _clean(note, limit=YOU_SAID_MAX, what="note", required=False)
    changed = chosen is not item.status
    if not changed and not note:
        raise InvalidEdit("Choose a new status or write what has happened.")
    _check_reason(chosen, note if changed else item.reason or note)
    update = ProgressUpdate(
        item_id=item.id, status=chosen, note=note, author_id=actor.id if actor else None, at=now
    )
    db.session.add(update)
    if changed:
        item.status = chosen
        if chosen is WeDidStatus.NOT_POSSIBLE:
            item.reason = note
    item.updated_at = now
    db.session.flush()
    audit.record(actor, "updated_we_did", "we_did_item", item.id, now=now, detail=chosen.value)
    outcome = outcome_of(item.consultation)
    if changed and outcome is not None and outcome.is_published:
        _notify_change(item.consultation, item, update, now=now, link=link)
    return update


def ready_to_publish(consultation: Consultation) -> tuple[Outcome, list[WeDidItem]]:
    """The feedback and its items, or why it cannot be published yet."""
    outcome = outcome_of(consultation)
    if outcome is None or not outcome.you_said:
        raise IllegalTransition("Write the “you said” summary before publishing.")
    if outcome.is_published:
        raise IllegalTransition("This feedback is already published.")
    items = items_of(consultation)
    if not items:
        raise IllegalTransition("Add at least one “we did” item before publishing.")
    return outcome, items


def _feedback_key(consultation: Consultation) -> str:
    return f"feedback:{consultation.id}"


def feedback_audience(consultation: Consultation) -> Audience:
    """Who publishing now would send a receipt to, per channel, and who keeps a receipt link
    (for the officer's confirmation)."""
    links = (
        db.session.scalar(
            select(func.count(ReceiptLink.id))
            .join(Participation, Participation.participant_id == ReceiptLink.participant_id)
            .where(Participation.consultation_id == consultation.id)
        )
        or 0
    )
    found = audience(consultation, key=_feedback_key(consultation))
    return Audience(found.by_channel, receipt_links=links)


def publish_feedback(
    actor: User | None, consultation: Consultation, *, now: datetime, link: str | None = None
) -> int:
    """Publish "you said, we did" and queue a personal receipt for everyone who opted in.

    Returns how many messages were queued. Publishing twice is refused; later news goes
    out through ``add_we_did`` and ``update_status``.
    """
    outcome, items = ready_to_publish(consultation)
    outcome.published_at = now
    outcome.published_by_id = actor.id if actor else None
    db.session.flush()
    audit.record(actor, "published_feedback", "consultation", consultation.id, now=now)
    return notify_participants(
        consultation,
        kind=MESSAGE_KIND,
        key=_feedback_key(consultation),
        render=lambda language: receipt_text(consultation, outcome, items, language),
        now=now,
        link=link,
    )


def _item_line(item: WeDidItem, language: str = "en") -> str:
    status = words.text(f"STATUS_{item.status.name}", language)
    line = f"• {item.action} ({item.partner}): {status}"
    if item.status is WeDidStatus.NOT_POSSIBLE and item.reason:
        line += words.text("BECAUSE", language).format(reason=item.reason)
    return line


def receipt_text(
    consultation: Consultation, outcome: Outcome, items: list[WeDidItem], language: str = "en"
) -> str:
    """The personal receipt: how many answered, what they said, and what is being done.

    The frame is in the person's language; what officers wrote stays as they wrote it.
    """
    n = consultation.respondent_count
    title = translations.translated(consultation, language).youth_title
    head = words.text("RECEIPT_THANKS", language).format(title=title)
    if n > 0:
        head += " " + words.counted("RECEIPT_ONE_OF", n, language)
    you_said = words.text("RECEIPT_YOU_SAID", language).format(summary=outcome.you_said)
    we_did = words.text("RECEIPT_WE_DID", language)
    body = f"{head}\n\n{you_said}\n\n{we_did}\n" + "\n".join(_item_line(i, language) for i in items)
    return body if len(body) <= RECEIPT_MAX else body[: RECEIPT_MAX - 1] + "…"


def _notify_change(
    consultation: Consultation,
    item: WeDidItem,
    update: ProgressUpdate,
    *,
    now: datetime,
    link: str | None,
) -> int:
    def render(language: str) -> str:
        title = translations.translated(consultation, language).youth_title
        text = words.text("NEWS_ON", language).format(title=title)
        text += f"\n{_item_line(item, language)}"
        if update.note and item.status is not WeDidStatus.NOT_POSSIBLE:
            text += f"\n{update.note}"
        return text[:RECEIPT_MAX]

    return notify_participants(
        consultation,
        kind=MESSAGE_KIND,
        # One key per recorded change: each change is news once, never twice.
        key=f"feedback-update:{update.id}",
        render=render,
        now=now,
        link=link,
    )


def quote_draft(answer: Answer) -> str:
    """What an officer starts from when quoting: the moderated words, never the original."""
    return publishable_text(answer) or ""


def quotable_answer(answer_id: int) -> Answer:
    answer = db.session.scalar(
        select(Answer).where(Answer.id == answer_id).options(selectinload(Answer.question))
    )
    if answer is None or answer.text is None or answer.question.kind is not QuestionKind.FREE_TEXT:
        raise NotFound("There is no such written answer.")
    return answer


def mark_quote(
    actor: User, answer_id: int, *, text: str | None = None, now: datetime
) -> PublishedQuote:
    """Mark a written answer for publication, keeping the words as published.

    An officer may trim it (to take out a name, say) but not add to it.
    """
    answer = quotable_answer(answer_id)
    approved = publishable_text(answer)
    if approved is None:
        # Moderation stands in front of every public word: personal details are taken out
        # and a moderator has agreed it may be shown.
        raise IllegalTransition("Only answers approved in moderation can be quoted.")
    words = _clean(text if text is not None else approved, limit=QUOTE_MAX, what="quote")
    existing = db.session.scalar(
        select(PublishedQuote).where(PublishedQuote.answer_id == answer.id)
    )
    quote = existing or PublishedQuote(
        answer_id=answer.id,
        consultation_id=answer.question.consultation_id,
        question_id=answer.question_id,
    )
    quote.text = words
    quote.marked_by_id = actor.id
    quote.marked_at = now
    if existing is None:
        db.session.add(quote)
    db.session.flush()
    audit.record(actor, "published_quote", "answer", answer.id, now=now)
    return quote


def unmark_quote(actor: User, quote_id: int, *, now: datetime) -> None:
    quote = db.session.get(PublishedQuote, quote_id)
    if quote is None:
        raise NotFound("There is no such published quote.")
    answer_id = quote.answer_id
    db.session.delete(quote)
    db.session.flush()
    audit.record(actor, "unpublished_quote", "answer", answer_id, now=now)


def quoted_answer_ids(consultation: Consultation) -> set[int]:
    return {q.answer_id for q in quotes_of(consultation)}


@dataclass
class BoardEntry:
    """One consultation on the "you said, we did" board."""

    consultation: Consultation
    outcome: Outcome | None
    items: list[WeDidItem]
    overdue: bool

    @property
    def published(self) -> bool:
        return self.outcome is not None and self.outcome.is_published


def is_overdue(consultation: Consultation, outcome: Outcome | None, today: date) -> bool:
    """Feedback is late once its due date has passed with nothing published."""
    if consultation.feedback_due is None or consultation.status is ConsultationStatus.DRAFT:
        return False
    if outcome is not None and outcome.is_published:
        return False
    return today > consultation.feedback_due


def board(now: datetime, *, consultation: Consultation | None = None) -> list[BoardEntry]:
    """Finished consultations with their feedback (or the lack of it), newest first."""
    query = (
        select(Consultation)
        .where(
            Consultation.status != ConsultationStatus.DRAFT,
            Consultation.is_live_poll.is_(False),
        )
        .order_by(Consultation.closes_at.desc(), Consultation.id.desc())
    )
    if consultation is not None:
        query = query.where(Consultation.id == consultation.id)
    finished = [c for c in db.session.scalars(query) if is_finished(c, now)]
    if not finished:
        return []
    ids = [c.id for c in finished]
    outcomes = {
        o.consultation_id: o
        for o in db.session.scalars(select(Outcome).where(Outcome.consultation_id.in_(ids)))
    }
    items: dict[int, list[WeDidItem]] = {i: [] for i in ids}
    for item in db.session.scalars(
        select(WeDidItem)
        .where(WeDidItem.consultation_id.in_(ids))
        .options(selectinload(WeDidItem.updates))
        .order_by(WeDidItem.id)
    ):
        items[item.consultation_id].append(item)
    today = now.date()
    return [
        BoardEntry(c, outcomes.get(c.id), items[c.id], is_overdue(c, outcomes.get(c.id), today))
        for c in finished
    ]


def entry_of(consultation: Consultation, now: datetime) -> BoardEntry | None:
    """One consultation's place on the board; None while it has not finished."""
    if not is_finished(consultation, now):
        return None
    entries = board(now, consultation=consultation)
    return entries[0] if entries else None


def _published_entries(*, participant: Participant | None = None, limit: int) -> list[BoardEntry]:
    query = (
        select(Consultation, Outcome)
        .join(Outcome, Outcome.consultation_id == Consultation.id)
        .where(Outcome.published_at.is_not(None))
        .order_by(Outcome.published_at.desc(), Consultation.id.desc())
        .limit(limit)
    )
    if participant is not None:
        query = query.join(
            Participation,
            (Participation.consultation_id == Consultation.id)
            & (Participation.participant_id == participant.id),
        )
    rows = db.session.execute(query).all()
    items: dict[int, list[WeDidItem]] = {c.id: [] for c, _ in rows}
    if items:
        for item in db.session.scalars(
            select(WeDidItem)
            .where(WeDidItem.consultation_id.in_(list(items)))
            .order_by(WeDidItem.id)
        ):
            items[item.consultation_id].append(item)
    return [BoardEntry(c, o, items[c.id], overdue=False) for c, o in rows]


def newest_story() -> BoardEntry | None:
    """The most recently published "you said, we did", for the youth home page."""
    found = _published_entries(limit=1)
    return found[0] if found else None


def news_for(participant: Participant | None, *, limit: int = 3) -> list[BoardEntry]:
    """Published feedback on consultations this participant answered, newest first."""
    if participant is None:
        return []
    return _published_entries(participant=participant, limit=limit)


def overdue(now: datetime) -> list[BoardEntry]:
    return [e for e in board(now) if e.overdue]


def late_items(today: date) -> list[WeDidItem]:
    """Promised actions past their due date and not yet done (or given up with a reason)."""
    return list(
        db.session.scalars(
            select(WeDidItem)
            .where(
                WeDidItem.due_date.is_not(None),
                WeDidItem.due_date < today,
                WeDidItem.status.in_([WeDidStatus.PLANNED, WeDidStatus.IN_PROGRESS]),
            )
            .order_by(WeDidItem.due_date)
        )
    )


def published_consultation(slug: str) -> tuple[Consultation, Outcome]:
    """A consultation whose feedback is public, for the open-data API."""
    row = db.session.execute(
        select(Consultation, Outcome)
        .join(Outcome, Outcome.consultation_id == Consultation.id)
        .where(Consultation.slug == slug, Outcome.published_at.is_not(None))
    ).first()
    if row is None:
        raise NotFound("No published feedback for that consultation.")
    return row[0], row[1]


def published_outcomes() -> list[tuple[Consultation, Outcome]]:
    rows = db.session.execute(
        select(Consultation, Outcome)
        .join(Outcome, Outcome.consultation_id == Consultation.id)
        .where(Outcome.published_at.is_not(None))
        .order_by(Outcome.published_at.desc())
    )
    return [(c, o) for c, o in rows]


def told_by_channel(consultation: Consultation) -> dict[str, int]:
    """How many first receipts were queued on each channel."""
    return queued_by_channel(_feedback_key(consultation))


def participants_told(consultation: Consultation) -> int:
    """How many people the first receipt was queued for (for the officer's confirmation)."""
    return (
        db.session.scalar(
            select(func.count(OutboxMessage.id)).where(
                OutboxMessage.idempotency_key.like(f"feedback:{consultation.id}:%")
            )
        )
        or 0
    )
