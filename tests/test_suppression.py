"""Complementary suppression: the one rule every table split by group goes through."""

from __future__ import annotations

import re
from itertools import product

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from consultations.suppression import hidden_note, suppress, total_picks_out

# Group sizes as tables really have them: many small groups, some empty, a few large.
group_sizes = st.lists(st.one_of(st.integers(0, 6), st.integers(0, 40)), max_size=9).map(
    lambda sizes: {f"group {i}": n for i, n in enumerate(sizes)}
)
thresholds = st.integers(0, 12)


def _small(sizes: dict[str, int], threshold: int) -> list[str]:
    return [g for g, n in sizes.items() if 0 < n < threshold]


@given(group_sizes, thresholds)
@example({"telegram": 40, "web": 1}, 5)  # the one web participant of the demo
@example({"14 to 15": 5, "16 to 17": 4}, 5)
@example({"a": 1, "b": 1, "c": 1, "d": 1, "e": 1, "f": 30}, 5)
def test_the_hidden_groups_together_are_none_or_at_least_the_threshold(sizes, threshold):
    result = suppress(sizes, threshold)
    assert set(result.shown).isdisjoint(result.hidden)
    assert [g for g in sizes if g in result.shown] == list(result.shown)
    assert [g for g in sizes if g in result.hidden] == list(result.hidden)
    assert set(result.shown) | set(result.hidden) == set(sizes)
    hidden_people = sum(sizes[g] for g in result.hidden)
    assert result.hidden_people == hidden_people
    assert result.shown_people == sum(sizes.values()) - hidden_people
    assert result.nothing_shown == (bool(result.hidden) and result.shown_people == 0)
    if result.hidden and not result.nothing_shown:
        # What subtracting the shown groups from the totals gives is a mix of enough people,
        # and more people than groups, so not "one each" either.
        assert hidden_people >= threshold
        assert hidden_people > len(result.hidden)
        assert len(result.hidden) >= 2


@given(group_sizes, thresholds)
def test_every_group_under_the_threshold_is_hidden_and_no_empty_one(sizes, threshold):
    result = suppress(sizes, threshold)
    assert set(_small(sizes, threshold)) <= set(result.hidden)
    assert all(sizes[g] > 0 for g in result.hidden)
    assert all(sizes[g] >= threshold or sizes[g] == 0 for g in result.shown)


@given(group_sizes, thresholds)
@example({"a": 3, "b": 7, "c": 7, "d": 9}, 5)
def test_at_most_one_more_is_hidden_only_when_needed_and_it_is_the_smallest(sizes, threshold):
    result = suppress(sizes, threshold)
    small = _small(sizes, threshold)
    extra = [g for g in result.hidden if sizes[g] >= threshold]
    small_people = sum(sizes[g] for g in small)
    needed = bool(small) and (small_people < threshold or small_people <= len(small))
    left = [g for g in sizes if sizes[g] >= threshold and sizes[g] > 0]
    assert len(extra) == (1 if needed and left else 0)
    if extra:
        order = list(sizes)
        chosen = extra[0]
        for other in result.shown:
            if sizes[other] == 0:
                continue
            # Nothing smaller was left shown; of equal ones, the last listed goes first.
            assert sizes[other] > sizes[chosen] or (
                sizes[other] == sizes[chosen] and order.index(other) < order.index(chosen)
            )


@given(group_sizes, thresholds)
def test_the_words_never_give_a_hidden_total_under_the_threshold(sizes, threshold):
    result = suppress(sizes, threshold)
    note = hidden_note(result)
    groups, people = result.said
    if not result.hidden:
        assert note == "" and (groups, people) == (0, 0)
    elif result.nothing_shown:
        assert note == "No group is shown, so that nobody can be picked out."
        assert not re.search(r"\d", note) and (groups, people) == (None, None)
    else:
        assert note == (
            f"{groups} groups are not shown so that nobody can be picked out. "
            f"Together they are {people} people."
        )
        assert people is not None and people >= threshold


def _feasible(groups: int, low: int, high: int) -> list[tuple[int, ...]]:
    """Every way ``groups`` named hidden groups of one or more can add up to low..high."""
    return [
        sizes for sizes in product(range(1, high + 1), repeat=groups) if low <= sum(sizes) <= high
    ]


@given(
    st.lists(st.integers(0, 5), min_size=1, max_size=3).map(
        lambda sizes: {f"category {i}": n for i, n in enumerate(sizes)}
    ),
    st.integers(2, 6),
)
@example({"hostility": 1, "hate": 1, "fear": 1}, 3)  # a total of 3: one each
@example({"hostility": 1, "hate": 1, "fear": 1}, 4)  # "fewer than 4": one each
@example({"hostility": 1, "hate": 0, "fear": 0}, 2)  # "fewer than 2": that one
@example({"hostility": 4, "hate": 4, "fear": 0}, 5)
def test_a_table_naming_its_hidden_groups_gives_its_total_only_when_it_pins_nobody(
    sizes, threshold
):
    """The tension monitor lists every category and shows zeros, so hidden ones hold someone.

    A reader then knows how many hidden cells there are, that each is one or more, and what
    they add up to (the total minus the cells shown, or only "fewer than N" when the row is
    small). The total is given unless that pins a cell to one value.
    """
    result = suppress(sizes, threshold)
    if not result.hidden:
        return
    total = sum(sizes.values())
    exactly = total >= threshold
    groups = len(result.hidden)
    if result.nothing_shown and not exactly:
        low, high = groups, threshold - 1
    else:
        low = high = result.hidden_people
    ways = _feasible(groups, low, high)
    assert tuple(sizes[g] for g in result.hidden) in ways
    pinned = any(len({way[i] for way in ways}) == 1 for i in range(groups))
    assert total_picks_out(result, exactly=exactly) == pinned, (sizes, threshold)


def test_total_picks_out_when_every_hidden_group_could_only_hold_one():
    three_ones = suppress({"a": 1, "b": 1, "c": 1}, 3)
    assert three_ones.nothing_shown
    assert total_picks_out(three_ones, exactly=True)
    assert total_picks_out(suppress({"a": 1, "b": 1, "c": 1}, 4), exactly=False)
    assert not total_picks_out(suppress({"a": 1, "b": 1, "c": 1}, 5), exactly=False)
    assert not total_picks_out(suppress({"a": 2, "b": 1, "c": 1}, 4), exactly=True)
    assert not total_picks_out(suppress({"a": 9, "b": 1, "c": 5}, 5), exactly=True)


def test_a_group_cannot_hold_fewer_than_nobody():
    with pytest.raises(ValueError, match="fewer than no people"):
        suppress({"a": -1}, 5)
