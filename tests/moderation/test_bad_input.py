"""Nothing typed into the new staff forms, or sent in their URLs, causes a server error."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consultations.db import db
from consultations.moderation.models import AnswerModeration, ModerationStatus
from consultations.staff_models import Role
from tests.helpers import make_consultation
from tests.moderation.support import DISCLOSURE, PERSONAL, api_submit, web_submit
from tests.staff.support import make_user, post, sign_in

WEIRD = ["", " ", "\x00", "é" * 6000, "<script>alert(1)</script>", "'; DROP TABLE answer;--"]


@pytest.fixture
def lead(app, client):  # type: ignore[no-untyped-def]
    c = make_consultation()
    api_submit(client, c, DISCLOSURE, uid="1")
    api_submit(client, c, PERSONAL, uid="2")
    staff = app.test_client()
    assert sign_in(staff, make_user(Role.ADMIN)).status_code == 303
    return staff


@pytest.mark.parametrize("decision", ["", "nuke", "APPROVE", "approve\x00", "redact"])
@pytest.mark.parametrize("text", WEIRD)
def test_decisions_with_odd_input_are_refused_politely(lead, decision, text):
    answer_id = db.session.scalar(select(AnswerModeration.answer_id))
    response = post(
        lead,
        f"/staff/moderation/answers/{answer_id}",
        {"decision": decision, "redacted_text": text},
    )
    assert response.status_code in (303, 422), response.status_code
    if response.status_code == 422:
        body = response.get_data(as_text=True)
        assert 'role="alert"' in body
        assert "<script>alert(1)</script>" not in body  # what was typed is escaped


def test_a_refused_redaction_keeps_what_was_typed(lead):
    answer_id = db.session.scalar(select(AnswerModeration.answer_id))
    typed = "x" * 5001
    response = post(
        lead,
        f"/staff/moderation/answers/{answer_id}",
        {"decision": "redact", "redacted_text": typed},
    )
    assert response.status_code == 422
    assert typed in response.get_data(as_text=True)
    db.session.expire_all()
    record = db.session.scalar(
        select(AnswerModeration).where(AnswerModeration.answer_id == answer_id)
    )
    assert record is not None and record.status is ModerationStatus.ESCALATED


@pytest.mark.parametrize(
    "path",
    [
        "/staff/moderation/answers/999999",
        "/staff/moderation/answers/0",
        "/staff/safeguarding/concerns/999999/handled",
    ],
)
def test_unknown_items_are_a_friendly_not_found(lead, path):
    response = post(lead, path, {"decision": "approve", "notes": "done"})
    assert response.status_code == 404
    assert "no such" in response.get_data(as_text=True).lower()


@pytest.mark.parametrize("notes", WEIRD)
def test_concern_notes_with_odd_input(lead, notes):
    from consultations.moderation.models import SafeguardingConcern

    concern_id = db.session.scalar(select(SafeguardingConcern.id))
    response = post(lead, f"/staff/safeguarding/concerns/{concern_id}/handled", {"notes": notes})
    assert response.status_code in (303, 422)


@pytest.mark.parametrize(
    "path",
    [
        "/staff/moderation?view=nonsense",
        "/staff/moderation?view=",
        "/staff/moderation?view=all&view=held",
        "/staff/tension?weeks=-1",
        "/staff/safeguarding?handled=maybe",
    ],
)
def test_odd_query_strings_still_show_the_page(lead, path):
    assert lead.get(path).status_code == 200


@pytest.mark.parametrize("text", ["\x00", "help\x00 me", "\x00" * 10 + "I want to kill myself"])
def test_nul_characters_in_an_answer_never_break_the_save(client, text):
    c = make_consultation()
    # A chat client never sends one; the API says plainly what is wrong, never a 500.
    response = api_submit(client, c, text)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "NUL" in response.json["detail"]
    # On the web the NULs are dropped and the rest is saved, help included.
    if text.replace("\x00", "").strip():
        sent = web_submit(client, c, text)
        assert sent.status_code == 303
        if "kill myself" in text:
            assert "0800 1111" in client.get(sent.location).get_data(as_text=True)


def test_odd_characters_in_a_query_string_are_a_plain_400(lead):
    assert lead.get("/staff/moderation?view=%00").status_code == 400
