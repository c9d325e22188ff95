"""Tension signals counted by area and ISO week, with small counts never given exactly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from consultations import services
from consultations.db import db
from consultations.moderation import review
from consultations.moderation.models import TensionSignal
from consultations.staff_models import Role
from tests.helpers import make_consultation, now
from tests.moderation.support import CLEAN, TENSION, web_submit
from tests.staff.support import make_user, page, sign_in

KEY = b"test-pseudonym-key"
FEAR = "I dont feel safe walking through the park at night"


def _say(consultation, uid: str, text: str, *, area: str | None, when: datetime) -> None:  # type: ignore[no-untyped-def]
    person = services.participant_for("telegram", uid, key=KEY)
    services.update_profile(person, age_band=None, area=area)
    free = consultation.questions[-1]
    services.submit(
        consultation,
        person,
        [services.AnswerInput(free.id, text=text)],
        channel="telegram",
        now=when,
    )
    db.session.commit()


def test_iso_weeks_run_monday_to_sunday():
    assert review.iso_week(datetime(2026, 11, 29, 23, 0, tzinfo=UTC)) == "2026-W48"
    assert review.iso_week(datetime(2026, 11, 30, 0, 0, tzinfo=UTC)) == "2026-W49"
    assert review.iso_week(datetime(2027, 1, 1, tzinfo=UTC)) == "2026-W53"


def test_signals_are_counted_by_area_and_week_and_small_groups_are_hidden(app):
    c = make_consultation()
    c.opens_at = now() - timedelta(days=30)
    db.session.commit()
    this_week, last_week = now(), now() - timedelta(days=7)
    for n in range(6):
        # Spelt differently, the same area counts as one.
        _say(c, f"st4-{n}", TENSION, area="ST4" if n % 2 else " st4 ", when=this_week)
    for n in range(2):
        _say(c, f"hanley-{n}", FEAR, area="Hanley", when=this_week)
    _say(c, "nowhere", TENSION, area=None, when=this_week)
    for n in range(5):
        _say(c, f"old-{n}", FEAR, area="Hanley", when=last_week)
    _say(c, "calm", CLEAN, area="ST4", when=this_week)

    report = review.tension_report(threshold=5, now=this_week)
    names = report.categories
    hostility = names.index("hostility between groups")
    fear = names.index("fear of a place or area")
    rows = {(r.week, r.area.casefold()): r for r in report.rows}
    now_week, old_week = review.iso_week(this_week), review.iso_week(last_week)
    assert set(rows) == {
        (now_week, "st4"),
        (now_week, "st1"),
        (now_week, "area not given"),
        (old_week, "st1"),
    }
    st4 = rows[(now_week, "st4")]
    assert st4.counts[hostility] == "6" and st4.total == "6"
    assert st4.counts[fear] == "0"
    # "Hanley" is one of ST1's other names on the council's list: counted as ST1.
    hanley = rows[(now_week, "st1")]
    assert hanley.counts[fear] == "not shown" and hanley.total == "fewer than 5"
    assert rows[(now_week, "area not given")].total == "fewer than 5"
    assert rows[(old_week, "st1")].counts[fear] == "5"
    # Newest week first.
    assert report.rows[0].week == now_week and report.rows[-1].week == old_week


def test_replacing_an_answer_replaces_its_signal(app):
    c = make_consultation()
    _say(c, "1", TENSION, area="ST4", when=now())
    _say(c, "1", CLEAN, area="ST4", when=now())
    assert db.session.scalars(select(TensionSignal)).all() == []


def test_the_monitor_page_shows_counts_to_officers(client, app):
    c = make_consultation()
    web_submit(client, c, TENSION, area="Meir North")
    officer = app.test_client()
    assert sign_in(officer, make_user(Role.OFFICER)).status_code == 303
    shown = page(officer, "/staff/tension")
    assert "Meir North" in shown and "fewer than 5" in shown
    assert review.iso_week(now()) in shown
    assert "asian lads" not in shown
