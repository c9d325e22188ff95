"""Run the action server: rasa-sdk's Sanic app with our actions and a quiet error handler."""

from __future__ import annotations

import logging
import warnings
from functools import partial

with warnings.catch_warnings():
    # rasa-sdk's dependencies still import pkg_resources; that is their business, not ours.
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    from rasa_sdk.endpoint import create_app_for_serve
    from rasa_sdk.executor import ActionExecutor
    from sanic import Sanic, response
    from sanic.request import Request
    from sanic.worker.loader import AppLoader

from bot.actions.actions import ACTIONS

log = logging.getLogger(__name__)
DEFAULT_PORT = 5055


def executor() -> ActionExecutor:
    """An executor that knows exactly our actions (no package scanning, no reloading)."""
    actions = ActionExecutor()
    for action in ACTIONS:
        actions.register_action(action)
    return actions


def make_app() -> Sanic:
    """rasa-sdk's app, with its catch-all error handler replaced.

    rasa-sdk's own handler answers a failure with the whole request body (the tracker, with
    everything the young person typed) and logs the request; ours says only that it failed.
    """
    app = create_app_for_serve(executor(), cors_origins=[])

    async def quiet_error(request: Request, exception: Exception) -> response.HTTPResponse:
        log.error("action request failed: %s", type(exception).__name__)
        status = getattr(exception, "status_code", 500)
        status = status if isinstance(status, int) and 400 <= status < 600 else 500
        return response.json({"error": "The action could not be run."}, status=status)

    # Sanic refuses a second handler for the same exception through its API, so replace it.
    app.error_handler.cached_handlers[(Exception, None)] = quiet_error
    return app


def run(host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> None:
    """Serve ``/webhook``, ``/health`` and ``/actions`` until stopped."""
    loader = AppLoader(factory=partial(make_app))
    app = loader.load()
    app.prepare(host=host, port=port, workers=1, access_log=False, motd=False)
    Sanic.serve(primary=app, app_loader=loader)
