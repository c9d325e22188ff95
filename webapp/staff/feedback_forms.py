"""Forms for "you said, we did", quotes, the forum and the partnership report."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Field,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from feedback.loop_models import LspResponse, WeDidStatus
from feedback.outcomes import ACTION_MAX, PARTNER_MAX, QUOTE_MAX, YOU_SAID_MAX
from webapp.staff.forms import in_date_range

STATUS_CHOICES = [SelectChoice(s.value, s.label) for s in WeDidStatus]


class YouSaidForm(FlaskForm):
    you_said = TextAreaField(
        "You said: what young people told us, in plain words",
        validators=[DataRequired("Write what young people said."), Length(max=YOU_SAID_MAX)],
    )


class YouSaidDraftForm(FlaskForm):
    """Asking for a draft: what is in the box now, kept unless the officer says to replace it."""

    you_said = TextAreaField(validators=[Length(max=YOU_SAID_MAX)])
    replace = BooleanField()


class WeDidForm(FlaskForm):
    action = StringField(
        "We did: what is being done",
        validators=[DataRequired("Say what is being done."), Length(max=ACTION_MAX)],
    )
    partner = StringField(
        "Partner responsible",
        validators=[DataRequired("Say who is responsible."), Length(max=PARTNER_MAX)],
    )
    status = SelectField("Status", choices=STATUS_CHOICES, default=WeDidStatus.PLANNED.value)
    due_date = DateField("Due date (optional)", validators=[Optional(), in_date_range])
    reason = TextAreaField(
        "Why it is not possible (needed for “not possible”)",
        validators=[Length(max=YOU_SAID_MAX)],
    )

    def validate_reason(self, field: Field) -> None:
        if self.status.data == WeDidStatus.NOT_POSSIBLE.value and not (field.data or "").strip():
            raise ValidationError("Say why it is not possible: young people deserve the reason.")


class StatusForm(FlaskForm):
    status = SelectField("New status", choices=STATUS_CHOICES)
    note = TextAreaField(
        "What has happened (the reason, for “not possible”)",
        validators=[Length(max=YOU_SAID_MAX)],
    )


class QuoteForm(FlaskForm):
    text = TextAreaField(
        "Words to publish (trim out anything that could identify someone)",
        validators=[Length(max=QUOTE_MAX, message=f"Up to {QUOTE_MAX} characters.")],
    )


class RecommendationForm(FlaskForm):
    title = StringField(
        "Recommendation", validators=[DataRequired("Give it a title."), Length(max=200)]
    )
    body = TextAreaField(
        "What the partnership should do, and why",
        validators=[DataRequired("Write the recommendation."), Length(max=5000)],
    )
    evidence = TextAreaField("The results that back it up", validators=[Length(max=5000)])
    # Tick boxes, not a list needing Ctrl to pick several: forum members use phones.
    consultations = SelectMultipleField(
        "Consultations it cites",
        choices=[],
        coerce=int,
        validate_choice=True,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )

    def validate_consultations(self, field: Field) -> None:
        if not field.data:
            raise ValidationError("Cite at least one consultation.")


class CommentForm(FlaskForm):
    body = TextAreaField(
        "Your comment",
        validators=[
            DataRequired("Write your comment."),
            Length(max=500, message="Keep a comment under 500 characters."),
        ],
    )


class RecommendationVoteForm(FlaskForm):
    """A forum member's vote for or against a recommendation (a live poll's is ``VoteForm``)."""

    choice = RadioField(
        "Your vote",
        choices=[SelectChoice("for", "For"), SelectChoice("against", "Against")],
        validators=[DataRequired("Choose for or against.")],
    )


class ResponseForm(FlaskForm):
    response = RadioField(
        "The partnership's response",
        choices=[SelectChoice(r.value, r.label) for r in LspResponse],
        validators=[DataRequired("Choose the response.")],
    )
    reason = TextAreaField(
        "Their reasons",
        validators=[DataRequired("Give the partnership's reasons."), Length(max=5000)],
    )
    partner = StringField("Partner who will act on it", validators=[Length(max=200)])


class ReportForm(FlaskForm):
    class Meta:
        csrf = False  # a download (GET) changes nothing

    consultation = SelectField("One consultation", choices=[], validators=[Optional()])
    start = DateField("Or a period: from", validators=[Optional(), in_date_range])
    end = DateField("to", validators=[Optional(), in_date_range])
    format = SelectField(
        "Format",
        choices=[
            SelectChoice("pdf", "PDF"),
            SelectChoice("csv", "CSV"),
            SelectChoice("json", "JSON"),
        ],
        default="pdf",
    )

    def validate(self, extra_validators: Any = None) -> bool:
        # Optional() on the dates stops their own checks when they are empty, so the rule
        # "a consultation or a whole period" is checked here, for the form as a whole.
        valid = super().validate(extra_validators)
        if valid and not self.consultation.data and not (self.start.data and self.end.data):
            self.end.errors = ["Choose a consultation, or give both dates of a period."]
            return False
        return valid

    def validate_end(self, field: Field) -> None:
        if self.consultation.data:
            return
        if not (self.start.data and field.data):
            raise ValidationError("Choose a consultation, or give both dates of a period.")
        if field.data < self.start.data:
            raise ValidationError("The end must be on or after the start.")
