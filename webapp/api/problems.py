"""A request that does not fit its schema, as an RFC 9457 problem document in plain words.

Pydantic names each refusal by a type (``int_type``, ``missing`` …) and a location; the type
picks a sentence in the reader's language and the location becomes a JSON Pointer
(``/answers/2/value``), so a channel can show the young person which answer to look at.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import request
from flask_babel import gettext, ngettext
from pydantic import ValidationError
from werkzeug.wrappers import Response

from channel_api.payloads import FieldProblem
from webapp.errors import problem


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated when a problem document is made."""
    return message


# Titles and details other parts of the web layer give API callers, marked for extraction.
API_WORDS = (
    N_("Unprocessable Content"),
    N_("Text must not contain NUL characters."),
)
ANSWERS_TITLE = N_("Some answers need another look")
ANSWERS_DETAIL = N_("Nothing was saved because some answers need another look.")
REQUEST_TITLE = N_("Something is not right")
REQUEST_DETAIL = N_("Nothing was changed because some details need another look.")

# One plain sentence per kind of refusal; anything not listed gets the last one.
SENTENCES = {
    "missing": N_("This is needed."),
    "int_type": N_("Give a whole number."),
    "int_parsing": N_("Give a whole number."),
    "int_from_float": N_("Give a whole number."),
    "float_type": N_("Give a number."),
    "float_parsing": N_("Give a number."),
    "finite_number": N_("Give a number."),
    "string_type": N_("Write this as text."),
    "bool_type": N_("Give true or false."),
    "list_type": N_("Give a list."),
    "model_type": N_("Give an object, as the API description shows."),
    "dict_type": N_("Give an object, as the API description shows."),
    "model_attributes_type": N_("Give an object, as the API description shows."),
    "literal_error": N_("Choose one of: %(choices)s."),
    "enum": N_("Choose one of: %(choices)s."),
    "greater_than_equal": N_("Give a number of at least %(limit)s."),
    "less_than_equal": N_("Give a number of at most %(limit)s."),
}
OTHERWISE = N_("This does not fit the API description.")
NOT_AN_OBJECT = N_("Send a JSON object, as the API description shows.")


def sentence(error: Mapping[str, Any]) -> str:
    """Why one part was refused, in the reader's language."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if not error["loc"] and kind in ("model_type", "dict_type", "model_attributes_type"):
        return gettext(NOT_AN_OBJECT)
    if kind == "string_too_short":
        n = int(ctx.get("min_length", 1))
        return ngettext(
            "Write at least %(num)s character.", "Write at least %(num)s characters.", n
        )
    if kind == "string_too_long":
        n = int(ctx.get("max_length", 0))
        return ngettext(
            "Keep this to %(num)s character or fewer.",
            "Keep this to %(num)s characters or fewer.",
            n,
        )
    if kind == "too_short":
        n = int(ctx.get("min_length", 1))
        return ngettext("Give at least %(num)s item.", "Give at least %(num)s items.", n)
    if kind == "too_long":
        n = int(ctx.get("max_length", 0))
        return ngettext("Give at most %(num)s item.", "Give at most %(num)s items.", n)
    words = SENTENCES.get(kind, OTHERWISE)
    if kind in ("greater_than_equal", "less_than_equal"):
        limit = ctx.get("ge", ctx.get("le", ""))
        return gettext(words, limit=_number(limit))
    if kind in ("literal_error", "enum"):
        return gettext(words, choices=str(ctx.get("expected", "")))
    return gettext(words)


def _number(value: object) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def pointer(location: tuple[int | str, ...]) -> str:
    """An RFC 6901 JSON Pointer: ``~`` and ``/`` in a name are escaped."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in location)


def _question_id(body: Any, index: int) -> int | None:
    answers = body.get("answers") if isinstance(body, dict) else None
    answer = answers[index] if isinstance(answers, list) and index < len(answers) else None
    qid = answer.get("question_id") if isinstance(answer, dict) else None
    return qid if isinstance(qid, int) and not isinstance(qid, bool) else None


def field_problems(error: ValidationError, *, parameters: bool = False) -> list[FieldProblem]:
    """One entry per refused part; answers also say which answer and question they are.

    A refused body part is named by a JSON Pointer into the body, a refused header, query
    or path part by the parameter's name.
    """
    body = None if parameters else request.get_json(silent=True)
    found: list[FieldProblem] = []
    for detail in error.errors(include_url=False, include_input=False):
        location = tuple(detail["loc"])
        message = sentence(detail)
        if parameters:
            found.append(
                FieldProblem(parameter=str(location[0]) if location else None, message=message)
            )
            continue
        entry = FieldProblem(pointer=pointer(location), message=message)
        if len(location) >= 2 and location[0] == "answers" and isinstance(location[1], int):
            entry.index = location[1]
            entry.question_id = _question_id(body, location[1])
        found.append(entry)
    return found


# Models whose refusals are about a young person's answers, not a channel's settings.
ANSWER_MODELS = {"Submission"}
PARAMETER_MODELS = {"SlugPath", "MessagePath", "WhoHeaders", "WhoQuery"}


def refused(error: ValidationError) -> Response:
    """flask-openapi3's ``validation_error_callback``: the problem document for a bad request."""
    problems = field_problems(error, parameters=error.title in PARAMETER_MODELS)
    if error.title in ANSWER_MODELS:
        title, detail = ANSWERS_TITLE, ANSWERS_DETAIL
    else:
        title, detail = REQUEST_TITLE, REQUEST_DETAIL
    return problem(422, title, detail, errors=[p.model_dump(exclude_unset=True) for p in problems])
