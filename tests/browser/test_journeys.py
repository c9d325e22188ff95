"""The four journeys people make, each in a real Chromium against the app on loopback.

A failing journey leaves a screenshot of its last page in tests/artifacts/ (see
tests/conftest.py, the ``page`` fixture).
"""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select

from consultations.db import db
from consultations.models import Answer, Consultation
from consultations.staff_models import Role
from tests.a11y.support import axe_violations, sign_in_page
from tests.conftest import CHANNEL_TOKENS
from tests.feedback.support import closed_consultation
from tests.helpers import make_consultation
from tests.staff.support import make_user


def test_a_young_person_answers_a_consultation_on_a_small_phone(app, live_server, page):
    from playwright.sync_api import expect

    consultation = make_consultation()
    assert page.viewport_size == {"width": 360, "height": 640}
    page.goto(live_server)
    page.get_by_role("link", name=consultation.youth_title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(consultation.youth_title)
    page.get_by_label("Saturday").check()
    page.get_by_label("Gaming").check()
    page.get_by_label("Cooking").check()
    page.get_by_role("radio", name="4", exact=True).check()
    page.get_by_label("Your answer").fill("Somewhere warm to meet after school.")
    page.get_by_label("Your age (optional)").select_option("16-17")
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url(f"**/c/{consultation.slug}/thanks")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # Nothing on the phone needed sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    db.session.expire_all()
    answers = list(db.session.scalars(select(Answer)))
    assert len(answers) == 4
    assert any(a.text == "Somewhere warm to meet after school." for a in answers)
    assert any(a.scale_value == 4 for a in answers)


def test_a_youth_worker_runs_a_live_poll_while_votes_arrive(app, live_server, browser, page):
    from playwright.sync_api import expect

    worker = make_user(Role.YOUTH_WORKER)
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in_page(page, live_server, worker, "/staff/polls/new")
    page.get_by_label("Question").fill("Where shall we go?")
    page.get_by_label("Option 1").fill("Bowling")
    page.get_by_label("Option 2").fill("Cinema")
    page.get_by_role("button", name="Start the poll").click()
    page.wait_for_url("**/staff/polls/*/screen")
    poll = db.session.scalar(select(Consultation).order_by(Consultation.id.desc()))
    voters = page.locator('[data-live="voters"]')
    expect(voters).to_have_text("0")

    # A young person in the room votes on their phone, another through Telegram.
    phone = browser.new_page(viewport={"width": 360, "height": 640})
    phone.goto(f"{live_server}/p/{poll.join_code}")
    phone.get_by_label("Cinema").check()
    phone.get_by_role("button", name="Vote").click()
    expect(phone.get_by_role("status")).to_contain_text("your vote is in")
    phone.close()
    expect(voters).to_have_text("1", timeout=3000)
    question = poll.questions[0]
    voted = app.test_client().post(
        f"/api/v1/consultations/{poll.slug}/answers",
        headers={"Authorization": f"Bearer {CHANNEL_TOKENS['telegram']}"},
        json={
            "participant": {"channel": "telegram", "id": "9002"},
            "answers": [{"question_id": question.id, "option_ids": [question.options[0].id]}],
        },
    )
    assert voted.status_code == 200
    expect(voters).to_have_text("2", timeout=3000)
    cinema = page.locator(f'[data-option="{question.options[1].id}"] [data-live="count"]')
    expect(cinema).to_have_text("1")

    page.get_by_role("button", name="Close poll").click()
    expect(page.locator('[data-live="status"]')).to_have_text("Closed", timeout=3000)
    late = browser.new_page(viewport={"width": 360, "height": 640})
    late.goto(f"{live_server}/p/{poll.join_code}")
    expect(late.get_by_text("This poll is closed.")).to_be_visible()
    late.close()


def test_an_officer_publishes_you_said_we_did(app, live_server, page):
    from playwright.sync_api import expect

    consultation = closed_consultation(subscribed=2, stopped=0, forgotten=0, silent=3).consultation
    officer = make_user(Role.OFFICER)
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in_page(page, live_server, officer, f"/staff/consultations/{consultation.id}/feedback")
    page.get_by_label("You said: what young people told us").fill(
        "Most of you want the club open on Fridays."
    )
    page.get_by_role("button", name="Save “you said”").click()
    page.get_by_label("We did: what is being done").fill("Open the club on Fridays")
    page.get_by_label("Partner responsible").fill("Youth Service")
    page.get_by_role("button", name="Add “we did” item").click()
    expect(page.get_by_role("row", name="Open the club on Fridays")).to_be_visible()
    # One click would message everyone: a confirmation says how many first.
    page.get_by_role("link", name="Publish and tell young people…").click()
    expect(page.get_by_text("2 young people will get a message")).to_be_visible()
    expect(page.get_by_text("2 on Telegram")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Publish and tell 2 people").click()
    page.wait_for_load_state()
    expect(page.get_by_text("receipts queued for 2 people")).to_be_visible()

    page.context.clear_cookies()
    page.goto(f"{live_server}/you-said-we-did")
    page.get_by_role("link", name=consultation.youth_title).click()
    expect(page.get_by_text("Most of you want the club open on Fridays.")).to_be_visible()
    expect(page.get_by_text("Open the club on Fridays")).to_be_visible()


def test_a_forum_member_reads_the_results_and_opens_the_lsp_report(app, live_server, page):
    """Forum members see results and download the report the partnership gets."""
    from playwright.sync_api import expect

    consultation = closed_consultation(subscribed=3, stopped=0, forgotten=0, silent=3).consultation
    member = make_user(Role.FORUM_MEMBER)
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in_page(page, live_server, member, "/forum/")
    page.goto(f"{live_server}/forum/consultations/{consultation.id}/results")
    expect(page.get_by_role("heading", name="Which day is best?")).to_be_visible()
    expect(page.get_by_text("Written answers are shown to officers only")).to_be_visible()
    # The staff console's own report page stays for officers; the forum has its own door.
    assert page.goto(f"{live_server}/staff/reports").status == 403

    page.goto(f"{live_server}/forum/")
    page.get_by_role("link", name="Report to the partnership").click()
    page.get_by_label("One consultation").select_option(consultation.slug)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the report").click()
    body = download.value.path().read_bytes()
    assert body.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    assert consultation.youth_title in text
    assert "Which day is best?" in text
