"""The youth forum's recommendations to the Local Strategic Partnership, its votes, and the answer.

Adoption rule: a recommendation is adopted as soon as more than half of the forum's active
members have voted for it, and not adopted as soon as more than half have voted against
(so a tie never decides). One vote per member, enforced by a unique constraint; voting again
replaces the earlier vote while voting is open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from consultations import audit
from consultations.db import db
from consultations.errors import IllegalTransition, InvalidEdit, NotAllowed, NotFound
from consultations.models import Consultation, ConsultationStatus
from consultations.staff_models import Role, User
from feedback.loop_models import (
    LspResponse,
    Recommendation,
    RecommendationCitation,
    RecommendationStatus,
    RecommendationVote,
    WeDidItem,
    WeDidStatus,
)
from feedback.outcomes import add_we_did

TITLE_MAX = 200
BODY_MAX = 5000
PARTNERSHIP = "Local Strategic Partnership"


def recommendations() -> list[Recommendation]:
    return list(
        db.session.scalars(
            select(Recommendation)
            .options(selectinload(Recommendation.votes), selectinload(Recommendation.cited))
            .order_by(Recommendation.created_at.desc(), Recommendation.id.desc())
        )
    )


def recommendation(recommendation_id: int) -> Recommendation:
    found = db.session.get(Recommendation, recommendation_id)
    if found is None:
        raise NotFound("There is no such recommendation.")
    return found


def citable_consultations() -> list[Consultation]:
    """Consultations with results (anything that has opened): what a recommendation can cite
    and what a report can be made about."""
    return list(
        db.session.scalars(
            select(Consultation)
            .where(
                Consultation.status != ConsultationStatus.DRAFT,
                Consultation.is_live_poll.is_(False),
            )
            .order_by(Consultation.created_at.desc(), Consultation.id.desc())
        )
    )


def _require_member(actor: User) -> None:
    if actor.role is not Role.FORUM_MEMBER:
        raise NotAllowed("Only youth forum members draft and vote on recommendations.")


def draft_recommendation(
    actor: User,
    *,
    title: str,
    body: str,
    evidence: str = "",
    consultation_ids: list[int],
    now: datetime,
) -> Recommendation:
    """A forum member puts a recommendation to the forum, citing consultation results."""
    _require_member(actor)
    title, body, evidence = title.strip(), body.strip(), evidence.strip()
    if not title or len(title) > TITLE_MAX:
        raise InvalidEdit(f"Give the recommendation a title (up to {TITLE_MAX} characters).")
    if not body or len(body) > BODY_MAX:
        raise InvalidEdit(f"Write the recommendation (up to {BODY_MAX} characters).")
    if len(evidence) > BODY_MAX:
        raise InvalidEdit(f"The evidence can be up to {BODY_MAX} characters.")
    allowed = {c.id for c in citable_consultations()}
    chosen = sorted(set(consultation_ids))
    if not chosen:
        raise InvalidEdit("Cite at least one consultation whose results back this up.")
    if not set(chosen) <= allowed:
        raise InvalidEdit("Cite only consultations that have results.")
    rec = Recommendation(
        title=title, body=body, evidence=evidence, drafted_by_id=actor.id, created_at=now
    )
    db.session.add(rec)
    db.session.flush()
    for consultation_id in chosen:
        db.session.add(
            RecommendationCitation(recommendation_id=rec.id, consultation_id=consultation_id)
        )
    db.session.flush()
    audit.record(actor, "drafted_recommendation", "recommendation", rec.id, now=now)
    return rec


def forum_size() -> int:
    """Active forum members: the electorate for every vote."""
    return (
        db.session.scalar(
            select(func.count(User.id)).where(User.role == Role.FORUM_MEMBER, User.active)
        )
        or 0
    )


@dataclass(frozen=True)
class Tally:
    in_favour: int
    against: int
    members: int

    @property
    def needed(self) -> int:
        """Votes needed to decide: more than half of the members."""
        return self.members // 2 + 1


def tally(rec: Recommendation) -> Tally:
    votes = list(
        db.session.scalars(
            select(RecommendationVote.in_favour)
            .join(User, User.id == RecommendationVote.user_id)
            .where(
                RecommendationVote.recommendation_id == rec.id,
                User.active,
                User.role == Role.FORUM_MEMBER,
            )
        )
    )
    return Tally(sum(votes), len(votes) - sum(votes), forum_size())


def vote_of(rec: Recommendation, actor: User) -> bool | None:
    return db.session.scalar(
        select(RecommendationVote.in_favour).where(
            RecommendationVote.recommendation_id == rec.id, RecommendationVote.user_id == actor.id
        )
    )


def vote(actor: User, rec: Recommendation, *, in_favour: bool, now: datetime) -> Tally:
    """Cast or change a forum member's vote; the rule is applied straight after."""
    _require_member(actor)
    if rec.status is not RecommendationStatus.VOTING:
        raise IllegalTransition("Voting on this recommendation has finished.")
    existing = db.session.scalar(
        select(RecommendationVote).where(
            RecommendationVote.recommendation_id == rec.id, RecommendationVote.user_id == actor.id
        )
    )
    if existing is None:
        db.session.add(
            RecommendationVote(
                recommendation_id=rec.id, user_id=actor.id, in_favour=in_favour, at=now
            )
        )
    else:
        existing.in_favour = in_favour
        existing.at = now
    db.session.flush()
    audit.record(
        actor, "voted", "recommendation", rec.id, now=now, detail="for" if in_favour else "against"
    )
    return adopt_if_decided(rec, now=now)


def adopt_if_decided(rec: Recommendation, *, now: datetime) -> Tally:
    """Apply the adoption rule: a majority of all active members decides either way."""
    counted = tally(rec)
    if rec.status is not RecommendationStatus.VOTING or counted.members == 0:
        return counted
    if counted.in_favour >= counted.needed:
        rec.status = RecommendationStatus.ADOPTED
    elif counted.against >= counted.needed:
        rec.status = RecommendationStatus.REJECTED
    else:
        return counted
    rec.decided_at = now
    db.session.flush()
    audit.record(None, rec.status.value, "recommendation", rec.id, now=now)
    return counted


def record_lsp_response(
    actor: User,
    rec: Recommendation,
    *,
    response: str,
    reason: str,
    partner: str = PARTNERSHIP,
    now: datetime,
    link: str | None = None,
) -> WeDidItem:
    """An officer records the partnership's answer; it becomes a "we did" item.

    The item goes on the first consultation the recommendation cites, so the young people
    who answered it hear what came of the forum's advice.
    """
    if actor.role not in (Role.ADMIN, Role.OFFICER):
        raise NotAllowed("Officers record the partnership's response.")
    if rec.status is not RecommendationStatus.ADOPTED:
        raise IllegalTransition(
            "Only an adopted recommendation, not yet answered, gets a response."
        )
    try:
        answer = LspResponse(response)
    except ValueError:
        raise InvalidEdit("Choose accepted, partly accepted or not accepted.") from None
    reason = reason.strip()
    if not reason or len(reason) > BODY_MAX:
        raise InvalidEdit("Give the partnership's reasons (the forum needs to know why).")
    if not rec.cited:
        raise IllegalTransition("This recommendation cites no consultation to report back on.")
    rec.status = RecommendationStatus.RESPONDED
    rec.response = answer
    rec.response_reason = reason
    rec.responded_at = now
    rec.responded_by_id = actor.id
    db.session.flush()
    audit.record(actor, "recorded_response", "recommendation", rec.id, now=now, detail=answer)
    status = WeDidStatus.NOT_POSSIBLE if answer is LspResponse.NOT_ACCEPTED else WeDidStatus.PLANNED
    return add_we_did(
        actor,
        rec.cited[0],
        action=f"Youth forum recommendation: {rec.title}"[:300],
        partner=(partner or PARTNERSHIP).strip()[:200] or PARTNERSHIP,
        status=status,
        reason=f"{answer.label}: {reason}",
        now=now,
        link=link,
        recommendation=rec,
    )
