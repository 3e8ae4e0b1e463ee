from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from llm_testbed.scripted_llm import SCRIPTED_FINGERPRINT, Script, ScriptedLlmServer


def _chat(base_url: str, text: str) -> requests.Response:
    return requests.post(
        f"{base_url}/chat/completions",
        json={"model": "m", "messages": [{"role": "user", "content": text}]},
        timeout=10,
    )


def test_should_answer_by_first_matching_rule_when_user_message_matches(scripted_llm):
    jp = _chat(scripted_llm.base_url, "日本の首都はどこですか？").json()
    arithmetic = _chat(scripted_llm.base_url, "what is 2 +  2?").json()
    other = _chat(scripted_llm.base_url, "hello").json()

    assert jp["choices"][0]["message"]["content"] == "東京"
    assert arithmetic["choices"][0]["message"]["content"] == "4"
    assert other["choices"][0]["message"]["content"] == "[scripted default answer]"
    assert scripted_llm.call_count == 3


def test_should_mark_every_answer_as_scripted_when_answering():
    with ScriptedLlmServer() as server:
        response = _chat(server.base_url, "anything")

    body = response.json()
    assert response.headers["X-Scripted-LLM"] == "true"
    assert body["model"] == "scripted:m"
    assert body["system_fingerprint"] == SCRIPTED_FINGERPRINT


def test_should_fail_first_calls_with_configured_status_when_fail_first_is_set():
    script = Script.from_mapping({"fail_first": {"count": 2, "status": 429}})
    with ScriptedLlmServer(script) as server:
        statuses = [_chat(server.base_url, "q").status_code for _ in range(3)]

    assert statuses == [429, 429, 200]


def test_should_return_unparsable_body_when_malformed_first_is_set():
    script = Script.from_mapping({"malformed_first": 1})
    with ScriptedLlmServer(script) as server:
        first = _chat(server.base_url, "q")
        second = _chat(server.base_url, "q")

    assert first.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(first.text)
    assert second.json()["choices"][0]["message"]["content"].startswith("[scripted default")


def test_should_reject_rule_without_answer_when_parsing_rules():
    with pytest.raises(ValueError) as error:
        Script.from_mapping({"rules": [{"contains": "x"}]})

    assert "rules[0] must have 'answer' and exactly one of 'contains' or 'regex'" in str(
        error.value
    )
    assert "found keys ['contains']" in str(error.value)


def test_should_print_url_and_serve_when_run_as_module(tmp_path: Path):
    rules = tmp_path / "r.json"
    rules.write_text(json.dumps({"rules": [{"contains": "ping", "answer": "pong"}]}))
    process = subprocess.Popen(
        [sys.executable, "-m", "llm_testbed.scripted_llm", "--rules", str(rules), "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().strip()
        answer = _chat(url, "ping?").json()["choices"][0]["message"]["content"]
    finally:
        process.terminate()
        process.wait(timeout=10)

    assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
    assert answer == "pong"
