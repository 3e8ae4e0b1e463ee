#!/usr/bin/env bash
# Installs what the local stack (stack.sh) needs and is missing. Idempotent: every step checks
# a version or a marker first, so a second run only prints "ok" lines.
#
#   infra/local/setup.sh           install what is missing
#   infra/local/setup.sh --check   install nothing; exit 0 when complete, 1 when a step is missing
#
# Environment: TESTBED_HOME (default <repo>/.testbed), TESTBED_BOOTSTRAP_PYTHON (default python3).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SCRIPT_DIR/../.." && pwd)"
TESTBED_HOME="${TESTBED_HOME:-$REPO/.testbed}"
BOOTSTRAP_PYTHON="${TESTBED_BOOTSTRAP_PYTHON:-python3}"
S3MOCK_VERSION=5.2.0
S3MOCK_JAR="$TESTBED_HOME/lib/s3mock-$S3MOCK_VERSION-exec.jar"
SERVER_REQS="$SCRIPT_DIR/requirements-server.txt"
PY_PROJECT="$REPO/infra/mlflow"
CHECK_ONLY=0

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: ERROR: %s\n' "$*" >&2; exit 1; }

case "${1:-}" in
  --check) CHECK_ONLY=1 ;;
  "") ;;
  -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
  *) die "unknown argument '$1'; usage: setup.sh [--check]" ;;
esac

missing=0
# In --check mode a missing step is only counted; otherwise it is installed.
need() {
  missing=$((missing + 1))
  if [[ $CHECK_ONLY -eq 1 ]]; then say "missing: $*"; return 1; fi
  say "installing: $*"
}

# Marker content for a venv: what was installed, from which inputs, with which interpreter.
venv_stamp() { # $1 = input file(s) that define the venv
  printf 'python=%s\n' "$PY_VERSION"
  sha256sum "$@"
}

# ---------------------------------------------------------------- Debian packages
apt_updated=0
apt_install() {
  [[ $EUID -eq 0 ]] || die "Debian packages missing ($*); run setup.sh as root or install them:" \
    "apt-get install $*"
  export DEBIAN_FRONTEND=noninteractive
  # Update the package lists only when apt cannot find a candidate for a package.
  local p
  for p in "$@"; do
    if ! apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
      if [[ $apt_updated -eq 0 ]]; then say "apt-get update"; apt-get update -qq; apt_updated=1; fi
    fi
  done
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# One installer at a time per software home (lib/ may be a symlink shared by a test stack).
mkdir -p "$TESTBED_HOME/lib"
if [[ $CHECK_ONLY -eq 0 ]]; then
  exec 8>"$TESTBED_HOME/lib/setup.lock"
  flock -w 1200 8 || die "another setup.sh holds $TESTBED_HOME/lib/setup.lock for 20 minutes"
fi

pkgs=()
command -v curl >/dev/null || pkgs+=(curl)
command -v java >/dev/null || pkgs+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || pkgs+=(maven)
command -v flock >/dev/null || pkgs+=(util-linux)
# One interpreter call (pyenv shims are slow): version, and whether venv + ensurepip work.
PY_VERSION="$("$BOOTSTRAP_PYTHON" -c 'import sys, ensurepip, venv; print(sys.version.split()[0])' \
  2>/dev/null || true)"
command -v "$BOOTSTRAP_PYTHON" >/dev/null || pkgs+=(python3)
[[ -n "$PY_VERSION" ]] || pkgs+=(python3-venv)
if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then pkgs+=(postgresql); fi
if ! command -v psql >/dev/null; then pkgs+=(postgresql-client); fi
# A CJK font, so the AITs' PNG charts draw Japanese labels instead of boxes.
[[ -d /usr/share/fonts/opentype/ipafont-gothic || -d /usr/share/fonts/opentype/noto ]] \
  || pkgs+=(fonts-ipafont-gothic)
if [[ ${#pkgs[@]} -gt 0 ]]; then
  if need "Debian packages ${pkgs[*]}"; then
    apt_install "${pkgs[@]}"
    PY_VERSION="$("$BOOTSTRAP_PYTHON" -c 'import sys; print(sys.version.split()[0])')"
  fi
else
  say "ok: Debian packages (java, mvn, curl, python venv, CJK font, $(ls -d /usr/lib/postgresql/*/bin \
| sed 's#/usr/lib/postgresql/\([^/]*\)/bin#PostgreSQL \1#' | tr '\n' ' ' | sed 's/ $//'))"
fi

# ---------------------------------------------------------------- S3Mock exec jar
# A complete jar ends with the zip end-of-central-directory record (PK 05 06); a truncated one not.
jar_complete() { [[ -s "$1" && "$(tail -c 22 "$1" | od -An -tx1 -N4 | tr -d ' ')" == 504b0506 ]]; }
if jar_complete "$S3MOCK_JAR"; then
  say "ok: S3Mock $S3MOCK_VERSION ($S3MOCK_JAR)"
elif need "S3Mock $S3MOCK_VERSION exec jar from Maven Central"; then
  # Run outside the repository so Maven does not read the project's pom.xml.
  (cd "$TESTBED_HOME/lib" && mvn -q -B -Dstyle.color=never \
    org.apache.maven.plugins:maven-dependency-plugin:3.11.0:copy \
    -Dartifact="com.adobe.testing:s3mock:$S3MOCK_VERSION:jar:exec" \
    -DoutputDirectory="$TESTBED_HOME/lib") \
    || die "Maven could not fetch com.adobe.testing:s3mock:$S3MOCK_VERSION:jar:exec;" \
      "check that Maven Central is reachable (mvn -v, ~/.m2/settings.xml)"
  jar_complete "$S3MOCK_JAR" || die "Maven finished but $S3MOCK_JAR is missing or truncated"
fi

# ---------------------------------------------------------------- venvs
# $1 = venv dir, $2 = label, $3 = stamp input file, rest = pip install arguments
install_venv() {
  local dir="$1" label="$2" input="$3"; shift 3
  local stamp="$dir/.testbed-installed"
  if [[ -x "$dir/bin/python" && -f "$stamp" ]] && diff -q <(venv_stamp "$input") "$stamp" >/dev/null
  then
    say "ok: $label ($dir)"
    return 0
  fi
  need "$label into $dir (pip, takes a few minutes)" || return 0
  [[ -x "$dir/bin/python" ]] || "$BOOTSTRAP_PYTHON" -m venv "$dir"
  "$dir/bin/python" -m pip install -q --upgrade pip
  "$dir/bin/python" -m pip install -q "$@" \
    || die "pip install $* failed for $label; see the pip output above"
  venv_stamp "$input" > "$stamp"
}

install_venv "$TESTBED_HOME/venv-server" "MLflow server venv" "$SERVER_REQS" -r "$SERVER_REQS"
mlflow_version="$("$TESTBED_HOME/venv-server/bin/python" -c \
  'import importlib.metadata as m; print(m.version("mlflow"))' 2>/dev/null || true)"
want_version="$(sed -n 's/^mlflow==//p' "$SERVER_REQS")"
if [[ $CHECK_ONLY -eq 0 && "$mlflow_version" != "$want_version" ]]; then
  die "venv-server has mlflow '$mlflow_version' but $SERVER_REQS pins $want_version;" \
    "delete $TESTBED_HOME/venv-server and rerun setup.sh"
fi

if [[ -f "$PY_PROJECT/pyproject.toml" ]]; then
  install_venv "$TESTBED_HOME/venv" "Python-side venv (infra/mlflow[test])" \
    "$PY_PROJECT/pyproject.toml" -e "$PY_PROJECT[test]"
else
  say "skipped: Python-side venv, $PY_PROJECT/pyproject.toml does not exist yet"
fi

if [[ $CHECK_ONLY -eq 1 ]]; then
  if [[ $missing -gt 0 ]]; then say "$missing step(s) missing; run infra/local/setup.sh"; exit 1; fi
  say "complete"
else
  say "done (TESTBED_HOME=$TESTBED_HOME)"
fi
