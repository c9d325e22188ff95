"""Blueprint ``youth``: the mobile web form young people use."""

from __future__ import annotations

from typing import Any

from flask import (
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_limiter.errors import RateLimitExceeded
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response

from consultations import charts, queries, services, translations
from consultations.db import in_transaction
from consultations.errors import (
    AccessCodeRefused,
    ConsultationClosed,
    DomainError,
    InvalidAnswer,
    NotFound,
)
from consultations.models import Consultation
from consultations.polls import poll_by_code
from feedback import outcomes
from webapp.errors import too_many_requests
from webapp.i18n import N_, RIGHT_TO_LEFT, current_language, translate
from webapp.moderation_rules import moderation_rules
from webapp.rendering import youth_html
from webapp.support import notify_new_concern, support_payload
from webapp.youth import polls as _polls
from webapp.youth import privacy as _privacy  # noqa: F401  (its routes are on bp)
from webapp.youth import updates as _updates  # noqa: F401  (its routes are on bp)
from webapp.youth.base import (
    WEB_CHANNEL,
    _now,
    _remembered,
    _web_participant,
    bp,
    remember_on_this_device,
)
from webapp.youth.forms import VoteForm, answers_from, consultation_form, field_name
from webapp.youth.kept_support import _support_lines, keep_support, kept_support


@bp.get("/")
def home() -> str:
    lang = current_language()
    consultations = queries.open_consultations(_now())
    # Every card's words in the reader's language, read with one query for the whole list.
    words = translations.translated_all(consultations, lang)
    cards = [
        (c, t, queries.summary_line(c), queries.minutes_to_read(c))
        for c, t in zip(consultations, words, strict=True)
    ]
    # What is in the reader's own language comes first; each group keeps its closing order.
    cards.sort(key=lambda card: card[1].language != lang)
    participant = _web_participant(create=False)
    news = outcomes.news_for(participant)
    story = outcomes.newest_story()
    if story is not None and any(n.consultation.id == story.consultation.id for n in news):
        story = None  # already there, as their own news
    return render_template(
        "youth/home.html",
        consultations=cards,
        in_own_language=sum(1 for _, t, _s, _m in cards if t.language == lang),
        answered=queries.answered_consultation_ids(participant),
        news=news,
        story=story,
    )


def _render_consultation(
    consultation: Consultation,
    form: FlaskForm,
    status: int = 200,
    *,
    answered_before: bool = False,
    kept_profile: bool = False,
) -> tuple[str, int]:
    glossary = queries.glossary_entries()
    reading = queries.youth_reading(consultation, glossary)
    now = _now()
    accepting = consultation.accepting_answers(now)
    return (
        render_template(
            "youth/consultation.html",
            consultation=consultation,
            form=form,
            field_name=field_name,
            youth_text=youth_html(consultation.youth_summary, reading["glossary"], glossary),
            reading=reading,
            accepting=accepting,
            # Whether what changed is out, late or still to come, once it has closed.
            feedback=None if accepting else outcomes.entry_of(consultation, now),
            answered_before=answered_before,
            kept_profile=kept_profile,
        ),
        status,
    )


@bp.get("/c/<slug>")
def consultation(slug: str) -> tuple[str, int]:
    found = queries.consultation_by_slug(slug)
    participant = _web_participant(create=False)
    previous = queries.answers_of(found, participant)
    code = request.args.get("code")
    form = consultation_form(
        found, previous=previous, access_code=code, remember=_remembered(), about=participant
    )
    return _render_consultation(
        found,
        form,
        answered_before=bool(previous),
        kept_profile=participant is not None and bool(participant.age_band or participant.area),
    )


@bp.post("/c/<slug>")
def answer(slug: str) -> Response | tuple[str, int]:
    found = queries.consultation_by_slug(slug)
    form = consultation_form(found)
    if not form.validate():
        return _render_consultation(found, form, 422)

    def save() -> services.Submitted:
        participant = _web_participant(create=True)
        assert participant is not None
        # The form shows the area kept from last time, so sending it empty clears it; a post
        # without the field at all leaves it as it was.
        services.update_profile(
            participant,
            age_band=form.age_band.data or None,
            area=form.area_key if form.area.raw_data else None,
        )
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
        by_id = {q.id: field_name(q) for q in found.questions}
        for problem in error.problems:
            name = by_id.get(problem.question_id or -1)
            if name:
                form[name].errors = [*form[name].errors, translate(problem.message)]
            else:
                form.form_errors.append(translate(problem.message))
        return _render_consultation(found, form, 422)
    except ConsultationClosed:
        return _render_consultation(found, form, 409)
    except AccessCodeRefused as refused:
        form.access_code.errors = [translate(refused.detail)]
        return _render_consultation(found, form, refused.status)
    remember_on_this_device(bool(form.remember.data))
    notify_new_concern(outcome)
    keep_support(slug, support_payload(outcome))
    # Post, redirect, get: a refresh of the thank-you page never sends the answers again.
    return redirect(url_for("youth.thanks", slug=slug), 303)


def _render_thanks(found: Consultation, support: dict[str, Any] | None = None) -> str:
    from webapp.youth.updates import hear_back

    bot = current_app.config.get("TELEGRAM_BOT_USERNAME")
    return render_template(
        "youth/thanks.html",
        hear=hear_back(_web_participant(create=False)),
        consultation=found,
        support=support,
        support_lines=_support_lines(support) if support else [],
        telegram_link=f"https://t.me/{bot}?start=c_{found.slug}" if bot else None,
    )


@bp.get("/c/<slug>/thanks")
def thanks(slug: str) -> str:
    return _render_thanks(queries.consultation_by_slug(slug), kept_support(slug))


@bp.get("/chat")
def chat() -> str:
    """Web chat with the Rasa assistant, for young people who can't use Telegram (under 16)."""
    from bot import wording

    return render_template(
        "youth/chat.html",
        socket_url=current_app.config.get("RASA_SOCKET_URL", ""),
        socket_path=current_app.config.get("RASA_SOCKET_PATH") or "/socket.io",
        # The chat's own wording, in the reader's language where it has one.
        chat_off=wording.text("WEB_CHAT_OFF", current_language()),
    )


def _board_entry(slug: str) -> outcomes.BoardEntry:
    entry = outcomes.entry_of(queries.consultation_by_slug(slug), _now())
    if entry is None:
        raise NotFound(N_("Feedback for this consultation comes after it closes."))
    return entry


@bp.get("/you-said-we-did")
def board() -> str:
    """Every closed consultation and what came of it, readable without an account."""
    return render_template("youth/board.html", entries=outcomes.board(_now()))


def board_sections(consultation: Consultation) -> list[tuple[queries.QuestionResult, str | None]]:
    """Each question's results with its chart, as the board shows them (and its preview)."""
    sections = []
    for result in queries.results(consultation):
        chart = None
        if result.options:
            bars = [charts.Bar(o.label, o.count, o.percent) for o in result.options]
            chart = charts.bar_chart(
                bars,
                title=result.prompt,
                chart_id=f"chart-{result.id}",
                right_to_left=current_language() in RIGHT_TO_LEFT,
            )
        sections.append((result, chart))
    return sections


@bp.get("/you-said-we-did/<slug>")
def board_entry(slug: str) -> str:
    entry = _board_entry(slug)
    consultation = entry.consultation
    return render_template(
        "youth/board_entry.html",
        entry=entry,
        consultation=consultation,
        sections=board_sections(consultation) if entry.published else [],
        quotes=outcomes.quotes_of(consultation) if entry.published else [],
    )


def _form_again(message: str, status: int) -> str | None:
    """The answer or vote page again with what was just sent still in it, and why.

    None when there is no such form to show (an unknown consultation or poll code).
    """
    args = request.view_args or {}
    try:
        if request.endpoint == "youth.answer" and "slug" in args:
            found = queries.consultation_by_slug(args["slug"])
            form = consultation_form(found)
            form.form_errors.append(message)
            return _render_consultation(found, form, status)[0]
        if request.endpoint == "youth.vote" and "code" in args:
            found = poll_by_code(args["code"])
            form = consultation_form(found, base=VoteForm)
            form.form_errors.append(message)
            return _polls._render(found, form, status)[0]
    except DomainError:
        return None
    return None


@bp.errorhandler(RateLimitExceeded)
def on_too_fast(error: RateLimitExceeded) -> Response:
    """Too many answers from one place: keep what was typed and say when to try again."""
    return too_many_requests(
        _form_again(
            gettext(
                "Lots of answers were sent from here in a short time, so we paused for a moment. "
                "Nothing you typed has been lost: wait a minute, then press the button again."
            ),
            429,
        )
    )


@bp.errorhandler(CSRFError)
def on_stale_form(error: CSRFError) -> Response | tuple[str, int]:
    """A form whose token is missing or old (a page left open, a cleared cookie).

    Nothing is saved, but nothing typed is lost either: the page comes back with a fresh
    token, and the young person's own second press is what sends it.
    """
    page = _form_again(
        gettext(
            "This page was open for a while, so we couldn't send it safely. Nothing you typed "
            "has been lost: check your answers and press the button again."
        ),
        400,
    )
    if page is None:
        return render_template(
            "error.html",
            title=gettext("Please try that again"),
            detail=gettext("This page was open for a while. Go back, reload it and try again."),
        ), 400
    return make_response(page, 400)
