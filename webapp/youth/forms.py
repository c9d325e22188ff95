"""The web form: one Flask-WTF form built from a consultation's questions.

Labels, choices and messages are lazy translations: the form is built once, and each is
put into the reader's language when a page shows it.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from consultations import areas
from consultations.models import (
    AGE_BANDS,
    PREFER_NOT_TO_SAY,
    Answer,
    Consultation,
    Participant,
    Question,
    QuestionKind,
)
from consultations.services import AnswerInput
from webapp.i18n import AGE_BAND_LABELS


class CheckboxesField(SelectMultipleField):
    """Multiple choice as a list of tick boxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ForgetMeForm(FlaskForm):
    """Only the CSRF token: pressing the button is the confirmation."""


class VoteForm(FlaskForm):
    """A live poll's vote: the question only, nothing about the person."""


YOUNGEST_BAND = "11-13"
UNDER_13_NEEDS_OK = lazy_gettext(
    "If you're under 13, a parent, carer or youth worker needs to say it's OK. Ask them to "
    "tick this box with you, or use the access code your youth worker gave you."
)


class AboutYouForm(FlaskForm):
    age_band = SelectField(
        lazy_gettext("Your age (optional)"),
        # The stored values are AGE_BANDS' keys whatever the language; only the words change.
        choices=[
            SelectChoice("", lazy_gettext("Choose…")),
            *(SelectChoice(key, AGE_BAND_LABELS[key]) for key in AGE_BANDS),
        ],
        validators=[Optional()],
    )
    area = StringField(
        lazy_gettext(
            "Your area (optional): your ward, or the first part of your postcode like ST4"
        ),
        validators=[
            Optional(),
            Length(max=60, message=lazy_gettext("Keep it short: just your ward or ST4.")),
        ],
    )
    # The list entry the typed area names, once validated: "" clears it.
    area_key = ""

    def validate_area(self, field: Field) -> None:
        """What was typed must name one entry of the council's list; the text stays typed."""
        typed = (field.data or "").strip()
        if not typed or len(typed) > 60:  # too long has its own error already
            self.area_key = ""
            return
        if areas.normalise(typed) == areas.normalise(gettext("Prefer not to say")):
            key: str | None = PREFER_NOT_TO_SAY
        else:
            key = areas.resolve(typed)
        if key is None:
            raise ValidationError(
                gettext(
                    "We don’t know that area. Pick your ward or the first part of your "
                    "postcode from the list, like %(examples)s, or “prefer not to say”.",
                    examples=", ".join(areas.examples()),
                )
            )
        self.area_key = key

    def area_suggestions(self) -> list[str]:
        """The list's live entries, offered as the area is typed (a retired one is not)."""
        return [choice.name for choice in areas.choices()]

    # The Children's Code asks for a grown-up's say-so under 13. Nothing here is stored:
    # the answer only decides whether the form needs the confirmation below.
    under_13 = RadioField(
        lazy_gettext("Are you under 13?"),
        choices=[
            SelectChoice("no", lazy_gettext("No, I'm 13 or older")),
            SelectChoice("yes", lazy_gettext("Yes, I'm 11 or 12")),
        ],
        validators=[Optional()],
        validate_choice=False,
    )
    grown_up_ok = BooleanField(
        lazy_gettext("A parent, carer or youth worker knows I'm doing this and says it's OK"),
        default=False,
    )
    # Off unless ticked: at a school or library computer the next person must not find
    # these answers on the form or on "my data".
    remember = BooleanField(lazy_gettext("Remember me on this device"), default=False)

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        under_13 = self.under_13.data
        if under_13 not in (None, "", "yes", "no"):
            self.under_13.errors = [*self.under_13.errors, lazy_gettext("Please pick yes or no.")]
            return False
        if self.age_band.data == YOUNGEST_BAND and not under_13:
            self.under_13.errors = [
                *self.under_13.errors,
                lazy_gettext("You picked 11 to 13: please tell us if you are under 13."),
            ]
            ok = False
        has_code = "access_code" in self and bool((self["access_code"].data or "").strip())
        if under_13 == "yes" and not self.grown_up_ok.data and not has_code:
            self.grown_up_ok.errors = [*self.grown_up_ok.errors, UNDER_13_NEEDS_OK]
            ok = False
        return ok


def field_name(question: Question) -> str:
    return f"q{question.id}"


def _one_character_line_breaks(value: str | None) -> str | None:
    return value.replace("\r\n", "\n") if value else value


def _field_for(question: Question) -> Field:
    required = (
        [InputRequired(message=lazy_gettext("Please answer this question."))]
        if question.required
        else []
    )
    optional = [] if question.required else [Optional()]
    label = question.prompt
    if question.kind is QuestionKind.SINGLE_CHOICE:
        return RadioField(
            label,
            choices=[SelectChoice(o.id, o.label) for o in question.options],
            coerce=int,
            validators=required + optional,
        )
    if question.kind is QuestionKind.MULTIPLE_CHOICE:
        return CheckboxesField(
            label,
            choices=[SelectChoice(o.id, o.label) for o in question.options],
            coerce=int,
            validators=required + optional,
        )
    if question.kind is QuestionKind.SCALE:
        choices = [SelectChoice(v, str(v)) for v in range(1, 6)]
        return RadioField(label, choices=choices, coerce=int, validators=required + optional)
    return TextAreaField(
        label,
        # Browsers send a line break as two characters but count it as one against the
        # box's limit; counted as the young person saw it, a full box is never refused.
        filters=[_one_character_line_breaks],
        validators=[
            *(required or optional),
            Length(
                max=question.max_length,
                message=lazy_gettext(
                    "Keep it under %(limit)s characters.", limit=question.max_length
                ),
            ),
        ],
    )


ACCESS_CODE_LABEL = lazy_gettext("Your access code (on the card or paper you were given)")
# Where the codes are a club's own count, the code is not needed to answer, and says so.
CLUB_CODE_LABEL = lazy_gettext(
    "Your club's access code (from the card you were given; leave it empty if you have none)"
)


def _access_code_field(required: bool = True) -> Field:
    return StringField(
        ACCESS_CODE_LABEL if required else CLUB_CODE_LABEL,
        validators=[
            Optional(),
            Length(max=20, message=lazy_gettext("An access code is 8 letters and numbers.")),
        ],
    )


def consultation_form(
    consultation: Consultation,
    *,
    previous: list[Answer] | None = None,
    access_code: str | None = None,
    remember: bool = False,
    about: Participant | None = None,
    base: type[FlaskForm] = AboutYouForm,
    **kwargs: Any,
) -> FlaskForm:
    """A form class made for this consultation's questions, prefilled with earlier answers.

    ``remember`` ticks "remember me on this device" for someone who already chose it;
    ``about`` fills in the age band and area this browser's participant gave before.
    """

    class ConsultationForm(base):
        pass

    for question in consultation.questions:
        setattr(ConsultationForm, field_name(question), _field_for(question))
    # A club's card link brings its code (``?code=``), and the form sent from it too.
    brought = bool(access_code) or (has_request_context() and "access_code" in request.form)
    if consultation.requires_access_code or brought:
        # Checked by the service (one code, one person, on every channel), not here.
        ConsultationForm.access_code = _access_code_field(consultation.requires_access_code)
    data: dict[str, Any] = {"access_code": access_code} if access_code else {}
    if remember:
        data["remember"] = True
    if about is not None and base is AboutYouForm:
        data["age_band"] = about.age_band or ""
        # Shown by its list name; a retired area is kept and shown, just not offered.
        data["area"] = areas.names().get(about.area, "") if about.area else ""
    by_question = {q.id: q for q in consultation.questions}
    for answer in previous or []:
        question = by_question[answer.question_id]
        if question.kind is QuestionKind.SINGLE_CHOICE:
            data[field_name(question)] = answer.option_ids[0] if answer.option_ids else None
        elif question.kind is QuestionKind.MULTIPLE_CHOICE:
            data[field_name(question)] = answer.option_ids
        elif question.kind is QuestionKind.SCALE:
            data[field_name(question)] = answer.scale_value
        else:
            data[field_name(question)] = answer.text
    return ConsultationForm(data=data, **kwargs)


def answers_from(form: FlaskForm, consultation: Consultation) -> list[AnswerInput]:
    """What was answered, as the channel-neutral input the service takes; blanks are skipped."""
    answers: list[AnswerInput] = []
    for question in consultation.questions:
        value = form[field_name(question)].data
        if value in (None, "", []):
            continue
        if question.kind is QuestionKind.SINGLE_CHOICE:
            answers.append(AnswerInput(question.id, option_ids=[value]))
        elif question.kind is QuestionKind.MULTIPLE_CHOICE:
            answers.append(AnswerInput(question.id, option_ids=list(value)))
        elif question.kind is QuestionKind.SCALE:
            answers.append(AnswerInput(question.id, value=value))
        elif value.strip():
            answers.append(AnswerInput(question.id, text=value))
    return answers
