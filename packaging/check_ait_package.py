"""Checks an AITHub/Qunomon AIT package (zip) the way Qunomon's local install does, and more.

Qunomon (backend usecases/ait_local.py, post_ait_local_list) accepts a zip of at most 5 MB
holding `dockerfile` (or `Dockerfile`) at the root and `repository/ait.manifest.json`,
`repository/my_ait.py` and `repository/requirements.txt`; it then checks the manifest. Here the
manifest is checked by the SDK's ManifestValidator (the same rules as Qunomon's check and DTO),
and the dockerfile of a Java AIT package is checked statically, since no image can be built
from it here: every COPY source is in the zip, WORKDIR is /usr/local/qai, the entry point jar
is shipped, and every jar on its Class-Path is shipped or listed for download.

usage: python3 check_ait_package.py PACKAGE.zip --classpath SDK_CLASSPATH
exit status 0 when every check passes; each failure is one line on stderr.
"""

import argparse
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

LIMIT_BYTES = 5 * 1024 * 1024
REQUIRED = ("repository/ait.manifest.json", "repository/my_ait.py", "repository/requirements.txt")
WORKDIR = "/usr/local/qai"


def check(package: Path, classpath: str) -> list[str]:
    """Returns the failures (empty when the package passes)."""
    failures = []
    size = package.stat().st_size
    if size > LIMIT_BYTES:
        failures.append(f"{package}: size {size} bytes is over Qunomon's 5 MB limit "
                        f"({LIMIT_BYTES} bytes); ship fewer jars and let the dockerfile fetch them")
    with zipfile.ZipFile(package) as z:
        names = set(z.namelist())
        dockerfile = next((n for n in ("dockerfile", "Dockerfile") if n in names), None)
        if dockerfile is None:
            failures.append(f"{package}: no dockerfile or Dockerfile at the zip root (Qunomon AL1400)"
                            "; put deploy/container/dockerfile in the package")
        for required in REQUIRED:
            if required not in names:
                failures.append(f"{package}: {required} missing (Qunomon AL1400 Invalid AIT); "
                                "the local install demands it even for a Java AIT")
        if "repository/ait.manifest.json" in names:
            failures += check_manifest(z.read("repository/ait.manifest.json"), classpath)
        if dockerfile is not None:
            failures += check_dockerfile(z.read(dockerfile).decode("utf-8"), z, names)
    return failures


def check_manifest(manifest: bytes, classpath: str) -> list[str]:
    try:
        json.loads(manifest.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        return [f"repository/ait.manifest.json: not UTF-8 JSON ({e})"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "ait.manifest.json")
        path.write_bytes(manifest)
        done = subprocess.run(["java", "-cp", classpath,
                               "io.llmtestbed.ait.sdk.manifest.ManifestValidator", str(path)],
                              capture_output=True, text=True, check=False)
    if done.returncode != 0:
        report = (done.stdout + done.stderr).strip().replace(str(path), "ait.manifest.json")
        return [f"repository/ait.manifest.json: ManifestValidator exit {done.returncode}: {report}"]
    return []


def check_dockerfile(text: str, z: zipfile.ZipFile, names: set[str]) -> list[str]:
    failures = []
    lines = [ln.strip() for ln in re.sub(r"\\\n", " ", text).splitlines()]
    instructions = [ln for ln in lines if ln and not ln.startswith("#")]
    if not any(ln.split()[0].upper() == "FROM" for ln in instructions):
        failures.append("dockerfile: no FROM instruction")
    workdirs = [ln.split(None, 1)[1] for ln in instructions if ln.split()[0].upper() == "WORKDIR"]
    if not workdirs or workdirs[-1] != WORKDIR:
        failures.append(f"dockerfile: last WORKDIR is {workdirs[-1] if workdirs else None}, "
                        f"the platform expects {WORKDIR}")
    for ln in instructions:
        parts = ln.split()
        if parts[0].upper() not in ("COPY", "ADD") or any(p.startswith("--from") for p in parts):
            continue
        for src in parts[1:-1]:
            if src.startswith("--"):
                continue
            if not any(n == src or n.startswith(src.rstrip("/") + "/") for n in names):
                failures.append(f"dockerfile: {ln!r} copies {src}, which is not in the zip")
    entry = [ln for ln in instructions if ln.split()[0].upper() == "ENTRYPOINT"]
    if not entry:
        return failures + ["dockerfile: no ENTRYPOINT; the platform passes one argument to it"]
    argv = json.loads(entry[-1].split(None, 1)[1])
    jar = next((a for a in argv if a.endswith(".jar")), None)
    if jar is None or not jar.startswith(WORKDIR + "/"):
        return failures + [f"dockerfile: ENTRYPOINT {argv} runs no jar under {WORKDIR}"]
    shipped = "repository/" + jar[len(WORKDIR) + 1:]
    if shipped not in names:
        return failures + [f"dockerfile: ENTRYPOINT jar {jar} is not shipped as {shipped}"]
    failures += check_class_path(z, shipped, names)
    return failures


def check_class_path(z: zipfile.ZipFile, jar: str, names: set[str]) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(z.read(jar))) as inner:
        manifest = inner.read("META-INF/MANIFEST.MF").decode("utf-8")
    unfolded = re.sub(r"\r?\n ", "", manifest)
    class_path = next((ln.split(":", 1)[1].split() for ln in unfolded.splitlines()
                       if ln.startswith("Class-Path:")), [])
    listed = set()
    if "repository/ait-dependencies.txt" in names:
        for ln in z.read("repository/ait-dependencies.txt").decode("utf-8").splitlines():
            coords = ln.split()[0].split(":") if ln.startswith("   ") else []
            if len(coords) in (5, 6) and coords[2] == "jar":
                version = coords[4] if len(coords) == 6 else coords[3]
                classifier = "-" + coords[3] if len(coords) == 6 else ""
                listed.add(f"lib/{coords[1]}-{version}{classifier}.jar")
    missing = [e for e in class_path if e not in listed and "repository/" + e not in names]
    return [f"{jar}: Class-Path entry {e} is neither shipped in repository/ nor listed in "
            "repository/ait-dependencies.txt" for e in missing]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path)
    parser.add_argument("--classpath", required=True, help="classpath holding ait-sdk and its deps")
    args = parser.parse_args()
    failures = check(args.package, args.classpath)
    for f in failures:
        print(f"check_ait_package: {f}", file=sys.stderr)
    if not failures:
        with zipfile.ZipFile(args.package) as z:
            count = len(z.namelist())
        print(f"check_ait_package: {args.package.name} OK: {args.package.stat().st_size} bytes "
              f"(limit {LIMIT_BYTES}), {count} entries, manifest valid, dockerfile consistent")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
