"""A young person on a 360 px phone picks their area from the council's list and the topics
to hear about, with the keyboard alone; stopping notifications takes the topics away."""

from __future__ import annotations

from sqlalchemy import func, select

from consultations.db import db
from consultations.models import FollowedTopic, Participant
from feedback import subscriptions
from tests.helpers import make_consultation, now

FOCUSED = "() => document.activeElement.id"
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def test_area_and_topics_on_a_phone(app, live_server, page):
    consultation = make_consultation()
    day = consultation.questions[0]
    page.goto(f"{live_server}/c/{consultation.slug}")
    page.locator(f"#q{day.id}-1").check()
    page.locator("#area").fill("Narnia Heights")
    page.locator("form.answers button[type=submit]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # Refused in one plain sentence beside the field, with what was typed still there.
    assert "We don’t know that area." in page.get_by_role("alert").inner_text()
    assert page.locator("#area").input_value() == "Narnia Heights"
    assert page.locator("#area").get_attribute("list") == "area-list"
    assert page.evaluate(FITS)
    page.locator("#area").fill("hanley")
    page.locator("form.answers button[type=submit]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(f"**/c/{consultation.slug}/thanks")
    db.session.expire_all()
    person = db.session.scalar(select(Participant))
    assert person is not None and person.area == "st1"

    # As if this browser had turned notifications on (a real push service is another test's).
    subscriptions.subscribe(
        person,
        address="https://push.example/1",
        now=now(),
        push_keys='{"p256dh": "x", "auth": "y"}',
    )
    db.session.commit()
    page.goto(f"{live_server}/my-data")
    assert page.evaluate(FITS)
    box = page.get_by_role("group", name="What do you want to hear about?")
    box.get_by_label("Getting on with each other").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save my topics").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Saved. You will only hear about what you ticked." in page.inner_text("main")
    assert page.get_by_label("Getting on with each other").is_checked()
    db.session.expire_all()
    assert subscriptions.followed_topics(person) == ["tensions"]

    page.get_by_role("button", name="Stop notifications").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "What do you want to hear about?" not in page.inner_text("main")
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(FollowedTopic)) == 0
