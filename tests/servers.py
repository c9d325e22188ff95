"""The one way a test puts a WSGI app on a real loopback port.

The back end for the bot and the channels, the page a browser opens, the switchboard the Rasa
action server calls and the fake Rasa all go through ``serve``: one thread per request, no
request log, and a quick shutdown so a test's teardown does not wait on the server.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server

# How often the serving loop looks for a shutdown request. The standard library's 0.5 s is
# paid at every teardown; a test suite stops several hundred servers.
POLL_INTERVAL = 0.02


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        # No request log: query strings and paths can carry participant ids.
        pass


# How long a stopping server waits for requests still being answered.
IN_FLIGHT_WAIT = 5.0


class InFlight:
    """The WSGI app, counting the requests it is answering.

    A request still running when a test ends (a page's last poll, a report being made)
    holds a database connection; if the test's engine were disposed under it, the
    connection would go back to a pool nobody closes, and surface in a later test as a
    ResourceWarning. The server waits for them first.
    """

    def __init__(self, app: Any) -> None:
        self.app, self.running = app, 0
        self._changed = threading.Condition()

    def __call__(self, environ: Any, start_response: Any) -> Any:
        with self._changed:
            self.running += 1
        try:
            return self.app(environ, start_response)
        finally:
            with self._changed:
                self.running -= 1
                self._changed.notify_all()

    def wait_until_idle(self, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self.running == 0, timeout)


@contextmanager
def serve(wsgi_app: Any) -> Iterator[str]:
    """``wsgi_app`` on 127.0.0.1 at a free port, one thread per request; yields its base URL."""
    counted = InFlight(wsgi_app)
    server = make_server("127.0.0.1", 0, counted, threaded=True, request_handler=QuietHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(POLL_INTERVAL,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        counted.wait_until_idle(IN_FLIGHT_WAIT)
        server.server_close()
        thread.join(timeout=5)


def free_port() -> int:
    """A port nothing listens on now, for a process that must be told its port up front."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
