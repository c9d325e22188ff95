"""The deployment's moderation rules: the shipped ones and officers' extra rule files.

Read once when the app is built, from ``MODERATION_RULES_DIR`` (default
``instance/moderation/``), and passed to every service that moderates.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, current_app

from consultations.moderation import review
from consultations.moderation.rules import Rules

KEY = "youthvoice.moderation_rules"


def init_app(app: Flask) -> None:
    folder = app.config.get("MODERATION_RULES_DIR") or os.path.join(app.instance_path, "moderation")
    app.extensions[KEY] = review.rules_from(Path(folder))


def moderation_rules() -> Rules:
    """The rules of the app handling this request or command."""
    rules: Rules = current_app.extensions[KEY]
    return rules
