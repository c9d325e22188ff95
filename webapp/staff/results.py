"""Results for staff: charts with tables, breakdowns, free text with tags, trend and exports."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from consultations import authoring, charts, queries, results, theme_analysis
from consultations.db import in_transaction
from consultations.errors import DomainError, NotFound
from consultations.models import Consultation, ConsultationStatus, QuestionKind
from consultations.moderation import review
from consultations.paging import page_of
from feedback import outcomes
from webapp.moderation_rules import moderation_rules
from webapp.staff import actor, bp, now
from webapp.staff.forms import (
    BreakdownForm,
    BulkTagForm,
    EmptyForm,
    FreeTextFilterForm,
    TagForm,
)
from webapp.staff.permissions import WRITERS
from webapp.staff.polls import download


def threshold() -> int:
    return int(current_app.config.get("SMALL_GROUP_THRESHOLD", results.SMALL_GROUP_THRESHOLD))


def result_sections(consultation: Consultation, dimension: str) -> list[tuple[Any, ...]]:
    """Each question with its totals, chart and breakdown (small groups hidden)."""
    sections = []
    for result, question in zip(queries.results(consultation), consultation.questions, strict=True):
        chart = None
        breakdown = None
        if question.kind is not QuestionKind.FREE_TEXT:
            bars = [
                charts.Bar(result.option_caption(o), o.count, o.percent, str(o.id))
                for o in result.options
            ]
            chart = charts.bar_chart(bars, title=result.prompt, chart_id=f"chart-{question.id}")
            breakdown = results.breakdown(question, dimension, threshold=threshold())
        sections.append((question, result, chart, breakdown))
    return sections


def render_results(consultation: Consultation, *, can_read_text: bool) -> str:
    """The results page; the youth forum sees the same, without the written answers."""
    form = BreakdownForm(request.args)
    dimension = form.by.data if form.validate() else "age_band"
    sections = result_sections(consultation, dimension)
    days = results.people_trend(consultation)
    return render_template(
        "staff/results.html",
        consultation=consultation,
        sections=sections,
        form=form,
        dimension=results.DIMENSIONS[dimension],
        days=days,
        day_chart=charts.day_chart(days, title="People taking part per day", chart_id="trend"),
        threshold=threshold(),
        can_read_text=can_read_text,
    )


@bp.get("/consultations/<int:consultation_id>/results", endpoint="results")
def results_page(consultation_id: int) -> str:
    consultation = authoring.consultation_for_editing(consultation_id)
    writer = actor().role in WRITERS
    if consultation.status is ConsultationStatus.DRAFT and not writer:
        # A draft belongs to those writing it; to everyone else it does not exist yet.
        abort(404)
    return render_results(consultation, can_read_text=writer)


def _free_text_filters(
    tags: list[tuple[Any, int]],
) -> tuple[FreeTextFilterForm, int | None, bool]:
    form = FreeTextFilterForm(request.args)
    chosen = request.args.get("tag", "")
    form.tag.choices = [SelectChoice("", "All answers"), SelectChoice("untagged", "Not tagged yet")]
    for tag, count in tags:
        form.tag.choices.append(SelectChoice(str(tag.id), f"{tag.name} ({count})"))
    tag_id = int(chosen) if chosen.isdigit() else None
    return form, tag_id, chosen == "untagged"


@bp.get("/questions/<int:question_id>/answers")
def free_text(question_id: int) -> str:
    return render_answers(question_id)


def render_answers(
    question_id: int,
    *,
    bulk_errors: list[str] | None = None,
    bulk_form: BulkTagForm | None = None,
    theme_error: str | None = None,
    theme_input: dict[str, Any] | None = None,
) -> str:
    """The written answers of a question with their themes and tags.

    ``theme_error`` is a refused theme action's words; ``theme_input`` what was typed or
    ticked for it, shown again.
    """
    question = results.free_text_question(question_id)
    tags = results.tag_counts(question)
    form, tag_id, untagged = _free_text_filters(tags)
    rules = moderation_rules()
    # Every readable answer is read once, as plain rows, for the themes and the counts; tags
    # and writers only for the page of answers shown.
    every = results.readable_answers(question, rules=rules)
    filtered = form.q.data or tag_id is not None or untagged
    queue = page_of(
        results.filtered_answers(
            question, search=form.q.data or "", tag_id=tag_id, untagged=untagged, rules=rules
        )
        if filtered
        else every,
        request.args.get("page", 1, type=int),
    )
    return render_template(
        "staff/free_text.html",
        question=question,
        consultation=question.consultation,
        queue=queue,
        answers=results.with_details(question, queue.items, threshold=threshold()),
        form=form,
        tags=tags,
        tag_form=TagForm(formdata=None),
        bulk_form=bulk_form or BulkTagForm(formdata=None),
        bulk_errors=bulk_errors or [],
        button=EmptyForm(formdata=None),
        quotes={q.answer_id: q for q in outcomes.quotes_of(question.consultation)},
        held=review.held_count(question.id),
        threshold=threshold(),
        place=_place(),
        themes=theme_analysis.analysis_view(question, every, threshold=threshold()),
        theme_error=theme_error,
        theme_input=theme_input or {},
    )


def _place() -> dict[str, Any]:
    """Where the officer was on the answers page: search, tag and page."""
    return {k: v for k, v in request.args.items() if k in ("q", "tag", "page") and v}


def _back_to_answers(question_id: int, answer_id: int | None = None) -> Response:
    target = url_for("staff.free_text", question_id=question_id, **_place())
    # Back to the answer just tagged, not to the top of the page.
    return redirect(f"{target}#answer-{answer_id}" if answer_id else target, 303)


@bp.post("/answers/<int:answer_id>/tags")
def tag_answer(answer_id: int) -> Response | tuple[str, int]:
    form = TagForm()
    question_id = request.form.get("question_id", type=int) or 0
    if form.validate_on_submit():
        try:
            in_transaction(
                lambda: results.tag_answer(actor(), answer_id, form.name.data or "", now=now())
            )
        except DomainError as error:
            return render_template(
                "staff/error.html",
                title=error.title,
                detail=error.detail,
                back=url_for("staff.free_text", question_id=question_id),
            ), error.status
    return _back_to_answers(question_id, answer_id)


@bp.post("/answers/<int:answer_id>/tags/<int:tag_id>/remove")
def untag_answer(answer_id: int, tag_id: int) -> Response:
    question_id = request.form.get("question_id", type=int) or 0
    if EmptyForm().validate_on_submit():
        in_transaction(lambda: results.untag_answer(actor(), answer_id, tag_id, now=now()))
    return _back_to_answers(question_id, answer_id)


@bp.post("/questions/<int:question_id>/answers/tag")
def tag_ticked(question_id: int) -> Response | tuple[str, int]:
    """Tag the ticked answers: a page first says how many and as what, then it is done."""
    form = BulkTagForm()
    if not form.validate_on_submit():
        problems = [e for errors in form.errors.values() for e in errors]
        return render_answers(question_id, bulk_errors=problems, bulk_form=form), 422
    ticked = sorted(set(form.answer_ids.data or []))
    name = " ".join((form.name.data or "").split())
    if not form.confirmed.data:
        question = results.free_text_question(question_id)
        chosen = results.answers_by_id(question, ticked, moderation_rules())
        return render_template(
            "staff/tag_confirm.html",
            question=question,
            chosen=chosen,
            name=name,
            form=BulkTagForm(formdata=None),
            place=_place(),
        ), 200
    try:
        done = in_transaction(lambda: results.tag_answers(actor(), ticked, name, now=now()))
    except DomainError as error:
        return render_answers(question_id, bulk_errors=[error.detail], bulk_form=form), 422
    target = url_for("staff.free_text", question_id=question_id, **_place(), tagged=done)
    return redirect(f"{target}#bulk", 303)


@bp.get("/consultations/<int:consultation_id>/export.<fmt>")
def export(consultation_id: int, fmt: str) -> Response:
    if fmt not in ("csv", "json"):
        raise NotFound("Export as csv or json.")
    consultation = authoring.consultation_for_editing(consultation_id)
    body = in_transaction(
        lambda: results.export(actor(), consultation, fmt, now=now(), rules=moderation_rules())
    )
    mimetype = "text/csv" if fmt == "csv" else "application/json"
    return download(body, mimetype, f"{consultation.slug}-answers.{fmt}")
