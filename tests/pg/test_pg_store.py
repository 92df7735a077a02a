"""pccc on PostgreSQL (`--db postgres://...`), end to end against the real
binary and a throwaway cluster started by tests/pg/run.sh: migrations from
the command line, units, sign-in, the register (house, facility,
inspection), the audit chain and its append-only trigger, a DC-09 event
over TCP stored once and ACKed, writers serialised, a failed statement
inside a transaction undoing only itself, and a restart keeping data."""
import concurrent.futures
import glob
import json
import os
import subprocess
import time

import pytest

from authutil import call, login, token_cache
from conftest import ROOT, Server, run_pccc
from pgutil import new_db, psql
from test_alarm_frames import Device, frame


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    url = new_db("demo")
    s = Server(tmp_path_factory.mktemp("pgdemo"), "demo", extra=["--db", url])
    s.db = url
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


def test_migrate_from_the_command_line(tmp_path):
    url = new_db("mig")
    r = run_pccc("migrate", "--db", url, "--data", str(tmp_path))
    assert r.returncode == 0, r.stderr[-2000:]
    files = glob.glob(os.path.join(ROOT, "src", "store", "sql", "*.sql"))
    n = psql(url, "SELECT count(*) FROM schema_migrations")[0][0]
    assert int(n) == len(files)
    # identity ids where SQLite has rowids; the audit trigger; units seeded
    ident = psql(url, "SELECT is_identity FROM information_schema.columns WHERE "
                 "table_name = 'alarm_events' AND column_name = 'id'")
    assert ident == [["YES"]]
    assert psql(url, "SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_no_update'") == [["1"]]
    assert int(psql(url, "SELECT count(*) FROM units WHERE scheme = '2025'")[0][0]) > 3000
    # a second run applies nothing and succeeds
    r = run_pccc("migrate", "--db", url, "--data", str(tmp_path))
    assert r.returncode == 0
    assert int(psql(url, "SELECT count(*) FROM schema_migrations")[0][0]) == len(files)


def test_unreachable_database_is_a_clear_error(tmp_path):
    r = run_pccc("migrate", "--db", "postgresql://pccc@/nosuchdb_pccc?host=/nonexistent&port=1",
                 "--data", str(tmp_path), timeout=60)
    assert r.returncode != 0
    assert "cannot open database" in r.stderr and "không mở được" in r.stderr


def test_units_get_list_paging_successors(demo):
    u = demo.get("/api/v1/units/00364").json()
    assert u["code"] == "00364" and u["scheme"] == "2025" and u["level"] == "commune"
    assert demo.get("/api/v1/units/99998").status_code == 404
    first = demo.get("/api/v1/units?q=dong%20da&limit=5").json()["items"][0]
    assert first["name"] == "Phường Đống Đa"
    whole = [i["code"] for i in demo.get("/api/v1/units?scheme=2025&parent=01&limit=500").json()["items"]]
    assert len(whole) == 126
    seen, cursor = [], None
    for _ in range(40):
        j = demo.get("/api/v1/units?scheme=2025&parent=01&limit=17" +
                     ("&cursor=" + cursor if cursor else "")).json()
        seen += [i["code"] for i in j["items"]]
        cursor = j.get("next_cursor")
        if not cursor:
            break
    assert seen == whole
    legacy = demo.get("/api/v1/units?scheme=legacy&level=commune&q=kim%20lien").json()["items"]
    assert legacy and legacy[0]["successors"]
    succ = demo.get("/api/v1/units/%s/successors" % legacy[0]["code"]).json()["items"]
    assert [s["code"] for s in succ] == sorted(s["code"] for s in legacy[0]["successors"])


def test_sign_in_and_out(demo):
    j = login(demo.url, "demo.canbo")
    assert j["user"]["role"] == "commune_officer"
    me = call(demo.url, "GET", "/api/v1/auth/me", j["token"])
    assert me.status_code == 200 and me.json()["user"]["username"] == "demo.canbo"
    r = call(demo.url, "POST", "/api/v1/auth/login",
             json={"username": "demo.canbo", "password": "wrong-Password1"})
    assert r.status_code == 401
    assert call(demo.url, "POST", "/api/v1/auth/logout", j["token"]).status_code in (200, 204)
    assert call(demo.url, "GET", "/api/v1/auth/me", j["token"]).status_code == 401


def test_house_create_get_list_patch(demo, tok):
    t = tok("commune_officer")
    r = call(demo.url, "POST", "/api/v1/houses", t,
             json=new_house(house_number="12B", street="Phố Vương Thừa Vũ"))
    assert r.status_code == 201, r.text
    h = r.json()
    assert len(h["id"]) == 10 and h["unit"] == "00364"
    g = call(demo.url, "GET", "/api/v1/houses/" + h["id"], t)
    assert g.status_code == 200 and g.json()["house_number"] == "12B"
    # text search over the folded address (LIKE on PostgreSQL)
    found = call(demo.url, "GET", "/api/v1/houses?q=vuong%20thua%20vu&limit=100", t).json()
    assert h["id"] in [x["id"] for x in found["items"]]
    r = call(demo.url, "PATCH", "/api/v1/houses/" + h["id"], t, json={"floors": 6})
    assert r.status_code == 200, r.text
    assert call(demo.url, "GET", "/api/v1/houses/" + h["id"], t).json()["floors"] == 6
    # scope: another commune's officer view (the fire team of 00367) or a
    # house outside it is 404
    other = call(demo.url, "GET", "/api/v1/houses?unit=00070&limit=1",
                 tok("city_fire_police")).json()["items"][0]["id"]
    assert call(demo.url, "GET", "/api/v1/houses/" + other, t).status_code == 404
    # paging by id is complete and ordered
    seen, cursor = [], None
    for _ in range(30):
        j = call(demo.url, "GET", "/api/v1/houses?limit=9" +
                 ("&cursor=" + cursor if cursor else ""), t).json()
        seen += [i["id"] for i in j["items"]]
        cursor = j.get("next_cursor")
        if not cursor:
            break
    assert seen == sorted(seen) and len(seen) == len(set(seen)) and h["id"] in seen


def test_facility_and_inspections(demo, tok):
    t = tok("commune_officer")
    fac = {"category": "entertainment", "name": "Karaoke Thử PG", "unit": "00364",
           "contacts": [{"name": "Chủ", "phone": "0912345678"}, "0987654321",
                        "+84 90 111 2222"],
           "systems": ["fire_alarm", "extinguishers"]}
    r = call(demo.url, "POST", "/api/v1/facilities", t, json=fac)
    assert r.status_code == 201, r.text
    f = r.json()
    assert f["id"].startswith("CS")
    r = call(demo.url, "PATCH", "/api/v1/facilities/" + f["id"], t,
             json={"transmitter_connected": True})
    assert r.status_code == 200 and r.json()["transmitter_connected"] is True
    lst = call(demo.url, "GET", "/api/v1/facilities?limit=500", t).json()["items"]
    assert f["id"] in [x["id"] for x in lst]
    cat = call(demo.url, "GET", "/api/v1/register/catalogue", t).json()
    fitems = [c["code"] for c in cat["conditions"] if "facility" in c["applies"]]
    r = call(demo.url, "POST", "/api/v1/facilities/%s/inspections" % f["id"], t,
             json={"kind": "periodic", "date": "2025-08-03",
                   "results": [{"code": c, "result": "pass"} for c in fitems]})
    assert r.status_code == 201, r.text
    assert call(demo.url, "GET", "/api/v1/facilities/" + f["id"], t).json()["compliance"] == "dam_bao"
    # a house inspection with a failing item derives the house's compliance
    hitems = [c["code"] for c in cat["conditions"] if "boarding_house" in c["applies"]]
    hid = call(demo.url, "POST", "/api/v1/houses", t, json=new_house()).json()["id"]
    res = [{"code": c, "result": "fail" if c == "LOI_THOAT_NAN_2" else "pass"} for c in hitems]
    r = call(demo.url, "POST", "/api/v1/houses/%s/inspections" % hid, t,
             json={"kind": "periodic", "date": "2025-08-01", "results": res,
                   "deadline": "2025-09-01"})
    assert r.status_code == 201, r.text
    h = call(demo.url, "GET", "/api/v1/houses/" + hid, t).json()
    assert h["compliance"] == "khong_dam_bao" and h["failing_items"] == ["LOI_THOAT_NAN_2"]
    lst = call(demo.url, "GET", "/api/v1/houses/%s/inspections" % hid, t).json()["items"]
    assert [i["date"] for i in lst] == ["2025-08-01"]


def test_parallel_writers_are_serialised(demo, tok):
    t = tok("commune_officer")

    def create(i):
        return call(demo.url, "POST", "/api/v1/houses", t,
                    json=new_house(house_number="P%d" % i))
    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        rs = list(ex.map(create, range(16)))
    assert [r.status_code for r in rs] == [201] * 16, [r.text for r in rs if r.status_code != 201]
    assert len({r.json()["id"] for r in rs}) == 16


def test_failed_statement_in_a_transaction_undoes_only_itself(demo, tok):
    # a taken username conflicts inside the account-creation transaction;
    # the store answers 409 and the connection stays usable
    a = tok("admin")
    body = {"username": "pg.canbo2", "display_name": "Cán bộ PG", "role": "commune_officer",
            "unit": "00364", "password": "Ngoc#Ha2025pw"}
    r1 = call(demo.url, "POST", "/api/v1/accounts", a, json=body)
    assert r1.status_code == 201, r1.text
    r2 = call(demo.url, "POST", "/api/v1/accounts", a, json=body)
    assert r2.status_code == 409, r2.text
    # a house import with one bad row among good ones is refused as a
    # whole, with the bad row named, and nothing half-written
    t = tok("commune_officer")
    before = int(psql(demo.db, "SELECT count(*) FROM houses")[0][0])
    csv = ("unit,street,house_number,house_type,floors\n"
           "00364,Phố A,1,tube_house,2\n"
           "00070,Phố B,2,tube_house,2\n")
    r = call(demo.url, "POST", "/api/v1/houses/import", t, data=csv.encode(),
             headers={"Content-Type": "text/csv"})
    assert r.status_code in (400, 422), r.text
    assert int(psql(demo.db, "SELECT count(*) FROM houses")[0][0]) == before
    assert call(demo.url, "GET", "/api/v1/houses?limit=1", t).status_code == 200


def test_audit_chain_verifies_and_is_append_only(demo, tok):
    tok("auditor")
    lst = call(demo.url, "GET", "/api/v1/audit?limit=5", tok("auditor"))
    assert lst.status_code == 200 and lst.json()["items"]
    r = run_pccc("audit", "verify", "--db", demo.db, "--data", demo.data_dir)
    assert r.returncode == 0, r.stdout + r.stderr[-2000:]
    for sql in ("UPDATE audit SET actor = 'x' WHERE seq = 1", "DELETE FROM audit WHERE seq = 1",
                "TRUNCATE audit"):
        bad = psql(demo.db, sql, check=False)
        assert bad.returncode != 0 and "append-only" in bad.stderr, sql


_seq = [500]


def seq():
    _seq[0] += 1
    return "%04d" % _seq[0]


def test_dc09_event_stored_once_and_acked(demo, tok):
    assert demo.alarm_port
    s = seq()
    d = Device(demo.alarm_port)
    r1 = d.send(frame(data="#1234|NFA141", seq=s, ts=time.time()))
    r2 = d.send(frame(data="#1234|NFA141", seq=s, ts=time.time() + 1))  # retransmission
    d.close()
    assert r1["id"] == r2["id"] == "ACK", (r1, r2)
    assert (r1["seq"], r1["account"]) == (s, "1234")
    rows = psql(demo.db, "SELECT code, class, zone FROM alarm_events WHERE account = '1234' "
                "AND seq = '%s'" % s)
    assert rows == [["FA", "alarm", "141"]]
    # the dispatcher sees it through the API, and an incident was opened
    ev = call(demo.url, "GET", "/api/v1/alarm-events?limit=50", tok("dispatcher"))
    assert ev.status_code == 200, ev.text
    assert any(e.get("seq") == s for e in ev.json()["items"])
    inc = call(demo.url, "GET", "/api/v1/incidents?limit=50", tok("dispatcher"))
    assert inc.status_code == 200 and inc.json()["items"]


def test_restart_keeps_data(tmp_path):
    url = new_db("restart")
    s = Server(tmp_path, "demo", extra=["--db", url])
    try:
        t = login(s.url, "demo.canbo")["token"]
        hid = call(s.url, "POST", "/api/v1/houses", t, json=new_house(house_number="R1")).json()["id"]
        d = Device(s.alarm_port)
        q = seq()
        assert d.send(frame(data="#1234|NFA142", seq=q, ts=time.time()))["id"] == "ACK"
        d.close()
    finally:
        assert s.stop() == 0
    s = Server(tmp_path, "serve", extra=["--db", url])
    try:
        # the session survives (stored hashed in the database), the house too
        g = call(s.url, "GET", "/api/v1/houses/" + hid, t)
        assert g.status_code == 200 and g.json()["house_number"] == "R1"
        # a retransmission of the event ACKed before the restart is stored once
        d = Device(s.alarm_port)
        assert d.send(frame(data="#1234|NFA142", seq=q, ts=time.time()))["id"] == "ACK"
        d.close()
        n = psql(url, "SELECT count(*) FROM alarm_events WHERE seq = '%s' AND zone = '142'" % q)
        assert n == [["1"]]
    finally:
        s.stop()
