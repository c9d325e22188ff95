"""Moderation queue, safeguarding queue and the tension monitor."""

from __future__ import annotations

from typing import Any

from flask import current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from consultations.db import in_transaction
from consultations.errors import DomainError
from consultations.moderation import review
from webapp.staff import actor, bp, now
from webapp.staff.forms import (
    BulkApproveForm,
    ConcernForm,
    EmptyForm,
    ModerationForm,
    QueueViewForm,
)
from webapp.staff.permissions import SAFEGUARDING
from webapp.support import notify_concern_waiting


def _queue_view() -> tuple[QueueViewForm, str]:
    form = QueueViewForm(request.args)
    form.view.choices = [SelectChoice(k, v) for k, v in review.QUEUE_VIEWS.items()]
    view = form.view.data if form.validate() and form.view.data else "waiting"
    return form, view


def _threshold() -> int:
    return int(current_app.config.get("SMALL_GROUP_THRESHOLD", 5))


def _ids(raw: str | None) -> list[int]:
    return [int(part) for part in (raw or "").split(",") if part.isdigit()][:100]


def _place() -> dict[str, Any]:
    """Where the moderator was: the view and page, carried through every action."""
    return {k: v for k, v in request.args.items() if k in ("view", "page") and v}


def _render_queue(
    errors: dict[int, list[str]] | None = None,
    typed: dict[int, dict[str, str]] | None = None,
    status: int = 200,
    bulk_errors: list[str] | None = None,
) -> tuple[str, int]:
    form, view = _queue_view()
    decided = request.args.get("decided", type=int)
    queue = review.queue_page(
        view,
        page=request.args.get("page", 1, type=int),
        threshold=_threshold(),
        keep=decided,
    )
    return render_template(
        "staff/moderation.html",
        queue=queue,
        items=queue.items,
        view_form=form,
        view=view,
        view_label=review.QUEUE_VIEWS[view],
        form=ModerationForm(formdata=None),
        bulk_form=BulkApproveForm(formdata=None),
        errors=errors or {},
        typed=typed or {},
        bulk_errors=bulk_errors or [],
        decided=decided,
        approved=_ids(request.args.get("approved")),
        threshold=_threshold(),
        sees_original=actor().role in SAFEGUARDING,
    ), status


@bp.get("/moderation")
def moderation() -> tuple[str, int]:
    return _render_queue()


@bp.post("/moderation/answers/<int:answer_id>")
def moderate_answer(answer_id: int) -> Response | tuple[str, int]:
    form = ModerationForm()
    typed = {
        answer_id: {
            "redacted_text": form.redacted_text.data or "",
            "reason": form.reason.data or "",
            "decision": form.decision.data or "",
        }
    }
    if not form.validate_on_submit():
        problems = [e for errors in form.errors.values() for e in errors]
        return _render_queue({answer_id: problems or ["Try that again."]}, typed, 422)
    decision = form.decision.data or ""
    try:
        in_transaction(
            lambda: review.decide(
                actor(),
                answer_id,
                decision,
                now=now(),
                redacted_text=form.redacted_text.data,
                reason=form.reason.data,
            )
        )
    except DomainError as error:
        return _render_queue({answer_id: [error.detail]}, typed, error.status)
    if decision == "escalate":
        notify_concern_waiting()
    # Back to the same place: the answer stays where it was, saying what was done.
    target = url_for("staff.moderation", **_place(), decided=answer_id)
    return redirect(f"{target}#answer-{answer_id}", 303)


@bp.post("/moderation/answers/<int:answer_id>/undo")
def undo_moderation(answer_id: int) -> Response | tuple[str, int]:
    if not EmptyForm().validate_on_submit():
        return _render_queue({answer_id: ["Try that again."]}, status=400)
    try:
        in_transaction(lambda: review.undo(actor(), answer_id, now=now()))
    except DomainError as error:
        return _render_queue({answer_id: [error.detail]}, status=error.status)
    return redirect(f"{url_for('staff.moderation', **_place())}#answer-{answer_id}", 303)


@bp.post("/moderation/approve")
def approve_ticked() -> Response | tuple[str, int]:
    """Approve the ticked answers: a page first says how many, then they are approved."""
    form = BulkApproveForm()
    if not form.validate_on_submit():
        problems = [e for errors in form.errors.values() for e in errors]
        return _render_queue(status=422, bulk_errors=problems)
    ticked = form.answer_ids.data or []
    if not form.confirmed.data:
        chosen = review.bulk_approvable(ticked)
        return render_template(
            "staff/approve_confirm.html",
            chosen=chosen,
            left_out=len(set(ticked)) - len(chosen),
            form=BulkApproveForm(formdata=None),
            place=_place(),
        ), 200
    try:
        done = in_transaction(lambda: review.approve_many(actor(), ticked, now=now()))
    except DomainError as error:
        return _render_queue(status=error.status, bulk_errors=[error.detail])
    approved = ",".join(str(i) for i in sorted(set(ticked)))
    target = url_for("staff.moderation", **_place(), approved=approved, done=done)
    return redirect(f"{target}#bulk", 303)


@bp.post("/moderation/undo")
def undo_ticked() -> Response:
    """Take back a bulk approval: every answer still approved by this moderator."""
    ids = _ids(request.form.get("answer_ids"))
    if EmptyForm().validate_on_submit():

        def undo_all() -> None:
            for answer_id in ids:
                try:
                    review.undo(actor(), answer_id, now=now())
                except DomainError:
                    continue  # decided again since, by someone: that decision stands

        in_transaction(undo_all)
    return redirect(f"{url_for('staff.moderation', **_place())}#bulk", 303)


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
