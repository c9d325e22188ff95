"""An officer makes sense of written answers in a real Chromium: finds themes, merges two,
accepts them as a tag and sees the tag's count."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from consultations.db import db
from consultations.staff_models import AnswerTag, Role, Tag
from tests.a11y.support import axe_violations, sign_in_page
from tests.staff.support import make_user
from tests.themes.support import answer_many, free_text_consultation, training


def test_an_officer_finds_themes_merges_two_and_accepts_them_as_tags(app, live_server, page):
    from playwright.sync_api import expect

    c = free_text_consultation()
    answer_many(c, training("transport")[:14] + training("safety")[:14])
    question = c.questions[0]
    officer = make_user(Role.OFFICER)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_page(page, live_server, officer, f"/staff/questions/{question.id}/answers")

    page.get_by_role("button", name="Find themes", exact=True).click()
    themes = page.locator(".theme-list > li")
    expect(themes.first).to_be_visible(timeout=120_000)
    assert themes.count() >= 2
    expect(page.get_by_text("Other (in no theme):")).to_be_visible()
    assert axe_violations(page) == []

    people = [int(t.locator("[data-people]").inner_text().split()[0]) for t in themes.all()[:2]]
    for theme in themes.all()[:2]:
        theme.get_by_role("checkbox").check()
    page.get_by_role("button", name="Merge the ticked themes").click()
    merged = page.locator(".theme-list > li").filter(
        has_text=re.compile(rf"\b{sum(people)} people\b")
    )
    expect(merged.first).to_be_visible()

    merged.first.get_by_label("New name").fill("Getting about safely")
    merged.first.get_by_role("button", name="Rename").click()
    renamed = page.locator(".theme-list > li").filter(has_text="Getting about safely")
    expect(renamed).to_have_count(1)
    renamed.get_by_role("checkbox").check()
    page.get_by_role("button", name="Accept the ticked themes as tags").click()

    tag = db.session.scalar(select(Tag).where(Tag.name == "Getting about safely"))
    assert tag is not None
    count = db.session.scalar(
        select(func.count()).select_from(AnswerTag).where(AnswerTag.tag_id == tag.id)
    )
    assert count == sum(people)
    tag_counts = page.locator(".tag-counts li").filter(has_text="Getting about safely")
    expect(tag_counts).to_contain_text(str(count))
    page.get_by_role("link", name="Accepted as a tag: see its answers").click()
    expect(page.get_by_text(f"{count} answers shown")).to_be_visible()
