"""Languages of the youth and forum pages: English, Polish and Urdu (right to left).

The choice is a cookie set by the language picker; before anyone picks, the browser's
Accept-Language is the guess. Strings without a translation show in English, never blank.

Words made outside the web layer (domain errors, status labels, age bands, the staff forms
the forum borrows) stay English where they are made, so reports and commands are unchanged;
they are marked here and translated when a page shows them.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    has_request_context,
    redirect,
    request,
    request_started,
)
from flask_babel import Babel, get_locale, gettext, lazy_gettext, refresh
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.wrappers import Response
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import AnyOf

from consultations import translations
from consultations.models import AGE_BANDS, PREFER_NOT_TO_SAY, Consultation
from webapp.security import cookie_name
from youthvoice_settings import LANGUAGE_NAMES, RIGHT_TO_LEFT

# Each language by its own name, as the language picker shows it.
LANGUAGES = LANGUAGE_NAMES
COOKIE = "lang"
ONE_YEAR = 365 * 24 * 3600

bp = Blueprint("i18n", __name__)
babel = Babel()


def N_(message: str) -> str:
    """Marks a string for extraction (``pybabel extract -k N_``); it is translated when shown."""
    return message


# The stored age-band keys with their labels in the reader's language. The English labels
# are those of consultations.models.AGE_BANDS (a test keeps the two the same).
AGE_BAND_LABELS: dict[str, LazyString] = {
    "11-13": lazy_gettext("11 to 13"),
    "14-15": lazy_gettext("14 to 15"),
    "16-17": lazy_gettext("16 to 17"),
    "18-21": lazy_gettext("18 to 21"),
    "22-25": lazy_gettext("22 to 25"),
    PREFER_NOT_TO_SAY: lazy_gettext("Prefer not to say"),
}

# English words from other layers that a young person or a forum member can see. Each is
# the exact text its layer makes; tests check every one still exists there.
SHOWN_ELSEWHERE: tuple[str, ...] = (
    # consultations.errors: titles of the error pages
    N_("Something is not right"),
    N_("Not found"),
    N_("This consultation is closed"),
    N_("That change is not allowed now"),
    N_("Already answered"),
    N_("Access code needed"),
    N_("Access code already used"),
    # consultations: what a young person's request can be refused with
    N_("We could not find that consultation. It may have moved or been removed."),
    N_("There is no poll with that code. Check the code on the screen."),
    N_("This vote needs the access code you were given. Type it in, then send again."),
    N_("That access code is not right. Check it and try again."),
    N_(
        "That access code has already been used. Each code counts for one person only; "
        "ask the person running the vote for a new one."
    ),
    N_("This consultation is not taking answers any more. Thank you for wanting to take part."),
    N_("Nothing was saved because some answers need another look."),
    N_("There are no answers to save."),
    N_("There is no such question here."),
    N_("This question is answered twice."),
    N_("Pick exactly one option."),
    N_("That option is not one of this question's choices."),
    N_("Pick at least one option."),
    N_("Each option can be picked only once."),
    N_("Give a number from 1 to 5."),
    N_("Write your answer as text."),
    N_("Write something, or skip this question."),
    N_("Pick one of the age bands, or “prefer not to say”."),
    N_("Turn on messages first, then choose the topics to hear about."),
    # consultations.models and staff_models: a consultation's status, a console role
    N_("Open"),
    N_("Closed"),
    N_("Admin"),
    N_("Officer"),
    N_("Youth worker"),
    N_("Forum member"),
    N_("Safeguarding lead"),
    # consultations.results: groups and dimensions of a breakdown
    N_("Age band"),
    N_("Area"),
    N_("Channel"),
    N_("Not given"),
    # feedback.loop_models: labels of statuses and responses
    N_("Planned"),
    N_("In progress"),
    N_("Done"),
    N_("Not possible"),
    N_("Forum is voting"),
    N_("Adopted, waiting for the partnership"),
    N_("Not adopted by the forum"),
    N_("The partnership has responded"),
    N_("Accepted"),
    N_("Partly accepted"),
    N_("Not accepted"),
    # feedback.forum: what a forum member's request can be refused with
    N_("There is no such recommendation."),
    N_("Only youth forum members draft and vote on recommendations."),
    N_("Cite at least one consultation whose results back this up."),
    N_("Cite only consultations that have results."),
    N_("Voting on this recommendation has finished."),
    N_("Officers record the partnership's response."),
    N_("Choose accepted, partly accepted or not accepted."),
    N_("Give the partnership's reasons (the forum needs to know why)."),
    N_("This recommendation cites no consultation to report back on."),
    # webapp.staff.feedback_forms and webapp.staff.forms: the fields the forum shows
    N_("Recommendation"),
    N_("Give it a title."),
    N_("What the partnership should do, and why"),
    N_("Write the recommendation."),
    N_("The results that back it up"),
    N_("Consultations it cites"),
    N_("Cite at least one consultation."),
    N_("Your vote"),
    N_("For"),
    N_("Against"),
    N_("Choose for or against."),
    N_("The partnership's response"),
    N_("Choose the response."),
    N_("Their reasons"),
    N_("Give the partnership's reasons."),
    N_("Partner who will act on it"),
    N_("Break down by"),
    # feedback.forum and webapp.staff.feedback_forms.CommentForm: the discussion
    N_("Your comment"),
    N_("Write your comment."),
    N_("Keep a comment under 500 characters."),
    N_("Take out personal details (like a phone number, e-mail or home address), then post it."),
    N_("Say it without rude or hurtful words, then post it."),
    N_("Former member"),
    # webapp.staff.forms.LoginForm and webapp.staff.auth, on the forum's sign-in page
    N_("Email"),
    N_("Give your email."),
    N_("Password"),
    N_("Give your password."),
    N_("That email and password do not match an account."),
    # webapp.staff.feedback_forms.ReportForm, on the forum's report page
    N_("One consultation"),
    N_("Or a period: from"),
    N_("to"),
    N_("Format"),
    N_("Choose a consultation, or give both dates of a period."),
    # consultations.models: the dates a form accepts
    N_("Give a date between 2000 and 2099."),
    # consultations.consultation_themes and theme_analysis, on a consultation's themes page
    N_("This consultation asks no free-text question, so there are no written answers."),
    N_("There are no written answers staff may read yet, so there is nothing to group."),
    N_("The answers have too little in common to make themes; every answer is listed below."),
    N_("Language"),
    N_("English"),
    N_("Polish"),
    N_("Urdu"),
    N_("Other script"),
    N_("No group is shown, so that nobody can be picked out."),
)


def translate(text: object) -> str:
    """Another layer's English words in the reader's language, when the catalogue has them.

    Anything else (a name, an officer's own words) comes back as it was. The result is plain
    text, so a template still escapes it.
    """
    if text is None:
        return ""
    words = str(text)
    if not words or not has_request_context():
        return words
    return gettext(words)


def age_band_label(value: str | None) -> str:
    """An age band, given as its stored key or its English label, in the reader's language."""
    if not value:
        return ""
    if value in AGE_BAND_LABELS:
        return str(AGE_BAND_LABELS[value])
    for key, english in AGE_BANDS.items():
        if english == value:
            return str(AGE_BAND_LABELS[key])
    return value


def language_cookie(app: Flask) -> str:
    """The picker's cookie's name: ``__Host-lang`` where cookies are Secure."""
    return cookie_name(app, COOKIE)


def chosen_language() -> str:
    if not has_request_context():
        return "en"  # reports and commands render outside a request
    picked = request.cookies.get(language_cookie(current_app))
    if picked in LANGUAGES:
        return picked
    return request.accept_languages.best_match(list(LANGUAGES), default="en") or "en"


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "en"


class LanguageForm(FlaskForm):
    language = SelectField(
        "Language",
        choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()],
        validators=[AnyOf(list(LANGUAGES))],
    )
    back = StringField()


def _safe_back(target: str | None) -> str:
    # Only a path on this site: the picker must not become an open redirect.
    parts = urlsplit(target or "/")
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or "\\" in parts.path:
        return "/"
    return parts.path + (f"?{parts.query}" if parts.query else "")


@bp.post("/language")
def set_language() -> Response:
    form = LanguageForm()
    response = redirect(_safe_back(form.back.data), 303)
    if form.validate():
        response.set_cookie(
            language_cookie(current_app),
            form.language.data,
            max_age=ONE_YEAR,
            samesite="Lax",
            httponly=True,
            # Like the session cookie: over HTTPS only, wherever the site is served so.
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        )
    return response


def _choose_afresh(sender: Flask, **extra: object) -> None:
    refresh()


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=chosen_language)
    app.register_blueprint(bp)
    # Flask-Babel caches the locale in the app context; a context that outlives one
    # request (a test, a command) must still choose afresh for each request, before any
    # before_request hook (the CSRF check) can render a page.
    request_started.connect(_choose_afresh, app)

    app.jinja_env.filters["tr"] = translate
    app.jinja_env.filters["age_band"] = age_band_label

    @app.template_global()
    def translated(consultation: Consultation) -> translations.Translated:
        return translations.translated(consultation, current_language())

    @app.template_global()
    def content_lang(t: translations.Translated, translated: bool = True) -> Markup:
        """lang/dir for a consultation's own words when they differ from the page's language.

        An English consultation on an Urdu page must still read left to right, and a screen
        reader must pronounce it as English.
        """
        return lang_attrs((t.language if translated else None) or "en")

    @app.template_global()
    def lang_attrs(language: str | None = "en") -> Markup:
        """lang/dir for a block of words in ``language`` (officers' own words are English)."""
        words = language or "en"
        if words == current_language():
            return Markup("")
        direction = "rtl" if words in RIGHT_TO_LEFT else "ltr"
        return Markup(' lang="{}" dir="{}"').format(words, direction)

    @app.template_filter("own_words")
    def own_words(text: object, language: str | None = "en") -> Markup:
        """Words in another language than the page's, isolated inside a sentence.

        Officers' own words (a theme, a "we did" item, an untranslated title) are English;
        inside an Urdu sentence they must keep their own direction, or the punctuation
        around them lands on the wrong side.
        """
        words = language or "en"
        if words == current_language():
            return Markup("{}").format(text)
        direction = "rtl" if words in RIGHT_TO_LEFT else "ltr"
        return Markup('<bdi lang="{}" dir="{}">{}</bdi>').format(words, direction, text)

    @app.context_processor
    def language_context() -> dict[str, object]:
        if not has_request_context():
            return {}
        lang = current_language()
        return {
            "lang": lang,
            "text_dir": "rtl" if lang in RIGHT_TO_LEFT else "ltr",
            "languages": LANGUAGES,
            # Called by the picker in base.html only, so other pages get no form token. It
            # shows the current language, never what this request posted (which may be
            # the very input an error page is refusing).
            "language_form": lambda: LanguageForm(
                formdata=None, language=lang, back=request.full_path.rstrip("?")
            ),
        }
