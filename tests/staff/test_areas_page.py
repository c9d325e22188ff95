"""Officers keep the list of areas young people pick from: add, rename, retire."""

from __future__ import annotations

from sqlalchemy import select

from consultations import areas, services
from consultations.db import db
from consultations.models import Participant
from consultations.staff_models import Role
from tests.staff.support import make_user, post, sign_in, text_of

KEY = b"test-pseudonym-key"


def test_an_officer_adds_renames_and_retires_an_area_and_people_keep_theirs(app, client):
    person = services.participant_for("telegram", "1", key=KEY)
    services.update_profile(person, age_band=None, area="Meir Park")
    db.session.commit()
    assert sign_in(client, make_user(Role.OFFICER)).status_code == 303
    listing = text_of(client.get("/staff/areas"))
    assert "ST1" in listing and "Hanley, Shelton" in listing and "Etruria and Hanley" in listing

    added = post(
        client,
        "/staff/areas",
        {"name": "ST7", "kind": "postcode_district", "aliases": "Kidsgrove, Talke"},
        page="/staff/areas",
    )
    assert added.status_code == 303
    assert areas.resolve("talke") == "st7"

    # A name that already means another place is refused, and what was typed stays.
    clash = post(
        client,
        "/staff/areas",
        {"name": "Hanley Town", "kind": "ward", "aliases": "Hanley"},
        page="/staff/areas",
    )
    assert clash.status_code == 422
    page = clash.get_data(as_text=True)
    assert "already means ST1" in page and 'value="Hanley Town"' in page

    path = "/staff/areas/meir-park"
    saved = post(client, path, {"name": "Meir Park and Sandon", "retired": "y"}, page=path)
    assert saved.status_code == 303
    listing = text_of(client.get("/staff/areas"))
    assert "Meir Park and Sandon" in listing and "Retired" in listing
    assert "Meir Park and Sandon" not in [c.name for c in areas.choices()]
    assert db.session.scalar(select(Participant.area)) == "meir-park"


def test_youth_workers_cannot_change_the_list(app, client):
    assert sign_in(client, make_user(Role.YOUTH_WORKER)).status_code == 303
    assert client.get("/staff/areas").status_code == 403


def test_the_areas_command_lists_adds_and_retires(app):
    runner = app.test_cli_runner()
    added = runner.invoke(
        args=["areas", "--add", "ST10", "--kind", "postcode_district", "--alias", "Cheadle"]
    )
    assert added.exit_code == 0, added.output
    assert "Added ST10 (st10)." in added.output and "st10" in added.output
    retired = runner.invoke(args=["areas", "--retire", "st10"])
    assert retired.exit_code == 0 and "st10 " in retired.output and "[retired]" in retired.output
    unknown = runner.invoke(args=["areas", "--retire", "narnia"])
    assert unknown.exit_code == 1 and "There is no area called 'narnia'." in unknown.output
