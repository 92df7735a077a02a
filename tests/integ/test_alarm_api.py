"""The alarm API of `pccc demo`: alarm events (filters, cursor, CSV),
devices (keys never returned, create/patch with validation, commissioning
registered → tested by the first test signal, the receiver sees API
changes at once), incidents, permissions and scope."""
import json
import os

import time

import pytest
import requests

from conftest import Server
from test_alarm_frames import Device, frame

_seq = [5000]


def seq():
    _seq[0] += 1
    return "%04d" % (_seq[0] % 10000)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("alarmapi"), "demo")
    with open(os.path.join(s.data_dir, "demo-accounts.json"), encoding="utf-8") as f:
        s.accounts = {a["role"]: a for a in json.load(f)}
    yield s
    s.stop()


def auth(server, role):
    a = server.accounts[role]
    r = requests.post(server.url + "/api/v1/auth/login",
                      json={"username": a["username"], "password": a["password"]}, timeout=30)
    assert r.status_code == 200, r.text
    return {"Authorization": "Bearer " + r.json()["token"]}


@pytest.fixture(scope="module")
def disp(demo):
    return auth(demo, "dispatcher")


def send(server, raw):
    d = Device(server.alarm_port)
    r = d.send(raw)
    d.close()
    return r


def test_alarm_events_list(demo, disp):
    s1, s2 = seq(), seq()
    assert send(demo, frame(data="#1234|NFA301", seq=s1))["id"] == "ACK"
    assert send(demo, frame(acct="4567", line="2", ident="ADM-CID", data="#4567|1602 00 000",
                            seq=s2))["id"] == "ACK"
    r = requests.get(demo.url + "/api/v1/alarm-events?account=1234", headers=disp, timeout=30)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    it = [i for i in items if i["seq"] == s1][0]
    assert it["account"] == "1234" and it["code"] == "FA" and it["class"] == "alarm"
    assert it["restore"] is False and it["unit"] == "00364" and it["device_id"]
    assert it["received_at"].endswith("Z") and "T" in it["received_at"]
    assert all(i["account"] == "1234" for i in items)
    r = requests.get(demo.url + "/api/v1/alarm-events?class=test", headers=disp, timeout=30)
    assert any(i["seq"] == s2 and i["code"] == "602" for i in r.json()["items"])
    assert all(i["class"] == "test" for i in r.json()["items"])


def test_alarm_events_cursor_and_csv(demo, disp):
    for i in range(5):
        assert send(demo, frame(data="#1234|NYR%d" % i, seq=seq()))["id"] == "ACK"
    seen, cursor = [], None
    for _ in range(20):
        url = demo.url + "/api/v1/alarm-events?limit=2" + ("&cursor=" + cursor if cursor else "")
        j = requests.get(url, headers=disp, timeout=30).json()
        seen += [i["id"] for i in j["items"]]
        cursor = j.get("next_cursor")
        if not cursor:
            break
    assert len(seen) == len(set(seen)) >= 7
    assert seen == sorted(seen, reverse=True)
    r = requests.get(demo.url + "/api/v1/alarm-events?format=csv", headers=disp, timeout=30)
    assert r.status_code == 200 and "text/csv" in r.headers["Content-Type"]
    assert len(r.content.decode("utf-8-sig").strip().splitlines()) == len(seen) + 1
    r = requests.get(demo.url + "/api/v1/alarm-events?cursor=zz", headers=disp, timeout=30)
    assert r.status_code == 400


def test_alarm_events_need_permission(demo):
    assert requests.get(demo.url + "/api/v1/alarm-events", timeout=30).status_code == 401
    h = auth(demo, "commune_officer")
    assert requests.get(demo.url + "/api/v1/alarm-events", headers=h,
                        timeout=30).status_code == 403


def test_devices_never_show_keys(demo, disp):
    r = requests.get(demo.url + "/api/v1/devices?limit=500", headers=disp, timeout=30)
    assert r.status_code == 200
    devs = {d["account"]: d for d in r.json()["items"]}
    assert devs["2345"]["has_key"] is True and devs["1234"]["has_key"] is False
    text = json.dumps(r.json())
    for name in ("has_key", "key_bits", "key_kind"):
        text = text.replace('"%s"' % name, "")
    assert "key" not in text
    assert devs["2345"]["key_bits"] == 128 and devs["2345"]["key_kind"] == "hex"
    assert devs["1234"]["key_bits"] is None and devs["1234"]["key_kind"] is None
    assert devs["2345"]["receiver"] == "R1" and devs["2345"]["commissioning"] == "live"
    one = requests.get(demo.url + "/api/v1/devices/%d" % devs["2345"]["id"], headers=disp,
                       timeout=30).json()
    assert one["contacts"][0]["phone"] == "0903123456"


def test_device_create_validate_and_commission(demo, disp):
    body = {"account": "9a01", "receiver": "R1", "line": "L3", "unit": "00364",
            "site_name": "Nhà trọ 15 ngõ 100 Khương Đình",
            "address": "15 ngõ 100 phố Khương Đình, Phường Khương Đình, Hà Nội",
            "lat": 20.992, "lon": 105.814, "supervision_s": 3600,
            "contacts": [{"name": "Đỗ Văn Hùng", "phone": "0911222333"}]}
    bad = [({"account": "XYZ"}, "account"), ({"key": "short"}, "key"),
           ({"unit": "99999"}, "unit"), ({"contacts": [{"name": "A", "phone": "abc"}]},
                                           "contacts")]
    for patch, field in bad:
        r = requests.post(demo.url + "/api/v1/devices", json={**body, **patch}, headers=disp,
                          timeout=30)
        assert r.status_code == 400 and r.json()["error"]["field"] == field, r.text
    r = requests.post(demo.url + "/api/v1/devices", json={**body, "supervision_s": 5},
                      headers=disp, timeout=30)
    assert r.status_code == 400
    r = requests.post(demo.url + "/api/v1/devices", json=body, headers=disp, timeout=30)
    assert r.status_code == 201, r.text
    dev = r.json()
    assert dev["account"] == "9A01" and dev["commissioning"] == "registered"
    assert dev["receiver"] == "R1" and dev["line"] == "L3" and dev["has_key"] is False
    r = requests.post(demo.url + "/api/v1/devices", json=body, headers=disp, timeout=30)
    assert r.status_code == 409
    # The receiver knows it at once; the first test signal → tested.
    rep = send(demo, frame(acct="9A01", line="3", ident="ADM-CID", data="#9A01|1601 00 000",
                           seq=seq()))
    assert rep["id"] == "ACK", rep
    got = requests.get(demo.url + "/api/v1/devices/%d" % dev["id"], headers=disp,
                       timeout=30).json()
    assert got["commissioning"] == "tested" and got["last_heard_at"]
    # The next contact shows at once, before the store's periodic flush.
    time.sleep(1.1)
    assert send(demo, frame(acct="9A01", line="3", ident="ADM-CID", data="#9A01|1602 00 000",
                            seq=seq()))["id"] == "ACK"
    for path in ("/api/v1/devices/%d" % dev["id"], "/api/v1/devices?account=9A01"):
        again = requests.get(demo.url + path, headers=disp, timeout=30).json()
        again = again["items"][0] if "items" in again else again
        assert again["last_heard_at"] > got["last_heard_at"], (path, again, got)
    # A fire alarm of a device not live yet opens no incident.
    assert send(demo, frame(acct="9A01", line="3", data="#9A01|NFA1", seq=seq()))["id"] == "ACK"
    # Now give it an AES key: plain frames are refused, encrypted ones accepted.
    key = "00112233445566778899AABBCCDDEEFF"
    r = requests.patch(demo.url + "/api/v1/devices/%d" % dev["id"],
                       json={"key": key, "commissioning": "live"}, headers=disp, timeout=30)
    assert r.status_code == 200 and r.json()["has_key"] is True, r.text
    assert send(demo, frame(acct="9A01", line="3", data="#9A01|NFA1", seq=seq()))["id"] == "DUH"
    d = Device(demo.alarm_port)
    rep = d.send(frame(acct="9A01", line="3", data="#9A01|NFA2", seq=seq(), key=key), key)
    d.close()
    assert rep["id"] == "ACK" and rep["encrypted"]
    r = requests.patch(demo.url + "/api/v1/devices/999999", json={"site_name": "x"},
                       headers=disp, timeout=30)
    assert r.status_code == 404


def test_incidents(demo, disp):
    assert send(demo, frame(data="#1234|NFA401", seq=seq()))["id"] == "ACK"
    import time
    for _ in range(100):
        r = requests.get(demo.url + "/api/v1/incidents?state=open", headers=disp, timeout=30)
        items = [i for i in r.json()["items"] if i["site_name"] == "Chung cư 282 Khương Đình"]
        if items:
            break
        time.sleep(0.05)
    assert items, r.text
    inc = items[0]
    assert inc["unit"] == "00364" and inc["state"] == "open" and inc["opened_at"]
    one = requests.get(demo.url + "/api/v1/incidents/%d" % inc["id"], headers=disp, timeout=30)
    assert one.status_code == 200 and one.json()["id"] == inc["id"]
    r = requests.get(demo.url + "/api/v1/incidents?unit=00229", headers=disp, timeout=30)
    assert all(i["unit"] == "00229" for i in r.json()["items"])
    assert requests.get(demo.url + "/api/v1/incidents/999999", headers=disp,
                        timeout=30).status_code == 404


def test_demo_rerun_keeps_devices(tmp_path):
    """`pccc demo` on an existing database: the same five devices, no copies,
    and the same demo-devices.json."""
    out = []
    for _ in range(2):
        s = Server(tmp_path, "demo")
        with open(os.path.join(s.data_dir, "demo-devices.json"), encoding="utf-8") as f:
            out.append(json.load(f))
        s.stop()
    assert out[0] == out[1] and len(out[0]) == 5
    import sqlite3
    con = sqlite3.connect(os.path.join(str(tmp_path), "pccc.db"))
    n = con.execute("select count(*) from devices").fetchone()[0]
    con.close()
    assert n == 5


def test_live_device_connects_its_facility(demo, disp):
    """Registering a live transmitter for a facility that must connect by
    1/7/2027 takes it off the list of facilities still to connect; a
    device only registered (not live) does not."""
    officer = auth(demo, "commune_officer")
    fac = {"category": "entertainment", "name": "Karaoke Kết Nối", "unit": "00364",
           "must_connect_transmitter": True,
           "contacts": [{"name": "Chủ", "phone": "0912345678"}, "0987654321", "0901112222"]}
    r = requests.post(demo.url + "/api/v1/facilities", json=fac, headers=officer, timeout=30)
    assert r.status_code == 201, r.text
    fid = r.json()["id"]
    assert r.json()["transmitter_connected"] is False

    def unconnected():
        r = requests.get(demo.url + "/api/v1/facilities",
                         params={"must_connect": 1, "connected": 0, "unit": "00364",
                                 "limit": 500}, headers=officer, timeout=30)
        assert r.status_code == 200, r.text
        return [x["id"] for x in r.json()["items"]]

    assert fid in unconnected()
    body = {"account": "9c07", "unit": "00364", "facility_id": fid,
            "site_name": "Karaoke Kết Nối", "address": "Phường Khương Đình, Hà Nội",
            "supervision_s": 3600, "contacts": [{"name": "Chủ", "phone": "0912345678"}]}
    r = requests.post(demo.url + "/api/v1/devices", json=body, headers=disp, timeout=30)
    assert r.status_code == 201, r.text
    dev = r.json()
    assert fid in unconnected(), "a registered (not yet live) device does not connect"
    r = requests.patch(demo.url + "/api/v1/devices/%d" % dev["id"],
                       json={"commissioning": "live"}, headers=disp, timeout=30)
    assert r.status_code == 200, r.text
    assert fid not in unconnected()
    got = requests.get(demo.url + "/api/v1/facilities/" + fid, headers=officer, timeout=30)
    assert got.status_code == 200 and got.json()["transmitter_connected"] is True
