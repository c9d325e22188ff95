"""What staff see of written answers, the moderation and safeguarding queues, and who may."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from consultations.db import db
from consultations.models import Answer
from consultations.moderation import is_publishable, publishable_text
from consultations.moderation.models import (
    AnswerModeration,
    ModerationStatus,
    SafeguardingConcern,
)
from consultations.staff_models import AuditEntry, Role
from tests.helpers import make_consultation
from tests.moderation.support import (
    ABUSE,
    CLEAN,
    DISCLOSURE,
    HATEFUL,
    PERSONAL,
    api_submit,
)
from tests.staff.support import make_user, page, post, sign_in, text_of


def _answer(text: str) -> Answer:
    db.session.expire_all()
    found = db.session.scalar(select(Answer).where(Answer.text == text))
    assert found is not None
    return found


def _signed_in(client, role: Role):  # type: ignore[no-untyped-def]
    user = make_user(role)
    assert sign_in(client, user).status_code == 303
    return user


def test_staff_see_redacted_text_and_the_safeguarding_lead_the_original(client, app):
    c = make_consultation()
    api_submit(client, c, PERSONAL, uid="1")
    free = c.questions[-1]

    officer = app.test_client()
    _signed_in(officer, Role.OFFICER)
    for path in (f"/staff/questions/{free.id}/answers", "/staff/moderation?view=all"):
        shown = page(officer, path)
        assert "07123 456789" not in shown and "dan.w@outlook.com" not in shown, path
        assert "s*** buses" in shown and "[phone]" in shown and "[email]" in shown, path
        assert "shit" not in shown, path
    exported = officer.get(f"/staff/consultations/{c.id}/export.csv").get_data(as_text=True)
    assert "07123 456789" not in exported and "[phone]" in exported
    # Searching cannot find an answer by the number that was taken out.
    assert "s*** buses" not in page(officer, f"/staff/questions/{free.id}/answers?q=07123")

    lead = app.test_client()
    _signed_in(lead, Role.SAFEGUARDING_LEAD)
    queue = page(lead, "/staff/moderation?view=all")
    assert "Original words" in queue and "07123 456789" in queue
    assert "Original words" not in page(officer, "/staff/moderation?view=all")


def test_hateful_text_is_held_until_approved_and_never_public_before(client, app):
    c = make_consultation()
    api_submit(client, c, HATEFUL, uid="1")
    api_submit(client, c, CLEAN, uid="2")
    hateful, clean = _answer(HATEFUL), _answer(CLEAN)
    assert not is_publishable(hateful) and publishable_text(hateful) is None
    # Clean words are not public either until someone approves them.
    assert not is_publishable(clean)

    officer = app.test_client()
    _signed_in(officer, Role.OFFICER)
    free_text = page(officer, f"/staff/questions/{c.questions[-1].id}/answers")
    assert "your own country" not in free_text
    assert "1 answer is held for moderation" in " ".join(free_text.split())
    waiting = page(officer, "/staff/moderation?view=held")
    assert "your own country" in waiting and "Abusive or hateful language" in waiting

    response = post(officer, f"/staff/moderation/answers/{clean.id}", {"decision": "approve"})
    assert response.status_code == 303
    assert publishable_text(_answer(CLEAN)) == CLEAN
    response = post(officer, f"/staff/moderation/answers/{hateful.id}", {"decision": "hide"})
    assert response.status_code == 303
    assert not is_publishable(_answer(HATEFUL))


def test_a_redaction_is_what_gets_published(client, app):
    c = make_consultation()
    api_submit(client, c, PERSONAL)
    answer = _answer(PERSONAL)
    officer = app.test_client()
    _signed_in(officer, Role.OFFICER)
    response = post(
        officer,
        f"/staff/moderation/answers/{answer.id}",
        {"decision": "redact", "redacted_text": "The buses are bad."},
    )
    assert response.status_code == 303
    assert publishable_text(_answer(PERSONAL)) == "The buses are bad."


def test_every_decision_is_audited_without_the_words(client, app):
    c = make_consultation()
    api_submit(client, c, CLEAN)
    answer = _answer(CLEAN)
    officer = app.test_client()
    user = _signed_in(officer, Role.OFFICER)
    for decision, extra in [
        ("approve", {}),
        ("redact", {"redacted_text": "Cheaper buses please"}),
        ("hide", {}),
        ("escalate", {}),
    ]:
        response = post(
            officer, f"/staff/moderation/answers/{answer.id}", {"decision": decision, **extra}
        )
        assert response.status_code == 303, decision
    db.session.expire_all()
    entries = list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.object_type == "answer").order_by(AuditEntry.id)
        )
    )
    assert [e.action for e in entries] == [
        "moderation_approve",
        "moderation_redact",
        "moderation_hide",
        "moderation_escalate",
    ]
    assert {e.user_id for e in entries} == {user.id}
    assert all(e.object_id == answer.id for e in entries)
    assert not any("buses" in e.detail.lower() for e in entries)
    record = db.session.scalar(select(AnswerModeration))
    assert record is not None and record.status is ModerationStatus.ESCALATED
    assert record.decided_by_id == user.id and record.decided_at is not None
    # Escalating put the answer in front of the safeguarding lead.
    [concern] = db.session.scalars(select(SafeguardingConcern))
    assert concern.source == "escalated" and concern.original_text == CLEAN


def test_the_safeguarding_lead_handles_a_concern_with_notes(client, app):
    c = make_consultation()
    api_submit(client, c, DISCLOSURE)
    concern = db.session.scalar(select(SafeguardingConcern))
    assert concern is not None
    lead = app.test_client()
    user = _signed_in(lead, Role.SAFEGUARDING_LEAD)
    dashboard = text_of(lead.get("/staff/"))
    assert "1 safeguarding concern is waiting" in dashboard
    queue = page(lead, "/staff/safeguarding")
    assert DISCLOSURE in queue and "possible self-harm" in queue.lower()

    empty = post(lead, f"/staff/safeguarding/concerns/{concern.id}/handled", {"notes": "  "})
    assert empty.status_code == 422
    assert "Write what was done" in empty.get_data(as_text=True)

    notes = "Spoke to the youth worker; referral made."
    done = post(lead, f"/staff/safeguarding/concerns/{concern.id}/handled", {"notes": notes})
    assert done.status_code == 303
    db.session.expire_all()
    concern = db.session.get(SafeguardingConcern, concern.id)
    assert concern is not None
    assert concern.handled_by_id == user.id and concern.handled_at is not None
    assert concern.notes == notes
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "concern_handled"))
    assert audit is not None and audit.user_id == user.id and audit.detail == ""
    assert "safeguarding concern" not in text_of(lead.get("/staff/")).lower()

    twice = post(lead, f"/staff/safeguarding/concerns/{concern.id}/handled", {"notes": notes})
    assert twice.status_code == 409


@pytest.mark.parametrize(
    ("role", "sees_banner"),
    [
        (Role.ADMIN, True),
        (Role.SAFEGUARDING_LEAD, True),
        (Role.OFFICER, False),
        (Role.YOUTH_WORKER, False),
        (Role.FORUM_MEMBER, False),
    ],
)
def test_the_dashboard_banner_is_for_the_safeguarding_role(client, app, role, sees_banner):
    c = make_consultation()
    api_submit(client, c, ABUSE)
    staff = app.test_client()
    _signed_in(staff, role)
    shown = text_of(staff.get("/staff/"))
    assert ("safeguarding concern is waiting" in shown) is sees_banner


@pytest.mark.parametrize(
    ("role", "path", "allowed"),
    [
        (Role.OFFICER, "/staff/safeguarding", False),
        (Role.YOUTH_WORKER, "/staff/safeguarding", False),
        (Role.FORUM_MEMBER, "/staff/safeguarding", False),
        (Role.SAFEGUARDING_LEAD, "/staff/safeguarding", True),
        (Role.ADMIN, "/staff/safeguarding", True),
        (Role.YOUTH_WORKER, "/staff/moderation", False),
        (Role.FORUM_MEMBER, "/staff/moderation", False),
        (Role.OFFICER, "/staff/moderation", True),
        (Role.SAFEGUARDING_LEAD, "/staff/moderation", True),
        (Role.FORUM_MEMBER, "/staff/tension", False),
        (Role.YOUTH_WORKER, "/staff/tension", False),
        (Role.OFFICER, "/staff/tension", True),
        (Role.SAFEGUARDING_LEAD, "/staff/tension", True),
    ],
)
def test_who_may_open_the_new_pages(client, role, path, allowed):
    make_consultation()
    _signed_in(client, role)
    assert client.get(path).status_code == (200 if allowed else 403)


def test_the_original_is_never_on_the_officers_pages(client, app):
    c = make_consultation()
    api_submit(client, c, DISCLOSURE)
    officer = app.test_client()
    _signed_in(officer, Role.OFFICER)
    for path in (
        "/staff/",
        f"/staff/questions/{c.questions[-1].id}/answers",
        f"/staff/consultations/{c.id}/results",
    ):
        assert "kill myself" not in page(officer, path), path
    rows = list(
        csv.DictReader(
            io.StringIO(officer.get(f"/staff/consultations/{c.id}/export.csv").get_data(True))
        )
    )
    free = [r for r in rows if r["kind"] == "free_text"]
    assert free and all(r["answer"] == "" and r["moderation"] == "escalated" for r in free)


def test_the_held_count_is_every_answer_only_moderators_may_see(app):
    """Counted by the database, it agrees with each record's own ``held`` in every state."""
    from sqlalchemy import update

    from consultations.moderation import review
    from consultations.moderation.models import AnswerModeration, ModerationStatus
    from tests.themes.support import answer_many, free_text_consultation

    c = free_text_consultation()
    ids = answer_many(c, [f"More buses on route {n} please" for n in range(12)])
    states = [
        (ModerationStatus.PENDING, False, ""),
        (ModerationStatus.PENDING, True, ""),
        (ModerationStatus.PENDING, False, "self_harm"),
        (ModerationStatus.APPROVED, True, ""),
        (ModerationStatus.REDACTED, False, "self_harm"),
        (ModerationStatus.HIDDEN, False, ""),
        (ModerationStatus.ESCALATED, False, ""),
    ]
    for answer_id, (status, abusive, safeguarding) in zip(ids, states, strict=False):
        db.session.execute(
            update(AnswerModeration)
            .where(AnswerModeration.answer_id == answer_id)
            .values(status=status, abusive=abusive, safeguarding=safeguarding)
        )
    db.session.commit()
    records = db.session.scalars(select(AnswerModeration)).all()
    assert review.held_count(c.questions[0].id) == sum(r.held for r in records) == 4
