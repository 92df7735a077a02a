"""Every inspection in scope, over HTTP against `pccc demo`:
GET /api/v1/inspections lists houses' and facilities' inspections newest
first (date, then id) with what the inspections page shows (the target's
address or name, the commune's name, the kind and outcome in Vietnamese,
the failing items, the printed record's number once printed); filters by
commune, target kind, kind, outcome, failing item, dates and inspector;
cursor paging without overlap; CSV/XLSX export of the filtered set with
Vietnamese headers; bad dates and cursors get a 400 naming the parameter;
another commune's officer sees none of them; roles without the inspect
capability get 403."""
import csv
import io

import pytest

from authutil import call, login, token_cache
from conftest import Server


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("inspdemo"), "demo")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def tok(demo):
    return token_cache(demo.url)


@pytest.fixture(scope="module")
def made(demo, tok):
    """Three inspections in 00364 on dates no demo inspection has (1999):
    a failing periodic one of a house, a passing self-inspection of the
    same house, an unannounced failing one of a facility."""
    t = tok("commune_officer")
    house = call(demo.url, "POST", "/api/v1/houses", t,
                 json={"unit": "00364", "street": "Phố Khương Hạ", "house_number": "17",
                       "house_type": "boarding_house", "floors": 4, "occupants": 18}).json()
    fac = call(demo.url, "POST", "/api/v1/facilities", t,
               json={"category": "entertainment", "name": "Karaoke Kiểm Tra Danh Sách",
                     "unit": "00364", "address": "5 Phố Khương Hạ",
                     "contacts": ["0912345678", "0987654321", "0901112222"]}).json()
    cat = call(demo.url, "GET", "/api/v1/register/catalogue", t).json()
    hitems = [c["code"] for c in cat["conditions"] if "boarding_house" in c["applies"]]
    fitems = [c["code"] for c in cat["conditions"] if "facility" in c["applies"]]
    assert hitems and fitems

    def inspect(kind, target, body):
        r = call(demo.url, "POST", "/api/v1/%s/%s/inspections" % (kind, target["id"]), t,
                 json=body)
        assert r.status_code == 201, r.text
        return r.json()["id"]

    a = inspect("houses", house, {
        "kind": "periodic", "date": "1999-03-01", "inspector": "Nguyễn Văn Kiểm",
        "results": [{"code": c, "result": "fail" if c == hitems[0] else "pass"} for c in hitems],
        "deadline": "1999-04-01"})
    b = inspect("houses", house, {
        "kind": "self", "date": "1999-03-05", "inspector": "Chủ hộ Lê Thị Tự",
        "results": [{"code": c, "result": "pass"} for c in hitems]})
    c = inspect("facilities", fac, {
        "kind": "unannounced", "date": "1999-03-03", "inspector": "Nguyễn Văn Kiểm",
        "results": [{"code": x, "result": "fail" if x == fitems[0] else "pass"} for x in fitems]})
    return {"house": house, "fac": fac, "a": a, "b": b, "c": c, "hfail": hitems[0],
            "ffail": fitems[0]}


def lst(demo, t, query):
    r = call(demo.url, "GET", "/api/v1/inspections?" + query, t)
    assert r.status_code == 200, r.text
    return r.json()


def test_newest_first_with_labels(demo, tok, made):
    page = lst(demo, tok("commune_officer"), "from=1999-01-01&to=1999-12-31")
    items = page["items"]
    assert [i["id"] for i in items] == [made["b"], made["c"], made["a"]]
    assert page.get("next_cursor") is None
    b, c, a = items
    assert (a["target_kind"], a["target_id"], a["date"]) == ("house", made["house"]["id"],
                                                           "1999-03-01")
    assert a["unit"] == "00364" and a["unit_name"] == "Phường Khương Đình"
    assert a["kind"] == "periodic" and a["kind_vi"] == "Kiểm tra định kỳ"
    assert a["compliance"] == "khong_dam_bao" and a["compliance_vi"] == "Không đảm bảo"
    assert a["failing_items"] == [made["hfail"]]
    assert a["inspector"] == "Nguyễn Văn Kiểm"
    assert "Phố Khương Hạ" in a["target_label"] and a["target_kind_vi"] == "Nhà ở"
    assert a["record_number"] is None and "results" not in a
    assert b["kind_vi"] == "Tự kiểm tra" and b["compliance"] == "dam_bao"
    assert b["failing_items"] == []
    assert c["target_kind"] == "facility" and c["target_label"] == "Karaoke Kiểm Tra Danh Sách"
    assert c["target_address"] == "5 Phố Khương Hạ" and c["kind_vi"] == "Kiểm tra đột xuất"
    # the demo's own inspections are there too, newest first over all of them
    everything = lst(demo, tok("commune_officer"), "limit=500")["items"]
    assert len(everything) > 3
    keys = [(i["date"], i["id"]) for i in everything]
    assert keys == sorted(keys, reverse=True)
    assert all(i["unit"] == "00364" for i in everything)


def test_filters(demo, tok, made):
    t = tok("commune_officer")
    q = "from=1999-01-01&to=1999-12-31&"
    ids = lambda s: [i["id"] for i in lst(demo, t, q + s)["items"]]  # noqa: E731
    assert ids("target_kind=facility") == [made["c"]]
    assert ids("target_kind=house") == [made["b"], made["a"]]
    assert ids("kind=self") == [made["b"]]
    assert ids("compliance=khong_dam_bao") == [made["c"], made["a"]]
    assert ids("compliance=dam_bao") == [made["b"]]
    assert ids("failing_item=" + made["hfail"]) == [made["a"]] or made["hfail"] == made["ffail"]
    assert ids("inspector=Nguy%E1%BB%85n%20V%C4%83n%20Ki%E1%BB%83m") == [made["c"], made["a"]]
    assert ids("unit=00004") == []
    narrow = lambda s: [i["id"] for i in lst(demo, t, s)["items"]]  # noqa: E731
    assert narrow("unit=00364&from=1999-03-02&to=1999-03-04") == [made["c"]]
    assert narrow("from=1999-03-02&to=1999-03-02") == []


def test_paging_without_overlap(demo, tok, made):
    t = tok("city_fire_police")
    seen, cursor = [], None
    for _ in range(5):
        page = lst(demo, t, "from=1999-01-01&to=1999-12-31&limit=1"
                   + ("&cursor=" + cursor if cursor else ""))
        assert len(page["items"]) == 1
        seen.append(page["items"][0]["id"])
        cursor = page.get("next_cursor")
        if not cursor:
            break
    assert seen == [made["b"], made["c"], made["a"]]
    for bad in ("x", "d1999-03-05", "d1999-13-05_4", "d1999-03-05_0", "d1999-03-05_4x",
                "d1999-03-05_-4", "f0000000001", "d1999-03-05.4"):
        r = call(demo.url, "GET", "/api/v1/inspections?cursor=" + bad, t)
        assert r.status_code == 400, bad
        assert r.json()["error"]["field"] == "cursor"


def test_bad_dates(demo, tok):
    t = tok("commune_officer")
    for q, field in (("from=01/03/1999", "from"), ("to=1999-02-30", "to"),
                     ("from=1999-03-05&to=1999-03-01", "from")):
        r = call(demo.url, "GET", "/api/v1/inspections?" + q, t)
        assert r.status_code == 400, q
        assert r.json()["error"]["field"] == field
        assert "YYYY-MM-DD" in r.json()["error"]["message"] or "trước" in r.json()["error"]["message"]
    r = call(demo.url, "GET", "/api/v1/inspections?kind=weekly", t)
    assert r.status_code == 400 and r.json()["error"]["field"] == "kind"


def test_record_number_once_printed(demo, tok, made):
    t = tok("commune_officer")
    r = call(demo.url, "GET", "/api/v1/inspections/%d/record.html" % made["a"], t)
    assert r.status_code == 200
    [a] = [i for i in lst(demo, t, "from=1999-03-01&to=1999-03-01")["items"]]
    assert a["record_number"] and a["record_number"].endswith("/BB-PCCC")
    assert a["record_number"].split("/")[0] in r.text


def test_export_csv_and_xlsx(demo, tok, made):
    t = tok("commune_officer")
    r = call(demo.url, "GET", "/api/v1/inspections?from=1999-01-01&to=1999-12-31&format=csv", t)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Ngày kiểm tra", "Hình thức", "Đối tượng"]
    assert "Kết luận" in rows[0] and "Điều kiện không đạt" in rows[0]
    body = rows[1:]
    assert [x[0] for x in body] == ["1999-03-05", "1999-03-03", "1999-03-01"]
    assert body[2][1] == "Kiểm tra định kỳ" and "Không đảm bảo" in body[2]
    # export ignores limit/cursor: the whole filtered set
    r = call(demo.url, "GET", "/api/v1/inspections?from=1999-01-01&to=1999-12-31&limit=1"
             "&format=csv", t)
    assert len(list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))) == 4
    r = call(demo.url, "GET", "/api/v1/inspections?format=xlsx", t)
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert "spreadsheetml" in r.headers["Content-Type"]


def test_scope_and_capability(demo, tok, made):
    admin = login(demo.url, "demo.quantri")["token"]
    r = call(demo.url, "POST", "/api/v1/accounts", admin,
             json={"username": "canbo.badinh.kt", "display_name": "Cán bộ Ba Đình",
                   "role": "commune_officer", "unit": "00004"})
    assert r.status_code == 201, r.text
    temp = r.json()["temporary_password"]
    other = login(demo.url, "canbo.badinh.kt", temp)["token"]
    r = call(demo.url, "POST", "/api/v1/auth/password", other,
             json={"current_password": temp, "new_password": "Moi#Matkhau2025"})
    assert r.status_code == 200, r.text
    items = lst(demo, other, "limit=500")["items"]
    assert all(i["unit"] == "00004" for i in items)
    assert not {made["a"], made["b"], made["c"]} & {i["id"] for i in items}
    # nor by naming the commune
    assert lst(demo, other, "unit=00364")["items"] == []
    # the city fire police see them; residents and owners hold no inspect
    assert made["a"] in [i["id"] for i in lst(demo, tok("city_fire_police"),
                                              "from=1999-03-01&to=1999-03-01")["items"]]
    for role in ("citizen", "facility_owner", "dispatcher"):
        assert call(demo.url, "GET", "/api/v1/inspections", tok(role)).status_code == 403
    assert call(demo.url, "GET", "/api/v1/inspections").status_code == 401
