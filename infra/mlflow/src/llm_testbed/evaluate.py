"""Evaluation driver: runs ``mlflow.evaluate`` on a dataset with metrics that work offline.

Two sources of answers: a logged pyfunc model (``model_uri``; the model is called on the
``inputs`` column) or recorded predictions (a column of the dataset, ``predictions``).

Before evaluating, the driver probes the built-in metrics of the requested ``model_type``
(:func:`llm_testbed.metrics.probe_builtin_metrics`). If all of them work it passes
``model_type`` to MLflow unchanged. Otherwise it passes ``model_type=None`` and the working
built-ins as ``extra_metrics``, because MLflow has no switch to drop one built-in, and one
that raises (``token_count`` without tiktoken) fails the whole evaluation. Either way the run
says what happened in tags: ``testbed.model_type`` (requested), ``testbed.mlflow_model_type``
(passed), ``testbed.metrics`` (computed, JSON list) and ``testbed.skipped_metrics`` (JSON object
name -> reason).

Nulls, validated before any run is started (an input error leaves no run behind), the same way
as the Java AIT: a null recorded prediction counts as wrong (it is scored as the empty string),
is counted in the tag ``testbed.null_predictions`` and logged as a WARNING; a row whose target is
null has no reference and is left out (tag ``testbed.null_targets``, WARNING). All predictions
null, or all targets null, is an error (``ValueError``). The logged table then has the empty
string where the prediction was null and lacks the rows without a target.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mlflow
import pandas as pd
from mlflow.models import EvaluationMetric

from llm_testbed import egress
from llm_testbed.datasets import dataset_digest, load_table
from llm_testbed.metrics import (
    BUILTIN_METRICS,
    builtin_metric,
    offline_equivalents,
    probe_builtin_metrics,
)

_logger = logging.getLogger("llm_testbed.evaluate")  # also under python -m
EVAL_TABLE_ARTIFACT = "eval_results_table.json"
TAG_MODEL_ID = "testbed.model_id"
TAG_DATASET = "testbed.dataset"
TAG_DATASET_DIGEST = "testbed.dataset_digest"
TAG_MODEL_TYPE = "testbed.model_type"
TAG_MLFLOW_MODEL_TYPE = "testbed.mlflow_model_type"
TAG_METRICS = "testbed.metrics"
TAG_SKIPPED_METRICS = "testbed.skipped_metrics"
TAG_SOURCE = "testbed.source"
TAG_NULL_PREDICTIONS = "testbed.null_predictions"
TAG_NULL_TARGETS = "testbed.null_targets"

# (metric, reason) pairs already reported by this process (the demo evaluates many runs).
_reported_skips: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class EvaluationOutcome:
    """What one driver run logged: the run, its aggregate metrics, and which built-ins were
    skipped (name -> reason)."""

    run_id: str
    experiment_id: str
    metrics: dict[str, float]
    computed_metrics: list[str]
    skipped_metrics: dict[str, str] = field(default_factory=dict)
    null_predictions: int = 0
    null_targets: int = 0


def _require_columns(df: pd.DataFrame, columns: Sequence[str | None], what: str) -> None:
    missing = [c for c in columns if c is not None and c not in df.columns]
    if missing:
        raise ValueError(
            f"{what}: dataset lacks column(s) {missing}; it has {list(df.columns)}; fix: rename "
            "the columns or pass --inputs-col/--targets-col/--predictions-col"
        )


def prepare_nulls(
    df: pd.DataFrame, *, predictions: str | None, targets: str | None
) -> tuple[pd.DataFrame, int, int]:
    """Return (table to evaluate, null predictions, null targets) as the module docstring says.

    Rows with a null target are dropped first; null predictions among the remaining rows become
    ``""``. Raises ``ValueError`` when every target or every prediction is null.
    """
    out = df
    null_targets = 0
    if targets is not None:
        missing = out[targets].isna()
        null_targets = int(missing.sum())
        if null_targets == len(out):
            raise ValueError(
                f"evaluate: all {len(out)} rows have a null target in column {targets!r}, so no "
                "row has a reference to compare with; fix: pass --targets-col with the column of "
                "reference answers, or --targets-col none to evaluate without references"
            )
        if null_targets:
            out = out[~missing].reset_index(drop=True)
    null_predictions = 0
    if predictions is not None:
        missing = out[predictions].isna()
        null_predictions = int(missing.sum())
        if null_predictions == len(out):
            raise ValueError(
                f"evaluate: all {len(out)} predictions in column {predictions!r} are null (rows "
                "with a target), so the model answered nothing; fix: pass --predictions-col with "
                "the column of the model's answers, or re-run the model"
            )
        if null_predictions:
            out = out.copy()
            out[predictions] = out[predictions].astype(object).where(~missing, "")
    return out, null_predictions, null_targets


def _report_skipped(skipped: Mapping[str, str]) -> None:
    """One WARNING naming the skipped built-ins not yet reported by this process (the demo
    evaluates five runs); the run tags keep the full list."""
    new = sorted((n, r) for n, r in skipped.items() if (n, r) not in _reported_skips)
    if not new:
        return
    _reported_skips.update(new)
    _logger.warning(
        "Built-in metrics skipped (%d): %s; each run records this in tag %s (shown once per "
        "process)",
        len(new),
        "; ".join(f"{name}: {reason}" for name, reason in new),
        TAG_SKIPPED_METRICS,
    )


def select_metrics(
    model_type: str, *, has_targets: bool, extra_metrics: Sequence[EvaluationMetric] = ()
) -> tuple[str | None, list[EvaluationMetric], dict[str, str]]:
    """Decide (mlflow_model_type, extra_metrics, skipped) for ``model_type`` on this machine."""
    probes = probe_builtin_metrics(model_type)
    skipped = {name: str(p.reason) for name, p in probes.items() if not p.works}
    if not has_targets and "exact_match" in probes and "exact_match" not in skipped:
        skipped["exact_match"] = "needs targets; none given"
    added = offline_equivalents(model_type, skipped, has_targets=has_targets)
    if not skipped:
        return model_type, [*added, *extra_metrics], {}
    # LIMIT: with model_type=None MLflow's UI does not label the run by type; the tags do.
    working = [builtin_metric(n) for n in BUILTIN_METRICS[model_type] if n not in skipped]
    return None, [*working, *added, *extra_metrics], skipped


# Every HTTP request of this process (MLflow tracking, artifact proxy, the pyfunc LLM model) is
# checked against the egress allow-list and audited (docs/egress.md).
egress.install_guard()

EGRESS_PURPOSE = "mlflow.tracking"


def check_tracking_egress() -> None:
    """Raises :class:`egress.EgressDenied` when the MLflow tracking URI is an http(s) server the
    egress allow-list does not allow; local stores (sqlite, file) send nothing."""
    uri = mlflow.get_tracking_uri()
    if uri.lower().startswith(("http://", "https://")):
        egress.check(uri, EGRESS_PURPOSE, "evaluation run (tags, metrics, eval table)", -1)


def run_evaluation(
    data: pd.DataFrame | str | Path,
    *,
    experiment_name: str,
    model_uri: str | None = None,
    predictions: str | None = None,
    targets: str | None = "ground_truth",
    inputs_col: str = "inputs",
    model_type: str = "question-answering",
    extra_metrics: Sequence[EvaluationMetric] = (),
    run_name: str | None = None,
    model_id: str | None = None,
    dataset_name: str | None = None,
    tags: Mapping[str, str] | None = None,
    inference_params: Mapping[str, Any] | None = None,
    run_metrics: Mapping[str, float] | None = None,
) -> EvaluationOutcome:
    """Evaluate one model (``model_uri``) or one column of recorded answers (``predictions``)
    on ``data`` and log a FINISHED run to ``experiment_name`` (created if absent).

    Exactly one of ``model_uri`` and ``predictions`` must be given. ``targets=None`` evaluates
    without references. The run gets the tags described in the module docstring plus
    ``testbed.model_id`` (default: run name, else model URI), ``testbed.dataset`` (default: the
    file stem, else ``"dataframe"``) and ``testbed.dataset_digest``; ``tags`` adds more.
    ``run_metrics`` are logged in the same run before evaluating, so a FINISHED run always has
    them (a failed evaluation leaves the run FAILED). The run's outbound HTTP calls are logged
    as artifact ``egress_audit.jsonl``; a tracking server the egress allow-list does not allow
    raises :class:`egress.EgressDenied` (a ValueError) before anything is sent.
    """
    check_tracking_egress()
    if (model_uri is None) == (predictions is None):
        raise ValueError(
            f"give exactly one of model_uri and predictions, found model_uri={model_uri!r}, "
            f"predictions={predictions!r}; fix: --model-uri runs:/<id>/model, or "
            "--predictions-col outputs for recorded answers"
        )
    df = load_table(data) if isinstance(data, (str, Path)) else data
    if df.empty:
        raise ValueError("dataset has no rows; fix: pass a file with at least one row")
    _require_columns(df, [inputs_col if model_uri else None, predictions, targets], "evaluate")
    if dataset_name is None:
        dataset_name = Path(data).stem if isinstance(data, (str, Path)) else "dataframe"
    digest = dataset_digest(df)
    df, null_predictions, null_targets = prepare_nulls(df, predictions=predictions, targets=targets)
    if null_predictions:
        _logger.warning(
            "%d of %d predictions in column %r are null; each is scored as the empty string "
            "(wrong) and counted in tag %s",
            null_predictions,
            len(df),
            predictions,
            TAG_NULL_PREDICTIONS,
        )
    if null_targets:
        _logger.warning(
            "%d of %d rows have a null target in column %r and are left out (tag %s)",
            null_targets,
            len(df) + null_targets,
            targets,
            TAG_NULL_TARGETS,
        )
    mlflow_model_type, metrics, skipped = select_metrics(
        model_type, has_targets=targets is not None, extra_metrics=extra_metrics
    )
    _report_skipped(skipped)
    metric_names = [m.name for m in metrics]
    run_tags = {
        TAG_MODEL_ID: model_id or run_name or str(model_uri or predictions),
        TAG_DATASET: dataset_name,
        TAG_DATASET_DIGEST: digest,
        TAG_MODEL_TYPE: model_type,
        TAG_MLFLOW_MODEL_TYPE: str(mlflow_model_type),
        TAG_METRICS: json.dumps(metric_names),
        TAG_SKIPPED_METRICS: json.dumps(skipped, ensure_ascii=False),
        TAG_SOURCE: f"model:{model_uri}" if model_uri else f"recorded-predictions:{predictions}",
        TAG_NULL_PREDICTIONS: str(null_predictions),
        TAG_NULL_TARGETS: str(null_targets),
        **(tags or {}),
    }
    audit_start = len(egress.audit().entries())
    with egress.purpose(EGRESS_PURPOSE):
        experiment = mlflow.set_experiment(experiment_name)
    with (
        egress.purpose(EGRESS_PURPOSE),
        mlflow.start_run(run_name=run_name, tags=run_tags) as run,
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore", FutureWarning)
        if run_metrics:
            mlflow.log_metrics(dict(run_metrics))
        result = mlflow.evaluate(
            model=model_uri,
            data=df,
            predictions=predictions,
            targets=targets,
            model_type=mlflow_model_type,
            extra_metrics=list(metrics),
            evaluators="default",
            inference_params=dict(inference_params) if inference_params else None,
        )
        # The calls up to here; logging this artifact is itself one more (not in the file).
        mlflow.log_text(egress.audit().to_jsonl(since=audit_start), egress.AUDIT_FILE_NAME)
    return EvaluationOutcome(
        run_id=run.info.run_id,
        experiment_id=experiment.experiment_id,
        metrics={k: float(v) for k, v in {**(run_metrics or {}), **result.metrics}.items()},
        computed_metrics=metric_names,
        skipped_metrics=skipped,
        null_predictions=null_predictions,
        null_targets=null_targets,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m llm_testbed.evaluate",
        description="Run mlflow.evaluate on a dataset with metrics that work offline.",
    )
    parser.add_argument("dataset", help="JSONL, JSON, CSV or Parquet file")
    parser.add_argument("--experiment", required=True, help="MLflow experiment name")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--model-uri", help="logged pyfunc model, e.g. models:/name@alias")
    source.add_argument("--predictions-col", help="column of recorded answers, e.g. outputs")
    parser.add_argument(
        "--targets-col", default="ground_truth", help="reference column; 'none' for no references"
    )
    parser.add_argument("--inputs-col", default="inputs")
    parser.add_argument(
        "--model-type", default="question-answering", choices=sorted(BUILTIN_METRICS)
    )
    parser.add_argument("--run-name")
    parser.add_argument("--model-id", help="value of the testbed.model_id tag")
    parser.add_argument("--dataset-name", help="value of the testbed.dataset tag")
    parser.add_argument("--tracking-uri", help="default: $MLFLOW_TRACKING_URI")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.tracking_uri:
        mlflow.set_tracking_uri(args.tracking_uri)
    try:
        outcome = _run_from_args(args)
    except (ValueError, FileNotFoundError) as err:
        # Input errors are found before a run is started, so nothing is left behind.
        print(f"llm_testbed.evaluate: ERROR: {err}", file=sys.stderr)
        return 2
    print(
        json.dumps(
            {
                "run_id": outcome.run_id,
                "experiment_id": outcome.experiment_id,
                "metrics": outcome.metrics,
                "skipped_metrics": outcome.skipped_metrics,
                "null_predictions": outcome.null_predictions,
                "null_targets": outcome.null_targets,
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    return 0


def _run_from_args(args: argparse.Namespace) -> EvaluationOutcome:
    return run_evaluation(
        args.dataset,
        experiment_name=args.experiment,
        model_uri=args.model_uri,
        predictions=args.predictions_col,
        targets=None if args.targets_col.lower() == "none" else args.targets_col,
        inputs_col=args.inputs_col,
        model_type=args.model_type,
        run_name=args.run_name,
        model_id=args.model_id,
        dataset_name=args.dataset_name,
    )


if __name__ == "__main__":
    sys.exit(main())
