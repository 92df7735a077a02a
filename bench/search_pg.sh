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
PGBIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
tmp=$(mktemp -d /tmp/pccc-pgsearch.XXXXXX)
chmod 755 "$tmp"
AS=()
if [ "$(id -u)" = 0 ]; then
	chown postgres "$tmp"
	AS=(runuser -u postgres --)
fi
cleanup() {
	kill "${pccc_pid:-}" 2>/dev/null || true
	"${AS[@]}" "$PGBIN/pg_ctl" -D "$tmp/data" -m immediate -w stop >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
"${AS[@]}" mkdir -p "$tmp/sock"
"${AS[@]}" "$PGBIN/initdb" -D "$tmp/data" -U pccc --auth=trust -E UTF8 --locale=C >/dev/null
PORT=$((20000 + RANDOM % 20000))
"${AS[@]}" "$PGBIN/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w \
	-o "-p $PORT -k $tmp/sock -c listen_addresses=''" start >/dev/null
"$PGBIN/createdb" -h "$tmp/sock" -p "$PORT" -U pccc city
url="postgresql://pccc@/city?host=$tmp/sock&port=$PORT"
mkdir -p "$tmp/gen" "$tmp/app"
"$pccc" generate --csv "$tmp/houses.csv" --houses "$N" --data "$tmp/gen" >/dev/null 2>&1
"$pccc" migrate --db "$url" --data "$tmp/app" >/dev/null 2>&1
echo "import: $("$pccc" import houses "$tmp/houses.csv" --db "$url" --data "$tmp/app" 2>&1 | tail -1)"
psql -X -q -h "$tmp/sock" -p "$PORT" -U pccc -d city -c "ANALYZE houses"
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
import json, sys, time, random, urllib.request, urllib.parse, urllib.error
port, n = int(sys.argv[1]), int(sys.argv[2])
base = "http://127.0.0.1:%d" % port

def post(path, body, tok=None):
    h = {"Content-Type": "application/json"}
    if tok:
        h["Authorization"] = "Bearer " + tok
    return json.load(urllib.request.urlopen(urllib.request.Request(
        base + path, method="POST", data=json.dumps(body).encode(), headers=h)))

def login(user):
    tok = post("/api/v1/auth/login", {"username": user, "password": "Bench@2025pccc"})["token"]
    try:
        post("/api/v1/auth/password", {"current_password": "Bench@2025pccc",
                                       "new_password": "Bench@2025pccc-2"}, tok)
        tok = post("/api/v1/auth/login", {"username": user,
                                          "password": "Bench@2025pccc-2"})["token"]
    except urllib.error.HTTPError:
        pass
    return tok

# the queries of bench/register.sh
words = ["nguyen trai", "ngo 12", "kim ma", "giai phong", "tam trinh 105", "lang",
         "phuong khuong dinh", "quan dong da", "hoang quoc viet ngo 3", "van cao",
         "ba dinh", "cau giay", "lac long quan 27", "xa dan", "thanh xuan"]
rnd = random.Random(7)
out = []
for user in ("bench.pc07", "bench.xa"):
    tok = login(user)
    times = []
    for i in range(n):
        q = urllib.parse.quote(rnd.choice(words))
        r = urllib.request.Request(base + "/api/v1/houses?limit=50&q=" + q,
                                   headers={"Authorization": "Bearer " + tok})
        t = time.perf_counter()
        urllib.request.urlopen(r).read()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    out.append("p50 %.1f ms, p95 %.1f ms, max %.1f ms" % (
        times[len(times) // 2], times[max(0, -(-len(times) * 95 // 100) - 1)], times[-1]))
print("|".join(out))
PY
)
date=$(date -u +%Y-%m-%dT%H:%MZ)
machine="$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr), load $(cut -d' ' -f1 /proc/loadavg)"
echo "| $date | $machine | bench/search_pg.sh $N | address search GET /api/v1/houses?q=&limit=50 on PostgreSQL 15, city fire police (whole city; $N houses), $Q queries | ${lat%%|*} | — | target p95 < 50 ms (at full scale) |"
echo "| $date | $machine | bench/search_pg.sh $N | the same searches as a commune officer (one commune) | ${lat##*|} | — | target p95 < 50 ms (at full scale) |"
