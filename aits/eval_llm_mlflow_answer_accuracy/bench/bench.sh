#!/usr/bin/env bash
# Benchmark of the answer-accuracy metric engine against Python rouge-score, then an end-to-end
# AIT run on a large eval_results_table.json under -Xmx512m. Prints a table; writes scratch
# files under ${BENCH_DIR:-/tmp/answer-accuracy-bench}.
#
#   bench/bench.sh                      # 100,000 rows engine bench, 1,000,000 rows end to end
#   ROWS=20000 E2E_ROWS=100000 bench/bench.sh
#   ROWS=0 bench/bench.sh               # only the end-to-end run (ROWS=0 skips the engine part)
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

# Peak RSS (kB), wall seconds and CPU seconds (user + system, all threads) of a command, from
# GNU time -v; the command's stdout is kept. CPU seconds are the fairer figure on a shared
# machine: wall time also counts the time other processes held the cores.
measure() {
  local name="$1"; shift
  /usr/bin/time -v "$@" >"$DIR/$name.out" 2>"$DIR/$name.time"
  RSS_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$DIR/$name.time")
  CPU=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$DIR/$name.time")
  WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$DIR/$name.time" \
    | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
}

if [ "$ROWS" -gt 0 ]; then
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
JAVA_EN_WALL=$WALL; JAVA_EN_RSS=$RSS_KB; JAVA_EN_CPU=$CPU; cat "$DIR/java-en.out"
echo "== Java engine, language=auto (all measures, kuromoji on the Japanese rows)"
measure java-auto java -cp "$CP" io.llmtestbed.aits.answeraccuracy.bench.EngineBench \
  "$DIR/pairs.jsonl" auto
JAVA_AUTO_WALL=$WALL; JAVA_AUTO_RSS=$RSS_KB; JAVA_AUTO_CPU=$CPU; cat "$DIR/java-auto.out"
echo "== Python rouge-score ROUGE-L + token F1 + exact match"
measure python "$PYTHON" "$MODULE/src/test/python/rouge_reference.py" "$DIR/pairs.jsonl" --quiet
PY_WALL=$WALL; PY_RSS=$RSS_KB; PY_CPU=$CPU

echo
echo "Engine benchmark: $ROWS rows, including process start and JSON parsing;" \
  "cpu = user + system seconds of all threads"
printf '%-46s %8s %8s %9s %10s %9s %9s\n' implementation wall_s cpu_s rows/s rows/cpu_s \
  peak_MiB cpu_ratio
row() {
  awk -v n="$1" -v w="$2" -v c="$3" -v r="$4" -v rows="$ROWS" -v pc="$PY_CPU" 'BEGIN {
    printf "%-46s %8.1f %8.1f %9.0f %10.0f %9.1f %8.1fx\n", n, w, c, rows / w, rows / c,
      r / 1024, pc / c }'
}
row "python rouge-score (rougeL, token F1, EM)" "$PY_WALL" "$PY_CPU" "$PY_RSS"
row "java engine, language=en (same measures)" "$JAVA_EN_WALL" "$JAVA_EN_CPU" "$JAVA_EN_RSS"
row "java engine, language=auto (+ kuromoji, char F)" "$JAVA_AUTO_WALL" "$JAVA_AUTO_CPU" \
  "$JAVA_AUTO_RSS"
fi

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
  E2E_WALL=$WALL; E2E_RSS=$RSS_KB; E2E_CPU=$CPU
  OUT="$RUN/mnt/ip/job_result/1/1/ait.output.json"
  SIZE_MB=$(du -m "$RUN/input/eval_results_table.json" | cut -f1)
  if grep -q '"Error"' "$OUT"; then
    echo "bench.sh: the AIT reported an error:" >&2; cat "$OUT" >&2; exit 1
  fi
  echo
  echo "End to end: $E2E_ROWS rows (${SIZE_MB} MB table), -Xmx512m"
  printf '%-46s %8s %8s %9s %9s\n' run wall_s cpu_s rows/s peak_MiB
  awk -v w="$E2E_WALL" -v c="$E2E_CPU" -v r="$E2E_RSS" -v rows="$E2E_ROWS" 'BEGIN {
    printf "%-46s %8.1f %8.1f %9.0f %9.1f\n", "AIT (read, score, intervals, CSV/PNG, output)",
      w, c, rows / w, r / 1024 }'
fi
