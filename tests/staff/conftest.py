"""Staff tests hash passwords cheaply, as every test does now (tests/conftest.py).

The name stays importable from here for conftests that took it from the staff tests.
"""

from __future__ import annotations

from tests.conftest import cheap_password_hashing

__all__ = ["cheap_password_hashing"]
