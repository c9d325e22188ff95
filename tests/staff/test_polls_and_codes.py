"""Live polls from a phone, and one-time access codes across the web form and the API."""

from __future__ import annotations

import re

from sqlalchemy import select

from consultations import access_codes, polls, services
from consultations.db import db
from consultations.models import Answer, Consultation, ConsultationStatus
from consultations.staff_models import AccessCode, AuditEntry, Role
from tests.helpers import csrf_token, make_consultation, now
from tests.staff.support import make_user, page, post, sign_in, text_of

PROBLEM = "application/problem+json"


def _start_poll(client, **fields: str):  # type: ignore[no-untyped-def]
    data = {"question": "Best night for the club?", "option_1": "Tuesday", "option_2": "Friday"}
    return post(client, "/staff/polls/new", {**data, **fields})


def test_a_youth_worker_starts_a_poll_in_one_form_and_gets_a_big_screen(app, client):
    app.config["TELEGRAM_BOT_USERNAME"] = "YouthVoiceBot"
    sign_in(client, make_user(Role.YOUTH_WORKER))
    response = _start_poll(client, option_3="Saturday")
    assert response.status_code == 303
    poll = db.session.scalar(select(Consultation).where(Consultation.is_live_poll))
    assert response.location == f"/staff/polls/{poll.id}/screen"
    assert poll.status is ConsultationStatus.OPEN
    assert re.fullmatch(r"[ACDEFHJKMNPRTUVWXY3479]{6}", poll.join_code)

    screen = client.get(response.location)
    html = screen.get_data(as_text=True)
    assert '<svg viewBox="0 0 ' in html and 'class="qr"' in html, "QR code drawn on the server"
    assert f"testserver/p/{poll.join_code}" in html
    assert f"https://t.me/YouthVoiceBot?start=c_{poll.slug}" in html
    text = text_of(screen)
    assert "Best night for the club?" in text
    assert "Tuesday" in text and "Saturday" in text
    assert "0 votes" in text
    assert "<script>" not in html and "style=" not in html, "nothing inline for the CSP"


def test_poll_form_keeps_what_was_typed_on_error(client):
    sign_in(client, make_user(Role.YOUTH_WORKER))
    response = _start_poll(client, option_2="", option_3="")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Give at least two options." in page
    assert 'value="Best night for the club?"' in page
    assert 'value="Tuesday"' in page


def test_young_people_vote_at_the_short_link_without_javascript(client, api):
    worker = make_user(Role.YOUTH_WORKER)
    poll = polls.create_poll(worker, "Pizza or pasta?", ["Pizza", "Pasta"], now=now())
    db.session.commit()
    youth = client.application.test_client()
    html = page(youth, f"/p/{poll.join_code.lower()}")
    assert "<script" not in html
    assert "Your age" not in html, "a live poll asks nothing about the person"
    question = poll.questions[0]
    voted = youth.post(
        f"/p/{poll.join_code}",
        data={"csrf_token": csrf_token(html), f"q{question.id}": str(question.options[1].id)},
    )
    assert voted.status_code == 303
    assert "Thanks, your vote is in." in text_of(youth.get(voted.location))
    api.post(
        f"/consultations/{poll.slug}/answers",
        json={
            "participant": {"channel": "telegram", "id": "42"},
            "answers": [{"question_id": question.id, "option_ids": [question.options[0].id]}],
        },
    )
    sign_in(client, worker)
    response = client.get(f"/staff/polls/{poll.id}/results.json")
    assert response.status_code == 200, response.location
    live = response.json
    assert live["voters"] == 2
    assert [(o["label"], o["count"], o["percent"]) for o in live["options"]] == [
        ("Pizza", 1, 50.0),
        ("Pasta", 1, 50.0),
    ]


def _figures(html: str, attribute: str) -> dict[str, tuple[str, str]]:
    """Count and percent for each option, from the bars or from the table."""
    found = {}
    for option_id, body in re.findall(rf'{attribute}="(\d+)"(.*?)</(?:li|tr)>', html, re.S):
        count = re.search(r'data-live="count">(\d+)<', body)
        percent = re.search(r'data-live="percent">(\d+)<', body)
        assert count and percent, body
        found[option_id] = (count.group(1), percent.group(1))
    return found


def test_the_big_screen_has_a_table_with_the_same_figures_as_its_bars(client, api):
    worker = make_user(Role.YOUTH_WORKER)
    poll = polls.create_poll(worker, "Where to?", ["Bowling", "Cinema", "Park"], now=now())
    db.session.commit()
    question = poll.questions[0]
    for person, option in (("1", 0), ("2", 1), ("3", 1)):
        api.post(
            f"/consultations/{poll.slug}/answers",
            json={
                "participant": {"channel": "telegram", "id": person},
                "answers": [
                    {"question_id": question.id, "option_ids": [question.options[option].id]}
                ],
            },
        )
    sign_in(client, worker)
    html = page(client, f"/staff/polls/{poll.id}/screen")
    bars = _figures(html, "data-option")
    table = _figures(html, "data-row")
    assert (
        bars
        == table
        == {
            str(question.options[0].id): ("1", "33"),
            str(question.options[1].id): ("2", "67"),
            str(question.options[2].id): ("0", "0"),
        }
    )
    # The table is what screen readers get: a caption, headers, a row per option; the
    # drawn bars are hidden from them so nothing is read twice.
    assert re.search(r'<ul class="live-bars" aria-hidden="true">', html)
    assert "<caption>Votes so far</caption>" in html
    assert '<th scope="row">Park</th>' in html
    # The feed the script redraws both from carries the same figures.
    live = client.get(f"/staff/polls/{poll.id}/results.json").json
    assert {str(o["id"]): (str(o["count"]), str(round(o["percent"]))) for o in live["options"]} == (
        table
    )


def test_poll_close_reopen_and_export(client):
    worker = make_user(Role.YOUTH_WORKER)
    poll = polls.create_poll(worker, "Pizza or pasta?", ["Pizza", "Pasta"], now=now())
    db.session.commit()
    sign_in(client, worker)
    post(client, f"/staff/polls/{poll.id}/close")
    youth = client.application.test_client()
    assert "This poll is closed." in text_of(youth.get(f"/p/{poll.join_code}"))
    assert "Reopen poll" in text_of(client.get(f"/staff/polls/{poll.id}/screen"))
    post(client, f"/staff/polls/{poll.id}/reopen")
    db.session.refresh(poll)
    assert poll.status is ConsultationStatus.OPEN and poll.closes_at is None
    export = client.get(f"/staff/polls/{poll.id}/export.csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert "attachment" in export.headers["Content-Disposition"]
    actions = list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.object_type == "consultation", AuditEntry.object_id == poll.id)
            .order_by(AuditEntry.id)
        )
    )
    assert actions == ["poll_created", "poll_closed", "poll_reopened", "exported"]


def test_an_unknown_poll_code_says_so(client):
    response = client.get("/p/ZZZZZZ")
    assert response.status_code == 404
    # On the join page, with the code kept in the box to correct it.
    assert "There is no live poll with the code ZZZZZZ." in text_of(response)


def _ballot() -> Consultation:
    return make_consultation(
        questions=[
            services.QuestionSpec(
                services.QuestionKind.SINGLE_CHOICE,
                "Who should chair the forum?",
                required=True,
                options=["Sam", "Alex"],
            )
        ]
    )


def test_code_sheet_prints_codes_with_qr_links_and_stores_only_hashes(client):
    sign_in(client, make_user(Role.YOUTH_WORKER))
    ballot = _ballot()
    sheet = post(
        client, f"/staff/consultations/{ballot.id}/codes", {"count": "3", "use": "required"}
    )
    assert sheet.status_code == 200
    html = sheet.get_data(as_text=True)
    codes = re.findall(r'<p class="card-code">([A-Z0-9]{4}-[A-Z0-9]{4})</p>', html)
    assert len(codes) == 3 and len(set(codes)) == 3
    assert html.count('class="qr"') == 3
    db.session.refresh(ballot)
    assert ballot.requires_access_code
    stored = list(db.session.scalars(select(AccessCode.code_hash)))
    assert len(stored) == 3
    assert not any(code.replace("-", "") in h for code in codes for h in stored)
    assert "3 codes issued, 0 used" in text_of(
        client.get(f"/staff/consultations/{ballot.id}/codes")
    )


def _web_vote(client, ballot: Consultation, code: str | None, option: int = 0):  # type: ignore[no-untyped-def]
    question = ballot.questions[0]
    html = page(client, f"/c/{ballot.slug}")
    data = {"csrf_token": csrf_token(html), f"q{question.id}": str(question.options[option].id)}
    if code is not None:
        data["access_code"] = code
    return client.post(f"/c/{ballot.slug}", data=data)


def _api_vote(api, ballot: Consultation, uid: str, code: str | None, option: int = 0):  # type: ignore[no-untyped-def]
    question = ballot.questions[0]
    body: dict[str, object] = {
        "participant": {"channel": "telegram", "id": uid},
        "answers": [{"question_id": question.id, "option_ids": [question.options[option].id]}],
    }
    if code is not None:
        body["access_code"] = code
    return api.post(f"/consultations/{ballot.slug}/answers", json=body)


def test_a_code_used_on_the_web_cannot_be_used_again_through_the_api(app, api):
    ballot = _ballot()
    (code,) = access_codes.issue_codes(
        make_user(Role.YOUTH_WORKER), ballot, 1, required=True, now=now()
    )
    db.session.commit()
    web = app.test_client()

    missing = _web_vote(web, ballot, None)
    assert missing.status_code == 422
    assert "This vote needs the access code you were given." in text_of(missing)

    assert _web_vote(web, ballot, code.lower()).status_code == 303
    # The same person changes their mind: no code needed again.
    assert _web_vote(web, ballot, None, option=1).status_code == 303

    reused = _api_vote(api, ballot, "777", code)
    assert reused.status_code == 409
    assert reused.mimetype == PROBLEM
    assert "already been used" in reused.json["detail"]
    assert db.session.scalar(select(db.func.count()).select_from(Answer)) == 1
    db.session.expire_all()
    assert [o.tally for o in ballot.questions[0].options] == [0, 1]


def test_a_code_used_through_the_api_cannot_be_used_again_on_the_web(app, api):
    ballot = _ballot()
    (code,) = access_codes.issue_codes(
        make_user(Role.YOUTH_WORKER), ballot, 1, required=True, now=now()
    )
    db.session.commit()

    wrong = _api_vote(api, ballot, "555", "AAAA-AAAA")
    assert wrong.status_code == 422 and "not right" in wrong.json["detail"]
    assert _api_vote(api, ballot, "555", code).status_code == 200
    assert _api_vote(api, ballot, "555", None, option=1).status_code == 200

    reused = _web_vote(app.test_client(), ballot, code)
    assert reused.status_code == 409
    html = reused.get_data(as_text=True)
    assert re.search(r'id="access_code-error">That access code has already been used', html)
    assert f'value="{code}"' in html, "what was typed is kept"


def test_a_used_code_stays_used_after_its_holder_is_erased(app, api):
    """Erasure forgets the person, not the vote their code was spent on."""
    ballot = _ballot()
    (code,) = access_codes.issue_codes(
        make_user(Role.YOUTH_WORKER), ballot, 1, required=True, now=now()
    )
    db.session.commit()
    web = app.test_client()
    assert _web_vote(web, ballot, code).status_code == 303
    forget_me = web.post("/forget-me", data={"csrf_token": csrf_token(page(web, "/forget-me"))})
    assert forget_me.status_code == 303

    reused = _api_vote(api, ballot, "888", code)
    assert reused.status_code == 409
    assert "already been used" in reused.json["detail"]
    # Nor can the erased person come back with it: it counted once, and was taken back.
    again = _web_vote(web, ballot, code)
    assert again.status_code == 409
    db.session.expire_all()
    assert db.session.scalar(select(db.func.count()).select_from(Answer)) == 0
    assert [o.tally for o in ballot.questions[0].options] == [0, 0]
    assert access_codes.code_counts(ballot) == (1, 1)
    stored = db.session.scalar(select(AccessCode))
    assert stored is not None and stored.participant_id is None and stored.used_at is not None


def test_the_api_documents_the_access_code(client, api):
    doc = client.get("/api/v1/openapi.json").json
    schemas = doc["components"]["schemas"]
    assert "access_code" in schemas["Submission"]["properties"]
    documented = set(schemas["Consultation"]["properties"])
    c = make_consultation()
    shown = api.get(f"/consultations/{c.slug}").json
    assert set(shown) <= documented, "every field the API sends is documented"


def test_printing_codes_asks_what_they_are_for_and_never_switches_the_requirement_by_itself(
    client,
):
    sign_in(client, make_user(Role.YOUTH_WORKER))
    public = make_consultation()
    form = page(client, f"/staff/consultations/{public.id}/codes")
    assert "Only people with a code can answer" in form
    assert "Codes for a club&#39;s own count" in form or "Codes for a club's own count" in form
    assert "checked" not in form.split("What the codes are for", 1)[1].split("</fieldset>")[0]
    refused = post(client, f"/staff/consultations/{public.id}/codes", {"count": "3"})
    assert refused.status_code == 422
    assert "Choose what the codes are for." in text_of(refused)
    assert db.session.scalar(select(AccessCode.id)) is None, "no sheet without a choice"
    sheet = post(client, f"/staff/consultations/{public.id}/codes", {"count": "2", "use": "count"})
    assert sheet.status_code == 200
    db.session.refresh(public)
    assert not public.requires_access_code, "a club's count leaves it open to everyone"
    assert "Counts your answer for your club" in text_of(sheet)


def test_a_clubs_codes_count_once_each_while_anyone_answers_without_one(client, api):
    ballot = _ballot()
    (code,) = access_codes.issue_codes(
        make_user(Role.YOUTH_WORKER), ballot, 1, required=False, now=now()
    )
    db.session.commit()
    stranger = client.application.test_client()
    assert "access_code" not in page(stranger, f"/c/{ballot.slug}"), "no code box for the public"
    assert _web_vote(stranger, ballot, None).status_code == 303
    member = client.application.test_client()
    card = page(member, f"/c/{ballot.slug}?code={code}")
    assert "Your club" in card and f'value="{code}"' in card
    assert _web_vote_from(member, ballot, card, code).status_code == 303
    assert access_codes.code_counts(ballot) == (1, 1)
    # Someone else with the same card still answers, but the code counts one person only.
    assert _api_vote(api, ballot, "77", code).status_code == 200
    assert _api_vote(api, ballot, "78", "WRONGCODE").status_code == 200
    assert access_codes.code_counts(ballot) == (1, 1)
    db.session.refresh(ballot)
    assert ballot.respondent_count == 4


def _web_vote_from(client, ballot: Consultation, html: str, code: str):  # type: ignore[no-untyped-def]
    question = ballot.questions[0]
    data = {
        "csrf_token": csrf_token(html),
        f"q{question.id}": str(question.options[0].id),
        "access_code": code,
    }
    return client.post(f"/c/{ballot.slug}", data=data)


def test_a_poll_page_shows_one_code_only(client):
    worker = make_user(Role.YOUTH_WORKER)
    poll = polls.create_poll(worker, "Pizza or pasta?", ["Pizza", "Pasta"], now=now())
    db.session.commit()
    plain = page(client, f"/p/{poll.join_code}")
    assert f"poll code {poll.join_code}" in text_of_html(plain)
    access_codes.set_required(worker, poll, True, now=now())
    db.session.commit()
    ballot = page(client.application.test_client(), f"/p/{poll.join_code}")
    assert "access code" in ballot
    assert poll.join_code not in text_of_html(ballot).replace(f"/p/{poll.join_code}", "")


def text_of_html(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
