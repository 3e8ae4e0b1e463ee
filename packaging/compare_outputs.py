"""Compares the ait.output.json of an AIT run in its container with a LocalRunner run.

Checks: both have a Result and no Error; AIT Name/Version match the manifest; the Measures are
the same names and the same values in the same order; every manifest measure of the run is
present; Resources and Downloads have the same names and file names, every Path lies under
/usr/local/qai/mnt/ip/job_result/{job}/{run}/ (the platform strips that prefix), and every file
exists, is not empty and is byte-identical to the local run's; PNG charts are only checked to
be PNG (anti-aliasing may differ between JREs) and ait.log not at all (timestamps, paths).

usage: python3 compare_outputs.py CONTAINER_MNT JOB RUN LOCAL_OUTPUT_JSON MANIFEST_JSON
CONTAINER_MNT is the host directory mounted at /usr/local/qai/mnt.
"""

import json
import sys
from pathlib import Path

MOUNT = "/usr/local/qai/mnt"


def entries(out: dict, key: str, value: str) -> list[tuple[str, str]]:
    return [(e["Name"], e[value]) for e in out.get("Result", {}).get(key, [])]


# Provenance records times, paths and the machine; these parts must still be equal.
PROVENANCE_KEYS = ("ait", "inputs_digest", "parameters", "measures", "not_applicable")


def compare_provenance(container: Path, local: Path) -> list[str]:
    got = json.loads(container.read_text(encoding="utf-8"))
    want = json.loads(local.read_text(encoding="utf-8"))
    return [f"provenance.json {k}: container {got.get(k)!r}, local runner {want.get(k)!r}"
            for k in PROVENANCE_KEYS if got.get(k) != want.get(k)]


def compare(mnt: Path, job: str, run: str, local_file: Path, manifest_file: Path) -> list[str]:
    container_file = mnt / "ip" / "job_result" / job / run / "ait.output.json"
    if not container_file.exists():
        return [f"{container_file}: the container wrote no ait.output.json"]
    got = json.loads(container_file.read_text(encoding="utf-8"))
    want = json.loads(local_file.read_text(encoding="utf-8"))
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    failures = []
    for name, out in (("container", got), ("local", want)):
        if "Error" in out["ExecuteInfo"] or "Result" not in out:
            failures.append(f"{name} run failed: {out['ExecuteInfo'].get('Error')}")
        if out["AIT"] != {"Name": manifest["name"], "Version": manifest["version"]}:
            failures.append(f"{name} AIT {out['AIT']} is not the manifest's "
                            f"{manifest['name']} {manifest['version']}")
        if set(out["ExecuteInfo"].get("MachineInfo", {})) != {
                "cpu_brand", "cpu_arch", "cpu_clocks", "cpu_cores", "memory_capacity"}:
            failures.append(f"{name} MachineInfo keys: {out['ExecuteInfo'].get('MachineInfo')}")
    if failures:
        return failures
    if entries(got, "Measures", "Value") != entries(want, "Measures", "Value"):
        g, w = dict(entries(got, "Measures", "Value")), dict(entries(want, "Measures", "Value"))
        for n in sorted(set(g) | set(w)):
            if g.get(n) != w.get(n):
                failures.append(f"measure {n}: container {g.get(n)!r}, local runner {w.get(n)!r}")
    declared = {m["name"] for m in manifest["report"]["measures"]}
    undeclared = {n for n, _ in entries(got, "Measures", "Value")} - declared
    if undeclared:
        failures.append(f"measures not in the manifest: {sorted(undeclared)}")
    prefix = f"{MOUNT}/ip/job_result/{job}/{run}/"
    local_root = local_file.parent
    for key in ("Resources", "Downloads"):
        g, w = entries(got, key, "Path"), entries(want, key, "Path")
        if [(n, Path(p).name) for n, p in g] != [(n, Path(p).name) for n, p in w]:
            failures.append(f"{key}: container {g}, local runner {w}")
        for name, path in g:
            if not path.startswith(prefix):
                failures.append(f"{key} {name}: path {path} does not start with {prefix}")
                continue
            rel = path[len(prefix):]
            host = mnt / "ip" / "job_result" / job / run / rel
            # An AIT that made no outbound call leaves an empty egress audit: that is valid.
            may_be_empty = host.name == "egress_audit.jsonl"
            if not host.is_file() or (host.stat().st_size == 0 and not may_be_empty):
                failures.append(f"{key} {name}: {path} missing or empty on the mount")
            elif host.suffix == ".png" and not host.read_bytes().startswith(b"\x89PNG"):
                failures.append(f"{key} {name}: {rel} is not a PNG image")
            elif host.name == "provenance.json":
                failures += compare_provenance(host, local_root / rel)
            elif host.name != "ait.log" and host.suffix != ".png":
                twin = local_root / rel
                if twin.read_bytes() != host.read_bytes():
                    failures.append(f"{key} {name}: {rel} differs from the local runner's")
    return failures


def main() -> int:
    mnt, job, run, local, manifest = sys.argv[1:6]
    failures = compare(Path(mnt), job, run, Path(local), Path(manifest))
    for f in failures:
        print(f"compare_outputs: {f}", file=sys.stderr)
    if failures:
        return 1
    out = json.loads((Path(mnt) / "ip/job_result" / job / run / "ait.output.json").read_text())
    r = out["Result"]
    print(f"compare_outputs: OK: {len(r.get('Measures', []))} measures equal to the local "
          f"runner's, {len(r.get('Resources', []))} resources, {len(r.get('Downloads', []))} "
          "downloads present under the platform's paths")
    return 0


if __name__ == "__main__":
    sys.exit(main())
