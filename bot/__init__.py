"""Chat channels: clients of the back end's ``/api/v1`` (Telegram, Rasa actions, terminal)."""

import os

# python-telegram-bot 22.2+ warns on every 429 unless durations come as timedelta, which the
# delivery worker already reads (bot/delivery.py _seconds): take the future behaviour now.
# The library's own switch, read from the environment by it, not one of our settings.
os.environ.setdefault("PTB_TIMEDELTA", "1")
