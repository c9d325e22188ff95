"""How a young person on the web hears back, without giving any personal data.

Two ways, both chosen on the thank-you page or on "my data": browser notifications (Web
Push, through the site's own service worker) and a private receipt link, shown once, that
opens a page of what came of everything they answered with no cookie at all.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from consultations import services
from consultations import words as platform_words
from consultations.db import in_transaction
from consultations.errors import InvalidInput, NotFound
from feedback import receipts, subscriptions, web_push
from webapp.errors import N_, problem
from webapp.i18n import current_language, translate
from webapp.links import receipt_link
from webapp.web_push import allowed_hosts, application_server_key
from webapp.youth.base import _web_participant, bp
from webapp.youth.forms import ForgetMeForm

# The receipt page's address is its key: it is never stored by a browser cache, and search
# engines are asked not to keep it. The site-wide Referrer-Policy (same-origin) already
# keeps it from other sites, and its erasure form needs the Referer on HTTPS.
PRIVATE_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
}


# The domain's refusals, marked here so the web catalogues carry them (``translate``).
DOMAIN_WORDS = (
    N_("This browser's notification service is not one we can send to."),
    N_("This browser sent notification keys we cannot use."),
    N_("Browser notifications are for people who answered on the web."),
)


def _now() -> datetime:
    return datetime.now(UTC)


def topic_choices() -> list[tuple[str, str]]:
    """(key, words) of every topic, in the strategy's order."""
    lang = current_language()
    return [
        (t.key, platform_words.topic_words(t.key, t.name, lang))
        for t in subscriptions.topic_choices()
    ]


def hear_back(participant: Any) -> dict[str, Any]:
    """What the "how to hear back" box needs: which ways are on, and the push key."""
    found = subscriptions.subscription_of(participant) if participant is not None else None
    on = bool(found and found.active)
    return {
        "known": participant is not None,
        "subscribed": on,
        "topics": subscriptions.followed_topics(participant) if on else [],
        "topic_choices": topic_choices() if on else [],
        "push_on": bool(found and found.active and found.push_keys),
        "other_channel_on": bool(found and found.active and not found.push_keys),
        "has_link": receipts.has_receipt_link(participant),
        "push_key": application_server_key(),
        "form": ForgetMeForm(formdata=None),
    }


def _private(page: str, status: int = 200) -> Response:
    response = current_app.make_response((page, status))
    response.headers.update(PRIVATE_PAGE_HEADERS)
    return response


@bp.post("/receipt-link")
def new_receipt_link() -> Response:
    """Make the private link and show it, this once: only its hash is kept."""
    form = ForgetMeForm()
    if not form.validate_on_submit():
        return redirect(url_for("youth.my_data"), 303)

    def issue() -> str:
        participant = _web_participant(create=False)
        if participant is None:
            raise NotFound(N_("Answer a consultation first, then you can get a private link."))
        return receipts.issue_receipt_link(participant, now=_now())

    token = in_transaction(issue)
    link = receipt_link(token)
    return _private(render_template("youth/receipt_link.html", link=link))


@bp.get("/r/<token>")
def receipt(token: str) -> Response:
    """What came of each consultation the link's holder answered. No cookie is needed."""
    participant = receipts.holder_of(token)
    if participant is None:
        page = render_template(
            "error.html",
            title=gettext("This link doesn’t work"),
            detail=gettext(
                "It may have been replaced by a newer link, or deleted with the data it "
                "belonged to. Check you copied all of it."
            ),
        )
        return _private(page, 404)
    entries = receipts.receipts_for(participant, now=_now())
    return _private(render_template("youth/receipt.html", entries=entries, token=token))


@bp.route("/r/<token>/forget", methods=["GET", "POST"])
def receipt_forget(token: str) -> Response:
    """Erasure from the receipt link, for someone whose browser no longer has the cookie.

    The form carries a CSRF token like every other: the page that asks sets only that.
    """
    form = ForgetMeForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            page = render_template("youth/receipt_forget.html", token=token, form=form)
            return _private(page, 400)
        participant = receipts.holder_of(token)
        if participant is not None:
            in_transaction(lambda: services.forget_participant(participant))
        return redirect(url_for("youth.forgotten"), 303)
    if receipts.holder_of(token) is None:
        return receipt(token)
    return _private(render_template("youth/receipt_forget.html", token=token, form=form))


@bp.get("/sw.js")
def service_worker() -> Response:
    """The site's own service worker, at the root so it may show notifications for all of it."""
    assert current_app.static_folder is not None
    script = (Path(current_app.static_folder) / "sw.js").read_text(encoding="utf-8")
    response = current_app.response_class(script, mimetype="text/javascript")
    # A browser checks for a new worker on each visit rather than keeping an old one.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.post("/notifications")
def turn_on_notifications() -> Response:
    """Save this browser's push subscription (JSON from PushSubscription.toJSON())."""
    body = request.get_json(silent=True)
    keys = body.get("keys") if isinstance(body, dict) else None
    if not isinstance(body, dict) or not isinstance(keys, dict):
        return problem(
            422,
            "Unprocessable Content",
            gettext("This browser did not send what notifications need."),
        )

    def save() -> None:
        participant = _web_participant(create=False)
        if participant is None:
            raise NotFound(N_("Answer a consultation first, then you can turn on notifications."))
        web_push.subscribe_push(
            participant,
            endpoint=str(body.get("endpoint") or ""),
            p256dh=str(keys.get("p256dh") or ""),
            auth=str(keys.get("auth") or ""),
            now=_now(),
            allowed_hosts=allowed_hosts(),
            language=current_language(),
        )

    try:
        in_transaction(save)
    except InvalidInput as refused:
        return problem(422, "Unprocessable Content", translate(refused.detail))
    except NotFound as missing:
        return problem(404, "Not Found", translate(missing.detail))
    response = current_app.response_class('{"on": true}', status=201, mimetype="application/json")
    return response


@bp.post("/topics")
def choose_topics() -> Response:
    """Hear only about the ticked topics (none ticked: every topic), at once."""
    form = ForgetMeForm()
    if form.validate_on_submit():
        wanted = request.form.getlist("topics")

        def save() -> None:
            participant = _web_participant(create=False)
            if participant is None:
                raise NotFound(
                    N_("Answer a consultation first, then you can turn on notifications.")
                )
            subscriptions.follow_topics(participant, wanted)

        try:
            in_transaction(save)
        except (InvalidInput, NotFound) as refused:
            session["topics_refused"] = refused.in_language(current_language()) or refused.detail
        else:
            session["topics_saved"] = True
    return redirect(url_for("youth.my_data") + "#topics", 303)


@bp.post("/notifications/stop")
def turn_off_notifications() -> Response:
    """Stop messages now, in one press; the browser's address is forgotten."""
    form = ForgetMeForm()
    if form.validate_on_submit():

        def stop() -> None:
            participant = _web_participant(create=False)
            if participant is not None:
                subscriptions.unsubscribe(participant, now=_now())

        in_transaction(stop)
        session["notifications_stopped"] = True
    return redirect(url_for("youth.my_data"), 303)
