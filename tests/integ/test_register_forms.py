"""The printed enforcement documents and the notices, over HTTP against
`pccc demo`: the inspection record (text/html under the strict CSP,
national motto, number per commune and year kept on reprint, scope and
capability as the record), the penalty decision (number, amount in words,
scope), fire history per house and facility, and the register job's
notices (deadline near / passed, declaration returned, penalty recorded,
each once) when serve starts the job."""
import datetime
import re
import time

import pytest

from authutil import call, token_cache
from conftest import Server


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("formsdemo"), "demo",
               env={"PCCC_REGISTER_JOBS_S": "1"})
    yield s
    s.stop()


@pytest.fixture(scope="module")
def tok(demo):
    return token_cache(demo.url)


def today(delta=0):
    vn = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=7)
    return (vn.date() + datetime.timedelta(days=delta)).isoformat()


def boarding_items(demo, t):
    cat = call(demo.url, "GET", "/api/v1/register/catalogue", t).json()
    return [c["code"] for c in cat["conditions"] if "boarding_house" in c["applies"]]


def new_house(demo, t, number="1"):
    r = call(demo.url, "POST", "/api/v1/houses", t,
             json={"unit": "00364", "street": "Phố Khương Hạ", "house_number": number,
                   "house_type": "boarding_house", "floors": 4, "occupants": 18})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def inspect(demo, t, hid, fail=("LOI_THOAT_NAN_2",), date=None, deadline=None, kind="periodic"):
    res = [{"code": c, "result": "fail" if c in fail else "pass"}
           for c in boarding_items(demo, t)]
    body = {"kind": kind, "date": date or today(), "results": res,
            "inspector": "Cán bộ <Thử>"}
    if deadline:
        body["deadline"] = deadline
    r = call(demo.url, "POST", "/api/v1/houses/%s/inspections" % hid, t, json=body)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def number_of(html):
    m = re.search(r"Số: (\d+)/BB-PCCC", html)
    assert m, html[:500]
    return int(m.group(1))


def test_inspection_record_html(demo, tok):
    t = tok("commune_officer")
    hid = new_house(demo, t, "31")
    iid = inspect(demo, t, hid, deadline=today(20))
    r = call(demo.url, "GET", "/api/v1/inspections/%d/record.html" % iid, t)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/html")
    csp = r.headers["Content-Security-Policy"]
    assert "style-src 'self'" in csp and "unsafe-inline" not in csp
    html = r.text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html
    assert "Độc lập - Tự do - Hạnh phúc" in html
    assert "BIÊN BẢN KIỂM TRA" in html and "PHƯỜNG KHƯƠNG ĐÌNH" in html
    assert "Hà Nội, ngày" in html
    assert "/print/forms.css" in html and "style=" not in html and "<script" not in html
    assert "Cán bộ &lt;Thử&gt;" in html
    assert "Có lối thoát nạn thứ hai" in html and "Không đạt" in html
    n = number_of(html)
    assert n >= 1
    # a reprint keeps the number; the next record of the commune gets the next
    again = call(demo.url, "GET", "/api/v1/inspections/%d/record.html" % iid, t).text
    assert number_of(again) == n
    iid2 = inspect(demo, t, hid, fail=())
    r2 = call(demo.url, "GET", "/api/v1/inspections/%d/record.html" % iid2, t)
    assert number_of(r2.text) == n + 1
    assert "ĐẢM BẢO an toàn" in r2.text
    # the stylesheet is served
    assert demo.get("/print/forms.css").status_code == 200


def test_inspection_record_scope(demo, tok):
    police = tok("city_fire_police")
    other = call(demo.url, "GET", "/api/v1/houses?unit=00070&limit=1", police).json()["items"][0]
    lst = call(demo.url, "GET", "/api/v1/houses/%s/inspections" % other["id"], police).json()
    if not lst["items"]:
        iid = inspect(demo, police, other["id"], fail=()) if other["house_type"] == \
            "boarding_house" else None
    else:
        iid = lst["items"][0]["id"]
    if iid is None:
        pytest.skip("no inspection in another commune")
    assert call(demo.url, "GET", "/api/v1/inspections/%d/record.html" % iid,
                police).status_code == 200
    # outside the commune officer's scope, the citizen's house, the facility
    # owner (no house.read): 404 as for a record that does not exist
    for role in ("commune_officer", "citizen", "facility_owner"):
        r = call(demo.url, "GET", "/api/v1/inspections/%d/record.html" % iid, tok(role))
        assert r.status_code == 404, role
    r = call(demo.url, "GET", "/api/v1/inspections/999999999/record.html", police)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert call(demo.url, "GET", "/api/v1/inspections/abc/record.html", police).status_code == 400
    assert call(demo.url, "GET", "/api/v1/inspections/%d/record.html" % iid).status_code == 401


def test_penalty_decision_html(demo, tok):
    off, police = tok("commune_officer"), tok("city_fire_police")
    fac = {"category": "entertainment", "name": "Karaoke <In Thử>", "unit": "00364",
           "legal_rep": "Lê Văn Đại Diện", "address": "Số 9 Phố Khương Hạ",
           "contacts": [{"name": "Chủ", "phone": "0912345678"}, "0987654321",
                        "0901112222"]}
    r = call(demo.url, "POST", "/api/v1/facilities", off, json=fac)
    assert r.status_code == 201, r.text
    fid = r.json()["id"]
    pen = {"number": "77/QĐ-XPHC", "date": today(), "amount": 7500000,
           "legal_basis": "Điểm a khoản 2 Điều 10 Nghị định 106/2025/NĐ-CP",
           "violation": "Không duy trì đèn chiếu sáng sự cố", "deadline": today(3),
           "issuer": "Trưởng phòng PC07"}
    r = call(demo.url, "POST", "/api/v1/facilities/%s/penalties" % fid, police, json=pen)
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    r = call(demo.url, "GET", "/api/v1/penalties/%d/decision.html" % pid, police)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    html = r.text
    assert "Số: 77/QĐ-XPHC" in html and "QUYẾT ĐỊNH" in html
    assert "Nghị định số 106/2025/NĐ-CP" in html
    assert "7.500.000 đồng" in html and "Bảy triệu năm trăm nghìn đồng" in html
    assert "Karaoke &lt;In Thử&gt;" in html and "Lê Văn Đại Diện" in html
    assert "style=" not in html and "<script" not in html
    # the commune officer of the commune reads it; others do not find it
    assert call(demo.url, "GET", "/api/v1/penalties/%d/decision.html" % pid,
                off).status_code == 200
    assert call(demo.url, "GET", "/api/v1/penalties/%d/decision.html" % pid,
                tok("facility_owner")).status_code == 404
    assert call(demo.url, "GET", "/api/v1/penalties/%d/decision.html" % pid,
                tok("citizen")).status_code == 403
    assert call(demo.url, "GET", "/api/v1/penalties/99999999/decision.html",
                police).status_code == 404


def test_fire_history(demo, tok):
    t, police = tok("commune_officer"), tok("city_fire_police")
    hid = new_house(demo, t, "41")
    fire = {"date": "2025-03-02", "kind": "fire", "deaths": 0, "injuries": 2,
            "damage_vnd": 150000000, "cause": "Chập điện khi sạc xe điện"}
    r = call(demo.url, "POST", "/api/v1/houses/%s/fires" % hid, t, json=fire)
    assert r.status_code == 201, r.text
    r = call(demo.url, "POST", "/api/v1/houses/%s/fires" % hid, t,
             json={"date": "2025-13-01", "kind": "fire"})
    assert r.status_code == 400
    items = call(demo.url, "GET", "/api/v1/houses/%s/fires" % hid, t).json()["items"]
    assert len(items) == 1 and items[0]["injuries"] == 2 and items[0]["kind"] == "fire"
    fid = call(demo.url, "GET", "/api/v1/facilities?unit=00364&limit=1", t).json()["items"][0]["id"]
    r = call(demo.url, "POST", "/api/v1/facilities/%s/fires" % fid, t,
             json={"date": "2024-11-20", "kind": "explosion", "cause": "Rò rỉ khí gas"})
    assert r.status_code == 201
    kinds = [f["kind"] for f in call(demo.url, "GET", "/api/v1/facilities/%s/fires" % fid,
                                     t).json()["items"]]
    assert "explosion" in kinds
    # out of scope: not found
    other = call(demo.url, "GET", "/api/v1/houses?unit=00070&limit=1", police).json()["items"][0]
    assert call(demo.url, "GET", "/api/v1/houses/%s/fires" % other["id"], t).status_code == 404


def notices(demo):
    return [l for l in list(demo.logs) if l.get("msg") == "register notify"]


def wait_notice(demo, pred, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        hits = [n for n in notices(demo) if pred(n)]
        if hits:
            return hits
        time.sleep(0.3)
    return []


def test_notices(demo, tok):
    if not any(l.get("msg") == "register jobs started" for l in demo.logs):
        pytest.skip("serve does not start the register job yet (src/cmd/serve.c)")
    t, police = tok("commune_officer"), tok("city_fire_police")
    near = new_house(demo, t, "51")
    inspect(demo, t, near, date=today(), deadline=today(3))
    late = new_house(demo, t, "52")
    inspect(demo, t, late, date=today(-10), deadline=today(-2))
    hits = wait_notice(demo, lambda n: n["target_id"] == near and n["event"] == "deadline_near")
    assert hits and hits[0]["days"] == 3 and "Còn 3 ngày" in hits[0]["text_vi"]
    hits = wait_notice(demo, lambda n: n["target_id"] == late and n["event"] == "deadline_passed")
    assert hits and hits[0]["days"] == 2 and "quá hạn" in hits[0]["text_vi"]
    # a returned declaration
    call(demo.url, "POST", "/api/v1/houses/%s/declaration" % near, t, json={"occupants": 19})
    r = call(demo.url, "POST", "/api/v1/houses/%s/return" % near, t,
             json={"reason": "Thiếu số bình chữa cháy"})
    assert r.status_code == 200
    hits = wait_notice(demo, lambda n: n["target_id"] == near and
                       n["event"] == "declaration_returned")
    assert hits and "Thiếu số bình chữa cháy" in hits[0]["text_vi"]
    # a penalty recorded: told, with the facility's contacts (phones masked in the log)
    fid = call(demo.url, "GET", "/api/v1/facilities?unit=00364&limit=1", t).json()["items"][0]["id"]
    r = call(demo.url, "POST", "/api/v1/facilities/%s/penalties" % fid, police,
             json={"number": "88/QĐ-XPHC", "date": today(), "amount": 2000000,
                   "legal_basis": "Nghị định 106/2025/NĐ-CP"})
    assert r.status_code == 201
    hits = wait_notice(demo, lambda n: n["event"] == "penalty_recorded" and
                       "88/QĐ-XPHC" in n["text_vi"])
    assert hits and hits[0]["to"]
    assert all("*" in c["phone"] for c in hits[0]["to"] if "phone" in c)
    # each notice once, however many passes run
    time.sleep(2.5)
    keys = [n["key"] for n in notices(demo)]
    assert len(keys) == len(set(keys))
