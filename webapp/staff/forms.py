"""Staff forms: WTForms parse and check what was typed; services decide what it means."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    Field,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from consultations import accounts, translations
from consultations.errors import InvalidInput
from consultations.glossary import check_aliases
from consultations.models import (
    AGE_BANDS,
    DATE_RANGE_WORDS,
    Consultation,
    Option,
    Question,
    QuestionKind,
    date_in_range,
)
from consultations.results import DIMENSIONS
from consultations.staff_models import Role

KIND_LABELS = {
    QuestionKind.SINGLE_CHOICE.value: "Pick one",
    QuestionKind.MULTIPLE_CHOICE.value: "Pick any",
    QuestionKind.SCALE.value: "Scale of 1 to 5",
    QuestionKind.FREE_TEXT.value: "Write an answer",
}


# The first is how browsers send and show datetime-local values; the second, with seconds.
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


def in_date_range(form: FlaskForm, field: Field) -> None:
    """A date (or date and time) the platform can plan and report with."""
    value = field.data
    day = value.date() if isinstance(value, datetime) else value
    if isinstance(day, date) and not date_in_range(day):
        raise ValidationError(DATE_RANGE_WORDS)


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("TIMEZONE", "Europe/London"))


def to_utc(value: datetime | None) -> datetime | None:
    """A date and time typed in the council's time zone, as UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=local_zone()).astimezone(UTC)


def to_local(value: datetime | None) -> datetime | None:
    """A stored UTC time as the wall-clock time staff typed, for the form."""
    if value is None:
        return None
    return value.astimezone(local_zone()).replace(tzinfo=None, second=0, microsecond=0)


def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class EmptyForm(FlaskForm):
    """A button that changes something: the CSRF token is its only field."""


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Give your email."), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired("Give your password.")])


class UserForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Give an email.")])
    role = SelectField("Role", choices=[SelectChoice(r.value, r.label) for r in Role])
    password = PasswordField(
        "First password (at least 12 characters; they can be told it in person)",
        validators=[DataRequired("Give a first password."), Length(min=12)],
    )

    def validate_email(self, field: Field) -> None:
        # The accounts service's own rule, so the form and `youthvoice create-user` agree
        # on what an email is, and the error sits beside the field rather than above it.
        try:
            accounts.check_email(field.data or "")
        except InvalidInput as error:
            raise ValidationError(error.detail) from None


class AccountForm(FlaskForm):
    role = SelectField("Role", choices=[SelectChoice(r.value, r.label) for r in Role])
    active = BooleanField("Can sign in")


class ConsultationForm(FlaskForm):
    title = StringField(
        "Title (for staff)", validators=[DataRequired("Give a title."), Length(max=200)]
    )
    youth_title = StringField(
        "Title young people see",
        validators=[DataRequired("Give the title young people see."), Length(max=120)],
    )
    theme = SelectField("Theme", choices=[], validators=[Optional()])
    source_document = StringField("Source document", validators=[Length(max=200)])
    source_organisation = StringField("Organisation that owns it", validators=[Length(max=200)])
    original_text = TextAreaField("Original text (as the council wrote it)")
    youth_summary = TextAreaField("Rewrite for young people (Markdown)")
    reading_age_target = IntegerField(
        "Target reading age",
        default=12,
        validators=[InputRequired("Give a target."), NumberRange(8, 18, "Between 8 and 18.")],
    )
    audience_min_age = IntegerField(
        "Youngest age", default=11, validators=[InputRequired(), NumberRange(11, 25)]
    )
    audience_max_age = IntegerField(
        "Oldest age", default=25, validators=[InputRequired(), NumberRange(11, 25)]
    )
    opens_at = DateTimeLocalField(
        "Opens (leave empty to open when published)",
        [Optional(), in_date_range],
        format=LOCAL_FORMATS,
    )
    closes_at = DateTimeLocalField("Closes", [Optional(), in_date_range], format=LOCAL_FORMATS)

    def validate_closes_at(self, field: Field) -> None:
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError("The closing date must be after the opening date.")

    def validate_audience_max_age(self, field: Field) -> None:
        low = self.audience_min_age.data
        if field.data is not None and low is not None and field.data < low:
            raise ValidationError("The oldest age must not be below the youngest.")


class QuestionEditForm(FlaskForm):
    """A question's wording and options; its kind is fixed once it exists."""

    prompt = StringField(
        "Question", validators=[DataRequired("Write the question."), Length(max=300)]
    )
    required = BooleanField("Must be answered")
    options = TextAreaField("Options, one per line (for pick one and pick any)")
    scale_min_label = StringField("Label for 1 (scale)", validators=[Length(max=60)])
    scale_max_label = StringField("Label for 5 (scale)", validators=[Length(max=60)])
    max_length = IntegerField(
        "Longest answer in characters (written answers)",
        default=500,
        validators=[Optional(), NumberRange(20, 2000)],
    )

    def __init__(self, *args: Any, question_kind: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.question_kind = question_kind

    def chosen_kind(self) -> str:
        return self.question_kind

    def validate_options(self, field: Field) -> None:
        choice = self.chosen_kind() in ("single_choice", "multiple_choice")
        if choice and len(lines(field.data)) < 2:
            raise ValidationError("Give at least two options, one per line.")


class QuestionForm(QuestionEditForm):
    kind = SelectField(
        "Kind of answer",
        choices=[SelectChoice(k, v) for k, v in KIND_LABELS.items()],
        default="single_choice",
    )

    def chosen_kind(self) -> str:
        return str(self.kind.data)


class PublishForm(FlaskForm):
    override_reason = TextAreaField(
        "Reason to publish although the text is above its target reading age",
        validators=[Length(max=1000)],
    )


class ReopenForm(FlaskForm):
    closes_at = DateTimeLocalField(
        "New closing date (optional)", [Optional(), in_date_range], format=LOCAL_FORMATS
    )


class GlossaryForm(FlaskForm):
    term = StringField(
        "Word or phrase", validators=[DataRequired("Give the term."), Length(max=80)]
    )
    aliases = StringField("Other forms, separated by commas (for example an abbreviation)")
    explanation = TextAreaField(
        "Explanation in plain words (one sentence)",
        validators=[DataRequired("Explain it in one sentence."), Length(max=400)],
    )

    def validate_aliases(self, field: Field) -> None:
        try:
            check_aliases(split_aliases(field.data))
        except InvalidInput as error:
            raise ValidationError(error.detail) from None


def split_aliases(raw: str | None) -> list[str]:
    """The other forms typed in one box, separated by commas."""
    return [a.strip() for a in (raw or "").split(",") if a.strip()]


class AreaForm(FlaskForm):
    """One entry of the council's list of areas."""

    name = StringField(
        "Name young people read", validators=[DataRequired("Give the area a name."), Length(max=80)]
    )
    kind = RadioField(
        "Kind",
        choices=[
            SelectChoice("ward", "Electoral ward"),
            SelectChoice("postcode_district", "Postcode district (like ST4)"),
        ],
        default="ward",
    )
    aliases = StringField("Other names that mean this area, separated by commas (like a town)")
    retired = BooleanField("Retired: no longer offered (people who chose it keep it)")


class PollForm(FlaskForm):
    kind = RadioField(
        "What people answer",
        choices=[
            SelectChoice("choice", "Pick from options"),
            SelectChoice("words", "Type one word (a word cloud, up to 30 characters)"),
        ],
        default="choice",
        # Left out (an older form, a script), it is a choice poll as before.
        validators=[Optional()],
    )
    question = StringField(
        "Question", validators=[DataRequired("Write the question."), Length(max=120)]
    )
    option_1 = StringField("Option 1")
    option_2 = StringField("Option 2")
    option_3 = StringField("Option 3 (optional)")
    option_4 = StringField("Option 4 (optional)")
    option_5 = StringField("Option 5 (optional)")
    option_6 = StringField("Option 6 (optional)")
    multiple = BooleanField("People may pick more than one")
    hide_results = BooleanField(
        "Hide the results until I reveal them (on the screen and on phones)"
    )
    # The poll on the projector now, which moves on to this one ("next poll").
    follows = HiddenField()
    override_reason = TextAreaField("Reason to run it although it is hard to read (only if asked)")

    @property
    def option_fields(self) -> list[Field]:
        return [self[f"option_{n}"] for n in range(1, 7)]

    @property
    def words(self) -> bool:
        return self.kind.data == "words"

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if not self.words:
            for f in self.option_fields[:2]:
                if not (f.data or "").strip():
                    f.errors = [*f.errors, "Give at least two options."]
                    ok = False
        return ok

    def options(self) -> list[str]:
        return [f.data for f in self.option_fields if f.data and f.data.strip()]


class AccessCodesForm(FlaskForm):
    count = IntegerField(
        "How many codes to print",
        default=30,
        validators=[InputRequired("Say how many."), NumberRange(1, 500, "Between 1 and 500.")],
    )
    # No default: printing codes for a public consultation must never switch the
    # requirement on by itself, so whoever prints them says which they mean.
    use = RadioField(
        "What the codes are for",
        choices=[
            SelectChoice("required", "Only people with a code can answer"),
            SelectChoice(
                "count", "Codes for a club's own count: anyone can still answer without one"
            ),
        ],
        validators=[InputRequired("Choose what the codes are for.")],
    )


class TagForm(FlaskForm):
    name = StringField("Tag", validators=[DataRequired("Give the tag a name."), Length(max=60)])


class FreeTextFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a search form (GET) changes nothing

    q = StringField("Search the answers", validators=[Optional(), Length(max=100)])
    tag = SelectField("Tag", choices=[], validators=[Optional()])


class BreakdownForm(FlaskForm):
    class Meta:
        csrf = False

    by = SelectField(
        "Break down by",
        choices=[SelectChoice(k, v) for k, v in DIMENSIONS.items()],
        default="age_band",
    )


class ModerationForm(FlaskForm):
    """One decision on one written answer; the button pressed names the decision."""

    decision = StringField(
        "Decision",
        validators=[
            InputRequired("Choose approve, redact, hide or escalate."),
            AnyOf(
                ["approve", "redact", "hide", "escalate"],
                "Choose approve, redact, hide or escalate.",
            ),
        ],
    )
    redacted_text = TextAreaField(
        "Text as staff and the forum will see it (edit, then press Redact)",
        validators=[Optional(), Length(max=5000, message="Keep it under 5000 characters.")],
    )
    reason = TextAreaField(
        "Why you are escalating it (the safeguarding lead reads this)",
        validators=[Optional(), Length(max=5000, message="Keep the reason under 5000 characters.")],
    )


def _answer_ids() -> SelectMultipleField:
    # One checkbox per answer on the page, all of the same name; no fixed list of choices.
    return SelectMultipleField(
        "Answers",
        coerce=int,
        choices=[],
        validate_choice=False,
        validators=[DataRequired("Tick the answers first.")],
    )


class BulkApproveForm(FlaskForm):
    """Approve the ticked answers: first asked, then (``confirmed``) done."""

    answer_ids = _answer_ids()
    confirmed = HiddenField()


class BulkTagForm(FlaskForm):
    """Tag the ticked answers: first asked, then (``confirmed``) done."""

    answer_ids = _answer_ids()
    name = StringField(
        "Tag the ticked answers as",
        validators=[DataRequired("Give the tag a name."), Length(max=60)],
    )
    confirmed = HiddenField()


class QueueViewForm(FlaskForm):
    class Meta:
        csrf = False

    view = SelectField("Show", choices=[], default="waiting")


class ConcernForm(FlaskForm):
    notes = TextAreaField(
        "What was done (kept with the concern, for the safeguarding role only)",
        validators=[
            DataRequired("Write what was done before marking it handled."),
            Length(max=5000, message="Keep the notes under 5000 characters."),
        ],
    )


def _at_most(limit: int) -> Length:
    return Length(max=limit, message=f"Keep it to {limit} characters or fewer.")


class TranslationForm(FlaskForm):
    """One language's words for a consultation; ``translation_form`` adds the questions."""

    youth_title = StringField(
        "Title young people see",
        validators=[DataRequired("Translate the title."), _at_most(translations.TITLE_MAX)],
    )
    youth_summary = TextAreaField(
        "Text for young people",
        validators=[DataRequired("Translate the text."), _at_most(translations.SUMMARY_MAX)],
    )
    questions: list[TranslatedQuestion]


@dataclass
class TranslatedQuestion:
    """One question's translation fields, with the question for its English words."""

    question: Question
    prompt: Field
    options: list[tuple[Option, Field]]
    scale_min_label: Field | None = None
    scale_max_label: Field | None = None


def prompt_field(question: Question) -> str:
    return f"q{question.id}_prompt"


def option_field(question: Question, option: Option) -> str:
    return f"q{question.id}_option_{option.id}"


def scale_field(question: Question, end: str) -> str:
    return f"q{question.id}_{end}"


def translation_form(
    consultation: Consultation, data: dict[str, Any] | None = None
) -> TranslationForm:
    """A form for this consultation's questions as they are now: one field per phrase.

    Question fields are optional: left empty, young people read that phrase in English.
    """
    fields: dict[str, Field] = {}
    for question in consultation.questions:
        fields[prompt_field(question)] = StringField(
            "Question", validators=[Optional(), _at_most(translations.PROMPT_MAX)]
        )
        if question.kind is QuestionKind.SCALE:
            for end, label in (("min", "Label for 1"), ("max", "Label for 5")):
                fields[scale_field(question, end)] = StringField(
                    label, validators=[Optional(), _at_most(translations.SCALE_LABEL_MAX)]
                )
        elif question.kind.has_options:
            for n, option in enumerate(question.options, start=1):
                fields[option_field(question, option)] = StringField(
                    f"Option {n}", validators=[Optional(), _at_most(translations.OPTION_MAX)]
                )
    form_class = type("ConsultationTranslationForm", (TranslationForm,), fields)
    form = form_class(data=data) if data is not None else form_class()
    form.questions = [
        TranslatedQuestion(
            question=q,
            prompt=form[prompt_field(q)],
            options=[
                (o, form[option_field(q, o)])
                for o in q.options
                if q.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)
            ],
            scale_min_label=form[scale_field(q, "min")] if q.kind is QuestionKind.SCALE else None,
            scale_max_label=form[scale_field(q, "max")] if q.kind is QuestionKind.SCALE else None,
        )
        for q in consultation.questions
    ]
    return form


class InviteForm(FlaskForm):
    """An invitation: its words, who to (choices, never names) and when."""

    text_en = TextAreaField(
        "The invitation, in young people's words",
        [DataRequired("Write the invitation."), Length(max=300)],
    )
    text_pl = TextAreaField("The same in Polish (optional)", [Optional(), Length(max=300)])
    text_ur = TextAreaField("The same in Urdu (optional)", [Optional(), Length(max=300)])
    areas = SelectMultipleField("Areas (none chosen: every area)", choices=[])
    age_bands = SelectMultipleField(
        "Age bands (none chosen: every age)",
        choices=[SelectChoice(k, v) for k, v in AGE_BANDS.items()],
    )
    languages = SelectMultipleField(
        "Languages (none chosen: every language)",
        choices=[
            SelectChoice("en", "English"),
            SelectChoice("pl", "Polish"),
            SelectChoice("ur", "Urdu"),
        ],
    )
    channels = SelectMultipleField(
        "Channels (none chosen: every channel)",
        choices=[
            SelectChoice("telegram", "Telegram"),
            SelectChoice("rasa", "Chat assistant"),
            SelectChoice("web", "Browser notifications"),
        ],
    )
    topics = SelectMultipleField(
        "Topics (none chosen: every topic; people who chose no topic hear about every one)",
        choices=[],
    )
    send_at = DateTimeLocalField(
        "Send at (empty: now)", [Optional(), in_date_range], format=LOCAL_FORMATS
    )
    confirmed = HiddenField()
