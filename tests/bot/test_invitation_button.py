"""A Telegram invitation carries a button that starts the consultation in the chat: the
delivery worker sends it through the fake Bot API, and the deep link it opens is one the bot
answers with that consultation."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import parse_qs, urlsplit

from bot.delivery import DeliverySettings, Worker
from consultations import services
from consultations.db import db
from feedback import invitations, subscriptions
from feedback.models import OutboxMessage, OutboxStatus
from tests.conftest import CHANNEL_TOKENS
from tests.fakes.telegram_server import DEFAULT_TOKEN
from tests.helpers import make_consultation, now

EASY = "Tell us what you think about the park. It takes two minutes."


def _deliver(running, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = DeliverySettings(
        token=DEFAULT_TOKEN,
        api_url=running.backend_url,
        channel_token=CHANNEL_TOKENS["telegram"],
        journal_path=tmp_path / "journal.sqlite3",
        telegram_api_url=f"http://127.0.0.1:{running.telegram.port}",
        idle_seconds=0.1,
    )

    def pending() -> int:
        db.session.expire_all()
        return db.session.query(OutboxMessage).filter_by(status=OutboxStatus.PENDING).count()

    async def run() -> None:
        worker = Worker(settings)
        task = asyncio.create_task(worker.run())
        deadline = time.monotonic() + 15
        while pending() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        worker.stopping.set()
        await task

    asyncio.run(run())


def test_the_invitations_button_opens_the_consultation_in_the_chat(app, running, tmp_path):
    app.config["TELEGRAM_BOT_USERNAME"] = "fake_test_bot"
    chat = running.chat(5151)
    person = services.participant_for(
        "telegram", str(chat.chat_id), key=app.config["PSEUDONYM_KEY"]
    )
    services.update_profile(person, age_band=None, area="Hanley")
    subscriptions.subscribe(person, address=str(chat.chat_id), now=now())
    consultation = make_consultation(slug="the-park")
    invitation = invitations.create_invitation(
        None,
        consultation,
        texts={"en": EASY},
        audience=invitations.Audience(areas=("Hanley",)),
        now=now(),
    )
    from webapp.links import invitation_links

    assert invitations.queue_invitation(invitation, now=now(), links=invitation_links) == 1
    db.session.commit()

    _deliver(running, tmp_path)
    (message,) = chat.transcript
    assert message["text"].startswith(EASY) and "Send /stop." in message["text"]
    # The link is under the button, not pasted into the text.
    assert "t.me" not in message["text"]
    (row,) = message["reply_markup"]["inline_keyboard"]
    (button,) = row
    assert button["text"] == "Have your say"
    url = urlsplit(button["url"])
    assert (url.netloc, url.path) == ("t.me", "/fake_test_bot")
    start = parse_qs(url.query)["start"][0]
    assert start == "c_the-park"

    # Telegram turns a press on a t.me/<bot>?start=… link into "/start <parameter>".
    opened = chat.send(f"/start {start}", consultation.youth_title)
    assert consultation.youth_title in opened["text"]
