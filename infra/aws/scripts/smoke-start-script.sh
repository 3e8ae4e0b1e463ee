#!/bin/bash
# Runs the MLflow host's start script (from src/main/resources/.../mlflow-host.sh) on this
# machine against a throw-away TLS-only PostgreSQL, the way the EC2 host would, and checks:
# basic-auth (401 without and 200 with the admin password), allowed hosts (403 for a foreign Host
# header, 200 for the ALB name in lower case), the auth database, TLS on every connection, an
# artifact through the proxy, and the `db-upgrade` mode.
#
# Secrets Manager is replaced by a small `aws` stand-in that prints the secret JSON shapes the
# stack generates; PostgreSQL and MLflow are real.
#   usage: MLFLOW_VENV=<venv with mlflow[auth] at MLFLOW_VERSION of infra/mlflow-server.env,
#          psycopg2-binary, boto3> scripts/smoke-start-script.sh
# Needs: PostgreSQL 15 server binaries (/usr/lib/postgresql/15/bin), openssl, jq, curl.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
venv="${MLFLOW_VENV:?set MLFLOW_VENV to a venv with mlflow[auth] at the version of infra/mlflow-server.env}"
pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
work="$(mktemp -d)"
pg_port=55499
mlflow_port=55600
server_pid=""
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  # The server runs in its own process group (set -m below): stop all of it.
  [ -n "$server_pid" ] && kill -TERM -- "-$server_pid" 2>/dev/null && sleep 3
  as_pg "$pgbin/pg_ctl" -D "$work/pg" stop -m fast >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] && chown postgres "$work"
mkdir -p "$work/bin" "$work/rt" "$work/art"

# PostgreSQL that, like RDS with rds.force_ssl=1, rejects every connection without TLS.
echo superpw > "$work/pw"
[ "$(id -u)" = 0 ] && chown postgres "$work/pw"
as_pg "$pgbin/initdb" -D "$work/pg" -A scram-sha-256 --pwfile="$work/pw" -U postgres >/dev/null
openssl req -new -x509 -days 1 -nodes -subj /CN=localhost \
  -out "$work/pg/server.crt" -keyout "$work/pg/server.key" >/dev/null 2>&1
chmod 600 "$work/pg/server.key"
cat >> "$work/pg/postgresql.conf" <<EOF
port = $pg_port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$work'
ssl = on
EOF
printf 'local all all scram-sha-256\nhostssl all all 127.0.0.1/32 scram-sha-256\n' \
  > "$work/pg/pg_hba.conf"
[ "$(id -u)" = 0 ] && chown -R postgres "$work/pg"
as_pg "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg.log" start >/dev/null
sleep 2
db_pw="Dbpw$(openssl rand -hex 12)"
PGPASSWORD=superpw PGSSLMODE=require psql -q -h 127.0.0.1 -p "$pg_port" -U postgres \
  -c "CREATE USER mlflow WITH PASSWORD '$db_pw' CREATEDB" -c "CREATE DATABASE mlflow OWNER mlflow"

# The start script and its environment file, cut out of the user data template.
admin_pw="Admin$(openssl rand -hex 12)"
python3 - "$here" "$work" "$venv" "$pg_port" "$mlflow_port" <<'PY'
import re, sys
here, work, venv, pg_port, mlflow_port = sys.argv[1:6]
s = open(f"{here}/src/main/resources/io/llmtestbed/infra/aws/mlflow-host.sh").read()
# The server options as MlflowServerConf renders them: the shared file's template, each slot
# replaced by the variable named in MlflowServerConf.AWS_SLOTS, then --app-name.
conf = dict(l.split("=", 1) for l in open(f"{here}/../mlflow-server.env").read().splitlines()
            if l.strip() and not l.startswith("#"))
java = open(f"{here}/src/main/java/io/llmtestbed/infra/aws/MlflowServerConf.java").read()
block = re.search(r"AWS_SLOTS = Map\.of\((.*?)\);", java, re.S).group(1)
strs = [f.encode().decode("unicode_escape") for f in re.findall(r'"((?:[^"\\]|\\.)*)"', block)]
slots = dict(zip(strs[0::2], strs[1::2]))
flags = re.sub(r"\{([a-z_]+)\}", lambda m: slots[m.group(1)], conf["MLFLOW_SERVER_FLAGS"])
flags += " --app-name " + conf["MLFLOW_APP_NAME_AWS"]
start = re.search(r"<<'START'\n(.*?)\nSTART\n", s, re.S).group(1)
start = start.replace("@SERVER_FLAGS@", flags).replace("/opt/mlflow/venv", venv)
open(f"{work}/start-mlflow.sh", "w").write(start + "\n")
env = re.search(r"<<'ENV'\n(.*?)\nENV\n", s, re.S).group(1)
values = {"REGION": "ap-northeast-1", "DB_SECRET_ARN": "arn:db", "ADMIN_SECRET_ARN": "arn:admin",
          "FLASK_SECRET_ARN": "arn:flask", "DB_HOST": "127.0.0.1", "DB_PORT": pg_port,
          "DB_NAME": "mlflow", "AUTH_DB_NAME": "mlflow_auth",
          "ARTIFACTS_DESTINATION": f"{work}/art", "WORKERS": "2",
          "BACKEND_SCHEME": conf["MLFLOW_BACKEND_SCHEME"],
          "ENABLE_JOB_EXECUTION": conf["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"],
          "ALLOWED_HOSTS": "localhost,localhost:*,127.0.0.1,127.0.0.1:*,"
                           "Internal-Testb-Alb-123.ap-northeast-1.elb.amazonaws.com",
          "BIND_HOST": "127.0.0.1", "MLFLOW_PORT": mlflow_port}
env = re.sub(r"@([A-Z_]+)@", lambda m: values[m.group(1)], env)
open(f"{work}/mlflow.env", "w").write(env + "\n")
PY
cat > "$work/bin/aws" <<EOF
#!/bin/bash
case "\$*" in
  *arn:db*) echo '{"username":"mlflow","password":"$db_pw","engine":"postgres","port":$pg_port}' ;;
  *arn:admin*) echo '{"username":"admin","password":"$admin_pw"}' ;;
  *arn:flask*) echo '{"key":"$(openssl rand -hex 16)"}' ;;
  *) echo "unexpected aws call: \$*" >&2; exit 1 ;;
esac
EOF
chmod +x "$work/bin/aws" "$work/start-mlflow.sh"
run_start() {
  (set -a; . "$work/mlflow.env"; set +a
   PATH="$work/bin:$PATH" RUNTIME_DIRECTORY="$work/rt" HOME="$work" "$work/start-mlflow.sh" "$@")
}

set -m
run_start > "$work/server.log" 2>&1 &
server_pid=$!
set +m
for _ in $(seq 1 90); do
  curl -sf "http://127.0.0.1:$mlflow_port/health" >/dev/null && break
  sleep 2
done
url="http://127.0.0.1:$mlflow_port/api/2.0/mlflow/experiments/search?max_results=1"
fail=0
check() {  # name expected actual
  if [ "$2" = "$3" ]; then echo "ok   $1 ($3)"; else echo "FAIL $1: expected $2, got $3"; fail=1; fi
}
check "no credentials" 401 "$(curl -s -o /dev/null -w '%{http_code}' "$url")"
check "admin credentials" 200 "$(curl -s -o /dev/null -w '%{http_code}' -u "admin:$admin_pw" "$url")"
check "foreign Host header" 403 "$(curl -s -o /dev/null -w '%{http_code}' \
  -H 'Host: evil.example.com' -u "admin:$admin_pw" "$url")"
check "ALB name in lower case" 200 "$(curl -s -o /dev/null -w '%{http_code}' \
  -H 'Host: internal-testb-alb-123.ap-northeast-1.elb.amazonaws.com' -u "admin:$admin_pw" "$url")"
q() { PGPASSWORD=superpw PGSSLMODE=require psql -h 127.0.0.1 -p "$pg_port" -U postgres -Atc "$1"; }
check "auth database created" mlflow_auth "$(q "select datname from pg_database where datname='mlflow_auth'")"
check "non-TLS connections of mlflow" 0 "$(q "select count(*) from pg_stat_ssl join pg_stat_activity using (pid) where usename='mlflow' and not ssl")"
check "runtime ini mode" 600 "$(stat -c %a "$work/rt/basic_auth.ini")"
MLFLOW_TRACKING_URI="http://127.0.0.1:$mlflow_port" MLFLOW_TRACKING_USERNAME=admin \
MLFLOW_TRACKING_PASSWORD="$admin_pw" "$venv/bin/python" - "$work" <<'PY' >/dev/null
import os, sys, mlflow
mlflow.set_experiment("smoke")
with mlflow.start_run():
    p = os.path.join(sys.argv[1], "a.txt")
    open(p, "w").write("hi")
    mlflow.log_artifact(p)
PY
check "artifact through the proxy" 1 "$(find "$work/art" -name a.txt | wc -l)"
check "password not in process arguments" 0 "$(ps -eo args | grep -c "$db_pw" | awk '{print $1-1}')"
run_start db-upgrade > "$work/upgrade.log" 2>&1 && up=0 || up=$?
check "db-upgrade mode exit status" 0 "$up"
[ "$fail" = 0 ] || { echo "--- server log"; tail -30 "$work/server.log"; }
exit "$fail"
