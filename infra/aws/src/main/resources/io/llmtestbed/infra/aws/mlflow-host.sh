#!/bin/bash
# MLflow host bootstrap (Amazon Linux 2023), rendered by MlflowStack. Values in @...@ are filled
# at synth time (most become CloudFormation references); the MLflow version, the server options,
# the backend scheme, the job-runner switch and the worker count come from infra/mlflow-server.env,
# which the local stack reads too. No secret value is in this
# script: the start script fetches them from Secrets Manager each time the service starts.
set -euo pipefail
# Host generation @HOST_GENERATION@ (CDK context hostGeneration; raising it replaces this host).

REGION='@REGION@'
MLFLOW_VERSION='@MLFLOW_VERSION@'
WHEELHOUSE="s3://@MODELS_BUCKET@/@WHEELHOUSE_PREFIX@/mlflow-${MLFLOW_VERSION}/"

dnf install -y python3.11 jq amazon-cloudwatch-agent logrotate
id mlflow >/dev/null 2>&1 || useradd --system --home-dir /var/lib/mlflow --shell /sbin/nologin mlflow
install -d -o mlflow -g mlflow -m 0750 /var/lib/mlflow /var/log/mlflow
install -d -m 0755 /opt/mlflow /opt/mlflow/bin /etc/mlflow

# Install the pinned MLflow into its own venv: from the offline wheelhouse in the model bucket
# when it is there (no internet route needed), else from PyPI (needs natEnabled=true).
pip_source=()
if aws s3 ls "$WHEELHOUSE" --region "$REGION" >/dev/null 2>&1; then
  aws s3 sync "$WHEELHOUSE" /opt/mlflow/wheelhouse --region "$REGION" --only-show-errors
  pip_source=(--no-index --find-links /opt/mlflow/wheelhouse)
fi
python3.11 -m venv /opt/mlflow/venv
if ! /opt/mlflow/venv/bin/pip install --quiet "${pip_source[@]}" \
    "mlflow[auth]==${MLFLOW_VERSION}" @PYTHON_PINS@; then
  echo "MLflow ${MLFLOW_VERSION} could not be installed: no wheelhouse at ${WHEELHOUSE} and no" \
       "route to PyPI. Fix: run infra/aws/scripts/build-wheelhouse.sh <bucket> mlflow" \
       "(README.ja.md 4.5), then rerun this script or replace this instance (13.3)." >&2
  exit 1
fi
/opt/mlflow/venv/bin/mlflow --version | grep -q "${MLFLOW_VERSION}"

# Settings the service reads (names and addresses only, no secret values).
cat > /etc/mlflow/mlflow.env <<'ENV'
AWS_DEFAULT_REGION=@REGION@
TESTBED_DB_SECRET_ARN=@DB_SECRET_ARN@
TESTBED_ADMIN_SECRET_ARN=@ADMIN_SECRET_ARN@
TESTBED_FLASK_SECRET_ARN=@FLASK_SECRET_ARN@
PGHOST=@DB_HOST@
PGPORT=@DB_PORT@
PGSSLMODE=require
TESTBED_DB_NAME=@DB_NAME@
TESTBED_AUTH_DB_NAME=@AUTH_DB_NAME@
MLFLOW_ARTIFACTS_DESTINATION=@ARTIFACTS_DESTINATION@
MLFLOW_SERVER_ALLOWED_HOSTS=@ALLOWED_HOSTS@
TESTBED_MLFLOW_BIND=@BIND_HOST@
TESTBED_MLFLOW_PORT=@MLFLOW_PORT@
TESTBED_MLFLOW_WORKERS=@WORKERS@
TESTBED_BACKEND_SCHEME=@BACKEND_SCHEME@
MLFLOW_SERVER_ENABLE_JOB_EXECUTION=@ENABLE_JOB_EXECUTION@
ENV
chmod 0644 /etc/mlflow/mlflow.env

cat > /opt/mlflow/bin/start-mlflow.sh <<'START'
#!/bin/bash
# Starts `mlflow server` with secrets fetched from Secrets Manager at this moment. They live only
# in this process's environment and in a 0600 file under the service's runtime directory.
set -euo pipefail
umask 077
secret() {
  aws secretsmanager get-secret-value --secret-id "$1" --query SecretString --output text
}
db_json="$(secret "$TESTBED_DB_SECRET_ARN")"
export PGUSER; PGUSER="$(jq -r .username <<<"$db_json")"
export PGPASSWORD; PGPASSWORD="$(jq -r .password <<<"$db_json")"
admin_json="$(secret "$TESTBED_ADMIN_SECRET_ARN")"
export MLFLOW_AUTH_ADMIN_USERNAME; MLFLOW_AUTH_ADMIN_USERNAME="$(jq -r .username <<<"$admin_json")"
export MLFLOW_AUTH_ADMIN_PASSWORD; MLFLOW_AUTH_ADMIN_PASSWORD="$(jq -r .password <<<"$admin_json")"
export MLFLOW_FLASK_SERVER_SECRET_KEY
MLFLOW_FLASK_SERVER_SECRET_KEY="$(secret "$TESTBED_FLASK_SECRET_ARN" | jq -r .key)"

# The basic-auth user store lives in its own database on the same RDS instance, so users and
# permissions survive host replacement and are shared by every host behind the ALB.
PGDATABASE="$TESTBED_DB_NAME" /opt/mlflow/venv/bin/python - <<'PY'
import os
import psycopg2
conn = psycopg2.connect("")
conn.autocommit = True
with conn.cursor() as cur:
    cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (os.environ["TESTBED_AUTH_DB_NAME"],))
    if cur.fetchone() is None:
        cur.execute('CREATE DATABASE "%s"' % os.environ["TESTBED_AUTH_DB_NAME"])
conn.close()
PY

# LIMIT: sslmode=require, not verify-full: the RDS CA bundle is not shipped to the host yet.
base="${TESTBED_BACKEND_SCHEME}://${PGUSER}:${PGPASSWORD}@${PGHOST}:${PGPORT}"
export MLFLOW_BACKEND_STORE_URI="${base}/${TESTBED_DB_NAME}?sslmode=require"
# `start-mlflow.sh db-upgrade` migrates the schema after an MLflow upgrade (README "Upgrading").
if [ "${1:-}" = "db-upgrade" ]; then
  exec /opt/mlflow/venv/bin/mlflow db upgrade "$MLFLOW_BACKEND_STORE_URI"
fi
cat > "${RUNTIME_DIRECTORY}/basic_auth.ini" <<INI
[mlflow]
default_permission = READ
database_uri = ${base}/${TESTBED_AUTH_DB_NAME}?sslmode=require
authorization_function = mlflow.server.auth:authenticate_request_basic_auth
INI
export MLFLOW_AUTH_CONFIG_PATH="${RUNTIME_DIRECTORY}/basic_auth.ini"
unset PGPASSWORD db_json admin_json
# Browsers send the Host header in lower case; the ALB's DNS name has capitals.
export MLFLOW_SERVER_ALLOWED_HOSTS="${MLFLOW_SERVER_ALLOWED_HOSTS,,}"

exec /opt/mlflow/venv/bin/mlflow server @SERVER_FLAGS@
START
chmod 0755 /opt/mlflow/bin/start-mlflow.sh

cat > /etc/systemd/system/mlflow.service <<'UNIT'
[Unit]
Description=MLflow tracking server (LLM testbed)
Wants=network-online.target
After=network-online.target

[Service]
Type=exec
User=mlflow
Group=mlflow
EnvironmentFile=/etc/mlflow/mlflow.env
Environment=HOME=/var/lib/mlflow
WorkingDirectory=/var/lib/mlflow
RuntimeDirectory=mlflow
RuntimeDirectoryMode=0700
ExecStart=/opt/mlflow/bin/start-mlflow.sh
Restart=on-failure
RestartSec=10
StandardOutput=append:/var/log/mlflow/server.log
StandardError=append:/var/log/mlflow/server.log
NoNewPrivileges=yes
PrivateTmp=yes
ProtectSystem=strict
ProtectHome=yes
ReadWritePaths=/var/lib/mlflow /var/log/mlflow

[Install]
WantedBy=multi-user.target
UNIT

cat > /etc/logrotate.d/mlflow <<'ROTATE'
/var/log/mlflow/server.log {
  daily
  rotate 14
  compress
  missingok
  notifempty
  copytruncate
}
ROTATE

# CloudWatch agent: the server log and this bootstrap's output to the host log group, plus memory
# and disk metrics (the EC2 default metrics have neither).
cat > /opt/aws/amazon-cloudwatch-agent/etc/testbed.json <<'CWA'
{
  "agent": {"metrics_collection_interval": 60, "run_as_user": "root"},
  "logs": {"logs_collected": {"files": {"collect_list": [
    {"file_path": "/var/log/mlflow/server.log", "log_group_name": "@LOG_GROUP@",
     "log_stream_name": "{instance_id}/mlflow-server"},
    {"file_path": "/var/log/cloud-init-output.log", "log_group_name": "@LOG_GROUP@",
     "log_stream_name": "{instance_id}/cloud-init"}]}}},
  "metrics": {"namespace": "CWAgent",
    "append_dimensions": {"InstanceId": "${aws:InstanceId}"},
    "metrics_collected": {"mem": {"measurement": ["mem_used_percent"]},
      "disk": {"measurement": ["used_percent"], "resources": ["/"]}}}
}
CWA
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s \
  -c file:/opt/aws/amazon-cloudwatch-agent/etc/testbed.json

systemctl daemon-reload
systemctl enable --now mlflow.service
