#!/usr/bin/python3
"""Alarm received → on the dispatcher's board (server-sent events) latency.

Starts `pccc demo` (PCCC_BIN, default build/pccc) on loopback with a
temporary data directory, signs in as the demo dispatcher, opens
GET /api/v1/alarms/stream, then sends COUNT SIA DC-09 fire alarm frames
(ADM-CID 1110) from the plain demo devices over one TCP connection, one at
a time: each frame's clock starts just before it is written to the socket
and stops when its "alarm" event is read from the stream. The event is
published after the event is durably stored and ACKed, so the figure
includes the group commit. Prints p50/p95/p99/max and one Markdown row for
bench/RESULTS.md.

Usage: bench/board_latency.py [COUNT]   (default 500, at most 20000)
"""
import http.client
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BIN = os.path.abspath(os.environ.get("PCCC_BIN", os.path.join(ROOT, "build", "pccc")))


def crc16_arc(data):
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def frame(dev, seq):
    body = ('"ADM-CID"%04d%s%s#%s[#%s|1110 01 %03d]' % (
        seq % 10000, dev["receiver"] or "", dev["line"] or "L0", dev["account"], dev["account"],
        seq % 1000)).encode()
    return b"\n" + ("%04X%04X" % (crc16_arc(body), len(body))).encode() + body + b"\r"


def start_server(data):
    proc = subprocess.Popen([BIN, "demo", "--data", data, "--http", "127.0.0.1:0",
                             "--alarm", "127.0.0.1:0"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    http_port = alarm_port = None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        try:
            o = json.loads(line)
        except ValueError:
            continue
        if o.get("msg") == "alarm listening":
            alarm_port = o.get("port")
        if o.get("msg") == "listening":
            http_port = o["port"]
            break
    if not http_port or not alarm_port:
        proc.kill()
        raise SystemExit("pccc did not start")
    threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
    return proc, http_port, alarm_port


def percentile(xs, p):
    s = sorted(xs)
    k = min(len(s) - 1, max(0, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    count = max(1, min(count, 20000))
    data = tempfile.mkdtemp(prefix="pccc-bench-board-")
    proc, http_port, alarm_port = start_server(data)
    try:
        accounts = json.load(open(os.path.join(data, "demo-accounts.json")))
        devices = [d for d in json.load(open(os.path.join(data, "demo-devices.json"))) if not d["key"]]
        disp = [a for a in accounts if a["role"] == "dispatcher"][0]
        c = http.client.HTTPConnection("127.0.0.1", http_port, timeout=30)
        c.request("POST", "/api/v1/auth/login",
                  json.dumps({"username": disp["username"], "password": disp["password"]}),
                  {"Content-Type": "application/json"})
        token = json.loads(c.getresponse().read())["token"]
        c.close()

        sse = http.client.HTTPConnection("127.0.0.1", http_port, timeout=30)
        sse.request("GET", "/api/v1/alarms/stream", headers={"Authorization": "Bearer " + token})
        resp = sse.getresponse()
        assert resp.status == 200, resp.status
        arrived = {}
        cond = threading.Condition()

        def reader():
            ev = {}
            while True:
                try:
                    line = resp.readline()
                except (OSError, ValueError, AttributeError, http.client.HTTPException):
                    return
                if not line:
                    return
                line = line.decode().rstrip("\r\n")
                if line == "":
                    if ev.get("event") == "alarm":
                        d = json.loads(ev["data"])
                        with cond:
                            arrived[(d["account"], d["zone"])] = time.perf_counter()
                            cond.notify_all()
                    ev = {}
                elif not line.startswith(":"):
                    k, _, v = line.partition(":")
                    ev[k] = v[1:] if v.startswith(" ") else v
        threading.Thread(target=reader, daemon=True).start()
        time.sleep(0.2)

        tcp = socket.create_connection(("127.0.0.1", alarm_port), timeout=10)
        lat = []
        for i in range(count):
            dev = devices[i % len(devices)]
            seq = 1000 + i
            key = (dev["account"], "%03d" % (seq % 1000))
            with cond:
                arrived.pop(key, None)
            t0 = time.perf_counter()
            tcp.sendall(frame(dev, seq))
            reply = b""
            while not reply.endswith(b"\r"):
                chunk = tcp.recv(256)
                if not chunk:
                    raise SystemExit("alarm connection closed")
                reply += chunk
            if b'"ACK"' not in reply:
                raise SystemExit("not ACKed: %r" % reply)
            with cond:
                ok = cond.wait_for(lambda: key in arrived, timeout=5)
                if not ok:
                    raise SystemExit("event %d not on the stream within 5 s" % i)
                lat.append((arrived[key] - t0) * 1000.0)
        tcp.close()
        sse.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    p50, p95, p99 = percentile(lat, 50), percentile(lat, 95), percentile(lat, 99)
    print("alarms: %d  p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms" % (
        len(lat), p50, p95, p99, max(lat)))
    ncpu = os.cpu_count()
    load = os.getloadavg()[0]
    print("| %s | %d cores, Linux %s (load %.1f) | bench/board_latency.py %d | alarm received (DC-09 TCP, "
          "durable, ACKed) → on the board (SSE event read) | p99 %.2f ms (p50 %.2f, p95 %.2f, max %.2f) "
          "| — | target p99 < 50 ms: %s |" % (
              time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime()), ncpu, platform.release(), load,
              count, p99, p50, p95, max(lat), "met" if p99 < 50 else "NOT met"))


if __name__ == "__main__":
    main()
