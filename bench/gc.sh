#!/usr/bin/env bash
# Garbage collection benchmark (docs/benchmarks.md, "Garbage collection").
#
# usage: bench/gc.sh
#
# io.portcullis.bench.GcBench in one JVM (-Xmx1g): synthetic metadata (MANIFESTS manifests over REPOSITORIES
# repositories, each with LAYERS + 1 blobs of its own, a tenth untagged), a dry run and a run with their wall
# time and peak heap, then pushes/s through the registry's services alone (PUSH_SECONDS) and during the run.
# SQLite; also PostgreSQL when BENCH_POSTGRES_URL is set (that database's public schema is dropped and recreated).
#
# env: MANIFESTS [100000] REPOSITORIES [1000] LAYERS [9] PUSH_SECONDS [10] BENCH_ROOT [/tmp/portcullis-bench-gc]
#      BENCH_POSTGRES_URL
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
. "$ROOT/bin/java-home.sh"
cd "$ROOT"
BENCH_ROOT=${BENCH_ROOT:-/tmp/portcullis-bench-gc}
REPO_ROOT=$ROOT
. "$ROOT/bench/lib.sh"
bench_classpath
CP=$BENCH_CP
run() {
  rm -rf "$BENCH_ROOT/$1"
  "$JAVA_HOME/bin/java" -Xmx1g -cp "$CP" io.portcullis.bench.GcBench "$BENCH_ROOT/$1"
}
run sqlite
if [ -n "${BENCH_POSTGRES_URL:-}" ]; then
  BENCH_POSTGRES_URL=$BENCH_POSTGRES_URL run postgres
fi
