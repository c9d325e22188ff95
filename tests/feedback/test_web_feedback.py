"""A young person on the web hears back without giving personal data: a private receipt link
(no cookie needed, shown once, gone with "forget me") and browser notifications through Web
Push, checked by a local fake push service that decrypts what it is sent."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from html import unescape

import pytest
from flask import g
from sqlalchemy import func, select

from consultations import services
from consultations.db import db
from consultations.models import Participant
from consultations.staff_models import Role
from feedback import outcomes, web_push
from feedback.models import OutboxMessage, OutboxStatus, ReceiptLink, Subscription
from tests.fakes.push_service import FakePushService
from tests.helpers import csrf_token, make_consultation, now
from tests.staff.support import make_user, text_of
from tests.staff.support import page as page_html
from webapp.web_push import application_server_key, sender


def _answer(client, consultation) -> None:  # type: ignore[no-untyped-def]
    day, _, _, free = consultation.questions
    page = f"/c/{consultation.slug}"
    sent = client.post(
        page,
        data={
            "csrf_token": csrf_token(page_html(client, page)),
            f"q{day.id}": str(day.options[1].id),
            f"q{free.id}": "Table tennis",
        },
    )
    assert sent.status_code == 303


def _new_browser(app):  # type: ignore[no-untyped-def]
    g.pop("csrf_token", None)
    return app.test_client()


def _close_and_publish(consultation) -> int:  # type: ignore[no-untyped-def]
    services.close_consultation(consultation, now=now())
    officer = make_user(Role.OFFICER)
    outcomes.save_you_said(officer, consultation, "You want clubs open later.", now=now())
    outcomes.add_we_did(
        officer, consultation, action="Open until 9pm", partner="Youth Service", now=now()
    )
    queued = outcomes.publish_feedback(
        officer,
        consultation,
        now=now(),
        link=f"http://testserver/you-said-we-did/{consultation.slug}",
    )
    db.session.commit()
    return queued


def _get_link(client, from_page: str) -> str:  # type: ignore[no-untyped-def]
    html = page_html(client, from_page)
    assert "Get my private link" in unescape(html)
    made = client.post("/receipt-link", data={"csrf_token": csrf_token(html)})
    assert made.status_code == 200
    assert made.headers["Cache-Control"] == "no-store"
    body = unescape(made.get_data(as_text=True))
    assert "Save or screenshot this now. We will not show it again." in body
    match = re.search(r'id="private-link">(http://testserver/r/[A-Za-z0-9_-]+)<', body)
    assert match, body
    return match.group(1).removeprefix("http://testserver")


# --- The private receipt link ------------------------------------------------------------------


def test_the_receipt_link_opens_without_a_cookie_and_shows_what_changed_once_published(app):
    browser = _new_browser(app)
    consultation = make_consultation()
    _answer(browser, consultation)
    path = _get_link(browser, f"/c/{consultation.slug}/thanks")

    # Only a hash is kept: the database cannot give the link back.
    token = path.rsplit("/", 1)[1]
    assert len(token) >= 40
    stored = db.session.scalars(select(ReceiptLink.token_hash)).all()
    assert len(stored) == 1 and token not in stored[0]

    stranger = _new_browser(app)  # another device, no cookie at all
    before = stranger.get(path)
    assert before.status_code == 200
    # Never sent on to another site, never kept by a cache or a search engine.
    assert before.headers["Referrer-Policy"] == "same-origin"
    assert before.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert before.headers["Cache-Control"] == "no-store"
    assert consultation.youth_title in text_of(before)
    assert "Still open until" in text_of(before)
    assert "Open until 9pm" not in text_of(before)

    _close_and_publish(consultation)
    after = text_of(stranger.get(path))
    assert "You want clubs open later." in after and "Open until 9pm" in after
    assert "Youth Service" in after


def test_a_new_link_ends_the_old_one_and_a_wrong_one_says_so_in_a_sentence(app):
    browser = _new_browser(app)
    consultation = make_consultation()
    _answer(browser, consultation)
    first = _get_link(browser, f"/c/{consultation.slug}/thanks")
    mine = unescape(page_html(browser, "/my-data"))
    assert "You already have a private link." in mine
    made = browser.post("/receipt-link", data={"csrf_token": csrf_token(mine)})
    second = re.search(
        r'id="private-link">http://testserver(/r/[^<]+)<', made.get_data(as_text=True)
    )
    assert second and second.group(1) != first
    stranger = _new_browser(app)
    gone = stranger.get(first)
    assert gone.status_code == 404
    assert "This link doesn’t work" in unescape(gone.get_data(as_text=True))
    assert stranger.get(second.group(1)).status_code == 200
    assert stranger.get("/r/" + "x" * 300).status_code == 404


def test_without_having_answered_there_is_no_link_to_get(app):
    browser = _new_browser(app)
    html = page_html(browser, "/my-data")
    assert "Get my private link" not in unescape(html)
    refused = browser.post("/receipt-link", data={"csrf_token": csrf_token(html)})
    assert refused.status_code == 404
    assert db.session.scalar(select(func.count(ReceiptLink.id))) == 0


def test_forget_me_destroys_the_link_and_the_notifications(app):
    push = FakePushService()
    app.config["WEB_PUSH_HOSTS"] = ["127.0.0.1"]
    try:
        browser = _new_browser(app)
        consultation = make_consultation()
        _answer(browser, consultation)
        path = _get_link(browser, f"/c/{consultation.slug}/thanks")
        _turn_on(browser, push.subscribe())
        assert db.session.scalar(select(func.count(Subscription.id))) == 1

        forget = page_html(browser, "/forget-me")
        assert (
            browser.post("/forget-me", data={"csrf_token": csrf_token(forget)}).status_code == 303
        )
        assert _new_browser(app).get(path).status_code == 404
        assert db.session.scalar(select(func.count(Subscription.id))) == 0
        assert db.session.scalar(select(func.count(ReceiptLink.id))) == 0
    finally:
        push.close()


def test_the_link_alone_can_erase_everything_for_someone_whose_cookie_is_gone(app):
    browser = _new_browser(app)
    consultation = make_consultation()
    _answer(browser, consultation)
    path = _get_link(browser, f"/c/{consultation.slug}/thanks")
    stranger = _new_browser(app)
    ask = stranger.get(f"{path}/forget")
    assert "Yes, delete it all" in text_of(ask)
    assert stranger.post(f"{path}/forget").status_code == 400  # no token: nothing deleted
    assert db.session.scalar(select(func.count(Participant.id))) == 1
    token = csrf_token(ask.get_data(as_text=True))
    assert stranger.post(f"{path}/forget", data={"csrf_token": token}).status_code == 303
    assert db.session.scalar(select(func.count(Participant.id))) == 0
    assert stranger.get(path).status_code == 404
    db.session.expire_all()
    assert consultation.respondent_count == 0


# --- Browser notifications ---------------------------------------------------------------------


@pytest.fixture
def push(app) -> Iterator[FakePushService]:  # type: ignore[no-untyped-def]
    service = FakePushService()
    app.config["WEB_PUSH_HOSTS"] = ["127.0.0.1"]
    yield service
    service.close()


def _turn_on(client, subscription: dict, *, status: int = 201):  # type: ignore[no-untyped-def,type-arg]
    html = page_html(client, "/my-data")
    token = re.search(r'data-csrf="([^"]+)"', html)
    assert token, "no notifications button on the page"
    answer = client.post(
        "/notifications",
        data=json.dumps(subscription),
        content_type="application/json",
        headers={"X-CSRFToken": token.group(1)},
    )
    assert answer.status_code == status, answer.get_data(as_text=True)
    return answer


def _deliver(**kw):  # type: ignore[no-untyped-def]
    clock = kw.pop("clock", now)
    return web_push.deliver_once(sender(**kw), clock=clock)


def test_publishing_reaches_a_web_participant_as_an_encrypted_notification(app, push):
    browser = _new_browser(app)
    consultation = make_consultation()
    _answer(browser, consultation)
    subscription = push.subscribe()
    _turn_on(browser, subscription)
    assert "Notifications are on in this browser." in unescape(page_html(browser, "/my-data"))

    audience = outcomes.feedback_audience(consultation)
    assert audience.channel_words() == ["1 by browser notification"]
    assert _close_and_publish(consultation) == 1
    tally = _deliver()
    assert tally.sent == 1 and not push.refused

    (payload,) = push.payloads_for(subscription)
    assert payload["title"] == "Youth Voice"
    assert payload["body"].startswith(f"“{consultation.youth_title}”: thank you")
    assert "You said: You want clubs open later." in payload["body"]
    assert payload["url"] == f"http://testserver/you-said-we-did/{consultation.slug}"
    # Signed with the key the page handed the browser.
    assert push.deliveries[0].vapid_key == application_server_key()
    assert db.session.scalar(select(OutboxMessage.status)) is OutboxStatus.SENT
    # Delivered once: a second run finds nothing due.
    assert _deliver().sent == 0 and len(push.deliveries) == 1
    from feedback import reach

    assert reach.receipt_reach(consultation).delivered == {"web": 1}


def test_the_officer_sees_how_many_are_told_on_each_channel(app, client, push):
    from feedback import subscriptions

    consultation = make_consultation()
    web = _new_browser(app)
    _answer(web, consultation)
    _turn_on(web, push.subscribe())
    _get_link(web, "/my-data")
    chat = services.participant_for("telegram", "t-1", key=b"test-pseudonym-key")
    q = consultation.questions[0]
    services.submit_answers(
        consultation,
        chat,
        [services.AnswerInput(q.id, option_ids=[q.options[0].id])],
        channel="telegram",
        now=now(),
    )
    subscriptions.subscribe(chat, address="5001", now=now())
    services.close_consultation(consultation, now=now())
    officer = make_user(Role.OFFICER)
    outcomes.save_you_said(officer, consultation, "You want clubs open later.", now=now())
    outcomes.add_we_did(
        officer, consultation, action="Open late", partner="Youth Service", now=now()
    )
    db.session.commit()
    from tests.staff.support import sign_in

    assert sign_in(client, officer).status_code == 303
    confirm = text_of(client.get(f"/staff/consultations/{consultation.id}/feedback/publish"))
    assert "1 on Telegram" in confirm and "1 by browser notification" in confirm
    assert "1 young person keeps a private receipt link" in confirm
    outcomes.publish_feedback(officer, consultation, now=now())
    db.session.commit()
    page = text_of(client.get(f"/staff/consultations/{consultation.id}/feedback"))
    assert (
        "receipts queued for 2 people who asked to hear back "
        "(1 on Telegram, 1 by browser notification)" in page
    )


def test_a_push_service_that_says_gone_ends_the_subscription(app, push):
    browser = _new_browser(app)
    consultation = make_consultation()
    _answer(browser, consultation)
    subscription = push.subscribe()
    _turn_on(browser, subscription)
    push.answer_next(subscription, 410)
    _close_and_publish(consultation)
    assert _deliver().ended == 1
    found = db.session.scalar(select(Subscription))
    assert (
        found is not None and not found.active and found.address is None and found.push_keys is None
    )
    assert db.session.scalar(select(OutboxMessage.status)) is OutboxStatus.DROPPED


def test_a_slow_push_service_is_retried_with_back_off_and_holds_nobody_else_up(app, push):
    consultation = make_consultation()
    slow, quick = push.subscribe(), push.subscribe()
    for subscription in (slow, quick):
        browser = _new_browser(app)
        _answer(browser, consultation)
        _turn_on(browser, subscription)
    push.answer_next(slow, ("hang", 1.5))
    _close_and_publish(consultation)

    tally = _deliver(timeout=0.3)
    assert tally.sent == 1 and tally.failed == 1
    assert len(push.payloads_for(quick)) == 1 and push.payloads_for(slow) == []
    waiting = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)
    )
    assert waiting is not None and waiting.available_at > now()
    # Not before its back-off; then it goes.
    assert _deliver().sent == 0
    later = now() + timedelta(minutes=5)
    assert _deliver(clock=lambda: later).sent == 1
    assert len(push.payloads_for(slow)) == 1


def test_stopping_is_one_press_and_nothing_waiting_is_sent(app, push):
    browser = _new_browser(app)
    consultation = make_consultation()
    _answer(browser, consultation)
    subscription = push.subscribe()
    _turn_on(browser, subscription)
    _close_and_publish(consultation)
    html = page_html(browser, "/my-data")
    stopped = browser.post("/notifications/stop", data={"csrf_token": csrf_token(html)})
    assert stopped.status_code == 303
    assert "Notifications are off." in unescape(page_html(browser, "/my-data"))
    assert _deliver().sent == 0 and push.posts == 0
    assert db.session.scalar(select(OutboxMessage.status)) is OutboxStatus.DROPPED


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"endpoint": "https://intranet.council.local/push/1"}, "not one we can send to"),
        ({"endpoint": "http://fcm.googleapis.com/x"}, "not one we can send to"),
        ({"keys": {"p256dh": "abc", "auth": "def"}}, "keys we cannot use"),
        ({"keys": "nope"}, "did not send what notifications need"),
    ],
)
def test_a_subscription_that_cannot_be_used_is_refused_in_one_sentence(app, push, change, words):
    browser = _new_browser(app)
    _answer(browser, make_consultation())
    subscription = {**push.subscribe(), **change}
    refused = _turn_on(browser, subscription, status=422)
    assert refused.mimetype == "application/problem+json"
    assert words in refused.get_json()["detail"]
    assert db.session.scalar(select(func.count(Subscription.id))) == 0


def test_the_service_worker_is_served_from_the_root_as_javascript(client):
    answer = client.get("/sw.js")
    assert answer.status_code == 200
    assert answer.mimetype == "text/javascript"
    assert "showNotification" in answer.get_data(as_text=True)


def test_youthvoice_deliver_web_once_sends_what_is_due(app, push):
    browser = _new_browser(app)
    consultation = make_consultation()
    _answer(browser, consultation)
    subscription = push.subscribe()
    _turn_on(browser, subscription)
    _close_and_publish(consultation)
    result = app.test_cli_runner().invoke(args=["deliver-web", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 sent, 0 to retry, 0 failed, 0 subscriptions ended." in result.output
    assert len(push.payloads_for(subscription)) == 1


def test_browser_notifications_wait_for_quiet_hours_to_end(app, push):
    from datetime import UTC
    from zoneinfo import ZoneInfo

    from feedback.quiet_time import QuietHours

    browser = _new_browser(app)
    consultation = make_consultation()
    _answer(browser, consultation)
    subscription = push.subscribe()
    _turn_on(browser, subscription)
    _close_and_publish(consultation)
    quiet = QuietHours.parse("21:00-08:00", "Europe/London")
    london = ZoneInfo("Europe/London")
    night = (now() + timedelta(days=1)).astimezone(london).replace(hour=23, minute=30)
    morning = night + timedelta(hours=8, minutes=31)
    at_night = web_push.deliver_once(sender(), clock=lambda: night.astimezone(UTC), quiet=quiet)
    assert at_night.sent == 0 and push.posts == 0
    later = web_push.deliver_once(sender(), clock=lambda: morning.astimezone(UTC), quiet=quiet)
    assert later.sent == 1 and len(push.payloads_for(subscription)) == 1


def test_the_partnership_report_counts_the_young_people_reached(app, push):
    browser = _new_browser(app)
    consultation = make_consultation()
    _answer(browser, consultation)
    _get_link(browser, f"/c/{consultation.slug}/thanks")
    _turn_on(browser, push.subscribe())
    _close_and_publish(consultation)
    assert _deliver().sent == 1
    result = app.test_cli_runner().invoke(
        args=["report", "--consultation", consultation.slug, "--format", "json", "--out", "-"]
    )
    assert result.exit_code == 0, result.output
    indicators = {i["name"]: i["value"] for i in json.loads(result.output)["indicators"]}
    assert indicators["Young people reached: told what changed"] == 1
    assert indicators["Young people reached: keep a private receipt link"] == 1
    assert indicators["Young people reached: invited"] == 0


def test_someone_who_stops_while_their_message_is_leased_is_not_sent_it(app, push):
    consultation = make_consultation()
    people = []
    for _ in range(3):
        browser = _new_browser(app)
        _answer(browser, consultation)
        subscription = push.subscribe()
        _turn_on(browser, subscription)
        people.append((browser, subscription))
    _close_and_publish(consultation)
    real = sender()
    stopped: list[str] = []

    class StopsSomeoneElse:
        """Sends as usual; while the first message is on its way, another person stops."""

        def send(self, message):  # type: ignore[no-untyped-def]
            if not stopped:
                browser, subscription = next(
                    (b, s) for b, s in people if s["endpoint"] != message.address
                )
                with app.app_context():  # this runs in one of the sender's threads
                    token = csrf_token(page_html(browser, "/my-data"))
                    answer = browser.post("/notifications/stop", data={"csrf_token": token})
                assert answer.status_code == 303
                stopped.append(subscription["endpoint"])
            return real.send(message)

    # One at a time, so the stop lands after the lease and before that person's turn.
    tally = web_push.deliver_once(StopsSomeoneElse(), clock=now, in_flight=1)  # type: ignore[arg-type]
    assert tally.sent == 2 and tally.skipped == 1
    for _, subscription in people:
        expected = 0 if subscription["endpoint"] in stopped else 1
        assert len(push.payloads_for(subscription)) == expected
