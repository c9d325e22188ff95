"""A school or library computer: the next person must not see the last one's answers.

Closing a browser drops its session cookies and keeps the rest; a new context loaded with
the old one's storage minus its session cookies is that browser opened again.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers import make_consultation

PHONE = {"width": 360, "height": 640}
WRITTEN = "The bus stop by the park needs a light."


@pytest.fixture
def computer(browser) -> Iterator[list[object]]:  # type: ignore[no-untyped-def]
    """The browser windows of one shared computer, first to last; all closed at the end."""
    windows: list[object] = [browser.new_context(viewport=PHONE)]
    yield windows
    for window in windows:
        window.close()  # type: ignore[attr-defined]


def _close_and_reopen(browser, computer: list[object]):  # type: ignore[no-untyped-def]
    state = computer[-1].storage_state()  # type: ignore[attr-defined]
    state["cookies"] = [c for c in state["cookies"] if c["expires"] != -1]
    computer[-1].close()  # type: ignore[attr-defined]
    computer[-1] = browser.new_context(viewport=PHONE, storage_state=state)
    return computer[-1]


def _answer(page, live_server: str, slug: str, *, remember: bool) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server}/c/{slug}")
    page.get_by_label("Saturday").check()
    page.get_by_label("Your answer").fill(WRITTEN)
    if remember:
        box = page.get_by_label("Remember me on this device")
        assert not box.is_checked(), "off unless the young person ticks it"
        box.check()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url(f"**/c/{slug}/thanks")


def _what_the_next_person_sees(page, live_server: str, slug: str) -> tuple[str, bool, str]:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server}/c/{slug}")
    written = page.get_by_label("Your answer").input_value()
    saturday = page.get_by_label("Saturday").is_checked()
    page.goto(f"{live_server}/my-data")
    return written, saturday, page.locator("main").inner_text()


def test_closing_the_browser_forgets_the_answers_unless_remember_me_was_ticked(
    app, live_server, browser, computer
):
    consultation = make_consultation()
    page = computer[-1].new_page()
    _answer(page, live_server, consultation.slug, remember=False)
    # Until the browser closes, the young person can still see and change what they sent.
    assert _what_the_next_person_sees(page, live_server, consultation.slug)[:2] == (
        WRITTEN,
        True,
    )

    page = _close_and_reopen(browser, computer).new_page()
    written, saturday, my_data = _what_the_next_person_sees(page, live_server, consultation.slug)
    assert (written, saturday) == ("", False)
    assert WRITTEN not in my_data
    assert "We don’t hold anything for this browser" in my_data
    # Nor can Back or a cache bring up the pages that showed them.
    for path in (f"/c/{consultation.slug}", "/my-data"):
        assert page.goto(f"{live_server}{path}").headers["cache-control"] == "no-store", path


def test_remember_me_on_this_device_keeps_them_after_the_browser_closes(
    app, live_server, browser, computer
):
    consultation = make_consultation()
    page = computer[-1].new_page()
    _answer(page, live_server, consultation.slug, remember=True)

    page = _close_and_reopen(browser, computer).new_page()
    written, saturday, my_data = _what_the_next_person_sees(page, live_server, consultation.slug)
    assert (written, saturday) == (WRITTEN, True)
    assert WRITTEN in my_data
    page.goto(f"{live_server}/c/{consultation.slug}")
    assert page.get_by_label("Remember me on this device").is_checked()
