#!/usr/bin/env bash
# Runs the PostgreSQL tests: starts a throwaway PostgreSQL 15 cluster (initdb
# into a temporary directory, listening on a Unix socket only, trust
# authentication, C collation so text sorts as on SQLite), applies the
# migrations with `pccc migrate --db postgres://...`, then runs pytest on
# tests/pg/test_pg_*.py (each test server gets a fresh database of that
# cluster). The cluster is stopped and removed on exit, whatever happens.
#
#   tests/pg/run.sh                 the PostgreSQL subset (scripts/check.sh):
#                                   tests/pg/test_pg_db.c (cmocka, built here
#                                   against build/libpccc.a),
#                                   tests/pg/test_pg_*.py and the search tests
#                                   of tests/integ/test_register_bulk.py; ends
#                                   with the lines "# pass N" / "# fail N"
#   tests/pg/run.sh --integ FILE..  also runs tests/integ files against PG
#                                   (every Server there on its own database)
#
# PCCC_BIN picks the binary (default build/pccc). Run as root, the cluster
# runs as the `postgres` system user (initdb refuses root); otherwise as
# the current user.
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
PY=/usr/bin/python3
BIN=${PCCC_BIN:-build/pccc}
PGBIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

if [ ! -x "$PGBIN/initdb" ]; then
	echo "tests/pg: PostgreSQL 15 không có ở $PGBIN / not installed (apt-get install postgresql-15)" >&2
	printf '# pass 0\n# fail 1\n'
	exit 1
fi
if [ ! -x "$BIN" ]; then
	echo "tests/pg: $BIN chưa được build / not built (make build)" >&2
	printf '# pass 0\n# fail 1\n'
	exit 1
fi

TMP=$(mktemp -d /tmp/pccc-pg.XXXXXX)
chmod 755 "$TMP"
AS=()
if [ "$(id -u)" = 0 ]; then
	chown postgres "$TMP"
	AS=(runuser -u postgres --)
fi
PORT=$((20000 + RANDOM % 20000))
SOCK="$TMP/sock"
DATA="$TMP/data"

cleanup() {
	if [ -f "$DATA/postmaster.pid" ]; then
		"${AS[@]}" "$PGBIN/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

"${AS[@]}" mkdir -p "$SOCK"
if ! "${AS[@]}" "$PGBIN/initdb" -D "$DATA" -U pccc --auth=trust -E UTF8 --locale=C \
	>"$TMP/initdb.log" 2>&1; then
	cat "$TMP/initdb.log" >&2
	printf '# pass 0\n# fail 1\n'
	exit 1
fi
if ! "${AS[@]}" "$PGBIN/pg_ctl" -D "$DATA" -l "$TMP/server.log" -w -t 60 \
	-o "-p $PORT -k $SOCK -c listen_addresses='' -c fsync=off -c max_connections=200" \
	start >/dev/null; then
	cat "$TMP/server.log" >&2
	printf '# pass 0\n# fail 1\n'
	exit 1
fi

export PGHOST="$SOCK" PGPORT="$PORT" PGUSER=pccc
export PCCC_PG_BIN="$PGBIN" PCCC_PG_BASE="postgresql://pccc@/%s?host=$SOCK&port=$PORT"
export PCCC_BIN="$BIN"
"$PGBIN/createdb" pccc_migrate
URL="postgresql://pccc@/pccc_migrate?host=$SOCK&port=$PORT"
mkdir -p "$TMP/migrate"
if ! "$BIN" migrate --db "$URL" --data "$TMP/migrate" >"$TMP/migrate.log" 2>&1; then
	echo "tests/pg: pccc migrate --db postgres://... thất bại / failed:" >&2
	tail -20 "$TMP/migrate.log" >&2
	printf '# pass 0\n# fail 1\n'
	exit 1
fi
echo "tests/pg: migrations applied on PostgreSQL $("$PGBIN/postgres" -V | awk '{print $3}') ($URL)"

integ=()
if [ "${1:-}" = "--integ" ]; then
	shift
	integ=("$@")
fi
if [ ${#integ[@]} -gt 0 ]; then
	PYTHONPATH="$ROOT/tests/pg:$ROOT/tests/integ" timeout 1800 $PY -m pytest -q \
		-p no:cacheprovider -p pg_integ_plugin --rootdir "$ROOT/tests/integ" "${integ[@]}"
	exit $?
fi

# 1. the statement layer (tests/pg/test_pg_db.c, cmocka) on a fresh database
pass=0
fail=0
LIB=${PCCC_LIB:-$(dirname "$BIN")/libpccc.a}
"$PGBIN/createdb" pccc_unit
if [ -f "$LIB" ] && cc -std=c11 -D_GNU_SOURCE -g -Isrc -Wall -Wextra -Werror -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -fno-common -o "$TMP/test_pg_db" \
	tests/pg/test_pg_db.c "$LIB" $(pkg-config --libs libmicrohttpd jansson sqlite3 libsodium \
	libcrypto libcurl cjose libpq libqrencode xlsxwriter libzip expat cmocka 2>/dev/null) \
	-lm -lpthread >"$TMP/cc.log" 2>&1; then
	PCCC_PG_URL="postgresql://pccc@/pccc_unit?host=$SOCK&port=$PORT" \
		CMOCKA_MESSAGE_OUTPUT=stdout timeout 300 "$TMP/test_pg_db" >"$TMP/unit.log" 2>&1
	rc=$?
	p=$(grep -Eo '\[  PASSED  \] [0-9]+' "$TMP/unit.log" | grep -Eo '[0-9]+$' | tail -1)
	f=$(grep -Eo '\[  FAILED  \] [0-9]+' "$TMP/unit.log" | grep -Eo '[0-9]+$' | tail -1)
	p=${p:-0}
	f=${f:-0}
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	grep -E '^\[ *(OK|FAILED|ERROR|LINE) *\]' "$TMP/unit.log" | grep -v '^\[ *OK' || true
	echo "test_pg_db (statement layer): $p passed, $f failed"
else
	echo "tests/pg: test_pg_db.c không build được / does not build ($LIB):" >&2
	tail -20 "$TMP/cc.log" >&2
	p=0
	f=1
fi
pass=$((pass + p))
fail=$((fail + f))

# Adds the passed and failed (and errored) tests of a pytest log to the
# totals; a log without a summary line counts as one failure.
count_pytest() {
	local summary p f e
	summary=$(grep -E '[0-9]+ (passed|failed|error)' "$1" | tail -1)
	p=$(echo "$summary" | grep -Eo '[0-9]+ passed' | grep -Eo '[0-9]+')
	f=$(echo "$summary" | grep -Eo '[0-9]+ failed' | grep -Eo '[0-9]+')
	e=$(echo "$summary" | grep -Eo '[0-9]+ errors?' | grep -Eo '[0-9]+')
	f=$((${f:-0} + ${e:-0}))
	if [ -z "$summary" ]; then f=1; fi
	pass=$((pass + ${p:-0}))
	fail=$((fail + f))
}

# 2. the binary over HTTP and DC-09 (tests/pg/test_pg_*.py)
PYTHONPATH="$ROOT/tests/integ:$ROOT/tests/pg" timeout 900 $PY -m pytest -q \
	-p no:cacheprovider tests/pg 2>&1 | tee "$TMP/pytest.log" | grep -v '^{'
count_pytest "$TMP/pytest.log"
# 3. the address search of the integration tests (prefix of the last word,
#    folding, legacy names, one commune, paging), here on PostgreSQL
PYTHONPATH="$ROOT/tests/pg:$ROOT/tests/integ" timeout 600 $PY -m pytest -q \
	-p no:cacheprovider -p pg_integ_plugin --rootdir "$ROOT/tests/integ" \
	tests/integ/test_register_bulk.py -k "search or batches" 2>&1 |
	tee "$TMP/search.log" | grep -v '^{'
count_pytest "$TMP/search.log"
if [ "$fail" -gt 0 ] && [ -n "${PCCC_PG_SHOW_LOG:-}" ]; then
	tail -40 "$TMP/server.log" >&2
fi
# the form scripts/check.sh's run_node counts
echo "# pass $pass"
echo "# fail $fail"
[ "$fail" -eq 0 ]
