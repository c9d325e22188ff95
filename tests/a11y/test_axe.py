"""Every page in the test list passes axe-core's WCAG 2.2 A and AA rules in Chromium.

A young person on a screen reader, a phone or a keyboard gets the same consultation as
everyone else; staff pages are checked too, as officers and forum members use them.
"""

from __future__ import annotations

from tests.a11y.support import axe_violations, demo_data, sign_in_page, youth_paths


def _check(page, base: str, paths: list[str]) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    found = {}
    for path in paths:
        page.goto(f"{base}{path}")
        problems = axe_violations(page)
        if problems:
            found[path] = problems
    return found


def test_youth_pages_have_no_wcag_violations(app, live_server, page):
    demo = demo_data()
    found = _check(page, live_server, youth_paths(demo))
    # The form with its errors shown: sent without the one required answer.
    page.goto(f"{live_server}/c/{demo.open.slug}")
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_load_state()
    assert page.locator("[aria-invalid=true]").count() >= 1
    if errors := axe_violations(page):
        found["form with errors"] = errors
    # The thanks page, after a real answer.
    page.get_by_label("Friday").check()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url(f"**/c/{demo.open.slug}/thanks")
    if thanks := axe_violations(page):
        found["thanks"] = thanks
    assert found == {}


def test_staff_pages_have_no_wcag_violations(app, live_server, page):
    demo = demo_data()
    page.set_viewport_size({"width": 1280, "height": 800})
    found = _check(page, live_server, ["/staff/login"])
    sign_in_page(page, live_server, demo.officer, "/staff/")
    found |= _check(
        page,
        live_server,
        [
            "/staff/",
            "/staff/consultations/new",
            f"/staff/consultations/{demo.open.id}",
            f"/staff/consultations/{demo.open.id}/translations",
            f"/staff/consultations/{demo.open.id}/translations/pl",
            f"/staff/consultations/{demo.open.id}/translations/ur",
            f"/staff/consultations/{demo.open.id}/translations/pl/delete",
            f"/staff/consultations/{demo.open.id}/preview?lang=ur",
            f"/staff/consultations/{demo.closed.id}/results",
            f"/staff/consultations/{demo.closed.id}/feedback",
            f"/staff/consultations/{demo.closed.id}/feedback/preview",
            f"/staff/consultations/{demo.open.id}/close",
            f"/staff/questions/{demo.closed.questions[-1].id}/answers",
            "/staff/moderation",
            "/staff/reports",
        ],
    )
    # The translation form with its errors shown: the title left empty.
    page.goto(f"{live_server}/staff/consultations/{demo.open.id}/translations/ur")
    page.get_by_role("button", name="Save the Urdu translation").click()
    page.wait_for_load_state()
    assert page.locator("[aria-invalid=true]").count() >= 1
    if errors := axe_violations(page):
        found["translation form with errors"] = errors
    page.context.clear_cookies()
    sign_in_page(page, live_server, demo.worker, "/staff/polls")
    found |= _check(
        page,
        live_server,
        ["/staff/polls", "/staff/polls/new", f"/staff/polls/{demo.poll.id}/screen"],
    )
    page.context.clear_cookies()
    sign_in_page(page, live_server, demo.admin, "/staff/users")
    found |= _check(page, live_server, ["/staff/users", "/staff/audit", "/staff/safeguarding"])
    assert found == {}


def test_forum_pages_have_no_wcag_violations(app, live_server, page):
    demo = demo_data()
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in_page(page, live_server, demo.member, "/forum/")
    found = _check(
        page,
        live_server,
        [
            "/forum/",
            f"/forum/consultations/{demo.closed.id}/results",
            "/forum/tracker",
            "/forum/recommendations",
            "/forum/recommendations/new",
            f"/forum/recommendations/{demo.recommendation.id}",
            "/forum/report",
            "/forum/report?consultation=&start=&end=&format=pdf",  # the form with an error
        ],
    )
    assert found == {}


def test_the_checker_itself_catches_a_missing_label_and_poor_contrast(page):
    # Without this, a harness that silently ran no rules would pass every page above.
    page.set_content(
        '<html lang="en"><title>x</title><main><h1>Form</h1>'
        '<input type="text"><p style="color:#bbb;background:#fff">Faint words</p></main></html>'
    )
    found = " ".join(axe_violations(page))
    assert "label" in found and "color-contrast" in found


def test_youth_pages_in_polish_and_urdu_have_no_wcag_violations(app, live_server, page):
    demo = demo_data()
    found = {}
    for lang in ("pl", "ur"):
        page.set_extra_http_headers({"Accept-Language": lang})
        for path, problems in _check(page, live_server, youth_paths(demo)).items():
            found[f"{lang} {path}"] = problems
        assert page.evaluate("document.documentElement.lang") == lang
    assert found == {}


def test_forum_pages_in_urdu_have_no_wcag_violations(app, live_server, page):
    demo = demo_data()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.set_extra_http_headers({"Accept-Language": "ur"})
    sign_in_page(page, live_server, demo.member, "/forum/")
    found = _check(
        page,
        live_server,
        [
            "/forum/",
            f"/forum/consultations/{demo.closed.id}/results",
            "/forum/tracker",
            "/forum/recommendations/new",
            f"/forum/recommendations/{demo.recommendation.id}",
            "/forum/report",
        ],
    )
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert found == {}


def test_a_returning_young_persons_pages_have_no_wcag_violations_in_every_language(
    app, live_server, page
):
    """The failed send, the help after a disclosure, the home page marking what was
    answered, and the form filled in again, in English, Polish and Urdu."""
    from tests.moderation.support import DISCLOSURE

    demo = demo_data()
    day, free = demo.open.questions[0], demo.open.questions[-1]
    found = {}
    for lang in ("en", "pl", "ur"):
        page.context.clear_cookies()
        page.set_extra_http_headers({"Accept-Language": lang})
        page.goto(f"{live_server}/c/{demo.open.slug}")
        page.locator(f"#q{free.id}").fill(DISCLOSURE)
        with page.expect_navigation():
            page.locator("form.answers button[type=submit]").click()
        assert page.evaluate("document.activeElement.id") == "error-summary"
        steps = {"failed send": axe_violations(page)}
        page.locator(f"#q{day.id}-1").check()
        page.locator("#age_band").select_option("16-17")
        page.locator("#area").fill("ST4")
        page.locator("form.answers button[type=submit]").click()
        page.wait_for_url(f"**/c/{demo.open.slug}/thanks")
        assert page.locator(".support").count() == 1
        steps["help after a disclosure"] = axe_violations(page)
        page.goto(f"{live_server}/")
        assert page.locator(".answered").count() == 1
        steps["home, answered"] = axe_violations(page)
        page.goto(f"{live_server}/c/{demo.open.slug}")
        assert page.locator(".notice.kept").count() == 2
        steps["answering again"] = axe_violations(page)
        page.goto(f"{live_server}/my-data")
        steps["your data"] = axe_violations(page)
        for step, problems in steps.items():
            if problems:
                found[f"{lang} {step}"] = problems
    assert found == {}
