"""A consultation's themes page, reached and used with the keyboard alone, in every language."""

from __future__ import annotations

from consultations.staff_models import Role
from tests.a11y.support import axe_violations, sign_in_page
from tests.staff.support import make_user
from tests.themes.support import both_subjects_in_both_questions

FOCUSED = """() => {
  const el = document.activeElement;
  return {tag: el.tagName, text: el.textContent.trim()};
}"""


def _tab_to(page, text: str, limit: int = 80) -> None:  # type: ignore[no-untyped-def]
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUSED)
        if focus["text"] == text:
            return
        seen.append(focus["text"])
    raise AssertionError(f"never reached {text!r} by Tab: {seen}")


def test_an_officer_finds_a_consultations_themes_with_the_keyboard_alone(app, live_server, page):
    c, _ = both_subjects_in_both_questions()
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in_page(page, live_server, make_user(Role.OFFICER), f"/staff/consultations/{c.id}/results")

    _tab_to(page, "Themes across all written answers")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/staff/consultations/{c.id}/themes")
    _tab_to(page, "Find themes")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/staff/consultations/{c.id}/themes#themes")
    assert page.locator(".theme-list > li").count() >= 2
    assert axe_violations(page) == []

    page.context.set_extra_http_headers({"Accept-Language": "ur"})
    page.reload()
    assert page.locator('div[lang="ur"][dir="rtl"] .theme-list').count() == 1
    assert axe_violations(page) == []
