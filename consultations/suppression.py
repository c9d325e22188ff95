"""Which groups of a table split by group may be shown without picking anyone out.

Every table that splits results by a group (age band, area, channel, a tension category)
asks ``suppress`` which of its groups to show. Hiding the groups under the threshold is not
enough: a table's totals are shown too, so one hidden group's figures would be the totals
minus the groups shown. So the hidden groups together must hold at least the threshold of
people (complementary suppression, as official statistics do it), and more people than
there are hidden groups, or a reader who knows each hidden group holds somebody could tell
they hold one person each.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Suppression(Generic[K]):
    """The groups of one table to show and to hide, each in the order they were given."""

    shown: tuple[K, ...]
    hidden: tuple[K, ...]
    shown_people: int
    hidden_people: int
    threshold: int

    @property
    def nothing_shown(self) -> bool:
        """Every group with anyone in it is hidden: the table tells no more than its total."""
        return bool(self.hidden) and self.shown_people == 0

    @property
    def said(self) -> tuple[int | None, int | None]:
        """How many groups, and people in them, a table may say it hid.

        When nothing is shown neither is said: the number of groups among a handful of people
        (each in a group of their own, say) is itself about them.
        """
        if self.nothing_shown:
            return None, None
        return len(self.hidden), self.hidden_people


def _too_few(hidden_people: int, hidden_groups: int, threshold: int) -> bool:
    return hidden_groups > 0 and (hidden_people < threshold or hidden_people <= hidden_groups)


def suppress(sizes: Mapping[K, int], threshold: int) -> Suppression[K]:
    """Hide every group of 1 to threshold - 1 people, then the next smallest if still needed.

    Afterwards the hidden groups are none, or together hold at least ``threshold`` people
    and more people than groups, or every group with anyone in it is hidden (then only the
    table's total is known, which is shown elsewhere anyway). Groups of nobody are never
    hidden: a zero picks nobody out. Since every group still shown holds at least the
    threshold, hiding one more is always enough; the smallest is chosen so the least is
    lost, and of equal ones the one listed last (``Not given`` is listed last).
    """
    if any(n < 0 for n in sizes.values()):
        raise ValueError("a group cannot hold fewer than no people")
    order = list(sizes)
    hidden = {k for k in order if 0 < sizes[k] < threshold}
    people = sum(sizes[k] for k in hidden)
    if _too_few(people, len(hidden), threshold):
        others = [i for i, k in enumerate(order) if k not in hidden and sizes[k] > 0]
        if others:
            nearest = min(others, key=lambda i: (sizes[order[i]], -i))
            hidden.add(order[nearest])
            people += sizes[order[nearest]]
    return Suppression(
        shown=tuple(k for k in order if k not in hidden),
        hidden=tuple(k for k in order if k in hidden),
        shown_people=sum(sizes.values()) - people,
        hidden_people=people,
        threshold=threshold,
    )


def total_picks_out(result: Suppression[K], *, exactly: bool) -> bool:
    """Whether giving a table's total would pin every hidden group to one person.

    Only for tables that name their hidden groups (the tension monitor's columns): when
    everything is hidden, a reader knows each hidden group holds at least one, so a total
    of exactly as many as there are groups (or "fewer than N" with N - 1 groups hidden)
    says each holds one. ``exactly`` is whether the total is given as a number.
    """
    if not result.nothing_shown:
        return False
    groups = len(result.hidden)
    if exactly:
        return result.hidden_people == groups
    return groups >= result.threshold - 1


def hidden_note(result: Suppression[K]) -> str:
    """The words under a table saying what was hidden and why; empty when nothing was."""
    if not result.hidden:
        return ""
    if result.nothing_shown:
        return "No group is shown, so that nobody can be picked out."
    # Something shown means at least two hidden groups of at least the threshold together,
    # so the plural always fits.
    return (
        f"{len(result.hidden)} groups are not shown so that nobody can be picked out. "
        f"Together they are {result.hidden_people} people."
    )
