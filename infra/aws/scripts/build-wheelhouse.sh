#!/bin/bash
# Builds the offline wheelhouse the hosts install from (they have no route to PyPI) and uploads
# it to the model bucket. Run on any Linux/macOS machine with Python 3 and internet access and
# AWS credentials for the testbed account.
#   usage: scripts/build-wheelhouse.sh <model-bucket> [mlflow|vllm] [vllm-version]
# The vLLM version is, in this order: the third argument, "vllmVersion" in cdk.json's context,
# the CDK app's default (TestbedConfig.java). Pass the value you deploy with (-c vllmVersion=...).
set -euo pipefail
bucket="${1:?usage: $0 <model-bucket> [mlflow|vllm] [vllm-version]}"
what="${2:-mlflow}"
here="$(cd "$(dirname "$0")" && pwd)"
# The MLflow release both stacks run: the one place is infra/mlflow-server.env.
mlflow_version="$(sed -n 's/^MLFLOW_VERSION=//p' "$here/../../mlflow-server.env")"
[ -n "$mlflow_version" ] || { echo "no MLFLOW_VERSION in infra/mlflow-server.env" >&2; exit 2; }
vllm_version="${3:-}"
if [ -z "$vllm_version" ]; then
  vllm_version="$(sed -n 's/.*"vllmVersion"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' \
    "$here/../cdk.json" | head -n 1)"
fi
if [ -z "$vllm_version" ]; then
  vllm_version="$(sed -n 's/.*d\.put("vllmVersion", "\([^"]*\)").*/\1/p' \
    "$here/../src/main/java/io/llmtestbed/infra/aws/TestbedConfig.java" | head -n 1)"
fi
[[ "$vllm_version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || {
  echo "vLLM version '$vllm_version' is not x.y.z: pass it as the third argument," \
       "e.g. $0 $bucket vllm 0.34.0" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
case "$what" in
  mlflow)
    dir="mlflow-${mlflow_version}"; py="3.11"
    pkgs=("mlflow[auth]==${mlflow_version}" "psycopg2-binary==2.9.13" "boto3==1.44.8") ;;
  vllm)
    dir="vllm-${vllm_version}"; py="3.12"
    pkgs=("vllm==${vllm_version}") ;;
  *) echo "unknown wheelhouse '$what': use mlflow or vllm" >&2; exit 2 ;;
esac
# Wheels for the hosts' platform (Amazon Linux 2023, x86_64), whatever machine runs this.
python3 -m pip download --dest "$work/$dir" --only-binary=:all: \
  --platform manylinux2014_x86_64 --platform manylinux_2_28_x86_64 \
  --python-version "$py" --implementation cp "${pkgs[@]}"
aws s3 sync "$work/$dir" "s3://${bucket}/wheelhouse/${dir}/" --only-show-errors
echo "uploaded $(ls "$work/$dir" | wc -l) wheels to s3://${bucket}/wheelhouse/${dir}/"
