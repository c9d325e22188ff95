"""Which support message a young person is shown, and in which languages.

Help must be understood: it comes in the language of the page or chat they use and, when
they wrote in another of the languages we serve, in that one too, whatever the page says.
The words themselves are the channels' to render; this decides only what applies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from consultations.moderation.rules import DEFAULT_LANGUAGE, LANGUAGES


@dataclass(frozen=True)
class Support:
    """The support a submission calls for: Childline and 999, hate reporting, or both."""

    safeguarding: bool
    tension: bool
    # The page's language first, then each other language the answers were written in.
    languages: tuple[str, ...]


def support_for(
    *, safeguarding: bool, tension: bool, page_language: str | None, written_in: Iterable[str]
) -> Support | None:
    """The support to show, or None when the submission needs none."""
    if not (safeguarding or tension):
        return None
    page = page_language if page_language in LANGUAGES else DEFAULT_LANGUAGE
    others = [lang for lang in written_in if lang in LANGUAGES and lang != page]
    return Support(safeguarding, tension, tuple(dict.fromkeys([page, *others])))
