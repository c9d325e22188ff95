"""Browser fixtures shared by the journeys and the accessibility checks.

``browser`` is the staff browser test's own (``live_server`` is every test's, from
tests/conftest.py); ``page`` adds a fresh tab
whose final state is saved as a screenshot in tests/artifacts/ when the test fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.staff.test_browser import browser

__all__ = ["ARTIFACTS", "browser", "page"]

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture
def page(request: pytest.FixtureRequest, browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A phone-sized tab (360×640); a test may resize it."""
    tab = browser.new_page(viewport={"width": 360, "height": 640})
    try:
        yield tab
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
            tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        tab.close()
