"""Publishing "you said, we did": receipts, later news, the overdue day, the forum's flow."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from consultations.db import db
from consultations.errors import IllegalTransition, InvalidEdit, NotAllowed
from consultations.models import Answer
from consultations.moderation import review
from consultations.staff_models import AuditEntry, Role
from feedback import digest, forum, outcomes
from feedback.loop_models import LspResponse, RecommendationStatus, WeDidStatus
from feedback.models import OutboxMessage
from tests.feedback.support import closed_consultation
from tests.helpers import now
from tests.staff.support import make_user


def _messages() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _write_and_publish(crowd, officer):  # type: ignore[no-untyped-def]
    c = crowd.consultation
    outcomes.save_you_said(officer, c, "You want a youth club open on Fridays.", now=now())
    outcomes.add_we_did(
        officer, c, action="Open the club on Fridays", partner="Youth Service", now=now()
    )
    written = outcomes.publish_feedback(officer, c, now=now(), link="http://x/you-said-we-did")
    db.session.commit()
    return written


def test_publishing_writes_one_receipt_per_opted_in_participant(app):
    crowd = closed_consultation(subscribed=3, stopped=1, forgotten=1, silent=2)
    officer = make_user(Role.OFFICER)
    assert _write_and_publish(crowd, officer) == 3
    messages = _messages()
    assert sorted(m.participant_id for m in messages) == sorted(p.id for p in crowd.subscribed)
    # 3 opted in + 1 stopped + 2 silent: the one forgotten while it was open is not counted.
    n = crowd.consultation.respondent_count
    assert n == 6
    text = messages[0].text
    assert f"You were one of {n} young people who answered." in text
    assert "You said: You want a youth club open on Fridays." in text
    assert "Open the club on Fridays (Youth Service): planned" in text
    assert {m.kind for m in messages} == {"feedback"}
    assert {m.link for m in messages} == {"http://x/you-said-we-did"}
    # Publishing again is refused, and writes nothing.
    with pytest.raises(IllegalTransition):
        outcomes.publish_feedback(officer, crowd.consultation, now=now())
    db.session.rollback()
    assert len(_messages()) == 3
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"wrote_you_said", "added_we_did", "published_feedback"} <= actions


def test_each_status_change_notifies_again_once(app):
    crowd = closed_consultation(subscribed=2, stopped=1, forgotten=0, silent=1)
    officer = make_user(Role.OFFICER)
    _write_and_publish(crowd, officer)
    item = outcomes.items_of(crowd.consultation)[0]
    outcomes.update_status(officer, item, status="in_progress", note="Staff hired", now=now())
    db.session.commit()
    assert len(_messages()) == 4
    news = _messages()[-1].text
    assert "Open the club on Fridays (Youth Service): in progress" in news
    assert "Staff hired" in news
    # A note without a new status is kept as progress, not sent.
    outcomes.update_status(officer, item, status="in_progress", note="Painting", now=now())
    db.session.commit()
    assert len(_messages()) == 4
    outcomes.update_status(officer, item, status="done", now=now())
    db.session.commit()
    assert len(_messages()) == 6
    assert [u.status for u in item.updates] == [
        WeDidStatus.PLANNED,
        WeDidStatus.IN_PROGRESS,
        WeDidStatus.IN_PROGRESS,
        WeDidStatus.DONE,
    ]


def test_not_possible_needs_a_reason(app):
    crowd = closed_consultation(subscribed=1, stopped=0, forgotten=0, silent=0)
    officer = make_user(Role.OFFICER)
    with pytest.raises(InvalidEdit):
        outcomes.add_we_did(
            officer,
            crowd.consultation,
            action="Free buses",
            partner="Transport",
            status="not_possible",
            now=now(),
        )
    item = outcomes.add_we_did(
        officer, crowd.consultation, action="Late buses", partner="Transport", now=now()
    )
    with pytest.raises(InvalidEdit):
        outcomes.update_status(officer, item, status="not_possible", now=now())


def test_no_receipts_before_publishing_and_no_feedback_while_open(app):
    crowd = closed_consultation(subscribed=2)
    officer = make_user(Role.OFFICER)
    outcomes.add_we_did(officer, crowd.consultation, action="A", partner="B", now=now())
    db.session.commit()
    assert _messages() == []
    with pytest.raises(IllegalTransition):
        outcomes.publish_feedback(officer, crowd.consultation, now=now())
    from tests.helpers import make_consultation

    still_open = make_consultation()
    with pytest.raises(IllegalTransition):
        outcomes.save_you_said(officer, still_open, "Too soon", now=now())


def test_line_breaks_from_a_browser_are_kept_as_plain_line_breaks(app):
    crowd = closed_consultation(subscribed=1)
    officer = make_user(Role.OFFICER)
    typed = "You want later buses.\r\n\r\nYou want the club open on Fridays."
    outcome = outcomes.save_you_said(officer, crowd.consultation, typed, now=now())
    item = outcomes.add_we_did(
        officer, crowd.consultation, action="Later buses\r\nfrom May", partner="Council", now=now()
    )
    assert outcome.you_said == "You want later buses.\n\nYou want the club open on Fridays."
    assert item.action == "Later buses\nfrom May"
    # A summary at the limit with its breaks typed in a browser is not refused as too long.
    lines = ["a" * 99] * (outcomes.YOU_SAID_MAX // 100)
    at_limit = "\r\n".join(lines)
    assert len(at_limit.replace("\r\n", "\n")) <= outcomes.YOU_SAID_MAX < len(at_limit)
    assert outcomes.save_you_said(officer, crowd.consultation, at_limit, now=now()).you_said


def test_overdue_appears_the_day_after_feedback_is_due(app):
    closed = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    crowd = closed_consultation(closed_at=closed)
    c = crowd.consultation
    assert c.feedback_due == date(2026, 4, 27)  # eight weeks after closing
    on_due_day = datetime(2026, 4, 27, 23, 59, tzinfo=UTC)
    day_after = datetime(2026, 4, 28, 0, 1, tzinfo=UTC)
    assert outcomes.overdue(on_due_day) == []
    assert [e.consultation.id for e in outcomes.overdue(day_after)] == [c.id]
    assert "Feedback is late (1):" in digest.digest_text(day_after)
    assert "1 day late" in digest.digest_text(day_after)
    assert "Feedback is late" not in digest.digest_text(on_due_day)
    # Publishing clears the flag.
    _write_and_publish(crowd, make_user(Role.OFFICER))
    assert outcomes.overdue(day_after) == []


def test_forum_vote_adoption_and_lsp_response(app):
    crowd = closed_consultation(subscribed=2, stopped=0, forgotten=0, silent=0)
    officer = make_user(Role.OFFICER)
    _write_and_publish(crowd, officer)
    members = [make_user(Role.FORUM_MEMBER) for _ in range(5)]
    with pytest.raises(NotAllowed):
        forum.draft_recommendation(
            officer, title="T", body="B", consultation_ids=[crowd.consultation.id], now=now()
        )
    rec = forum.draft_recommendation(
        members[0],
        title="Keep the club open on Fridays",
        body="Young people asked for it.",
        consultation_ids=[crowd.consultation.id],
        now=now(),
    )
    db.session.commit()
    # One vote per member: voting again replaces it.
    forum.vote(members[0], rec, in_favour=True, now=now())
    forum.vote(members[0], rec, in_favour=True, now=now())
    forum.vote(members[1], rec, in_favour=False, now=now())
    forum.vote(members[1], rec, in_favour=True, now=now())
    db.session.commit()
    assert forum.tally(rec).in_favour == 2 and rec.status is RecommendationStatus.VOTING
    with pytest.raises(IllegalTransition):
        forum.record_lsp_response(officer, rec, response="accepted", reason="Yes", now=now())
    forum.vote(members[2], rec, in_favour=True, now=now())  # 3 of 5: a majority
    db.session.commit()
    assert rec.status is RecommendationStatus.ADOPTED
    with pytest.raises(IllegalTransition):
        forum.vote(members[3], rec, in_favour=False, now=now())
    with pytest.raises(NotAllowed):
        forum.record_lsp_response(members[0], rec, response="partly", reason="x", now=now())
    with pytest.raises(InvalidEdit):
        forum.record_lsp_response(officer, rec, response="partly", reason=" ", now=now())
    before = len(_messages())
    item = forum.record_lsp_response(
        officer, rec, response="partly", reason="Fridays in term time only", now=now()
    )
    db.session.commit()
    assert rec.status is RecommendationStatus.RESPONDED and rec.response is LspResponse.PARTLY
    assert item.recommendation_id == rec.id and item.consultation_id == crowd.consultation.id
    assert "Partly accepted: Fridays in term time only" in item.reason
    # The consultation's feedback is published, so those who answered hear of it.
    assert len(_messages()) == before + 2


def test_a_majority_against_rejects(app):
    crowd = closed_consultation(subscribed=0, stopped=0, forgotten=0, silent=1)
    members = [make_user(Role.FORUM_MEMBER) for _ in range(3)]
    rec = forum.draft_recommendation(
        members[0], title="T", body="B", consultation_ids=[crowd.consultation.id], now=now()
    )
    forum.vote(members[0], rec, in_favour=False, now=now())
    forum.vote(members[1], rec, in_favour=False, now=now())
    assert rec.status is RecommendationStatus.REJECTED


def test_quotes_keep_the_words_as_published(app):
    crowd = closed_consultation(subscribed=1, stopped=0, forgotten=0, silent=0)
    officer = make_user(Role.OFFICER)
    answer = db.session.scalar(select(Answer).where(Answer.text.is_not(None)))
    with pytest.raises(IllegalTransition):  # not yet approved in moderation
        outcomes.mark_quote(officer, answer.id, text="My view", now=now())
    review.decide(make_user(Role.ADMIN), answer.id, "approve", now=now())
    quote = outcomes.mark_quote(officer, answer.id, text="My view", now=now())
    db.session.commit()
    answer.text = "Edited later"
    db.session.commit()
    assert [q.text for q in outcomes.quotes_of(crowd.consultation)] == ["My view"]
    outcomes.unmark_quote(officer, quote.id, now=now())
    assert outcomes.quotes_of(crowd.consultation) == []


def test_each_person_hears_back_in_the_language_they_chat_in(app):
    from consultations import words
    from consultations.translations import save_translation
    from feedback import notices
    from feedback.models import Subscription

    crowd = closed_consultation(subscribed=3, stopped=0, forgotten=0, silent=0)
    c = crowd.consultation
    save_translation(c, "pl", youth_title="Klub młodzieżowy", youth_summary="Klub.", now=now())
    english, polish, urdu = crowd.subscribed
    for person, language in ((polish, "pl"), (urdu, "ur")):
        db.session.scalar(
            select(Subscription).where(Subscription.participant_id == person.id)
        ).language = language
    notices.notify_results_out(c, now=now(), link="http://x/results")
    officer = make_user(Role.OFFICER)
    _write_and_publish(crowd, officer)

    by_person: dict[int, list[str]] = {}
    for message in _messages():
        by_person.setdefault(message.participant_id, []).append(message.text)
    results_en, receipt_en = by_person[english.id]
    results_pl, receipt_pl = by_person[polish.id]
    results_ur, receipt_ur = by_person[urdu.id]
    assert results_en.startswith(f"📣 Results are out for “{c.youth_title}”")
    # Polish: the officer's Polish title and the Polish frame.
    assert "Klub młodzieżowy" in results_pl and "Results are out" not in results_pl
    assert receipt_pl.startswith(
        words.text("RECEIPT_THANKS", "pl").format(title="Klub młodzieżowy")
    )
    assert words.text("STATUS_PLANNED", "pl") in receipt_pl
    # Urdu has no officer translation: the English title inside the Urdu frame, never blank.
    assert c.youth_title in results_ur and "Results are out" not in results_ur
    assert words.text("RECEIPT_WE_DID", "ur") in receipt_ur
    # What the officer wrote is passed on as written, in every language.
    for receipt in (receipt_en, receipt_pl, receipt_ur):
        assert "You want a youth club open on Fridays." in receipt
        assert "Open the club on Fridays (Youth Service)" in receipt


def test_subscribing_records_the_channels_language_and_english_is_none(app, api):
    from feedback.models import Subscription

    for who, asked in (("a", "pl"), ("b", "en-GB"), ("c", "de")):
        sent = api.post(
            "/subscriptions",
            headers={"Accept-Language": asked},
            json={"participant": {"channel": "telegram", "id": who}, "address": f"9{who}"},
        )
        assert sent.status_code == 200, sent.json
    db.session.expire_all()
    got = sorted(db.session.scalars(select(Subscription.language)), key=str)
    assert got == sorted(["pl", None, None], key=str)
