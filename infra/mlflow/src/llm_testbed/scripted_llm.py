"""A scripted OpenAI-compatible chat server for tests.

It answers ``POST /v1/chat/completions`` from a rules file, never from a model: every response
carries ``"model": "scripted:<requested model>"``, ``"system_fingerprint": "scripted-llm"`` and
the header ``X-Scripted-LLM: true`` so that no answer can pass for a real LLM's.

Rules file (JSON)::

    {
      "rules": [
        {"contains": "capital of France", "answer": "Paris"},
        {"regex": "^2\\s*\\+\\s*2", "answer": "4"}
      ],
      "default_answer": "[scripted default answer]",
      "latency_seconds": 0.0,
      "fail_first": {"count": 2, "status": 429},
      "malformed_first": 0
    }

Rules are tried in order against the content of the last ``user`` message; the first match wins.
``fail_first`` makes the first ``count`` calls answer with that HTTP status; ``malformed_first``
makes the next calls (after the failures) answer 200 with a body that is not a chat completion.

Run standalone: ``python -m llm_testbed.scripted_llm --rules r.json --port 0`` prints its URL.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

SCRIPTED_FINGERPRINT = "scripted-llm"
DEFAULT_ANSWER = "[scripted default answer: no rule matched]"
_MALFORMED_BODY = b'{"not_a_chat_completion": tru'


@dataclass(frozen=True)
class Rule:
    """One scripted answer: ``contains`` (substring) or ``regex`` (re.search) of the last user
    message maps to ``answer``."""

    answer: str
    contains: str | None = None
    regex: re.Pattern[str] | None = None

    def matches(self, text: str) -> bool:
        if self.contains is not None:
            return self.contains in text
        return self.regex is not None and self.regex.search(text) is not None


@dataclass
class Script:
    """What the server answers; mutable so a test can change it between calls."""

    rules: list[Rule] = field(default_factory=list)
    default_answer: str = DEFAULT_ANSWER
    latency_seconds: float = 0.0
    fail_first_count: int = 0
    fail_status: int = 429
    malformed_first: int = 0

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> Script:
        rules = [_parse_rule(i, r) for i, r in enumerate(raw.get("rules", []))]
        fail = raw.get("fail_first") or {}
        return cls(
            rules=rules,
            default_answer=str(raw.get("default_answer", DEFAULT_ANSWER)),
            latency_seconds=float(raw.get("latency_seconds", 0.0)),
            fail_first_count=int(fail.get("count", 0)),
            fail_status=int(fail.get("status", 429)),
            malformed_first=int(raw.get("malformed_first", 0)),
        )

    @classmethod
    def from_file(cls, path: str | Path) -> Script:
        try:
            raw = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as e:
            raise ValueError(
                f"rules file {str(path)!r} must be readable JSON ({e}); "
                "fix: pass --rules pointing at a JSON object with 'rules' and 'default_answer'"
            ) from e
        if not isinstance(raw, dict):
            raise ValueError(
                f"rules file {str(path)!r} must hold a JSON object, found {type(raw).__name__}"
            )
        return cls.from_mapping(raw)

    def answer_for(self, text: str) -> str:
        for rule in self.rules:
            if rule.matches(text):
                return rule.answer
        return self.default_answer


def _parse_rule(index: int, raw: Mapping[str, Any]) -> Rule:
    if "answer" not in raw or ("contains" in raw) == ("regex" in raw):
        raise ValueError(
            f"rules[{index}] must have 'answer' and exactly one of 'contains' or 'regex', "
            f"found keys {sorted(raw)}; fix: e.g. "
            '{"contains": "capital", "answer": "Paris"}'
        )
    if "regex" in raw:
        return Rule(answer=str(raw["answer"]), regex=re.compile(str(raw["regex"])))
    return Rule(answer=str(raw["answer"]), contains=str(raw["contains"]))


class ScriptedLlmServer:
    """A threaded HTTP server on 127.0.0.1 answering chat completions from a :class:`Script`.

    Use as a context manager (``with ScriptedLlmServer(script) as server: server.base_url``).
    ``call_count`` counts every request to the completions path, failed ones included;
    ``requests`` keeps their JSON bodies (or ``None`` when unparsable) in arrival order.
    """

    def __init__(self, script: Script | None = None, *, port: int = 0) -> None:
        self.script = script or Script()
        self.requests: list[dict[str, Any] | None] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), _make_handler(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """The OpenAI-style base URL, ending in ``/v1``."""
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def call_count(self) -> int:
        with self._lock:
            return len(self.requests)

    def start(self) -> ScriptedLlmServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> ScriptedLlmServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _record(self, body: dict[str, Any] | None) -> int:
        with self._lock:
            self.requests.append(body)
            return len(self.requests)


def _make_handler(server: ScriptedLlmServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
            return

        def do_GET(self) -> None:  # noqa: N802 - stdlib naming
            if self.path.rstrip("/") == "/v1/models":
                self._send(200, {"object": "list", "data": [{"id": "scripted", "object": "model"}]})
            else:
                self._send(404, {"error": {"message": f"no route {self.path}"}})

        def do_POST(self) -> None:  # noqa: N802 - stdlib naming
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._send(404, {"error": {"message": f"no route {self.path}"}})
                return
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                body: dict[str, Any] | None = json.loads(raw)
            except json.JSONDecodeError:
                body = None
            number = server._record(body)
            script = server.script
            if script.latency_seconds > 0:
                time.sleep(script.latency_seconds)
            if number <= script.fail_first_count:
                self._send(
                    script.fail_status,
                    {
                        "error": {
                            "message": f"scripted failure {number}/{script.fail_first_count}",
                            "type": "scripted",
                        }
                    },
                    extra={"Retry-After": "0"},
                )
                return
            if number <= script.fail_first_count + script.malformed_first:
                self._send_raw(200, _MALFORMED_BODY)
                return
            if body is None or not isinstance(body.get("messages"), list):
                self._send(400, {"error": {"message": "body must be JSON with a 'messages' list"}})
                return
            self._send(200, _completion(body, script.answer_for(_last_user_text(body)), number))

        def _send(self, status: int, payload: Any, extra: Mapping[str, str] | None = None) -> None:
            self._send_raw(status, json.dumps(payload, ensure_ascii=False).encode(), extra)

        def _send_raw(
            self, status: int, data: bytes, extra: Mapping[str, str] | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-Scripted-LLM", "true")
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _last_user_text(body: Mapping[str, Any]) -> str:
    for message in reversed(body.get("messages") or []):
        if isinstance(message, Mapping) and message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, str):
                return content
            if isinstance(content, Sequence):
                return "".join(str(p.get("text", "")) for p in content if isinstance(p, Mapping))
    return ""


def _completion(body: Mapping[str, Any], answer: str, number: int) -> dict[str, Any]:
    prompt_chars = sum(len(str(m.get("content", ""))) for m in body.get("messages", []))
    return {
        "id": f"scripted-{number}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": f"scripted:{body.get('model', 'unknown')}",
        "system_fingerprint": SCRIPTED_FINGERPRINT,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": answer},
                "finish_reason": "stop",
            }
        ],
        # Character counts, not tokens: the server has no tokenizer and says so.
        "usage": {
            "prompt_tokens": prompt_chars,
            "completion_tokens": len(answer),
            "total_tokens": prompt_chars + len(answer),
            "unit": "characters (scripted server)",
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m llm_testbed.scripted_llm",
        description="Scripted OpenAI-compatible chat server for tests (answers are not an LLM's).",
    )
    parser.add_argument("--rules", help="JSON rules file; without it every answer is the default")
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0 = any free)")
    args = parser.parse_args(argv)
    script = Script.from_file(args.rules) if args.rules else Script()
    server = ScriptedLlmServer(script, port=args.port)
    print(server.base_url, flush=True)
    try:
        server._httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
