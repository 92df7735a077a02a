"""A facility's enforcement history on its card, over HTTP against
`pccc demo`: GET /api/v1/facilities/{id} carries the facility's penalty
decisions (number, date, amount, legal basis, paid), suspensions (kind,
from, to, lifted) and open violations with their remediation deadlines
(overdue flagged); POST /api/v1/penalties/{id}/paid marks a decision paid
(date checked, penalty capability, scope: 404 outside it) and the overdue
list drops it."""
import pytest

from authutil import call, DEMO_USERS, login, token_cache
from conftest import Server


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("enfdemo"), "demo")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def tok(demo):
    return token_cache(demo.url)


def new_facility(demo, t, name):
    fac = {"category": "entertainment", "name": name, "unit": "00364",
           "contacts": [{"name": "Chủ", "phone": "0912345678"}, "0987654321",
                        "+84 90 111 2222"]}
    r = call(demo.url, "POST", "/api/v1/facilities", t, json=fac)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_card_carries_enforcement_history(demo, tok):
    t, p = tok("commune_officer"), tok("city_fire_police")
    fid = new_facility(demo, t, "Karaoke Lịch Sử")
    other = new_facility(demo, t, "Karaoke Bên Cạnh")
    f = call(demo.url, "GET", "/api/v1/facilities/" + fid, t).json()
    assert f["penalties"] == [] and f["suspensions"] == [] and f["violations"] == []

    # an inspection failing one item with a deadline already past, one not yet
    cat = call(demo.url, "GET", "/api/v1/register/catalogue", t).json()
    items = [c["code"] for c in cat["conditions"] if "facility" in c["applies"]]
    assert len(items) >= 2
    fail = items[0]
    res = [{"code": c, "result": "fail" if c == fail else "pass"} for c in items]
    r = call(demo.url, "POST", "/api/v1/facilities/%s/inspections" % fid, t,
             json={"kind": "periodic", "date": "2025-08-01", "results": res,
                   "deadline": "2025-08-15"})
    assert r.status_code == 201, r.text
    insp = r.json()["id"]

    pen = {"number": "41/QĐ-XPHC", "date": "2025-08-05", "amount": 7500000,
           "legal_basis": "Điểm a khoản 2 Điều 10 Nghị định 106/2025/NĐ-CP",
           "violation": "Không duy trì lối thoát nạn", "deadline": "2025-08-25"}
    r = call(demo.url, "POST", "/api/v1/facilities/%s/penalties" % fid, p, json=pen)
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    r = call(demo.url, "POST", "/api/v1/facilities/%s/suspensions" % fid, p,
             json={"kind": "temporary", "number": "7/QĐ-TĐC", "date": "2025-08-06",
                   "from_date": "2025-08-06", "to_date": "2025-09-06",
                   "reason": "Không bảo đảm lối thoát nạn"})
    assert r.status_code == 201, r.text
    sid = r.json()["id"]

    f = call(demo.url, "GET", "/api/v1/facilities/" + fid, t).json()
    assert f["status"] == "temporarily_suspended"
    [pp] = f["penalties"]
    assert pp["id"] == pid and pp["number"] == "41/QĐ-XPHC" and pp["date"] == "2025-08-05"
    assert pp["amount"] == 7500000 and pp["legal_basis"].startswith("Điểm a khoản 2")
    assert pp["paid"] is False and pp["paid_on"] is None and pp["deadline"] == "2025-08-25"
    [ss] = f["suspensions"]
    assert ss["id"] == sid and ss["kind"] == "temporary"
    assert (ss["from_date"], ss["to_date"], ss["lifted_on"]) == ("2025-08-06", "2025-09-06", None)
    assert ss["active"] is True
    [vv] = f["violations"]
    assert vv["item_code"] == fail and vv["deadline"] == "2025-08-15"
    assert vv["inspection_id"] == insp and vv["overdue"] is True and vv["found_on"] == "2025-08-01"
    # nothing of it leaks onto the neighbour's card
    g = call(demo.url, "GET", "/api/v1/facilities/" + other, t).json()
    assert g["penalties"] == [] and g["suspensions"] == [] and g["violations"] == []

    # lifted: the card shows the day; the facility operates again
    r = call(demo.url, "POST", "/api/v1/facilities/%s/suspensions/%d/lift" % (fid, sid), p,
             json={"lifted_on": "2025-08-20"})
    assert r.status_code == 200
    f = call(demo.url, "GET", "/api/v1/facilities/" + fid, p).json()
    assert f["status"] == "operating"
    assert f["suspensions"][0]["lifted_on"] == "2025-08-20"
    assert f["suspensions"][0]["active"] is False

    # a later passing inspection closes the violation: gone from the card
    r = call(demo.url, "POST", "/api/v1/facilities/%s/inspections" % fid, t,
             json={"kind": "unannounced", "date": "2025-09-01",
                   "results": [{"code": c, "result": "pass"} for c in items]})
    assert r.status_code == 201
    assert call(demo.url, "GET", "/api/v1/facilities/" + fid, t).json()["violations"] == []


def test_mark_penalty_paid(demo, tok):
    t, p = tok("commune_officer"), tok("city_fire_police")
    fid = new_facility(demo, t, "Quán Nộp Phạt")
    pen = {"number": "42/QĐ-XPHC", "date": "2025-08-05", "amount": 2000000,
           "legal_basis": "Nghị định 106/2025/NĐ-CP", "deadline": "2025-08-25"}
    pid = call(demo.url, "POST", "/api/v1/facilities/%s/penalties" % fid, p, json=pen).json()["id"]
    over = call(demo.url, "GET", "/api/v1/enforcement/overdue?unit=00364", p).json()["items"]
    assert any(o["kind"] == "penalty" and o["ref_id"] == pid for o in over)

    path = "/api/v1/penalties/%d/paid" % pid
    # commune officers hold no penalty capability
    assert call(demo.url, "POST", path, t, json={"paid": True,
                                                 "paid_on": "2025-08-20"}).status_code == 403
    # the date: required, a real date, not in the future
    for body in ({"paid": True}, {"paid": True, "paid_on": "20/08/2025"},
                 {"paid": True, "paid_on": "2025-02-30"}, {"paid": True, "paid_on": "2999-01-01"},
                 {"paid": True, "paid_on": "2025-08-04"}):   # before the decision
        r = call(demo.url, "POST", path, p, json=body)
        assert r.status_code == 400, body
        assert r.json()["error"]["field"] == "paid_on"
    # no such penalty
    r = call(demo.url, "POST", "/api/v1/penalties/987654321/paid", p,
             json={"paid": True, "paid_on": "2025-08-20"})
    assert r.status_code == 404

    r = call(demo.url, "POST", path, p, json={"paid": True, "paid_on": "2025-08-20"})
    assert r.status_code == 200, r.text
    j = r.json()
    assert j["paid"] is True and j["paid_on"] == "2025-08-20" and j["facility_id"] == fid
    f = call(demo.url, "GET", "/api/v1/facilities/" + fid, t).json()
    assert f["penalties"][0]["paid"] is True and f["penalties"][0]["paid_on"] == "2025-08-20"
    over = call(demo.url, "GET", "/api/v1/enforcement/overdue?unit=00364", p).json()["items"]
    assert not any(o["kind"] == "penalty" and o["ref_id"] == pid for o in over)
    # undone (a mistake): unpaid again, the date cleared, overdue again
    r = call(demo.url, "POST", path, p, json={"paid": False})
    assert r.status_code == 200 and r.json()["paid"] is False and r.json()["paid_on"] is None
    over = call(demo.url, "GET", "/api/v1/enforcement/overdue?unit=00364", p).json()["items"]
    assert any(o["kind"] == "penalty" and o["ref_id"] == pid for o in over)


def test_paid_scope_and_audit(demo, tok):
    t, p = tok("commune_officer"), tok("city_fire_police")
    # a facility of Thanh Xuân's team area vs one of another district
    fid = new_facility(demo, t, "Cơ Sở Trong Phạm Vi")
    far = call(demo.url, "GET", "/api/v1/facilities?unit=00070&limit=1", p).json()["items"][0]["id"]
    pen = {"number": "43/QĐ-XPHC", "date": "2025-08-05", "amount": 1000000,
           "legal_basis": "Nghị định 106/2025/NĐ-CP"}
    far_pid = call(demo.url, "POST", "/api/v1/facilities/%s/penalties" % far, p,
                   json=pen).json()["id"]
    pen["number"] = "44/QĐ-XPHC"
    near_pid = call(demo.url, "POST", "/api/v1/facilities/%s/penalties" % fid, p,
                    json=pen).json()["id"]
    team = tok("fire_team")
    body = {"paid": True, "paid_on": "2025-08-10"}
    # outside the team's communes: 404, as for a penalty that does not exist
    r = call(demo.url, "POST", "/api/v1/penalties/%d/paid" % far_pid, team, json=body)
    assert r.status_code == 404
    assert call(demo.url, "GET", "/api/v1/facilities/" + far, p).json()["penalties"][0]["paid"] is False
    r = call(demo.url, "POST", "/api/v1/penalties/%d/paid" % near_pid, team, json=body)
    assert r.status_code == 200, r.text
    # audited
    aud = login(demo.url, DEMO_USERS["auditor"])["token"]
    trail = call(demo.url, "GET", "/api/v1/audit?action=penalty.paid&limit=50", aud).json()["items"]
    assert any(a.get("record_id") == str(near_pid) for a in trail), trail
    # the facility owner's own card carries its history too (arrays present)
    own = call(demo.url, "GET", "/api/v1/facilities", tok("facility_owner")).json()["items"][0]["id"]
    f = call(demo.url, "GET", "/api/v1/facilities/" + own, tok("facility_owner")).json()
    assert isinstance(f["penalties"], list) and isinstance(f["violations"], list)
