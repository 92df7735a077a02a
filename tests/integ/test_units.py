"""Administrative units, both schemes: lookup, search with diacritics
folded (đ → d too), children, successors, exports, GSO import."""
import csv
import io
import os
import zipfile

from conftest import SHARED, run_pccc


def items(r):
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_unit_shape(server):
    r = server.get("/api/v1/units/00364")
    assert r.status_code == 200
    u = r.json()
    for k in ["code", "scheme", "name", "type", "parent", "lat", "lon", "area_km2", "population"]:
        assert k in u
    assert u["code"] == "00364" and u["scheme"] == "2025"
    assert u["name"] == "Phường Khương Đình"
    assert u["parent"] == "01"
    assert isinstance(u["lat"], float) and 20.5 < u["lat"] < 21.5
    assert isinstance(u["population"], int) and u["population"] > 0


def test_same_code_both_schemes(server):
    new = server.get("/api/v1/units/00364?scheme=2025").json()
    old = server.get("/api/v1/units/00364?scheme=legacy").json()
    assert new["scheme"] == "2025" and old["scheme"] == "legacy"
    assert "Khương Đình" in old["name"]
    assert old["parent"] != "01"  # a legacy commune sits under its district
    district = server.get("/api/v1/units/%s?scheme=legacy" % old["parent"]).json()
    assert district["parent"] == "01"
    assert "Thanh Xuân" in district["name"]


def test_not_found(server):
    r = server.get("/api/v1/units/99999")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


def test_search_folds_diacritics_and_d(server):
    names = [u["name"] for u in items(server.get("/api/v1/units?q=dong%20da"))]
    assert any("Đống Đa" in n for n in names), names
    found = items(server.get("/api/v1/units?q=khuong%20dinh"))
    assert any(u["name"] == "Phường Khương Đình" and u["scheme"] == "2025" for u in found)
    # upper case and diacritics typed by the user work too
    found2 = items(server.get("/api/v1/units?q=KHƯƠNG%20ĐÌNH"))
    assert [u["code"] for u in found2] == [u["code"] for u in found]


def test_old_name_finds_legacy_unit_with_successors(server):
    # Phúc Xá (Ba Đình) no longer exists in 2025: it went into Hồng Hà
    found = items(server.get("/api/v1/units?q=phuc%20xa"))
    legacy = [u for u in found if u["scheme"] == "legacy" and u["code"] == "00001"]
    assert legacy, found
    succ = legacy[0]["successors"]
    assert any(s["code"] == "00097" for s in succ)
    r = server.get("/api/v1/units/00001/successors")
    assert any(s["code"] == "00097" and s["name"] == "Phường Hồng Hà" for s in items(r))


def test_divided_commune_has_several_successors(server):
    r = server.get("/api/v1/units/00007/successors")  # Cống Vị, divided
    assert len(items(r)) >= 2


def test_children_2025_and_legacy(server):
    communes = []
    cursor = None
    while True:
        q = "/api/v1/units/01/children?scheme=2025&limit=50" + ("&cursor=" + cursor if cursor else "")
        body = server.get(q).json()
        communes += body["items"]
        cursor = body.get("next_cursor")
        if not cursor:
            break
    assert len(communes) == 126
    assert len({u["code"] for u in communes}) == 126
    assert all(u["lat"] is not None for u in communes)
    districts = items(server.get("/api/v1/units/01/children?scheme=legacy&limit=500"))
    assert len(districts) == 30
    kids = items(server.get("/api/v1/units/001/children?scheme=legacy&limit=500"))
    assert any(u["code"] == "00001" for u in kids)


def test_provinces_2025(server):
    provs = items(server.get("/api/v1/units?scheme=2025&level=province&limit=500"))
    assert len(provs) == 34


def test_export_csv_whole_set(server):
    r = server.get("/api/v1/units/01/children?scheme=2025&format=csv&limit=5")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in r.headers["Content-Disposition"]
    text = r.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] in ("Mã", "Mã đơn vị")
    assert len(rows) == 127  # header + all 126, not one page


def test_export_xlsx(server):
    r = server.get("/api/v1/units/01/children?scheme=2025&format=xlsx")
    assert r.status_code == 200
    z = zipfile.ZipFile(io.BytesIO(r.content))
    sheet = z.read("xl/worksheets/sheet1.xml").decode()
    shared = z.read("xl/sharedStrings.xml").decode()
    assert "Khương Đình" in shared
    assert sheet.count("<row ") == 127


def test_import_gso_catalogue(tmp_path):
    src = os.path.join(SHARED, "data", "gso_catalog_legacy_2025-07-18.csv")
    r = run_pccc("import", "units", src, "--data", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "10035" in r.stdout  # communes in the real catalogue


def test_import_bad_rows_reported_by_line_and_nothing_written(tmp_path):
    src = os.path.join(SHARED, "data", "gso_catalog_legacy_2025-07-18.csv")
    with open(src, encoding="utf-8-sig") as f:
        lines = f.read().splitlines()
    bad = lines[:5] + ["12AB5,Phường Lỗi,,Phường,001,Quận Ba Đình,01,Thành phố Hà Nội",
                       "00099,Thiếu cột"] + lines[5:8]
    p = tmp_path / "bad.csv"
    p.write_text("\n".join(bad) + "\n", encoding="utf-8")
    r = run_pccc("import", "units", str(p), "--data", str(tmp_path))
    assert r.returncode != 0
    assert "dòng 6" in r.stderr and "dòng 7" in r.stderr, r.stderr
    # nothing was written: a valid row of the same file is not there
    ok = tmp_path / "ok.csv"
    ok.write_text("\n".join(lines[:1] + ["77777,Phường Thử Nghiệm,,Phường,001,Quận Ba Đình,01,Thành phố Hà Nội"]) + "\n", encoding="utf-8")
    bad2 = tmp_path / "bad2.csv"
    bad2.write_text("\n".join(lines[:1] + ["77778,Phường Thử Hai,,Phường,001,Quận Ba Đình,01,Thành phố Hà Nội", "x"]) + "\n", encoding="utf-8")
    assert run_pccc("import", "units", str(bad2), "--data", str(tmp_path)).returncode != 0
    assert run_pccc("import", "units", str(ok), "--data", str(tmp_path)).returncode == 0


def test_import_missing_file(tmp_path):
    r = run_pccc("import", "units", str(tmp_path / "nope.csv"), "--data", str(tmp_path))
    assert r.returncode != 0 and "nope.csv" in r.stderr
