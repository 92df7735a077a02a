#!/usr/bin/env bash
# API read benchmark: wrk against pccc's cached unit read and against a
# libmicrohttpd hello-world built in the same run, on 127.0.0.1 only;
# appends both figures and their ratio to bench/RESULTS.md.
# Bounded: each wrk run lasts BENCH_SECONDS (default 10).
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${BENCH_SECONDS:-10}
CONNS=${BENCH_CONNS:-64}
mkdir -p build/bench
cc -std=c11 -O2 -Wall -Wextra -Werror -o build/bench/hello bench/hello.c $(pkg-config --cflags --libs libmicrohttpd)

free_port() { /usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
HP=$(free_port)
PP=$(free_port)
tmp=$(mktemp -d)
cleanup() { kill "${hello_pid:-}" "${pccc_pid:-}" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

build/bench/hello "$HP" & hello_pid=$!
build/pccc serve --data "$tmp" --http "127.0.0.1:$PP" --alarm 127.0.0.1:0 2>"$tmp/log" & pccc_pid=$!
for i in $(seq 1 600); do
	curl -sf "http://127.0.0.1:$PP/healthz" >/dev/null 2>&1 && curl -sf "http://127.0.0.1:$HP/" >/dev/null 2>&1 && break
	sleep 0.1
done

rps() { # url -> requests/s
	wrk -t2 -c"$CONNS" -d"${SECS}s" --latency "$1" >"$tmp/wrk.out" 2>&1
	awk '/Requests\/sec/ {print $2}' "$tmp/wrk.out"
}
p99() { awk '/ 99%/ {print $2}' "$tmp/wrk.out"; }

URL_P="http://127.0.0.1:$PP/api/v1/units/00364"
URL_H="http://127.0.0.1:$HP/"
wrk -t2 -c"$CONNS" -d2s "$URL_P" >/dev/null 2>&1 || true # warm-up
h=$(rps "$URL_H"); hp99=$(p99)
p=$(rps "$URL_P"); pp99=$(p99)
ratio=$(awk -v a="$p" -v b="$h" 'BEGIN { printf "%.2f", a / b }')

date=$(date -u +%Y-%m-%dT%H:%MZ)
machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
cmd="wrk -t2 -c$CONNS -d${SECS}s (make bench)"
[ -f bench/RESULTS.md ] || cat >bench/RESULTS.md <<'HDR'
# Benchmark results

Each row: one run of `make bench` on this project's machine kind. Figures
are measured side by side in the same run; tests never assert on time.

| date | machine | command | what | result | baseline | ratio / target |
|---|---|---|---|---|---|---|
HDR
echo "| $date | $machine | $cmd | GET /api/v1/units/00364 (cached JSON read) | $p req/s, p99 $pp99 | hello-world MHD: $h req/s, p99 $hp99 | $ratio (target ≥ 0.5) |" >>bench/RESULTS.md
echo "pccc: $p req/s (p99 $pp99); hello-world: $h req/s (p99 $hp99); ratio $ratio"

# Alarm ingestion (DC-09): pccc durable vs the iobroker.sia reference receiver.
bash bench/alarm.sh

# Register: bulk import rate and address search latency (REGISTER_FULL=1: Hà Nội scale).
bash bench/register.sh
