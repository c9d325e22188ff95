"""Telling young people that results are out, through the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from consultations import services, translations
from consultations.db import db
from consultations.models import Consultation, ConsultationStatus
from consultations.words import results_out
from feedback.outbox import Audience, audience, notify_participants


def _results_key(consultation: Consultation) -> str:
    return f"results:{consultation.slug}"


def results_out_audience(consultation: Consultation) -> Audience:
    """Who closing now would tell that results are out (for the officer's confirmation)."""
    return audience(consultation, key=_results_key(consultation))


def notify_results_out(consultation: Consultation, *, now: datetime, link: str) -> int:
    """Queue "results are out" for everyone who answered and opted in; safe to run twice."""
    respondents = consultation.respondent_count

    def render(language: str) -> str:
        title = translations.translated(consultation, language).youth_title
        return results_out(title, respondents, link, language)

    return notify_participants(
        consultation,
        kind="results",
        key=_results_key(consultation),
        render=render,
        now=now,
        link=link,
    )


def close_and_notify(consultation: Consultation, *, now: datetime, link: str) -> int:
    """Close a consultation (early or on time) and queue its "results are out" messages."""
    services.close_consultation(consultation, now=now)
    return notify_results_out(consultation, now=now, link=link)


def due_to_close(now: datetime) -> list[Consultation]:
    """Open consultations whose closing time has passed."""
    return list(
        db.session.scalars(
            select(Consultation)
            .where(
                Consultation.status == ConsultationStatus.OPEN,
                Consultation.closes_at.is_not(None),
                Consultation.closes_at <= now,
            )
            .order_by(Consultation.closes_at, Consultation.id)
        )
    )
