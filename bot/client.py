"""The one client of the channel API (``/api/v1``): every chat channel process uses it.

Typed with the API's own models (``channel_api.payloads``): a request is built and a reply
read through the same models the back end validates and documents with, so the two cannot
drift apart unnoticed. Async, for Telegram, the Rasa action server and the delivery worker;
``SyncApiClient`` wraps it for a process without an event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from bot import wording

# The errors are the conversation's to handle, so they are defined beside its requests.
from bot.requests import ApiProblem, BackendDown
from channel_api import payloads as p
from youthvoice_settings import api_root

DEFAULT_TIMEOUT = 10.0
# A refused connection is tried once more: nothing was sent, so even a POST is safe to repeat,
# and a back end restarting (a deploy, a gunicorn worker recycled) is back within a moment.
CONNECT_RETRIES = 1

Model = TypeVar("Model", bound=BaseModel)
T = TypeVar("T")
P = ParamSpec("P")


def read_reply(response: httpx.Response, model: type[Model]) -> Model:
    """A reply as its model; BackendDown for a 5xx or a body that is not one, ApiProblem for 4xx."""
    if response.status_code >= 500:
        raise BackendDown(f"HTTP {response.status_code}")
    if response.status_code >= 400:
        try:
            problem = p.Problem.model_validate_json(response.content)
        except ValidationError:
            # Not from the API (a proxy's page, say): the status is all there is to go on.
            problem = p.Problem(title="", status=response.status_code, detail="")
        raise ApiProblem(response.status_code, problem)
    try:
        return model.model_validate_json(response.content)
    except ValidationError as error:
        raise BackendDown(f"unexpected reply ({error.error_count()} problems)") from None


def _body(model: BaseModel) -> dict[str, Any]:
    # Fields left empty are left out, as the API's defaults stand for them.
    return model.model_dump(mode="json", exclude_none=True)


def _slug(slug: str) -> str:
    """A consultation's path segment; a slug can come from a chat message, so it is quoted."""
    return quote(slug, safe="")


class ApiClient:
    """One chat channel's view of the back end, authenticated with that channel's token."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        channel: str,
        timeout: float = DEFAULT_TIMEOUT,
        connect_timeout: float | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.channel = channel
        self._http = httpx.AsyncClient(
            base_url=api_root(base_url),
            headers={"Authorization": f"Bearer {token}"},
            timeout=httpx.Timeout(timeout, connect=connect_timeout or timeout),
            transport=transport or httpx.AsyncHTTPTransport(retries=CONNECT_RETRIES),
        )

    async def __aenter__(self) -> ApiClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _call(
        self,
        model: type[Model],
        method: str,
        path: str,
        *,
        body: BaseModel | None = None,
        speaking_for: str | None = None,
    ) -> Model:
        # Ask for the words (and any refusal) in the language the conversation is held in.
        headers = {"Accept-Language": wording.current_language()}
        if speaking_for is not None:
            # In headers, not the query string: proxies and access logs record query strings.
            headers[p.PARTICIPANT_CHANNEL_HEADER] = self.channel
            headers[p.PARTICIPANT_ID_HEADER] = str(speaking_for)
        try:
            response = await self._http.request(
                method, path, headers=headers, json=None if body is None else _body(body)
            )
        except httpx.HTTPError as error:
            raise BackendDown(type(error).__name__) from None
        return read_reply(response, model)

    def _who(self, user_id: str) -> p.Participant:
        return p.Participant(channel=self.channel, id=str(user_id))

    async def check(self) -> None:
        """Raise BackendDown or ApiProblem (401: wrong channel token) before serving anyone."""
        await self._call(p.ConsultationList, "GET", "/consultations")

    async def consultations(self) -> list[p.ConsultationSummary]:
        return (await self._call(p.ConsultationList, "GET", "/consultations")).consultations

    async def consultation(self, slug: str) -> p.Consultation:
        return await self._call(p.Consultation, "GET", f"/consultations/{_slug(slug)}")

    async def answers(self, slug: str, user_id: str) -> list[p.StoredAnswer]:
        path = f"/consultations/{_slug(slug)}/answers"
        return (await self._call(p.StoredAnswers, "GET", path, speaking_for=user_id)).answers

    async def submit(
        self, slug: str, user_id: str, answers: list[p.AnswerIn], *, access_code: str | None = None
    ) -> p.Saved:
        """Save answers. ``support``, when the reply has it, must be sent to the person now.

        The back end adds it when an answer reads as a disclosure (Childline, 999) or
        mentions a hate incident (the reporting link): every channel passes it on.
        """
        submission = p.Submission(
            participant=self._who(user_id), answers=answers, access_code=access_code
        )
        path = f"/consultations/{_slug(slug)}/answers"
        return await self._call(p.Saved, "POST", path, body=submission)

    async def glossary(self) -> list[p.GlossaryEntry]:
        return (await self._call(p.Glossary, "GET", "/glossary")).glossary

    async def me(self, user_id: str) -> p.ParticipantSettings:
        return await self._call(
            p.ParticipantSettings, "GET", "/participants/me", speaking_for=user_id
        )

    async def export(self, user_id: str) -> p.ParticipantExport:
        return await self._call(
            p.ParticipantExport, "GET", "/participants/export", speaking_for=user_id
        )

    async def profile(
        self, user_id: str, *, age_band: str | None = None, area: str | None = None
    ) -> p.ParticipantSettings:
        change = p.ProfileChange(participant=self._who(user_id), age_band=age_band, area=area)
        return await self._call(p.ParticipantSettings, "POST", "/participants/profile", body=change)

    async def areas(self) -> p.AreaList:
        """The areas to offer as buttons (keys to send back with ``profile``)."""
        return await self._call(p.AreaList, "GET", "/areas")

    async def topics(self) -> list[p.TopicChoice]:
        """The topics to offer as buttons (keys to send back with ``follow_topics``)."""
        return (await self._call(p.TopicList, "GET", "/topics")).topics

    async def follow_topics(self, user_id: str, topics: list[str]) -> p.ParticipantSettings:
        """Hear about these topics only; an empty list means every topic. Needs an opt-in."""
        change = p.TopicsChange(participant=self._who(user_id), topics=list(topics))
        return await self._call(p.ParticipantSettings, "POST", "/participants/topics", body=change)

    async def subscribe(self, user_id: str, address: str) -> p.ParticipantSettings:
        request = p.SubscriptionRequest(participant=self._who(user_id), address=str(address))
        return await self._call(p.ParticipantSettings, "POST", "/subscriptions", body=request)

    async def unsubscribe(self, user_id: str) -> p.ParticipantSettings:
        request = p.ForParticipant(participant=self._who(user_id))
        return await self._call(p.ParticipantSettings, "POST", "/subscriptions/stop", body=request)

    async def forget(self, user_id: str) -> bool:
        request = p.ForParticipant(participant=self._who(user_id))
        reply = await self._call(p.Forgotten, "POST", "/participants/forget", body=request)
        return reply.forgotten

    async def lease(self, *, limit: int = 100, lease_seconds: int = 60) -> list[p.LeasedMessage]:
        request = p.LeaseRequest(limit=limit, lease_seconds=lease_seconds)
        return (await self._call(p.Lease, "POST", "/outbox/lease", body=request)).messages

    async def still_held(self, messages: list[p.LeasedMessage]) -> set[int]:
        """The ids of these leased messages that may still be sent (nobody said stop since)."""
        check = p.HeldCheck(
            messages=[p.HeldMessage(id=m.id, lease_token=m.lease_token) for m in messages]
        )
        return set((await self._call(p.Held, "POST", "/outbox/held", body=check)).held)

    async def ack(
        self,
        message: p.LeasedMessage,
        outcome: p.DeliveryOutcome,
        *,
        retry_after: float = 0,
        error: str | None = None,
    ) -> p.MessageStatus:
        """Report how a leased message went; returns the message's state now."""
        report = p.Acknowledgement(
            lease_token=message.lease_token,
            outcome=outcome,
            retry_after=float(retry_after),
            error=error or None,
        )
        path = f"/outbox/{message.id}/ack"
        return (await self._call(p.Acknowledged, "POST", path, body=report)).status


def _blocking(
    method: Callable[Concatenate[ApiClient, P], Coroutine[Any, Any, T]],
) -> Callable[Concatenate[SyncApiClient, P], T]:
    """``ApiClient``'s method as a blocking one, with the same parameters."""

    def call(self: SyncApiClient, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return self._run(method(self._api, *args, **kwargs))

    call.__name__, call.__doc__ = method.__name__, method.__doc__
    return call


class SyncApiClient:
    """``ApiClient`` for a process without an event loop: each call runs on a private loop."""

    def __init__(self, base_url: str, token: str, **options: Any) -> None:
        self._loop = asyncio.new_event_loop()
        self._api = ApiClient(base_url, token, **options)

    def _run(self, call: Coroutine[Any, Any, T]) -> T:
        return self._loop.run_until_complete(call)

    def close(self) -> None:
        self._run(self._api.aclose())
        self._loop.close()

    check = _blocking(ApiClient.check)
    lease = _blocking(ApiClient.lease)
    ack = _blocking(ApiClient.ack)
    still_held = _blocking(ApiClient.still_held)
