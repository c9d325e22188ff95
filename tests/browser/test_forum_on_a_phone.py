"""A forum member on a phone, in a real Chromium: signing in on the forum's page with the
keyboard alone, drafting a recommendation with tick boxes, the site's own error summary,
and a comment in the discussion; every page checked with axe in English, Polish and Urdu."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.a11y.support import axe_violations, demo_data
from tests.staff.support import PASSWORD


def test_a_forum_member_signs_in_and_drafts_on_a_phone_with_the_keyboard(app, live_server, page):
    from playwright.sync_api import expect

    demo = demo_data()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/forum/tracker")
    page.wait_for_url("**/forum/sign-in?next=/forum/tracker")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the youth forum")
    assert axe_violations(page) == []
    # Sent empty: the site's summary, focused, not the browser's bubble.
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("Give your email.")
    assert axe_violations(page) == []
    page.locator("#error-summary a[href='#email']").click()
    expect(page.get_by_label("Email")).to_be_focused()
    page.keyboard.type(demo.member.email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    # Not a glob: "**/forum/tracker*" also matches the sign-in page's own ?next=/forum/tracker.
    page.wait_for_url(lambda url: urlsplit(url).path == "/forum/tracker")
    assert page.locator("header.site").inner_text().lower().count("staff") == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto(f"{live_server}/forum/recommendations/new")
    page.get_by_label("Recommendation", exact=True).fill("Buses after 9")
    page.get_by_role("button", name="Put it to the forum").click()
    page.wait_for_load_state()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Cite at least one consultation.")
    assert axe_violations(page) == []
    expect(page.get_by_label("Recommendation", exact=True)).to_have_value("Buses after 9")
    # The tick box is reached and ticked with the keyboard alone.
    box = page.get_by_label(demo.closed.youth_title)
    box.focus()
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    page.get_by_label("What the partnership should do, and why").fill("Run buses later.")
    page.get_by_role("button", name="Put it to the forum").click()
    page.wait_for_url("**/forum/recommendations/*")
    expect(page.get_by_role("heading", level=1)).to_have_text("Buses after 9")

    page.get_by_label("Your comment").fill("Evenings matter to us.")
    page.get_by_role("button", name="Post my comment").click()
    page.wait_for_url("**#discussion")
    expect(page.locator(".comments")).to_contain_text("Forum member 1")
    assert demo.member.email not in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []

    # The tracker's tables keep their labels on the phone.
    page.goto(f"{live_server}/forum/tracker")
    cell = page.locator("table.stack td[data-label]").first
    label = cell.evaluate("el => getComputedStyle(el, '::before').content")
    assert "Partner" in label
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_new_and_changed_pages_pass_axe_in_every_language(app, live_server, browser):
    from tests.a11y.support import sign_in_page

    demo = demo_data()
    found = {}
    for lang in ("en", "pl", "ur"):
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, extra_http_headers={"Accept-Language": lang}
        )
        page = context.new_page()
        for path in ("/forum/sign-in", "/p", "/p?poll=nope", f"/p/{demo.poll.join_code}"):
            page.goto(f"{live_server}{path}")
            if problems := axe_violations(page):
                found[f"{lang} {path}"] = problems
        sign_in_page(page, live_server, demo.member, "/forum/")
        for path in (
            "/forum/",
            "/forum/tracker",
            "/forum/recommendations",
            "/forum/recommendations/new",
            f"/forum/recommendations/{demo.recommendation.id}",
        ):
            page.goto(f"{live_server}{path}")
            if problems := axe_violations(page):
                found[f"{lang} {path}"] = problems
        page.get_by_role("button", name=_post_comment(lang)).click()
        page.wait_for_load_state()
        if problems := axe_violations(page):
            found[f"{lang} empty comment"] = problems
        context.close()
    assert found == {}


def _post_comment(lang: str) -> str:
    return {"en": "Post my comment", "pl": "Opublikuj mój komentarz", "ur": "میرا تبصرہ پوسٹ کریں"}[
        lang
    ]
