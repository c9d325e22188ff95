"""A live poll in a room, in a real Chromium: joining by typing the code on a phone, the
presenter view on a 1024×768 projector following the worker's controls, and a word cloud."""

from __future__ import annotations

from sqlalchemy import select

from consultations import polls
from consultations.db import db
from consultations.models import Consultation
from consultations.staff_models import Role
from tests.a11y.support import axe_violations, sign_in_page
from tests.conftest import CHANNEL_TOKENS
from tests.helpers import now
from tests.staff.support import make_user

# A council's real address is longer than the test server's: the screen must fit it.
PUBLIC_URL = "https://haveyoursay.stoke.gov.uk"


def _vote_by_api(app, poll: Consultation, uid: str, option: int) -> None:  # type: ignore[no-untyped-def]
    question = poll.questions[0]
    response = app.test_client().post(
        f"/api/v1/consultations/{poll.slug}/answers",
        headers={"Authorization": f"Bearer {CHANNEL_TOKENS['telegram']}"},
        json={
            "participant": {"channel": "telegram", "id": uid},
            "answers": [{"question_id": question.id, "option_ids": [question.options[option].id]}],
        },
    )
    assert response.status_code == 200


def test_a_young_person_joins_by_typing_the_code_with_the_keyboard_only(app, live_server, page):
    from playwright.sync_api import expect

    poll = polls.create_poll(
        make_user(Role.YOUTH_WORKER), "Pizza or pasta?", ["Pizza", "Pasta"], now=now()
    )
    db.session.commit()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/p")
    # From the top of the page with the keyboard alone: skip link, then into the box.
    box = page.get_by_role("textbox", name="Poll code")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "poll-code":
            break
    expect(box).to_be_focused()
    page.keyboard.type("zz 99q")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    # A wrong code: one sentence at the top, focused, and the code still in the box.
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("There is no live poll with the code zz 99q.")
    expect(summary).to_be_focused()
    expect(box).to_have_value("zz 99q")
    assert axe_violations(page) == []
    box.fill(f"{poll.join_code[:3].lower()} {poll.join_code[3:].lower()}")
    box.press("Enter")
    page.wait_for_url(f"**/p/{poll.join_code}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pizza or pasta?")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The home page has the same box.
    page.goto(live_server)
    page.get_by_label("Poll code").fill(poll.join_code)
    page.get_by_role("button", name="Join the poll").click()
    page.wait_for_url(f"**/p/{poll.join_code}")


def test_the_projector_follows_the_workers_controls_at_1024_by_768(app, live_server, browser):
    from playwright.sync_api import expect

    app.config["PUBLIC_URL"] = PUBLIC_URL
    worker = make_user(Role.YOUTH_WORKER)
    poll = polls.create_poll(
        worker, "Where shall we go?", ["Bowling", "Cinema"], now=now(), hide_results=True
    )
    db.session.commit()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    controls = context.new_page()
    sign_in_page(controls, live_server, worker, f"/staff/polls/{poll.id}/screen")
    projector = context.new_page()
    projector.set_viewport_size({"width": 1024, "height": 768})
    projector.goto(f"{live_server}/staff/polls/{poll.id}/present")

    # Nothing of the console on the projector: no menu, e-mail address or buttons.
    assert projector.locator("nav, form, button, header.site").count() == 0
    assert worker.email not in projector.content()
    # The short address in one piece: one line, not cut, and the page not wider than the screen.
    address = projector.locator(".join-address .address")
    expect(address).to_have_text(f"haveyoursay.stoke.gov.uk/p/{poll.join_code}")
    box = address.bounding_box()
    line = projector.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.join-address')).lineHeight)"
        " || parseFloat(getComputedStyle(document.querySelector('.join-address')).fontSize) * 1.3"
    )
    assert box is not None and box["height"] < 1.6 * line, "the address wrapped"
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1024
    assert projector.evaluate("document.documentElement.scrollWidth") <= 1024
    expect(projector.locator(".results-hidden")).to_be_visible()
    assert axe_violations(projector) == []

    # Votes arrive; the counts stay hidden, the number of votes does not.
    _vote_by_api(app, poll, "1", 1)
    _vote_by_api(app, poll, "2", 1)
    _vote_by_api(app, poll, "3", 0)
    expect(projector.locator('[data-live="voters"]')).to_have_text("3", timeout=3000)
    assert projector.locator(".live-bars").count() == 0

    # The worker reveals on their own screen; the projector shows the bars by itself.
    controls.reload()
    controls.get_by_role("button", name="Reveal the results").click()
    expect(projector.locator(".live-bars")).to_be_visible(timeout=4000)
    # Closing removes the QR code and marks the winner.
    controls.get_by_role("button", name="Close poll").click()
    expect(projector.locator(".winner-line")).to_have_text("Winner: Cinema", timeout=4000)
    assert projector.locator(".qr, .join-bar").count() == 0
    expect(projector.locator("li.winner .label")).to_have_text("Cinema")
    assert axe_violations(projector) == []

    # "Next poll" on the worker's screen: the projector moves on to it.
    controls.get_by_role("link", name="Next poll").click()
    controls.get_by_label("Question").fill("Which day?")
    controls.get_by_label("Option 1").fill("Friday")
    controls.get_by_label("Option 2").fill("Saturday")
    controls.get_by_role("button", name="Start the poll").click()
    controls.wait_for_url("**/screen")
    expect(projector.get_by_role("heading", level=1)).to_have_text("Which day?", timeout=4000)
    context.close()


def test_a_word_cloud_on_a_phone_and_the_projector(app, live_server, browser):
    from playwright.sync_api import expect

    app.config["SMALL_GROUP_THRESHOLD"] = 2
    worker = make_user(Role.YOUTH_WORKER)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    controls = context.new_page()
    sign_in_page(controls, live_server, worker, "/staff/polls/new")
    controls.get_by_label("Question").fill("One word for your area?")
    controls.get_by_label("Type one word").check()
    assert not controls.get_by_label("Option 1").is_visible(), "no options for a word cloud"
    controls.get_by_role("button", name="Start the poll").click()
    controls.wait_for_url("**/screen")
    poll = db.session.scalar(select(Consultation).order_by(Consultation.id.desc()))
    projector = context.new_page()
    projector.set_viewport_size({"width": 1024, "height": 768})
    projector.goto(f"{live_server}/staff/polls/{poll.id}/present")

    for word in ("Parks", "parks!", "me@example.org"):
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.goto(f"{live_server}/p/{poll.join_code}")
        phone.get_by_label("One word for your area?").fill(word)
        phone.get_by_role("button", name="Send my word").click()
        expect(phone.get_by_role("status")).to_contain_text("your word is in")
        phone.close()
    cloud = projector.locator(".word-cloud")
    expect(cloud).to_contain_text("parks", timeout=4000)
    assert "example" not in projector.locator("main").inner_text()
    assert axe_violations(projector) == []

    # Too long a word is refused on the phone, beside the box.
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(f"{live_server}/p/{poll.join_code}")
    box = phone.get_by_label("One word for your area?")
    box.evaluate("(el) => el.removeAttribute('maxlength')")
    box.fill("x" * 31)
    phone.get_by_role("button", name="Send my word").click()
    expect(phone.locator(".field-error")).to_contain_text("Keep it under 30 characters.")
    expect(phone.locator("#error-summary")).to_be_focused()
    assert axe_violations(phone) == []
    context.close()
