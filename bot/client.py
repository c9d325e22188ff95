"""An async client of the channel API (``/api/v1``): the bot's only way into the back end."""

from __future__ import annotations

from typing import Any

import httpx

from bot import api_root, wording

DEFAULT_TIMEOUT = 10.0


class BackendDown(Exception):
    """The back end could not be reached, or failed on its side (5xx)."""


class ApiProblem(Exception):
    """The back end refused a request with an RFC 9457 problem document."""

    def __init__(self, status: int, title: str, detail: str, body: dict[str, Any]) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail, self.body = status, title, detail, body


def read_reply(response: httpx.Response) -> Any:
    """A reply's JSON body; BackendDown for a 5xx or non-JSON reply, ApiProblem for a 4xx.

    Every chat channel reads the back end's replies this way (Telegram, terminal, Rasa).
    """
    if response.status_code >= 500:
        raise BackendDown(f"HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        raise BackendDown("not JSON") from None
    if response.status_code >= 400:
        body = body if isinstance(body, dict) else {}
        raise ApiProblem(
            response.status_code, str(body.get("title", "")), str(body.get("detail", "")), body
        )
    return body


class ApiClient:
    """One participant-facing channel's view of the back end."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        channel: str = "telegram",
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.channel = channel
        self._http = httpx.AsyncClient(
            base_url=api_root(base_url),
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
            transport=transport,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        # Ask for the words in the language the conversation is being held in.
        headers = {"Accept-Language": wording.current_language(), **kwargs.pop("headers", {})}
        try:
            response = await self._http.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as error:
            raise BackendDown(type(error).__name__) from None
        return read_reply(response)

    def _who(self, user_id: str) -> dict[str, str]:
        return {"channel": self.channel, "id": str(user_id)}

    def _as(self, user_id: str) -> dict[str, str]:
        # In headers, not the query string: proxies and access logs record query strings.
        return {"X-Participant-Channel": self.channel, "X-Participant-Id": str(user_id)}

    async def check(self) -> None:
        """Raise BackendDown or ApiProblem (401: wrong channel token) before serving anyone."""
        await self._call("GET", "/consultations")

    async def consultations(self) -> list[dict[str, Any]]:
        return list((await self._call("GET", "/consultations"))["consultations"])

    async def consultation(self, slug: str) -> dict[str, Any]:
        return dict(await self._call("GET", f"/consultations/{slug}"))

    async def answers(self, slug: str, user_id: str) -> list[dict[str, Any]]:
        body = await self._call("GET", f"/consultations/{slug}/answers", headers=self._as(user_id))
        return list(body["answers"])

    async def submit(self, slug: str, user_id: str, answers: list[dict[str, Any]]) -> str | None:
        """Save answers; returns the help the young person must be shown now, if any.

        The back end adds ``support`` when an answer reads as a disclosure (Childline, 999)
        or mentions a hate incident (the reporting link): every channel passes it on.
        """
        body = await self._call(
            "POST",
            f"/consultations/{slug}/answers",
            json={"participant": self._who(user_id), "answers": answers},
        )
        support = body.get("support") or {}
        return str(support["message"]) if support.get("message") else None

    async def glossary(self) -> list[dict[str, Any]]:
        return list((await self._call("GET", "/glossary"))["glossary"])

    async def me(self, user_id: str) -> dict[str, Any]:
        return dict(await self._call("GET", "/participants/me", headers=self._as(user_id)))

    async def profile(
        self, user_id: str, *, age_band: str | None = None, area: str | None = None
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {"participant": self._who(user_id)}
        if age_band is not None:
            payload["age_band"] = age_band
        if area is not None:
            payload["area"] = area
        return dict(await self._call("POST", "/participants/profile", json=payload))

    async def subscribe(self, user_id: str, address: str) -> dict[str, Any]:
        payload = {"participant": self._who(user_id), "address": str(address)}
        return dict(await self._call("POST", "/subscriptions", json=payload))

    async def unsubscribe(self, user_id: str) -> dict[str, Any]:
        payload = {"participant": self._who(user_id)}
        return dict(await self._call("POST", "/subscriptions/stop", json=payload))

    async def forget(self, user_id: str) -> bool:
        payload = {"participant": self._who(user_id)}
        return bool((await self._call("POST", "/participants/forget", json=payload))["forgotten"])

    async def lease(self, *, limit: int = 100, lease_seconds: int = 60) -> list[dict[str, Any]]:
        payload = {"limit": limit, "lease_seconds": lease_seconds}
        return list((await self._call("POST", "/outbox/lease", json=payload))["messages"])

    async def ack(
        self,
        message_id: int,
        lease_token: str,
        outcome: str,
        *,
        retry_after: float = 0,
        error: str | None = None,
    ) -> str:
        payload: dict[str, Any] = {"lease_token": lease_token, "outcome": outcome}
        if retry_after:
            payload["retry_after"] = retry_after
        if error:
            payload["error"] = error
        body = await self._call("POST", f"/outbox/{message_id}/ack", json=payload)
        return str(body["status"])
