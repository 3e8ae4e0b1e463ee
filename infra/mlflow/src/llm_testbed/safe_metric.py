"""SAFE long-form factuality as an ``mlflow.evaluate`` extra metric.

:func:`safe_factuality` returns an :class:`~mlflow.models.EvaluationMetric` whose ``eval_fn``
writes the evaluated rows to a JSONL file, runs the Java SAFE engine in batch (``SafeCli batch``
from the SAFE AIT's jar), reads the per-row scores back and returns them as a
:class:`~mlflow.metrics.MetricValue`. ``mlflow.evaluate`` probes a custom metric on the first row
before the full call; that row's scores are kept, so each evaluate call starts the JVM twice
(first row, then the rest) and scores every row once::

    result = mlflow.evaluate(
        data=df,  # columns "inputs" (the prompt) and "outputs" (the response)
        predictions="outputs",
        extra_metrics=[safe_factuality(llm_base_url="http://127.0.0.1:8000/v1",
                                       llm_model="Qwen2.5-7B-Instruct",
                                       index_dir="/data/safe-index")],
    )

Names in the run (metric ``safe_f1_at_<K>``, version ``v1``): the per-row F1@K in the table
column ``safe_f1_at_<K>/v1/score`` with a justification giving the label counts, and the
aggregates ``safe_f1_at_<K>/v1/mean``, ``.../variance``, ``.../p90``, ``.../precision_mean``,
``.../recall_at_<K>_mean``, ``.../facts_mean``, ``.../unrated_share``, ``.../llm_calls``,
``.../search_calls`` and ``.../rows_failed``. The per-fact trace, the totals and the egress audit
of the Java run are logged as artifacts under ``safe_factuality/`` of the active run.

The prompt comes from the input column ``inputs``; map another one with
``evaluator_config={"col_mapping": {"inputs": "question"}}``. Outbound calls are made by the
Java process and checked there against the same egress allow-list (``LLM_TESTBED_EGRESS_ALLOW``,
which the child process inherits).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import tempfile
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import mlflow
import pandas as pd
from mlflow.metrics import MetricValue
from mlflow.models import EvaluationMetric, make_metric

from llm_testbed import egress

CLI_CLASS = "io.llmtestbed.aits.safe.cli.SafeCli"
MODULE = "aits/eval_llm_mlflow_longform_factuality_safe"
JAR_NAME = "eval_llm_mlflow_longform_factuality_safe.jar"
JAR_ENV = "LLM_TESTBED_SAFE_JAR"
BUILD_COMMAND = f"mvn -q -B -ntp -pl {MODULE} -am package -DskipTests -DskipITs"
ARTIFACT_DIR = "safe_factuality"

EXIT_INPUT = 1
EXIT_ROWS_FAILED = 3
EXIT_EGRESS_DENIED = 4

_REPO = Path(__file__).resolve().parents[4]

# The artifacts this module logs into the active run go through the process's egress guard
# (docs/egress.md); the Java child applies the same allow-list from the inherited environment.
egress.install_guard()


class SafeJarMissingError(FileNotFoundError):
    """The SAFE AIT jar (with its ``lib/``) is not built; the message names the build command."""


class SafeBatchError(RuntimeError):
    """The Java batch run failed; the message carries its exit code and error output."""


def default_jar() -> Path:
    """``$LLM_TESTBED_SAFE_JAR``, else the jar ``mvn package`` writes into the module's target/."""
    configured = os.environ.get(JAR_ENV)
    if configured:
        return Path(configured)
    return _REPO / MODULE / "target" / JAR_NAME


def find_jar(jar: str | os.PathLike[str] | None = None) -> Path:
    """The SAFE jar to run; raises :class:`SafeJarMissingError` naming the build command."""
    path = Path(jar) if jar is not None else default_jar()
    if not path.is_file():
        raise SafeJarMissingError(
            f"the SAFE AIT jar {path} does not exist: build it with `cd {_REPO} && "
            f"{BUILD_COMMAND}` (it writes the jar and its lib/ directory), or point {JAR_ENV} "
            "or jar= at a built copy"
        )
    if not (path.parent / "lib").is_dir():
        raise SafeJarMissingError(
            f"the SAFE AIT jar {path} has no lib/ directory next to it: run `{BUILD_COMMAND}` "
            "(mvn package copies the dependencies into target/lib)"
        )
    return path


def safe_factuality(
    *,
    k: int = 64,
    jar: str | os.PathLike[str] | None = None,
    llm_base_url: str | None = None,
    llm_model: str | None = None,
    search_backend: str = "lucene",
    index_dir: str | os.PathLike[str] | None = None,
    collection: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    java: str = "java",
    timeout_seconds: float | None = None,
    max_unrated_share: float = 0.1,
    **settings: Any,
) -> EvaluationMetric:
    """The SAFE F1@K metric for ``mlflow.evaluate(..., extra_metrics=[...])``.

    Args:
        k: K of recall@K and F1@K (the paper reports 64 and 178).
        jar: the SAFE AIT jar; default :func:`default_jar`. It must have been built with
            ``mvn package`` (see :data:`BUILD_COMMAND`).
        llm_base_url: the rater's OpenAI-compatible base URL, e.g. ``http://127.0.0.1:8000/v1``.
        llm_model: the rater model name.
        search_backend: ``lucene`` (local index, default), ``serper`` or ``opensearch``.
        index_dir: lucene: an index built by ``SafeCli index``.
        collection: lucene: a raw JSONL collection, indexed on the fly.
        cache_dir: LLM and search cache; a second evaluation of the same rows makes no call.
        java: the ``java`` executable (17 or newer).
        timeout_seconds: kill the Java run after this long; None = no limit.
        max_unrated_share: the evaluation fails with :class:`SafeUnratedError` when more than
            this share of the facts could not be rated (LLM down, answers unreadable), as the
            AIT's parameter of the same name does; scores of such a run would mean nothing.
        settings: more ``SafeCli batch`` options by their names with ``_`` for ``-``, e.g.
            ``max_steps=3``, ``no_early_stop=True``, ``llm_backend="mlflow"``,
            ``serper_api_key_env="MY_KEY"``, ``llm_option={"retry_initial_ms": "5"}``.
            True adds the flag, False or None leaves it out, a list is comma-joined, a mapping
            gives one ``KEY=VALUE`` per entry.

    Raises:
        SafeJarMissingError: the jar is not built (checked here, before any evaluation).
        ValueError: ``k`` is below 1, ``max_unrated_share`` is outside [0, 1] or a setting is
            reserved (input, output, summary...).
    """
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise ValueError(f"k must be an integer >= 1 (the paper uses 64 and 178), got {k!r}")
    if not 0.0 <= max_unrated_share <= 1.0:
        raise ValueError(
            f"max_unrated_share must be between 0 and 1 (default 0.1), got {max_unrated_share!r}"
        )
    reserved = {"input", "output", "summary", "trace", "egress_audit", "k"} & set(settings)
    if reserved:
        raise ValueError(
            f"settings {sorted(reserved)} are set by safe_factuality itself; pass k= for K"
        )
    jar_path = find_jar(jar)
    options: dict[str, Any] = {
        "llm_base_url": llm_base_url,
        "llm_model": llm_model,
        "search_backend": search_backend,
        "index_dir": index_dir,
        "collection": collection,
        "cache_dir": cache_dir,
        **settings,
    }
    arguments = _options(options)
    name = f"safe_f1_at_{k}"
    # LIMIT: two JVM starts per evaluate call (the probe, then the rest); MLflow offers no way
    # to skip its first-row probe of a custom metric.
    # mlflow.evaluate first calls a custom metric on row 0 alone ("Testing metrics on first
    # row"), then on all rows. The first row's scores are kept here so the full call sends only
    # the other rows to Java and its totals add up the two runs: one JVM start per evaluate
    # call beyond that probe, and nothing scored twice.
    probe: dict[str, Any] = {}

    def eval_fn(predictions: pd.Series, inputs: pd.Series) -> MetricValue:
        rows = [
            {"id": str(i), "prompt": _text(prompt), "response": _response(response)}
            for i, (prompt, response) in enumerate(zip(inputs, predictions, strict=True))
        ]
        reused = probe.pop("run", None)
        if reused is not None and (not rows or reused["key"] != _key(rows[0])):
            reused = None
        todo = rows[1:] if reused is not None else rows
        with tempfile.TemporaryDirectory(prefix="safe-metric-") as tmp:
            work = Path(tmp)
            run = (
                _run_batch(java, jar_path, todo, k, arguments, work, timeout_seconds)
                if todo
                else _empty_run()
            )
            if reused is not None:
                run = _merge(reused["run"], run)
            if len(rows) == 1:
                probe["run"] = {"key": _key(rows[0]), "run": run}
            _log_artifacts(work, run)
        value = _metric_value(run, k)
        _check_unrated(run, value, max_unrated_share)
        return value

    return make_metric(eval_fn=eval_fn, greater_is_better=True, name=name, version="v1")


class SafeUnratedError(RuntimeError):
    """Too many facts could not be rated for the scores to mean anything."""


def _check_unrated(run: Mapping[str, Any], value: MetricValue, limit: float) -> None:
    share = value.aggregate_results["unrated_share"]
    if math.isnan(share) or share <= limit:
        return
    reasons: dict[str, int] = {}
    for row in run["rows"]:
        for reason in row.get("unrated_reasons") or []:
            reasons[reason] = reasons.get(reason, 0) + 1
    common = sorted(reasons.items(), key=lambda kv: -kv[1])[:3]
    shown = "; ".join(f"{n}x {r}" for r, n in common) or "no reason recorded"
    raise SafeUnratedError(
        f"SAFE could not rate {share:.0%} of the facts (max_unrated_share={limit}): {shown}. "
        "Check that the rater LLM (llm_base_url) answers and that the search backend is "
        "reachable, or raise max_unrated_share to accept partial results"
    )


def _key(row: Mapping[str, Any]) -> tuple[str, str | None]:
    return (row["prompt"], row["response"])


def _empty_run() -> dict[str, Any]:
    return {"rows": [], "summary": {}, "files": {}}


def _merge(first: Mapping[str, Any], second: Mapping[str, Any]) -> dict[str, Any]:
    """Rows, totals and artifact texts of two batch runs over disjoint rows, in row order."""
    summary = dict(first["summary"])
    for key, value in second["summary"].items():
        if isinstance(value, int | float) and isinstance(summary.get(key), int | float):
            summary[key] = summary[key] + value
        else:
            summary.setdefault(key, value)
    files = {
        name: first["files"].get(name, "") + second["files"].get(name, "")
        for name in set(first["files"]) | set(second["files"])
    }
    return {"rows": [*first["rows"], *second["rows"]], "summary": summary, "files": files}


def _run_batch(
    java: str,
    jar: Path,
    rows: Sequence[Mapping[str, Any]],
    k: int,
    arguments: Sequence[str],
    work: Path,
    timeout_seconds: float | None,
) -> dict[str, Any]:
    rows_file = work / "rows.jsonl"
    rows_file.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    command = [
        java,
        "-cp",
        os.pathsep.join([str(jar), str(jar.parent / "lib" / "*")]),
        CLI_CLASS,
        "batch",
        "--input", str(rows_file),
        "--output", str(work / "scores.jsonl"),
        "--summary", str(work / "summary.json"),
        "--trace", str(work / "trace.jsonl"),
        "--egress-audit", str(work / "egress_audit.jsonl"),
        "--k", str(k),
        *arguments,
    ]  # fmt: skip
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout_seconds, check=False
        )
    except FileNotFoundError as e:
        raise SafeBatchError(
            f"cannot start {java!r} to run the SAFE engine: install Java 17+ or pass java= "
            "with the path of the java executable"
        ) from e
    except subprocess.TimeoutExpired as e:
        raise SafeBatchError(
            f"the SAFE batch run over {len(rows)} rows did not finish within {timeout_seconds} s"
            "; raise timeout_seconds or use cache_dir so a rerun is answered from the cache"
        ) from e
    if done.returncode == EXIT_EGRESS_DENIED:
        raise SafeBatchError(
            "the SAFE engine was refused an outbound call by the egress allow-list (E102); "
            f"nothing was sent to that host:\n{_tail(done.stderr)}"
        )
    if done.returncode not in (0, EXIT_ROWS_FAILED):
        raise SafeBatchError(
            f"the SAFE batch run exited {done.returncode}:\n{_tail(done.stderr)}"
            f"\ncommand: {' '.join(command)}"
        )
    lines = (work / "scores.jsonl").read_text(encoding="utf-8").splitlines()
    by_id = {row["id"]: row for row in map(json.loads, filter(None, lines))}
    missing = [r["id"] for r in rows if r["id"] not in by_id]
    if missing:
        raise SafeBatchError(f"the SAFE batch run wrote no scores for rows {missing}")
    summary = json.loads((work / "summary.json").read_text(encoding="utf-8"))
    files = {
        name: (work / name).read_text(encoding="utf-8")
        for name in ("trace.jsonl", "egress_audit.jsonl")
        if (work / name).is_file()
    }
    if done.returncode == EXIT_ROWS_FAILED:
        warnings.warn(
            f"SAFE could not evaluate {summary.get('rows_failed')} of {len(rows)} rows; they "
            f"score null and their justification names the error:\n{_tail(done.stderr)}",
            stacklevel=2,
        )
    return {"rows": [by_id[r["id"]] for r in rows], "summary": summary, "files": files}


def _metric_value(result: Mapping[str, Any], k: int) -> MetricValue:
    rows = result["rows"]
    summary = result["summary"]
    f1 = [_number(r.get(f"f1_at_{k}")) for r in rows]
    justifications = [_justification(r, k) for r in rows]
    present = [s for s in f1 if s is not None]
    facts = sum(int(r.get("facts") or 0) for r in rows)
    aggregates: dict[str, float] = {
        "mean": _mean(present),
        "variance": _variance(present),
        "p90": _percentile(present, 90),
        "precision_mean": _mean(
            [p for r in rows if (p := _number(r.get("precision"))) is not None]
        ),
        f"recall_at_{k}_mean": _mean(
            [x for r in rows if (x := _number(r.get(f"recall_at_{k}"))) is not None]
        ),
        "facts_mean": _mean([float(r["facts"]) for r in rows if r.get("facts") is not None]),
        "unrated_share": (summary.get("unrated", 0) / facts) if facts else math.nan,
        "llm_calls": float(summary.get("llm_calls", 0)),
        "search_calls": float(summary.get("search_calls", 0)),
        "rows_failed": float(summary.get("rows_failed", 0)),
    }
    return MetricValue(scores=f1, justifications=justifications, aggregate_results=aggregates)


def _justification(row: Mapping[str, Any], k: int) -> str:
    if row.get("error"):
        return f"not evaluated: {row['error']}"
    precision = _number(row.get("precision"))
    text = (
        f"supported={row.get('supported')} not_supported={row.get('not_supported')} "
        f"irrelevant={row.get('irrelevant')} unrated={row.get('unrated')} "
        f"precision={'n/a' if precision is None else f'{precision:.3f}'} "
        f"recall@{k}={_number(row.get(f'recall_at_{k}')) or 0.0:.3f}"
    )
    reasons = row.get("unrated_reasons") or []
    return text + (f"; unrated: {'; '.join(reasons)}" if reasons else "")


def _options(options: Mapping[str, Any]) -> list[str]:
    args: list[str] = []
    for key, value in options.items():
        if value is None or value is False:
            continue
        flag = "--" + key.replace("_", "-")
        if value is True:
            args.append(flag)
        elif isinstance(value, Mapping):
            for entry_key, entry_value in value.items():
                args += [flag, f"{entry_key}={entry_value}"]
        elif isinstance(value, list | tuple):
            args += [flag, ",".join(str(v) for v in value)]
        else:
            args += [flag, str(value)]
    return args


def _log_artifacts(work: Path, run: Mapping[str, Any]) -> None:
    if mlflow.active_run() is None:
        return
    out = work / ARTIFACT_DIR
    out.mkdir(exist_ok=True)
    (out / "summary.json").write_text(json.dumps(run["summary"], indent=2), encoding="utf-8")
    for name, text in run["files"].items():
        (out / name).write_text(text, encoding="utf-8")
    mlflow.log_artifacts(str(out), artifact_path=ARTIFACT_DIR)


def _text(value: Any) -> str:
    return "" if _missing(value) else str(value)


def _response(value: Any) -> str | None:
    return None if _missing(value) else str(value)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else math.nan


def _variance(values: Sequence[float]) -> float:
    if not values:
        return math.nan
    mean = _mean(values)
    return sum((v - mean) ** 2 for v in values) / len(values)


def _percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return math.nan
    return float(pd.Series(values).quantile(q / 100))


def _tail(text: str, limit: int = 3000) -> str:
    return text if len(text) <= limit else "..." + text[-limit:]
