"""Domain errors and HTTP errors mapped once: a friendly page, or a problem document for the API."""

from __future__ import annotations

import logging
import math
import traceback

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import HTTPException

from consultations.errors import DomainError, InvalidAnswer

log = logging.getLogger(__name__)

PROBLEM_TYPE = "application/problem+json"


def problem(status: int, title: str, detail: str, **extra: object) -> Response:
    """An RFC 9457 problem document."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_TYPE
    return response


def _wants_problem() -> bool:
    return request.path.startswith("/api/")


def _page(title: str, detail: str) -> str:
    # Staff see the console's own page, with a way back into it.
    template = "staff/error.html" if request.blueprint in ("staff", "forum") else "error.html"
    return render_template(template, title=title, detail=detail)


def domain_problem(error: DomainError) -> Response:
    extra: dict[str, object] = {}
    if isinstance(error, InvalidAnswer):
        extra["errors"] = [
            {"index": p.index, "question_id": p.question_id, "message": p.message}
            for p in error.problems
        ]
    return problem(error.status, error.title, error.detail, **extra)


def too_many_requests(page: str | None = None) -> Response:
    """429 with Retry-After: a problem document for the API, a kind page on the web."""
    from webapp.security import retry_after

    wait = retry_after()
    if _wants_problem():
        response = problem(
            429,
            "Too Many Requests",
            f"Too many requests from this caller. Try again in {wait} seconds.",
            retry_after=wait,
        )
    else:
        body = page or _page(
            "Slow down a little",
            "Lots of things were sent from here in a short time, so we paused for a moment. "
            f"Please wait about {_in_words(wait)}, then try again.",
        )
        response = make_response(body, 429)
    response.headers["Retry-After"] = str(wait)
    return response


def _in_words(seconds: int) -> str:
    if seconds < 60:
        return "a minute" if seconds > 30 else "half a minute"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minutes"


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def on_domain_error(error: DomainError) -> Response | tuple[str, int]:
        if _wants_problem():
            return domain_problem(error)
        return _page(error.title, error.detail), error.status

    @app.errorhandler(RateLimitExceeded)
    def on_rate_limited(error: RateLimitExceeded) -> Response:
        return too_many_requests()

    @app.errorhandler(HTTPException)
    def on_http_error(error: HTTPException) -> Response | tuple[str, int]:
        status = error.code or 500
        if _wants_problem():
            return problem(status, error.name, error.description or error.name)
        detail = {
            400: "Something in that request did not make sense. Please go back and try again.",
            404: "We could not find that page.",
            403: "Your role does not include this page. Ask an administrator if you need it.",
            405: "That is not something this page can do.",
            413: "That was too much to send in one go.",
        }.get(status, error.description or "")
        return _page(error.name, detail), status

    @app.errorhandler(Exception)
    def on_unexpected(error: Exception) -> Response | tuple[str, int]:
        # Never a stack trace to a young person. The log keeps where it failed, not the
        # exception's message: database errors quote the values a young person sent.
        frames = "".join(traceback.format_tb(error.__traceback__))
        log.error(
            "unexpected %s on %s %s\n%s",
            type(error).__name__,
            request.method,
            request.url_rule,
            frames,
        )
        if _wants_problem():
            return problem(500, "Something went wrong", "Please try again in a minute.")
        return (
            _page(
                "Something went wrong", "Sorry, that did not work. Please try again in a minute."
            ),
            500,
        )
