"""What the chat channels say, in one place, so Telegram, Rasa and the terminal chat agree.

Plain words, short lines, no jargon. Functions take what varies and return text; channels
add their own buttons. Nothing here knows about a chat library. The platform's own words
(help after a disclosure, hate reporting, the outbox's messages) are the back end's, in
``consultations.words``: the chats say them as the API and the outbox hand them over.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from bot import catalogue
from youthvoice_settings import LANGUAGE_NAMES, catalogues
from youthvoice_settings.catalogues import Counted

# Telegram's terms set 16 as the minimum age in the UK; younger people use the web.
TELEGRAM_MIN_AGE = 16

WELCOME = (
    "Hi! I'm Youth Voice. 👋\n"
    "I help you have your say on plans for your area, and tell you what changed."
)
WHO_SEES_WHAT = (
    "We never ask your name. Council staff read your answers, but they can't see who you "
    "are. Read more: {privacy_url}"
)
ASK_AGE_BAND = "How old are you? (You can skip this.)"
ASK_AREA = (
    "Which area do you live in? Type your area or the first part of your postcode, "
    "like ST4 or Hanley. (You can skip this.)"
)
PROFILE_INTRO = (
    "Two more questions, both optional. They help the council see who took part, never who you are."
)
ASK_UPDATES = (
    "Do you want a message when results are out and when something changes because of "
    "what you said? You can stop any time with /stop."
)
UPDATES_ON = "Done: I'll message you when there's news. Send /stop to turn this off."
UPDATES_OFF = "OK, no messages. You can still take part any time."
STOPPED = "Done. I won't send you any more updates."
ASK_TOPICS = (
    "What do you want to hear about? Tap the topics you care about, or keep everything. "
    "You can change this any time: type topics."
)
TOPICS_EVERYTHING = "Everything"
TOPICS_SAVED = "Saved: you'll only hear about the ticked topics."
TOPICS_SAVED_ALL = "Saved: you'll hear about everything."
TOPICS_NEED_UPDATES = "Topics are for messages from us, and they are off. Turn them on first?"
PREFER_NOT_TO_SAY = "Prefer not to say"
AGE_RANGE = "{low} to {high}"
SKIP = "Skip"
DONE = "Done"
BACK = "Back"
YES = "Yes please"
NO = "No thanks"

NONE_OPEN = "There's nothing open to answer right now. Try again soon!"
PICK_ONE = "Here's what you can have your say on now. Pick one:"
READ_ORIGINAL = "Read the original"
START_ANSWERING = "Answer the questions"
NOT_FOUND = "I can't find that one. It may have closed. Send /consultations to see what's open."
CLOSED = "Sorry, that one has closed, so I can't save answers to it any more."
SAVED = "Saved ✅"
CHANGED = "Changed ✅"
REQUIRED = "This one needs an answer."
SKIPPED = "Skipped."
TEXT_TOO_LONG = "That's a bit long. Please keep it under {limit} and send it again."
EMPTY_TEXT = "I didn't get any words there. Type your answer, or press Skip."
EMOJI_ONLY = "Emojis are great, but I need some words too. Type your answer, or press Skip."
STALE_BUTTON = "That button is out of date. Here's where you are now:"
BACKEND_DOWN = "Sorry, something went wrong on our side. Please try again in a minute."
PRIVATE_ONLY = "I only chat one to one. Message me directly to have your say."
UNKNOWN = "I'm not sure what you mean. Here's what I can do:"
DEFINE_USAGE = "Send /define and a word, like: /define consultation"
DEFINE_UNKNOWN = "I don't have an explanation for “{word}” yet. Sorry!"

FORGET_ASK = (
    "This deletes your answers and everything we hold about you. Results already "
    "published stay, but nothing in them points to you. Are you sure?"
)
FORGET_YES = "Yes, delete it all"
FORGET_NO = "No, keep it"
FORGOTTEN = "Done. Everything about you has been deleted. Send /start if you want to come back."
NOT_FORGOTTEN = "OK, nothing was deleted."

HELP = (
    "Here's what I can do:\n"
    "/consultations – see what's open and have your say\n"
    "/define WORD – explain a word\n"
    "/privacy – who sees what\n"
    "/stop – stop updates\n"
    "/forgetme – delete everything about you\n"
    "/language – choose English, Polski or اردو\n"
    "/help – this list"
)

PRIVACY = (
    "Your privacy, in plain words:\n"
    "• We never ask your name. We keep a scrambled code instead of your chat account.\n"
    "• Age and area are optional, and you can say “prefer not to say”.\n"
    "• Results never single you out: groups smaller than 5 people are hidden.\n"
    "• Staff read what you write, so please don't put names, phone numbers or addresses in it.\n"
    "• What you write is deleted 12 months after a consultation closes. We keep the counts.\n"
    "• If you tell us you're not safe, a trained adult who keeps young people safe will "
    "read it, so they can help.\n"
    "• Messages from us are off unless you turn them on. /stop turns them off.\n"
    "• You can ask for a copy of everything we hold about you.\n"
    "• /forgetme deletes everything about you.\n"
    f"• You need to be {TELEGRAM_MIN_AGE} or over to use Telegram. If you're younger, use "
    "the website instead: {web_url}\n"
    "Full details: {privacy_url}"
)

QUESTION_HEADER = "Question {number} of {total}"
SCALE_HINT = "1 = {min_label} … 5 = {max_label}"
MULTIPLE_CHOICE_HINT = "Tap all that fit, then press {done}."
SAID_HEADER = "Thanks! Here's what you said:"
DUE_BY = "We've promised to tell you what changed by {date}."
DUE_LATER = "We'll tell you what changed once it's decided."
CHANGE_UNTIL_CLOSE = "You can change an answer until it closes."


# Words around a number: each is one plural entry in the catalogue, so a language has the
# forms its rules need (Polish three), and ``count`` picks one by the number.
CHARACTERS = Counted("{n} character", "{n} characters")
QUESTIONS = Counted("{n} question", "{n} questions")
YOUNG_PEOPLE = Counted("{n} young person", "{n} young people")
COUNTED = {"character": CHARACTERS, "question": QUESTIONS, "young person": YOUNG_PEOPLE}


def count(n: int, noun: str, lang: str | None = None) -> str:
    """``n`` and the noun in the form the language needs: "1 question", "5 pytań"."""
    code = language_code(lang) or _language.get()
    return catalogue.CATALOGUE.counted(COUNTED[noun], n, code).format(n=n)


def question_header(number: int, total: int, prompt: str) -> str:
    return text("QUESTION_HEADER").format(number=number, total=total) + f"\n{prompt}"


def scale_hint(min_label: str, max_label: str) -> str:
    return text("SCALE_HINT").format(min_label=min_label, max_label=max_label)


def multiple_choice_hint() -> str:
    return text("MULTIPLE_CHOICE_HINT").format(done=text("DONE"))


# An answer longer than this reads back cut short: the summary is a reminder, not a copy.
SUMMARY_ANSWER_MAX = 60


def summary(answers: list[str | None], feedback_due: date | None) -> str:
    """What the young person said, one short line per question, and when they hear back."""
    said = []
    for n, answer in enumerate(answers, 1):
        shown = text("NO_ANSWER") if answer is None else answer
        if len(shown) > SUMMARY_ANSWER_MAX:
            shown = shown[: SUMMARY_ANSWER_MAX - 1].rstrip() + "…"
        said.append(f"{n}. {shown}")
    answered = sum(a is not None for a in answers)
    total = text("SHORT_SUMMARY").format(answered=answered, total=count(len(answers), "question"))
    due = text("DUE_BY").format(date=long_date(feedback_due)) if feedback_due else text("DUE_LATER")
    lines = "\n".join(said)
    return f"{text('SAID_HEADER')}\n{lines}\n{total}\n\n{due}\n{text('CHANGE_UNTIL_CLOSE')}"


def chunks(text: str, limit: int = 4000) -> list[str]:
    """Split text into messages under a channel's size limit, at paragraph or line breaks."""
    out: list[str] = []
    current = ""
    for paragraph in text.split("\n\n"):
        piece = paragraph.strip()
        if not piece:
            continue
        candidate = f"{current}\n\n{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            out.append(current)
        while len(piece) > limit:
            cut = piece.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            out.append(piece[:cut].rstrip())
            piece = piece[cut:].lstrip()
        current = piece
    if current:
        out.append(current)
    return out


# --- Chat channels served by a Rasa assistant (web chat, WhatsApp, Facebook …) ---
# They have no slash-command menu, so the words say what to type as well as what to tap.
CHAT_PICK_HINT = "Tap one, or type its number."
CHAT_TYPE_NUMBERS = "Or type the numbers, like 1, 3."
CHAT_TYPE_ANSWER = "Type your answer (up to {limit} characters)."
PICK_AN_OPTION = "Please pick one of the options: tap a button or type its number."
PICK_A_NUMBER = "Please send a number from 1 to 5."
PICK_AT_LEAST_ONE = "Please pick at least one, then press Done."
PICKED_SO_FAR = "Picked so far: {picked}"
FORM_STOPPED = "OK, I've stopped asking. The answers you sent are saved."
ANSWERS_SAFE = "Don't worry: every answer I said was saved is safe."
ACCESS_CODE_ON_WEB = (
    "This one needs the code you were given. Please answer it on the website: {link}"
)
DEFINE_USAGE_CHAT = "Ask me about a word, like: what does consultation mean?"
CHAT_HELP = (
    "Here's what I can do. Tap a button or type:\n"
    "consultations – see what's open and have your say\n"
    "what does WORD mean – explain a word\n"
    "privacy – who sees what\n"
    "updates – get a message when there's news\n"
    "stop – stop updates\n"
    "forget me – delete everything about you"
)
CHAT_PRIVACY = (
    "Your privacy, in plain words:\n"
    "• We never ask your name. We keep a scrambled code instead of your chat.\n"
    "• Results never single you out: groups smaller than 5 people are hidden.\n"
    "• Staff read what you write, so please don't put names, phone numbers or addresses in it.\n"
    "• Messages from us are off unless you turn them on. Type stop to turn them off.\n"
    "• Type forget me to delete everything about you.\n"
    "Full details: {privacy_url}"
)
CHAT_UPDATES_ON = "Done: I'll message you here when there's news. Type stop to turn this off."
WEB_CHAT_OFF = "Chat isn't switched on here yet. You can still have your say on the website form."
CHAT_UNKNOWN = "Sorry, I didn't get that."
GOODBYE = "Bye for now! Come back any time to have your say. 👋"
CHAT_ASK_UPDATES = (
    "Do you want a message here when results are out and when something changes because of "
    "what you said? You can type stop any time."
)
CHAT_FORGOTTEN = "Done. Everything about you has been deleted. Say hi if you want to come back."
# Added for the Telegram bot and the terminal chat.
ALREADY_SAVED = "Already saved ✅"
CHANGE_ANSWER = "Change answer {number}"
GET_UPDATES = "Send me the results"
SEE_OPEN = "See what's open"
HELP_BUTTON = "Help"
TYPE_ANSWER = "Type your answer and send it."
YOUR_ANSWER = "Your answer now: {answer}"
WORDS_EXPLAINED = "Words explained:"
NO_ANSWER = "(skipped)"
CHOOSE_NUMBER = "Type a number to choose, or type your answer."
READ_MORE = "Read more"
WELCOME_BACK = "Welcome back! You were answering “{title}”."
CARRY_ON = "Carry on"
SAY_YES_OR_NO = "Please say yes or no."
SHORT_SUMMARY = "You answered {answered} of {total}."
BOT_STARTING = "Youth Voice bot is running (Ctrl+C to stop)."
DELIVERY_STARTING = "Youth Voice delivery is running (Ctrl+C to stop)."


LANGUAGE_PICK = "Which language do you want me to use?"
LANGUAGE_SET = "OK, I'll talk to you in English from now on."
# Telegram's command menu, next to the message box.
MENU_CONSULTATIONS = "See what's open and have your say"
MENU_DEFINE = "Explain a word"
MENU_PRIVACY = "Who sees what"
MENU_TOPICS = "Choose what you hear about"
MENU_STOP = "Stop updates"
MENU_FORGETME = "Delete everything about you"
MENU_LANGUAGE = "Choose your language"
MENU_HELP = "What I can do"


# --- Languages ------------------------------------------------------------------------------
# The constants above are the English words and the message ids of the "bot" catalogue in
# bot/translations (see bot/catalogue.py for how translators update it). Each chat channel
# remembers the language a person picked; whatever has no translation is said in English.

# Each language by its own name, as the chat's language buttons show it.
LANGUAGES = LANGUAGE_NAMES
_language: ContextVar[str] = ContextVar("chat_language", default="en")


def language_code(raw: str | None) -> str | None:
    """A supported language from a code such as "pl-PL" or "ur", else None."""
    code = (raw or "").replace("_", "-").split("-")[0].strip().lower()
    return code if code in LANGUAGES else None


@contextmanager
def speaking(lang: str | None) -> Iterator[None]:
    """Say everything inside in ``lang`` (for this task or thread only)."""
    token = _language.set(language_code(lang) or "en")
    try:
        yield
    finally:
        _language.reset(token)


def current_language() -> str:
    return _language.get()


def text(key: str, lang: str | None = None) -> str:
    """The wording called ``key`` (a constant's name above) in ``lang`` or the current one."""
    english = globals().get(key)
    if not isinstance(english, str) or not key.isupper():
        raise KeyError(key)
    code = language_code(lang) if lang else _language.get()
    if not code or code == "en":
        return english
    return catalogue.translations(code).gettext(english)


def long_date(day: date, lang: str | None = None) -> str:
    """A date as people write it in that language, e.g. 3 March 2027 / 3 marca 2027."""
    # Without a language given, the one the conversation is in.
    return catalogues.long_date(day, language_code(lang) or _language.get())


class _Say:
    """``say.SAVED`` is ``text("SAVED")``: the constant in the language being spoken."""

    def __getattr__(self, key: str) -> str:
        try:
            return text(key)
        except KeyError:
            raise AttributeError(key) from None


say = _Say()
