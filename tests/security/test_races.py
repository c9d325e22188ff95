"""Requests that cross in flight, through a real server on loopback: erasure racing a
re-submission, a burst of mixed writes, and a burst of sign-ins against the lockout.

Every race is run many times, because a wrong lock order only shows in some interleavings.
What must hold after each: every published count equals ``COUNT(*)`` of the rows it stands
for, and no request ends in a 5xx.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from flask import Flask
from sqlalchemy import func, select

from consultations import accounts
from consultations.db import db
from consultations.models import Consultation, FollowedTopic, Participant
from consultations.staff_models import LoginFailure
from tests.conftest import CHANNEL_TOKENS
from tests.helpers import counts_that_disagree, csrf_token, make_consultation
from tests.staff.support import PASSWORD, make_user

TRIALS = 30
HEADERS = {"Authorization": f"Bearer {CHANNEL_TOKENS['telegram']}"}
TIMEOUT = 30.0


Connect = Callable[..., httpx.Client]


@pytest.fixture
def connect(app: Flask, live_server: str) -> Iterator[Connect]:
    """New clients of the live server (each its own cookies; never close one, it would close
    the pool they share), with limits high enough that the races, not the limiter, decide."""
    app.config.update(
        # Plain HTTP on loopback: a secure-only cookie would never come back.
        SESSION_COOKIE_SECURE=False,
        RATELIMIT_ANSWERS="100000/minute",
        RATELIMIT_API_ANSWERS="100000/minute",
        RATELIMIT_LOGIN="100000/minute",
    )
    # One connection pool for every client: a client of its own would load the CA store.
    with httpx.HTTPTransport() as transport:

        def client(path: str = "", **options: Any) -> httpx.Client:
            return httpx.Client(
                base_url=live_server + path, transport=transport, timeout=TIMEOUT, **options
            )

        yield client


def _together(*sends: Callable[[], httpx.Response]) -> list[int]:
    """Send every request at the same moment, each from its own thread; their statuses."""
    barrier = threading.Barrier(len(sends))
    statuses: list[int | None] = [None] * len(sends)
    errors: list[BaseException] = []

    def run(index: int, send: Callable[[], httpx.Response]) -> None:
        try:
            barrier.wait(TIMEOUT)
            statuses[index] = send().status_code
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate(sends)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not errors, errors
    assert None not in statuses, "a request never came back"
    return [s for s in statuses if s is not None]


def _ids(c: Consultation) -> tuple[str, int, list[int], int, list[int]]:
    single, multi = c.questions[0], c.questions[1]
    return (
        c.slug,
        single.id,
        [o.id for o in single.options],
        multi.id,
        [o.id for o in multi.options],
    )


def _assert_true_counts(trial: int) -> None:
    wrong = counts_that_disagree()
    assert not wrong, f"trial {trial}: " + "; ".join(wrong)


# --- erasure racing a re-submission ------------------------------------------------------


def test_forget_me_racing_a_re_submission_from_the_same_browser_keeps_counts_true(connect):
    slug, single, singles, multi, multis = _ids(make_consultation())
    db.session.commit()

    def trial(number: int) -> None:
        browser = connect()
        token = csrf_token(browser.get(f"/c/{slug}").text)

        def form(option: int, picks: list[int], area: str) -> dict[str, Any]:
            return {
                "csrf_token": token,
                f"q{single}": str(singles[option]),
                f"q{multi}": [str(p) for p in picks],
                "area": area,
            }

        assert browser.post(f"/c/{slug}", data=form(0, multis[:2], "ST4")).status_code == 303
        # The same cookie in two tabs: one changes the answers (and the area, which writes
        # to the participant's row), the other erases them.
        tab, other = connect(cookies=browser.cookies), connect(cookies=browser.cookies)
        statuses = _together(
            lambda: tab.post(f"/c/{slug}", data=form(1, multis[2:], "Hanley")),
            lambda: other.post("/forget-me", data={"csrf_token": token}),
        )
        assert statuses == [303, 303], f"trial {number}: {statuses}"
        _assert_true_counts(number)

    for number in range(TRIALS):
        trial(number)


def test_forget_racing_a_re_submission_from_the_same_chat_user_keeps_counts_true(connect):
    slug, single, singles, multi, multis = _ids(make_consultation())
    db.session.commit()

    chat = connect("/api/v1", headers=HEADERS)

    def submit(who: dict[str, str], option: int, picks: list[int]) -> httpx.Response:
        answers = [
            {"question_id": single, "option_ids": [singles[option]]},
            {"question_id": multi, "option_ids": picks},
        ]
        return chat.post(
            f"/consultations/{slug}/answers", json={"participant": who, "answers": answers}
        )

    def trial(number: int) -> None:
        who = {"channel": "telegram", "id": f"racer-{number}"}
        assert submit(who, 0, multis[:2]).status_code == 200
        statuses = _together(
            lambda: submit(who, 1, multis[2:]),
            lambda: chat.post("/participants/forget", json={"participant": who}),
        )
        assert statuses == [200, 200], f"trial {number}: {statuses}"
        _assert_true_counts(number)

    for number in range(TRIALS):
        trial(number)


def test_a_burst_of_mixed_answers_and_erasures_never_fails_and_counts_stay_true(connect):
    """Several chat users answering, changing their minds and erasing themselves at once."""
    slug, single, singles, multi, multis = _ids(make_consultation())
    db.session.commit()
    people = [{"channel": "telegram", "id": f"mixed-{n}"} for n in range(4)]
    plans = [random.Random(seed) for seed in range(8)]

    def worker(chooser: random.Random) -> Callable[[], httpx.Response]:
        plan = [(chooser.choice(people), chooser.random() < 0.35) for _ in range(7)]

        def run() -> httpx.Response:
            chat = connect("/api/v1", headers=HEADERS)
            worst: httpx.Response | None = None
            for who, erase in plan:
                if erase:
                    response = chat.post("/participants/forget", json={"participant": who})
                else:
                    picks = chooser.sample(multis, chooser.randint(1, len(multis)))
                    body = {
                        "participant": who,
                        "answers": [
                            {"question_id": single, "option_ids": [chooser.choice(singles)]},
                            {"question_id": multi, "option_ids": picks},
                        ],
                    }
                    response = chat.post(f"/consultations/{slug}/answers", json=body)
                if worst is None or response.status_code > worst.status_code:
                    worst = response
            assert worst is not None
            return worst

        return run

    for trial in range(4):
        statuses = _together(*(worker(plan) for plan in plans))
        assert statuses == [200] * len(plans), f"burst {trial}: {statuses}"
        _assert_true_counts(trial)


# --- stopping messages racing a choice of topics ------------------------------------------


def test_stopping_while_topics_are_chosen_never_leaves_topics_without_the_opt_in(connect):
    """Topics are kept for messages only: whichever request wins, none outlive a stop."""
    chat = connect("/api/v1", headers=HEADERS)
    keys = [topic["key"] for topic in chat.get("/topics").json()["topics"]][:3]
    assert len(keys) == 3

    def trial(number: int) -> None:
        who = {"channel": "telegram", "id": f"topics-{number}"}
        subscribed = chat.post("/subscriptions", json={"participant": who, "address": number})
        assert subscribed.status_code == 200, subscribed.text
        statuses = _together(
            lambda: chat.post("/participants/topics", json={"participant": who, "topics": keys}),
            lambda: chat.post("/subscriptions/stop", json={"participant": who}),
        )
        # The choice either came first (and was then deleted) or was refused after the stop.
        assert statuses[0] in (200, 422) and statuses[1] == 200, f"trial {number}: {statuses}"
        after = chat.get("/participants/me", params=who).json()
        assert after["subscribed"] is False and after["topics"] == [], f"trial {number}: {after}"
        with db.engine.connect() as connection:
            kept = connection.scalar(
                select(func.count())
                .select_from(FollowedTopic)
                .join(Participant)
                .where(Participant.channel == "telegram")
            )
        assert kept == 0, f"trial {number}: {kept} topics kept after stopping"

    for number in range(TRIALS):
        trial(number)


# --- the sign-in lockout under a burst ---------------------------------------------------


def _login_form(client: httpx.Client, email: str, password: str) -> Callable[[], httpx.Response]:
    token = csrf_token(client.get("/staff/login").text)
    data = {"csrf_token": token, "email": email, "password": password}
    return lambda: client.post("/staff/login", data=data)


@pytest.fixture
def browsers(connect: Connect) -> list[httpx.Client]:
    return [connect() for _ in range(12)]


def _failures_kept() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(LoginFailure)) or 0


def test_a_burst_of_wrong_passwords_checks_only_five(connect, browsers):
    user = make_user()
    sends = [_login_form(b, user.email, f"guess number {n}") for n, b in enumerate(browsers)]
    statuses = _together(*sends)
    limit = accounts.MAX_FAILURES_PER_ACCOUNT
    assert sorted(statuses) == [401] * limit + [429] * (len(sends) - limit), statuses
    assert _failures_kept() == limit


class _HeldHasher:
    """The real hasher, except that a wrong password's check waits until released."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.changed = threading.Condition()
        self.waiting = 0
        self.released = False

    def verify(self, hashed: str, password: str) -> bool:
        if password != PASSWORD:
            with self.changed:
                self.waiting += 1
                self.changed.notify_all()
                self.changed.wait_for(lambda: self.released, TIMEOUT)
        return bool(self.real.verify(hashed, password))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def test_the_right_password_while_five_wrong_ones_are_being_checked_is_refused(
    connect, browsers, monkeypatch
):
    """Five wrong guesses count from the moment they arrive, not when their check ends."""
    user = make_user()
    held = _HeldHasher(accounts._hasher)
    monkeypatch.setattr(accounts, "_hasher", held)
    limit = accounts.MAX_FAILURES_PER_ACCOUNT
    guesses = [_login_form(b, user.email, f"guess {n}") for n, b in enumerate(browsers[:limit])]
    right = _login_form(browsers[limit], user.email, PASSWORD)
    statuses: list[int] = []
    threads = [
        threading.Thread(target=lambda g=g: statuses.append(g().status_code)) for g in guesses
    ]
    for thread in threads:
        thread.start()
    try:
        with held.changed:
            assert held.changed.wait_for(lambda: held.waiting == limit, TIMEOUT)
        response = right()
    finally:
        with held.changed:
            held.released = True
            held.changed.notify_all()
        for thread in threads:
            thread.join(TIMEOUT)
    assert response.status_code == 429, "the right password got in during the burst"
    assert statuses == [401] * limit
    assert _failures_kept() == limit
