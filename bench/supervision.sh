#!/usr/bin/env bash
# Supervision benchmark: SUP_DEVICES (default 200,000) live transmitters
# registered in bulk (SQL into the data directory's SQLite file before
# pccc starts), each sending a NULL link test over UDP every SUP_PERIOD
# seconds (bench/dc09load --udp-null), with a supervision window of
# SUP_WINDOW seconds. The real load is 200,000 devices every 90 s
# (2,222 link tests/s, window > 90 s): SUP_FULL=1 runs it (period 90 s,
# window 120 s, 240 s). The default is the same scenario scaled in time:
# period 20 s, window 30 s (10,000 link tests/s), 75 s.
# The last SUP_SILENT devices (default 1,000) send one round of link tests
# and then fall silent. Checks, after the run: no communication failure
# for any device that kept sending (no false window), one for each silent
# device (no missed window), every link test ACKed. Appends a row to
# bench/RESULTS.md (BENCH_NO_RECORD=1: not).
set -euo pipefail
cd "$(dirname "$0")/.."
PCCC=${PCCC_BIN:-build/pccc}
N=${SUP_DEVICES:-200000}
SILENT=${SUP_SILENT:-1000}
if [ -n "${SUP_FULL:-}" ]; then
	PERIOD=${SUP_PERIOD:-90}; WINDOW=${SUP_WINDOW:-120}; SECS=${SUP_SECS:-240}
else
	PERIOD=${SUP_PERIOD:-20}; WINDOW=${SUP_WINDOW:-30}; SECS=${SUP_SECS:-75}
fi
mkdir -p build/bench
cc -std=c11 -O2 -Wall -Wextra -Werror -o build/bench/dc09load bench/dc09load.c

free_port() { /usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
AP=$(free_port)
tmp=${BENCH_KEEP:-$(mktemp -d)}
mkdir -p "$tmp"
cleanup() { kill "${pccc_pid:-}" "${ga:-}" "${gb:-}" 2>/dev/null || true; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$tmp"; }
trap cleanup EXIT

"$PCCC" migrate --data "$tmp" >/dev/null 2>&1
t_reg=$( { /usr/bin/time -f %e /usr/bin/python3 - "$tmp/pccc.db" "$N" "$WINDOW" <<'PY'
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1])
n, window = int(sys.argv[2]), int(sys.argv[3])
now = int(time.time() * 1000)
con.executemany(
    "insert into devices (account, receiver, line, unit, site_name, address, supervision_s,"
    " commissioning, created_ms) values (?, '1', '1', '00364', ?, ?, ?, 'live', ?)",
    (("%X" % (0x100000 + i), "Cơ sở giám sát %d" % i, "Phường Khương Đình, Hà Nội", window, now)
     for i in range(n)))
con.commit()
PY
} 2>&1 )
echo "registered $N devices in ${t_reg}s (window ${WINDOW}s, link test every ${PERIOD}s)"

"$PCCC" serve --data "$tmp" --http 127.0.0.1:0 --alarm "127.0.0.1:$AP" 2>"$tmp/log" >/dev/null & pccc_pid=$!
for i in $(seq 1 600); do
	grep -q '"alarm listening"' "$tmp/log" 2>/dev/null && break
	sleep 0.1
done
grep -o '"devices":[0-9]*' "$tmp/log" | head -1

KEEP=$((N - SILENT))
rate_keep=$(/usr/bin/python3 -c "print($KEEP / $PERIOD)")
rate_silent=$(/usr/bin/python3 -c "print(max(1, $SILENT / $PERIOD))")
base_silent=$(/usr/bin/python3 -c "print('%X' % (0x100000 + $KEEP))")
build/bench/dc09load -p "$AP" --udp-null -a 100000 -n "$KEEP" --rate "$rate_keep" -d "$SECS" >"$tmp/ga.out" & ga=$!
build/bench/dc09load -p "$AP" --udp-null -a "$base_silent" -n "$SILENT" --rate "$rate_silent" -d "$PERIOD" -k 500000 >"$tmp/gb.out" & gb=$!
wait "$ga" "$gb"; ga= gb=
echo "kept sending: $(cat "$tmp/ga.out")"
echo "fell silent:  $(cat "$tmp/gb.out")"
kill -TERM "$pccc_pid"; wait "$pccc_pid" || true; pccc_pid=

res=$(/usr/bin/python3 - "$tmp/pccc.db" "$KEEP" "$N" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
keep, n = int(sys.argv[2]), int(sys.argv[3])
rows = con.execute("select account, count(*) from alarm_events where code = 'COMM_FAIL' and restore = 0 group by account").fetchall()
failed = {int(a, 16) - 0x100000 for a, _ in rows}
false_fail = sorted(i for i in failed if i < keep)
missed = [i for i in range(keep, n) if i not in failed]
twice = sum(1 for _, c in rows if c > 1)
print("comm_fail_devices=%d false=%d missed=%d more_than_once=%d" % (len(failed), len(false_fail), len(missed), twice))
PY
)
echo "$res"
kv() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1==k {print $2}'; }
a=$(cat "$tmp/ga.out")
ok=yes
[ "$(kv "$res" false)" = 0 ] && [ "$(kv "$res" missed)" = 0 ] && [ "$(kv "$a" acks)" = "$(kv "$a" sent)" ] || ok=no
echo "result: $ok"
[ -z "${BENCH_NO_RECORD:-}" ] || exit 0
date=$(date -u +%Y-%m-%dT%H:%MZ)
load=$(cut -d' ' -f1 /proc/loadavg)
machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), load $load"
echo "| $date | $machine | bench/supervision.sh (period ${PERIOD}s, window ${WINDOW}s, ${SECS}s) | supervision of $N live devices, NULL link tests over UDP at $(kv "$a" sent_per_s)/s ($N devices every ${PERIOD}s; $SILENT of them fall silent after one round); bulk registration ${t_reg}s | $(kv "$res" comm_fail_devices) communication failures: false $(kv "$res" false), missed $(kv "$res" missed); link tests ACKed $(kv "$a" acks)/$(kv "$a" sent), ACK p50 $(kv "$a" p50_ms) ms, p99 $(kv "$a" p99_ms) ms | — | target: no missed or false window ($ok) |" >>bench/RESULTS.md
