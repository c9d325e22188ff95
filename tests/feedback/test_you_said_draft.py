"""The "You said" draft: what each sentence says, where it comes from, and what it never says."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consultations import services
from consultations.db import db
from consultations.errors import IllegalTransition
from consultations.moderation import review
from consultations.readability import analyse
from consultations.staff_models import AuditEntry, Role
from consultations.translations import save_translation
from feedback import outcomes, report, you_said_draft
from feedback.models import OutboxMessage
from tests.feedback.support import (
    APPROVED_UNQUOTED_WORD,
    NOT_APPROVED_WORD,
    QUOTED,
    spoken_consultation,
)
from tests.helpers import make_consultation, now
from tests.staff.support import make_user

THRESHOLD = 5
# Options and themes the figures must never name: under the threshold, or hidden with one
# that is so it cannot be worked out from the total.
NEVER_NAMED = ["Monday", "Friday", "Gaming", "Cooking", "Skate park", "Later opening"]


def _by_ref(draft: you_said_draft.YouSaidDraft) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for sentence in draft.sentences:
        found.setdefault(sentence.ref, []).append(sentence.text)
    return found


def test_each_sentence_states_a_figure_and_says_where_it_comes_from(app):
    spoken = spoken_consultation()
    c = spoken.consultation
    day, todo, scale, _ = c.questions
    draft = you_said_draft.draft(c, "en", threshold=THRESHOLD)
    said = _by_ref(draft)
    assert said["people"] == ["30 young people took part."]
    assert said[f"question:{day.id}"] == [
        "We asked: Which day is best?",
        # 20 of 30 chose Saturday.
        "The top answer was “Saturday”, picked by 7 in 10.",
    ]
    assert said[f"question:{todo.id}"] == [
        "We asked: What would you do there?",
        "The top answer was “Sport”, picked by about half.",  # 15 of 30
        "Next came “Music”, picked by 4 in 10.",  # 12 of 30
    ]
    assert said[f"question:{scale.id}"] == [
        "We asked: How much do you want it?",
        # (15 × 5 + 10 × 4 + 5 × 2) / 30
        "On a scale from 1 to 5, the average was 4.2.",
        "1 means “Not at all” and 5 means “A lot”.",
        "The score was 4 or 5 for 8 in 10.",  # 25 of 30
    ]
    # Themes biggest first, in people.
    assert said[f"theme:{spoken.tags['Cheaper buses']}"] == [
        "12 young people wrote about “Cheaper buses”."
    ]
    assert said[f"theme:{spoken.tags['Safe lighting']}"] == [
        "7 young people wrote about “Safe lighting”."
    ]
    assert said[f"quote:{spoken.quote_ids[0]}"] == [f"One of you wrote: “{QUOTED}”"]
    # The officer sees the exact figures behind each sentence.
    sources = {s.text: s.source for s in draft.sentences}
    assert "“Saturday” 20 of 30 answers" in sources[said[f"question:{day.id}"][1]]
    assert "“Music” 12 of 30 answers" in sources["Next came “Music”, picked by 4 in 10."]
    assert "4 or 5 from 25 of 30 answers" in sources["The score was 4 or 5 for 8 in 10."]
    assert "from 12 people" in sources["12 young people wrote about “Cheaper buses”."]
    # Every sentence is one of these, and the text is these sentences and nothing else.
    assert set(said) == {
        "people",
        f"question:{day.id}",
        f"question:{todo.id}",
        f"question:{scale.id}",
        f"theme:{spoken.tags['Cheaper buses']}",
        f"theme:{spoken.tags['Safe lighting']}",
        f"quote:{spoken.quote_ids[0]}",
    }
    assert draft.text.replace("\n\n", " ") == " ".join(s.text for s in draft.sentences)
    # The report to the partnership names the same themes with the same counts.
    section = report._section(c, now().date(), THRESHOLD)
    assert [(t.name, t.people) for t in section.themes] == [
        ("Cheaper buses", 12),
        ("Safe lighting", 7),
    ]


def test_small_groups_are_never_stated_not_even_by_subtraction(app):
    # 27 people: Monday 1 and Friday 6 (hidden with it, or 27 - 20 gives Monday away);
    # 25 scored 4 or 5, so "the rest" would be 2 people; Skate park is 2 people's theme.
    spoken = spoken_consultation(people=27)
    c = spoken.consultation
    for lang in ("en", "pl", "ur"):
        text = you_said_draft.draft(c, lang, threshold=THRESHOLD).text
        for name in NEVER_NAMED:
            assert name not in text, (lang, name)
    english = you_said_draft.draft(c, "en", threshold=THRESHOLD)
    scale = c.questions[2]
    assert _by_ref(english)[f"question:{scale.id}"] == [
        "We asked: How much do you want it?",
        "On a scale from 1 to 5, the average was 4.4.",  # (75 + 40 + 4) / 27
        "1 means “Not at all” and 5 means “A lot”.",
    ]
    assert "27 young people took part." in english.text
    assert "The score was" not in english.text


def test_only_a_few_people_gives_no_figures_and_names_no_theme(app):
    c = spoken_consultation(people=4).consultation
    for lang, words in (
        ("en", "Only a few young people answered, so we do not give any numbers."),
        ("pl", "Odpowiedziało tylko kilka młodych osób, więc nie podajemy żadnych liczb."),
    ):
        draft = you_said_draft.draft(c, lang, threshold=THRESHOLD)
        assert draft.text == words
        assert [s.ref for s in draft.sentences] == ["people"]
    # The report names no theme either, and does not say how many it hid.
    section = report._section(c, now().date(), THRESHOLD)
    assert section.themes == []
    assert section.themes_note == "No theme is shown, so that nobody can be picked out."


def test_no_answers_yet_no_themes_no_quotes(app):
    c = make_consultation(open_it=False, closes_in=None)
    services.open_consultation(c, now=now() - timedelta(days=3))
    services.close_consultation(c, now=now() - timedelta(days=1))
    db.session.commit()
    drafts = you_said_draft.write_drafts(make_user(), c, threshold=THRESHOLD, now=now())
    assert [d.text for d in drafts] == ["No one has answered yet."]
    assert you_said_draft.draft(c, "ur", threshold=THRESHOLD).text == (
        "ابھی تک کسی نے جواب نہیں دیا۔"
    )
    # Answers, but no tags and no published quotes: the figures alone.
    spoken = spoken_consultation(themes=False, quote=False)
    draft = you_said_draft.draft(spoken.consultation, "en", threshold=THRESHOLD)
    assert not [s for s in draft.sentences if s.ref.startswith(("theme:", "quote:"))]
    assert draft.text.startswith("30 young people took part.")


def test_only_quotes_a_moderator_approved_and_an_officer_published(app):
    spoken = spoken_consultation()
    c = spoken.consultation
    for lang in ("en", "pl", "ur"):
        text = you_said_draft.draft(c, lang, threshold=THRESHOLD).text
        # Not approved; approved but never published as a quote; the other answers' words.
        assert NOT_APPROVED_WORD not in text, lang
        assert APPROVED_UNQUOTED_WORD not in text, lang
        assert "bus home" not in text, lang
        assert QUOTED in text, lang
    # A quote whose answer moderation later hid is left out too.
    review.decide(make_user(Role.ADMIN), spoken.answers[7], "hide", now=now())
    db.session.commit()
    assert QUOTED not in you_said_draft.draft(c, "en", threshold=THRESHOLD).text


def test_the_draft_passes_the_reading_age_gate_for_its_target(app):
    spoken = spoken_consultation()
    c = spoken.consultation
    for target in (12, 9):
        c.reading_age_target = target
        draft = you_said_draft.draft(c, "en", threshold=THRESHOLD)
        assert draft.readability.passes and draft.readability.target == target
        assert analyse(draft.text, target=target).passes
        assert draft.readability.reading_age == analyse(draft.text, target=target).reading_age
    # A hard quote would take it over the target, so the quote is what gives way.
    outcomes.mark_quote(make_user(), spoken.answers[7], text=QUOTED, now=now())
    quote = outcomes.quotes_of(c)[0]
    quote.text = (
        "Comprehensive infrastructural modernisation necessitates intergovernmental "
        "collaboration and proportionate municipal expenditure considerations."
    )
    db.session.commit()
    c.reading_age_target = 9
    draft = you_said_draft.draft(c, "en", threshold=THRESHOLD)
    assert draft.readability.passes
    assert "Comprehensive" not in draft.text
    assert "30 young people took part." in draft.text


def test_polish_and_urdu_drafts_in_the_consultation_s_languages(app):
    spoken = spoken_consultation()
    c = spoken.consultation
    day, todo, _, _ = c.questions
    assert you_said_draft.draft_languages(c) == ["en"]
    save_translation(
        c,
        "pl",
        youth_title="Klub",
        youth_summary="Klub dla młodzieży.",
        questions={
            day.id: {
                "prompt": "Który dzień jest najlepszy?",
                "options": {
                    str(o.id): w for o, w in zip(day.options, ["Pon", "Pt", "Sobota"], strict=True)
                },
            }
        },
        now=now(),
    )
    save_translation(c, "ur", youth_title="کلب", youth_summary="نوجوانوں کا کلب۔", now=now())
    db.session.commit()
    drafts = you_said_draft.write_drafts(make_user(), c, threshold=THRESHOLD, now=now())
    assert [d.language for d in drafts] == ["en", "pl", "ur"]
    _, polish, urdu = drafts
    said = _by_ref(polish)
    assert said["people"] == ["30 młodych osób wzięło udział."]
    assert said[f"question:{day.id}"] == [
        "Zapytaliśmy: Który dzień jest najlepszy?",
        "Najczęstsza odpowiedź: „Sobota” (7 na 10).",
    ]
    # An untranslated question shows in English, as it does on the page.
    assert said[f"question:{todo.id}"][1] == "Najczęstsza odpowiedź: „Sport” (około połowa)."
    assert "12 młodych osób pisało o: „Cheaper buses”." in polish.text
    assert "took part" not in polish.text and "picked by" not in polish.text
    assert "30 نوجوانوں نے حصہ لیا۔" in urdu.text
    assert "12 نوجوانوں نے “Cheaper buses” کے بارے میں لکھا۔" in urdu.text
    assert "took part" not in urdu.text
    for draft in drafts:
        assert "Pt" not in draft.text.split() and "Friday" not in draft.text
    # The sources stay in English for the officer, whatever the draft's language.
    assert polish.sentences[0].source == "30 young people took part"


def test_drafting_is_recorded_and_saves_or_sends_nothing(app):
    spoken = spoken_consultation()
    c = spoken.consultation
    officer = make_user(Role.OFFICER)
    you_said_draft.write_drafts(officer, c, threshold=THRESHOLD, now=now())
    db.session.commit()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "drafted_you_said"))
    assert entry is not None and entry.user_id == officer.id and entry.object_id == c.id
    assert outcomes.outcome_of(c) is None
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    # Before it closes there is nothing to write feedback on.
    still_open = make_consultation()
    with pytest.raises(IllegalTransition):
        you_said_draft.write_drafts(officer, still_open, threshold=THRESHOLD, now=now())


@pytest.mark.parametrize(
    ("part", "whole", "words"),
    [
        (30, 30, "everyone"),
        (29, 30, "nearly everyone"),
        (20, 30, "7 in 10"),
        (15, 30, "about half"),
        (14, 30, "about half"),
        (27, 30, "9 in 10"),
        (2, 30, "1 in 10"),
        (1, 30, "fewer than 1 in 10"),
    ],
)
def test_shares_read_as_people_say_them(part, whole, words):
    assert you_said_draft.share_words(part, whole, "en") == words
