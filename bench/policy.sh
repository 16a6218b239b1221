#!/usr/bin/env bash
# Promotion policy benchmark: evaluation (dry run) and apply of a "0 critical, 0 major" policy over N stored,
# scanned images, as after a database import (docs/benchmarks.md, "Policies").
# usage: bench/policy.sh [IMAGES=10000] [REPOSITORIES=100]   (heap capped at 256 MiB)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/bin/java-home.sh"
cd "$root"
./mvnw -q -B -DskipTests test-compile >&2
cp=$(./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=test)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/time -f "peak RSS %M KiB, %e s wall, %U s user" \
  "$JAVA_HOME/bin/java" -Xmx256m -cp "target/classes:target/test-classes:$cp" io.portcullis.bench.PolicyBench \
  "$work" "${1:-10000}" "${2:-100}"
