"""Real Rasa 3.6 action-server calls, and a tracker that plays Rasa's part around them.

``action_call`` builds the JSON body Rasa Open Source 3.6 posts to ``/webhook``
(``next_action``, ``sender_id``, ``tracker`` as ``current_state(EventVerbosity.ALL)``,
``domain`` as ``Domain.as_dict()``, ``version``). ``Conversation`` keeps slots and events the
way Rasa's tracker does, so the ``chat`` slot an action sets comes back with the next call.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from ruamel.yaml import YAML

RASA_DIR = Path(__file__).resolve().parents[2] / "bot" / "rasa"
RASA_VERSION = "3.6.21"


def load_domain() -> dict[str, Any]:
    """The domain as Rasa sends it: the YAML with the built-in slots and session config."""
    domain = YAML(typ="safe").load((RASA_DIR / "domain.yml").read_text(encoding="utf-8"))
    domain["slots"]["requested_slot"] = {
        "type": "any",
        "influence_conversation": False,
        "mappings": [],
        "initial_value": None,
    }
    domain["slots"]["session_started_metadata"] = {
        "type": "any",
        "influence_conversation": False,
        "mappings": [],
        "initial_value": None,
    }
    domain.setdefault("config", {"store_entities_as_slots": True})
    domain.setdefault("e2e_actions", [])
    return domain


DOMAIN = load_domain()


def _now() -> float:
    return time.time()


def parse_data(text: str, intent: str, entities: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities,
        "text": text,
        "message_id": uuid.uuid4().hex,
        "metadata": {},
        "intent_ranking": [{"name": intent, "confidence": 1.0}],
    }


def button_message(payload: str) -> tuple[str, str, list[dict[str, Any]]]:
    """What Rasa's RegexMessageHandler makes of a button payload like ``/choose{"answer":"2"}``."""
    match = re.fullmatch(r"/(\w+)(\{.*\})?", payload)
    assert match, payload
    entities = [
        {"entity": name, "value": value, "start": 0, "end": len(payload)}
        for name, value in json.loads(match.group(2) or "{}").items()
    ]
    return payload, match.group(1), entities


class Conversation:
    """One young person's chat, as Rasa's tracker sees it."""

    def __init__(
        self,
        action_url: str,
        *,
        sender_id: str | None = None,
        channel: str = "socketio",
        metadata: dict[str, Any] | None = None,
    ):
        self.url = action_url
        # What the channel sends with each message (the web chat: the page's language).
        self.metadata = dict(metadata or {})
        self.sender_id = sender_id or uuid.uuid4().hex
        self.channel = channel
        self.slots: dict[str, Any] = {
            name: spec.get("initial_value") for name, spec in DOMAIN["slots"].items()
        }
        self.events: list[dict[str, Any]] = [
            {"event": "action", "timestamp": _now(), "name": "action_session_start"},
            {"event": "session_started", "timestamp": _now()},
            {"event": "action", "timestamp": _now(), "name": "action_listen"},
        ]
        self.latest_message: dict[str, Any] = {}
        self.active_loop: dict[str, Any] = {}
        self.latest_action = "action_listen"
        self.replies: list[dict[str, Any]] = []

    # --- what Rasa sends ---------------------------------------------------------------
    def tracker(self, extra_events: list[dict[str, Any]] = ()) -> dict[str, Any]:  # type: ignore[assignment]
        return {
            "sender_id": self.sender_id,
            "slots": dict(self.slots),
            "latest_message": self.latest_message,
            "latest_event_time": _now(),
            "followup_action": None,
            "paused": False,
            "events": [*self.events, *extra_events],
            "latest_input_channel": self.channel,
            "active_loop": self.active_loop,
            "latest_action": {"action_name": self.latest_action},
            "latest_action_name": self.latest_action,
        }

    def action_call(
        self,
        action: str,
        extra_events: list[dict[str, Any]] = (),  # type: ignore[assignment]
    ) -> dict[str, Any]:
        return {
            "next_action": action,
            "sender_id": self.sender_id,
            "tracker": self.tracker(extra_events),
            "domain": DOMAIN,
            "version": RASA_VERSION,
        }

    def post(self, body: dict[str, Any]) -> httpx.Response:
        return httpx.post(f"{self.url}/webhook", json=body, timeout=30)

    def run(self, action: str, extra_events: list[dict[str, Any]] = ()) -> list[dict[str, Any]]:  # type: ignore[assignment]
        """Run one custom action; apply its events; return the messages it sent."""
        response = self.post(self.action_call(action, extra_events))
        assert response.status_code == 200, (action, response.status_code, response.text)
        body = response.json()
        self.events.extend(extra_events)
        self.events.append({"event": "action", "timestamp": _now(), "name": action})
        for event in body["events"]:
            self.events.append(event)
            if event["event"] == "slot":
                self.slots[event["name"]] = event["value"]
        self.latest_action = action
        self.replies.extend(body["responses"])
        return body["responses"]

    # --- what the young person does -------------------------------------------------
    def user(self, text: str, intent: str, entities: list[dict[str, Any]] = ()) -> None:  # type: ignore[assignment]
        # As Rasa does: the channel's metadata is on the user event, not in the NLU's parse.
        data = parse_data(text, intent, list(entities))
        self.latest_message = data
        self.events.append(
            {
                "event": "user",
                "timestamp": _now(),
                "text": text,
                "parse_data": data,
                "input_channel": self.channel,
                "message_id": data["message_id"],
                "metadata": dict(self.metadata),
            }
        )
        # Rasa's action_extract_slots: entities fill the slots whose mappings allow it.
        for entity in entities:
            for name, spec in DOMAIN["slots"].items():
                for mapping in spec.get("mappings", []):
                    if (
                        mapping.get("type") == "from_entity"
                        and mapping.get("entity") == entity["entity"]
                        and mapping.get("intent") in (None, intent)
                        and self._conditions_hold(mapping.get("conditions"))
                    ):
                        self.slots[name] = entity["value"]

    def _conditions_hold(self, conditions: list[dict[str, Any]] | None) -> bool:
        """Rasa's mapping conditions, as far as this domain uses them (``active_loop: null``)."""
        if not conditions:
            return True
        active = self.active_loop.get("name")
        return any(
            (c.get("active_loop") is None and active is None)
            or (
                c.get("active_loop") == active
                and c.get("requested_slot") in (None, self.slots.get("requested_slot"))
            )
            for c in conditions
        )
