"""Opt-in, the outbox and erasure, through the channel API and the services."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from consultations.db import db, in_transaction
from consultations.models import Option, Participant
from feedback import outbox
from feedback.models import OutboxMessage, OutboxStatus, Subscription
from tests.helpers import make_consultation, now


def _who(n: int) -> dict[str, str]:
    return {"channel": "telegram", "id": str(1000 + n)}


def _answer(api, consultation, n: int, option_index: int = 0) -> None:
    q = consultation.questions[0]
    response = api.post(
        f"/consultations/{consultation.slug}/answers",
        json={
            "participant": _who(n),
            "answers": [{"question_id": q.id, "option_ids": [q.options[option_index].id]}],
        },
    )
    assert response.status_code == 200, response.get_json()


def _notify(consultation) -> int:
    written = outbox.notify_participants(
        consultation,
        kind="results",
        key=f"results:{consultation.slug}",
        render=lambda lang: "Results are out",
        now=now(),
    )
    db.session.commit()
    return written


def test_opting_in_is_off_by_default_and_stop_works_at_once(api):
    consultation = make_consultation()
    _answer(api, consultation, 1)
    me = api.get("/participants/me", query_string=_who(1)).get_json()
    assert me["known"] and not me["subscribed"]

    on = api.post("/subscriptions", json={"participant": _who(1), "address": 1001})
    assert on.status_code == 200 and on.get_json()["subscribed"] is True
    assert _notify(consultation) == 1

    off = api.post("/subscriptions/stop", json={"participant": _who(1)})
    assert off.get_json()["subscribed"] is False
    # What was waiting is dropped, the address forgotten, and nothing can be leased.
    sub = db.session.scalar(select(Subscription))
    assert sub.address is None and sub.ended_reason == "stopped"
    assert db.session.scalar(select(OutboxMessage.status)) is OutboxStatus.DROPPED
    assert api.post("/outbox/lease", json={}).get_json()["messages"] == []


def test_one_message_per_opted_in_participant_and_never_twice(api):
    consultation = make_consultation()
    for n in range(6):
        _answer(api, consultation, n)
    for n in (0, 2, 4):
        api.post("/subscriptions", json={"participant": _who(n), "address": str(5000 + n)})
    api.post("/subscriptions", json={"participant": _who(99), "address": "5099"})  # no answers

    assert _notify(consultation) == 3
    assert _notify(consultation) == 0  # the same event again writes nothing new
    leased = api.post("/outbox/lease", json={"limit": 10}).get_json()["messages"]
    assert sorted(m["address"] for m in leased) == ["5000", "5002", "5004"]
    assert api.post("/outbox/lease", json={}).get_json()["messages"] == []  # all held


def test_ack_retry_blocked_and_an_expired_lease(api, app):
    consultation = make_consultation()
    for n in range(3):
        _answer(api, consultation, n)
        api.post("/subscriptions", json={"participant": _who(n), "address": str(n)})
    _notify(consultation)
    sent, slow, blocked = api.post("/outbox/lease", json={}).get_json()["messages"]

    def ack(message, **body):  # type: ignore[no-untyped-def]
        return api.post(
            f"/outbox/{message['id']}/ack", json={"lease_token": message["lease_token"], **body}
        )

    assert ack(sent, outcome="sent").get_json()["status"] == "sent"
    assert ack(sent, outcome="sent").status_code == 200  # twice is harmless
    assert ack(slow, outcome="retry", retry_after=30).get_json()["status"] == "pending"
    assert ack(blocked, outcome="blocked").get_json()["status"] == "dropped"
    assert ack(slow, outcome="bogus").status_code == 422

    # The retried one waits its turn; the blocked person's subscription has ended.
    assert api.post("/outbox/lease", json={}).get_json()["messages"] == []
    later = outbox.lease("telegram", now=now() + timedelta(seconds=31))
    assert [m.id for m in later] == [slow["id"]]
    assert later[0].attempts == 1  # "slow down" is not held against the message
    ended = db.session.scalar(select(Subscription).where(Subscription.address.is_(None)))
    assert ended.ended_reason == "blocked" and not ended.active

    # A worker that died: its lease runs out, another takes the row, the old token is stale.
    again = outbox.lease("telegram", now=now() + timedelta(seconds=31 + 61))
    db.session.commit()
    assert [m.id for m in again] == [slow["id"]]
    stale = ack({"id": slow["id"], "lease_token": later[0].lease_token}, outcome="sent")
    assert stale.status_code == 422
    assert stale.headers["Content-Type"].startswith("application/problem+json")


def test_sent_in_one_go_keeps_the_lease_rule_of_one_by_one(api, app):
    """A batch of "sent" records only rows still pending under the token they were leased with."""
    consultation = make_consultation()
    for n in range(3):
        _answer(api, consultation, n)
        api.post("/subscriptions", json={"participant": _who(n), "address": str(n)})
    _notify(consultation)
    first, second, third = outbox.lease("telegram", now=now())
    db.session.commit()
    # The third's lease runs out and another worker takes it: the first token is stale for it.
    outbox.acknowledge(first.id, lease_token=first.lease_token, outcome="sent", now=now())
    db.session.execute(
        OutboxMessage.__table__.update()
        .where(OutboxMessage.id == third.id)
        .values(lease_token="another-worker")
    )
    db.session.commit()

    recorded = outbox.acknowledge_sent(
        [(m.id, m.lease_token) for m in (first, second, third)], now=now()
    )
    db.session.commit()
    assert recorded == {second.id}  # the first was already settled, the third is not ours
    db.session.expire_all()
    status = dict(db.session.execute(select(OutboxMessage.id, OutboxMessage.status)).all())
    assert status == {
        first.id: OutboxStatus.SENT,
        second.id: OutboxStatus.SENT,
        third.id: OutboxStatus.PENDING,
    }
    assert db.session.get(OutboxMessage, second.id).leased_until is None
    assert outbox.acknowledge_sent([], now=now()) == set()


def test_a_token_only_leases_its_own_channel(app, api, client):
    consultation = make_consultation()
    _answer(api, consultation, 1)
    api.post("/subscriptions", json={"participant": _who(1), "address": "1"})
    _notify(consultation)
    rasa = client.post(
        "/api/v1/outbox/lease", json={}, headers={"Authorization": "Bearer rasa-test-token"}
    )
    assert rasa.get_json()["messages"] == []


def test_bad_outbox_requests_are_problem_documents(api):
    for body in ({"limit": 0}, {"limit": "ten"}, {"lease_seconds": 1}):
        response = api.post("/outbox/lease", json=body)
        assert response.status_code == 422, body
        assert response.headers["Content-Type"].startswith("application/problem+json")
    assert (
        api.post("/outbox/12345/ack", json={"lease_token": "x", "outcome": "sent"}).status_code
        == 404
    )
    assert api.post("/subscriptions", json={"participant": _who(1)}).status_code == 422


def test_workers_leasing_at_once_never_share_a_row(app, api):
    consultation = make_consultation()
    for n in range(40):
        _answer(api, consultation, n)
        api.post("/subscriptions", json={"participant": _who(n), "address": str(n)})
    _notify(consultation)
    got: list[list[int]] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with app.app_context():
                for _ in range(10):
                    leased = in_transaction(lambda: outbox.lease("telegram", now=now(), limit=3))
                    got.append([m.id for m in leased])
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    ids = [i for batch in got for i in batch]
    assert len(ids) == len(set(ids)) == 40


def test_forgetting_removes_everything_and_takes_back_open_counts(api):
    consultation = make_consultation()
    _answer(api, consultation, 1, option_index=1)
    _answer(api, consultation, 2, option_index=1)
    api.post("/subscriptions", json={"participant": _who(1), "address": "1"})
    _notify(consultation)

    response = api.post("/participants/forget", json={"participant": _who(1)})
    assert response.get_json() == {"forgotten": True}
    db.session.expire_all()
    option = db.session.get(Option, consultation.questions[0].options[1].id)
    assert option.tally == 1
    assert db.session.get(type(consultation), consultation.id).respondent_count == 1
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert db.session.scalar(select(func.count()).select_from(Subscription)) == 0
    again = api.post("/participants/forget", json={"participant": _who(1)})
    assert again.get_json() == {"forgotten": False}
