"""Chat channels: clients of the back end's ``/api/v1`` (Telegram, Rasa actions, terminal)."""
