"""Reading age, long sentences and jargon: what officers rely on when rewriting for young people."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from consultations import readability
from consultations.demo_content import DEMO_CONSULTATIONS
from consultations.glossary import default_terms, find_terms

# A copy of Stoke-on-Trent's strategy "Sticking Together", the source of the demo texts.
SEED = Path(__file__).resolve().parent / "data" / "sticking-together.txt"


def _seed_paragraphs() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    # Real prose paragraphs of the strategy, not headings, bullets or page furniture.
    return [p for p in paragraphs if len(p.split()) >= 40 and not p.startswith("•")]


def test_the_seed_documents_prose_is_above_the_target():
    paragraphs = _seed_paragraphs()
    assert len(paragraphs) >= 10
    ages = [readability.reading_age(p) for p in paragraphs]
    above = [a for a in ages if a > readability.DEFAULT_TARGET_AGE]
    # The officers' original is hard going: nearly every paragraph fails a 12-year-old.
    assert len(above) / len(ages) >= 0.9, sorted(ages)


@pytest.mark.parametrize("spec", DEMO_CONSULTATIONS, ids=lambda s: s["slug"])
def test_each_demo_rewrite_passes_and_its_original_does_not(spec):
    youth = "\n\n".join([spec["youth_summary"], *(q["prompt"] for q in spec["questions"])])
    score = readability.analyse(youth)
    assert score.passes, (score.reading_age, [s.text for s in score.hard_sentences])
    assert not score.long_sentences
    assert readability.reading_age(spec["original_text"]) > readability.DEFAULT_TARGET_AGE


def test_long_sentences_hard_sentences_and_words_to_avoid_are_named():
    text = (
        "We will utilise a range of measures in order to facilitate the participation of "
        "young people across every neighbourhood of the city in all of our decisions. "
        "Come and talk to us."
    )
    score = readability.analyse(text, glossary=list(default_terms()))
    assert [s.words for s in score.long_sentences] == [27]
    assert score.hard_sentences[0].text.startswith("We will utilise")
    assert score.words_to_avoid == {
        "utilise": "use",
        "facilitate": "help",
        "in order to": "to",
        "participation": "taking part",
    }
    assert "Come and talk to us." not in [s.text for s in score.hard_sentences]


# The contact block at the end of the strategy is an address and phone numbers, not prose.
_PHONE = re.compile(r"\b01782 \d{6}\b")


def test_every_hard_paragraph_of_the_seed_document_gets_a_plainer_word():
    hard = [
        p
        for p in _seed_paragraphs()
        if readability.reading_age(p) > readability.DEFAULT_TARGET_AGE and not _PHONE.search(p)
    ]
    assert len(hard) >= 50
    nothing_found = [p[:80] for p in hard if not readability.analyse(p).words_to_avoid]
    assert nothing_found == []


def test_council_words_are_found_in_the_forms_they_are_written_in():
    text = (
        "Cohesion is integral to mainstream services. Regeneration is stimulating "
        "involvement, and we are concentrating resources on tackling the priorities "
        "we identified, ensuring nobody is marginalised."
    )
    found = readability.analyse(text).words_to_avoid
    assert found["integral"] == "a key part"
    assert found["stimulate"] == "encourage"
    assert found["concentrating resources"] == "putting money and staff into"
    assert {"tackle", "priority", "identify", "ensure", "marginalised", "mainstream"} <= set(found)
    # A word is found whole, never inside another: "provide" is not in "provident".
    assert readability.analyse("A provident fund.").words_to_avoid == {}


def test_no_plainer_word_is_itself_a_word_to_avoid():
    for word, simpler in readability.plainer_word_list().items():
        assert word == word.lower() and word.strip() == word, word
        assert readability.analyse(simpler).words_to_avoid == {}, (word, simpler)


def test_markdown_syntax_is_not_scored_as_words():
    assert readability.plain_text("## Hi\n\n- **one** [link](http://x.y)") == " Hi\n\none link"


def test_the_glossary_explains_at_least_forty_terms_in_one_sentence_each():
    terms = default_terms()
    assert len(terms) >= 40
    assert len({t.term.lower() for t in terms}) == len(terms)
    for term in terms:
        assert term.explanation.strip().endswith((".", "!")), term.term
        assert len(readability.sentences(term.explanation)) == 1, term.term
    for needed in [
        "Local Strategic Partnership",
        "community cohesion",
        "BME",
        "consultation",
        "stakeholder",
        "regeneration",
        "Pathfinder",
    ]:
        assert needed.lower() in {t.term.lower() for t in terms}, needed


def test_terms_are_found_by_acronym_alias_and_plural_but_not_inside_other_words():
    found = [t.term for t in find_terms("The LSP asked stakeholders about BME groups.")]
    assert "Local Strategic Partnership" in found
    assert "stakeholder" in found
    assert "BME" in found
    assert find_terms("The lspx and abmeth are not terms.") == []


def test_scoring_works_with_no_network():
    """textstat must count syllables from files it ships, never by downloading a dictionary."""
    script = (
        "import socket\n"
        "def refuse(*a, **k):\n"
        "    raise OSError('network is not allowed in this test')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "from consultations import readability\n"
        "print(readability.reading_age('Antidisestablishmentarianism perplexes schoolchildren "
        "considerably. Marvellous!'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert float(done.stdout.strip()) > 12
