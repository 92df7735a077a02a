#!/usr/bin/env bash
# How fast could a house import be at all on this machine? Imports N
# generated houses with `pccc import houses` (default 200000), then times,
# with the same libsqlite3 and the same cache size, only the SQLite work
# that import must do in its one transaction, with no CSV, no checks and
# no binding: the rows copied by INSERT ... SELECT into a copy of the
# houses table (its two unique indexes), the address index (FTS5) filled,
# the four secondary indexes built, the commit. Prints both rates: the
# second is the ceiling of any import that keeps this schema and builds
# its search indexes before it answers. 127.0.0.1 only; writes no file of
# the tree.
#   bench/import_floor.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200000}
pccc=${PCCC:-build/pccc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$pccc" generate --csv "$tmp/houses.csv" --houses "$N" --data "$tmp/gen" >/dev/null 2>&1
mkdir -p "$tmp/imp"
out=$("$pccc" import houses "$tmp/houses.csv" --data "$tmp/imp" 2>&1 | tail -1)
rate=$(echo "$out" | sed -n 's/.*, \([0-9]*\) dòng\/s rows\/s.*/\1/p')
echo "import: $out"

/usr/bin/python3 - "$tmp/imp/pccc.db" "$N" "$rate" <<'PY'
import re, sqlite3, sys, time
db, n, rate = sys.argv[1], int(sys.argv[2]), sys.argv[3]
c = sqlite3.connect(db, isolation_level=None)
c.execute("PRAGMA cache_size = -%d" % min(max(n * 2, 65536), 1048576))  # as the import
c.execute("PRAGMA synchronous = NORMAL")
sql = dict(c.execute("SELECT name, sql FROM sqlite_master WHERE name IN ('houses', 'houses_fts')"))
idx = [s for (s,) in c.execute(
    "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'houses' AND sql IS NOT NULL "
    "AND upper(sql) NOT LIKE '% WHERE %' ORDER BY name")]
c.execute(re.sub(r"^CREATE TABLE houses", "CREATE TABLE h2", sql["houses"]))
c.execute(sql["houses_fts"].replace("houses_fts", "h2_fts", 1).replace("content='houses'", "content='h2'"))
steps = []
def step(name, q):
    t = time.perf_counter()
    c.execute(q)
    steps.append((name, time.perf_counter() - t))
step("begin", "BEGIN IMMEDIATE")
step("rows", "INSERT INTO h2 SELECT * FROM houses")
step("address index", "INSERT INTO h2_fts (rowid, address_folded, unit) SELECT serial, address_folded, unit FROM h2")
for i, s in enumerate(idx):
    step("index %d" % (i + 1), re.sub(r"INDEX (\w+) ON houses", r"INDEX \1_b ON h2", s))
step("commit", "COMMIT")
total = sum(t for _, t in steps)
print("floor: " + ", ".join("%s %.0f ms" % (k, t * 1000) for k, t in steps if k != "begin"))
print("| result | pccc import %s rows/s | SQLite work alone: %.0f rows/s (%.2f s for %d rows) |" % (rate, n / total, total, n))
PY
