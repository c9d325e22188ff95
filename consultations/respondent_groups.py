"""Which age band and area may be shown beside one person's written answer.

A written answer with "14 to 16, Fenton" beside it could single its writer out if few people
of that age or place took part. So a group's name is shown only when the group passes the
same rule as every table split by group (``suppression.suppress``) over the people who took
part in that consultation; otherwise "—".
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from consultations import areas
from consultations.db import db
from consultations.models import AGE_BANDS, PREFER_NOT_TO_SAY, Participant, Participation
from consultations.suppression import suppress

NOT_GIVEN = "Not given"
WITHHELD = "—"


def group_name(dimension: str, value: str | None) -> str:
    """A group as staff read it: the age band's words, the area, or not given."""
    if value in (None, ""):
        return NOT_GIVEN
    if value == PREFER_NOT_TO_SAY:
        return "Prefer not to say"
    if dimension == "age_band":
        return AGE_BANDS.get(value, value)
    return value


@dataclass(frozen=True)
class AboutWriter:
    """What may be said about who wrote an answer."""

    age_band: str
    area: str


UNKNOWN_WRITER = AboutWriter(WITHHELD, WITHHELD)


@dataclass(frozen=True)
class ShownGroups:
    """Per consultation, the age bands and areas big enough to name."""

    shown: dict[int, dict[str, frozenset[str]]]
    # Area keys and the names they are counted and shown by.
    area_names: dict[str, str] = field(default_factory=dict)

    def about(self, consultation_id: int, age_band: str | None, area: str | None) -> AboutWriter:
        groups = self.shown.get(consultation_id, {})
        band = group_name("age_band", age_band)
        place = group_name("area", self.area_names.get(area or "", area))
        return AboutWriter(
            age_band=band if band in groups.get("age_band", ()) else WITHHELD,
            area=place if place in groups.get("area", ()) else WITHHELD,
        )


def shown_groups(consultation_ids: Iterable[int], threshold: int) -> ShownGroups:
    """The groups of each consultation's participants that may be named beside an answer."""
    ids = sorted(set(consultation_ids))
    if not ids:
        return ShownGroups({})
    named = areas.names()
    sizes: dict[int, dict[str, Counter[str]]] = defaultdict(
        lambda: {"age_band": Counter(), "area": Counter()}
    )
    rows = db.session.execute(
        select(Participation.consultation_id, Participant.age_band, Participant.area)
        .join(Participant, Participant.id == Participation.participant_id)
        .where(Participation.consultation_id.in_(ids))
    )
    for consultation_id, band, area in rows:
        sizes[consultation_id]["age_band"][group_name("age_band", band)] += 1
        sizes[consultation_id]["area"][group_name("area", named.get(area or "", area))] += 1
    shown = {
        cid: {
            dimension: frozenset(
                suppress(
                    dict(sorted(counts.items(), key=lambda kv: (kv[0] == NOT_GIVEN, kv[0]))),
                    threshold,
                ).shown
            )
            for dimension, counts in dims.items()
        }
        for cid, dims in sizes.items()
    }
    return ShownGroups(shown, named)
