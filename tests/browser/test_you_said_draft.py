"""An officer drafts "You said" from the results in a real Chromium, edits it and publishes it."""

from __future__ import annotations

import re

from sqlalchemy import select

from consultations.db import db
from consultations.staff_models import Role
from feedback import outcomes
from feedback.loop_models import Outcome
from tests.a11y.support import axe_violations, sign_in_page
from tests.feedback.support import NOT_APPROVED_WORD, spoken_consultation
from tests.staff.support import make_user


def test_an_officer_drafts_edits_and_publishes_you_said(app, live_server, page):
    from playwright.sync_api import expect

    spoken = spoken_consultation()
    c = spoken.consultation
    officer = make_user(Role.OFFICER)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_page(page, live_server, officer, f"/staff/consultations/{c.id}/feedback")
    box = page.get_by_label("You said: what young people told us, in plain words")
    expect(box).to_have_value("")

    page.get_by_role("button", name="Write a draft from the results").click()
    expect(box).to_have_value(re.compile(r"^30 young people took part\.\n"))
    drafted = box.input_value()
    assert "The top answer was “Saturday”, picked by 7 in 10." in drafted
    assert "12 young people wrote about “Cheaper buses”." in drafted
    assert NOT_APPROVED_WORD not in drafted and "Monday" not in drafted
    draft = page.locator("#you-said-draft")
    expect(
        draft.get_by_text("From: Question 1, “Which day is best?”: “Saturday” 20 of 30")
    ).to_be_visible()
    expect(
        draft.get_by_text("From: Theme “Cheaper buses”: written answers from 12 people")
    ).to_be_visible()
    expect(page.locator("[data-readability] [data-field=passes]")).to_have_text("easy enough")
    assert axe_violations(page) == []
    assert outcomes.outcome_of(c) is None  # drafting saved nothing

    # The officer's edit is what is saved and published.
    edited = drafted.replace("30 young people took part.", "Thank you: 30 of you took part.")
    box.fill(edited)
    page.get_by_role("button", name="Save “you said”").click()
    expect(box).to_have_value(edited.strip())
    page.get_by_label("We did: what is being done").fill("Run a Saturday club")
    page.get_by_label("Partner responsible").fill("Youth Service")
    page.get_by_role("button", name="Add “we did” item").click()
    page.get_by_role("link", name="Publish and tell young people…").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".status", has_text="Published")).to_be_visible()

    db.session.expire_all()
    outcome = db.session.scalar(select(Outcome).where(Outcome.consultation_id == c.id))
    assert outcome is not None and outcome.is_published
    # A browser sends a text box's line ends as CRLF.
    assert outcome.you_said.replace("\r\n", "\n") == edited.strip()


def test_a_forum_member_reads_the_themes_on_a_phone_in_urdu(app, live_server, page):
    from playwright.sync_api import expect

    spoken = spoken_consultation()
    member = make_user(Role.FORUM_MEMBER)
    page.set_extra_http_headers({"Accept-Language": "ur"})
    sign_in_page(
        page, live_server, member, f"/forum/consultations/{spoken.consultation.id}/results"
    )
    themes = page.locator("#themes")
    expect(themes.get_by_role("row")).to_have_count(3)  # the heading row and two themes
    expect(themes.get_by_role("row", name="Cheaper buses 12")).to_be_visible()
    expect(themes.get_by_role("row", name="Safe lighting 7")).to_be_visible()
    expect(page.get_by_text("2 چھوٹے موضوعات نہیں دکھائے گئے")).to_be_visible()
    assert "Skate park" not in page.content()
    assert axe_violations(page) == []
