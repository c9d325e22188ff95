"""Answers as weighted words and word pieces (TF-IDF), kept as plain arrays.

Two kinds of feature describe an answer: its telling words and neighbouring word pairs
("youth club"), and the four- and five-letter pieces of those words, which match a word
however it is misspelt or inflected ("autobusy", "autobusów"; "knifes", "knives"). Each kind
is weighted by how rare it is among the answers being grouped (inverse document frequency)
and counts for half of an answer's direction, so a long word does not outweigh the words.

A ``Space`` is what a later placement needs to weigh a new answer the same way: the features
and their weights, as plain JSON.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from consultations.insight.text import telling_words

WORD, PAIR, PIECE = "w", "b", "c"
# Three-letter pieces ("ing", "es ") link answers that share only an ending.
PIECE_SIZES = (4, 5)
# How much of an answer's direction its word pieces make; its words make the rest.
PIECE_SHARE = 0.5
# A piece found in more than this share of the answers is an ending or a common stem, not
# a sign of the same subject, and is left out.
PIECE_MAX_SHARE = 0.05


def features(text: str, language: str, max_chars: int) -> Counter[str]:
    """How often each feature occurs in ``text`` (its first ``max_chars`` characters)."""
    words = telling_words(text[:max_chars], language)
    found: Counter[str] = Counter(f"{WORD} {w}" for w in words)
    found.update(f"{PAIR} {a} {b}" for a, b in itertools.pairwise(words))
    for word in words:
        padded = f" {word} "
        for size in PIECE_SIZES:
            found.update(f"{PIECE} {padded[i : i + size]}" for i in range(len(padded) - size + 1))
    return found


@dataclass(frozen=True)
class Rows:
    """Answers as sparse rows (CSR): answer ``i`` has ``columns[starts[i]:starts[i+1]]``."""

    starts: np.ndarray
    columns: np.ndarray
    weights: np.ndarray

    def __len__(self) -> int:
        return len(self.starts) - 1

    def take(self, index: Sequence[int] | np.ndarray) -> Rows:
        index = np.asarray(index, dtype=np.int64)
        lengths = self.starts[index + 1] - self.starts[index]
        starts = np.zeros(len(index) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        if len(index) and starts[-1]:
            picks = np.concatenate(
                [np.arange(self.starts[i], self.starts[i + 1]) for i in index.tolist()]
            )
        else:
            picks = np.zeros(0, dtype=np.int64)
        return Rows(starts, self.columns[picks], self.weights[picks])

    def row_of_each_entry(self) -> np.ndarray:
        return np.repeat(np.arange(len(self)), np.diff(self.starts))

    def dot_dense(self, matrix: np.ndarray, chunk: int = 4096) -> np.ndarray:
        """Each row times ``matrix`` (features × k): an answers × k array."""
        out = np.zeros((len(self), matrix.shape[1]), dtype=np.float32)
        for begin in range(0, len(self), chunk):
            end = min(begin + chunk, len(self))
            lo, hi = self.starts[begin], self.starts[end]
            if lo == hi:
                continue
            part = matrix[self.columns[lo:hi]] * self.weights[lo:hi, None]
            local = self.starts[begin:end] - lo
            filled = np.diff(self.starts[begin : end + 1]) > 0
            sums = np.add.reduceat(part, local[filled], axis=0)
            out[begin:end][filled] = sums
        return out

    def sum_by_group(self, groups: np.ndarray, n_groups: int, n_features: int) -> np.ndarray:
        """The sum of the rows in each group (rows with group -1 left out): groups × features."""
        owner = groups[self.row_of_each_entry()]
        keep = owner >= 0
        flat = owner[keep].astype(np.int64) * n_features + self.columns[keep]
        total = np.bincount(flat, weights=self.weights[keep], minlength=n_groups * n_features)
        return total.reshape(n_groups, n_features)


def _shares(has_words: bool, has_pieces: bool) -> tuple[float, float]:
    """Length of the word part and of the piece part of a unit-length row."""
    if not has_pieces:
        return 1.0, 0.0
    if not has_words:
        return 0.0, 1.0
    return math.sqrt(1.0 - PIECE_SHARE), math.sqrt(PIECE_SHARE)


@dataclass(frozen=True)
class Space:
    """The features of one language's answers and how much each one weighs (IDF)."""

    language: str
    vocabulary: dict[str, int]
    idf: np.ndarray

    @classmethod
    def fit(cls, language: str, counts: Sequence[Counter[str]], *, max_features: int) -> Space:
        """Features found in at least two answers (one answer alone makes no theme)."""
        document_frequency: Counter[str] = Counter()
        for found in counts:
            document_frequency.update(found.keys())
        total = len(counts)
        widest = max(2, int(PIECE_MAX_SHARE * total))
        kept = [
            (f, n)
            for f, n in document_frequency.items()
            if n >= 2 and (f[0] != PIECE or n <= widest)
        ]
        # The most widespread features are kept when there are too many to hold.
        kept.sort(key=lambda item: (-item[1], item[0]))
        kept = sorted(kept[:max_features])
        vocabulary = {feature: i for i, (feature, _) in enumerate(kept)}
        idf = np.array([math.log((1 + total) / (1 + n)) + 1.0 for _, n in kept], dtype=np.float32)
        return cls(language, vocabulary, idf)

    def __len__(self) -> int:
        return len(self.vocabulary)

    def rows(self, counts: Iterable[Counter[str]]) -> Rows:
        """Each answer's unit-length TF-IDF row; an answer with no known feature is empty."""
        starts, columns, weights = [0], [], []
        vocabulary, idf = self.vocabulary, self.idf
        for found in counts:
            row = [(vocabulary[f], n, f[0] == PIECE) for f, n in found.items() if f in vocabulary]
            row.sort()
            values = [(1.0 + math.log(n)) * float(idf[c]) for c, n, _ in row]
            # Words and pieces each count for half of the answer's direction.
            word_norm = math.sqrt(sum(v * v for v, r in zip(values, row, strict=True) if not r[2]))
            piece_norm = math.sqrt(sum(v * v for v, r in zip(values, row, strict=True) if r[2]))
            word_share, piece_share = _shares(word_norm > 0, piece_norm > 0)
            for value, (column, _, is_piece) in zip(values, row, strict=True):
                share, norm = (piece_share, piece_norm) if is_piece else (word_share, word_norm)
                columns.append(column)
                weights.append(value / norm * share)
            starts.append(len(columns))
        return Rows(
            np.asarray(starts, dtype=np.int64),
            np.asarray(columns, dtype=np.int64),
            np.asarray(weights, dtype=np.float32),
        )

    def to_json(self) -> dict:
        return {
            "language": self.language,
            "idf": {f: round(float(self.idf[i]), 5) for f, i in self.vocabulary.items()},
        }

    @classmethod
    def from_json(cls, data: dict) -> Space:
        items = sorted(data["idf"].items())
        return cls(
            data["language"],
            {feature: i for i, (feature, _) in enumerate(items)},
            np.asarray([v for _, v in items], dtype=np.float32),
        )
