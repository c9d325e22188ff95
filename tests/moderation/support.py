"""Words young people write in the tests, and small helpers to send them on each channel."""

from __future__ import annotations

from tests.conftest import CHANNEL_TOKENS
from tests.helpers import csrf_token
from tests.staff.support import page

DISCLOSURE = "I want to kill myself, nobody would notice"
ABUSE = "my dad hits me when he is drunk"
TENSION = "there are always fights between the asian lads and the white lads near the park"
HATEFUL = "go back to your own country you ***"
PERSONAL = "shit buses, text me on 07123 456789 or email dan.w@outlook.com"
CLEAN = "Cheaper buses and a skate park please"


def api_submit(client, consultation, text, *, channel="telegram", uid="12345"):  # type: ignore[no-untyped-def]
    """Send one written answer through /api/v1 with the channel's own token."""
    free = consultation.questions[-1]
    return client.post(
        f"/api/v1/consultations/{consultation.slug}/answers",
        json={
            "participant": {"channel": channel, "id": uid},
            "answers": [{"question_id": free.id, "text": text}],
        },
        headers={"Authorization": f"Bearer {CHANNEL_TOKENS[channel]}"},
    )


def web_submit(client, consultation, text, *, area=""):  # type: ignore[no-untyped-def]
    """Fill in the web form as a young person: the required choice and the written answer."""
    single, free = consultation.questions[0], consultation.questions[-1]
    token = csrf_token(page(client, f"/c/{consultation.slug}"))
    return client.post(
        f"/c/{consultation.slug}",
        data={
            "csrf_token": token,
            f"q{single.id}": str(single.options[0].id),
            f"q{free.id}": text,
            "area": area,
        },
    )
