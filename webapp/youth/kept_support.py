"""The help after a disclosure, kept for the thank-you page and shown in each language.

Shared by the web form and the live-poll page, so both keep and show it the same way.
"""

from __future__ import annotations

import time
from typing import Any

from flask import session

from consultations import words as platform_words
from webapp.i18n import RIGHT_TO_LEFT, current_language
from webapp.support import support_for

SUPPORT_KEY = "support"
# How long the thank-you page keeps showing the help after a disclosure, for a refresh or a
# second look. Only flags are kept (never what was written), in the signed session cookie,
# which a shared computer forgets when the browser closes.
SUPPORT_SECONDS = 60 * 60


def keep_support(slug: str, support: dict[str, Any] | None) -> None:
    """Keep, for the thank-you page, whether this submission needs the help shown."""
    if support is None:
        session.pop(SUPPORT_KEY, None)
        return
    session[SUPPORT_KEY] = {
        "slug": slug,
        "safeguarding": bool(support["safeguarding"]),
        "tension": bool(support["tension"]),
        # The languages it was shown in: a disclosure in Polish keeps its Polish help.
        "languages": list(support.get("languages") or []),
        "until": int(time.time()) + SUPPORT_SECONDS,
    }


def kept_support(slug: str) -> dict[str, Any] | None:
    """The help to show on this consultation's thank-you page, if its answers asked for it."""
    kept = session.get(SUPPORT_KEY)
    if not isinstance(kept, dict) or kept.get("slug") != slug:
        return None
    if int(kept.get("until", 0)) < time.time():
        session.pop(SUPPORT_KEY, None)
        return None
    languages = kept.get("languages")
    return support_for(
        safeguarding=bool(kept.get("safeguarding")),
        tension=bool(kept.get("tension")),
        written_in=[lang for lang in languages if isinstance(lang, str)]
        if isinstance(languages, list)
        else (),
    )


def _support_lines(support: dict[str, Any]) -> list[dict[str, object]]:
    """The help message in each language the domain chose, line by line.

    The words are the platform's (``consultations.words``), so every channel says the same;
    English stands in for a language without a translation. Each block carries its language
    so a right-to-left one reads right on a left-to-right page and the other way round.
    """
    keys = [
        k
        for k, on in (("SAFEGUARDING", "safeguarding"), ("HATE_REPORTING", "tension"))
        if support.get(on)
    ]
    languages: list[str] = support.get("languages") or [current_language()]
    return [
        {
            "lang": lang,
            "dir": "rtl" if lang in RIGHT_TO_LEFT else "ltr",
            "lines": [
                line
                for key in keys
                for line in platform_words.text(key, lang).split("\n")
                if line.strip()
            ],
        }
        for lang in languages
    ]
