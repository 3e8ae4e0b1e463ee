"""Which MLflow built-in LLM metrics work on this machine, and offline equivalents.

MLflow's built-in text metrics need optional packages and, for some, network access
(tiktoken's encoding file, Hugging Face ``evaluate`` scripts and models). When they cannot run,
MLflow either fails the whole evaluation (``token_count`` raises in ``_test_first_row``) or logs
a warning and silently logs nothing (toxicity, readability, ROUGE). :func:`probe_builtin_metrics`
finds out which ones work by running each on two sample rows in a fresh interpreter, so the
driver can run only working ones and say which were skipped and why.
"""

from __future__ import annotations

import functools
import json
import math
import os
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from mlflow.metrics import MetricValue
from mlflow.models import EvaluationMetric, make_metric

QUESTION_ANSWERING = "question-answering"
TEXT = "text"
TEXT_SUMMARIZATION = "text-summarization"
_TEXT_BUILTINS = ("token_count", "toxicity", "flesch_kincaid_grade_level", "ari_grade_level")
BUILTIN_METRICS: dict[str, tuple[str, ...]] = {
    QUESTION_ANSWERING: (*_TEXT_BUILTINS, "exact_match"),
    TEXT: _TEXT_BUILTINS,
    TEXT_SUMMARIZATION: (*_TEXT_BUILTINS, "rouge1", "rouge2", "rougeL", "rougeLsum"),
}
PROBE_TIMEOUT_SECONDS = 180.0


@dataclass(frozen=True)
class ProbeResult:
    """Outcome of running one built-in metric on sample rows: ``works`` or the ``reason``."""

    name: str
    works: bool
    reason: str | None = None


_PROBE_SCRIPT = r"""
import json, logging, sys, warnings
warnings.filterwarnings("ignore")
import pandas as pd
import mlflow.metrics as m
messages = []
class Capture(logging.Handler):
    def emit(self, record):
        messages.append(record.getMessage())
logging.getLogger("mlflow.metrics").addHandler(Capture())
predictions = pd.Series(["The cat sat on the mat.", "日本の首都は東京です。"])
targets = pd.Series(["The cat sat on the mat.", "東京"])
out = {}
for name in json.loads(sys.argv[1]):
    messages.clear()
    try:
        value = getattr(m, name)().eval_fn(predictions, targets, {})
    except Exception as e:
        out[name] = {"works": False, "reason": "raises " + repr(e)[:300]}
        continue
    if value is None:
        reason = messages[-1] if messages else "returned None without a message"
        out[name] = {"works": False, "reason": "silently skipped by MLflow: " + reason[:300]}
    else:
        out[name] = {"works": True, "reason": None}
print("PROBE_RESULT " + json.dumps(out))
"""


# LIMIT: two sample rows decide; a metric failing only on real rows still fails the evaluation.
@functools.cache
def _probe(names: tuple[str, ...]) -> tuple[ProbeResult, ...]:
    try:
        done = subprocess.run(
            [sys.executable, "-c", _PROBE_SCRIPT, json.dumps(list(names))],
            capture_output=True,
            text=True,
            timeout=PROBE_TIMEOUT_SECONDS,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
            check=False,
        )
    except subprocess.TimeoutExpired:
        reason = f"probe did not finish within {PROBE_TIMEOUT_SECONDS:.0f} s (network wait?)"
        return tuple(ProbeResult(n, False, reason) for n in names)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("PROBE_RESULT ")), None)
    if line is None:
        reason = f"probe process failed (exit {done.returncode}): {done.stderr.strip()[-300:]}"
        return tuple(ProbeResult(n, False, reason) for n in names)
    raw = json.loads(line[len("PROBE_RESULT ") :])
    return tuple(ProbeResult(n, raw[n]["works"], raw[n]["reason"]) for n in names)


def probe_builtin_metrics(model_type: str) -> dict[str, ProbeResult]:
    """Run each built-in metric of ``model_type`` on two sample rows (English and Japanese) in a
    subprocess; results are cached per interpreter."""
    if model_type not in BUILTIN_METRICS:
        raise ValueError(
            f"model_type {model_type!r} is not supported by the driver; use one of "
            f"{list(BUILTIN_METRICS)}"
        )
    # One subprocess for all built-ins: starting an interpreter with MLflow costs seconds.
    every = tuple(sorted({n for names in BUILTIN_METRICS.values() for n in names}))
    results = {r.name: r for r in _probe(every)}
    return {n: results[n] for n in BUILTIN_METRICS[model_type]}


def builtin_metric(name: str) -> EvaluationMetric:
    """The MLflow built-in metric object of that name (``mlflow.metrics.<name>()``)."""
    import warnings

    import mlflow.metrics

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecated since 3.4 in favour of mlflow.genai scorers
        return getattr(mlflow.metrics, name)()


def _aggregate(scores: Sequence[float | None]) -> dict[str, float]:
    values = [s for s in scores if s is not None and not math.isnan(s)]
    if not values:
        return {}
    return {
        "mean": float(np.mean(values)),
        "variance": float(np.var(values)),
        "p90": float(np.percentile(values, 90)),
    }


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


class CharTokenizer:
    """ROUGE tokenizer over characters (whitespace dropped): works for Japanese, where
    rouge-score's default tokenizer keeps only ``[a-z0-9]`` and so scores every pair 0."""

    def tokenize(self, text: str) -> list[str]:
        return [c for c in text.lower() if not c.isspace()]


def rouge_metric(rouge_type: str = "rougeL", *, char_level: bool = False) -> EvaluationMetric:
    """ROUGE F-measure per row through the ``rouge-score`` package (no download needed).

    ``char_level=False`` uses rouge-score's default tokenizer, the one MLflow's built-in (through
    Hugging Face ``evaluate``) uses; it drops non-ASCII characters, so Japanese scores 0.
    ``char_level=True`` uses :class:`CharTokenizer`; its metric name is ``char_<rouge_type>``.
    Rows whose prediction or target is missing score null and are left out of the aggregates.
    """
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(
        [rouge_type], use_stemmer=False, tokenizer=CharTokenizer() if char_level else None
    )

    def eval_fn(predictions: pd.Series, targets: pd.Series) -> MetricValue:
        scores: list[float | None] = []
        for prediction, target in zip(predictions, targets, strict=True):
            if _is_text(prediction) and _is_text(target):
                scores.append(float(scorer.score(target, prediction)[rouge_type].fmeasure))
            else:
                scores.append(None)
        return MetricValue(scores=scores, aggregate_results=_aggregate(scores))

    return make_metric(
        eval_fn=eval_fn,
        greater_is_better=True,
        name=f"char_{rouge_type}" if char_level else rouge_type,
        version="v1",
    )


# LIMIT: characters, not tokens: no tokenizer file can be fetched offline.
def output_chars_metric() -> EvaluationMetric:
    """Length of each output in characters: the offline stand-in for ``token_count`` (no
    tokenizer file needed; characters are not tokens, hence the different name)."""

    def eval_fn(predictions: pd.Series) -> MetricValue:
        scores = [float(len(p)) if _is_text(p) else None for p in predictions]
        return MetricValue(scores=scores, aggregate_results=_aggregate(scores))

    return make_metric(eval_fn=eval_fn, greater_is_better=False, name="output_chars")


def offline_equivalents(
    model_type: str, skipped: Iterable[str], *, has_targets: bool
) -> list[EvaluationMetric]:
    """Offline metrics the driver adds: ``output_chars`` when ``token_count`` is skipped, and
    for reference-based runs ROUGE-L (default and character tokenizer) plus the ROUGE family
    for summarization when the built-ins are skipped."""
    skipped = set(skipped)
    # LIMIT: toxicity has no offline equivalent (it needs a Hugging Face model download).
    metrics: list[EvaluationMetric] = []
    if "token_count" in skipped:
        metrics.append(output_chars_metric())
    if not has_targets:
        return metrics
    if model_type == TEXT_SUMMARIZATION:
        metrics += [
            rouge_metric(r) for r in ("rouge1", "rouge2", "rougeL", "rougeLsum") if r in skipped
        ]
    else:
        metrics.append(rouge_metric("rougeL"))
    metrics.append(rouge_metric("rougeL", char_level=True))
    return metrics
