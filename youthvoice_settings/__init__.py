"""What every Youth Voice process starts with: its settings, languages, log and word catalogues.

It imports nothing of ours, so the domain, the web app, the API's payloads and the chat
channels can all stand on it.
"""

from youthvoice_settings.languages import (
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    LANGUAGES,
    RIGHT_TO_LEFT,
    TRANSLATED_LANGUAGES,
    Language,
)
from youthvoice_settings.settings import Settings, api_root, parse_channel_tokens

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "RIGHT_TO_LEFT",
    "TRANSLATED_LANGUAGES",
    "Language",
    "Settings",
    "api_root",
    "parse_channel_tokens",
]
