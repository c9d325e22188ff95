"""The back end as the action server sees it: a few calls to ``/api/v1`` over HTTP."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from bot import api_root, wording
from bot.client import ApiProblem, BackendDown, read_reply

CHANNEL = "rasa"
DEFAULT_API_URL = "http://127.0.0.1:5000/api/v1"
# The API refuses participant ids longer than this; longer ones are hashed to fit.
ID_MAX = 128


@dataclass
class Refused(Exception):
    """The back end said no (4xx) with a problem document."""

    status: int
    detail: str = ""
    errors: list[dict[str, Any]] = field(default_factory=list)


def api_token_from_env() -> str:
    """The ``rasa`` channel token: YOUTHVOICE_RASA_TOKEN, or the rasa entry of the token list."""
    token = os.environ.get("YOUTHVOICE_RASA_TOKEN", "").strip()
    if token:
        return token
    for item in os.environ.get("YOUTHVOICE_CHANNEL_TOKENS", "").split(","):
        name, sep, value = item.strip().partition(":")
        if sep and name.strip() == CHANNEL and value.strip():
            return value.strip()
    return ""


def participant_id(input_channel: str | None, sender_id: str) -> str:
    """One id per conversation on one Rasa channel; the back end turns it into a pseudonym."""
    raw = f"{input_channel or 'unknown'}:{sender_id}"
    if len(raw) <= ID_MAX:
        return raw
    return "sha256:" + hashlib.sha256(raw.encode()).hexdigest()


def _path(slug: str) -> str:
    """A consultation's path; the slug came from a chat message, so it is quoted whole."""
    return f"/consultations/{quote(slug, safe='')}"


class Backend:
    """A small async client for ``/api/v1``, authenticated as the ``rasa`` channel."""

    def __init__(self, base_url: str, token: str, *, timeout: float = 10.0) -> None:
        self.base_url = api_root(base_url)
        self.headers = {"Authorization": f"Bearer {token}"}
        self.timeout = timeout

    @classmethod
    def from_env(cls) -> Backend:
        return cls(os.environ.get("YOUTHVOICE_API_URL", DEFAULT_API_URL), api_token_from_env())

    async def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        # The consultation's words and any help come back in the language being spoken.
        headers = {"Accept-Language": wording.current_language(), **(headers or {})}
        try:
            async with httpx.AsyncClient(timeout=self.timeout, headers=self.headers) as client:
                response = await client.request(
                    method, f"{self.base_url}{path}", json=json, params=params, headers=headers
                )
        except httpx.HTTPError as error:
            raise BackendDown(type(error).__name__) from None
        try:
            return read_reply(response)
        except ApiProblem as problem:
            errors = list(problem.body.get("errors") or [])
            raise Refused(problem.status, problem.detail, errors) from None

    async def consultations(self) -> list[dict[str, Any]]:
        return (await self._call("GET", "/consultations"))["consultations"]

    async def consultation(self, slug: str) -> dict[str, Any]:
        return await self._call("GET", _path(slug))

    async def submit(self, slug: str, who: str, answers: list[dict[str, Any]]) -> str | None:
        """Save answers; returns the help the young person must be shown now, if any."""
        body = {"participant": {"channel": CHANNEL, "id": who}, "answers": answers}
        reply = await self._call("POST", f"{_path(slug)}/answers", json=body)
        support = reply.get("support") or {}
        return str(support["message"]) if support.get("message") else None

    async def my_answers(self, slug: str, who: str) -> list[dict[str, Any]]:
        # In headers, not the query string: proxies and access logs record query strings.
        params = {"X-Participant-Channel": CHANNEL, "X-Participant-Id": who}
        return (await self._call("GET", f"{_path(slug)}/answers", headers=params))["answers"]

    async def me(self, who: str) -> dict[str, Any]:
        headers = {"X-Participant-Channel": CHANNEL, "X-Participant-Id": who}
        return await self._call("GET", "/participants/me", headers=headers)

    async def subscribe(self, who: str, address: str) -> dict[str, Any]:
        body = {"participant": {"channel": CHANNEL, "id": who}, "address": address}
        return await self._call("POST", "/subscriptions", json=body)

    async def unsubscribe(self, who: str) -> dict[str, Any]:
        body = {"participant": {"channel": CHANNEL, "id": who}}
        return await self._call("POST", "/subscriptions/stop", json=body)

    async def forget(self, who: str) -> bool:
        body = {"participant": {"channel": CHANNEL, "id": who}}
        return bool((await self._call("POST", "/participants/forget", json=body))["forgotten"])
