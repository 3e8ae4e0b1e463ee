#!/bin/bash
# vLLM GPU host bootstrap (AWS Deep Learning Base OSS Nvidia Driver AMI, Amazon Linux 2023),
# rendered by LlmStack. Values in @...@ are filled at synth time. The API key is fetched
# from Secrets Manager when the service starts; it is not in this script.
set -euo pipefail
# Host generation @HOST_GENERATION@ (CDK context hostGeneration; raising it replaces this host).

REGION='@REGION@'
VLLM_VERSION='@VLLM_VERSION@'
WHEELHOUSE="s3://@MODELS_BUCKET@/@WHEELHOUSE_PREFIX@/vllm-${VLLM_VERSION}/"

dnf install -y python3.12 jq amazon-cloudwatch-agent
id vllm >/dev/null 2>&1 || useradd --system --home-dir /var/lib/vllm --shell /sbin/nologin vllm
install -d -o vllm -g vllm -m 0750 /var/lib/vllm /var/log/vllm @MODEL_DIR@ @HF_HOME@ @TIKTOKEN_CACHE_DIR@
install -d -m 0755 /opt/vllm /opt/vllm/bin /etc/vllm

pip_source=()
if aws s3 ls "$WHEELHOUSE" --region "$REGION" >/dev/null 2>&1; then
  aws s3 sync "$WHEELHOUSE" /opt/vllm/wheelhouse --region "$REGION" --only-show-errors
  pip_source=(--no-index --find-links /opt/vllm/wheelhouse)
fi
python3.12 -m venv /opt/vllm/venv
if ! /opt/vllm/venv/bin/pip install --quiet "${pip_source[@]}" "vllm==${VLLM_VERSION}"; then
  echo "vLLM ${VLLM_VERSION} could not be installed: no wheelhouse at ${WHEELHOUSE} and no route" \
       "to PyPI. Fix: run infra/aws/scripts/build-wheelhouse.sh <bucket> vllm (README.ja.md" \
       "4.5, 4.10), then rerun this script or replace this instance (13.3)." >&2
  exit 1
fi

# infra/models/model-loading.env, verbatim: cache paths and offline switches.
cat > /etc/vllm/model-loading.env <<'ENV'
@MODEL_LOADING_ENV@
ENV
cat > /etc/vllm/vllm.env <<'ENV'
AWS_DEFAULT_REGION=@REGION@
TESTBED_MODEL_ID=@MODEL_ID@
TESTBED_MODELS_BUCKET=@MODELS_BUCKET@
TESTBED_VLLM_API_KEY_SECRET_ARN=@API_KEY_SECRET_ARN@
TESTBED_VLLM_PORT=@VLLM_PORT@
ENV

# infra/models/sync-model.sh: weights from the model bucket onto the instance volume.
cat > /opt/vllm/bin/sync-model.sh <<'SYNC'
@SYNC_MODEL_SCRIPT@
SYNC
cat > /opt/vllm/bin/start-vllm.sh <<'START'
#!/bin/bash
set -euo pipefail
export VLLM_API_KEY
VLLM_API_KEY="$(aws secretsmanager get-secret-value --secret-id "$TESTBED_VLLM_API_KEY_SECRET_ARN" \
  --query SecretString --output text | jq -r .apiKey)"
exec /opt/vllm/venv/bin/vllm serve "${TESTBED_MODEL_DIR}/${TESTBED_MODEL_ID}" \
  --served-model-name "$TESTBED_MODEL_ID" --host 0.0.0.0 --port "$TESTBED_VLLM_PORT"
START
chmod 0755 /opt/vllm/bin/sync-model.sh /opt/vllm/bin/start-vllm.sh

cat > /etc/systemd/system/vllm.service <<'UNIT'
[Unit]
Description=vLLM OpenAI-compatible server (LLM testbed)
Wants=network-online.target
After=network-online.target

[Service]
Type=exec
User=vllm
Group=vllm
EnvironmentFile=/etc/vllm/model-loading.env
EnvironmentFile=/etc/vllm/vllm.env
Environment=HOME=/var/lib/vllm
WorkingDirectory=/var/lib/vllm
ExecStartPre=/opt/vllm/bin/sync-model.sh
ExecStart=/opt/vllm/bin/start-vllm.sh
# Loading a 7B model from the local volume takes minutes, not seconds.
TimeoutStartSec=1800
Restart=on-failure
RestartSec=30
StandardOutput=append:/var/log/vllm/server.log
StandardError=append:/var/log/vllm/server.log
NoNewPrivileges=yes
PrivateTmp=yes
ProtectHome=yes

[Install]
WantedBy=multi-user.target
UNIT

cat > /opt/aws/amazon-cloudwatch-agent/etc/testbed.json <<'CWA'
{
  "agent": {"metrics_collection_interval": 60, "run_as_user": "root"},
  "logs": {"logs_collected": {"files": {"collect_list": [
    {"file_path": "/var/log/vllm/server.log", "log_group_name": "@LOG_GROUP@",
     "log_stream_name": "{instance_id}/vllm-server"},
    {"file_path": "/var/log/cloud-init-output.log", "log_group_name": "@LOG_GROUP@",
     "log_stream_name": "{instance_id}/cloud-init"}]}}}
}
CWA
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s \
  -c file:/opt/aws/amazon-cloudwatch-agent/etc/testbed.json

systemctl daemon-reload
systemctl enable --now vllm.service
