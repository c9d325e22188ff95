"""Officers write a consultation's Polish and Urdu words; young people read them and answer."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from consultations import translations
from consultations.db import db
from consultations.errors import InvalidEdit
from consultations.models import Answer, AnswerChoice, Consultation
from consultations.staff_models import AuditEntry, Role
from consultations.translations import ConsultationTranslation
from tests.helpers import csrf_token, make_consultation, now
from tests.staff.support import make_user, page, post, sign_in, text_of
from webapp.i18n import language_cookie


def _url(consultation: Consultation, language: str = "pl", suffix: str = "") -> str:
    return f"/staff/consultations/{consultation.id}/translations/{language}{suffix}"


def _polish(consultation: Consultation, **overrides: str) -> dict[str, str]:
    """Everything an officer types for the test consultation, in Polish."""
    day, activities, scale, free = consultation.questions
    return {
        "youth_title": "Powiedz, co myślisz",
        "youth_summary": "Rada chce otworzyć nowy klub młodzieżowy.\nPowiedz nam, co myślisz.",
        f"q{day.id}_prompt": "Który dzień jest najlepszy?",
        f"q{day.id}_option_{day.options[0].id}": "Poniedziałek",
        f"q{day.id}_option_{day.options[1].id}": "Piątek",
        f"q{day.id}_option_{day.options[2].id}": "Sobota",
        f"q{activities.id}_prompt": "Co byś tam robił?",
        f"q{scale.id}_prompt": "Jak bardzo tego chcesz?",
        f"q{scale.id}_min": "Wcale",
        f"q{scale.id}_max": "Bardzo",
        f"q{free.id}_prompt": "",
        **overrides,
    }


def _row(consultation: Consultation, language: str = "pl") -> ConsultationTranslation | None:
    db.session.expire_all()
    return translations.translation_for(consultation, language)


def _officer(client):  # type: ignore[no-untyped-def]
    officer = make_user(Role.OFFICER)
    assert sign_in(client, officer).status_code == 303
    return officer


# Who may use the translation pages: those who may write the consultation itself.


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.ADMIN, True),
        (Role.OFFICER, True),
        (Role.YOUTH_WORKER, False),
        (Role.FORUM_MEMBER, False),
        (Role.SAFEGUARDING_LEAD, False),
    ],
)
def test_only_those_who_write_consultations_may_translate_them(app, role, allowed):
    consultation = make_consultation()
    translations.save_translation(
        consultation, "pl", youth_title="Tytuł", youth_summary="Tekst.", now=now()
    )
    db.session.commit()
    client = app.test_client()
    assert sign_in(client, make_user(role)).status_code == 303
    gets = [
        f"/staff/consultations/{consultation.id}/translations",
        _url(consultation),
        _url(consultation, "ur"),
        _url(consultation, suffix="/delete"),
    ]
    for url in gets:
        response = client.get(url)
        assert (response.status_code == 200) is allowed, (role, url, response.status_code)
        if not allowed:
            assert response.status_code == 403
    saved = post(client, _url(consultation), _polish(consultation))
    deleted = post(client, _url(consultation, suffix="/delete"))
    if allowed:
        assert saved.status_code == 303 and deleted.status_code == 303
        assert _row(consultation) is None
    else:
        assert saved.status_code == 403 and deleted.status_code == 403
        assert _row(consultation).youth_title == "Tytuł"


def test_someone_not_signed_in_is_sent_to_sign_in(client):
    consultation = make_consultation()
    for url in (f"/staff/consultations/{consultation.id}/translations", _url(consultation)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.location.startswith("/staff/login?next=")


def test_the_editor_links_to_translations_and_unknown_languages_are_not_found(client):
    _officer(client)
    consultation = make_consultation()
    editor = page(client, f"/staff/consultations/{consultation.id}")
    assert f'href="/staff/consultations/{consultation.id}/translations"' in editor
    assert client.get(_url(consultation, "de")).status_code == 404
    assert post(client, _url(consultation, "de"), _polish(consultation)).status_code == 404
    assert client.get("/staff/consultations/999999/translations").status_code == 404


# Writing a translation.


def test_the_form_shows_the_english_beside_each_field_marked_in_its_language(client):
    _officer(client)
    consultation = make_consultation()
    day, _, scale, free = consultation.questions
    html = page(client, _url(consultation))
    for english in (consultation.youth_title, "Which day is best?", "Monday", "Not at all"):
        assert english in html
    # Every field for Polish words says so, for spell checkers and screen readers.
    inputs = re.findall(r"<(?:input|textarea)[^>]*name=\"(?:youth_|q\d)[^>]*>", html)
    assert len(inputs) == 2 + 4 + 7 + 2  # title and text, four prompts, seven options, two labels
    assert all('lang="pl"' in tag for tag in inputs)
    assert f'name="q{scale.id}_min"' in html and f'name="q{free.id}_prompt"' in html
    # The English is read out with the field it belongs to.
    prompt = next(tag for tag in inputs if f'name="q{day.id}_prompt"' in tag)
    assert f'aria-describedby="q{day.id}_prompt-english"' in prompt
    assert f'id="q{day.id}_prompt-english"' in html

    urdu = page(client, _url(consultation, "ur"))
    fields = re.findall(r"<(?:input|textarea)[^>]*name=\"(?:youth_|q\d)[^>]*>", urdu)
    assert fields and all('lang="ur"' in tag and 'dir="rtl"' in tag for tag in fields)


def test_a_saved_translation_shows_on_the_polish_youth_page_and_answers_land_on_the_same_question(
    app, client
):
    officer = _officer(client)
    consultation = make_consultation()
    day = consultation.questions[0]
    saved = post(client, _url(consultation), _polish(consultation))
    assert saved.status_code == 303
    assert saved.location == _url(consultation) + "?saved=1"
    assert "Saved." in text_of(client.get(saved.location))

    row = _row(consultation)
    assert row is not None and row.youth_title == "Powiedz, co myślisz"
    # The question left empty is not stored: it shows in English.
    assert set(row.questions) == {str(q.id) for q in consultation.questions[:3]}

    youth = app.test_client()
    youth.set_cookie(language_cookie(app), "pl")
    polish = page(youth, f"/c/{consultation.slug}")
    shown = " ".join(re.sub(r"<[^>]+>", " ", polish).split())
    for words in ("Powiedz, co myślisz", "Który dzień jest najlepszy?", "Piątek", "Wcale"):
        assert words in shown
    assert "Anything else?" in shown, "an empty field shows the English"

    sent = youth.post(
        f"/c/{consultation.slug}",
        data={"csrf_token": csrf_token(polish), f"q{day.id}": str(day.options[1].id)},
    )
    assert sent.status_code == 303
    answer = db.session.scalar(select(Answer).where(Answer.question_id == day.id))
    assert answer is not None
    chosen = db.session.scalar(
        select(AnswerChoice.option_id).where(AnswerChoice.answer_id == answer.id)
    )
    assert chosen == day.options[1].id

    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "translation_saved"))
    assert entry is not None
    assert (entry.user_id, entry.object_type, entry.object_id, entry.detail) == (
        officer.id,
        "consultation",
        consultation.id,
        "pl",
    ), "who, which consultation and which language; never the words"


def test_saving_again_rewrites_and_empty_fields_go_back_to_english(client):
    _officer(client)
    consultation = make_consultation()
    day = consultation.questions[0]
    post(client, _url(consultation), _polish(consultation))
    emptied = {f"q{day.id}_option_{o.id}": "" for o in day.options}
    assert post(client, _url(consultation), _polish(consultation, **emptied)).status_code == 303
    assert _row(consultation).questions[str(day.id)] == {
        "prompt": "Który dzień jest najlepszy?",
        "options": {},
    }
    form = page(client, _url(consultation))
    assert 'value="Który dzień jest najlepszy?"' in form, "the stored words fill the form"
    assert (
        len(
            db.session.scalars(
                select(AuditEntry).where(AuditEntry.action == "translation_saved")
            ).all()
        )
        == 2
    )


def test_errors_show_beside_their_fields_and_keep_everything_typed(client):
    _officer(client)
    consultation = make_consultation()
    day = consultation.questions[0]
    too_long = "x" * (translations.OPTION_MAX + 1)
    response = post(
        client,
        _url(consultation),
        _polish(
            consultation,
            youth_title="",
            **{f"q{day.id}_option_{day.options[0].id}": too_long},
        ),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Nothing was saved yet" in html
    assert 'id="youth_title-error">Translate the title.<' in html
    option = f"q{day.id}_option_{day.options[0].id}"
    assert f'id="{option}-error">Keep it to {translations.OPTION_MAX} characters or fewer.<' in html
    assert f'value="{too_long}"' in html
    assert 'value="Który dzień jest najlepszy?"' in html and 'value="Wcale"' in html
    assert "Rada chce otworzyć nowy klub młodzieżowy." in html
    assert 'aria-invalid="true"' in html
    assert _row(consultation) is None


def test_words_for_a_question_of_another_consultation_are_refused_not_dropped(client):
    _officer(client)
    consultation = make_consultation()
    other = make_consultation()
    stray = f"q{other.questions[0].id}_prompt"
    response = post(client, _url(consultation), _polish(consultation, **{stray: "Obce"}))
    assert response.status_code == 422
    text = text_of(response)
    assert "no longer part of this consultation" in text
    assert 'value="Powiedz, co myślisz"' in response.get_data(as_text=True)
    assert _row(consultation) is None
    # An option that is not this question's (its options were rewritten meanwhile) too.
    day = consultation.questions[0]
    response = post(
        client,
        _url(consultation),
        _polish(consultation, **{f"q{day.id}_option_{other.questions[0].options[0].id}": "Obce"}),
    )
    assert response.status_code == 422
    assert "The options of question 1 changed" in text_of(response)
    assert _row(consultation) is None


def test_the_service_refuses_what_the_form_cannot_send(app):
    consultation = make_consultation()
    day = consultation.questions[0]
    other = make_consultation()
    cases = [
        {"not-a-number": {"prompt": "x"}},
        {other.questions[0].id: {"prompt": "x"}},
        {day.id: {"options": {"abc": "x"}}},
        {day.id: {"options": {str(other.questions[0].options[0].id): "x"}}},
        {day.id: {"prompt": "x" * (translations.PROMPT_MAX + 1)}},
        {day.id: {"prompt": 7}},
    ]
    for questions in cases:
        with pytest.raises(InvalidEdit):
            translations.save_translation(
                consultation,
                "pl",
                youth_title="T",
                youth_summary="S",
                questions=questions,
                now=now(),
            )
    with pytest.raises(InvalidEdit):
        translations.save_translation(
            consultation, "pl", youth_title="T" * 151, youth_summary="S", now=now()
        )
    with pytest.raises(InvalidEdit):
        translations.save_translation(
            consultation, "de", youth_title="T", youth_summary="S", now=now()
        )
    db.session.rollback()
    assert _row(consultation) is None


# Status, staleness, preview and deleting.


def test_the_list_says_how_far_each_language_has_got(client):
    _officer(client)
    consultation = make_consultation()
    listing = f"/staff/consultations/{consultation.id}/translations"
    text = text_of(client.get(listing))
    assert text.count("Not started") == 2
    assert "Polski (Polish)" in text and "اردو (Urdu)" in text
    assert 'lang="ur" dir="rtl">اردو<' in page(client, listing)

    post(client, _url(consultation), _polish(consultation))
    text = text_of(client.get(listing))
    # The second question's options and the last question are still in English.
    assert "Partly translated: 2 of 4 questions" in text and text.count("Not started") == 1
    form = text_of(client.get(_url(consultation)))
    assert "Question 1 (Pick one) · translated" in form
    assert "Question 2 (Pick any) · partly translated" in form
    assert "Question 4 (Write an answer) · in English" in form

    free = consultation.questions[3]
    activities = consultation.questions[1]
    whole = {
        f"q{free.id}_prompt": "Coś jeszcze?",
        **{
            f"q{activities.id}_option_{o.id}": f"Zajęcie {n}"
            for n, o in enumerate(activities.options)
        },
    }
    post(client, _url(consultation), _polish(consultation, **whole))
    text = text_of(client.get(listing))
    assert "Complete" in text and "Partly" not in text
    assert f"{now().year}" in text, "when it was last saved"


def test_a_change_to_the_english_after_translating_warns_until_saved_again(client):
    _officer(client)
    consultation = make_consultation()
    listing = f"/staff/consultations/{consultation.id}/translations"
    post(client, _url(consultation), _polish(consultation))
    assert "The English was edited" not in text_of(client.get(listing))

    question = consultation.questions[2]
    edited = post(
        client,
        f"/staff/questions/{question.id}",
        {
            "prompt": "How much would you like it?",
            "scale_min_label": "Not at all",
            "scale_max_label": "A lot",
            "max_length": "500",
        },
    )
    assert edited.status_code == 303
    assert "The English was edited" in text_of(client.get(listing))
    form = text_of(client.get(_url(consultation)))
    assert "The English was edited" in form and "How much would you like it?" in form
    # Only the language whose translation is older is flagged; one not started is not.
    assert text_of(client.get(listing)).count("The English was edited") == 1

    assert post(client, _url(consultation), _polish(consultation)).status_code == 303
    assert "The English was edited" not in text_of(client.get(listing))


def test_staleness_compares_the_audit_log_with_when_the_translation_was_saved(app):
    consultation = make_consultation()
    officer = make_user(Role.OFFICER)
    then = now()
    translations.save_translation(
        consultation, "pl", youth_title="T", youth_summary="S", now=then, actor=officer
    )
    db.session.commit()
    [polish, urdu] = translations.translation_statuses(consultation)
    assert polish.state == "partial" and not polish.stale and urdu.state == "not_started"
    from consultations import audit

    # Moving a question changes no words, so it is not a reason to warn.
    audit.record(
        officer,
        "question_moved",
        "question",
        consultation.questions[0].id,
        now=then + timedelta(minutes=1),
    )
    assert not translations.translation_statuses(consultation)[0].stale
    audit.record(
        officer, "question_added", "consultation", consultation.id, now=then + timedelta(minutes=2)
    )
    status = translations.translation_statuses(consultation)[0]
    assert status.stale and status.english_changed_at == then + timedelta(minutes=2)


def test_the_preview_shows_the_youth_page_in_the_language_asked_for(app, client):
    _officer(client)
    consultation = make_consultation(open_it=False)
    post(client, _url(consultation), _polish(consultation))
    preview = f"/staff/consultations/{consultation.id}/preview"
    polish = client.get(f"{preview}?lang=pl")
    assert polish.status_code == 200
    html = polish.get_data(as_text=True)
    assert 'class="phone-screen youth-preview" lang="pl" dir="ltr"' in html
    assert "Powiedz, co myślisz" in html and "Piątek" in html
    assert "Wyślij moje odpowiedzi" in html, "the youth page's own words in Polish too"
    assert '<html lang="en">' in html, "the console around it stays English"
    # A phrase left in English says so, for screen readers.
    assert 'lang="en" dir="ltr">Anything else?<' in html

    urdu = client.get(f"{preview}?lang=ur").get_data(as_text=True)
    assert 'class="phone-screen youth-preview" lang="ur" dir="rtl"' in urdu
    assert "Have your say" in urdu, "no Urdu translation yet: the English title"

    # Without ?lang, and with anything unknown, the preview is English whatever the cookie.
    client.set_cookie(language_cookie(app), "pl")
    for url in (preview, f"{preview}?lang=de"):
        english = client.get(url).get_data(as_text=True)
        assert "Powiedz" not in english and "Send my answers" in english
    listing = page(client, f"/staff/consultations/{consultation.id}/translations")
    assert f'href="{preview}?lang=pl"' in listing and f'href="{preview}?lang=ur"' in listing


def test_deleting_asks_first_then_removes_it_and_the_audit_log_notes_it(app, client):
    officer = _officer(client)
    consultation = make_consultation()
    post(client, _url(consultation), _polish(consultation))
    delete = _url(consultation, suffix="/delete")
    assert f'href="{delete}"' in page(client, _url(consultation))

    confirm = client.get(delete)
    assert confirm.status_code == 200
    assert "Delete the Polish translation?" in text_of(confirm)
    assert _row(consultation) is not None, "opening the question deletes nothing"

    done = post(client, delete)
    assert done.status_code == 303
    assert done.location == f"/staff/consultations/{consultation.id}/translations?deleted=pl"
    assert "The Polish translation is deleted" in text_of(client.get(done.location))
    assert _row(consultation) is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "translation_deleted"))
    assert (entry.user_id, entry.object_id, entry.detail) == (officer.id, consultation.id, "pl")

    youth = app.test_client()
    youth.set_cookie(language_cookie(app), "pl")
    assert "Have your say" in text_of(youth.get(f"/c/{consultation.slug}"))
    # Pressed twice, or gone already: no error, and nothing more in the audit log.
    assert post(client, delete).status_code == 303
    assert client.get(delete).status_code == 404
    assert (
        len(
            db.session.scalars(
                select(AuditEntry).where(AuditEntry.action == "translation_deleted")
            ).all()
        )
        == 1
    )


def test_a_consultation_with_a_deleted_question_keeps_its_other_words(client):
    _officer(client)
    consultation = make_consultation(open_it=False)
    post(client, _url(consultation), _polish(consultation))
    scale = consultation.questions[2]
    assert post(client, f"/staff/questions/{scale.id}/delete").status_code == 303
    response = client.get(_url(consultation))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Jak bardzo" not in html and 'value="Który dzień jest najlepszy?"' in html
    listing = text_of(client.get(f"/staff/consultations/{consultation.id}/translations"))
    assert "Partly translated: 1 of 3 questions" in listing
