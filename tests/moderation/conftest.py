"""Moderation tests sign staff in too: the same cheap password hashing as the staff tests."""

from __future__ import annotations

from tests.staff.conftest import cheap_password_hashing

__all__ = ["cheap_password_hashing"]
