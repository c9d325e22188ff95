"""The one database handle, unbound until ``create_app`` calls ``db.init_app(app)``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

T = TypeVar("T")


def _is_retryable(exc: Exception) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    # SQLite reports a lost write race as "database is locked"; PostgreSQL as a
    # serialization failure. Both are safe to run again from the start.
    text = str(getattr(exc, "orig", exc)).lower()
    return "locked" in text or "could not serialize" in text or "deadlock" in text


def in_transaction(work: Callable[[], T], *, attempts: int = 5) -> T:
    """Run ``work`` and commit; on a lost race (unique key, lock) roll back and run it again.

    Services only flush. The edge (one request, one API call, one command) calls this once,
    so two racing submissions end as one stored answer with true counts, never a 500.
    """
    for attempt in range(1, attempts + 1):
        try:
            result = work()
            db.session.commit()
            return result
        except (IntegrityError, OperationalError) as exc:
            db.session.rollback()
            if attempt == attempts or not _is_retryable(exc):
                raise
        except BaseException:
            db.session.rollback()
            raise
    raise AssertionError("unreachable")
