"""Moderation with a memory: every written answer checked as it is saved, and the queues.

``moderate_saved_answers`` runs inside ``services.submit`` for every channel. Moderators
decide on the queue (approve, redact, hide, escalate); the safeguarding lead handles
concerns; officers watch tension signals by area and week. Every decision is audited.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from sqlalchemy import (
    ColumnElement,
    Insert,
    bindparam,
    case,
    delete,
    func,
    insert,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import selectinload

from consultations import areas, audit
from consultations.db import db
from consultations.errors import InvalidEdit, InvalidRequest, NotAllowed, NotFound
from consultations.models import Answer, Consultation, Participant, Question
from consultations.moderation.engine import moderate
from consultations.moderation.language import detect as detect_language
from consultations.moderation.models import (
    AnswerModeration,
    ModerationStatus,
    SafeguardingConcern,
    TensionSignal,
    is_held,
)
from consultations.moderation.rules import (
    TENSION_KINDS,
    Rules,
    default_rules,
    load_rules,
)
from consultations.moderation.verdict import SAFEGUARDING_WORDS, TENSION_WORDS, Verdict
from consultations.paging import PER_PAGE, Page, page_number
from consultations.respondent_groups import UNKNOWN_WRITER, AboutWriter, shown_groups
from consultations.staff_models import User
from consultations.suppression import suppress, total_picks_out

REDACTION_MAX = 5000
NOTES_MAX = 5000
DECISIONS = {
    "approve": ModerationStatus.APPROVED,
    "redact": ModerationStatus.REDACTED,
    "hide": ModerationStatus.HIDDEN,
    "escalate": ModerationStatus.ESCALATED,
}


def rules_from(folder: Path | None) -> Rules:
    """The shipped rules with officers' extra rule files from ``folder``, when it exists.

    The edge (the web app) keeps what this returns and passes it to what moderates.
    """
    return _rules_for(Path(folder) if folder is not None and Path(folder).is_dir() else None)


@cache
def _rules_for(folder: Path | None) -> Rules:
    return load_rules(folder) if folder is not None else default_rules()


@dataclass(frozen=True)
class Found:
    """What one saved answer means for the young person who wrote it, and for staff."""

    safeguarding: bool = False
    tension: bool = False
    new_concern: bool = False
    # Languages of the answers that need a support message, first found first.
    languages: tuple[str, ...] = ()


def iso_week(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def _record_for(answer_id: int) -> AnswerModeration | None:
    return db.session.scalar(
        select(AnswerModeration).where(AnswerModeration.answer_id == answer_id)
    )


@dataclass(frozen=True)
class WrittenAnswer:
    """A written answer just saved by ``services.submit``: what moderation needs of it."""

    answer_id: int
    text: str
    channel: str
    # The text it replaced; None when the answer was created in this transaction.
    previous_text: str | None
    is_new: bool


_RECORDS = AnswerModeration.__table__
_SIGNALS = TensionSignal.__table__
_KEPT_DECISIONS = select(_RECORDS.c.answer_id, _RECORDS.c.safeguarding, _RECORDS.c.tension).where(
    _RECORDS.c.answer_id.in_(bindparam("answer_ids", expanding=True))
)
_FORGET_SIGNALS = delete(_SIGNALS).where(
    _SIGNALS.c.answer_id.in_(bindparam("answer_ids", expanding=True))
)
# Every column a fresh verdict sets: a changed text is moderated again from the start.
_VERDICT_COLUMNS = (
    "redacted_text",
    "safeguarding",
    "tension",
    "personal_data",
    "profanity",
    "abusive",
    "status",
    "moderated_at",
    "decided_by_id",
    "decided_at",
)


@cache
def _store_verdicts(dialect: str) -> Insert:
    """Insert a record, or re-make the one a changed answer already has, in one statement."""
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(_RECORDS)
    return stmt.on_conflict_do_update(
        index_elements=[_RECORDS.c.answer_id],
        set_={name: stmt.excluded[name] for name in _VERDICT_COLUMNS},
    )


def _verdict_row(answer_id: int, verdict: Verdict, now: datetime) -> dict[str, object]:
    return {
        "answer_id": answer_id,
        "redacted_text": verdict.redacted,
        # A doubted disclosure is kept with its kinds, so the answer is held and the
        # moderator sees why, but it is not escalated to the safeguarding queue.
        "safeguarding": ",".join(verdict.safeguarding or verdict.doubted),
        "tension": ",".join(verdict.tension),
        "personal_data": ",".join(verdict.personal_data),
        "profanity": verdict.profanity,
        "abusive": verdict.abusive,
        "status": ModerationStatus.ESCALATED if verdict.safeguarding else ModerationStatus.PENDING,
        "moderated_at": now,
        "decided_by_id": None,
        "decided_at": None,
    }


def moderate_saved_answers(
    written: Sequence[WrittenAnswer],
    *,
    participant_id: int,
    area: str | None,
    consultation_id: int,
    now: datetime,
    rules: Rules | None = None,
) -> Found:
    """Moderate a submission's just-saved written answers; unchanged text keeps its decision.

    ``rules`` are the deployment's (``rules_from``); None means the shipped ones.

    Runs in the submission's transaction, so an answer is never stored unmoderated and a
    safeguarding concern is committed with the words that raised it, or not at all. Plain
    statements, one per table for the whole submission: this is the busiest write path.
    """
    if not written:
        return Found()
    conn = db.session.connection()
    same_words = [w.answer_id for w in written if not w.is_new and w.previous_text == w.text]
    kept = {
        answer_id: (safeguarding, tension)
        for answer_id, safeguarding, tension in (
            conn.execute(_KEPT_DECISIONS, {"answer_ids": same_words}) if same_words else ()
        )
    }
    safeguarding = tension = False
    records: list[dict[str, object]] = []
    signals: list[dict[str, object]] = []
    replaced: list[int] = []
    disclosures: list[tuple[WrittenAnswer, tuple[str, ...]]] = []
    languages: list[str] = []
    for answer in written:
        if answer.answer_id in kept:
            had_safeguarding, had_tension = kept[answer.answer_id]
            safeguarding |= bool(had_safeguarding)
            tension |= bool(had_tension)
            if had_safeguarding or had_tension:
                languages.append(detect_language(answer.text))
            continue
        verdict = moderate(answer.text, rules=rules or default_rules())
        records.append(_verdict_row(answer.answer_id, verdict, now))
        if not answer.is_new:
            # The answer's old tension signals described words that are gone; its new ones count.
            replaced.append(answer.answer_id)
        signals += [
            {
                "answer_id": answer.answer_id,
                "consultation_id": consultation_id,
                "category": kind,
                "area": area,
                "week": iso_week(now),
                "created_at": now,
            }
            for kind in verdict.tension
        ]
        if verdict.safeguarding:
            disclosures.append((answer, tuple(verdict.safeguarding)))
        safeguarding |= bool(verdict.safeguarding)
        tension |= bool(verdict.tension)
        if verdict.language is not None:
            languages.append(verdict.language)
    if records:
        conn.execute(_store_verdicts(conn.dialect.name), records)
    if replaced:
        conn.execute(_FORGET_SIGNALS, {"answer_ids": replaced})
    if signals:
        conn.execute(insert(_SIGNALS), signals)
    for answer, kinds in disclosures:
        concern = _raise_concern(
            answer.answer_id,
            answer.channel,
            answer.text,
            kinds,
            consultation_id,
            participant_id,
            now=now,
        )
        audit.record(None, "concern_raised", "safeguarding_concern", concern.id, now=now)
    return Found(
        safeguarding=safeguarding,
        tension=tension,
        new_concern=bool(disclosures),
        languages=tuple(dict.fromkeys(languages)),
    )


def _raise_concern(
    answer_id: int,
    channel: str,
    text: str,
    categories: Iterable[str],
    consultation_id: int | None,
    participant_id: int | None,
    *,
    now: datetime,
    source: str = "detected",
) -> SafeguardingConcern:
    concern = SafeguardingConcern(
        answer_id=answer_id,
        consultation_id=consultation_id,
        participant_id=participant_id,
        channel=channel,
        original_text=text,
        categories=",".join(categories),
        source=source,
        created_at=now,
    )
    db.session.add(concern)
    db.session.flush()
    return concern


# --- what staff, the forum and the public may see --------------------------------------


def is_publishable(answer: Answer) -> bool:
    """Whether a moderator approved this written answer for public results and the forum."""
    return publishable_text(answer) is not None


def publishable_text(answer: Answer) -> str | None:
    """The approved (redacted) words of a written answer, or None if it may not be quoted."""
    if answer.text is None or answer.id is None:
        return None
    record = _record_for(answer.id)
    if record is None or not record.status.publishable:
        return None
    return record.redacted_text


@dataclass(frozen=True)
class StaffText:
    """A written answer as staff see it: redacted, and whether it is held for review."""

    text: str
    status: ModerationStatus
    held: bool


def staff_texts(answers: Sequence[Answer], rules: Rules | None = None) -> dict[int, StaffText]:
    """The redacted text of each written answer, by answer id.

    An answer saved before moderation existed is moderated on the fly (and stays pending).
    """
    return staff_texts_by_id({a.id: a.text for a in answers}, rules)


def staff_texts_by_id(
    texts: Mapping[int, str | None], rules: Rules | None = None
) -> dict[int, StaffText]:
    """``staff_texts`` for answers given as id → text, read as plain rows (no ORM objects)."""
    ids = [aid for aid, text in texts.items() if text is not None]
    found: dict[int, StaffText] = {}
    if ids:
        for answer_id, redacted, status, abusive, safeguarding in db.session.execute(
            select(
                AnswerModeration.answer_id,
                AnswerModeration.redacted_text,
                AnswerModeration.status,
                AnswerModeration.abusive,
                AnswerModeration.safeguarding,
            ).where(AnswerModeration.answer_id.in_(ids))
        ):
            found[answer_id] = StaffText(
                redacted, status, is_held(status, abusive=abusive, safeguarding=safeguarding)
            )
    for aid, text in texts.items():
        if text is not None and aid not in found:
            verdict = moderate(text, rules=rules or default_rules())
            found[aid] = StaffText(verdict.redacted, ModerationStatus.PENDING, verdict.held)
    return found


def held_count(question_id: int) -> int:
    """How many written answers to a question only moderators may see for now."""
    # Counted by the database: the free-text page asks on every view, and reading every
    # moderation record of a question with hundreds of answers was a quarter of it.
    status = AnswerModeration.status
    held = or_(
        status.in_((ModerationStatus.HIDDEN, ModerationStatus.ESCALATED)),
        (status == ModerationStatus.PENDING)
        & or_(AnswerModeration.abusive.is_(True), AnswerModeration.safeguarding != ""),
    )
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(AnswerModeration)
            .join(Answer, Answer.id == AnswerModeration.answer_id)
            .where(Answer.question_id == question_id, held)
        )
        or 0
    )


# --- the moderation queue ------------------------------------------------------------


QUEUE_VIEWS = {
    "waiting": "Waiting for a decision",
    "held": "Held: abuse or safeguarding",
    "approved": "Approved",
    "redacted": "Redacted",
    "hidden": "Hidden",
    "escalated": "Escalated",
    "all": "All",
}


@dataclass(frozen=True)
class QueueItem:
    record: AnswerModeration
    question: Question
    consultation: Consultation
    about: AboutWriter = UNKNOWN_WRITER

    @property
    def can_undo(self) -> bool:
        """An approve or hide changed nothing but the status, so it can be taken back."""
        return (
            self.record.previous_status is not None
            and self.record.status in UNDOABLE
            and self.record.decided_by_id is not None
        )

    @property
    def reasons(self) -> list[str]:
        found = [
            f"Safeguarding: {SAFEGUARDING_WORDS.get(k, k)}" for k in self.record.safeguarding_kinds
        ]
        if self.record.abusive:
            found.append("Abusive or hateful language")
        found += [
            f"Community tension: {TENSION_WORDS.get(k, k)}" for k in self.record.tension_kinds
        ]
        if self.record.personal_data:
            found.append("Personal data removed")
        if self.record.profanity:
            found.append("Swearing masked")
        return found


UNDOABLE = (ModerationStatus.APPROVED, ModerationStatus.HIDDEN)

_STATUS = AnswerModeration.status
# The SQL twin of ``AnswerModeration.held``, so held answers lead every page, not just one.
_HELD = or_(
    _STATUS.in_([ModerationStatus.HIDDEN, ModerationStatus.ESCALATED]),
    (_STATUS == ModerationStatus.PENDING)
    & (AnswerModeration.abusive.is_(True) | (AnswerModeration.safeguarding != "")),
)


def _in_view(view: str) -> ColumnElement[bool]:
    if view not in QUEUE_VIEWS:
        raise InvalidRequest("Choose one of the queue views.")
    if view == "waiting":
        return _STATUS.in_([ModerationStatus.PENDING, ModerationStatus.ESCALATED])
    if view == "held":
        return or_(
            _STATUS == ModerationStatus.ESCALATED,
            (_STATUS == ModerationStatus.PENDING)
            & (AnswerModeration.abusive.is_(True) | (AnswerModeration.safeguarding != "")),
        )
    if view == "all":
        return true()
    return AnswerModeration.status == ModerationStatus(view)


def queue_page(
    view: str = "waiting",
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
    threshold: int = 5,
    keep: int | None = None,
) -> Page[QueueItem]:
    """One page of written answers for moderators: held ones first, then oldest first.

    ``keep`` is an answer just decided: it stays in its place on the page even if it has
    left this view, so the moderator sees what they did (and can undo it) where they did it.
    """
    shown = _in_view(view)
    if keep is not None:
        shown = or_(shown, AnswerModeration.answer_id == keep)
    total = db.session.scalar(select(func.count()).select_from(AnswerModeration).where(shown)) or 0
    number = page_number(page, total, per_page)
    query = (
        select(AnswerModeration, Question, Consultation, Participant.age_band, Participant.area)
        .join(Answer, Answer.id == AnswerModeration.answer_id)
        .join(Question, Question.id == Answer.question_id)
        .join(Consultation, Consultation.id == Question.consultation_id)
        .outerjoin(Participant, Participant.id == Answer.participant_id)
        .options(selectinload(AnswerModeration.decided_by))
        .where(shown)
        .order_by(case((_HELD, 0), else_=1), AnswerModeration.moderated_at, AnswerModeration.id)
        .offset((number - 1) * per_page)
        .limit(per_page)
    )
    rows = db.session.execute(query).all()
    groups = shown_groups({c.id for _, _, c, _, _ in rows}, threshold)
    items = [QueueItem(r, q, c, groups.about(c.id, band, area)) for r, q, c, band, area in rows]
    return Page(items, total, number, per_page)


def waiting_count() -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(AnswerModeration)
            .where(
                AnswerModeration.status.in_([ModerationStatus.PENDING, ModerationStatus.ESCALATED])
            )
        )
        or 0
    )


def decide(
    actor: User,
    answer_id: int,
    decision: str,
    *,
    now: datetime,
    redacted_text: str | None = None,
    reason: str | None = None,
) -> AnswerModeration:
    """Approve, redact (with the moderator's own text), hide or escalate a written answer.

    An escalation may say why (``reason``): the safeguarding lead reads it with the concern.
    """
    status = DECISIONS.get(decision)
    if status is None:
        raise InvalidEdit("Choose approve, redact, hide or escalate.")
    record = _record_for(answer_id)
    answer = db.session.get(Answer, answer_id)
    if record is None or answer is None or answer.text is None:
        raise NotFound("There is no such written answer to moderate.")
    if status is ModerationStatus.REDACTED:
        text = (redacted_text or "").replace("\x00", "").strip()
        if not text:
            raise InvalidEdit("Write the text as it should be shown, or hide the answer.")
        if len(text) > REDACTION_MAX:
            raise InvalidEdit(f"Keep the redacted text under {REDACTION_MAX} characters.")
        record.redacted_text = text
    why = (reason or "").replace("\x00", "").strip()
    if len(why) > NOTES_MAX:
        raise InvalidEdit(f"Keep the reason under {NOTES_MAX} characters.")
    if status is ModerationStatus.ESCALATED:
        concern = _open_concern_for(answer_id)
        if concern is None:
            kinds = record.safeguarding_kinds or ("moderator",)
            concern = _raise_concern(
                answer.id,
                answer.channel,
                answer.text,
                kinds,
                answer.question.consultation_id,
                answer.participant_id,
                now=now,
                source="escalated",
            )
            audit.record(actor, "concern_raised", "safeguarding_concern", concern.id, now=now)
        if why:
            concern.reason = f"{concern.reason}\n\n{why}".strip() if concern.reason else why
    before = record.status
    record.previous_status = before
    record.status = status
    record.decided_by_id = actor.id
    record.decided_at = now
    # The detail names the move, never the words.
    audit.record(
        actor, f"moderation_{decision}", "answer", answer_id, now=now, detail=f"{before} → {status}"
    )
    db.session.flush()
    return record


def _open_concern_for(answer_id: int) -> SafeguardingConcern | None:
    return db.session.scalar(
        select(SafeguardingConcern).where(
            SafeguardingConcern.answer_id == answer_id,
            SafeguardingConcern.handled_at.is_(None),
        )
    )


def undo(actor: User, answer_id: int, *, now: datetime) -> AnswerModeration:
    """Take back one's own approve or hide: the answer returns to the status it had."""
    record = _record_for(answer_id)
    if record is None:
        raise NotFound("There is no such written answer to moderate.")
    if (
        record.status not in UNDOABLE
        or record.previous_status is None
        or record.decided_by_id != actor.id
    ):
        raise NotAllowed("Only your own last approve or hide can be undone.")
    before, back = record.status, record.previous_status
    record.status = back
    record.previous_status = None
    record.decided_by_id = actor.id
    record.decided_at = now
    audit.record(
        actor, "moderation_undo", "answer", answer_id, now=now, detail=f"{before} → {back}"
    )
    db.session.flush()
    return record


def bulk_approvable(answer_ids: Sequence[int]) -> list[QueueItem]:
    """The ticked answers that may be approved together: pending ones nobody needs to look
    at twice. Held answers (abuse, possible disclosures) and escalated ones are left out:
    each of those needs its own decision."""
    ids = sorted(set(answer_ids))
    if not ids:
        return []
    rows = db.session.execute(
        select(AnswerModeration, Question, Consultation)
        .join(Answer, Answer.id == AnswerModeration.answer_id)
        .join(Question, Question.id == Answer.question_id)
        .join(Consultation, Consultation.id == Question.consultation_id)
        .where(
            AnswerModeration.answer_id.in_(ids),
            _STATUS == ModerationStatus.PENDING,
            ~_HELD,
        )
        .order_by(AnswerModeration.moderated_at, AnswerModeration.id)
    )
    return [QueueItem(r, q, c) for r, q, c in rows]


def approve_many(actor: User, answer_ids: Sequence[int], *, now: datetime) -> int:
    """Approve several pending answers at once (held ones are never approved in bulk)."""
    chosen = bulk_approvable(answer_ids)
    if not chosen:
        raise InvalidEdit(
            "Tick one or more answers waiting for a decision. Held and escalated answers "
            "need a decision of their own."
        )
    for item in chosen:
        decide(actor, item.record.answer_id, "approve", now=now)
    return len(chosen)


def moderation_record(answer_id: int) -> AnswerModeration:
    record = _record_for(answer_id)
    if record is None:
        raise NotFound("There is no such written answer to moderate.")
    return record


# --- safeguarding concerns -----------------------------------------------------------


def open_concern_count() -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(SafeguardingConcern)
            .where(SafeguardingConcern.handled_at.is_(None))
        )
        or 0
    )


@dataclass(frozen=True)
class ConcernView:
    concern: SafeguardingConcern
    consultation_title: str | None
    age_band: str | None
    area: str | None

    @property
    def category_words(self) -> list[str]:
        return [
            SAFEGUARDING_WORDS.get(k, "raised by a moderator") for k in self.concern.category_kinds
        ]


def concerns(*, handled: bool = False, limit: int = 200) -> list[ConcernView]:
    """Open concerns oldest first (the longest waiting at the top), or handled newest first."""
    query = (
        select(
            SafeguardingConcern,
            Consultation.youth_title,
            Participant.age_band,
            areas.name_column(),
        )
        .outerjoin(Consultation, Consultation.id == SafeguardingConcern.consultation_id)
        .outerjoin(Participant, Participant.id == SafeguardingConcern.participant_id)
        .options(selectinload(SafeguardingConcern.handled_by))
    )
    if handled:
        query = query.where(SafeguardingConcern.handled_at.is_not(None)).order_by(
            SafeguardingConcern.handled_at.desc(), SafeguardingConcern.id.desc()
        )
    else:
        query = query.where(SafeguardingConcern.handled_at.is_(None)).order_by(
            SafeguardingConcern.created_at, SafeguardingConcern.id
        )
    return [ConcernView(c, t, b, a) for c, t, b, a in db.session.execute(query.limit(limit))]


def handle_concern(
    actor: User, concern_id: int, notes: str, *, now: datetime
) -> SafeguardingConcern:
    """Mark a concern handled, with what was done; the notes stay with the concern."""
    concern = db.session.get(SafeguardingConcern, concern_id)
    if concern is None:
        raise NotFound("There is no such safeguarding concern.")
    if concern.handled_at is not None:
        raise NotAllowed("This concern was already marked handled.")
    notes = notes.replace("\x00", "").strip()
    if not notes:
        raise InvalidEdit("Write what was done before marking it handled.")
    if len(notes) > NOTES_MAX:
        raise InvalidEdit(f"Keep the notes under {NOTES_MAX} characters.")
    concern.notes = notes
    concern.handled_by_id = actor.id
    concern.handled_at = now
    audit.record(actor, "concern_handled", "safeguarding_concern", concern.id, now=now)
    db.session.flush()
    return concern


# --- the tension monitor -------------------------------------------------------------


NOT_GIVEN = "Area not given"


@dataclass(frozen=True)
class TensionRow:
    week: str
    area: str
    counts: list[str]
    total: str


@dataclass(frozen=True)
class TensionReport:
    categories: list[str]
    rows: list[TensionRow]
    threshold: int


NOT_SHOWN = "not shown"


def shown_count(count: int, threshold: int) -> str:
    """A total as staff may see it: small non-zero totals are only "fewer than N"."""
    if 0 < count < threshold:
        return f"fewer than {threshold}"
    return str(count)


def _tension_row(
    week: str, area: str, counts: Counter[str], categories: list[str], threshold: int
) -> TensionRow:
    # A row's categories are a table with its total beside it: a small count left on its
    # own would be the total minus the others, so the same rule as every breakdown hides it.
    hiding = suppress({c: counts[c] for c in categories}, threshold)
    total = sum(counts.values())
    exactly = total >= threshold
    return TensionRow(
        week=week,
        area=area,
        counts=[NOT_SHOWN if c in hiding.hidden else str(counts[c]) for c in categories],
        total=NOT_SHOWN
        if total_picks_out(hiding, exactly=exactly)
        else shown_count(total, threshold),
    )


def tension_report(*, threshold: int = 5, weeks: int = 12, now: datetime) -> TensionReport:
    """Tension signals by ISO week and area, newest week first, picking nobody out."""
    since = iso_week(now - timedelta(weeks=weeks - 1))
    rows = db.session.execute(
        select(TensionSignal.week, TensionSignal.area, TensionSignal.category).where(
            TensionSignal.week >= since
        )
    )
    counted: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    # Signals keep the area's key (older ones what was typed): counted by its list name.
    named = areas.names()
    for week, area, category in rows:
        clean = " ".join(named.get(area or "", area or "").split())
        key = clean.casefold() or NOT_GIVEN.casefold()
        spellings[key][clean or NOT_GIVEN] += 1
        counted[(week, key)][category] += 1
    categories = list(TENSION_KINDS) + sorted(
        {c for counts in counted.values() for c in counts} - set(TENSION_KINDS)
    )
    out = []
    for week, key in sorted(counted, key=lambda k: (k[0], k[1] == NOT_GIVEN.casefold(), k[1])):
        area = spellings[key].most_common(1)[0][0]
        out.append(_tension_row(week, area, counted[(week, key)], categories, threshold))
    out.sort(key=lambda r: r.week, reverse=True)
    return TensionReport(
        categories=[TENSION_WORDS.get(c, c.replace("_", " ")) for c in categories],
        rows=out,
        threshold=threshold,
    )
