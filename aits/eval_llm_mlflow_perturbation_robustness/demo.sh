#!/usr/bin/env bash
# Demo of the robustness AIT on the demo experiment (demo-japanese-mt-bench, logged by
# ./testbed demo) against a SCRIPTED model (DemoScriptedServer: it answers each question with the
# run's ground_truth and fails on half-width katakana on purpose; its numbers are not an LLM's):
#   (a) active mode: perturbs the run's 80 prompts with the ten rule-based perturbations, asks the
#       scripted server, logs one perturbed run per perturbation (+ the unperturbed baseline run)
#       linked by testbed.robustness.* tags, and writes robustness/* metrics into the original run;
#   (b) passive mode: reads the original run and those perturbed runs back from MLflow.
# usage: aits/eval_llm_mlflow_perturbation_robustness/demo.sh [RUN_ID]
#   RUN_ID: the original run (default: the first run of $TESTBED_HOME/demo/mt-bench-runs.json).
# Needs the local stack (./testbed stack start) and the module built
# (mvn -pl aits/eval_llm_mlflow_perturbation_robustness -am install -DskipTests -DskipITs).
set -euo pipefail

MODULE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$MODULE/../.." && pwd)"
HOME_DIR="${TESTBED_HOME:-$REPO/.testbed}"
URI="${MLFLOW_TRACKING_URI:-http://127.0.0.1:5055}"
DIR="${DEMO_DIR:-$HOME_DIR/robustness-demo}"
JAR="$MODULE/target/eval_llm_mlflow_perturbation_robustness.jar"
PY="${TESTBED_PYTHON:-python3}"
mkdir -p "$DIR"

RUN_ID="${1:-}"
if [ -z "$RUN_ID" ]; then
  REF="$HOME_DIR/demo/mt-bench-runs.json"
  [ -f "$REF" ] || { echo "demo.sh: $REF is missing; run ./testbed demo first, or pass a run id" >&2; exit 2; }
  RUN_ID=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["run_ids"][0])' "$REF")
fi
[ -f "$JAR" ] || { echo "demo.sh: $JAR is missing; build it with mvn -pl" \
  "aits/eval_llm_mlflow_perturbation_robustness -am install -DskipTests -DskipITs" >&2; exit 2; }

echo "== classpath of the scripted demo server (module test classes)"
(cd "$REPO" && mvn -q -B -ntp -pl aits/eval_llm_mlflow_perturbation_robustness test-compile \
  dependency:build-classpath -Dmdep.outputFile="$DIR/cp.txt" -Dmdep.includeScope=test \
  -DskipTests >"$DIR/build.log" 2>&1) || { cat "$DIR/build.log" >&2; exit 1; }
CP="$MODULE/target/classes:$MODULE/target/test-classes:$(cat "$DIR/cp.txt")"

echo "== starting the SCRIPTED model (not an LLM) for run $RUN_ID"
rm -f "$DIR/url"
java -cp "$CP" io.llmtestbed.aits.robustness.DemoScriptedServer "$URI" "$RUN_ID" "$DIR/url" \
  >"$DIR/server.log" 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do [ -s "$DIR/url" ] && break; sleep 1; done
[ -s "$DIR/url" ] || { echo "demo.sh: the scripted server did not start; $DIR/server.log:" >&2; cat "$DIR/server.log" >&2; exit 1; }
URL=$(cat "$DIR/url")
printf '{"tracking_uri": "%s", "run_ids": ["%s"]}\n' "$URI" "$RUN_ID" >"$DIR/runs.json"

summary() {
  "$PY" - "$1" "$2" <<'PYEOF'
import json, sys
out = json.load(open(sys.argv[1]))
err = out.get("ExecuteInfo", {}).get("Error")
if err:
    print("ERROR", err.get("Code"), err.get("Detail")); sys.exit(1)
m = {x["Name"]: x["Value"] for x in out["Result"]["Measures"]}
print(f"{sys.argv[2]} (SCRIPTED model: these numbers are not an LLM's)")
import csv, glob, os
table = [r for r in out["Result"]["Resources"] if r["Name"] == "perturbation_table"][0]["Path"]
rows = list(csv.DictReader(open(table)))
print(f"{'perturbation':20} {'measured':>8} {'flagged':>7} {'n/a':>5} {'failed':>6} "
      f"{'consistency':>11} {'accuracy_drop [95% CI]':>28}")
for r in rows:
    drop = r["accuracy_drop"] or "-"
    ci = f"[{r['accuracy_drop_ci_lower'] or '-'}, {r['accuracy_drop_ci_upper'] or '-'}]"
    fmt = lambda v: f"{float(v):.3f}" if v not in ("", None) else "-"
    print(f"{r['perturbation']:20} {r['measured']:>8} {r['flagged']:>7} {r['not_applicable']:>5} "
          f"{int(r['answer_failures']) + int(r['perturbation_failed']):>6} "
          f"{fmt(r['consistency_rate']):>11} {fmt(drop) if drop != '-' else '-':>8} "
          f"[{fmt(r['accuracy_drop_ci_lower'])}, {fmt(r['accuracy_drop_ci_upper'])}]")
print("worst_perturbation_index", m.get("worst_perturbation_index"), "baseline_accuracy",
      m.get("baseline_accuracy"))
PYEOF
}

echo "== (a) active mode against the scripted model at $URL"
java -cp "$JAR:$MODULE/target/lib/*" io.llmtestbed.ait.sdk.runner.LocalRunner --jar "$JAR" \
  --inventory evaluation_runs="$DIR/runs.json" --param mode=active --param llm_base_url="$URL" \
  --param llm_model=scripted-demo --param concurrency=8 --param bootstrap_samples=500 \
  --param llm_cache_dir="$DIR/llm-cache" \
  --root "$DIR/qai" --job 1 --run 1 >"$DIR/active.log" 2>&1 || { cat "$DIR/active.log" >&2; exit 1; }
summary "$DIR/qai/mnt/ip/job_result/1/1/ait.output.json" "active mode"

echo "== (b) passive mode on the original run and the perturbed runs (a) logged"
java -cp "$JAR:$MODULE/target/lib/*" io.llmtestbed.ait.sdk.runner.LocalRunner --jar "$JAR" \
  --inventory evaluation_runs="$DIR/runs.json" --param mode=passive --param bootstrap_samples=500 \
  --root "$DIR/qai" --job 2 --run 1 >"$DIR/passive.log" 2>&1 || { cat "$DIR/passive.log" >&2; exit 1; }
summary "$DIR/qai/mnt/ip/job_result/2/1/ait.output.json" "passive mode"
echo "== done: metrics robustness/* in run $RUN_ID at $URI; outputs under $DIR/qai"
