"""Staff pages for "you said, we did": write it, publish it, track it; quotes; the report."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import force_locale
from werkzeug.wrappers import Response

from consultations import authoring, queries
from consultations.db import in_transaction
from consultations.errors import DomainError
from consultations.models import Consultation
from feedback import outbox, outcomes, reach, you_said_draft
from feedback.you_said_draft import YouSaidDraft
from webapp import reports
from webapp.staff import actor, bp, now
from webapp.staff.feedback_forms import (
    QuoteForm,
    ReportForm,
    StatusForm,
    WeDidForm,
    YouSaidDraftForm,
    YouSaidForm,
)
from webapp.staff.forms import EmptyForm
from webapp.staff.polls import public_url
from webapp.staff.results import threshold
from webapp.youth import board_sections
from youthvoice_settings import LANGUAGE_NAMES, RIGHT_TO_LEFT


def board_link(consultation: Consultation) -> str:
    """Where a young person reads the feedback: sent with every receipt."""
    return public_url(url_for("youth.board_entry", slug=consultation.slug))


def _feedback_page(
    consultation: Consultation,
    *,
    you_said_form: YouSaidForm | None = None,
    we_did_form: WeDidForm | None = None,
    drafts: list[YouSaidDraft] | None = None,
    draft_beside: bool = False,
    error: str = "",
    status: int = 200,
) -> tuple[str, int]:
    outcome = outcomes.outcome_of(consultation)
    if you_said_form is None:
        you_said_form = YouSaidForm(formdata=None, you_said=outcome.you_said if outcome else "")
    typed = you_said_form.you_said.data or ""
    entry = outcomes.board(now(), consultation=consultation)
    return (
        render_template(
            "staff/feedback.html",
            consultation=consultation,
            outcome=outcome,
            finished=outcomes.is_finished(consultation, now()),
            overdue=bool(entry and entry[0].overdue),
            items=outcomes.items_of(consultation),
            quotes=outcomes.quotes_of(consultation),
            results=queries.results(consultation),
            told=outcomes.participants_told(consultation),
            told_by_channel=outbox.channel_words(outcomes.told_by_channel(consultation)),
            reached=reach.receipt_reach(consultation),
            channel_words=outbox.channel_words,
            you_said_form=you_said_form,
            you_said_report=_you_said_report(consultation, typed),
            we_did_form=we_did_form or WeDidForm(formdata=None),
            button=EmptyForm(formdata=None),
            drafts=drafts or [],
            draft_beside=draft_beside,
            language_names=LANGUAGE_NAMES,
            right_to_left=RIGHT_TO_LEFT,
            error=error,
        ),
        status,
    )


def _you_said_report(consultation: Consultation, text: str) -> authoring.ReadabilityReport:
    # Young people read "you said" too: the same reading age as the consultation itself.
    return authoring.readability_report(
        text, target=consultation.reading_age_target, glossary=queries.glossary_entries()
    )


@bp.get("/consultations/<int:consultation_id>/feedback/preview")
def feedback_preview(consultation_id: int) -> str:
    """The board entry as young people will see it once published, draft and all."""
    consultation = authoring.consultation_for_editing(consultation_id)
    entry = outcomes.board(now(), consultation=consultation)
    with force_locale("en"):
        return render_template(
            "staff/feedback_preview.html",
            entry=entry[0] if entry else None,
            consultation=consultation,
            sections=board_sections(consultation),
            quotes=outcomes.quotes_of(consultation),
            preview=True,
        )


@bp.route("/consultations/<int:consultation_id>/feedback", methods=["GET", "POST"])
def feedback(consultation_id: int) -> Response | tuple[str, int]:
    consultation = authoring.consultation_for_editing(consultation_id)
    if request.method == "GET":
        return _feedback_page(consultation)
    form = YouSaidForm()
    if form.validate_on_submit():
        try:
            in_transaction(
                lambda: outcomes.save_you_said(
                    actor(), consultation, form.you_said.data or "", now=now()
                )
            )
        except DomainError as refused:
            form.you_said.errors = [refused.detail]
        else:
            return redirect(url_for("staff.feedback", consultation_id=consultation.id), 303)
    return _feedback_page(consultation, you_said_form=form, status=422)


@bp.post("/consultations/<int:consultation_id>/feedback/draft")
def draft_you_said(consultation_id: int) -> tuple[str, int]:
    """A draft from the results, put in the box, or beside it when the officer has written.

    Nothing is saved or sent: what is saved is what the officer saves afterwards.
    """
    consultation = authoring.consultation_for_editing(consultation_id)
    form = YouSaidDraftForm()
    typed = form.you_said.data or ""
    if not form.validate_on_submit():
        # Whatever was typed stays in the box, with why nothing was drafted beside it.
        kept = YouSaidForm(formdata=None, you_said=typed)
        kept.you_said.errors = list(form.you_said.errors) or ["Please try again."]
        return _feedback_page(consultation, you_said_form=kept, status=422)
    try:
        drafts = in_transaction(
            lambda: you_said_draft.write_drafts(
                actor(), consultation, threshold=threshold(), now=now()
            )
        )
    except DomainError as refused:
        return _feedback_page(
            consultation,
            you_said_form=YouSaidForm(formdata=None, you_said=typed),
            error=refused.detail,
            status=refused.status,
        )
    beside = bool(typed.strip()) and not form.replace.data
    text = typed if beside else drafts[0].text
    return _feedback_page(
        consultation,
        you_said_form=YouSaidForm(formdata=None, you_said=text),
        drafts=drafts,
        draft_beside=beside,
    )


@bp.post("/consultations/<int:consultation_id>/we-did")
def add_we_did(consultation_id: int) -> Response | tuple[str, int]:
    consultation = authoring.consultation_for_editing(consultation_id)
    form = WeDidForm()
    if form.validate_on_submit():
        try:
            in_transaction(
                lambda: outcomes.add_we_did(
                    actor(),
                    consultation,
                    action=form.action.data or "",
                    partner=form.partner.data or "",
                    status=form.status.data or "planned",
                    reason=form.reason.data or "",
                    due_date=form.due_date.data,
                    now=now(),
                    link=board_link(consultation),
                )
            )
        except DomainError as refused:
            form.form_errors.append(refused.detail)
        else:
            return redirect(url_for("staff.feedback", consultation_id=consultation.id), 303)
    return _feedback_page(consultation, we_did_form=form, status=422)


@bp.route("/consultations/<int:consultation_id>/feedback/publish", methods=["GET", "POST"])
def publish_feedback(consultation_id: int) -> Response | tuple[str, int]:
    consultation = authoring.consultation_for_editing(consultation_id)
    if request.method == "GET":
        return _publish_confirmation(consultation)
    if not EmptyForm().validate_on_submit():
        return _feedback_page(consultation, error="Please try again.", status=400)
    try:
        in_transaction(
            lambda: outcomes.publish_feedback(
                actor(), consultation, now=now(), link=board_link(consultation)
            )
        )
    except DomainError as refused:
        return _feedback_page(consultation, error=refused.detail, status=refused.status)
    return redirect(url_for("staff.feedback", consultation_id=consultation.id), 303)


def _publish_confirmation(consultation: Consultation) -> tuple[str, int]:
    """What publishing will do, with the numbers, before it is done in one click."""
    try:
        outcome, items = outcomes.ready_to_publish(consultation)
    except DomainError as refused:
        # Asking is not refused: the page says what is missing, beside what to fill in.
        return _feedback_page(consultation, error=refused.detail)
    return render_template(
        "staff/publish_feedback_confirm.html",
        consultation=consultation,
        audience=outcomes.feedback_audience(consultation),
        receipt=outcomes.receipt_text(consultation, outcome, items),
        readability=_you_said_report(consultation, outcome.you_said),
        board=board_link(consultation),
        button=EmptyForm(formdata=None),
    ), 200


@bp.route("/we-did/<int:item_id>", methods=["GET", "POST"])
def we_did_item(item_id: int) -> Response | tuple[str, int]:
    item = outcomes.item_for_editing(item_id)
    form = StatusForm(status=item.status.value) if request.method == "GET" else StatusForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                in_transaction(
                    lambda: outcomes.update_status(
                        actor(),
                        item,
                        status=form.status.data or "",
                        note=form.note.data or "",
                        now=now(),
                        link=board_link(item.consultation),
                    )
                )
            except DomainError as refused:
                form.note.errors = [refused.detail]
            else:
                return redirect(url_for("staff.we_did_item", item_id=item.id), 303)
    outcome = outcomes.outcome_of(item.consultation)
    return render_template(
        "staff/we_did_item.html",
        item=item,
        form=form,
        published=bool(outcome and outcome.is_published),
    ), status


@bp.post("/answers/<int:answer_id>/quote")
def quote_answer(answer_id: int) -> Response | tuple[str, int]:
    answer = outcomes.quotable_answer(answer_id)
    form = QuoteForm()
    if form.validate_on_submit():
        text = (form.text.data or "").strip() or None
        try:
            in_transaction(lambda: outcomes.mark_quote(actor(), answer.id, text=text, now=now()))
        except DomainError as refused:
            form.text.errors = [refused.detail]
        else:
            return redirect(url_for("staff.free_text", question_id=answer.question_id), 303)
    return render_template("staff/quote.html", answer=answer, form=form), 422


@bp.route("/answers/<int:answer_id>/quote", methods=["GET"], endpoint="quote_form")
def quote_form(answer_id: int) -> str:
    answer = outcomes.quotable_answer(answer_id)
    return render_template(
        "staff/quote.html", answer=answer, form=QuoteForm(text=outcomes.quote_draft(answer))
    )


@bp.post("/quotes/<int:quote_id>/remove")
def unquote(quote_id: int) -> Response:
    back = request.form.get("back", "")
    if EmptyForm().validate_on_submit():
        in_transaction(lambda: outcomes.unmark_quote(actor(), quote_id, now=now()))
    if back.startswith("/staff/"):
        return redirect(back, 303)
    return redirect(url_for("staff.dashboard"), 303)


@bp.get("/reports")
def reports_page() -> Response | tuple[str, int]:
    form = ReportForm(request.args)
    return reports.page("staff/reports.html", form, period_choice="— a period instead —", now=now())
