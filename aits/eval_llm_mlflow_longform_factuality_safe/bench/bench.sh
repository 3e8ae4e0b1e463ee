#!/usr/bin/env bash
# SAFE engine benchmark: this AIT's defaults against a configuration that mimics the original
# SAFE (5 searches always, no early stop, one revision and one relevance call per fact, facts of
# a response one by one, 25 workers, no cache), both through the scripted OpenAI-compatible
# server at 300 ms per request and the same concurrency cap. Prints a Markdown table.
#
#   bench/bench.sh                          # 100 responses, 300 ms, cap 25 (about 3 minutes)
#   RESPONSES=20 LATENCY_MS=100 bench/bench.sh
#
# Needs: java 17, mvn, the module built (mvn -pl aits/eval_llm_mlflow_longform_factuality_safe
# -am install -DskipTests -DskipITs). The numbers are those of a scripted model, not of an LLM.
set -euo pipefail

MODULE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO="$(cd "$MODULE/../.." && pwd)"
cd "$REPO"
mvn -q -B -ntp -o -pl aits/eval_llm_mlflow_longform_factuality_safe test-compile \
  dependency:build-classpath -Dmdep.outputFile="$MODULE/target/bench.classpath" \
  -Dmdep.includeScope=test >/dev/null
# a private copy of the classes, so that a build running meanwhile cannot swap them
DIR="$(mktemp -d "${TMPDIR:-/tmp}/safe-bench.XXXXXX")"
trap 'rm -rf "$DIR"' EXIT
cp -r "$MODULE/target/test-classes" "$DIR/test-classes"
cp -r "$MODULE/target/classes" "$DIR/classes"
mkdir -p "$DIR/lib"
tr ':' '\n' < "$MODULE/target/bench.classpath" | while read -r jar; do cp "$jar" "$DIR/lib/"; done
CP="$DIR/test-classes:$DIR/classes:$DIR/lib/*"
java -Xmx1g -Dlogback.configurationFile="$MODULE/bench/logback-bench.xml" -cp "$CP" \
  io.llmtestbed.aits.safe.bench.SafeBench
