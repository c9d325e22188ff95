"""A young person's rights on the web and in chat: notices, under-13s, export, erasure."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from consultations import privacy, services
from consultations.db import db
from consultations.models import Answer, Consultation, Participant, Question
from feedback import subscriptions
from tests.helpers import csrf_token, make_consultation, now
from tests.staff.support import page, text_of
from webapp.cli import retention


def _answer_on_web(client, consultation: Consultation, **extra: str):  # type: ignore[no-untyped-def]
    q = consultation.questions
    data = {
        "csrf_token": csrf_token(page(client, f"/c/{consultation.slug}")),
        f"q{q[0].id}": str(q[0].options[1].id),
        f"q{q[3].id}": "A skate park near the library",
        **extra,
    }
    return client.post(f"/c/{consultation.slug}", data=data)


# --- notices -----------------------------------------------------------------------------


def test_privacy_notices_for_young_people_and_for_adults(client):
    young = text_of(client.get("/privacy"))
    assert "We never ask your name" in young
    assert "deleted 12 months after a consultation closes" in young
    assert "See everything we hold about you" in young and "Delete everything" in young
    full = text_of(client.get("/privacy/full"))
    for must in (
        "data controller",
        "public task",
        "Article 6(1)(e)",
        "What we hold",
        "12 months after the consultation closes",
        "Your rights",
        "Children’s Code",
        "Nudge techniques",
        "Default settings",
    ):
        assert must in full, must


def test_chat_privacy_wording_says_how_long_and_how_to_get_a_copy():
    from bot import wording

    text = wording.PRIVACY.format(web_url="https://w", privacy_url="https://w/privacy")
    assert "deleted" in text and "months" in text
    assert "/forgetme" in text


def test_optional_settings_start_off(client, app):
    consultation = make_consultation()
    html = page(client, f"/c/{consultation.slug}")
    # Nothing about the young person is pre-filled or pre-ticked.
    assert "checked" not in html
    assert not re.search(r'<option selected value="[^"]', html)


# --- under 13 ----------------------------------------------------------------------------


def test_under_13_on_the_web_needs_a_grown_ups_ok(client, app):
    consultation = make_consultation()
    response = _answer_on_web(client, consultation, age_band="11-13")
    assert response.status_code == 422
    assert "please tell us if you are under 13" in text_of(response)
    assert "A skate park near the library" in response.get_data(as_text=True)

    response = _answer_on_web(client, consultation, age_band="11-13", under_13="yes")
    assert response.status_code == 422
    assert "a parent, carer or youth worker needs to say it's OK" in unescape(text_of(response))
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0

    response = _answer_on_web(
        client, consultation, age_band="11-13", under_13="yes", grown_up_ok="y"
    )
    assert response.status_code == 303
    response = _answer_on_web(client, consultation, age_band="11-13", under_13="no")
    assert response.status_code == 303


def test_under_13_with_an_access_code_needs_no_other_confirmation(client, app):
    from consultations import access_codes
    from consultations.staff_models import Role
    from tests.staff.support import make_user

    consultation = make_consultation()
    worker = make_user(Role.YOUTH_WORKER)
    access_codes.set_required(worker, consultation, True, now=now())
    code = access_codes.issue_codes(worker, consultation, 1, required=True, now=now())[0]
    db.session.commit()
    response = _answer_on_web(client, consultation, age_band="11-13", under_13="yes")
    assert response.status_code == 422
    response = _answer_on_web(
        client, consultation, age_band="11-13", under_13="yes", access_code=code
    )
    assert response.status_code == 303


def test_the_under_13_answer_is_not_stored(client, app):
    consultation = make_consultation()
    _answer_on_web(client, consultation, age_band="11-13", under_13="yes", grown_up_ok="y")
    db.session.rollback()
    participant = db.session.scalar(select(Participant))
    assert participant is not None and participant.age_band == "11-13"
    assert "under_13" not in json.dumps(privacy.participant_export(participant))


# --- export (subject access) -------------------------------------------------------------


def test_web_export_shows_and_downloads_what_this_browser_gave(client, app):
    consultation = make_consultation()
    assert _answer_on_web(client, consultation, age_band="14-15", area="ST4").status_code == 303
    shown = text_of(client.get("/my-data"))
    assert "14 to 15" in shown and "ST4" in shown
    assert "A skate park near the library" in shown and "Friday" in shown
    download = client.get("/my-data.json")
    assert download.mimetype == "application/json"
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["Cache-Control"] == "no-store"
    data = download.get_json()
    assert data["known"] is True
    assert data["profile"]["age_band"] == "14 to 15"
    answers = data["consultations"][0]["answers"]
    assert {"question": "Which day is best?", "kind": "single_choice"}.items() <= answers[0].items()
    assert answers[0]["choices"] == ["Friday"]
    assert answers[1]["text"] == "A skate park near the library"
    # Nothing that could link copies together or to a chat account.
    assert "pseudonym" not in download.get_data(as_text=True)


def test_another_browser_sees_nothing(client, app):
    consultation = make_consultation()
    _answer_on_web(client, consultation)
    other = app.test_client()
    db.session.rollback()
    from flask import g

    g.pop("csrf_token", None)
    assert other.get("/my-data.json").get_json()["known"] is False
    assert "We don’t hold anything" in text_of(other.get("/my-data"))


def test_api_export_for_a_chat_participant(api, app):
    consultation = make_consultation()
    key = app.config["PSEUDONYM_KEY"]
    participant = services.participant_for("telegram", "777", key=key)
    services.update_profile(participant, age_band="16-17", area=None)
    services.submit_answers(
        consultation,
        participant,
        [services.AnswerInput(consultation.questions[2].id, value=4)],
        channel="telegram",
        now=now(),
    )
    subscriptions.subscribe(participant, address="777", now=now())
    db.session.commit()
    response = api.get("/participants/export?channel=telegram&id=777")
    assert response.status_code == 200
    data = response.get_json()
    assert data["profile"] == {
        "channel": "telegram",
        "first_seen_at": data["profile"]["first_seen_at"],
        "age_band": "16 to 17",
        "area": None,
        "topics": [],
    }
    assert data["consultations"][0]["answers"][0]["value"] == 4
    assert data["updates"]["on"] is True and data["updates"]["address"] == "777"
    # A token can only ask about its own channel; an unknown person holds nothing.
    assert api.get("/participants/export?channel=rasa&id=777").status_code == 422
    assert api.get("/participants/export?channel=telegram&id=1").get_json()["known"] is False
    assert api.inner.get("/api/v1/participants/export?channel=telegram&id=777").status_code == 401


def test_each_package_adds_its_own_part_of_the_copy(app, monkeypatch):
    # feedback adds what it holds (the opt-in, the receipt link, the messages) as soon as it
    # is in use.
    assert privacy.export_parts() == ("updates", "receipt_link", "messages")
    monkeypatch.setattr(privacy, "_PARTS", dict(privacy._PARTS))
    privacy.register_export_part("seen_on", lambda person: [person.channel], empty=[])
    participant = services.participant_for("telegram", "778", key=app.config["PSEUDONYM_KEY"])
    subscriptions.subscribe(participant, address="778", now=now())
    db.session.commit()
    copy = privacy.participant_export(participant)
    assert copy["seen_on"] == ["telegram"]
    assert copy["updates"]["address"] == "778" and copy["messages"] == []
    nobody = privacy.participant_export(None)
    assert nobody["seen_on"] == [] and nobody["updates"] is None and nobody["messages"] == []
    assert nobody["receipt_link"] is None
    # The parts consultations makes itself cannot be replaced from above.
    with pytest.raises(ValueError):
        privacy.register_export_part("profile", lambda person: None, empty=None)


def test_export_is_in_the_openapi_document(api):
    doc = api.get("/openapi.json").get_json()
    operation = doc["paths"]["/participants/export"]["get"]
    assert operation["operationId"] == "exportParticipant"
    names = {p["name"] for p in operation["parameters"]}
    assert names == {
        "X-Participant-Channel",
        "X-Participant-Id",
        "channel",
        "id",
        "Accept-Language",
    }


# --- erasure on the web ------------------------------------------------------------------


def test_forget_me_asks_first_then_deletes_everything(client, app):
    consultation = make_consultation()
    _answer_on_web(client, consultation, age_band="16-17")
    confirm = client.get("/forget-me")
    assert "Yes, delete it all" in text_of(confirm)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 1
    response = client.post(
        "/forget-me", data={"csrf_token": csrf_token(page(client, "/forget-me"))}
    )
    assert response.status_code == 303 and response.location == "/forget-me/done"
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0
    # The consultation is still open, so its counts are taken back too.
    db.session.refresh(consultation)
    assert consultation.respondent_count == 0
    assert client.get("/my-data.json").get_json()["known"] is False
    assert "We don’t hold anything" in text_of(client.get("/forget-me"))


def test_forget_me_without_csrf_deletes_nothing(client, app):
    consultation = make_consultation()
    _answer_on_web(client, consultation)
    assert client.post("/forget-me").status_code == 400
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 1


# --- retention ---------------------------------------------------------------------------


def _closed(consultation: Consultation, when: datetime) -> None:
    services.close_consultation(consultation, now=when)
    consultation.closes_at = when
    db.session.commit()


def _answer(consultation: Consultation, who: str, text: str, app) -> None:  # type: ignore[no-untyped-def]
    participant = services.participant_for("telegram", who, key=app.config["PSEUDONYM_KEY"])
    services.submit_answers(
        consultation,
        participant,
        [
            services.AnswerInput(
                consultation.questions[0].id, option_ids=[consultation.questions[0].options[0].id]
            ),
            services.AnswerInput(consultation.questions[3].id, text=text),
        ],
        channel="telegram",
        now=now(),
    )
    db.session.commit()


def test_retention_deletes_old_written_answers_and_keeps_counts(app):
    old, recent, still_open = make_consultation(), make_consultation(), make_consultation()
    for c in (old, recent, still_open):
        _answer(c, "1", "my words", app)
        _answer(c, "2", "more words", app)
    _closed(old, now() - timedelta(days=400))
    _closed(recent, now() - timedelta(days=200))

    result = app.test_cli_runner().invoke(retention, [])
    assert result.exit_code == 0, result.output
    assert "Deleted the text of 2 written answers from 1 consultations" in result.output
    assert "Counts and results are kept" in result.output

    db.session.rollback()
    texts = dict(
        db.session.execute(
            select(Question.consultation_id, func.count(Answer.text))
            .join(Answer, Answer.question_id == Question.id)
            .group_by(Question.consultation_id)
        ).all()
    )
    assert texts == {old.id: 0, recent.id: 2, still_open.id: 2}
    db.session.refresh(old)
    assert old.respondent_count == 2
    assert old.questions[3].answer_count == 2
    assert old.questions[0].options[0].tally == 2

    again = app.test_cli_runner().invoke(retention, [])
    assert "Nothing to delete" in again.output


def test_retention_months_come_from_the_setting_or_the_option(app):
    c = make_consultation()
    _answer(c, "1", "words", app)
    _closed(c, now() - timedelta(days=100))
    app.config["RETENTION_MONTHS"] = 6
    assert "Nothing to delete" in app.test_cli_runner().invoke(retention, []).output
    out = app.test_cli_runner().invoke(retention, ["--months", "3"]).output
    assert "Deleted the text of 1 written answers" in out


def test_months_before_keeps_to_real_dates():
    assert privacy.months_before(datetime(2026, 3, 31, tzinfo=UTC), 1) == datetime(
        2026, 2, 28, tzinfo=UTC
    )
    assert privacy.months_before(datetime(2026, 1, 15, tzinfo=UTC), 12) == datetime(
        2025, 1, 15, tzinfo=UTC
    )
    assert privacy.months_before(datetime(2024, 5, 31, tzinfo=UTC), 3) == datetime(
        2024, 2, 29, tzinfo=UTC
    )


def test_a_stale_form_comes_back_with_what_was_typed_and_a_fresh_token(client, app):
    consultation = make_consultation()
    q = consultation.questions
    data = {f"q{q[0].id}": str(q[0].options[0].id), f"q{q[3].id}": "Keep the youth club open"}
    refused = client.post(f"/c/{consultation.slug}", data={**data, "csrf_token": "old"})
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "Keep the youth club open" in html
    assert "Nothing you typed has been lost" in text_of(refused)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0
    again = client.post(f"/c/{consultation.slug}", data={**data, "csrf_token": csrf_token(html)})
    assert again.status_code == 303


def test_retention_also_clears_moderated_copies_and_handled_concerns(app):
    from consultations.moderation.models import AnswerModeration, SafeguardingConcern
    from consultations.privacy import RETAINED_NO_LONGER

    old = make_consultation()
    _answer(old, "1", "my number is 07123 456789", app)
    _answer(old, "2", "i want to kill myself", app)
    _answer(old, "3", "my dad hits me when he is drunk", app)
    db.session.commit()
    concerns = db.session.scalars(select(SafeguardingConcern).order_by(SafeguardingConcern.id))
    handled, waiting = list(concerns)
    handled.handled_at = now()
    db.session.commit()
    _closed(old, now() - timedelta(days=400))

    assert app.test_cli_runner().invoke(retention, []).exit_code == 0
    db.session.expire_all()
    assert set(db.session.scalars(select(AnswerModeration.redacted_text))) == {""}
    assert db.session.get(SafeguardingConcern, handled.id).original_text == RETAINED_NO_LONGER
    # Nobody has read this one yet: its words stay until someone deals with it.
    assert "hits me" in db.session.get(SafeguardingConcern, waiting.id).original_text
