"""Devices sharing an account number on different lines (issue #5): each
transmitter is registered on its own (account, receiver, line), and every
frame is looked up, supervised and stored for that device only. Two
accounts, each with a device on L1 and one on L2 (20 s windows): on the
first account L1 keeps sending link tests and L2 goes silent, on the second
the other way round, so the test fails whichever device an account-only
lookup would pick. Only the silent devices raise a communication failure
(~25 s of real time)."""
import datetime
import json
import os
import sqlite3
import time

import pytest
import requests

from conftest import Server
from test_alarm_frames import Device, frame


def rows(server, sql):
    con = sqlite3.connect(os.path.join(server.data_dir, "pccc.db"), timeout=10)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def send(server, acct, line, seq, ident="NULL", data=""):
    d = Device(server.alarm_port)
    try:
        return d.send(frame(acct=acct, line=line, ident=ident, data=data, seq="%04d" % seq))
    finally:
        d.close()


@pytest.mark.slow
def test_same_account_on_two_lines_supervised_apart(tmp_path):
    s = Server(tmp_path, "demo")
    try:
        with open(os.path.join(s.data_dir, "demo-accounts.json"), encoding="utf-8") as f:
            acc = [a for a in json.load(f) if a["role"] == "dispatcher"][0]
        tok = requests.post(s.url + "/api/v1/auth/login", timeout=30,
                            json={"username": acc["username"],
                                  "password": acc["password"]}).json()["token"]
        h = {"Authorization": "Bearer " + tok}
        dev = {}
        for acct in ("6B6B", "6C6C"):
            for line in ("1", "2"):
                r = requests.post(s.url + "/api/v1/devices", headers=h, timeout=30, json={
                    "account": acct, "receiver": "R1", "line": "L" + line, "unit": "00364",
                    "site_name": "Tòa %s đường %s" % (acct, line), "supervision_s": 20,
                    "commissioning": "live"})
                assert r.status_code == 201, r.text
                dev[(acct, line)] = r.json()["id"]
        # the same account on the same receiver and line twice is refused
        r = requests.post(s.url + "/api/v1/devices", headers=h, timeout=30, json={
            "account": "6B6B", "receiver": "R1", "line": "L1", "unit": "00364"})
        assert r.status_code == 409

        seq = 0
        for key in dev:
            seq += 1
            assert send(s, key[0], key[1], seq)["id"] == "ACK"
        # an event is stored for the device of its line
        seq += 1
        assert send(s, "6B6B", "2", seq, ident="SIA-DCS", data="#6B6B|NYR1")["id"] == "ACK"
        assert rows(s, "select device_id from alarm_events where account='6B6B' and "
                    "code='YR'") == [(dev[("6B6B", "2")],)]

        alive = [("6B6B", "1"), ("6C6C", "2")]
        silent = [("6B6B", "2"), ("6C6C", "1")]
        t0 = time.time()
        failed = []
        while time.time() - t0 < 32:
            for key in alive:
                seq += 1
                assert send(s, key[0], key[1], seq)["id"] == "ACK"
            failed = rows(s, "select device_id from alarm_events where code='COMM_FAIL' and "
                          "restore=0 and device_id in (%s)" % ",".join(str(v) for v in dev.values()))
            if len(failed) >= 2 and time.time() - t0 > 24:
                break
            time.sleep(3)
        assert sorted(i for (i,) in failed) == sorted(dev[k] for k in silent), failed
        states = dict(rows(s, "select id, state from devices where id in (%s)" %
                           ",".join(str(v) for v in dev.values())))
        for k in silent:
            assert states[dev[k]] == "comm_fail", (k, states)
        for k in alive:
            assert states[dev[k]] == "normal", (k, states)
        # the silent device's next frame restores it, and only it
        k = silent[0]
        seq += 1
        assert send(s, k[0], k[1], seq)["id"] == "ACK"
        ok = []
        for _ in range(100):
            ok = rows(s, "select device_id from alarm_events where code='COMM_FAIL' and "
                      "restore=1")
            if ok:
                break
            time.sleep(0.05)
        assert ok == [(dev[k],)]
        assert rows(s, "select state from devices where id=%d" % dev[k]) == [("normal",)]
        assert rows(s, "select state from devices where id=%d" % dev[silent[1]]) == \
            [("comm_fail",)]
        # last heard is kept per device too (flushed every 5 s): the live L2
        # of 6C6C was heard 20 s and more after its silent L1
        time.sleep(5.5)
        got = {i["id"]: i for i in requests.get(s.url + "/api/v1/devices?account=6C6C",
                                                headers=h, timeout=30).json()["items"]}

        def heard(k):
            v = got[dev[k]]["last_heard_at"]
            return datetime.datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp()

        assert heard(("6C6C", "2")) - heard(("6C6C", "1")) >= 20
    finally:
        s.stop()
