"""The "You said" editor's draft: it fills an empty box, sits beside an officer's own words,
shows where each sentence comes from, and saves or sends nothing by itself."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import func, select

from consultations.db import db
from consultations.staff_models import AuditEntry, Role
from feedback import outcomes
from feedback.models import OutboxMessage
from tests.feedback.support import NOT_APPROVED_WORD, spoken_consultation
from tests.helpers import make_consultation
from tests.staff.support import make_user, post, sign_in, text_of

FIRST_LINES = "30 young people took part.\n\nWe asked: Which day is best? The top answer was"


def _box(response) -> str:  # type: ignore[no-untyped-def]
    """What is in the "you said" text box."""
    html = response.get_data(as_text=True)
    found = re.search(r'<textarea[^>]*name="you_said"[^>]*>(.*?)</textarea>', html, re.S)
    assert found, "no you said box"
    return unescape(found.group(1)).strip()


def _draft_sentences(response, language: str = "en") -> list[str]:  # type: ignore[no-untyped-def]
    html = response.get_data(as_text=True)
    found = re.search(
        rf'<ol class="draft-sentences" data-language="{language}">(.*?)</ol>', html, re.S
    )
    assert found, f"no {language} draft"
    return [
        " ".join(unescape(re.sub(r"<[^>]+>", " ", item)).split())
        for item in re.findall(r"<li[^>]*>(.*?)</li>", found.group(1), re.S)
    ]


def test_an_empty_box_gets_the_draft_with_its_sources_and_nothing_is_saved(client):
    spoken = spoken_consultation()
    officer = make_user(Role.OFFICER)
    sign_in(client, officer)
    base = f"/staff/consultations/{spoken.consultation.id}"
    page = client.get(f"{base}/feedback")
    assert "Write a draft from the results" in text_of(page)

    drafted = post(client, f"{base}/feedback/draft", {"you_said": ""}, page=f"{base}/feedback")
    assert drafted.status_code == 200
    box = _box(drafted)
    assert box.startswith(FIRST_LINES)
    assert "12 young people wrote about “Cheaper buses”." in box
    assert NOT_APPROVED_WORD not in box and "Monday" not in box and "Skate park" not in box
    sentences = _draft_sentences(drafted)
    assert sentences[0] == "30 young people took part. From: 30 young people took part"
    assert (
        "The top answer was “Saturday”, picked by 7 in 10. From: Question 1, "
        "“Which day is best?”: “Saturday” 20 of 30 answers (67%)"
    ) in sentences
    assert "The English draft is in the box." in text_of(drafted)
    # Drafting is recorded, and neither saves nor sends anything.
    db.session.expire_all()
    assert outcomes.outcome_of(spoken.consultation) is None
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    actions = list(
        db.session.scalars(select(AuditEntry.action).where(AuditEntry.user_id == officer.id))
    )
    assert [a for a in actions if a != "signed_in"] == ["drafted_you_said"]


def test_an_officer_s_own_words_are_kept_until_they_choose_the_draft(client):
    spoken = spoken_consultation()
    sign_in(client, make_user(Role.OFFICER))
    base = f"/staff/consultations/{spoken.consultation.id}"
    mine = "You told us the bus costs too much."
    drafted = post(client, f"{base}/feedback/draft", {"you_said": mine}, page=f"{base}/feedback")
    assert drafted.status_code == 200
    assert _box(drafted) == mine
    assert "Your text is still in the box." in text_of(drafted)
    assert "Use this draft" in text_of(drafted)
    assert _draft_sentences(drafted)[0].startswith("30 young people took part.")

    used = post(client, f"{base}/feedback/draft", {"replace": "y"}, page=f"{base}/feedback")
    assert _box(used).startswith(FIRST_LINES)

    # The officer edits the draft; their edit is what is saved.
    edited = _box(used).replace("30 young people took part.", "Thank you, all 30 of you.")
    saved = post(client, f"{base}/feedback", {"you_said": edited}, page=f"{base}/feedback")
    assert saved.status_code == 303
    db.session.expire_all()
    outcome = outcomes.outcome_of(spoken.consultation)
    assert outcome is not None and outcome.you_said == edited.strip()
    assert not outcome.is_published


def test_polish_and_urdu_drafts_show_beside_in_their_own_direction(client):
    from consultations.translations import save_translation
    from tests.helpers import now

    spoken = spoken_consultation()
    c = spoken.consultation
    save_translation(c, "ur", youth_title="کلب", youth_summary="نوجوانوں کا کلب۔", now=now())
    db.session.commit()
    sign_in(client, make_user(Role.OFFICER))
    base = f"/staff/consultations/{c.id}"
    drafted = post(client, f"{base}/feedback/draft", {"you_said": ""}, page=f"{base}/feedback")
    assert _draft_sentences(drafted, "ur")[0].startswith("30 نوجوانوں نے حصہ لیا۔")
    assert '<span lang="ur" dir="rtl">30 نوجوانوں' in drafted.get_data(as_text=True)
    # Only the English draft goes in the box: "you said" is written in English.
    assert "نوجوانوں" not in _box(drafted)


def test_bad_requests_explain_and_keep_what_was_typed(client):
    sign_in(client, make_user(Role.OFFICER))
    still_open = make_consultation()
    typed = "Half-written words"
    refused = post(
        client,
        f"/staff/consultations/{still_open.id}/feedback/draft",
        {"you_said": typed},
        page="/staff/",
    )
    assert refused.status_code == 409
    assert "Write feedback once the consultation has closed." in text_of(refused)

    closed = spoken_consultation(people=0)
    base = f"/staff/consultations/{closed.consultation.id}"
    too_long = "y" * 3001
    refused = post(
        client, f"{base}/feedback/draft", {"you_said": too_long}, page=f"{base}/feedback"
    )
    assert refused.status_code == 422
    assert _box(refused) == too_long
    assert "Field cannot be longer than 3000 characters." in text_of(refused)

    nobody = post(client, f"{base}/feedback/draft", {"you_said": ""}, page=f"{base}/feedback")
    assert nobody.status_code == 200
    assert _box(nobody) == "No one has answered yet."
    assert post(client, "/staff/consultations/999999/feedback/draft").status_code == 404
