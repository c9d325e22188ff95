"""The partnership report read as a meeting paper: a cover, a summary, and pages that hold."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from pypdf import PdfReader

from consultations import results, services
from consultations.db import db
from consultations.models import Answer, QuestionKind
from consultations.staff_models import Role
from feedback import report as lsp
from tests.feedback.support import closed_consultation
from tests.helpers import make_consultation, now
from tests.staff.support import make_user
from webapp import reports


def _pages(body: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(body)).pages]


def _tag(consultation, name: str, how_many: int, officer) -> None:  # type: ignore[no-untyped-def]
    free = consultation.questions[-1]
    answers = db.session.scalars(
        Answer.__table__.select().where(Answer.question_id == free.id).order_by(Answer.id)
    ).all()
    for answer_id in list(answers)[:how_many]:
        results.tag_answer(officer, answer_id, name, now=now())


def _paper(app):  # type: ignore[no-untyped-def]
    officer = make_user(Role.OFFICER)
    # Closed ten weeks ago and nothing published: feedback is two weeks late.
    late = closed_consultation(
        subscribed=6, stopped=0, forgotten=0, silent=6, closed_at=now() - timedelta(weeks=10)
    ).consultation
    _tag(late, "Buses", 7, officer)
    # Too few people to name; together five, so the two can be hidden without Buses.
    _tag(late, "Lighting", 3, officer)
    _tag(late, "Parks", 2, officer)
    still_open = make_consultation()
    person = services.participant_for("telegram", "open-1", key=b"test-pseudonym-key")
    scale = next(q for q in still_open.questions if q.kind is QuestionKind.SCALE)
    services.submit_answers(
        still_open,
        person,
        [
            services.AnswerInput(
                still_open.questions[0].id, option_ids=[still_open.questions[0].options[1].id]
            ),
            services.AnswerInput(scale.id, value=4),
        ],
        channel="telegram",
        now=now(),
    )
    db.session.commit()
    today = now().date()
    with app.test_request_context():
        made = reports.build(period=(today - timedelta(weeks=20), today), now=now())
        return late, still_open, made, reports.render(made, "pdf")


def test_the_report_opens_with_a_cover_and_a_one_page_summary_and_states_the_rule_once(app):
    late, _, _, body = _paper(app)
    pages = _pages(body)
    cover, summary = pages[0], pages[1]
    today = now().date()
    assert "Report to the Local Strategic Partnership" in cover
    assert "From Test council" in cover
    assert f"Date {today.day} {today:%B %Y}" in cover
    start = today - timedelta(weeks=20)
    assert f"Period {start.day} {start:%B %Y} to {today.day} {today:%B %Y}" in cover
    assert summary.startswith("Key findings")
    assert "13 young people took part in 2 consultations." in summary
    assert f"{late.youth_title} (closed" in summary and "Late: " + late.youth_title in summary
    assert "Themes most written about: Buses (7 people" in summary
    # The small-group rule is said once, on the summary, not on every table.
    whole = " ".join(pages)
    assert whole.count("fewer than 5 people") == 1 and "fewer than 5 people" in summary
    assert "Page 2 of" in summary and "Page 1 of" not in cover


def test_each_consultation_says_open_until_or_closed_lateness_themes_and_scale_ends(app):
    late, still_open, made, body = _paper(app)
    whole = " ".join(_pages(body))
    closes = still_open.closes_at
    assert f"Open until {closes.day} {closes:%B %Y}" in whole
    assert f"closed {late.closes_at.day}" not in whole.split(still_open.youth_title)[-1][:300]
    assert "Feedback: late by 14 days (it was due" in whole
    assert "Themes in the written answers" in whole and "Buses 7" in whole
    assert "Lighting" not in whole and "Parks" not in whole
    assert "2 smaller themes not shown so that nobody can be picked out." in whole
    assert "1 – Not at all" in whole and "5 – A lot" in whole
    assert "Average score 4.0 out of 5 (1 is “Not at all”, 5 is “A lot”)." in whole
    section = next(c for c in made.consultations if c.slug == late.slug)
    assert section.days_late == 14 and [(t.name, t.people) for t in section.themes] == [
        ("Buses", 7)
    ]


def test_no_question_heading_is_left_at_the_foot_of_a_page(app):
    _, _, _, body = _paper(app)
    heading = re.compile(r"\d+\. [^()]+\(\d+ (?:person|people) answered\)")
    seen = 0
    for number, text in enumerate(_pages(body), start=1):
        for found in heading.finditer(text):
            seen += 1
            after = text[found.end() :]
            # What the heading introduces is on the same page: a chart's table or the note.
            assert "% of those who answered" in after or "Written answers" in after, (
                number,
                found.group(0),
            )
    assert seen == 8  # every question of both consultations was checked


def test_the_json_and_csv_carry_the_words_too(app):
    late, _, made, _ = _paper(app)
    assert lsp.to_json(made).count('"feedback_words"') == 2
    assert f"theme,{late.slug},Buses,7" in lsp.to_csv(made)
