"""The platform's own words to young people, whatever channel carries them.

Help after a disclosure, where to report a hate incident, and the messages the outbox sends
("results are out", "you said, we did" receipts and news) are the platform's to say, so they
live here, in the domain, with their own gettext catalogue ("domain", in
``consultations/locale``). Every channel shows them as the back end wrote them: the web
pages, and the chats through the API's ``support.message`` and the outbox. The chats' own
words (buttons, questions, help) stay in ``bot.wording``.

The English constants below are the message ids. Updating after a change to them:

    .venv/bin/python -m consultations.words                 # writes consultations/locale/domain.pot
    .venv/bin/pybabel update -D domain -d consultations/locale -i consultations/locale/domain.pot
    (translate the new entries in consultations/locale/{pl,ur}/LC_MESSAGES/domain.po)
    .venv/bin/pybabel compile -D domain -d consultations/locale
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.support import NullTranslations

from consultations.moderation.rules import DEFAULT_LANGUAGE, LANGUAGES
from youthvoice_settings import RIGHT_TO_LEFT, catalogues
from youthvoice_settings.catalogues import Counted, Message

DIRECTORY = Path(__file__).with_name("locale")
DOMAIN = "domain"

# --- Support after an answer that needs it ------------------------------------------------
CHILDLINE = "Childline: call 0800 1111 (free, any time) or chat at childline.org.uk"
EMERGENCY = "If you are in danger right now, call 999."
SAFEGUARDING = (
    "Thank you for telling us. It sounds like things might be really hard right now. "
    "You don't have to deal with this alone.\n"
    f"{CHILDLINE}\n{EMERGENCY}\n"
    "A trained adult who looks after young people's safety will read what you wrote."
)
HATE_REPORTING_URL = "https://www.report-it.org.uk"
HATE_REPORTING = (
    "If you've seen or been through a hate incident, you can report it (even without "
    f"giving your name): {HATE_REPORTING_URL}"
)

# --- Messages the outbox sends ---------------------------------------------------------------
# "You said, we did" receipts and news; officers' own words are added as they wrote them.
RECEIPT_THANKS = "“{title}”: thank you for taking part."
RECEIPT_ONE_OF = Counted(
    "You were the only young person who answered.",
    "You were one of {n} young people who answered.",
)
RECEIPT_YOU_SAID = "You said: {summary}"
RECEIPT_WE_DID = "We did:"
NEWS_ON = "News on “{title}”, which you answered:"
BECAUSE = ", because {reason}"
STATUS_PLANNED = "planned"
STATUS_IN_PROGRESS = "in progress"
STATUS_DONE = "done"
STATUS_NOT_POSSIBLE = "not possible"
RESULTS_OUT = Counted(
    "📣 Results are out for “{title}”. {n} young person took part. See what they said: {link}",
    "📣 Results are out for “{title}”. {n} young people took part. See what they said: {link}",
)

# Invitations: the officer's own words, then these; every one says how to stop.
INVITATION_OPEN_UNTIL = "“{title}” is open until {date}."
INVITATION_OPEN = "“{title}” is open now."
INVITATION_BUTTON = "Have your say"
INVITATION_STOP_CHAT = "Don't want these? Send /stop."
INVITATION_STOP_WEB = "Don't want these? Turn them off on “Your data”."
REMINDER_STARTED = (
    "⏳ Last chance: “{title}” closes on {date}. You started it: finish it before then."
)
REMINDER_NOT_STARTED = (
    "⏳ Last chance: “{title}” closes on {date}. There's still time to have your say."
)

# "You said" drafts: officers start from these and edit before anything is published. Short
# sentences in everyday words, so the draft passes the reading-age gate; officers' words
# (questions, options, themes) and young people's quotes are put in as they stand.
DRAFT_NO_ANSWERS = "No one has answered yet."
DRAFT_TOO_FEW = "Only a few young people answered, so we do not give any numbers."
DRAFT_TOOK_PART = Counted("{n} young person took part.", "{n} young people took part.")
DRAFT_ASKED = "We asked: {question}"
DRAFT_TOP = "The top answer was “{option}”, picked by {share}."
DRAFT_TIE = "“{first}” and “{second}” came top, each picked by {share}."
DRAFT_NEXT = "Next came “{option}”, picked by {share}."
DRAFT_SCALE_AVERAGE = "On a scale from {low} to {high}, the average was {mean}."
DRAFT_SCALE_ENDS = "{low} means “{low_label}” and {high} means “{high_label}”."
DRAFT_SCALE_HIGH = "The score was {upper} or {top} for {share}."
DRAFT_THEME = Counted(
    "{n} young person wrote about “{theme}”.", "{n} young people wrote about “{theme}”."
)
DRAFT_QUOTE = "One of you wrote: “{quote}”"
# How many of them, as people say it: "9 in 10", "about half".
SHARE_ALL = "everyone"
SHARE_NEARLY_ALL = "nearly everyone"
SHARE_HALF = "about half"
SHARE_TENTHS = "{n} in 10"
SHARE_UNDER_A_TENTH = "fewer than 1 in 10"

# The strategy's themes as topics young people can follow, in their words, by the theme's
# key; a theme added later is offered by its own name.
TOPIC_TENSIONS = "Getting on with each other"
TOPIC_DISADVANTAGE = "Fair chances for everyone"
TOPIC_COMMUNICATION = "Clear news from the council"
TOPIC_CULTURE = "Belonging and each other's cultures"
TOPIC_ENGAGEMENT = "Having a say in local decisions"
TOPIC_YOUNG_PEOPLE = "The youth forum and things made for young people"

# Refusals of what someone chose in a chat or on the web, naming what they can pick instead.
UNKNOWN_AREA = (
    "We don’t know that area. Pick your ward or the first part of your postcode from the "
    "list, like {examples}, or “prefer not to say”."
)
UNKNOWN_TOPIC = "Pick topics from the list: {topics}."

# Constants here that are not words for people: an address, the catalogue's and a language's name.
NOT_WORDS = {"HATE_REPORTING_URL", "DOMAIN", "DEFAULT_LANGUAGE", "FSI", "PDI"}


def _language(lang: str | None) -> str:
    code = (lang or "").replace("_", "-").split("-")[0].strip().lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def _words(key: str) -> Message:
    english = globals().get(key)
    if not isinstance(english, str | Counted) or not key.isupper() or key in NOT_WORDS:
        raise KeyError(key)
    return english


def text(key: str, lang: str | None = None) -> str:
    """The words called ``key`` (a constant's name above) in ``lang``; English if untranslated."""
    english = _words(key)
    if isinstance(english, Counted):
        raise TypeError(f"{key} has a number in it: use counted({key!r}, n, ...)")
    code = _language(lang)
    return english if code == DEFAULT_LANGUAGE else translations(code).gettext(english)


def counted(key: str, n: int, lang: str | None = None, **fields: object) -> str:
    """The words called ``key`` in the form ``n`` takes in ``lang``, with ``n`` and ``fields`` in.

    "1 young person", "22 młode osoby", "5 młodych osób": the language's plural rules pick.
    """
    english = _words(key)
    if not isinstance(english, Counted):
        raise TypeError(f"{key} has no number in it: use text({key!r}, ...)")
    return CATALOGUE.counted(english, n, _language(lang)).format(n=n, **fields)


# First-strong isolate and pop directional isolate (Unicode UAX #9).
FSI, PDI = "\u2068", "\u2069"


def isolated(words: str, lang: str | None = None) -> str:
    """``words`` kept in their own direction inside a sentence in ``lang``.

    Area names and officers' words are Latin; inside an Urdu sentence, without isolation
    the bidirectional algorithm carries the commas and quotation marks around them to
    the wrong side.
    """
    if _language(lang) in RIGHT_TO_LEFT and any("a" <= c.lower() <= "z" for c in words):
        return f"{FSI}{words}{PDI}"
    return words


def listed(items: list[str], lang: str | None = None) -> str:
    """A few names one after the other, each isolated, with the language's comma."""
    # Languages written right to left in Arabic script use the Arabic comma.
    comma = "، " if _language(lang) in RIGHT_TO_LEFT else ", "
    return comma.join(isolated(item, lang) for item in items)


def unknown_area(examples: list[str], lang: str | None = None) -> str:
    """The refusal of words that name no area, with a few areas to pick from."""
    return text("UNKNOWN_AREA", lang).format(examples=listed(examples, lang))


def unknown_topic(topics: list[str], lang: str | None = None) -> str:
    """The refusal of a topic that is not on the list, naming those that are."""
    return text("UNKNOWN_TOPIC", lang).format(topics=listed(topics, lang))


def support_message(*, safeguarding: bool, tension: bool, lang: str | None = None) -> str:
    """What every channel says after an answer that needs it: help first, then reporting."""
    parts = []
    if safeguarding:
        parts.append(text("SAFEGUARDING", lang))
    if tension:
        parts.append(text("HATE_REPORTING", lang))
    return "\n\n".join(parts)


def results_out(youth_title: str, respondents: int, link: str, lang: str | None = None) -> str:
    return counted("RESULTS_OUT", respondents, lang, title=youth_title, link=link)


# --- The catalogue ------------------------------------------------------------------------


def topic_words(key: str, name: str, lang: str | None = None) -> str:
    """A topic (a strategy theme's ``key``) in young people's words; its ``name`` if new."""
    try:
        return text(f"TOPIC_{key.upper()}", lang)
    except (KeyError, TypeError):
        return name


def long_date(day: date, lang: str | None = None) -> str:
    """A date as people write it in that language, e.g. 3 March 2027 / 3 marca 2027."""
    return catalogues.long_date(day, lang)


def _names() -> dict[str, object]:
    # This module's own names: globals() read here, not where the catalogue calls it.
    return globals()


CATALOGUE = catalogues.WordCatalogue(
    directory=DIRECTORY,
    domain=DOMAIN,
    project="Youth Voice",
    source="consultations/words.py",
    names=_names,
    not_words=frozenset(NOT_WORDS),
)


def translations(lang: str) -> NullTranslations:
    """The compiled catalogue for ``lang``; one without entries (English) when none exists."""
    return CATALOGUE.translations(lang)


def messages() -> dict[str, Message]:
    """Every piece of the platform's wording by constant name, in English."""
    return CATALOGUE.messages()


def template() -> Catalog:
    return CATALOGUE.template()


def main(argv: list[str]) -> int:
    return CATALOGUE.write_template(Path(argv[0]) if argv else None)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
