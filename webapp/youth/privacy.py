"""A young person's privacy on the web: the notices, a copy of their data, and "forget me".

The web participant is the random token in this browser's cookie, so these pages act for
whoever holds that cookie and nobody else.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import current_app, redirect, render_template, session, url_for
from werkzeug.wrappers import Response

from consultations import privacy, services
from consultations.db import in_transaction
from webapp.youth.base import _web_participant, bp
from webapp.youth.forms import ForgetMeForm


@bp.get("/privacy", endpoint="privacy")
def privacy_notice() -> str:
    return render_template(
        "youth/privacy.html", retention_months=current_app.config["RETENTION_MONTHS"]
    )


@bp.get("/privacy/full")
def privacy_full() -> str:
    return render_template(
        "youth/privacy_full.html",
        retention_months=current_app.config["RETENTION_MONTHS"],
        threshold=current_app.config["SMALL_GROUP_THRESHOLD"],
        idle_minutes=current_app.config["STAFF_IDLE_MINUTES"],
    )


@bp.get("/my-data")
def my_data() -> str:
    """What we hold about this browser's participant, shown on the page and downloadable."""
    from webapp.youth.updates import hear_back

    participant = _web_participant(create=False)
    return render_template(
        "youth/my_data.html",
        data=privacy.participant_export(participant),
        hear=hear_back(participant),
        stopped=session.pop("notifications_stopped", False),
        topics_saved=session.pop("topics_saved", False),
        topics_refused=session.pop("topics_refused", None),
    )


@bp.get("/my-data.json")
def my_data_download() -> Response:
    data = privacy.participant_export(_web_participant(create=False))
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    response = current_app.response_class(
        json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json"
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="youth-voice-my-data-{stamp}.json"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/forget-me", methods=["GET", "POST"])
def forget_me() -> Response | tuple[str, int]:
    """Erasure on request: a page that explains, then deletes only after a button press."""
    form = ForgetMeForm()
    if form.validate_on_submit():

        def erase() -> None:
            # Found inside the transaction, so a retry erases whoever holds the cookie now.
            participant = _web_participant(create=False)
            if participant is not None:
                services.forget_participant(participant)

        in_transaction(erase)
        # The cookie's token is useless now, but a fresh start should not carry it.
        session.pop("participant", None)
        session.pop("support", None)
        return redirect(url_for("youth.forgotten"), 303)
    status = 422 if form.is_submitted() else 200
    known = _web_participant(create=False) is not None
    return render_template("youth/forget_me.html", form=form, known=known), status


@bp.get("/forget-me/done")
def forgotten() -> str:
    return render_template("youth/forgotten.html")
