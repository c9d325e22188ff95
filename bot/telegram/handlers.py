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
from bot.conversation import Conversation, Result, parse_command
from bot.telegram.keyboards import for_telegram, to_markup

log = logging.getLogger("youthvoice.bot")
# Telegram's limit is 4096; anything longer than this from a person is never an answer.
INCOMING_TEXT_MAX = 4096


def _conversation(context: ContextTypes.DEFAULT_TYPE) -> Conversation:
    return context.application.bot_data["conversation"]  # type: ignore[no-any-return]


def _ids(update: Update) -> tuple[str, str]:
    assert update.effective_user is not None and update.effective_chat is not None
    return str(update.effective_user.id), str(update.effective_chat.id)


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
    """/start, /consultations, /define WORD, /stop, /forgetme, /help, /privacy, or unknown."""
    message = update.effective_message
    if message is None or not message.text:
        return
    if not _private(update):
        await message.reply_text(wording.PRIVATE_ONLY)
        return
    parsed = parse_command(message.text) or ("", "")
    who, address = _ids(update)
    result = await _conversation(context).command(who, address, parsed[0], parsed[1])
    await _show(update, context, result)


async def person_sends_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Text: an answer, their area, or something the bot nudges about."""
    message = update.effective_message
    if message is None:
        return
    if not _private(update):
        await message.reply_text(wording.PRIVATE_ONLY)
        return
    text = message.text or message.caption or ""
    who, address = _ids(update)
    if not text:
        result = await _conversation(context).text(who, address, "")
    elif len(text) > INCOMING_TEXT_MAX:
        result = Result([])
        await message.reply_text(wording.TEXT_TOO_LONG.format(limit=INCOMING_TEXT_MAX))
    else:
        result = await _conversation(context).text(who, address, text)
    await _show(update, context, result)


async def person_presses_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any inline button; the query is always answered so the button stops spinning."""
    query = update.callback_query
    if query is None:
        return
    notice: str | None = None
    try:
        if not _private(update):
            notice = wording.PRIVATE_ONLY
            return
        who, address = _ids(update)
        result = await _conversation(context).button(who, address, query.data or "")
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
    log.error("handler failed: %s", type(context.error).__name__)
    if isinstance(update, Update) and update.effective_chat is not None:
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(update.effective_chat.id, wording.BACKEND_DOWN)


def commands_menu() -> list[tuple[str, Any]]:
    """The command list Telegram shows next to the message box."""
    return [
        ("consultations", "See what's open and have your say"),
        ("define", "Explain a word"),
        ("privacy", "Who sees what"),
        ("stop", "Stop updates"),
        ("forgetme", "Delete everything about you"),
        ("help", "What I can do"),
    ]
