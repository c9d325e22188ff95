"""Long staff lists in pages: a moderation queue of hundreds is not one 70,000-pixel page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

PER_PAGE = 25


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a long list, and where it sits in the whole."""

    items: list[T]
    total: int
    number: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """The position in the whole list of this page's first item (from 1)."""
        return (self.number - 1) * self.per_page + 1

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1


def page_number(number: int, total: int, per_page: int = PER_PAGE) -> int:
    """The page asked for, kept between the first and the last."""
    pages = max(1, -(-total // per_page))
    return min(max(1, number), pages)


def page_of(items: list[T], number: int, per_page: int = PER_PAGE) -> Page[T]:
    """Items of page ``number`` (from 1) of a list; a page past the end is the last one."""
    number = page_number(number, len(items), per_page)
    start = (number - 1) * per_page
    return Page(items[start : start + per_page], len(items), number, per_page)
