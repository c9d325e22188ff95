"""Unit tests: pure code, no database, no server, no browser.

A test here that asks for a fixture that opens a database or a port fails at collection, so
the layer stays fast and runs anywhere (``pytest tests/unit`` takes seconds).
"""

from __future__ import annotations

import pytest

OUTSIDE_THE_UNIT_LAYER = {
    "app",
    "client",
    "api",
    "engine_name",
    "live_server",
    "pg_database",
    "pg_template",
    "sqlite_template",
    "browser",
    "page",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/unit/" not in item.nodeid:
            continue
        wanted = OUTSIDE_THE_UNIT_LAYER.intersection(getattr(item, "fixturenames", ()))
        if wanted:
            raise pytest.UsageError(
                f"{item.nodeid} is a unit test but asks for {sorted(wanted)}: "
                "put it beside the code it tests instead (see tests/README.md)"
            )
