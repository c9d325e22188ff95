"""Deliver outbox messages to people on Rasa channels through Rasa's ``trigger_intent``.

Rasa channels cannot be pushed to directly, so the worker asks the Rasa server to act as if
the conversation had said the ``EXTERNAL_notify`` intent with the message as the
``notification`` entity; the assistant's rule answers with ``utter_notify``, sent on the
conversation's latest channel. Each row is acknowledged as sent, to be retried, or failed.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from urllib.parse import quote

import httpx

from bot.actions.backend import CHANNEL
from bot.client import ApiProblem, BackendDown, SyncApiClient
from channel_api.payloads import DeliveryOutcome, LeasedMessage
from youthvoice_settings import Settings

# How old the answer to "may these still go?" may be while a batch is sent.
HELD_FRESH_SECONDS = 1.0

log = logging.getLogger(__name__)

INTENT = "EXTERNAL_notify"
ENTITY = "notification"
# Seconds before a message goes again when the Rasa server could not be reached at all.
RASA_DOWN_RETRY = 60


class TokenRefused(Exception):
    """The back end does not accept the Rasa channel token: no retry will change that."""


@dataclass
class Tally:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    # Leased, then not sent: the person said stop meanwhile (or the lease moved on).
    skipped: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed


class RasaDelivery:
    """Lease ``rasa`` rows from ``/api/v1``, trigger them in Rasa, acknowledge each one."""

    def __init__(
        self,
        api_url: str,
        api_token: str,
        rasa_url: str,
        *,
        rasa_token: str = "",
        timeout: float = 10.0,
        batch: int = 50,
    ) -> None:
        self.api = SyncApiClient(api_url, api_token, channel=CHANNEL, timeout=timeout)
        self.rasa = httpx.Client(base_url=rasa_url.rstrip("/"), timeout=timeout)
        self.rasa_token = rasa_token
        self.batch = batch

    @classmethod
    def from_settings(cls, settings: Settings, *, rasa_url: str, rasa_token: str) -> RasaDelivery:
        return cls(
            settings.api_url, settings.channel_token(CHANNEL), rasa_url, rasa_token=rasa_token
        )

    def close(self) -> None:
        self.api.close()
        self.rasa.close()

    def _trigger(self, message: LeasedMessage) -> tuple[DeliveryOutcome, float, str]:
        """Send one message; returns (outcome, retry_after, error) for its acknowledgement."""
        params = {"output_channel": "latest"}
        if self.rasa_token:
            params["token"] = self.rasa_token
        path = f"/conversations/{quote(message.address, safe='')}/trigger_intent"
        body = {"name": INTENT, "entities": {ENTITY: message.full_text()}}
        try:
            response = self.rasa.post(path, params=params, json=body)
        except httpx.HTTPError as error:
            return "retry", RASA_DOWN_RETRY, f"Rasa unreachable: {type(error).__name__}"
        if response.status_code < 300:
            return "sent", 0, ""
        if response.status_code in (429, 502, 503, 504):
            return "retry", RASA_DOWN_RETRY, f"Rasa busy: HTTP {response.status_code}"
        return "failed", 0, f"Rasa refused: HTTP {response.status_code}"

    def _held(self, messages: list[LeasedMessage]) -> set[int]:
        if not messages:
            return set()
        try:
            return self.api.still_held(messages)
        except BackendDown:
            # Unsure is not yes: the leases run out and the rows are asked about again.
            return set()

    def deliver_once(self) -> Tally:
        """One batch: lease, trigger each message, acknowledge each one."""
        tally = Tally()
        try:
            leased = self.api.lease(limit=self.batch)
        except ApiProblem as problem:
            if problem.status in (401, 403):
                raise TokenRefused(
                    f"The back end refused the Rasa channel token (HTTP {problem.status}): "
                    "check YOUTHVOICE_RASA_TOKEN."
                ) from None
            raise
        # Someone who said stop since the lease was taken has had their rows dropped: ask once
        # for the batch, and again once a second while it is being sent.
        held, asked_at = self._held(leased), time.monotonic()
        for index, message in enumerate(leased):
            if time.monotonic() - asked_at > HELD_FRESH_SECONDS:
                held, asked_at = self._held(leased[index:]), time.monotonic()
            if message.id not in held:
                tally.skipped += 1
                continue
            outcome, retry_after, error = self._trigger(message)
            self.api.ack(message, outcome, retry_after=retry_after, error=error)
            if outcome == "sent":
                tally.sent += 1
            elif outcome == "retry":
                tally.retried += 1
            else:
                tally.failed += 1
        if tally.handled:
            log.info(
                "rasa deliveries: %s sent, %s to retry, %s failed",
                tally.sent,
                tally.retried,
                tally.failed,
            )
        return tally

    def run_forever(self, idle_seconds: float = 5.0) -> None:
        """Deliver until stopped; waits ``idle_seconds`` when nothing is due."""
        while True:
            try:
                tally = self.deliver_once()
            except (BackendDown, ApiProblem) as error:
                # Unacknowledged rows come back when their lease runs out.
                log.warning("back end unavailable: %s", type(error).__name__)
                tally = Tally()
            if not tally.handled:
                time.sleep(idle_seconds)
