#!/usr/bin/env bash
# House import on PostgreSQL: starts a throwaway PostgreSQL 15 cluster
# (Unix socket only, fsync on: durable commits), imports N generated
# houses (default 200000) with `pccc import houses --db postgres://...`
# into an empty, migrated database, and — side by side — with a baseline
# binary when PCCC_BASE names one (e.g. a build of the previous commit);
# then PG_RESIDENTS (default 50000) residents into those houses, the same.
# Then times PostgreSQL's own work for the same rows: COPY of the stored
# rows (psql \copy) into a copy of the table without indexes, and each
# index built after. Prints one row for bench/RESULTS.md. Writes no file
# of the tree.
#   bench/import_pg.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200000}
pccc=$(realpath "${PCCC:-build/pccc}")
base=${PCCC_BASE:+$(realpath "$PCCC_BASE")}
. bench/pg_cluster.sh
pg_cluster_start pccc-pgbench
mkdir -p "$tmp/gen"
"$pccc" generate --csv "$tmp/houses.csv" --houses "$N" --data "$tmp/gen" >/dev/null 2>&1

run_import() { # binary db
	"$PGBIN/createdb" "$2"
	"$1" migrate --db "$(url "$2")" --data "$tmp/gen" >/dev/null 2>&1
	"$1" import houses "$tmp/houses.csv" --db "$(url "$2")" --data "$tmp/gen" 2>&1 | tail -1 |
		sed -n 's/.*, \([0-9]*\) dòng\/s rows\/s.*/\1/p'
}
rate=$(run_import "$pccc" imp)
echo "pccc import: $rate rows/s"
brate="—"
if [ -n "$base" ]; then
	brate=$(run_import "$base" base)
	echo "baseline ($base): $brate rows/s"
fi

# population data: R residents (PG_RESIDENTS, default 50000; two per
# house, ID number and phone) into the houses just imported
R=${PG_RESIDENTS:-50000}
run_residents() { # binary db
	psql -X -At -d "$2" -c "SELECT id FROM houses ORDER BY serial LIMIT $((R / 2))" >"$tmp/work/ids"
	/usr/bin/python3 - "$tmp/work/ids" "$tmp/work/res.csv" "$R" <<'PY'
import sys
ids = [l.strip() for l in open(sys.argv[1]) if l.strip()]
with open(sys.argv[2], "w") as f:
    f.write("Số định danh cá nhân,Họ và tên,Mã định danh nhà,Quan hệ với chủ hộ,"
            "Số điện thoại,Năm sinh,Số hộ\n")
    for k in range(int(sys.argv[3])):
        f.write("001%09d,Nguyễn Văn %d,%s,%s,09%08d,%d,H%d\n" % (
            k + 1, k + 1, ids[(k // 2) % len(ids)], "Chủ hộ" if k % 2 == 0 else "Thành viên",
            k + 1, 1950 + k % 60, k // 2))
PY
	"$1" import residents "$tmp/work/res.csv" --db "$(url "$2")" --data "$tmp/gen" 2>&1 |
		tail -1 | sed -n 's/.*, \([0-9]*\) dòng\/s rows\/s.*/\1/p'
}
rrate=$(run_residents "$pccc" imp)
echo "pccc import residents: $rrate rows/s"
rbrate="—"
if [ -n "$base" ]; then
	rbrate=$(run_residents "$base" base)
	echo "baseline ($base): $rbrate rows/s"
fi

# PostgreSQL's own work for the same rows
psql -X -q -d imp -c "\\copy houses to '$tmp/work/h.copy'"
psql -X -q -d imp -c "CREATE TABLE h2 (LIKE houses INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED)"
ms() { psql -X -q -d imp -c '\timing on' -c "SET maintenance_work_mem = '256MB'" -c "$1" |
	sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1; }
t_copy=$(ms "\\copy h2 from '$tmp/work/h.copy'")
idx=$(psql -X -At -d imp -c "SELECT indexname || '|' || indexdef FROM pg_indexes WHERE tablename = 'houses' ORDER BY indexname")
total=$t_copy
steps="COPY ${t_copy%.*} ms"
while IFS='|' read -r name def; do
	def=$(echo "$def" | sed -E "s/INDEX ([a-z_]+) ON (public\\.)?houses/INDEX \\1_b ON h2/")
	t=$(ms "$def")
	total=$(echo "$total + $t" | bc)
	steps="$steps, $name ${t%.*} ms"
done <<<"$idx"
floor=$(echo "$N * 1000 / $total" | bc)
echo "floor: $steps"
echo "| result | pccc import $rate rows/s (baseline $brate rows/s) | PostgreSQL's work alone: $floor rows/s ($steps) |"
echo "| result | pccc import residents ($R) $rrate rows/s | baseline $rbrate rows/s |"
