#!/usr/bin/python3
"""Writes pccc's administrative-unit seed (src/store/seed/) from the reference
data in ../shared/data (vietnamadminunits by tranngocminhhieu, MIT; codes and
names are GSO public facts).

  /usr/bin/python3 scripts/mkseed.py [DATA_DIR] [OUT_DIR]

units.tsv: one unit per line, tab-separated:
  scheme level code parent type name lat lon area_km2 population
(empty = unknown). unit_successors.tsv: legacy_code new_code, for legacy
communes (one line per 2025 commune they went into), the legacy island
districts that had no communes (they became a 2025 commune directly) and the
legacy provinces (the 2025 province they became part of).
Lines starting with '#' are comments. The output is deterministic."""
import csv
import os
import sys

SOURCE = ("# source: vietnamadminunits (tranngocminhhieu), MIT; "
          "codes and names are GSO public facts\n")
TYPES = ["Thành phố", "Tỉnh", "Quận", "Huyện", "Thị xã", "Phường", "Xã",
         "Thị trấn", "Đặc khu"]


def type_of(name):
    for t in sorted(TYPES, key=len, reverse=True):
        if name.startswith(t + " "):
            return t
    sys.exit("mkseed: no type prefix in %r" % name)


def num(s):
    """A number as written, or "" when the source has none ("đang cập nhật")."""
    s = s.strip()
    try:
        float(s)
    except ValueError:
        return ""
    return "" if s.lower() in ("nan", "inf", "-inf") else s


def count(s):
    s = num(s)
    return str(int(float(s))) if s else ""


def read(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared", "data")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "src", "store", "seed")
    provinces = read(os.path.join(data, "provinces_2025.csv"))
    communes = read(os.path.join(data, "units_2025.csv"))
    legacy = read(os.path.join(data, "units_legacy_to_2025.csv"))

    rows = []
    for p in sorted(provinces, key=lambda r: r["code"]):
        rows.append(("2025", "province", p["code"], "", type_of(p["name"]), p["name"],
                     num(p["lat"]), num(p["lon"]), "", ""))
    pcodes = {p["code"] for p in provinces}
    for c in sorted(communes, key=lambda r: r["code"]):
        assert c["province_code"] in pcodes, c
        rows.append(("2025", "commune", c["code"], c["province_code"], c["type"], c["name"],
                     num(c["lat"]), num(c["lon"]), num(c["area_km2"]), count(c["population"])))
    new_codes = {c["code"] for c in communes}

    lprov, ldist, lcomm = {}, {}, {}
    succ = set()
    for r in legacy:
        lprov.setdefault(r["province_code"], r["province_name"])
        ldist.setdefault(r["district_code"], (r["province_code"], r["district_type"],
                                              r["district_name"]))
        assert r["new_commune_code"] in new_codes, r
        succ.add((r["province_code"], r["new_province_code"]))
        if r["commune_code"]:
            lcomm.setdefault(r["commune_code"], (r["district_code"], r["commune_type"],
                                                 r["commune_name"]))
            succ.add((r["commune_code"], r["new_commune_code"]))
        else:
            succ.add((r["district_code"], r["new_commune_code"]))
    for code in sorted(lprov):
        rows.append(("legacy", "province", code, "", type_of(lprov[code]), lprov[code],
                     "", "", "", ""))
    for code in sorted(ldist):
        p, t, n = ldist[code]
        rows.append(("legacy", "district", code, p, t, n, "", "", "", ""))
    for code in sorted(lcomm):
        d, t, n = lcomm[code]
        rows.append(("legacy", "commune", code, d, t, n, "", "", "", ""))

    for r in rows:
        for f in r:
            assert "\t" not in f and "\n" not in f, r
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "units.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write(SOURCE)
        f.write("# scheme\tlevel\tcode\tparent\ttype\tname\tlat\tlon\tarea_km2\tpopulation\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    with open(os.path.join(out, "unit_successors.tsv"), "w", encoding="utf-8",
              newline="\n") as f:
        f.write(SOURCE)
        f.write("# legacy_code\tnew_code\n")
        for a, b in sorted(succ):
            f.write(a + "\t" + b + "\n")
    print("mkseed: %d units, %d successor pairs" % (len(rows), len(succ)))


if __name__ == "__main__":
    main()
