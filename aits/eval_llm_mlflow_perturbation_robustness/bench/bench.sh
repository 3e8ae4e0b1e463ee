#!/usr/bin/env bash
# Benchmark of the robustness AIT: requests per second of active mode against the scripted
# OpenAI-compatible server (ScriptedLlmServer, ait-sdk test-jar; scripted answers, not a model)
# at a fixed latency for several concurrencies, and the throughput of every rule-based
# perturbation on Japanese prompts (demo/data/japanese-mt-bench turn-1 questions repeated with
# ids). Prints two tables.
#
#   bench/bench.sh                                   # 100,000 prompts, 200 ms, concurrency 1,4,16
#   PROMPTS=20000 LATENCY_MS=50 CONCURRENCY=1,8 bench/bench.sh
#
# Needs: java 17, mvn. Builds the module's test classes and classpath first.
set -euo pipefail

MODULE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO="$(cd "$MODULE/../.." && pwd)"
PROMPTS="${PROMPTS:-100000}"
LATENCY_MS="${LATENCY_MS:-200}"
CONCURRENCY="${CONCURRENCY:-1,4,16}"
DIR="${BENCH_DIR:-/tmp/robustness-bench}"
mkdir -p "$DIR"

echo "== building the module's test classes and classpath"
if ! (cd "$REPO" && mvn -q -B -ntp -pl aits/eval_llm_mlflow_perturbation_robustness \
    test-compile dependency:build-classpath -Dmdep.outputFile="$DIR/cp.txt" \
    -Dmdep.includeScope=test -DskipTests >"$DIR/build.log" 2>&1); then
  echo "bench.sh: the build failed; its output ($DIR/build.log):" >&2
  cat "$DIR/build.log" >&2
  exit 1
fi
CP="$MODULE/target/classes:$MODULE/target/test-classes:$(cat "$DIR/cp.txt")"
echo "== running (cpu: $(nproc) cores)"
java -Xmx1g -cp "$CP" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  io.llmtestbed.aits.robustness.RobustnessBench "$REPO" "$PROMPTS" "$LATENCY_MS" "$CONCURRENCY" \
  2> >(grep -v -E ' (DEBUG|INFO) ' >&2)
