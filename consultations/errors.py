"""Typed domain errors; each adapter maps them once to a page, a chat line or a problem document."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class DomainError(Exception):
    """Base of every error a young person or staff member can cause.

    ``said`` gives the detail in a language (a code, or None for English) when the domain
    has the words for it in its catalogue, so a young person reads the refusal in the
    language they use; ``detail`` stays the English.
    """

    status = 400
    title = "Something is not right"

    def __init__(self, detail: str, *, said: Callable[[str | None], str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self._said = said

    def in_language(self, lang: str | None) -> str | None:
        """The detail in ``lang`` from the domain's catalogue, or None when it has none."""
        return self._said(lang) if self._said is not None else None


class NotFound(DomainError):
    status = 404
    title = "Not found"


class ConsultationClosed(DomainError):
    status = 409
    title = "This consultation is closed"


class IllegalTransition(DomainError):
    status = 409
    title = "That change is not allowed now"


@dataclass(frozen=True)
class AnswerProblem:
    """One refused answer: which one, and why in plain words."""

    index: int
    question_id: int | None
    message: str


class InvalidInput(DomainError):
    """What someone sent does not fit: one of the kinds below says whose input it was.

    Catch this one where any refusal of input is shown the same way.
    """

    status = 422


class InvalidAnswer(InvalidInput):
    """A young person's answers (to a consultation's questions, or about themselves)."""

    title = "Some answers need another look"

    def __init__(
        self,
        detail: str,
        problems: list[AnswerProblem] | None = None,
        *,
        said: Callable[[str | None], str] | None = None,
    ) -> None:
        super().__init__(detail, said=said)
        self.problems = problems or []


class InvalidEdit(InvalidInput):
    """What staff or forum members wrote or chose in the console: a field, a choice, a list."""


class InvalidRequest(InvalidInput):
    """A caller's request: a chat channel's API call, a worker's lease, a page's parameter."""


class AlreadyAnswered(DomainError):
    status = 409
    title = "Already answered"


@dataclass
class OffendingSentence:
    text: str
    reading_age: float
    words: int


class ReadingAgeTooHigh(IllegalTransition):
    """The publish gate: youth text harder than its target, and no override reason given."""

    title = "The youth text is too hard to read"

    def __init__(
        self, reading_age: float, target: float, sentences: list[OffendingSentence]
    ) -> None:
        names = "; ".join(f"“{s.text}” ({s.reading_age:.0f})" for s in sentences[:5])
        super().__init__(
            f"Reading age {reading_age:.1f} is above the target of {target:.0f}. "
            f"Rewrite these sentences or give an override reason: {names}"
        )
        self.reading_age = reading_age
        self.target = target
        self.sentences = sentences


class NotAllowed(DomainError):
    """A staff change refused to keep the record true (a question with answers, say)."""

    status = 409
    title = "That change would make the results untrue"


class SignInRefused(DomainError):
    status = 401
    title = "Sign-in refused"


class SignInThrottled(SignInRefused):
    status = 429
    title = "Too many attempts"


class AccessCodeRefused(DomainError):
    """A ballot that needs a one-time code got none, a wrong one, or someone else's."""

    status = 422
    title = "Access code needed"


class AccessCodeUsed(AccessCodeRefused):
    status = 409
    title = "Access code already used"
