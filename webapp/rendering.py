"""Safe Markdown with glossary terms linked to their plain-words explanations."""

from __future__ import annotations

import html
from datetime import date, datetime
from zoneinfo import ZoneInfo

import markdown as md
import nh3
from babel import dates as babel_dates
from flask import Flask, current_app, has_app_context, has_request_context
from markupsafe import Markup

from consultations.glossary import GlossaryEntry, first_uses

_ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "h2", "h3", "h4", "blockquote", "br"}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title", "class"}}


def safe_markdown(text: str) -> Markup:
    """Markdown to HTML with everything but simple formatting and links stripped."""
    rendered = md.markdown(text or "", extensions=[], output_format="html")
    cleaned = nh3.clean(
        rendered,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(cleaned)  # noqa: S704 - sanitised by nh3 just above


def link_terms(
    text: str, terms: list[GlossaryEntry], glossary: list[GlossaryEntry] | None = None
) -> str:
    """Wrap the first use of each term as a link to its explanation, as Markdown-safe HTML.

    ``glossary``, the one ``terms`` were found in, lets the page reuse its matcher.
    """
    out: list[str] = []
    cursor = 0
    for start, end, entry in first_uses(text, terms, within=glossary):
        out.append(text[cursor:start])
        out.append(f'<a href="#{entry.anchor}" class="term">{html.escape(text[start:end])}</a>')
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def youth_html(
    text: str, terms: list[GlossaryEntry], glossary: list[GlossaryEntry] | None = None
) -> Markup:
    """The youth text as safe HTML, jargon linked to the “words explained” list below it."""
    # Escape first: the links we add are the only HTML the author's text can contain.
    return safe_markdown(link_terms(html.escape(text, quote=False), terms, glossary))


def _local_day(value: date | datetime | str) -> date:
    """The calendar day a young person would call it, in the site's time zone.

    Times are kept in UTC: 00:30 on 1 July in London is 23:30 on 30 June in UTC, and the
    page must say 1 July. ISO text (as in the data export) is read the same way.
    """
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            zone = current_app.config.get("TIMEZONE") if has_app_context() else None
            value = value.astimezone(ZoneInfo(zone or "Europe/London"))
        return value.date()
    return value


def nice_date(value: date | datetime | str | None) -> str:
    """A date in words, "2 December 2026", with the month in the reader's language."""
    if value is None or value == "":
        return ""
    day = _local_day(value)
    if has_request_context():
        from webapp.i18n import current_language

        lang = current_language()
        if lang != "en":
            # Month names in the reader's language (Babel's CLDR data, no network).
            return babel_dates.format_date(day, "d MMMM y", locale=lang)
    return f"{day.day} {day:%B %Y}"


def register_filters(app: Flask) -> None:
    app.jinja_env.filters["markdown"] = safe_markdown
    app.jinja_env.filters["nice_date"] = nice_date
