"""A small classifier beside the rules: disclosures written in words no rule lists.

Rules catch what their writers thought of; a young person who writes "nobody would
notice if I wasnt here" or "ojczym mi robi krzywde" in words no rule lists must still
be heard. This is a linear model over character and word n-grams of the normalised
answer, trained offline on the labelled corpus by ``consultations.moderation.train``
and shipped as ``classifier.json`` (vocabulary, weights and thresholds, no pickle). The
prediction below is the whole of it: no library and no download at run time.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from consultations.moderation.spelling import plain as plain_text
from consultations.moderation.spelling import spell_out

MODEL_FILE = "classifier.json"
DISCLOSURE = "disclosure"
CHAR_SIZES = (3, 4, 5)
LANGUAGE_SIZE = 3
_TOKEN = re.compile(r"[^\W_]+|[^\w\s]")


def features(text: str) -> list[str]:
    """The n-grams the model reads, from text already ``prepare``-d.

    Each word padded with spaces gives its character n-grams (so "zabij" and "zabije"
    share most of theirs); words and pairs of words are features of their own, and so is
    each emoji or sign ("xd", "😂" often mark a joke).
    """
    tokens = _TOKEN.findall(text)
    found: list[str] = []
    previous = ""
    for token in tokens:
        if not token[0].isalnum():
            found.append(f"s:{token}")
            continue
        padded = f" {token} "
        for size in CHAR_SIZES:
            if size > len(padded):
                break
            found += [padded[i : i + size] for i in range(len(padded) - size + 1)]
        found.append(f"w:{token}")
        if previous:
            found.append(f"b:{previous} {token}")
        previous = token
    return found


def language_grams(text: str) -> list[str]:
    """Character trigrams of each padded word, for telling the languages apart."""
    grams: list[str] = []
    for token in _TOKEN.findall(text):
        if token[0].isalpha():
            padded = f" {token} "
            grams += [padded[i : i + LANGUAGE_SIZE] for i in range(len(padded) - 2)]
    return grams


@dataclass(frozen=True)
class Classifier:
    """A shipped model: TF-IDF weights of each n-gram and one linear score per label."""

    labels: tuple[str, ...]
    # n-gram -> its inverse document frequency squared, and for each label n-gram ->
    # idf × weight: multiplied once here, so scoring an answer is look-ups and sums.
    idf_squared: Mapping[str, float]
    weights: tuple[Mapping[str, float], ...]
    intercepts: tuple[float, ...]
    threshold: float
    # Below this score (lower than any real disclosure's in training's cross-validation) a
    # rule's hit is taken for a saying that shares a disclosure's words, not a disclosure.
    veto: float = -math.inf
    languages: tuple[str, ...] = ()
    # For each language, trigram -> log-probability; and the floor for unseen trigrams.
    language_grams: tuple[Mapping[str, float], ...] = ()
    language_unseen: tuple[float, ...] = ()
    language_priors: tuple[float, ...] = ()

    def _terms(self, prepared: str) -> tuple[Mapping[str, float], float, float]:
        """Each known n-gram's term weight, the vector's scale, and the disclosure score.

        Sub-linear term frequency, IDF and unit length, as the training side computed them;
        most n-grams occur once (weight 1), so the sums run over dictionaries in C.
        """
        counts = Counter(features(prepared))
        known = counts.keys() & self.idf_squared.keys()
        repeated = {g: 1.0 + math.log(c) for g, c in counts.items() if c > 1 and g in known}
        norm = sum(map(self.idf_squared.__getitem__, known))
        total = sum(map(self.weights[0].__getitem__, known & self.weights[0].keys()))
        for gram, tf in repeated.items():
            norm += (tf * tf - 1.0) * self.idf_squared[gram]
            total += (tf - 1.0) * self.weights[0].get(gram, 0.0)
        scale = 1.0 / math.sqrt(norm) if norm else 0.0
        terms = dict.fromkeys(known, 1.0) | repeated
        return terms, scale, total * scale + self.intercepts[0]

    def _score(self, label: int, terms: Mapping[str, float], scale: float) -> float:
        weights = self.weights[label]
        total = sum(tf * weights[g] for g, tf in terms.items() if g in weights)
        return total * scale + self.intercepts[label]

    def scores(self, prepared: str) -> dict[str, float]:
        """One linear score per label for text already ``prepare``-d; 0 is even odds."""
        terms, scale, _ = self._terms(prepared)
        return {label: self._score(i, terms, scale) for i, label in enumerate(self.labels)}

    def doubts(self, prepared: str) -> bool:
        """True when this answer reads far less like a disclosure than nearly all real ones."""
        return self._terms(prepared)[2] < self.veto

    def kinds(self, prepared: str) -> tuple[str, ...]:
        """Safeguarding kinds this answer reads as, or () when it reads as no disclosure."""
        terms, scale, disclosure = self._terms(prepared)
        if disclosure < self.threshold:
            return ()
        # Rarely reached, so the kinds are scored only here.
        scores = {label: self._score(i, terms, scale) for i, label in enumerate(self.labels) if i}
        kinds = [label for label, score in scores.items() if score >= 0.0]
        return tuple(kinds) or (max(scores, key=scores.__getitem__),)

    def language_of(self, folded: str) -> str | None:
        """The likeliest language of ``folded`` text by its trigrams; None without a table."""
        if not self.language_grams:
            return None
        grams = language_grams(folded)
        totals = [
            prior + sum(map(table.get, grams, itertools.repeat(unseen)))
            for table, unseen, prior in zip(
                self.language_grams, self.language_unseen, self.language_priors, strict=True
            )
        ]
        return self.languages[max(range(len(totals)), key=totals.__getitem__)]


def prepare(text: str, textspeak: Mapping[str, str], phrases: re.Pattern[str] | None) -> str:
    """The answer as the model reads it: folded, squeezed, its language's text-speak spelled out."""
    return spell_out(plain_text(text), textspeak, phrases)


def from_json(data: Mapping[str, Any]) -> Classifier:
    """A classifier from the shipped model's JSON."""
    labels = tuple(data["labels"])
    rows: Mapping[str, Sequence[float]] = data["vocabulary"]
    language = data.get("language") or {}
    grams: Mapping[str, Sequence[float]] = language.get("grams", {})
    spoken = tuple(language.get("languages", ()))
    return Classifier(
        labels=labels,
        idf_squared={gram: row[0] * row[0] for gram, row in rows.items()},
        weights=tuple(
            {gram: row[0] * row[i + 1] for gram, row in rows.items() if row[i + 1]}
            for i in range(len(labels))
        ),
        intercepts=tuple(data["intercepts"]),
        threshold=float(data["threshold"]),
        veto=float(data.get("veto", -math.inf)),
        languages=spoken,
        language_grams=tuple({g: r[i] for g, r in grams.items()} for i in range(len(spoken))),
        language_unseen=tuple(language.get("unseen", ())),
        language_priors=tuple(language.get("priors", ())),
    )


@cache
def shipped() -> Classifier | None:
    """The model that ships with the package, loaded once; None if it is missing."""
    item = resources.files("consultations.moderation").joinpath(MODEL_FILE)
    if not item.is_file():
        return None
    return from_json(json.loads(item.read_text("utf-8")))


def rounded(values: Sequence[float], digits: int = 5) -> list[float]:
    """Values as stored in the model file: short, and the same on every machine."""
    return [round(float(v), digits) for v in values]
