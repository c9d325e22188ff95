"""The conversation every chat channel has with a young person, independent of any chat library.

A channel turns what the person did (a command, some text, a button) into a call here and
shows the replies it gets back: Telegram as messages with inline buttons, the terminal chat
as numbered choices. Answers are saved through the channel API before a reply says so; where
a person is in a consultation is worked out again from the answers the back end returns.

Button data is short text (Telegram allows 64 bytes):
``c:SLUG`` open, ``go:SLUG`` answer from where you are, ``q:SLUG:Q`` show question Q,
``o:SLUG:Q:O`` pick one, ``m:SLUG:Q:O`` tick or untick, ``d:SLUG:Q`` done ticking,
``v:SLUG:Q:N`` scale value, ``s:SLUG:Q`` skip, ``sum:SLUG`` summary, ``age:BAND``,
``area:-``, ``lang:CODE``, ``up:1`` / ``up:0``, ``fy`` / ``fn`` forget or not, ``list``, ``help``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from bot import wording
from bot.client import ApiClient, ApiProblem, BackendDown
from bot.state import StateStore
from bot.wording import say
from channel_api import payloads as api

MESSAGE_LIMIT = 4000  # Telegram's is 4096 characters; leave room for a header
# Telegram's terms: 16+ in the UK, so the bot offers only the older age bands.
AGE_BANDS = [("16-17", 16, 17), ("18-21", 18, 21), ("22-25", 22, 25)]
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
    privacy_url: str
    web_url: str


def is_emoji_only(text: str) -> bool:
    """True when text has no letters or digits at all (emoji, symbols, punctuation)."""
    stripped = "".join(ch for ch in text if not ch.isspace())
    return bool(stripped) and not any(unicodedata.category(ch)[0] in "LN" for ch in stripped)


# --- Pure keyboard builders -------------------------------------------------------------


def menu_buttons() -> list[list[Button]]:
    return [[Button(say.SEE_OPEN, "list")], [Button(say.HELP_BUTTON, "help")]]


def age_buttons() -> list[list[Button]]:
    rows = [
        [Button(say.AGE_RANGE.format(low=low, high=high), f"age:{band}")]
        for band, low, high in AGE_BANDS
    ]
    return [*rows, [Button(say.PREFER_NOT_TO_SAY, f"age:{PREFER_NOT_TO_SAY}")]]


def area_buttons() -> list[list[Button]]:
    return [[Button(say.PREFER_NOT_TO_SAY, "area:-")]]


def updates_buttons() -> list[list[Button]]:
    return [[Button(say.YES, "up:1"), Button(say.NO, "up:0")]]


def language_buttons() -> list[list[Button]]:
    # Each language is named in itself, so a person who can't read the current one finds theirs.
    return [[Button(name, f"lang:{code}")] for code, name in wording.LANGUAGES.items()]


def forget_buttons() -> list[list[Button]]:
    return [[Button(say.FORGET_YES, "fy")], [Button(say.FORGET_NO, "fn")]]


def list_buttons(consultations: list[api.ConsultationSummary], code: Any) -> list[list[Button]]:
    return [[Button(c.youth_title, f"c:{code(c.slug)}")] for c in consultations]


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


# --- The conversation ---------------------------------------------------------------------


class Conversation:
    """One channel's conversation logic; ``who`` is the person's id on that channel."""

    def __init__(self, api: ApiClient, store: StateStore, links: Links) -> None:
        self.api, self.store, self.links = api, store, links

    # Entry points: each turns back-end trouble into one plain sentence.

    # ``hint`` is the language the chat app says the person uses (Telegram's language_code):
    # the first guess until they pick one with /language.

    async def command(
        self, who: str, address: str, name: str, arg: str = "", hint: str | None = None
    ) -> Result:
        work = self._command(who, address, name.lower(), arg.strip())
        return await self._guard(who, hint, work)

    async def text(self, who: str, address: str, text: str, hint: str | None = None) -> Result:
        return await self._guard(who, hint, self._text(who, address, text))

    async def button(self, who: str, address: str, data: str, hint: str | None = None) -> Result:
        return await self._guard(who, hint, self._button(who, address, data))

    def language(self, who: str, hint: str | None = None) -> str:
        """The language to talk to this person in: theirs if picked, else the app's guess."""
        picked = wording.language_code(self.store.get(who).get("lang"))
        return picked or wording.language_code(hint) or "en"

    async def _guard(self, who: str, hint: str | None, work: Any) -> Result:
        with wording.speaking(self.language(who, hint)):
            return await self._answer_plainly(work)

    async def _answer_plainly(self, work: Any) -> Result:
        try:
            return await work
        except BackendDown:
            return Result([Reply(say.BACKEND_DOWN)])
        except ApiProblem as problem:
            if problem.status == 404:
                return Result([Reply(say.NOT_FOUND)])
            if problem.status == 409:
                return Result([Reply(say.CLOSED)])
            if problem.status == 401:
                return Result([Reply(say.BACKEND_DOWN)])
            return Result([Reply(problem.detail or say.BACKEND_DOWN)])

    # Commands

    async def _command(self, who: str, address: str, name: str, arg: str) -> Result:
        # /start goes somewhere else, so the next text no longer answers what was asked.
        # Every other command (a look at the list, the language, a typo) leaves the question
        # where it was, and the next text still answers it.
        if name == "start":
            return await self._start(who, arg)
        if name == "consultations":
            return await self._list()
        if name == "define":
            return await self._define(arg)
        if name == "stop":
            await self.api.unsubscribe(who)
            return Result([Reply(say.STOPPED)])
        if name == "forgetme":
            return Result([Reply(say.FORGET_ASK, forget_buttons())])
        if name == "help":
            return Result([Reply(say.HELP, menu_buttons()[:1])])
        if name == "privacy":
            return Result([Reply(self._privacy())])
        if name == "language":
            chosen = wording.language_code(arg)
            if chosen:
                return await self._set_language(who, address, chosen)
            return Result([Reply(say.LANGUAGE_PICK, language_buttons())])
        return Result([Reply(say.UNKNOWN, menu_buttons())])

    async def _set_language(self, who: str, address: str, lang: str) -> Result:
        self._update(who, lang=lang)
        with wording.speaking(lang):
            if (await self.api.me(who)).subscribed:
                # Subscribing again records the new language: news comes in it from now on.
                await self.api.subscribe(who, address)
            return Result([Reply(say.LANGUAGE_SET, menu_buttons())], retire_buttons=True)

    def _privacy(self) -> str:
        return say.PRIVACY.format(web_url=self.links.web_url, privacy_url=self.links.privacy_url)

    async def _start(self, who: str, arg: str) -> Result:
        hello = Reply(
            f"{say.WELCOME}\n\n" + say.WHO_SEES_WHAT.format(privacy_url=self.links.privacy_url)
        )
        if arg.startswith("c_") and len(arg) > 2:
            opened = await self._open(who, arg[2:])
            return Result([hello, *opened.replies])
        self._update(who, awaiting=None, onboarding=True)
        return Result([hello, Reply(say.ASK_AGE_BAND, age_buttons())])

    async def _list(self) -> Result:
        found = await self.api.consultations()
        if not found:
            return Result([Reply(say.NONE_OPEN)])
        return Result([Reply(say.PICK_ONE, list_buttons(found, self.store.code_for))])

    async def _define(self, word: str) -> Result:
        word = " ".join(word.split())
        if not word:
            return Result([Reply(say.DEFINE_USAGE)])
        wanted = word.casefold()
        for entry in await self.api.glossary():
            names = [entry.term, *entry.aliases]
            if any(n.casefold() == wanted for n in names):
                return Result([Reply(f"{entry.term}: {entry.explanation}")])
        return Result([Reply(say.DEFINE_UNKNOWN.format(word=word[:50]))])

    # Text

    async def _text(self, who: str, address: str, text: str) -> Result:
        state = self.store.get(who)
        awaiting = state.get("awaiting")
        if awaiting == "area":
            return await self._save_area(who, text)
        if isinstance(awaiting, str) and awaiting.startswith("t:") and state.get("slug"):
            return await self._save_text(who, state["slug"], int(awaiting[2:]), text)
        if state.get("slug"):
            consultation = await self.api.consultation(state["slug"])
            if consultation.accepting_answers:
                answers = await self._answers(state["slug"], who)
                following = self._next(consultation, answers, state, after=None)
                if following is not None and following.kind == "free_text":
                    # A written question has no buttons: ask it again, and the next text
                    # answers it.
                    return Result(self._ask(who, consultation, following, answers))
                if following is not None:
                    # Mid-consultation and the question in front of them wants a button.
                    return Result([Reply(say.PRESS_A_BUTTON)])
        return Result([Reply(say.UNKNOWN, menu_buttons())])

    async def _save_area(self, who: str, text: str) -> Result:
        area = " ".join(text.split())
        if not area or is_emoji_only(area):
            return Result([Reply(say.ASK_AREA, area_buttons())])
        await self.api.profile(who, area=area)
        self._update(who, awaiting=None)
        return Result([Reply(say.ASK_UPDATES, updates_buttons())])

    async def _save_text(self, who: str, slug: str, qid: int, text: str) -> Result:
        consultation = await self.api.consultation(slug)
        question = consultation.question(qid)
        if question is None or not consultation.accepting_answers:
            self._update(who, awaiting=None)
            return await self._stale(who, slug, consultation)
        clean = text.strip()
        limit = question.max_length or 500
        if not clean:
            return Result([Reply(say.EMPTY_TEXT)])
        if is_emoji_only(clean):
            return Result([Reply(say.EMOJI_ONLY)])
        if len(clean) > limit:
            return Result([Reply(say.TEXT_TOO_LONG.format(limit=limit))])
        return await self._save(who, consultation, question, {"text": clean})

    # Buttons

    async def _button(self, who: str, address: str, data: str) -> Result:
        state = self.store.get(who)
        if data in ("list", "help"):
            return await self._command(
                who, address, "consultations" if data == "list" else "help", ""
            )
        if data in ("fy", "fn"):
            if data == "fn":
                return Result([Reply(say.NOT_FORGOTTEN)], retire_buttons=True)
            await self.api.forget(who)
            self.store.forget(who)
            return Result([Reply(say.FORGOTTEN)], retire_buttons=True)
        kind, _, rest = data.partition(":")
        if kind == "lang":
            chosen = wording.language_code(rest)
            if chosen is None:
                return Result([Reply(say.STALE_BUTTON)])
            return await self._set_language(who, address, chosen)
        if kind == "age":
            await self.api.profile(who, age_band=rest)
            self._update(who, awaiting="area")
            return Result([Reply(say.ASK_AREA, area_buttons())], retire_buttons=True)
        if kind == "area":
            self._update(who, awaiting=None)
            await self.api.profile(who, area=PREFER_NOT_TO_SAY)
            return Result([Reply(say.ASK_UPDATES, updates_buttons())], retire_buttons=True)
        if kind == "up":
            return await self._updates(who, address, rest == "1", state)
        parts = rest.split(":")
        slug = self.store.slug_for(parts[0]) if parts and parts[0] else None
        if slug is None:
            return Result([Reply(say.NOT_FOUND)], notice=say.STALE_BUTTON)
        if kind == "c":
            return await self._open(who, slug)
        if kind == "go":
            return await self._continue(who, slug)
        if kind == "sum":
            return await self._summary(who, slug)
        if data in state.get("recent", []) and kind in ("o", "v", "d", "s"):
            return Result(notice=say.ALREADY_SAVED)  # a double tap: saved once already
        try:
            qid = int(parts[1])
            value = int(parts[2]) if len(parts) > 2 else None
        except (IndexError, ValueError):
            return Result([Reply(say.STALE_BUTTON)])
        consultation = await self.api.consultation(slug)
        question = consultation.question(qid)
        if question is None or not consultation.accepting_answers:
            return await self._stale(who, slug, consultation)
        if kind == "q":
            answers = await self._answers(slug, who)
            return Result(self._ask(who, consultation, question, answers))
        if kind == "o" and value is not None:
            return await self._save(who, consultation, question, {"option_ids": [value]}, data)
        if kind == "v" and value is not None:
            return await self._save(who, consultation, question, {"value": value}, data)
        if kind == "m" and value is not None:
            return await self._tick(who, consultation, question, value)
        if kind == "d":
            ticks = sorted(self._ticks(who, qid))
            if not ticks:
                if question.required:
                    return Result([Reply(say.REQUIRED)])
                return await self._skip(who, consultation, question, data)
            return await self._save(who, consultation, question, {"option_ids": ticks}, data)
        if kind == "s":
            if question.required:
                return Result([Reply(say.REQUIRED)])
            return await self._skip(who, consultation, question, data)
        return Result([Reply(say.STALE_BUTTON)])

    async def _updates(self, who: str, address: str, wants: bool, state: dict[str, Any]) -> Result:
        if wants:
            await self.api.subscribe(who, address)
            text = say.UPDATES_ON
        else:
            text = say.UPDATES_OFF
        replies = [Reply(text)]
        if state.get("onboarding"):
            self._update(who, onboarding=False)
            replies.extend((await self._list()).replies)
        return Result(replies, retire_buttons=True)

    # Reading and answering

    async def _open(self, who: str, slug: str) -> Result:
        consultation = await self.api.consultation(slug)
        if not consultation.accepting_answers:
            return Result([Reply(say.CLOSED, menu_buttons()[:1])])
        code = self.store.code_for(slug)
        self._update(who, slug=slug, awaiting=None)
        body = f"{consultation.youth_title}\n\n{consultation.youth_text}"
        if consultation.glossary:
            words = "\n".join(f"• {g.term}: {g.explanation}" for g in consultation.glossary)
            body += f"\n\n{say.WORDS_EXPLAINED}\n{words}"
        pieces = wording.chunks(body, MESSAGE_LIMIT)
        replies = [Reply(p) for p in pieces]
        buttons = [[Button(say.START_ANSWERING, f"go:{code}")]]
        if consultation.original.url:
            buttons.append([Button(say.READ_ORIGINAL, url=consultation.original.url)])
        replies[-1].buttons = buttons
        return Result(replies)

    async def _continue(self, who: str, slug: str) -> Result:
        consultation = await self.api.consultation(slug)
        if not consultation.accepting_answers:
            return Result([Reply(say.CLOSED, menu_buttons()[:1])])
        self._update(who, slug=slug)
        answers = await self._answers(slug, who)
        state = self.store.get(who)
        question = self._next(consultation, answers, state, after=None)
        if question is None:
            return await self._summary(who, slug, consultation, answers)
        return Result(self._ask(who, consultation, question, answers))

    async def _answers(self, slug: str, who: str) -> dict[int, api.StoredAnswer]:
        return {a.question_id: a for a in await self.api.answers(slug, who)}

    def _next(
        self,
        consultation: api.Consultation,
        answers: dict[int, api.StoredAnswer],
        state: dict[str, Any],
        *,
        after: int | None,
    ) -> api.Question | None:
        """The next question still to answer: after ``after`` first, then from the start."""
        skipped = set(state.get("skipped", {}).get(consultation.slug, []))
        questions = consultation.questions
        todo = [q for q in questions if q.id not in answers and q.id not in skipped]
        if after is not None:
            position = next((q.position for q in questions if q.id == after), -1)
            later = [q for q in todo if q.position > position]
            if later:
                return later[0]
        return todo[0] if todo else None

    def _ask(
        self,
        who: str,
        consultation: api.Consultation,
        question: api.Question,
        answers: dict[int, api.StoredAnswer],
    ) -> list[Reply]:
        questions = consultation.questions
        index = next(i for i, q in enumerate(questions) if q.id == question.id)
        text = wording.question_header(index + 1, len(questions), question.prompt)
        kind = question.kind
        ticks: set[int] = set()
        if kind == "scale" and question.scale:
            scale = question.scale
            text += "\n" + wording.scale_hint(scale.min_label, scale.max_label)
        elif kind == "multiple_choice":
            text += "\n" + wording.multiple_choice_hint()
            saved = answers.get(question.id)
            ticks = set(saved.option_ids) if saved else set()
            self._set_ticks(who, question.id, ticks)
        elif kind == "free_text":
            text += "\n" + say.TYPE_ANSWER
        if question.id in answers:
            text += "\n" + say.YOUR_ANSWER.format(
                answer=describe_answer(question, answers[question.id])
            )
        state = self.store.get(who)
        state["slug"] = consultation.slug
        state["awaiting"] = f"t:{question.id}" if kind == "free_text" else None
        # Showing a question again (Back, Change) makes its buttons live again.
        state["recent"] = [
            d for d in state.get("recent", []) if d.split(":")[2:3] != [str(question.id)]
        ]
        self.store.put(who, state)
        back = questions[index - 1].id if index > 0 else None
        code = self.store.code_for(consultation.slug)
        return [Reply(text, question_buttons(code, question, ticks, back))]

    async def _tick(
        self, who: str, consultation: api.Consultation, question: api.Question, option_id: int
    ) -> Result:
        if option_id not in {o.id for o in question.options}:
            return await self._stale(who, consultation.slug, consultation)
        ticks = self._ticks(who, question.id) ^ {option_id}
        self._set_ticks(who, question.id, ticks)
        answers = await self._answers(consultation.slug, who)
        redrawn = self._ask(who, consultation, question, answers)[0]
        # Show the ticks as they are now, not as saved: _ask reset them from the back end.
        self._set_ticks(who, question.id, ticks)
        code = self.store.code_for(consultation.slug)
        questions = consultation.questions
        index = next(i for i, q in enumerate(questions) if q.id == question.id)
        back = questions[index - 1].id if index > 0 else None
        redrawn.buttons = question_buttons(code, question, ticks, back)
        redrawn.replace = True
        return Result([redrawn])

    async def _save(
        self,
        who: str,
        consultation: api.Consultation,
        question: api.Question,
        answer: dict[str, Any],
        data: str | None = None,
    ) -> Result:
        slug = consultation.slug
        before = await self._answers(slug, who)
        saved = await self.api.submit(slug, who, [api.AnswerIn(question_id=question.id, **answer)])
        # Saved: only now may the person be told so.
        state = self.store.get(who)
        skipped = state.setdefault("skipped", {}).get(slug, [])
        state["skipped"][slug] = [q for q in skipped if q != question.id]
        state["recent"] = ([data] if data else []) + [
            d for d in state.get("recent", [])[:4] if d != data
        ]
        state["awaiting"] = None
        state.get("ticks", {}).pop(str(question.id), None)
        self.store.put(who, state)
        ack = say.CHANGED if question.id in before else say.SAVED
        after = await self._answers(slug, who)
        result = await self._after(who, consultation, question, after)
        # Help comes straight after the acknowledgement, before anything else is asked.
        helping = [Reply(saved.support.message)] if saved.support else []
        return Result([Reply(ack), *helping, *result.replies], notice=ack, retire_buttons=True)

    async def _skip(
        self, who: str, consultation: api.Consultation, question: api.Question, data: str
    ) -> Result:
        slug = consultation.slug
        state = self.store.get(who)
        skipped = state.setdefault("skipped", {}).setdefault(slug, [])
        if question.id not in skipped:
            skipped.append(question.id)
        state["recent"] = [data, *state.get("recent", [])[:4]]
        state["awaiting"] = None
        self.store.put(who, state)
        answers = await self._answers(slug, who)
        result = await self._after(who, consultation, question, answers)
        return Result([Reply(say.SKIPPED), *result.replies], retire_buttons=True)

    async def _after(
        self,
        who: str,
        consultation: api.Consultation,
        question: api.Question,
        answers: dict[int, api.StoredAnswer],
    ) -> Result:
        state = self.store.get(who)
        following = self._next(consultation, answers, state, after=question.id)
        if following is None:
            return await self._summary(who, consultation.slug, consultation, answers)
        return Result(self._ask(who, consultation, following, answers))

    async def _summary(
        self,
        who: str,
        slug: str,
        consultation: api.Consultation | None = None,
        answers: dict[int, api.StoredAnswer] | None = None,
    ) -> Result:
        consultation = consultation or await self.api.consultation(slug)
        answers = answers if answers is not None else await self._answers(slug, who)
        self._update(who, awaiting=None)
        lines = [(q.prompt, describe_answer(q, answers.get(q.id))) for q in consultation.questions]
        me = await self.api.me(who)
        code = self.store.code_for(slug)
        buttons = summary_buttons(code, consultation.questions, me.subscribed)
        return Result([Reply(wording.summary(lines, consultation.feedback_due), buttons)])

    async def _stale(self, who: str, slug: str, consultation: api.Consultation) -> Result:
        if not consultation.accepting_answers:
            return Result([Reply(say.CLOSED)], notice=say.CLOSED, retire_buttons=True)
        now = await self._continue(who, slug)
        return Result(
            [Reply(say.STALE_BUTTON), *now.replies],
            notice=say.STALE_BUTTON,
            retire_buttons=True,
        )

    # State helpers

    def _update(self, who: str, **changes: Any) -> None:
        state = self.store.get(who)
        state.update(changes)
        self.store.put(who, state)

    def _ticks(self, who: str, qid: int) -> set[int]:
        return set(self.store.get(who).get("ticks", {}).get(str(qid), []))

    def _set_ticks(self, who: str, qid: int, ticks: set[int]) -> None:
        state = self.store.get(who)
        state.setdefault("ticks", {})[str(qid)] = sorted(ticks)
        self.store.put(who, state)


_COMMAND = re.compile(r"^/([A-Za-z_]+)(?:@\w+)?(?:\s+(.*))?$", re.S)


def parse_command(text: str) -> tuple[str, str] | None:
    """``/define council`` → ("define", "council"); None when the text is not a command."""
    match = _COMMAND.match(text.strip())
    return (match.group(1).lower(), (match.group(2) or "").strip()) if match else None
