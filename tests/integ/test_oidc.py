"""Sign-in with the national eID (VNeID) as an OpenID Connect provider, end
to end: a real provider (npm oidc-provider, tests/oidc/provider.mjs) runs on
127.0.0.1, pccc is started pointing at it, and the browser's redirects are
followed by hand: start -> provider -> (headless sign-in) -> callback ->
session cookie -> /api/v1/auth/me as a citizen. The provider's test switches
make it hand out forged, expired, wrong-audience, wrong-issuer and
wrong-nonce ID tokens; a replayed state and a state carried to another
browser are refused."""
import json
import os
import secrets
import socket
import sqlite3
import subprocess
import threading
import time
import urllib.parse as up

import pytest
import requests

from conftest import ROOT, Server

PROVIDER = os.path.join(ROOT, "tests", "oidc", "provider.mjs")
CLIENT_ID = "pccc-test"
CCCD = "001090012345"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Provider:
    """The test OpenID provider (node), started on a free loopback port."""

    def __init__(self, redirect_uri, secret, extra=()):
        args = ["node", PROVIDER, "0", "--client-id", CLIENT_ID, "--client-secret", secret,
                "--redirect-uri", redirect_uri] + list(extra)
        self.proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.err = []
        threading.Thread(target=self._drain, daemon=True).start()
        got = {}

        def read_ready():
            line = self.proc.stdout.readline()
            if line:
                got.update(json.loads(line))
        t = threading.Thread(target=read_ready, daemon=True)
        t.start()
        t.join(60)
        if not got.get("ready"):
            self.stop()
            raise RuntimeError("provider did not start: %s" % "".join(self.err[-20:]))
        self.issuer = got["issuer"]

    def _drain(self):
        for line in self.proc.stderr:
            self.err.append(line)

    def switch(self, path, **params):
        r = requests.get(self.issuer + path, params=params, timeout=10)
        assert r.status_code == 200, r.text
        return r.json()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Stack:
    """pccc and its provider, wired to each other."""

    def __init__(self, data_dir, provider_extra=(), env=None):
        port = free_port()
        self.redirect_uri = "http://127.0.0.1:%d/api/v1/auth/oidc/callback" % port
        secret = secrets.token_urlsafe(24)
        self.provider = Provider(self.redirect_uri, secret, provider_extra)
        e = {"PCCC_OIDC_ISSUER": self.provider.issuer, "PCCC_OIDC_CLIENT_ID": CLIENT_ID,
             "PCCC_OIDC_CLIENT_SECRET": secret, "PCCC_OIDC_REDIRECT_URI": self.redirect_uri}
        e.update(env or {})
        try:
            self.pccc = Server(data_dir, extra=["--http", "127.0.0.1:%d" % port], env=e)
        except Exception:
            self.provider.stop()
            raise
        self.url = self.pccc.url

    def stop(self):
        self.pccc.stop()
        self.provider.stop()

    def to_callback(self, s):
        """Begins a sign-in in session s and follows the provider's redirects
        until the browser would be sent to our callback; returns that URL."""
        r = s.get(self.url + "/api/v1/auth/oidc/start", allow_redirects=False, timeout=30)
        assert r.status_code == 302, r.text
        loc = r.headers["Location"]
        assert loc.startswith(self.provider.issuer + "/")
        q = dict(up.parse_qsl(up.urlparse(loc).query))
        assert q["code_challenge_method"] == "S256"
        assert len(q["code_challenge"]) == 43
        assert q["client_id"] == CLIENT_ID and q["redirect_uri"] == self.redirect_uri
        assert q["state"] and q["nonce"] and q["state"] != q["nonce"]
        assert "pccc_oidc" in s.cookies
        for _ in range(10):
            r = s.get(loc, allow_redirects=False, timeout=30)
            assert r.status_code in (302, 303), (r.status_code, r.text)
            loc = up.urljoin(loc, r.headers["Location"])
            if loc.startswith(self.redirect_uri):
                return loc
        raise AssertionError("the provider never sent us back")

    def sign_in(self, s):
        cb = self.to_callback(s)
        r = s.get(cb, allow_redirects=False, timeout=30)
        return cb, r


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    st = Stack(tmp_path_factory.mktemp("oidc"))
    yield st
    st.stop()


@pytest.fixture
def normal(stack):
    """Puts the provider back to honest tokens and the default account."""
    yield stack
    stack.provider.switch("/test/mode", id_token="normal")
    stack.provider.switch("/test/account", sub="vneid-sub-0001", cccd=CCCD,
                          name="Nguyễn Văn An", phone="0912345678")


def db_rows(stack, sql, args=()):
    con = sqlite3.connect(os.path.join(stack.pccc.data_dir, "pccc.db"), timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def test_config_enabled(stack):
    r = requests.get(stack.url + "/api/v1/auth/oidc/config", timeout=10)
    assert r.status_code == 200
    assert r.json()["enabled"] is True
    assert r.json()["provider_name"] == "VNeID"
    assert r.json()["start_url"] == "/api/v1/auth/oidc/start"


def test_sign_in_end_to_end(normal):
    stack = normal
    s = requests.Session()
    cb, r = stack.sign_in(s)
    assert r.status_code == 302, r.text
    assert r.headers["Location"] == "/#/"
    set_cookie = r.headers.get("Set-Cookie", "")
    assert "pccc_session=" in set_cookie and "HttpOnly" in set_cookie
    assert "pccc_oidc=;" in set_cookie  # the binder cookie is cleared
    me = s.get(stack.url + "/api/v1/auth/me", timeout=10)
    assert me.status_code == 200, me.text
    user = me.json()["user"]
    assert user["role"] == "citizen"
    assert user["display_name"] == "Nguyễn Văn An"
    assert me.json()["session"]["method"] == "vneid"
    assert CCCD not in json.dumps(me.json())  # only masked forms, if any

    # The same citizen signing in again (another browser) is the same account.
    s2 = requests.Session()
    _, r2 = stack.sign_in(s2)
    assert r2.status_code == 302 and r2.headers["Location"] == "/#/"
    me2 = s2.get(stack.url + "/api/v1/auth/me", timeout=10).json()
    assert me2["user"]["id"] == user["id"]

    # The personal ID number is encrypted at rest; the sign-ins are audited.
    with open(os.path.join(stack.pccc.data_dir, "pccc.db"), "rb") as f:
        assert CCCD.encode() not in f.read()
    rows = db_rows(stack, "SELECT action, record_id, fields FROM audit WHERE action = 'login'")
    mine = [row for row in rows if row[1] == str(user["id"])]
    assert len(mine) >= 2
    assert json.loads(mine[-1][2])["method"] == "vneid"


def test_callback_json_answer(normal):
    stack = normal
    s = requests.Session()
    cb = stack.to_callback(s)
    r = s.get(cb, headers={"Accept": "application/json"}, allow_redirects=False, timeout=30)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["user"]["role"] == "citizen" and body["token"] and body["csrf_token"]
    me = requests.get(stack.url + "/api/v1/auth/me",
                      headers={"Authorization": "Bearer " + body["token"]}, timeout=10)
    assert me.status_code == 200 and me.json()["user"]["role"] == "citizen"


def test_replayed_state(normal):
    stack = normal
    s = requests.Session()
    cb, r = stack.sign_in(s)
    assert r.status_code == 302 and r.headers["Location"] == "/#/"
    # The same callback again: refused (the state was spent).
    again = s.get(cb, allow_redirects=False, timeout=30)
    assert again.status_code == 302
    assert again.headers["Location"] == "/#/login?error=oidc_state"
    again = s.get(cb, headers={"Accept": "application/json"}, allow_redirects=False, timeout=30)
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "oidc_state"
    assert "đăng nhập lại" in again.json()["error"]["message"]


def test_state_from_another_browser(normal):
    """A callback URL carried to another browser (login CSRF) is refused,
    and the state is spent for the first browser too."""
    stack = normal
    victim = requests.Session()
    attacker = requests.Session()
    cb = stack.to_callback(attacker)
    r = victim.get(cb, headers={"Accept": "application/json"}, allow_redirects=False, timeout=30)
    assert r.status_code == 400 and r.json()["error"]["code"] == "oidc_state"
    r = attacker.get(cb, headers={"Accept": "application/json"}, allow_redirects=False,
                     timeout=30)
    assert r.status_code == 400 and r.json()["error"]["code"] == "oidc_state"


@pytest.mark.parametrize("mode,code", [
    ("forged", "oidc_token_signature"),
    ("expired", "oidc_token_expired"),
    ("wrong_aud", "oidc_token_audience"),
    ("wrong_iss", "oidc_token_issuer"),
    ("bad_nonce", "oidc_token_nonce"),
    ("no_kid_match", "oidc_token_key"),
])
def test_bad_id_token(normal, mode, code):
    stack = normal
    stack.provider.switch("/test/mode", id_token=mode)
    s = requests.Session()
    cb = stack.to_callback(s)
    r = s.get(cb, headers={"Accept": "application/json"}, allow_redirects=False, timeout=30)
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == code
    assert "pccc_session" not in s.cookies
    assert stack.provider.switch("/test/stats")["altered"] >= 1
    # The browser flavour: back to the sign-in page with the code.
    s = requests.Session()
    cb = stack.to_callback(s)
    r = s.get(cb, allow_redirects=False, timeout=30)
    assert r.status_code == 302
    assert r.headers["Location"] == "/#/login?error=" + code
    assert s.get(stack.url + "/api/v1/auth/me", timeout=10).status_code == 401


def test_invalid_personal_id(normal):
    stack = normal
    stack.provider.switch("/test/account", sub="vneid-sub-bad", cccd="12345")
    s = requests.Session()
    cb = stack.to_callback(s)
    r = s.get(cb, headers={"Accept": "application/json"}, allow_redirects=False, timeout=30)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "oidc_claims"


def test_provider_error_and_junk(normal):
    stack = normal
    s = requests.Session()
    r = s.get(stack.url + "/api/v1/auth/oidc/start", allow_redirects=False, timeout=30)
    state = dict(up.parse_qsl(up.urlparse(r.headers["Location"]).query))["state"]
    r = s.get(stack.url + "/api/v1/auth/oidc/callback",
              params={"error": "access_denied", "error_description": "<b>user said no</b>",
                      "state": state}, allow_redirects=False, timeout=30)
    assert r.status_code == 302
    assert r.headers["Location"] == "/#/login?error=oidc_denied"
    # ...and that state is gone.
    r = s.get(stack.url + "/api/v1/auth/oidc/callback", params={"code": "x", "state": state},
              headers={"Accept": "application/json"}, allow_redirects=False, timeout=30)
    assert r.json()["error"]["code"] == "oidc_state"
    for params in ({}, {"code": "x"}, {"state": "y"}, {"code": "x" * 2000, "state": "\u00e9" * 80},
                   {"code": "x", "state": "y", "iss": "https://evil.example"}):
        r = s.get(stack.url + "/api/v1/auth/oidc/callback", params=params,
                  headers={"Accept": "application/json"}, allow_redirects=False, timeout=30)
        assert r.status_code == 400, (params, r.text)
    r = s.get(stack.url + "/api/v1/auth/oidc/callback", params={"nonsense": "1"},
              allow_redirects=False, timeout=30)
    assert r.status_code == 400
    assert stack.pccc.proc.poll() is None


def test_disabled_account_refused(normal):
    stack = normal
    stack.provider.switch("/test/account", sub="vneid-sub-0002", cccd="079301000002",
                          name="Lê Văn Cường")
    s = requests.Session()
    _, r = stack.sign_in(s)
    assert r.headers["Location"] == "/#/"
    uid = s.get(stack.url + "/api/v1/auth/me", timeout=10).json()["user"]["id"]
    con = sqlite3.connect(os.path.join(stack.pccc.data_dir, "pccc.db"), timeout=10)
    con.execute("UPDATE accounts SET disabled = 1 WHERE id = ?", (uid,))
    con.commit()
    con.close()
    s = requests.Session()
    cb = stack.to_callback(s)
    r = s.get(cb, headers={"Accept": "application/json"}, allow_redirects=False, timeout=30)
    assert r.status_code == 403 and r.json()["error"]["code"] == "oidc_account_disabled"


def test_post_auth_and_userinfo(tmp_path):
    """client_secret_post, a custom claim name, and claims that come only
    from the userinfo endpoint (the ID token carries just sub)."""
    st = Stack(tmp_path, provider_extra=["--auth-method", "client_secret_post",
                                         "--userinfo-only", "--cccd-claim", "personal_id",
                                         "--cccd", "079301000001", "--name", "Phạm Thị Dung"],
               env={"PCCC_OIDC_AUTH_METHOD": "client_secret_post",
                    "PCCC_OIDC_CLAIM_CCCD": "personal_id",
                    "PCCC_OIDC_PROVIDER_NAME": "VNeID (thử nghiệm)"})
    try:
        assert requests.get(st.url + "/api/v1/auth/oidc/config", timeout=10).json()[
            "provider_name"] == "VNeID (thử nghiệm)"
        s = requests.Session()
        _, r = st.sign_in(s)
        assert r.status_code == 302 and r.headers["Location"] == "/#/", r.text
        me = s.get(st.url + "/api/v1/auth/me", timeout=10).json()
        assert me["user"]["display_name"] == "Phạm Thị Dung"
    finally:
        st.stop()


def test_not_configured(server):
    r = server.get("/api/v1/auth/oidc/config")
    assert r.status_code == 200 and r.json()["enabled"] is False
    r = server.get("/api/v1/auth/oidc/start", allow_redirects=False)
    assert r.status_code == 302 and r.headers["Location"] == "/#/login?error=oidc_disabled"
    r = server.get("/api/v1/auth/oidc/start", headers={"Accept": "application/json"},
                   allow_redirects=False)
    assert r.status_code == 404 and r.json()["error"]["code"] == "oidc_disabled"


def test_bad_configuration(fresh_server):
    s = fresh_server(env={"PCCC_OIDC_ISSUER": "http://sso.example.vn",
                          "PCCC_OIDC_CLIENT_ID": "x", "PCCC_OIDC_CLIENT_SECRET": "y",
                          "PCCC_OIDC_REDIRECT_URI": "http://127.0.0.1:1/cb"})
    assert s.get("/api/v1/auth/oidc/config").json()["enabled"] is False
    deadline = time.time() + 10
    while time.time() < deadline and not any(
            "bad configuration" in str(line.get("msg", "")) for line in s.logs):
        time.sleep(0.05)
    line = [x for x in s.logs if "bad configuration" in str(x.get("msg", ""))][0]
    assert "PCCC_OIDC_ISSUER" in line["error"]


def test_provider_down(tmp_path):
    port = free_port()
    s = Server(tmp_path, extra=["--http", "127.0.0.1:%d" % port],
               env={"PCCC_OIDC_ISSUER": "http://127.0.0.1:%d" % free_port(),
                    "PCCC_OIDC_CLIENT_ID": "x", "PCCC_OIDC_CLIENT_SECRET": "y",
                    "PCCC_OIDC_REDIRECT_URI":
                        "http://127.0.0.1:%d/api/v1/auth/oidc/callback" % port})
    try:
        r = s.get("/api/v1/auth/oidc/start", allow_redirects=False)
        assert r.status_code == 302
        assert r.headers["Location"] == "/#/login?error=oidc_provider_unavailable"
        r = s.get("/api/v1/auth/oidc/start", headers={"Accept": "application/json"},
                  allow_redirects=False)
        assert r.status_code == 502
    finally:
        s.stop()
