#!/usr/bin/env bash
# Benchmark of the answer-accuracy metric engine against Python rouge-score, then an end-to-end
# AIT run on a large eval_results_table.json under -Xmx512m. Prints a table; writes scratch
# files under ${BENCH_DIR:-/tmp/answer-accuracy-bench}.
#
#   bench/bench.sh                      # 100,000 rows engine bench, 1,000,000 rows end to end
#   ROWS=20000 E2E_ROWS=100000 bench/bench.sh
#
# Needs: java 17, mvn, a Python with rouge-score ($TESTBED_PYTHON, else `python3` if it can
# import rouge_score), /usr/bin/time (GNU time, for peak RSS). Set E2E_ROWS=0 to skip the
# end-to-end part; it needs the AIT jar (mvn -pl aits/eval_llm_mlflow_answer_accuracy -am package).
set -euo pipefail

MODULE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO="$(cd "$MODULE/../.." && pwd)"
ROWS="${ROWS:-100000}"
E2E_ROWS="${E2E_ROWS:-1000000}"
DIR="${BENCH_DIR:-/tmp/answer-accuracy-bench}"
PYTHON="${TESTBED_PYTHON:-python3}"
mkdir -p "$DIR"

if ! "$PYTHON" -c 'import rouge_score' 2>/dev/null; then
  echo "bench.sh: '$PYTHON' cannot import rouge_score; set TESTBED_PYTHON to a Python with" \
       "rouge-score (pip install rouge-score)" >&2
  exit 2
fi
if [ ! -x /usr/bin/time ]; then
  echo "bench.sh: /usr/bin/time (GNU time) is missing; apt-get install time" >&2
  exit 2
fi

# Peak RSS (kB) and wall seconds of a command, from GNU time -v; the command's stdout is kept.
measure() {
  local name="$1"; shift
  /usr/bin/time -v "$@" >"$DIR/$name.out" 2>"$DIR/$name.time"
  RSS_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$DIR/$name.time")
  WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$DIR/$name.time" \
    | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
}

echo "== building the module's test classes and classpath"
if ! (cd "$REPO" && mvn -q ${MAVEN_TARGET:--pl aits/eval_llm_mlflow_answer_accuracy -am} \
    test-compile dependency:build-classpath -Dmdep.outputFile="$DIR/cp.txt" \
    -Dmdep.includeScope=test -DskipTests >"$DIR/build.log" 2>&1); then
  echo "bench.sh: the build failed; its output ($DIR/build.log):" >&2
  cat "$DIR/build.log" >&2
  exit 1
fi
CP="$MODULE/target/classes:$MODULE/target/test-classes:$(cat "$DIR/cp.txt")"

echo "== generating $ROWS rows (half FActScore English, half Japanese MT-Bench)"
"$PYTHON" "$MODULE/bench/make_table.py" "$REPO" pairs "$ROWS" "$DIR/pairs.jsonl"

echo "== Java engine, language=en (the same three measures as the Python side)"
measure java-en java -cp "$CP" io.llmtestbed.aits.answeraccuracy.bench.EngineBench \
  "$DIR/pairs.jsonl" en
JAVA_EN_WALL=$WALL; JAVA_EN_RSS=$RSS_KB; cat "$DIR/java-en.out"
echo "== Java engine, language=auto (all measures, kuromoji on the Japanese rows)"
measure java-auto java -cp "$CP" io.llmtestbed.aits.answeraccuracy.bench.EngineBench \
  "$DIR/pairs.jsonl" auto
JAVA_AUTO_WALL=$WALL; JAVA_AUTO_RSS=$RSS_KB; cat "$DIR/java-auto.out"
echo "== Python rouge-score ROUGE-L + token F1 + exact match"
measure python "$PYTHON" "$MODULE/src/test/python/rouge_reference.py" "$DIR/pairs.jsonl" --quiet
PY_WALL=$WALL; PY_RSS=$RSS_KB; tail -1 "$DIR/python.time" >/dev/null

echo
echo "Engine benchmark: $ROWS rows, wall time including process start and JSON parsing"
printf '%-46s %12s %12s %14s %10s\n' implementation seconds rows/s peak_RSS_MiB vs_python
row() {
  awk -v n="$1" -v w="$2" -v r="$3" -v rows="$ROWS" -v pw="$PY_WALL" 'BEGIN {
    printf "%-46s %12.1f %12.0f %14.1f %9.1fx\n", n, w, rows / w, r / 1024, pw / w }'
}
row "python rouge-score (rougeL, token F1, EM)" "$PY_WALL" "$PY_RSS"
row "java engine, language=en (same measures)" "$JAVA_EN_WALL" "$JAVA_EN_RSS"
row "java engine, language=auto (+ kuromoji, char F)" "$JAVA_AUTO_WALL" "$JAVA_AUTO_RSS"

if [ "$E2E_ROWS" -gt 0 ]; then
  JAR="$MODULE/target/eval_llm_mlflow_answer_accuracy.jar"
  if [ ! -f "$JAR" ]; then
    echo "bench.sh: $JAR is missing; build it with" \
         "mvn -pl aits/eval_llm_mlflow_answer_accuracy -am package -DskipTests" >&2
    exit 2
  fi
  echo
  echo "== generating a $E2E_ROWS-row eval_results_table.json"
  RUN="$DIR/e2e"
  rm -rf "$RUN" && mkdir -p "$RUN/input" "$RUN/mnt"
  "$PYTHON" "$MODULE/bench/make_table.py" "$REPO" table "$E2E_ROWS" "$RUN/input/eval_results_table.json"
  cat >"$RUN/ait.input.json" <<JSON
{"testbed_mount_volume_path": "$RUN/mnt", "run_id": 1, "job_id": 1,
 "Inventories": [{"Name": "evaluation_runs", "Value": "$RUN/input/eval_results_table.json"}],
 "MethodParams": [{"Name": "write_back", "Value": "false"}]}
JSON
  echo "== AIT end to end, java -Xmx512m -jar $(basename "$JAR")"
  measure e2e java -Xmx512m -jar "$JAR" "$RUN"
  E2E_WALL=$WALL; E2E_RSS=$RSS_KB
  OUT="$RUN/mnt/ip/job_result/1/1/ait.output.json"
  SIZE_MB=$(du -m "$RUN/input/eval_results_table.json" | cut -f1)
  if grep -q '"Error"' "$OUT"; then
    echo "bench.sh: the AIT reported an error:" >&2; cat "$OUT" >&2; exit 1
  fi
  echo
  echo "End to end: $E2E_ROWS rows (${SIZE_MB} MB table), -Xmx512m"
  printf '%-46s %12s %12s %14s\n' run seconds rows/s peak_RSS_MiB
  awk -v w="$E2E_WALL" -v r="$E2E_RSS" -v rows="$E2E_ROWS" 'BEGIN {
    printf "%-46s %12.1f %12.0f %14.1f\n", "AIT (read, score, intervals, CSV/PNG, output)", w,
      rows / w, r / 1024 }'
fi
