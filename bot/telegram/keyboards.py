"""Turn the conversation's buttons into Telegram inline keyboards (pure functions)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation import Button, Reply


def button_url_allowed(url: str) -> bool:
    """Telegram refuses link buttons to localhost, bare IP addresses and dotless hosts."""
    host = urlsplit(url).hostname or ""
    try:
        ipaddress.ip_address(host)
        return False
    except ValueError:
        return "." in host and host != "localhost"


def for_telegram(reply: Reply) -> Reply:
    """Links Telegram would refuse as buttons (a laptop set-up) go into the text instead."""
    moved = [b for row in reply.buttons for b in row if b.url and not button_url_allowed(b.url)]
    if not moved:
        return reply
    rows = [[b for b in row if b not in moved] for row in reply.buttons]
    text = reply.text + "".join(f"\n{b.label}: {b.url}" for b in moved)
    return Reply(text, [row for row in rows if row], reply.replace)


def to_button(button: Button) -> InlineKeyboardButton:
    if button.url:
        return InlineKeyboardButton(button.label, url=button.url)
    return InlineKeyboardButton(button.label, callback_data=button.data)


def to_markup(rows: list[list[Button]]) -> InlineKeyboardMarkup | None:
    rows = [row for row in rows if row]
    if not rows:
        return None
    return InlineKeyboardMarkup([[to_button(b) for b in row] for row in rows])
