"""Languages of the youth pages: English, Polish and Urdu (right to left).

The choice is a cookie set by the language picker; before anyone picks, the browser's
Accept-Language is the guess. Strings without a translation show in English, never blank.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, has_request_context, redirect, request
from flask_babel import Babel, get_locale, refresh
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import AnyOf

from consultations import translations
from consultations.models import Consultation

LANGUAGES = {"en": "English", "pl": "Polski", "ur": "اردو"}
RIGHT_TO_LEFT = {"ur"}
COOKIE = "lang"
ONE_YEAR = 365 * 24 * 3600

bp = Blueprint("i18n", __name__)
babel = Babel()


def chosen_language() -> str:
    if not has_request_context():
        return "en"  # reports and commands render outside a request
    picked = request.cookies.get(COOKIE)
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
            COOKIE, form.language.data, max_age=ONE_YEAR, samesite="Lax", httponly=True
        )
    return response


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=chosen_language)
    app.register_blueprint(bp)
    # Flask-Babel caches the locale in the app context; a context that outlives one
    # request (a test, a command) must still choose afresh for each request.
    app.before_request(refresh)

    @app.template_global()
    def translated(consultation: Consultation) -> translations.Translated:
        return translations.translated(consultation, current_language())

    @app.template_global()
    def content_lang(t: translations.Translated, translated: bool = True) -> Markup:
        """lang/dir for a consultation's own words when they differ from the page's language.

        An English consultation on an Urdu page must still read left to right, and a screen
        reader must pronounce it as English.
        """
        words = (t.language if translated else None) or "en"
        if words == current_language():
            return Markup("")
        direction = "rtl" if words in RIGHT_TO_LEFT else "ltr"
        return Markup(' lang="{}" dir="{}"').format(words, direction)

    @app.context_processor
    def language_context() -> dict[str, object]:
        if not has_request_context():
            return {}
        lang = current_language()
        return {
            "lang": lang,
            "text_dir": "rtl" if lang in RIGHT_TO_LEFT else "ltr",
            "languages": LANGUAGES,
            # Called by the picker in base.html only, so other pages get no form token.
            "language_form": lambda: LanguageForm(
                language=lang, back=request.full_path.rstrip("?")
            ),
        }
