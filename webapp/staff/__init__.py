"""Blueprint ``staff``: the console where officers write consultations and youth workers run polls.

Every request passes one check against ``permissions.ENDPOINT_ROLES``: anonymous people are
sent to sign in, signed-in people without the role get 403.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, current_app, g, redirect, request, session, url_for
from flask_login import LoginManager, current_user, logout_user
from werkzeug.wrappers import Response

from consultations import accounts
from consultations.staff_models import User
from webapp.staff.permissions import PUBLIC_ENDPOINTS, allowed

bp = Blueprint("staff", __name__, url_prefix="/staff")
login_manager = LoginManager()


def now() -> datetime:
    return datetime.now(UTC)


def actor() -> User:
    """The signed-in member of staff (the guard has already made sure there is one)."""
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def safe_next(target: str | None) -> str:
    """Where to go after signing in: only back into the console, never to another site."""
    if target:
        parts = urlsplit(target)
        inside = parts.path.startswith(("/staff/", "/forum/")) or parts.path == "/staff"
        if not parts.scheme and not parts.netloc and inside:
            return target
    return url_for("staff.dashboard")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return accounts.user_by_id(int(user_id)) if user_id.isdigit() else None


IDLE_KEY = "staff_seen"


def mark_active() -> None:
    """Note that the signed-in member of staff did something just now."""
    session[IDLE_KEY] = int(now().timestamp())


def _idle_too_long() -> bool:
    seen = session.get(IDLE_KEY)
    limit = int(current_app.config["STAFF_IDLE_MINUTES"]) * 60
    return not isinstance(seen, int) or now().timestamp() - seen > limit


@bp.before_request
def guard() -> Response | None:
    if current_user.is_authenticated and _idle_too_long():
        # A console left open on a shared computer signs itself out; the whole session
        # goes, so nothing of it can be reused.
        logout_user()
        session.clear()
        g.pop("csrf_token", None)
        if request.endpoint not in PUBLIC_ENDPOINTS:
            return redirect(url_for("staff.login", idle=1, next=request.full_path.rstrip("?")), 303)
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("staff.login", next=request.full_path.rstrip("?")))
    mark_active()
    if not allowed(request.endpoint, current_user.role):
        abort(403)
    return None


@bp.after_request
def no_store(response: Response) -> Response:
    # Staff pages hold results and free text: keep them out of shared caches and history.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    """Register the blueprint and Flask-Login."""
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    from webapp import forum
    from webapp.staff import (  # noqa: F401  (routes)
        auth,
        editor,
        feedback,
        moderation,
        polls,
        results,
        translations,
    )

    app.register_blueprint(bp)
    app.register_blueprint(forum.bp)
