#!/usr/bin/env bash
# Webhook benchmarks (docs/benchmarks.md, "Webhooks").
#
# usage: bench/webhooks.sh [relay] [pulls]     (default: both)
#
# relay  io.portcullis.bench.WebhookBench in one JVM: EVENTS tag pushes through the event log's relay to
#        1 and to WEBHOOKS global webhooks (fan-out: events/s, delivery rows/s), then sent to a receiver on
#        127.0.0.1 (deliveries/s). SQLite; also PostgreSQL when BENCH_POSTGRES_URL is set (that
#        database's public schema is dropped and recreated).
# pulls  manifest GET req/s with webhooks off and on: one Portcullis server (webhooks.allowed-networks
#        127.0.0.1/32) and a receiver; every round runs ../shared/bench/bench-registry.sh STEPS=wrk twice,
#        once without any webhook ("webhooks-off") and once with a global webhook subscribed to every
#        event, pulls included ("webhooks-on"; deleted again after the run, which drops its backlog), the
#        order alternating per round. BEFORE_JAR=path adds a third server built from another commit
#        ("before"), e.g. main, interleaved the same way.
#
# env: WEBHOOKS [1000] EVENTS [200] CONCURRENCY [32]  RUNS [3] DURATION [15s] THREADS [2] CONNS [64]
#      PC_PORT [5012] BEFORE_PORT [5013] RECEIVER_PORT [5019] BENCH_ROOT [/tmp/portcullis-bench-webhooks]
#      SHARED [<repo>/../shared]  BENCH_POSTGRES_URL (relay on PostgreSQL too)  BEFORE_JAR
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SHARED=${SHARED:-$(cd "$ROOT/../shared" && pwd)}
. "$ROOT/bin/java-home.sh"
cd "$ROOT"
MODES=${*:-relay pulls}
WEBHOOKS=${WEBHOOKS:-1000}; EVENTS=${EVENTS:-200}
export RUNS=${RUNS:-3} DURATION=${DURATION:-15s} THREADS=${THREADS:-2} CONNS=${CONNS:-64}
PC_PORT=${PC_PORT:-5012}; BEFORE_PORT=${BEFORE_PORT:-5013}; RECEIVER_PORT=${RECEIVER_PORT:-5019}
export BENCH_ROOT=${BENCH_ROOT:-/tmp/portcullis-bench-webhooks}
STAMP=$(date +%Y%m%d-%H%M%S); RUN_DIR=$BENCH_ROOT/results/$STAMP; mkdir -p "$RUN_DIR"

./mvnw -q -B -DskipTests package >&2
REPO_ROOT=$ROOT
. "$ROOT/bench/lib.sh"
bench_classpath
CP=$BENCH_CP
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2> /dev/null || true; done
  wait 2> /dev/null || true
}
trap cleanup EXIT
echo "started $(date -Is) on $(nproc) cores; load: $(cat /proc/loadavg); commit $(git rev-parse --short HEAD)" | tee "$RUN_DIR/env.txt"

if [[ " $MODES " == *" relay "* ]]; then
  for url in "" ${BENCH_POSTGRES_URL:-}; do
    for count in 1 "$WEBHOOKS"; do
      work=$(mktemp -d "$BENCH_ROOT/relay-XXXX")
      BENCH_POSTGRES_URL=$url "$JAVA_HOME/bin/java" -Xmx1g -cp "$CP" \
        io.portcullis.bench.WebhookBench relay "$work" "$count" "$EVENTS" 2>&1 | grep -E '^(database |relay: |send: )' |
        tee -a "$RUN_DIR/relay.txt"
      rm -rf "$work"
    done
  done
fi

if [[ " $MODES " == *" pulls "* ]]; then
  for t in wrk hey skopeo curl python3; do command -v "$t" > /dev/null || { echo "needs $t" >&2; exit 1; }; done
  "$JAVA_HOME/bin/java" -cp "$CP" io.portcullis.bench.WebhookBench receiver "$RECEIVER_PORT" > /dev/null 2>&1 &
  PIDS+=($!)
  PASS=bench-$(openssl rand -hex 12)
  start_server() { # LABEL PORT JAR
    local dir=$BENCH_ROOT/$1
    rm -rf "$dir"; mkdir -p "$dir"
    PORTCULLIS_ADMIN_PASSWORD=$PASS PORTCULLIS_AUTH_TOKEN_TTL=PT1H PORTCULLIS_WEBHOOKS_ALLOWED_NETWORKS=127.0.0.1/32 \
      PORTCULLIS_LOG_FORMAT=text setsid "$JAVA_HOME/bin/java" -XX:+UseZGC -Xmx2g -jar "$3" serve \
      --listen "127.0.0.1:$2" --data-dir "$dir/data" > "$dir/server.log" 2>&1 < /dev/null &
    PIDS+=($!)
    echo $! > "$dir/pid"
    for _ in $(seq 300); do curl -sf -o /dev/null "http://127.0.0.1:$2/readyz" && return 0; sleep 0.2; done
    echo "$1 did not start" >&2; cat "$dir/server.log" >&2; exit 1
  }
  token() { # PORT
    curl -sf -u "admin:$PASS" "http://127.0.0.1:$1/auth/token?service=portcullis&scope=repository:bench/small:pull,push" |
      python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
  }
  bench() { # LABEL PORT
    env LABEL="$1" RUNS=1 STEPS=wrk RESULTS="$RUN_DIR/results.tsv" SRV_PID="$(cat "$BENCH_ROOT/$1/pid")" \
      AUTH_HEADER="Authorization: Bearer $(token "$2")" SKOPEO_PUSH_OPTS="--dest-creds admin:$PASS" \
      WORK="$BENCH_ROOT/work/$1" "$SHARED/bench/bench-registry.sh" "http://127.0.0.1:$2" bench > /dev/null
  }
  start_server webhooks "$PC_PORT" "$ROOT/target/portcullis.jar"
  labels=(webhooks-off webhooks-on)
  if [[ -n ${BEFORE_JAR:-} ]]; then start_server before "$BEFORE_PORT" "$BEFORE_JAR"; labels=(before "${labels[@]}"); fi
  # both labels measure the one server; its pid file is shared
  for l in webhooks-off webhooks-on; do mkdir -p "$BENCH_ROOT/$l"; cp "$BENCH_ROOT/webhooks/pid" "$BENCH_ROOT/$l/pid"; done
  for round in $(seq 1 "$RUNS"); do
    order=("${labels[@]}"); ((round % 2)) || order=($(printf '%s\n' "${labels[@]}" | tac))
    for label in "${order[@]}"; do
      case $label in
        before) bench before "$BEFORE_PORT" ;;
        webhooks-off) bench webhooks-off "$PC_PORT" ;;
        webhooks-on)
          id=$(curl -sf -u "admin:$PASS" -H 'Content-Type: application/json' \
            -d "{\"url\":\"http://127.0.0.1:$RECEIVER_PORT/hook\"}" "http://127.0.0.1:$PC_PORT/api/v1/webhooks" |
            python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
          bench webhooks-on "$PC_PORT"
          curl -sf "http://127.0.0.1:$PC_PORT/metrics" | grep -E '^portcullis_webhook_deliveries_(total|pending)' |
            sed "s/^/round $round: /" >> "$RUN_DIR/webhook-metrics.txt"
          curl -sf -u "admin:$PASS" -X DELETE "http://127.0.0.1:$PC_PORT/api/v1/webhooks/$id" ;;
      esac
    done
  done
  python3 "$SHARED/bench/summarize.py" "$RUN_DIR/results.tsv" --labels "$(IFS=,; echo "${labels[*]}")" \
    > "$RUN_DIR/summary.md"
  cat "$RUN_DIR/summary.md" "$RUN_DIR/webhook-metrics.txt"
fi
echo "results: $RUN_DIR"
