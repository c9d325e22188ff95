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


@contextmanager
def serve(wsgi_app: Any) -> Iterator[str]:
    """``wsgi_app`` on 127.0.0.1 at a free port, one thread per request; yields its base URL."""
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True, request_handler=QuietHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(POLL_INTERVAL,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def free_port() -> int:
    """A port nothing listens on now, for a process that must be told its port up front."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
