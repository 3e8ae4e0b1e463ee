#!/usr/bin/env bash
# Builds the local test base image for AIT containers: a jlink'ed Java 17 runtime, the shared
# libraries it needs (found with ldd), fontconfig and two fonts for chart PNGs, on scratch.
# Output: a docker-archive tar usable as a Jib base (`tar:///abs/path.tar`) and by podman.
# Production images use a real JRE base (see the ait.image.base property in the root pom);
# this one exists because no container registry is reachable here.
#
# usage: build-test-base.sh OUT.tar        (needs: jlink, ldd, buildah; run as root)
set -euo pipefail

out=${1:?usage: build-test-base.sh OUT.tar}
out=$(realpath -m "$out")
work=$(mktemp -d "${TMPDIR:-/tmp}/ait-base.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
# LIMIT: x86_64 Debian-layout hosts only; the libraries and fonts are the host's, not pinned.
arch_dir=/usr/lib/x86_64-linux-gnu
[ "$(uname -m)" = x86_64 ] || { echo "build-test-base: only x86_64 is supported, got $(uname -m)" >&2; exit 2; }
for tool in jlink ldd buildah; do
  command -v "$tool" >/dev/null || { echo "build-test-base: $tool not found; install it (apt-get install buildah, a JDK 17)" >&2; exit 2; }
done

# java.desktop: JFreeChart and ImageIO (charts); the rest: what logback, jackson, the MLflow
# client and the JDK HTTP client load.
jlink --add-modules java.base,java.desktop,java.logging,java.management,java.naming,java.net.http,java.sql,java.xml,java.scripting,jdk.crypto.ec,jdk.unsupported,jdk.zipfs \
  --compress=2 --strip-debug --no-header-files --no-man-pages --output "$root/opt/java"

mkdir -p "$root/usr/lib64" "$root$arch_dir" "$root/tmp" "$root/etc" "$root/usr/share/fonts"
ln -s usr/lib "$root/lib"
ln -s usr/lib64 "$root/lib64"
chmod 1777 "$root/tmp"

# Every library the runtime's binaries and .so files link, plus what AWT dlopens for fonts.
libs=$( { find "$root/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} + 2>/dev/null
          ldd "$arch_dir/libfontconfig.so.1"
          ls "$arch_dir"/libnss_files.so.* "$arch_dir"/libnss_dns.so.* "$arch_dir"/libresolv.so.* "$arch_dir/libfontconfig.so.1"
          # libjllama.so (GGUF backend, extracted at run time) links these two.
          ls "$arch_dir/libgomp.so.1" "$arch_dir/libstdc++.so.6"
        } | grep -o '/[^ ]*\.so[^ ]*' | grep -v "^$root" | sort -u)
for lib in $libs; do
  real=$(readlink -f "$lib")
  dest="$root$arch_dir/$(basename "$lib")"
  [ -e "$dest" ] || cp -L "$real" "$dest"
done
cp -L /lib64/ld-linux-x86-64.so.2 "$root/usr/lib64/ld-linux-x86-64.so.2"

# Fonts for charts (DejaVu for Latin, IPA Gothic for Japanese labels) and fontconfig's config.
cp -r /etc/fonts "$root/etc/fonts"
for f in /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf \
         /usr/share/fonts/opentype/ipafont-gothic/ipag.ttf; do
  [ -e "$f" ] && cp -L "$f" "$root/usr/share/fonts/"
done
printf 'root:x:0:0:root:/root:/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"
mkdir -p "$root/root"

export STORAGE_DRIVER=vfs
ctr=$(buildah --storage-driver vfs from scratch)
trap 'buildah --storage-driver vfs rm "$ctr" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
buildah --storage-driver vfs copy "$ctr" "$root/" / >/dev/null
buildah --storage-driver vfs config \
  --env JAVA_HOME=/opt/java --env PATH=/opt/java/bin:/usr/bin:/bin --env LANG=C.UTF-8 \
  --label org.opencontainers.image.description="AIT test base: jlink Java 17 on scratch" "$ctr"
img=$(buildah --storage-driver vfs commit --quiet --rm "$ctr" localhost/ait-test-base:17)
mkdir -p "$(dirname "$out")"; rm -f "$out"
buildah --storage-driver vfs push "$img" "docker-archive:$out:localhost/ait-test-base:17" >/dev/null 2>&1
# The tar is the product; drop the stored copy so that rebuilds do not pile up vfs layers.
buildah --storage-driver vfs rmi "$img" >/dev/null 2>&1 || true
echo "build-test-base: wrote $out ($(du -h "$out" | cut -f1))"
