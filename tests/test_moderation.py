"""Free-text moderation: personal data, swearing, abuse, safeguarding and tension signals."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from consultations.moderation import (
    SAFEGUARDING_KINDS,
    TENSION_KINDS,
    RuleFileError,
    Verdict,
    default_rules,
    load_rules,
    moderate,
)

CORPUS = Path(__file__).with_name("moderation_corpus.jsonl")
TOKEN = re.compile(r"\[(?:phone|email|postcode|address|name|handle)\]")


def _corpus() -> list[dict]:
    return [json.loads(line) for line in CORPUS.read_text("utf-8").splitlines() if line.strip()]


# --- personal data ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "item"),
    [
        ("text me on 07123 456789 after school", "phone", "07123 456789"),
        ("ring 07123-456-789", "phone", "07123-456-789"),
        ("call 07123.456.789", "phone", "07123.456.789"),
        ("my number is +44 7123 456789", "phone", "+44 7123 456789"),
        ("landline: 01782 654321", "phone", "01782 654321"),
        ("or (01782) 654321 in the evening", "phone", "(01782) 654321"),
        ("email dan.w@outlook.com", "email", "dan.w@outlook.com"),
        ("I live at 27 Greenfield Avenue", "address", "27 Greenfield Avenue"),
        ("we live on Meadow Crescent near the shop", "address", "Meadow Crescent"),
        ("postcode ST1 3DW", "postcode", "ST1 3DW"),
        ("my teacher Mr Hughes is great", "name", "Hughes"),
        ("Mrs o'neill let us out early", "name", "o'neill"),
        ("my name is Priya", "name", "Priya"),
        ("im called dylan btw", "name", "dylan"),
        ("Aisha from Trentham Academy said it first", "name", "Aisha"),
        ("hit me up @dan_w", "handle", "@dan_w"),
        ("insta: dan.w.07", "handle", "dan.w.07"),
        ("add me on snap danw2010", "handle", "danw2010"),
    ],
)
def test_personal_data_is_redacted(text: str, kind: str, item: str):
    verdict = moderate(text)
    assert kind in verdict.personal_data
    assert item not in verdict.redacted
    assert f"[{kind}]" in verdict.redacted


def test_a_postcode_district_alone_is_kept():
    verdict = moderate("I live in ST4 but my gran is in ST4 7QB")
    assert verdict.redacted == "I live in ST4 but my gran is in [postcode]"
    assert moderate("ST4 and ST6 need better buses").personal_data == ()


@pytest.mark.parametrize(
    "text",
    [
        "Childline is 0800 1111",
        "I got 3 A*s and a 9",
        "it takes 20 mins down the road",
        "16 year olds drive too fast round here",
        "I miss my friends from primary",
        "my snap is broken",
        "meet at the park at 2pm",
    ],
)
def test_ordinary_text_is_not_taken_for_personal_data(text: str):
    verdict = moderate(text)
    assert verdict.personal_data == ()
    assert verdict.redacted == text


def test_redaction_removes_every_personal_item_in_the_corpus_and_keeps_the_rest():
    rows = [r for r in _corpus() if r["personal_items"]]
    assert len(rows) >= 25
    for row in rows:
        verdict = moderate(row["text"])
        for item in row["personal_items"]:
            assert item not in verdict.redacted, row["text"]
        assert TOKEN.search(verdict.redacted), row["text"]
        # Every word outside the personal data survives, so the point still reads.
        rest = row["text"]
        for item in row["personal_items"]:
            rest = rest.replace(item, " ")
        if not (verdict.profanity or verdict.abusive):
            for word in re.findall(r"[\w']+", rest):
                assert word in verdict.redacted, (word, row["text"])


# --- profanity ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("the buses are fucking useless", "the buses are f****** useless"),
        ("f*ck this", "f*** this"),
        ("fuk sake", "f** sake"),
        ("its sh1t", "its s***"),
        ("what a load of $hite", "what a load of $****"),
        ("FUUUCK", "F*****"),
    ],
)
def test_profanity_is_masked_through_disguises(text: str, masked: str):
    verdict = moderate(text)
    assert verdict.profanity
    assert verdict.redacted == masked
    assert verdict.status == "ok"  # swearing alone does not hold an answer


@pytest.mark.parametrize(
    "word",
    [
        "Scunthorpe",
        "assess",
        "class",
        "cocktail",
        "Penistone",
        "shiitake",
        "grape",
        "Arsenal",
        "Dickens",
        "pizza",
        "classic",
        "Sussex",
        "A*s",
        "therapist",
        "Hancock",
        "Niger",
    ],
)
def test_words_that_contain_a_swear_word_are_left_alone(word: str):
    verdict = moderate(f"we talked about {word} in class")
    assert verdict.redacted == f"we talked about {word} in class"
    assert not verdict.profanity
    assert not verdict.abusive


# --- abuse and hate -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "ill batter you after school",
        "kys",
        "you should kill yourself",
        "refugees are vermin",
        "all muslims should be deported",
    ],
)
def test_threats_and_hate_are_held(text: str):
    verdict = moderate(text)
    assert verdict.abusive
    assert verdict.held
    assert verdict.status == "held"


def test_a_knife_threat_is_held_and_goes_to_the_safeguarding_lead():
    # Whoever writes it, someone may be in danger: held from every page, and urgent.
    verdict = moderate("i'm gonna stab u")
    assert verdict.abusive
    assert verdict.held
    assert verdict.status == "urgent"
    assert verdict.safeguarding


def test_slurs_are_held_and_masked():
    verdict = moderate("he called him a p4ki")
    assert verdict.abusive
    assert "p4ki" not in verdict.redacted


# --- safeguarding -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("i want to die", "self_harm"),
        ("i think about killing myself", "self_harm"),
        ("kms", "self_harm"),
        ("thinking about unaliving", "self_harm"),
        ("been cutting myself", "self_harm"),
        ("i dont want to be here anymore", "self_harm"),
        ("they'd all be better off without me", "self_harm"),
        ("my friend said she wants to die", "self_harm"),
        ("he hits me", "abuse"),
        ("my stepdad touches me", "abuse"),
        ("I'm scared to go home", "abuse"),
        ("they hurt me", "abuse"),
        ("older boys give me money to carry stuff", "exploitation"),
        ("my cousin is involved in county lines", "exploitation"),
        ("sending pics for money", "exploitation"),
        ("he said I'm his girlfriend and he's 25", "exploitation"),
        ("someone is following me", "danger"),
        ("I'm not safe at home", "danger"),
        ("im going to get jumped", "danger"),
        ("he has a knife", "danger"),
    ],
)
def test_safeguarding_disclosures_are_urgent(text: str, kind: str):
    verdict = moderate(text)
    assert kind in verdict.safeguarding
    assert verdict.needs_urgent_review
    assert verdict.held
    assert verdict.status == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "this homework is killing me",
        "I'd die for a cheeseburger",
        "dead funny",
        "that gig was sick",
        "I'm dying of laughter",
        "my phone died",
        "you're killing it",
        "cut the grass",
        "the bus cut through",
        "I could kill for a pizza",
        "drop dead gorgeous",
    ],
)
def test_false_friends_are_not_safeguarding(text: str):
    verdict = moderate(text)
    assert verdict.safeguarding == ()
    assert not verdict.held
    assert verdict.status == "ok"


# --- tension ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("the somali lads and the polish lads keep fighting", "hostility_between_groups"),
        ("someone told my sister to go back to her country", "hate_incident"),
        ("there was graffiti on the mosque", "hate_incident"),
        ("people like them are ruining the town", "hostility_between_groups"),
        ("i'm scared to walk through the park", "fear_in_area"),
        ("gangs in the park most nights", "fear_in_area"),
    ],
)
def test_tension_signals_are_tagged(text: str, signal: str):
    assert signal in moderate(text).tension


# --- the verdict --------------------------------------------------------------------


def test_reasons_explain_without_quoting_the_answer():
    text = "my stepdad hits me, text me on 07123 456789, this place is shit"
    verdict = moderate(text)
    assert verdict.status == "urgent"
    assert verdict.reasons
    joined = " ".join(verdict.reasons)
    for word in ("stepdad", "07123", "shit"):
        assert word not in joined
    assert verdict.as_dict()["status"] == "urgent"


def test_a_clean_answer_passes_untouched():
    text = "We need a youth club that's open on Sundays 🙏"
    assert moderate(text) == Verdict(redacted=text)
    assert moderate(text).reasons == ()


# --- rules as data ------------------------------------------------------------------


def test_officers_can_extend_the_rules_from_a_folder(tmp_path: Path):
    (tmp_path / "safeguarding.self_harm.txt").write_text(
        "# our own phrases\n(want|going) to vanish for good\n", "utf-8"
    )
    (tmp_path / "profanity.txt").write_text("frick | ing\n", "utf-8")
    (tmp_path / "personal_data.student_id.txt").write_text(
        "# student numbers\nneeds: id\nsid\\d{6}\n", "utf-8"
    )
    (tmp_path / "definitions.txt").write_text("place = the rec ground\n", "utf-8")
    rules = load_rules(tmp_path)
    verdict = moderate("i want to vanish for good, fricking hell, my id is sid123456", rules=rules)
    assert verdict.safeguarding == ("self_harm",)
    assert verdict.profanity
    assert verdict.personal_data == ("student_id",)
    assert verdict.redacted == "i want to vanish for good, f******* hell, my id is [student_id]"
    assert "fear_in_area" in moderate("scared to go near the rec ground", rules=rules).tension
    # The shipped rules are still there, and untouched by the extension.
    assert moderate("kms", rules=rules).safeguarding == ("self_harm",)
    assert moderate("i want to vanish for good").safeguarding == ()
    assert load_rules() is default_rules()


def test_a_broken_rule_file_names_the_file_and_line(tmp_path: Path):
    (tmp_path / "safeguarding.danger.txt").write_text("# fine\n(unclosed group\n", "utf-8")
    with pytest.raises(RuleFileError, match=r"safeguarding\.danger\.txt:2"):
        load_rules(tmp_path)
    (tmp_path / "safeguarding.danger.txt").unlink()
    (tmp_path / "safeguarding.bullying.txt").write_text("picked on\n", "utf-8")
    with pytest.raises(RuleFileError, match="self_harm, abuse, exploitation, danger"):
        load_rules(tmp_path)


def test_every_shipped_pattern_names_the_words_it_needs():
    # A pattern without anchor words is tried on every answer, which costs time on every
    # channel; keep the shipped ones anchored.
    rules = default_rules()
    assert rules.detection.always == ()
    assert rules.exceptions.always == ()


# --- the corpus ---------------------------------------------------------------------


@dataclass
class Tally:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0

    def add(self, expected: bool, found: bool) -> None:
        self.true_positive += expected and found
        self.false_positive += found and not expected
        self.false_negative += expected and not found

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positive + self.false_negative
        return self.true_positive / expected if expected else 1.0

    def line(self, name: str) -> str:
        return (
            f"{name:<34} precision {self.precision:.3f}  recall {self.recall:.3f}  "
            f"(tp {self.true_positive}, fp {self.false_positive}, fn {self.false_negative})"
        )


@dataclass
class Scores:
    tallies: dict[str, Tally] = field(default_factory=dict)

    def add(self, name: str, expected: bool, found: bool) -> None:
        self.tallies.setdefault(name, Tally()).add(expected, found)


def _score(rows: list[dict]) -> Scores:
    scores = Scores()
    for row in rows:
        labels, verdict = row["labels"], moderate(row["text"])
        scores.add("safeguarding (any)", bool(labels["safeguarding"]), bool(verdict.safeguarding))
        for kind in SAFEGUARDING_KINDS:
            scores.add(kind, kind in labels["safeguarding"], kind in verdict.safeguarding)
        for kind in TENSION_KINDS:
            scores.add(f"tension:{kind}", kind in labels["tension"], kind in verdict.tension)
        scores.add("abusive", labels["abusive"], verdict.abusive)
        scores.add("profanity", labels["profanity"], verdict.profanity)
        for kind in {*labels["personal_data"], *verdict.personal_data}:
            scores.add(
                "personal data", kind in labels["personal_data"], kind in verdict.personal_data
            )
    return scores


def test_the_corpus_is_big_and_varied_enough():
    rows = _corpus()
    assert len(rows) >= 250
    assert sum(bool(r["labels"]["safeguarding"]) for r in rows) >= 60
    for kind in SAFEGUARDING_KINDS:
        assert sum(kind in r["labels"]["safeguarding"] for r in rows) >= 15, kind
    assert sum(r.get("hard_negative", False) for r in rows) >= 60
    assert all(not r["labels"]["safeguarding"] for r in rows if r.get("hard_negative"))


def held_out_rows(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r["split"] == "held_out"]


def test_safeguarding_precision_and_recall_on_the_corpus(report_lines: list[str]):
    rows = _corpus()
    everything, held_out = _score(rows), _score(held_out_rows(rows))
    report_lines.append(f"moderation, whole corpus ({len(rows)} answers)")
    report_lines += ["  " + t.line(name) for name, t in everything.tallies.items()]
    report_lines.append(
        f"moderation, held out: never used to tune the rules ({len(held_out_rows(rows))} answers)"
    )
    report_lines += ["  " + t.line(name) for name, t in held_out.tallies.items()]

    overall = everything.tallies["safeguarding (any)"]
    assert overall.recall >= 0.95
    assert overall.precision >= 0.85
    for kind in SAFEGUARDING_KINDS:
        assert everything.tallies[kind].recall >= 0.9, kind
    # The held-out share is small; a looser floor still catches a rule that stops working.
    assert held_out.tallies["safeguarding (any)"].recall >= 0.85
