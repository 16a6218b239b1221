#!/usr/bin/env bash
# Pull-through cache benchmark (docs/benchmarks.md, "Pull-through cache"): skopeo pulls of fixture
# images (a) straight from a distribution upstream, (b) from an ordinary Portcullis repository,
# (c) through a Portcullis cache of that upstream the first time (fetched, streamed and stored) and
# (d) the second time (served from what is stored). Wall times of `skopeo copy` into a new OCI layout.
#
# usage: bench/cache.sh     env: RUNS [3]  UP_PORT [5719]  PC_PORT [5720]  BENCH_ROOT [/tmp/portcullis-bench-cache]
#                                SHARED [<repo>/../shared, else /work/shared]
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$HERE/.." && pwd)
SHARED=${SHARED:-$([ -d "$REPO_ROOT/../shared" ] && echo "$REPO_ROOT/../shared" || echo /work/shared)}
RUNS=${RUNS:-3} UP_PORT=${UP_PORT:-5719} PC_PORT=${PC_PORT:-5720}
W=${BENCH_ROOT:-/tmp/portcullis-bench-cache}
PASSWORD=bench-password-123
IMAGES=(debian-bookworm-minimal java-app)
rm -rf "$W"; mkdir -p "$W"
UP=$(PORT=$UP_PORT ROOT=$W/upstream "$SHARED/scripts/start-distribution.sh" | tail -1)
SRV=
trap 'kill $UP 2>/dev/null; [ -n "$SRV" ] && kill $SRV 2>/dev/null' EXIT
ref() { python3 -c "import json,sys;print(json.load(open(sys.argv[1]+'/index.json'))['manifests'][0]['annotations']['org.opencontainers.image.ref.name'])" "$1"; }
copy() { skopeo --insecure-policy copy "$@" >/dev/null; }
for f in "${IMAGES[@]}"; do
  copy --dest-tls-verify=false --dest-no-creds "oci:$SHARED/fixtures/images/$f:$(ref "$SHARED/fixtures/images/$f")" \
    "docker://127.0.0.1:$UP_PORT/library/$f:1"
done
PORTCULLIS_ADMIN_PASSWORD=$PASSWORD PORTCULLIS_LISTEN=127.0.0.1:$PC_PORT PORTCULLIS_DATA_DIR=$W/data \
  PORTCULLIS_MIRROR_ALLOWED_NETWORKS=127.0.0.1/32 PORTCULLIS_LOG_FORMAT=text "$REPO_ROOT/bin/portcullis" serve \
  > "$W/server.log" 2>&1 &
SRV=$!
for _ in $(seq 150); do curl -sf -o /dev/null "http://127.0.0.1:$PC_PORT/readyz" && break; sleep 0.2; done
seconds() { local s; s=$(date +%s.%N); "$@"; printf '%.2f' "$(echo "$(date +%s.%N) - $s" | bc)"; }
echo "image | upstream direct | Portcullis repository | cache, first pull | cache, second pull"
for run in $(seq "$RUNS"); do
  curl -sf -u "admin:$PASSWORD" -H 'Content-Type: application/json' "http://127.0.0.1:$PC_PORT/api/v1/caches" \
    -d "{\"namespace\":\"hub$run\",\"upstreams\":[{\"registry\":\"http://127.0.0.1:$UP_PORT\"}]}" >/dev/null
  for f in "${IMAGES[@]}"; do
    copy --dest-tls-verify=false --dest-creds "admin:$PASSWORD" \
      "oci:$SHARED/fixtures/images/$f:$(ref "$SHARED/fixtures/images/$f")" "docker://127.0.0.1:$PC_PORT/plain$run/$f:1"
    rm -rf "$W"/out-*
    direct=$(seconds copy --src-tls-verify=false --src-no-creds "docker://127.0.0.1:$UP_PORT/library/$f:1" "oci:$W/out-d:x")
    plain=$(seconds copy --src-tls-verify=false --src-creds "admin:$PASSWORD" \
      "docker://127.0.0.1:$PC_PORT/plain$run/$f:1" "oci:$W/out-p:x")
    first=$(seconds copy --src-tls-verify=false --src-creds "admin:$PASSWORD" \
      "docker://127.0.0.1:$PC_PORT/hub$run/library/$f:1" "oci:$W/out-1:x")
    second=$(seconds copy --src-tls-verify=false --src-creds "admin:$PASSWORD" \
      "docker://127.0.0.1:$PC_PORT/hub$run/library/$f:1" "oci:$W/out-2:x")
    echo "$f (run $run) | ${direct} s | ${plain} s | ${first} s | ${second} s"
  done
done
curl -s "http://127.0.0.1:$PC_PORT/metrics" | grep '^portcullis_cache' || true
