"""Keyboard-only answering, visible focus, errors tied to fields, 200% text, charts as tables."""

from __future__ import annotations

from sqlalchemy import select

from consultations.db import db
from consultations.models import Answer
from tests.a11y.support import demo_data, youth_paths

FOCUS_STYLE = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  return {style: style.outlineStyle, width: parseFloat(style.outlineWidth)};
}"""
FOCUSED = """() => {
  const el = document.activeElement;
  const label = el.labels && el.labels[0] ? el.labels[0].textContent.trim() : '';
  return {tag: el.tagName, type: el.type || '', label, text: el.textContent.trim()};
}"""


def test_a_young_person_answers_with_the_keyboard_alone_and_always_sees_where_they_are(
    app, live_server, page
):
    demo = demo_data()
    page.goto(f"{live_server}/c/{demo.open.slug}")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["text"] == "Skip to content"
    visited, sent = [], False
    for _ in range(120):
        focus = page.evaluate(FOCUSED)
        visited.append(focus["label"] or focus["text"])
        outline = page.evaluate(FOCUS_STYLE)
        assert outline["style"] != "none" and outline["width"] >= 2, focus
        if focus["label"] in ("Monday", "Music", "Sport"):
            page.keyboard.press("Space")
        if focus["tag"] == "BUTTON" and focus["text"] == "Send my answers":
            page.keyboard.press("Enter")
            sent = True
            break
        page.keyboard.press("Tab")
    assert sent, visited
    page.wait_for_url(f"**/c/{demo.open.slug}/thanks")
    db.session.expire_all()
    questions = {q.id: q for q in demo.open.questions}
    chosen = {
        o.label
        for a in db.session.scalars(select(Answer).where(Answer.question_id.in_(questions)))
        for c in a.choices
        for o in questions[a.question_id].options
        if o.id == c.option_id
    }
    assert chosen == {"Monday", "Sport", "Music"}


def test_errors_are_announced_on_the_fields_they_belong_to(app, live_server, page):
    demo = demo_data()
    page.goto(f"{live_server}/c/{demo.open.slug}")
    page.get_by_label("Your age (optional)").select_option("11-13")
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").is_visible()
    tied = page.evaluate("""() => [...document.querySelectorAll('[aria-invalid=true]')].map(el => {
        const ids = (el.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
        return ids.map(id => document.getElementById(id)?.textContent.trim() || '').join(' ');
    })""")
    # The required first question, and the grown-up question for an 11 to 13 year old.
    assert len(tied) >= 4
    assert all(description for description in tied), tied


def test_text_at_200_percent_needs_no_sideways_scrolling_on_a_360px_phone(app, live_server, page):
    demo = demo_data()
    too_wide = {}
    # Urdu too: right to left, a page can overflow on the other side.
    for lang, path in ((lang, path) for lang in ("en", "ur") for path in youth_paths(demo)):
        page.set_extra_http_headers({"Accept-Language": lang})
        page.goto(f"{live_server}{path}")
        assert page.evaluate("document.documentElement.lang") == lang
        # Set through the CSSOM: the page's CSP (rightly) refuses an injected <style>.
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[f"{lang} {path}"] = width
    assert too_wide == {}


def test_every_chart_on_the_board_and_results_has_a_table_of_the_same_numbers(
    app, live_server, page
):
    from tests.a11y.support import sign_in_page

    demo = demo_data()
    charts_without_tables = """() => [...document.querySelectorAll('figure svg')].filter(svg => {
        let next = svg.closest('figure').nextElementSibling;
        return !(next && (next.tagName === 'TABLE' || next.querySelector('table')));
    }).length"""
    page.goto(f"{live_server}/you-said-we-did/{demo.closed.slug}")
    assert page.locator("figure svg").count() >= 1
    assert page.evaluate(charts_without_tables) == 0
    assert page.get_by_role("cell", name="50").count() + page.locator("table.counts").count() > 0
    sign_in_page(page, live_server, demo.officer, f"/staff/consultations/{demo.closed.id}/results")
    assert page.locator("figure svg").count() >= 1
    assert page.evaluate(charts_without_tables) == 0
