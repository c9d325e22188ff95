"""The Rasa assistant's one custom action: the shared conversation, as a Rasa channel sees it.

Every message goes to ``action_converse``, which hands it to ``bot.conversation`` (the same
engine Telegram and the terminal chat use) and sends back what it says. The tracker brings
the message, what the NLU made of it (an intent, a ``term``), the page's language and the
conversation state (the ``chat`` slot); the dispatcher takes the replies out, and the new
state goes back into the slot. Buttons carry the engine's own button data as the ``press``
entity: ``/choose{"press":"o:SLUG:Q:O"}``.

Who is speaking is (the Rasa input channel, the conversation's sender id); the back end keeps
only a keyed hash of it. Logs carry the action's name and an error's type, never a message,
a slot value or an id.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot import wording
from bot.actions.backend import connect, participant_id
from bot.conversation import ALL_AGE_BANDS, Links, Reply, Result
from bot.engine_runner import Conversation
from bot.stores import MemoryStore
from bot.wording import say
from youthvoice_settings import Settings
from youthvoice_settings.logs import log_error

log = logging.getLogger(__name__)

# The intent a button sends, with the engine's button data as this entity.
BUTTON_INTENT = "choose"
BUTTON_ENTITY = "press"
STATE_SLOT = "chat"


def links(settings: Settings) -> Links:
    """Rasa channels have no "/" menu, and the web chat is for under-16s too."""
    site = settings.public_url.rstrip("/")
    return Links(
        privacy_url=f"{site}/privacy",
        web_url=f"{site}/",
        slash_commands=False,
        age_bands=tuple(ALL_AGE_BANDS),
    )


def language(tracker: Tracker) -> str | None:
    """The language the channel says the person reads: the web chat page's, sent as metadata.

    Rasa keeps it on the user's event (not in ``latest_message``, which is the NLU's parse).
    """
    metadata: Any = None
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            metadata = event.get("metadata")
            break
    if not isinstance(metadata, dict):
        metadata = tracker.latest_message.get("metadata")
    picked = metadata.get("language") if isinstance(metadata, dict) else None
    return wording.language_code(picked if isinstance(picked, str) else None)


def rasa_buttons(reply: Reply) -> list[dict[str, str]]:
    buttons = []
    for row in reply.buttons:
        for b in row:
            if b.data:
                press = json.dumps(
                    {BUTTON_ENTITY: b.data}, ensure_ascii=False, separators=(",", ":")
                )
                buttons.append({"title": b.label, "payload": f"/{BUTTON_INTENT}{press}"})
    return buttons


def rasa_text(reply: Reply) -> str:
    """The reply's text, with link buttons written out (not every Rasa channel has them)."""
    links_ = [f"{b.label}: {b.url}" for row in reply.buttons for b in row if b.url]
    return "\n".join([reply.text, *links_])


# Below this the NLU's guess is not passed on: the engine says it didn't understand instead.
INTENT_CONFIDENCE = 0.6


def _confident_intent(message: dict[str, Any]) -> str | None:
    """The NLU's intent when it is sure enough (a button's intent always is)."""
    intent = message.get("intent") or {}
    name, confidence = intent.get("name"), intent.get("confidence")
    if not isinstance(name, str):
        return None
    sure = not isinstance(confidence, int | float) or confidence >= INTENT_CONFIDENCE
    return name if sure else None


def _entity(tracker: Tracker, name: str) -> str | None:
    value = next(tracker.get_latest_entity_values(name), None)
    return str(value) if value is not None else None


class Converse(Action):
    """Every message: tracker in, the shared conversation's replies out."""

    def __init__(self, settings: Settings | None = None) -> None:
        # The action server passes its settings; rasa-sdk's own tools build actions bare.
        self.settings = settings or Settings.from_environment()

    def name(self) -> str:
        return "action_converse"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        who = participant_id(tracker.get_latest_input_channel(), tracker.sender_id)
        saved = tracker.get_slot(STATE_SLOT)
        store = MemoryStore(who, saved if isinstance(saved, dict) else None)
        message = tracker.latest_message or {}
        intent = _confident_intent(message)
        text = str(message.get("text") or "")
        hint = language(tracker)
        client = connect(self.settings)
        try:
            conversation = Conversation(client, store, links(self.settings))
            pressed = _entity(tracker, BUTTON_ENTITY)
            if intent == BUTTON_INTENT and pressed:
                result = await conversation.button(who, tracker.sender_id, pressed, hint)
            else:
                term = _entity(tracker, "term")
                result = await conversation.text(
                    who, tracker.sender_id, text, hint, intent=intent, term=term
                )
        except Exception as error:  # never a 500 for the young person; no content in logs
            log_error(log, f"{self.name()} failed", error, action=self.name())
            with wording.speaking(hint):
                result = Result([Reply(say.BACKEND_DOWN)])
        finally:
            await client.aclose()
        for reply in result.replies:
            dispatcher.utter_message(text=rasa_text(reply), buttons=rasa_buttons(reply))
        state = store.states.get(who)
        return [SlotSet(STATE_SLOT, state.to_json() if state is not None else None)]


ACTIONS: list[type[Action]] = [Converse]
