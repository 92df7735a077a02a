#!/usr/bin/env bash
# House search on PostgreSQL over HTTP: starts a throwaway PostgreSQL 15
# cluster (Unix socket only), imports N generated houses (default
# 1000000) with `pccc import houses --db postgres://...`, serves them on
# 127.0.0.1 and times GET /api/v1/houses?q=...&limit=50 as the city fire
# police (whole city) and as a commune officer (Phường Khương Đình), with
# the queries of bench/register.sh; p50/p95 of REGISTER_QUERIES requests
# each (default 300). Prints the rows for bench/RESULTS.md. Writes no
# file of the tree.
#   bench/search_pg.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
Q=${REGISTER_QUERIES:-300}
pccc=$(realpath "${PCCC:-build/pccc}")
. bench/pg_cluster.sh
pg_cluster_start pccc-pgsearch
pg_cluster_on_exit 'kill ${pccc_pid:-} 2>/dev/null || true'
"$PGBIN/createdb" city
url=$(url city)
mkdir -p "$tmp/gen" "$tmp/app"
"$pccc" generate --csv "$tmp/houses.csv" --houses "$N" --data "$tmp/gen" >/dev/null 2>&1
"$pccc" migrate --db "$url" --data "$tmp/app" >/dev/null 2>&1
echo "import: $("$pccc" import houses "$tmp/houses.csv" --db "$url" --data "$tmp/app" 2>&1 | tail -1)"
psql -X -q -d city -c "ANALYZE houses"
"$pccc" user add --username bench.pc07 --role city_fire_police --unit 01 \
	--password 'Bench@2025pccc' --db "$url" --data "$tmp/app" >/dev/null
"$pccc" user add --username bench.xa --role commune_officer --unit 00364 \
	--password 'Bench@2025pccc' --db "$url" --data "$tmp/app" >/dev/null
port=$(/usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
"$pccc" serve --db "$url" --data "$tmp/app" --http "127.0.0.1:$port" --alarm 127.0.0.1:0 \
	2>"$tmp/log" &
pccc_pid=$!
for i in $(seq 1 600); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
lat=$(/usr/bin/python3 - "$port" "$Q" <<'PY'
import sys
sys.path.insert(0, "bench")
from searchload import login, new_rnd, p50, p95, search_times
port, n = int(sys.argv[1]), int(sys.argv[2])
base = "http://127.0.0.1:%d" % port
rnd = new_rnd()
out = []
for user in ("bench.pc07", "bench.xa"):
    times = search_times(base, login(base, user), n, rnd)
    out.append("p50 %.1f ms, p95 %.1f ms, max %.1f ms" % (p50(times), p95(times), times[-1]))
print("|".join(out))
PY
)
date=$(date -u +%Y-%m-%dT%H:%MZ)
machine="$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr), load $(cut -d' ' -f1 /proc/loadavg)"
echo "| $date | $machine | bench/search_pg.sh $N | address search GET /api/v1/houses?q=&limit=50 on PostgreSQL 15, city fire police (whole city; $N houses), $Q queries | ${lat%%|*} | — | target p95 < 50 ms (at full scale) |"
echo "| $date | $machine | bench/search_pg.sh $N | the same searches as a commune officer (one commune) | ${lat##*|} | — | target p95 < 50 ms (at full scale) |"
