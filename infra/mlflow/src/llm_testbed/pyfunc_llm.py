"""An MLflow pyfunc model for an LLM behind an OpenAI-compatible chat endpoint.

The model holds no weights and no secrets: its ``model_config`` names the endpoint and the
generation settings, and the API key is read at predict time from the environment variable the
config names (``api_key_env``). Loading a pyfunc model unpickles code: load only trusted models.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import mlflow
import pandas as pd
import requests
from mlflow.models import ModelSignature

from llm_testbed import egress

# Every HTTP request of a process that loads this model is checked against the egress
# allow-list and audited (docs/egress.md).
egress.install_guard()

EGRESS_PURPOSE = "pyfunc_llm.chat"
INPUT_COLUMN = "inputs"
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_CONFIG_KEYS = (
    "base_url",
    "model",
    "temperature",
    "max_tokens",
    "timeout_seconds",
    "system_prompt",
    "api_key_env",
    "max_retries",
    "retry_backoff_seconds",
)


class LlmConfigError(ValueError):
    """A ``model_config`` value is missing or invalid; the message names key, value and fix."""


class LlmCallError(RuntimeError):
    """The endpoint failed (HTTP status after retries, timeout, or a body that is not a chat
    completion); the message names the URL, the status or body excerpt, and what to check."""


@dataclass(frozen=True)
class LlmConfig:
    """Validated endpoint settings.

    ``base_url`` is the OpenAI-style root ending before ``/chat/completions`` (e.g.
    ``http://127.0.0.1:8000/v1``). ``temperature`` in [0, 2]; ``max_tokens`` >= 1;
    ``timeout_seconds`` > 0 per HTTP attempt; ``max_retries`` extra attempts on 429/5xx/timeouts
    with exponential backoff starting at ``retry_backoff_seconds``. ``api_key_env`` is the NAME
    of an environment variable, or ``None`` for endpoints without authentication.
    """

    base_url: str
    model: str
    temperature: float = 0.0
    max_tokens: int = 512
    timeout_seconds: float = 60.0
    system_prompt: str | None = None
    api_key_env: str | None = None
    max_retries: int = 2
    retry_backoff_seconds: float = 0.5

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any] | None) -> LlmConfig:
        if not raw:
            raise LlmConfigError(
                "model_config is empty; fix: pass at least {'base_url': 'http://host:port/v1', "
                "'model': '<model id>'}"
            )
        unknown = sorted(set(raw) - set(_CONFIG_KEYS))
        if unknown:
            raise LlmConfigError(
                f"model_config has unknown key(s) {unknown}; valid keys are {list(_CONFIG_KEYS)}"
            )
        for key in ("base_url", "model"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                raise LlmConfigError(
                    f"model_config['{key}'] is required and must be a non-empty string, "
                    f"found {raw.get(key)!r}; fix: e.g. "
                    + ("'http://127.0.0.1:8000/v1'" if key == "base_url" else "'llama-3-8b'")
                )
        base_url = raw["base_url"].strip().rstrip("/")
        if not base_url.startswith(("http://", "https://")):
            raise LlmConfigError(
                f"model_config['base_url'] must start with http:// or https://, found "
                f"{raw['base_url']!r}; fix: e.g. 'http://127.0.0.1:8000/v1'"
            )
        if base_url.endswith("/chat/completions"):
            raise LlmConfigError(
                f"model_config['base_url'] must be the API root, not the completions path, found "
                f"{raw['base_url']!r}; fix: drop the trailing '/chat/completions'"
            )
        defaults = cls(base_url=base_url, model=raw["model"])
        config = cls(
            base_url=base_url,
            model=raw["model"].strip(),
            temperature=_number(raw, "temperature", defaults.temperature, 0.0, 2.0),
            max_tokens=int(_number(raw, "max_tokens", defaults.max_tokens, 1, None, integer=True)),
            timeout_seconds=_number(raw, "timeout_seconds", defaults.timeout_seconds, 1e-3, None),
            system_prompt=_optional_str(raw, "system_prompt"),
            api_key_env=_optional_str(raw, "api_key_env"),
            max_retries=int(_number(raw, "max_retries", defaults.max_retries, 0, 10, integer=True)),
            retry_backoff_seconds=_number(
                raw, "retry_backoff_seconds", defaults.retry_backoff_seconds, 0.0, 60.0
            ),
        )
        if config.api_key_env is not None and not _looks_like_env_name(config.api_key_env):
            raise LlmConfigError(
                "model_config['api_key_env'] must be the NAME of an environment variable "
                f"(letters, digits, '_'), found a value of {len(config.api_key_env)} characters "
                "that is not a name (a key itself?); fix: export the key as e.g. OPENAI_API_KEY "
                "and set api_key_env='OPENAI_API_KEY' - keys are never stored in the model"
            )
        return config

    def to_model_config(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


def _looks_like_env_name(value: str) -> bool:
    return value.replace("_", "a").isalnum() and not value[0].isdigit() and len(value) <= 100


def _optional_str(raw: Mapping[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise LlmConfigError(
            f"model_config['{key}'] must be a string or absent, found {value!r} "
            f"({type(value).__name__})"
        )
    return value


def _number(
    raw: Mapping[str, Any],
    key: str,
    default: float,
    low: float,
    high: float | None,
    *,
    integer: bool = False,
) -> float:
    value = raw.get(key, default)
    ok_type = isinstance(value, int) if integer else isinstance(value, (int, float))
    rng = f"[{low}, {high}]" if high is not None else f">= {low}"
    kind = "an integer" if integer else "a number"
    if isinstance(value, bool) or not ok_type or value < low or (high is not None and value > high):
        raise LlmConfigError(
            f"model_config['{key}'] must be {kind} in {rng}, found {value!r}; "
            f"fix: set it within range or omit it for the default {default!r}"
        )
    return float(value)


class OpenAiChatModel(mlflow.pyfunc.PythonModel):
    """Pyfunc model calling ``{base_url}/chat/completions``, one request per input row.

    Input: a DataFrame with an ``inputs`` column (other columns are ignored; a one-column frame
    is used whatever its name), a Series, a dict ``{"inputs": [...]}``, or a list of strings.
    Output: a list of answer strings in input order. Params ``temperature`` and ``max_tokens``
    override the configured values for one ``predict`` call.
    """

    def __init__(self) -> None:
        self._config: LlmConfig | None = None
        self._session: requests.Session | None = None

    def load_context(self, context: mlflow.pyfunc.PythonModelContext) -> None:
        self._config = LlmConfig.from_mapping(context.model_config)
        self._session = requests.Session()

    def predict(
        self,
        context: mlflow.pyfunc.PythonModelContext | None,
        model_input,  # no hint on purpose: MLflow would infer an input schema from it
        params: dict[str, Any] | None = None,
    ) -> list[str]:
        if self._config is None:
            self.load_context(context)
        assert self._config is not None  # for type checkers; load_context sets it or raises
        config = self._override(self._config, params or {})
        # LIMIT: one request at a time, no batching or concurrency (enough for local endpoints).
        return [self._complete(config, prompt) for prompt in _prompts(model_input)]

    @staticmethod
    def _override(config: LlmConfig, params: Mapping[str, Any]) -> LlmConfig:
        merged = config.to_model_config()
        for key in ("temperature", "max_tokens"):
            if params.get(key) is not None:
                merged[key] = params[key]
        try:
            return LlmConfig.from_mapping(merged)
        except LlmConfigError as e:
            raise LlmConfigError(str(e).replace("model_config[", "params[", 1)) from e

    def _complete(self, config: LlmConfig, prompt: str) -> str:
        url = f"{config.base_url}/chat/completions"
        messages = []
        if config.system_prompt:
            messages.append({"role": "system", "content": config.system_prompt})
        messages.append({"role": "user", "content": prompt})
        body = {
            "model": config.model,
            "messages": messages,
            "temperature": config.temperature,
            "max_tokens": config.max_tokens,
        }
        response = self._post_with_retries(config, url, body)
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as e:
            raise LlmCallError(
                f"POST {url} answered 200 with a body that is not a chat completion "
                f"(missing choices[0].message.content): {response.text[:200]!r}; check that "
                "base_url points at an OpenAI-compatible /v1 API"
            ) from e
        return "" if content is None else str(content)

    def _post_with_retries(
        self, config: LlmConfig, url: str, body: Mapping[str, Any]
    ) -> requests.Response:
        headers = {"Content-Type": "application/json"}
        if config.api_key_env is not None:
            key = os.environ.get(config.api_key_env)
            if not key:
                raise LlmConfigError(
                    f"environment variable {config.api_key_env!r} (model_config['api_key_env']) "
                    "is not set or empty; fix: export it with the endpoint's API key, or drop "
                    "api_key_env for endpoints without authentication"
                )
            headers["Authorization"] = f"Bearer {key}"
        session = self._session or requests.Session()
        attempts = config.max_retries + 1
        last = ""
        # The size requests will send for json=body (same serializer settings).
        nbytes = len(json.dumps(body, allow_nan=False).encode("utf-8"))
        for attempt in range(1, attempts + 1):
            # EgressDenied (a ValueError) is not retried: the destination is not allowed.
            egress.check(url, EGRESS_PURPOSE, "chat request JSON", nbytes)
            try:
                with egress.purpose(EGRESS_PURPOSE):
                    response = session.post(
                        url, json=body, headers=headers, timeout=config.timeout_seconds
                    )
            except (requests.Timeout, requests.ConnectionError) as e:
                last = f"{type(e).__name__}: {e}"
            else:
                if response.status_code == 200:
                    return response
                last = f"HTTP {response.status_code}: {response.text[:200]!r}"
                if response.status_code not in _RETRY_STATUSES:
                    break
            if attempt < attempts:
                time.sleep(config.retry_backoff_seconds * (2 ** (attempt - 1)))
        raise LlmCallError(
            f"POST {url} failed after {attempt} attempt(s) (max_retries={config.max_retries}); "
            f"last error {last}; check the endpoint, rate limits, or raise max_retries / "
            "timeout_seconds in model_config"
        )


def _prompts(model_input: Any) -> list[str]:
    if isinstance(model_input, pd.DataFrame):
        if INPUT_COLUMN in model_input.columns:
            column = model_input[INPUT_COLUMN]
        elif len(model_input.columns) == 1:
            column = model_input.iloc[:, 0]
        else:
            raise ValueError(
                f"model input DataFrame needs an {INPUT_COLUMN!r} column, found columns "
                f"{list(model_input.columns)}; fix: rename the prompt column to {INPUT_COLUMN!r}"
            )
        values = column.tolist()
    elif isinstance(model_input, pd.Series):
        values = model_input.tolist()
    elif isinstance(model_input, Mapping):
        if INPUT_COLUMN not in model_input:
            raise ValueError(
                f"model input dict needs an {INPUT_COLUMN!r} key, found keys "
                f"{sorted(model_input)}; fix: pass {{{INPUT_COLUMN!r}: [prompt, ...]}}"
            )
        raw = model_input[INPUT_COLUMN]
        values = [raw] if isinstance(raw, str) else list(raw)
    elif isinstance(model_input, str):
        values = [model_input]
    elif isinstance(model_input, Sequence):
        values = list(model_input)
    else:
        raise ValueError(
            f"model input must be a DataFrame with an {INPUT_COLUMN!r} column or a list of "
            f"strings, found {type(model_input).__name__}"
        )
    bad = [i for i, v in enumerate(values) if not isinstance(v, str)]
    if bad:
        raise ValueError(
            f"model input rows must be strings; rows {bad[:5]} are not (first: "
            f"{values[bad[0]]!r}); fix: fill or drop empty prompts before predict"
        )
    return values


def llm_signature(
    config: LlmConfig, input_example: Sequence[str] = ("日本の首都はどこですか？",)
) -> ModelSignature:
    """Signature with output ``string`` and params ``temperature`` / ``max_tokens`` defaulting
    to the configured values (built with ``infer_signature``).

    The input schema is deliberately left open (``None``): with a column schema MLflow rejects
    a plain list of strings, and :meth:`OpenAiChatModel.predict` validates its input itself,
    naming the missing column.
    """
    inferred = mlflow.models.infer_signature(
        pd.DataFrame({INPUT_COLUMN: list(input_example)}),
        ["answer"] * len(input_example),
        params={"temperature": config.temperature, "max_tokens": config.max_tokens},
    )
    return ModelSignature(inputs=None, outputs=inferred.outputs, params=inferred.params)


@dataclass(frozen=True)
class LoggedLlmModel:
    """Where a logged model is: ``model_uri`` (runs:/ or models:/ form), the run, and the
    registered name/version/alias when registered."""

    model_uri: str
    run_id: str
    registered_model_name: str | None = None
    version: str | None = None
    alias: str | None = None

    @property
    def registered_uri(self) -> str | None:
        if self.registered_model_name is None:
            return None
        if self.alias:
            return f"models:/{self.registered_model_name}@{self.alias}"
        return f"models:/{self.registered_model_name}/{self.version}"


def log_llm_model(
    model_config: Mapping[str, Any],
    *,
    name: str = "model",
    registered_model_name: str | None = None,
    alias: str | None = None,
    input_example: Sequence[str] = ("日本の首都はどこですか？",),
) -> LoggedLlmModel:
    """Log an :class:`OpenAiChatModel` in the active run (one is started if none is active),
    optionally register it and point ``alias`` at the new version.

    The config is validated first, so a bad config fails here rather than at load time. The
    signature's params default to the configured temperature and max_tokens.
    """
    config = LlmConfig.from_mapping(model_config)
    if alias is not None and registered_model_name is None:
        raise LlmConfigError(
            f"alias {alias!r} needs registered_model_name; fix: pass registered_model_name too"
        )
    signature = llm_signature(config, input_example)
    package_dir = str(Path(__file__).resolve().parent)
    active = mlflow.active_run()
    run = active or mlflow.start_run()
    try:
        info = mlflow.pyfunc.log_model(
            name=name,
            python_model=OpenAiChatModel(),
            model_config=config.to_model_config(),
            signature=signature,
            code_paths=[package_dir],
            # Explicit requirements: inference would load the model and call the endpoint.
            # The MLflow that logs the model is the one pinned for the whole project.
            pip_requirements=[f"mlflow=={mlflow.__version__}", "pandas", "requests"],
            registered_model_name=registered_model_name,
        )
    finally:
        if active is None:
            mlflow.end_run()
    version = None if info.registered_model_version is None else str(info.registered_model_version)
    if alias is not None and registered_model_name is not None and version is not None:
        mlflow.MlflowClient().set_registered_model_alias(registered_model_name, alias, version)
    return LoggedLlmModel(
        model_uri=info.model_uri,
        run_id=run.info.run_id,
        registered_model_name=registered_model_name,
        version=version,
        alias=alias,
    )
