"""Supervision end to end (the unit test covers the timer logic with a fake
clock; this one runs the real thing once, ~22 s): a device with the
shortest window (20 s) is heard by a NULL link test, then silent: a
communication-failure event is stored and the device is comm_fail; the
next frame restores it (a restore event, state normal)."""
import pytest
import json
import os
import sqlite3
import time

import requests

from conftest import Server
from test_alarm_frames import Device, frame


def rows(server, sql):
    con = sqlite3.connect(os.path.join(server.data_dir, "pccc.db"), timeout=10)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.slow
def test_missed_window_and_restore(tmp_path):
    s = Server(tmp_path, "demo")
    try:
        with open(os.path.join(s.data_dir, "demo-accounts.json"), encoding="utf-8") as f:
            acc = [a for a in json.load(f) if a["role"] == "dispatcher"][0]
        tok = requests.post(s.url + "/api/v1/auth/login", timeout=30,
                            json={"username": acc["username"],
                                  "password": acc["password"]}).json()["token"]
        h = {"Authorization": "Bearer " + tok}
        r = requests.post(s.url + "/api/v1/devices", headers=h, timeout=30, json={
            "account": "5A5A", "receiver": "R1", "line": "L1", "unit": "00364",
            "site_name": "Kho 7 Khương Đình", "supervision_s": 20, "commissioning": "live"})
        assert r.status_code == 201, r.text
        dev = r.json()["id"]
        d = Device(s.alarm_port)
        assert d.send(frame(acct="5A5A", ident="NULL", data="", seq="0000"))["id"] == "ACK"
        d.close()
        t0 = time.time()
        fail = []
        while time.time() - t0 < 30 and not fail:
            time.sleep(0.25)
            fail = rows(s, "select received_ms from alarm_events where device_id=%d and "
                        "code='COMM_FAIL' and restore=0" % dev)
        assert fail, "no communication failure after the window"
        assert time.time() - t0 >= 19.5, "failure raised before the window ended"
        assert rows(s, "select state from devices where id=%d" % dev) == [("comm_fail",)]
        d = Device(s.alarm_port)
        assert d.send(frame(acct="5A5A", ident="NULL", data="", seq="0001"))["id"] == "ACK"
        d.close()
        ok = []
        for _ in range(100):
            ok = rows(s, "select class from alarm_events where device_id=%d and "
                      "code='COMM_FAIL' and restore=1" % dev)
            if ok:
                break
            time.sleep(0.05)
        assert ok == [("trouble",)]
        assert rows(s, "select state from devices where id=%d" % dev) == [("normal",)]
        got = requests.get(s.url + "/api/v1/alarm-events?device=%d" % dev, headers=h,
                           timeout=30).json()["items"]
        assert [(i["code"], i["restore"]) for i in got] == [("COMM_FAIL", True),
                                                             ("COMM_FAIL", False)]
    finally:
        s.stop()
