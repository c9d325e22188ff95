"""Live polls on the youth side: ``/p/<code>``, one question, one tap, no JavaScript needed."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from consultations import polls, queries, services
from consultations.db import in_transaction
from consultations.errors import AccessCodeRefused, ConsultationClosed, InvalidAnswer, NotFound
from consultations.models import Consultation
from webapp.i18n import translate
from webapp.moderation_rules import moderation_rules
from webapp.reports import threshold
from webapp.support import notify_new_concern, support_payload
from webapp.youth.base import WEB_CHANNEL, _now, _web_participant, bp
from webapp.youth.forms import VoteForm, answers_from, consultation_form, field_name
from webapp.youth.kept_support import _support_lines, keep_support, kept_support


def _render(
    poll: Consultation, form: object, status: int = 200, *, voted: bool = False
) -> tuple[str, int]:
    accepting = poll.accepting_answers(_now())
    support = kept_support(poll.slug) if voted else None
    # The result on the voter's own phone: after their vote, or once the poll is over, and
    # never before the worker reveals it when they chose to keep it hidden.
    live = None
    if (voted or not accepting) and polls.results_shown(poll):
        live = polls.live_results(poll, threshold=threshold())
    return (
        render_template(
            "youth/poll.html",
            poll=poll,
            question=poll.questions[0],
            words=polls.is_word_cloud(poll),
            form=form,
            field_name=field_name,
            accepting=accepting,
            voted=voted,
            live=live,
            support=support,
            support_lines=_support_lines(support) if support else [],
        ),
        status,
    )


def _join_page(typed: str = "", error: str | None = None, status: int = 200) -> tuple[str, int]:
    return render_template("youth/join.html", typed=typed, error=error), status


def _no_such_poll(typed: str) -> tuple[str, int]:
    # The code is repeated as typed (not as normalised) so people can see their own slip.
    return _join_page(
        typed,
        gettext(
            "There is no live poll with the code %(code)s. Check the code on the screen "
            "and type it again.",
            code=typed.strip(),
        ),
        404,
    )


@bp.get("/p", endpoint="join")
@bp.get("/p/", endpoint="join_slash")
def join() -> Response | tuple[str, int]:
    """The box to type the poll code in: ``/p?poll=h7k 3mx`` goes to ``/p/H7K3MX``."""
    if "poll" not in request.args:
        return _join_page()
    typed = request.args.get("poll", "")[:40]
    code = polls.normalise_code(typed)
    if not code:
        return _join_page(
            typed, gettext("Type the poll code from the screen: six letters and numbers."), 422
        )
    try:
        found = polls.poll_by_code(code)
    except NotFound:
        return _no_such_poll(typed)
    return redirect(url_for("youth.poll", code=found.join_code), 303)


@bp.get("/p/<code>")
def poll(code: str) -> tuple[str, int]:
    try:
        found = polls.poll_by_code(code)
    except NotFound:
        return _no_such_poll(code)
    previous = queries.answers_of(found, _web_participant(create=False))
    form = consultation_form(
        found, previous=previous, access_code=request.args.get("code"), base=VoteForm
    )
    return _render(found, form, voted=request.args.get("voted") == "1" and bool(previous))


@bp.post("/p/<code>")
def vote(code: str) -> Response | tuple[str, int]:
    found = polls.poll_by_code(code)
    form = consultation_form(found, base=VoteForm)
    if not form.validate():
        return _render(found, form, 422)

    def save() -> services.Submitted:
        participant = _web_participant(create=True)
        assert participant is not None
        # ``submit`` rather than ``submit_answers``: a word cloud's words are written
        # answers, so a disclosure in one raises a concern and gets the help shown.
        return services.submit(
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
        outcome = in_transaction(save)
    except InvalidAnswer as error:
        # Beside the question, as the web form does: a word of only spaces is no word.
        question = found.questions[0]
        for problem in error.problems:
            if problem.question_id == question.id:
                field = form[field_name(question)]
                field.errors = [*field.errors, translate(problem.message)]
            else:
                form.form_errors.append(translate(problem.message))
        return _render(found, form, 422)
    except ConsultationClosed:
        return _render(found, form, 409)
    except AccessCodeRefused as refused:
        form.access_code.errors = [translate(refused.detail)]
        return _render(found, form, refused.status)
    notify_new_concern(outcome)
    keep_support(found.slug, support_payload(outcome))
    return redirect(url_for("youth.poll", code=found.join_code, voted=1), 303)
