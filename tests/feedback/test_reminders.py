"""The last-chance reminder: to those invited who started and did not finish, at most once,
never to anyone who finished or stopped; optionally to those invited who never started."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from consultations import services
from consultations.db import db
from feedback import invitations, reminders, subscriptions
from feedback.invitations import Audience, Links
from feedback.models import OutboxMessage
from tests.helpers import make_consultation, now

KEY = b"test-pseudonym-key"
LINKS = Links(web="http://testserver/c/x", telegram="https://t.me/fake_test_bot?start=c_x")
EASY = "Tell us what you think about the park. It takes two minutes."


def _setup():  # type: ignore[no-untyped-def]
    consultation = make_consultation(closes_in=timedelta(hours=30))
    people = {}
    for name in ("half_way", "finished", "never_started", "stopped_after", "not_invited"):
        person = services.participant_for("telegram", name, key=KEY)
        if name != "not_invited":
            subscriptions.subscribe(person, address=str(700 + len(people)), now=now())
        people[name] = person
    db.session.commit()
    invitation = invitations.create_invitation(
        None, consultation, texts={"en": EASY}, audience=Audience(), now=now()
    )
    invitations.queue_invitation(invitation, now=now(), links=lambda c: LINKS, per_week=10)
    subscriptions.subscribe(people["not_invited"], address="799", now=now())
    first, *_, last = consultation.questions
    day = services.AnswerInput(first.id, option_ids=[first.options[0].id])
    for name in ("half_way", "finished", "stopped_after"):
        services.submit_answers(consultation, people[name], [day], channel="telegram", now=now())
    services.submit_answers(
        consultation,
        people["finished"],
        [services.AnswerInput(last.id, text="Skate park")],
        channel="telegram",
        now=now(),
    )
    subscriptions.unsubscribe(people["stopped_after"], now=now())
    db.session.commit()
    return consultation, people


def _reminded() -> dict[int, OutboxMessage]:
    return {
        m.participant_id: m
        for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reminder"))
    }


def test_only_those_who_started_and_did_not_finish_are_reminded_and_only_once(app):
    consultation, people = _setup()
    assert reminders.closing_soon(now(), timedelta(hours=48)) == [consultation]
    assert reminders.closing_soon(now(), timedelta(hours=24)) == []
    assert (
        reminders.queue_reminders(consultation, now=now(), links=lambda c: LINKS, per_week=10) == 1
    )
    (message,) = _reminded().values()
    assert message.participant_id == people["half_way"].id
    assert message.text.startswith("⏳ Last chance:") and "You started it" in message.text
    assert "Send /stop." in message.text and message.button == "Have your say"
    # At most once per consultation.
    assert (
        reminders.queue_reminders(consultation, now=now(), links=lambda c: LINKS, per_week=10) == 0
    )


def test_those_invited_who_never_started_can_be_reminded_too(app):
    consultation, people = _setup()
    written = reminders.queue_reminders(
        consultation, now=now(), links=lambda c: LINKS, include_not_started=True, per_week=10
    )
    assert written == 2
    sent = _reminded()
    assert set(sent) == {people["half_way"].id, people["never_started"].id}
    assert "still time to have your say" in sent[people["never_started"].id].text


def test_reminders_count_towards_the_weekly_cap(app):
    consultation, _ = _setup()
    # With a cap of one, the invitation used up this week's allowance.
    assert (
        reminders.queue_reminders(consultation, now=now(), links=lambda c: LINKS, per_week=1) == 0
    )


def test_the_scheduler_sends_reminders_at_their_time(app):
    from webapp import scheduler

    _, people = _setup()
    app.config["INVITES_PER_WEEK"] = 10
    app.config["REMINDER_HOURS"] = 24
    assert scheduler.send_reminders(now()) == "queued 0 reminders"
    assert scheduler.send_reminders(now() + timedelta(hours=7)) == "queued 1 reminders"
    assert set(_reminded()) == {people["half_way"].id}
