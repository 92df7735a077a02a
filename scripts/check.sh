#!/usr/bin/env bash
# Runs every test pccc has — unit tests (normal and ASan+UBSan builds),
# integration tests against the real binary, the browser test, and a short
# run of each fuzz target — and ends with one line "N passed, N failed".
# Called by `make check` after the builds.
set -u
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
pass=0
fail=0
failed_names=()
log_dir=build/test-logs
mkdir -p "$log_dir"

add() { # add PASSED FAILED NAME
	pass=$((pass + $1))
	fail=$((fail + $2))
	if [ "$2" -gt 0 ]; then failed_names+=("$3"); fi
}

run_cmocka() { # binary label
	local bin=$1 label=$2 out rc p f
	out="$log_dir/$label.log"
	mkdir -p "$(dirname "$out")"
	CMOCKA_MESSAGE_OUTPUT=stdout timeout 600 "$bin" >"$out" 2>&1
	rc=$?
	p=$(grep -Eo '\[  PASSED  \] [0-9]+' "$out" | grep -Eo '[0-9]+$' | tail -1)
	f=$(grep -Eo '\[  FAILED  \] [0-9]+' "$out" | grep -Eo '[0-9]+$' | tail -1)
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi # crashed or sanitizer report
	printf '%-40s %3s passed, %s failed\n' "$label" "$p" "$f"
	if [ "$f" -gt 0 ]; then sed -n '1,60p' "$out" | grep -v '^\[ *\(RUN\|OK\) ' | head -40; fi
	add "$p" "$f" "$label"
}

echo "== unit tests"
for t in build/tests/test_*; do
	[ -x "$t" ] && run_cmocka "$t" "unit/$(basename "$t")"
done
echo "== unit tests, ASan + UBSan build"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=23
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=24
for t in build/asan/tests/test_*; do
	[ -x "$t" ] && run_cmocka "$t" "asan/$(basename "$t")"
done

run_pytest() { # binary label [pytest args...]
	local bin=$1 label=$2 out="$log_dir/$2.log" rc p f e
	shift 2
	PCCC_BIN=$bin timeout 900 $PY -m pytest -q -p no:cacheprovider "$@" tests/integ >"$out" 2>&1
	rc=$?
	local summary
	summary=$(grep -E '[0-9]+ (passed|failed|error)' "$out" | tail -1)
	p=$(echo "$summary" | grep -Eo '[0-9]+ passed' | grep -Eo '[0-9]+')
	f=$(echo "$summary" | grep -Eo '[0-9]+ failed' | grep -Eo '[0-9]+')
	e=$(echo "$summary" | grep -Eo '[0-9]+ errors?' | grep -Eo '[0-9]+')
	p=${p:-0}
	f=$((${f:-0} + ${e:-0}))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	printf '%-40s %3s passed, %s failed\n' "$label" "$p" "$f"
	if [ "$f" -gt 0 ]; then grep -E '^(FAILED|ERROR)|Error|assert' "$out" | head -40; fi
	add "$p" "$f" "$label"
}
if ls tests/integ/test_*.py >/dev/null 2>&1; then
	echo "== integration tests (real binary, real HTTP/TCP/UDP on 127.0.0.1)"
	run_pytest build/pccc integ
	echo "== integration tests against the ASan + UBSan binary"
	echo "   (tests marked slow — real-time windows, crash loops — run in the pass above only)"
	ASAN_OPTIONS=detect_leaks=0:exitcode=23 run_pytest build/asan/pccc integ-asan -m "not slow"
fi

run_node() { # label command...
	local label=$1 out="$log_dir/$1.log" rc p f
	shift
	timeout 600 "$@" >"$out" 2>&1
	rc=$?
	p=$(grep -E '^# pass [0-9]+' "$out" | grep -Eo '[0-9]+' | tail -1)
	f=$(grep -E '^# fail [0-9]+' "$out" | grep -Eo '[0-9]+' | tail -1)
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	printf '%-40s %3s passed, %s failed\n' "$label" "$p" "$f"
	if [ "$f" -gt 0 ]; then tail -40 "$out"; fi
	add "$p" "$f" "$label"
}
if [ -x tests/e2e/run.sh ]; then
	echo "== browser tests (Chromium)"
	run_node e2e bash tests/e2e/run.sh
fi
if [ -f tests/oidc/browser.test.mjs ]; then
	echo "== VNeID sign-in in the browser (real OpenID provider on loopback)"
	PCCC_BIN=build/pccc run_node e2e-vneid node --test tests/oidc/browser.test.mjs
fi

if [ -x tests/pg/run.sh ]; then
	echo "== PostgreSQL backend (throwaway cluster)"
	run_node pg bash tests/pg/run.sh
fi

echo "== fuzz targets (short runs; long runs: make fuzz)"
for fz in build/fuzz/fuzz_*; do
	[ -x "$fz" ] || continue
	n=$(basename "$fz")
	mkdir -p "build/fuzz/corpus/$n"
	seeds=()
	[ -d "fuzz/corpus/$n" ] && seeds+=("fuzz/corpus/$n")
	if timeout 120 "$fz" -max_total_time="${FUZZ_CHECK_SECONDS:-10}" -max_len=4096 \
		"build/fuzz/corpus/$n" "${seeds[@]}" >"$log_dir/$n.log" 2>&1; then
		printf '%-40s %3s passed, %s failed\n' "fuzz/$n" 1 0
		add 1 0 "$n"
	else
		printf '%-40s %3s passed, %s failed\n' "fuzz/$n" 0 1
		tail -30 "$log_dir/$n.log"
		add 0 1 "fuzz/$n"
	fi
done

echo
if [ "$fail" -gt 0 ]; then echo "failed: ${failed_names[*]}"; fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
