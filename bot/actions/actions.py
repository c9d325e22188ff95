"""The custom actions a Rasa assistant calls. Each one talks to ``/api/v1`` and nothing else.

Who is speaking is (the Rasa input channel, the conversation's sender id); the back end keeps
only a keyed hash of it. Logs carry the action's name and an error's type, never a message,
a slot value or an id.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot import wording
from bot.actions import answers
from bot.actions.backend import connect, participant_id
from bot.client import ApiClient, ApiProblem, BackendDown
from bot.wording import say
from channel_api import payloads as api
from youthvoice_settings import Settings
from youthvoice_settings.logs import log_error

log = logging.getLogger(__name__)

# What the form's ``answer`` slot holds when the form should end.
FINISHED = "__finished__"
STOPPED = "__stopped__"
# Long enough for a paragraph or two on any channel (Facebook's limit is 2,000).
CHUNK = 1500


# The client of the action run in progress: one connection pool per run, closed after it.
_client: ContextVar[ApiClient] = ContextVar("client")


@asynccontextmanager
async def talking_to_backend(settings: Settings) -> AsyncIterator[ApiClient]:
    """A client of the back end for one action run (each Sanic request is its own task)."""
    client = connect(settings)
    reset = _client.set(client)
    try:
        yield client
    finally:
        _client.reset(reset)
        await client.aclose()


def backend() -> ApiClient:
    return _client.get()


def who(tracker: Tracker) -> str:
    return participant_id(tracker.get_latest_input_channel(), tracker.sender_id)


def language(tracker: Tracker) -> str:
    """The language to answer in: what the web chat page is shown in, else English.

    The web chat sends its page's language with every message as socket.io ``metadata``;
    Rasa keeps it on the user's event (not in ``latest_message``, which is the NLU's parse).
    Other channels say nothing, so they get English.
    """
    metadata: Any = None
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            metadata = event.get("metadata")
            break
    if not isinstance(metadata, dict):
        metadata = tracker.latest_message.get("metadata")
    picked = metadata.get("language") if isinstance(metadata, dict) else None
    return wording.language_code(picked if isinstance(picked, str) else None) or "en"


def _index(tracker: Tracker) -> int:
    value = tracker.get_slot("question_index")
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):
        return 0


def _picked(tracker: Tracker) -> list[int]:
    value = tracker.get_slot("picked") or []
    return [int(v) for v in value if isinstance(v, int | float | str) and str(v).isdigit()]


def _reset() -> list[EventType]:
    return [SlotSet("answer", None), SlotSet("question_index", 0), SlotSet("picked", None)]


class WithSettings:
    """An action that knows the process's settings: where the back end and the site are."""

    def __init__(self, settings: Settings | None = None) -> None:
        # The action server passes its settings; rasa-sdk's own tools build actions bare.
        self.settings = settings or Settings.from_environment()

    def public_url(self, path: str = "") -> str:
        return self.settings.public_url.rstrip("/") + path


class YouthVoiceAction(WithSettings, Action):
    """An action that answers with one plain sentence when anything goes wrong."""

    action_name = ""

    def name(self) -> str:
        return self.action_name

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        with wording.speaking(language(tracker)):
            async with talking_to_backend(self.settings):
                return await self._run(dispatcher, tracker, domain)

    async def _run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        try:
            return await self.act(dispatcher, tracker, domain)
        except BackendDown:
            log.warning("%s: back end unavailable", self.name(), extra={"action": self.name()})
            dispatcher.utter_message(text=say.BACKEND_DOWN)
        except ApiProblem as error:
            log.warning(
                "%s: back end refused (HTTP %s)",
                self.name(),
                error.status,
                extra={"action": self.name(), "status": error.status},
            )
            dispatcher.utter_message(
                text=say.NOT_FOUND if error.status == 404 else say.BACKEND_DOWN
            )
        except Exception as error:  # never a 500 for the young person; no content in logs
            log_error(log, f"{self.name()} failed", error, action=self.name())
            dispatcher.utter_message(text=say.BACKEND_DOWN)
        return []

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        raise NotImplementedError


def _listing_buttons(listed: list[api.ConsultationSummary]) -> list[dict[str, str]]:
    return [answers.button(c.youth_title, "pick_consultation", consultation=c.slug) for c in listed]


class ListConsultations(YouthVoiceAction):
    """What is open now, as buttons and a numbered list."""

    action_name = "action_list_consultations"

    async def act(self, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
        listed = await backend().consultations()
        if not listed:
            dispatcher.utter_message(text=say.NONE_OPEN)
            return [SlotSet("listed", None)]
        lines = [f"{n}. {c.youth_title}: {c.summary}" for n, c in enumerate(listed, start=1)]
        text = "\n".join([say.PICK_ONE, *lines, say.CHAT_PICK_HINT])
        dispatcher.utter_message(text=text, buttons=_listing_buttons(listed))
        return [SlotSet("listed", [c.slug for c in listed])]


async def _resolve_slug(client: ApiClient, tracker: Tracker) -> str | None:
    """The consultation a reply names: a slug from a button, or a number from the list."""
    picked = next(tracker.get_latest_entity_values("consultation"), None)
    value = str(picked if picked is not None else tracker.get_slot("consultation") or "").strip()
    number = re.fullmatch(r"#?\s*(\d{1,2})\W*", value)
    if number:
        listed = tracker.get_slot("listed") or [c.slug for c in await client.consultations()]
        n = int(number.group(1))
        return listed[n - 1] if 1 <= n <= len(listed) else None
    return value or None


class ShowConsultation(YouthVoiceAction):
    """The youth text in chunks, the words explained, and a button to start answering."""

    action_name = "action_show_consultation"

    async def act(self, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
        client = backend()
        slug = await _resolve_slug(client, tracker)
        if not slug:
            dispatcher.utter_message(text=say.NOT_FOUND)
            return [SlotSet("consultation", None)]
        try:
            c = await client.consultation(slug)
        except ApiProblem:
            dispatcher.utter_message(text=say.NOT_FOUND)
            return [SlotSet("consultation", None)]
        dispatcher.utter_message(
            text=say.ABOUT.format(title=c.youth_title, minutes=c.minutes_to_read)
        )
        for part in wording.chunks(c.youth_text, limit=CHUNK):
            dispatcher.utter_message(text=part)
        if c.glossary:
            words = "\n".join(f"• {g.term}: {g.explanation}" for g in c.glossary)
            dispatcher.utter_message(text=f"{say.GLOSSARY_HEADER}\n{words}")
        original = f"{say.READ_ORIGINAL}: {c.original.url}"
        if not c.accepting_answers:
            dispatcher.utter_message(text=f"{say.CLOSED}\n{original}")
        elif c.requires_access_code:
            link = self.public_url(f"/c/{c.slug}")
            dispatcher.utter_message(text=say.ACCESS_CODE_ON_WEB.format(link=link))
        else:
            dispatcher.utter_message(
                text=f"{original}\n{say.CHAT_STOP_HINT}",
                buttons=[answers.button(say.START_ANSWERING, "start_answering")],
            )
        return [SlotSet("consultation", c.slug), *_reset()]


async def _questions(client: ApiClient, slug: str | None) -> list[api.Question] | None:
    if not slug:
        return None
    try:
        return (await client.consultation(slug)).questions
    except ApiProblem:
        return None


class AskAnswer(YouthVoiceAction):
    """The form asks for its ``answer`` slot: send the current question with its buttons."""

    action_name = "action_ask_answer"

    async def act(self, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
        questions = await _questions(backend(), tracker.get_slot("consultation"))
        if not questions:
            dispatcher.utter_message(text=say.NOTHING_PICKED)
            return []
        index = min(_index(tracker), len(questions) - 1)
        text, buttons = answers.question_message(
            questions[index], index + 1, len(questions), _picked(tracker)
        )
        dispatcher.utter_message(text=text, buttons=buttons)
        return []


class ValidateConsultationForm(WithSettings, FormValidationAction):
    """Check each reply against its question, save it through the API, then move on."""

    def name(self) -> str:
        return "validate_consultation_form"

    async def run(self, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
        with wording.speaking(language(tracker)):
            async with talking_to_backend(self.settings):
                return await self._run(dispatcher, tracker, domain)

    async def _run(self, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
        try:
            return await super().run(dispatcher, tracker, domain)
        except Exception as error:  # never a 500; the question is simply asked again
            log_error(log, f"{self.name()} failed", error, action=self.name())
            dispatcher.utter_message(text=say.BACKEND_DOWN)
            return [SlotSet("answer", None)]

    async def validate_answer(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        raw = value[-1] if isinstance(value, list) and value else value
        raw = "" if raw is None else str(raw)
        if raw in (FINISHED, STOPPED):
            return {"answer": raw}
        if answers.is_stop(raw) or answers.is_command(raw):
            # "stop", or a button from another message: leave the questions, keep what's saved.
            return {"answer": STOPPED}
        slug = tracker.get_slot("consultation")
        try:
            questions = await _questions(backend(), slug)
        except BackendDown:
            dispatcher.utter_message(text=f"{say.BACKEND_DOWN}\n{say.ANSWERS_SAFE}")
            return {"answer": None}
        if not questions:
            dispatcher.utter_message(text=say.NOT_FOUND)
            return {"answer": STOPPED}
        index = _index(tracker)
        if index >= len(questions):
            return {"answer": FINISHED}
        question = questions[index]
        outcome = answers.understand(question, raw, _picked(tracker))
        if isinstance(outcome, answers.Reject):
            dispatcher.utter_message(text=outcome.message)
            return {"answer": None}
        if isinstance(outcome, answers.Toggle):
            return {"answer": None, "picked": outcome.picked}
        if isinstance(outcome, answers.Submit):
            try:
                saved = await backend().submit(slug, who(tracker), [outcome.answer])
            except BackendDown:
                # Not saved, so not acknowledged: the same question comes again.
                dispatcher.utter_message(text=f"{say.BACKEND_DOWN}\n{say.ANSWERS_SAFE}")
                return {"answer": None}
            except ApiProblem as refused:
                if refused.status == 409:
                    dispatcher.utter_message(text=say.CLOSED)
                    return {"answer": STOPPED}
                if refused.status == 404:
                    dispatcher.utter_message(text=say.NOT_FOUND)
                    return {"answer": STOPPED}
                dispatcher.utter_message(text=_refusal_message(question))
                return {"answer": None}
            dispatcher.utter_message(text=say.SAVED)
            if saved.support:
                # Help straight away, before the next question.
                dispatcher.utter_message(text=saved.support.message)
        else:
            dispatcher.utter_message(text=say.SKIPPED)
        following = index + 1
        return {
            "answer": FINISHED if following >= len(questions) else None,
            "question_index": following,
            "picked": None,
        }


def _refusal_message(question: api.Question) -> str:
    """A plain re-ask for an answer the back end refused (its own words are for developers)."""
    if question.kind == "scale":
        return say.PICK_A_NUMBER
    if question.kind == "free_text":
        return say.TEXT_TOO_LONG.format(limit=question.max_length or 1000)
    return say.PICK_AN_OPTION


class SaveAnswers(YouthVoiceAction):
    """After the form: what they said, when feedback is due, and an offer of updates."""

    action_name = "action_save_answers"

    async def act(self, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
        ending = tracker.get_slot("answer")
        slug = tracker.get_slot("consultation")
        if ending == STOPPED or not slug:
            dispatcher.utter_message(text=say.FORM_STOPPED)
            return _reset()
        client = backend()
        me = who(tracker)
        try:
            c = await client.consultation(slug)
            stored = {a.question_id: a for a in await client.answers(slug, me)}
            subscribed = (await client.me(me)).subscribed
        except BackendDown:
            dispatcher.utter_message(text=f"{say.BACKEND_DOWN}\n{say.ANSWERS_SAFE}")
            return _reset()
        lines = [(q.prompt, answers.said(q, stored[q.id])) for q in c.questions if q.id in stored]
        dispatcher.utter_message(text=wording.summary(lines, c.feedback_due))
        if not subscribed:
            dispatcher.utter_message(
                text=say.CHAT_ASK_UPDATES,
                buttons=[
                    answers.button(say.YES, "subscribe"),
                    answers.button(say.NO, "deny"),
                ],
            )
        return _reset()


_DEFINE_PREFIX = re.compile(
    r"^\s*/?(?:define|what(?:'s| is| does)?|wat|wot|whats|meaning of|explain|"
    r"what do you mean by)\s+",
    re.IGNORECASE,
)


def _asked_word(tracker: Tracker) -> str:
    entity = next(tracker.get_latest_entity_values("term"), None)
    if entity:
        return str(entity).strip(" ?!.\"'“”")
    text = str((tracker.latest_message or {}).get("text") or "")
    word = _DEFINE_PREFIX.sub("", text)
    word = re.sub(r"\s+(?:mean|means|meaning)\b.*$", "", word, flags=re.IGNORECASE)
    word = re.sub(r"^(?:a|an|the)\s+", "", word.strip(), flags=re.IGNORECASE)
    return word.strip(" ?!.\"'“”") if word != text else ""


def _match(word: str, glossary: list[api.GlossaryTerm]) -> api.GlossaryTerm | None:
    """The entry for a word, its plural, or its initials (LSP for Local Strategic Partnership)."""
    folded = word.casefold()
    for entry in glossary:
        term = entry.term.casefold()
        initials = "".join(part[0] for part in term.split() if part)
        if folded in (term, term + "s", term + "es") or (len(initials) > 1 and folded == initials):
            return entry
    return None


class DefineTerm(YouthVoiceAction):
    """Explain a word from the glossary of the consultation open now, or of any open one."""

    action_name = "action_define_term"

    async def act(self, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
        word = _asked_word(tracker)
        if not word or len(word) > 60:
            dispatcher.utter_message(text=say.DEFINE_USAGE_CHAT)
            return []
        client = backend()
        slugs = [tracker.get_slot("consultation")] if tracker.get_slot("consultation") else []
        slugs += [c.slug for c in await client.consultations() if c.slug not in slugs]
        for slug in slugs:
            try:
                glossary = (await client.consultation(slug)).glossary
            except ApiProblem:
                continue
            found = _match(word, glossary)
            if found:
                dispatcher.utter_message(text=f"{found.term}: {found.explanation}")
                return []
        dispatcher.utter_message(text=say.DEFINE_UNKNOWN.format(word=word))
        return []


class Subscribe(YouthVoiceAction):
    """Opt in to news; the Rasa conversation id is where deliveries go."""

    action_name = "action_subscribe"

    async def act(self, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
        await backend().subscribe(who(tracker), address=tracker.sender_id)
        dispatcher.utter_message(text=say.CHAT_UPDATES_ON)
        return []


class Unsubscribe(YouthVoiceAction):
    action_name = "action_unsubscribe"

    async def act(self, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
        await backend().unsubscribe(who(tracker))
        dispatcher.utter_message(text=say.STOPPED)
        return []


class ForgetMe(YouthVoiceAction):
    """Delete everything the back end holds about this conversation's participant."""

    action_name = "action_forget_me"

    async def act(self, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
        await backend().forget(who(tracker))
        dispatcher.utter_message(text=say.CHAT_FORGOTTEN)
        return [SlotSet("consultation", None), SlotSet("listed", None), *_reset()]


class Privacy(YouthVoiceAction):
    action_name = "action_privacy"

    async def act(self, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
        dispatcher.utter_message(
            text=say.CHAT_PRIVACY.format(privacy_url=self.public_url("/privacy"))
        )
        return []


ACTIONS: list[type[Action]] = [
    ListConsultations,
    ShowConsultation,
    AskAnswer,
    ValidateConsultationForm,
    SaveAnswers,
    DefineTerm,
    Subscribe,
    Unsubscribe,
    ForgetMe,
    Privacy,
]
