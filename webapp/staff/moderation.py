"""Moderation queue, safeguarding queue and the tension monitor."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from consultations.db import in_transaction
from consultations.errors import DomainError
from consultations.moderation import review
from webapp.staff import actor, bp, now
from webapp.staff.forms import ConcernForm, ModerationForm, QueueViewForm
from webapp.staff.permissions import SAFEGUARDING
from webapp.support import notify_concern_waiting


def _queue_view() -> tuple[QueueViewForm, str]:
    form = QueueViewForm(request.args)
    form.view.choices = [SelectChoice(k, v) for k, v in review.QUEUE_VIEWS.items()]
    view = form.view.data if form.validate() and form.view.data else "waiting"
    return form, view


def _render_queue(
    errors: dict[int, list[str]] | None = None,
    typed: dict[int, str] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    form, view = _queue_view()
    return render_template(
        "staff/moderation.html",
        items=review.queue(view),
        view_form=form,
        view=view,
        view_label=review.QUEUE_VIEWS[view],
        form=ModerationForm(formdata=None),
        errors=errors or {},
        typed=typed or {},
        sees_original=actor().role in SAFEGUARDING,
    ), status


@bp.get("/moderation")
def moderation() -> tuple[str, int]:
    return _render_queue()


@bp.post("/moderation/answers/<int:answer_id>")
def moderate_answer(answer_id: int) -> Response | tuple[str, int]:
    form = ModerationForm()
    typed = {answer_id: form.redacted_text.data or ""}
    if not form.validate_on_submit():
        problems = [e for errors in form.errors.values() for e in errors]
        return _render_queue({answer_id: problems or ["Try that again."]}, typed, 422)
    decision = form.decision.data or ""
    try:
        in_transaction(
            lambda: review.decide(
                actor(), answer_id, decision, now=now(), redacted_text=form.redacted_text.data
            )
        )
    except DomainError as error:
        return _render_queue({answer_id: [error.detail]}, typed, error.status)
    if decision == "escalate":
        notify_concern_waiting()
    return redirect(url_for("staff.moderation", view=request.args.get("view") or None), 303)


def _render_concerns(
    errors: dict[int, list[str]] | None = None,
    typed: dict[int, str] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    return render_template(
        "staff/safeguarding.html",
        open_concerns=review.concerns(),
        handled=review.concerns(handled=True, limit=50),
        form=ConcernForm(formdata=None),
        errors=errors or {},
        typed=typed or {},
    ), status


@bp.get("/safeguarding")
def safeguarding() -> tuple[str, int]:
    return _render_concerns()


@bp.post("/safeguarding/concerns/<int:concern_id>/handled")
def handle_concern(concern_id: int) -> Response | tuple[str, int]:
    form = ConcernForm()
    typed = {concern_id: form.notes.data or ""}
    if not form.validate_on_submit():
        problems = [e for errors in form.errors.values() for e in errors]
        return _render_concerns({concern_id: problems or ["Try that again."]}, typed, 422)
    try:
        in_transaction(
            lambda: review.handle_concern(actor(), concern_id, form.notes.data or "", now=now())
        )
    except DomainError as error:
        return _render_concerns({concern_id: [error.detail]}, typed, error.status)
    return redirect(url_for("staff.safeguarding"), 303)


@bp.get("/tension")
def tension() -> str:
    threshold = int(current_app.config.get("SMALL_GROUP_THRESHOLD", 5))
    return render_template(
        "staff/tension.html", report=review.tension_report(threshold=threshold, now=now())
    )
