"""Domain errors and HTTP errors mapped once: a friendly page, or a problem document for the API."""

from __future__ import annotations

import io
import logging
import math

from flask import (
    Flask,
    Response,
    has_request_context,
    jsonify,
    make_response,
    render_template,
    request,
)
from flask_babel import get_locale, gettext, ngettext
from flask_limiter.errors import RateLimitExceeded
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException

from consultations.errors import DomainError, InvalidAnswer
from youthvoice_settings.logs import log_error

log = logging.getLogger(__name__)

PROBLEM_TYPE = "application/problem+json"


def problem(status: int, title: str, detail: str, **extra: object) -> Response:
    """An RFC 9457 problem document, its title and detail in the reader's language.

    A channel shows ``detail`` to the young person, so it is translated wherever the
    catalogue has the words; words made with values in them stay as they are.
    """
    if has_request_context():
        title, detail = gettext(title), gettext(detail)
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_TYPE
    return response


def _wants_problem() -> bool:
    return request.path.startswith("/api/")


def N_(message: str) -> str:
    """Marks a message for extraction; ``_words`` translates it when a page shows it."""
    return message


def _staff_page() -> bool:
    return request.blueprint == "staff"


def _words(message: str, **values: object) -> str:
    """A message in the reader's language; the staff console stays in English."""
    if _staff_page():
        return message % values if values else message
    return gettext(message, **values)


def _page(title: str, detail: str) -> str:
    # Staff see the console's own page, with a way back into it; forum members the forum's.
    if _staff_page():
        return render_template("staff/error.html", title=title, detail=detail)
    template = "forum/error.html" if request.blueprint == "forum" else "error.html"
    return render_template(template, title=gettext(title), detail=gettext(detail))


# Werkzeug's names of the errors a page can show, marked so they are translated.
HTTP_TITLES = {
    400: N_("Bad Request"),
    403: N_("Forbidden"),
    404: N_("Not Found"),
    405: N_("Method Not Allowed"),
    413: N_("Request Entity Too Large"),
}


# Why the edge refused input (webapp.security): the API's words, then the page's.
REFUSALS: dict[str, tuple[int, str, str, str]] = {
    "nul": (
        422,
        "Unprocessable Content",
        "Text must not contain NUL characters.",
        N_("Something in that request did not make sense. Please go back and try again."),
    ),
    "surrogate": (
        422,
        "Unprocessable Content",
        "Text must not contain half of a character (a lone surrogate such as \\ud800).",
        N_(
            "Something you sent has a broken character in it. "
            "Please check what you typed and send it again."
        ),
    ),
    "too deep": (
        400,
        "Bad Request",
        "The JSON body is nested too deeply.",
        N_("Something in that request did not make sense. Please go back and try again."),
    ),
}


def refuse_input(why: str) -> Response:
    """Input no view can use: a problem document for the API, a 400 page on the web."""
    status, title, api_detail, page_detail = REFUSALS[why]
    if _wants_problem():
        return problem(status, title, api_detail)
    return make_response(_page(HTTP_TITLES[400], page_detail), 400)


def _forget_body() -> None:
    # A body too big to read stays unread: a form on the error page (the language picker)
    # would otherwise read it again and fail with the same error, this time with no page.
    request.__dict__["stream"] = io.BytesIO()
    request.__dict__["form"] = ImmutableMultiDict()
    request.__dict__["files"] = ImmutableMultiDict()


# What an API caller reads for an HTTP error, instead of Werkzeug's English for browsers.
API_DETAILS = {
    400: N_("The request could not be read."),
    404: N_("There is nothing at this address."),
    405: N_("This address does not take that method."),
    413: N_("That was too much to send in one go."),
}


def _detail(error: DomainError) -> str:
    """The error's detail in the reader's language when the domain has the words for it."""
    if has_request_context() and not _staff_page():  # the console stays in English
        locale = get_locale()
        said = error.in_language(locale.language if locale is not None else None)
        if said is not None:
            return said
    return error.detail


def domain_problem(error: DomainError) -> Response:
    extra: dict[str, object] = {}
    if isinstance(error, InvalidAnswer):
        extra["errors"] = [
            {
                "pointer": f"/answers/{p.index}",
                "index": p.index,
                "question_id": p.question_id,
                "message": gettext(p.message),
            }
            for p in error.problems
        ]
    return problem(error.status, error.title, _detail(error), **extra)


def too_many_requests(page: str | None = None) -> Response:
    """429 with Retry-After: a problem document for the API, a kind page on the web."""
    from webapp.security import retry_after

    wait = retry_after()
    if _wants_problem():
        detail = ngettext(
            "Too many requests from this caller. Try again in %(num)s second.",
            "Too many requests from this caller. Try again in %(num)s seconds.",
            wait,
        )
        response = problem(429, N_("Too Many Requests"), detail, retry_after=wait)
    else:
        body = page or _page(
            N_("Slow down a little"),
            _words(
                N_(
                    "Lots of things were sent from here in a short time, so we paused for a "
                    "moment. Please wait about %(wait)s, then try again."
                ),
                wait=_in_words(wait),
            ),
        )
        response = make_response(body, 429)
    response.headers["Retry-After"] = str(wait)
    return response


def _in_words(seconds: int) -> str:
    if seconds < 60:
        return _words(N_("a minute")) if seconds > 30 else _words(N_("half a minute"))
    minutes = math.ceil(seconds / 60)
    if _staff_page():
        return f"{minutes} minutes"
    return ngettext("%(num)s minute", "%(num)s minutes", minutes)


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def on_domain_error(error: DomainError) -> Response | tuple[str, int]:
        if _wants_problem():
            return domain_problem(error)
        return _page(error.title, _detail(error)), error.status

    @app.errorhandler(RateLimitExceeded)
    def on_rate_limited(error: RateLimitExceeded) -> Response:
        return too_many_requests()

    @app.errorhandler(HTTPException)
    def on_http_error(error: HTTPException) -> Response | tuple[str, int]:
        status = error.code or 500
        if status == 413:
            _forget_body()
        if _wants_problem():
            title = HTTP_TITLES.get(status, error.name)
            return problem(status, title, API_DETAILS.get(status, error.description or title))
        detail = {
            400: N_("Something in that request did not make sense. Please go back and try again."),
            404: N_("We could not find that page."),
            403: N_("Your role does not include this page. Ask an administrator if you need it."),
            405: N_("That is not something this page can do."),
            413: N_("That was too much to send in one go."),
        }.get(status, error.description or "")
        return _page(HTTP_TITLES.get(status, error.name), detail), status

    @app.errorhandler(Exception)
    def on_unexpected(error: Exception) -> Response | tuple[str, int]:
        # Never a stack trace to a young person. The log keeps where it failed, not the
        # exception's message: database errors quote the values a young person sent.
        route = request.url_rule.rule if request.url_rule else "(no route)"
        log_error(log, f"unexpected error on {request.method} {route}", error, route=route)
        if _wants_problem():
            return problem(500, N_("Something went wrong"), N_("Please try again in a minute."))
        return (
            _page(
                N_("Something went wrong"),
                N_("Sorry, that did not work. Please try again in a minute."),
            ),
            500,
        )
