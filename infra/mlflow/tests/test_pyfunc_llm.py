from __future__ import annotations

from pathlib import Path

import mlflow
import pandas as pd
import pytest

from llm_testbed.pyfunc_llm import (
    LlmCallError,
    LlmConfig,
    LlmConfigError,
    OpenAiChatModel,
    llm_signature,
    log_llm_model,
)
from llm_testbed.scripted_llm import Script, ScriptedLlmServer


def _saved_model(tmp_path: Path, config: dict) -> mlflow.pyfunc.PyFuncModel:
    """Save and load through MLflow's pyfunc flavour (local directory, no server)."""
    path = tmp_path / "model"
    signature = llm_signature(LlmConfig.from_mapping(config))
    mlflow.pyfunc.save_model(
        path,
        python_model=OpenAiChatModel(),
        model_config=config,
        signature=signature,
        pip_requirements=["mlflow==3.17.2"],
    )
    return mlflow.pyfunc.load_model(str(path))


def test_should_answer_each_row_when_predicting_through_the_scripted_server(tmp_path, scripted_llm):
    model = _saved_model(tmp_path, {"base_url": scripted_llm.base_url, "model": "m1"})

    answers = model.predict(pd.DataFrame({"inputs": ["日本の首都は？", "2+2は？", "他"]}))

    assert answers == ["東京", "4", "[scripted default answer]"]
    assert scripted_llm.call_count == 3


def test_should_accept_dict_or_list_of_strings_and_send_system_prompt_when_configured(
    tmp_path, scripted_llm
):
    config = {"base_url": scripted_llm.base_url, "model": "m1", "system_prompt": "日本語で答えて"}
    model = _saved_model(tmp_path, config)

    from_dict = model.predict({"inputs": ["富士山の高さは？"]})
    from_list = model.predict(["日本の首都は？"])

    assert from_dict == ["3776メートル"]
    assert from_list == ["東京"]
    assert scripted_llm.requests[0]["messages"][0] == {
        "role": "system",
        "content": "日本語で答えて",
    }


def test_should_override_temperature_and_max_tokens_when_params_are_given(tmp_path, scripted_llm):
    model = _saved_model(
        tmp_path,
        {"base_url": scripted_llm.base_url, "model": "m1", "temperature": 0.0, "max_tokens": 16},
    )

    model.predict(["a"])
    model.predict(["b"], params={"temperature": 0.7, "max_tokens": 5})

    first, second = scripted_llm.requests
    assert (first["temperature"], first["max_tokens"]) == (0.0, 16)
    assert (second["temperature"], second["max_tokens"]) == (0.7, 5)


def test_should_retry_and_succeed_when_first_calls_are_rate_limited(tmp_path):
    script = Script.from_mapping(
        {"fail_first": {"count": 2, "status": 429}, "default_answer": "ok"}
    )
    with ScriptedLlmServer(script) as server:
        model = _saved_model(
            tmp_path,
            {
                "base_url": server.base_url,
                "model": "m",
                "max_retries": 2,
                "retry_backoff_seconds": 0.01,
            },
        )
        answers = model.predict(["q"])

        assert answers == ["ok"]
        assert server.call_count == 3


def test_should_fail_naming_url_status_and_attempts_when_retries_are_exhausted(tmp_path):
    script = Script.from_mapping({"fail_first": {"count": 10, "status": 500}})
    with ScriptedLlmServer(script) as server:
        model = _saved_model(
            tmp_path,
            {
                "base_url": server.base_url,
                "model": "m",
                "max_retries": 1,
                "retry_backoff_seconds": 0.01,
            },
        )
        with pytest.raises(LlmCallError) as error:
            model.predict(["q"])

        message = str(error.value)
        assert f"POST {server.base_url}/chat/completions failed after 2 attempt(s)" in message
        assert "HTTP 500" in message
        assert "raise max_retries" in message
        assert server.call_count == 2


def test_should_not_retry_when_endpoint_answers_a_client_error(tmp_path):
    with ScriptedLlmServer(Script.from_mapping({"fail_first": {"count": 5, "status": 401}})) as s:
        model = _saved_model(tmp_path, {"base_url": s.base_url, "model": "m", "max_retries": 3})
        with pytest.raises(LlmCallError, match="failed after 1 attempt"):
            model.predict(["q"])

        assert s.call_count == 1


def test_should_fail_clearly_when_body_is_not_a_chat_completion(tmp_path):
    with ScriptedLlmServer(Script.from_mapping({"malformed_first": 1})) as server:
        model = _saved_model(tmp_path, {"base_url": server.base_url, "model": "m"})
        with pytest.raises(LlmCallError) as error:
            model.predict(["q"])

    assert "answered 200 with a body that is not a chat completion" in str(error.value)
    assert "missing choices[0].message.content" in str(error.value)


def test_should_send_bearer_key_from_named_env_var_when_api_key_env_is_set(
    tmp_path, scripted_llm, monkeypatch
):
    monkeypatch.setenv("TESTBED_FAKE_KEY", "secret-123")
    model = _saved_model(
        tmp_path,
        {"base_url": scripted_llm.base_url, "model": "m", "api_key_env": "TESTBED_FAKE_KEY"},
    )

    model.predict(["q"])

    saved = (tmp_path / "model" / "MLmodel").read_text()
    assert "secret-123" not in saved
    assert "TESTBED_FAKE_KEY" in saved


def test_should_name_env_var_when_api_key_env_is_unset(tmp_path, scripted_llm, monkeypatch):
    monkeypatch.delenv("TESTBED_MISSING_KEY", raising=False)
    model = _saved_model(
        tmp_path,
        {"base_url": scripted_llm.base_url, "model": "m", "api_key_env": "TESTBED_MISSING_KEY"},
    )

    with pytest.raises(LlmConfigError) as error:
        model.predict(["q"])

    assert "environment variable 'TESTBED_MISSING_KEY'" in str(error.value)
    assert "is not set or empty" in str(error.value)
    assert scripted_llm.call_count == 0


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({}, "model_config is empty"),
        ({"model": "m"}, "model_config['base_url'] is required and must be a non-empty string"),
        (
            {"base_url": "127.0.0.1:8000/v1", "model": "m"},
            "must start with http:// or https://, found '127.0.0.1:8000/v1'",
        ),
        (
            {"base_url": "http://h/v1/chat/completions", "model": "m"},
            "drop the trailing '/chat/completions'",
        ),
        (
            {"base_url": "http://h/v1", "model": "m", "temperature": 3},
            "model_config['temperature'] must be a number in [0.0, 2.0], found 3",
        ),
        (
            {"base_url": "http://h/v1", "model": "m", "max_tokens": 0},
            "model_config['max_tokens'] must be an integer in >= 1, found 0",
        ),
        (
            {"base_url": "http://h/v1", "model": "m", "api_key_env": "sk-abc.def-123"},
            "must be the NAME of an environment variable",
        ),
        (
            {"base_url": "http://h/v1", "model": "m", "temprature": 0.1},
            "unknown key(s) ['temprature']",
        ),
    ],
)
def test_should_name_key_value_and_fix_when_config_is_invalid(config, expected):
    with pytest.raises(LlmConfigError) as error:
        LlmConfig.from_mapping(config)

    assert expected in str(error.value)


def test_should_not_echo_the_key_when_api_key_env_holds_a_key():
    with pytest.raises(LlmConfigError) as error:
        LlmConfig.from_mapping({"base_url": "http://h/v1", "model": "m", "api_key_env": "sk-xyz!"})

    assert "sk-xyz!" not in str(error.value)


def test_should_reject_bad_param_override_naming_params(tmp_path, scripted_llm):
    model = _saved_model(tmp_path, {"base_url": scripted_llm.base_url, "model": "m"})

    with pytest.raises(LlmConfigError) as error:
        model.predict(["q"], params={"temperature": 5.0})

    assert "params['temperature'] must be a number in [0.0, 2.0], found 5.0" in str(error.value)


@pytest.mark.integration
def test_should_log_register_alias_and_load_when_logging_to_the_stack(
    stack, scripted_llm, unique_name
):
    mlflow.set_experiment(f"test-pyfunc-{unique_name}")
    logged = log_llm_model(
        {"base_url": scripted_llm.base_url, "model": "m", "temperature": 0.1, "max_tokens": 32},
        registered_model_name=f"test-llm-{unique_name}",
        alias="champion",
    )

    model = mlflow.pyfunc.load_model(logged.registered_uri)
    answers = model.predict(pd.DataFrame({"inputs": ["日本の首都は？"]}), params={"max_tokens": 8})

    client = mlflow.MlflowClient()
    version = client.get_model_version_by_alias(f"test-llm-{unique_name}", "champion")
    params = {p.name: p.default for p in model.metadata.signature.params.params}
    assert logged.registered_uri == f"models:/test-llm-{unique_name}@champion"
    assert version.version == logged.version == "1"
    assert params == {"temperature": 0.1, "max_tokens": 32}
    assert answers == ["東京"]
    assert scripted_llm.requests[-1]["max_tokens"] == 8


def test_should_require_registered_name_when_alias_is_given():
    with pytest.raises(LlmConfigError, match="alias 'champion' needs registered_model_name"):
        log_llm_model({"base_url": "http://h/v1", "model": "m"}, alias="champion")


def test_should_time_out_and_retry_when_endpoint_is_slower_than_timeout(tmp_path):
    script = Script.from_mapping({"latency_seconds": 0.5})
    with ScriptedLlmServer(script) as server:
        model = _saved_model(
            tmp_path,
            {
                "base_url": server.base_url,
                "model": "m",
                "timeout_seconds": 0.1,
                "max_retries": 1,
                "retry_backoff_seconds": 0.01,
            },
        )
        with pytest.raises(LlmCallError) as error:
            model.predict(["q"])

        assert "failed after 2 attempt(s)" in str(error.value)
        assert "ReadTimeout" in str(error.value)
        assert server.call_count == 2
