"""One compiled URL builder per route for the whole test run, instead of one per app.

Every test makes its own app (``create_app`` with its own database and instance folder),
and nine tenths of ``create_app`` is Werkzeug compiling, for each of the app's routes, two
small Python functions that build its URLs: about 60 ms an app on a quiet machine, some
two minutes over a run on both engines. The functions depend only on the route's parts and
defaults, which are the same in every app, so the run compiles each once and shares it.

Production makes one app per process and never gets here. The cache leans on a private
Werkzeug method; if a Werkzeug release renames it, ``share_url_builders`` leaves Werkzeug
alone (the tests are then slower, never wrong), and ``tests/test_routing_cache.py``
says so by failing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule

_ORIGINAL: Callable[..., Any] | None = getattr(Rule, "_compile_builder", None)
_BUILT: dict[tuple[Any, ...], Callable[..., Any]] = {}


def _key(rule: Rule, append_unknown: bool) -> tuple[Any, ...]:
    # Everything the compiled function is made from: the parts (static text and variable
    # names, in order), the defaults (a default for a variable becomes text, through its
    # converter) and which converter each variable has.
    converters = tuple(sorted((name, type(c).__qualname__) for name, c in rule._converters.items()))
    defaults = tuple(sorted((str(k), repr(v)) for k, v in (rule.defaults or {}).items()))
    return (rule.rule, tuple(rule._trace), defaults, converters, append_unknown)


def _shared_builder(self: Rule, append_unknown: bool = True) -> Callable[..., Any]:
    assert _ORIGINAL is not None
    key = _key(self, append_unknown)
    built = _BUILT.get(key)
    if built is None:
        built = _BUILT[key] = _ORIGINAL(self, append_unknown)
    return built


def share_url_builders() -> None:
    """Share compiled builders between apps, where this Werkzeug has the method to replace."""
    if _ORIGINAL is not None:
        Rule._compile_builder = _shared_builder  # type: ignore[method-assign]
