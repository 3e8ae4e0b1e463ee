"""Independent check of the SAFE AIT's human-label mode.

Reads a FActScore labelled JSONL file (one response a line, ``annotations`` = list of sentences
with ``human-atomic-facts`` = [{text, label in S/NS/IR}], or null when the model abstained) and
prints one JSON object per response: row, abstained, S, NS, IR and precision = S / (S + NS)
with IR facts excluded (FActScore's convention), null when S + NS = 0 or the row abstained.
The last line is the model summary: mean precision over responses where it is defined.

usage: python human_precision.py FILE.jsonl
"""

from __future__ import annotations

import json
import sys


def per_response(line: dict) -> dict:
    annotations = line.get("annotations")
    if annotations is None:
        return {"abstained": True, "S": None, "NS": None, "IR": None, "precision": None}
    counts = {"S": 0, "NS": 0, "IR": 0}
    for sentence in annotations:
        for fact in sentence.get("human-atomic-facts") or []:
            counts[fact["label"]] += 1
    rated = counts["S"] + counts["NS"]
    precision = counts["S"] / rated if rated else None
    return {"abstained": False, **counts, "precision": precision}


def main(path: str) -> None:
    precisions = []
    with open(path, encoding="utf-8") as f:
        for row, text in enumerate(line for line in f if line.strip()):
            result = {"row": row, **per_response(json.loads(text))}
            if result["precision"] is not None:
                precisions.append(result["precision"])
            print(json.dumps(result))
    summary = {"summary": True, "responses": len(precisions),
               "mean_precision": sum(precisions) / len(precisions) if precisions else None}
    print(json.dumps(summary))


if __name__ == "__main__":
    main(sys.argv[1])
