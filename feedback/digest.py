"""The officers' daily digest: late feedback, feedback due soon, late actions, the forum's asks."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import select

from consultations.db import db
from consultations.staff_models import Role, User
from feedback.forum import recommendations
from feedback.loop_models import RecommendationStatus
from feedback.outcomes import board, late_items

DUE_SOON_DAYS = 14


def digest_text(now: datetime, *, base_url: str = "") -> str:
    """Plain text, short enough to read over breakfast; empty sections are left out."""
    today = now.date()
    entries = board(now)
    late = [e for e in entries if e.overdue]
    soon = [
        e
        for e in entries
        if not e.published
        and not e.overdue
        and e.consultation.feedback_due is not None
        and e.consultation.feedback_due <= today + timedelta(days=DUE_SOON_DAYS)
    ]
    actions = late_items(today)
    waiting = [r for r in recommendations() if r.status is RecommendationStatus.ADOPTED]
    lines = [f"Youth Voice daily digest for {today:%A %d %B %Y}", ""]
    if late:
        lines.append(f"Feedback is late ({len(late)}):")
        for e in late:
            c = e.consultation
            days = (today - c.feedback_due).days if c.feedback_due else 0
            lines.append(
                f"  - {c.youth_title}: due {c.feedback_due:%d %b}, {days} day"
                f"{'s' if days != 1 else ''} late, {c.respondent_count} young people waiting"
            )
            if base_url:
                lines.append(f"    {base_url.rstrip('/')}/staff/consultations/{c.id}/feedback")
        lines.append("")
    if soon:
        lines.append(f"Feedback due in the next {DUE_SOON_DAYS} days ({len(soon)}):")
        lines.extend(
            f"  - {e.consultation.youth_title}: due {e.consultation.feedback_due:%d %b}"
            for e in soon
        )
        lines.append("")
    if actions:
        lines.append(f"“We did” actions past their due date ({len(actions)}):")
        lines.extend(
            f"  - {i.action} ({i.partner}): due {i.due_date:%d %b}, {i.status.label.lower()}"
            for i in actions
        )
        lines.append("")
    if waiting:
        lines.append(
            f"Forum recommendations waiting for the partnership's response ({len(waiting)}):"
        )
        lines.extend(f"  - {r.title}" for r in waiting)
        lines.append("")
    if len(lines) == 2:
        lines.append("Nothing is late and nothing is waiting. Thank you.")
    return "\n".join(lines).rstrip() + "\n"


def officer_addresses() -> list[str]:
    """Where the digest goes when no list is configured: every active officer and admin."""
    return list(
        db.session.scalars(
            select(User.email)
            .where(User.active, User.role.in_([Role.OFFICER, Role.ADMIN]))
            .order_by(User.email)
        )
    )


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int = 25
    sender: str = "youthvoice@localhost"
    username: str = ""
    password: str = ""
    starttls: bool = False
    timeout: float = 20.0


def send_mail(settings: MailSettings, to: list[str], subject: str, body: str) -> None:
    """Send one plain-text message through the configured SMTP server."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            smtp.login(settings.username, settings.password)
        smtp.send_message(message)
