"""The pccc command: sub-commands, flags, clear errors, lifecycle."""
import os
import signal
import socket
import stat
import subprocess
import json
import time

import requests

from conftest import BIN, Server, run_pccc


def test_version_and_help():
    r = run_pccc("version")
    assert r.returncode == 0 and r.stdout.startswith("pccc ")
    h = run_pccc("help")
    assert h.returncode == 0
    for word in ["serve", "demo", "migrate", "import units", "import houses|facilities",
                 "import residents", "generate", "user add", "audit verify", "--db", "--http",
                 "--alarm", "--data"]:
        assert word in h.stdout, word


def test_unknown_command_and_flag(tmp_path):
    r = run_pccc("frobnicate")
    assert r.returncode != 0 and "frobnicate" in r.stderr
    r = run_pccc("serve", "--data", str(tmp_path), "--nonsense", "1")
    assert r.returncode != 0
    assert "--nonsense" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_flags_accepted_from_env_and_argv(tmp_path):
    # every contract flag, both spellings, including --alarm and --db
    db = tmp_path / "x.db"
    r = run_pccc("migrate", "--db=%s" % db, "--http", "127.0.0.1:1", "--alarm=127.0.0.1:2",
                 "--data", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert db.exists()
    r = run_pccc("migrate", env={"PCCC_DATA": str(tmp_path / "envdata")})
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "envdata" / "pccc.db").exists()


def test_port_in_use(tmp_path):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    port = s.getsockname()[1]
    try:
        r = run_pccc("serve", "--data", str(tmp_path), "--http", "127.0.0.1:%d" % port,
                     "--alarm", "127.0.0.1:0")
        assert r.returncode != 0
        lines = [l for l in r.stderr.splitlines() if not l.startswith("{")]
        assert len(lines) == 1, r.stderr
        assert "in use" in lines[0] and str(port) in lines[0]
    finally:
        s.close()


def test_unwritable_data_dir(tmp_path):
    d = tmp_path / "ro"
    d.mkdir()
    os.chmod(d, stat.S_IRUSR | stat.S_IXUSR)
    try:
        if os.access(str(d), os.W_OK):  # root ignores permissions: use a file instead
            f = tmp_path / "plainfile"
            f.write_text("x")
            r = run_pccc("serve", "--data", str(f), "--http", "127.0.0.1:0")
            assert r.returncode != 0
            assert str(f) in r.stderr
            return
        r = run_pccc("serve", "--data", str(d), "--http", "127.0.0.1:0")
        assert r.returncode != 0
        assert "not writable" in r.stderr
    finally:
        os.chmod(d, stat.S_IRWXU)


def test_data_dir_is_a_file(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    r = run_pccc("serve", "--data", str(f), "--http", "127.0.0.1:0")
    assert r.returncode != 0
    assert len([l for l in r.stderr.splitlines() if l.strip()]) == 1


def test_sigterm_stops_cleanly_and_restart_same_port(tmp_path):
    s = Server(tmp_path)
    port = s.port
    assert s.get("/healthz").status_code == 200
    assert s.stop() == 0
    assert any(l.get("msg") == "stopped" for l in s.logs)
    # SQLite closed cleanly: the WAL was checkpointed and removed
    assert not (tmp_path / "pccc.db-wal").exists()
    # SO_REUSEADDR: the same port can be taken again at once
    r = subprocess.Popen([BIN, "serve", "--data", str(tmp_path), "--http",
                          "127.0.0.1:%d" % port, "--alarm", "127.0.0.1:0"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 60
        ok = False
        while time.time() < deadline and r.poll() is None:
            try:
                ok = requests.get("http://127.0.0.1:%d/healthz" % port, timeout=2).ok
                if ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        assert ok
    finally:
        r.send_signal(signal.SIGTERM)
        assert r.wait(30) == 0


def test_in_flight_request_finishes_on_sigterm(tmp_path):
    s = Server(tmp_path)
    # a request whose body is still arriving when SIGTERM comes is answered
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
    sock.sendall(b"PUT /api/v1/units/00364 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                 b"Content-Type: application/json\r\nContent-Length: 10\r\n\r\n{\"a\":")
    time.sleep(0.3)
    s.proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    sock.sendall(b"12345}")
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    sock.close()
    assert data.startswith(b"HTTP/1.1 405"), data[:200]
    assert s.proc.wait(30) == 0


def test_slow_client_is_timed_out(tmp_path):
    s = Server(tmp_path, extra=["--http-timeout", "1"])
    try:
        sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # never finishes
        t0 = time.time()
        data = sock.recv(100)
        assert data == b""  # closed by the server
        assert time.time() - t0 < 8
        sock.close()
    finally:
        s.stop()


def test_migrate_is_idempotent(tmp_path):
    a = run_pccc("migrate", "--data", str(tmp_path))
    b = run_pccc("migrate", "--data", str(tmp_path))
    assert a.returncode == 0 and b.returncode == 0, (a.stderr, b.stderr)


def test_demo_writes_contract_files(tmp_path):
    s = Server(tmp_path, command="demo")
    try:
        time.sleep(0.5)
        assert (tmp_path / "demo-accounts.json").exists()
        assert (tmp_path / "demo-devices.json").exists()
        out = "\n".join(s.stdout)
        assert s.url.replace("http://", "") in out or str(s.port) in out
        accounts = json.loads((tmp_path / "demo-accounts.json").read_text())
        roles = {a["role"] for a in accounts}
        assert roles == {"citizen", "facility_owner", "commune_officer", "fire_team",
                         "city_fire_police", "dispatcher", "auditor", "admin"}
        for a in accounts:
            assert set(a) == {"role", "username", "password", "unit"}
            assert isinstance(a["unit"], str)
            # every account is printed with its password, and signs in
            assert a["username"] in out and a["password"] in out
            r = requests.post(s.url + "/api/v1/auth/login", timeout=30,
                              json={"username": a["username"], "password": a["password"]})
            assert r.status_code == 200, (a, r.text)
            assert r.json()["user"]["must_change_password"] is False
        officer = [a for a in accounts if a["role"] == "commune_officer"][0]
        assert officer["unit"] == "00364"
    finally:
        s.stop()
