#!/usr/bin/env bash
# Demo step: the SAFE AIT in human-label mode (no LLM is called) on the demo's FActScore runs.
#
#   aits/eval_llm_mlflow_longform_factuality_safe/demo.sh RUN_REFERENCE OUT_DIR [--param k=v ...]
#
# RUN_REFERENCE is a run-reference JSON of the demo-factscore-bios runs (what
# `python -m llm_testbed.demo --factscore-run-reference-out FILE` writes); OUT_DIR receives the
# platform layout (job_args/ and job_result/ under OUT_DIR/mnt/ip/). Prints the human precision
# per run and where ait.output.json is; writes safe_factuality/* metrics and the table
# safe_factuality_eval_table.json back into each run. Extra arguments go to the local runner
# (e.g. --param llm_base_url=... --param llm_model=... to add SAFE's agreement).
# Needs the AIT jar: mvn -pl aits/eval_llm_mlflow_longform_factuality_safe -am package
set -euo pipefail

MODULE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
JAR="$MODULE/target/eval_llm_mlflow_longform_factuality_safe.jar"
if [ $# -lt 2 ]; then
  echo "usage: demo.sh RUN_REFERENCE OUT_DIR [--param name=value ...]" >&2
  exit 2
fi
reference="$1"; out="$2"; shift 2
[ -f "$reference" ] || { echo "demo.sh: run reference '$reference' does not exist; write it" \
  "with python -m llm_testbed.demo --factscore-run-reference-out FILE" >&2; exit 2; }
[ -f "$JAR" ] || { echo "demo.sh: $JAR is missing; build it with mvn -pl" \
  "aits/eval_llm_mlflow_longform_factuality_safe -am package -DskipTests" >&2; exit 2; }
mkdir -p "$out"
# the platform needs every inventory: an empty collection means "no search" (human labels only)
: > "$out/no_collection.jsonl"
java -cp "$JAR:$MODULE/target/lib/*" io.llmtestbed.ait.sdk.runner.LocalRunner --jar "$JAR" \
  --root "$out" --inventory "evaluation_runs=$reference" \
  --inventory "document_collection=$out/no_collection.jsonl" --param mode=human "$@"
