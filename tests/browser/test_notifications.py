"""Browser notifications in a real Chromium: the site's service worker shows what a push
brings (delivered through the DevTools protocol, as a push service would), and the button
offered after answering turns into words a young person can act on."""

from __future__ import annotations

import json
import time

import pytest

from tests.conftest import ARTIFACTS
from tests.helpers import make_consultation

NOTIFICATIONS = """async () => {
  const registration = await navigator.serviceWorker.ready;
  const shown = await registration.getNotifications();
  return shown.map(n => ({title: n.title, body: n.body, tag: n.tag, url: n.data && n.data.url}));
}"""


@pytest.fixture
def tab(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 360, "height": 640})
    context.grant_permissions(["notifications"], origin=live_server)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def _answer(page, live_server: str, consultation) -> None:  # type: ignore[no-untyped-def]
    day = consultation.questions[0]
    page.goto(f"{live_server}/c/{consultation.slug}")
    page.get_by_label(day.options[1].label, exact=True).check()
    with page.expect_navigation():
        page.locator("form.answers button[type=submit]").click()
    assert page.url.endswith(f"/c/{consultation.slug}/thanks")


def _registration_id(cdp, page, live_server: str) -> str:  # type: ignore[no-untyped-def]
    found: list[str] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: found.extend(
            r["registrationId"]
            for r in event["registrations"]
            if r["scopeURL"] == f"{live_server}/" and not r.get("isDeleted")
        ),
    )
    cdp.send("ServiceWorker.enable")
    page.evaluate(
        "async () => { await navigator.serviceWorker.register('/sw.js', {scope: '/'});"
        " await navigator.serviceWorker.ready; }"
    )
    deadline = time.monotonic() + 10
    while not found and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert found, "the service worker never registered"
    return found[-1]


def test_the_service_worker_shows_a_pushed_message_as_a_notification(app, live_server, tab):
    consultation = make_consultation()
    _answer(tab, live_server, consultation)
    # With scripts and a browser that can do it, the choice is offered.
    assert tab.get_by_role("button", name="Tell me in this browser").is_visible()

    cdp = tab.context.new_cdp_session(tab)
    registration = _registration_id(cdp, tab, live_server)
    message = {
        "title": "Youth Voice",
        "body": f"“{consultation.youth_title}”: thank you for taking part.",
        "url": f"{live_server}/you-said-we-did/{consultation.slug}",
        "tag": "feedback:1:1",
    }
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": live_server, "registrationId": registration, "data": json.dumps(message)},
    )
    shown: list[dict[str, str]] = []
    deadline = time.monotonic() + 10
    while not shown and time.monotonic() < deadline:
        tab.wait_for_timeout(100)
        shown = tab.evaluate(NOTIFICATIONS)
    assert shown == [message]

    # The same message again replaces it (same tag) rather than showing twice; a link to
    # another site is never opened from a notification.
    stranger = {**message, "url": "https://elsewhere.example/phish", "tag": "feedback:1:1"}
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": live_server, "registrationId": registration, "data": json.dumps(stranger)},
    )
    deadline = time.monotonic() + 10
    while shown[0]["url"] == message["url"] and time.monotonic() < deadline:
        tab.wait_for_timeout(100)
        shown = tab.evaluate(NOTIFICATIONS)
    assert len(shown) == 1 and shown[0]["url"] == f"{live_server}/"
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "notifications_thanks.png"), full_page=True)


def test_the_private_link_is_shown_once_and_opens_in_another_browser(
    app, browser, live_server, tab
):
    consultation = make_consultation()
    _answer(tab, live_server, consultation)
    tab.get_by_role("button", name="Get my private link").click()
    tab.wait_for_selector("#private-link")
    link = tab.locator("#private-link").inner_text()
    assert link.startswith("http://testserver/r/")
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "private_link.png"), full_page=True)

    other = browser.new_context(viewport={"width": 360, "height": 640})
    try:
        page = other.new_page()
        page.goto(live_server + link.removeprefix("http://testserver"))
        assert page.get_by_role("heading", name=consultation.youth_title).is_visible()
        page.screenshot(path=str(ARTIFACTS / "receipt_page.png"), full_page=True)
    finally:
        other.close()
