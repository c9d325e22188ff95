"""The conversation run against the back end: what every chat channel calls.

``bot.conversation.Dialogue`` decides what to say and save without any I/O; each of its
turns yields requests (``bot.requests``). ``Conversation`` loads the person's state from the
channel's store, answers each request through the channel API client (a refusal or an outage
goes back into the turn as the error it is), then keeps the state and returns the replies.
"""

from __future__ import annotations

from typing import Any

from bot import requests as ask
from bot.client import ApiClient, ApiProblem, BackendDown
from bot.conversation import Dialogue, Links, Result, chat_language
from bot.state import ChatState
from bot.stores import Store


class Conversation:
    """One channel's conversation; ``who`` is the person's id on that channel."""

    def __init__(self, api: ApiClient, store: Store, links: Links) -> None:
        self.api, self.store, self.links = api, store, links
        self.dialogue = Dialogue(links)

    async def command(
        self, who: str, address: str, name: str, arg: str = "", hint: str | None = None
    ) -> Result:
        state = self.store.get(who)
        return await self._run(
            who, state, self.dialogue.command(who, address, state, name, arg, hint)
        )

    async def text(
        self,
        who: str,
        address: str,
        text: str,
        hint: str | None = None,
        *,
        intent: str | None = None,
        term: str | None = None,
    ) -> Result:
        """Something typed. ``intent`` (and ``term``) is what an NLU made of it, if any."""
        state = self.store.get(who)
        turn = self.dialogue.text(who, address, state, text, hint, intent=intent, term=term)
        return await self._run(who, state, turn)

    async def button(self, who: str, address: str, data: str, hint: str | None = None) -> Result:
        state = self.store.get(who)
        return await self._run(who, state, self.dialogue.button(who, address, state, data, hint))

    def language(self, who: str, hint: str | None = None) -> str:
        """The language to talk to this person in: theirs if picked, else the app's guess."""
        return chat_language(self.store.get(who), hint)

    async def _run(self, who: str, state: ChatState, turn: ask.Steps[Result]) -> Result:
        loaded = state.to_json()
        try:
            request = next(turn)
            while True:
                try:
                    answer = await self._answer(request)
                except (ApiProblem, BackendDown) as error:
                    request = turn.throw(error)
                else:
                    request = turn.send(answer)
        except StopIteration as finished:
            result: Result = finished.value
        if state.forgotten:
            self.store.forget(who)
        elif state.to_json() != loaded:
            self.store.put(who, state)
        return result

    async def _answer(self, request: ask.Request[Any]) -> Any:
        """Do what the turn asked: a call to the back end, or a look-up in the store."""
        api = self.api
        match request:
            case ask.Consultations():
                return await api.consultations()
            case ask.GetConsultation(slug):
                return await api.consultation(slug)
            case ask.Answers(slug, who):
                return await api.answers(slug, who)
            case ask.Submit(slug, who, answers):
                return await api.submit(slug, who, list(answers))
            case ask.Glossary():
                return await api.glossary()
            case ask.Me(who):
                return await api.me(who)
            case ask.Profile(who, age_band, area):
                return await api.profile(who, age_band=age_band, area=area)
            case ask.Subscribe(who, address):
                return await api.subscribe(who, address)
            case ask.Unsubscribe(who):
                return await api.unsubscribe(who)
            case ask.Topics():
                return await api.topics()
            case ask.FollowTopics(who, topics):
                return await api.follow_topics(who, list(topics))
            case ask.Forget(who):
                return await api.forget(who)
            case ask.CodeFor(slug):
                return self.store.code_for(slug)
            case ask.SlugFor(code):
                return self.store.slug_for(code)
        raise TypeError(f"no way to answer {type(request).__name__}")
