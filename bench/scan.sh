#!/usr/bin/env bash
# Scanner benchmark: cold/warm scan time per fixture image, peak memory of the whole run, and the time
# to re-match N stored images from stored inventories after a database import.
# usage: bench/scan.sh [IMAGES=10000]      (heap capped at 256 MiB to show memory stays bounded)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/bin/java-home.sh"
cd "$root"
./mvnw -q -B -DskipTests test-compile >&2
cp=$(./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=test)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/time -f "peak RSS %M KiB, %e s wall, %U s user" \
  "$JAVA_HOME/bin/java" -Xmx256m -cp "target/classes:target/test-classes:$cp" io.portcullis.bench.ScanBench \
  "$root/../shared" "$work" "${1:-10000}"
