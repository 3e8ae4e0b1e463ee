from __future__ import annotations

import pandas as pd
import pytest

from llm_testbed.metrics import (
    BUILTIN_METRICS,
    offline_equivalents,
    probe_builtin_metrics,
    rouge_metric,
)


def test_should_score_japanese_only_with_char_tokenizer_when_computing_rouge_l():
    predictions = pd.Series(["日本の首都は東京です", "The answer is 42"])
    targets = pd.Series(["首都は東京です", "the answer is 42"])

    default = rouge_metric("rougeL").eval_fn(predictions, targets)
    chars = rouge_metric("rougeL", char_level=True).eval_fn(predictions, targets)

    # rouge-score's default tokenizer keeps only [a-z0-9]: Japanese has no tokens at all.
    assert default.scores == [0.0, 1.0]
    assert chars.scores[0] == pytest.approx(2 * 7 / (10 + 7))
    assert chars.scores[1] == 1.0


def test_should_leave_missing_answers_out_of_aggregates_when_computing_rouge():
    value = rouge_metric("rougeL", char_level=True).eval_fn(
        pd.Series(["abc", None]), pd.Series(["abc", "abc"])
    )

    assert value.scores == [1.0, None]
    assert value.aggregate_results["mean"] == 1.0


def test_should_report_every_qa_builtin_with_a_verdict_when_probing():
    probes = probe_builtin_metrics("question-answering")

    assert set(probes) == set(BUILTIN_METRICS["question-answering"])
    # sklearn is a dependency of this package, so exact_match must work offline.
    assert probes["exact_match"].works
    for probe in probes.values():
        assert probe.works or probe.reason, f"{probe.name} failed without a reason"


def test_should_name_supported_types_when_model_type_is_unknown():
    with pytest.raises(ValueError, match="model_type 'classifier' is not supported"):
        probe_builtin_metrics("classifier")


def test_should_add_output_chars_and_rouge_when_token_count_is_skipped():
    names = [
        m.name for m in offline_equivalents("question-answering", {"token_count"}, has_targets=True)
    ]

    assert names == ["output_chars", "rougeL", "char_rougeL"]
