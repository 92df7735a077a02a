"""Transmitter AES keys at rest (issue #5): the devices table keeps each
key sealed with the personal-data key file (DATA_DIR/pii.key), the API
shows only has_key / key_bits / key_kind, the receiver opens the keys in
memory so encrypted frames still ACK after a restart, and keys an earlier
version stored in clear are sealed at the next start. The database is read
directly (sqlite3 module, and its raw bytes) to check the key is not in it."""
import json
import os
import sqlite3

import requests

from conftest import Server
from test_alarm_frames import Device, frame

KEY256 = "A1B2C3D4E5F60718293A4B5C6D7E8F90112233445566778899AABBCCDDEEFF00"
KEY_RAW = "Pccc-raw-key-016"          # 16 characters: AES-128 as raw text


def db_path(server):
    return os.path.join(server.data_dir, "pccc.db")


def db_rows(server, sql, args=()):
    con = sqlite3.connect(db_path(server), timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def db_bytes(server):
    """The database file and its WAL, as bytes."""
    out = b""
    for suffix in ("", "-wal"):
        p = db_path(server) + suffix
        if os.path.exists(p):
            with open(p, "rb") as f:
                out += f.read()
    return out


def login(server, role="dispatcher"):
    with open(os.path.join(server.data_dir, "demo-accounts.json"), encoding="utf-8") as f:
        acc = [a for a in json.load(f) if a["role"] == role][0]
    r = requests.post(server.url + "/api/v1/auth/login", timeout=30,
                      json={"username": acc["username"], "password": acc["password"]})
    assert r.status_code == 200, r.text
    return {"Authorization": "Bearer " + r.json()["token"]}


def create(server, h, account, key, **extra):
    body = {"account": account, "receiver": "R1", "line": "L1", "unit": "00364",
            "site_name": "Kho khóa %s" % account, "key": key, "commissioning": "live"}
    body.update(extra)
    r = requests.post(server.url + "/api/v1/devices", headers=h, json=body, timeout=30)
    assert r.status_code == 201, r.text
    return r.json()


def send_enc(server, account, key, seq, data=None):
    d = Device(server.alarm_port)
    try:
        return d.send(frame(acct=account, key=key, seq=seq,
                            data=data or "#%s|NFA101" % account), key)
    finally:
        d.close()


def assert_sealed(server, account, key):
    (val, bits), = db_rows(server, "select key, key_bits from devices where account = ?",
                           (account,))
    assert val.startswith("v1:") and len(val) > 64, val
    assert key not in val and key.lower() not in val
    return bits


def test_keys_sealed_at_rest_hidden_by_api_and_ack_after_restart(tmp_path):
    s = Server(tmp_path, "demo")
    try:
        h = login(s)
        d256 = create(s, h, "7A01", KEY256)
        draw = create(s, h, "7A02", KEY_RAW, key_kind="raw")
        plain = create(s, h, "7A03", None)
        # the API: never the key, only whether there is one and its size/form
        for dev, bits, kind in ((d256, 256, "hex"), (draw, 128, "raw"), (plain, None, None)):
            assert "key" not in dev
            assert dev["has_key"] is (bits is not None)
            assert dev["key_bits"] == bits and dev["key_kind"] == kind
            g = requests.get(s.url + "/api/v1/devices/%d" % dev["id"], headers=h, timeout=30)
            assert g.status_code == 200
            assert g.json()["key_bits"] == bits and g.json()["has_key"] is (bits is not None)
            assert "key" not in g.json()
        for path in ("/api/v1/devices?limit=500", "/api/v1/devices?format=csv",
                     "/api/v1/devices/%d" % d256["id"]):
            text = requests.get(s.url + path, headers=h, timeout=30).text
            assert KEY256 not in text and KEY256.lower() not in text and KEY_RAW not in text
            assert "v1:" not in text
        # a PATCH that does not touch the key keeps it (sealed again)
        r = requests.patch(s.url + "/api/v1/devices/%d" % d256["id"], headers=h, timeout=30,
                           json={"site_name": "Kho khóa đổi tên"})
        assert r.status_code == 200, r.text
        assert r.json()["has_key"] is True and r.json()["key_bits"] == 256
        assert send_enc(s, "7A01", KEY256, "0001")["id"] == "ACK"
        assert send_enc(s, "7A02", KEY_RAW, "0001")["id"] == "ACK"
        # at rest: the column holds sealed text, the file holds no key
        assert assert_sealed(s, "7A01", KEY256) == 256
        assert assert_sealed(s, "7A02", KEY_RAW) == 128
        assert db_rows(s, "select key, key_bits from devices where account = '7A03'") == \
            [(None, None)]
        with open(os.path.join(s.data_dir, "demo-devices.json"), encoding="utf-8") as f:
            demo_keys = [d["key"] for d in json.load(f) if d["key"]]
        assert demo_keys
        raw = db_bytes(s)
        for k in [KEY256, KEY_RAW] + demo_keys:
            assert k.encode() not in raw and k.lower().encode() not in raw, k
        # a wrong key is still refused (the sealed key is the device's)
        bad = send_enc(s, "7A01", "00" * 32, "0002")
        assert bad["id"] == "DUH"
    finally:
        s.stop()
    # restart on the same data: the receiver opens the keys again
    s = Server(tmp_path, "serve")
    try:
        r = send_enc(s, "7A01", KEY256, "0003")
        assert r["id"] == "ACK" and r["encrypted"] is True
        assert send_enc(s, "7A02", KEY_RAW, "0003")["id"] == "ACK"
        assert db_rows(s, "select count(*) from alarm_events a join devices d on "
                       "d.id = a.device_id where d.account in ('7A01', '7A02') and "
                       "a.code = 'FA'") == [(4,)]
        assert not [l for l in s.logs if l.get("msg") == "alarm device keys sealed"]
    finally:
        s.stop()


def test_clear_keys_from_before_are_sealed_on_first_start(tmp_path):
    s = Server(tmp_path, "demo")
    try:
        h = login(s)
        create(s, h, "7B01", KEY256)
        create(s, h, "7B02", KEY_RAW, key_kind="raw")
    finally:
        s.stop()
    # what a version before migration 013 left: keys in clear, no size
    con = sqlite3.connect(db_path(s), timeout=10)
    con.execute("update devices set key = ?, key_bits = null where account = '7B01'", (KEY256,))
    con.execute("update devices set key = ?, key_bits = null where account = '7B02'",
                (KEY_RAW,))
    con.commit()
    con.close()
    assert KEY256.encode() in db_bytes(s), "the test did not store a clear key"
    s = Server(tmp_path, "serve")
    try:
        sealed = [l for l in s.logs if l.get("msg") == "alarm device keys sealed"]
        assert sealed and sealed[0].get("devices") == 2, s.logs[-10:]
        assert_sealed(s, "7B01", KEY256)
        assert_sealed(s, "7B02", KEY_RAW)
        raw = db_bytes(s)
        assert KEY256.encode() not in raw and KEY_RAW.encode() not in raw
        assert send_enc(s, "7B01", KEY256, "0011")["id"] == "ACK"
        assert send_enc(s, "7B02", KEY_RAW, "0011")["id"] == "ACK"
        h = login(s)
        items = requests.get(s.url + "/api/v1/devices?account=7B01", headers=h,
                             timeout=30).json()["items"]
        assert items[0]["has_key"] is True and items[0]["key_kind"] == "hex"
    finally:
        s.stop()
    # the next start has nothing left to seal and still decrypts
    s = Server(tmp_path, "serve")
    try:
        assert not [l for l in s.logs if l.get("msg") == "alarm device keys sealed"]
        assert send_enc(s, "7B01", KEY256, "0012")["id"] == "ACK"
    finally:
        s.stop()


def test_other_key_file_leaves_the_device_refused_not_cleared(tmp_path):
    s = Server(tmp_path, "demo")
    try:
        h = login(s)
        dev = create(s, h, "7C01", KEY256)
    finally:
        s.stop()
    # a different pii.key (e.g. lost and recreated): the key does not open
    os.remove(os.path.join(str(tmp_path), "pii.key"))
    s = Server(tmp_path, "serve")
    try:
        assert send_enc(s, "7C01", KEY256, "0021")["id"] == "DUH"
        assert any("does not open" in str(l.get("msg", "")) for l in s.logs), s.logs[-10:]
        h = login(s)
        r = requests.patch(s.url + "/api/v1/devices/%d" % dev["id"], headers=h, timeout=30,
                           json={"site_name": "x"})
        assert r.status_code == 409 and r.json()["error"]["field"] == "key", r.text
        val, = db_rows(s, "select key from devices where id = ?", (dev["id"],))[0]
        assert val and val.startswith("v1:"), "a refused update must not drop the key"
        r = requests.patch(s.url + "/api/v1/devices/%d" % dev["id"], headers=h, timeout=30,
                           json={"key": KEY256})
        assert r.status_code == 200, r.text
        assert send_enc(s, "7C01", KEY256, "0022")["id"] == "ACK"
    finally:
        s.stop()
