"""Self-tests: drive FakeTelegramServer with a real python-telegram-bot Bot over HTTP."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter
from telegram.ext import Application, CommandHandler, ContextTypes

from .telegram_server import FakeTelegramServer

TOKEN = "123:ABC"
CHAT = 4242


@pytest.fixture
def server() -> Iterator[FakeTelegramServer]:
    """A started fake server."""
    with FakeTelegramServer(TOKEN) as fake:
        yield fake


def run_with_bot(server: FakeTelegramServer, body: Any, token: str = TOKEN) -> Any:
    """Run `await body(bot)` with an initialised real Bot pointed at the fake."""

    async def main() -> Any:
        bot = Bot(token, base_url=server.base_url, base_file_url=server.base_file_url)
        async with bot:
            return await body(bot)

    return asyncio.run(main())


def keyboard() -> InlineKeyboardMarkup:
    """A one-button inline keyboard."""
    return InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="vote:yes")]])


def test_get_me(server: FakeTelegramServer) -> None:
    """getMe returns the bot user."""

    async def body(bot: Bot) -> None:
        me = await bot.get_me()
        assert me.is_bot and me.username == "fake_test_bot" and me.id == 123
        assert me.can_join_groups is True

    run_with_bot(server, body)
    assert server.calls[0][0] == "getMe"


def test_send_message_with_keyboard_is_in_transcript(server: FakeTelegramServer) -> None:
    """sendMessage stores the text and decoded reply_markup."""

    async def body(bot: Bot) -> None:
        sent = await bot.send_message(CHAT, "Pick one", reply_markup=keyboard())
        assert sent.text == "Pick one" and sent.chat.id == CHAT
        assert sent.reply_markup == keyboard()
        second = await bot.send_message(CHAT, "123")
        assert second.message_id > sent.message_id

    run_with_bot(server, body)
    first, second = server.messages_to(CHAT)
    assert first["text"] == "Pick one"
    button = first["reply_markup"]["inline_keyboard"][0][0]
    assert button == {"text": "Yes", "callback_data": "vote:yes"}
    assert second["text"] == "123"
    assert server.calls_to("sendMessage")[0]["chat_id"] == CHAT
    assert len(server.send_message_times) == 2


def test_user_text_arrives_as_command(server: FakeTelegramServer) -> None:
    """A '/start slug' message carries a bot_command entity and is confirmed by offset."""
    server.user_sends_text(CHAT, "/start c_slug", first_name="Ada")

    async def body(bot: Bot) -> None:
        (update,) = await bot.get_updates(timeout=1)
        message = update.message
        assert message is not None and message.text == "/start c_slug"
        assert message.from_user is not None and message.from_user.first_name == "Ada"
        assert message.parse_entities(["bot_command"]) == {message.entities[0]: "/start"}
        assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
        started = time.monotonic()
        assert await bot.get_updates(offset=update.update_id + 1, timeout=5) == ()
        assert time.monotonic() - started < 3

    run_with_bot(server, body)


def test_long_poll_returns_early_on_new_update(server: FakeTelegramServer) -> None:
    """A waiting getUpdates returns as soon as an update is queued."""
    server.max_poll_wait = 5.0
    timer = threading.Timer(0.2, server.user_sends_text, args=(CHAT, "hello"))

    async def body(bot: Bot) -> None:
        timer.start()
        started = time.monotonic()
        updates = await bot.get_updates(timeout=5)
        assert time.monotonic() - started < 2
        assert updates[0].message is not None and updates[0].message.text == "hello"

    run_with_bot(server, body)


def test_button_press_and_answer(server: FakeTelegramServer) -> None:
    """A button press yields a CallbackQuery for the stored message; answers are recorded."""

    async def body(bot: Bot) -> None:
        sent = await bot.send_message(CHAT, "Pick one", reply_markup=keyboard())
        server.user_presses_button(CHAT, sent.message_id, "vote:yes")
        (update,) = await bot.get_updates(timeout=1)
        query = update.callback_query
        assert query is not None and query.data == "vote:yes"
        assert query.message is not None and query.message.message_id == sent.message_id
        assert query.message.text == "Pick one" and query.message.reply_markup == keyboard()
        assert await query.answer("Thanks!")
        with pytest.raises(BadRequest):
            await bot.answer_callback_query("no-such-query")
        edited = await bot.edit_message_text("Voted", chat_id=CHAT, message_id=sent.message_id)
        assert isinstance(edited, object) and getattr(edited, "text", None) == "Voted"
        with pytest.raises(BadRequest, match="not modified"):
            await bot.edit_message_text("Voted", chat_id=CHAT, message_id=sent.message_id)
        await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=keyboard())
        assert await bot.delete_message(CHAT, sent.message_id)

    run_with_bot(server, body)
    assert server.answered_callbacks[0]["text"] == "Thanks!"
    (stored,) = server.messages_to(CHAT)
    assert stored["text"] == "Voted" and stored["reply_markup"] and "edit_date" in stored
    assert [e["method"] for e in server.edits] == ["editMessageText"] * 2 + [
        "editMessageReplyMarkup"
    ]
    assert server.deleted == [(CHAT, stored["message_id"])]


def test_fail_chat_raises_forbidden(server: FakeTelegramServer) -> None:
    """A blocked chat makes sendMessage raise Forbidden."""
    server.fail_chat(CHAT)

    async def body(bot: Bot) -> None:
        with pytest.raises(Forbidden, match="blocked"):
            await bot.send_message(CHAT, "hi")
        assert (await bot.send_message(CHAT + 1, "hi")).text == "hi"

    run_with_bot(server, body)
    assert server.messages_to(CHAT) == []


def test_rate_limit_raises_retry_after(
    server: FakeTelegramServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """rate_limit makes the next call return 429 with retry_after; later calls succeed."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # avoid PTB's int-vs-timedelta deprecation
    server.rate_limit(CHAT, retry_after=1, times=1)

    async def body(bot: Bot) -> None:
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(CHAT, "hi")
        assert info.value.retry_after == dtm.timedelta(seconds=1)
        assert (await bot.send_message(CHAT, "hi")).text == "hi"

    run_with_bot(server, body)


def test_global_rate_limit_counts_violations(
    server: FakeTelegramServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More than N sendMessage calls inside one second are rejected and counted."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    server.set_global_rate_limit(max_per_second=3)

    async def body(bot: Bot) -> int:
        rejected = 0
        for i in range(5):
            try:
                await bot.send_message(CHAT, f"m{i}")
            except RetryAfter:
                rejected += 1
        return rejected

    assert run_with_bot(server, body) == 2
    assert server.violations == 2 and len(server.messages_to(CHAT)) == 3
    assert server.max_sends_in_window() == 5


def test_wrong_token_and_unknown_method(server: FakeTelegramServer) -> None:
    """A wrong token gives 401 (InvalidToken); unknown methods give 404."""

    with pytest.raises(InvalidToken, match="rejected"):
        run_with_bot(server, lambda bot: bot.get_me(), token="999:WRONG")
    assert server.calls == []
    url = f"{server.base_url}{TOKEN}/noSuchMethod"
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(url, timeout=5)  # noqa: S310
    assert info.value.code == 404
    assert json.loads(info.value.read()) == {
        "ok": False,
        "error_code": 404,
        "description": "Not Found",
    }


def test_admin_methods(server: FakeTelegramServer) -> None:
    """Webhook, commands, close and logOut round-trip."""

    async def body(bot: Bot) -> None:
        assert await bot.set_webhook("https://example.test/hook", secret_token="s3cret")
        assert (await bot.get_webhook_info()).url == "https://example.test/hook"
        assert await bot.delete_webhook()
        assert (await bot.get_webhook_info()).url == ""
        assert await bot.set_my_commands([("start", "Start"), ("help", "Help")])
        assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
        assert await bot.close() and await bot.log_out()

    run_with_bot(server, body)
    assert server.calls_to("setWebhook")[0]["secret_token"] == "s3cret"


def test_json_body_and_wait_helpers(server: FakeTelegramServer) -> None:
    """Plain JSON clients work too, and wait helpers see calls from other threads."""

    def send() -> None:
        time.sleep(0.1)
        data = json.dumps({"chat_id": CHAT, "text": "from json"}).encode()
        url = f"{server.base_url}{TOKEN}/sendMessage"
        headers = {"Content-Type": "application/json"}
        request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            assert json.loads(response.read())["result"]["text"] == "from json"

    threading.Thread(target=send).start()
    assert server.wait_for_message(CHAT, "json", after=0)["text"] == "from json"
    assert server.wait_for_calls("sendmessage", 1)[0]["chat_id"] == CHAT
    with pytest.raises(AssertionError, match="from json"):
        server.wait_for_message(CHAT, after=1, timeout=0.2)


def test_post_update_to_webhook(server: FakeTelegramServer) -> None:
    """post_update_to_webhook sends JSON and the secret token header."""
    seen: list[tuple[str | None, dict[str, Any]]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen.append((self.headers.get("X-Telegram-Bot-Api-Secret-Token"), json.loads(body)))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    hook = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=hook.serve_forever, args=(0.05,), daemon=True).start()
    try:
        update = server.user_sends_text(CHAT, "hi")
        url = f"http://127.0.0.1:{hook.server_address[1]}/hook"
        assert server.post_update_to_webhook(url, update, secret_token="s3cret") == 200
    finally:
        hook.shutdown()
        hook.server_close()
    assert seen == [("s3cret", update)]


def test_application_polling_replies_to_start(server: FakeTelegramServer) -> None:
    """A real Application in polling mode answers /start through the fake."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text("hi")

    async def main() -> None:
        app = (
            Application.builder()
            .token(TOKEN)
            .base_url(server.base_url)
            .base_file_url(server.base_file_url)
            .build()
        )
        app.add_handler(CommandHandler("start", start))
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
            server.user_sends_text(CHAT, "/start c_slug")
            reply = await asyncio.to_thread(server.wait_for_message, CHAT, "hi", 5.0)
            assert reply["text"] == "hi"
            await app.updater.stop()
            await app.stop()

    asyncio.run(main())
    assert server.calls_to("deleteWebhook")
