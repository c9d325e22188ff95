"""The one client of the channel API, over real HTTP on loopback, as every channel uses it."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest

from bot import wording
from bot.client import ApiClient, ApiProblem, BackendDown, SyncApiClient
from channel_api import payloads as p
from consultations import services
from consultations.db import db
from feedback import notices
from tests.conftest import CHANNEL_TOKENS
from tests.feedback.support import closed_consultation
from tests.helpers import make_consultation, now


def _client(url: str, **options: object) -> ApiClient:
    return ApiClient(url, CHANNEL_TOKENS["telegram"], channel="telegram", **options)  # type: ignore[arg-type]


def test_replies_come_back_as_the_apis_own_models(app, backend_url):
    c = make_consultation()
    scale, free = c.questions[2], c.questions[3]

    async def talk() -> tuple[object, ...]:
        async with _client(backend_url) as api:
            listed = await api.consultations()
            shown = await api.consultation(c.slug)
            saved = await api.submit(
                c.slug,
                "5550001",
                [
                    p.AnswerIn(question_id=scale.id, value=4),
                    p.AnswerIn(question_id=free.id, text="i want to kill myself"),
                ],
            )
            mine = await api.answers(c.slug, "5550001")
            me = await api.me("5550001")
            return listed, shown, saved, mine, me

    listed, shown, saved, mine, me = asyncio.run(talk())
    assert [s.slug for s in listed] == [c.slug]  # type: ignore[attr-defined]
    assert isinstance(shown, p.Consultation)
    assert shown.question(scale.id).kind == "scale"  # type: ignore[union-attr]
    assert isinstance(saved, p.Saved) and saved.saved == 2
    # A disclosure: the help the young person must be sent, typed like everything else.
    assert saved.support is not None and "0800 1111" in saved.support.message
    assert {a.question_id: a.value for a in mine} == {scale.id: 4, free.id: None}  # type: ignore[attr-defined]
    assert isinstance(me, p.ParticipantSettings) and me.known


def test_a_refusal_is_one_error_type_carrying_the_problem_document(app, backend_url):
    c = make_consultation()
    single = c.questions[0]

    async def refused(lang: str) -> ApiProblem:
        async with _client(backend_url) as api:
            with wording.speaking(lang), pytest.raises(ApiProblem) as caught:
                await api.submit(
                    c.slug, "5550002", [p.AnswerIn(question_id=single.id, option_ids=[999999])]
                )
            return caught.value

    english = asyncio.run(refused("en"))
    assert english.status == 422
    assert english.detail == "Nothing was saved because some answers need another look."
    [problem] = english.errors
    assert (problem.pointer, problem.index, problem.question_id) == ("/answers/0", 0, single.id)
    # The client asks in the conversation's language, so the refusal comes back in it.
    polish = asyncio.run(refused("pl"))
    assert polish.detail != english.detail and polish.errors[0].message != problem.message

    services.close_consultation(c, now=now())
    db.session.commit()

    async def closed() -> int:
        async with _client(backend_url) as api:
            try:
                await api.submit(c.slug, "5550002", [p.AnswerIn(question_id=single.id)])
            except ApiProblem as error:
                return error.status
        return 200

    assert asyncio.run(closed()) == 409


def test_a_wrong_token_is_a_401_and_a_missing_back_end_is_backend_down(app, backend_url):
    async def wrong_token() -> int:
        async with ApiClient(backend_url, "not-a-token", channel="telegram") as api:
            try:
                await api.check()
            except ApiProblem as error:
                return error.status
        return 200

    assert asyncio.run(wrong_token()) == 401
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{free.getsockname()[1]}"

    async def unreachable() -> None:
        async with _client(nowhere, timeout=2.0) as api:
            await api.consultations()

    with pytest.raises(BackendDown):
        asyncio.run(unreachable())


def test_a_reply_that_is_not_the_api_is_backend_down():
    def broken(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/consultations"):
            return httpx.Response(200, json={"consultations": [{"slug": 3}]})
        return httpx.Response(502, text="bad gateway")

    async def talk(path: str) -> None:
        async with ApiClient(
            "http://api.invalid", "t", channel="telegram", transport=httpx.MockTransport(broken)
        ) as api:
            await (api.consultations() if path == "list" else api.glossary())

    with pytest.raises(BackendDown, match="unexpected reply"):
        asyncio.run(talk("list"))
    with pytest.raises(BackendDown, match="502"):
        asyncio.run(talk("glossary"))


def test_the_sync_wrapper_leases_and_acknowledges_for_processes_without_a_loop(app, backend_url):
    crowd = closed_consultation(subscribed=2, stopped=0, forgotten=0, silent=0)
    assert notices.notify_results_out(crowd.consultation, now=now(), link="http://x/r") == 2
    db.session.commit()
    api = SyncApiClient(backend_url, CHANNEL_TOKENS["telegram"], channel="telegram")
    try:
        api.check()
        leased = api.lease(limit=10, lease_seconds=30)
        assert len(leased) == 2 and all(isinstance(m, p.LeasedMessage) for m in leased)
        assert all(m.full_text().endswith("http://x/r") for m in leased)
        for message in leased:
            assert api.ack(message, "sent") == "sent"
        assert api.lease(limit=10) == []
    finally:
        api.close()


# The reply model the client reads for each operation the chat channels call.
CLIENT_READS = {
    "listConsultations": p.ConsultationList,
    "getConsultation": p.Consultation,
    "submitAnswers": p.Saved,
    "getParticipantAnswers": p.StoredAnswers,
    "getGlossary": p.Glossary,
    "getParticipantSettings": p.ParticipantSettings,
    "exportParticipant": p.ParticipantExport,
    "updateProfile": p.ParticipantSettings,
    "subscribe": p.ParticipantSettings,
    "unsubscribe": p.ParticipantSettings,
    "forgetParticipant": p.Forgotten,
    "leaseMessages": p.Lease,
    "acknowledgeMessage": p.Acknowledged,
}


def test_the_client_reads_exactly_what_the_served_document_promises(client):
    doc = client.get("/api/v1/openapi.json").json
    schemas = doc["components"]["schemas"]
    operations = {op["operationId"]: op for item in doc["paths"].values() for op in item.values()}
    for operation_id, model in CLIENT_READS.items():
        ok = operations[operation_id]["responses"]["200"]["content"]["application/json"]
        assert ok["schema"] == {"$ref": f"#/components/schemas/{model.__name__}"}, operation_id
        own = model.model_json_schema(
            mode="serialization", ref_template="#/components/schemas/{model}"
        )
        own.pop("$defs", None)
        assert schemas[model.__name__] == own, operation_id
        for problem in ("401", "422", "429"):
            refusal = operations[operation_id]["responses"][problem]["content"]
            assert refusal == {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            }


def test_a_chat_offers_areas_and_topics_as_buttons_and_sets_them(app, backend_url):
    async def talk() -> tuple[object, ...]:
        async with _client(backend_url) as api:
            offered = await api.areas()
            topics = await api.topics()
            profile = await api.profile("5550009", area=offered.areas[0].key)
            with pytest.raises(ApiProblem) as early:
                await api.follow_topics("5550009", [topics[0].key])
            await api.subscribe("5550009", "5550009")
            chosen = await api.follow_topics("5550009", [topics[0].key])
            with pytest.raises(ApiProblem) as unknown:
                await api.follow_topics("5550009", ["parks"])
            stopped = await api.unsubscribe("5550009")
            return offered, topics, profile, early.value, chosen, unknown.value, stopped

    offered, topics, profile, early, chosen, unknown, stopped = asyncio.run(talk())
    assert isinstance(offered, p.AreaList) and offered.prefer_not_to_say == "prefer_not_to_say"
    assert offered.areas[0].name == "ST1"
    assert [t.key for t in topics][:1] == ["tensions"]  # type: ignore[attr-defined]
    assert isinstance(profile, p.ParticipantSettings) and profile.area_name == "ST1"
    assert early.status == 422 and "Turn on messages first" in early.detail  # type: ignore[attr-defined]
    assert chosen.topics == ["tensions"]  # type: ignore[attr-defined]
    assert unknown.status == 422  # type: ignore[attr-defined]
    assert stopped.topics == [] and not stopped.subscribed  # type: ignore[attr-defined]


FSI, PDI = "\u2068", "\u2069"
# What a chat shows for words that name no area and for a topic not on the list, in the
# language the chat is held in. Latin area names inside the Urdu sentence are isolated so
# they keep their own direction and the Arabic commas between them stay where they belong.
REFUSALS = {
    "en": (
        "We don’t know that area. Pick your ward or the first part of your postcode from the "
        "list, like ST1, ST2, Abbey Hulton and Townsend, Baddeley, Milton and Norton, "
        "or “prefer not to say”.",
        "Pick topics from the list: Getting on with each other, Fair chances for everyone, ",
    ),
    "pl": (
        "Nie znamy tej okolicy. Wybierz z listy swój okręg albo pierwszą część kodu "
        "pocztowego, na przykład ST1, ST2, Abbey Hulton and Townsend, Baddeley, Milton and "
        "Norton, albo „wolę nie mówić”.",
        "Wybierz tematy z listy: ",
    ),
    "ur": (
        "ہم اس علاقے کو نہیں جانتے۔ فہرست سے اپنا وارڈ یا اپنے پوسٹ کوڈ کا پہلا حصہ چنیں، "
        f"جیسے {FSI}ST1{PDI}، {FSI}ST2{PDI}، {FSI}Abbey Hulton and Townsend{PDI}، "
        f"{FSI}Baddeley, Milton and Norton{PDI}، یا ”میں نہیں بتانا چاہتا“۔",
        "فہرست سے موضوعات چنیں: ",
    ),
}


@pytest.mark.parametrize("lang", ["en", "pl", "ur"])
def test_refusals_of_an_unknown_area_or_topic_come_in_the_chats_language(app, backend_url, lang):
    from consultations import words

    async def talk() -> tuple[ApiProblem, ApiProblem]:
        async with _client(backend_url) as api:
            with wording.speaking(lang):
                with pytest.raises(ApiProblem) as area:
                    await api.profile("5550010", area="round the back of the shops")
                await api.subscribe("5550010", "5550010")
                with pytest.raises(ApiProblem) as topic:
                    await api.follow_topics("5550010", ["parks"])
            return area.value, topic.value

    area, topic = asyncio.run(talk())
    area_words, topic_start = REFUSALS[lang]
    assert area.status == 422 and area.detail == area_words
    assert topic.status == 422 and topic.detail.startswith(topic_start)
    # Every topic is named, in young people's words in that language.
    for key in ("tensions", "culture"):
        assert words.topic_words(key, key, lang) in topic.detail
    assert "tensions" not in topic.detail
    if lang != "ur":
        assert FSI not in area.detail + topic.detail  # isolation is for right-to-left only
