#!/usr/bin/env bash
# Scanner benchmark: cold/warm scan time per fixture image, peak memory of the whole run, and the time
# to re-match N stored images from stored inventories after a database import.
# usage: bench/scan.sh [IMAGES=10000]      (heap capped at 256 MiB to show memory stays bounded)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO_ROOT=$root
. "$root/bin/java-home.sh"
. "$root/bench/lib.sh"
cd "$root"
bench_classpath
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/time -f "peak RSS %M KiB, %e s wall, %U s user" \
  "$JAVA_HOME/bin/java" -Xmx256m -cp "$BENCH_CP" io.portcullis.bench.ScanBench \
  "$root/../shared" "$work" "${1:-10000}"
