#!/usr/bin/env bash
# Pull-mirror benchmark (docs/benchmarks.md, "Mirroring"): a Portcullis pull mirror side by side
# with `skopeo sync --src docker --dest docker`, both copying the same upstream repository.
#
# usage: bench/mirror.sh            N=100 tags x 5 layers of 256 KiB
#        QUICK=1 bench/mirror.sh    N=10 (a smoke run of the script itself)
#
# The upstream is a CNCF distribution registry (../shared/scripts/start-distribution.sh) holding
# N tags of LAYERS random layers each (../shared/bench/make-oci-layout.py, a fresh nonce per tag so
# no two tags share a blob), pushed with skopeo. Both copiers reach it through bench/counting-proxy.py,
# which counts upstream requests the same way for both. Then, RUNS rounds (each on fresh
# destinations, alternating who goes first):
#   portcullis  a mirror created with POST /api/v1/mirrors (creation queues the first run) into
#               repository mirror/app; "first" is the wall time from the POST until the run has
#               finished, "again" a second run (POST /mirrors/{id}/runs) with nothing changed upstream.
#   skopeo      skopeo sync of every tag into a second distribution registry, first and again.
# skopeo's destination is a second distribution rather than Portcullis: that is how skopeo sync is
# deployed as a mirror (a cron job into a plain registry), and it keeps Portcullis' write path out
# of skopeo's figure, so the table compares the two ways of running a mirror end to end.
# Wall times are from this script (Portcullis: waited for with GET /jobs/{id}?wait=30s, see
# await_run); requests from the proxy, with Portcullis' own count of the run ("requests") beside it.
#
# env (defaults in brackets):
#   N [100; QUICK 10]  LAYERS [5]  LAYER_BYTES [262144]  RUNS [1]
#   UP_PORT [5701] PROXY_PORT [5702] PC_PORT [5703] DEST_PORT [5704]
#   BENCH_ROOT [/tmp/portcullis-bench-mirror]  data dirs, layouts and results/<stamp>/
#   PORTCULLIS_JAVA_OPTS [-XX:+UseZGC -Xmx1g]  SHARED [<repo>/../shared]
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$HERE/.." && pwd)
SHARED=${SHARED:-$(cd "$REPO_ROOT/../shared" && pwd)}
. "$REPO_ROOT/bin/java-home.sh"

QUICK=${QUICK:-0}
[[ $QUICK == 1 ]] && : "${N:=10}"
N=${N:-100}; LAYERS=${LAYERS:-5}; LAYER_BYTES=${LAYER_BYTES:-262144}; RUNS=${RUNS:-1}
UP_PORT=${UP_PORT:-5701}; PROXY_PORT=${PROXY_PORT:-5702}; PC_PORT=${PC_PORT:-5703}; DEST_PORT=${DEST_PORT:-5704}
export BENCH_ROOT=${BENCH_ROOT:-/tmp/portcullis-bench-mirror}
for t in skopeo curl python3 openssl ss; do command -v "$t" > /dev/null || { echo "needs $t" >&2; exit 1; }; done

. "$HERE/lib.sh"
build_if_stale

new_run_dir
UP_ROOT=$BENCH_ROOT/upstream; DEST_ROOT=$BENCH_ROOT/dest; PC_ROOT=$BENCH_ROOT/portcullis
PROXY=127.0.0.1:$PROXY_PORT; PC_URL=http://127.0.0.1:$PC_PORT
PIDS=()
cleanup() {
  local rc=$? pid
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill "$pid" 2> /dev/null || true; done
  "$SHARED/scripts/stop-pidfile.sh" "$PC_ROOT/pid" "$UP_ROOT/pid" "$DEST_ROOT/pid"
  rm -rf "$UP_ROOT/storage" "$DEST_ROOT/storage" "$PC_ROOT/data" "$BENCH_ROOT/layouts"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ms() { date +%s%3N; }
counts() { curl -sf "http://$PROXY/_counts"; }
reset_counts() { curl -sf -X POST -o /dev/null "http://$PROXY/_counts/reset"; }

{
  echo "started $(date -Is) on $(nproc) cores; uptime: $(uptime)"
  echo "N=$N tags x LAYERS=$LAYERS x LAYER_BYTES=$LAYER_BYTES; RUNS=$RUNS"
  echo "portcullis: $(git -C "$REPO_ROOT" rev-parse --short HEAD); $(skopeo --version); distribution: $(docker-registry --version 2> /dev/null | head -1)"
} | tee "$RUN_DIR/env.txt"

# --- upstream ----------------------------------------------------------------------------------
ROOT=$UP_ROOT PORT=$UP_PORT "$SHARED/scripts/start-distribution.sh" > /dev/null
python3 "$HERE/counting-proxy.py" "$PROXY_PORT" "http://127.0.0.1:$UP_PORT" &
PIDS+=($!)
echo "# pushing $N tags to the upstream" >&2
rm -rf "$BENCH_ROOT/layouts"; mkdir -p "$BENCH_ROOT/layouts"
nonce=$(openssl rand -hex 6)
t0=$(ms)
for i in $(seq 1 "$N"); do
  layout=$BENCH_ROOT/layouts/t$i
  python3 "$SHARED/bench/make-oci-layout.py" "$layout" "$LAYERS" "$LAYER_BYTES" --nonce "$nonce-$i" \
    --cache "$BENCH_ROOT/.payload-cache" > /dev/null
  skopeo copy --quiet --dest-tls-verify=false "oci:$layout" "docker://127.0.0.1:$UP_PORT/bench/app:v$i"
  rm -rf "$layout"
done
echo "upstream: $N tags pushed in $(( ($(ms) - t0) / 1000 )) s" | tee -a "$RUN_DIR/env.txt"
curl -sf "http://$PROXY/v2/bench/app/tags/list" > /dev/null || { echo "proxy does not reach the upstream" >&2; exit 1; }

# --- copiers -----------------------------------------------------------------------------------
PC_PASS=bench-$(openssl rand -hex 12)
start_portcullis() {
  "$SHARED/scripts/stop-pidfile.sh" "$PC_ROOT/pid"
  rm -rf "$PC_ROOT"; mkdir -p "$PC_ROOT"
  if ss -ltnH "sport = :$PC_PORT" | grep -q .; then echo "port $PC_PORT already in use" >&2; exit 1; fi
  PORTCULLIS_JAVA_OPTS=${PORTCULLIS_JAVA_OPTS:--XX:+UseZGC -Xmx1g} PORTCULLIS_ADMIN_PASSWORD=$PC_PASS \
    PORTCULLIS_MIRROR_READ_TIMEOUT=PT120S PORTCULLIS_MIRROR_ALLOWED_NETWORKS=127.0.0.1/32 \
    setsid "$REPO_ROOT/bin/portcullis" serve --listen "127.0.0.1:$PC_PORT" --data-dir "$PC_ROOT/data" \
    > "$PC_ROOT/portcullis.log" 2>&1 < /dev/null &
  echo $! > "$PC_ROOT/pid"
  for _ in $(seq 300); do curl -sf -o /dev/null "$PC_URL/readyz" && return 0; sleep 0.2; done
  echo "Portcullis not ready after 60 s" >&2; cat "$PC_ROOT/portcullis.log" >&2; exit 1
}
api() { # METHOD PATH [BODY]
  curl -sf -u "admin:$PC_PASS" -X "$1" -H 'Content-Type: application/json' ${3:+-d "$3"} "$PC_URL/api/v1$2"
}
# await_run MIRROR JOB(-1: the job of the mirror's first run): prints the finished run's JSON. Waits
# with the jobs API's long poll, not by polling the runs: every request with basic credentials costs
# an argon2id verification, and polling every 0.1 s took a third of Portcullis' CPU from the run.
await_run() {
  local job=$2 state
  while ((job < 0)); do
    job=$(api GET "/mirrors/$1/runs" | python3 -c 'import json, sys; i = json.load(sys.stdin)["items"]; print(i[-1]["job"] if i else -1)')
    ((job >= 0)) || sleep 0.1
  done
  for _ in $(seq 600); do
    state=$(api GET "/jobs/$job?wait=30s" | python3 -c 'import json, sys; print(json.load(sys.stdin)["state"])')
    [[ $state == succeeded || $state == failed ]] && break
  done
  api GET "/mirrors/$1/runs" | python3 -c '
import json, sys
job = int(sys.argv[1])
run = next((r for r in json.load(sys.stdin)["items"] if r["job"] == job), None)
if run is None or run["state"] not in ("succeeded", "failed"): sys.exit(f"mirror: job {job} ended without a finished run")
print(json.dumps(run))' "$job"
}
row() { # COPIER PASS WALL_MS RUN_JSON|"" : one line of results.tsv with the proxy's counts
  python3 - "$@" "$(counts)" >> "$RUN_DIR/results.tsv" <<'PY'
import json, sys
copier, pas, wall, run, c = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], json.loads(sys.argv[5])
r = json.loads(run) if run else {}
if r and r["state"] != "succeeded": sys.exit(f"{copier} {pas}: run {r['state']}: {r.get('message')}")
detail = " ".join(f"{k}={v}" for k, v in sorted(c.items()) if k != "total")
tags = r.get("tags", {})
print("\t".join(map(str, [copier, pas, wall, c["total"], r.get("requests", ""), r.get("durationMs", ""),
  f"added={tags.get('added')} unchanged={tags.get('unchanged')}" if r else "", detail])))
PY
  tail -1 "$RUN_DIR/results.tsv" >&2
}

bench_portcullis() { # ROUND
  local t0 mirror job run
  start_portcullis
  reset_counts; t0=$(ms)
  mirror=$(api POST /mirrors "{\"target\":\"mirror/app\",\"registry\":\"http://$PROXY\",\"repository\":\"bench/app\",\"interval\":\"PT24H\"}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
  run=$(await_run "$mirror" -1)
  row portcullis first $(( $(ms) - t0 )) "$run"
  reset_counts; t0=$(ms)
  job=$(api POST "/mirrors/$mirror/runs" | python3 -c 'import json, sys; print(json.load(sys.stdin)["job"])')
  run=$(await_run "$mirror" "$job")
  row portcullis again $(( $(ms) - t0 )) "$run"
  "$SHARED/scripts/stop-pidfile.sh" "$PC_ROOT/pid"
}
bench_skopeo() { # ROUND
  local t0 pass
  ROOT=$DEST_ROOT PORT=$DEST_PORT "$SHARED/scripts/start-distribution.sh" > /dev/null
  for pass in first again; do
    reset_counts; t0=$(ms)
    skopeo sync --src docker --dest docker --src-tls-verify=false --dest-tls-verify=false \
      "$PROXY/bench/app" "127.0.0.1:$DEST_PORT/mirror" > "$RUN_DIR/skopeo-$1-$pass.log" 2>&1 ||
      { cat "$RUN_DIR/skopeo-$1-$pass.log" >&2; exit 1; }
    row skopeo "$pass" $(( $(ms) - t0 )) ""
  done
  "$SHARED/scripts/stop-pidfile.sh" "$DEST_ROOT/pid"
}

printf 'copier\tpass\twall_ms\tupstream_requests\tportcullis_requests\tportcullis_duration_ms\ttags\tby_kind\n' > "$RUN_DIR/results.tsv"
for round in $(seq 1 "$RUNS"); do
  order=(portcullis skopeo); ((round % 2)) || order=(skopeo portcullis)
  for copier in "${order[@]}"; do "bench_$copier" "$round"; done
done

{
  echo "# Pull mirror: Portcullis vs skopeo sync — $STAMP"
  echo; sed 's/^/    /' "$RUN_DIR/env.txt"; echo "    finished $(date -Is); uptime: $(uptime)"; echo
  python3 - "$RUN_DIR/results.tsv" "$N" "$LAYERS" "$LAYER_BYTES" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
n, layers, size = map(int, sys.argv[2:5])
print(f"{n} tags x {layers} layers x {size // 1024} KiB; medians of {len(rows) // 4} round(s)\n")
print("| copier | pass | wall time | run's durationMs | upstream requests (proxy) | Portcullis' own count | by kind (proxy) |")
print("|---|---|---:|---:|---:|---:|---|")
for copier in ("portcullis", "skopeo"):
  for p in ("first", "again"):
    rs = [r for r in rows if r["copier"] == copier and r["pass"] == p]
    wall = statistics.median(int(r["wall_ms"]) for r in rs) / 1000
    req = statistics.median(int(r["upstream_requests"]) for r in rs)
    own = rs[-1]["portcullis_requests"] or "—"
    run = f"{statistics.median(int(r['portcullis_duration_ms']) for r in rs) / 1000:.1f} s" if own != "—" else "—"
    print(f"| {copier} | {p} | {wall:.1f} s | {run} | {req:g} | {own} | {rs[-1]['by_kind']} |")
PY
} > "$RUN_DIR/summary.md"
cat "$RUN_DIR/summary.md"
echo "results: $RUN_DIR"
