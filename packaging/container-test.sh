#!/usr/bin/env bash
# Container contract test of every AIT under aits/ that has deploy/test/ inputs:
#   1. builds the local test base image (packaging/base) and each AIT's image with Jib
#      (no Docker daemon), and its AITHub/Qunomon package zip;
#   2. checks the zip as Qunomon's local install does (check_ait_package.py);
#   3. runs the image with podman under the platform's layout: /usr/local/qai/mnt mounted,
#      each inventory's directory at /usr/local/qai/inventory/{name}, the input directory
#      /usr/local/qai/mnt/ip/job_args/1/1 as the one argument, --network none;
#   4. runs the same AIT jar with the SDK's LocalRunner on the same inputs and compares the two
#      ait.output.json files, resources and downloads (compare_outputs.py).
# Installs podman, runc and buildah from Debian when missing (needs root).
# Podman uses its own storage (--root/--runroot/--tmpdir in a fresh temporary directory, removed
# on exit), never the machine's default store: loading and removing images there could replace or
# delete another user's localhost/{artifactId}:{version}. CONTAINER_TEST_STORAGE=DIR uses (and
# keeps) DIR instead, e.g. to inspect the images afterwards.
# usage: packaging/container-test.sh [AIT-DIR ...]   exit status 0 when every tested AIT passes
#   no AIT-DIR: every aits/*/ with deploy/test/inventory/ (plus the ait-templates IT's generated
#   AITs when present); AIT-DIR: only those, e.g. aits/eval_llm_mlflow_answer_accuracy (a dir under
#   aits/ must be a module of the root pom; any other dir is built on its own, offline).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
state=${TESTBED_HOME:-$repo/.testbed}/container-test
py=${TESTBED_PYTHON:-python3}
if [ -n "${CONTAINER_TEST_STORAGE:-}" ]; then
  storage=$CONTAINER_TEST_STORAGE
  mkdir -p "$storage"
else
  storage=$(mktemp -d "${TMPDIR:-/tmp}/container-test.XXXXXX")
  trap 'rm -rf "$storage"' EXIT
fi
podman=(podman --root "$storage/root" --runroot "$storage/run" --tmpdir "$storage/tmp"
  --runtime runc --storage-driver vfs)
# runc, not crun, and lowered limits: crun cannot set rlimits or use hybrid cgroups here.
run_opts=(--rm --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
say() { printf '\n== %s\n' "$*"; }
t0=$SECONDS

missing=()
for tool in podman runc buildah; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} (Debian)"
  sudo=()
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && sudo=(sudo)
  apt_install=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q
    --no-install-recommends "${missing[@]}")
  "${apt_install[@]}" >/dev/null || { "${sudo[@]}" apt-get update -q >/dev/null \
    && "${apt_install[@]}" >/dev/null; } || { echo "container-test: cannot install"\
    "${missing[*]}; install them (Debian: apt-get install ${missing[*]}) and rerun" >&2; exit 1; }
fi

modules=() generated=()
if [ $# -gt 0 ]; then
  for arg in "$@"; do
    dir=$(cd "$arg" 2>/dev/null && pwd) || { echo "container-test: AIT directory '$arg' does not"\
      "exist; pass an AIT module directory such as aits/eval_llm_mlflow_answer_accuracy" >&2; exit 1; }
    [ -d "$dir/deploy/test/inventory" ] && [ -f "$dir/pom.xml" ] || { echo "container-test: '$arg'"\
      "has no pom.xml or no deploy/test/inventory/; add the AIT's test inputs there" >&2; exit 1; }
    if [ "$(dirname "$dir")" = "$repo/aits" ]; then modules+=("aits/$(basename "$dir")")
    else generated+=("$dir"); fi
  done
else
  for dir in "$repo"/aits/*/; do
    [ -d "$dir/deploy/test/inventory" ] && modules+=("aits/$(basename "$dir")")
  done
  [ ${#modules[@]} -gt 0 ] || { echo "container-test: no AIT has deploy/test/inventory" >&2; exit 1; }
  # The project ait-templates' ArchetypeGenerateIT generated, when present: its image and package
  # come from the archetype's configuration, so they are tested the same way (built on its own,
  # its parent and ait-sdk being in the local repository after that IT).
  for dir in "$repo"/ait-templates/target/it/aits/*/; do
    [ -d "$dir/deploy/test/inventory" ] && [ -f "$dir/pom.xml" ] && generated+=("${dir%/}")
  done
fi

mkdir -p "$state"
base=$state/ait-test-base.tar
if [ ! -s "$base" ] || [ "$repo/packaging/base/build-test-base.sh" -nt "$base" ]; then
  say "building the test base image"
  s=$SECONDS
  bash "$repo/packaging/base/build-test-base.sh" "$base"
  echo "container-test: base image built in $((SECONDS - s)) s"
fi

say "building images and packages: ${modules[*]} ${generated[*]}"
s=$SECONDS
if [ ${#modules[@]} -gt 0 ]; then
  (cd "$repo" && mvn -B -q -ntp -Dstyle.color=never -pl "$(IFS=,; echo "${modules[*]}")" -am package \
    -DskipTests -Dait-image -Djib.from.image="tar://$base")
fi
for dir in ${generated[@]+"${generated[@]}"}; do
  (cd "$dir" && mvn -B -q -ntp -Dstyle.color=never -o package -DskipTests -Dait-image -Djib.from.image="tar://$base")
done
echo "container-test: mvn package + jib:buildTar took $((SECONDS - s)) s"

# expect_rejected ZIP MESSAGE CLASSPATH: the package check fails on ZIP and says MESSAGE.
expect_rejected() {
  local out
  if out=$("$py" "$repo/packaging/check_ait_package.py" "$1" --classpath "$3" 2>&1); then
    echo "container-test: the package check accepted $1; it must fail with: $2" >&2; return 1
  fi
  grep -qF "$2" <<< "$out" || { echo "container-test: expected '$2' in: $out" >&2; return 1; }
  echo "package check rejects as expected: $2"
}

failed=0
for module in ${modules[@]+"${modules[@]}"} ${generated[@]+"${generated[@]}"}; do
  case $module in /*) m=$module ;; *) m=$repo/$module ;; esac
  name=$(basename "$module")
  say "$name"
  image_tar=$m/target/jib-image.tar
  zip=$m/target/$name-ait.zip
  cp_sdk="$m/target/lib/*"
  echo "image tar: $(du -h "$image_tar" | cut -f1), package: $(stat -c %s "$zip") bytes"
  "$py" "$repo/packaging/check_ait_package.py" "$zip" --classpath "$cp_sdk" || failed=1
  # The check must also reject what Qunomon rejects: a missing placeholder, an oversized zip.
  bad=$state/bad-$name.zip
  cp "$zip" "$bad" && zip -q -d "$bad" repository/my_ait.py
  expect_rejected "$bad" "repository/my_ait.py missing (Qunomon AL1400" "$cp_sdk" || failed=1
  cp "$zip" "$bad" && head -c 6000000 /dev/urandom > "$state/filler.bin"
  (cd "$state" && zip -q -0 "$bad" filler.bin) && rm -f "$state/filler.bin"
  expect_rejected "$bad" "over Qunomon's 5 MB limit" "$cp_sdk" || failed=1
  rm -f "$bad"

  work=$state/$name
  rm -rf "$work"
  mkdir -p "$work/mnt/ip/job_args/1/1" "$work/mnt/ip/job_result/1/1"
  mounts=(-v "$work/mnt:/usr/local/qai/mnt")
  inv_json=() local_args=()
  for inv in "$m"/deploy/test/inventory/*/; do
    inv_name=$(basename "$inv")
    # LIMIT: one file per inventory; the {name}/{index}/ layout of several files is not exercised.
    file=$(find "$inv" -maxdepth 1 -type f | sort | head -n 1)
    mounts+=(-v "$inv:/usr/local/qai/inventory/$inv_name:ro")
    inv_json+=("{\"Name\": \"$inv_name\", \"Value\": \"/usr/local/qai/inventory/$inv_name/$(basename "$file")\"}")
    local_args+=(--inventory "$inv_name=$file")
  done
  params_json=()
  if [ -f "$m/deploy/test/params" ]; then
    while IFS='=' read -r k v; do
      [[ -z "$k" || "$k" == \#* ]] && continue
      params_json+=("{\"Name\": \"$k\", \"Value\": \"$v\"}")
      local_args+=(--param "$k=$v")
    done < "$m/deploy/test/params"
  fi
  { printf '{"testbed_mount_volume_path": "/usr/local/qai/mnt", "run_id": 1, "job_id": 1,\n'
    printf ' "Inventories": [%s],\n' "$(IFS=,; echo "${inv_json[*]}")"
    printf ' "MethodParams": [%s]}\n' "$(IFS=,; echo "${params_json[*]}")"
  } > "$work/mnt/ip/job_args/1/1/ait.input.json"

  image=$("${podman[@]}" load -q -i "$image_tar" | sed -n 's/^Loaded image[s]*: //p' | head -n 1)
  s=$SECONDS
  "${podman[@]}" run "${run_opts[@]}" "${mounts[@]}" "$image" /usr/local/qai/mnt/ip/job_args/1/1 \
    > "$work/container.stdout" 2> "$work/container.stderr" || true
  echo "podman run of $image: $((SECONDS - s)) s; stderr: $(tail -n 1 "$work/container.stderr")"

  java -cp "$cp_sdk" io.llmtestbed.ait.sdk.runner.LocalRunner --jar "$m/target/$name.jar" \
    "${local_args[@]}" --root "$work/local" --job 1 --run 1 > "$work/local.stdout" 2>&1 || true
  "$py" "$repo/packaging/compare_outputs.py" "$work/mnt" 1 1 \
    "$work/local/mnt/ip/job_result/1/1/ait.output.json" "$m/target/ait.manifest.json" || failed=1
  # The comparison must notice a measure that differs: tamper with a copy of the local output.
  tampered=$work/local/mnt/ip/job_result/1/1/ait.output.tampered.json
  "$py" -c 'import json,sys; o=json.load(open(sys.argv[1])); m=o["Result"]["Measures"][0]
m["Value"]=m["Value"]+"1"; json.dump(o,open(sys.argv[2],"w"))' \
    "$work/local/mnt/ip/job_result/1/1/ait.output.json" "$tampered"
  if "$py" "$repo/packaging/compare_outputs.py" "$work/mnt" 1 1 "$tampered" \
      "$m/target/ait.manifest.json" 2> "$work/tampered.err"; then
    echo "container-test: compare_outputs accepted a changed measure" >&2; failed=1
  elif ! grep -q "^compare_outputs: measure .*local runner" "$work/tampered.err"; then
    echo "container-test: compare_outputs failed without naming the measure:" >&2
    cat "$work/tampered.err" >&2; failed=1
  else
    echo "comparison rejects as expected: $(head -n 1 "$work/tampered.err")"
  fi
  "${podman[@]}" rmi -f "$image" >/dev/null 2>&1 || true
done

echo
total=$(( ${#modules[@]} + ${#generated[@]} ))
echo "container-test: $([ $failed -eq 0 ] && echo passed || echo FAILED) for $total AIT(s) in $((SECONDS - t0)) s"
exit $failed
