"""The one database handle, unbound until ``create_app`` calls ``db.init_app(app)``."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import ClassVar, TypeVar

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, Table
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm.exc import StaleDataError

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Every model's base, shared with Flask-SQLAlchemy's ``db`` (same metadata, same registry).

    Models subclass this rather than ``db.Model``, whose type checkers cannot see through.
    """

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # Every model maps one Table (none maps a join or a select), so services may use its
    # columns in Core statements.
    __table__: ClassVar[Table]


db = SQLAlchemy(model_class=Base)

T = TypeVar("T")


class LostRace(Exception):
    """Raised by a service when what it read was changed by a concurrent request.

    ``in_transaction`` rolls back and runs the work again from the start, where it reads
    the world as it is now; nobody outside the transaction ever sees it.
    """


# PostgreSQL's SQLSTATEs for a transaction the server chose to abort so others could go on.
_PG_RETRYABLE = {"40001", "40P01"}  # serialization_failure, deadlock_detected
# SQLite's for a database another connection held too long to wait for.
_SQLITE_RETRYABLE = {"SQLITE_BUSY", "SQLITE_BUSY_SNAPSHOT", "SQLITE_LOCKED"}


def _is_retryable(exc: Exception) -> bool:
    # StaleDataError: a row this transaction loaded was deleted (an erasure) or changed by
    # another before the ORM wrote it back.
    if isinstance(exc, IntegrityError | LostRace | StaleDataError):
        return True
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlstate", None) in _PG_RETRYABLE:
        return True
    if getattr(orig, "sqlite_errorname", None) in _SQLITE_RETRYABLE:
        return True
    # Drivers that name neither: SQLite says "database is locked", PostgreSQL "deadlock
    # detected" or "could not serialize access". All are safe to run again from the start.
    text = str(orig).lower()
    return "locked" in text or "could not serialize" in text or "deadlock" in text


def _pause_before(attempt: int) -> None:
    # Two transactions that lost to each other would meet again if both retried at once.
    # Only spreads retries out in time, so no secret depends on it.
    time.sleep(random.uniform(0, 0.01 * 2**attempt))  # noqa: S311


def in_transaction(work: Callable[[], T], *, attempts: int = 8) -> T:
    """Run ``work`` and commit; on a lost race (unique key, lock) roll back and run it again.

    Services only flush. The edge (one request, one API call, one command) calls this once,
    so two racing submissions end as one stored answer with true counts, never a 500. A
    deadlock or serialization failure is such a race too: the database aborted one side
    so the other could finish, and the aborted side simply runs again.
    """
    for attempt in range(1, attempts + 1):
        try:
            result = work()
            db.session.commit()
            return result
        except (IntegrityError, OperationalError, LostRace, StaleDataError) as exc:
            db.session.rollback()
            if attempt == attempts or not _is_retryable(exc):
                raise
            if not isinstance(exc, IntegrityError):
                _pause_before(attempt)
        except BaseException:
            db.session.rollback()
            raise
    raise AssertionError("unreachable")
