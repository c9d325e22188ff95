"""Blueprint ``youth``: the mobile web form young people use."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from consultations import queries, services
from consultations.db import in_transaction
from consultations.errors import AccessCodeRefused, ConsultationClosed, InvalidAnswer
from consultations.models import AGE_BANDS, Consultation, Participant
from webapp.rendering import youth_html
from webapp.youth.forms import answers_from, consultation_form, field_name

bp = Blueprint("youth", __name__)

WEB_CHANNEL = "web"


def _now() -> datetime:
    return datetime.now(UTC)


def _web_token(create: bool) -> str | None:
    """The random id in the signed, httpOnly session cookie that stands for this browser."""
    token = session.get("participant")
    if token is None and create:
        token = secrets.token_urlsafe(24)
        session["participant"] = token
        session.permanent = True
    return token


def _web_participant(create: bool) -> Participant | None:
    token = _web_token(create)
    if token is None:
        return None
    key = current_app.config["PSEUDONYM_KEY"]
    if create:
        return services.participant_for(WEB_CHANNEL, token, key=key)
    return services.find_participant(WEB_CHANNEL, token, key=key)


@bp.get("/")
def home() -> str:
    consultations = queries.open_consultations(_now())
    return render_template(
        "youth/home.html",
        consultations=[
            (c, queries.summary_line(c), queries.minutes_to_read(c)) for c in consultations
        ],
    )


def _render_consultation(
    consultation: Consultation, form: FlaskForm, status: int = 200
) -> tuple[str, int]:
    glossary = queries.glossary_entries()
    reading = queries.youth_reading(consultation, glossary)
    return (
        render_template(
            "youth/consultation.html",
            consultation=consultation,
            form=form,
            field_name=field_name,
            youth_text=youth_html(consultation.youth_summary, reading["glossary"]),
            reading=reading,
            accepting=consultation.accepting_answers(_now()),
            age_bands=AGE_BANDS,
        ),
        status,
    )


@bp.get("/c/<slug>")
def consultation(slug: str) -> tuple[str, int]:
    found = queries.consultation_by_slug(slug)
    previous = queries.answers_of(found, _web_participant(create=False))
    code = request.args.get("code")
    return _render_consultation(
        found, consultation_form(found, previous=previous, access_code=code)
    )


@bp.post("/c/<slug>")
def answer(slug: str) -> Response | tuple[str, int]:
    found = queries.consultation_by_slug(slug)
    form = consultation_form(found)
    if not form.validate():
        return _render_consultation(found, form, 422)

    def save() -> int:
        participant = _web_participant(create=True)
        assert participant is not None
        services.update_profile(
            participant, age_band=form.age_band.data or None, area=form.area.data or None
        )
        return services.submit_answers(
            found,
            participant,
            answers_from(form, found),
            channel=WEB_CHANNEL,
            now=_now(),
            complete=True,
            access_code=form.access_code.data if "access_code" in form else None,
        )

    try:
        in_transaction(save)
    except InvalidAnswer as error:
        by_id = {q.id: field_name(q) for q in found.questions}
        for problem in error.problems:
            name = by_id.get(problem.question_id or -1)
            if name:
                form[name].errors = [*form[name].errors, problem.message]
            else:
                form.form_errors.append(problem.message)
        return _render_consultation(found, form, 422)
    except ConsultationClosed:
        return _render_consultation(found, form, 409)
    except AccessCodeRefused as refused:
        form.access_code.errors = [refused.detail]
        return _render_consultation(found, form, refused.status)
    return redirect(url_for("youth.thanks", slug=slug), 303)


@bp.get("/c/<slug>/thanks")
def thanks(slug: str) -> str:
    found = queries.consultation_by_slug(slug)
    bot = current_app.config.get("TELEGRAM_BOT_USERNAME")
    return render_template(
        "youth/thanks.html",
        consultation=found,
        telegram_link=f"https://t.me/{bot}?start=c_{found.slug}" if bot else None,
    )


@bp.get("/chat")
def chat() -> str:
    """Web chat with the Rasa assistant, for young people who can't use Telegram (under 16)."""
    from bot.wording import WEB_CHAT_OFF

    return render_template(
        "youth/chat.html",
        socket_url=current_app.config.get("RASA_SOCKET_URL", ""),
        socket_path=current_app.config.get("RASA_SOCKET_PATH") or "/socket.io",
        chat_off=WEB_CHAT_OFF,
    )


@bp.get("/privacy")
def privacy() -> str:
    return render_template("youth/privacy.html")


from webapp.youth import polls as _polls  # noqa: E402,F401  (routes on this blueprint)
