"""Generates the benchmark inputs from the demo data (run by bench.sh; output is not committed).

Rows are drawn with a fixed seed, half English (a FActScore ChatGPT biography against the
InstructGPT one for the same person) and half Japanese MT-Bench (a model's turn-1 answer
against GPT-4's reference), so lengths and scripts are those of the demo runs.

Usage:
  python make_table.py REPO_ROOT pairs ROWS OUT.jsonl     # {"id","prediction","reference"} lines
  python make_table.py REPO_ROOT table ROWS OUT.json      # eval_results_table.json (pandas split)
"""

from __future__ import annotations

import json
import pathlib
import random
import sys


def read_jsonl(path: pathlib.Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def source_pairs(root: pathlib.Path) -> tuple[list[tuple], list[tuple]]:
    data = root / "demo" / "data"
    instruct = {r["topic"]: r["output"] for r in read_jsonl(data / "factscore-bios" / "InstructGPT.jsonl")}
    english = [("bio", r["input"], r["output"], instruct[r["topic"]])
               for r in read_jsonl(data / "factscore-bios" / "ChatGPT.jsonl")
               if r.get("output") and instruct.get(r["topic"])]
    bench = data / "japanese-mt-bench"
    questions = {q["question_id"]: q for q in read_jsonl(bench / "question.jsonl")}
    references = {r["question_id"]: r["choices"][0]["turns"][0]
                  for r in read_jsonl(bench / "reference_answer" / "gpt-4.jsonl")}
    japanese = []
    for answers in sorted((bench / "model_answer").glob("*.jsonl")):
        for r in read_jsonl(answers):
            qid = r["question_id"]
            if qid in references:
                q = questions.get(qid, {})
                japanese.append((q.get("category", "unknown"), q.get("turns", [""])[0],
                                 r["choices"][0]["turns"][0], references[qid]))
    return english, japanese


def rows(root: pathlib.Path, count: int):
    english, japanese = source_pairs(root)
    rng = random.Random(42)
    for i in range(count):
        pool = english if i % 2 == 0 else japanese
        yield i, pool[rng.randrange(len(pool))]


def main() -> None:
    root, kind, count, out = pathlib.Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
    with open(out, "w", encoding="utf-8") as f:
        if kind == "pairs":
            for i, (_, _, prediction, reference) in rows(root, count):
                f.write(json.dumps({"id": str(i), "prediction": prediction,
                                    "reference": reference}, ensure_ascii=False) + "\n")
            return
        f.write('{"columns":["question_id","category","inputs","ground_truth","outputs",'
                '"judge_score"],"data":[')
        for i, (category, prompt, prediction, reference) in rows(root, count):
            row = [str(i), category, prompt, reference, prediction, float(1 + i % 10)]
            f.write(("," if i else "") + json.dumps(row, ensure_ascii=False))
        f.write("]}")


if __name__ == "__main__":
    main()
