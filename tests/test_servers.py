"""The loopback server every test uses (tests/servers.py) stops only after the requests it
is answering are done, so none outlives its test's database."""

from __future__ import annotations

import threading
import time

import httpx

from tests.servers import serve


def test_a_request_still_being_answered_finishes_before_the_server_stops():
    finished = threading.Event()
    started = threading.Event()

    def slow(environ, start_response):  # type: ignore[no-untyped-def]
        started.set()
        time.sleep(0.5)
        finished.set()
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"done"]

    with serve(slow) as url:
        caller = threading.Thread(target=lambda: httpx.get(url, timeout=5), daemon=True)
        caller.start()
        assert started.wait(5)
    assert finished.is_set()
    caller.join(5)
