"""Stoke-on-Trent's areas, the list the platform starts with (the council keeps it after).

The electoral wards are the city's 37 wards drawn in the 2011 boundary review (used for
the city council elections from 2011). The postcode districts are the five that lie almost
wholly in the city (ST1, ST2, ST3, ST4, ST6); districts the city shares with its
neighbours (ST5, ST7, ST9, ST10, ST11, ST12) are left for the council to add if it wants
them, so nobody from Newcastle-under-Lyme or Kidsgrove is counted as the city by default.

A town name is an alias of the one postcode district that holds its centre, so "Hanley"
and "ST1" are the same place in every count. Tunstall is also a ward, and the ward keeps
its own name: a town name is never an alias where a ward already has that name.
"""

from __future__ import annotations

# (key, name, aliases)
POSTCODE_DISTRICTS: list[tuple[str, str, tuple[str, ...]]] = [
    ("st1", "ST1", ("Hanley", "Shelton")),
    ("st2", "ST2", ("Bucknall", "Bentilee", "Abbey Hulton")),
    ("st3", "ST3", ("Longton", "Meir")),
    ("st4", "ST4", ("Stoke", "Stoke-upon-Trent", "Fenton", "Trentham")),
    ("st6", "ST6", ("Burslem", "Smallthorne", "Chell")),
]

WARDS: list[str] = [
    "Abbey Hulton and Townsend",
    "Baddeley, Milton and Norton",
    "Bentilee and Ubberley",
    "Birches Head and Central Forest Park",
    "Blurton East",
    "Blurton West and Newstead",
    "Boothen and Oak Hill",
    "Bradeley and Chell Heath",
    "Broadway and Longton East",
    "Burslem Central",
    "Burslem Park",
    "Dresden and Florence",
    "Eaton Park",
    "Etruria and Hanley",
    "Fenton East",
    "Fenton West and Mount Pleasant",
    "Ford Green and Smallthorne",
    "Goldenhill and Sandyford",
    "Great Chell and Packmoor",
    "Hanford and Trentham",
    "Hanley Park and Shelton",
    "Hartshill and Basford",
    "Hollybush and Longton West",
    "Joiner's Square",
    "Lightwood North and Normacot",
    "Little Chell and Stanfield",
    "Meir Hay",
    "Meir North",
    "Meir Park",
    "Meir South",
    "Moorcroft",
    "Penkhull and Stoke",
    "Sandford Hill",
    "Sneyd Green",
    "Springfields and Trent Vale",
    "Tunstall",
    "Weston Coyney",
]
