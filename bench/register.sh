#!/usr/bin/env bash
# Register benchmarks; the result rows are printed last in the table
# format of bench/RESULTS.md (paste them there; this script writes no file
# of the tree):
#  1. bulk import rate: `pccc import houses` of a generated CSV (parse,
#     check every row, one transaction) in rows/s — target >= 100,000;
#  2. text search latency: a generated city (`pccc generate`), then
#     GET /api/v1/houses?q=... over HTTP as the city fire police (whole
#     province in scope), p50/p95 of REGISTER_QUERIES requests — target
#     p95 < 50 ms at Hà Nội scale;
#  3. the inspections page (GET /api/v1/inspections, a page and the next,
#     with each filter it offers) on the same city, both users.
# Besides the wall-clock rate the import reports its rate over the
# process's CPU time (the bench machine is shared; both go in the row).
# Scale: the first argument, a number of houses (residents 3.5 per house,
# facilities 1 per 16 houses, inspections 1 per 10 or REGISTER_INSPECTIONS),
# or `full` for Hà Nội
# (2.5 M houses, 8.8 M residents, 160 k facilities, which takes much
# longer); default 200000 (small enough for a normal `make bench`), also
# REGISTER_HOUSES=N or REGISTER_FULL=1. The import reads
# REGISTER_IMPORT_ROWS rows (default 200000; 2.5 M at full scale).
#   bench/register.sh 1000000
# 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
full) REGISTER_FULL=1 ;;
'') ;;
*[!0-9]*)
	echo "cách dùng / usage: bench/register.sh [HOUSES|full]" >&2
	exit 2
	;;
*) REGISTER_HOUSES=$1 ;;
esac
if [ "${REGISTER_FULL:-0}" = 1 ]; then
	H=2500000 F=160000 R=8800000 I=250000 IMP=${REGISTER_IMPORT_ROWS:-2500000} scale="full (Hà Nội)"
else
	H=${REGISTER_HOUSES:-200000} F=$((H / 16)) R=$((H * 7 / 2)) I=${REGISTER_INSPECTIONS:-$((H / 10))} IMP=${REGISTER_IMPORT_ROWS:-200000}
	scale="reduced, $H houses"
fi
Q=${REGISTER_QUERIES:-300}
# PCCC=PATH: the binary to measure (default build/pccc)
pccc=${PCCC:-build/pccc}
tmp=$(mktemp -d)
cleanup() { kill "${pccc_pid:-}" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

# 1. import rate (REGISTER_IMPORT_ROWS=0: skipped)
imp_rate=— imp_cpu=—
if [ "$IMP" -gt 0 ]; then
	"$pccc" generate --csv "$tmp/houses.csv" --houses "$IMP" --data "$tmp/gen" >/dev/null
	mkdir -p "$tmp/imp"
	imp_out=$("$pccc" import houses "$tmp/houses.csv" --data "$tmp/imp" 2>&1 | tail -1)
	imp_rate=$(echo "$imp_out" | sed -n 's/.*, \([0-9]*\) dòng\/s rows\/s.*/\1/p')
	imp_cpu=$(echo "$imp_out" | sed -n 's/.*, \([0-9]*\) dòng\/s CPU.*/\1/p')
	echo "import: $imp_out"
fi

# 2. search latency on a generated city
# REGISTER_CITY=DIR: search a city generated before (by `pccc generate
# --data DIR` with the same REGISTER_HOUSES...) instead of generating one
# (copied: the original is left as it was).
if [ -n "${REGISTER_CITY:-}" ]; then
	cp -r "$REGISTER_CITY" "$tmp/city"
else
	gen_out=$("$pccc" generate --houses "$H" --facilities "$F" --residents "$R" \
		--inspections "$I" --data "$tmp/city" 2>&1 | tail -1)
	echo "generate: $gen_out"
fi
"$pccc" user add --username bench.pc07 --role city_fire_police --unit 01 \
	--password 'Bench@2025pccc' --data "$tmp/city" >/dev/null
# a commune officer too: a search bound to one commune (Phường Khương Đình)
"$pccc" user add --username bench.xa --role commune_officer --unit 00364 \
	--password 'Bench@2025pccc' --data "$tmp/city" >/dev/null
port=$(/usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
"$pccc" serve --data "$tmp/city" --http "127.0.0.1:$port" --alarm 127.0.0.1:0 2>"$tmp/log" &
pccc_pid=$!
for i in $(seq 1 600); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
lat=$(/usr/bin/python3 - "$port" "$Q" <<'PY'
import json, sys
sys.path.insert(0, "bench")
from searchload import login, new_rnd, p50, p95, search_times, timed_get
port, n = int(sys.argv[1]), int(sys.argv[2])
base = "http://127.0.0.1:%d" % port
rnd = new_rnd()
out = []
toks = {}
for user in ("bench.pc07", "bench.xa"):
    tok = toks[user] = login(base, user)
    times = search_times(base, tok, n, rnd)
    out.append("%.1f %.1f" % (p50(times), p95(times)))
# the inspections page: a page and the next one, unfiltered and with each
# filter the page offers (both users)
filters = ["", "compliance=khong_dam_bao", "target_kind=house", "target_kind=facility",
           "kind=periodic", "from=2026-01-01&to=2026-03-31"]
for user in ("bench.pc07", "bench.xa"):
    tok = toks[user]
    times = []
    for i in range(max(1, n // 10)):
        for f in filters:
            first = base + "/api/v1/inspections?limit=25" + ("&" + f if f else "")
            url = first
            for page in range(2):
                ms, raw = timed_get(url, tok)
                times.append(ms)
                body = json.loads(raw)
                if not body.get("next_cursor"):
                    break
                url = first + "&cursor=" + body["next_cursor"]
    times.sort()
    out.append("%.1f %.1f %d" % (p50(times), p95(times), len(times)))
print(" ".join(out))
PY
)
read -r p50 p95 c50 c95 i50 i95 in ic50 ic95 icn <<<"$lat"
echo "search (city scope): p50 ${p50} ms, p95 ${p95} ms over $Q queries"
echo "search (one commune): p50 ${c50} ms, p95 ${c95} ms over $Q queries"
echo "inspections page (city scope): p50 ${i50} ms, p95 ${i95} ms over $in requests"
echo "inspections page (one commune): p50 ${ic50} ms, p95 ${ic95} ms over $icn requests"

city="$H houses, $R residents, $F facilities"
[ -n "${REGISTER_CITY:-}" ] && city="the city in REGISTER_CITY, said to hold $H houses"
date=$(date -u +%Y-%m-%dT%H:%MZ)
machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), load $(cut -d" " -f1 /proc/loadavg)"
echo
echo "Result rows for bench/RESULTS.md:"
[ "$IMP" -gt 0 ] && echo "| $date | $machine | bench/register.sh ($scale) | bulk import of $IMP houses (CSV read, every row checked, one transaction) | ${imp_rate} rows/s wall (${imp_cpu} rows/s of CPU time) | — | target ≥ 100000 rows/s |"
echo "| $date | $machine | bench/register.sh ($scale) | address search GET /api/v1/houses?q=&limit=50 as city fire police (whole city; $city), $Q queries | p50 ${p50} ms, p95 ${p95} ms | — | target p95 < 50 ms (at full scale) |"
echo "| $date | $machine | bench/register.sh ($scale) | the same searches as a commune officer (one commune) | p50 ${c50} ms, p95 ${c95} ms | — | target p95 < 50 ms (at full scale) |"
echo "| $date | $machine | bench/register.sh ($scale) | inspections page GET /api/v1/inspections?limit=25 (first and next page, unfiltered and per filter; $I inspections) as city fire police / as a commune officer | p50 ${i50} / ${ic50} ms, p95 ${i95} / ${ic95} ms | — | — |"
