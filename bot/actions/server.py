"""Run the action server: rasa-sdk's Sanic app with our actions and a quiet error handler."""

from __future__ import annotations

import json
import logging
import warnings
import zlib
from functools import partial
from typing import Any

with warnings.catch_warnings():
    # rasa-sdk's dependencies still import pkg_resources; that is their business, not ours.
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    from rasa_sdk.endpoint import create_app_for_serve
    from rasa_sdk.executor import ActionExecutor
    from sanic import Sanic, response
    from sanic.request import Request
    from sanic.worker.loader import AppLoader

from bot.actions.actions import ACTIONS
from youthvoice_settings import Settings, logs

log = logging.getLogger(__name__)
DEFAULT_PORT = 5055
# Rasa may deflate a call; a real one is a few hundred kilobytes, so more is not a call.
INFLATED_MAX = 16 * 1024 * 1024
NOT_JSON = "Send the action call as JSON, as Rasa does."

# Parts of Rasa's tracker that rasa-sdk reads, and the JSON type each must have.
TRACKER_PARTS: dict[str, tuple[type, ...]] = {
    "slots": (dict,),
    "latest_message": (dict, type(None)),
    "events": (list,),
    "active_loop": (dict,),
    "followup_action": (str, type(None)),
    "latest_action_name": (str, type(None)),
}


def executor(settings: Settings) -> ActionExecutor:
    """An executor that knows exactly our actions (no package scanning, no reloading)."""
    actions = ActionExecutor()
    for action in ACTIONS:
        actions.register_action(action(settings))  # type: ignore[call-arg,unused-ignore]
    return actions


def _decoded(request: Request) -> Any:
    """The call's JSON, inflated first if Rasa deflated it; ValueError when it is not JSON."""
    body = request.body
    if request.headers.get("Content-Encoding") == "deflate":
        inflater = zlib.decompressobj()
        try:
            body = inflater.decompress(body, INFLATED_MAX)
        except zlib.error:
            raise ValueError(NOT_JSON) from None
        if inflater.unconsumed_tail:
            raise ValueError("The action call is too big.")
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise ValueError(NOT_JSON) from None


def refusal(call: Any) -> str | None:
    """What is wrong with a ``/webhook`` call, in plain words; None when Rasa could send it.

    rasa-sdk reads these parts without checking them, so a call missing one was a 500.
    """
    if not isinstance(call, dict):
        return "Send the action call as a JSON object."
    if "next_action" not in call:
        return None  # rasa-sdk answers a call without an action itself
    if not isinstance(call["next_action"], str):
        return "next_action must be the name of an action."
    if not isinstance(call.get("version"), str | None):
        return "version must be Rasa's version, as text."
    if not isinstance(call.get("domain"), dict | None):
        return "domain must be a JSON object."
    tracker = call.get("tracker")
    if not isinstance(tracker, dict):
        return "The action call needs a tracker: the conversation so far, as Rasa sends it."
    if not isinstance(tracker.get("sender_id"), str):
        return "The tracker needs a sender_id."
    for part, types in TRACKER_PARTS.items():
        if part in tracker and not isinstance(tracker[part], types):
            return f"The tracker's {part} is not what Rasa sends."
    if any(not isinstance(event, dict) for event in tracker.get("events") or []):
        return "The tracker's events is not what Rasa sends."
    return None


async def refuse_malformed_calls(request: Request) -> response.HTTPResponse | None:
    """A 400 in plain words for a call rasa-sdk could not run, before it tries."""
    if request.method != "POST" or request.path != "/webhook":
        return None
    try:
        why = refusal(_decoded(request))
    except ValueError as error:
        why = str(error)
    return response.json({"error": why}, status=400) if why else None


def make_app(settings: Settings) -> Sanic:
    """rasa-sdk's app, with its catch-all error handler replaced.

    rasa-sdk's own handler answers a failure with the whole request body (the tracker, with
    everything the young person typed) and logs the request; ours says only that it failed.
    """
    # Sanic serves from a worker process of its own, which starts with no log set up.
    if not logs.configured():
        logs.configure_from(settings, service="actions")
    app = create_app_for_serve(executor(settings), cors_origins=[])

    async def quiet_error(request: Request, exception: Exception) -> response.HTTPResponse:
        logs.log_error(log, "action request failed", exception)
        status = getattr(exception, "status_code", 500)
        status = status if isinstance(status, int) and 400 <= status < 600 else 500
        return response.json({"error": "The action could not be run."}, status=status)

    # Sanic refuses a second handler for the same exception through its API, so replace it.
    app.error_handler.cached_handlers[(Exception, None)] = quiet_error
    app.register_middleware(refuse_malformed_calls, "request")
    return app


def run(settings: Settings, host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> None:
    """Serve ``/webhook``, ``/health`` and ``/actions`` until stopped."""
    loader = AppLoader(factory=partial(make_app, settings))
    app = loader.load()
    app.prepare(host=host, port=port, workers=1, access_log=False, motd=False)
    Sanic.serve(primary=app, app_loader=loader)
