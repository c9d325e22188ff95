"""Blueprint ``forum``: the youth forum's results dashboards, tracker and recommendations.

Forum members use it; officers and administrators see it too (and record the partnership's
responses). Access is checked against the same role table as the staff console.

Forum members are young people, so these pages follow the language picker like the youth
pages do; the staff forms and domain words they show are translated as they are shown.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from consultations import authoring, charts
from consultations.db import in_transaction
from consultations.errors import DomainError
from consultations.results import DIMENSIONS, theme_counts, trend
from consultations.staff_models import Role
from feedback import forum, outcomes
from feedback.loop_models import Recommendation, RecommendationStatus
from webapp import reports
from webapp.i18n import translate
from webapp.moderation_rules import moderation_rules
from webapp.staff import actor, guard, no_store, now, safe_next
from webapp.staff.auth import sign_in_with
from webapp.staff.feedback import board_link
from webapp.staff.feedback_forms import (
    CommentForm,
    RecommendationForm,
    RecommendationVoteForm,
    ReportForm,
    ResponseForm,
)
from webapp.staff.forms import BreakdownForm, LoginForm
from webapp.staff.results import result_sections, threshold
from webapp.support import notify_concern_waiting, support_for
from webapp.youth.kept_support import _support_lines

bp = Blueprint("forum", __name__, url_prefix="/forum")


# The staff console's own guard and cache rule: the same sign-in, idle limit and roles.
bp.before_request(guard)
bp.after_request(no_store)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Response | tuple[str, int]:
    """The forum's own way in: the console's accounts, guard and rules, the forum's words."""
    form = LoginForm()
    user, status = sign_in_with(form)
    if user is not None:
        wanted = request.args.get("next")
        return redirect(safe_next(wanted or url_for("forum.home"), user), 303)
    form.password.data = ""
    shown = request.method == "GET"
    return render_template(
        "forum/sign_in.html",
        form=form,
        idle=shown and request.args.get("idle") == "1",
        expired=shown and request.args.get("expired") == "1",
    ), status


@bp.get("/")
def home() -> str:
    return render_template(
        "forum/home.html",
        consultations=forum.citable_consultations(),
        recommendations=forum.recommendations()[:5],
        late=outcomes.overdue(now()),
    )


@bp.get("/consultations/<int:consultation_id>/results")
def results(consultation_id: int) -> str:
    """The staff results page's counts and breakdowns, in the reader's language.

    Never the written answers: those are for officers. The themes officers accepted are
    shown with how many people wrote each, small ones hidden as any small group is.
    """
    consultation = authoring.consultation_for_editing(consultation_id)
    if consultation.status.value == "draft":
        abort(404)
    form = BreakdownForm(request.args)
    form.by.choices = [SelectChoice(k, translate(v)) for k, v in DIMENSIONS.items()]
    dimension = form.by.data if form.validate() else "age_band"
    days = trend(consultation)
    return render_template(
        "forum/results.html",
        consultation=consultation,
        sections=result_sections(consultation, dimension),
        form=form,
        dimension=translate(DIMENSIONS[dimension]),
        days=days,
        day_chart=charts.day_chart(days, title=gettext("Answers per day"), chart_id="trend"),
        threshold=threshold(),
        themes=theme_counts(consultation, threshold=threshold()),
    )


@bp.get("/report")
def report() -> Response | tuple[str, int]:
    """The report to the Local Strategic Partnership, as officers download it."""
    form = ReportForm(request.args)
    return reports.page(
        "forum/report.html", form, period_choice=gettext("— a period instead —"), now=now()
    )


@bp.get("/tracker")
def tracker() -> str:
    today = now().date()
    return render_template(
        "forum/tracker.html",
        entries=outcomes.board(now()),
        today=today,
        late_items={i.id for i in outcomes.late_items(today)},
    )


def _recommendation_form() -> RecommendationForm:
    form = RecommendationForm()
    form.consultations.choices = [
        SelectChoice(c.id, c.youth_title) for c in forum.citable_consultations()
    ]
    return form


@bp.get("/recommendations")
def recommendations() -> str:
    return render_template("forum/recommendations.html", recommendations=forum.recommendations())


@bp.route("/recommendations/new", methods=["GET", "POST"])
def new_recommendation() -> Response | tuple[str, int]:
    form = _recommendation_form()
    if request.method == "GET":
        return render_template("forum/new_recommendation.html", form=form), 200
    if form.validate_on_submit():
        try:
            rec = in_transaction(
                lambda: forum.draft_recommendation(
                    actor(),
                    title=form.title.data or "",
                    body=form.body.data or "",
                    evidence=form.evidence.data or "",
                    consultation_ids=list(form.consultations.data or []),
                    now=now(),
                )
            )
        except DomainError as refused:
            form.form_errors.append(refused.detail)
        else:
            return redirect(url_for("forum.recommendation", recommendation_id=rec.id), 303)
    return render_template("forum/new_recommendation.html", form=form), 422


def _detail(
    rec: Recommendation,
    *,
    vote_form: RecommendationVoteForm | None = None,
    response_form: ResponseForm | None = None,
    comment_form: CommentForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    me = actor()
    support = (
        support_for(safeguarding=True, tension=False) if request.args.get("help") == "1" else None
    )
    return (
        render_template(
            "forum/recommendation.html",
            rec=rec,
            tally=forum.tally(rec),
            my_vote=forum.vote_of(rec, me),
            can_vote=me.role is Role.FORUM_MEMBER and rec.status is RecommendationStatus.VOTING,
            can_respond=me.role in (Role.ADMIN, Role.OFFICER)
            and rec.status is RecommendationStatus.ADOPTED,
            vote_form=vote_form or RecommendationVoteForm(formdata=None),
            response_form=response_form or ResponseForm(formdata=None),
            comment_form=comment_form or CommentForm(formdata=None),
            comments=forum.comments(rec),
            can_comment=me.role is Role.FORUM_MEMBER,
            support=support,
            support_lines=_support_lines(support) if support else [],
            items=[
                i for c in rec.cited for i in outcomes.items_of(c) if i.recommendation_id == rec.id
            ],
        ),
        status,
    )


@bp.get("/recommendations/<int:recommendation_id>")
def recommendation(recommendation_id: int) -> tuple[str, int]:
    return _detail(forum.recommendation(recommendation_id))


@bp.post("/recommendations/<int:recommendation_id>/vote")
def vote(recommendation_id: int) -> Response | tuple[str, int]:
    rec = forum.recommendation(recommendation_id)
    form = RecommendationVoteForm()
    if form.validate_on_submit():
        try:
            in_transaction(
                lambda: forum.vote(actor(), rec, in_favour=form.choice.data == "for", now=now())
            )
        except DomainError as refused:
            form.choice.errors = [refused.detail]
        else:
            return redirect(url_for("forum.recommendation", recommendation_id=rec.id), 303)
    return _detail(rec, vote_form=form, status=422)


@bp.post("/recommendations/<int:recommendation_id>/comments")
def comment(recommendation_id: int) -> Response | tuple[str, int]:
    rec = forum.recommendation(recommendation_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            posted = in_transaction(
                lambda: forum.post_comment(
                    actor(), rec, form.body.data or "", now=now(), rules=moderation_rules()
                )
            )
        except DomainError as refused:
            form.body.errors = [*form.body.errors, refused.detail]
        else:
            if posted.safeguarding:
                notify_concern_waiting()
            # Post, redirect, get; after a disclosure the page shows where help is.
            if posted.safeguarding:
                target = url_for(
                    "forum.recommendation",
                    recommendation_id=rec.id,
                    help=1,
                    _anchor="support-title",
                )
            else:
                target = url_for(
                    "forum.recommendation", recommendation_id=rec.id, _anchor="discussion"
                )
            return redirect(target, 303)
    return _detail(rec, comment_form=form, status=422)


@bp.post("/recommendations/<int:recommendation_id>/response")
def respond(recommendation_id: int) -> Response | tuple[str, int]:
    rec = forum.recommendation(recommendation_id)
    form = ResponseForm()
    if form.validate_on_submit():
        try:
            in_transaction(
                lambda: forum.record_lsp_response(
                    actor(),
                    rec,
                    response=form.response.data or "",
                    reason=form.reason.data or "",
                    partner=form.partner.data or forum.PARTNERSHIP,
                    now=now(),
                    link=board_link(rec.cited[0]) if rec.cited else None,
                )
            )
        except DomainError as refused:
            form.form_errors.append(refused.detail)
        else:
            return redirect(url_for("forum.recommendation", recommendation_id=rec.id), 303)
    return _detail(rec, response_form=form, status=422)
