#!/usr/bin/env bash
# Browser test runner: starts `build/pccc demo` on free loopback ports with a
# temporary data directory, waits for GET /healthz, runs the node:test files
# in tests/e2e/ (playwright-core + Debian's chromium) with PCCC_URL and
# PCCC_DATA_DIR (the data directory: demo-accounts.json) set,
# stops the server and exits with the tests' status.
# Usage: tests/e2e/run.sh            (PCCC_BIN overrides build/pccc)
set -u
cd "$(dirname "$0")/../.."

BIN=${PCCC_BIN:-build/pccc}
if [ ! -x "$BIN" ]; then
	echo "e2e: $BIN not found; run 'make build' first" >&2
	exit 2
fi

free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
PORT=$(free_port)
PORT2=$(free_port)
while [ "$PORT2" = "$PORT" ]; do PORT2=$(free_port); done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pccc-e2e.XXXXXX")
LOG="$TMP/server.log"
SERVER=

cleanup() {
	if [ -n "$SERVER" ] && kill -0 "$SERVER" 2>/dev/null; then
		kill -TERM "$SERVER" 2>/dev/null
		for _ in $(seq 1 50); do
			kill -0 "$SERVER" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$SERVER" 2>/dev/null
		wait "$SERVER" 2>/dev/null
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PCCC_TEST_FAST_PASSWORDS=1 "$BIN" demo --data "$TMP" --http "127.0.0.1:$PORT" --alarm "127.0.0.1:$PORT2" >"$LOG" 2>&1 &
SERVER=$!

URL="http://127.0.0.1:$PORT"
ready=0
for _ in $(seq 1 600); do   # up to 60 s (first start seeds the database)
	if ! kill -0 "$SERVER" 2>/dev/null; then
		echo "e2e: pccc exited before it was ready:" >&2
		tail -30 "$LOG" >&2
		exit 1
	fi
	if curl -fsS -o /dev/null --max-time 1 "$URL/healthz" 2>/dev/null; then
		ready=1
		break
	fi
	sleep 0.1
done
if [ "$ready" != 1 ]; then
	echo "e2e: pccc did not answer $URL/healthz within 60 s:" >&2
	tail -30 "$LOG" >&2
	exit 1
fi
echo "e2e: pccc demo at $URL (data $TMP)"

PCCC_URL="$URL" PCCC_DATA_DIR="$TMP" PCCC_DATA="$TMP" PCCC_ALARM_PORT="$PORT2" node --test --test-concurrency=1 "${@:-tests/e2e/}"
status=$?
if [ "$status" -ne 0 ]; then
	echo "e2e: server log (last lines):"
	tail -40 "$LOG"
fi
exit "$status"
