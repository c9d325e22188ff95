"""'Results are out': closing on time (the close command) and early (staff) tell the same people."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from consultations.db import db
from consultations.models import ConsultationStatus
from feedback.models import OutboxMessage
from tests.helpers import make_consultation, now
from tests.staff.support import make_user, post, sign_in


def _answer_and_opt_in(api, consultation, n: int, *, opt_in: bool = True) -> None:
    who = {"channel": "telegram", "id": str(700 + n)}
    q = consultation.questions[0]
    answered = api.post(
        f"/consultations/{consultation.slug}/answers",
        json={
            "participant": who,
            "answers": [{"question_id": q.id, "option_ids": [q.options[0].id]}],
        },
    )
    assert answered.status_code == 200
    if opt_in:
        api.post("/subscriptions", json={"participant": who, "address": str(700 + n)})


def test_the_close_command_closes_what_is_due_and_queues_one_message_each(app, api):
    due = make_consultation(slug="due-now")
    later = make_consultation(slug="still-open")
    for n in range(3):
        _answer_and_opt_in(api, due, n, opt_in=n != 2)
        _answer_and_opt_in(api, later, n + 10)
    due.closes_at = now() - timedelta(minutes=1)
    db.session.commit()

    runner = app.test_cli_runner()
    result = runner.invoke(args=["close"])
    assert result.exit_code == 0, result.output
    assert "Closed due-now: 2" in result.output
    assert "still-open" not in result.output
    db.session.expire_all()
    assert due.status is ConsultationStatus.CLOSED
    assert later.status is ConsultationStatus.OPEN
    messages = list(db.session.scalars(select(OutboxMessage)))
    assert len(messages) == 2
    assert all("Results are out for “Have your say" in m.text for m in messages)
    assert all("3 young people took part" in m.text for m in messages)
    assert {m.link for m in messages} == {"http://testserver/c/due-now"}

    again = runner.invoke(args=["close"])
    assert "Nothing to close." in again.output
    assert db.session.scalar(select(db.func.count(OutboxMessage.id))) == 2


def test_closing_early_from_the_staff_console_tells_them_too(app, api, client):
    consultation = make_consultation()
    _answer_and_opt_in(api, consultation, 1)
    officer = make_user()
    sign_in(client, officer)
    closed = post(client, f"/staff/consultations/{consultation.id}/close")
    assert closed.status_code == 303
    db.session.expire_all()
    assert consultation.status is ConsultationStatus.CLOSED
    message = db.session.scalar(select(OutboxMessage))
    assert message is not None and message.kind == "results"
    assert message.link == f"http://testserver/c/{consultation.slug}"
