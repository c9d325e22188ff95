"""An attacker who subtracts: every table split by group, read as its readers read it.

For each surface (the staff and forum results pages, the partnership report as CSV, JSON
and PDF, the tension monitor) the test builds answers from groups of every size, scrapes
the figures shown, and does what a curious reader would: take the groups shown from the
totals shown (on the page, or from the API's open totals) and see what is left. What is
left must never be the answers or the size of a group of fewer than the threshold: either
nothing is hidden, or the hidden groups together are at least the threshold, and more
people than groups (a listed group holds at least one, so "as many people as groups" would
mean one each).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from html import unescape
from itertools import count
from typing import Any

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from werkzeug.test import TestResponse

from consultations import services
from consultations.db import db
from consultations.models import AGE_BANDS, PREFER_NOT_TO_SAY, Consultation
from consultations.moderation import review
from consultations.moderation.models import TensionSignal
from consultations.staff_models import Role
from tests.conftest import CHANNEL_TOKENS
from tests.helpers import make_consultation, now
from tests.staff.support import make_user, sign_in

KEY = b"test-pseudonym-key"
BANDS = ["11-13", "14-15", "16-17", "18-21", PREFER_NOT_TO_SAY, None]
# Names from the council's list, as the results show them.
AREAS = ["ST1", "Meir North", "Tunstall", PREFER_NOT_TO_SAY, None]
CHANNELS = ["telegram", "web", "rasa"]
DIMENSIONS = ("age_band", "area", "channel")

ATTACK = settings(
    max_examples=15,
    deadline=None,
    # One app and database per test; every example makes its own consultation.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_serial = count(1)


@dataclass(frozen=True)
class Person:
    band: str | None
    area: str | None
    channel: str
    day: int  # option of "Which day is best?"
    doing: frozenset[int]  # options of "What would you do there?"
    keen: int  # 1..5 on "How much do you want it?"

    def group(self, dimension: str) -> str:
        value = {"age_band": self.band, "area": self.area, "channel": self.channel}[dimension]
        if value is None:
            return "Not given"
        if value == PREFER_NOT_TO_SAY:
            return "Prefer not to say"
        return AGE_BANDS.get(value, value) if dimension == "age_band" else value

    def picks(self, question: int) -> list[int]:
        """Option positions picked on question 0, 1 or 2."""
        return [[self.day], sorted(self.doing), [self.keen - 1]][question]


@st.composite
def crowds(draw: st.DrawFn) -> list[Person]:
    """People in groups of every size from none to a few over the threshold."""
    sizes = draw(st.lists(st.integers(0, 7), min_size=len(BANDS), max_size=len(BANDS)))
    return [
        Person(
            band,
            draw(st.sampled_from(AREAS)),
            draw(st.sampled_from(CHANNELS)),
            draw(st.integers(0, 2)),
            draw(st.frozensets(st.integers(0, 3), min_size=1, max_size=2)),
            draw(st.integers(1, 5)),
        )
        for band, n in zip(BANDS, sizes, strict=True)
        for _ in range(n)
    ]


def _p(band: str | None, area: str | None, channel: str, day: int = 0) -> Person:
    return Person(band, area, channel, day, frozenset({day}), day + 1)


# The demo's finding: one person on the web among many on Telegram, aged 14-15 and from
# ST4 beside others big enough to be shown.
ONE_ON_THE_WEB = (
    [_p("14-15", "ST1", "telegram", n % 3) for n in range(6)]
    + [_p("16-17", "ST3", "telegram", 1) for _ in range(5)]
    + [_p("18-21", "ST4", "web", 2)]
)
FIVE_AND_FOUR = [_p("14-15", "ST1", "telegram", 0) for _ in range(5)] + [
    _p("16-17", "ST1", "telegram", 1) for _ in range(4)
]


def _answer(consultation: Consultation, crowd: list[Person]) -> None:
    single, multi, scale, _free = consultation.questions
    batch = next(_serial)
    for n, person in enumerate(crowd):
        who = services.participant_for(person.channel, f"{batch}-{n}", key=KEY)
        services.update_profile(who, age_band=person.band, area=person.area)
        services.submit_answers(
            consultation,
            who,
            [
                services.AnswerInput(single.id, option_ids=[single.options[person.day].id]),
                services.AnswerInput(
                    multi.id, option_ids=[multi.options[i].id for i in sorted(person.doing)]
                ),
                services.AnswerInput(scale.id, value=person.keen),
            ],
            channel=person.channel,
            now=now(),
        )
    db.session.commit()


# --- reading the pages as text ----------------------------------------------------------


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _rows(table: str) -> list[list[str]]:
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    return [[_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)] for r in rows]


@dataclass
class Table:
    """One table split by group, as a reader has it."""

    where: str
    totals: list[int]  # people, then each option's count; people only for participation
    shown: dict[str, list[int]]
    note: str


def _first_number(cell: str) -> int:
    number = re.match(r"\d+", cell)
    assert number, cell
    return int(number.group())


def _results_tables(html: str, where: str) -> list[Table]:
    tables = []
    sections = re.findall(
        r'<section class="result" aria-labelledby="q\d+-title">(.*?)</section>', html, re.S
    )
    for section in sections:
        found = re.findall(r'<table class="counts">(.*?)</table>', section, re.S)
        if not found:
            continue  # a written-answer question: no counts, no split
        hint = re.search(r'<p class="hint">(.*?)</p>', section, re.S)
        assert hint, "each question says how many answered"
        answered = _first_number(_text(hint.group(1)))
        totals = [answered] + [_first_number(r[1]) for r in _rows(found[0])[1:]]
        shown = {}
        if len(found) > 1:
            for row in _rows(found[1])[1:]:
                shown[row[0]] = [_first_number(c) for c in row[1:]]
        note = re.search(r'<details class="breakdown".*?<p class="note">(.*?)</p>', section, re.S)
        tables.append(Table(where, totals, shown, _text(note.group(1)) if note else ""))
    return tables


# --- the attacker -------------------------------------------------------------------------


def _said(note: str) -> tuple[int | None, int | None]:
    """How many groups the words say are hidden, and how many people they hold."""
    groups = re.search(r"(\d+) groups? (?:is|are) (?:not shown|hidden)", note)
    people = re.search(r"[Tt]ogether they are (\d+) (?:person|people)", note)
    return (int(groups.group(1)) if groups else None, int(people.group(1)) if people else None)


def subtraction_finds(table: Table, threshold: int) -> list[str]:
    """What taking the shown groups from the totals gives away, in words; empty if nothing."""
    if not table.shown:
        return []  # nothing split out: what is left is the whole, shown anyway
    left = [
        total - sum(row[i] for row in table.shown.values()) for i, total in enumerate(table.totals)
    ]
    people = left[0]
    found = []
    if 0 < people < threshold:
        found.append(f"{table.where}: the hidden groups are {people} people, answering {left[1:]}")
    groups, said_people = _said(table.note)
    if groups is not None and people == groups:
        found.append(f"{table.where}: {groups} hidden groups of {people} people, one each")
    if said_people is not None and said_people != people:
        found.append(f"{table.where}: the words say {said_people} hidden, the sums {people}")
    if people and not table.note:
        found.append(f"{table.where}: {people} people left out without a word")
    return found


def _truth(
    crowd: list[Person], dimension: str, question: int | None, options: int
) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for person in crowd:
        row = out.setdefault(person.group(dimension), [0] * (1 + options))
        row[0] += 1
        if question is not None:
            for i in person.picks(question):
                row[1 + i] += 1
    return out


def _honest(table: Table, truth: dict[str, list[int]], threshold: int) -> None:
    """The figures shown are the real ones, and no group under the threshold is among them."""
    for name, row in table.shown.items():
        assert truth[name] == row, (table.where, name)
        assert row[0] >= threshold, (table.where, name)


# --- every results page and the API behind the forum's totals ------------------------------


@dataclass
class Readers:
    officer: FlaskClient
    member: FlaskClient

    def get(self, who: str, path: str, **query: str) -> TestResponse:
        # One app context serves the whole test, and Flask-Login keeps the signed-in user on
        # ``g``: each request must find its own client's user.
        g.pop("_login_user", None)
        return getattr(self, who).get(path, query_string=query)


@pytest.fixture
def readers(app: Flask) -> Readers:
    """An officer and a youth forum member, signed in once for all of a test's examples."""
    clients = []
    for role in (Role.OFFICER, Role.FORUM_MEMBER):
        client = app.test_client()
        g.pop("_login_user", None)
        g.pop("csrf_token", None)
        assert sign_in(client, make_user(role)).status_code == 303
        clients.append(client)
    return Readers(*clients)


@given(crowd=crowds(), threshold=st.integers(2, 6))
@example(crowd=ONE_ON_THE_WEB, threshold=5)
@example(crowd=FIVE_AND_FOUR, threshold=5)
@ATTACK
def test_no_results_page_report_or_api_gives_a_small_group_away_by_subtraction(
    app, readers, crowd, threshold
):
    app.config["SMALL_GROUP_THRESHOLD"] = threshold
    consultation = make_consultation()
    _answer(consultation, crowd)
    api = app.test_client().get(
        f"/api/v1/consultations/{consultation.slug}/results",
        headers={"Authorization": f"Bearer {CHANNEL_TOKENS['telegram']}"},
    )
    open_totals = [
        [q["answers"]] + [o["count"] for o in q["options"]] for q in api.get_json()["questions"]
    ]
    # The API gives totals only: no group's name is anywhere in it.
    for name in {p.group(d) for p in crowd for d in DIMENSIONS} - set(CHANNELS):
        assert name not in api.get_data(as_text=True)

    found: list[str] = []
    for dimension in DIMENSIONS:
        for who, path in (("officer", "/staff"), ("member", "/forum")):
            html = readers.get(
                who, f"{path}/consultations/{consultation.id}/results", by=dimension
            ).get_data(as_text=True)
            tables = _results_tables(html, f"{path} results by {dimension}")
            assert len(tables) == 3
            for question, table in enumerate(tables):
                # The page's totals are the open ones, so either serves the subtraction.
                assert table.totals == open_totals[question]
                options = len(table.totals) - 1
                _honest(table, _truth(crowd, dimension, question, options), threshold)
                found += subtraction_finds(table, threshold)

    report = {"consultation": consultation.slug}
    as_csv = readers.get("officer", "/staff/reports", **report, format="csv")
    as_json = readers.get("officer", "/staff/reports", **report, format="json")
    for table in _csv_tables(as_csv.get_data(as_text=True)) + _json_tables(as_json.get_json()):
        dimension = table.where.rsplit(" ", 1)[-1]
        _honest(table, _truth(crowd, dimension, None, 0), threshold)
        found += subtraction_finds(table, threshold)
    assert found == []


def _csv_tables(text: str) -> list[Table]:
    rows = list(csv.reader(io.StringIO(text)))
    everyone = next(int(r[3]) for r in rows if r[:3] == ["participation", "all", "young people"])
    tables = []
    for dimension in DIMENSIONS:
        mine = [r for r in rows if r[0] == "participation" and r[1] == dimension]
        shown = {r[2]: [int(r[3])] for r in mine if r[2] != "hidden groups"}
        note = " ".join(r[4] for r in mine if r[2] == "hidden groups")
        tables.append(Table(f"report csv {dimension}", [everyone], shown, note))
    return tables


def _json_tables(report: dict[str, Any]) -> list[Table]:
    tables = []
    for split in report["splits"]:
        shown = {g["name"]: [g["people"]] for g in split["groups"]}
        words = split["hidden_people_note"]
        if split.get("hidden_people"):
            # The numbers stand on their own too, not only inside the words.
            assert f"Together they are {split['hidden_people']} people" in words
            assert f"{split['hidden_groups']} groups" in words
        tables.append(
            Table(f"report json {split['dimension']}", [report["participants"]], shown, words)
        )
    return tables


# --- the PDF, read back as text -----------------------------------------------------------


def _pdf_tables(body: bytes, crowd: list[Person]) -> list[Table]:
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(body)).pages
    )
    # Letters kerned apart by the PDF ("T ogether") are joined back.
    text = re.sub(r"\bT ogether\b", "Together", text)
    took_part = re.search(r"(\d+) young (?:person|people) took part", text)
    assert took_part, "the report says how many took part"
    everyone = int(took_part.group(1))
    tables = []
    headings = {"age_band": "By age band", "area": "By area", "channel": "By channel"}
    for dimension, heading in headings.items():
        start = text.index(heading) + len(heading)
        ends = [text.find(h, start) for h in (*headings.values(), "Strategy indicators")]
        part = text[start : min(e for e in ends if e > 0)]
        shown = {}
        for name in sorted({p.group(dimension) for p in crowd}, key=len, reverse=True):
            hit = re.search(rf"(?:^|People |\d ){re.escape(name)} (\d+)", part)
            if hit:
                shown[name] = [int(hit.group(1))]
        # The words under the table, if any: a name the parse missed then shows up as
        # people left out without a word, or as words and sums that disagree.
        words = re.search(r"(?:\d+ groups? (?:is|are) |No group ).*", part)
        note = words.group() if words else ""
        tables.append(Table(f"report pdf {dimension}", [everyone], shown, note))
    return tables


@given(crowd=crowds(), threshold=st.integers(3, 5))
@example(crowd=ONE_ON_THE_WEB, threshold=5)
@settings(parent=ATTACK, max_examples=4)
def test_the_pdf_report_gives_no_small_group_away_by_subtraction(app, readers, crowd, threshold):
    app.config["SMALL_GROUP_THRESHOLD"] = threshold
    consultation = make_consultation()
    _answer(consultation, crowd)
    pdf = readers.get("officer", "/staff/reports", consultation=consultation.slug, format="pdf")
    assert pdf.status_code == 200
    found = []
    for table in _pdf_tables(pdf.data, crowd):
        dimension = table.where.rsplit(" ", 1)[-1]
        _honest(table, _truth(crowd, dimension, None, 0), threshold)
        found += subtraction_finds(table, threshold)
    assert found == []


# --- the tension monitor: every category named, zeros shown -------------------------------


@given(
    rows=st.lists(st.lists(st.integers(0, 7), min_size=3, max_size=3), min_size=1, max_size=3),
    threshold=st.integers(2, 6),
)
@example(rows=[[6, 0, 1]], threshold=5)  # six and "fewer than 5" beside a total of 7
@example(rows=[[1, 1, 1]], threshold=3)  # a total of 3 would say one each
@ATTACK
def test_the_tension_monitor_gives_no_small_count_away_by_subtraction(
    app, readers, rows, threshold
):
    app.config["SMALL_GROUP_THRESHOLD"] = threshold
    week = review.iso_week(now())
    batch = next(_serial)
    areas = [f"Ward {batch} {chr(65 + i)}" for i in range(len(rows))]
    for area, counts in zip(areas, rows, strict=True):
        for kind, n in zip(review.TENSION_KINDS, counts, strict=True):
            db.session.add_all(TensionSignal(category=kind, area=area, week=week) for _ in range(n))
    db.session.commit()
    html = readers.get("officer", "/staff/tension").get_data(as_text=True)
    table = re.search(r'<table class="list">(.*?)</table>', html, re.S)
    shown = {r[1]: r for r in _rows(table.group(1))[1:]} if table else {}
    found, labels = [], []
    for area, counts in zip(areas, rows, strict=True):
        if not any(counts):
            assert area not in shown
            continue
        cells, total = shown[area][2:-1], shown[area][-1]
        assert len(cells) == len(counts)
        for cell, n in zip(cells, counts, strict=True):
            if cell.isdigit():
                assert int(cell) == n and (n == 0 or n >= threshold)
            elif cell != "not shown":
                labels.append(cell)  # "fewer than 5" is a bound the others can be taken from
        found += _tension_finds(area, cells, total, threshold)
    assert found == []
    assert labels == []


def _tension_finds(area: str, cells: list[str], total: str, threshold: int) -> list[str]:
    """What a reader can pin down in one row: hidden cells hold one or more each."""
    hidden = [cell for cell in cells if not cell.isdigit()]
    if not hidden or total == "not shown":
        return []
    k = len(hidden)
    shown_sum = sum(int(c) for c in cells if c.isdigit())
    if total.isdigit():
        low = high = int(total) - shown_sum
    else:
        assert total == f"fewer than {threshold}", total
        low, high = k, threshold - 1 - shown_sum
    found = []
    if low == high and 0 < low < threshold and shown_sum:
        found.append(f"{area}: the hidden cells are {low} signals")
    if k == 1 and low == high:
        found.append(f"{area}: the one hidden cell is {low}")
    if k > 1 and high - (k - 1) == 1:
        found.append(f"{area}: {k} hidden cells adding up to at most {high}, one each")
    return found
