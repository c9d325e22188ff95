"""The Rasa action server: custom actions that talk to the back end's ``/api/v1`` only.

Any Rasa assistant (web chat, WhatsApp, Facebook …) points its ``endpoints.yml`` at
``youthvoice actions`` and runs whole consultations with the same rules and wording as the
Telegram bot. Nothing here logs what a young person typed or who they are.
"""
