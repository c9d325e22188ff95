"""What a young person meets around the form, in a real Chromium on a 360 px phone: a failed
send, the character counter, an Urdu page with English words in it, and a refresh of the
help shown after a disclosure. Everything here is done with the keyboard alone."""

from __future__ import annotations

from sqlalchemy import func, select

from consultations.db import db
from consultations.models import Answer, Consultation
from tests.helpers import make_consultation
from tests.moderation.support import DISCLOSURE

FOCUSED = "() => document.activeElement.id"
# Where the top of an element is, relative to the window, once the page has settled.
TOP = "id => document.getElementById(id).getBoundingClientRect().top"


def _press_send(page) -> None:  # type: ignore[no-untyped-def]
    page.locator("form.answers button[type=submit]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_after_a_failed_send_the_problems_have_the_focus_and_lead_to_their_fields(
    app, live_server, page
):
    consultation = make_consultation()
    day, _, _, free = consultation.questions
    page.goto(f"{live_server}/c/{consultation.slug}")
    page.get_by_label("Your answer").focus()
    page.keyboard.type("x")
    _press_send(page)

    # The page lands on what went wrong, not two screens above it, and a screen reader
    # starts there: the summary has the focus.
    assert page.title().startswith("Error: ")
    assert page.evaluate(FOCUSED) == "error-summary"
    assert 0 <= page.evaluate(TOP, "error-summary") < 640
    assert page.evaluate("window.scrollY") < 200
    summary = page.get_by_role("alert")
    assert "Which day is best?" in summary.inner_text()

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == f"#q{day.id}-0"
    page.keyboard.press("Enter")
    # The first choice of the question has the focus, with its question in view above it.
    assert page.evaluate(FOCUSED) == f"q{day.id}-0"
    assert 0 <= page.evaluate(TOP, f"q{day.id}-group") < 640
    # Arrow keys move through the choices of a radio group; Space picks one.
    page.keyboard.press("ArrowDown")
    assert page.evaluate(FOCUSED) == f"q{day.id}-1"
    page.keyboard.press("Space")
    # What was typed before the failed send is still there.
    assert page.locator(f"#q{free.id}").input_value() == "x"
    _press_send(page)
    page.wait_for_url(f"**/c/{consultation.slug}/thanks")
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Answer.id))) == 2


def test_the_counter_counts_down_as_you_type_and_says_it_when_you_pause(app, live_server, page):
    from playwright.sync_api import expect

    consultation = make_consultation()
    free = consultation.questions[-1]
    page.goto(f"{live_server}/c/{consultation.slug}")
    box = page.locator(f"#q{free.id}")
    shown = page.locator(".counter")
    said = page.locator(f"#q{free.id}-hint ~ [aria-live=polite]")
    expect(shown).to_have_text("Characters left: 200")
    assert shown.get_attribute("aria-hidden") == "true"
    box.focus()
    page.keyboard.type("Table tennis")
    expect(shown).to_have_text("Characters left: 188")
    # A screen reader hears it once typing pauses, not at every key.
    assert said.text_content() == ""
    expect(said).to_have_text("Characters left: 188", timeout=3000)
    # The limit is still written out for anyone without the script.
    assert "Up to 200 characters." in page.locator(f"#q{free.id}-hint").inner_text()
    page.keyboard.type("x" * 300)
    assert len(box.input_value()) == 200
    expect(shown).to_have_text("Characters left: 0")


RENDERED_LEFT_TO_RIGHT = """element => {
  // The first and last letters of the words as drawn: left to right puts the last (and the
  // question mark after it) to the right of the first.
  const text = element.firstChild, range = document.createRange();
  range.setStart(text, 0); range.setEnd(text, 1);
  const first = range.getBoundingClientRect();
  range.setStart(text, text.length - 1); range.setEnd(text, text.length);
  const last = range.getBoundingClientRect();
  return {direction: getComputedStyle(element).direction, lastIsRight: last.left > first.left,
          sameLine: Math.abs(last.top - first.top) < 2};
}"""


def test_an_urdu_page_with_english_words_reads_them_left_to_right(app, live_server, page):
    consultation = make_consultation(theme="culture")
    page.set_extra_http_headers({"Accept-Language": "ur"})
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server}/c/{consultation.slug}")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    prompt = page.get_by_text("Which day is best?", exact=True)
    drawn = prompt.evaluate(RENDERED_LEFT_TO_RIGHT)
    assert drawn == {"direction": "ltr", "lastIsRight": True, "sameLine": True}
    # The question's number is words of the page's language, not a bare "1." beside English
    # (which a right-to-left line shows as ".1").
    step = page.locator("legend .step").first.inner_text().strip()
    assert step == "سوال 1 از 4"
    theme = page.locator(".theme-chip bdi")
    assert theme.inner_text() == "Culture and belonging"
    assert theme.evaluate(RENDERED_LEFT_TO_RIGHT)["lastIsRight"] is True

    page.get_by_label("Friday").focus()
    page.keyboard.press("Space")
    _press_send(page)
    page.wait_for_url(f"**/c/{consultation.slug}/thanks")
    # The English title inside the Urdu sentence keeps its own direction.
    title = page.locator("main p bdi", has_text=consultation.youth_title)
    assert title.evaluate(RENDERED_LEFT_TO_RIGHT)["lastIsRight"] is True


def test_a_refresh_of_the_help_page_keeps_the_help_and_sends_nothing_again(app, live_server, page):
    from playwright.sync_api import expect

    consultation = make_consultation()
    page.goto(f"{live_server}/c/{consultation.slug}")
    page.get_by_label("Friday").focus()
    page.keyboard.press("Space")
    page.get_by_label("Your answer").focus()
    page.keyboard.type(DISCLOSURE)
    _press_send(page)
    page.wait_for_url(f"**/c/{consultation.slug}/thanks")
    expect(page.get_by_role("heading", name="Help is here if you need it")).to_be_visible()

    methods: list[str] = []
    page.on("request", lambda request: methods.append(request.method))
    page.reload()
    assert methods and set(methods) == {"GET"}
    expect(page.get_by_role("heading", name="Help is here if you need it")).to_be_visible()
    expect(page.get_by_role("link", name="Call Childline free on 0800 1111")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(Consultation, consultation.id).respondent_count == 1
