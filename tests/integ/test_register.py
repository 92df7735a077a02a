"""The register over HTTP against `pccc demo`: houses (digital house ID,
scope, invalid IDs, create/patch rules, search by old ward names, QR and
label), declaration workflow, residents (masked), inspections deriving
compliance, facilities (transmitter filters), enforcement and the overdue
list, imports of CSV and XLSX (all rows or none, errors by row and column)
and CSV/XLSX exports."""
import csv
import io
import json
import os
import zipfile

import pytest

from authutil import call, token_cache
from conftest import Server


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("regdemo"), "demo")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def tok(demo):
    return token_cache(demo.url)


def new_house(**kw):
    h = {"unit": "00364", "street": "Phố Khương Đình", "house_number": "99",
         "house_type": "boarding_house", "floors": 4, "occupants": 20}
    h.update(kw)
    return h


def test_list_scope_and_items(demo, tok):
    r = call(demo.url, "GET", "/api/v1/houses?limit=500", tok("commune_officer"))
    assert r.status_code == 200
    items = r.json()["items"]
    assert len(items) == 50
    assert all(i["unit"] == "00364" and len(i["id"]) == 10 for i in items)
    # the city fire police see every demo commune
    r = call(demo.url, "GET", "/api/v1/houses?limit=500", tok("city_fire_police"))
    units = {i["unit"] for i in r.json()["items"]}
    assert {"00364", "00367", "00070", "09556"} <= units


def test_paging_with_cursor(demo, tok):
    t = tok("commune_officer")
    seen, cursor = [], None
    for _ in range(20):
        path = "/api/v1/houses?limit=7" + ("&cursor=" + cursor if cursor else "")
        j = call(demo.url, "GET", path, t).json()
        seen += [i["id"] for i in j["items"]]
        cursor = j.get("next_cursor")
        if not cursor:
            break
    assert len(seen) == 50 and len(set(seen)) == 50 and seen == sorted(seen)
    r = call(demo.url, "GET", "/api/v1/houses?cursor=zzz", t)
    assert r.status_code == 400


def test_out_of_scope_house_is_404(demo, tok):
    other = call(demo.url, "GET", "/api/v1/houses?unit=00070&limit=1",
                 tok("city_fire_police")).json()["items"][0]["id"]
    r = call(demo.url, "GET", "/api/v1/houses/" + other, tok("commune_officer"))
    assert r.status_code == 404
    r = call(demo.url, "PATCH", "/api/v1/houses/" + other, tok("commune_officer"),
             json={"floors": 3})
    assert r.status_code == 404
    # and the same house is readable by the city fire police
    assert call(demo.url, "GET", "/api/v1/houses/" + other,
                tok("city_fire_police")).status_code == 200


def test_invalid_house_id_400_before_lookup(demo, tok):
    t = tok("commune_officer")
    hid = call(demo.url, "GET", "/api/v1/houses?limit=1", t).json()["items"][0]["id"]
    # one character changed and two adjacent swapped: refused, not 404
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    typo = hid[:3] + alphabet[(alphabet.index(hid[3]) + 1) % 32] + hid[4:]
    swap = next(hid[:i] + hid[i + 1] + hid[i] + hid[i + 2:]
                for i in range(9) if hid[i] != hid[i + 1])
    for bad in (typo, swap, "ABC", "0000000001", "7K3M-Q9X-2BU"):
        r = call(demo.url, "GET", "/api/v1/houses/" + bad, t)
        assert r.status_code == 400, bad
        assert r.json()["error"]["code"] == "invalid_house_id"
    # the display form with hyphens and lower case is accepted
    disp = (hid[:4] + "-" + hid[4:7] + "-" + hid[7:]).lower()
    assert call(demo.url, "GET", "/api/v1/houses/" + disp, t).json()["id"] == hid


def test_create_patch_rules_and_audit(demo, tok):
    t = tok("commune_officer")
    r = call(demo.url, "POST", "/api/v1/houses", t, json=new_house(escape_hatch=True))
    assert r.status_code == 400 and r.json()["error"]["field"] == "escape_hatch"
    r = call(demo.url, "POST", "/api/v1/houses", t, json=new_house(floors=0))
    assert r.status_code == 400 and r.json()["error"]["field"] == "floors"
    r = call(demo.url, "POST", "/api/v1/houses", t, json=new_house(colour="red"))
    assert r.status_code == 400
    r = call(demo.url, "POST", "/api/v1/houses", t, json=new_house(unit="00070"))
    assert r.status_code == 403
    r = call(demo.url, "POST", "/api/v1/houses", t, json=new_house(alley="Ngõ 7"))
    assert r.status_code == 201, r.text
    h = r.json()
    assert h["unit"] == "00364" and h["declared_state"] == "draft"
    assert "Ngõ 7" in h["address_text"] and h["compliance"] == "chua_kiem_tra"
    r = call(demo.url, "PATCH", "/api/v1/houses/" + h["id"], t,
             json={"barred_windows": True, "escape_hatch": True, "house_number": "101"})
    assert r.status_code == 200, r.text
    assert r.json()["escape_hatch"] is True and "101" in r.json()["address_text"]
    r = call(demo.url, "PATCH", "/api/v1/houses/" + h["id"], t,
             json={"barred_windows": False})
    assert r.status_code == 400   # escape hatch without barred windows
    # searchable at once, with or without diacritics
    r = call(demo.url, "GET", "/api/v1/houses?q=ngo%207%20khuong%20dinh", t)
    assert h["id"] in [i["id"] for i in r.json()["items"]]


def test_search_by_legacy_ward_name(demo, tok):
    t = tok("city_fire_police")
    # Phường Khương Đình (2025) took in the legacy Phường Thanh Xuân Trung
    # and Hạ Đình of Quận Thanh Xuân
    units = {i["unit"] for i in call(demo.url, "GET", "/api/v1/houses?q=ha%20dinh&limit=500",
                                     t).json()["items"]}
    assert "00364" in units
    units = {i["unit"] for i in call(demo.url, "GET",
                                     "/api/v1/houses?q=quan%20hoan%20kiem&limit=500",
                                     t).json()["items"]}
    assert units == {"00070"}


def test_qr_png_and_label(demo, tok):
    t = tok("commune_officer")
    hid = call(demo.url, "GET", "/api/v1/houses?limit=1", t).json()["items"][0]["id"]
    r = call(demo.url, "GET", "/api/v1/houses/%s/qr.png" % hid, t)
    assert r.status_code == 200 and r.headers["Content-Type"] == "image/png"
    assert r.content[:8] == b"\x89PNG\r\n\x1a\n"
    r = call(demo.url, "GET", "/api/v1/houses/%s/label" % hid, t)
    assert r.status_code == 200 and "text/html" in r.headers["Content-Type"]
    assert hid[:4] + "-" in r.text and "qr.png" in r.text


def test_declaration_verify_return(demo, tok):
    off = tok("commune_officer")
    h = call(demo.url, "POST", "/api/v1/houses", off, json=new_house(house_number="7A")).json()
    hid = h["id"]
    r = call(demo.url, "POST", "/api/v1/houses/%s/verify" % hid, off)
    assert r.status_code == 409   # draft: nothing to verify
    r = call(demo.url, "POST", "/api/v1/houses/%s/declaration" % hid, off,
             json={"occupants": 22, "note": "khai thay người cao tuổi"})
    assert r.status_code == 200 and r.json()["declared_state"] == "declared"
    r = call(demo.url, "POST", "/api/v1/houses/%s/return" % hid, off,
             json={"reason": "Thiếu số đầu báo cháy"})
    assert r.status_code == 200
    assert r.json()["declared_state"] == "returned"
    assert r.json()["return_reason"] == "Thiếu số đầu báo cháy"
    call(demo.url, "POST", "/api/v1/houses/%s/declaration" % hid, off, json={"detectors": 4})
    r = call(demo.url, "POST", "/api/v1/houses/%s/verify" % hid, off)
    assert r.status_code == 200 and r.json()["declared_state"] == "verified"


def test_citizen_reaches_only_own_house(demo, tok):
    t = tok("citizen")
    items = call(demo.url, "GET", "/api/v1/houses", t).json()["items"]
    assert len(items) <= 1
    off = call(demo.url, "GET", "/api/v1/houses?limit=50", tok("commune_officer")).json()["items"]
    others = [i["id"] for i in off if i["id"] not in [x["id"] for x in items]]
    assert call(demo.url, "GET", "/api/v1/houses/" + others[0], t).status_code == 404
    # a citizen cannot verify (no inspect capability)
    assert call(demo.url, "POST", "/api/v1/houses/%s/verify" % others[0], t).status_code == 403


def test_residents_masked_and_encrypted(demo, tok):
    t = tok("commune_officer")
    hid = call(demo.url, "POST", "/api/v1/houses", t, json=new_house()).json()["id"]
    r = call(demo.url, "POST", "/api/v1/houses/%s/residents" % hid, t,
             json={"cccd": "001 090 123456", "name": "Trần Thị Mai", "phone": "+84 912 345 678",
                   "role": "head"})
    assert r.status_code == 201, r.text
    assert r.json()["cccd_mask"] == "001******456"
    r = call(demo.url, "POST", "/api/v1/houses/%s/residents" % hid, t,
             json={"cccd": "12345", "name": "X"})
    assert r.status_code == 400 and r.json()["error"]["field"] == "cccd"
    items = call(demo.url, "GET", "/api/v1/houses/%s/residents" % hid, t).json()["items"]
    assert items[0]["phone_mask"] == "091****678"
    assert "090123456" not in json.dumps(items)
    db = open(os.path.join(demo.data_dir, "pccc.db"), "rb").read()
    assert b"001090123456" not in db


def test_inspection_derives_compliance_and_overdue(demo, tok):
    t = tok("commune_officer")
    cat = call(demo.url, "GET", "/api/v1/register/catalogue", t).json()
    items = [c["code"] for c in cat["conditions"] if "boarding_house" in c["applies"]]
    assert "LOI_THOAT_NAN_2" in items
    hid = call(demo.url, "POST", "/api/v1/houses", t, json=new_house()).json()["id"]
    res = [{"code": c, "result": "fail" if c == "LOI_THOAT_NAN_2" else "pass"} for c in items]
    r = call(demo.url, "POST", "/api/v1/houses/%s/inspections" % hid, t,
             json={"kind": "periodic", "date": "2025-08-01", "results": res,
                   "deadline": "2025-09-01"})
    assert r.status_code == 201, r.text
    h = call(demo.url, "GET", "/api/v1/houses/" + hid, t).json()
    assert h["compliance"] == "khong_dam_bao" and h["failing_items"] == ["LOI_THOAT_NAN_2"]
    ids = [i["id"] for i in call(demo.url, "GET",
                                 "/api/v1/houses?failing_item=LOI_THOAT_NAN_2&limit=500",
                                 t).json()["items"]]
    assert hid in ids
    ids = [i["id"] for i in call(demo.url, "GET", "/api/v1/houses?overdue=1&limit=500",
                                 t).json()["items"]]
    assert hid in ids
    over = call(demo.url, "GET", "/api/v1/enforcement/overdue", tok("fire_team")).json()["items"]
    assert all("unit" in o and "id" in o for o in over)
    # a later passing inspection makes it compliant and closes the violation
    res = [{"code": c, "result": "pass"} for c in items]
    r = call(demo.url, "POST", "/api/v1/houses/%s/inspections" % hid, t,
             json={"kind": "unannounced", "date": "2025-09-15", "results": res})
    assert r.status_code == 201
    h = call(demo.url, "GET", "/api/v1/houses/" + hid, t).json()
    assert h["compliance"] == "dam_bao" and h["failing_items"] == []
    ids = [i["id"] for i in call(demo.url, "GET", "/api/v1/houses?overdue=1&limit=500",
                                 t).json()["items"]]
    assert hid not in ids
    # unknown item, future date, citizen official inspection
    bad = call(demo.url, "POST", "/api/v1/houses/%s/inspections" % hid, t,
               json={"kind": "periodic", "date": "2025-09-15",
                     "results": [{"code": "NOPE", "result": "pass"}]})
    assert bad.status_code == 400
    bad = call(demo.url, "POST", "/api/v1/houses/%s/inspections" % hid, t,
               json={"kind": "periodic", "date": "2999-01-01", "results": res})
    assert bad.status_code == 400
    lst = call(demo.url, "GET", "/api/v1/houses/%s/inspections" % hid, t).json()["items"]
    assert [i["date"] for i in lst] == ["2025-09-15", "2025-08-01"]


def test_facilities_transmitters_enforcement(demo, tok):
    t = tok("commune_officer")
    fac = {"category": "karaoke", "name": "Karaoke Thử", "unit": "00364",
           "contacts": ["0912345678", "0987654321"]}
    r = call(demo.url, "POST", "/api/v1/facilities", t, json=fac)
    assert r.status_code == 400   # unknown category
    fac["category"] = "entertainment"
    r = call(demo.url, "POST", "/api/v1/facilities", t, json=fac)
    assert r.status_code == 400 and r.json()["error"]["field"] == "contacts"
    fac["contacts"] = [{"name": "Chủ", "phone": "0912345678"}, "0987654321", "+84 90 111 2222"]
    fac["systems"] = ["fire_alarm", "extinguishers"]
    r = call(demo.url, "POST", "/api/v1/facilities", t, json=fac)
    assert r.status_code == 201, r.text
    f = r.json()
    assert f["id"].startswith("CS") and f["must_connect_transmitter"] is True
    assert f["contacts"][2]["phone"] == "0901112222"
    lst = call(demo.url, "GET", "/api/v1/facilities?must_connect=1&connected=0&limit=500",
               t).json()["items"]
    assert f["id"] in [x["id"] for x in lst]
    assert all(x["must_connect_transmitter"] and not x["transmitter_connected"] for x in lst)
    r = call(demo.url, "PATCH", "/api/v1/facilities/" + f["id"], t,
             json={"transmitter_connected": True})
    assert r.status_code == 200 and r.json()["transmitter_connected"] is True
    lst = call(demo.url, "GET", "/api/v1/facilities?must_connect=1&connected=0&limit=500",
               t).json()["items"]
    assert f["id"] not in [x["id"] for x in lst]
    # commune officers hold no penalty capability; the fire police do
    pen = {"number": "99/QĐ-XPHC", "date": "2025-08-01", "amount": 5000000,
           "legal_basis": "Nghị định 106/2025/NĐ-CP", "deadline": "2025-08-20"}
    assert call(demo.url, "POST", "/api/v1/facilities/%s/penalties" % f["id"], t,
                json=pen).status_code == 403
    p = tok("city_fire_police")
    r = call(demo.url, "POST", "/api/v1/facilities/%s/penalties" % f["id"], p, json=pen)
    assert r.status_code == 201, r.text
    over = call(demo.url, "GET", "/api/v1/enforcement/overdue?unit=00364", p).json()["items"]
    assert any(o["kind"] == "penalty" and o["target_id"] == f["id"] for o in over)
    r = call(demo.url, "POST", "/api/v1/facilities/%s/suspensions" % f["id"], p,
             json={"kind": "temporary", "number": "5/QĐ", "date": "2025-08-02",
                   "from_date": "2025-08-02", "reason": "Không đảm bảo lối thoát nạn"})
    assert r.status_code == 201
    sid = r.json()["id"]
    assert call(demo.url, "GET", "/api/v1/facilities/" + f["id"],
                p).json()["status"] == "temporarily_suspended"
    r = call(demo.url, "POST", "/api/v1/facilities/%s/suspensions/%d/lift" % (f["id"], sid), p,
             json={"lifted_on": "2025-08-30"})
    assert r.status_code == 200
    assert call(demo.url, "GET", "/api/v1/facilities/" + f["id"], p).json()["status"] == "operating"
    # facility inspection
    cat = call(demo.url, "GET", "/api/v1/register/catalogue", t).json()
    items = [c["code"] for c in cat["conditions"] if "facility" in c["applies"]]
    r = call(demo.url, "POST", "/api/v1/facilities/%s/inspections" % f["id"], t,
             json={"kind": "periodic", "date": "2025-08-03",
                   "results": [{"code": c, "result": "pass"} for c in items]})
    assert r.status_code == 201
    assert call(demo.url, "GET", "/api/v1/facilities/" + f["id"], t).json()["compliance"] == "dam_bao"


def test_facility_owner_scope(demo, tok):
    t = tok("facility_owner")
    items = call(demo.url, "GET", "/api/v1/facilities", t).json()["items"]
    assert len(items) == 1
    all_ = call(demo.url, "GET", "/api/v1/facilities?limit=500", tok("city_fire_police")).json()
    other = [x["id"] for x in all_["items"] if x["id"] != items[0]["id"]][0]
    assert call(demo.url, "GET", "/api/v1/facilities/" + other, t).status_code == 404


def test_export_csv_xlsx(demo, tok):
    t = tok("commune_officer")
    r = call(demo.url, "GET", "/api/v1/houses?format=csv&limit=1", t)
    assert r.status_code == 200
    text = r.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Mã định danh nhà" and "Loại nhà" in rows[0]
    assert len(rows) - 1 >= 50   # the whole set, not one page
    r = call(demo.url, "GET", "/api/v1/facilities?format=xlsx", t)
    assert r.status_code == 200 and r.content[:2] == b"PK"
    z = zipfile.ZipFile(io.BytesIO(r.content))
    assert any(n.startswith("xl/worksheets/") for n in z.namelist())


CSV_HDR = "Mã xã/phường,Đường/phố,Số nhà,Loại nhà,Số tầng,Có chuồng cọp,Số người ở\n"


def test_import_csv_all_or_nothing(demo, tok):
    t = tok("commune_officer")
    before = len(call(demo.url, "GET", "/api/v1/houses?limit=500", t).json()["items"])
    bad = CSV_HDR + ("00364,Phố Hạ Đình,1,Nhà trọ,3,có,10\n"
                     "00364,Phố Hạ Đình,2,Nhà lạ,3,có,10\n"
                     "00364,Phố Hạ Đình,3,nha tro,abc,không,10\n")
    r = call(demo.url, "POST", "/api/v1/houses/import", t, data=bad.encode(),
             headers={"Content-Type": "text/csv"})
    assert r.status_code == 422, r.text
    errs = r.json()["error"]["rows"]
    assert {(e["row"], e["column"]) for e in errs} == {(3, "Loại nhà"), (4, "Số tầng")}
    assert all(" / " in e["message"] for e in errs)
    assert len(call(demo.url, "GET", "/api/v1/houses?limit=500", t).json()["items"]) == before
    # a row outside the officer's commune: nothing written either
    other = CSV_HDR + "00364,Phố Hạ Đình,1,Nhà trọ,3,có,10\n00070,Phố Hàng Bạc,2,Nhà ống,3,,4\n"
    r = call(demo.url, "POST", "/api/v1/houses/import", t, data=other.encode(),
             headers={"Content-Type": "text/csv"})
    assert r.status_code == 422 and r.json()["error"]["rows"][0]["row"] == 3
    assert len(call(demo.url, "GET", "/api/v1/houses?limit=500", t).json()["items"]) == before
    good = "\ufeff" + CSV_HDR + "".join("00364,Phố Hạ Đình,%d,nha tro,3,x,10\n" % i
                                        for i in range(1, 6))
    r = call(demo.url, "POST", "/api/v1/houses/import", t, data=good.encode(),
             headers={"Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    assert r.json()["imported"] == 5 and len(r.json()["ids"]) == 5
    assert len(call(demo.url, "GET", "/api/v1/houses?limit=500", t).json()["items"]) == before + 5


def make_xlsx(rows):
    """A minimal workbook: shared strings for text, numbers inline."""
    strings, sheet = [], []
    for ri, row in enumerate(rows, 1):
        cells = []
        for ci, v in enumerate(row):
            ref = "%s%d" % (chr(65 + ci), ri)
            if isinstance(v, (int, float)):
                cells.append('<c r="%s"><v>%s</v></c>' % (ref, v))
            else:
                strings.append(v)
                cells.append('<c r="%s" t="s"><v>%d</v></c>' % (ref, len(strings) - 1))
        sheet.append('<row r="%d">%s</row>' % (ri, "".join(cells)))
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", '<workbook %s %s><sheets><sheet name="Nhà" sheetId="1" '
                   'r:id="rId1"/></sheets></workbook>' % (ns, rns))
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/>'
                   '</Relationships>')
        z.writestr("xl/sharedStrings.xml", "<sst %s>%s</sst>" % (
            ns, "".join("<si><t>%s</t></si>" % s for s in strings)))
        z.writestr("xl/worksheets/sheet1.xml", "<worksheet %s><sheetData>%s</sheetData>"
                   "</worksheet>" % (ns, "".join(sheet)))
    return buf.getvalue()


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_import_xlsx(demo, tok):
    t = tok("commune_officer")
    hdr = ["Mã xã/phường", "Đường/phố", "Số nhà", "Loại nhà", "Số tầng", "Số người ở"]
    bad = make_xlsx([hdr, ["00364", "Phố Vũ Tông Phan", "5", "Chung cư mini", 1, 30]])
    r = call(demo.url, "POST", "/api/v1/houses/import", t, data=bad,
             headers={"Content-Type": XLSX_TYPE})
    assert r.status_code == 422
    assert r.json()["error"]["rows"][0]["row"] == 2
    assert r.json()["error"]["rows"][0]["column"] == "Số tầng"
    good = make_xlsx([hdr, ["00364", "Phố Vũ Tông Phan", "5", "Chung cư mini", 7, 30],
                      ["00364", "Phố Vũ Tông Phan", "9", "mini_apartment", 8, 44]])
    r = call(demo.url, "POST", "/api/v1/houses/import", t, data=good,
             headers={"Content-Type": XLSX_TYPE})
    assert r.status_code == 200, r.text
    hid = r.json()["ids"][1]
    h = call(demo.url, "GET", "/api/v1/houses/" + hid, t).json()
    assert h["house_type"] == "mini_apartment" and h["floors"] == 8
    r = call(demo.url, "POST", "/api/v1/houses/import", t, data=b"PK\x03\x04garbage",
             headers={"Content-Type": XLSX_TYPE})
    assert r.status_code == 400


def test_population_import(demo, tok):
    t = tok("commune_officer")
    hid = call(demo.url, "GET", "/api/v1/houses?limit=1", t).json()["items"][0]["id"]
    data = ("Số định danh cá nhân,Họ và tên,Mã định danh nhà,Quan hệ với chủ hộ\n"
            "001085000111,Lê Văn Một,%s,Chủ hộ\n"
            "123,Sai Số,%s,Thành viên\n"
            "001085000222,Lê Thị Hai,0000000000,Thành viên\n"
            "001085000333,Lê Văn Ba,%s,Thành viên\n" % (hid, hid, hid))
    r = call(demo.url, "POST", "/api/v1/residents/import", t, data=data.encode(),
             headers={"Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    j = r.json()
    assert j["imported"] == 2
    assert sorted(e["row"] for e in j["rejected"]) == [3, 4]
    names = [x["name"] for x in call(demo.url, "GET", "/api/v1/houses/%s/residents" % hid,
                                     t).json()["items"]]
    assert "Lê Văn Một" in names and "Lê Văn Ba" in names


def test_cli_import_and_rerun_demo(demo, tmp_path):
    from conftest import run_pccc
    p = tmp_path / "nha.csv"
    p.write_text(CSV_HDR + "00364,Phố Hạ Đình,1,Nhà trọ,3,có,10\n00364,Phố Hạ Đình,2,X,3,,1\n")
    r = run_pccc("import", "houses", str(p), "--data", str(tmp_path))
    assert r.returncode == 1 and "3" in r.stderr and "Loại nhà" in r.stderr
    p.write_text(CSV_HDR + "00364,Phố Hạ Đình,1,Nhà trọ,3,có,10\n")
    r = run_pccc("import", "houses", str(p), "--data", str(tmp_path))
    assert r.returncode == 0, r.stderr
