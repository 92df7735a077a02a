# Sourced by the PostgreSQL benchmarks (bench/import_pg.sh,
# bench/search_pg.sh): a throwaway PostgreSQL 15 cluster in a temporary
# directory, Unix socket only, fsync on (durable commits, unlike the test
# cluster of tests/pg/run.sh), stopped and removed on exit.
#   pg_cluster_start PREFIX   sets tmp (its directory, world-readable),
#                             PGHOST/PGPORT/PGUSER; url DB prints a URL
#   pg_cluster_on_exit CMD    runs CMD before the cluster stops
PGBIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
pg_cluster_extra=:

pg_cluster_on_exit() { pg_cluster_extra=$1; }

pg_cluster_stop() {
	eval "$pg_cluster_extra"
	"${AS[@]}" "$PGBIN/pg_ctl" -D "$tmp/data" -m immediate -w stop >/dev/null 2>&1 || true
	rm -rf "$tmp"
}

pg_cluster_start() {
	tmp=$(mktemp -d "/tmp/$1.XXXXXX")
	chmod 755 "$tmp"
	AS=()
	if [ "$(id -u)" = 0 ]; then
		chown postgres "$tmp"
		AS=(runuser -u postgres --)
	fi
	trap pg_cluster_stop EXIT INT TERM
	"${AS[@]}" mkdir -p "$tmp/sock" "$tmp/work"
	"${AS[@]}" "$PGBIN/initdb" -D "$tmp/data" -U pccc --auth=trust -E UTF8 --locale=C >/dev/null
	PORT=$((20000 + RANDOM % 20000))
	"${AS[@]}" "$PGBIN/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w \
		-o "-p $PORT -k $tmp/sock -c listen_addresses=''" start >/dev/null
	export PGHOST="$tmp/sock" PGPORT="$PORT" PGUSER=pccc
}

url() { echo "postgresql://pccc@/$1?host=$tmp/sock&port=$PORT"; }
