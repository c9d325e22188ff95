"""Staff accounts: argon2 passwords, roles and sign-in throttling kept in the database."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Mapped

from consultations import audit
from consultations.db import db
from consultations.errors import InvalidEdit, SignInThrottled
from consultations.staff_models import LoginFailure, Role, User

MIN_PASSWORD_LENGTH = 12
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
# A shared office or school network can hold many staff: allow more per address.
MAX_FAILURES_PER_ADDRESS = 20
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_hasher = PasswordHasher()  # argon2id with the library's recommended cost
_dummy_hashes: dict[int, str] = {}


def _dummy_hash() -> str:
    # Verifying against this when the account does not exist keeps the timing the same.
    key = id(_hasher)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = _hasher.hash("not a real password, only for equal timing")
    return _dummy_hashes[key]


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def normalise_email(email: str) -> str:
    """Emails compare without case or surrounding spaces."""
    return email.strip().lower()


def check_email(email: str) -> str:
    """The email as it is stored, or ``InvalidEdit``: the one rule for the form and the CLI."""
    email = normalise_email(email)
    if not _EMAIL.match(email) or len(email) > 254:
        raise InvalidEdit("Give a valid email address.")
    return email


def check_password_rules(password: str) -> None:
    """Refuse passwords too short to resist guessing."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidEdit(f"Use a password of at least {MIN_PASSWORD_LENGTH} characters.")


def create_user(
    email: str, password: str, role: Role | str, *, now: datetime, actor: User | None = None
) -> User:
    """Add a staff account with an argon2 hash of its password."""
    email = check_email(email)
    try:
        role = Role(role)
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise InvalidEdit(f"Choose one of the roles: {names}.") from None
    check_password_rules(password)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise InvalidEdit("There is already an account with that email.")
    user = User(email=email, password_hash=_hasher.hash(password), role=role, created_at=now)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user_created", "user", user.id, now=now, detail=role.value)
    return user


def user_by_id(user_id: int, *, include_inactive: bool = False) -> User | None:
    """The account with this id; by default only an active one (for the session loader)."""
    user = db.session.get(User, user_id)
    return user if user is not None and (user.active or include_inactive) else None


def user_for_session(session_id: str) -> User | None:
    """The active account a session id (``User.get_id``) stands for, while still current.

    A session made before the account's last sign-out or switch-off names an older epoch
    and opens nothing.
    """
    user_id, sep, epoch = session_id.partition(":")
    if not sep or not user_id.isdigit() or not epoch.isdigit() or len(user_id) > 10:
        return None
    user = user_by_id(int(user_id))
    return user if user is not None and user.session_epoch == int(epoch) else None


def end_sessions(user: User) -> None:
    """End every session of this account, on every device, at its next request."""
    user.session_epoch = (user.session_epoch or 0) + 1
    db.session.flush()


def sign_out(user: User, *, now: datetime) -> None:
    """Signing out ends every session of the account, not only this browser's cookie."""
    end_sessions(user)
    audit.record(user, "signed_out", "user", user.id, now=now)


def users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.email)))


def _failures(column: Mapped[str], key: str, since: datetime) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(LoginFailure)
            .where(column == key, LoginFailure.at > since)
        )
        or 0
    )


@dataclass(frozen=True)
class SignInAttempt:
    """One sign-in, counted against the limits before its password is checked."""

    email: str
    account_key: str
    address_key: str


# Attempts on one account (and from one address) are counted one at a time. On PostgreSQL
# that takes a lock per key, always the account's before the address's, so two attempts
# never wait for each other in a circle; the keys are digests, so 32 bits of one is plenty
# (two keys sharing a lock only wait for each other a moment). SQLite has one writer: the
# attempt's INSERT, the first statement, takes the database's write lock until commit.
_ACCOUNT_LOCKS, _ADDRESS_LOCKS = 1, 2
_LOCK_KEY = text("SELECT pg_advisory_xact_lock(:space, :key)")


def _lock_key(space: int, digest: str) -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        key = int(digest[:8], 16) - 2**31  # a signed 32-bit integer
        db.session.execute(_LOCK_KEY, {"space": space, "key": key})


def begin_sign_in(email: str, *, address: str, now: datetime) -> SignInAttempt:
    """Count a sign-in against the limits, or raise ``SignInThrottled`` after too many.

    The attempt is recorded as a failure now, before its password is checked, and the
    caller commits it before calling ``finish_sign_in``: so a burst of guesses sent at
    once is counted as it arrives, and only the first few of it are ever checked. A
    refused attempt is not recorded (it checks nothing).
    """
    email = normalise_email(email)
    attempt = SignInAttempt(email, _digest(email), _digest(address or "-"))
    _lock_key(_ACCOUNT_LOCKS, attempt.account_key)
    _lock_key(_ADDRESS_LOCKS, attempt.address_key)
    db.session.add(
        LoginFailure(account_key=attempt.account_key, address_key=attempt.address_key, at=now)
    )
    db.session.flush()
    since = now - THROTTLE_WINDOW
    # This attempt is counted in both: it is let through only if it is within the limits.
    if (
        _failures(LoginFailure.account_key, attempt.account_key, since) > MAX_FAILURES_PER_ACCOUNT
        or _failures(LoginFailure.address_key, attempt.address_key, since)
        > MAX_FAILURES_PER_ADDRESS
    ):
        minutes = int(THROTTLE_WINDOW.total_seconds() // 60)
        raise SignInThrottled(f"Too many failed sign-ins. Wait {minutes} minutes, then try again.")
    return attempt


def finish_sign_in(attempt: SignInAttempt, password: str, *, now: datetime) -> User | None:
    """The account the password opens, or None (the attempt then stays a failure).

    Checks the password of an attempt ``begin_sign_in`` let through and that was committed.
    """
    user = db.session.scalar(select(User).where(User.email == attempt.email))
    try:
        _hasher.verify(user.password_hash if user else _dummy_hash(), password)
        ok = user is not None and user.active
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = now
    # A success forgets this account's failures (this attempt among them), and old rows
    # are pruned as we go.
    since = now - THROTTLE_WINDOW
    db.session.execute(
        delete(LoginFailure).where(
            (LoginFailure.account_key == attempt.account_key) | (LoginFailure.at <= since)
        )
    )
    audit.record(user, "signed_in", "user", user.id, now=now)
    return user


def change_account(
    actor: User, user: User, *, role: Role | str, active: bool, now: datetime
) -> None:
    """Change an account's role or switch it off; the console always keeps an active admin."""
    try:
        role = Role(role)
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise InvalidEdit(f"Choose one of the roles: {names}.") from None
    if user.id == actor.id and (role is not user.role or not active):
        raise InvalidEdit("You cannot change your own role or switch off your own account.")
    losing_admin = (
        user.role is Role.ADMIN and user.active and (role is not Role.ADMIN or not active)
    )
    if losing_admin:
        admins = db.session.scalar(
            select(func.count()).where(User.role == Role.ADMIN, User.active.is_(True))
        )
        if (admins or 0) <= 1:
            raise InvalidEdit("Keep at least one active admin.")
    if role is not user.role:
        audit.record(
            actor,
            "user_role_changed",
            "user",
            user.id,
            now=now,
            detail=f"{user.role.value} → {role.value}",
        )
        user.role = role
    if active != user.active:
        audit.record(
            actor, "user_reactivated" if active else "user_deactivated", "user", user.id, now=now
        )
        user.active = active
        if not active:
            # Switched back on later, the account must not find its old sessions working.
            end_sessions(user)
    db.session.flush()
