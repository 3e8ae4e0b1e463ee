#!/bin/bash
# Renders docs/architecture.dot to docs/architecture.png (Graphviz; Debian: apt-get install -y
# graphviz). Run after editing the .dot file and commit both files.
set -euo pipefail
cd "$(dirname "$0")"
command -v dot >/dev/null || { echo "dot not found: install Graphviz (apt-get install -y graphviz)" >&2; exit 1; }
dot -Tpng -Gdpi=110 architecture.dot -o architecture.png
echo "wrote $(pwd)/architecture.png"
