"""The SAFE extra metric: unit tests of the bridge, and mlflow.evaluate end to end through the
Java engine (SafeCli batch) with a scripted rater and the Lucene test collection."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import mlflow
import pandas as pd
import pytest

from llm_testbed import safe_metric
from llm_testbed.safe_metric import (
    BUILD_COMMAND,
    SafeBatchError,
    SafeJarMissingError,
    SafeUnratedError,
    _metric_value,
    _options,
    safe_factuality,
)
from llm_testbed.scripted_llm import Script, ScriptedLlmServer

REPO = Path(__file__).resolve().parents[3]
COLLECTION = (
    REPO / safe_metric.MODULE / "src" / "test" / "resources" / "search" / "collection.jsonl"
)
CURIE_BORN = "Marie Curie was born in Warsaw."
CURIE_PRIZES = "Marie Curie won three Nobel Prizes."
FUJI = "富士山の標高は3776メートルです。"
ROWS = [
    {"inputs": "Tell me about Marie Curie.", "outputs": f"{CURIE_BORN} {CURIE_PRIZES}"},
    {"inputs": "富士山について教えて。", "outputs": FUJI},
]


def _f1(supported: int, not_supported: int, k: int) -> float:
    precision = supported / (supported + not_supported)
    recall = min(supported / k, 1.0)
    return 2 * precision * recall / (precision + recall)


def _rater() -> Script:
    """Answers SAFE's prompts by their marker lines: one fact per sentence, every fact relevant,
    the birthplace and the height Supported, the three prizes Not Supported."""
    rules = []
    for fact, verdict in [
        (CURIE_BORN, "[Supported]"),
        (CURIE_PRIZES, "[Not Supported]"),
        (FUJI, "[Supported]"),
    ]:
        rules.append({"contains": f"STATEMENT TO RATE: {fact}", "answer": f"Checked. {verdict}"})
    for fact in (CURIE_BORN, CURIE_PRIZES, FUJI):
        rules.append(
            {
                "contains": f"FACTS TO REWRITE:\n1. {fact}",
                "answer": f"```\n1. {fact} [Relevant]\n```",
            }
        )
        rules.append({"contains": f"TARGET SENTENCE: {fact}", "answer": f"- {fact}"})
        rules.append({"contains": f"対象の文: {fact}", "answer": f"- {fact}"})
    return Script.from_mapping({"rules": rules, "default_answer": "[no rule]"})


def _jar_or_skip() -> Path:
    try:
        return safe_metric.find_jar()
    except SafeJarMissingError as e:
        if os.environ.get("CI"):
            pytest.fail(f"CI must build the SAFE jar before the Python tests: {e}")
        pytest.skip(f"SAFE jar not built (outside CI this test is skipped): {e}")


def test_should_name_the_build_command_when_the_jar_is_missing(tmp_path):
    with pytest.raises(SafeJarMissingError) as error:
        safe_factuality(jar=tmp_path / "none.jar", llm_base_url="http://127.0.0.1:1/v1")

    assert str(tmp_path / "none.jar") in str(error.value)
    assert BUILD_COMMAND in str(error.value)
    assert "-pl aits/eval_llm_mlflow_longform_factuality_safe -am package" in BUILD_COMMAND


def test_should_refuse_k_below_one_and_reserved_settings(tmp_path):
    with pytest.raises(ValueError, match=r"k must be an integer >= 1 \(the paper uses 64 and"):
        safe_factuality(k=0)
    with pytest.raises(ValueError, match=r"\['output'\] are set by safe_factuality itself"):
        safe_factuality(output="x.jsonl")


def test_should_map_settings_to_cli_options():
    args = _options(
        {
            "max_steps": 3,
            "no_early_stop": True,
            "parallel": False,
            "index_dir": None,
            "k_list": [1, 64],
            "llm_option": {"retry_initial_ms": "5"},
        }
    )

    assert args == [
        "--max-steps", "3", "--no-early-stop", "--k-list", "1,64",
        "--llm-option", "retry_initial_ms=5",
    ]  # fmt: skip


def test_should_aggregate_f1_precision_and_unrated_share_from_batch_rows():
    rows = [
        {"id": "0", "f1_at_64": 0.5, "precision": 0.5, "recall_at_64": 0.25, "facts": 4,
         "supported": 1, "not_supported": 1, "irrelevant": 1, "unrated": 1,
         "unrated_reasons": ["rate: TIMEOUT"], "error": None},
        {"id": "1", "f1_at_64": 0.0, "precision": None, "recall_at_64": 0.0, "facts": 0,
         "supported": 0, "not_supported": 0, "irrelevant": 0, "unrated": 0,
         "unrated_reasons": [], "error": None},
        {"id": "2", "f1_at_64": None, "precision": None, "recall_at_64": None, "facts": None,
         "error": "LlmException: boom"},
    ]  # fmt: skip
    summary = {"unrated": 1, "llm_calls": 9, "search_calls": 4, "rows_failed": 1}

    value = _metric_value({"rows": rows, "summary": summary}, 64)

    assert value.scores == [0.5, 0.0, None]
    assert value.aggregate_results["mean"] == pytest.approx(0.25)
    assert value.aggregate_results["variance"] == pytest.approx(0.0625)
    assert value.aggregate_results["precision_mean"] == pytest.approx(0.5)
    assert value.aggregate_results["unrated_share"] == pytest.approx(0.25)
    assert value.aggregate_results["rows_failed"] == 1.0
    assert value.justifications[0] == (
        "supported=1 not_supported=1 irrelevant=1 unrated=1 precision=0.500 recall@64=0.250"
        "; unrated: rate: TIMEOUT"
    )
    assert value.justifications[1].startswith("supported=0 not_supported=0")
    assert "precision=n/a" in value.justifications[1]
    assert value.justifications[2] == "not evaluated: LlmException: boom"


def test_should_score_rows_through_the_java_engine_without_a_tracking_server(tmp_path):
    jar = _jar_or_skip()
    with ScriptedLlmServer(_rater()) as llm:
        metric = safe_factuality(
            jar=jar,
            llm_base_url=llm.base_url,
            llm_model="scripted-model",
            collection=COLLECTION,
            cache_dir=tmp_path / "cache",
            llm_option={"retry_initial_ms": "5"},
        )
        df = pd.DataFrame(ROWS)

        value = metric.eval_fn(df["outputs"], df["inputs"])

    assert metric.name == "safe_f1_at_64"
    assert value.scores == pytest.approx([_f1(1, 1, 64), _f1(1, 0, 64)])
    assert value.aggregate_results["search_calls"] == 3.0
    assert value.aggregate_results["unrated_share"] == 0.0


def test_should_fail_naming_the_cause_when_the_rater_llm_is_down(tmp_path):
    jar = _jar_or_skip()
    metric = safe_factuality(
        jar=jar,
        llm_base_url="http://127.0.0.1:9/v1",  # nothing listens on the discard port
        llm_model="scripted-model",
        collection=COLLECTION,
        llm_max_retries=1,
        llm_option={"retry_initial_ms": "5"},
    )
    df = pd.DataFrame(ROWS)

    with pytest.raises(SafeUnratedError) as error:
        metric.eval_fn(df["outputs"], df["inputs"])

    assert "could not rate 100% of the facts (max_unrated_share=0.1)" in str(error.value)
    assert "Check that the rater LLM (llm_base_url) answers" in str(error.value)


def test_should_refuse_max_unrated_share_outside_zero_to_one():
    with pytest.raises(ValueError, match="max_unrated_share must be between 0 and 1"):
        safe_factuality(max_unrated_share=1.5)


def test_should_fail_with_the_java_error_when_settings_are_wrong(tmp_path):
    jar = _jar_or_skip()
    metric = safe_factuality(jar=jar, llm_base_url="http://127.0.0.1:9/v1")  # no index given
    df = pd.DataFrame(ROWS)

    with pytest.raises(SafeBatchError) as error:
        metric.eval_fn(df["outputs"], df["inputs"])

    assert "exited 1" in str(error.value)
    assert "needs an index directory (setting indexDir" in str(error.value)


@pytest.mark.integration
def test_should_log_safe_f1_and_per_row_scores_when_used_in_mlflow_evaluate(
    stack, tmp_path, unique_name
):
    jar = _jar_or_skip()
    mlflow.set_experiment(f"test-safe-metric-{unique_name}")
    df = pd.DataFrame(ROWS)
    expected = [_f1(1, 1, 64), _f1(1, 0, 64)]
    with ScriptedLlmServer(_rater()) as llm:
        metric = safe_factuality(
            jar=jar,
            llm_base_url=llm.base_url,
            llm_model="scripted-model",
            collection=COLLECTION,
            cache_dir=tmp_path / "cache",
            llm_option={"retry_initial_ms": "5"},
        )
        with mlflow.start_run() as run:
            result = mlflow.evaluate(data=df, predictions="outputs", extra_metrics=[metric])
        calls_first = llm.call_count
        with mlflow.start_run() as rerun:
            again = mlflow.evaluate(data=df, predictions="outputs", extra_metrics=[metric])

    metrics = mlflow.MlflowClient().get_run(run.info.run_id).data.metrics
    assert metrics["safe_f1_at_64/v1/mean"] == pytest.approx(sum(expected) / 2)
    assert metrics["safe_f1_at_64/v1/precision_mean"] == pytest.approx(0.75)
    assert metrics["safe_f1_at_64/v1/search_calls"] == 3.0
    assert metrics["safe_f1_at_64/v1/llm_calls"] == calls_first
    assert result.metrics["safe_f1_at_64/v1/mean"] == pytest.approx(sum(expected) / 2)
    table = json.loads(
        Path(
            mlflow.artifacts.download_artifacts(
                run_id=run.info.run_id, artifact_path="eval_results_table.json"
            )
        ).read_text(encoding="utf-8")
    )
    rows = [dict(zip(table["columns"], r, strict=True)) for r in table["data"]]
    assert [r["safe_f1_at_64/v1/score"] for r in rows] == pytest.approx(expected)
    assert rows[0]["safe_f1_at_64/v1/justification"].startswith(
        "supported=1 not_supported=1 irrelevant=0 unrated=0 precision=0.500"
    )
    artifacts = {
        f.path for f in mlflow.MlflowClient().list_artifacts(run.info.run_id, "safe_factuality")
    }
    assert {"safe_factuality/trace.jsonl", "safe_factuality/summary.json"} <= artifacts
    assert again.metrics["safe_f1_at_64/v1/mean"] == pytest.approx(sum(expected) / 2)
    rerun_metrics = mlflow.MlflowClient().get_run(rerun.info.run_id).data.metrics
    assert rerun_metrics["safe_f1_at_64/v1/llm_calls"] == 0.0
    assert rerun_metrics["safe_f1_at_64/v1/search_calls"] == 0.0
    assert llm.call_count == calls_first
    assert not math.isnan(rerun_metrics["safe_f1_at_64/v1/unrated_share"])
