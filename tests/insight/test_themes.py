"""The theme engine: readable themes, the same every time, new answers placed, bad input."""

from __future__ import annotations

import json
import random

import pytest

from consultations.insight import (
    AnswerText,
    NoThemesReason,
    OtherReason,
    ThemeModel,
    ThemeOptions,
    find_themes,
    place_answers,
)
from consultations.insight.text import guess_language

BUSES = [
    "the buses are always late",
    "buses never turn up on time",
    "cheaper buses please, the bus fare is too much",
    "a night bus so we can get home",
    "more buses on a sunday",
    "the bus to college takes an hour",
    "bus drivers drive past when the bus is full",
    "free bus pass for students",
]
LIGHTS = [
    "more street lights on my road",
    "the street lights are broken by the park",
    "lights in the alley it is so dark",
    "fix the street lights near the shops",
    "its dark at night, we need lights",
    "better lights on the canal path at night",
    "street lights that work after dark",
    "lights on the path home, its pitch dark",
]
CLUBS = [
    "a youth club to go to after school",
    "open the youth club again",
    "youth club on friday nights",
    "a youth club with games and music",
    "bring back our youth club",
    "a youth club near the flats",
    "youth club for girls only",
    "the youth club closed and we miss it",
]
TOPICS = {"buses": BUSES, "lights": LIGHTS, "clubs": CLUBS}


def _answers(texts: dict[str, list[str]] = TOPICS, **kwargs) -> list[AnswerText]:
    return [
        AnswerText(f"{topic}-{i}", text, "en", **kwargs)
        for topic, items in texts.items()
        for i, text in enumerate(items)
    ]


def _members(result) -> list[set[str]]:
    return sorted((set(map(str, t.answer_ids)) for t in result.themes), key=sorted)


def _topic(answer_id: object) -> str:
    return str(answer_id).split("-")[0]


def test_answers_about_three_things_are_themed_by_thing():
    result = find_themes(_answers())
    # Street lights and dark paths may come out as two themes; a theme never mixes things.
    assert 3 <= len(result.themes) <= 4
    for theme in result.themes:
        assert len({_topic(i) for i in theme.answer_ids}) == 1, theme.label
        assert theme.size >= 3
    assert {_topic(t.answer_ids[0]) for t in result.themes} == set(TOPICS)
    assert result.placed_share >= 0.9


def test_a_starter_theme_is_named_for_its_subject_and_shows_the_answers_own_words():
    result = find_themes(_answers())
    by_topic = {_topic(t.answer_ids[0]): t for t in result.themes}
    assert by_topic["buses"].starter == "transport"
    assert by_topic["buses"].label == "Buses, fares and getting around"
    assert by_topic["buses"].id == "s-transport-en"
    assert "bus" in by_topic["buses"].terms
    assert by_topic["clubs"].terms == ("youth club",)
    assert by_topic["lights"].starter == "safety"


def test_answers_about_one_subject_in_different_words_are_one_theme():
    # No word is shared by more than two of these, so words alone cannot join them.
    safety = [
        "more street lights on my road",
        "police patrols at night in the town centre",
        "cctv by the shops cos theres fights",
        "get rid of the gangs hanging round the park",
        "lads carry knives round here its scary",
        "i dont feel safe walking home in winter",
    ]
    answers = [*_answers({"buses": BUSES, "clubs": CLUBS}), *_answers({"safe": safety})]
    result = find_themes(answers)
    (theme,) = [t for t in result.themes if t.starter == "safety"]
    assert {_topic(i) for i in theme.answer_ids} == {"safe"}
    assert theme.size >= 5
    words_only = find_themes(answers, ThemeOptions(starter=False))
    assert not any({_topic(i) for i in t.answer_ids} == {"safe"} for t in words_only.themes)


def test_a_label_is_made_of_the_themes_own_words_when_grouped_by_words():
    result = find_themes(_answers(), ThemeOptions(starter=False))
    labels: dict[str, list[str]] = {}
    for theme in result.themes:
        labels.setdefault(_topic(theme.answer_ids[0]), []).append(theme.label)
    assert all("bus" in label for label in labels["buses"])
    assert all("light" in label for label in labels["lights"])
    assert labels["clubs"] == ["youth club"]
    for theme in result.themes:
        assert 1 <= len(theme.terms) <= 3
        assert len(theme.label) <= 60


def test_labels_keep_the_way_polish_answers_were_typed():
    polish = {
        "bus": [
            "autobusy są za drogie",
            "tańsze autobusy dla uczniów",
            "autobusy się spóźniają",
            "więcej autobusów w nocy",
            "autobusy w niedzielę",
            "nocny autobus z centrum",
        ],
        "klub": [
            "klub młodzieżowy po szkole",
            "otworzyć klub młodzieżowy",
            "klub młodzieżowy w piątek",
            "nowy klub młodzieżowy z grami",
            "klub młodzieżowy dla dziewczyn",
            "klub młodzieżowy blisko domu",
        ],
    }
    answers = [
        AnswerText(f"{k}{i}", t, "pl") for k, items in polish.items() for i, t in enumerate(items)
    ]
    result = find_themes(answers, ThemeOptions(starter=False))
    labels = " | ".join(t.label for t in result.themes)
    assert "klub młodzieżowy" in labels
    assert "autobusy" in labels
    assert all(t.language == "pl" for t in result.themes)
    # Grouped by meaning, a theme is named in its answers' language, terms as typed.
    by_meaning = {t.starter: t for t in find_themes(answers).themes}
    assert by_meaning["transport"].label == "Autobusy, bilety i dojazdy"
    assert by_meaning["places"].label == "Kluby młodzieżowe i miejsca, gdzie można pójść"
    assert "klub młodzieżowy" in by_meaning["places"].terms


def test_urdu_answers_in_either_script_get_an_urdu_named_theme():
    urdu = [
        "بس ہمیشہ دیر سے آتی ہے",
        "بس کا کرایہ کم کریں",
        "رات کو بسیں دیر تک چلیں",
        "bus time pe nahi aati",
        "bus ka kiraya bohat zyada hai",
        "raat ko bus nahi chalti",
        "sunday ko bus nahi hoti",
        "بس اسٹاپ پر بہت انتظار کرنا پڑتا ہے",
        "college ke liye bus chahiye",
        "bus pass muft hona chahiye students ke liye",
    ]
    result = find_themes([AnswerText(f"u{i}", t, "ur") for i, t in enumerate(urdu)])
    transport = next(t for t in result.themes if t.starter == "transport")
    assert transport.label == "بسیں، کرایہ اور آنا جانا"
    assert transport.size >= 8


def test_the_most_central_answers_stand_for_a_theme_and_only_quotable_ones():
    answers = _answers()
    hidden = {"buses-0", "buses-1", "lights-2"}
    answers = [AnswerText(a.id, a.text, a.language, quotable=a.id not in hidden) for a in answers]
    result = find_themes(answers)
    for theme in result.themes:
        assert 2 <= len(theme.representative_ids) <= 3
        assert set(theme.representative_ids) <= set(theme.answer_ids)
        assert not set(theme.representative_ids) & hidden
        confidence = {p.answer_id: p.confidence for p in result.placements}
        picked = [confidence[i] for i in theme.representative_ids]
        rest = [confidence[i] for i in theme.answer_ids if i not in theme.representative_ids]
        shown = [c for i, c in confidence.items() if i in theme.answer_ids and i not in hidden]
        assert min(picked) >= sorted(shown, reverse=True)[len(picked) - 1] - 1e-9
        assert rest  # a theme is more than the answers that stand for it


def test_same_answers_same_themes_ids_and_placements_whatever_their_order():
    answers = _answers()
    first = find_themes(answers)
    again = find_themes(answers)
    shuffled = answers[:]
    random.Random(7).shuffle(shuffled)
    third = find_themes(shuffled)
    assert [(t.id, t.label, t.answer_ids) for t in first.themes] == [
        (t.id, t.label, t.answer_ids) for t in again.themes
    ]
    assert [(t.id, t.label, t.answer_ids) for t in first.themes] == [
        (t.id, t.label, t.answer_ids) for t in third.themes
    ]
    assert first.by_answer == third.by_answer
    assert json.dumps(first.model.to_json()) == json.dumps(third.model.to_json())


def test_placements_come_back_in_the_order_given_with_a_confidence():
    answers = _answers()
    result = find_themes(answers)
    assert [p.answer_id for p in result.placements] == [a.id for a in answers]
    theme_ids = {t.id for t in result.themes}
    for placement in result.placements:
        assert 0.0 <= placement.confidence <= 1.0
        if placement.theme_id is None:
            assert placement.reason is OtherReason.NO_FIT
        else:
            assert placement.theme_id in theme_ids and placement.reason is None


def test_an_answer_about_nothing_in_common_stays_in_other():
    answers = [*_answers(), AnswerText("odd", "my cat likes pancakes", "en")]
    result = find_themes(answers)
    assert result.by_answer["odd"].theme_id is None
    assert "odd" in result.other_ids
    assert result.by_answer["odd"].reason in (OtherReason.NO_FIT, OtherReason.NO_WORDS)


# --- placing new answers ----------------------------------------------------------------


def test_new_answers_join_the_theme_they_fit_or_stay_in_other():
    result = find_themes(_answers())
    theme_of: dict[str, set[str]] = {}
    for theme in result.themes:
        theme_of.setdefault(_topic(theme.answer_ids[0]), set()).add(theme.id)
    new = [
        AnswerText("n1", "the night bus never comes", "en"),
        AnswerText("n2", "please fix the broken street lights", "en"),
        AnswerText("n3", "a youth club in my area", "en"),
        AnswerText("n4", "pancakes are nice", "en"),
    ]
    placed = place_answers(new, result.model)
    assert [p.answer_id for p in placed] == ["n1", "n2", "n3", "n4"]
    assert placed[0].theme_id in theme_of["buses"]
    assert placed[1].theme_id in theme_of["lights"]
    assert placed[2].theme_id in theme_of["clubs"]
    assert placed[3].theme_id is None and placed[3].reason is OtherReason.NO_FIT


def test_the_model_survives_json_and_places_the_same():
    result = find_themes(_answers())
    stored = json.loads(json.dumps(result.model.to_json()))
    model = ThemeModel.from_json(stored)
    new = [AnswerText(f"n{i}", text, "en") for i, text in enumerate(BUSES + LIGHTS + ["hello"])]
    assert place_answers(new, model) == place_answers(new, result.model)


def test_placing_the_grouped_answers_again_puts_each_where_it_was():
    answers = _answers()
    result = find_themes(answers)
    again = {p.answer_id: p.theme_id for p in place_answers(answers, result.model)}
    assert again == {p.answer_id: p.theme_id for p in result.placements}


def test_a_discarded_theme_takes_no_new_answers():
    result = find_themes(_answers())
    buses = next(t for t in result.themes if "bus" in t.terms)
    model = result.model.without({buses.id})
    placed = place_answers([AnswerText("n", "the buses are always late", "en")], model)
    assert placed[0].theme_id != buses.id
    assert (
        place_answers([AnswerText("n", "the buses are always late", "en")], result.model)[
            0
        ].theme_id
        == buses.id
    )


def test_new_answers_in_a_language_without_themes_say_so():
    result = find_themes(_answers())
    placed = place_answers([AnswerText("u", "بس ہمیشہ دیر سے آتی ہے", None)], result.model)
    assert placed[0].theme_id is None and placed[0].reason is OtherReason.NO_THEMES


def test_a_model_of_another_version_is_refused():
    data = find_themes(_answers()).model.to_json()
    data["version"] = 99
    with pytest.raises(ValueError, match="version"):
        ThemeModel.from_json(data)


# --- languages --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hint", "language"),
    [
        ("گلیوں میں روشنی ہونی چاہیے", "en", "ur"),
        ("raat ko bohat andhera hota hai", None, "ur"),
        ("buses nahi aati time pe", "ur", "ur"),
        ("autobusy sa za drogie", None, "en"),
        ("nie ma gdzie iść wieczorem", None, "pl"),
        ("zeby policja chodzila po osiedlu", "pl", "pl"),
        ("more buses please", None, "en"),
        ("больше автобусов", "en", "und"),
        ("更多的公共汽车", None, "und"),
    ],
)
def test_each_answer_is_grouped_with_its_language(text: str, hint: str | None, language: str):
    assert guess_language(text, hint) == language


def test_each_language_gets_its_own_themes():
    urdu = [
        "bus time pe nahi aati",
        "bus bohat mehngi hai",
        "raat ko bus nahi chalti",
        "bus ka kiraya kam karo",
        "bus der se aati hai",
        "sunday ko bus nahi hoti",
    ]
    answers = [*_answers(), *(AnswerText(f"ur{i}", t, "ur") for i, t in enumerate(urdu))]
    result = find_themes(answers, ThemeOptions(min_answers=5))
    by_language = {t.language for t in result.themes}
    assert by_language == {"en", "ur"}
    for theme in result.themes:
        languages = {"ur" if str(i).startswith("ur") else "en" for i in theme.answer_ids}
        assert languages == {theme.language}


# --- bad input --------------------------------------------------------------------------


def test_no_answers_no_themes_and_says_why():
    result = find_themes([])
    assert result.themes == () and result.placements == ()
    assert result.why_no_themes is NoThemesReason.NO_ANSWERS
    assert place_answers([], result.model) == ()


def test_fewer_answers_than_the_threshold_no_themes_and_says_why():
    answers = _answers()[:6]
    result = find_themes(answers)
    assert result.themes == ()
    assert result.why_no_themes is NoThemesReason.TOO_FEW
    (note,) = result.notes
    assert (note.language, note.answers, note.needed) == ("en", 6, 10)
    assert all(p.reason is OtherReason.TOO_FEW for p in result.placements)
    assert len(result.placements) == 6


def test_a_language_with_too_few_answers_is_noted_and_the_rest_still_grouped():
    answers = [*_answers(), AnswerText("pl1", "autobusy są za drogie", "pl")]
    result = find_themes(answers)
    assert len(result.themes) == len(find_themes(_answers()).themes)
    assert [(n.language, n.reason) for n in result.notes] == [("pl", NoThemesReason.TOO_FEW)]
    assert result.by_answer["pl1"].reason is OtherReason.TOO_FEW


def test_one_huge_answer_is_read_in_part_and_placed():
    huge = "the buses are late and " * 50_000  # over a megabyte
    answers = [*_answers(), AnswerText("huge", huge, "en")]
    result = find_themes(answers)
    placement = result.by_answer["huge"]
    buses = {t.id for t in result.themes if t.starter == "transport"}
    assert placement.theme_id in buses


@pytest.mark.parametrize(
    "text",
    ["", "   ", "😂😂😂", "🤷‍♀️", "12345", "!!!???", "\u200b\u200b", "lol idk", "\x00\x01"],
)
def test_answers_with_nothing_to_read_are_other_without_words(text: str):
    result = find_themes([*_answers(), AnswerText("x", text, "en")])
    assert result.by_answer["x"].theme_id is None
    assert result.by_answer["x"].reason is OtherReason.NO_WORDS
    assert [t.answer_ids for t in result.themes] == [
        t.answer_ids for t in find_themes(_answers()).themes
    ]


def test_answers_in_an_unexpected_script_do_not_break_the_rest():
    strange = [
        "больше автобусов",
        "更多的公共汽车",
        "περισσότερα λεωφορεία",
        "더 많은 버스",
        "אוטובוסים",
    ]
    answers = [*_answers(), *(AnswerText(f"s{i}", t, "en") for i, t in enumerate(strange))]
    result = find_themes(answers)
    assert [t.answer_ids for t in result.themes] == [
        t.answer_ids for t in find_themes(_answers()).themes
    ]
    for i in range(len(strange)):
        placement = result.by_answer[f"s{i}"]
        assert placement.theme_id is None
        assert placement.reason is OtherReason.TOO_FEW
    assert [n.language for n in result.notes] == ["und"]


def test_ten_answers_in_an_unexpected_script_are_grouped_among_themselves():
    cyrillic = [
        *(f"{word} автобусов" for word in ("больше", "дешевле", "ночных", "новых", "быстрых")),
        *(f"{word} фонарей" for word in ("больше", "ярких", "новых", "светлых", "целых")),
    ]
    answers = [AnswerText(f"c{i}", t, None) for i, t in enumerate(cyrillic)]
    result = find_themes(answers)
    assert all(t.language == "und" for t in result.themes)
    assert sum(t.size for t in result.themes) + len(result.other_ids) == len(cyrillic)


def test_duplicate_answer_ids_are_refused():
    with pytest.raises(ValueError, match="unique"):
        find_themes([AnswerText(1, "buses"), AnswerText(1, "lights")])


def test_identical_answers_make_one_theme_not_a_crash():
    answers = [AnswerText(i, "more buses", "en") for i in range(12)]
    result = find_themes(answers)
    assert len(result.themes) == 1
    assert result.themes[0].size == 12
    assert len(result.themes[0].representative_ids) == 1  # one wording, shown once


def test_two_groupings_at_once_share_the_model_and_agree():
    from concurrent.futures import ThreadPoolExecutor

    answers = _answers()
    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(find_themes, [answers, list(reversed(answers))])
    assert [(t.id, t.answer_ids) for t in first.themes] == [
        (t.id, t.answer_ids) for t in second.themes
    ]


def test_every_starter_theme_is_named_in_every_language_of_the_platform():
    from consultations.insight.starter import NOT_A_THEME, starter_themes

    starter = starter_themes()
    keys = [k for k in starter.keys if k != NOT_A_THEME]
    assert len(keys) >= 10
    for language in ("en", "pl", "ur"):
        names = [starter.labels[k][language] for k in keys]
        assert all(names) and len(set(names)) == len(names)
    assert starter.label("transport", "und") == "Buses, fares and getting around"


def test_everyday_chatter_is_in_no_starter_theme():
    from consultations.insight.sentences import sentence_vectors
    from consultations.insight.starter import starter_themes

    chatter = [
        "my little brother broke the telly",
        "wczoraj jadłem pizzę z kolegami",
        "kal raat maine movie dekhi",
        "میں نے آج نیا گانا سنا",
    ]
    keys, _ = starter_themes().best(sentence_vectors(chatter, 2000))
    assert keys == [None, None, None, None]
    placed = place_answers([AnswerText("c", chatter[0], "en")], find_themes(_answers()).model)
    assert placed[0].theme_id is None and placed[0].reason is OtherReason.NO_FIT


def test_the_shipped_starter_themes_were_fitted_on_the_training_part_as_it_is():
    # Editing the corpus or the chatter without running consultations.insight.train would
    # ship weights fitted on other answers.
    from pathlib import Path

    from consultations.insight import train

    shipped = json.loads(Path(train.TARGET).read_text("utf-8"))
    assert shipped["trained_on"] == (
        f"tests/data/themes, training part ({len(train.training_rows())} answers)"
    )
    assert shipped["threshold"] == train.THRESHOLD
    assert {t["key"] for t in shipped["themes"]} == {*train.LABELS, "none"}
    assert all(len(t["weights"]) == len(shipped["centre"]) == 384 for t in shipped["themes"])
