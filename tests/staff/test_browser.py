"""What a youth worker sees: a vote through the API shows on the big screen within 2 seconds.

Runs a real headless Chromium (Debian's package, driven by Playwright; the ``browser``
fixture of tests/conftest.py) against the app served on loopback.
"""

from __future__ import annotations

import time

from consultations import polls
from consultations.db import db
from consultations.staff_models import Role
from tests.conftest import CHANNEL_TOKENS
from tests.helpers import now
from tests.staff.support import PASSWORD, make_user


def test_a_vote_through_the_api_appears_on_the_big_screen_within_two_seconds(
    app, live_server, browser
):
    from playwright.sync_api import expect

    worker = make_user(Role.YOUTH_WORKER)
    poll = polls.create_poll(worker, "Where shall we go?", ["Bowling", "Cinema"], now=now())
    db.session.commit()
    question = poll.questions[0]

    page = browser.new_page(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    page.goto(f"{live_server}/staff/polls/{poll.id}/screen")
    page.get_by_label("Email").fill(worker.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/staff/polls/{poll.id}/screen")
    voters = page.locator('[data-live="voters"]')
    expect(voters).to_have_text("0")
    expect(page.get_by_text(f"Code {poll.join_code}")).to_be_visible()
    cinema = page.locator(f'[data-option="{question.options[1].id}"] [data-live="count"]')

    voted = app.test_client().post(
        f"/api/v1/consultations/{poll.slug}/answers",
        headers={"Authorization": f"Bearer {CHANNEL_TOKENS['telegram']}"},
        json={
            "participant": {"channel": "telegram", "id": "9001"},
            "answers": [{"question_id": question.id, "option_ids": [question.options[1].id]}],
        },
    )
    assert voted.status_code == 200
    started = time.monotonic()
    expect(voters).to_have_text("1", timeout=2000)
    expect(cinema).to_have_text("1", timeout=2000)
    assert time.monotonic() - started < 2.0
    bar = page.locator(f'[data-option="{question.options[1].id}"] rect.fill')
    assert float(bar.get_attribute("width") or 0) == 100
    # The table beside the bars, which is what a screen reader reads, keeps up with them.
    table = page.get_by_role("table", name="Votes so far")
    cinema_row = table.get_by_role("row", name="Cinema")
    expect(cinema_row.get_by_role("cell").nth(0)).to_have_text("1")
    expect(cinema_row.get_by_role("cell").nth(1)).to_have_text("100")
    expect(table.get_by_role("row", name="Bowling").get_by_role("cell").nth(0)).to_have_text("0")
    assert page.get_by_role("list").filter(has_text="Bowling").count() == 0, "bars hidden"
    page.close()
