"""Translations: officers write a consultation's youth words in Polish and Urdu.

The youth pages already show a translation in place of the English, phrase by phrase; these
pages are where officers write them, from the English young people read.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from babel import Locale
from flask import redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from consultations import authoring, readability, translations
from consultations.db import in_transaction
from consultations.errors import InvalidInput, NotFound
from consultations.models import Consultation, QuestionKind
from webapp.i18n import LANGUAGES, RIGHT_TO_LEFT
from webapp.staff import actor, bp, now
from webapp.staff.forms import (
    KIND_LABELS,
    EmptyForm,
    TranslationForm,
    option_field,
    prompt_field,
    scale_field,
    to_local,
    translation_form,
)

# Any question field this form could have sent: q<question id>_prompt, _min, _max or
# _option_<option id>.
QUESTION_FIELD = re.compile(r"^q(\d+)_(?:prompt|min|max|option_(\d+))$")


def _language(code: str) -> dict[str, str]:
    """What a template needs to name a language and mark its words."""
    if code not in translations.LANGUAGES:
        raise NotFound("Consultations can be translated into Polish and Urdu only.")
    # Staff pages are in English; each language also goes by its own name, as young
    # people see it in the picker. Babel's CLDR data names any language added later.
    locale = Locale.parse(code)
    return {
        "code": code,
        "name": LANGUAGES.get(code) or locale.get_display_name(code) or code,
        "english_name": locale.get_display_name("en") or code,
        "dir": "rtl" if code in RIGHT_TO_LEFT else "ltr",
    }


def when(value: datetime | None) -> str:
    """A stored time as the council's wall clock, e.g. "3 March 2026, 14:05"."""
    local = to_local(value)
    return f"{local.day} {local:%B %Y, %H:%M}" if local else ""


def _saved_words(
    consultation: Consultation, row: translations.ConsultationTranslation | None
) -> dict[str, Any] | None:
    """The form's data for a stored translation, or None for a fresh one."""
    if row is None:
        return None
    data: dict[str, Any] = {"youth_title": row.youth_title, "youth_summary": row.youth_summary}
    stored = dict(row.questions or {})
    for question in consultation.questions:
        words = stored.get(str(question.id)) or {}
        data[prompt_field(question)] = words.get("prompt", "")
        data[scale_field(question, "min")] = words.get("scale_min_label", "")
        data[scale_field(question, "max")] = words.get("scale_max_label", "")
        for option in question.options:
            data[option_field(question, option)] = (words.get("options") or {}).get(
                str(option.id), ""
            )
    return data


def _question_words(form: TranslationForm) -> dict[int, dict[str, Any]]:
    """What was typed for each question, in the shape ``save_translation`` takes."""
    words: dict[int, dict[str, Any]] = {}
    for item in form.questions:
        entry: dict[str, Any] = {
            "prompt": item.prompt.data or "",
            "options": {option.id: field.data or "" for option, field in item.options},
        }
        if item.scale_min_label is not None and item.scale_max_label is not None:
            entry["scale_min_label"] = item.scale_min_label.data or ""
            entry["scale_max_label"] = item.scale_max_label.data or ""
        words[item.question.id] = entry
    return words


def _strays(consultation: Consultation) -> list[str]:
    """Words sent for questions or options this consultation no longer has.

    That happens when someone deletes a question, or rewrites a choice question's options,
    while the form is open; saving would drop those words without a word, so say so.
    """
    questions = {q.id: q for q in consultation.questions}
    gone_questions: set[int] = set()
    gone_options: set[int] = set()
    for name, value in request.form.items():
        match = QUESTION_FIELD.match(name)
        if not match or not value.strip():
            continue
        question = questions.get(int(match.group(1)))
        if question is None:
            gone_questions.add(int(match.group(1)))
        elif match.group(2) and int(match.group(2)) not in {o.id for o in question.options}:
            gone_options.add(question.id)
    problems = []
    if gone_questions:
        problems.append(
            "Some words are for a question that is no longer part of this consultation (it "
            "was probably deleted while this page was open). Nothing was saved: check the "
            "questions below and save again."
        )
    for question_id in sorted(gone_options):
        position = list(questions).index(question_id) + 1
        problems.append(
            f"The options of question {position} changed while this page was open. Nothing "
            "was saved: check its options below and save again."
        )
    return problems


def _english(consultation: Consultation) -> dict[str, str]:
    # The translation shows as plain paragraphs, so officers translate the words young
    # people read, not the Markdown around them.
    return {"youth_summary": readability.plain_text(consultation.youth_summary).strip()}


@bp.get("/consultations/<int:consultation_id>/translations")
def translations_page(consultation_id: int) -> str:
    consultation = authoring.consultation_for_editing(consultation_id)
    return render_template(
        "staff/translations.html",
        consultation=consultation,
        statuses=[
            (status, _language(status.language))
            for status in translations.translation_statuses(consultation)
        ],
        deleted=_deleted_language(),
        when=when,
    )


def _deleted_language() -> dict[str, str] | None:
    code = request.args.get("deleted")
    return _language(code) if code in translations.LANGUAGES else None


def _status_of(consultation: Consultation, language: str) -> translations.TranslationStatus:
    return next(
        s for s in translations.translation_statuses(consultation) if s.language == language
    )


@bp.route("/consultations/<int:consultation_id>/translations/<language>", methods=["GET", "POST"])
def edit_translation(consultation_id: int, language: str) -> Response | tuple[str, int]:
    consultation = authoring.consultation_for_editing(consultation_id)
    lang = _language(language)
    if request.method == "GET":
        form = translation_form(
            consultation,
            _saved_words(consultation, translations.translation_for(consultation, language)),
        )
    else:
        form = translation_form(consultation)
    if request.method == "POST":
        valid = form.validate_on_submit()
        # Checked whatever else is wrong, so every problem shows at once.
        form.form_errors.extend(_strays(consultation))
        if valid and not form.form_errors:
            try:
                in_transaction(
                    lambda: translations.save_translation(
                        consultation,
                        language,
                        youth_title=form.youth_title.data or "",
                        youth_summary=form.youth_summary.data or "",
                        questions=_question_words(form),
                        now=now(),
                        actor=actor(),
                    )
                )
            except InvalidInput as error:
                form.form_errors.append(error.detail)
            else:
                return redirect(
                    url_for(
                        "staff.edit_translation",
                        consultation_id=consultation_id,
                        language=language,
                        saved=1,
                    ),
                    303,
                )
    saved = translations.translation_for(consultation, language)
    stored = dict(saved.questions or {}) if saved else {}
    states = {
        q.id: translations.question_state(q, stored.get(str(q.id))) for q in consultation.questions
    }
    status = 422 if request.method == "POST" else 200
    return (
        render_template(
            "staff/translation.html",
            question_states=states,
            consultation=consultation,
            form=form,
            lang=lang,
            status=_status_of(consultation, language),
            english=_english(consultation),
            kinds=KIND_LABELS,
            scale=QuestionKind.SCALE,
            when=when,
        ),
        status,
    )


@bp.route(
    "/consultations/<int:consultation_id>/translations/<language>/delete",
    methods=["GET", "POST"],
)
def delete_translation(consultation_id: int, language: str) -> Response | str:
    consultation = authoring.consultation_for_editing(consultation_id)
    lang = _language(language)
    exists = translations.translation_for(consultation, language) is not None
    back = url_for("staff.translations_page", consultation_id=consultation_id)
    if request.method == "POST":
        if EmptyForm().validate_on_submit() and exists:
            in_transaction(
                lambda: translations.delete_translation(
                    consultation, language, now=now(), actor=actor()
                )
            )
        # Pressed twice, or already deleted by someone else: the outcome is the same.
        return redirect(f"{back}?deleted={language}", 303)
    if not exists:
        raise NotFound(f"There is no {lang['english_name']} translation of this consultation.")
    return render_template(
        "staff/translation_delete.html",
        consultation=consultation,
        lang=lang,
        button=EmptyForm(formdata=None),
        back=back,
    )
