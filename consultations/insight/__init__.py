"""Making sense of what young people wrote: themes among written answers.

Pure domain code: it reads answer texts handed to it and returns plain values; storing
themes and what officers do with them is for the services that call it.
"""

from __future__ import annotations

from consultations.insight.themes import (
    AnswerText,
    LanguageNote,
    NoThemesReason,
    OtherReason,
    Placement,
    Theme,
    ThemeModel,
    ThemeOptions,
    ThemeProfile,
    ThemeResult,
    find_themes,
    place_answers,
)

__all__ = [
    "AnswerText",
    "LanguageNote",
    "NoThemesReason",
    "OtherReason",
    "Placement",
    "Theme",
    "ThemeModel",
    "ThemeOptions",
    "ThemeProfile",
    "ThemeResult",
    "find_themes",
    "place_answers",
]
