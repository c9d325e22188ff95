"""The council's list of areas, and how what someone types becomes one entry of it.

How areas are counted: a young person chooses one entry, a ward or a postcode district,
and is counted once, in that entry and nowhere else. Wards and postcode districts overlap
without nesting (a ward can straddle two districts), so neither is rolled up into the other:
a table split by area lists the wards and districts people chose, side by side. Other names
for a place are aliases of exactly one entry ("Hanley" is ST1), so "hanley", "Hanley " and
"st1" are one group. Typing is forgiving (case, spaces, a full postcode's first half); text
that matches nothing is refused with a plain sentence naming a few entries to pick from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.sql.elements import ColumnElement

from consultations import audit, words
from consultations.db import db
from consultations.errors import InvalidEdit, NotFound
from consultations.models import PREFER_NOT_TO_SAY, Area, AreaKind, Participant
from consultations.staff_models import User
from consultations.stoke_areas import POSTCODE_DISTRICTS, WARDS

WITHHELD_NAME = "Prefer not to say"
NAME_MAX = 80
KEY_MAX = 40
# "ST4 7QB" or "st47qb": the district is the part before the last three characters.
_FULL_POSTCODE = re.compile(r"^([a-z]{1,2}\d[a-z\d]?)\s*\d[a-z]{2}$")


def normalise(text: str) -> str:
    """How typed names are compared: case, spaces and the apostrophe's shape do not matter."""
    return " ".join(text.replace("\u2019", "'").replace("\x00", "").split()).casefold()


def key_for(name: str) -> str:
    """A list key made from a name: "Meir North" → "meir-north", "ST4" → "st4"."""
    return re.sub(r"[^a-z0-9]+", "-", normalise(name)).strip("-")[:KEY_MAX]


def aliases_of(area: Area) -> list[str]:
    return list(json.loads(area.aliases or "[]"))


@dataclass(frozen=True)
class Choice:
    """One entry to offer: its key, the name people read, and what kind of area it is."""

    key: str
    name: str
    kind: str


def all_areas(*, with_retired: bool = False) -> list[Area]:
    """The list's places (not "prefer not to say"), districts first, then wards A to Z."""
    query = select(Area).where(Area.kind != AreaKind.WITHHELD)
    if not with_retired:
        query = query.where(Area.retired.is_(False))
    found = db.session.scalars(query)
    return sorted(found, key=lambda a: (a.kind is not AreaKind.POSTCODE_DISTRICT, a.name))


def choices() -> list[Choice]:
    """What a young person is offered: live entries only (a retired one is kept, not offered)."""
    return [Choice(a.key, a.name, a.kind.value) for a in all_areas()]


def names() -> dict[str, str]:
    """Every key, retired ones too, with the name it is shown by."""
    return dict(db.session.execute(select(Area.key, Area.name)).all())


def name_column() -> ColumnElement[str | None]:
    """A participant's area as its list name, for any query over ``Participant``."""
    return (
        select(Area.name).where(Area.key == Participant.area).correlate(Participant)
    ).scalar_subquery()


def _lookup() -> dict[str, str]:
    """Every way of naming an entry, normalised, mapped to its key."""
    found: dict[str, str] = {}
    areas = list(db.session.scalars(select(Area)))
    for area in areas:
        for spelling in aliases_of(area):
            found[normalise(spelling)] = area.key
    # Keys and names win over aliases.
    for area in areas:
        found[normalise(area.name)] = area.key
        found[normalise(area.key)] = area.key
    found[normalise(WITHHELD_NAME)] = PREFER_NOT_TO_SAY
    return found


def resolve(text: str) -> str | None:
    """The key of the entry ``text`` names (a key, a name, an alias or a postcode), or None."""
    wanted = normalise(text)
    if not wanted:
        return None
    lookup = _lookup()
    if wanted in lookup:
        return lookup[wanted]
    postcode = _FULL_POSTCODE.match(wanted.replace(" ", ""))
    if postcode:
        return lookup.get(postcode.group(1))
    return lookup.get(wanted.replace(" ", ""))


def examples(count: int = 4) -> list[str]:
    """A few entries to name when someone's words matched none: districts, then wards."""
    areas = all_areas()
    districts = [a.name for a in areas if a.kind is AreaKind.POSTCODE_DISTRICT]
    wards = [a.name for a in areas if a.kind is AreaKind.WARD]
    picked = districts[: count // 2] + wards[: count - count // 2]
    return picked or [a.name for a in areas[:count]]


def unknown_area_words(lang: str | None = None) -> str:
    """Why typed words were refused, in ``lang``, naming a few entries to pick."""
    return words.unknown_area(examples(), lang)


def by_key(key: str) -> Area:
    found = db.session.scalar(select(Area).where(Area.key == key))
    if found is None:
        raise NotFound(f"There is no area called {key!r}.")
    return found


def _clean_name(name: str) -> str:
    cleaned = " ".join((name or "").replace("\x00", "").split())
    if not cleaned:
        raise InvalidEdit("Give the area a name.")
    if len(cleaned) > NAME_MAX:
        raise InvalidEdit(f"Keep an area's name to {NAME_MAX} characters or fewer.")
    return cleaned


def _clean_aliases(aliases: Iterable[str]) -> list[str]:
    kept: list[str] = []
    for alias in aliases:
        cleaned = " ".join(str(alias).replace("\x00", "").split())
        if cleaned and normalise(cleaned) not in {normalise(k) for k in kept}:
            if len(cleaned) > NAME_MAX:
                raise InvalidEdit(f"Keep each other name to {NAME_MAX} characters or fewer.")
            kept.append(cleaned)
    return kept


def _check_unclaimed(spellings: Iterable[str], *, own_key: str | None) -> None:
    """Refuse a name or alias that already means another entry: one spelling, one place."""
    lookup = _lookup()
    for spelling in spellings:
        owner = lookup.get(normalise(spelling))
        if owner is not None and owner != own_key:
            raise InvalidEdit(
                f"“{spelling}” already means {names().get(owner, owner)}: "
                "one name can only point to one area."
            )


def add_area(
    name: str,
    kind: str,
    *,
    aliases: Iterable[str] = (),
    actor: User | None = None,
    now: datetime | None = None,
) -> Area:
    """Add an entry to the list; its key is made from its name and never changes."""
    cleaned = _clean_name(name)
    if kind not in (AreaKind.WARD.value, AreaKind.POSTCODE_DISTRICT.value):
        raise InvalidEdit("An area is a ward or a postcode district.")
    kept = _clean_aliases(aliases)
    key = key_for(cleaned)
    if not key:
        raise InvalidEdit("Give the area a name with letters or numbers in it.")
    if db.session.scalar(select(func.count()).select_from(Area).where(Area.key == key)):
        raise InvalidEdit(f"There is already an area called {cleaned}.")
    _check_unclaimed([cleaned, *kept], own_key=None)
    area = Area(key=key, name=cleaned, kind=AreaKind(kind), aliases=json.dumps(kept))
    db.session.add(area)
    db.session.flush()
    _audit(actor, "added_area", area, now)
    return area


def _audit(actor: User | None, action: str, area: Area, now: datetime | None) -> None:
    if now is not None:
        audit.record(actor, action, "area", area.id, now=now, detail=area.name)


def rename_area(
    key: str,
    name: str,
    *,
    aliases: Iterable[str] | None = None,
    actor: User | None = None,
    now: datetime | None = None,
) -> Area:
    """Change the name people read (and its other names); the key and everyone's choice stay."""
    area = by_key(key)
    if area.kind is AreaKind.WITHHELD:
        raise InvalidEdit("“Prefer not to say” is always offered and cannot be changed.")
    cleaned = _clean_name(name)
    kept = aliases_of(area) if aliases is None else _clean_aliases(aliases)
    _check_unclaimed([cleaned, *kept], own_key=area.key)
    area.name = cleaned
    area.aliases = json.dumps(kept)
    db.session.flush()
    _audit(actor, "renamed_area", area, now)
    return area


def retire_area(
    key: str, *, retired: bool = True, actor: User | None = None, now: datetime | None = None
) -> Area:
    """Stop offering an entry (or offer it again). People who chose it keep it."""
    area = by_key(key)
    if area.kind is AreaKind.WITHHELD:
        raise InvalidEdit("“Prefer not to say” is always offered and cannot be retired.")
    area.retired = retired
    db.session.flush()
    _audit(actor, "retired_area" if retired else "offered_area_again", area, now)
    return area


def seed_withheld() -> None:
    """The "prefer not to say" entry every participant's area may point to."""
    if db.session.scalar(select(Area.id).where(Area.key == PREFER_NOT_TO_SAY)) is None:
        db.session.add(Area(key=PREFER_NOT_TO_SAY, name=WITHHELD_NAME, kind=AreaKind.WITHHELD))
        db.session.flush()


def seed_stoke_on_trent() -> int:
    """Start the list with Stoke-on-Trent's districts and wards when it has no places yet.

    Once the council has a list it is theirs: this never adds back what they retired.
    """
    seed_withheld()
    if db.session.scalar(
        select(func.count()).select_from(Area).where(Area.kind != AreaKind.WITHHELD)
    ):
        return 0
    rows = [
        Area(key=key, name=name, kind=AreaKind.POSTCODE_DISTRICT, aliases=json.dumps(list(also)))
        for key, name, also in POSTCODE_DISTRICTS
    ] + [Area(key=key_for(name), name=name, kind=AreaKind.WARD) for name in WARDS]
    db.session.add_all(rows)
    db.session.flush()
    return len(rows)
