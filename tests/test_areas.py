"""Areas from the council's list and topics to follow, through the service, the channel API,
results, a participant's copy of their data and erasure."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consultations import areas, results, services
from consultations.db import db
from consultations.errors import InvalidAnswer, InvalidEdit
from consultations.models import FollowedTopic, Participant
from feedback import subscriptions
from tests.helpers import make_consultation, now

KEY = b"test-pseudonym-key"
PROBLEM = "application/problem+json"
ME = {"channel": "telegram", "id": "4242"}


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("ST6", "st6"),
        (" st6 ", "st6"),
        ("Burslem", "st6"),
        ("hanley", "st1"),
        ("ST4 7QB", "st4"),
        ("st47qb", "st4"),
        ("s t 3", "st3"),
        ("Meir north", "meir-north"),
        ("joiner’s square", "joiner-s-square"),
        ("Tunstall", "tunstall"),  # the ward keeps its own name
        ("prefer not to say", "prefer_not_to_say"),
        ("prefer_not_to_say", "prefer_not_to_say"),
        ("Narnia", None),
        ("ST99", None),
    ],
)
def test_typed_words_resolve_to_one_list_entry(app, typed, key):
    assert areas.resolve(typed) == key


def test_unknown_area_is_refused_in_one_sentence_naming_a_few_to_pick(app):
    person = services.participant_for("telegram", "1", key=KEY)
    services.update_profile(person, age_band=None, area="st1")
    with pytest.raises(InvalidAnswer) as refused:
        services.update_profile(person, age_band=None, area="round the back of the shops")
    assert refused.value.detail == (
        "We don’t know that area. Pick your ward or the first part of your postcode from the "
        "list, like ST1, ST2, Abbey Hulton and Townsend, Baddeley, Milton and Norton, "
        "or “prefer not to say”."
    )
    assert person.area == "st1"  # nothing was lost


def test_staff_add_rename_and_retire_and_one_name_means_one_place(app):
    added = areas.add_area("ST7", "postcode_district", aliases=["Kidsgrove"])
    assert areas.resolve("kidsgrove") == added.key == "st7"
    with pytest.raises(InvalidEdit, match="“Hanley” already means ST1"):
        areas.add_area("Hanley Town", "ward", aliases=["Hanley"])
    with pytest.raises(InvalidEdit, match="already an area called"):
        areas.add_area("st7", "postcode_district")
    with pytest.raises(InvalidEdit, match="ward or a postcode district"):
        areas.add_area("Somewhere", "county")

    person = services.participant_for("telegram", "1", key=KEY)
    services.update_profile(person, age_band=None, area="Meir Park")
    areas.rename_area("meir-park", "Meir Park and Sandon")
    assert areas.names()[person.area] == "Meir Park and Sandon"
    assert areas.resolve("meir park and sandon") == "meir-park"

    areas.retire_area("meir-park")
    assert "Meir Park and Sandon" not in [c.name for c in areas.choices()]
    db.session.expire_all()
    assert person.area == "meir-park"  # people who chose it keep it
    with pytest.raises(InvalidEdit):
        areas.retire_area("prefer_not_to_say")


def test_results_count_st6_burslem_and_st6_typed_any_way_as_one_group(app):
    consultation = make_consultation()
    single = consultation.questions[0]
    typed_ways = ["ST6", "st6", "Burslem", " burslem ", "ST6 3AB"]
    typed_ways += ["hanley", "ST1", "Hanley ", "Shelton", "st1 2ab"]
    for n, typed in enumerate(typed_ways):
        person = services.participant_for("telegram", f"p{n}", key=KEY)
        services.update_profile(person, age_band=None, area=typed)
        services.submit_answers(
            consultation,
            person,
            [services.AnswerInput(single.id, option_ids=[single.options[0].id])],
            channel="telegram",
            now=now(),
        )
    db.session.commit()
    split = results.breakdown(single, "area", threshold=5)
    assert [(g.name, g.people) for g in split.groups] == [("ST1", 5), ("ST6", 5)]
    assert split.hidden_groups is None or split.hidden_groups == 0


def test_the_api_lists_areas_and_topics_for_buttons_without_a_token(client):
    listed = client.get("/api/v1/areas")
    assert listed.status_code == 200 and "public" in listed.headers["Cache-Control"]
    body = listed.get_json()
    assert body["prefer_not_to_say"] == "prefer_not_to_say"
    assert body["areas"][0] == {"key": "st1", "name": "ST1", "kind": "postcode_district"}
    assert {"key": "meir-north", "name": "Meir North", "kind": "ward"} in body["areas"]
    assert all(a["key"] != "prefer_not_to_say" for a in body["areas"])
    topics = client.get("/api/v1/topics").get_json()["topics"]
    assert [t["key"] for t in topics][:2] == ["tensions", "disadvantage"]
    doc = client.get("/api/v1/openapi.json").get_json()
    for path, op in [
        ("/areas", "listAreas"),
        ("/topics", "listTopics"),
        ("/participants/topics", "followTopics"),
    ]:
        item = doc["paths"][path]
        assert op in {o["operationId"] for o in item.values()}


def test_a_chat_channel_sets_the_area_and_topics_and_stop_deletes_the_topics(api):
    refused = api.post("/participants/profile", json={"participant": ME, "area": "Narnia"})
    assert refused.status_code == 422 and refused.content_type.startswith(PROBLEM)
    assert "Pick your ward or the first part of your postcode" in refused.get_json()["detail"]

    saved = api.post("/participants/profile", json={"participant": ME, "area": "burslem"})
    assert saved.status_code == 200
    assert saved.get_json()["area"] == "st6" and saved.get_json()["area_name"] == "ST6"

    # Topics are for messages: none before opting in.
    early = api.post("/participants/topics", json={"participant": ME, "topics": ["culture"]})
    assert early.status_code == 422 and "Turn on messages first" in early.get_json()["detail"]
    assert (
        api.post("/subscriptions", json={"participant": ME, "address": "4242"}).status_code == 200
    )
    unknown = api.post("/participants/topics", json={"participant": ME, "topics": ["parks"]})
    assert unknown.status_code == 422
    assert unknown.get_json()["detail"].startswith(
        "Pick topics from the list: Getting on with each other, "
    )
    chosen = api.post(
        "/participants/topics", json={"participant": ME, "topics": ["culture", "tensions"]}
    )
    assert chosen.status_code == 200 and chosen.get_json()["topics"] == ["tensions", "culture"]
    me = api.get("/participants/me", query_string=ME).get_json()
    assert me["topics"] == ["tensions", "culture"] and me["subscribed"] is True

    stopped = api.post("/subscriptions/stop", json={"participant": ME})
    assert stopped.get_json()["topics"] == [] and stopped.get_json()["subscribed"] is False
    assert db.session.scalar(select(func.count()).select_from(FollowedTopic)) == 0
    # The area stays: it is how their answers are counted.
    assert stopped.get_json()["area"] == "st6"


def test_the_copy_of_their_data_names_area_and_topics_and_erasure_takes_them(api, app):
    person = services.participant_for("telegram", ME["id"], key=app.config["PSEUDONYM_KEY"])
    services.update_profile(person, age_band="14-15", area="hanley")
    subscriptions.subscribe(person, address="4242", now=now())
    subscriptions.follow_topics(person, ["engagement", "tensions"])
    db.session.commit()
    copy = api.get("/participants/export", query_string=ME).get_json()
    assert copy["profile"]["area"] == "ST1"
    assert copy["profile"]["topics"] == ["Tackling tensions", "Engagement"]

    assert api.post("/participants/forget", json={"participant": ME}).get_json()["forgotten"]
    assert db.session.scalar(select(func.count()).select_from(FollowedTopic)) == 0
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0
