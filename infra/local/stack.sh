#!/usr/bin/env bash
# Local one-machine MLflow stack: PostgreSQL (metadata), S3Mock (artifacts), MLflow server.
#
#   stack.sh start           start what is not running (runs setup.sh first if something is missing)
#   stack.sh status          one line per service; exit 0 only when all three answer
#   stack.sh stop            stop all three cleanly (data is kept)
#   stack.sh env             print `export` lines for clients
#   stack.sh logs [SERVICE]  last lines of the logs (SERVICE: postgres, s3, mlflow)
#   stack.sh reset [--yes]   stop and delete all data (PostgreSQL, S3 objects, logs); keeps venvs/jars
#   stack.sh server-flags    print the `mlflow server` options, one a line (from infra/mlflow-server.env)
#
# Environment: TESTBED_HOME (default <repo>/.testbed), TESTBED_PG_PORT (55432), TESTBED_S3_PORT
# (9090), TESTBED_S3_TLS_PORT (S3 port + 101), TESTBED_MLFLOW_PORT (5055), TESTBED_MLFLOW_WORKERS (2),
# TESTBED_MLFLOW_JOBS (false: no server-side job runner), TESTBED_START_TIMEOUT (seconds per
# service, 120), TESTBED_S3_JAVA_OPTS, TESTBED_LOG_LINES (40), TESTBED_MLFLOW_SERVER_ENV (the shared
# server settings, default infra/mlflow-server.env: MLflow version and server flags, also read by
# the AWS stack).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SCRIPT_DIR/../.." && pwd)"
TESTBED_HOME="${TESTBED_HOME:-$REPO/.testbed}"
mkdir -p "$TESTBED_HOME"
TESTBED_HOME="$(cd "$TESTBED_HOME" && pwd)"
export TESTBED_HOME

HOST=127.0.0.1
PG_PORT="${TESTBED_PG_PORT:-55432}"
S3_PORT="${TESTBED_S3_PORT:-9090}"
S3_TLS_PORT="${TESTBED_S3_TLS_PORT:-$((S3_PORT + 101))}"
MLFLOW_PORT="${TESTBED_MLFLOW_PORT:-5055}"
SERVER_ENV="${TESTBED_MLFLOW_SERVER_ENV:-$REPO/infra/mlflow-server.env}"
TIMEOUT="${TESTBED_START_TIMEOUT:-120}"
S3_JAVA_OPTS="${TESTBED_S3_JAVA_OPTS:--Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
LOG_LINES="${TESTBED_LOG_LINES:-40}"

BUCKET=mlflow-artifacts
PG_USER=mlflow
PG_DB=mlflow
# S3Mock accepts any credentials; these only satisfy boto3 and the AWS SDK.
AWS_KEY=testbed
AWS_SECRET=testbed-secret
AWS_REGION=us-east-1

SERVER_REQS="$SCRIPT_DIR/requirements-server.txt"
S3MOCK_JAR="$TESTBED_HOME/lib/s3mock-5.2.0-exec.jar"
S3MOCK_XML="$SCRIPT_DIR/s3mock-loopback.xml"
VENV_SERVER="$TESTBED_HOME/venv-server"
RUN="$TESTBED_HOME/run"
LOGS="$TESTBED_HOME/logs"
PGDATA="$TESTBED_HOME/pgdata"
PGSOCK="$TESTBED_HOME/pgsock"
S3_ROOT="$TESTBED_HOME/s3"
PG_PASSWORD_FILE="$TESTBED_HOME/pg-password"

say() { printf '%s\n' "$*"; }
die() { printf 'stack: ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- shared server settings
# server_conf KEY: the value of KEY in $SERVER_ENV (infra/mlflow-server.env, shared with infra/aws).
server_conf() {
  local v
  [[ -r "$SERVER_ENV" ]] || die "shared MLflow server settings $SERVER_ENV are missing; restore" \
    "infra/mlflow-server.env from git (or fix TESTBED_MLFLOW_SERVER_ENV)"
  v="$(sed -n "s/^$1=//p" "$SERVER_ENV" | tail -1)"
  [[ -n "$v" ]] || die "$SERVER_ENV has no line $1=...; restore it from git (infra/mlflow-server.env)"
  printf '%s' "$v"
}

# The `mlflow server` options, one a line: MLFLOW_SERVER_FLAGS with this stack's values in the slots.
server_flags() {
  local tpl dest hosts workers word
  tpl="$(server_conf MLFLOW_SERVER_FLAGS)"
  dest="$(server_conf MLFLOW_ARTIFACTS_DESTINATION)"
  dest="${dest//\{bucket\}/$BUCKET}"
  hosts="$(server_conf MLFLOW_ALLOWED_HOSTS)"
  workers="${TESTBED_MLFLOW_WORKERS:-$(server_conf MLFLOW_WORKERS_LOCAL)}"
  set -f  # the template is split on spaces; allowed hosts contain '*', never a file pattern
  for word in $tpl; do
    word="${word//\{artifacts_destination\}/$dest}"
    word="${word//\{host\}/$HOST}"
    word="${word//\{port\}/$MLFLOW_PORT}"
    word="${word//\{workers\}/$workers}"
    word="${word//\{allowed_hosts\}/$hosts}"
    [[ "$word" != *"{"* ]] || die "MLFLOW_SERVER_FLAGS in $SERVER_ENV has slot '$word' this stack" \
      "does not fill; use {artifacts_destination} {host} {port} {workers} {allowed_hosts}"
    printf '%s\n' "$word"
  done
  set +f
}

# The installed release must be the shared pin (setup.sh installs what requirements-server.txt says).
check_server_version() {
  local want pinned
  want="$(server_conf MLFLOW_VERSION)"
  pinned="$(sed -n 's/^mlflow==//p' "$SERVER_REQS")"
  [[ "$pinned" == "$want" ]] || die "$SERVER_REQS pins mlflow==$pinned but $SERVER_ENV says" \
    "MLFLOW_VERSION=$want; both stacks must run one release: set mlflow==$want there, then run" \
    "infra/local/setup.sh"
}

# ---------------------------------------------------------------- helpers
pg_bin() {
  local d
  if [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then echo /usr/lib/postgresql/15/bin; return; fi
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [[ -n "$d" && -x "$d/initdb" ]] || die "PostgreSQL server binaries not found under" \
    "/usr/lib/postgresql/*/bin; run infra/local/setup.sh"
  echo "$d"
}

# Runs a PostgreSQL tool as the postgres user when we are root (initdb and postgres refuse root).
as_pg() {
  if [[ $EUID -eq 0 ]]; then (cd / && runuser -u postgres -- "$@"); else (cd / && "$@"); fi
}

pg_password() {
  if [[ ! -s "$PG_PASSWORD_FILE" ]]; then
    (umask 077 && head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24 \
      > "$PG_PASSWORD_FILE")
  fi
  cat "$PG_PASSWORD_FILE"
}

pg_uri() { printf 'postgresql://%s:%s@%s:%s/%s' "$PG_USER" "$(pg_password)" "$HOST" "$PG_PORT" "$PG_DB"; }

hcurl() { curl --noproxy '*' -sf -m 10 "$@"; }

# A process exists and is not a zombie (a zombie has exited; only its parent has not reaped it).
alive() {
  local st
  st="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  st="${st##*) }"  # the state follows the parenthesised command name, which may contain spaces
  [[ "${st%% *}" != Z ]]
}

# A port answers a TCP connect (something listens there).
port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# pid from a pid file when that process is alive and its command line contains $2.
live_pid() {
  local file="$1" pattern="$2" pid
  [[ -s "$file" ]] || return 1
  pid="$(head -1 "$file")"
  [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$pattern" || return 1
  echo "$pid"
}

# Pids holding a listening TCP socket on port $1 (any local address), one a line; empty when none
# or when they cannot be seen. `ss -ltnp` (iproute2) when present, else /proc/net/tcp{,6} and the
# socket inodes under /proc/<pid>/fd.
port_holders() {
  local port="$1" hex inodes inode
  if command -v ss >/dev/null 2>&1; then
    ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -un
    return 0
  fi
  hex="$(printf '%04X' "$port")"
  inodes="$(awk -v h="$hex" '$4 == "0A" { n = split($2, a, ":"); if (a[n] == h) print $10 }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null | sort -u)"
  for inode in $inodes; do
    find /proc/[0-9]*/fd -maxdepth 1 -lname "socket:\[$inode\]" 2>/dev/null | cut -d/ -f3
  done | sort -un
}

# in_tree ROOT PID: PID is ROOT or a descendant of it (gunicorn/uvicorn workers hold the
# socket of `mlflow server`; the JVM may be a child of the setsid wrapper).
in_tree() {
  local root="$1" p="$2" st ppid i
  for i in $(seq 1 64); do
    [[ "$p" == "$root" ]] && return 0
    [[ "$p" =~ ^[0-9]+$ && "$p" -gt 1 ]] || return 1
    st="$(cat "/proc/$p/stat" 2>/dev/null)" || return 1
    st="${st##*) }"
    read -r _ ppid _ <<<"$st"
    p="$ppid"
  done
  return 1
}

# port_state PID PORT: "ours" (every listener on PORT is PID or its descendant), "free" (nothing
# listens) or "foreign:<pids>" (someone else listens; "?" when the holder cannot be seen).
port_state() {
  local pid="$1" port="$2" holders h foreign=()
  holders="$(port_holders "$port")"
  if [[ -z "$holders" ]]; then
    if port_open "$port"; then echo "foreign:?"; else echo free; fi
    return 0
  fi
  for h in $holders; do
    if [[ -z "$pid" ]] || ! in_tree "$pid" "$h"; then foreign+=("$h"); fi
  done
  if ((${#foreign[@]})); then (IFS=,; echo "foreign:${foreign[*]}"); else echo ours; fi
}

# Ports on which PID or one of its descendants listens, one a line (empty without ss).
# LIMIT: without ss this is empty, so our own process on another port is not named; start then
# waits for it on the configured port until TESTBED_START_TIMEOUT (still never adopts it).
tree_ports() {
  local pid="$1" state recvq sendq local_addr peer users h
  command -v ss >/dev/null 2>&1 || return 0
  ss -Hltnp 2>/dev/null | while read -r state recvq sendq local_addr peer users; do
    for h in $(grep -o 'pid=[0-9]*' <<<"$users" | cut -d= -f2); do
      if in_tree "$pid" "$h"; then echo "${local_addr##*:}"; break; fi
    done
  done | sort -un
}

# "pid 1,2 (python)" for a foreign_pids list from port_state.
holder_text() {
  local pids="$1" first
  [[ "$pids" == "?" ]] && { echo "holder pid unknown: not visible to $(id -un)"; return; }
  first="${pids%%,*}"
  echo "pid $pids ($(tr '\0' ' ' < "/proc/$first/cmdline" 2>/dev/null | cut -c1-60 | sed 's/ *$//'))"
}

pg_healthy() {
  PGPASSWORD="$(pg_password)" PGCONNECT_TIMEOUT=3 "$(pg_bin)/psql" -X -q -h "$HOST" -p "$PG_PORT" \
    -U "$PG_USER" -d "$PG_DB" -tAc 'SELECT 1' 2>/dev/null | grep -qx 1
}
s3_healthy() { hcurl -o /dev/null -I "http://$HOST:$S3_PORT/$BUCKET"; }
# A tracking API call, not /health: it also proves the database link and the allowed-hosts setting.
mlflow_healthy() {
  hcurl -o /dev/null "http://$HOST:$MLFLOW_PORT/api/2.0/mlflow/experiments/search?max_results=1"
}

# wait_ready NAME HEALTH_FN PID LOG PORT VAR: until PID (or a descendant) listens on PORT and the
# health check answers. Dies when PID exits, when another process takes PORT, or at the timeout.
wait_ready() {
  local name="$1" fn="$2" pid="$3" log="$4" port="$5" var="$6" t0=$SECONDS state
  while :; do
    state="$(port_state "$pid" "$port")"
    [[ "$state" == ours ]] && "$fn" && return 0
    if [[ "$state" == foreign:* ]]; then
      refuse_foreign_port "$name" "$port" "${state#foreign:}" "$pid" "$var"
    fi
    if ! alive "$pid"; then
      printf 'stack: ERROR: %s exited during startup; last lines of %s:\n' "$name" "$log" >&2
      tail -n 20 "$log" >&2 || true
      exit 1
    fi
    if [[ $((SECONDS - t0)) -ge $TIMEOUT ]]; then
      die "$name did not answer within ${TIMEOUT}s (pid $pid still running); see $log" \
        "(raise TESTBED_START_TIMEOUT if the machine is busy)"
    fi
    sleep 1
  done
}

# stop_pid NAME PID [GROUP=1]: TERM (the process group if GROUP), wait up to 60 s, then KILL.
stop_pid() {
  local name="$1" pid="$2" group="${3:-0}" target="$2" i
  [[ "$group" == 1 ]] && target="-$pid"
  kill -TERM -- "$target" 2>/dev/null || true
  for i in $(seq 1 120); do
    alive "$pid" || return 0
    sleep 0.5
  done
  say "$name: pid $pid ignored SIGTERM for 60 s, sending SIGKILL"
  kill -KILL -- "$target" 2>/dev/null || true
}

# refuse_foreign_port NAME PORT HOLDERS OUR_PID VAR
refuse_foreign_port() {
  local ours="no live pid of this stack (TESTBED_HOME=$TESTBED_HOME)"
  [[ -n "$4" ]] && ours="this stack's $1 is pid $4 (TESTBED_HOME=$TESTBED_HOME)"
  die "$1: port 127.0.0.1:$2 is already in use by a process this stack did not start" \
    "($(holder_text "$3"); $ours). Stop that process (ss -ltnp 'sport = :$2' shows it) or" \
    "choose another port with $5=..."
}

# ours_elsewhere NAME PID PORT VAR: die when our own PID listens, but not on PORT (it was started
# with other port settings); a PID that listens nowhere yet is still starting.
ours_elsewhere() {
  local ports
  ports="$(tree_ports "$2" | tr '\n' ' ' | sed 's/ $//')"
  [[ -z "$ports" ]] && return 0
  die "$1: this stack's $1 (pid $2, TESTBED_HOME=$TESTBED_HOME) listens on port(s) $ports, not" \
    "on $3: it was started with other port settings. Use those ($4=${ports%% *}), or run" \
    "stack.sh stop (it finds the process by its pid file) and start again"
}

# check_ours NAME PID PORT VAR: before reusing or starting NAME, refuse a foreign PORT holder and
# our own process on another port.
check_ours() {
  local state
  state="$(port_state "$2" "$3")"
  [[ "$state" == foreign:* ]] && refuse_foreign_port "$1" "$3" "${state#foreign:}" "$2" "$4"
  [[ -n "$2" && "$state" == free ]] && ours_elsewhere "$1" "$2" "$3" "$4"
  return 0
}

lock() {
  mkdir -p "$RUN"
  exec 9>"$RUN/stack.lock"
  flock -w 600 9 || die "another stack.sh holds $RUN/stack.lock for more than 600 s"
}

# ---------------------------------------------------------------- PostgreSQL
pg_running_here() { as_pg "$(pg_bin)/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }

pg_start() {
  local bin pw t0=$SECONDS
  bin="$(pg_bin)"
  pw="$(pg_password)"
  local pid=""
  pg_running_here && pid="$(head -1 "$PGDATA/postmaster.pid")"
  check_ours postgres "$pid" "$PG_PORT" TESTBED_PG_PORT
  if [[ -n "$pid" ]] && [[ "$(port_state "$pid" "$PG_PORT")" == ours ]] && pg_healthy; then
    echo "$pid" > "$RUN/postgres.pid"
    say "postgres: already running (pid $pid, port $PG_PORT)"
    return 0
  fi
  if [[ -n "$pid" ]]; then
    die "postgres runs from $PGDATA (pid $pid) but does not answer on $HOST:$PG_PORT as $PG_USER;" \
      "was it started with another TESTBED_PG_PORT? Run stack.sh stop, then start; see" \
      "$LOGS/postgresql.log"
  fi

  if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
    say "postgres: initdb $PGDATA"
    install -d -m 700 "$PGDATA"
    [[ $EUID -eq 0 ]] && chown postgres:postgres "$PGDATA"
    as_pg test -w "$PGDATA" || die "user postgres cannot write $PGDATA; every parent directory" \
      "must be searchable by postgres (chmod o+x), or set TESTBED_HOME to e.g. /var/tmp/testbed"
    as_pg "$bin/initdb" -D "$PGDATA" -U postgres -E UTF8 --no-locale \
      --auth-local=trust --auth-host=scram-sha-256 > "$LOGS/initdb.log" 2>&1 \
      || die "initdb failed; see $LOGS/initdb.log"
  fi
  # The socket directory is private to postgres (and root), so trust on the socket is safe.
  install -d -m 700 "$PGSOCK"
  touch "$LOGS/postgresql.log"
  if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$PGSOCK" "$LOGS/postgresql.log"; fi
  as_pg "$bin/pg_ctl" -D "$PGDATA" -l "$LOGS/postgresql.log" -w -t "$TIMEOUT" -s \
    -o "-c listen_addresses=$HOST -p $PG_PORT -k $PGSOCK -c unix_socket_permissions=0700" \
    start 9>&- || die "postgres did not start; see $LOGS/postgresql.log"
  head -1 "$PGDATA/postmaster.pid" > "$RUN/postgres.pid"

  # Role and database: created once, password kept in sync with $PG_PASSWORD_FILE.
  local psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGSOCK" -p "$PG_PORT" -U postgres -d postgres)
  if [[ -z "$(as_pg "${psql[@]}" -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'")" ]]; then
    as_pg "${psql[@]}" -c "CREATE ROLE $PG_USER LOGIN PASSWORD '$pw'" >/dev/null
  else
    as_pg "${psql[@]}" -c "ALTER ROLE $PG_USER PASSWORD '$pw'" >/dev/null
  fi
  if [[ -z "$(as_pg "${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" ]]; then
    as_pg "${psql[@]}" -c "CREATE DATABASE $PG_DB OWNER $PG_USER" >/dev/null
  fi
  wait_ready postgres pg_healthy "$(cat "$RUN/postgres.pid")" "$LOGS/postgresql.log" "$PG_PORT" \
    TESTBED_PG_PORT
  say "postgres: started (pid $(cat "$RUN/postgres.pid"), port $PG_PORT) in $((SECONDS - t0))s"
}

pg_stop() {
  local pid i
  if pg_running_here; then
    pid="$(head -1 "$PGDATA/postmaster.pid")"
    as_pg "$(pg_bin)/pg_ctl" -D "$PGDATA" -m fast -w -t 60 -s stop \
      || die "postgres did not stop; see $LOGS/postgresql.log"
    # pg_ctl returns once postmaster.pid is gone, a moment before the process itself exits.
    for i in $(seq 1 40); do alive "$pid" || break; sleep 0.25; done
    say "postgres: stopped"
  else
    say "postgres: not running"
  fi
  rm -f "$RUN/postgres.pid"
}

# ---------------------------------------------------------------- S3Mock
s3_start() {
  local pid t0=$SECONDS
  pid="$(live_pid "$RUN/s3.pid" s3mock)" || pid=""
  check_ours s3 "$pid" "$S3_PORT" TESTBED_S3_PORT
  check_ours s3 "$pid" "$S3_TLS_PORT" TESTBED_S3_TLS_PORT
  if [[ -n "$pid" ]]; then
    wait_ready s3 s3_healthy "$pid" "$LOGS/s3.log" "$S3_PORT" TESTBED_S3_PORT
    say "s3: already running (pid $pid, port $S3_PORT)"
    return 0
  fi
  [[ -s "$S3MOCK_JAR" ]] || die "S3Mock jar $S3MOCK_JAR is missing; run infra/local/setup.sh"
  mkdir -p "$S3_ROOT"
  # shellcheck disable=SC2086 # S3_JAVA_OPTS is a list of JVM flags
  setsid java $S3_JAVA_OPTS -jar "$S3MOCK_JAR" \
    --spring.main.sources="file:$S3MOCK_XML" \
    --com.adobe.testing.s3mock.httpPort="$S3_PORT" \
    --server.port="$S3_TLS_PORT" --server.address="$HOST" \
    --com.adobe.testing.s3mock.store.root="$S3_ROOT" \
    --com.adobe.testing.s3mock.store.retain-files-on-exit=true \
    --com.adobe.testing.s3mock.store.initial-buckets="$BUCKET" \
    --com.adobe.testing.s3mock.max-payload-size=512MB \
    >> "$LOGS/s3.log" 2>&1 < /dev/null 9>&- &
  pid=$!
  echo "$pid" > "$RUN/s3.pid"
  wait_ready s3 s3_healthy "$pid" "$LOGS/s3.log" "$S3_PORT" TESTBED_S3_PORT
  say "s3: started (pid $pid, port $S3_PORT, bucket $BUCKET) in $((SECONDS - t0))s"
}

s3_stop() {
  local pid
  if pid="$(live_pid "$RUN/s3.pid" s3mock)"; then
    stop_pid s3 "$pid"
    say "s3: stopped"
  else
    say "s3: not running"
  fi
  rm -f "$RUN/s3.pid"
}

# ---------------------------------------------------------------- MLflow
mlflow_start() {
  local pid t0=$SECONDS
  pid="$(live_pid "$RUN/mlflow.pid" 'mlflow server')" || pid=""
  check_ours mlflow "$pid" "$MLFLOW_PORT" TESTBED_MLFLOW_PORT
  if [[ -n "$pid" ]]; then
    wait_ready mlflow mlflow_healthy "$pid" "$LOGS/mlflow.log" "$MLFLOW_PORT" TESTBED_MLFLOW_PORT
    say "mlflow: already running (pid $pid, port $MLFLOW_PORT)"
    return 0
  fi
  [[ -x "$VENV_SERVER/bin/mlflow" ]] || die "$VENV_SERVER/bin/mlflow is missing; run" \
    "infra/local/setup.sh"
  # Version and options come from the shared file (infra/mlflow-server.env), as on AWS.
  check_server_version
  local flags_text flags scheme jobs uri workers
  flags_text="$(server_flags)"
  mapfile -t flags <<<"$flags_text"
  scheme="$(server_conf MLFLOW_BACKEND_SCHEME)"
  jobs="$(server_conf MLFLOW_SERVER_ENABLE_JOB_EXECUTION)"
  workers="${TESTBED_MLFLOW_WORKERS:-$(server_conf MLFLOW_WORKERS_LOCAL)}"
  uri="$(pg_uri)"
  # setsid: own process group, so stop reaches the uvicorn workers too. The URI names the driver:
  # SQLAlchemy 2.1 maps a bare postgresql:// to psycopg 3, and the venv has psycopg2-binary
  # (hence MLFLOW_BACKEND_SCHEME=postgresql+psycopg2 in the shared file).
  # Checksums "when_required": boto3 otherwise creates multipart uploads (artifacts > 8 MB) with
  # CRC32, and S3Mock then rejects CompleteMultipartUpload for lacking per-part checksums.
  env MLFLOW_S3_ENDPOINT_URL="http://$HOST:$S3_PORT" \
    AWS_ACCESS_KEY_ID="$AWS_KEY" AWS_SECRET_ACCESS_KEY="$AWS_SECRET" \
    AWS_DEFAULT_REGION="$AWS_REGION" AWS_EC2_METADATA_DISABLED=true \
    AWS_REQUEST_CHECKSUM_CALCULATION=when_required AWS_RESPONSE_CHECKSUM_VALIDATION=when_required \
    MLFLOW_SERVER_ENABLE_JOB_EXECUTION="${TESTBED_MLFLOW_JOBS:-$jobs}" \
    NO_PROXY="$HOST,localhost" no_proxy="$HOST,localhost" \
    setsid "$VENV_SERVER/bin/mlflow" server \
    --backend-store-uri "$scheme://${uri#postgresql://}" "${flags[@]}" \
    >> "$LOGS/mlflow.log" 2>&1 < /dev/null 9>&- &
  pid=$!
  echo "$pid" > "$RUN/mlflow.pid"
  wait_ready mlflow mlflow_healthy "$pid" "$LOGS/mlflow.log" "$MLFLOW_PORT" TESTBED_MLFLOW_PORT
  # Warm every worker: a worker's first request is slow, and the next caller may hit a cold one.
  local i warm=()
  for i in $(seq 1 $((workers * 2))); do mlflow_healthy & warm+=($!); done
  wait "${warm[@]}" || true  # only the warm-up requests, not the server started above
  say "mlflow: started (pid $pid, port $MLFLOW_PORT) in $((SECONDS - t0))s"
}

mlflow_stop() {
  local pid
  if pid="$(live_pid "$RUN/mlflow.pid" 'mlflow server')"; then
    stop_pid mlflow "$pid" 1
    say "mlflow: stopped"
  else
    say "mlflow: not running"
  fi
  rm -f "$RUN/mlflow.pid"
}

# ---------------------------------------------------------------- commands
cmd_start() {
  local t0=$SECONDS
  lock
  if ! "$SCRIPT_DIR/setup.sh" --check >/dev/null 2>&1; then
    say "setup: something is missing, running infra/local/setup.sh"
    # A failed step (e.g. the Python-side venv) need not block the services; each service
    # below stops with a clear error if its own software is missing.
    "$SCRIPT_DIR/setup.sh" 9>&- || say "stack: WARNING: setup.sh failed (see above); starting" \
      "with what is installed"
  fi
  mkdir -p "$LOGS" "$RUN"
  pg_start
  s3_start
  mlflow_start
  say "stack ready in $((SECONDS - t0))s: MLflow http://$HOST:$MLFLOW_PORT, S3 http://$HOST:$S3_PORT," \
    "PostgreSQL $HOST:$PG_PORT (TESTBED_HOME=$TESTBED_HOME)"
  say "clients: eval \"\$($SCRIPT_DIR/stack.sh env)\""
}

cmd_stop() {
  lock
  mlflow_stop
  s3_stop
  pg_stop
}

# service_state PID PORT HEALTH_FN VAR: prints "STATE|DETAIL". up = PID alive, it (or a descendant)
# is what listens on PORT, and the health check answers; foreign = another process holds PORT.
service_state() {
  local pid="$1" port="$2" fn="$3" var="$4" state ports
  state="$(port_state "$pid" "$port")"
  if [[ "$state" == foreign:* ]]; then
    echo "foreign|port held by $(holder_text "${state#foreign:}"), not this stack's: set $var"
  elif [[ -z "$pid" ]]; then
    echo "down|not running"
  elif [[ "$state" == free ]]; then
    ports="$(tree_ports "$pid" | tr '\n' ' ' | sed 's/ $//')"
    if [[ -n "$ports" ]]; then echo "down|pid $pid listens on $ports, not $port (other port settings)"
    else echo "down|pid $pid does not listen on $port"; fi
  elif "$fn"; then
    echo "up|"
  else
    echo "down|pid $pid listens on $port but does not answer the health check"
  fi
}

status_line() { # NAME STATE|DETAIL PID ADDRESS DETAIL
  local state="${2%%|*}" why="${2#*|}"
  printf '%-9s %-7s %-22s pid %-8s %s\n' "$1" "$state" "$4" "${3:--}" "${why:-$5}"
}

cmd_status() {
  local pgpid="" s3pid mlpid pg s3 ml
  pg_running_here 2>/dev/null && pgpid="$(head -1 "$PGDATA/postmaster.pid")"
  s3pid="$(live_pid "$RUN/s3.pid" s3mock)" || s3pid=""
  mlpid="$(live_pid "$RUN/mlflow.pid" 'mlflow server')" || mlpid=""
  pg="$(service_state "$pgpid" "$PG_PORT" pg_healthy TESTBED_PG_PORT)"
  s3="$(service_state "$s3pid" "$S3_PORT" s3_healthy TESTBED_S3_PORT)"
  ml="$(service_state "$mlpid" "$MLFLOW_PORT" mlflow_healthy TESTBED_MLFLOW_PORT)"
  status_line postgres "$pg" "$pgpid" "$HOST:$PG_PORT" "data $PGDATA"
  status_line s3 "$s3" "$s3pid" "http://$HOST:$S3_PORT" "bucket $BUCKET, store $S3_ROOT"
  status_line mlflow "$ml" "$mlpid" "http://$HOST:$MLFLOW_PORT" "log $LOGS/mlflow.log"
  [[ "$pg" == up\|* && "$s3" == up\|* && "$ml" == up\|* ]]
}

cmd_env() {
  local v
  for v in \
    "TESTBED_HOME=$TESTBED_HOME" \
    "MLFLOW_TRACKING_URI=http://$HOST:$MLFLOW_PORT" \
    "TESTBED_S3_ENDPOINT=http://$HOST:$S3_PORT" \
    "TESTBED_S3_BUCKET=$BUCKET" \
    "TESTBED_PG_URI=$(pg_uri)" \
    "TESTBED_PG_JDBC_URL=jdbc:postgresql://$HOST:$PG_PORT/$PG_DB" \
    "TESTBED_PG_USER=$PG_USER" \
    "TESTBED_PG_PASSWORD=$(pg_password)" \
    "TESTBED_PYTHON=$TESTBED_HOME/venv/bin/python" \
    "MLFLOW_S3_ENDPOINT_URL=http://$HOST:$S3_PORT" \
    "AWS_ACCESS_KEY_ID=$AWS_KEY" \
    "AWS_SECRET_ACCESS_KEY=$AWS_SECRET" \
    "AWS_DEFAULT_REGION=$AWS_REGION" \
    "AWS_REQUEST_CHECKSUM_CALCULATION=when_required" \
    "AWS_RESPONSE_CHECKSUM_VALIDATION=when_required"; do
    printf 'export %s=%q\n' "${v%%=*}" "${v#*=}"
  done
}

cmd_logs() {
  local names=(postgres s3 mlflow) n file
  if [[ $# -gt 0 ]]; then names=("$1"); fi
  for n in "${names[@]}"; do
    case "$n" in
      postgres|postgresql) file="$LOGS/postgresql.log" ;;
      s3|s3mock) file="$LOGS/s3.log" ;;
      mlflow) file="$LOGS/mlflow.log" ;;
      *) die "unknown service '$n' for logs; use postgres, s3 or mlflow" ;;
    esac
    say "==> $file <=="
    if [[ -f "$file" ]]; then tail -n "$LOG_LINES" "$file"; else say "(no log yet)"; fi
  done
}

cmd_reset() {
  if [[ "${1:-}" != "--yes" ]]; then
    if [[ -t 0 ]]; then
      read -r -p "Delete all stack data under $TESTBED_HOME (runs, metrics, artifacts)? [y/N] " a
      [[ "$a" == y || "$a" == Y ]] || { say "reset: cancelled"; exit 1; }
    else
      die "reset deletes all runs and artifacts under $TESTBED_HOME; rerun as: stack.sh reset --yes"
    fi
  fi
  cmd_stop
  rm -rf "$PGDATA" "$PGSOCK" "$S3_ROOT" "$LOGS" "$PG_PASSWORD_FILE"
  rm -f "$RUN"/*.pid
  say "reset: deleted pgdata, s3, logs under $TESTBED_HOME (venvs and jars kept)"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  logs) shift; cmd_logs "$@" ;;
  reset) shift; cmd_reset "$@" ;;
  server-flags) server_flags ;;
  -h|--help|help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown command '${1:-}'; usage: stack.sh start|status|stop|env|logs [SERVICE]|reset [--yes]|server-flags" ;;
esac
