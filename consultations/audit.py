"""The audit log: services write an entry in the same transaction as the change it records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consultations.db import db
from consultations.staff_models import AuditEntry, User


def record(
    actor: User | None,
    action: str,
    object_type: str,
    object_id: int | None,
    *,
    now: datetime,
    detail: str = "",
) -> AuditEntry:
    """Add one entry: who, what action, which object, when (and why, for overrides)."""
    entry = AuditEntry(
        user_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
        at=now,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def entries(
    *, object_type: str | None = None, object_id: int | None = None, limit: int = 200
) -> list[AuditEntry]:
    """The newest entries first, optionally for one object."""
    query = select(AuditEntry).options(selectinload(AuditEntry.user))
    if object_type is not None:
        query = query.where(AuditEntry.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditEntry.object_id == object_id)
    query = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    return list(db.session.scalars(query))
