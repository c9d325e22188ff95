"""Inviting young people to an open consultation: choose, see how many it reaches, send."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from consultations import authoring
from consultations.db import in_transaction
from consultations.errors import DomainError
from consultations.models import Consultation
from feedback import invitations, reach
from webapp.links import invitation_links
from webapp.staff import actor, bp, now
from webapp.staff.forms import InviteForm, to_utc

SENT_KEY = "invitation_done"


def _per_week() -> int:
    return int(current_app.config.get("INVITES_PER_WEEK", 2))


def _form(consultation: Consultation, form: InviteForm | None = None) -> InviteForm:
    form = form or InviteForm(formdata=None)
    form.areas.choices = [SelectChoice(key, name) for key, name in invitations.known_areas()]
    form.topics.choices = [SelectChoice(key, name) for key, name in invitations.known_topics()]
    return form


def _audience(form: InviteForm) -> invitations.Audience:
    return invitations.audience_from(
        areas=form.areas.data or (),
        age_bands=form.age_bands.data or (),
        languages=form.languages.data or (),
        channels=form.channels.data or (),
        topics=form.topics.data or (),
    )


def _page(
    consultation: Consultation,
    form: InviteForm,
    *,
    checked: invitations.Checked | None = None,
    status: int = 200,
) -> tuple[str, int]:
    return render_template(
        "staff/invite.html",
        consultation=consultation,
        form=form,
        checked=checked,
        per_week=_per_week(),
        done=session.pop(SENT_KEY, None),
        reached=reach.invitation_reach(consultation),
        count=_count_words(),
    ), status


def _count_words() -> Callable[[int], str]:
    """How counts are shown to this role: exact for officers, small ones hidden below."""
    from consultations.staff_models import Role

    exact = actor().role in (Role.ADMIN, Role.OFFICER)
    threshold = int(current_app.config.get("SMALL_GROUP_THRESHOLD", 5))
    return lambda n: reach.shown(n, threshold=threshold, exact=exact)


@bp.route("/consultations/<int:consultation_id>/invite", methods=["GET", "POST"])
def invite(consultation_id: int) -> Response | tuple[str, int]:
    """First press: the audience size and the message, nothing sent. Second press: send."""
    consultation = authoring.consultation_for_editing(consultation_id)
    form = _form(consultation, InviteForm() if _posted() else None)
    if not _posted():
        return _page(consultation, form)
    if not form.validate_on_submit():
        return _page(consultation, form, status=422)
    texts = {
        "en": form.text_en.data or "",
        "pl": form.text_pl.data or "",
        "ur": form.text_ur.data or "",
    }
    at = now()
    try:
        audience = _audience(form)
        checked = in_transaction(
            lambda: invitations.check_invitation(
                consultation,
                texts=texts,
                audience=audience,
                now=at,
                send_at=to_utc(form.send_at.data),
                per_week=_per_week(),
            )
        )
    except DomainError as refused:
        form.form_errors.append(refused.detail)
        return _page(consultation, form, status=refused.status)
    if form.confirmed.data != "yes":
        form.confirmed.data = "yes"
        return _page(consultation, form, checked=checked)

    def send() -> tuple[int, bool]:
        invitation = invitations.create_invitation(
            actor(),
            consultation,
            texts=texts,
            audience=audience,
            now=at,
            send_at=checked.send_at,
            per_week=_per_week(),
        )
        if invitation.send_at > at:
            return invitation.audience, False
        queued = invitations.queue_invitation(
            invitation, now=at, links=invitation_links, per_week=_per_week()
        )
        return queued, True

    try:
        n, now_sent = in_transaction(send)
    except DomainError as refused:
        form.form_errors.append(refused.detail)
        form.confirmed.data = ""
        return _page(consultation, form, status=refused.status)
    session[SENT_KEY] = {"n": n, "now": now_sent}
    return redirect(url_for("staff.invite", consultation_id=consultation.id), 303)


def _posted() -> bool:
    return request.method == "POST"
