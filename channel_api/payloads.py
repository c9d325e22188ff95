"""Every body the channel API (``/api/v1``) takes or gives, as pydantic models.

Requests are strict: ``"4"`` is not a number and ``true`` is not 1, so a channel learns of a
mistake instead of having it guessed at. Unknown fields are ignored in both directions, so a
newer back end or channel can add one without breaking the other.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from youthvoice_settings import LANGUAGES as _LANGUAGES
from youthvoice_settings import Language as _Language

# Who a GET speaks for. Headers, not the query string: proxies and access logs record query
# strings, and the id is a chat account's id.
PARTICIPANT_CHANNEL_HEADER = "X-Participant-Channel"
PARTICIPANT_ID_HEADER = "X-Participant-Id"
# The API refuses participant ids longer than this.
PARTICIPANT_ID_MAX = 128
# The languages, defined once in youthvoice_settings (which imports nothing of ours either).
LANGUAGES = _LANGUAGES
Language = _Language
QuestionKind = Literal["single_choice", "multiple_choice", "scale", "free_text"]
ConsultationStatus = Literal["draft", "open", "closed"]
DeliveryOutcome = Literal["sent", "retry", "blocked", "failed"]
MessageStatus = Literal["pending", "sent", "dropped"]
# A database id: anything larger cannot name a row.
Id = Annotated[int, Field(ge=0, le=2**31 - 1)]


class Request(BaseModel):
    """What a channel sends: checked strictly, unknown fields ignored."""

    model_config = ConfigDict(strict=True, extra="ignore")


class Reply(BaseModel):
    """What the back end answers; read leniently, so new fields never break a channel."""

    model_config = ConfigDict(extra="ignore")


# --- requests ---------------------------------------------------------------------------


class Participant(Request):
    """A young person as their channel knows them; the back end keeps only a keyed hash."""

    channel: Annotated[str, Field(min_length=1, max_length=32)]
    id: Annotated[str, Field(min_length=1, max_length=PARTICIPANT_ID_MAX)]


class AnswerIn(Request):
    """One answer: ``option_ids`` for a choice, ``value`` for a scale, ``text`` when written."""

    question_id: Id
    option_ids: list[Id] = Field(default_factory=list)
    value: Annotated[int, Field(ge=1, le=5)] | None = None
    text: str | None = None


class Submission(Request):
    participant: Participant
    answers: Annotated[list[AnswerIn], Field(min_length=1, max_length=200)]
    access_code: Annotated[
        str | None,
        Field(
            max_length=20,
            description=(
                "The one-time code handed to the participant, for consultations with "
                "requires_access_code; needed on the first submission only."
            ),
        ),
    ] = None


class ForParticipant(Request):
    participant: Participant


class ProfileChange(Request):
    participant: Participant
    age_band: Annotated[str | None, Field(description="An age band key or prefer_not_to_say")] = (
        None
    )
    area: Annotated[
        str | None,
        Field(
            description=(
                "An area's key from GET /areas (or its name, another name such as a town, or a "
                "postcode, which are matched to one entry), or prefer_not_to_say; empty clears it"
            )
        ),
    ] = None


class TopicsChange(Request):
    participant: Participant
    topics: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=40)]],
        Field(
            max_length=50,
            description="Topic keys from GET /topics; an empty list means every topic",
        ),
    ]


class SubscriptionRequest(Request):
    participant: Participant
    address: Annotated[
        Annotated[str, Field(min_length=1, max_length=128)] | int,
        Field(description="Where the channel delivers messages (a Telegram chat id, say)"),
    ]


class LeaseRequest(Request):
    limit: Annotated[int, Field(ge=1, le=500)] = 100
    lease_seconds: Annotated[int, Field(ge=5, le=3600)] = 60


class Acknowledgement(Request):
    lease_token: Annotated[str, Field(min_length=1, max_length=64)]
    outcome: DeliveryOutcome
    retry_after: Annotated[float, Field(ge=0, le=86400, allow_inf_nan=False)] = 0.0
    error: Annotated[str | None, Field(max_length=500)] = None


class HeldMessage(Request):
    id: Annotated[int, Field(ge=1)]
    lease_token: Annotated[str, Field(min_length=1, max_length=64)]


class HeldCheck(Request):
    messages: Annotated[list[HeldMessage], Field(min_length=1, max_length=500)]


# --- replies ----------------------------------------------------------------------------


class Audience(Reply):
    min_age: int
    max_age: int


class ConsultationSummary(Reply):
    slug: str
    language: Annotated[Language, Field(description="The language of the words in this object")]
    youth_title: str
    summary: str
    theme: str | None
    opens_at: datetime | None
    closes_at: datetime | None
    feedback_due: date | None
    reading_age: float
    minutes_to_read: int
    audience: Audience


class ConsultationList(Reply):
    consultations: Annotated[
        list[ConsultationSummary], Field(description="Open consultations, closing soonest first")
    ]


class Original(Reply):
    """The officers' own document the youth text was written from."""

    title: str
    text: str
    source_document: str
    source_organisation: str
    url: str


class GlossaryTerm(Reply):
    term: str
    explanation: str


class Scale(Reply):
    min: int
    max: int
    min_label: str
    max_label: str


class Option(Reply):
    id: int
    label: str


class Question(Reply):
    id: int
    position: int
    kind: QuestionKind
    prompt: str
    required: bool
    max_length: int | None
    scale: Scale | None
    options: list[Option]


class Consultation(ConsultationSummary):
    status: ConsultationStatus
    accepting_answers: bool
    requires_access_code: Annotated[bool, Field(description="Answers need a one-time code")]
    youth_text: Annotated[str, Field(description="Markdown")]
    original: Original
    glossary: list[GlossaryTerm]
    questions: list[Question]

    def question(self, question_id: int) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


class Support(Reply):
    """Help the channel must send the young person at once, whatever their settings."""

    safeguarding: Annotated[
        bool,
        Field(description="A possible disclosure (self-harm, abuse, exploitation, danger)"),
    ]
    tension: Annotated[bool, Field(description="Hate or hostility between groups was mentioned")]
    message: Annotated[str, Field(description="The full text to send, the same on every channel")]
    languages: Annotated[
        list[Language],
        Field(
            description="The languages `message` is in: the channel's own, then the language "
            "the young person wrote in, if another"
        ),
    ]
    childline: str | None
    emergency: str | None
    hate_reporting: str | None


class Saved(Reply):
    saved: Annotated[int, Field(description="How many answers were saved")]
    support: Annotated[
        Support | None, Field(description="Present only when the young person must be shown help")
    ] = None


class StoredAnswer(Reply):
    question_id: int
    option_ids: list[int]
    value: int | None
    text: str | None
    updated_at: datetime


class StoredAnswers(Reply):
    answers: Annotated[list[StoredAnswer], Field(description="In question order")]


class OptionResult(Reply):
    id: int
    label: str
    count: int
    percent: float


class QuestionResult(Reply):
    id: int
    kind: QuestionKind
    prompt: str
    answers: int
    options: list[OptionResult]


class Results(Reply):
    slug: str
    status: ConsultationStatus
    respondents: int
    questions: list[QuestionResult]


class GlossaryEntry(Reply):
    term: str
    explanation: str
    aliases: list[str]


class Glossary(Reply):
    glossary: Annotated[list[GlossaryEntry], Field(description="Every term, A to Z")]


class ParticipantSettings(Reply):
    known: Annotated[bool, Field(description="False when nothing is held about them")]
    age_band: str | None
    area: Annotated[str | None, Field(description="An area's key from GET /areas")]
    area_name: str | None = None
    subscribed: bool
    topics: Annotated[
        list[str], Field(description="Topic keys followed; empty: every topic, or not opted in")
    ] = Field(default_factory=list)


class AreaChoice(Reply):
    key: str
    name: str
    kind: Literal["ward", "postcode_district"]


class AreaList(Reply):
    areas: Annotated[
        list[AreaChoice], Field(description="Areas offered now: districts, then wards A to Z")
    ]
    prefer_not_to_say: Annotated[
        str, Field(description="The key to send for “prefer not to say”, always accepted")
    ] = "prefer_not_to_say"


class TopicChoice(Reply):
    key: str
    name: str
    description: str
    youth_words: Annotated[
        dict[str, str],
        Field(description="The topic in young people's words, by language code, to show them"),
    ] = Field(default_factory=dict)


class TopicList(Reply):
    topics: Annotated[list[TopicChoice], Field(description="In the strategy's order")]


class Forgotten(Reply):
    forgotten: bool


class LeasedMessage(Reply):
    id: int
    idempotency_key: str
    lease_token: str
    address: str
    kind: str
    text: str
    link: str | None
    attempts: int
    button: Annotated[
        str | None,
        Field(description="Words for a button that opens ``link``, where the channel has buttons"),
    ] = None

    def full_text(self) -> str:
        """The text with its link, unless the text already carries it or a button does."""
        if self.link and self.link not in self.text and not self.button:
            return f"{self.text}\n{self.link}"
        return self.text


class Lease(Reply):
    messages: Annotated[list[LeasedMessage], Field(description="Now held by the caller")]


class Held(Reply):
    held: Annotated[
        list[int],
        Field(description="The ids still pending under the lease given: only these may be sent"),
    ]


class Acknowledged(Reply):
    id: int
    status: MessageStatus


# --- a participant's copy of their data (subject access) --------------------------------


class ExportedAnswer(Reply):
    question: str
    kind: QuestionKind
    answered_at: str | None
    changed_at: str | None
    choices: list[str] | None = None
    value: int | None = None
    text: str | None = None


class ExportedConsultation(Reply):
    title: str
    link: str
    took_part_at: str | None
    channel: str
    used_access_code_at: str | None
    answers: list[ExportedAnswer]


class ExportedProfile(Reply):
    channel: str
    first_seen_at: str | None
    age_band: str | None
    area: str | None
    topics: Annotated[
        list[str], Field(description="Themes they asked to hear about (empty: every theme)")
    ] = Field(default_factory=list)


class ExportedUpdates(Reply):
    on: bool
    channel: str
    address: str | None
    since: str | None
    changed_at: str | None


class ExportedMessage(Reply):
    kind: str
    text: str
    link: str | None
    status: MessageStatus
    written_at: str | None
    sent_at: str | None


class ParticipantExport(Reply):
    format: Literal["youthvoice-participant-export/1"]
    known: Annotated[bool, Field(description="False when nothing is held at all")]
    profile: ExportedProfile | None
    consultations: list[ExportedConsultation]
    updates: ExportedUpdates | None
    messages: list[ExportedMessage]


# --- open data --------------------------------------------------------------------------


class PublicOutcomeSummary(Reply):
    slug: str
    youth_title: str
    theme: str | None
    respondents: int
    closes_at: datetime | None
    feedback_due: date | None
    published_at: datetime | None
    url: Annotated[str, Field(description="The public “you said, we did” page")]


class PublicOutcomes(Reply):
    outcomes: list[PublicOutcomeSummary]


class ProgressUpdate(Reply):
    at: datetime
    status: str
    note: str | None


class WeDid(Reply):
    action: str
    partner: str | None
    status: str
    reason: str | None
    due_date: date | None
    updates: list[ProgressUpdate]


class PublicOptionResult(Reply):
    label: str
    count: int
    percent: float


class PublicQuestionResult(Reply):
    prompt: str
    kind: QuestionKind
    answers: int
    options: list[PublicOptionResult]


class PublicOutcome(PublicOutcomeSummary):
    you_said: str
    we_did: list[WeDid]
    quotes: Annotated[list[str], Field(description="Only quotes an officer published")]
    results: list[PublicQuestionResult]


class LateFeedback(Reply):
    slug: str
    youth_title: str
    respondents: int
    feedback_due: date | None


class LateList(Reply):
    late: list[LateFeedback]


# --- errors -----------------------------------------------------------------------------


class FieldProblem(Reply):
    """One refused part of a request, and why, in the reader's language."""

    pointer: Annotated[
        str | None,
        Field(description="JSON Pointer (RFC 6901) into the body, e.g. /answers/2/value"),
    ] = None
    parameter: Annotated[
        str | None, Field(description="The header, query or path parameter, when not the body")
    ] = None
    message: str
    index: Annotated[int | None, Field(description="Which answer, when it is about one")] = None
    question_id: int | None = None


class Problem(Reply):
    """An RFC 9457 problem document; ``title``, ``detail`` and messages in the reader's language."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] | None = None
    retry_after: Annotated[int | None, Field(description="Seconds, with a 429")] = None
