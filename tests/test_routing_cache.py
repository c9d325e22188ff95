"""The tests share compiled URL builders between apps (tests/routing_cache.py): every URL
must come out exactly as Werkzeug's own builders make it."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import Rule

from tests import routing_cache
from tests.conftest import app_config
from webapp import create_app

SAMPLES: dict[str, Any] = {
    "DatabaseIntConverter": 7,
    "IntegerConverter": 7,
    "PathConverter": "a/b c",
    "UnicodeConverter": "x y",
}


def _app(tmp_path):  # type: ignore[no-untyped-def]
    return create_app(app_config(tmp_path, "sqlite://"))


def test_the_cache_is_in_use_for_this_werkzeug():
    # Failing here means Werkzeug renamed what the cache replaces: the tests still pass,
    # only slower; mend routing_cache.py for the new release.
    assert Rule._compile_builder is routing_cache._shared_builder


def test_two_apps_share_each_routes_builder(tmp_path):
    first, second = _app(tmp_path / "first"), _app(tmp_path / "second")
    rules = {r.endpoint: r for r in first.url_map.iter_rules()}
    for rule in second.url_map.iter_rules():
        assert rule._build.__func__ is rules[rule.endpoint]._build.__func__


def test_every_route_builds_the_url_werkzeug_itself_would(tmp_path):
    app = _app(tmp_path)
    original = routing_cache._ORIGINAL
    assert original is not None
    for rule in app.url_map.iter_rules():
        values = {name: SAMPLES[type(c).__qualname__] for name, c in rule._converters.items()}
        for unknown in (False, True):
            shared = (rule._build_unknown if unknown else rule._build)(**values, lang="pl")
            own = original(rule, unknown).__get__(rule, None)(**values, lang="pl")
            assert shared == own, rule.rule
