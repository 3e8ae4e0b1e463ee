"""Logs the demo evaluation runs (recorded 2023 model outputs) to an MLflow tracking server.

Experiments and runs:

* ``demo-japanese-mt-bench``: one run per model with answers (3), 80 rows each, evaluated on
  the recorded answers against GPT-4's reference answers; the GPT-4 judge scores are logged as
  ``judge_score/mean`` and ``judge_score/<category>/mean``.
* ``demo-factscore-bios``: runs ``ChatGPT`` and ``InstructGPT``, 183 rows each, no references;
  the human FActScore labels are summarised as ``human_factscore/*`` metrics.

Idempotent: a FINISHED run in the experiment with the same ``testbed.model_id`` and
``testbed.dataset_digest`` is reused instead of logging a new one.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import mlflow
import pandas as pd
from mlflow.entities import Run

from llm_testbed.datasets import dataset_digest
from llm_testbed.demo_data import (
    FACTSCORE_DATASET,
    FACTSCORE_MODELS,
    JMT_DATASET,
    JMT_MODELS,
    default_data_dir,
    factscore_table,
    jmt_bench_table,
)
from llm_testbed.evaluate import TAG_DATASET_DIGEST, TAG_MODEL_ID, run_evaluation

_logger = logging.getLogger(__name__)
EXPERIMENTS = {
    JMT_DATASET: "demo-japanese-mt-bench",
    FACTSCORE_DATASET: "demo-factscore-bios",
}
TAG_DATA_NOTE = "testbed.data_note"
_NOTES = {
    JMT_DATASET: "Recorded model answers (2023, turn 1) from Stability-AI/FastChat jp-stable "
    "aedb44e; ground_truth = GPT-4 reference; judge_score = GPT-4 single-answer score (1-10).",
    FACTSCORE_DATASET: "Recorded ChatGPT/InstructGPT biographies (2023) with human FActScore "
    "labels (Min et al., 2023); no reference answers.",
}


@dataclass(frozen=True)
class DemoRun:
    """One demo run: dataset, model, the run id, and whether it was reused."""

    dataset: str
    model_id: str
    run_id: str
    reused: bool


def find_finished_run(experiment_name: str, model_id: str, digest: str) -> Run | None:
    """The newest FINISHED, active run with these ``testbed.model_id`` and digest, if any."""
    experiment = mlflow.get_experiment_by_name(experiment_name)
    if experiment is None:
        return None
    runs = mlflow.MlflowClient().search_runs(
        [experiment.experiment_id],
        filter_string=(
            f"tags.`{TAG_MODEL_ID}` = '{model_id}' and tags.`{TAG_DATASET_DIGEST}` = '{digest}' "
            "and attributes.status = 'FINISHED'"
        ),
        order_by=["attributes.start_time DESC"],
        max_results=1,
    )
    return runs[0] if runs else None


def judge_metrics(table: pd.DataFrame) -> dict[str, float]:
    """Mean judge score overall and per category, and the number of judged rows."""
    judged = table.dropna(subset=["judge_score"])
    metrics = {
        "judge_score/mean": float(judged["judge_score"].mean()),
        "judge_score/count": float(len(judged)),
    }
    for category, group in judged.groupby("category"):
        metrics[f"judge_score/{category}/mean"] = float(group["judge_score"].mean())
    return metrics


def human_factscore_metrics(table: pd.DataFrame) -> dict[str, float]:
    """Summary of the human labels: per-response precision S/(S+NS) averaged over responses
    with at least one S or NS fact, fact counts by label, and abstentions."""
    counts = {"S": 0, "NS": 0, "IR": 0}
    precisions: list[float] = []
    abstained = 0
    for raw in table["annotations"]:
        if raw is None or (isinstance(raw, float) and pd.isna(raw)):
            abstained += 1
            continue
        row = {"S": 0, "NS": 0, "IR": 0}
        for sentence in json.loads(raw):
            for fact in sentence.get("human-atomic-facts") or []:
                if fact.get("label") in row:
                    row[fact["label"]] += 1
        for k, v in row.items():
            counts[k] += v
        if row["S"] + row["NS"] > 0:
            precisions.append(row["S"] / (row["S"] + row["NS"]))
    return {
        "human_factscore/precision_mean": sum(precisions) / len(precisions),
        "human_factscore/responses_scored": float(len(precisions)),
        "human_factscore/abstained": float(abstained),
        "human_factscore/facts_S": float(counts["S"]),
        "human_factscore/facts_NS": float(counts["NS"]),
        "human_factscore/facts_IR": float(counts["IR"]),
    }


def _log_one(experiment: str, dataset: str, model_id: str, table: pd.DataFrame) -> DemoRun:
    digest = dataset_digest(table)
    existing = find_finished_run(experiment, model_id, digest)
    if existing is not None:
        _logger.info("Reusing run %s for %s / %s", existing.info.run_id, dataset, model_id)
        return DemoRun(dataset, model_id, existing.info.run_id, reused=True)
    is_jmt = dataset == JMT_DATASET
    outcome = run_evaluation(
        table,
        experiment_name=experiment,
        predictions="outputs",
        targets="ground_truth" if is_jmt else None,
        model_type="question-answering" if is_jmt else "text",
        run_name=model_id,
        model_id=model_id,
        dataset_name=dataset,
        tags={TAG_DATA_NOTE: _NOTES[dataset]},
        run_metrics=judge_metrics(table) if is_jmt else human_factscore_metrics(table),
    )
    _logger.info("Logged run %s for %s / %s", outcome.run_id, dataset, model_id)
    return DemoRun(dataset, model_id, outcome.run_id, reused=False)


def log_demo(
    *,
    data_dir: Path | None = None,
    datasets: Sequence[str] = (JMT_DATASET, FACTSCORE_DATASET),
    experiments: Mapping[str, str] | None = None,
) -> list[DemoRun]:
    """Log (or reuse) every demo run of ``datasets`` to the current tracking server.

    ``experiments`` maps dataset -> experiment name and defaults to :data:`EXPERIMENTS` (the
    names the AITs expect); tests pass their own names to start from empty experiments.
    """
    unknown = sorted(set(datasets) - set(EXPERIMENTS))
    if unknown:
        raise ValueError(f"unknown demo dataset(s) {unknown}; use {sorted(EXPERIMENTS)}")
    names = {**EXPERIMENTS, **(experiments or {})}
    root = data_dir or default_data_dir()
    runs: list[DemoRun] = []
    if JMT_DATASET in datasets:
        runs += [
            _log_one(names[JMT_DATASET], JMT_DATASET, m, jmt_bench_table(root, m))
            for m in JMT_MODELS
        ]
    if FACTSCORE_DATASET in datasets:
        runs += [
            _log_one(names[FACTSCORE_DATASET], FACTSCORE_DATASET, m, factscore_table(root, m))
            for m in FACTSCORE_MODELS
        ]
    return runs


def write_run_reference(path: Path, runs: Sequence[DemoRun]) -> None:
    """Write ``{"tracking_uri": ..., "run_ids": [...]}`` for an AIT's ``evaluation_runs``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    reference = {"tracking_uri": mlflow.get_tracking_uri(), "run_ids": [r.run_id for r in runs]}
    path.write_text(json.dumps(reference, indent=2) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m llm_testbed.demo",
        description="Log the demo evaluation runs (recorded 2023 outputs) to MLflow.",
    )
    parser.add_argument("--tracking-uri", help="default: $MLFLOW_TRACKING_URI")
    parser.add_argument("--data-dir", type=Path, help="default: <repo>/demo/data")
    parser.add_argument(
        "--datasets",
        nargs="+",
        default=[JMT_DATASET, FACTSCORE_DATASET],
        choices=sorted(EXPERIMENTS),
    )
    parser.add_argument(
        "--run-reference-out",
        type=Path,
        help="write a run-reference JSON with the Japanese MT-Bench run ids (the input of the "
        "answer-accuracy AIT)",
    )
    parser.add_argument(
        "--factscore-run-reference-out",
        type=Path,
        help="write a run-reference JSON with the FActScore run ids",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.tracking_uri:
        mlflow.set_tracking_uri(args.tracking_uri)
    runs = log_demo(data_dir=args.data_dir, datasets=args.datasets)
    for r in runs:
        print(f"{r.dataset}\t{r.model_id}\t{r.run_id}\t{'reused' if r.reused else 'logged'}")
    outputs = (
        (args.run_reference_out, JMT_DATASET),
        (args.factscore_run_reference_out, FACTSCORE_DATASET),
    )
    for path, dataset in outputs:
        if path is None:
            continue
        selected = [r for r in runs if r.dataset == dataset]
        if not selected:
            parser.error(f"a run reference for {dataset} needs --datasets to include {dataset}")
        write_run_reference(path, selected)
        print(f"run reference ({dataset}, {len(selected)} runs): {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
