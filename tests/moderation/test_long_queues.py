"""A moderator or officer working through hundreds of written answers keeps their place."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from consultations import services
from consultations.db import db
from consultations.models import Answer
from consultations.moderation.models import (
    AnswerModeration,
    ModerationStatus,
    SafeguardingConcern,
)
from consultations.staff_models import AuditEntry, Role
from tests.helpers import make_consultation, now
from tests.moderation.support import HATEFUL
from tests.staff.support import make_user, page, post, sign_in, text_of

KEY = b"test-pseudonym-key"


def _write(consultation, n: int, text: str, *, band=None, area=None, minutes=0):  # type: ignore[no-untyped-def]
    person = services.participant_for("telegram", f"writer-{n}", key=KEY)
    services.update_profile(person, age_band=band, area=area)
    q, free = consultation.questions[0], consultation.questions[-1]
    services.submit_answers(
        consultation,
        person,
        [
            services.AnswerInput(q.id, option_ids=[q.options[0].id]),
            services.AnswerInput(free.id, text=text),
        ],
        channel="telegram",
        now=now() + timedelta(seconds=minutes),
    )
    db.session.commit()
    return db.session.scalar(select(Answer).where(Answer.text == text))


def _status(answer_id: int) -> ModerationStatus:
    db.session.expire_all()
    record = db.session.scalar(
        select(AnswerModeration).where(AnswerModeration.answer_id == answer_id)
    )
    assert record is not None
    return record.status


def _moderator(client, role: Role = Role.OFFICER):  # type: ignore[no-untyped-def]
    user = make_user(role)
    assert sign_in(client, user).status_code == 303
    return user


def test_the_queue_comes_in_pages_with_held_answers_first_on_the_first(client):
    c = make_consultation()
    answers = [_write(c, n, f"Clean answer number {n}", minutes=n) for n in range(30)]
    held = _write(c, 99, HATEFUL, minutes=50)  # the newest, yet the first to see
    _moderator(client)
    first = page(client, "/staff/moderation")
    assert first.count('class="queue-item') == 25
    assert first.index(f'id="answer-{held.id}"') < first.index(f'id="answer-{answers[0].id}"')
    assert "1–25 of 31 · page 1 of 2" in text_of_html(first)
    second = page(client, "/staff/moderation?page=2")
    assert second.count('class="queue-item') == 6
    assert "Clean answer number 29" in second and "Clean answer number 0" not in second
    # A page past the end is the last page, not an empty one.
    assert page(client, "/staff/moderation?page=99").count('class="queue-item') == 6


def text_of_html(html: str) -> str:
    import re

    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_decision_returns_to_the_same_answer_which_says_what_was_done_and_can_be_undone(
    client, app
):
    c = make_consultation()
    answers = [_write(c, n, f"Clean answer number {n}", minutes=n) for n in range(30)]
    target = answers[27]  # on the second page
    moderator = _moderator(client)
    done = post(
        client,
        f"/staff/moderation/answers/{target.id}?view=waiting&page=2",
        {"decision": "approve"},
    )
    assert done.status_code == 303
    assert done.location.endswith(
        f"/staff/moderation?view=waiting&page=2&decided={target.id}#answer-{target.id}"
    )
    assert _status(target.id) is ModerationStatus.APPROVED
    shown = page(client, done.location.split("#")[0])
    place = shown.split(f'id="answer-{target.id}"')[1].split("</li>")[0]
    assert "Approved by you." in text_of_html(place) and ">Undo<" in place

    # Someone else cannot take back this moderator's decision.
    other = app.test_client()
    _moderator(other, Role.SAFEGUARDING_LEAD)
    refused = post(other, f"/staff/moderation/answers/{target.id}/undo", page="/staff/moderation")
    assert refused.status_code == 409 and _status(target.id) is ModerationStatus.APPROVED

    undone = post(client, f"/staff/moderation/answers/{target.id}/undo?view=waiting&page=2")
    assert undone.status_code == 303 and undone.location.endswith(f"#answer-{target.id}")
    assert _status(target.id) is ModerationStatus.PENDING
    actions = list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.user_id == moderator.id)
            .order_by(AuditEntry.id)
        )
    )
    assert actions[-2:] == ["moderation_approve", "moderation_undo"]


def test_ticked_answers_are_approved_together_after_a_confirmation_held_ones_never(client):
    c = make_consultation()
    clean = [_write(c, n, f"Clean answer number {n}", minutes=n) for n in range(3)]
    held = _write(c, 9, HATEFUL, minutes=9)
    _moderator(client)
    ticked = {"answer_ids": [str(a.id) for a in [*clean, held]]}
    asked = post(client, "/staff/moderation/approve?view=waiting", ticked)
    assert asked.status_code == 200
    words = text_of(asked)
    assert "Approve 3 answers?" in words
    assert "1 of the ticked answers is held, escalated or already decided" in words
    assert all(_status(a.id) is ModerationStatus.PENDING for a in clean)

    done = post(client, "/staff/moderation/approve?view=waiting", {**ticked, "confirmed": "1"})
    assert done.status_code == 303 and done.location.endswith("#bulk")
    assert all(_status(a.id) is ModerationStatus.APPROVED for a in clean)
    assert _status(held.id) is ModerationStatus.PENDING
    notice = text_of_html(page(client, done.location.split("#")[0]))
    assert "3 answers approved." in notice

    ids = ",".join(str(a.id) for a in clean)
    assert post(client, "/staff/moderation/undo", {"answer_ids": ids}).status_code == 303
    assert all(_status(a.id) is ModerationStatus.PENDING for a in clean)


def test_approving_nothing_ticked_says_so_beside_the_button(client):
    c = make_consultation()
    _write(c, 1, "Clean answer")
    _moderator(client)
    refused = post(client, "/staff/moderation/approve", {})
    assert refused.status_code == 422
    assert "Tick the answers first." in text_of(refused)


def test_an_escalation_carries_the_moderators_reason_to_the_safeguarding_lead(client, app):
    c = make_consultation()
    answer = _write(c, 1, "I don't feel safe going home after the club")
    _moderator(client)
    reason = "Mentions not feeling safe at home; worth a call to the youth worker."
    done = post(
        client, f"/staff/moderation/answers/{answer.id}", {"decision": "escalate", "reason": reason}
    )
    assert done.status_code == 303
    concern = db.session.scalar(
        select(SafeguardingConcern).where(SafeguardingConcern.answer_id == answer.id)
    )
    assert concern is not None and concern.reason == reason
    lead = app.test_client()
    _moderator(lead, Role.SAFEGUARDING_LEAD)
    assert f"Why it was escalated: {reason}" in text_of_html(page(lead, "/staff/safeguarding"))


def test_age_band_and_area_show_only_for_groups_big_enough_to_name(client):
    c = make_consultation()
    crowd = [
        _write(c, n, f"Answer from the crowd {n}", band="14-15", area="Fenton", minutes=n)
        for n in range(6)
    ]
    for n in range(4):
        _write(c, 20 + n, f"Answer from a small group {n}", band="16-17", area="Hanley", minutes=20)
    alone = _write(c, 50, "Answer from someone alone", band="11-13", area="Tunstall", minutes=30)
    _moderator(client)
    for path in ("/staff/moderation", f"/staff/questions/{c.questions[-1].id}/answers"):
        html = page(client, path)
        place = html.split(f'id="answer-{crowd[0].id}"')[1].split("</li>")[0]
        assert "Age band: 14 to 15" in text_of_html(place) and "Area: ST4" in text_of_html(place)
        lone = text_of_html(html.split(f'id="answer-{alone.id}"')[1].split("</li>")[0])
        assert "Age band: —" in lone and "Area: —" in lone, path
        # The two small groups are hidden together, so neither can be worked out.
        for hidden in ("11 to 13", "Tunstall", "16 to 17", "Hanley"):
            assert hidden not in html, (path, hidden)
        assert "shown only when at least 5 people of that group took part" in text_of_html(html)


def test_tagging_returns_to_the_answer_and_ticked_answers_are_tagged_after_a_confirmation(client):
    c = make_consultation()
    answers = [_write(c, n, f"Buses stop too early {n}", minutes=n) for n in range(30)]
    free = c.questions[-1]
    _moderator(client)
    listing = page(client, f"/staff/questions/{free.id}/answers")
    assert listing.count('<li id="answer-') == 25
    one = answers[3]
    tagged = post(
        client,
        f"/staff/answers/{one.id}/tags?page=2",
        {"name": "Buses", "question_id": str(free.id)},
    )
    assert tagged.location.endswith(f"/staff/questions/{free.id}/answers?page=2#answer-{one.id}")

    ticked = {"answer_ids": [str(a.id) for a in answers[:4]], "name": "Transport"}
    asked = post(client, f"/staff/questions/{free.id}/answers/tag", ticked)
    assert "Tag 4 answers as “Transport”?" in text_of(asked)
    assert "Transport (" not in page(client, f"/staff/questions/{free.id}/answers")
    done = post(client, f"/staff/questions/{free.id}/answers/tag", {**ticked, "confirmed": "1"})
    assert done.status_code == 303
    listing = page(client, done.location.split("#")[0])
    assert "4 answers tagged." in text_of_html(listing)
    assert "Transport (4)" in listing
