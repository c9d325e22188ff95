"""Moderation cost per written answer, in microseconds, over the labelled corpora.

Every written answer on every channel is moderated inside its submission's transaction,
so this cost is paid on the ingest path. Times ``moderate`` (rules, and the classifier
where the package ships one) over each corpus, best of several repeats, and prints the
mean per answer for each language::

    .venv/bin/python benchmarks/moderation_cost.py
    .venv/bin/python benchmarks/moderation_cost.py --repeat 9
"""

from __future__ import annotations

import argparse
import json
import timeit
from pathlib import Path

from consultations.moderation import default_rules, moderate
from youthvoice_settings import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
CORPORA = {
    "existing corpus": [ROOT / "tests" / "moderation_corpus.jsonl"],
    **{
        lang: [ROOT / "tests" / "data" / "moderation" / "train" / f"{lang}.jsonl"]
        for lang in LANGUAGES
    },
}


def _texts(paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        if path.exists():
            found += [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines()]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed passes; the best is kept")
    args = parser.parse_args(argv)
    rules = default_rules()
    for text in _texts(CORPORA["en"])[:50]:
        moderate(text, rules=rules)  # compile and warm every cache first
    for name, paths in CORPORA.items():
        texts = _texts(paths)
        if not texts:
            continue

        def once(texts: list[str] = texts) -> None:
            for text in texts:
                moderate(text, rules=rules)

        best = min(timeit.repeat(once, number=1, repeat=args.repeat))
        print(f"{name:<16} {len(texts):>5} answers  {best / len(texts) * 1e6:8.1f} µs per answer")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
