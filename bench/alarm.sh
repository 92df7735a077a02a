#!/usr/bin/env bash
# Alarm ingestion benchmark: the closed-loop DC-09 load generator
# (bench/dc09load.c: BENCH_ALARM_CONNS connections, default 256, each
# sends a frame and waits for the reply) against pccc, which stores every
# event durably before its ACK (SQLite WAL, full sync per group commit),
# and against the reference receiver of the npm package iobroker.sia
# (tests/integ/dc09_peer.mjs serve: stores nothing), in the same run, on
# 127.0.0.1. Checks that pccc stored every ACKed event, has the load
# generator's frames decoded by iobroker.sia, and appends both rows to
# bench/RESULTS.md. Bounded: each run lasts BENCH_SECONDS (default 10).
# BENCH_NO_RECORD=1: print only, no row; BENCH_KEEP=DIR: keep the data
# directory and pccc's log in DIR; BENCH_RATE=N: also run a paced load of
# N events/s in total (dc09load --rate; default 10000, 0: skip) against
# both receivers and record its ACK latency. Each run also prints the CPU
# time per event (user + system, from /proc) of the receiver and of the
# load generator: both share the machine's cores.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${BENCH_SECONDS:-10}
CONNS=${BENCH_ALARM_CONNS:-256}
RATE=${BENCH_RATE:-10000}
PCCC=${PCCC_BIN:-build/pccc}
mkdir -p build/bench
cc -std=c11 -O2 -Wall -Wextra -Werror -o build/bench/dc09load bench/dc09load.c

free_port() { /usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
AP=$(free_port)
RP=$(free_port)
tmp=${BENCH_KEEP:-$(mktemp -d)}
mkdir -p "$tmp"
cleanup() { kill "${pccc_pid:-}" "${ref_pid:-}" 2>/dev/null || true; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$tmp"; }
trap cleanup EXIT

# 256 live devices, accounts 1000..10FF (hex), as the load generator uses.
"$PCCC" migrate --data "$tmp" >/dev/null 2>&1
/usr/bin/python3 - "$tmp/pccc.db" "$CONNS" <<'PY'
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1])
n = max(256, int(sys.argv[2]))
con.executemany(
    "insert into devices (account, receiver, line, unit, site_name, address, supervision_s,"
    " commissioning, created_ms) values (?, '1', '1', '00364', ?, ?, 86400, 'live', ?)",
    [("%X" % (0x1000 + i), "Tòa nhà thử tải %d" % i, "Phường Khương Đình, Hà Nội",
      int(time.time() * 1000)) for i in range(n)])
con.commit()
PY
accounts=$(/usr/bin/python3 -c "import json;print(json.dumps([{'accountnumber':'%X'%(0x1000+i)} for i in range(max(256,$CONNS))]))")

"$PCCC" serve --data "$tmp" --http 127.0.0.1:0 --alarm "127.0.0.1:$AP" 2>"$tmp/log" >/dev/null & pccc_pid=$!
node tests/integ/dc09_peer.mjs serve "$RP" "$accounts" >"$tmp/ref.out" 2>&1 & ref_pid=$!
for i in $(seq 1 300); do
	grep -q '"alarm listening"' "$tmp/log" 2>/dev/null && grep -q listening "$tmp/ref.out" 2>/dev/null && break
	sleep 0.1
done

# The generator's frames, decoded by iobroker.sia's own parser.
build/bench/dc09load -p "$AP" -c 4 -d 1 -w 0 -x "$tmp/frames.hex" -a F000 -n 1 >/dev/null 2>&1 || true
/usr/bin/python3 - "$tmp/frames.hex" <<'PY' >"$tmp/cases.json"
import json, sys
frames = [l.strip() for l in open(sys.argv[1]) if l.strip()]
print(json.dumps([{"frame": f, "reply": f, "key": None, "account": "F000"} for f in frames]))
PY
node tests/integ/dc09_peer.mjs check <"$tmp/cases.json" >"$tmp/decoded.json"
/usr/bin/python3 -c "
import json,sys
r=json.load(open('$tmp/decoded.json'))
assert r and all(x['frame'].get('crc_ok') and x['frame'].get('len_ok') for x in r), r
print('iobroker.sia decodes the load generator frames:', r[0]['frame']['data_message'])"

kv() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1==k {print $2}'; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# pid args... -> the generator's key=value line with srv_cpu_us_ev and
# gen_cpu_us_ev (CPU microseconds per reply, receiver and generator).
measure() {
	local pid=$1 t0 t1 out n
	shift
	t0=$(ticks "$pid")
	/usr/bin/time -o "$tmp/gen.time" -f "%U %S" build/bench/dc09load "$@" >"$tmp/gen.out"
	t1=$(ticks "$pid")
	out=$(cat "$tmp/gen.out")
	n=$(kv "$out" replies_total)
	echo "$out $(awk -v a="$t0" -v b="$t1" -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN {
		getline g < "'"$tmp/gen.time"'"; split(g, u, " "); n = n > 0 ? n : 1
		printf "srv_cpu_us_ev=%.1f gen_cpu_us_ev=%.1f", (b - a) / hz * 1e6 / n, (u[1] + u[2]) * 1e6 / n }')"
}
run() { # pid port -> key=value line
	measure "$1" -p "$2" -c "$CONNS" -d "$SECS" -w 1
}
p=$(run "$pccc_pid" "$AP")
r=$(run "$ref_pid" "$RP")
echo "pccc:      $p"
echo "reference: $r"
if [ "$RATE" != 0 ]; then
	# New keys (-k) so pccc stores these too rather than deduplicating.
	pp=$(measure "$pccc_pid" -p "$AP" -c "$CONNS" -d "$SECS" -w 1 --rate "$RATE" -k 5000000)
	rr=$(measure "$ref_pid" -p "$RP" -c "$CONNS" -d "$SECS" -w 1 --rate "$RATE" -k 5000000)
	echo "pccc paced:      $pp"
	echo "reference paced: $rr"
fi

# Durability check: every ACKed event is in the database.
kill -TERM "$pccc_pid"; wait "$pccc_pid" || true; pccc_pid=
stored=$(/usr/bin/python3 -c "import sqlite3;print(sqlite3.connect('$tmp/pccc.db').execute(\"select count(*) from alarm_events where account >= '1000' and account < '2000'\").fetchone()[0])")
acked=$(( $(kv "$p" replies_total) + $(kv "${pp:-replies_total=0}" replies_total) ))
echo "stored in pccc: $stored events (ACKed in the measured windows: $(kv "$p" acks), in all: $acked)"
[ "$stored" -ge "$acked" ] || { echo "pccc lost ACKed events: $stored stored < $acked ACKed"; exit 1; }

[ -z "${BENCH_NO_RECORD:-}" ] || exit 0
date=$(date -u +%Y-%m-%dT%H:%MZ)
load=$(cut -d' ' -f1 /proc/loadavg)
machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), load $load"
cmd="bench/alarm.sh: dc09load -c $CONNS -d ${SECS}s"
[ -f bench/RESULTS.md ] || printf '# Benchmark results\n\n| date | machine | command | what | result | baseline | ratio / target |\n|---|---|---|---|---|---|---|\n' >bench/RESULTS.md
[ "$RATE" = 0 ] || echo "| $date | $machine | bench/alarm.sh: dc09load -c $CONNS -d ${SECS}s --rate $RATE | DC-09 ingestion, durable, paced at $RATE events/s in total ($CONNS conns; latency from when each frame was due) | $(kv "$pp" events_per_s) events/s, ACK p50 $(kv "$pp" p50_ms) ms, p99 $(kv "$pp" p99_ms) ms, NAK $(kv "$pp" naks), CPU $(kv "$pp" srv_cpu_us_ev) µs/event | iobroker.sia receiver: $(kv "$rr" events_per_s) events/s, p50 $(kv "$rr" p50_ms) ms, p99 $(kv "$rr" p99_ms) ms, CPU $(kv "$rr" srv_cpu_us_ev) µs/event | p99 vs reference's: $(/usr/bin/python3 -c "print('%.2f' % ($(kv "$pp" p99_ms) / max(0.01, $(kv "$rr" p99_ms))))") |" >>bench/RESULTS.md
echo "| $date | $machine | $cmd | DC-09 ingestion, durable (ADM-CID 1602, $CONNS conns, closed loop); $stored rows stored | $(kv "$p" events_per_s) events/s, ACK p50 $(kv "$p" p50_ms) ms, p99 $(kv "$p" p99_ms) ms, NAK $(kv "$p" naks), CPU $(kv "$p" srv_cpu_us_ev) µs/event (generator $(kv "$p" gen_cpu_us_ev)) | iobroker.sia receiver (stores nothing): $(kv "$r" events_per_s) events/s, p50 $(kv "$r" p50_ms) ms, p99 $(kv "$r" p99_ms) ms, CPU $(kv "$r" srv_cpu_us_ev) µs/event (generator $(kv "$r" gen_cpu_us_ev)) | target ≥ 50,000/s and p99 < reference's |" >>bench/RESULTS.md
