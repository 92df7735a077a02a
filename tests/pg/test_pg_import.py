"""House import on PostgreSQL: each part of the file goes in as one COPY
(not one INSERT and savepoint per row), still all rows or none. Values
with the characters COPY's text format escapes arrive unchanged; a
duplicate ID is named by its row whether it was stored before, by an
earlier part, or twice in one part; the secondary indexes, dropped and
rebuilt for an import larger than the table, are all there after a good
import and after a failed one; the HTTP import (one part) names its
conflicting row too. Against the throwaway cluster of tests/pg/run.sh."""
import pytest

from authutil import call, token_cache
from conftest import Server, run_pccc
from pgutil import new_db, psql

HDR = "Mã định danh nhà,Mã xã/phường,Đường/phố,Số nhà,Loại nhà,Số tầng,Số người ở,Ghi chú\n"
PARTS = {"PCCC_IMPORT_PART_ROWS": "10"}


def rows(n, street="Phố Láng"):
    return [",00364,%s,%d,Nhà ống,3,4," % (street, i + 1) for i in range(n)]


def migrated(tmp_path, prefix):
    url = new_db(prefix)
    r = run_pccc("migrate", "--db", url, "--data", str(tmp_path))
    assert r.returncode == 0, r.stderr[-2000:]
    return url


def imp(tmp_path, url, text, env=None):
    p = tmp_path / "nha.csv"
    p.write_text(text)
    return run_pccc("import", "houses", str(p), "--db", url, "--data", str(tmp_path),
                    env=env, timeout=300)


def count(url):
    return int(psql(url, "SELECT count(*) FROM houses")[0][0])


def row_lines(r):
    return [l for l in r.stderr.splitlines() if l.startswith("dòng ")]


def indexes(url):
    return sorted(r[0] for r in psql(url, "SELECT indexname FROM pg_indexes WHERE "
                                          "tablename = 'houses'"))


def test_copy_in_parts_keeps_every_value(tmp_path):
    url = migrated(tmp_path, "imp")
    body = rows(45)
    # backslashes (COPY's text format escapes them), a value that reads as
    # its end-of-data marker and one that reads as its NULL (tabs and line
    # breaks are refused by the checks; tests/pg/test_pg_db.c copies them)
    body[12] = ',00364,"Ngõ 5\\7 Láng",13,Nhà ống,3,4,a\\tb\\nc'
    body[13] = ',00364,Phố Láng,14,Nhà ống,3,4,\\.'
    body[14] = ',00364,Phố Láng,15,Nhà ống,3,4,\\N'
    r = imp(tmp_path, url, HDR + "\n".join(body) + "\n", PARTS)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "imported 45 rows" in r.stdout
    assert count(url) == 45
    got = dict((n, (s, t)) for n, s, t in psql(
        url, "SELECT house_number, street, coalesce(notes, '<null>') FROM houses"))
    assert got["13"][0] == "Ngõ 5\\7 Láng"
    assert got["13"][1] == "a\\tb\\nc"
    assert got["14"][1] == "\\." and got["15"][1] == "\\N" and got["1"][1] == "<null>"
    # composed address, fresh IDs, no NULLs where a number was given
    a = psql(url, "SELECT address_text, address_folded, floors, occupants FROM houses "
                  "WHERE house_number = '44'")[0]
    assert a[0].startswith("Số 44, Phố Láng, ") and a[1].startswith("so 44 pho lang ")
    assert a[2:] == ["3", "4"]
    assert psql(url, "SELECT count(DISTINCT id), count(DISTINCT serial) FROM houses") == [
        ["45", "45"]]


def test_duplicate_id_named_by_its_row(tmp_path):
    url = migrated(tmp_path, "dup")
    assert imp(tmp_path, url, HDR + ",00364,Phố Láng,1,Nhà ống,3,4,\n").returncode == 0
    taken = psql(url, "SELECT id FROM houses")[0][0]
    # stored before the import: row 33 (header = row 1), part 3
    body = rows(45)
    body[31] = taken + ",00364,Phố Láng,32,Nhà ống,3,4,"
    r = imp(tmp_path, url, HDR + "\n".join(body) + "\n", PARTS)
    assert r.returncode == 1
    assert row_lines(r) == ["dòng 33, cột id: Mã định danh nhà đã tồn tại / house ID "
                            "already registered"], r.stderr[-2000:]
    assert "không nhập gì" in r.stderr and count(url) == 1
    # a new ID twice in one part (rows 24 and 27): the second is named
    fresh = "".join(psql(url, "SELECT id FROM houses")[0])
    psql(url, "DELETE FROM houses")
    body = rows(45)
    body[22] = fresh + ",00364,Phố Láng,23,Nhà ống,3,4,"
    body[25] = fresh + ",00364,Phố Láng,26,Nhà ống,3,4,"
    r = imp(tmp_path, url, HDR + "\n".join(body) + "\n", PARTS)
    assert r.returncode == 1 and [l.split(",")[0] for l in row_lines(r)] == ["dòng 27"], \
        r.stderr[-2000:]
    # ... and in two parts (rows 5 and 40): the later row
    body = rows(45)
    body[3] = fresh + ",00364,Phố Láng,4,Nhà ống,3,4,"
    body[38] = fresh + ",00364,Phố Láng,39,Nhà ống,3,4,"
    r = imp(tmp_path, url, HDR + "\n".join(body) + "\n", PARTS)
    assert r.returncode == 1 and [l.split(",")[0] for l in row_lines(r)] == ["dòng 40"], \
        r.stderr[-2000:]
    assert count(url) == 0
    # the same file without the second copy goes in whole
    body[38] = ",00364,Phố Láng,39,Nhà ống,3,4,"
    r = imp(tmp_path, url, HDR + "\n".join(body) + "\n", PARTS)
    assert r.returncode == 0, r.stderr[-2000:]
    assert count(url) == 45 and psql(url, "SELECT count(*) FROM houses WHERE id = '%s'"
                                     % fresh) == [["1"]]


def test_large_import_rebuilds_the_indexes(tmp_path):
    url = migrated(tmp_path, "big")
    want = indexes(url)
    assert "houses_search_words" in want and "houses_unit" in want
    # more rows than the table holds (and >= 1000): the secondary indexes
    # are dropped and built again inside the import's transaction
    body = rows(1500)
    body[-1] = ",00364,Phố Láng,1500,Nhà ống,3,4,"
    r = imp(tmp_path, url, HDR + "\n".join(body) + "\n")
    assert r.returncode == 0, r.stderr[-2000:]
    assert count(url) == 1500 and indexes(url) == want
    # a failed large import: nothing written, every index still there
    psql(url, "DELETE FROM houses")
    assert imp(tmp_path, url, HDR + ",00364,Phố Láng,1,Nhà ống,3,4,\n").returncode == 0
    taken = psql(url, "SELECT id FROM houses")[0][0]
    body = rows(1500, "Phố Huế")
    body[1400] = taken + ",00364,Phố Huế,1401,Nhà ống,3,4,"
    r = imp(tmp_path, url, HDR + "\n".join(body) + "\n")
    assert r.returncode == 1 and [l.split(",")[0] for l in row_lines(r)] == ["dòng 1402"], \
        r.stderr[-2000:]
    assert count(url) == 1 and indexes(url) == want
    # the planner can use the address index again
    plan = "\n".join(r[0] for r in psql(
        url, "SET enable_seqscan = off; EXPLAIN SELECT id FROM houses h WHERE "
             "search_words @@ to_tsquery('simple', 'pho & la:* & u00364')"))
    assert "houses_search_words" in plan, plan


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    url = new_db("impdemo")
    s = Server(tmp_path_factory.mktemp("pgimp"), "demo", extra=["--db", url])
    s.db = url
    yield s
    s.stop()


def test_http_import_names_the_conflicting_row(demo):
    t = token_cache(demo.url)("commune_officer")

    def post(text):
        return call(demo.url, "POST", "/api/v1/houses/import", t, data=text.encode(),
                    headers={"Content-Type": "text/csv"})

    one = post(HDR + ",00364,Phố Đặng Tiến Đông,1,Nhà ống,3,4,\n")
    assert one.status_code == 200, one.text
    taken = one.json()["ids"][0]
    before = count(demo.db)
    body = rows(60, "Phố Đặng Tiến Đông")
    body[47] = taken + ",00364,Phố Đặng Tiến Đông,48,Nhà ống,3,4,"
    r = post(HDR + "\n".join(body) + "\n")
    assert r.status_code == 422, r.text
    errs = r.json()["error"]["rows"]
    assert [(e["row"], e["column"]) for e in errs] == [(49, "id")], errs
    assert count(demo.db) == before
    r = post(HDR + "\n".join(rows(60, "Phố Đặng Tiến Đông")) + "\n")
    assert r.status_code == 200 and r.json()["imported"] == 60, r.text
    assert count(demo.db) == before + 60


RES_HDR = "Số định danh cá nhân,Họ và tên,Mã định danh nhà,Quan hệ với chủ hộ,Số điện thoại,Số hộ\n"


def test_population_import(tmp_path):
    """Residents in one transaction without a savepoint per statement (a
    subtransaction each slowed PostgreSQL to 383 rows/s), their households
    numbered from one block of ids: a row naming no house is reported and
    the others go in; a second import updates the same people."""
    url = migrated(tmp_path, "pop")
    assert imp(tmp_path, url, HDR + "\n".join(rows(30)) + "\n").returncode == 0
    ids = [r[0] for r in psql(url, "SELECT id FROM houses ORDER BY serial")]
    lines = ["0010%08d,Người %d,%s,%s,09%08d,H%d" % (k, k, ids[k // 3],
                                                   "Chủ hộ" if k % 3 == 0 else "Thành viên",
                                                   k, k // 3) for k in range(90)]
    lines[40] = "001099999999,Không nhà,ZZZZZZZZZZ,Chủ hộ,0912345678,H1"
    p = tmp_path / "dan.csv"
    p.write_text(RES_HDR + "\n".join(lines) + "\n")
    r = run_pccc("import", "residents", str(p), "--db", url, "--data", str(tmp_path))
    assert r.returncode == 0, r.stderr[-2000:]
    assert [l.split(",")[0] for l in row_lines(r)] == ["dòng 42"], r.stderr[-2000:]
    assert psql(url, "SELECT count(*), count(DISTINCT id), count(DISTINCT household_id) "
                     "FROM residents") == [["89", "89", "30"]]
    assert psql(url, "SELECT count(*) FROM households") == [["30"]]
    # the same people again, renamed: updated, not added
    p.write_text(RES_HDR + "\n".join(l.replace("Người", "Cư dân") for l in lines) + "\n")
    r = run_pccc("import", "residents", str(p), "--db", url, "--data", str(tmp_path))
    assert r.returncode == 0, r.stderr[-2000:]
    assert psql(url, "SELECT count(*), count(*) FILTER (WHERE name LIKE 'Cư dân %') "
                     "FROM residents") == [["89", "89"]]
    assert psql(url, "SELECT count(*) FROM households") == [["30"]]
