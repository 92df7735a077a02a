"""Crash test of the durability promise: events sent under load from a few
connections, the server killed with SIGKILL at random moments (3 times),
restarted on the same data, every event not ACKed retransmitted (and a
sample of ACKed ones too); in the end every ACKed event is stored exactly
once and no event twice."""
import pytest
import os
import random
import signal
import socket
import sqlite3
import threading
import time

from conftest import Server
from test_alarm_frames import frame, parse_reply

CONNS = 4
KILLS = 3


def sender(port, c, todo, acked, lock, stop):
    """Sends events todo (list of n) in order over one connection until the
    list is done, the server goes away or stop is set."""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
    except OSError:
        return
    s.settimeout(5)
    buf = b""
    try:
        for n in todo:
            if stop.is_set():
                break
            s.sendall(frame(data="#1234|Nri%d/UX%d" % (c, n), seq="%04d" % (n % 10000)))
            while b"\r" not in buf:
                chunk = s.recv(256)
                if not chunk:
                    raise ConnectionError
                buf += chunk
            raw, buf = buf[:buf.index(b"\r") + 1], buf[buf.index(b"\r") + 1:]
            if parse_reply(raw)["id"] == "ACK":
                with lock:
                    acked.add((c, n))
    except (OSError, ConnectionError):
        pass
    finally:
        s.close()


def run_round(port, pending, acked, duration):
    lock = threading.Lock()
    stop = threading.Event()
    threads = [threading.Thread(target=sender, args=(port, c, pending[c], acked, lock, stop))
               for c in range(CONNS)]
    for t in threads:
        t.start()
    return threads, stop


@pytest.mark.slow
def test_sigkill_loses_no_acked_event(tmp_path):
    rnd = random.Random(5)
    per_conn = 1000
    acked = set()
    server = Server(tmp_path, "demo")
    next_n = [0] * CONNS
    interrupted = 0
    for k in range(KILLS + 1):
        # Everything not ACKed so far, plus some ACKed ones again, then new ones.
        pending = []
        for c in range(CONNS):
            old = [n for n in range(next_n[c]) if (c, n) not in acked]
            again = rnd.sample(sorted(n for (cc, n) in acked if cc == c),
                               min(20, len([1 for (cc, _) in acked if cc == c])))
            new = list(range(next_n[c], next_n[c] + per_conn)) if k < KILLS else []
            next_n[c] += len(new)
            pending.append(old + again + new)
        threads, stop = run_round(server.alarm_port, pending, acked, 0)
        if k < KILLS:
            time.sleep(rnd.uniform(0.2, 0.7))
            os.kill(server.proc.pid, signal.SIGKILL)
            server.proc.wait()
        for t in threads:
            t.join(60)
        if k < KILLS:
            sent = sum(len(p) for p in pending)
            interrupted += sum(1 for c in range(CONNS) for n in pending[c]
                               if (c, n) not in acked) > 0
            print("round %d: %d to send, %d acked in all" % (k, sent, len(acked)))
            server = Server(tmp_path, "serve")
    assert interrupted == KILLS, "each kill must land under load"
    # The last round ran to completion: everything is ACKed now.
    assert all((c, n) in acked for c in range(CONNS) for n in range(next_n[c]))
    assert server.stop() == 0
    con = sqlite3.connect(os.path.join(str(tmp_path), "pccc.db"))
    rows = con.execute("select partition, zone, count(*) from alarm_events where "
                       "account='1234' and code='UX' group by partition, zone").fetchall()
    con.close()
    counts = {(int(p), int(z)): n for p, z, n in rows}
    assert max(counts.values()) == 1, "an event stored twice"
    missing = [k for k in acked if k not in counts]
    assert not missing, "ACKed but not stored: %r" % missing[:10]
    assert len(acked) == CONNS * per_conn * KILLS
