"""Rule files an officer adds in the instance folder are used for answers from any channel."""

from __future__ import annotations

from sqlalchemy import select

from consultations import services
from consultations.db import db
from consultations.moderation.engine import moderate
from consultations.moderation.models import SafeguardingConcern
from tests.conftest import app_config
from tests.helpers import make_consultation
from tests.moderation.support import api_submit
from webapp import create_app
from webapp.moderation_rules import KEY as RULES_KEY


def test_officers_extra_rule_files_are_used(tmp_path):
    extra = tmp_path / "rules"
    extra.mkdir()
    (extra / "safeguarding.danger.txt").write_text("# a local warning sign\nthe blue van men\n")
    config = app_config(tmp_path, f"sqlite:///{tmp_path / 'rules.db'}")
    config["MODERATION_RULES_DIR"] = str(extra)
    app = create_app(config)
    with app.app_context():
        db.create_all()
        services.seed_reference_data()
        db.session.commit()
        c = make_consultation()
        response = api_submit(app.test_client(), c, "the blue van men were outside again")
        assert response.json["support"]["safeguarding"] is True
        assert db.session.scalar(select(SafeguardingConcern.categories)) == "danger"
        db.session.remove()
        db.engine.dispose()


def test_one_apps_rule_files_are_not_another_apps(tmp_path):
    """The rules belong to the app that read them: a second app in the process has its own."""
    extra = tmp_path / "rules"
    extra.mkdir()
    (extra / "safeguarding.danger.txt").write_text("the blue van men\n")
    with_extra = app_config(tmp_path / "a", f"sqlite:///{tmp_path / 'a.db'}")
    with_extra["MODERATION_RULES_DIR"] = str(extra)
    shipped = app_config(tmp_path / "b", f"sqlite:///{tmp_path / 'b.db'}")
    first, second = create_app(with_extra), create_app(shipped)
    text = "the blue van men were outside again"
    assert moderate(text, rules=first.extensions[RULES_KEY]).safeguarding
    assert not moderate(text, rules=second.extensions[RULES_KEY]).safeguarding
