"""Blueprint ``staff``: the console where officers write consultations and youth workers run polls.

Every staff and forum request passes one guard: a session that has been idle too long or
is too old ends, anonymous people are sent to sign in, and signed-in people without the
role (``permissions.ENDPOINT_ROLES``) get 403.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, current_app, g, redirect, request, session, url_for
from flask_login import LoginManager, current_user, login_user, logout_user
from werkzeug.wrappers import Response

from consultations import accounts
from consultations.staff_models import Role, User
from webapp.staff.permissions import PUBLIC_ENDPOINTS, allowed

bp = Blueprint("staff", __name__, url_prefix="/staff")
login_manager = LoginManager()


def now() -> datetime:
    return datetime.now(UTC)


def actor() -> User:
    """The signed-in member of staff (the guard has already made sure there is one)."""
    user = current_user._get_current_object()
    assert isinstance(user, User)
    return user


def safe_next(target: str | None, user: User | None = None) -> str:
    """Where to go after signing in: only back into the console or the forum, never to
    another site; with nowhere asked, a forum member's own place is the forum."""
    if target:
        parts = urlsplit(target)
        inside = parts.path.startswith(("/staff/", "/forum/")) or parts.path == "/staff"
        if not parts.scheme and not parts.netloc and inside:
            return target
    if user is not None and user.role is Role.FORUM_MEMBER:
        return url_for("forum.home")
    return url_for("staff.dashboard")


def _sign_in_page() -> str:
    # The forum's pages send people to the forum's own sign-in, the console's to its own.
    return "forum.sign_in" if request.blueprint == "forum" else "staff.login"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    # Sessions from before the account's last sign-out or switch-off open nothing.
    return accounts.user_for_session(session_id)


IDLE_KEY = "staff_seen"
SIGNED_IN_KEY = "staff_since"


def mark_active() -> None:
    """Note that the signed-in member of staff did something just now."""
    session[IDLE_KEY] = int(now().timestamp())


def start_session(user: User) -> None:
    """Sign in on a new session: nothing set before it (by anyone) carries over."""
    session.clear()
    # Flask-WTF caches the CSRF token per app context; it belonged to the old session.
    g.pop("csrf_token", None)
    login_user(user)
    session[SIGNED_IN_KEY] = int(now().timestamp())
    mark_active()


def end_this_session() -> None:
    """Forget everything this browser's session held."""
    logout_user()
    session.clear()
    g.pop("csrf_token", None)


def _why_session_ended() -> str | None:
    """``idle`` or ``expired`` when this session must end, None while it may go on.

    Both times are in the signed cookie, so nobody can move them; a session without them
    (made before they existed, or forged) ends at once.
    """
    seen, since = session.get(IDLE_KEY), session.get(SIGNED_IN_KEY)
    if not isinstance(seen, int) or not isinstance(since, int):
        return "expired"
    at = now().timestamp()
    if at - since > int(current_app.config["STAFF_SESSION_HOURS"]) * 3600:
        return "expired"
    if at - seen > int(current_app.config["STAFF_IDLE_MINUTES"]) * 60:
        return "idle"
    return None


def guard() -> Response | None:
    """The one check before every staff and forum page: signed in, still current, allowed."""
    if current_user.is_authenticated:
        ended = _why_session_ended()
        if ended:
            # A console left open on a shared computer signs itself out, and a copied
            # cookie stops working at the latest when the sign-in is 12 hours old.
            end_this_session()
            if request.endpoint not in PUBLIC_ENDPOINTS:
                back = request.full_path.rstrip("?")
                why: dict[str, Any] = {ended: 1}
                return redirect(url_for(_sign_in_page(), **why, next=back), 303)
    elif "_user_id" in session:
        # Signed out elsewhere or switched off: drop what is left of the old session.
        end_this_session()
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for(_sign_in_page(), next=request.full_path.rstrip("?")))
    mark_active()
    if not allowed(request.endpoint, current_user.role):
        abort(403)
    return None


def no_store(response: Response) -> Response:
    # Staff and forum pages hold results and free text: keep them out of caches and history.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


bp.before_request(guard)
bp.after_request(no_store)


def init_app(app: Flask) -> None:
    """Flask-Login, for the staff console and the forum (``create_app`` registers both)."""
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    # The console's pages, each module adding its routes to ``bp``; they import ``bp`` and
    # the guard's helpers from here, so they are imported once this module is complete.
    from webapp.staff import (  # noqa: F401
        areas,
        auth,
        editor,
        feedback,
        invitations,
        moderation,
        polls,
        results,
        themes,
        translations,
    )
