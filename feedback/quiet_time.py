"""Protecting children's time: quiet hours, and a weekly cap on invitations and reminders.

Quiet hours are kept where messages leave (``outbox.lease``): whatever was queued waits
until they end, so no worker on any host sends at night. The cap is counted in the
database from the outbox itself, so every worker and every scheduler sees the same count.
Feedback about a consultation the person answered is never capped, but it waits for quiet
hours to end like everything else except a safeguarding reply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Select, func, select

from feedback.models import OutboxMessage, OutboxStatus

# The only messages that may go in quiet hours.
SAFEGUARDING_KINDS = frozenset({"safeguarding"})
# What the weekly cap counts: messages the person did not ask for by answering.
CAPPED_KINDS = frozenset({"invitation", "reminder"})
CAP_DAYS = 7
DEFAULT_QUIET_HOURS = "21:00-08:00"
DEFAULT_PER_WEEK = 2

_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class BadSetting(ValueError):
    """A setting that cannot be used, said in one sentence."""


@dataclass(frozen=True)
class QuietHours:
    """A daily span in a time zone; it may run past midnight (21:00–08:00)."""

    start: time
    end: time
    zone: ZoneInfo

    @classmethod
    def parse(cls, span: str, zone: str) -> QuietHours | None:
        """``"21:00-08:00"`` in ``zone``; ``"off"`` (or empty) means no quiet hours."""
        try:
            tz = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise BadSetting(f"YOUTHVOICE_TIMEZONE {zone!r} is not a time zone name.") from None
        if span.strip().lower() in ("", "off", "none"):
            return None
        match = _SPAN.match(span)
        hours = [int(part) for part in match.groups()] if match else []
        if not match or hours[0] > 23 or hours[2] > 23 or hours[1] > 59 or hours[3] > 59:
            raise BadSetting(
                f"YOUTHVOICE_QUIET_HOURS {span!r} should look like 21:00-08:00, or be off."
            )
        return cls(time(hours[0], hours[1]), time(hours[2], hours[3]), tz)

    def is_quiet(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone).time().replace(tzinfo=None)
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def ends_after(self, moment: datetime) -> datetime:
        """When the quiet hours around ``moment`` end (``moment`` itself if it is not quiet)."""
        if not self.is_quiet(moment):
            return moment
        local = moment.astimezone(self.zone)
        end = datetime.combine(local.date(), self.end, tzinfo=self.zone)
        if end <= local:
            end = datetime.combine(local.date() + timedelta(days=1), self.end, tzinfo=self.zone)
        return end.astimezone(moment.tzinfo)


def recently_capped(now: datetime, per_week: int) -> Select[Any]:
    """Participants who have had ``per_week`` invitations or reminders in the last 7 days.

    A subquery, so choosing an audience leaves them out in the same statement. Messages
    waiting or sent count; one dropped before it went (they stopped, or it kept failing)
    never reached them and does not.
    """
    return (
        select(OutboxMessage.participant_id)
        .where(
            OutboxMessage.kind.in_(CAPPED_KINDS),
            OutboxMessage.created_at > now - timedelta(days=CAP_DAYS),
            OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENT]),
        )
        .group_by(OutboxMessage.participant_id)
        .having(func.count(OutboxMessage.id) >= per_week)
    )
