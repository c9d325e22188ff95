"""The Rasa project files agree with the action server and with the shared wording."""

from __future__ import annotations

import re

from ruamel.yaml import YAML

from bot import wording
from bot.actions.actions import ACTIONS
from tests.rasa.support import DOMAIN, RASA_DIR

NLU = YAML(typ="safe").load((RASA_DIR / "data" / "nlu.yml").read_text(encoding="utf-8"))


def _examples() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for block in NLU["nlu"]:
        if "intent" in block:
            lines = [line[2:] for line in block["examples"].splitlines() if line.startswith("- ")]
            found[block["intent"]] = lines
    return found


def test_every_intent_a_person_types_has_at_least_15_examples():
    examples = _examples()
    typed = [i for i in DOMAIN["intents"] if not i.startswith("EXTERNAL_")]
    assert set(examples) == set(typed)
    for intent in typed:
        assert len(set(examples[intent])) >= 15, intent


def test_the_examples_sound_like_young_people_texting():
    lines = [line for group in _examples().values() for line in group]
    assert sum(any(ord(ch) > 0x2000 for ch in line) for line in lines) >= 15  # emoji
    slang = {"wagwan", "cya", "gtg", "wanna", "pls", "yh", "nah", "defo", "lemme", "wat", "u"}
    words = {w for line in lines for w in re.findall(r"[a-z]+", line.lower())}
    assert len(slang & words) >= 8


def test_the_domain_names_exactly_the_actions_the_server_runs():
    served = {action().name() for action in ACTIONS}
    assert set(DOMAIN["actions"]) == served


def test_the_domain_says_what_the_other_channels_say():
    said = {name: [r["text"] for r in rs] for name, rs in DOMAIN["responses"].items()}
    assert said["utter_greet"] == [wording.WELCOME]
    assert said["utter_help"] == [wording.CHAT_HELP]
    assert said["utter_forget_ask"] == [wording.FORGET_ASK]
    assert said["utter_not_forgotten"] == [wording.NOT_FORGOTTEN]
    assert said["utter_updates_off"] == [wording.UPDATES_OFF]
    assert said["utter_stale_button"] == [wording.STALE_BUTTON]
    assert said["utter_goodbye"] == [wording.GOODBYE]
    assert said["utter_unknown"] == said["utter_default"] == [wording.CHAT_UNKNOWN]
    assert said["utter_notify"] == ["{notification}"]
    buttons = DOMAIN["responses"]["utter_forget_ask"][0]["buttons"]
    assert [(b["title"], b["payload"]) for b in buttons] == [
        (wording.FORGET_YES, "/affirm"),
        (wording.FORGET_NO, "/deny"),
    ]


def test_channels_are_rest_and_socketio_with_the_rest_commented():
    credentials = (RASA_DIR / "credentials.yml").read_text(encoding="utf-8")
    live = YAML(typ="safe").load(credentials)
    assert set(live) == {"rest", "socketio"}
    assert live["socketio"]["session_persistence"] is True
    for other in ("telegram", "facebook", "twilio"):
        assert f"# {other}:" in credentials
    endpoints = YAML(typ="safe").load((RASA_DIR / "endpoints.yml").read_text(encoding="utf-8"))
    assert endpoints["action_endpoint"]["url"].endswith(":5055/webhook")
