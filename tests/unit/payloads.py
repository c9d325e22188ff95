"""Channel API payloads built by hand, as the back end would send them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from channel_api import payloads as api

WHEN = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def question(
    kind: str,
    *,
    qid: int = 10,
    position: int = 0,
    labels: tuple[str, ...] = (),
    required: bool = False,
    max_length: int | None = None,
    prompt: str = "Which day is best?",
) -> api.Question:
    scale = (
        api.Scale(min=1, max=5, min_label="Not at all", max_label="A lot")
        if kind == "scale"
        else None
    )
    return api.Question(
        id=qid,
        position=position,
        kind=kind,  # type: ignore[arg-type]
        prompt=prompt,
        required=required,
        max_length=max_length,
        scale=scale,
        options=[api.Option(id=qid * 10 + n, label=label) for n, label in enumerate(labels, 1)],
    )


def stored(q: api.Question, **answer: Any) -> api.StoredAnswer:
    return api.StoredAnswer(
        question_id=q.id,
        option_ids=answer.get("option_ids", []),
        value=answer.get("value"),
        text=answer.get("text"),
        updated_at=WHEN,
    )
