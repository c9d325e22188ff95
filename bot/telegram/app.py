"""Build and run the Telegram bot (long polling, or a webhook in production)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.ext import Application as PTBApplication

from bot import wording
from bot.client import ApiClient, ApiProblem, BackendDown
from bot.conversation import Links
from bot.engine_runner import Conversation
from bot.stores import StateStore
from bot.telegram import handlers
from youthvoice_settings import Settings
from youthvoice_settings.settings import DEFAULT_TELEGRAM_API


class StartupError(Exception):
    """A setting is missing or wrong; the message is one line a person can act on."""


@dataclass
class BotSettings:
    token: str
    api_url: str
    channel_token: str
    state_path: Path
    links: Links
    telegram_api_url: str = DEFAULT_TELEGRAM_API

    @classmethod
    def from_settings(cls, settings: Settings) -> BotSettings:
        base = settings.public_url.rstrip("/")
        return cls(
            token=settings.telegram_bot_token,
            api_url=settings.api_url,
            channel_token=settings.channel_token("telegram"),
            state_path=settings.instance.resolve() / "telegram_state.sqlite3",
            links=Links(privacy_url=f"{base}/privacy", web_url=f"{base}/"),
            telegram_api_url=settings.telegram_api_base_url.rstrip("/"),
        )


async def _skip_seen_updates(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """After a crash Telegram sends again what was handled but not yet confirmed: skip it."""
    store: StateStore = context.application.bot_data["store"]
    if isinstance(update, Update) and update.update_id <= store.last_update_id():
        raise ApplicationHandlerStop


async def _mark_handled(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    store: StateStore = context.application.bot_data["store"]
    if isinstance(update, Update):
        store.set_last_update_id(update.update_id)


def build_application(settings: BotSettings, api: ApiClient, store: StateStore) -> PTBApplication:
    """The Application with its handlers; the caller runs it."""
    application = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(f"{settings.telegram_api_url}/bot")
        .base_file_url(f"{settings.telegram_api_url}/file/bot")
        .rate_limiter(AIORateLimiter(max_retries=3))
        .build()
    )
    application.bot_data["conversation"] = Conversation(api, store, settings.links)
    application.bot_data["store"] = store
    application.add_handler(TypeHandler(Update, _skip_seen_updates), group=-1)
    application.add_handler(CallbackQueryHandler(handlers.person_presses_button))
    application.add_handler(MessageHandler(filters.COMMAND, handlers.person_sends_command))
    application.add_handler(
        MessageHandler(filters.ALL & ~filters.StatusUpdate.ALL, handlers.person_sends_text)
    )
    application.add_handler(TypeHandler(Update, _mark_handled), group=1)
    application.add_error_handler(handlers.on_error)
    return application


async def publish_commands(application: PTBApplication) -> None:
    """The command menu next to the message box, in every language the bot speaks.

    Telegram shows the list for the language a person's app is set to, else the default.
    """
    await application.bot.set_my_commands(handlers.commands_menu())
    for lang in wording.LANGUAGES:
        if lang != "en":
            await application.bot.set_my_commands(handlers.commands_menu(lang), language_code=lang)


async def check_connections(
    token: str, telegram_api_url: str, api_url: str, channel_token: str
) -> None:
    """Fail fast, in one line, when Telegram or the back end cannot be used."""
    if not token:
        raise StartupError("TELEGRAM_BOT_TOKEN is not set: get one from @BotFather.")
    if not channel_token:
        raise StartupError(
            "No channel token for 'telegram': add telegram:TOKEN to YOUTHVOICE_CHANNEL_TOKENS."
        )
    api = ApiClient(api_url, channel_token, channel="telegram", timeout=5.0)
    try:
        await api.check()
    except BackendDown:
        raise StartupError(
            f"The Youth Voice back end is not reachable at {api_url} (YOUTHVOICE_API_URL)."
        ) from None
    except ApiProblem as problem:
        if problem.status == 401:
            raise StartupError(
                "The back end refused the telegram channel token (YOUTHVOICE_CHANNEL_TOKENS)."
            ) from None
        raise StartupError(f"The back end answered {problem.status}: {problem.detail}") from None
    finally:
        await api.aclose()
    bot = Bot(token, base_url=f"{telegram_api_url}/bot")
    try:
        async with bot:  # initialising asks Telegram who the bot is; shut down on failure
            pass
    except InvalidToken:
        raise StartupError(
            "Telegram refused TELEGRAM_BOT_TOKEN: check it with @BotFather."
        ) from None
    except NetworkError:
        raise StartupError(
            "Telegram is not reachable (check TELEGRAM_API_BASE_URL and the network)."
        ) from None
    except TelegramError as error:
        raise StartupError(f"Telegram said: {error}") from None


def run_bot(
    settings: BotSettings,
    *,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    listen: str = "127.0.0.1",
    port: int = 8443,
    announce: Callable[[str], object] = print,
) -> None:
    """Check the settings and connections, then serve until stopped."""
    if webhook_url and not webhook_secret:
        raise StartupError("Webhook mode needs a secret token (--webhook-secret).")
    asyncio.run(
        check_connections(
            settings.token, settings.telegram_api_url, settings.api_url, settings.channel_token
        )
    )
    announce(wording.BOT_STARTING)
    store = StateStore(settings.state_path)
    api = ApiClient(settings.api_url, settings.channel_token, channel="telegram")
    application = build_application(settings, api, store)

    async def prepare(app: PTBApplication) -> None:
        await publish_commands(app)

    application.post_init = prepare
    if webhook_url:
        path = webhook_url.rstrip("/").rsplit("/", 1)[-1] or "telegram"
        application.run_webhook(
            listen=listen,
            port=port,
            url_path=path,
            webhook_url=webhook_url,
            secret_token=webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES, poll_interval=0.0)
