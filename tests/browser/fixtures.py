"""The browser fixtures live in tests/conftest.py now, for every test; these names stay
importable from here for modules that took them from this file."""

from __future__ import annotations

from tests.conftest import ARTIFACTS, browser, page

__all__ = ["ARTIFACTS", "browser", "page"]
