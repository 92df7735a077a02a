"""Accounts and sessions: sign-in, bearer and cookie sessions, CSRF,
sign-out, expiry (absolute and idle, via short env-configured limits),
throttling (per pair, per account, never a permanent lock-out), the forced
password change, `pccc user`, and the demo accounts."""
import json
import os
import re
import time

import pytest
import requests

from authutil import DEMO_PASSWORD, DEMO_USERS, bearer, call, login, login_from
from conftest import Server, run_pccc


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("authdemo"), "demo")
    yield s
    s.stop()


def add_user(data_dir, *args):
    r = run_pccc("user", "add", "--data", str(data_dir), *args)
    assert r.returncode == 0, r.stderr
    m = re.search(r"temporary password: (\S+)", r.stdout)
    return m.group(1) if m else None


# ---- sign-in and sessions ---------------------------------------------------

def test_login_bearer_me_logout(demo):
    r = requests.post(demo.url + "/api/v1/auth/login",
                      json={"username": "demo.canbo", "password": DEMO_PASSWORD}, timeout=30)
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"token", "user", "csrf_token"}
    u = body["user"]
    assert u["username"] == "demo.canbo" and u["role"] == "commune_officer"
    assert u["unit"] == "00364" and u["must_change_password"] is False
    assert {"id", "display_name"} <= set(u)
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith("pccc_session=" + body["token"])
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/"]:
        assert attr in cookie
    assert "Secure" not in cookie  # no TLS here, PCCC_COOKIE_SECURE unset

    tok = body["token"]
    me = call(demo.url, "GET", "/api/v1/auth/me", tok)
    assert me.status_code == 200
    assert me.json()["user"]["username"] == "demo.canbo"
    assert me.json()["csrf_token"]
    assert "house.read" in me.json()["permissions"]
    assert call(demo.url, "GET", "/api/v1/auth/me").status_code == 401
    assert call(demo.url, "GET", "/api/v1/auth/me", "x" * 43).status_code == 401
    # bearer writes need no CSRF token
    assert call(demo.url, "POST", "/api/v1/auth/logout", tok).status_code == 200
    assert call(demo.url, "GET", "/api/v1/auth/me", tok).status_code == 401


def test_wrong_credentials_same_answer(demo):
    a = requests.post(demo.url + "/api/v1/auth/login",
                      json={"username": "demo.canbo", "password": "wrong-password-1"}, timeout=30)
    b = requests.post(demo.url + "/api/v1/auth/login",
                      json={"username": "nobody.here", "password": "wrong-password-1"}, timeout=30)
    assert a.status_code == b.status_code == 401
    assert a.json() == b.json()
    assert a.json()["error"]["code"] == "invalid_credentials"
    assert "Set-Cookie" not in a.headers
    # username is case-insensitive
    login(demo.url, "Demo.CanBo")


def test_cookie_session_and_csrf(demo):
    s = requests.Session()
    r = s.post(demo.url + "/api/v1/auth/login",
               json={"username": "demo.pc07", "password": DEMO_PASSWORD}, timeout=30)
    assert r.status_code == 200
    csrf = r.json()["csrf_token"]
    me = s.get(demo.url + "/api/v1/auth/me", timeout=30)
    assert me.status_code == 200 and me.json()["csrf_token"] == csrf
    # a cookie-signed write without or with a wrong CSRF token is refused
    r = s.post(demo.url + "/api/v1/auth/logout", timeout=30)
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf"
    wrong = csrf[:-1] + ("A" if csrf[-1] != "A" else "B")
    r = s.post(demo.url + "/api/v1/auth/logout", headers={"X-CSRF-Token": wrong}, timeout=30)
    assert r.status_code == 403
    # another session's token does not work either
    other = login(demo.url, "demo.pc07")
    r = s.post(demo.url + "/api/v1/auth/logout", headers={"X-CSRF-Token": other["csrf_token"]},
               timeout=30)
    assert r.status_code == 403
    assert s.get(demo.url + "/api/v1/auth/me", timeout=30).status_code == 200
    r = s.post(demo.url + "/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}, timeout=30)
    assert r.status_code == 200
    assert "Max-Age=0" in r.headers["Set-Cookie"]
    assert call(demo.url, "GET", "/api/v1/auth/me", other["token"]).status_code == 200


def test_logout_all(demo):
    a = login(demo.url, "demo.dieudo")["token"]
    b = login(demo.url, "demo.dieudo")["token"]
    other = login(demo.url, "demo.kiemtra")["token"]
    r = call(demo.url, "POST", "/api/v1/auth/logout-all", a)
    assert r.status_code == 200 and r.json()["sessions"] >= 2
    assert call(demo.url, "GET", "/api/v1/auth/me", a).status_code == 401
    assert call(demo.url, "GET", "/api/v1/auth/me", b).status_code == 401
    assert call(demo.url, "GET", "/api/v1/auth/me", other).status_code == 200


def test_login_validation(demo):
    r = requests.post(demo.url + "/api/v1/auth/login", json={"username": "x"}, timeout=30)
    assert r.status_code == 400 and r.json()["error"]["field"] == "password"
    r = requests.post(demo.url + "/api/v1/auth/login", data="{", timeout=30,
                      headers={"Content-Type": "application/json"})
    assert r.status_code == 400


def test_demo_accounts_file_and_rerun(demo, tmp_path):
    accounts = json.load(open(os.path.join(demo.data_dir, "demo-accounts.json")))
    roles = {a["role"] for a in accounts}
    assert roles == set(DEMO_USERS)
    for a in accounts:
        assert isinstance(a["unit"], str) and re.fullmatch(r"\d{2}|\d{5}", a["unit"])
        assert a["password"] == DEMO_PASSWORD
    by_role = {a["role"]: a for a in accounts}
    assert by_role["commune_officer"]["unit"] == "00364"
    assert by_role["admin"]["unit"] == "01"
    for a in accounts:
        u = login(demo.url, a["username"], a["password"])["user"]
        assert u["must_change_password"] is False and u["role"] == a["role"]
    ft = login(demo.url, "demo.doipccc")["token"]
    me = call(demo.url, "GET", "/api/v1/auth/me", ft).json()
    assert "00364" in me["user"]["covered_communes"]


def test_demo_rerun_keeps_accounts(tmp_path):
    s = Server(tmp_path, "demo")
    first = json.load(open(tmp_path / "demo-accounts.json"))
    tok = login(s.url, "demo.canbo")["token"]
    uid = call(s.url, "GET", "/api/v1/auth/me", tok).json()["user"]["id"]
    s.stop()
    s = Server(tmp_path, "demo")
    try:
        again = json.load(open(tmp_path / "demo-accounts.json"))
        assert again == first
        r = login(s.url, "demo.canbo")
        assert r["user"]["id"] == uid
    finally:
        s.stop()


# ---- expiry ------------------------------------------------------------------

def test_absolute_expiry(fresh_server, tmp_path):
    add_user(tmp_path, "--username", "hethan.a", "--role", "auditor", "--unit", "01",
             "--password", "Kiemtra#2025x")
    s = fresh_server(env={"PCCC_SESSION_TTL_S": "1.5", "PCCC_SESSION_IDLE_S": "100"})
    tok = login(s.url, "hethan.a", "Kiemtra#2025x")["token"]
    t0 = time.monotonic()
    while time.monotonic() - t0 < 1.2:  # active all along
        assert call(s.url, "GET", "/api/v1/auth/me", tok).status_code == 200
        time.sleep(0.3)
    time.sleep(max(0, 1.6 - (time.monotonic() - t0)))
    assert call(s.url, "GET", "/api/v1/auth/me", tok).status_code == 401


def test_idle_timeout(fresh_server, tmp_path):
    add_user(tmp_path, "--username", "hethan.b", "--role", "auditor", "--unit", "01",
             "--password", "Kiemtra#2025x")
    s = fresh_server(env={"PCCC_SESSION_TTL_S": "100", "PCCC_SESSION_IDLE_S": "1"})
    tok = login(s.url, "hethan.b", "Kiemtra#2025x")["token"]
    for _ in range(4):  # 2 s of activity, each gap under the idle limit
        time.sleep(0.5)
        assert call(s.url, "GET", "/api/v1/auth/me", tok).status_code == 200
    time.sleep(1.3)
    assert call(s.url, "GET", "/api/v1/auth/me", tok).status_code == 401
    # a new sign-in works
    tok = login(s.url, "hethan.b", "Kiemtra#2025x")["token"]
    assert call(s.url, "GET", "/api/v1/auth/me", tok).status_code == 200


# ---- throttling -------------------------------------------------------------

def test_throttle_pair_other_address_and_backoff_end(fresh_server, tmp_path):
    add_user(tmp_path, "--username", "nan.nhan", "--role", "auditor", "--unit", "01",
             "--password", "Dung#Matkhau9")
    s = fresh_server()
    for i in range(5):
        st, _, body = login_from(s.port, "127.0.0.1", "nan.nhan", "sai-mat-khau-%d" % i)
        assert st == 401, body
    st, headers, body = login_from(s.port, "127.0.0.1", "nan.nhan", "Dung#Matkhau9")
    assert st == 429 and body["error"]["code"] == "too_many_attempts"
    wait = int(headers["Retry-After"])
    assert 1 <= wait <= 2
    # the real user from another address is not locked out
    st, _, _ = login_from(s.port, "127.0.0.2", "nan.nhan", "Dung#Matkhau9")
    assert st == 200
    # when the backoff ends the right password works from the first address too
    time.sleep(wait + 0.2)
    st, _, _ = login_from(s.port, "127.0.0.1", "nan.nhan", "Dung#Matkhau9")
    assert st == 200


def test_throttle_account_soft_limit(fresh_server, tmp_path):
    add_user(tmp_path, "--username", "bi.tan.cong", "--role", "auditor", "--unit", "01",
             "--password", "Dung#Matkhau9")
    s = fresh_server()
    # the owner signed in from 127.0.0.7 before: a trusted pair
    assert login_from(s.port, "127.0.0.7", "bi.tan.cong", "Dung#Matkhau9")[0] == 200
    # 10 failures spread over addresses, each under the pair threshold
    n = 0
    for src in ["127.0.0.3", "127.0.0.4", "127.0.0.5"]:
        for _ in range(4):
            if n == 10:
                break
            assert login_from(s.port, src, "bi.tan.cong", "doan-mo-%d" % n)[0] == 401
            n += 1
    st, headers, _ = login_from(s.port, "127.0.0.9", "bi.tan.cong", "Dung#Matkhau9")
    assert st == 429
    wait = int(headers["Retry-After"])
    assert 1 <= wait <= 60
    # the trusted pair is not slowed
    assert login_from(s.port, "127.0.0.7", "bi.tan.cong", "Dung#Matkhau9")[0] == 200
    time.sleep(wait + 0.2)
    assert login_from(s.port, "127.0.0.9", "bi.tan.cong", "Dung#Matkhau9")[0] == 200


# ---- forced password change, CLI ------------------------------------------------

def test_first_sign_in_forces_password_change(fresh_server, tmp_path):
    temp = add_user(tmp_path, "--username", "qt.moi", "--role", "admin", "--unit", "01",
                    "--display-name", "Quản trị mới")
    assert temp and len(temp) >= 10
    s = fresh_server()
    body = login(s.url, "qt.moi", temp)
    assert body["user"]["must_change_password"] is True
    tok = body["token"]
    r = call(s.url, "GET", "/api/v1/accounts", tok)
    assert r.status_code == 403 and r.json()["error"]["code"] == "password_change_required"
    assert call(s.url, "GET", "/api/v1/auth/me", tok).status_code == 200
    second = login(s.url, "qt.moi", temp)["token"]
    # wrong current password; weak new passwords
    r = call(s.url, "POST", "/api/v1/auth/password", tok,
             json={"current_password": "nope-nope-nope", "new_password": "Manh#Matkhau2025"})
    assert r.status_code == 400 and r.json()["error"]["field"] == "current_password"
    for weak in ["ngan1!", "password123", "qt.moi-2025-xyz", temp]:
        r = call(s.url, "POST", "/api/v1/auth/password", tok,
                 json={"current_password": temp, "new_password": weak})
        assert r.status_code == 400, weak
        assert r.json()["error"]["code"] == "weak_password"
        assert r.json()["error"]["field"] == "new_password"
    r = call(s.url, "POST", "/api/v1/auth/password", tok,
             json={"current_password": temp, "new_password": "Manh#Matkhau2025"})
    assert r.status_code == 200 and r.json()["user"]["must_change_password"] is False
    assert call(s.url, "GET", "/api/v1/accounts", tok).status_code == 200
    # other sessions ended, old password gone
    assert call(s.url, "GET", "/api/v1/auth/me", second).status_code == 401
    r = requests.post(s.url + "/api/v1/auth/login",
                      json={"username": "qt.moi", "password": temp}, timeout=30)
    assert r.status_code == 401
    login(s.url, "qt.moi", "Manh#Matkhau2025")


def test_cli_user_commands(tmp_path):
    d = str(tmp_path)
    r = run_pccc("user", "add", "--data", d, "--username", "x", "--role", "admin", "--unit", "01")
    assert r.returncode != 0
    r = run_pccc("user", "add", "--data", d, "--username", "cli.a", "--role", "boss", "--unit", "01")
    assert r.returncode != 0 and "boss" in r.stderr
    r = run_pccc("user", "add", "--data", d, "--username", "cli.a", "--role", "admin", "--unit", "99999")
    assert r.returncode != 0
    r = run_pccc("user", "add", "--data", d, "--username", "cli.a", "--role", "admin",
                 "--unit", "01", "--password", "123456789")
    assert r.returncode != 0
    add_user(tmp_path, "--username", "cli.a", "--role", "fire_team", "--unit", "00367",
             "--covered", "00364,00352")
    r = run_pccc("user", "add", "--data", d, "--username", "cli.a", "--role", "admin", "--unit", "01")
    assert r.returncode != 0  # taken
    r = run_pccc("user", "passwd", "--data", d, "--username", "cli.a", "--password", "Moi#Matkhau2025")
    assert r.returncode == 0, r.stderr
    r = run_pccc("user", "disable", "--data", d, "--username", "cli.a")
    assert r.returncode == 0
    s = Server(tmp_path)
    try:
        r = requests.post(s.url + "/api/v1/auth/login",
                          json={"username": "cli.a", "password": "Moi#Matkhau2025"}, timeout=30)
        assert r.status_code == 401
        assert run_pccc("user", "enable", "--data", d, "--username", "cli.a").returncode == 0
        u = login(s.url, "cli.a", "Moi#Matkhau2025")["user"]
        assert u["must_change_password"] is False and u["role"] == "fire_team"
    finally:
        s.stop()
    r = run_pccc("user", "frob", "--data", d)
    assert r.returncode == 2
