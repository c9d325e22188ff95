"""Staff tests hash passwords with a cheap argon2 cost; production keeps the library's default."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from consultations import accounts


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
