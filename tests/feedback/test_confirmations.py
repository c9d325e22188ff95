"""Before one click messages hundreds of young people, the officer is told how many, and how."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from consultations import services
from consultations.db import db
from consultations.models import ConsultationStatus
from consultations.staff_models import Role
from feedback import outcomes, subscriptions
from feedback.models import OutboxMessage
from tests.feedback.support import KEY, closed_consultation
from tests.helpers import make_consultation, now
from tests.staff.support import make_user, post, sign_in, text_of


def _messages() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id))) or 0


def _answer_and_opt_in(consultation, who: str, channel: str) -> None:  # type: ignore[no-untyped-def]
    person = services.participant_for(channel, who, key=KEY)
    q = consultation.questions[0]
    services.submit_answers(
        consultation,
        person,
        [services.AnswerInput(q.id, option_ids=[q.options[0].id])],
        channel=channel,
        now=now(),
    )
    subscriptions.subscribe(person, address=f"addr-{who}", now=now())


def test_close_now_asks_first_saying_who_will_be_told_on_which_channel(client):
    sign_in(client, make_user(Role.OFFICER))
    c = make_consultation()
    for n in range(3):
        _answer_and_opt_in(c, f"t{n}", "telegram")
    _answer_and_opt_in(c, "r0", "rasa")
    db.session.commit()
    editor = text_of(client.get(f"/staff/consultations/{c.id}"))
    assert "Close now…" in editor

    asked = client.get(f"/staff/consultations/{c.id}/close")
    assert asked.status_code == 200
    words = text_of(asked)
    assert "4 young people will get a message that the results are out" in words
    assert "3 on Telegram" in words and "1 on the chat assistant" in words
    # Asking changed nothing: still open, nobody messaged.
    db.session.refresh(c)
    assert c.status is ConsultationStatus.OPEN and _messages() == 0

    assert post(client, f"/staff/consultations/{c.id}/close").status_code == 303
    db.session.refresh(c)
    assert c.status is ConsultationStatus.CLOSED and _messages() == 4
    # Reopened and asked again: they were told already, so the page says nobody is.
    c.reopen(now())
    db.session.commit()
    assert "Nobody will get a message" in text_of(client.get(f"/staff/consultations/{c.id}/close"))


def test_publishing_feedback_asks_first_with_the_count_the_channels_and_the_message(client):
    crowd = closed_consultation(subscribed=3, stopped=1, forgotten=1, silent=2)
    c = crowd.consultation
    officer = make_user(Role.OFFICER)
    sign_in(client, officer)
    outcomes.save_you_said(officer, c, "You want the club open on Fridays.", now=now())
    outcomes.add_we_did(officer, c, action="Open on Fridays", partner="Youth Service", now=now())
    db.session.commit()
    assert "Publish and tell young people…" in text_of(
        client.get(f"/staff/consultations/{c.id}/feedback")
    )

    asked = client.get(f"/staff/consultations/{c.id}/feedback/publish")
    assert asked.status_code == 200
    words = text_of(asked)
    # Those who stopped messages or asked to be forgotten are not counted.
    assert "3 young people will get a message" in words and "3 on Telegram" in words
    assert "You said: You want the club open on Fridays." in words
    assert "Publish and tell 3 people" in words
    assert _messages() == 0 and not outcomes.outcome_of(c).is_published

    assert post(client, f"/staff/consultations/{c.id}/feedback/publish").status_code == 303
    assert _messages() == 3 and outcomes.outcome_of(c).is_published


def test_asking_to_publish_what_is_not_ready_says_what_is_missing(client):
    c = closed_consultation().consultation
    sign_in(client, make_user(Role.OFFICER))
    asked = client.get(f"/staff/consultations/{c.id}/feedback/publish")
    assert "Write the “you said” summary before publishing." in text_of(asked)
    assert "young people will get a message" not in text_of(asked)


def test_unpublished_feedback_is_previewed_as_it_will_appear_not_as_late(client):
    # Closed long ago, feedback overdue: the public board says "late" until it is published.
    crowd = closed_consultation(closed_at=now() - timedelta(weeks=10))
    c = crowd.consultation
    officer = make_user(Role.OFFICER)
    sign_in(client, officer)
    outcomes.save_you_said(officer, c, "You want the club open on Fridays.", now=now())
    outcomes.add_we_did(officer, c, action="Open on Fridays", partner="Youth Service", now=now())
    db.session.commit()
    assert "Feedback is late" in text_of(client.get(f"/you-said-we-did/{c.slug}"))

    feedback = client.get(f"/staff/consultations/{c.id}/feedback").get_data(as_text=True)
    assert f'href="/staff/consultations/{c.id}/feedback/preview"' in feedback
    preview = text_of(client.get(f"/staff/consultations/{c.id}/feedback/preview"))
    assert "Not published yet." in preview
    assert "You want the club open on Fridays." in preview
    assert "Open on Fridays" in preview and "Youth Service" in preview
    assert "Which day is best?" in preview  # the results, as the board will show them
    assert "Feedback is late. It was due by" not in preview


def test_the_you_said_text_has_its_reading_age_checked(client):
    c = closed_consultation().consultation
    officer = make_user(Role.OFFICER)
    sign_in(client, officer)
    hard = (
        "Respondents articulated considerable dissatisfaction regarding the insufficiency "
        "of recreational infrastructure, particularly concerning evening accessibility."
    )
    outcomes.save_you_said(officer, c, hard, now=now())
    outcomes.add_we_did(officer, c, action="Open on Fridays", partner="Youth Service", now=now())
    db.session.commit()
    page = text_of(client.get(f"/staff/consultations/{c.id}/feedback"))
    panel = page.split("How easy is it to read?")[1]
    assert "too hard" in panel[:300]
    assert "“particularly” → “especially”" in panel
    asked = text_of(client.get(f"/staff/consultations/{c.id}/feedback/publish"))
    assert "above the target of 12" in asked
