"""Live polls and access-code sheets: what a youth worker runs in a room."""

from __future__ import annotations

from flask import current_app, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from consultations import access_codes, authoring, polls, results
from consultations.db import in_transaction
from consultations.errors import DomainError, InvalidInput, ReadingAgeTooHigh
from consultations.models import Consultation
from webapp.moderation_rules import moderation_rules
from webapp.staff import actor, bp, now
from webapp.staff.forms import AccessCodesForm, EmptyForm, PollForm
from webapp.staff.qr import qr_svg


def public_url(path: str) -> str:
    """An address people can open from their own phones."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def telegram_link(consultation: Consultation) -> str | None:
    bot = current_app.config.get("TELEGRAM_BOT_USERNAME")
    return f"https://t.me/{bot}?start=c_{consultation.slug}" if bot else None


@bp.get("/polls", endpoint="polls")
def list_polls() -> str:
    return render_template("staff/polls.html", polls=polls.polls(), button=EmptyForm())


@bp.route("/polls/new", methods=["GET", "POST"])
def new_poll() -> Response | tuple[str, int]:
    form = PollForm()
    gate: ReadingAgeTooHigh | None = None
    if form.validate_on_submit():
        try:
            poll = in_transaction(
                lambda: polls.create_poll(
                    actor(),
                    form.question.data or "",
                    form.options(),
                    now=now(),
                    multiple=bool(form.multiple.data),
                    override_reason=form.override_reason.data,
                )
            )
        except ReadingAgeTooHigh as refused:
            gate = refused
            form.override_reason.errors = [
                "This is hard to read for young people. Use shorter, everyday words, "
                "or say here why it must run as it is."
            ]
        except InvalidInput as error:
            form.form_errors.append(error.detail)
        else:
            return redirect(url_for("staff.big_screen", poll_id=poll.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("staff/poll_new.html", form=form, gate=gate), status


@bp.get("/polls/<int:poll_id>/screen")
def big_screen(poll_id: int) -> str:
    poll = polls.poll_for_staff(poll_id)
    assert poll.join_code
    join_url = public_url(url_for("youth.poll", code=poll.join_code))
    return render_template(
        "staff/big_screen.html",
        poll=poll,
        live=polls.live_results(poll),
        join_url=join_url,
        short_url=join_url.split("://", 1)[-1],
        qr=qr_svg(join_url, title=f"QR code to join the poll {poll.join_code}"),
        telegram=telegram_link(poll),
        button=EmptyForm(),
    )


@bp.get("/polls/<int:poll_id>/results.json")
def poll_results(poll_id: int) -> Response:
    return jsonify(polls.live_results(polls.poll_for_staff(poll_id)).as_dict())


@bp.post("/polls/<int:poll_id>/close")
def close_poll(poll_id: int) -> Response | tuple[str, int]:
    poll = polls.poll_for_staff(poll_id)
    if EmptyForm().validate_on_submit():
        try:
            in_transaction(lambda: polls.close_poll(actor(), poll, now=now()))
        except DomainError as error:
            return _refused(error, poll)
    return redirect(url_for("staff.big_screen", poll_id=poll_id), 303)


@bp.post("/polls/<int:poll_id>/reopen")
def reopen_poll(poll_id: int) -> Response | tuple[str, int]:
    poll = polls.poll_for_staff(poll_id)
    if EmptyForm().validate_on_submit():
        try:
            in_transaction(lambda: polls.reopen_poll(actor(), poll, now=now()))
        except DomainError as error:
            return _refused(error, poll)
    return redirect(url_for("staff.big_screen", poll_id=poll_id), 303)


def _refused(error: DomainError, poll: Consultation) -> tuple[str, int]:
    back = url_for("staff.big_screen", poll_id=poll.id)
    return (
        render_template("staff/error.html", title=error.title, detail=error.detail, back=back),
        error.status,
    )


def download(body: str, mimetype: str, filename: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/polls/<int:poll_id>/export.csv")
def export_poll(poll_id: int) -> Response:
    poll = polls.poll_for_staff(poll_id)
    body = in_transaction(
        lambda: results.export(actor(), poll, "csv", now=now(), rules=moderation_rules())
    )
    return download(body, "text/csv", f"{poll.slug}.csv")


@bp.route(
    "/consultations/<int:consultation_id>/codes", methods=["GET", "POST"], endpoint="access_codes"
)
def access_codes_page(consultation_id: int) -> str | tuple[str, int]:
    consultation = authoring.consultation_for_editing(consultation_id)
    form = AccessCodesForm()
    if form.validate_on_submit():
        count = form.count.data or 0
        codes = in_transaction(
            lambda: access_codes.issue_codes(actor(), consultation, count, now=now())
        )
        base = public_url(url_for("youth.consultation", slug=consultation.slug))
        if consultation.is_live_poll and consultation.join_code:
            base = public_url(url_for("youth.poll", code=consultation.join_code))
        sheet = []
        for code in codes:
            link = f"{base}?code={code}"
            sheet.append((code, link, qr_svg(link, title=f"QR code for access code {code}")))
        return render_template("staff/code_sheet.html", consultation=consultation, sheet=sheet)
    issued, used = access_codes.code_counts(consultation)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "staff/codes.html",
        consultation=consultation,
        form=form,
        issued=issued,
        used=used,
        button=EmptyForm(),
    ), status


@bp.post("/consultations/<int:consultation_id>/codes/required", endpoint="codes_required")
def codes_required(consultation_id: int) -> Response:
    """Switch the one-code-one-vote requirement on or off (codes already used stay used)."""
    consultation = authoring.consultation_for_editing(consultation_id)
    if EmptyForm().validate_on_submit():
        wanted = request.form.get("required") == "1"
        in_transaction(lambda: access_codes.set_required(actor(), consultation, wanted, now=now()))
    return redirect(url_for("staff.access_codes", consultation_id=consultation.id), 303)
