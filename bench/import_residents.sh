#!/usr/bin/env bash
# Population import (`pccc import residents`, the CSV keyed by personal ID
# number and house ID that population data exports): imports N/2
# generated houses, then N residents (default 200000; two per house, each
# with ID number and phone, both encrypted and blind-indexed) into that
# SQLite database, and — side by side, on a copy of the same database —
# with a baseline binary when PCCC_BASE names one. Prints one row for
# bench/RESULTS.md. Writes no file of the tree.
#   bench/import_residents.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200000}
pccc=${PCCC:-build/pccc}
base=${PCCC_BASE:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$pccc" generate --csv "$tmp/houses.csv" --houses $((N / 2)) --data "$tmp/gen" >/dev/null 2>&1
mkdir -p "$tmp/a"
"$pccc" import houses "$tmp/houses.csv" --data "$tmp/a" >/dev/null 2>&1
/usr/bin/python3 - "$tmp/a/pccc.db" "$tmp/res.csv" "$N" <<'PY'
import sqlite3, sys
db, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
ids = [r[0] for r in sqlite3.connect(db).execute("SELECT id FROM houses ORDER BY serial")]
with open(out, "w") as f:
    f.write("Số định danh cá nhân,Họ và tên,Mã định danh nhà,Quan hệ với chủ hộ,"
            "Số điện thoại,Năm sinh,Số hộ\n")
    for k in range(n):
        h = k // 2
        f.write("001%09d,Nguyễn Văn %d,%s,%s,09%08d,%d,H%d\n" % (
            k + 1, k + 1, ids[h % len(ids)], "Chủ hộ" if k % 2 == 0 else "Thành viên",
            k + 1, 1950 + k % 60, h))
PY
cp -r "$tmp/a" "$tmp/b"
rate() { sed -n 's/.*, \([0-9]*\) dòng\/s rows\/s.*/\1/p'; }
r=$("$pccc" import residents "$tmp/res.csv" --data "$tmp/a" 2>&1 | tail -1 | rate)
echo "pccc import residents: $r rows/s"
b="—"
if [ -n "$base" ]; then
	b=$("$base" import residents "$tmp/res.csv" --data "$tmp/b" 2>&1 | tail -1 | rate)
	echo "baseline ($base): $b rows/s"
fi
echo "| result | pccc import residents $r rows/s | baseline $b rows/s |"
