"""Free-text moderation: personal data, swearing, abuse, safeguarding and community tension.

The rules are data (``rules/*.txt`` and ``rules/*.json``); officers extend them with files
of the same names in a folder passed to ``load_rules`` (``MODERATION_RULES_DIR``).
``review`` applies them to every saved answer and keeps the queues; other features quote a
written answer only through ``is_publishable`` and ``publishable_text``.
"""

from __future__ import annotations

from consultations.moderation.engine import moderate, normalise
from consultations.moderation.review import is_publishable, publishable_text
from consultations.moderation.rules import (
    PERSONAL_DATA_KINDS,
    SAFEGUARDING_KINDS,
    TENSION_KINDS,
    RuleFileError,
    Rules,
    default_rules,
    load_rules,
)
from consultations.moderation.verdict import Verdict

__all__ = [
    "PERSONAL_DATA_KINDS",
    "SAFEGUARDING_KINDS",
    "TENSION_KINDS",
    "RuleFileError",
    "Rules",
    "Verdict",
    "default_rules",
    "is_publishable",
    "load_rules",
    "moderate",
    "normalise",
    "publishable_text",
]
