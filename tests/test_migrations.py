"""The schema comes from migrations: empty to head on both engines, and no drift from the models."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from consultations.db import db
from consultations.models import Theme
from tests.conftest import ENGINES, app_config, fresh_pg_database
from webapp import create_app


@pytest.fixture(params=ENGINES)
def empty_database(request, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.db'}"
    else:
        with fresh_pg_database() as url:
            yield url


def test_upgrade_from_empty_to_head_matches_the_models(empty_database, tmp_path):
    app = create_app(app_config(tmp_path, empty_database))
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"consultation", "question", "option", "answer", "participant"} <= tables
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": True}
            )
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_init_db_migrates_and_seeds_the_six_priorities(empty_database, tmp_path):
    app = create_app(app_config(tmp_path, empty_database))
    runner = app.test_cli_runner()
    for _ in range(2):  # running it twice is harmless
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
    with app.app_context():
        keys = list(db.session.scalars(select(Theme.key).order_by(Theme.position)))
        assert keys == [
            "tensions",
            "disadvantage",
            "communication",
            "culture",
            "engagement",
            "young_people",
        ]
        db.session.remove()
        db.engine.dispose()


def test_free_text_areas_move_to_the_list_and_the_rest_are_cleared(empty_database, tmp_path):
    app = create_app(app_config(tmp_path, empty_database))
    with app.app_context():
        upgrade(revision="0014_scheduler")
        given = {
            "a": "Hanley",
            "b": " st1 ",
            "c": "ST6",
            "d": "st4 7qb",
            "e": "meir  north",
            "f": "prefer_not_to_say",
            "g": "somewhere near the shops",
            "h": None,
        }
        with db.engine.begin() as conn:
            for name, area in given.items():
                conn.execute(
                    text(
                        "INSERT INTO participant (pseudonym, channel, area, is_demo, created_at) "
                        "VALUES (:p, 'web', :a, false, CURRENT_TIMESTAMP)"
                    ),
                    {"p": name, "a": area},
                )
        upgrade()
        with db.engine.connect() as conn:
            moved = dict(conn.execute(text("SELECT pseudonym, area FROM participant")).all())
            # The list is there for the reference to point to, with its one non-place.
            kinds = dict(conn.execute(text("SELECT key, kind FROM area")).all())
        assert moved == {
            "a": "st1",
            "b": "st1",
            "c": "st6",
            "d": "st4",
            "e": "meir-north",
            "f": "prefer_not_to_say",
            "g": None,
            "h": None,
        }
        assert kinds["prefer_not_to_say"] == "withheld" and kinds["st1"] == "postcode_district"
        assert kinds["etruria-and-hanley"] == "ward"
        # A participant's area is a reference now: a value off the list is refused.
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(text("UPDATE participant SET area = 'narnia' WHERE pseudonym = 'a'"))
        downgrade(revision="0014_scheduler")
        with db.engine.connect() as conn:
            back = dict(conn.execute(text("SELECT pseudonym, area FROM participant")).all())
        assert back["a"] == "ST1" and back["f"] == "prefer_not_to_say" and back["g"] is None
        downgrade(revision="base")
        db.engine.dispose()
