"""The ``youthvoice`` command as an officer or a newcomer uses it."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from consultations import queries
from consultations.db import db
from consultations.models import Answer, Consultation, ConsultationStatus, Participant
from feedback import outcomes
from tests.helpers import now
from webapp.cli import main

# A copy of Stoke-on-Trent's strategy "Sticking Together", the source of the demo texts.
SEED = Path(__file__).resolve().parent / "data" / "sticking-together.txt"


def test_check_text_flags_officialese_and_explains_the_jargon(tmp_path):
    paragraph = (
        "To work towards this goal, Stoke-on-Trent became a Community Cohesion Pathfinder. "
        "During that period the council and its partners were able to achieve broadened "
        "ownership, commitment and understanding across our Local Strategic Partnership, "
        "in order to facilitate the integration of area plans."
    )
    path = tmp_path / "draft.txt"
    path.write_text(paragraph, encoding="utf-8")
    result = CliRunner().invoke(main, ["check-text", str(path)])
    assert result.exit_code == 1, result.output
    assert "TOO HARD" in result.output
    assert "Sentences over 20 words" in result.output
    assert "Local Strategic Partnership:" in result.output
    assert "“facilitate” → “help”" in result.output


def test_check_text_passes_a_plain_text_and_reads_stdin():
    result = CliRunner().invoke(
        main, ["check-text", "-"], input="We want to hear from you. Tell us what you think."
    )
    assert result.exit_code == 0, result.output
    assert "OK" in result.output


def test_check_text_says_plainly_when_the_file_is_missing(tmp_path):
    result = CliRunner().invoke(main, ["check-text", str(tmp_path / "nope.txt")])
    assert result.exit_code != 0
    assert "Traceback" not in result.output


def test_demo_loads_six_open_and_two_closed_consultations_with_answers_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["demo"])
    assert "already loaded" in again.output
    every_demo = list(db.session.scalars(select(Consultation).where(Consultation.is_demo)))
    assert len(every_demo) == 8
    demos = [c for c in every_demo if c.status is ConsultationStatus.OPEN]
    assert {c.theme.key for c in demos} == {
        "tensions",
        "disadvantage",
        "communication",
        "culture",
        "engagement",
        "young_people",
    }
    assert all(
        c.status is ConsultationStatus.OPEN and c.reading_age_override is None for c in demos
    )
    assert len(queries.open_consultations(now())) == 6
    answers = db.session.scalar(select(func.count(Answer.id)))
    assert answers >= 300
    assert db.session.scalar(select(func.count(Participant.id)).where(~Participant.is_demo)) == 0
    for c in demos:
        assert 2 <= len(c.questions) <= 5
        for result_ in queries.results(c):
            counted = sum(o.count for o in result_.options)
            assert counted >= result_.answers if result_.options else True
    # One closed with feedback published, one whose feedback is late: the board is not empty.
    entries = {e.consultation.slug: e for e in outcomes.board(now())}
    assert entries["a-place-to-meet-after-school"].published
    assert len(entries["a-place-to-meet-after-school"].items) == 3
    assert entries["your-say-on-local-parks"].overdue


def test_the_demo_shows_a_consultation_in_polish_and_urdu(app):
    from consultations import translations

    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    forum = db.session.scalar(
        select(Consultation).where(
            Consultation.youth_title == "Should young people help make the big decisions?"
        )
    )
    polish = translations.translated(forum, "pl")
    urdu = translations.translated(forum, "ur")
    assert polish.youth_title.startswith("Czy młodzi") and urdu.youth_title.startswith("کیا")
    first = forum.questions[0]
    assert polish.prompt(first) != first.prompt and urdu.prompt(first) != first.prompt
    assert polish.option(first, first.options[0].id, first.options[0].label) == "Tak"
    scale = forum.questions[1]
    assert polish.scale_min_label(scale) == "Wcale"
