"""Reference scores from the Python ``rouge-score`` package, for the Java engine's tests and bench.

Reads a JSONL file of ``{"id": ..., "prediction": str, "reference": str}`` and writes one JSONL
line per row: ``{"id", "rouge_l", "token_f1", "exact_match"}``, where

* ``rouge_l`` is ``RougeScorer(["rougeL"], use_stemmer=False).score(reference, prediction)``
  F-measure: exactly what MLflow's ``rougeL/v1`` computes through Hugging Face ``evaluate``;
* ``token_f1`` is SQuAD-style bag-of-tokens F1 on rouge-score's default tokens (0 when either
  side has no tokens, the same convention as rouge-score's ROUGE-L);
* ``exact_match`` is 1.0 when the raw strings are equal (scikit-learn ``accuracy_score``
  semantics, used by MLflow's ``exact_match/v1``).

Floats are written with ``repr`` so no digit is lost. With ``--quiet`` nothing is written and
only a one-line summary (rows, seconds) goes to stderr: the benchmark mode.

Usage: python rouge_reference.py INPUT.jsonl [OUTPUT.jsonl | --quiet]
"""

from __future__ import annotations

import collections
import json
import sys
import time

from rouge_score import rouge_scorer, tokenizers


def token_f1(prediction_tokens: list[str], reference_tokens: list[str]) -> float:
    if not prediction_tokens or not reference_tokens:
        return 0.0
    common = collections.Counter(prediction_tokens) & collections.Counter(reference_tokens)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision = same / len(prediction_tokens)
    recall = same / len(reference_tokens)
    return 2 * precision * recall / (precision + recall)


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    quiet = len(argv) == 3 and argv[2] == "--quiet"
    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=False)
    tokenizer = tokenizers.DefaultTokenizer(use_stemmer=False)
    out = None if quiet or len(argv) == 2 else open(argv[2], "w", encoding="utf-8")
    rows = 0
    started = time.perf_counter()
    with open(argv[1], encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            prediction, reference = row["prediction"], row["reference"]
            rouge_l = scorer.score(reference, prediction)["rougeL"].fmeasure
            f1 = token_f1(tokenizer.tokenize(prediction), tokenizer.tokenize(reference))
            exact = 1.0 if prediction == reference else 0.0
            rows += 1
            if out is not None:
                record = {"id": row["id"], "rouge_l": rouge_l, "token_f1": f1, "exact_match": exact}
                out.write(json.dumps(record) + "\n")
            elif not quiet:
                print(json.dumps({"id": row["id"], "rouge_l": rouge_l, "token_f1": f1}))
    seconds = time.perf_counter() - started
    if out is not None:
        out.close()
    print(f"rouge_reference: {rows} rows in {seconds:.3f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
