"""Rule files an officer adds in the instance folder are used for answers from any channel."""

from __future__ import annotations

from sqlalchemy import select

from consultations import services
from consultations.db import db
from consultations.moderation import review
from consultations.moderation.models import SafeguardingConcern
from tests.conftest import app_config
from tests.helpers import make_consultation
from tests.moderation.support import api_submit
from webapp import create_app


def test_officers_extra_rule_files_are_used(tmp_path):
    extra = tmp_path / "rules"
    extra.mkdir()
    (extra / "safeguarding.danger.txt").write_text("# a local warning sign\nthe blue van men\n")
    config = app_config(tmp_path, f"sqlite:///{tmp_path / 'rules.db'}")
    config["MODERATION_RULES_DIR"] = str(extra)
    app = create_app(config)
    try:
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
    finally:
        review.use_rules_from(None)
