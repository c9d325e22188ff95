"""The tests share compiled templates between apps (tests/template_cache.py): a new app
must get the compiled code, and an edited template must never come back in its old form."""

from __future__ import annotations

from jinja2 import DictLoader, Environment

from tests.conftest import app_config
from tests.template_cache import SHARED
from webapp import create_app


def test_a_second_app_compiles_no_template_the_first_already_did(monkeypatch, tmp_path):
    first = create_app(app_config(tmp_path / "first", "sqlite://"))
    first.jinja_env.get_template("base.html")
    second = create_app(app_config(tmp_path / "second", "sqlite://"))
    compiled: list[str] = []
    real = second.jinja_env.compile

    def counting(source, name=None, filename=None, raw=False, defer_init=False):  # type: ignore[no-untyped-def]
        compiled.append(name)
        return real(source, name, filename, raw, defer_init)

    monkeypatch.setattr(second.jinja_env, "compile", counting)
    assert second.jinja_env.bytecode_cache is SHARED
    template = second.jinja_env.get_template("base.html")
    assert compiled == [] and template.name == "base.html"


def test_an_edited_template_is_compiled_again():
    before = Environment(
        loader=DictLoader({"t.html": "before {{ x }}"}), bytecode_cache=SHARED, autoescape=True
    )
    assert before.get_template("t.html").render(x=1) == "before 1"
    after = Environment(
        loader=DictLoader({"t.html": "after {{ x }}"}), bytecode_cache=SHARED, autoescape=True
    )
    assert after.get_template("t.html").render(x=2) == "after 2"
