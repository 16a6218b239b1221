#!/usr/bin/env bash
# Push latency with promotion policies attached vs none (docs/benchmarks.md, "Policies"): N skopeo
# pushes of a small fixture image, each to a new tag of hub/app, timed one by one, first with no
# policy, then with P policies on hub/* (each "tag matches v*" → official/{name}, so each acts on every
# push). Policies run in the event subscriber after the push commits; this measures what the client sees.
#
# usage: bench/policy-push.sh      env: N [30]  P [20]  PC_PORT [5731]  BENCH_ROOT [/tmp/portcullis-bench-policy-push]
#                                       SHARED [<repo>/../shared, else /work/shared]
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$HERE/.." && pwd)
SHARED=${SHARED:-$([ -d "$REPO_ROOT/../shared" ] && echo "$REPO_ROOT/../shared" || echo /work/shared)}
N=${N:-30} P=${P:-20} PC_PORT=${PC_PORT:-5731}
W=${BENCH_ROOT:-/tmp/portcullis-bench-policy-push}
PASSWORD=bench-password-123
IMAGE=$SHARED/fixtures/images/clean-tiny
rm -rf "$W"; mkdir -p "$W"
SRV=
trap '[ -n "$SRV" ] && kill $SRV 2>/dev/null' EXIT
PORTCULLIS_ADMIN_PASSWORD=$PASSWORD PORTCULLIS_LISTEN=127.0.0.1:$PC_PORT PORTCULLIS_DATA_DIR=$W/data \
  PORTCULLIS_LOG_FORMAT=text "$REPO_ROOT/bin/portcullis" serve > "$W/server.log" 2>&1 &
SRV=$!
for _ in $(seq 300); do curl -sf -o /dev/null "http://127.0.0.1:$PC_PORT/readyz" && break; sleep 0.2; done
api() { curl -sf -u "admin:$PASSWORD" -X "$1" -H 'Content-Type: application/json' ${3:+-d "$3"} "http://127.0.0.1:$PC_PORT/api/v1$2"; }
ref=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]+'/index.json'))['manifests'][0]['annotations']['org.opencontainers.image.ref.name'])" "$IMAGE")
ms() { date +%s%3N; }
pushes() { # LABEL: N timed pushes; prints the median and p90 in ms
  local times=() t0
  for i in $(seq "$N"); do
    t0=$(ms)
    skopeo --insecure-policy copy --dest-tls-verify=false --dest-creds "admin:$PASSWORD" \
      "oci:$IMAGE:$ref" "docker://127.0.0.1:$PC_PORT/hub/app:$1-v$i" > /dev/null
    times+=($(( $(ms) - t0 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v label="$1" '{a[NR]=$1} END {printf "| %s | %d | %d ms | %d ms |\n", label, NR, a[int((NR+1)/2)], a[int(NR*0.9+0.5)]}'
}
echo "| policies on hub/* | pushes | median push (skopeo copy) | p90 |"
echo "|---|---:|---:|---:|"
pushes none
for p in $(seq "$P"); do
  api POST /policies "{\"name\":\"p$p\",\"source\":\"hub/*\",\"target\":\"official$p/{name}\",\"criteria\":[{\"type\":\"tag\",\"glob\":\"*\"}]}" > /dev/null
done
pushes "$P"
sleep 5
echo
echo "promotions made by then: $(curl -sf "http://127.0.0.1:$PC_PORT/metrics" | awk '/^portcullis_promotions_total\{outcome="promoted"\}/ {s += $2} END {print s + 0}') (of $((N * P)))"
