"""The youth pages in English, Polish and Urdu, and consultations in officers' own translations."""

from __future__ import annotations

import ast
import re
from html import unescape
from pathlib import Path

from babel.messages.catalog import Message
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import g
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import select

from consultations.db import db
from consultations.models import AGE_BANDS, Answer, ConsultationStatus, Participant
from consultations.results import DIMENSIONS, NOT_GIVEN
from consultations.staff_models import Role
from consultations.translations import save_translation
from feedback.loop_models import LspResponse, RecommendationStatus, WeDidStatus
from tests.a11y.support import demo_data
from tests.helpers import csrf_token, make_consultation, now
from tests.staff.support import page as page_html
from tests.staff.support import sign_in, text_of
from webapp.i18n import AGE_BAND_LABELS, SHOWN_ELSEWHERE, age_band_label, language_cookie, translate

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "webapp" / "translations"


def _html(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


def _key(message: Message) -> tuple[str | None, tuple[str, ...]]:
    """A message's context and id, with both halves of a plural id.

    read_mo gives a plural id as a list and a context as bytes; read_po as a tuple and str.
    """
    context = message.context
    if isinstance(context, bytes):
        context = context.decode("utf-8")
    return context, _forms(message.id)


def _forms(text: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    return tuple(text) if isinstance(text, list | tuple) else (text,)


def _done(message: Message) -> bool:
    return all(_forms(message.string))


def test_the_browsers_language_is_the_first_guess(app, client):
    make_consultation()
    polish = _html(client.get("/", headers={"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"}))
    assert '<html lang="pl" dir="ltr">' in polish
    assert "Wyraź swoje zdanie" in polish and "min czytania" in polish
    urdu = _html(app.test_client().get("/", headers={"Accept-Language": "ur"}))
    assert '<html lang="ur" dir="rtl">' in urdu
    assert "اپنی رائے دیں" in urdu
    other = _html(app.test_client().get("/", headers={"Accept-Language": "de-DE,de"}))
    assert '<html lang="en" dir="ltr">' in other and "Have your say" in other


def test_the_picker_sets_a_cookie_that_beats_the_browser_and_goes_back(app, client):
    consultation = make_consultation()
    page = f"/c/{consultation.slug}"
    token = csrf_token(_html(client.get(page)))
    picked = client.post("/language", data={"csrf_token": token, "language": "ur", "back": page})
    assert picked.status_code == 303 and picked.headers["Location"] == page
    shown = _html(client.get(page, headers={"Accept-Language": "pl"}))
    assert 'lang="ur" dir="rtl"' in shown and "میرے جوابات بھیجیں" in shown


def test_the_picker_refuses_a_forged_post_an_unknown_language_and_outside_redirects(app, client):
    assert client.post("/language", data={"language": "pl", "back": "/"}).status_code == 400
    assert client.get_cookie(language_cookie(app)) is None
    token = csrf_token(_html(client.get("/")))
    odd = client.post("/language", data={"csrf_token": token, "language": "xx", "back": "/"})
    assert odd.status_code == 303 and client.get_cookie(language_cookie(app)) is None
    away = client.post(
        "/language",
        data={"csrf_token": token, "language": "pl", "back": "https://elsewhere.example/x"},
    )
    assert away.headers["Location"] == "/"
    assert client.get_cookie(language_cookie(app)).value == "pl"


def test_untranslated_strings_fall_back_to_english_never_blank(app):
    with app.test_request_context("/"), force_locale("pl"):
        assert gettext("Send my answers") == "Wyślij moje odpowiedzi"
        assert gettext("A sentence nobody has translated yet") == (
            "A sentence nobody has translated yet"
        )
    for lang in ("pl", "ur"):
        with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
            catalog = read_po(po, locale=lang)
        with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo").open("rb") as mo:
            compiled = read_mo(mo)
        written = {_key(m): _forms(m.string) for m in catalog if m.id and _done(m)}
        # The committed .mo is the .po compiled: no translation is lost or stale.
        assert {_key(m): _forms(m.string) for m in compiled if m.id} == written
        assert all(form.strip() for forms in written.values() for form in forms)
        # Plural strings have every form the language's Plural-Forms header asks for.
        assert all(len(_forms(m.string)) == catalog.num_plurals for m in catalog if m.pluralizable)


def test_every_youth_interface_string_is_translated(app):
    with (TRANSLATIONS / "messages.pot").open("rb") as pot:
        wanted = {_key(m) for m in read_po(pot) if m.id}
    for lang in ("pl", "ur"):
        with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
            done = {_key(m) for m in read_po(po) if m.id and _done(m)}
        assert wanted - done == set(), lang


def _polish(consultation):  # type: ignore[no-untyped-def]
    day, activities = consultation.questions[0], consultation.questions[1]
    save_translation(
        consultation,
        "pl",
        youth_title="Powiedz, co myślisz",
        youth_summary="Rada chce otworzyć nowy klub młodzieżowy.",
        questions={
            day.id: {
                "prompt": "Który dzień jest najlepszy?",
                "options": {str(day.options[1].id): "Piątek"},
            },
            activities.id: {"prompt": "Co byś tam robił?"},
        },
        now=now(),
    )
    db.session.commit()


def test_a_consultation_shows_the_officers_translation_and_answers_land_on_the_same_questions(
    app, client
):
    consultation = make_consultation()
    _polish(consultation)
    page = f"/c/{consultation.slug}"
    polish = client.get(page, headers={"Accept-Language": "pl"})
    shown = text_of(polish)
    assert "Powiedz, co myślisz" in shown and "Który dzień jest najlepszy?" in shown
    assert "Piątek" in shown and "Rada chce otworzyć nowy klub młodzieżowy." in shown
    # What the officer did not translate stays in English rather than going blank.
    assert "Monday" in shown and "How much do you want it?" in shown

    day = consultation.questions[0]
    sent = client.post(
        page,
        headers={"Accept-Language": "pl"},
        data={"csrf_token": csrf_token(_html(polish)), f"q{day.id}": str(day.options[1].id)},
    )
    assert sent.status_code in (200, 303)
    english = app.test_client()
    english_page = page_html(english, page)
    assert "Have your say" in english_page and "Powiedz" not in english_page
    again = english.post(
        page, data={"csrf_token": csrf_token(english_page), f"q{day.id}": str(day.options[1].id)}
    )
    assert again.status_code in (200, 303)
    answers = list(db.session.scalars(select(Answer).where(Answer.question_id == day.id)))
    assert len(answers) == 2
    assert all([c.option_id for c in a.choices] == [day.options[1].id] for a in answers)


def test_a_language_without_a_translation_shows_the_english_consultation(app, client):
    consultation = make_consultation()
    _polish(consultation)
    urdu = text_of(client.get(f"/c/{consultation.slug}", headers={"Accept-Language": "ur"}))
    assert consultation.youth_title in urdu and "Which day is best?" in urdu
    assert "میرے جوابات بھیجیں" in urdu


# --- Every youth and forum page in Polish and Urdu -------------------------------------------

LANGS = ("pl", "ur")


def _plain(text: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def _shown(response) -> str:  # type: ignore[no-untyped-def]
    return unescape(text_of(response))


def _in(app, lang: str, english: str) -> str:  # type: ignore[no-untyped-def]
    with app.test_request_context("/"), force_locale(lang):
        return _plain(gettext(english))


def _reads_in(app, lang: str, response, english: list[str]) -> None:  # type: ignore[no-untyped-def]
    """None of these English sentences is on the page, and each one's translation is."""
    assert response.status_code < 500
    shown = _shown(response)
    for sentence in english:
        translation = _in(app, lang, sentence)
        assert translation != _plain(sentence), f"{sentence!r} has no {lang} translation"
        assert _plain(sentence) not in shown, f"{lang} {response.request.path}: {sentence!r}"
        assert translation in shown, f"{lang} {response.request.path}: {translation!r}"


def _client(app, lang: str):  # type: ignore[no-untyped-def]
    # The tests' app context outlives a request, and Flask-WTF keeps the last form token
    # in it: a new browser must not inherit the previous one's.
    g.pop("csrf_token", None)
    client = app.test_client()
    client.set_cookie(language_cookie(app), lang)
    return client


def _answer(client, consultation, **extra: str):  # type: ignore[no-untyped-def]
    page = f"/c/{consultation.slug}"
    token = csrf_token(_html(client.get(page)))
    day, _, scale, free = consultation.questions
    data = {
        "csrf_token": token,
        f"q{day.id}": str(day.options[1].id),
        f"q{scale.id}": "4",
        f"q{free.id}": "Table tennis",
        **extra,
    }
    return client.post(page, data=data)


YOUTH_SENTENCES = {
    "/": [
        "Skip to content",
        "The council and its partners want to hear from young people. Pick a topic, read a "
        "short explanation, and tell them what you think.",
        "Your views go to the people who make decisions. We never ask your name.",
        "Full privacy notice",
    ],
    "/privacy": [
        "Your privacy, in plain words",
        "<strong>We never ask your name</strong>, your date of birth, or where exactly you live.",
        "We keep the counts (like “40 people picked Saturday”) because they don’t say who "
        "anyone is.",
        "Messages from us are off unless you turn them on.",
        "These work for this browser only: your code lives here. In a chat app, send "
        "<strong>/privacy</strong> or <strong>/forgetme</strong> to the bot.",
    ],
    "/privacy/full": [
        "Lawful basis",
        "Until the person asks us to forget them.",
        "So one person has one answer per question and can change or delete it.",
        "<strong>Profiling</strong>: none.",
        "Because we hold no names, we can only find someone’s data through their browser’s "
        "code or their chat account: that is also what stops anyone else asking for it.",
    ],
    "/my-data": [
        "Everything we hold about you",
        "We don’t hold anything for this browser. If you answered on another phone, computer "
        "or browser, open this page there.",
        "Save a copy of all this",
        "The copy is one file that a computer can read (a JSON file). You can open it in any "
        "notes or text app, or keep it for later.",
    ],
    "/forget-me": [
        "Delete everything about you?",
        "We don’t hold anything for this browser. If you answered on another phone, computer "
        "or browser, open this page there. In a chat app, send <strong>/forgetme</strong> to "
        "the bot.",
    ],
    "/forget-me/done": [
        "Done: everything about you is deleted",
        "We no longer hold your answers or anything else from this browser. If you answer "
        "again, you start fresh.",
        "Back to Youth Voice",
    ],
    "/you-said-we-did": [
        "What young people told the council and its partners, and what happened next.",
        "You said:",
        "We did:",
    ],
    "/chat": ["Chat with Youth Voice", "Have your say on the website"],
    "/no-such-page": ["We could not find that page.", "Not Found"],
}


def test_every_youth_page_reads_in_polish_and_urdu(app):
    demo = demo_data()
    pages = {
        **YOUTH_SENTENCES,
        f"/c/{demo.open.slug}": [
            "Send my answers",
            "About you (optional)",
            "Choose…",
            "No, I'm 13 or older",
            "A parent, carer or youth worker knows I'm doing this and says it's OK",
        ],
        f"/you-said-we-did/{demo.closed.slug}": ["You said", "We did", "The results"],
        f"/p/{demo.poll.join_code}": ["Vote"],
    }
    for lang in LANGS:
        client = _client(app, lang)
        for path, english in pages.items():
            _reads_in(app, lang, client.get(path), english)
        # The board's counts and statuses, with the language's own plural forms.
        board = _shown(client.get("/you-said-we-did"))
        people = demo.closed.respondent_count
        with app.test_request_context("/"), force_locale(lang):
            answered = ngettext(
                "%(num)s young person answered", "%(num)s young people answered", people
            )
            planned = gettext("Planned").lower()
        assert answered in board and f"({planned})" in board and "(planned)" not in board


def test_what_a_young_person_holds_and_deletes_reads_in_their_language(app):
    consultation = make_consultation()
    for lang in LANGS:
        client = _client(app, lang)
        sent = _answer(client, consultation, age_band="14-15")
        assert sent.status_code == 303
        thanks = client.get(sent.headers["Location"])
        _reads_in(app, lang, thanks, ["Thank you — your answers are in", "What happens next"])
        mine = client.get("/my-data")
        _reads_in(
            app,
            lang,
            mine,
            ["This is all of it. It is kept under a random code, not your name.", "First seen"],
        )
        shown = _shown(mine)
        assert _in(app, lang, "14 to 15") in shown and "14 to 15" not in shown
        assert _in(app, lang, "%(value)s out of 5").replace("%(value)s", "4") in shown
        forget = client.get("/forget-me")
        _reads_in(
            app,
            lang,
            forget,
            [
                "Yes, delete it all",
                "No, keep it",
                "Results that were already shared stay, but nothing in them points to you.",
            ],
        )


def test_hearing_back_on_the_web_reads_in_their_language(app):
    consultation = make_consultation()
    for lang in LANGS:
        client = _client(app, lang)
        sent = _answer(client, consultation)
        thanks = client.get(sent.headers["Location"])
        _reads_in(
            app,
            lang,
            thanks,
            ["Hear what changed, without giving your name", "Tell me in this browser"],
        )
        made = client.post("/receipt-link", data={"csrf_token": csrf_token(_html(thanks))})
        _reads_in(app, lang, made, ["Save or screenshot this now. We will not show it again."])
        link = re.search(r'id="private-link">http://testserver(/r/[^<]+)<', _html(made))
        assert link
        receipt = _client(app, lang).get(link.group(1))
        _reads_in(app, lang, receipt, ["What happened to your answers"])
        assert ('dir="rtl"' in _html(receipt)) is (lang == "ur")


def test_the_chat_page_and_its_script_speak_the_pages_language(app):
    app.config["RASA_SOCKET_URL"] = "https://rasa.example.org"
    for lang in LANGS:
        page = _client(app, lang).get("/chat")
        _reads_in(
            app,
            lang,
            page,
            [
                "Have your say by chatting, right here. No app and no account needed, so it "
                "works at any age.",
                "Connecting…",
            ],
        )
        html = unescape(_html(page))
        assert f'data-say-connected="{_in(app, lang, "Connected.")}"' in html
        assert f'placeholder="{_in(app, lang, "Type a message")}"' in html
        assert 'placeholder="Type a message"' not in html
    script = app.test_client().get("/static/chat.js")
    assert b'word("sayConnected", "Connected.")' in script.data
    script.close()


def test_the_age_band_select_is_translated_but_posts_the_stored_values(app):
    consultation = make_consultation()
    client = _client(app, "pl")
    html = _html(client.get(f"/c/{consultation.slug}"))
    # The age band's select, not the area's list of suggestions.
    age_select = html.split('name="age_band"', 1)[1].split("</select>", 1)[0]
    options = dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', age_select))
    options.update(re.findall(r'<option value="(en|pl|ur)"[^>]*>([^<]*)</option>', html))
    assert options[""] == "Wybierz…"
    assert options["11-13"] == "11–13 lat" and options["22-25"] == "22–25 lat"
    assert options["prefer_not_to_say"] == "Wolę nie mówić"
    assert set(options) - {"", "en", "pl", "ur"} == set(AGE_BANDS)
    sent = _answer(client, consultation, age_band="16-17", under_13="no")
    assert sent.status_code == 303
    stored = db.session.scalars(select(Participant.age_band)).all()
    assert stored == ["16-17"]
    urdu = _html(_client(app, "ur").get(f"/c/{consultation.slug}"))
    assert '<option value="16-17">16 سے 17</option>' in urdu


def test_the_age_bands_english_words_are_the_stored_ones_and_stay_english_outside_a_request(app):
    # Reports and commands read AGE_BANDS; the web's labels must say the same in English.
    assert {key: str(label) for key, label in AGE_BAND_LABELS.items()} == AGE_BANDS
    assert age_band_label("11 to 13") == "11 to 13" == age_band_label("11-13")
    assert translate("Planned") == "Planned"
    with app.test_request_context("/"), force_locale("pl"):
        assert age_band_label("11 to 13") == "11–13 lat" == age_band_label("11-13")
        assert age_band_label("Somewhere") == "Somewhere"
        assert translate("An officer's own words") == "An officer's own words"


def test_a_form_error_in_polish_keeps_what_was_typed(app):
    consultation = make_consultation()
    client = _client(app, "pl")
    free = consultation.questions[3]
    typed = "Stół do ping-ponga " * 20
    page = f"/c/{consultation.slug}"
    refused = client.post(
        page,
        data={
            "csrf_token": csrf_token(_html(client.get(page))),
            f"q{free.id}": typed,
            "area": "Gdzieś bardzo daleko, za siedmioma górami i siedmioma rzekami, w lesie",
            "age_band": "11-13",
        },
    )
    assert refused.status_code == 422
    html = unescape(_html(refused))
    assert typed.strip() in html and "za siedmioma górami" in html
    assert f'id="q{free.id}-error">Skróć tekst: limit znaków to 200.' in html
    assert "Odpowiedz na to pytanie." in html  # the required question left empty
    assert "Krótko: tylko dzielnica albo ST4." in html
    assert "Wybrałeś 11–13: powiedz nam, czy masz mniej niż 13 lat." in html
    for english in ("Keep it under", "Please answer this question.", "You picked 11 to 13"):
        assert english not in html
    urdu_reader = _client(app, "ur")
    urdu = urdu_reader.post(
        page, data={"csrf_token": csrf_token(_html(urdu_reader.get(page))), f"q{free.id}": typed}
    )
    assert "200 حروف سے کم رکھیں۔" in unescape(_html(urdu))


def test_refusals_from_other_layers_are_shown_in_the_readers_language(app):
    client = _client(app, "ur")
    _reads_in(
        app,
        "ur",
        client.get("/c/no-such-consultation"),
        ["Not found", "We could not find that consultation. It may have moved or been removed."],
    )
    # A mistyped poll link lands on the join box, saying so in the reader's language.
    wrong = _shown(client.get("/p/ZZZZZZ"))
    assert "کوڈ ZZZZZZ والی کوئی براہ راست ووٹنگ نہیں ہے۔" in wrong
    assert "There is no" not in wrong
    consultation = make_consultation()
    stale = _client(app, "pl").post(
        f"/c/{consultation.slug}", data={f"q{consultation.questions[3].id}": "Zachowane słowa"}
    )
    assert stale.status_code == 400
    shown = _shown(stale)
    assert "Zachowane słowa" in _html(stale)
    assert (
        _in(
            app,
            "pl",
            "This page was open for a while, so we couldn't send it safely. Nothing you typed "
            "has been lost: check your answers and press the button again.",
        )
        in shown
    )


def test_every_word_translated_from_another_layer_still_exists_there():
    # SHOWN_ELSEWHERE copies English made elsewhere; a copy whose original changed would
    # leave the page in English without anyone noticing.
    made = set()
    for folder in ("consultations", "feedback", "webapp/staff"):
        for source in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    made.add(node.value)
    # Made by code rather than written out: role labels and a consultation's status.
    made |= {role.label for role in Role} | {s.value.capitalize() for s in ConsultationStatus}
    assert [words for words in SHOWN_ELSEWHERE if words not in made] == []
    labels = [s.label for s in (*WeDidStatus, *RecommendationStatus, *LspResponse, *Role)]
    labels += [*DIMENSIONS.values(), NOT_GIVEN, "Open", "Closed"]
    assert [label for label in labels if label not in SHOWN_ELSEWHERE] == []


FORUM_SENTENCES = {
    "/forum/": ["Results of every consultation", "Latest recommendations", "Forum home"],
    "/forum/tracker": [
        "Every consultation that has closed, whether its feedback is out, and how each "
        "promise is going.",
        "You said:",
    ],
    "/forum/recommendations": [
        "Recommendations to the Local Strategic Partnership",
        "A recommendation is adopted when more than half of the forum's members vote for it, "
        "and dropped when more than half vote against.",
    ],
    "/forum/recommendations/new": [
        "Say what the partnership should do, and cite the consultation results that back it "
        "up. The forum then votes.",
        "What the partnership should do, and why",
        "Tick every one whose results back it up.",
        "Put it to the forum",
    ],
}


def test_forum_pages_in_urdu_read_right_to_left_and_in_polish_read_polish(app):
    demo = demo_data()
    pages = {
        **FORUM_SENTENCES,
        f"/forum/recommendations/{demo.recommendation.id}": [
            "Consultations cited",
            "Your vote",
            "Forum is voting",
            "Against",
        ],
        f"/forum/consultations/{demo.closed.id}/results": [
            "Written answers are shown to officers only.",
            "Answers over time",
            "Show breakdown",
            "Break down by",
        ],
    }
    for lang in LANGS:
        client = _client(app, lang)
        assert sign_in(client, demo.member).status_code == 303
        for path, english in pages.items():
            page = client.get(path)
            assert page.status_code == 200, path
            direction = "rtl" if lang == "ur" else "ltr"
            assert f'<html lang="{lang}" dir="{direction}">' in _html(page), path
            _reads_in(app, lang, page, english)
        # Officers' console links keep working from the forum, and its own error page too.
        missing = client.get("/forum/recommendations/999999")
        assert missing.status_code == 404 and f'lang="{lang}"' in _html(missing)
        _reads_in(app, lang, missing, ["There is no such recommendation."])


def test_a_forum_vote_refused_in_polish_keeps_the_page_polish(app):
    demo = demo_data()
    client = _client(app, "pl")
    sign_in(client, demo.member)
    url = f"/forum/recommendations/{demo.recommendation.id}"
    refused = client.post(f"{url}/vote", data={"csrf_token": csrf_token(_html(client.get(url)))})
    assert refused.status_code == 422
    _reads_in(app, "pl", refused, ["Nothing was saved yet", "Choose for or against."])


def test_the_forum_header_has_the_same_links_as_the_staff_console(app):
    """For officers and administrators looking on; the brand leads to the forum's home."""
    demo = demo_data()
    client = app.test_client()
    sign_in(client, demo.admin)

    def links(path: str) -> list[str]:
        header = _html(client.get(path)).split("<header", 1)[1].split("</header>", 1)[0]
        return re.findall(r'href="([^"]+)"', header)

    forum, staff = links("/forum/"), links("/staff/")
    assert forum[0] == "/forum/" and forum[1:] == staff[1:]
    member = app.test_client()
    sign_in(member, demo.member)
    assert links_of(member, "/forum/") == ["/forum/"], "a forum member sees no console links"


def links_of(client, path: str) -> list[str]:  # type: ignore[no-untyped-def]
    header = _html(client.get(path)).split("<header", 1)[1].split("</header>", 1)[0]
    return re.findall(r'href="([^"]+)"', header)


def test_staff_pages_stay_english_whatever_the_language_cookie(app):
    client = _client(app, "ur")
    login = _html(client.get("/staff/login"))
    assert '<html lang="en">' in login and "Sign in" in login
    demo = demo_data()
    sign_in(client, demo.officer)
    dashboard = _html(client.get("/staff/"))
    assert '<html lang="en">' in dashboard and "Consultations" in dashboard
    assert "مشاورتیں" not in dashboard
