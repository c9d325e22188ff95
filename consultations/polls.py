"""Live polls: one question run in a room, joined with a short code, results on a big screen."""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consultations import audit, services
from consultations.db import db
from consultations.errors import IllegalTransition, InvalidEdit, NotFound
from consultations.models import (
    Answer,
    Consultation,
    ConsultationStatus,
    Question,
    QuestionKind,
)
from consultations.moderation.models import AnswerModeration, ModerationStatus
from consultations.staff_models import User

# No 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B: codes are read off a projector and typed on phones.
JOIN_CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
JOIN_CODE_LENGTH = 6
MIN_OPTIONS, MAX_OPTIONS = 2, 6
# A word cloud takes "one word for your area": a word or two, never a paragraph.
WORD_MAX = 30


def new_join_code() -> str:
    """A short random code that no other poll uses."""
    while True:
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        taken = db.session.scalar(select(Consultation.id).where(Consultation.join_code == code))
        if taken is None:
            return code


def normalise_code(code: str) -> str:
    """What people type, as stored: no spaces or dashes, capitals."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def create_poll(
    actor: User,
    question: str,
    options: list[str],
    *,
    now: datetime,
    multiple: bool = False,
    words: bool = False,
    hide_results: bool = False,
    follows: Consultation | None = None,
    override_reason: str | None = None,
) -> Consultation:
    """Create and open a one-question poll: 2–6 options, or a word cloud (``words``).

    ``hide_results`` keeps the results off the screen and the voters' phones until
    ``reveal``. ``follows`` is the poll on the projector now, which then moves on to this one.
    """
    question = " ".join(question.split())
    labels = [" ".join(o.split()) for o in options if o.strip()]
    if not question:
        raise InvalidEdit("Write the question.")
    if len(question) > 120:
        raise InvalidEdit("Keep the question under 120 characters so it fits the screen.")
    if words:
        labels = []
    elif not MIN_OPTIONS <= len(labels) <= MAX_OPTIONS:
        raise InvalidEdit(f"Give between {MIN_OPTIONS} and {MAX_OPTIONS} options.")
    if len({label.lower() for label in labels}) != len(labels):
        raise InvalidEdit("Each option must be different.")
    code = new_join_code()
    poll = Consultation(
        slug=f"poll-{code.lower()}",
        title=f"Live poll: {question}",
        youth_title=question,
        youth_summary="",
        is_live_poll=True,
        join_code=code,
        poll_hides_results=hide_results,
        created_at=now,
    )
    db.session.add(poll)
    if words:
        spec = services.QuestionSpec(
            QuestionKind.FREE_TEXT, question, required=True, max_length=WORD_MAX
        )
    else:
        kind = QuestionKind.MULTIPLE_CHOICE if multiple else QuestionKind.SINGLE_CHOICE
        spec = services.QuestionSpec(kind, question, required=True, options=labels)
    services.add_question(poll, spec)
    audit.record(actor, "poll_created", "consultation", poll.id, now=now, detail=question)
    passes = poll.readability().passes
    services.open_consultation(poll, now=now, override_reason=override_reason)
    if not passes:
        audit.record(
            actor, "override", "consultation", poll.id, now=now, detail=override_reason or ""
        )
    if follows is not None:
        if not follows.is_live_poll:
            raise InvalidEdit("Only a live poll can be followed by another.")
        follows.poll_next_id = poll.id
        db.session.flush()
    return poll


def is_word_cloud(poll: Consultation) -> bool:
    """A poll of one short written answer each, shown as a cloud of words."""
    return bool(poll.questions) and poll.questions[0].kind is QuestionKind.FREE_TEXT


def results_shown(poll: Consultation) -> bool:
    """Whether the room (and the voters' phones) may see the results yet."""
    return not poll.poll_hides_results or poll.poll_revealed_at is not None


def reveal_poll(actor: User, poll: Consultation, *, now: datetime) -> None:
    """Show the results on the screen and the voters' phones (once is enough)."""
    if poll.poll_revealed_at is not None:
        raise IllegalTransition("The results are already showing.")
    poll.poll_revealed_at = now
    db.session.flush()
    audit.record(actor, "poll_revealed", "consultation", poll.id, now=now)


def _loaded(query):  # type: ignore[no-untyped-def]
    return query.options(selectinload(Consultation.questions).selectinload(Question.options))


def poll_by_code(code: str) -> Consultation:
    """The poll young people join with this code."""
    found = db.session.scalar(
        _loaded(select(Consultation)).where(
            Consultation.join_code == normalise_code(code),
            Consultation.is_live_poll.is_(True),
            Consultation.status != ConsultationStatus.DRAFT,
        )
    )
    if found is None:
        raise NotFound("There is no poll with that code. Check the code on the screen.")
    return found


def poll_for_staff(poll_id: int) -> Consultation:
    """A live poll by id, for the staff pages that run it."""
    found = db.session.scalar(
        _loaded(select(Consultation)).where(
            Consultation.id == poll_id, Consultation.is_live_poll.is_(True)
        )
    )
    if found is None:
        raise NotFound("There is no such live poll.")
    return found


def polls() -> list[Consultation]:
    """Every live poll, newest first."""
    return list(
        db.session.scalars(
            select(Consultation)
            .where(Consultation.is_live_poll.is_(True))
            .order_by(Consultation.created_at.desc(), Consultation.id.desc())
        )
    )


def close_poll(actor: User, poll: Consultation, *, now: datetime) -> None:
    """Stop votes, for example to talk the results through."""
    services.close_consultation(poll, now=now)
    audit.record(actor, "poll_closed", "consultation", poll.id, now=now)


def reopen_poll(actor: User, poll: Consultation, *, now: datetime) -> None:
    """Take votes again, with no closing time."""
    poll.reopen(now)
    db.session.flush()
    audit.record(actor, "poll_reopened", "consultation", poll.id, now=now)


@dataclass
class LiveOption:
    id: int
    label: str
    count: int
    percent: float
    winner: bool = False


@dataclass
class LiveWord:
    word: str
    count: int
    # 1 (given by the fewest shown) to 5 (the most): the size it is drawn at.
    size: int


@dataclass
class LiveResults:
    """What the big screen shows, from the tallies kept as votes arrive.

    While the results are hidden (``shown`` false) there are no counts in it at all, only
    how many have voted, so nothing on the screen or in its data gives them away.
    """

    question: str
    status: str
    voters: int
    shown: bool
    kind: str = "choice"
    options: list[LiveOption] = field(default_factory=list)
    words: list[LiveWord] = field(default_factory=list)
    # Written answers not in the cloud: words too few people gave, or not OK to show.
    words_not_shown: int = 0

    @property
    def closed(self) -> bool:
        return self.status != ConsultationStatus.OPEN.value

    def as_dict(self) -> dict[str, object]:
        return {
            "question": self.question,
            "status": self.status,
            "voters": self.voters,
            "shown": self.shown,
            "kind": self.kind,
            "options": [o.__dict__ for o in self.options],
            "words": [w.__dict__ for w in self.words],
            "words_not_shown": self.words_not_shown,
        }


def live_results(poll: Consultation, *, threshold: int) -> LiveResults:
    """Counts and percentages of voters per option (or the word cloud), read fresh.

    ``threshold`` is the small-group threshold: a word fewer people gave is not shown.
    """
    db.session.refresh(poll)
    question = poll.questions[0]
    voters = poll.respondent_count
    live = LiveResults(
        question=question.prompt,
        status=poll.status.value,
        voters=voters,
        shown=results_shown(poll),
        kind="words" if is_word_cloud(poll) else "choice",
    )
    if live.kind == "words":
        if live.shown:
            live.words, live.words_not_shown = _word_cloud(question, threshold)
        return live
    for option in question.options:
        db.session.refresh(option)
    if not live.shown:
        live.options = [LiveOption(o.id, o.label, 0, 0.0) for o in question.options]
        return live
    live.options = [
        LiveOption(o.id, o.label, o.tally, round(100 * o.tally / voters, 1) if voters else 0.0)
        for o in question.options
    ]
    top = max((o.count for o in live.options), default=0)
    if live.closed and top > 0:
        # A tie at the top is a shared win: every option on the top count is marked.
        for shown in live.options:
            shown.winner = shown.count == top
    return live


_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")


def normalise_word(text: str) -> str:
    """One way of writing a word, so "Parks!", "parks" and " PARKS " count together."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _EDGE_PUNCTUATION.sub("", " ".join(folded.split()))


def _word_cloud(question: Question, threshold: int) -> tuple[list[LiveWord], int]:
    """The words to draw, most given first, and how many written answers are not drawn.

    Only words moderation found nothing in (or a moderator approved) count: a word with
    personal details, swearing, abuse, a tension signal or a disclosure is never drawn. A
    word fewer than ``threshold`` people gave is not drawn either, as it could point at
    them. No more than those is hidden: unlike an age band, a hidden word has no name
    anyone knows, so subtracting the words shown from the answers tells nobody anything
    (``suppress``'s complementary rule would otherwise hide a room's one common word
    whenever a few people wrote something rare).
    """
    rows = db.session.execute(
        select(Answer.text, AnswerModeration)
        .join(AnswerModeration, AnswerModeration.answer_id == Answer.id, isouter=True)
        .where(Answer.question_id == question.id, Answer.text.is_not(None))
    ).all()
    counts: Counter[str] = Counter()
    refused = 0
    for text, record in rows:
        if record is None or not _clean(record):
            refused += 1
            continue
        # An approved answer is drawn as approved: with any redaction a moderator made.
        word = normalise_word((record.redacted_text if record.status.publishable else text) or "")
        if word:
            counts[word] += 1
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    shown = [(w, n) for w, n in ordered if n >= threshold]
    rare = sum(n for _, n in ordered if n < threshold)
    top = max((n for _, n in shown), default=1)
    low = min((n for _, n in shown), default=1)
    span = max(top - low, 1)
    cloud = [LiveWord(w, n, 1 + round(4 * (n - low) / span)) for w, n in shown]
    return cloud, refused + rare


def _clean(record: AnswerModeration) -> bool:
    if record.status.publishable:
        return True
    if record.status is not ModerationStatus.PENDING:
        return False  # hidden, or with the safeguarding lead
    return not (
        record.safeguarding
        or record.tension
        or record.personal_data
        or record.profanity
        or record.abusive
    )
