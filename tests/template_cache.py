"""Each template compiled once per test run, not once per test's app.

Every test makes its own app, and each app's Jinja environment parses and compiles every
template it renders afresh: a fifth of the CPU of a run of the page tests went there. Jinja
can keep compiled templates in a bytecode cache; one in memory, shared by every app of the
run, hands each new app the compiled code (checked against the template's source, so an
edited template is compiled again). Every app of a run sets up Jinja the same way
(``create_app``), which such a cache needs.

Production makes one app per process, whose environment keeps its compiled templates
anyway, and never gets here.
"""

from __future__ import annotations

from flask import Flask
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket


class SharedBytecode(BytecodeCache):
    """Compiled templates in memory, for every Jinja environment of the process."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        found = self.compiled.get(bucket.key)
        if found is not None:
            bucket.bytecode_from_string(found)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


SHARED = SharedBytecode()


def share_compiled_templates() -> None:
    """Every Flask app made from now on in this process uses the shared cache."""
    Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": SHARED}
