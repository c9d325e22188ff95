"""Around the web form: a failed send, coming back, the thank-you page, closed consultations,
the home page and the words on the privacy and data pages, as a young person meets them."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta
from html import unescape

from flask import g
from sqlalchemy import select

from consultations import charts, services, translations
from consultations.db import db
from consultations.models import Participant
from consultations.staff_models import Role
from feedback import outcomes
from tests.feedback.support import closed_consultation
from tests.helpers import csrf_token, make_consultation, now
from tests.staff.support import make_user, text_of
from tests.staff.support import page as page_html
from webapp.i18n import language_cookie
from webapp.rendering import nice_date
from webapp.youth.kept_support import SUPPORT_SECONDS


def _send(client, consultation, **data: object):  # type: ignore[no-untyped-def]
    page = f"/c/{consultation.slug}"
    return client.post(page, data={"csrf_token": csrf_token(page_html(client, page)), **data})


def _answers(consultation, **extra: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    day, _, _, free = consultation.questions
    return {f"q{day.id}": str(day.options[1].id), f"q{free.id}": "Table tennis", **extra}


def _new_browser(app):  # type: ignore[no-untyped-def]
    # The tests' app context outlives a request and Flask-WTF keeps the last form token in
    # it: another browser must not inherit it.
    g.pop("csrf_token", None)
    return app.test_client()


def _publish(consultation) -> None:  # type: ignore[no-untyped-def]
    officer = make_user(Role.OFFICER)
    outcomes.save_you_said(officer, consultation, "You want clubs open later.", now=now())
    outcomes.add_we_did(
        officer, consultation, action="Open until 9pm", partner="Youth Service", now=now()
    )
    outcomes.publish_feedback(officer, consultation, now=now(), link="http://x/board")
    db.session.commit()


# --- A failed send -----------------------------------------------------------------------------


def test_a_failed_send_puts_the_problems_first_each_linked_to_its_field(client):
    c = make_consultation()
    day, _, _, free = c.questions
    refused = _send(client, c, **{f"q{free.id}": "x" * 201, "age_band": "11-13"})
    assert refused.status_code == 422
    html = unescape(refused.get_data(as_text=True))
    main = html.split('<main id="main">', 1)[1]
    # The summary is the first thing in the page, before the consultation's long text.
    assert main.lstrip().startswith('<div class="error-summary" id="error-summary"')
    summary = main.split("</div>", 1)[0]
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary and "autofocus" in summary
    links = dict(re.findall(r'<a href="#([^"]+)">(.*?)</a>', summary, re.S))
    # A list of choices is reached through its first choice, a written answer directly.
    assert set(links) == {f"q{day.id}-0", f"q{free.id}", "under_13-0"}
    assert "Which day is best?" in links[f"q{day.id}-0"]
    assert "Please answer this question." in links[f"q{day.id}-0"]
    assert "Keep it under 200 characters." in links[f"q{free.id}"]
    for target in links:
        assert f'id="{target}"' in html, target
    assert re.search(r"<title>Error: Have your say \d+ · Youth Voice</title>", html)
    # Nothing typed was lost on the way.
    assert "x" * 201 in html


def test_a_line_break_counts_once_as_the_browser_counts_it(client):
    c = make_consultation()
    _, _, _, free = c.questions
    # 200 characters in the box, as the browser counts them against maxlength=200, but 203
    # as sent, with each of the three line breaks as CR LF.
    typed = "\r\n".join(["a" * 49, "b" * 49, "c" * 49, "d" * 50])
    assert len(typed.replace("\r\n", "\n")) == 200
    assert _send(client, c, **_answers(c, **{f"q{free.id}": typed})).status_code == 303


# --- Coming back -------------------------------------------------------------------------------


def test_coming_back_says_so_and_shows_the_age_and_area_kept(client):
    c = make_consultation()
    other = make_consultation()
    assert _send(client, c, **_answers(c, age_band="16-17", area="ST4")).status_code == 303
    again = page_html(client, f"/c/{c.slug}")
    assert "You’ve already answered this." in unescape(again)
    assert re.search(r'<option selected value="16-17">|<option value="16-17" selected>', again)
    kept_area = re.compile(r'<input[^>]*name="area"[^>]*value="ST4"')
    assert kept_area.search(again) and "We kept your age and area" in unescape(again)
    # Another consultation keeps the age and area too, but it has not been answered.
    elsewhere = unescape(page_html(client, f"/c/{other.slug}"))
    assert "We kept your age and area" in elsewhere
    assert "You’ve already answered this." not in elsewhere
    # Someone else at another browser sees none of it.
    stranger = unescape(page_html(_new_browser(client.application), f"/c/{c.slug}"))
    assert "You’ve already answered" not in stranger and not kept_area.search(stranger)


def test_emptying_the_kept_area_removes_it(client):
    c = make_consultation()
    _send(client, c, **_answers(c, age_band="16-17", area="ST4"))
    assert _send(client, c, **_answers(c, age_band="16-17", area="")).status_code == 303
    db.session.expire_all()
    person = db.session.scalar(select(Participant))
    assert (person.age_band, person.area) == ("16-17", None)


# --- The thank-you page ------------------------------------------------------------------------


def test_thanks_says_how_many_young_people_answered(app, client):
    c = make_consultation()
    first = client.get(_send(client, c, **_answers(c)).location)
    assert "You’re the first young person to answer this one." in unescape(text_of(first))
    second_browser = _new_browser(app)
    second = second_browser.get(_send(second_browser, c, **_answers(c)).location)
    assert "You’re one of 2 young people who answered." in unescape(text_of(second))
    polish = _new_browser(app)
    polish.set_cookie(language_cookie(app), "pl")
    shown = unescape(text_of(polish.get(_send(polish, c, **_answers(c)).location)))
    assert "Jesteś jedną z 3 młodych osób, które odpowiedziały." in shown


def test_the_help_after_a_disclosure_stays_for_a_refresh_then_goes(client, monkeypatch):
    from tests.moderation.support import CLEAN, DISCLOSURE

    c = make_consultation()
    free = c.questions[-1]
    sent = _send(client, c, **_answers(c, **{f"q{free.id}": DISCLOSURE}))
    assert sent.status_code == 303
    for _refresh in range(3):
        assert "0800 1111" in text_of(client.get(sent.location))
    # Only this consultation's thank-you page, and never what was written.
    other = make_consultation()
    assert "0800 1111" not in text_of(client.get(f"/c/{other.slug}/thanks"))
    with client.session_transaction() as session:
        # The languages the help is shown in are codes, never the young person's words.
        assert set(session["support"]) == {"slug", "safeguarding", "tension", "languages", "until"}
        assert set(session["support"]["languages"]) <= {"en", "pl", "ur"}
    # An hour on, it has gone.
    later = time.time() + SUPPORT_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert "0800 1111" not in text_of(client.get(sent.location))
    monkeypatch.undo()
    # Answering again with other words takes it away at once.
    _send(client, c, **_answers(c, **{f"q{free.id}": DISCLOSURE}))
    assert _send(client, c, **_answers(c, **{f"q{free.id}": CLEAN})).status_code == 303
    assert "0800 1111" not in text_of(client.get(sent.location))


# --- A closed consultation ---------------------------------------------------------------------


def test_a_closed_consultation_links_its_feedback_or_says_plainly_that_it_is_late(client):
    published = closed_consultation().consultation
    _publish(published)
    page = unescape(page_html(client, f"/c/{published.slug}"))
    assert f'href="/you-said-we-did/{published.slug}"' in page
    assert "See what young people said and what changed because of it" in page
    assert "We will tell you what changed by" not in page

    late = closed_consultation(closed_at=now() - timedelta(days=70)).consultation
    shown = unescape(text_of(client.get(f"/c/{late.slug}")))
    due = f"{late.feedback_due.day} {late.feedback_due:%B %Y}"
    assert f"What changed was due by {due} and is late." in shown
    assert "We will tell you" not in shown and "We will share" not in shown

    waiting = closed_consultation().consultation
    shown = unescape(text_of(client.get(f"/c/{waiting.slug}")))
    assert "We will share what changed by" in shown and "late" not in shown


# --- The home page -----------------------------------------------------------------------------


def test_home_marks_what_you_answered_and_tells_you_what_changed_because_of_you(app, client):
    mine = make_consultation()
    untouched = make_consultation()
    _send(client, mine, **_answers(mine))
    home = unescape(page_html(client, "/"))
    card = home.split(mine.youth_title, 1)[1].split("</li>", 1)[0]
    assert "You’ve answered this" in card
    assert "You’ve answered this" not in home.split(untouched.youth_title, 1)[1].split("</li>")[0]
    assert "What changed because of you" not in home

    services.close_consultation(mine, now=now())
    db.session.commit()
    _publish(mine)
    home = unescape(page_html(client, "/"))
    news = home.split("What changed because of you", 1)[1].split("</section>", 1)[0]
    assert f'href="/you-said-we-did/{mine.slug}"' in news and "Open until 9pm" in news
    # Someone who did not answer it sees it as the newest story instead.
    other = unescape(page_html(_new_browser(app), "/"))
    assert "What changed because of you" not in other
    assert "The newest story" in other and f'href="/you-said-we-did/{mine.slug}"' in other


def test_home_offers_what_is_in_your_language_first(app, client):
    english = make_consultation(closes_in=timedelta(days=3))
    polish = make_consultation(closes_in=timedelta(days=20))
    translations.save_translation(
        polish, "pl", youth_title="Po polsku", youth_summary="Tekst po polsku.", now=now()
    )
    db.session.commit()
    client.set_cookie(language_cookie(app), "pl")
    home = unescape(page_html(client, "/"))
    # Closing later, but in Polish: it comes first, and the English one says it is English.
    assert home.index("Po polsku") < home.index(english.youth_title)
    assert "1 temat jest w Twoim języku, więc jest pierwszy." in home
    english_card = home.split(english.youth_title, 1)[1].split("</li>", 1)[0]
    assert "Po angielsku" in english_card
    # In English, closing soonest first as before, and no word about languages.
    plain = unescape(page_html(_new_browser(app), "/"))
    assert plain.index(english.youth_title) < plain.index(polish.youth_title)
    assert "in your language" not in plain and "In English" not in plain


def test_every_card_shows_its_theme_with_an_icon_and_urdu_keeps_the_name_left_to_right(app):
    c = make_consultation(theme="culture")
    client = app.test_client()
    client.set_cookie(language_cookie(app), "ur")
    home = page_html(client, "/")
    card = home.split(c.youth_title, 1)[0].rsplit("<li", 1)[1]
    assert 'class="card theme-culture"' in card
    assert re.search(r'<svg class="theme-icon"[^>]*aria-hidden="true"', card)
    assert '<bdi lang="en" dir="ltr">Culture and belonging</bdi>' in card


# --- Words on the privacy and data pages --------------------------------------------------------


def test_the_full_privacy_notice_has_no_placeholder_names(app, client):
    shown = unescape(text_of(client.get("/privacy/full")))
    assert "the council or youth service that runs this site, which runs this site" not in shown
    assert "The data controller is the council or youth service that runs this site." in shown
    assert "go to that organisation’s data protection officer" in shown
    urdu = _new_browser(app)
    urdu.set_cookie(language_cookie(app), "ur")
    assert "the council or youth service" not in unescape(text_of(urdu.get("/privacy/full")))

    app.config["CONTROLLER_NAME"] = "Stoke-on-Trent City Council"
    app.config["PRIVACY_CONTACT"] = "dpo@stoke.example"
    html = urdu.get("/privacy/full").get_data(as_text=True)
    # The council's own name keeps its direction inside the Urdu sentence.
    assert '<strong><bdi lang="en" dir="ltr">Stoke-on-Trent City Council</bdi></strong>' in html
    assert '<bdi lang="en" dir="ltr">dpo@stoke.example</bdi>' in html


def test_your_data_gives_dates_in_words_and_says_plainly_what_the_download_is(client):
    c = make_consultation()
    _send(client, c, **_answers(c))
    shown = unescape(text_of(client.get("/my-data")))
    assert re.search(r"First seen \d{1,2} [A-Z][a-z]+ \d{4}", shown)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", shown)
    assert "Save a copy of all this" in shown and "Download a copy (JSON file)" not in shown


def test_a_date_is_the_day_it_is_in_the_sites_time_zone(app):
    # 23:30 UTC on 30 June is 00:30 on 1 July in London.
    assert nice_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2026"
    assert nice_date("2026-06-30T23:30:00+00:00") == "1 July 2026"
    assert nice_date(datetime(2026, 12, 30, 23, 30, tzinfo=UTC)) == "30 December 2026"
    assert nice_date(date(2026, 12, 2)) == "2 December 2026"
    assert nice_date(None) == ""


def test_a_right_to_left_chart_is_mirrored_and_its_words_read_left_to_right():
    bars = [charts.Bar("Friday night", 3, 75.0), charts.Bar("Saturday", 1, 25.0)]
    ltr = charts.bar_chart(bars, title="When?", chart_id="c")
    rtl = charts.bar_chart(bars, title="When?", chart_id="c", right_to_left=True)
    assert '<rect class="bar" x="0" y="25" width="225.0"' in ltr
    # The bar ends at the right edge and grows leftwards; the label sits on the right.
    assert f'<rect class="bar" x="{charts.WIDTH - 225.0}" y="25" width="225.0"' in rtl
    assert (
        f'<text class="label" x="{charts.WIDTH}" y="17" direction="ltr" text-anchor="end">' in rtl
    )


def test_the_board_in_urdu_draws_its_charts_mirrored(app, client):
    c = closed_consultation().consultation
    _publish(c)
    client.set_cookie(language_cookie(app), "ur")
    html = client.get(f"/you-said-we-did/{c.slug}").get_data(as_text=True)
    assert 'direction="ltr" text-anchor="end"' in html
    english = _new_browser(app).get(f"/you-said-we-did/{c.slug}").get_data(as_text=True)
    assert "text-anchor" not in english
