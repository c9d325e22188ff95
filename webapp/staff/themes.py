"""Themes on the free-text page: find them, then rename, merge, split, discard, move, accept.

And the themes of a whole consultation, across all its free-text questions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from consultations import authoring, consultation_themes, theme_analysis
from consultations.db import in_transaction
from consultations.errors import DomainError
from webapp.moderation_rules import moderation_rules
from webapp.staff import actor, bp, now
from webapp.staff.forms import EmptyForm
from webapp.staff.results import render_answers, threshold


def _ids(name: str) -> list[int]:
    return [int(v) for v in request.form.getlist(name) if v.strip().isdigit()]


def _back(question_id: int, anchor: str = "themes") -> Response:
    return redirect(url_for("staff.free_text", question_id=question_id) + f"#{anchor}", 303)


def _act(
    question_id: int, work: Callable[[], Any], anchor: str = "themes", **kept: Any
) -> Response | tuple[str, int]:
    """Run one officer's action; a refusal re-renders the page with its words and the input."""
    if not EmptyForm().validate_on_submit():
        return render_answers(
            question_id,
            theme_error="The form was too old to use; nothing was changed. Try again.",
            theme_input=kept,
        ), 400
    try:
        in_transaction(work)
    except DomainError as error:
        return render_answers(question_id, theme_error=error.detail, theme_input=kept), error.status
    return _back(question_id, anchor)


@bp.post("/questions/<int:question_id>/themes/find")
def find_themes(question_id: int) -> Response | tuple[str, int]:
    if not EmptyForm().validate_on_submit():
        return _act(question_id, lambda: None)
    try:
        # Commits itself: see find_question_themes.
        theme_analysis.find_question_themes(
            actor(), question_id, now=now(), threshold=threshold(), rules=moderation_rules()
        )
    except DomainError as error:
        return render_answers(question_id, theme_error=error.detail), error.status
    return _back(question_id)


@bp.post("/questions/<int:question_id>/themes/<int:theme_id>/rename")
def rename_theme(question_id: int, theme_id: int) -> Response | tuple[str, int]:
    label = request.form.get("label", "")
    return _act(
        question_id,
        lambda: theme_analysis.rename_theme(actor(), question_id, theme_id, label, now=now()),
        f"theme-{theme_id}",
        label=label,
        theme_id=theme_id,
    )


@bp.post("/questions/<int:question_id>/themes/merge")
def merge_themes(question_id: int) -> Response | tuple[str, int]:
    ticked = _ids("theme_ids")
    return _act(
        question_id,
        lambda: theme_analysis.merge_themes(actor(), question_id, ticked, now=now()),
        ticked=ticked,
    )


@bp.post("/questions/<int:question_id>/themes/accept")
def accept_themes(question_id: int) -> Response | tuple[str, int]:
    ticked = _ids("theme_ids")
    return _act(
        question_id,
        lambda: theme_analysis.accept_themes(actor(), question_id, ticked, now=now()),
        ticked=ticked,
    )


@bp.post("/questions/<int:question_id>/themes/<int:theme_id>/split")
def split_theme(question_id: int, theme_id: int) -> Response | tuple[str, int]:
    return _act(
        question_id,
        lambda: theme_analysis.split_theme(
            actor(),
            question_id,
            theme_id,
            now=now(),
            threshold=threshold(),
            rules=moderation_rules(),
        ),
    )


@bp.post("/questions/<int:question_id>/themes/<int:theme_id>/discard")
def discard_theme(question_id: int, theme_id: int) -> Response | tuple[str, int]:
    return _act(
        question_id,
        lambda: theme_analysis.discard_theme(actor(), question_id, theme_id, now=now()),
    )


@bp.post("/questions/<int:question_id>/themes/<int:theme_id>/restore")
def restore_theme(question_id: int, theme_id: int) -> Response | tuple[str, int]:
    return _act(
        question_id,
        lambda: theme_analysis.restore_theme(actor(), question_id, theme_id, now=now()),
    )


@bp.post("/questions/<int:question_id>/answers/<int:answer_id>/theme")
def move_to_theme(question_id: int, answer_id: int) -> Response | tuple[str, int]:
    chosen = request.form.get("theme", "")
    theme_id = int(chosen) if chosen.isdigit() else None
    return _act(
        question_id,
        lambda: theme_analysis.move_answer(actor(), question_id, answer_id, theme_id, now=now()),
        f"answer-{answer_id}",
    )


def _consultation_page(consultation_id: int, error: str | None = None) -> str:
    consultation = authoring.consultation_for_editing(consultation_id)
    return render_template(
        "staff/consultation_themes.html",
        consultation=consultation,
        themes=consultation_themes.consultation_view(
            consultation, threshold=threshold(), rules=moderation_rules()
        ),
        threshold=threshold(),
        button=EmptyForm(formdata=None),
        theme_error=error,
    )


@bp.get("/consultations/<int:consultation_id>/themes", endpoint="consultation_themes")
def consultation_themes_page(consultation_id: int) -> str:
    return _consultation_page(consultation_id)


@bp.post("/consultations/<int:consultation_id>/themes/find")
def find_consultation_themes(consultation_id: int) -> Response | tuple[str, int]:
    if not EmptyForm().validate_on_submit():
        return _consultation_page(
            consultation_id, _("The form was too old to use; nothing was changed. Try again.")
        ), 400
    consultation = authoring.consultation_for_editing(consultation_id)
    try:
        in_transaction(
            lambda: consultation_themes.find_consultation_themes(
                actor(), consultation, now=now(), threshold=threshold(), rules=moderation_rules()
            )
        )
    except DomainError as error:
        return _consultation_page(consultation_id, error.detail), error.status
    return redirect(
        url_for("staff.consultation_themes", consultation_id=consultation_id) + "#themes", 303
    )
