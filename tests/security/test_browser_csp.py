"""In a real browser, under the Content-Security-Policy: pages work and nothing is refused.

The CSP forbids inline script and style; a template that relied on either would break
silently in production. Chromium reports every refusal in the console, so this test reads
the console while a young person answers and an officer writes.
"""

from __future__ import annotations

from consultations.db import db
from consultations.staff_models import Role
from tests.helpers import make_consultation
from tests.staff.support import PASSWORD, make_user


def _watch_console(page) -> list[str]:  # type: ignore[no-untyped-def]
    problems: list[str] = []

    def on_console(message) -> None:  # type: ignore[no-untyped-def]
        # Failed loads are reported by URL below (a browser asks for /favicon.ico itself).
        if "Failed to load resource" in message.text:
            return
        if message.type == "error" or "Content Security Policy" in message.text:
            problems.append(message.text)

    def on_response(response) -> None:  # type: ignore[no-untyped-def]
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            problems.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_youth_pages_work_under_the_policy(app, live_server, browser):
    from playwright.sync_api import expect

    consultation = make_consultation()
    db.session.commit()
    page = browser.new_page(viewport={"width": 390, "height": 844})
    problems = _watch_console(page)
    page.goto(f"{live_server}/c/{consultation.slug}")
    under_13 = page.locator("#under-13")
    # The under-13 question appears only for the 11 to 13 band, with no script at all.
    expect(under_13).to_be_hidden()
    page.get_by_label("Your age (optional)").select_option("11-13")
    expect(under_13).to_be_visible()
    page.get_by_label("Yes, I'm 11 or 12").check()
    page.get_by_label("A parent, carer or youth worker").check()
    page.get_by_label("Friday").check()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url(f"**/c/{consultation.slug}/thanks")
    for path in ("/privacy", "/privacy/full", "/my-data", "/forget-me"):
        page.goto(f"{live_server}{path}")
    expect(page.get_by_role("button", name="Yes, delete it all")).to_be_visible()
    assert problems == []
    page.close()


def test_the_editors_live_readability_panel_works_under_the_policy(
    app,
    live_server,
    browser,
):
    from playwright.sync_api import expect

    officer = make_user(Role.OFFICER)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    problems = _watch_console(page)
    page.goto(f"{live_server}/staff/consultations/new")
    page.get_by_label("Email").fill(officer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/consultations/new")
    words = page.locator('[data-readability] [data-field="words"]')
    before = words.text_content()
    page.locator("[data-readability-source]").fill(
        "We want a new park. Tell us what you would like in it. We will read every answer."
    )
    # Updated by staff.js through fetch (a CSRF-protected POST), with no page reload.
    expect(words).not_to_have_text(before or "", timeout=5000)
    assert problems == []
    page.close()
