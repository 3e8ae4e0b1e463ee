"""Shared fixtures: the local stack (started through infra/local/stack.sh) and a scripted LLM.

Tests marked ``integration`` need the stack: PostgreSQL + S3Mock + MLflow server. The session
fixture runs ``infra/local/stack.sh start`` (idempotent: running services are reused), then
applies the exports printed by ``stack.sh env`` to ``os.environ``.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import mlflow
import pytest

from llm_testbed.scripted_llm import Script, ScriptedLlmServer

REPO = Path(__file__).resolve().parents[3]
STACK_SH = REPO / "infra" / "local" / "stack.sh"
_EXPORT = re.compile(r"^export\s+([A-Za-z_][A-Za-z0-9_]*)=(.*)$")


def parse_env_exports(text: str) -> dict[str, str]:
    """``export K=V`` lines (V possibly shell-quoted) -> dict."""
    env = {}
    for line in text.splitlines():
        match = _EXPORT.match(line.strip())
        if match:
            values = shlex.split(match.group(2))
            env[match.group(1)] = values[0] if values else ""
    return env


# Every experiment / registered model a test creates has this token in its name, so the session
# end deletes exactly what this session made (another session may share the stack).
SESSION_TOKEN = uuid.uuid4().hex[:8]


def _delete_session_objects() -> tuple[int, int]:
    """Mark this session's ``test-*`` experiments deleted and drop its registered models."""
    client = mlflow.MlflowClient()
    experiments = client.search_experiments(filter_string=f"name LIKE 'test-%{SESSION_TOKEN}%'")
    for experiment in experiments:
        client.delete_experiment(experiment.experiment_id)
    models = client.search_registered_models(filter_string=f"name LIKE 'test-%{SESSION_TOKEN}%'")
    for model in models:
        client.delete_registered_model(model.name)
    return len(experiments), len(models)


@pytest.fixture(scope="session")
def stack() -> Iterator[dict[str, str]]:
    """Start the local stack (or reuse it) and point MLflow at it; yields the stack env. At the
    session end the experiments and registered models this session created are deleted."""
    if not STACK_SH.is_file():
        pytest.fail(
            f"{STACK_SH} is missing; integration tests need the local stack script "
            "(infra/local/stack.sh start|env)"
        )
    started = subprocess.run(
        ["bash", str(STACK_SH), "start"], capture_output=True, text=True, timeout=900, check=False
    )
    if started.returncode != 0:
        pytest.fail(
            f"infra/local/stack.sh start exited {started.returncode}:\n"
            f"{started.stdout[-2000:]}\n{started.stderr[-2000:]}"
        )
    printed = subprocess.run(
        ["bash", str(STACK_SH), "env"], capture_output=True, text=True, timeout=60, check=True
    )
    env = parse_env_exports(printed.stdout)
    assert "MLFLOW_TRACKING_URI" in env, f"stack.sh env printed no MLFLOW_TRACKING_URI:\n{printed}"
    os.environ.update(env)
    mlflow.set_tracking_uri(env["MLFLOW_TRACKING_URI"])
    yield env
    deleted = _delete_session_objects()
    print(f"\nstack fixture: deleted {deleted[0]} test experiments, {deleted[1]} registered models")


@pytest.fixture(scope="session")
def session_token() -> str:
    """The token in this session's experiment names (see ``SESSION_TOKEN``)."""
    return SESSION_TOKEN


@pytest.fixture
def unique_name() -> str:
    """A fresh suffix for experiment / model names so tests never see each other's runs; it
    contains the session token, so the session end deletes what was made with it."""
    return f"{SESSION_TOKEN}-{uuid.uuid4().hex[:6]}"


@pytest.fixture
def scripted_llm() -> Iterator[ScriptedLlmServer]:
    """A scripted chat server on 127.0.0.1 with a few Japanese and arithmetic rules."""
    script = Script.from_mapping(
        {
            "rules": [
                {"contains": "日本の首都", "answer": "東京"},
                {"regex": r"2\s*\+\s*2", "answer": "4"},
                {"contains": "富士山", "answer": "3776メートル"},
            ],
            "default_answer": "[scripted default answer]",
        }
    )
    with ScriptedLlmServer(script) as server:
        yield server
