"""The audit trail: sign-ins (good and bad), account writes and CLI
actions appear with who, role, unit, address and request id; auditors
filter and export it, nobody else reads it; the database refuses edits;
`pccc audit verify` passes on an intact chain and names the first entry
edited directly in the SQLite file."""
import csv
import io
import os
import subprocess

import requests

from authutil import call, login
from conftest import Server, run_pccc


def test_audit_trail_and_verify(tmp_path):
    d = str(tmp_path)
    s = Server(tmp_path, "demo")
    try:
        requests.post(s.url + "/api/v1/auth/login",
                      json={"username": "demo.canbo", "password": "sai-mat-khau"}, timeout=30)
        admin = login(s.url, "demo.quantri")["token"]
        r = call(s.url, "POST", "/api/v1/accounts", admin,
                 json={"username": "kt.moi", "role": "commune_officer", "unit": "00364"})
        assert r.status_code == 201
        new_id = str(r.json()["account"]["id"])
        rid = r.headers["X-Request-Id"]
        # only auditors read the trail
        assert call(s.url, "GET", "/api/v1/audit", admin).status_code == 403
        assert call(s.url, "GET", "/api/v1/audit").status_code == 401
        aud = login(s.url, "demo.kiemtra")["token"]
        items = call(s.url, "GET", "/api/v1/audit?limit=500", aud).json()["items"]
        seqs = [i["seq"] for i in items]
        assert seqs == sorted(seqs, reverse=True)  # newest first
        actions = [i["action"] for i in items]
        for a in ["login", "login.failed", "account.create"]:
            assert a in actions
        failed = [i for i in items if i["action"] == "login.failed"][0]
        assert failed["actor"] is None and failed["fields"]["username"] == "demo.canbo"
        assert failed["remote"] == "127.0.0.1"
        create = [i for i in items if i["action"] == "account.create" and i["record_id"] == new_id][0]
        assert create["actor"] == "demo.quantri" and create["role"] == "admin"
        assert create["unit"] == "01" and create["request_id"] == rid
        assert create["fields"]["username"] == "kt.moi"
        assert "temporary_password" not in str(create["fields"])
        # filters
        only = call(s.url, "GET", "/api/v1/audit?action=login&actor=demo.quantri", aud).json()
        assert only["items"] and all(i["action"] == "login" and i["actor"] == "demo.quantri"
                                     for i in only["items"])
        assert call(s.url, "GET", "/api/v1/audit?from=2999-01-01", aud).json()["items"] == []
        assert call(s.url, "GET", "/api/v1/audit?to=2000-01-01", aud).json()["items"] == []
        assert call(s.url, "GET", "/api/v1/audit?from=yesterday", aud).status_code == 400
        page = call(s.url, "GET", "/api/v1/audit?limit=2", aud).json()
        nxt = call(s.url, "GET", "/api/v1/audit?limit=2&cursor=" + page["next_cursor"], aud).json()
        assert nxt["items"][0]["seq"] < page["items"][-1]["seq"]
        x = call(s.url, "GET", "/api/v1/audit?format=csv&action=account.create", aud)
        assert x.status_code == 200
        rows = list(csv.reader(io.StringIO(x.content.decode("utf-8-sig"))))
        assert rows[0][0] == "Số thứ tự" and len(rows) >= 2
        # the export itself is audited
        assert call(s.url, "GET", "/api/v1/audit?action=audit.export", aud).json()["items"]
    finally:
        assert s.stop() == 0
    # a CLI action is audited too
    r = run_pccc("user", "disable", "--data", d, "--username", "kt.moi")
    assert r.returncode == 0

    r = run_pccc("audit", "verify", "--data", d)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("OK: ")
    n = int(r.stdout.split()[1])
    assert n >= 12

    db = os.path.join(d, "pccc.db")
    # the database itself refuses edits and deletes
    p = subprocess.run(["sqlite3", db, "update audit set actor = 'x' where seq = 3"],
                       capture_output=True, text=True)
    assert p.returncode != 0 and "append-only" in p.stderr
    p = subprocess.run(["sqlite3", db, "delete from audit where seq = 3"],
                       capture_output=True, text=True)
    assert p.returncode != 0
    # an attacker with the file drops the trigger and edits entry 3
    p = subprocess.run(["sqlite3", db, "drop trigger audit_no_update; "
                        "update audit set fields = '{\"username\":\"khac\"}' where seq = 3"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    r = run_pccc("audit", "verify", "--data", d)
    assert r.returncode == 1
    assert "seq 3 " in r.stdout
    # re-hashing the edited entry does not help: the next one no longer links
    p = subprocess.run(["sqlite3", db, "update audit set hash = '%s' where seq = 3" % ("ab" * 32)],
                       capture_output=True, text=True)
    assert p.returncode == 0
    r = run_pccc("audit", "verify", "--data", d)
    assert r.returncode == 1 and "seq 3 " in r.stdout
    assert run_pccc("audit", "frob", "--data", d).returncode == 2


def test_import_is_one_audit_entry(tmp_path):
    d = str(tmp_path)
    src = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data")
    gso = None
    for root, _, files in os.walk(src):
        for f in files:
            if f.endswith(".csv") and "gso" in f.lower():
                gso = os.path.join(root, f)
    if not gso:
        path = tmp_path / "gso.csv"
        path.write_text("Mã,Tên,Tên Tiếng Anh,Cấp,Mã QH,Quận Huyện,Mã TP,Tỉnh / Thành Phố\n"
                        "00001,Phường Phúc Xá,,Phường,001,Quận Ba Đình,01,Thành phố Hà Nội\n",
                        encoding="utf-8")
        gso = str(path)
    r = run_pccc("import", "units", gso, "--data", d)
    assert r.returncode == 0, r.stderr
    s = Server(tmp_path)
    try:
        r = run_pccc("user", "add", "--data", d, "--username", "kt.vien", "--role", "auditor",
                     "--unit", "01", "--password", "Kiem#Tra2025pw")
        assert r.returncode == 0
        tok = login(s.url, "kt.vien", "Kiem#Tra2025pw")["token"]
        call(s.url, "POST", "/api/v1/auth/password", tok,
             json={"current_password": "Kiem#Tra2025pw", "new_password": "Kiem#Tra2026pw"})
        items = call(s.url, "GET", "/api/v1/audit?action=import.units", tok).json()["items"]
        assert len(items) == 1
        f = items[0]["fields"]
        assert f["rows"] >= 1 and len(f["sha256"]) == 64 and items[0]["actor"].startswith("cli:")
    finally:
        s.stop()
