"""Starter themes: the subjects young people raise in most consultations, ready to be found.

A theme found only from one question's words is often one shared word ("bus", "school");
the subjects below are what officers actually group by, and a sentence model recognises
them in English, Polish and Urdu whichever words an answer uses. Their weights are fitted
by ``python -m consultations.insight.train`` and shipped as JSON; reading them needs
NumPy only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

MODEL_FILE = "starter_themes.json"
# The corpus's label for an answer that says nothing about any subject ("idk", "nothing").
NOT_A_THEME = "none"


# Compared by identity: its arrays have no single truth value.
@dataclass(frozen=True, eq=False)
class StarterThemes:
    """The starter themes' weights over centred sentence vectors (a logistic regression)."""

    keys: tuple[str, ...]
    labels: dict[str, dict[str, str]]
    centre: np.ndarray
    weights: np.ndarray
    intercepts: np.ndarray
    threshold: float

    @classmethod
    def from_json(cls, data: dict) -> StarterThemes:
        themes = data["themes"]
        return cls(
            tuple(t["key"] for t in themes),
            {t["key"]: dict(t["labels"]) for t in themes},
            np.asarray(data["centre"], dtype=np.float32),
            np.asarray([t["weights"] for t in themes], dtype=np.float32),
            np.asarray([t["intercept"] for t in themes], dtype=np.float32),
            float(data["threshold"]),
        )

    def chances(self, vectors: np.ndarray) -> np.ndarray:
        """How likely each answer (a unit sentence vector) is to be about each theme."""
        centred = vectors - self.centre
        norms = np.linalg.norm(centred, axis=1, keepdims=True)
        centred = centred / np.where(norms > 0, norms, 1.0)
        scores = centred @ self.weights.T + self.intercepts
        scores -= scores.max(axis=1, keepdims=True)
        odds = np.exp(scores)
        return odds / odds.sum(axis=1, keepdims=True)

    def best(self, vectors: np.ndarray) -> tuple[list[str | None], np.ndarray]:
        """Each answer's starter theme (None below the threshold or "says nothing")."""
        chances = self.chances(vectors)
        top = chances.argmax(axis=1)
        likelihood = chances[np.arange(len(top)), top]
        keys: list[str | None] = []
        for index, chance in zip(top.tolist(), likelihood.tolist(), strict=True):
            key = self.keys[index]
            keys.append(key if chance >= self.threshold and key != NOT_A_THEME else None)
        return keys, likelihood

    def label(self, key: str, language: str) -> str:
        labels = self.labels.get(key, {})
        return labels.get(language) or labels.get("en") or key


@cache
def starter_themes() -> StarterThemes:
    """The shipped starter themes (read once per process)."""
    data = json.loads(Path(__file__).with_name(MODEL_FILE).read_text("utf-8"))
    return StarterThemes.from_json(data)
