"""The one conversation every chat channel has with a young person, independent of any library.

A channel (Telegram, the terminal chat, the Rasa action server, the staff preview) turns what
the person did — a command, some text, a button — into a call here, and shows the replies it
gets back: Telegram as messages with inline buttons, the terminal as numbered choices, Rasa as
dispatcher messages. What to say is decided by the pure functions in this module over a typed
``ChatState`` (bot/state.py) and the back end's payloads; what was typed is understood by
``bot.understanding``. Nothing here does I/O: a turn yields requests (``bot.requests``) for
the back end and the channel's store, and ``bot.engine_runner`` answers them. Answers are
saved there before a reply says so, and where a person is in a consultation is worked out
again from the answers it returns, so a person who comes back carries on where they left off.

Button data is short text (Telegram allows 64 bytes):
``c:SLUG`` open, ``more:SLUG:PAGE`` read on, ``go:SLUG`` answer from where you are,
``q:SLUG:Q`` show question Q, ``o:SLUG:Q:O`` pick one, ``m:SLUG:Q:O`` tick or untick,
``d:SLUG:Q`` done ticking, ``v:SLUG:Q:N`` scale value, ``s:SLUG:Q`` skip, ``sum:SLUG`` summary,
``age:BAND``, ``area:-``, ``lang:CODE``, ``up:1`` / ``up:0``, ``fy`` / ``fn`` forget or not,
``list``, ``help``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot import understanding, wording
from bot.requests import (
    Answers,
    ApiProblem,
    BackendDown,
    CodeFor,
    Consultations,
    FollowTopics,
    Forget,
    GetConsultation,
    Glossary,
    Me,
    Profile,
    SlugFor,
    Steps,
    Submit,
    Subscribe,
    Topics,
    Unsubscribe,
)
from bot.state import ChatState
from bot.wording import say
from channel_api import payloads as api

MESSAGE_LIMIT = 4000  # Telegram's is 4096 characters; leave room for a header
# A consultation's text comes a page at a time, split at paragraphs, with a "more" step.
PAGE_LIMIT = 700
# Telegram's terms: 16+ in the UK, so the bot offers only the older age bands; the web chat
# (Rasa) is for younger people too.
AGE_BANDS = [("16-17", 16, 17), ("18-21", 18, 21), ("22-25", 22, 25)]
ALL_AGE_BANDS = [("11-13", 11, 13), ("14-15", 14, 15), *AGE_BANDS]
PREFER_NOT_TO_SAY = "prefer_not_to_say"
ANSWER_PREFIXES = ("o:", "m:", "d:", "v:", "s:")


@dataclass(frozen=True)
class Button:
    label: str
    data: str | None = None
    url: str | None = None


@dataclass
class Reply:
    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    # Redraw the message whose button was pressed (ticks) instead of sending a new one.
    replace: bool = False


@dataclass
class Result:
    replies: list[Reply] = field(default_factory=list)
    # A short line shown where the button was pressed (Telegram's callback answer).
    notice: str | None = None
    # The pressed message's buttons have done their job and can be removed.
    retire_buttons: bool = False


@dataclass(frozen=True)
class Links:
    """Where the channel's messages point, and how its people give commands."""

    privacy_url: str
    web_url: str
    # Telegram has a "/" command menu; Rasa channels (web chat, WhatsApp …) are told words.
    slash_commands: bool = True
    age_bands: tuple[tuple[str, int, int], ...] = tuple(AGE_BANDS)


def is_emoji_only(text: str) -> bool:
    """True when text has no letters or digits at all (emoji, symbols, punctuation)."""
    stripped = "".join(ch for ch in text if not ch.isspace())
    return bool(stripped) and not understanding.has_words(stripped)


# --- Pure renderers: what to say, from what is known ----------------------------------------


def menu_buttons() -> list[list[Button]]:
    return [[Button(say.SEE_OPEN, "list")], [Button(say.HELP_BUTTON, "help")]]


def age_buttons(bands: tuple[tuple[str, int, int], ...] = tuple(AGE_BANDS)) -> list[list[Button]]:
    rows = [
        [Button(say.AGE_RANGE.format(low=low, high=high), f"age:{band}")]
        for band, low, high in bands
    ]
    return [
        *rows,
        [Button(say.PREFER_NOT_TO_SAY, f"age:{PREFER_NOT_TO_SAY}")],
        [Button(say.SKIP, "age:-")],
    ]


def area_buttons() -> list[list[Button]]:
    return [[Button(say.PREFER_NOT_TO_SAY, "area:-")], [Button(say.SKIP, "area:-")]]


def updates_buttons() -> list[list[Button]]:
    return [[Button(say.YES, "up:1"), Button(say.NO, "up:0")]]


def topic_buttons(topics: list[api.TopicChoice], followed: list[str]) -> list[list[Button]]:
    """A button per topic, ticked when followed, and one for everything (following none)."""
    lang = wording.current_language()

    def words(topic: api.TopicChoice) -> str:
        return topic.youth_words.get(lang) or topic.youth_words.get("en") or topic.name

    rows = [
        [Button(("✅ " if t.key in followed else "") + words(t), f"tp:{t.key}")] for t in topics
    ]
    rows.append([Button(("✅ " if not followed else "") + say.TOPICS_EVERYTHING, "tp:*")])
    return rows


def language_buttons() -> list[list[Button]]:
    # Each language is named in itself, so a person who can't read the current one finds theirs.
    return [[Button(name, f"lang:{code}")] for code, name in wording.LANGUAGES.items()]


def forget_buttons() -> list[list[Button]]:
    return [[Button(say.FORGET_YES, "fy")], [Button(say.FORGET_NO, "fn")]]


def list_reply(consultations: list[api.ConsultationSummary], code: Callable[[str], str]) -> Reply:
    """What is open, numbered, so a number or words of a title pick one as well as a button."""
    lines = [f"{n}. {c.youth_title}" for n, c in enumerate(consultations, 1)]
    text = "\n".join([say.PICK_ONE, *lines, say.CHAT_PICK_HINT])
    return Reply(text, [[Button(c.youth_title, f"c:{code(c.slug)}")] for c in consultations])


def question_buttons(
    code: str, question: api.Question, ticks: set[int], back_to: int | None
) -> list[list[Button]]:
    """The buttons under a question: its choices, then Skip/Done, then Back."""
    qid, kind = question.id, question.kind
    rows: list[list[Button]] = []
    if kind == "single_choice":
        rows = [[Button(o.label, f"o:{code}:{qid}:{o.id}")] for o in question.options]
    elif kind == "multiple_choice":
        rows = [
            [Button(("✅ " if o.id in ticks else "") + o.label, f"m:{code}:{qid}:{o.id}")]
            for o in question.options
        ]
        rows.append([Button(say.DONE, f"d:{code}:{qid}")])
    elif kind == "scale":
        rows = [[Button(str(n), f"v:{code}:{qid}:{n}") for n in range(1, 6)]]
    last: list[Button] = []
    if back_to is not None:
        last.append(Button(say.BACK, f"q:{code}:{back_to}"))
    if not question.required:
        last.append(Button(say.SKIP, f"s:{code}:{qid}"))
    return [*rows, last] if last else rows


def question_text(
    question: api.Question,
    number: int,
    total: int,
    answer: api.StoredAnswer | None = None,
    *,
    limit: int | None = None,
) -> str:
    """A question as a chat message: header, prompt, how to answer, and the answer so far."""
    text = wording.question_header(number, total, question.prompt)
    kind = question.kind
    if kind in ("single_choice", "multiple_choice"):
        text += "\n" + "\n".join(f"{n}. {o.label}" for n, o in enumerate(question.options, 1))
    if kind == "scale" and question.scale:
        text += "\n" + wording.scale_hint(question.scale.min_label, question.scale.max_label)
    elif kind == "multiple_choice":
        text += "\n" + wording.multiple_choice_hint() + " " + say.CHAT_TYPE_NUMBERS
    elif kind == "single_choice":
        text += "\n" + say.CHAT_PICK_HINT
    elif kind == "free_text":
        text += "\n" + say.TYPE_ANSWER
        if limit:
            text += " " + say.CHAT_TYPE_ANSWER.format(limit=limit)
    if answer is not None:
        text += "\n" + say.YOUR_ANSWER.format(answer=describe_answer(question, answer))
    return text


def preview(consultation: api.Consultation) -> list[Reply]:
    """What the chat sends for a consultation, page by page and question by question.

    The staff preview shows this, so officers see exactly what young people will get.
    """
    code = consultation.slug
    pages = reading_pages(consultation)
    replies = [Reply(p) for p in pages]
    replies[-1].buttons = [[Button(say.START_ANSWERING, f"go:{code}")]]
    total = len(consultation.questions)
    for n, question in enumerate(consultation.questions, 1):
        back = consultation.questions[n - 2].id if n > 1 else None
        text = question_text(question, n, total, limit=_written_limit(question))
        replies.append(Reply(text, question_buttons(code, question, set(), back)))
    return replies


def reading_pages(consultation: api.Consultation) -> list[str]:
    """The title, text and words explained, split at paragraphs into pages."""
    body = f"{consultation.youth_title}\n\n{consultation.youth_text}"
    if consultation.glossary:
        words = "\n".join(f"• {g.term}: {g.explanation}" for g in consultation.glossary)
        body += f"\n\n{say.WORDS_EXPLAINED}\n{words}"
    return wording.chunks(body, PAGE_LIMIT)


def describe_answer(question: api.Question, answer: api.StoredAnswer | None) -> str:
    """An answer in words, as the person gave it."""
    if answer is None:
        return say.NO_ANSWER
    if question.kind == "scale":
        return f"{answer.value} / 5"
    if question.kind == "free_text":
        return answer.text or ""
    labels = {o.id: o.label for o in question.options}
    return ", ".join(labels.get(i, "?") for i in answer.option_ids)


def summary_buttons(
    code: str, questions: list[api.Question], subscribed: bool
) -> list[list[Button]]:
    rows = [
        [Button(say.CHANGE_ANSWER.format(number=n), f"q:{code}:{q.id}")]
        for n, q in enumerate(questions, 1)
    ]
    if not subscribed:
        rows.append([Button(say.GET_UPDATES, "up:1")])
    rows.append([Button(say.SEE_OPEN, "list")])
    return rows


def next_question(
    consultation: api.Consultation,
    answers: dict[int, api.StoredAnswer],
    skipped: list[int],
    *,
    after: int | None,
) -> api.Question | None:
    """The next question still to answer: after ``after`` first, then from the start."""
    questions = consultation.questions
    todo = [q for q in questions if q.id not in answers and q.id not in skipped]
    if after is not None:
        position = next((q.position for q in questions if q.id == after), -1)
        later = [q for q in todo if q.position > position]
        if later:
            return later[0]
    return todo[0] if todo else None


def _written_limit(question: api.Question) -> int:
    return question.max_length or 500


def check_written(question: api.Question, text: str) -> str | dict[str, Any]:
    """A written answer ready to save, or the one sentence saying what is wrong with it."""
    clean = text.strip()
    limit = _written_limit(question)
    if not clean:
        return say.EMPTY_TEXT
    if is_emoji_only(clean):
        return say.EMOJI_ONLY
    if len(clean) > limit:
        return say.TEXT_TOO_LONG.format(limit=wording.count(limit, "character"))
    return {"text": clean}


def typed_answer(question: api.Question, text: str, ticks: set[int]) -> str | dict[str, Any] | int:
    """A typed reply to a question with choices or a scale: an answer to save, an option id
    to tick (one option of a multiple choice, as its button does), or why it isn't one."""
    labels = [o.label for o in question.options]
    if question.kind == "single_choice":
        n = understanding.option(text, labels)
        if n is None:
            return say.PICK_AN_OPTION
        return {"option_ids": [question.options[n - 1].id]}
    if question.kind == "multiple_choice":
        if understanding.is_done(text):
            if not ticks:
                return say.PICK_AT_LEAST_ONE
            return {"option_ids": sorted(ticks)}
        picked = understanding.options(text, labels)
        if not picked:
            return say.PICK_AN_OPTION
        if len(picked) == 1:
            return question.options[picked[0] - 1].id
        return {"option_ids": [question.options[n - 1].id for n in picked]}
    value = understanding.scale_value(text)
    if value is None:
        return say.PICK_A_NUMBER
    return {"value": value}


# What an NLU's guess may do at a question: look something up, never leave or change settings.
ASIDES = frozenset({"consultations", "help", "privacy", "define"})
# Steps of reading a consultation: words that mean them at a question are answers instead.
READING_STEPS = frozenset({"more", "continue", "summary"})

# Commands a Rasa NLU intent stands for, when the engine's own reading found nothing.
INTENT_COMMANDS = {
    "greet": "start",
    "consultations": "consultations",
    "help": "help",
    "privacy": "privacy",
    "define": "define",
    "subscribe": "updates",
    "stop": "stop",
    "forgetme": "forgetme",
    "goodbye": "goodbye",
    "start_answering": "continue",
}


# --- The conversation ---------------------------------------------------------------------


class Dialogue:
    """What a channel's conversation says and saves, without doing any I/O itself.

    Each entry point takes the person's ``ChatState`` (changed in place) and returns a turn:
    a generator of ``bot.requests`` whose value, once every request is answered, is the
    ``Result`` to show. ``who`` is the person's id on the channel, ``address`` where news
    goes; ``bot.engine_runner.Conversation`` runs turns against the back end.
    """

    def __init__(self, links: Links) -> None:
        self.links = links

    # Entry points: each turns back-end trouble into one plain sentence.
    # ``hint`` is the language the chat app says the person uses (Telegram's language_code,
    # the web chat page's language): the first guess until they pick or write in one.

    def command(
        self,
        who: str,
        address: str,
        state: ChatState,
        name: str,
        arg: str = "",
        hint: str | None = None,
    ) -> Steps[Result]:
        return (
            yield from self._guard(
                state, hint, lambda: self._command(who, address, state, name.lower(), arg.strip())
            )
        )

    def text(
        self,
        who: str,
        address: str,
        state: ChatState,
        text: str,
        hint: str | None = None,
        *,
        intent: str | None = None,
        term: str | None = None,
    ) -> Steps[Result]:
        """Something typed. ``intent`` (and ``term``) is what an NLU made of it, if any."""
        typed = understanding.command(text)
        switched: list[str] = []

        def detect() -> None:
            # Written in a language (not a written answer, which may be in any): talk in it.
            if typed is not None or not state.writing:
                found = understanding.language_of(text)
                if found and found != chat_language(state, hint):
                    switched.append(found)
                state.lang = found or state.lang

        def work() -> Steps[Result]:
            if switched and (yield from Me(who)).subscribed:
                yield from Subscribe(who, address)  # news comes in it from now on too
            return (yield from self._understood(who, address, state, text, typed, intent, term))

        return (yield from self._guard(state, hint, work, before=detect))

    def button(
        self, who: str, address: str, state: ChatState, data: str, hint: str | None = None
    ) -> Steps[Result]:
        return (
            yield from self._guard(state, hint, lambda: self._button(who, address, state, data))
        )

    def _guard(
        self,
        state: ChatState,
        hint: str | None,
        work: Callable[[], Steps[Result]],
        *,
        before: Callable[[], None] | None = None,
    ) -> Steps[Result]:
        # Nothing of a turn that failed is kept: the next try starts where this one did.
        kept = state.to_json()
        if before is not None:
            before()
        with wording.speaking(chat_language(state, hint)):
            try:
                return (yield from work())
            except BackendDown:
                failed = Result([Reply(say.BACKEND_DOWN)])
            except ApiProblem as problem:
                failed = Result([Reply(self._refusal(problem))])
        vars(state).update(vars(ChatState.from_json(kept)))
        return failed

    @staticmethod
    def _refusal(problem: ApiProblem) -> str:
        if problem.status == 404:
            return say.NOT_FOUND
        if problem.status == 409:
            return say.CLOSED
        if problem.status in (401, 403):
            return say.BACKEND_DOWN
        return problem.detail or say.BACKEND_DOWN

    def _words(self, slash: str, chat: str) -> str:
        """The wording for this channel: with "/" commands (Telegram) or typed words."""
        return say.__getattr__(slash if self.links.slash_commands else chat)

    # Commands

    def _command(
        self, who: str, address: str, state: ChatState, name: str, arg: str
    ) -> Steps[Result]:
        # Only /start (and opening, answering, leaving) moves on from the question being asked;
        # every other command leaves it where it was, and the next text still answers it.
        if name == "start":
            return (yield from self._start(who, state, arg))
        if name == "consultations":
            return (yield from self._list(state))
        if name == "define":
            return (yield from self._define(state, arg))
        if name == "stop":
            yield from Unsubscribe(who)
            replies = [Reply(say.STOPPED)]
            if state.question is not None:
                replies.insert(0, Reply(say.FORM_STOPPED))
                self._leave(state)
            return Result(replies)
        if name == "leave":
            self._leave(state)
            return Result([Reply(say.FORM_STOPPED, menu_buttons()[:1])])
        if name == "forgetme":
            state.offer = "forget"
            return Result([Reply(say.FORGET_ASK, forget_buttons())])
        if name == "help":
            return Result([Reply(self._words("HELP", "CHAT_HELP"), menu_buttons()[:1])])
        if name == "privacy":
            return Result([Reply(self._privacy())])
        if name == "updates":
            return (yield from self._updates(who, address, state, True))
        if name == "topics":
            return (yield from self._topics(who))
        if name == "goodbye":
            return Result([Reply(say.GOODBYE)])
        if name == "more" and state.slug:
            return (yield from self._open(state, state.slug, page=state.page))
        if name == "continue" and state.slug:
            return (yield from self._continue(who, state, state.slug))
        if name == "summary" and state.slug:
            return (yield from self._summary(who, state, state.slug))
        if name == "language":
            chosen = wording.language_code(arg)
            if chosen:
                return (yield from self._set_language(who, address, state, chosen))
            return Result([Reply(say.LANGUAGE_PICK, language_buttons())])
        return Result([Reply(self._words("UNKNOWN", "CHAT_UNKNOWN"), menu_buttons())])

    def _leave(self, state: ChatState) -> None:
        state.question, state.writing = None, False

    def _set_language(self, who: str, address: str, state: ChatState, lang: str) -> Steps[Result]:
        state.lang = lang
        with wording.speaking(lang):
            if (yield from Me(who)).subscribed:
                # Subscribing again records the new language: news comes in it from now on.
                yield from Subscribe(who, address)
            return Result([Reply(say.LANGUAGE_SET, menu_buttons())], retire_buttons=True)

    def _privacy(self) -> str:
        if not self.links.slash_commands:
            return say.CHAT_PRIVACY.format(privacy_url=self.links.privacy_url)
        return say.PRIVACY.format(web_url=self.links.web_url, privacy_url=self.links.privacy_url)

    def _start(self, who: str, state: ChatState, arg: str) -> Steps[Result]:
        replies: list[Reply] = []
        if not state.welcomed:
            state.welcomed = True
            who_sees = say.WHO_SEES_WHAT.format(privacy_url=self.links.privacy_url)
            replies.append(Reply(f"{say.WELCOME}\n\n{who_sees}"))
        if arg.startswith("c_") and len(arg) > 2:
            opened = yield from self._open(state, arg[2:])
            return Result([*replies, *opened.replies])
        back = yield from self._where_they_were(who, state)
        if back is not None:
            return Result([*replies, back])
        return Result([*replies, *(yield from self._list(state)).replies])

    def _where_they_were(self, who: str, state: ChatState) -> Steps[Reply | None]:
        """Coming back mid-consultation: offer to carry on with it."""
        if not state.slug:
            return None
        try:
            consultation = yield from GetConsultation(state.slug)
        except ApiProblem:
            return None
        answers = yield from self._answers(state.slug, who)
        following = next_question(
            consultation, answers, state.skipped.get(state.slug, []), after=None
        )
        if not consultation.accepting_answers or not answers or following is None:
            return None
        code = yield from CodeFor(state.slug)
        text = say.WELCOME_BACK.format(title=consultation.youth_title)
        buttons = [[Button(say.CARRY_ON, f"go:{code}")], [Button(say.SEE_OPEN, "list")]]
        return Reply(text, buttons)

    def _list(self, state: ChatState) -> Steps[Result]:
        found = yield from Consultations()
        state.listed = [c.slug for c in found]
        if not found:
            return Result([Reply(say.NONE_OPEN)])
        codes = {}
        for c in found:
            codes[c.slug] = yield from CodeFor(c.slug)
        return Result([list_reply(found, codes.__getitem__)])

    def _define(self, state: ChatState, word: str) -> Steps[Result]:
        word = " ".join(word.split()).strip(" ?!.\"'“”؟")
        if not word:
            return Result([Reply(self._words("DEFINE_USAGE", "DEFINE_USAGE_CHAT"))])
        glossary = yield from Glossary()
        entries = [(e.term, e.aliases, e.explanation) for e in glossary]
        found = _look_up(word, entries)
        if found:
            return Result([Reply(found)])
        return Result([Reply(say.DEFINE_UNKNOWN.format(word=word[:50]))])

    # Text

    def _understood(
        self,
        who: str,
        address: str,
        state: ChatState,
        text: str,
        typed: understanding.Command | None,
        intent: str | None,
        term: str | None,
    ) -> Steps[Result]:
        if typed is not None and typed.name in READING_STEPS and state.question is not None:
            typed = None  # "more" or "go" at a question is an answer, not a step of reading
        if typed is not None and state.listed and state.question is None:
            # A title that happens to read like a command ("Have your say") opens it.
            found = yield from Consultations()
            titles = [understanding.fold(c.youth_title) for c in found]
            if understanding.fold(text) in titles:
                return (
                    yield from self._open(state, found[titles.index(understanding.fold(text))].slug)
                )
        if typed is not None:
            return (yield from self._command(who, address, state, typed.name, typed.arg))
        if state.offer is not None:
            said = understanding.yes_or_no(text, wording.current_language())
            if said is not None:
                return (yield from self._offer_answered(who, address, state, said))
        if state.profile == "age" and understanding.is_skip(text):
            state.profile = "area"
            return Result([Reply(say.ASK_AREA, area_buttons())], retire_buttons=True)
        if state.profile == "area" and not state.writing:
            if understanding.is_skip(text):
                return (yield from self._profile_finished(who, state))
            return (yield from self._save_area(who, state, text))
        if state.slug and state.question is not None:
            answered = yield from self._typed_answer(who, state, text)
            if answered is not None:
                refusal = answered.replies[0].text if answered.replies else ""
                nlu = INTENT_COMMANDS.get(intent or "")
                if refusal in (say.PICK_AN_OPTION, say.PICK_A_NUMBER) and nlu in ASIDES:
                    # Not an answer, but the NLU knows what it is ("show me what's on").
                    return (yield from self._command(who, address, state, nlu, term or ""))
                return answered
        if state.listed and state.question is None:
            found = yield from Consultations()
            picked = understanding.title(text, [c.youth_title for c in found])
            if picked is not None:
                return (yield from self._open(state, found[picked - 1].slug))
        if state.slug and state.question is None and state.page and not intent:
            # Typing while reading: the questions are what can be typed into.
            return (yield from self._continue(who, state, state.slug))
        if state.offer is not None:
            return Result([Reply(say.SAY_YES_OR_NO)])
        nlu = INTENT_COMMANDS.get(intent or "")
        if nlu:
            arg = term or (understanding.defined_word(text) if nlu == "define" else "")
            return (yield from self._command(who, address, state, nlu, arg))
        return Result([Reply(self._words("UNKNOWN", "CHAT_UNKNOWN"), menu_buttons())])

    def _typed_answer(self, who: str, state: ChatState, text: str) -> Steps[Result | None]:
        """A typed reply to the question being asked; None when no question is being asked."""
        assert state.slug is not None and state.question is not None
        consultation = yield from GetConsultation(state.slug)
        question = consultation.question(state.question)
        if not consultation.accepting_answers:
            self._leave(state)
            return Result([Reply(say.CLOSED, menu_buttons()[:1])])
        if question is None:
            self._leave(state)
            return None
        if understanding.is_skip(text):
            if question.required:
                return Result([Reply(say.REQUIRED)])
            return (yield from self._skip(who, state, consultation, question, None))
        if question.kind == "free_text":
            if not state.writing:
                answers = yield from self._answers(state.slug, who)
                return Result((yield from self._ask(state, consultation, question, answers)))
            checked: str | dict[str, Any] | int = check_written(question, text)
        else:
            checked = typed_answer(question, text, set(state.ticks.get(question.id, [])))
        if isinstance(checked, str):
            return Result([Reply(checked)])
        if isinstance(checked, int):
            ticked = yield from self._tick(who, state, consultation, question, checked)
            for reply in ticked.replies:
                reply.replace = False  # typed: nothing pressed to redraw
            return ticked
        return (yield from self._save(who, state, consultation, question, checked))

    def _offer_answered(self, who: str, address: str, state: ChatState, yes: bool) -> Steps[Result]:
        offer, state.offer = state.offer, None
        if offer == "forget":
            return (yield from self._forget(who, state, yes))
        return (yield from self._updates(who, address, state, yes))

    def _forget(self, who: str, state: ChatState, yes: bool) -> Steps[Result]:
        state.offer = None
        if not yes:
            return Result([Reply(say.NOT_FORGOTTEN)], retire_buttons=True)
        yield from Forget(who)
        state.forgotten = True  # whoever keeps the state deletes it too
        return Result([Reply(self._words("FORGOTTEN", "CHAT_FORGOTTEN"))], retire_buttons=True)

    def _save_area(self, who: str, state: ChatState, text: str) -> Steps[Result]:
        area = " ".join(text.split())
        if not area or is_emoji_only(area):
            return Result([Reply(say.ASK_AREA, area_buttons())])
        yield from Profile(who, area=area[:60])
        return (yield from self._profile_finished(who, state))

    def _profile_finished(self, who: str, state: ChatState) -> Steps[Result]:
        state.profile, state.profile_done = None, True
        if (yield from Me(who)).subscribed:
            return Result([Reply(say.SAVED)], retire_buttons=True)
        state.offer = "updates"
        ask = self._words("ASK_UPDATES", "CHAT_ASK_UPDATES")
        return Result([Reply(ask, updates_buttons())], retire_buttons=True)

    # Buttons

    def _button(self, who: str, address: str, state: ChatState, data: str) -> Steps[Result]:
        if data in ("list", "help"):
            name = "consultations" if data == "list" else "help"
            return (yield from self._command(who, address, state, name, ""))
        if data in ("fy", "fn"):
            return (yield from self._forget(who, state, data == "fy"))
        kind, _, rest = data.partition(":")
        if kind == "lang":
            chosen = wording.language_code(rest)
            if chosen is None:
                return Result([Reply(say.STALE_BUTTON)])
            return (yield from self._set_language(who, address, state, chosen))
        if kind == "age":
            if rest != "-":
                yield from Profile(who, age_band=rest)
            state.profile = "area"
            return Result([Reply(say.ASK_AREA, area_buttons())], retire_buttons=True)
        if kind == "area":
            yield from Profile(who, area=PREFER_NOT_TO_SAY)
            return (yield from self._profile_finished(who, state))
        if kind == "up":
            state.offer = None
            return (yield from self._updates(who, address, state, rest == "1"))
        if kind == "tp":
            return (yield from self._follow(who, rest))
        parts = rest.split(":")
        slug = (yield from SlugFor(parts[0])) if parts and parts[0] else None
        if slug is None:
            return Result([Reply(say.NOT_FOUND)], notice=say.STALE_BUTTON)
        if kind == "c":
            return (yield from self._open(state, slug))
        if kind == "more":
            page = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
            return (yield from self._open(state, slug, page=page))
        if kind == "go":
            return (yield from self._continue(who, state, slug))
        if kind == "sum":
            return (yield from self._summary(who, state, slug))
        if data in state.recent and kind in ("o", "v", "d", "s"):
            return Result(notice=say.ALREADY_SAVED)  # a double tap: saved once already
        try:
            qid = int(parts[1])
            value = int(parts[2]) if len(parts) > 2 else None
        except (IndexError, ValueError):
            return Result([Reply(say.STALE_BUTTON)])
        consultation = yield from GetConsultation(slug)
        question = consultation.question(qid)
        if question is None or not consultation.accepting_answers:
            return (yield from self._stale(who, state, slug, consultation))
        if kind == "q":
            answers = yield from self._answers(slug, who)
            return Result((yield from self._ask(state, consultation, question, answers)))
        if kind == "o" and value is not None:
            answer = {"option_ids": [value]}
            return (yield from self._save(who, state, consultation, question, answer, data))
        if kind == "v" and value is not None:
            return (
                yield from self._save(who, state, consultation, question, {"value": value}, data)
            )
        if kind == "m" and value is not None:
            return (yield from self._tick(who, state, consultation, question, value))
        if kind == "d":
            ticks = sorted(state.ticks.get(qid, []))
            if not ticks:
                if question.required:
                    return Result([Reply(say.REQUIRED)])
                return (yield from self._skip(who, state, consultation, question, data))
            answer = {"option_ids": ticks}
            return (yield from self._save(who, state, consultation, question, answer, data))
        if kind == "s":
            if question.required:
                return Result([Reply(say.REQUIRED)])
            return (yield from self._skip(who, state, consultation, question, data))
        return Result([Reply(say.STALE_BUTTON)])

    def _updates(self, who: str, address: str, state: ChatState, wants: bool) -> Steps[Result]:
        state.offer = None
        if not wants:
            return Result([Reply(say.UPDATES_OFF)], retire_buttons=True)
        settings = yield from Subscribe(who, address)
        # Once they hear from us, they can narrow what they hear about (or keep everything).
        topics = yield from Topics()
        replies = [Reply(self._words("UPDATES_ON", "CHAT_UPDATES_ON"))]
        if topics:
            replies.append(Reply(say.ASK_TOPICS, topic_buttons(topics, settings.topics)))
        return Result(replies, retire_buttons=True)

    def _topics(self, who: str) -> Steps[Result]:
        me = yield from Me(who)
        if not me.subscribed:
            return Result([Reply(say.TOPICS_NEED_UPDATES, updates_buttons())])
        topics = yield from Topics()
        return Result([Reply(say.ASK_TOPICS, topic_buttons(topics, me.topics))])

    def _follow(self, who: str, key: str) -> Steps[Result]:
        """A topic button: tick or untick it, or "everything" (following none)."""
        me = yield from Me(who)
        if not me.subscribed:
            return Result([Reply(say.TOPICS_NEED_UPDATES, updates_buttons())])
        topics = yield from Topics()
        known = [t.key for t in topics]
        if key != "*" and key not in known:
            return Result([Reply(say.STALE_BUTTON)])
        if key == "*":
            chosen: list[str] = []
        elif key in me.topics:
            chosen = [k for k in me.topics if k != key]
        else:
            chosen = [k for k in known if k in me.topics or k == key]
        settings = yield from FollowTopics(who, tuple(chosen))
        notice = say.TOPICS_SAVED if settings.topics else say.TOPICS_SAVED_ALL
        return Result(
            [Reply(say.ASK_TOPICS, topic_buttons(topics, settings.topics), replace=True)],
            notice=notice,
        )

    # Reading and answering

    def _open(self, state: ChatState, slug: str, *, page: int = 0) -> Steps[Result]:
        consultation = yield from GetConsultation(slug)
        if not consultation.accepting_answers:
            return Result([Reply(say.CLOSED, menu_buttons()[:1])], retire_buttons=True)
        code = yield from CodeFor(slug)
        state.slug, state.question, state.writing = slug, None, False
        state.offer, state.profile = None, None
        pages = reading_pages(consultation)
        page = min(max(page, 0), len(pages) - 1)
        state.page = page + 1
        buttons: list[list[Button]] = []
        if page + 1 < len(pages):
            buttons.append([Button(say.READ_MORE, f"more:{code}:{page + 1}")])
        if consultation.requires_access_code:
            link = f"{self.links.web_url.rstrip('/')}/c/{slug}"
            reply = Reply(f"{pages[page]}\n\n" + say.ACCESS_CODE_ON_WEB.format(link=link))
            reply.buttons = buttons
            return Result([reply])
        buttons.append([Button(say.START_ANSWERING, f"go:{code}")])
        if page + 1 >= len(pages) and consultation.original.url:
            buttons.append([Button(say.READ_ORIGINAL, url=consultation.original.url)])
        return Result([Reply(pages[page], buttons)], retire_buttons=page > 0)

    def _continue(self, who: str, state: ChatState, slug: str) -> Steps[Result]:
        consultation = yield from GetConsultation(slug)
        if not consultation.accepting_answers:
            return Result([Reply(say.CLOSED, menu_buttons()[:1])], retire_buttons=True)
        if consultation.requires_access_code:
            link = f"{self.links.web_url.rstrip('/')}/c/{slug}"
            return Result([Reply(say.ACCESS_CODE_ON_WEB.format(link=link))])
        state.slug, state.offer, state.profile = slug, None, None
        answers = yield from self._answers(slug, who)
        skipped = state.skipped.get(slug, [])
        question = next_question(consultation, answers, skipped, after=None)
        if question is None:
            return (yield from self._summary(who, state, slug, consultation, answers))
        return Result((yield from self._ask(state, consultation, question, answers)))

    def _answers(self, slug: str, who: str) -> Steps[dict[int, api.StoredAnswer]]:
        stored = yield from Answers(slug, who)
        return {a.question_id: a for a in stored}

    def _ask(
        self,
        state: ChatState,
        consultation: api.Consultation,
        question: api.Question,
        answers: dict[int, api.StoredAnswer],
    ) -> Steps[list[Reply]]:
        questions = consultation.questions
        index = next(i for i, q in enumerate(questions) if q.id == question.id)
        kind = question.kind
        limit = _written_limit(question) if not self.links.slash_commands else None
        text = question_text(
            question, index + 1, len(questions), answers.get(question.id), limit=limit
        )
        ticks: set[int] = set()
        if kind == "multiple_choice":
            saved = answers.get(question.id)
            ticks = set(saved.option_ids) if saved else set()
            state.ticks[question.id] = sorted(ticks)
        state.slug, state.question = consultation.slug, question.id
        state.writing = kind == "free_text"
        # Showing a question again (Back, Change) makes its buttons live again.
        state.recent = [d for d in state.recent if d.split(":")[2:3] != [str(question.id)]]
        back = questions[index - 1].id if index > 0 else None
        code = yield from CodeFor(consultation.slug)
        return [Reply(text, question_buttons(code, question, ticks, back))]

    def _tick(
        self,
        who: str,
        state: ChatState,
        consultation: api.Consultation,
        question: api.Question,
        option_id: int,
    ) -> Steps[Result]:
        if option_id not in {o.id for o in question.options}:
            return (yield from self._stale(who, state, consultation.slug, consultation))
        ticks = set(state.ticks.get(question.id, [])) ^ {option_id}
        answers = yield from self._answers(consultation.slug, who)
        redrawn = (yield from self._ask(state, consultation, question, answers))[0]
        # Show the ticks as they are now, not as saved: _ask reset them from the back end.
        state.ticks[question.id] = sorted(ticks)
        code = yield from CodeFor(consultation.slug)
        questions = consultation.questions
        index = next(i for i, q in enumerate(questions) if q.id == question.id)
        back = questions[index - 1].id if index > 0 else None
        redrawn.buttons = question_buttons(code, question, ticks, back)
        labels = [o.label for o in question.options if o.id in ticks]
        if labels:
            redrawn.text += "\n" + say.PICKED_SO_FAR.format(picked=", ".join(labels))
        redrawn.replace = True
        return Result([redrawn])

    def _save(
        self,
        who: str,
        state: ChatState,
        consultation: api.Consultation,
        question: api.Question,
        answer: dict[str, Any],
        data: str | None = None,
    ) -> Steps[Result]:
        slug = consultation.slug
        before = yield from self._answers(slug, who)
        try:
            saved = yield from Submit(slug, who, (api.AnswerIn(question_id=question.id, **answer),))
        except BackendDown:
            # Not saved, so not acknowledged; the question stays where it was.
            return Result([Reply(f"{say.BACKEND_DOWN}\n{say.ANSWERS_SAFE}")])
        except ApiProblem as refused:
            if refused.status in (404, 409):
                self._leave(state)
            raise
        # Saved: only now may the person be told so.
        skipped = state.skipped.get(slug, [])
        state.skipped[slug] = [q for q in skipped if q != question.id]
        state.recent = ([data] if data else []) + [d for d in state.recent[:4] if d != data]
        state.writing = False
        state.ticks.pop(question.id, None)
        ack = say.CHANGED if question.id in before else say.SAVED
        after = yield from self._answers(slug, who)
        result = yield from self._after(who, state, consultation, question, after)
        # Help comes straight after the acknowledgement, before anything else is asked.
        helping = [Reply(saved.support.message)] if saved.support else []
        return Result([Reply(ack), *helping, *result.replies], notice=ack, retire_buttons=True)

    def _skip(
        self,
        who: str,
        state: ChatState,
        consultation: api.Consultation,
        question: api.Question,
        data: str | None,
    ) -> Steps[Result]:
        slug = consultation.slug
        skipped = state.skipped.setdefault(slug, [])
        if question.id not in skipped:
            skipped.append(question.id)
        if data:
            state.recent = [data, *state.recent[:4]]
        state.writing = False
        answers = yield from self._answers(slug, who)
        result = yield from self._after(who, state, consultation, question, answers)
        return Result([Reply(say.SKIPPED), *result.replies], retire_buttons=True)

    def _after(
        self,
        who: str,
        state: ChatState,
        consultation: api.Consultation,
        question: api.Question,
        answers: dict[int, api.StoredAnswer],
    ) -> Steps[Result]:
        skipped = state.skipped.get(consultation.slug, [])
        following = next_question(consultation, answers, skipped, after=question.id)
        if following is None:
            return (yield from self._summary(who, state, consultation.slug, consultation, answers))
        return Result((yield from self._ask(state, consultation, following, answers)))

    def _summary(
        self,
        who: str,
        state: ChatState,
        slug: str,
        consultation: api.Consultation | None = None,
        answers: dict[int, api.StoredAnswer] | None = None,
    ) -> Steps[Result]:
        consultation = consultation or (yield from GetConsultation(slug))
        answers = answers if answers is not None else (yield from self._answers(slug, who))
        self._leave(state)
        said = [
            describe_answer(q, answers[q.id]) if q.id in answers else None
            for q in consultation.questions
        ]
        me = yield from Me(who)
        code = yield from CodeFor(slug)
        buttons = summary_buttons(
            code, consultation.questions, me.subscribed or not state.profile_done
        )
        replies = [Reply(wording.summary(said, consultation.feedback_due), buttons)]
        if not state.profile_done:
            # Answers first; the optional questions about them come after, and can be skipped.
            state.profile = "age"
            ask = f"{say.PROFILE_INTRO}\n{say.ASK_AGE_BAND}"
            replies.append(Reply(ask, age_buttons(self.links.age_bands)))
        elif not me.subscribed:
            state.offer = "updates"
        return Result(replies)

    def _stale(
        self, who: str, state: ChatState, slug: str, consultation: api.Consultation
    ) -> Steps[Result]:
        if not consultation.accepting_answers:
            return Result([Reply(say.CLOSED)], retire_buttons=True)
        now = yield from self._continue(who, state, slug)
        return Result(
            [Reply(say.STALE_BUTTON), *now.replies],
            notice=say.STALE_BUTTON,
            retire_buttons=True,
        )


def chat_language(state: ChatState, hint: str | None) -> str:
    """The language to talk in: the one the person picked or wrote in, else the app's guess."""
    return wording.language_code(state.lang) or wording.language_code(hint) or "en"


def _look_up(word: str, entries: list[tuple[str, list[str], str]]) -> str | None:
    """A glossary explanation for a word: its term or an alias, a plural, or its initials."""
    wanted = understanding.fold(word)
    for term, aliases, explanation in entries:
        for name in (term, *aliases):
            folded = understanding.fold(name)
            initials = "".join(part[0] for part in folded.split() if part)
            if wanted in (folded, folded + "s", folded + "es") or (
                len(initials) > 1 and wanted == initials
            ):
                return f"{term}: {explanation}"
    return None


_COMMAND = re.compile(r"^/([A-Za-z_]+)(?:@\w+)?(?:\s+(.*))?$", re.S)


def parse_command(text: str) -> tuple[str, str] | None:
    """``/define council`` → ("define", "council"); None when the text is not a command."""
    match = _COMMAND.match(text.strip())
    return (match.group(1).lower(), (match.group(2) or "").strip()) if match else None
