"""The loop as people see it: officers publish, the board shows it, the forum recommends."""

from __future__ import annotations

import io
import re
import socket
from datetime import timedelta

import pytest
from flask import g
from pypdf import PdfReader
from sqlalchemy import func, select

from consultations import services
from consultations.db import db
from consultations.models import Answer
from consultations.moderation import review
from consultations.staff_models import Role
from feedback import outcomes
from feedback.loop_models import Recommendation, RecommendationStatus
from feedback.models import OutboxMessage
from tests.feedback.support import closed_consultation
from tests.helpers import now
from tests.staff.support import make_user, post, sign_in, text_of


def _officer(client):  # type: ignore[no-untyped-def]
    officer = make_user(Role.OFFICER)
    assert sign_in(client, officer).status_code == 303
    return officer


def _publish_through_the_console(client, c) -> None:  # type: ignore[no-untyped-def]
    base = f"/staff/consultations/{c.id}"
    assert (
        post(client, f"{base}/feedback", {"you_said": "You want Friday clubs."}).status_code == 303
    )
    added = post(
        client,
        f"{base}/we-did",
        {"action": "Open on Fridays", "partner": "Youth Service", "status": "planned"},
    )
    assert added.status_code == 303
    assert post(client, f"{base}/feedback/publish").status_code == 303


def test_officer_publishes_and_every_opted_in_participant_gets_a_receipt(app, client):
    crowd = closed_consultation(subscribed=3, stopped=1, forgotten=1, silent=1)
    _officer(client)
    _publish_through_the_console(client, crowd.consultation)
    rows = list(db.session.scalars(select(OutboxMessage)))
    assert sorted(r.participant_id for r in rows) == sorted(p.id for p in crowd.subscribed)
    assert all(
        r.link == f"http://testserver/you-said-we-did/{crowd.consultation.slug}" for r in rows
    )
    page = text_of(client.get(f"/staff/consultations/{crowd.consultation.id}/feedback"))
    assert "receipts queued for 3 people" in page

    # The board is public: no account needed.
    public = app.test_client()
    board = text_of(public.get("/you-said-we-did"))
    assert crowd.consultation.youth_title in board and "You want Friday clubs." in board
    entry = public.get(f"/you-said-we-did/{crowd.consultation.slug}")
    assert entry.status_code == 200
    assert "Open on Fridays" in text_of(entry) and "Planned" in text_of(entry)
    # Written answers stay private unless marked as quotes.
    assert "My view number" not in entry.get_data(as_text=True)


def test_status_change_through_the_console_notifies_again(app, client):
    crowd = closed_consultation(subscribed=2, stopped=0, forgotten=0, silent=0)
    _officer(client)
    _publish_through_the_console(client, crowd.consultation)
    item = outcomes.items_of(crowd.consultation)[0]
    changed = post(client, f"/staff/we-did/{item.id}", {"status": "done", "note": "Open now"})
    assert changed.status_code == 303
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 4
    assert "Open now" in text_of(client.get(f"/you-said-we-did/{crowd.consultation.slug}"))


def test_late_feedback_is_flagged_publicly_and_on_the_dashboard(app, client):
    crowd = closed_consultation(closed_at=now() - timedelta(weeks=9))
    board = text_of(app.test_client().get("/you-said-we-did"))
    assert "Feedback is late" in board
    _officer(client)
    dashboard = text_of(client.get("/staff/"))
    assert "Feedback is late for 1 consultation" in dashboard
    assert "feedback is late" in dashboard
    on_time = closed_consultation(closed_at=now() - timedelta(weeks=7))
    page = text_of(app.test_client().get(f"/you-said-we-did/{on_time.consultation.slug}"))
    assert "Feedback is coming by" in page and "late" not in page
    assert crowd.consultation.id != on_time.consultation.id


def test_unfinished_consultations_have_no_board_page(app, client):
    from tests.helpers import make_consultation

    still_open = make_consultation()
    assert client.get(f"/you-said-we-did/{still_open.slug}").status_code == 404
    assert client.get("/you-said-we-did/no-such-thing").status_code == 404


def test_quotes_are_published_only_when_marked(app, client):
    crowd = closed_consultation(subscribed=1, stopped=0, forgotten=0, silent=0)
    _officer(client)
    _publish_through_the_console(client, crowd.consultation)
    answer = db.session.scalar(select(Answer).where(Answer.text.is_not(None)))
    # Not approved in moderation yet: it cannot be quoted.
    refused = post(client, f"/staff/answers/{answer.id}/quote", {"text": "My view"})
    assert refused.status_code == 422
    assert "approved in moderation" in refused.get_data(as_text=True)
    review.decide(make_user(Role.ADMIN), answer.id, "approve", now=now())
    db.session.commit()
    form = client.get(f"/staff/answers/{answer.id}/quote")
    assert "My view number 0" in form.get_data(as_text=True)
    too_long = post(client, f"/staff/answers/{answer.id}/quote", {"text": "x" * 501})
    assert too_long.status_code == 422 and "x" * 501 in too_long.get_data(as_text=True)
    assert post(client, f"/staff/answers/{answer.id}/quote", {"text": "My view"}).status_code == 303
    page = app.test_client().get(f"/you-said-we-did/{crowd.consultation.slug}")
    assert "“My view”" in page.get_data(as_text=True)


def test_public_api_shows_published_data_only_and_never_a_pseudonym(app, client):
    crowd = closed_consultation(subscribed=2, stopped=0, forgotten=0, silent=1)
    unpublished = closed_consultation(subscribed=1, stopped=0, forgotten=0, silent=0)
    _officer(client)
    _publish_through_the_console(client, crowd.consultation)
    answers = list(db.session.scalars(select(Answer).where(Answer.text.is_not(None))))
    review.decide(make_user(Role.ADMIN), answers[0].id, "approve", now=now())
    outcomes.mark_quote(make_user(Role.OFFICER), answers[0].id, text="Quoted words", now=now())
    db.session.commit()

    public = app.test_client()  # no Authorization header at all
    listing = public.get("/api/v1/public/outcomes")
    assert listing.status_code == 200
    assert (
        "public" in listing.headers["Cache-Control"]
        and "max-age" in listing.headers["Cache-Control"]
    )
    assert [o["slug"] for o in listing.get_json()["outcomes"]] == [crowd.consultation.slug]
    detail = public.get(f"/api/v1/public/outcomes/{crowd.consultation.slug}")
    body = detail.get_data(as_text=True)
    assert detail.status_code == 200 and detail.get_json()["quotes"] == ["Quoted words"]
    assert detail.get_json()["we_did"][0]["action"] == "Open on Fridays"
    pseudonyms = [p.pseudonym for p in crowd.subscribed + crowd.silent]
    for secret in pseudonyms:
        assert secret not in body and secret not in listing.get_data(as_text=True)
    for a in answers:
        if a.text != "Quoted words":
            assert a.text not in body  # unquoted written answers never appear
    assert not re.search(r'"(pseudonym|participant_id|text)"', body)
    missing = public.get(f"/api/v1/public/outcomes/{unpublished.consultation.slug}")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    late = public.get("/api/v1/public/late")
    assert late.status_code == 200 and "Cache-Control" in late.headers


@pytest.mark.parametrize(
    ("path", "data", "kept"),
    [
        ("feedback", {"you_said": "y" * 3001}, "y" * 3001),
        (
            "we-did",
            {"action": "Keep me typed", "partner": "", "status": "planned"},
            "Keep me typed",
        ),
        (
            "we-did",
            {"action": "Free buses typed", "partner": "Buses", "status": "not_possible"},
            "Free buses typed",
        ),
        ("we-did", {"action": "Bad date", "partner": "P", "due_date": "31/02/2026"}, "Bad date"),
    ],
)
def test_bad_feedback_input_keeps_what_was_typed(app, client, path, data, kept):
    crowd = closed_consultation(subscribed=0, stopped=0, forgotten=0, silent=1)
    _officer(client)
    response = post(client, f"/staff/consultations/{crowd.consultation.id}/{path}", data)
    assert response.status_code == 422
    assert kept in response.get_data(as_text=True)
    assert "Nothing was saved yet" in response.get_data(as_text=True) or "field-error" in (
        response.get_data(as_text=True)
    )


def test_publishing_before_anything_is_written_is_refused_kindly(app, client):
    crowd = closed_consultation(subscribed=1, stopped=0, forgotten=0, silent=0)
    _officer(client)
    refused = post(client, f"/staff/consultations/{crowd.consultation.id}/feedback/publish")
    assert refused.status_code == 409
    assert "Write the “you said” summary" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_status_update_without_a_reason_keeps_the_note_field(app, client):
    crowd = closed_consultation(subscribed=0, stopped=0, forgotten=0, silent=1)
    _officer(client)
    item = outcomes.add_we_did(
        None, crowd.consultation, action="Late buses", partner="Buses", now=now()
    )
    db.session.commit()
    refused = post(client, f"/staff/we-did/{item.id}", {"status": "not_possible", "note": ""})
    assert refused.status_code == 422
    assert "Say why it is not possible" in refused.get_data(as_text=True)
    same = post(client, f"/staff/we-did/{item.id}", {"status": "planned", "note": ""})
    assert same.status_code == 422


def test_forum_flow_through_the_web(app):
    crowd = closed_consultation(subscribed=1, stopped=0, forgotten=0, silent=0)
    members = [make_user(Role.FORUM_MEMBER) for _ in range(3)]
    clients = []
    for member in members:
        c = app.test_client()
        assert sign_in(c, member).status_code == 303
        clients.append(c)
    first = clients[0]
    assert first.get("/forum/").status_code == 200
    results = first.get(f"/forum/consultations/{crowd.consultation.id}/results")
    assert results.status_code == 200
    assert "Written answers are shown to officers only" in results.get_data(as_text=True)
    assert first.get("/forum/tracker").status_code == 200

    no_citation = post(
        first,
        "/forum/recommendations/new",
        {"title": "Typed title", "body": "Typed body"},
        page="/forum/recommendations/new",
    )
    assert no_citation.status_code == 422
    assert "Typed title" in no_citation.get_data(as_text=True)
    assert "Typed body" in no_citation.get_data(as_text=True)
    made = post(
        first,
        "/forum/recommendations/new",
        {
            "title": "Open on Fridays",
            "body": "Because",
            "consultations": str(crowd.consultation.id),
        },
        page="/forum/recommendations/new",
    )
    assert made.status_code == 303
    rec = db.session.scalar(select(Recommendation))
    url = f"/forum/recommendations/{rec.id}"
    assert post(first, f"{url}/vote", {}, page=url).status_code == 422
    for c in clients[:2]:
        # One app context serves the whole test, so forget whom the last request was from.
        g.pop("_login_user", None)
        assert post(c, f"{url}/vote", {"choice": "for"}, page=url).status_code == 303
    db.session.refresh(rec)
    assert rec.status is RecommendationStatus.ADOPTED

    officer_client = app.test_client()
    g.pop("_login_user", None)
    _officer(officer_client)
    assert "Record the partnership" in officer_client.get(url).get_data(as_text=True)
    missing_reason = post(
        officer_client,
        f"{url}/response",
        {"response": "partly", "partner": "Kept partner"},
        page=url,
    )
    assert missing_reason.status_code == 422
    assert "Kept partner" in missing_reason.get_data(as_text=True)
    done = post(
        officer_client,
        f"{url}/response",
        {"response": "partly", "reason": "Term time only", "partner": "Youth Service"},
        page=url,
    )
    assert done.status_code == 303
    db.session.refresh(rec)
    assert rec.status is RecommendationStatus.RESPONDED
    g.pop("_login_user", None)
    shown = text_of(first.get(url))
    assert "Partly accepted" in shown and "Term time only" in shown
    item = outcomes.items_of(crowd.consultation)[0]
    assert item.recommendation_id == rec.id and item.partner == "Youth Service"


def _pdf_text(body: bytes) -> str:
    # Lines broken where the page ran out of width read as one space.
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(body)).pages
    )


def _crowd_for_report():  # type: ignore[no-untyped-def]
    # Six in 14-15 and ST4, two in 16-17 and Tunstall, five who gave neither.
    crowd = closed_consultation(
        subscribed=6, stopped=5, forgotten=0, silent=2, profile={"age_band": "14-15", "area": "ST4"}
    )
    for person in crowd.silent:
        services.update_profile(person, age_band="16-17", area="Tunstall")
    db.session.commit()
    return crowd


def test_pdf_report_renders_with_small_groups_suppressed(app, client, monkeypatch):
    crowd = _crowd_for_report()
    _officer(client)

    def no_network(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the report must not reach the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    form = client.get("/staff/reports")
    assert form.status_code == 200
    response = client.get(
        "/staff/reports", query_string={"consultation": crowd.consultation.slug, "format": "pdf"}
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _pdf_text(response.data)
    assert "Report to the Local Strategic Partnership" in text
    assert "13 young people took part" in text
    assert "14 to 15" in text and "ST4" in text
    assert "16 to 17" not in text and "Tunstall" not in text
    # The two alone would be 13 minus the six shown minus the five who gave neither.
    assert "Not given" not in text
    assert "2 groups are not shown so that nobody can be picked out." in text
    assert "they are 7 people" in text
    assert "Participation in public life" in text and "Citizenship activity" in text
    assert "Which day is best?" in text
    assert "My view number" not in text  # written answers only appear as published quotes
    for fmt, mimetype in (("csv", "text/csv"), ("json", "application/json")):
        got = client.get(
            "/staff/reports", query_string={"consultation": crowd.consultation.slug, "format": fmt}
        )
        assert got.status_code == 200 and got.mimetype == mimetype
        assert "Tunstall" not in got.get_data(as_text=True)


def test_report_form_keeps_bad_input(app, client):
    _officer(client)
    backwards = client.get(
        "/staff/reports", query_string={"start": "2026-05-01", "end": "2026-04-01", "format": "pdf"}
    )
    assert backwards.status_code == 422
    html = backwards.get_data(as_text=True)
    assert 'value="2026-05-01"' in html and "on or after the start" in html
    nonsense = client.get("/staff/reports", query_string={"start": "soon", "format": "exe"})
    assert nonsense.status_code == 422
    assert 'value="soon"' in nonsense.get_data(as_text=True)


def test_report_command_writes_pdf_csv_and_json(app, tmp_path):
    crowd = _crowd_for_report()
    runner = app.test_cli_runner()
    out = tmp_path / "r.pdf"
    result = runner.invoke(
        args=["report", "--consultation", crowd.consultation.slug, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "16 to 17" not in _pdf_text(out.read_bytes())
    today = now().date()
    period = f"{(today - timedelta(days=30)).isoformat()}..{today.isoformat()}"
    as_json = runner.invoke(args=["report", "--period", period, "--format", "json", "--out", "-"])
    assert as_json.exit_code == 0, as_json.output
    assert crowd.consultation.slug in as_json.output and '"participants": 13' in as_json.output
    as_csv = runner.invoke(args=["report", "--period", period, "--format", "csv", "--out", "-"])
    assert as_csv.output.startswith("section,subject,measure,value,note")
    for bad in (
        ["report"],
        ["report", "--period", "yesterday"],
        ["report", "--consultation", "nope"],
    ):
        refused = runner.invoke(args=bad)
        assert refused.exit_code != 0 and "Traceback" not in refused.output


def test_forum_members_download_the_partnership_report_and_its_page_speaks_their_language(
    app, client
):
    from tests.staff.support import make_user as make_staff_user

    consultation = closed_consultation(subscribed=3, stopped=0, forgotten=0, silent=3).consultation
    member = make_staff_user(Role.FORUM_MEMBER)
    assert sign_in(client, member).status_code == 303

    page = client.get("/forum/report", headers={"Accept-Language": "pl"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Raport dla partnerstwa" in html and "Jedna konsultacja" in html
    missing = client.get("/forum/report?consultation=&start=&end=&format=csv")
    assert missing.status_code == 422
    assert "Choose a consultation, or give both dates of a period." in missing.get_data(True)

    got = client.get(f"/forum/report?consultation={consultation.slug}&format=json")
    assert got.status_code == 200 and got.mimetype == "application/json"
    assert "attachment" in got.headers["Content-Disposition"]
    body = got.get_json()
    assert body["consultations"][0]["youth_title"] == consultation.youth_title
    # The same report officers get: counts, never the written answers.
    assert "My view number" not in got.get_data(as_text=True)


def test_the_report_csv_runs_no_formula_in_any_spreadsheet(app, client):
    from tests.helpers import assert_safe_in_any_spreadsheet

    crowd = _crowd_for_report()
    officer = _officer(client)
    outcomes.add_we_did(
        officer,
        crowd.consultation,
        action='New benches;=HYPERLINK("http://evil.example")',
        partner="\u202eParks team\u202c, @council",
        now=now(),
    )
    db.session.commit()
    got = client.get(
        "/staff/reports", query_string={"consultation": crowd.consultation.slug, "format": "csv"}
    )
    assert got.status_code == 200
    text = got.get_data(as_text=True)
    assert_safe_in_any_spreadsheet(text)
    assert "New benches;'=HYPERLINK" in text and "Parks team,' @council" in text
