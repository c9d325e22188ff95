"""The Rasa project files agree with the action server and with the shared wording."""

from __future__ import annotations

import re
from pathlib import Path

from ruamel.yaml import YAML

from bot.actions.actions import ACTIONS
from tests.rasa.support import DOMAIN, RASA_DIR

NLU_DIR = RASA_DIR / "data" / "nlu"
HELD_OUT = Path(__file__).with_name("data")
# One training file per way of writing; Roman Urdu is Urdu in Latin letters.
WRITTEN = {"en": "en", "pl": "pl", "ur": "ur", "ur-latn": "ur"}


def _read(path: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for block in YAML(typ="safe").load(path.read_text(encoding="utf-8"))["nlu"]:
        lines = [line[2:] for line in block["examples"].splitlines() if line.startswith("- ")]
        found.setdefault(block["intent"], []).extend(lines)
    return found


def _examples(written: str | None = None) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name in [written] if written else list(WRITTEN):
        for intent, lines in _read(NLU_DIR / f"{name}.yml").items():
            found.setdefault(intent, []).extend(lines)
    return found


def _plain(example: str) -> str:
    return re.sub(r"\[([^\]]+)\]\(\w+\)", r"\1", example).casefold().strip()


def test_every_intent_a_person_types_has_examples_in_every_language():
    typed = {i for i in DOMAIN["intents"] if not i.startswith("EXTERNAL_")}
    assert set(_examples()) == typed
    for written in WRITTEN:
        examples = _examples(written)
        assert set(examples) == typed, written
        for intent in typed:
            assert len(set(examples[intent])) >= (12 if written in ("en", "pl") else 7), (
                written,
                intent,
            )


def test_the_examples_sound_like_young_people_texting():
    lines = [line for group in _examples().values() for line in group]
    emoji = [line for line in lines if any(ord(ch) > 0x2000 and not _urdu(ch) for ch in line)]
    assert len(emoji) >= 30
    slang = {"wagwan", "cya", "gtg", "wanna", "pls", "yh", "nah", "defo", "lemme", "wat", "u"}
    slang |= {"siema", "elo", "nara", "spoko", "dawaj", "yaar", "bhai", "aoa", "slm"}
    words = {w for line in lines for w in re.findall(r"\w+", line.lower())}
    assert len(slang & words) >= 14
    assert sum(line.isupper() for line in lines) >= 10  # all caps
    typos = {"hlep", "czesć", "prywatnosc", "usun", "wat", "wot", "mtlb"}
    assert len(typos & {w for line in lines for w in line.lower().split()}) >= 5


def _urdu(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff"


def test_nothing_in_the_held_out_sets_is_copied_from_training():
    trained = {_plain(e) for group in _examples().values() for e in group}
    for lang in ("en", "pl", "ur"):
        held = _read(HELD_OUT / f"heldout_{lang}.yml")
        assert set(held) == set(_examples()) - {"EXTERNAL_notify"}, lang
        for intent, lines in held.items():
            assert len(lines) >= 6, (lang, intent)
            assert not {_plain(e) for e in lines} & trained, (lang, intent)


def test_the_domain_names_exactly_the_one_action_the_server_runs():
    served = {action().name() for action in ACTIONS}
    assert set(DOMAIN["actions"]) == served == {"action_converse"}


def test_every_reply_comes_from_the_engine_not_from_english_domain_texts():
    # Only the news, whose text is already the outbox message in the person's language.
    assert DOMAIN["responses"] == {"utter_notify": [{"text": "{notification}"}]}
    rules = YAML(typ="safe").load((RASA_DIR / "data" / "rules.yml").read_text(encoding="utf-8"))
    answered = {r["steps"][0]["intent"]: r["steps"][1]["action"] for r in rules["rules"]}
    typed = [i for i in DOMAIN["intents"] if not i.startswith("EXTERNAL_")]
    assert all(answered[i] == "action_converse" for i in [*typed, "nlu_fallback"])


def test_channels_are_rest_and_socketio_with_the_rest_commented():
    credentials = (RASA_DIR / "credentials.yml").read_text(encoding="utf-8")
    live = YAML(typ="safe").load(credentials)
    assert set(live) == {"rest", "socketio"}
    assert live["socketio"]["session_persistence"] is True
    for other in ("telegram", "facebook", "twilio"):
        assert f"# {other}:" in credentials
    endpoints = YAML(typ="safe").load((RASA_DIR / "endpoints.yml").read_text(encoding="utf-8"))
    assert endpoints["action_endpoint"]["url"].endswith(":5055/webhook")
