"""Every other test hashes cheaply (tests/conftest.py); this one holds production's cost."""

from __future__ import annotations

import argon2
import pytest

from consultations import accounts


@pytest.mark.production_password_cost
def test_passwords_are_hashed_at_the_libraries_recommended_argon2id_cost():
    hashed = accounts._hasher.hash("a long test password")
    parameters = argon2.extract_parameters(hashed)
    recommended = argon2.profiles.RFC_9106_LOW_MEMORY
    assert parameters.type is argon2.Type.ID
    assert parameters.time_cost >= recommended.time_cost
    assert parameters.memory_cost >= recommended.memory_cost
    assert parameters.parallelism >= recommended.parallelism


def test_other_tests_hash_cheaply_and_still_verify():
    hashed = accounts._hasher.hash("a long test password")
    assert argon2.extract_parameters(hashed).memory_cost < 8 * 1024
    assert accounts._hasher.verify(hashed, "a long test password")
