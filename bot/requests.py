"""What the conversation asks of the world, as data: one request per back-end operation.

The conversation (``bot.conversation``) never calls the back end itself. A turn is a
generator that yields these requests and is sent each one's result; a refusal or an outage
is thrown into it as ``ApiProblem`` or ``BackendDown``, where the turn handles it as it would
a raised error. Whoever runs the turn (``bot.engine_runner`` over the HTTP client, or a test
answering from a dict) decides how a request is met, so the dialogue stays free of I/O.

``answer = yield from Me(who)`` reads as the call it stands for and keeps its result typed.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from channel_api import payloads as api

T = TypeVar("T")


class BackendDown(Exception):
    """The back end could not be reached, failed on its side (5xx), or answered nonsense."""


class ApiProblem(Exception):
    """The back end refused a request with an RFC 9457 problem document."""

    def __init__(self, status: int, problem: api.Problem) -> None:
        super().__init__(problem.detail)
        self.status = status
        self.problem = problem

    @property
    def title(self) -> str:
        return self.problem.title

    @property
    def detail(self) -> str:
        return self.problem.detail

    @property
    def errors(self) -> list[api.FieldProblem]:
        return self.problem.errors or []


class Request(Generic[T]):
    """Something the conversation needs done; ``T`` is what doing it gives back."""

    def __iter__(self) -> Generator[Request[Any], Any, T]:
        # ``yield from request`` hands the request to the runner and returns its result.
        result: T = yield self
        return result


# A turn of the conversation, or a step of one: requests out, results in, ``T`` at the end.
Steps = Generator[Request[Any], Any, T]


@dataclass(frozen=True)
class Consultations(Request[list[api.ConsultationSummary]]):
    """What is open now."""


@dataclass(frozen=True)
class GetConsultation(Request[api.Consultation]):
    slug: str


@dataclass(frozen=True)
class Answers(Request[list[api.StoredAnswer]]):
    """What this person has answered so far in one consultation."""

    slug: str
    who: str


@dataclass(frozen=True)
class Submit(Request[api.Saved]):
    """Save answers; the reply's ``support``, when there is one, is said straight away."""

    slug: str
    who: str
    answers: tuple[api.AnswerIn, ...]


@dataclass(frozen=True)
class Glossary(Request[list[api.GlossaryEntry]]):
    """Every word the platform explains."""


@dataclass(frozen=True)
class Me(Request[api.ParticipantSettings]):
    who: str


@dataclass(frozen=True)
class Profile(Request[api.ParticipantSettings]):
    who: str
    age_band: str | None = None
    area: str | None = None


@dataclass(frozen=True)
class Subscribe(Request[api.ParticipantSettings]):
    who: str
    address: str


@dataclass(frozen=True)
class Unsubscribe(Request[api.ParticipantSettings]):
    who: str


@dataclass(frozen=True)
class Topics(Request[list[api.TopicChoice]]):
    """The topics that can be followed, in the strategy's order."""


@dataclass(frozen=True)
class FollowTopics(Request[api.ParticipantSettings]):
    """Hear about these topics only; none means every topic."""

    who: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Forget(Request[bool]):
    """Delete everything the back end holds about this person."""

    who: str


@dataclass(frozen=True)
class CodeFor(Request[str]):
    """The short code a consultation goes by in buttons on this channel."""

    slug: str


@dataclass(frozen=True)
class SlugFor(Request[str | None]):
    """The consultation a button's code stands for; None when it is not known."""

    code: str
