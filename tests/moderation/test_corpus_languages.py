"""Disclosures in every language we serve, measured on answers the rules were not written from.

The corpus in tests/data/moderation was written the way 12-17-year-olds text, by people
who never saw the rules: a training part (rules and classifier are tuned on it) and a
held-out part by another writer, which nothing is tuned on. Figures are printed for the
rules alone, the classifier alone and the two together (what the platform runs).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from consultations.moderation import SAFEGUARDING_KINDS, TENSION_KINDS, moderate
from consultations.moderation import classifier as model
from consultations.moderation.engine import prepared

DATA = Path(__file__).resolve().parent.parent / "data" / "moderation"
LANGUAGES = ("en", "pl", "ur")
# What the platform aims for on the held-out part, in every language.
TARGET_RECALL = 0.95
TARGET_FALSE_ALARMS = 0.10
# What it reaches today (README, "Safeguarding and moderation"): English and Polish meet
# both targets; Urdu is just short of the recall target and over the false-alarm one.
# These floors, just under today's figures, stop a change that hears fewer children,
# or raises more false alarms, from passing unnoticed; raise them as detection improves,
# never lower them to let a change through.
FLOORS = {
    # language: (recall at least, false alarms on hard negatives at most)
    "en": (0.95, 0.09),
    "pl": (0.95, 0.095),
    "ur": (0.94, 0.14),
}


def rows(part: str, language: str) -> list[dict]:
    path = DATA / part / f"{language}.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, expected: bool, found: bool) -> None:
        self.tp += expected and found
        self.fp += found and not expected
        self.fn += expected and not found

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Figures:
    tallies: dict[str, Tally] = field(default_factory=dict)
    hard_negatives: int = 0
    false_alarms: int = 0

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.hard_negatives if self.hard_negatives else 0.0

    def lines(self, name: str) -> list[str]:
        overall = self.tallies["any"]
        out = [
            f"  {name:<11} recall {overall.recall:.3f}  precision {overall.precision:.3f}  "
            f"false alarms on hard negatives {self.false_alarm_rate:.3f} "
            f"({self.false_alarms}/{self.hard_negatives})"
        ]
        out += [
            f"    {kind:<13} recall {t.recall:.3f}  precision {t.precision:.3f}  "
            f"(tp {t.tp}, fp {t.fp}, fn {t.fn})"
            for kind, t in self.tallies.items()
            if kind != "any"
        ]
        return out


Detector = Callable[[str], Iterable[str]]


def _rules(text: str) -> tuple[str, ...]:
    return moderate(text, classifier=False).safeguarding


def _classifier(text: str) -> tuple[str, ...]:
    shipped = model.shipped()
    assert shipped is not None
    return shipped.kinds(prepared(text))


def _both(text: str) -> tuple[str, ...]:
    return moderate(text).safeguarding


DETECTORS: dict[str, Detector] = {
    "rules": _rules,
    "classifier": _classifier,
    "combined": _both,
}


def score(examples: list[dict], detect: Detector) -> Figures:
    figures = Figures()
    for row in examples:
        found = set(detect(row["text"]))
        expected = set(row["safeguarding"])
        figures.tallies.setdefault("any", Tally()).add(bool(expected), bool(found))
        for kind in SAFEGUARDING_KINDS:
            figures.tallies.setdefault(kind, Tally()).add(kind in expected, kind in found)
        if row["hard_negative"]:
            figures.hard_negatives += 1
            figures.false_alarms += bool(found)
    return figures


def other_figures(examples: list[dict]) -> list[str]:
    """Tension, abuse, swearing and personal data: rules only, as the platform runs them."""
    tallies: dict[str, Tally] = {}
    for row in examples:
        verdict = moderate(row["text"])
        for kind in TENSION_KINDS:
            tallies.setdefault(kind, Tally()).add(kind in row["tension"], kind in verdict.tension)
        tallies.setdefault("abusive", Tally()).add(row["abusive"], verdict.abusive)
        tallies.setdefault("profanity", Tally()).add(row["profanity"], verdict.profanity)
        for kind in {*row["personal_data"], *verdict.personal_data}:
            tallies.setdefault("personal data", Tally()).add(
                kind in row["personal_data"], kind in verdict.personal_data
            )
    return [
        f"    {name:<25} recall {t.recall:.3f}  precision {t.precision:.3f}  "
        f"(tp {t.tp}, fp {t.fp}, fn {t.fn})"
        for name, t in tallies.items()
    ]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("part", ["train", "held_out"])
def test_each_part_is_big_and_varied_enough(part: str, language: str):
    found = rows(part, language)
    disclosures = [r for r in found if r["safeguarding"]]
    hard = [r for r in found if r["hard_negative"]]
    assert len(disclosures) >= 100
    assert len(hard) >= 100
    assert all(not r["safeguarding"] for r in hard)
    for kind in SAFEGUARDING_KINDS:
        assert sum(kind in r["safeguarding"] for r in found) >= 15, kind
    assert {r["language"] for r in found} == {language}
    if language == "ur":
        assert {r["script"] for r in found} == {"arab", "latn"}


def test_the_training_part_figures(report_lines: list[str]):
    # The rules were written from this part, so their figures here flatter them; the
    # classifier's are cross-validated (each answer scored by a model that never saw it).
    shipped = model.shipped()
    assert shipped is not None
    report_lines.append("safeguarding, training part (rules written from it: flattering)")
    for language in LANGUAGES:
        report_lines.append(f" {language}")
        report_lines += score(rows("train", language), _rules).lines("rules")
        shipped_file = json.loads(
            Path(model.__file__).with_name(model.MODEL_FILE).read_text("utf-8")
        )
        for name, key in (
            ("classifier", "cross_validation"),
            ("combined", "cross_validation_with_rules"),
        ):
            cv = shipped_file[key][language]
            report_lines.append(
                f"  {name:<11} recall {cv['recall']:.3f}  precision {cv['precision']:.3f}  "
                f"false alarms on hard negatives {cv['false_alarms_hard_negatives']:.3f} "
                "(5-fold cross-validation)"
            )
        report_lines.append("  other concerns")
        report_lines += other_figures(rows("train", language))


def test_held_out_disclosures_are_heard_in_every_language(report_lines: list[str]):
    report_lines.append(
        f"safeguarding, held-out part (never tuned on); targets: recall >= {TARGET_RECALL}, "
        f"false alarms on hard negatives <= {TARGET_FALSE_ALARMS}"
    )
    combined = {}
    for language in LANGUAGES:
        examples = rows("held_out", language)
        report_lines.append(f" {language} ({len(examples)} answers)")
        for name, detect in DETECTORS.items():
            figures = score(examples, detect)
            report_lines += figures.lines(name)
            if name == "combined":
                combined[language] = figures
        report_lines.append("  other concerns")
        report_lines += other_figures(examples)
    for language, figures in combined.items():
        overall = figures.tallies["any"]
        met = overall.recall >= TARGET_RECALL and figures.false_alarm_rate <= TARGET_FALSE_ALARMS
        report_lines.append(
            f" {language}: recall {overall.recall:.3f}, "
            f"false alarms {figures.false_alarm_rate:.3f}: "
            + ("targets met" if met else "TARGETS NOT MET")
        )
        least_recall, most_false_alarms = FLOORS[language]
        assert overall.recall >= least_recall, (language, overall.recall)
        assert figures.false_alarm_rate <= most_false_alarms, (language, figures.false_alarm_rate)


def test_the_shipped_classifier_is_what_the_training_corpus_makes():
    # Retraining is deterministic: a model edited by hand, or a corpus changed without
    # retraining, fails here. Run python -m consultations.moderation.train to refresh it.
    from consultations.moderation import train

    shipped = json.loads(Path(model.__file__).with_name(model.MODEL_FILE).read_text("utf-8"))
    assert train.same_model(train.build(), shipped)
