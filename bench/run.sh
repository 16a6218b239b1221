#!/usr/bin/env bash
# Benchmarks Portcullis side by side with the CNCF distribution registry (the reference).
#
# usage: bench/run.sh            full run (1 GiB blobs, 50 x 2 MiB image, 15 s wrk/hey, RUNS=3)
#        QUICK=1 bench/run.sh    smoke run of the script itself (small sizes, RUNS=1, 3 s wrk/hey)
#
# Starts both registries on fresh data dirs under $BENCH_ROOT, runs the shared
# ../shared/bench/bench-registry.sh against each one, interleaved (every round runs each step on
# both servers, alternating which goes first, so load from other work on the machine hits both
# alike), then writes the median tables (../shared/bench/summarize.py) and the Portcullis /
# distribution ratios against the targets (bench/compare.py) to $RUN_DIR/summary.md.
# Both servers are stopped on exit, whatever happens.
#
# env (defaults in brackets):
#   RUNS [3; QUICK 1]  rounds; each step runs once per server per round, the tables show medians
#   STEPS ["push pull get put wrk"]  pull and get need push (they read what push made)
#   BIG_BYTES [1073741824; QUICK 64 MiB]  MULTI_LAYERS [50; QUICK 5]  MULTI_BYTES [2097152; QUICK 1 MiB]
#   THREADS [2] CONNS [64] DURATION [15s; QUICK 3s]   wrk/hey settings
#   WARMUP [1; QUICK 0]  one untimed small pass over every step first (JIT warm-up), results discarded
#   PROFILE [0]  1 = a JFR recording (settings=profile) of Portcullis per step, summarised by
#                bench/jfr-summary.py into $RUN_DIR/profile-<round>-<step>.txt; adds overhead, so
#                don't quote a PROFILE run's figures
#   DIST_PORT [5001] PC_PORT [5002] REPO [bench]
#   BENCH_ROOT [/tmp/portcullis-bench]  data dirs, scratch, payload cache and results/<stamp>/
#   PORTCULLIS_JAVA_OPTS [-XX:+UseZGC -Xmx2g]  JVM options of the Portcullis server
#   SHARED [<repo>/../shared]  where the shared bench scripts live
#   KEEP_DATA [0]  1 = keep both registries' storage after the run (deleted by default: many GiB)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$HERE/.." && pwd)
SHARED=${SHARED:-$(cd "$REPO_ROOT/../shared" && pwd)}

QUICK=${QUICK:-0}
if [[ $QUICK == 1 ]]; then
  : "${RUNS:=1}" "${BIG_BYTES:=67108864}" "${MULTI_LAYERS:=5}" "${MULTI_BYTES:=1048576}" "${DURATION:=3s}" "${WARMUP:=0}"
fi
export RUNS=${RUNS:-3} BIG_BYTES=${BIG_BYTES:-1073741824} MULTI_LAYERS=${MULTI_LAYERS:-50} MULTI_BYTES=${MULTI_BYTES:-2097152}
export THREADS=${THREADS:-2} CONNS=${CONNS:-64} DURATION=${DURATION:-15s}
STEPS=${STEPS:-push pull get put wrk}; WARMUP=${WARMUP:-1}; PROFILE=${PROFILE:-0}
DIST_PORT=${DIST_PORT:-5001}; PC_PORT=${PC_PORT:-5002}; REPO=${REPO:-bench}
export BENCH_ROOT=${BENCH_ROOT:-/tmp/portcullis-bench}
export PAYLOAD_CACHE=$BENCH_ROOT/data/.payload-cache
[[ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]] && export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}

for s in $STEPS; do [[ $s =~ ^(push|pull|get|put|wrk)$ ]] || { echo "unknown step '$s' in STEPS" >&2; exit 2; }; done
if [[ " $STEPS " =~ \ (pull|get)\  && " $STEPS " != *" push "* ]]; then
  echo "STEPS: pull and get measure what push uploaded; add push" >&2; exit 2
fi

# --- tools ---------------------------------------------------------------------------------
need=()
for t in skopeo:skopeo wrk:wrk hey:hey pigz:pigz ss:iproute2 openssl:openssl python3:python3 curl:curl; do
  command -v "${t%%:*}" > /dev/null || need+=("${t#*:}")
done
[[ -x /usr/bin/time ]] || need+=(time)
if ((${#need[@]})); then
  echo "installing ${need[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" > /dev/null
fi

# --- build -----------------------------------------------------------------------------------
. "$HERE/lib.sh"
build_if_stale

# --- servers ---------------------------------------------------------------------------------
new_run_dir
DIST_ROOT=$BENCH_ROOT/distribution; PC_ROOT=$BENCH_ROOT/portcullis
DIST_URL=http://127.0.0.1:$DIST_PORT; PC_URL=http://127.0.0.1:$PC_PORT
CHILD=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  # the bench child runs in its own session (setsid): end its whole process group (curl, wrk, skopeo)
  if [[ -n $CHILD ]] && kill -0 "$CHILD" 2> /dev/null; then kill -TERM -- "-$CHILD" 2> /dev/null || true; wait "$CHILD" 2> /dev/null || true; fi
  "$SHARED/scripts/stop-pidfile.sh" "$PC_ROOT/pid" "$DIST_ROOT/pid"
  rm -rf "$BENCH_ROOT/work"
  # the stored blobs are many GiB after a full run; logs and results stay
  [[ ${KEEP_DATA:-0} == 1 ]] || rm -rf "$DIST_ROOT/storage" "$PC_ROOT/data"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ROOT=$DIST_ROOT PORT=$DIST_PORT "$SHARED/scripts/start-distribution.sh" > /dev/null

if ss -ltnH "sport = :$PC_PORT" | grep -q .; then echo "port $PC_PORT already in use" >&2; exit 1; fi
rm -rf "$PC_ROOT"; mkdir -p "$PC_ROOT"
PC_PASS=bench-$(openssl rand -hex 12)
JAVA_OPTS=${PORTCULLIS_JAVA_OPTS:--XX:+UseZGC -Xmx2g}
PORTCULLIS_JAVA_OPTS=$JAVA_OPTS PORTCULLIS_ADMIN_PASSWORD=$PC_PASS PORTCULLIS_AUTH_TOKEN_TTL=PT1H \
  setsid "$REPO_ROOT/bin/portcullis" serve --listen "127.0.0.1:$PC_PORT" --data-dir "$PC_ROOT/data" \
  > "$PC_ROOT/portcullis.log" 2>&1 < /dev/null &
echo $! > "$PC_ROOT/pid"
for _ in $(seq 300); do
  curl -sf -o /dev/null "$PC_URL/healthz" && break
  kill -0 "$(cat "$PC_ROOT/pid")" 2> /dev/null || { echo "Portcullis died:" >&2; cat "$PC_ROOT/portcullis.log" >&2; exit 1; }
  sleep 0.2
done
curl -sf -o /dev/null "$PC_URL/healthz" || { echo "Portcullis not healthy after 60 s" >&2; exit 1; }

# A token for every repository bench-registry.sh touches; fetched per invocation so it outlives it.
pc_token() {
  local scopes="" r
  for r in small big multi put; do scopes+="&scope=repository:$REPO/$r:pull,push"; done
  curl -sf -u "admin:$PC_PASS" "$PC_URL/auth/token?service=portcullis$scopes" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}

# bench SERVER STEPS RESULTS [VAR=value...] : one bench-registry.sh invocation (RUNS=1) against SERVER
bench() {
  local server=$1 steps=$2 results=$3; shift 3
  local url pid
  local -a env=(LABEL="$server" RUNS=1 STEPS="$steps" RESULTS="$results" KEEP_WORK=1)
  if [[ $server == portcullis ]]; then
    url=$PC_URL; pid=$(cat "$PC_ROOT/pid")
    env+=(AUTH_HEADER="Authorization: Bearer $(pc_token)"
      SKOPEO_PUSH_OPTS="--dest-creds admin:$PC_PASS" SKOPEO_PULL_OPTS="--src-creds admin:$PC_PASS")
  else
    url=$DIST_URL; pid=$(cat "$DIST_ROOT/pid")
  fi
  env "${env[@]}" SRV_PID="$pid" "$@" setsid "$SHARED/bench/bench-registry.sh" "$url" "$REPO" &
  CHILD=$!
  wait "$CHILD"
  CHILD=""
}

jfr() { # START|STOP NAME : per-step JFR recording of Portcullis (PROFILE=1)
  [[ $PROFILE == 1 ]] || return 0
  local pid; pid=$(cat "$PC_ROOT/pid")
  if [[ $1 == START ]]; then
    jcmd "$pid" JFR.start name=bench settings=profile > /dev/null
  else
    jcmd "$pid" JFR.stop name=bench filename="$RUN_DIR/$2.jfr" > /dev/null
    { python3 "$HERE/jfr-summary.py" "$RUN_DIR/$2.jfr"
      "$JAVA_HOME/bin/jfr" view --width 220 allocation-by-site "$RUN_DIR/$2.jfr"; } > "$RUN_DIR/profile-$2.txt" 2>&1 || true
  fi
}

{
  echo "started $(date -Is) on $(nproc) cores; load: $(cat /proc/loadavg)"
  echo "sizes: BIG_BYTES=$BIG_BYTES MULTI=${MULTI_LAYERS}x$MULTI_BYTES; wrk/hey: -t$THREADS -c$CONNS -d$DURATION; RUNS=$RUNS; STEPS=$STEPS; WARMUP=$WARMUP; PROFILE=$PROFILE"
  echo "portcullis: $(git -C "$REPO_ROOT" rev-parse --short HEAD 2> /dev/null || echo '?') JAVA_OPTS=$JAVA_OPTS; distribution: $(docker-registry --version 2> /dev/null | head -1)"
} | tee "$RUN_DIR/env.txt"

if [[ $WARMUP == 1 ]]; then
  echo "# warm-up (untimed: results go to warmup.tsv)"
  for server in distribution portcullis; do
    bench "$server" "push pull get put wrk" "$RUN_DIR/warmup.tsv" \
      BIG_BYTES=67108864 MULTI_LAYERS=5 MULTI_BYTES=1048576 DURATION=3s > /dev/null
  done
fi

for round in $(seq 1 "$RUNS"); do
  order=(distribution portcullis); ((round % 2)) || order=(portcullis distribution)
  for step in $STEPS; do
    for server in "${order[@]}"; do
      if [[ $server == portcullis ]]; then jfr START; fi
      bench "$server" "$step" "$RUN_DIR/round-$round.tsv"
      if [[ $server == portcullis ]]; then jfr STOP "r$round-$step"; fi
    done
  done
  rm -rf "$BENCH_ROOT"/work/*/big-r* "$BENCH_ROOT"/work/*/multi-r*
done

# one TSV with the round as run number
RESULTS=$RUN_DIR/results.tsv
head -1 "$RUN_DIR/round-1.tsv" > "$RESULTS"
for round in $(seq 1 "$RUNS"); do
  awk -v r="$round" 'BEGIN{FS=OFS="\t"} FNR>1{$3=r; print}' "$RUN_DIR/round-$round.tsv" >> "$RESULTS"
done

{
  echo "# Portcullis vs distribution — $STAMP"
  echo; sed 's/^/    /' "$RUN_DIR/env.txt"; echo "    finished $(date -Is); load: $(cat /proc/loadavg)"; echo
  python3 "$HERE/compare.py" "$RESULTS" --sizes "BIG=$BIG_BYTES MULTI=${MULTI_LAYERS}x$MULTI_BYTES"
  echo
  python3 "$SHARED/bench/summarize.py" "$RESULTS" --labels distribution,portcullis
} > "$RUN_DIR/summary.md"
cat "$RUN_DIR/summary.md"
echo "results: $RUN_DIR"
