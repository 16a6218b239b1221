#!/usr/bin/env bash
# Promotion policy benchmark: evaluation (dry run) and apply of a "0 critical, 0 major" policy over N stored,
# scanned images, as after a database import (docs/benchmarks.md, "Policies").
# usage: bench/policy.sh [IMAGES=10000] [REPOSITORIES=100]   (heap capped at 256 MiB)
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
  "$JAVA_HOME/bin/java" -Xmx256m -cp "$BENCH_CP" io.portcullis.bench.PolicyBench \
  "$work" "${1:-10000}" "${2:-100}"
