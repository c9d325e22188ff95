"""Inviting young people who opted in to an open consultation.

The audience is chosen by area, age band, language and channel among people who asked for
messages and have not answered it yet, leaving out anyone who has had the weekly number of
invitations and reminders. Queueing is one INSERT … SELECT, so 100,000 people take one
statement, and its idempotency keys (``invite:<consultation>:<participant>``) are unique:
inviting the same person to the same consultation twice never sends twice, whoever does it
and however many schedulers run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import (
    String,
    and_,
    case,
    cast,
    exists,
    func,
    insert,
    literal,
    not_,
    or_,
    select,
)
from sqlalchemy.sql.elements import ColumnElement

from consultations import areas, audit, translations
from consultations import words as wording
from consultations.db import db
from consultations.errors import IllegalTransition, InvalidEdit, NotFound
from consultations.models import (
    AGE_BANDS,
    PREFER_NOT_TO_SAY,
    Consultation,
    ConsultationStatus,
    FollowedTopic,
    Participant,
    Participation,
    Theme,
)
from consultations.readability import analyse
from consultations.staff_models import User
from feedback.models import (
    Invitation,
    InvitationStatus,
    OutboxMessage,
    OutboxStatus,
    Subscription,
)
from feedback.outbox import channel_words
from feedback.quiet_time import DEFAULT_PER_WEEK, recently_capped

KIND = "invitation"
TEXT_MAX = 300
LANGUAGES = ("en", "pl", "ur")
CHANNELS = ("telegram", "rasa", "web")
CHAT_CHANNELS = frozenset({"telegram", "rasa", "terminal"})


@dataclass(frozen=True)
class Audience:
    """Who an invitation would reach: choices only (never a list of people)."""

    areas: tuple[str, ...] = ()
    age_bands: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    # Theme keys. Someone who follows no topic counts as following every topic: choosing
    # topics is optional and came after opting in, so an empty choice means "tell me
    # anything", never "tell me nothing".
    topics: tuple[str, ...] = ()

    @classmethod
    def of(cls, invitation: Invitation) -> Audience:
        return cls(
            tuple(json.loads(invitation.areas)),
            tuple(json.loads(invitation.age_bands)),
            tuple(json.loads(invitation.languages)),
            tuple(json.loads(invitation.channels)),
            tuple(json.loads(invitation.topics or "[]")),
        )

    def checked(self) -> Audience:
        """The same choices, or ``InvalidEdit`` saying which one is not a choice.

        Areas may be given by key, name or alias ("Hanley"); they come back as keys.
        """
        area_keys = []
        for value in (a for a in self.areas if a.strip()):
            key = areas.resolve(value)
            if key is None or key == PREFER_NOT_TO_SAY:
                raise InvalidEdit(
                    f"“{value}” is not an area on the list: use one like "
                    f"{', '.join(areas.examples())}."
                )
            area_keys.append(key)
        known_topics = topic_keys()
        for value in self.topics:
            if value not in known_topics:
                raise InvalidEdit(f"“{value}” is not a topic: use {', '.join(known_topics)}.")
        for value in self.age_bands:
            if value not in AGE_BANDS:
                raise InvalidEdit(f"“{value}” is not an age band: use {', '.join(AGE_BANDS)}.")
        for value in self.languages:
            if value not in LANGUAGES:
                raise InvalidEdit(f"“{value}” is not a language: use {', '.join(LANGUAGES)}.")
        for value in self.channels:
            if value not in CHANNELS:
                raise InvalidEdit(f"“{value}” is not a channel: use {', '.join(CHANNELS)}.")
        return Audience(
            tuple(sorted(set(area_keys))),
            tuple(sorted(set(self.age_bands))),
            tuple(sorted(set(self.languages))),
            tuple(sorted(set(self.channels))),
            tuple(sorted(set(self.topics))),
        )

    def words(self) -> str:
        """ "young people in Hanley aged 14 to 15", for the officer's confirmation."""
        parts = []
        if self.areas:
            named = areas.names()
            parts.append("in " + ", ".join(named.get(a, a) for a in self.areas))
        if self.age_bands:
            parts.append("aged " + ", ".join(AGE_BANDS[b] for b in self.age_bands))
        if self.languages:
            parts.append("reading " + ", ".join(self.languages))
        if self.channels:
            parts.append("on " + ", ".join(self.channels))
        if self.topics:
            parts.append("following " + ", ".join(self.topics))
        return " ".join(parts) or "everyone"


@dataclass(frozen=True)
class Count:
    """How many an invitation would reach now, per channel, and how many the cap keeps out."""

    by_channel: dict[str, int] = field(default_factory=dict)
    capped: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_channel.values())

    def channel_words(self) -> list[str]:
        return channel_words(self.by_channel)


def _key_prefix(consultation: Consultation) -> str:
    return f"invite:{consultation.id}:"


def _chosen(consultation: Consultation, audience: Audience) -> ColumnElement[bool]:
    """Opted in, in the audience, and has not answered this consultation."""
    language = func.coalesce(Subscription.language, "en")
    conditions: list[ColumnElement[bool]] = [
        Subscription.active.is_(True),
        Subscription.address.is_not(None),
        Participant.is_demo.is_(False),
        not_(
            exists().where(
                Participation.consultation_id == consultation.id,
                Participation.participant_id == Participant.id,
            )
        ),
    ]
    if audience.areas:
        conditions.append(Participant.area.in_(audience.areas))
    if audience.age_bands:
        conditions.append(Participant.age_band.in_(audience.age_bands))
    if audience.languages:
        conditions.append(language.in_(audience.languages))
    if audience.channels:
        conditions.append(Subscription.channel.in_(audience.channels))
    if audience.topics:
        follows_any = exists().where(FollowedTopic.participant_id == Participant.id)
        follows_chosen = exists().where(
            FollowedTopic.participant_id == Participant.id,
            FollowedTopic.theme_id.in_(select(Theme.id).where(Theme.key.in_(audience.topics))),
        )
        conditions.append(or_(not_(follows_any), follows_chosen))
    return and_(*conditions)


def _idempotency_key(consultation: Consultation) -> ColumnElement[str]:
    return literal(_key_prefix(consultation)) + cast(Participant.id, String)


def _not_invited(consultation: Consultation) -> ColumnElement[bool]:
    return not_(exists().where(OutboxMessage.idempotency_key == _idempotency_key(consultation)))


def count_audience(
    consultation: Consultation, audience: Audience, *, now: datetime, per_week: int
) -> Count:
    """Who inviting now would reach (shown before sending), and how many the cap leaves out."""
    base = (
        select(Subscription.channel, func.count(Participant.id))
        .join(Subscription, Subscription.participant_id == Participant.id)
        .where(_chosen(consultation, audience.checked()), _not_invited(consultation))
    )
    capped_ids = recently_capped(now, per_week)
    reachable = db.session.execute(
        base.where(Participant.id.not_in(capped_ids)).group_by(Subscription.channel)
    ).all()
    capped = (
        db.session.scalar(
            select(func.count())
            .select_from(Participant)
            .join(Subscription, Subscription.participant_id == Participant.id)
            .where(
                _chosen(consultation, audience.checked()),
                _not_invited(consultation),
                Participant.id.in_(capped_ids),
            )
        )
        or 0
    )
    return Count({channel: n for channel, n in reachable}, capped=capped)


@dataclass(frozen=True)
class Links:
    """Where an invitation leads on each kind of channel."""

    web: str
    # The Telegram deep link (t.me/<bot>?start=c_<slug>), when the bot's name is known.
    telegram: str | None = None


def invitation_text(
    consultation: Consultation, officer_text: str, language: str, *, chat: bool
) -> str:
    """The officer's words, the consultation's title and closing date, and how to stop."""
    title = translations.translated(consultation, language).youth_title
    if consultation.closes_at is not None:
        when = wording.text("INVITATION_OPEN_UNTIL", language).format(
            title=title, date=wording.long_date(consultation.closes_at.date(), language)
        )
    else:
        when = wording.text("INVITATION_OPEN", language).format(title=title)
    stop = wording.text("INVITATION_STOP_CHAT" if chat else "INVITATION_STOP_WEB", language)
    return f"{officer_text}\n\n{when}\n{stop}"


def _check_text(consultation: Consultation, texts: dict[str, str]) -> dict[str, str]:
    cleaned = {lang: (words or "").strip() for lang, words in texts.items() if lang in LANGUAGES}
    cleaned = {lang: words for lang, words in cleaned.items() if words}
    english = cleaned.get("en", "")
    if not english:
        raise InvalidEdit("Write the invitation: a line or two in young people's words.")
    for words in cleaned.values():
        if len(words) > TEXT_MAX:
            raise InvalidEdit(f"Keep the invitation to {TEXT_MAX} characters or fewer.")
    score = analyse(english, target=consultation.reading_age_target)
    if not score.passes:
        raise InvalidEdit(
            f"The invitation has a reading age of {score.reading_age:.1f}, above the target "
            f"of {score.target:.0f}: use shorter sentences and everyday words."
        )
    return cleaned


def _check_open(consultation: Consultation, now: datetime) -> None:
    if consultation.status is not ConsultationStatus.OPEN or not consultation.accepting_answers(
        now
    ):
        raise IllegalTransition("This consultation is not open, so nobody can be invited to it.")


@dataclass(frozen=True)
class Checked:
    """An invitation that may be sent: its cleaned words, audience, time and reach."""

    audience: Audience
    texts: dict[str, str]
    send_at: datetime
    count: Count


def check_invitation(
    consultation: Consultation,
    *,
    texts: dict[str, str],
    audience: Audience,
    now: datetime,
    send_at: datetime | None = None,
    per_week: int = DEFAULT_PER_WEEK,
) -> Checked:
    """Everything about an invitation checked, nothing written (the officer's preview).

    Refused in one sentence: a consultation that is not open, an empty audience, a time in
    the past, a text over the consultation's reading age.
    """
    _check_open(consultation, now)
    chosen = audience.checked()
    cleaned = _check_text(consultation, texts)
    when = send_at or now
    if when.tzinfo is None:
        raise InvalidEdit("Give the time with its time zone.")
    if when < now.replace(second=0, microsecond=0):
        raise InvalidEdit("Choose a time from now on: that one has passed.")
    if consultation.closes_at is not None and when >= consultation.closes_at:
        raise InvalidEdit("Choose a time before the consultation closes.")
    count = count_audience(consultation, chosen, now=now, per_week=per_week)
    if count.total == 0:
        raise InvalidEdit(
            f"Nobody matches this audience ({chosen.words()}) who asked for messages and "
            "has not answered yet."
        )
    return Checked(chosen, cleaned, when, count)


def create_invitation(
    actor: User | None,
    consultation: Consultation,
    *,
    texts: dict[str, str],
    audience: Audience,
    now: datetime,
    send_at: datetime | None = None,
    per_week: int = DEFAULT_PER_WEEK,
) -> Invitation:
    """Check and keep an invitation; queue it with ``queue_invitation`` when it is due."""
    checked = check_invitation(
        consultation, texts=texts, audience=audience, now=now, send_at=send_at, per_week=per_week
    )
    chosen = checked.audience
    invitation = Invitation(
        consultation_id=consultation.id,
        created_by_id=actor.id if actor else None,
        texts=json.dumps(checked.texts, ensure_ascii=False),
        areas=json.dumps(list(chosen.areas)),
        age_bands=json.dumps(list(chosen.age_bands)),
        languages=json.dumps(list(chosen.languages)),
        channels=json.dumps(list(chosen.channels)),
        topics=json.dumps(list(chosen.topics)),
        send_at=checked.send_at,
        status=InvitationStatus.SCHEDULED,
        audience=checked.count.total,
        created_at=now,
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record(actor, "created_invitation", "consultation", consultation.id, now=now)
    return invitation


def known_areas() -> list[tuple[str, str]]:
    """The council's areas, (key, name), for the officer's choice; retired ones too, since
    people who chose one before it was retired keep it."""
    return [
        (a.key, a.name + (" (retired)" if a.retired else ""))
        for a in areas.all_areas(with_retired=True)
    ]


def topic_keys() -> list[str]:
    """The strategy's themes, in the strategy's order: the topics people can follow."""
    return list(db.session.scalars(select(Theme.key).order_by(Theme.position, Theme.id)))


def known_topics() -> list[tuple[str, str]]:
    """(key, name) of every topic, for the officer's choice."""
    rows = db.session.execute(select(Theme.key, Theme.name).order_by(Theme.position, Theme.id))
    return [(key, name) for key, name in rows]


def in_their_language(render: Callable[[str], str]) -> ColumnElement[str]:
    """Per subscriber, in one statement: ``render(lang)`` for their language, else English."""
    language = func.coalesce(Subscription.language, "en")
    return case(
        *((language == lang, literal(render(lang))) for lang in LANGUAGES if lang != "en"),
        else_=literal(render("en")),
    )


def link_and_button(link: Links) -> tuple[ColumnElement[str], ColumnElement[str | None]]:
    """What an invitation or reminder opens, per subscriber: on Telegram, when the bot is
    known, its deep link and a button in their language that starts the consultation in the
    chat; everywhere else the web page and no button."""
    if not link.telegram:
        return literal(link.web), literal(None, String)
    on_telegram = Subscription.channel == "telegram"
    return (
        case((on_telegram, literal(link.telegram)), else_=literal(link.web)),
        case(
            (on_telegram, in_their_language(lambda lang: wording.text("INVITATION_BUTTON", lang))),
            else_=literal(None, String),
        ),
    )


def queue_invitation(
    invitation: Invitation,
    *,
    now: datetime,
    links: Callable[[Consultation], Links],
    per_week: int = DEFAULT_PER_WEEK,
) -> int:
    """Write the invitation's outbox rows in one statement; returns how many were written.

    Run at its time (by ``youthvoice invite`` or the scheduler). A second run, or another
    invitation to the same consultation, writes nothing for anyone already invited.
    """
    if invitation.status is InvitationStatus.QUEUED:
        return 0
    consultation = db.session.get(Consultation, invitation.consultation_id)
    if consultation is None:
        raise NotFound("There is no such consultation.")
    if not consultation.accepting_answers(now):
        # Closed before its time came: nothing goes, and the record says so.
        invitation.status = InvitationStatus.QUEUED
        invitation.queued_at = now
        db.session.flush()
        return 0
    texts: dict[str, str] = json.loads(invitation.texts)
    audience = Audience.of(invitation)
    link = links(consultation)
    is_chat = Subscription.channel.in_(CHAT_CHANNELS)

    def words(lang: str, *, chat: bool) -> str:
        return invitation_text(consultation, texts.get(lang) or texts["en"], lang, chat=chat)

    text = case(
        (is_chat, in_their_language(lambda lang: words(lang, chat=True))),
        else_=in_their_language(lambda lang: words(lang, chat=False)),
    )
    target, button = link_and_button(link)
    chosen = (
        select(
            _idempotency_key(consultation),
            Participant.id,
            Subscription.channel,
            literal(KIND),
            literal(consultation.id),
            text,
            target,
            button,
            literal(invitation.id),
            literal(OutboxStatus.PENDING, OutboxMessage.status.type),
            literal(0),
            literal(now, OutboxMessage.available_at.type),
            literal(now, OutboxMessage.created_at.type),
        )
        .select_from(Participant)
        .join(Subscription, Subscription.participant_id == Participant.id)
        .where(
            _chosen(consultation, audience),
            _not_invited(consultation),
            Participant.id.not_in(recently_capped(now, per_week)),
        )
    )
    # RETURNING, not rowcount: psycopg reports no count for INSERT … SELECT.
    written = len(
        db.session.execute(
            insert(OutboxMessage)
            .from_select(
                [
                    "idempotency_key",
                    "participant_id",
                    "channel",
                    "kind",
                    "consultation_id",
                    "text",
                    "link",
                    "button",
                    "invitation_id",
                    "status",
                    "attempts",
                    "available_at",
                    "created_at",
                ],
                chosen,
            )
            .returning(OutboxMessage.id)
        ).all()
    )
    invitation.status = InvitationStatus.QUEUED
    invitation.queued = written
    invitation.queued_at = now
    db.session.flush()
    return written


def queue_scheduled(
    invitation_id: int,
    *,
    now: datetime,
    links: Callable[[Consultation], Links],
    per_week: int = DEFAULT_PER_WEEK,
) -> int:
    """Queue one scheduled invitation by id (0 if it has gone meanwhile), in its own
    transaction, so one that fails never holds up the others due at the same time."""
    found = db.session.get(Invitation, invitation_id)
    if found is None:
        return 0
    return queue_invitation(found, now=now, links=links, per_week=per_week)


def due_invitations(now: datetime) -> list[Invitation]:
    """Invitations whose time has come and that have not been queued."""
    return list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.status == InvitationStatus.SCHEDULED, Invitation.send_at <= now)
            .order_by(Invitation.send_at, Invitation.id)
        )
    )


def invitations_of(consultation: Consultation) -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.consultation_id == consultation.id)
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        )
    )


def parse_list(values: Iterable[str] | None) -> tuple[str, ...]:
    """Repeated options or comma-separated values, as one tuple."""
    found: list[str] = []
    for value in values or ():
        found.extend(v.strip() for v in str(value).split(",") if v.strip())
    return tuple(found)


def audience_from(
    *,
    areas: Sequence[str] = (),
    age_bands: Sequence[str] = (),
    languages: Sequence[str] = (),
    channels: Sequence[str] = (),
    topics: Sequence[str] = (),
) -> Audience:
    return Audience(
        parse_list(areas),
        parse_list(age_bands),
        parse_list(languages),
        parse_list(channels),
        parse_list(topics),
    ).checked()
