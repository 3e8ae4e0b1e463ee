"""Builds the English (prediction, reference) pairs the rouge-score agreement test uses.

Run once from the repository root; the output is committed, so nothing reads the data at test
time. Sources (copied into the repository with their licenses under demo/data/):

* FActScore biographies: ChatGPT's answer (prediction) against InstructGPT's answer
  (reference) for the same topic;
* Japanese MT-Bench: each model's turn-1 answer against GPT-4's turn-1 reference answer. Rows
  whose two texts are ASCII-only get ids ``mt-bench-ascii:...``; the others (Japanese prose
  with embedded code, formulas and English words) get ``mt-bench-mixed:...``: rouge-score keeps
  only their ASCII letters and digits, which is exactly the behaviour the Java tokenizer must
  reproduce;
* a few hand-written rows for tokenizer corner cases (case, digits, punctuation, Kelvin sign,
  dotted capital I, empty text).

Usage: python make_english_pairs.py [REPO_ROOT] > english_pairs.jsonl
"""

from __future__ import annotations

import json
import pathlib
import sys


def read_jsonl(path: pathlib.Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def main() -> None:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    data = root / "demo" / "data"
    rows: list[dict] = []

    bios = data / "factscore-bios"
    instruct = {r["topic"]: r["output"] for r in read_jsonl(bios / "InstructGPT.jsonl")}
    for r in read_jsonl(bios / "ChatGPT.jsonl"):
        reference = instruct.get(r["topic"])
        if r.get("output") and reference:
            rows.append({"id": f"factscore:{r['topic']}", "prediction": r["output"],
                         "reference": reference})

    bench = data / "japanese-mt-bench"
    references = {r["question_id"]: r["choices"][0]["turns"][0]
                  for r in read_jsonl(bench / "reference_answer" / "gpt-4.jsonl")}
    for answers in sorted((bench / "model_answer").glob("*.jsonl")):
        for r in read_jsonl(answers):
            reference = references.get(r["question_id"])
            prediction = r["choices"][0]["turns"][0]
            if reference is None or prediction is None:
                continue
            kind = "ascii" if prediction.isascii() and reference.isascii() else "mixed"
            rows.append({"id": f"mt-bench-{kind}:{answers.stem}:{r['question_id']}",
                         "prediction": prediction, "reference": reference})

    corner_cases = [
        ("The Cat sat on the MAT.", "the cat sat on the mat"),
        ("3.14159 is pi; 42 is the answer!", "Pi is 3.14159, and the answer is 42"),
        ("\u212Aelvin scale: 273 \u212A", "Kelvin scale 273 K"),
        ("\u0130stanbul is in T\u00fcrkiye", "Istanbul is in Turkey"),
        ("", "non-empty reference"),
        ("!!! ??? ...", "only punctuation on the other side"),
        ("caf\u00e9 na\u00efve r\u00e9sum\u00e9", "cafe naive resume"),
        ("snake_case and kebab-case and CamelCase", "snake case and kebab case and camel case"),
    ]
    for i, (prediction, reference) in enumerate(corner_cases):
        rows.append({"id": f"corner:{i}", "prediction": prediction, "reference": reference})

    for row in rows:
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
