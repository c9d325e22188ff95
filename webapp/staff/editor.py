"""Writing a consultation: editor, readability panel, questions, preview, publish and glossary."""

from __future__ import annotations

import json

from flask import current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import force_locale
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from bot import conversation, wording
from consultations import authoring, queries, services
from consultations.db import in_transaction
from consultations.errors import DomainError, InvalidInput, NotAllowed, ReadingAgeTooHigh
from consultations.models import Consultation, ConsultationStatus, Question, QuestionKind
from consultations.themes import THEMES
from feedback import notices
from webapp.api import consultation_payload
from webapp.i18n import LANGUAGES, RIGHT_TO_LEFT
from webapp.links import consultation_link
from webapp.rendering import youth_html
from webapp.staff import actor, bp, now
from webapp.staff.forms import (
    KIND_LABELS,
    ConsultationForm,
    EmptyForm,
    GlossaryForm,
    PublishForm,
    QuestionEditForm,
    QuestionForm,
    ReopenForm,
    lines,
    split_aliases,
    to_local,
    to_utc,
)
from webapp.youth.forms import consultation_form, field_name


def _consultation_form(
    consultation: Consultation | None = None, *, typed: bool = False
) -> ConsultationForm:
    """The editor's fields: what was typed (``typed``), else what is saved.

    Any other form on the page (publish, add a question) posts without these fields, so its
    refusal must show the saved text, never the empty fields of its own request.
    """
    if consultation is not None and not typed:
        form = ConsultationForm(
            formdata=None,
            data={
                "title": consultation.title,
                "youth_title": consultation.youth_title,
                "theme": consultation.theme.key if consultation.theme else "",
                "source_document": consultation.source_document,
                "source_organisation": consultation.source_organisation,
                "original_text": consultation.original_text,
                "youth_summary": consultation.youth_summary,
                "reading_age_target": consultation.reading_age_target,
                "audience_min_age": consultation.audience_min_age,
                "audience_max_age": consultation.audience_max_age,
                "opens_at": to_local(consultation.opens_at),
                "closes_at": to_local(consultation.closes_at),
            },
        )
    else:
        form = ConsultationForm()
    form.theme.choices = [
        SelectChoice("", "No theme"),
        *(SelectChoice(key, name) for key, name, _ in THEMES),
    ]
    return form


def _draft(form: ConsultationForm) -> authoring.ConsultationDraft:
    return authoring.ConsultationDraft(
        title=form.title.data or "",
        youth_title=form.youth_title.data or "",
        original_text=form.original_text.data or "",
        youth_summary=form.youth_summary.data or "",
        source_document=form.source_document.data or "",
        source_organisation=form.source_organisation.data or "",
        theme_key=form.theme.data or None,
        reading_age_target=form.reading_age_target.data or 12,
        audience_min_age=form.audience_min_age.data or 11,
        audience_max_age=form.audience_max_age.data or 25,
        opens_at=to_utc(form.opens_at.data),
        closes_at=to_utc(form.closes_at.data),
    )


def _report(text: str, target: int, prompts: list[str]) -> authoring.ReadabilityReport:
    return authoring.readability_report(
        text, target=target, glossary=queries.glossary_entries(), prompts=prompts
    )


def _render_editor(
    consultation: Consultation,
    *,
    form: ConsultationForm | None = None,
    question_form: QuestionForm | None = None,
    publish_form: PublishForm | None = None,
    gate: ReadingAgeTooHigh | None = None,
    status: int = 200,
) -> tuple[str, int]:
    form = form or _consultation_form(consultation)
    text = form.youth_summary.data if form.youth_summary.data is not None else ""
    target = form.reading_age_target.data or consultation.reading_age_target
    return (
        render_template(
            "staff/editor.html",
            consultation=consultation,
            form=form,
            question_form=question_form or QuestionForm(formdata=None),
            publish_form=publish_form or PublishForm(formdata=None),
            reopen_form=ReopenForm(formdata=None),
            button=EmptyForm(formdata=None),
            report=_report(text, target, [q.prompt for q in consultation.questions]),
            gate=gate,
            kinds=KIND_LABELS,
            answered={q.id: authoring.has_answers(q) for q in consultation.questions},
        ),
        status,
    )


@bp.route("/consultations/new", methods=["GET", "POST"])
def new_consultation() -> Response | tuple[str, int]:
    form = _consultation_form()
    if form.validate_on_submit():
        try:
            created = in_transaction(
                lambda: authoring.create_consultation(actor(), _draft(form), now=now())
            )
        except InvalidInput as error:
            form.form_errors.append(error.detail)
        else:
            return redirect(url_for("staff.edit_consultation", consultation_id=created.id), 303)
    status = 422 if request.method == "POST" else 200
    report = _report(form.youth_summary.data or "", form.reading_age_target.data or 12, [])
    return render_template("staff/new.html", form=form, report=report), status


@bp.route("/consultations/<int:consultation_id>", methods=["GET", "POST"])
def edit_consultation(consultation_id: int) -> Response | tuple[str, int]:
    consultation = authoring.consultation_for_editing(consultation_id)
    form = _consultation_form(consultation, typed=request.method == "POST")
    if request.method == "GET":
        return _render_editor(consultation, form=form)
    if form.validate_on_submit():
        try:
            in_transaction(
                lambda: authoring.update_consultation(
                    actor(), consultation, _draft(form), now=now()
                )
            )
        except InvalidInput as error:
            form.form_errors.append(error.detail)
        else:
            return redirect(
                url_for("staff.edit_consultation", consultation_id=consultation_id, saved=1), 303
            )
    return _render_editor(consultation, form=form, status=422)


@bp.post("/readability")
def readability() -> Response:
    target = request.form.get("target", type=int) or 12
    consultation_id = request.form.get("consultation_id", type=int)
    prompts = (
        [q.prompt for q in authoring.consultation_for_editing(consultation_id).questions]
        if consultation_id
        else []
    )
    report = _report(request.form.get("text", ""), max(8, min(18, target)), prompts)
    return jsonify(report.as_dict())


def _spec(form: QuestionForm) -> services.QuestionSpec:
    return services.QuestionSpec(
        kind=QuestionKind(form.kind.data),
        prompt=form.prompt.data or "",
        required=bool(form.required.data),
        options=lines(form.options.data),
        scale_min_label=form.scale_min_label.data or "",
        scale_max_label=form.scale_max_label.data or "",
        max_length=form.max_length.data or 500,
    )


@bp.post("/consultations/<int:consultation_id>/questions")
def add_question(consultation_id: int) -> Response | tuple[str, int]:
    consultation = authoring.consultation_for_editing(consultation_id)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            in_transaction(
                lambda: authoring.add_question(actor(), consultation, _spec(form), now=now())
            )
        except InvalidInput as error:
            form.form_errors.append(error.detail)
        else:
            return redirect(
                url_for("staff.edit_consultation", consultation_id=consultation_id) + "#questions",
                303,
            )
    return _render_editor(consultation, question_form=form, status=422)


def _question_form(question: Question) -> QuestionEditForm:
    if request.method == "GET":
        return QuestionEditForm(
            question_kind=question.kind.value,
            data={
                "prompt": question.prompt,
                "required": question.required,
                "options": "\n".join(o.label for o in question.options),
                "scale_min_label": question.scale_min_label,
                "scale_max_label": question.scale_max_label,
                "max_length": question.max_length,
            },
        )
    return QuestionEditForm(question_kind=question.kind.value)


@bp.route("/questions/<int:question_id>", methods=["GET", "POST"])
def edit_question(question_id: int) -> Response | tuple[str, int]:
    question = authoring.question_for_editing(question_id)
    form = _question_form(question)
    status = 200
    if form.validate_on_submit():
        edit = authoring.QuestionEdit(
            prompt=form.prompt.data or "",
            required=bool(form.required.data),
            options=lines(form.options.data),
            scale_min_label=form.scale_min_label.data or "",
            scale_max_label=form.scale_max_label.data or "",
            max_length=form.max_length.data or 500,
        )
        try:
            in_transaction(lambda: authoring.update_question(actor(), question, edit, now=now()))
        except (InvalidInput, NotAllowed) as error:
            form.options.errors = [*form.options.errors, error.detail]
        else:
            return redirect(
                url_for("staff.edit_consultation", consultation_id=question.consultation_id)
                + "#questions",
                303,
            )
    if request.method == "POST":
        status = 422
    return (
        render_template(
            "staff/question.html",
            question=question,
            form=form,
            kinds=KIND_LABELS,
            answered=authoring.has_answers(question),
        ),
        status,
    )


@bp.post("/questions/<int:question_id>/move")
def move_question(question_id: int) -> Response:
    question = authoring.question_for_editing(question_id)
    consultation_id = question.consultation_id
    if EmptyForm().validate_on_submit():
        offset = -1 if request.form.get("direction") == "up" else 1
        in_transaction(lambda: authoring.move_question(actor(), question, offset, now=now()))
    return redirect(
        url_for("staff.edit_consultation", consultation_id=consultation_id) + "#questions", 303
    )


@bp.post("/questions/<int:question_id>/delete")
def delete_question(question_id: int) -> Response | tuple[str, int]:
    question = authoring.question_for_editing(question_id)
    consultation = question.consultation
    if EmptyForm().validate_on_submit():
        try:
            in_transaction(lambda: authoring.delete_question(actor(), question, now=now()))
        except NotAllowed as refused:
            return render_template(
                "staff/error.html",
                title=refused.title,
                detail=refused.detail,
                back=url_for("staff.edit_consultation", consultation_id=consultation.id),
            ), 409
    return redirect(
        url_for("staff.edit_consultation", consultation_id=consultation.id) + "#questions", 303
    )


def _chat_preview(consultation: Consultation, language: str) -> list[dict[str, object]]:
    """What the chat channels will send, from the same engine and in the preview's language."""
    payload = consultation_payload(consultation)
    with wording.speaking(language):
        replies = conversation.preview(payload)
    return [
        {"text": r.text, "buttons": [b.label for row in r.buttons for b in row]} for r in replies
    ]


@bp.get("/consultations/<int:consultation_id>/preview")
def preview(consultation_id: int) -> str:
    consultation = authoring.consultation_for_editing(consultation_id)
    glossary = queries.glossary_entries()
    reading = queries.youth_reading(consultation, glossary)
    # The youth page in the language asked for (?lang=pl), the officers' translation
    # included. Without one it is English, whatever the browser or the youth pages' language
    # cookie say, as the console around it is English.
    language = request.args.get("lang", "en")
    if language not in LANGUAGES:
        language = "en"
    with force_locale(language):
        return render_template(
            "staff/preview.html",
            consultation=consultation,
            form=consultation_form(consultation),
            field_name=field_name,
            youth_text=youth_html(consultation.youth_summary, reading["glossary"], glossary),
            reading=reading,
            chat=_chat_preview(consultation, language),
            bot=current_app.config.get("TELEGRAM_BOT_USERNAME") or "",
            preview_lang=language,
            preview_dir="rtl" if language in RIGHT_TO_LEFT else "ltr",
            preview_languages=LANGUAGES,
            rtl_languages=RIGHT_TO_LEFT,
        )


@bp.post("/consultations/<int:consultation_id>/publish")
def publish(consultation_id: int) -> Response | tuple[str, int]:
    consultation = authoring.consultation_for_editing(consultation_id)
    form = PublishForm()
    if form.validate_on_submit():
        try:
            in_transaction(
                lambda: authoring.publish(
                    actor(), consultation, now=now(), override_reason=form.override_reason.data
                )
            )
        except ReadingAgeTooHigh as gate:
            form.override_reason.errors = [
                *form.override_reason.errors,
                "Rewrite the marked sentences, or say why it must open as it is.",
            ]
            return _render_editor(consultation, publish_form=form, gate=gate, status=409)
        except DomainError as error:
            form.form_errors.append(error.detail)
            return _render_editor(consultation, publish_form=form, status=error.status)
        return redirect(url_for("staff.edit_consultation", consultation_id=consultation_id), 303)
    return _render_editor(consultation, publish_form=form, status=422)


@bp.route("/consultations/<int:consultation_id>/close", methods=["GET", "POST"])
def close(consultation_id: int) -> Response | str:
    consultation = authoring.consultation_for_editing(consultation_id)
    if request.method == "GET":
        # One click would end answers and message everyone: say so first, with the numbers.
        return render_template(
            "staff/close_confirm.html",
            consultation=consultation,
            audience=notices.results_out_audience(consultation),
            button=EmptyForm(formdata=None),
        )
    if EmptyForm().validate_on_submit() and consultation.status is ConsultationStatus.OPEN:
        closed_at = now()

        def close_and_tell() -> None:
            authoring.close(actor(), consultation, now=closed_at)
            # Closing early tells young people exactly as closing on time does.
            notices.notify_results_out(
                consultation, now=closed_at, link=consultation_link(consultation.slug)
            )

        in_transaction(close_and_tell)
    return redirect(url_for("staff.edit_consultation", consultation_id=consultation_id), 303)


@bp.post("/consultations/<int:consultation_id>/reopen")
def reopen(consultation_id: int) -> Response | tuple[str, int]:
    consultation = authoring.consultation_for_editing(consultation_id)
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            in_transaction(
                lambda: authoring.reopen(
                    actor(), consultation, now=now(), closes_at=to_utc(form.closes_at.data)
                )
            )
        except DomainError as error:
            return render_template(
                "staff/error.html",
                title=error.title,
                detail=error.detail,
                back=url_for("staff.edit_consultation", consultation_id=consultation_id),
            ), error.status
    elif form.closes_at.errors:
        # Not reopened: say why rather than going back as if it had worked.
        return render_template(
            "staff/error.html",
            title="Not reopened",
            detail=" ".join(form.closes_at.errors),
            back=url_for("staff.edit_consultation", consultation_id=consultation_id),
        ), 422
    return redirect(url_for("staff.edit_consultation", consultation_id=consultation_id), 303)


@bp.route("/glossary", methods=["GET", "POST"])
def glossary() -> Response | tuple[str, int]:
    form = GlossaryForm()
    if form.validate_on_submit():
        try:
            in_transaction(
                lambda: authoring.save_glossary_term(
                    actor(),
                    None,
                    term=form.term.data or "",
                    aliases=split_aliases(form.aliases.data),
                    explanation=form.explanation.data or "",
                    now=now(),
                )
            )
        except InvalidInput as error:
            form.term.errors = [*form.term.errors, error.detail]
        else:
            return redirect(url_for("staff.glossary"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "staff/glossary.html", form=form, terms=authoring.glossary_terms()
    ), status


@bp.route("/glossary/<int:term_id>", methods=["GET", "POST"])
def edit_term(term_id: int) -> Response | tuple[str, int]:
    term = authoring.glossary_term(term_id)
    if request.method == "GET":
        form = GlossaryForm(
            data={
                "term": term.term,
                "aliases": ", ".join(json.loads(term.aliases or "[]")),
                "explanation": term.explanation,
            }
        )
    else:
        form = GlossaryForm()
    if form.validate_on_submit():
        try:
            in_transaction(
                lambda: authoring.save_glossary_term(
                    actor(),
                    term_id,
                    term=form.term.data or "",
                    aliases=split_aliases(form.aliases.data),
                    explanation=form.explanation.data or "",
                    now=now(),
                )
            )
        except InvalidInput as error:
            form.term.errors = [*form.term.errors, error.detail]
        else:
            return redirect(url_for("staff.glossary"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("staff/term.html", form=form, term=term), status
