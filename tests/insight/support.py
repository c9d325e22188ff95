"""Agreement between found themes and the corpus labels, and reading the themes corpus."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Hashable, Sequence
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "data" / "themes"
LANGUAGES = ("en", "pl", "ur")


def corpus(split: str | None = None) -> list[dict]:
    rows = []
    for language in LANGUAGES:
        text = (CORPUS / f"{language}.jsonl").read_text("utf-8")
        rows += [json.loads(line) for line in text.splitlines() if line.strip()]
    return [r for r in rows if split is None or r["split"] == split]


def _pairs(n: int) -> float:
    return n * (n - 1) / 2


def adjusted_rand_index(truth: Sequence[Hashable], found: Sequence[Hashable]) -> float:
    """Hubert and Arabie's adjusted Rand index: 1 for the same grouping, about 0 for chance."""
    cells = Counter(zip(truth, found, strict=True))
    together = sum(_pairs(n) for n in cells.values())
    rows = sum(_pairs(n) for n in Counter(truth).values())
    columns = sum(_pairs(n) for n in Counter(found).values())
    expected = rows * columns / _pairs(len(truth))
    most = (rows + columns) / 2
    return 1.0 if most == expected else (together - expected) / (most - expected)


def _entropy(counts: Counter, total: int) -> float:
    return -sum(n / total * math.log(n / total) for n in counts.values())


def normalised_mutual_information(truth: Sequence[Hashable], found: Sequence[Hashable]) -> float:
    """Mutual information over the mean of the two entropies (scikit-learn's default)."""
    total = len(truth)
    cells = Counter(zip(truth, found, strict=True))
    by_truth, by_found = Counter(truth), Counter(found)
    information = sum(
        n / total * math.log(n * total / (by_truth[t] * by_found[f])) for (t, f), n in cells.items()
    )
    mean_entropy = (_entropy(by_truth, total) + _entropy(by_found, total)) / 2
    return 1.0 if mean_entropy == 0 else information / mean_entropy
