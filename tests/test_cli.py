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


def test_demo_loads_seven_open_and_two_closed_consultations_with_answers_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["demo"])
    assert "already loaded" in again.output
    every_demo = list(db.session.scalars(select(Consultation).where(Consultation.is_demo)))
    assert len(every_demo) == 9
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
    assert len(queries.open_consultations(now())) == 7
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
    # One with a few hundred written answers in three languages, for officers to theme.
    written = next(c for c in demos if c.slug == "one-thing-that-would-make-life-better")
    texts = list(
        db.session.scalars(select(Answer.text).where(Answer.question_id == written.questions[0].id))
    )
    assert len(texts) >= 500
    assert any("autobus" in t.lower() for t in texts)  # Polish
    assert any("\u0600" <= ch <= "\u06ff" for t in texts for ch in t)  # Urdu script


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


def _one_plain_sentence(result) -> str:  # type: ignore[no-untyped-def]
    """The command failed with one line saying why, and no traceback."""
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


def test_report_to_a_folder_that_does_not_exist_says_so(app, tmp_path):
    missing = tmp_path / "missing" / "x.csv"
    result = app.test_cli_runner().invoke(
        args=[
            "report",
            "--period",
            "2026-01-01..2026-03-31",
            "--format",
            "csv",
            "--out",
            str(missing),
        ]
    )
    line = _one_plain_sentence(result)
    assert line == f"Error: Could not write {missing}: no such file or directory."


def test_report_periods_far_in_the_future_are_refused_plainly(app):
    runner = app.test_cli_runner()
    for period, said in (
        ("2026-01-01..9999-12-31", "Give a date between 2000 and 2099."),
        ("1999-12-31..2026-01-01", "Give a date between 2000 and 2099."),
        ("..9999-12-31", "Give the period as FROM..TO, for example 2026-01-01..2026-03-31."),
    ):
        result = runner.invoke(args=["report", "--period", period, "--out", "-"])
        assert _one_plain_sentence(result) == f"Error: {said}"


def test_ports_out_of_range_or_in_use_are_one_plain_sentence(app, monkeypatch):
    import socket

    monkeypatch.setenv("YOUTHVOICE_RASA_TOKEN", "rasa-test-token")
    runner = CliRunner()
    too_big = runner.invoke(main, ["actions", "--port", "99999"])
    assert too_big.exit_code == 2 and "99999 is not in the range 1<=x<=65535" in too_big.output
    assert "Traceback" not in too_big.output
    served = app.test_cli_runner().invoke(args=["serve", "--port", "99999"])
    assert served.exit_code == 2 and "99999 is not in the range" in served.output

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        for result in (
            runner.invoke(main, ["actions", "--port", str(port)]),
            app.test_cli_runner().invoke(args=["serve", "--port", str(port)]),
        ):
            line = _one_plain_sentence(result)
            assert line == (
                f"Error: Port {port} is already in use on 127.0.0.1; stop what is using it "
                "or choose another with --port."
            )


def test_deliver_rasa_with_a_token_the_back_end_refuses_says_so(app, monkeypatch):
    from tests.bot.support import serve_backend

    with serve_backend(app) as url:
        monkeypatch.setenv("YOUTHVOICE_API_URL", f"{url}/api/v1")
        monkeypatch.setenv("YOUTHVOICE_RASA_TOKEN", "not-the-rasa-token")
        result = CliRunner().invoke(main, ["deliver-rasa", "--once"])
    line = _one_plain_sentence(result)
    assert line == (
        "Error: The back end refused the Rasa channel token (HTTP 401): "
        "check YOUTHVOICE_RASA_TOKEN."
    )
    monkeypatch.setenv("YOUTHVOICE_API_URL", "http://127.0.0.1:9/api/v1")
    line = _one_plain_sentence(CliRunner().invoke(main, ["deliver-rasa", "--once"]))
    assert (
        line
        == "Error: The back end is not reachable at http://127.0.0.1:9/api/v1 (YOUTHVOICE_API_URL)."
    )
