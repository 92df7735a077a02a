"""Bulk import in batches and the address search built on houses_terms:
a conflicting row deep inside a batch is named by its row and nothing is
written; the prefix of the last word is spelled out from the words the
houses hold (đ → d, legacy ward names still found); a search bound to one
commune ends at once when a word is in none of its houses, and leaves out
the commune's own names. The demo commune officer works in Phường Khương
Đình (00364)."""
import pytest

from authutil import call, token_cache
from conftest import Server

HDR = "Mã định danh nhà,Mã xã/phường,Đường/phố,Số nhà,Loại nhà,Số tầng,Số người ở\n"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("regbulk"), "demo")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def tok(demo):
    return token_cache(demo.url)


def post_csv(demo, t, text):
    return call(demo.url, "POST", "/api/v1/houses/import", t, data=text.encode(),
                headers={"Content-Type": "text/csv"})


def search(demo, t, q, limit=500):
    r = call(demo.url, "GET", "/api/v1/houses?limit=%d&q=%s" % (limit, q), t)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def count(demo, t):
    n, cursor = 0, ""
    while True:
        j = call(demo.url, "GET", "/api/v1/houses?limit=500" + cursor, t).json()
        n += len(j["items"])
        if not j.get("next_cursor"):
            return n
        cursor = "&cursor=" + j["next_cursor"]


def test_import_batches_all_or_nothing(demo, tok):
    t = tok("commune_officer")
    one = post_csv(demo, t, HDR + ",00364,Phố Đặng Tiến Đông,1,Nhà ống,3,4\n")
    assert one.status_code == 200, one.text
    taken = one.json()["ids"][0]
    before = count(demo, t)
    # 100 rows: three batches of 32 and four rows; row 72 (spreadsheet
    # numbering, header = 1) reuses an ID already registered
    rows = ["," + "00364,Phố Đặng Tiến Đông,%d,Nhà ống,3,4" % (i + 2) for i in range(100)]
    rows[70] = taken + ",00364,Phố Đặng Tiến Đông,999,Nhà ống,3,4"
    r = post_csv(demo, t, HDR + "\n".join(rows) + "\n")
    assert r.status_code == 422, r.text
    errs = r.json()["error"]["rows"]
    assert [e["row"] for e in errs] == [72], errs
    assert all(" / " in e["message"] for e in errs)
    assert count(demo, t) == before
    # the same rows without the conflict: all of them, IDs in row order
    rows[70] = ",00364,Phố Đặng Tiến Đông,999,Nhà ống,3,4"
    r = post_csv(demo, t, HDR + "\n".join(rows) + "\n")
    assert r.status_code == 200, r.text
    assert r.json()["imported"] == 100 and len(set(r.json()["ids"])) == 100
    assert count(demo, t) == before + 100


def test_search_prefix_and_folding(demo, tok):
    t = tok("city_fire_police")
    street = [h for h in search(demo, t, "dang%20tien%20dong") if h["unit"] == "00364"]
    assert len(street) == 101
    # prefix of the last word, with and without diacritics (đ → d)
    for q in ("dang%20tien%20do", "%C4%91%E1%BA%B7ng%20ti%E1%BA%BFn%20%C4%91", "dang%20ti"):
        got = {h["id"] for h in search(demo, t, q)}
        assert {h["id"] for h in street} <= got, q
    # only the last word is a prefix
    assert not [h for h in search(demo, t, "dan%20tien%20dong") if h["unit"] == "00364"]
    # legacy ward (Thanh Xuân Trung, now in Khương Đình) and district names
    for q in ("thanh%20xuan%20trung%20dang%20tien", "quan%20thanh%20xuan%20dang%20tien%20dong"):
        assert {h["id"] for h in street} <= {h["id"] for h in search(demo, t, q)}, q
    # a prefix no word starts with
    assert search(demo, t, "dang%20tien%20dongzq") == []
    # a prefix of many words (house numbers 1, 10..19, 100, 101 of the
    # street's 101 houses): the same answer whichever way it is matched
    ones = [h for h in search(demo, t, "dang%20tien%20dong%201") if h["unit"] == "00364"]
    assert sorted(h["house_number"] for h in ones) == sorted(
        ["1", "100", "101"] + [str(i) for i in range(10, 20)])
    # paging through the prefix search: newest first, no repeats
    seen, cursor = [], ""
    for _ in range(10):
        j = call(demo.url, "GET", "/api/v1/houses?limit=40&q=dang%20tien%20do" + cursor,
                 t).json()
        seen += [h["id"] for h in j["items"]]
        if not j.get("next_cursor"):
            break
        cursor = "&cursor=" + j["next_cursor"]
    assert len(seen) == len(set(seen)) and {h["id"] for h in street} <= set(seen)


def test_search_one_commune(demo, tok):
    t = tok("commune_officer")
    mine = search(demo, t, "dang%20tien%20dong")
    assert len(mine) == 101 and {h["unit"] for h in mine} == {"00364"}
    # the commune's own names are in every one of its houses
    assert len(search(demo, t, "phuong%20khuong%20dinh%20dang%20tien%20do")) == 101
    assert len(search(demo, t, "khuong%20di")) >= 101
    ones = search(demo, t, "khuong%20dinh%20dang%20tien%20dong%201")
    assert sorted(h["house_number"] for h in ones) == sorted(
        ["1", "100", "101"] + [str(i) for i in range(10, 20)])
    assert sorted(h["house_number"] for h in search(demo, t, "dang%20tien%20dong%2010")) == [
        "10", "100", "101"]
    # words none of its houses hold: nothing, whatever other communes have
    assert search(demo, t, "quan%20hoan%20kiem") == []
    assert search(demo, t, "dang%20tien%20dong%20hang%20bac") == []
    # the unit filter binds a city-wide search to one commune the same way
    c = tok("city_fire_police")
    r = call(demo.url, "GET", "/api/v1/houses?limit=500&unit=00364&q=dang%20tien%20d", c)
    assert r.status_code == 200 and len(r.json()["items"]) == 101
    r = call(demo.url, "GET", "/api/v1/houses?limit=500&unit=00364&q=hang%20bac", c)
    assert r.status_code == 200 and r.json()["items"] == []


def test_search_after_edit(demo, tok):
    """A street renamed by PATCH is found by its new words at once."""
    t = tok("commune_officer")
    h = search(demo, t, "dang%20tien%20dong", limit=1)[0]
    r = call(demo.url, "PATCH", "/api/v1/houses/" + h["id"], t,
             json={"street": "Ngõ Quỳnh Zzyzx"})
    assert r.status_code == 200, r.text
    assert [x["id"] for x in search(demo, t, "zzy")] == [h["id"]]
    assert [x["id"] for x in search(demo, tok("city_fire_police"), "quynh%20zz")] == [h["id"]]


# ---- `pccc import houses` in parts (one thread checks, the other writes) ----

PARTS = {"PCCC_IMPORT_PART_ROWS": "10"}   # 45 data rows: 5 parts


def cli_rows(n):
    return ["," + "00364,Phố Láng,%d,Nhà ống,3,4" % (i + 1) for i in range(n)]


def houses_in(data_dir):
    import sqlite3
    db = sqlite3.connect(str(data_dir / "pccc.db"))
    try:
        return db.execute("SELECT count(*) FROM houses").fetchone()[0]
    finally:
        db.close()


def test_cli_import_in_parts(tmp_path):
    from conftest import run_pccc
    p = tmp_path / "nha.csv"
    rows = cli_rows(45)
    rows[3] = ",00364,Phố Láng,4,Nhà lạ,3,4"        # row 5 (part 0)
    rows[36] = ",00364,Phố Láng,37,Nhà ống,ba,4"    # row 38 (part 3)
    p.write_text(HDR + "\n".join(rows) + "\n")
    r = run_pccc("import", "houses", str(p), "--data", str(tmp_path), env=PARTS)
    assert r.returncode == 1, r.stdout
    lines = [l for l in r.stderr.splitlines() if l.startswith("dòng ")]
    assert [l.split(",")[0] for l in lines] == ["dòng 5", "dòng 38"], r.stderr
    assert "cột Loại nhà" in lines[0] and "cột Số tầng" in lines[1]
    assert "không nhập gì" in r.stderr
    assert houses_in(tmp_path) == 0
    # a header error is told once, not once per part
    p.write_text(HDR.replace("Số tầng", "Số tầng lạ") + "\n".join(cli_rows(45)) + "\n")
    r = run_pccc("import", "houses", str(p), "--data", str(tmp_path), env=PARTS)
    assert r.returncode == 1, r.stderr
    assert [l for l in r.stderr.splitlines() if l.startswith("dòng ")] == [
        "dòng 1, cột Số tầng lạ: Cột «Số tầng lạ» không được nhận biết / unknown column"]
    # all rows good: every part written, in one transaction
    p.write_text(HDR + "\n".join(cli_rows(45)) + "\n")
    r = run_pccc("import", "houses", str(p), "--data", str(tmp_path), env=PARTS)
    assert r.returncode == 0, r.stderr
    assert "imported 45 rows" in r.stdout and houses_in(tmp_path) == 45


def test_cli_import_in_parts_write_failure(tmp_path):
    """A row refused by the database in a later part: nothing of the
    parts written before it stays."""
    from conftest import run_pccc
    import sqlite3
    p = tmp_path / "nha.csv"
    p.write_text(HDR + ",00364,Phố Láng,1,Nhà ống,3,4\n")
    assert run_pccc("import", "houses", str(p), "--data", str(tmp_path)).returncode == 0
    db = sqlite3.connect(str(tmp_path / "pccc.db"))
    taken = db.execute("SELECT id FROM houses").fetchone()[0]
    db.close()
    rows = cli_rows(45)
    rows[31] = taken + ",00364,Phố Láng,32,Nhà ống,3,4"   # row 33 (part 3)
    p.write_text(HDR + "\n".join(rows) + "\n")
    r = run_pccc("import", "houses", str(p), "--data", str(tmp_path), env=PARTS)
    assert r.returncode == 1, r.stdout
    assert "dòng 33" in r.stderr and "không nhập gì" in r.stderr, r.stderr
    assert houses_in(tmp_path) == 1


def test_cli_import_in_parts_prepared(tmp_path):
    """The checking thread looks the communes up and composes the
    addresses of each part: a commune code that does not exist in a later
    part is told at its row and nothing is written; in a good file every
    part's houses get their composed address and are found by search."""
    from conftest import run_pccc
    import sqlite3
    p = tmp_path / "nha.csv"
    rows = cli_rows(45)
    rows[40] = ",99999,Phố Láng,41,Nhà ống,3,4"      # row 42 (part 4)
    p.write_text(HDR + "\n".join(rows) + "\n")
    r = run_pccc("import", "houses", str(p), "--data", str(tmp_path), env=PARTS)
    assert r.returncode == 1, r.stdout
    lines = [l for l in r.stderr.splitlines() if l.startswith("dòng ")]
    assert len(lines) == 1 and lines[0].startswith("dòng 42, cột unit:"), r.stderr
    assert "không tồn tại" in lines[0] and "không nhập gì" in r.stderr
    assert houses_in(tmp_path) == 0
    p.write_text(HDR + "\n".join(cli_rows(45)) + "\n")
    r = run_pccc("import", "houses", str(p), "--data", str(tmp_path), env=PARTS)
    assert r.returncode == 0, r.stderr
    db = sqlite3.connect(str(tmp_path / "pccc.db"))
    try:
        got = db.execute("SELECT address_text, address_folded FROM houses "
                         "WHERE house_number = '44'").fetchall()
        assert len(got) == 1 and got[0][0].startswith("Số 44, Phố Láng, "), got
        assert got[0][1].startswith("so 44 pho lang "), got
        n = db.execute("SELECT count(*) FROM houses_fts WHERE houses_fts MATCH "
                       "'lang'").fetchone()[0]
        assert n == 45
        ids = [r[0] for r in db.execute("SELECT id FROM houses")]
        assert len(set(ids)) == 45
    finally:
        db.close()
