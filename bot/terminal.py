"""The same conversation in a terminal: numbered choices instead of buttons.

For youth workers and developers to try the whole flow without a Telegram account. It talks
to the back end over HTTP like any channel, with its own channel token.
"""

from __future__ import annotations

import asyncio
from typing import TextIO

from bot import wording
from bot.client import ApiClient
from bot.conversation import Button, Links, Result, parse_command
from bot.engine_runner import Conversation
from bot.stores import StateStore


def render(result: Result) -> tuple[str, list[Button]]:
    """Text to print and the choices the numbers stand for (pure)."""
    lines: list[str] = []
    choices: list[Button] = []
    if result.notice and not result.replies:
        lines.append(result.notice)
    for reply in result.replies:
        lines.append(reply.text)
        for row in reply.buttons:
            for button in row:
                if button.url:
                    lines.append(f"   {button.label}: {button.url}")
                else:
                    choices.append(button)
                    lines.append(f"  [{len(choices)}] {button.label}")
        lines.append("")
    return "\n".join(lines), choices


async def chat(
    api: ApiClient,
    who: str,
    links: Links,
    stdin: TextIO,
    stdout: TextIO,
    *,
    start: str = "",
    hint: str | None = None,
) -> None:
    """Run until end of input (Ctrl+D) or /quit; ``hint`` is the language to start in."""
    conversation = Conversation(api, StateStore(":memory:"), links)
    loop = asyncio.get_running_loop()
    choices: list[Button] = []

    def show(result: Result) -> None:
        nonlocal choices
        text, new_choices = render(result)
        if result.replies or result.notice:
            choices = new_choices or choices
        stdout.write(text + "\n")
        if choices:
            with wording.speaking(conversation.language(who, hint)):
                stdout.write(wording.say.CHOOSE_NUMBER + "\n")
        stdout.write("> ")
        stdout.flush()

    show(await conversation.command(who, who, "start", start, hint=hint))
    while True:
        line = await loop.run_in_executor(None, stdin.readline)
        if not line:
            break
        line = line.rstrip("\r\n")
        if line.strip() in ("/quit", "/exit"):
            break
        number = line.strip()
        if number.isdigit() and 1 <= int(number) <= len(choices):
            data = choices[int(number) - 1].data or ""
            show(await conversation.button(who, who, data, hint=hint))
        elif parsed := parse_command(line):
            show(await conversation.command(who, who, *parsed, hint=hint))
        else:
            show(await conversation.text(who, who, line, hint=hint))
    await api.aclose()
