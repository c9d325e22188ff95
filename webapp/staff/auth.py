"""Signing in and out, the front page of the console, accounts and the audit log."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from consultations import accounts, audit, authoring, polls
from consultations.db import in_transaction
from consultations.errors import InvalidInput, SignInThrottled
from consultations.models import ConsultationStatus
from consultations.moderation import review
from consultations.staff_models import Role
from feedback import outcomes
from webapp.staff import actor, bp, end_this_session, now, safe_next, start_session
from webapp.staff.forms import AccountForm, EmptyForm, LoginForm, UserForm
from webapp.staff.permissions import DRAFT_LISTERS, MODERATORS, SAFEGUARDING


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int]:
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        address = request.remote_addr or "-"
        email, password = form.email.data or "", form.password.data or ""
        try:
            # Two transactions: the attempt is counted and committed before its password is
            # checked, so attempts arriving together all see each other in the count.
            attempt = in_transaction(
                lambda: accounts.begin_sign_in(email, address=address, now=now())
            )
            user = in_transaction(lambda: accounts.finish_sign_in(attempt, password, now=now()))
        except SignInThrottled as refused:
            form.form_errors.append(refused.detail)
            return render_template("staff/login.html", form=form), 429
        if user is not None:
            start_session(user)
            return redirect(safe_next(request.args.get("next")), 303)
        form.form_errors.append("That email and password do not match an account.")
        status = 401
    elif request.method == "POST":
        status = 422
    form.password.data = ""
    shown = request.method == "GET"
    return render_template(
        "staff/login.html",
        form=form,
        idle=shown and request.args.get("idle") == "1",
        expired=shown and request.args.get("expired") == "1",
    ), status


@bp.post("/logout")
def logout() -> Response:
    if EmptyForm().validate_on_submit():
        # Every session of the account ends, so a copy of this cookie is worth nothing.
        user = actor()
        in_transaction(lambda: accounts.sign_out(user, now=now()))
        end_this_session()
    return redirect(url_for("staff.login"), 303)


@bp.get("/")
def dashboard() -> str:
    role = actor().role
    drafts_too = role in DRAFT_LISTERS
    return render_template(
        "staff/dashboard.html",
        consultations=[
            c
            for c in authoring.consultations_for_staff()
            if not c.is_live_poll and (drafts_too or c.status is not ConsultationStatus.DRAFT)
        ],
        polls=polls.polls()[:5],
        overdue={e.consultation.id for e in outcomes.overdue(now())},
        open_concerns=review.open_concern_count() if role in SAFEGUARDING else 0,
        waiting_moderation=review.waiting_count() if role in MODERATORS else 0,
    )


def _users_page(form: UserForm, failed: tuple[int, AccountForm] | None = None) -> str:
    return render_template(
        "staff/users.html",
        form=form,
        users=accounts.users(),
        roles=[(r.value, r.label) for r in Role],
        failed=failed,
    )


@bp.route("/users", methods=["GET", "POST"])
def users() -> Response | tuple[str, int]:
    form = UserForm()
    status = 200
    if form.validate_on_submit():
        try:
            in_transaction(
                lambda: accounts.create_user(
                    form.email.data or "",
                    form.password.data or "",
                    form.role.data,
                    now=now(),
                    actor=actor(),
                )
            )
        except InvalidInput as error:
            form.form_errors.append(error.detail)
        else:
            return redirect(url_for("staff.users"), 303)
    if request.method == "POST":
        status = 422
    form.password.data = ""
    return _users_page(form), status


@bp.post("/users/<int:user_id>", endpoint="change_account")
def change_account(user_id: int) -> Response | tuple[str, int]:
    """Change an account's role, or switch it off (it is signed out at its next request)."""
    user = accounts.user_by_id(user_id, include_inactive=True)
    if user is None:
        abort(404)
    form = AccountForm()
    if form.validate_on_submit():
        try:
            in_transaction(
                lambda: accounts.change_account(
                    actor(), user, role=form.role.data, active=bool(form.active.data), now=now()
                )
            )
        except InvalidInput as error:
            form.form_errors.append(error.detail)
        else:
            return redirect(url_for("staff.users"), 303)
    return _users_page(UserForm(), failed=(user.id, form)), 422


@bp.get("/audit")
def audit_log() -> str:
    return render_template("staff/audit.html", entries=audit.entries())
