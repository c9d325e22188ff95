"""Staff accounts: argon2 passwords, roles and sign-in throttling kept in the database."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select

from consultations import audit
from consultations.db import db
from consultations.errors import InvalidAnswer, SignInThrottled
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
    """The email as it is stored, or ``InvalidAnswer``: the one rule for the form and the CLI."""
    email = normalise_email(email)
    if not _EMAIL.match(email) or len(email) > 254:
        raise InvalidAnswer("Give a valid email address.")
    return email


def check_password_rules(password: str) -> None:
    """Refuse passwords too short to resist guessing."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidAnswer(f"Use a password of at least {MIN_PASSWORD_LENGTH} characters.")


def create_user(
    email: str, password: str, role: Role | str, *, now: datetime, actor: User | None = None
) -> User:
    """Add a staff account with an argon2 hash of its password."""
    email = check_email(email)
    try:
        role = Role(role)
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise InvalidAnswer(f"Choose one of the roles: {names}.") from None
    check_password_rules(password)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise InvalidAnswer("There is already an account with that email.")
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


def _failures(column: object, key: str, since: datetime) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(LoginFailure)
            .where(column == key, LoginFailure.at > since)
        )
        or 0
    )


def sign_in(email: str, password: str, *, address: str, now: datetime) -> User | None:
    """The account these credentials open, or None (and the failure noted, so keep it).

    Raises ``SignInThrottled`` after repeated failures, even for the right password.
    """
    account_key, address_key = _digest(normalise_email(email)), _digest(address or "-")
    since = now - THROTTLE_WINDOW
    if (
        _failures(LoginFailure.account_key, account_key, since) >= MAX_FAILURES_PER_ACCOUNT
        or _failures(LoginFailure.address_key, address_key, since) >= MAX_FAILURES_PER_ADDRESS
    ):
        minutes = int(THROTTLE_WINDOW.total_seconds() // 60)
        raise SignInThrottled(f"Too many failed sign-ins. Wait {minutes} minutes, then try again.")
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    try:
        _hasher.verify(user.password_hash if user else _dummy_hash(), password)
        ok = user is not None and user.active
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None:
        db.session.add(LoginFailure(account_key=account_key, address_key=address_key, at=now))
        db.session.flush()
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = now
    # A success forgets this account's failures, and old rows are pruned as we go.
    db.session.execute(
        delete(LoginFailure).where(
            (LoginFailure.account_key == account_key) | (LoginFailure.at <= since)
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
        raise InvalidAnswer(f"Choose one of the roles: {names}.") from None
    if user.id == actor.id and (role is not user.role or not active):
        raise InvalidAnswer("You cannot change your own role or switch off your own account.")
    losing_admin = (
        user.role is Role.ADMIN and user.active and (role is not Role.ADMIN or not active)
    )
    if losing_admin:
        admins = db.session.scalar(
            select(func.count()).where(User.role == Role.ADMIN, User.active.is_(True))
        )
        if (admins or 0) <= 1:
            raise InvalidAnswer("Keep at least one active admin.")
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
