"""Themes among one question's written answers, kept, and in the officers' hands.

``find_question_themes`` runs the engine (``consultations.insight``) over the answers staff
may read, as they read them (redacted, nothing moderation holds back), and stores the themes
and where each answer went. Officers then rename, merge, split, discard, move answers and
accept themes as tags (real ``Tag`` and ``AnswerTag`` rows, so counts, filters, exports and
the report keep working). Running it again keeps what officers decided: their themes and
moved answers stay, new answers join kept themes when they fit, the rest is grouped afresh.

Each answer's sentence vector is kept (``AnswerVector``), so a re-run makes vectors only
for answers it has not read before.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from consultations import audit, results
from consultations.db import db
from consultations.errors import DomainError, InvalidEdit, NotFound
from consultations.insight import (
    AnswerText,
    NoThemesReason,
    ThemeModel,
    ThemeOptions,
    find_themes,
    place_answers,
    sentences,
)
from consultations.insight.text import UNKNOWN_LANGUAGE, guess_language
from consultations.models import Answer, Participant, Question
from consultations.moderation import review
from consultations.moderation.models import AnswerModeration, ModerationStatus
from consultations.moderation.rules import Rules
from consultations.respondent_groups import NOT_GIVEN, group_name
from consultations.staff_models import (
    AnalysisState,
    AnswerTag,
    AnswerVector,
    FoundTheme,
    Tag,
    ThemeAnalysis,
    ThemePlacement,
    ThemeStatus,
    User,
)
from consultations.suppression import hidden_note, suppress

# An analysis left "running" longer than this was stopped (a worker killed mid-way): the
# next request may take it over instead of waiting for ever.
STALE_AFTER = timedelta(minutes=10)
WAIT_SECONDS = 120.0
LABEL_LIMIT = 60
LANGUAGE_NAMES = {"en": "English", "pl": "Polish", "ur": "Urdu", UNKNOWN_LANGUAGE: "Other script"}
BREAKDOWNS = (("age_band", "Age band"), ("area", "Area"), ("language", "Language"))
QUOTABLE = (ModerationStatus.APPROVED, ModerationStatus.REDACTED)


class AnalysisBusy(DomainError):
    status = 409
    title = "Themes are still being found"


# --- what the page shows --------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    answer_id: int
    text: str


@dataclass(frozen=True)
class GroupCount:
    name: str
    people: int


@dataclass(frozen=True)
class ThemeBreakdown:
    title: str
    groups: tuple[GroupCount, ...]
    note: str
    # People in the groups not shown (so shown + hidden is the theme's people).
    hidden_people: int = 0


@dataclass(frozen=True)
class ThemeView:
    id: int
    name: str
    label: str
    renamed: bool
    status: ThemeStatus
    people: int
    quotes: tuple[Quote, ...]
    breakdowns: tuple[ThemeBreakdown, ...]
    tag_id: int | None


@dataclass(frozen=True)
class AnalysisView:
    """The stored analysis of a question as the free-text page shows it."""

    analysis: ThemeAnalysis | None
    themes: tuple[ThemeView, ...]
    discarded: tuple[ThemeView, ...]
    other: int
    new_answers: int
    why_no_themes: str | None
    theme_of: dict[int, int | None]

    @property
    def running(self) -> bool:
        return self.analysis is not None and self.analysis.state is AnalysisState.RUNNING


def why_in_words(reason: str | None, needed: int, answers: int) -> str | None:
    """Why a question has no themes, in an officer's words."""
    if reason is None:
        return None
    if reason == NoThemesReason.NO_ANSWERS:
        return "There are no written answers staff may read yet, so there is nothing to group."
    if reason == NoThemesReason.TOO_FEW:
        return (
            f"Themes need at least {needed} written answers in one language; this question "
            f"has {answers}. With fewer, a theme could point to one person."
        )
    return "The answers have too little in common to make themes; every answer is listed below."


def analysis_of(question: Question) -> ThemeAnalysis | None:
    return db.session.scalar(select(ThemeAnalysis).where(ThemeAnalysis.question_id == question.id))


def placement_rows(analysis_id: int) -> list[Any]:
    """Every answer's place in one analysis, as plain rows (answer_id, theme_id, confidence,
    language): a page reads all of them, and ORM objects would cost it several times more."""
    return list(
        db.session.execute(
            select(
                ThemePlacement.answer_id,
                ThemePlacement.theme_id,
                ThemePlacement.confidence,
                ThemePlacement.language,
            ).where(ThemePlacement.analysis_id == analysis_id)
        )
    )


def analysis_view(
    question: Question,
    answers: Sequence[results.TextAnswer],
    *,
    threshold: int,
) -> AnalysisView:
    """The themes of ``question`` over ``answers`` (the answers staff may read, redacted)."""
    analysis = analysis_of(question)
    if analysis is None:
        return AnalysisView(None, (), (), 0, 0, None, {})
    shown = {a.id: a for a in answers}
    placements = {p.answer_id: p for p in placement_rows(analysis.id) if p.answer_id in shown}
    themes = list(
        db.session.scalars(
            select(FoundTheme).where(FoundTheme.analysis_id == analysis.id).order_by(FoundTheme.id)
        )
    )
    groups = writer_groups(list(shown))
    members: dict[int, list[Any]] = {t.id: [] for t in themes}
    for placement in placements.values():
        if placement.theme_id in members:
            members[placement.theme_id].append(placement)

    def view(theme: FoundTheme) -> ThemeView:
        placed = members[theme.id]
        order = sorted(
            placed,
            key=lambda p: (shown[p.answer_id].status not in QUOTABLE, -p.confidence, p.answer_id),
        )
        quotes: list[Quote] = []
        seen: set[str] = set()
        for p in order:
            text = shown[p.answer_id].text
            wording = " ".join(text.casefold().split())
            if wording in seen:
                continue
            seen.add(wording)
            quotes.append(Quote(p.answer_id, text))
            if len(quotes) == 3:
                break
        breakdowns = tuple(
            theme_breakdown(
                title,
                [
                    groups[p.answer_id][d]
                    if d != "language"
                    else LANGUAGE_NAMES.get(p.language, p.language)
                    for p in placed
                ],
                threshold,
            )
            for d, title in BREAKDOWNS
        )
        return ThemeView(
            theme.id,
            theme.name,
            theme.label,
            bool(theme.officer_label),
            theme.status,
            len(placed),
            tuple(quotes),
            breakdowns,
            theme.tag_id,
        )

    live = [t for t in themes if t.status is not ThemeStatus.DISCARDED]
    views = sorted((view(t) for t in live), key=lambda v: (-v.people, v.name, v.id))
    gone = tuple(view(t) for t in themes if t.status is ThemeStatus.DISCARDED)
    in_theme = {aid for aid, p in placements.items() if p.theme_id is not None}
    why = None
    if not views and analysis.state is AnalysisState.READY:
        why = why_in_words(
            analysis.why_no_themes, engine_options(threshold).min_answers, len(shown)
        )
    return AnalysisView(
        analysis,
        tuple(views),
        gone,
        other=len(shown) - len(in_theme),
        new_answers=len(shown) - len(placements),
        why_no_themes=why,
        theme_of={aid: p.theme_id for aid, p in placements.items()},
    )


def writer_groups(answer_ids: list[int]) -> dict[int, dict[str, str]]:
    """Each answer's writer's age band and area, as group names."""
    out: dict[int, dict[str, str]] = {}
    if not answer_ids:
        return out
    for answer_id, band, area in db.session.execute(
        select(Answer.id, Participant.age_band, Participant.area)
        .join(Participant, Participant.id == Answer.participant_id)
        .where(Answer.id.in_(answer_ids))
    ):
        out[answer_id] = {
            "age_band": group_name("age_band", band),
            "area": group_name("area", area),
        }
    for answer_id in answer_ids:
        out.setdefault(answer_id, {"age_band": NOT_GIVEN, "area": NOT_GIVEN})
    return out


def theme_breakdown(title: str, names: list[str], threshold: int) -> ThemeBreakdown:
    """A theme's people by group, small groups hidden as in every other table."""
    sizes = Counter(names)
    ordered = dict(sorted(sizes.items(), key=lambda kv: (kv[0] == NOT_GIVEN, kv[0])))
    hiding = suppress(ordered, threshold)
    return ThemeBreakdown(
        title,
        tuple(GroupCount(name, ordered[name]) for name in hiding.shown),
        hidden_note(hiding),
        hiding.hidden_people,
    )


# --- finding themes -------------------------------------------------------------------


def engine_options(threshold: int) -> ThemeOptions:
    # Never fewer answers per language than the small-group rule allows in any group.
    defaults = ThemeOptions()
    return ThemeOptions(min_answers=max(defaults.min_answers, threshold))


@dataclass(frozen=True)
class RunOutcome:
    """What asking for themes did: ran the analysis, or found one already under way."""

    reused: bool
    answers: int


def find_question_themes(
    actor: User,
    question_id: int,
    *,
    now: datetime,
    threshold: int,
    rules: Rules | None = None,
    wait_seconds: float = WAIT_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> RunOutcome:
    """Find (or find again) the themes of a free-text question and store them.

    Unlike other services this one commits: the claim on the question must be visible to
    other requests before the long part starts, so that a second request asking at the
    same time waits for the first one's themes instead of finding them twice.
    """
    question = results.free_text_question(question_id)
    if not _claim(question.id, actor, now):
        return _wait_for(question.id, wait_seconds, sleep)
    try:
        analysis = analysis_of(question)
        assert analysis is not None
        count = _analyse(analysis, question, threshold=threshold, rules=rules)
        analysis.state = AnalysisState.READY
        analysis.finished_at = now
        analysis.by_user_id = actor.id
        audit.record(
            actor, "themes found", "question", question.id, now=now, detail=f"{count} answers"
        )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        db.session.execute(
            update(ThemeAnalysis)
            .where(ThemeAnalysis.question_id == question_id)
            .values(state=AnalysisState.FAILED)
        )
        db.session.commit()
        raise
    return RunOutcome(False, count)


def _claim(question_id: int, actor: User, now: datetime) -> bool:
    """Mark the question's analysis as running; False when another request already has."""
    existing = db.session.scalar(
        select(ThemeAnalysis.id).where(ThemeAnalysis.question_id == question_id)
    )
    if existing is None:
        db.session.add(
            ThemeAnalysis(
                question_id=question_id,
                state=AnalysisState.RUNNING,
                started_at=now,
                by_user_id=actor.id,
                model_json="{}",
            )
        )
        try:
            db.session.commit()
        except IntegrityError:
            # The unique question key: another request created it a moment ago.
            db.session.rollback()
            return False
        return True
    # One conditional UPDATE: of two requests, the database lets only one change the row.
    claimed = db.session.execute(
        update(ThemeAnalysis)
        .where(
            ThemeAnalysis.id == existing,
            or_(
                ThemeAnalysis.state != AnalysisState.RUNNING,
                ThemeAnalysis.started_at < now - STALE_AFTER,
            ),
        )
        .values(state=AnalysisState.RUNNING, started_at=now)
    )
    db.session.commit()
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


def _wait_for(question_id: int, wait_seconds: float, sleep: Callable[[float], None]) -> RunOutcome:
    """Wait for the analysis another request is running, then use its themes."""
    waited = 0.0
    while True:
        db.session.rollback()  # read what others committed since
        row = db.session.execute(
            select(ThemeAnalysis.state, ThemeAnalysis.answers).where(
                ThemeAnalysis.question_id == question_id
            )
        ).one_or_none()
        if row is not None and row.state is not AnalysisState.RUNNING:
            return RunOutcome(True, row.answers)
        if waited >= wait_seconds:
            raise AnalysisBusy(
                "Someone else is finding the themes of this question right now. "
                "Open the page again in a minute to see them."
            )
        sleep(0.2)
        waited += 0.2


def ensure_vectors(texts: dict[int, str], max_chars: int) -> None:
    """Put every answer's sentence vector in the engine's reach, making only the new ones."""
    if not texts:
        return
    digests = {aid: sentences.digest(text, max_chars) for aid, text in texts.items()}
    stored = {
        row.answer_id: row
        for row in db.session.scalars(
            select(AnswerVector).where(AnswerVector.answer_id.in_(list(texts)))
        )
    }
    known = [aid for aid in texts if aid in stored and stored[aid].digest == digests[aid]]
    if known:
        sentences.remember(
            [texts[aid] for aid in known],
            np.stack([np.frombuffer(stored[aid].vector, dtype=np.float16) for aid in known]).astype(
                np.float32
            ),
            max_chars,
        )
    missing = [aid for aid in texts if aid not in set(known)]
    if not missing:
        return
    made = sentences.sentence_vectors([texts[aid] for aid in missing], max_chars)
    for aid, vector in zip(missing, made, strict=True):
        blob = vector.astype(np.float16).tobytes()
        row = stored.get(aid)
        if row is None:
            db.session.add(AnswerVector(answer_id=aid, digest=digests[aid], vector=blob))
        else:
            row.digest, row.vector = digests[aid], blob
    db.session.flush()


def keep_vectors(*, rules: Rules | None = None, limit: int = 200) -> int:
    """Make the vectors of new answers to questions that have themes, ahead of a re-run.

    Run by the scheduler, so an officer finding themes again waits only for the grouping,
    not for every new answer to be read. A question has themes of its own or through its
    consultation's. Answers moderation holds are left alone.
    """
    with_themes = or_(
        Answer.question_id.in_(
            select(ThemeAnalysis.question_id).where(ThemeAnalysis.question_id.is_not(None))
        ),
        Answer.question_id.in_(
            select(Question.id).join(
                ThemeAnalysis, ThemeAnalysis.consultation_id == Question.consultation_id
            )
        ),
    )
    answers = list(
        db.session.scalars(
            select(Answer)
            .where(with_themes)
            .outerjoin(AnswerVector, AnswerVector.answer_id == Answer.id)
            .outerjoin(AnswerModeration, AnswerModeration.answer_id == Answer.id)
            .where(
                Answer.text.is_not(None),
                AnswerVector.answer_id.is_(None),
                # Not held (AnswerModeration.held), so a held answer is not picked every time.
                or_(
                    AnswerModeration.answer_id.is_(None),
                    AnswerModeration.status.in_(QUOTABLE),
                    and_(
                        AnswerModeration.status == ModerationStatus.PENDING,
                        AnswerModeration.abusive.is_(False),
                        AnswerModeration.safeguarding == "",
                    ),
                ),
            )
            .order_by(Answer.id)
            .limit(limit)
        )
    )
    shown = review.staff_texts(answers, rules)
    texts = {a.id: shown[a.id].text for a in answers if not shown[a.id].held}
    ensure_vectors(texts, ThemeOptions().max_chars)
    return len(texts)


def _analyse(
    analysis: ThemeAnalysis, question: Question, *, threshold: int, rules: Rules | None
) -> int:
    """Find themes among the answers not settled by officers; returns how many were read."""
    options = engine_options(threshold)
    texts = {a.id: a.text for a in results.readable_answers(question, rules=rules)}
    themes = {
        t.id: t
        for t in db.session.scalars(select(FoundTheme).where(FoundTheme.analysis_id == analysis.id))
    }
    placements = {
        p.answer_id: p
        for p in db.session.scalars(
            select(ThemePlacement).where(ThemePlacement.analysis_id == analysis.id)
        )
    }
    for aid in [aid for aid in placements if aid not in texts]:
        # Held by moderation since, or gone: it no longer counts anywhere.
        db.session.delete(placements.pop(aid))
    kept = {tid: t for tid, t in themes.items() if t.kept_by_rerun}
    settled = {
        aid for aid, p in placements.items() if p.moved or (p.theme_id in kept and p.theme_id)
    }
    todo = [aid for aid in sorted(texts) if aid not in settled]
    ensure_vectors({aid: texts[aid] for aid in todo}, options.max_chars)
    models: dict[str, dict] = json.loads(analysis.model_json or "{}")

    joined = _join_kept(todo, texts, kept, models)
    rest = [aid for aid in todo if aid not in joined]
    run = analysis.runs + 1
    result = find_themes([AnswerText(aid, texts[aid]) for aid in rest], options)

    by_key = {t.key: t for t in themes.values()}
    found_row: dict[str, FoundTheme | None] = {}
    for theme in result.themes:
        row = by_key.get(theme.id)
        if row is not None and row.status is ThemeStatus.DISCARDED:
            found_row[theme.id] = None  # an officer said no to it: its answers are other
            continue
        if row is None:
            row = FoundTheme(
                analysis_id=analysis.id,
                key=theme.id,
                status=ThemeStatus.SUGGESTED,
                language=theme.language,
            )
            db.session.add(row)
        if not row.kept_by_rerun:
            row.run, row.label = run, theme.label[:200]
            row.profile_ids = json.dumps([theme.id])
        found_row[theme.id] = row
    db.session.flush()

    to_tag: list[tuple[int, int]] = []
    for aid in todo:
        placement = placements.get(aid)
        if placement is None:
            placement = ThemePlacement(analysis_id=analysis.id, answer_id=aid)
            db.session.add(placement)
            placements[aid] = placement
        placement.language = guess_language(texts[aid][: options.max_chars])
        if aid in joined:
            placement.theme_id, placement.confidence = joined[aid]
        else:
            placed = result.by_answer[aid]
            target = found_row.get(placed.theme_id) if placed.theme_id else None
            placement.theme_id = target.id if target is not None else None
            placement.confidence = placed.confidence
        placement.moved = False
        target_theme = themes.get(placement.theme_id or 0) or next(
            (r for r in found_row.values() if r is not None and r.id == placement.theme_id), None
        )
        if target_theme is not None and target_theme.tag_id is not None:
            to_tag.append((aid, target_theme.tag_id))
    _tag_all(to_tag)
    db.session.flush()

    # Suggestions nobody touched and nothing was found for this time are let go.
    in_use = {p.theme_id for p in placements.values() if p.theme_id is not None}
    for stored in list(themes.values()):
        if not stored.kept_by_rerun and stored.id not in in_use:
            db.session.delete(stored)
    db.session.flush()

    remaining = db.session.scalars(
        select(FoundTheme).where(FoundTheme.analysis_id == analysis.id)
    ).all()
    if any(t.run == run for t in remaining):
        models[str(run)] = result.model.to_json()
    wanted = {str(t.run) for t in remaining}
    analysis.model_json = json.dumps({k: v for k, v in models.items() if k in wanted})
    analysis.runs = run
    analysis.answers = len(texts)
    live = [t for t in remaining if t.status is not ThemeStatus.DISCARDED]
    analysis.why_no_themes = None if live else str(result.why_no_themes or "no_themes_found")
    db.session.flush()
    return len(texts)


def _join_kept(
    todo: list[int], texts: dict[int, str], kept: dict[int, FoundTheme], models: dict[str, dict]
) -> dict[int, tuple[int, float]]:
    """New answers that fit a theme officers kept: answer id → (theme id, confidence)."""
    joined: dict[int, tuple[int, float]] = {}
    live = [t for t in kept.values() if t.status is not ThemeStatus.DISCARDED]
    if not todo or not live:
        return joined
    for run, data in models.items():
        owners = {
            profile_id: theme.id
            for theme in live
            # Profile ids are the engine's, unique only within one run's model.
            if str(theme.run) == run
            for profile_id in json.loads(theme.profile_ids)
        }
        model = ThemeModel.from_json(data)
        model = model.without({p.theme_id for p in model.profiles if p.theme_id not in owners})
        if not model.profiles:
            continue
        for placed in place_answers([AnswerText(aid, texts[aid]) for aid in todo], model):
            if placed.theme_id is None or placed.theme_id not in owners:
                continue
            aid = int(placed.answer_id)
            if aid not in joined or joined[aid][1] < placed.confidence:
                joined[aid] = (owners[placed.theme_id], placed.confidence)
    return joined


# --- what officers do -----------------------------------------------------------------


GONE = (
    "That theme is no longer there: it may have been merged, split or found again since "
    "the page was opened. The page now shows the themes as they are."
)


def _theme(theme_id: int, question_id: int | None = None) -> FoundTheme:
    theme = db.session.get(FoundTheme, theme_id)
    if theme is None:
        raise NotFound(GONE)
    if question_id is not None:
        analysis = db.session.get(ThemeAnalysis, theme.analysis_id)
        if analysis is None or analysis.question_id != question_id:
            raise NotFound(GONE)
    return theme


def _question_of(theme: FoundTheme) -> Question:
    analysis = db.session.get(ThemeAnalysis, theme.analysis_id)
    assert analysis is not None
    question = db.session.get(Question, analysis.question_id)
    assert question is not None
    return question


def _members(theme_id: int) -> list[ThemePlacement]:
    return list(
        db.session.scalars(select(ThemePlacement).where(ThemePlacement.theme_id == theme_id))
    )


def _tag(answer_id: int, tag_id: int) -> None:
    if db.session.get(AnswerTag, (answer_id, tag_id)) is None:
        db.session.add(AnswerTag(answer_id=answer_id, tag_id=tag_id))


def _tag_all(pairs: list[tuple[int, int]]) -> None:
    """Tag many answers at once: one query for the links already there, not one each."""
    if not pairs:
        return
    there = {
        (int(aid), int(tid))
        for aid, tid in db.session.execute(
            select(AnswerTag.answer_id, AnswerTag.tag_id).where(
                AnswerTag.answer_id.in_({aid for aid, _ in pairs})
            )
        )
    }
    for pair in sorted(set(pairs) - there):
        db.session.add(AnswerTag(answer_id=pair[0], tag_id=pair[1]))


def _untag(answer_ids: Iterable[int], tag_id: int) -> None:
    db.session.execute(
        delete(AnswerTag).where(AnswerTag.tag_id == tag_id, AnswerTag.answer_id.in_(answer_ids))
    )


def _clean_label(label: str) -> str:
    label = " ".join(label.split())
    if not label or len(label) > LABEL_LIMIT:
        raise InvalidEdit(f"Give the theme a name of 1 to {LABEL_LIMIT} characters.")
    return label


def rename_theme(
    actor: User, question_id: int, theme_id: int, label: str, *, now: datetime
) -> None:
    """Give a theme the officer's own name (and its tag, once accepted)."""
    theme = _theme(theme_id, question_id)
    label = _clean_label(label)
    if theme.tag_id is not None:
        tag = db.session.get(Tag, theme.tag_id)
        if tag is not None:
            clash = db.session.scalar(
                select(Tag).where(
                    Tag.consultation_id == tag.consultation_id,
                    Tag.name.ilike(label),
                    Tag.id != tag.id,
                )
            )
            if clash is not None:
                raise InvalidEdit(f"There is already a tag called “{clash.name}”; merge instead.")
            tag.name = label
    theme.officer_label = label
    audit.record(actor, "theme renamed", "found_theme", theme.id, now=now, detail=label)
    db.session.flush()


def merge_themes(
    actor: User, question_id: int, theme_ids: Sequence[int], *, now: datetime
) -> FoundTheme:
    """Put the answers of two or more themes into the largest of them."""
    if len(theme_ids) != len(set(theme_ids)) and len(set(theme_ids)) < 2:
        raise InvalidEdit("A theme cannot be merged with itself: tick two or more themes.")
    if len(set(theme_ids)) < 2:
        raise InvalidEdit("Tick two or more themes to merge.")
    themes = [_theme(tid, question_id) for tid in sorted(set(theme_ids))]
    if any(t.status is ThemeStatus.DISCARDED for t in themes):
        raise InvalidEdit("A discarded theme cannot be merged; bring it back first.")
    members = {t.id: _members(t.id) for t in themes}
    target = max(
        themes, key=lambda t: (t.status is ThemeStatus.ACCEPTED, len(members[t.id]), -t.id)
    )
    profiles = set(json.loads(target.profile_ids))
    for theme in themes:
        if theme is target:
            continue
        profiles |= set(json.loads(theme.profile_ids))
        if target.tag_id is None and theme.tag_id is not None:
            target.tag_id, target.status = theme.tag_id, ThemeStatus.ACCEPTED
        for placement in members[theme.id]:
            placement.theme_id = target.id
            if target.tag_id is not None:
                _tag(placement.answer_id, target.tag_id)
        if str(theme.run) != str(target.run) and json.loads(theme.profile_ids):
            # Merged across runs: its profiles came from another model, so keep none of them
            # rather than place by the wrong one.
            profiles -= set(json.loads(theme.profile_ids))
        db.session.delete(theme)
    target.profile_ids = json.dumps(sorted(profiles))
    target.edited = True
    if target.language != "mixed" and any(t.language != target.language for t in themes):
        target.language = "mixed"
    db.session.flush()
    audit.record(
        actor,
        "themes merged",
        "found_theme",
        target.id,
        now=now,
        detail=",".join(str(t.id) for t in themes),
    )
    return target


def split_theme(
    actor: User,
    question_id: int,
    theme_id: int,
    *,
    now: datetime,
    threshold: int,
    rules: Rules | None = None,
) -> FoundTheme:
    """Group one theme's answers again into two themes; returns the new one."""
    theme = _theme(theme_id, question_id)
    question = _question_of(theme)
    members = {p.answer_id: p for p in _members(theme.id)}
    texts = {
        a.id: a.text for a in results.readable_answers(question, rules=rules) if a.id in members
    }
    too_alike = InvalidEdit("These answers are too few or too alike to split into two themes.")
    if len(texts) < 4:
        raise too_alike
    result = find_themes(
        [AnswerText(aid, text) for aid, text in texts.items()],
        ThemeOptions(starter=False, themes=2, min_answers=4, min_theme_size=2, min_similarity=0.0),
    )
    if len(result.themes) < 2:
        raise too_alike
    first, second = result.themes[0], result.themes[1]
    # The split is a run of its own: its model describes both halves, so new answers can join
    # either on a re-run (with no profile, a split theme would never grow again).
    analysis = db.session.get(ThemeAnalysis, theme.analysis_id)
    assert analysis is not None
    run = analysis.runs + 1
    models: dict[str, dict] = json.loads(analysis.model_json or "{}")
    models[str(run)] = result.model.to_json()
    analysis.runs, analysis.model_json = run, json.dumps(models)
    digest = hashlib.sha256(f"{theme.id}:{sorted(second.answer_ids)}".encode()).hexdigest()[:12]
    new = FoundTheme(
        analysis_id=theme.analysis_id,
        key=f"x{digest}",
        run=run,
        profile_ids=json.dumps([second.id]),
        language=theme.language,
        label=second.label[:200],
        status=ThemeStatus.SUGGESTED,
        edited=True,
    )
    db.session.add(new)
    db.session.flush()
    moving = [int(aid) for aid in second.answer_ids]
    for aid in moving:
        members[aid].theme_id = new.id
    if theme.tag_id is not None:
        _untag(moving, theme.tag_id)
    if not theme.officer_label:
        theme.label = first.label[:200]
    # Its answers changed, so the profiles it was found by give way to the split's.
    theme.run, theme.profile_ids, theme.edited = run, json.dumps([first.id]), True
    audit.record(actor, "theme split", "found_theme", theme.id, now=now, detail=str(new.id))
    db.session.flush()
    return new


def discard_theme(actor: User, question_id: int, theme_id: int, *, now: datetime) -> None:
    """Say no to a suggested theme: its answers go to "other" and a re-run keeps it away."""
    theme = _theme(theme_id, question_id)
    if theme.status is ThemeStatus.ACCEPTED:
        raise InvalidEdit(
            "This theme is a tag now; take the tag off its answers instead of discarding it."
        )
    for placement in _members(theme.id):
        placement.theme_id, placement.moved = None, False
    theme.status = ThemeStatus.DISCARDED
    audit.record(actor, "theme discarded", "found_theme", theme.id, now=now)
    db.session.flush()


def move_answer(
    actor: User, question_id: int, answer_id: int, theme_id: int | None, *, now: datetime
) -> None:
    """Put one answer into another theme, or into "other" (``theme_id`` None)."""
    analysis = db.session.scalar(
        select(ThemeAnalysis).where(ThemeAnalysis.question_id == question_id)
    )
    placement = db.session.get(ThemePlacement, (analysis.id, answer_id)) if analysis else None
    if placement is None:
        raise NotFound("That answer has no place among the themes yet; find themes again first.")
    target = _theme(theme_id, question_id) if theme_id is not None else None
    if target is not None and target.status is ThemeStatus.DISCARDED:
        raise InvalidEdit("That theme was discarded; pick another one.")
    source = db.session.get(FoundTheme, placement.theme_id) if placement.theme_id else None
    if source is not None and source.tag_id is not None:
        _untag([answer_id], source.tag_id)
    placement.theme_id = target.id if target else None
    placement.moved = True
    if target is not None:
        target.edited = True
        if target.tag_id is not None:
            _tag(answer_id, target.tag_id)
    audit.record(
        actor,
        "answer moved",
        "answer",
        answer_id,
        now=now,
        detail=str(target.id) if target else "other",
    )
    db.session.flush()


def accept_themes(
    actor: User, question_id: int, theme_ids: Sequence[int], *, now: datetime
) -> list[Tag]:
    """Make themes tags: a Tag named as the theme, on every answer in it."""
    if not theme_ids:
        raise InvalidEdit("Tick the themes to accept first.")
    tags = []
    for theme_id in sorted(set(theme_ids)):
        theme = _theme(theme_id, question_id)
        if theme.status is ThemeStatus.DISCARDED:
            raise InvalidEdit("A discarded theme cannot be accepted; bring it back first.")
        question = _question_of(theme)
        tag = db.session.get(Tag, theme.tag_id) if theme.tag_id else None
        if tag is None:
            name = theme.name[:LABEL_LIMIT].strip() or "Theme"
            tag = db.session.scalar(
                select(Tag).where(
                    Tag.consultation_id == question.consultation_id, Tag.name.ilike(name)
                )
            )
            if tag is None:
                tag = Tag(consultation_id=question.consultation_id, name=name)
                db.session.add(tag)
                db.session.flush()
        _tag_all([(p.answer_id, tag.id) for p in _members(theme.id)])
        db.session.flush()
        theme.tag_id, theme.status = tag.id, ThemeStatus.ACCEPTED
        audit.record(actor, "theme accepted", "found_theme", theme.id, now=now, detail=tag.name)
        tags.append(tag)
    db.session.flush()
    return tags


def restore_theme(actor: User, question_id: int, theme_id: int, *, now: datetime) -> None:
    """Bring a discarded theme back as a suggestion (its answers come back on a re-run)."""
    theme = _theme(theme_id, question_id)
    if theme.status is ThemeStatus.DISCARDED:
        theme.status = ThemeStatus.SUGGESTED
        theme.edited = True
        audit.record(actor, "theme restored", "found_theme", theme.id, now=now)
        db.session.flush()
