#!/usr/bin/env bash
# End-to-end test of the local stack (stack.sh) against the real services.
#
# It runs a second, throwaway stack with its own TESTBED_HOME and ports, so a developer's stack
# on the default ports is not touched. The installed software (S3Mock jar, venvs) is reused
# from the developer's TESTBED_HOME through symlinks (setup.sh installs it there if missing).
#
#   infra/local/test_stack.sh
#
# A second throwaway stack (home B, ports TESTBED_TEST_B_PG_PORT 55632, TESTBED_TEST_B_S3_PORT 9390,
# TESTBED_TEST_B_MLFLOW_PORT 5255) checks that a stack never adopts another stack's server.
#
# Environment: TESTBED_TEST_PG_PORT (55532), TESTBED_TEST_S3_PORT (9290), TESTBED_TEST_MLFLOW_PORT
# (5155), TESTBED_TEST_B_* (above), TESTBED_TEST_KEEP=1 keeps the throwaway TESTBED_HOMEs.
# Last line of output: "N passed, M failed"; exit status 1 when anything failed.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SCRIPT_DIR/../.." && pwd)"
STACK="$SCRIPT_DIR/stack.sh"
SOFTWARE_HOME="${TESTBED_HOME:-$REPO/.testbed}"

export TESTBED_PG_PORT="${TESTBED_TEST_PG_PORT:-55532}"
export TESTBED_S3_PORT="${TESTBED_TEST_S3_PORT:-9290}"
export TESTBED_S3_TLS_PORT=$((TESTBED_S3_PORT + 101))
export TESTBED_MLFLOW_PORT="${TESTBED_TEST_MLFLOW_PORT:-5155}"
TESTBED_HOME="$(mktemp -d /tmp/testbed-stack-test.XXXXXX)"
export TESTBED_HOME
HOME_B="$(mktemp -d /tmp/testbed-stack-test-b.XXXXXX)"
B_PG_PORT="${TESTBED_TEST_B_PG_PORT:-55632}"
B_S3_PORT="${TESTBED_TEST_B_S3_PORT:-9390}"
B_MLFLOW_PORT="${TESTBED_TEST_B_MLFLOW_PORT:-5255}"
# postgres must be able to enter the directory (mktemp makes it 0700).
chmod 755 "$TESTBED_HOME" "$HOME_B"

MLFLOW="http://127.0.0.1:$TESTBED_MLFLOW_PORT"
S3="http://127.0.0.1:$TESTBED_S3_PORT"
BUCKET=mlflow-artifacts
passed=0
failed=0

pass() { passed=$((passed + 1)); printf 'PASS %s\n' "$1"; }
fail() { failed=$((failed + 1)); printf 'FAIL %s\n' "$1"; [[ -z "${2:-}" ]] || printf '     %s\n' "$2"; }
# expect_eq NAME EXPECTED ACTUAL
expect_eq() { if [[ "$2" == "$3" ]]; then pass "$1"; else fail "$1" "expected '$2', got '$3'"; fi; }
# expect_match NAME REGEX ACTUAL
expect_match() {
  if [[ "$3" =~ $2 ]]; then pass "$1"; else fail "$1" "expected a match for /$2/, got '$3'"; fi
}
finish() {
  printf '%s passed, %s failed\n' "$passed" "$failed"
  [[ $failed -eq 0 ]]
}

# stack_b ARGS...: stack.sh for home B on B's ports (override a port by setting it before the call).
stack_b() {
  TESTBED_HOME="$HOME_B" TESTBED_PG_PORT="${B_PG:-$B_PG_PORT}" TESTBED_S3_PORT="${B_S3:-$B_S3_PORT}" \
    TESTBED_S3_TLS_PORT=$((${B_S3:-$B_S3_PORT} + 101)) TESTBED_MLFLOW_PORT="${B_ML:-$B_MLFLOW_PORT}" \
    "$STACK" "$@"
}

cleanup() {
  "$STACK" stop >/dev/null 2>&1 || true
  stack_b stop >/dev/null 2>&1 || true
  if [[ "${TESTBED_TEST_KEEP:-0}" == 1 ]]; then
    echo "kept $TESTBED_HOME $HOME_B"
  else
    rm -rf "$TESTBED_HOME" "$HOME_B"
  fi
}
trap cleanup EXIT

# JSON field by dotted path (numbers index lists), read from stdin.
PY="$SOFTWARE_HOME/venv-server/bin/python"
jget() {
  "$PY" -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v[int(k)] if k.isdigit() else v[k]
print(v)' "$1" 2>/dev/null || echo "<no $1>"
}
api() { # METHOD PATH [JSON]
  curl --noproxy '*' -s -m 30 -X "$1" -H 'Content-Type: application/json' \
    ${3:+--data "$3"} "$MLFLOW$2"
}
code() { curl --noproxy '*' -s -m 30 -o /dev/null -w '%{http_code}' "$@"; }
pids() {
  printf '%s %s %s' "$(head -1 "$TESTBED_HOME/pgdata/postmaster.pid" 2>/dev/null)" \
    "$(cat "$TESTBED_HOME/run/s3.pid" 2>/dev/null)" "$(cat "$TESTBED_HOME/run/mlflow.pid" 2>/dev/null)"
}
psql_q() {
  PGPASSWORD="$TESTBED_PG_PASSWORD" psql -X -h 127.0.0.1 -p "$TESTBED_PG_PORT" -U mlflow -d mlflow \
    -tA -v ON_ERROR_STOP=1 -c "$1" 2>&1
}

echo "test stack: TESTBED_HOME=$TESTBED_HOME ports pg $TESTBED_PG_PORT, s3 $TESTBED_S3_PORT," \
  "mlflow $TESTBED_MLFLOW_PORT"
for port in "$TESTBED_PG_PORT" "$TESTBED_S3_PORT" "$TESTBED_S3_TLS_PORT" "$TESTBED_MLFLOW_PORT" \
  "$B_PG_PORT" "$B_S3_PORT" "$((B_S3_PORT + 101))" "$B_MLFLOW_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fail "test port $port is free" "set TESTBED_TEST_*_PORT to free ports"
    finish
  fi
done

# ---------------------------------------------------------------- software, shared by symlink
TESTBED_HOME="$SOFTWARE_HOME" "$SCRIPT_DIR/setup.sh" | grep -v '^setup: ok:' || true
for d in lib venv-server venv; do
  if [[ -e "$SOFTWARE_HOME/$d" ]]; then
    ln -s "$SOFTWARE_HOME/$d" "$TESTBED_HOME/$d"
    ln -s "$SOFTWARE_HOME/$d" "$HOME_B/$d"
  fi
done

# ---------------------------------------------------------------- first start
t0=$SECONDS
if out="$("$STACK" start 2>&1)"; then pass "start exits 0 ($((SECONDS - t0))s)"; else
  fail "start exits 0" "$out"
  "$STACK" logs || true
  finish
fi
first_pids="$(pids)"
expect_match "start records three pids" '^[0-9]+ [0-9]+ [0-9]+$' "$first_pids"
if status_out="$("$STACK" status)"; then pass "status exits 0 when all run"; else
  fail "status exits 0 when all run" "$status_out"
fi
expect_eq "status prints three 'up' lines" 3 "$(grep -c ' up ' <<< "$status_out" || true)"

out="$("$STACK" start 2>&1)" || fail "second start exits 0" "$out"
expect_eq "second start reuses all three services" 3 "$(grep -c 'already running' <<< "$out" || true)"
expect_eq "second start keeps the same pids" "$first_pids" "$(pids)"

# ---------------------------------------------------------------- a second stack is never adopted
a_ml_pid="$(cat "$TESTBED_HOME/run/mlflow.pid")"
t0=$SECONDS
if out="$(stack_b start 2>&1)"; then pass "stack B (other home, other ports) starts ($((SECONDS - t0))s)"
else fail "stack B (other home, other ports) starts" "$out"; fi
b_ml_pid="$(cat "$HOME_B/run/mlflow.pid" 2>/dev/null)"
# B's home with A's MLflow port: B's own server is alive, but the port is A's.
rc=0; out="$(B_ML="$TESTBED_MLFLOW_PORT" stack_b start 2>&1)" || rc=$?
expect_eq "start with another stack's mlflow port exits 1" 1 "$rc"
expect_match "the refusal names the port, 'did not start' and the variable" \
  "port 127\.0\.0\.1:$TESTBED_MLFLOW_PORT is already in use by a process this stack did not start.*TESTBED_MLFLOW_PORT=" \
  "$out"
holder="$(grep -o 'did not start (pid [0-9]*' <<< "$out" | head -1 | grep -o '[0-9]*$' || true)"
holder_root="$holder"
while [[ -n "$holder_root" && "$holder_root" != "$a_ml_pid" && "$holder_root" -gt 1 ]]; do
  holder_root="$(awk '{print $4}' "/proc/$holder_root/stat" 2>/dev/null || echo 0)"
done
expect_eq "the refusal names a pid of stack A's mlflow (holder $holder)" "$a_ml_pid" "$holder_root"
expect_match "the refusal names B's own pid, not as the holder" "this stack's mlflow is pid $b_ml_pid" "$out"
if grep -qE '^(mlflow: already running|stack ready)' <<< "$out"; then
  fail "the cross-port start does not claim mlflow is running" "$out"
else pass "the cross-port start does not claim mlflow is running"; fi
rc=0; out="$(B_ML="$TESTBED_MLFLOW_PORT" stack_b status 2>&1)" || rc=$?
expect_eq "status with another stack's mlflow port exits 1" 1 "$rc"
expect_match "status shows the mlflow port as foreign, held by another pid" \
  "mlflow +foreign .*pid $b_ml_pid +port held by pid [0-9]" "$(grep '^mlflow' <<< "$out")"
# B's home with all of A's ports (the default-port case of a second checkout): nothing is ours.
rc=0; out="$(B_PG="$TESTBED_PG_PORT" B_S3="$TESTBED_S3_PORT" B_ML="$TESTBED_MLFLOW_PORT" stack_b status 2>&1)" \
  || rc=$?
expect_eq "status on all of A's ports from home B: no service up" "0 3" \
  "$(grep -c ' up ' <<< "$out" || true) $(grep -c ' foreign ' <<< "$out" || true)"
expect_eq "stack A's pids are unchanged after B's attempts" "$first_pids" "$(pids)"
if out="$(stack_b status 2>&1)"; then pass "stack B on its own ports is still up"; else
  fail "stack B on its own ports is still up" "$out"; fi
if out="$(stack_b stop 2>&1)"; then pass "stack B stops"; else fail "stack B stops" "$out"; fi

eval "$("$STACK" env)"
expect_eq "env: MLFLOW_TRACKING_URI" "$MLFLOW" "$MLFLOW_TRACKING_URI"
expect_eq "env: TESTBED_S3_ENDPOINT" "$S3" "$TESTBED_S3_ENDPOINT"
expect_match "env: TESTBED_PG_URI" "^postgresql://mlflow:[A-Za-z0-9]+@127.0.0.1:$TESTBED_PG_PORT/mlflow\$" \
  "$TESTBED_PG_URI"
expect_eq "env: TESTBED_PYTHON" "$TESTBED_HOME/venv/bin/python" "$TESTBED_PYTHON"

if command -v ss >/dev/null; then
  for port in "$TESTBED_PG_PORT" "$TESTBED_S3_PORT" "$TESTBED_S3_TLS_PORT" "$TESTBED_MLFLOW_PORT"; do
    addrs="$(ss -Hltn "sport = :$port" | awk '{print $4}' | sed 's/:[0-9]*$//' | sort -u | tr '\n' ' ')"
    expect_match "port $port listens on loopback only" '^((\[::ffff:)?127\.0\.0\.1\]? )+$' "$addrs"
  done
fi
expect_match "mlflow rejects a foreign Host header (DNS rebinding guard)" '^4[0-9][0-9]$' \
  "$(code -H 'Host: evil.example.com' "$MLFLOW/api/2.0/mlflow/experiments/search?max_results=1")"

# ---------------------------------------------------------------- write through the REST API
exp_name="stack-test-$(date +%s)-$$"
exp_id="$(api POST /api/2.0/mlflow/experiments/create "{\"name\": \"$exp_name\"}" | jget experiment_id)"
expect_match "create experiment returns an id" '^[0-9]+$' "$exp_id"
now=$(date +%s%3N)
run_json="$(api POST /api/2.0/mlflow/runs/create \
  "{\"experiment_id\": \"$exp_id\", \"run_name\": \"stack-test\", \"start_time\": $now}")"
run_id="$(jget run.info.run_id <<< "$run_json")"
expect_match "create run returns a 32-hex run id" '^[0-9a-f]{32}$' "$run_id"
expect_eq "run artifact root goes through the proxy" "mlflow-artifacts:/$exp_id/$run_id/artifacts" \
  "$(jget run.info.artifact_uri <<< "$run_json")"
expect_eq "log-metric answers 200" 200 "$(code -X POST -H 'Content-Type: application/json' \
  --data "{\"run_id\": \"$run_id\", \"key\": \"accuracy\", \"value\": 0.875, \"timestamp\": $now,
  \"step\": 0}" "$MLFLOW/api/2.0/mlflow/runs/log-metric")"

art="$TESTBED_HOME/upload"
mkdir -p "$art"
printf '{"columns": ["question_id", "outputs"], "data": [["q1", "42"]]}' > "$art/table.json"
# 20 MB: above boto3's 8 MB multipart threshold and S3Mock's default 10 MB request limit.
head -c 20000000 /dev/urandom > "$art/blob.bin"
art_path="$exp_id/$run_id/artifacts"
for f in table.json blob.bin; do
  expect_eq "upload $f through the artifact proxy" 200 "$(code -X PUT --data-binary "@$art/$f" \
    "$MLFLOW/api/2.0/mlflow-artifacts/artifacts/$art_path/$f")"
done
expect_eq "finish run" 200 "$(code -X POST -H 'Content-Type: application/json' \
  --data "{\"run_id\": \"$run_id\", \"status\": \"FINISHED\", \"end_time\": $(date +%s%3N)}" \
  "$MLFLOW/api/2.0/mlflow/runs/update")"

# ---------------------------------------------------------------- where the data landed
expect_eq "artifact object is in the S3 bucket under the run's key" "$(cat "$art/table.json")" \
  "$(curl --noproxy '*' -s -m 30 "$S3/$BUCKET/$art_path/table.json")"
expect_eq "binary artifact in S3 is byte-identical" "$(sha256sum < "$art/blob.bin")" \
  "$(curl --noproxy '*' -s -m 30 "$S3/$BUCKET/$art_path/blob.bin" | sha256sum)"
expect_eq "run row in PostgreSQL table runs" "FINISHED|$exp_id|stack-test" \
  "$(psql_q "SELECT status, experiment_id, name FROM runs WHERE run_uuid = '$run_id'")"
expect_eq "metric row in PostgreSQL table latest_metrics" "0.875" \
  "$(psql_q "SELECT value FROM latest_metrics WHERE run_uuid = '$run_id' AND key = 'accuracy'")"

# ---------------------------------------------------------------- stop, start, read back
t0=$SECONDS
if out="$("$STACK" stop 2>&1)"; then pass "stop exits 0 ($((SECONDS - t0))s)"; else
  fail "stop exits 0" "$out"
fi
alive=""
for p in $first_pids; do
  # A zombie has exited; only its parent has not collected it yet.
  if [[ -r "/proc/$p/stat" && "$(awk '{print $3}' "/proc/$p/stat")" != Z ]]; then
    alive+="$p($(tr '\0' ' ' < "/proc/$p/cmdline" | cut -c1-60)) "
  fi
done
expect_eq "stop leaves no service process alive" "" "$alive"
if "$STACK" status >/dev/null 2>&1; then fail "status exits non-zero after stop"; else
  pass "status exits non-zero after stop"
fi

t0=$SECONDS
if out="$("$STACK" start 2>&1)"; then pass "restart exits 0 ($((SECONDS - t0))s)"; else
  fail "restart exits 0" "$out"
fi
expect_eq "experiment survives restart" "$exp_id" \
  "$(api GET "/api/2.0/mlflow/experiments/get-by-name?experiment_name=$exp_name" | jget experiment.experiment_id)"
expect_eq "metric survives restart" "0.875" \
  "$(api GET "/api/2.0/mlflow/metrics/get-history?run_id=$run_id&metric_key=accuracy" | jget metrics.0.value)"
expect_eq "run status survives restart" "FINISHED" \
  "$(api GET "/api/2.0/mlflow/runs/get?run_id=$run_id" | jget run.info.status)"
expect_eq "artifact survives restart (read through the proxy)" "$(cat "$art/table.json")" \
  "$(curl --noproxy '*' -s -m 30 "$MLFLOW/api/2.0/mlflow-artifacts/artifacts/$art_path/table.json")"
expect_eq "binary artifact survives restart byte-identical" "$(sha256sum < "$art/blob.bin")" \
  "$(curl --noproxy '*' -s -m 30 "$MLFLOW/api/2.0/mlflow-artifacts/artifacts/$art_path/blob.bin" \
    | sha256sum)"
listing="$(api GET "/api/2.0/mlflow-artifacts/artifacts?path=$art_path")"
expect_eq "artifact listing after restart" "blob.bin table.json" \
  "$("$PY" -c 'import json,sys; print(" ".join(sorted(f["path"] for f in json.load(sys.stdin)["files"])))' \
    <<< "$listing" 2>/dev/null || echo "<bad listing: $listing>")"

finish
