#!/bin/bash
# Copies one model's weights from the model bucket (through the S3 gateway endpoint) onto the
# instance volume; a second run only transfers what changed. Installed by the CDK app as
# /opt/vllm/bin/sync-model.sh on the GPU host (run by vllm.service before the server starts);
# usable by hand on any testbed instance whose role may read the model bucket.
#
#   sync-model.sh [MODEL_ID]     (default: $TESTBED_MODEL_ID)
#
# Environment (from infra/models/model-loading.env and /etc/vllm/vllm.env): TESTBED_MODELS_BUCKET,
# TESTBED_MODELS_PREFIX (models), TESTBED_MODEL_DIR (/opt/models), TESTBED_MODEL_ID.
# Layout (infra/models/models.json): s3://<bucket>/<prefix>/<model id>/ -> <dir>/<model id>/.
set -euo pipefail
model="${1:-${TESTBED_MODEL_ID:?no model id: pass one or set TESTBED_MODEL_ID}}"
bucket="${TESTBED_MODELS_BUCKET:?TESTBED_MODELS_BUCKET is not set (see /etc/vllm/vllm.env)}"
source_uri="s3://${bucket}/${TESTBED_MODELS_PREFIX:-models}/${model}/"
target="${TESTBED_MODEL_DIR:-/opt/models}/${model}"
mkdir -p "$target"
aws s3 sync "$source_uri" "$target" --only-show-errors
if [ ! -f "$target/config.json" ]; then
  echo "sync-model: no config.json under ${source_uri}: mirror the model first, from a machine" \
       "with internet access: infra/aws/scripts/mirror-hf-model.sh ${bucket} ${model}" >&2
  exit 1
fi
echo "sync-model: ${source_uri} -> ${target} ($(du -sh "$target" | cut -f1))"
