"""One-time access codes: one person, one vote, across every channel.

Codes are shown once, when issued, and stored only as a hash. The first submission with a
code binds it to that participant; their later changes need no code again, and anyone else
using the same code is refused. A used code stays used for good, even once the person who
used it has been erased.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import exists, func, select, update

from consultations import audit
from consultations.db import db
from consultations.errors import AccessCodeRefused, AccessCodeUsed, InvalidEdit
from consultations.models import Consultation
from consultations.staff_models import AccessCode, User

# The same unambiguous letters as poll join codes: codes are read off paper.
CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
CODE_LENGTH = 8
MAX_CODES_PER_SHEET = 500


def normalise(code: str) -> str:
    """What people type, as issued: capitals, no spaces or dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _hash(consultation_id: int, code: str) -> str:
    # Salted with the consultation so one code cannot count for another consultation.
    return hashlib.sha256(f"{consultation_id}:{normalise(code)}".encode()).hexdigest()


def pretty(code: str) -> str:
    """ABCD-EFGH: easier to copy from paper."""
    return f"{code[:4]}-{code[4:]}"


def issue_codes(actor: User, consultation: Consultation, count: int, *, now: datetime) -> list[str]:
    """Make ``count`` new codes, require them for this consultation, and return them once."""
    if not 1 <= count <= MAX_CODES_PER_SHEET:
        raise InvalidEdit(f"Issue between 1 and {MAX_CODES_PER_SHEET} codes at a time.")
    codes: list[str] = []
    while len(codes) < count:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in codes:
            codes.append(code)
    db.session.add_all(
        AccessCode(
            consultation_id=consultation.id, code_hash=_hash(consultation.id, c), created_at=now
        )
        for c in codes
    )
    consultation.requires_access_code = True
    db.session.flush()
    audit.record(actor, "codes_issued", "consultation", consultation.id, now=now, detail=str(count))
    return [pretty(c) for c in codes]


def set_required(actor: User, consultation: Consultation, required: bool, *, now: datetime) -> None:
    """Switch the code requirement on or off for a consultation."""
    consultation.requires_access_code = required
    db.session.flush()
    action = "codes_required" if required else "codes_not_required"
    audit.record(actor, action, "consultation", consultation.id, now=now)


def code_counts(consultation: Consultation) -> tuple[int, int]:
    """(issued, used) for a consultation."""
    issued = db.session.scalar(
        select(func.count()).where(AccessCode.consultation_id == consultation.id)
    )
    used = db.session.scalar(
        select(func.count()).where(
            AccessCode.consultation_id == consultation.id, AccessCode.used_at.is_not(None)
        )
    )
    return issued or 0, used or 0


def holds_code(consultation_id: int, participant_id: int) -> bool:
    """Whether this participant already used a code for this consultation."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    AccessCode.consultation_id == consultation_id,
                    AccessCode.participant_id == participant_id,
                )
            )
        )
    )


def redeem(
    consultation_id: int,
    participant_id: int,
    code: str | None,
    *,
    channel: str,
    now: datetime,
    first_contact: bool = False,
) -> None:
    """Let this participant answer a code-only consultation, or refuse in plain words.

    Call it only for a consultation that requires codes. ``first_contact`` says the
    participant was created in this transaction, so cannot already hold a code.
    """
    if not first_contact and holds_code(consultation_id, participant_id):
        return
    if not code or not normalise(code):
        raise AccessCodeRefused(
            "This vote needs the access code you were given. Type it in, then send again."
        )
    found = db.session.scalar(
        select(AccessCode).where(AccessCode.code_hash == _hash(consultation_id, code))
    )
    if found is None:
        raise AccessCodeRefused("That access code is not right. Check it and try again.")
    # Claim the code only if never used, in one statement, so two people racing for one
    # code cannot both win. "Used" is ``used_at``, not who used it: erasing its holder
    # empties ``participant_id`` (the person is gone) but the code stays spent, or erasure
    # would hand a used code on to someone else.
    claimed = db.session.execute(
        update(AccessCode)
        .where(AccessCode.id == found.id, AccessCode.used_at.is_(None))
        .values(participant_id=participant_id, channel=channel, used_at=now),
        execution_options={"synchronize_session": False},
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise AccessCodeUsed(
            "That access code has already been used. Each code counts for one person only; "
            "ask the person running the vote for a new one."
        )
