"""How close the engine's themes come to people's own grouping of the labelled corpus.

The corpus (tests/data/themes, built by its build_corpus.py) has answers to the six demo
questions in English, Polish and Urdu, each labelled with its main theme; about a third is
held out and nothing in the engine was tuned on it. All held-out answers are grouped in
one go, as for a whole consultation, and scored per language: adjusted Rand index and
normalised mutual information against the labels ("other" counted as one group) and the
share of answers placed in a theme.
"""

from __future__ import annotations

from collections import Counter

import pytest

from consultations.insight import AnswerText, find_themes
from tests.insight.support import (
    LANGUAGES,
    adjusted_rand_index,
    corpus,
    normalised_mutual_information,
)

# What the held-out part should reach.
TARGETS = {"ari": 0.5, "nmi": 0.6, "placed": 0.8}
# What the engine reaches on it today (0.70 / 0.82 / 95%, 0.71 / 0.84 / 94%, 0.63 / 0.81 /
# 91%), a little under, so a change that makes themes worse fails here. The starter themes
# were fitted on the training part only (python -m consultations.insight.train);
# benchmarks/README.md compares the approaches tried.
FLOORS = {
    "en": {"ari": 0.65, "nmi": 0.78, "placed": 0.9},
    "pl": {"ari": 0.65, "nmi": 0.8, "placed": 0.9},
    "ur": {"ari": 0.57, "nmi": 0.76, "placed": 0.85},
}


def _scores(rows: list[dict]) -> dict[str, dict[str, float]]:
    result = find_themes([AnswerText(r["id"], r["text"], r["language"]) for r in rows])
    found = {p.answer_id: p.theme_id or "other" for p in result.placements}
    scores = {}
    for language in LANGUAGES:
        part = [r for r in rows if r["language"] == language]
        truth, groups = [r["theme"] for r in part], [found[r["id"]] for r in part]
        scores[language] = {
            "answers": len(part),
            "themes": len(set(groups) - {"other"}),
            "ari": adjusted_rand_index(truth, groups),
            "nmi": normalised_mutual_information(truth, groups),
            "placed": sum(g != "other" for g in groups) / len(groups),
        }
    return scores


def _line(language: str, s: dict[str, float]) -> str:
    short = [measure for measure, target in TARGETS.items() if s[measure] < target]
    verdict = f"  below target: {', '.join(short)}" if short else "  targets met"
    return (
        f"  {language}: {s['answers']:>3} answers, {s['themes']:>2} themes  "
        f"ARI {s['ari']:.3f}  NMI {s['nmi']:.3f}  placed {s['placed']:.0%}{verdict}"
    )


def test_the_corpus_is_big_varied_and_split_fairly():
    rows = corpus()
    assert len(rows) >= 600
    themes = Counter(r["theme"] for r in rows)
    assert len(set(themes) - {"none"}) >= 10
    by_language = Counter(r["language"] for r in rows)
    assert by_language["pl"] / len(rows) >= 0.2 and by_language["ur"] / len(rows) >= 0.18
    assert {r["script"] for r in rows if r["language"] == "ur"} == {"arab", "latn"}
    held = [r for r in rows if r["split"] == "held_out"]
    assert 0.3 <= len(held) / len(rows) <= 0.4
    for language in LANGUAGES:
        assert {r["theme"] for r in held if r["language"] == language} >= {
            "safety",
            "transport",
            "places",
            "jobs",
            "respect",
        }
    assert len({r["id"] for r in rows}) == len(rows)
    assert len({r["text"].casefold() for r in rows}) == len(rows)


@pytest.fixture(scope="module")
def held_out_scores() -> dict[str, dict[str, float]]:
    return _scores(corpus("held_out"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_held_out_themes_against_the_labels(
    language: str, held_out_scores: dict[str, dict[str, float]], report_lines: list[str]
):
    scores = held_out_scores
    if language == LANGUAGES[0]:
        targets = "  ".join(f"{k} {v:g}" for k, v in TARGETS.items())
        report_lines.append(f"themes, held out (never tuned on); targets {targets}")
    report_lines.append(_line(language, scores[language]))
    for measure, floor in FLOORS[language].items():
        assert scores[language][measure] >= floor, (language, measure)
