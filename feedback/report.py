"""The report to the Local Strategic Partnership: participation, results, feedback, the forum.

Every breakdown hides the groups that could pick someone out (``suppression.suppress``):
those under the threshold and, where subtracting the rest from the total would give them
away, the next smallest; written answers appear only as quotes an officer has marked for
publication.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from consultations import areas, queries
from consultations.csv_export import csv_text
from consultations.db import db
from consultations.errors import InvalidRequest, NotFound
from consultations.models import (
    AGE_BANDS,
    DATE_RANGE_WORDS,
    PREFER_NOT_TO_SAY,
    Consultation,
    ConsultationStatus,
    Participant,
    Participation,
    date_in_range,
)
from consultations.results import NOT_GIVEN, SMALL_GROUP_THRESHOLD, theme_counts
from consultations.suppression import hidden_note, suppress
from feedback.forum import tally
from feedback.loop_models import (
    Recommendation,
    RecommendationCitation,
    RecommendationStatus,
    RecommendationVote,
)
from feedback.models import Subscription
from feedback.outcomes import is_overdue, items_of, outcome_of, quotes_of


@dataclass
class Group:
    name: str
    people: int


@dataclass
class Split:
    """People by one dimension; what was hidden is said, unless nothing at all is shown."""

    dimension: str
    groups: list[Group]
    hidden_groups: int | None
    hidden_people: int | None
    hidden_people_note: str


@dataclass
class OptionLine:
    label: str
    count: int
    percent: float


@dataclass
class QuestionLine:
    prompt: str
    kind: str
    answers: int
    options: list[OptionLine]
    scale_min_label: str = ""
    scale_max_label: str = ""
    mean: float | None = None


@dataclass
class ThemeLine:
    """A theme officers tagged written answers with, and how many people's answers it holds."""

    name: str
    people: int


@dataclass
class ItemLine:
    action: str
    partner: str
    status: str
    reason: str
    due_date: str | None
    due_words: str = ""


@dataclass
class ConsultationSection:
    slug: str
    title: str
    youth_title: str
    status: str
    closes_at: str | None
    feedback_due: str | None
    respondents: int
    feedback: str  # "published", "late" or "not yet due"
    you_said: str
    questions: list[QuestionLine]
    we_did: list[ItemLine]
    quotes: list[str]
    # "open until 13 January 2027", "closed 25 November 2026": as a reader says it.
    state_words: str = ""
    # "published 1 December 2026", "late by 14 days (due 18 November 2026)" …
    feedback_words: str = ""
    days_late: int | None = None
    themes: list[ThemeLine] = field(default_factory=list)
    themes_note: str = ""


@dataclass
class RecommendationLine:
    title: str
    status: str
    votes_for: int
    votes_against: int
    members: int
    cites: list[str]
    response: str | None
    response_reason: str


@dataclass
class Indicator:
    name: str
    value: int
    how_counted: str


@dataclass
class Report:
    title: str
    period: str
    generated_at: str
    threshold: int
    participants: int
    splits: list[Split]
    consultations: list[ConsultationSection]
    recommendations: list[RecommendationLine]
    indicators: list[Indicator] = field(default_factory=list)
    # For the cover: who the consultations came from, the period and the day, in words.
    organisation: str = ""
    period_words: str = ""
    generated_on: str = ""
    # The one-page summary a meeting reads first.
    key_findings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def in_words(day: date | datetime | None) -> str:
    """A date as a meeting paper writes it: 2 December 2026."""
    if day is None:
        return ""
    return f"{day.day} {day:%B %Y}"


def _state_words(consultation: Consultation) -> str:
    if consultation.status is ConsultationStatus.OPEN:
        if consultation.closes_at is None:
            return "open, with no closing date yet"
        return f"open until {in_words(consultation.closes_at)}"
    return f"closed {in_words(consultation.closes_at)}" if consultation.closes_at else "closed"


def _feedback_words(
    consultation: Consultation, published_at: datetime | None, today: date
) -> tuple[str, int | None]:
    due = consultation.feedback_due
    if published_at is not None:
        days_late = (published_at.date() - due).days if due is not None else 0
        late = f", {days_late} days after it was due" if days_late > 0 else ""
        return f"published {in_words(published_at)}{late}", None
    if due is None:
        return "not due yet: it is promised eight weeks after closing", None
    if today > due:
        days = (today - due).days
        return f"late by {days} day{'' if days == 1 else 's'} (it was due {in_words(due)})", days
    return f"not yet due: promised by {in_words(due)}", None


def _themes(consultation: Consultation, threshold: int) -> tuple[list[ThemeLine], str]:
    """Officers' tags on the written answers, by how many people's answers carry each."""
    counted = theme_counts(consultation, threshold=threshold)
    note = ""
    if counted.hidden and not counted.shown:
        # How many themes a handful of people wrote about is itself about them.
        note = "No theme is shown, so that nobody can be picked out."
    elif counted.hidden:
        n = counted.hidden
        note = (
            f"{n} smaller theme{'' if n == 1 else 's'} not shown so that nobody can be picked out."
        )
    return [ThemeLine(t.name, t.people) for t in counted.shown], note


def key_findings(report: Report) -> list[str]:
    """The summary page: what a partnership meeting needs if it reads nothing else."""
    lines = [
        f"{report.participants} young {'person' if report.participants == 1 else 'people'} "
        f"took part in {len(report.consultations)} consultation"
        f"{'' if len(report.consultations) == 1 else 's'}."
    ]
    for c in report.consultations:
        lines.append(f"{c.youth_title} ({c.state_words}, {c.respondents} people): {_headline(c)}")
    counted = Counter(c.feedback for c in report.consultations)
    if report.consultations:
        late = [c.youth_title for c in report.consultations if c.feedback == "late"]
        lines.append(
            f"You said, we did: {counted['published']} published, {counted['late']} late, "
            f"{counted['not yet due']} not yet due."
            + (f" Late: {', '.join(late)}." if late else "")
        )
    themes = sorted(
        ((t.name, t.people, c.youth_title) for c in report.consultations for t in c.themes),
        key=lambda t: -t[1],
    )[:3]
    if themes:
        lines.append(
            "Themes most written about: "
            + "; ".join(f"{name} ({n} people, {title})" for name, n, title in themes)
            + "."
        )
    if report.recommendations:
        adopted = sum(r.status.lower() in ("adopted", "responded") for r in report.recommendations)
        answered = sum(r.response is not None for r in report.recommendations)
        lines.append(
            f"Youth forum: {len(report.recommendations)} recommendation"
            f"{'' if len(report.recommendations) == 1 else 's'}, {adopted} adopted, "
            f"{answered} with the partnership's response."
        )
    return lines


def _headline(section: ConsultationSection) -> str:
    """The clearest single result of a consultation, in one sentence."""
    for q in section.questions:
        if q.mean is not None and q.answers:
            ends = (
                f" (1 is “{q.scale_min_label}”, 5 is “{q.scale_max_label}”)"
                if q.scale_min_label and q.scale_max_label
                else ""
            )
            return f"on “{q.prompt}” the average was {q.mean:.1f} out of 5{ends}."
        if q.kind == "single_choice" and q.answers and q.options:
            top = max(q.options, key=lambda o: o.count)
            return f"asked “{q.prompt}”, most chose “{top.label}” ({top.percent:g}%)."
    return "no choice question had answers."


def parse_period(text: str) -> tuple[date, date]:
    """``2026-01-01..2026-03-31`` → the two dates (both days included)."""
    start_text, sep, end_text = text.partition("..")
    try:
        start, end = date.fromisoformat(start_text.strip()), date.fromisoformat(end_text.strip())
    except ValueError:
        raise InvalidRequest(
            "Give the period as FROM..TO, for example 2026-01-01..2026-03-31."
        ) from None
    if not sep or end < start:
        raise InvalidRequest("The period must be FROM..TO with TO on or after FROM.")
    if not (date_in_range(start) and date_in_range(end)):
        raise InvalidRequest(DATE_RANGE_WORDS)
    return start, end


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, time.min, tzinfo=UTC),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC),
    )


def consultations_in(start: date, end: date) -> list[Consultation]:
    """Consultations open at any time in the period (live polls left out)."""
    low, high = _bounds(start, end)
    return list(
        db.session.scalars(
            select(Consultation)
            .where(
                Consultation.status != ConsultationStatus.DRAFT,
                Consultation.is_live_poll.is_(False),
                Consultation.opens_at < high,
                (Consultation.closes_at.is_(None)) | (Consultation.closes_at >= low),
            )
            .order_by(Consultation.opens_at, Consultation.id)
        )
    )


def consultation_for_report(slug: str) -> Consultation:
    found = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if found is None or found.status is ConsultationStatus.DRAFT:
        raise NotFound(f"No consultation with results called {slug!r}.")
    return found


def _group_name(dimension: str, value: str | None) -> str:
    if value in (None, ""):
        return NOT_GIVEN
    if value == PREFER_NOT_TO_SAY:
        return "Prefer not to say"
    return AGE_BANDS.get(value, value) if dimension == "age_band" else value


def _split(dimension: str, people: dict[int, str | None], threshold: int) -> Split:
    counts = Counter(_group_name(dimension, v) for v in people.values())
    sizes = dict(sorted(counts.items(), key=lambda kv: (kv[0] == NOT_GIVEN, kv[0])))
    hiding = suppress(sizes, threshold)
    hidden_groups, hidden_people = hiding.said
    return Split(
        dimension,
        [Group(name, sizes[name]) for name in hiding.shown],
        hidden_groups,
        hidden_people,
        hidden_note(hiding),
    )


def _participation(ids: list[int], threshold: int) -> tuple[int, list[Split]]:
    if not ids:
        return 0, [
            _split("age_band", {}, threshold),
            _split("area", {}, threshold),
            _split("channel", {}, threshold),
        ]
    rows = db.session.execute(
        select(Participant.id, Participant.age_band, areas.name_column(), Participation.channel)
        .join(Participation, Participation.participant_id == Participant.id)
        .where(Participation.consultation_id.in_(ids))
        .order_by(Participation.id)
    ).all()
    bands = {pid: band for pid, band, _, _ in rows}
    places = {pid: area for pid, _, area, _ in rows}
    # A person counts once, on the channel they first used.
    channels: dict[int, str | None] = {}
    for pid, _, _, channel in rows:
        channels.setdefault(pid, channel)
    return len(bands), [
        _split("age_band", dict(bands), threshold),
        _split("area", dict(places), threshold),
        _split("channel", channels, threshold),
    ]


def _section(consultation: Consultation, today: date, threshold: int) -> ConsultationSection:
    outcome = outcome_of(consultation)
    published = outcome is not None and outcome.is_published
    state = (
        "published"
        if published
        else ("late" if is_overdue(consultation, outcome, today) else "not yet due")
    )
    questions = [
        QuestionLine(
            r.prompt,
            r.kind,
            r.answers,
            [OptionLine(r.option_caption(o), o.count, o.percent) for o in r.options],
            scale_min_label=r.scale_min_label,
            scale_max_label=r.scale_max_label,
            mean=r.mean,
        )
        for r in queries.results(consultation)
    ]
    feedback_words, days_late = _feedback_words(
        consultation, outcome.published_at if published and outcome else None, today
    )
    themes, themes_note = _themes(consultation, threshold)
    return ConsultationSection(
        slug=consultation.slug,
        title=consultation.title,
        youth_title=consultation.youth_title,
        status=consultation.status.value,
        closes_at=consultation.closes_at.date().isoformat() if consultation.closes_at else None,
        feedback_due=consultation.feedback_due.isoformat() if consultation.feedback_due else None,
        respondents=consultation.respondent_count,
        feedback=state,
        you_said=outcome.you_said if outcome else "",
        questions=questions,
        we_did=[
            ItemLine(
                i.action,
                i.partner,
                i.status.label,
                i.reason,
                i.due_date.isoformat() if i.due_date else None,
                in_words(i.due_date),
            )
            for i in items_of(consultation)
        ],
        quotes=[q.text for q in quotes_of(consultation)],
        state_words=_state_words(consultation),
        feedback_words=feedback_words,
        days_late=days_late,
        themes=themes,
        themes_note=themes_note,
    )


def _recommendations(ids: list[int]) -> list[Recommendation]:
    if not ids:
        return []
    rec_ids = select(RecommendationCitation.recommendation_id).where(
        RecommendationCitation.consultation_id.in_(ids)
    )
    return list(
        db.session.scalars(
            select(Recommendation)
            .where(Recommendation.id.in_(rec_ids))
            .order_by(Recommendation.created_at, Recommendation.id)
        )
    )


def _indicators(
    ids: list[int], low: datetime | None, high: datetime | None, recs: list[Recommendation]
) -> list[Indicator]:
    took_part = select(Participation).where(Participation.consultation_id.in_(ids or [-1]))
    if low is not None and high is not None:
        took_part = took_part.where(
            Participation.created_at >= low, Participation.created_at < high
        )
    sub = took_part.subquery()
    people = db.session.scalar(select(func.count(func.distinct(sub.c.participant_id)))) or 0
    responses = db.session.scalar(select(func.count()).select_from(sub)) or 0
    per_person = select(sub.c.participant_id).group_by(sub.c.participant_id)
    repeat = (
        db.session.scalar(
            select(func.count()).select_from(
                per_person.having(func.count(sub.c.consultation_id) >= 2).subquery()
            )
        )
        or 0
    )
    opted_in = (
        db.session.scalar(
            select(func.count(func.distinct(Subscription.participant_id))).where(
                Subscription.active.is_(True),
                Subscription.participant_id.in_(select(sub.c.participant_id)),
            )
        )
        or 0
    )
    rec_ids = [r.id for r in recs]
    forum_votes = (
        db.session.scalar(
            select(func.count(RecommendationVote.id)).where(
                RecommendationVote.recommendation_id.in_(rec_ids or [-1])
            )
        )
        or 0
    )
    adopted = sum(
        r.status in (RecommendationStatus.ADOPTED, RecommendationStatus.RESPONDED) for r in recs
    )
    reached = _reached(ids, low, high)
    return [
        Indicator(
            "Participation in public life: young people who took part",
            people,
            "Distinct young people (pseudonymous) who answered at least one consultation "
            "in this report, on any channel; each person counts once.",
        ),
        Indicator(
            "Participation in public life: responses",
            responses,
            "One per young person per consultation they answered.",
        ),
        Indicator(
            "Citizenship activity: took part more than once",
            repeat,
            "Young people who answered two or more of the consultations in this report.",
        ),
        Indicator(
            "Citizenship activity: asked to hear back",
            opted_in,
            "Young people in this report who opted in to be told what happened (still opted in).",
        ),
        Indicator(
            "Citizenship activity: youth forum recommendations adopted",
            adopted,
            "Recommendations citing these consultations that a majority of the forum adopted.",
        ),
        Indicator(
            "Citizenship activity: youth forum votes cast",
            forum_votes,
            "Votes by forum members on recommendations citing these consultations.",
        ),
        *reached,
    ]


def _reached(ids: list[int], low: datetime | None, high: datetime | None) -> list[Indicator]:
    """Young people reached: invitations and "you said, we did" receipts that arrived."""
    from feedback.models import OutboxMessage, OutboxStatus, ReceiptLink

    def delivered(kind: str) -> int:
        query = select(func.count(func.distinct(OutboxMessage.participant_id))).where(
            OutboxMessage.consultation_id.in_(ids or [-1]),
            OutboxMessage.kind == kind,
            OutboxMessage.status == OutboxStatus.SENT,
        )
        if low is not None and high is not None:
            query = query.where(OutboxMessage.sent_at >= low, OutboxMessage.sent_at < high)
        return db.session.scalar(query) or 0

    links = (
        db.session.scalar(
            select(func.count(func.distinct(ReceiptLink.participant_id))).where(
                ReceiptLink.participant_id.in_(
                    select(Participation.participant_id).where(
                        Participation.consultation_id.in_(ids or [-1])
                    )
                )
            )
        )
        or 0
    )
    return [
        Indicator(
            "Young people reached: invited",
            delivered("invitation"),
            "Young people who opted in to messages and were delivered an invitation to one of "
            "these consultations (each person once).",
        ),
        Indicator(
            "Young people reached: told what changed",
            delivered("feedback"),
            "Young people delivered a “you said, we did” receipt or update about a "
            "consultation they answered, on Telegram, the chat assistant or in their browser.",
        ),
        Indicator(
            "Young people reached: keep a private receipt link",
            links,
            "Web participants who keep a private link to what came of their answers.",
        ),
    ]


def build_report(
    consultations: list[Consultation],
    *,
    title: str,
    period: tuple[date, date] | None,
    now: datetime,
    threshold: int = SMALL_GROUP_THRESHOLD,
) -> Report:
    ids = [c.id for c in consultations]
    participants, splits = _participation(ids, threshold)
    recs = _recommendations(ids)
    low, high = _bounds(*period) if period else (None, None)
    rec_lines = []
    for rec in recs:
        counted = tally(rec)
        rec_lines.append(
            RecommendationLine(
                title=rec.title,
                status=rec.status.label,
                votes_for=counted.in_favour,
                votes_against=counted.against,
                members=counted.members,
                cites=[c.youth_title for c in rec.cited],
                response=rec.response.label if rec.response else None,
                response_reason=rec.response_reason,
            )
        )
    named = {c.source_organisation.strip() for c in consultations if c.source_organisation.strip()}
    # "The council" and "the council and its partners" are one organisation on a cover.
    organisations = sorted(n for n in named if not any(o != n and o in n for o in named))
    report = Report(
        title=title,
        period=f"{period[0].isoformat()} to {period[1].isoformat()}" if period else "",
        generated_at=now.isoformat(timespec="minutes"),
        threshold=threshold,
        participants=participants,
        splits=splits,
        consultations=[_section(c, now.date(), threshold) for c in consultations],
        recommendations=rec_lines,
        indicators=_indicators(ids, low, high, recs),
        organisation=", ".join(organisations),
        period_words=f"{in_words(period[0])} to {in_words(period[1])}" if period else "",
        generated_on=in_words(now),
    )
    report.key_findings = key_findings(report)
    return report


def to_json(report: Report) -> str:
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=1)


def to_csv(report: Report) -> str:
    """One row per figure: section, subject, measure, value, note."""
    rows: list[list[object]] = [["report", report.title, "period", report.period, ""]]
    rows.append(["participation", "all", "young people", report.participants, ""])
    for split in report.splits:
        for g in split.groups:
            rows.append(["participation", split.dimension, g.name, g.people, ""])
        if split.hidden_people_note:
            rows.append(
                [
                    "participation",
                    split.dimension,
                    "hidden groups",
                    "" if split.hidden_groups is None else split.hidden_groups,
                    split.hidden_people_note,
                ]
            )
    for c in report.consultations:
        rows.append(["consultation", c.slug, "respondents", c.respondents, c.youth_title])
        rows.append(["consultation", c.slug, "feedback", c.feedback, c.feedback_words])
        for t in c.themes:
            rows.append(
                ["theme", c.slug, t.name, t.people, "people whose written answers carry it"]
            )
        for q in c.questions:
            for o in q.options:
                rows.append(["result", c.slug, f"{q.prompt} / {o.label}", o.count, f"{o.percent}%"])
        for item in c.we_did:
            rows.append(["we did", c.slug, item.action, item.status, item.partner])
    for r in report.recommendations:
        rows.append(["recommendation", r.title, "status", r.status, r.response or ""])
    for ind in report.indicators:
        rows.append(["indicator", ind.name, "count", ind.value, ind.how_counted])
    return csv_text(["section", "subject", "measure", "value", "note"], rows)
