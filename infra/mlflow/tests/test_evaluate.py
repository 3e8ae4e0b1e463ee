from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import mlflow
import pandas as pd
import pytest

from llm_testbed import evaluate as evaluate_module
from llm_testbed.datasets import dataset_digest, load_table
from llm_testbed.evaluate import prepare_nulls, run_evaluation
from llm_testbed.metrics import BUILTIN_METRICS, probe_builtin_metrics
from llm_testbed.pyfunc_llm import log_llm_model

ROWS = [
    {"question_id": "1", "inputs": "日本の首都は？", "ground_truth": "東京", "outputs": "東京"},
    {"question_id": "2", "inputs": "2+2は？", "ground_truth": "4", "outputs": "5"},
    {
        "question_id": "3",
        "inputs": "富士山の高さは？",
        "ground_truth": "3776メートル",
        "outputs": "約3776メートル",
    },
]


def _table(run_id: str) -> dict:
    path = mlflow.artifacts.download_artifacts(
        run_id=run_id, artifact_path="eval_results_table.json"
    )
    return json.loads(Path(path).read_text(encoding="utf-8"))


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_should_keep_ids_as_strings_when_loading_a_dataset(tmp_path, suffix):
    df = pd.DataFrame([{**r, "question_id": "0" + r["question_id"]} for r in ROWS])
    path = tmp_path / f"d{suffix}"
    if suffix == ".jsonl":
        df.to_json(path, orient="records", lines=True, force_ascii=False)
    elif suffix == ".csv":
        df.to_csv(path, index=False)
    else:
        df.to_parquet(path)

    loaded = load_table(path)

    assert loaded["question_id"].tolist() == ["01", "02", "03"]
    assert dataset_digest(loaded) == dataset_digest(df)


def test_should_change_digest_when_one_answer_changes():
    df = pd.DataFrame(ROWS)
    changed = df.copy()
    changed.loc[1, "outputs"] = "4"

    assert dataset_digest(df) != dataset_digest(changed)
    assert len(dataset_digest(df)) == 64


def test_should_ask_for_exactly_one_source_when_both_model_and_predictions_are_given():
    with pytest.raises(ValueError) as error:
        run_evaluation(
            pd.DataFrame(ROWS), experiment_name="x", model_uri="models:/m/1", predictions="outputs"
        )

    assert "give exactly one of model_uri and predictions" in str(error.value)


def test_should_name_missing_column_when_targets_column_is_absent():
    with pytest.raises(ValueError) as error:
        run_evaluation(
            pd.DataFrame(ROWS), experiment_name="x", predictions="outputs", targets="reference"
        )

    assert "dataset lacks column(s) ['reference']" in str(error.value)
    assert "it has ['question_id', 'inputs', 'ground_truth', 'outputs']" in str(error.value)


def _assert_metric_tags(run, outcome) -> None:
    tags = run.data.tags
    skipped = json.loads(tags["testbed.skipped_metrics"])
    computed = json.loads(tags["testbed.metrics"])
    probes = probe_builtin_metrics("question-answering")
    assert skipped == outcome.skipped_metrics
    assert set(skipped) == {n for n, p in probes.items() if not p.works}
    assert set(BUILTIN_METRICS["question-answering"]) <= set(skipped) | set(computed)
    assert tags["testbed.model_type"] == "question-answering"
    expected_type = "question-answering" if not skipped else "None"
    assert tags["testbed.mlflow_model_type"] == expected_type


@pytest.mark.integration
def test_should_log_metrics_table_and_tags_when_evaluating_recorded_predictions(
    stack, tmp_path, unique_name
):
    data = tmp_path / "qa.jsonl"
    pd.DataFrame(ROWS).to_json(data, orient="records", lines=True, force_ascii=False)

    outcome = run_evaluation(
        data,
        experiment_name=f"test-eval-{unique_name}",
        predictions="outputs",
        run_name="recorded",
        model_id="recorded-model",
    )

    run = mlflow.MlflowClient().get_run(outcome.run_id)
    table = _table(outcome.run_id)
    assert run.info.status == "FINISHED"
    assert run.data.metrics["exact_match/v1"] == pytest.approx(1 / 3)
    assert {"char_rougeL/v1/mean", "rougeL/v1/mean"} <= set(run.data.metrics)
    assert run.data.tags["testbed.model_id"] == "recorded-model"
    assert run.data.tags["testbed.dataset"] == "qa"
    assert run.data.tags["testbed.dataset_digest"] == dataset_digest(load_table(data))
    assert run.data.tags["testbed.source"] == "recorded-predictions:outputs"
    _assert_metric_tags(run, outcome)
    assert {"question_id", "inputs", "ground_truth", "outputs", "char_rougeL/v1/score"} <= set(
        table["columns"]
    )
    rows = [dict(zip(table["columns"], r, strict=True)) for r in table["data"]]
    assert [r["question_id"] for r in rows] == ["1", "2", "3"]
    assert rows[0]["char_rougeL/v1/score"] == 1.0


@pytest.mark.integration
def test_should_call_the_model_once_per_row_when_evaluating_through_a_logged_model(
    stack, scripted_llm, unique_name
):
    mlflow.set_experiment(f"test-eval-model-{unique_name}")
    logged = log_llm_model({"base_url": scripted_llm.base_url, "model": "m"})
    data = pd.DataFrame(ROWS).drop(columns=["outputs"])

    outcome = run_evaluation(
        data,
        experiment_name=f"test-eval-model-{unique_name}",
        model_uri=logged.model_uri,
        run_name="through-model",
    )

    run = mlflow.MlflowClient().get_run(outcome.run_id)
    table = _table(outcome.run_id)
    outputs = dict(
        zip(
            (r[table["columns"].index("question_id")] for r in table["data"]),
            (r[table["columns"].index("outputs")] for r in table["data"]),
            strict=True,
        )
    )
    assert scripted_llm.call_count == 3
    assert outputs == {"1": "東京", "2": "4", "3": "3776メートル"}
    assert run.data.metrics["exact_match/v1"] == pytest.approx(1.0)
    assert run.data.tags["testbed.source"] == f"model:{logged.model_uri}"
    _assert_metric_tags(run, outcome)


@pytest.mark.integration
def test_should_print_run_id_and_skipped_metrics_when_run_from_the_cli(
    stack, tmp_path, unique_name
):
    data = tmp_path / "qa.csv"
    pd.DataFrame(ROWS).to_csv(data, index=False)

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "llm_testbed.evaluate",
            str(data),
            "--experiment",
            f"test-eval-cli-{unique_name}",
            "--predictions-col",
            "outputs",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    printed = json.loads(done.stdout[done.stdout.index("{") :])
    run = mlflow.MlflowClient().get_run(printed["run_id"])
    assert printed["metrics"]["exact_match/v1"] == pytest.approx(1 / 3)
    assert json.loads(run.data.tags["testbed.skipped_metrics"]) == printed["skipped_metrics"]


FIVE_ROWS = [
    *ROWS,
    {"question_id": "4", "inputs": "1+1は？", "ground_truth": "2", "outputs": "2"},
    {"question_id": "5", "inputs": "空の色は？", "ground_truth": "青", "outputs": None},
]


def test_should_score_a_null_prediction_as_empty_string_when_one_answer_is_null():
    df, null_predictions, null_targets = prepare_nulls(
        pd.DataFrame(FIVE_ROWS), predictions="outputs", targets="ground_truth"
    )

    assert (null_predictions, null_targets) == (1, 0)
    assert df["outputs"].tolist() == ["東京", "5", "約3776メートル", "2", ""]


def test_should_drop_rows_without_a_reference_when_some_targets_are_null():
    rows = [dict(r) for r in FIVE_ROWS]
    rows[1]["ground_truth"] = None

    df, null_predictions, null_targets = prepare_nulls(
        pd.DataFrame(rows), predictions="outputs", targets="ground_truth"
    )

    assert (null_predictions, null_targets) == (1, 1)
    assert df["question_id"].tolist() == ["1", "3", "4", "5"]


def test_should_fail_before_any_run_when_all_predictions_are_null():
    rows = [{**r, "outputs": None} for r in FIVE_ROWS]

    with pytest.raises(ValueError) as error:
        run_evaluation(pd.DataFrame(rows), experiment_name="never-created", predictions="outputs")

    assert "all 5 predictions in column 'outputs' are null" in str(error.value)
    assert "fix: pass --predictions-col" in str(error.value)
    assert mlflow.active_run() is None


def test_should_fail_before_any_run_when_all_targets_are_null():
    rows = [{**r, "ground_truth": None} for r in FIVE_ROWS]

    with pytest.raises(ValueError) as error:
        run_evaluation(pd.DataFrame(rows), experiment_name="never-created", predictions="outputs")

    assert "all 5 rows have a null target in column 'ground_truth'" in str(error.value)
    assert "--targets-col none" in str(error.value)


def test_should_warn_once_per_process_when_builtins_are_skipped_for_every_run(caplog, monkeypatch):
    monkeypatch.setattr(evaluate_module, "_reported_skips", set())
    skipped = {"token_count": "needs tiktoken", "toxicity": "needs evaluate"}

    with caplog.at_level(logging.WARNING, logger="llm_testbed.evaluate"):
        for _ in range(5):
            evaluate_module._report_skipped(skipped)

        evaluate_module._report_skipped({"toxicity": "needs evaluate"})  # a subset: nothing new
        evaluate_module._report_skipped({**skipped, "exact_match": "needs targets; none given"})

    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2
    assert "Built-in metrics skipped (2): token_count: needs tiktoken; toxicity" in messages[0]
    assert "testbed.skipped_metrics" in messages[0]
    assert "Built-in metrics skipped (1): exact_match: needs targets" in messages[1]


def _cli(data: Path, experiment: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "llm_testbed.evaluate",
            str(data),
            "--experiment",
            experiment,
            "--predictions-col",
            "outputs",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.integration
def test_should_count_a_null_prediction_as_wrong_when_one_answer_of_five_is_null(
    stack, tmp_path, unique_name
):
    data = tmp_path / "five.jsonl"
    pd.DataFrame(FIVE_ROWS).to_json(data, orient="records", lines=True, force_ascii=False)

    done = _cli(data, f"test-eval-null-{unique_name}")

    assert done.returncode == 0, done.stderr[-2000:]
    printed = json.loads(done.stdout[done.stdout.index("{") :])
    run = mlflow.MlflowClient().get_run(printed["run_id"])
    table = _table(printed["run_id"])
    rows = [dict(zip(table["columns"], r, strict=True)) for r in table["data"]]
    assert run.info.status == "FINISHED"
    assert run.data.metrics["exact_match/v1"] == pytest.approx(2 / 5)
    assert run.data.tags["testbed.null_predictions"] == "1"
    assert run.data.tags["testbed.null_targets"] == "0"
    assert printed["null_predictions"] == 1
    assert [r["outputs"] for r in rows if r["question_id"] == "5"] == [""]
    assert "WARNING llm_testbed.evaluate: 1 of 5 predictions in column 'outputs' are null" in (
        done.stderr
    )


@pytest.mark.integration
def test_should_leave_no_run_when_all_predictions_are_null(stack, tmp_path, unique_name):
    data = tmp_path / "none.jsonl"
    rows = [{**r, "outputs": None} for r in FIVE_ROWS]
    pd.DataFrame(rows).to_json(data, orient="records", lines=True, force_ascii=False)
    experiment = f"test-eval-allnull-{unique_name}"

    done = _cli(data, experiment)

    assert done.returncode == 2
    assert "ERROR: evaluate: all 5 predictions in column 'outputs' are null" in done.stderr
    assert "Traceback" not in done.stderr
    assert mlflow.get_experiment_by_name(experiment) is None
