"""A disclosure in Polish or Urdu is heard like one in English: an urgent concern, and help in
the young person's language on every channel, whatever the language of the page."""

from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import select

from consultations import words
from consultations.db import db
from consultations.moderation import review
from consultations.moderation.models import SafeguardingConcern, TensionSignal
from tests.helpers import make_consultation
from tests.moderation.support import api_submit, web_submit
from tests.staff.support import text_of
from webapp.i18n import language_cookie

POLISH = "mój ojczym mnie bije i boję się wracać do domu"
URDU = "سوتیلا باپ مجھے مارتا ہے اور کسی کو بتاؤں تو کہتا ہے جان سے مار دوں گا"
ROMAN_URDU = "mera sautela baap mujhe roz maarta hai, ghar jaane se darr lagta hai"
DISCLOSURES = [("pl", POLISH), ("ur", URDU), ("ur", ROMAN_URDU)]


def _concerns() -> list[SafeguardingConcern]:
    db.session.expire_all()
    return list(db.session.scalars(select(SafeguardingConcern).order_by(SafeguardingConcern.id)))


def _help_lines(lang: str) -> list[str]:
    return [line for line in words.text("SAFEGUARDING", lang).split("\n") if line.strip()]


def _shown(response) -> str:  # type: ignore[no-untyped-def]
    return unescape(text_of(response))


@pytest.mark.parametrize(("lang", "text"), DISCLOSURES)
def test_a_disclosure_on_an_english_page_raises_a_concern_and_shows_help_in_both(
    client, lang, text
):
    c = make_consultation()
    sent = web_submit(client, c, text)
    # Post, redirect, get: the help waits on the thank-you page.
    assert sent.status_code == 303
    response = client.get(sent.location)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    shown = _shown(response)
    # Their own language, marked as such so it reads right, and the page's English.
    assert f'lang="{lang}" dir="{"rtl" if lang == "ur" else "ltr"}"' in html
    for line in _help_lines(lang) + _help_lines("en"):
        assert line in shown
    assert 'href="tel:08001111"' in html and 'href="tel:999"' in html
    [concern] = _concerns()
    assert concern.original_text == text
    assert concern.channel == "web"
    assert "abuse" in concern.category_kinds
    assert concern.handled_at is None


@pytest.mark.parametrize(("lang", "text"), DISCLOSURES)
def test_a_disclosure_on_its_own_languages_page_gets_that_language_once(client, lang, text):
    c = make_consultation()
    client.set_cookie(language_cookie(client.application), lang)
    sent = web_submit(client, c, text)
    assert sent.status_code == 303
    response = client.get(sent.location)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for line in _help_lines(lang):
        assert line in _shown(response)
    assert html.count('class="support-words"') == 1
    assert len(_concerns()) == 1


@pytest.mark.parametrize(("lang", "text"), DISCLOSURES)
@pytest.mark.parametrize("channel", ["telegram", "rasa"])
def test_a_disclosure_through_the_api_brings_help_in_the_written_language(
    client, lang, text, channel
):
    c = make_consultation()
    response = api_submit(client, c, text, channel=channel)
    assert response.status_code == 200, response.json
    support = response.json["support"]
    assert support["safeguarding"] is True
    assert support["languages"] == ["en", lang]
    english = words.support_message(safeguarding=True, tension=False)
    own = words.support_message(safeguarding=True, tension=False, lang=lang)
    assert own != english
    assert support["message"] == f"{english}\n\n{own}"
    assert support["childline"] == "0800 1111" and support["emergency"] == "999"
    [concern] = _concerns()
    assert concern.channel == channel
    assert concern.original_text == text


def test_a_chat_set_to_polish_gets_the_polish_help_alone(client):
    c = make_consultation()
    free = c.questions[-1]
    from tests.conftest import CHANNEL_TOKENS

    response = client.post(
        f"/api/v1/consultations/{c.slug}/answers",
        json={
            "participant": {"channel": "telegram", "id": "pl-1"},
            "answers": [{"question_id": free.id, "text": POLISH}],
        },
        headers={"Authorization": f"Bearer {CHANNEL_TOKENS['telegram']}", "Accept-Language": "pl"},
    )
    support = response.json["support"]
    assert support["languages"] == ["pl"]
    assert support["message"] == words.support_message(safeguarding=True, tension=False, lang="pl")


@pytest.mark.parametrize(
    ("text", "signal", "abusive"),
    [
        (
            "muzułmanie niszczą ten kraj i nie powinni tu budować meczetów",
            "hostility_between_groups",
            True,
        ),
        (
            "ktoś krzyczał na mamę wracaj do polski i napluł na nią w autobusie",
            "hate_incident",
            False,
        ),
        ("boję się chodzić przez park w nocy, stoją tam dilerzy", "fear_in_area", False),
        ("گورے سب نسل پرست ہوتے ہیں، ایک بھی اچھا نہیں", "hostility_between_groups", False),
        ("gali me gore larkon ne ammi ka hijab kheencha aur hanse", "hate_incident", False),
        ("ہینلی میں رات کو بہت ڈر لگتا ہے، گینگ ہوتے ہیں", "fear_in_area", False),
    ],
)
def test_tension_in_polish_and_urdu_reaches_the_monitor_and_the_queue(
    client, text, signal, abusive
):
    c = make_consultation()
    response = api_submit(client, c, text)
    support = response.json["support"]
    assert support["tension"] is True
    assert support["hate_reporting"] == words.HATE_REPORTING_URL
    db.session.expire_all()
    [found] = db.session.scalars(select(TensionSignal)).all()
    assert found.category == signal
    [item] = review.queue_page("all").items
    assert any("Community tension" in reason for reason in item.reasons)
    assert item.record.abusive is abusive


@pytest.mark.parametrize(
    ("text", "hidden", "reason"),
    [
        ("jesteście debile w tym councilu, banda nierobów", None, "Abusive or hateful language"),
        ("ye survey banane wale bewakoof log hain", None, "Abusive or hateful language"),
        ("nazywam się Wiktoria Lewandowska i chcę do forum", "Wiktoria", "Personal data removed"),
        ("میرا نام زینب حسین ہے، فورم میں آنا چاہتی ہوں", "زینب", "Personal data removed"),
        (
            "mera naam hamza iqbal hai aur mujhe cricket nets chahiye",
            "hamza",
            "Personal data removed",
        ),
        ("kurwa, autobus znowu się spóźnił", "kurwa", "Swearing masked"),
    ],
)
def test_abuse_personal_data_and_swearing_in_polish_and_urdu_are_moderated(
    client, text, hidden, reason
):
    c = make_consultation()
    assert api_submit(client, c, text).status_code == 200
    [item] = review.queue_page("all").items
    assert reason in item.reasons
    if hidden is not None:
        assert hidden not in item.record.redacted_text
    if reason.startswith("Abusive"):
        assert item.record.abusive


def test_a_rule_hit_that_reads_like_everyday_talk_is_held_with_its_reason_not_urgent(client):
    # "got locked in" is how a disclosure of being shut in starts; the escape room makes it
    # everyday talk.
    c = make_consultation()
    text = "the escape room was so scary, we got locked in for an hour"
    response = api_submit(client, c, text)
    assert "support" not in response.json
    assert _concerns() == []
    [item] = review.queue_page("held").items
    assert any(reason.startswith("Safeguarding") for reason in item.reasons)
    assert item.record.held
