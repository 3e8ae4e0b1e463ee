"""Egress allow-list and audit: rules, messages, the urllib3 guard, and the wiring of the pyfunc
LLM model and the evaluation driver (no call leaves loopback/private ranges unless allowed)."""

from __future__ import annotations

import ast
import http.server
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import mlflow
import pandas as pd
import pytest
import requests

from llm_testbed import egress
from llm_testbed.egress import EgressDenied, EgressPolicy
from llm_testbed.evaluate import main as evaluate_main
from llm_testbed.evaluate import run_evaluation
from llm_testbed.pyfunc_llm import LlmConfig, OpenAiChatModel, llm_signature, log_llm_model

PACKAGE = Path(egress.__file__).resolve().parent


def _no_dns(host: str) -> list[str]:
    raise AssertionError(f"must not resolve {host}")


def _fixed(table: dict[str, list[str]]):
    def resolve(host: str) -> list[str]:
        if host not in table:
            raise socket.gaierror(host)
        return table[host]

    return resolve


def _denied(policy: EgressPolicy, url: str) -> EgressDenied:
    with pytest.raises(EgressDenied) as caught:
        policy.check(url, "safe.rate", "chat request JSON", 1234)
    return caught.value


class CountingListener:
    """Accepts and counts TCP connections on a loopback alias (proves nothing connected)."""

    def __init__(self, address: str) -> None:
        self._server = socket.create_server((address, 0))
        self._server.settimeout(0.05)
        self.address = address
        self.port = self._server.getsockname()[1]
        self._accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except (TimeoutError, OSError):
                continue
            self._accepted += 1
            conn.close()

    def url(self, path: str = "") -> str:
        return f"http://{self.address}:{self.port}{path}"

    def accepted(self) -> int:
        time.sleep(0.1)
        return self._accepted

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._server.close()


@pytest.fixture
def denied_listener() -> Iterator[CountingListener]:
    listener = CountingListener("127.0.0.2")
    yield listener
    listener.close()


@pytest.fixture
def fresh_audit() -> Iterator[egress.EgressAudit]:
    egress.audit().clear()
    yield egress.audit()
    egress.audit().clear()


# ---- rules and messages ---------------------------------------------------------------------


def test_should_allow_loopback_and_private_ranges_when_defaults():
    p = EgressPolicy.defaults().with_resolver(_no_dns)
    for url in (
        "http://127.0.0.1:5055/api",
        "http://10.1.2.3/",
        "http://172.31.255.254",
        "https://192.168.1.10:8443/v1",
        "http://[::1]:8080/",
        "http://[fd12:3456::1]/",
    ):
        assert p.allows(url), url


def test_should_deny_public_link_local_and_metadata_addresses_when_defaults():
    p = EgressPolicy.defaults().with_resolver(_no_dns)
    for url in (
        "http://8.8.8.8/",
        "http://172.32.0.1/",
        "http://169.254.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://[::ffff:8.8.8.8]/",
        "http://0.0.0.0:80/",
    ):
        assert not p.allows(url), url


def test_should_give_the_java_message_when_literal_public_address_denied():
    e = _denied(EgressPolicy.defaults().with_resolver(_no_dns), "https://93.184.216.34/search")

    assert e.code == "E102"
    assert e.host == "93.184.216.34"
    assert e.nbytes == 1234
    # Same text as EgressPolicyTest on the Java side.
    assert str(e) == (
        "egress denied before sending: host '93.184.216.34' is not in an allowed range, and the "
        "egress allow-list [loopback, private] (from default) does not allow it. Nothing was "
        "sent. Purpose: safe.rate; would have sent chat request JSON (1234 bytes, content not "
        "shown). A host is allowed when its name is listed (exact or *.suffix) or every address "
        "it resolves to is in a listed range. Fix, only if this destination may receive this "
        "data: LLM_TESTBED_EGRESS_ALLOW=loopback,private,93.184.216.34 (or a line "
        "'93.184.216.34' in /etc/llm-testbed/egress-allow.txt)"
    )


def test_should_treat_name_as_public_when_any_resolved_address_is_public():
    p = EgressPolicy.defaults().with_resolver(
        _fixed({"search.example.test": ["10.0.0.5", "93.184.216.34"]})
    )

    e = _denied(p, "https://search.example.test/query")

    assert e.addresses == ["10.0.0.5", "93.184.216.34"]
    assert (
        "host 'search.example.test' resolves to 10.0.0.5, 93.184.216.34 of which 93.184.216.34 "
        "is not allowed; a name is public when any of its addresses is"
    ) in str(e)


def test_should_allow_name_when_every_resolved_address_is_private():
    p = EgressPolicy.defaults().with_resolver(_fixed({"mlflow.corp.test": ["10.0.0.5"]}))

    p.check("http://mlflow.corp.test:5000/api", "mlflow.tracking", "tracking request", 10)


def test_should_allow_listed_name_without_resolving_it():
    p = EgressPolicy.parse("loopback, api.openai.com", resolver=_no_dns)

    assert p.allows("https://API.OpenAI.com./v1/chat/completions")


def test_should_match_wildcard_below_suffix_only():
    p = EgressPolicy.parse(
        "*.corp.example",
        resolver=_fixed({"corp.example": ["93.184.216.34"], "evilcorp.example": ["93.184.216.35"]}),
    )

    assert p.allows("https://a.b.corp.example/")
    assert not p.allows("https://corp.example/")
    assert not p.allows("https://evilcorp.example/")


def test_should_deny_name_that_does_not_resolve():
    e = _denied(EgressPolicy.defaults().with_resolver(_fixed({})), "https://google.serper.dev/x")

    assert e.addresses == []
    assert "host 'google.serper.dev' does not resolve, so it cannot be shown to be private" in str(
        e
    )


def test_should_allow_metadata_address_only_when_listed_exactly():
    assert EgressPolicy.parse("link-local").allows("http://169.254.10.1/")
    assert not EgressPolicy.parse("link-local").allows("http://169.254.169.254/")
    assert EgressPolicy.parse("169.254.169.254").allows("http://169.254.169.254/")


def test_should_reject_malformed_entry_naming_it_and_the_rule():
    with pytest.raises(ValueError) as caught:
        EgressPolicy.parse("loopback, https://api.openai.com")
    assert str(caught.value) == (
        "egress allow-list entry 'https://api.openai.com' in given entries is not valid: an "
        "entry is a host name, *.suffix, an IP address or CIDR, or one of the keywords "
        "loopback, private, link-local (no scheme, port, path or bare '*'). Fix: write e.g. "
        "api.openai.com, *.corp.example or 10.0.0.0/8"
    )
    with pytest.raises(ValueError, match=r"entry '10\.0\.0\.0/33' in given entries is not a valid"):
        EgressPolicy.parse("10.0.0.0/33")


def test_should_join_variable_and_file_entries_when_both_configured(tmp_path):
    file = tmp_path / "egress-allow.txt"
    file.write_text("# search\nopensearch.corp.test  # internal\n\n10.9.0.0/16\n", encoding="utf-8")

    p = EgressPolicy.load(
        {egress.ALLOW_ENV: "loopback,api.openai.com", egress.FILE_ENV: str(file)},
        tmp_path / "unused.txt",
    )

    assert p.entries == ("loopback", "api.openai.com", "opensearch.corp.test", "10.9.0.0/16")
    assert p.source == f"{egress.ALLOW_ENV} + {file}"
    assert not p.with_resolver(_no_dns).allows("http://192.168.1.1/")


def test_should_use_defaults_when_nothing_configured_and_name_file_when_it_is_missing(tmp_path):
    assert EgressPolicy.load({}, tmp_path / "absent.txt").entries == ("loopback", "private")
    missing = tmp_path / "missing.txt"
    with pytest.raises(ValueError) as caught:
        EgressPolicy.load({egress.FILE_ENV: str(missing)}, tmp_path / "unused.txt")
    assert str(caught.value).startswith(
        f"LLM_TESTBED_EGRESS_FILE names the egress allow-list file {missing}, which cannot be read"
    )


def test_should_read_the_environment_when_current_is_called(monkeypatch, tmp_path):
    monkeypatch.setenv(egress.ALLOW_ENV, "127.0.0.1")
    monkeypatch.setenv(egress.FILE_ENV, str(tmp_path / "empty.txt"))
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")

    assert egress.current().entries == ("127.0.0.1",)
    assert not egress.current().allows("http://10.0.0.1/")


# ---- audit ----------------------------------------------------------------------------------


def test_should_write_jsonl_and_summary_in_the_java_shape(tmp_path):
    audit = egress.EgressAudit()
    audit.record("127.0.0.1", "safe.rate", 812, 311, 200)
    audit.record("10.0.0.5", "safe.search", 90, -1, egress.NO_RESPONSE)
    audit.record("api.openai.com", "safe.rate", 0, 0, egress.DENIED)

    path = audit.write_jsonl(tmp_path / "downloads" / egress.AUDIT_FILE_NAME)

    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [list(line) for line in lines][0] == [
        "time",
        "host",
        "purpose",
        "bytes_sent",
        "bytes_received",
        "status",
        "decision",
    ]
    assert lines[0]["time"].endswith("Z")
    assert [line["status"] for line in lines] == [200, -1, 0]
    assert [line["decision"] for line in lines] == ["sent", "sent", "denied"]
    summary = audit.summary()
    assert summary["total"] == {
        "calls": 3,
        "denied": 1,
        "failed": 1,
        "bytes_sent": 902,
        "bytes_received": 311,
    }
    assert summary["by_purpose"]["safe.rate"]["calls"] == 2


# ---- the guard: every urllib3 request of the process ----------------------------------------


def test_should_send_nothing_when_requests_call_is_denied(denied_listener, fresh_audit):
    with egress.use_policy(EgressPolicy.parse("127.0.0.1")), pytest.raises(EgressDenied) as caught:
        requests.post(denied_listener.url("/v1/chat/completions"), data=b"confidential", timeout=5)

    assert "host '127.0.0.2' is not in an allowed range" in str(caught.value)
    assert "would have sent HTTP POST body (12 bytes, content not shown)" in str(caught.value)
    assert "confidential" not in str(caught.value)
    assert denied_listener.accepted() == 0
    assert [(e.host, e.status) for e in fresh_audit.entries()] == [("127.0.0.2", egress.DENIED)]
    # The listener does count a real connection, so the zero above is meaningful.
    socket.create_connection(("127.0.0.2", denied_listener.port), timeout=2).close()
    assert denied_listener.accepted() == 1


class _Handler(http.server.BaseHTTPRequestHandler):
    redirect_to: str | None = None

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.redirect_to:
            self.send_response(302)
            self.send_header("Location", self.redirect_to)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"fine"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_server() -> Iterator[tuple[http.server.ThreadingHTTPServer, type[_Handler]]]:
    handler = type("Handler", (_Handler,), {"redirect_to": None})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, handler
    server.shutdown()
    server.server_close()


def test_should_refuse_redirect_to_denied_host_before_connecting(
    http_server, denied_listener, fresh_audit
):
    server, handler = http_server
    handler.redirect_to = denied_listener.url("/steal")

    with egress.use_policy(EgressPolicy.parse("127.0.0.1")), pytest.raises(EgressDenied):
        requests.get(f"http://127.0.0.1:{server.server_address[1]}/start", timeout=5)

    assert denied_listener.accepted() == 0
    assert [(e.host, e.status) for e in fresh_audit.entries()] == [
        ("127.0.0.1", 302),
        ("127.0.0.2", egress.DENIED),
    ]


def test_should_audit_allowed_call_with_purpose_bytes_and_status(http_server, fresh_audit):
    server, _ = http_server

    with egress.use_policy(EgressPolicy.parse("loopback")), egress.purpose("test.fetch"):
        answer = requests.get(f"http://127.0.0.1:{server.server_address[1]}/x", timeout=5)

    assert answer.text == "fine"
    [entry] = fresh_audit.entries()
    assert (entry.host, entry.purpose, entry.bytes_sent, entry.bytes_received, entry.status) == (
        "127.0.0.1",
        "test.fetch",
        0,
        4,
        200,
    )


# ---- wiring ---------------------------------------------------------------------------------


def test_should_refuse_llm_endpoint_before_posting_when_not_allowed(
    tmp_path, denied_listener, fresh_audit
):
    config = {"base_url": denied_listener.url("/v1"), "model": "m1", "max_retries": 2}
    path = tmp_path / "model"
    mlflow.pyfunc.save_model(
        path,
        python_model=OpenAiChatModel(),
        model_config=config,
        signature=llm_signature(LlmConfig.from_mapping(config)),
        pip_requirements=["mlflow==3.17.2"],
    )
    model = mlflow.pyfunc.load_model(str(path))

    with egress.use_policy(EgressPolicy.parse("127.0.0.1")), pytest.raises(EgressDenied) as caught:
        model.predict(pd.DataFrame({"inputs": ["社外秘の質問"]}))

    assert "Purpose: pyfunc_llm.chat; would have sent chat request JSON (" in str(caught.value)
    assert "社外秘" not in str(caught.value)
    assert denied_listener.accepted() == 0


def test_should_refuse_tracking_server_before_logging_when_not_allowed(
    denied_listener, monkeypatch
):
    monkeypatch.setenv(egress.ALLOW_ENV, "127.0.0.1")
    data = pd.DataFrame({"inputs": ["q"], "ground_truth": ["a"], "outputs": ["a"]})
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(denied_listener.url())
    try:
        with pytest.raises(EgressDenied) as caught:
            run_evaluation(data, experiment_name="never-created", predictions="outputs")
    finally:
        mlflow.set_tracking_uri(previous)

    assert (
        "Purpose: mlflow.tracking; would have sent evaluation run (tags, metrics, eval table) "
        in (str(caught.value))
    )
    assert "LLM_TESTBED_EGRESS_ALLOW=127.0.0.1,127.0.0.2" in str(caught.value)
    assert denied_listener.accepted() == 0


def test_should_exit_2_naming_the_setting_when_cli_tracking_uri_is_denied(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv(egress.ALLOW_ENV, "loopback")
    monkeypatch.setenv(egress.FILE_ENV, str(tmp_path / "none.txt"))
    (tmp_path / "none.txt").write_text("", encoding="utf-8")
    data = tmp_path / "qa.jsonl"
    data.write_text('{"inputs": "q", "ground_truth": "a", "outputs": "a"}\n', encoding="utf-8")
    previous = mlflow.get_tracking_uri()
    try:
        code = evaluate_main(
            [
                str(data),
                "--experiment",
                "never-created",
                "--predictions-col",
                "outputs",
                "--tracking-uri",
                "http://8.8.8.8:5000",
            ]
        )
    finally:
        mlflow.set_tracking_uri(previous)

    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "llm_testbed.evaluate: ERROR: egress denied before sending: host '8.8.8.8'"
    )
    assert "LLM_TESTBED_EGRESS_ALLOW=loopback,8.8.8.8" in err


@pytest.mark.integration
def test_should_log_every_call_in_egress_audit_artifact_when_evaluating_through_a_model(
    stack, scripted_llm, unique_name
):
    mlflow.set_experiment(f"test-egress-{unique_name}")
    logged = log_llm_model({"base_url": scripted_llm.base_url, "model": "m"})
    data = pd.DataFrame({"question_id": ["1", "2"], "inputs": ["日本の首都は？", "2+2は？"]})
    data["ground_truth"] = ["東京", "4"]

    outcome = run_evaluation(
        data, experiment_name=f"test-egress-{unique_name}", model_uri=logged.model_uri
    )

    text = mlflow.artifacts.load_text(f"runs:/{outcome.run_id}/{egress.AUDIT_FILE_NAME}")
    entries = [json.loads(line) for line in text.splitlines()]
    llm = [e for e in entries if e["purpose"] == "pyfunc_llm.chat"]
    assert scripted_llm.call_count == 2
    assert len(llm) == 2
    assert all(e["host"] == "127.0.0.1" and e["status"] == 200 for e in llm)
    assert all(e["bytes_sent"] > 0 and e["bytes_received"] > 0 for e in llm)
    tracking = [e for e in entries if e["purpose"] == "mlflow.tracking"]
    assert tracking, "the tracking calls of the run are in the audit"
    assert {e["host"] for e in tracking} == {"127.0.0.1"}


# ---- no unguarded network code in the package -----------------------------------------------

# Modules importing one of these install the guard (egress.install_guard() at import).
_GUARDING_MODULES = {"llm_testbed.egress", "llm_testbed.evaluate", "llm_testbed.pyfunc_llm"}
# Imports that open outbound connections.
_NETWORK_MODULES = (
    "requests",
    "urllib.request",
    "urllib3",
    "http.client",
    "httpx",
    "socket",
    "aiohttp",
    "boto3",
    "botocore",
)
# MLflow calls that reach a tracking server (importing mlflow for metric types does not).
_TRACKING_CALL = re.compile(
    r"\b(MlflowClient\(|set_tracking_uri|set_experiment|start_run|log_(metric|param|text|artifact|"
    r"table|dict|model)|mlflow\.evaluate|mlflow\.artifacts|search_runs|search_experiments|"
    r"load_model|register_model)"
)
# Modules allowed to use the network without importing a guarding module, and why.
_ALLOWED = {
    # The guard itself; socket only for getaddrinfo, the urllib3 patch is the guard.
    "egress.py": "the allow-list implementation",
    # Serves on 127.0.0.1 (inbound); imports no client.
    "scripted_llm.py": "test server, inbound only",
}


def _imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def test_should_guard_every_module_of_the_package_that_uses_the_network():
    unguarded = []
    for path in sorted(PACKAGE.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        imports = _imports(ast.parse(source))
        network = sorted(
            i for i in imports if any(i == m or i.startswith(m + ".") for m in _NETWORK_MODULES)
        )
        network += sorted({m.group(1) for m in _TRACKING_CALL.finditer(source)})
        if network and path.name not in _ALLOWED and not imports & _GUARDING_MODULES:
            unguarded.append(f"{path.name} imports {network}")

    assert unguarded == [], (
        "modules that reach the network without the egress guard; fix: import llm_testbed.egress "
        "and call egress.install_guard() (or egress.check before each call), or list the module "
        "in _ALLOWED with the reason"
    )


def test_should_have_the_guard_installed_when_the_package_entry_points_are_imported():
    import urllib3.connectionpool

    import llm_testbed.demo  # noqa: F401
    import llm_testbed.report  # noqa: F401

    assert urllib3.connectionpool.HTTPConnectionPool.urlopen.__name__ == "guarded_urlopen"
