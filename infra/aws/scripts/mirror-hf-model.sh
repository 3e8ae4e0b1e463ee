#!/bin/bash
# Mirrors a Hugging Face model into the model bucket, where the vLLM host (no internet route)
# syncs it from. Run on a machine with internet access and AWS credentials for the account.
#   usage: scripts/mirror-hf-model.sh <model-bucket> <org/name> [revision]
# Gated models need HF_TOKEN in the environment. The token is used here only, never on AWS.
set -euo pipefail
bucket="${1:?usage: $0 <model-bucket> <org/name> [revision]}"
model="${2:?usage: $0 <model-bucket> <org/name> [revision]}"
revision="${3:-main}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m pip install --quiet --target "$work/py" "huggingface_hub>=0.30"
catalogue="$(dirname "$0")/../../models/models.json"
prefix="$(sed -n 's/^TESTBED_MODELS_PREFIX=//p' "$(dirname "$0")/../../models/model-loading.env")"
PYTHONPATH="$work/py" python3 - "$model" "$revision" "$work/model" "$catalogue" <<'PY'
import json, sys
from huggingface_hub import snapshot_download
model, revision, target, catalogue = sys.argv[1:5]
# Weights as safetensors only (infra/models/models.json layout.allowPatterns): no pickle files,
# because loading a pickle is code execution.
patterns = json.load(open(catalogue))["layout"]["allowPatterns"]
path = snapshot_download(model, revision=revision, local_dir=target, allow_patterns=patterns)
print("downloaded", path)
PY
aws s3 sync "$work/model" "s3://${bucket}/${prefix}/${model}/" --only-show-errors \
  --exclude ".cache/*"
echo "mirrored ${model}@${revision} to s3://${bucket}/${prefix}/${model}/"
