"""The scheduler's bookkeeping: which periodic job is due, and taking it so only one runs.

A job is a row. Taking it is one guarded UPDATE (due, and not held by a live lease), so of
any number of schedulers exactly one runs each due job; a scheduler killed mid-job leaves
its lease to run out and the job is taken again. The next run is written when a run ends.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, and_, or_, select, update

from consultations.db import db
from feedback.models import ScheduledJob

LEASE = timedelta(minutes=10)
RESULT_MAX = 200


@dataclass(frozen=True)
class Every:
    """Run every ``interval``."""

    interval: timedelta

    def after(self, moment: datetime) -> datetime:
        return moment + self.interval


@dataclass(frozen=True)
class DailyAt:
    """Run once a day at a local time (the digest at 08:00, retention at 03:00)."""

    at: time
    zone: ZoneInfo

    def after(self, moment: datetime) -> datetime:
        local = moment.astimezone(self.zone)
        today = datetime.combine(local.date(), self.at, tzinfo=self.zone)
        nxt = (
            today
            if today > local
            else datetime.combine(local.date() + timedelta(days=1), self.at, tzinfo=self.zone)
        )
        return nxt.astimezone(moment.tzinfo)


When = Every | DailyAt


def _changed(statement: Any) -> int:
    """How many rows an UPDATE or DELETE changed (its result is a CursorResult)."""
    return cast(CursorResult[Any], db.session.execute(statement)).rowcount


def ensure_jobs(plan: dict[str, When], now: datetime) -> None:
    """Add a row for each job not yet known; a job already there keeps its next run."""
    known = set(db.session.scalars(select(ScheduledJob.name)))
    for name, when in plan.items():
        if name not in known:
            first = now if isinstance(when, Every) else when.after(now)
            db.session.add(ScheduledJob(name=name, next_run_at=first, runs=0))
    db.session.flush()


def take(name: str, now: datetime, lease: timedelta = LEASE) -> str | None:
    """Hold ``name`` for ``lease`` if it is due and free; the token to finish with, or None."""
    token = str(uuid.uuid4())
    taken = _changed(
        update(ScheduledJob)
        .where(
            ScheduledJob.name == name,
            ScheduledJob.next_run_at <= now,
            or_(ScheduledJob.locked_until.is_(None), ScheduledJob.locked_until < now),
        )
        .values(locked_until=now + lease, lock_token=token)
        .execution_options(synchronize_session=False)
    )
    return token if taken == 1 else None


def finish(name: str, token: str, *, ran_at: datetime, next_run_at: datetime, result: str) -> bool:
    """Record a run and when the next is due; False if the lease was lost meanwhile."""
    done = _changed(
        update(ScheduledJob)
        .where(and_(ScheduledJob.name == name, ScheduledJob.lock_token == token))
        .values(
            locked_until=None,
            lock_token=None,
            last_run_at=ran_at,
            next_run_at=next_run_at,
            last_result=result[:RESULT_MAX],
            runs=ScheduledJob.runs + 1,
        )
        .execution_options(synchronize_session=False)
    )
    return done == 1


def jobs() -> list[ScheduledJob]:
    return list(db.session.scalars(select(ScheduledJob).order_by(ScheduledJob.name)))


Job = Callable[[datetime], str]
