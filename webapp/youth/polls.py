"""Live polls on the youth side: ``/p/<code>``, one question, one tap, no JavaScript needed."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from consultations import polls, queries, services
from consultations.db import in_transaction
from consultations.errors import AccessCodeRefused, ConsultationClosed, InvalidAnswer
from consultations.models import Consultation
from webapp.i18n import translate
from webapp.moderation_rules import moderation_rules
from webapp.youth.base import WEB_CHANNEL, _now, _web_participant, bp
from webapp.youth.forms import VoteForm, answers_from, consultation_form, field_name


def _render(poll: Consultation, form: object, status: int = 200) -> tuple[str, int]:
    return (
        render_template(
            "youth/poll.html",
            poll=poll,
            question=poll.questions[0],
            form=form,
            field_name=field_name,
            accepting=poll.accepting_answers(_now()),
            voted=request.args.get("voted") == "1",
        ),
        status,
    )


@bp.get("/p/<code>")
def poll(code: str) -> tuple[str, int]:
    found = polls.poll_by_code(code)
    previous = queries.answers_of(found, _web_participant(create=False))
    form = consultation_form(
        found, previous=previous, access_code=request.args.get("code"), base=VoteForm
    )
    return _render(found, form)


@bp.post("/p/<code>")
def vote(code: str) -> Response | tuple[str, int]:
    found = polls.poll_by_code(code)
    form = consultation_form(found, base=VoteForm)
    if not form.validate():
        return _render(found, form, 422)

    def save() -> int:
        participant = _web_participant(create=True)
        assert participant is not None
        return services.submit_answers(
            found,
            participant,
            answers_from(form, found),
            channel=WEB_CHANNEL,
            now=_now(),
            complete=True,
            access_code=form.access_code.data if "access_code" in form else None,
            rules=moderation_rules(),
        )

    try:
        in_transaction(save)
    except InvalidAnswer as error:
        form.form_errors.extend(translate(p.message) for p in error.problems)
        return _render(found, form, 422)
    except ConsultationClosed:
        return _render(found, form, 409)
    except AccessCodeRefused as refused:
        form.access_code.errors = [translate(refused.detail)]
        return _render(found, form, refused.status)
    return redirect(url_for("youth.poll", code=found.join_code, voted=1), 303)
