"""The youth blueprint and what its page modules share: who the browser is, and when."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from flask import Blueprint, current_app, request, session
from werkzeug.wrappers import Response

from consultations import services
from consultations.models import Participant

bp = Blueprint("youth", __name__)

WEB_CHANNEL = "web"


def _now() -> datetime:
    return datetime.now(UTC)


def _web_token(create: bool) -> str | None:
    """The random id in the signed, httpOnly session cookie that stands for this browser.

    The cookie ends when the browser closes unless the young person ticked "remember me
    on this device" (``remember_on_this_device``).
    """
    token = session.get("participant")
    if token is None and create:
        token = secrets.token_urlsafe(24)
        session["participant"] = token
    return token


def remember_on_this_device(remember: bool) -> None:
    """Keep this browser's identity after it closes (for 31 days), or only until it closes."""
    session.permanent = remember


def _remembered() -> bool:
    return session.permanent and "participant" in session


# Pages that show or change a young person's own answers: never kept by a browser or a
# proxy, so "back" on a shared computer cannot bring them up again.
OWN_ANSWER_PAGES = frozenset(
    {
        "youth.consultation",
        "youth.answer",
        "youth.poll",
        "youth.vote",
        "youth.my_data",
        "youth.my_data_download",
        "youth.forget_me",
        # It may carry the help shown after a disclosure.
        "youth.thanks",
    }
)


@bp.after_request
def no_store_own_answers(response: Response) -> Response:
    if request.endpoint in OWN_ANSWER_PAGES:
        response.headers["Cache-Control"] = "no-store"
    return response


def _web_participant(create: bool) -> Participant | None:
    token = _web_token(create)
    if token is None:
        return None
    key = current_app.config["PSEUDONYM_KEY"]
    if create:
        return services.participant_for(WEB_CHANNEL, token, key=key)
    return services.find_participant(WEB_CHANNEL, token, key=key)
