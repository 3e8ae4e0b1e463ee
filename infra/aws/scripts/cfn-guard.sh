#!/bin/bash
# Runs AWS CloudFormation Guard (Control Tower rule packs) over the synthesized templates.
# Not part of `mvn verify`; needs npm. Usage: scripts/cfn-guard.sh  (from infra/aws)
set -euo pipefail
cd "$(dirname "$0")/.."
tools="target/cfn-guard"
if [ ! -x "$tools/node_modules/@cdklabs/cdk-validator-cfnguard/bin/ubuntu/x86_64/cfn-guard" ]; then
  mkdir -p "$tools"
  npm install --silent --prefix "$tools" @cdklabs/cdk-validator-cfnguard@0.0.62
fi
pkg="$tools/node_modules/@cdklabs/cdk-validator-cfnguard"
guard="$pkg/bin/ubuntu/x86_64/cfn-guard"
status=0
for t in src/test/resources/snapshots/*/*.template.json; do
  echo "== $t"
  "$guard" validate -d "$t" -r "$pkg/rules/control-tower/cfn-guard" \
    -o single-line-summary --show-summary fail || status=1
done
exit $status
