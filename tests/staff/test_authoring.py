"""An officer writes, checks, publishes and closes a consultation; the audit log keeps up."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot import wording
from consultations import services
from consultations.db import db
from consultations.errors import IllegalTransition
from consultations.models import (
    Consultation,
    ConsultationStatus,
    GlossaryTerm,
    Question,
)
from consultations.staff_models import AuditEntry, Role
from tests.helpers import make_consultation, now
from tests.staff.support import make_user, post, sign_in, text_of

HARD = (
    "The Local Strategic Partnership will facilitate the comprehensive implementation of "
    "multi-agency interventions, ensuring sustainable neighbourhood regeneration outcomes "
    "across the administrative boundaries of the municipality."
)
EASY = "We want to make the park better. Tell us what you would like. It only takes a minute."


def _draft(**overrides: str) -> dict[str, str]:
    return {
        "title": "Parks strategy 2026",
        "youth_title": "Your park",
        "theme": "young_people",
        "source_document": "Parks strategy",
        "source_organisation": "Test council",
        "original_text": HARD,
        "youth_summary": EASY,
        "reading_age_target": "12",
        "audience_min_age": "11",
        "audience_max_age": "25",
        "opens_at": "",
        "closes_at": "",
        **overrides,
    }


def _actions(consultation_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(
                AuditEntry.object_type == "consultation", AuditEntry.object_id == consultation_id
            )
            .order_by(AuditEntry.id)
        )
    )


def test_full_authoring_flow_with_the_publish_gate_and_its_override(client):
    officer = make_user(Role.OFFICER)
    sign_in(client, officer)

    created = post(client, "/staff/consultations/new", _draft(youth_summary=HARD))
    assert created.status_code == 303
    consultation = db.session.scalar(
        select(Consultation).where(Consultation.youth_title == "Your park")
    )
    editor = f"/staff/consultations/{consultation.id}"
    assert created.location == editor

    page = client.get(editor)
    text = text_of(page)
    assert "Original text (as the council wrote it)" in text and "Rewrite for young people" in text
    assert "too hard" in text
    assert "<mark>The Local Strategic Partnership will facilitate" in page.get_data(as_text=True)
    assert "Local Strategic Partnership : The council, police" in text
    assert "“facilitate” → “help”" in text

    added = post(
        client,
        f"{editor}/questions",
        {"kind": "single_choice", "prompt": "What should we add?", "options": "Swings\nBenches"},
    )
    assert added.status_code == 303

    refused = post(client, f"{editor}/publish", {"override_reason": ""})
    assert refused.status_code == 409
    refused_text = text_of(refused)
    assert "Not published: the text is too hard to read" in refused_text
    assert "The Local Strategic Partnership will facilitate" in refused_text
    db.session.refresh(consultation)
    assert consultation.status is ConsultationStatus.DRAFT

    opened = post(
        client,
        f"{editor}/publish",
        {"override_reason": "Statutory wording agreed with the youth forum"},
    )
    assert opened.status_code == 303
    db.session.refresh(consultation)
    assert consultation.status is ConsultationStatus.OPEN
    assert consultation.reading_age_override == "Statutory wording agreed with the youth forum"

    saved = post(client, editor, _draft(youth_summary=EASY))
    assert saved.status_code == 303
    closed = post(client, f"{editor}/close")
    assert closed.status_code == 303
    db.session.refresh(consultation)
    assert consultation.status is ConsultationStatus.CLOSED

    assert _actions(consultation.id) == [
        "created",
        "question_added",
        "opened",
        "override",
        "edited",
        "closed",
    ]
    override = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "override"))
    assert override.user_id == officer.id
    assert override.detail == "Statutory wording agreed with the youth forum"
    assert override.at is not None


def test_a_refused_publish_comes_back_on_the_filled_editor_with_the_same_reading_age(client):
    sign_in(client, make_user())
    created = post(client, "/staff/consultations/new", _draft(youth_summary=HARD))
    editor = created.location
    post(client, f"{editor}/questions", {"kind": "scale", "prompt": "Do you agree?"})

    refused = post(client, f"{editor}/publish", {"override_reason": ""})
    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    # Every field holds what was saved, so "Save changes" from here saves the same text.
    assert 'value="Parks strategy 2026"' in html and 'value="Your park"' in html
    assert f"{HARD}</textarea>" in html
    # The panel beside the refusal scores what the gate scored, and agrees with it.
    gate_age = re.search(r"Reading age ([\d.]+) is above the target", html)
    panel_age = re.search(r'data-field="reading_age">([\d.]+)<', html)
    assert gate_age and panel_age and gate_age.group(1) == panel_age.group(1)
    assert "easy enough" not in text_of(refused).split("How easy is it to read?")[1][:200]
    assert "<mark>The Local Strategic Partnership will facilitate" in html


def test_an_easy_text_publishes_without_an_override(client):
    sign_in(client, make_user())
    c = make_consultation(open_it=False)
    response = post(client, f"/staff/consultations/{c.id}/publish", {"override_reason": ""})
    assert response.status_code == 303
    db.session.refresh(c)
    assert c.status is ConsultationStatus.OPEN
    assert _actions(c.id) == ["opened"]


def test_editor_form_keeps_what_was_typed_on_error(client):
    sign_in(client, make_user())
    response = post(
        client,
        "/staff/consultations/new",
        _draft(
            title="",
            youth_summary="My careful rewrite that must not be lost.",
            opens_at="2030-05-02T10:00",
            closes_at="2030-05-01T10:00",
        ),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "My careful rewrite that must not be lost." in page
    assert "Give a title." in page
    assert "The closing date must be after the opening date." in page
    assert 'value="2030-05-02T10:00"' in page
    assert db.session.scalar(select(Consultation.id)) is None


def test_schedule_is_saved_in_uk_time(client):
    sign_in(client, make_user())
    c = make_consultation(open_it=False)
    response = post(
        client,
        f"/staff/consultations/{c.id}",
        _draft(opens_at="2031-07-01T09:00", closes_at="2031-07-15T17:00"),
    )
    assert response.status_code == 303
    db.session.refresh(c)
    assert c.opens_at.isoformat() == "2031-07-01T08:00:00+00:00"  # British Summer Time
    assert 'value="2031-07-15T17:00"' in client.get(f"/staff/consultations/{c.id}").get_data(
        as_text=True
    )


def _answer(consultation: Consultation, uid: str, option_index: int = 0) -> None:
    question = consultation.questions[0]
    person = services.participant_for("telegram", uid, key=b"test-pseudonym-key")
    services.submit_answers(
        consultation,
        person,
        [services.AnswerInput(question.id, option_ids=[question.options[option_index].id])],
        channel="telegram",
        now=now(),
    )
    db.session.commit()


def test_a_question_with_answers_cannot_be_deleted(client):
    sign_in(client, make_user())
    c = make_consultation()
    _answer(c, "1")
    answered, unanswered = c.questions[0], c.questions[1]
    page = client.get(f"/staff/consultations/{c.id}").get_data(as_text=True)
    assert "Has answers, so it cannot be deleted." in page

    refused = post(client, f"/staff/questions/{answered.id}/delete")
    assert refused.status_code == 409
    assert "People have already answered this question, so it cannot be deleted" in text_of(refused)
    assert db.session.get(Question, answered.id) is not None

    assert post(client, f"/staff/questions/{unanswered.id}/delete").status_code == 303
    db.session.expire_all()
    assert [q.prompt for q in c.questions] == [
        "Which day is best?",
        "How much do you want it?",
        "Anything else?",
    ]
    assert [q.position for q in c.questions] == [0, 1, 2]


def test_options_with_votes_can_be_relabelled_but_not_removed_or_reordered(client):
    sign_in(client, make_user())
    c = make_consultation()
    _answer(c, "1", option_index=1)  # a vote for "Friday"
    question = c.questions[0]
    url = f"/staff/questions/{question.id}"
    assert "you can fix the wording" in text_of(client.get(url)).lower()

    removed = post(client, url, {"prompt": question.prompt, "options": "Monday\nFriday"})
    assert removed.status_code == 422
    assert "options cannot be added or removed" in text_of(removed)
    assert "Monday Friday" in text_of(removed), "what was typed stays in the form"

    reordered = post(
        client, url, {"prompt": question.prompt, "options": "Friday\nMonday\nSaturday"}
    )
    assert reordered.status_code == 422
    assert "“Friday” would take the votes of another option" in text_of(reordered)

    fixed = post(
        client, url, {"prompt": question.prompt, "options": "Monday\nFriday night\nSaturday"}
    )
    assert fixed.status_code == 303
    db.session.expire_all()
    labels = [(o.label, o.tally) for o in question.options]
    assert labels == [("Monday", 0), ("Friday night", 1), ("Saturday", 0)]


def test_options_without_votes_can_be_changed_freely(client):
    sign_in(client, make_user())
    c = make_consultation(open_it=False)
    question = c.questions[0]
    response = post(
        client,
        f"/staff/questions/{question.id}",
        {"prompt": "Best day?", "options": "Sunday\nMonday"},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert [o.label for o in question.options] == ["Sunday", "Monday"]
    assert question.prompt == "Best day?"


def test_questions_move_up_and_down(client):
    sign_in(client, make_user())
    c = make_consultation(open_it=False)
    last = c.questions[-1]
    post(client, f"/staff/questions/{last.id}/move", {"direction": "up"})
    db.session.expire_all()
    assert [q.prompt for q in c.questions][-2:] == ["Anything else?", "How much do you want it?"]


def test_add_question_errors_keep_the_typed_text(client):
    sign_in(client, make_user())
    c = make_consultation(open_it=False)
    response = post(
        client,
        f"/staff/consultations/{c.id}/questions",
        {"kind": "single_choice", "prompt": "Where should it be?", "options": "Only one"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Give at least two options, one per line." in page
    assert 'value="Where should it be?"' in page
    assert "Only one</textarea>" in page


def test_readability_endpoint_scores_text_as_typed_with_the_questions(client):
    sign_in(client, make_user())
    c = make_consultation(open_it=False)
    response = post(
        client,
        "/staff/readability",
        {"text": HARD, "target": "12", "consultation_id": str(c.id)},
    )
    assert response.status_code == 200
    data = response.json
    assert data["passes"] is False
    assert any(s["long"] for s in data["sentences"])
    assert "Which day is best?" in [s["text"] for s in data["sentences"]]
    assert {"term": "Local Strategic Partnership"}.items() <= data["glossary_terms"][0].items()
    assert data["words_to_avoid"]["facilitate"] == "help"


def test_preview_shows_the_web_form_and_the_chat_messages(client):
    sign_in(client, make_user())
    c = make_consultation(open_it=False)
    page = client.get(f"/staff/consultations/{c.id}/preview")
    text = text_of(page)
    assert "On the web" in text and "In chat" in text
    assert "Question 1 of 4 Which day is best?" in text
    assert wording.multiple_choice_hint() in text
    assert "1 = Not at all … 5 = A lot" in text
    html = page.get_data(as_text=True)
    assert 'class="chat-button">Friday<' in html
    assert f'class="chat-button">{wording.START_ANSWERING}<' in html
    assert "answers cannot be sent from here" in text
    assert "<script>" not in html


def test_the_chat_preview_is_what_the_chat_engine_sends_in_the_language_asked(client):
    from bot.conversation import question_text

    sign_in(client, make_user())
    c = make_consultation(open_it=False)
    polish = text_of(client.get(f"/staff/consultations/{c.id}/preview?lang=pl"))
    assert wording.text("QUESTION_HEADER", "pl").format(number=1, total=4) in polish
    assert wording.text("START_ANSWERING", "pl") in polish
    # The same text the channels send for the question, word for word.
    from channel_api import payloads as p

    question = p.Question(
        id=1,
        position=0,
        kind="scale",
        prompt="How much do you want it?",
        required=False,
        max_length=None,
        options=[],
        scale=p.Scale(min=1, max=5, min_label="Not at all", max_label="A lot"),
    )
    english = text_of(client.get(f"/staff/consultations/{c.id}/preview"))
    assert " ".join(question_text(question, 3, 4).split()) in english


def test_glossary_terms_are_added_and_edited_and_duplicates_refused(client):
    sign_in(client, make_user())
    added = post(
        client,
        "/staff/glossary",
        {
            "term": "skate park",
            "aliases": "skatepark",
            "explanation": "A place built for skateboards and bikes.",
        },
    )
    assert added.status_code == 303
    assert "A place built for skateboards and bikes." in text_of(client.get("/staff/glossary"))
    duplicate = post(
        client, "/staff/glossary", {"term": "Skate Park", "explanation": "Typed again by mistake."}
    )
    assert duplicate.status_code == 422
    assert "already in the glossary" in text_of(duplicate)
    assert "Typed again by mistake." in duplicate.get_data(as_text=True)
    actions = list(
        db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_type == "glossary_term")
        )
    )
    term = db.session.scalar(select(GlossaryTerm).where(GlossaryTerm.term == "skate park"))
    edited = post(
        client,
        f"/staff/glossary/{term.id}",
        {
            "term": "skate park",
            "aliases": "skatepark, skate parks",
            "explanation": "A place for skating.",
        },
    )
    assert edited.status_code == 303
    db.session.refresh(term)
    assert term.explanation == "A place for skating."
    actions = list(
        db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_type == "glossary_term")
        )
    )
    assert actions == ["glossary_added", "glossary_edited"]


def test_reopen_is_a_model_move_that_refuses_illegal_transitions(app):
    c = make_consultation(open_it=False)
    try:
        c.reopen(now())
    except IllegalTransition:
        pass
    else:
        raise AssertionError("a draft was reopened")
    services.open_consultation(c, now=now())
    services.close_consultation(c, now=now())
    c.reopen(now())
    assert c.status is ConsultationStatus.OPEN and c.closes_at is None


def test_glossary_aliases_are_limited_in_number_and_length_in_plain_words(client):
    from consultations import authoring
    from consultations.errors import InvalidEdit
    from consultations.glossary import ALIAS_LENGTH_MAX, ALIASES_MAX

    officer = make_user()
    sign_in(client, officer)
    too_many = ", ".join(f"form {n}" for n in range(ALIASES_MAX + 1))
    refused = post(
        client,
        "/staff/glossary",
        {"term": "skate park", "aliases": too_many, "explanation": "A place for skating."},
    )
    assert refused.status_code == 422
    assert f"Give at most {ALIASES_MAX} other forms; you gave {ALIASES_MAX + 1}." in text_of(
        refused
    )
    assert too_many in refused.get_data(as_text=True)  # what was typed is still there
    too_long = "skate " * 20
    refused = post(
        client,
        "/staff/glossary",
        {"term": "skate park", "aliases": f"skatepark, {too_long}", "explanation": "A place."},
    )
    assert refused.status_code == 422
    assert f"Keep each other form to {ALIAS_LENGTH_MAX} characters or fewer" in text_of(refused)
    assert db.session.scalar(select(GlossaryTerm).where(GlossaryTerm.term == "skate park")) is None

    # Editing an existing term is held to the same limits.
    term = db.session.scalar(select(GlossaryTerm).where(GlossaryTerm.term == "ward"))
    edited = post(
        client,
        f"/staff/glossary/{term.id}",
        {"term": "ward", "aliases": too_many, "explanation": term.explanation},
    )
    assert edited.status_code == 422
    assert "Give at most" in text_of(edited)

    # The service refuses too, whoever calls it.
    for aliases in ([f"form {n}" for n in range(ALIASES_MAX + 1)], ["x" * 81]):
        try:
            authoring.save_glossary_term(
                officer, None, term="skate park", aliases=aliases, explanation="A.", now=now()
            )
        except InvalidEdit as error:
            assert "other form" in error.detail
        else:
            raise AssertionError(f"{len(aliases)} aliases were accepted")
    db.session.rollback()
    kept = post(
        client,
        "/staff/glossary",
        {"term": "skate park", "aliases": " skatepark ,  skate   parks", "explanation": "A."},
    )
    assert kept.status_code == 303
    term = db.session.scalar(select(GlossaryTerm).where(GlossaryTerm.term == "skate park"))
    assert term.aliases == '["skatepark", "skate parks"]'


LINKED = 'class="term" rel="noopener noreferrer nofollow">'


def test_the_term_matcher_is_built_once_and_again_only_when_the_glossary_changes(client):
    from consultations import glossary

    officer = make_user()
    sign_in(client, officer)
    c = make_consultation(youth_summary="We want a skatepark near the LSP offices. Tell us.")
    reader = client.application.test_client()
    glossary.matcher.cache_clear()
    for _ in range(3):
        html = reader.get(f"/c/{c.slug}").get_data(as_text=True)
        assert f"{LINKED}LSP</a>" in html and "skatepark</a>" not in html
    built = glossary.matcher.cache_info().misses
    assert glossary.matcher.cache_info().hits >= 2 * built  # pages reuse what was built

    added = post(
        client,
        "/staff/glossary",
        {"term": "skate park", "aliases": "skatepark", "explanation": "A place for skating."},
    )
    assert added.status_code == 303
    html = reader.get(f"/c/{c.slug}").get_data(as_text=True)
    assert f"{LINKED}skatepark</a>" in html  # the new term shows on the very next page
    assert "A place for skating." in html
    assert glossary.matcher.cache_info().misses > built


def test_an_empty_text_is_not_called_easy_enough(client):
    sign_in(client, make_user())
    panel = text_of(client.get("/staff/consultations/new")).split("How easy is it to read?")[1]
    assert panel.startswith(" Nothing to score yet")
    c = make_consultation(open_it=False)
    scored = post(
        client, "/staff/readability", {"text": "  ", "target": "12", "consultation_id": c.id}
    ).json
    # The questions alone score low; with no text of its own that is no verdict at all.
    assert scored["empty"] is True
    assert post(client, "/staff/readability", {"text": EASY, "target": "12"}).json["empty"] is False
