"""The youth pages in English, Polish and Urdu, and consultations in officers' own translations."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Message
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext
from sqlalchemy import select

from consultations.db import db
from consultations.models import Answer
from consultations.translations import save_translation
from tests.helpers import csrf_token, make_consultation, now
from tests.staff.support import page as page_html
from tests.staff.support import text_of

TRANSLATIONS = Path(__file__).resolve().parents[2] / "webapp" / "translations"


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
    assert client.get_cookie("lang") is None
    token = csrf_token(_html(client.get("/")))
    odd = client.post("/language", data={"csrf_token": token, "language": "xx", "back": "/"})
    assert odd.status_code == 303 and client.get_cookie("lang") is None
    away = client.post(
        "/language",
        data={"csrf_token": token, "language": "pl", "back": "https://elsewhere.example/x"},
    )
    assert away.headers["Location"] == "/"
    assert client.get_cookie("lang").value == "pl"


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
