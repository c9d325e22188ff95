"""Build the labelled themes corpus (``en.jsonl``, ``pl.jsonl``, ``ur.jsonl``) from ``source/``.

The answers are written by hand in ``source/<language>.txt``; this script checks them (known
question and theme, no near-duplicates) and gives each a stable id and a split: about 35% of
each language, script and theme is held out, and nothing may be tuned on that part. The
split is seeded, so running it again gives the same files.

    python tests/data/themes/build_corpus.py
"""

from __future__ import annotations

import json
import random
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
LANGUAGES = ("en", "pl", "ur")
QUESTIONS = (
    "feeling-safe-where-you-live",
    "a-fair-chance-at-work",
    "news-facts-and-myths",
    "arts-culture-and-belonging",
    "how-should-we-ask-you",
    "a-youth-forum-with-a-real-say",
)
THEMES = {
    "safety": "Lighting, policing and feeling safe at night",
    "transport": "Buses, fares and getting around",
    "places": "Youth clubs and places to go",
    "jobs": "Jobs, apprenticeships and work experience",
    "parks": "Parks and green spaces",
    "litter": "Litter, fly-tipping and clean streets",
    "mental_health": "Mental health support and someone to talk to",
    "cost": "Cost of living, money and free activities",
    "respect": "Respect, racism and stereotypes",
    "listened": "Being listened to and seeing change",
    "sport": "Sport facilities",
    "school": "School, teachers and careers lessons",
    "online": "Quick, online and on the phone",
    "none": "Says nothing about any theme",
}
HELD_OUT_SHARE = 0.35
SEED = 20261202
# Two answers this alike (character trigrams) are one answer written twice.
NEAR_DUPLICATE = 0.8


def script_of(text: str) -> str:
    arabic = sum("\u0600" <= ch <= "\u06ff" for ch in text)
    return "arab" if arabic else "latn"


def _trigrams(text: str) -> set[str]:
    plain = " ".join(re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold()))
    return {plain[i : i + 3] for i in range(max(len(plain) - 2, 1))}


def read_source(language: str) -> list[dict]:
    rows, question = [], None
    path = HERE / "source" / f"{language}.txt"
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("# "):
            continue
        if line.startswith("## "):
            question = line[3:].strip()
            if question not in QUESTIONS:
                sys.exit(f"{path.name}:{number}: unknown question {question!r}")
            continue
        theme, sep, text = line.partition(": ")
        if not sep or theme not in THEMES or not text.strip() or question is None:
            sys.exit(f"{path.name}:{number}: expected 'theme: text' under a question")
        rows.append(
            {
                "text": text.strip(),
                "language": language,
                "script": script_of(text),
                "question": question,
                "theme": theme,
            }
        )
    return rows


def check_near_duplicates(rows: list[dict]) -> None:
    grams = [_trigrams(r["text"]) for r in rows]
    for i in range(len(rows)):
        for j in range(i):
            union = grams[i] | grams[j]
            if union and len(grams[i] & grams[j]) / len(union) >= NEAR_DUPLICATE:
                sys.exit(f"near-duplicates: {rows[j]['text']!r} and {rows[i]['text']!r}")


def assign_splits(rows: list[dict]) -> None:
    rng = random.Random(SEED)
    groups: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for row in rows:
        groups[(row["language"], row["script"], row["theme"])].append(row)
    for key in sorted(groups):
        members = groups[key]
        rng.shuffle(members)
        held = round(len(members) * HELD_OUT_SHARE)
        for index, row in enumerate(members):
            row["split"] = "held_out" if index < held else "dev"


def main() -> None:
    everything = []
    for language in LANGUAGES:
        rows = read_source(language)
        check_near_duplicates(rows)
        assign_splits(rows)
        for number, row in enumerate(rows, 1):
            row["id"] = f"{language}-{number:04d}"
        everything += rows
        with (HERE / f"{language}.jsonl").open("w", encoding="utf-8") as out:
            for row in rows:
                record = {
                    "id": row["id"],
                    "text": row["text"],
                    "language": language,
                    "script": row["script"],
                    "question": row["question"],
                    "theme": row["theme"],
                    "split": row["split"],
                }
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    counts: dict[str, int] = defaultdict(int)
    for row in everything:
        counts[f"{row['language']}/{row['split']}"] += 1
    print(len(everything), "answers,", len({r["theme"] for r in everything}), "themes")
    print(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
