"""``youthvoice scheduler``: state in the database, so a restart loses nothing and two
schedulers at once never do anything twice; each job runs at its time."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from consultations import services
from consultations.db import db
from consultations.models import ConsultationStatus
from feedback import invitations, schedule, subscriptions
from feedback.models import OutboxMessage, ScheduledJob
from tests.feedback.support import closed_consultation
from tests.helpers import make_consultation, now
from webapp import scheduler


def _due_to_close(subscribed: int = 3):  # type: ignore[no-untyped-def]
    """A consultation with opted-in answerers whose closing time has just passed."""
    crowd = closed_consultation(subscribed=subscribed, stopped=0, forgotten=0, silent=1)
    consultation = crowd.consultation
    # Open again, but past its closing time: what the scheduler is for.
    consultation.status = ConsultationStatus.OPEN
    consultation.closes_at = now() - timedelta(minutes=1)
    db.session.commit()
    return consultation


def _messages() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(OutboxMessage.id))) or 0


def test_a_tick_closes_what_is_due_and_writes_when_each_job_runs_next(app):
    consultation = _due_to_close()
    at = now()
    done = scheduler.tick(app, at)
    assert done["close"] == "closed 1" and done["invitations"] == "queued 0 invitations"
    assert "digest" not in done and "retention" not in done  # daily, not yet due
    db.session.expire_all()
    assert consultation.status is ConsultationStatus.CLOSED
    assert _messages() == 3
    jobs = {j.name: j for j in schedule.jobs()}
    assert jobs["close"].next_run_at == at + timedelta(minutes=1)
    assert jobs["close"].runs == 1 and jobs["close"].locked_until is None
    assert jobs["digest"].next_run_at > at and jobs["digest"].runs == 0


def test_a_restarted_scheduler_carries_on_from_the_database(app):
    _due_to_close()
    at = now()
    scheduler.tick(app, at)
    # A new process at the same minute finds nothing due: the state was not in the old one.
    assert scheduler.tick(app, at + timedelta(seconds=20)) == {}
    later = scheduler.tick(app, at + timedelta(minutes=1, seconds=1))
    assert later["close"] == "closed 0"
    assert {j.name: j.runs for j in schedule.jobs()}["close"] == 2
    assert _messages() == 3


def test_a_scheduler_killed_mid_job_leaves_it_to_be_taken_again_later(app):
    at = now()
    schedule.ensure_jobs({"close": schedule.Every(timedelta(minutes=1))}, at)
    db.session.commit()
    token = schedule.take("close", at)
    db.session.commit()
    assert token is not None
    # Held: another scheduler cannot take it...
    assert schedule.take("close", at + timedelta(minutes=5)) is None
    # ...until the dead one's lease runs out; then its late "finish" is refused.
    again = schedule.take("close", at + schedule.LEASE + timedelta(seconds=1))
    assert again is not None
    assert not schedule.finish("close", token, ran_at=at, next_run_at=at, result="late")
    assert schedule.finish("close", again, ran_at=at, next_run_at=at, result="ok")


def test_two_schedulers_at_once_never_send_anything_twice(app):
    consultation = _due_to_close(subscribed=20)
    scheduled = make_consultation()
    for n in range(6):
        person = services.participant_for("telegram", f"invitee-{n}", key=b"k")
        subscriptions.subscribe(person, address=str(800 + n), now=now())
    invitation = invitations.create_invitation(
        None,
        scheduled,
        texts={"en": "Tell us what you think about the park. It takes two minutes."},
        audience=invitations.Audience(),
        now=now(),
        send_at=now() + timedelta(minutes=5),
    )
    db.session.commit()
    at = now() + timedelta(minutes=6)
    start = threading.Barrier(2)
    results: list[dict[str, str]] = []
    errors: list[BaseException] = []

    def one_scheduler() -> None:
        try:
            with app.app_context():
                start.wait()
                results.append(scheduler.tick(app, at))
                db.session.remove()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=one_scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    ran = [r for r in results if "close" in r]
    assert len(ran) == 1, results  # one of them took the job; the other found it held
    db.session.expire_all()
    assert consultation.status is ConsultationStatus.CLOSED
    # "Results are out" for the 20 who answered; the invitation for everyone opted in who has
    # not answered the other one: those 20 and 6 more.
    assert _messages() == 20 + 26
    keys = db.session.scalars(select(OutboxMessage.idempotency_key)).all()
    assert len(keys) == len(set(keys))
    db.session.refresh(invitation)
    assert invitation.queued == 26


def test_youthvoice_scheduler_once_says_what_it_did(app):
    _due_to_close(subscribed=2)
    result = app.test_cli_runner().invoke(args=["scheduler", "--once"])
    assert result.exit_code == 0, result.output
    assert "close: closed 1" in result.output
    again = app.test_cli_runner().invoke(args=["scheduler", "--once"])
    assert again.exit_code == 0 and "Nothing due." in again.output
    assert db.session.scalar(select(func.count(ScheduledJob.name))) == 6


def test_daily_jobs_run_at_their_local_time():
    london = schedule.DailyAt(time(8, 0), ZoneInfo("Europe/London"))
    evening = datetime(2026, 7, 1, 19, 0, tzinfo=UTC)  # 20:00 in London (summer)
    assert london.after(evening) == datetime(2026, 7, 2, 7, 0, tzinfo=UTC)
    early = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)  # 06:00 in London (winter)
    assert london.after(early) == datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
