"""Handlers named for what the young person does; each is thin and asks the conversation."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot import wording
from bot.conversation import Result, parse_command
from bot.engine_runner import Conversation
from bot.telegram.keyboards import for_telegram, to_markup
from bot.wording import say
from youthvoice_settings.logs import log_error

log = logging.getLogger("youthvoice.bot")
# Telegram's limit is 4096; anything longer than this from a person is never an answer.
INCOMING_TEXT_MAX = 4096


def _conversation(context: ContextTypes.DEFAULT_TYPE) -> Conversation:
    return context.application.bot_data["conversation"]


def _ids(update: Update) -> tuple[str, str]:
    assert update.effective_user is not None and update.effective_chat is not None
    return str(update.effective_user.id), str(update.effective_chat.id)


def _hint(update: Update) -> str | None:
    # The language the person's Telegram app is set to: the guess until they pick one.
    return update.effective_user.language_code if update.effective_user else None


def _speaking(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
    """Say what the handler itself says (not the conversation) in the person's language."""
    if update.effective_user is None:
        return wording.speaking(None)
    who = str(update.effective_user.id)
    return wording.speaking(_conversation(context).language(who, _hint(update)))


def _private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE


async def _show(update: Update, context: ContextTypes.DEFAULT_TYPE, result: Result) -> None:
    chat = update.effective_chat
    assert chat is not None
    pressed = update.callback_query.message if update.callback_query else None
    for reply in map(for_telegram, result.replies):
        markup = to_markup(reply.buttons)
        if reply.replace and pressed is not None:
            try:
                await context.bot.edit_message_text(
                    reply.text, chat_id=chat.id, message_id=pressed.message_id, reply_markup=markup
                )
            except BadRequest as error:
                if "not modified" not in str(error).lower():
                    raise
            continue
        await context.bot.send_message(chat.id, reply.text, reply_markup=markup)


async def person_sends_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start, /consultations, /define WORD, /topics, /stop, /forgetme, /help, /privacy …"""
    message = update.effective_message
    if message is None or not message.text:
        return
    if not _private(update):
        with _speaking(update, context):
            await message.reply_text(say.PRIVATE_ONLY)
        return
    parsed = parse_command(message.text) or ("", "")
    who, address = _ids(update)
    result = await _conversation(context).command(
        who, address, parsed[0], parsed[1], hint=_hint(update)
    )
    await _show(update, context, result)


async def person_sends_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Text: an answer, their area, or something the bot nudges about."""
    message = update.effective_message
    if message is None:
        return
    if not _private(update):
        with _speaking(update, context):
            await message.reply_text(say.PRIVATE_ONLY)
        return
    text = message.text or message.caption or ""
    who, address = _ids(update)
    if len(text) > INCOMING_TEXT_MAX:
        result = Result([])
        with _speaking(update, context):
            limit = wording.count(INCOMING_TEXT_MAX, "character")
            await message.reply_text(say.TEXT_TOO_LONG.format(limit=limit))
    else:
        result = await _conversation(context).text(who, address, text, hint=_hint(update))
    await _show(update, context, result)


async def person_presses_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any inline button; the query is always answered so the button stops spinning."""
    query = update.callback_query
    if query is None:
        return
    notice: str | None = None
    try:
        if not _private(update):
            with _speaking(update, context):
                notice = say.PRIVATE_ONLY
            return
        who, address = _ids(update)
        result = await _conversation(context).button(
            who, address, query.data or "", hint=_hint(update)
        )
        notice = result.notice
        if result.retire_buttons and query.message is not None:
            # Already gone (a double tap) or too old to edit: nothing to do.
            with contextlib.suppress(BadRequest):
                await query.edit_message_reply_markup(reply_markup=None)
        await _show(update, context, result)
    finally:
        # If the query expired the person already has the replies.
        with contextlib.suppress(TelegramError):
            await query.answer(notice)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log what kind of error it was (never ids or texts) and tell the person plainly."""
    if context.error is not None:
        log_error(log, "handler failed", context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        with contextlib.suppress(TelegramError), _speaking(update, context):
            await context.bot.send_message(update.effective_chat.id, say.BACKEND_DOWN)


MENU = {
    "consultations": "MENU_CONSULTATIONS",
    "define": "MENU_DEFINE",
    "privacy": "MENU_PRIVACY",
    "topics": "MENU_TOPICS",
    "stop": "MENU_STOP",
    "forgetme": "MENU_FORGETME",
    "language": "MENU_LANGUAGE",
    "help": "MENU_HELP",
}


def commands_menu(lang: str | None = None) -> list[tuple[str, str]]:
    """The command list Telegram shows next to the message box, in one language."""
    return [(command, wording.text(key, lang or "en")) for command, key in MENU.items()]
