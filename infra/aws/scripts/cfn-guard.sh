#!/bin/bash
# Runs AWS CloudFormation Guard (Control Tower rule packs) over the synthesized templates.
# Not part of `mvn verify`; needs npm. Usage: scripts/cfn-guard.sh [-v]  (-v: full details)
# Prints the failing rules per template; README "cfn-guard" lists the accepted ones and why.
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
  if [ "${1:-}" = "-v" ]; then
    "$guard" validate -d "$t" -r "$pkg/rules/control-tower/cfn-guard" || status=1
  else
    out="$("$guard" validate -d "$t" -r "$pkg/rules/control-tower/cfn-guard" \
      --show-summary fail 2>&1)" || status=1
    grep -E '^[a-z0-9-]+\.guard/[a-z0-9_]+ +FAIL' <<<"$out" | sort -u || echo "no failing rule"
  fi
done
exit $status
