"""The dispatcher's live alarm board: the server-sent events stream
(GET /api/v1/alarms/stream), its scope filter, Last-Event-ID resume and
heartbeats; the verification workflow (ack, call, verify, dispatch) with
every step's time; escalation of an unacknowledged alarm. Alarms are real
SIA DC-09 frames sent over TCP to the demo's receiver, from the demo
devices of DIR/demo-devices.json."""
import http.client
import json
import os
import queue
import socket
import threading
import time

import pytest
import requests

from conftest import Server

PASSWORD_FILE = "demo-accounts.json"
DEVICES_FILE = "demo-devices.json"


def crc16_arc(data):
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def dc09_frame(dev, seq, code="1110", zone="001"):
    """A plain ADM-CID frame from a demo device (no key)."""
    rcv = dev["receiver"] or ""
    line = dev["line"] or "L0"
    body = '"ADM-CID"%04d%s%s#%s[#%s|%s 01 %s]' % (seq % 10000, rcv, line, dev["account"],
                                                   dev["account"], code, zone)
    b = body.encode()
    return b"\n" + ("%04X%04X" % (crc16_arc(b), len(b))).encode() + b + b"\r"


def send_alarm(server, dev, seq, code="1110"):
    with socket.create_connection(("127.0.0.1", server.alarm_port), timeout=5) as s:
        s.sendall(dc09_frame(dev, seq, code))
        reply = b""
        while not reply.endswith(b"\r"):
            chunk = s.recv(256)
            if not chunk:
                break
            reply += chunk
    assert b'"ACK"' in reply, reply
    return reply


class SSE:
    """A server-sent events client on its own thread: events land in .q
    as dicts {"id","event","data"}; comment lines in .comments."""

    def __init__(self, server, token, path="/api/v1/alarms/stream", headers=None):
        self.q = queue.Queue()
        self.comments = queue.Queue()
        self.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        h = {"Authorization": "Bearer " + token, "Accept": "text/event-stream"}
        h.update(headers or {})
        self.conn.request("GET", path, headers=h)
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        self.headers = dict(self.resp.getheaders())
        if self.status == 200:
            threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        ev = {}
        try:
            while True:
                line = self.resp.readline()
                if not line:
                    return
                line = line.decode("utf-8").rstrip("\r\n")
                if line == "":
                    if "data" in ev or "event" in ev:
                        self.q.put(ev)
                    ev = {}
                elif line.startswith(":"):
                    self.comments.put(line)
                else:
                    k, _, v = line.partition(":")
                    ev[k] = v[1:] if v.startswith(" ") else v
        except (OSError, ValueError, AttributeError, http.client.HTTPException):
            return  # closed by close()

    def wait(self, pred, timeout):
        """The first event matching pred within timeout seconds, or None."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            try:
                ev = self.q.get(timeout=left)
            except queue.Empty:
                return None
            if pred(ev):
                return ev

    def close(self):
        try:
            self.conn.sock.shutdown(socket.SHUT_RDWR)
        except (OSError, AttributeError):
            pass
        self.conn.close()


def data_of(ev):
    return json.loads(ev["data"])


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("board"), "demo",
               env={"PCCC_ESCALATE_S": "2", "PCCC_SSE_HEARTBEAT_S": "1"})
    with open(os.path.join(s.data_dir, PASSWORD_FILE)) as f:
        s.accounts = {a["username"]: a for a in json.load(f)}
    with open(os.path.join(s.data_dir, DEVICES_FILE)) as f:
        s.devices = [d for d in json.load(f) if not d.get("key")]
    s.seq = 100
    yield s
    assert s.stop() == 0
    bad = [l for l in s.logs if "Sanitizer" in str(l.get("raw", ""))]
    assert not bad, bad[:5]


def login(server, username):
    pw = server.accounts[username]["password"]
    r = requests.post(server.url + "/api/v1/auth/login",
                      json={"username": username, "password": pw}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["token"]


def next_seq(server):
    server.seq += 1
    return server.seq


def api(server, token, method, path, body=None):
    h = {"Authorization": "Bearer " + token}
    return requests.request(method, server.url + path, headers=h, json=body, timeout=30)


def find_incident(server, token, account, state="all"):
    r = api(server, token, "GET", "/api/v1/alarms/board?state=" + state)
    assert r.status_code == 200, r.text
    for inc in r.json()["incidents"]:
        if inc["account"] == account:
            return inc
    return None


def wait_incident(server, token, account, pred=lambda i: True, state="all", timeout=5):
    """The incident of account once pred holds: the pipeline opens and
    joins incidents just after the ACK, so reads poll (bounded)."""
    end = time.monotonic() + timeout
    while True:
        inc = find_incident(server, token, account, state)
        if inc is not None and pred(inc):
            return inc
        if time.monotonic() > end:
            return inc
        time.sleep(0.05)


def test_stream_requires_sign_in_and_permission(demo):
    r = requests.get(demo.url + "/api/v1/alarms/stream", timeout=10)
    assert r.status_code == 401
    tok = login(demo, "demo.chuho")  # a citizen: no alarm.read
    r = api(demo, tok, "GET", "/api/v1/alarms/stream")
    assert r.status_code == 403
    r = api(demo, tok, "GET", "/api/v1/alarms/board")
    assert r.status_code == 403


def test_alarm_arrives_on_stream_within_one_second(demo):
    tok = login(demo, "demo.dieudo")
    sse = SSE(demo, tok)
    try:
        assert sse.status == 200
        assert sse.headers.get("Content-Type", "").startswith("text/event-stream")
        assert "no-store" in sse.headers.get("Cache-Control", "")
        assert sse.headers.get("X-Content-Type-Options") == "nosniff"
        dev = demo.devices[0]
        t0 = time.monotonic()
        send_alarm(demo, dev, next_seq(demo))
        ev = sse.wait(lambda e: e.get("event") == "alarm" and data_of(e)["account"] == dev["account"], 1.0)
        assert ev is not None, "alarm not on the stream within 1 s"
        assert time.monotonic() - t0 < 1.0
        d = data_of(ev)
        assert d["class"] == "alarm"
        assert int(ev["id"]) > 0
        inc = wait_incident(demo, tok, dev["account"])
        assert inc is not None and inc["state"] in ("open", "verifying", "confirmed", "dispatched")
        assert inc["site_name"] and inc["address"] and inc["contacts"]
        assert isinstance(inc["lat"], float)
    finally:
        sse.close()


def test_flood_from_one_building_is_one_line(demo):
    tok = login(demo, "demo.dieudo")
    dev = demo.devices[0]
    prev = find_incident(demo, tok, dev["account"])
    send_alarm(demo, dev, next_seq(demo))
    before = wait_incident(demo, tok, dev["account"],
                           lambda i: prev is None or i["event_count"] > prev["event_count"])
    for _ in range(5):
        send_alarm(demo, dev, next_seq(demo))
    after = wait_incident(demo, tok, dev["account"],
                          lambda i: i["event_count"] >= before["event_count"] + 5)
    assert after["id"] == before["id"]
    assert after["event_count"] == before["event_count"] + 5
    board = api(demo, tok, "GET", "/api/v1/alarms/board?state=all").json()
    assert len([i for i in board["incidents"] if i["account"] == dev["account"]
                and i["state"] not in ("false_alarm", "closed")]) == 1
    assert board["devices"]["total"] >= len(demo.devices)
    assert board["devices"]["alarm"] >= 1


def test_scope_filter_on_stream(demo):
    """A fire team covers its home commune and a few others (the demo's
    covers the demo officer's commune): it gets alarms of those communes
    only. A commune officer holds no alarm.read at all (roles matrix)."""
    disp = login(demo, "demo.dieudo")
    assert api(demo, login(demo, "demo.canbo"), "GET", "/api/v1/alarms/stream").status_code == 403
    officer = login(demo, "demo.doipccc")
    me = api(demo, officer, "GET", "/api/v1/auth/me").json()["user"]
    reach = {me["unit"]} | set(me.get("covered_communes") or [])
    # learn each plain device's commune from the dispatcher's board
    units = {}
    for dev in demo.devices:
        send_alarm(demo, dev, next_seq(demo))
        inc = wait_incident(demo, disp, dev["account"])
        units[dev["account"]] = inc["unit"]
    inside = [d for d in demo.devices if units[d["account"]] in reach]
    outside = [d for d in demo.devices if units[d["account"]] not in reach]
    assert inside and outside, units
    sse = SSE(demo, officer)
    try:
        assert sse.status == 200
        send_alarm(demo, outside[0], next_seq(demo))
        send_alarm(demo, inside[0], next_seq(demo))
        got = []
        while True:
            ev = sse.wait(lambda e: e.get("event") == "alarm", 1.5)
            if ev is None:
                break
            got.append(data_of(ev)["account"])
            if inside[0]["account"] in got:
                # give a late out-of-scope event a moment to show up
                late = sse.wait(lambda e: e.get("event") == "alarm", 0.3)
                if late:
                    got.append(data_of(late)["account"])
                break
        assert inside[0]["account"] in got
        assert outside[0]["account"] not in got
    finally:
        sse.close()
    # the officer's board holds no incident of another commune
    board = api(demo, officer, "GET", "/api/v1/alarms/board?state=all").json()
    assert board["incidents"] and all(i["unit"] in reach for i in board["incidents"])
    other = find_incident(demo, disp, outside[0]["account"])
    r = api(demo, officer, "GET", "/api/v1/incidents/%d/timeline" % other["id"])
    assert r.status_code == 404


def test_last_event_id_resume_and_heartbeat(demo):
    tok = login(demo, "demo.dieudo")
    first = SSE(demo, tok)
    dev = demo.devices[0]
    send_alarm(demo, dev, next_seq(demo))
    ev = first.wait(lambda e: e.get("event") == "alarm", 2)
    assert ev is not None
    mark = int(ev["id"])
    # heartbeat comments every PCCC_SSE_HEARTBEAT_S (1 s here)
    hb = first.comments.get(timeout=3)
    assert hb.startswith(":")
    first.close()
    send_alarm(demo, dev, next_seq(demo))  # while disconnected
    again = SSE(demo, tok, headers={"Last-Event-ID": str(mark)})
    try:
        ev2 = again.wait(lambda e: e.get("event") == "alarm", 2)
        assert ev2 is not None and int(ev2["id"]) > mark
    finally:
        again.close()
    # an id from the future (another process life) gets a reset
    fut = SSE(demo, tok, headers={"Last-Event-ID": "999999999"})
    try:
        assert fut.wait(lambda e: e.get("event") == "reset", 2) is not None
    finally:
        fut.close()


def test_workflow_steps_recorded_with_times(demo):
    tok = login(demo, "demo.dieudo")
    dev = demo.devices[-1]
    send_alarm(demo, dev, next_seq(demo))
    inc = wait_incident(demo, tok, dev["account"])
    iid = inc["id"]
    base = "/api/v1/incidents/%d" % iid
    sse = SSE(demo, tok)
    try:
        if inc["state"] == "open":
            # calling before acknowledging is refused
            r = api(demo, tok, "POST", base + "/call",
                    {"contact": "Vũ Đức Giang", "phone": "0961777888", "result": "answered"})
            assert r.status_code == 409 and r.json()["error"]["code"] == "invalid_state"
            t0 = int(time.time() * 1000)
            r = api(demo, tok, "POST", base + "/ack")
            assert r.status_code == 200, r.text
            assert r.json()["state"] == "verifying"
            assert r.json()["acked_by"] == "demo.dieudo"
            assert abs(r.json()["acked_ms"] - t0) < 60000
            ev = sse.wait(lambda e: e.get("event") == "board" and data_of(e)["incident"]["id"] == iid, 2)
            assert ev is not None and data_of(ev)["step"] == "ack"
        r = api(demo, tok, "POST", base + "/ack")
        assert r.status_code == 409
        r = api(demo, tok, "POST", base + "/call",
                {"contact": "Vũ Đức Giang", "phone": "0961777888", "result": "answered",
                 "note": "Có khói"})
        assert r.status_code == 200, r.text
        r = api(demo, tok, "POST", base + "/call", {"contact": "X", "result": "maybe"})
        assert r.status_code == 400
        r = api(demo, tok, "POST", base + "/verify", {"outcome": "confirmed", "note": "Có cháy thật"})
        assert r.status_code == 200 and r.json()["state"] == "confirmed"
        r = api(demo, tok, "POST", base + "/dispatch", {"note": "Đội 1 xuất phát"})
        assert r.status_code == 200 and r.json()["state"] == "dispatched"
        r = api(demo, tok, "POST", base + "/dispatch", {})
        assert r.status_code == 409
    finally:
        sse.close()
    tl = api(demo, tok, "GET", base + "/timeline").json()["items"]
    kinds = [s["kind"] for s in tl if s["kind"] != "escalation"]
    assert kinds[-4:] == ["ack", "call", "verify", "dispatch"]
    for s in tl:
        assert isinstance(s["at_ms"], int) and s["at"].endswith("Z")
    steps = [s for s in tl if s["kind"] != "escalation"]
    assert [s["at_ms"] for s in steps] == sorted(s["at_ms"] for s in steps)
    assert all(s["actor"] == "demo.dieudo" for s in steps)
    call = [s for s in steps if s["kind"] == "call"][0]
    assert call["contact"] == "Vũ Đức Giang" and call["result"] == "answered"
    assert call["phone"] and "1777888" not in call["phone"]  # stored masked
    csv = api(demo, tok, "GET", base + "/timeline?format=csv")
    assert csv.status_code == 200 and "text/csv" in csv.headers["Content-Type"]
    # a fire team reads alarms but holds no alarm.handle
    officer = login(demo, "demo.doipccc")
    assert api(demo, officer, "POST", base + "/ack").status_code == 403
    assert api(demo, tok, "POST", "/api/v1/incidents/999999/ack").status_code == 404


def test_escalation_when_not_acknowledged(demo):
    tok = login(demo, "demo.dieudo")
    sse = SSE(demo, tok)
    try:
        # a device whose incident is still open (not acted on by other tests)
        target = None
        for dev in demo.devices:
            inc = find_incident(demo, tok, dev["account"], state="open")
            if inc is not None or find_incident(demo, tok, dev["account"]) is None:
                target = dev
                break
        if target is None:
            # every site is being handled: a false alarm frees one
            dev = demo.devices[0]
            inc = find_incident(demo, tok, dev["account"])
            api(demo, tok, "POST", "/api/v1/incidents/%d/ack" % inc["id"])
            api(demo, tok, "POST", "/api/v1/incidents/%d/verify" % inc["id"],
                {"outcome": "false_alarm"})
            target = dev
        send_alarm(demo, target, next_seq(demo))
        inc = wait_incident(demo, tok, target["account"], state="open")
        assert inc is not None
        ev = sse.wait(lambda e: e.get("event") == "escalation"
                      and data_of(e)["incident"]["id"] == inc["id"], 6)
        assert ev is not None, "no escalation within PCCC_ESCALATE_S + margin"
        d = data_of(ev)
        assert d["level"] >= 1 and d["incident"]["escalation_level"] >= 1
        board = find_incident(demo, tok, target["account"], state="open")
        assert board["escalation_level"] >= 1 and board["escalated_ms"] >= board["opened_ms"]
        tl = api(demo, tok, "GET", "/api/v1/incidents/%d/timeline" % inc["id"]).json()["items"]
        assert tl[0]["kind"] == "escalation" and tl[0]["actor"] == "system"
        # acknowledging stops further escalation
        r = api(demo, tok, "POST", "/api/v1/incidents/%d/ack" % inc["id"])
        assert r.status_code == 200
        level = r.json()["escalation_level"]
        time.sleep(2.5)
        after = api(demo, tok, "GET", "/api/v1/alarms/board?state=all").json()["incidents"]
        after = [i for i in after if i["id"] == inc["id"]][0]
        assert after["escalation_level"] == level
    finally:
        sse.close()


def test_many_streams_open_and_close(demo):
    tok = login(demo, "demo.dieudo")
    streams = [SSE(demo, tok) for _ in range(20)]
    assert all(s.status == 200 for s in streams)
    for s in streams:
        s.close()
    # the server still answers and a new stream still works
    assert requests.get(demo.url + "/healthz", timeout=10).status_code == 200
    s = SSE(demo, tok)
    try:
        send_alarm(demo, demo.devices[0], next_seq(demo))
        assert s.wait(lambda e: e.get("event") == "alarm", 2) is not None
    finally:
        s.close()


def test_shutdown_with_open_stream_is_prompt(tmp_path):
    s = Server(tmp_path, "demo")
    with open(os.path.join(s.data_dir, PASSWORD_FILE)) as f:
        s.accounts = {a["username"]: a for a in json.load(f)}
    tok = login(s, "demo.dieudo")
    sse = SSE(s, tok)
    assert sse.status == 200
    t0 = time.monotonic()
    rc = s.stop(timeout=20)
    assert rc == 0
    assert time.monotonic() - t0 < 5
    sse.close()
