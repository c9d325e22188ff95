"""Roman Urdu words that spelling squeezes together must not read as one another.

Squeezed, "chhoota" (touches) and "chota" (small) are spelled alike; a touching rule that
fired on "choti behen" (little sister) flagged every answer about a younger sibling.
"""

from __future__ import annotations

import pytest

from consultations.moderation import moderate


@pytest.mark.parametrize(
    "text",
    [
        "meri choti behen bohat cute hai",
        "mera chota bhai football khelta hai",
        "chote cousins ko saturday ko sambhalti hun",
        "choti si baat pe ammi ne lecture diya",
        "jab mai choti thi tou karachi me rehti thi",
        "nani mujhe chota shaitan kehti hain",
    ],
)
def test_small_is_not_read_as_touching(text: str):
    assert moderate(text, classifier=False).safeguarding == ()


@pytest.mark.parametrize(
    "text",
    [
        "chacha mujhe chhoote hain jab ammi ghar pe nahi hoti",
        "wo mujhe galat tarah chhoota hai",
        "uncle ne mujhe chhu liya",
        "mamu mujhe chhoone ki koshish karte hain",
        "khalu mujhe kone me le ja ke chhoote hain",
    ],
)
def test_touching_is_still_a_disclosure(text: str):
    verdict = moderate(text, classifier=False)
    assert "abuse" in verdict.safeguarding
    assert verdict.status == "urgent"
