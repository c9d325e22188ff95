"""``youthvoice scheduler``: the periodic work that would otherwise need cron.

Closing consultations on time (and "results are out"), invitations at their time, the
last-chance reminders, the officers' daily digest and retention. Each job's next run and
its lease are rows in the database (``feedback.schedule``), so a restart loses nothing and
two schedulers running at once never do the same work twice; each job's own writes are
idempotent besides.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from collections.abc import Callable, Mapping
from datetime import datetime, time, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from consultations import privacy, queries, theme_analysis
from consultations.db import in_transaction
from feedback import digest, invitations, notices, reminders, schedule
from webapp.links import consultation_link, invitation_links
from webapp.moderation_rules import moderation_rules

log = logging.getLogger("youthvoice.scheduler")


def close_due(now: datetime) -> str:
    """Close what has passed its closing time and queue "results are out"."""
    closed = 0
    for consultation in in_transaction(lambda: notices.due_to_close(now)):
        slug = consultation.slug

        def close_one(slug: str = slug) -> int:
            found = queries.consultation_by_slug(slug)
            return notices.close_and_notify(found, now=now, link=consultation_link(slug))

        in_transaction(close_one)
        closed += 1
    return f"closed {closed}"


def send_due_invitations(now: datetime) -> str:
    """Queue every invitation whose time has come."""
    per_week = int(current_app.config.get("INVITES_PER_WEEK", 2))
    queued = 0
    for invitation in in_transaction(lambda: invitations.due_invitations(now)):
        queued += in_transaction(
            partial(
                invitations.queue_scheduled,
                invitation.id,
                now=now,
                links=invitation_links,
                per_week=per_week,
            )
        )
    return f"queued {queued} invitations"


def digest_recipients(config: Mapping[str, Any]) -> list[str]:
    """``YOUTHVOICE_DIGEST_TO``, or every active officer and admin."""
    to = [a.strip() for a in config.get("DIGEST_TO", "").split(",") if a.strip()]
    return to or digest.officer_addresses()


def mail_settings(config: Mapping[str, Any]) -> digest.MailSettings:
    return digest.MailSettings(
        host=config["SMTP_HOST"],
        port=int(config.get("SMTP_PORT", 25)),
        sender=config.get("SMTP_FROM") or "youthvoice@localhost",
        username=config.get("SMTP_USERNAME", ""),
        password=config.get("SMTP_PASSWORD", ""),
        starttls=bool(config.get("SMTP_STARTTLS")),
    )


def send_reminders(now: datetime) -> str:
    """The last-chance reminder for each consultation closing within REMINDER_HOURS."""
    config = current_app.config
    before = timedelta(hours=int(config.get("REMINDER_HOURS", 48)))
    per_week = int(config.get("INVITES_PER_WEEK", 2))
    queued = 0
    for consultation in in_transaction(lambda: reminders.closing_soon(now, before)):
        slug = consultation.slug

        def remind(slug: str = slug) -> int:
            return reminders.queue_reminders(
                queries.consultation_by_slug(slug),
                now=now,
                links=invitation_links,
                include_not_started=bool(config.get("REMIND_NOT_STARTED")),
                per_week=per_week,
            )

        queued += in_transaction(remind)
    return f"queued {queued} reminders"


def mail_digest(now: datetime) -> str:
    """The officers' digest, mailed when SMTP is set up (as ``youthvoice digest`` does)."""
    config = current_app.config
    if not config.get("SMTP_HOST"):
        return "no mail server set up"
    to = digest_recipients(config)
    if not to:
        return "nobody to send it to"
    text = digest.digest_text(now, base_url=config["PUBLIC_URL"])
    try:
        digest.send_mail(mail_settings(config), to, "Youth Voice daily digest", text)
    except (OSError, smtplib.SMTPException) as error:
        return f"not sent: {type(error).__name__}"
    return f"sent to {len(to)}"


def keep_retention(now: datetime) -> str:
    months = int(current_app.config["RETENTION_MONTHS"])
    result = in_transaction(lambda: privacy.delete_old_free_text(now=now, months=months))
    return f"deleted {result.answers} written answers"


def keep_answer_vectors(now: datetime) -> str:
    """Read new written answers to questions with themes, so finding them again is quick."""
    made = in_transaction(lambda: theme_analysis.keep_vectors(rules=moderation_rules()))
    return f"read {made} new answers"


def plan(app: Flask) -> dict[str, tuple[schedule.When, Callable[[datetime], str]]]:
    zone = ZoneInfo(app.config.get("TIMEZONE", "Europe/London"))
    minute = schedule.Every(timedelta(minutes=1))
    return {
        "close": (minute, close_due),
        "invitations": (minute, send_due_invitations),
        "reminders": (schedule.Every(timedelta(minutes=15)), send_reminders),
        "digest": (schedule.DailyAt(time(8, 0), zone), mail_digest),
        "retention": (schedule.DailyAt(time(3, 0), zone), keep_retention),
        "answer_vectors": (minute, keep_answer_vectors),
    }


def tick(app: Flask, now: datetime) -> dict[str, str]:
    """Run every job that is due now and free; what each did, by name."""
    jobs = plan(app)
    in_transaction(lambda: schedule.ensure_jobs({n: w for n, (w, _) in jobs.items()}, now))
    done: dict[str, str] = {}
    for name, (when, work) in jobs.items():
        token = in_transaction(partial(schedule.take, name, now))
        if token is None:
            continue
        try:
            result = work(now)
        except Exception as error:  # one failing job never stops the others
            log.error("scheduled job %s failed: %s", name, type(error).__name__)
            result = f"failed: {type(error).__name__}"
        in_transaction(
            partial(
                schedule.finish, name, token, ran_at=now, next_run_at=when.after(now), result=result
            )
        )
        done[name] = result
    return done


def run_forever(
    app: Flask, *, clock: Callable[[], datetime], stopping: threading.Event, every: float = 20.0
) -> None:
    """Tick until ``stopping`` is set; a tick that fails is logged and the next one tries."""
    while not stopping.is_set():
        try:
            for name, result in tick(app, clock()).items():
                log.info("%s: %s", name, result)
        except Exception as error:
            log.error("scheduler tick failed: %s", type(error).__name__)
        stopping.wait(every)
