"""Protecting children's time: nothing but a safeguarding reply goes out in quiet hours (it
waits until they end), and invitations and reminders are capped per person per week, counted
in the database. Times are given to the services, so each test fixes the clock it needs."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from consultations import services
from consultations.db import db
from feedback import outbox, subscriptions
from feedback.models import OutboxMessage, OutboxStatus
from feedback.quiet_time import BadSetting, QuietHours, recently_capped
from tests.conftest import app_config
from tests.helpers import make_consultation
from webapp import create_app

LONDON = ZoneInfo("Europe/London")
QUIET = QuietHours.parse("21:00-08:00", "Europe/London")


def _at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    """A moment in London (winter: GMT; July: BST), as the UTC the database keeps."""
    return datetime(2026, month, day, hour, minute, tzinfo=LONDON).astimezone(UTC)


def test_quiet_hours_run_past_midnight_in_local_time_whatever_the_season():
    assert QUIET is not None
    assert QUIET.is_quiet(_at(3, 21, 0)) and QUIET.is_quiet(_at(4, 7, 59))
    assert not QUIET.is_quiet(_at(4, 8, 0)) and not QUIET.is_quiet(_at(3, 20, 59))
    # 20:30 in London in July is 19:30 UTC: local time decides, not UTC.
    assert not QUIET.is_quiet(_at(1, 20, 30, month=7))
    assert QUIET.is_quiet(_at(1, 21, 30, month=7))
    assert QUIET.ends_after(_at(3, 23, 0)) == _at(4, 8, 0)
    assert QUIET.ends_after(_at(4, 6, 0)) == _at(4, 8, 0)
    assert QUIET.ends_after(_at(4, 12, 0)) == _at(4, 12, 0)
    day = QuietHours.parse("12:00-13:00", "UTC")
    assert day is not None and day.start == time(12) and day.is_quiet(_at(3, 12, 30))
    assert QuietHours.parse("off", "Europe/London") is None


@pytest.mark.parametrize(
    ("span", "zone", "words"),
    [
        ("9pm-8am", "Europe/London", "should look like 21:00-08:00"),
        ("25:00-08:00", "Europe/London", "should look like 21:00-08:00"),
        ("21:00-08:00", "Mars/Olympus", "is not a time zone name"),
    ],
)
def test_a_setting_that_cannot_be_read_stops_the_start_in_one_sentence(tmp_path, span, zone, words):
    config = {**app_config(tmp_path, f"sqlite:///{tmp_path / 'x.db'}"), "QUIET_HOURS": span}
    config["TIMEZONE"] = zone
    with pytest.raises(BadSetting, match=words):
        create_app(config)


def _queued(kind: str, *, at: datetime) -> OutboxMessage:
    consultation = make_consultation()
    person = services.participant_for("telegram", f"p-{kind}-{at.timestamp()}", key=b"k")
    subscriptions.subscribe(person, address="4242", now=at)
    message = OutboxMessage(
        idempotency_key=f"{kind}:{person.id}",
        participant_id=person.id,
        channel="telegram",
        kind=kind,
        consultation_id=consultation.id,
        text="News",
        available_at=at,
        created_at=at,
    )
    db.session.add(message)
    db.session.commit()
    return message


def test_in_quiet_hours_messages_wait_and_a_safeguarding_reply_does_not(app):
    evening = _at(3, 20, 0)
    feedback = _queued("feedback", at=evening)
    help_now = _queued("safeguarding", at=evening)
    night = _at(3, 22, 30)
    leased = outbox.lease("telegram", now=night, quiet=QUIET)
    assert [m.id for m in leased] == [help_now.id]
    outbox.acknowledge(leased[0].id, lease_token=leased[0].lease_token, outcome="sent", now=night)
    # Still nothing at 07:59; at 08:00 it goes.
    assert outbox.lease("telegram", now=_at(4, 7, 59), quiet=QUIET) == []
    morning = outbox.lease("telegram", now=_at(4, 8, 0), quiet=QUIET)
    assert [m.id for m in morning] == [feedback.id]


def test_the_channel_api_keeps_the_quiet_hours_set_for_the_site(app, api):
    _queued("results", at=datetime.now(UTC) - timedelta(minutes=1))
    local = datetime.now(LONDON)
    # Quiet hours that include the present moment, whenever this runs.
    start, end = (local - timedelta(hours=1)), (local + timedelta(hours=1))
    app.config["QUIET_HOURS"] = f"{start:%H:%M}-{end:%H:%M}"
    quiet = api.post("/outbox/lease", json={"limit": 10, "lease_seconds": 30})
    assert quiet.status_code == 200 and quiet.get_json()["messages"] == []
    # Quiet hours that ended a minute ago: it goes.
    start, end = (local - timedelta(minutes=3)), (local - timedelta(minutes=1))
    app.config["QUIET_HOURS"] = f"{start:%H:%M}-{end:%H:%M}"
    awake = api.post("/outbox/lease", json={"limit": 10, "lease_seconds": 30})
    assert len(awake.get_json()["messages"]) == 1


def test_the_weekly_cap_counts_invitations_and_reminders_from_the_database(app):
    now = _at(10, 12, 0)
    people = {}
    for name in ("twice", "once", "long_ago", "one_dropped", "feedback_only"):
        people[name] = services.participant_for("telegram", name, key=b"k")
    db.session.flush()

    def message(who: str, kind: str, days_ago: float, status=OutboxStatus.SENT) -> None:  # type: ignore[no-untyped-def]
        at = now - timedelta(days=days_ago)
        db.session.add(
            OutboxMessage(
                idempotency_key=f"{who}:{kind}:{days_ago}",
                participant_id=people[who].id,
                channel="telegram",
                kind=kind,
                text="x",
                status=status,
                available_at=at,
                created_at=at,
            )
        )

    message("twice", "invitation", 6.5)
    message("twice", "reminder", 1, status=OutboxStatus.PENDING)
    message("once", "invitation", 2)
    message("long_ago", "invitation", 8)
    message("long_ago", "invitation", 7.5)
    message("one_dropped", "invitation", 1)
    message("one_dropped", "invitation", 2, status=OutboxStatus.DROPPED)
    # Feedback is never capped, and does not use up the allowance either.
    for n in range(4):
        message("feedback_only", "feedback", n)
    db.session.commit()

    capped = set(db.session.scalars(recently_capped(now, 2)))
    assert capped == {people["twice"].id}
    assert set(db.session.scalars(recently_capped(now, 1))) == {
        people[n].id for n in ("twice", "once", "one_dropped")
    }
    # A day later the oldest of the two falls out of the 7 days.
    assert set(db.session.scalars(recently_capped(now + timedelta(days=1), 2))) == set()
